//! Plan filing (规划备案) red lines, seed 一(三): "当出现以下情况时，该单位年度实施计划及项目清单材料
//! 不予支持（一票否决项）". PLAN-RL1 judges the whole plan; RL2–RL6 judge each project_list row.

use super::{cell_bool, cell_evidence, cell_text, decided_by, CheckDef, Ctx, Outcome, Runner};
use crate::names::normalize_keyword;
use crate::schema::StageId;
use crate::verdict::{CheckKind, CheckStatus as S, RowValue, Value};

const CONSEQUENCE: Option<&str> = Some("不予支持");

const RATES: [(&str, &str); 4] = [
    ("turnkey_rate", "交钥匙率"),
    ("share_response_rate", "数据共享响应率"),
    ("history_complete_rate", "历史数据完整率"),
    ("update_timely_rate", "数据更新及时率"),
];

/// PLAN-RL1.
pub static RL1: CheckDef = CheckDef {
    id: "PLAN-RL1",
    title: "存量数据编目注册，“交钥匙”率等四率达标",
    stage: StageId::Plan,
    kind: CheckKind::RedLine,
    seed: "一(三)1 存量数据未编目、注册或信息系统“交钥匙”率、数据共享响应率、历史数据完整率、数据更新及时率过低的，对整体规划不予支持。",
    consequence: CONSEQUENCE,
    reads: &["catalogued", "turnkey_rate", "share_response_rate", "history_complete_rate", "update_timely_rate"],
    params: &["rate_floor_percent"],
    doc: "Violated when 存量数据编目注册 is 否 or any of the four rates is below rate_floor_percent (60).",
    doc_zh: "存量数据编目注册为否，或四项比率之一低于 rate_floor_percent（60%）时违反。",
    run: Runner::Package(rl1),
};

fn rl1(ctx: &Ctx) -> Outcome {
    let floor = ctx.param("rate_floor_percent", 60.0);
    let mut evidence = vec![ctx.evidence("catalogued")];
    let mut low = Vec::new();
    let mut unknown = Vec::new();
    let mut low_at = Vec::new();
    match ctx.flag("catalogued") {
        Some(false) => {
            low.push("存量数据编目注册 = 否".to_string());
            low_at.push(0);
        }
        Some(true) => {}
        None => unknown.push(("catalogued", "存量数据编目注册")),
    }
    for (name, zh) in RATES {
        evidence.push(ctx.evidence(name));
        match ctx.number(name) {
            Some(v) if v < floor => {
                low.push(format!("{zh} {v}% < {floor}%"));
                low_at.push(evidence.len() - 1);
            }
            Some(_) => {}
            None => unknown.push((name, zh)),
        }
    }
    if !low.is_empty() {
        return Outcome::new(
            S::Violated,
            format!("整体规划不予支持：{}", low.join("；")),
            format!("the plan is not supported: {}", low.join("; ")),
            decided_by(evidence, &low_at),
        );
    }
    if !unknown.is_empty() {
        let zh: Vec<&str> = unknown.iter().map(|(_, zh)| *zh).collect();
        let en: Vec<&str> = unknown.iter().map(|(id, _)| *id).collect();
        return Outcome::missing(&zh.join("、"), &en.join(", "), evidence);
    }
    Outcome::new(
        S::Satisfied,
        format!("存量数据已编目注册，四项比率均不低于 {floor}%"),
        format!("data catalogued and all four rates ≥ {floor}%"),
        evidence,
    )
}

/// PLAN-RL2.
pub static RL2: CheckDef = CheckDef {
    id: "PLAN-RL2",
    title: "项目与“三定”职责对应",
    stage: StageId::Plan,
    kind: CheckKind::RedLine,
    seed: "一(三)2 职责对不上、数据目录不规范的项目，不予支持。",
    consequence: CONSEQUENCE,
    reads: &["project_list.duties"],
    params: &[],
    doc: "Per project_list row: violated when 对应三定职责 is empty.",
    doc_zh: "逐项：项目清单中对应三定职责为空时违反。",
    run: Runner::Item(rl2),
};

fn rl2(_: &Ctx, row: &RowValue) -> Outcome {
    let ev = vec![cell_evidence("project_list", row, "duties")];
    if cell_text(row, "duties").is_empty() {
        Outcome::new(S::Violated, "对应三定职责为空", "对应三定职责 (duties) is empty", ev)
    } else {
        Outcome::new(S::Satisfied, "已填写对应三定职责", "duties stated", ev)
    }
}

fn system_names<'a>(ctx: &Ctx<'a>) -> Option<Vec<(String, &'a RowValue)>> {
    ctx.rows("data_directory_systems").map(|rows| {
        rows.iter()
            .map(|r| (normalize_keyword(&cell_text(r, "system_name")), r))
            .collect()
    })
}

fn row_systems(row: &RowValue) -> Vec<String> {
    match row.cells.get("systems").map(|c| &c.value) {
        Some(Value::List(l)) => l.clone(),
        _ => Vec::new(),
    }
}

/// PLAN-RL3.
pub static RL3: CheckDef = CheckDef {
    id: "PLAN-RL3",
    title: "项目与数据目录、系统目录对应",
    stage: StageId::Plan,
    kind: CheckKind::RedLine,
    seed: "一(三)3 与数据目录、系统目录信息不对应的项目，不予支持。（一(二)3(3) 政务信息系统在目录区块链“上户口”）",
    consequence: CONSEQUENCE,
    reads: &["project_list.systems", "data_directory_systems.system_name"],
    params: &[],
    doc: "Per row: violated when 涉及系统 is empty or names a system missing from the data directory's system sheet.",
    doc_zh: "逐项：涉及系统为空，或所列系统不在数据目录的系统表中时违反。",
    run: Runner::Item(rl3),
};

fn rl3(ctx: &Ctx, row: &RowValue) -> Outcome {
    let mut ev = vec![cell_evidence("project_list", row, "systems")];
    let systems = row_systems(row);
    if systems.is_empty() {
        return Outcome::new(S::Violated, "涉及系统为空", "涉及系统 (systems) is empty", ev);
    }
    let Some(known) = system_names(ctx) else {
        return Outcome::missing("数据目录的系统表", "the data directory's system sheet", ev);
    };
    let unknown: Vec<&String> = systems
        .iter()
        .filter(|s| !known.iter().any(|(k, _)| *k == normalize_keyword(s)))
        .collect();
    for s in &systems {
        if let Some((_, r)) = known.iter().find(|(k, _)| *k == normalize_keyword(s)) {
            ev.push(cell_evidence("data_directory_systems", r, "system_name"));
        }
    }
    if unknown.is_empty() {
        Outcome::new(
            S::Satisfied,
            "涉及系统均已在系统目录登记",
            "every system is in the system directory",
            ev,
        )
    } else {
        let names: Vec<&str> = unknown.iter().map(|s| s.as_str()).collect();
        // The row's 涉及系统 cell names them; the directory rows found are the ones that match.
        Outcome::new(
            S::Violated,
            format!("系统目录中没有：{}", names.join("、")),
            format!("not in the system directory: {}", names.join(", ")),
            decided_by(ev, &[0]),
        )
    }
}

/// PLAN-RL4.
pub static RL4: CheckDef = CheckDef {
    id: "PLAN-RL4",
    title: "符合指引建设方向",
    stage: StageId::Plan,
    kind: CheckKind::RedLine,
    seed: "一(三)4 与指引建设方向及本单位“三定”职责不一致，不予支持。",
    consequence: CONSEQUENCE,
    reads: &["project_list.guidance_direction", "reference:guidance_directions"],
    params: &[],
    doc: "Per row: violated when 对应指引方向 is not one of the guidance directions (reference data).",
    doc_zh: "逐项：对应指引方向不在指引建设方向（参考数据）之中时违反。",
    run: Runner::Item(rl4),
};

fn rl4(ctx: &Ctx, row: &RowValue) -> Outcome {
    let ev = vec![cell_evidence("project_list", row, "guidance_direction")];
    let dir = cell_text(row, "guidance_direction");
    if !dir.is_empty() && ctx.reference.guidance_directions.contains(&normalize_keyword(&dir)) {
        Outcome::new(
            S::Satisfied,
            format!("指引方向 {dir} 在年度指引内"),
            format!("guidance direction {dir} is listed"),
            ev,
        )
    } else {
        let shown = if dir.is_empty() { "（空）".to_string() } else { dir };
        Outcome::new(
            S::Violated,
            format!("指引方向 {shown} 不在年度指引方向内"),
            format!("guidance direction {shown} is not a listed direction"),
            ev,
        )
    }
}

/// PLAN-RL5.
pub static RL5: CheckDef = CheckDef {
    id: "PLAN-RL5",
    title: "统筹使用全市共性平台",
    stage: StageId::Plan,
    kind: CheckKind::RedLine,
    seed: "一(三)5 未统筹使用全市共性平台的、未实现集约化建设的项目，不予支持。",
    consequence: CONSEQUENCE,
    reads: &["project_list.uses_shared_platform"],
    params: &[],
    doc: "Per row: violated when 是否使用全市共性平台 is 否.",
    doc_zh: "逐项：是否使用全市共性平台为否时违反。",
    run: Runner::Item(rl5),
};

fn rl5(_: &Ctx, row: &RowValue) -> Outcome {
    let ev = vec![cell_evidence("project_list", row, "uses_shared_platform")];
    match cell_bool(row, "uses_shared_platform") {
        Some(false) => Outcome::new(
            S::Violated,
            "未使用全市共性平台",
            "does not use the city's shared platform",
            ev,
        ),
        Some(true) => Outcome::new(S::Satisfied, "使用全市共性平台", "uses the city's shared platform", ev),
        None => Outcome::missing("该行的是否使用全市共性平台", "是否使用全市共性平台 of the row", ev),
    }
}

/// PLAN-RL6.
pub static RL6: CheckDef = CheckDef {
    id: "PLAN-RL6",
    title: "升级改造所涉系统已投入运行",
    stage: StageId::Plan,
    kind: CheckKind::RedLine,
    seed: "一(三)6 所涉及系统未投入运行的升级改造项目，不予支持。",
    consequence: CONSEQUENCE,
    reads: &["project_list.project_type", "project_list.systems", "data_directory_systems.running_status", "progress_table.running_status"],
    params: &[],
    doc: "Per 升级改造 row: violated when one of its systems is not in operation (system sheet 运行状态, else the progress table's).",
    doc_zh: "逐项（升级改造）：所涉系统之一未投入运行时违反（依系统表的运行状态，否则依进度表）。",
    run: Runner::Item(rl6),
};

/// SPEC §5: 已投入运行 / 运行中 = in operation; 在建, 试运行, 停用 = not.
fn in_operation(status: &str) -> Option<bool> {
    let s = normalize_keyword(status);
    if s.contains("已投入运行") || s.contains("运行中") || s == "已运行" || s == "正常运行" {
        Some(true)
    } else if s.contains("在建") || s.contains("试运行") || s.contains("停用") || s.contains("未投入") {
        Some(false)
    } else {
        None
    }
}

fn rl6(ctx: &Ctx, row: &RowValue) -> Outcome {
    let mut ev = vec![cell_evidence("project_list", row, "project_type")];
    match row.cells.get("project_type").map(|c| &c.value) {
        Some(Value::Text(t)) if t == "upgrade" => {}
        Some(Value::Text(t)) if t == "new" => {
            return Outcome::new(S::NotApplicable, "新建项目，不适用", "new project: not applicable", ev)
        }
        _ => return Outcome::missing("该行的项目类型", "项目类型 of the row", ev),
    }
    let systems = row_systems(row);
    if systems.is_empty() {
        return Outcome::missing("该行的涉及系统", "涉及系统 of the row", ev);
    }
    let sys_rows = system_names(ctx).unwrap_or_default();
    let progress = ctx.rows("progress_table").unwrap_or(&[]);
    let mut not_running = Vec::new();
    let mut not_running_at = Vec::new();
    let mut unknown = Vec::new();
    for s in &systems {
        let key = normalize_keyword(s);
        let from_sheet = sys_rows
            .iter()
            .find(|(k, _)| *k == key)
            .map(|(_, r)| (*r, "data_directory_systems"));
        let from_progress = || {
            progress
                .iter()
                .find(|r| normalize_keyword(&cell_text(r, "project_name")).contains(&key))
                .map(|r| (r, "progress_table"))
        };
        let status = [from_sheet, from_progress()]
            .into_iter()
            .flatten()
            .find_map(|(r, field)| in_operation(&cell_text(r, "running_status")).map(|b| (b, r, field)));
        match status {
            Some((running, r, field)) => {
                ev.push(cell_evidence(field, r, "running_status"));
                if !running {
                    not_running.push(s.as_str());
                    not_running_at.push(ev.len() - 1);
                }
            }
            None => unknown.push(s.as_str()),
        }
    }
    if !not_running.is_empty() {
        return Outcome::new(
            S::Violated,
            format!("升级改造项目所涉及系统未投入运行：{}", not_running.join("、")),
            format!("upgrade of systems not in operation: {}", not_running.join(", ")),
            decided_by(ev, &not_running_at),
        );
    }
    if !unknown.is_empty() {
        return Outcome::missing(
            &format!("{}的运行状态", unknown.join("、")),
            &format!("运行状态 of {}", unknown.join(", ")),
            ev,
        );
    }
    Outcome::new(
        S::Satisfied,
        "所涉及系统均已投入运行",
        "every system is in operation",
        ev,
    )
}
