//! `pingshen::stats` over hand-built verdicts: counts by stage × July–June period checked against
//! an independent count, the four renderings, and `collect` over a folder with junk in it.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

mod support;

use pingshen::stats::{self, PageInfo, Period, Stats};
use serde_json::{json, Value};

/// A minimal verdict: the fields stats reads.
fn verdict(stage: Option<&str>, kind: &str, date: Option<&str>, checks: &[(&str, &str)]) -> Value {
    json!({
        "schema_version": "1",
        "stage": stage,
        "verdict": kind,
        "package": {"file": format!("{}-{kind}-{}.zip", stage.unwrap_or("none"), date.unwrap_or("nodate"))},
        "project": {"name": "某单位信息化项目", "submission_date": date},
        "checks": checks.iter().map(|(id, st)| json!({"id": id, "status": st})).collect::<Vec<_>>(),
        "items": [],
        "findings": [],
    })
}

/// The mix every test uses: several stages, both sides of the period boundary, every verdict.
fn corpus() -> Vec<Value> {
    let mut v = vec![
        // plan, 2020.7-2021.6 (boundary day 2021-06-30)
        verdict(Some("plan"), "pass", Some("2021-06-30"), &[("PLAN-RL1", "satisfied")]),
        verdict(
            Some("plan"),
            "partial",
            Some("2020-07-01"),
            &[("PLAN-RL1", "satisfied"), ("PLAN-RL2", "violated")],
        ),
        verdict(Some("plan"), "fail", Some("2021-03-15"), &[("PLAN-RL1", "violated")]),
        // plan, 2021.7-2022.6 (boundary day 2021-07-01)
        verdict(Some("plan"), "pass", Some("2021-07-01"), &[]),
        verdict(
            Some("plan"),
            "needs_review",
            Some("2022-06-30"),
            &[("PLAN-RL1", "undetermined")],
        ),
        // plan, unknown period
        verdict(Some("plan"), "pass", None, &[]),
        // review, two periods
        verdict(Some("review"), "pass", Some("2018-01-02"), &[]),
        verdict(
            Some("review"),
            "fail",
            Some("2017-07-01"),
            &[("REVIEW-RL1", "violated"), ("REVIEW-RL2", "undetermined")],
        ),
        verdict(
            Some("review"),
            "incomplete",
            Some("2019-06-30"),
            &[("REVIEW-RL1", "violated")],
        ),
        // commissioning
        verdict(
            Some("commissioning"),
            "pass",
            Some("2020-12-31"),
            &[("COMM-RL4", "satisfied")],
        ),
        verdict(
            Some("commissioning"),
            "fail",
            Some("2020-12-01"),
            &[("COMM-RL4", "violated")],
        ),
        verdict(
            Some("commissioning"),
            "needs_review",
            Some("2021-02-28"),
            &[("COMM-RL4", "undetermined")],
        ),
        // errors: verdict error (with or without a stage), and a stage-less non-error
        verdict(None, "error", None, &[]),
        verdict(
            Some("review"),
            "error",
            Some("2020-08-01"),
            &[("REVIEW-RL1", "violated")],
        ),
        verdict(None, "needs_review", Some("2020-08-01"), &[]),
    ];
    // 108 more review packages in 2017.7-2018.6, all passed: with the two above the period has
    // 110 packages and 109 passed, as in the seed's first row (99.09%).
    for _ in 0..108 {
        v.push(verdict(Some("review"), "pass", Some("2018-03-01"), &[]));
    }
    v
}

/// The period label computed independently of the crate: July starts a period.
fn period_of(date: Option<&str>) -> String {
    let Some(d) = date else { return "unknown".to_string() };
    let year: i32 = d[0..4].parse().unwrap();
    let month: u32 = d[5..7].parse().unwrap();
    let start = if month >= 7 { year } else { year - 1 };
    format!("{start}.7-{}.6", start + 1)
}

/// (stage, period) → (total, pass, partial).
type Table = BTreeMap<(String, String), (u64, u64, u64)>;

/// The table and the errors total, counted the plain way.
fn expected(vs: &[Value]) -> (Table, u64) {
    let mut m = BTreeMap::new();
    let mut errors = 0;
    for v in vs {
        let kind = v["verdict"].as_str().unwrap();
        let Some(stage) = v["stage"].as_str() else {
            errors += 1;
            continue;
        };
        if kind == "error" {
            errors += 1;
            continue;
        }
        let slot = m
            .entry((stage.to_string(), period_of(v["project"]["submission_date"].as_str())))
            .or_insert((0, 0, 0));
        slot.0 += 1;
        if kind == "pass" {
            slot.1 += 1;
        }
        if kind == "partial" {
            slot.2 += 1;
        }
    }
    (m, errors)
}

fn stats() -> Stats {
    stats::from_verdicts(&corpus())
}

#[test]
fn counts_match_an_independent_count() {
    let vs = corpus();
    let s = stats::from_verdicts(&vs);
    let (want, errors) = expected(&vs);
    let mut got = BTreeMap::new();
    for st in &s.stages {
        let mut total = (0, 0, 0);
        for r in &st.rows {
            let c = r.counts;
            assert_eq!(
                c.total,
                c.passed + c.partial + c.fail + c.incomplete + c.needs_review,
                "{st:?}"
            );
            got.insert(
                (st.stage.as_str().to_string(), r.period.label()),
                (c.total, c.passed, c.partial),
            );
            total.0 += c.total;
            total.1 += c.passed;
            total.2 += c.partial;
        }
        assert_eq!((st.total.total, st.total.passed, st.total.partial), total);
    }
    assert_eq!(got, want);
    assert_eq!(s.error_count(), errors);
    assert_eq!(s.error_count(), 3);
    assert_eq!(s.verdict_count(), vs.len() as u64);
    assert!(s.skipped.is_empty());

    // Boundaries, stated outright.
    let plan = &s.stages[0];
    assert_eq!(plan.stage.as_str(), "plan");
    let labels: Vec<String> = plan.rows.iter().map(|r| r.period.label()).collect();
    assert_eq!(labels, ["2020.7-2021.6", "2021.7-2022.6", "unknown"]);
    assert_eq!(
        plan.rows[0].counts.total, 3,
        "2021-06-30 and 2020-07-01 are in 2020.7-2021.6"
    );
    assert_eq!(plan.rows[0].counts.passed, 1, "partial is not passed");
    assert_eq!(plan.rows[0].counts.partial, 1);
    assert_eq!(plan.rows[1].counts.total, 2, "2021-07-01 starts 2021.7-2022.6");
    assert_eq!(plan.rows.last().unwrap().period, Period::Unknown);

    // Stages in spec order, only those present.
    let order: Vec<&str> = s.stages.iter().map(|st| st.stage.as_str()).collect();
    assert_eq!(order, ["plan", "review", "commissioning"]);
}

#[test]
fn failures_by_check_id_sorted_by_count() {
    let s = stats();
    let got: Vec<(&str, &str, u64, u64)> = s
        .failures
        .iter()
        .map(|f| (f.check_id.as_str(), f.stage.as_str(), f.violated, f.undetermined))
        .collect();
    // REVIEW-RL1 of the error verdict does not count.
    assert_eq!(
        got,
        [
            ("REVIEW-RL1", "review", 2, 0),
            ("COMM-RL4", "commissioning", 1, 1),
            ("PLAN-RL1", "plan", 1, 1),
            ("PLAN-RL2", "plan", 1, 0),
            ("REVIEW-RL2", "review", 0, 1),
        ]
    );
}

#[test]
fn item_checks_count_once_per_verdict() {
    let mut v = verdict(Some("plan"), "partial", Some("2021-01-01"), &[("PLAN-RL3", "violated")]);
    v["items"] = json!([
        {"key": "a", "status": "not_supported", "checks": [{"id": "PLAN-RL3", "status": "violated"}]},
        {"key": "b", "status": "not_supported", "checks": [
            {"id": "PLAN-RL3", "status": "violated"},
            {"id": "PLAN-RL4", "status": "undetermined"},
        ]},
    ]);
    let s = stats::from_verdicts([&v]);
    let got: Vec<(&str, u64, u64)> = s
        .failures
        .iter()
        .map(|f| (f.check_id.as_str(), f.violated, f.undetermined))
        .collect();
    assert_eq!(got, [("PLAN-RL3", 1, 0), ("PLAN-RL4", 0, 1)]);
}

#[test]
fn csv_json_and_table_carry_the_numbers() {
    let s = stats();
    let csv = s.render_csv(stats::CsvTable::Periods);
    for row in [
        "前置评审,review,2017.7-2018.6,110,109,0,1,0,0,99.09%,\r\n",
        "规划备案,plan,2020.7-2021.6,3,1,1,1,0,0,33.33%,\r\n",
        "规划备案,plan,无申报日期,1,1,0,0,0,0,100.00%,plan-pass-nodate.zip\r\n",
        "规划备案,plan,合计,6,3,1,1,0,1,50.00%,\r\n",
    ] {
        assert!(csv.contains(row), "{row} in\n{csv}");
    }
    let failures = s.render_csv(stats::CsvTable::Failures);
    assert!(
        failures.contains("\r\nREVIEW-RL1,升级改造前期项目已通过投入使用,前置评审,review,2,0,111,1.80%\r\n"),
        "{failures}"
    );

    let j: Value = serde_json::from_str(&s.to_json()).unwrap();
    assert_eq!(s.to_json(), s.to_json(), "deterministic");
    assert_eq!(j["verdicts"], 123);
    assert_eq!(j["errors"]["total"], 3);
    assert_eq!(j["stages"][0]["stage"], "plan");
    assert_eq!(j["stages"][0]["name"], "规划备案");
    let review = &j["stages"][1];
    assert_eq!(review["periods"][0]["period"], "2017.7-2018.6");
    assert_eq!(review["periods"][0]["total"], 110);
    assert_eq!(review["periods"][0]["passed"], 109);
    assert_eq!(review["periods"][0]["pass_rate"], 99.09);
    assert_eq!(review["all_periods"]["total"], 111);
    assert_eq!(review["all_periods"]["pass_rate"], 98.2);
    assert_eq!(j["failures"][0]["check_id"], "REVIEW-RL1");
    // Keys sorted at the top and inside.
    let keys: Vec<&String> = j.as_object().unwrap().keys().collect();
    let mut sorted = keys.clone();
    sorted.sort();
    assert_eq!(keys, sorted);
    let text = s.to_json();
    assert!(text.find("\"all_periods\"").unwrap() < text.find("\"name\"").unwrap());

    let table = s.render_table();
    for needle in [
        "规划备案 (plan)",
        "前置评审 (review)",
        "验收报备",
        "时间 period",
        "总数量 total",
        "通过数 passed",
        "通过率 pass rate",
        "部分支持 partial",
        "99.09%",
        "合计",
        "REVIEW-RL1",
        "升级改造前期项目已通过投入使用",
        "1.80%（n=111）",
        "无申报日期",
        "检查项 check",
        "无法判定 undetermined",
        "文件 file",
        "无法评审 error",
    ] {
        assert!(table.contains(needle), "{needle} in\n{table}");
    }
    // Every header line of a table begins in Chinese, the English beside it.
    for line in table
        .lines()
        .filter(|l| l.contains(" period") || l.contains(" check") || l.contains(" file"))
    {
        assert!(!line.starts_with(|c: char| c.is_ascii_alphabetic()), "{line}");
    }
    // The plan block is aligned: every row as wide as the header (numbers right-aligned).
    let plan_block: Vec<&str> = table
        .split("\n\n")
        .find(|b| b.starts_with("规划备案"))
        .unwrap()
        .lines()
        .skip(1)
        .take_while(|l| !l.starts_with("无申报日期的评审包"))
        .collect();
    assert_eq!(plan_block.len(), 5, "header, three periods, 合计: {plan_block:#?}");
    let widths: Vec<usize> = plan_block.iter().map(|l| display_width(l)).collect();
    assert!(widths.iter().all(|w| *w == widths[0]), "{plan_block:#?}");
}

/// Columns a terminal gives the text (CJK two), computed here independently of the crate.
fn display_width(s: &str) -> usize {
    s.chars()
        .map(|c| {
            if ('\u{2E80}'..='\u{9FFF}').contains(&c) || ('\u{FF00}'..='\u{FF60}').contains(&c) {
                2
            } else {
                1
            }
        })
        .sum()
}

#[test]
fn empty_input_renders_without_rows() {
    let s = stats::from_verdicts(std::iter::empty());
    assert_eq!(s.verdict_count(), 0);
    assert!(s.render_table().contains("评审结论 0 份"));
    assert!(s.render_table().contains("0 verdicts"));
    assert_eq!(
        s.render_csv(stats::CsvTable::Periods),
        "\u{feff}阶段,阶段代码,时间,总数量,通过数,部分支持,不通过,材料不全,需人工复核,通过率,无申报日期的评审包\r\n"
    );
    let j: Value = serde_json::from_str(&s.to_json()).unwrap();
    assert_eq!(j["stages"], json!([]));
    assert_balanced(&s.render_html(&page_info()));
}

const VOID: [&str; 6] = ["meta", "br", "hr", "img", "link", "input"];

/// Every tag opened is closed, in order (void elements and `<x/>` excepted), and the page has one
/// html, head and body.
fn assert_balanced(html: &str) {
    assert!(html.starts_with("<!DOCTYPE html>"), "doctype");
    let mut stack: Vec<String> = Vec::new();
    let mut rest = html;
    while let Some(i) = rest.find('<') {
        rest = &rest[i + 1..];
        let end = rest.find('>').expect("unclosed <");
        let tag = &rest[..end];
        rest = &rest[end + 1..];
        if tag.starts_with('!') {
            continue;
        }
        if let Some(name) = tag.strip_prefix('/') {
            let open = stack.pop().unwrap_or_else(|| panic!("</{name}> with nothing open"));
            assert_eq!(open, name.trim(), "mismatched </{name}>");
            continue;
        }
        let name: String = tag
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect::<String>()
            .to_ascii_lowercase();
        assert!(!name.is_empty(), "odd tag <{tag}>");
        if tag.ends_with('/') || VOID.contains(&name.as_str()) {
            continue;
        }
        stack.push(name);
    }
    assert!(stack.is_empty(), "left open: {stack:?}");
    for t in ["<html", "<head>", "<body>", "</html>"] {
        assert_eq!(html.matches(t).count(), 1, "{t}");
    }
}

/// No attribute loads anything from the network.
fn assert_self_contained(html: &str) {
    for attr in ["src=", "href="] {
        for (i, _) in html.match_indices(attr) {
            let v = &html[i + attr.len()..];
            let v = v.trim_start_matches(['"', '\'']);
            assert!(
                !v.starts_with("http://") && !v.starts_with("https://") && !v.starts_with("//"),
                "network asset at {}",
                &html[i..(i + 60).min(html.len())]
            );
        }
    }
    assert!(
        !html.contains("http://") && !html.contains("https://"),
        "no URLs at all"
    );
    assert!(!html.contains("<script"), "no scripts");
    assert!(!html.contains("<link"), "no external stylesheets");
}

#[test]
fn html_is_one_self_contained_page() {
    let s = stats();
    let html = s.render_html(&page_info());
    assert_balanced(&html);
    assert_self_contained(&html);
    assert!(html.contains("<svg"), "chart");
    assert_eq!(html.matches("<svg").count(), s.stages.len(), "one chart per stage");
    assert!(html.contains("<style>"));
    assert!(html.contains("<meta charset=\"utf-8\">"));
    for needle in ["规划备案", "前置评审", "99.09%", "合计", "REVIEW-RL1", "部分支持"] {
        assert!(html.contains(needle), "{needle}");
    }
    // One bar per period row.
    let bars = s.stages.iter().map(|st| st.rows.len()).sum::<usize>();
    assert_eq!(html.matches("<rect class=\"bar").count(), bars);
    assert_eq!(
        html.matches("<rect class=\"track\"").count(),
        bars,
        "a 0–100 % track behind each"
    );
}

#[test]
fn html_escapes_text_from_verdicts() {
    let evil = "<script>alert(1)</script>";
    let mut vs = corpus();
    vs.push(verdict(
        Some("review"),
        "fail",
        Some("2020-09-09"),
        &[(evil, "violated")],
    ));
    let mut err = verdict(None, "error", None, &[]);
    err["project"]["name"] = json!(evil);
    err["package"]["file"] = json!("a\"b'<c>&.zip");
    vs.push(err);
    let s = stats::from_verdicts(&vs);
    let html = s.render_html(&page_info());
    assert!(!html.contains("<script"), "raw script tag in html");
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(html.contains("a&quot;b&#39;&lt;c&gt;&amp;.zip"));
    assert_balanced(&html);
    // The CSV quotes nothing needlessly and the JSON keeps the text as it was.
    let j: Value = serde_json::from_str(&s.to_json()).unwrap();
    assert!(j["failures"].as_array().unwrap().iter().any(|f| f["check_id"] == evil));
    let table = s.render_table();
    assert!(table.contains(evil), "a terminal shows text as it is");
}

fn tmpdir(tag: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("pingshen-stats-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

#[test]
fn collect_reads_a_folder_and_skips_what_is_not_a_verdict() {
    let d = tmpdir("collect");
    let vs = corpus();
    for (i, v) in vs.iter().enumerate() {
        std::fs::write(
            d.join(format!("{i:03}.zip.json")),
            serde_json::to_string_pretty(v).unwrap(),
        )
        .unwrap();
    }
    // What batch writes beside its verdicts: never mentioned.
    std::fs::write(d.join("summary.json"), r#"{"packages": 3, "verdicts": {"pass": 1}}"#).unwrap();
    std::fs::write(d.join(".pingshen.lock"), "4242\n").unwrap();
    std::fs::write(d.join("index.html"), "<!DOCTYPE html>").unwrap();
    std::fs::write(d.join("000.zip.html"), "<!DOCTYPE html>").unwrap();
    std::fs::write(d.join(".001.zip.json.tmp4242"), "{").unwrap();
    std::fs::write(d.join(".index.html.tmp4242"), "<").unwrap();
    std::fs::write(d.join("periods.csv"), "\u{feff}阶段").unwrap();
    // Everything else that is not a verdict: listed.
    std::fs::write(d.join("x.json"), "this is not json {").unwrap();
    std::fs::write(d.join("other.json"), r#"{"hello": "world"}"#).unwrap();
    std::fs::write(d.join("notes.txt"), "not a verdict").unwrap();
    std::fs::write(d.join("orphan.html"), "<p>no verdict beside it</p>").unwrap();
    std::fs::write(d.join("pkg.ZIP"), b"PK\x05\x06").unwrap();
    std::fs::create_dir_all(d.join("sub")).unwrap();
    std::fs::write(d.join("sub/deep.json"), serde_json::to_string(&vs[0]).unwrap()).unwrap();
    std::fs::create_dir_all(d.join("dir.json")).unwrap();

    let s = stats::collect(&d).unwrap();
    assert_eq!(
        s,
        stats::from_verdicts(&vs).with_skipped_of(&s),
        "same counts as from_verdicts"
    );
    assert_eq!(s.verdict_count(), vs.len() as u64, "not recursive");
    let skipped: Vec<&str> = s.skipped.iter().map(|k| k.name.as_str()).collect();
    assert_eq!(
        skipped,
        [
            "dir.json",
            "notes.txt",
            "orphan.html",
            "other.json",
            "pkg.ZIP",
            "sub",
            "x.json"
        ]
    );
    assert_eq!(s.zip_archives, 1);
    let reason = |n: &str| &s.skipped.iter().find(|k| k.name == n).unwrap().reason;
    assert!(reason("pkg.ZIP").contains("pingshen batch"), "{}", reason("pkg.ZIP"));
    assert!(reason("sub").contains("文件夹"), "{}", reason("sub"));
    assert!(reason("x.json").contains("不是 JSON"), "{}", reason("x.json"));
    let j: Value = serde_json::from_str(&s.to_json()).unwrap();
    assert_eq!(j["skipped"][6]["name"], "x.json");
    for text in [s.render_table(), s.to_json(), s.render_html(&page_info())] {
        for own in [
            "summary.json",
            ".pingshen.lock",
            "index.html",
            "000.zip.html",
            "tmp4242",
            "periods.csv",
        ] {
            assert!(!text.contains(own), "{own} is mentioned:\n{text}");
        }
    }

    assert!(
        stats::collect(&d.join("no-such-dir")).is_err(),
        "a missing folder is an io error"
    );
    let _ = std::fs::remove_dir_all(&d);
}

/// `from_verdicts` names skipped inputs `#i`, `collect` by file (and counts the folder's zip
/// archives); compare the rest.
trait WithSkipped {
    fn with_skipped_of(self, other: &Stats) -> Stats;
}

impl WithSkipped for Stats {
    fn with_skipped_of(mut self, other: &Stats) -> Stats {
        assert!(self.skipped.is_empty());
        self.skipped = other.skipped.clone();
        self.zip_archives = other.zip_archives;
        // Error packages are named by `package.file`, which both paths read.
        self
    }
}

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_pingshen"))
}

fn write_verdicts(d: &Path, vs: &[Value]) {
    for (i, v) in vs.iter().enumerate() {
        std::fs::write(
            d.join(format!("{i:03}.zip.json")),
            serde_json::to_string_pretty(v).unwrap(),
        )
        .unwrap();
    }
}

#[test]
fn a_folder_without_verdicts_is_a_usage_error_in_plain_words() {
    // Empty, or only what a batch of nothing leaves: nothing to count.
    let d = tmpdir("cli-empty");
    std::fs::write(d.join("summary.json"), r#"{"packages": 0}"#).unwrap();
    std::fs::write(d.join(".pingshen.lock"), "1\n").unwrap();
    for format in ["table", "csv", "json", "html"] {
        let o = bin().args(["stats", "--format", format]).arg(&d).output().unwrap();
        assert_eq!(o.status.code(), Some(2), "{format}");
        assert!(o.stdout.is_empty(), "{format}: nothing on stdout");
        let err = String::from_utf8(o.stderr).unwrap();
        assert!(err.starts_with("pingshen: no verdicts in "), "{err}");
        assert!(err.contains("pingshen batch PACKAGES --out"), "{err}");
        assert!(err.contains("没有评审结论"), "{err}");
        assert!(!err.contains("summary.json"), "{err}");
    }

    // The packages instead of their verdicts.
    let z = tmpdir("cli-zips");
    for name in ["a.zip", "b.zip", "c.ZIP"] {
        std::fs::write(z.join(name), b"PK\x05\x06").unwrap();
    }
    std::fs::write(z.join("readme.txt"), "packages of 2021").unwrap();
    let o = bin().arg("stats").arg(&z).output().unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(o.stdout.is_empty());
    let err = String::from_utf8(o.stderr).unwrap();
    let want = format!(
        "pingshen: this folder holds 3 zip archives — stats reads verdicts: run `pingshen batch {} --out OUT` first, then `pingshen stats OUT`",
        z.display()
    );
    assert!(err.starts_with(&want), "{err}");
    assert!(err.contains("3 个评审包"), "{err}");

    // Verdicts with zips beside them: counted, and the zips named on stderr.
    write_verdicts(&z, &corpus()[..3]);
    let o = bin().args(["stats", "--format", "json"]).arg(&z).output().unwrap();
    assert_eq!(o.status.code(), Some(0));
    let err = String::from_utf8(o.stderr).unwrap();
    assert!(err.contains("also holds 3 zip archives"), "{err}");
    let j: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(j["verdicts"], 3);
    let _ = std::fs::remove_dir_all(&d);
    let _ = std::fs::remove_dir_all(&z);
}

/// The corpus plus two more plan verdicts without a usable 申报日期: one with an impossible date,
/// one that names no package file (it is named by its verdict file).
fn corpus_with_unknowns() -> Vec<Value> {
    let mut vs = corpus();
    vs.push(verdict(
        Some("plan"),
        "fail",
        Some("2021-02-30"),
        &[("PLAN-RL1", "violated")],
    ));
    let mut nameless = verdict(Some("plan"), "pass", None, &[]);
    nameless["package"] = Value::Null;
    vs.push(nameless);
    vs
}

#[test]
fn the_unknown_period_names_its_packages_in_every_format() {
    let d = tmpdir("unknown");
    let vs = corpus_with_unknowns();
    write_verdicts(&d, &vs);
    let s = stats::collect(&d).unwrap();
    let plan = &s.stages[0];
    let unknown = plan.rows.last().unwrap();
    assert_eq!(unknown.period, Period::Unknown);
    let want = ["124.zip.json", "plan-fail-2021-02-30.zip", "plan-pass-nodate.zip"];
    assert_eq!(unknown.packages, want, "package.file, else the verdict file; sorted");
    assert!(plan.rows[..plan.rows.len() - 1].iter().all(|r| r.packages.is_empty()));

    let j: Value = serde_json::from_str(&s.to_json()).unwrap();
    support::validate_schema("stats.schema.json", &j);
    let periods = j["stages"][0]["periods"].as_array().unwrap();
    assert_eq!(periods.last().unwrap()["period"], "unknown");
    assert_eq!(periods.last().unwrap()["packages"], json!(want));
    assert!(periods[..periods.len() - 1].iter().all(|p| p.get("packages").is_none()));

    let table = s.render_table();
    let csv = s.render_csv(stats::CsvTable::Periods);
    let html = s.render_html(&page_info());
    for (format, text) in [("table", &table), ("csv", &csv), ("html", &html)] {
        let at: Vec<usize> = want
            .iter()
            .map(|n| text.find(n).unwrap_or_else(|| panic!("{n} in {format}:\n{text}")))
            .collect();
        assert!(at.windows(2).all(|w| w[0] < w[1]), "{format}: sorted");
    }
    let _ = std::fs::remove_dir_all(&d);
}

#[test]
fn the_stats_json_follows_its_schema() {
    for vs in [corpus_with_unknowns(), Vec::new()] {
        let s = stats::from_verdicts(&vs);
        support::validate_schema("stats.schema.json", &serde_json::from_str(&s.to_json()).unwrap());
    }
    let j: Value = serde_json::from_str(&stats().to_json()).unwrap();
    let f = &j["failures"][0];
    assert_eq!(f["check_id"], "REVIEW-RL1");
    assert_eq!(f["title"], "升级改造前期项目已通过投入使用");
    assert_eq!(f["stage_verdicts"], 111);
    assert_eq!(f["violated_rate"], 1.8);
}

/// The page's folder and time, fixed.
fn page_info() -> PageInfo {
    PageInfo {
        source: "/srv/评审/结论".to_string(),
        generated: 1_717_200_000,
    }
}

#[test]
fn csv_is_two_tables_for_excel() {
    let mut vs = corpus_with_unknowns();
    // A check id and a package name a spreadsheet could take for a formula, and one with a comma.
    vs.push(verdict(Some("plan"), "fail", None, &[("=HYPERLINK(1)", "violated")]));
    let last = vs.len() - 1;
    vs[last]["package"]["file"] = json!("a,\"b\".zip");
    let s = stats::from_verdicts(&vs);
    for table in stats::CsvTable::ALL {
        let csv = s.render_csv(table);
        assert!(csv.starts_with('\u{feff}'), "UTF-8 with a byte-order mark");
        assert!(csv.ends_with("\r\n"));
        assert!(!csv.replace("\r\n", "").contains('\n'), "CRLF line ends only");
        let header = csv.trim_start_matches('\u{feff}').lines().next().unwrap();
        assert!(header.split(',').all(|h| !h.is_ascii()), "Chinese headers: {header}");
        // Every row has as many fields as the header (RFC 4180: quoted commas are one field).
        let fields = |line: &str| {
            let (mut n, mut quoted) = (1, false);
            for c in line.chars() {
                match c {
                    '"' => quoted = !quoted,
                    ',' if !quoted => n += 1,
                    _ => {}
                }
            }
            n
        };
        for line in csv.trim_start_matches('\u{feff}').lines() {
            assert_eq!(fields(line), fields(header), "{line}");
        }
    }
    let periods = s.render_csv(stats::CsvTable::Periods);
    assert!(
        periods.contains(",无申报日期,4,2,0,2,0,0,50.00%,\"#124、a,\"\"b\"\".zip、plan-fail-2021-02-30.zip、plan-pass-nodate.zip\"\r\n"),
        "{periods}"
    );
    let failures = s.render_csv(stats::CsvTable::Failures);
    assert!(
        failures.contains("\r\n'=HYPERLINK(1),,规划备案,plan,1,0,9,11.11%\r\n"),
        "{failures}"
    );
    assert!(!failures.contains(",=HYPERLINK"), "never a formula");
}

#[test]
fn the_csv_table_is_chosen_on_stdout_and_out_writes_both() {
    let d = tmpdir("cli-csv");
    let vs = corpus_with_unknowns();
    write_verdicts(&d, &vs);
    let s = stats::collect(&d).unwrap();
    let run = |args: &[&str]| {
        let o = bin().arg("stats").args(args).arg(&d).output().unwrap();
        assert_eq!(
            o.status.code(),
            Some(0),
            "{args:?}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        String::from_utf8(o.stdout).unwrap()
    };
    let periods = s.render_csv(stats::CsvTable::Periods);
    let failures = s.render_csv(stats::CsvTable::Failures);
    assert_eq!(run(&["--format", "csv"]), periods, "periods by default");
    assert_eq!(run(&["--format", "csv", "--table", "periods"]), periods);
    assert_eq!(run(&["--format", "csv", "--table", "failures"]), failures);

    let out = d.join("tables");
    for args in [vec!["--out"], vec!["--format", "csv", "--out"]] {
        let _ = std::fs::remove_dir_all(&out);
        let o = bin().arg("stats").args(&args).arg(&out).arg(&d).output().unwrap();
        assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
        assert!(o.stdout.is_empty());
        assert_eq!(std::fs::read_to_string(out.join("periods.csv")).unwrap(), periods);
        assert_eq!(std::fs::read_to_string(out.join("failures.csv")).unwrap(), failures);
    }
    // Tables written into the verdicts' own folder are not taken for stray files afterwards.
    std::fs::remove_dir_all(&out).unwrap();
    let o = bin().args(["stats", "--out"]).arg(&d).arg(&d).output().unwrap();
    assert_eq!(o.status.code(), Some(0));
    assert!(stats::collect(&d).unwrap().skipped.is_empty());

    // Flags that do not go together: usage errors.
    for args in [
        vec!["--table", "failures"],
        vec!["--format", "json", "--table", "failures"],
        vec!["--format", "html", "--out", "x"],
        vec!["--format", "csv", "--table", "failures", "--out", "x"],
    ] {
        let o = bin().arg("stats").args(&args).arg(&d).output().unwrap();
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        assert!(o.stdout.is_empty(), "{args:?}");
    }
    let _ = std::fs::remove_dir_all(&d);
}

/// The class, not the example: whatever a real `batch --html` writes beside its verdicts (a
/// summary, reports, an index, a lock — and whatever it writes in the future) is never called
/// skipped nor named by stats, in any format.
#[test]
fn a_real_batch_folder_has_nothing_but_verdicts_to_stats() {
    let d = tmpdir("real-batch");
    let inputs = d.join("in");
    std::fs::create_dir_all(&inputs).unwrap();
    for stage in support::STAGES {
        std::fs::write(
            inputs.join(format!("{stage}.zip")),
            support::stage_package(stage, support::Naming::Numbered),
        )
        .unwrap();
    }
    std::fs::write(inputs.join("broken.zip"), b"not a zip").unwrap();
    let out = d.join("out");
    let o = bin()
        .args(["batch", "-q", "--html", "--ocr", "off", "--in-process", "--out"])
        .arg(&out)
        .arg(&inputs)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    let own: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| !n.ends_with(".zip.json"))
        .collect();
    assert!(
        own.iter().any(|n| n == "summary.json") && own.iter().any(|n| n == "index.html"),
        "{own:?}"
    );

    let s = stats::collect(&out).unwrap();
    assert!(s.skipped.is_empty(), "{:?}", s.skipped);
    assert_eq!(s.verdict_count(), 6);
    for format in ["table", "csv", "json", "html"] {
        let o = bin().args(["stats", "--format", format]).arg(&out).output().unwrap();
        assert_eq!(o.status.code(), Some(0), "{format}");
        assert!(o.stderr.is_empty(), "{format}: {}", String::from_utf8_lossy(&o.stderr));
        let text = String::from_utf8(o.stdout).unwrap();
        for name in &own {
            assert!(!text.contains(name.as_str()), "{format} names {name}");
        }
        assert!(
            !text.contains("skipped: 1") && !text.contains("未读取 (skipped)"),
            "{format}"
        );
    }
    let _ = std::fs::remove_dir_all(&d);
}
