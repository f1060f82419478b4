//! Performance self-evaluation (绩效自评) requirements, seed 四(二).

use super::{CheckDef, Ctx, Outcome, Runner};
use crate::schema::StageId;
use crate::values::Date;
use crate::verdict::{CheckKind, CheckStatus as S};

/// PERF-REQ-DEADLINE.
pub static DEADLINE: CheckDef = CheckDef {
    id: "PERF-REQ-DEADLINE",
    title: "投入使用后12个月内完成绩效自评",
    stage: StageId::Performance,
    kind: CheckKind::Requirement,
    seed: "四(二)1(3) 项目建设单位应在项目通过投入使用评审后12个月内完成项目绩效自我评价工作。",
    consequence: None,
    reads: &["submission_date", "commissioning_approval_date"],
    params: &["self_evaluation_deadline_months"],
    doc: "Violated when 申报日期 is after add_months(投入使用批复日期, self_evaluation_deadline_months (12)).",
    doc_zh: "申报日期晚于投入使用批复日期后 self_evaluation_deadline_months（12 个月）时违反。",
    run: Runner::Package(deadline),
};

fn deadline(ctx: &Ctx) -> Outcome {
    let months = ctx.param("self_evaluation_deadline_months", 12.0) as i32;
    let ev = vec![
        ctx.evidence("submission_date"),
        ctx.evidence("commissioning_approval_date"),
    ];
    let Some(sub) = ctx.date("submission_date") else {
        return Outcome::missing("申报日期", "申报日期 (submission_date)", ev);
    };
    let Some(approved) = ctx.date("commissioning_approval_date") else {
        return Outcome::missing("投入使用批复日期", "投入使用批复日期 (commissioning_approval_date)", ev);
    };
    let Some(limit) = approved.add_months(months) else {
        return Outcome::missing("有效的截止日期", "a valid deadline", ev);
    };
    if sub > limit {
        Outcome::new(
            S::Violated,
            format!("投入使用批复 {approved} 后超过 {months} 个月（截止 {limit}）才完成自评（{sub}）"),
            format!("submitted {sub}, after {limit} ({months} months after the commissioning approval of {approved})"),
            ev,
        )
    } else {
        Outcome::new(
            S::Satisfied,
            format!("在投入使用批复后 {months} 个月内完成自评（截止 {limit}）"),
            format!("submitted {sub}, within {months} months of the commissioning approval (deadline {limit})"),
            ev,
        )
    }
}

/// PERF-REQ-DEPT-DEADLINE.
pub static DEPT_DEADLINE: CheckDef = CheckDef {
    id: "PERF-REQ-DEPT-DEADLINE",
    title: "评价年度12月31日前完成部门自评",
    stage: StageId::Performance,
    kind: CheckKind::Requirement,
    seed: "四(二)2(5) 各市级部门应于每年12月31日前完成部门绩效自我评价工作。",
    consequence: None,
    reads: &["submission_date", "evaluation_year"],
    params: &[],
    doc: "With 评价年度: violated when 申报日期 is after December 31 of that year; without it, not applicable.",
    doc_zh: "有评价年度时，申报日期晚于该年 12 月 31 日则违反；没有评价年度时不适用。",
    run: Runner::Package(dept_deadline),
};

fn dept_deadline(ctx: &Ctx) -> Outcome {
    let ev = vec![ctx.evidence("submission_date"), ctx.evidence("evaluation_year")];
    let Some(year) = ctx.int("evaluation_year") else {
        return Outcome::new(
            S::NotApplicable,
            "未填写评价年度，不适用",
            "no evaluation year given: not applicable",
            ev,
        );
    };
    let Some(sub) = ctx.date("submission_date") else {
        return Outcome::missing("申报日期", "申报日期 (submission_date)", ev);
    };
    let Some(end) = i32::try_from(year).ok().and_then(|y| Date::new(y, 12, 31)) else {
        return Outcome::missing("有效的评价年度", "a valid evaluation year", ev);
    };
    if sub > end {
        Outcome::new(
            S::Violated,
            format!("评价年度 {year} 的部门自评应于 {end} 前完成，实际 {sub}"),
            format!("the {year} department self-evaluation was due by {end}; submitted {sub}"),
            ev,
        )
    } else {
        Outcome::new(
            S::Satisfied,
            format!("于 {end} 前完成"),
            format!("submitted {sub}, by {end}"),
            ev,
        )
    }
}

/// PERF-REQ-CONTENT.
pub static CONTENT: CheckDef = CheckDef {
    id: "PERF-REQ-CONTENT",
    title: "绩效报告六项内容齐全",
    stage: StageId::Performance,
    kind: CheckKind::Requirement,
    seed: "四(二)1(2) 评价内容主要包括建设内容完成情况、用户使用情况、预期绩效完成情况、全市和内部信息化统筹建设情况、数据资源建设情况、数据资源汇聚共享情况等。",
    consequence: None,
    reads: &["missing_sections"],
    params: &[],
    doc: "Violated when the project performance report lacks one of the six contents.",
    doc_zh: "项目绩效报告缺少六项内容之一时违反。",
    run: Runner::Package(content),
};

fn content(ctx: &Ctx) -> Outcome {
    super::addition::sections_outcome(ctx, "项目绩效自评报告", "the project performance report")
}
