//! The wire format: one JSON verdict per package (SPEC §9), described by
//! `schemas/verdict.schema.json`. Only types live here (STYLE.md point 9); the pipeline fills them.
//!
//! Stability rules: field order is the struct order, maps are `BTreeMap`s, every list is sorted
//! or in schema order before it is written, so the same archive gives byte-identical JSON.

use std::collections::BTreeMap;

use serde::{Deserialize, Deserializer, Serialize};

use crate::finding::{Finding, Source};
use crate::schema::{Format, StageId};
use crate::values::Date;

/// The version of this wire format: the major number is bumped on an incompatible change, the
/// minor one on an additive change a reader of the same major version may ignore. 1.1 added the
/// findings' `messages` (`{"zh", "en"}`, SPEC §9's `message` kept as the English one).
pub const SCHEMA_VERSION: &str = "1.1";

/// Every `schema_version` a verdict of this major version may carry; `pingshen` reads them all.
pub const SCHEMA_VERSIONS: [&str; 2] = ["1", "1.1"];

/// The JSON Schema (2020-12) every verdict validates against; `pingshen schema` prints it.
pub const JSON_SCHEMA: &str = include_str!("../schemas/verdict.schema.json");

/// A word of a small closed set this build writes (`schema_version`, a file's `type`, a seal's
/// `shape`, …). An alias, not `&'static str` written out, so that serde's derive reads it back
/// through [`static_str`] instead of borrowing it from the input.
pub type Word = &'static str;

/// One package's verdict.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Verdict {
    #[serde(deserialize_with = "static_str")]
    pub schema_version: Word,
    /// `pingshen` and its version.
    pub tool: Tool,
    /// Hash of the schema files the verdict was made with.
    pub ruleset: String,
    pub package: PackageInfo,
    /// What read the package's scanned pages (SPEC §6: "The verdict names the engine and models
    /// that read it"); absent when OCR read nothing.
    #[serde(skip_serializing_if = "Option::is_none", default, deserialize_with = "engine_info")]
    pub ocr: Option<crate::ocr::EngineInfo>,
    pub stage: Option<StageId>,
    pub stage_source: Option<StageSource>,
    pub verdict: VerdictKind,
    /// The strictest consequence of the violated red lines (SPEC §9), or null.
    pub consequence: Option<String>,
    pub project: Project,
    /// The stage's materials, in schema order.
    pub materials: Vec<MaterialStatus>,
    /// Every file of the package that was kept, sorted by path.
    pub files: Vec<FileReport>,
    /// Fields read, by name.
    pub fields: BTreeMap<String, Field>,
    pub checks: Vec<Check>,
    pub items: Vec<Item>,
    /// Sorted by severity, code, source and message.
    pub findings: Vec<Finding>,
}

/// The producing tool.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Tool {
    #[serde(deserialize_with = "static_str")]
    pub name: Word,
    #[serde(deserialize_with = "static_str")]
    pub version: Word,
}

impl Tool {
    /// This build of pingshen.
    pub fn current() -> Tool {
        Tool {
            name: "pingshen",
            version: env!("CARGO_PKG_VERSION"),
        }
    }
}

/// Facts about the archive itself.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PackageInfo {
    /// The archive's file name (no folders).
    pub file: String,
    /// SHA-256 of the archive's bytes, lower-case hex.
    pub sha256: String,
    pub bytes: u64,
    /// Entries in the archive's central directory (0 when it could not be read).
    pub entries: u64,
    /// How entry names were decoded (SPEC §3), when the archive could be read.
    #[serde(deserialize_with = "option_static_str")]
    pub name_encoding: Option<Word>,
    /// The inner zip that was unwrapped (double zipping), if any.
    pub unwrapped: Option<String>,
    /// Junk entries that were skipped (`__MACOSX/…`, `.DS_Store`, `~$…`).
    pub ignored: Vec<String>,
}

/// Where the stage came from (SPEC §2, in decision order).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StageSource {
    Cli,
    BasicInfo,
    FileName,
    Materials,
}

/// SPEC §9 verdicts, in precedence order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum VerdictKind {
    Error,
    Fail,
    Incomplete,
    NeedsReview,
    Partial,
    Pass,
}

impl VerdictKind {
    /// Every verdict, in precedence order.
    pub const ALL: [VerdictKind; 6] = [
        VerdictKind::Error,
        VerdictKind::Fail,
        VerdictKind::Incomplete,
        VerdictKind::NeedsReview,
        VerdictKind::Partial,
        VerdictKind::Pass,
    ];

    /// Parses a wire id.
    pub fn parse(s: &str) -> Option<VerdictKind> {
        VerdictKind::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// The wire id.
    pub fn as_str(self) -> &'static str {
        match self {
            VerdictKind::Error => "error",
            VerdictKind::Fail => "fail",
            VerdictKind::Incomplete => "incomplete",
            VerdictKind::NeedsReview => "needs_review",
            VerdictKind::Partial => "partial",
            VerdictKind::Pass => "pass",
        }
    }
}

/// The project as the basic-info sheet names it.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Project {
    pub name: Option<String>,
    pub applicant: Option<String>,
    #[serde(rename = "type")]
    pub project_type: Option<String>,
    pub submission_date: Option<Date>,
}

/// SPEC §9 material status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Presence {
    Present,
    Missing,
    Unreadable,
    NotRequired,
}

/// One material of the stage and the files that make it up.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct MaterialStatus {
    pub id: String,
    pub name: String,
    pub required: bool,
    pub status: Presence,
    pub format: Format,
    /// Paths of the files that count for this material, sorted.
    pub files: Vec<String>,
    /// The seals OCR found on its scanned pages, with their wording: evidence for the reviewer
    /// (the application letter must bear the unit's seal, SPEC §4), deciding nothing. Sorted.
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub seals: Vec<SealEvidence>,
}

/// A seal found on a scanned page of a material's file.
#[derive(Debug, Clone, PartialEq, PartialOrd, Serialize, Deserialize)]
pub struct SealEvidence {
    pub file: String,
    pub page: u32,
    /// `[left, top, width, height]` in pixels of the page image as read (turned upright).
    #[serde(rename = "box")]
    pub bbox: [u32; 4],
    #[serde(deserialize_with = "static_str")]
    pub shape: Word,
    /// The wording read from the seal's red layer; empty when none could be read.
    pub text: String,
    /// Confidence (0–100) of the wording.
    pub confidence: f32,
}

/// How a file was matched to its materials (SPEC §4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MatchedBy {
    Name,
    Title,
}

/// One file of the package.
#[derive(Debug, Clone, Serialize)]
pub struct FileReport {
    /// Path inside the archive, as decoded.
    pub path: String,
    /// The type read from the content (`pdf`, `docx`, `xlsx`, …).
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub bytes: u64,
    /// Whether its content can be read; when not, `reason` says why.
    pub readable: bool,
    pub reason: Option<String>,
    /// Material ids it counts for, sorted.
    pub materials: Vec<String>,
    pub matched_by: Option<MatchedBy>,
    /// The title (first non-empty line) when it was used to match.
    pub title: Option<String>,
    /// `"ocr"` when a scanned document's text was read by OCR (absent otherwise).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub read_by: Option<&'static str>,
    /// The sniffed kind, for the pipeline (its wire form is `type`).
    #[serde(skip)]
    pub sniffed: crate::sniff::FileKind,
}

/// A field's value, normalised per SPEC §9.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Value {
    Text(String),
    Date(Date),
    Bool(bool),
    Int(i64),
    Number(f64),
    /// A list of texts (`missing_sections`, a project's systems).
    List(Vec<String>),
    /// The data rows of a table (`project_list`, `data_directory_systems`, …).
    Rows(Vec<RowValue>),
}

/// One data row of a table, with where it sits.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RowValue {
    pub file: String,
    pub sheet: String,
    /// 1-based sheet row.
    pub row: u32,
    /// Column id → value and cell.
    pub cells: BTreeMap<String, CellValue>,
}

/// One cell's value, normalised by its column's type, and its cell reference.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CellValue {
    pub value: Value,
    pub cell: String,
}

/// A field read from the package, with where it came from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Field {
    pub value: Value,
    pub source: Source,
    /// When the field is the strictest of several statements (`warranty_months`), every statement
    /// found, in text order.
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub statements: Vec<Field>,
}

/// SPEC §8 check status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CheckStatus {
    Violated,
    Satisfied,
    Undetermined,
    NotApplicable,
    Manual,
}

/// Red line or requirement.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CheckKind {
    RedLine,
    Requirement,
}

/// A message in Chinese and English: the Chinese one is Chinese throughout (file names, format
/// names, cell references, numbers and units aside), the English one is what an English reader
/// or an older reader of `message` gets.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Message {
    pub zh: String,
    pub en: String,
}

/// One value a check used, and where it came from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Evidence {
    pub field: String,
    pub value: Option<Value>,
    pub source: Option<Source>,
    /// `true` on the evidence that decided a violated or undetermined check: the `否` cell among
    /// a table's cells, the value that was not read or not sure (SPEC §8: a check's evidence
    /// names what it read; this names what decided it, so a report shows that first). Written
    /// only when `true`; never on a satisfied, manual or not-applicable check.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub decisive: bool,
}

impl Evidence {
    /// The same evidence, marked as deciding its check.
    pub fn decisive(mut self) -> Evidence {
        self.decisive = true;
        self
    }
}

/// One check's result (SPEC §8).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Check {
    pub id: String,
    pub kind: CheckKind,
    pub status: CheckStatus,
    pub consequence: Option<String>,
    pub evidence: Vec<Evidence>,
    pub message: Message,
}

/// SPEC §8 plan item (a project_list row).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ItemStatus {
    Supported,
    NotSupported,
}

/// One plan item and its checks.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Item {
    pub key: String,
    pub status: ItemStatus,
    pub checks: Vec<Check>,
}

impl<'de> Deserialize<'de> for FileReport {
    /// From the wire shape [`Serialize`] writes; `sniffed` is the kind `type` names.
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        struct Wire {
            path: String,
            #[serde(rename = "type")]
            kind: String,
            bytes: u64,
            readable: bool,
            reason: Option<String>,
            materials: Vec<String>,
            matched_by: Option<MatchedBy>,
            title: Option<String>,
            #[serde(default, deserialize_with = "option_static_str")]
            read_by: Option<Word>,
        }
        let w = Wire::deserialize(d)?;
        let sniffed = crate::sniff::FileKind::from_id(&w.kind)
            .ok_or_else(|| serde::de::Error::custom(format!("unknown file type {:?}", w.kind)))?;
        Ok(FileReport {
            path: w.path,
            kind: sniffed.as_str(),
            bytes: w.bytes,
            readable: w.readable,
            reason: w.reason,
            materials: w.materials,
            matched_by: w.matched_by,
            title: w.title,
            read_by: w.read_by,
            sniffed,
        })
    }
}

impl<'de> Deserialize<'de> for Value {
    /// Untagged, as [`Serialize`] writes it: a string that is an ISO date is a [`Value::Date`],
    /// another string [`Value::Text`]; an integer [`Value::Int`], another number
    /// [`Value::Number`]; a list of strings (or an empty list) [`Value::List`], a list of rows
    /// [`Value::Rows`]. Both readings of an ambiguous value serialize to the same bytes.
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        use serde::de::Error;
        let json = serde_json::Value::deserialize(d)?;
        Value::from_json(json).map_err(D::Error::custom)
    }
}

impl Value {
    fn from_json(json: serde_json::Value) -> Result<Value, String> {
        use serde_json::Value as J;
        Ok(match json {
            J::String(s) => match Date::parse_iso(&s) {
                Some(d) if d.to_string() == s => Value::Date(d),
                _ => Value::Text(s),
            },
            J::Bool(b) => Value::Bool(b),
            J::Number(n) => match (n.as_i64(), n.as_f64()) {
                (Some(i), _) => Value::Int(i),
                (None, Some(f)) => Value::Number(f),
                (None, None) => return Err(format!("number {n} out of range")),
            },
            J::Array(items) if items.iter().all(J::is_string) => Value::List(
                items
                    .into_iter()
                    .filter_map(|i| i.as_str().map(str::to_string))
                    .collect(),
            ),
            J::Array(items) => Value::Rows(
                items
                    .into_iter()
                    .map(serde_json::from_value::<RowValue>)
                    .collect::<Result<_, _>>()
                    .map_err(|e| e.to_string())?,
            ),
            J::Null | J::Object(_) => return Err(format!("{json} is not a field value")),
        })
    }
}

/// What OCR engine read the scans, from its wire shape.
fn engine_info<'de, D: Deserializer<'de>>(d: D) -> Result<Option<crate::ocr::EngineInfo>, D::Error> {
    #[derive(Deserialize)]
    struct Wire {
        #[serde(deserialize_with = "static_str")]
        engine: Word,
        version: String,
        models: Vec<String>,
    }
    Ok(Option::<Wire>::deserialize(d)?.map(|w| crate::ocr::EngineInfo {
        engine: w.engine,
        version: w.version,
        models: w.models,
    }))
}

/// A `&'static str` field read back (`schema_version`, `type`, a seal's `shape`, …): these hold
/// words of a small closed set this build writes, so each distinct word is kept once for the
/// life of the process. At most [`MAX_INTERNED`] distinct words are kept; past that a new word is
/// an error, so a hostile verdict file cannot make the set grow without bound.
fn static_str<'de, D: Deserializer<'de>>(d: D) -> Result<&'static str, D::Error> {
    let s = String::deserialize(d)?;
    intern(s).map_err(serde::de::Error::custom)
}

/// [`static_str`] for an optional field.
fn option_static_str<'de, D: Deserializer<'de>>(d: D) -> Result<Option<&'static str>, D::Error> {
    match Option::<String>::deserialize(d)? {
        None => Ok(None),
        Some(s) => intern(s).map(Some).map_err(serde::de::Error::custom),
    }
}

/// The most distinct words [`static_str`] keeps.
const MAX_INTERNED: usize = 1024;

fn intern(s: String) -> Result<&'static str, String> {
    use std::collections::BTreeSet;
    use std::sync::{LazyLock, Mutex};
    static WORDS: LazyLock<Mutex<BTreeSet<&'static str>>> = LazyLock::new(|| {
        Mutex::new(BTreeSet::from([
            SCHEMA_VERSIONS[0],
            SCHEMA_VERSIONS[1],
            Tool::current().name,
            Tool::current().version,
            "ocr",
        ]))
    });
    let mut words = WORDS.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    if let Some(w) = words.get(s.as_str()) {
        return Ok(w);
    }
    if words.len() >= MAX_INTERNED {
        return Err(format!("too many distinct words in verdicts; {s:?} not read"));
    }
    let w: &'static str = Box::leak(s.into_boxed_str());
    words.insert(w);
    Ok(w)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn back(json: &str) -> Value {
        serde_json::from_str(json).unwrap()
    }

    #[test]
    fn values_are_read_back_as_the_variant_that_writes_them() {
        assert_eq!(back("\"2021-03-15\""), Value::Date(Date::new(2021, 3, 15).unwrap()));
        assert_eq!(back("\"2021-02-30\""), Value::Text("2021-02-30".into()));
        assert_eq!(back("\"2021-3-15\""), Value::Text("2021-3-15".into()));
        assert_eq!(back("true"), Value::Bool(true));
        assert_eq!(back("24"), Value::Int(24));
        assert_eq!(back("24.0"), Value::Number(24.0));
        assert_eq!(back("99.5"), Value::Number(99.5));
        assert_eq!(back("[]"), Value::List(vec![]));
        assert_eq!(back("[\"a\",\"b\"]"), Value::List(vec!["a".into(), "b".into()]));
        let rows = back(r#"[{"file":"f.xlsx","sheet":"s","row":3,"cells":{"c":{"value":"x","cell":"B3"}}}]"#);
        assert!(
            matches!(rows, Value::Rows(ref r) if r.len() == 1 && r[0].row == 3),
            "{rows:?}"
        );
        assert!(serde_json::from_str::<Value>("null").is_err());
        assert!(serde_json::from_str::<Value>("{}").is_err());
        for json in ["\"2021-03-15\"", "\"x\"", "true", "24", "24.0", "99.5", "[]", "[\"a\"]"] {
            assert_eq!(serde_json::to_string(&back(json)).unwrap(), json);
        }
    }

    #[test]
    fn words_are_kept_once() {
        let a = intern("pp-ocr".to_string()).unwrap();
        let b = intern("pp-ocr".to_string()).unwrap();
        assert!(std::ptr::eq(a, b));
        assert_eq!(intern(SCHEMA_VERSION.to_string()).unwrap(), SCHEMA_VERSION);
    }

    #[test]
    fn a_file_reads_back_with_its_sniffed_kind() {
        let json = r#"{"path":"a.pdf","type":"pdf","bytes":3,"readable":true,"reason":null,
            "materials":[],"matched_by":null,"title":null,"read_by":"ocr"}"#;
        let f: FileReport = serde_json::from_str(json).unwrap();
        assert_eq!(f.sniffed, crate::sniff::FileKind::Pdf);
        assert_eq!(f.kind, "pdf");
        assert_eq!(f.read_by, Some("ocr"));
        assert!(serde_json::from_str::<FileReport>(&json.replace("\"pdf\"", "\"nope\"")).is_err());
    }
}
