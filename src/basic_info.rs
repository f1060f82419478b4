//! The basic-info sheet (项目基本情况表, SPEC §5): a key/value form whose values decide the
//! stage, the project type and the conditional materials.
//!
//! SPEC §5: "A key/value sheet: a label cell, its value in the next non-empty cell to the right.
//! A row holding a known label directly followed by another label cell is a two-row form: each
//! label's value is the cell directly below it. Labels this table does not list (联系人, 联系电话)
//! are labels, not values."

use std::collections::BTreeMap;

use crate::extract::sheet::{cell_ref, Cell, Sheet, Workbook};
use crate::finding::{Code, Finding, Source};
use crate::names::normalize_label;
use crate::schema::{FieldSpec, FieldType, Schemas, StageId};
use crate::values::{self, Date, DateParse};
use crate::verdict::{Field, Value};

/// What the sheet said.
#[derive(Debug, Clone, Default)]
pub struct BasicInfo {
    /// Fields read, by field id.
    pub fields: BTreeMap<String, Field>,
    pub findings: Vec<Finding>,
    /// The stage named by `申报阶段`, when it names one.
    pub stage: Option<StageId>,
}

impl BasicInfo {
    /// A bool field's value, or its schema default.
    pub fn flag(&self, id: &str, schemas: &Schemas) -> Option<bool> {
        match self.fields.get(id).map(|f| &f.value) {
            Some(Value::Bool(b)) => Some(*b),
            _ => schemas
                .basic_info_fields
                .iter()
                .find(|f| f.id == id)
                .and_then(|f| f.default),
        }
    }

    /// A text field's value.
    pub fn text(&self, id: &str) -> Option<&str> {
        match self.fields.get(id).map(|f| &f.value) {
            Some(Value::Text(s)) => Some(s),
            _ => None,
        }
    }

    /// A date field's value.
    pub fn date(&self, id: &str) -> Option<Date> {
        match self.fields.get(id).map(|f| &f.value) {
            Some(Value::Date(d)) => Some(*d),
            _ => None,
        }
    }
}

/// How a label cell relates to the field table.
enum Label<'a> {
    Field(&'a FieldSpec),
    Other,
}

fn classify<'a>(cell: &Cell, schemas: &'a Schemas) -> Option<Label<'a>> {
    let Cell::Text(t) = cell else { return None };
    let n = normalize_label(t);
    if n.is_empty() {
        return None;
    }
    if let Some(f) = schemas.basic_info_fields.iter().find(|f| f.labels.contains(&n)) {
        return Some(Label::Field(f));
    }
    if schemas.other_labels.contains(&n) {
        return Some(Label::Other);
    }
    None
}

/// A label and its value written in one cell: `项目名称：某系统`.
fn inline_value<'a>(cell: &Cell, schemas: &'a Schemas) -> Option<(&'a FieldSpec, String)> {
    let Cell::Text(t) = cell else { return None };
    let t = t.replace('：', ":");
    let (label, value) = t.split_once(':')?;
    let n = normalize_label(label);
    let f = schemas.basic_info_fields.iter().find(|f| f.labels.contains(&n))?;
    let v = value.trim();
    (!v.is_empty()).then(|| (f, v.to_string()))
}

/// Where a label's value sits.
struct Hit<'a> {
    field: &'a FieldSpec,
    row: u32,
    col: u32,
    cell: Option<Cell>,
}

fn hits<'a>(sheet: &Sheet, schemas: &'a Schemas) -> Vec<Hit<'a>> {
    let mut out = Vec::new();
    for r in sheet.rows() {
        let cells: Vec<(u32, &Cell)> = sheet.row(r).collect();
        let labels: Vec<Option<Label<'a>>> = cells.iter().map(|(_, c)| classify(c, schemas)).collect();
        // Two-row form: a known label directly followed (next column) by another label cell.
        let two_row = cells.iter().zip(&labels).enumerate().any(|(i, ((col, _), l))| {
            matches!(l, Some(Label::Field(_)))
                && cells.get(i + 1).is_some_and(|(c2, _)| *c2 == col + 1)
                && matches!(labels.get(i + 1), Some(Some(_)))
        });
        for (i, ((col, cell), label)) in cells.iter().zip(&labels).enumerate() {
            let Some(Label::Field(f)) = label else {
                if let Some((f, v)) = inline_value(cell, schemas) {
                    out.push(Hit {
                        field: f,
                        row: r,
                        col: *col,
                        cell: Some(Cell::Text(v)),
                    });
                }
                continue;
            };
            if two_row {
                let below = sheet
                    .get(r + 1, *col)
                    .filter(|c| classify(c, schemas).is_none())
                    .cloned();
                out.push(Hit {
                    field: f,
                    row: r + 1,
                    col: *col,
                    cell: below,
                });
            } else {
                // The next non-empty cell to the right, unless it is itself a label.
                match (cells.get(i + 1), labels.get(i + 1)) {
                    (Some((c2, v)), Some(None)) => out.push(Hit {
                        field: f,
                        row: r,
                        col: *c2,
                        cell: Some((*v).clone()),
                    }),
                    _ => out.push(Hit {
                        field: f,
                        row: r,
                        col: *col,
                        cell: None,
                    }),
                }
            }
        }
    }
    out
}

/// Reads the basic-info fields from a workbook. The sheet with the most known labels is used.
pub fn read(wb: &Workbook, file: &str, schemas: &Schemas) -> BasicInfo {
    let mut info = BasicInfo::default();
    let best = wb
        .sheets
        .iter()
        .map(|s| (hits(s, schemas), s))
        .max_by_key(|(h, _)| h.len())
        .filter(|(h, _)| !h.is_empty());
    let Some((hits, sheet)) = best else {
        info.findings.push(
            Finding::new(
                Code::BasicInfoUnreadable,
                "项目基本情况表中找不到任何已知的标签（项目名称、申报单位等）",
                "no known label (项目名称, 申报单位, …) was found in the basic-info sheet",
            )
            .in_file(file),
        );
        return info;
    };
    for hit in hits {
        if info.fields.contains_key(&hit.field.id) {
            continue; // the first labelled value wins
        }
        let Some(cell) = hit.cell.filter(|c| !c.is_blank()) else {
            continue;
        };
        let source = Source {
            file: Some(file.to_string()),
            sheet: Some(sheet.name.clone()),
            cell: Some(cell_ref(hit.row, hit.col)),
            text: Some(cell.text()),
            ..Source::default()
        };
        match convert(hit.field, &cell, schemas) {
            Ok(Converted::Value(value)) => {
                if hit.field.ty == FieldType::Stage {
                    if let Value::Text(id) = &value {
                        info.stage = StageId::parse(id);
                    }
                }
                info.fields.insert(
                    hit.field.id.clone(),
                    Field {
                        value,
                        source,
                        statements: Vec::new(),
                    },
                );
            }
            Ok(Converted::Skip) => {}
            Err(finding) => info.findings.push(finding.at(source)),
        }
    }
    info
}

enum Converted {
    Value(Value),
    /// Nothing to emit and nothing to report.
    Skip,
}

type ConvertError = Box<Finding>;

/// The label a reviewer knows a field by (its first label in the sheet, `项目名称`).
fn label(field: &FieldSpec) -> &str {
    field.labels.first().map_or("该字段", String::as_str)
}

/// A value that cannot be read as its field's type; `what` names the type in Chinese and in
/// English.
fn bad(field: &FieldSpec, (what_zh, what_en): (&str, &str), cell: &Cell) -> ConvertError {
    Box::new(Finding::new(
        Code::BasicInfoBadValue,
        format!("{}的值“{}”无法识别为{what_zh}", label(field), cell.text()),
        format!("{}: {:?} is not {what_en}", field.id, cell.text()),
    ))
}

const A_DATE: (&str, &str) = ("日期", "a date");

fn convert(field: &FieldSpec, cell: &Cell, schemas: &Schemas) -> Result<Converted, ConvertError> {
    let text = values::normalize_text(&cell.text());
    let v = match field.ty {
        FieldType::Text => Value::Text(text),
        FieldType::CreditCode => {
            let code: String = text
                .chars()
                .filter(|c| !c.is_whitespace())
                .collect::<String>()
                .to_uppercase();
            if !credit_code_valid(&code) {
                return Err(Box::new(Finding::new(
                    Code::BasicInfoInvalidCreditCode,
                    format!("统一社会信用代码 {code} 未通过国家标准 GB 32100 的校验"),
                    format!("统一社会信用代码 {code} fails the GB 32100 check"),
                )));
            }
            Value::Text(code)
        }
        FieldType::Stage => match stage_of(&text, schemas) {
            Some(st) => Value::Text(st.as_str().to_string()),
            None => {
                return Err(Box::new(Finding::new(
                    Code::StageUnknownValue,
                    format!("申报阶段“{text}”不是已知的阶段"),
                    format!("申报阶段 {text:?} names no known stage"),
                )))
            }
        },
        FieldType::ProjectType => match project_type(&text) {
            Some(t) => Value::Text(t.to_string()),
            None => {
                return Err(bad(
                    field,
                    ("项目类型（新建 / 升级改造）", "a project type (新建 / 升级改造)"),
                    cell,
                ))
            }
        },
        FieldType::Date => match cell {
            Cell::Date { ymd: (y, m, d), .. } => {
                Value::Date(Date::new(*y, *m, *d).ok_or_else(|| bad(field, A_DATE, cell))?)
            }
            // A plain number in a date field is an Excel serial (1900 system).
            Cell::Number(n) if (1.0..2_958_466.0).contains(n) => {
                Value::Date(Date::from_excel_serial(*n, false).ok_or_else(|| bad(field, A_DATE, cell))?)
            }
            _ => match values::parse_date(&text) {
                DateParse::Date(d) => Value::Date(d),
                // SPEC §7: "finding value.bad_date (warning for a basic-info date field)".
                DateParse::Impossible { year, month, day } => {
                    let mut f = Finding::new(
                        Code::ValueBadDate,
                        format!("{}：{year}年{month}月{day}日不是真实存在的日期", label(field)),
                        format!("{}: {year}-{month}-{day} is not a real day", field.id),
                    );
                    f.severity = crate::finding::Severity::Warning;
                    return Err(Box::new(f));
                }
                DateParse::NotADate => return Err(bad(field, A_DATE, cell)),
            },
        },
        FieldType::Bool => match cell {
            Cell::Bool(b) => Value::Bool(*b),
            _ => Value::Bool(
                values::parse_bool(&text).ok_or_else(|| bad(field, ("“是”或“否”", "yes/no (是/否)"), cell))?,
            ),
        },
        FieldType::Year => {
            let y = match cell {
                Cell::Number(n) if n.fract() == 0.0 && (1000.0..=9999.0).contains(n) => Some(*n as i32),
                _ => values::parse_year(&text),
            };
            Value::Int(i64::from(y.ok_or_else(|| bad(field, ("年份", "a year"), cell))?))
        }
        FieldType::Number => match cell {
            Cell::Number(n) => Value::Number(*n),
            _ => Value::Number(values::parse_number(&text).ok_or_else(|| bad(field, ("数字", "a number"), cell))?),
        },
        FieldType::Percent => {
            let p = match cell {
                Cell::Number(n) => values::percent_from_number(*n),
                _ => values::parse_percent(&text),
            };
            Value::Number(p.ok_or_else(|| bad(field, ("百分比", "a percent"), cell))?)
        }
    };
    if matches!(&v, Value::Text(s) if s.is_empty()) {
        return Ok(Converted::Skip);
    }
    Ok(Converted::Value(v))
}

/// SPEC §5 `项目类型`: 新建 → `new`; 升级改造 / 升级 / 改造 → `upgrade`.
pub fn project_type(text: &str) -> Option<&'static str> {
    let t: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    if t.contains("新建") {
        Some("new")
    } else if t.contains("升级") || t.contains("改造") {
        Some("upgrade")
    } else {
        None
    }
}

/// The stage a `申报阶段` value or an archive name names (SPEC §2): the stage with the longest
/// stage word contained in the text; equally long words of two stages name none.
pub fn stage_of(text: &str, schemas: &Schemas) -> Option<StageId> {
    let t = crate::names::normalize_keyword(text);
    let mut best: Option<(usize, StageId)> = None;
    let mut tie = false;
    for st in &schemas.stages {
        let Some(len) = st
            .stage_words
            .iter()
            .filter(|w| t.contains(w.as_str()))
            .map(|w| w.chars().count())
            .max()
        else {
            continue;
        };
        match best {
            Some((l, s)) if l == len && s != st.stage => tie = true,
            Some((l, _)) if l >= len => {}
            _ => {
                best = Some((len, st.stage));
                tie = false;
            }
        }
    }
    if tie {
        None
    } else {
        best.map(|(_, s)| s)
    }
}

/// GB 32100-2015: 18 characters from `0-9A-HJ-NPQRTUWXY`, the last a check character computed
/// from the first 17 with weights 3^i mod 31.
pub fn credit_code_valid(code: &str) -> bool {
    const ALPHABET: &str = "0123456789ABCDEFGHJKLMNPQRTUWXY";
    const WEIGHTS: [u32; 17] = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
    let vals: Option<Vec<u32>> = code.chars().map(|c| ALPHABET.find(c).map(|i| i as u32)).collect();
    let Some(vals) = vals else { return false };
    if vals.len() != 18 {
        return false;
    }
    let sum: u32 = vals.iter().zip(WEIGHTS).map(|(v, w)| v * w).sum();
    let check = (31 - sum % 31) % 31;
    vals.get(17) == Some(&check)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn schemas() -> Schemas {
        Schemas::embedded().unwrap()
    }

    fn sheet(rows: &[&[&str]]) -> Workbook {
        Workbook {
            sheets: vec![Sheet::from_rows("Sheet1", rows)],
        }
    }

    #[test]
    fn key_value_rows_with_title_and_other_labels() {
        let wb = sheet(&[
            &["项目基本情况表"],
            &["项目名称", "", "某某系统升级改造项目", "联系人", "张三"],
            &["申报单位", "北京市某局"],
            &["项目类型", "升级改造"],
            &["申报日期", "2021年5月10日"],
            &["是否涉密", "否"],
            &["申报阶段", "投入使用"],
            &["联系电话", "12345"],
        ]);
        let info = read(&wb, "a/基本情况表.xlsx", &schemas());
        assert_eq!(info.text("project_name"), Some("某某系统升级改造项目"));
        assert_eq!(info.fields["project_name"].source.cell.as_deref(), Some("C2"));
        assert_eq!(info.text("applicant"), Some("北京市某局"));
        assert_eq!(info.text("project_type"), Some("upgrade"));
        assert_eq!(
            info.date("submission_date").map(|d| d.to_string()).as_deref(),
            Some("2021-05-10")
        );
        assert_eq!(info.flag("classified", &schemas()), Some(false));
        assert_eq!(info.stage, Some(StageId::Commissioning));
        assert!(info.findings.is_empty(), "{:?}", info.findings);
    }

    #[test]
    fn a_label_followed_by_another_label_has_no_value() {
        let wb = sheet(&[&["项目名称", "联系人", ""], &["申报单位", "北京市某局"]]);
        // 项目名称 directly followed by a label: a two-row form, value below (申报单位 is a label).
        let info = read(&wb, "x.xlsx", &schemas());
        assert!(!info.fields.contains_key("project_name"));
    }

    #[test]
    fn two_row_form_reads_values_below_labels() {
        let wb = sheet(&[
            &["项目基本信息"],
            &["项目名称", "申报单位", "申报日期", "联系人"],
            &["某系统建设项目", "北京市某局", "2021/3/15", "李四"],
        ]);
        let info = read(&wb, "x.xlsx", &schemas());
        assert_eq!(info.text("project_name"), Some("某系统建设项目"));
        assert_eq!(info.text("applicant"), Some("北京市某局"));
        assert_eq!(info.fields["applicant"].source.cell.as_deref(), Some("B3"));
        assert_eq!(
            info.date("submission_date").map(|d| d.to_string()).as_deref(),
            Some("2021-03-15")
        );
    }

    #[test]
    fn defaults_apply_when_bool_rows_are_absent() {
        let info = read(&sheet(&[&["项目名称", "X"]]), "x.xlsx", &schemas());
        assert_eq!(info.flag("classified", &schemas()), Some(false));
        assert_eq!(info.flag("within_duties", &schemas()), Some(true));
        assert_eq!(info.flag("uses_shared_platform", &schemas()), None);
    }

    #[test]
    fn credit_code_check_digit() {
        assert!(credit_code_valid("111100009054676170"));
        assert!(credit_code_valid("11110000736653653X"));
        assert!(!credit_code_valid("111100002514692096"));
        assert!(!credit_code_valid("11110000736653653"));
        let info = read(
            &sheet(&[&["统一社会信用代码", "111100002514692096"]]),
            "x.xlsx",
            &schemas(),
        );
        assert!(!info.fields.contains_key("credit_code"));
        assert_eq!(info.findings[0].code, Code::BasicInfoInvalidCreditCode);
    }

    #[test]
    fn impossible_submission_date_is_a_warning_not_a_value() {
        let info = read(&sheet(&[&["申报日期", "2021年2月30日"]]), "x.xlsx", &schemas());
        assert!(!info.fields.contains_key("submission_date"));
        assert_eq!(info.findings[0].code, Code::ValueBadDate);
        assert_eq!(info.findings[0].severity, crate::finding::Severity::Warning);
    }

    #[test]
    fn stage_words_pick_the_longest() {
        let s = schemas();
        assert_eq!(stage_of("投入使用申请", &s), Some(StageId::Commissioning));
        assert_eq!(
            stage_of("北京市应急管理局-危险化学品监管系统建设项目-绩效自评", &s),
            Some(StageId::Performance)
        );
        assert_eq!(stage_of("项目追加申请", &s), Some(StageId::Addition));
        assert_eq!(stage_of("规划备案", &s), Some(StageId::Plan));
        assert_eq!(stage_of("其他", &s), None);
    }
}
