//! Fonts whose text comes from somewhere else than a usable ToUnicode map: CID fonts of the
//! Traditional Chinese, Japanese and Korean collections (Identity CMaps and the predefined legacy
//! CMaps), embedded font programs (TrueType `cmap` and `post`, CFF charsets), Type3 fonts with
//! numeric glyph names, and ToUnicode maps that point at private-use code points. Each fixture is
//! written here; where `pdftotext` is on PATH the text is also compared with poppler's.

#[path = "pdf_writer/mod.rs"]
mod pdf_writer;

use pdf_writer::{DocBuilder, PdfWriter};
use pingshen::extract::{read_document, Document, ReadOptions};
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
        let tu = self.to_unicode.map(|t| format!("/ToUnicode {t} 0 R")).unwrap_or_default();
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
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).chars().filter(|c| !c.is_whitespace()).collect())
}

fn fxhash(bytes: &[u8]) -> u64 {
    bytes
        .iter()
        .fold(0xcbf2_9ce4_8422_2325u64, |h, &b| (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3))
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
