//! The text report of `pingshen check`, for a person at a terminal: the verdict first, then the
//! materials with ✓ / ✗, the fields read with where they came from, and the findings.

use std::fmt::Write;

use crate::finding::Severity;
use crate::finding::Source;
use crate::verdict::{CheckKind, CheckStatus, ItemStatus, Presence, Value, Verdict, VerdictKind};

fn value_text(v: &Value) -> String {
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

fn verdict_zh(v: VerdictKind) -> &'static str {
    match v {
        VerdictKind::Error => "无法评审",
        VerdictKind::Fail => "不通过",
        VerdictKind::Incomplete => "材料不全",
        VerdictKind::NeedsReview => "需人工复核",
        VerdictKind::Partial => "部分支持",
        VerdictKind::Pass => "通过",
    }
}

/// Renders the report. `color` adds ANSI colours (for a terminal).
pub fn render(v: &Verdict, color: bool) -> String {
    let paint = |code: &str, s: &str| {
        if color {
            format!("\x1b[{code}m{s}\x1b[0m")
        } else {
            s.to_string()
        }
    };
    let mut o = String::new();
    let verdict_color = match v.verdict {
        VerdictKind::Pass => "1;32",
        VerdictKind::Partial | VerdictKind::NeedsReview => "1;33",
        _ => "1;31",
    };
    let _ = writeln!(
        o,
        "{}  {}",
        v.package.file,
        paint("2", &format!("sha256 {}", v.package.sha256))
    );
    let stage = v.stage.map_or("-".to_string(), |s| s.as_str().to_string());
    let source = v
        .stage_source
        .map_or(String::new(), |s| format!(" (from {})", serde_plain(&s)));
    let _ = writeln!(
        o,
        "verdict: {} {}   stage: {stage}{source}",
        paint(verdict_color, v.verdict.as_str()),
        verdict_zh(v.verdict)
    );
    if let Some(c) = &v.consequence {
        let _ = writeln!(o, "consequence: {}", paint("1;31", c));
    }
    if let Some(n) = &v.project.name {
        let _ = writeln!(
            o,
            "project: {n}  {}  {}  {}",
            v.project.applicant.as_deref().unwrap_or("-"),
            v.project.project_type.as_deref().unwrap_or("-"),
            v.project.submission_date.map_or("-".to_string(), |d| d.to_string())
        );
    }
    if !v.checks.is_empty() {
        // Red lines first, then requirements; within each, what needs attention first.
        let rank = |c: &crate::verdict::Check| {
            let k = if c.kind == CheckKind::RedLine { 0 } else { 1 };
            let st = match c.status {
                CheckStatus::Violated => 0,
                CheckStatus::Undetermined => 1,
                CheckStatus::Manual => 2,
                CheckStatus::Satisfied => 3,
                CheckStatus::NotApplicable => 4,
            };
            (k, st)
        };
        let mut checks: Vec<&crate::verdict::Check> = v.checks.iter().collect();
        checks.sort_by_key(|c| rank(c));
        let mut last_kind = None;
        for c in checks {
            if last_kind != Some(c.kind) {
                let title = if c.kind == CheckKind::RedLine {
                    "\nred lines (红线):"
                } else {
                    "\nrequirements:"
                };
                let _ = writeln!(o, "{title}");
                last_kind = Some(c.kind);
            }
            let (mark, code) = match c.status {
                CheckStatus::Violated => ("✗", "1;31"),
                CheckStatus::Undetermined => ("?", "33"),
                CheckStatus::Manual => ("…", "36"),
                CheckStatus::Satisfied => ("✓", "32"),
                CheckStatus::NotApplicable => ("·", "2"),
            };
            let status = pad(&serde_plain(&c.status), 14);
            let _ = writeln!(
                o,
                "  {} {:<24} {} {}",
                paint(code, mark),
                c.id,
                paint(code, &status),
                c.message.zh
            );
            if matches!(c.status, CheckStatus::Violated | CheckStatus::Undetermined) {
                for e in &c.evidence {
                    let value = e.value.as_ref().map_or("(not read)".to_string(), value_text);
                    let at = e.source.as_ref().map(source_text).unwrap_or_default();
                    let _ = writeln!(o, "      {} = {value}  {}", e.field, paint("2", &at));
                }
            }
        }
    }
    if !v.items.is_empty() {
        let _ = writeln!(o, "\nproject list items:");
        for i in &v.items {
            let (mark, code) = match i.status {
                ItemStatus::Supported => ("✓", "32"),
                ItemStatus::NotSupported => ("✗", "1;31"),
            };
            let why: Vec<String> = i
                .checks
                .iter()
                .filter(|c| c.status == CheckStatus::Violated)
                .map(|c| format!("{} {}", c.id, c.message.zh))
                .collect();
            let _ = writeln!(o, "  {} {}  {}", paint(code, mark), i.key, why.join("；"));
        }
    }
    if !v.materials.is_empty() {
        let _ = writeln!(o, "\nmaterials:");
        for m in &v.materials {
            let (mark, code) = match m.status {
                Presence::Present => ("✓", "32"),
                Presence::Missing => ("✗", "31"),
                Presence::Unreadable => ("?", "33"),
                Presence::NotRequired => ("·", "2"),
            };
            let req = if m.required { "" } else { " (not required)" };
            let files = if m.files.is_empty() {
                String::new()
            } else {
                format!(
                    "  ← {}",
                    m.files
                        .iter()
                        .map(|f| crate::names::base_name(f))
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            };
            let status = pad(&serde_plain(&m.status), 12);
            let name = pad(&format!("{}{req}", m.name), 34);
            let _ = writeln!(
                o,
                "  {} {:<28} {name} {}{files}",
                paint(code, mark),
                m.id,
                paint(code, &status)
            );
        }
    }
    if !v.fields.is_empty() {
        let _ = writeln!(o, "\nfields:");
        for (k, f) in &v.fields {
            let at = source_text(&f.source);
            let _ = writeln!(o, "  {k:<28} {}  {}", value_text(&f.value), paint("2", &at));
        }
    }
    if !v.findings.is_empty() {
        let _ = writeln!(o, "\nfindings:");
        for f in &v.findings {
            let code = match f.severity {
                Severity::Error => "31",
                Severity::Warning => "33",
                Severity::Info => "2",
            };
            let file = f
                .source
                .as_ref()
                .and_then(|s| s.file.as_deref())
                .map(|p| format!(" [{p}]"))
                .unwrap_or_default();
            let _ = writeln!(
                o,
                "  {} {} {}{}",
                paint(code, &serde_plain(&f.severity)),
                f.code.as_str(),
                f.message,
                file
            );
        }
    }
    o
}

/// `file sheet!cell p.N`, with folders dropped from the file; a value read by OCR is marked
/// `OCR 97.3` (its confidence), and the doubt that keeps it from deciding follows.
fn source_text(s: &Source) -> String {
    let mut at = s.file.as_deref().map(crate::names::base_name).unwrap_or("").to_string();
    if let Some(c) = &s.cell {
        at = format!("{at} {}!{c}", s.sheet.as_deref().unwrap_or(""));
    }
    if let Some(p) = s.page {
        at = format!("{at} p.{p}");
    }
    if s.ocr == Some(true) {
        match s.confidence {
            Some(c) => at = format!("{at} OCR {:.1}", c.value()),
            None => at = format!("{at} OCR"),
        }
    }
    if let Some(d) = &s.doubt {
        at = format!("{at} (decides nothing: {d})");
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

/// The serde name of a unit enum variant (`not_required`).
fn serde_plain<T: serde::Serialize>(t: &T) -> String {
    serde_json::to_value(t)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::Confidence;

    #[test]
    fn a_value_read_by_ocr_is_marked_with_its_confidence_and_its_doubt() {
        let s = Source {
            file: Some("a/验收意见.pdf".into()),
            page: Some(1),
            ocr: Some(true),
            confidence: Some(Confidence::new(97.34)),
            ..Source::default()
        };
        assert_eq!(source_text(&s), "验收意见.pdf p.1 OCR 97.3");
        let doubtful = Source {
            doubt: Some("seal ink covers 15日".into()),
            ..s
        };
        assert_eq!(
            source_text(&doubtful),
            "验收意见.pdf p.1 OCR 97.3 (decides nothing: seal ink covers 15日)"
        );
        let cell = Source {
            file: Some("表.xlsx".into()),
            sheet: Some("基本情况".into()),
            cell: Some("B6".into()),
            ..Source::default()
        };
        assert_eq!(source_text(&cell), "表.xlsx 基本情况!B6");
    }
}
