//! PDF text layer: the lines of a PDF in reading order, each with its page.
//!
//! lopdf reads the file structure (xref, object streams, filters, decryption with the empty user
//! password); everything above it is here: the page tree, a content-stream tokenizer, graphics
//! and text state (`q`/`Q`, `cm`, `BT`/`ET`, `Tm`, `Td`, `TD`, `T*`, `TL`, `Tc`, `Tw`, `Tz`, `Tf`;
//! `Ts` is read past on purpose: a glyph's baseline is taken without its rise, so a superscript
//! stays on its line), text showing (`Tj`, `TJ`, `'`, `"`), form XObjects (depth limit, cycle check) and
//! annotation appearances, marked content with `/ActualText`, fonts (simple fonts with their
//! encodings and `Differences`, Type3 numeric glyph names, GBK strings in fonts named in GBK;
//! Type0 fonts with ToUnicode, `Identity-H`/`-V` and the predefined CMaps over the Adobe-GB1,
//! CNS1, Japan1 and Korea1 collections; the embedded font program's own `cmap`, `post` and CFF
//! names where ToUnicode is missing or unusable), glyph widths, and a layout step that groups
//! glyph runs into lines by baseline. A page whose glyphs mostly map to no Unicode is
//! [`DocError::UnmappedText`], never an empty page of text.
//!
//! Chinese office PDFs are the target: no space is ever put between two CJK characters, a wide gap
//! becomes a tab, and `label：value` drawn as two runs on one baseline stays one line. A page with
//! no text and images covering at least half of it is a scan; a document whose pages read are all
//! textless with at least one scan is [`DocError::NoTextLayer`].
//!
//! Nothing here panics on input: every limit below is checked, and lopdf itself runs under
//! `catch_unwind`.

mod fontfile;
mod fonts;
mod interp;
mod layout;
mod lexer;
mod objects;
mod page_images;

use std::panic::{catch_unwind, AssertUnwindSafe};

use super::images::{self, PageImage};
use super::{is_cjk, DocError, Document, Line, ReadOptions};
use interp::Interp;
use layout::layout;
use objects::collect_pages;
use page_images::extract_images;

/// Pages a document may have.
pub const MAX_PAGES: usize = 10_000;
/// Decoded content (page content plus the forms it draws, each time drawn) of one page.
pub const MAX_PAGE_CONTENT: usize = 64 << 20;
/// Decoded content of all pages read.
pub const MAX_DOCUMENT_CONTENT: usize = 1 << 30;
/// Nesting of form XObjects.
pub const MAX_FORM_DEPTH: usize = 12;
/// Glyphs shown on one page.
pub const MAX_GLYPHS_PER_PAGE: usize = 4_000_000;
/// Bytes of text shown on one page.
pub const MAX_PAGE_TEXT: usize = 16 << 20;
/// Bytes of text of all pages read.
pub const MAX_DOCUMENT_TEXT: usize = 256 << 20;
/// Operands kept before an operator (a `TJ` array counts each element).
const MAX_OPERANDS: usize = 1 << 16;
/// Bytes kept of one string operand.
const MAX_STRING: usize = 1 << 20;
/// Saved graphics states (`q` beyond this is counted, not stored).
const MAX_GSTATE_DEPTH: usize = 256;
/// Decoded size of a ToUnicode or encoding CMap.
const MAX_CMAP_BYTES: usize = 8 << 20;
/// Annotations drawn per page.
const MAX_ANNOTATIONS: usize = 2_000;
/// Codes remembered per composite font.
const MAX_GLYPH_CACHE: usize = 1 << 16;
/// Every form drawn costs at least this much of the page budget (an empty form drawn in a loop).
const FORM_MIN_COST: usize = 64;
/// Form XObjects drawn on one page, annotation appearances included. Forms that draw other forms
/// several times multiply (12 levels of 16 draws each would be 16¹¹ draws); the content budget
/// alone lets a page draw about 400 000 small forms, each decoded again, which takes seconds. A
/// real page draws a form per logo, stamp, field or repeated symbol: tens, rarely thousands.
const MAX_FORM_DRAWS: usize = 100_000;

/// Share of the page an image must cover for a textless page to count as a scan.
const SCAN_COVERAGE: f64 = images::SCAN_COVERAGE;
/// A gap wider than this (in ems) between two runs is a word break (a space unless both sides are
/// CJK); a narrower one keeps glyphs in one run.
const WORD_GAP: f64 = 0.15;
/// A gap wider than this (in ems) becomes a tab.
const TAB_GAP: f64 = 2.0;
/// Runs whose baselines differ by at most this (in ems) share a line.
const LINE_TOLERANCE: f64 = 0.3;

/// Reads the text of a PDF. `opts.max_pages` limits the pages whose content is decoded, except
/// that blank pages (no text, no scan) do not count: reading goes on past them to the first page
/// that has either. `page_count` is always the whole document's.
pub fn read_pdf(bytes: &[u8], opts: ReadOptions) -> Result<Document, DocError> {
    let doc = load(bytes)?;
    guarded(|| extract(&doc, opts))
}

/// The scanned pages among the first `max_pages`: for each page whose largest image XObject
/// (drawn by `Do` on the page, in a form it draws or in an annotation appearance) covers at
/// least half of the page through the transformation it is drawn with, that image. `/DCTDecode`
/// streams come as [`Image::Jpeg`] and `/JPXDecode` as [`Image::Jpx`], their bytes as stored;
/// other images are decoded (Flate with its predictors, LZW, ASCII85, …) and unpacked to gray
/// (`/DeviceGray`, `/CalGray`, one-component `/ICCBased`), RGB (RGB, CMYK and `/Indexed` spaces)
/// or, at one bit a pixel and for image masks, bilevel; CCITT fax and JBIG2 streams are decoded
/// to bilevel ([`crate::extract::bilevel`]). A page whose image cannot be decoded, decodes to
/// another size than its dimensions say, or has more than [`crate::ocr::MAX_PIXELS`] pixels is
/// left out. Inline images are not returned.
pub fn page_images(bytes: &[u8], max_pages: usize) -> Result<Vec<PageImage>, DocError> {
    let doc = load(bytes)?;
    guarded(|| extract_images(&doc, max_pages))
}

/// Runs `f`, a panic in it (lopdf's, on hostile input) becoming [`DocError::Broken`].
fn guarded<T>(f: impl FnOnce() -> Result<T, DocError>) -> Result<T, DocError> {
    match catch_unwind(AssertUnwindSafe(f)) {
        Ok(result) => result,
        Err(panic) => {
            let what = panic
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_default();
            Err(DocError::Broken(format!(
                "internal error while reading the PDF: {what}"
            )))
        }
    }
}

/// The file structure, by lopdf (which may panic on hostile input: that is a broken file too).
fn load(bytes: &[u8]) -> Result<lopdf::Document, DocError> {
    let options = lopdf::LoadOptions {
        max_decompressed_size: Some(MAX_PAGE_CONTENT),
        ..lopdf::LoadOptions::default()
    };
    let loaded = catch_unwind(AssertUnwindSafe(|| {
        lopdf::Document::load_mem_with_options(bytes, options)
    }));
    let doc = match loaded {
        Ok(Ok(doc)) => doc,
        Ok(Err(_)) | Err(_) if mentions_encryption(bytes) => return Err(DocError::Encrypted),
        Ok(Err(lopdf::Error::Decompress(lopdf::DecompressError::MemoryLimitExceeded { limit }))) => {
            return Err(DocError::Limit(format!(
                "an object stream decodes to more than {}",
                crate::units::human_size(u64::try_from(limit).unwrap_or(u64::MAX))
            )))
        }
        Ok(Err(e)) => return Err(DocError::Broken(e.to_string())),
        Err(_) => return Err(DocError::Broken("the PDF structure could not be parsed".to_string())),
    };
    // lopdf decrypts with the empty user password when it can and otherwise leaves /Encrypt.
    if doc.trailer.has(b"Encrypt") {
        return Err(DocError::Encrypted);
    }
    let mut doc = doc;
    objects::normalize_filters(&mut doc);
    Ok(doc)
}

fn extract(doc: &lopdf::Document, opts: ReadOptions) -> Result<Document, DocError> {
    let pages = collect_pages(doc)?;
    if pages.is_empty() {
        return Err(DocError::Broken("the PDF has no pages".to_string()));
    }
    let page_count = u32::try_from(pages.len()).unwrap_or(u32::MAX);
    let to_read = match opts.max_pages {
        Some(n) => pages.len().min(n as usize),
        None => pages.len(),
    };

    let mut interp = Interp::new(doc);
    interp.keep_images = false;
    let mut lines = Vec::new();
    let mut any_text = false;
    let mut any_scan = false;
    let mut text_bytes = 0usize;
    let mut read = 0usize;
    for (i, page) in pages.iter().enumerate() {
        // Past the pages asked for, reading goes on only while nothing has been found: a blank
        // cover page does not make a document blank, and its first page with text or a scan
        // stands for it (its title, its text-layer check).
        if i >= to_read && (to_read == 0 || any_text || any_scan) {
            break;
        }
        read = i + 1;
        let out = interp.read_page(page)?;
        text_bytes += out.text.len();
        if text_bytes > MAX_DOCUMENT_TEXT {
            return Err(DocError::Limit(format!(
                "more than {} of text",
                crate::units::human_size(MAX_DOCUMENT_TEXT as u64)
            )));
        }
        let has_text = out.runs.iter().any(|r| !out.run_text(r).trim().is_empty());
        if out.is_unmapped() {
            return Err(DocError::UnmappedText);
        }
        any_text |= has_text;
        any_scan |= !has_text && out.image_area >= SCAN_COVERAGE;
        let page_no = u32::try_from(i + 1).unwrap_or(u32::MAX);
        layout(&out, page_no, &mut lines);
    }
    if !any_text && any_scan {
        return Err(DocError::NoTextLayer);
    }
    Ok(Document {
        lines,
        tables: Vec::new(),
        page_count,
        pages_read: u32::try_from(read).unwrap_or(u32::MAX),
        annotations: Vec::new(),
    })
}

fn mentions_encryption(bytes: &[u8]) -> bool {
    const NEEDLE: &[u8] = b"/Encrypt";
    bytes.windows(NEEDLE.len()).any(|w| w == NEEDLE)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cjk_detection() {
        assert!(is_cjk('中'));
        assert!(is_cjk('：'));
        assert!(is_cjk('。'));
        assert!(!is_cjk('A'));
        assert!(!is_cjk('1'));
    }
}
