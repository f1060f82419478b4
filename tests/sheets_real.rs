//! Spreadsheets as real tools and web systems write them: chart sheets beside worksheets, time,
//! date-time and duration cells, ods text hidden under merged ranges, workbooks that embed Word
//! objects, "Excel exports" that are HTML or csv named `.xls`, and Excel 2–4 files. Every input
//! is built here by a small writer.

mod support;

use pingshen::extract::sheet::{read_workbook, Cell, Workbook};
use pingshen::sniff::{sniff, FileKind};
use pingshen::verdict::Verdict;
use pingshen::{review, Options, Reviewer};
use support::packages::{replace_file, stage_basic_info, stage_files, zip_files, Naming, PROJECT_NAME};
use support::{cfb, excel_serial, xml_escape, EntryOpts, ZipBuilder};

fn run(files: &[(String, Vec<u8>)]) -> Verdict {
    review(
        "x.zip",
        &zip_files(files),
        &Reviewer::embedded().unwrap(),
        &Options::default(),
    )
}

/// The text of every cell of a sheet, as (A1 reference, text).
fn texts(wb: &Workbook, sheet: &str) -> Vec<(String, String)> {
    let s = wb
        .sheets
        .iter()
        .find(|s| s.name == sheet)
        .unwrap_or_else(|| panic!("no sheet {sheet}"));
    s.cells
        .iter()
        .map(|((r, c), v)| (pingshen::extract::sheet::cell_ref(*r, *c), v.text()))
        .collect()
}

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter().map(|(a, b)| (a.to_string(), b.to_string())).collect()
}

/// Replaces the file whose path contains `needle` by `data`, named with the extension `ext`.
fn replace_as(files: &mut [(String, Vec<u8>)], needle: &str, ext: &str, data: Vec<u8>) -> String {
    let entry = files
        .iter_mut()
        .find(|(p, _)| p.contains(needle))
        .unwrap_or_else(|| panic!("no file matching {needle}"));
    let stem = entry.0.rsplit_once('.').map_or(entry.0.clone(), |(s, _)| s.to_string());
    entry.0 = format!("{stem}.{ext}");
    entry.1 = data;
    entry.0.clone()
}

// ---------------------------------------------------------------------------------------------
// An xlsx writer with chart sheets and number formats

/// A sheet of the workbook below: a worksheet with its `<sheetData>` rows, or a chart sheet.
enum Part<'a> {
    Work(&'a str, String),
    Chart(&'a str),
}

/// Number formats of the workbook's styles, by style index (`s="…"`): 1 `yyyy-mm-dd`, 2
/// `[h]:mm:ss`, 3 `[mm]:ss`, 4 `[ss]`, 5 `h:mm:ss`, 6 `yyyy-mm-dd hh:mm:ss`, 7 built-in 21
/// (`h:mm:ss`), 8 built-in 46 (`[h]:mm:ss`).
const STYLES: &str = concat!(
    r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"#,
    r#"<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">"#,
    r#"<numFmts count="5"><numFmt numFmtId="164" formatCode="[h]:mm:ss"/><numFmt numFmtId="165" formatCode="[mm]:ss"/>"#,
    r#"<numFmt numFmtId="166" formatCode="[ss]"/><numFmt numFmtId="167" formatCode="h:mm:ss"/>"#,
    r#"<numFmt numFmtId="168" formatCode="yyyy\-mm\-dd\ hh:mm:ss"/></numFmts>"#,
    r#"<fonts count="1"><font><sz val="11"/><name val="宋体"/></font></fonts>"#,
    r#"<fills count="1"><fill><patternFill patternType="none"/></fill></fills>"#,
    r#"<borders count="1"><border/></borders>"#,
    r#"<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>"#,
    r#"<cellXfs count="9"><xf numFmtId="0" xfId="0"/><xf numFmtId="14" xfId="0" applyNumberFormat="1"/>"#,
    r#"<xf numFmtId="164" xfId="0" applyNumberFormat="1"/><xf numFmtId="165" xfId="0" applyNumberFormat="1"/>"#,
    r#"<xf numFmtId="166" xfId="0" applyNumberFormat="1"/><xf numFmtId="167" xfId="0" applyNumberFormat="1"/>"#,
    r#"<xf numFmtId="168" xfId="0" applyNumberFormat="1"/><xf numFmtId="21" xfId="0" applyNumberFormat="1"/>"#,
    r#"<xf numFmtId="46" xfId="0" applyNumberFormat="1"/></cellXfs>"#,
    "</styleSheet>"
);

/// An xlsx with these sheets in this order; chart sheets are `xl/chartsheets/sheetN.xml` with a
/// drawing of a chart, as Excel writes them.
fn xlsx_book(parts: &[Part<'_>]) -> Vec<u8> {
    const MAIN: &str = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
    const REL: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
    let mut types = String::from(concat!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"#,
        r#"<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">"#,
        r#"<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>"#,
        r#"<Default Extension="xml" ContentType="application/xml"/>"#,
        r#"<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>"#,
        r#"<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>"#,
    ));
    let mut sheets = String::new();
    let mut rels = String::new();
    let mut files: Vec<(String, String)> = Vec::new();
    let (mut works, mut charts) = (0, 0);
    for (i, part) in parts.iter().enumerate() {
        let id = i + 1;
        let (name, target, kind) = match part {
            Part::Work(name, rows) => {
                works += 1;
                let path = format!("worksheets/sheet{works}.xml");
                files.push((
                    format!("xl/{path}"),
                    format!(r#"<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{MAIN}"><sheetData>{rows}</sheetData></worksheet>"#),
                ));
                types.push_str(&format!(
                    r#"<Override PartName="/xl/{path}" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>"#
                ));
                (name, path, "worksheet")
            }
            Part::Chart(name) => {
                charts += 1;
                let path = format!("chartsheets/sheet{charts}.xml");
                files.push((
                    format!("xl/{path}"),
                    format!(
                        r#"<?xml version="1.0" encoding="UTF-8"?><chartsheet xmlns="{MAIN}" xmlns:r="{REL}"><sheetPr/><sheetViews><sheetView workbookViewId="0"/></sheetViews><drawing r:id="rId1"/></chartsheet>"#
                    ),
                ));
                files.push((
                    format!("xl/chartsheets/_rels/sheet{charts}.xml.rels"),
                    format!(
                        r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="{REL}/drawing" Target="../drawings/drawing{charts}.xml"/></Relationships>"#
                    ),
                ));
                types.push_str(&format!(
                    r#"<Override PartName="/xl/{path}" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.chartsheet+xml"/>"#
                ));
                (name, path, "chartsheet")
            }
        };
        sheets.push_str(&format!(
            r#"<sheet name="{}" sheetId="{id}" r:id="rId{id}"/>"#,
            xml_escape(name)
        ));
        rels.push_str(&format!(
            r#"<Relationship Id="rId{id}" Type="{REL}/{kind}" Target="{target}"/>"#
        ));
    }
    let styles_id = parts.len() + 1;
    rels.push_str(&format!(
        r#"<Relationship Id="rId{styles_id}" Type="{REL}/styles" Target="styles.xml"/>"#
    ));
    types.push_str("</Types>");
    let mut zip = ZipBuilder::new();
    let mut part = |name: &str, text: &str| {
        zip.file_raw(
            name.as_bytes(),
            text.as_bytes(),
            EntryOpts {
                deflate: true,
                ..EntryOpts::default()
            },
        );
    };
    part("[Content_Types].xml", &types);
    part(
        "_rels/.rels",
        &format!(
            r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="{REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>"#
        ),
    );
    part(
        "xl/workbook.xml",
        &format!(
            r#"<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{MAIN}" xmlns:r="{REL}"><sheets>{sheets}</sheets></workbook>"#
        ),
    );
    part(
        "xl/_rels/workbook.xml.rels",
        &format!(
            r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">{rels}</Relationships>"#
        ),
    );
    part("xl/styles.xml", STYLES);
    for (name, text) in &files {
        part(name, text);
    }
    zip.finish()
}

/// `<c>` of an inline string.
fn text_cell(at: &str, text: &str) -> String {
    format!(r#"<c r="{at}" t="inlineStr"><is><t>{}</t></is></c>"#, xml_escape(text))
}

/// `<c>` of a number with style `s`.
fn number_cell(at: &str, value: f64, style: u32) -> String {
    format!(r#"<c r="{at}" s="{style}"><v>{value}</v></c>"#)
}

/// Seconds as a fraction of a day, Excel's time serial.
fn day_fraction(h: u32, m: u32, s: u32) -> f64 {
    f64::from(h * 3600 + m * 60 + s) / 86_400.0
}

#[test]
fn an_xlsx_chart_sheet_is_skipped_and_the_worksheets_are_read() {
    let data = format!(
        "<row r=\"1\">{}{}</row>",
        text_cell("A1", "项目名称"),
        text_cell("B1", "示例项目")
    );
    let bytes = xlsx_book(&[
        Part::Chart("图表1"),
        Part::Work("基本情况", data.clone()),
        Part::Chart("图表2"),
        Part::Work("附表", data),
    ]);
    assert_eq!(sniff(&bytes), FileKind::Xlsx);
    let wb = read_workbook(&bytes, FileKind::Xlsx).expect("a chart sheet leaves the workbook readable");
    let names: Vec<&str> = wb.sheets.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, ["基本情况", "附表"]);
    assert_eq!(texts(&wb, "基本情况"), pairs(&[("A1", "项目名称"), ("B1", "示例项目")]));
}

#[test]
fn a_basic_info_workbook_with_a_chart_sheet_is_read_through_the_pipeline() {
    let mut rows = String::from("<row r=\"1\">");
    rows.push_str(&text_cell("A1", "项目基本情况表"));
    rows.push_str("</row>");
    for (i, (label, value)) in stage_basic_info("review").into_iter().enumerate() {
        let r = i + 2;
        rows.push_str(&format!(
            "<row r=\"{r}\">{}{}</row>",
            text_cell(&format!("A{r}"), label),
            text_cell(&format!("B{r}"), value)
        ));
    }
    let mut files = stage_files("review", Naming::Plain);
    replace_file(
        &mut files,
        "基本情况表",
        xlsx_book(&[Part::Work("基本情况", rows), Part::Chart("投资构成")]),
    );
    let v = run(&files);
    assert_eq!(v.project.name.as_deref(), Some(PROJECT_NAME));
    let file = v.files.iter().find(|f| f.path.contains("基本情况表")).unwrap();
    assert!(file.readable, "{:?}", file.reason);
}

#[test]
fn durations_times_and_date_times_read_as_the_sheet_shows_them() {
    let date = excel_serial(2021, 3, 15);
    let t = day_fraction(13, 20, 1);
    let cells = [
        number_cell("A1", 1.5625, 2),                  // [h]:mm:ss, 37.5 hours
        number_cell("B1", day_fraction(0, 37, 30), 3), // [mm]:ss
        number_cell("C1", day_fraction(0, 0, 1), 4),   // [ss]
        number_cell("D1", day_fraction(50, 0, 0), 8),  // built-in [h]:mm:ss
        number_cell("A2", t, 5),                       // h:mm:ss
        number_cell("B2", t, 7),                       // built-in h:mm:ss
        number_cell("C2", 0.0, 5),                     // midnight
        number_cell("A3", date + t, 6),                // date-time
        number_cell("B3", date, 1),                    // date only
        number_cell("C3", date + 0.999_999_999, 6),    // rounds to the next midnight
    ];
    let rows = format!(
        "<row r=\"1\">{}</row><row r=\"2\">{}</row><row r=\"3\">{}</row>",
        cells[..4].concat(),
        cells[4..7].concat(),
        cells[7..].concat()
    );
    let wb = read_workbook(&xlsx_book(&[Part::Work("时间", rows)]), FileKind::Xlsx).unwrap();
    assert_eq!(
        texts(&wb, "时间"),
        pairs(&[
            ("A1", "37:30:00"),
            ("B1", "00:37:30"),
            ("C1", "00:00:01"),
            ("D1", "50:00:00"),
            ("A2", "13:20:01"),
            ("B2", "13:20:01"),
            ("C2", "00:00:00"),
            ("A3", "2021-03-15 13:20:01"),
            ("B3", "2021-03-15"),
            ("C3", "2021-03-16"),
        ])
    );
    let sheet = &wb.sheets[0];
    assert!(matches!(sheet.get(0, 0), Some(Cell::Duration { seconds: 135_000 })));
    assert!(matches!(sheet.get(1, 0), Some(Cell::Time { hms: (13, 20, 1), .. })));
    assert!(matches!(
        sheet.get(2, 0),
        Some(Cell::Date {
            ymd: (2021, 3, 15),
            time: Some((13, 20, 1)),
            ..
        })
    ));
}

#[test]
fn a_date_time_in_a_basic_info_date_field_is_its_date_and_a_date_stays_a_date() {
    let date = excel_serial(2021, 5, 10);
    for (value, style) in [(date + day_fraction(9, 30, 0), 6), (date, 1), (date + 0.5, 1)] {
        let mut rows = String::new();
        for (i, (label, text)) in stage_basic_info("review").into_iter().enumerate() {
            let r = i + 1;
            let value_cell = if label == "申报日期" {
                number_cell(&format!("B{r}"), value, style)
            } else {
                text_cell(&format!("B{r}"), text)
            };
            rows.push_str(&format!(
                "<row r=\"{r}\">{}{value_cell}</row>",
                text_cell(&format!("A{r}"), label)
            ));
        }
        let mut files = stage_files("review", Naming::Plain);
        replace_file(&mut files, "基本情况表", xlsx_book(&[Part::Work("基本情况", rows)]));
        let v = run(&files);
        assert_eq!(
            v.project.submission_date.map(|d| d.to_string()).as_deref(),
            Some("2021-05-10"),
            "serial {value} in style {style}"
        );
        assert!(
            !v.findings.iter().any(|f| f.code.as_str().starts_with("value.")),
            "{:?}",
            v.findings
        );
    }
}

// ---------------------------------------------------------------------------------------------
// xls: a chart sheet beside a worksheet, and an embedded Word object

fn put16(out: &mut Vec<u8>, v: u16) {
    out.extend_from_slice(&v.to_le_bytes());
}

fn record(out: &mut Vec<u8>, typ: u16, body: &[u8]) {
    put16(out, typ);
    put16(out, u16::try_from(body.len()).unwrap());
    out.extend_from_slice(body);
}

fn bof(dt: u16) -> Vec<u8> {
    let mut b = Vec::new();
    for v in [0x0600, dt, 0x0DBB, 0x07CC] {
        put16(&mut b, v);
    }
    b.extend_from_slice(&[0x41, 0, 0, 0, 6, 0, 0, 0]);
    b
}

/// A NUMBER record body: row, column, XF 0, value.
fn number(row: u16, col: u16, v: f64) -> Vec<u8> {
    let mut b = Vec::new();
    for x in [row, col, 0] {
        put16(&mut b, x);
    }
    b.extend_from_slice(&v.to_le_bytes());
    b
}

/// A LABEL record body (BIFF8, UTF-16): row, column, XF 0, text.
fn label(row: u16, col: u16, text: &str) -> Vec<u8> {
    let units: Vec<u16> = text.encode_utf16().collect();
    let mut b = Vec::new();
    for x in [row, col, 0, u16::try_from(units.len()).unwrap()] {
        put16(&mut b, x);
    }
    b.push(1);
    for u in units {
        put16(&mut b, u);
    }
    b
}

/// Records as (type, body).
type Records = Vec<(u16, Vec<u8>)>;

/// A BIFF8 `Workbook` stream: sheets as (name, BOUNDSHEET type, records after the BOF). Type 0
/// is a worksheet, 2 a chart sheet (its BOF says chart, 0x0020).
fn workbook_stream(sheets: &[(&str, u8, Records)]) -> Vec<u8> {
    let mut globals = Vec::new();
    record(&mut globals, 0x0809, &bof(0x0005));
    record(&mut globals, 0x0042, &1200u16.to_le_bytes());
    let mut offsets = Vec::new();
    for (name, typ, _) in sheets {
        let units: Vec<u16> = name.encode_utf16().collect();
        let mut body = vec![0, 0, 0, 0, 0, *typ, u8::try_from(units.len()).unwrap(), 1];
        for u in units {
            put16(&mut body, u);
        }
        offsets.push(globals.len() + 4);
        record(&mut globals, 0x0085, &body);
    }
    record(&mut globals, 0x000A, &[]);
    let mut stream = globals;
    for ((_, typ, records), at) in sheets.iter().zip(offsets) {
        let pos = u32::try_from(stream.len()).unwrap();
        stream[at..at + 4].copy_from_slice(&pos.to_le_bytes());
        record(&mut stream, 0x0809, &bof(if *typ == 2 { 0x0020 } else { 0x0010 }));
        for (t, body) in records {
            record(&mut stream, *t, body);
        }
        record(&mut stream, 0x000A, &[]);
    }
    stream
}

#[test]
fn an_xls_chart_sheet_is_not_a_data_sheet() {
    // A chart substream keeps its series' cached values as NUMBER and LABEL records.
    let stream = workbook_stream(&[
        (
            "投资构成",
            2,
            vec![
                (0x1033, vec![]),
                (0x0203, number(0, 0, 700.0)),
                (0x0204, label(0, 1, "软件")),
                (0x1034, vec![]),
            ],
        ),
        (
            "清单",
            0,
            vec![(0x0204, label(0, 0, "项目名称")), (0x0203, number(0, 1, 2021.0))],
        ),
    ]);
    let bytes = cfb(&[("Workbook", &stream)]);
    assert_eq!(sniff(&bytes), FileKind::Xls);
    let wb = read_workbook(&bytes, FileKind::Xls).unwrap();
    let names: Vec<&str> = wb.sheets.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, ["清单"]);
    assert_eq!(texts(&wb, "清单"), pairs(&[("A1", "项目名称"), ("B1", "2021")]));
}

/// An xls whose root holds the `Workbook` stream and a storage `MBD0002A1B3` with an embedded
/// Word object's `WordDocument` stream, as Excel saves a sheet with an inserted document.
/// Built from [`cfb`]'s layout (root, then the streams by name length: `Workbook`, then
/// `WordDocument`, then one unused entry) by turning the unused entry into the storage and
/// moving `WordDocument` under it.
fn xls_embedding_a_document(stream: &[u8]) -> Vec<u8> {
    let fib = [0xEC, 0xA5, 0xC1, 0x00];
    let mut b = cfb(&[("Workbook", stream), ("WordDocument", &fib)]);
    let dir = 1024;
    let entry = |i: usize| dir + 128 * i;
    let name_at = |b: &[u8], i: usize| {
        let e = entry(i);
        let units: Vec<u16> = b[e..e + 64]
            .chunks_exact(2)
            .map(|c| u16::from_le_bytes([c[0], c[1]]))
            .take_while(|u| *u != 0)
            .collect();
        String::from_utf16(&units).unwrap()
    };
    assert_eq!(
        (name_at(&b, 1).as_str(), name_at(&b, 2).as_str()),
        ("Workbook", "WordDocument")
    );
    let set32 = |b: &mut Vec<u8>, at: usize, v: u32| b[at..at + 4].copy_from_slice(&v.to_le_bytes());
    // Workbook's right sibling: the storage (3) instead of WordDocument (2).
    set32(&mut b, entry(1) + 0x48, 3);
    // The storage: name, type 1, black, no siblings, child WordDocument.
    let e = entry(3);
    let units: Vec<u16> = "MBD0002A1B3".encode_utf16().collect();
    b[e..e + 64].fill(0);
    for (i, u) in units.iter().enumerate() {
        b[e + 2 * i..e + 2 * i + 2].copy_from_slice(&u.to_le_bytes());
    }
    b[e + 0x40..e + 0x42].copy_from_slice(&(u16::try_from(units.len() + 1).unwrap() * 2).to_le_bytes());
    b[e + 0x42] = 1;
    b[e + 0x43] = 1;
    set32(&mut b, e + 0x44, u32::MAX);
    set32(&mut b, e + 0x48, u32::MAX);
    set32(&mut b, e + 0x4C, 2);
    set32(&mut b, e + 0x74, 0);
    set32(&mut b, e + 0x78, 0);
    b
}

#[test]
fn an_xls_embedding_a_word_object_is_a_workbook() {
    let mut records = vec![(0x0204, label(0, 0, "项目基本情况表"))];
    for (i, (l, v)) in stage_basic_info("review").into_iter().enumerate() {
        let row = u16::try_from(i + 1).unwrap();
        records.push((0x0204, label(row, 0, l)));
        records.push((0x0204, label(row, 1, v)));
    }
    let bytes = xls_embedding_a_document(&workbook_stream(&[("基本情况", 0, records)]));
    assert_eq!(sniff(&bytes), FileKind::Xls);
    let mut files = stage_files("review", Naming::Plain);
    let path = replace_as(&mut files, "基本情况表", "xls", bytes);
    let v = run(&files);
    let file = v.files.iter().find(|f| f.path == path).unwrap();
    assert_eq!(file.kind, "xls");
    assert!(file.readable, "{:?}", file.reason);
    assert_eq!(v.project.name.as_deref(), Some(PROJECT_NAME));
    assert_eq!(v.fields["project_name"].source.cell.as_deref(), Some("B2"));
}

// ---------------------------------------------------------------------------------------------
// ods: covered cells and time values

/// An ods with one table whose rows are the given `table:table-row` contents.
fn ods(rows: &[&str]) -> Vec<u8> {
    let mut content = String::from(concat!(
        r#"<?xml version="1.0" encoding="UTF-8"?>"#,
        r#"<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" "#,
        r#"xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" "#,
        r#"xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.3">"#,
        r#"<office:body><office:spreadsheet><table:table table:name="表1">"#,
    ));
    for row in rows {
        content.push_str(row);
    }
    content.push_str("</table:table></office:spreadsheet></office:body></office:document-content>");
    let manifest = concat!(
        r#"<?xml version="1.0" encoding="UTF-8"?>"#,
        r#"<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.3">"#,
        r#"<manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>"#,
        r#"<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>"#,
        "</manifest:manifest>"
    );
    let mut zip = ZipBuilder::new();
    zip.file("mimetype", b"application/vnd.oasis.opendocument.spreadsheet");
    zip.file("content.xml", content.as_bytes());
    zip.file("META-INF/manifest.xml", manifest.as_bytes());
    zip.finish()
}

fn ods_text(text: &str) -> String {
    format!(r#"<table:table-cell office:value-type="string"><text:p>{text}</text:p></table:table-cell>"#)
}

#[test]
fn text_under_an_ods_merged_range_is_no_cells_value() {
    let merged = concat!(
        r#"<table:table-row><table:table-cell table:number-columns-spanned="2" table:number-rows-spanned="2" office:value-type="string"><text:p>共享属性</text:p></table:table-cell>"#,
        r#"<table:covered-table-cell office:value-type="string"><text:p>隐藏一</text:p></table:covered-table-cell>"#,
        r#"<table:table-cell office:value-type="string"><text:p>备注</text:p></table:table-cell></table:table-row>"#,
    );
    let second = concat!(
        r#"<table:table-row table:number-rows-repeated="2"><table:covered-table-cell table:number-columns-repeated="2" office:value-type="string"><text:p>隐藏二</text:p></table:covered-table-cell>"#,
        r#"<table:table-cell office:value-type="float" office:value="7"><text:p>7</text:p></table:table-cell></table:table-row>"#,
    );
    let last = format!(
        "<table:table-row>{}{}</table:table-row>",
        ods_text("甲"),
        ods_text("乙")
    );
    let bytes = ods(&[merged, second, &last]);
    assert_eq!(sniff(&bytes), FileKind::Ods);
    let wb = read_workbook(&bytes, FileKind::Ods).unwrap();
    assert_eq!(
        texts(&wb, "表1"),
        pairs(&[
            ("A1", "共享属性"),
            ("C1", "备注"),
            ("C2", "7"),
            ("C3", "7"),
            ("A4", "甲"),
            ("B4", "乙"),
        ])
    );
}

#[test]
fn ods_time_and_date_values_read_as_the_sheet_shows_them() {
    let row = concat!(
        r#"<table:table-row>"#,
        r#"<table:table-cell office:value-type="time" office:time-value="PT00H00M01S"><text:p>00:00:01</text:p></table:table-cell>"#,
        r#"<table:table-cell office:value-type="time" office:time-value="PT37H30M00S"><text:p>37:30:00</text:p></table:table-cell>"#,
        r#"<table:table-cell office:value-type="time" office:time-value="-PT1H"><text:p>-01:00:00</text:p></table:table-cell>"#,
        r#"<table:table-cell office:value-type="date" office:date-value="2021-03-15T13:20:01"><text:p>2021-03-15 13:20:01</text:p></table:table-cell>"#,
        r#"<table:table-cell office:value-type="date" office:date-value="2021-03-15"><text:p>2021-03-15</text:p></table:table-cell>"#,
        r#"</table:table-row>"#,
    );
    let wb = read_workbook(&ods(&[row]), FileKind::Ods).unwrap();
    assert_eq!(
        texts(&wb, "表1"),
        pairs(&[
            ("A1", "00:00:01"),
            ("B1", "37:30:00"),
            ("C1", "-01:00:00"),
            ("D1", "2021-03-15 13:20:01"),
            ("E1", "2021-03-15"),
        ])
    );
}

// ---------------------------------------------------------------------------------------------
// "Excel" files that are HTML or text, and Excel 2–4

/// The basic-info sheet as a web system's HTML export: a title row spanning both columns, then
/// label/value rows, in GBK with a `<meta>` charset.
fn basic_info_html(stage: &str) -> Vec<u8> {
    let mut html = String::from(concat!(
        "<html xmlns:x=\"urn:schemas-microsoft-com:office:excel\">\r\n<head>\r\n",
        "<meta http-equiv=\"Content-Type\" content=\"text/html; charset=gb2312\">\r\n",
        "<style>td { mso-number-format:\\@; }</style>\r\n",
        "<!--[if gte mso 9]><xml><x:ExcelWorkbook><x:ExcelWorksheets><x:ExcelWorksheet>",
        "<x:Name>基本情况</x:Name></x:ExcelWorksheet></x:ExcelWorksheets></x:ExcelWorkbook></xml><![endif]-->\r\n",
        "</head>\r\n<body>\r\n<table border=1>\r\n",
        "<tr><th colspan=\"2\">项目基本情况表</th></tr>\r\n",
    ));
    for (label, value) in stage_basic_info(stage) {
        html.push_str(&format!(
            "<tr>\r\n  <td>{}</td>\r\n  <td x:str>{}</td>\r\n</tr>\r\n",
            xml_escape(label),
            xml_escape(value)
        ));
    }
    html.push_str("</table>\r\n</body>\r\n</html>\r\n");
    let (gbk, _, unmappable) = encoding_rs::GBK.encode(&html);
    assert!(!unmappable);
    gbk.into_owned()
}

#[test]
fn an_html_table_named_xls_is_read_as_a_table_with_a_mismatch_finding() {
    let bytes = basic_info_html("review");
    assert!(std::str::from_utf8(&bytes).is_err(), "GBK, not UTF-8");
    let wb = read_workbook(&bytes, sniff(&bytes)).unwrap();
    let cells = texts(&wb, "html");
    assert_eq!(cells[0], ("A1".to_string(), "项目基本情况表".to_string()));
    assert_eq!(cells[1], ("A2".to_string(), "项目名称".to_string()));
    assert_eq!(cells[2], ("B2".to_string(), PROJECT_NAME.to_string()));

    let mut files = stage_files("review", Naming::Plain);
    let path = replace_as(&mut files, "基本情况表", "xls", bytes);
    let v = run(&files);
    assert_eq!(v.project.name.as_deref(), Some(PROJECT_NAME));
    assert_eq!(v.fields["project_name"].source.cell.as_deref(), Some("B2"));
    assert_eq!(v.fields["project_name"].source.sheet.as_deref(), Some("html"));
    assert_eq!(
        v.project.submission_date.map(|d| d.to_string()).as_deref(),
        Some(support::SUBMISSION_DATE)
    );
    let mismatch = v
        .findings
        .iter()
        .find(|f| f.code.as_str() == "file.extension_mismatch")
        .expect("file.extension_mismatch");
    assert_eq!(
        mismatch.source.as_ref().and_then(|s| s.file.as_deref()),
        Some(path.as_str())
    );
}

#[test]
fn a_table_material_exported_as_utf8_html_or_tsv_named_xls_gives_its_rows() {
    let list = support::project_list_table();
    let mut html = String::from("<!DOCTYPE html><html><head><meta charset=\"utf-8\"></head><body><table>");
    let mut tsv = String::new();
    for row in list.all_rows() {
        html.push_str("<tr>");
        let texts: Vec<String> = row
            .iter()
            .map(|c| match c {
                support::Cell::S(t) => t.clone(),
                support::Cell::N(n) | support::Cell::Date(n) => n.to_string(),
                support::Cell::Empty => String::new(),
            })
            .collect();
        for t in &texts {
            html.push_str(&format!("<td>{}</td>", xml_escape(t)));
        }
        html.push_str("</tr>\n");
        tsv.push_str(&texts.join("\t"));
        tsv.push_str("\r\n");
    }
    html.push_str("</table></body></html>");
    let baseline = {
        let v = run(&stage_files("plan", Naming::Plain));
        match &v.fields["project_list"].value {
            pingshen::verdict::Value::Rows(r) => r.len(),
            other => panic!("{other:?}"),
        }
    };
    assert!(baseline > 0);
    for data in [html.into_bytes(), tsv.into_bytes()] {
        let mut files = stage_files("plan", Naming::Plain);
        replace_as(&mut files, "项目清单", "xls", data);
        let v = run(&files);
        let rows = match &v
            .fields
            .get("project_list")
            .unwrap_or_else(|| panic!("{:?}", v.findings))
            .value
        {
            pingshen::verdict::Value::Rows(r) => r.len(),
            other => panic!("{other:?}"),
        };
        assert_eq!(rows, baseline);
        assert!(
            !v.findings.iter().any(|f| f.code.as_str() == "material.wrong_format"),
            "{:?}",
            v.findings
        );
        assert!(v.findings.iter().any(|f| f.code.as_str() == "file.extension_mismatch"));
    }
}

#[test]
fn an_excel_4_worksheet_is_unreadable_with_its_format_named() {
    let mut biff4 = Vec::new();
    record(&mut biff4, 0x0409, &[0, 0, 0x10, 0, 0, 0]);
    record(&mut biff4, 0x0204, &[0, 0, 0, 0, 0, 0, 0, 0, 1, 0, b'x']);
    record(&mut biff4, 0x000A, &[]);
    let mut files = stage_files("review", Naming::Plain);
    let path = replace_as(&mut files, "基本情况表", "xls", biff4);
    let v = run(&files);
    let file = v.files.iter().find(|f| f.path == path).unwrap();
    assert!(!file.readable);
    let reason = file.reason.as_deref().unwrap_or("");
    assert!(reason.contains("Excel 2.x–4.x"), "{reason}");
}
