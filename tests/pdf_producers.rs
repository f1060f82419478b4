//! What other PDF producers do that the reader must follow: filters written in unusual but
//! legal ways, `/ActualText` on marked content, and the honest answer for pages whose text
//! cannot be read — glyphs that map to no Unicode, and documents with no text at all — which
//! must never come out as an empty "readable" document.

#[path = "pdf_writer/mod.rs"]
mod pdf_writer;
mod support;

use std::io::Write as _;

use pdf_writer::{DocBuilder, PdfWriter};
use pingshen::extract::{read_document, DocError, Document, ReadOptions};
use pingshen::sniff::FileKind;

fn read(bytes: &[u8]) -> Result<Document, DocError> {
    read_document(bytes, FileKind::Pdf, ReadOptions::ALL)
}

fn text(bytes: &[u8]) -> String {
    match read(bytes) {
        Ok(d) => d.lines.iter().map(|l| l.text.as_str()).collect::<Vec<_>>().join("\n"),
        Err(e) => panic!("the PDF should be readable: {e}"),
    }
}

fn zlib(data: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
    e.write_all(data).expect("write to memory");
    e.finish().expect("finish in memory")
}

/// A stream object's body with the raw dictionary entries given (no filter added).
fn raw_stream(dict: &str, data: &[u8]) -> Vec<u8> {
    let mut body = format!("<< {dict} /Length {} >>\nstream\n", data.len()).into_bytes();
    body.extend_from_slice(data);
    body.extend_from_slice(b"\nendstream");
    body
}

/// One page in Helvetica whose content stream object is written by `content` (given the writer,
/// it returns the content stream's body).
fn helvetica_page(content: impl FnOnce(&mut PdfWriter) -> Vec<u8>) -> Vec<u8> {
    let mut w = PdfWriter::new(false);
    let pages = w.reserve();
    let font = w.add("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>");
    let contents = w.reserve();
    let body = content(&mut w);
    w.set(contents, body);
    let page = w.add(format!(
        "<< /Type /Page /Parent {pages} 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 {font} 0 R >> >> \
         /Contents {contents} 0 R >>"
    ));
    w.set(pages, format!("<< /Type /Pages /Kids [{page} 0 R] /Count 1 >>"));
    let root = w.add(format!("<< /Type /Catalog /Pages {pages} 0 R >>"));
    w.finish(root)
}

const HELLO: &[u8] = b"BT /F1 12 Tf 72 770 Td (Acceptance date 2021-06-16) Tj ET\n";

#[test]
fn an_empty_filter_array_means_no_filter() {
    let pdf = helvetica_page(|_| raw_stream("/Filter []", HELLO));
    assert_eq!(text(&pdf), "Acceptance date 2021-06-16");
}

#[test]
fn an_indirect_filter_is_resolved_before_decoding() {
    // The ERP writer's form: `/Filter 3 0 R` with the name in its own object.
    let pdf = helvetica_page(|w| {
        let filter = w.add("/FlateDecode");
        raw_stream(&format!("/Filter {filter} 0 R"), &zlib(HELLO))
    });
    assert_eq!(text(&pdf), "Acceptance date 2021-06-16");
}

#[test]
fn filters_given_as_references_in_an_array_and_abbreviated_are_resolved() {
    let pdf = helvetica_page(|w| {
        let flate = w.add("/Fl");
        let filters = w.add(format!("[{flate} 0 R]"));
        raw_stream(&format!("/Filter {filters} 0 R"), &zlib(HELLO))
    });
    assert_eq!(text(&pdf), "Acceptance date 2021-06-16");
}

#[test]
fn actual_text_inline_replaces_the_glyphs_it_covers() {
    // A ligature drawn as one glyph whose ActualText is the two letters; the year drawn as
    // glyphs that say something else.
    let content = b"BT /F1 12 Tf 72 770 Td (Date ) Tj \
        /Span << /ActualText (2021) >> BDC (XXXX) Tj EMC \
        (-06-16) Tj ET\n";
    let pdf = helvetica_page(|_| raw_stream("", content));
    assert_eq!(text(&pdf), "Date 2021-06-16");
}

#[test]
fn actual_text_in_utf16_from_the_resources_properties() {
    // `/Span /MC0 BDC` with /MC0 in the page resources' /Properties, ActualText in UTF-16BE.
    let actual: String = "验收日期".encode_utf16().map(|u| format!("{u:04X}")).collect();
    let mut b = DocBuilder::new(false);
    let font =
        b.w.add("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>");
    let content = b"BT /F1 12 Tf 72 770 Td /Span /MC0 BDC (????) Tj EMC (: 2021-06-16) Tj ET\n";
    b.page(
        &format!("<< /Font << /F1 {font} 0 R >> /Properties << /MC0 << /ActualText <FEFF{actual}> >> >> >>"),
        content,
    );
    assert_eq!(text(&b.finish()), "验收日期: 2021-06-16");
}

#[test]
fn marked_content_without_actual_text_keeps_its_glyphs() {
    let content = b"BT /F1 12 Tf 72 770 Td /P << /MCID 0 >> BDC (Kept) Tj EMC /Artifact BMC ( text) Tj EMC ET\n";
    let pdf = helvetica_page(|_| raw_stream("", content));
    assert_eq!(text(&pdf), "Kept text");
}

#[test]
fn a_page_of_glyphs_without_unicode_is_unmapped_text_not_an_empty_document() {
    match read(&support::pdf_unmapped(40)) {
        Err(DocError::UnmappedText) => {}
        other => panic!("expected text without Unicode mapping, got {other:?}"),
    }
    assert_eq!(DocError::UnmappedText.to_string(), "text without Unicode mapping");
}

#[test]
fn a_few_unmapped_glyphs_beside_real_text_do_not_make_the_page_unmapped() {
    // A bullet font of three glyphs with no Unicode beside a line of text stays text.
    let mut b = DocBuilder::new(false);
    let sym = b.w.add(
        "<< /Type /Font /Subtype /Type0 /BaseFont /Bullets /Encoding /Identity-H /DescendantFonts [<< /Type /Font \
         /Subtype /CIDFontType2 /BaseFont /Bullets /CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) \
         /Supplement 0 >> >>] >>",
    );
    let font =
        b.w.add("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>");
    let content =
        b"BT /S 12 Tf 60 770 Td <000100020003> Tj /F1 12 Tf 20 0 Td (The project passed its final acceptance.) Tj ET\n";
    b.page(&format!("<< /Font << /F1 {font} 0 R /S {sym} 0 R >> >>"), content);
    let t = text(&b.finish());
    assert!(t.contains("The project passed its final acceptance."), "{t}");
}

#[test]
fn a_blank_pdf_is_no_text_not_a_readable_empty_document() {
    match read(&support::pdf_blank()) {
        Err(DocError::NoText) => {}
        other => panic!("expected no text, got {other:?}"),
    }
}

#[test]
fn a_blank_cover_page_is_read_past_when_only_the_first_page_is_asked_for() {
    let mut b = DocBuilder::new(false);
    let font =
        b.w.add("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>");
    let res = format!("<< /Font << /F1 {font} 0 R >> >>");
    b.page(&res, b"");
    b.page(&res, HELLO);
    let pdf = b.finish();
    let first = read_document(&pdf, FileKind::Pdf, ReadOptions::FIRST_PAGE).expect("readable");
    assert_eq!(first.title(), Some("Acceptance date 2021-06-16"));
    assert_eq!((first.pages_read, first.page_count), (2, 2));
    assert_eq!(text(&pdf), "Acceptance date 2021-06-16");
}

#[test]
fn empty_documents_of_every_format_are_no_text() {
    assert!(matches!(
        read_document(b"  \n\n ", FileKind::Text, ReadOptions::ALL),
        Err(DocError::NoText)
    ));
    assert!(matches!(
        read_document(&support::docx(&[]), FileKind::Docx, ReadOptions::ALL),
        Err(DocError::NoText)
    ));
}
