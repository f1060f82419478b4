//! `pingshen rules` and `pingshen explain ID`: what each check, material and finding code means,
//! which clause of the measures (办法) it comes from, and the params in force. Chinese first, the
//! English term beside it.

use std::fmt::Write;

use crate::checks::{self, Runner};
use crate::finding::Code;
use crate::schema::{Requirement, Schemas, StageId};
use crate::verdict::CheckKind;

fn kind(k: CheckKind) -> &'static str {
    match k {
        CheckKind::RedLine => "红线 red line",
        CheckKind::Requirement => "要求 requirement",
    }
}

/// A seed quote split into its clause (`三(四)3`) and its words; the clause is empty when the
/// quote does not start with one.
fn clause(seed: &str) -> (&str, &str) {
    match seed.split_once(' ') {
        Some((c, words))
            if c.chars()
                .any(|ch| ch.is_ascii_digit() || "一二三四五六七八九十(".contains(ch)) =>
        {
            (c, words)
        }
        _ => ("", seed),
    }
}

/// `依据 basis：办法 三(四)3「…」`.
fn basis(seed: &str) -> String {
    match clause(seed) {
        ("", words) => format!("依据 basis：「{words}」"),
        (c, words) => format!("依据 basis：办法 {c}「{words}」"),
    }
}

/// A stage as `投入使用 commissioning`.
fn stage_words(s: StageId) -> String {
    format!("{} {}", crate::report::stage_zh(s), s.as_str())
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
                "title": c.title,
                "stage": c.stage.as_str(),
                "kind": c.kind,
                "consequence": c.consequence,
                "per_item": matches!(c.run, Runner::Item(_)),
                "doc": c.doc,
                "doc_zh": c.doc_zh,
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
        let _ = writeln!(o, "{}", stage_words(st));
        for c in checks::REGISTRY.iter().filter(|c| c.stage == st) {
            let per = if matches!(c.run, Runner::Item(_)) {
                "，逐项 per project_list row"
            } else {
                ""
            };
            let cons = c.consequence.map(|x| format!(" → {x}")).unwrap_or_default();
            let _ = writeln!(o, "  {:<24} {}  {}{per}{cons}", c.id, c.title, kind(c.kind));
            let _ = writeln!(o, "  {:<24} {}", "", c.doc_zh);
        }
    }
    o
}

fn requirement(r: &Requirement) -> String {
    match r {
        Requirement::Always => "必须提供 required".into(),
        Requirement::Optional => "可选 optional".into(),
        Requirement::When(c) => format!(
            "条件提供 required when {}",
            c.iter().map(|c| c.as_str()).collect::<Vec<_>>().join(" and ")
        ),
    }
}

fn format_words(f: &crate::schema::Format) -> &'static str {
    match f {
        crate::schema::Format::Table => "表格 table",
        crate::schema::Format::Doc => "文档 document",
        crate::schema::Format::Any => "任意 any",
    }
}

/// Explains a check id, a material id or a finding code; `None` when the id is unknown.
pub fn explain(id: &str, schemas: &Schemas) -> Option<String> {
    let mut o = String::new();
    if let Some(c) = checks::find(id) {
        let _ = writeln!(o, "{}  {}", c.id, c.title);
        let _ = writeln!(o, "  {}，{}阶段 stage", kind(c.kind), stage_words(c.stage));
        if let Some(x) = c.consequence {
            let _ = writeln!(o, "  后果 consequence：{x}");
        }
        if matches!(c.run, Runner::Item(_)) {
            let _ = writeln!(
                o,
                "  逐项判定 per project_list row：违反的项目不予支持 a violated row is not supported"
            );
        }
        let _ = writeln!(o, "  {}", basis(c.seed));
        let _ = writeln!(o, "  判定：{}", c.doc_zh);
        let _ = writeln!(o, "  decides: {}", c.doc);
        let reads: Vec<String> = c
            .reads
            .iter()
            .map(|r| match crate::report::field_zh(r) {
                Some(zh) => format!("{zh} {r}"),
                None => r.to_string(),
            })
            .collect();
        let _ = writeln!(o, "  读取 reads：{}", reads.join("、"));
        let params = &schemas.stage(c.stage).params;
        for p in c.params {
            let v = params.get(*p).map_or("(default)".to_string(), |v| v.to_string());
            let _ = writeln!(o, "  参数 param：{p} = {v}（schemas/{}.json \"params\"）", c.stage);
        }
        return Some(o);
    }
    let mut found = false;
    for st in &schemas.stages {
        if let Some(m) = st.material(id) {
            if !found {
                let _ = writeln!(o, "材料 material {id}  {}", m.name);
                found = true;
            }
            let excl = if m.exclude.is_empty() {
                String::new()
            } else {
                format!("（排除 exclude：{}）", m.exclude.join("、"))
            };
            let _ = writeln!(
                o,
                "  {}：{}，{}；关键词 keywords：{}{excl}；{}",
                stage_words(st.stage),
                requirement(&m.requirement),
                format_words(&m.format),
                m.keywords.join("、"),
                basis(&m.seed)
            );
        }
    }
    if found {
        return Some(o);
    }
    let code = Code::from_id(id)?;
    let sev = code.severity();
    let _ = writeln!(
        o,
        "发现 finding {}  {} {}",
        code.as_str(),
        crate::report::severity_zh(sev),
        crate::report::severity_id(sev)
    );
    let _ = writeln!(o, "  {}", code.description_zh());
    let _ = writeln!(o, "  {}", code.description());
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
        assert!(f.contains("警告 warning"), "{f}");
        assert!(c.contains("依据 basis：办法 三(四)3「保修方案中保修期限少于2年"), "{c}");
        assert!(c.contains("质保期（月） warranty_months"), "{c}");
        assert!(!c.contains("seed") && !m.contains("Doc"), "no internal names: {c}{m}");
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
        // The reviewer reads what each check decides in Chinese.
        for c in checks::REGISTRY {
            assert!(
                c.doc_zh.chars().filter(|&ch| crate::extract::is_cjk(ch)).count() >= 8,
                "{}",
                c.id
            );
            assert!(all.contains(c.doc_zh));
        }
    }
}
