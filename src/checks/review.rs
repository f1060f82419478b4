//! Pre-review (前置评审) red lines, seed 二(三): "当出现以下情况时，申报材料不予通过评审".

use super::{cell_bool, cell_evidence, cell_text, decided_by, CheckDef, Ctx, Outcome, Runner};
use crate::names::normalize_keyword;
use crate::schema::StageId;
use crate::verdict::{CheckKind, CheckStatus as S};

const CONSEQUENCE: Option<&str> = Some("不予通过评审");

/// REVIEW-RL1.
pub static RL1: CheckDef = CheckDef {
    id: "REVIEW-RL1",
    title: "升级改造前期项目已通过投入使用",
    stage: StageId::Review,
    kind: CheckKind::RedLine,
    seed: "二(三)1 升级改造项目前期项目未通过我局投入使用。",
    consequence: CONSEQUENCE,
    reads: &["project_type", "prior_commissioning_ref", "reference:approved_commissioning"],
    params: &[],
    doc: "An upgrade project without 前期项目投入使用批复文号, or (with reference data) with one that is not an approved commissioning.",
    doc_zh: "升级改造项目没有前期项目投入使用批复文号，或（有参考数据时）该文号不在已批复投入使用清单中时违反。",
    run: Runner::Package(rl1),
};

fn rl1(ctx: &Ctx) -> Outcome {
    let mut ev = vec![ctx.evidence("project_type")];
    match ctx.text("project_type") {
        Some("new") => return Outcome::new(S::NotApplicable, "新建项目，不适用", "new project: not applicable", ev),
        Some("upgrade") => {}
        _ => return Outcome::missing("项目类型", "项目类型 (project_type)", ev),
    }
    // What decides a violation here is the reference, not the project type that called for it.
    ev.push(ctx.evidence("prior_commissioning_ref").decisive());
    let Some(r) = ctx.text("prior_commissioning_ref") else {
        return Outcome::new(
            S::Violated,
            "升级改造项目未提供前期项目投入使用批复文号",
            "upgrade project states no prior commissioning approval (前期项目投入使用批复文号)",
            ev,
        );
    };
    match &ctx.reference.approved_commissioning {
        Some(list) if !list.contains(&normalize_keyword(r)) => Outcome::new(
            S::Violated,
            format!("前期项目投入使用批复文号 {r} 不在已批复投入使用清单中"),
            format!("prior commissioning approval {r} is not in the approved list"),
            ev,
        ),
        Some(_) => Outcome::new(
            S::Satisfied,
            format!("前期项目已通过投入使用（{r}）"),
            format!("prior project approved for use ({r})"),
            ev,
        ),
        None => Outcome::new(
            S::Satisfied,
            format!("已提供前期项目投入使用批复文号 {r}"),
            format!("prior commissioning approval stated: {r}"),
            ev,
        ),
    }
}

/// REVIEW-RL2.
pub static RL2: CheckDef = CheckDef {
    id: "REVIEW-RL2",
    title: "在清单批复有效期内申报",
    stage: StageId::Review,
    kind: CheckKind::RedLine,
    seed: "二(三)2 未在项目清单审查意见批复函有效期内申报的项目。",
    consequence: CONSEQUENCE,
    reads: &["submission_date", "list_approval_valid_until"],
    params: &[],
    doc: "Violated when 申报日期 is after the list approval's validity end (that day itself is valid).",
    doc_zh: "申报日期晚于清单批复有效期的最后一天时违反（当天仍有效）。",
    run: Runner::Package(rl2),
};

fn rl2(ctx: &Ctx) -> Outcome {
    let ev = vec![
        ctx.evidence("submission_date"),
        ctx.evidence("list_approval_valid_until"),
    ];
    let (Some(sub), Some(until)) = (ctx.date("submission_date"), ctx.date("list_approval_valid_until")) else {
        let (zh, en) = if ctx.date("submission_date").is_none() {
            ("申报日期", "申报日期 (submission_date)")
        } else {
            (
                "清单批复的有效期",
                "the list approval's validity (list_approval_valid_until)",
            )
        };
        return Outcome::missing(zh, en, ev);
    };
    if sub > until {
        Outcome::new(
            S::Violated,
            format!("申报日期 {sub} 晚于清单批复有效期 {until}"),
            format!("submitted {sub}, after the list approval's validity ended {until}"),
            ev,
        )
    } else {
        Outcome::new(
            S::Satisfied,
            format!("在清单批复有效期（至 {until}）内申报"),
            format!("submitted {sub}, within validity until {until}"),
            ev,
        )
    }
}

/// REVIEW-RL3.
pub static RL3: CheckDef = CheckDef {
    id: "REVIEW-RL3",
    title: "信息系统已在目录链注册",
    stage: StageId::Review,
    kind: CheckKind::RedLine,
    seed: "二(三)3 月报季评涉及的53家部门拟建项目所包含的各系统未在目录链注册的项目。",
    consequence: CONSEQUENCE,
    reads: &["monitored", "applicant", "reference:monitored_departments", "data_directory_systems.on_chain", "data_directory_systems.chain_id"],
    params: &[],
    doc: "For a monitored department: violated when a system of the data directory is not registered on the directory chain (是否上链, else 目录链注册编号).",
    doc_zh: "月报季评部门：数据目录中任一系统未在目录链注册（是否上链，否则目录链注册编号）时违反。",
    run: Runner::Package(rl3),
};

/// SPEC §5: "`是否上链` or, failing that, `目录链注册编号` (non-empty = 上链)".
/// A sheet with a `是否上链` column decides by it (an empty cell is unknown); a sheet with only
/// the registration-number column decides by whether it is filled.
pub fn on_chain(row: &crate::verdict::RowValue) -> Option<bool> {
    if row.cells.contains_key("on_chain") {
        cell_bool(row, "on_chain")
    } else {
        row.cells
            .get("chain_id")
            .map(|_| !cell_text(row, "chain_id").is_empty())
    }
}

/// The column [`on_chain`] reads for this row.
pub fn on_chain_column(row: &crate::verdict::RowValue) -> &'static str {
    if row.cells.contains_key("on_chain") || !row.cells.contains_key("chain_id") {
        "on_chain"
    } else {
        "chain_id"
    }
}

fn rl3(ctx: &Ctx) -> Outcome {
    let mut ev = vec![ctx.evidence("monitored")];
    let listed = ctx.text("applicant").is_some_and(|a| {
        ctx.reference
            .monitored_departments
            .as_ref()
            .is_some_and(|l| l.contains(&normalize_keyword(a)))
    });
    if listed {
        ev.push(ctx.evidence("applicant"));
    }
    let monitored = listed || ctx.flag("monitored") == Some(true);
    if !monitored {
        return Outcome::new(
            S::NotApplicable,
            "非月报季评部门，不适用",
            "not a monitored department: not applicable",
            ev,
        );
    }
    let Some(rows) = ctx.rows("data_directory_systems") else {
        return Outcome::missing("数据目录的系统表", "the data directory's system sheet", ev);
    };
    let mut off = Vec::new();
    let mut unknown = Vec::new();
    let (mut off_at, mut unknown_at) = (Vec::new(), Vec::new());
    for r in rows {
        ev.push(cell_evidence("data_directory_systems", r, on_chain_column(r)));
        let at = ev.len() - 1;
        match on_chain(r) {
            Some(false) => {
                off.push(cell_text(r, "system_name"));
                off_at.push(at);
            }
            Some(true) => {}
            None => {
                unknown.push(cell_text(r, "system_name"));
                unknown_at.push(at);
            }
        }
    }
    if !off.is_empty() {
        return Outcome::new(
            S::Violated,
            format!("系统未在目录链注册：{}", off.join("、")),
            format!("systems not registered on the directory chain: {}", off.join(", ")),
            decided_by(ev, &off_at),
        );
    }
    if !unknown.is_empty() || rows.is_empty() {
        return Outcome::missing(
            "每个系统的是否上链、目录链注册编号",
            "是否上链 / 目录链注册编号 of every system",
            decided_by(ev, &unknown_at),
        );
    }
    Outcome::new(
        S::Satisfied,
        "各系统均已在目录链注册",
        "every system is registered on the directory chain",
        ev,
    )
}

/// REVIEW-RL4.
pub static RL4: CheckDef = CheckDef {
    id: "REVIEW-RL4",
    title: "统筹使用全市共性平台",
    stage: StageId::Review,
    kind: CheckKind::RedLine,
    seed: "二(三)4 未统筹使用全市共性平台的、未实现集约化建设的项目。",
    consequence: CONSEQUENCE,
    reads: &["uses_shared_platform"],
    params: &[],
    doc: "Violated when 是否统筹使用全市共性平台 is 否.",
    doc_zh: "是否统筹使用全市共性平台为否时违反。",
    run: Runner::Package(rl4),
};

fn rl4(ctx: &Ctx) -> Outcome {
    let ev = vec![ctx.evidence("uses_shared_platform")];
    match ctx.flag("uses_shared_platform") {
        Some(false) => Outcome::new(
            S::Violated,
            "未统筹使用全市共性平台",
            "does not use the city's shared platform",
            ev,
        ),
        Some(true) => Outcome::new(
            S::Satisfied,
            "统筹使用全市共性平台",
            "uses the city's shared platform",
            ev,
        ),
        None => Outcome::missing(
            "是否统筹使用全市共性平台",
            "是否统筹使用全市共性平台 (uses_shared_platform)",
            ev,
        ),
    }
}

/// REVIEW-RL5.
pub static RL5: CheckDef = CheckDef {
    id: "REVIEW-RL5",
    title: "符合法律法规、政策和标准",
    stage: StageId::Review,
    kind: CheckKind::RedLine,
    seed: "二(三)5 与国家、我市相关法律法规、政策文件、标准规范要求不一致的项目。",
    consequence: CONSEQUENCE,
    reads: &["application_form", "proposal"],
    params: &[],
    doc: "Consistency with laws, policies and standards: no machine can decide it; always manual.",
    doc_zh: "与法律法规、政策文件、标准规范的一致性无法由机器判定，始终由评审专家人工核对。",
    run: Runner::Package(rl5),
};

fn rl5(_: &Ctx) -> Outcome {
    Outcome::new(
        S::Manual,
        "需评审专家人工判断与法律法规、政策文件、标准规范的一致性",
        "consistency with laws, policies and standards is for the reviewer to judge",
        Vec::new(),
    )
}

/// REVIEW-RL6.
pub static RL6: CheckDef = CheckDef {
    id: "REVIEW-RL6",
    title: "方案含网络安全和密码应用",
    stage: StageId::Review,
    kind: CheckKind::RedLine,
    seed: "二(三)6 不符合密码应用安全和网络安全要求，或者存在重大安全隐患的信息系统相关项目。",
    consequence: CONSEQUENCE,
    reads: &["mentions_cybersecurity", "mentions_cryptography"],
    params: &[],
    doc: "Violated when the application form (upgrade) or proposal (new) never mentions 网络安全/等级保护 or 密码.",
    doc_zh: "申报书（升级改造）或建设方案（新建）从未提及网络安全/等级保护或密码应用时违反。",
    run: Runner::Package(rl6),
};

fn rl6(ctx: &Ctx) -> Outcome {
    let ev = vec![
        ctx.evidence("mentions_cybersecurity"),
        ctx.evidence("mentions_cryptography"),
    ];
    let (Some(sec), Some(crypto)) = (ctx.flag("mentions_cybersecurity"), ctx.flag("mentions_cryptography")) else {
        return Outcome::missing("申报书或建设方案的文本", "the application form or proposal's text", ev);
    };
    let mut lacks = Vec::new();
    let mut lacking = Vec::new();
    if !sec {
        lacks.push("网络安全/等级保护");
        lacking.push(0);
    }
    if !crypto {
        lacks.push("密码应用");
        lacking.push(1);
    }
    if lacks.is_empty() {
        Outcome::new(
            S::Satisfied,
            "申报材料包含网络安全与密码应用内容",
            "the application covers cybersecurity and cryptography",
            ev,
        )
    } else {
        Outcome::new(
            S::Violated,
            format!("申报材料未涉及：{}", lacks.join("、")),
            format!("the application never mentions: {}", lacks.join(", ")),
            decided_by(ev, &lacking),
        )
    }
}
