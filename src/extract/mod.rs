//! Readers, one module per format family (STYLE.md point 5). Every document reader produces the
//! same [`Document`]: lines of text in reading order, each with its page where the format has
//! pages, and the tables it holds.
pub mod biff;
pub mod bilevel;
pub mod bmp;
pub mod cmap;
pub mod docx;
pub mod html;
pub mod images;
pub mod limits;
pub mod ofd;
pub mod pdf;
pub mod sheet;
pub mod text;
pub mod tiff;

use crate::sniff::FileKind;

pub use images::PageImage;

/// CJK ideographs, kana, hangul, CJK punctuation and full-width forms: no space is put between
/// two of them when text runs are joined into a line, they are about 1 em wide, and a terminal
/// gives them two columns.
pub fn is_cjk(c: char) -> bool {
    matches!(u32::from(c),
        0x1100..=0x115F
        | 0x2E80..=0x4DBF
        | 0x4E00..=0x9FFF
        | 0xA960..=0xA97F
        | 0xAC00..=0xD7AF
        | 0xF900..=0xFAFF
        | 0xFE30..=0xFE4F
        | 0xFF00..=0xFFEF
        | 0x20000..=0x3FFFF)
}

/// One visual line of text. For paged formats (PDF, OFD) `page` is the 1-based page number; for
/// docx and txt it is `None`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    pub text: String,
    pub page: Option<u32>,
}

/// A table inside a document (docx `w:tbl`): rows of cell texts, merged cells resolved (a
/// horizontally merged cell fills every column it spans; a vertically merged one repeats its
/// text in the rows below).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DocTable {
    pub rows: Vec<Vec<String>>,
}

/// A document's text.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Document {
    /// Lines in reading order (table cells of a docx come as lines too, one per row, cells joined
    /// by a tab).
    pub lines: Vec<Line>,
    pub tables: Vec<DocTable>,
    /// Pages in the document (0 when the format has no pages).
    pub page_count: u32,
    /// Pages whose text was read (a reader may stop early when asked for the first pages only).
    pub pages_read: u32,
    /// Text drawn by annotations that are not the document's own statements — seals and stamps,
    /// signatures, watermarks (OFD `Annots`): kept apart from `lines`, so that no field pattern
    /// matches a seal's wording as something the document says, and shown as evidence.
    pub annotations: Vec<Line>,
}

impl Document {
    /// The title: the first non-empty line (SPEC §4).
    pub fn title(&self) -> Option<&str> {
        self.lines.iter().map(|l| l.text.trim()).find(|t| !t.is_empty())
    }

    /// True when no line holds any non-whitespace character.
    pub fn is_blank(&self) -> bool {
        self.title().is_none()
    }
}

/// Why a document's text cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DocError {
    /// The format is not one whose text pingshen reads (legacy .doc, images, …).
    #[error("no text reader for this format ({0})")]
    Unsupported(&'static str),
    /// Encrypted with a password other than the empty one.
    #[error("encrypted: its text cannot be read without a password")]
    Encrypted,
    /// Pages are images with no text layer (a scan).
    #[error("no text layer: the pages are scanned images")]
    NoTextLayer,
    /// The document holds no text at all: blank pages, text drawn as outlines, or only
    /// pictures in a word-processor file. Never a readable document with nothing in it: every
    /// field would be "absent" from it, and a check reading absence (a missing mention, a
    /// missing section) would decide on nothing.
    #[error("no text: nothing in the document reads as text (blank, or text drawn as outlines or pictures)")]
    NoText,
    /// Pages draw glyphs, but too few of them map to Unicode for the text to be read (SPEC §6,
    /// finding `file.unmapped_text`): like a scan, such a page is for OCR, never an empty
    /// "readable" document.
    #[error("text without Unicode mapping")]
    UnmappedText,
    /// A safety limit was passed (size, depth, count); the message names it.
    #[error("limit exceeded: {0}")]
    Limit(String),
    /// The file is broken.
    #[error("cannot be read: {0}")]
    Broken(String),
}

impl DocError {
    /// Why the text cannot be read, in the reviewer's words, in Chinese (the English one, with
    /// a reader's own detail, is its `Display`).
    pub fn zh(&self) -> String {
        match self {
            DocError::Unsupported(kind) => format!(
                "不支持读取这类文件的文字（{}）",
                crate::sniff::FileKind::from_id(kind).map_or("未知格式的文件", |k| k.name_zh())
            ),
            DocError::Encrypted => "文件已加密，没有密码无法读取文字".to_string(),
            DocError::NoTextLayer => "没有文字层，页面是扫描图像".to_string(),
            DocError::NoText => "文档中没有可读的文字（空白页，或文字画成了轮廓或图片）".to_string(),
            DocError::UnmappedText => "文字没有对应的字符编码映射，无法读出".to_string(),
            DocError::Limit(_) => "文件超出安全限制（过大、嵌套过深或数量过多），未读取".to_string(),
            DocError::Broken(_) => "文件已损坏，无法读取".to_string(),
        }
    }
}

/// How much of a document to read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReadOptions {
    /// Read at most this many pages (paged formats); `None` reads all.
    pub max_pages: Option<u32>,
}

impl ReadOptions {
    /// Everything.
    pub const ALL: ReadOptions = ReadOptions { max_pages: None };
    /// The first page only (enough for a title and a text-layer check).
    pub const FIRST_PAGE: ReadOptions = ReadOptions { max_pages: Some(1) };
}

/// Longest line of text a document may have, in bytes of UTF-8. A real paragraph, table row or
/// line of a page is at most a few thousand characters; a line of a mebibyte is a file made to
/// slow down everything that reads its text (field patterns, normalisation), so the document is
/// refused as [`DocError::Limit`] instead.
pub const MAX_LINE_BYTES: usize = 1 << 20;

/// Reads a document's text by its sniffed kind. Every reader bounds its own work (see their
/// limits); on top of them no line is longer than [`MAX_LINE_BYTES`].
pub fn read_document(bytes: &[u8], kind: FileKind, opts: ReadOptions) -> Result<Document, DocError> {
    let read = |opts| match kind {
        FileKind::Pdf => pdf::read_pdf(bytes, opts),
        FileKind::Docx => docx::read_docx_with(bytes, opts),
        FileKind::Ofd => ofd::read_ofd(bytes, opts),
        FileKind::Text => Ok(text::read_text(bytes)),
        other => Err(DocError::Unsupported(other.as_str())),
    };
    let doc = read(opts)?;
    check_lines(&doc)?;
    if doc.is_blank()
        && doc
            .tables
            .iter()
            .all(|t| t.rows.iter().flatten().all(|c| c.trim().is_empty()))
    {
        // Blank where it was read: blank throughout only if the rest is blank too (a cover page
        // may be empty). The first pages stay what the caller asked for.
        if opts.max_pages.is_none() || doc.pages_read >= doc.page_count || read(ReadOptions::ALL)?.is_blank() {
            return Err(DocError::NoText);
        }
    }
    Ok(doc)
}

/// [`DocError::Limit`] when a line is longer than [`MAX_LINE_BYTES`].
fn check_lines(doc: &Document) -> Result<(), DocError> {
    match doc.lines.iter().position(|l| l.text.len() > MAX_LINE_BYTES) {
        Some(i) => Err(DocError::Limit(format!(
            "line {} is longer than {} MiB",
            i.saturating_add(1),
            MAX_LINE_BYTES >> 20
        ))),
        None => Ok(()),
    }
}

/// The scanned pages among the first `max_pages` pages of a PDF or OFD: for each page whose
/// largest image covers at least half of it, that image as the document stores it (no
/// rendering), with its page (1-based) and the share of the page it covers. Pages with no such
/// image, or whose image cannot be handed to OCR (a broken or oversized image, an OFD image in
/// a format pingshen does not decode), are left out. An image file a package keeps as a
/// document (JPEG, PNG, TIFF, BMP) is its pages ([`images::file_pages`]). Other formats are
/// [`DocError::Unsupported`].
pub fn page_images(bytes: &[u8], kind: FileKind, max_pages: usize) -> Result<Vec<PageImage>, DocError> {
    match kind {
        FileKind::Pdf => pdf::page_images(bytes, max_pages),
        FileKind::Ofd => ofd::page_images(bytes, max_pages),
        k if images::is_readable_image(k) => images::file_pages(bytes, k, max_pages),
        other => Err(DocError::Unsupported(other.as_str())),
    }
}

/// A document's title: its first non-empty line of text (SPEC §4). `None` when the text cannot
/// be read or is empty.
pub fn title(bytes: &[u8], kind: FileKind) -> Option<String> {
    read_document(bytes, kind, ReadOptions::FIRST_PAGE)
        .ok()?
        .title()
        .map(str::to_string)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_line_longer_than_the_limit_makes_the_document_a_limit() {
        let long = "a".repeat(MAX_LINE_BYTES + 1);
        let text = format!("title\n{long}\n");
        match read_document(text.as_bytes(), FileKind::Text, ReadOptions::ALL) {
            Err(DocError::Limit(msg)) => assert!(msg.contains("line 2"), "{msg}"),
            other => panic!("expected a limit, got {other:?}"),
        }
        let ok = "a".repeat(MAX_LINE_BYTES);
        assert!(read_document(ok.as_bytes(), FileKind::Text, ReadOptions::ALL).is_ok());
    }
}
