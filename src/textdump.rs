//! `pingshen text`: what pingshen read from a document, a spreadsheet or every file of a
//! package — the lines of each page, the cells of each sheet, the annotations of an OFD — for a
//! reviewer's spot check and for comparing pingshen's readers with other readers.
//!
//! Everything is read the way the review reads it: the type from content ([`crate::sniff`]), a
//! package through [`crate::archive`] with its limits and its decoded entry names (nothing is
//! written to disk), documents and sheets by [`crate::extract`], scans by OCR through
//! [`crate::package::ocr_pages`]. The JSON Lines written here are this command's wire format
//! (one object per file, keys in a fixed order); the same input gives the same bytes.

use std::collections::BTreeMap;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::Path;
use std::sync::OnceLock;

use serde::Serialize;

use crate::archive::{self, ArchiveError, Content, Limits};
use crate::extract::sheet::{self, Cell, Workbook};
use crate::extract::{self, DocError, Document, ReadOptions};
use crate::ocr::{Engine, Unavailable};
use crate::package;
use crate::sniff::{sniff, FileKind};
use crate::OcrMode;

/// How to read.
#[derive(Debug, Clone)]
pub struct TextOptions {
    /// Whether scanned PDF and OFD documents are read by OCR.
    pub ocr: OcrMode,
    /// The package limits (SPEC §3); a single file may be at most `max_entry_uncompressed`
    /// bytes, as it could be inside a package.
    pub limits: Limits,
}

/// Why nothing could be read at all.
#[derive(Debug, thiserror::Error)]
pub enum TextError {
    /// The path cannot be opened or read.
    #[error("{path}: cannot be opened: {error}")]
    Open { path: String, error: std::io::Error },
    /// The path is a folder or another thing that is not a file.
    #[error("{0}: not a file")]
    NotAFile(String),
    /// `--ocr require` and no OCR engine on this machine.
    #[error("--ocr require was given but {0} (see `pingshen doctor`)")]
    OcrRequired(Unavailable),
}

/// What was read from one file: a document's pages or a spreadsheet's sheets, or why it could
/// not be read. Serialised as one JSON line, keys in this order.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FileText {
    /// The path given, or the entry's decoded path inside the package.
    pub file: String,
    /// The sniffed type (`pdf`, `docx`, `ofd`, `text`, `xlsx`, `xls`, `ods`, `zip`, …).
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub readable: bool,
    /// The reader's error text when not readable.
    pub reason: Option<String>,
    /// A document's pages in order; empty for a spreadsheet or an unreadable file.
    pub pages: Vec<PageText>,
    /// A spreadsheet's sheets in workbook order; empty for a document.
    pub sheets: Vec<SheetText>,
    /// Text of seals, stamps and signatures (OFD annotations), kept apart from the body.
    pub annotations: Vec<Annotation>,
}

/// One page of a document (`page` is `None` for formats without pages: docx, txt).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PageText {
    pub page: Option<u32>,
    /// `text` (the text layer) or `ocr`.
    pub read_by: &'static str,
    /// For a page read by OCR: the mean confidence of its lines (0–100, one decimal).
    pub confidence: Option<f64>,
    pub lines: Vec<String>,
    /// For a page read by OCR: each line's confidence (0–100), in the order of `lines`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub line_confidence: Vec<f32>,
    /// For a page read by OCR: the engine (`pp-ocr`, `tesseract`) and the degrees the page was
    /// turned clockwise to stand upright.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub engine: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rotation: Option<u16>,
}

/// One sheet with its cells, row by row.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SheetText {
    pub name: String,
    pub cells: Vec<CellText>,
}

/// One cell: its A1 reference, its type and its value as the sheet reader gives it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CellText {
    #[serde(rename = "ref")]
    pub reference: String,
    /// `text`, `number`, `bool` or `date`.
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub value: String,
    /// The 0-based row and column (the reference, for laying out the grid).
    #[serde(skip)]
    pub row: u32,
    #[serde(skip)]
    pub col: u32,
}

/// Annotation text (a seal's wording) and its page.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Annotation {
    pub page: Option<u32>,
    pub text: String,
}

impl FileText {
    fn unreadable(file: &str, kind: FileKind, reason: String) -> FileText {
        FileText {
            file: file.to_string(),
            kind: kind.as_str(),
            readable: false,
            reason: Some(reason),
            pages: Vec::new(),
            sheets: Vec::new(),
            annotations: Vec::new(),
        }
    }

    fn readable(file: &str, kind: FileKind) -> FileText {
        FileText {
            file: file.to_string(),
            kind: kind.as_str(),
            readable: true,
            reason: None,
            pages: Vec::new(),
            sheets: Vec::new(),
            annotations: Vec::new(),
        }
    }

    /// The object as one JSON line (with its newline).
    pub fn to_json_line(&self) -> String {
        let mut s = serde_json::to_string(self).unwrap_or_else(|e| {
            serde_json::json!({"file": self.file, "readable": false, "reason": format!("cannot be written as JSON: {e}")})
                .to_string()
        });
        s.push('\n');
        s
    }

    /// The text for a person: a header line per page or sheet, then its lines or its cells as
    /// tab-separated rows; annotations last. Control characters are shown escaped (`\n`, `\t`
    /// in cells, `\u{1b}`), so no file can rearrange the terminal.
    pub fn render_text(&self) -> String {
        let mut out = String::new();
        let file = escape(&self.file, true);
        if let Some(reason) = self.reason.as_deref().filter(|_| !self.readable) {
            out.push_str(&format!("== {file} — unreadable: {}\n", escape(reason, true)));
        }
        for p in &self.pages {
            let how = match p.confidence {
                Some(c) if p.read_by == "ocr" => {
                    let mut how = format!("ocr {}, confidence {}", p.engine.unwrap_or("?"), c.round());
                    if let Some(r) = p.rotation.filter(|r| *r != 0) {
                        how.push_str(&format!(", turned {r}°"));
                    }
                    how
                }
                _ => p.read_by.to_string(),
            };
            match p.page {
                Some(n) => out.push_str(&format!("== {file} — page {n} ({how})\n")),
                None => out.push_str(&format!("== {file} ({how})\n")),
            }
            for (i, l) in p.lines.iter().enumerate() {
                if let Some(c) = p.line_confidence.get(i) {
                    out.push_str(&format!("[OCR {c:.1}] "));
                }
                out.push_str(&escape(l, false));
                out.push('\n');
            }
        }
        if self.readable && self.pages.is_empty() && self.sheets.is_empty() {
            out.push_str(&format!("== {file} — no sheets\n"));
        }
        for s in &self.sheets {
            render_sheet(&mut out, &file, s);
        }
        if !self.annotations.is_empty() {
            out.push_str(&format!(
                "== {file} — annotations (seals, stamps, signatures; not body text)\n"
            ));
            for a in &self.annotations {
                match a.page {
                    Some(n) => out.push_str(&format!("[page {n}] {}\n", escape(&a.text, true))),
                    None => out.push_str(&format!("{}\n", escape(&a.text, true))),
                }
            }
        }
        out
    }
}

/// True when every file was read.
pub fn all_readable(files: &[FileText]) -> bool {
    files.iter().all(|f| f.readable)
}

/// Most empty cells a sheet's grid may be padded with in the text output; a sheet whose few
/// cells lie far apart (A1 and XFD1048576) is listed cell by cell instead.
pub const MAX_GRID_PADDING: u64 = 1_000_000;

fn render_sheet(out: &mut String, file: &str, s: &SheetText) {
    let name = escape(&s.name, true);
    let (Some(first_row), Some(last_row), Some(first_col)) = (
        s.cells.iter().map(|c| c.row).min(),
        s.cells.iter().map(|c| c.row).max(),
        s.cells.iter().map(|c| c.col).min(),
    ) else {
        out.push_str(&format!("== {file} — sheet {name} (empty)\n"));
        return;
    };
    let mut rows: BTreeMap<u32, Vec<&CellText>> = BTreeMap::new();
    for c in &s.cells {
        rows.entry(c.row).or_default().push(c);
    }
    let empty_rows = u64::from(last_row - first_row) + 1 - rows.len() as u64;
    let padding = rows.values().fold(empty_rows, |acc, cells| {
        let width = cells
            .iter()
            .map(|c| u64::from(c.col - first_col) + 1)
            .max()
            .unwrap_or(0);
        acc.saturating_add(width.saturating_sub(cells.len() as u64))
    });
    let origin = sheet::cell_ref(first_row, first_col);
    if padding > MAX_GRID_PADDING {
        out.push_str(&format!(
            "== {file} — sheet {name} (cell by cell: the grid would be mostly empty)\n"
        ));
        for c in &s.cells {
            out.push_str(&format!("{}\t{}\n", c.reference, escape(&c.value, true)));
        }
        return;
    }
    out.push_str(&format!("== {file} — sheet {name} (from {origin})\n"));
    for r in first_row..=last_row {
        let mut col = first_col;
        let mut line = String::new();
        for c in rows.get(&r).map(Vec::as_slice).unwrap_or_default() {
            while col < c.col {
                line.push('\t');
                col += 1;
            }
            line.push_str(&escape(&c.value, true));
        }
        out.push_str(&line);
        out.push('\n');
    }
}

/// `s` with control characters escaped: newline, carriage return and (when `tabs`) tab as `\n`,
/// `\r`, `\t`, any other as `\u{…}`.
fn escape(s: &str, tabs: bool) -> String {
    if !s.chars().any(char::is_control) {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '\t' if !tabs => out.push('\t'),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            c if c.is_control() => out.push_str(&format!("\\u{{{:x}}}", u32::from(c))),
            c => out.push(c),
        }
    }
    out
}

/// The OCR engine, looked for once and only when a scan needs it.
struct Ocr {
    mode: OcrMode,
    engine: OnceLock<Option<Engine>>,
}

impl Ocr {
    fn new(mode: OcrMode) -> Result<Ocr, TextError> {
        let ocr = Ocr {
            mode,
            engine: OnceLock::new(),
        };
        if mode == OcrMode::Require {
            let engine = Engine::detect().map_err(TextError::OcrRequired)?;
            let _ = ocr.engine.set(Some(engine));
        }
        Ok(ocr)
    }

    fn engine(&self) -> Option<&Engine> {
        if self.mode == OcrMode::Off {
            return None;
        }
        self.engine.get_or_init(|| Engine::detect().ok()).as_ref()
    }
}

/// Reads the file at `path`: a document or a spreadsheet gives one [`FileText`], a package one
/// per kept entry in path order (junk entries such as `__MACOSX/` are skipped, as the review
/// skips them). A file named `.zip`, or of another archive format, is a package: when it is not a
/// zip it gives one unreadable [`FileText`] saying what it is. An error only when the path cannot be read at all (or `--ocr
/// require` has no engine); every problem of the content is an unreadable [`FileText`].
pub fn read_path(path: &Path, opts: &TextOptions) -> Result<Vec<FileText>, TextError> {
    let name = path.display().to_string();
    let ocr = Ocr::new(opts.ocr)?;
    let meta = std::fs::metadata(path).map_err(|error| TextError::Open {
        path: name.clone(),
        error,
    })?;
    if !meta.is_file() {
        return Err(TextError::NotAFile(name));
    }
    let max = opts.limits.max_archive_bytes;
    if meta.len() > max {
        // SPEC §3: past a limit, never read to find out.
        let limit = ArchiveError::Limit {
            limit: "max_archive_bytes",
            actual: meta.len(),
            max,
            path: None,
        };
        return Ok(vec![FileText::unreadable(&name, FileKind::Unknown, limit.to_string())]);
    }
    let bytes = std::fs::read(path).map_err(|error| TextError::Open {
        path: name.clone(),
        error,
    })?;
    Ok(read_top(&name, &bytes, opts, &ocr))
}

/// Reads `bytes`, named `name`, as [`read_path`] reads a file.
pub fn read_bytes(name: &str, bytes: &[u8], opts: &TextOptions) -> Result<Vec<FileText>, TextError> {
    let ocr = Ocr::new(opts.ocr)?;
    Ok(read_top(name, bytes, opts, &ocr))
}

fn read_top(name: &str, bytes: &[u8], opts: &TextOptions, ocr: &Ocr) -> Vec<FileText> {
    let kind = sniff(bytes);
    let named_zip = crate::names::base_name(name).to_ascii_lowercase().ends_with(".zip");
    if named_zip || kind.is_archive() {
        return read_package(name, bytes, kind, opts, ocr);
    }
    let max = opts.limits.max_entry_uncompressed;
    if bytes.len() as u64 > max {
        let limit = ArchiveError::Limit {
            limit: "max_entry_uncompressed",
            actual: bytes.len() as u64,
            max,
            path: None,
        };
        return vec![FileText::unreadable(name, kind, limit.to_string())];
    }
    vec![read_file(name, bytes, kind, ocr)]
}

fn read_package(name: &str, bytes: &[u8], kind: FileKind, opts: &TextOptions, ocr: &Ocr) -> Vec<FileText> {
    let archive = match archive::open(bytes, &opts.limits) {
        Ok(a) => a,
        Err(e) => return vec![FileText::unreadable(name, kind, e.to_string())],
    };
    archive
        .entries
        .iter()
        .map(|e| match &e.content {
            Content::Data(d) => read_file(&e.path, d, sniff(d), ocr),
            _ => {
                let reason = package::unreadable_reason(e, FileKind::Unknown)
                    .unwrap_or_else(|| "the entry cannot be read".to_string());
                FileText::unreadable(&e.path, FileKind::Unknown, reason)
            }
        })
        .collect()
}

/// One file by its sniffed kind; a panic in a reader makes it unreadable, never the run.
fn read_file(name: &str, bytes: &[u8], kind: FileKind, ocr: &Ocr) -> FileText {
    catch_unwind(AssertUnwindSafe(|| read_kind(name, bytes, kind, ocr))).unwrap_or_else(|panic| {
        let what = panic
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| panic.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown panic".to_string());
        FileText::unreadable(name, kind, format!("internal error: {what}"))
    })
}

fn read_kind(name: &str, bytes: &[u8], kind: FileKind, ocr: &Ocr) -> FileText {
    match kind {
        FileKind::Pdf | FileKind::Docx | FileKind::Ofd => read_doc(name, bytes, kind, ocr),
        FileKind::Text if is_csv(name) => read_sheets(name, bytes, kind),
        FileKind::Text => read_doc(name, bytes, kind, ocr),
        FileKind::Xlsx | FileKind::Xls | FileKind::Ods => read_sheets(name, bytes, kind),
        // SPEC §4/§6: an image file whose pixels can be taken out is read by OCR as a scan.
        k if extract::images::is_readable_image(k) => match ocr.engine() {
            Some(engine) => read_scan(name, bytes, k, engine, package::IMAGE_NO_TEXT.to_string()),
            None => FileText::unreadable(name, k, package::IMAGE_NO_TEXT.to_string()),
        },
        other => {
            let reason =
                package::kind_unreadable_reason(other, bytes).unwrap_or_else(|| format!("no reader for {other}"));
            FileText::unreadable(name, other, reason)
        }
    }
}

/// A text file is a table when it is named `.csv` (SPEC §4: csv is a table, txt a document).
fn is_csv(name: &str) -> bool {
    crate::names::base_name(name).to_ascii_lowercase().ends_with(".csv")
}

fn read_doc(name: &str, bytes: &[u8], kind: FileKind, ocr: &Ocr) -> FileText {
    match extract::read_document(bytes, kind, ReadOptions::ALL) {
        Ok(doc) => {
            let mut f = FileText::readable(name, kind);
            f.pages = text_pages(&doc);
            f.annotations = doc
                .annotations
                .iter()
                .map(|l| Annotation {
                    page: l.page,
                    text: l.text.clone(),
                })
                .collect();
            f
        }
        // SPEC §6: scans, and pages whose text does not map to Unicode, go to OCR, as in a review.
        Err(e @ (DocError::NoTextLayer | DocError::UnmappedText)) => {
            let reason = e.to_string();
            let Some(engine) = ocr.engine() else {
                return FileText::unreadable(name, kind, reason);
            };
            read_scan(name, bytes, kind, engine, reason)
        }
        Err(e) => FileText::unreadable(name, kind, e.to_string()),
    }
}

/// The pages of a document read from its text layer: every page read, in order (a page with
/// no text gives no lines), or one page `None` for formats without pages.
fn text_pages(doc: &Document) -> Vec<PageText> {
    let mut pages: BTreeMap<Option<u32>, Vec<String>> = BTreeMap::new();
    for n in 1..=doc.pages_read {
        pages.insert(Some(n), Vec::new());
    }
    for l in &doc.lines {
        pages.entry(l.page).or_default().push(l.text.clone());
    }
    if pages.is_empty() {
        pages.insert(None, Vec::new());
    }
    pages
        .into_iter()
        .map(|(page, lines)| PageText {
            page,
            read_by: "text",
            confidence: None,
            lines,
            line_confidence: Vec::new(),
            engine: None,
            rotation: None,
        })
        .collect()
}

/// A scan read by OCR as the review reads it; unreadable (with the reader's reason and what OCR
/// gave) when no page gives a word.
fn read_scan(name: &str, bytes: &[u8], kind: FileKind, engine: &Engine, reason: String) -> FileText {
    let read = match package::ocr_pages(engine, bytes, kind) {
        Ok(p) => p,
        Err(e) => {
            return FileText::unreadable(
                name,
                kind,
                format!("{reason} (OCR: the scanned pages cannot be taken out: {e})"),
            )
        }
    };
    let mut pages = Vec::new();
    let mut seals = Vec::new();
    let mut failures = Vec::new();
    for p in read {
        match p.read {
            Ok(read) => {
                seals.extend(read.seals.iter().map(|s| Annotation {
                    page: Some(p.page),
                    text: format!("seal ({}, OCR {:.1}): {}", s.shape, s.confidence, s.text),
                }));
                if read.lines.is_empty() {
                    continue;
                }
                let sum: f64 = read.lines.iter().map(|l| f64::from(l.confidence)).sum();
                let mean = sum / read.lines.len() as f64;
                pages.push(PageText {
                    page: Some(p.page),
                    read_by: "ocr",
                    confidence: Some((mean * 10.0).round() / 10.0),
                    line_confidence: read.lines.iter().map(|l| l.confidence).collect(),
                    lines: read.lines.into_iter().map(|l| l.text).collect(),
                    engine: Some(engine.info().engine),
                    rotation: Some(read.rotation),
                });
            }
            Err(e) => failures.push(format!("page {}: {e}", p.page)),
        }
    }
    if pages.is_empty() {
        let why = if failures.is_empty() {
            "OCR read no words".to_string()
        } else {
            format!("OCR failed on {}", failures.join("; "))
        };
        return FileText::unreadable(name, kind, format!("{reason} ({why})"));
    }
    let mut f = FileText::readable(name, kind);
    f.pages = pages;
    f.annotations = seals;
    f
}

fn read_sheets(name: &str, bytes: &[u8], kind: FileKind) -> FileText {
    match sheet::read_workbook(bytes, kind) {
        Ok(wb) => {
            let mut f = FileText::readable(name, kind);
            f.sheets = text_sheets(&wb);
            f
        }
        Err(e) => FileText::unreadable(name, kind, e.to_string()),
    }
}

fn text_sheets(wb: &Workbook) -> Vec<SheetText> {
    wb.sheets
        .iter()
        .map(|s| SheetText {
            name: s.name.clone(),
            cells: s
                .cells
                .iter()
                .map(|(&(row, col), c)| CellText {
                    reference: sheet::cell_ref(row, col),
                    kind: cell_type(c),
                    value: c.text(),
                    row,
                    col,
                })
                .collect(),
        })
        .collect()
}

/// The wire name of a cell's type.
pub fn cell_type(c: &Cell) -> &'static str {
    match c {
        Cell::Text(_) => "text",
        Cell::Number(_) => "number",
        Cell::Bool(_) => "bool",
        Cell::Date { .. } | Cell::DateIso(_) => "date",
        Cell::Time { .. } => "time",
        Cell::Duration { .. } => "duration",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cell(row: u32, col: u32, value: &str) -> CellText {
        CellText {
            reference: sheet::cell_ref(row, col),
            kind: "text",
            value: value.to_string(),
            row,
            col,
        }
    }

    #[test]
    fn a_sheet_is_a_grid_from_its_first_used_cell() {
        let s = SheetText {
            name: "表1".into(),
            cells: vec![cell(1, 1, "a"), cell(1, 3, "b"), cell(3, 2, "c\td")],
        };
        let mut out = String::new();
        render_sheet(&mut out, "x.xlsx", &s);
        assert_eq!(out, "== x.xlsx — sheet 表1 (from B2)\na\t\tb\n\n\tc\\td\n");
    }

    #[test]
    fn far_apart_cells_are_listed_not_padded() {
        let s = SheetText {
            name: "s".into(),
            cells: vec![cell(0, 0, "a"), cell(1_048_575, 16_383, "z")],
        };
        let mut out = String::new();
        render_sheet(&mut out, "x.xlsx", &s);
        assert_eq!(
            out,
            "== x.xlsx — sheet s (cell by cell: the grid would be mostly empty)\nA1\ta\nXFD1048576\tz\n"
        );
    }

    #[test]
    fn the_text_of_an_ocr_page_and_of_annotations_is_marked() {
        let f = FileText {
            pages: vec![PageText {
                page: Some(1),
                read_by: "ocr",
                confidence: Some(86.6),
                lines: vec!["验收意见".into()],
                line_confidence: vec![86.6],
                engine: Some("pp-ocr"),
                rotation: Some(90),
            }],
            annotations: vec![Annotation {
                page: Some(1),
                text: "北京市某某局验收专用章".into(),
            }],
            ..FileText::readable("a.ofd", FileKind::Ofd)
        };
        assert_eq!(
            f.render_text(),
            "== a.ofd — page 1 (ocr pp-ocr, confidence 87, turned 90°)\n[OCR 86.6] 验收意见\n\
             == a.ofd — annotations (seals, stamps, signatures; not body text)\n\
             [page 1] 北京市某某局验收专用章\n"
        );
        let json = f.to_json_line();
        assert!(
            json.ends_with("\"annotations\":[{\"page\":1,\"text\":\"北京市某某局验收专用章\"}]}\n"),
            "{json}"
        );
    }

    #[test]
    fn control_characters_are_escaped() {
        assert_eq!(escape("a\u{1b}[2Jb\nc\td", false), "a\\u{1b}[2Jb\\nc\td");
        assert_eq!(escape("a\td", true), "a\\td");
        assert_eq!(escape("普通", true), "普通");
    }

    #[test]
    fn a_document_without_pages_is_one_page_none() {
        let doc = Document {
            lines: vec![extract::Line {
                text: "标题".into(),
                page: None,
            }],
            ..Document::default()
        };
        let pages = text_pages(&doc);
        assert_eq!(pages.len(), 1);
        assert_eq!(pages[0].page, None);
        assert_eq!(pages[0].lines, vec!["标题".to_string()]);
    }

    #[test]
    fn empty_pages_of_a_paged_document_are_kept() {
        let doc = Document {
            lines: vec![extract::Line {
                text: "第二页".into(),
                page: Some(2),
            }],
            page_count: 3,
            pages_read: 3,
            ..Document::default()
        };
        let pages: Vec<(Option<u32>, usize)> = text_pages(&doc).iter().map(|p| (p.page, p.lines.len())).collect();
        assert_eq!(pages, vec![(Some(1), 0), (Some(2), 1), (Some(3), 0)]);
    }
}
