//! The reviewer's page in a real browser: headless Chromium driven through WebDriver
//! (chromedriver), against a real `pingshen serve`. A reviewer chooses a zip, presses the
//! button and reads the report: its verdict, a red line's evidence, the missing materials; the
//! Chinese is drawn with real glyphs. Screenshots go to `target/browser/`.
//!
//! Needs Debian's `chromium` and `chromium-driver` (and `fonts-noto-cjk`), which `.ci/run`
//! installs. Without them the test prints that it was skipped; under CI (`CI=true`) it fails.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use fantoccini::Locator;

#[path = "support/chrome.rs"]
mod chrome;
#[path = "support/server.rs"]
mod server;
mod support;

use chrome::{start_driver, tools};
use server::{tmpdir, Server};

fn shots() -> PathBuf {
    let d = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/browser");
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// A review package of an upgrade that names no prior commissioning approval (REVIEW-RL1
/// violated), and a commissioning package without its final acceptance opinion (incomplete).
fn packages(dir: &Path) -> (PathBuf, PathBuf) {
    let mut files = support::stage_files("review", support::Naming::Numbered);
    let mut rows = support::stage_basic_info("review");
    for r in rows.iter_mut() {
        if r.0 == "项目类型" {
            r.1 = "升级改造";
        }
    }
    support::packages::replace_file(&mut files, "项目基本情况表", support::basic_info_xlsx(&rows));
    let failing = support::write_file(dir, "review-upgrade.zip", &support::zip_files(&files));
    let entries: Vec<(String, Vec<u8>)> = support::stage_entries("commissioning", support::Naming::Numbered)
        .into_iter()
        .filter(|f| f.material != "final_acceptance")
        .map(|f| (f.path, f.data))
        .collect();
    let incomplete = support::write_file(dir, "commissioning-incomplete.zip", &support::zip_files(&entries));
    (failing, incomplete)
}

/// What `check --format json` says of a package.
fn verdict_of(path: &Path) -> serde_json::Value {
    let o = Command::new(env!("CARGO_BIN_EXE_pingshen"))
        .args(["check", "--format", "json", "--ocr", "off"])
        .arg(path)
        .output()
        .unwrap();
    serde_json::from_slice(&o.stdout).unwrap()
}

#[test]
fn a_reviewer_uploads_a_zip_and_reads_the_report() {
    let Some((chromium, driver)) = tools() else { return };
    let dir = tmpdir("browser");
    let (failing, incomplete) = packages(&dir);
    let failing_v = verdict_of(&failing);
    let incomplete_v = verdict_of(&incomplete);
    let missing: Vec<String> = incomplete_v["materials"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["status"] == "missing")
        .map(|m| m["name"].as_str().unwrap().to_string())
        .collect();
    assert!(!missing.is_empty(), "{incomplete_v}");

    let s = Server::start(&["-j", "1"], None);
    let d = start_driver(&driver);
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let c = chrome::connect(
            &chromium,
            &d,
            &[
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--window-size=1280,1800",
                "--lang=zh-CN",
            ],
        )
        .await;
        let url = format!("http://{}/", s.addr);
        c.goto(&url).await.unwrap();
        assert!(c.title().await.unwrap().contains("评审"));

        // The Chinese of the page is drawn with a real CJK font: a character and a code point
        // no font has (drawn as the missing-glyph box) come out different, in the page's font.
        let real_glyphs = c.execute(chrome::GLYPH_PROBE, vec![]).await.unwrap();
        let r = real_glyphs.as_array().unwrap();
        assert!(
            r[0].as_str().unwrap().contains("Noto Sans CJK SC"),
            "font stack: {}",
            r[0]
        );
        assert_ne!(r[1], r[2], "评 is drawn as the missing-glyph box: no CJK font");
        assert_ne!(r[1], r[3], "评 and 审 are drawn the same: no CJK font");

        for (path, expected) in [(&failing, &failing_v), (&incomplete, &incomplete_v)] {
            c.goto(&url).await.unwrap();
            let input = c.find(Locator::Css("#file")).await.unwrap();
            input.send_keys(path.to_str().unwrap()).await.unwrap();
            c.find(Locator::Css("#submit")).await.unwrap().click().await.unwrap();
            let banner = c
                .wait()
                .at_most(Duration::from_secs(30))
                .for_element(Locator::Css("#result #verdict"))
                .await
                .expect("the report appears");
            assert_eq!(
                banner.attr("data-verdict").await.unwrap().as_deref(),
                expected["verdict"].as_str()
            );
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            let link = c.find(Locator::Css("#download")).await.unwrap();
            assert_eq!(link.attr("download").await.unwrap(), Some(format!("{name}.json")));
            let shot = c.screenshot().await.unwrap();
            std::fs::write(shots().join(format!("{name}.png")), &shot).unwrap();
            assert!(shot.starts_with(b"\x89PNG"));
        }

        // The incomplete package: its missing materials are listed.
        let listed = c
            .find(Locator::Css("#result #missing"))
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        for m in &missing {
            assert!(listed.contains(m.as_str()), "{m} is not in the missing list: {listed}");
        }

        // The failing package: a violated red line shows the evidence that decided it.
        let violated: Vec<&serde_json::Value> = failing_v["checks"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|c| c["status"] == "violated")
            .collect();
        c.goto(&url).await.unwrap();
        c.find(Locator::Css("#file"))
            .await
            .unwrap()
            .send_keys(failing.to_str().unwrap())
            .await
            .unwrap();
        c.find(Locator::Css("#submit")).await.unwrap().click().await.unwrap();
        c.wait()
            .at_most(Duration::from_secs(30))
            .for_element(Locator::Css("#result #verdict"))
            .await
            .unwrap();
        if let Some(check) = violated.first() {
            let id = check["id"].as_str().unwrap();
            let row = c
                .find(Locator::Css(&format!("#result [data-check=\"{id}\"]")))
                .await
                .unwrap();
            assert_eq!(row.attr("data-status").await.unwrap().as_deref(), Some("violated"));
            let text = row.text().await.unwrap();
            let file = check["evidence"]
                .as_array()
                .unwrap()
                .iter()
                .find_map(|e| e["source"]["file"].as_str())
                .expect("a violated red line names where its evidence is");
            // The page shows the file's own name; the path above it may be shortened.
            let file = file.rsplit('/').next().unwrap();
            assert!(
                text.contains(file),
                "the evidence file {file} is not shown for {id}: {text}"
            );
        } else {
            panic!("review-upgrade.zip was expected to violate a red line: {failing_v}");
        }

        // Keyboard only: the drop zone takes focus and Enter opens the chooser (no error).
        c.execute(
            "document.getElementById('drop').focus(); return document.activeElement.id;",
            vec![],
        )
        .await
        .map(|v| assert_eq!(v, "drop"))
        .unwrap();
        c.close().await.unwrap();
    });
}
