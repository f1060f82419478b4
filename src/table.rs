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
use crate::finding::Source;
use crate::names::normalize_label;
use crate::schema::{TableSpec, TableWords};

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
            page: None,
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
        let first = sheet
            .row(r)
            .next()
            .map(|(_, c)| normalize_label(&c.text()))
            .unwrap_or_default();
        if words.total_row.iter().any(|w| first.starts_with(w.as_str())) {
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
}
