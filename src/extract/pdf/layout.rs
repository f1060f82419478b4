//! Reading order: a page's glyph runs grouped into lines by baseline, joined with a space between
//! words of Latin text, none between CJK characters, and a tab across wide gaps.

use super::interp::{PageText, Run};
use super::{is_cjk, Line, LINE_TOLERANCE, TAB_GAP, WORD_GAP};

/// Groups a page's runs into lines: upright runs by baseline (top to bottom), each line's runs by
/// x; rotated runs after them, one line each, in drawing order.
pub(super) fn layout(out: &PageText, page: u32, lines: &mut Vec<Line>) {
    let mut upright: Vec<&Run> = out
        .runs
        .iter()
        .filter(|r| r.upright && !out.run_text(r).trim().is_empty())
        .collect();
    // Stable sort: runs on one baseline keep their drawing order until sorted by x.
    upright.sort_by(|a, b| b.y.total_cmp(&a.y));
    let mut i = 0;
    let mut group: Vec<&Run> = Vec::new();
    while let Some(anchor) = upright.get(i) {
        let mut j = i + 1;
        while let Some(r) = upright.get(j) {
            if anchor.y - r.y <= LINE_TOLERANCE * anchor.size.max(r.size) {
                j += 1;
            } else {
                break;
            }
        }
        group.clear();
        group.extend(upright.get(i..j).unwrap_or(&[]));
        group.sort_by(|a, b| a.x0.total_cmp(&b.x0));
        let text = join_runs(out, &group);
        if !text.is_empty() {
            lines.push(Line { text, page: Some(page) });
        }
        i = j;
    }
    for r in out.runs.iter().filter(|r| !r.upright) {
        let t = out.run_text(r).trim();
        if !t.is_empty() {
            lines.push(Line {
                text: t.to_string(),
                page: Some(page),
            });
        }
    }
}

/// Joins the runs of one line (sorted by x): a space at a word gap unless both sides are CJK, a
/// tab at a wide gap; a run repeating the previous one at nearly the same place (fake bold) is
/// dropped.
pub(super) fn join_runs(out: &PageText, runs: &[&Run]) -> String {
    let mut s = String::new();
    let mut end = f64::NEG_INFINITY;
    let mut prev: Option<&Run> = None;
    for r in runs {
        let t = out.run_text(r);
        if let Some(p) = prev {
            let em = p.size.max(r.size);
            if t == out.run_text(p) && (r.x0 - p.x0).abs() < 0.3 * em && (r.y - p.y).abs() < 0.3 * em {
                continue;
            }
            if !s.is_empty() {
                let gap = r.x0 - end;
                if gap > TAB_GAP * em {
                    s.truncate(s.trim_end().len());
                    s.push('\t');
                } else if gap > WORD_GAP * em {
                    let last = s.chars().next_back();
                    let first = t.chars().next();
                    if let (Some(l), Some(f)) = (last, first) {
                        let both_cjk = is_cjk(l) && is_cjk(f);
                        if !both_cjk && !l.is_whitespace() && !f.is_whitespace() {
                            s.push(' ');
                        }
                    }
                }
            }
        }
        if s.ends_with('\t') {
            s.push_str(t.trim_start());
        } else {
            s.push_str(t);
        }
        end = end.max(r.x1);
        prev = Some(r);
    }
    s.trim().to_string()
}
