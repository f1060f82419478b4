//! Fonts: from a code in a shown string to its text and its width. Simple fonts (built-in
//! encodings, `Differences`, ToUnicode) and composite (Type0) fonts over predefined or embedded
//! CMaps, with the CID → Unicode tables of the character collections.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use lopdf::{Dictionary, Object};

use super::fontfile::FontProgram;
use super::objects::*;
use super::MAX_CMAP_BYTES;
use super::MAX_GLYPH_CACHE;
use crate::extract::cmap::encodings::{glyph_name_to_unicode, BaseEncoding};
pub(super) use crate::extract::cmap::is_private_use;
use crate::extract::cmap::{CMap, Collection, PredefinedCMap};

/// A trivial hasher for integer keys (glyph codes).
#[derive(Default)]
pub(super) struct IntHasher(u64);

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

pub(super) type IntMap<K, V> = HashMap<K, V, BuildHasherDefault<IntHasher>>;

/// How a composite font's strings split into codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Split {
    Two,
    Utf16,
    /// EUC-style: a byte ≤ 0x80 alone, else two bytes.
    Euc,
    Gb18030,
    /// By the codespace of the embedded encoding CMap, else of the vendored predefined CMap, else
    /// of the ToUnicode CMap.
    Codespace,
}

/// Where a composite font's text comes from when its ToUnicode has nothing.
#[derive(Debug, Clone, Copy)]
pub(super) enum Source {
    /// Codes are CIDs.
    Identity,
    /// Codes are UCS-2 / UTF-16BE.
    Unicode,
    /// Codes are bytes of a legacy encoding: their CIDs come from the vendored predefined CMap
    /// when there is one; `encoding` decodes them when no CID text is found (`iso2022` codes lack
    /// the high bits, as in GB-H and H).
    Legacy {
        encoding: Option<&'static encoding_rs::Encoding>,
        iso2022: bool,
    },
    /// Codes map to CIDs by the embedded encoding CMap.
    EmbeddedCid,
    Unknown,
}

/// What a predefined CMap's name says: how codes split, what they mean, the character
/// collection its CIDs belong to, and its vendored code → CID map.
#[derive(Debug, Clone, Copy)]
pub(super) struct Predefined {
    pub(super) split: Split,
    pub(super) source: Source,
    pub(super) collection: Option<Collection>,
    pub(super) cmap: Option<PredefinedCMap>,
}

/// A predefined CMap by its name (ISO 32000-1, 9.7.5.2, Table 118, with every `-V` variant read
/// as its `-H` one).
pub(super) fn predefined(name: &[u8]) -> Predefined {
    let s = String::from_utf8_lossy(name);
    let p = |split, source, collection| Predefined {
        split,
        source,
        collection,
        cmap: None,
    };
    let legacy = |encoding, iso2022| Source::Legacy {
        encoding: Some(encoding),
        iso2022,
    };
    let uni = [
        ("UniGB", Collection::Gb1),
        ("UniCNS", Collection::Cns1),
        ("UniJIS", Collection::Japan1),
        ("UniKS", Collection::Korea1),
    ]
    .iter()
    .find(|(prefix, _)| s.starts_with(prefix))
    .map(|(_, c)| *c);
    let gb1 = Some(Collection::Gb1);
    if s.starts_with("Identity-") {
        return p(Split::Two, Source::Identity, None);
    } else if s.starts_with("Uni") && s.contains("UCS2") {
        return p(Split::Two, Source::Unicode, uni);
    } else if s.starts_with("Uni") && s.contains("UTF16") {
        return p(Split::Utf16, Source::Unicode, uni);
    } else if s.starts_with("GBK2K") {
        return p(Split::Gb18030, legacy(encoding_rs::GB18030, false), gb1);
    } else if s.starts_with("GB") && (s.contains("EUC") || s.starts_with("GBK")) {
        return p(Split::Euc, legacy(encoding_rs::GBK, false), gb1);
    } else if matches!(&*s, "GB-H" | "GB-V" | "GBT-H" | "GBT-V") {
        return p(Split::Two, legacy(encoding_rs::GBK, true), gb1);
    }
    let Some(cmap) = PredefinedCMap::by_name(&s) else {
        return p(Split::Two, Source::Unknown, None);
    };
    // The encoding whose decoder stands in for a CID without text.
    let source = if s.contains("RKSJ") {
        legacy(encoding_rs::SHIFT_JIS, false)
    } else if s.contains("B5") {
        legacy(encoding_rs::BIG5, false)
    } else if s.starts_with("KSC-H") || s.starts_with("KSC-V") {
        legacy(encoding_rs::EUC_KR, true)
    } else if s.starts_with("KSC") {
        legacy(encoding_rs::EUC_KR, false)
    } else if matches!(&*s, "EUC-H" | "EUC-V") {
        legacy(encoding_rs::EUC_JP, false)
    } else if matches!(&*s, "H" | "V") {
        legacy(encoding_rs::EUC_JP, true)
    } else {
        Source::Legacy {
            encoding: None,
            iso2022: false,
        }
    };
    Predefined {
        split: Split::Codespace,
        source,
        collection: Some(cmap.collection()),
        cmap: Some(cmap),
    }
}

/// A cached glyph: its text (a span of `Font::text`) and its width in text space per unit of
/// font size.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Glyph {
    pub(super) start: u32,
    pub(super) end: u32,
    pub(super) width: f64,
}

pub(super) struct Composite {
    pub(super) split: Split,
    pub(super) source: Source,
    /// The character collection of the CIDs (from CIDSystemInfo, else from the CMap's name).
    pub(super) collection: Option<Collection>,
    pub(super) to_unicode: Option<CMap>,
    pub(super) embedded: Option<CMap>,
    /// The vendored predefined CMap named by `Encoding` (or by the embedded CMap's `usecmap`).
    pub(super) predefined: Option<PredefinedCMap>,
    /// The embedded font program, read when the ToUnicode map is missing or not usable.
    pub(super) program: Option<FontProgram>,
    /// `W`: (first CID, last CID, width in glyph units), sorted by first.
    pub(super) widths: Vec<(u32, u32, f64)>,
    pub(super) default_width: f64,
    pub(super) cache: IntMap<u64, Glyph>,
    pub(super) scratch: String,
}

pub(super) enum FontKind {
    Simple(Box<[Glyph; 256]>),
    Composite(Box<Composite>),
}

pub(super) struct Font {
    pub(super) kind: FontKind,
    pub(super) text: String,
}

/// Whether a simple font's strings are GBK although it declares a single-byte encoding: a
/// TrueType or Type1 font that is not embedded, has no ToUnicode, declares `WinAnsiEncoding` (or
/// nothing), and whose `BaseFont` is a Chinese name written in GBK (`/#B7#C2#CB#CE_GB2312`,
/// 仿宋_GB2312). Chinese office software writes such fonts with the text's GBK bytes; read as
/// WinAnsi they are Latin-1 noise that looks like text. ASCII bytes read the same either way.
fn gbk_named_simple_font(doc: &lopdf::Document, d: &Dictionary) -> bool {
    if !matches!(get_name(doc, d, b"Subtype"), Some(b"TrueType" | b"Type1")) || d.has(b"ToUnicode") {
        return false;
    }
    match get(doc, d, b"Encoding") {
        Object::Null => {}
        Object::Name(n) if n.as_slice() == b"WinAnsiEncoding" => {}
        _ => return false,
    }
    let embedded = get_dict(doc, d, b"FontDescriptor")
        .is_some_and(|fd| fd.has(b"FontFile") || fd.has(b"FontFile2") || fd.has(b"FontFile3"));
    if embedded {
        return false;
    }
    let Some(name) = get_name(doc, d, b"BaseFont") else {
        return false;
    };
    // `ABCDEF+` subset tags and `,Bold` style suffixes are not part of the family name.
    let name = match name.iter().position(|&b| b == b'+') {
        Some(6) => name.get(7..).unwrap_or_default(),
        _ => name,
    };
    let name = name.split(|&b| b == b',').next().unwrap_or_default();
    if name.is_ascii() {
        return false;
    }
    encoding_rs::GBK
        .decode_without_bom_handling_and_without_replacement(name)
        .is_some_and(|n| n.chars().any(|c| ('\u{4E00}'..='\u{9FFF}').contains(&c)))
}

/// Appends `s` to `out` without control characters, BOMs and replacement characters; a no-break
/// space becomes a space.
pub(super) fn push_clean(out: &mut String, s: &str) {
    for c in s.chars() {
        match c {
            '\u{0}'..='\u{1f}' | '\u{7f}' | '\u{feff}' | '\u{fffd}' => {}
            '\u{a0}' => out.push(' '),
            c => out.push(c),
        }
    }
}

impl Font {
    pub(super) fn load(doc: &lopdf::Document, d: &Dictionary) -> Font {
        if get_name(doc, d, b"Subtype") == Some(b"Type0") {
            Font::load_composite(doc, d)
        } else if gbk_named_simple_font(doc, d) {
            Font::load_gbk_simple()
        } else {
            Font::load_simple(doc, d)
        }
    }

    /// A simple font whose strings are GBK (see [`gbk_named_simple_font`]): read as a composite
    /// font over `GBK-EUC-H` (one byte below 0x81, else two), its CIDs in Adobe-GB1.
    fn load_gbk_simple() -> Font {
        let p = predefined(b"GBK-EUC-H");
        Font {
            kind: FontKind::Composite(Box::new(Composite {
                split: p.split,
                source: p.source,
                collection: Some(Collection::Gb1),
                to_unicode: None,
                embedded: None,
                predefined: p.cmap,
                program: None,
                widths: Vec::new(),
                default_width: 1000.0,
                cache: IntMap::default(),
                scratch: String::new(),
            })),
            text: String::new(),
        }
    }

    pub(super) fn load_simple(doc: &lopdf::Document, d: &Dictionary) -> Font {
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

        // The program's own encoding stands for codes no name covers when the font is symbolic
        // without a base encoding, or names no encoding at all (its built-in one applies).
        let has_encoding = !matches!(get(doc, d, b"Encoding"), Object::Null);
        let builtin = base.is_none() || !has_encoding;
        let needs_program =
            subtype != b"Type3" && (builtin || to_unicode.as_ref().is_some_and(CMap::has_unusable_text));
        let program = descriptor
            .filter(|_| needs_program)
            .and_then(|fd| FontProgram::load(doc, fd, None));

        let mut text = String::new();
        let mut table = Box::new([Glyph::default(); 256]);
        let mut tmp = String::new();
        for (code, slot) in table.iter_mut().enumerate() {
            tmp.clear();
            let c = code as u32;
            let found = to_unicode.as_ref().is_some_and(|m| m.lookup(c, &mut tmp));
            // A ToUnicode entry of only private-use or control characters gives way to a real
            // character from the encoding or the program, and stays when there is none.
            let mut from_to_unicode = None;
            if found && !is_real_text(&tmp) {
                from_to_unicode = Some(std::mem::take(&mut tmp));
            }
            if !found || from_to_unicode.is_some() {
                match names.get(code).copied().flatten() {
                    Some(name) => {
                        if !glyph_name_to_unicode(name, &mut tmp) && subtype == b"Type3" {
                            numeric_glyph_name(name, &mut tmp);
                        }
                    }
                    None if builtin && program.as_ref().is_some_and(|p| p.code_text(code as u8, &mut tmp)) => {}
                    None => match base {
                        Some(b) => tmp.extend(b.char_of(code as u8)),
                        // No usable map: the byte as Latin-1.
                        None if (0x20..0x7f).contains(&code) || code >= 0xa0 => tmp.push(char::from(code as u8)),
                        None => {}
                    },
                }
                if !is_real_text(&tmp) {
                    if let Some(t) = from_to_unicode.take() {
                        tmp = t;
                    }
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

    pub(super) fn load_composite(doc: &lopdf::Document, d: &Dictionary) -> Font {
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
        let ordering = descendant
            .and_then(|dd| get_dict(doc, dd, b"CIDSystemInfo"))
            .and_then(|info| match get(doc, info, b"Ordering") {
                Object::String(s, _) => Collection::from_ordering(s),
                _ => None,
            });

        let mut p = predefined(b"");
        let mut embedded = None;
        match get(doc, d, b"Encoding") {
            Object::Name(n) => p = predefined(n),
            o @ Object::Stream(_) => {
                if let Some(m) = load_cmap(doc, o) {
                    if let Some(base) = m.use_cmap() {
                        p = predefined(base.as_bytes());
                    }
                    if m.has_codespace() {
                        p.split = Split::Codespace;
                    }
                    if (m.has_codespace() || !m.is_empty()) && !matches!(p.source, Source::Unicode) {
                        p.source = Source::EmbeddedCid;
                    }
                    embedded = Some(m);
                }
            }
            _ => {}
        }
        if matches!(p.source, Source::Unknown) && to_unicode.as_ref().is_some_and(CMap::has_codespace) {
            p.split = Split::Codespace;
        }
        let needs_program = to_unicode
            .as_ref()
            .is_none_or(|m| m.is_empty() || m.has_unusable_text())
            && !matches!(p.source, Source::Unicode);
        let program = descendant
            .filter(|_| needs_program)
            .and_then(|dd| Some((dd, get_dict(doc, dd, b"FontDescriptor")?)))
            .and_then(|(dd, fd)| FontProgram::load(doc, fd, Some(dd)));
        let collection = ordering
            .or(p.collection)
            .or(program.as_ref().and_then(|p| p.collection));

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
                split: p.split,
                source: p.source,
                collection,
                to_unicode,
                embedded,
                predefined: p.cmap,
                program,
                widths,
                default_width,
                cache: IntMap::default(),
                scratch: String::new(),
            })),
            text: String::new(),
        }
    }

    /// The next code of a string: (code, length in bytes ≥ 1). `s` must not be empty.
    pub(super) fn next_code(&self, s: &[u8]) -> (u32, usize) {
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
                    Split::Codespace => c
                        .embedded
                        .as_ref()
                        .filter(|m| m.has_codespace())
                        .and_then(|m| m.code_len(s))
                        .or_else(|| c.predefined.and_then(|p| p.code_len(s)))
                        .or_else(|| c.to_unicode.as_ref().and_then(|m| m.code_len(s)))
                        .unwrap_or(2),
                }
            }
        };
        let n = n.clamp(1, s.len().max(1));
        let code = s.iter().take(n).fold(0u32, |v, &b| (v << 8) | u32::from(b));
        (code, n)
    }

    /// Appends the text of a code to `out` and returns its width (text space per unit size).
    pub(super) fn glyph(&mut self, code: u32, n: usize, out: &mut String) -> f64 {
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

pub(super) fn parse_cid_widths(doc: &lopdf::Document, w: &[Object], out: &mut Vec<(u32, u32, f64)>) {
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
    pub(super) fn resolve(&mut self, code: u32, n: usize) -> f64 {
        self.scratch.clear();
        let s = &mut self.scratch;
        let found = self.to_unicode.as_ref().is_some_and(|m| m.lookup(code, s));
        // A ToUnicode entry giving only private-use or control characters is taken as missing
        // when another source knows the character; it is kept when none does.
        let mut from_to_unicode = None;
        if found && !is_real_text(s) {
            from_to_unicode = Some(std::mem::take(s));
        }
        let mut cid = match self.source {
            Source::Identity => Some(code),
            Source::EmbeddedCid => self
                .embedded
                .as_ref()
                .and_then(|m| m.cid(code))
                .or_else(|| self.predefined.and_then(|p| p.cid(code))),
            Source::Legacy { .. } => self.predefined.and_then(|p| p.cid(code)),
            Source::Unicode | Source::Unknown => None,
        };
        if !found || from_to_unicode.is_some() {
            if let (Some(coll), Some(cid)) = (self.collection, cid) {
                coll.cid_to_unicode(cid, s);
            }
            if let (true, Some(program), Some(cid)) = (s.is_empty(), &self.program, cid) {
                program.cid_text(cid, s);
            }
            if s.is_empty() {
                match self.source {
                    Source::Unicode => {
                        let bytes = code.to_be_bytes();
                        crate::extract::cmap::push_utf16be(last_bytes(&bytes, n), s);
                    }
                    Source::Legacy {
                        encoding: Some(encoding),
                        iso2022,
                    } => {
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
                    _ => {}
                }
            }
            if !is_real_text(s) {
                if let Some(t) = from_to_unicode {
                    *s = t;
                }
            }
        }
        if cid.is_none() {
            if let Some(coll) = self.collection {
                cid = s.chars().next().and_then(|c| coll.unicode_to_cid(c));
            }
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

/// The text of a Type3 glyph name that is a character code written as a number: `/32`, `/97`,
/// or with a one- or two-letter prefix (`/g32`, `/ch97`), as poppler reads them when the name is
/// no known glyph name. Codes below 32 (controls) give nothing.
pub(super) fn numeric_glyph_name(name: &[u8], out: &mut String) -> bool {
    let digits = name.iter().position(u8::is_ascii_digit).unwrap_or(name.len());
    let (prefix, number) = name.split_at(digits);
    if prefix.len() > 2 || !prefix.iter().all(u8::is_ascii_alphabetic) {
        return false;
    }
    if number.is_empty() || number.len() > 5 || !number.iter().all(u8::is_ascii_digit) {
        return false;
    }
    let value = number.iter().fold(0u32, |v, &d| v * 10 + u32::from(d - b'0'));
    match char::from_u32(value).filter(|c| value >= 0x20 && !c.is_control()) {
        Some(c) => {
            out.push(c);
            true
        }
        None => false,
    }
}

/// True when `s` holds a character that is neither a control nor private-use (text a reader can
/// use).
pub(super) fn is_real_text(s: &str) -> bool {
    s.chars()
        .any(|c| !c.is_control() && !is_private_use(c) && c != '\u{fffd}' && c != '\u{feff}')
}

/// The last `n` bytes of `bytes` (all of them when `n` is larger): the code bytes of a big-endian
/// `u32`.
pub(super) fn last_bytes(bytes: &[u8], n: usize) -> &[u8] {
    bytes.get(bytes.len().saturating_sub(n)..).unwrap_or(bytes)
}

pub(super) fn load_cmap(doc: &lopdf::Document, o: &Object) -> Option<CMap> {
    let Object::Stream(s) = deref(doc, o) else {
        return None;
    };
    let data = decode_stream(s, MAX_CMAP_BYTES).ok()??;
    Some(CMap::parse(&data))
}

#[cfg(test)]
mod tests {
    use super::*;
    use lopdf::{dictionary, Document, Object};

    /// A Type0 font dictionary over a CIDFontType0 of `ordering`, with `W` widths.
    fn type0(encoding: &str, ordering: &str, w: Vec<Object>) -> (Document, Dictionary) {
        let doc = Document::with_version("1.7");
        let cid = dictionary! {
            "Type" => "Font",
            "Subtype" => "CIDFontType0",
            "CIDSystemInfo" => dictionary! {
                "Registry" => Object::string_literal("Adobe"),
                "Ordering" => Object::string_literal(ordering),
                "Supplement" => 0,
            },
            "DW" => 1000,
            "W" => w,
        };
        let font = dictionary! {
            "Type" => "Font",
            "Subtype" => "Type0",
            "Encoding" => Object::Name(encoding.as_bytes().to_vec()),
            "DescendantFonts" => vec![Object::Dictionary(cid)],
        };
        (doc, font)
    }

    /// The text and widths of the codes of `s` (in font units).
    fn show(font: &mut Font, s: &[u8]) -> (String, Vec<f64>) {
        let mut out = String::new();
        let mut widths = Vec::new();
        let mut rest = s;
        while !rest.is_empty() {
            let (code, n) = font.next_code(rest);
            widths.push((font.glyph(code, n, &mut out) * 1000.0).round());
            rest = rest.get(n..).unwrap_or_default();
        }
        (out, widths)
    }

    #[test]
    fn legacy_cmaps_give_cids_for_widths() {
        // 90ms-RKSJ-H sends ASCII to the half-width CIDs 231…, 90msp-RKSJ-H to the proportional
        // CIDs 1…; 日 (Shift-JIS 93FA) is CID 3284 in both.
        let w = vec![
            Object::Integer(1),
            Object::Array(vec![Object::Integer(250); 95]),
            Object::Integer(231),
            Object::Integer(325),
            Object::Integer(500),
            Object::Integer(3284),
            Object::Integer(3284),
            Object::Integer(900),
        ];
        let (doc, d) = type0("90ms-RKSJ-H", "Japan1", w.clone());
        let mut f = Font::load(&doc, &d);
        assert_eq!(show(&mut f, b"A\x93\xfa"), ("A日".to_string(), vec![500.0, 900.0]));
        let (doc, d) = type0("90msp-RKSJ-V", "Japan1", w.clone());
        let mut f = Font::load(&doc, &d);
        assert_eq!(show(&mut f, b"A\x93\xfa"), ("A日".to_string(), vec![250.0, 900.0]));
        // A Unicode CMap finds the CID through the collection's table.
        let (doc, d) = type0("UniJIS-UCS2-H", "Japan1", w);
        let mut f = Font::load(&doc, &d);
        assert_eq!(
            show(&mut f, b"\x65\xe5\x00\x41"),
            ("日A".to_string(), vec![900.0, 250.0])
        );
    }
}
