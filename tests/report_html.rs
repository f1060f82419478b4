//! The HTML report (`check --format html`, `batch --html`): what a browser test finds in it for
//! the sample packages and for incomplete, failing and hostile ones; that nothing from a package
//! can inject markup or end the embedded verdict; that it is the same bytes every time, from a
//! worker or in-process, from the verdict or from its JSON; and that verdicts read back from
//! JSON write the same JSON again.

mod support;

use std::path::{Path, PathBuf};
use std::process::Command;

use pingshen::report::{self, html, html_from_json};
use pingshen::schema::StageId;
use pingshen::verdict::{CheckStatus, Verdict, VerdictKind};
use pingshen::{review, review_path, to_json, Options, Reviewer};
use support::packages::{replace_file, stage_files, zip_files, Naming};

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_pingshen"))
}

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures")
}

/// Every `.zip` directly in `fixtures/`, sorted.
fn fixture_zips() -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(fixtures())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "zip"))
        .collect();
    v.sort();
    v
}

fn reviewer() -> Reviewer {
    Reviewer::embedded().unwrap()
}

fn review_files(name: &str, files: &[(String, Vec<u8>)]) -> Verdict {
    review(name, &zip_files(files), &reviewer(), &Options::default())
}

/// The wire id of a check status, from serde.
fn status_id(s: CheckStatus) -> String {
    serde_json::to_value(s).unwrap().as_str().unwrap().to_string()
}

/// The text inside `<script type="application/json" id="verdict-json">`.
fn embedded_json(page: &str) -> &str {
    let open = "<script type=\"application/json\" id=\"verdict-json\">";
    let start = page.find(open).expect("the verdict is embedded") + open.len();
    let len = page[start..].find("</script>").expect("the element ends");
    &page[start..start + len]
}

/// Asserts what a browser test relies on: the banner, a row per check and per material, the
/// missing materials, and the embedded verdict.
fn assert_report_shows(v: &Verdict, page: &str) {
    let banner = format!(
        "id=\"verdict\" class=\"verdict v-{0}\" data-verdict=\"{0}\"",
        v.verdict.as_str()
    );
    assert!(page.contains(&banner), "{}: no banner {banner}", v.package.file);
    assert!(page.contains(&format!(
        "<span class=\"en\" lang=\"en\">{}</span></h1>",
        v.verdict.as_str()
    )));
    for c in &v.checks {
        let row = format!(
            "data-check=\"{}\" data-status=\"{}\"",
            report::html::esc(&c.id),
            status_id(c.status)
        );
        assert!(page.contains(&row), "{}: no row {row}", v.package.file);
    }
    for m in &v.materials {
        let presence = serde_json::to_value(m.status).unwrap();
        let row = format!(
            "data-material=\"{}\" data-presence=\"{}\"",
            m.id,
            presence.as_str().unwrap()
        );
        assert!(page.contains(&row), "{}: no row {row}", v.package.file);
    }
    let missing_start = page.find("<ul id=\"missing\"");
    let missing: Vec<&str> = v
        .materials
        .iter()
        .filter(|m| m.status == pingshen::verdict::Presence::Missing)
        .map(|m| m.id.as_str())
        .collect();
    if !v.materials.is_empty() {
        let start = missing_start.expect("a missing-materials list");
        let list = &page[start..start + page[start..].find("</ul>").unwrap()];
        assert!(list.contains(&format!("data-count=\"{}\"", missing.len())), "{list}");
        for id in &missing {
            assert!(list.contains(&format!("data-material=\"{id}\"")), "{list}");
        }
    }
    let embedded = embedded_json(page);
    assert!(!embedded.contains("</"), "the verdict cannot end its element");
    assert!(!embedded.contains("<!--"));
    assert_eq!(report::html::json_from_script(embedded), to_json(v), "exactly to_json");
    let parsed: serde_json::Value = serde_json::from_str(embedded).expect("the embedded verdict is JSON");
    assert_eq!(parsed, serde_json::from_str::<serde_json::Value>(&to_json(v)).unwrap());
}

/// `to_json(from_json(to_json(v))) == to_json(v)`, and the page made from the JSON is the page
/// made from the verdict.
fn assert_round_trip(v: &Verdict) {
    let json = to_json(v);
    let back: Verdict = serde_json::from_str(&json).unwrap_or_else(|e| panic!("{}: {e}", v.package.file));
    assert_eq!(to_json(&back), json, "{}", v.package.file);
    assert_eq!(html_from_json(&json).unwrap(), html(v), "{}", v.package.file);
}

#[test]
fn every_sample_package_shows_its_verdict_checks_and_materials() {
    let reviewer = reviewer();
    let complete: Vec<PathBuf> = fixture_zips()
        .into_iter()
        .filter(|p| p.to_string_lossy().ends_with("-complete.zip"))
        .collect();
    assert_eq!(complete.len(), 5, "one per stage");
    for p in &complete {
        let v = review_path(p, &reviewer, &Options::default());
        assert_eq!(v.verdict, VerdictKind::Pass, "{}", p.display());
        assert!(!v.checks.is_empty());
        let page = html(&v);
        assert_report_shows(&v, &page);
        assert!(page.contains("<html lang=\"zh-CN\">"));
        assert!(page.contains("<meta charset=\"utf-8\">"));
        assert!(page.contains("name=\"viewport\""));
        assert!(
            page.contains("\"Noto Sans CJK SC\",\"Source Han Sans SC\",\"PingFang SC\",\"Microsoft YaHei\",sans-serif")
        );
        assert!(page.contains("<span class=\"zh\">通过</span> · <span class=\"en\" lang=\"en\">pass</span>"));
        assert!(page.contains("<ul id=\"missing\" data-count=\"0\"></ul>"));
        assert!(page.contains("下载 JSON · <span lang=\"en\">Download JSON</span>"));
        assert_eq!(page, html(&v), "deterministic");
    }
}

#[test]
fn the_page_needs_nothing_from_the_network() {
    let v = review_path(
        &fixtures().join("commissioning-complete.zip"),
        &reviewer(),
        &Options::default(),
    );
    let page = html(&v);
    for outside in ["http://", "https://", "//fonts", "<link", "@import", "url(", "src=\""] {
        assert!(!page.contains(outside), "{outside}");
    }
    // Two scripts only: the embedded verdict and the download link's.
    assert_eq!(page.matches("<script").count(), 2);
}

#[test]
fn an_incomplete_package_lists_its_missing_material() {
    let bytes = std::fs::read(fixtures().join("review-complete.zip")).unwrap();
    let files: Vec<(String, Vec<u8>)> = support::hostile::unzip(&bytes)
        .into_iter()
        .filter(|(p, _)| !p.ends_with('/') && !p.contains("申报函"))
        .collect();
    let v = review_files("review-incomplete.zip", &files);
    assert_eq!(v.verdict, VerdictKind::Incomplete);
    let page = html(&v);
    assert_report_shows(&v, &page);
    assert!(page.contains("data-verdict=\"incomplete\""));
    assert!(page.contains("<span class=\"zh\">材料不全</span> · <span class=\"en\" lang=\"en\">incomplete</span>"));
    assert!(page.contains("data-material=\"application_letter\" data-presence=\"missing\""));
    let start = page.find("<ul id=\"missing\"").unwrap();
    assert!(page[start..].starts_with("<ul id=\"missing\" data-count=\"1\"><li data-material=\"application_letter\">"));
    assert_round_trip(&v);
}

#[test]
fn a_failing_package_shows_the_violated_red_line_its_evidence_and_consequence() {
    let mut files = stage_files("commissioning", Naming::Numbered);
    support::packages::replace_warranty_plan(
        &mut files,
        &["保修方案", "本项目提供免费质保期23个月，自竣工验收合格之日起计算。"],
    );
    let v = review_files("commissioning-fail.zip", &files);
    assert_eq!(v.verdict, VerdictKind::Fail);
    let page = html(&v);
    assert_report_shows(&v, &page);
    let consequence = v.consequence.clone().unwrap();
    assert!(page.contains(&format!("consequence</span>: <strong>{consequence}</strong>")));
    let violated = v.checks.iter().find(|c| c.status == CheckStatus::Violated).unwrap();
    let row_start = page
        .find(&format!("data-check=\"{}\" data-status=\"violated\"", violated.id))
        .unwrap();
    let row = &page[row_start..row_start + page[row_start..].find("</tr>").unwrap()];
    assert!(row.contains("✗"), "{row}");
    assert!(row.contains("违反 · <span lang=\"en\">violated</span>"), "{row}");
    assert!(row.contains(&violated.message.zh), "{row}");
    for e in &violated.evidence {
        assert!(row.contains(&format!("<code>{}</code>", e.field)), "{row}");
        if let Some(f) = e.source.as_ref().and_then(|s| s.file.as_deref()) {
            assert!(row.contains(f), "{row}");
        }
    }
    // Red lines come before requirements.
    let red = page.find("id=\"red-lines\"").unwrap();
    let req = page.find("id=\"requirements\"").unwrap();
    assert!(red < req);
    assert_round_trip(&v);
}

#[test]
fn hostile_names_and_cell_text_cannot_inject_markup() {
    let mut files = stage_files("performance", Naming::Plain);
    let hostile_project = "</script><!--<script>alert(3)</script>";
    let rows: Vec<(&str, &str)> = support::stage_basic_info("performance")
        .into_iter()
        .map(|(l, v)| {
            if l == "项目名称" {
                (l, hostile_project)
            } else {
                (l, v)
            }
        })
        .collect();
    replace_file(&mut files, "基本情况表", support::packages::basic_info_xlsx(&rows));
    files.push((
        "材料/<img src=x onerror=alert(1)>.txt".to_string(),
        b"</script><script>alert(2)</script><!--".to_vec(),
    ));
    let name = "<script>alert('pkg')<!--.zip";
    let v = review_files(name, &files);
    let page = html(&v);
    // Inside the JSON script element only `</` and `<!--` could end it or change how it ends
    // (checked by assert_report_shows); everywhere else no `<` from the package may survive.
    let markup = page.replace(embedded_json(&page), "");
    assert!(!markup.contains("<script>alert"), "a file name became markup");
    assert!(!markup.contains("<img src=x"), "an entry name became markup");
    assert_eq!(v.package.file, name);
    assert_eq!(
        v.project.name.as_deref(),
        Some(hostile_project),
        "the cell text reaches the verdict"
    );
    assert!(to_json(&v).contains("</script><!--<script>"));
    assert!(page.contains("&lt;script&gt;alert(&#39;pkg&#39;)&lt;!--.zip"));
    assert!(page.contains("&lt;/script&gt;&lt;!--&lt;script&gt;alert(3)&lt;/script&gt;"));
    assert!(page.contains("&lt;img src=x onerror=alert(1)&gt;.txt"));
    assert_eq!(markup.matches("<script").count(), 2, "only the page's own scripts");
    assert_eq!(markup.matches("</script>").count(), 2);
    assert_eq!(page.matches("</script>").count(), 2, "nothing ends a script early");
    assert_report_shows(&v, &page);
    // The download keeps the archive's name, escaped as an attribute.
    assert!(page.contains("download=\"&lt;script&gt;alert(&#39;pkg&#39;)&lt;!--.zip.json\""));
    assert_round_trip(&v);
}

#[test]
fn values_read_by_ocr_show_their_confidence_and_doubt() {
    use pingshen::finding::{Confidence, Source};
    let mut v = review_path(
        &fixtures().join("commissioning-complete.zip"),
        &reviewer(),
        &Options::default(),
    );
    let (name, field) = v.fields.iter_mut().next().unwrap();
    let name = name.clone();
    field.source = Source {
        file: Some("扫描/验收意见.pdf".into()),
        page: Some(2),
        text: Some("验收日期：2021年3月15日".into()),
        ocr: Some(true),
        confidence: Some(Confidence::new(93.46)),
        doubt: Some("seal ink covers 15日".into()),
        ..Source::default()
    };
    v.ocr = Some(pingshen::ocr::EngineInfo {
        engine: "pp-ocr",
        version: "1.20.0".into(),
        models: vec!["ch_PP-OCRv4_det@sha256:0123456789abcdef".into()],
    });
    let page = html(&v);
    let row_start = page.find(&format!("<tr data-field=\"{name}\">")).unwrap();
    let row = &page[row_start..row_start + page[row_start..].find("</tr>").unwrap()];
    assert!(row.contains(">OCR 93.5</span>"), "{row}");
    assert!(row.contains("扫描/验收意见.pdf"), "{row}");
    assert!(row.contains("page 2"), "{row}");
    assert!(
        row.contains("<q class=\"snippet\">验收日期：2021年3月15日</q>"),
        "{row}"
    );
    assert!(row.contains("decides nothing</span>: seal ink covers 15日"), "{row}");
    assert!(page.contains("OCR 引擎"));
    assert!(page.contains("ch_PP-OCRv4_det@sha256:0123456789abcdef"));
    assert_round_trip(&v);
}

#[test]
fn an_empty_table_reads_back_to_the_same_page() {
    use pingshen::verdict::Value;
    let mut v = review_path(&fixtures().join("plan-complete.zip"), &reviewer(), &Options::default());
    let rows = v
        .fields
        .values_mut()
        .find(|f| matches!(f.value, Value::Rows(_)))
        .expect("the plan has a table field");
    // `[]` in JSON: read back as an empty list, shown as the empty table is.
    rows.value = Value::Rows(Vec::new());
    assert_round_trip(&v);
}

#[test]
fn every_verdict_survives_the_json_round_trip_byte_for_byte() {
    let reviewer = reviewer();
    let mut n = 0;
    for p in fixture_zips() {
        let stages = std::iter::once(None).chain(StageId::ALL.into_iter().map(Some));
        for stage in stages {
            let opts = Options {
                stage,
                ..Options::default()
            };
            let v = review_path(&p, &reviewer, &opts);
            assert_round_trip(&v);
            n += 1;
        }
    }
    for stage in ["plan", "addition", "review", "commissioning", "performance"] {
        for naming in Naming::ALL {
            assert_round_trip(&review_files(&format!("{stage}.zip"), &stage_files(stage, naming)));
            n += 1;
        }
    }
    // A worker's failure verdict.
    let failure = pingshen::worker::failure_verdict(
        &fixtures().join("empty.zip"),
        &pingshen::worker::Failure::Timeout(std::time::Duration::from_secs(3)),
        &reviewer,
    );
    assert_round_trip(&failure);
    assert!(n >= 90, "{n}");
}

#[test]
fn check_format_html_is_the_same_from_a_worker_and_in_process() {
    for name in ["plan-complete.zip", "not-a-zip-rar.zip", "encrypted-entry.zip"] {
        let p = fixtures().join(name);
        let worker = bin().args(["check", "--format", "html"]).arg(&p).output().unwrap();
        let local = bin()
            .args(["check", "--format", "html", "--in-process"])
            .arg(&p)
            .output()
            .unwrap();
        assert!(!worker.stdout.is_empty());
        assert_eq!(worker.stdout, local.stdout, "{name}");
        assert_eq!(worker.status.code(), local.status.code(), "{name}");
        let v = review_path(&p, &reviewer(), &Options::default());
        assert_eq!(String::from_utf8(local.stdout).unwrap(), html(&v), "{name}");
        let text = bin().arg("check").arg(&p).output().unwrap();
        assert_eq!(
            text.status.code(),
            worker.status.code(),
            "exit code by verdict, as text"
        );
    }
}

#[test]
fn batch_html_writes_a_report_per_verdict_and_an_index_that_links_them() {
    let d = support::tmpdir("report-html-batch");
    let input = d.join("in");
    std::fs::create_dir_all(&input).unwrap();
    for name in ["commissioning-complete.zip", "plan-complete.zip", "not-a-zip-7z.zip"] {
        std::fs::copy(fixtures().join(name), input.join(name)).unwrap();
    }
    let odd = "a #1 <b>.zip";
    std::fs::copy(fixtures().join("review-complete.zip"), input.join(odd)).unwrap();
    let out = d.join("out");
    let o = bin()
        .args(["batch", "-q", "--html", "--out"])
        .arg(&out)
        .arg(&input)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    let names = [
        "commissioning-complete.zip",
        "plan-complete.zip",
        "not-a-zip-7z.zip",
        odd,
    ];
    let index = std::fs::read_to_string(out.join("index.html")).unwrap();
    for name in names {
        let json = std::fs::read_to_string(out.join(format!("{name}.json"))).unwrap();
        let page = std::fs::read_to_string(out.join(format!("{name}.html"))).unwrap();
        assert_eq!(page, html_from_json(&json).unwrap(), "{name}");
        assert_eq!(report::html::json_from_script(embedded_json(&page)), json, "{name}");
        let href = report::index::href(&format!("{name}.html"));
        assert!(
            index.contains(&format!("<a href=\"{href}\">HTML</a>")),
            "{name}: {href}"
        );
        let href = report::index::href(&format!("{name}.json"));
        assert!(
            index.contains(&format!("<a href=\"{href}\">JSON</a>")),
            "{name}: {href}"
        );
    }
    // The same page as `check --format html` prints.
    let check = bin()
        .args(["check", "--format", "html"])
        .arg(input.join("plan-complete.zip"))
        .output()
        .unwrap();
    assert_eq!(check.stdout, std::fs::read(out.join("plan-complete.zip.html")).unwrap());
    assert!(
        index.contains("<li data-verdict=\"total\">合计 · <span class=\"en\">total</span>: <strong>4</strong></li>")
    );
    assert!(index.contains("data-verdict=\"pass\">通过 · <span class=\"en\">pass</span>: <strong>3</strong>"));
    assert!(index.contains("data-verdict=\"error\">无法评审 · <span class=\"en\">error</span>: <strong>1</strong>"));
    assert!(index.contains("<svg"), "the stats chart");
    assert!(!index.contains("<b>.zip"), "escaped");
    assert!(!out.join("summary.html").exists());

    // --resume: a skipped verdict whose report is gone gets it again, the same bytes.
    let before = std::fs::read(out.join("plan-complete.zip.html")).unwrap();
    std::fs::remove_file(out.join("plan-complete.zip.html")).unwrap();
    std::fs::remove_file(out.join("index.html")).unwrap();
    let o = bin()
        .args(["batch", "--resume", "--html", "--out"])
        .arg(&out)
        .arg(&input)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0));
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("4 resumed"),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert_eq!(std::fs::read(out.join("plan-complete.zip.html")).unwrap(), before);
    assert_eq!(std::fs::read_to_string(out.join("index.html")).unwrap(), index);

    // Without --html nothing of it is written.
    let plain = d.join("plain");
    let o = bin()
        .args(["batch", "-q", "--out"])
        .arg(&plain)
        .arg(&input)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0));
    assert!(!plain.join("index.html").exists());
    assert!(!plain.join("plan-complete.zip.html").exists());
}

#[test]
fn html_without_out_is_a_usage_error() {
    let p = fixtures().join("plan-complete.zip");
    let o = bin().args(["batch", "--jsonl", "--html"]).arg(&p).output().unwrap();
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("--html needs --out DIR"), "{err}");
    assert!(o.stdout.is_empty());
    let o = bin().args(["batch", "--html"]).arg(&p).output().unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("--out"));
}
