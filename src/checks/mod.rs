//! The checks of SPEC §8: red lines (红线) and requirements of the five stages, each one small
//! unit with its id, seed clause, kind, consequence, the fields it reads, and a function from the
//! package to a result (STYLE.md point 2). [`REGISTRY`] lists them all; `pingshen rules` prints it.
//!
//! A check never guesses: when an input it needs is missing or unreadable it is `undetermined`
//! and says which input; evidence names every value it used and where it came from.

pub mod addition;
pub mod commissioning;
pub mod performance;
pub mod plan;
pub mod review;

use std::collections::BTreeMap;

use crate::finding::Source;
use crate::materials::Facts;
use crate::reference::Reference;
use crate::schema::StageId;
use crate::values::Date;
use crate::verdict::{
    CellValue, Check, CheckKind, CheckStatus, Evidence, Field, MaterialStatus, Message, Presence, RowValue, Value,
};

/// SPEC §9: "`consequence` is the strictest of the violated red lines: 不予受理 > 不予通过评审 >
/// 不予出具同意投入使用意见 > 不予支持".
pub const CONSEQUENCES: [&str; 4] = ["不予受理", "不予通过评审", "不予出具同意投入使用意见", "不予支持"];

/// What a check sees of the package.
pub struct Ctx<'a> {
    pub stage: StageId,
    pub fields: &'a BTreeMap<String, Field>,
    pub materials: &'a [MaterialStatus],
    pub params: &'a BTreeMap<String, f64>,
    pub reference: &'a Reference,
    pub facts: &'a Facts,
    /// Bool fields' schema defaults (`classified` → false, …).
    pub defaults: &'a BTreeMap<String, bool>,
}

impl<'a> Ctx<'a> {
    /// A field, if read and fit to decide: a value read by OCR whose source carries a doubt
    /// (SPEC §6: below `ocr_min_confidence`, under seal ink, stated otherwise, not well formed)
    /// decides nothing, so a check that needs it is `undetermined`; [`Ctx::evidence`] still
    /// shows it.
    pub fn field(&self, name: &str) -> Option<&'a Field> {
        self.fields.get(name).filter(|f| f.source.doubt.is_none())
    }

    /// A date field.
    pub fn date(&self, name: &str) -> Option<Date> {
        match self.field(name)?.value {
            Value::Date(d) => Some(d),
            _ => None,
        }
    }

    /// A bool field, falling back to its schema default; a doubtful one is `None` (not the
    /// default: it was read, just not surely).
    pub fn flag(&self, name: &str) -> Option<bool> {
        if self.doubtful(name) {
            return None;
        }
        match self.field(name).map(|f| &f.value) {
            Some(Value::Bool(b)) => Some(*b),
            _ => self.defaults.get(name).copied(),
        }
    }

    /// True when the field was read by OCR but decides nothing (SPEC §6).
    pub fn doubtful(&self, name: &str) -> bool {
        self.fields.get(name).is_some_and(|f| f.source.doubt.is_some())
    }

    /// An integer field.
    pub fn int(&self, name: &str) -> Option<i64> {
        match self.field(name)?.value {
            Value::Int(i) => Some(i),
            Value::Number(n) if n.fract() == 0.0 => Some(n as i64),
            _ => None,
        }
    }

    /// A number field.
    pub fn number(&self, name: &str) -> Option<f64> {
        match self.field(name)?.value {
            Value::Number(n) => Some(n),
            Value::Int(i) => Some(i as f64),
            _ => None,
        }
    }

    /// A text field, trimmed; empty text counts as absent.
    pub fn text(&self, name: &str) -> Option<&'a str> {
        match &self.field(name)?.value {
            Value::Text(s) if !s.trim().is_empty() => Some(s.trim()),
            _ => None,
        }
    }

    /// A list field (`missing_sections`).
    pub fn list(&self, name: &str) -> Option<&'a [String]> {
        match &self.field(name)?.value {
            Value::List(l) => Some(l),
            _ => None,
        }
    }

    /// A table field's rows; `None` when the table was not read.
    pub fn rows(&self, name: &str) -> Option<&'a [RowValue]> {
        match &self.field(name)?.value {
            Value::Rows(r) => Some(r),
            _ => None,
        }
    }

    /// A material's status.
    pub fn material(&self, id: &str) -> Option<&'a MaterialStatus> {
        self.materials.iter().find(|m| m.id == id)
    }

    /// A numeric param of the stage schema (SPEC §8 `param:`), or `default` when the schema
    /// does not set it.
    pub fn param(&self, name: &str, default: f64) -> f64 {
        self.params.get(name).copied().unwrap_or(default)
    }

    /// Evidence for a field: its value and source, or a null value when it was not read.
    pub fn evidence(&self, name: &str) -> Evidence {
        match self.fields.get(name) {
            Some(f) => Evidence {
                field: name.to_string(),
                value: Some(f.value.clone()),
                source: Some(f.source.clone()),
                decisive: false,
            },
            None => Evidence {
                field: name.to_string(),
                value: None,
                source: None,
                decisive: false,
            },
        }
    }
}

/// Evidence for one cell of a table row.
pub fn cell_evidence(field: &str, row: &RowValue, column: &str) -> Evidence {
    let cell = row.cells.get(column);
    Evidence {
        field: format!("{field}.{column}"),
        value: cell.map(|c: &CellValue| c.value.clone()),
        source: Some(Source {
            file: Some(row.file.clone()),
            sheet: Some(row.sheet.clone()),
            cell: cell.map(|c| c.cell.clone()),
            ..Source::default()
        }),
        decisive: false,
    }
}

/// `evidence` with the items at `deciding` marked as deciding the check
/// ([`Evidence::decisive`]).
pub fn decided_by(mut evidence: Vec<Evidence>, deciding: &[usize]) -> Vec<Evidence> {
    for &i in deciding {
        if let Some(e) = evidence.get_mut(i) {
            e.decisive = true;
        }
    }
    evidence
}

/// A cell's value as a bool, when it is one.
pub fn cell_bool(row: &RowValue, column: &str) -> Option<bool> {
    match row.cells.get(column).map(|c| &c.value) {
        Some(Value::Bool(b)) => Some(*b),
        _ => None,
    }
}

/// A cell's value as text (empty when absent).
pub fn cell_text(row: &RowValue, column: &str) -> String {
    match row.cells.get(column).map(|c| &c.value) {
        Some(Value::Text(s)) => s.trim().to_string(),
        Some(Value::List(l)) => l.join("、"),
        Some(Value::Number(n)) => n.to_string(),
        Some(Value::Bool(b)) => (if *b { "是" } else { "否" }).to_string(),
        _ => String::new(),
    }
}

/// A check's result before it is dressed with the check's id and kind.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    pub status: CheckStatus,
    pub evidence: Vec<Evidence>,
    pub zh: String,
    pub en: String,
}

impl Outcome {
    /// An outcome with a message in both languages.
    pub fn new(status: CheckStatus, zh: impl Into<String>, en: impl Into<String>, evidence: Vec<Evidence>) -> Outcome {
        Outcome {
            status,
            evidence,
            zh: zh.into(),
            en: en.into(),
        }
    }

    /// `undetermined` because the named input is missing or unreadable; the input named in the
    /// reviewer's words in each language (the Chinese message is Chinese throughout).
    pub fn missing(zh: &str, en: &str, evidence: Vec<Evidence>) -> Outcome {
        Outcome::new(
            CheckStatus::Undetermined,
            format!("无法判定：缺少或无法读取{zh}"),
            format!("undetermined: {en} is missing or unreadable"),
            evidence,
        )
    }
}

/// How a check is run.
#[derive(Clone, Copy)]
pub enum Runner {
    /// Once per package.
    Package(fn(&Ctx) -> Outcome),
    /// Once per plan item (a project_list row); the package-level result summarises the rows
    /// (SPEC §8: "violated when any row violates it, else satisfied when a row was checked, else
    /// not_applicable").
    Item(fn(&Ctx, &RowValue) -> Outcome),
}

/// One check of SPEC §8.
pub struct CheckDef {
    /// Stable id (`COMM-RL4`).
    pub id: &'static str,
    /// What it asks, in a few Chinese words, as an office table names it (`保修期不少于2年`).
    pub title: &'static str,
    pub stage: StageId,
    pub kind: CheckKind,
    /// The seed clause, quoted.
    pub seed: &'static str,
    /// The seed's consequence for a red line.
    pub consequence: Option<&'static str>,
    /// Fields and materials it reads.
    pub reads: &'static [&'static str],
    /// Params it uses (names in the stage schema's `params`).
    pub params: &'static [&'static str],
    /// What it decides, in one sentence.
    pub doc: &'static str,
    /// The same in Chinese, for the reviewer (`explain`, `rules`).
    pub doc_zh: &'static str,
    pub run: Runner,
}

/// Every check, grouped by stage in spec order.
pub static REGISTRY: &[&CheckDef] = &[
    &plan::RL1,
    &plan::RL2,
    &plan::RL3,
    &plan::RL4,
    &plan::RL5,
    &plan::RL6,
    &addition::CONTENT,
    &addition::FUNDING,
    &review::RL1,
    &review::RL2,
    &review::RL3,
    &review::RL4,
    &review::RL5,
    &review::RL6,
    &commissioning::RL1,
    &commissioning::RL2,
    &commissioning::RL3,
    &commissioning::RL4,
    &commissioning::ACCEPTANCE,
    &commissioning::CONSISTENCY,
    &commissioning::SECURITY,
    &performance::DEADLINE,
    &performance::DEPT_DEADLINE,
    &performance::CONTENT,
];

/// The check with this id.
pub fn find(id: &str) -> Option<&'static CheckDef> {
    REGISTRY.iter().copied().find(|c| c.id.eq_ignore_ascii_case(id))
}

/// A check's result with its id, kind and consequence, and its deciding evidence marked
/// ([`Evidence::decisive`]). A check marks what decided it where it read several values (the
/// `否` cells among a table's); where it did not: an undetermined check was decided by the
/// values not read or not sure (no value, or an OCR value with a doubt, SPEC §6), a violated one
/// by all it read. Nothing is marked on any other status.
fn dress(def: &CheckDef, mut o: Outcome) -> Check {
    match o.status {
        CheckStatus::Violated | CheckStatus::Undetermined if !o.evidence.iter().any(|e| e.decisive) => {
            let unsure = |e: &Evidence| e.value.is_none() || e.source.as_ref().is_some_and(|s| s.doubt.is_some());
            let any_unsure = o.status == CheckStatus::Undetermined && o.evidence.iter().any(unsure);
            for e in &mut o.evidence {
                e.decisive = !any_unsure || unsure(e);
            }
        }
        CheckStatus::Violated | CheckStatus::Undetermined => {}
        _ => o.evidence.iter_mut().for_each(|e| e.decisive = false),
    }
    Check {
        id: def.id.to_string(),
        kind: def.kind,
        status: o.status,
        consequence: if o.status == CheckStatus::Violated {
            def.consequence.map(str::to_string)
        } else {
            None
        },
        evidence: o.evidence,
        message: Message { zh: o.zh, en: o.en },
    }
}

/// The checks of a stage and, for the plan, its items.
#[derive(Debug, Clone, Default)]
pub struct Results {
    pub checks: Vec<Check>,
    pub items: Vec<crate::verdict::Item>,
}

/// Runs every check of `ctx.stage`.
pub fn run(ctx: &Ctx) -> Results {
    let mut out = Results::default();
    let defs: Vec<&CheckDef> = REGISTRY.iter().copied().filter(|d| d.stage == ctx.stage).collect();
    let rows: &[RowValue] = ctx.rows("project_list").unwrap_or(&[]);
    let mut per_row: Vec<Vec<Check>> = vec![Vec::new(); rows.len()];
    for def in &defs {
        match def.run {
            Runner::Package(f) => out.checks.push(dress(def, f(ctx))),
            // The project list was not read (missing, unreadable, no header row): the item rules
            // cannot be decided, which is not the same as a list with no rows.
            Runner::Item(_) if ctx.rows("project_list").is_none() => {
                out.checks.push(dress(
                    def,
                    Outcome::missing("年度项目清单", "the project list (年度项目清单)", Vec::new()),
                ));
            }
            Runner::Item(f) => {
                let results: Vec<Outcome> = rows.iter().map(|r| f(ctx, r)).collect();
                for (i, o) in results.iter().enumerate() {
                    if let Some(slot) = per_row.get_mut(i) {
                        slot.push(dress(def, o.clone()));
                    }
                }
                out.checks.push(dress(def, summarise(def, rows, &results)));
            }
        }
    }
    for (row, checks) in rows.iter().zip(per_row) {
        if checks.is_empty() {
            continue;
        }
        let not_supported = checks.iter().any(|c| c.status == CheckStatus::Violated);
        out.items.push(crate::verdict::Item {
            key: cell_text(row, "project_name"),
            status: if not_supported {
                crate::verdict::ItemStatus::NotSupported
            } else {
                crate::verdict::ItemStatus::Supported
            },
            checks,
        });
    }
    out
}

/// SPEC §8 plan: "Each item rule also appears once in the package's `checks`: `violated` when any
/// row violates it, else `satisfied` when a row was checked, else `not_applicable`; its evidence
/// names the rows." Undetermined rows with no violation make it undetermined.
fn summarise(def: &CheckDef, rows: &[RowValue], results: &[Outcome]) -> Outcome {
    let name = |i: usize| rows.get(i).map(|r| cell_text(r, "project_name")).unwrap_or_default();
    let pick = |s: CheckStatus| -> Vec<usize> {
        results
            .iter()
            .enumerate()
            .filter(|(_, r)| r.status == s)
            .map(|(i, _)| i)
            .collect()
    };
    let row_evidence = |idx: &[usize]| -> Vec<Evidence> {
        idx.iter()
            .filter_map(|i| rows.get(*i))
            .map(|r| cell_evidence("project_list", r, "project_name"))
            .collect()
    };
    let violated = pick(CheckStatus::Violated);
    if !violated.is_empty() {
        let names: Vec<String> = violated.iter().map(|i| name(*i)).collect();
        return Outcome::new(
            CheckStatus::Violated,
            format!("不予支持的项目：{}", names.join("、")),
            format!("{}: violated by {}", def.id, names.join(", ")),
            row_evidence(&violated),
        );
    }
    let undetermined = pick(CheckStatus::Undetermined);
    if !undetermined.is_empty() {
        let names: Vec<String> = undetermined.iter().map(|i| name(*i)).collect();
        return Outcome::new(
            CheckStatus::Undetermined,
            format!("无法判定的项目：{}", names.join("、")),
            format!("undetermined for {}", names.join(", ")),
            row_evidence(&undetermined),
        );
    }
    let satisfied = pick(CheckStatus::Satisfied);
    if !satisfied.is_empty() {
        return Outcome::new(
            CheckStatus::Satisfied,
            format!("{} 个项目均符合", satisfied.len()),
            format!("satisfied by all {} checked rows", satisfied.len()),
            row_evidence(&satisfied),
        );
    }
    Outcome::new(
        CheckStatus::NotApplicable,
        "不适用：没有可检查的项目",
        "not applicable: no row to check",
        Vec::new(),
    )
}

/// The strictest consequence among violated red lines and not-supported plan items.
pub fn consequence(results: &Results) -> Option<String> {
    let violated = results
        .checks
        .iter()
        .chain(results.items.iter().flat_map(|i| i.checks.iter()))
        .filter(|c| c.status == CheckStatus::Violated)
        .filter_map(|c| c.consequence.as_deref());
    let mut best: Option<usize> = None;
    for c in violated {
        if let Some(rank) = CONSEQUENCES.iter().position(|x| *x == c) {
            best = Some(best.map_or(rank, |b: usize| b.min(rank)));
        }
    }
    best.and_then(|i| CONSEQUENCES.get(i)).map(|s| s.to_string())
}

/// True when a required material of these ids is missing.
pub fn missing_required(ctx: &Ctx, id: &str) -> bool {
    ctx.material(id)
        .is_some_and(|m| m.required && m.status == Presence::Missing)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn registry_ids_are_unique_documented_and_cover_spec_section_8() {
        let mut seen = std::collections::BTreeSet::new();
        for c in REGISTRY {
            assert!(seen.insert(c.id), "duplicate {}", c.id);
            assert!(
                !c.seed.is_empty() && !c.doc.is_empty() && !c.reads.is_empty(),
                "{} lacks docs",
                c.id
            );
            assert_eq!(
                c.kind == CheckKind::RedLine,
                c.consequence.is_some(),
                "{}: red lines carry a consequence",
                c.id
            );
            assert!(c.consequence.is_none_or(|x| CONSEQUENCES.contains(&x)), "{}", c.id);
        }
        let spec = [
            "PLAN-RL1",
            "PLAN-RL2",
            "PLAN-RL3",
            "PLAN-RL4",
            "PLAN-RL5",
            "PLAN-RL6",
            "REVIEW-RL1",
            "REVIEW-RL2",
            "REVIEW-RL3",
            "REVIEW-RL4",
            "REVIEW-RL5",
            "REVIEW-RL6",
            "COMM-RL1",
            "COMM-RL2",
            "COMM-RL3",
            "COMM-RL4",
            "COMM-REQ-ACCEPTANCE",
            "COMM-REQ-CONSISTENCY",
            "COMM-REQ-SECURITY",
            "PERF-REQ-DEADLINE",
            "PERF-REQ-DEPT-DEADLINE",
            "PERF-REQ-CONTENT",
            "ADD-REQ-CONTENT",
            "ADD-REQ-FUNDING",
        ];
        assert_eq!(seen.len(), spec.len());
        for id in spec {
            assert!(seen.contains(id), "{id} missing from the registry");
        }
    }
}
