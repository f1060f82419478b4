//! Cross-document consistency: a value the basic-info sheet declares that disagrees with the
//! document it comes from is a warning finding, so a reviewer looks before trusting either.
//!
//! Compared today: the basic-info 项目金额 (万元) against the 总投资 the proposal, application
//! form or addition request states, and against the comparison table's approved total
//! (commissioning), both to the cent.

use std::collections::BTreeMap;

use crate::finding::{Code, Finding, Source};
use crate::verdict::{Field, Value};

fn cents(wan: f64) -> i64 {
    (wan * 100.0).round() as i64
}

fn show(wan: f64) -> String {
    let c = cents(wan);
    format!("{}.{:02}", c / 100, (c % 100).abs())
}

/// The approved total of the comparison table (批复金额 summed), with the table's source.
fn comparison_total(fields: &BTreeMap<String, Field>) -> Option<(f64, Source)> {
    let f = fields.get("content_comparison")?;
    let Value::Rows(rows) = &f.value else { return None };
    let mut total = 0.0;
    let mut any = false;
    for r in rows {
        if let Some(Value::Number(n)) = r.cells.get("approved_amount").map(|c| &c.value) {
            total += n;
            any = true;
        }
    }
    any.then(|| (total, f.source.clone()))
}

/// Findings for values that disagree. `declared` is the 总投资 a document states (the material's
/// name, 万元, source).
pub fn amount_findings(fields: &BTreeMap<String, Field>, declared: Option<&(String, f64, Source)>) -> Vec<Finding> {
    let Some(basic) = fields.get("amount_wan") else {
        return Vec::new();
    };
    let amount = match basic.value {
        Value::Number(n) => n,
        Value::Int(i) => i as f64,
        _ => return Vec::new(),
    };
    let mut out = Vec::new();
    let mut compare = |what_zh: &str, what_en: &str, other: f64, src: &Source| {
        if cents(other) != cents(amount) {
            let cell = basic.source.cell.as_deref();
            let mut f = Finding::new(
                Code::ConsistencyAmountMismatch,
                format!(
                    "项目基本情况表中的项目金额 {} 万元（{}）与{what_zh} {} 万元不一致",
                    show(amount),
                    cell.map_or_else(|| "单元格不详".to_string(), |c| format!("单元格 {c}")),
                    show(other)
                ),
                format!(
                    "the basic-info amount {} ({}) disagrees with {what_en} {}",
                    show(amount),
                    cell.map_or_else(|| "basic info".to_string(), |c| format!("cell {c}")),
                    show(other)
                ),
            );
            f.source = Some(src.clone());
            out.push(f);
        }
    };
    if let Some((material, wan, src)) = declared {
        compare(
            &format!("{material}所述的总投资"),
            &format!("the total investment stated in {material}"),
            *wan,
            src,
        );
    }
    if let Some((total, src)) = comparison_total(fields) {
        compare(
            "建设内容与批复内容对比表的批复金额合计",
            "the comparison table's approved total",
            total,
            &src,
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field(v: Value, file: &str) -> Field {
        Field {
            value: v,
            source: Source::file(file),
            statements: Vec::new(),
        }
    }

    #[test]
    fn an_amount_that_disagrees_with_its_document_is_a_warning() {
        let mut fields = BTreeMap::new();
        fields.insert(
            "amount_wan".to_string(),
            field(Value::Number(1692.96), "基本情况表.xlsx"),
        );
        let same = ("addition_request".to_string(), 1692.96, Source::file("追加申请.docx"));
        assert!(amount_findings(&fields, Some(&same)).is_empty());
        let other = ("addition_request".to_string(), 1700.0, Source::file("追加申请.docx"));
        let f = amount_findings(&fields, Some(&other));
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].code, Code::ConsistencyAmountMismatch);
        assert_eq!(
            f[0].source.as_ref().and_then(|s| s.file.as_deref()),
            Some("追加申请.docx")
        );
        assert!(
            amount_findings(&BTreeMap::new(), Some(&other)).is_empty(),
            "no basic amount, nothing to compare"
        );
    }
}
