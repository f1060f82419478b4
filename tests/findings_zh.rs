//! The reviewer reads Chinese: every finding's `messages.zh` is Chinese throughout, and
//! `messages.en` is the English `message` (schema 1.1, SPEC §9).
//!
//! The findings come from every package of `fixtures/` (each zip reviewed as it is, each other
//! file put into a complete package as itself and in place of a material), the hostile corpus
//! of `tests/hostile.rs`, packages made to raise the other codes (bad basic-info values, limits,
//! budgets, duplicate and unsupported entries, …), the failures of a worker and the CLI without
//! an OCR engine. A Chinese message may hold Latin letters only where they are not words of a
//! sentence: the file, sheet, cell and cell text the finding points at; the archive's entry
//! names; cell references; format, unit and engine names; the CLI's flags.

mod support;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use pingshen::finding::{Code, Finding};
use pingshen::schema::StageId;
use pingshen::verdict::Verdict;
use pingshen::worker::Failure;
use pingshen::{review, review_path, OcrMode, Options, Reviewer};
use support::hostile::{self as h, RawEntry};
use support::packages::replace_file;
use support::{
    basic_info_xlsx, docx, pdf, pdf_blank, pdf_image_only, pdf_unmapped, stage_basic_info, stage_files, table_xlsx,
    text_row, zip_files, Naming, TableSheet,
};

/// Latin words a Chinese message may hold anywhere: names of formats (archives, documents,
/// tables, images), of compression methods, of units, of the OCR engine and of a standard (GB).
const NAMES: &[&str] = &[
    "PDF",
    "pdf",
    "OFD",
    "ofd",
    "zip",
    "ZIP",
    "RAR",
    "7z",
    "tar",
    "gzip",
    "bzip2",
    "xz",
    "lzma",
    "zstd",
    "deflate64",
    "ppmd",
    "aes",
    "OLE",
    "doc",
    "docx",
    "wps",
    "et",
    "xls",
    "xlsx",
    "ods",
    "csv",
    "txt",
    "PNG",
    "JPEG",
    "GIF",
    "BMP",
    "TIFF",
    "WebP",
    "B",
    "KiB",
    "MiB",
    "GiB",
    "TiB",
    "PiB",
    "EiB",
    "OCR",
    "GB",
];

/// Command-line flags (with their value where a message names one) a Chinese message may quote.
const FLAGS: &[&str] = &["--ocr require", "--stage", "--timeout", "--max-memory"];

/// The Latin words of `zh` once `allowed` strings (file names, cell text, …) and [`FLAGS`] are
/// taken out, other than [`NAMES`] and cell references (`B14`).
fn latin_words(zh: &str, allowed: &BTreeSet<String>) -> Vec<String> {
    let mut rest = zh.to_string();
    // Longest first, so that a path is taken out before its base name.
    let mut cut: Vec<&str> = allowed
        .iter()
        .map(String::as_str)
        .chain(FLAGS.iter().copied())
        .collect();
    cut.sort_by_key(|s| std::cmp::Reverse(s.len()));
    for s in cut.into_iter().filter(|s| !s.is_empty()) {
        rest = rest.replace(s, " ");
    }
    let is_cell = |w: &str| {
        let letters = w.chars().take_while(char::is_ascii_uppercase).count();
        (1..=3).contains(&letters) && w.len() > letters && w[letters..].chars().all(|c| c.is_ascii_digit())
    };
    let mut words = Vec::new();
    let mut cur = String::new();
    for c in rest.chars().chain(std::iter::once(' ')) {
        if c.is_ascii_alphanumeric() || c == '_' {
            cur.push(c);
            continue;
        }
        let word = std::mem::take(&mut cur);
        let numeric = word.chars().all(|c| c.is_ascii_digit());
        if !word.is_empty() && !numeric && !NAMES.contains(&word.as_str()) && !is_cell(&word) {
            words.push(word);
        }
    }
    words
}

/// A Chinese character (CJK unified ideograph).
fn has_han(s: &str) -> bool {
    s.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
}

/// The names of the archive's entries as the zip reader gives them (none when it cannot read
/// the archive): a package-level finding may name them.
fn entry_names(bytes: &[u8]) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    if let Ok(zip) = zip::ZipArchive::new(std::io::Cursor::new(bytes)) {
        for name in zip.file_names().filter_map(Result::ok) {
            out.insert(name.to_string());
            out.insert(name.replace('\\', "/"));
        }
    }
    out
}

/// Collects the findings of verdicts and checks each against its allowance.
#[derive(Default)]
struct Seen {
    findings: usize,
    codes: BTreeSet<&'static str>,
    problems: Vec<String>,
}

impl Seen {
    /// Checks one finding; `extra` are strings the package itself puts into messages (entry
    /// names, the archive's path).
    fn finding(&mut self, what: &str, f: &Finding, extra: &BTreeSet<String>) {
        self.findings += 1;
        self.codes.insert(f.code.as_str());
        let zh = &f.messages.zh;
        if f.messages.en != f.message {
            self.problems.push(format!(
                "{what}: {} en {:?} ≠ message {:?}",
                f.code.as_str(),
                f.messages.en,
                f.message
            ));
        }
        if !has_han(zh) {
            self.problems
                .push(format!("{what}: {} zh has no Chinese: {zh:?}", f.code.as_str()));
        }
        let mut allowed = extra.clone();
        if let Some(s) = &f.source {
            for v in [&s.file, &s.sheet, &s.cell, &s.text].into_iter().flatten() {
                allowed.insert(v.clone());
                allowed.insert(v.rsplit('/').next().unwrap_or(v).to_string());
            }
        }
        let bad = latin_words(zh, &allowed);
        if !bad.is_empty() {
            self.problems
                .push(format!("{what}: {} zh {zh:?} holds {bad:?}", f.code.as_str()));
        }
    }

    fn verdict(&mut self, what: &str, v: &Verdict, bytes: &[u8]) {
        let mut extra = entry_names(bytes);
        extra.insert(v.package.file.clone());
        extra.extend(v.files.iter().map(|f| f.path.clone()));
        // The same through JSON, as a reader of the verdict file gets it.
        let back: Verdict = serde_json::from_str(&pingshen::to_json(v)).expect("a verdict reads back");
        for (f, b) in v.findings.iter().zip(&back.findings) {
            assert_eq!(f, b, "{what}: the finding reads back the same");
            self.finding(what, f, &extra);
        }
    }
}

fn reviewer() -> Reviewer {
    Reviewer::embedded().expect("embedded schemas")
}

fn options(stage: Option<StageId>, ocr: OcrMode) -> Options {
    Options { stage, ocr }
}

fn fixture_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.expect("a folder entry").path())
        .collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            fixture_files(&p, out);
        } else {
            out.push(p);
        }
    }
}

/// A commissioning package with its basic-info rows changed (`None` removes a row).
fn with_basic_info(changes: &[(&str, Option<&str>)]) -> Vec<(String, Vec<u8>)> {
    let mut rows = stage_basic_info("commissioning");
    for (label, value) in changes {
        rows.retain(|(l, _)| l != label);
        if let Some(v) = value {
            rows.push((label, v));
        }
    }
    let mut files = stage_files("commissioning", Naming::Plain);
    replace_file(&mut files, "基本情况表", basic_info_xlsx(&rows));
    files
}

/// Packages made to raise the codes the fixtures and the hostile corpus do not.
fn crafted() -> Vec<(String, Vec<u8>, Reviewer, Options)> {
    let auto = options(None, OcrMode::Auto);
    let mut out: Vec<(String, Vec<u8>, Reviewer, Options)> = Vec::new();
    let mut add = |name: &str, bytes: Vec<u8>, r: Reviewer, o: Options| out.push((name.to_string(), bytes, r, o));

    // Basic-info values of every type that cannot be read, an invalid credit code, an unknown
    // stage, an impossible date, a missing required field, an amount that disagrees.
    let bad = with_basic_info(&[
        ("项目类型", Some("翻新 maybe")),
        ("申报日期", Some("2021年2月30日")),
        ("投入使用批复日期", Some("someday")),
        ("是否涉密", Some("perhaps")),
        ("评价年度", Some("next year")),
        ("项目金额", Some("1.00")),
        ("交钥匙率", Some("most")),
        ("统一社会信用代码", Some("91110000MA01ABCD1X")),
        ("申报单位", None),
    ]);
    add("bad-basic-info.zip", zip_files(&bad), reviewer(), auto);
    let unknown_stage = with_basic_info(&[("申报阶段", Some("中期检查 check"))]);
    add("unknown-stage.zip", zip_files(&unknown_stage), reviewer(), auto);
    add(
        "stage-conflict.zip",
        zip_files(&stage_files("commissioning", Naming::Plain)),
        reviewer(),
        options(Some(StageId::Review), OcrMode::Auto),
    );
    // No basic-info label at all; a workbook that is no table.
    let mut files = stage_files("commissioning", Naming::Plain);
    replace_file(
        &mut files,
        "基本情况表",
        support::xlsx(&[("Sheet1", vec![text_row(&["hello", "world"])])]),
    );
    add("no-labels.zip", zip_files(&files), reviewer(), auto);
    // Materials: ambiguous, unmatched, wrong format, extension mismatch, a table without headers,
    // data-directory values outside their vocabulary, scans and unmapped text.
    let mut files = stage_files("commissioning", Naming::Plain);
    files.retain(|(p, _)| !p.contains("初步验收") && !p.contains("竣工验收"));
    files.push(("申报材料/初验终验意见.docx".into(), docx(&["初验及终验意见"])));
    files.push(("申报材料/readme notes.txt".into(), b"some notes".to_vec()));
    files.push(("申报材料/scan.pdf".into(), pdf_image_only()));
    files.push(("申报材料/blank.pdf".into(), pdf_blank()));
    files.push(("申报材料/unmapped.pdf".into(), pdf_unmapped(200)));
    files.push(("申报材料/a docx really.pdf".into(), docx(&["hello"])));
    files.push(("申报材料/legacy.doc".into(), support::ole_doc_bytes()));
    replace_file(&mut files, "数据目录", pdf(&["验收项目数据目录"]));
    replace_file(
        &mut files,
        "对比表",
        support::xlsx(&[("Sheet1", vec![text_row(&["内容", "金额"]), text_row(&["甲", "1"])])]),
    );
    add(
        "materials.zip",
        zip_files(&files),
        reviewer(),
        options(None, OcrMode::Off),
    );
    let systems = TableSheet::new(
        "系统目录",
        Some("信息系统目录"),
        &["系统名称", "是否入云", "是否上链", "是否更新", "是否确权", "运行状态"],
        vec![text_row(&["甲系统", "unknown", "是", "是", "是", "running"])],
    );
    let data = TableSheet::new(
        "数据目录",
        Some("数据资源目录"),
        &[
            "信息资源名称",
            "所属系统",
            "信息项名称",
            "更新周期",
            "共享属性",
            "开放属性",
            "汇聚状态",
        ],
        vec![text_row(&[
            "法人信息",
            "甲系统",
            "名称",
            "sometimes",
            "shared",
            "open",
            "done",
        ])],
    );
    let mut files = stage_files("commissioning", Naming::Plain);
    replace_file(&mut files, "数据目录", table_xlsx(&[systems, data]));
    add("data-directory.zip", zip_files(&files), reviewer(), auto);
    // Scans needing OCR beside an impossible date in a document.
    let mut files = stage_files("commissioning", Naming::Plain);
    replace_file(
        &mut files,
        "竣工验收意见",
        pdf(&["项目竣工验收意见", "验收日期：2021年2月30日", "同意通过验收"]),
    );
    add("bad-date-in-document.zip", zip_files(&files), reviewer(), auto);

    // The archive: duplicate names, unsupported compression, double zip, limits and budgets.
    let base = stage_files("performance", Naming::Plain);
    let mut zb = support::zip_builder_with(&base);
    zb.file("申报材料/说明.txt", "说明".as_bytes())
        .file("申报材料/说明.txt", "说明二".as_bytes())
        .file("申报材料\\附件.txt", "附件".as_bytes())
        .file("申报材料/附件.txt", "附件".as_bytes())
        .file("/etc/passwd", b"x")
        .file("C:/boot.ini", b"x");
    add("duplicates.zip", zb.finish(), reviewer(), auto);
    let mut raw: Vec<RawEntry> = base.iter().map(|(p, d)| RawEntry::deflated(p, d)).collect();
    for (name, method) in [
        ("申报材料/bz.txt", 12u16),
        ("申报材料/odd.txt", 77),
        ("申报材料/lz.txt", 14),
    ] {
        let mut e = RawEntry::stored(name, b"data");
        e.method = method;
        raw.push(e);
    }
    let mut short = RawEntry::stored("申报材料/short.txt", b"data");
    short.size = 9;
    raw.push(short);
    add("raw-entries.zip", h::raw_zip(&raw), reviewer(), auto);
    let limits = |f: &dyn Fn(&mut pingshen::archive::Limits)| {
        let mut r = reviewer();
        f(&mut r.schemas.limits);
        r
    };
    let pkg = zip_files(&base);
    add("max-entries.zip", pkg.clone(), limits(&|l| l.max_entries = 3), auto);
    add(
        "max-total.zip",
        pkg.clone(),
        limits(&|l| l.max_total_uncompressed = 5000),
        auto,
    );
    add(
        "max-entry.zip",
        pkg.clone(),
        limits(&|l| l.max_entry_uncompressed = 2000),
        auto,
    );
    add("max-ratio.zip", pkg.clone(), limits(&|l| l.max_ratio = 2), auto);
    add(
        "max-archive.zip",
        pkg.clone(),
        limits(&|l| l.max_archive_bytes = 1000),
        auto,
    );
    add(
        "over-budget.zip",
        pkg.clone(),
        limits(&|l| l.max_file_bytes = 2000),
        auto,
    );
    add("over-held.zip", pkg, limits(&|l| l.max_held_bytes = 6000), auto);
    // Not a zip, of each kind; nothing of any stage.
    for (name, bytes) in [
        ("rar.zip", support::rar_bytes()),
        ("7z.zip", support::sevenz_bytes()),
        ("gzip.zip", support::gzip_bytes()),
        ("tar.zip", support::tar_bytes()),
        ("pdf.zip", pdf(&["hello"])),
        ("ole.zip", support::ole_doc_bytes()),
        ("png.zip", b"\x89PNG\r\n\x1a\n0000".to_vec()),
        ("text.zip", b"just some text".to_vec()),
        ("empty.zip", Vec::new()),
        (
            "nothing.zip",
            zip_files(&[("x/说明.txt".into(), "说明".as_bytes().to_vec())]),
        ),
    ] {
        add(name, bytes, reviewer(), auto);
    }
    out
}

#[test]
fn every_finding_speaks_chinese_throughout() {
    let mut seen = Seen::default();
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    let mut paths = Vec::new();
    fixture_files(&root, &mut paths);
    let base = stage_files("commissioning", Naming::Plain);
    for p in &paths {
        let bytes = std::fs::read(p).expect("a fixture");
        let name = p
            .file_name()
            .and_then(|n| n.to_str())
            .expect("a UTF-8 name")
            .to_string();
        let ext = name.rsplit_once('.').map_or("", |(_, e)| e);
        if matches!(ext, "md" | "tsv" | "json" | "py") {
            continue;
        }
        if ext == "zip" {
            let v = review(&name, &bytes, &reviewer(), &Options::default());
            seen.verdict(&name, &v, &bytes);
            continue;
        }
        // Any other fixture, as a file of its own and as the acceptance opinion.
        let mut files = base.clone();
        files.push((format!("申报材料/{name}"), bytes.clone()));
        let pkg = zip_files(&files);
        seen.verdict(&name, &review("x.zip", &pkg, &reviewer(), &Options::default()), &pkg);
        let mut files = base.clone();
        let f = files
            .iter_mut()
            .find(|(p, _)| p.contains("竣工验收意见"))
            .expect("acceptance");
        f.0 = format!("申报材料/项目竣工验收意见.{ext}");
        f.1 = bytes;
        let pkg = zip_files(&files);
        for ocr in [OcrMode::Auto, OcrMode::Off] {
            let v = review("投入使用.zip", &pkg, &reviewer(), &options(None, ocr));
            seen.verdict(&name, &v, &pkg);
        }
    }
    for (name, bytes) in h::corpus() {
        let v = review(&name, &bytes, &reviewer(), &Options::default());
        seen.verdict(&name, &v, &bytes);
    }
    for (name, bytes, r, o) in crafted() {
        let v = review(&name, &bytes, &r, &o);
        seen.verdict(&name, &v, &bytes);
    }
    // From a path: past max_archive_bytes before it is read, and a file that is not there.
    let dir = support::tmpdir("findings-zh");
    let path = support::write_file(&dir, "package.zip", &zip_files(&base));
    let mut small = reviewer();
    small.schemas.limits.max_archive_bytes = 1000;
    for (p, r) in [(path.clone(), small), (dir.join("missing.zip"), reviewer())] {
        let v = review_path(&p, &r, &Options::default());
        let extra = BTreeSet::from([p.display().to_string()]);
        for f in &v.findings {
            seen.finding("path", f, &extra);
        }
    }
    // A worker's failures, with the English accounts the supervisor gives of them.
    for failure in [
        Failure::Timeout(std::time::Duration::from_secs(30)),
        Failure::OutOfMemory(
            "killed by signal 6 (SIGABRT); it said: memory allocation of 8589934592 bytes failed".into(),
        ),
        Failure::Crashed("killed by signal 11 (SIGSEGV)".into()),
        Failure::Crashed(
            "exited with status 101 before answering; it said: thread 'main' panicked at src/x.rs:1:2: boom".into(),
        ),
        Failure::Crashed(
            "exited with status 134 before answering; it said: fatal runtime error: stack overflow".into(),
        ),
        Failure::Crashed("exited with status 3 before answering".into()),
        Failure::Crashed("cannot start /usr/bin/pingshen: No such file or directory".into()),
        Failure::Crashed("no worker".into()),
        Failure::Crashed("worker pool poisoned".into()),
        Failure::Crashed("ended without a status".into()),
        Failure::Cancelled,
    ] {
        seen.finding("worker", &failure.finding(), &BTreeSet::new());
    }
    // The CLI without an OCR engine: `--ocr auto` and `--ocr require`.
    let mut files = base.clone();
    let scan = std::fs::read(root.join("scans/acceptance-opinion-scan.pdf")).expect("the scan fixture");
    let f = files
        .iter_mut()
        .find(|(p, _)| p.contains("竣工验收意见"))
        .expect("acceptance");
    f.0 = "申报材料/项目竣工验收意见.pdf".into();
    f.1 = scan;
    let pkg = support::write_file(&dir, "投入使用申请.zip", &zip_files(&files));
    let empty = dir.join("empty-path");
    std::fs::create_dir_all(&empty).expect("a folder");
    for mode in ["auto", "require"] {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_pingshen"))
            .args(["check", "--stage", "commissioning", "--format", "json", "--ocr", mode])
            .arg(&pkg)
            .env("PATH", &empty)
            .env("PINGSHEN_OCR_DIR", &empty)
            .output()
            .expect("pingshen runs");
        let v: Verdict = serde_json::from_slice(&out.stdout)
            .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stderr)));
        let extra: BTreeSet<String> = v.files.iter().map(|f| f.path.clone()).collect();
        for f in &v.findings {
            seen.finding(mode, f, &extra);
        }
    }

    assert!(
        seen.problems.is_empty(),
        "{} of {} findings:\n{}",
        seen.problems.len(),
        seen.findings,
        seen.problems.join("\n")
    );
    // Every code was seen but the one no input can raise (an internal error is a panic caught).
    let unseen: Vec<&str> = Code::ALL
        .iter()
        .map(|c| c.as_str())
        .filter(|c| !seen.codes.contains(c) && *c != "package.internal_error")
        .collect();
    assert!(unseen.is_empty(), "codes no package raised: {unseen:?}");
    eprintln!("{} findings of {} codes checked", seen.findings, seen.codes.len());
}

#[test]
fn latin_words_are_found_and_the_allowed_ones_are_not() {
    let none = BTreeSet::new();
    assert_eq!(latin_words("缺少 warranty_months 的值", &none), ["warranty_months"]);
    assert_eq!(
        latin_words("条目无法读取（invalid checksum）", &none),
        ["invalid", "checksum"]
    );
    assert_eq!(latin_words("按命令行 --stage review 审查", &none), ["review"]);
    assert!(latin_words(
        "文件大小 300 MiB，超出 256 MiB；PDF 文档；单元格 B14；OCR；7z 压缩包",
        &none
    )
    .is_empty());
    assert!(latin_words("指定了 --ocr require，超时（--timeout）", &none).is_empty());
    let file = BTreeSet::from(["申报材料/readme notes.txt".to_string()]);
    assert!(latin_words("条目名称不安全：申报材料/readme notes.txt", &file).is_empty());
    assert_eq!(
        latin_words("条目名称不安全：other notes.txt", &file),
        ["other", "notes"]
    );
}

#[test]
fn a_finding_written_before_messages_existed_reads_back() {
    let json = r#"{"code":"file.unreadable","severity":"info","message":"text cannot be read: encrypted","source":{"file":"a.pdf"}}"#;
    let f: Finding = serde_json::from_str(json).expect("a schema 1 finding");
    assert_eq!(f.messages.en, f.message);
    assert_eq!(f.messages.zh, f.message);
    let new = Finding::new(Code::FileUnreadable, "文件已加密", "encrypted").in_file("a.pdf");
    let json = serde_json::to_string(&new).expect("serializes");
    assert_eq!(
        json,
        r#"{"code":"file.unreadable","severity":"info","message":"encrypted","messages":{"zh":"文件已加密","en":"encrypted"},"source":{"file":"a.pdf"}}"#
    );
    assert_eq!(serde_json::from_str::<Finding>(&json).expect("reads back"), new);
}
