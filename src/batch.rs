//! Bulk review: every `.zip` under the given paths, in parallel (rayon), one verdict each.
//!
//! Memory stays flat in the number of packages: only the list of paths and a few counters per
//! stage, verdict and check id are held (plus one hash per package, to report duplicates); each
//! worker reads, reviews and writes one archive at a time. Verdict files are written atomically,
//! and `--resume` skips archives whose verdict is already there with the same SHA-256 and
//! ruleset, so a killed batch picks up where it stopped.

use std::collections::BTreeMap;
use std::io::{self, BufRead, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::Instant;

use rayon::prelude::*;
use serde::Serialize;

use crate::finding::Code;
use crate::pool::Pool;
use crate::verdict::{CheckStatus, Verdict};
use crate::worker::{Format, WorkerConfig};
use crate::{Options, Reviewer};

pub use crate::pool::Isolation;

/// The rendered verdict of the package at `path`, what the summary keeps of it, and whether
/// the worker failed on the package (its verdict is then an `error` made by the supervisor).
fn review_checked(pool: &Pool, path: &Path, format: Format) -> (String, Tally, bool) {
    let r = pool.review(path, format, None);
    let failed = r.failure.is_some();
    let tally = match &r.typed {
        Some(v) => Tally::of(path, v),
        None => serde_json::from_str::<serde_json::Value>(&r.body)
            .map(|json| Tally::of_json(path, &json))
            .unwrap_or_else(|_| Tally::of_kind(path, r.verdict.as_str())),
    };
    (r.body, tally, failed)
}

/// Where verdicts go.
#[derive(Debug, Clone)]
pub enum Output {
    /// `DIR/<archive file name>.json`, one file per package, and `DIR/summary.json`; with
    /// [`BatchOptions::html`] also `DIR/<archive file name>.html` and `DIR/index.html`.
    Dir(PathBuf),
    /// One JSON line per package on stdout, in input order.
    JsonLines,
}

/// Counts of one check id over the batch.
#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
pub struct CheckCounts {
    pub violated: usize,
    pub undetermined: usize,
}

/// What a batch did; written as `summary.json` beside the verdicts.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Summary {
    pub schema_version: &'static str,
    pub ruleset: String,
    pub packages: usize,
    /// Packages whose verdict was already in the output folder (`--resume`).
    pub resumed: usize,
    pub bytes: u64,
    pub seconds: f64,
    pub packages_per_second: f64,
    pub mb_per_second: f64,
    /// Count per verdict (`pass`, `error`, …).
    pub by_verdict: BTreeMap<String, usize>,
    /// Count per stage (`none` when no stage was decided), then per verdict.
    pub by_stage: BTreeMap<String, BTreeMap<String, usize>>,
    /// Per check id, how many packages violate it or leave it undetermined.
    pub failures_by_check: BTreeMap<String, CheckCounts>,
    /// Groups of archives with identical bytes (same SHA-256), by path.
    pub duplicates: Vec<Vec<String>>,
    /// Verdicts that could not be written (path, error).
    pub write_errors: Vec<(String, String)>,
    /// Packages left without a verdict because the batch stopped early (a write error, or a
    /// signal): `--resume` reviews them.
    pub not_reviewed: usize,
    /// The signal that stopped the batch (`SIGINT`, `SIGTERM`), if one did.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub interrupted_by: Option<String>,
}

impl Summary {
    /// A few lines for a person: counts, failures, speed.
    pub fn render(&self) -> String {
        let mut o = String::new();
        let counts: Vec<String> = self.by_verdict.iter().map(|(k, n)| format!("{k} {n}")).collect();
        o.push_str(&format!(
            "{} packages in {:.2} s ({:.1} packages/s, {:.1} MB/s){}: {}\n",
            self.packages,
            self.seconds,
            self.packages_per_second,
            self.mb_per_second,
            if self.resumed > 0 {
                format!(", {} resumed", self.resumed)
            } else {
                String::new()
            },
            counts.join(", ")
        ));
        for (stage, by) in &self.by_stage {
            let c: Vec<String> = by.iter().map(|(k, n)| format!("{k} {n}")).collect();
            o.push_str(&format!("  {stage:<14} {}\n", c.join(", ")));
        }
        let mut fails: Vec<(&String, &CheckCounts)> = self.failures_by_check.iter().collect();
        fails.sort_by(|a, b| {
            (b.1.violated, b.1.undetermined)
                .cmp(&(a.1.violated, a.1.undetermined))
                .then(a.0.cmp(b.0))
        });
        if !fails.is_empty() {
            o.push_str("  failures by check:\n");
            for (id, c) in fails {
                o.push_str(&format!(
                    "    {id:<24} violated {:>5}  undetermined {:>5}\n",
                    c.violated, c.undetermined
                ));
            }
        }
        for group in &self.duplicates {
            o.push_str(&format!("  duplicate archives: {}\n", group.join(" = ")));
        }
        if let Some(sig) = &self.interrupted_by {
            o.push_str(&format!("stopped by {sig}\n"));
        }
        if !self.write_errors.is_empty() {
            o.push_str(&format!(
                "{} verdict file(s) could not be written; the batch stopped starting packages\n",
                self.write_errors.len()
            ));
        }
        if self.not_reviewed > 0 || !self.write_errors.is_empty() {
            o.push_str(&format!(
                "{} package(s) have no verdict yet: run the same command with --resume to continue\n",
                self.not_reviewed + self.write_errors.len()
            ));
        }
        o
    }
}

/// Every `.zip` (any case) under `paths`, recursively, sorted and de-duplicated. A file named
/// directly is taken whatever its extension. Symlinked folders are not followed.
pub fn collect_inputs(paths: &[PathBuf]) -> io::Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    for p in paths {
        let meta = std::fs::metadata(p).map_err(|e| io::Error::new(e.kind(), format!("{}: {e}", p.display())))?;
        if meta.is_dir() {
            walk(p, &mut out)?;
        } else {
            out.push(p.clone());
        }
    }
    out.sort();
    out.dedup();
    Ok(out)
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> io::Result<()> {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .map_err(|e| io::Error::new(e.kind(), format!("{}: {e}", dir.display())))?
        .collect::<Result<_, _>>()?;
    entries.sort_by_key(|e| e.path());
    for e in entries {
        let ty = e.file_type()?;
        let path = e.path();
        if ty.is_dir() {
            walk(&path, out)?;
        } else if path.extension().is_some_and(|x| x.eq_ignore_ascii_case("zip")) {
            out.push(path);
        }
    }
    Ok(())
}

/// The output file name of each input: `<archive file name>.json`; when two inputs share a file
/// name, the later ones (in path order) get `<name>.2.json`, `<name>.3.json`, ….
pub fn output_names(inputs: &[PathBuf]) -> Vec<String> {
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    inputs
        .iter()
        .map(|p| {
            let name = p.file_name().map(crate::name_of).unwrap_or_else(|| "package".into());
            let n = seen.entry(name.clone()).or_insert(0);
            *n += 1;
            if *n == 1 {
                format!("{name}.json")
            } else {
                format!("{name}.{n}.json")
            }
        })
        .collect()
}

/// Writes `text` to `path` atomically: a temporary file in the same folder, then a rename, so a
/// killed batch never leaves half a verdict.
pub fn write_atomic(path: &Path, text: &str) -> io::Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = dir.join(format!(".{name}.tmp{}", std::process::id()));
    let written = std::fs::write(&tmp, text).and_then(|()| std::fs::rename(&tmp, path));
    if written.is_err() {
        // A full disk leaves a half-written temp file: it is no verdict, and must not stay.
        let _ = std::fs::remove_file(&tmp);
    }
    written
}

/// The lock file of an output folder.
pub const LOCK_FILE: &str = ".pingshen.lock";

/// One batch at a time writes an output folder: the lock (`flock` on `DIR/.pingshen.lock`,
/// holding the writer's process id) is held for the run and released when dropped — or when
/// the process dies, however it dies.
#[derive(Debug)]
pub struct OutputLock {
    _file: std::fs::File,
}

impl OutputLock {
    /// Takes the lock, or fails at once naming the process that holds it.
    pub fn acquire(dir: &Path) -> io::Result<OutputLock> {
        use std::io::{Read, Seek};
        let path = dir.join(LOCK_FILE);
        let mut file = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
            .map_err(|e| io::Error::new(e.kind(), format!("cannot write in {}: {e}", dir.display())))?;
        match file.try_lock() {
            Ok(()) => {
                file.set_len(0)?;
                file.seek(io::SeekFrom::Start(0))?;
                writeln!(file, "{}", std::process::id())?;
                Ok(OutputLock { _file: file })
            }
            Err(std::fs::TryLockError::WouldBlock) => {
                let mut holder = String::new();
                let _ = file.read_to_string(&mut holder);
                let holder = holder.trim();
                Err(io::Error::new(
                    io::ErrorKind::ResourceBusy,
                    format!(
                        "{} is being written by another pingshen batch (pid {}): wait for it to end, or give another --out",
                        dir.display(),
                        if holder.is_empty() { "unknown" } else { holder }
                    ),
                ))
            }
            Err(std::fs::TryLockError::Error(e)) => {
                Err(io::Error::new(e.kind(), format!("cannot lock {}: {e}", path.display())))
            }
        }
    }
}

/// The pool of a batch: workers that abandon a review once the batch is interrupted.
fn pool_for(isolation: &Isolation, interrupt: Option<&Interrupt>, reviewer: &Reviewer, opts: &Options) -> Pool {
    let isolation = match (isolation, interrupt) {
        (Isolation::Workers(config), Some(i)) => Isolation::Workers(WorkerConfig {
            cancel: Some(i.any()),
            ..config.clone()
        }),
        (other, _) => other.clone(),
    };
    Pool::new(isolation, reviewer.clone(), *opts)
}

/// Fails unless a file can be written in `dir` (a read-only or full folder is found before any
/// package is reviewed).
fn check_writable(dir: &Path) -> io::Result<()> {
    let probe = dir.join(".pingshen-write-check");
    let r = write_atomic(&probe, "pingshen\n");
    let _ = std::fs::remove_file(&probe);
    r.map_err(|e| io::Error::new(e.kind(), format!("cannot write in {}: {e}", dir.display())))
}

/// Removes the temporary files a killed batch may have left (`.<name>.json.tmp<pid>`,
/// `.<name>.html.tmp<pid>`): they were
/// never renamed into place, so no verdict is lost.
fn remove_stale_temp_files(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for e in entries.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        if name.starts_with('.') && (name.contains(".json.tmp") || name.contains(".html.tmp")) {
            let _ = std::fs::remove_file(e.path());
        }
    }
}

/// What the summary keeps of one verdict.
struct Tally {
    path: String,
    sha256: String,
    bytes: u64,
    stage: String,
    verdict: String,
    violated: Vec<String>,
    undetermined: Vec<String>,
}

impl Tally {
    fn of(path: &Path, v: &Verdict) -> Tally {
        let ids = |s: CheckStatus| {
            v.checks
                .iter()
                .filter(|c| c.status == s)
                .map(|c| c.id.clone())
                .collect()
        };
        Tally {
            path: path.display().to_string(),
            sha256: v.package.sha256.clone(),
            bytes: v.package.bytes,
            stage: v.stage.map_or("none".to_string(), |s| s.as_str().to_string()),
            verdict: v.verdict.as_str().to_string(),
            violated: ids(CheckStatus::Violated),
            undetermined: ids(CheckStatus::Undetermined),
        }
    }

    /// Only the path and the verdict (a reply that was not JSON; cannot happen with the formats
    /// a batch asks for).
    fn of_kind(path: &Path, verdict: &str) -> Tally {
        Tally {
            path: path.display().to_string(),
            sha256: String::new(),
            bytes: 0,
            stage: "none".into(),
            verdict: verdict.to_string(),
            violated: Vec::new(),
            undetermined: Vec::new(),
        }
    }

    /// The same from a verdict file already written (for `--resume`).
    fn of_json(path: &Path, v: &serde_json::Value) -> Tally {
        let s = |p: &str| v.pointer(p).and_then(|x| x.as_str()).unwrap_or("").to_string();
        let ids = |status: &str| -> Vec<String> {
            v["checks"]
                .as_array()
                .map(|a| {
                    a.iter()
                        .filter(|c| c["status"] == status)
                        .filter_map(|c| c["id"].as_str().map(str::to_string))
                        .collect()
                })
                .unwrap_or_default()
        };
        let stage = s("/stage");
        Tally {
            path: path.display().to_string(),
            sha256: s("/package/sha256"),
            bytes: v.pointer("/package/bytes").and_then(|b| b.as_u64()).unwrap_or(0),
            stage: if stage.is_empty() { "none".into() } else { stage },
            verdict: s("/verdict"),
            violated: ids("violated"),
            undetermined: ids("undetermined"),
        }
    }
}

#[derive(Default)]
struct Aggregate {
    summary: Summary,
    by_hash: BTreeMap<String, Vec<String>>,
}

impl Aggregate {
    fn add(&mut self, t: Tally) {
        let s = &mut self.summary;
        s.bytes += t.bytes;
        *s.by_verdict.entry(t.verdict.clone()).or_default() += 1;
        *s.by_stage.entry(t.stage).or_default().entry(t.verdict).or_default() += 1;
        for id in t.violated {
            s.failures_by_check.entry(id).or_default().violated += 1;
        }
        for id in t.undetermined {
            s.failures_by_check.entry(id).or_default().undetermined += 1;
        }
        if !t.sha256.is_empty() {
            self.by_hash.entry(t.sha256).or_default().push(t.path);
        }
    }
}

/// Findings that say the review did not finish (the worker failed): such a verdict is reviewed
/// again by `--resume`, since a larger budget or a quieter machine may finish it.
const RETRIED_ON_RESUME: [Code; 3] = [
    Code::PackageTimeout,
    Code::PackageOutOfMemory,
    Code::PackageWorkerCrashed,
];

/// The OCR engine this run reads scans with, as a verdict records it (`ocr`); `None` with
/// `--ocr off` or no engine.
fn ocr_identity(opts: &Options) -> Option<serde_json::Value> {
    if opts.ocr == crate::OcrMode::Off {
        return None;
    }
    crate::ocr::Engine::detect()
        .ok()
        .and_then(|e| serde_json::to_value(e.info()).ok())
}

/// Whether a verdict was made with the OCR this run has: another engine or other models read
/// scans otherwise, so it is another ruleset for `--resume`. A verdict whose scans OCR read
/// names its engine; one with a scan left unread (no engine then, or `--ocr off`) is made again
/// when this run has an engine.
fn same_ocr(v: &serde_json::Value, engine: Option<&serde_json::Value>) -> bool {
    match v.get("ocr") {
        Some(used) => Some(used) == engine,
        None => {
            let for_ocr = [
                crate::extract::DocError::NoTextLayer.to_string(),
                crate::extract::DocError::UnmappedText.to_string(),
            ];
            let unread_scan = v.get("files").and_then(|f| f.as_array()).is_some_and(|fs| {
                fs.iter().any(|f| {
                    f.get("reason")
                        .and_then(|r| r.as_str())
                        .is_some_and(|r| for_ocr.iter().any(|o| o == r))
                })
            });
            !(unread_scan && engine.is_some())
        }
    }
}

/// An existing verdict for `path` in `dir` with the archive's SHA-256, this ruleset and this
/// OCR engine, if any (and if its review finished).
fn resumable(
    verdict_file: &Path,
    archive: &Path,
    ruleset: &str,
    engine: Option<&serde_json::Value>,
) -> Option<serde_json::Value> {
    let text = std::fs::read_to_string(verdict_file).ok()?;
    let v: serde_json::Value = serde_json::from_str(&text).ok()?;
    if v.get("ruleset").and_then(serde_json::Value::as_str) != Some(ruleset) || !same_ocr(&v, engine) {
        return None;
    }
    // A verdict of an older wire format (schema 1: findings without `messages`) is made again,
    // so that one folder holds verdicts of one schema_version, the one its summary names.
    if v.get("schema_version").and_then(serde_json::Value::as_str) != Some(crate::verdict::SCHEMA_VERSION) {
        return None;
    }
    let unfinished = v.get("findings").and_then(|f| f.as_array()).is_some_and(|fs| {
        fs.iter().any(|f| {
            let code = f.get("code").and_then(|c| c.as_str());
            RETRIED_ON_RESUME.iter().any(|c| code == Some(c.as_str()))
        })
    });
    if unfinished {
        return None;
    }
    // Streamed: an archive of any size is hashed in constant memory.
    let (hex, _) = crate::archive::sha256_file(archive).ok()?;
    (v.pointer("/package/sha256").and_then(|s| s.as_str()) == Some(hex.as_str())).then_some(v)
}

/// How a batch runs.
#[derive(Debug, Clone)]
pub struct BatchOptions {
    pub output: Output,
    /// Worker threads (0 = one per core).
    pub jobs: usize,
    /// Skip archives whose verdict is already written with the same SHA-256 and ruleset.
    pub resume: bool,
    /// In-process or in worker processes.
    pub isolation: Isolation,
    /// With [`Output::Dir`]: beside each verdict its HTML report (`<name>.html`), and at the end
    /// `index.html` over the batch.
    pub html: bool,
    /// Set (by a signal handler) to stop the batch: no package is started after it, and one
    /// whose worker is stopped by it gets no verdict file (`--resume` reviews it).
    pub interrupt: Option<Interrupt>,
}

/// The flags signal handlers set, one per signal.
#[derive(Debug, Clone, Default)]
pub struct Interrupt {
    pub sigint: std::sync::Arc<AtomicBool>,
    pub sigterm: std::sync::Arc<AtomicBool>,
    /// Set by either.
    pub any: std::sync::Arc<AtomicBool>,
}

impl Interrupt {
    /// The flag either signal sets (what a worker's supervisor watches).
    pub fn any(&self) -> std::sync::Arc<AtomicBool> {
        self.any.clone()
    }

    /// The signal received, if any (`SIGTERM` first when both came).
    pub fn received(&self) -> Option<&'static str> {
        if self.sigterm.load(Ordering::SeqCst) {
            Some("SIGTERM")
        } else if self.sigint.load(Ordering::SeqCst) {
            Some("SIGINT")
        } else {
            None
        }
    }
}

/// The HTML report's name for a verdict file's name: `x.zip.json` → `x.zip.html`.
pub fn html_name(json_name: &str) -> String {
    format!("{}.html", json_name.strip_suffix(".json").unwrap_or(json_name))
}

/// Writes the HTML report of the verdict `json` (a verdict file's text) to `path`, unless the
/// file already holds exactly that report: a resumed verdict gets its report when it is missing,
/// or when it was left from another verdict (a run without `--html` reviewed the package again).
fn write_html(path: &Path, json: &str) -> io::Result<()> {
    let page = crate::report::html_from_json(json)
        .map_err(|e| io::Error::new(io::ErrorKind::InvalidData, format!("verdict not readable: {e}")))?;
    if std::fs::read(path).is_ok_and(|old| old == page.as_bytes()) {
        return Ok(());
    }
    write_atomic(path, &page)
}

/// Writes `DIR/index.html` over the verdict files `names` of `inputs` (in input order): each is
/// read back one at a time, so memory holds a row per package and the statistics' counters.
pub fn write_index(dir: &Path, inputs: &[PathBuf], names: &[String]) -> io::Result<()> {
    use crate::report::IndexEntry;
    let mut stats = crate::stats::StatsBuilder::default();
    let mut entries = Vec::with_capacity(names.len());
    for (path, name) in inputs.iter().zip(names) {
        let mut entry = IndexEntry {
            package: path.display().to_string(),
            json: name.clone(),
            html: html_name(name),
            verdict: None,
            stage: None,
            project: None,
        };
        let text = std::fs::read_to_string(dir.join(name));
        match text.map(|t| serde_json::from_str::<serde_json::Value>(&t)) {
            Ok(Ok(v)) => {
                let s = |p: &str| v.pointer(p).and_then(serde_json::Value::as_str).map(str::to_string);
                entry.verdict = s("/verdict").as_deref().and_then(crate::verdict::VerdictKind::parse);
                entry.stage = s("/stage");
                entry.project = s("/project/name");
                stats.add(name.clone(), &v);
            }
            Ok(Err(e)) => stats.skip(name.clone(), format!("not JSON: {e}")),
            Err(e) => stats.skip(name.clone(), format!("cannot read: {e}")),
        }
        entries.push(entry);
    }
    let page = crate::report::index_html(&entries, &stats.finish());
    write_atomic(&dir.join("index.html"), &page)
}

/// One package done, as [`run`] and [`run_stdin_jsonl`] report it.
#[derive(Debug, Clone, Copy)]
pub struct Progress<'a> {
    /// Packages done so far, this one included.
    pub done: usize,
    /// The package's path, as given.
    pub path: &'a str,
    /// Its stage and verdict, as wire ids (`-` for no stage).
    pub stage: &'a str,
    pub verdict: &'a str,
}

/// Reviews `inputs`. `progress` is called after each package.
pub fn run(
    inputs: &[PathBuf],
    reviewer: &Reviewer,
    opts: &Options,
    batch: &BatchOptions,
    progress: &(dyn Fn(Progress) + Sync),
) -> io::Result<Summary> {
    let start = Instant::now();
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(batch.jobs)
        .build()
        .map_err(|e| io::Error::other(e.to_string()))?;
    let agg = Mutex::new(Aggregate::default());
    let done = AtomicUsize::new(0);
    let resumed = AtomicUsize::new(0);
    let ruleset = reviewer.ruleset();
    let engine = if batch.resume { ocr_identity(opts) } else { None };
    let record = |t: Tally| {
        progress(Progress {
            done: done.fetch_add(1, Ordering::Relaxed) + 1,
            path: &t.path,
            stage: &t.stage,
            verdict: &t.verdict,
        });
        if let Ok(mut a) = agg.lock() {
            a.add(t);
        }
    };
    let mut write_errors = Vec::new();
    let interrupted = || batch.interrupt.as_ref().and_then(Interrupt::received);
    let engines = pool_for(&batch.isolation, batch.interrupt.as_ref(), reviewer, opts);
    // A write error or a signal stops the batch from starting packages.
    let halt = AtomicBool::new(false);
    let not_reviewed = AtomicUsize::new(0);
    let _lock;
    match &batch.output {
        Output::Dir(dir) => {
            std::fs::create_dir_all(dir).map_err(|e| io::Error::new(e.kind(), format!("{}: {e}", dir.display())))?;
            _lock = OutputLock::acquire(dir)?;
            check_writable(dir)?;
            // Only under the lock: no other run's temp files can be live.
            remove_stale_temp_files(dir);
            let names = output_names(inputs);
            let errors = Mutex::new(Vec::new());
            pool.install(|| {
                inputs.par_iter().zip(names.par_iter()).for_each(|(path, name)| {
                    if halt.load(Ordering::SeqCst) || interrupted().is_some() {
                        not_reviewed.fetch_add(1, Ordering::Relaxed);
                        return;
                    }
                    let target = dir.join(name);
                    let html_target = dir.join(html_name(name));
                    let failed = |at: &Path, e: io::Error| {
                        halt.store(true, Ordering::SeqCst);
                        if let Ok(mut errs) = errors.lock() {
                            errs.push((at.display().to_string(), e.to_string()));
                        }
                    };
                    if batch.resume {
                        if let Some(old) = resumable(&target, path, &ruleset, engine.as_ref()) {
                            if batch.html {
                                let written =
                                    std::fs::read_to_string(&target).and_then(|json| write_html(&html_target, &json));
                                if let Err(e) = written {
                                    failed(&html_target, e);
                                }
                            }
                            resumed.fetch_add(1, Ordering::Relaxed);
                            record(Tally::of_json(path, &old));
                            return;
                        }
                    }
                    let (text, tally, worker_failed) = review_checked(&engines, path, Format::Pretty);
                    if worker_failed && interrupted().is_some() {
                        // Stopped by the signal, not by the package: no verdict, --resume
                        // reviews it.
                        not_reviewed.fetch_add(1, Ordering::Relaxed);
                        return;
                    }
                    match write_atomic(&target, &text) {
                        Err(e) => failed(&target, e),
                        // The report is made here from the verdict the worker sent, so it is
                        // the same page `check --format html` prints.
                        Ok(()) if batch.html => {
                            if let Err(e) = write_html(&html_target, &text) {
                                failed(&html_target, e);
                            }
                        }
                        Ok(()) => {}
                    }
                    record(tally);
                });
            });
            write_errors = errors.into_inner().unwrap_or_default();
            if batch.html {
                if let Err(e) = write_index(dir, inputs, &names) {
                    write_errors.push((dir.join("index.html").display().to_string(), e.to_string()));
                }
            }
        }
        Output::JsonLines => {
            // Ordered output with bounded memory: chunks are reviewed in parallel and printed in
            // input order.
            let chunk = (pool.current_num_threads() * 8).max(16);
            for part in inputs.chunks(chunk) {
                if interrupted().is_some() {
                    not_reviewed.fetch_add(part.len(), Ordering::Relaxed);
                    continue;
                }
                let abandoned = review_chunk_to_stdout(&pool, part, &engines, &record, batch.interrupt.as_ref())?;
                not_reviewed.fetch_add(abandoned, Ordering::Relaxed);
            }
        }
    }
    let mut summary = finish_summary(agg, start, resumed.load(Ordering::Relaxed), write_errors, reviewer);
    summary.not_reviewed = not_reviewed.load(Ordering::Relaxed);
    summary.interrupted_by = interrupted().map(str::to_string);
    Ok(summary)
}

/// Reviews a chunk in parallel and prints its lines in input order; a package whose review
/// was abandoned because the run was interrupted prints nothing. Returns how many were.
fn review_chunk_to_stdout(
    pool: &rayon::ThreadPool,
    part: &[PathBuf],
    engines: &Pool,
    record: &(dyn Fn(Tally) + Sync),
    interrupt: Option<&Interrupt>,
) -> io::Result<usize> {
    let lines: Vec<(String, Tally, bool)> = pool.install(|| {
        part.par_iter()
            .map(|p| review_checked(engines, p, Format::Line))
            .collect()
    });
    let stdout = io::stdout();
    let mut lock = stdout.lock();
    let mut abandoned = 0;
    for ((line, tally, failed), path) in lines.into_iter().zip(part) {
        if failed && interrupt.and_then(Interrupt::received).is_some() {
            abandoned += 1;
            continue;
        }
        lock.write_all(with_input(&line, path).as_bytes())?;
        record(tally);
    }
    lock.flush()?;
    Ok(abandoned)
}

/// A verdict line with the archive's path as it was given (`"input"`, first), so a pipeline
/// can tell which line answers which of its paths.
fn with_input(line: &str, path: &Path) -> String {
    let input = serde_json::to_string(&path.to_string_lossy()).unwrap_or_else(|_| "\"\"".into());
    match line.strip_prefix('{') {
        Some(rest) => format!("{{\"input\":{input},{rest}"),
        None => line.to_string(),
    }
}

/// `--jsonl` over paths read from `input` (one per line, as a pipeline feeds them): reviewed in
/// parallel chunks as they arrive, printed in input order.
pub fn run_stdin_jsonl(
    input: &mut dyn BufRead,
    reviewer: &Reviewer,
    opts: &Options,
    jobs: usize,
    isolation: &Isolation,
    interrupt: Option<&Interrupt>,
    progress: &(dyn Fn(Progress) + Sync),
) -> io::Result<Summary> {
    let start = Instant::now();
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(jobs)
        .build()
        .map_err(|e| io::Error::other(e.to_string()))?;
    let agg = Mutex::new(Aggregate::default());
    let done = AtomicUsize::new(0);
    let record = |t: Tally| {
        progress(Progress {
            done: done.fetch_add(1, Ordering::Relaxed) + 1,
            path: &t.path,
            stage: &t.stage,
            verdict: &t.verdict,
        });
        if let Ok(mut a) = agg.lock() {
            a.add(t);
        }
    };
    let engines = pool_for(isolation, interrupt, reviewer, opts);
    let interrupted = || interrupt.and_then(Interrupt::received);
    let chunk = (pool.current_num_threads() * 8).max(16);
    let mut part = Vec::with_capacity(chunk);
    let mut not_reviewed = 0;
    for line in input.lines() {
        if interrupted().is_some() {
            break;
        }
        let line = line?;
        let p = line.trim();
        if p.is_empty() {
            continue;
        }
        part.push(PathBuf::from(p));
        if part.len() == chunk {
            not_reviewed += review_chunk_to_stdout(&pool, &part, &engines, &record, interrupt)?;
            part.clear();
        }
    }
    if !part.is_empty() {
        if interrupted().is_some() {
            not_reviewed += part.len();
        } else {
            not_reviewed += review_chunk_to_stdout(&pool, &part, &engines, &record, interrupt)?;
        }
    }
    let mut summary = finish_summary(agg, start, 0, Vec::new(), reviewer);
    summary.not_reviewed = not_reviewed;
    summary.interrupted_by = interrupted().map(str::to_string);
    Ok(summary)
}

fn finish_summary(
    agg: Mutex<Aggregate>,
    start: Instant,
    resumed: usize,
    write_errors: Vec<(String, String)>,
    reviewer: &Reviewer,
) -> Summary {
    let Aggregate { mut summary, by_hash } = agg.into_inner().unwrap_or_default();
    summary.schema_version = crate::verdict::SCHEMA_VERSION;
    summary.ruleset = reviewer.ruleset();
    summary.packages = summary.by_verdict.values().sum();
    summary.resumed = resumed;
    summary.seconds = start.elapsed().as_secs_f64();
    // Packages reviewed in this run: those resumed cost nothing and are not speed.
    summary.packages_per_second = summary.packages.saturating_sub(resumed) as f64 / summary.seconds.max(1e-9);
    summary.mb_per_second = summary.bytes as f64 / 1e6 / summary.seconds.max(1e-9);
    summary.duplicates = by_hash
        .into_values()
        .filter(|g| g.len() > 1)
        .map(|mut g| {
            g.sort();
            g
        })
        .collect();
    summary.duplicates.sort();
    summary.write_errors = write_errors;
    summary
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn duplicate_file_names_get_numbered_outputs() {
        let names = output_names(&[
            PathBuf::from("a/x.zip"),
            PathBuf::from("b/x.zip"),
            PathBuf::from("b/y.zip"),
        ]);
        assert_eq!(names, ["x.zip.json", "x.zip.2.json", "y.zip.json"]);
    }
}
