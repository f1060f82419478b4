//! Word documents (docx), read with quick-xml as a stream: the main part is found through
//! `_rels/.rels`, its paragraphs come out as lines of text in document order and its tables as
//! [`DocTable`]s with merged cells resolved.
//!
//! SPEC §6: "Text comes from … docx (`word/document.xml`, tables included)"; SPEC §4: the title is
//! "the first paragraph of a docx"; SPEC §5: a table may be "a table inside docx", and for
//! content_comparison "From docx, the first table whose header row matches". Headers and footers
//! are not read.
//!
//! The zip/XML plumbing shared with the OFD reader (part lookup inside the package only, size and
//! depth limits, entity handling without DTD expansion) lives in [`package`].

use std::borrow::Cow;

use quick_xml::events::{BytesStart, Event};

use super::{DocError, DocTable, Document, Line};
use package::{attr, push_entity, Package, Xml};

/// Largest XML part inflated from a docx (the main document part of a real office document is a
/// few MB; a bigger one is refused rather than read).
pub const MAX_PART_BYTES: u64 = 64 * 1024 * 1024;

/// Most lines a docx may yield (paragraphs and table rows); more is [`DocError::Limit`].
pub const MAX_LINES: usize = 1_000_000;

/// Widest table row kept, in grid columns (a `w:gridSpan` or `w:gridBefore` is clamped to it).
const MAX_COLUMNS: usize = 1024;

/// Most table cells (after merged cells are spread over their columns) in one document.
const MAX_TABLE_CELLS: usize = 4_000_000;

/// Most bytes of table cell text (after merged cells are copied) in one document.
const MAX_TABLE_TEXT: usize = 128 * 1024 * 1024;

/// Why a docx could not be read (the error of [`paragraphs`], kept for its callers; new code uses
/// [`read_docx`] and [`DocError`]).
#[derive(Debug, thiserror::Error)]
pub enum DocxError {
    /// Not a zip archive, or an entry cannot be inflated.
    #[error("not a readable docx: {0}")]
    Zip(String),
    /// No main document part.
    #[error("the main document part is missing")]
    NoMainPart,
    /// The main part inflates to more than [`MAX_PART_BYTES`].
    #[error("the main document part is larger than {}", crate::units::human_size(MAX_PART_BYTES))]
    TooLarge,
    /// The main part is not well-formed XML.
    #[error("broken XML in the main document part: {0}")]
    Xml(String),
    /// Any other reason, as [`read_docx`] reports it.
    #[error("{0}")]
    Doc(DocError),
}

/// The document's lines as plain strings (paragraphs, and one line per table row), in order. A
/// thin wrapper over [`read_docx`], kept until its callers move to [`Document`].
pub fn paragraphs(bytes: &[u8]) -> Result<Vec<String>, DocxError> {
    read_docx(bytes)
        .map(|doc| doc.lines.into_iter().map(|l| l.text).collect())
        .map_err(DocxError::Doc)
}

/// Reads a docx: every paragraph of the main document part (`w:p`, also inside text boxes,
/// content controls, hyperlinks, smart tags, simple fields and inserted revisions) becomes a
/// [`Line`] in document order (page `None`); a line break inside a paragraph (`w:br`, `w:cr`)
/// starts a new line. Deleted text (`w:del`, `w:delText`, `w:moveFrom`), field codes
/// (`w:instrText`), hidden runs (`w:vanish`) and `mc:Fallback` alternatives (copies of
/// `mc:Choice` text boxes) are skipped.
///
/// Each table (`w:tbl`, nested ones too, in the order they start) becomes a [`DocTable`] whose
/// cells are their paragraphs joined by `"\n"`; a `w:gridSpan` cell fills every column it spans,
/// a `w:vMerge` continue cell takes the text of the cell above. Each table row is also one line,
/// its cells (as written, each once, a cell's paragraphs joined by a space) joined by `"\t"`; a
/// nested table's rows go into the enclosing cell as paragraphs.
///
/// Errors: not a zip, no main part, broken XML → [`DocError::Broken`]; the main part larger than
/// [`MAX_PART_BYTES`], XML nested deeper than 256 elements, more than [`MAX_LINES`] lines or too
/// many table cells → [`DocError::Limit`]. A `<!DOCTYPE` is ignored: its entities are never
/// expanded, and references to them are dropped.
pub fn read_docx(bytes: &[u8]) -> Result<Document, DocError> {
    read_docx_with(bytes, super::ReadOptions::ALL)
}

/// [`read_docx`], stopping at the first non-empty line when `opts` asks for the first page only
/// (a docx has no pages; the first line is its title, all the caller needs).
pub fn read_docx_with(bytes: &[u8], opts: super::ReadOptions) -> Result<Document, DocError> {
    let mut pkg = Package::open(bytes, "docx", MAX_PART_BYTES, MAX_PART_BYTES.saturating_mul(2))?;
    let name = main_part_name(&mut pkg)?;
    let xml = pkg.read(&name)?;
    let text = super::text::decode_xml(&xml);
    let mut walker = Walker {
        title_only: opts.max_pages.is_some(),
        ..Walker::default()
    };
    walker.run(&text, &name)?;
    Ok(Document {
        lines: walker.lines,
        tables: walker.tables_out,
        page_count: 0,
        pages_read: 0,
        annotations: Vec::new(),
    })
}

/// The main part's path: the `officeDocument` relationship of `_rels/.rels` (a target relative to
/// the package root or absolute, any name), else `word/document.xml`.
fn main_part_name(pkg: &mut Package<'_>) -> Result<String, DocError> {
    const FALLBACK: &str = "word/document.xml";
    let rels = match pkg.read("_rels/.rels") {
        Ok(rels) => rels,
        Err(DocError::Limit(m)) => return Err(DocError::Limit(m)),
        Err(_) => return Ok(FALLBACK.to_string()),
    };
    let text = super::text::decode_xml(&rels);
    let mut xml = Xml::new(&text, "_rels/.rels");
    loop {
        let ev = match xml.next() {
            Ok(ev) => ev,
            Err(DocError::Limit(m)) => return Err(DocError::Limit(m)),
            Err(_) => break,
        };
        match ev {
            Event::Start(e) | Event::Empty(e) if e.local_name().as_ref() == "Relationship" => {
                let ty = attr(&e, "Type").unwrap_or_default();
                let external = attr(&e, "TargetMode").is_some_and(|m| m.eq_ignore_ascii_case("External"));
                if !ty.ends_with("/officeDocument") || external {
                    continue;
                }
                let Some(target) = attr(&e, "Target") else { continue };
                for candidate in [Cow::Borrowed(target.as_str()), percent_decode(&target)] {
                    if let Some(path) = package::resolve("", &candidate) {
                        if pkg.contains(&path) {
                            return Ok(path);
                        }
                    }
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    Ok(FALLBACK.to_string())
}

/// `%XX` escapes of a relationship target decoded (when they form UTF-8); else the text as is.
fn percent_decode(s: &str) -> Cow<'_, str> {
    if !s.contains('%') {
        return Cow::Borrowed(s);
    }
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0usize;
    while let Some(&b) = bytes.get(i) {
        if b == b'%' {
            let hex = bytes
                .get(i + 1..i + 3)
                .and_then(|h| std::str::from_utf8(h).ok())
                .and_then(|h| u8::from_str_radix(h, 16).ok());
            if let Some(v) = hex {
                out.push(v);
                i += 3;
                continue;
            }
        }
        out.push(b);
        i += 1;
    }
    match String::from_utf8(out) {
        Ok(decoded) => Cow::Owned(decoded),
        Err(_) => Cow::Borrowed(s),
    }
}

/// What an open element is, as far as the walker cares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Para,
    /// `w:r`; hidden when its own properties say `w:vanish`.
    Run {
        hidden: bool,
    },
    RunProps,
    Text,
    Table,
    Row,
    Cell,
    CellProps,
    RowProps,
    /// `mc:AlternateContent`: only its first `mc:Choice` is read.
    Alternate {
        choice_taken: bool,
    },
    Other,
}

/// How a cell merges with its neighbours.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
enum Merge {
    #[default]
    None,
    /// `w:vMerge` without `w:val="restart"`: the cell continues the one above.
    Continue,
    /// Legacy `w:hMerge w:val="continue"`: the cell continues the one to its left.
    ContinueLeft,
}

#[derive(Debug, Default)]
struct CellBuilder {
    paras: Vec<String>,
    span: usize,
    merge: Merge,
}

#[derive(Debug)]
struct CellDone {
    text: String,
    span: usize,
    merge: Merge,
}

#[derive(Debug, Default)]
struct RowBuilder {
    grid_before: usize,
    cells: Vec<CellDone>,
    cell: Option<CellBuilder>,
}

#[derive(Debug)]
struct TableBuilder {
    /// Where this table goes in the output (reserved when it starts, so tables come in the order
    /// they start: an outer table before the tables nested in it).
    index: usize,
    rows: Vec<Vec<String>>,
    row: Option<RowBuilder>,
}

/// The streaming state over the main part's events.
#[derive(Debug, Default)]
struct Walker {
    stack: Vec<Kind>,
    /// While set, everything inside the element at this stack depth is skipped.
    skip_at: Option<usize>,
    /// Open paragraphs (text boxes nest paragraphs in paragraphs); each is its line segments.
    paras: Vec<Vec<String>>,
    tables: Vec<TableBuilder>,
    lines: Vec<Line>,
    tables_out: Vec<DocTable>,
    cells_used: usize,
    text_used: usize,
    /// Stop once a non-empty line is out (the title is all that is wanted).
    title_only: bool,
    /// Set when a non-empty line has been pushed.
    has_text: bool,
}

impl Walker {
    fn run(&mut self, text: &str, part: &str) -> Result<(), DocError> {
        let mut xml = Xml::new(text, part);
        loop {
            if self.title_only && self.has_text {
                return Ok(());
            }
            match xml.next()? {
                Event::Start(e) => self.start(&e)?,
                Event::Empty(e) => {
                    self.start(&e)?;
                    self.end()?;
                }
                Event::End(_) => self.end()?,
                Event::Text(t) if self.in_text() => self.push_str(&t.xml10_content()),
                Event::CData(t) if self.in_text() => self.push_str(&t.xml10_content()),
                Event::GeneralRef(r) if self.in_text() => {
                    let mut s = String::new();
                    push_entity(&r, &mut s);
                    self.push_str(&s);
                }
                Event::Eof => break,
                _ => {}
            }
        }
        // A truncated part: close what is open so its text is not lost.
        while !self.stack.is_empty() {
            self.end()?;
        }
        Ok(())
    }

    fn in_text(&self) -> bool {
        self.skip_at.is_none() && self.stack.last() == Some(&Kind::Text)
    }

    /// Whether the innermost open element is a run whose text shows.
    fn in_visible_run(&self) -> bool {
        self.stack.last() == Some(&Kind::Run { hidden: false })
    }

    fn push_str(&mut self, s: &str) {
        if let Some(seg) = self.paras.last_mut().and_then(|p| p.last_mut()) {
            seg.push_str(s);
        }
    }

    fn line_break(&mut self) {
        if let Some(p) = self.paras.last_mut() {
            p.push(String::new());
        }
    }

    fn start(&mut self, e: &BytesStart<'_>) -> Result<(), DocError> {
        if self.stack.len() >= package::MAX_DEPTH {
            return Err(DocError::Limit(format!(
                "XML nested deeper than {} elements in the docx main part",
                package::MAX_DEPTH
            )));
        }
        if self.skip_at.is_some() {
            self.stack.push(Kind::Other);
            return Ok(());
        }
        let name = e.local_name();
        let parent = self.stack.last().copied();
        let in_run = self.in_visible_run();
        let mut skip = false;
        let kind = match name.as_ref() {
            // Deleted and moved-away revisions, field codes, and the fallback copy of a text box.
            "del" | "delText" | "delInstrText" | "instrText" | "moveFrom" | "Fallback" => {
                skip = true;
                Kind::Other
            }
            "AlternateContent" => Kind::Alternate { choice_taken: false },
            "Choice" => {
                if let Some(Kind::Alternate { choice_taken }) = self.stack.last_mut() {
                    skip = *choice_taken;
                    *choice_taken = true;
                }
                Kind::Other
            }
            "p" => {
                self.paras.push(vec![String::new()]);
                Kind::Para
            }
            "r" => Kind::Run { hidden: false },
            "rPr" if matches!(parent, Some(Kind::Run { .. })) => Kind::RunProps,
            // Hidden text (`w:vanish` in the run's own properties) is not on the page.
            "vanish" if parent == Some(Kind::RunProps) => {
                let on = attr(e, "val").is_none_or(|v| !matches!(v.trim(), "false" | "0" | "off"));
                let at = self.stack.len().saturating_sub(2);
                if let Some(Kind::Run { hidden }) = self.stack.get_mut(at) {
                    *hidden = on;
                }
                Kind::Other
            }
            "t" if in_run => Kind::Text,
            "tab" | "ptab" if in_run => {
                self.push_str("\t");
                Kind::Other
            }
            "br" | "cr" if in_run => {
                self.line_break();
                Kind::Other
            }
            "noBreakHyphen" if in_run => {
                self.push_str("-");
                Kind::Other
            }
            "sym" if in_run => {
                if let Some(c) = attr(e, "char").and_then(|v| sym_char(&v)) {
                    self.push_str(c.encode_utf8(&mut [0u8; 4]));
                }
                Kind::Other
            }
            "tbl" => {
                self.tables.push(TableBuilder {
                    index: self.tables_out.len(),
                    rows: Vec::new(),
                    row: None,
                });
                self.tables_out.push(DocTable::default());
                Kind::Table
            }
            "tr" => {
                self.finish_row()?;
                if let Some(t) = self.tables.last_mut() {
                    t.row = Some(RowBuilder::default());
                }
                Kind::Row
            }
            "tc" => {
                if let Some(t) = self.tables.last_mut() {
                    let row = t.row.get_or_insert_with(RowBuilder::default);
                    finish_cell(row);
                    row.cell = Some(CellBuilder {
                        span: 1,
                        ..CellBuilder::default()
                    });
                }
                Kind::Cell
            }
            "tcPr" if parent == Some(Kind::Cell) => Kind::CellProps,
            "trPr" if parent == Some(Kind::Row) => Kind::RowProps,
            "gridSpan" if parent == Some(Kind::CellProps) => {
                if let Some(cell) = self.open_cell(0) {
                    cell.span = attr(e, "val")
                        .and_then(|v| v.trim().parse::<usize>().ok())
                        .unwrap_or(1)
                        .clamp(1, MAX_COLUMNS);
                }
                Kind::Other
            }
            "vMerge" if parent == Some(Kind::CellProps) => {
                if let Some(cell) = self.open_cell(0) {
                    let restart = attr(e, "val").is_some_and(|v| v.trim() == "restart");
                    cell.merge = if restart { Merge::None } else { Merge::Continue };
                }
                Kind::Other
            }
            "hMerge" if parent == Some(Kind::CellProps) => {
                if let Some(cell) = self.open_cell(0) {
                    let restart = attr(e, "val").is_some_and(|v| v.trim() == "restart");
                    if !restart {
                        cell.merge = Merge::ContinueLeft;
                    }
                }
                Kind::Other
            }
            "gridBefore" if parent == Some(Kind::RowProps) => {
                if let Some(row) = self.tables.last_mut().and_then(|t| t.row.as_mut()) {
                    row.grid_before = attr(e, "val")
                        .and_then(|v| v.trim().parse::<usize>().ok())
                        .unwrap_or(0)
                        .min(MAX_COLUMNS);
                }
                Kind::Other
            }
            _ => Kind::Other,
        };
        self.stack.push(kind);
        if skip {
            self.skip_at = Some(self.stack.len());
        }
        Ok(())
    }

    fn end(&mut self) -> Result<(), DocError> {
        let Some(kind) = self.stack.pop() else {
            return Ok(());
        };
        if let Some(depth) = self.skip_at {
            if self.stack.len() < depth {
                self.skip_at = None;
            }
            return Ok(());
        }
        match kind {
            Kind::Para => {
                if let Some(segments) = self.paras.pop() {
                    self.deliver_paragraph(segments)?;
                }
            }
            Kind::Cell => {
                if let Some(row) = self.tables.last_mut().and_then(|t| t.row.as_mut()) {
                    finish_cell(row);
                }
            }
            Kind::Row => self.finish_row()?,
            Kind::Table => {
                self.finish_row()?;
                if let Some(t) = self.tables.pop() {
                    if let Some(slot) = self.tables_out.get_mut(t.index) {
                        slot.rows = t.rows;
                    }
                }
            }
            _ => {}
        }
        Ok(())
    }

    /// The open cell of the table `up` levels below the innermost one.
    fn open_cell(&mut self, up: usize) -> Option<&mut CellBuilder> {
        let at = self.tables.len().checked_sub(up.checked_add(1)?)?;
        self.tables.get_mut(at)?.row.as_mut()?.cell.as_mut()
    }

    /// A finished paragraph goes into the innermost open table cell, else becomes lines.
    fn deliver_paragraph(&mut self, segments: Vec<String>) -> Result<(), DocError> {
        if let Some(cell) = self.open_cell(0) {
            cell.paras.push(segments.join("\n"));
            return Ok(());
        }
        for text in segments {
            self.push_line(text)?;
        }
        Ok(())
    }

    fn push_line(&mut self, text: String) -> Result<(), DocError> {
        if self.lines.len() >= MAX_LINES {
            return Err(DocError::Limit(format!("more than {MAX_LINES} lines in the docx")));
        }
        self.has_text |= !text.trim().is_empty();
        self.lines.push(Line { text, page: None });
        Ok(())
    }

    /// Ends the innermost table's open row: its resolved cells become a table row, its cells as
    /// written become one line (or a paragraph of the enclosing cell for a nested table).
    fn finish_row(&mut self) -> Result<(), DocError> {
        let Some(table) = self.tables.last_mut() else {
            return Ok(());
        };
        let Some(mut row) = table.row.take() else {
            return Ok(());
        };
        finish_cell(&mut row);
        if row.cells.is_empty() {
            return Ok(());
        }
        let above = table.rows.last();
        let mut resolved: Vec<String> = vec![String::new(); row.grid_before];
        let mut raw: Vec<String> = Vec::with_capacity(row.cells.len());
        for cell in &row.cells {
            raw.push(cell.text.replace('\n', " "));
            for _ in 0..cell.span {
                if resolved.len() >= MAX_COLUMNS {
                    break;
                }
                let text = match cell.merge {
                    Merge::Continue => above
                        .and_then(|r| r.get(resolved.len()))
                        .filter(|t| !t.is_empty())
                        .unwrap_or(&cell.text)
                        .clone(),
                    Merge::ContinueLeft => resolved.last().filter(|t| !t.is_empty()).unwrap_or(&cell.text).clone(),
                    Merge::None => cell.text.clone(),
                };
                self.cells_used = self.cells_used.saturating_add(1);
                self.text_used = self.text_used.saturating_add(text.len());
                if self.cells_used > MAX_TABLE_CELLS || self.text_used > MAX_TABLE_TEXT {
                    return Err(DocError::Limit(format!(
                        "more than {MAX_TABLE_CELLS} table cells or {} MiB of table text in the docx",
                        MAX_TABLE_TEXT / (1024 * 1024)
                    )));
                }
                resolved.push(text);
            }
        }
        table.rows.push(resolved);
        let line = raw.join("\t");
        if let Some(cell) = self.open_cell(1) {
            cell.paras.push(line);
            Ok(())
        } else {
            self.push_line(line)
        }
    }
}

/// Ends a row's open cell, if any.
fn finish_cell(row: &mut RowBuilder) {
    if let Some(cell) = row.cell.take() {
        row.cells.push(CellDone {
            text: cell.paras.join("\n"),
            span: cell.span.max(1),
            merge: cell.merge,
        });
    }
}

/// The character of a `w:sym w:char="…"` (hex), when it is an ordinary one: not a control
/// character and not in the Private Use Area where symbol fonts (Wingdings, Symbol) put theirs.
fn sym_char(hex: &str) -> Option<char> {
    let code = u32::from_str_radix(hex.trim(), 16).ok()?;
    let c = char::from_u32(code)?;
    (!c.is_control() && !(0xE000..=0xF8FF).contains(&code)).then_some(c)
}

/// Zip and XML plumbing shared by the docx and OFD readers: parts looked up inside the package
/// only, read through `take` with size limits, XML read with a depth limit and without any DTD
/// entity expansion.
pub(crate) mod package {
    use std::borrow::Cow;
    use std::collections::HashMap;
    use std::io::{Cursor, Read};

    use quick_xml::events::{BytesStart, Event};
    use quick_xml::Reader;

    use crate::extract::DocError;

    /// Deepest XML element nesting read; deeper is [`DocError::Limit`].
    pub(crate) const MAX_DEPTH: usize = 256;

    /// A zip package whose parts are read by path.
    pub(crate) struct Package<'a> {
        zip: zip::ZipArchive<Cursor<&'a [u8]>>,
        /// Entry index by folded name (see [`fold`]), for names written with another case,
        /// backslashes or a leading slash.
        folded: HashMap<String, usize>,
        max_part: u64,
        /// Bytes that may still be inflated from this package, all parts together.
        budget: u64,
        what: &'static str,
    }

    impl<'a> Package<'a> {
        /// Opens a zip package. `max_part` bounds one part, `budget` all parts read together.
        pub(crate) fn open(bytes: &'a [u8], what: &'static str, max_part: u64, budget: u64) -> Result<Self, DocError> {
            let zip = zip::ZipArchive::new(Cursor::new(bytes))
                .map_err(|e| DocError::Broken(format!("not a readable {what} (zip): {e}")))?;
            let mut folded = HashMap::new();
            for i in 0..zip.len() {
                if let Some(Ok(name)) = zip.name_for_index(i) {
                    folded.entry(fold(&name)).or_insert(i);
                }
            }
            Ok(Package {
                zip,
                folded,
                max_part,
                budget,
                what,
            })
        }

        fn index(&self, path: &str) -> Option<usize> {
            self.zip
                .index_for_name(path)
                .or_else(|| self.folded.get(&fold(path)).copied())
        }

        /// Whether the package holds this part.
        pub(crate) fn contains(&self, path: &str) -> bool {
            self.index(path).is_some()
        }

        /// The part's bytes. Missing or unreadable (corrupt, encrypted) → [`DocError::Broken`];
        /// larger than the part limit or the remaining budget → [`DocError::Limit`].
        pub(crate) fn read(&mut self, path: &str) -> Result<Vec<u8>, DocError> {
            let what = self.what;
            let idx = self
                .index(path)
                .ok_or_else(|| DocError::Broken(format!("{path} is missing from the {what}")))?;
            let limit = self.max_part.min(self.budget);
            let file = self
                .zip
                .by_index(idx)
                .map_err(|e| DocError::Broken(format!("{path} in the {what} cannot be read: {e}")))?;
            let mut buf = Vec::new();
            file.take(limit.saturating_add(1))
                .read_to_end(&mut buf)
                .map_err(|e| DocError::Broken(format!("{path} in the {what} cannot be inflated: {e}")))?;
            let len = u64::try_from(buf.len()).unwrap_or(u64::MAX);
            if len > limit {
                return Err(DocError::Limit(if limit < self.max_part {
                    format!("the parts of the {what} inflate to more than the reading budget")
                } else {
                    format!("{path} in the {what} inflates to more than {} MiB", self.max_part >> 20)
                }));
            }
            self.budget = self.budget.saturating_sub(len);
            Ok(buf)
        }
    }

    /// A zip entry name folded for a tolerant lookup: `/` separators, no leading `/` or `./`,
    /// lower case.
    fn fold(name: &str) -> String {
        let name = name.replace('\\', "/");
        let mut s = name.as_str();
        loop {
            if let Some(rest) = s.strip_prefix('/') {
                s = rest;
            } else if let Some(rest) = s.strip_prefix("./") {
                s = rest;
            } else {
                break;
            }
        }
        s.to_lowercase()
    }

    /// Resolves `target` against the folder `base_dir` (both inside the package, `/`-separated;
    /// a target starting with `/` is relative to the package root). `None` when the target leaves
    /// the package (`..` above the root), looks like a file-system or URL path (`C:\…`,
    /// `file://…`), or names nothing.
    pub(crate) fn resolve(base_dir: &str, target: &str) -> Option<String> {
        let target = target.trim().replace('\\', "/");
        if target.is_empty() || target.contains(':') {
            return None;
        }
        let mut segs: Vec<&str> = if target.starts_with('/') {
            Vec::new()
        } else {
            base_dir.split('/').filter(|s| !s.is_empty() && *s != ".").collect()
        };
        for seg in target.split('/') {
            match seg {
                "" | "." => {}
                ".." => {
                    segs.pop()?;
                }
                s => segs.push(s),
            }
        }
        if segs.is_empty() {
            None
        } else {
            Some(segs.join("/"))
        }
    }

    /// The folder of a part path (`""` for a part at the root).
    pub(crate) fn parent_dir(path: &str) -> &str {
        path.rsplit_once('/').map(|(dir, _)| dir).unwrap_or("")
    }

    /// XML events with depth tracking: a start tag deeper than [`MAX_DEPTH`] is
    /// [`DocError::Limit`], any syntax error [`DocError::Broken`]. quick-xml never expands DTD
    /// entities; references to them come out as [`Event::GeneralRef`] and [`push_entity`] drops
    /// them.
    pub(crate) struct Xml<'a> {
        reader: Reader<&'a [u8]>,
        depth: usize,
        part: String,
    }

    impl<'a> Xml<'a> {
        /// Events of `text`, the part named `part` (for messages).
        pub(crate) fn new(text: &'a str, part: &str) -> Self {
            let mut reader = Reader::from_str(text);
            reader.config_mut().allow_dangling_amp = true;
            Xml {
                reader,
                depth: 0,
                part: part.to_string(),
            }
        }

        /// The next event.
        pub(crate) fn next(&mut self) -> Result<Event<'a>, DocError> {
            let ev = self
                .reader
                .read_event()
                .map_err(|e| DocError::Broken(format!("broken XML in {}: {e}", self.part)))?;
            match &ev {
                Event::Start(_) => {
                    self.depth = self.depth.saturating_add(1);
                    if self.depth > MAX_DEPTH {
                        return Err(DocError::Limit(format!(
                            "XML nested deeper than {MAX_DEPTH} elements in {}",
                            self.part
                        )));
                    }
                }
                Event::End(_) => self.depth = self.depth.saturating_sub(1),
                _ => {}
            }
            Ok(ev)
        }
    }

    /// The value of the attribute whose local name is `local`, entities resolved.
    pub(crate) fn attr(e: &BytesStart<'_>, local: &str) -> Option<String> {
        let mut attrs = e.attributes();
        attrs.with_checks(false);
        attrs
            .map_while(Result::ok)
            .find(|a| a.key.local_name().as_ref() == local)
            .map(|a| unescape(&a.value).into_owned())
    }

    /// Resolves the predefined entities and character references of a raw attribute value;
    /// other references are dropped (no DTD entity is ever expanded).
    pub(crate) fn unescape(raw: &str) -> Cow<'_, str> {
        if !raw.contains('&') {
            return Cow::Borrowed(raw);
        }
        let mut out = String::with_capacity(raw.len());
        let mut rest = raw;
        while let Some((before, after)) = rest.split_once('&') {
            out.push_str(before);
            match after.split_once(';') {
                Some((name, tail)) if name.len() <= 32 && !name.contains('&') => {
                    push_entity(name, &mut out);
                    rest = tail;
                }
                _ => {
                    out.push('&');
                    rest = after;
                }
            }
        }
        out.push_str(rest);
        Cow::Owned(out)
    }

    /// Appends the text of the reference `&name;`: the five predefined entities and character
    /// references (`&#20013;`, `&#x4E2D;`); anything else (a DTD entity) is dropped, as are
    /// control characters other than tab and line feed.
    pub(crate) fn push_entity(name: &str, out: &mut String) {
        let c = match name {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            _ => name.strip_prefix('#').and_then(|num| {
                let code = match num.strip_prefix('x').or_else(|| num.strip_prefix('X')) {
                    Some(hex) => u32::from_str_radix(hex, 16).ok(),
                    None => num.parse::<u32>().ok(),
                };
                code.and_then(char::from_u32)
            }),
        };
        if let Some(c) = c.filter(|&c| c == '\t' || c == '\n' || !c.is_control()) {
            out.push(c);
        }
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        #[test]
        fn resolves_inside_the_package_only() {
            assert_eq!(
                resolve("Doc_0", "Pages/Page_0/Content.xml").as_deref(),
                Some("Doc_0/Pages/Page_0/Content.xml")
            );
            assert_eq!(
                resolve("Doc_0", "/Doc_0/Document.xml").as_deref(),
                Some("Doc_0/Document.xml")
            );
            assert_eq!(resolve("Doc_0", "../Doc_1/./a.xml").as_deref(), Some("Doc_1/a.xml"));
            assert_eq!(resolve("Doc_0", "../../x.xml"), None);
            assert_eq!(resolve("", "C:\\Windows\\x.xml"), None);
            assert_eq!(resolve("", "file:///etc/passwd"), None);
            assert_eq!(resolve("a", ".."), None);
        }

        #[test]
        fn entities() {
            assert_eq!(unescape("a&amp;b&#x4E2D;&#25991;&lol;&"), "a&b中文&");
            assert_eq!(fold("\\Doc_0\\Page.XML"), "doc_0/page.xml");
        }
    }
}
