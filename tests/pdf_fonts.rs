//! Fonts whose text comes from somewhere else than a usable ToUnicode map: CID fonts of the
//! Traditional Chinese, Japanese and Korean collections (Identity CMaps and the predefined legacy
//! CMaps), embedded font programs (TrueType `cmap` and `post`, CFF charsets), Type3 fonts with
//! numeric glyph names, and ToUnicode maps that point at private-use code points. Each fixture is
//! written here; where `pdftotext` is on PATH the text is also compared with poppler's.

#[path = "pdf_writer/mod.rs"]
mod pdf_writer;

use pdf_writer::{DocBuilder, PdfWriter};
use pingshen::extract::{read_document, DocError, Document, ReadOptions};
use pingshen::sniff::FileKind;

// ---------------------------------------------------------------------------------------------
// Fixture helpers

fn read(bytes: &[u8]) -> Document {
    read_document(bytes, FileKind::Pdf, ReadOptions::ALL).expect("the fixture reads")
}

/// All text of a document without whitespace.
fn text(bytes: &[u8]) -> String {
    let d = read(bytes);
    d.lines
        .iter()
        .flat_map(|l| l.text.chars())
        .filter(|c| !c.is_whitespace())
        .collect()
}

fn hex(bytes: &[u8]) -> String {
    let mut s = String::from("<");
    for b in bytes {
        s.push_str(&format!("{b:02X}"));
    }
    s.push('>');
    s
}

fn cids(c: &[u16]) -> String {
    hex(&c.iter().flat_map(|c| c.to_be_bytes()).collect::<Vec<u8>>())
}

fn descriptor(w: &mut PdfWriter, name: &str, flags: u32, program: &str) -> u32 {
    w.add(format!(
        "<< /Type /FontDescriptor /FontName /{name} /Flags {flags} /FontBBox [0 -141 1000 859] /ItalicAngle 0 \
         /Ascent 859 /Descent -141 /CapHeight 700 /StemV 80 {program} >>"
    ))
}

/// A Type0 font over a CIDFont of `subtype` with the given ordering; `extra` adds entries to the
/// CIDFont (a CIDToGIDMap), `program` to its descriptor (a FontFile2/3 reference).
struct Type0<'a> {
    encoding: &'a str,
    ordering: &'a str,
    subtype: &'a str,
    to_unicode: Option<u32>,
    program: String,
    extra: &'a str,
}

impl Type0<'_> {
    fn add(&self, w: &mut PdfWriter) -> u32 {
        let fd = descriptor(w, "ABCDEF+Font", 4, &self.program);
        let cid = w.add(format!(
            "<< /Type /Font /Subtype /{} /BaseFont /ABCDEF+Font /CIDSystemInfo << /Registry (Adobe) /Ordering ({}) \
             /Supplement 0 >> /FontDescriptor {fd} 0 R /DW 1000 {} >>",
            self.subtype, self.ordering, self.extra
        ));
        let tu = self
            .to_unicode
            .map(|t| format!("/ToUnicode {t} 0 R"))
            .unwrap_or_default();
        w.add(format!(
            "<< /Type /Font /Subtype /Type0 /BaseFont /ABCDEF+Font /Encoding {} /DescendantFonts [{cid} 0 R] {tu} >>",
            self.encoding
        ))
    }
}

fn cid_font(encoding: &str, ordering: &str) -> Type0<'static> {
    Type0 {
        encoding: Box::leak(encoding.to_string().into_boxed_str()),
        ordering: Box::leak(ordering.to_string().into_boxed_str()),
        subtype: "CIDFontType0",
        to_unicode: None,
        program: String::new(),
        extra: "",
    }
}

/// One page showing `shown` (a string operand, `<…>` or `(…)`) in font `font` (an object number).
fn page_with(mut b: DocBuilder, font: u32, shown: &str) -> Vec<u8> {
    let content = format!("BT /F1 12 Tf 72 720 Td {shown} Tj ET");
    b.page(&format!("<< /Font << /F1 {font} 0 R >> >>"), content.as_bytes());
    b.finish()
}

fn one_font(font: &Type0, shown: &str) -> Vec<u8> {
    let mut b = DocBuilder::new(false);
    let f = font.add(&mut b.w);
    page_with(b, f, shown)
}

fn pdftotext(bytes: &[u8]) -> Option<String> {
    let dir = std::env::temp_dir().join(format!("pingshen-pdf-fonts-{}", std::process::id()));
    std::fs::create_dir_all(&dir).ok()?;
    let path = dir.join(format!("{:016x}.pdf", fxhash(bytes)));
    std::fs::write(&path, bytes).ok()?;
    let out = std::process::Command::new("pdftotext")
        .args(["-enc", "UTF-8"])
        .arg(&path)
        .arg("-")
        .output()
        .ok()?;
    let _ = std::fs::remove_file(&path);
    out.status.success().then(|| {
        String::from_utf8_lossy(&out.stdout)
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect()
    })
}

fn fxhash(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325u64, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
    })
}

/// The text is `expected`, and poppler (when installed) agrees.
fn assert_text(bytes: &[u8], expected: &str) {
    assert_eq!(text(bytes), expected);
    if let Some(theirs) = pdftotext(bytes) {
        assert_eq!(theirs, expected, "pdftotext disagrees");
    }
}

// ---------------------------------------------------------------------------------------------
// 1. Character collections and their predefined CMaps

#[test]
fn identity_h_over_adobe_japan1_without_tounicode() {
    // 日本語 are Adobe-Japan1 CIDs 3284, 3722, 1952.
    let f = cid_font("/Identity-H", "Japan1");
    assert_text(&one_font(&f, &cids(&[3284, 3722, 1952])), "日本語");
}

#[test]
fn identity_v_over_adobe_cns1_and_korea1_without_tounicode() {
    // 中文 and the HKSCS character U+2010C are Adobe-CNS1 CIDs 661, 726, 17614; 한 is Korea1 3296.
    let f = cid_font("/Identity-V", "CNS1");
    assert_text(&one_font(&f, &cids(&[661, 726, 17614])), "中文\u{2010C}");
    let f = cid_font("/Identity-H", "Korea1");
    assert_text(&one_font(&f, &cids(&[3296])), "한");
}

#[test]
fn shift_jis_cmaps_split_one_and_two_byte_codes() {
    // 日本語 in Shift-JIS, then the half-width katakana ｱｲ (one byte each) and ASCII.
    let bytes = hex(b"\x93\xfa\x96\x7b\x8c\xea\xb1\xb2AB");
    for name in ["/90ms-RKSJ-H", "/90ms-RKSJ-V", "/90msp-RKSJ-H"] {
        let f = cid_font(name, "Japan1");
        assert_text(&one_font(&f, &bytes), "日本語ｱｲAB");
    }
}

#[test]
fn jis_row_cell_and_euc_jp_cmaps() {
    // 日本 as ISO-2022-JP codes (the `H` CMap) and as EUC-JP.
    let f = cid_font("/H", "Japan1");
    assert_text(&one_font(&f, &hex(b"\x46\x7c\x4b\x5c")), "日本");
    let f = cid_font("/EUC-V", "Japan1");
    assert_text(&one_font(&f, &hex(b"\xc6\xfc\xcb\xdcA")), "日本A");
}

#[test]
fn big_five_and_hkscs_cmaps() {
    let f = cid_font("/B5pc-H", "CNS1");
    assert_text(&one_font(&f, &hex(b"\xa4\xa4\xa4\xe5")), "中文");
    let f = cid_font("/ETen-B5-V", "CNS1");
    assert_text(&one_font(&f, &hex(b"\xa4\xa4\xa4\xe5")), "中文");
    // HKSCS: U+2010C, 嘅 and 冇 (the first two outside Big Five).
    let f = cid_font("/HKscs-B5-H", "CNS1");
    assert_text(&one_font(&f, &hex(b"\x88\x45\x9d\xef\xc9\x4e")), "\u{2010C}嘅冇");
}

#[test]
fn korean_cmaps() {
    let f = cid_font("/KSC-EUC-H", "Korea1");
    assert_text(&one_font(&f, &hex(b"\xc7\xd1\xb1\xb9\xbe\xee")), "한국어");
    // 똠 is in Unified Hangul Code only.
    let f = cid_font("/KSCms-UHC-V", "Korea1");
    assert_text(&one_font(&f, &hex(b"\xc7\xd1\x8c\x63")), "한똠");
}

#[test]
fn unicode_cmaps_of_every_collection() {
    let utf16: Vec<u8> = "日本語한中".encode_utf16().flat_map(u16::to_be_bytes).collect();
    for (name, ordering) in [
        ("/UniJIS-UCS2-H", "Japan1"),
        ("/UniJIS-UTF16-V", "Japan1"),
        ("/UniKS-UCS2-H", "Korea1"),
        ("/UniKS-UTF16-H", "Korea1"),
        ("/UniCNS-UCS2-V", "CNS1"),
        ("/UniCNS-UTF16-H", "CNS1"),
    ] {
        let f = cid_font(name, ordering);
        assert_eq!(text(&one_font(&f, &hex(&utf16))), "日本語한中", "{name}");
    }
}

#[test]
fn collection_from_the_cmap_name_when_cidsysteminfo_is_identity() {
    // An ordering that names no collection: the CMap's name says Japan1.
    let f = cid_font("/90ms-RKSJ-H", "Identity");
    assert_eq!(text(&one_font(&f, &hex(b"\x93\xfa\x96\x7b"))), "日本");
}

// ---------------------------------------------------------------------------------------------
// 2. Embedded font programs

/// An sfnt holding the given tables (sorted by tag, as the table directory must be).
fn sfnt(mut tables: Vec<(&[u8; 4], Vec<u8>)>) -> Vec<u8> {
    tables.sort_by_key(|t| *t.0);
    let n = tables.len() as u16;
    let mut out = vec![0, 1, 0, 0];
    for v in [n, 16, 0, 0] {
        out.extend_from_slice(&v.to_be_bytes());
    }
    let mut offset = 12 + 16 * tables.len();
    let mut body = Vec::new();
    for (tag, data) in &tables {
        out.extend_from_slice(*tag);
        out.extend_from_slice(&0u32.to_be_bytes());
        out.extend_from_slice(&(offset as u32).to_be_bytes());
        out.extend_from_slice(&(data.len() as u32).to_be_bytes());
        let padded = data.len().div_ceil(4) * 4;
        body.extend_from_slice(data);
        body.resize(body.len() + padded - data.len(), 0);
        offset += padded;
    }
    out.extend_from_slice(&body);
    out
}

/// A format 4 `cmap` subtable of (code point, glyph id) pairs, one segment each.
fn cmap4(pairs: &[(u16, u16)]) -> Vec<u8> {
    let mut pairs = pairs.to_vec();
    pairs.sort();
    pairs.push((0xFFFF, 0));
    let seg = pairs.len() as u16;
    let mut t = Vec::new();
    for v in [4u16, 16 + 8 * seg, 0, seg * 2, 2, 0, 0] {
        t.extend_from_slice(&v.to_be_bytes());
    }
    for (c, _) in &pairs {
        t.extend_from_slice(&c.to_be_bytes());
    }
    t.extend_from_slice(&0u16.to_be_bytes());
    for (c, _) in &pairs {
        t.extend_from_slice(&c.to_be_bytes());
    }
    for (c, g) in &pairs {
        let delta = if *c == 0xFFFF { 1 } else { g.wrapping_sub(*c) };
        t.extend_from_slice(&delta.to_be_bytes());
    }
    for _ in &pairs {
        t.extend_from_slice(&0u16.to_be_bytes());
    }
    t
}

/// A `cmap` table of subtables (platform, encoding, subtable).
fn cmap(subtables: &[(u16, u16, Vec<u8>)]) -> Vec<u8> {
    let mut t = Vec::new();
    t.extend_from_slice(&0u16.to_be_bytes());
    t.extend_from_slice(&(subtables.len() as u16).to_be_bytes());
    let mut offset = 4 + 8 * subtables.len();
    for (p, e, s) in subtables {
        t.extend_from_slice(&p.to_be_bytes());
        t.extend_from_slice(&e.to_be_bytes());
        t.extend_from_slice(&(offset as u32).to_be_bytes());
        offset += s.len();
    }
    for (_, _, s) in subtables {
        t.extend_from_slice(s);
    }
    t
}

/// A `post` table of format 2 naming glyphs 0.. by the given names (all as the table's own
/// strings).
fn post(names: &[&str]) -> Vec<u8> {
    let mut t = vec![0, 2, 0, 0];
    t.resize(32, 0);
    t.extend_from_slice(&(names.len() as u16).to_be_bytes());
    for i in 0..names.len() {
        t.extend_from_slice(&(258 + i as u16).to_be_bytes());
    }
    for n in names {
        t.push(n.len() as u8);
        t.extend_from_slice(n.as_bytes());
    }
    t
}

fn font_file2(w: &mut PdfWriter, program: &[u8]) -> String {
    let id = w.stream(&format!("/Length1 {}", program.len()), program);
    format!("/FontFile2 {id} 0 R")
}

fn truetype_cid_font(b: &mut DocBuilder, program: &[u8], to_unicode: Option<u32>, extra: &'static str) -> u32 {
    let program = font_file2(&mut b.w, program);
    Type0 {
        encoding: "/Identity-H",
        ordering: "Identity",
        subtype: "CIDFontType2",
        to_unicode,
        program,
        extra,
    }
    .add(&mut b.w)
}

#[test]
fn identity_h_truetype_without_tounicode_reads_the_font_cmap() {
    let program = sfnt(vec![(
        b"cmap",
        cmap(&[(3, 1, cmap4(&[(0x4E2D, 1), (0x6587, 2), (0x41, 3)]))]),
    )]);
    let mut b = DocBuilder::new(true);
    let f = truetype_cid_font(&mut b, &program, None, "");
    assert_eq!(text(&page_with(b, f, &cids(&[1, 2, 3]))), "中文A");
}

#[test]
fn a_cid_to_gid_map_stream_leads_to_the_glyphs() {
    let program = sfnt(vec![(b"cmap", cmap(&[(3, 1, cmap4(&[(0x4E2D, 1), (0x6587, 2)]))]))]);
    let mut b = DocBuilder::new(false);
    // CID 5 → glyph 2, CID 6 → glyph 1.
    let map: Vec<u8> = [0u16, 0, 0, 0, 0, 2, 1].iter().flat_map(|g| g.to_be_bytes()).collect();
    let m = b.w.stream("", &map);
    let extra: &'static str = Box::leak(format!("/CIDToGIDMap {m} 0 R").into_boxed_str());
    let f = truetype_cid_font(&mut b, &program, None, extra);
    assert_eq!(text(&page_with(b, f, &cids(&[5, 6]))), "文中");
}

#[test]
fn post_names_serve_when_the_font_has_no_unicode_cmap_and_tounicode_is_empty() {
    let program = sfnt(vec![(b"post", post(&[".notdef", "uni4E2D", "A", "g7"]))]);
    let mut b = DocBuilder::new(false);
    let empty =
        b.w.stream("", b"/CIDInit /ProcSet findresource begin begincmap endcmap end");
    let f = truetype_cid_font(&mut b, &program, Some(empty), "");
    // Glyph 3's name numbers a glyph: no text for it.
    assert_eq!(text(&page_with(b, f, &cids(&[1, 2, 3]))), "中A");
}

#[test]
fn symbolic_truetype_simple_font_maps_codes_through_its_symbol_cmap() {
    let program = sfnt(vec![
        (b"cmap", cmap(&[(3, 0, cmap4(&[(0xF001, 1), (0xF002, 2)]))])),
        (b"post", post(&[".notdef", "uni4E2D", "uni6587"])),
    ]);
    let mut b = DocBuilder::new(false);
    let ff = font_file2(&mut b.w, &program);
    let fd = descriptor(&mut b.w, "ABCDEF+Sym", 4, &ff);
    let f = b.w.add(format!(
        "<< /Type /Font /Subtype /TrueType /BaseFont /ABCDEF+Sym /FirstChar 1 /LastChar 2 /Widths [1000 1000] \
         /FontDescriptor {fd} 0 R >>"
    ));
    assert_eq!(text(&page_with(b, f, "<0102>")), "中文");
}

/// A CID-keyed CFF program whose ROS is Adobe-`ordering`, with glyphs for the given CIDs.
fn cid_keyed_cff(ordering: &str, cids: &[u16]) -> Vec<u8> {
    fn index(items: &[&[u8]]) -> Vec<u8> {
        let mut t = (items.len() as u16).to_be_bytes().to_vec();
        if items.is_empty() {
            return t;
        }
        t.push(4);
        let mut off = 1u32;
        t.extend_from_slice(&off.to_be_bytes());
        for i in items {
            off += i.len() as u32;
            t.extend_from_slice(&off.to_be_bytes());
        }
        for i in items {
            t.extend_from_slice(i);
        }
        t
    }
    let int = |v: u32| {
        let mut b = vec![29];
        b.extend_from_slice(&v.to_be_bytes());
        b
    };
    let header = [1u8, 0, 4, 4];
    let names = index(&[b"F"]);
    let strings = index(&[b"Adobe", ordering.as_bytes()]);
    let gsubrs = index(&[]);
    let glyphs = cids.len() + 1;
    let endchar: Vec<&[u8]> = vec![&[14u8]; glyphs];
    let char_strings = index(&endchar);
    let mut charset = vec![0u8];
    for c in cids {
        charset.extend_from_slice(&c.to_be_bytes());
    }
    // Top DICT: ROS (391 392 0), charset, CharStrings; operands as 5-byte integers so its size
    // is known before the offsets are.
    let top_len = 5 + 5 + 5 + 2 + 5 + 1 + 5 + 1;
    let top_index_len = 2 + 1 + 8 + top_len;
    let start = header.len() + names.len() + top_index_len + strings.len() + gsubrs.len();
    let cs_at = start as u32;
    let charset_at = cs_at + char_strings.len() as u32;
    let mut top = Vec::new();
    top.extend(int(391));
    top.extend(int(392));
    top.extend(int(0));
    top.extend([12, 30]);
    top.extend(int(charset_at));
    top.push(15);
    top.extend(int(cs_at));
    top.push(17);
    assert_eq!(top.len(), top_len);
    let mut out = header.to_vec();
    out.extend(names);
    out.extend(index(&[&top]));
    out.extend(strings);
    out.extend(gsubrs);
    out.extend(char_strings);
    out.extend(charset);
    out
}

#[test]
fn cid_keyed_cff_names_its_collection_when_the_pdf_says_identity() {
    let program = cid_keyed_cff("Japan1", &[3284, 3722]);
    let mut b = DocBuilder::new(true);
    let id = b.w.stream("/Subtype /CIDFontType0C", &program);
    let f = Type0 {
        encoding: "/Identity-H",
        ordering: "Identity",
        subtype: "CIDFontType0",
        to_unicode: None,
        program: format!("/FontFile3 {id} 0 R"),
        extra: "",
    }
    .add(&mut b.w);
    assert_eq!(text(&page_with(b, f, &cids(&[3284, 3722]))), "日本");
}

// ---------------------------------------------------------------------------------------------
// 3. Type3 fonts with numeric glyph names

#[test]
fn type3_numeric_glyph_names_are_character_codes() {
    let mut b = DocBuilder::new(false);
    let proc_ = b.w.stream("", b"0 0 m 1 1 l f");
    let f = b.w.add(format!(
        "<< /Type /Font /Subtype /Type3 /FontBBox [0 0 1 1] /FontMatrix [0.001 0 0 0.001 0 0] \
         /FirstChar 1 /LastChar 6 /Widths [500 500 500 500 500 500] \
         /Encoding << /Type /Encoding /Differences [1 /72 /105 /g33 /c63 /x1 /A] >> \
         /CharProcs << /72 {proc_} 0 R /105 {proc_} 0 R /g33 {proc_} 0 R /c63 {proc_} 0 R /x1 {proc_} 0 R /A {proc_} 0 R >> \
         /Resources << >> >>"
    ));
    // /x1 is code 1, a control: no text; /A is a known name and stays the letter.
    assert_eq!(text(&page_with(b, f, "<010203040506>")), "Hi!?A");
}

// ---------------------------------------------------------------------------------------------
// 4. ToUnicode maps to private-use code points

fn pua_to_unicode(w: &mut PdfWriter, codes: &[(u32, u32)], width: usize) -> u32 {
    let mut s = String::from("/CIDInit /ProcSet findresource begin 12 dict begin begincmap\n");
    s.push_str(&format!(
        "1 begincodespacerange <{}> <{}> endcodespacerange\n",
        "00".repeat(width),
        "FF".repeat(width)
    ));
    s.push_str(&format!("{} beginbfchar\n", codes.len()));
    for (code, to) in codes {
        s.push_str(&format!("<{code:0w$X}> <{to:04X}>\n", w = width * 2));
    }
    s.push_str("endbfchar endcmap end end");
    w.stream("", s.as_bytes())
}

#[test]
fn private_use_tounicode_gives_way_to_the_collection() {
    let mut b = DocBuilder::new(false);
    let tu = pua_to_unicode(&mut b.w, &[(3284, 0xE001), (3722, 0xE002), (5000, 0xE003)], 2);
    let mut f = cid_font("/Identity-H", "Japan1");
    f.to_unicode = Some(tu);
    let f = f.add(&mut b.w);
    let d = read(&page_with(b, f, &cids(&[3284, 3722, 0xFFF0])));
    let t: String = d.lines.iter().flat_map(|l| l.text.chars()).collect();
    // CID 0xFFF0 is in no table: nothing is invented for it.
    assert_eq!(t.trim(), "日本");
}

#[test]
fn private_use_tounicode_gives_way_to_the_font_program_and_to_the_encoding() {
    let program = sfnt(vec![(b"cmap", cmap(&[(3, 1, cmap4(&[(0x4E2D, 1)]))]))]);
    let mut b = DocBuilder::new(false);
    let tu = pua_to_unicode(&mut b.w, &[(1, 0xF8F0), (2, 0xE000)], 2);
    let f = truetype_cid_font(&mut b, &program, Some(tu), "");
    // Glyph 2 has no other source: a private-use code point is no text for a reader, so it gives
    // nothing (and counts as an unmapped glyph).
    assert_eq!(text(&page_with(b, f, &cids(&[1, 2]))), "中");

    let mut b = DocBuilder::new(false);
    let tu = pua_to_unicode(&mut b.w, &[(0x41, 0xE041), (0x42, 0x0042)], 1);
    let f = b.w.add(format!(
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding /ToUnicode {tu} 0 R >>"
    ));
    assert_eq!(text(&page_with(b, f, "(AB)")), "AB");
}

// ---------------------------------------------------------------------------------------------
// Hostile programs

#[test]
fn mutated_font_programs_never_panic() {
    let ttf = sfnt(vec![
        (
            b"cmap",
            cmap(&[(3, 1, cmap4(&[(0x4E2D, 1), (0x41, 2)])), (3, 0, cmap4(&[(0xF001, 1)]))]),
        ),
        (b"post", post(&[".notdef", "uni4E2D", "A"])),
    ]);
    let cff = cid_keyed_cff("Japan1", &[3284, 3722]);
    let mut seed = 0x2545_f491_4f6c_dd1du64;
    for round in 0..80 {
        let mut program = if round % 2 == 0 { ttf.clone() } else { cff.clone() };
        for _ in 0..1 + round % 4 {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            let at = (seed % program.len() as u64) as usize;
            program[at] = (seed >> 32) as u8;
        }
        let mut b = DocBuilder::new(false);
        let f = if round % 2 == 0 {
            truetype_cid_font(&mut b, &program, None, "")
        } else {
            let id = b.w.stream("/Subtype /CIDFontType0C", &program);
            Type0 {
                encoding: "/Identity-H",
                ordering: "Identity",
                subtype: "CIDFontType0",
                to_unicode: None,
                program: format!("/FontFile3 {id} 0 R"),
                extra: "",
            }
            .add(&mut b.w)
        };
        let bytes = page_with(b, f, &cids(&[1, 2, 3284]));
        // Whatever a damaged program gives — text, or text that maps to nothing — the reader
        // never panics (a panic would come back as an internal error).
        match read_document(&bytes, FileKind::Pdf, ReadOptions::ALL) {
            Ok(_) | Err(DocError::UnmappedText | DocError::NoText) => {}
            Err(e) => panic!("round {round}: {e}"),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Simple fonts whose strings are GBK

/// A non-embedded TrueType font named in GBK (`仿宋_GB2312`), declaring WinAnsiEncoding, whose
/// strings are the GBK bytes of the text: what Chinese office software writes.
fn gbk_named_font_pdf(base_font: &str, encoding: &str, text: &str) -> Vec<u8> {
    let (gbk, _, _) = encoding_rs::GBK.encode(text);
    named_font_pdf(base_font, encoding, &gbk)
}

/// One line drawn with `bytes` in a non-embedded TrueType font of this name and encoding.
fn named_font_pdf(base_font: &str, encoding: &str, bytes: &[u8]) -> Vec<u8> {
    let mut b = DocBuilder::new(false);
    let fd = b.w.add(format!(
        "<< /Type /FontDescriptor /FontName /{base_font} /Flags 32 /FontBBox [0 -141 1000 859] /ItalicAngle 0 \
         /Ascent 859 /Descent -141 /CapHeight 700 /StemV 80 >>"
    ));
    let f = b.w.add(format!(
        "<< /Type /Font /Subtype /TrueType /BaseFont /{base_font} {encoding} /FirstChar 32 /LastChar 255 \
         /FontDescriptor {fd} 0 R >>"
    ));
    b.page(
        &format!("<< /Font << /F1 {f} 0 R >> >>"),
        format!("BT /F1 12 Tf 72 700 Td {} Tj ET", hex(bytes)).as_bytes(),
    );
    b.finish()
}

/// `#XX` escapes of a name's bytes, as a PDF writes a non-ASCII name.
fn name_escape(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("#{b:02X}")).collect()
}

#[test]
fn a_simple_font_named_in_gbk_reads_its_strings_as_gbk() {
    let (fangsong, _, _) = encoding_rs::GBK.encode("仿宋");
    let name = format!("{}_GB2312", name_escape(&fangsong));
    let pdf = gbk_named_font_pdf(&name, "/Encoding /WinAnsiEncoding", "全世界无产者，联合起来 2021年");
    assert_eq!(text(&pdf), "全世界无产者，联合起来2021年");
    // A subset tag and a style suffix do not hide the name; no /Encoding is the same.
    let (xbs, _, _) = encoding_rs::GBK.encode("小标宋");
    let name = format!("ABCDEF+{},Bold", name_escape(&xbs));
    let pdf = gbk_named_font_pdf(&name, "", "关于项目验收的批复");
    assert_eq!(text(&pdf), "关于项目验收的批复");
}

#[test]
fn a_simple_font_with_a_latin_name_keeps_its_single_byte_encoding() {
    // The same bytes under a Latin-named font stay WinAnsi: the rule follows the font's name,
    // not a guess from the bytes.
    let pdf = named_font_pdf("Arial", "/Encoding /WinAnsiEncoding", b"Caf\xE9 \xB7\xC2");
    assert_eq!(text(&pdf), "Café·Â");
}
