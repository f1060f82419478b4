//! Worker processes: the isolation that care inside one process cannot give.
//!
//! Some faults cannot be caught where they happen: an allocation failure aborts the process, a
//! parser can loop, a deep recursion overflows the stack. So `batch` and `check` review each
//! package in a worker process — the same binary, started as `pingshen worker` — and only
//! supervise: a worker is long-lived and fed one package at a time over its stdin; it answers on
//! its stdout. A package gets a time budget ([`WorkerConfig::timeout`]) and each worker a memory
//! ceiling (`setrlimit(RLIMIT_AS)`, [`WorkerConfig::max_memory`]). A worker that dies, hangs or
//! runs out of memory is killed and replaced; its package gets verdict `error` with finding
//! `package.worker_crashed`, `package.timeout` or `package.out_of_memory`, and every other
//! package still gets its verdict.
//!
//! The protocol is private to one binary and versionless: a request is one line
//! `<format> <hex of the path's bytes>[ <stage>]\n` (the stage, when given, overrides the
//! worker's own `--stage` for this package: `pingshen serve` takes it per request); a reply is
//! `<verdict> <length>\n` followed by `length` bytes of the rendered verdict (pretty JSON, a JSON
//! line, the text report or the HTML report).

use std::ffi::OsString;
use std::io::{self, BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, ExitStatus, Stdio};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::thread::JoinHandle;
use std::time::Duration;

use crate::finding::{Code, Finding};
use crate::report::Style;
use crate::schema::StageId;
use crate::verdict::{Verdict, VerdictKind};
use crate::{Options, Reviewer};

/// How a reply is rendered by the worker (the supervisor only copies it out).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// [`crate::to_json`]: a verdict file.
    Pretty,
    /// [`crate::to_json_line`]: one line of `--jsonl`.
    Line,
    /// [`crate::report::render`]: compact or all, with or without colour.
    Text(crate::report::Style),
    /// [`crate::report::html`]: the report as one self-contained HTML page.
    Html,
}

impl Format {
    /// The format's word in the worker protocol: `pretty`, `line`, `html`, or `text` with
    /// `-all` and `-color` as its style asks.
    fn token(self) -> String {
        match self {
            Format::Pretty => "pretty".into(),
            Format::Line => "line".into(),
            Format::Text(Style { color, all }) => {
                format!(
                    "text{}{}",
                    if all { "-all" } else { "" },
                    if color { "-color" } else { "" }
                )
            }
            Format::Html => "html".into(),
        }
    }

    fn parse(token: &str) -> Option<Format> {
        Some(match token {
            "pretty" => Format::Pretty,
            "line" => Format::Line,
            "html" => Format::Html,
            _ => {
                let rest = token.strip_prefix("text")?;
                let (all, rest) = rest.strip_prefix("-all").map_or((false, rest), |r| (true, r));
                let (color, rest) = rest.strip_prefix("-color").map_or((false, rest), |r| (true, r));
                if !rest.is_empty() {
                    return None;
                }
                Format::Text(Style { color, all })
            }
        })
    }

    /// Renders a verdict as this format asks.
    pub fn render(self, v: &Verdict) -> String {
        match self {
            Format::Pretty => crate::to_json(v),
            Format::Line => crate::to_json_line(v),
            Format::Text(style) => crate::report::render(v, style),
            Format::Html => crate::report::html(v),
        }
    }
}

/// A rendered verdict.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reply {
    pub verdict: VerdictKind,
    pub body: String,
}

/// How to start workers.
#[derive(Debug, Clone)]
pub struct WorkerConfig {
    /// The `pingshen` binary (normally `std::env::current_exe()`).
    pub exe: PathBuf,
    /// Arguments after `worker` that make its reviewer the supervisor's (`--stage`, `--schemas`,
    /// `--reference`).
    pub args: Vec<OsString>,
    /// The time budget of one package, from the request to the reply.
    pub timeout: Duration,
    /// The address-space ceiling of a worker, in bytes (`None`: no ceiling).
    pub max_memory: Option<u64>,
    /// When set (a batch was interrupted), a review still running is given [`CANCEL_GRACE`]
    /// to finish, then its worker is stopped and the review fails with [`Failure::Cancelled`].
    pub cancel: Option<std::sync::Arc<std::sync::atomic::AtomicBool>>,
}

/// How long a running review may still take once its batch is interrupted.
pub const CANCEL_GRACE: Duration = Duration::from_secs(1);

/// Why a worker gave no verdict.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Failure {
    /// It did not answer within the time budget; it was killed.
    Timeout(Duration),
    /// It died after failing to allocate (the memory ceiling or the machine's memory).
    OutOfMemory(String),
    /// It died otherwise (abort, signal, stack overflow), or could not be started or spoken to.
    Crashed(String),
    /// Its review was abandoned: the run was interrupted ([`WorkerConfig::cancel`]).
    Cancelled,
}

impl Failure {
    /// The finding this failure gives the package.
    pub fn finding(&self) -> Finding {
        match self {
            Failure::Timeout(t) => Finding::new(
                Code::PackageTimeout,
                format!(
                    "审查用时超过时间预算 {} 秒（--timeout），审查进程已被停止",
                    t.as_secs_f64()
                ),
                format!(
                    "the review took longer than the time budget of {} s (--timeout); the worker was stopped",
                    t.as_secs_f64()
                ),
            ),
            Failure::OutOfMemory(why) => Finding::new(
                Code::PackageOutOfMemory,
                "审查进程内存不足（--max-memory），已由新的审查进程替换",
                format!("the worker ran out of memory (--max-memory): {why}"),
            ),
            Failure::Crashed(why) => Finding::new(
                Code::PackageWorkerCrashed,
                format!("审查进程{}", crash_zh(why)),
                format!("the worker died: {why}"),
            ),
            Failure::Cancelled => Finding::new(
                Code::PackageWorkerCrashed,
                "审查已放弃：本次运行被中断",
                "the review was abandoned: the run was interrupted",
            ),
        }
    }
}

/// How a worker died, in the reviewer's words, from the English account [`classify`] and
/// [`WorkerPool`](crate::pool) give of it.
fn crash_zh(why: &str) -> String {
    if why.starts_with("cannot start") {
        return "无法启动".to_string();
    }
    if why == "no worker" || why.contains("poisoned") {
        return "不可用".to_string();
    }
    let how = if why.contains("stack overflow") || why.contains("overflowed its stack") {
        "栈溢出".to_string()
    } else if why.contains("panicked at") {
        "内部出错".to_string()
    } else if let Some(sig) = why
        .strip_prefix("killed by signal ")
        .and_then(|rest| rest.split(|c: char| !c.is_ascii_digit()).next())
        .filter(|n| !n.is_empty())
    {
        format!("被信号 {sig} 终止")
    } else if let Some(code) = why
        .strip_prefix("exited with status ")
        .and_then(|rest| rest.split_whitespace().next())
    {
        format!("以状态码 {code} 退出")
    } else {
        "以未知方式终止".to_string()
    };
    format!("在给出结论前{how}，已由新的审查进程替换")
}

/// The error verdict of a package whose worker failed: identified by name, size and SHA-256
/// (read here, streaming), with the failure's finding.
pub fn failure_verdict(path: &Path, failure: &Failure, reviewer: &Reviewer) -> Verdict {
    let name = path.file_name().map(crate::name_of).unwrap_or_default();
    let mut v = crate::empty_verdict(&name, &[], reviewer);
    match crate::archive::sha256_file(path) {
        Ok((hex, len)) => {
            v.package.sha256 = hex;
            v.package.bytes = len;
        }
        Err(_) => v.package.sha256 = String::new(),
    }
    v.findings.push(failure.finding());
    crate::finish(v, false)
}

/// One supervised worker process, started on first use and replaced after a failure.
pub struct Worker {
    config: WorkerConfig,
    running: Option<Running>,
}

struct Running {
    child: Child,
    stdin: ChildStdin,
    replies: Receiver<io::Result<Reply>>,
    stderr: Option<JoinHandle<String>>,
}

impl Worker {
    pub fn new(config: WorkerConfig) -> Worker {
        Worker { config, running: None }
    }

    fn start(&self) -> io::Result<Running> {
        let mut cmd = Command::new(&self.config.exe);
        cmd.arg("worker").args(&self.config.args);
        cmd.env(SUPERVISOR_VAR, std::process::id().to_string());
        if let Some(bytes) = self.config.max_memory {
            cmd.arg("--max-memory").arg(bytes.to_string());
            // The binary's allocator (mimalloc) reserves address space 1 GiB at a time; under an
            // address-space ceiling that reservation alone would exhaust it. Smaller steps keep
            // the ceiling a measure of memory actually used.
            cmd.env("MIMALLOC_ARENA_RESERVE", "32MiB");
        }
        let mut child = cmd
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()?;
        let (Some(stdin), Some(stdout), Some(stderr)) = (child.stdin.take(), child.stdout.take(), child.stderr.take())
        else {
            let _ = child.kill();
            let _ = child.wait();
            return Err(io::Error::other("worker started without pipes"));
        };
        let (tx, replies) = mpsc::channel();
        std::thread::spawn(move || {
            let mut r = BufReader::new(stdout);
            loop {
                let reply = read_reply(&mut r);
                let end = reply.is_err();
                if tx.send(reply).is_err() || end {
                    break;
                }
            }
        });
        let stderr = std::thread::spawn(move || tail(stderr, 4096));
        Ok(Running {
            child,
            stdin,
            replies,
            stderr: Some(stderr),
        })
    }

    /// Reviews the package at `path` in the worker; `Err` when the worker failed on it (it is
    /// then stopped, and the next call starts a new one).
    pub fn review(&mut self, path: &Path, format: Format) -> Result<Reply, Failure> {
        self.review_as(path, format, None)
    }

    /// [`Worker::review`] with the stage of this package given (as `--stage` would), overriding
    /// the worker's own.
    pub fn review_as(&mut self, path: &Path, format: Format, stage: Option<StageId>) -> Result<Reply, Failure> {
        self.ensure_started()?;
        let request = match stage {
            Some(s) => format!("{} {} {}\n", format.token(), hex_path(path), s.as_str()),
            None => format!("{} {}\n", format.token(), hex_path(path)),
        };
        self.exchange(request)
    }

    /// Starts the worker process if none runs (a service starts its workers before it says it
    /// is ready).
    pub fn ensure_started(&mut self) -> Result<(), Failure> {
        if self.running.is_none() {
            self.running = Some(
                self.start()
                    .map_err(|e| Failure::Crashed(format!("cannot start {}: {e}", self.config.exe.display())))?,
            );
        }
        Ok(())
    }

    /// Sends one request and waits for its reply within the time budget.
    fn exchange(&mut self, request: String) -> Result<Reply, Failure> {
        let Some(run) = self.running.as_mut() else {
            return Err(Failure::Crashed("no worker".into()));
        };
        let sent = run.stdin.write_all(request.as_bytes()).and_then(|_| run.stdin.flush());
        let outcome = match sent {
            Err(_) => Err(None),
            Ok(()) => await_reply(&run.replies, self.config.timeout, self.config.cancel.as_deref()),
        };
        match outcome {
            Ok(reply) => Ok(reply),
            Err(failure) => {
                let (status, stderr) = self.stop();
                Err(failure.unwrap_or_else(|| classify(status, &stderr)))
            }
        }
    }

    /// Kills the worker (if it still runs) and returns how it ended and the end of its stderr.
    fn stop(&mut self) -> (Option<ExitStatus>, String) {
        let Some(mut run) = self.running.take() else {
            return (None, String::new());
        };
        drop(run.stdin);
        let status = match run.child.try_wait() {
            Ok(Some(s)) => Some(s),
            _ => {
                // Give a dying worker a moment to finish its own exit before killing it, so an
                // abort is told from a hang.
                std::thread::sleep(Duration::from_millis(20));
                match run.child.try_wait() {
                    Ok(Some(s)) => Some(s),
                    _ => {
                        let _ = run.child.kill();
                        run.child.wait().ok()
                    }
                }
            }
        };
        let stderr = run.stderr.take().and_then(|h| h.join().ok()).unwrap_or_default();
        (status, stderr)
    }
}

impl Drop for Worker {
    fn drop(&mut self) {
        if let Some(mut run) = self.running.take() {
            // Closing stdin ends a healthy worker's loop; one that does not end is killed.
            drop(run.stdin);
            let deadline = std::time::Instant::now() + Duration::from_millis(500);
            loop {
                match run.child.try_wait() {
                    Ok(Some(_)) => break,
                    Ok(None) if std::time::Instant::now() < deadline => std::thread::sleep(Duration::from_millis(5)),
                    _ => {
                        let _ = run.child.kill();
                        let _ = run.child.wait();
                        break;
                    }
                }
            }
        }
    }
}

/// Waits for the worker's reply within `timeout`; once `cancel` is set, within
/// [`CANCEL_GRACE`] more. `Err(None)`: the worker died or spoke nonsense.
fn await_reply(
    replies: &Receiver<io::Result<Reply>>,
    timeout: Duration,
    cancel: Option<&std::sync::atomic::AtomicBool>,
) -> Result<Reply, Option<Failure>> {
    let started = std::time::Instant::now();
    let mut cancelled_at: Option<std::time::Instant> = None;
    loop {
        let mut deadline = started + timeout;
        if let Some(at) = cancelled_at {
            deadline = deadline.min(at + CANCEL_GRACE);
        }
        let now = std::time::Instant::now();
        let wait = deadline.saturating_duration_since(now);
        // Without a cancel flag one wait covers the budget; with one, it is looked at often.
        let slice = if cancel.is_some() {
            wait.min(Duration::from_millis(50))
        } else {
            wait
        };
        match replies.recv_timeout(slice) {
            Ok(Ok(reply)) => return Ok(reply),
            Ok(Err(_)) | Err(RecvTimeoutError::Disconnected) => return Err(None),
            Err(RecvTimeoutError::Timeout) => {}
        }
        let now = std::time::Instant::now();
        if cancelled_at.is_none() && cancel.is_some_and(|c| c.load(std::sync::atomic::Ordering::SeqCst)) {
            cancelled_at = Some(now);
        }
        if cancelled_at.is_some_and(|at| now >= at + CANCEL_GRACE) {
            return Err(Some(Failure::Cancelled));
        }
        if now >= started + timeout {
            return Err(Some(Failure::Timeout(timeout)));
        }
    }
}

/// Tells an out-of-memory death from other crashes by what the process said last.
fn classify(status: Option<ExitStatus>, stderr: &str) -> Failure {
    let how = match status {
        Some(s) => describe(s),
        None => "it ended in an unknown way".to_string(),
    };
    let oom = ["memory allocation of", "out of memory", "Cannot allocate memory"]
        .iter()
        .any(|m| stderr.contains(m));
    let said = last_words(stderr);
    let why = if said.is_empty() {
        how
    } else {
        format!("{how}; it said: {said}")
    };
    if oom {
        Failure::OutOfMemory(why)
    } else {
        Failure::Crashed(why)
    }
}

/// The telling part of a dying process's stderr: the panic message or the runtime's last
/// complaint, not the backtrace hints after it; at most 300 characters.
fn last_words(stderr: &str) -> String {
    let lines: Vec<&str> = stderr.lines().map(str::trim).filter(|l| !l.is_empty()).collect();
    let telling = [
        "memory allocation of",
        "panicked at",
        "overflowed its stack",
        "fatal runtime error",
    ];
    let picked = match lines.iter().rposition(|l| telling.iter().any(|t| l.contains(t))) {
        Some(i) if lines.get(i).is_some_and(|l| l.contains("panicked at")) => {
            lines.get(i..(i + 2).min(lines.len())).unwrap_or_default().join(" ")
        }
        Some(i) => lines.get(i).copied().unwrap_or_default().to_string(),
        None => lines
            .iter()
            .rev()
            .find(|l| !l.starts_with("note:") && !l.starts_with("stack backtrace"))
            .copied()
            .unwrap_or_default()
            .to_string(),
    };
    // The thread's id changes from run to run; the verdict must not.
    static TID: std::sync::LazyLock<Option<regex::Regex>> =
        std::sync::LazyLock::new(|| regex::Regex::new(r"(thread '[^']*') \(\d+\)").ok());
    let picked = match TID.as_ref() {
        Some(re) => re.replace_all(&picked, "$1").into_owned(),
        None => picked,
    };
    picked.chars().take(300).collect()
}

fn describe(s: ExitStatus) -> String {
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt;
        if let Some(sig) = s.signal() {
            let name = match sig {
                6 => " (SIGABRT)",
                9 => " (SIGKILL)",
                11 => " (SIGSEGV)",
                7 => " (SIGBUS)",
                _ => "",
            };
            return format!("killed by signal {sig}{name}");
        }
    }
    match s.code() {
        Some(c) => format!("exited with status {c} before answering"),
        None => "ended without a status".to_string(),
    }
}

/// The last `keep` bytes of a stream, read to its end.
fn tail(mut r: impl Read, keep: usize) -> String {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    loop {
        match r.read(&mut chunk) {
            Ok(0) | Err(_) => break,
            Ok(n) => {
                buf.extend_from_slice(chunk.get(..n).unwrap_or_default());
                if buf.len() > 2 * keep {
                    let cut = buf.len() - keep;
                    buf.drain(..cut);
                }
            }
        }
    }
    if buf.len() > keep {
        let cut = buf.len() - keep;
        buf.drain(..cut);
    }
    String::from_utf8_lossy(&buf).into_owned()
}

/// The path's bytes as hex (paths need not be UTF-8).
fn hex_path(path: &Path) -> String {
    let bytes = path_bytes(path);
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        use std::fmt::Write as _;
        let _ = write!(s, "{b:02x}");
    }
    s
}

#[cfg(unix)]
fn path_bytes(path: &Path) -> Vec<u8> {
    use std::os::unix::ffi::OsStrExt;
    path.as_os_str().as_bytes().to_vec()
}

#[cfg(not(unix))]
fn path_bytes(path: &Path) -> Vec<u8> {
    path.to_string_lossy().as_bytes().to_vec()
}

fn unhex_path(hex: &str) -> Option<PathBuf> {
    let digits = hex.as_bytes();
    if !digits.len().is_multiple_of(2) {
        return None;
    }
    let mut bytes = Vec::with_capacity(digits.len() / 2);
    for pair in digits.chunks(2) {
        let s = std::str::from_utf8(pair).ok()?;
        bytes.push(u8::from_str_radix(s, 16).ok()?);
    }
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStringExt;
        Some(PathBuf::from(OsString::from_vec(bytes)))
    }
    #[cfg(not(unix))]
    {
        Some(PathBuf::from(String::from_utf8_lossy(&bytes).into_owned()))
    }
}

fn read_reply(r: &mut impl BufRead) -> io::Result<Reply> {
    let mut header = String::new();
    if r.read_line(&mut header)? == 0 {
        return Err(io::Error::new(io::ErrorKind::UnexpectedEof, "worker closed its output"));
    }
    let bad = || io::Error::new(io::ErrorKind::InvalidData, format!("bad reply header {header:?}"));
    let mut parts = header.trim_end().splitn(2, ' ');
    let verdict = parts.next().and_then(VerdictKind::parse).ok_or_else(bad)?;
    let len: usize = parts.next().and_then(|n| n.parse().ok()).ok_or_else(bad)?;
    let mut body = vec![0u8; len];
    r.read_exact(&mut body)?;
    let body = String::from_utf8(body).map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))?;
    Ok(Reply { verdict, body })
}

/// Faults a worker can be told to simulate, for testing the supervisor: `PINGSHEN_WORKER_FAULT`
/// holds `kind=needle` pairs separated by `;` (kinds `hang`, `abort`, `oom`, `panic`), and the
/// fault happens when a package's file name contains the needle. Unset in normal use.
#[derive(Debug, Default, Clone)]
pub struct Faults(Vec<(String, String)>);

impl Faults {
    pub const VAR: &'static str = "PINGSHEN_WORKER_FAULT";

    pub fn from_env() -> Faults {
        let Some(spec) = std::env::var_os(Self::VAR) else {
            return Faults::default();
        };
        Faults(
            spec.to_string_lossy()
                .split(';')
                .filter_map(|p| p.split_once('='))
                .map(|(k, n)| (k.trim().to_string(), n.to_string()))
                .filter(|(_, n)| !n.is_empty())
                .collect(),
        )
    }

    fn trigger(&self, path: &Path) {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        for (kind, needle) in &self.0 {
            if !name.contains(needle.as_str()) {
                continue;
            }
            match kind.as_str() {
                "hang" => loop {
                    std::thread::sleep(Duration::from_secs(3600));
                },
                "abort" => std::process::abort(),
                "oom" => {
                    // A real allocation failure: far past any ceiling, so the allocator refuses it
                    // and the process aborts as it would on a hostile file.
                    let v = vec![1u8; usize::MAX / 4];
                    std::hint::black_box(&v);
                }
                "panic" => panic!("fault injected by {}", Self::VAR),
                _ => {}
            }
        }
    }
}

/// The variable through which a supervisor tells its worker its own process id.
pub const SUPERVISOR_VAR: &str = "PINGSHEN_SUPERVISOR";

/// Ends this process when its supervisor is gone (killed with SIGKILL, say): a worker busy with
/// a hanging package would otherwise outlive it. The supervisor's id comes from
/// [`SUPERVISOR_VAR`], not from the parent at the time of this call: a supervisor killed between
/// the worker's start and this call has already left the worker to another parent, and that
/// parent would be watched forever. Checks at once, then every half second.
pub fn exit_with_parent() {
    #[cfg(unix)]
    {
        let supervisor = std::env::var(SUPERVISOR_VAR)
            .ok()
            .and_then(|v| v.parse::<u32>().ok())
            .unwrap_or_else(std::os::unix::process::parent_id);
        if std::os::unix::process::parent_id() != supervisor {
            std::process::exit(3);
        }
        let _ = std::thread::Builder::new()
            .name("parent-watch".into())
            .stack_size(64 << 10)
            .spawn(move || loop {
                std::thread::sleep(Duration::from_millis(500));
                if std::os::unix::process::parent_id() != supervisor {
                    std::process::exit(3);
                }
            });
    }
}

/// Applies the memory ceiling to this process (the worker calls it first thing).
pub fn limit_memory(bytes: u64) -> io::Result<()> {
    rlimit::setrlimit(rlimit::Resource::AS, bytes, bytes)
}

/// The worker's loop: reads requests from `input` until it ends, reviews each package, writes
/// each reply to `output`. A panic inside a review gives an `error` verdict (as in-process); what
/// cannot be caught ends the process, and the supervisor reports it.
pub fn serve(
    input: &mut impl BufRead,
    output: &mut impl Write,
    reviewer: &Reviewer,
    opts: &Options,
    faults: &Faults,
) -> io::Result<()> {
    let mut line = String::new();
    loop {
        line.clear();
        if input.read_line(&mut line)? == 0 {
            return Ok(());
        }
        let mut parts = line.trim_end().split(' ');
        let format = parts.next().and_then(Format::parse);
        let path = parts.next().and_then(unhex_path);
        let stage = match parts.next() {
            None => Some(opts.stage),
            Some(s) => StageId::parse(s).map(Some),
        };
        let (Some(format), Some(path), Some(stage), None) = (format, path, stage, parts.next()) else {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                format!("bad request {:?}", line.trim_end()),
            ));
        };
        faults.trigger(&path);
        let opts = Options { stage, ..*opts };
        let v = crate::review_path(&path, reviewer, &opts);
        let body = format.render(&v);
        writeln!(output, "{} {}", v.verdict.as_str(), body.len())?;
        output.write_all(body.as_bytes())?;
        output.flush()?;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_format_survives_its_token() {
        for f in [
            Format::Pretty,
            Format::Line,
            Format::Text(Style {
                color: false,
                all: false,
            }),
            Format::Text(Style {
                color: true,
                all: false,
            }),
            Format::Text(Style {
                color: false,
                all: true,
            }),
            Format::Text(Style { color: true, all: true }),
            Format::Html,
        ] {
            assert_eq!(Format::parse(&f.token()), Some(f));
        }
        assert_eq!(Format::Text(Style { color: true, all: true }).token(), "text-all-color");
        for bad in ["text-color-all", "textx", "text-", "texts", ""] {
            assert_eq!(Format::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn paths_survive_the_hex_round_trip() {
        for p in ["a/b.zip", "/tmp/项目 材料.zip", ""] {
            assert_eq!(unhex_path(&hex_path(Path::new(p))), Some(PathBuf::from(p)));
        }
        assert_eq!(unhex_path("abc"), None);
        assert_eq!(unhex_path("zz"), None);
    }

    #[test]
    fn a_death_is_told_in_chinese() {
        for (why, zh) in [
            (
                "killed by signal 9 (SIGKILL)",
                "审查进程在给出结论前被信号 9 终止，已由新的审查进程替换",
            ),
            (
                "exited with status 101 before answering; it said: thread 'main' panicked at src/x.rs:1:2: boom",
                "审查进程在给出结论前内部出错，已由新的审查进程替换",
            ),
            (
                "killed by signal 6 (SIGABRT); it said: fatal runtime error: stack overflow",
                "审查进程在给出结论前栈溢出，已由新的审查进程替换",
            ),
            (
                "exited with status 3 before answering",
                "审查进程在给出结论前以状态码 3 退出，已由新的审查进程替换",
            ),
            ("cannot start /bin/x: No such file or directory", "审查进程无法启动"),
        ] {
            let f = Failure::Crashed(why.to_string()).finding();
            assert_eq!(f.messages.zh, zh);
            assert_eq!(f.message, format!("the worker died: {why}"));
        }
    }

    #[test]
    fn an_allocation_failure_message_is_out_of_memory() {
        let f = classify(None, "memory allocation of 8589934592 bytes failed\n");
        assert!(
            matches!(f, Failure::OutOfMemory(ref s) if s.contains("8589934592")),
            "{f:?}"
        );
        let f = classify(
            None,
            "thread 'main' has overflowed its stack\nfatal runtime error: stack overflow\n",
        );
        assert!(
            matches!(f, Failure::Crashed(ref s) if s.contains("stack overflow")),
            "{f:?}"
        );
        let f = classify(
            None,
            "thread 'main' (4242) panicked at src/x.rs:1:2:\nboom\nnote: run with `RUST_BACKTRACE=1`\n",
        );
        assert!(
            matches!(f, Failure::Crashed(ref s) if s.ends_with("it said: thread 'main' panicked at src/x.rs:1:2: boom")),
            "{f:?}"
        );
    }

    #[test]
    fn tail_keeps_the_end() {
        let data = "x".repeat(10_000) + "END";
        let t = tail(data.as_bytes(), 100);
        assert_eq!(t.len(), 100);
        assert!(t.ends_with("END"));
    }

    #[test]
    fn serve_answers_each_request_and_stops_at_end_of_input() {
        let reviewer = Reviewer::embedded().unwrap();
        let dir = std::env::temp_dir().join(format!("pingshen-serve-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let p = dir.join("not-a-zip.zip");
        std::fs::write(&p, b"hello").unwrap();
        let req = format!("line {}\npretty {}\n", hex_path(&p), hex_path(&p));
        let mut out = Vec::new();
        serve(
            &mut req.as_bytes(),
            &mut out,
            &reviewer,
            &Options::default(),
            &Faults::default(),
        )
        .unwrap();
        let mut r = &out[..];
        let a = read_reply(&mut r).unwrap();
        let b = read_reply(&mut r).unwrap();
        assert!(r.is_empty());
        assert_eq!(a.verdict, VerdictKind::Error);
        assert_eq!(a.body.lines().count(), 1);
        assert!(b.body.lines().count() > 1);
        let _ = std::fs::remove_dir_all(&dir);
    }
}
