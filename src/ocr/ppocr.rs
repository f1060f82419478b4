//! PP-OCR through ONNX Runtime: PaddleOCR's PP-OCRv6 text detection (DB) and recognition (CTC)
//! models, and its text-line orientation model, run with the `ort` crate on a runtime library
//! loaded at run time (`libonnxruntime.so` from the `onnxruntime` wheel; nothing is downloaded or
//! linked at build time).
//!
//! The models folder ([`super::models_dir`]) holds, as `scripts/install-ocr.sh` lays it out:
//! `libonnxruntime.so`, `PP-OCRv6_det_<size>.onnx`, `PP-OCRv6_rec_<size>.onnx` (size `small`, or
//! `tiny` with `PINGSHEN_OCR_MODEL=tiny`) and `ch_ppocr_mobile_v2.0_cls_mobile.onnx` (optional),
//! and `MANIFEST.tsv` with each file's sha256. The recognition dictionary is the rec model's
//! metadata key `character`.
//!
//! A page is read in these steps, each as RapidOCR runs the same models (its defaults, so the
//! models see what they were trained on):
//!
//! 1. **Decode** the image (RGB or gray; JPEG decoded here). A page without a glyph's worth of
//!    ink anywhere, even faint or red, is blank and read no further ([`is_blank`]).
//! 2. **Orientation.** Detection on the page as it is; when most of the text boxes (by area) are
//!    taller than wide the page lies on its side and is turned a quarter clockwise. Then the
//!    orientation model votes on the longest lines: when most say 180° with a score over 0.9 the
//!    page is turned upside up, and its boxes with it ([`db::turned_half`]: detection is not
//!    run again). (0/90/180/270 all end upright: a page turned 270° becomes one
//!    turned 180° after the quarter turn.)
//! 3. **Seal ink.** Red seal ink is found ([`super::seal::ink_mask`]) and whitened
//!    ([`super::seal::whiten_ink`]) on every colour page, JPEG ones included, so black text under
//!    a seal is read and the seal's ring is not; the mask stays, to tell which characters lie
//!    under ink.
//! 4. **Detection**: the page scaled so its longer side is 960 pixels, sides multiples of 32,
//!    BGR, `(x/255 − 0.5)/0.5`; DB post-processing in [`super::db`].
//! 5. **Recognition**: each line cut out and straightened, height 48, one line a run at its own
//!    width (not padded to RapidOCR's 320), greedy CTC decoding. Each character keeps its
//!    probability and its place on the page, and is marked when seal ink covers 5 % or more of
//!    its box.
//! 6. **Seals**: each seal's ring unrolled into a strip and its inner line cut out, both read by
//!    the recognizer, as evidence ([`super::SealRead`]).
//!
//! Sessions run on one thread each (`intra_op = 1`): a batch reviews packages in parallel, and
//! one thread a page is what keeps two busy cores from fighting. A session set is taken from a
//! pool and put back, so parallel reviews in one process each have their own.

use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use ort::session::builder::GraphOptimizationLevel;
use ort::session::Session;
use ort::value::Tensor;

use super::db::{self, DbParams, Quad};
use super::seal::{self, Seal, SealShape};
use super::{BBox, CharRead, EngineInfo, OcrError, OcrLine, OcrPage, Recognizer, SealRead};
use crate::image::{Image, Raster};

/// The runtime library's file name in the models folder.
pub const RUNTIME: &str = "libonnxruntime.so";
/// The text-line orientation model (0° / 180°).
pub const CLS_MODEL: &str = "ch_ppocr_mobile_v2.0_cls_mobile.onnx";
/// Chooses the model size: `small` (the default) or `tiny`.
pub const SIZE_VAR: &str = "PINGSHEN_OCR_MODEL";

/// Detection input: the page's longer side, in pixels (PaddleOCR's `limit_side_len: 960`,
/// `limit_type: max`). An A4 page at 150 dpi (1240 × 1754) is read at 679 × 960, where its
/// body text is still 15–20 pixels high; RapidOCR's `min 736` keeps it at full size and made
/// detection 3–4 times slower on the same lines (measured on `fixtures/scans/`: the same
/// boxes, 2.7–3.5 s against 0.7–1.0 s a page on one core).
const DET_SIDE: u32 = 960;
/// White kept around the inked part of a page that detection reads, in detection pixels: the
/// model sees a line's surroundings as on the whole page.
const DET_MARGIN: u32 = 32;
/// The squares a page is cut into to find its inked part, in detection pixels: about the
/// height of body text at the detection scale.
const DET_CELL: u32 = 16;
/// Below this luminance a pixel is ink, for finding the part of a page that holds text (faint
/// grey print included; paper, even yellowed, is lighter).
const INK_LUMA: u8 = 192;
/// A page with no square of ink even below this luminance is blank ([`is_blank`]).
const BLANK_LUMA: u8 = 224;
/// Recognition input height (RapidOCR `rec_img_shape`).
const REC_HEIGHT: u32 = 48;
/// The narrowest recognition input: one character's square. RapidOCR pads every run to 320
/// columns; a line runs alone at its own width here, and a short line (a signature, a date, the
/// numerals read a second time) padded to 320 paid for columns of nothing — 7 % of an opinion
/// page's recognition. Measured on every scan fixture: the same text, the 72-dpi page's `）`
/// now read right, a two-letter word in a drawing now unread (23 %) instead of misread (49 %).
const REC_MIN_WIDTH: u32 = REC_HEIGHT;
/// Recognition lines are cut at this many pixels wide (an A4 line at 300 dpi is under 2 500).
const REC_MAX_WIDTH: u32 = 3200;
/// The most pixels of a line crop recognised: [`REC_MAX_WIDTH`] columns of a line 200 pixels
/// high.
const REC_MAX_PIXELS: u64 = REC_MAX_WIDTH as u64 * 200;
/// The most pixels of a line crop cut at all (the orientation model reads a larger line
/// scaled down).
const CROP_MAX_PIXELS: u64 = 4_000_000;
/// Lines a recognition run takes. RapidOCR runs 6, padded to the widest; on one CPU thread a
/// batch costs what its lines cost one by one at the padded width (measured: 57 ms a line of 640
/// either way), so padding is pure loss and one line a run at its own width is a quarter faster
/// on an opinion page (1.49 s → 1.13 s of recognition on `opinion-sealed-200dpi.pdf`).
const REC_BATCH: usize = 1;
/// Orientation model input (RapidOCR `cls_image_shape`) and the score a 180° vote needs.
const CLS_WIDTH: u32 = 192;
const CLS_THRESHOLD: f32 = 0.9;
/// Lines the orientation model is asked about (the longest ones).
const CLS_SAMPLE: usize = 12;
/// Lines read with less than this confidence (0–1) are not read: what the recogniser made of
/// them is not given, only [`UNREAD`] in their place ([`unread_line`]). RapidOCR drops them
/// below 0.5; lower here, so doubtful text stays visible as such.
const MIN_LINE_SCORE: f32 = 0.3;
/// The geta mark, the typesetter's sign for a character that cannot be set: a character of a
/// line seen but not read. No value is made of it.
pub const UNREAD: char = '〓';
/// The scale lines holding numerals are read again at, to find characters that change.
const REREAD_SCALE: f32 = 0.8;
/// Share of a character's box that seal ink must cover for the character to count as under it.
const UNDER_SEAL_SHARE: f32 = 0.05;
/// Most pixels of a page given to the engine after decoding.
const MAX_PAGE_PIXELS: u64 = 60_000_000;
/// Longer side a page is read at, at most (A4 at 300 dpi is 3508 pixels).
const MAX_PAGE_SIDE: u32 = 3508;

/// The models and runtime found in a models folder.
#[derive(Debug, Clone)]
struct Files {
    runtime: PathBuf,
    det: PathBuf,
    rec: PathBuf,
    cls: Option<PathBuf>,
}

/// The three sessions of one reader.
struct Sessions {
    det: Session,
    rec: Session,
    cls: Option<Session>,
}

/// The PP-OCR engine.
pub struct PpOcr {
    files: Files,
    dict: Vec<String>,
    info: EngineInfo,
    /// Session sets not in use; a reader takes one (or makes one) and puts it back.
    pool: Mutex<Vec<Sessions>>,
    /// ONNX Runtime's environment, which every session is made in.
    env: ort::environment::Environment,
}

/// Why PP-OCR cannot run.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LoadError {
    #[error("{0} is missing (run scripts/install-ocr.sh)")]
    Missing(PathBuf),
    #[error("ONNX Runtime cannot be loaded from {path}: {message}")]
    Runtime { path: PathBuf, message: String },
    #[error("model {path} cannot be loaded: {message}")]
    Model { path: PathBuf, message: String },
    #[error("the recognition model {0} has no `character` dictionary in its metadata")]
    NoDictionary(PathBuf),
}

fn runtime_error(e: impl std::fmt::Display) -> OcrError {
    OcrError::Runtime(e.to_string())
}

impl PpOcr {
    /// The engine of the models folder `dir`: its files checked, the runtime loaded, one session
    /// set made (so a broken model fails here, not on the first page).
    pub fn load(dir: &Path) -> Result<PpOcr, LoadError> {
        let size = std::env::var(SIZE_VAR).unwrap_or_else(|_| "small".to_string());
        let need = |name: String| {
            let p = dir.join(name);
            if p.is_file() {
                Ok(p)
            } else {
                Err(LoadError::Missing(p))
            }
        };
        let files = Files {
            runtime: need(RUNTIME.to_string())?,
            det: need(format!("PP-OCRv6_det_{size}.onnx"))?,
            rec: need(format!("PP-OCRv6_rec_{size}.onnx"))?,
            cls: need(CLS_MODEL.to_string()).ok(),
        };
        let env = ort::init_from(&files.runtime)
            .map_err(|e| LoadError::Runtime {
                path: files.runtime.clone(),
                message: e.to_string(),
            })?
            .with_name("pingshen")
            .with_telemetry(false)
            .build()
            .map_err(|e| LoadError::Runtime {
                path: files.runtime.clone(),
                message: e.to_string(),
            })?;
        let sessions = Sessions::open(&env, &files)?;
        let dict: Vec<String> = sessions
            .rec
            .metadata()
            .ok()
            .and_then(|m| m.custom("character"))
            .map(|c| c.lines().map(str::to_string).collect())
            .filter(|d: &Vec<String>| !d.is_empty())
            .ok_or_else(|| LoadError::NoDictionary(files.rec.clone()))?;
        let manifest = std::fs::read_to_string(dir.join("MANIFEST.tsv")).unwrap_or_default();
        let mut models = vec![model_id(&files.det, &manifest), model_id(&files.rec, &manifest)];
        if let Some(cls) = &files.cls {
            models.push(model_id(cls, &manifest));
        }
        let info = EngineInfo {
            engine: "pp-ocr",
            version: runtime_version(&files.runtime),
            models,
        };
        Ok(PpOcr {
            files,
            dict,
            info,
            pool: Mutex::new(vec![sessions]),
            env,
        })
    }

    /// Reads a page with a session set from the pool.
    fn read(&self, image: &Image, budget: Duration) -> Result<OcrPage, OcrError> {
        let started = Instant::now();
        let mut page = image.decode().map_err(|e| OcrError::BadImage(e.0))?;
        if u64::from(page.width) * u64::from(page.height) > MAX_PAGE_PIXELS {
            return Err(OcrError::BadImage(format!(
                "{}×{} is more than {MAX_PAGE_PIXELS} pixels",
                page.width, page.height
            )));
        }
        // A page finer than 300 dpi A4 is read at that size: finer adds nothing to reading, and
        // the copies a page goes through must stay inside a worker's memory ceiling.
        let longer = page.width.max(page.height);
        if longer > MAX_PAGE_SIDE {
            let f = MAX_PAGE_SIDE as f32 / longer as f32;
            page = page.resized(
                ((page.width as f32 * f).round() as u32).max(1),
                ((page.height as f32 * f).round() as u32).max(1),
            );
        }
        let taken = self.pool.lock().ok().and_then(|mut p| p.pop());
        let mut sessions = match taken {
            Some(s) => s,
            None => Sessions::open(&self.env, &self.files).map_err(runtime_error)?,
        };
        let result = Reader {
            s: &mut sessions,
            dict: &self.dict,
            started,
            budget,
        }
        .page(page);
        if let Ok(mut p) = self.pool.lock() {
            p.push(sessions);
        }
        result
    }
}

impl Recognizer for PpOcr {
    fn recognize(&self, image: &Image, budget: Duration) -> Result<OcrPage, OcrError> {
        self.read(image, budget)
    }

    fn info(&self) -> &EngineInfo {
        &self.info
    }
}

impl Sessions {
    fn open(env: &ort::environment::Environment, files: &Files) -> Result<Sessions, LoadError> {
        Ok(Sessions {
            det: session(env, &files.det)?,
            rec: session(env, &files.rec)?,
            cls: files.cls.as_deref().map(|p| session(env, p)).transpose()?,
        })
    }
}

/// One model's session: one thread, no memory arena (it keeps each session's peak, rounded up to
/// a power of two, in a worker whose address space is capped; the C allocator's tunables,
/// [`super::malloc`], keep freed tensors for the next run instead), the same result on every
/// run.
fn session(env: &ort::environment::Environment, path: &Path) -> Result<Session, LoadError> {
    let fail = |e: &dyn std::fmt::Display| LoadError::Model {
        path: path.to_path_buf(),
        message: e.to_string(),
    };
    Session::builder(env)
        .map_err(|e| fail(&e))?
        .with_execution_providers([ort::ep::CPU::default().with_arena_allocator(false).build()])
        .map_err(|e| fail(&e))?
        .with_optimization_level(GraphOptimizationLevel::Level3)
        .map_err(|e| fail(&e))?
        .with_intra_threads(1)
        .map_err(|e| fail(&e))?
        .with_inter_threads(1)
        .map_err(|e| fail(&e))?
        .with_memory_pattern(false)
        .map_err(|e| fail(&e))?
        .with_deterministic_compute(true)
        .map_err(|e| fail(&e))?
        .commit_from_file(path)
        .map_err(|e| fail(&e))
}

/// `name@sha256:<16 hex>`: from `MANIFEST.tsv` when it lists the file with its size, else
/// computed.
fn model_id(path: &Path, manifest: &str) -> String {
    use sha2::{Digest, Sha256};
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let size = std::fs::metadata(path).map(|m| m.len()).ok();
    let listed = manifest.lines().find_map(|l| {
        let f: Vec<&str> = l.split('\t').collect();
        (f.first() == Some(&name.as_str()) && f.get(2).and_then(|b| b.parse::<u64>().ok()) == size)
            .then(|| f.get(1).map(|h| h.to_string()))
            .flatten()
    });
    let hex = listed.unwrap_or_else(|| {
        std::fs::read(path)
            .map(|b| Sha256::digest(&b).iter().map(|x| format!("{x:02x}")).collect())
            .unwrap_or_default()
    });
    format!("{name}@sha256:{}", hex.get(..16).unwrap_or(&hex))
}

/// The runtime's version from its file name (`libonnxruntime.so.1.32.0`, the link's target).
fn runtime_version(path: &Path) -> String {
    let real = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
    real.file_name()
        .and_then(|n| n.to_str())
        .and_then(|n| n.strip_prefix("libonnxruntime.so."))
        .map_or_else(|| "unknown".to_string(), str::to_string)
}

/// The reading of one page with one session set.
struct Reader<'a> {
    s: &'a mut Sessions,
    dict: &'a [String],
    started: Instant,
    budget: Duration,
}

/// One recognised line, before it becomes an [`OcrLine`].
struct Read {
    text: String,
    score: f32,
    /// (probability, x0, x1 in the crop) per character.
    chars: Vec<(f32, u32, u32)>,
}

impl Reader<'_> {
    fn check_time(&self) -> Result<(), OcrError> {
        if self.started.elapsed() > self.budget {
            Err(OcrError::Timeout(self.budget))
        } else {
            Ok(())
        }
    }

    fn page(mut self, page: Raster) -> Result<OcrPage, OcrError> {
        let mut page = page.to_rgb();
        if is_blank(&page, det_cell(det_scale(page.width, page.height))) {
            return Ok(OcrPage {
                lines: Vec::new(),
                mean_confidence: 0.0,
                rotation: 0,
                seals: Vec::new(),
            });
        }
        // Orientation: a page on its side, then upside down. Text is found on the page with its
        // seal ink whitened, the same page the lines are then read from.
        let mut rotation = 0u16;
        let mut clean = whitened(&page);
        let mut boxes = self.detect(&clean)?;
        if lies_on_its_side(&boxes) {
            page = page.rotated(1);
            clean = clean.rotated(1);
            rotation = 90;
            boxes = self.detect(&clean)?;
        }
        // The lines are cut out once, for the orientation model and for recognition alike.
        let mut cut = line_crops(&clean, &boxes);
        if self.upside_down(&boxes, &cut)? {
            page = page.rotated(2);
            clean = clean.rotated(2);
            rotation = (rotation + 180) % 360;
            boxes = db::turned_half(&boxes, clean.width, clean.height);
            cut = line_crops(&clean, &boxes);
        }
        let mask = seal::ink_mask(&page.data, page.width, page.height).unwrap_or_default();
        self.check_time()?;

        let crops: Vec<(Quad, db::Crop)> = boxes
            .iter()
            .zip(cut)
            .filter_map(|(b, c)| {
                c.filter(|c| u64::from(c.width) * u64::from(c.height) <= REC_MAX_PIXELS)
                    .map(|c| (b.quad, c))
            })
            .collect();
        let reads = self.recognize(&crops.iter().map(|(_, c)| c).collect::<Vec<_>>())?;
        let unstable = self.reread(&crops, &reads)?;
        let mut lines = Vec::new();
        for (((quad, crop), read), unstable) in crops.iter().zip(reads).zip(unstable) {
            let text = read.text.trim();
            if text.is_empty() {
                continue;
            }
            if read.score < MIN_LINE_SCORE {
                lines.push(unread_line(text.chars().count(), read.score, quad));
                continue;
            }
            let turned = crop.width as f32 != quad.width().round().max(1.0);
            let chars = read
                .chars
                .iter()
                .zip(unstable)
                .map(|(&(p, x0, x1), unstable)| {
                    let share = if turned {
                        quad_ink(&mask, page.width, page.height, quad, 0.0, 1.0)
                    } else {
                        let w = crop.width.max(1) as f32;
                        quad_ink(&mask, page.width, page.height, quad, x0 as f32 / w, x1 as f32 / w)
                    };
                    CharRead {
                        confidence: round1(p * 100.0),
                        under_seal: share >= UNDER_SEAL_SHARE,
                        unstable,
                    }
                })
                .collect::<Vec<_>>();
            // The text was trimmed: keep the characters that remain.
            let lead = read.text.chars().take_while(|c| c.is_whitespace()).count();
            let chars: Vec<CharRead> = chars.into_iter().skip(lead).take(text.chars().count()).collect();
            lines.push(OcrLine {
                text: text.to_string(),
                confidence: round1(read.score * 100.0),
                bbox: bbox_of(quad),
                chars,
            });
        }
        let lines = unless_all_unread(lines);
        self.check_time()?;
        let seals = self.seals(&page, &mask)?;
        let mean_confidence = if lines.is_empty() {
            0.0
        } else {
            round1(lines.iter().map(|l| l.confidence).sum::<f32>() / lines.len() as f32)
        };
        Ok(OcrPage {
            lines,
            mean_confidence,
            rotation,
            seals,
        })
    }

    /// Reads again, at [`REREAD_SCALE`] of their size, the part of each line that holds a digit
    /// or a Chinese numeral (where dates, periods and numbers are: [`reread_span`]), and marks,
    /// per character of the first reading, those of that part the second reading does not
    /// confirm (outside their longest common subsequence). A recogniser can be sure and wrong —
    /// a 72-dpi `2021` read as `2001` at 0.93 — but a misreading rarely survives a change of
    /// scale, while a clear character does. Only the numerals' part is read again: recognition
    /// costs in proportion to width, and the rest of the line decides no value this guards.
    fn reread(&mut self, crops: &[(Quad, db::Crop)], reads: &[Read]) -> Result<Vec<Vec<bool>>, OcrError> {
        let mut out: Vec<Vec<bool>> = reads.iter().map(|r| vec![false; r.chars.len()]).collect();
        // (line, its span, the span's pixels at the smaller scale), one per line with numerals.
        let spans: Vec<(usize, Span, db::Crop)> = reads
            .iter()
            .zip(crops)
            .enumerate()
            .filter_map(|(i, (r, (_, c)))| {
                reread_span(r, c).map(|s| {
                    let smaller = scaled_crop(&columns(c, s.x0, s.x1), REREAD_SCALE);
                    (i, s, smaller)
                })
            })
            .collect();
        let again = self.recognize(&spans.iter().map(|(.., c)| c).collect::<Vec<_>>())?;
        for ((i, span, _), second) in spans.iter().zip(&again) {
            if let (Some(first), Some(marks)) = (reads.get(*i), out.get_mut(*i)) {
                let part: String = first
                    .text
                    .chars()
                    .skip(span.chars.start)
                    .take(span.chars.len())
                    .collect();
                for (mark, unsure) in marks
                    .iter_mut()
                    .skip(span.chars.start)
                    .zip(unconfirmed(&part, &second.text))
                {
                    *mark = unsure;
                }
            }
        }
        Ok(out)
    }

    /// Text boxes of a page (RGB), in its pixels, in reading order. Detection runs on the part
    /// of the page that holds ink ([`ink_region`]), at the scale the whole page would be read at:
    /// the model costs in proportion to the pixels it is given, and a page's white margins and
    /// empty lower half hold no text to find.
    fn detect(&mut self, page: &Raster) -> Result<Vec<db::TextBox>, OcrError> {
        self.check_time()?;
        let scale = det_scale(page.width, page.height);
        let region = ink_region(page, det_cell(scale), (DET_MARGIN as f32 / scale).ceil() as u32);
        let part;
        let (src, left, top) = match region {
            Some((l, t, w, h)) => {
                part = page.cropped(l, t, w, h);
                (&part, l, t)
            }
            None => (page, 0, 0),
        };
        let (w, h) = det_size(src.width, src.height, scale);
        let input = src.resized(w, h);
        let tensor = Tensor::from_array((
            [1usize, 3, h as usize, w as usize],
            planar_bgr(&input, 0, w).into_boxed_slice(),
        ))
        .map_err(runtime_error)?;
        let out = self.s.det.run(ort::inputs![tensor]).map_err(runtime_error)?;
        let (shape, prob) = first_output(&out)?;
        let dims: Vec<i64> = shape.iter().copied().collect();
        let (mh, mw) = match dims.as_slice() {
            [_, _, mh, mw] | [_, mh, mw] => (*mh as usize, *mw as usize),
            _ => return Err(OcrError::Runtime(format!("detection output of shape {dims:?}"))),
        };
        let boxes = db::detect_boxes(prob, mw, mh, src.width, src.height, &DbParams::default());
        let (dx, dy) = (left as f32, top as f32);
        Ok(boxes
            .into_iter()
            .map(|b| db::TextBox {
                quad: Quad(b.quad.0.map(|(x, y)| (x + dx, y + dy))),
                score: b.score,
            })
            .collect())
    }

    /// Whether the orientation model says most of the page's longest lines are upside down.
    /// `crops` are the boxes' lines ([`line_crops`]), one per box.
    fn upside_down(&mut self, boxes: &[db::TextBox], crops: &[Option<db::Crop>]) -> Result<bool, OcrError> {
        if self.s.cls.is_none() || boxes.is_empty() {
            return Ok(false);
        }
        let mut longest: Vec<(&db::TextBox, Option<&db::Crop>)> = boxes
            .iter()
            .zip(crops.iter().map(Option::as_ref))
            .filter(|(b, _)| b.quad.width() > b.quad.height() * 2.0)
            .collect();
        longest.sort_by(|(a, _), (b, _)| b.quad.width().total_cmp(&a.quad.width()));
        longest.truncate(CLS_SAMPLE);
        let crops: Vec<&db::Crop> = longest.iter().filter_map(|(_, c)| *c).collect();
        if crops.is_empty() {
            return Ok(false);
        }
        let mut input = Vec::with_capacity(crops.len() * 3 * (REC_HEIGHT * CLS_WIDTH) as usize);
        for c in crops.iter().copied() {
            let (resized, _) = line_input(c, CLS_WIDTH);
            input.extend(planar_bgr(&resized, 0, CLS_WIDTH));
        }
        let tensor = Tensor::from_array((
            [crops.len(), 3, REC_HEIGHT as usize, CLS_WIDTH as usize],
            input.into_boxed_slice(),
        ))
        .map_err(runtime_error)?;
        let Some(cls) = self.s.cls.as_mut() else {
            return Ok(false);
        };
        let out = cls.run(ort::inputs![tensor]).map_err(runtime_error)?;
        let (_, probs) = first_output(&out)?;
        let flipped = probs
            .chunks_exact(2)
            .filter(|p| matches!(p, [up, down] if down > up && *down > CLS_THRESHOLD))
            .count();
        Ok(flipped * 2 > crops.len())
    }

    /// Recognises lines, [`REC_BATCH`] a run, shortest first.
    fn recognize(&mut self, crops: &[&db::Crop]) -> Result<Vec<Read>, OcrError> {
        let mut order: Vec<(usize, &db::Crop)> = crops.iter().copied().enumerate().collect();
        order.sort_by(|(a, ca), (b, cb)| ratio(ca).total_cmp(&ratio(cb)).then(a.cmp(b)));
        let mut reads: Vec<(usize, Read)> = Vec::with_capacity(crops.len());
        for batch in order.chunks(REC_BATCH) {
            self.check_time()?;
            let max_ratio = batch
                .iter()
                .map(|(_, c)| ratio(c))
                .fold(REC_MIN_WIDTH as f32 / REC_HEIGHT as f32, f32::max);
            let width = ((REC_HEIGHT as f32 * max_ratio).ceil() as u32).clamp(REC_MIN_WIDTH, REC_MAX_WIDTH);
            let mut input = Vec::with_capacity(batch.len() * 3 * (REC_HEIGHT * width) as usize);
            let mut resized_widths = Vec::with_capacity(batch.len());
            for (_, c) in batch {
                let (resized, rw) = line_input(c, width);
                input.extend(planar_bgr(&resized, 0, width));
                resized_widths.push(rw);
            }
            let tensor = Tensor::from_array((
                [batch.len(), 3, REC_HEIGHT as usize, width as usize],
                input.into_boxed_slice(),
            ))
            .map_err(runtime_error)?;
            let out = self.s.rec.run(ort::inputs![tensor]).map_err(runtime_error)?;
            let (shape, probs) = first_output(&out)?;
            let dims: Vec<i64> = shape.iter().copied().collect();
            let [n, steps, classes] = dims.as_slice() else {
                return Err(OcrError::Runtime(format!("recognition output of shape {dims:?}")));
            };
            let dim = |d: i64| usize::try_from(d).ok();
            let (Some(n), Some(steps), Some(classes)) = (dim(*n), dim(*steps), dim(*classes)) else {
                return Err(OcrError::Runtime(format!("recognition output of shape {dims:?}")));
            };
            if n != batch.len() || steps.checked_mul(classes).and_then(|x| x.checked_mul(n)) != Some(probs.len()) {
                return Err(OcrError::Runtime(format!("recognition output of shape {dims:?}")));
            }
            let per_line = steps * classes;
            for ((i, crop), (one, &rw)) in batch
                .iter()
                .zip(probs.chunks_exact(per_line.max(1)).zip(&resized_widths))
            {
                let d = db::ctc_greedy(one, steps, classes, self.dict);
                let chars = d
                    .chars
                    .iter()
                    .map(|&(p, step)| {
                        let (x0, x1) = db::char_span(step, steps, rw, width, crop.width);
                        (p, x0, x1)
                    })
                    .collect();
                reads.push((
                    *i,
                    Read {
                        text: d.text,
                        score: d.confidence,
                        chars,
                    },
                ));
            }
        }
        reads.sort_by_key(|(i, _)| *i);
        Ok(reads.into_iter().map(|(_, r)| r).collect())
    }

    /// The seals of a page and their wording read from the red layer.
    fn seals(&mut self, page: &Raster, mask: &[bool]) -> Result<Vec<SealRead>, OcrError> {
        let found: Vec<Seal> = seal::find_seals(mask, page.width, page.height);
        let mut out = Vec::with_capacity(found.len());
        for s in found {
            self.check_time()?;
            let strips: Vec<db::Crop> = [
                seal::unroll_ring(&page.data, page.width, page.height, &s),
                seal::inner_text(&page.data, page.width, page.height, &s),
            ]
            .into_iter()
            .flatten()
            .map(|(width, height, data)| db::Crop {
                width,
                height,
                channels: 1,
                data,
            })
            .map(|c| gray_to_rgb_crop(&c))
            .collect();
            let reads = self.recognize(&strips.iter().collect::<Vec<_>>())?;
            let kept: Vec<&Read> = reads
                .iter()
                .filter(|r| !r.text.trim().is_empty() && r.score >= 0.5)
                .collect();
            let text = kept.iter().map(|r| r.text.trim()).collect::<Vec<_>>().join(" ");
            let confidence = if kept.is_empty() {
                0.0
            } else {
                round1(kept.iter().map(|r| r.score).fold(1.0, f32::min) * 100.0)
            };
            let (l, t, r, b) = s.bbox;
            out.push(SealRead {
                bbox: BBox {
                    left: l,
                    top: t,
                    width: r.saturating_sub(l),
                    height: b.saturating_sub(t),
                },
                shape: match s.shape {
                    SealShape::Round => "round",
                    SealShape::Oval => "oval",
                    SealShape::Square => "square",
                },
                text,
                confidence,
            });
        }
        Ok(out)
    }
}

/// Each box's line cut out of `page` (RGB) and straightened, `None` where the box cannot be
/// cut or would be more than [`CROP_MAX_PIXELS`].
fn line_crops(page: &Raster, boxes: &[db::TextBox]) -> Vec<Option<db::Crop>> {
    boxes
        .iter()
        .map(|b| db::crop_line(&page.data, page.width, page.height, 3, &b.quad, CROP_MAX_PIXELS))
        .collect()
}

/// The axis-aligned box around a quad, in whole pixels.
fn bbox_of(quad: &Quad) -> BBox {
    let (x0, y0, x1, y1) = quad.bounds();
    BBox {
        left: x0.max(0.0) as u32,
        top: y0.max(0.0) as u32,
        width: (x1 - x0).max(0.0) as u32,
        height: (y1 - y0).max(0.0) as u32,
    }
}

/// A line the recogniser read something on, but below [`MIN_LINE_SCORE`]: its place is kept,
/// its `chars` characters each shown as [`UNREAD`] at the line's confidence, every one unsure.
/// Dropped, it would leave no trace: a date line under a seal read as noise would let "the last
/// date" of a document be an earlier one, read cleanly and wrongly decisive. Kept, the text says
/// a line was there and not read, no value can be made of it, and a value found before it is
/// doubted (the text after it is not read clearly).
fn unread_line(chars: usize, score: f32, quad: &Quad) -> OcrLine {
    let n = chars.max(1);
    let confidence = round1(score.clamp(0.0, 1.0) * 100.0);
    OcrLine {
        text: UNREAD.to_string().repeat(n),
        confidence,
        bbox: bbox_of(quad),
        chars: vec![
            CharRead {
                confidence,
                under_seal: false,
                unstable: true,
            };
            n
        ],
    }
}

/// The lines of a page, or none when every one is unread ([`unread_line`]): a page on which
/// nothing was read has no text, and must never make its file "readable".
fn unless_all_unread(lines: Vec<OcrLine>) -> Vec<OcrLine> {
    if lines.iter().all(|l| l.text.chars().all(|c| c == UNREAD)) {
        Vec::new()
    } else {
        lines
    }
}

/// The first output of a model run as floats, with its shape.
fn first_output<'o>(out: &'o ort::session::SessionOutputs<'_>) -> Result<(&'o ort::value::Shape, &'o [f32]), OcrError> {
    out.keys()
        .next()
        .and_then(|name| out.get(name))
        .ok_or_else(|| OcrError::Runtime("the model gave no output".to_string()))?
        .try_extract_tensor::<f32>()
        .map_err(runtime_error)
}

/// A character where dates, periods and numbers are written: a digit or a Chinese numeral.
fn is_numeral(c: char) -> bool {
    is_digit(c) || "〇○零一二两三四五六七八九十百千年月日壹贰叁肆伍陆柒捌玖拾".contains(c)
}

/// An ASCII or full-width digit.
fn is_digit(c: char) -> bool {
    c.is_ascii_digit() || ('０'..='９').contains(&c)
}

/// The positions of a line's characters that may belong to a value (a date, a period, a sum):
/// runs of numerals, with the characters that join them inside a value (`个` of `三个月`, `半`
/// of `一年半`, a decimal point), that hold a digit or two numerals at least. Every form
/// `values` reads — `2023年6月15日`, `二〇二三年六月十五日`, `三年`, `三个月`, `半年`, `1.5年`,
/// `500万元` — is such a run; a lone Chinese numeral in a word (`一致`, `统一`) or numbering a
/// list (`一、`) is not, and reading it again would guard no value.
fn value_chars(text: &str) -> Vec<usize> {
    let joins = |c: char| "个半.．点".contains(c);
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let in_run = |c: &char| is_numeral(*c) || joins(*c);
        let len = chars.iter().skip(i).take_while(|c| in_run(c)).count();
        if len == 0 {
            i += 1;
            continue;
        }
        let run = chars.get(i..i + len).unwrap_or_default();
        let numerals = run.iter().filter(|c| is_numeral(**c)).count();
        if run.iter().any(|c| is_digit(*c)) || (numerals >= 1 && len >= 2) {
            out.extend(i..i + len);
        }
        i += len;
    }
    out
}

/// The part of a line [`Reader::reread`] reads again: the characters from the one before the
/// first that may belong to a value ([`value_chars`]) to the one after the last, and the crop's columns `x0..x1` that hold them.
#[derive(Debug, Clone, PartialEq)]
struct Span {
    chars: std::ops::Range<usize>,
    x0: u32,
    x1: u32,
}

/// The [`Span`] of a read line, or `None` when no character of it may belong to a value. A character's place is its
/// CTC step, narrower than its glyph, so the span reaches a neighbour further on each side and
/// half the line's height beyond; a span over most of the line is the whole line.
fn reread_span(read: &Read, crop: &db::Crop) -> Option<Span> {
    let numerals = value_chars(&read.text);
    let (&first, &last) = (numerals.first()?, numerals.last()?);
    let n = read.text.chars().count().min(read.chars.len());
    if n == 0 || last >= n {
        return None;
    }
    let start = first.saturating_sub(1);
    let end = (last + 2).min(n);
    let pad = crop.height / 2;
    let x0 = read.chars.get(start).map_or(0, |c| c.1).saturating_sub(pad);
    let x1 = read
        .chars
        .get(end - 1)
        .map_or(crop.width, |c| c.2)
        .saturating_add(pad)
        .min(crop.width);
    if x1 <= x0 || (x1 - x0) * 5 >= crop.width * 4 {
        return Some(Span {
            chars: 0..n,
            x0: 0,
            x1: crop.width,
        });
    }
    Some(Span {
        chars: start..end,
        x0,
        x1,
    })
}

/// Columns `x0..x1` of a crop (clamped to it).
fn columns(c: &db::Crop, x0: u32, x1: u32) -> db::Crop {
    let ch = usize::from(c.channels);
    let (w, h) = (c.width as usize, c.height as usize);
    let (x0, x1) = ((x0 as usize).min(w), (x1 as usize).min(w));
    let mut data = Vec::with_capacity((x1 - x0.min(x1)) * h * ch);
    for row in c.data.chunks_exact((w * ch).max(1)).take(h) {
        data.extend(row.get(x0 * ch..x1 * ch).unwrap_or_default());
    }
    db::Crop {
        width: (x1.saturating_sub(x0)) as u32,
        height: c.height,
        channels: c.channels,
        data,
    }
}

/// A crop scaled by `factor` (bilinear).
fn scaled_crop(c: &db::Crop, factor: f32) -> db::Crop {
    let r = Raster {
        width: c.width,
        height: c.height,
        channels: c.channels,
        data: c.data.clone(),
    }
    .resized(
        ((c.width as f32 * factor).round() as u32).max(1),
        ((c.height as f32 * factor).round() as u32).max(1),
    );
    db::Crop {
        width: r.width,
        height: r.height,
        channels: r.channels,
        data: r.data,
    }
}

/// For each character of `first`, whether the second reading fails to confirm it: it lies
/// outside the longest common subsequence of `first` and `second`, or next to a place inside
/// `first` where `second` reads more characters (`六月五日` against `六月十五日`: the first reading
/// may have dropped the `十`, so `月` and `五` are not confirmed — a dropped character has no
/// probability of its own to doubt). Characters `second` has before or after everything they
/// share are the edges of the span read again and confirm or doubt nothing. Lines are short (a
/// few dozen characters), so the quadratic table is small; past 400 characters every character
/// counts as confirmed only when the texts are equal.
fn unconfirmed(first: &str, second: &str) -> Vec<bool> {
    let a: Vec<char> = first.chars().collect();
    let b: Vec<char> = second.chars().collect();
    if a == b {
        return vec![false; a.len()];
    }
    if a.len() > 400 || b.len() > 400 {
        return vec![true; a.len()];
    }
    let w = b.len() + 1;
    let mut t = vec![0u16; (a.len() + 1) * w];
    let at = |i: usize, j: usize| i * w + j;
    for i in (0..a.len()).rev() {
        for j in (0..b.len()).rev() {
            let v = if a.get(i) == b.get(j) {
                t.get(at(i + 1, j + 1)).copied().unwrap_or(0) + 1
            } else {
                let down = t.get(at(i + 1, j)).copied().unwrap_or(0);
                let right = t.get(at(i, j + 1)).copied().unwrap_or(0);
                down.max(right)
            };
            if let Some(cell) = t.get_mut(at(i, j)) {
                *cell = v;
            }
        }
    }
    let mut marks = vec![true; a.len()];
    let mut matched: Vec<(usize, usize)> = Vec::new();
    let (mut i, mut j) = (0, 0);
    while i < a.len() && j < b.len() {
        if a.get(i) == b.get(j) {
            if let Some(m) = marks.get_mut(i) {
                *m = false;
            }
            matched.push((i, j));
            i += 1;
            j += 1;
        } else if t.get(at(i + 1, j)) >= t.get(at(i, j + 1)) {
            i += 1;
        } else {
            j += 1;
        }
    }
    for pair in matched.windows(2) {
        if let [(i0, j0), (i1, j1)] = *pair {
            // More characters read there the second time than the first (a substitution, as
            // many each side, already leaves the first's characters unconfirmed), one of them a
            // numeral: a space or a comma read at one scale and not the other drops no digit.
            let numeral = (j0 + 1..j1).filter_map(|j| b.get(j)).any(|&c| is_numeral(c));
            if j1 - j0 > i1 - i0 && numeral {
                for k in [i0, i1] {
                    if let Some(m) = marks.get_mut(k) {
                        *m = true;
                    }
                }
            }
        }
    }
    marks
}

/// The page with its seal ink whitened, as RGB again (the models take three channels).
fn whitened(page: &Raster) -> Raster {
    match seal::whiten_ink(&page.data, page.width, page.height) {
        Some(gray) => Raster {
            width: page.width,
            height: page.height,
            channels: 1,
            data: gray,
        }
        .to_rgb(),
        None => page.clone(),
    }
}

/// True when most text (by box area) stands in boxes taller than wide: the page lies on its
/// side. Needs three such boxes at least, so a page of a few stamps is not turned.
fn lies_on_its_side(boxes: &[db::TextBox]) -> bool {
    let (mut tall, mut wide, mut tall_n) = (0f32, 0f32, 0usize);
    for b in boxes {
        let (w, h) = (b.quad.width(), b.quad.height());
        if h > w * 1.5 {
            tall += w * h;
            tall_n += 1;
        } else if w > h * 1.5 {
            wide += w * h;
        }
    }
    tall_n >= 3 && tall > wide * 2.0
}

/// The scale a page is detected at: its longer side becomes [`DET_SIDE`] pixels (down for a
/// fine scan, up for a coarse one).
fn det_scale(w: u32, h: u32) -> f32 {
    DET_SIDE as f32 / w.max(h).max(1) as f32
}

/// [`DET_CELL`] in the pixels of a page detected at `scale`.
fn det_cell(scale: f32) -> u32 {
    (DET_CELL as f32 / scale).ceil() as u32
}

/// The detection input size of a `w × h` image at `scale`, each side rounded to a multiple of
/// 32 (at least 32).
fn det_size(w: u32, h: u32, scale: f32) -> (u32, u32) {
    let round32 = |v: f32| (((v / 32.0).round() as u32) * 32).max(32);
    (round32(w.max(1) as f32 * scale), round32(h.max(1) as f32 * scale))
}

/// The part of a page that holds ink, `(left, top, width, height)`, grown by `margin` pixels
/// on every side; `None` when that part is most of the page (reading the whole page then costs
/// little more and keeps it as it is).
///
/// The page is cut into `cell × cell` squares; a square counts when at least one pixel in
/// fifty of it, and sixteen pixels at least, are darker than [`INK_LUMA`]. A square is about a
/// glyph at the detection scale, so text always counts, while a speck of dust or scanner noise
/// (a few pixels) does not stretch the part.
fn ink_region(page: &Raster, cell: u32, margin: u32) -> Option<(u32, u32, u32, u32)> {
    let (x0, y0, x1, y1) = inked_cells(page, cell, INK_LUMA)?;
    let cell = cell.max(1) as usize;
    let px = |g: usize| u32::try_from(g * cell).unwrap_or(u32::MAX);
    let left = px(x0).saturating_sub(margin);
    let top = px(y0).saturating_sub(margin);
    let right = px(x1 + 1).saturating_add(margin).min(page.width);
    let bottom = px(y1 + 1).saturating_add(margin).min(page.height);
    let (rw, rh) = (right.saturating_sub(left), bottom.saturating_sub(top));
    let page_area = u64::from(page.width) * u64::from(page.height);
    (u64::from(rw) * u64::from(rh) * 5 < page_area * 4).then_some((left, top, rw, rh))
}

/// Whether a page holds nothing to read: not one `cell × cell` square of it has the ink of a
/// glyph ([`inked_cells`]) even at [`BLANK_LUMA`], paler than any print. Such a page (the back
/// of a sheet scanned both sides) gives no line and no seal, and is not detected at all; a page
/// with faint print, a grey or yellowed paper, or a seal is read as any other.
fn is_blank(page: &Raster, cell: u32) -> bool {
    // Squares of fewer than 8 × 8 pixels (an image under about 420 pixels long) cannot hold the
    // sixteen dark pixels a square needs when its text is thin: such a small image is read.
    cell >= 8 && inked_cells(page, cell, BLANK_LUMA).is_none()
}

/// The squares (`cell × cell` pixels) of a page that hold ink — one pixel in fifty of them, and
/// sixteen pixels at least, darker than `luma` — as the first and last column and row of squares
/// holding any: `(x0, y0, x1, y1)`; `None` when none does (or the raster is malformed).
fn inked_cells(page: &Raster, cell: u32, luma: u8) -> Option<(usize, usize, usize, usize)> {
    let (w, h, c) = (page.width as usize, page.height as usize, usize::from(page.channels));
    let cell = cell.max(1) as usize;
    if w == 0 || h == 0 || c == 0 || page.data.len() != w * h * c {
        return None;
    }
    let (gw, gh) = (w.div_ceil(cell), h.div_ceil(cell));
    let mut dark = vec![0u32; gw * gh];
    for (y, row) in page.data.chunks_exact(w * c).enumerate() {
        let base = (y / cell) * gw;
        for (x, px) in row.chunks_exact(c).enumerate() {
            let is_dark = match px {
                [r, g, b] => crate::image::luma(*r, *g, *b) < luma,
                [v, ..] => *v < luma,
                [] => false,
            };
            if is_dark {
                if let Some(n) = dark.get_mut(base + x / cell) {
                    *n += 1;
                }
            }
        }
    }
    let least = ((cell * cell) as u32 / 50).max(16);
    let (mut x0, mut y0, mut x1, mut y1) = (usize::MAX, usize::MAX, 0, 0);
    for (i, _) in dark.iter().enumerate().filter(|(_, &n)| n >= least) {
        let (gx, gy) = (i % gw, i / gw);
        (x0, y0, x1, y1) = (x0.min(gx), y0.min(gy), x1.max(gx), y1.max(gy));
    }
    (x0 <= x1 && y0 <= y1).then_some((x0, y0, x1, y1))
}

/// Width over height of a crop.
fn ratio(c: &db::Crop) -> f32 {
    c.width.max(1) as f32 / c.height.max(1) as f32
}

/// A line crop scaled to height 48 and at most `width` wide (its aspect kept), as a raster of
/// `width` columns padded on the right with black-after-normalisation (zeros), and the scaled
/// width.
fn line_input(c: &db::Crop, width: u32) -> (Raster, u32) {
    let rw = ((REC_HEIGHT as f32 * ratio(c)).ceil() as u32).clamp(1, width);
    let r = Raster {
        width: c.width,
        height: c.height,
        channels: c.channels,
        data: c.data.clone(),
    }
    .to_rgb()
    .resized(rw, REC_HEIGHT);
    (r, rw)
}

/// A raster as planar BGR floats `(v/255 − 0.5)/0.5`, `width` columns: pixels past the raster's
/// own width are 0 (the padding RapidOCR gives), as are pixels before `from`.
fn planar_bgr(r: &Raster, from: u32, width: u32) -> Vec<f32> {
    let (w, h) = (width as usize, r.height as usize);
    let rw = r.width as usize;
    let mut out = vec![0f32; 3 * w * h];
    for y in 0..h {
        for x in (from as usize)..w.min(rw) {
            let p = (y * rw + x) * 3;
            let Some(px) = r.data.get(p..p + 3) else { continue };
            let [r, g, b] = [px.first(), px.get(1), px.get(2)].map(|v| v.copied().unwrap_or(0));
            for (plane, v) in [b, g, r].into_iter().enumerate() {
                if let Some(o) = out.get_mut(plane * w * h + y * w + x) {
                    *o = (f32::from(v) / 255.0 - 0.5) / 0.5;
                }
            }
        }
    }
    out
}

fn gray_to_rgb_crop(c: &db::Crop) -> db::Crop {
    if c.channels == 3 {
        return c.clone();
    }
    db::Crop {
        width: c.width,
        height: c.height,
        channels: 3,
        data: c.data.iter().flat_map(|&v| [v, v, v]).collect(),
    }
}

/// Share of seal ink in the part of a line's quad between `t0` and `t1` (0–1 along the line).
fn quad_ink(mask: &[bool], width: u32, height: u32, q: &Quad, t0: f32, t1: f32) -> f32 {
    let [tl, tr, br, bl] = q.0;
    let at = |a: (f32, f32), b: (f32, f32), t: f32| (a.0 + (b.0 - a.0) * t, a.1 + (b.1 - a.1) * t);
    let pts = [at(tl, tr, t0), at(tl, tr, t1), at(bl, br, t0), at(bl, br, t1)];
    let x0 = pts.iter().map(|p| p.0).fold(f32::MAX, f32::min).max(0.0);
    let x1 = pts.iter().map(|p| p.0).fold(f32::MIN, f32::max).max(0.0);
    let y0 = pts.iter().map(|p| p.1).fold(f32::MAX, f32::min).max(0.0);
    let y1 = pts.iter().map(|p| p.1).fold(f32::MIN, f32::max).max(0.0);
    seal::ink_share(
        mask,
        width,
        height,
        x0.floor() as u32,
        y0.floor() as u32,
        x1.ceil() as u32,
        y1.ceil() as u32,
    )
}

fn round1(v: f32) -> f32 {
    (v * 10.0).round() / 10.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detection_input_has_a_longer_side_of_960_in_multiples_of_32() {
        let at = |w, h| det_size(w, h, det_scale(w, h));
        assert_eq!(at(1240, 1754), (672, 960));
        assert_eq!(at(595, 842), (672, 960));
        assert_eq!(at(1754, 1240), (960, 672));
        assert_eq!(at(1654, 2339), (672, 960));
        assert_eq!(at(0, 0), (960, 960));
        assert_eq!(at(10_000, 1), (960, 32));
        // A part of a page keeps the page's scale.
        assert_eq!(det_size(827, 585, det_scale(1654, 2339)), (352, 256));
    }

    /// A white `w × h` RGB page with dark rectangles `(x0, y0, x1, y1)` (exclusive ends).
    fn page_with(w: u32, h: u32, dark: &[(u32, u32, u32, u32)]) -> Raster {
        let mut data = vec![255u8; (w * h * 3) as usize];
        for &(x0, y0, x1, y1) in dark {
            for y in y0..y1 {
                for x in x0..x1 {
                    let i = ((y * w + x) * 3) as usize;
                    data[i..i + 3].copy_from_slice(&[20, 20, 20]);
                }
            }
        }
        Raster {
            width: w,
            height: h,
            channels: 3,
            data,
        }
    }

    #[test]
    fn detection_reads_only_the_inked_part_of_a_page_with_a_margin() {
        // Text in the upper left quarter of an A4-like page, a signature line lower down.
        let p = page_with(1000, 1400, &[(100, 120, 500, 160), (120, 600, 380, 640)]);
        assert_eq!(ink_region(&p, 10, 30), Some((70, 90, 460, 580)));
        // The margin stops at the page's edges.
        let p = page_with(1000, 1400, &[(5, 3, 300, 40)]);
        assert_eq!(ink_region(&p, 10, 30), Some((0, 0, 330, 70)));
    }

    #[test]
    fn a_page_inked_nearly_edge_to_edge_or_blank_is_read_whole() {
        let p = page_with(1000, 1400, &[(40, 40, 960, 1360)]);
        assert_eq!(ink_region(&p, 10, 30), None);
        assert_eq!(ink_region(&page_with(1000, 1400, &[]), 10, 30), None);
        // Two far corners make the part the whole page.
        let p = page_with(1000, 1400, &[(0, 0, 10, 10), (990, 1390, 1000, 1400)]);
        assert_eq!(ink_region(&p, 10, 0), None);
    }

    #[test]
    fn only_a_page_without_a_glyph_of_ink_even_faint_or_red_is_blank() {
        assert!(is_blank(&page_with(1000, 1400, &[]), 10));
        // Specks of dust (three by three) are no glyph.
        let specks: Vec<(u32, u32, u32, u32)> = (0..20)
            .map(|i| (i * 45 + 5, i * 60 + 7, i * 45 + 8, i * 60 + 10))
            .collect();
        assert!(is_blank(&page_with(1000, 1400, &specks), 10));
        // A line of text.
        assert!(!is_blank(&page_with(1000, 1400, &[(100, 120, 500, 140)]), 10));
        // Faint grey print (luma 210, paler than INK_LUMA) and a red seal are still something.
        let mut faint = page_with(1000, 1400, &[]);
        let mut red = page_with(1000, 1400, &[]);
        for y in 300..330usize {
            for x in 200..400usize {
                let i = (y * 1000 + x) * 3;
                faint.data[i..i + 3].copy_from_slice(&[210, 210, 210]);
                red.data[i..i + 3].copy_from_slice(&[220, 40, 40]);
            }
        }
        assert!(!is_blank(&faint, 10));
        assert!(!is_blank(&red, 10));
        // An image too small for a square to hold sixteen pixels of thin text is never blank.
        assert!(!is_blank(&page_with(200, 100, &[]), 4));
    }

    #[test]
    fn a_lone_speck_of_noise_does_not_stretch_the_inked_part() {
        let mut p = page_with(1000, 1400, &[(100, 120, 500, 160)]);
        // Specks of dust of three by three pixels in far places.
        for (x, y) in [(900, 1300), (10, 1390), (990, 5), (45, 700)] {
            for (dx, dy) in (0..3).flat_map(|dx| (0..3).map(move |dy| (dx, dy))) {
                let i = (((y + dy) * 1000 + x + dx) * 3) as usize;
                p.data[i..i + 3].copy_from_slice(&[0, 0, 0]);
            }
        }
        assert_eq!(ink_region(&p, 10, 30), Some((70, 90, 460, 100)));
        // Faint grey print is ink; yellowed paper is not.
        let mut p = page_with(1000, 1400, &[]);
        for y in 200..230 {
            for x in 300..400 {
                let i = ((y * 1000 + x) * 3) as usize;
                p.data[i..i + 3].copy_from_slice(&[170, 170, 170]);
            }
        }
        for px in p.data.chunks_exact_mut(3).take(500_000) {
            if px == [255, 255, 255] {
                px.copy_from_slice(&[240, 230, 200]);
            }
        }
        assert_eq!(ink_region(&p, 10, 10), Some((290, 190, 120, 50)));
    }

    #[test]
    fn pixels_become_planar_bgr_scaled_to_minus_one_one_and_padding_is_zero() {
        let r = Raster {
            width: 1,
            height: 1,
            channels: 3,
            data: vec![255, 0, 51],
        };
        let v = planar_bgr(&r, 0, 2);
        // planes B, G, R; two columns, the second padding.
        assert_eq!(v.len(), 6);
        assert!((v[0] - (51.0 / 255.0 - 0.5) / 0.5).abs() < 1e-6);
        assert_eq!(v[1], 0.0);
        assert!((v[2] + 1.0).abs() < 1e-6);
        assert!((v[4] - 1.0).abs() < 1e-6);
    }

    fn text_box(w: f32, h: f32) -> db::TextBox {
        db::TextBox {
            quad: Quad([(0.0, 0.0), (w, 0.0), (w, h), (0.0, h)]),
            score: 0.9,
        }
    }

    #[test]
    fn a_page_whose_text_stands_in_tall_boxes_lies_on_its_side() {
        assert!(lies_on_its_side(&[
            text_box(30.0, 600.0),
            text_box(30.0, 500.0),
            text_box(30.0, 400.0)
        ]));
        assert!(!lies_on_its_side(&[
            text_box(600.0, 30.0),
            text_box(500.0, 30.0),
            text_box(30.0, 90.0)
        ]));
        // Two tall stamps or signatures do not turn a page.
        assert!(!lies_on_its_side(&[text_box(30.0, 600.0), text_box(30.0, 500.0)]));
    }

    #[test]
    fn a_second_reading_confirms_the_characters_it_shares_in_order() {
        assert_eq!(unconfirmed("2021年", "2021年"), vec![false; 5]);
        // `2001` read first, `2021` again: the third character is not confirmed.
        assert_eq!(
            unconfirmed("2001年3月", "2021年3月"),
            vec![false, false, true, false, false, false, false]
        );
        // A character dropped in the second reading is not confirmed; one added at an edge of
        // the span is ignored; one added inside doubts its two neighbours of the first reading,
        // which may have dropped it.
        assert_eq!(unconfirmed("十五日", "五日"), vec![true, false, false]);
        assert_eq!(unconfirmed("五日", "十五日"), vec![false, false]);
        assert_eq!(unconfirmed("五日", "五日期"), vec![false, false]);
        assert_eq!(unconfirmed("六月五日", "六月十五日"), vec![false, true, true, false]);
        assert_eq!(unconfirmed("2023年6月", "2023年 6月"), vec![false; 7]);
        assert_eq!(
            unconfirmed("二二三年六月", "二〇二三年六月"),
            vec![true, true, false, false, false, false]
        );
        assert_eq!(unconfirmed("", "abc"), Vec::<bool>::new());
        assert!(is_numeral('〇') && is_numeral('7') && !is_numeral('验'));
    }

    /// A read line of `text` in a crop `40 × len` pixels wide, 40 high, one CTC step (4 pixels)
    /// in the middle of each character's 40 pixels.
    fn line(text: &str) -> (Read, db::Crop) {
        let n = text.chars().count() as u32;
        let read = Read {
            text: text.to_string(),
            score: 0.99,
            chars: (0..n).map(|i| (0.99, i * 40 + 18, i * 40 + 22)).collect(),
        };
        let crop = db::Crop {
            width: 40 * n,
            height: 40,
            channels: 1,
            data: (0..40 * n * 40).map(|i| (i % (40 * n) / 40) as u8).collect(),
        };
        (read, crop)
    }

    #[test]
    fn only_the_numerals_of_a_line_and_a_neighbour_each_side_are_read_again() {
        // 已于2023年6月15日上线运行，运行稳定: numerals at 2..=11, so characters 1..13.
        let (read, crop) = line("已于2023年6月15日上线运行，运行稳定");
        let span = reread_span(&read, &crop).expect("a span");
        assert_eq!(span.chars, 1..13);
        // From the step of character 1 (58) less half the height, to that of 12 (502) plus it.
        assert_eq!((span.x0, span.x1), (38, 522));
        let cut = columns(&crop, span.x0, span.x1);
        assert_eq!((cut.width, cut.height), (484, 40));
        // Column 38 of the crop holds character 0's value; column 521 character 13's.
        assert_eq!(cut.data.first(), Some(&0));
        assert_eq!(cut.data.get(483), Some(&13));
        assert_eq!(cut.data.len(), 484 * 40);
    }

    #[test]
    fn the_characters_of_values_are_runs_of_numerals_with_a_digit_or_two_numerals() {
        let marked = |t: &str| -> String {
            let v = value_chars(t);
            t.chars()
                .enumerate()
                .map(|(i, c)| if v.contains(&i) { c } else { '_' })
                .collect()
        };
        assert_eq!(marked("已于2023年3月1日上线"), "__2023年3月1日__");
        assert_eq!(marked("二〇二三年六月十五日"), "二〇二三年六月十五日");
        assert_eq!(marked("质保期为三年，三个月，一年半"), "____三年_三个月_一年半");
        assert_eq!(marked("质保期：1.5年，合计５００万元"), "____1.5年___５００__");
        // A lone numeral in a word or numbering a list holds no value.
        assert_eq!(marked("一、项目一致同意，进一步统一"), "______________");
        assert_eq!(marked("第3项"), "_3_");
    }

    #[test]
    fn a_line_without_numerals_is_not_read_again_and_one_mostly_numerals_is_read_whole() {
        let (read, crop) = line("项目文档资料齐全、规范");
        assert_eq!(reread_span(&read, &crop), None);
        let (read, crop) = line("二、项目文档资料齐全、规范");
        assert_eq!(reread_span(&read, &crop), None);
        let (read, crop) = line("2023年6月15日");
        assert_eq!(
            reread_span(&read, &crop),
            Some(Span {
                chars: 0..10,
                x0: 0,
                x1: 400
            })
        );
        // Columns past the crop are clamped, not a panic.
        assert_eq!(columns(&crop, 390, 9_000).width, 10);
        assert_eq!(columns(&crop, 500, 600).width, 0);
    }

    #[test]
    fn a_line_read_below_the_floor_keeps_its_place_as_unread_characters() {
        let quad = Quad([(10.0, 20.0), (110.0, 20.0), (110.0, 50.0), (10.0, 50.0)]);
        let l = unread_line(3, 0.214, &quad);
        assert_eq!(l.text, "〓〓〓");
        assert_eq!(l.confidence, 21.4);
        assert_eq!(l.chars.len(), 3);
        assert!(l.chars.iter().all(|c| c.confidence == 21.4 && c.unstable));
        assert_eq!(
            l.bbox,
            BBox {
                left: 10,
                top: 20,
                width: 100,
                height: 30
            }
        );
        assert_eq!(unread_line(0, -1.0, &quad).text, "〓");
        // A page of unread lines only has no text; one line read keeps them all.
        assert!(unless_all_unread(vec![l.clone(), unread_line(5, 0.1, &quad)]).is_empty());
        let read = OcrLine {
            text: "2023年6月15日".to_string(),
            ..l.clone()
        };
        assert_eq!(unless_all_unread(vec![read.clone(), l.clone()]), vec![read, l]);
    }

    #[test]
    fn the_runtime_version_comes_from_the_library_file_name() {
        assert_eq!(runtime_version(Path::new("/x/libonnxruntime.so.1.32.0")), "1.32.0");
        assert_eq!(runtime_version(Path::new("/nonexistent/libonnxruntime.so")), "unknown");
    }

    #[test]
    fn a_model_id_takes_the_manifest_hash_only_for_the_listed_size() {
        let dir = std::env::temp_dir().join(format!("pingshen-modelid-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let f = dir.join("m.onnx");
        std::fs::write(&f, b"abc").unwrap();
        let listed = "file\tsha256\tbytes\nm.onnx\t0123456789abcdef0123\t3\n";
        assert_eq!(model_id(&f, listed), "m.onnx@sha256:0123456789abcdef");
        // Another size: the file was replaced; its own hash is computed (sha256 of "abc").
        let stale = "m.onnx\t0123456789abcdef0123\t4\n";
        assert_eq!(model_id(&f, stale), "m.onnx@sha256:ba7816bf8f01cfea");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
