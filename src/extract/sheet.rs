//! Spreadsheets as sparse grids of cells with their positions: xlsx/xlsm (streamed with
//! calamine's cell reader, never a dense range), xls and ods (calamine), csv (UTF-8 or GBK).
//!
//! Every later step (header finding, the basic-info key/value reading) works on [`Workbook`],
//! so a value always keeps its sheet and cell (STYLE.md point 6).

use std::collections::BTreeMap;
use std::io::Cursor;

use calamine::{Data, DataRef, Reader};

use crate::sniff::FileKind;

/// Most cells pingshen reads from one workbook; past it the workbook is refused, so a sheet
/// claiming a million rows cannot exhaust memory.
pub const MAX_CELLS: usize = 2_000_000;

/// One cell value, as the file stores it.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Text(String),
    Number(f64),
    Bool(bool),
    /// An Excel date-time cell: its serial and the calendar day it stands for in the workbook's
    /// date system (1900 or 1904), as (year, month, day).
    Date {
        serial: f64,
        ymd: (i32, u32, u32),
    },
    /// An ISO 8601 date or date-time (ods).
    DateIso(String),
}

impl Cell {
    /// The value as text, the way a person reads it in the sheet (numbers without a trailing
    /// `.0`).
    pub fn text(&self) -> String {
        match self {
            Cell::Text(s) | Cell::DateIso(s) => s.clone(),
            Cell::Number(n) => format_number(*n),
            Cell::Bool(b) => (if *b { "TRUE" } else { "FALSE" }).to_string(),
            Cell::Date { ymd: (y, m, d), .. } => format!("{y:04}-{m:02}-{d:02}"),
        }
    }

    /// True when the cell holds only whitespace.
    pub fn is_blank(&self) -> bool {
        matches!(self, Cell::Text(s) if s.trim().is_empty())
    }
}

fn format_number(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        format!("{n}")
    }
}

/// One sheet: its name and its non-empty cells by (row, column), both 0-based.
#[derive(Debug, Clone, Default)]
pub struct Sheet {
    pub name: String,
    pub cells: BTreeMap<(u32, u32), Cell>,
}

impl Sheet {
    /// A sheet of text cells from rows of strings (empty strings are empty cells); for tests and
    /// for text tables.
    pub fn from_rows(name: &str, rows: &[&[&str]]) -> Sheet {
        let mut s = Sheet {
            name: name.to_string(),
            ..Sheet::default()
        };
        for (r, row) in (0u32..).zip(rows) {
            for (c, v) in (0u32..).zip(row.iter()) {
                if !v.is_empty() {
                    s.cells.insert((r, c), Cell::Text((*v).to_string()));
                }
            }
        }
        s
    }

    /// The cell at (row, col), if it holds a value.
    pub fn get(&self, row: u32, col: u32) -> Option<&Cell> {
        self.cells.get(&(row, col)).filter(|c| !c.is_blank())
    }

    /// The non-blank cells of one row, left to right.
    pub fn row(&self, row: u32) -> impl Iterator<Item = (u32, &Cell)> {
        self.cells
            .range((row, 0)..=(row, u32::MAX))
            .filter(|(_, c)| !c.is_blank())
            .map(|((_, col), c)| (*col, c))
    }

    /// The rows that hold at least one non-blank cell, in order.
    pub fn rows(&self) -> Vec<u32> {
        let mut out: Vec<u32> = self
            .cells
            .iter()
            .filter(|(_, c)| !c.is_blank())
            .map(|((r, _), _)| *r)
            .collect();
        out.dedup();
        out
    }
}

/// A workbook's sheets, in workbook order.
#[derive(Debug, Clone, Default)]
pub struct Workbook {
    pub sheets: Vec<Sheet>,
}

/// Why a table file could not be read.
#[derive(Debug, thiserror::Error)]
pub enum SheetError {
    #[error("not a spreadsheet ({0})")]
    NotATable(&'static str),
    #[error("spreadsheet cannot be read: {0}")]
    Broken(String),
    #[error("more than {MAX_CELLS} cells")]
    TooManyCells,
}

/// The A1-style reference of a 0-based (row, col): `(6, 2)` → `C7`.
pub fn cell_ref(row: u32, col: u32) -> String {
    let mut letters = Vec::new();
    let mut c = u64::from(col) + 1;
    while c > 0 {
        let rem = ((c - 1) % 26) as u8;
        letters.push(char::from(b'A' + rem));
        c = (c - 1) / 26;
    }
    letters.iter().rev().collect::<String>() + &(u64::from(row) + 1).to_string()
}

/// Reads a spreadsheet. `kind` is the sniffed type; text files are read as csv.
pub fn read_workbook(bytes: &[u8], kind: FileKind) -> Result<Workbook, SheetError> {
    match kind {
        FileKind::Xlsx => read_xlsx(bytes),
        FileKind::Xls | FileKind::Ods => read_dense(bytes),
        FileKind::Text => read_csv(bytes),
        other => Err(SheetError::NotATable(other.as_str())),
    }
}

fn push(sheet: &mut Sheet, count: &mut usize, pos: (u32, u32), cell: Cell) -> Result<(), SheetError> {
    *count += 1;
    if *count > MAX_CELLS {
        return Err(SheetError::TooManyCells);
    }
    sheet.cells.insert(pos, cell);
    Ok(())
}

fn date_cell(d: &calamine::ExcelDateTime) -> Cell {
    let (y, m, day, ..) = d.to_ymd_hms_milli();
    Cell::Date {
        serial: d.as_f64(),
        ymd: (i32::from(y), u32::from(m), u32::from(day)),
    }
}

fn from_data_ref(v: &DataRef<'_>) -> Option<Cell> {
    Some(match v {
        DataRef::Int(i) => Cell::Number(*i as f64),
        DataRef::Float(f) => Cell::Number(*f),
        DataRef::String(s) => Cell::Text(s.clone()),
        DataRef::SharedString(s) => Cell::Text((*s).to_string()),
        DataRef::Bool(b) => Cell::Bool(*b),
        DataRef::DateTime(d) => date_cell(d),
        DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => Cell::DateIso(s.clone()),
        DataRef::Error(_) | DataRef::Empty => return None,
    })
}

fn from_data(v: &Data) -> Option<Cell> {
    Some(match v {
        Data::Int(i) => Cell::Number(*i as f64),
        Data::Float(f) => Cell::Number(*f),
        Data::String(s) => Cell::Text(s.clone()),
        Data::Bool(b) => Cell::Bool(*b),
        Data::DateTime(d) => date_cell(d),
        Data::DateTimeIso(s) | Data::DurationIso(s) => Cell::DateIso(s.clone()),
        Data::Error(_) | Data::Empty => return None,
    })
}

/// Largest XML part of a workbook inspected before calamine reads it.
const MAX_XLSX_PART: u64 = 256 * 1024 * 1024;

/// calamine reserves room for `uniqueCount` shared strings before reading any: a file that claims
/// two billion strings would make it ask for tens of GB and abort the process. Every string needs
/// at least a few bytes of XML (`<si><t/></si>`), so a count larger than the part's size divided
/// by 4 is a lie, and the workbook is refused before calamine sees it.
fn check_shared_string_counts(bytes: &[u8]) -> Result<(), SheetError> {
    use std::io::Read;
    let Ok(mut zip) = zip::ZipArchive::new(Cursor::new(bytes)) else {
        return Ok(());
    };
    for i in 0..zip.len() {
        let Ok(entry) = zip.by_index(i) else { continue };
        if !entry.name().is_ok_and(|n| n.to_ascii_lowercase().ends_with(".xml")) {
            continue;
        }
        let mut part = Vec::new();
        if entry.take(MAX_XLSX_PART + 1).read_to_end(&mut part).is_err() {
            continue;
        }
        if part.len() as u64 > MAX_XLSX_PART {
            return Err(SheetError::Broken(format!(
                "an XML part is larger than {MAX_XLSX_PART} bytes"
            )));
        }
        let head = part.get(..part.len().min(64 * 1024)).unwrap_or(&part);
        let head = String::from_utf8_lossy(head);
        let Some(at) = head.find("<sst").or_else(|| head.find(":sst ")) else {
            continue;
        };
        let tag_end = head.get(at..).and_then(|t| t.find('>')).map_or(head.len(), |e| at + e);
        let tag = head.get(at..tag_end).unwrap_or("");
        // Only uniqueCount is reserved for (`count`, the number of references, may rightly be
        // far larger than the part).
        let attr = "uniqueCount=\"";
        let Some(v) = tag.find(attr).and_then(|p| tag.get(p + attr.len()..)) else {
            continue;
        };
        let digits: String = v.chars().take_while(char::is_ascii_digit).collect();
        if digits.is_empty() {
            continue;
        }
        let claimed: u128 = digits.parse().unwrap_or(u128::MAX);
        if claimed > (part.len() as u128) / 4 + 16 {
            return Err(SheetError::Broken(format!(
                "the shared strings claim {digits} unique strings in {} bytes",
                part.len()
            )));
        }
    }
    Ok(())
}

fn read_xlsx(bytes: &[u8]) -> Result<Workbook, SheetError> {
    check_shared_string_counts(bytes)?;
    let mut wb: calamine::Xlsx<_> =
        calamine::Xlsx::new(Cursor::new(bytes)).map_err(|e| SheetError::Broken(e.to_string()))?;
    let names = wb.sheet_names();
    let mut out = Workbook::default();
    let mut count = 0usize;
    for name in names {
        let mut sheet = Sheet {
            name: name.clone(),
            ..Sheet::default()
        };
        let mut reader = wb
            .worksheet_cells_reader(&name)
            .map_err(|e| SheetError::Broken(e.to_string()))?;
        while let Some(cell) = reader.next_cell().map_err(|e| SheetError::Broken(e.to_string()))? {
            if let Some(v) = from_data_ref(cell.get_value()) {
                push(&mut sheet, &mut count, cell.get_position(), v)?;
            }
        }
        out.sheets.push(sheet);
    }
    Ok(out)
}

fn read_dense(bytes: &[u8]) -> Result<Workbook, SheetError> {
    let mut wb =
        calamine::open_workbook_auto_from_rs(Cursor::new(bytes)).map_err(|e| SheetError::Broken(e.to_string()))?;
    let mut out = Workbook::default();
    let mut count = 0usize;
    for name in wb.sheet_names() {
        let range = wb
            .worksheet_range(&name)
            .map_err(|e| SheetError::Broken(e.to_string()))?;
        let mut sheet = Sheet {
            name: name.clone(),
            ..Sheet::default()
        };
        for (r, c, v) in range.used_cells() {
            if let Some(cell) = from_data(v) {
                let (r0, c0) = range.start().unwrap_or((0, 0));
                let pos = (r0.saturating_add(r as u32), c0.saturating_add(c as u32));
                push(&mut sheet, &mut count, pos, cell)?;
            }
        }
        out.sheets.push(sheet);
    }
    Ok(out)
}

/// RFC 4180 csv (quotes, doubled quotes, line breaks inside quotes), comma or tab separated.
fn read_csv(bytes: &[u8]) -> Result<Workbook, SheetError> {
    let text = crate::extract::text::decode(bytes);
    let first_line = text.lines().next().unwrap_or("");
    let sep = if first_line.matches('\t').count() > first_line.matches(',').count() {
        '\t'
    } else {
        ','
    };
    let mut sheet = Sheet {
        name: "csv".to_string(),
        ..Sheet::default()
    };
    let (mut row, mut col) = (0u32, 0u32);
    let mut field = String::new();
    let mut in_quotes = false;
    let mut count = 0usize;
    let mut chars = text.chars().peekable();
    let flush =
        |sheet: &mut Sheet, field: &mut String, row: u32, col: u32, count: &mut usize| -> Result<(), SheetError> {
            if !field.trim().is_empty() {
                push(sheet, count, (row, col), Cell::Text(std::mem::take(field)))?;
            }
            field.clear();
            Ok(())
        };
    while let Some(c) = chars.next() {
        if in_quotes {
            if c == '"' {
                if chars.peek() == Some(&'"') {
                    chars.next();
                    field.push('"');
                } else {
                    in_quotes = false;
                }
            } else {
                field.push(c);
            }
        } else if c == '"' && field.is_empty() {
            in_quotes = true;
        } else if c == sep {
            flush(&mut sheet, &mut field, row, col, &mut count)?;
            col = col.saturating_add(1);
        } else if c == '\n' || c == '\r' {
            if c == '\r' && chars.peek() == Some(&'\n') {
                chars.next();
            }
            flush(&mut sheet, &mut field, row, col, &mut count)?;
            row = row.saturating_add(1);
            col = 0;
        } else {
            field.push(c);
        }
    }
    flush(&mut sheet, &mut field, row, col, &mut count)?;
    Ok(Workbook { sheets: vec![sheet] })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cell_refs_are_a1_style() {
        assert_eq!(cell_ref(0, 0), "A1");
        assert_eq!(cell_ref(6, 2), "C7");
        assert_eq!(cell_ref(0, 25), "Z1");
        assert_eq!(cell_ref(0, 26), "AA1");
        assert_eq!(cell_ref(1_048_575, 16_383), "XFD1048576");
    }

    #[test]
    fn csv_in_gbk_with_quotes_is_read_with_positions() {
        let (bytes, _, _) = encoding_rs::GBK.encode("项目名称,\"某系统,二期\"\r\n申报日期,2021-05-10\n");
        let wb = read_csv(&bytes).unwrap();
        let s = &wb.sheets[0];
        assert_eq!(s.get(0, 0), Some(&Cell::Text("项目名称".into())));
        assert_eq!(s.get(0, 1), Some(&Cell::Text("某系统,二期".into())));
        assert_eq!(s.get(1, 1), Some(&Cell::Text("2021-05-10".into())));
    }

    #[test]
    fn numbers_print_like_the_sheet_shows_them() {
        assert_eq!(Cell::Number(2021.0).text(), "2021");
        assert_eq!(Cell::Number(93.4).text(), "93.4");
    }
}
