//! The text report of `pingshen check`, for a person at a terminal: the verdict first, then the
//! checks, the materials with ✓ / ✗, the fields read with where they came from, and the findings.
//! Rendered from the [`Report`] model; its bytes are pinned by the snapshot and CLI tests.

use std::fmt::Write;

use super::{check_status_id, presence_id, severity_id, value_text, verdict_zh, Location, Report};
use crate::finding::Severity;
use crate::verdict::{CheckKind, CheckStatus, ItemStatus, Presence, Verdict, VerdictKind};

/// Renders the report. `color` adds ANSI colours (for a terminal).
pub fn render(v: &Verdict, color: bool) -> String {
    render_report(&Report::of(v), color)
}

/// Renders a [`Report`] as text; evidence is shown only for the checks that need attention
/// (violated, undetermined), so a passing package stays a short list.
pub fn render_report(r: &Report, color: bool) -> String {
    let paint = |code: &str, s: &str| {
        if color {
            format!("\x1b[{code}m{s}\x1b[0m")
        } else {
            s.to_string()
        }
    };
    let mut o = String::new();
    let h = &r.header;
    let verdict_color = match h.verdict {
        VerdictKind::Pass => "1;32",
        VerdictKind::Partial | VerdictKind::NeedsReview => "1;33",
        _ => "1;31",
    };
    let _ = writeln!(o, "{}  {}", h.file, paint("2", &format!("sha256 {}", h.sha256)));
    let stage = h.stage.map_or("-".to_string(), |s| s.as_str().to_string());
    let source = h
        .stage_source
        .map_or(String::new(), |s| format!(" (from {})", super::stage_source_id(s)));
    let _ = writeln!(
        o,
        "verdict: {} {}   stage: {stage}{source}",
        paint(verdict_color, h.verdict.as_str()),
        verdict_zh(h.verdict)
    );
    if let Some(c) = &h.consequence {
        let _ = writeln!(o, "consequence: {}", paint("1;31", c));
    }
    if let Some(p) = &r.project {
        let _ = writeln!(
            o,
            "project: {}  {}  {}  {}",
            p.name,
            p.applicant.as_deref().unwrap_or("-"),
            p.project_type.as_deref().unwrap_or("-"),
            p.submission_date.as_deref().unwrap_or("-")
        );
    }
    for section in &r.sections {
        let title = if section.kind == CheckKind::RedLine {
            "\nred lines (红线):"
        } else {
            "\nrequirements:"
        };
        let _ = writeln!(o, "{title}");
        for c in &section.checks {
            let code = match c.status {
                CheckStatus::Violated => "1;31",
                CheckStatus::Undetermined => "33",
                CheckStatus::Manual => "36",
                CheckStatus::Satisfied => "32",
                CheckStatus::NotApplicable => "2",
            };
            let mark = super::check_status_mark(c.status);
            let status = pad(check_status_id(c.status), 14);
            let _ = writeln!(
                o,
                "  {} {:<24} {} {}",
                paint(code, mark),
                c.id,
                paint(code, &status),
                c.message_zh
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
    if !r.items.is_empty() {
        let _ = writeln!(o, "\nproject list items:");
        for i in &r.items {
            let (mark, code) = match i.status {
                ItemStatus::Supported => ("✓", "32"),
                ItemStatus::NotSupported => ("✗", "1;31"),
            };
            let why: Vec<String> = i
                .checks
                .iter()
                .filter(|c| c.status == CheckStatus::Violated)
                .map(|c| format!("{} {}", c.id, c.message_zh))
                .collect();
            let _ = writeln!(o, "  {} {}  {}", paint(code, mark), i.key, why.join("；"));
        }
    }
    if !r.materials.is_empty() {
        let _ = writeln!(o, "\nmaterials:");
        for m in &r.materials {
            let code = match m.status {
                Presence::Present => "32",
                Presence::Missing => "31",
                Presence::Unreadable => "33",
                Presence::NotRequired => "2",
            };
            let mark = super::presence_mark(m.status);
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
            let status = pad(presence_id(m.status), 12);
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
    if !r.fields.is_empty() {
        let _ = writeln!(o, "\nfields:");
        for f in &r.fields {
            let at = source_text(&f.source);
            let _ = writeln!(o, "  {:<28} {}  {}", f.name, value_text(&f.value), paint("2", &at));
        }
    }
    if !r.findings.is_empty() {
        let _ = writeln!(o, "\nfindings:");
        for f in &r.findings {
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
                paint(code, severity_id(f.severity)),
                f.code,
                f.message,
                file
            );
        }
    }
    o
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
            "验收意见.pdf p.1 OCR 97.3 (decides nothing: seal ink covers 15日)"
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
