//! OCR of scanned pages with Tesseract, for the documents that arrive as images only: the signed
//! 竣工验收意见, the sealed 申请函, the 质保/运维 plans.
//!
//! Tesseract is an optional external program (Debian: `tesseract-ocr` and `tesseract-ocr-chi-sim`;
//! `tesseract-ocr-osd` adds orientation detection). [`Tesseract::detect`] finds it once per process;
//! without it (or without the `chi_sim` model) every caller gets a typed [`Unavailable`] and the
//! review goes on without OCR.
//!
//! [`Tesseract::recognize`] writes one page image to a private temporary directory and runs
//! `tesseract FILE stdout -l chi_sim --psm 1 tsv` on it (`--psm 3` when the `osd` model is
//! missing), killed past its time budget. The choices, measured on `fixtures/scans/`:
//!
//! - `chi_sim` alone, not `chi_sim+eng`: the Chinese model reads digits and Latin letters too,
//!   and with English added a Chinese date next to a seal came out as `20234F6H 15A`; `chi_sim`
//!   alone read as many or more characters right on every fixture and is a third faster.
//! - `--psm 1` (automatic layout with orientation detection): a page scanned upside down or
//!   sideways is turned before it is read (with `--psm 3` it is garbage); it costs about 0.3 s.
//! - `OMP_THREAD_LIMIT=1`: Tesseract's OpenMP threads spin when the cores are busy; on two shared
//!   cores one thread read a page in 0.8–1.4 s, the default took 3–10 s.
//! - No `--dpi`: the result was the same with and without it; Tesseract estimates the resolution.
//!
//! The TSV output gives each word with its confidence and box; words are grouped into lines by
//! Tesseract's block, paragraph and line numbers and joined with no space in Chinese text
//! (Tesseract cuts it into words at random places, and reads a full-width `：` as a word `:` of
//! its own) and one space between two Latin or digit words.
//!
//! Tesseract 5.3 with `chi_sim` needs about 125 MB and reads an A4 page at 150 dpi in 0.8–1 s on
//! one core, within the workers' default 1 GiB address-space limit.
//!
//! Seals: Tesseract binarises on luminance, so a red seal over text turns black and hides it. An
//! [`Image::Rgb`] page is therefore given to Tesseract with its red ink whitened
//! ([`Image::without_red_ink`]); a JPEG is given as it is (decoding it is Tesseract's job), so a
//! seal stamped right over a date in a JPEG scan can still hide that date.

use std::borrow::Cow;
use std::fs::{self, File, OpenOptions};
use std::io::{self, BufWriter, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use super::{BBox, CharRead, EngineInfo, OcrError, OcrLine, OcrPage, Recognizer};
use crate::extract::is_cjk;
use crate::image::Image;

/// The Tesseract model pages are read with.
pub const LANGUAGE: &str = "chi_sim";
/// The orientation and script model; with it pages are read with `--psm 1`.
const OSD: &str = "osd";
/// Most bytes of Tesseract output read (a page's TSV is some tens of kilobytes).
const MAX_OUTPUT: u64 = 64 << 20;
/// Time allowed to `tesseract --version` and `--list-langs`.
const PROBE_BUDGET: Duration = Duration::from_secs(20);
/// Bytes of Tesseract's error output kept in an error message.
const MAX_MESSAGE: usize = 2_000;

/// An installed Tesseract that can read Simplified Chinese.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tesseract {
    exe: PathBuf,
    version: String,
    langs: Vec<String>,
    info: EngineInfo,
}

/// Why Tesseract cannot read pages.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Unavailable {
    /// No `tesseract` program (on `PATH`, or at the path given).
    #[error("tesseract is not installed")]
    NotInstalled,
    /// Tesseract runs but has no `chi_sim` model (Debian: `tesseract-ocr-chi-sim`).
    #[error("tesseract {version} has no chi_sim language data (it has: {})", langs.join(", "))]
    NoChiSim { version: String, langs: Vec<String> },
    /// Tesseract could not be run, failed, or did not answer like Tesseract.
    #[error("tesseract could not be run: {0}")]
    Failed(String),
}

static DETECTED: OnceLock<Result<Tesseract, Unavailable>> = OnceLock::new();

impl Tesseract {
    /// The `tesseract` on `PATH`, if it runs and has `chi_sim`. Probed once per process (two
    /// short runs: `--version`, `--list-langs`); later calls return the same answer.
    pub fn detect() -> Result<Tesseract, Unavailable> {
        DETECTED
            .get_or_init(|| match find_on_path("tesseract") {
                Some(exe) => Tesseract::at(&exe),
                None => Err(Unavailable::NotInstalled),
            })
            .clone()
    }

    /// The Tesseract at `exe`, probed now (not cached).
    pub fn at(exe: &Path) -> Result<Tesseract, Unavailable> {
        if !exe.is_file() {
            return Err(Unavailable::NotInstalled);
        }
        let version = probe(exe, "--version")?;
        let version = parse_version(&version)
            .ok_or_else(|| Unavailable::Failed(format!("{} --version names no tesseract version", exe.display())))?;
        let langs = parse_langs(&probe(exe, "--list-langs")?);
        if !langs.iter().any(|l| l == LANGUAGE) {
            return Err(Unavailable::NoChiSim { version, langs });
        }
        let info = EngineInfo {
            engine: "tesseract",
            version: version.clone(),
            models: vec![LANGUAGE.to_string()],
        };
        Ok(Tesseract {
            exe: exe.to_path_buf(),
            version,
            langs,
            info,
        })
    }

    /// The program run.
    pub fn exe(&self) -> &Path {
        &self.exe
    }

    /// Tesseract's version (`5.3.0`).
    pub fn version(&self) -> &str {
        &self.version
    }

    /// The installed language models (`chi_sim`, `eng`, `osd`, …).
    pub fn langs(&self) -> &[String] {
        &self.langs
    }

    /// Whether the orientation model is installed: pages are then turned upright before reading.
    pub fn detects_orientation(&self) -> bool {
        self.langs.iter().any(|l| l == OSD)
    }

    /// Reads one page image. Tesseract is killed when it runs past `budget`
    /// ([`OcrError::Timeout`]); its temporary files are removed whatever happens.
    pub fn recognize(&self, image: &Image, budget: Duration) -> Result<OcrPage, OcrError> {
        image.check().map_err(|e| OcrError::BadImage(e.0))?;
        let image: Cow<'_, Image> = match image.without_red_ink() {
            Some(gray) => Cow::Owned(gray),
            None => Cow::Borrowed(image),
        };
        let dir = TempDir::new().map_err(|e| OcrError::Io(format!("cannot create a temporary directory: {e}")))?;
        let input = dir.path.join(format!("page.{}", image.extension()));
        write_new(&input, &image).map_err(|e| OcrError::Io(format!("cannot write {}: {e}", input.display())))?;
        let psm = if self.detects_orientation() { "1" } else { "3" };
        let mut cmd = Command::new(&self.exe);
        cmd.arg(&input).args(["stdout", "-l", LANGUAGE, "--psm", psm, "tsv"]);
        let out = run(&mut cmd, &dir, budget).map_err(|e| match e {
            RunError::Timeout => OcrError::Timeout(budget),
            RunError::Spawn(e) => OcrError::Failed {
                code: None,
                message: format!("cannot start {}: {e}", self.exe.display()),
            },
            RunError::Io(e) => OcrError::Io(e.to_string()),
            RunError::TooMuchOutput => OcrError::Failed {
                code: None,
                message: format!("more than {MAX_OUTPUT} bytes of output"),
            },
        })?;
        if !out.status.success() {
            return Err(OcrError::Failed {
                code: out.status.code(),
                message: out.stderr,
            });
        }
        Ok(parse_tsv(&String::from_utf8_lossy(&out.stdout)))
    }
}

impl Recognizer for Tesseract {
    fn recognize(&self, image: &Image, budget: Duration) -> Result<OcrPage, OcrError> {
        Tesseract::recognize(self, image, budget)
    }

    fn info(&self) -> &EngineInfo {
        &self.info
    }
}

/// Creates `path` (it must not exist) and writes the image to it.
fn write_new(path: &Path, image: &Image) -> io::Result<()> {
    let file = OpenOptions::new().write(true).create_new(true).open(path)?;
    let mut out = BufWriter::new(file);
    image.write_file(&mut out)?;
    out.flush()
}

/// The first file named `name` in a directory of `PATH`.
fn find_on_path(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(name))
        .find(|candidate| candidate.is_file())
}

/// Runs `exe ARG` and returns what it printed on both streams (Tesseract 4 and 5 differ on which
/// one the version and the language list go to).
fn probe(exe: &Path, arg: &str) -> Result<String, Unavailable> {
    let failed = |m: String| Unavailable::Failed(format!("{} {arg}: {m}", exe.display()));
    let dir = TempDir::new().map_err(|e| failed(format!("cannot create a temporary directory: {e}")))?;
    let out = run(Command::new(exe).arg(arg), &dir, PROBE_BUDGET).map_err(|e| match e {
        RunError::Spawn(e) if e.kind() == io::ErrorKind::NotFound => Unavailable::NotInstalled,
        RunError::Spawn(e) | RunError::Io(e) => failed(e.to_string()),
        RunError::Timeout => failed(format!("no answer within {PROBE_BUDGET:?}")),
        RunError::TooMuchOutput => failed(format!("more than {MAX_OUTPUT} bytes of output")),
    })?;
    if !out.status.success() {
        return Err(failed(format!("{}: {}", describe(out.status), out.stderr)));
    }
    let mut text = String::from_utf8_lossy(&out.stdout).into_owned();
    text.push('\n');
    text.push_str(&out.stderr);
    Ok(text)
}

fn describe(status: ExitStatus) -> String {
    status
        .code()
        .map_or_else(|| "killed by a signal".to_string(), |c| format!("exit code {c}"))
}

/// `5.3.0` from `tesseract 5.3.0` (the first line starting with `tesseract `).
fn parse_version(text: &str) -> Option<String> {
    text.lines()
        .filter_map(|l| l.trim().strip_prefix("tesseract "))
        .map(|v| v.trim().trim_start_matches('v').to_string())
        .find(|v| v.starts_with(|c: char| c.is_ascii_digit()))
}

/// The language names of `tesseract --list-langs`: every line after the `List of available
/// languages` header that is one word.
fn parse_langs(text: &str) -> Vec<String> {
    let mut langs: Vec<String> = text
        .lines()
        .skip_while(|l| !l.starts_with("List of available languages"))
        .skip(1)
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.contains(char::is_whitespace))
        .map(str::to_string)
        .collect();
    langs.sort();
    langs.dedup();
    langs
}

/// Groups the words of Tesseract's TSV (level 5 rows: `level page block par line word left top
/// width height conf text`) into lines by page, block, paragraph and line number. Rows that are
/// not words, have no text, a negative or unparsable confidence or a malformed box are skipped.
fn parse_tsv(tsv: &str) -> OcrPage {
    struct Acc {
        key: (u32, u32, u32, u32),
        text: String,
        in_cjk: bool,
        conf_sum: f64,
        words: u32,
        left: u32,
        top: u32,
        right: u32,
        bottom: u32,
        chars: Vec<CharRead>,
    }
    let mut lines: Vec<Acc> = Vec::new();
    let (mut conf_sum, mut words) = (0f64, 0u32);
    for row in tsv.lines() {
        let f: Vec<&str> = row.splitn(12, '\t').collect();
        let num = |i: usize| f.get(i).and_then(|s| s.trim().parse::<u32>().ok());
        if num(0) != Some(5) {
            continue;
        }
        let (Some(page), Some(block), Some(par), Some(line), Some(left), Some(top), Some(width), Some(height)) =
            (num(1), num(2), num(3), num(4), num(6), num(7), num(8), num(9))
        else {
            continue;
        };
        let Some(conf) = f.get(10).and_then(|s| s.trim().parse::<f64>().ok()) else {
            continue;
        };
        let text = f.get(11).map_or("", |s| s.trim());
        if !conf.is_finite() || conf < 0.0 || text.is_empty() {
            continue;
        }
        let conf = conf.min(100.0);
        conf_sum += conf;
        words += 1;
        let key = (page, block, par, line);
        let (right, bottom) = (left.saturating_add(width), top.saturating_add(height));
        match lines.last_mut() {
            Some(acc) if acc.key == key => {
                push_word(&mut acc.text, &mut acc.in_cjk, text);
                // Every character of a word (and a space put before it) has the word's confidence.
                let added = acc.text.chars().count() - acc.chars.len();
                acc.chars.extend(std::iter::repeat_n(CharRead::new(conf as f32), added));
                acc.conf_sum += conf;
                acc.words += 1;
                acc.left = acc.left.min(left);
                acc.top = acc.top.min(top);
                acc.right = acc.right.max(right);
                acc.bottom = acc.bottom.max(bottom);
            }
            _ => lines.push(Acc {
                key,
                text: text.to_string(),
                in_cjk: text.chars().any(is_cjk),
                conf_sum: conf,
                words: 1,
                left,
                top,
                right,
                bottom,
                chars: vec![CharRead::new(conf as f32); text.chars().count()],
            }),
        }
    }
    let mean = |sum: f64, n: u32| if n == 0 { 0.0 } else { (sum / f64::from(n)) as f32 };
    OcrPage {
        lines: lines
            .into_iter()
            .map(|a| OcrLine {
                text: a.text,
                confidence: mean(a.conf_sum, a.words),
                bbox: BBox {
                    left: a.left,
                    top: a.top,
                    width: a.right.saturating_sub(a.left),
                    height: a.bottom.saturating_sub(a.top),
                },
                chars: a.chars,
            })
            .collect(),
        mean_confidence: mean(conf_sum, words),
        ..OcrPage::default()
    }
}

/// Appends a word to a line: one space when the line so far ends in a Latin or digit word and
/// the new word starts with a Latin letter, digit or sign (`ISO 9001`), none otherwise
/// (`2023年6月`, `质保期:36个月`): Tesseract splits Chinese text into words at random places and
/// reads a full-width `：` or `）` as an ASCII sign, which is a word of its own. `in_cjk` says
/// whether the line's last word was Chinese (or signs after Chinese); it is updated.
fn push_word(line: &mut String, in_cjk: &mut bool, word: &str) {
    if !line.is_empty() && !*in_cjk && word.chars().next().is_some_and(|c| !is_cjk(c)) {
        line.push(' ');
    }
    line.push_str(word);
    let signs_only = word.chars().all(|c| c.is_ascii_punctuation());
    *in_cjk = word.chars().any(is_cjk) || (signs_only && *in_cjk);
}

/// A directory only this process uses (mode 0700 on Unix), removed with everything in it when
/// dropped.
struct TempDir {
    path: PathBuf,
}

impl TempDir {
    fn new() -> io::Result<TempDir> {
        static COUNTER: AtomicU32 = AtomicU32::new(0);
        let base = std::env::temp_dir();
        let pid = std::process::id();
        let mut last = io::Error::other("no free temporary directory name");
        for _ in 0..64 {
            let n = COUNTER.fetch_add(1, Ordering::Relaxed);
            let path = base.join(format!("pingshen-ocr-{pid}-{n}"));
            match create_private_dir(&path) {
                Ok(()) => return Ok(TempDir { path }),
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists => last = e,
                Err(e) => return Err(e),
            }
        }
        Err(last)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.path);
    }
}

#[cfg(unix)]
fn create_private_dir(path: &Path) -> io::Result<()> {
    use std::os::unix::fs::DirBuilderExt;
    fs::DirBuilder::new().mode(0o700).create(path)
}

#[cfg(not(unix))]
fn create_private_dir(path: &Path) -> io::Result<()> {
    fs::DirBuilder::new().create(path)
}

/// A finished run: its status, standard output, and the end of its standard error.
struct Finished {
    status: ExitStatus,
    stdout: Vec<u8>,
    stderr: String,
}

enum RunError {
    Spawn(io::Error),
    Io(io::Error),
    Timeout,
    TooMuchOutput,
}

/// Runs `cmd` in `dir` with its output going to files there (no pipe can fill up and stall it),
/// one OpenMP thread, and no input; kills it past `budget`.
fn run(cmd: &mut Command, dir: &TempDir, budget: Duration) -> Result<Finished, RunError> {
    let out_path = dir.path.join("stdout");
    let err_path = dir.path.join("stderr");
    let new_file = |p: &Path| {
        OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(p)
            .map_err(RunError::Io)
    };
    let (out, err) = (new_file(&out_path)?, new_file(&err_path)?);
    let mut child = cmd
        .current_dir(&dir.path)
        .env("OMP_THREAD_LIMIT", "1")
        .stdin(Stdio::null())
        .stdout(out)
        .stderr(err)
        .spawn()
        .map_err(RunError::Spawn)?;
    let start = Instant::now();
    let mut pause = Duration::from_millis(2);
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) => {}
            Err(e) => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(RunError::Io(e));
            }
        }
        let elapsed = start.elapsed();
        if elapsed >= budget {
            let _ = child.kill();
            let _ = child.wait();
            return Err(RunError::Timeout);
        }
        std::thread::sleep(pause.min(budget.saturating_sub(elapsed)));
        pause = (pause * 2).min(Duration::from_millis(25));
    };
    let stdout = read_capped(&out_path)?;
    let stderr = String::from_utf8_lossy(&read_capped(&err_path)?).trim().to_string();
    Ok(Finished {
        status,
        stdout,
        stderr: last_chars(&stderr, MAX_MESSAGE).to_string(),
    })
}

/// A file's bytes, at most [`MAX_OUTPUT`].
fn read_capped(path: &Path) -> Result<Vec<u8>, RunError> {
    let mut bytes = Vec::new();
    File::open(path)
        .and_then(|f| f.take(MAX_OUTPUT + 1).read_to_end(&mut bytes))
        .map_err(RunError::Io)?;
    if bytes.len() as u64 > MAX_OUTPUT {
        return Err(RunError::TooMuchOutput);
    }
    Ok(bytes)
}

/// The last `n` characters of `s` at most.
fn last_chars(s: &str, n: usize) -> &str {
    let count = s.chars().count();
    if count <= n {
        return s;
    }
    s.char_indices()
        .nth(count - n)
        .map_or(s, |(i, _)| s.get(i..).unwrap_or(s))
}

#[cfg(test)]
mod tests {
    use super::*;

    const BUDGET: Duration = Duration::from_secs(120);

    fn scans() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/scans")
    }

    fn fixture(name: &str) -> Vec<u8> {
        fs::read(scans().join(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
    }

    /// The engine, or `None` (with the message CI logs show) when Tesseract or chi_sim is missing.
    fn engine() -> Option<Tesseract> {
        match Tesseract::detect() {
            Ok(e) => Some(e),
            Err(why) => {
                eprintln!("skipped: tesseract with chi_sim not installed ({why})");
                None
            }
        }
    }

    /// The page image of a one-image PDF: the JPEG bytes of a DCTDecode stream, or the pixels of
    /// an 8-bit gray or RGB FlateDecode one.
    fn pdf_image(name: &str) -> Image {
        let doc = lopdf::Document::load_mem(&fixture(name)).unwrap();
        let stream = doc
            .objects
            .values()
            .filter_map(|o| o.as_stream().ok())
            .find(|s| s.dict.get(b"Subtype").and_then(|v| v.as_name()).ok() == Some(b"Image".as_slice()))
            .unwrap();
        let int = |k: &[u8]| u32::try_from(stream.dict.get(k).unwrap().as_i64().unwrap()).unwrap();
        match stream.filters().unwrap().as_slice() {
            [b"DCTDecode"] => Image::Jpeg(stream.content.clone()),
            [b"FlateDecode"] => {
                assert_eq!(int(b"BitsPerComponent"), 8);
                let (width, height) = (int(b"Width"), int(b"Height"));
                let data = stream.decompressed_content().unwrap();
                match stream.dict.get(b"ColorSpace").unwrap().as_name().unwrap() {
                    b"DeviceGray" => Image::Gray { width, height, data },
                    b"DeviceRGB" => Image::Rgb { width, height, data },
                    other => panic!("unexpected colour space {other:?}"),
                }
            }
            other => panic!("unexpected filters {other:?}"),
        }
    }

    fn ofd_image(name: &str) -> Image {
        let mut zip = zip::ZipArchive::new(io::Cursor::new(fixture(name))).unwrap();
        let mut jpeg = Vec::new();
        zip.by_name("Doc_0/Res/image_5.jpg")
            .unwrap()
            .read_to_end(&mut jpeg)
            .unwrap();
        Image::Jpeg(jpeg)
    }

    fn read(engine: &Tesseract, image: &Image, what: &str) -> OcrPage {
        let start = Instant::now();
        let page = engine.recognize(image, BUDGET).unwrap();
        eprintln!(
            "{what}: {:.2} s, mean confidence {:.1}",
            start.elapsed().as_secs_f32(),
            page.mean_confidence
        );
        for l in &page.lines {
            eprintln!("  {:5.1} {}", l.confidence, l.text);
        }
        page
    }

    fn has_line(page: &OcrPage, needle: &str) -> bool {
        page.lines.iter().any(|l| l.text.contains(needle))
    }

    fn tsv(rows: &[&str]) -> String {
        let mut s = "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext\n"
            .to_string();
        for r in rows {
            s.push_str(r);
            s.push('\n');
        }
        s
    }

    #[test]
    fn words_become_lines_with_cjk_joined_and_latin_words_spaced() {
        let page = parse_tsv(&tsv(&[
            "1\t1\t0\t0\t0\t0\t0\t0\t1240\t1754\t-1\t",
            "4\t1\t1\t1\t1\t0\t100\t200\t400\t40\t-1\t",
            "5\t1\t1\t1\t1\t1\t100\t200\t80\t40\t90\t2023",
            "5\t1\t1\t1\t1\t2\t185\t202\t30\t38\t80\t年",
            "5\t1\t1\t1\t1\t3\t220\t201\t20\t39\t70\t6",
            "5\t1\t1\t1\t1\t4\t245\t200\t30\t40\t60\t月",
            "5\t1\t1\t1\t2\t1\t100\t260\t60\t40\t50\tISO",
            "5\t1\t1\t1\t2\t2\t170\t262\t90\t40\t70\t9001",
            "5\t1\t1\t1\t2\t3\t270\t258\t60\t44\t90\t认证",
            "5\t1\t2\t1\t1\t1\t100\t400\t60\t40\t30\t质保期",
            "5\t1\t2\t1\t1\t2\t165\t400\t5\t40\t40\t:",
            "5\t1\t2\t1\t1\t3\t170\t400\t60\t40\t40\t36",
            "5\t1\t2\t1\t1\t4\t240\t400\t60\t40\t50\t个月",
            "5\t1\t3\t1\t1\t1\t100\t500\t60\t40\t90\tHello,",
            "5\t1\t3\t1\t1\t2\t170\t500\t60\t40\t90\tworld",
        ]));
        let texts: Vec<&str> = page.lines.iter().map(|l| l.text.as_str()).collect();
        assert_eq!(texts, ["2023年6月", "ISO 9001认证", "质保期:36个月", "Hello, world"]);
        let first = page.lines.first().unwrap();
        assert_eq!(first.confidence, 75.0);
        assert_eq!(
            first.bbox,
            BBox {
                left: 100,
                top: 200,
                width: 175,
                height: 40
            }
        );
        // The mean of all 13 words' confidences.
        assert!(
            (page.mean_confidence - 850.0 / 13.0).abs() < 1e-4,
            "{}",
            page.mean_confidence
        );
    }

    #[test]
    fn rows_without_text_or_confidence_or_a_box_are_skipped() {
        let page = parse_tsv(&tsv(&[
            "5\t1\t1\t1\t1\t1\t0\t0\t10\t10\t-1\t",
            "5\t1\t1\t1\t1\t2\t0\t0\t10\t10\t95\t ",
            "5\t1\t1\t1\t1\t3\t0\t0\t10\t10\tNaN\t假",
            "5\t1\t1\t1\t1\t4\tx\t0\t10\t10\t95\t假",
            "5\t1\t1\t1",
            "garbage",
            "",
        ]));
        assert!(page.is_blank());
        assert!(page.lines.is_empty());
        assert_eq!(page.mean_confidence, 0.0);
        assert_eq!(parse_tsv(""), OcrPage::default());
    }

    #[test]
    fn version_and_languages_are_read_from_either_output_of_tesseract_4_and_5() {
        let v5 = "tesseract 5.3.0\n leptonica-1.82.0\n  libgif 5.2.1 : libjpeg 6b\n";
        assert_eq!(parse_version(v5).as_deref(), Some("5.3.0"));
        assert_eq!(parse_version("\ntesseract v4.1.1-rc2\n").as_deref(), Some("4.1.1-rc2"));
        assert_eq!(parse_version("Usage: something else"), None);
        let langs =
            "List of available languages in \"/usr/share/tesseract-ocr/5/tessdata/\" (3):\nosd\nchi_sim\neng\n\n";
        assert_eq!(parse_langs(langs), ["chi_sim", "eng", "osd"]);
        assert!(parse_langs("no header\nchi_sim\n").is_empty());
    }

    #[test]
    fn pixel_images_are_written_as_binary_pnm_and_compressed_ones_as_they_are() {
        let mut out = Vec::new();
        let gray = Image::Gray {
            width: 2,
            height: 1,
            data: vec![0, 255],
        };
        gray.write_file(&mut out).unwrap();
        assert_eq!(out, b"P5\n2 1\n255\n\x00\xff");
        out.clear();
        Image::Rgb {
            width: 1,
            height: 1,
            data: vec![1, 2, 3],
        }
        .write_file(&mut out)
        .unwrap();
        assert_eq!(out, b"P6\n1 1\n255\n\x01\x02\x03");
        out.clear();
        Image::Bilevel {
            width: 9,
            height: 1,
            data: vec![0x80, 0x80],
        }
        .write_file(&mut out)
        .unwrap();
        assert_eq!(out, b"P4\n9 1\n\x80\x80");
        out.clear();
        Image::Jpeg(vec![0xFF, 0xD8, 0xFF, 0xE0]).write_file(&mut out).unwrap();
        assert_eq!(out, [0xFF, 0xD8, 0xFF, 0xE0]);
        assert_eq!(gray.extension(), "pgm");
    }

    #[test]
    fn images_tesseract_could_misread_as_a_file_list_or_overrun_are_refused() {
        let refused = |i: Image| i.check().is_err();
        assert!(refused(Image::Jpeg(b"/etc/passwd\n".to_vec())));
        assert!(refused(Image::Jpx(b"\xFF\xD8\xFF".to_vec())));
        assert!(refused(Image::Gray {
            width: 3,
            height: 2,
            data: vec![0; 5]
        }));
        assert!(refused(Image::Rgb {
            width: 2,
            height: 2,
            data: vec![0; 4]
        }));
        assert!(refused(Image::Bilevel {
            width: 9,
            height: 2,
            data: vec![0; 2]
        }));
        assert!(refused(Image::Gray {
            width: 0,
            height: 5,
            data: Vec::new()
        }));
        assert!(refused(Image::Gray {
            width: 20_000,
            height: 20_000,
            data: Vec::new()
        }));
        assert!(Image::Jpx(b"\0\0\0\x0CjP  \r\n\x87\n".to_vec()).check().is_ok());
        assert!(Image::Jpx(b"\xFF\x4F\xFF\x51".to_vec()).check().is_ok());
        assert!(Image::Bilevel {
            width: 9,
            height: 2,
            data: vec![0; 4]
        }
        .check()
        .is_ok());
    }

    #[test]
    fn red_seal_ink_is_whitened_and_black_or_blue_ink_under_it_stays_dark() {
        // Paper, seal ink on paper, black text, black text under seal ink, blue signature ink.
        let rgb = Image::Rgb {
            width: 5,
            height: 1,
            data: vec![247, 245, 238, 231, 118, 124, 28, 28, 30, 60, 20, 22, 25, 35, 110],
        };
        let Some(Image::Gray { data, .. }) = rgb.without_red_ink() else {
            panic!("an RGB image gives a gray one");
        };
        assert_eq!(data, [245, 231, 28, 32, 41]);
        assert_eq!(
            Image::Gray {
                width: 1,
                height: 1,
                data: vec![0]
            }
            .without_red_ink(),
            None
        );
    }

    #[test]
    fn a_missing_program_is_not_installed() {
        assert_eq!(
            Tesseract::at(Path::new("/nonexistent/pingshen/tesseract")),
            Err(Unavailable::NotInstalled)
        );
    }

    #[test]
    fn last_chars_keeps_the_end_of_a_message_on_a_char_boundary() {
        assert_eq!(last_chars("错误：页面", 2), "页面");
        assert_eq!(last_chars("abc", 5), "abc");
    }

    /// A stand-in `tesseract`: a shell script answering `--version` and `--list-langs` like
    /// Tesseract 5 (with `langs`), and running `body` for a page after writing the page's path to
    /// `<dir>/page-path`.
    #[cfg(unix)]
    struct Fake {
        dir: PathBuf,
        exe: PathBuf,
    }

    #[cfg(unix)]
    impl Fake {
        fn new(name: &str, langs: &str, body: &str) -> Fake {
            use std::os::unix::fs::PermissionsExt;
            let dir = std::env::temp_dir().join(format!("pingshen-ocr-test-{}-{name}", std::process::id()));
            let _ = fs::remove_dir_all(&dir);
            fs::create_dir_all(&dir).unwrap();
            let exe = dir.join("tesseract");
            let script = format!(
                "#!/bin/sh\ncase \"$1\" in\n--version) echo 'tesseract 5.3.0'; echo ' leptonica-1.82.0';;\n\
                 --list-langs) echo 'List of available languages in \"/fake/\" (2):'; printf '{langs}';;\n\
                 *) echo \"$1\" > '{}'; {body};;\nesac\n",
                dir.join("page-path").display()
            );
            fs::write(&exe, script).unwrap();
            fs::set_permissions(&exe, fs::Permissions::from_mode(0o755)).unwrap();
            Fake { dir, exe }
        }

        /// `Tesseract::at`, retried while the script is busy: another test's fork may briefly hold
        /// the script open for writing (ETXTBSY).
        fn engine(&self) -> Result<Tesseract, Unavailable> {
            for _ in 0..50 {
                match Tesseract::at(&self.exe) {
                    Err(Unavailable::Failed(m)) if m.contains("busy") => std::thread::sleep(Duration::from_millis(20)),
                    other => return other,
                }
            }
            Tesseract::at(&self.exe)
        }

        fn page_path(&self) -> PathBuf {
            PathBuf::from(fs::read_to_string(self.dir.join("page-path")).unwrap().trim())
        }
    }

    #[cfg(unix)]
    impl Drop for Fake {
        fn drop(&mut self) {
            let _ = fs::remove_dir_all(&self.dir);
        }
    }

    fn jpeg_stub() -> Image {
        Image::Jpeg(vec![0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10])
    }

    #[cfg(unix)]
    #[test]
    fn a_tesseract_without_chi_sim_is_reported_with_its_languages() {
        let fake = Fake::new("nochi", "eng\\nosd\\n", "exit 0");
        assert_eq!(
            fake.engine(),
            Err(Unavailable::NoChiSim {
                version: "5.3.0".to_string(),
                langs: vec!["eng".to_string(), "osd".to_string()],
            })
        );
    }

    #[cfg(unix)]
    #[test]
    fn a_program_that_is_not_tesseract_failed_to_run() {
        let fake = Fake::new("nottess", "", "exit 0");
        fs::write(&fake.exe, "#!/bin/sh\necho 'usage: frobnicate'\n").unwrap();
        assert!(matches!(fake.engine(), Err(Unavailable::Failed(m)) if m.contains("no tesseract version")));
        fs::write(&fake.exe, "#!/bin/sh\necho 'boom' >&2\nexit 3\n").unwrap();
        assert!(
            matches!(fake.engine(), Err(Unavailable::Failed(m)) if m.contains("exit code 3") && m.contains("boom"))
        );
    }

    #[cfg(unix)]
    #[test]
    fn tesseract_past_its_budget_is_killed_and_its_files_removed() {
        let fake = Fake::new("slow", "chi_sim\\n", "exec sleep 30");
        let engine = fake.engine().unwrap();
        let start = Instant::now();
        let got = engine.recognize(&jpeg_stub(), Duration::from_millis(300));
        assert_eq!(got, Err(OcrError::Timeout(Duration::from_millis(300))));
        assert!(start.elapsed() < Duration::from_secs(10), "{:?}", start.elapsed());
        let page = fake.page_path();
        assert!(page.ends_with("page.jpg"), "{}", page.display());
        assert!(!page.exists());
        assert!(!page.parent().unwrap().exists());
    }

    #[cfg(unix)]
    #[test]
    fn a_failing_tesseract_gives_its_exit_code_and_message_and_leaves_no_files() {
        let fake = Fake::new("fails", "chi_sim\\n", "echo 'Error in pixReadMem' >&2; exit 1");
        let engine = fake.engine().unwrap();
        let got = engine.recognize(&jpeg_stub(), BUDGET);
        assert_eq!(
            got,
            Err(OcrError::Failed {
                code: Some(1),
                message: "Error in pixReadMem".to_string()
            })
        );
        assert!(!fake.page_path().parent().unwrap().exists());
    }

    #[cfg(unix)]
    #[test]
    fn the_page_is_read_from_tesseracts_tsv_with_one_thread_and_psm_by_osd() {
        let body = "printf 'level\\tpage_num\\tblock_num\\tpar_num\\tline_num\\tword_num\\tleft\\ttop\\twidth\\theight\\tconf\\ttext\\n\
                    5\\t1\\t1\\t1\\t1\\t1\\t10\\t20\\t30\\t40\\t96\\t%s\\n\
                    5\\t1\\t1\\t1\\t1\\t2\\t45\\t20\\t30\\t40\\t90\\tOMP=%s\\n' \"$*\" \"$OMP_THREAD_LIMIT\"";
        let fake = Fake::new("tsv", "chi_sim\\nosd\\n", body);
        let engine = fake.engine().unwrap();
        assert!(engine.detects_orientation());
        let gray = Image::Gray {
            width: 1,
            height: 1,
            data: vec![0],
        };
        let page = engine.recognize(&gray, BUDGET).unwrap();
        let page_file = fake.page_path();
        assert_eq!(page.lines.len(), 1);
        let line = page.lines.first().unwrap();
        assert_eq!(
            line.text,
            format!("{} stdout -l chi_sim --psm 1 tsv OMP=1", page_file.display())
        );
        assert!(page_file.ends_with("page.pgm"));
        assert_eq!(line.confidence, 93.0);

        let no_osd = Fake::new("tsv-no-osd", "chi_sim\\n", body);
        let engine = no_osd.engine().unwrap();
        let page = engine.recognize(&gray, BUDGET).unwrap();
        assert!(page.text().contains("--psm 3"), "{}", page.text());
    }

    #[test]
    fn the_scan_fixtures_have_no_text_layer_for_the_pdf_and_ofd_readers() {
        use crate::extract::{ofd::read_ofd, pdf::read_pdf, DocError, ReadOptions};
        for name in [
            "acceptance-opinion-scan.pdf",
            "acceptance-opinion-scan-flate.pdf",
            "acceptance-opinion-sealed-rgb.pdf",
            "warranty-plan-scan.pdf",
            "blank-scan.pdf",
        ] {
            assert_eq!(
                read_pdf(&fixture(name), ReadOptions::ALL),
                Err(DocError::NoTextLayer),
                "{name}"
            );
        }
        assert_eq!(
            read_ofd(&fixture("acceptance-opinion-scan.ofd"), ReadOptions::ALL),
            Err(DocError::NoTextLayer)
        );
    }

    #[test]
    fn the_acceptance_opinion_scan_gives_its_title_conclusion_and_date() {
        let Some(engine) = engine() else { return };
        let page = read(
            &engine,
            &pdf_image("acceptance-opinion-scan.pdf"),
            "acceptance-opinion-scan.pdf",
        );
        assert_eq!(page.lines.first().map(|l| l.text.as_str()), Some("竣工验收意见"));
        assert!(
            has_line(&page, "2023年6月15日，北京市某某局组织专家组"),
            "{}",
            page.text()
        );
        assert!(has_line(&page, "专家组一致同意该项目通过竣工验收"), "{}", page.text());
        assert!(has_line(&page, "专家组组长"), "{}", page.text());
        assert!(page.mean_confidence > 70.0, "{}", page.mean_confidence);
    }

    #[test]
    fn the_flate_gray_scan_reads_like_the_jpeg_one() {
        let Some(engine) = engine() else { return };
        let image = pdf_image("acceptance-opinion-scan-flate.pdf");
        assert!(matches!(image, Image::Gray { .. }));
        let page = read(&engine, &image, "acceptance-opinion-scan-flate.pdf");
        assert!(has_line(&page, "竣工验收意见"), "{}", page.text());
        assert!(has_line(&page, "2023年6月15日"), "{}", page.text());
        assert!(has_line(&page, "专家组一致同意该项目通过竣工验收"), "{}", page.text());
    }

    #[test]
    fn a_seal_stamped_over_the_date_of_an_rgb_scan_is_whitened_so_the_date_is_read() {
        let Some(engine) = engine() else { return };
        let image = pdf_image("acceptance-opinion-sealed-rgb.pdf");
        assert!(matches!(image, Image::Rgb { .. }));
        let page = read(&engine, &image, "acceptance-opinion-sealed-rgb.pdf");
        // The signature date, on its own line under the seal (the body's date is another line).
        assert!(page.lines.iter().any(|l| l.text == "2023年6月15日"), "{}", page.text());
        assert!(has_line(&page, "专家组一致同意该项目通过竣工验收"), "{}", page.text());
    }

    #[test]
    fn the_ofd_scan_gives_the_acceptance_date() {
        let Some(engine) = engine() else { return };
        let page = read(
            &engine,
            &ofd_image("acceptance-opinion-scan.ofd"),
            "acceptance-opinion-scan.ofd",
        );
        assert!(has_line(&page, "2023年6月15日"), "{}", page.text());
        assert!(has_line(&page, "竣工验收"), "{}", page.text());
    }

    #[test]
    fn the_warranty_plan_scan_gives_the_warranty_period() {
        let Some(engine) = engine() else { return };
        let page = read(&engine, &pdf_image("warranty-plan-scan.pdf"), "warranty-plan-scan.pdf");
        assert!(has_line(&page, "质保期为三年"), "{}", page.text());
        assert!(has_line(&page, "36个月"), "{}", page.text());
    }

    #[test]
    fn the_blank_scan_gives_no_text() {
        let Some(engine) = engine() else { return };
        let page = read(&engine, &pdf_image("blank-scan.pdf"), "blank-scan.pdf");
        assert!(page.is_blank(), "{}", page.text());
        assert_eq!(page.mean_confidence, 0.0);
    }

    #[test]
    fn an_upside_down_or_sideways_scan_is_turned_before_reading_when_osd_is_installed() {
        let Some(engine) = engine() else { return };
        if !engine.detects_orientation() {
            eprintln!("skipped: no osd model (tesseract-ocr-osd)");
            return;
        }
        let Image::Gray { width, height, data } = pdf_image("acceptance-opinion-scan-flate.pdf") else {
            panic!("a gray image");
        };
        let upside_down = Image::Gray {
            width,
            height,
            data: data.iter().rev().copied().collect(),
        };
        let page = read(&engine, &upside_down, "flate page turned 180°");
        assert!(has_line(&page, "2023年6月15日"), "{}", page.text());
        // Turned a quarter clockwise: row r of the result is column r of the page, bottom up.
        let (w, h) = (width as usize, height as usize);
        let sideways: Vec<u8> = (0..w)
            .flat_map(|x| (0..h).rev().map(move |y| (x, y)))
            .map(|(x, y)| data[y * w + x])
            .collect();
        let sideways = Image::Gray {
            width: height,
            height: width,
            data: sideways,
        };
        let page = read(&engine, &sideways, "flate page turned 90°");
        assert!(has_line(&page, "2023年6月15日"), "{}", page.text());
    }

    #[test]
    fn tesseract_past_a_tiny_budget_times_out() {
        let Some(engine) = engine() else { return };
        let got = engine.recognize(&pdf_image("acceptance-opinion-scan.pdf"), Duration::from_millis(5));
        assert_eq!(got, Err(OcrError::Timeout(Duration::from_millis(5))));
    }

    #[test]
    fn detect_gives_the_same_answer_every_time() {
        assert_eq!(Tesseract::detect(), Tesseract::detect());
    }
}
