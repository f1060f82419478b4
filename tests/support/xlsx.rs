//! Minimal, valid .xlsx workbooks written by hand: the parts Excel itself needs
//! (`[Content_Types].xml`, `_rels/.rels`, `xl/workbook.xml`, its relationships, one
//! `xl/worksheets/sheetN.xml` per sheet, `xl/sharedStrings.xml`, `xl/styles.xml`), with text in
//! shared strings, numbers as numbers and optional merged ranges.

use super::xml_escape;
use super::zip_builder::{EntryOpts, ZipBuilder};

/// One cell of a sheet.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    /// Text, stored as a shared string.
    S(String),
    /// A number.
    N(f64),
    /// An Excel date serial (1900 system) shown with a date format (`yyyy/m/d`), as Excel stores a
    /// typed-in date.
    Date(f64),
    /// No cell at all.
    Empty,
}

/// A text cell.
pub fn s(text: &str) -> Cell {
    Cell::S(text.to_string())
}

/// A number cell.
pub fn n(value: f64) -> Cell {
    Cell::N(value)
}

/// A date cell holding the Excel serial (1900 system) of `year-month-day`.
pub fn date(year: i32, month: u32, day: u32) -> Cell {
    Cell::Date(excel_serial(year, month, day))
}

/// The Excel 1900-system serial of a date after 1900-02-28 (1900-01-01 is 1, and Excel counts the
/// non-existent 1900-02-29).
pub fn excel_serial(year: i32, month: u32, day: u32) -> f64 {
    // Days since 1970-01-01 (Howard Hinnant's days_from_civil), then shift to Excel's epoch.
    let y = i64::from(if month <= 2 { year - 1 } else { year });
    let m = i64::from(month);
    let d = i64::from(day);
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * (m + if m > 2 { -3 } else { 9 }) + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let unix_days = era * 146_097 + doe - 719_468;
    (unix_days + 25_569) as f64
}

/// A row of text cells; an empty string is an [`Cell::Empty`] cell.
pub fn text_row(cells: &[&str]) -> Vec<Cell> {
    cells
        .iter()
        .map(|c| if c.is_empty() { Cell::Empty } else { s(c) })
        .collect()
}

/// A sheet with merged ranges: name, rows (from row 1, cells from column A), merged ranges such
/// as `"A1:C1"`.
pub type MergedSheet<'a> = (&'a str, Vec<Vec<Cell>>, &'a [&'a str]);

/// A workbook with these sheets (name, rows from row 1, cells from column A).
pub fn xlsx(sheets: &[(&str, Vec<Vec<Cell>>)]) -> Vec<u8> {
    let with_merges: Vec<MergedSheet> = sheets
        .iter()
        .map(|(name, rows)| (*name, rows.clone(), &[][..]))
        .collect();
    xlsx_with_merges(&with_merges)
}

/// A workbook with these sheets (name, rows, merged ranges such as `"A1:C1"`). The value of a
/// merged range belongs in its top-left cell, as Excel writes it.
pub fn xlsx_with_merges(sheets: &[MergedSheet]) -> Vec<u8> {
    let mut strings = SharedStrings::default();
    let sheet_xml: Vec<String> = sheets
        .iter()
        .map(|(_, rows, merges)| worksheet(rows, merges, &mut strings))
        .collect();
    let count = sheets.len();

    let mut content_types = String::from(concat!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"#,
        "\n",
        r#"<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">"#,
        r#"<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>"#,
        r#"<Default Extension="xml" ContentType="application/xml"/>"#,
        r#"<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>"#,
    ));
    for i in 1..=count {
        content_types.push_str(&format!(
            r#"<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>"#
        ));
    }
    content_types.push_str(concat!(
        r#"<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>"#,
        r#"<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>"#,
        "</Types>"
    ));

    let root_rels = concat!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"#,
        "\n",
        r#"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">"#,
        r#"<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>"#,
        "</Relationships>"
    );

    let mut workbook = String::from(concat!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"#,
        "\n",
        r#"<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">"#,
        "<sheets>"
    ));
    for (i, (name, _, _)) in sheets.iter().enumerate() {
        let id = i + 1;
        workbook.push_str(&format!(
            r#"<sheet name="{}" sheetId="{id}" r:id="rId{id}"/>"#,
            xml_escape(name)
        ));
    }
    workbook.push_str("</sheets></workbook>");

    let mut workbook_rels = String::from(concat!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"#,
        "\n",
        r#"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">"#,
    ));
    for id in 1..=count {
        workbook_rels.push_str(&format!(
            r#"<Relationship Id="rId{id}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet{id}.xml"/>"#
        ));
    }
    workbook_rels.push_str(&format!(
        concat!(
            r#"<Relationship Id="rId{}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>"#,
            r#"<Relationship Id="rId{}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>"#,
            "</Relationships>"
        ),
        count + 1,
        count + 2
    ));

    let mut zip = ZipBuilder::new();
    let part = |zip: &mut ZipBuilder, name: &str, text: &str| {
        let opts = EntryOpts {
            deflate: true,
            ..EntryOpts::default()
        };
        zip.file_raw(name.as_bytes(), text.as_bytes(), opts);
    };
    part(&mut zip, "[Content_Types].xml", &content_types);
    part(&mut zip, "_rels/.rels", root_rels);
    part(&mut zip, "xl/workbook.xml", &workbook);
    part(&mut zip, "xl/_rels/workbook.xml.rels", &workbook_rels);
    for (i, xml) in sheet_xml.iter().enumerate() {
        part(&mut zip, &format!("xl/worksheets/sheet{}.xml", i + 1), xml);
    }
    part(&mut zip, "xl/styles.xml", STYLES);
    part(&mut zip, "xl/sharedStrings.xml", &strings.xml());
    zip.finish()
}

/// The shared-string table, in order of first use.
#[derive(Debug, Default)]
struct SharedStrings {
    list: Vec<String>,
    uses: usize,
}

impl SharedStrings {
    /// The index of `text`, adding it when new.
    fn index(&mut self, text: &str) -> usize {
        self.uses += 1;
        match self.list.iter().position(|s| s == text) {
            Some(i) => i,
            None => {
                self.list.push(text.to_string());
                self.list.len() - 1
            }
        }
    }

    /// `xl/sharedStrings.xml`.
    fn xml(&self) -> String {
        let mut xml = format!(
            concat!(
                r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"#,
                "\n",
                r#"<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="{}" uniqueCount="{}">"#
            ),
            self.uses,
            self.list.len()
        );
        for s in &self.list {
            xml.push_str(&format!(r#"<si><t xml:space="preserve">{}</t></si>"#, xml_escape(s)));
        }
        xml.push_str("</sst>");
        xml
    }
}

/// `xl/worksheets/sheetN.xml` for these rows and merged ranges.
fn worksheet(rows: &[Vec<Cell>], merges: &[&str], strings: &mut SharedStrings) -> String {
    let width = rows.iter().map(Vec::len).max().unwrap_or(0).max(1);
    let height = rows.len().max(1);
    let mut xml = format!(
        concat!(
            r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"#,
            "\n",
            r#"<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">"#,
            r#"<dimension ref="A1:{}{}"/><sheetData>"#
        ),
        column_name(width - 1),
        height
    );
    for (r, row) in rows.iter().enumerate() {
        if row.iter().all(|c| *c == Cell::Empty) {
            continue;
        }
        let r = r + 1;
        xml.push_str(&format!(r#"<row r="{r}">"#));
        for (c, cell) in row.iter().enumerate() {
            let at = format!("{}{r}", column_name(c));
            match cell {
                Cell::S(text) => {
                    let i = strings.index(text);
                    xml.push_str(&format!(r#"<c r="{at}" t="s"><v>{i}</v></c>"#));
                }
                Cell::N(v) => xml.push_str(&format!(r#"<c r="{at}"><v>{v}</v></c>"#)),
                Cell::Date(v) => xml.push_str(&format!(r#"<c r="{at}" s="1"><v>{v}</v></c>"#)),
                Cell::Empty => {}
            }
        }
        xml.push_str("</row>");
    }
    xml.push_str("</sheetData>");
    if !merges.is_empty() {
        xml.push_str(&format!(r#"<mergeCells count="{}">"#, merges.len()));
        for m in merges {
            xml.push_str(&format!(r#"<mergeCell ref="{m}"/>"#));
        }
        xml.push_str("</mergeCells>");
    }
    xml.push_str("</worksheet>");
    xml
}

/// The column letters of a 0-based column index: 0 → `A`, 25 → `Z`, 26 → `AA`.
pub fn column_name(index: usize) -> String {
    let mut n = index + 1;
    let mut name = Vec::new();
    while n > 0 {
        let rem = (n - 1) % 26;
        name.push(b'A' + u8::try_from(rem).expect("below 26"));
        n = (n - 1) / 26;
    }
    name.reverse();
    String::from_utf8(name).expect("ASCII letters")
}

/// `xl/styles.xml`: the default style (0) and a date style (1, built-in format 14).
const STYLES: &str = concat!(
    r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"#,
    "\n",
    r#"<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">"#,
    r#"<fonts count="1"><font><sz val="11"/><name val="宋体"/><family val="2"/><charset val="134"/></font></fonts>"#,
    r#"<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>"#,
    r#"<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>"#,
    r#"<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>"#,
    r#"<cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>"#,
    r#"<xf numFmtId="14" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs>"#,
    r#"<cellStyles count="1"><cellStyle name="常规" xfId="0" builtinId="0"/></cellStyles>"#,
    "</styleSheet>"
);
