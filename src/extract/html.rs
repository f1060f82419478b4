//! HTML tables read as a sheet: many web systems "export to Excel" by writing an HTML page with
//! a `<table>` and naming it `.xls`; Excel opens it as a worksheet, and so does pingshen.
//!
//! The reader is a small tolerant tokenizer, not a browser: it knows tags, attributes, comments,
//! entities and the raw text of `script` and `style`, which is all a table export needs. Cells
//! are placed the way Excel places them: a `colspan`/`rowspan` cell holds its text in its
//! top-left cell and the cells it covers are empty; later tables go on below earlier ones; a
//! table inside a cell is that cell's text. Every value keeps its row and column. The work is
//! linear in the text and bounded by the limits of [`super::limits`].

use std::borrow::Cow;

use super::limits::{MAX_CELLS, MAX_CELL_CHARS, MAX_GRID_CELLS};

/// Most columns of a sheet (Excel's limit); a cell past it is refused.
const MAX_COLUMNS: u32 = 16_384;
/// Most rows of a sheet (Excel's limit).
const MAX_ROWS: u32 = 1_048_576;
/// How far into the bytes a `<meta charset>` is looked for.
const CHARSET_SEARCH: usize = 4096;

/// One non-empty cell: 0-based row and column, and its text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HtmlCell {
    pub row: u32,
    pub col: u32,
    pub text: String,
}

/// Why an HTML table is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HtmlError {
    /// Reading it would pass a limit; the message names it.
    #[error("{0}")]
    Limit(String),
    /// The cell at (row, column), 0-based, holds more than [`MAX_CELL_CHARS`] characters.
    #[error("a cell holds more than {MAX_CELL_CHARS} characters")]
    CellTooLong(u32, u32),
}

/// Decodes the bytes of an HTML page: a BOM decides; else UTF-8 when the bytes are valid UTF-8
/// (a page of GBK text almost never is); else the charset its `<meta>` names when that is an
/// ASCII-compatible encoding (`gb2312`, `gbk`, `big5`); else GB18030.
pub fn decode(bytes: &[u8]) -> Cow<'_, str> {
    if encoding_rs::Encoding::for_bom(bytes).is_some() || std::str::from_utf8(bytes).is_ok() {
        return super::text::decode(bytes);
    }
    match meta_charset(bytes) {
        Some(encoding) if encoding.is_ascii_compatible() && encoding != encoding_rs::UTF_8 => {
            encoding.decode_without_bom_handling(bytes).0
        }
        _ => super::text::decode(bytes),
    }
}

/// The encoding named by `charset=` in the first bytes (`<meta charset="gbk">`,
/// `<meta http-equiv="Content-Type" content="text/html; charset=gb2312">`).
fn meta_charset(bytes: &[u8]) -> Option<&'static encoding_rs::Encoding> {
    let head = bytes.get(..bytes.len().min(CHARSET_SEARCH)).unwrap_or(bytes);
    let lower = head.to_ascii_lowercase();
    let at = lower.windows(8).position(|w| w == b"charset=")?;
    let rest = lower.get(at.checked_add(8)?..)?;
    let rest = rest
        .strip_prefix(b"\"")
        .or_else(|| rest.strip_prefix(b"'"))
        .unwrap_or(rest);
    let end = rest
        .iter()
        .position(|b| !(b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b':')))
        .unwrap_or(rest.len());
    encoding_rs::Encoding::for_label(rest.get(..end)?)
}

/// Whether decoded text is an HTML page with a table: its first non-blank character opens a
/// tag (`<html>`, `<!DOCTYPE html>`, `<?xml …?>` of XHTML, `<table>`, …) and it holds a
/// `<table`. A csv whose first cell starts with `<` and that holds `<table` is not a thing.
pub fn is_html_table(text: &str) -> bool {
    let t = text.trim_start_matches(|c: char| c.is_whitespace() || c == '\u{feff}');
    t.starts_with('<') && find_ci(t, "<table").is_some()
}

/// Byte offset of the first ASCII-case-insensitive match of `needle` (ASCII) in `hay`.
fn find_ci(hay: &str, needle: &str) -> Option<usize> {
    let n = needle.as_bytes();
    hay.as_bytes()
        .windows(n.len().max(1))
        .position(|w| w.eq_ignore_ascii_case(n))
}

/// One tag: its lower-case name, whether it closes, and its attribute text.
struct Tag<'t> {
    name: String,
    closing: bool,
    attrs: &'t str,
}

/// The cells of the tables of an HTML page, in reading order.
pub fn read_cells(text: &str) -> Result<Vec<HtmlCell>, HtmlError> {
    let mut grid = Grid::default();
    let mut rest = text;
    while !rest.is_empty() {
        let Some(lt) = rest.find('<') else {
            grid.text(rest)?;
            break;
        };
        let (before, from_lt) = rest.split_at(lt);
        grid.text(before)?;
        if let Some(after) = from_lt.strip_prefix("<!--") {
            // A comment (Excel's `<!--[if gte mso 9]><xml>…<![endif]-->` among them).
            rest = after.find("-->").and_then(|e| after.get(e + 3..)).unwrap_or("");
            continue;
        }
        match parse_tag(from_lt) {
            Parsed::Tag(tag, after) => {
                rest = after;
                if !tag.closing && matches!(tag.name.as_str(), "script" | "style" | "textarea" | "title") {
                    // Raw text up to the closing tag: no cell is in it.
                    let close = format!("</{}", tag.name);
                    rest = find_ci(rest, &close)
                        .and_then(|e| rest.get(e..))
                        .and_then(|r| r.find('>').and_then(|g| r.get(g + 1..)))
                        .unwrap_or("");
                    continue;
                }
                grid.tag(&tag)?;
            }
            Parsed::NotATag => {
                // `<` that opens no tag (`a < b`): text.
                grid.text("<")?;
                rest = from_lt.get(1..).unwrap_or("");
            }
            // A tag the text ends inside is dropped, as browsers drop it; reading on from the
            // next `<` would scan the same rest again for each `<` in it.
            Parsed::Unterminated => break,
        }
    }
    grid.end_table()?;
    Ok(grid.cells)
}

/// What starts at a `<`.
enum Parsed<'t> {
    /// A tag and the text after its `>`.
    Tag(Tag<'t>, &'t str),
    /// No tag: no name follows the `<`.
    NotATag,
    /// A tag whose `>` never comes.
    Unterminated,
}

/// Parses the tag at the start of `s` (which starts with `<`). `<!…>` and `<?…?>` are tags with
/// an empty name, ignored by the grid.
fn parse_tag(s: &str) -> Parsed<'_> {
    let Some(body) = s.strip_prefix('<') else {
        return Parsed::NotATag;
    };
    let (closing, body) = match body.strip_prefix('/') {
        Some(b) => (true, b),
        None => (false, body),
    };
    let special = body.starts_with('!') || body.starts_with('?');
    let name_len = if special {
        0
    } else {
        body.find(|c: char| !(c.is_ascii_alphanumeric() || c == ':' || c == '-'))
            .unwrap_or(body.len())
    };
    if name_len == 0 && !special {
        return Parsed::NotATag;
    }
    let (Some(name), Some(after_name)) = (body.get(..name_len), body.get(name_len..)) else {
        return Parsed::NotATag;
    };
    // The end of the tag: the first `>` outside quotes.
    let mut quote: Option<char> = None;
    let mut end = None;
    for (i, c) in after_name.char_indices() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'') if !special => quote = Some(c),
            (None, '>') => {
                end = Some(i);
                break;
            }
            _ => {}
        }
    }
    let (Some(attrs), Some(rest)) = (
        end.and_then(|e| after_name.get(..e)),
        end.and_then(|e| after_name.get(e + 1..)),
    ) else {
        return Parsed::Unterminated;
    };
    let name = if special {
        String::new()
    } else {
        name.to_ascii_lowercase()
    };
    Parsed::Tag(Tag { name, closing, attrs }, rest)
}

/// The value of attribute `key` (lower case) in a tag's attribute text.
fn attr<'t>(attrs: &'t str, key: &str) -> Option<&'t str> {
    let mut rest = attrs;
    loop {
        rest = rest.trim_start_matches(|c: char| c.is_whitespace() || c == '/');
        if rest.is_empty() {
            return None;
        }
        let name_end = rest
            .find(|c: char| c.is_whitespace() || c == '=' || c == '/')
            .unwrap_or(rest.len());
        let name = rest.get(..name_end)?;
        rest = rest.get(name_end..)?.trim_start();
        let mut value = "";
        if let Some(v) = rest.strip_prefix('=') {
            let v = v.trim_start();
            match v.chars().next() {
                Some(q @ ('"' | '\'')) => {
                    let inner = v.get(1..)?;
                    let close = inner.find(q).unwrap_or(inner.len());
                    value = inner.get(..close)?;
                    rest = inner.get(close..).map_or("", |r| r.get(1..).unwrap_or(""));
                }
                _ => {
                    let stop = v.find(char::is_whitespace).unwrap_or(v.len());
                    value = v.get(..stop)?;
                    rest = v.get(stop..)?;
                }
            }
        }
        if name.eq_ignore_ascii_case(key) {
            return Some(value);
        }
    }
}

/// A span attribute: a whole number from 1, at most `max`; anything else is 1 (as browsers
/// read `rowspan="0"` or `colspan="x"` in a table without sections).
fn span(attrs: &str, key: &str, max: u32) -> u32 {
    attr(attrs, key)
        .and_then(|v| {
            let digits: String = v.trim().chars().take_while(char::is_ascii_digit).collect();
            digits.parse::<u64>().ok()
        })
        .map_or(1, |n| u32::try_from(n.clamp(1, u64::from(max))).unwrap_or(1))
}

/// The cells laid out so far.
#[derive(Default)]
struct Grid {
    cells: Vec<HtmlCell>,
    /// Depth of nested `<table>`s; only the outermost table's rows and cells are cells.
    depth: u32,
    /// The row being filled, if one is open.
    row: Option<u32>,
    /// The row the next `<tr>` opens.
    next_row: u32,
    /// The next column of the open row.
    col: u32,
    /// For each column, the first row not covered by a `rowspan` above it.
    covered_until: Vec<u32>,
    /// The cell being read: its position and its text so far.
    cell: Option<(u32, u32, String)>,
    /// Cells covered by spans so far (bounded by [`MAX_GRID_CELLS`]).
    span_cells: u64,
}

impl Grid {
    fn tag(&mut self, tag: &Tag<'_>) -> Result<(), HtmlError> {
        let outer = self.depth <= 1;
        match (tag.name.as_str(), tag.closing) {
            ("table", false) => {
                if self.depth == 0 {
                    self.end_table()?;
                } else {
                    self.separate('\n');
                }
                self.depth = self.depth.saturating_add(1);
            }
            ("table", true) => {
                self.depth = self.depth.saturating_sub(1);
                if self.depth == 0 {
                    self.end_table()?;
                }
            }
            ("tr", false) if outer => {
                self.close_cell()?;
                self.end_row();
                self.open_row()?;
            }
            ("tr", true) if outer => {
                self.close_cell()?;
                self.end_row();
            }
            ("td" | "th", false) if outer => self.open_cell(tag.attrs)?,
            ("td" | "th", true) if outer => self.close_cell()?,
            ("td" | "th", _) => self.separate(' '),
            ("br", _) | ("tr", _) => self.separate('\n'),
            ("p" | "div" | "li", _) => self.separate('\n'),
            _ => {}
        }
        Ok(())
    }

    /// Ends a table (or what came before the first one): its open cell and row; the spans
    /// reaching below it end with it.
    fn end_table(&mut self) -> Result<(), HtmlError> {
        self.close_cell()?;
        self.end_row();
        self.covered_until.clear();
        Ok(())
    }

    fn open_row(&mut self) -> Result<(), HtmlError> {
        if self.next_row >= MAX_ROWS {
            return Err(HtmlError::Limit(format!(
                "the HTML table has more than {MAX_ROWS} rows"
            )));
        }
        self.row = Some(self.next_row);
        self.next_row += 1;
        self.col = 0;
        Ok(())
    }

    fn end_row(&mut self) {
        self.row = None;
    }

    fn open_cell(&mut self, attrs: &str) -> Result<(), HtmlError> {
        self.close_cell()?;
        let row = match self.row {
            Some(r) => r,
            None => {
                self.open_row()?;
                self.row.unwrap_or_default()
            }
        };
        // Columns still covered by a rowspan from above are skipped.
        while self
            .covered_until
            .get(usize::try_from(self.col).unwrap_or(usize::MAX))
            .is_some_and(|until| *until > row)
        {
            self.col += 1;
        }
        if self.col >= MAX_COLUMNS {
            return Err(HtmlError::Limit(format!(
                "the HTML table has more than {MAX_COLUMNS} columns"
            )));
        }
        let colspan = span(attrs, "colspan", MAX_COLUMNS - self.col);
        let rowspan = span(attrs, "rowspan", MAX_ROWS - row);
        if rowspan > 1 {
            self.span_cells = self
                .span_cells
                .saturating_add(u64::from(colspan).saturating_mul(u64::from(rowspan)));
            if self.span_cells > MAX_GRID_CELLS {
                return Err(HtmlError::Limit(format!(
                    "the HTML table's merged cells cover more than {MAX_GRID_CELLS} cells"
                )));
            }
            let last = usize::try_from(self.col + colspan).unwrap_or(usize::MAX);
            if self.covered_until.len() < last {
                self.covered_until.resize(last, 0);
            }
            let first = usize::try_from(self.col).unwrap_or(usize::MAX);
            for until in self.covered_until.iter_mut().take(last).skip(first) {
                *until = row + rowspan;
            }
        }
        self.cell = Some((row, self.col, String::new()));
        self.col += colspan;
        Ok(())
    }

    /// Adds text read outside tags: to the open cell (entities decoded, runs of whitespace as
    /// one space), else nowhere.
    fn text(&mut self, raw: &str) -> Result<(), HtmlError> {
        let Some((row, col, text)) = self.cell.as_mut() else {
            return Ok(());
        };
        for c in decode_entities(raw).chars() {
            let c = if c.is_ascii_whitespace() || c == '\u{a0}' {
                ' '
            } else {
                c
            };
            if c == ' ' && (text.is_empty() || text.ends_with([' ', '\n'])) {
                continue;
            }
            text.push(c);
        }
        if text.len() > MAX_CELL_CHARS.saturating_mul(4) {
            return Err(HtmlError::CellTooLong(*row, *col));
        }
        Ok(())
    }

    /// A line break (`<br>`, a paragraph) or a space (a nested table's cell) in the open cell.
    fn separate(&mut self, sep: char) {
        if let Some((_, _, text)) = self.cell.as_mut() {
            while text.ends_with(' ') {
                text.pop();
            }
            if !text.is_empty() && !text.ends_with('\n') {
                text.push(sep);
            }
        }
    }

    fn close_cell(&mut self) -> Result<(), HtmlError> {
        let Some((row, col, text)) = self.cell.take() else {
            return Ok(());
        };
        let text = text.lines().map(str::trim).collect::<Vec<_>>().join("\n");
        let text = text.trim();
        if text.is_empty() {
            return Ok(());
        }
        if self.cells.len() >= MAX_CELLS {
            return Err(HtmlError::Limit(format!("more than {MAX_CELLS} cells")));
        }
        self.cells.push(HtmlCell {
            row,
            col,
            text: text.to_string(),
        });
        Ok(())
    }
}

/// Decodes character references: `&amp;`, `&nbsp;`, `&#20013;`, `&#x4E2D;` and the other named
/// ones exports use; an unknown or broken reference stays as written.
fn decode_entities(s: &str) -> Cow<'_, str> {
    if !s.contains('&') {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(at) = rest.find('&') {
        let (before, from) = rest.split_at(at);
        out.push_str(before);
        // A reference is short: `;` is looked for in the next few characters only, so that
        // text of many `&` and no `;` is read once.
        let end = from
            .char_indices()
            .skip(1)
            .take(11)
            .find(|(_, c)| *c == ';')
            .map(|(i, _)| i - 1);
        let decoded = end.and_then(|e| from.get(1..=e)).and_then(entity);
        match (decoded, end) {
            (Some(c), Some(e)) => {
                out.push(c);
                rest = from.get(e + 2..).unwrap_or("");
            }
            _ => {
                out.push('&');
                rest = from.get(1..).unwrap_or("");
            }
        }
    }
    out.push_str(rest);
    Cow::Owned(out)
}

/// The character of one reference's name (between `&` and `;`).
fn entity(name: &str) -> Option<char> {
    if let Some(num) = name.strip_prefix('#') {
        let code = match num.strip_prefix(['x', 'X']) {
            Some(hex) => u32::from_str_radix(hex, 16).ok()?,
            None => num.parse().ok()?,
        };
        return char::from_u32(code).filter(|c| *c != '\0');
    }
    Some(match name {
        "amp" | "AMP" => '&',
        "lt" | "LT" => '<',
        "gt" | "GT" => '>',
        "quot" | "QUOT" => '"',
        "apos" => '\'',
        "nbsp" => '\u{a0}',
        "ensp" | "emsp" | "thinsp" => ' ',
        "yen" => '¥',
        "times" => '×',
        "divide" => '÷',
        "middot" => '·',
        "mdash" => '—',
        "ndash" => '–',
        "hellip" => '…',
        "ldquo" => '“',
        "rdquo" => '”',
        "lsquo" => '‘',
        "rsquo" => '’',
        "deg" => '°',
        "plusmn" => '±',
        "permil" => '‰',
        "copy" => '©',
        "reg" => '®',
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn grid(html: &str) -> Vec<(u32, u32, String)> {
        read_cells(html)
            .unwrap()
            .into_iter()
            .map(|c| (c.row, c.col, c.text))
            .collect()
    }

    #[test]
    fn spans_put_text_top_left_and_push_later_cells_right() {
        let html = "<table><tr><td rowspan=2>甲</td><td colspan='2'>乙</td></tr>\
                    <tr><td>丙</td><td>丁</td></tr><tr><td>戊</td></tr></table>";
        assert_eq!(
            grid(html),
            vec![
                (0, 0, "甲".into()),
                (0, 1, "乙".into()),
                (1, 1, "丙".into()),
                (1, 2, "丁".into()),
                (2, 0, "戊".into()),
            ]
        );
    }

    #[test]
    fn text_outside_cells_scripts_and_comments_are_no_cells() {
        let html = "<html><head><title>报表</title><style>td{}</style>\
                    <script>var s='<td>x</td>';</script></head><body>标题\
                    <!-- <td>注释</td> --><table><tr><td> a &amp; b&nbsp;</td><th>c<br>d</th></tr></table></body></html>";
        assert_eq!(grid(html), vec![(0, 0, "a & b".into()), (0, 1, "c\nd".into())]);
    }

    #[test]
    fn a_nested_table_is_its_cells_text_and_later_tables_go_below() {
        let html = "<table><tr><td>外<table><tr><td>内1</td><td>内2</td></tr></table></td></tr></table>\
                    <p>间</p><table><tr><td>&#20108;&#x8868;</td></tr></table>";
        assert_eq!(grid(html), vec![(0, 0, "外\n内1 内2".into()), (1, 0, "二表".into())]);
    }

    #[test]
    fn an_enormous_rowspan_is_refused_not_laid_out() {
        let mut html = String::from("<table>");
        for _ in 0..300 {
            html.push_str("<tr><td colspan=16384 rowspan=1048576>x</td></tr>");
        }
        assert!(matches!(read_cells(&html), Err(HtmlError::Limit(_))));
    }

    #[test]
    fn html_is_told_from_csv_and_its_charset_is_read() {
        assert!(is_html_table("\u{feff}  <!DOCTYPE html><html><TABLE>"));
        assert!(!is_html_table("项目名称,<table>\n"));
        assert!(!is_html_table("<html><body>no table</body></html>"));
        let (gbk, _, _) = encoding_rs::GBK.encode("<meta charset=gb2312><table><tr><td>项目名称</td></tr></table>");
        assert!(decode(&gbk).contains("项目名称"));
        let (big5, _, _) =
            encoding_rs::BIG5.encode("<meta http-equiv=Content-Type content=\"text/html; charset=big5\">項目");
        assert!(decode(&big5).ends_with("項目"));
    }

    #[test]
    fn unterminated_tags_and_references_are_read_once() {
        // Quadratic work on either would take minutes here.
        let tags = format!("<table><tr><td>{}", "<a \"".repeat(200_000));
        assert!(read_cells(&tags).is_ok());
        let refs = format!("<table><tr><td>{}</td></tr></table>", "&amp".repeat(5_000));
        assert!(matches!(read_cells(&refs), Ok(c) if c.len() == 1));
        assert_eq!(decode_entities("a &lt b &lt; &#x4e2d;"), "a &lt b < 中");
    }

    #[test]
    fn broken_markup_ends_without_a_panic() {
        for html in [
            "<table><tr><td>x",
            "<table><td a='>",
            "<<<>>>&#xFFFFFFFF;&;&#;",
            "<table></td></tr></table></table>",
        ] {
            let _ = read_cells(html);
        }
        assert_eq!(grid("<table><tr><td>x"), vec![(0, 0, "x".into())]);
    }
}
