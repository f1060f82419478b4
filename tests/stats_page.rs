//! The page of `pingshen stats --format html` as a reviewing office reads it: the folder and the
//! time it states, the same bytes for the same verdicts and `SOURCE_DATE_EPOCH`, `n` beside
//! every rate, a 0 % period that still shows, headers in Chinese first — and, in headless
//! Chromium (tests/support/chrome.rs), charts drawn at a readable size with real Chinese glyphs.
//! The browser's screenshot goes to `target/test-artifacts/stats-page.png`.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::{json, Value};

#[path = "support/chrome.rs"]
mod chrome;

/// The generation time of every page here: 2024-06-01 00:00:00 UTC, 08:00 in Beijing.
const EPOCH: &str = "1717200000";

/// A minimal verdict: the fields stats reads.
fn verdict(stage: &str, kind: &str, date: Option<&str>, file: &str, checks: &[(&str, &str)]) -> Value {
    json!({
        "schema_version": "1",
        "stage": stage,
        "verdict": kind,
        "package": {"file": file},
        "project": {"name": "某单位信息化项目", "submission_date": date},
        "checks": checks.iter().map(|(id, st)| json!({"id": id, "status": st})).collect::<Vec<_>>(),
        "items": [],
        "findings": [],
    })
}

/// A folder of verdicts with what the page must show well: a period at 0 %, one at 100 %, one
/// in between, packages without 申报日期, checks violated and undetermined, an error verdict,
/// and the files a batch leaves beside its verdicts.
fn verdict_folder(tag: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("pingshen-stats-page-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    let mut vs = vec![
        verdict(
            "plan",
            "fail",
            Some("2020-09-01"),
            "规划-甲.zip",
            &[("PLAN-RL1", "violated")],
        ),
        verdict(
            "plan",
            "partial",
            Some("2021-03-01"),
            "规划-乙.zip",
            &[("PLAN-RL2", "violated")],
        ),
        verdict("plan", "pass", Some("2021-08-01"), "规划-丙.zip", &[]),
        verdict("plan", "pass", None, "规划-无日期.zip", &[]),
        verdict("review", "pass", Some("2021-07-15"), "评审-甲.zip", &[]),
        verdict(
            "review",
            "fail",
            Some("2021-09-15"),
            "评审-乙.zip",
            &[("REVIEW-RL6", "violated")],
        ),
        verdict(
            "review",
            "needs_review",
            Some("2022-01-15"),
            "评审-丙.zip",
            &[("REVIEW-RL2", "undetermined")],
        ),
        verdict(
            "commissioning",
            "fail",
            Some("2020-04-29"),
            "验收-甲.zip",
            &[("COMM-RL3", "violated")],
        ),
        verdict(
            "commissioning",
            "incomplete",
            Some("2020-12-01"),
            "验收-乙.zip",
            &[("COMM-REQ-SECURITY", "violated")],
        ),
        verdict(
            "commissioning",
            "pass",
            Some("2021-02-01"),
            "验收-丙.zip",
            &[("COMM-RL4", "undetermined")],
        ),
        verdict("commissioning", "pass", None, "验收-无日期.zip", &[]),
    ];
    let mut error = verdict("plan", "error", None, "坏包.zip", &[]);
    error["stage"] = Value::Null;
    vs.push(error);
    for (i, v) in vs.iter().enumerate() {
        std::fs::write(
            d.join(format!("p{i:02}.zip.json")),
            serde_json::to_string_pretty(v).unwrap(),
        )
        .unwrap();
    }
    std::fs::write(d.join("summary.json"), r#"{"packages": 12}"#).unwrap();
    std::fs::write(d.join(".pingshen.lock"), "1\n").unwrap();
    std::fs::write(d.join("index.html"), "<!DOCTYPE html>").unwrap();
    d
}

fn stats_html(dir: &Path, epoch: &str) -> Output {
    Command::new(env!("CARGO_BIN_EXE_pingshen"))
        .args(["stats", "--format", "html"])
        .arg(dir)
        .env("SOURCE_DATE_EPOCH", epoch)
        .output()
        .unwrap()
}

fn page(dir: &Path) -> String {
    let o = stats_html(dir, EPOCH);
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    String::from_utf8(o.stdout).unwrap()
}

/// The text of the page without its tags (attribute values, such as a meter's `width:40%`, are
/// no text).
fn text_of(html: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => {
                in_tag = false;
                out.push(' ');
            }
            _ if !in_tag => out.push(c),
            _ => {}
        }
    }
    out
}

/// The contents of every `<tag …>…</tag>` of the page.
fn elements<'a>(html: &'a str, tag: &str) -> Vec<&'a str> {
    let (open, close) = (format!("<{tag}"), format!("</{tag}>"));
    let mut found = Vec::new();
    let mut rest = html;
    while let Some(i) = rest.find(&open) {
        let after = &rest[i + open.len()..];
        if !after.starts_with(['>', ' ']) {
            rest = after;
            continue;
        }
        let body = &after[after.find('>').unwrap() + 1..];
        let end = body.find(&close).unwrap_or_else(|| panic!("unclosed <{tag}>"));
        found.push(&body[..end]);
        rest = &body[end..];
    }
    found
}

fn is_cjk(c: char) -> bool {
    ('\u{4E00}'..='\u{9FFF}').contains(&c)
}

#[test]
fn the_page_states_its_folder_and_time_and_is_the_same_bytes_for_the_same_epoch() {
    let d = verdict_folder("meta");
    let html = page(&d);
    assert_eq!(
        html,
        page(&d),
        "the same verdicts and SOURCE_DATE_EPOCH: the same bytes"
    );
    assert!(html.contains("生成时间"), "the date is stated");
    assert!(
        html.contains("<time datetime=\"2024-06-01T08:00+08:00\">2024-06-01 08:00（北京时间）</time>"),
        "the date, in Beijing time"
    );
    let folder = std::path::absolute(&d).unwrap().display().to_string();
    assert!(html.contains("数据来源"), "the folder is stated");
    assert!(html.contains(&format!("<code>{folder}</code>")), "{folder}");

    // Another time changes the date and nothing else.
    let later = stats_html(&d, "1735660800"); // 2024-12-31 16:00 UTC: 2025-01-01 00:00 in Beijing
    let later = String::from_utf8(later.stdout).unwrap();
    assert!(
        later.contains("2025-01-01 00:00（北京时间）"),
        "the day turns at Beijing midnight"
    );
    assert_eq!(
        later
            .replace("2025-01-01T00:00+08:00", "T")
            .replace("2025-01-01 00:00", "D"),
        html.replace("2024-06-01T08:00+08:00", "T")
            .replace("2024-06-01 08:00", "D")
    );

    // A SOURCE_DATE_EPOCH that is no number of seconds is a usage error.
    let bad = stats_html(&d, "yesterday");
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("SOURCE_DATE_EPOCH"));
    let _ = std::fs::remove_dir_all(&d);
}

#[test]
fn every_rate_on_the_page_has_its_n() {
    let d = verdict_folder("n");
    let html = page(&d);
    let text = text_of(&html);
    let mut rates = 0;
    for (i, _) in text.match_indices('%') {
        // A rate is `12.34%`; the axis's `25%` is a scale, not a rate.
        let before = &text[..i];
        let decimals = before.len() >= 3
            && before[before.len() - 3..].starts_with('.')
            && before[before.len() - 2..].bytes().all(|b| b.is_ascii_digit());
        if !decimals {
            continue;
        }
        rates += 1;
        let after = &text[i + 1..];
        assert!(
            after.starts_with("（n="),
            "a rate without its n: …{}…",
            &text[i.saturating_sub(20)..(i + 20).min(text.len())]
        );
    }
    // Per stage: one per period in the chart and the table, the total; per check one.
    assert!(rates >= 30, "{rates} rates found");
    for needle in ["0.00%（n=1）", "100.00%（n=1）", "33.33%（n=3）", "50.00%（n=4）"] {
        assert!(text.contains(needle), "{needle}");
    }
    let _ = std::fs::remove_dir_all(&d);
}

#[test]
fn a_zero_rate_is_drawn_not_left_blank() {
    let d = verdict_folder("zero");
    let html = page(&d);
    // plan 2020.7-2021.6: one fail, one partial → 0 %.
    let zero = html
        .lines()
        .find(|l| l.starts_with("<rect class=\"bar zero\" data-period=\"2020.7-2021.6\""))
        .expect("the 0 % bar of the plan's 2020.7-2021.6");
    assert!(zero.contains("height=\"3.0\""), "a visible line, not nothing: {zero}");
    // Every bar stands on an outlined 0–100 % track.
    assert_eq!(
        html.matches("<rect class=\"track\"").count(),
        html.matches("<rect class=\"bar").count()
    );
    // A check violated by none of its stage's packages (only undetermined) shows a marker too.
    assert!(
        html.contains("<span class=\"fill zero\""),
        "the 0 % marker of the failures table"
    );
    assert!(html.contains("svg .bar.zero{"), "styled");
    let _ = std::fs::remove_dir_all(&d);
}

#[test]
fn headers_and_names_are_chinese_first() {
    let d = verdict_folder("zh");
    let html = page(&d);
    let mut headers = elements(&html, "th");
    headers.extend(elements(&html, "h1"));
    headers.extend(elements(&html, "h2"));
    assert!(headers.len() > 20, "{headers:?}");
    for h in headers {
        let text = text_of(h);
        let first = text.trim().chars().next().unwrap_or(' ');
        assert!(is_cjk(first), "an English-only or English-first header: {h}");
    }
    // The checks under their Chinese names; the packages without 申报日期 named, sorted.
    for needle in [
        "<title>评审统计",
        "保修期不少于2年",
        "安全测评材料齐全",
        "方案含网络安全和密码应用",
        "无申报日期的评审包",
        "<li><code>规划-无日期.zip</code></li>",
        "<li><code>验收-无日期.zip</code></li>",
    ] {
        assert!(html.contains(needle), "{needle}");
    }
    for own in ["summary.json", ".pingshen.lock", "index.html", "未读取的文件"] {
        assert!(!html.contains(own), "{own} on the page");
    }
    let _ = std::fs::remove_dir_all(&d);
}

/// Where the screenshot goes: `target/test-artifacts/` of this build (CARGO_TARGET_DIR when set).
fn artifacts() -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .or_else(|| option_env!("CARGO_TARGET_DIR").map(PathBuf::from))
        .unwrap_or_else(|| PathBuf::from("target"));
    let target = if target.is_absolute() {
        target
    } else {
        Path::new(env!("CARGO_MANIFEST_DIR")).join(target)
    };
    let d = target.join("test-artifacts");
    std::fs::create_dir_all(&d).unwrap();
    d
}

#[test]
fn the_page_in_headless_chromium_has_readable_charts_and_chinese_glyphs() {
    let Some((chromium, driver)) = chrome::tools() else {
        return;
    };
    let d = verdict_folder("chromium");
    let file = d.join("stats-page.html");
    std::fs::write(&file, page(&d)).unwrap();
    let url = format!("file://{}", std::path::absolute(&file).unwrap().display());
    let drv = chrome::start_driver(&driver);
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let png = rt.block_on(async {
        let c = chrome::connect(
            &chromium,
            &drv,
            &[
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--window-size=1280,1000",
                "--lang=zh-CN",
                "--hide-scrollbars",
            ],
        )
        .await;
        c.goto(&url).await.unwrap();
        assert_eq!(c.title().await.unwrap(), "评审统计 · pingshen stats");
        let h1 = c.find(fantoccini::Locator::Css("h1")).await.unwrap().text().await.unwrap();
        assert!(h1.starts_with("评审统计"), "{h1}");

        // Every chart, bar and label is drawn at a size a person reads without zooming.
        let sizes = c
            .execute(
                r#"const box = (e) => { const r = e.getBoundingClientRect(); return [r.width, r.height]; };
                   return {
                     charts: [...document.querySelectorAll('svg.chart')].map(box),
                     bars: [...document.querySelectorAll('svg.chart rect.bar')].map(box),
                     zero: [...document.querySelectorAll('svg.chart rect.bar.zero')].map(box),
                     text: [...document.querySelectorAll('svg.chart text')].map(t => parseFloat(getComputedStyle(t).fontSize) * t.getScreenCTM().a),
                     meters: [...document.querySelectorAll('.meter .fill')].map(box),
                     height: document.documentElement.scrollHeight,
                   };"#,
                vec![],
            )
            .await
            .unwrap();
        let list = |k: &str| sizes[k].as_array().unwrap().clone();
        assert_eq!(list("charts").len(), 3, "one chart per stage: {sizes}");
        for b in list("charts") {
            assert!(b[0].as_f64().unwrap() >= 300.0 && b[1].as_f64().unwrap() >= 250.0, "a chart too small: {b}");
        }
        assert!(!list("bars").is_empty());
        for b in list("bars") {
            assert!(b[0].as_f64().unwrap() > 40.0 && b[1].as_f64().unwrap() > 0.0, "a bar not drawn: {b}");
        }
        assert!(!list("zero").is_empty(), "the 0 % periods");
        for b in list("zero") {
            assert!(b[1].as_f64().unwrap() >= 2.0, "a 0 % bar invisible: {b}");
        }
        for size in list("text") {
            assert!(size.as_f64().unwrap() >= 11.5, "chart text too small to read: {size}");
        }
        for m in list("meters") {
            assert!(m[0].as_f64().unwrap() >= 2.0 && m[1].as_f64().unwrap() > 0.0, "a meter not drawn: {m}");
        }

        // The Chinese is drawn with a real CJK font.
        let glyphs = c.execute(chrome::GLYPH_PROBE, vec![]).await.unwrap();
        let g = glyphs.as_array().unwrap();
        assert!(g[0].as_str().unwrap().contains("Noto Sans CJK SC"), "font stack: {}", g[0]);
        assert_ne!(g[1], g[2], "评 is drawn as the missing-glyph box: no CJK font");
        assert_ne!(g[1], g[3], "评 and 审 are drawn the same: no CJK font");

        // The whole page in one picture.
        let height = sizes["height"].as_u64().unwrap().clamp(800, 8000) as u32;
        c.set_window_size(1280, height + 120).await.unwrap();
        let png = c.screenshot().await.unwrap();
        c.close().await.unwrap();
        png
    });
    assert!(png.starts_with(b"\x89PNG"), "a PNG");
    assert!(png.len() > 20_000, "a page, not a blank: {} bytes", png.len());
    let out = artifacts().join("stats-page.png");
    std::fs::write(&out, &png).unwrap();
    println!("screenshot: {}", out.display());
    let _ = std::fs::remove_dir_all(&d);
}
