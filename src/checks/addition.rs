//! Addition (项目追加) requirements, seed 一(二)4.

use super::{decided_by, CheckDef, Ctx, Outcome, Runner};
use crate::schema::StageId;
use crate::verdict::{CheckKind, CheckStatus as S};

/// ADD-REQ-CONTENT.
pub static CONTENT: CheckDef = CheckDef {
    id: "ADD-REQ-CONTENT",
    title: "追加申请六项基本情况齐全",
    stage: StageId::Addition,
    kind: CheckKind::Requirement,
    seed: "一(二)4 一是申报单位提交项目追加申请应明确拟追加项目与“三定”职责的对应情况、项目背景、项目必要性、预期绩效、项目投资、数据汇聚共享情况等基本情况，并报主管市领导批准。",
    consequence: None,
    reads: &["missing_sections"],
    params: &[],
    doc: "Violated when the addition request lacks one of the six contents.",
    doc_zh: "追加申请缺少六项基本情况之一时违反。",
    run: Runner::Package(content),
};

fn content(ctx: &Ctx) -> Outcome {
    sections_outcome(ctx, "项目追加申请", "the addition request")
}

/// The shared rule of the two content requirements: `missing_sections` empty → satisfied.
pub fn sections_outcome(ctx: &Ctx, zh: &str, en: &str) -> Outcome {
    let ev = vec![ctx.evidence("missing_sections")];
    match ctx.list("missing_sections") {
        Some([]) => Outcome::new(
            S::Satisfied,
            format!("{zh}内容齐全"),
            format!("{en} has all six contents"),
            ev,
        ),
        Some(m) => Outcome::new(
            S::Violated,
            format!("{zh}缺少：{}", m.join("、")),
            format!("{en} lacks: {}", m.join(", ")),
            ev,
        ),
        None => Outcome::missing(&format!("{zh}的文本"), &format!("the text of {en}"), ev),
    }
}

/// ADD-REQ-FUNDING.
pub static FUNDING: CheckDef = CheckDef {
    id: "ADD-REQ-FUNDING",
    title: "资金保障经对应部门审定",
    stage: StageId::Addition,
    kind: CheckKind::Requirement,
    seed: "一(二)4 二是项目申报单位应按项目新建或升级改造，报市发展改革委或市财政局审定资金保障情况。",
    consequence: None,
    reads: &["project_type", "funding_authority"],
    params: &[],
    doc: "Violated when funding was confirmed by the wrong body: 市发展改革委 for 新建, 市财政局 for 升级改造.",
    doc_zh: "资金审定单位不符时违反：新建项目应为市发展改革委，升级改造项目应为市财政局。",
    run: Runner::Package(funding),
};

fn funding(ctx: &Ctx) -> Outcome {
    let ev = vec![ctx.evidence("project_type"), ctx.evidence("funding_authority")];
    let Some(ty) = ctx.text("project_type") else {
        return Outcome::missing("项目类型", "项目类型 (project_type)", ev);
    };
    let Some(by) = ctx.text("funding_authority") else {
        return Outcome::missing(
            "资金证明的出具单位",
            "the funding proof's authority (funding_authority)",
            ev,
        );
    };
    let (want, want_zh) = if ty == "new" {
        ("drc", "市发展改革委")
    } else {
        ("finance", "市财政局")
    };
    let by_zh = if by == "drc" {
        "市发展改革委"
    } else {
        "市财政局"
    };
    let ty_zh = if ty == "new" { "新建" } else { "升级改造" };
    if by == want {
        Outcome::new(
            S::Satisfied,
            format!("{ty_zh}项目资金由{by_zh}审定"),
            format!("{ty} project funded through {by}"),
            ev,
        )
    } else {
        Outcome::new(
            S::Violated,
            format!("{ty_zh}项目资金应由{want_zh}审定，材料为{by_zh}"),
            format!("a {ty} project's funding must be confirmed by {want}, not {by}"),
            decided_by(ev, &[1]),
        )
    }
}
