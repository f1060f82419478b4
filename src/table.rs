//! Tables found in sheets (SPEC §5): the header row is found, not assumed; columns are named by
//! their headers in any order; every data row keeps its sheet and row, every value its cell.
//!
//! SPEC §5: "the first row within the first 15 rows of a sheet that holds at least two known
//! headers; title rows above it, merged header cells (a two-row header's upper cell spans the
//! lower ones) and any column order are normal. … A row whose cells are all empty ends nothing
//! (skip it); a row whose first cell is `合计`/`总计`/`小计` is a total row, not a data row. …
//! A row whose key cell … is empty is not a data row."

use std::collections::BTreeMap;

use crate::extract::sheet::{cell_ref, Cell, Sheet};
use crate::finding::{Code, Finding, Source};
use crate::names::normalize_label;
use crate::schema::{TableSpec, TableWords};
use crate::verdict::{CellValue, RowValue, Value};

/// How far down a sheet the header row may sit.
pub const HEADER_SEARCH_ROWS: u32 = 15;

/// One value of a data row, with its cell.
#[derive(Debug, Clone, PartialEq)]
pub struct TableCell {
    pub row: u32,
    pub col: u32,
    pub cell: Cell,
}

impl TableCell {
    /// The A1 reference of the cell.
    pub fn cell_ref(&self) -> String {
        cell_ref(self.row, self.col)
    }
}

/// A data row: its 0-based sheet row and its values by column id.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub row: u32,
    pub cells: BTreeMap<String, TableCell>,
}

impl Row {
    /// The text of a column's cell, trimmed, or "" when empty.
    pub fn text(&self, column: &str) -> String {
        self.cells
            .get(column)
            .map(|c| c.cell.text().trim().to_string())
            .unwrap_or_default()
    }

    /// Where a column's value came from.
    pub fn source(&self, file: &str, sheet: &str, column: &str) -> Source {
        let (cell, text) = match self.cells.get(column) {
            Some(c) => (c.cell_ref(), Some(c.cell.text())),
            None => (cell_ref(self.row, 0), None),
        };
        Source {
            file: Some(file.to_string()),
            sheet: Some(sheet.to_string()),
            cell: Some(cell),
            text,
            ..Source::default()
        }
    }
}

/// A table found in a sheet.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    pub sheet: String,
    /// 0-based row of the (upper) header row.
    pub header_row: u32,
    /// Column id → sheet column.
    pub columns: BTreeMap<String, u32>,
    pub rows: Vec<Row>,
}

impl Table {
    /// True when the table has this column.
    pub fn has(&self, column: &str) -> bool {
        self.columns.contains_key(column)
    }
}

fn header_names(sheet: &Sheet, row: u32, spec: &TableSpec) -> BTreeMap<u32, String> {
    sheet
        .row(row)
        .filter_map(|(col, c)| {
            let Cell::Text(t) = c else { return None };
            spec.column_for(&normalize_label(t)).map(|cs| (col, cs.id.clone()))
        })
        .collect()
}

/// Finds `spec`'s table in `sheet`, or `None` when no row in the first 15 holds two of its
/// headers.
pub fn find(sheet: &Sheet, spec: &TableSpec, words: &TableWords) -> Option<Table> {
    let rows = sheet.rows();
    let header_row = rows
        .iter()
        .copied()
        .take_while(|r| *r < HEADER_SEARCH_ROWS)
        .find(|r| header_names(sheet, *r, spec).len() >= 2)?;
    let upper = header_names(sheet, header_row, spec);
    // A second header row: the row right under holds known header names (merged upper cells
    // such as 共享属性 over 共享类型 / 共享条件). Each column takes the lower name when it has one.
    let lower = header_names(sheet, header_row + 1, spec);
    let (mut by_col, data_start) = if lower.is_empty() {
        (upper, header_row + 1)
    } else {
        let mut merged = upper;
        for (col, id) in lower {
            merged.insert(col, id);
        }
        (merged, header_row + 2)
    };
    // One column per id: the leftmost wins when a header repeats.
    let mut columns: BTreeMap<String, u32> = BTreeMap::new();
    for (col, id) in &by_col {
        columns.entry(id.clone()).or_insert(*col);
    }
    by_col.retain(|col, id| columns.get(id) == Some(col));
    let key_col = columns.get(&spec.key).copied();
    let mut out = Vec::new();
    for r in rows.into_iter().filter(|r| *r >= data_start) {
        // A total row: 合计/总计/小计 in its first cell, or in its key cell when the key column is
        // not the first (a layout with the amounts first).
        let first = sheet
            .row(r)
            .next()
            .map(|(_, c)| normalize_label(&c.text()))
            .unwrap_or_default();
        let key = key_col
            .and_then(|k| sheet.get(r, k))
            .map(|c| normalize_label(&c.text()))
            .unwrap_or_default();
        if words
            .total_row
            .iter()
            .any(|w| first.starts_with(w.as_str()) || key.starts_with(w.as_str()))
        {
            continue;
        }
        let cells: BTreeMap<String, TableCell> = by_col
            .iter()
            .filter_map(|(col, id)| {
                sheet.get(r, *col).map(|c| {
                    (
                        id.clone(),
                        TableCell {
                            row: r,
                            col: *col,
                            cell: c.clone(),
                        },
                    )
                })
            })
            .collect();
        if cells.is_empty() {
            continue;
        }
        if let Some(k) = key_col {
            if sheet.get(r, k).is_none() {
                continue;
            }
        }
        out.push(Row { row: r, cells });
    }
    Some(Table {
        sheet: sheet.name.clone(),
        header_row,
        columns,
        rows: out,
    })
}

/// Normalises one cell by its column's type (SPEC §7). `Err` carries the value as written when
/// it does not fit the type or the column's vocabulary.
fn cell_value(c: &Cell, spec: &crate::schema::ColumnSpec, words: &TableWords) -> (Value, bool) {
    use crate::schema::ColumnType;
    let written = crate::values::normalize_text(&c.text());
    let fits_vocab =
        |t: &str| spec.values.is_empty() || spec.values.iter().any(|v| *v == crate::names::normalize_keyword(t));
    match spec.ty {
        ColumnType::Text => {
            let ok = fits_vocab(&written);
            (Value::Text(written), ok)
        }
        ColumnType::Bool => match c {
            Cell::Bool(b) => (Value::Bool(*b), true),
            _ => match crate::values::parse_bool(&written) {
                Some(b) => (Value::Bool(b), true),
                None => (Value::Text(written), false),
            },
        },
        ColumnType::Number => match c {
            Cell::Number(n) => (Value::Number(*n), true),
            _ => match crate::values::parse_number(&written) {
                Some(n) => (Value::Number(n), true),
                None => (Value::Text(written), false),
            },
        },
        ColumnType::ProjectType => match crate::basic_info::project_type(&written) {
            Some(t) => (Value::Text(t.to_string()), true),
            None => (Value::Text(written), false),
        },
        ColumnType::List => {
            let mut parts = vec![c.text()];
            for sep in &words.list_separators {
                parts = parts
                    .iter()
                    .flat_map(|p| p.split(sep.as_str()).map(str::to_string).collect::<Vec<_>>())
                    .collect();
            }
            let items: Vec<String> = parts
                .iter()
                .map(|p| crate::values::normalize_text(p))
                .filter(|p| !p.is_empty())
                .collect();
            (Value::List(items), true)
        }
    }
}

/// The table's data rows as verdict values. With `report_bad`, a cell that does not fit its
/// column (a bool column that is not yes/no, a word outside the vocabulary) is a
/// `data_directory.bad_value` finding with its cell (SPEC §5).
pub fn row_values(
    t: &Table,
    spec: &TableSpec,
    words: &TableWords,
    file: &str,
    report_bad: bool,
) -> (Vec<RowValue>, Vec<Finding>) {
    let mut rows = Vec::new();
    let mut findings = Vec::new();
    for r in &t.rows {
        let mut cells = BTreeMap::new();
        for (id, tc) in &r.cells {
            let Some(col) = spec.columns.iter().find(|c| c.id == *id) else {
                continue;
            };
            let (value, ok) = cell_value(&tc.cell, col, words);
            if !ok && report_bad {
                let header = col.headers.first().map_or(id.as_str(), String::as_str);
                findings.push(
                    Finding::new(
                        Code::DataDirectoryBadValue,
                        format!("{header}的值“{}”不是该列允许填写的值", tc.cell.text()),
                        format!("{header} {:?} is not one of the values SPEC §5 allows", tc.cell.text()),
                    )
                    .at(r.source(file, &t.sheet, id)),
                );
            }
            cells.insert(
                id.clone(),
                CellValue {
                    value,
                    cell: tc.cell_ref(),
                },
            );
        }
        // Empty cells of the table's columns are kept as empty text, so evidence can still name
        // the cell a check found empty.
        for (id, col) in &t.columns {
            cells.entry(id.clone()).or_insert_with(|| CellValue {
                value: Value::Text(String::new()),
                cell: cell_ref(r.row, *col),
            });
        }
        rows.push(RowValue {
            file: file.to_string(),
            sheet: t.sheet.clone(),
            row: r.row + 1,
            cells,
        });
    }
    (rows, findings)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::Schemas;

    fn sheet(rows: &[&[&str]]) -> Sheet {
        Sheet::from_rows("S", rows)
    }

    #[test]
    fn title_rows_any_order_units_totals_and_empty_keys() {
        let sch = Schemas::embedded().unwrap();
        let s = sheet(&[
            &["建设内容与批复内容对比表"],
            &[],
            &[
                "实际金额（万元）",
                "序号",
                "批复建设内容",
                "实际建设内容",
                "批复金额\n(万元)",
                "变化情况",
            ],
            &["100", "1", "A", "A", "100", "一致"],
            &[],
            &["120", "2", "B", "B+", "100", "增加"],
            &["", "", "备注行", "", "", ""],
            &["合计", "", "", "", "200", ""],
        ]);
        let t = find(&s, &sch.tables["content_comparison"], &sch.table_words).unwrap();
        assert_eq!(t.header_row, 2);
        assert_eq!(t.columns["actual_amount"], 0);
        assert_eq!(t.rows.len(), 2);
        assert_eq!(t.rows[1].text("change"), "增加");
        assert_eq!(t.rows[1].cells["actual_amount"].cell_ref(), "A6");
    }

    #[test]
    fn two_row_header_takes_lower_names() {
        let sch = Schemas::embedded().unwrap();
        let s = sheet(&[
            &["信息资源名称", "所属系统", "共享属性", "", "汇聚状态"],
            &["", "", "共享类型", "共享条件", ""],
            &["人口数据", "人口系统", "无条件共享", "", "已汇聚"],
        ]);
        let t = find(&s, &sch.tables["data_sheet"], &sch.table_words).unwrap();
        assert_eq!(t.columns["share_type"], 2);
        assert_eq!(t.rows.len(), 1);
        assert_eq!(t.rows[0].text("share_type"), "无条件共享");
        assert_eq!(t.rows[0].text("aggregation"), "已汇聚");
    }

    #[test]
    fn a_header_below_row_15_is_not_found() {
        let sch = Schemas::embedded().unwrap();
        let mut rows: Vec<&[&str]> = vec![&["说明"]; 15];
        rows.push(&["项目名称", "项目类型"]);
        assert!(find(&sheet(&rows), &sch.tables["project_list"], &sch.table_words).is_none());
    }

    #[test]
    fn row_values_normalise_by_column_type_and_flag_bad_vocabulary() {
        let sch = Schemas::embedded().unwrap();
        let s = sheet(&[
            &["系统名称", "是否入云", "是否上链", "运行状态"],
            &["甲系统", "是", "√", "已投入运行"],
            &["乙系统", "待定", "否", "建设中"],
        ]);
        let spec = &sch.tables["system_sheet"];
        let t = find(&s, spec, &sch.table_words).unwrap();
        let (rows, findings) = row_values(&t, spec, &sch.table_words, "a.xlsx", true);
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].row, 2);
        assert_eq!(rows[0].cells["in_cloud"].value, Value::Bool(true));
        assert_eq!(rows[0].cells["on_chain"].value, Value::Bool(true));
        assert_eq!(rows[1].cells["in_cloud"].value, Value::Text("待定".into()));
        let cells: Vec<_> = findings
            .iter()
            .map(|f| f.source.as_ref().unwrap().cell.clone().unwrap())
            .collect();
        assert_eq!(cells, ["B3", "D3"]);
        let pl = &sch.tables["project_list"];
        let s = sheet(&[
            &["项目名称", "涉及系统", "预算金额（万元）"],
            &["甲项目", "A系统、B系统；C系统", "1,268.40"],
        ]);
        let (rows, findings) = row_values(
            &find(&s, pl, &sch.table_words).unwrap(),
            pl,
            &sch.table_words,
            "b.xlsx",
            false,
        );
        assert!(findings.is_empty());
        assert_eq!(
            rows[0].cells["systems"].value,
            Value::List(vec!["A系统".into(), "B系统".into(), "C系统".into()])
        );
        assert_eq!(rows[0].cells["budget"].value, Value::Number(1268.4));
    }
}
