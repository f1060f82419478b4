//! PDF text layer: the lines of a PDF in reading order, each with its page.
//!
//! lopdf reads the file structure (xref, object streams, filters, decryption with the empty user
//! password); everything above it is here: the page tree, a content-stream tokenizer, graphics
//! and text state (`q`/`Q`, `cm`, `BT`/`ET`, `Tm`, `Td`, `TD`, `T*`, `TL`, `Tc`, `Tw`, `Tz`, `Tf`;
//! `Ts` is read past on purpose: a glyph's baseline is taken without its rise, so a superscript
//! stays on its line), text showing (`Tj`, `TJ`, `'`, `"`), form XObjects (depth limit, cycle check) and
//! annotation appearances, fonts (simple fonts with their encodings and `Differences`, Type0 fonts
//! with ToUnicode, `Identity-H`/`-V` over Adobe-GB1, `UniGB-UCS2-H`/`UniGB-UTF16-H`, the GBK / GB2312
//! EUC CMaps and their Big5, Shift-JIS and EUC-KR siblings), glyph widths, and a layout step that
//! groups glyph runs into lines by baseline.
//!
//! Chinese office PDFs are the target: no space is ever put between two CJK characters, a wide gap
//! becomes a tab, and `label：value` drawn as two runs on one baseline stays one line. A page with
//! no text and images covering at least half of it is a scan; a document whose pages read are all
//! textless with at least one scan is [`DocError::NoTextLayer`].
//!
//! Nothing here panics on input: every limit below is checked, and lopdf itself runs under
//! `catch_unwind`.

use super::is_cjk;
use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hasher};
use std::panic::{catch_unwind, AssertUnwindSafe};

use lopdf::{Dictionary, Object, ObjectId, Stream};

use super::cmap::encodings::{glyph_name_to_unicode, BaseEncoding};
use super::cmap::{gb1_cid_to_unicode, gb1_unicode_to_cid, CMap};
use super::images::{self, Colors, PageImage, MAX_IMAGE_BYTES};
use super::{DocError, Document, Line, ReadOptions};
use crate::ocr::Image;

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

/// Reads the text of a PDF. `opts.max_pages` limits the pages whose content is decoded;
/// `page_count` is always the whole document's.
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
/// or, at one bit a pixel and for image masks, bilevel. A page whose image is CCITT fax or JBIG2,
/// decodes to another size than its dimensions say, or has more than
/// [`crate::ocr::MAX_PIXELS`] pixels is left out. Inline images are not returned.
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
                "an object stream decodes to more than {limit} bytes"
            )))
        }
        Ok(Err(e)) => return Err(DocError::Broken(e.to_string())),
        Err(_) => return Err(DocError::Broken("the PDF structure could not be parsed".to_string())),
    };
    // lopdf decrypts with the empty user password when it can and otherwise leaves /Encrypt.
    if doc.trailer.has(b"Encrypt") {
        return Err(DocError::Encrypted);
    }
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
    for (i, page) in pages.iter().take(to_read).enumerate() {
        let out = interp.read_page(page)?;
        text_bytes += out.text.len();
        if text_bytes > MAX_DOCUMENT_TEXT {
            return Err(DocError::Limit(format!("more than {MAX_DOCUMENT_TEXT} bytes of text")));
        }
        let has_text = out.runs.iter().any(|r| !out.run_text(r).trim().is_empty());
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
        pages_read: u32::try_from(to_read).unwrap_or(u32::MAX),
        annotations: Vec::new(),
    })
}

fn mentions_encryption(bytes: &[u8]) -> bool {
    const NEEDLE: &[u8] = b"/Encrypt";
    bytes.windows(NEEDLE.len()).any(|w| w == NEEDLE)
}

// ---------------------------------------------------------------------------------------------
// Object helpers

static NULL: Object = Object::Null;

fn deref<'a>(doc: &'a lopdf::Document, o: &'a Object) -> &'a Object {
    doc.dereference(o).map(|(_, o)| o).unwrap_or(&NULL)
}

fn get<'a>(doc: &'a lopdf::Document, d: &'a Dictionary, key: &[u8]) -> &'a Object {
    d.get(key).map(|o| deref(doc, o)).unwrap_or(&NULL)
}

fn get_dict<'a>(doc: &'a lopdf::Document, d: &'a Dictionary, key: &[u8]) -> Option<&'a Dictionary> {
    match get(doc, d, key) {
        Object::Dictionary(d) => Some(d),
        _ => None,
    }
}

fn get_name<'a>(doc: &'a lopdf::Document, d: &'a Dictionary, key: &[u8]) -> Option<&'a [u8]> {
    match get(doc, d, key) {
        Object::Name(n) => Some(n),
        _ => None,
    }
}

fn get_array<'a>(doc: &'a lopdf::Document, d: &'a Dictionary, key: &[u8]) -> Option<&'a [Object]> {
    match get(doc, d, key) {
        Object::Array(a) => Some(a),
        _ => None,
    }
}

fn num(doc: &lopdf::Document, o: &Object) -> Option<f64> {
    let v = match deref(doc, o) {
        Object::Integer(i) => *i as f64,
        Object::Real(r) => f64::from(*r),
        _ => return None,
    };
    v.is_finite().then_some(v)
}

fn get_num(doc: &lopdf::Document, d: &Dictionary, key: &[u8]) -> Option<f64> {
    d.get(key).ok().and_then(|o| num(doc, o))
}

fn nums<const N: usize>(doc: &lopdf::Document, a: &[Object]) -> Option<[f64; N]> {
    if a.len() < N {
        return None;
    }
    let mut out = [0.0; N];
    for (slot, o) in out.iter_mut().zip(a) {
        *slot = num(doc, o)?;
    }
    Some(out)
}

/// A rectangle array as (x0, y0, x1, y1) with x0 ≤ x1 and y0 ≤ y1.
fn extract_images(doc: &lopdf::Document, max_pages: usize) -> Result<Vec<PageImage>, DocError> {
    let pages = collect_pages(doc)?;
    let mut interp = Interp::new(doc);
    let mut out = images::Collected::default();
    for (i, page) in pages.iter().take(max_pages).enumerate() {
        interp.read_page(page)?;
        let Some((coverage, stream)) = interp.best_image.take() else {
            continue;
        };
        if coverage < SCAN_COVERAGE {
            continue;
        }
        let Some(image) = image_of(doc, stream) else {
            continue;
        };
        out.push(i, image, coverage)?;
    }
    Ok(out.into_vec())
}

/// An image XObject as OCR takes it (see [`page_images`]); `None` when it cannot be given.
fn image_of(doc: &lopdf::Document, stream: &Stream) -> Option<Image> {
    let d = &stream.dict;
    let filters: Vec<&[u8]> = match get(doc, d, b"Filter") {
        Object::Null => Vec::new(),
        Object::Name(n) => vec![n.as_slice()],
        Object::Array(a) => a
            .iter()
            .map(|o| match deref(doc, o) {
                Object::Name(n) => Some(n.as_slice()),
                _ => None,
            })
            .collect::<Option<Vec<_>>>()?,
        _ => return None,
    };
    if filters.len() > lopdf::Stream::MAX_FILTERS {
        return None;
    }
    let image_filter = |f: &[u8]| {
        matches!(
            f,
            b"DCTDecode" | b"DCT" | b"JPXDecode" | b"CCITTFaxDecode" | b"CCF" | b"JBIG2Decode"
        )
    };
    if let Some((&last, prefix)) = filters.split_last() {
        if prefix.iter().any(|f| image_filter(f)) {
            return None;
        }
        if image_filter(last) {
            let bytes = if prefix.is_empty() {
                stream.content.clone()
            } else {
                decode_prefix(doc, stream, prefix.len())?
            };
            let image = match last {
                b"DCTDecode" | b"DCT" => Image::Jpeg(bytes),
                b"JPXDecode" => Image::Jpx(bytes),
                _ => return None,
            };
            return image.check().ok().map(|()| image);
        }
    }
    let dim = |key: &[u8]| {
        let v = get_num(doc, d, key)?;
        (v.fract() == 0.0 && v >= 1.0 && v <= f64::from(u32::MAX)).then_some(v as u32)
    };
    let (width, height) = (dim(b"Width")?, dim(b"Height")?);
    let mask = matches!(get(doc, d, b"ImageMask"), Object::Boolean(true));
    let bits = if mask {
        1
    } else {
        match get_num(doc, d, b"BitsPerComponent") {
            Some(b) if matches!(b as u32, 1 | 2 | 4 | 8 | 16) && b.fract() == 0.0 => b as u8,
            _ => return None,
        }
    };
    let colors = if mask {
        Colors::Gray
    } else {
        color_space(doc, get(doc, d, b"ColorSpace"), 0)?
    };
    let inverted = get_array(doc, d, b"Decode")
        .and_then(|a| nums::<2>(doc, a))
        .is_some_and(|[lo, hi]| lo > hi);
    let expected = images::packed_len(width, height, colors.components(), bits)?;
    let data = if filters.is_empty() {
        stream.content.clone()
    } else {
        // Room for PNG predictors' filter bytes; the result must still be exactly `expected`.
        let limit = expected
            .saturating_add(usize::try_from(height).ok()?.saturating_mul(8))
            .saturating_add(4096)
            .min(MAX_IMAGE_BYTES);
        decode_stream(stream, limit).ok()??
    };
    if data.len() != expected {
        return None;
    }
    let image = if bits == 1 && colors == Colors::Gray {
        images::bilevel(width, height, !inverted, data)?
    } else {
        let invert = inverted && !matches!(colors, Colors::Indexed(_));
        images::unpack(width, height, bits, &colors, invert, &data)?
    };
    image.check().ok().map(|()| image)
}

/// The stream's data through its first `n` filters only (those before `/DCTDecode` or
/// `/JPXDecode`).
fn decode_prefix(doc: &lopdf::Document, stream: &Stream, n: usize) -> Option<Vec<u8>> {
    let mut dict = stream.dict.clone();
    let filters = get_array(doc, &stream.dict, b"Filter")?;
    dict.set("Filter", Object::Array(filters.get(..n)?.to_vec()));
    if let Some(parms) = get_array(doc, &stream.dict, b"DecodeParms") {
        dict.set("DecodeParms", Object::Array(parms.iter().take(n).cloned().collect()));
    }
    let partial = Stream::new(dict, stream.content.clone());
    decode_stream(&partial, MAX_IMAGE_BYTES).ok()?
}

/// An image's colour space as [`Colors`]: gray, RGB, CMYK (device, calibrated or ICC-based by
/// their component count) or indexed over one of them. `None` for the others (Lab, separations,
/// patterns).
fn color_space(doc: &lopdf::Document, cs: &Object, depth: usize) -> Option<Colors> {
    let by_components = |n: f64| match n as i64 {
        1 => Some(Colors::Gray),
        3 => Some(Colors::Rgb),
        4 => Some(Colors::Cmyk),
        _ => None,
    };
    match cs {
        Object::Name(n) => match n.as_slice() {
            b"DeviceGray" | b"CalGray" | b"G" => Some(Colors::Gray),
            b"DeviceRGB" | b"CalRGB" | b"RGB" => Some(Colors::Rgb),
            b"DeviceCMYK" | b"CMYK" => Some(Colors::Cmyk),
            _ => None,
        },
        Object::Array(a) => {
            let family = match a.first().map(|o| deref(doc, o)) {
                Some(Object::Name(n)) => n.as_slice(),
                _ => return None,
            };
            match family {
                b"CalGray" => Some(Colors::Gray),
                b"CalRGB" => Some(Colors::Rgb),
                b"ICCBased" => match a.get(1).map(|o| deref(doc, o)) {
                    Some(Object::Stream(s)) => match get_num(doc, &s.dict, b"N") {
                        Some(n) => by_components(n),
                        None => s
                            .dict
                            .get(b"Alternate")
                            .ok()
                            .and_then(|o| color_space(doc, deref(doc, o), depth + 1)),
                    },
                    _ => None,
                },
                b"Indexed" | b"I" if depth == 0 => {
                    let base = color_space(doc, deref(doc, a.get(1)?), depth + 1)?;
                    let hival = num(doc, a.get(2)?)?;
                    if !(0.0..=255.0).contains(&hival) {
                        return None;
                    }
                    let entries = hival as usize + 1;
                    let comps = usize::try_from(base.components()).ok()?;
                    let table: Vec<u8> = match deref(doc, a.get(3)?) {
                        Object::String(s, _) => s.clone(),
                        Object::Stream(s) => decode_stream(s, 256 * 4).ok()??,
                        _ => return None,
                    };
                    let palette = table
                        .chunks_exact(comps)
                        .take(entries)
                        .map(|p| match (&base, p) {
                            (Colors::Gray, [g]) => [*g, *g, *g],
                            (Colors::Rgb, [r, g, b]) => [*r, *g, *b],
                            (Colors::Cmyk, [c, m, y, k]) => {
                                [*c, *m, *y].map(|ink| 255u8.saturating_sub(ink.saturating_add(*k)))
                            }
                            _ => [0, 0, 0],
                        })
                        .collect();
                    Some(Colors::Indexed(palette))
                }
                _ if depth == 0 && a.len() == 1 => color_space(doc, deref(doc, a.first()?), depth + 1),
                _ => None,
            }
        }
        _ => None,
    }
}

fn rect(doc: &lopdf::Document, o: &Object) -> Option<[f64; 4]> {
    let Object::Array(a) = deref(doc, o) else {
        return None;
    };
    let [x0, y0, x1, y1] = nums::<4>(doc, a)?;
    Some([x0.min(x1), y0.min(y1), x0.max(x1), y0.max(y1)])
}

fn matrix(doc: &lopdf::Document, d: &Dictionary, key: &[u8]) -> Option<M> {
    let a = get_array(doc, d, key)?;
    let [a, b, c, d, e, f] = nums::<6>(doc, a)?;
    Some(M { a, b, c, d, e, f })
}

/// Decodes a stream's data within `limit` bytes: `Ok(None)` when its filters cannot be decoded,
/// `Err` when it would pass the limit.
fn decode_stream(s: &Stream, limit: usize) -> Result<Option<Vec<u8>>, ()> {
    match s.decompressed_content_with_limit(limit) {
        Ok(v) => Ok(Some(v)),
        Err(lopdf::Error::Decompress(lopdf::DecompressError::MemoryLimitExceeded { .. })) => Err(()),
        Err(_) => Ok(None),
    }
}

fn load_cmap(doc: &lopdf::Document, o: &Object) -> Option<CMap> {
    let Object::Stream(s) = deref(doc, o) else {
        return None;
    };
    let data = decode_stream(s, MAX_CMAP_BYTES).ok()??;
    Some(CMap::parse(&data))
}

// ---------------------------------------------------------------------------------------------
// Pages

/// A page with its inherited attributes.
struct PageRef<'d> {
    dict: &'d Dictionary,
    resources: Option<&'d Dictionary>,
    media: [f64; 4],
    rotate: i64,
}

#[derive(Clone, Copy)]
struct Inherited<'d> {
    resources: Option<&'d Dictionary>,
    media: Option<[f64; 4]>,
    rotate: Option<i64>,
}

impl<'d> Inherited<'d> {
    fn update(mut self, doc: &'d lopdf::Document, d: &'d Dictionary) -> Self {
        if let Some(r) = get_dict(doc, d, b"Resources") {
            self.resources = Some(r);
        }
        if let Some(m) = d.get(b"MediaBox").ok().and_then(|o| rect(doc, o)) {
            if m[2] - m[0] > 0.0 && m[3] - m[1] > 0.0 {
                self.media = Some(m);
            }
        }
        if let Some(r) = d.get(b"Rotate").ok().and_then(|o| num(doc, o)) {
            self.rotate = Some(r.round() as i64);
        }
        self
    }

    fn page(self, dict: &'d Dictionary) -> PageRef<'d> {
        PageRef {
            dict,
            resources: self.resources,
            media: self.media.unwrap_or([0.0, 0.0, 612.0, 792.0]),
            rotate: self.rotate.unwrap_or(0),
        }
    }
}

/// The pages in order, by walking the page tree (each node once); when the tree yields nothing,
/// every object of type /Page in object order.
fn collect_pages(doc: &lopdf::Document) -> Result<Vec<PageRef<'_>>, DocError> {
    let none = Inherited {
        resources: None,
        media: None,
        rotate: None,
    };
    let mut pages = Vec::new();
    let mut seen: HashSet<ObjectId> = HashSet::new();
    let mut stack: Vec<(&Object, Inherited)> = Vec::new();
    if let Ok(root) = doc.catalog() {
        if let Ok(p) = root.get(b"Pages") {
            stack.push((p, none));
        }
    }
    while let Some((o, inh)) = stack.pop() {
        let Ok((id, node)) = doc.dereference(o) else {
            continue;
        };
        if let Some(id) = id {
            if !seen.insert(id) {
                continue;
            }
        }
        let Object::Dictionary(d) = node else {
            continue;
        };
        let inh = inh.update(doc, d);
        let ty = get_name(doc, d, b"Type");
        match (ty, get_array(doc, d, b"Kids")) {
            (Some(b"Page"), _) | (None, None) => {
                if pages.len() >= MAX_PAGES {
                    return Err(DocError::Limit(format!("more than {MAX_PAGES} pages")));
                }
                pages.push(inh.page(d));
            }
            (_, Some(kids)) => stack.extend(kids.iter().rev().map(|k| (k, inh))),
            _ => {}
        }
    }
    if pages.is_empty() {
        for o in doc.objects.values() {
            let Object::Dictionary(d) = o else { continue };
            if get_name(doc, d, b"Type") != Some(b"Page") {
                continue;
            }
            if pages.len() >= MAX_PAGES {
                return Err(DocError::Limit(format!("more than {MAX_PAGES} pages")));
            }
            // Inherit along /Parent, nearest first.
            let mut chain = vec![d];
            let mut cur = d;
            while chain.len() < 32 {
                match get_dict(doc, cur, b"Parent") {
                    Some(p) => {
                        chain.push(p);
                        cur = p;
                    }
                    None => break,
                }
            }
            let inh = chain.iter().rev().fold(none, |inh, d| inh.update(doc, d));
            pages.push(inh.page(d));
        }
    }
    Ok(pages)
}

// ---------------------------------------------------------------------------------------------
// Geometry

/// An affine matrix [a b c d e f]: (x, y) → (a·x + c·y + e, b·x + d·y + f).
#[derive(Debug, Clone, Copy, PartialEq)]
struct M {
    a: f64,
    b: f64,
    c: f64,
    d: f64,
    e: f64,
    f: f64,
}

impl M {
    const ID: M = M {
        a: 1.0,
        b: 0.0,
        c: 0.0,
        d: 1.0,
        e: 0.0,
        f: 0.0,
    };

    /// `self` then `o`.
    fn then(self, o: M) -> M {
        M {
            a: self.a * o.a + self.b * o.c,
            b: self.a * o.b + self.b * o.d,
            c: self.c * o.a + self.d * o.c,
            d: self.c * o.b + self.d * o.d,
            e: self.e * o.a + self.f * o.c + o.e,
            f: self.e * o.b + self.f * o.d + o.f,
        }
    }

    fn apply(self, x: f64, y: f64) -> (f64, f64) {
        (x * self.a + y * self.c + self.e, x * self.b + y * self.d + self.f)
    }

    fn finite(self) -> bool {
        [self.a, self.b, self.c, self.d, self.e, self.f]
            .iter()
            .all(|v| v.is_finite())
    }

    /// A translation by (tx, ty) in this matrix's space.
    fn translated(self, tx: f64, ty: f64) -> M {
        M {
            e: tx * self.a + ty * self.c + self.e,
            f: tx * self.b + ty * self.d + self.f,
            ..self
        }
    }

    /// The display rotation of a page's /Rotate (clockwise, multiples of 90°).
    fn rotation(rotate: i64) -> M {
        let (a, b, c, d) = match rotate.rem_euclid(360) {
            90 => (0.0, -1.0, 1.0, 0.0),
            180 => (-1.0, 0.0, 0.0, -1.0),
            270 => (0.0, 1.0, -1.0, 0.0),
            _ => (1.0, 0.0, 0.0, 1.0),
        };
        M {
            a,
            b,
            c,
            d,
            e: 0.0,
            f: 0.0,
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Fonts

/// A trivial hasher for integer keys (glyph codes).
#[derive(Default)]
struct IntHasher(u64);

impl Hasher for IntHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 << 8 | u64::from(b)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = n.wrapping_mul(0x9E37_79B9_7F4A_7C15);
    }
    fn write_usize(&mut self, n: usize) {
        self.write_u64(n as u64);
    }
}

type IntMap<K, V> = HashMap<K, V, BuildHasherDefault<IntHasher>>;

/// How a composite font's strings split into codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Split {
    Two,
    Utf16,
    /// EUC-style: a byte ≤ 0x80 alone, else two bytes.
    Euc,
    Gb18030,
    ShiftJis,
    EucJp,
    /// By the codespace of the embedded encoding CMap (else of the ToUnicode CMap).
    Codespace,
}

/// Where a composite font's text comes from when its ToUnicode has nothing.
#[derive(Debug, Clone, Copy)]
enum Source {
    /// Codes are CIDs.
    Identity,
    /// Codes are UCS-2 / UTF-16BE.
    Unicode,
    /// Codes are bytes of a legacy encoding; `iso2022` codes lack the high bits (GB-H).
    Legacy {
        encoding: &'static encoding_rs::Encoding,
        iso2022: bool,
    },
    /// Codes map to CIDs by the embedded encoding CMap.
    EmbeddedCid,
    Unknown,
}

/// A predefined CMap by its name: how codes split, what they mean, and whether they imply the
/// Adobe-GB1 collection.
fn predefined(name: &[u8]) -> (Split, Source, bool) {
    let s = String::from_utf8_lossy(name);
    let legacy = |encoding, iso2022| Source::Legacy { encoding, iso2022 };
    if s.starts_with("Identity-") {
        (Split::Two, Source::Identity, false)
    } else if s.starts_with("Uni") && s.contains("UCS2") {
        (Split::Two, Source::Unicode, s.starts_with("UniGB"))
    } else if s.starts_with("Uni") && s.contains("UTF16") {
        (Split::Utf16, Source::Unicode, s.starts_with("UniGB"))
    } else if s.starts_with("GBK2K") {
        (Split::Gb18030, legacy(encoding_rs::GB18030, false), true)
    } else if s.starts_with("GB") && (s.contains("EUC") || s.starts_with("GBK")) {
        (Split::Euc, legacy(encoding_rs::GBK, false), true)
    } else if matches!(&*s, "GB-H" | "GB-V" | "GBT-H" | "GBT-V") {
        (Split::Two, legacy(encoding_rs::GBK, true), true)
    } else if s.contains("RKSJ") {
        (Split::ShiftJis, legacy(encoding_rs::SHIFT_JIS, false), false)
    } else if s.contains("B5") || s.starts_with("HKscs") {
        (Split::Euc, legacy(encoding_rs::BIG5, false), false)
    } else if s.starts_with("KSC") {
        (Split::Euc, legacy(encoding_rs::EUC_KR, false), false)
    } else if matches!(&*s, "EUC-H" | "EUC-V") {
        (Split::EucJp, legacy(encoding_rs::EUC_JP, false), false)
    } else {
        (Split::Two, Source::Unknown, false)
    }
}

/// A cached glyph: its text (a span of `Font::text`) and its width in text space per unit of
/// font size.
#[derive(Debug, Clone, Copy, Default)]
struct Glyph {
    start: u32,
    end: u32,
    width: f64,
}

struct Composite {
    split: Split,
    source: Source,
    gb1: bool,
    to_unicode: Option<CMap>,
    embedded: Option<CMap>,
    /// `W`: (first CID, last CID, width in glyph units), sorted by first.
    widths: Vec<(u32, u32, f64)>,
    default_width: f64,
    cache: IntMap<u64, Glyph>,
    scratch: String,
}

enum FontKind {
    Simple(Box<[Glyph; 256]>),
    Composite(Box<Composite>),
}

struct Font {
    kind: FontKind,
    text: String,
}

/// Appends `s` to `out` without control characters, BOMs and replacement characters; a no-break
/// space becomes a space.
fn push_clean(out: &mut String, s: &str) {
    for c in s.chars() {
        match c {
            '\u{0}'..='\u{1f}' | '\u{7f}' | '\u{feff}' | '\u{fffd}' => {}
            '\u{a0}' => out.push(' '),
            c => out.push(c),
        }
    }
}

impl Font {
    fn load(doc: &lopdf::Document, d: &Dictionary) -> Font {
        if get_name(doc, d, b"Subtype") == Some(b"Type0") {
            Font::load_composite(doc, d)
        } else {
            Font::load_simple(doc, d)
        }
    }

    fn load_simple(doc: &lopdf::Document, d: &Dictionary) -> Font {
        let subtype = get_name(doc, d, b"Subtype").unwrap_or(b"Type1");
        let to_unicode = d
            .get(b"ToUnicode")
            .ok()
            .and_then(|o| load_cmap(doc, o))
            .filter(|m| !m.is_empty());
        let descriptor = get_dict(doc, d, b"FontDescriptor");
        let symbolic = descriptor
            .and_then(|fd| get_num(doc, fd, b"Flags"))
            .is_some_and(|f| (f as i64) & 4 != 0);

        let mut base = match subtype {
            b"TrueType" => Some(BaseEncoding::WinAnsi),
            b"Type3" => None,
            _ => Some(BaseEncoding::Standard),
        };
        if symbolic {
            base = None;
        }
        let mut names: Vec<Option<&[u8]>> = vec![None; 256];
        match get(doc, d, b"Encoding") {
            Object::Name(n) => {
                if let Some(b) = BaseEncoding::from_name(n) {
                    base = Some(b);
                }
            }
            Object::Dictionary(enc) => {
                if let Some(b) = get_name(doc, enc, b"BaseEncoding").and_then(BaseEncoding::from_name) {
                    base = Some(b);
                }
                if let Some(diffs) = get_array(doc, enc, b"Differences") {
                    let mut code: Option<usize> = None;
                    for o in diffs {
                        match deref(doc, o) {
                            Object::Integer(i) => code = usize::try_from(*i).ok(),
                            Object::Name(n) => {
                                if let Some(c) = code {
                                    if let Some(slot) = names.get_mut(c) {
                                        *slot = Some(n);
                                    }
                                    code = c.checked_add(1);
                                }
                            }
                            _ => {}
                        }
                    }
                }
            }
            _ => {}
        }

        // Widths: Type3 glyph space maps to text space by FontMatrix; others are 1/1000.
        let scale = if subtype == b"Type3" {
            matrix(doc, d, b"FontMatrix").map_or(0.001, |m| m.a.abs())
        } else {
            0.001
        };
        let missing = descriptor.and_then(|fd| get_num(doc, fd, b"MissingWidth"));
        let widths = get_array(doc, d, b"Widths");
        let first = get_num(doc, d, b"FirstChar").unwrap_or(0.0) as i64;
        let base_font = get_name(doc, d, b"BaseFont").unwrap_or(b"");
        let fallback_width = match missing {
            Some(w) if w > 0.0 => w,
            _ if widths.is_none() && base_font.windows(7).any(|w| w == b"Courier") => 600.0,
            _ if widths.is_none() => 500.0,
            _ => missing.unwrap_or(0.0),
        };

        let mut text = String::new();
        let mut table = Box::new([Glyph::default(); 256]);
        let mut tmp = String::new();
        for (code, slot) in table.iter_mut().enumerate() {
            tmp.clear();
            let c = code as u32;
            let found = to_unicode.as_ref().is_some_and(|m| m.lookup(c, &mut tmp));
            if !found {
                match names.get(code).copied().flatten() {
                    Some(name) => {
                        glyph_name_to_unicode(name, &mut tmp);
                    }
                    None => match base {
                        Some(b) => tmp.extend(b.char_of(code as u8)),
                        // No usable map: the byte as Latin-1.
                        None if (0x20..0x7f).contains(&code) || code >= 0xa0 => tmp.push(char::from(code as u8)),
                        None => {}
                    },
                }
            }
            let start = text.len() as u32;
            push_clean(&mut text, &tmp);
            let w = widths
                .and_then(|w| {
                    let i = usize::try_from((code as i64).checked_sub(first)?).ok()?;
                    w.get(i).and_then(|o| num(doc, o))
                })
                .unwrap_or(fallback_width);
            *slot = Glyph {
                start,
                end: text.len() as u32,
                width: w * scale,
            };
        }
        Font {
            kind: FontKind::Simple(table),
            text,
        }
    }

    fn load_composite(doc: &lopdf::Document, d: &Dictionary) -> Font {
        let to_unicode = d
            .get(b"ToUnicode")
            .ok()
            .and_then(|o| load_cmap(doc, o))
            .filter(|m| !m.is_empty() || m.has_codespace());
        let descendant = match get(doc, d, b"DescendantFonts") {
            Object::Array(a) => a.first().map(|o| deref(doc, o)),
            o @ Object::Dictionary(_) => Some(o),
            _ => None,
        };
        let descendant = match descendant {
            Some(Object::Dictionary(dd)) => Some(dd),
            _ => None,
        };
        let ordering_gb1 = descendant
            .and_then(|dd| get_dict(doc, dd, b"CIDSystemInfo"))
            .map(|info| matches!(get(doc, info, b"Ordering"), Object::String(s, _) if s.as_slice() == b"GB1"))
            .unwrap_or(false);

        let (mut split, mut source, mut gb1, mut embedded) = (Split::Two, Source::Unknown, false, None);
        match get(doc, d, b"Encoding") {
            Object::Name(n) => (split, source, gb1) = predefined(n),
            o @ Object::Stream(_) => {
                if let Some(m) = load_cmap(doc, o) {
                    if m.has_codespace() {
                        split = Split::Codespace;
                        source = Source::EmbeddedCid;
                    } else if let Some(base) = m.use_cmap() {
                        (split, source, gb1) = predefined(base.as_bytes());
                    }
                    embedded = Some(m);
                }
            }
            _ => {}
        }
        if matches!(source, Source::Unknown) && to_unicode.as_ref().is_some_and(CMap::has_codespace) {
            split = Split::Codespace;
        }
        gb1 |= ordering_gb1;

        let mut widths = Vec::new();
        let mut default_width = 1000.0;
        if let Some(dd) = descendant {
            if let Some(dw) = get_num(doc, dd, b"DW") {
                default_width = dw;
            }
            if let Some(w) = get_array(doc, dd, b"W") {
                parse_cid_widths(doc, w, &mut widths);
            }
        }
        widths.sort_by_key(|r| r.0);
        Font {
            kind: FontKind::Composite(Box::new(Composite {
                split,
                source,
                gb1,
                to_unicode,
                embedded,
                widths,
                default_width,
                cache: IntMap::default(),
                scratch: String::new(),
            })),
            text: String::new(),
        }
    }

    /// The next code of a string: (code, length in bytes ≥ 1). `s` must not be empty.
    fn next_code(&self, s: &[u8]) -> (u32, usize) {
        let n = match &self.kind {
            FontKind::Simple(_) => 1,
            FontKind::Composite(c) => {
                let b0 = s.first().copied().unwrap_or(0);
                let b1 = s.get(1).copied().unwrap_or(0);
                match c.split {
                    Split::Two => 2,
                    Split::Utf16 => {
                        if (0xD8..=0xDB).contains(&b0) {
                            4
                        } else {
                            2
                        }
                    }
                    Split::Euc => {
                        if b0 <= 0x80 {
                            1
                        } else {
                            2
                        }
                    }
                    Split::Gb18030 => match b0 {
                        0..=0x80 => 1,
                        _ if (0x30..=0x39).contains(&b1) => 4,
                        _ => 2,
                    },
                    Split::ShiftJis => match b0 {
                        0..=0x80 | 0xA0..=0xDF => 1,
                        _ => 2,
                    },
                    Split::EucJp => match b0 {
                        0x8F => 3,
                        0x8E | 0xA1..=0xFE => 2,
                        _ => 1,
                    },
                    Split::Codespace => c
                        .embedded
                        .as_ref()
                        .filter(|m| m.has_codespace())
                        .or(c.to_unicode.as_ref())
                        .and_then(|m| m.code_len(s))
                        .unwrap_or(2),
                }
            }
        };
        let n = n.clamp(1, s.len().max(1));
        let code = s.iter().take(n).fold(0u32, |v, &b| (v << 8) | u32::from(b));
        (code, n)
    }

    /// Appends the text of a code to `out` and returns its width (text space per unit size).
    fn glyph(&mut self, code: u32, n: usize, out: &mut String) -> f64 {
        let g = match &mut self.kind {
            FontKind::Simple(table) => table.get(code as usize).copied().unwrap_or_default(),
            FontKind::Composite(c) => {
                let key = (n as u64) << 32 | u64::from(code);
                match c.cache.get(&key) {
                    Some(g) => *g,
                    None => {
                        let width = c.resolve(code, n);
                        if c.cache.len() >= MAX_GLYPH_CACHE {
                            push_clean(out, &c.scratch);
                            return width;
                        }
                        let start = self.text.len() as u32;
                        push_clean(&mut self.text, &c.scratch);
                        let g = Glyph {
                            start,
                            end: self.text.len() as u32,
                            width,
                        };
                        c.cache.insert(key, g);
                        g
                    }
                }
            }
        };
        if let Some(t) = self.text.get(g.start as usize..g.end as usize) {
            out.push_str(t);
        }
        g.width
    }
}

fn parse_cid_widths(doc: &lopdf::Document, w: &[Object], out: &mut Vec<(u32, u32, f64)>) {
    let cid = |o: &Object| {
        num(doc, o)
            .filter(|v| *v >= 0.0 && *v <= f64::from(u32::MAX))
            .map(|v| v as u32)
    };
    let mut i = 0;
    while let Some(first) = w.get(i).and_then(cid) {
        match w.get(i + 1).map(|o| deref(doc, o)) {
            Some(Object::Array(list)) => {
                let mut c = first;
                for o in list {
                    if let Some(width) = num(doc, o) {
                        out.push((c, c, width));
                    }
                    c = match c.checked_add(1) {
                        Some(c) => c,
                        None => break,
                    };
                }
                i += 2;
            }
            Some(o) => {
                let (Some(last), Some(width)) = (cid(o), w.get(i + 2).and_then(|o| num(doc, o))) else {
                    break;
                };
                if first <= last {
                    out.push((first, last, width));
                }
                i += 3;
            }
            None => break,
        }
    }
}

impl Composite {
    /// Puts the text of a code into `self.scratch` and returns its width.
    fn resolve(&mut self, code: u32, n: usize) -> f64 {
        self.scratch.clear();
        let s = &mut self.scratch;
        let found = self.to_unicode.as_ref().is_some_and(|m| m.lookup(code, s));
        let mut cid = match self.source {
            Source::Identity => Some(code),
            Source::EmbeddedCid => self.embedded.as_ref().and_then(|m| m.cid(code)),
            _ => None,
        };
        if !found {
            match self.source {
                Source::Identity | Source::EmbeddedCid => {
                    if let (true, Some(cid)) = (self.gb1, cid) {
                        gb1_cid_to_unicode(cid, s);
                    }
                }
                Source::Unicode => {
                    let bytes = code.to_be_bytes();
                    super::cmap::push_utf16be(last_bytes(&bytes, n), s);
                }
                Source::Legacy { encoding, iso2022 } => {
                    let mut bytes = code.to_be_bytes();
                    if iso2022 && n == 2 {
                        bytes[2] |= 0x80;
                        bytes[3] |= 0x80;
                    }
                    let bytes = last_bytes(&bytes, n);
                    if let Some(t) = encoding.decode_without_bom_handling_and_without_replacement(bytes) {
                        s.push_str(&t);
                    }
                }
                Source::Unknown => {}
            }
        }
        if cid.is_none() && self.gb1 {
            cid = s.chars().next().and_then(gb1_unicode_to_cid);
        }
        let w = cid
            .and_then(|cid| {
                let end = self.widths.partition_point(|r| r.0 <= cid);
                self.widths
                    .get(..end)
                    .unwrap_or_default()
                    .iter()
                    .rev()
                    .take(4)
                    .find(|r| r.0 <= cid && cid <= r.1)
                    .map(|r| r.2)
            })
            .unwrap_or(self.default_width);
        w * 0.001
    }
}

/// The last `n` bytes of `bytes` (all of them when `n` is larger): the code bytes of a big-endian
/// `u32`.
fn last_bytes(bytes: &[u8], n: usize) -> &[u8] {
    bytes.get(bytes.len().saturating_sub(n)..).unwrap_or(bytes)
}

// ---------------------------------------------------------------------------------------------
// Content streams

/// Bytes of an operand: in the content itself or in the per-operator scratch buffer.
#[derive(Debug, Clone, Copy)]
struct Span {
    scratch: bool,
    start: u32,
    end: u32,
}

impl Span {
    fn get<'x>(self, content: &'x [u8], scratch: &'x [u8]) -> &'x [u8] {
        let src = if self.scratch { scratch } else { content };
        src.get(self.start as usize..self.end as usize).unwrap_or(&[])
    }
}

#[derive(Debug, Clone, Copy)]
enum Operand {
    Num(f64),
    Str(Span),
    Name(Span),
    ArrayOpen,
    ArrayClose,
    Other,
}

enum Tok<'c> {
    Operand(Operand),
    Op(&'c [u8]),
}

const WS: u8 = 1;
const DELIM: u8 = 2;

/// The lexical class of a byte: WS (white space), DELIM (a delimiter) or 0 (regular).
const fn class(b: u8) -> u8 {
    match b {
        0 | 9 | 10 | 12 | 13 | 32 => WS,
        b'(' | b')' | b'<' | b'>' | b'[' | b']' | b'{' | b'}' | b'/' | b'%' => DELIM,
        _ => 0,
    }
}

fn hex_val(c: u8) -> Option<u8> {
    match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        b'A'..=b'F' => Some(c - b'A' + 10),
        _ => None,
    }
}

/// A number token, leniently (`--5`, `1.2.3`, `.5`, `5.`); NaN when it holds no digit.
fn parse_number(t: &[u8]) -> f64 {
    const POW10: [f64; 19] = [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18,
    ];
    let mut i = 0;
    let mut neg = false;
    while let Some(&c) = t.get(i) {
        match c {
            b'-' => neg = !neg,
            b'+' => {}
            _ => break,
        }
        i += 1;
    }
    let mut v = 0.0f64;
    let mut digits = false;
    while let Some(&c) = t.get(i) {
        if !c.is_ascii_digit() {
            break;
        }
        v = v * 10.0 + f64::from(c - b'0');
        digits = true;
        i += 1;
    }
    if t.get(i) == Some(&b'.') {
        i += 1;
        let mut frac: u64 = 0;
        let mut n = 0usize;
        while let Some(&c) = t.get(i) {
            if !c.is_ascii_digit() {
                break;
            }
            if n < 18 {
                frac = frac * 10 + u64::from(c - b'0');
                n += 1;
            }
            digits = true;
            i += 1;
        }
        // `n` is at most 18, so POW10 has it.
        if let (true, Some(p)) = (n > 0, POW10.get(n)) {
            v += frac as f64 / p;
        }
    }
    if !digits {
        return f64::NAN;
    }
    if neg {
        -v
    } else {
        v
    }
}

struct Lexer<'c> {
    b: &'c [u8],
    pos: usize,
}

impl<'c> Lexer<'c> {
    fn new(b: &'c [u8]) -> Self {
        Lexer { b, pos: 0 }
    }

    fn span(start: usize, end: usize, scratch: bool) -> Span {
        Span {
            scratch,
            start: u32::try_from(start).unwrap_or(u32::MAX),
            end: u32::try_from(end).unwrap_or(u32::MAX),
        }
    }

    fn regular_run(&mut self) -> &'c [u8] {
        let start = self.pos;
        while let Some(&c) = self.b.get(self.pos) {
            if class(c) != 0 {
                break;
            }
            self.pos += 1;
        }
        self.b.get(start..self.pos).unwrap_or(&[])
    }

    fn next(&mut self, scratch: &mut Vec<u8>) -> Option<Tok<'c>> {
        loop {
            let c = *self.b.get(self.pos)?;
            match class(c) {
                WS => {
                    self.pos += 1;
                }
                DELIM => {
                    self.pos += 1;
                    let op = match c {
                        b'%' => {
                            while let Some(&c) = self.b.get(self.pos) {
                                if c == b'\n' || c == b'\r' {
                                    break;
                                }
                                self.pos += 1;
                            }
                            continue;
                        }
                        b'(' => Operand::Str(self.literal(scratch)),
                        b'<' => {
                            if self.b.get(self.pos) == Some(&b'<') {
                                self.pos += 1;
                                Operand::Other
                            } else {
                                Operand::Str(self.hex(scratch))
                            }
                        }
                        b'>' => {
                            if self.b.get(self.pos) == Some(&b'>') {
                                self.pos += 1;
                            }
                            Operand::Other
                        }
                        b'[' => Operand::ArrayOpen,
                        b']' => Operand::ArrayClose,
                        b'/' => Operand::Name(self.name(scratch)),
                        // `{`, `}`, a stray `)`.
                        _ => Operand::Other,
                    };
                    return Some(Tok::Operand(op));
                }
                _ => {
                    let run = self.regular_run();
                    return Some(match run.first() {
                        Some(b'0'..=b'9' | b'+' | b'-' | b'.') => Tok::Operand(Operand::Num(parse_number(run))),
                        _ if matches!(run, b"true" | b"false" | b"null") => Tok::Operand(Operand::Other),
                        _ => Tok::Op(run),
                    });
                }
            }
        }
    }

    /// A literal string after its `(`: a span of the content when it has no escape, else decoded
    /// into `scratch`. At most `MAX_STRING` bytes are kept.
    fn literal(&mut self, scratch: &mut Vec<u8>) -> Span {
        let start = self.pos;
        let mut depth = 1usize;
        let mut i = start;
        while let Some(&c) = self.b.get(i) {
            match c {
                b'\\' => break,
                b'(' => depth += 1,
                b')' => {
                    depth -= 1;
                    if depth == 0 {
                        self.pos = i + 1;
                        return Self::span(start, i.min(start + MAX_STRING), false);
                    }
                }
                _ => {}
            }
            i += 1;
        }
        if i >= self.b.len() {
            self.pos = i;
            return Self::span(start, i.min(start + MAX_STRING), false);
        }
        // Escapes: decode into scratch.
        let s0 = scratch.len();
        scratch.extend_from_slice(self.b.get(start..i.min(start + MAX_STRING)).unwrap_or(&[]));
        let push = |scratch: &mut Vec<u8>, b: u8| {
            if scratch.len() - s0 < MAX_STRING {
                scratch.push(b);
            }
        };
        while let Some(&c) = self.b.get(i) {
            i += 1;
            match c {
                b'\\' => {
                    let Some(&e) = self.b.get(i) else { break };
                    i += 1;
                    match e {
                        b'n' => push(scratch, b'\n'),
                        b'r' => push(scratch, b'\r'),
                        b't' => push(scratch, b'\t'),
                        b'b' => push(scratch, 8),
                        b'f' => push(scratch, 12),
                        b'0'..=b'7' => {
                            let mut v = u32::from(e - b'0');
                            for _ in 0..2 {
                                match self.b.get(i) {
                                    Some(&d @ b'0'..=b'7') => {
                                        v = v * 8 + u32::from(d - b'0');
                                        i += 1;
                                    }
                                    _ => break,
                                }
                            }
                            push(scratch, (v & 0xFF) as u8);
                        }
                        b'\r' => {
                            if self.b.get(i) == Some(&b'\n') {
                                i += 1;
                            }
                        }
                        b'\n' => {}
                        other => push(scratch, other),
                    }
                }
                b'(' => {
                    depth += 1;
                    push(scratch, c);
                }
                b')' => {
                    depth -= 1;
                    if depth == 0 {
                        break;
                    }
                    push(scratch, c);
                }
                _ => push(scratch, c),
            }
        }
        self.pos = i;
        Self::span(s0, scratch.len(), true)
    }

    fn hex(&mut self, scratch: &mut Vec<u8>) -> Span {
        let s0 = scratch.len();
        let mut half: Option<u8> = None;
        while let Some(&c) = self.b.get(self.pos) {
            self.pos += 1;
            if c == b'>' {
                break;
            }
            let Some(v) = hex_val(c) else { continue };
            match half.take() {
                Some(h) => {
                    if scratch.len() - s0 < MAX_STRING {
                        scratch.push(h << 4 | v);
                    }
                }
                None => half = Some(v),
            }
        }
        if let Some(h) = half {
            if scratch.len() - s0 < MAX_STRING {
                scratch.push(h << 4);
            }
        }
        Self::span(s0, scratch.len(), true)
    }

    fn name(&mut self, scratch: &mut Vec<u8>) -> Span {
        let start = self.pos;
        let run = self.regular_run();
        if !run.contains(&b'#') {
            return Self::span(start, self.pos, false);
        }
        let s0 = scratch.len();
        let mut i = 0;
        while let Some(&c) = run.get(i) {
            if c == b'#' {
                if let (Some(h), Some(l)) = (
                    run.get(i + 1).copied().and_then(hex_val),
                    run.get(i + 2).copied().and_then(hex_val),
                ) {
                    scratch.push(h << 4 | l);
                    i += 3;
                    continue;
                }
            }
            scratch.push(c);
            i += 1;
        }
        Self::span(s0, scratch.len(), true)
    }

    /// Skips an inline image after `BI`: its dictionary up to `ID`, then the data up to an `EI`
    /// that stands alone.
    fn skip_inline_image(&mut self, scratch: &mut Vec<u8>) {
        loop {
            match self.next(scratch) {
                None => return,
                Some(Tok::Op(b"ID")) => break,
                Some(_) => {}
            }
        }
        if self.b.get(self.pos).is_some_and(|&c| class(c) == WS) {
            self.pos += 1;
        }
        let data_start = self.pos;
        let mut i = data_start;
        while i + 1 < self.b.len() {
            if self.b.get(i) == Some(&b'E')
                && self.b.get(i + 1) == Some(&b'I')
                && (i == data_start || self.b.get(i - 1).is_some_and(|&c| class(c) == WS))
                && self.b.get(i + 2).is_none_or(|&c| class(c) != 0)
            {
                self.pos = i + 2;
                return;
            }
            i += 1;
        }
        self.pos = self.b.len();
    }
}

/// The last `N` operands as numbers (all finite), if they are.
fn last_nums<const N: usize>(ops: &[Operand]) -> Option<[f64; N]> {
    let tail = ops.get(ops.len().checked_sub(N)?..)?;
    let mut out = [0.0; N];
    for (slot, o) in out.iter_mut().zip(tail) {
        match o {
            Operand::Num(v) if v.is_finite() => *slot = *v,
            _ => return None,
        }
    }
    Some(out)
}

// ---------------------------------------------------------------------------------------------
// The interpreter

#[derive(Debug, Clone, Copy)]
struct GState {
    ctm: M,
    font: Option<usize>,
    size: f64,
    char_spacing: f64,
    word_spacing: f64,
    h_scale: f64,
    leading: f64,
}

impl GState {
    const INITIAL: GState = GState {
        ctm: M::ID,
        font: None,
        size: 0.0,
        char_spacing: 0.0,
        word_spacing: 0.0,
        h_scale: 1.0,
        leading: 0.0,
    };
}

/// A run of glyphs drawn one after the other on one baseline, in device space (the page as
/// displayed, y up).
#[derive(Debug, Clone, Copy)]
struct Run {
    x0: f64,
    x1: f64,
    y: f64,
    size: f64,
    /// Where the last glyph ended (the next one continues the run if it starts here).
    end_x: f64,
    end_y: f64,
    upright: bool,
    start: u32,
    end: u32,
}

/// What a page shows: its text runs and how much of it images cover.
#[derive(Debug, Default)]
struct PageText {
    runs: Vec<Run>,
    text: String,
    /// Sum of the page shares images cover (each clipped to the page).
    image_area: f64,
    glyphs: usize,
}

impl PageText {
    fn run_text(&self, r: &Run) -> &str {
        self.text.get(r.start as usize..r.end as usize).unwrap_or("")
    }

    /// Records a glyph whose text was appended at `mark`; false past the glyph limit.
    #[allow(clippy::too_many_arguments)]
    fn glyph(&mut self, mark: usize, x0: f64, y0: f64, x1: f64, y1: f64, size: f64, upright: bool) -> bool {
        self.glyphs += 1;
        if self.glyphs > MAX_GLYPHS_PER_PAGE || self.text.len() > MAX_PAGE_TEXT {
            return false;
        }
        if ![x0, y0, x1, y1].iter().all(|v| v.is_finite()) {
            self.text.truncate(mark);
            return true;
        }
        let end = u32::try_from(self.text.len()).unwrap_or(u32::MAX);
        if let Some(r) = self.runs.last_mut() {
            let em = r.size.max(size);
            let continues = r.upright == upright
                && r.end as usize == mark
                && if upright {
                    let gap = x0 - r.end_x;
                    (y0 - r.y).abs() <= 0.1 * em && gap >= -0.3 * em && gap < WORD_GAP * em
                } else {
                    (x0 - r.end_x).hypot(y0 - r.end_y) < WORD_GAP * em
                };
            if continues {
                r.end = end;
                r.x0 = r.x0.min(x0);
                r.x1 = r.x1.max(x1);
                r.end_x = x1;
                r.end_y = y1;
                r.size = r.size.max(size);
                return true;
            }
        }
        if self.text.len() == mark {
            // An unmapped glyph starts nothing.
            return true;
        }
        self.runs.push(Run {
            x0: x0.min(x1),
            x1: x0.max(x1),
            y: y0,
            size,
            end_x: x1,
            end_y: y1,
            upright,
            start: u32::try_from(mark).unwrap_or(u32::MAX),
            end,
        });
        true
    }
}

struct Interp<'d> {
    doc: &'d lopdf::Document,
    fonts: Vec<Font>,
    /// Font dictionary (by address) → index in `fonts`.
    font_index: HashMap<usize, usize>,
    rot: M,
    media: [f64; 4],
    gs: GState,
    stack: Vec<GState>,
    /// `q` not stored (past `MAX_GSTATE_DEPTH`), still to be matched by `Q`.
    stack_overflow: usize,
    /// `Q` does not pop below this (the stack depth when the current form began).
    stack_floor: usize,
    tm: M,
    tlm: M,
    forms: Vec<ObjectId>,
    /// Forms drawn on the current page.
    form_draws: usize,
    page_budget: usize,
    doc_budget: usize,
    out: PageText,
    /// Whether image XObjects drawn are remembered in `best_image`.
    keep_images: bool,
    /// The image XObject of the current page that covers most of it, with its coverage.
    best_image: Option<(f64, &'d Stream)>,
}

fn limit_error(page: bool) -> DocError {
    if page {
        DocError::Limit(format!(
            "the content of a page decodes to more than {MAX_PAGE_CONTENT} bytes"
        ))
    } else {
        DocError::Limit(format!(
            "the page contents decode to more than {MAX_DOCUMENT_CONTENT} bytes"
        ))
    }
}

impl<'d> Interp<'d> {
    fn new(doc: &'d lopdf::Document) -> Self {
        Interp {
            doc,
            fonts: Vec::new(),
            font_index: HashMap::new(),
            rot: M::ID,
            media: [0.0, 0.0, 612.0, 792.0],
            gs: GState::INITIAL,
            stack: Vec::new(),
            stack_overflow: 0,
            stack_floor: 0,
            tm: M::ID,
            tlm: M::ID,
            forms: Vec::new(),
            form_draws: 0,
            page_budget: MAX_PAGE_CONTENT,
            doc_budget: MAX_DOCUMENT_CONTENT,
            out: PageText::default(),
            keep_images: true,
            best_image: None,
        }
    }

    fn charge(&mut self, n: usize) -> Result<(), DocError> {
        if n > self.page_budget {
            return Err(limit_error(true));
        }
        if n > self.doc_budget {
            return Err(limit_error(false));
        }
        self.page_budget -= n;
        self.doc_budget -= n;
        Ok(())
    }

    fn decode(&mut self, s: &Stream) -> Result<Vec<u8>, DocError> {
        let limit = self.page_budget.min(self.doc_budget);
        match decode_stream(s, limit) {
            Ok(Some(v)) => {
                self.charge(v.len())?;
                Ok(v)
            }
            Ok(None) => Ok(Vec::new()),
            Err(()) => Err(limit_error(self.page_budget <= self.doc_budget)),
        }
    }

    fn read_page(&mut self, page: &PageRef<'d>) -> Result<PageText, DocError> {
        self.out = PageText::default();
        self.best_image = None;
        self.page_budget = MAX_PAGE_CONTENT;
        self.form_draws = 0;
        self.rot = M::rotation(page.rotate);
        self.media = page.media;
        self.reset_state();

        let doc = self.doc;
        let mut content = Vec::new();
        let streams: Vec<&Stream> = match get(doc, page.dict, b"Contents") {
            Object::Stream(s) => vec![s],
            Object::Array(a) => a
                .iter()
                .filter_map(|o| match deref(doc, o) {
                    Object::Stream(s) => Some(s),
                    _ => None,
                })
                .collect(),
            _ => Vec::new(),
        };
        for s in streams {
            let data = self.decode(s)?;
            content.extend_from_slice(&data);
            content.push(b'\n');
        }
        self.run(&content, page.resources, 0)?;
        drop(content);
        self.annotations(page)?;
        Ok(std::mem::take(&mut self.out))
    }

    fn reset_state(&mut self) {
        self.gs = GState::INITIAL;
        self.stack.clear();
        self.stack_overflow = 0;
        self.stack_floor = 0;
        self.tm = M::ID;
        self.tlm = M::ID;
        self.forms.clear();
    }

    /// Draws the normal appearance of each visible annotation (filled form fields, stamps).
    fn annotations(&mut self, page: &PageRef<'d>) -> Result<(), DocError> {
        let doc = self.doc;
        let Some(annots) = get_array(doc, page.dict, b"Annots") else {
            return Ok(());
        };
        for a in annots.iter().take(MAX_ANNOTATIONS) {
            let Object::Dictionary(ad) = deref(doc, a) else {
                continue;
            };
            let flags = get_num(doc, ad, b"F").unwrap_or(0.0) as i64;
            if flags & (2 | 32) != 0 || get_name(doc, ad, b"Subtype") == Some(b"Popup") {
                continue;
            }
            let Some(ap) = get_dict(doc, ad, b"AP") else { continue };
            let Ok(n) = ap.get(b"N") else { continue };
            let Ok((mut id, mut appearance)) = doc.dereference(n) else {
                continue;
            };
            if let Object::Dictionary(states) = appearance {
                let Some(state) = get_name(doc, ad, b"AS") else {
                    continue;
                };
                let Ok(o) = states.get(state) else { continue };
                let Ok((i, o)) = doc.dereference(o) else { continue };
                (id, appearance) = (i, o);
            }
            let Object::Stream(form) = appearance else { continue };
            let (Some(r), Some(bbox)) = (
                ad.get(b"Rect").ok().and_then(|o| rect(doc, o)),
                form.dict.get(b"BBox").ok().and_then(|o| rect(doc, o)),
            ) else {
                continue;
            };
            let m = matrix(doc, &form.dict, b"Matrix").unwrap_or(M::ID);
            // The appearance's box, transformed by its matrix, is fitted to the annotation's Rect.
            let corners = [
                (bbox[0], bbox[1]),
                (bbox[2], bbox[1]),
                (bbox[0], bbox[3]),
                (bbox[2], bbox[3]),
            ];
            let pts = corners.map(|(x, y)| m.apply(x, y));
            let (tx0, tx1) = pts.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), p| {
                (lo.min(p.0), hi.max(p.0))
            });
            let (ty0, ty1) = pts.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), p| {
                (lo.min(p.1), hi.max(p.1))
            });
            if !(tx1 - tx0 > 1e-9 && ty1 - ty0 > 1e-9) {
                continue;
            }
            let sx = (r[2] - r[0]) / (tx1 - tx0);
            let sy = (r[3] - r[1]) / (ty1 - ty0);
            let fit = M {
                a: sx,
                b: 0.0,
                c: 0.0,
                d: sy,
                e: r[0] - tx0 * sx,
                f: r[1] - ty0 * sy,
            };
            self.reset_state();
            self.run_form(form, id, page.resources, fit, 0)?;
        }
        Ok(())
    }

    fn run(&mut self, content: &[u8], res: Option<&'d Dictionary>, depth: usize) -> Result<(), DocError> {
        let mut lex = Lexer::new(content);
        let mut ops: Vec<Operand> = Vec::with_capacity(16);
        let mut scratch: Vec<u8> = Vec::new();
        while let Some(tok) = lex.next(&mut scratch) {
            match tok {
                Tok::Operand(o) => {
                    if ops.len() < MAX_OPERANDS {
                        ops.push(o);
                    }
                }
                Tok::Op(b"BI") => {
                    self.out.image_area += self.coverage();
                    lex.skip_inline_image(&mut scratch);
                    ops.clear();
                    scratch.clear();
                }
                Tok::Op(op) => {
                    self.exec(op, &ops, content, &scratch, res, depth)?;
                    ops.clear();
                    scratch.clear();
                }
            }
        }
        Ok(())
    }

    fn exec(
        &mut self,
        op: &[u8],
        ops: &[Operand],
        content: &[u8],
        scratch: &[u8],
        res: Option<&'d Dictionary>,
        depth: usize,
    ) -> Result<(), DocError> {
        let last_str = || match ops.last() {
            Some(Operand::Str(s)) => Some(s.get(content, scratch)),
            _ => None,
        };
        match op {
            b"q" => {
                if self.stack.len() < MAX_GSTATE_DEPTH {
                    self.stack.push(self.gs);
                } else {
                    self.stack_overflow += 1;
                }
            }
            b"Q" => {
                if self.stack_overflow > 0 {
                    self.stack_overflow -= 1;
                } else if self.stack.len() > self.stack_floor {
                    if let Some(gs) = self.stack.pop() {
                        self.gs = gs;
                    }
                }
            }
            b"cm" => {
                if let Some([a, b, c, d, e, f]) = last_nums::<6>(ops) {
                    let m = M { a, b, c, d, e, f }.then(self.gs.ctm);
                    if m.finite() {
                        self.gs.ctm = m;
                    }
                }
            }
            b"BT" => {
                self.tm = M::ID;
                self.tlm = M::ID;
            }
            b"Tf" => {
                if let [.., Operand::Name(name), Operand::Num(size)] = ops {
                    if size.is_finite() {
                        self.gs.size = *size;
                    }
                    self.gs.font = self.font(res, name.get(content, scratch));
                }
            }
            b"Tc" => {
                if let Some([v]) = last_nums(ops) {
                    self.gs.char_spacing = v;
                }
            }
            b"Tw" => {
                if let Some([v]) = last_nums(ops) {
                    self.gs.word_spacing = v;
                }
            }
            b"Tz" => {
                if let Some([v]) = last_nums(ops) {
                    self.gs.h_scale = v / 100.0;
                }
            }
            b"TL" => {
                if let Some([v]) = last_nums(ops) {
                    self.gs.leading = v;
                }
            }
            b"Td" => {
                if let Some([tx, ty]) = last_nums(ops) {
                    self.next_line(tx, ty);
                }
            }
            b"TD" => {
                if let Some([tx, ty]) = last_nums(ops) {
                    self.gs.leading = -ty;
                    self.next_line(tx, ty);
                }
            }
            b"Tm" => {
                if let Some([a, b, c, d, e, f]) = last_nums::<6>(ops) {
                    self.tm = M { a, b, c, d, e, f };
                    self.tlm = self.tm;
                }
            }
            b"T*" => self.next_line(0.0, -self.gs.leading),
            b"Tj" => {
                if let Some(s) = last_str() {
                    self.show(s)?;
                }
            }
            b"'" => {
                self.next_line(0.0, -self.gs.leading);
                if let Some(s) = last_str() {
                    self.show(s)?;
                }
            }
            b"\"" => {
                if let [.., Operand::Num(aw), Operand::Num(ac), Operand::Str(s)] = ops {
                    if aw.is_finite() && ac.is_finite() {
                        self.gs.word_spacing = *aw;
                        self.gs.char_spacing = *ac;
                    }
                    self.next_line(0.0, -self.gs.leading);
                    self.show(s.get(content, scratch))?;
                }
            }
            b"TJ" => {
                let start = ops
                    .iter()
                    .rposition(|o| matches!(o, Operand::ArrayOpen))
                    .map_or(0, |i| i + 1);
                for o in ops.get(start..).unwrap_or(&[]) {
                    match o {
                        Operand::Str(s) => self.show(s.get(content, scratch))?,
                        Operand::Num(n) if n.is_finite() => {
                            let tx = -n / 1000.0 * self.gs.size * self.gs.h_scale;
                            let tm = self.tm.translated(tx, 0.0);
                            if tm.finite() {
                                self.tm = tm;
                            }
                        }
                        _ => {}
                    }
                }
            }
            b"Do" => {
                if let Some(Operand::Name(name)) = ops.last() {
                    self.do_xobject(name.get(content, scratch), res, depth)?;
                }
            }
            _ => {}
        }
        Ok(())
    }

    fn next_line(&mut self, tx: f64, ty: f64) {
        let m = self.tlm.translated(tx, ty);
        if m.finite() {
            self.tlm = m;
            self.tm = m;
        }
    }

    fn font(&mut self, res: Option<&'d Dictionary>, name: &[u8]) -> Option<usize> {
        let doc = self.doc;
        let fonts = get_dict(doc, res?, b"Font")?;
        let Object::Dictionary(fd) = deref(doc, fonts.get(name).ok()?) else {
            return None;
        };
        let key = fd as *const Dictionary as usize;
        if let Some(&i) = self.font_index.get(&key) {
            return Some(i);
        }
        self.fonts.push(Font::load(doc, fd));
        let i = self.fonts.len() - 1;
        self.font_index.insert(key, i);
        Some(i)
    }

    fn show(&mut self, s: &[u8]) -> Result<(), DocError> {
        let Some(font) = self.gs.font.and_then(|i| self.fonts.get_mut(i)) else {
            return Ok(());
        };
        let gs = self.gs;
        let trm = self.tm.then(gs.ctm).then(self.rot);
        if !trm.finite() {
            return Ok(());
        }
        let size = (trm.c.hypot(trm.d) * gs.size.abs()).max(0.5);
        let upright = trm.a > 0.0 && trm.b.abs() <= 0.05 * trm.a;
        let mut adv = 0.0;
        let mut i = 0;
        while let Some(rest) = s.get(i..).filter(|r| !r.is_empty()) {
            let (code, n) = font.next_code(rest);
            i += n;
            let mark = self.out.text.len();
            let w = font.glyph(code, n, &mut self.out.text);
            let mut tx = w * gs.size + gs.char_spacing;
            if n == 1 && code == 32 {
                tx += gs.word_spacing;
            }
            tx *= gs.h_scale;
            let (x0, y0) = trm.apply(adv, 0.0);
            let (x1, y1) = trm.apply(adv + tx, 0.0);
            adv += tx;
            if !self.out.glyph(mark, x0, y0, x1, y1, size, upright) {
                return Err(DocError::Limit(format!(
                    "more than {MAX_GLYPHS_PER_PAGE} glyphs or {MAX_PAGE_TEXT} bytes of text on a page"
                )));
            }
        }
        let tm = self.tm.translated(adv, 0.0);
        if tm.finite() {
            self.tm = tm;
        }
        Ok(())
    }

    /// The share of the page the unit square covers through the CTM (an image).
    fn coverage(&self) -> f64 {
        let m = self.gs.ctm;
        let pts = [(0.0, 0.0), (1.0, 0.0), (0.0, 1.0), (1.0, 1.0)].map(|(x, y)| m.apply(x, y));
        let [px0, py0, px1, py1] = self.media;
        let x0 = pts.iter().map(|p| p.0).fold(f64::INFINITY, f64::min).max(px0);
        let x1 = pts.iter().map(|p| p.0).fold(f64::NEG_INFINITY, f64::max).min(px1);
        let y0 = pts.iter().map(|p| p.1).fold(f64::INFINITY, f64::min).max(py0);
        let y1 = pts.iter().map(|p| p.1).fold(f64::NEG_INFINITY, f64::max).min(py1);
        let page = (px1 - px0) * (py1 - py0);
        let area = (x1 - x0).max(0.0) * (y1 - y0).max(0.0);
        if page > 0.0 && area.is_finite() {
            (area / page).min(1.0)
        } else {
            0.0
        }
    }

    fn do_xobject(&mut self, name: &[u8], res: Option<&'d Dictionary>, depth: usize) -> Result<(), DocError> {
        let doc = self.doc;
        let Some(xobjects) = res.and_then(|r| get_dict(doc, r, b"XObject")) else {
            return Ok(());
        };
        let Ok(entry) = xobjects.get(name) else {
            return Ok(());
        };
        let Ok((id, Object::Stream(stream))) = doc.dereference(entry) else {
            return Ok(());
        };
        match get_name(doc, &stream.dict, b"Subtype") {
            Some(b"Image") => {
                let coverage = self.coverage();
                self.out.image_area += coverage;
                if self.keep_images && self.best_image.is_none_or(|(best, _)| coverage > best) {
                    self.best_image = Some((coverage, stream));
                }
                Ok(())
            }
            Some(b"Form") => self.run_form(stream, id, res, M::ID, depth),
            _ => Ok(()),
        }
    }

    /// Runs a form XObject: its matrix then `fit` then the current CTM; its own resources or the
    /// caller's. Beyond `MAX_FORM_DEPTH`, or when the form is already being drawn, nothing.
    fn run_form(
        &mut self,
        form: &'d Stream,
        id: Option<ObjectId>,
        parent_res: Option<&'d Dictionary>,
        fit: M,
        depth: usize,
    ) -> Result<(), DocError> {
        if depth >= MAX_FORM_DEPTH || id.is_some_and(|id| self.forms.contains(&id)) {
            return Ok(());
        }
        let doc = self.doc;
        self.form_draws = self.form_draws.saturating_add(1);
        if self.form_draws > MAX_FORM_DRAWS {
            return Err(DocError::Limit(format!(
                "more than {MAX_FORM_DRAWS} form XObjects drawn on one page"
            )));
        }
        self.charge(FORM_MIN_COST)?;
        let data = self.decode(form)?;
        let m = matrix(doc, &form.dict, b"Matrix").unwrap_or(M::ID);
        let res = get_dict(doc, &form.dict, b"Resources").or(parent_res);

        let (saved_gs, saved_tm, saved_tlm, saved_floor, saved_overflow) =
            (self.gs, self.tm, self.tlm, self.stack_floor, self.stack_overflow);
        let ctm = m.then(fit).then(self.gs.ctm);
        if ctm.finite() {
            self.gs.ctm = ctm;
        }
        self.stack_floor = self.stack.len();
        self.stack_overflow = 0;
        if let Some(id) = id {
            self.forms.push(id);
        }
        let result = self.run(&data, res, depth + 1);
        if id.is_some() {
            self.forms.pop();
        }
        self.stack.truncate(self.stack_floor);
        (self.gs, self.tm, self.tlm, self.stack_floor, self.stack_overflow) =
            (saved_gs, saved_tm, saved_tlm, saved_floor, saved_overflow);
        result
    }
}

// ---------------------------------------------------------------------------------------------
// Layout

/// Groups a page's runs into lines: upright runs by baseline (top to bottom), each line's runs by
/// x; rotated runs after them, one line each, in drawing order.
fn layout(out: &PageText, page: u32, lines: &mut Vec<Line>) {
    let mut upright: Vec<&Run> = out
        .runs
        .iter()
        .filter(|r| r.upright && !out.run_text(r).trim().is_empty())
        .collect();
    // Stable sort: runs on one baseline keep their drawing order until sorted by x.
    upright.sort_by(|a, b| b.y.total_cmp(&a.y));
    let mut i = 0;
    let mut group: Vec<&Run> = Vec::new();
    while let Some(anchor) = upright.get(i) {
        let mut j = i + 1;
        while let Some(r) = upright.get(j) {
            if anchor.y - r.y <= LINE_TOLERANCE * anchor.size.max(r.size) {
                j += 1;
            } else {
                break;
            }
        }
        group.clear();
        group.extend(upright.get(i..j).unwrap_or(&[]));
        group.sort_by(|a, b| a.x0.total_cmp(&b.x0));
        let text = join_runs(out, &group);
        if !text.is_empty() {
            lines.push(Line { text, page: Some(page) });
        }
        i = j;
    }
    for r in out.runs.iter().filter(|r| !r.upright) {
        let t = out.run_text(r).trim();
        if !t.is_empty() {
            lines.push(Line {
                text: t.to_string(),
                page: Some(page),
            });
        }
    }
}

/// Joins the runs of one line (sorted by x): a space at a word gap unless both sides are CJK, a
/// tab at a wide gap; a run repeating the previous one at nearly the same place (fake bold) is
/// dropped.
fn join_runs(out: &PageText, runs: &[&Run]) -> String {
    let mut s = String::new();
    let mut end = f64::NEG_INFINITY;
    let mut prev: Option<&Run> = None;
    for r in runs {
        let t = out.run_text(r);
        if let Some(p) = prev {
            let em = p.size.max(r.size);
            if t == out.run_text(p) && (r.x0 - p.x0).abs() < 0.3 * em && (r.y - p.y).abs() < 0.3 * em {
                continue;
            }
            if !s.is_empty() {
                let gap = r.x0 - end;
                if gap > TAB_GAP * em {
                    s.truncate(s.trim_end().len());
                    s.push('\t');
                } else if gap > WORD_GAP * em {
                    let last = s.chars().next_back();
                    let first = t.chars().next();
                    if let (Some(l), Some(f)) = (last, first) {
                        let both_cjk = is_cjk(l) && is_cjk(f);
                        if !both_cjk && !l.is_whitespace() && !f.is_whitespace() {
                            s.push(' ');
                        }
                    }
                }
            }
        }
        if s.ends_with('\t') {
            s.push_str(t.trim_start());
        } else {
            s.push_str(t);
        }
        end = end.max(r.x1);
        prev = Some(r);
    }
    s.trim().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_parse_leniently() {
        assert_eq!(parse_number(b"12"), 12.0);
        assert_eq!(parse_number(b"-3.5"), -3.5);
        assert_eq!(parse_number(b".25"), 0.25);
        assert_eq!(parse_number(b"--4"), 4.0);
        assert_eq!(parse_number(b"5."), 5.0);
        assert_eq!(parse_number(b"1.2.3"), 1.2);
        assert!(parse_number(b"-").is_nan());
    }

    #[test]
    fn lexer_tokens() {
        let src = b"/F1 12 Tf (a\\(b\\)c) Tj <4E2D> Tj [(x) -250 (y)] TJ /N#20a Do % comment\nBT";
        let mut lex = Lexer::new(src);
        let mut scratch = Vec::new();
        let mut seen = Vec::new();
        while let Some(t) = lex.next(&mut scratch) {
            seen.push(match t {
                Tok::Op(op) => String::from_utf8_lossy(op).into_owned(),
                Tok::Operand(Operand::Num(n)) => format!("{n}"),
                Tok::Operand(Operand::Str(s) | Operand::Name(s)) => {
                    format!("<{}>", String::from_utf8_lossy(s.get(src, &scratch)))
                }
                Tok::Operand(Operand::ArrayOpen) => "[".into(),
                Tok::Operand(Operand::ArrayClose) => "]".into(),
                Tok::Operand(Operand::Other) => "?".into(),
            });
        }
        assert_eq!(
            seen.join(" "),
            "<F1> 12 Tf <a(b)c> Tj <N-> Tj [ <x> -250 <y> ] TJ <N a> Do BT"
        );
    }

    #[test]
    fn inline_image_is_skipped() {
        let src = b"BI /W 2 /H 2 /CS /G /BPC 8 ID \x00EI\x01 EI Q";
        let mut lex = Lexer::new(src);
        let mut scratch = Vec::new();
        assert!(matches!(lex.next(&mut scratch), Some(Tok::Op(b"BI"))));
        lex.skip_inline_image(&mut scratch);
        assert!(matches!(lex.next(&mut scratch), Some(Tok::Op(b"Q"))));
    }

    #[test]
    fn cjk_detection() {
        assert!(is_cjk('中'));
        assert!(is_cjk('：'));
        assert!(is_cjk('。'));
        assert!(!is_cjk('A'));
        assert!(!is_cjk('1'));
    }
}
