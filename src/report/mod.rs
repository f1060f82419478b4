//! The report of one verdict for a person, in two renderings: [`text`] for a terminal
//! (`pingshen check`) and [`html`](mod@html) for a browser (`check --format html`,
//! `batch --html`); and [`index`], the page over a batch's reports.
//!
//! Both render the same [`Report`], built from a [`Verdict`] by [`Report::of`]: what a reviewer
//! reads — the verdict and its consequence, the red lines and requirements with the evidence
//! behind each, the materials, the fields read and where from, the findings — in the order a
//! reviewer reads it. Building it once keeps the two renderings from drifting apart: a section,
//! an order or a label decided here shows the same in both.

pub mod html;
pub mod index;
pub mod text;

pub use html::{html, html_from_json};
pub use index::{index_html, IndexEntry};
pub use text::{render, width, Style};

use crate::finding::{Severity, Source};
use crate::ocr::EngineInfo;
use crate::schema::StageId;
use crate::verdict::{
    Check, CheckKind, CheckStatus, ItemStatus, Presence, SealEvidence, StageSource, Value, Verdict, VerdictKind,
};

/// Everything a report shows of one verdict, in reading order.
#[derive(Debug, Clone, PartialEq)]
pub struct Report {
    pub header: Header,
    /// The project as the basic-info sheet names it; `None` when no name was read.
    pub project: Option<ProjectLine>,
    /// Red lines first, then requirements; only kinds that have checks.
    pub sections: Vec<CheckSection>,
    /// Plan items (`project_list` rows) and their checks.
    pub items: Vec<ItemRow>,
    /// The stage's materials, in schema order.
    pub materials: Vec<MaterialRow>,
    /// Fields read, by name.
    pub fields: Vec<FieldRow>,
    /// In the verdict's order (severity first).
    pub findings: Vec<FindingRow>,
    /// Every file kept from the package, by path.
    pub files: Vec<FileRow>,
    /// What read the scanned pages, when OCR read any.
    pub ocr: Option<EngineInfo>,
}

/// Which package, and what was decided about it.
#[derive(Debug, Clone, PartialEq)]
pub struct Header {
    /// The archive's file name.
    pub file: String,
    /// SHA-256 of the archive, lower-case hex.
    pub sha256: String,
    pub stage: Option<StageId>,
    /// How the stage was decided.
    pub stage_source: Option<StageSource>,
    pub verdict: VerdictKind,
    /// The strictest consequence of the violated red lines.
    pub consequence: Option<String>,
}

/// The project line: name, applicant, type and submission date (`-` when not read).
#[derive(Debug, Clone, PartialEq)]
pub struct ProjectLine {
    pub name: String,
    pub applicant: Option<String>,
    pub project_type: Option<String>,
    /// ISO `YYYY-MM-DD`.
    pub submission_date: Option<String>,
}

/// The checks of one kind.
#[derive(Debug, Clone, PartialEq)]
pub struct CheckSection {
    pub kind: CheckKind,
    /// What needs attention first: violated, undetermined, manual, satisfied, not applicable;
    /// the verdict's order within a status.
    pub checks: Vec<CheckRow>,
}

/// One check and the evidence behind it.
#[derive(Debug, Clone, PartialEq)]
pub struct CheckRow {
    pub id: String,
    pub status: CheckStatus,
    pub consequence: Option<String>,
    pub message_zh: String,
    pub message_en: String,
    pub evidence: Vec<EvidenceRow>,
}

/// One value a check used.
#[derive(Debug, Clone, PartialEq)]
pub struct EvidenceRow {
    pub field: String,
    /// `None` when it was not read.
    pub value: Option<Value>,
    pub source: Option<Location>,
    /// It decided its check ([`crate::verdict::Evidence::decisive`]).
    pub decisive: bool,
}

/// Where a value or a finding came from: the place a reviewer opens to see it.
#[derive(Debug, Clone, PartialEq)]
pub struct Location {
    /// The file's path inside the archive.
    pub file: Option<String>,
    pub sheet: Option<String>,
    /// A cell reference such as `C7`.
    pub cell: Option<String>,
    /// 1-based.
    pub page: Option<u32>,
    /// The text the value was read from.
    pub snippet: Option<String>,
    /// Set when the text was read by OCR from a scanned page.
    pub ocr: Option<OcrMark>,
    /// Why a value read by OCR decides nothing.
    pub doubt: Option<String>,
}

/// A value read by OCR, with the confidence (0–100) it was read with when known.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct OcrMark {
    pub confidence: Option<f32>,
}

/// One plan item.
#[derive(Debug, Clone, PartialEq)]
pub struct ItemRow {
    pub key: String,
    pub status: ItemStatus,
    /// Its checks, in the verdict's order.
    pub checks: Vec<CheckRow>,
}

/// One material of the stage.
#[derive(Debug, Clone, PartialEq)]
pub struct MaterialRow {
    pub id: String,
    pub name: String,
    pub required: bool,
    pub status: Presence,
    /// The files that count for it, sorted by path.
    pub files: Vec<String>,
    /// Seals OCR found on its scanned pages.
    pub seals: Vec<SealEvidence>,
}

/// One field read.
#[derive(Debug, Clone, PartialEq)]
pub struct FieldRow {
    pub name: String,
    pub value: Value,
    pub source: Location,
}

/// One finding.
#[derive(Debug, Clone, PartialEq)]
pub struct FindingRow {
    pub severity: Severity,
    /// The stable code (`package.unsafe_entry_name`).
    pub code: &'static str,
    pub message_zh: String,
    pub message_en: String,
    pub source: Option<Location>,
}

/// One file of the package.
#[derive(Debug, Clone, PartialEq)]
pub struct FileRow {
    pub path: String,
    /// The type read from the content (`pdf`, `xlsx`, …).
    pub kind: String,
    pub bytes: u64,
    /// Why its content cannot be read; `None` when it can.
    pub unreadable: Option<String>,
    /// Material ids it counts for.
    pub materials: Vec<String>,
    /// Whether its text was read by OCR.
    pub read_by_ocr: bool,
}

impl Report {
    /// The report of `v`.
    pub fn of(v: &Verdict) -> Report {
        Report {
            header: Header {
                file: v.package.file.clone(),
                sha256: v.package.sha256.clone(),
                stage: v.stage,
                stage_source: v.stage_source,
                verdict: v.verdict,
                consequence: v.consequence.clone(),
            },
            project: v.project.name.as_ref().map(|name| ProjectLine {
                name: name.clone(),
                applicant: v.project.applicant.clone(),
                project_type: v.project.project_type.clone(),
                submission_date: v.project.submission_date.map(|d| d.to_string()),
            }),
            sections: sections(&v.checks),
            items: v
                .items
                .iter()
                .map(|i| ItemRow {
                    key: i.key.clone(),
                    status: i.status,
                    checks: i.checks.iter().map(check_row).collect(),
                })
                .collect(),
            materials: v
                .materials
                .iter()
                .map(|m| MaterialRow {
                    id: m.id.clone(),
                    name: m.name.clone(),
                    required: m.required,
                    status: m.status,
                    files: m.files.clone(),
                    seals: m.seals.clone(),
                })
                .collect(),
            fields: v
                .fields
                .iter()
                .map(|(k, f)| FieldRow {
                    name: k.clone(),
                    value: f.value.clone(),
                    source: Location::of(&f.source),
                })
                .collect(),
            findings: v
                .findings
                .iter()
                .map(|f| FindingRow {
                    severity: f.severity,
                    code: f.code.as_str(),
                    message_zh: f.messages.zh.clone(),
                    message_en: f.messages.en.clone(),
                    source: f.source.as_ref().map(Location::of),
                })
                .collect(),
            files: v
                .files
                .iter()
                .map(|f| FileRow {
                    path: f.path.clone(),
                    kind: f.kind.to_string(),
                    bytes: f.bytes,
                    unreadable: (!f.readable).then(|| f.reason.clone().unwrap_or_default()),
                    materials: f.materials.clone(),
                    read_by_ocr: f.read_by == Some("ocr"),
                })
                .collect(),
            ocr: v.ocr.clone(),
        }
    }

    /// The materials a stage requires that are missing.
    pub fn missing(&self) -> impl Iterator<Item = &MaterialRow> {
        self.materials.iter().filter(|m| m.status == Presence::Missing)
    }
}

/// Red lines first, then requirements; within each, what needs attention first.
fn sections(checks: &[Check]) -> Vec<CheckSection> {
    let rank = |s: CheckStatus| match s {
        CheckStatus::Violated => 0,
        CheckStatus::Undetermined => 1,
        CheckStatus::Manual => 2,
        CheckStatus::Satisfied => 3,
        CheckStatus::NotApplicable => 4,
    };
    [CheckKind::RedLine, CheckKind::Requirement]
        .into_iter()
        .filter_map(|kind| {
            let mut of_kind: Vec<&Check> = checks.iter().filter(|c| c.kind == kind).collect();
            if of_kind.is_empty() {
                return None;
            }
            // Stable: the verdict's order within a status.
            of_kind.sort_by_key(|c| rank(c.status));
            Some(CheckSection {
                kind,
                checks: of_kind.into_iter().map(check_row).collect(),
            })
        })
        .collect()
}

fn check_row(c: &Check) -> CheckRow {
    CheckRow {
        id: c.id.clone(),
        status: c.status,
        consequence: c.consequence.clone(),
        message_zh: c.message.zh.clone(),
        message_en: c.message.en.clone(),
        evidence: c
            .evidence
            .iter()
            .map(|e| EvidenceRow {
                field: e.field.clone(),
                value: e.value.clone(),
                source: e.source.as_ref().map(Location::of),
                decisive: e.decisive,
            })
            .collect(),
    }
}

impl Location {
    /// The location a verdict's [`Source`] names.
    pub fn of(s: &Source) -> Location {
        Location {
            file: s.file.clone(),
            sheet: s.sheet.clone(),
            cell: s.cell.clone(),
            page: s.page,
            snippet: s.text.clone(),
            ocr: (s.ocr == Some(true)).then(|| OcrMark {
                confidence: s.confidence.map(|c| c.value()),
            }),
            doubt: s.doubt.clone(),
        }
    }
}

/// A value as a person reads it: dates ISO, bools 是/否, lists joined with 、, a table as its row
/// count.
pub fn value_text(v: &Value) -> String {
    match v {
        Value::Text(s) => s.clone(),
        Value::Date(d) => d.to_string(),
        Value::Bool(b) => (if *b { "是" } else { "否" }).to_string(),
        Value::Int(i) => i.to_string(),
        Value::Number(n) => n.to_string(),
        Value::List(l) if l.is_empty() => "[]".to_string(),
        Value::List(l) => l.join("、"),
        Value::Rows(r) => format!("{} rows", r.len()),
    }
}

/// A verdict in Chinese (`不通过`).
pub fn verdict_zh(v: VerdictKind) -> &'static str {
    match v {
        VerdictKind::Error => "无法评审",
        VerdictKind::Fail => "不通过",
        VerdictKind::Incomplete => "材料不全",
        VerdictKind::NeedsReview => "需人工复核",
        VerdictKind::Partial => "部分支持",
        VerdictKind::Pass => "通过",
    }
}

/// A stage in Chinese, as SPEC §2 names it.
pub fn stage_zh(s: StageId) -> &'static str {
    match s {
        StageId::Plan => "规划备案",
        StageId::Addition => "项目追加",
        StageId::Review => "前置评审",
        StageId::Commissioning => "投入使用",
        StageId::Performance => "绩效自评",
    }
}

/// The wire id of a stage source (`basic_info`).
pub fn stage_source_id(s: StageSource) -> &'static str {
    match s {
        StageSource::Cli => "cli",
        StageSource::BasicInfo => "basic_info",
        StageSource::FileName => "file_name",
        StageSource::Materials => "materials",
    }
}

/// Where the stage came from, in Chinese.
pub fn stage_source_zh(s: StageSource) -> &'static str {
    match s {
        StageSource::Cli => "命令行",
        StageSource::BasicInfo => "基本情况表",
        StageSource::FileName => "文件名",
        StageSource::Materials => "材料",
    }
}

/// The wire id of a check status (`not_applicable`).
pub fn check_status_id(s: CheckStatus) -> &'static str {
    match s {
        CheckStatus::Violated => "violated",
        CheckStatus::Satisfied => "satisfied",
        CheckStatus::Undetermined => "undetermined",
        CheckStatus::NotApplicable => "not_applicable",
        CheckStatus::Manual => "manual",
    }
}

/// A check status in Chinese.
pub fn check_status_zh(s: CheckStatus) -> &'static str {
    match s {
        CheckStatus::Violated => "违反",
        CheckStatus::Satisfied => "满足",
        CheckStatus::Undetermined => "无法判定",
        CheckStatus::NotApplicable => "不适用",
        CheckStatus::Manual => "人工核对",
    }
}

/// The mark of a check status: ✗ violated, ? undetermined, … manual, ✓ satisfied, · not
/// applicable.
pub fn check_status_mark(s: CheckStatus) -> &'static str {
    match s {
        CheckStatus::Violated => "✗",
        CheckStatus::Undetermined => "?",
        CheckStatus::Manual => "…",
        CheckStatus::Satisfied => "✓",
        CheckStatus::NotApplicable => "·",
    }
}

/// The wire id of a material status (`not_required`).
pub fn presence_id(p: Presence) -> &'static str {
    match p {
        Presence::Present => "present",
        Presence::Missing => "missing",
        Presence::Unreadable => "unreadable",
        Presence::NotRequired => "not_required",
    }
}

/// A material status in Chinese.
pub fn presence_zh(p: Presence) -> &'static str {
    match p {
        Presence::Present => "已提供",
        Presence::Missing => "缺失",
        Presence::Unreadable => "无法读取",
        Presence::NotRequired => "不要求",
    }
}

/// The mark of a material status: ✓ present, ✗ missing, ? unreadable, · not required.
pub fn presence_mark(p: Presence) -> &'static str {
    match p {
        Presence::Present => "✓",
        Presence::Missing => "✗",
        Presence::Unreadable => "?",
        Presence::NotRequired => "·",
    }
}

/// The wire id of a plan item's status.
pub fn item_status_id(s: ItemStatus) -> &'static str {
    match s {
        ItemStatus::Supported => "supported",
        ItemStatus::NotSupported => "not_supported",
    }
}

/// A plan item's status in Chinese.
pub fn item_status_zh(s: ItemStatus) -> &'static str {
    match s {
        ItemStatus::Supported => "支持",
        ItemStatus::NotSupported => "不予支持",
    }
}

/// The wire id of a severity.
pub fn severity_id(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "info",
    }
}

/// A severity in Chinese.
pub fn severity_zh(s: Severity) -> &'static str {
    match s {
        Severity::Error => "错误",
        Severity::Warning => "警告",
        Severity::Info => "提示",
    }
}

/// A field's name in the reviewer's words (the basic-info sheet's label, the document's term, a
/// table and its column: `数据目录系统表·是否入云`), or `None` for a name this build does not
/// know (it is then shown by its id alone).
pub fn field_zh(id: &str) -> Option<&'static str> {
    Some(match id {
        "project_name" => "项目名称",
        "applicant" => "申报单位",
        "credit_code" => "统一社会信用代码",
        "stage" => "申报阶段",
        "project_type" => "项目类型",
        "submission_date" => "申报日期",
        "monitored" => "是否月报季评部门",
        "classified" => "是否涉密",
        "uses_shared_platform" => "是否统筹使用全市共性平台",
        "within_duties" => "是否本单位职责",
        "prior_commissioning_ref" => "前期项目投入使用批复文号",
        "commissioning_approval_date" => "投入使用批复日期",
        "evaluation_year" => "评价年度",
        "amount_wan" => "项目金额（万元）",
        "catalogued" => "存量数据编目注册",
        "turnkey_rate" => "交钥匙率",
        "history_complete_rate" => "历史数据完整率",
        "update_timely_rate" => "数据更新及时率",
        "share_response_rate" => "共享响应率",
        "list_approval_date" => "清单批复日期",
        "list_approval_valid_until" => "清单批复有效期至",
        "final_acceptance_date" => "终验日期",
        "final_acceptance_passed" => "终验是否通过",
        "warranty_months" => "质保期（月）",
        "funding_authority" => "资金审定单位",
        "missing_sections" => "缺少的章节",
        "mentions_cybersecurity" => "涉及网络安全",
        "mentions_cryptography" => "涉及密码应用",
        "mlps_filing_number" => "等保备案编号",
        "mlps_level" => "等保级别",
        "project_list" => "项目清单",
        "progress_table" => "项目进度表",
        "content_comparison" => "建设内容对比表",
        "data_directory_systems" => "数据目录系统表",
        "data_directory_resources" => "数据目录数据表",
        "project_list.project_name" => "项目清单·项目名称",
        "project_list.project_type" => "项目清单·项目类型",
        "project_list.duties" => "项目清单·对应三定职责",
        "project_list.guidance_direction" => "项目清单·对应指引方向",
        "project_list.systems" => "项目清单·涉及系统",
        "project_list.uses_shared_platform" => "项目清单·是否使用共性平台",
        "data_directory_systems.system_name" => "数据目录系统表·系统名称",
        "data_directory_systems.in_cloud" => "数据目录系统表·是否入云",
        "data_directory_systems.on_chain" => "数据目录系统表·是否上链",
        "data_directory_systems.chain_id" => "数据目录系统表·目录链注册编号",
        "data_directory_systems.updated" => "数据目录系统表·是否更新",
        "data_directory_systems.rights_confirmed" => "数据目录系统表·是否确权",
        "data_directory_systems.running_status" => "数据目录系统表·运行状态",
        "data_directory_resources.aggregation" => "数据目录数据表·汇聚状态",
        "progress_table.running_status" => "项目进度表·运行状态",
        "content_comparison.approved_amount" => "建设内容对比表·批复金额",
        "content_comparison.actual_amount" => "建设内容对比表·实际金额",
        _ => return None,
    })
}

/// A check kind in Chinese and English (`红线`, `red lines`).
pub fn kind_title(k: CheckKind) -> (&'static str, &'static str) {
    match k {
        CheckKind::RedLine => ("红线", "red lines"),
        CheckKind::Requirement => ("要求", "requirements"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::verdict::{Evidence, Message};

    fn check(id: &str, kind: CheckKind, status: CheckStatus) -> Check {
        Check {
            id: id.into(),
            kind,
            status,
            consequence: None,
            evidence: vec![Evidence {
                field: "f".into(),
                value: None,
                source: None,
                decisive: false,
            }],
            message: Message {
                zh: "中".into(),
                en: "en".into(),
            },
        }
    }

    #[test]
    fn red_lines_come_first_and_what_needs_attention_first_within_a_kind() {
        let checks = [
            check("R1", CheckKind::Requirement, CheckStatus::Satisfied),
            check("L1", CheckKind::RedLine, CheckStatus::Satisfied),
            check("R2", CheckKind::Requirement, CheckStatus::Violated),
            check("L2", CheckKind::RedLine, CheckStatus::Undetermined),
            check("L3", CheckKind::RedLine, CheckStatus::Manual),
            check("L4", CheckKind::RedLine, CheckStatus::Violated),
        ];
        let s = sections(&checks);
        let ids: Vec<Vec<&str>> = s
            .iter()
            .map(|s| s.checks.iter().map(|c| c.id.as_str()).collect())
            .collect();
        assert_eq!(ids, [vec!["L4", "L2", "L3", "L1"], vec!["R2", "R1"]]);
        assert_eq!(s[0].kind, CheckKind::RedLine);
        assert!(sections(&[]).is_empty());
        let only_req = sections(&checks[..1]);
        assert_eq!(only_req.len(), 1);
        assert_eq!(only_req[0].kind, CheckKind::Requirement);
    }

    #[test]
    fn wire_ids_agree_with_serde() {
        let plain = |v: serde_json::Value| v.as_str().unwrap().to_string();
        for s in [
            CheckStatus::Violated,
            CheckStatus::Satisfied,
            CheckStatus::Undetermined,
            CheckStatus::NotApplicable,
            CheckStatus::Manual,
        ] {
            assert_eq!(check_status_id(s), plain(serde_json::to_value(s).unwrap()));
        }
        for p in [
            Presence::Present,
            Presence::Missing,
            Presence::Unreadable,
            Presence::NotRequired,
        ] {
            assert_eq!(presence_id(p), plain(serde_json::to_value(p).unwrap()));
        }
        for s in [
            StageSource::Cli,
            StageSource::BasicInfo,
            StageSource::FileName,
            StageSource::Materials,
        ] {
            assert_eq!(stage_source_id(s), plain(serde_json::to_value(s).unwrap()));
        }
        for s in [ItemStatus::Supported, ItemStatus::NotSupported] {
            assert_eq!(item_status_id(s), plain(serde_json::to_value(s).unwrap()));
        }
        for s in [Severity::Error, Severity::Warning, Severity::Info] {
            assert_eq!(severity_id(s), plain(serde_json::to_value(s).unwrap()));
        }
    }

    #[test]
    fn an_ocr_source_keeps_its_confidence_and_doubt() {
        let s = Source {
            file: Some("a/验收意见.pdf".into()),
            page: Some(2),
            text: Some("2021年3月15日".into()),
            ocr: Some(true),
            confidence: Some(crate::finding::Confidence::new(97.34)),
            doubt: Some("seal ink".into()),
            ..Source::default()
        };
        let l = Location::of(&s);
        assert_eq!(l.ocr, Some(OcrMark { confidence: Some(97.3) }));
        assert_eq!(l.snippet.as_deref(), Some("2021年3月15日"));
        assert_eq!(l.doubt.as_deref(), Some("seal ink"));
        assert_eq!(Location::of(&Source::file("x")).ocr, None);
    }
}
