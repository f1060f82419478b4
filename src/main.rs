//! The `pingshen` command: parses flags, calls the library, maps outcomes to exit codes.
//!
//! Exit codes — `check`: 0 pass/partial, 1 fail/incomplete/needs_review, 3 verdict error,
//! 2 usage or internal error. `batch`: 0 when every package got a verdict, 2 usage or I/O error.
//! `text`: 0 when every file was read, 1 when some file was unreadable, 2 usage or I/O error.

#![forbid(unsafe_code)]
// Input never panics the library: no unwrap/expect/indexing outside tests (issue: hostile input).
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing))]

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;

/// mimalloc returns freed pages to the system: with glibc's allocator the peak RSS of a long
/// batch kept growing through fragmentation (44 → 74 MiB from 100 to 1 000 packages).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;
use clap::{Parser, Subcommand, ValueEnum};

use pingshen::batch::{self, BatchOptions, Output};
use pingshen::pool::Isolation;
use pingshen::schema::{Schemas, StageId};
use pingshen::verdict::VerdictKind;
use pingshen::worker::{self, WorkerConfig};
use pingshen::{Options, Reviewer};

#[derive(Parser)]
#[command(
    name = "pingshen",
    version,
    about = "Reviews Beijing government IT-project submission packages (评审)"
)]
struct Cli {
    /// Colour in the text report: `auto` (on a terminal, unless NO_COLOR is set), `always`,
    /// `never`.
    #[arg(long, global = true, value_enum, default_value = "auto", value_name = "WHEN")]
    color: ColorWhen,
    /// The folder of the PP-OCR models and ONNX Runtime (scripts/install-ocr.sh puts them in
    /// $XDG_DATA_HOME/pingshen/ocr); sets PINGSHEN_OCR_DIR for this run and its workers.
    #[arg(long, global = true, value_name = "DIR")]
    ocr_models: Option<PathBuf>,
    /// Nothing on stderr but errors: no progress bar, no summary, no notes or warnings.
    #[arg(short, long, global = true, conflicts_with = "verbose")]
    quiet: bool,
    /// More on stderr: check says how the package was reviewed and in what time, batch names
    /// each package as its verdict comes, serve logs each review, stats names what it read.
    #[arg(short, long, global = true)]
    verbose: bool,
    #[command(subcommand)]
    command: Command,
}

/// How much goes to stderr besides errors (`-q`, default, `-v`): set once from the command
/// line, before any thread starts.
static VERBOSITY: std::sync::atomic::AtomicU8 = std::sync::atomic::AtomicU8::new(1);

fn quiet() -> bool {
    VERBOSITY.load(std::sync::atomic::Ordering::Relaxed) == 0
}

fn verbose() -> bool {
    VERBOSITY.load(std::sync::atomic::Ordering::Relaxed) >= 2
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum ColorWhen {
    Auto,
    Always,
    Never,
}

impl ColorWhen {
    /// Whether text on stdout is coloured: `auto` on a terminal unless `NO_COLOR` is set and
    /// not empty (no-color.org).
    fn stdout(self) -> bool {
        match self {
            ColorWhen::Always => true,
            ColorWhen::Never => false,
            ColorWhen::Auto => {
                std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
            }
        }
    }
}

/// The clap command, with a long version naming the commit, the ruleset and the verdict's
/// schema_version.
fn cli_command() -> clap::Command {
    use clap::CommandFactory;
    let ruleset = Schemas::embedded()
        .map(|s| s.ruleset)
        .unwrap_or_else(|_| "invalid".into());
    let long = format!(
        "{} (commit {})\nruleset {ruleset}\nverdict schema_version {}",
        env!("CARGO_PKG_VERSION"),
        env!("PINGSHEN_COMMIT"),
        pingshen::verdict::SCHEMA_VERSION
    );
    // Made once per process; clap keeps a version as a static string.
    Cli::command().long_version(&*Box::leak(long.into_boxed_str()))
}

#[derive(Clone, Copy, ValueEnum)]
enum Stage {
    Plan,
    Addition,
    Review,
    Commissioning,
    Performance,
}

impl From<Stage> for StageId {
    fn from(s: Stage) -> StageId {
        match s {
            Stage::Plan => StageId::Plan,
            Stage::Addition => StageId::Addition,
            Stage::Review => StageId::Review,
            Stage::Commissioning => StageId::Commissioning,
            Stage::Performance => StageId::Performance,
        }
    }
}

/// `--ocr`: whether scanned documents are read by OCR.
#[derive(Clone, Copy, Default, PartialEq, Eq, ValueEnum)]
enum Ocr {
    /// Read scans when an OCR engine is available (PP-OCR, else tesseract with chi_sim).
    #[default]
    Auto,
    /// Never read scans (a scan is unreadable).
    Off,
    /// Read scans; without an engine a scan that needs reading is an error (ocr.required).
    Require,
}

impl From<Ocr> for pingshen::OcrMode {
    fn from(o: Ocr) -> pingshen::OcrMode {
        match o {
            Ocr::Auto => pingshen::OcrMode::Auto,
            Ocr::Off => pingshen::OcrMode::Off,
            Ocr::Require => pingshen::OcrMode::Require,
        }
    }
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    Text,
    Json,
    /// A self-contained HTML page (`check` only).
    Html,
}

/// `text --format`: what `pingshen text` prints.
#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum TextFormat {
    Text,
    Json,
}

#[derive(Clone, Copy, ValueEnum)]
enum StatsFormat {
    Table,
    Csv,
    Json,
    Html,
}

/// How packages are isolated (issue: hostile input).
#[derive(clap::Args)]
struct Guard {
    /// Time budget of one package, in seconds; a package over it gets verdict `error`
    /// (`package.timeout`).
    #[arg(long, value_name = "SECONDS", default_value = "60", value_parser = parse_seconds)]
    timeout: std::time::Duration,
    /// Memory ceiling of each worker process (bytes, or with K/M/G); a package that needs more
    /// gets verdict `error` (`package.out_of_memory`).
    #[arg(long, value_name = "SIZE", default_value = "1G", value_parser = parse_size)]
    max_memory: u64,
    /// Review inside this process instead of worker processes: faster to start, but a package
    /// that aborts, hangs or exhausts memory takes the run down with it.
    #[arg(long)]
    in_process: bool,
}

/// The most packages reviewed at once: each is a worker process with up to --max-memory.
const MAX_JOBS: usize = 256;

fn parse_jobs(s: &str) -> Result<usize, String> {
    let n: usize = s.trim().parse().map_err(|_| format!("{s:?} is not a number"))?;
    if n > MAX_JOBS {
        return Err(format!(
            "{n} is more than {MAX_JOBS} packages at once (each is a worker process); 0 means one per core"
        ));
    }
    Ok(n)
}

/// `batch --fail-on`: the verdict level from which the run fails.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, ValueEnum)]
enum FailOn {
    Fail,
    Incomplete,
    #[value(name = "needs_review")]
    NeedsReview,
    Error,
}

impl FailOn {
    /// The verdicts at this level or beyond.
    fn verdicts(self) -> &'static [&'static str] {
        let all: &'static [&'static str] = &["fail", "incomplete", "needs_review", "error"];
        all.get(self as usize..).unwrap_or_default()
    }
}

fn parse_seconds(s: &str) -> Result<std::time::Duration, String> {
    let secs: f64 = s
        .trim()
        .parse()
        .map_err(|_| format!("{s:?} is not a number of seconds"))?;
    if !(secs > 0.0 && secs <= 1e7) {
        return Err("the time budget must be more than 0 seconds".into());
    }
    Ok(std::time::Duration::from_secs_f64(secs))
}

fn parse_size(s: &str) -> Result<u64, String> {
    let bytes = parse_bytes(s)?;
    if bytes < 64 << 20 {
        return Err(format!("{s:?}: the memory ceiling must be at least 64M"));
    }
    Ok(bytes)
}

/// A size in bytes, or with K, M or G (binary multiples).
fn parse_bytes(s: &str) -> Result<u64, String> {
    let t = s.trim();
    let (num, mult) = match t.char_indices().last() {
        Some((i, c)) if c.is_ascii_alphabetic() => {
            let m: u64 = match c.to_ascii_uppercase() {
                'K' => 1 << 10,
                'M' => 1 << 20,
                'G' => 1 << 30,
                _ => return Err(format!("{s:?}: the unit must be K, M or G")),
            };
            (t.get(..i).unwrap_or(""), m)
        }
        _ => (t, 1),
    };
    let n: f64 = num.trim().parse().map_err(|_| format!("{s:?} is not a size"))?;
    let bytes = n * mult as f64;
    if !(1.0..1e15).contains(&bytes) {
        return Err(format!("{s:?} is not a size between 1 byte and 1000 TB"));
    }
    Ok(bytes as u64)
}

impl Guard {
    /// The worker set-up, or `None` for `--in-process`.
    fn workers(&self, common: &Common) -> anyhow::Result<Option<WorkerConfig>> {
        if self.in_process {
            return Ok(None);
        }
        let exe = std::env::current_exe().context("cannot find the pingshen binary to start workers")?;
        Ok(Some(WorkerConfig {
            exe,
            args: common.to_args(),
            timeout: self.timeout,
            max_memory: Some(self.max_memory),
            cancel: None,
        }))
    }
}

#[derive(clap::Args)]
struct Common {
    /// Review every package as this stage (overrides the basic-info sheet and the archive name).
    #[arg(long, value_enum)]
    stage: Option<Stage>,
    /// A folder of schema files replacing the embedded ones of the same name.
    #[arg(long, value_name = "DIR")]
    schemas: Option<PathBuf>,
    /// A folder of reference data (SPEC §10).
    #[arg(long, value_name = "DIR")]
    reference: Option<PathBuf>,
    /// Read scanned PDF and OFD pages (no text layer, or text without Unicode mapping) by OCR:
    /// `auto` (the default, SPEC §6) when an engine is available (PP-OCR, else tesseract),
    /// `off` never, `require` or the package gets an error finding.
    #[arg(long, value_enum, default_value = "auto")]
    ocr: Ocr,
}

impl Common {
    /// The per-run options these choices give.
    fn options(&self) -> Options {
        Options {
            stage: self.stage.map(Into::into),
            ocr: self.ocr.into(),
        }
    }

    /// The same choices as arguments, for a worker.
    fn to_args(&self) -> Vec<std::ffi::OsString> {
        let mut a: Vec<std::ffi::OsString> = Vec::new();
        if let Some(s) = self.stage {
            if let Some(v) = s.to_possible_value() {
                a.push("--stage".into());
                a.push(v.get_name().into());
            }
        }
        for (flag, dir) in [("--schemas", &self.schemas), ("--reference", &self.reference)] {
            if let Some(d) = dir {
                a.push(flag.into());
                a.push(std::path::absolute(d).unwrap_or_else(|_| d.clone()).into_os_string());
            }
        }
        a.push("--ocr".into());
        a.push(pingshen::OcrMode::from(self.ocr).as_str().into());
        a
    }
}

#[derive(Subcommand)]
enum Command {
    /// Review one package and print its verdict.
    Check(CheckArgs),
    /// Review every .zip under the given paths, in parallel.
    Batch(BatchArgs),
    /// Serve reviews over HTTP (`POST /v1/check` with the zip; API in schemas/openapi.json) and
    /// a page at `/` where a reviewer drops a zip and reads the report. Stops on SIGTERM or
    /// SIGINT after running reviews finish.
    Serve(ServeArgs),
    /// Serves reviews to a supervising `check` or `batch` over stdin/stdout (internal).
    #[command(hide = true)]
    Worker(WorkerArgs),
    /// Print what pingshen read from a document, a spreadsheet or every file of a package: the
    /// lines of each page, the cells of each sheet. Exits 0 when everything was read, 1 when
    /// some file was unreadable, 2 when PATH cannot be opened.
    Text(TextArgs),
    /// Print the JSON Schema of the verdict (schemas/verdict.schema.json).
    Schema,
    /// Say what this machine can do: whether scanned documents can be read by OCR (the engine,
    /// the runtime's version, the models with their sha256). Exits 0 when OCR is available, 1
    /// when not.
    Doctor(DoctorArgs),
    /// Print a shell completion script: `pingshen completions bash > /etc/bash_completion.d/pingshen`.
    Completions(CompletionsArgs),
    /// Print the manual page (roff): `pingshen man > pingshen.1 && man ./pingshen.1`.
    Man,
    /// Statistics over a folder of verdicts, like the office's tables: per stage and period
    /// (July to June by 申报日期) total, passed and pass rate, and failures by check id.
    Stats(StatsArgs),
    /// List the checks (red lines and requirements), optionally of one stage.
    Rules(RulesArgs),
    /// Explain a check id (COMM-RL4), a material id (final_acceptance) or a finding code.
    Explain(ExplainArgs),
}

#[derive(clap::Args)]
struct CheckArgs {
    /// The package (.zip). One: for several, `pingshen batch`.
    #[arg(required = true, num_args = 1.., value_name = "PACKAGE")]
    packages: Vec<PathBuf>,
    #[command(flatten)]
    common: Common,
    /// `text` for a person (default), `json` for the verdict itself, `html` for a
    /// self-contained HTML report (open it in a browser; works offline).
    #[arg(long, value_enum, default_value = "text")]
    format: Format,
    /// With the text report: every check, material, field and finding, not only what needs
    /// attention.
    #[arg(long)]
    all: bool,
    #[command(flatten)]
    guard: Guard,
}

#[derive(clap::Args)]
struct BatchArgs {
    /// Archives or folders (searched recursively for .zip files); `-` reads the paths from
    /// stdin, one per line.
    #[arg(required = true)]
    paths: Vec<PathBuf>,
    /// Write DIR/<archive file name>.json for each package.
    #[arg(
        long,
        value_name = "DIR",
        required_unless_present = "jsonl",
        conflicts_with = "jsonl"
    )]
    out: Option<PathBuf>,
    /// Write one verdict per line to stdout instead, in input order.
    #[arg(long)]
    jsonl: bool,
    /// Packages reviewed at once, each in its own worker process (0, the default: one per
    /// core; at most 256).
    #[arg(short = 'j', long, default_value_t = 0, value_parser = parse_jobs)]
    jobs: usize,
    /// Exit 1 when any verdict is at this level or beyond, in the order fail, incomplete,
    /// needs_review, error (`--fail-on needs_review`: a needs_review or error verdict fails the
    /// run; pass and partial never do).
    #[arg(long, value_enum, value_name = "LEVEL")]
    fail_on: Option<FailOn>,
    /// Skip archives whose verdict in --out already has the same SHA-256 and ruleset.
    #[arg(long)]
    resume: bool,
    /// Also write DIR/<archive file name>.html beside each verdict (the report of
    /// `check --format html`) and DIR/index.html over the batch; needs --out.
    #[arg(long)]
    html: bool,
    #[command(flatten)]
    common: Common,
    #[command(flatten)]
    guard: Guard,
}

#[derive(clap::Args)]
struct ServeArgs {
    /// Address and port to listen on. Anything but loopback needs --token-file or --no-auth.
    #[arg(long, value_name = "ADDR:PORT", default_value = "127.0.0.1:8080")]
    listen: std::net::SocketAddr,
    /// Reviews at once, each in its own worker process (0, the default: one per core; at most
    /// 256).
    #[arg(short = 'j', long, default_value_t = 0, value_parser = parse_jobs)]
    jobs: usize,
    /// Packages that may wait for a worker; past that a request gets 503 with Retry-After.
    #[arg(long, value_name = "N", default_value_t = 64)]
    queue: usize,
    /// The largest body accepted (bytes, or with K/M/G); larger is refused with 413 before
    /// it is read. Default 2G, the archive limit of SPEC §3.
    #[arg(long, value_name = "SIZE", default_value = "2G", value_parser = parse_bytes)]
    max_body: u64,
    /// A file holding the bearer token every API request must carry
    /// (`Authorization: Bearer <token>`); the page and /healthz, /readyz stay open.
    #[arg(long, value_name = "FILE")]
    token_file: Option<PathBuf>,
    /// Listen beyond loopback without a token (behind a proxy that authenticates).
    #[arg(long, conflicts_with = "token_file")]
    no_auth: bool,
    /// Seconds a client has to send its request head, and the longest pause inside a body.
    #[arg(long, value_name = "SECONDS", default_value = "30", value_parser = parse_seconds)]
    read_timeout: std::time::Duration,
    /// Connections open at once; more wait to be accepted.
    #[arg(long, value_name = "N", default_value_t = 256)]
    max_connections: usize,
    /// Verdicts kept for identical bodies (same sha256, name and stage); 0 turns the cache off.
    #[arg(long, value_name = "N", default_value_t = 256)]
    cache: usize,
    #[command(flatten)]
    common: Common,
    #[command(flatten)]
    guard: Guard,
}

#[derive(clap::Args)]
struct WorkerArgs {
    #[command(flatten)]
    common: Common,
    /// Address-space ceiling of this process, in bytes.
    #[arg(long)]
    max_memory: Option<u64>,
}

#[derive(clap::Args)]
struct TextArgs {
    /// A document (pdf, docx, ofd, txt), a spreadsheet (xlsx, xlsm, xls, ods, csv) or a
    /// package (.zip: every file in it, in path order). The type comes from the content.
    path: PathBuf,
    /// `text` for a person (default): a header per page or sheet, sheets as tab-separated
    /// rows; `json`: JSON Lines, one object per file.
    #[arg(long, value_enum, default_value = "text")]
    format: TextFormat,
    /// Read scanned PDF and OFD pages by OCR, as `check` does: `auto` (the default) when an
    /// engine is available, `off` never, `require` or exit 2 when there is none.
    #[arg(long, value_enum, default_value = "auto")]
    ocr: Ocr,
}

#[derive(clap::Args)]
struct StatsArgs {
    /// A folder of verdicts (`pingshen batch PACKAGES --out DIR`).
    dir: PathBuf,
    /// `table` for a terminal (the default), `csv` for a spreadsheet (one table: --table; both:
    /// --out), `json` for a program, `html` for one self-contained page with the charts (it
    /// states when it was made: now, or SOURCE_DATE_EPOCH when set).
    #[arg(long, value_enum)]
    format: Option<StatsFormat>,
    /// The CSV table printed by `--format csv`: `periods` (per stage and period, the default) or
    /// `failures` (per check id).
    #[arg(long, value_enum, conflicts_with = "out")]
    table: Option<StatsTable>,
    /// Write both CSV tables into this folder, as periods.csv and failures.csv (implies
    /// `--format csv`).
    #[arg(long, value_name = "CSV_DIR")]
    out: Option<PathBuf>,
}

/// The CSV tables of `stats`.
#[derive(Clone, Copy, ValueEnum)]
enum StatsTable {
    Periods,
    Failures,
}

#[derive(clap::Args)]
struct RulesArgs {
    /// Only the checks of this stage.
    #[arg(long, value_enum)]
    stage: Option<Stage>,
    /// `text` for a person (default), `json` for a program (the same as GET /v1/rules).
    #[arg(long, value_enum, default_value = "text")]
    format: TextFormat,
}

#[derive(clap::Args)]
struct ExplainArgs {
    /// A check id (COMM-RL4), a material id (warranty_plan) or a finding code (file.over_budget).
    id: String,
    /// A folder of schema files, to show the params in force.
    #[arg(long, value_name = "DIR")]
    schemas: Option<PathBuf>,
    /// `text` for a person (default), `json` for a program (the same as GET /v1/explain/ID).
    #[arg(long, value_enum, default_value = "text")]
    format: TextFormat,
}

#[derive(clap::Args)]
struct DoctorArgs {
    /// `text` for a person (default), `json` for a program.
    #[arg(long, value_enum, default_value = "text")]
    format: TextFormat,
}

#[derive(clap::Args)]
struct CompletionsArgs {
    /// The shell to complete for.
    shell: clap_complete::Shell,
}

fn reviewer(common: &Common) -> anyhow::Result<Reviewer> {
    let schemas = match &common.schemas {
        Some(dir) => Schemas::with_overrides(dir),
        None => Schemas::embedded(),
    }
    .context("invalid schema")?;
    let reference = match &common.reference {
        Some(dir) => pingshen::reference::Reference::load(dir).context("invalid reference data")?,
        None => pingshen::reference::Reference::embedded(),
    };
    Ok(Reviewer { schemas, reference })
}

fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Check(args) => check_command(args, cli.color),
        Command::Stats(args) => stats_command(args),
        Command::Rules(args) => rules_command(args),
        Command::Explain(args) => explain_command(args),
        Command::Worker(args) => worker_command(args),
        Command::Text(args) => text_command(args),
        Command::Doctor(args) => doctor(args.format),
        Command::Completions(args) => {
            let mut cmd = cli_command();
            let mut buf = Vec::new();
            clap_complete::generate(args.shell, &mut cmd, "pingshen", &mut buf);
            out(&String::from_utf8_lossy(&buf))?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Man => {
            let mut buf = Vec::new();
            clap_mangen::Man::new(cli_command()).render(&mut buf)?;
            out(&String::from_utf8_lossy(&buf))?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Serve(args) => serve_command(args),
        Command::Schema => schema_command(),
        Command::Batch(args) => batch_command(args),
    }
}

fn check_command(
    CheckArgs {
        packages,
        common,
        format,
        all,
        guard,
    }: CheckArgs,
    color: ColorWhen,
) -> anyhow::Result<ExitCode> {
    let reviewer = reviewer(&common)?;
    let package = match packages.as_slice() {
        [one] => one.clone(),
        _ => anyhow::bail!(
            "check reviews one package; for {} use `pingshen batch {} --out DIR` (or --jsonl)",
            packages.len(),
            packages
                .iter()
                .map(|p| p.display().to_string())
                .collect::<Vec<_>>()
                .join(" ")
        ),
    };
    // The reason a path is not a package, in the user's terms.
    match std::fs::metadata(&package) {
        Ok(m) if m.is_dir() => anyhow::bail!(
            "{}: is a folder — use `pingshen batch {}` to review every archive in it",
            package.display(),
            package.display()
        ),
        Ok(_) => {}
        Err(e) => anyhow::bail!("{}: {e}", package.display()),
    }
    let opts = common.options();
    let format = match format {
        Format::Json => worker::Format::Pretty,
        Format::Html => worker::Format::Html,
        Format::Text => worker::Format::Text(pingshen::report::Style {
            color: color.stdout(),
            all,
        }),
    };
    let started = std::time::Instant::now();
    let workers = guard.workers(&common)?;
    let how = if workers.is_some() {
        "in a worker process"
    } else {
        "in this process"
    };
    let reply = match workers {
        None => {
            let v = pingshen::review_path(&package, &reviewer, &opts);
            worker::Reply {
                verdict: v.verdict,
                body: format.render(&v),
            }
        }
        Some(config) => match worker::Worker::new(config).review(&package, format) {
            Ok(reply) => reply,
            Err(failure) => {
                let v = worker::failure_verdict(&package, &failure, &reviewer);
                worker::Reply {
                    verdict: v.verdict,
                    body: format.render(&v),
                }
            }
        },
    };
    if verbose() {
        let _ = writeln!(
            std::io::stderr(),
            "pingshen: {} reviewed {how} in {} ms: {} (ruleset {}, OCR {})",
            package.display(),
            started.elapsed().as_millis(),
            reply.verdict.as_str(),
            reviewer.ruleset(),
            common.options().ocr.as_str()
        );
    }
    out(&reply.body)?;
    Ok(ExitCode::from(match reply.verdict {
        VerdictKind::Pass | VerdictKind::Partial => 0,
        VerdictKind::Fail | VerdictKind::Incomplete | VerdictKind::NeedsReview => 1,
        VerdictKind::Error => 3,
    }))
}

fn stats_command(
    StatsArgs {
        dir,
        format,
        table,
        out: out_dir,
    }: StatsArgs,
) -> anyhow::Result<ExitCode> {
    use pingshen::stats::{CsvTable, PageInfo};
    let format = match (format, &out_dir) {
        (None, Some(_)) | (Some(StatsFormat::Csv), _) => StatsFormat::Csv,
        (Some(_), Some(_)) => anyhow::bail!("--out writes the CSV tables: use it with --format csv, or alone"),
        (None, None) => StatsFormat::Table,
        (Some(f), None) => f,
    };
    if table.is_some() && !matches!(format, StatsFormat::Csv) {
        anyhow::bail!("--table chooses a CSV table: use it with --format csv");
    }
    let stats = pingshen::stats::collect(&dir).with_context(|| format!("cannot read {}", dir.display()))?;
    // No verdicts (or the packages instead of the verdicts): a usage error, exit 2.
    if let Some(why) = stats.unusable_folder(&dir) {
        anyhow::bail!(why);
    }
    if let Some(warning) = stats.folder_warning().filter(|_| !quiet()) {
        let _ = writeln!(std::io::stderr(), "pingshen: {warning}");
    }
    if verbose() {
        let _ = writeln!(
            std::io::stderr(),
            "pingshen: {} verdicts read from {}, {} files skipped",
            stats.verdict_count(),
            dir.display(),
            stats.skipped.len()
        );
    }
    if let Some(out_dir) = out_dir {
        let written = stats
            .write_csv(&out_dir)
            .with_context(|| format!("cannot write the CSV tables in {}", out_dir.display()))?;
        for path in written.iter().filter(|_| !quiet()) {
            let _ = writeln!(std::io::stderr(), "pingshen: wrote {}", path.display());
        }
        return Ok(ExitCode::SUCCESS);
    }
    out(&match format {
        StatsFormat::Table => stats.render_table(),
        StatsFormat::Csv => stats.render_csv(match table {
            Some(StatsTable::Failures) => CsvTable::Failures,
            Some(StatsTable::Periods) | None => CsvTable::Periods,
        }),
        StatsFormat::Json => stats.to_json(),
        // The folder and the time the page states; a bad SOURCE_DATE_EPOCH is a usage error.
        StatsFormat::Html => stats.render_html(&PageInfo::for_folder(&dir).map_err(anyhow::Error::msg)?),
    })?;
    Ok(ExitCode::SUCCESS)
}

fn rules_command(RulesArgs { stage, format }: RulesArgs) -> anyhow::Result<ExitCode> {
    if format == TextFormat::Json {
        let ruleset = Schemas::embedded().context("invalid schema")?.ruleset;
        out(&(pingshen::explain::rules_json(stage.map(Into::into), &ruleset).to_string() + "\n"))?;
        return Ok(ExitCode::SUCCESS);
    }
    out(&pingshen::explain::rules(stage.map(Into::into)))?;
    Ok(ExitCode::SUCCESS)
}

fn explain_command(ExplainArgs { id, schemas, format }: ExplainArgs) -> anyhow::Result<ExitCode> {
    let schemas = match &schemas {
        Some(dir) => Schemas::with_overrides(dir),
        None => Schemas::embedded(),
    }
    .context("invalid schema")?;
    if format == TextFormat::Json {
        return match pingshen::explain::explain_json(&id, &schemas) {
            Some(v) => {
                out(&(v.to_string() + "\n"))?;
                Ok(ExitCode::SUCCESS)
            }
            None => anyhow::bail!("{id}: no such check, material or finding code (see `pingshen rules`)"),
        };
    }
    match pingshen::explain::explain(&id, &schemas) {
        Some(text) => {
            out(&text)?;
            Ok(ExitCode::SUCCESS)
        }
        None => anyhow::bail!("{id}: no such check, material or finding code (see `pingshen rules`)"),
    }
}

fn worker_command(WorkerArgs { common, max_memory }: WorkerArgs) -> anyhow::Result<ExitCode> {
    worker::exit_with_parent();
    // Ctrl-C reaches the whole process group: the supervisor decides what happens to a review
    // in progress (it finishes, or is abandoned), so the worker does not die of it.
    let _ = signal_hook::flag::register(
        signal_hook::consts::SIGINT,
        std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false)),
    );
    if let Some(bytes) = max_memory {
        worker::limit_memory(bytes).context("cannot set the memory ceiling")?;
    }
    let reviewer = reviewer(&common)?;
    let opts = common.options();
    let mut input = std::io::stdin().lock();
    let mut output = std::io::BufWriter::new(std::io::stdout().lock());
    worker::serve(&mut input, &mut output, &reviewer, &opts, &worker::Faults::from_env())?;
    Ok(ExitCode::SUCCESS)
}

fn text_command(TextArgs { path, format, ocr }: TextArgs) -> anyhow::Result<ExitCode> {
    let opts = pingshen::textdump::TextOptions {
        ocr: ocr.into(),
        limits: Schemas::embedded().context("invalid schema")?.limits.clone(),
    };
    let files = pingshen::textdump::read_path(&path, &opts)?;
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    for f in &files {
        let body = match format {
            TextFormat::Json => f.to_json_line(),
            TextFormat::Text => f.render_text(),
        };
        out.write_all(body.as_bytes()).context("cannot write to stdout")?;
    }
    out.flush().context("cannot write to stdout")?;
    Ok(ExitCode::from(if pingshen::textdump::all_readable(&files) {
        0
    } else {
        1
    }))
}

fn serve_command(
    ServeArgs {
        listen,
        jobs,
        queue,
        max_body,
        token_file,
        no_auth,
        read_timeout,
        max_connections,
        cache,
        common,
        guard,
    }: ServeArgs,
) -> anyhow::Result<ExitCode> {
    let token = match &token_file {
        Some(f) => {
            let t = std::fs::read_to_string(f).with_context(|| format!("cannot read {}", f.display()))?;
            let t = t.trim().to_string();
            anyhow::ensure!(!t.is_empty(), "{}: the token file is empty", f.display());
            Some(t)
        }
        None => None,
    };
    anyhow::ensure!(
        listen.ip().is_loopback() || token.is_some() || no_auth,
        "--listen {listen} is reachable from other machines: give --token-file FILE, or --no-auth \
             when a proxy in front authenticates"
    );
    let jobs = if jobs == 0 {
        std::thread::available_parallelism().map_or(1, |n| n.get())
    } else {
        jobs
    };
    let reviewer = reviewer(&common)?;
    let opts = common.options();
    let isolation = match guard.workers(&common)? {
        None => Isolation::InProcess,
        Some(config) => Isolation::Workers(config),
    };
    let config = pingshen::serve::ServeConfig {
        listen,
        jobs,
        queue,
        max_body,
        token,
        read_timeout,
        max_connections,
        cache_entries: cache,
        drain: guard.timeout + std::time::Duration::from_secs(5),
        log_reviews: verbose(),
    };
    let pool = pingshen::pool::Pool::new(isolation, reviewer, opts);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the service's runtime")?;
    runtime.block_on(async move {
        let listener = pingshen::serve::bind(&config)
            .await
            .with_context(|| format!("cannot listen on {listen}"))?;
        let addr = listener.local_addr().unwrap_or(listen);
        let _ = writeln!(
            std::io::stderr(),
            "pingshen serve: listening on http://{addr} ({jobs} workers)"
        );
        pingshen::serve::run(listener, pool, config, std::future::pending())
            .await
            .context("the service failed")?;
        let _ = writeln!(std::io::stderr(), "pingshen serve: stopped");
        anyhow::Ok(())
    })?;
    Ok(ExitCode::SUCCESS)
}

fn schema_command() -> anyhow::Result<ExitCode> {
    out(pingshen::verdict::JSON_SCHEMA)?;
    Ok(ExitCode::SUCCESS)
}

fn batch_command(
    BatchArgs {
        paths,
        out,
        jsonl,
        jobs,
        fail_on,
        resume,
        html,
        common,
        guard,
    }: BatchArgs,
) -> anyhow::Result<ExitCode> {
    let reviewer = reviewer(&common)?;
    let opts = common.options();
    let isolation = match guard.workers(&common)? {
        None => Isolation::InProcess,
        Some(config) => Isolation::Workers(config),
    };
    let from_stdin = matches!(paths.as_slice(), [p] if p.as_os_str() == "-");
    anyhow::ensure!(
        !(resume && jsonl),
        "--resume needs --out DIR (it reads the verdicts written there)"
    );
    anyhow::ensure!(
        !html || out.is_some(),
        "--html needs --out DIR (it writes DIR/<archive file name>.html beside each verdict and DIR/index.html)"
    );
    let quiet = quiet();
    let show = !quiet && !verbose() && std::io::stderr().is_terminal();
    let bar = |total: Option<u64>| {
        let pb = match total {
            Some(n) => indicatif::ProgressBar::new(n),
            None => indicatif::ProgressBar::new_spinner(),
        };
        pb.set_style(
            indicatif::ProgressStyle::with_template(
                "{bar:40} {pos}/{len} packages  {per_sec}  ETA {eta}  {elapsed_precise}",
            )
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        if show {
            pb
        } else {
            indicatif::ProgressBar::hidden()
        }
    };
    // SIGINT and SIGTERM stop the batch from starting packages; what is done is summed up.
    let interrupt = batch::Interrupt::default();
    for (sig, flag) in [
        (signal_hook::consts::SIGINT, &interrupt.sigint),
        (signal_hook::consts::SIGTERM, &interrupt.sigterm),
    ] {
        signal_hook::flag::register(sig, flag.clone()).context("cannot watch for signals")?;
        signal_hook::flag::register(sig, interrupt.any.clone()).context("cannot watch for signals")?;
    }
    let (summary, out_dir) = if from_stdin && jsonl {
        let pb = bar(None);
        let progress = |p: batch::Progress| {
            pb.set_position(p.done as u64);
            if verbose() {
                eprintln!("pingshen: {} {} {} ({})", p.done, p.verdict, p.path, p.stage);
            }
        };
        let mut stdin = std::io::stdin().lock();
        let s = batch::run_stdin_jsonl(
            &mut stdin,
            &reviewer,
            &opts,
            jobs,
            &isolation,
            Some(&interrupt),
            &progress,
        )?;
        pb.finish_and_clear();
        (s, None)
    } else {
        let inputs = if from_stdin {
            // `batch - --out DIR`: the paths are read whole first (the folder's verdict names
            // depend on all of them), then reviewed like named ones.
            let mut text = String::new();
            std::io::Read::read_to_string(&mut std::io::stdin().lock(), &mut text)
                .context("cannot read paths from stdin")?;
            let named: Vec<PathBuf> = text
                .lines()
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .map(PathBuf::from)
                .collect();
            batch::collect_inputs(&named)?
        } else {
            batch::collect_inputs(&paths)?
        };
        let output = match (out, jsonl) {
            (_, true) => Output::JsonLines,
            (Some(dir), false) => Output::Dir(dir),
            (None, false) => anyhow::bail!("give --out DIR or --jsonl"),
        };
        let pb = bar(Some(inputs.len() as u64));
        let progress = |p: batch::Progress| {
            pb.set_position(p.done as u64);
            if verbose() {
                eprintln!("pingshen: {} {} {} ({})", p.done, p.verdict, p.path, p.stage);
            }
        };
        let options = BatchOptions {
            output: output.clone(),
            jobs,
            resume,
            isolation,
            html,
            interrupt: Some(interrupt.clone()),
        };
        let s = batch::run(&inputs, &reviewer, &opts, &options, &progress)?;
        pb.finish_and_clear();
        let dir = match output {
            Output::Dir(d) => Some(d),
            Output::JsonLines => None,
        };
        (s, dir)
    };
    // summary.json first: a closed stderr must not cost it. Nothing below panics on a closed
    // stderr; what cannot be said is not said.
    let mut failed_summary = None;
    if let Some(dir) = &out_dir {
        let text = serde_json::to_string_pretty(&summary)? + "\n";
        if let Err(e) = batch::write_atomic(&dir.join("summary.json"), &text) {
            failed_summary = Some(format!("cannot write {}: {e}", dir.join("summary.json").display()));
        }
    }
    let mut err = std::io::stderr().lock();
    if !quiet {
        let _ = err.write_all(summary.render().as_bytes());
    }
    for (path, e) in &summary.write_errors {
        let _ = writeln!(err, "pingshen: cannot write {path}: {e}");
    }
    if let Some(e) = &failed_summary {
        let _ = writeln!(err, "pingshen: {e}");
    }
    if summary.interrupted_by.is_some() && quiet {
        let _ = writeln!(
            err,
            "pingshen: stopped by a signal; {} package(s) have no verdict: run again with --resume",
            summary.not_reviewed
        );
    }
    let failing = fail_on.is_some_and(|level| {
        level
            .verdicts()
            .iter()
            .any(|v| summary.by_verdict.get(*v).is_some_and(|n| *n > 0))
    });
    Ok(ExitCode::from(match summary.interrupted_by.as_deref() {
        Some("SIGINT") => 130,
        Some(_) => 143,
        None if !summary.write_errors.is_empty() || failed_summary.is_some() => 2,
        None if failing => 1,
        None => 0,
    }))
}

/// The exit status when stdout was closed by its reader: 128 + SIGPIPE, as a shell reports a
/// process that SIGPIPE ended.
const BROKEN_PIPE: u8 = 141;

fn broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

/// Writes to stdout; an error (a closed pipe) is returned, never a panic.
fn out(text: &str) -> anyhow::Result<()> {
    let mut o = std::io::stdout().lock();
    o.write_all(text.as_bytes())?;
    o.flush()?;
    Ok(())
}

fn main() -> ExitCode {
    // First, before any thread or output: the C allocator tuned for the OCR runtime (may start
    // this binary again, see `pingshen::ocr::malloc`).
    pingshen::ocr::malloc::restart_tuned();
    use clap::FromArgMatches;
    let cli = match cli_command().try_get_matches().and_then(|m| Cli::from_arg_matches(&m)) {
        Ok(c) => c,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(match e.kind() {
                clap::error::ErrorKind::DisplayHelp | clap::error::ErrorKind::DisplayVersion => 0,
                _ => 2,
            });
        }
    };
    VERBOSITY.store(
        if cli.quiet {
            0
        } else if cli.verbose {
            2
        } else {
            1
        },
        std::sync::atomic::Ordering::Relaxed,
    );
    if let Some(dir) = &cli.ocr_models {
        // Before any thread starts: the engine and every worker read it from the environment.
        std::env::set_var(
            pingshen::ocr::MODELS_VAR,
            std::path::absolute(dir).unwrap_or_else(|_| dir.clone()),
        );
    }
    match run(cli) {
        Ok(code) => code,
        // A reader that closed its end (`| head`) ends the run quietly, with the status of a
        // process ended by SIGPIPE.
        Err(e) if broken_pipe(&e) => ExitCode::from(BROKEN_PIPE),
        Err(e) => {
            let _ = writeln!(std::io::stderr(), "pingshen: {e:#}");
            ExitCode::from(2)
        }
    }
}

/// `pingshen doctor`: what OCR this machine has.
fn doctor(format: TextFormat) -> anyhow::Result<ExitCode> {
    use std::fmt::Write as _;
    let mut o = String::new();
    use pingshen::ocr::{models_dir, Engine};
    if format == TextFormat::Json {
        let engine = Engine::detect();
        let v = serde_json::json!({
            "text_layers": "built in",
            "ocr_models_dir": models_dir().map(|d| d.display().to_string()),
            "malloc_tunables": pingshen::ocr::malloc::active(),
            "ocr": match &engine {
                Ok(e) => serde_json::json!({"available": true, "engine": e.info()}),
                Err(why) => serde_json::json!({"available": false, "pp_ocr": why.ppocr.to_string(), "tesseract": why.tesseract.to_string()}),
            },
        });
        out(&(v.to_string() + "\n"))?;
        return Ok(if engine.is_ok() {
            ExitCode::SUCCESS
        } else {
            ExitCode::FAILURE
        });
    }
    let _ = writeln!(
        o,
        "text layers (PDF, OFD, docx): built in; pdftotext or other tools are not needed"
    );
    let _ = match models_dir() {
        Some(d) => writeln!(
            o,
            "ocr models folder: {} (--ocr-models DIR or PINGSHEN_OCR_DIR)",
            d.display()
        ),
        None => writeln!(o, "ocr models folder: none (set PINGSHEN_OCR_DIR or HOME)"),
    };
    let _ = match pingshen::ocr::malloc::active() {
        Some(t) => writeln!(o, "c allocator: tuned for the OCR runtime (GLIBC_TUNABLES={t})"),
        None => writeln!(o, "c allocator: as the system set it"),
    };
    match Engine::detect() {
        Ok(e) => {
            let info = e.info();
            let _ = writeln!(o, "ocr: available");
            let _ = writeln!(o, "  engine:    {}", info.engine);
            let _ = writeln!(o, "  runtime:   {}", info.version);
            for m in &info.models {
                let _ = writeln!(o, "  model:     {m}");
            }
            out(&o)?;
            Ok(ExitCode::SUCCESS)
        }
        Err(why) => {
            let _ = writeln!(o, "ocr: not available");
            let _ = writeln!(o, "  pp-ocr:    {}", why.ppocr);
            let _ = writeln!(o, "  tesseract: {}", why.tesseract);
            let _ = writeln!(
                o,
                "  install the PP-OCR models and ONNX Runtime: bash scripts/install-ocr.sh"
            );
            let _ = writeln!(
                o,
                "  scanned documents stay unreadable (--ocr auto) or are an error (--ocr require)"
            );
            out(&o)?;
            Ok(ExitCode::FAILURE)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `--help` explains every argument of every command (the hidden worker excepted).
    #[test]
    fn every_argument_of_every_command_has_help_text() {
        let cmd = cli_command();
        let mut missing = Vec::new();
        for a in cmd.get_arguments() {
            if a.get_help().is_none() && !matches!(a.get_id().as_str(), "help" | "version") {
                missing.push(format!("pingshen --{}", a.get_id()));
            }
        }
        for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
            assert!(sub.get_about().is_some(), "{} has no description", sub.get_name());
            for a in sub.get_arguments() {
                if a.get_help().is_none() && !matches!(a.get_id().as_str(), "help" | "version") {
                    missing.push(format!("pingshen {} {}", sub.get_name(), a.get_id()));
                }
            }
        }
        assert!(missing.is_empty(), "arguments without help: {missing:?}");
    }
}
