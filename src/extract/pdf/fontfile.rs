//! Embedded font programs as a source of text: when a font has no usable ToUnicode map, the
//! glyphs it draws can still say which characters they are. A TrueType or OpenType program's
//! Unicode `cmap` subtable, read backwards, and its `post` glyph names give each glyph id a
//! character; a CFF program's charset gives glyph names (simple fonts, non-CID CFF) or the CID of
//! each glyph (CID-keyed CFF, whose ROS names the character collection); the (3,0) symbol `cmap`,
//! the (1,0) Macintosh one or a CFF's own encoding map the one-byte codes of a symbolic simple
//! font to glyph ids.
//!
//! ttf-parser reads the `cmap` and `post` tables and CFF glyph names; the CFF header, top DICT and
//! charset are read here, in one linear pass, because CID lookups through ttf-parser cost a scan
//! of the charset per glyph. Everything is computed once, when the font is loaded, into owned
//! tables; the program itself is not kept. Programs larger than [`MAX_FONT_PROGRAM`] are not read.

use std::collections::HashMap;

use lopdf::{Dictionary, Object};
use ttf_parser::{GlyphId, PlatformId, Tag};

use super::fonts::{is_private_use, IntMap};
use super::objects::*;
use crate::extract::cmap::encodings::glyph_name_to_unicode;
use crate::extract::cmap::Collection;

/// Decoded size of an embedded font program that is read.
pub(super) const MAX_FONT_PROGRAM: usize = 32 << 20;
/// Decoded size of a `CIDToGIDMap` stream (two bytes per CID: 64 Ki CIDs need 128 KiB).
const MAX_CID_TO_GID: usize = 1 << 18;
/// Glyph-name lookups through ttf-parser's CFF charset, which scans the charset's ranges for each
/// glyph: names are read for as many glyphs as keep (glyphs × ranges) under this.
const MAX_CHARSET_WORK: usize = 20_000_000;
/// Code points of the supplementary planes looked up in a `cmap` (planes 2 and 3: the CJK
/// extensions; plane 1 holds nothing a government form writes).
const SUPPLEMENTARY: std::ops::RangeInclusive<u32> = 0x20000..=0x3134F;

/// What an embedded font program says about its glyphs.
#[derive(Debug, Default)]
pub(super) struct FontProgram {
    /// Glyph id → span of `text`.
    glyphs: IntMap<u32, (u32, u32)>,
    text: String,
    /// CID-keyed CFF: CID → glyph id.
    cid_to_gid: Option<IntMap<u32, u16>>,
    /// CID-keyed CFF: the collection its ROS names.
    pub(super) collection: Option<Collection>,
    /// Composite TrueType fonts: the `CIDToGIDMap` stream (CID → glyph id), when not Identity.
    cid_to_gid_map: Option<Vec<u16>>,
    /// Simple fonts: one-byte code → glyph id by the program's own encoding ((3,0) or (1,0)
    /// `cmap`, or the CFF encoding).
    code_to_gid: Option<Box<[u16; 256]>>,
}

enum Kind {
    /// An sfnt (TrueType, or OpenType with TrueType or CFF outlines).
    Sfnt,
    /// A bare CFF program (`FontFile3` of subtype `Type1C` or `CIDFontType0C`).
    Cff,
}

impl FontProgram {
    /// Reads the program of a font descriptor (`FontFile2`, or `FontFile3` of subtype `OpenType`,
    /// `Type1C` or `CIDFontType0C`); `cid_font` is the CIDFont dictionary of a composite font
    /// (for its `CIDToGIDMap`), `None` for a simple font. `None` when there is no readable
    /// program.
    pub(super) fn load(
        doc: &lopdf::Document,
        descriptor: &Dictionary,
        cid_font: Option<&Dictionary>,
    ) -> Option<FontProgram> {
        let (stream, kind) = if let Object::Stream(s) = get(doc, descriptor, b"FontFile2") {
            (s, Kind::Sfnt)
        } else if let Object::Stream(s) = get(doc, descriptor, b"FontFile3") {
            match get_name(doc, &s.dict, b"Subtype") {
                Some(b"OpenType") => (s, Kind::Sfnt),
                Some(b"Type1C" | b"CIDFontType0C") => (s, Kind::Cff),
                _ => return None,
            }
        } else {
            return None;
        };
        let data = decode_stream(stream, MAX_FONT_PROGRAM).ok()??;
        let mut program = match kind {
            Kind::Sfnt => FontProgram::from_sfnt(&data, cid_font.is_none()),
            Kind::Cff => FontProgram::from_cff(&data, cid_font.is_none()),
        };
        if let Some(cf) = cid_font {
            if let Object::Stream(s) = get(doc, cf, b"CIDToGIDMap") {
                if let Ok(Some(map)) = decode_stream(s, MAX_CID_TO_GID) {
                    let (pairs, _) = map.as_chunks::<2>();
                    program.cid_to_gid_map = Some(pairs.iter().map(|p| u16::from_be_bytes(*p)).collect());
                }
            }
        }
        Some(program)
    }

    /// Reads an sfnt's `cmap` (Unicode subtables backwards, and for a simple font the symbol or
    /// Macintosh subtable forwards), `post` names, and the CFF table of an OpenType program.
    pub(super) fn from_sfnt(data: &[u8], simple: bool) -> FontProgram {
        let mut p = FontProgram::default();
        let Ok(face) = ttf_parser::RawFace::parse(data, 0) else {
            return p;
        };
        let mut best: HashMap<u32, (u8, u32)> = HashMap::new();
        if let Some(cmap) = face
            .table(Tag::from_bytes(b"cmap"))
            .and_then(ttf_parser::cmap::Table::parse)
        {
            // The Unicode subtable with the widest coverage: (3,10)/(0,4+) before (3,1)/(0,*).
            let unicode = cmap
                .subtables
                .into_iter()
                .filter(|t| t.is_unicode())
                .max_by_key(|t| (full_repertoire(t), t.platform_id == PlatformId::Windows));
            if let Some(t) = unicode {
                let planes = if full_repertoire(&t) { Some(SUPPLEMENTARY) } else { None };
                for cp in (0x20..=0xFFFF).chain(planes.into_iter().flatten()) {
                    if let Some(gid) = t.glyph_index(cp) {
                        consider(&mut best, u32::from(gid.0), cp);
                    }
                }
            }
            if simple {
                let symbol = cmap
                    .subtables
                    .into_iter()
                    .find(|t| t.platform_id == PlatformId::Windows && t.encoding_id == 0);
                let mac = cmap
                    .subtables
                    .into_iter()
                    .find(|t| t.platform_id == PlatformId::Macintosh && t.encoding_id == 0);
                let mut codes = Box::new([0u16; 256]);
                for (code, slot) in (0u32..).zip(codes.iter_mut()) {
                    let by_symbol = symbol.and_then(|t| {
                        [code, 0xF000 | code, 0xF100 | code, 0xF200 | code]
                            .into_iter()
                            .find_map(|c| t.glyph_index(c))
                    });
                    if let Some(gid) = by_symbol.or_else(|| mac.and_then(|t| t.glyph_index(code))) {
                        *slot = gid.0;
                    }
                }
                if symbol.is_some() || mac.is_some() {
                    p.code_to_gid = Some(codes);
                }
            }
        }
        if let Some(post) = face.table(Tag::from_bytes(b"post")) {
            post_names(post, &mut best);
        }
        p.set_glyphs(best);
        if let Some(cff) = face.table(Tag::from_bytes(b"CFF ")) {
            let mut from_cff = FontProgram::from_cff(cff, simple);
            p.cid_to_gid = from_cff.cid_to_gid.take();
            p.collection = from_cff.collection;
            // Names in the CFF fill what the cmap left.
            for (gid, &(s, e)) in &from_cff.glyphs {
                if let (false, Some(t)) = (p.glyphs.contains_key(gid), from_cff.text.get(s as usize..e as usize)) {
                    let start = p.text.len() as u32;
                    p.text.push_str(t);
                    p.glyphs.insert(*gid, (start, p.text.len() as u32));
                }
            }
        }
        p
    }

    /// Reads a bare CFF program: its charset (glyph names, or CIDs with the ROS collection) and,
    /// for a simple font, its encoding.
    pub(super) fn from_cff(data: &[u8], simple: bool) -> FontProgram {
        let mut p = FontProgram::default();
        let Some(info) = cff_info(data) else {
            return p;
        };
        if let Some(cids) = &info.cids {
            p.collection = info.ordering.as_deref().and_then(Collection::from_ordering);
            let mut map = IntMap::default();
            for (gid, &cid) in (0u16..).zip(cids.iter()) {
                map.entry(u32::from(cid)).or_insert(gid);
            }
            p.cid_to_gid = Some(map);
            return p;
        }
        let Some(table) = ttf_parser::cff::Table::parse(data) else {
            return p;
        };
        let glyphs = usize::from(table.number_of_glyphs());
        let cap = MAX_CHARSET_WORK / info.charset_ranges.max(1);
        let mut best: HashMap<u32, (u8, u32)> = HashMap::new();
        let mut names = String::new();
        for gid in 1..glyphs.min(cap).min(usize::from(u16::MAX)) {
            let g = gid as u16;
            let Some(name) = table.glyph_name(GlyphId(g)) else {
                continue;
            };
            names.clear();
            if agl_name_to_unicode(name.as_bytes(), &mut names) {
                if let Some(c) = single(&names) {
                    consider(&mut best, u32::from(g), u32::from(c));
                }
            }
        }
        p.set_glyphs(best);
        if simple {
            let mut codes = Box::new([0u16; 256]);
            for (code, slot) in (0u8..=255).zip(codes.iter_mut()) {
                if let Some(gid) = table.glyph_index(code) {
                    *slot = gid.0;
                }
            }
            p.code_to_gid = Some(codes);
        }
        p
    }

    fn set_glyphs(&mut self, best: HashMap<u32, (u8, u32)>) {
        let mut sorted: Vec<(u32, u32)> = best.into_iter().map(|(gid, (_, cp))| (gid, cp)).collect();
        sorted.sort_unstable();
        for (gid, cp) in sorted {
            if let Some(c) = char::from_u32(cp) {
                let start = self.text.len() as u32;
                self.text.push(c);
                self.glyphs.insert(gid, (start, self.text.len() as u32));
            }
        }
    }

    /// Appends the text of a glyph id; false when the program does not say.
    pub(super) fn glyph_text(&self, gid: u32, out: &mut String) -> bool {
        match self
            .glyphs
            .get(&gid)
            .and_then(|&(s, e)| self.text.get(s as usize..e as usize))
        {
            Some(t) => {
                out.push_str(t);
                true
            }
            None => false,
        }
    }

    /// The glyph id of a CID of a composite font: through the CID-keyed CFF charset, else the
    /// `CIDToGIDMap` stream, else the CID itself (Identity).
    pub(super) fn cid_gid(&self, cid: u32) -> Option<u32> {
        if let Some(map) = &self.cid_to_gid {
            return map.get(&cid).map(|&g| u32::from(g));
        }
        if let Some(map) = &self.cid_to_gid_map {
            return map.get(cid as usize).map(|&g| u32::from(g));
        }
        Some(cid)
    }

    /// Appends the text of a CID of a composite font; false when the program does not say.
    pub(super) fn cid_text(&self, cid: u32, out: &mut String) -> bool {
        if self.cid_to_gid.is_some() {
            // A CID-keyed CFF program names no glyph: its CIDs are text only through the
            // collection its ROS names.
            if let Some(coll) = self.collection {
                return coll.cid_to_unicode(cid, out);
            }
        }
        self.cid_gid(cid)
            .is_some_and(|gid| gid != 0 && self.glyph_text(gid, out))
    }

    /// Appends the text of a simple font's one-byte code by the program's own encoding; false
    /// when the program does not say.
    pub(super) fn code_text(&self, code: u8, out: &mut String) -> bool {
        let Some(gid) = self
            .code_to_gid
            .as_ref()
            .and_then(|m| m.get(usize::from(code)).copied())
        else {
            return false;
        };
        gid != 0 && self.glyph_text(u32::from(gid), out)
    }
}

/// True for a `cmap` subtable that can hold code points beyond the BMP.
fn full_repertoire(t: &ttf_parser::cmap::Subtable) -> bool {
    use ttf_parser::cmap::Format;
    matches!(
        t.format,
        Format::SegmentedCoverage(_) | Format::ManyToOneRangeMappings(_) | Format::TrimmedArray(_)
    )
}

/// How good a code point is as the text of a glyph several code points share: ordinary
/// characters first, then compatibility forms and radicals, then private use; controls never.
fn rank(cp: u32) -> Option<u8> {
    let c = char::from_u32(cp)?;
    if c.is_control() || cp == 0xFFFD || cp == 0xFEFF {
        return None;
    }
    Some(match cp {
        _ if is_private_use(c) => 3,
        0x2E80..=0x2FDF | 0xF900..=0xFAFF | 0xFE10..=0xFE1F | 0xFE30..=0xFE4F | 0x2F800..=0x2FA1F => 2,
        _ => 1,
    })
}

/// Keeps, per glyph, the best-ranked code point (the lowest among equals).
fn consider(best: &mut HashMap<u32, (u8, u32)>, gid: u32, cp: u32) {
    if gid == 0 {
        return;
    }
    let Some(r) = rank(cp) else {
        return;
    };
    best.entry(gid)
        .and_modify(|e| {
            if (r, cp) < *e {
                *e = (r, cp);
            }
        })
        .or_insert((r, cp));
}

/// The only character of `s`.
fn single(s: &str) -> Option<char> {
    let mut chars = s.chars();
    match (chars.next(), chars.next()) {
        (Some(c), None) => Some(c),
        _ => None,
    }
}

/// A glyph name of a font program to text: Adobe Glyph List names and `uniXXXX` / `uXXXX`. The
/// short algorithmic forms a PDF's `Differences` may use (`Gxx`, `gXXXX`, `cNN`) are not taken
/// here: in a font program they number glyphs, not characters.
fn agl_name_to_unicode(name: &[u8], out: &mut String) -> bool {
    let algorithmic = matches!(name.first(), Some(b'G' | b'g' | b'c' | b'C'))
        && name.len() <= 5
        && name.iter().skip(1).all(u8::is_ascii_hexdigit);
    if algorithmic || name == b".notdef" {
        return false;
    }
    glyph_name_to_unicode(name, out)
}

/// Glyph names of a `post` table of format 2 (the standard Macintosh names below index 258 come
/// from ttf-parser; the others are read once from the table's own list).
fn post_names(data: &[u8], best: &mut HashMap<u32, (u8, u32)>) {
    let Some(table) = ttf_parser::post::Table::parse(data) else {
        return;
    };
    let be16 = |at: usize| {
        data.get(at..at + 2)
            .and_then(|b| b.try_into().ok())
            .map(u16::from_be_bytes)
    };
    let version = data.get(0..4);
    let own: Vec<&str> = table.names().take(usize::from(u16::MAX)).collect();
    let mut s = String::new();
    let mut note = |gid: u32, name: &str, best: &mut HashMap<u32, (u8, u32)>| {
        s.clear();
        if agl_name_to_unicode(name.as_bytes(), &mut s) {
            if let Some(c) = single(&s) {
                // Names rank below the cmap's code points: fill only what it left.
                if !best.contains_key(&gid) {
                    consider(best, gid, u32::from(c));
                }
            }
        }
    };
    if version == Some(&[0, 2, 0, 0]) {
        let count = be16(32).unwrap_or(0);
        for gid in 0..count {
            let Some(index) = be16(34 + 2 * usize::from(gid)) else {
                break;
            };
            let name = if index < 258 {
                table.glyph_name(GlyphId(gid))
            } else {
                own.get(usize::from(index - 258)).copied()
            };
            if let Some(name) = name {
                note(u32::from(gid), name, best);
            }
        }
    } else if version == Some(&[0, 1, 0, 0]) {
        for gid in 0..258u16 {
            if let Some(name) = table.glyph_name(GlyphId(gid)) {
                note(u32::from(gid), name, best);
            }
        }
    }
}

/// What is read here of a CFF program: for a CID-keyed one, the CID of each glyph and the ROS
/// ordering; for others, how many ranges the charset has (the cost of a name lookup).
struct CffInfo {
    cids: Option<Vec<u16>>,
    ordering: Option<Vec<u8>>,
    charset_ranges: usize,
}

/// An INDEX at `pos`: its items as (start, end) offsets into `data`, and the position after it.
fn cff_index(data: &[u8], pos: usize) -> Option<(Vec<(usize, usize)>, usize)> {
    let count = usize::from(u16::from_be_bytes([*data.get(pos)?, *data.get(pos + 1)?]));
    if count == 0 {
        return Some((Vec::new(), pos + 2));
    }
    let off_size = usize::from(*data.get(pos + 2)?);
    if !(1..=4).contains(&off_size) {
        return None;
    }
    let offsets_at = pos + 3;
    let data_at = offsets_at + (count + 1) * off_size - 1;
    let offset = |i: usize| -> Option<usize> {
        let b = data.get(offsets_at + i * off_size..offsets_at + (i + 1) * off_size)?;
        Some(b.iter().fold(0usize, |v, &x| (v << 8) | usize::from(x)))
    };
    let mut items = Vec::with_capacity(count.min(data.len()));
    let mut prev = offset(0)?;
    for i in 1..=count {
        let next = offset(i)?;
        if next < prev {
            return None;
        }
        items.push((data_at + prev, data_at + next));
        prev = next;
    }
    let end = data_at + prev;
    (end <= data.len()).then_some((items, end))
}

/// The operands of the top DICT operators read here: `charset` (15), `CharStrings` (17) and
/// `ROS` (12 30).
fn cff_top_dict(d: &[u8]) -> (Option<usize>, Option<usize>, Option<usize>) {
    let (mut charset, mut char_strings, mut ros_ordering) = (None, None, None);
    let mut operands: Vec<i64> = Vec::new();
    let mut i = 0;
    while let Some(&b) = d.get(i) {
        i += 1;
        let byte = |k: usize| d.get(k).map_or(0i64, |&v| i64::from(v));
        match b {
            0..=21 => {
                let op = if b == 12 {
                    i += 1;
                    1200 + byte(i - 1)
                } else {
                    i64::from(b)
                };
                let last = operands.last().and_then(|&v| usize::try_from(v).ok());
                match op {
                    15 => charset = last,
                    17 => char_strings = last,
                    1230 => ros_ordering = operands.get(1).and_then(|&v| usize::try_from(v).ok()),
                    _ => {}
                }
                operands.clear();
            }
            28 => {
                operands.push(i64::from(i16::from_be_bytes([byte(i) as u8, byte(i + 1) as u8])));
                i += 2;
            }
            29 => {
                let v = i32::from_be_bytes([byte(i) as u8, byte(i + 1) as u8, byte(i + 2) as u8, byte(i + 3) as u8]);
                operands.push(i64::from(v));
                i += 4;
            }
            30 => {
                // A real number: nibbles up to an 0xF nibble.
                while let Some(&n) = d.get(i) {
                    i += 1;
                    if n & 0x0F == 0x0F || n >> 4 == 0x0F {
                        break;
                    }
                }
                operands.push(0);
            }
            32..=246 => operands.push(i64::from(b) - 139),
            247..=250 => {
                operands.push((i64::from(b) - 247) * 256 + byte(i) + 108);
                i += 1;
            }
            251..=254 => {
                operands.push(-(i64::from(b) - 251) * 256 - byte(i) - 108);
                i += 1;
            }
            _ => {}
        }
        if operands.len() > 48 {
            operands.clear();
        }
    }
    (charset, char_strings, ros_ordering)
}

/// Reads a CFF program's header, top DICT and charset.
fn cff_info(data: &[u8]) -> Option<CffInfo> {
    let header_size = usize::from(*data.get(2)?);
    let (_, after_names) = cff_index(data, header_size)?;
    let (top, after_top) = cff_index(data, after_names)?;
    let (strings, _) = cff_index(data, after_top)?;
    let &(s, e) = top.first()?;
    let (charset, char_strings, ros_ordering) = cff_top_dict(data.get(s..e)?);
    let glyphs = match char_strings {
        Some(at) => cff_index(data, at)?.0.len(),
        None => 0,
    };
    // Standard strings end at SID 390; the ordering of a ROS is a custom string.
    let ordering = ros_ordering
        .and_then(|sid| sid.checked_sub(391))
        .and_then(|i| strings.get(i))
        .and_then(|&(s, e)| data.get(s..e))
        .map(<[u8]>::to_vec);
    let mut ids: Vec<u16> = vec![0];
    let mut ranges = 0usize;
    let charset_at = charset.filter(|&c| c > 2);
    if let Some(at) = charset_at {
        let format = *data.get(at)?;
        let mut pos = at + 1;
        let be16 = |p: usize| {
            data.get(p..p + 2)
                .and_then(|b| b.try_into().ok())
                .map(u16::from_be_bytes)
        };
        while ids.len() < glyphs {
            match format {
                0 => {
                    ids.push(be16(pos)?);
                    pos += 2;
                }
                1 | 2 => {
                    let first = be16(pos)?;
                    let left = if format == 1 {
                        u16::from(*data.get(pos + 2)?)
                    } else {
                        be16(pos + 2)?
                    };
                    pos += if format == 1 { 3 } else { 4 };
                    ranges += 1;
                    for k in 0..=left {
                        if ids.len() >= glyphs {
                            break;
                        }
                        ids.push(first.checked_add(k)?);
                    }
                }
                _ => return None,
            }
        }
    }
    let cid_keyed = ros_ordering.is_some();
    Some(CffInfo {
        cids: (cid_keyed && charset_at.is_some()).then_some(ids),
        ordering,
        charset_ranges: ranges,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn code_points_shared_by_a_glyph_prefer_the_ordinary_character() {
        let mut best = HashMap::new();
        consider(&mut best, 5, 0x2F00); // KANGXI RADICAL ONE
        consider(&mut best, 5, 0x4E00); // 一
        consider(&mut best, 5, 0xE000);
        consider(&mut best, 6, 0x01); // a control: never text
        consider(&mut best, 0, 0x41); // .notdef: never text
        assert_eq!(best.get(&5), Some(&(1, 0x4E00)));
        assert!(!best.contains_key(&6) && !best.contains_key(&0));
    }

    #[test]
    fn program_glyph_names_that_number_glyphs_are_not_text() {
        let mut s = String::new();
        assert!(!agl_name_to_unicode(b"g123", &mut s));
        assert!(!agl_name_to_unicode(b"G1A", &mut s));
        assert!(!agl_name_to_unicode(b".notdef", &mut s));
        assert!(agl_name_to_unicode(b"uni4E2D", &mut s));
        assert!(agl_name_to_unicode(b"comma", &mut s));
        assert_eq!(s, "中,");
    }

    #[test]
    fn garbage_programs_give_nothing() {
        for data in [
            &b""[..],
            b"\x00\x01\x00\x00",
            &[0xFF; 64],
            b"\x01\x00\x04\x01\x00\x01\x01\x01",
        ] {
            let p = FontProgram::from_sfnt(data, true);
            let mut s = String::new();
            assert!(!p.glyph_text(1, &mut s) && !p.code_text(65, &mut s));
            let p = FontProgram::from_cff(data, false);
            assert!(!p.cid_text(1, &mut s) || p.cid_to_gid.is_none());
        }
    }
}
