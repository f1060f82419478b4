//! The text report of `pingshen check`, for a person at a terminal, in two lengths.
//!
//! - **Compact** (the default): a one-line summary, then only what needs the reviewer —
//!   violated (✗) and undetermined (?) checks, checks left to a person (…), required materials
//!   missing or unreadable, plan items not supported, error and warning findings — each check
//!   with the evidence that decided it ([`crate::verdict::Evidence::decisive`]), not everything
//!   it read. A package that passes is two lines.
//! - **All** (`check --all`): every check with its status, every material, every field read and
//!   where from, every finding.
//!
//! Chinese first, the English term beside it; values read by OCR carry `OCR 97.3`, their
//! confidence. Rendered from the [`Report`] model; its bytes are pinned by the snapshot and CLI
//! tests.

use std::fmt::Write;

use super::{
    check_status_id, check_status_zh, field_zh, presence_id, presence_zh, severity_id, severity_zh, stage_zh,
    value_text, verdict_zh, CheckRow, EvidenceRow, Location, Report,
};
use crate::finding::Severity;
use crate::verdict::{CheckKind, CheckStatus, ItemStatus, Presence, Verdict, VerdictKind};

/// Evidence lines shown under one check in the compact report; the rest are counted.
const MAX_EVIDENCE: usize = 5;

/// How long a report, and with what colours.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Style {
    /// ANSI colours (for a terminal).
    pub color: bool,
    /// Everything (`--all`), not only what needs attention.
    pub all: bool,
}

/// Renders the report of `v`.
pub fn render(v: &Verdict, style: Style) -> String {
    render_report(&Report::of(v), style)
}

/// Renders a [`Report`] as text.
pub fn render_report(r: &Report, style: Style) -> String {
    let mut o = String::new();
    let p = Paint(style.color);
    summary(&mut o, r, p);
    if style.all {
        all(&mut o, r, p);
    } else {
        attention(&mut o, r, p);
    }
    o
}

/// ANSI colouring, or none.
#[derive(Clone, Copy)]
struct Paint(bool);

impl Paint {
    fn on(self, code: &str, s: &str) -> String {
        if self.0 {
            format!("\x1b[{code}m{s}\x1b[0m")
        } else {
            s.to_string()
        }
    }
}

fn status_color(s: CheckStatus) -> &'static str {
    match s {
        CheckStatus::Violated => "1;31",
        CheckStatus::Undetermined => "33",
        CheckStatus::Manual => "36",
        CheckStatus::Satisfied => "32",
        CheckStatus::NotApplicable => "2",
    }
}

/// The checks of every section, in the report's order.
fn checks(r: &Report) -> impl Iterator<Item = (CheckKind, &CheckRow)> {
    r.sections
        .iter()
        .flat_map(|s| s.checks.iter().map(move |c| (s.kind, c)))
}

/// Line 1: the verdict, the package, the stage and the counts that explain the verdict; then the
/// consequence of a violated red line and the project.
fn summary(o: &mut String, r: &Report, p: Paint) {
    let h = &r.header;
    let (mark, code) = match h.verdict {
        VerdictKind::Pass => ("✓", "1;32"),
        VerdictKind::Partial | VerdictKind::NeedsReview => ("?", "1;33"),
        _ => ("✗", "1;31"),
    };
    let count = |s: CheckStatus| checks(r).filter(|(_, c)| c.status == s).count();
    let mut counts = Vec::new();
    for (status, zh) in [
        (CheckStatus::Violated, "违反"),
        (CheckStatus::Undetermined, "无法判定"),
        (CheckStatus::Manual, "待人工核对"),
    ] {
        let n = count(status);
        if n > 0 {
            counts.push(format!("{n} 项{zh}"));
        }
    }
    let total = checks(r).count();
    if total > 0 && counts.is_empty() {
        counts.push(format!("{total} 项检查均满足或不适用"));
    }
    let missing = r.missing().count();
    if missing > 0 {
        counts.push(format!("缺 {missing} 份材料"));
    }
    for (sev, what) in [(Severity::Error, "个错误"), (Severity::Warning, "条警告")] {
        let n = r.findings.iter().filter(|f| f.severity == sev).count();
        if n > 0 {
            counts.push(format!("{n} {what}"));
        }
    }
    let stage = h.stage.map_or("阶段未定 stage undecided".to_string(), |s| {
        format!("{} {}", stage_zh(s), s.as_str())
    });
    let _ = write!(
        o,
        "{}  {}  {}  {stage}",
        p.on(
            code,
            &format!("{mark} {} {}", verdict_zh(h.verdict), h.verdict.as_str())
        ),
        h.file,
        p.on("2", "·")
    );
    if !counts.is_empty() {
        let _ = write!(o, "  {}  {}", p.on("2", "·"), counts.join("，"));
    }
    o.push('\n');
    if let Some(c) = &h.consequence {
        let _ = writeln!(o, "  后果 consequence：{}", p.on("1;31", c));
    }
    if let Some(pr) = &r.project {
        let ty = match pr.project_type.as_deref() {
            Some("new") => "新建",
            Some("upgrade") => "升级改造",
            Some(other) => other,
            None => "-",
        };
        let _ = writeln!(
            o,
            "  项目 project：{}  {}  {ty}  {}",
            pr.name,
            pr.applicant.as_deref().unwrap_or("-"),
            pr.submission_date.as_deref().unwrap_or("-")
        );
    }
}

/// What needs the reviewer, and a line saying what else there is.
fn attention(o: &mut String, r: &Report, p: Paint) {
    let mut lines = String::new();
    for (kind, c) in checks(r) {
        if !matches!(
            c.status,
            CheckStatus::Violated | CheckStatus::Undetermined | CheckStatus::Manual
        ) {
            continue;
        }
        check_line(&mut lines, kind, c, p);
        if c.status == CheckStatus::Manual {
            continue;
        }
        let deciding: Vec<&EvidenceRow> = c.evidence.iter().filter(|e| e.decisive).collect();
        let shown = if deciding.is_empty() {
            c.evidence.iter().collect()
        } else {
            deciding
        };
        for e in shown.iter().take(MAX_EVIDENCE) {
            evidence_line(&mut lines, e, p);
        }
        if shown.len() > MAX_EVIDENCE {
            let _ = writeln!(lines, "      … 另 {} 项 more", shown.len() - MAX_EVIDENCE);
        }
    }
    for m in r
        .materials
        .iter()
        .filter(|m| m.required && matches!(m.status, Presence::Missing | Presence::Unreadable))
    {
        let (mark, code) = match m.status {
            Presence::Missing => ("✗", "31"),
            _ => ("?", "33"),
        };
        let _ = writeln!(
            lines,
            "  {} {} {}  {}  {}{}",
            p.on(code, mark),
            p.on(code, presence_zh(m.status)),
            presence_id(m.status),
            m.name,
            p.on("2", &m.id),
            files_of(&m.files)
        );
    }
    for i in r.items.iter().filter(|i| i.status == ItemStatus::NotSupported) {
        let _ = writeln!(
            lines,
            "  {} 项目清单 item  {}：{}",
            p.on("1;31", "✗"),
            i.key,
            violations(i)
        );
    }
    for f in r.findings.iter().filter(|f| f.severity != Severity::Info) {
        finding_line(&mut lines, f, p, false);
    }
    if lines.is_empty() {
        let _ = writeln!(o, "\n无需处理的事项 nothing needs attention");
    } else {
        let _ = write!(o, "\n需处理 attention：\n{lines}");
    }
    let ok = checks(r)
        .filter(|(_, c)| matches!(c.status, CheckStatus::Satisfied | CheckStatus::NotApplicable))
        .count();
    let present = r.materials.iter().filter(|m| m.status == Presence::Present).count();
    let info = r.findings.iter().filter(|f| f.severity == Severity::Info).count();
    let rest: Vec<String> = [
        (ok, "项检查满足或不适用"),
        (present, "份材料已提供"),
        (r.fields.len(), "个字段"),
        (info, "条提示"),
    ]
    .into_iter()
    .filter(|(n, _)| *n > 0)
    .map(|(n, what)| format!("{n} {what}"))
    .collect();
    if rest.is_empty() {
        return;
    }
    let _ = writeln!(
        o,
        "\n{}",
        p.on(
            "2",
            &format!("另有 {}；全部 everything：pingshen check --all", rest.join("，"))
        )
    );
}

/// Everything: the checks by kind, plan items, materials, fields and findings.
fn all(o: &mut String, r: &Report, p: Paint) {
    let h = &r.header;
    let source = h.stage_source.map_or(String::new(), |s| {
        format!("  阶段来源 stage from：{}", super::stage_source_zh(s))
    });
    let _ = writeln!(o, "  {}{source}", p.on("2", &format!("sha256 {}", h.sha256)));
    for section in &r.sections {
        let (zh, en) = super::kind_title(section.kind);
        let _ = writeln!(o, "\n{zh} {en}：");
        for c in &section.checks {
            check_line(o, section.kind, c, p);
            if matches!(c.status, CheckStatus::Violated | CheckStatus::Undetermined) {
                for e in &c.evidence {
                    evidence_line(o, e, p);
                }
            }
        }
    }
    if !r.items.is_empty() {
        let _ = writeln!(o, "\n项目清单 project list items：");
        for i in &r.items {
            let (mark, code) = match i.status {
                ItemStatus::Supported => ("✓", "32"),
                ItemStatus::NotSupported => ("✗", "1;31"),
            };
            let _ = writeln!(o, "  {} {}  {}", p.on(code, mark), i.key, violations(i));
        }
    }
    if !r.materials.is_empty() {
        let _ = writeln!(o, "\n材料 materials：");
        for m in &r.materials {
            let code = match m.status {
                Presence::Present => "32",
                Presence::Missing => "31",
                Presence::Unreadable => "33",
                Presence::NotRequired => "2",
            };
            let status = pad(&format!("{} {}", presence_zh(m.status), presence_id(m.status)), 20);
            let name = pad(&m.name, 34);
            let _ = writeln!(
                o,
                "  {} {name} {} {}{}",
                p.on(code, super::presence_mark(m.status)),
                p.on(code, &status),
                p.on("2", &m.id),
                files_of(&m.files)
            );
        }
    }
    if !r.fields.is_empty() {
        let _ = writeln!(o, "\n字段 fields：");
        for f in &r.fields {
            let label = field_zh(&f.name).map_or(String::new(), |zh| format!("{zh} "));
            let _ = writeln!(
                o,
                "  {}  {}  {}",
                pad(&format!("{label}{}", f.name), 44),
                value_text(&f.value),
                p.on("2", &source_text(&f.source))
            );
        }
    }
    if !r.findings.is_empty() {
        let _ = writeln!(o, "\n发现 findings：");
        for f in &r.findings {
            finding_line(o, f, p, true);
        }
    }
    if let Some(e) = &r.ocr {
        let _ = writeln!(
            o,
            "\n{}",
            p.on(
                "2",
                &format!("扫描件由 OCR 读取 scans read by OCR：{} {}", e.engine, e.version)
            )
        );
    }
}

/// The checks a plan item violates: `PLAN-RL2 对应三定职责为空；…`.
fn violations(i: &super::ItemRow) -> String {
    i.checks
        .iter()
        .filter(|c| c.status == CheckStatus::Violated)
        .map(|c| format!("{} {}", c.id, c.message_zh))
        .collect::<Vec<_>>()
        .join("；")
}

/// `  ✗ REVIEW-RL1  红线 违反  message`.
fn check_line(o: &mut String, kind: CheckKind, c: &CheckRow, p: Paint) {
    let code = status_color(c.status);
    let (kind_zh, _) = super::kind_title(kind);
    let status = pad(
        &format!("{} {}", check_status_zh(c.status), check_status_id(c.status)),
        22,
    );
    let _ = writeln!(
        o,
        "  {} {}  {kind_zh}  {} {}",
        p.on(code, super::check_status_mark(c.status)),
        pad(&c.id, 18),
        p.on(code, &status),
        c.message_zh
    );
}

/// `      是否统筹使用全市共性平台 uses_shared_platform = 否  表.xlsx 基本情况!B9`.
fn evidence_line(o: &mut String, e: &EvidenceRow, p: Paint) {
    let label = field_zh(&e.field).map_or(String::new(), |zh| format!("{zh} "));
    let value = e
        .value
        .as_ref()
        .map_or_else(|| "未读到 (not read)".to_string(), |v| format!("= {}", value_text(v)));
    let at = e.source.as_ref().map(source_text).unwrap_or_default();
    let line = format!("      {label}{} {value}  {}", e.field, p.on("2", &at));
    let _ = writeln!(o, "{}", line.trim_end());
}

/// `  警告 warning  basic_info.bad_value  中文说明  [file]`, and with `all` the English beneath.
fn finding_line(o: &mut String, f: &super::FindingRow, p: Paint, all: bool) {
    let code = match f.severity {
        Severity::Error => "31",
        Severity::Warning => "33",
        Severity::Info => "2",
    };
    let file = f
        .source
        .as_ref()
        .and_then(|s| s.file.as_deref())
        .map(|path| format!("  [{path}]"))
        .unwrap_or_default();
    let _ = writeln!(
        o,
        "  {} {}  {}{}",
        p.on(
            code,
            &format!("{} {}", severity_zh(f.severity), severity_id(f.severity))
        ),
        f.code,
        f.message_zh,
        p.on("2", &file)
    );
    if all && f.message_en != f.message_zh {
        let _ = writeln!(o, "      {}", p.on("2", &f.message_en));
    }
}

/// `  ← a.pdf, b.pdf` (base names), or nothing.
fn files_of(files: &[String]) -> String {
    if files.is_empty() {
        return String::new();
    }
    format!(
        "  ← {}",
        files
            .iter()
            .map(|f| crate::names::base_name(f))
            .collect::<Vec<_>>()
            .join(", ")
    )
}

/// `file sheet!cell p.N`, with folders dropped from the file; a value read by OCR is marked
/// `OCR 97.3` (its confidence), and the doubt that keeps it from deciding follows.
fn source_text(s: &Location) -> String {
    let mut at = s.file.as_deref().map(crate::names::base_name).unwrap_or("").to_string();
    if let Some(c) = &s.cell {
        at = format!("{at} {}!{c}", s.sheet.as_deref().unwrap_or(""));
    }
    if let Some(p) = s.page {
        at = format!("{at} p.{p}");
    }
    if let Some(mark) = s.ocr {
        match mark.confidence {
            Some(c) => at = format!("{at} OCR {c:.1}"),
            None => at = format!("{at} OCR"),
        }
    }
    if let Some(d) = &s.doubt {
        at = format!("{at}（不作判定 decides nothing：{d}）");
    }
    at
}

/// Display width in a terminal: CJK and full-width characters take two columns.
pub fn width(s: &str) -> usize {
    s.chars().map(|c| if crate::extract::is_cjk(c) { 2 } else { 1 }).sum()
}

/// `s` padded with spaces to `cols` display columns.
fn pad(s: &str, cols: usize) -> String {
    format!("{s}{}", " ".repeat(cols.saturating_sub(width(s))))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::{Confidence, Source};

    #[test]
    fn a_value_read_by_ocr_is_marked_with_its_confidence_and_its_doubt() {
        let s = Source {
            file: Some("a/验收意见.pdf".into()),
            page: Some(1),
            ocr: Some(true),
            confidence: Some(Confidence::new(97.34)),
            ..Source::default()
        };
        assert_eq!(source_text(&Location::of(&s)), "验收意见.pdf p.1 OCR 97.3");
        let doubtful = Source {
            doubt: Some("seal ink covers 15日".into()),
            ..s
        };
        assert_eq!(
            source_text(&Location::of(&doubtful)),
            "验收意见.pdf p.1 OCR 97.3（不作判定 decides nothing：seal ink covers 15日）"
        );
        let cell = Source {
            file: Some("表.xlsx".into()),
            sheet: Some("基本情况".into()),
            cell: Some("B6".into()),
            ..Source::default()
        };
        assert_eq!(source_text(&Location::of(&cell)), "表.xlsx 基本情况!B6");
    }
}
