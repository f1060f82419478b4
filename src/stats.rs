//! `pingshen stats`: statistics over a folder of verdicts, in the shape of the office's own
//! tables — 规划备案 / 前置评审 / 验收报备 by 时间, 总数量, 通过数, 通过率, one row per July–June
//! period — plus the checks that fail most often.
//!
//! It reads verdict JSON only (it never reviews a package again) and takes anything it finds in
//! its stride: the files `batch` writes beside its verdicts (`summary.json`, reports, the lock)
//! are passed over without a word, any other entry that is not a verdict is listed as skipped,
//! never an error. The pure core is
//! [`from_verdicts`]; [`collect`] reads a folder into it. A [`Stats`] renders as a terminal table,
//! CSV, JSON or one self-contained HTML page with an inline SVG chart. Every list is in a fixed
//! order (stages in spec order, periods ascending with `unknown` last, check ids by count), so the
//! same verdicts always give the same bytes.

use std::collections::BTreeMap;
use std::fmt::{self, Write};
use std::path::Path;

use serde_json::{json, Map, Value};

use crate::schema::StageId;
use crate::values::Date;

/// The label of the per-stage total row (`合计`), in every format but JSON (`all_periods`).
pub const TOTAL_LABEL: &str = "合计";

/// The label of the period without a usable 申报日期 in the tables for a person (`unknown` in
/// JSON).
pub const UNKNOWN_LABEL: &str = "无申报日期";

/// The name the office uses for a stage in its tables (规划备案, 前置评审, 验收报备（投入使用）…).
pub fn stage_name(stage: StageId) -> &'static str {
    match stage {
        StageId::Plan => "规划备案",
        StageId::Addition => "项目追加",
        StageId::Review => "前置评审",
        StageId::Commissioning => "验收报备（投入使用）",
        StageId::Performance => "绩效自评",
    }
}

/// The Chinese title of a check id (any case), `None` for an id this build does not know (a
/// verdict of another ruleset).
pub fn check_title(id: &str) -> Option<&'static str> {
    crate::checks::find(id).map(|c| c.title)
}

/// A reporting period. The office's periods run from July to June: 2020-07-01..=2021-06-30 is
/// `2020.7-2021.6`. Periods order ascending, [`Period::Unknown`] last.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Period {
    /// From July 1 of this year to June 30 of the next.
    From(i32),
    /// The verdict gives no (valid) `project.submission_date`.
    Unknown,
}

impl Period {
    /// The period of an ISO `YYYY-MM-DD` date; anything else (a missing, malformed or impossible
    /// date such as `2021-02-30`) is [`Period::Unknown`].
    pub fn of_iso_date(s: &str) -> Period {
        parse_iso(s).map_or(Period::Unknown, Period::of_date)
    }

    /// The period a date falls in.
    pub fn of_date(d: Date) -> Period {
        if d.month() >= 7 {
            Period::From(d.year())
        } else {
            Period::From(d.year() - 1)
        }
    }

    /// `2020.7-2021.6`, or `unknown` (the JSON's form).
    pub fn label(&self) -> String {
        self.to_string()
    }

    /// `2020.7-2021.6`, or `无申报日期` (the form of the tables for a person: table, CSV, HTML).
    pub fn label_zh(&self) -> String {
        match self {
            Period::From(_) => self.to_string(),
            Period::Unknown => UNKNOWN_LABEL.to_string(),
        }
    }
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Period::From(y) => write!(f, "{y}.7-{}.6", i64::from(*y) + 1),
            Period::Unknown => f.write_str("unknown"),
        }
    }
}

/// A strict `YYYY-MM-DD` (the verdict's date form) that names a real day.
fn parse_iso(s: &str) -> Option<Date> {
    let b = s.as_bytes();
    let digits = |r: std::ops::Range<usize>| b.get(r).is_some_and(|d| d.iter().all(u8::is_ascii_digit));
    if b.len() != 10
        || b.get(4) != Some(&b'-')
        || b.get(7) != Some(&b'-')
        || !digits(0..4)
        || !digits(5..7)
        || !digits(8..10)
    {
        return None;
    }
    Date::new(
        s.get(0..4)?.parse().ok()?,
        s.get(5..7)?.parse().ok()?,
        s.get(8..10)?.parse().ok()?,
    )
}

/// Counts of one stage in one period (or over all periods).
///
/// Only verdict `pass` counts as passed. A plan with some items not supported is `partial`: it is
/// *not* counted as passed but reported in its own column, so `passed + partial + fail +
/// incomplete + needs_review == total`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    /// Packages (总数量).
    pub total: u64,
    /// Verdict `pass` (通过数).
    pub passed: u64,
    /// Verdict `partial` (部分支持; plans only).
    pub partial: u64,
    /// Verdict `fail`.
    pub fail: u64,
    /// Verdict `incomplete`.
    pub incomplete: u64,
    /// Verdict `needs_review`.
    pub needs_review: u64,
}

impl Counts {
    fn add(&mut self, kind: Kind) {
        self.total += 1;
        match kind {
            Kind::Pass => self.passed += 1,
            Kind::Partial => self.partial += 1,
            Kind::Fail => self.fail += 1,
            Kind::Incomplete => self.incomplete += 1,
            Kind::NeedsReview => self.needs_review += 1,
            Kind::Error => {}
        }
    }

    fn merge(&mut self, o: &Counts) {
        self.total += o.total;
        self.passed += o.passed;
        self.partial += o.partial;
        self.fail += o.fail;
        self.incomplete += o.incomplete;
        self.needs_review += o.needs_review;
    }

    /// passed / total in hundredths of a percent, rounded half up (`9909` for 109 of 110); `None`
    /// when total is 0. Integer arithmetic, so the same counts always print the same rate.
    pub fn pass_rate_basis_points(&self) -> Option<u64> {
        basis_points(self.passed, self.total)
    }

    /// The pass rate as a percentage with two decimals (`99.09`), `None` when total is 0.
    pub fn pass_rate(&self) -> Option<f64> {
        self.pass_rate_basis_points().map(|bp| bp as f64 / 100.0)
    }

    /// The pass rate as the office writes it (`99.09%`), `-` when total is 0.
    pub fn pass_rate_text(&self) -> String {
        percent_text(self.pass_rate_basis_points())
    }

    fn to_json(self) -> Value {
        json!({
            "total": self.total,
            "passed": self.passed,
            "partial": self.partial,
            "fail": self.fail,
            "incomplete": self.incomplete,
            "needs_review": self.needs_review,
            "pass_rate": self.pass_rate(),
        })
    }
}

/// One period of a stage.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PeriodRow {
    /// The July–June period, or `unknown`.
    pub period: Period,
    /// The stage's verdicts in that period.
    pub counts: Counts,
    /// For [`Period::Unknown`], the packages without a usable 申报日期, so a reviewer can look
    /// them up: each verdict's `package.file` (else the verdict's file name), sorted. Empty for
    /// every other period.
    pub packages: Vec<String>,
}

/// One stage's table: a row per period (ascending, `unknown` last) and the total (`合计`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StageStats {
    /// The stage (its table title is [`stage_name`]).
    pub stage: StageId,
    /// One row per period with at least one verdict.
    pub rows: Vec<PeriodRow>,
    /// Over all periods (`合计`).
    pub total: Counts,
}

/// How many verdicts of a stage have a check `violated`, and how many `undetermined`.
///
/// A verdict counts once per check id: `violated` when the package-level check or any plan item's
/// check with that id is violated, else `undetermined` when one is undetermined.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckFailures {
    /// The check id as the verdicts give it (`COMM-RL4`).
    pub check_id: String,
    /// The stage of the verdicts counted.
    pub stage: StageId,
    /// Verdicts with the check `violated`.
    pub violated: u64,
    /// Verdicts with the check `undetermined` (and not violated).
    pub undetermined: u64,
    /// The stage's verdicts counted (its `合计`): the `n` of [`CheckFailures::violated_rate`].
    pub stage_verdicts: u64,
}

impl CheckFailures {
    /// `violated` of `stage_verdicts` in hundredths of a percent, as
    /// [`Counts::pass_rate_basis_points`].
    pub fn violated_rate_basis_points(&self) -> Option<u64> {
        basis_points(self.violated, self.stage_verdicts)
    }

    /// The share of the stage's verdicts with the check violated, a percentage (`37.5`).
    pub fn violated_rate(&self) -> Option<f64> {
        self.violated_rate_basis_points().map(|bp| bp as f64 / 100.0)
    }

    /// `37.50%`, `-` when the stage has no verdict.
    pub fn violated_rate_text(&self) -> String {
        percent_text(self.violated_rate_basis_points())
    }
}

/// `part / total` in hundredths of a percent, rounded half up; `None` when total is 0. Integer
/// arithmetic, so the same counts always print the same rate.
fn basis_points(part: u64, total: u64) -> Option<u64> {
    if total == 0 {
        return None;
    }
    let (p, t) = (u128::from(part), u128::from(total));
    u64::try_from((p * 20_000 + t) / (2 * t)).ok()
}

/// `99.09%` for 9909, `-` for none.
fn percent_text(bp: Option<u64>) -> String {
    match bp {
        Some(bp) => format!("{}.{:02}%", bp / 100, bp % 100),
        None => "-".to_string(),
    }
}

/// A verdict that counts in the `errors` total: verdict `error`, or no stage.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct ErrorPackage {
    /// `package.file`, else the verdict's file name (or `#index` for [`from_verdicts`]).
    pub file: String,
    /// `project.name`, when the verdict has one.
    pub project: Option<String>,
    /// The verdict (`error`, or another verdict whose stage is null).
    pub verdict: String,
    /// Codes of the error findings, sorted, without repeats.
    pub codes: Vec<String>,
}

/// An input that is not a verdict, and why.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Skipped {
    /// The file name (for [`collect`]) or `#index`, 0-based (for [`from_verdicts`]).
    pub name: String,
    /// Why it is not counted.
    pub reason: String,
}

/// Statistics over a set of verdicts, like the office's own tables: rows per stage × period,
/// failures by check id, the `errors` total and the inputs that were skipped.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Stats {
    /// Stages that have at least one counted verdict, in spec order.
    pub stages: Vec<StageStats>,
    /// Verdicts `error` or without a stage, sorted by file; they are in no stage row.
    pub errors: Vec<ErrorPackage>,
    /// By `violated` descending, then `undetermined` descending, check id, stage; only check ids
    /// with at least one violated or undetermined.
    pub failures: Vec<CheckFailures>,
    /// Inputs that are not verdicts, sorted by name.
    pub skipped: Vec<Skipped>,
    /// Zip archives [`collect`] found in the folder (packages, not verdicts: `batch` reviews
    /// them); each is also in [`Stats::skipped`].
    pub zip_archives: u64,
}

/// One of the two CSV tables of [`Stats::render_csv`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CsvTable {
    /// Per stage and period: counts and pass rate (`periods.csv`).
    Periods,
    /// Per check id: how often it was violated (`failures.csv`).
    Failures,
}

impl CsvTable {
    /// Both tables, in the order they are written.
    pub const ALL: [CsvTable; 2] = [CsvTable::Periods, CsvTable::Failures];

    /// The file [`Stats::write_csv`] writes it to: `periods.csv`, `failures.csv`.
    pub fn file_name(self) -> &'static str {
        match self {
            CsvTable::Periods => "periods.csv",
            CsvTable::Failures => "failures.csv",
        }
    }
}

/// The environment variable that fixes the time an HTML page says it was made, in seconds since
/// 1970-01-01 UTC: the reproducible-builds convention, so the same verdicts give the same bytes.
pub const SOURCE_DATE_EPOCH: &str = "SOURCE_DATE_EPOCH";

/// What the HTML page says of itself: where its verdicts came from and when it was made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageInfo {
    /// The folder of the verdicts, as the page shows it.
    pub source: String,
    /// When the page was made, in seconds since 1970-01-01 UTC.
    pub generated: i64,
}

/// Beijing time, the office's (UTC+8 all year).
const BEIJING_OFFSET_SECONDS: i64 = 8 * 3600;

impl PageInfo {
    /// The page of the folder `dir` (shown as an absolute path), made now — or at
    /// [`SOURCE_DATE_EPOCH`] when that is set. A value that is not a whole number of seconds is
    /// an error naming it.
    pub fn for_folder(dir: &Path) -> Result<PageInfo, String> {
        let source = std::path::absolute(dir)
            .unwrap_or_else(|_| dir.to_path_buf())
            .display()
            .to_string();
        let generated = match std::env::var(SOURCE_DATE_EPOCH) {
            Ok(v) if !v.trim().is_empty() => v.trim().parse::<i64>().map_err(|_| {
                format!("{SOURCE_DATE_EPOCH}={v:?} is not a whole number of seconds since 1970-01-01 UTC")
            })?,
            _ => std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX)),
        };
        Ok(PageInfo { source, generated })
    }

    /// The local (Beijing) date and time: (year, month, day, hour, minute).
    fn local(&self) -> (i64, u32, u32, i64, i64) {
        let t = self.generated.saturating_add(BEIJING_OFFSET_SECONDS);
        let (days, secs) = (t.div_euclid(86_400), t.rem_euclid(86_400));
        let (y, m, d) = civil_from_days(days);
        (y, m, d, secs / 3600, secs % 3600 / 60)
    }

    /// `2024-05-01 18:32（北京时间）`.
    pub fn generated_text(&self) -> String {
        let (y, m, d, h, min) = self.local();
        format!("{y:04}-{m:02}-{d:02} {h:02}:{min:02}（北京时间）")
    }

    /// `2024-05-01T18:32+08:00`, for `<time datetime>`.
    pub fn generated_iso(&self) -> String {
        let (y, m, d, h, min) = self.local();
        format!("{y:04}-{m:02}-{d:02}T{h:02}:{min:02}+08:00")
    }
}

/// The proleptic Gregorian date of a day count since 1970-01-01.
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let (y, m, d) = crate::values::civil_from_days(days);
    (y, u32::try_from(m).unwrap_or(1), u32::try_from(d).unwrap_or(1))
}

/// A verdict file larger than this is skipped unread (real verdicts are kilobytes to a few MiB).
pub const MAX_VERDICT_BYTES: u64 = 256 * 1024 * 1024;

/// Whether `name`, in a folder whose `.json` files are `json_names`, is a file pingshen itself
/// writes there that is not a verdict: `batch`'s `summary.json`, its lock file, its HTML reports
/// (`x.zip.html` beside `x.zip.json`) and `index.html`, the temporary files of a batch still
/// running or killed (`.x.zip.json.tmp<pid>`), and the CSV files of `stats --out`. `collect`
/// passes over them without a word: they are no verdicts, and no surprise either.
pub fn written_by_pingshen(name: &str, json_names: &std::collections::BTreeSet<String>) -> bool {
    let lower = name.to_ascii_lowercase();
    if lower == "summary.json"
        || name == crate::batch::LOCK_FILE
        || lower == "index.html"
        || CsvTable::ALL.iter().any(|t| t.file_name() == lower)
    {
        return true;
    }
    if name.starts_with('.')
        && (name.contains(".json.tmp") || name.contains(".html.tmp") || name.contains(".pingshen-write-check"))
    {
        return true;
    }
    name.strip_suffix(".html")
        .is_some_and(|stem| json_names.contains(&format!("{stem}.json")))
}

/// Why an entry of the folder that is not a `.json` file is not read.
fn not_json_reason(name: &str, is_dir: bool) -> String {
    if is_dir {
        "文件夹，不读取其中内容（a folder: stats does not look inside）".to_string()
    } else if is_zip_name(name) {
        "评审包，不是评审结论：先用 pingshen batch 评审（a package, not a verdict: review it with pingshen batch）"
            .to_string()
    } else {
        "不是评审结论文件（not a .json verdict file）".to_string()
    }
}

fn is_zip_name(name: &str) -> bool {
    name.len() > 4 && name.to_ascii_lowercase().ends_with(".zip")
}

/// Statistics over every `*.json` directly in `dir` (not recursive) that is a verdict (an object
/// with `schema_version` and `verdict`). Files pingshen itself writes beside the verdicts
/// ([`written_by_pingshen`]: `summary.json`, reports, the lock) are passed over silently; every
/// other entry that is not a verdict — a `.json` that cannot be read or is not a verdict, a zip
/// archive, any other file, a subfolder — is listed in [`Stats::skipped`] with its name and why.
/// Zip archives are also counted in [`Stats::zip_archives`]. One bad file never fails the call
/// (a file over [`MAX_VERDICT_BYTES`] is skipped unread). Only a folder that cannot be listed is
/// an error.
pub fn collect(dir: &Path) -> std::io::Result<Stats> {
    let mut entries: Vec<(String, std::path::PathBuf)> = Vec::new();
    let mut skipped = Vec::new();
    for entry in std::fs::read_dir(dir)? {
        match entry {
            Ok(e) => entries.push((e.file_name().to_string_lossy().into_owned(), e.path())),
            Err(e) => skipped.push(Skipped {
                name: "?".to_string(),
                reason: format!("无法列出（cannot list entry: {e}）"),
            }),
        }
    }
    entries.sort();
    let is_json = |p: &Path| {
        p.extension()
            .is_some_and(|x| x.to_string_lossy().eq_ignore_ascii_case("json"))
    };
    let json_names: std::collections::BTreeSet<String> = entries
        .iter()
        .filter(|(_, p)| is_json(p))
        .map(|(n, _)| n.clone())
        .collect();
    let mut zip_archives = 0;
    let mut values: Vec<(String, Value)> = Vec::new();
    for (name, path) in entries {
        if written_by_pingshen(&name, &json_names) {
            continue;
        }
        // Follows symlinks: a linked verdict counts, a folder named `x.json` does not.
        let is_dir = path.is_dir();
        if is_dir || !is_json(&path) {
            if !is_dir && is_zip_name(&name) {
                zip_archives += 1;
            }
            let reason = not_json_reason(&name, is_dir);
            skipped.push(Skipped { name, reason });
            continue;
        }
        if let Ok(m) = std::fs::metadata(&path) {
            if m.len() > MAX_VERDICT_BYTES {
                skipped.push(Skipped {
                    name,
                    reason: format!(
                        "{} 字节，超过 {MAX_VERDICT_BYTES}，未读取（{} bytes, more than {MAX_VERDICT_BYTES}: not read）",
                        m.len(),
                        m.len()
                    ),
                });
                continue;
            }
        }
        match std::fs::read(&path) {
            Err(e) => skipped.push(Skipped {
                name,
                reason: format!("无法读取（cannot read: {e}）"),
            }),
            Ok(bytes) => match serde_json::from_slice::<Value>(&bytes) {
                Ok(v) => values.push((name, v)),
                Err(e) => skipped.push(Skipped {
                    name,
                    reason: format!("不是 JSON（not JSON: {e}）"),
                }),
            },
        }
    }
    let mut stats = build(values.iter().map(|(n, v)| (n.clone(), v)));
    stats.skipped.extend(skipped);
    stats.skipped.sort();
    stats.zip_archives = zip_archives;
    Ok(stats)
}

/// Statistics over verdicts already parsed: the pure core of [`collect`]. Inputs that are not
/// verdicts are listed in [`Stats::skipped`] as `#index` (0-based).
pub fn from_verdicts<'a>(verdicts: impl IntoIterator<Item = &'a Value>) -> Stats {
    build(verdicts.into_iter().enumerate().map(|(i, v)| (format!("#{i}"), v)))
}

use crate::verdict::VerdictKind as Kind;

/// What one input is.
enum Read<'a> {
    Counted {
        stage: StageId,
        kind: Kind,
        period: Period,
        checks: BTreeMap<&'a str, bool>,
    },
    Error(ErrorPackage),
    NotAVerdict(String),
}

fn str_at<'a>(v: &'a Value, path: &[&str]) -> Option<&'a str> {
    path.iter().try_fold(v, |v, k| v.get(k))?.as_str()
}

fn read_one<'a>(name: &str, v: &'a Value) -> Read<'a> {
    let Some(obj) = v.as_object() else {
        return Read::NotAVerdict("不是评审结论：不是 JSON 对象（not a verdict: not a JSON object）".to_string());
    };
    if !obj.contains_key("schema_version") {
        return Read::NotAVerdict("不是评审结论：没有 schema_version（not a verdict: no schema_version）".to_string());
    }
    let kind = match obj.get("verdict") {
        None => return Read::NotAVerdict("不是评审结论：没有 verdict（not a verdict: no verdict）".to_string()),
        Some(Value::String(s)) => match Kind::parse(s) {
            Some(k) => k,
            None => return Read::NotAVerdict(format!("结论未知（unknown verdict {s:?}）")),
        },
        Some(_) => return Read::NotAVerdict("结论不是字符串（verdict is not a string）".to_string()),
    };
    let stage = match obj.get("stage") {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) => match StageId::parse(s) {
            Some(st) => Some(st),
            None => return Read::NotAVerdict(format!("阶段未知（unknown stage {s:?}）")),
        },
        Some(_) => return Read::NotAVerdict("阶段不是字符串（stage is not a string）".to_string()),
    };
    let stage = match stage {
        Some(st) if kind != Kind::Error => st,
        _ => {
            let mut codes: Vec<String> = obj
                .get("findings")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter(|f| str_at(f, &["severity"]) == Some("error"))
                .filter_map(|f| str_at(f, &["code"]).map(str::to_string))
                .collect();
            codes.sort();
            codes.dedup();
            return Read::Error(ErrorPackage {
                file: str_at(v, &["package", "file"]).unwrap_or(name).to_string(),
                project: str_at(v, &["project", "name"]).map(str::to_string),
                verdict: str_at(v, &["verdict"]).unwrap_or_default().to_string(),
                codes,
            });
        }
    };
    let period = str_at(v, &["project", "submission_date"]).map_or(Period::Unknown, Period::of_iso_date);
    // Check id → violated (true) or undetermined (false); violated wins.
    let mut checks: BTreeMap<&str, bool> = BTreeMap::new();
    let item_checks = obj
        .get("items")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|i| i.get("checks").and_then(Value::as_array))
        .flatten();
    let all = obj
        .get("checks")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .chain(item_checks);
    for c in all {
        let (Some(id), Some(status)) = (str_at(c, &["id"]), str_at(c, &["status"])) else {
            continue;
        };
        match status {
            "violated" => {
                checks.insert(id, true);
            }
            "undetermined" => {
                checks.entry(id).or_insert(false);
            }
            _ => {}
        }
    }
    Read::Counted {
        stage,
        kind,
        period,
        checks,
    }
}

fn build<'a>(inputs: impl IntoIterator<Item = (String, &'a Value)>) -> Stats {
    let mut b = StatsBuilder::default();
    for (name, v) in inputs {
        b.add(name, v);
    }
    b.finish()
}

/// Statistics gathered one verdict at a time, for a caller that reads verdicts one by one and
/// holds only counters (`batch --html` writing its `index.html`): the same [`Stats`] as
/// [`from_verdicts`] over the same verdicts in the same order.
#[derive(Debug, Default)]
pub struct StatsBuilder {
    per_stage: BTreeMap<StageId, BTreeMap<Period, Counts>>,
    unknown: BTreeMap<StageId, Vec<String>>,
    failures: BTreeMap<(String, StageId), (u64, u64)>,
    stats: Stats,
}

impl StatsBuilder {
    /// Counts one input named `name` (listed as skipped when it is not a verdict).
    pub fn add(&mut self, name: String, v: &Value) {
        match read_one(&name, v) {
            Read::NotAVerdict(reason) => self.stats.skipped.push(Skipped { name, reason }),
            Read::Error(e) => self.stats.errors.push(e),
            Read::Counted {
                stage,
                kind,
                period,
                checks,
            } => {
                if period == Period::Unknown {
                    let file = str_at(v, &["package", "file"]).unwrap_or(&name).to_string();
                    self.unknown.entry(stage).or_default().push(file);
                }
                self.per_stage
                    .entry(stage)
                    .or_default()
                    .entry(period)
                    .or_default()
                    .add(kind);
                for (id, violated) in checks {
                    let slot = self.failures.entry((id.to_string(), stage)).or_default();
                    if violated {
                        slot.0 += 1;
                    } else {
                        slot.1 += 1;
                    }
                }
            }
        }
    }

    /// Lists an input that could not be read as skipped.
    pub fn skip(&mut self, name: String, reason: String) {
        self.stats.skipped.push(Skipped { name, reason });
    }

    /// The statistics, every list in its fixed order.
    pub fn finish(self) -> Stats {
        let StatsBuilder {
            per_stage,
            mut unknown,
            failures,
            mut stats,
        } = self;
        stats.stages = per_stage
            .into_iter()
            .map(|(stage, periods)| {
                let mut total = Counts::default();
                let rows = periods
                    .into_iter()
                    .map(|(period, counts)| {
                        total.merge(&counts);
                        let mut packages = match period {
                            Period::Unknown => unknown.remove(&stage).unwrap_or_default(),
                            Period::From(_) => Vec::new(),
                        };
                        packages.sort();
                        PeriodRow {
                            period,
                            counts,
                            packages,
                        }
                    })
                    .collect();
                StageStats { stage, rows, total }
            })
            .collect();
        let stage_total = |stage: StageId| {
            stats
                .stages
                .iter()
                .find(|s| s.stage == stage)
                .map_or(0, |s| s.total.total)
        };
        let failures: Vec<CheckFailures> = failures
            .into_iter()
            .map(|((check_id, stage), (violated, undetermined))| CheckFailures {
                check_id,
                stage,
                violated,
                undetermined,
                stage_verdicts: stage_total(stage),
            })
            .collect();
        stats.failures = failures;
        stats.failures.sort_by(|a, b| {
            (b.violated, b.undetermined)
                .cmp(&(a.violated, a.undetermined))
                .then_with(|| (&a.check_id, a.stage).cmp(&(&b.check_id, b.stage)))
        });
        stats.errors.sort();
        stats.skipped.sort();
        stats
    }
}

impl StageStats {
    /// Whether the table shows the `partial` column: always for the plan, otherwise only when a
    /// verdict of the stage is `partial`.
    fn shows_partial(&self) -> bool {
        self.stage == StageId::Plan || self.total.partial > 0
    }
}

/// `s` as one shell word: as it is when it holds only characters a shell leaves alone, else in
/// single quotes (a `'` inside written `'\''`).
fn shell_word(s: &str) -> String {
    let plain = !s.is_empty()
        && s.chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '/' | '.' | '_' | '-' | '+' | ':' | ',' | '@' | '%'));
    if plain {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', "'\\''"))
    }
}

/// `1 zip archive`, `3 zip archives`.
fn zip_archives_text(n: u64) -> String {
    if n == 1 {
        "1 zip archive".to_string()
    } else {
        format!("{n} zip archives")
    }
}

impl Stats {
    /// Why statistics over the folder `dir` (as the user gave it) make no sense, in plain words
    /// for stderr, when it holds no verdict at all: either it holds zip archives (the packages,
    /// not the verdicts `batch` writes of them) or nothing stats can read. `None` when there is
    /// at least one verdict.
    pub fn unusable_folder(&self, dir: &Path) -> Option<String> {
        if self.verdict_count() > 0 {
            return None;
        }
        let shown = dir.display().to_string();
        let word = shell_word(&shown);
        if self.zip_archives > 0 {
            return Some(format!(
                "this folder holds {} — stats reads verdicts: run `pingshen batch {word} --out OUT` first, then \
                 `pingshen stats OUT`\n（{shown} 中是 {} 个评审包（zip），stats 统计的是评审结论：请先运行 \
                 `pingshen batch {word} --out OUT`，再运行 `pingshen stats OUT`）",
                zip_archives_text(self.zip_archives),
                self.zip_archives
            ));
        }
        let mut others = String::new();
        if !self.skipped.is_empty() {
            let names: Vec<&str> = self.skipped.iter().take(5).map(|k| k.name.as_str()).collect();
            let more = if self.skipped.len() > names.len() { ", …" } else { "" };
            others = format!(" ({} other entries: {}{more})", self.skipped.len(), names.join(", "));
        }
        Some(format!(
            "no verdicts in {shown}{others} — stats reads the verdict files (`<package>.zip.json`) that \
             `pingshen batch PACKAGES --out {word}` writes\n（{shown} 中没有评审结论：stats 统计 \
             `pingshen batch 评审包文件夹 --out 输出文件夹` 写出的评审结论文件）"
        ))
    }

    /// A warning for stderr when the folder holds zip archives beside its verdicts: they are not
    /// counted. `None` otherwise.
    pub fn folder_warning(&self) -> Option<String> {
        (self.zip_archives > 0 && self.verdict_count() > 0).then(|| {
            format!(
                "this folder also holds {}: they are packages, not verdicts, and are not counted (`pingshen batch` \
                 reviews them)（另有 {} 个评审包（zip）未计入统计）",
                zip_archives_text(self.zip_archives),
                self.zip_archives
            )
        })
    }

    /// Verdicts counted: those in a stage row plus the `errors`.
    pub fn verdict_count(&self) -> u64 {
        self.stages.iter().map(|s| s.total.total).sum::<u64>() + self.errors.len() as u64
    }

    /// Verdicts `error` or without a stage.
    pub fn error_count(&self) -> u64 {
        self.errors.len() as u64
    }

    /// The stats for a terminal, headers in Chinese with the English beside: one table per stage
    /// (时间, 总数量, 通过数, 部分支持 when shown, 通过率, then 合计) and the packages of its
    /// `无申报日期` period, the errors, the failures by check id and the skipped inputs. Columns
    /// are aligned by display width (a CJK character takes two columns).
    pub fn render_table(&self) -> String {
        let mut o = String::new();
        let (zh, en) = self.headline();
        let _ = writeln!(o, "{zh}（{en}）");
        for s in &self.stages {
            let _ = writeln!(o, "\n{} ({})", stage_name(s.stage), s.stage.as_str());
            let partial = s.shows_partial();
            let mut headers = vec!["时间 period", "总数量 total", "通过数 passed"];
            if partial {
                headers.push("部分支持 partial");
            }
            headers.push("通过率 pass rate");
            let row = |label: String, c: &Counts| {
                let mut r = vec![label, c.total.to_string(), c.passed.to_string()];
                if partial {
                    r.push(c.partial.to_string());
                }
                r.push(c.pass_rate_text());
                r
            };
            let mut rows: Vec<Vec<String>> = s.rows.iter().map(|r| row(r.period.label_zh(), &r.counts)).collect();
            rows.push(row(TOTAL_LABEL.to_string(), &s.total));
            let right: Vec<bool> = (0..headers.len()).map(|i| i > 0).collect();
            grid(&mut o, &headers, &right, &rows);
            for r in s.rows.iter().filter(|r| !r.packages.is_empty()) {
                let _ = writeln!(
                    o,
                    "{UNKNOWN_LABEL}的评审包 (packages without a usable 申报日期): {}",
                    r.packages.len()
                );
                for p in &r.packages {
                    let _ = writeln!(o, "  {}", clean(p));
                }
            }
        }
        if !self.errors.is_empty() {
            let _ = writeln!(o, "\n无法评审 (error or no stage): {}", self.errors.len());
            let rows: Vec<Vec<String>> = self
                .errors
                .iter()
                .map(|e| {
                    vec![
                        clean(&e.file),
                        clean(e.project.as_deref().unwrap_or("-")),
                        verdict_text(&e.verdict),
                        clean(&e.codes.join(" ")),
                    ]
                })
                .collect();
            grid(
                &mut o,
                &["文件 file", "项目 project", "结论 verdict", "错误代码 codes"],
                &[false; 4],
                &rows,
            );
        }
        if !self.failures.is_empty() {
            let _ = writeln!(o, "\n检查未通过 (failures by check id)");
            let rows: Vec<Vec<String>> = self
                .failures
                .iter()
                .map(|f| {
                    vec![
                        clean(&f.check_id),
                        stage_name(f.stage).to_string(),
                        f.violated.to_string(),
                        f.undetermined.to_string(),
                        format!("{}（n={}）", f.violated_rate_text(), f.stage_verdicts),
                        check_title(&f.check_id).unwrap_or("-").to_string(),
                    ]
                })
                .collect();
            grid(
                &mut o,
                &[
                    "检查项 check",
                    "阶段 stage",
                    "违反 violated",
                    "无法判定 undetermined",
                    "违反比例 rate",
                    "名称 title",
                ],
                &[false, false, true, true, true, false],
                &rows,
            );
        }
        if !self.skipped.is_empty() {
            let _ = writeln!(o, "\n未读取 (skipped): {}", self.skipped.len());
            for s in &self.skipped {
                let _ = writeln!(o, "  {}: {}", clean(&s.name), clean(&s.reason));
            }
        }
        o
    }

    /// The count of verdicts, in Chinese and in English.
    fn headline(&self) -> (String, String) {
        let (n, errors, skipped) = (self.verdict_count(), self.error_count(), self.skipped.len());
        let counted = n - errors;
        (
            format!("评审结论 {n} 份：计入各阶段 {counted} 份，无法评审 {errors} 份，未读取文件 {skipped} 个"),
            format!("{n} verdicts: {counted} in stage tables, {errors} error, {skipped} skipped"),
        )
    }

    /// One of the two CSV tables, for a spreadsheet: UTF-8 with a byte-order mark (so Excel reads
    /// the Chinese), CRLF line ends, fields quoted as RFC 4180 says, a header row in Chinese.
    ///
    /// [`CsvTable::Periods`]: `阶段,阶段代码,时间,总数量,通过数,部分支持,不通过,材料不全,需人工复核,通过率,无申报日期的评审包`,
    /// a row per stage × period and the stage's `合计`; 阶段代码 is the stage's wire id (`plan`),
    /// 时间 `2020.7-2021.6`, `无申报日期` or `合计`, 通过率 `99.09%`; the last column names the
    /// packages of the `无申报日期` row, separated by `、`.
    ///
    /// [`CsvTable::Failures`]: `检查项,检查名称,阶段,阶段代码,违反,无法判定,该阶段评审数,违反比例`, a
    /// row per check id and stage, most violated first.
    ///
    /// The errors and skipped inputs are in neither table.
    pub fn render_csv(&self, table: CsvTable) -> String {
        let mut rows: Vec<Vec<String>> = Vec::new();
        match table {
            CsvTable::Periods => {
                rows.push(
                    [
                        "阶段",
                        "阶段代码",
                        "时间",
                        "总数量",
                        "通过数",
                        "部分支持",
                        "不通过",
                        "材料不全",
                        "需人工复核",
                        "通过率",
                        "无申报日期的评审包",
                    ]
                    .map(str::to_string)
                    .to_vec(),
                );
                for s in &self.stages {
                    let lines = s
                        .rows
                        .iter()
                        .map(|r| (r.period.label_zh(), &r.counts, r.packages.join("、")))
                        .chain(std::iter::once((TOTAL_LABEL.to_string(), &s.total, String::new())));
                    for (period, c, packages) in lines {
                        rows.push(vec![
                            stage_name(s.stage).to_string(),
                            s.stage.as_str().to_string(),
                            period,
                            c.total.to_string(),
                            c.passed.to_string(),
                            c.partial.to_string(),
                            c.fail.to_string(),
                            c.incomplete.to_string(),
                            c.needs_review.to_string(),
                            c.pass_rate_text(),
                            packages,
                        ]);
                    }
                }
            }
            CsvTable::Failures => {
                rows.push(
                    [
                        "检查项",
                        "检查名称",
                        "阶段",
                        "阶段代码",
                        "违反",
                        "无法判定",
                        "该阶段评审数",
                        "违反比例",
                    ]
                    .map(str::to_string)
                    .to_vec(),
                );
                for f in &self.failures {
                    rows.push(vec![
                        f.check_id.clone(),
                        check_title(&f.check_id).unwrap_or_default().to_string(),
                        stage_name(f.stage).to_string(),
                        f.stage.as_str().to_string(),
                        f.violated.to_string(),
                        f.undetermined.to_string(),
                        f.stage_verdicts.to_string(),
                        f.violated_rate_text(),
                    ]);
                }
            }
        }
        let mut o = String::from("\u{FEFF}");
        for r in rows {
            let cells: Vec<String> = r.iter().map(|c| csv_field(c)).collect();
            o.push_str(&cells.join(","));
            o.push_str("\r\n");
        }
        o
    }

    /// Writes both CSV tables into `dir` (made when missing) as [`CsvTable::file_name`], each
    /// atomically; returns their paths.
    pub fn write_csv(&self, dir: &Path) -> std::io::Result<Vec<std::path::PathBuf>> {
        std::fs::create_dir_all(dir)?;
        let mut written = Vec::new();
        for table in CsvTable::ALL {
            let path = dir.join(table.file_name());
            crate::batch::write_atomic(&path, &self.render_csv(table))?;
            written.push(path);
        }
        Ok(written)
    }

    /// The stats as JSON, pretty, keys sorted at every level, with a final newline:
    /// `{"errors": {"total", "packages"}, "failures": [{"check_id", "title", "stage", "violated",
    /// "undetermined", "stage_verdicts", "violated_rate"}], "skipped", "stages": [{"stage",
    /// "name", "periods": [{"period", "total", "passed", "partial", "fail", "incomplete",
    /// "needs_review", "pass_rate"}], "all_periods"}], "verdicts"}`; the `unknown` period also has
    /// `"packages"`, the file names of its packages. Rates are percentages (`99.09`), null when
    /// there is nothing to rate. `schemas/stats.schema.json` describes it.
    pub fn to_json(&self) -> String {
        let stages: Vec<Value> = self
            .stages
            .iter()
            .map(|s| {
                let periods: Vec<Value> = s
                    .rows
                    .iter()
                    .map(|r| {
                        let mut c = r.counts.to_json();
                        if let Some(m) = c.as_object_mut() {
                            m.insert("period".to_string(), Value::String(r.period.label()));
                            if r.period == Period::Unknown {
                                m.insert("packages".to_string(), json!(r.packages));
                            }
                        }
                        c
                    })
                    .collect();
                json!({
                    "stage": s.stage.as_str(),
                    "name": stage_name(s.stage),
                    "periods": periods,
                    "all_periods": s.total.to_json(),
                })
            })
            .collect();
        let doc = json!({
            "verdicts": self.verdict_count(),
            "stages": stages,
            "errors": {
                "total": self.error_count(),
                "packages": self.errors.iter().map(|e| json!({
                    "file": e.file,
                    "project": e.project,
                    "verdict": e.verdict,
                    "codes": e.codes,
                })).collect::<Vec<_>>(),
            },
            "failures": self.failures.iter().map(|f| json!({
                "check_id": f.check_id,
                "title": check_title(&f.check_id),
                "stage": f.stage.as_str(),
                "violated": f.violated,
                "undetermined": f.undetermined,
                "stage_verdicts": f.stage_verdicts,
                "violated_rate": f.violated_rate(),
            })).collect::<Vec<_>>(),
            "skipped": self.skipped.iter().map(|s| json!({"name": s.name, "reason": s.reason})).collect::<Vec<_>>(),
        });
        let mut s = serde_json::to_string_pretty(&sorted(doc)).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
        s.push('\n');
        s
    }

    /// The stats as one self-contained HTML5 page: inline CSS, no scripts, no network assets.
    /// Under the heading, the folder the verdicts came from and when the page was made
    /// (`info`); then [`Stats::html_sections`]. Every text from the verdicts is escaped; the same
    /// verdicts and `info` always give the same bytes.
    pub fn render_html(&self, info: &PageInfo) -> String {
        let mut o = String::new();
        o.push_str("<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n");
        o.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
        o.push_str("<title>评审统计 · pingshen stats</title>\n<style>\n");
        o.push_str(CSS);
        o.push_str("</style>\n</head>\n<body>\n<main>\n");
        o.push_str("<h1>评审统计 <span class=\"en\">pingshen stats</span></h1>\n");
        let _ = writeln!(
            o,
            "<p class=\"meta\"><span id=\"source\">数据来源 <span class=\"en\">source</span>：<code>{}</code></span><br>\n\
             <span id=\"generated\">生成时间 <span class=\"en\">generated</span>：<time datetime=\"{}\">{}</time></span></p>",
            esc(&info.source),
            info.generated_iso(),
            info.generated_text()
        );
        o.push_str(&self.html_sections());
        o.push_str("</main>\n</body>\n</html>\n");
        o
    }

    /// The body of [`Stats::render_html`] without the page around it: the headline, per stage
    /// the chart, the table and the packages without 申报日期, the errors, the failures by check
    /// id and the skipped inputs. Headers are Chinese with the English beside; every rate has its
    /// `n` beside it. For a page of another command (`batch --html` puts it in its
    /// `index.html`), which includes [`HTML_CSS`] for it.
    pub fn html_sections(&self) -> String {
        let mut o = String::new();
        let (zh, en) = self.headline();
        let _ = writeln!(
            o,
            "<p class=\"headline\">{} <span class=\"en\">{}</span></p>",
            esc(&zh),
            esc(&en)
        );
        o.push_str(
            "<p class=\"note\">通过数只计“通过”（pass）；规划备案的“部分支持”（partial）单列，不计入通过数。\
             时间按申报日期，每年 7 月至次年 6 月为一期；没有有效申报日期的列为“无申报日期”。\
             比率旁的 n 是它的分母：该期（或该阶段）的评审包数。</p>\n",
        );
        if self.stages.is_empty() {
            o.push_str("<p>没有可统计的评审结论。</p>\n");
        }
        for s in &self.stages {
            let _ = writeln!(
                o,
                "<section class=\"stage\" data-stage=\"{}\">\n<h2>{} <span class=\"en\">{}</span></h2>",
                esc(s.stage.as_str()),
                esc(stage_name(s.stage)),
                esc(s.stage.as_str())
            );
            chart(&mut o, s);
            let partial = s.shows_partial();
            o.push_str("<table>\n<thead><tr>");
            o.push_str(&th("时间", "period"));
            o.push_str(&th_n("总数量", "total"));
            o.push_str(&th_n("通过数", "passed"));
            if partial {
                o.push_str(&th_n("部分支持", "partial"));
            }
            o.push_str(&th_n("通过率", "pass rate"));
            o.push_str("</tr></thead>\n<tbody>\n");
            let rows = s
                .rows
                .iter()
                .map(|r| (r.period.label_zh(), &r.counts, ""))
                .chain(std::iter::once((TOTAL_LABEL.to_string(), &s.total, " class=\"total\"")));
            for (label, c, class) in rows {
                let _ = write!(
                    o,
                    "<tr{class}><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td>",
                    esc(&label),
                    c.total,
                    c.passed
                );
                if partial {
                    let _ = write!(o, "<td class=\"n\">{}</td>", c.partial);
                }
                let _ = writeln!(
                    o,
                    "<td class=\"n rate\">{}</td></tr>",
                    rate_with_n(&c.pass_rate_text(), c.total)
                );
            }
            o.push_str("</tbody>\n</table>\n");
            for r in s.rows.iter().filter(|r| !r.packages.is_empty()) {
                let _ = writeln!(
                    o,
                    "<div class=\"unknown\"><p>{UNKNOWN_LABEL}的评审包 <span class=\"en\">packages without a usable 申报日期</span>（{}）：</p>\n<ul>",
                    r.packages.len()
                );
                for p in &r.packages {
                    let _ = writeln!(o, "<li><code>{}</code></li>", esc(p));
                }
                o.push_str("</ul></div>\n");
            }
            o.push_str("</section>\n");
        }
        if !self.errors.is_empty() {
            let _ = writeln!(
                o,
                "<section>\n<h2>无法评审 <span class=\"en\">error or no stage</span>（{}）</h2>",
                self.errors.len()
            );
            o.push_str("<table>\n<thead><tr>");
            for (zh, en) in [
                ("文件", "file"),
                ("项目", "project"),
                ("结论", "verdict"),
                ("错误代码", "codes"),
            ] {
                o.push_str(&th(zh, en));
            }
            o.push_str("</tr></thead>\n<tbody>\n");
            for e in &self.errors {
                let _ = writeln!(
                    o,
                    "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                    esc(&e.file),
                    esc(e.project.as_deref().unwrap_or("-")),
                    esc(&verdict_text(&e.verdict)),
                    esc(&e.codes.join(" "))
                );
            }
            o.push_str("</tbody>\n</table>\n</section>\n");
        }
        o.push_str(
            "<section class=\"failures\">\n<h2>检查未通过 <span class=\"en\">failures by check id</span></h2>\n",
        );
        if self.failures.is_empty() {
            o.push_str("<p>无。</p>\n");
        } else {
            o.push_str("<table>\n<thead><tr>");
            for (zh, en) in [("检查项", "check"), ("名称", "title"), ("阶段", "stage")] {
                o.push_str(&th(zh, en));
            }
            o.push_str(&th_n("违反", "violated"));
            o.push_str(&th_n("无法判定", "undetermined"));
            o.push_str(&th("违反比例", "rate"));
            o.push_str("</tr></thead>\n<tbody>\n");
            for f in &self.failures {
                let bp = f.violated_rate_basis_points().unwrap_or(0).min(10_000);
                let zero = if bp == 0 { " zero" } else { "" };
                let _ = writeln!(
                    o,
                    "<tr data-check=\"{}\"><td><code>{}</code></td><td class=\"title\">{}</td><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td>\
                     <td class=\"share\"><span class=\"meter\"><span class=\"fill{zero}\" style=\"width:{}.{:02}%\"></span></span> {}</td></tr>",
                    esc(&f.check_id),
                    esc(&f.check_id),
                    esc(check_title(&f.check_id).unwrap_or("-")),
                    esc(stage_name(f.stage)),
                    f.violated,
                    f.undetermined,
                    bp / 100,
                    bp % 100,
                    rate_with_n(&f.violated_rate_text(), f.stage_verdicts)
                );
            }
            o.push_str("</tbody>\n</table>\n");
        }
        o.push_str("</section>\n");
        if !self.skipped.is_empty() {
            let _ = writeln!(
                o,
                "<section>\n<h2>未读取的文件 <span class=\"en\">skipped</span>（{}）</h2>\n<ul>",
                self.skipped.len()
            );
            for s in &self.skipped {
                let _ = writeln!(o, "<li><code>{}</code>：{}</li>", esc(&s.name), esc(&s.reason));
            }
            o.push_str("</ul>\n</section>\n");
        }
        o
    }
}

/// A table header: the Chinese, the English beside it.
fn th(zh: &str, en: &str) -> String {
    format!("<th>{zh} <span class=\"en\">{en}</span></th>")
}

/// The header of a column of numbers (right-aligned like them).
fn th_n(zh: &str, en: &str) -> String {
    format!("<th class=\"n\">{zh} <span class=\"en\">{en}</span></th>")
}

/// `62.50%（n=8）`, escaped for HTML.
fn rate_with_n(rate: &str, n: u64) -> String {
    format!("{}（n={n}）", esc(rate))
}

/// A verdict's wire id with its Chinese before it (`无法评审 error`), or the id alone when it is
/// not one.
fn verdict_text(id: &str) -> String {
    match Kind::parse(id) {
        Some(k) => format!("{} {}", crate::report::verdict_zh(k), k.as_str()),
        None => clean(id),
    }
}

/// The style of [`Stats::render_html`], for a page that shows [`Stats::html_sections`].
pub const HTML_CSS: &str = CSS;

const CSS: &str = "\
body{font-family:system-ui,\"Noto Sans CJK SC\",\"Microsoft YaHei\",sans-serif;margin:0;background:#f6f7f9;color:#1d2330;font-size:16px}
main{max-width:1100px;margin:0 auto;padding:24px}
h1{font-size:1.7em;margin:0 0 8px}
h2{font-size:1.3em;margin:20px 0 12px}
.en{color:#667085;font-weight:normal;font-size:.8em}
.meta{color:#344054;margin:4px 0 16px;line-height:1.7}
.meta code{font-size:.95em;word-break:break-all}
.headline{font-weight:600}
.note{color:#475467;font-size:.92em;line-height:1.6}
section{background:#fff;border:1px solid #e4e7ec;border-radius:8px;padding:8px 20px 20px;margin:16px 0;overflow-x:auto}
table{border-collapse:collapse;margin-top:12px}
th,td{border-bottom:1px solid #e4e7ec;padding:6px 12px;text-align:left;vertical-align:middle}
th{background:#f2f4f7}
thead th{white-space:nowrap;vertical-align:bottom}
thead th .en{display:block;font-size:.75em}
thead th.n{text-align:right}
td.n,td.rate{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
tr.total td{font-weight:600;border-top:2px solid #98a2b3}
.unknown p{margin:14px 0 4px;color:#344054}
.unknown ul{margin:0;padding-left:1.4em;columns:2 24em}
.failures td{white-space:nowrap}
.failures td.title{white-space:normal;min-width:13em}
td.share{font-variant-numeric:tabular-nums}
.meter{display:inline-block;width:100px;height:14px;vertical-align:middle;background:#f2f4f7;border:1px solid #98a2b3;border-radius:2px;text-align:left}
.meter .fill{display:block;height:100%;background:#f04438}
.meter .fill.zero{width:3px !important;background:#475467}
svg.chart{display:block;max-width:100%;height:auto;margin:4px 0}
svg text{font-size:14px;fill:#344054;font-family:inherit}
svg text.value{font-weight:600;fill:#1d2330}
svg text.sub{font-size:12px;fill:#667085}
svg .grid{stroke:#e4e7ec;stroke-width:1}
svg .axis{stroke:#667085;stroke-width:1.5}
svg .track{fill:#f8f9fc;stroke:#d0d5dd;stroke-width:1}
svg .bar{fill:#2e90fa}
svg .bar.unknown{fill:#98a2b3}
svg .bar.zero{fill:#d92d20}
";

/// An inline SVG bar chart of the stage's pass rate per period, drawn at its own size in CSS
/// pixels (14 px text) so it reads without zooming; narrower screens scale it down. Every
/// period has an outlined track from 0 to 100 %, so a 0 % period still shows: its bar is a red
/// line on the axis. Above each bar the rate with its `n`, below the period and `通过 x / 共 n`.
/// No `xmlns`: an HTML5 parser puts inline `<svg>` in the SVG namespace itself.
fn chart(o: &mut String, s: &StageStats) {
    const LEFT: u64 = 60;
    const TOP: u64 = 40;
    const PLOT: u64 = 240;
    const SLOT: u64 = 170;
    const BAR: u64 = 84;
    const BOTTOM: u64 = 56;
    /// The height of a bar for 0 % (and the least height of any other), in px.
    const MIN_BAR: u64 = 3;
    let n = s.rows.len() as u64;
    let width = LEFT + n.max(2) * SLOT + 16;
    let height = TOP + PLOT + BOTTOM;
    let base = TOP + PLOT;
    let _ = writeln!(
        o,
        "<svg class=\"chart\" data-stage=\"{}\" viewBox=\"0 0 {width} {height}\" width=\"{width}\" height=\"{height}\" role=\"img\" aria-label=\"{} 各期通过率\">",
        esc(s.stage.as_str()),
        esc(stage_name(s.stage))
    );
    let _ = writeln!(o, "<title>{} 各期通过率</title>", esc(stage_name(s.stage)));
    for pct in [0u64, 25, 50, 75, 100] {
        let y = base - pct * PLOT / 100;
        let class = if pct == 0 { "axis" } else { "grid" };
        let _ = writeln!(
            o,
            "<line class=\"{class}\" x1=\"{LEFT}\" y1=\"{y}\" x2=\"{}\" y2=\"{y}\"/>",
            width - 8
        );
        let _ = writeln!(
            o,
            "<text x=\"{}\" y=\"{}\" text-anchor=\"end\">{pct}%</text>",
            LEFT - 8,
            y + 5
        );
    }
    for (i, r) in s.rows.iter().enumerate() {
        let x = LEFT + i as u64 * SLOT + (SLOT - BAR) / 2;
        let mid = x + BAR / 2;
        let bp = r.counts.pass_rate_basis_points().unwrap_or(0).min(10_000);
        // Tenths of a pixel, so close rates still differ; never thinner than MIN_BAR.
        let h10 = (bp * PLOT * 10 / 10_000).max(MIN_BAR * 10);
        let y10 = base * 10 - h10;
        let mut class = String::from("bar");
        if r.period == Period::Unknown {
            class.push_str(" unknown");
        }
        if bp == 0 {
            class.push_str(" zero");
        }
        let label = esc(&r.period.label_zh());
        let rate = rate_with_n(&r.counts.pass_rate_text(), r.counts.total);
        let _ = writeln!(
            o,
            "<rect class=\"track\" x=\"{x}\" y=\"{TOP}\" width=\"{BAR}\" height=\"{PLOT}\"/>"
        );
        let _ = writeln!(
            o,
            "<rect class=\"{class}\" data-period=\"{}\" x=\"{x}\" y=\"{}.{}\" width=\"{BAR}\" height=\"{}.{}\"><title>{label}：通过 {} / 共 {} = {rate}</title></rect>",
            esc(&r.period.label()),
            y10 / 10,
            y10 % 10,
            h10 / 10,
            h10 % 10,
            r.counts.passed,
            r.counts.total
        );
        let _ = writeln!(
            o,
            "<text class=\"value\" x=\"{mid}\" y=\"{}\" text-anchor=\"middle\">{rate}</text>",
            (y10 / 10).saturating_sub(8)
        );
        let _ = writeln!(
            o,
            "<text x=\"{mid}\" y=\"{}\" text-anchor=\"middle\">{label}</text>",
            base + 22
        );
        let _ = writeln!(
            o,
            "<text class=\"sub\" x=\"{mid}\" y=\"{}\" text-anchor=\"middle\">通过 {} / 共 {}</text>",
            base + 42,
            r.counts.passed,
            r.counts.total
        );
    }
    o.push_str("</svg>\n");
}

/// Keys sorted at every level, whatever map order serde_json was built with.
fn sorted(v: Value) -> Value {
    match v {
        Value::Object(m) => {
            let mut entries: Vec<(String, Value)> = m.into_iter().collect();
            entries.sort_by(|a, b| a.0.cmp(&b.0));
            let mut out = Map::new();
            for (k, v) in entries {
                out.insert(k, sorted(v));
            }
            Value::Object(out)
        }
        Value::Array(a) => Value::Array(a.into_iter().map(sorted).collect()),
        other => other,
    }
}

use crate::report::html::esc;

/// A CSV field, quoted when it holds a comma, quote or line break (RFC 4180). A text that begins
/// like a formula (`=`, `+`, `-`, `@`, a tab or carriage return) gets a `'` before it, so a
/// spreadsheet shows it as text and never runs it (numbers never come here).
fn csv_field(s: &str) -> String {
    let s = if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{s}")
    } else {
        s.to_string()
    };
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s
    }
}

/// Text for a terminal: control characters (escape sequences, line breaks) from a verdict file
/// shown as `�` so they cannot move the cursor or break the table.
fn clean(s: &str) -> String {
    s.chars().map(|c| if c.is_control() { '\u{FFFD}' } else { c }).collect()
}

use crate::report::width;

/// Writes a table, columns two spaces apart and padded by display width: right-aligned where
/// `right[i]` (numbers), else left-aligned.
fn grid(o: &mut String, headers: &[&str], right: &[bool], rows: &[Vec<String>]) {
    // One width per header: zipping with `w` takes at most that many cells of a row.
    let mut w: Vec<usize> = headers.iter().map(|h| width(h)).collect();
    for r in rows {
        for (wi, cell) in w.iter_mut().zip(r) {
            *wi = (*wi).max(width(cell));
        }
    }
    let line = |o: &mut String, cells: &mut dyn Iterator<Item = &str>| {
        let mut s = String::new();
        for (i, (cell, wi)) in cells.zip(&w).enumerate() {
            let pad = " ".repeat(wi.saturating_sub(width(cell)));
            if i > 0 {
                s.push_str("  ");
            }
            if right.get(i).copied().unwrap_or(false) {
                s.push_str(&pad);
                s.push_str(cell);
            } else {
                s.push_str(cell);
                s.push_str(&pad);
            }
        }
        let _ = writeln!(o, "{}", s.trim_end());
    };
    line(o, &mut headers.iter().copied());
    for r in rows {
        line(o, &mut r.iter().map(String::as_str));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn periods_run_july_to_june() {
        assert_eq!(Period::of_iso_date("2021-06-30").label(), "2020.7-2021.6");
        assert_eq!(Period::of_iso_date("2021-07-01").label(), "2021.7-2022.6");
        assert_eq!(Period::of_iso_date("2020-07-01").label(), "2020.7-2021.6");
        assert_eq!(Period::of_iso_date("2021-01-15"), Period::From(2020));
        for bad in [
            "",
            "2021-02-30",
            "2021/07/01",
            "2021-7-1",
            "２０２１-07-01",
            "2021-13-01",
            "abcd-ef-gh",
        ] {
            assert_eq!(Period::of_iso_date(bad), Period::Unknown, "{bad}");
        }
        assert!(Period::From(2030) < Period::Unknown);
        assert!(Period::From(2017) < Period::From(2018));
    }

    #[test]
    fn pass_rates_round_like_the_office_tables() {
        let rate = |passed, total| {
            Counts {
                total,
                passed,
                ..Counts::default()
            }
            .pass_rate_text()
        };
        assert_eq!(rate(109, 110), "99.09%");
        assert_eq!(rate(85, 91), "93.41%");
        assert_eq!(rate(76, 89), "85.39%");
        assert_eq!(rate(37, 48), "77.08%");
        assert_eq!(rate(404, 603), "67.00%");
        assert_eq!(rate(99, 118), "83.90%");
        assert_eq!(rate(1, 8), "12.50%");
        assert_eq!(rate(0, 3), "0.00%");
        assert_eq!(rate(3, 3), "100.00%");
        assert_eq!(rate(0, 0), "-");
        let c = Counts {
            total: 110,
            passed: 109,
            ..Counts::default()
        };
        assert_eq!(c.pass_rate(), Some(99.09));
    }

    #[test]
    fn width_counts_cjk_twice_and_grid_aligns() {
        assert_eq!(width("合计"), 4);
        assert_eq!(width("2020.7-2021.6"), 13);
        let mut o = String::new();
        grid(
            &mut o,
            &["时间", "总数量"],
            &[false, true],
            &[vec!["合计".into(), "7".into()], vec!["unknown".into(), "12".into()]],
        );
        let widths: Vec<usize> = o.lines().map(width).collect();
        assert!(widths.iter().all(|w| *w == widths[0]), "{o}");
    }

    #[test]
    fn escaping() {
        assert_eq!(esc("<a href=\"x\">&'"), "&lt;a href=&quot;x&quot;&gt;&amp;&#39;");
        assert_eq!(csv_field("a,b"), "\"a,b\"");
        assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_field("PLAN-RL1"), "PLAN-RL1");
        assert_eq!(clean("a\x1b[31mb\n"), "a\u{FFFD}[31mb\u{FFFD}");
    }

    #[test]
    fn every_check_has_a_chinese_title() {
        for c in crate::checks::REGISTRY {
            assert!(
                !c.title.is_empty() && c.title.chars().any(crate::extract::is_cjk),
                "{}",
                c.id
            );
        }
        assert_eq!(check_title("comm-rl3"), Some("保修期不少于2年"));
        assert_eq!(check_title("X-1"), None);
    }

    #[test]
    fn odd_inputs_are_skipped_not_fatal() {
        let inputs = [
            json!(1),
            json!({"verdict": "pass"}),
            json!({"schema_version": "1"}),
            json!({"schema_version": "1", "verdict": "maybe", "stage": "plan"}),
            json!({"schema_version": "1", "verdict": "pass", "stage": "moon"}),
            json!({"schema_version": "1", "verdict": 3, "stage": "plan"}),
            json!({"schema_version": "1", "verdict": "pass", "stage": "plan", "project": 5, "checks": "x"}),
            json!({"schema_version": "1", "verdict": "pass", "stage": null}),
        ];
        let s = from_verdicts(&inputs);
        assert_eq!(s.skipped.len(), 6, "{:?}", s.skipped);
        assert_eq!(s.errors.len(), 1);
        assert_eq!(s.stages.len(), 1);
        assert_eq!(s.stages[0].rows[0].period, Period::Unknown);
        assert_eq!(s.verdict_count(), 2);
    }
}
