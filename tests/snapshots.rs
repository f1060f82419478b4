//! Whole verdicts, one per stage, as reviewed snapshots (insta): any change to what pingshen
//! writes for these packages shows up as a diff to review. The ruleset hash and the tool version
//! are masked so that only real changes of the verdict show.

mod support;

use pingshen::{review, to_json, Options, Reviewer};
use support::packages::{replace_file, stage_basic_info, stage_files, zip_files, Naming};
use support::{docx, text_row, xlsx};

fn verdict_json(name: &str, files: &[(String, Vec<u8>)]) -> String {
    let v = review(
        name,
        &zip_files(files),
        &Reviewer::embedded().unwrap(),
        &Options::default(),
    );
    let mut json = to_json(&v);
    json = json
        .replace(&v.ruleset, "sha256:<ruleset>")
        .replace(env!("CARGO_PKG_VERSION"), "<version>");
    json
}

#[test]
fn plan_with_one_item_not_supported_is_partial() {
    let mut files = stage_files("plan", Naming::Plain);
    let list = vec![
        text_row(&["2021年度项目清单"]),
        text_row(&[
            "项目名称",
            "项目类型",
            "对应三定职责",
            "对应指引方向",
            "涉及系统",
            "是否使用全市共性平台",
            "预算金额（万元）",
        ]),
        text_row(&[
            "政务数据共享交换平台建设项目",
            "新建",
            "数据共享",
            "数字政府",
            "政务数据共享交换平台",
            "是",
            "800",
        ]),
        text_row(&[
            "办公系统建设项目",
            "新建",
            "日常办公",
            "智慧办公",
            "电子证照管理系统",
            "是",
            "200",
        ]),
    ];
    replace_file(&mut files, "项目清单", xlsx(&[("清单", list)]));
    insta::assert_snapshot!(verdict_json("plan.zip", &files));
}

#[test]
fn addition_request_lacking_contents_is_incomplete() {
    let mut files = stage_files("addition", Naming::Attachment);
    replace_file(
        &mut files,
        "追加申请",
        docx(&[
            "关于追加项目的申请",
            "二、项目背景",
            "三、项目必要性",
            "五、项目投资：总投资800万元",
            "六、数据汇聚共享情况",
        ]),
    );
    insta::assert_snapshot!(verdict_json("addition.zip", &files));
}

#[test]
fn review_submitted_after_the_list_approval_expired_fails() {
    let mut files = stage_files("review", Naming::Plain);
    let rows: Vec<(&str, &str)> = stage_basic_info("review")
        .into_iter()
        .map(|(l, v)| if l == "申报日期" { (l, "2022-01-21") } else { (l, v) })
        .collect();
    replace_file(&mut files, "基本情况表", support::packages::basic_info_xlsx(&rows));
    insta::assert_snapshot!(verdict_json("review.zip", &files));
}

#[test]
fn commissioning_with_a_short_warranty_fails() {
    let mut files = stage_files("commissioning", Naming::Numbered);
    support::packages::replace_warranty_plan(
        &mut files,
        &["保修方案", "本项目提供免费质保期23个月，自竣工验收合格之日起计算。"],
    );
    insta::assert_snapshot!(verdict_json("commissioning.zip", &files));
}

#[test]
fn complete_performance_package_passes() {
    insta::assert_snapshot!(verdict_json(
        "performance.zip",
        &stage_files("performance", Naming::Plain)
    ));
}
