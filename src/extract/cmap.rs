//! Character maps of PDF fonts: a lenient parser of CMap files (ToUnicode maps and embedded
//! encoding CMaps: codespace ranges of 1–4 byte codes, `bfchar`, `bfrange` in both forms,
//! `cidchar`, `cidrange`); the CID → Unicode tables of Adobe's four CJK character collections
//! (GB1, CNS1, Japan1, Korea1) and the predefined legacy-encoding CMaps of the last three, all
//! vendored from poppler-data and parsed on first use (Adobe's BSD licence, see `cmaps/NOTICE`).
//!
//! Parsing never fails: whatever cannot be read is skipped, and a map that held nothing usable is
//! simply empty. Lookups append to a caller's `String` so that a text extractor allocates nothing
//! per glyph.

use std::collections::HashMap;
use std::sync::{LazyLock, OnceLock};

#[path = "cmaps/encodings.rs"]
pub mod encodings;

/// Codes are at most 4 bytes long (ISO 32000-1, 9.7.6.2).
const MAX_CODE_LEN: usize = 4;
/// A destination longer than this is cut (real ones are 2–16 bytes).
const MAX_DST_LEN: usize = 32;

#[derive(Debug, Clone, Copy)]
struct CodeRange {
    len: u8,
    lo: [u8; MAX_CODE_LEN],
    hi: [u8; MAX_CODE_LEN],
}

#[derive(Debug, Clone, Copy)]
struct BfRange {
    lo: u32,
    hi: u32,
    /// The first destination, UTF-16BE bytes in `CMap::dst`.
    dst_start: u32,
    dst_len: u8,
}

/// A parsed CMap.
#[derive(Debug, Clone, Default)]
pub struct CMap {
    codespace: Vec<CodeRange>,
    /// `bfchar` (and expanded array-form `bfrange`) targets: code → span of `text`.
    singles: HashMap<u32, (u32, u32)>,
    /// `bfrange` with an incrementing destination, sorted by `lo`.
    ranges: Vec<BfRange>,
    text: String,
    dst: Vec<u8>,
    cid_singles: HashMap<u32, u32>,
    /// `cidrange`: (lo, hi, first CID), sorted by `lo`.
    cid_ranges: Vec<(u32, u32, u32)>,
    use_cmap: Option<String>,
}

impl CMap {
    /// Parses a CMap leniently (garbage between entries is skipped).
    pub fn parse(bytes: &[u8]) -> CMap {
        let mut map = CMap::default();
        let mut lex = Lexer { b: bytes, pos: 0 };
        let mut section = Section::None;
        let mut pending: Vec<Item> = Vec::new();
        let mut last_name: Option<Vec<u8>> = None;
        while let Some(tok) = lex.next() {
            match tok {
                Tok::Keyword(kw) => {
                    pending.clear();
                    section = match kw {
                        b"begincodespacerange" => Section::Codespace,
                        b"beginbfchar" => Section::BfChar,
                        b"beginbfrange" => Section::BfRange,
                        b"begincidchar" => Section::CidChar,
                        b"begincidrange" => Section::CidRange,
                        b"usecmap" => {
                            if let Some(name) = last_name.take() {
                                map.use_cmap = Some(String::from_utf8_lossy(&name).into_owned());
                            }
                            Section::None
                        }
                        // Garbage inside a section drops the entry in progress, not the section.
                        _ if !kw.starts_with(b"begin") && !kw.starts_with(b"end") => section,
                        _ => Section::None,
                    };
                }
                Tok::Name(n) => {
                    last_name = Some(n.to_vec());
                    if section != Section::None {
                        pending.push(Item::Name(n.to_vec()));
                    }
                }
                Tok::Hex(h) => {
                    if section != Section::None {
                        pending.push(Item::Hex(h));
                    }
                }
                Tok::Str(s) => {
                    if section != Section::None {
                        pending.push(Item::Hex(s));
                    }
                }
                Tok::Num(n) => {
                    if section != Section::None {
                        pending.push(Item::Num(n));
                    }
                }
                Tok::ArrayOpen => {
                    if section == Section::BfRange {
                        let mut items = Vec::new();
                        while let Some(t) = lex.next() {
                            match t {
                                Tok::Hex(h) | Tok::Str(h) => items.push(Item::Hex(h)),
                                Tok::Name(n) => items.push(Item::Name(n.to_vec())),
                                Tok::ArrayClose => break,
                                _ => {}
                            }
                        }
                        pending.push(Item::Array(items));
                    }
                }
                Tok::ArrayClose | Tok::Other => {}
            }
            map.take_entry(section, &mut pending);
        }
        map.ranges.sort_by_key(|r| r.lo);
        map.cid_ranges.sort_by_key(|r| r.0);
        map
    }

    /// Consumes a complete entry of `section` from `pending`, if there is one.
    fn take_entry(&mut self, section: Section, pending: &mut Vec<Item>) {
        let need = match section {
            Section::None => {
                pending.clear();
                return;
            }
            Section::Codespace | Section::BfChar | Section::CidChar => 2,
            Section::BfRange | Section::CidRange => 3,
        };
        if pending.len() < need {
            // The source of every entry is a code; anything else first is garbage.
            if matches!(pending.first(), Some(Item::Num(_) | Item::Array(_) | Item::Name(_))) {
                pending.clear();
            }
            return;
        }
        match (section, &pending[..]) {
            (Section::Codespace, [Item::Hex(lo), Item::Hex(hi)]) => self.add_codespace(lo, hi),
            (Section::BfChar, [Item::Hex(src), dst]) => {
                if let Some(code) = code_value(src) {
                    let start = self.text.len();
                    match dst {
                        Item::Hex(d) => push_utf16be(dst_head(d), &mut self.text),
                        Item::Name(n) => {
                            encodings::glyph_name_to_unicode(n, &mut self.text);
                        }
                        _ => {}
                    }
                    self.add_single(code, start);
                }
            }
            (Section::BfRange, [Item::Hex(lo), Item::Hex(hi), dst]) => {
                if let (Some(lo), Some(hi)) = (code_value(lo), code_value(hi)) {
                    if lo <= hi {
                        self.add_bfrange(lo, hi, dst);
                    }
                }
            }
            (Section::CidChar, [Item::Hex(src), Item::Num(cid)]) => {
                if let (Some(code), Ok(cid)) = (code_value(src), u32::try_from(*cid)) {
                    self.cid_singles.insert(code, cid);
                }
            }
            (Section::CidRange, [Item::Hex(lo), Item::Hex(hi), Item::Num(cid)]) => {
                if let (Some(lo), Some(hi), Ok(cid)) = (code_value(lo), code_value(hi), u32::try_from(*cid)) {
                    if lo <= hi {
                        self.cid_ranges.push((lo, hi, cid));
                    }
                }
            }
            _ => {}
        }
        pending.clear();
    }

    fn add_codespace(&mut self, lo: &[u8], hi: &[u8]) {
        if lo.is_empty() || lo.len() > MAX_CODE_LEN || lo.len() != hi.len() {
            return;
        }
        let mut r = CodeRange {
            len: lo.len() as u8,
            lo: [0; MAX_CODE_LEN],
            hi: [0; MAX_CODE_LEN],
        };
        // Both are at most MAX_CODE_LEN long (checked above).
        for (to, from) in r.lo.iter_mut().zip(lo) {
            *to = *from;
        }
        for (to, from) in r.hi.iter_mut().zip(hi) {
            *to = *from;
        }
        self.codespace.push(r);
    }

    fn add_single(&mut self, code: u32, start: usize) {
        let (Ok(s), Ok(e)) = (u32::try_from(start), u32::try_from(self.text.len())) else {
            return;
        };
        self.singles.insert(code, (s, e));
    }

    fn add_bfrange(&mut self, lo: u32, hi: u32, dst: &Item) {
        match dst {
            Item::Hex(d) if !d.is_empty() => {
                let d = dst_head(d);
                let Ok(dst_start) = u32::try_from(self.dst.len()) else {
                    return;
                };
                self.dst.extend_from_slice(d);
                self.ranges.push(BfRange {
                    lo,
                    hi,
                    dst_start,
                    dst_len: d.len() as u8,
                });
            }
            Item::Array(items) => {
                for (code, item) in (lo..=hi).zip(items) {
                    let start = self.text.len();
                    match item {
                        Item::Hex(d) => push_utf16be(dst_head(d), &mut self.text),
                        Item::Name(n) => {
                            encodings::glyph_name_to_unicode(n, &mut self.text);
                        }
                        _ => {}
                    }
                    self.add_single(code, start);
                }
            }
            _ => {}
        }
    }

    /// True when the map holds no code → text or code → CID entry.
    pub fn is_empty(&self) -> bool {
        self.singles.is_empty() && self.ranges.is_empty() && self.cid_singles.is_empty() && self.cid_ranges.is_empty()
    }

    /// True when some entry gives no usable character: only private-use code points or
    /// controls (a subset font's glyph numbers written as text), or nothing at all.
    pub fn has_unusable_text(&self) -> bool {
        let usable = |t: &str| t.chars().any(|c| !c.is_control() && !is_private_use(c));
        let singles = self
            .singles
            .values()
            .any(|&(s, e)| !self.text.get(s as usize..e as usize).is_some_and(usable));
        let mut t = String::new();
        let ranges = self.ranges.iter().any(|r| {
            t.clear();
            self.lookup(r.lo, &mut t) && !usable(&t)
        });
        singles || ranges
    }

    /// True when the map has codespace ranges (and so can split a string into codes).
    pub fn has_codespace(&self) -> bool {
        !self.codespace.is_empty()
    }

    /// The name given to `usecmap`, if any (a CMap built on another one).
    pub fn use_cmap(&self) -> Option<&str> {
        self.use_cmap.as_deref()
    }

    /// The length in bytes (1–4) of the code at the start of `bytes`, by the codespace ranges;
    /// `None` when the map has no codespace or `bytes` is empty. A byte sequence in no range is
    /// taken as a 1-byte code (as pdf.js does).
    pub fn code_len(&self, bytes: &[u8]) -> Option<usize> {
        if self.codespace.is_empty() || bytes.is_empty() {
            return None;
        }
        for n in 1..=MAX_CODE_LEN.min(bytes.len()) {
            let hit = self.codespace.iter().any(|r| {
                usize::from(r.len) == n
                    && bytes
                        .iter()
                        .zip(r.lo.iter().zip(r.hi.iter()))
                        .take(n)
                        .all(|(b, (lo, hi))| lo <= b && b <= hi)
            });
            if hit {
                return Some(n);
            }
        }
        Some(1)
    }

    /// Appends the text of `code` to `out`; false when the map has no entry for it.
    pub fn lookup(&self, code: u32, out: &mut String) -> bool {
        if let Some(&(s, e)) = self.singles.get(&code) {
            if let Some(t) = self.text.get(s as usize..e as usize) {
                out.push_str(t);
            }
            return true;
        }
        let Some(r) = find_range(&self.ranges, code, |r| (r.lo, r.hi)) else {
            return false;
        };
        let start = r.dst_start as usize;
        let Some(dst) = self.dst.get(start..start + usize::from(r.dst_len)) else {
            return false;
        };
        let mut buf = [0u8; MAX_DST_LEN];
        // `dst_len` is at most MAX_DST_LEN (see `dst_head`).
        let Some(buf) = buf.get_mut(..dst.len()) else {
            return false;
        };
        buf.copy_from_slice(dst);
        add_to_tail(buf, code - r.lo);
        if let [b] = *buf {
            // A one-byte destination is taken as a code point (broken generators write `<20>`).
            out.push(char::from(b));
        } else {
            push_utf16be(buf, out);
        }
        true
    }

    /// The CID of `code` by the map's `cidchar`/`cidrange` entries.
    pub fn cid(&self, code: u32) -> Option<u32> {
        if let Some(&cid) = self.cid_singles.get(&code) {
            return Some(cid);
        }
        let &(lo, _, first) = find_range(&self.cid_ranges, code, |r| (r.0, r.1))?;
        first.checked_add(code - lo)
    }
}

/// The range holding `code` in a list sorted by its low end (the latest-starting one when ranges
/// overlap).
fn find_range<T>(ranges: &[T], code: u32, bounds: impl Fn(&T) -> (u32, u32)) -> Option<&T> {
    let end = ranges.partition_point(|r| bounds(r).0 <= code);
    // Overlaps are rare; look back a few ranges for one that still covers the code.
    ranges.get(..end).unwrap_or(ranges).iter().rev().take(8).find(|r| {
        let (lo, hi) = bounds(r);
        lo <= code && code <= hi
    })
}

/// Adds `n` to the big-endian number in the last (up to 4) bytes of `buf`.
fn add_to_tail(buf: &mut [u8], n: u32) {
    let tail_start = buf.len().saturating_sub(4);
    let Some(tail) = buf.get_mut(tail_start..) else {
        return;
    };
    let mut v: u64 = 0;
    for &b in tail.iter() {
        v = (v << 8) | u64::from(b);
    }
    v = v.wrapping_add(u64::from(n));
    for (i, b) in tail.iter_mut().rev().enumerate() {
        *b = (v >> (8 * i)) as u8;
    }
}

/// The first MAX_DST_LEN bytes of a destination string (all of a shorter one).
fn dst_head(d: &[u8]) -> &[u8] {
    d.get(..MAX_DST_LEN).unwrap_or(d)
}

/// A code's value from its bytes (big-endian), `None` for an empty or over-long code.
fn code_value(bytes: &[u8]) -> Option<u32> {
    if bytes.is_empty() || bytes.len() > MAX_CODE_LEN {
        return None;
    }
    Some(bytes.iter().fold(0u32, |v, &b| (v << 8) | u32::from(b)))
}

/// True for the private-use code points (the BMP area and planes 15 and 16).
pub fn is_private_use(c: char) -> bool {
    matches!(c, '\u{E000}'..='\u{F8FF}' | '\u{F0000}'..='\u{10FFFF}')
}

/// Appends UTF-16BE text to `out`, dropping unpaired surrogates (an odd last byte is dropped).
pub fn push_utf16be(bytes: &[u8], out: &mut String) {
    let (pairs, _) = bytes.as_chunks::<2>();
    let units = pairs.iter().map(|c| u16::from_be_bytes(*c));
    out.extend(char::decode_utf16(units).filter_map(Result::ok));
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Section {
    None,
    Codespace,
    BfChar,
    BfRange,
    CidChar,
    CidRange,
}

#[derive(Debug)]
enum Item {
    Hex(Vec<u8>),
    Name(Vec<u8>),
    Num(i64),
    Array(Vec<Item>),
}

enum Tok<'a> {
    Hex(Vec<u8>),
    Str(Vec<u8>),
    Name(&'a [u8]),
    Num(i64),
    Keyword(&'a [u8]),
    ArrayOpen,
    ArrayClose,
    Other,
}

/// The PostScript-like tokens of a CMap file.
struct Lexer<'a> {
    b: &'a [u8],
    pos: usize,
}

fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\r' | b'\n' | b'\x0c' | b'\0')
}

fn is_delim(b: u8) -> bool {
    matches!(b, b'(' | b')' | b'<' | b'>' | b'[' | b']' | b'{' | b'}' | b'/' | b'%')
}

impl<'a> Lexer<'a> {
    fn peek(&self) -> Option<u8> {
        self.b.get(self.pos).copied()
    }

    fn regular_run(&mut self) -> &'a [u8] {
        let start = self.pos;
        while let Some(c) = self.peek() {
            if is_space(c) || is_delim(c) {
                break;
            }
            self.pos += 1;
        }
        self.b.get(start..self.pos).unwrap_or_default()
    }

    fn next(&mut self) -> Option<Tok<'a>> {
        loop {
            let c = self.peek()?;
            if is_space(c) {
                self.pos += 1;
                continue;
            }
            if c == b'%' {
                while let Some(c) = self.peek() {
                    if c == b'\n' || c == b'\r' {
                        break;
                    }
                    self.pos += 1;
                }
                continue;
            }
            break;
        }
        let c = self.peek()?;
        self.pos += 1;
        Some(match c {
            b'<' => {
                if self.peek() == Some(b'<') {
                    self.pos += 1;
                    return Some(Tok::Other);
                }
                let mut out = Vec::new();
                let mut half: Option<u8> = None;
                while let Some(c) = self.peek() {
                    self.pos += 1;
                    if c == b'>' {
                        break;
                    }
                    let Some(v) = hex_val(c) else { continue };
                    match half.take() {
                        Some(h) => out.push((h << 4) | v),
                        None => half = Some(v),
                    }
                }
                if let Some(h) = half {
                    out.push(h << 4);
                }
                Tok::Hex(out)
            }
            b'>' => {
                if self.peek() == Some(b'>') {
                    self.pos += 1;
                }
                Tok::Other
            }
            b'(' => {
                let mut out = Vec::new();
                let mut depth = 1usize;
                while let Some(c) = self.peek() {
                    self.pos += 1;
                    match c {
                        b'\\' => {
                            let Some(e) = self.peek() else { break };
                            self.pos += 1;
                            match e {
                                b'n' => out.push(b'\n'),
                                b'r' => out.push(b'\r'),
                                b't' => out.push(b'\t'),
                                b'b' => out.push(8),
                                b'f' => out.push(12),
                                b'0'..=b'7' => {
                                    let mut v = u32::from(e - b'0');
                                    for _ in 0..2 {
                                        match self.peek() {
                                            Some(d @ b'0'..=b'7') => {
                                                v = v * 8 + u32::from(d - b'0');
                                                self.pos += 1;
                                            }
                                            _ => break,
                                        }
                                    }
                                    out.push(v as u8);
                                }
                                b'\r' | b'\n' => {}
                                other => out.push(other),
                            }
                        }
                        b'(' => {
                            depth += 1;
                            out.push(c);
                        }
                        b')' => {
                            depth -= 1;
                            if depth == 0 {
                                break;
                            }
                            out.push(c);
                        }
                        _ => out.push(c),
                    }
                }
                Tok::Str(out)
            }
            b'/' => Tok::Name(self.regular_run()),
            b'[' => Tok::ArrayOpen,
            b']' => Tok::ArrayClose,
            b'{' | b'}' | b')' => Tok::Other,
            _ => {
                self.pos -= 1;
                let run = self.regular_run();
                if run.is_empty() {
                    self.pos += 1;
                    return Some(Tok::Other);
                }
                match std::str::from_utf8(run).ok().and_then(|s| s.parse::<i64>().ok()) {
                    Some(n) => Tok::Num(n),
                    None => Tok::Keyword(run),
                }
            }
        })
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

/// One of Adobe's public character collections: the CIDs of a CID-keyed font whose
/// CIDSystemInfo names it, or that a predefined CMap of the collection produces.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Collection {
    /// Simplified Chinese (GB 2312, GBK, GB 18030).
    Gb1,
    /// Traditional Chinese (Big Five, CNS 11643, with the Hong Kong HKSCS additions).
    Cns1,
    /// Japanese (JIS X 0208, Shift-JIS).
    Japan1,
    /// Korean (KS X 1001, Unified Hangul Code).
    Korea1,
}

impl Collection {
    /// The collection of a CIDSystemInfo `Ordering` string.
    pub fn from_ordering(ordering: &[u8]) -> Option<Collection> {
        match ordering {
            b"GB1" => Some(Collection::Gb1),
            b"CNS1" => Some(Collection::Cns1),
            b"Japan1" => Some(Collection::Japan1),
            b"Korea1" => Some(Collection::Korea1),
            _ => None,
        }
    }

    fn table(self) -> &'static CidTable {
        match self {
            Collection::Gb1 => &GB1,
            Collection::Cns1 => &CNS1,
            Collection::Japan1 => &JAPAN1,
            Collection::Korea1 => &KOREA1,
        }
    }

    /// Appends the Unicode text of a CID of the collection to `out`; false when the CID has
    /// none (CID 0, `.notdef`, never has).
    pub fn cid_to_unicode(self, cid: u32, out: &mut String) -> bool {
        self.table().cid_to_unicode(cid, out)
    }

    /// The CID of a character (the lowest when several CIDs show it), as the collection's
    /// predefined Unicode CMaps (`UniGB-UCS2-H`, `UniJIS-UCS2-H`, …) give it.
    pub fn unicode_to_cid(self, c: char) -> Option<u32> {
        self.table().from_unicode.get(&u32::from(c)).copied()
    }
}

/// A character collection's CID → Unicode table and its inverse.
struct CidTable {
    /// Per CID: a code point, `MULTI | index` into `multi`, or 0 for none.
    to_unicode: Vec<u32>,
    multi: Vec<String>,
    /// Unicode scalar → the lowest CID that maps to it alone.
    from_unicode: HashMap<u32, u32>,
}

const MULTI: u32 = 0x8000_0000;
/// The largest CID of the collections is below 31 000 (Adobe-GB1-5 ends at 30283); a table is not
/// grown past this for a broken entry.
const MAX_COLLECTION_CID: u32 = 0xFFFF;

static GB1: LazyLock<CidTable> = LazyLock::new(|| CidTable::parse(include_bytes!("cmaps/Adobe-GB1-UCS2")));
static CNS1: LazyLock<CidTable> = LazyLock::new(|| CidTable::parse(include_bytes!("cmaps/Adobe-CNS1-UCS2")));
static JAPAN1: LazyLock<CidTable> = LazyLock::new(|| CidTable::parse(include_bytes!("cmaps/Adobe-Japan1-UCS2")));
static KOREA1: LazyLock<CidTable> = LazyLock::new(|| CidTable::parse(include_bytes!("cmaps/Adobe-Korea1-UCS2")));

impl CidTable {
    /// Builds the table from a poppler-data `Adobe-*-UCS2` CMap (CID → UTF-16 `bfchar`/`bfrange`).
    fn parse(src: &[u8]) -> CidTable {
        let map = CMap::parse(src);
        let max = map
            .singles
            .keys()
            .copied()
            .chain(map.ranges.iter().map(|r| r.hi))
            .max()
            .unwrap_or(0)
            .min(MAX_COLLECTION_CID);
        let mut table = CidTable {
            to_unicode: vec![0; max as usize + 1],
            multi: Vec::new(),
            from_unicode: HashMap::new(),
        };
        let mut s = String::new();
        // CID 0 is .notdef: it stands for no text.
        for cid in 1..=max {
            s.clear();
            if !map.lookup(cid, &mut s) || s.is_empty() {
                continue;
            }
            let mut chars = s.chars();
            let value = match (chars.next(), chars.next()) {
                (Some(c), None) => {
                    table.from_unicode.entry(u32::from(c)).or_insert(cid);
                    u32::from(c)
                }
                _ => {
                    table.multi.push(s.clone());
                    MULTI | (table.multi.len() - 1) as u32
                }
            };
            if let Some(slot) = table.to_unicode.get_mut(cid as usize) {
                *slot = value;
            }
        }
        table
    }

    fn cid_to_unicode(&self, cid: u32, out: &mut String) -> bool {
        let Some(&v) = self.to_unicode.get(cid as usize) else {
            return false;
        };
        if v == 0 {
            return false;
        }
        if v & MULTI != 0 {
            match self.multi.get((v & !MULTI) as usize) {
                Some(s) => out.push_str(s),
                None => return false,
            }
            return true;
        }
        match char::from_u32(v) {
            Some(c) => {
                out.push(c);
                true
            }
            None => false,
        }
    }
}

/// Appends the Unicode text of an Adobe-GB1 CID to `out`; false when the CID has none.
pub fn gb1_cid_to_unicode(cid: u32, out: &mut String) -> bool {
    Collection::Gb1.cid_to_unicode(cid, out)
}

/// The Adobe-GB1 CID of a character (the lowest when several CIDs show it), as the predefined
/// `UniGB-UCS2-H` CMap gives it.
pub fn gb1_unicode_to_cid(c: char) -> Option<u32> {
    Collection::Gb1.unicode_to_cid(c)
}

/// A predefined CMap whose codes are those of a legacy encoding (Big Five, Shift-JIS, EUC, UHC,
/// ISO-2022 row/cell codes), vendored from poppler-data: the codespace splits a string into codes
/// and the CID ranges give each code's CID in the CMap's collection. Only the horizontal (`-H`)
/// CMaps are kept: a `-V` CMap is its `-H` one with a few punctuation codes sent to rotated
/// glyphs, which show the same text.
#[derive(Debug, Clone, Copy)]
pub struct PredefinedCMap {
    index: usize,
}

/// (name, collection, the CMap file, the CMap it builds on with `usecmap`).
type PredefinedSource = (&'static str, Collection, &'static [u8], Option<&'static str>);

macro_rules! predefined {
    ($($name:literal, $coll:ident, $parent:expr;)*) => {
        static PREDEFINED_SOURCES: [PredefinedSource; PREDEFINED_COUNT] = [
            $(($name, Collection::$coll, include_bytes!(concat!("cmaps/predefined/", $name)), $parent),)*
        ];
    };
}

predefined! {
    "83pv-RKSJ-H", Japan1, None;
    "90ms-RKSJ-H", Japan1, None;
    "90msp-RKSJ-H", Japan1, None;
    "90pv-RKSJ-H", Japan1, None;
    "Add-RKSJ-H", Japan1, None;
    "B5-H", Cns1, None;
    "B5pc-H", Cns1, None;
    "CNS-EUC-H", Cns1, None;
    "CNS1-H", Cns1, None;
    "CNS2-H", Cns1, None;
    "ETen-B5-H", Cns1, None;
    "ETenms-B5-H", Cns1, Some("ETen-B5-H");
    "EUC-H", Japan1, None;
    "Ext-RKSJ-H", Japan1, None;
    "H", Japan1, None;
    "HKscs-B5-H", Cns1, None;
    "KSC-EUC-H", Korea1, None;
    "KSC-H", Korea1, None;
    "KSCms-UHC-H", Korea1, None;
    "KSCms-UHC-HW-H", Korea1, None;
    "KSCpc-EUC-H", Korea1, None;
    "RKSJ-H", Japan1, None;
}

const PREDEFINED_COUNT: usize = 22;
static PREDEFINED_MAPS: [OnceLock<CMap>; PREDEFINED_COUNT] = [const { OnceLock::new() }; PREDEFINED_COUNT];

impl PredefinedCMap {
    /// The vendored CMap of a name; a vertical name (`…-V`, `V`) gives its horizontal CMap.
    pub fn by_name(name: &str) -> Option<PredefinedCMap> {
        let horizontal = match name {
            "V" => "H",
            _ => match name.strip_suffix("-V") {
                Some(stem) => return PredefinedCMap::by_name(&format!("{stem}-H")),
                None => name,
            },
        };
        let index = PREDEFINED_SOURCES.iter().position(|s| s.0 == horizontal)?;
        Some(PredefinedCMap { index })
    }

    /// The collection whose CIDs the CMap produces.
    pub fn collection(self) -> Collection {
        PREDEFINED_SOURCES.get(self.index).map_or(Collection::Gb1, |s| s.1)
    }

    fn map(self) -> Option<&'static CMap> {
        let source = PREDEFINED_SOURCES.get(self.index)?;
        Some(PREDEFINED_MAPS.get(self.index)?.get_or_init(|| CMap::parse(source.2)))
    }

    fn parent(self) -> Option<PredefinedCMap> {
        PREDEFINED_SOURCES.get(self.index)?.3.and_then(PredefinedCMap::by_name)
    }

    /// The CID of a code (the CMap's own entries first, then those of the CMap it builds on).
    pub fn cid(self, code: u32) -> Option<u32> {
        self.map()
            .and_then(|m| m.cid(code))
            .or_else(|| self.parent().and_then(|p| p.map()).and_then(|m| m.cid(code)))
    }

    /// The length of the code at the start of `bytes` by the CMap's codespace.
    pub fn code_len(self, bytes: &[u8]) -> Option<usize> {
        let own = self.map().filter(|m| m.has_codespace());
        own.or_else(|| self.parent().and_then(|p| p.map()))
            .and_then(|m| m.code_len(bytes))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(map: &CMap, code: u32) -> Option<String> {
        let mut s = String::new();
        map.lookup(code, &mut s).then_some(s)
    }

    #[test]
    fn bfchar_bfrange_and_arrays() {
        let src = br"
            /CIDInit /ProcSet findresource begin 12 dict begin begincmap
            1 begincodespacerange <0000> <FFFF> endcodespacerange
            3 beginbfchar
            <0003> <0020>
            <0010> <D842DFB7>
            <0011> <00660069>
            endbfchar
            2 beginbfrange
            <0020> <0022> <4E2D>
            <0030> <0032> [<6587> <5B57> <D842DFB7>]
            endbfrange
            endcmap";
        let m = CMap::parse(src);
        assert_eq!(text(&m, 3).as_deref(), Some(" "));
        assert_eq!(text(&m, 0x10).as_deref(), Some("𠮷"));
        assert_eq!(text(&m, 0x11).as_deref(), Some("fi"));
        assert_eq!(text(&m, 0x20).as_deref(), Some("中"));
        assert_eq!(text(&m, 0x22).as_deref(), Some("\u{4E2F}"));
        assert_eq!(text(&m, 0x31).as_deref(), Some("字"));
        assert_eq!(text(&m, 0x32).as_deref(), Some("𠮷"));
        assert_eq!(text(&m, 0x40), None);
        assert_eq!(m.code_len(&[0x12, 0x34]), Some(2));
    }

    #[test]
    fn mixed_codespace_and_cids() {
        let src = b"2 begincodespacerange <00> <80> <8140> <FEFE> endcodespacerange
            1 begincidrange <8140> <817E> 100 endcidrange 1 begincidchar <41> 34 endcidchar";
        let m = CMap::parse(src);
        assert_eq!(m.code_len(&[0x41, 0x81]), Some(1));
        assert_eq!(m.code_len(&[0x81, 0x41]), Some(2));
        assert_eq!(m.cid(0x8142), Some(102));
        assert_eq!(m.cid(0x41), Some(34));
        assert_eq!(m.cid(0x42), None);
    }

    #[test]
    fn garbage_is_tolerated() {
        let m = CMap::parse(b"beginbfchar <01> garbage <02> <0041> [ ] endbfchar beginbfrange <05> <03> <0041> (x");
        assert_eq!(text(&m, 2).as_deref(), Some("A"));
        assert!(CMap::parse(b"").is_empty());
        assert!(CMap::parse(&[0xFF; 100]).is_empty());
        // A range reaching the carry: the last bytes count as one number.
        let m = CMap::parse(b"beginbfrange <00> <02> <00FF> endbfrange");
        assert_eq!(text(&m, 1).as_deref(), Some("\u{100}"));
    }

    #[test]
    fn adobe_gb1() {
        let get = |cid| {
            let mut s = String::new();
            gb1_cid_to_unicode(cid, &mut s).then_some(s)
        };
        assert_eq!(get(1).as_deref(), Some(" "));
        assert_eq!(get(34).as_deref(), Some("A"));
        assert_eq!(get(0), None);
        assert_eq!(gb1_unicode_to_cid(' '), Some(1));
        let zhong = gb1_unicode_to_cid('中').unwrap();
        assert_eq!(get(zhong).as_deref(), Some("中"));
    }

    fn through(name: &str, bytes: &[u8]) -> String {
        let m = PredefinedCMap::by_name(name).unwrap();
        let mut out = String::new();
        let mut rest = bytes;
        while !rest.is_empty() {
            let n = m.code_len(rest).unwrap();
            let (code, tail) = rest.split_at(n);
            let code = code.iter().fold(0u32, |v, &b| (v << 8) | u32::from(b));
            let cid = m.cid(code).unwrap();
            assert!(m.collection().cid_to_unicode(cid, &mut out), "{name}: CID {cid}");
            rest = tail;
        }
        out
    }

    #[test]
    fn other_collections_and_their_legacy_cmaps() {
        // Shift-JIS (Windows code page 932), with a half-width katakana pair of one byte each.
        assert_eq!(through("90ms-RKSJ-H", b"\x93\xfa\x96\x7b\x8c\xea\xb1\xb2"), "日本語ｱｲ");
        assert_eq!(through("90ms-RKSJ-V", b"\x93\xfa\x96\x7b"), "日本");
        assert_eq!(through("90msp-RKSJ-H", b"Ab"), "Ab");
        // EUC-JP and ISO-2022-JP row/cell codes (the EUC bytes without their high bits).
        assert_eq!(through("EUC-H", b"\xc6\xfc\xcb\xdc"), "日本");
        assert_eq!(through("H", b"\x46\x7c\x4b\x5c"), "日本");
        assert_eq!(through("V", b"\x46\x7c"), "日");
        // Big Five, and HKSCS codes outside Big Five (U+2010C is beyond the BMP).
        assert_eq!(through("B5pc-H", b"\xa4\xa4\xa4\xe5"), "中文");
        assert_eq!(through("ETenms-B5-H", b"\xa4\xa4A"), "中A");
        assert_eq!(through("HKscs-B5-H", b"\x88\x45\x9d\xef\xc9\x4e"), "\u{2010C}嘅冇");
        // EUC-KR and Unified Hangul Code (똠 is outside KS X 1001).
        assert_eq!(through("KSC-EUC-H", b"\xc7\xd1\xb1\xb9\xbe\xee"), "한국어");
        assert_eq!(through("KSCms-UHC-H", b"\xc7\xd1\x8c\x63"), "한똠");
        assert!(PredefinedCMap::by_name("Identity-H").is_none());
        assert!(PredefinedCMap::by_name("Nonsense-V").is_none());
    }

    #[test]
    fn collection_tables() {
        for (coll, c) in [
            (Collection::Gb1, '国'),
            (Collection::Cns1, '國'),
            (Collection::Japan1, 'あ'),
            (Collection::Korea1, '한'),
        ] {
            let cid = coll.unicode_to_cid(c).unwrap();
            let mut s = String::new();
            assert!(coll.cid_to_unicode(cid, &mut s));
            assert_eq!(s, c.to_string());
            assert!(!coll.cid_to_unicode(0, &mut s));
        }
        assert_eq!(Collection::from_ordering(b"Japan1"), Some(Collection::Japan1));
        assert_eq!(Collection::from_ordering(b"Identity"), None);
    }
}
