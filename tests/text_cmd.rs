//! `pingshen text` as a user runs it: what was read from a PDF, a package, a workbook and a scan,
//! in JSON Lines and as text, with its exit codes.

mod pdf_writer;
mod support;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::{json, Value};
use support::packages::{zip_files, zip_files_gbk};
use support::{date, docx, n, ofd, pdf, s, xlsx};

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_pingshen"))
}

fn tmpdir(tag: &str) -> PathBuf {
    support::tmpdir(&format!("text-{tag}"))
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    support::write_file(dir, name, bytes)
}

fn scan(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/scans").join(name)
}

fn code(o: &Output) -> i32 {
    o.status.code().expect("exit code")
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).expect("UTF-8 output")
}

/// Runs `pingshen text --format json PATH ARGS…` twice, asserts both runs wrote the same bytes
/// and exited alike, and returns the exit code and the parsed lines.
fn json_lines(path: &Path, args: &[&str]) -> (i32, Vec<Value>) {
    let run = || {
        bin()
            .args(["text", "--format", "json"])
            .arg(path)
            .args(args)
            .output()
            .unwrap()
    };
    let (a, b) = (run(), run());
    assert_eq!(a.stdout, b.stdout, "two runs wrote different JSON");
    assert_eq!(code(&a), code(&b));
    let lines = stdout(&a)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect();
    (code(&a), lines)
}

/// A PDF of two pages, each drawing its lines in Helvetica.
fn two_page_pdf(first: &[&str], second: &[&str]) -> Vec<u8> {
    let mut b = pdf_writer::DocBuilder::new(false);
    let font =
        b.w.add("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>");
    let resources = format!("<< /Font << /F1 {font} 0 R >> >>");
    for lines in [first, second] {
        let mut content = String::from("BT\n/F1 12 Tf\n16 TL\n72 770 Td\n");
        for l in lines {
            content.push_str(&format!("({l}) Tj\nT*\n"));
        }
        content.push_str("ET\n");
        b.page(&resources, content.as_bytes());
    }
    b.finish()
}

#[test]
fn a_pdf_gives_its_lines_by_page() {
    let d = tmpdir("pdf");
    let p = write(
        &d,
        "opinion.pdf",
        &two_page_pdf(&["Acceptance opinion", "Date: 2023-06-15"], &["The group agrees."]),
    );
    let (rc, lines) = json_lines(&p, &[]);
    assert_eq!(rc, 0);
    assert_eq!(lines.len(), 1);
    assert_eq!(
        lines[0],
        json!({
            "file": p.display().to_string(),
            "type": "pdf",
            "readable": true,
            "reason": null,
            "pages": [
                {"page": 1, "read_by": "text", "confidence": null,
                 "lines": ["Acceptance opinion", "Date: 2023-06-15"]},
                {"page": 2, "read_by": "text", "confidence": null, "lines": ["The group agrees."]}
            ],
            "sheets": [],
            "annotations": []
        })
    );
}

#[test]
fn a_package_gives_one_line_per_entry_in_path_order() {
    let d = tmpdir("package");
    let files = vec![
        (
            "申报材料/2-验收意见.docx".to_string(),
            docx(&["竣工验收意见", "专家组一致同意"]),
        ),
        (
            "申报材料/1-基本情况.csv".to_string(),
            "项目名称,示范项目\n".as_bytes().to_vec(),
        ),
        ("申报材料/3-说明.txt".to_string(), "说明\n第二行\n".as_bytes().to_vec()),
        ("申报材料/0-批复.pdf".to_string(), pdf(&["Approval"])),
        ("申报材料/4-证明.ofd".to_string(), ofd(&["备案证明"])),
    ];
    for (tag, bytes) in [("utf8", zip_files(&files)), ("gbk", zip_files_gbk(&files))] {
        let p = write(&d, &format!("{tag}.zip"), &bytes);
        let (rc, lines) = json_lines(&p, &[]);
        assert_eq!(rc, 0, "{tag}: {lines:?}");
        let names: Vec<&str> = lines.iter().map(|l| l["file"].as_str().unwrap()).collect();
        assert_eq!(
            names,
            [
                "申报材料/0-批复.pdf",
                "申报材料/1-基本情况.csv",
                "申报材料/2-验收意见.docx",
                "申报材料/3-说明.txt",
                "申报材料/4-证明.ofd"
            ],
            "{tag}"
        );
        let types: Vec<&str> = lines.iter().map(|l| l["type"].as_str().unwrap()).collect();
        assert_eq!(types, ["pdf", "text", "docx", "text", "ofd"], "{tag}");
        assert_eq!(
            lines[0]["pages"],
            json!([{"page": 1, "read_by": "text", "confidence": null, "lines": ["Approval"]}])
        );
        assert_eq!(lines[1]["pages"], json!([]));
        assert_eq!(
            lines[1]["sheets"],
            json!([{"name": "csv", "cells": [
                {"ref": "A1", "type": "text", "value": "项目名称"},
                {"ref": "B1", "type": "text", "value": "示范项目"}
            ]}])
        );
        assert_eq!(
            lines[2]["pages"],
            json!([{"page": null, "read_by": "text", "confidence": null, "lines": ["竣工验收意见", "专家组一致同意"]}])
        );
        assert_eq!(lines[3]["pages"][0]["lines"], json!(["说明", "第二行"]));
        assert_eq!(lines[4]["pages"][0]["page"], 1);
        assert_eq!(lines[4]["pages"][0]["lines"], json!(["备案证明"]));
        for l in &lines {
            assert_eq!(l["annotations"], json!([]));
        }
    }
}

#[test]
fn an_unreadable_entry_makes_the_package_exit_1() {
    let d = tmpdir("unreadable-entry");
    let files = vec![
        ("a.pdf".to_string(), pdf(&["Readable"])),
        ("b.png".to_string(), b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec()),
    ];
    let p = write(&d, "pkg.zip", &zip_files(&files));
    let (rc, lines) = json_lines(&p, &[]);
    assert_eq!(rc, 1);
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[0]["readable"], true);
    assert_eq!(lines[1]["file"], "b.png");
    assert_eq!(lines[1]["readable"], false);
    // With an OCR engine the broken image is tried and the reason says why OCR could not read it.
    assert!(
        lines[1]["reason"].as_str().unwrap().starts_with("image: no text layer"),
        "{}",
        lines[1]
    );
}

#[test]
fn a_workbook_gives_its_cells_with_refs_and_types() {
    let d = tmpdir("xlsx");
    let book = xlsx(&[
        (
            "基本情况",
            vec![
                vec![s("项目名称"), s("示范项目")],
                vec![s("总投资"), n(123.45)],
                vec![s("申报日期"), date(2023, 6, 15)],
            ],
        ),
        ("空表", vec![]),
    ]);
    let p = write(&d, "basic.xlsx", &book);
    let (rc, lines) = json_lines(&p, &[]);
    assert_eq!(rc, 0);
    assert_eq!(lines.len(), 1);
    let l = &lines[0];
    assert_eq!(l["type"], "xlsx");
    assert_eq!(l["pages"], json!([]));
    assert_eq!(
        l["sheets"],
        json!([
            {"name": "基本情况", "cells": [
                {"ref": "A1", "type": "text", "value": "项目名称"},
                {"ref": "B1", "type": "text", "value": "示范项目"},
                {"ref": "A2", "type": "text", "value": "总投资"},
                {"ref": "B2", "type": "number", "value": "123.45"},
                {"ref": "A3", "type": "text", "value": "申报日期"},
                {"ref": "B3", "type": "date", "value": "2023-06-15"}
            ]},
            {"name": "空表", "cells": []}
        ])
    );

    let o = bin().arg("text").arg(&p).output().unwrap();
    assert_eq!(code(&o), 0);
    let name = p.display().to_string();
    assert_eq!(
        stdout(&o),
        format!(
            "== {name} — sheet 基本情况 (from A1)\n项目名称\t示范项目\n总投资\t123.45\n申报日期\t2023-06-15\n\
             == {name} — sheet 空表 (empty)\n"
        )
    );
}

#[test]
fn a_scan_without_ocr_is_unreadable_for_want_of_a_text_layer() {
    let (rc, lines) = json_lines(&scan("acceptance-opinion-scan.pdf"), &["--ocr", "off"]);
    assert_eq!(rc, 1);
    assert_eq!(lines.len(), 1);
    let l = &lines[0];
    assert_eq!(l["type"], "pdf");
    assert_eq!(l["readable"], false);
    assert_eq!(l["reason"], "no text layer: the pages are scanned images");
    assert_eq!(l["pages"], json!([]));
    assert_eq!(l["sheets"], json!([]));
}

/// A folder holding a stand-in `tesseract` that answers like Tesseract 5.3 with `chi_sim` and
/// reads every page as the same two lines (confidence 90 and 80).
#[cfg(unix)]
fn tesseract_dir(tag: &str) -> PathBuf {
    use std::os::unix::fs::PermissionsExt;
    let d = tmpdir(&format!("tesseract-{tag}"));
    let script = concat!(
        "#!/bin/sh\n",
        "case \"$1\" in\n",
        "  --version) echo 'tesseract 5.3.0'; exit 0;;\n",
        "  --list-langs) printf 'List of available languages in \"/usr/share/tessdata/\" (2):\\nchi_sim\\neng\\n'; exit 0;;\n",
        "esac\n",
        "printf 'level\\tpage_num\\tblock_num\\tpar_num\\tline_num\\tword_num\\tleft\\ttop\\twidth\\theight\\tconf\\ttext\\n'\n",
        "printf '5\\t1\\t1\\t1\\t1\\t1\\t100\\t100\\t400\\t40\\t90\\t竣工验收意见\\n'\n",
        "printf '5\\t1\\t1\\t1\\t2\\t1\\t100\\t200\\t400\\t40\\t80\\t2023年6月15日\\n'\n",
    );
    let p = d.join("tesseract");
    std::fs::write(&p, script).unwrap();
    std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o755)).unwrap();
    d
}

#[cfg(unix)]
#[test]
fn a_scan_read_by_ocr_gives_its_pages_with_a_confidence() {
    let dir = tesseract_dir("auto");
    let path = std::env::join_paths([dir.as_path(), Path::new("/usr/bin"), Path::new("/bin")]).unwrap();
    let run = |format: &str| {
        bin()
            .args(["text", "--ocr", "auto", "--format", format])
            .arg(scan("acceptance-opinion-scan.pdf"))
            .env("PATH", &path)
            .env("PINGSHEN_OCR_ENGINE", "tesseract")
            .output()
            .unwrap()
    };
    let o = run("json");
    assert_eq!(code(&o), 0, "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(o.stdout, run("json").stdout);
    let l: Value = serde_json::from_str(stdout(&o).trim_end()).unwrap();
    assert_eq!(l["readable"], true);
    assert_eq!(l["reason"], Value::Null);
    assert_eq!(
        l["pages"],
        json!([{"page": 1, "read_by": "ocr", "confidence": 85.0, "lines": ["竣工验收意见", "2023年6月15日"],
                "line_confidence": [90.0, 80.0], "engine": "tesseract", "rotation": 0}])
    );

    let text = stdout(&run("text"));
    let name = scan("acceptance-opinion-scan.pdf").display().to_string();
    assert_eq!(
        text,
        format!(
            "== {name} — page 1 (ocr tesseract, confidence 85)\n[OCR 90.0] 竣工验收意见\n[OCR 80.0] 2023年6月15日\n"
        )
    );

    // With --ocr off the stand-in is there but not asked.
    let o = bin()
        .args(["text", "--ocr", "off", "--format", "json"])
        .arg(scan("acceptance-opinion-scan.pdf"))
        .env("PATH", &path)
        .output()
        .unwrap();
    assert_eq!(code(&o), 1);
    let l: Value = serde_json::from_str(stdout(&o).trim_end()).unwrap();
    assert_eq!(l["reason"], "no text layer: the pages are scanned images");
}

#[test]
fn ocr_require_without_an_engine_is_a_usage_error() {
    let empty = tmpdir("no-tesseract");
    let o = bin()
        .args(["text", "--ocr", "require"])
        .arg(scan("acceptance-opinion-scan.pdf"))
        .env("PATH", &empty)
        .env("PINGSHEN_OCR_DIR", &empty)
        .output()
        .unwrap();
    assert_eq!(code(&o), 2);
    assert!(o.stdout.is_empty());
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("--ocr require") && err.contains("tesseract is not installed"),
        "{err}"
    );
}

#[test]
fn the_text_format_shows_a_header_per_page() {
    let d = tmpdir("text-format");
    let p = write(&d, "two.pdf", &two_page_pdf(&["First page"], &["Second page"]));
    let o = bin().arg("text").arg(&p).output().unwrap();
    assert_eq!(code(&o), 0);
    let name = p.display().to_string();
    assert_eq!(
        stdout(&o),
        format!("== {name} — page 1 (text)\nFirst page\n== {name} — page 2 (text)\nSecond page\n")
    );

    let w = write(&d, "opinion.docx", &docx(&["竣工验收意见"]));
    let o = bin().args(["text", "--format", "text"]).arg(&w).output().unwrap();
    assert_eq!(code(&o), 0);
    assert_eq!(stdout(&o), format!("== {} (text)\n竣工验收意见\n", w.display()));

    let o = bin()
        .args(["text", "--ocr", "off"])
        .arg(scan("acceptance-opinion-scan.pdf"))
        .output()
        .unwrap();
    assert_eq!(code(&o), 1);
    assert_eq!(
        stdout(&o),
        format!(
            "== {} — unreadable: no text layer: the pages are scanned images\n",
            scan("acceptance-opinion-scan.pdf").display()
        )
    );
}

#[test]
fn a_package_that_is_not_a_zip_is_one_unreadable_line() {
    let d = tmpdir("not-zip");
    let p = write(&d, "package.zip", &support::rar_bytes());
    let (rc, lines) = json_lines(&p, &[]);
    assert_eq!(rc, 1);
    assert_eq!(
        lines,
        [json!({
            "file": p.display().to_string(),
            "type": "rar",
            "readable": false,
            "reason": "not a zip archive: the file is a RAR archive",
            "pages": [],
            "sheets": [],
            "annotations": []
        })]
    );
    let e = write(&d, "empty.zip", b"");
    let (rc, lines) = json_lines(&e, &[]);
    assert_eq!(rc, 1);
    assert_eq!(lines[0]["reason"], "the archive is empty (0 B)");
}

#[test]
fn a_path_that_cannot_be_opened_exits_2_naming_it() {
    let d = tmpdir("missing");
    let missing = d.join("没有这个文件.pdf");
    let o = bin().arg("text").arg(&missing).output().unwrap();
    assert_eq!(code(&o), 2);
    assert!(o.stdout.is_empty());
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains(&missing.display().to_string()), "{err}");

    let o = bin().arg("text").arg(&d).output().unwrap();
    assert_eq!(code(&o), 2);
    assert!(String::from_utf8_lossy(&o.stderr).contains("not a file"));

    let o = bin().args(["text", "--format", "yaml"]).arg(&missing).output().unwrap();
    assert_eq!(code(&o), 2, "a usage error");
}
