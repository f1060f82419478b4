//! The PDF text reader on fixtures written in code, one per font path and layout rule, plus
//! limits, encryption, scans and a mutation run. Where `pdftotext` is on PATH, the text of every
//! text fixture is compared with its output (all whitespace removed).

#[path = "pdf_writer/mod.rs"]
mod pdf_writer;

use pdf_writer::{DocBuilder, PdfWriter};
use pingshen::extract::pdf::read_pdf;
use pingshen::extract::{DocError, Document, ReadOptions};

// ---------------------------------------------------------------------------------------------
// Fixture helpers

fn font_descriptor(w: &mut PdfWriter, name: &str, flags: u32) -> u32 {
    w.add(format!(
        "<< /Type /FontDescriptor /FontName /{name} /Flags {flags} /FontBBox [0 -141 1000 859] /ItalicAngle 0 \
         /Ascent 859 /Descent -141 /CapHeight 700 /StemV 80 >>"
    ))
}

/// A Type0 font; `ordering` is the descendant's CIDSystemInfo ordering.
fn type0(w: &mut PdfWriter, base: &str, encoding: &str, ordering: &str, to_unicode: Option<u32>, widths: &str) -> u32 {
    let fd = font_descriptor(w, base, 4);
    let subtype = if ordering == "Identity" {
        "CIDFontType2"
    } else {
        "CIDFontType0"
    };
    let cid = w.add(format!(
        "<< /Type /Font /Subtype /{subtype} /BaseFont /{base} /CIDSystemInfo << /Registry (Adobe) /Ordering ({ordering}) \
         /Supplement 2 >> /FontDescriptor {fd} 0 R /DW 1000 /W {widths} >>"
    ));
    let tu = to_unicode.map(|t| format!("/ToUnicode {t} 0 R")).unwrap_or_default();
    w.add(format!(
        "<< /Type /Font /Subtype /Type0 /BaseFont /{base} /Encoding /{encoding} /DescendantFonts [{cid} 0 R] {tu} >>"
    ))
}

fn helvetica(w: &mut PdfWriter) -> u32 {
    w.add("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")
}

fn hex(bytes: &[u8]) -> String {
    let mut s = String::from("<");
    for b in bytes {
        s.push_str(&format!("{b:02X}"));
    }
    s.push('>');
    s
}

fn ucs2(s: &str) -> Vec<u8> {
    s.encode_utf16().flat_map(u16::to_be_bytes).collect()
}

fn cids(c: &[u16]) -> String {
    hex(&c.iter().flat_map(|c| c.to_be_bytes()).collect::<Vec<u8>>())
}

const TO_UNICODE: &str = "/CIDInit /ProcSet findresource begin
12 dict begin
begincmap
/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def
/CMapName /Adobe-Identity-UCS def
/CMapType 2 def
1 begincodespacerange
<0000> <FFFF>
endcodespacerange
2 beginbfchar
<0001> <9879>
<0002> <76EE>
endbfchar
3 beginbfrange
<0003> <0005> [<540D> <79F0> <FF1A>]
<0010> <0019> <0030>
<0020> <0021> [<D842DFB7> <6C34>]
endbfrange
endcmap
CMapName currentdict /CMap defineresource pop
end
end
";

/// Identity-H with a ToUnicode CMap: codes 1–5 are 项目名称：, 0x10–0x19 the digits.
struct IdentityFont {
    b: DocBuilder,
    res: String,
    /// Helvetica's object number.
    h: u32,
}

fn identity_font(compress: bool) -> IdentityFont {
    let mut b = DocBuilder::new(compress);
    let tu = b.w.stream("", TO_UNICODE.as_bytes());
    let f = type0(
        &mut b.w,
        "SimSun",
        "Identity-H",
        "Identity",
        Some(tu),
        "[16 [500 500 500 500 500 500 500 500 500 500]]",
    );
    let h = helvetica(&mut b.w);
    IdentityFont {
        b,
        res: format!("<< /Font << /F1 {f} 0 R /H {h} 0 R >> >>"),
        h,
    }
}

fn one_page(compress: bool, content: &str) -> Vec<u8> {
    let IdentityFont { mut b, res, .. } = identity_font(compress);
    b.page(&res, content.as_bytes());
    b.finish()
}

fn read(bytes: &[u8]) -> Document {
    match read_pdf(bytes, ReadOptions::ALL) {
        Ok(d) => d,
        Err(e) => panic!("read_pdf failed: {e}"),
    }
}

fn texts(d: &Document) -> Vec<String> {
    d.lines.iter().map(|l| l.text.clone()).collect()
}

fn squeeze(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

fn all_text(d: &Document) -> String {
    squeeze(&texts(d).concat())
}

// ---------------------------------------------------------------------------------------------
// The fixtures

fn fx_identity_tounicode(compress: bool) -> Vec<u8> {
    one_page(
        compress,
        "BT /F1 12 Tf 72 770 Td <00010002000300040005> Tj <0012001000120011> Tj ET
         BT /F1 12 Tf 72 740 Td <00200021> Tj ET",
    )
}

fn fx_unigb_ucs2() -> Vec<u8> {
    let mut b = DocBuilder::new(false);
    let f = type0(&mut b.w, "STSong-Light", "UniGB-UCS2-H", "GB1", None, "[1 95 500]");
    let content = format!("BT /F1 14 Tf 72 770 Td {} Tj ET", hex(&ucs2("验收意见 Report 2021年")));
    b.page(&format!("<< /Font << /F1 {f} 0 R >> >>"), content.as_bytes());
    b.finish()
}

fn fx_gbk_euc() -> Vec<u8> {
    let mut b = DocBuilder::new(true);
    let f = type0(&mut b.w, "STSong-Light", "GBK-EUC-H", "GB1", None, "[1 95 500]");
    let (gbk, _, bad) = encoding_rs::GBK.encode("终验意见：项目2021年通过");
    assert!(!bad);
    let content = format!("BT /F1 12 Tf 72 770 Td {} Tj ET", hex(&gbk));
    b.page(&format!("<< /Font << /F1 {f} 0 R >> >>"), content.as_bytes());
    b.finish()
}

/// Adobe-GB1 CIDs (from the vendored Adobe-GB1-UCS2): 验 4114, 收 3436, 意 4201, 见 2158,
/// space 1, digits 0–2 are 17–19, 北 1050, 京 2264, 市 3431.
fn fx_identity_gb1() -> Vec<u8> {
    let mut b = DocBuilder::new(false);
    let f = type0(&mut b.w, "STSong-Light", "Identity-H", "GB1", None, "[1 95 500]");
    let content = format!(
        "BT /F1 12 Tf 72 770 Td {} Tj ET BT /F1 12 Tf 72 750 Td {} Tj ET",
        cids(&[4114, 3436, 4201, 2158, 1, 19, 17, 19, 18]),
        cids(&[1050, 2264, 3431])
    );
    b.page(&format!("<< /Font << /F1 {f} 0 R >> >>"), content.as_bytes());
    b.finish()
}

fn fx_truetype_differences() -> Vec<u8> {
    let mut b = DocBuilder::new(false);
    let fd = font_descriptor(&mut b.w, "Arial", 32);
    let widths = vec!["500"; 255].join(" ");
    let f = b.w.add(format!(
        "<< /Type /Font /Subtype /TrueType /BaseFont /Arial /FirstChar 1 /LastChar 255 /Widths [{widths}] \
         /Encoding << /Type /Encoding /BaseEncoding /WinAnsiEncoding /Differences [1 /uni4E2D /uni6587 /parenleft /parenright] >> \
         /FontDescriptor {fd} 0 R >>"
    ));
    let content =
        "BT /F1 12 Tf 72 770 Td (Price \\200 100 \\223ok\\224) Tj ET BT /F1 12 Tf 72 750 Td <01020361626304> Tj ET";
    b.page(&format!("<< /Font << /F1 {f} 0 R >> >>"), content.as_bytes());
    b.finish()
}

fn fx_form(compress: bool) -> Vec<u8> {
    let IdentityFont { mut b, res, h } = identity_font(compress);
    let inner = b.w.stream(
        &format!("/Type /XObject /Subtype /Form /BBox [0 0 300 100] /Resources {res}"),
        b"BT /H 12 Tf 0 0 Td (Inside form) Tj ET",
    );
    // A form drawing itself: a cycle.
    let cyc = b.w.reserve();
    b.w.set_stream(
        cyc,
        &format!("/Type /XObject /Subtype /Form /BBox [0 0 300 100] /Resources << /Font << /H {h} 0 R >> /XObject << /Self {cyc} 0 R >> >>"),
        b"BT /H 12 Tf 0 0 Td (Loop) Tj ET 0 -20 cm /Self Do",
    );
    let res_forms = res.replacen(
        ">> >>",
        &format!(">> /XObject << /Fm1 {inner} 0 R /Cyc {cyc} 0 R >> >>"),
        1,
    );
    b.page(
        &res_forms,
        b"BT /H 12 Tf 72 800 Td (Before) Tj ET q 1 0 0 1 72 700 cm /Fm1 Do Q q 1 0 0 1 72 600 cm /Cyc Do Q",
    );
    b.finish()
}

/// 项目名称： drawn glyph by glyph from right to left.
fn fx_right_to_left() -> Vec<u8> {
    one_page(
        false,
        "BT /F1 12 Tf 120 700 Td <0005> Tj ET BT /F1 12 Tf 108 700 Td <0004> Tj ET \
         BT /F1 12 Tf 96 700 Td <0003> Tj ET BT /F1 12 Tf 84 700 Td <0002> Tj ET BT /F1 12 Tf 72 700 Td <0001> Tj ET",
    )
}

fn fx_kerning() -> Vec<u8> {
    one_page(
        false,
        "BT /H 12 Tf 72 700 Td [(Hel) -20 (lo) 30 ( W) -10 (orld)] TJ ET \
         BT /F1 12 Tf 72 680 Td [<0001> -100 <0002> -500 <0003>] TJ ET \
         BT /H 12 Tf 72 660 Td [(Left) -3000 (Right)] TJ ET",
    )
}

/// The value is drawn first, half a point lower, then the label.
fn fx_label_value() -> Vec<u8> {
    one_page(
        false,
        "BT /F1 12 Tf 132 699.5 Td <0012001000120011> Tj ET BT /F1 12 Tf 72 700 Td <00010002000300040005> Tj ET",
    )
}

/// The second line is drawn first.
fn fx_two_lines() -> Vec<u8> {
    one_page(
        false,
        "BT /H 12 Tf 72 680 Td (second line) Tj ET BT /H 12 Tf 72 700 Td (first line) Tj 0 -40 Td (third line) Tj ET",
    )
}

fn image(w: &mut PdfWriter) -> u32 {
    w.stream(
        "/Type /XObject /Subtype /Image /Width 1 /Height 1 /ColorSpace /DeviceGray /BitsPerComponent 8",
        &[0x80],
    )
}

fn fx_scan() -> Vec<u8> {
    let mut b = DocBuilder::new(true);
    let im = image(&mut b.w);
    b.page(
        &format!("<< /XObject << /Im0 {im} 0 R >> >>"),
        b"q 595 0 0 842 0 0 cm /Im0 Do Q",
    );
    b.finish()
}

fn fx_logo_only() -> Vec<u8> {
    let mut b = DocBuilder::new(true);
    let im = image(&mut b.w);
    b.page(
        &format!("<< /XObject << /Im0 {im} 0 R >> >>"),
        b"q 100 0 0 50 72 700 cm /Im0 Do Q",
    );
    b.finish()
}

fn fx_blank() -> Vec<u8> {
    let mut b = DocBuilder::new(false);
    b.page("<< >>", b"");
    b.finish()
}

fn fx_three_pages() -> Vec<u8> {
    let IdentityFont { mut b, res, .. } = identity_font(true);
    for n in 1..=3 {
        b.page(&res, format!("BT /H 12 Tf 72 700 Td (Page {n}) Tj ET").as_bytes());
    }
    b.finish()
}

/// A chain of `n` forms, each drawing the next; the last shows "Deep".
fn fx_form_chain(n: u32) -> Vec<u8> {
    let IdentityFont { mut b, res, .. } = identity_font(false);
    let ids: Vec<u32> = (0..n).map(|_| b.w.reserve()).collect();
    for (i, &id) in ids.iter().enumerate() {
        match ids.get(i + 1) {
            Some(next) => b.w.set_stream(
                id,
                &format!(
                    "/Type /XObject /Subtype /Form /BBox [0 0 500 500] /Resources << /XObject << /N {next} 0 R >> >>"
                ),
                b"/N Do /N Do",
            ),
            None => b.w.set_stream(
                id,
                &format!("/Type /XObject /Subtype /Form /BBox [0 0 500 500] /Resources {res}"),
                b"BT /H 12 Tf 72 700 Td (Deep) Tj ET",
            ),
        }
    }
    let page_res = format!("<< /XObject << /N {} 0 R >> >>", ids[0]);
    b.page(&page_res, b"BT ET /N Do");
    b.finish()
}

/// A text field's appearance stream (a filled form) on an otherwise empty page.
fn fx_widget() -> Vec<u8> {
    let IdentityFont { mut b, res, .. } = identity_font(false);
    let ap = b.w.stream(
        &format!("/Type /XObject /Subtype /Form /BBox [0 0 200 20] /Resources {res}"),
        b"/Tx BMC BT /H 10 Tf 2 5 Td (Filled value) Tj ET EMC",
    );
    let annot = b.w.add(format!(
        "<< /Type /Annot /Subtype /Widget /FT /Tx /T (name) /V (Filled value) /Rect [100 600 300 620] /F 4 /AP << /N {ap} 0 R >> >>"
    ));
    b.page_with(
        &res,
        b"BT /H 12 Tf 72 700 Td (Form page) Tj ET",
        &format!("/Annots [{annot} 0 R]"),
    );
    b.finish()
}

/// A page rotated by /Rotate 90 whose text is drawn rotated to read upright.
fn fx_rotated_page() -> Vec<u8> {
    let IdentityFont { mut b, res, .. } = identity_font(false);
    b.page_with(
        &res,
        b"BT /H 12 Tf 0 1 -1 0 300 100 Tm (Upright when shown) Tj 0 1 -1 0 320 100 Tm (second) Tj ET",
        "/Rotate 90",
    );
    b.finish()
}

/// Every fixture with text and what it must read (whitespace removed).
fn text_fixtures() -> Vec<(&'static str, Vec<u8>, &'static str)> {
    vec![
        ("identity_tounicode", fx_identity_tounicode(false), "项目名称：2021𠮷水"),
        (
            "identity_tounicode_flate",
            fx_identity_tounicode(true),
            "项目名称：2021𠮷水",
        ),
        ("unigb_ucs2", fx_unigb_ucs2(), "验收意见Report2021年"),
        ("gbk_euc", fx_gbk_euc(), "终验意见：项目2021年通过"),
        ("identity_gb1", fx_identity_gb1(), "验收意见2021北京市"),
        (
            "truetype_differences",
            fx_truetype_differences(),
            "Price€100“ok”中文(abc)",
        ),
        ("form", fx_form(false), "BeforeInsideformLoop"),
        ("form_flate", fx_form(true), "BeforeInsideformLoop"),
        ("right_to_left", fx_right_to_left(), "项目名称："),
        ("kerning", fx_kerning(), "HelloWorld项目名LeftRight"),
        ("label_value", fx_label_value(), "项目名称：2021"),
        ("two_lines", fx_two_lines(), "firstlinesecondlinethirdline"),
        ("three_pages", fx_three_pages(), "Page1Page2Page3"),
        ("form_chain_5", fx_form_chain(5), "Deep"),
        ("widget", fx_widget(), "FormpageFilledvalue"),
        ("rotated_page", fx_rotated_page(), "Uprightwhenshownsecond"),
    ]
}

// ---------------------------------------------------------------------------------------------
// Font paths

#[test]
fn every_text_fixture_reads_as_expected() {
    for (name, bytes, want) in text_fixtures() {
        let d = read(&bytes);
        assert_eq!(all_text(&d), want, "{name}: {:?}", texts(&d));
        assert!(d.tables.is_empty());
        assert!(d.lines.iter().all(|l| l.page.is_some()), "{name}");
    }
}

#[test]
fn identity_h_with_tounicode_arrays_and_surrogates() {
    let d = read(&fx_identity_tounicode(false));
    assert_eq!(texts(&d), ["项目名称：2021", "𠮷水"]);
    assert_eq!(d.page_count, 1);
    assert_eq!(d.pages_read, 1);
    assert_eq!(d.title(), Some("项目名称：2021"));
}

#[test]
fn unigb_ucs2_without_tounicode() {
    let d = read(&fx_unigb_ucs2());
    assert_eq!(texts(&d), ["验收意见 Report 2021年"]);
}

#[test]
fn gbk_euc_codes_mix_one_and_two_bytes() {
    let d = read(&fx_gbk_euc());
    assert_eq!(texts(&d), ["终验意见：项目2021年通过"]);
}

#[test]
fn identity_h_over_adobe_gb1_without_tounicode() {
    let d = read(&fx_identity_gb1());
    assert_eq!(texts(&d), ["验收意见 2021", "北京市"]);
}

#[test]
fn identity_h_with_unknown_ordering_and_no_tounicode_invents_nothing() {
    let mut b = DocBuilder::new(false);
    let f = type0(&mut b.w, "SomeFont", "Identity-H", "Identity", None, "[]");
    let h = helvetica(&mut b.w);
    b.page(
        &format!("<< /Font << /F1 {f} 0 R /H {h} 0 R >> >>"),
        b"BT /F1 12 Tf 72 700 Td <0102030405> Tj /H 12 Tf 72 680 Td (visible) Tj ET",
    );
    assert_eq!(texts(&read(&b.finish())), ["visible"]);
}

#[test]
fn truetype_winansi_with_differences() {
    let d = read(&fx_truetype_differences());
    assert_eq!(texts(&d), ["Price € 100 “ok”", "中文(abc)"]);
}

// ---------------------------------------------------------------------------------------------
// Forms

#[test]
fn text_in_forms_and_a_self_drawing_form_stops() {
    let d = read(&fx_form(true));
    assert_eq!(texts(&d), ["Before", "Inside form", "Loop"]);
}

#[test]
fn form_chain_beyond_the_depth_limit_terminates() {
    // Each form of the chain draws the next twice: 2^depth draws before the limit cuts it.
    let start = std::time::Instant::now();
    let d = read(&fx_form_chain(40));
    assert!(d.lines.is_empty(), "{:?}", texts(&d));
    assert!(start.elapsed().as_secs() < 10);
    // Within the limit the text is there (drawn 2^4 times at one place: one line).
    assert_eq!(texts(&read(&fx_form_chain(5))), ["Deep"]);
}

#[test]
fn filled_form_field_appearance_is_read() {
    assert_eq!(texts(&read(&fx_widget())), ["Form page", "Filled value"]);
}

// ---------------------------------------------------------------------------------------------
// Layout

#[test]
fn runs_drawn_right_to_left_come_out_in_x_order() {
    assert_eq!(texts(&read(&fx_right_to_left())), ["项目名称："]);
}

#[test]
fn tj_kerning_small_adjustments_join_large_ones_separate() {
    let d = read(&fx_kerning());
    assert_eq!(texts(&d), ["Hello World", "项目名", "Left\tRight"]);
}

#[test]
fn label_and_value_on_one_baseline_are_one_line() {
    assert_eq!(texts(&read(&fx_label_value())), ["项目名称：2021"]);
}

#[test]
fn lines_are_ordered_top_to_bottom() {
    assert_eq!(
        texts(&read(&fx_two_lines())),
        ["first line", "second line", "third line"]
    );
}

#[test]
fn a_rotated_page_reads_upright() {
    assert_eq!(texts(&read(&fx_rotated_page())), ["Upright when shown", "second"]);
}

#[test]
fn words_get_spaces_cjk_does_not() {
    // Latin words placed with a gap get a space; CJK characters placed with the same gap do not;
    // a CJK character next to a Latin word gets one.
    let d = read(&one_page(
        false,
        "BT /H 12 Tf 72 700 Td (alpha) Tj 40 0 Td (beta) Tj ET \
         BT /F1 12 Tf 72 680 Td <0001> Tj 16 0 Td <0002> Tj 16 0 Td <0003> Tj ET \
         BT /F1 12 Tf 72 660 Td <0001> Tj /H 12 Tf 16 0 Td (word) Tj ET",
    ));
    assert_eq!(texts(&d), ["alpha beta", "项目名", "项 word"]);
}

#[test]
fn size_set_by_the_text_matrix_as_word_does() {
    // Word and WPS write `/F 1 Tf` and scale by Tm; a CTM scale counts as well.
    let d = read(&one_page(
        false,
        "BT /H 1 Tf 12 0 0 12 72 700 Tm (alpha) Tj 12 0 0 12 110 700 Tm (beta) Tj ET \
         q 2 0 0 2 0 0 cm BT /F1 6 Tf 36 340 Td <0001> Tj 8 0 Td <0002> Tj ET Q",
    ));
    assert_eq!(texts(&d), ["alpha beta", "项目"]);
}

#[test]
fn fake_bold_duplicates_are_dropped() {
    let d = read(&one_page(
        false,
        "BT /F1 12 Tf 72 700 Td <00010002> Tj ET BT /F1 12 Tf 72.3 700 Td <00010002> Tj ET",
    ));
    assert_eq!(texts(&d), ["项目"]);
}

// ---------------------------------------------------------------------------------------------
// Scans, blanks, pages

#[test]
fn image_only_page_is_no_text_layer() {
    assert_eq!(read_pdf(&fx_scan(), ReadOptions::ALL), Err(DocError::NoTextLayer));
    assert_eq!(
        read_pdf(&fx_scan(), ReadOptions::FIRST_PAGE),
        Err(DocError::NoTextLayer)
    );
}

#[test]
fn blank_page_and_logo_page_have_no_lines() {
    for bytes in [fx_blank(), fx_logo_only()] {
        let d = read(&bytes);
        assert!(d.lines.is_empty());
        assert!(d.is_blank());
        assert_eq!((d.page_count, d.pages_read), (1, 1));
    }
}

#[test]
fn max_pages_reads_only_the_first_pages() {
    let bytes = fx_three_pages();
    let d = read_pdf(&bytes, ReadOptions::FIRST_PAGE).expect("reads");
    assert_eq!((d.page_count, d.pages_read), (3, 1));
    assert_eq!(texts(&d), ["Page 1"]);
    assert!(d.lines.iter().all(|l| l.page == Some(1)));
    let d = read(&bytes);
    assert_eq!((d.page_count, d.pages_read), (3, 3));
    let pages: Vec<_> = d.lines.iter().map(|l| l.page).collect();
    assert_eq!(pages, [Some(1), Some(2), Some(3)]);
    let d = read_pdf(&bytes, ReadOptions { max_pages: Some(0) }).expect("reads");
    assert_eq!((d.page_count, d.pages_read), (3, 0));
}

// ---------------------------------------------------------------------------------------------
// Encryption

fn encrypted(user_password: &str) -> Vec<u8> {
    let plain = fx_identity_tounicode(true);
    let mut doc = lopdf::Document::load_mem(&plain).expect("fixture loads");
    let version = lopdf::EncryptionVersion::V2 {
        document: &doc,
        owner_password: "owner-secret",
        user_password,
        key_length: 128,
        permissions: lopdf::Permissions::all(),
    };
    let state = lopdf::EncryptionState::try_from(version).expect("encryption state");
    doc.encrypt(&state).expect("encrypts");
    let mut out = Vec::new();
    doc.save_to(&mut out).expect("saves");
    out
}

#[test]
fn encrypted_with_empty_user_password_is_read() {
    let bytes = encrypted("");
    assert!(bytes.windows(8).any(|w| w == b"/Encrypt"));
    assert_eq!(all_text(&read(&bytes)), "项目名称：2021𠮷水");
}

#[test]
fn encrypted_with_a_user_password_is_encrypted() {
    assert_eq!(
        read_pdf(&encrypted("secret"), ReadOptions::ALL),
        Err(DocError::Encrypted)
    );
}

// ---------------------------------------------------------------------------------------------
// Broken input

#[test]
fn garbage_is_broken() {
    let cases: Vec<Vec<u8>> = vec![
        Vec::new(),
        b"hello world".to_vec(),
        b"%PDF-1.7\n".to_vec(),
        b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF".to_vec(),
        (0..4096u32)
            .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
            .collect(),
    ];
    for bytes in cases {
        match read_pdf(&bytes, ReadOptions::ALL) {
            Err(DocError::Broken(msg)) => assert!(!msg.contains("internal error"), "{msg}"),
            other => panic!("expected Broken, got {other:?}"),
        }
    }
}

#[test]
fn hostile_content_streams_do_not_panic() {
    let cases = [
        "BT /F1 1e400 Tf 72 700 Td (x) Tj ET",
        "BT /F1 12 Tf 1e308 1e308 1e308 1e308 1e308 1e308 Tm <0001> Tj ET",
        "q q q q Q Q Q Q Q Q Q Q BT /F1 NaN Tf (x) Tj ET",
        "BT /F1 12 Tf [(((( Tj ET",
        "BT /F1 12 Tf <0001 Tj",
        "BI /W 1 /H 1 ID \u{1}\u{2} no end",
        "BT /F1 12 Tf 0 0 0 0 0 0 Tm <00010002> Tj ET",
        "BT /F1 12 Tf 72 700 Td 999999999999999999999999 Tz <0001> Tj -5 Tz <0002> Tj ET",
        "/Missing Do /F1 Do 1 2 3 4 5 6 7 8 9 cm ] ] ] [ [ [ TJ ' \" T* Td TD Tm",
        "BT /F1 12 Tf 72 700 Td (\\777\\) Tj ET",
    ];
    for c in cases {
        let r = read_pdf(&one_page(false, c), ReadOptions::ALL);
        if let Err(DocError::Broken(msg)) = &r {
            assert!(!msg.contains("internal error"), "{c}: {msg}");
        }
    }
    // Many q without Q, and a huge operand stack.
    let deep = "q ".repeat(100_000) + &"1 ".repeat(200_000) + "BT /F1 12 Tf 72 700 Td <0001> Tj ET";
    assert_eq!(all_text(&read(&one_page(true, &deep))), "项");
}

/// Deterministic mutations (xorshift): byte flips, truncations, deleted and repeated ranges,
/// altered digits. read_pdf must return, never panic in its own code.
#[test]
fn mutated_fixtures_never_panic() {
    let bases = [
        fx_identity_tounicode(false),
        fx_form(true),
        fx_gbk_euc(),
        fx_truetype_differences(),
    ];
    let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut rand = move |n: usize| -> usize {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        (seed % (n.max(1) as u64)) as usize
    };
    let mut cases = 0;
    for base in &bases {
        for round in 0..80 {
            let mut b = base.clone();
            match round % 5 {
                0 => {
                    for _ in 0..1 + rand(4) {
                        let i = rand(b.len());
                        b[i] = rand(256) as u8;
                    }
                }
                1 => b.truncate(rand(b.len())),
                2 => {
                    let i = rand(b.len());
                    let j = (i + rand(64)).min(b.len());
                    b.drain(i..j);
                }
                3 => {
                    let i = rand(b.len());
                    let j = (i + rand(200)).min(b.len());
                    let piece = b[i..j].to_vec();
                    let at = rand(b.len());
                    b.splice(at..at, piece);
                }
                _ => {
                    let digits: Vec<usize> = (0..b.len()).filter(|&i| b[i].is_ascii_digit()).collect();
                    for _ in 0..1 + rand(3) {
                        let i = digits[rand(digits.len())];
                        b[i] = b"0123456789"[rand(10)];
                    }
                }
            }
            let r = read_pdf(&b, ReadOptions::ALL);
            if let Err(DocError::Broken(msg)) = &r {
                assert!(!msg.contains("internal error"), "round {round}: {msg}");
            }
            cases += 1;
        }
    }
    assert_eq!(cases, 320);
}

// ---------------------------------------------------------------------------------------------
// pdftotext

fn halfwidth(s: &str) -> String {
    s.chars()
        .map(|c| match u32::from(c) {
            u @ 0xFF01..=0xFF5E => char::from_u32(u - 0xFF01 + 0x21).unwrap_or(c),
            _ => c,
        })
        .collect()
}

fn pdftotext_available() -> bool {
    std::process::Command::new("pdftotext")
        .arg("-v")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .is_ok()
}

#[test]
fn text_matches_pdftotext_without_whitespace() {
    if !pdftotext_available() {
        println!("note: pdftotext is not on PATH; comparison skipped");
        return;
    }
    let dir = std::env::temp_dir().join(format!("pingshen-pdf-text-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let mut failures = Vec::new();
    for (name, bytes, _) in text_fixtures() {
        let path = dir.join(format!("{name}.pdf"));
        std::fs::write(&path, &bytes).expect("write fixture");
        let out = std::process::Command::new("pdftotext")
            .arg("-q")
            .arg(&path)
            .arg("-")
            .output()
            .expect("pdftotext runs");
        // poppler shows the one-byte codes of GBK-EUC-H as full-width forms; they are ASCII.
        let theirs = halfwidth(&squeeze(&String::from_utf8_lossy(&out.stdout)));
        let ours = halfwidth(&all_text(&read(&bytes)));
        if theirs != ours {
            failures.push(format!("{name}: pdftotext {theirs:?} vs ours {ours:?}"));
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

// ---------------------------------------------------------------------------------------------
// The public samples (only where /work/shared is present)

/// Every PDF of a zip (and of zips inside it, one level): (entry name, bytes).
fn pdfs_in_zip(bytes: &[u8], depth: u32, out: &mut Vec<(String, Vec<u8>)>) {
    use std::io::Read as _;
    let Ok(mut zip) = zip::ZipArchive::new(std::io::Cursor::new(bytes)) else {
        return;
    };
    for i in 0..zip.len() {
        let Ok(mut entry) = zip.by_index(i) else { continue };
        let name = String::from_utf8_lossy(entry.name_raw()).into_owned();
        let lower = name.to_ascii_lowercase();
        let mut data = Vec::new();
        if !entry.is_file() || name.contains("__MACOSX") || entry.read_to_end(&mut data).is_err() {
            continue;
        }
        if lower.ends_with(".pdf") {
            out.push((name, data));
        } else if lower.ends_with(".zip") && depth == 0 {
            pdfs_in_zip(&data, 1, out);
        }
    }
}

#[test]
fn samples_match_pdftotext() {
    let dir = std::path::Path::new("/work/shared/samples/packages");
    if !dir.is_dir() || !pdftotext_available() {
        println!("note: no samples or no pdftotext; skipped");
        return;
    }
    let tmp = std::env::temp_dir().join(format!("pingshen-pdf-samples-{}", std::process::id()));
    std::fs::create_dir_all(&tmp).expect("temp dir");
    let mut zips: Vec<_> = std::fs::read_dir(dir)
        .expect("samples")
        .flatten()
        .map(|e| e.path())
        .collect();
    zips.sort();
    let (mut compared, mut scans) = (0, Vec::new());
    let mut failures = Vec::new();
    for z in zips {
        let Ok(bytes) = std::fs::read(&z) else { continue };
        let mut pdfs = Vec::new();
        pdfs_in_zip(&bytes, 0, &mut pdfs);
        for (i, (name, data)) in pdfs.into_iter().enumerate() {
            let path = tmp.join(format!("{i}.pdf"));
            std::fs::write(&path, &data).expect("write sample");
            let out = std::process::Command::new("pdftotext")
                .arg("-q")
                .arg(&path)
                .arg("-")
                .output();
            let theirs = out
                .ok()
                .filter(|o| o.status.success())
                .map(|o| squeeze(&String::from_utf8_lossy(&o.stdout)));
            let label = format!("{}: {name}", z.display());
            match (read_pdf(&data, ReadOptions::ALL), theirs) {
                (Ok(d), Some(t)) => {
                    compared += 1;
                    if all_text(&d) != t {
                        failures.push(format!("{label}: text differs from pdftotext"));
                    }
                }
                (Err(DocError::NoTextLayer), Some(t)) if t.is_empty() => scans.push(label),
                (Err(DocError::Broken(_)), None) => {}
                (r, t) => failures.push(format!(
                    "{label}: ours {:?} / pdftotext {t:?}",
                    r.map(|d| d.lines.len())
                )),
            }
        }
    }
    let _ = std::fs::remove_dir_all(&tmp);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(compared > 0);
    for pkg in ["pkg-0010", "pkg-0021"] {
        assert!(
            scans.iter().any(|s| s.contains(pkg)),
            "{pkg} should hold a scan: {scans:?}"
        );
    }
    println!("{compared} sample PDFs equal pdftotext's text; scans: {scans:?}");
}

// ---------------------------------------------------------------------------------------------
// Limits

/// Page 2 holds a content stream that inflates past the 64 MiB page limit.
fn fx_bomb_on_page_two() -> Vec<u8> {
    use std::io::Write as _;
    let IdentityFont { mut b, res, .. } = identity_font(false);
    b.page(&res, b"BT /H 12 Tf 72 700 Td (Page one) Tj ET");
    let mut e = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::fast());
    let chunk = vec![b' '; 1 << 20];
    for _ in 0..65 {
        e.write_all(&chunk).expect("in memory");
    }
    let data = e.finish().expect("in memory");
    let mut body = format!("<< /Length {} /Filter /FlateDecode >>\nstream\n", data.len()).into_bytes();
    body.extend_from_slice(&data);
    body.extend_from_slice(b"\nendstream");
    let c = b.w.add(body);
    let p = b.page(&res, b"");
    // Point page 2 at the bomb instead of its own (empty) content.
    let page2 = format!("<< /Type /Page /Parent 1 0 R /MediaBox [0 0 595 842] /Resources {res} /Contents {c} 0 R >>");
    b.w.set(p, page2);
    b.finish()
}

#[test]
fn page_content_limit_and_first_page_reads_stay_cheap() {
    let bytes = fx_bomb_on_page_two();
    let d = read_pdf(&bytes, ReadOptions::FIRST_PAGE).expect("page 1 alone reads");
    assert_eq!(texts(&d), ["Page one"]);
    assert_eq!((d.page_count, d.pages_read), (2, 1));
    match read_pdf(&bytes, ReadOptions::ALL) {
        Err(DocError::Limit(msg)) => assert!(msg.contains("page"), "{msg}"),
        other => panic!("expected Limit, got {other:?}"),
    }
}
