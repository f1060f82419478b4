//! OFD documents (GB/T 33190, the Chinese fixed-layout format of government e-documents): a zip
//! package whose pages hold positioned text (`ofd:TextCode`). The text is laid out into lines by
//! position, as for PDF.
//!
//! SPEC §6: "Text comes from … OFD (TextCode)"; SPEC §4: the title is the first non-empty line of
//! "page 1 of a PDF or OFD in reading order".
//!
//! The package is walked `OFD.xml` → `ofd:DocBody/ofd:DocRoot` (`Document.xml`) →
//! `ofd:Pages/ofd:Page@BaseLoc` (each page's `Content.xml`), with the template pages a page names
//! (`ofd:Template@TemplateID` → `ofd:CommonData/ofd:TemplatePage`) counted as part of the page.
//! Fonts are not needed: `TextCode` holds Unicode text. Every path is resolved inside the package:
//! a path that leaves it (`../../x.xml`), a file-system path or a missing part is skipped.
//!
//! Annotations (`ofd:Document/ofd:Annotations`: seals and stamps, watermarks, comments) are not
//! the document's own statements: their text goes to [`Document::annotations`], never to the
//! lines, so no title and no field comes from a seal's wording. Seals stored only in a signature
//! (`ofd:Signatures`, the seal picture inside the signed value) have no text to read.

use std::collections::{HashMap, HashSet};
use std::rc::Rc;

use quick_xml::events::{BytesStart, Event};

use super::docx::package::{attr, parent_dir, push_entity, resolve, Package, Xml};
use super::images::{self, PageImage};
use super::text::decode_xml;
use super::{DocError, Document, Line, ReadOptions};

/// Largest XML part inflated from an OFD.
pub const MAX_PART_BYTES: u64 = 64 * 1024 * 1024;

/// Most bytes inflated from one OFD, all parts together (a page part named by many pages is read
/// each time).
const MAX_TOTAL_BYTES: u64 = 512 * 1024 * 1024;

/// Most pages an OFD may list; more is [`DocError::Limit`].
pub const MAX_PAGES: usize = 10_000;

/// Most lines read from one OFD; more is [`DocError::Limit`].
const MAX_LINES: usize = 1_000_000;

/// Resource parts (`PublicRes`, `DocumentRes`, `PageRes`) read for a document or a page.
const MAX_RES_PARTS: usize = 64;

/// Most image objects remembered on one page.
const MAX_IMAGE_OBJECTS: usize = 100_000;

/// Deepest nesting of `ofd:PageBlock`s read; deeper blocks are skipped.
const MAX_PAGE_BLOCK_DEPTH: usize = 64;

/// Most glyphs on one page (its templates included); more is [`DocError::Limit`].
const MAX_GLYPHS: usize = 4_000_000;

/// Most glyphs laid out from one OFD, all pages (and the templates repeated on them) together.
const MAX_DOC_GLYPHS: usize = 16_000_000;

/// Most pages `Annotations.xml` may list (each with its annotation part); more is
/// [`DocError::Limit`].
const MAX_ANNOT_PARTS: usize = MAX_PAGES;

/// Most annotations (`ofd:Annot`) in one annotation part; more is [`DocError::Limit`].
const MAX_ANNOTS: usize = 10_000;

/// Font size (mm) assumed for a `TextObject` without a usable `Size`: a third of it (1.5 mm) is
/// the tolerance for glyphs to share a baseline.
const DEFAULT_SIZE: f64 = 4.5;

/// The page box assumed when neither the page nor the document gives one: A4 in mm.
const A4: Rect = Rect {
    x: 0.0,
    y: 0.0,
    w: 210.0,
    h: 297.0,
};

/// Reads an OFD's text: one [`Line`] per visual line, top to bottom, page by page (1-based, in
/// `ofd:Pages` order), at most `opts.max_pages` pages. Glyph runs are grouped by baseline (within
/// a third of the font size), sorted by x and joined with no space between CJK characters, one
/// space for a gap over 0.3 em otherwise, and a tab for a gap over 2 em. The annotations of the
/// pages read give [`Document::annotations`] (see `read_annotations`), page by page.
///
/// Errors: not a zip, no `OFD.xml`, no readable `Document.xml`, no pages or no readable page →
/// [`DocError::Broken`]; every page read without text and at least one of them covered by an
/// image (a scan) → [`DocError::NoTextLayer`]; a part over [`MAX_PART_BYTES`], XML nested deeper
/// than 256 elements, more than [`MAX_PAGES`] pages, too many glyphs or lines, an annotation
/// index of more than [`MAX_PAGES`] entries or an annotation part of more than 10 000
/// annotations → [`DocError::Limit`].
pub fn read_ofd(bytes: &[u8], opts: ReadOptions) -> Result<Document, DocError> {
    let mut pkg = Package::open(bytes, "OFD", MAX_PART_BYTES, MAX_TOTAL_BYTES)?;
    let (doc_path, info) = open_document(&mut pkg)?;
    let doc_dir = parent_dir(&doc_path).to_string();
    let page_count = info.pages.len();
    let to_read = opts
        .max_pages
        .map_or(page_count, |m| usize::try_from(m).unwrap_or(usize::MAX).min(page_count));

    let mut templates: HashMap<String, Option<Rc<Scan>>> = HashMap::new();
    let mut lines = Vec::new();
    let mut readable = 0usize;
    let mut any_text = false;
    let mut any_scanned = false;
    let mut glyphs_laid_out = 0usize;
    for (i, page) in info.pages.iter().take(to_read).enumerate() {
        let page_no = u32::try_from(i.saturating_add(1)).unwrap_or(u32::MAX);
        let Some(scan) = read_scan(&mut pkg, &doc_dir, page.base_loc.as_deref())? else {
            continue;
        };
        readable += 1;
        let mut glyphs = scan.glyphs;
        let mut images = scan.images;
        let mut page_box = scan.page_box;
        for t in page_templates(&mut pkg, &info, &doc_dir, page, &scan.templates, &mut templates)? {
            if glyphs.len().saturating_add(t.glyphs.len()) > MAX_GLYPHS {
                return Err(glyph_limit());
            }
            glyphs.extend(t.glyphs.iter().cloned());
            images.extend(t.images.iter().copied());
            page_box = page_box.or(t.page_box);
        }
        glyphs_laid_out = glyphs_laid_out.saturating_add(glyphs.len());
        if glyphs_laid_out > MAX_DOC_GLYPHS {
            return Err(DocError::Limit(format!("more than {MAX_DOC_GLYPHS} glyphs in the OFD")));
        }
        let has_text = glyphs.iter().any(|g| !g.ch.is_whitespace());
        if has_text {
            any_text = true;
        } else if covered(&images, page_box.or(info.page_box).unwrap_or(A4)) {
            any_scanned = true;
        }
        for text in layout(glyphs) {
            if lines.len() >= MAX_LINES {
                return Err(DocError::Limit(format!("more than {MAX_LINES} lines in the OFD")));
            }
            lines.push(Line {
                text,
                page: Some(page_no),
            });
        }
    }
    if to_read > 0 && readable == 0 {
        return Err(DocError::Broken(
            "none of the OFD's pages could be read (missing, unreadable or outside the package)".to_string(),
        ));
    }
    if !any_text && any_scanned {
        return Err(DocError::NoTextLayer);
    }
    let mut annotations = Vec::new();
    for (page, text) in read_annotations(&mut pkg, &info, &doc_dir, to_read, &mut glyphs_laid_out)? {
        if lines.len().saturating_add(annotations.len()) >= MAX_LINES {
            return Err(DocError::Limit(format!("more than {MAX_LINES} lines in the OFD")));
        }
        annotations.push(Line {
            text,
            page: Some(u32::try_from(page.saturating_add(1)).unwrap_or(u32::MAX)),
        });
    }
    Ok(Document {
        lines,
        tables: Vec::new(),
        page_count: u32::try_from(page_count).unwrap_or(u32::MAX),
        pages_read: u32::try_from(to_read).unwrap_or(u32::MAX),
        annotations,
    })
}

/// The text of the annotations on the first `to_read` pages: `ofd:Document/ofd:Annotations`
/// (`Annotations.xml`) → `ofd:Page@PageID` (an `ofd:Page@ID` of `Document.xml`) →
/// `ofd:FileLoc` (relative to the index's folder; the document's folder and the package root are
/// tried too) → `ofd:PageAnnot/ofd:Annot/ofd:Appearance`. Each annotation gives its lines
/// ([`AnnotText::lines`]); they come page by page (0-based page index here), in the index's
/// order within a page. A missing or broken index or part adds nothing; the glyphs count
/// towards `glyphs_laid_out` and [`MAX_DOC_GLYPHS`].
fn read_annotations(
    pkg: &mut Package<'_>,
    info: &DocInfo,
    doc_dir: &str,
    to_read: usize,
    glyphs_laid_out: &mut usize,
) -> Result<Vec<(usize, String)>, DocError> {
    let Some(loc) = info.annotations.as_deref() else {
        return Ok(Vec::new());
    };
    let Some((path, bytes)) = read_part(pkg, &[doc_dir, ""], loc)? else {
        return Ok(Vec::new());
    };
    let entries = match annotation_index(&decode_xml(&bytes), &path) {
        Ok(entries) => entries,
        Err(DocError::Limit(m)) => return Err(DocError::Limit(m)),
        Err(_) => return Ok(Vec::new()),
    };
    let mut pages: HashMap<&str, usize> = HashMap::new();
    for (i, page) in info.pages.iter().enumerate().take(to_read) {
        if let Some(id) = page.id.as_deref() {
            pages.entry(id).or_insert(i);
        }
    }
    let index_dir = parent_dir(&path).to_string();
    let mut out = Vec::new();
    for (page_id, file) in entries {
        let Some(&page) = pages.get(page_id.as_str()) else {
            continue;
        };
        let Some(scan) = read_scan_in(pkg, &[&index_dir, doc_dir, ""], Some(&file))? else {
            continue;
        };
        for annot in scan.annots {
            let glyphs = annot.turned.iter().map(Vec::len).sum::<usize>() + annot.upright.len();
            *glyphs_laid_out = glyphs_laid_out.saturating_add(glyphs);
            if *glyphs_laid_out > MAX_DOC_GLYPHS {
                return Err(DocError::Limit(format!("more than {MAX_DOC_GLYPHS} glyphs in the OFD")));
            }
            out.extend(annot.lines().into_iter().map(|text| (page, text)));
        }
    }
    out.sort_by_key(|(page, _)| *page);
    Ok(out)
}

/// Adds an event's character data (text, or an entity reference) to the text of the element
/// being collected, if one is; true when the event was character data.
fn element_text(event: &Event<'_>, into: Option<&mut String>) -> bool {
    match (event, into) {
        (Event::Text(t), Some(f)) => f.push_str(&t.xml10_content()),
        (Event::GeneralRef(r), Some(f)) => push_entity(r, f),
        (Event::Text(_) | Event::GeneralRef(_), None) => {}
        _ => return false,
    }
    true
}

/// The entries of an annotation index (`ofd:Annotations`): (`ofd:Page@PageID`, `ofd:FileLoc`),
/// in order, at most [`MAX_ANNOT_PARTS`] (more is [`DocError::Limit`]).
fn annotation_index(xml: &str, part: &str) -> Result<Vec<(String, String)>, DocError> {
    let mut reader = Xml::new(xml, part);
    let mut out = Vec::new();
    let mut page: Option<String> = None;
    let mut file: Option<String> = None;
    loop {
        let event = reader.next()?;
        if element_text(&event, file.as_mut()) {
            continue;
        }
        match event {
            Event::Start(e) => match e.local_name().as_ref() {
                "Page" => page = attr(&e, "PageID").map(|s| s.trim().to_string()),
                "FileLoc" if page.is_some() => file = Some(String::new()),
                _ => {}
            },
            Event::End(e) => match e.local_name().as_ref() {
                "FileLoc" => {
                    if let (Some(p), Some(f)) = (page.as_ref(), file.take()) {
                        if out.len() >= MAX_ANNOT_PARTS {
                            return Err(DocError::Limit(format!(
                                "the OFD's annotation index lists more than {MAX_ANNOT_PARTS} parts"
                            )));
                        }
                        out.push((p.clone(), f.trim().to_string()));
                    }
                }
                "Page" => page = None,
                _ => {}
            },
            Event::Eof => break,
            _ => {}
        }
    }
    Ok(out)
}

/// The template pages a page draws (named in `Document.xml` or in its content), each read once
/// per document and kept in `cache`; templates that cannot be read are left out.
fn page_templates(
    pkg: &mut Package<'_>,
    info: &DocInfo,
    doc_dir: &str,
    page: &PageRef,
    named: &[String],
    cache: &mut HashMap<String, Option<Rc<Scan>>>,
) -> Result<Vec<Rc<Scan>>, DocError> {
    let mut ids: Vec<&String> = Vec::new();
    for id in page.templates.iter().chain(named.iter()) {
        if !ids.contains(&id) {
            ids.push(id);
        }
    }
    let mut out = Vec::new();
    for id in ids {
        let template = match cache.get(id) {
            Some(t) => t.clone(),
            None => {
                let base = info.templates.get(id).map(String::as_str);
                let t = read_scan(pkg, doc_dir, base)?.map(Rc::new);
                cache.insert(id.clone(), t.clone());
                t
            }
        };
        out.extend(template);
    }
    Ok(out)
}

/// The scanned pages among the first `max_pages`: for each page whose largest `ofd:ImageObject`
/// (its own or its templates') covers at least half of the page box by its `Boundary`, the
/// image file its `ResourceID` names (an `ofd:MultiMedia` of the document's `PublicRes`,
/// `DocumentRes` or the page's `PageRes`), as [`images::decode_file`] takes it: JPEG and JPEG
/// 2000 as stored; PNG, TIFF (its first page only) and BMP decoded to gray, RGB or bilevel
/// pixels, a JBIG2 file (`.jb2`, a black-and-white scan) to bilevel. Pages whose image is
/// missing, in another format, broken or larger than [`crate::ocr::MAX_PIXELS`] are left out.
///
/// Errors as [`read_ofd`] for the package, `Document.xml` and the limits.
pub fn page_images(bytes: &[u8], max_pages: usize) -> Result<Vec<PageImage>, DocError> {
    let mut pkg = Package::open(bytes, "OFD", MAX_PART_BYTES, MAX_TOTAL_BYTES)?;
    let (doc_path, info) = open_document(&mut pkg)?;
    let doc_dir = parent_dir(&doc_path).to_string();
    let mut media: HashMap<String, String> = HashMap::new();
    for part in &info.res {
        read_res(&mut pkg, &doc_dir, part, &mut media)?;
    }
    let mut templates: HashMap<String, Option<Rc<Scan>>> = HashMap::new();
    let mut out = images::Collected::default();
    for (i, page) in info.pages.iter().take(max_pages).enumerate() {
        let Some(scan) = read_scan(&mut pkg, &doc_dir, page.base_loc.as_deref())? else {
            continue;
        };
        let mut refs = scan.image_refs.clone();
        let mut page_box = scan.page_box;
        for t in page_templates(&mut pkg, &info, &doc_dir, page, &scan.templates, &mut templates)? {
            refs.extend(t.image_refs.iter().cloned());
            page_box = page_box.or(t.page_box);
        }
        let page_rect = usable(page_box.or(info.page_box).unwrap_or(A4));
        let area = page_rect.w * page_rect.h;
        let Some((coverage, id)) = refs
            .iter()
            .map(|(r, id)| (r.overlap(&page_rect) / area, id))
            .filter(|(c, _)| c.is_finite())
            .max_by(|a, b| a.0.total_cmp(&b.0))
        else {
            continue;
        };
        if coverage < images::SCAN_COVERAGE {
            continue;
        }
        let mut local = HashMap::new();
        for part in &scan.res {
            read_res(&mut pkg, &doc_dir, part, &mut local)?;
        }
        let Some(path) = local.get(id).or_else(|| media.get(id)) else {
            continue;
        };
        let file = match pkg.read(path) {
            Ok(f) => f,
            Err(DocError::Limit(m)) => return Err(DocError::Limit(m)),
            Err(_) => continue,
        };
        let Some(image) = images::decode_file(file) else {
            continue;
        };
        out.push(i, image, coverage.min(1.0))?;
    }
    Ok(out.into_vec())
}

/// Reads a resource part (`PublicRes.xml`, `DocumentRes.xml`, a `PageRes`) and adds its
/// `ofd:MultiMedia` files to `media` (ID → path in the package). A part that is missing or
/// broken adds nothing.
fn read_res(
    pkg: &mut Package<'_>,
    doc_dir: &str,
    part: &str,
    media: &mut HashMap<String, String>,
) -> Result<(), DocError> {
    for dir in [doc_dir, ""] {
        let Some(path) = resolve(dir, part) else { continue };
        if !pkg.contains(&path) {
            continue;
        }
        let bytes = match pkg.read(&path) {
            Ok(b) => b,
            Err(DocError::Limit(m)) => return Err(DocError::Limit(m)),
            Err(_) => return Ok(()),
        };
        let Ok(found) = parse_res(&decode_xml(&bytes), &path) else {
            return Ok(());
        };
        for (id, base, file) in found {
            // The file relative to the resource folder (`Res@BaseLoc`), else to the document's
            // folder or the package root.
            let folder = base.as_deref().and_then(|b| resolve(parent_dir(&path), b));
            let candidates = [
                folder.as_deref().and_then(|f| resolve(f, &file)),
                resolve(parent_dir(&path), &file),
                resolve(doc_dir, &file),
                resolve("", &file),
            ];
            if let Some(p) = candidates.into_iter().flatten().find(|p| pkg.contains(p)) {
                media.entry(id).or_insert(p);
            }
        }
        return Ok(());
    }
    Ok(())
}

/// The `ofd:MultiMedia` entries of a resource part: (ID, the part's `BaseLoc`, `MediaFile`).
fn parse_res(xml: &str, part: &str) -> Result<Vec<(String, Option<String>, String)>, DocError> {
    let mut reader = Xml::new(xml, part);
    let mut base: Option<String> = None;
    let mut out = Vec::new();
    let mut id: Option<String> = None;
    let mut file: Option<String> = None;
    loop {
        let event = reader.next()?;
        if element_text(&event, file.as_mut()) {
            continue;
        }
        match event {
            Event::Start(e) | Event::Empty(e) => match e.local_name().as_ref() {
                "Res" => base = attr(&e, "BaseLoc").filter(|b| !b.trim().is_empty()),
                "MultiMedia" => id = attr(&e, "ID").map(|s| s.trim().to_string()),
                "MediaFile" if id.is_some() => file = Some(String::new()),
                _ => {}
            },
            Event::End(e) => match e.local_name().as_ref() {
                "MediaFile" => {
                    if let (Some(i), Some(f)) = (id.as_ref(), file.take()) {
                        out.push((i.clone(), base.clone(), f.trim().to_string()));
                    }
                }
                "MultiMedia" => id = None,
                _ => {}
            },
            Event::Eof => break,
            _ => {}
        }
    }
    Ok(out)
}

/// Reads `OFD.xml` and the first readable `Document.xml` it names: the document's path and what
/// it says. No pages is [`DocError::Broken`].
fn open_document(pkg: &mut Package<'_>) -> Result<(String, DocInfo), DocError> {
    let entry = pkg.read("OFD.xml").map_err(|e| match e {
        DocError::Limit(m) => DocError::Limit(m),
        _ => DocError::Broken("OFD.xml, the entry point of an OFD package, is missing or unreadable".to_string()),
    })?;
    let roots = doc_roots(&decode_xml(&entry))?;
    let mut document = None;
    for root in &roots {
        let Some(path) = resolve("", root) else { continue };
        match pkg.read(&path) {
            Ok(bytes) => {
                document = Some((path, bytes));
                break;
            }
            Err(DocError::Limit(m)) => return Err(DocError::Limit(m)),
            Err(_) => continue,
        }
    }
    let Some((doc_path, doc_bytes)) = document else {
        return Err(DocError::Broken(
            "OFD.xml names no readable document (ofd:DocBody/ofd:DocRoot)".to_string(),
        ));
    };
    let info = parse_document(&decode_xml(&doc_bytes), &doc_path)?;
    if info.pages.is_empty() {
        return Err(DocError::Broken(format!("{doc_path} lists no pages")));
    }
    Ok((doc_path, info))
}

fn glyph_limit() -> DocError {
    DocError::Limit(format!("more than {MAX_GLYPHS} glyphs on one OFD page"))
}

/// An axis-aligned box in mm (`x y w h`, y growing downward).
#[derive(Debug, Clone, Copy, PartialEq)]
struct Rect {
    x: f64,
    y: f64,
    w: f64,
    h: f64,
}

impl Rect {
    fn parse(s: &str) -> Option<Rect> {
        let n = numbers(s, 4);
        match n.as_slice() {
            [x, y, w, h] => Some(Rect {
                x: *x,
                y: *y,
                w: *w,
                h: *h,
            }),
            _ => None,
        }
    }

    /// The area of the overlap of two boxes (0 when they do not overlap; NaN-safe).
    fn overlap(&self, other: &Rect) -> f64 {
        let w = (self.x + self.w).min(other.x + other.w) - self.x.max(other.x);
        let h = (self.y + self.h).min(other.y + other.h) - self.y.max(other.y);
        if w > 0.0 && h > 0.0 {
            w * h
        } else {
            0.0
        }
    }
}

/// Up to `max` finite numbers of a space- (or comma-) separated list.
fn numbers(s: &str, max: usize) -> Vec<f64> {
    s.split(|c: char| c.is_whitespace() || c == ',')
        .filter(|t| !t.is_empty())
        .take(max)
        .map_while(number)
        .collect()
}

fn number(s: &str) -> Option<f64> {
    s.parse::<f64>().ok().filter(|v| v.is_finite())
}

/// Whether an image covers most (half or more) of the page: a scanned page.
fn covered(images: &[Rect], page: Rect) -> bool {
    let page = usable(page);
    let area = page.w * page.h;
    images.iter().any(|r| r.overlap(&page) >= 0.5 * area)
}

/// The page box, or A4 when it is empty or not finite.
fn usable(page: Rect) -> Rect {
    if page.w > 0.0 && page.h > 0.0 && (page.w * page.h).is_finite() {
        page
    } else {
        A4
    }
}

/// The `ofd:DocRoot` paths of `OFD.xml`, in order.
fn doc_roots(xml: &str) -> Result<Vec<String>, DocError> {
    let mut reader = Xml::new(xml, "OFD.xml");
    let mut roots = Vec::new();
    let mut current: Option<String> = None;
    loop {
        let ev = match reader.next() {
            Ok(ev) => ev,
            Err(DocError::Broken(m)) if roots.is_empty() => return Err(DocError::Broken(m)),
            Err(DocError::Broken(_)) => break,
            Err(e) => return Err(e),
        };
        match ev {
            Event::Start(e) if e.local_name().as_ref() == "DocRoot" => current = Some(String::new()),
            Event::Text(t) => {
                if let Some(c) = current.as_mut() {
                    c.push_str(&t.xml10_content());
                }
            }
            Event::GeneralRef(r) => {
                if let Some(c) = current.as_mut() {
                    push_entity(&r, c);
                }
            }
            Event::End(e) if e.local_name().as_ref() == "DocRoot" => {
                if let Some(c) = current.take() {
                    roots.push(c.trim().to_string());
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    Ok(roots)
}

/// A page as `Document.xml` lists it.
#[derive(Debug, Default)]
struct PageRef {
    /// `ofd:Page@ID`: what `Annotations.xml` names the page by.
    id: Option<String>,
    base_loc: Option<String>,
    /// Template ids named inside the `ofd:Page` element of `Document.xml` (usually they are in
    /// the page's own content part).
    templates: Vec<String>,
}

/// What `Document.xml` says.
#[derive(Debug, Default)]
struct DocInfo {
    pages: Vec<PageRef>,
    /// `ofd:CommonData/ofd:TemplatePage`: id → BaseLoc.
    templates: HashMap<String, String>,
    /// `ofd:CommonData/ofd:PageArea/ofd:PhysicalBox`: the default page box.
    page_box: Option<Rect>,
    /// `ofd:CommonData/ofd:PublicRes` and `ofd:DocumentRes`: resource parts.
    res: Vec<String>,
    /// `ofd:Annotations`: the document's annotation index (`Annotations.xml`).
    annotations: Option<String>,
}

fn parse_document(xml: &str, part: &str) -> Result<DocInfo, DocError> {
    #[derive(Clone, Copy, PartialEq, Eq)]
    enum K {
        CommonData,
        PageArea,
        PhysicalBox,
        Res,
        Annotations,
        Pages,
        Page,
        Other,
    }
    let mut reader = Xml::new(xml, part);
    let mut info = DocInfo::default();
    let mut stack: Vec<K> = Vec::new();
    let mut box_text: Option<String> = None;
    let mut res_text: Option<String> = None;
    let mut annots_text: Option<String> = None;
    loop {
        let (e, empty) = match reader.next()? {
            Event::Start(e) => (e, false),
            Event::Empty(e) => (e, true),
            Event::End(_) => match stack.pop() {
                Some(K::PhysicalBox) => {
                    if let Some(t) = box_text.take() {
                        info.page_box = Rect::parse(&t);
                    }
                    continue;
                }
                Some(K::Res) => {
                    if let Some(t) = res_text.take().filter(|t| !t.trim().is_empty()) {
                        info.res.push(t.trim().to_string());
                    }
                    continue;
                }
                Some(K::Annotations) => {
                    if let Some(t) = annots_text.take().filter(|t| !t.trim().is_empty()) {
                        info.annotations = Some(t.trim().to_string());
                    }
                    continue;
                }
                _ => continue,
            },
            Event::Text(t) => {
                if let Some(b) = box_text.as_mut() {
                    b.push_str(&t.xml10_content());
                } else if let Some(r) = res_text.as_mut() {
                    r.push_str(&t.xml10_content());
                } else if let Some(a) = annots_text.as_mut() {
                    a.push_str(&t.xml10_content());
                }
                continue;
            }
            Event::GeneralRef(r) => {
                if let Some(a) = annots_text.as_mut() {
                    push_entity(&r, a);
                }
                continue;
            }
            Event::Eof => break,
            _ => continue,
        };
        let parent = stack.last().copied();
        let kind = match e.local_name().as_ref() {
            "CommonData" => K::CommonData,
            "PageArea" if parent == Some(K::CommonData) => K::PageArea,
            "PhysicalBox" if parent == Some(K::PageArea) => {
                box_text = Some(String::new());
                K::PhysicalBox
            }
            "PublicRes" | "DocumentRes" if parent == Some(K::CommonData) && info.res.len() < MAX_RES_PARTS => {
                res_text = Some(String::new());
                K::Res
            }
            "TemplatePage" if parent == Some(K::CommonData) => {
                if let (Some(id), Some(base)) = (attr(&e, "ID"), attr(&e, "BaseLoc")) {
                    info.templates.entry(id.trim().to_string()).or_insert(base);
                }
                K::Other
            }
            // The first index only: a document has one (`ofd:Document/ofd:Annotations`).
            "Annotations" if stack.len() == 1 && info.annotations.is_none() => {
                annots_text = Some(String::new());
                K::Annotations
            }
            "Pages" => K::Pages,
            "Page" if parent == Some(K::Pages) => {
                if info.pages.len() >= MAX_PAGES {
                    return Err(DocError::Limit(format!("the OFD lists more than {MAX_PAGES} pages")));
                }
                info.pages.push(PageRef {
                    id: attr(&e, "ID").map(|s| s.trim().to_string()),
                    base_loc: attr(&e, "BaseLoc"),
                    templates: Vec::new(),
                });
                K::Page
            }
            "Template" if parent == Some(K::Page) => {
                if let (Some(page), Some(id)) = (info.pages.last_mut(), attr(&e, "TemplateID")) {
                    page.templates.push(id.trim().to_string());
                }
                K::Other
            }
            _ => K::Other,
        };
        if !empty {
            stack.push(kind);
        } else if kind == K::PhysicalBox {
            box_text = None;
        } else if kind == K::Res {
            res_text = None;
        } else if kind == K::Annotations {
            annots_text = None;
        }
    }
    Ok(info)
}

/// One positioned character, in page coordinates (mm, y downward; `y` is the baseline).
#[derive(Debug, Clone, PartialEq)]
struct Glyph {
    x: f64,
    y: f64,
    /// Width used to measure the gap to the next glyph.
    w: f64,
    /// Font size on the page.
    em: f64,
    ch: char,
}

/// What one page (or template page) content part holds.
#[derive(Debug, Default)]
struct Scan {
    glyphs: Vec<Glyph>,
    images: Vec<Rect>,
    /// `ofd:Area/ofd:PhysicalBox` of the page.
    page_box: Option<Rect>,
    /// `ofd:Template@TemplateID`s of the page.
    templates: Vec<String>,
    /// Image objects with a `ResourceID`: their Boundary and that ID.
    image_refs: Vec<(Rect, String)>,
    /// `ofd:PageRes`: the page's own resource parts.
    res: Vec<String>,
    /// The text of each `ofd:Annot` of an annotation part, in order.
    annots: Vec<AnnotText>,
}

/// The text one annotation (`ofd:Annot`) draws in its `ofd:Appearance`.
#[derive(Debug, Default)]
struct AnnotText {
    /// Glyphs of upright text objects, in page coordinates.
    upright: Vec<Glyph>,
    /// Each text object drawn turned (a CTM that rotates, shears or mirrors: a diagonal
    /// watermark, text along a seal's ring) with its glyphs in the object's own unturned frame,
    /// so that its text reads along its baseline.
    turned: Vec<Vec<Glyph>>,
}

impl AnnotText {
    /// The annotation's lines: its upright text laid out as a page's, then each turned text
    /// object's; a line equal to one before it (a watermark tiled over the page) counts once.
    fn lines(self) -> Vec<String> {
        let mut seen: HashSet<String> = HashSet::new();
        let mut out: Vec<String> = Vec::new();
        for text in layout(self.upright)
            .into_iter()
            .chain(self.turned.into_iter().flat_map(layout))
        {
            if seen.insert(text.clone()) {
                out.push(text);
            }
        }
        out
    }
}

/// Reads and scans the content part at `base_loc` (relative to the document's folder; a path
/// missing there is also tried from the package root, some producers write it so). `Ok(None)`
/// when the part is skipped: no path, outside the package, missing, unreadable or broken XML.
fn read_scan(pkg: &mut Package<'_>, doc_dir: &str, base_loc: Option<&str>) -> Result<Option<Scan>, DocError> {
    read_scan_in(pkg, &[doc_dir, ""], base_loc)
}

/// Reads and scans the part at `loc`, resolved against each of `dirs` in turn (see
/// [`read_part`]); `Ok(None)` as [`read_scan`].
fn read_scan_in(pkg: &mut Package<'_>, dirs: &[&str], loc: Option<&str>) -> Result<Option<Scan>, DocError> {
    let Some(loc) = loc else { return Ok(None) };
    let Some((path, bytes)) = read_part(pkg, dirs, loc)? else {
        return Ok(None);
    };
    match scan_content(&decode_xml(&bytes), &path) {
        Ok(scan) => Ok(Some(scan)),
        Err(DocError::Limit(m)) => Err(DocError::Limit(m)),
        Err(_) => Ok(None),
    }
}

/// The path and bytes of the part at `loc` resolved against the first of `dirs` under which the
/// package holds it. `Ok(None)` when it is outside the package, missing or unreadable; only a
/// limit is an error.
fn read_part(pkg: &mut Package<'_>, dirs: &[&str], loc: &str) -> Result<Option<(String, Vec<u8>)>, DocError> {
    let Some(path) = dirs
        .iter()
        .filter_map(|dir| resolve(dir, loc))
        .find(|path| pkg.contains(path))
    else {
        return Ok(None);
    };
    match pkg.read(&path) {
        Ok(bytes) => Ok(Some((path, bytes))),
        Err(DocError::Limit(m)) => Err(DocError::Limit(m)),
        Err(_) => Ok(None),
    }
}

/// A `TextObject` being read.
#[derive(Debug, Clone)]
struct TextCtx {
    /// The Boundary's origin on the page (the enclosing annotation appearance's origin
    /// included).
    origin: (f64, f64),
    /// `CTM` (`a b c d e f`): object space → boundary space.
    ctm: [f64; 6],
    /// Font size in object space.
    size: f64,
    /// Where a `TextCode` without `X`/`Y` starts: after the previous one.
    pen: (f64, f64),
    /// Inside an annotation, the object is drawn turned: its glyphs are kept in its own frame
    /// (see [`AnnotText::turned`]).
    turned: bool,
    /// The glyphs of a turned object, in its frame.
    frame: Vec<Glyph>,
}

/// A `TextCode` being read.
#[derive(Debug, Default)]
struct CodeBuilder {
    x: Option<f64>,
    y: Option<f64>,
    delta_x: String,
    delta_y: String,
    text: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum K {
    TextObject,
    TextCode,
    PageBlock,
    Area,
    PhysicalBox,
    PageRes,
    /// `ofd:Annot` of an annotation part.
    Annot,
    /// `ofd:Appearance` of an annotation: its objects are placed relative to its Boundary.
    Appearance,
    Other,
}

/// Collects the glyphs, images, page box and template references of a content part, or the
/// annotations' text of an annotation part (`ofd:PageAnnot`). Every `TextObject` counts, in
/// layers, `PageBlock`s and annotation `Appearance`s at any depth up to 64; `CompositeObject`s
/// are ignored, and so is an annotation marked `Visible="false"`.
fn scan_content(xml: &str, part: &str) -> Result<Scan, DocError> {
    let mut reader = Xml::new(xml, part);
    let mut st = ScanState::default();
    loop {
        match reader.next()? {
            Event::Start(e) => st.start(&e)?,
            Event::Empty(e) => {
                st.start(&e)?;
                st.end()?;
            }
            Event::End(_) => st.end()?,
            Event::Text(t) => st.text(&t.xml10_content()),
            Event::CData(t) => st.text(&t.xml10_content()),
            Event::GeneralRef(r) => {
                let mut s = String::new();
                push_entity(&r, &mut s);
                st.text(&s);
            }
            Event::Eof => break,
            _ => {}
        }
    }
    Ok(st.scan)
}

#[derive(Debug, Default)]
struct ScanState {
    stack: Vec<K>,
    skip_at: Option<usize>,
    blocks: usize,
    /// Origins of the enclosing annotation `Appearance`s.
    offsets: Vec<(f64, f64)>,
    /// Inside an `ofd:Annot`: glyphs go to the last of `scan.annots`.
    in_annot: bool,
    /// Glyphs placed so far, body and annotations together.
    glyphs: usize,
    objects: Vec<TextCtx>,
    code: Option<CodeBuilder>,
    box_text: Option<String>,
    res_text: Option<String>,
    scan: Scan,
}

impl ScanState {
    fn start(&mut self, e: &BytesStart<'_>) -> Result<(), DocError> {
        if self.skip_at.is_some() {
            self.stack.push(K::Other);
            return Ok(());
        }
        let parent = self.stack.last().copied();
        let at_root = self.stack.len() == 1;
        let mut skip = false;
        let kind = match e.local_name().as_ref() {
            "CompositeObject" => {
                skip = true;
                K::Other
            }
            "PageBlock" => {
                if self.blocks >= MAX_PAGE_BLOCK_DEPTH {
                    skip = true;
                    K::Other
                } else {
                    self.blocks += 1;
                    K::PageBlock
                }
            }
            "Annot" if parent == Some(K::Other) && at_root => {
                if attr(e, "Visible").is_some_and(|v| v.trim() == "false") {
                    skip = true;
                    K::Other
                } else if self.scan.annots.len() >= MAX_ANNOTS {
                    return Err(DocError::Limit(format!(
                        "more than {MAX_ANNOTS} annotations in one OFD annotation part"
                    )));
                } else {
                    self.scan.annots.push(AnnotText::default());
                    self.in_annot = true;
                    K::Annot
                }
            }
            "Appearance" if self.in_annot => {
                if self.offsets.len() >= MAX_PAGE_BLOCK_DEPTH {
                    skip = true;
                    K::Other
                } else {
                    let origin = attr(e, "Boundary")
                        .and_then(|b| Rect::parse(&b))
                        .map_or((0.0, 0.0), |r| (r.x, r.y));
                    self.offsets.push(origin);
                    K::Appearance
                }
            }
            "TextObject" => {
                let (ox, oy) = attr(e, "Boundary")
                    .and_then(|b| Rect::parse(&b))
                    .map_or((0.0, 0.0), |r| (r.x, r.y));
                let (ax, ay) = self
                    .offsets
                    .iter()
                    .fold((0.0, 0.0), |(x, y), (dx, dy)| (x + dx, y + dy));
                let ctm = attr(e, "CTM")
                    .and_then(|c| <[f64; 6]>::try_from(numbers(&c, 6)).ok())
                    .unwrap_or([1.0, 0.0, 0.0, 1.0, 0.0, 0.0]);
                let size = attr(e, "Size")
                    .and_then(|s| number(s.trim()))
                    .filter(|s| *s > 0.0)
                    .unwrap_or(DEFAULT_SIZE);
                self.objects.push(TextCtx {
                    origin: (ox + ax, oy + ay),
                    ctm,
                    size,
                    pen: (0.0, 0.0),
                    turned: self.in_annot && turns(&ctm),
                    frame: Vec::new(),
                });
                K::TextObject
            }
            "TextCode" if !self.objects.is_empty() => {
                self.code = Some(CodeBuilder {
                    x: attr(e, "X").and_then(|v| number(v.trim())),
                    y: attr(e, "Y").and_then(|v| number(v.trim())),
                    delta_x: attr(e, "DeltaX").unwrap_or_default(),
                    delta_y: attr(e, "DeltaY").unwrap_or_default(),
                    text: String::new(),
                });
                K::TextCode
            }
            "ImageObject" => {
                if let Some(r) = attr(e, "Boundary").and_then(|b| Rect::parse(&b)) {
                    self.scan.images.push(r);
                    if let Some(id) = attr(e, "ResourceID") {
                        if self.scan.image_refs.len() < MAX_IMAGE_OBJECTS {
                            self.scan.image_refs.push((r, id.trim().to_string()));
                        }
                    }
                }
                K::Other
            }
            "PageRes" if at_root => {
                self.res_text = Some(String::new());
                K::PageRes
            }
            "Template" if at_root => {
                if let Some(id) = attr(e, "TemplateID") {
                    self.scan.templates.push(id.trim().to_string());
                }
                K::Other
            }
            "Area" if at_root => K::Area,
            "PhysicalBox" if parent == Some(K::Area) => {
                self.box_text = Some(String::new());
                K::PhysicalBox
            }
            _ => K::Other,
        };
        self.stack.push(kind);
        if skip {
            self.skip_at = Some(self.stack.len());
        }
        Ok(())
    }

    fn text(&mut self, s: &str) {
        if self.skip_at.is_some() {
            return;
        }
        match self.stack.last() {
            Some(K::TextCode) => {
                if let Some(code) = self.code.as_mut() {
                    code.text.push_str(s);
                }
            }
            Some(K::PhysicalBox) => {
                if let Some(b) = self.box_text.as_mut() {
                    b.push_str(s);
                }
            }
            Some(K::PageRes) => {
                if let Some(r) = self.res_text.as_mut() {
                    r.push_str(s);
                }
            }
            _ => {}
        }
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
            K::PageBlock => self.blocks = self.blocks.saturating_sub(1),
            K::Annot => self.in_annot = false,
            K::Appearance => {
                self.offsets.pop();
            }
            K::TextObject => {
                if let Some(ctx) = self.objects.pop() {
                    if let Some(annot) = self.scan.annots.last_mut().filter(|_| !ctx.frame.is_empty()) {
                        annot.turned.push(ctx.frame);
                    }
                }
            }
            K::TextCode => {
                if let (Some(code), Some(ctx)) = (self.code.take(), self.objects.last_mut()) {
                    let out = if ctx.turned {
                        None
                    } else if self.in_annot {
                        self.scan.annots.last_mut().map(|a| &mut a.upright)
                    } else {
                        Some(&mut self.scan.glyphs)
                    };
                    emit(ctx, code, out, &mut self.glyphs)?;
                }
            }
            K::PhysicalBox => {
                if let Some(t) = self.box_text.take() {
                    self.scan.page_box = Rect::parse(&t);
                }
            }
            K::PageRes => {
                if let Some(t) = self.res_text.take().filter(|t| !t.trim().is_empty()) {
                    if self.scan.res.len() < MAX_RES_PARTS {
                        self.scan.res.push(t.trim().to_string());
                    }
                }
            }
            K::Area | K::Other => {}
        }
        Ok(())
    }
}

/// Places a `TextCode`'s characters: the first at (`X`, `Y`) (or where the previous `TextCode`
/// of the object ended), each next one advanced by the next `DeltaX`/`DeltaY` value. Where
/// `DeltaX` has no value for a step, the advance along x is 0 when `DeltaY` has one (text set
/// vertically) and otherwise estimated from the font size (1 em for CJK, 0.55 em otherwise).
/// Page position = Boundary origin + CTM × (x, y); a turned object's glyphs (`out` is `None`) go
/// to its own frame instead: (x, y) scaled by the CTM, not turned. `placed` counts the glyphs
/// of the part, at most [`MAX_GLYPHS`].
fn emit(
    ctx: &mut TextCtx,
    code: CodeBuilder,
    out: Option<&mut Vec<Glyph>>,
    placed: &mut usize,
) -> Result<(), DocError> {
    let count = code.text.chars().count();
    let steps = count.saturating_sub(1);
    let dx = deltas(&code.delta_x, steps);
    let dy = deltas(&code.delta_y, steps);
    let [a, b, c, d, e, f] = ctx.ctm;
    let scale_x = (a * a + b * b).sqrt();
    let scale_y = (c * c + d * d).sqrt();
    let em = ctx.size * (a * d - b * c).abs().sqrt();
    let em = if em.is_finite() && em > 0.0 { em } else { DEFAULT_SIZE };
    let mut px = code.x.unwrap_or(ctx.pen.0);
    let mut py = code.y.unwrap_or(ctx.pen.1);
    let out = match out {
        Some(o) => o,
        None => &mut ctx.frame,
    };
    let turned = ctx.turned;
    for (i, ch) in code.text.chars().enumerate() {
        let estimate = ctx.size * if crate::extract::is_cjk(ch) { 1.0 } else { 0.55 };
        let step_y = dy.get(i).copied();
        let step_x = dx.get(i).copied().or_else(|| step_y.map(|_| 0.0)).unwrap_or(estimate);
        let width = if step_x > 0.0 { step_x.min(ctx.size) } else { estimate };
        let (x, y) = if turned {
            (px * scale_x, py * scale_y)
        } else {
            (ctx.origin.0 + a * px + c * py + e, ctx.origin.1 + b * px + d * py + f)
        };
        let w = width * scale_x;
        let ch = if ch.is_whitespace() { ' ' } else { ch };
        if x.is_finite() && y.is_finite() && w.is_finite() && !ch.is_control() {
            if *placed >= MAX_GLYPHS {
                return Err(glyph_limit());
            }
            *placed += 1;
            out.push(Glyph { x, y, w, em, ch });
        }
        px += step_x;
        py += step_y.unwrap_or(0.0);
    }
    ctx.pen = (px, py);
    Ok(())
}

/// Whether a CTM turns what it draws: a rotation, shear or mirror, anything but a scale with
/// a translation.
fn turns(ctm: &[f64; 6]) -> bool {
    let [a, b, c, d, _, _] = *ctm;
    let scale = a.abs().max(d.abs());
    !(a > 0.0 && d > 0.0 && b.abs() <= 1e-6 * scale && c.abs() <= 1e-6 * scale)
}

/// The first `limit` values of a `DeltaX`/`DeltaY` list, `g N d` meaning N times d. The repeat
/// is never expanded beyond `limit`, so `g 1000000000 1` costs nothing.
fn deltas(s: &str, limit: usize) -> Vec<f64> {
    let mut out = Vec::new();
    let mut toks = s
        .split(|c: char| c.is_whitespace() || c == ',')
        .filter(|t| !t.is_empty());
    while out.len() < limit {
        let Some(tok) = toks.next() else { break };
        if let Some(rest) = tok.strip_prefix('g') {
            let count_tok = if rest.is_empty() { toks.next() } else { Some(rest) };
            let count = count_tok.and_then(number).filter(|n| *n >= 0.0);
            let value = toks.next().and_then(number);
            let (Some(count), Some(value)) = (count, value) else {
                break;
            };
            // `as` saturates: a huge count becomes usize::MAX and is cut to what is needed.
            let n = (count as usize).min(limit.saturating_sub(out.len()));
            out.extend(std::iter::repeat_n(value, n));
        } else if let Some(v) = number(tok) {
            out.push(v);
        } else {
            break;
        }
    }
    out
}

/// Lays glyphs out into lines, top to bottom: glyphs whose baselines are within a third of the
/// font size share a line.
fn layout(mut glyphs: Vec<Glyph>) -> Vec<String> {
    glyphs.sort_by(|a, b| a.y.total_cmp(&b.y).then(a.x.total_cmp(&b.x)));
    let mut out = Vec::new();
    let mut line: Vec<Glyph> = Vec::new();
    let mut base = 0.0f64;
    let mut em = 0.0f64;
    for g in glyphs {
        if !line.is_empty() && g.y - base > em.max(g.em) / 3.0 {
            if let Some(text) = join(std::mem::take(&mut line)) {
                out.push(text);
            }
        }
        if line.is_empty() {
            base = g.y;
            em = g.em;
        } else {
            em = em.max(g.em);
        }
        line.push(g);
    }
    if let Some(text) = join(line) {
        out.push(text);
    }
    out
}

/// Glyphs kept before a glyph that are compared with it to find an overdraw.
const OVERDRAW_LOOKBACK: usize = 8;

/// One line's text: glyphs in x order (a stable sort, so glyphs drawn right to left come out
/// left to right); no space between CJK characters, one space for a gap over 0.3 em otherwise, a
/// tab for a gap over 2 em. A glyph drawn again over itself (fake bold, a text drawn twice) counts
/// once: the same character within 0.15 em in both x and y of one of the last
/// [`OVERDRAW_LOOKBACK`] glyphs kept.
fn join(mut line: Vec<Glyph>) -> Option<String> {
    line.sort_by(|a, b| a.x.total_cmp(&b.x));
    let mut out = String::new();
    let mut kept: Vec<&Glyph> = Vec::new();
    for g in &line {
        let overdraw = kept.iter().rev().take(OVERDRAW_LOOKBACK).any(|k| {
            let tolerance = 0.15 * k.em.max(g.em);
            k.ch == g.ch && (g.x - k.x).abs() < tolerance && (g.y - k.y).abs() < tolerance
        });
        if overdraw {
            continue;
        }
        if let Some(p) = kept.last() {
            let em = p.em.max(g.em);
            let gap = g.x - (p.x + p.w);
            if gap > 2.0 * em {
                let kept = out.trim_end_matches(' ').len();
                out.truncate(kept);
                if !out.ends_with('\t') {
                    out.push('\t');
                }
            } else if gap > 0.3 * em
                && !(crate::extract::is_cjk(p.ch) && crate::extract::is_cjk(g.ch))
                && g.ch != ' '
                && !out.ends_with([' ', '\t'])
            {
                out.push(' ');
            }
        }
        if !(g.ch == ' ' && out.ends_with([' ', '\t'])) {
            out.push(g.ch);
        }
        kept.push(g);
    }
    let text = out.trim();
    (!text.is_empty()).then(|| text.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delta_repeat_syntax() {
        assert_eq!(deltas("g 3 10.5 2", 10), vec![10.5, 10.5, 10.5, 2.0]);
        assert_eq!(deltas("1 g2 3", 2), vec![1.0, 3.0]);
        assert_eq!(deltas("g 1000000000000 1", 3), vec![1.0; 3]);
        assert_eq!(deltas("g x 1", 3), Vec::<f64>::new());
        assert_eq!(deltas("1 NaN 2", 3), vec![1.0]);
    }

    #[test]
    fn joins_by_gap() {
        let g = |x: f64, ch: char| Glyph {
            x,
            y: 10.0,
            w: if crate::extract::is_cjk(ch) { 4.0 } else { 2.2 },
            em: 4.0,
            ch,
        };
        assert_eq!(join(vec![g(8.0, '文'), g(4.0, '中')]).as_deref(), Some("中文"));
        assert_eq!(
            join(vec![g(0.0, 'a'), g(2.2, 'b'), g(6.0, 'c')]).as_deref(),
            Some("ab c")
        );
        assert_eq!(join(vec![g(0.0, '名'), g(30.0, '值')]).as_deref(), Some("名\t值"));
        assert_eq!(join(vec![g(0.0, '粗'), g(0.1, '粗')]).as_deref(), Some("粗"));
    }

    #[test]
    fn only_true_overdraws_are_dropped() {
        let g = |x: f64, y: f64, ch: char| Glyph {
            x,
            y,
            w: 2.2,
            em: 4.0,
            ch,
        };
        // The same digit at the same x, one baseline 1 mm under the other (within a line's
        // tolerance, 4/3 mm, but not the same place): both are there.
        assert_eq!(join(vec![g(0.0, 10.0, '1'), g(0.1, 11.0, '1')]).as_deref(), Some("11"));
        // A text drawn twice, 0.05 mm apart: each glyph once, even with another glyph drawn
        // between the two copies of one.
        assert_eq!(
            join(vec![g(0.0, 10.0, 'A'), g(0.05, 10.0, 'B'), g(0.1, 10.05, 'A')]).as_deref(),
            Some("AB")
        );
        assert_eq!(
            join(vec![
                g(0.0, 10.0, '1'),
                g(2.2, 10.0, '1'),
                g(0.05, 10.0, '1'),
                g(2.25, 10.0, '1')
            ])
            .as_deref(),
            Some("11")
        );
    }

    #[test]
    fn what_turns() {
        assert!(!turns(&[1.0, 0.0, 0.0, 1.0, 20.0, 30.0]));
        assert!(!turns(&[0.3528, 0.0, 0.0, 0.3528, 0.0, 0.0]));
        assert!(turns(&[0.707, 0.707, -0.707, 0.707, 0.0, 0.0]));
        assert!(turns(&[0.0, 1.0, -1.0, 0.0, 3.3, 0.0]));
        assert!(turns(&[1.0, 0.0, 0.0, -1.0, 0.0, 0.0]));
        assert!(turns(&[0.0, 0.0, 0.0, 0.0, 0.0, 0.0]));
    }
}
