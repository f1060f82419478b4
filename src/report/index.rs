//! The `index.html` of `batch --out DIR --html`: one page over the batch's verdicts — the count
//! of each verdict, a table of the packages linking to each one's HTML report and JSON verdict,
//! and the statistics of `pingshen stats` with their charts (rendered by [`crate::stats`], so the
//! two pages agree). Self-contained and deterministic like the per-package report: no dates, no
//! timings, packages in input order.

use std::fmt::Write;

use super::html::esc;
use crate::stats::Stats;
use crate::verdict::VerdictKind;

/// One package of the batch, as the index lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndexEntry {
    /// The package's path as given to the batch.
    pub package: String,
    /// The verdict file's name in the output folder (`x.zip.json`).
    pub json: String,
    /// The HTML report's name in the output folder (`x.zip.html`).
    pub html: String,
    /// The verdict; `None` when the verdict file could not be read back.
    pub verdict: Option<VerdictKind>,
    /// The stage's wire id, when one was decided.
    pub stage: Option<String>,
    /// The project name, when one was read.
    pub project: Option<String>,
}

/// The index page over `entries` (in the batch's input order), with `stats` over the same
/// verdicts.
pub fn index_html(entries: &[IndexEntry], stats: &Stats) -> String {
    let mut o = String::new();
    o.push_str("<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n");
    o.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    o.push_str("<title>批量评审 · pingshen batch</title>\n<style>\n");
    o.push_str(crate::stats::HTML_CSS);
    o.push_str(INDEX_CSS);
    o.push_str("</style>\n</head>\n<body>\n<main>\n");
    o.push_str("<h1>批量评审 <span class=\"en\">pingshen batch</span></h1>\n");
    o.push_str("<section id=\"summary\" aria-labelledby=\"summary-title\">\n");
    o.push_str("<h2 id=\"summary-title\">结论汇总 <span class=\"en\">verdicts</span></h2>\n<ul class=\"counts\">\n");
    let _ = writeln!(
        o,
        "<li data-verdict=\"total\">合计 · <span class=\"en\">total</span>: <strong>{}</strong></li>",
        entries.len()
    );
    for kind in VerdictKind::ALL {
        let n = entries.iter().filter(|e| e.verdict == Some(kind)).count();
        let _ = writeln!(
            o,
            "<li class=\"v-{k}\" data-verdict=\"{k}\">{} · <span class=\"en\">{k}</span>: <strong>{n}</strong></li>",
            super::verdict_zh(kind),
            k = kind.as_str()
        );
    }
    let unread = entries.iter().filter(|e| e.verdict.is_none()).count();
    if unread > 0 {
        let _ = writeln!(
            o,
            "<li data-verdict=\"unread\">未写入 · <span class=\"en\">no verdict file</span>: <strong>{unread}</strong></li>"
        );
    }
    o.push_str("</ul>\n</section>\n");
    o.push_str("<section id=\"packages\" aria-labelledby=\"packages-title\">\n");
    o.push_str("<h2 id=\"packages-title\">评审包 <span class=\"en\">packages</span></h2>\n");
    o.push_str(
        "<div class=\"scroll\" role=\"region\" tabindex=\"0\" aria-label=\"评审包 · packages\">\n<table>\n<thead><tr>",
    );
    for h in [
        "评审包 <span class=\"en\">package</span>",
        "结论 <span class=\"en\">verdict</span>",
        "阶段 <span class=\"en\">stage</span>",
        "项目 <span class=\"en\">project</span>",
        "报告 <span class=\"en\">report</span>",
    ] {
        let _ = write!(o, "<th scope=\"col\">{h}</th>");
    }
    o.push_str("</tr></thead>\n<tbody>\n");
    for e in entries {
        let verdict = match e.verdict {
            Some(k) => format!(
                "<td class=\"v-{k}\">{} · <span class=\"en\">{k}</span></td>",
                super::verdict_zh(k),
                k = k.as_str()
            ),
            None => "<td>—</td>".to_string(),
        };
        let stage = match e.stage.as_deref().and_then(crate::schema::StageId::parse) {
            Some(s) => format!("{} <span class=\"en\">{}</span>", super::stage_zh(s), s.as_str()),
            None => "-".to_string(),
        };
        let links = if e.verdict.is_some() {
            format!(
                "<a href=\"{}\">HTML</a> · <a href=\"{}\">JSON</a>",
                href(&e.html),
                href(&e.json)
            )
        } else {
            "—".to_string()
        };
        let _ = writeln!(
            o,
            "<tr data-package=\"{}\" data-verdict=\"{}\"><th scope=\"row\">{}</th>{verdict}<td>{stage}</td><td>{}</td><td>{links}</td></tr>",
            esc(&e.html),
            e.verdict.map_or("", VerdictKind::as_str),
            match e.verdict {
                Some(_) => format!("<a href=\"{}\">{}</a>", href(&e.html), esc(&e.package)),
                None => esc(&e.package),
            },
            esc(e.project.as_deref().unwrap_or("-"))
        );
    }
    o.push_str("</tbody>\n</table>\n</div>\n</section>\n");
    o.push_str("<div id=\"stats\">\n<h2>统计 <span class=\"en\">statistics, as pingshen stats</span></h2>\n");
    o.push_str(&stats.html_sections());
    o.push_str("</div>\n");
    o.push_str("</main>\n</body>\n</html>\n");
    o
}

/// A relative link to a file of the same folder: every byte but the unreserved ASCII ones
/// percent-encoded, so a name with `#`, `?`, `:` or spaces stays one file name (and never a
/// scheme such as `javascript:`).
pub fn href(name: &str) -> String {
    let mut o = String::from("./");
    for b in name.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            o.push(char::from(b));
        } else {
            let _ = write!(o, "%{b:02X}");
        }
    }
    o
}

const INDEX_CSS: &str = "\
body{font-family:\"Noto Sans CJK SC\",\"Source Han Sans SC\",\"PingFang SC\",\"Microsoft YaHei\",sans-serif}
.counts{list-style:none;display:flex;flex-wrap:wrap;gap:8px 24px;padding:0}
.scroll{overflow-x:auto;max-width:100%}
a:focus-visible,.scroll:focus-visible{outline:3px solid #175cd3;outline-offset:2px}
td.v-pass,li.v-pass strong{color:#067647}
td.v-partial,td.v-needs_review,li.v-partial strong,li.v-needs_review strong{color:#b54708}
td.v-fail,td.v-incomplete,td.v-error,li.v-fail strong,li.v-incomplete strong,li.v-error strong{color:#b42318}
#packages th[scope=row]{font-weight:normal;word-break:break-all}
@media (max-width:600px){main{padding:8px}}
";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_stay_inside_the_folder() {
        assert_eq!(href("a b#1.zip.html"), "./a%20b%231.zip.html");
        assert_eq!(href("javascript:x"), "./javascript%3Ax");
        assert_eq!(href("申报.zip.json"), "./%E7%94%B3%E6%8A%A5.zip.json");
    }

    #[test]
    fn the_index_counts_links_and_escapes() {
        let entries = [
            IndexEntry {
                package: "in/<b>.zip".into(),
                json: "<b>.zip.json".into(),
                html: "<b>.zip.html".into(),
                verdict: Some(VerdictKind::Fail),
                stage: Some("review".into()),
                project: Some("项目".into()),
            },
            IndexEntry {
                package: "in/gone.zip".into(),
                json: "gone.zip.json".into(),
                html: "gone.zip.html".into(),
                verdict: None,
                stage: None,
                project: None,
            },
        ];
        let page = index_html(&entries, &Stats::default());
        assert!(!page.contains("<b>"), "escaped");
        assert!(page.contains("href=\"./%3Cb%3E.zip.html\""), "{page}");
        assert!(page.contains("href=\"./%3Cb%3E.zip.json\""), "{page}");
        assert!(page.contains("data-verdict=\"fail\">不通过 · <span class=\"en\">fail</span>: <strong>1</strong>"));
        assert!(page.contains("total</span>: <strong>2</strong>"));
        assert!(page.contains("no verdict file</span>: <strong>1</strong>"));
        assert_eq!(page, index_html(&entries, &Stats::default()));
    }
}
