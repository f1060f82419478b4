//! Intake, materials and completeness over generated packages (issue: the first whole slice).
//! Every input is built in code by `tests/support`; nothing here reads `../shared`.

mod support;

use pingshen::archive::Limits;
use pingshen::finding::{Code, Severity};
use pingshen::schema::StageId;
use pingshen::verdict::{CheckStatus, MatchedBy, Presence, StageSource, Verdict, VerdictKind};
use pingshen::{review, Options, Reviewer};
use support::packages::{
    basic_info_xls, basic_info_xlsx, basic_info_xlsx_two_row, stage_basic_info, stage_entries, stage_files,
    stage_package, zip_builder_with, zip_files, zip_files_gbk, Naming, STAGES,
};
use support::{docx, EntryOpts, ZipBuilder};

fn reviewer() -> Reviewer {
    Reviewer::embedded().expect("embedded schemas")
}

fn run(name: &str, bytes: &[u8]) -> Verdict {
    review(name, bytes, &reviewer(), &Options::default())
}

fn run_with_limits(bytes: &[u8], limits: Limits) -> Verdict {
    let mut r = reviewer();
    r.schemas.limits = limits;
    review("x.zip", bytes, &r, &Options::default())
}

fn status(v: &Verdict, id: &str) -> Presence {
    v.materials
        .iter()
        .find(|m| m.id == id)
        .unwrap_or_else(|| panic!("no material {id}"))
        .status
}

fn required(v: &Verdict, id: &str) -> bool {
    v.materials
        .iter()
        .find(|m| m.id == id)
        .unwrap_or_else(|| panic!("no material {id}"))
        .required
}

fn missing(v: &Verdict) -> Vec<&str> {
    v.materials
        .iter()
        .filter(|m| m.status == Presence::Missing)
        .map(|m| m.id.as_str())
        .collect()
}

fn codes(v: &Verdict) -> Vec<&'static str> {
    v.findings.iter().map(|f| f.code.as_str()).collect()
}

fn stage_id(s: &str) -> StageId {
    StageId::parse(s).unwrap()
}

/// Replaces one basic-info row's value (or drops the row with `None`) and rebuilds the package.
fn with_basic_info(stage: &str, changes: &[(&str, Option<&str>)]) -> Vec<(String, Vec<u8>)> {
    let mut rows: Vec<(&str, &str)> = stage_basic_info(stage);
    for (label, value) in changes {
        rows.retain(|(l, _)| l != label);
        if let Some(v) = value {
            rows.push((label, v));
        }
    }
    let mut files = stage_files(stage, Naming::Plain);
    let basic = files
        .iter_mut()
        .find(|(p, _)| p.contains("基本情况表"))
        .expect("basic info file");
    basic.1 = basic_info_xlsx(&rows);
    files
}

#[test]
fn every_material_of_every_stage_is_found_under_every_naming() {
    for stage in STAGES {
        for naming in Naming::ALL {
            let v = run("pkg.zip", &stage_package(stage, naming));
            assert_eq!(v.stage, Some(stage_id(stage)), "{stage} {naming:?}");
            assert_eq!(v.stage_source, Some(StageSource::BasicInfo));
            assert!(missing(&v).is_empty(), "{stage} {naming:?}: missing {:?}", missing(&v));
            for f in stage_entries(stage, naming) {
                let report = v.files.iter().find(|r| r.path == f.path).expect("file listed");
                assert_eq!(report.materials, [f.material], "{stage} {naming:?} {}", f.path);
                assert_eq!(report.matched_by, Some(MatchedBy::Name));
            }
            assert!(
                !codes(&v).contains(&"material.unmatched"),
                "{stage} {naming:?}: {:?}",
                codes(&v)
            );
            // The generated packages satisfy every check of their stage.
            let open: Vec<_> = v
                .checks
                .iter()
                .filter(|c| {
                    !matches!(
                        c.status,
                        CheckStatus::Satisfied | CheckStatus::NotApplicable | CheckStatus::Manual
                    )
                })
                .map(|c| (&c.id, c.status, &c.message.en))
                .collect();
            assert_eq!(
                v.verdict,
                VerdictKind::Pass,
                "{stage} {naming:?}: {open:?} {:?}",
                v.findings
            );
        }
    }
}

#[test]
fn a_missing_required_material_makes_the_package_incomplete() {
    let files: Vec<_> = stage_files("commissioning", Naming::Numbered)
        .into_iter()
        .filter(|(p, _)| !p.contains("运维方案"))
        .collect();
    let v = run("x.zip", &zip_files(&files));
    assert_eq!(missing(&v), ["om_plan"]);
    assert_eq!(v.verdict, VerdictKind::Incomplete);
}

#[test]
fn gbk_names_without_the_utf8_flag_decode_and_match() {
    let v = run("x.zip", &zip_files_gbk(&stage_files("commissioning", Naming::Numbered)));
    assert_eq!(v.package.name_encoding, Some("gb18030"));
    assert!(missing(&v).is_empty(), "{:?}", missing(&v));
    assert!(v
        .files
        .iter()
        .any(|f| f.path.ends_with("项目竣工验收意见.docx") || f.path.contains("竣工验收")));
}

#[test]
fn flagged_utf8_and_gbk_names_in_one_archive_are_mixed() {
    let files = stage_files("performance", Naming::Plain);
    let mut zb = ZipBuilder::new();
    for (i, (path, data)) in files.iter().enumerate() {
        if i % 2 == 0 {
            zb.file(path, data);
        } else {
            zb.file_gbk(path, data);
        }
    }
    let v = run("x.zip", &zb.finish());
    assert_eq!(v.package.name_encoding, Some("mixed"));
    assert!(missing(&v).is_empty(), "{:?}", missing(&v));
}

#[test]
fn a_zip_inside_a_zip_is_unwrapped_once() {
    let inner = stage_package("review", Naming::Plain);
    let mut zb = ZipBuilder::new();
    zb.file("申报材料.zip", &inner);
    zb.file("__MACOSX/._申报材料.zip", b"junk");
    let v = run("outer.zip", &zb.finish());
    assert_eq!(v.package.unwrapped.as_deref(), Some("申报材料.zip"));
    assert_eq!(v.stage, Some(StageId::Review));
    assert!(missing(&v).is_empty());
    assert!(codes(&v).contains(&"package.double_zip"));

    // Twice wrapped: only one level is unwrapped; the inner-inner zip is a plain file.
    let mut zb2 = ZipBuilder::new();
    zb2.file("外层.zip", &{
        let mut z = ZipBuilder::new();
        z.file("申报材料.zip", &inner);
        z.finish()
    });
    let v2 = run("outer2.zip", &zb2.finish());
    assert_eq!(v2.package.unwrapped.as_deref(), Some("外层.zip"));
    assert_eq!(v2.files.len(), 1, "the inner-inner zip stays one file");
    assert_eq!(v2.files[0].kind, "zip");
    assert!(!v2.files[0].readable);
    assert_eq!(v2.verdict, VerdictKind::Error, "a lone zip decides no stage");
}

#[test]
fn junk_entries_are_ignored_and_listed() {
    let mut zb = zip_builder_with(&stage_files("addition", Naming::Plain));
    zb.file("申报材料/.DS_Store", b"x")
        .file("__MACOSX/申报材料/._a.docx", b"x")
        .file("申报材料/~$项目追加申请.docx", b"x");
    zb.file("申报材料/Thumbs.db", b"x");
    let v = run("x.zip", &zb.finish());
    assert_eq!(v.package.ignored.len(), 4, "{:?}", v.package.ignored);
    assert!(v
        .files
        .iter()
        .all(|f| !f.path.contains("__MACOSX") && !f.path.contains("~$")));
    assert!(!codes(&v).contains(&"material.unmatched"));
}

#[test]
fn unsafe_entry_names_are_reported_and_ignored() {
    for bad in [
        "../../etc/passwd",
        "/etc/shadow",
        "C:\\Windows\\x.docx",
        "a/../../b.docx",
    ] {
        let mut zb = zip_builder_with(&stage_files("performance", Naming::Plain));
        zb.file(bad, b"x");
        let v = run("x.zip", &zb.finish());
        let f = v
            .findings
            .iter()
            .find(|f| f.code == Code::PackageUnsafeEntryName)
            .expect(bad);
        assert_eq!(f.severity, Severity::Warning);
        assert!(
            v.files
                .iter()
                .all(|f| !f.path.contains("..") && !f.path.starts_with('/')),
            "{bad}"
        );
        assert_eq!(v.verdict, VerdictKind::NeedsReview, "a warning needs review: {bad}");
    }
}

#[test]
fn an_encrypted_entry_is_unreadable_and_the_rest_proceeds() {
    let files = stage_files("performance", Naming::Plain);
    let mut zb = ZipBuilder::new();
    for (path, data) in &files {
        if path.contains("进展情况表") {
            zb.file_raw(
                path.as_bytes(),
                data,
                EntryOpts {
                    utf8_flag: true,
                    encrypted_flag: true,
                    ..EntryOpts::default()
                },
            );
        } else {
            zb.file(path, data);
        }
    }
    let v = run("x.zip", &zb.finish());
    assert_eq!(status(&v, "progress_table"), Presence::Unreadable);
    assert_eq!(status(&v, "project_performance_report"), Presence::Present);
    assert_eq!(v.verdict, VerdictKind::NeedsReview);
}

#[test]
fn non_zip_inputs_are_errors_naming_the_format() {
    for (bytes, word) in [
        (support::rar_bytes(), "RAR"),
        (support::sevenz_bytes(), "7z"),
        (support::gzip_bytes(), "gzip"),
        (support::tar_bytes(), "tar"),
        (support::pdf(&["hello"]), "PDF"),
        (support::ole_doc_bytes(), "OLE"),
    ] {
        let v = run("x.zip", &bytes);
        assert_eq!(v.verdict, VerdictKind::Error, "{word}");
        let f = v.findings.iter().find(|f| f.code == Code::PackageNotZip).expect(word);
        assert!(f.message.contains(word), "{word}: {}", f.message);
        assert_eq!(v.package.sha256.len(), 64);
    }
    let empty = run("x.zip", b"");
    assert_eq!(empty.verdict, VerdictKind::Error);
    assert_eq!(codes(&empty), ["package.empty"]);
    let whole = stage_package("plan", Naming::Plain);
    let truncated = run("x.zip", &whole[..whole.len() / 2]);
    assert_eq!(truncated.verdict, VerdictKind::Error);
    assert_eq!(codes(&truncated), ["package.corrupt"]);
}

#[test]
fn every_limit_gives_an_error_naming_it() {
    let pkg = stage_package("performance", Naming::Plain);
    let base = Limits::default();
    let cases = [
        (
            "max_archive_bytes",
            Limits {
                max_archive_bytes: pkg.len() as u64 - 1,
                ..base.clone()
            },
        ),
        (
            "max_entries",
            Limits {
                max_entries: 3,
                ..base.clone()
            },
        ),
        (
            "max_entry_uncompressed",
            Limits {
                max_entry_uncompressed: 1000,
                ..base.clone()
            },
        ),
        (
            "max_total_uncompressed",
            Limits {
                max_total_uncompressed: 8000,
                ..base.clone()
            },
        ),
        (
            "max_ratio",
            Limits {
                max_ratio: 1,
                ..base.clone()
            },
        ),
    ];
    for (name, limits) in cases {
        let v = run_with_limits(&pkg, limits);
        assert_eq!(v.verdict, VerdictKind::Error, "{name}");
        let f = v
            .findings
            .iter()
            .find(|f| f.code == Code::PackageLimitExceeded)
            .expect(name);
        assert!(f.message.contains(name), "{name}: {}", f.message);
    }
    // The defaults let a normal package through.
    assert_ne!(run_with_limits(&pkg, base).verdict, VerdictKind::Error);
}

#[test]
fn a_lying_size_never_inflates_past_the_declared_size() {
    // Declares 100 bytes, inflates to 2 MB of zeros: the entry is corrupt, nothing else breaks.
    let zeros = vec![0u8; 2 << 20];
    let mut zb = zip_builder_with(&stage_files("performance", Naming::Plain));
    zb.file_raw(
        "申报材料/附件.docx".as_bytes(),
        &zeros,
        EntryOpts {
            utf8_flag: true,
            deflate: true,
            declared_size: Some(100),
            ..EntryOpts::default()
        },
    );
    let v = run("x.zip", &zb.finish());
    let f = v.files.iter().find(|f| f.path.ends_with("附件.docx")).expect("listed");
    assert!(!f.readable);
    assert!(codes(&v).contains(&"package.corrupt_entry"));
}

#[test]
fn a_file_named_for_nothing_is_matched_by_its_title() {
    let mut files: Vec<_> = stage_files("commissioning", Naming::Plain)
        .into_iter()
        .filter(|(p, _)| !p.contains("竣工验收"))
        .collect();
    files.push((
        "申报材料/附件3.docx".into(),
        docx(&["", "项目竣工验收意见", "专家组同意通过验收。"]),
    ));
    files.push(("申报材料/扫描件.docx".into(), docx(&["会议纪要"])));
    let v = run("x.zip", &zip_files(&files));
    let f = v.files.iter().find(|f| f.path.ends_with("附件3.docx")).unwrap();
    assert_eq!(f.matched_by, Some(MatchedBy::Title));
    assert_eq!(f.title.as_deref(), Some("项目竣工验收意见"));
    assert_eq!(status(&v, "final_acceptance"), Presence::Present);
    let other = v.files.iter().find(|f| f.path.ends_with("扫描件.docx")).unwrap();
    assert!(other.materials.is_empty());
    assert!(v.findings.iter().any(|x| x.code == Code::MaterialUnmatched
        && x.source.as_ref().and_then(|s| s.file.as_deref()) == Some("申报材料/扫描件.docx")));
    assert!(missing(&v).is_empty());
}

#[test]
fn exclude_words_and_the_longest_keyword_pick_one_material() {
    let v = run("x.zip", &stage_package("commissioning", Naming::Numbered));
    let of = |needle: &str| -> Vec<String> {
        v.files
            .iter()
            .find(|f| f.path.contains(needle))
            .map(|f| f.materials.clone())
            .unwrap_or_default()
    };
    assert_eq!(of("详细设计说明书").len(), 1);
    assert_eq!(of("项目建设总结报告"), ["construction_summary"]);
    assert_eq!(of("项目总结报告"), ["project_summary"]);
    let mut files = stage_files("commissioning", Naming::Plain);
    files.push((
        "申报材料/数据库详细设计说明书.docx".into(),
        docx(&["数据库详细设计说明书"]),
    ));
    let v = run("x.zip", &zip_files(&files));
    let db = v
        .files
        .iter()
        .find(|f| f.path.ends_with("数据库详细设计说明书.docx"))
        .unwrap();
    assert_eq!(db.materials, ["database_design"]);
}

#[test]
fn equally_long_keywords_are_ambiguous_and_count_for_both() {
    let mut files = stage_files("commissioning", Naming::Plain);
    files.retain(|(p, _)| !p.contains("初步验收") && !p.contains("竣工验收"));
    files.push(("申报材料/初验终验意见.docx".into(), docx(&["初验及终验意见"])));
    let v = run("x.zip", &zip_files(&files));
    let f = v
        .findings
        .iter()
        .find(|f| f.code == Code::MaterialAmbiguous)
        .expect("ambiguous");
    assert_eq!(f.severity, Severity::Warning);
    assert_eq!(status(&v, "preliminary_acceptance"), Presence::Present);
    assert_eq!(status(&v, "final_acceptance"), Presence::Present);
}

#[test]
fn conditional_materials_follow_the_basic_info() {
    // Review, upgrade: 申报书 and 经费表 are required, the proposal is not.
    let v = run(
        "x.zip",
        &zip_files(&with_basic_info("review", &[("项目类型", Some("升级改造"))])),
    );
    assert!(required(&v, "application_form") && required(&v, "expense_table"));
    assert!(!required(&v, "proposal"));
    assert_eq!(missing(&v), ["application_form", "expense_table"]);
    // Review, not within the unit's duties: the authorisation letter is required.
    let v = run(
        "x.zip",
        &zip_files(&with_basic_info("review", &[("是否本单位职责", Some("否"))])),
    );
    assert_eq!(missing(&v), ["authorization_letter"]);
    // Commissioning, classified: 分保测评 and 保密批复 are required, the MLPS materials are not.
    let v = run(
        "x.zip",
        &zip_files(&with_basic_info("commissioning", &[("是否涉密", Some("是"))])),
    );
    assert_eq!(missing(&v), ["classified_test_report", "secrecy_approval"]);
    assert!(!required(&v, "mlps_filing") && !required(&v, "mlps_test_report"));
    // Commissioning, upgrade: no MLPS test report is required (SPEC §4: not classified and 新建).
    let v = run(
        "x.zip",
        &zip_files(&with_basic_info("commissioning", &[("项目类型", Some("升级改造"))])),
    );
    assert!(!required(&v, "mlps_test_report"));
    assert!(required(&v, "mlps_filing"));
}

#[test]
fn a_required_basic_info_field_that_is_absent_makes_the_package_incomplete() {
    let v = run(
        "x.zip",
        &zip_files(&with_basic_info("commissioning", &[("申报单位", None)])),
    );
    assert!(missing(&v).is_empty());
    let f = v
        .findings
        .iter()
        .find(|f| f.code == Code::BasicInfoMissingField)
        .expect("missing field finding");
    assert!(f.message.contains("applicant"));
    assert_eq!(v.verdict, VerdictKind::Incomplete);
}

#[test]
fn the_basic_info_sheet_may_be_xls_or_a_two_row_form() {
    for basic in [
        basic_info_xls(&stage_basic_info("addition")),
        basic_info_xlsx_two_row(&stage_basic_info("addition")),
    ] {
        let mut files = stage_files("addition", Naming::Plain);
        files.iter_mut().find(|(p, _)| p.contains("基本情况表")).unwrap().1 = basic;
        let v = run("x.zip", &zip_files(&files));
        assert_eq!(v.stage_source, Some(StageSource::BasicInfo));
        assert_eq!(v.project.name.as_deref(), Some(support::packages::PROJECT_NAME));
        assert_eq!(
            v.project.submission_date.map(|d| d.to_string()).as_deref(),
            Some("2021-05-10")
        );
    }
}

#[test]
fn stage_order_is_cli_then_sheet_then_archive_name_then_materials() {
    let pkg = stage_package("performance", Naming::Plain);
    let cli = review(
        "x.zip",
        &pkg,
        &reviewer(),
        &Options {
            stage: Some(StageId::Review),
            ..Options::default()
        },
    );
    assert_eq!(
        (cli.stage, cli.stage_source),
        (Some(StageId::Review), Some(StageSource::Cli))
    );
    assert!(codes(&cli).contains(&"stage.conflict"));

    let no_stage_row = zip_files(&with_basic_info("performance", &[("申报阶段", None)]));
    let by_name = run("北京市某局-某系统-投入使用申请.zip", &no_stage_row);
    assert_eq!(
        (by_name.stage, by_name.stage_source),
        (Some(StageId::Commissioning), Some(StageSource::FileName))
    );
    let by_materials = run("x.zip", &no_stage_row);
    assert_eq!(
        (by_materials.stage, by_materials.stage_source),
        (Some(StageId::Performance), Some(StageSource::Materials))
    );

    // No basic info, no stage word, materials that fit no stage better than another: error.
    let v = run("x.zip", &zip_files(&[("a/说明.docx".into(), docx(&["说明"]))]));
    assert_eq!(v.verdict, VerdictKind::Error);
    assert!(codes(&v).contains(&"stage.undecided"));
}

#[test]
fn a_package_without_basic_info_is_incomplete_with_the_stage_from_its_name() {
    let files: Vec<_> = stage_files("addition", Naming::Plain)
        .into_iter()
        .filter(|(p, _)| !p.contains("基本情况表"))
        .collect();
    let v = run("北京市某局-某系统建设项目-项目追加申请.zip", &zip_files(&files));
    assert_eq!(v.stage, Some(StageId::Addition));
    assert_eq!(missing(&v), ["basic_info"]);
    assert_eq!(v.verdict, VerdictKind::Incomplete);
}

#[test]
fn the_same_archive_gives_byte_identical_json() {
    let pkg = stage_package("plan", Naming::FullWidth);
    let a = pingshen::to_json(&run("p.zip", &pkg));
    let b = pingshen::to_json(&run("p.zip", &pkg));
    assert_eq!(a, b);
    // Entry order inside the zip does not change the verdict's lists either.
    let mut files = stage_files("plan", Naming::FullWidth);
    files.reverse();
    let c = pingshen::to_json(&run("p.zip", &zip_files(&files)));
    let strip = |s: &str| {
        s.lines()
            .filter(|l| !l.contains("\"sha256\"") && !l.contains("\"bytes\""))
            .collect::<Vec<_>>()
            .join("\n")
    };
    assert_eq!(strip(&a), strip(&c));
}

#[path = "pdf_writer/mod.rs"]
mod pdf_writer;

/// A one-page PDF drawing `lines` in STSong-Light through UniGB-UCS2-H (no embedded font), the
/// way many Chinese office tools write it.
fn cjk_pdf(lines: &[&str]) -> Vec<u8> {
    let mut doc = pdf_writer::DocBuilder::new(true);
    let font = "<< /Font << /F1 << /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /UniGB-UCS2-H \
                /DescendantFonts [<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light \
                /CIDSystemInfo << /Registry (Adobe) /Ordering (GB1) /Supplement 4 >> /DW 1000 >>] >> >> >>";
    let mut content = String::from("BT /F1 14 Tf\n");
    for (i, line) in lines.iter().enumerate() {
        let hex: String = line.encode_utf16().map(|u| format!("{u:04X}")).collect();
        content.push_str(&format!("1 0 0 1 72 {} Tm <{hex}> Tj\n", 760 - 24 * i as i32));
    }
    content.push_str("ET\n");
    doc.page(font, content.as_bytes());
    doc.finish()
}

#[test]
fn a_pdf_named_for_nothing_is_matched_by_its_title_and_its_fields_are_read() {
    let mut files: Vec<_> = stage_files("commissioning", Naming::Plain)
        .into_iter()
        .filter(|(p, _)| !p.contains("竣工验收"))
        .collect();
    files.push((
        "申报材料/附件7.pdf".into(),
        cjk_pdf(&[
            "政务数据共享交换平台建设项目竣工验收意见",
            "会议日期：2021年3月15日",
            "专家组一致同意该项目通过竣工验收。",
        ]),
    ));
    let v = run("x.zip", &zip_files(&files));
    let f = v.files.iter().find(|f| f.path.ends_with("附件7.pdf")).unwrap();
    assert_eq!(f.matched_by, Some(MatchedBy::Title));
    assert_eq!(f.materials, ["final_acceptance"]);
    assert_eq!(status(&v, "final_acceptance"), Presence::Present);
    let date = &v.fields["final_acceptance_date"];
    assert_eq!(
        date.value,
        pingshen::verdict::Value::Date(pingshen::values::Date::new(2021, 3, 15).unwrap())
    );
    assert_eq!(date.source.file.as_deref(), Some("申报材料/附件7.pdf"));
    assert_eq!(date.source.page, Some(1));
    assert_eq!(
        v.verdict,
        VerdictKind::Pass,
        "{:?}",
        v.checks
            .iter()
            .filter(|c| c.status != CheckStatus::Satisfied)
            .collect::<Vec<_>>()
    );
}

#[test]
fn a_scanned_pdf_is_unreadable_with_a_finding_and_its_checks_undetermined() {
    let mut files = stage_files("commissioning", Naming::Plain);
    files.retain(|(p, _)| !p.contains("质保方案") && !p.contains("保修方案"));
    files.push(("申报材料/保修方案.pdf".into(), support::pdf_image_only()));
    let v = run("x.zip", &zip_files(&files));
    assert_eq!(status(&v, "warranty_plan"), Presence::Unreadable);
    let f = v.files.iter().find(|f| f.path.ends_with("保修方案.pdf")).unwrap();
    assert!(
        f.reason.as_deref().unwrap_or("").contains("no text layer"),
        "{:?}",
        f.reason
    );
    assert!(v.findings.iter().any(|x| x.code == Code::FileUnreadable));
    let rl3 = v.checks.iter().find(|c| c.id == "COMM-RL3").unwrap();
    assert_eq!(rl3.status, CheckStatus::Undetermined);
    assert_eq!(v.verdict, VerdictKind::NeedsReview);
}
