//! `pingshen rules` and `pingshen explain ID`: what each check, material and finding code means,
//! where in the seed it comes from, and the params in force.

use std::fmt::Write;

use crate::checks::{self, Runner};
use crate::finding::Code;
use crate::schema::{Requirement, Schemas, StageId};
use crate::verdict::CheckKind;

fn kind(k: CheckKind) -> &'static str {
    match k {
        CheckKind::RedLine => "red line (红线)",
        CheckKind::Requirement => "requirement",
    }
}

/// The checks as JSON (`rules --format json`, `GET /v1/rules`): the ruleset and, per check, its
/// id, stage, kind, consequence, whether it runs per project_list row, and what it decides.
pub fn rules_json(stage: Option<StageId>, ruleset: &str) -> serde_json::Value {
    let checks: Vec<serde_json::Value> = checks::REGISTRY
        .iter()
        .filter(|c| stage.is_none_or(|s| s == c.stage))
        .map(|c| {
            serde_json::json!({
                "id": c.id,
                "stage": c.stage.as_str(),
                "kind": c.kind,
                "consequence": c.consequence,
                "per_item": matches!(c.run, Runner::Item(_)),
                "doc": c.doc,
            })
        })
        .collect();
    serde_json::json!({"ruleset": ruleset, "checks": checks})
}

/// [`explain`] as JSON (`explain --format json`, `GET /v1/explain/{id}`).
pub fn explain_json(id: &str, schemas: &Schemas) -> Option<serde_json::Value> {
    explain(id, schemas).map(|text| serde_json::json!({"id": id, "text": text}))
}

/// The list of checks, optionally of one stage: id, kind, consequence and what it decides.
pub fn rules(stage: Option<StageId>) -> String {
    let mut o = String::new();
    for st in StageId::ALL {
        if stage.is_some_and(|s| s != st) {
            continue;
        }
        let _ = writeln!(o, "{st}");
        for c in checks::REGISTRY.iter().filter(|c| c.stage == st) {
            let per = if matches!(c.run, Runner::Item(_)) {
                ", per project_list row"
            } else {
                ""
            };
            let cons = c.consequence.map(|x| format!(" → {x}")).unwrap_or_default();
            let _ = writeln!(o, "  {:<24} {}{per}{cons}", c.id, kind(c.kind));
            let _ = writeln!(o, "  {:<24} {}", "", c.doc);
        }
    }
    o
}

fn requirement(r: &Requirement) -> String {
    match r {
        Requirement::Always => "always".into(),
        Requirement::Optional => "optional".into(),
        Requirement::When(c) => format!(
            "when {}",
            c.iter().map(|c| c.as_str()).collect::<Vec<_>>().join(" and ")
        ),
    }
}

/// Explains a check id, a material id or a finding code; `None` when the id is unknown.
pub fn explain(id: &str, schemas: &Schemas) -> Option<String> {
    let mut o = String::new();
    if let Some(c) = checks::find(id) {
        let _ = writeln!(o, "{} — {} of the {} stage", c.id, kind(c.kind), c.stage);
        if let Some(x) = c.consequence {
            let _ = writeln!(o, "consequence: {x}");
        }
        if matches!(c.run, Runner::Item(_)) {
            let _ = writeln!(o, "runs per project_list row; a violated row is not supported");
        }
        let _ = writeln!(o, "seed: {}", c.seed);
        let _ = writeln!(o, "decides: {}", c.doc);
        let _ = writeln!(o, "reads: {}", c.reads.join(", "));
        let params = &schemas.stage(c.stage).params;
        for p in c.params {
            let v = params.get(*p).map_or("(default)".to_string(), |v| v.to_string());
            let _ = writeln!(o, "param {p} = {v}  (schemas/{}.json \"params\")", c.stage);
        }
        return Some(o);
    }
    let mut found = false;
    for st in &schemas.stages {
        if let Some(m) = st.material(id) {
            if !found {
                let _ = writeln!(o, "material {id} — {}", m.name);
                found = true;
            }
            let excl = if m.exclude.is_empty() {
                String::new()
            } else {
                format!(" (exclude {})", m.exclude.join(", "))
            };
            let _ = writeln!(
                o,
                "  {}: keywords {}{excl}; format {:?}; required {}; seed {}",
                st.stage,
                m.keywords.join(", "),
                m.format,
                requirement(&m.requirement),
                m.seed
            );
        }
    }
    if found {
        return Some(o);
    }
    let code = Code::from_id(id)?;
    let _ = writeln!(o, "finding {} ({:?})", code.as_str(), code.severity());
    let _ = writeln!(o, "{}", code.description());
    Some(o)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn explains_checks_materials_and_findings() {
        let s = Schemas::embedded().unwrap();
        let c = explain("COMM-RL3", &s).unwrap();
        assert!(
            c.contains("保修期限少于2年") && c.contains("min_warranty_months = 24"),
            "{c}"
        );
        let m = explain("final_acceptance", &s).unwrap();
        assert!(m.contains("竣工验收") && m.contains("commissioning"), "{m}");
        let f = explain("package.unsafe_entry_name", &s).unwrap();
        assert!(f.contains("Warning"), "{f}");
        assert!(explain("NOPE-1", &s).is_none());
        assert!(explain("comm-rl3", &s).is_some(), "ids are matched without case");
    }

    #[test]
    fn rules_list_every_check_of_a_stage() {
        let r = rules(Some(StageId::Plan));
        for id in ["PLAN-RL1", "PLAN-RL6"] {
            assert!(r.contains(id));
        }
        assert!(!r.contains("COMM-RL1"));
        let all = rules(None);
        assert!(checks::REGISTRY.iter().all(|c| all.contains(c.id)));
    }
}
