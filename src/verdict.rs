//! The wire format: one JSON verdict per package (SPEC §9), described by
//! `schemas/verdict.schema.json`. Only types live here (STYLE.md point 9); the pipeline fills them.
//!
//! Stability rules: field order is the struct order, maps are `BTreeMap`s, every list is sorted
//! or in schema order before it is written, so the same archive gives byte-identical JSON.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::finding::{Finding, Source};
use crate::schema::{Format, StageId};
use crate::values::Date;

/// The version of this wire format. Bumped on any incompatible change.
pub const SCHEMA_VERSION: &str = "1";

/// The JSON Schema (2020-12) every verdict validates against; `pingshen schema` prints it.
pub const JSON_SCHEMA: &str = include_str!("../schemas/verdict.schema.json");

/// One package's verdict.
#[derive(Debug, Clone, Serialize)]
pub struct Verdict {
    pub schema_version: &'static str,
    /// `pingshen` and its version.
    pub tool: Tool,
    /// Hash of the schema files the verdict was made with.
    pub ruleset: String,
    pub package: PackageInfo,
    /// What read the package's scanned pages (SPEC §6: "The verdict names the engine and models
    /// that read it"); absent when OCR read nothing.
    #[serde(skip_serializing_if = "Option::is_none")]
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
#[derive(Debug, Clone, Serialize)]
pub struct Tool {
    pub name: &'static str,
    pub version: &'static str,
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
#[derive(Debug, Clone, Serialize)]
pub struct PackageInfo {
    /// The archive's file name (no folders).
    pub file: String,
    /// SHA-256 of the archive's bytes, lower-case hex.
    pub sha256: String,
    pub bytes: u64,
    /// Entries in the archive's central directory (0 when it could not be read).
    pub entries: u64,
    /// How entry names were decoded (SPEC §3), when the archive could be read.
    pub name_encoding: Option<&'static str>,
    /// The inner zip that was unwrapped (double zipping), if any.
    pub unwrapped: Option<String>,
    /// Junk entries that were skipped (`__MACOSX/…`, `.DS_Store`, `~$…`).
    pub ignored: Vec<String>,
}

/// Where the stage came from (SPEC §2, in decision order).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum StageSource {
    Cli,
    BasicInfo,
    FileName,
    Materials,
}

/// SPEC §9 verdicts, in precedence order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
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
#[derive(Debug, Clone, Default, Serialize)]
pub struct Project {
    pub name: Option<String>,
    pub applicant: Option<String>,
    #[serde(rename = "type")]
    pub project_type: Option<String>,
    pub submission_date: Option<Date>,
}

/// SPEC §9 material status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Presence {
    Present,
    Missing,
    Unreadable,
    NotRequired,
}

/// One material of the stage and the files that make it up.
#[derive(Debug, Clone, Serialize)]
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
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub seals: Vec<SealEvidence>,
}

/// A seal found on a scanned page of a material's file.
#[derive(Debug, Clone, PartialEq, PartialOrd, Serialize)]
pub struct SealEvidence {
    pub file: String,
    pub page: u32,
    /// `[left, top, width, height]` in pixels of the page image as read (turned upright).
    #[serde(rename = "box")]
    pub bbox: [u32; 4],
    pub shape: &'static str,
    /// The wording read from the seal's red layer; empty when none could be read.
    pub text: String,
    /// Confidence (0–100) of the wording.
    pub confidence: f32,
}

/// How a file was matched to its materials (SPEC §4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
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
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RowValue {
    pub file: String,
    pub sheet: String,
    /// 1-based sheet row.
    pub row: u32,
    /// Column id → value and cell.
    pub cells: BTreeMap<String, CellValue>,
}

/// One cell's value, normalised by its column's type, and its cell reference.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CellValue {
    pub value: Value,
    pub cell: String,
}

/// A field read from the package, with where it came from.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Field {
    pub value: Value,
    pub source: Source,
    /// When the field is the strictest of several statements (`warranty_months`), every statement
    /// found, in text order.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub statements: Vec<Field>,
}

/// SPEC §8 check status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CheckStatus {
    Violated,
    Satisfied,
    Undetermined,
    NotApplicable,
    Manual,
}

/// Red line or requirement.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CheckKind {
    RedLine,
    Requirement,
}

/// A message in Chinese and English.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Message {
    pub zh: String,
    pub en: String,
}

/// One value a check used, and where it came from.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Evidence {
    pub field: String,
    pub value: Option<Value>,
    pub source: Option<Source>,
}

/// One check's result (SPEC §8).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Check {
    pub id: String,
    pub kind: CheckKind,
    pub status: CheckStatus,
    pub consequence: Option<String>,
    pub evidence: Vec<Evidence>,
    pub message: Message,
}

/// SPEC §8 plan item (a project_list row).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ItemStatus {
    Supported,
    NotSupported,
}

/// One plan item and its checks.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Item {
    pub key: String,
    pub status: ItemStatus,
    pub checks: Vec<Check>,
}
