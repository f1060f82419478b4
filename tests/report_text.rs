//! The text report of `pingshen check` as a reviewer reads it, pinned as reviewed snapshots
//! (insta), compact and `--all`; and the evidence marked as deciding a check (`decisive`).

mod support;

use pingshen::report::{render, Style};
use pingshen::verdict::{CheckStatus, Verdict};
use pingshen::{review, Options, Reviewer};
use support::packages::{data_directory_tables, replace_file, stage_files, table_xlsx, zip_files, Naming};
use support::s;

fn verdict(name: &str, files: &[(String, Vec<u8>)]) -> Verdict {
    review(
        name,
        &zip_files(files),
        &Reviewer::embedded().unwrap(),
        &Options::default(),
    )
}

/// The report with the archive's hash masked (it changes with the zip writer, not the review).
fn text(v: &Verdict, all: bool) -> String {
    render(v, Style { color: false, all }).replace(&v.package.sha256, "<sha256>")
}

/// A commissioning package whose second system is not on the directory chain (是否上链 = 否)
/// and whose warranty plan states 23 months: two red lines violated.
fn commissioning_with_one_system_off_the_chain() -> Vec<(String, Vec<u8>)> {
    let mut files = stage_files("commissioning", Naming::Numbered);
    let mut sheets = data_directory_tables();
    if let Some(cell) = sheets[0].rows[1].get_mut(2) {
        *cell = s("否");
    }
    let dir = files.iter().find(|(p, _)| p.contains("数据目录")).unwrap().0.clone();
    replace_file(&mut files, &dir, table_xlsx(&sheets));
    support::packages::replace_warranty_plan(
        &mut files,
        &["保修方案", "本项目提供免费质保期23个月，自竣工验收合格之日起计算。"],
    );
    files
}

#[test]
fn a_failing_package_shows_only_what_needs_attention_with_the_deciding_cell() {
    let v = verdict("commissioning.zip", &commissioning_with_one_system_off_the_chain());
    let rl1 = v.checks.iter().find(|c| c.id == "COMM-RL1").unwrap();
    assert_eq!(rl1.status, CheckStatus::Violated);
    // Eight cells read (two systems × four columns); the one 否 decided it.
    assert_eq!(rl1.evidence.len(), 8);
    let deciding: Vec<_> = rl1.evidence.iter().filter(|e| e.decisive).collect();
    assert_eq!(deciding.len(), 1, "{deciding:?}");
    assert_eq!(deciding[0].field, "data_directory_systems.on_chain");
    let compact = text(&v, false);
    // Only the deciding cell is shown under COMM-RL1, not the seven that are 是.
    assert_eq!(compact.matches("data_directory_systems.").count(), 1, "{compact}");
    assert!(
        !compact.contains("✓"),
        "nothing satisfied in the compact report: {compact}"
    );
    insta::assert_snapshot!("commissioning_fail_compact", compact);
    let all = text(&v, true);
    assert_eq!(all.matches("data_directory_systems.").count(), 8, "{all}");
    insta::assert_snapshot!("commissioning_fail_all", all);
}

#[test]
fn a_passing_package_is_a_short_report() {
    let v = verdict("performance.zip", &stage_files("performance", Naming::Plain));
    let compact = text(&v, false);
    assert!(compact.starts_with("✓ 通过 pass  performance.zip"), "{compact}");
    assert!(compact.lines().count() <= 6, "{compact}");
    insta::assert_snapshot!("performance_pass_compact", compact);
}

#[test]
fn a_missing_material_and_an_error_are_named_in_the_compact_report() {
    let files: Vec<(String, Vec<u8>)> = stage_files("review", Naming::Plain)
        .into_iter()
        .filter(|(p, _)| !p.contains("申报函"))
        .collect();
    let v = verdict("review.zip", &files);
    let compact = text(&v, false);
    assert!(
        compact
            .lines()
            .any(|l| l.starts_with("  ✗ 缺失 missing") && l.contains("application_letter")),
        "{compact}"
    );
    insta::assert_snapshot!("review_incomplete_compact", compact);
    let v = review("empty.zip", b"", &Reviewer::embedded().unwrap(), &Options::default());
    let compact = text(&v, false);
    assert!(compact.starts_with("✗ 无法评审 error  empty.zip"), "{compact}");
    assert!(compact.contains("package.empty"), "{compact}");
}

#[test]
fn undecided_checks_mark_the_value_not_read_and_nothing_is_marked_on_a_satisfied_check() {
    let v = verdict("commissioning.zip", &commissioning_with_one_system_off_the_chain());
    for c in &v.checks {
        let marked = c.evidence.iter().filter(|e| e.decisive).count();
        match c.status {
            CheckStatus::Violated | CheckStatus::Undetermined if !c.evidence.is_empty() => {
                assert!(marked > 0, "{} {:?} marks what decided it", c.id, c.status)
            }
            CheckStatus::Violated | CheckStatus::Undetermined => {}
            _ => assert_eq!(marked, 0, "{} {:?} marks nothing", c.id, c.status),
        }
    }
    // A review package without its warranty statement: COMM-RL3 undetermined, decided by the
    // value not read.
    let mut files = stage_files("commissioning", Naming::Numbered);
    support::packages::replace_warranty_plan(&mut files, &["保修方案", "按合同约定执行。"]);
    let v = verdict("commissioning.zip", &files);
    let rl3 = v.checks.iter().find(|c| c.id == "COMM-RL3").unwrap();
    assert_eq!(rl3.status, CheckStatus::Undetermined);
    assert!(rl3.evidence.iter().all(|e| e.decisive && e.value.is_none()), "{rl3:?}");
    let compact = text(&v, false);
    assert!(compact.contains("warranty_months 未读到 (not read)"), "{compact}");
}
