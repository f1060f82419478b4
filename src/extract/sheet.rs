//! Spreadsheets as sparse grids of cells with their positions: xlsx/xlsm (streamed with
//! calamine's cell reader, never a dense range), xls and ods (calamine), csv (UTF-8 or GBK) and
//! HTML tables ([`super::html`]; what web systems export as `.xls`). Only worksheets are read:
//! chart sheets hold no table. Cells read as the sheet shows them: a time-formatted cell is a
//! time, an elapsed-time cell a duration, a date-time keeps its time; text an ods keeps under a
//! merged range is no cell's value.
//!
//! Every later step (header finding, the basic-info key/value reading) works on [`Workbook`],
//! so a value always keeps its sheet and cell (STYLE.md point 6).
//!
//! calamine trusts parts of the files it reads (counts it reserves room for, repeat counts it
//! expands, dense grids it lays out), so each format is looked at first with bounded work and
//! refused when calamine's would pass a limit below: xlsx parts by their declared sizes, their
//! value elements and the shared-string count; xls by [`super::biff`]; ods by its repeat counts
//! and text. Whatever still panics inside calamine is a broken file, not a crash.

use std::collections::BTreeMap;
use std::io::{BufReader, Cursor, Read};
use std::panic::{catch_unwind, AssertUnwindSafe};

use calamine::{Data, DataRef, Reader};
use quick_xml::events::{BytesStart, Event};

use crate::sniff::FileKind;

pub use super::limits::{MAX_CELLS, MAX_CELL_CHARS, MAX_GRID_CELLS, MAX_GRID_TEXT, MAX_WORKBOOK_BYTES};

/// One cell value, as the file stores it.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Text(String),
    Number(f64),
    Bool(bool),
    /// An Excel date or date-time cell: its serial, the calendar day it stands for in the
    /// workbook's date system (1900 or 1904) as (year, month, day), and its time of day as
    /// (hour, minute, second) when the serial has one (to the nearest second).
    Date {
        serial: f64,
        ymd: (i32, u32, u32),
        time: Option<(u32, u32, u32)>,
    },
    /// An Excel cell formatted as a time of day (`h:mm:ss`) whose serial is less than one day:
    /// a time, not the day before the epoch. (hour, minute, second), to the nearest second.
    Time {
        serial: f64,
        hms: (u32, u32, u32),
    },
    /// A duration: an Excel cell formatted as elapsed time (`[h]:mm:ss`, `[mm]:ss`, `[ss]`) or
    /// an ods time value (`PT37H30M00S`), in whole seconds (negative when it is).
    Duration {
        seconds: i64,
    },
    /// An ISO 8601 date or date-time (ods), as `2021-03-15` or `2021-03-15 13:20:01`.
    DateIso(String),
}

impl Cell {
    /// The value as text, the way a person reads it in the sheet: numbers without a trailing
    /// `.0`, dates as `2021-03-15`, date-times as `2021-03-15 13:20:01`, times as `13:20:01`,
    /// durations as `37:30:00`.
    pub fn text(&self) -> String {
        match self {
            Cell::Text(s) | Cell::DateIso(s) => s.clone(),
            Cell::Number(n) => format_number(*n),
            Cell::Bool(b) => (if *b { "TRUE" } else { "FALSE" }).to_string(),
            Cell::Date {
                ymd: (y, m, d), time, ..
            } => match time {
                None => format!("{y:04}-{m:02}-{d:02}"),
                Some((h, mi, s)) => format!("{y:04}-{m:02}-{d:02} {h:02}:{mi:02}:{s:02}"),
            },
            Cell::Time { hms: (h, m, s), .. } => format!("{h:02}:{m:02}:{s:02}"),
            Cell::Duration { seconds } => {
                let sign = if *seconds < 0 { "-" } else { "" };
                let abs = seconds.unsigned_abs();
                format!("{sign}{:02}:{:02}:{:02}", abs / 3600, abs / 60 % 60, abs % 60)
            }
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
    /// A safety limit was passed; the message names it.
    #[error("limit exceeded: {0}")]
    Limit(String),
}

impl SheetError {
    /// Why the table cannot be read, in the reviewer's words, in Chinese (the English one, with
    /// the reader's own detail, is its `Display`).
    pub fn zh(&self) -> String {
        match self {
            SheetError::NotATable(kind) => format!(
                "不是电子表格（{}）",
                crate::sniff::FileKind::from_id(kind).map_or("未知格式的文件", |k| k.name_zh())
            ),
            SheetError::Broken(_) => "电子表格已损坏，无法读取".to_string(),
            SheetError::TooManyCells => format!("单元格超过 {MAX_CELLS} 个，未读取"),
            SheetError::Limit(_) => "电子表格超出安全限制（过大或数量过多），未读取".to_string(),
        }
    }
}

impl From<super::biff::BiffError> for SheetError {
    fn from(e: super::biff::BiffError) -> Self {
        match e {
            super::biff::BiffError::Broken(why) => SheetError::Broken(why),
            super::biff::BiffError::Limit(why) => SheetError::Limit(why),
        }
    }
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
        FileKind::Xlsx => {
            check_xlsx(bytes)?;
            guarded(|| read_xlsx(bytes))
        }
        FileKind::Xls => {
            super::biff::check(bytes)?;
            guarded(|| {
                let wb = calamine::Xls::new(Cursor::new(bytes)).map_err(|e| SheetError::Broken(e.to_string()))?;
                let is_1904 = wb.has_1904_epoch();
                read_dense(wb, is_1904)
            })
        }
        FileKind::Ods => {
            let covered = check_ods(bytes)?;
            guarded(|| {
                let wb = calamine::Ods::new(Cursor::new(bytes)).map_err(|e| SheetError::Broken(e.to_string()))?;
                // ods dates are ISO 8601 text, never serials.
                let mut wb = read_dense(wb, false)?;
                drop_covered(&mut wb, &covered);
                Ok(wb)
            })
        }
        FileKind::Text => read_text_table(bytes),
        other => Err(SheetError::NotATable(other.as_str())),
    }
}

/// Runs a calamine read; a panic inside it is a broken file.
fn guarded(read: impl FnOnce() -> Result<Workbook, SheetError>) -> Result<Workbook, SheetError> {
    catch_unwind(AssertUnwindSafe(read)).unwrap_or_else(|panic| {
        let what = panic
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| panic.downcast_ref::<String>().cloned())
            .unwrap_or_default();
        Err(SheetError::Broken(format!(
            "internal error in the spreadsheet reader: {what}"
        )))
    })
}

fn push(sheet: &mut Sheet, count: &mut usize, pos: (u32, u32), cell: Cell) -> Result<(), SheetError> {
    *count += 1;
    if *count > MAX_CELLS {
        return Err(SheetError::TooManyCells);
    }
    if let Cell::Text(t) | Cell::DateIso(t) = &cell {
        if super::limits::too_many_chars(t) {
            return Err(too_long(pos));
        }
    }
    sheet.cells.insert(pos, cell);
    Ok(())
}

fn too_long((row, col): (u32, u32)) -> SheetError {
    SheetError::Limit(format!(
        "cell {} holds more than {MAX_CELL_CHARS} characters",
        cell_ref(row, col)
    ))
}

/// Seconds in a day.
const DAY_SECONDS: f64 = 86_400.0;

/// (hour, minute, second) of a second of the day.
fn hms(second_of_day: u32) -> (u32, u32, u32) {
    (second_of_day / 3600, second_of_day / 60 % 60, second_of_day % 60)
}

/// An Excel date-formatted serial as the cell shows it: a duration when its format is elapsed
/// time (`[h]:mm:ss`), a time of day when it is less than a day, else a date with its time of day
/// when it has one. A serial no format can show (negative, not finite, past 9999-12-31) is a
/// number.
fn date_cell(d: &calamine::ExcelDateTime, is_1904: bool) -> Cell {
    const LAST_SERIAL: f64 = 2_958_466.0;
    let serial = d.as_f64();
    if !serial.is_finite() {
        return Cell::Number(serial);
    }
    if d.is_duration() {
        // Float-to-int casts saturate: a serial of 1e300 days is i64::MAX seconds, not a panic.
        return Cell::Duration {
            seconds: (serial * DAY_SECONDS).round() as i64,
        };
    }
    if !(0.0..LAST_SERIAL).contains(&serial) {
        return Cell::Number(serial);
    }
    let seconds = (serial * DAY_SECONDS).round();
    let day = (seconds / DAY_SECONDS).floor();
    // Between 0 and 86 399: `seconds` and `day` are whole, non-negative and bounded.
    let second_of_day = (seconds - day * DAY_SECONDS) as u32;
    if serial < 1.0 {
        // A time formatted cell of less than a day; 0.999 999 9 rounds to the next midnight,
        // which a clock shows as 00:00:00.
        return Cell::Time {
            serial,
            hms: hms(second_of_day % 86_400),
        };
    }
    let (y, m, dd, ..) =
        calamine::ExcelDateTime::new(day, calamine::ExcelDateTimeType::DateTime, is_1904).to_ymd_hms_milli();
    Cell::Date {
        serial,
        ymd: (i32::from(y), u32::from(m), u32::from(dd)),
        time: (second_of_day > 0).then(|| hms(second_of_day)),
    }
}

/// An ods date value (`2021-03-15`, `2021-03-15T13:20:01.5`) as the sheet shows it: the date,
/// then its time of day to the second after a space.
fn iso_date_cell(iso: &str) -> Cell {
    let iso = iso.trim();
    match iso.split_once('T') {
        Some((date, time)) => {
            let time = time.split(['.', ',', 'Z', '+']).next().unwrap_or(time);
            Cell::DateIso(format!("{date} {time}"))
        }
        None => Cell::DateIso(iso.to_string()),
    }
}

/// An ods time value, an ISO 8601 duration (`PT37H30M00S`, `-PT1H`, `P1DT2H`), as a duration in
/// whole seconds; text as written when it is not one.
fn iso_duration_cell(iso: &str) -> Cell {
    parse_iso_duration(iso.trim()).map_or_else(|| Cell::Text(iso.to_string()), |seconds| Cell::Duration { seconds })
}

/// Seconds of an ISO 8601 duration made of days, hours, minutes and seconds (the forms ods
/// writes); `None` for anything else, years and months included (their length varies).
fn parse_iso_duration(s: &str) -> Option<i64> {
    let (negative, s) = match s.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, s),
    };
    let s = s.strip_prefix('P')?;
    let (days, time) = match s.split_once('T') {
        Some((d, t)) => (d, Some(t)),
        None => (s, None),
    };
    let mut total = 0.0f64;
    let mut any = false;
    let mut add = |part: &str, units: &[(char, f64)]| -> Option<()> {
        let mut rest = part;
        let mut unit_index = 0;
        while !rest.is_empty() {
            let end = rest.find(|c: char| !(c.is_ascii_digit() || c == '.' || c == ','))?;
            let (number, tail) = rest.split_at(end);
            let unit = tail.chars().next()?;
            // Units in their order, each at most once.
            let at = units.iter().skip(unit_index).position(|(u, _)| *u == unit)? + unit_index;
            let value: f64 = number.replace(',', ".").parse().ok()?;
            total += value * units.get(at)?.1;
            unit_index = at + 1;
            any = true;
            rest = tail.get(unit.len_utf8()..)?;
        }
        Some(())
    };
    add(days, &[('D', DAY_SECONDS)])?;
    if let Some(t) = time {
        if t.is_empty() {
            return None;
        }
        add(t, &[('H', 3600.0), ('M', 60.0), ('S', 1.0)])?;
    }
    if !any || !total.is_finite() {
        return None;
    }
    let seconds = total.round() as i64;
    Some(if negative { seconds.saturating_neg() } else { seconds })
}

fn from_data_ref(v: &DataRef<'_>, is_1904: bool) -> Option<Cell> {
    Some(match v {
        DataRef::Int(i) => Cell::Number(*i as f64),
        DataRef::Float(f) => Cell::Number(*f),
        DataRef::String(s) => Cell::Text(s.clone()),
        DataRef::SharedString(s) => Cell::Text((*s).to_string()),
        DataRef::Bool(b) => Cell::Bool(*b),
        DataRef::DateTime(d) => date_cell(d, is_1904),
        DataRef::DateTimeIso(s) => iso_date_cell(s),
        DataRef::DurationIso(s) => iso_duration_cell(s),
        DataRef::Error(_) | DataRef::Empty => return None,
    })
}

fn from_data(v: &Data, is_1904: bool) -> Option<Cell> {
    Some(match v {
        Data::Int(i) => Cell::Number(*i as f64),
        Data::Float(f) => Cell::Number(*f),
        Data::String(s) => Cell::Text(s.clone()),
        Data::Bool(b) => Cell::Bool(*b),
        Data::DateTime(d) => date_cell(d, is_1904),
        Data::DateTimeIso(s) => iso_date_cell(s),
        Data::DurationIso(s) => iso_duration_cell(s),
        Data::Error(_) | Data::Empty => return None,
    })
}

/// Largest part of an xlsx or ods, by its declared size.
const MAX_XLSX_PART: u64 = 256 * 1024 * 1024;

/// The central directory of a workbook package, checked: every part within [`MAX_XLSX_PART`]
/// and all of them within [`MAX_WORKBOOK_BYTES`], by their declared sizes. `None` when it is not
/// a zip (calamine then fails on it too).
fn open_parts(bytes: &[u8]) -> Result<Option<zip::ZipArchive<Cursor<&[u8]>>>, SheetError> {
    let Ok(mut zip) = zip::ZipArchive::new(Cursor::new(bytes)) else {
        return Ok(None);
    };
    let mut total: u64 = 0;
    for i in 0..zip.len() {
        let Ok(entry) = zip.by_index_raw(i) else { continue };
        if entry.size() > MAX_XLSX_PART {
            let (size, max) = crate::units::human_sizes(entry.size(), MAX_XLSX_PART);
            return Err(SheetError::Limit(format!("a part declares {size} (more than {max})")));
        }
        total = total.saturating_add(entry.size());
    }
    if total > MAX_WORKBOOK_BYTES {
        let (total, max) = crate::units::human_sizes(total, MAX_WORKBOOK_BYTES);
        return Err(SheetError::Limit(format!(
            "the parts declare {total} (more than {max})"
        )));
    }
    Ok(Some(zip))
}

/// Counts the elements whose local name is `v` or `is` (the values of xlsx cells) in a stream
/// of XML, chunk by chunk; anything else between `<` and the end of the name is skipped.
#[derive(Default)]
struct ValueCounter {
    /// 0: text, 1: reading a tag name, 2: inside a tag after its name.
    state: u8,
    name: [u8; 4],
    name_len: usize,
    values: u64,
}

impl ValueCounter {
    fn feed(&mut self, chunk: &[u8]) {
        for &b in chunk {
            match self.state {
                0 => {
                    if b == b'<' {
                        self.state = 1;
                        self.name_len = 0;
                    }
                }
                1 => {
                    if b.is_ascii_whitespace() || b == b'>' || b == b'/' {
                        let name = self.name.get(..self.name_len).unwrap_or_default();
                        if self.name_len <= self.name.len() && (name == b"v" || name == b"is") {
                            self.values += 1;
                        }
                        self.state = if b == b'>' { 0 } else { 2 };
                    } else if b == b':' {
                        // A prefix: the local name starts after it.
                        self.name_len = 0;
                    } else {
                        if let Some(slot) = self.name.get_mut(self.name_len) {
                            *slot = b;
                        }
                        self.name_len = self.name_len.saturating_add(1);
                    }
                }
                _ => {
                    if b == b'>' {
                        self.state = 0;
                    }
                }
            }
        }
    }
}

/// Looks at an xlsx before calamine reads it: the parts' declared sizes ([`open_parts`]); the
/// value elements of every XML part, more than [`MAX_CELLS`] refused without parsing them; and
/// the shared strings' `uniqueCount`, which calamine reserves room for before reading any: a
/// file claiming two billion strings would make it ask for tens of GB and abort the process.
/// Every string needs at least a few bytes of XML (`<si><t/></si>`), so a count larger than the
/// part's size divided by 4 is a lie, and the workbook is refused.
fn check_xlsx(bytes: &[u8]) -> Result<(), SheetError> {
    const HEAD: usize = 64 * 1024;
    let Some(mut zip) = open_parts(bytes)? else {
        return Ok(());
    };
    let mut counter = ValueCounter::default();
    for i in 0..zip.len() {
        let Ok(mut entry) = zip.by_index(i) else { continue };
        if !entry.name().is_ok_and(|n| n.to_ascii_lowercase().ends_with(".xml")) {
            continue;
        }
        let mut head = Vec::new();
        let mut len: usize = 0;
        let mut buf = vec![0u8; HEAD];
        loop {
            let n = match entry.read(&mut buf) {
                Ok(0) | Err(_) => break,
                Ok(n) => n,
            };
            let chunk = buf.get(..n).unwrap_or_default();
            if head.len() < HEAD {
                head.extend_from_slice(chunk.get(..(HEAD - head.len()).min(n)).unwrap_or_default());
            }
            counter.feed(chunk);
            len = len.saturating_add(n);
        }
        if counter.values > MAX_CELLS as u64 {
            return Err(SheetError::TooManyCells);
        }
        check_unique_count(&head, len)?;
    }
    Ok(())
}

/// Refuses a shared-string table whose `uniqueCount` is more than its part (`len` bytes, whose
/// first bytes are `head`) could hold.
fn check_unique_count(head: &[u8], len: usize) -> Result<(), SheetError> {
    let head = String::from_utf8_lossy(head);
    let Some(at) = head.find("<sst").or_else(|| head.find(":sst ")) else {
        return Ok(());
    };
    let tag_end = head.get(at..).and_then(|t| t.find('>')).map_or(head.len(), |e| at + e);
    let tag = head.get(at..tag_end).unwrap_or("");
    // Only uniqueCount is reserved for (`count`, the number of references, may rightly be far
    // larger than the part).
    let attr = "uniqueCount=\"";
    let Some(v) = tag.find(attr).and_then(|p| tag.get(p + attr.len()..)) else {
        return Ok(());
    };
    let digits: String = v.chars().take_while(char::is_ascii_digit).collect();
    if digits.is_empty() {
        return Ok(());
    }
    let claimed: u128 = digits.parse().unwrap_or(u128::MAX);
    if claimed > (len as u128) / 4 + 16 {
        return Err(SheetError::Broken(format!(
            "the shared strings claim {digits} unique strings in {len} bytes"
        )));
    }
    Ok(())
}

/// What calamine's ods reader will build, counted as it builds it.
#[derive(Default, Clone, Copy)]
struct OdsTally {
    /// Cells pushed into the per-table vectors before rows are expanded.
    pushed: u64,
    /// Cells of the dense grids after rows are expanded (all tables).
    grid: u64,
    /// Bytes of cell text after columns and rows are expanded.
    text: u64,
}

impl OdsTally {
    fn check(&self) -> Result<(), SheetError> {
        if self.pushed > MAX_GRID_CELLS || self.grid > MAX_GRID_CELLS {
            return Err(SheetError::Limit(format!(
                "the ods tables expand to more than {MAX_GRID_CELLS} cells"
            )));
        }
        if self.text > MAX_GRID_TEXT {
            return Err(SheetError::Limit(format!(
                "the ods cells expand to more than {} MiB of text",
                MAX_GRID_TEXT >> 20
            )));
        }
        Ok(())
    }
}

/// calamine's limits on an ods sheet (it caps repeats so that a table has at most this many
/// rows and a row this many columns).
const ODS_MAX_ROWS: u64 = 1_048_576;
const ODS_MAX_COLUMNS: u64 = 16_384;

type OdsXml<'z> = quick_xml::Reader<BufReader<zip::read::ZipFile<'z, Cursor<&'z [u8]>>>>;

/// Looks at an ods before calamine reads it. calamine repeats a cell's value over
/// `table:number-columns-repeated` columns and a row over `table:number-rows-repeated` rows
/// (up to 100 M cells, 3 GB), expands `text:s text:c` into that many spaces, and lays each table
/// out as a dense grid; `content.xml` is walked the way calamine walks it and refused when the
/// cells or their text would pass [`MAX_GRID_CELLS`], [`MAX_GRID_TEXT`] or [`MAX_CELL_CHARS`].
/// No entity is expanded (quick-xml knows no DTD).
///
/// The same walk finds, per table, the covered cells (`table:covered-table-cell`, the cells a
/// merged range hides) to which calamine gives a value, as areas of the grid calamine lays out.
fn check_ods(bytes: &[u8]) -> Result<Vec<Vec<Area>>, SheetError> {
    let mut covered = Vec::new();
    let Some(mut zip) = open_parts(bytes)? else {
        return Ok(covered);
    };
    let Ok(content) = zip.by_name("content.xml") else {
        return Ok(covered);
    };
    let mut reader = quick_xml::Reader::from_reader(BufReader::new(content));
    let config = reader.config_mut();
    config.check_end_names = false;
    config.trim_text(false);
    config.expand_empty_elements = true;
    let mut tally = OdsTally::default();
    let mut buf = Vec::new();
    loop {
        buf.clear();
        match reader.read_event_into(&mut buf) {
            Ok(Event::Start(e)) if e.name().as_ref() == "table:table" => {
                let mut areas = Vec::new();
                let whole = ods_table(&mut reader, &mut tally, &mut areas)?;
                covered.push(areas);
                if !whole {
                    break;
                }
            }
            Ok(Event::Eof) | Err(_) => break,
            Ok(_) => {}
        }
    }
    Ok(covered)
}

/// An area of a sheet: first and last row, first and last column, 0-based.
type Area = (u32, u32, u32, u32);

/// An attribute's raw value.
fn raw_attr(e: &BytesStart<'_>, key: &str) -> Option<String> {
    e.attributes()
        .with_checks(false)
        .filter_map(Result::ok)
        .find(|a| a.key.as_ref() == key)
        .map(|a| a.value.into_owned())
}

/// A repeat count as calamine parses it; `None` when it does not parse (calamine then fails).
fn repeats(e: &BytesStart<'_>, key: &str) -> Option<u64> {
    match raw_attr(e, key) {
        Some(v) => v.trim().parse::<u64>().ok(),
        None => Some(1),
    }
}

/// One `table:table`; `Ok(false)` when the walk stops (calamine fails there). The areas of its
/// covered cells that hold a value are added to `covered`.
fn ods_table(reader: &mut OdsXml<'_>, tally: &mut OdsTally, covered: &mut Vec<Area>) -> Result<bool, SheetError> {
    let mut buf = Vec::new();
    let mut total_rows: u64 = 0;
    // First and last expanded row, first and last column of the non-empty cells.
    let mut area: Option<(u64, u64, u64, u64)> = None;
    loop {
        buf.clear();
        match reader.read_event_into(&mut buf) {
            Ok(Event::Start(e)) if e.name().as_ref() == "table:table-row" => {
                let Some(asked) = repeats(&e, "table:number-rows-repeated") else {
                    return Ok(false);
                };
                let rows = asked.min(ODS_MAX_ROWS.saturating_sub(total_rows));
                let Some(row) = ods_row(reader, (total_rows, rows), covered)? else {
                    return Ok(false);
                };
                tally.pushed = tally.pushed.saturating_add(row.pushed);
                tally.text = tally.text.saturating_add(row.text.saturating_mul(rows));
                if let (Some((c0, c1)), true) = (row.cols, rows > 0) {
                    let last = total_rows.saturating_add(rows - 1);
                    area = Some(match area {
                        None => (total_rows, last, c0, c1),
                        Some((r0, _, a0, a1)) => (r0, last, a0.min(c0), a1.max(c1)),
                    });
                }
                total_rows = total_rows.saturating_add(rows);
                // Checked row by row, so that a huge table is refused as soon as it is.
                OdsTally {
                    grid: tally.grid.saturating_add(area_cells(area)),
                    ..*tally
                }
                .check()?;
            }
            Ok(Event::End(e)) if e.name().as_ref() == "table:table" => break,
            // calamine reads a table until its end tag, taking the end of the part for just
            // another event: it would loop for ever.
            Ok(Event::Eof) => return Err(SheetError::Broken("the ods content ends inside a table".to_string())),
            Err(_) => return Ok(false),
            Ok(_) => {}
        }
    }
    tally.grid = tally.grid.saturating_add(area_cells(area));
    tally.check()?;
    Ok(true)
}

/// Cells of an area given as (first row, last row, first column, last column).
fn area_cells(area: Option<(u64, u64, u64, u64)>) -> u64 {
    area.map_or(0, |(r0, r1, c0, c1)| {
        (r1.saturating_sub(r0).saturating_add(1)).saturating_mul(c1.saturating_sub(c0).saturating_add(1))
    })
}

/// What one row adds.
struct OdsRow {
    pushed: u64,
    /// Bytes of text of the row's cells, columns expanded.
    text: u64,
    /// First and last column of its non-empty cells.
    cols: Option<(u64, u64)>,
}

/// One `table:table-row`, read as calamine's `read_row` reads it; `None` where it fails. `rows`
/// is the first row it stands for and how many (its repeat count); the areas of its covered
/// cells that hold a value are added to `covered`.
fn ods_row(reader: &mut OdsXml<'_>, rows: (u64, u64), covered: &mut Vec<Area>) -> Result<Option<OdsRow>, SheetError> {
    let mut buf = Vec::new();
    let mut row = OdsRow {
        pushed: 0,
        text: 0,
        cols: None,
    };
    let mut pending_empty: u64 = 0;
    loop {
        buf.clear();
        let e = match reader.read_event_into(&mut buf) {
            Ok(Event::Start(e)) if matches!(e.name().as_ref(), "table:table-cell" | "table:covered-table-cell") => {
                e.into_owned()
            }
            Ok(Event::End(e)) if e.name().as_ref() == "table:table-row" => return Ok(Some(row)),
            _ => return Ok(None),
        };
        let Some(asked) = repeats(&e, "table:number-columns-repeated") else {
            return Ok(None);
        };
        let Some(cell) = ods_cell(reader, &e)? else {
            return Ok(None);
        };
        let empty = pending_empty.min(ODS_MAX_COLUMNS.saturating_sub(row.pushed));
        row.pushed = row.pushed.saturating_add(empty);
        pending_empty = 0;
        let cols = asked.min(ODS_MAX_COLUMNS.saturating_sub(row.pushed));
        if cell.present {
            if cols > 0 {
                let (first, last) = (row.pushed, row.pushed + cols - 1);
                row.cols = Some(row.cols.map_or((first, last), |(a, _)| (a, last)));
                if e.name().as_ref() == "table:covered-table-cell" && rows.1 > 0 {
                    // Rows and columns are capped at 2^20 and 2^14 like calamine's: they fit.
                    let at = |v: u64| u32::try_from(v).unwrap_or(u32::MAX);
                    covered.push((at(rows.0), at(rows.0 + rows.1 - 1), at(first), at(last)));
                }
            }
            row.pushed = row.pushed.saturating_add(cols);
            row.text = row.text.saturating_add(cell.text.saturating_mul(cols));
        } else {
            pending_empty = cols;
        }
    }
}

/// One cell's value as calamine's `get_datatype` reads it.
struct OdsCell {
    /// calamine keeps the cell (a value or a formula).
    present: bool,
    /// Bytes of its text and formula.
    text: u64,
}

/// Reads a cell's attributes and, for a text cell, its content up to its end (calamine reads
/// nothing else of a cell and skips to its end); `None` where calamine fails.
fn ods_cell(reader: &mut OdsXml<'_>, e: &BytesStart<'_>) -> Result<Option<OdsCell>, SheetError> {
    let (mut value_set, mut is_string, mut is_error) = (false, false, false);
    let (mut value_len, mut formula_len) = (0u64, 0u64);
    for a in e.attributes().with_checks(false).filter_map(Result::ok) {
        let len = u64::try_from(a.value.len()).unwrap_or(u64::MAX);
        match a.key.as_ref() {
            "office:value"
            | "office:string-value"
            | "office:date-value"
            | "office:time-value"
            | "office:boolean-value"
                if !value_set =>
            {
                value_set = true;
                value_len = len;
            }
            "office:value-type" if !value_set => is_string = a.value.as_ref() == "string",
            "calcext:value-type" => is_error = a.value.as_ref() == "error",
            "table:formula" => formula_len = len,
            _ => {}
        }
    }
    let mut buf = Vec::new();
    if (!value_set && is_string) || (is_error && value_len == 0) {
        let mut text: u64 = 0;
        let mut annotation = 0usize;
        loop {
            buf.clear();
            match reader.read_event_into(&mut buf) {
                Ok(Event::End(end)) if annotation == 0 && is_cell(end.name().as_ref()) => break,
                Ok(Event::Start(s)) if s.name().as_ref() == "office:annotation" => annotation += 1,
                Ok(Event::End(end)) if end.name().as_ref() == "office:annotation" => {
                    annotation = annotation.saturating_sub(1);
                }
                Ok(_) if annotation > 0 => {}
                Ok(Event::Text(t)) => text = text.saturating_add(u64::try_from(t.len()).unwrap_or(u64::MAX)),
                Ok(Event::GeneralRef(_)) => text = text.saturating_add(4),
                Ok(Event::Start(s)) => match s.name().as_ref() {
                    "text:s" => {
                        let Some(n) = repeats(&s, "text:c") else {
                            return Ok(None);
                        };
                        text = text.saturating_add(n);
                    }
                    "text:p" | "text:tab" | "text:line-break" => text = text.saturating_add(1),
                    _ => {}
                },
                Ok(Event::Eof) | Err(_) => return Ok(None),
                Ok(_) => {}
            }
            if text > (MAX_CELL_CHARS as u64).saturating_mul(4) {
                return Err(SheetError::Limit(format!(
                    "an ods cell holds more than {MAX_CELL_CHARS} characters"
                )));
            }
        }
        return Ok(Some(OdsCell {
            present: true,
            text: text.saturating_add(formula_len),
        }));
    }
    // calamine skips the rest of the cell.
    if reader.read_to_end_into(e.name(), &mut buf).is_err() {
        return Ok(None);
    }
    Ok(Some(OdsCell {
        present: value_set || formula_len > 0,
        text: value_len.saturating_add(formula_len),
    }))
}

fn is_cell(name: &str) -> bool {
    matches!(name, "table:table-cell" | "table:covered-table-cell")
}

/// The names of a workbook's data sheets, in workbook order: its worksheets. A chart sheet
/// (xlsx `xl/chartsheets/`, xls BOUNDSHEET type 2) holds a chart and at most the chart's cached
/// series values, a dialog, macro or module sheet holds no table: none of them is read.
fn data_sheet_names(sheets: &[calamine::Sheet]) -> Vec<String> {
    sheets
        .iter()
        .filter(|s| s.typ == calamine::SheetType::WorkSheet)
        .map(|s| s.name.clone())
        .collect()
}

fn read_xlsx(bytes: &[u8]) -> Result<Workbook, SheetError> {
    let mut wb: calamine::Xlsx<_> =
        calamine::Xlsx::new(Cursor::new(bytes)).map_err(|e| SheetError::Broken(e.to_string()))?;
    let is_1904 = wb.has_1904_epoch();
    let names = data_sheet_names(wb.sheets_metadata());
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
            if let Some(v) = from_data_ref(cell.get_value(), is_1904) {
                push(&mut sheet, &mut count, cell.get_position(), v)?;
            }
        }
        out.sheets.push(sheet);
    }
    Ok(out)
}

/// The data sheets of a workbook calamine reads as dense ranges (xls, ods), as sparse sheets.
fn read_dense<'a, R>(mut wb: R, is_1904: bool) -> Result<Workbook, SheetError>
where
    R: Reader<Cursor<&'a [u8]>>,
    R::Error: std::fmt::Display,
{
    let mut out = Workbook::default();
    let mut count = 0usize;
    for name in data_sheet_names(wb.sheets_metadata()) {
        let range = wb
            .worksheet_range(&name)
            .map_err(|e| SheetError::Broken(e.to_string()))?;
        let mut sheet = Sheet {
            name: name.clone(),
            ..Sheet::default()
        };
        for (r, c, v) in range.used_cells() {
            if let Some(cell) = from_data(v, is_1904) {
                let (r0, c0) = range.start().unwrap_or((0, 0));
                let pos = (r0.saturating_add(r as u32), c0.saturating_add(c as u32));
                push(&mut sheet, &mut count, pos, cell)?;
            }
        }
        out.sheets.push(sheet);
    }
    Ok(out)
}

/// Removes from each ods sheet the cells hidden under a merged range (`covered`, per table in
/// workbook order, as found by [`check_ods`]): a covered cell that still holds text (LibreOffice
/// keeps the text of merged-away cells when asked to) is not shown, so it is no cell's value.
fn drop_covered(wb: &mut Workbook, covered: &[Vec<Area>]) {
    for (sheet, areas) in wb.sheets.iter_mut().zip(covered) {
        for &(r0, r1, c0, c1) in areas {
            for row in r0..=r1 {
                let hidden: Vec<(u32, u32)> = sheet.cells.range((row, c0)..=(row, c1)).map(|(pos, _)| *pos).collect();
                for pos in hidden {
                    sheet.cells.remove(&pos);
                }
            }
        }
    }
}

/// A table kept as text: an HTML page with a table (what many web systems write and name
/// `.xls`), read as its sheet `html`; else csv or tsv, read as its sheet `csv`.
fn read_text_table(bytes: &[u8]) -> Result<Workbook, SheetError> {
    let page = super::html::decode(bytes);
    if !super::html::is_html_table(&page) {
        return read_csv(bytes);
    }
    let cells = super::html::read_cells(&page).map_err(|e| match e {
        super::html::HtmlError::Limit(why) => SheetError::Limit(why),
        super::html::HtmlError::CellTooLong(row, col) => too_long((row, col)),
    })?;
    let mut sheet = Sheet {
        name: "html".to_string(),
        ..Sheet::default()
    };
    let mut count = 0usize;
    for c in cells {
        push(&mut sheet, &mut count, (c.row, c.col), Cell::Text(c.text))?;
    }
    Ok(Workbook { sheets: vec![sheet] })
}

/// RFC 4180 csv (quotes, doubled quotes, line breaks inside quotes), comma or tab separated
/// (whichever the first lines hold more of).
fn read_csv(bytes: &[u8]) -> Result<Workbook, SheetError> {
    let text = crate::extract::text::decode(bytes);
    // Tab or comma, by the first lines: the first alone may be a title without either.
    let head: Vec<&str> = text.lines().take(20).collect();
    let count = |c: char| head.iter().map(|l| l.matches(c).count()).sum::<usize>();
    let sep = if count('\t') > count(',') { '\t' } else { ',' };
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
        // A field past the cell limit is refused as it grows, not after it is whole.
        if field.len() > 4 * MAX_CELL_CHARS {
            return Err(too_long((row, col)));
        }
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

    #[test]
    fn value_elements_are_counted_by_local_name_across_chunks() {
        let xml = br#"<row><c r="A1"><v>1</v></c><x:c><x:v>2</x:v></x:c><c t="inlineStr"><is><t>a</t></is></c><c s="1"/><value>9</value><vv/></row>"#;
        for split in [1, 2, 7, xml.len()] {
            let mut counter = ValueCounter::default();
            for chunk in xml.chunks(split) {
                counter.feed(chunk);
            }
            assert_eq!(counter.values, 3, "chunks of {split}");
        }
    }

    #[test]
    fn a_unique_count_larger_than_its_part_could_hold_is_refused() {
        let head = br#"<?xml version="1.0"?><sst xmlns="x" count="9000000000" uniqueCount="1000">"#;
        assert!(check_unique_count(head, 4000).is_ok());
        assert!(matches!(check_unique_count(head, 3000), Err(SheetError::Broken(_))));
    }
}
