//! Put-into-use (投入使用) red lines, seed 三(四): "当出现以下情况时，申报材料不予受理或不予通过评审",
//! and the requirements of seed 三(三).

use super::review::on_chain;
use super::{cell_bool, cell_evidence, cell_text, decided_by, missing_required, CheckDef, Ctx, Outcome, Runner};
use crate::schema::StageId;
use crate::verdict::{CheckKind, CheckStatus as S, Presence, Value};

/// COMM-RL1.
pub static RL1: CheckDef = CheckDef {
    id: "COMM-RL1",
    title: "已完成入云、更新、上链、确权",
    stage: StageId::Commissioning,
    kind: CheckKind::RedLine,
    seed: "三(四)1 未完成入云、更新、上链、确权工作的大数据相关项目，不予受理。",
    consequence: Some("不予受理"),
    reads: &[
        "data_directory_systems.in_cloud",
        "data_directory_systems.on_chain",
        "data_directory_systems.updated",
        "data_directory_systems.rights_confirmed",
    ],
    params: &[],
    doc: "Violated when a system-sheet row has 是否入云, 上链, 是否更新 or 是否确权 false.",
    doc_zh: "系统目录中任一系统的是否入云、上链、是否更新或是否确权为否时违反。",
    run: Runner::Package(rl1),
};

fn rl1(ctx: &Ctx) -> Outcome {
    let Some(rows) = ctx.rows("data_directory_systems") else {
        return Outcome::missing("数据目录的系统表", "the data directory's system sheet", Vec::new());
    };
    let mut ev = Vec::new();
    let mut failing = Vec::new();
    let mut unknown = Vec::new();
    let (mut failing_at, mut unknown_at) = (Vec::new(), Vec::new());
    for r in rows {
        let name = cell_text(r, "system_name");
        for (col, zh) in [
            ("in_cloud", "入云"),
            ("on_chain", "上链"),
            ("updated", "更新"),
            ("rights_confirmed", "确权"),
        ] {
            let v = if col == "on_chain" {
                on_chain(r)
            } else {
                cell_bool(r, col)
            };
            let used = if col == "on_chain" {
                super::review::on_chain_column(r)
            } else {
                col
            };
            ev.push(cell_evidence("data_directory_systems", r, used));
            let at = ev.len() - 1;
            match v {
                Some(false) => {
                    failing.push(format!("{name} 未{zh}"));
                    failing_at.push(at);
                }
                Some(true) => {}
                None => {
                    unknown.push(format!("{name} {zh}"));
                    unknown_at.push(at);
                }
            }
        }
    }
    if !failing.is_empty() {
        return Outcome::new(
            S::Violated,
            format!("不予受理：{}", failing.join("；")),
            format!("not accepted: {}", failing.join("; ")),
            decided_by(ev, &failing_at),
        );
    }
    if !unknown.is_empty() || rows.is_empty() {
        return Outcome::missing(
            &format!("{}的入云、上链、更新、确权取值", unknown.join("、")),
            &format!("入云/上链/更新/确权 values ({})", unknown.join(", ")),
            decided_by(ev, &unknown_at),
        );
    }
    Outcome::new(
        S::Satisfied,
        "各系统均已完成入云、更新、上链、确权",
        "every system is in the cloud, updated, on the chain and confirmed",
        ev,
    )
}

/// COMM-RL2.
pub static RL2: CheckDef = CheckDef {
    id: "COMM-RL2",
    title: "数据已汇通汇聚",
    stage: StageId::Commissioning,
    kind: CheckKind::RedLine,
    seed: "三(四)2 应基于市级大数据管理平台实现数据汇通汇聚，未汇通汇聚的，不予出具同意投入使用意见。",
    consequence: Some("不予出具同意投入使用意见"),
    reads: &["data_directory_resources.aggregation"],
    params: &[],
    doc: "Violated when a data-sheet row's 汇聚状态 is not 已汇聚.",
    doc_zh: "数据目录中任一数据资源的汇聚状态不是已汇聚时违反。",
    run: Runner::Package(rl2),
};

fn rl2(ctx: &Ctx) -> Outcome {
    let Some(rows) = ctx.rows("data_directory_resources") else {
        return Outcome::missing("数据目录的数据表", "the data directory's data sheet", Vec::new());
    };
    let mut ev = Vec::new();
    let mut not = Vec::new();
    let mut unknown = Vec::new();
    let (mut not_at, mut unknown_at) = (Vec::new(), Vec::new());
    for r in rows {
        let v = cell_text(r, "aggregation");
        let name = cell_text(r, "resource_name");
        ev.push(cell_evidence("data_directory_resources", r, "aggregation"));
        let at = ev.len() - 1;
        if v.is_empty() {
            unknown.push(name);
            unknown_at.push(at);
        } else if crate::names::normalize_keyword(&v) != "已汇聚" {
            not.push(format!("{name}（{v}）"));
            not_at.push(at);
        }
    }
    if !not.is_empty() {
        return Outcome::new(
            S::Violated,
            format!("数据资源未汇聚：{}", not.join("、")),
            format!("data resources not aggregated: {}", not.join(", ")),
            decided_by(ev, &not_at),
        );
    }
    if !unknown.is_empty() || rows.is_empty() {
        return Outcome::missing(
            &format!("{}的汇聚状态", unknown.join("、")),
            &format!("汇聚状态 of {}", unknown.join(", ")),
            decided_by(ev, &unknown_at),
        );
    }
    Outcome::new(
        S::Satisfied,
        "数据资源均已汇聚",
        "every data resource is aggregated",
        ev,
    )
}

/// COMM-RL3.
pub static RL3: CheckDef = CheckDef {
    id: "COMM-RL3",
    title: "保修期不少于2年",
    stage: StageId::Commissioning,
    kind: CheckKind::RedLine,
    seed: "三(四)3 保修方案中保修期限少于2年的，不予出具同意投入使用意见。",
    consequence: Some("不予出具同意投入使用意见"),
    reads: &["warranty_months"],
    params: &["min_warranty_months"],
    doc: "Violated when the strictest warranty statement is below min_warranty_months (24).",
    doc_zh: "保修方案中最严格的保修期限少于 min_warranty_months（24 个月）时违反。",
    run: Runner::Package(rl3),
};

fn rl3(ctx: &Ctx) -> Outcome {
    let min = ctx.param("min_warranty_months", 24.0);
    let ev = vec![ctx.evidence("warranty_months")];
    let Some(m) = ctx.int("warranty_months") else {
        return Outcome::missing(
            "质保方案中的质保期",
            "the warranty period in the warranty plan (warranty_months)",
            ev,
        );
    };
    if (m as f64) < min {
        Outcome::new(
            S::Violated,
            format!("保修期限 {m} 个月，少于 {min} 个月"),
            format!("warranty {m} months < {min}"),
            ev,
        )
    } else {
        Outcome::new(
            S::Satisfied,
            format!("保修期限 {m} 个月"),
            format!("warranty {m} months ≥ {min}"),
            ev,
        )
    }
}

/// COMM-RL4.
pub static RL4: CheckDef = CheckDef {
    id: "COMM-RL4",
    title: "验收后6个月内申请投入使用",
    stage: StageId::Commissioning,
    kind: CheckKind::RedLine,
    seed: "三(四)4 未在项目通过验收6个月内提交投入使用申请的，不予受理。（三(三) 通过竣工验收后六个月内，应向市经济和信息化局提交投入使用申请）",
    consequence: Some("不予受理"),
    reads: &["submission_date", "final_acceptance_date"],
    params: &["commissioning_deadline_months"],
    doc: "Violated when 申报日期 is after add_months(final acceptance date, commissioning_deadline_months (6)).",
    doc_zh: "申报日期晚于终验日期后 commissioning_deadline_months（6 个月）时违反。",
    run: Runner::Package(rl4),
};

fn rl4(ctx: &Ctx) -> Outcome {
    let months = ctx.param("commissioning_deadline_months", 6.0) as i32;
    let ev = vec![ctx.evidence("submission_date"), ctx.evidence("final_acceptance_date")];
    let Some(sub) = ctx.date("submission_date") else {
        return Outcome::missing("申报日期", "申报日期 (submission_date)", ev);
    };
    let Some(acc) = ctx.date("final_acceptance_date") else {
        return Outcome::missing("竣工验收日期", "the final acceptance date (final_acceptance_date)", ev);
    };
    let Some(deadline) = acc.add_months(months) else {
        return Outcome::missing("有效的截止日期", "a valid deadline", ev);
    };
    if sub > deadline {
        Outcome::new(
            S::Violated,
            format!("竣工验收 {acc} 后超过 {months} 个月（截止 {deadline}）才申报（{sub}）"),
            format!("submitted {sub}, after the deadline {deadline} ({months} months after acceptance on {acc})"),
            ev,
        )
    } else {
        Outcome::new(
            S::Satisfied,
            format!("在竣工验收后 {months} 个月内申报（截止 {deadline}）"),
            format!("submitted {sub}, within {months} months of acceptance (deadline {deadline})"),
            ev,
        )
    }
}

/// COMM-REQ-ACCEPTANCE.
pub static ACCEPTANCE: CheckDef = CheckDef {
    id: "COMM-REQ-ACCEPTANCE",
    title: "竣工验收已通过",
    stage: StageId::Commissioning,
    kind: CheckKind::Requirement,
    seed: "三(三) 通过竣工验收后六个月内，应向市经济和信息化局提交投入使用申请。",
    consequence: None,
    reads: &["final_acceptance_passed"],
    params: &[],
    doc: "Violated when the final acceptance opinion does not pass the project (不同意 / 未通过).",
    doc_zh: "竣工验收意见不同意或未通过验收时违反。",
    run: Runner::Package(acceptance),
};

fn acceptance(ctx: &Ctx) -> Outcome {
    let ev = vec![ctx.evidence("final_acceptance_passed")];
    match ctx.flag("final_acceptance_passed") {
        Some(true) => Outcome::new(
            S::Satisfied,
            "项目已通过竣工验收",
            "the project passed final acceptance",
            ev,
        ),
        Some(false) => Outcome::new(
            S::Violated,
            "竣工验收意见未同意通过验收",
            "the final acceptance opinion does not pass the project",
            ev,
        ),
        None => Outcome::missing(
            "竣工验收意见的验收结论",
            "the final acceptance opinion's conclusion (final_acceptance_passed)",
            ev,
        ),
    }
}

/// COMM-REQ-CONSISTENCY.
pub static CONSISTENCY: CheckDef = CheckDef {
    id: "COMM-REQ-CONSISTENCY",
    title: "建设内容与批复一致",
    stage: StageId::Commissioning,
    kind: CheckKind::Requirement,
    seed: "三(三)3 一是证明建设内容与立项及我局批复内容一致性……二是如与批复内容有变化，请提供建设过程中的变更说明依据文件。",
    consequence: None,
    reads: &["content_comparison.approved_amount", "content_comparison.actual_amount"],
    params: &[],
    doc: "Violated when the comparison table's actual total exceeds its approved total (compared in cents); a changed row only makes change_documents required.",
    doc_zh: "建设内容对比表的实际金额合计超过批复金额合计时违反（按分比较）；有变更的行只使变更材料成为必备材料。",
    run: Runner::Package(consistency),
};

fn consistency(ctx: &Ctx) -> Outcome {
    let Some(rows) = ctx.rows("content_comparison") else {
        return Outcome::missing("建设内容对比表", "the content comparison table", Vec::new());
    };
    let cents = |v: Option<&Value>| match v {
        Some(Value::Number(n)) => Some((n * 100.0).round() as i64),
        _ => None,
    };
    let (mut approved, mut actual) = (0i64, 0i64);
    let mut ev = Vec::new();
    let mut over_at = Vec::new();
    for r in rows {
        let a = cents(r.cells.get("approved_amount").map(|c| &c.value));
        let b = cents(r.cells.get("actual_amount").map(|c| &c.value));
        if a.is_none() && b.is_none() {
            continue;
        }
        approved = approved.saturating_add(a.unwrap_or(0));
        actual = actual.saturating_add(b.unwrap_or(0));
        ev.push(cell_evidence("content_comparison", r, "approved_amount"));
        ev.push(cell_evidence("content_comparison", r, "actual_amount"));
        // A row whose actual amount passes its approved one is what an excess total comes from.
        if b.unwrap_or(0) > a.unwrap_or(0) {
            over_at.extend([ev.len() - 2, ev.len() - 1]);
        }
    }
    if ev.is_empty() {
        return Outcome::missing(
            "对比表中的批复金额、实际金额",
            "批复金额 / 实际金额 in the comparison table",
            ev,
        );
    }
    let show = |c: i64| format!("{}.{:02}", c / 100, (c % 100).abs());
    if actual > approved {
        Outcome::new(
            S::Violated,
            format!("实际金额合计 {} 超过批复金额合计 {}", show(actual), show(approved)),
            format!(
                "actual total {} exceeds the approved total {}",
                show(actual),
                show(approved)
            ),
            decided_by(ev, &over_at),
        )
    } else {
        Outcome::new(
            S::Satisfied,
            format!("实际金额合计 {} 未超过批复金额合计 {}", show(actual), show(approved)),
            format!(
                "actual total {} within the approved total {}",
                show(actual),
                show(approved)
            ),
            ev,
        )
    }
}

/// COMM-REQ-SECURITY.
pub static SECURITY: CheckDef = CheckDef {
    id: "COMM-REQ-SECURITY",
    title: "安全测评材料齐全",
    stage: StageId::Commissioning,
    kind: CheckKind::Requirement,
    seed: "三(三)2 对于涉密信息系统，提供分保测评报告和保密主管部门的批复意见；对于非涉密信息系统要求等级保护证明材料……",
    consequence: None,
    reads: &["security_acceptance_report", "mlps_filing", "mlps_test_report", "classified_test_report", "secrecy_approval", "mlps_filing_number"],
    params: &[],
    doc: "Violated when a security material required for the project's type and classification is missing, or a readable MLPS filing has no 备案编号 of the form \\d{11}-\\d{5}; undetermined when one is unreadable.",
    doc_zh: "按项目类型和涉密情况应提供的安全材料缺失，或等保备案证明中没有“11 位数字-5 位数字”格式的备案编号时违反；材料无法读取时无法判定。",
    run: Runner::Package(security),
};

const SECURITY_MATERIALS: [&str; 5] = [
    "security_acceptance_report",
    "mlps_filing",
    "mlps_test_report",
    "classified_test_report",
    "secrecy_approval",
];

fn security(ctx: &Ctx) -> Outcome {
    let mut ev = Vec::new();
    let missing: Vec<&str> = SECURITY_MATERIALS
        .iter()
        .copied()
        .filter(|id| missing_required(ctx, id))
        .collect();
    for id in &missing {
        ev.push(crate::verdict::Evidence {
            field: format!("material:{id}"),
            value: Some(Value::Text("missing".into())),
            source: None,
            decisive: true,
        });
    }
    if !missing.is_empty() {
        return Outcome::new(
            S::Violated,
            format!(
                "缺少网络安全材料：{}",
                missing
                    .iter()
                    .map(|id| ctx.material(id).map_or(*id, |m| m.name.as_str()))
                    .collect::<Vec<_>>()
                    .join("、")
            ),
            format!("required security materials missing: {}", missing.join(", ")),
            ev,
        );
    }
    let filing = ctx.material("mlps_filing");
    if filing.is_some_and(|m| m.status == Presence::Present) {
        ev.push(ctx.evidence("mlps_filing_number"));
        if ctx.doubtful("mlps_filing_number") {
            return Outcome::missing(
                "等级保护备案材料中可确认的备案编号",
                "a 备案编号 read surely from the MLPS filing (mlps_filing_number)",
                ev,
            );
        }
        if ctx.text("mlps_filing_number").is_none() {
            return Outcome::new(
                S::Violated,
                "等保定级备案证明中没有格式正确的备案编号（11位数字-5位数字）",
                "the MLPS filing has no 备案编号 of the form 11 digits-5 digits",
                ev,
            );
        }
    }
    let unreadable: Vec<&str> = SECURITY_MATERIALS
        .iter()
        .copied()
        .filter(|id| {
            ctx.material(id)
                .is_some_and(|m| m.required && m.status == Presence::Unreadable)
        })
        .collect();
    if !unreadable.is_empty() {
        let names: Vec<&str> = unreadable
            .iter()
            .map(|id| ctx.material(id).map_or(*id, |m| m.name.as_str()))
            .collect();
        return Outcome::missing(
            &format!("可读取的{}", names.join("、")),
            &format!("readable {}", unreadable.join(", ")),
            ev,
        );
    }
    Outcome::new(
        S::Satisfied,
        "网络安全材料齐全，备案编号格式正确",
        "security materials present; the filing number is well formed",
        ev,
    )
}
