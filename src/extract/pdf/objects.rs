//! PDF objects as the reader needs them: lenient lookups through references, numbers, rectangles
//! and matrices, stream decoding within a byte limit, and the page tree with inherited attributes.

use std::collections::HashSet;

use lopdf::{Dictionary, Object, ObjectId, Stream};

use super::{DocError, MAX_PAGES};

pub(super) static NULL: Object = Object::Null;

pub(super) fn deref<'a>(doc: &'a lopdf::Document, o: &'a Object) -> &'a Object {
    doc.dereference(o).map(|(_, o)| o).unwrap_or(&NULL)
}

pub(super) fn get<'a>(doc: &'a lopdf::Document, d: &'a Dictionary, key: &[u8]) -> &'a Object {
    d.get(key).map(|o| deref(doc, o)).unwrap_or(&NULL)
}

pub(super) fn get_dict<'a>(doc: &'a lopdf::Document, d: &'a Dictionary, key: &[u8]) -> Option<&'a Dictionary> {
    match get(doc, d, key) {
        Object::Dictionary(d) => Some(d),
        _ => None,
    }
}

pub(super) fn get_name<'a>(doc: &'a lopdf::Document, d: &'a Dictionary, key: &[u8]) -> Option<&'a [u8]> {
    match get(doc, d, key) {
        Object::Name(n) => Some(n),
        _ => None,
    }
}

pub(super) fn get_array<'a>(doc: &'a lopdf::Document, d: &'a Dictionary, key: &[u8]) -> Option<&'a [Object]> {
    match get(doc, d, key) {
        Object::Array(a) => Some(a),
        _ => None,
    }
}

pub(super) fn num(doc: &lopdf::Document, o: &Object) -> Option<f64> {
    let v = match deref(doc, o) {
        Object::Integer(i) => *i as f64,
        Object::Real(r) => f64::from(*r),
        _ => return None,
    };
    v.is_finite().then_some(v)
}

pub(super) fn get_num(doc: &lopdf::Document, d: &Dictionary, key: &[u8]) -> Option<f64> {
    d.get(key).ok().and_then(|o| num(doc, o))
}

pub(super) fn nums<const N: usize>(doc: &lopdf::Document, a: &[Object]) -> Option<[f64; N]> {
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
pub(super) fn rect(doc: &lopdf::Document, o: &Object) -> Option<[f64; 4]> {
    let Object::Array(a) = deref(doc, o) else {
        return None;
    };
    let [x0, y0, x1, y1] = nums::<4>(doc, a)?;
    Some([x0.min(x1), y0.min(y1), x0.max(x1), y0.max(y1)])
}

pub(super) fn matrix(doc: &lopdf::Document, d: &Dictionary, key: &[u8]) -> Option<M> {
    let a = get_array(doc, d, key)?;
    let [a, b, c, d, e, f] = nums::<6>(doc, a)?;
    Some(M { a, b, c, d, e, f })
}

/// Decodes a stream's data within `limit` bytes: `Ok(None)` when its filters cannot be decoded,
/// `Err` when it would pass the limit. An empty filter array means no filter (lopdf would give
/// no bytes at all: a page drawn from such a stream came out empty).
pub(super) fn decode_stream(s: &Stream, limit: usize) -> Result<Option<Vec<u8>>, ()> {
    if matches!(s.dict.get(b"Filter"), Ok(Object::Array(a)) if a.is_empty()) {
        return if s.content.len() > limit {
            Err(())
        } else {
            Ok(Some(s.content.clone()))
        };
    }
    match s.decompressed_content_with_limit(limit) {
        Ok(v) => Ok(Some(v)),
        Err(lopdf::Error::Decompress(lopdf::DecompressError::MemoryLimitExceeded { .. })) => Err(()),
        Err(_) => Ok(None),
    }
}

/// Most filters of one stream that are resolved (lopdf refuses longer chains anyway).
const MAX_FILTERS: usize = 16;

/// Writes every stream's `/Filter` and `/DecodeParms` as direct objects with full filter names,
/// the form lopdf decodes. Writers also use an indirect `/Filter 3 0 R` (which lopdf reads as no
/// filter, handing back the still-compressed bytes), references inside the arrays, and the
/// inline-image abbreviations (`/Fl`, `/AHx`) on streams; each is resolved here once, right
/// after loading.
pub(super) fn normalize_filters(doc: &mut lopdf::Document) {
    let mut fixes: Vec<(ObjectId, Option<Object>, Option<Object>)> = Vec::new();
    for (id, o) in &doc.objects {
        let Object::Stream(s) = o else { continue };
        let filter = s.dict.get(b"Filter").ok().and_then(|f| resolved_filter(doc, f));
        let parms = s.dict.get(b"DecodeParms").ok().and_then(|p| resolved_parms(doc, p));
        if filter.is_some() || parms.is_some() {
            fixes.push((*id, filter, parms));
        }
    }
    for (id, filter, parms) in fixes {
        if let Some(Object::Stream(s)) = doc.objects.get_mut(&id) {
            if let Some(f) = filter {
                s.dict.set("Filter", f);
            }
            if let Some(p) = parms {
                s.dict.set("DecodeParms", p);
            }
        }
    }
}

/// The full name of a stream filter given by its name or its inline-image abbreviation.
fn full_filter_name(n: &[u8]) -> &[u8] {
    match n {
        b"Fl" => b"FlateDecode",
        b"AHx" => b"ASCIIHexDecode",
        b"A85" => b"ASCII85Decode",
        b"LZW" => b"LZWDecode",
        b"RL" => b"RunLengthDecode",
        b"CCF" => b"CCITTFaxDecode",
        b"DCT" => b"DCTDecode",
        other => other,
    }
}

/// `/Filter` rewritten when it needs it (`None` when it is already direct and full): a reference
/// resolved, references in an array resolved, abbreviations expanded.
fn resolved_filter(doc: &lopdf::Document, f: &Object) -> Option<Object> {
    let needs = |o: &Object| match o {
        Object::Reference(_) => true,
        Object::Name(n) => full_filter_name(n) != n.as_slice(),
        _ => false,
    };
    let changed = match f {
        Object::Array(a) => a.iter().any(needs),
        o => needs(o),
    };
    if !changed {
        return None;
    }
    let name = |o: &Object| match deref(doc, o) {
        Object::Name(n) => Some(Object::Name(full_filter_name(n).to_vec())),
        _ => None,
    };
    match deref(doc, f) {
        Object::Array(a) => Some(Object::Array(
            a.iter()
                .take(MAX_FILTERS)
                .map(|o| name(o).unwrap_or(Object::Null))
                .collect(),
        )),
        o => name(o),
    }
}

/// `/DecodeParms` with references resolved (`None` when it has none).
fn resolved_parms(doc: &lopdf::Document, p: &Object) -> Option<Object> {
    let is_ref = |o: &Object| matches!(o, Object::Reference(_));
    let changed = match p {
        Object::Array(a) => a.iter().any(is_ref),
        o => is_ref(o),
    };
    if !changed {
        return None;
    }
    match deref(doc, p) {
        Object::Array(a) => Some(Object::Array(
            a.iter().take(MAX_FILTERS).map(|o| deref(doc, o).clone()).collect(),
        )),
        o => Some(o.clone()),
    }
}

/// A page with its inherited attributes.
pub(super) struct PageRef<'d> {
    pub(super) dict: &'d Dictionary,
    pub(super) resources: Option<&'d Dictionary>,
    pub(super) media: [f64; 4],
    pub(super) rotate: i64,
}

#[derive(Clone, Copy)]
pub(super) struct Inherited<'d> {
    pub(super) resources: Option<&'d Dictionary>,
    pub(super) media: Option<[f64; 4]>,
    pub(super) rotate: Option<i64>,
}

impl<'d> Inherited<'d> {
    pub(super) fn update(mut self, doc: &'d lopdf::Document, d: &'d Dictionary) -> Self {
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

    pub(super) fn page(self, dict: &'d Dictionary) -> PageRef<'d> {
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
pub(super) fn collect_pages(doc: &lopdf::Document) -> Result<Vec<PageRef<'_>>, DocError> {
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

/// An affine matrix [a b c d e f]: (x, y) → (a·x + c·y + e, b·x + d·y + f).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct M {
    pub(super) a: f64,
    pub(super) b: f64,
    pub(super) c: f64,
    pub(super) d: f64,
    pub(super) e: f64,
    pub(super) f: f64,
}

impl M {
    pub(super) const ID: M = M {
        a: 1.0,
        b: 0.0,
        c: 0.0,
        d: 1.0,
        e: 0.0,
        f: 0.0,
    };

    /// `self` then `o`.
    pub(super) fn then(self, o: M) -> M {
        M {
            a: self.a * o.a + self.b * o.c,
            b: self.a * o.b + self.b * o.d,
            c: self.c * o.a + self.d * o.c,
            d: self.c * o.b + self.d * o.d,
            e: self.e * o.a + self.f * o.c + o.e,
            f: self.e * o.b + self.f * o.d + o.f,
        }
    }

    pub(super) fn apply(self, x: f64, y: f64) -> (f64, f64) {
        (x * self.a + y * self.c + self.e, x * self.b + y * self.d + self.f)
    }

    pub(super) fn finite(self) -> bool {
        [self.a, self.b, self.c, self.d, self.e, self.f]
            .iter()
            .all(|v| v.is_finite())
    }

    /// A translation by (tx, ty) in this matrix's space.
    pub(super) fn translated(self, tx: f64, ty: f64) -> M {
        M {
            e: tx * self.a + ty * self.c + self.e,
            f: tx * self.b + ty * self.d + self.f,
            ..self
        }
    }

    /// The display rotation of a page's /Rotate (clockwise, multiples of 90°).
    pub(super) fn rotation(rotate: i64) -> M {
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

/// PDFDocEncoding's characters for 0x80–0xA0 where they differ from Latin-1 (ISO 32000-1,
/// Annex D.2); 0x9F is undefined.
const PDF_DOC_HIGH: [char; 33] = [
    '\u{2022}', '\u{2020}', '\u{2021}', '\u{2026}', '\u{2014}', '\u{2013}', '\u{0192}', '\u{2044}', '\u{2039}',
    '\u{203A}', '\u{2212}', '\u{2030}', '\u{201E}', '\u{201C}', '\u{201D}', '\u{2018}', '\u{2019}', '\u{201A}',
    '\u{2122}', '\u{FB01}', '\u{FB02}', '\u{0141}', '\u{0152}', '\u{0160}', '\u{0178}', '\u{017D}', '\u{0131}',
    '\u{0142}', '\u{0153}', '\u{0161}', '\u{017E}', '\u{FFFD}', '\u{20AC}',
];

/// A PDF text string (ISO 32000-1, 7.9.2.2) as text: UTF-16BE after its byte-order mark (also
/// the little-endian mark some writers use), UTF-8 after its mark (PDF 2.0), else PDFDocEncoding.
pub(super) fn text_string(b: &[u8]) -> String {
    let mut out = String::new();
    match b {
        [0xFE, 0xFF, rest @ ..] => crate::extract::cmap::push_utf16be(rest, &mut out),
        [0xFF, 0xFE, rest @ ..] => {
            let swapped: Vec<u8> = rest.chunks(2).flat_map(|c| c.iter().rev().copied()).collect();
            crate::extract::cmap::push_utf16be(&swapped, &mut out);
        }
        [0xEF, 0xBB, 0xBF, rest @ ..] => out.push_str(&String::from_utf8_lossy(rest)),
        _ => out.extend(b.iter().map(|&c| match c {
            0x80..=0xA0 => PDF_DOC_HIGH.get(usize::from(c - 0x80)).copied().unwrap_or('\u{FFFD}'),
            c => char::from(c),
        })),
    }
    out
}
