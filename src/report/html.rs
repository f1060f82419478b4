//! The HTML report of one verdict: a self-contained HTML5 page (`check --format html`, and one
//! beside each verdict with `batch --html`) that a reviewer opens offline, on a desktop or a phone.
//!
//! Self-contained: inline CSS, no fonts, images or scripts from anywhere else. Every text that
//! comes from the verdict (file names, cell text, messages) is escaped, so a hostile file name
//! cannot inject markup. The verdict itself (exactly [`crate::to_json`]) is embedded in a
//! `<script type="application/json" id="verdict-json">` with `</` and `<!--` escaped so it cannot
//! end the element; a small inline script turns it into a download link, and the page reads the
//! same without scripts. Deterministic: no dates and no generated ids, so the same verdict gives
//! the same bytes.
//!
//! Stable hooks for tools and browser tests: `#verdict[data-verdict]`, one
//! `[data-check][data-status]` row per check, one `[data-material][data-presence]` row per
//! material, and the missing materials in `#missing`.

use std::fmt::Write;

use super::{
    check_status_id, check_status_mark, check_status_zh, item_status_id, item_status_zh, kind_title, presence_id,
    presence_mark, presence_zh, severity_id, severity_zh, stage_source_id, stage_source_zh, stage_zh, verdict_zh,
    CheckRow, CheckSection, Location, Report,
};
use crate::verdict::{CheckKind, Value, Verdict};

/// The report of `v` as a complete HTML document.
pub fn html(v: &Verdict) -> String {
    render_report(&Report::of(v), &crate::to_json(v))
}

/// The report of a verdict given as its JSON (as a worker sends it, or a verdict file): the JSON
/// is embedded as given, so the page carries the very bytes the verdict file has.
pub fn html_from_json(json: &str) -> Result<String, serde_json::Error> {
    let v: Verdict = serde_json::from_str(json)?;
    Ok(render_report(&Report::of(&v), json))
}

/// Renders a [`Report`] as a complete HTML document embedding `json` (the verdict's JSON).
pub fn render_report(r: &Report, json: &str) -> String {
    let mut o = String::with_capacity(16 * 1024 + json.len());
    let h = &r.header;
    o.push_str("<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n");
    o.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    let _ = writeln!(
        o,
        "<title>{} · {} — 评审报告 · pingshen report</title>",
        esc(&h.file),
        verdict_zh(h.verdict)
    );
    o.push_str("<style>\n");
    o.push_str(CSS);
    o.push_str("</style>\n</head>\n<body>\n");
    o.push_str("<a class=\"skip\" href=\"#main\">跳到正文 · Skip to content</a>\n");
    header(&mut o, r);
    nav(&mut o, r);
    o.push_str("<main id=\"main\" tabindex=\"-1\">\n");
    for s in &r.sections {
        checks(&mut o, s);
    }
    items(&mut o, r);
    materials(&mut o, r);
    fields(&mut o, r);
    findings(&mut o, r);
    files(&mut o, r);
    o.push_str("</main>\n");
    o.push_str(
        "<footer><p>pingshen · 评审 — <code>schema_version</code> 见内嵌 JSON · see the embedded JSON</p></footer>\n",
    );
    let _ = writeln!(
        o,
        "<script type=\"application/json\" id=\"verdict-json\">{}</script>",
        script_safe_json(json)
    );
    o.push_str("<script>\n");
    o.push_str(DOWNLOAD_JS);
    o.push_str("</script>\n</body>\n</html>\n");
    o
}

/// The file name the download link offers: the archive's name with `.json`.
fn download_name(file: &str) -> String {
    let base = crate::names::base_name(file);
    if base.is_empty() {
        "verdict.json".to_string()
    } else {
        format!("{base}.json")
    }
}

fn header(o: &mut String, r: &Report) {
    let h = &r.header;
    o.push_str("<header>\n");
    let _ = writeln!(
        o,
        "<p class=\"file\"><span class=\"label\">评审报告 · Review report</span> <strong>{}</strong></p>",
        esc(&h.file)
    );
    let _ = writeln!(
        o,
        "<section id=\"verdict\" class=\"verdict v-{kind}\" data-verdict=\"{kind}\" aria-labelledby=\"verdict-title\">",
        kind = h.verdict.as_str()
    );
    let _ = writeln!(
        o,
        "<h1 id=\"verdict-title\"><span class=\"zh\">{}</span> · <span class=\"en\" lang=\"en\">{}</span></h1>",
        verdict_zh(h.verdict),
        h.verdict.as_str()
    );
    match &h.consequence {
        Some(c) => {
            let _ = writeln!(
                o,
                "<p class=\"consequence\">后果 · <span lang=\"en\">consequence</span>: <strong>{}</strong></p>",
                esc(c)
            );
        }
        None => {
            o.push_str("<p class=\"consequence none\">后果 · <span lang=\"en\">consequence</span>: 无 · none</p>\n")
        }
    }
    o.push_str("<dl class=\"facts\">\n");
    let stage = match h.stage {
        Some(s) => format!("{} · <span lang=\"en\">{}</span>", stage_zh(s), s.as_str()),
        None => "未能确定 · <span lang=\"en\">undecided</span>".to_string(),
    };
    let source = h.stage_source.map_or(String::new(), |s| {
        format!(
            " <span class=\"from\">（来源 · from: {} · <span lang=\"en\">{}</span>）</span>",
            stage_source_zh(s),
            stage_source_id(s)
        )
    });
    let _ = writeln!(
        o,
        "<div><dt>申报阶段 · <span lang=\"en\">stage</span></dt><dd>{stage}{source}</dd></div>"
    );
    if let Some(p) = &r.project {
        let or_dash = |s: &Option<String>| esc(s.as_deref().unwrap_or("-"));
        let _ = writeln!(
            o,
            "<div><dt>项目名称 · <span lang=\"en\">project</span></dt><dd>{}</dd></div>",
            esc(&p.name)
        );
        let _ = writeln!(
            o,
            "<div><dt>申报单位 · <span lang=\"en\">applicant</span></dt><dd>{}</dd></div>",
            or_dash(&p.applicant)
        );
        let _ = writeln!(
            o,
            "<div><dt>项目类型 · <span lang=\"en\">type</span></dt><dd>{}</dd></div>",
            match p.project_type.as_deref() {
                Some("new") => "新建 · <span lang=\"en\">new</span>".to_string(),
                Some("upgrade") => "升级改造 · <span lang=\"en\">upgrade</span>".to_string(),
                _ => or_dash(&p.project_type),
            }
        );
        let _ = writeln!(
            o,
            "<div><dt>申报日期 · <span lang=\"en\">submitted</span></dt><dd>{}</dd></div>",
            or_dash(&p.submission_date)
        );
    }
    let _ = writeln!(
        o,
        "<div><dt>SHA-256</dt><dd><code class=\"hash\">{}</code></dd></div>",
        esc(&h.sha256)
    );
    if let Some(e) = &r.ocr {
        let _ = writeln!(
            o,
            "<div><dt>OCR 引擎 · <span lang=\"en\">OCR engine</span></dt><dd>{} {}{}</dd></div>",
            esc(e.engine),
            esc(&e.version),
            if e.models.is_empty() {
                String::new()
            } else {
                format!(
                    " <span class=\"models\">({})</span>",
                    e.models.iter().map(|m| esc(m)).collect::<Vec<_>>().join(", ")
                )
            }
        );
    }
    o.push_str("</dl>\n");
    let _ = writeln!(
        o,
        "<p class=\"download\"><a id=\"download-json\" href=\"#verdict-json\" download=\"{}\" hidden>下载 JSON · <span lang=\"en\">Download JSON</span></a></p>",
        esc(&download_name(&h.file))
    );
    o.push_str("</section>\n</header>\n");
}

fn nav(o: &mut String, r: &Report) {
    o.push_str("<nav aria-label=\"目录 · contents\">\n<ul>\n");
    for s in &r.sections {
        let (zh, en) = kind_title(s.kind);
        let _ = writeln!(
            o,
            "<li><a href=\"#{}\">{zh} · <span lang=\"en\">{en}</span></a></li>",
            section_id(s.kind)
        );
    }
    let mut link = |show: bool, id: &str, zh: &str, en: &str| {
        if show {
            let _ = writeln!(o, "<li><a href=\"#{id}\">{zh} · <span lang=\"en\">{en}</span></a></li>");
        }
    };
    link(!r.items.is_empty(), "items", "项目清单", "project list items");
    link(!r.materials.is_empty(), "materials", "材料", "materials");
    link(!r.fields.is_empty(), "fields", "字段", "fields");
    link(!r.findings.is_empty(), "findings", "发现", "findings");
    link(!r.files.is_empty(), "files", "文件", "files");
    o.push_str("</ul>\n</nav>\n");
}

fn section_id(k: CheckKind) -> &'static str {
    match k {
        CheckKind::RedLine => "red-lines",
        CheckKind::Requirement => "requirements",
    }
}

/// Opens a table in a wrapper that scrolls sideways on a narrow screen (and can be focused and
/// scrolled with the keyboard).
fn open_table(o: &mut String, label: &str, headers: &[&str]) {
    let _ = writeln!(
        o,
        "<div class=\"scroll\" role=\"region\" tabindex=\"0\" aria-label=\"{}\">\n<table>\n<thead><tr>",
        esc(label)
    );
    for h in headers {
        let _ = write!(o, "<th scope=\"col\">{h}</th>");
    }
    o.push_str("</tr></thead>\n<tbody>\n");
}

fn close_table(o: &mut String) {
    o.push_str("</tbody>\n</table>\n</div>\n");
}

fn checks(o: &mut String, s: &CheckSection) {
    let (zh, en) = kind_title(s.kind);
    let id = section_id(s.kind);
    let _ = writeln!(
        o,
        "<section id=\"{id}\" aria-labelledby=\"{id}-title\">\n<h2 id=\"{id}-title\">{zh} · <span lang=\"en\">{en}</span></h2>"
    );
    open_table(
        o,
        &format!("{zh} · {en}"),
        &[
            "状态 · <span lang=\"en\">status</span>",
            "检查 · <span lang=\"en\">check</span>",
            "说明 · <span lang=\"en\">message</span>",
            "依据 · <span lang=\"en\">evidence</span>",
        ],
    );
    for c in &s.checks {
        check_row(o, c);
    }
    close_table(o);
    o.push_str("</section>\n");
}

fn status_cell(c: &CheckRow) -> String {
    format!(
        "<td class=\"status\"><span class=\"mark\" aria-hidden=\"true\">{}</span> {} · <span lang=\"en\">{}</span></td>",
        check_status_mark(c.status),
        check_status_zh(c.status),
        check_status_id(c.status)
    )
}

fn check_row(o: &mut String, c: &CheckRow) {
    let status = check_status_id(c.status);
    let _ = write!(
        o,
        "<tr class=\"s-{status}\" data-check=\"{}\" data-status=\"{status}\">{}<th scope=\"row\"><code>{}</code></th>",
        esc(&c.id),
        status_cell(c),
        esc(&c.id)
    );
    let _ = write!(
        o,
        "<td>{}<br><span class=\"en\" lang=\"en\">{}</span>",
        esc(&c.message_zh),
        esc(&c.message_en)
    );
    if let Some(q) = &c.consequence {
        let _ = write!(
            o,
            "<br><span class=\"cons\">后果 · <span lang=\"en\">consequence</span>: {}</span>",
            esc(q)
        );
    }
    o.push_str("</td><td>");
    evidence(o, c);
    o.push_str("</td></tr>\n");
}

fn evidence(o: &mut String, c: &CheckRow) {
    if c.evidence.is_empty() {
        o.push_str("<span class=\"muted\">—</span>");
        return;
    }
    o.push_str("<ul class=\"evidence\">");
    for e in &c.evidence {
        let value = match &e.value {
            Some(v) => format!("<span class=\"value\">{}</span>", value_html(v)),
            None => "<span class=\"muted\">未读到 · <span lang=\"en\">not read</span></span>".to_string(),
        };
        let _ = write!(o, "<li><code>{}</code> = {value}", esc(&e.field));
        if let Some(l) = &e.source {
            let _ = write!(o, " {}", location(l));
        }
        o.push_str("</li>");
    }
    o.push_str("</ul>");
}

/// A value as the page shows it, escaped: as the text report shows it, except that a table is
/// `N 行 · N rows` and an empty list or table is `无 · none` alike (the JSON cannot tell them apart,
/// and the page made from a worker's JSON must be the page made from the verdict).
fn value_html(v: &Value) -> String {
    match v {
        Value::List(l) if l.is_empty() => NONE.to_string(),
        Value::Rows(r) if r.is_empty() => NONE.to_string(),
        Value::Rows(r) => format!("{n} 行 · <span lang=\"en\">{n} rows</span>", n = r.len()),
        other => esc(&super::value_text(other)),
    }
}

const NONE: &str = "<span class=\"muted\">无 · <span lang=\"en\">none</span></span>";

/// `file · sheet!cell · 第 N 页 · “snippet” · OCR 97.3 · doubt`, each part escaped.
fn location(l: &Location) -> String {
    let mut parts = Vec::new();
    if let Some(f) = &l.file {
        parts.push(format!("<span class=\"file\">{}</span>", esc(f)));
    }
    if let Some(c) = &l.cell {
        parts.push(format!(
            "<span class=\"cell\">{}!{}</span>",
            esc(l.sheet.as_deref().unwrap_or("")),
            esc(c)
        ));
    } else if let Some(s) = &l.sheet {
        parts.push(format!("<span class=\"cell\">{}</span>", esc(s)));
    }
    if let Some(p) = l.page {
        parts.push(format!(
            "<span class=\"page\">第 {p} 页 · <span lang=\"en\">page {p}</span></span>"
        ));
    }
    if let Some(t) = &l.snippet {
        parts.push(format!("<q class=\"snippet\">{}</q>", esc(t)));
    }
    if let Some(m) = l.ocr {
        let text = match m.confidence {
            Some(c) => format!("OCR {c:.1}"),
            None => "OCR".to_string(),
        };
        parts.push(format!(
            "<span class=\"ocr\" title=\"由 OCR 读取，置信度 0–100 · read by OCR, confidence 0–100\">{text}</span>"
        ));
    }
    if let Some(d) = &l.doubt {
        parts.push(format!(
            "<span class=\"doubt\">不作判定 · <span lang=\"en\">decides nothing</span>: {}</span>",
            esc(d)
        ));
    }
    format!("<span class=\"src\">{}</span>", parts.join(" · "))
}

fn items(o: &mut String, r: &Report) {
    if r.items.is_empty() {
        return;
    }
    o.push_str("<section id=\"items\" aria-labelledby=\"items-title\">\n<h2 id=\"items-title\">项目清单 · <span lang=\"en\">project list items</span></h2>\n");
    open_table(
        o,
        "项目清单 · project list items",
        &[
            "状态 · <span lang=\"en\">status</span>",
            "项目 · <span lang=\"en\">item</span>",
            "检查 · <span lang=\"en\">checks</span>",
        ],
    );
    for i in &r.items {
        let status = item_status_id(i.status);
        let mark = if status == "supported" { "✓" } else { "✗" };
        let _ = write!(
            o,
            "<tr class=\"i-{status}\" data-item=\"{}\" data-status=\"{status}\"><td class=\"status\"><span class=\"mark\" aria-hidden=\"true\">{mark}</span> {} · <span lang=\"en\">{status}</span></td><th scope=\"row\">{}</th><td>",
            esc(&i.key),
            item_status_zh(i.status),
            esc(&i.key)
        );
        if i.checks.is_empty() {
            o.push_str("<span class=\"muted\">—</span>");
        } else {
            o.push_str("<ul class=\"item-checks\">");
            for c in &i.checks {
                let _ = write!(
                    o,
                    "<li data-check=\"{}\" data-status=\"{}\"><span class=\"mark\" aria-hidden=\"true\">{}</span> <code>{}</code> {}",
                    esc(&c.id),
                    check_status_id(c.status),
                    check_status_mark(c.status),
                    esc(&c.id),
                    esc(&c.message_zh)
                );
                evidence(o, c);
                o.push_str("</li>");
            }
            o.push_str("</ul>");
        }
        o.push_str("</td></tr>\n");
    }
    close_table(o);
    o.push_str("</section>\n");
}

fn materials(o: &mut String, r: &Report) {
    if r.materials.is_empty() {
        return;
    }
    o.push_str("<section id=\"materials\" aria-labelledby=\"materials-title\">\n<h2 id=\"materials-title\">材料 · <span lang=\"en\">materials</span></h2>\n");
    let missing: Vec<_> = r.missing().collect();
    let _ = writeln!(
        o,
        "<h3>缺失材料 · <span lang=\"en\">missing materials</span>: {}</h3>",
        missing.len()
    );
    let _ = write!(o, "<ul id=\"missing\" data-count=\"{}\">", missing.len());
    for m in &missing {
        let _ = write!(
            o,
            "<li data-material=\"{}\"><span class=\"mark\" aria-hidden=\"true\">✗</span> {} <code>{}</code></li>",
            esc(&m.id),
            esc(&m.name),
            esc(&m.id)
        );
    }
    o.push_str("</ul>\n");
    if missing.is_empty() {
        o.push_str("<p class=\"none\">无缺失材料 · <span lang=\"en\">nothing missing</span></p>\n");
    }
    open_table(
        o,
        "材料 · materials",
        &[
            "状态 · <span lang=\"en\">status</span>",
            "材料 · <span lang=\"en\">material</span>",
            "文件 · <span lang=\"en\">files</span>",
        ],
    );
    for m in &r.materials {
        let presence = presence_id(m.status);
        let _ = write!(
            o,
            "<tr class=\"p-{presence}\" data-material=\"{}\" data-presence=\"{presence}\"><td class=\"status\"><span class=\"mark\" aria-hidden=\"true\">{}</span> {} · <span lang=\"en\">{presence}</span></td>",
            esc(&m.id),
            presence_mark(m.status),
            presence_zh(m.status)
        );
        let _ = write!(
            o,
            "<th scope=\"row\">{}<br><code>{}</code>{}</th><td>",
            esc(&m.name),
            esc(&m.id),
            if m.required {
                ""
            } else {
                " <span class=\"muted\">（非必需 · <span lang=\"en\">not required</span>）</span>"
            }
        );
        if m.files.is_empty() {
            o.push_str("<span class=\"muted\">—</span>");
        } else {
            o.push_str("<ul class=\"files\">");
            for f in &m.files {
                let _ = write!(o, "<li>{}</li>", esc(f));
            }
            o.push_str("</ul>");
        }
        if !m.seals.is_empty() {
            o.push_str("<ul class=\"seals\">");
            for s in &m.seals {
                let _ =
                    write!(
                    o,
                    "<li>印章 · <span lang=\"en\">seal</span>: {} · 第 {} 页 · <span lang=\"en\">page {}</span>{}</li>",
                    esc(crate::names::base_name(&s.file)),
                    s.page,
                    s.page,
                    if s.text.is_empty() {
                        String::new()
                    } else {
                        format!(" · <q>{}</q> <span class=\"ocr\">OCR {:.1}</span>", esc(&s.text), s.confidence)
                    }
                );
            }
            o.push_str("</ul>");
        }
        o.push_str("</td></tr>\n");
    }
    close_table(o);
    o.push_str("</section>\n");
}

fn fields(o: &mut String, r: &Report) {
    if r.fields.is_empty() {
        return;
    }
    o.push_str("<section id=\"fields\" aria-labelledby=\"fields-title\">\n<h2 id=\"fields-title\">字段 · <span lang=\"en\">fields</span></h2>\n");
    open_table(
        o,
        "字段 · fields",
        &[
            "字段 · <span lang=\"en\">field</span>",
            "值 · <span lang=\"en\">value</span>",
            "来源 · <span lang=\"en\">source</span>",
        ],
    );
    for f in &r.fields {
        let _ = writeln!(
            o,
            "<tr data-field=\"{}\"><th scope=\"row\"><code>{}</code></th><td class=\"value\">{}</td><td>{}</td></tr>",
            esc(&f.name),
            esc(&f.name),
            value_html(&f.value),
            location(&f.source)
        );
    }
    close_table(o);
    o.push_str("</section>\n");
}

fn findings(o: &mut String, r: &Report) {
    if r.findings.is_empty() {
        return;
    }
    o.push_str("<section id=\"findings\" aria-labelledby=\"findings-title\">\n<h2 id=\"findings-title\">发现 · <span lang=\"en\">findings</span></h2>\n");
    open_table(
        o,
        "发现 · findings",
        &[
            "级别 · <span lang=\"en\">severity</span>",
            "代码 · <span lang=\"en\">code</span>",
            "说明 · <span lang=\"en\">message</span>",
            "来源 · <span lang=\"en\">source</span>",
        ],
    );
    for f in &r.findings {
        let sev = severity_id(f.severity);
        let _ = writeln!(
            o,
            "<tr class=\"f-{sev}\" data-finding=\"{}\" data-severity=\"{sev}\"><td class=\"status\">{} · <span lang=\"en\">{sev}</span></td><th scope=\"row\"><code>{}</code></th><td>{}</td><td>{}</td></tr>",
            esc(f.code),
            severity_zh(f.severity),
            esc(f.code),
            bilingual(&f.message_zh, &f.message_en),
            f.source.as_ref().map(location).unwrap_or_default()
        );
    }
    close_table(o);
    o.push_str("</section>\n");
}

/// A message in Chinese with its English beneath, as the checks show theirs (the English alone
/// when both are the same: a verdict of schema 1 has no Chinese).
fn bilingual(zh: &str, en: &str) -> String {
    if zh == en {
        return format!("<span lang=\"en\">{}</span>", esc(en));
    }
    format!("{}<br><span class=\"en\" lang=\"en\">{}</span>", esc(zh), esc(en))
}

fn files(o: &mut String, r: &Report) {
    if r.files.is_empty() {
        return;
    }
    o.push_str("<section id=\"files\" aria-labelledby=\"files-title\">\n<h2 id=\"files-title\">文件 · <span lang=\"en\">files</span></h2>\n");
    open_table(
        o,
        "文件 · files",
        &[
            "文件 · <span lang=\"en\">file</span>",
            "类型 · <span lang=\"en\">type</span>",
            "字节 · <span lang=\"en\">bytes</span>",
            "可读 · <span lang=\"en\">readable</span>",
            "材料 · <span lang=\"en\">materials</span>",
        ],
    );
    for f in &r.files {
        let readable = match &f.unreadable {
            None if f.read_by_ocr => "✓ 是 · <span lang=\"en\">yes</span> <span class=\"ocr\">OCR</span>".to_string(),
            None => "✓ 是 · <span lang=\"en\">yes</span>".to_string(),
            Some(why) => format!("✗ 否 · <span lang=\"en\">no</span>: {}", esc(why)),
        };
        let _ = writeln!(
            o,
            "<tr><th scope=\"row\">{}</th><td>{}</td><td class=\"n\">{}</td><td>{readable}</td><td>{}</td></tr>",
            esc(&f.path),
            esc(&f.kind),
            f.bytes,
            f.materials
                .iter()
                .map(|m| format!("<code>{}</code>", esc(m)))
                .collect::<Vec<_>>()
                .join(" ")
        );
    }
    close_table(o);
    o.push_str("</section>\n");
}

/// Text escaped for HTML content and quoted attribute values; control characters (other than
/// line breaks and tabs) become `�`.
pub fn esc(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            '\'' => o.push_str("&#39;"),
            c if c.is_control() && c != '\n' && c != '\t' => o.push('\u{FFFD}'),
            c => o.push(c),
        }
    }
    o
}

/// JSON made safe inside a `<script>` element: `</` becomes `<\/` and `<!--` becomes
/// `<\u0021--`, both the same JSON. Neither replacement meets text serde_json writes (it never
/// writes `\/` or `\u0021`), so [`json_from_script`] undoes them exactly.
pub fn script_safe_json(json: &str) -> String {
    json.replace("</", "<\\/").replace("<!--", "<\\u0021--")
}

/// The JSON [`script_safe_json`] was given, from its output.
pub fn json_from_script(text: &str) -> String {
    text.replace("<\\u0021--", "<!--").replace("<\\/", "</")
}

/// Turns the embedded verdict into a download (a Blob URL) and shows the link; it undoes the
/// escapes of [`script_safe_json`], so the file downloaded has the verdict file's bytes. Without
/// scripts the link stays hidden and the page reads the same.
const DOWNLOAD_JS: &str = r#"(function () {
  var data = document.getElementById("verdict-json");
  var link = document.getElementById("download-json");
  if (!data || !link || !window.Blob || !window.URL || !URL.createObjectURL) { return; }
  var json = data.textContent.replace(/<\\u0021--/g, "<!--").replace(/<\\\//g, "</");
  link.href = URL.createObjectURL(new Blob([json], { type: "application/json" }));
  link.hidden = false;
})();
"#;

/// The page's style: a CJK font stack, readable on a phone (tables scroll sideways in their
/// wrapper), visible keyboard focus, and the verdict's colour on the banner.
pub const CSS: &str = "\
:root{--fg:#1d2330;--muted:#667085;--line:#e4e7ec;--bg:#f6f7f9;--red:#b42318;--amber:#b54708;--green:#067647;--blue:#175cd3}
*{box-sizing:border-box}
body{font-family:\"Noto Sans CJK SC\",\"Source Han Sans SC\",\"PingFang SC\",\"Microsoft YaHei\",sans-serif;margin:0;background:var(--bg);color:var(--fg);line-height:1.5}
header,nav,main,footer{max-width:1100px;margin:0 auto;padding:0 16px}
a{color:var(--blue)}
a:focus-visible,.scroll:focus-visible,main:focus-visible{outline:3px solid var(--blue);outline-offset:2px}
.skip{position:absolute;left:-999px;top:0;background:#fff;padding:8px}
.skip:focus{left:8px;z-index:1}
.file{margin:16px 0 8px;word-break:break-all}
.label,.en,.muted,.from{color:var(--muted)}
.en{font-weight:normal}
.verdict{border-radius:8px;padding:12px 16px;margin:8px 0 16px;background:#fff;border:1px solid var(--line);border-left:8px solid var(--muted)}
.verdict h1{margin:0 0 4px;font-size:1.8em}
.v-pass{border-left-color:var(--green)}.v-pass h1 .zh{color:var(--green)}
.v-partial,.v-needs_review{border-left-color:var(--amber)}.v-partial h1 .zh,.v-needs_review h1 .zh{color:var(--amber)}
.v-fail,.v-incomplete,.v-error{border-left-color:var(--red)}.v-fail h1 .zh,.v-incomplete h1 .zh,.v-error h1 .zh{color:var(--red)}
.consequence strong{color:var(--red)}
.facts{display:grid;grid-template-columns:repeat(auto-fit,minmax(220px,1fr));gap:4px 16px;margin:8px 0}
.facts dt{color:var(--muted);font-size:.85em}
.facts dd{margin:0;word-break:break-word}
.hash{font-size:.8em;word-break:break-all}
nav ul{list-style:none;display:flex;flex-wrap:wrap;gap:4px 16px;padding:0;margin:0 0 8px}
section{background:#fff;border:1px solid var(--line);border-radius:8px;padding:8px 16px 16px;margin:16px 0}
h2{font-size:1.25em;margin:8px 0}
h3{font-size:1em;margin:8px 0 4px}
.scroll{overflow-x:auto;-webkit-overflow-scrolling:touch;max-width:100%}
table{border-collapse:collapse;width:100%;min-width:560px}
th,td{border-bottom:1px solid var(--line);padding:6px 8px;text-align:left;vertical-align:top}
thead th{background:#f2f4f7;white-space:nowrap}
tbody th{font-weight:normal}
td.status{white-space:nowrap}
td.n{text-align:right;font-variant-numeric:tabular-nums}
.mark{display:inline-block;width:1.2em;text-align:center;font-weight:bold}
.s-violated .mark,.p-missing .mark,.i-not_supported .mark,#missing .mark{color:var(--red)}
.s-undetermined .mark,.p-unreadable .mark{color:var(--amber)}
.s-satisfied .mark,.p-present .mark,.i-supported .mark{color:var(--green)}
.s-manual .mark{color:var(--blue)}
.s-not_applicable,.p-not_required{color:var(--muted)}
tr.s-violated,tr.p-missing{background:#fef3f2}
tr.s-undetermined,tr.p-unreadable{background:#fffaeb}
.f-error td.status{color:var(--red)}.f-warning td.status{color:var(--amber)}
ul.evidence,ul.files,ul.seals,ul.item-checks{margin:0;padding-left:1.1em}
.src{color:var(--muted);font-size:.9em;word-break:break-word}
.src .file{color:var(--fg)}
.snippet{font-style:italic}
.ocr{display:inline-block;border:1px solid var(--blue);color:var(--blue);border-radius:4px;padding:0 4px;font-size:.85em}
.doubt{color:var(--amber)}
.cons{color:var(--red);font-size:.9em}
#missing{margin:0 0 8px;padding-left:1.1em}
.none{color:var(--green);margin:0 0 8px}
footer{color:var(--muted);font-size:.85em;padding-bottom:24px}
@media (max-width:600px){body{font-size:15px}.verdict h1{font-size:1.5em}section{padding:8px 10px 12px}header,nav,main,footer{padding:0 8px}}
@media print{.skip,nav,.download{display:none}section{break-inside:avoid-page}}
";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_covers_markup_and_control_characters() {
        assert_eq!(
            esc("<script>alert('x')</script> & \"q\""),
            "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;"
        );
        assert_eq!(esc("a\u{1b}[31mb"), "a\u{FFFD}[31mb");
    }

    #[test]
    fn embedded_json_cannot_end_its_script_and_comes_back_exactly() {
        let json = "{\"a\": \"</script><!-- <script>\", \"b\": \"x\\\\/y <\\\\/z\"}\n";
        let safe = script_safe_json(json);
        assert!(!safe.contains("</"), "{safe}");
        assert!(!safe.contains("<!--"), "{safe}");
        let parsed: serde_json::Value = serde_json::from_str(&safe).unwrap();
        assert_eq!(parsed, serde_json::from_str::<serde_json::Value>(json).unwrap());
        assert_eq!(json_from_script(&safe), json);
    }

    #[test]
    fn an_empty_list_and_an_empty_table_show_alike() {
        assert_eq!(value_html(&Value::List(vec![])), value_html(&Value::Rows(vec![])));
        assert_eq!(value_html(&Value::List(vec!["<a>".into(), "b".into()])), "&lt;a&gt;、b");
        assert_eq!(value_html(&Value::Bool(true)), "是");
    }

    #[test]
    fn a_location_shows_cell_page_snippet_ocr_and_doubt() {
        let l = Location {
            file: Some("a/<b>.pdf".into()),
            sheet: Some("表".into()),
            cell: Some("B6".into()),
            page: Some(2),
            snippet: Some("2021年".into()),
            ocr: Some(super::super::OcrMark { confidence: Some(97.3) }),
            doubt: Some("seal".into()),
        };
        let s = location(&l);
        assert!(s.contains("a/&lt;b&gt;.pdf"), "{s}");
        assert!(s.contains("表!B6"), "{s}");
        assert!(s.contains("page 2"), "{s}");
        assert!(s.contains("<q class=\"snippet\">2021年</q>"), "{s}");
        assert!(s.contains(">OCR 97.3</span>"), "{s}");
        assert!(s.contains("decides nothing</span>: seal"), "{s}");
    }
}
