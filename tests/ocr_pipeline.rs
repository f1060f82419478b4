//! Scanned documents through the whole pipeline: a commissioning package whose 竣工验收意见 and
//! 质保方案 are image-only scans (`fixtures/scans/`). With Tesseract and `chi_sim` installed the
//! scans are read by OCR, so COMM-RL3 (warranty) and COMM-RL4 (acceptance date) are decided and
//! the fields read carry `"ocr": true` and a confidence; with `--ocr off` they stay undetermined
//! as before; a blank scan stays unreadable.

mod support;

use std::path::Path;

use pingshen::finding::Code;
use pingshen::ocr::Engine;
use pingshen::schema::StageId;
use pingshen::verdict::{CheckStatus, Presence, Value, Verdict};
use pingshen::{review, OcrMode, Options, Reviewer};
use support::packages::{stage_files, zip_files, Naming};

fn fixture(name: &str) -> Vec<u8> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/scans").join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The file of the complete commissioning package whose name holds `needle`, replaced by the scan
/// `scan` (renamed to `.pdf`).
fn put_scan(files: &mut [(String, Vec<u8>)], needle: &str, scan: &str) {
    let f = files
        .iter_mut()
        .find(|(p, _)| p.contains(needle))
        .unwrap_or_else(|| panic!("no file matching {needle}"));
    let stem = f.0.rsplit_once('.').map_or(f.0.clone(), |(s, _)| s.to_string());
    f.0 = format!("{stem}.pdf");
    f.1 = fixture(scan);
}

/// The commissioning package with both scans in it, zipped.
fn scanned_package(acceptance: &str) -> Vec<u8> {
    let mut files = stage_files("commissioning", Naming::Plain);
    put_scan(&mut files, "竣工验收意见", acceptance);
    put_scan(&mut files, "质保方案", "warranty-plan-scan.pdf");
    zip_files(&files)
}

fn run(bytes: &[u8], ocr: OcrMode) -> Verdict {
    let reviewer = Reviewer::embedded().unwrap();
    let opts = Options {
        stage: Some(StageId::Commissioning),
        ocr,
    };
    review("投入使用申请.zip", bytes, &reviewer, &opts)
}

fn status(v: &Verdict, id: &str) -> CheckStatus {
    v.checks
        .iter()
        .find(|c| c.id == id)
        .unwrap_or_else(|| panic!("no check {id}"))
        .status
}

fn have_ocr() -> bool {
    match Engine::detect() {
        Ok(_) => true,
        Err(why) => {
            println!("skipped: tesseract with chi_sim not installed ({why})");
            false
        }
    }
}

#[test]
fn scans_read_by_ocr_decide_the_checks() {
    if !have_ocr() {
        return;
    }
    let v = run(&scanned_package("acceptance-opinion-scan.pdf"), OcrMode::Auto);
    let json: serde_json::Value = serde_json::from_str(&pingshen::to_json(&v)).unwrap();
    for id in ["COMM-RL3", "COMM-RL4"] {
        assert_ne!(status(&v, id), CheckStatus::Undetermined, "{id}: {:#}", json["checks"]);
    }

    let date = &json["fields"]["final_acceptance_date"];
    assert_eq!(date["value"], "2023-06-15", "{date:#}");
    assert_eq!(date["source"]["ocr"], true, "{date:#}");
    let confidence = date["source"]["confidence"].as_f64().expect("a confidence");
    assert!((60.0..=100.0).contains(&confidence), "{confidence}");
    assert!(date["source"]["page"].as_u64() == Some(1), "{date:#}");

    let months = &v.fields["warranty_months"];
    assert!(
        matches!(months.value, Value::Int(36)) || matches!(months.value, Value::Number(n) if n == 36.0),
        "{:?}",
        months.value
    );
    assert_eq!(months.source.ocr, Some(true));

    for f in v
        .files
        .iter()
        .filter(|f| f.path.ends_with(".pdf") && f.read_by.is_some())
    {
        assert!(f.readable, "{f:?}");
    }
    let scanned: Vec<_> = v.files.iter().filter(|f| f.read_by == Some("ocr")).collect();
    assert_eq!(scanned.len(), 2, "{:#}", json["files"]);
    for m in ["final_acceptance", "warranty_plan"] {
        let m = v.materials.iter().find(|x| x.id == m).unwrap();
        assert_eq!(m.status, Presence::Present, "{m:?}");
    }
}

#[test]
fn with_ocr_off_scans_stay_unread() {
    let v = run(&scanned_package("acceptance-opinion-scan.pdf"), OcrMode::Off);
    for id in ["COMM-RL3", "COMM-RL4"] {
        assert_eq!(status(&v, id), CheckStatus::Undetermined, "{id}");
    }
    assert!(!v.fields.contains_key("final_acceptance_date"));
    assert!(v.files.iter().all(|f| f.read_by.is_none()));
    for m in ["final_acceptance", "warranty_plan"] {
        let m = v.materials.iter().find(|x| x.id == m).unwrap();
        assert_eq!(m.status, Presence::Unreadable, "{m:?}");
    }
}

#[test]
fn a_blank_scan_stays_unreadable() {
    if !have_ocr() {
        return;
    }
    let v = run(&scanned_package("blank-scan.pdf"), OcrMode::Auto);
    let acceptance = v.materials.iter().find(|x| x.id == "final_acceptance").unwrap();
    assert_eq!(acceptance.status, Presence::Unreadable, "{acceptance:?}");
    assert!(!v.fields.contains_key("final_acceptance_date"));
    assert_eq!(status(&v, "COMM-RL4"), CheckStatus::Undetermined);
    // The warranty scan next to it is still read.
    assert_ne!(status(&v, "COMM-RL3"), CheckStatus::Undetermined);
}

/// The files a `file.unreadable` finding saying "no text layer" names, sorted.
fn unread_scans(v: &Verdict) -> Vec<String> {
    let mut out: Vec<String> = v
        .findings
        .iter()
        .filter(|f| f.code == Code::FileUnreadable && f.message.contains("no text layer"))
        .map(|f| {
            assert!(f.messages.zh.contains("扫描"), "{:?}", f.messages);
            f.source.as_ref().and_then(|s| s.file.clone()).unwrap_or_default()
        })
        .collect();
    out.sort();
    out
}

/// Whether the file is one of the two scans [`scanned_package`] puts in.
fn is_scan(path: &str) -> bool {
    path.contains("竣工验收意见") || path.contains("质保方案")
}

/// The paths of the package's scans, sorted.
fn scan_paths(v: &Verdict) -> Vec<String> {
    let mut out: Vec<String> = v
        .files
        .iter()
        .filter(|f| is_scan(&f.path))
        .map(|f| f.path.clone())
        .collect();
    out.sort();
    out
}

#[test]
fn a_scan_left_unread_says_it_has_no_text_layer() {
    // No engine needed: with `--ocr off` both scans stay unreadable, each with its finding.
    let v = run(&scanned_package("acceptance-opinion-scan.pdf"), OcrMode::Off);
    let scans = scan_paths(&v);
    assert_eq!(scans.len(), 2, "{:?}", v.files);
    assert_eq!(unread_scans(&v), scans);
}

#[test]
fn a_scan_read_by_ocr_is_not_called_unreadable() {
    if !have_ocr() {
        return;
    }
    let v = run(&scanned_package("acceptance-opinion-scan.pdf"), OcrMode::Auto);
    assert!(v
        .files
        .iter()
        .filter(|f| is_scan(&f.path))
        .all(|f| f.read_by == Some("ocr")));
    assert_eq!(unread_scans(&v), Vec::<String>::new(), "{:#?}", v.findings);
    assert!(
        v.findings.iter().all(|f| f.code != Code::FileUnreadable),
        "{:#?}",
        v.findings
    );
    // A blank scan OCR reads nothing from stays unreadable, and says so; the warranty scan
    // beside it is read and says nothing.
    let v = run(&scanned_package("blank-scan.pdf"), OcrMode::Auto);
    let blank: Vec<String> = v
        .files
        .iter()
        .filter(|f| is_scan(&f.path) && f.read_by.is_none())
        .map(|f| f.path.clone())
        .collect();
    assert_eq!(blank.len(), 1, "{:?}", v.files);
    assert_eq!(unread_scans(&v), blank);
}

/// The CLI with no OCR engine (no PP-OCR files in its models folder, no tesseract on `PATH`): `--ocr auto` keeps the scans unreadable with an
/// `ocr.unavailable` info finding, `--ocr require` makes it an `ocr.required` error, and
/// `doctor` exits 1 saying why.
#[test]
fn without_an_engine_auto_says_so_and_require_is_an_error() {
    let dir = std::env::temp_dir().join(format!("pingshen-ocr-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let pkg = dir.join("投入使用申请.zip");
    std::fs::write(&pkg, scanned_package("acceptance-opinion-scan.pdf")).unwrap();
    let empty = dir.join("empty-path");
    std::fs::create_dir_all(&empty).unwrap();
    let check = |mode: &str| -> serde_json::Value {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_pingshen"))
            .args(["check", "--stage", "commissioning", "--format", "json", "--ocr", mode])
            .arg(&pkg)
            .env("PATH", &empty)
            .env("PINGSHEN_OCR_DIR", &empty)
            .output()
            .unwrap();
        serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stderr)))
    };
    let codes = |v: &serde_json::Value| -> Vec<(String, String)> {
        v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["code"].as_str().unwrap().starts_with("ocr."))
            .map(|f| {
                (
                    f["code"].as_str().unwrap().to_string(),
                    f["severity"].as_str().unwrap().to_string(),
                )
            })
            .collect()
    };

    let auto = check("auto");
    let c = codes(&auto);
    assert_eq!(c.len(), 2, "one per scan: {c:?}");
    assert!(
        c.iter().all(|(code, sev)| code == "ocr.unavailable" && sev == "info"),
        "{c:?}"
    );
    assert_eq!(auto["verdict"], "needs_review");
    let unread = |v: &serde_json::Value| {
        v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["code"] == "file.unreadable" && f["message"].as_str().unwrap().contains("no text layer"))
            .count()
    };
    assert_eq!(unread(&auto), 2, "no engine: both scans stay unreadable and say so");

    let require = check("require");
    let c = codes(&require);
    assert!(
        !c.is_empty() && c.iter().all(|(code, sev)| code == "ocr.required" && sev == "error"),
        "{c:?}"
    );
    assert_eq!(require["verdict"], "incomplete");

    assert!(codes(&check("off")).is_empty());

    let doctor = std::process::Command::new(env!("CARGO_BIN_EXE_pingshen"))
        .arg("doctor")
        .env("PATH", &empty)
        .env("PINGSHEN_OCR_DIR", &empty)
        .output()
        .unwrap();
    assert_eq!(doctor.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&doctor.stdout).contains("tesseract is not installed"));
    let _ = std::fs::remove_dir_all(&dir);
}
