//! Entry points shared by the cargo-fuzz targets (`fuzz/`) and the stable replay test
//! (`tests/fuzz_replay.rs`): each takes arbitrary bytes, runs one reader, and must return without
//! panicking, within bounded time and memory, whatever the bytes are.
//!
//! Nothing here catches a panic: a panic is the bug the fuzzer is looking for. [`TARGETS`] lists
//! every entry point by name, so the replay test can refuse a corpus folder that names none.

use std::collections::BTreeSet;
use std::panic::PanicHookInfo;
use std::sync::{LazyLock, Mutex};

use crate::archive::{self, Limits};
use crate::extract::{cmap, docx, ofd, pdf, sheet, text, ReadOptions};
use crate::schema::Schemas;
use crate::sniff::{self, FileKind};
use crate::{names, values, Options, Reviewer};

/// A fuzz entry point: runs one reader on arbitrary bytes and drops what it returns.
pub type Target = fn(&[u8]);

/// Every fuzz entry point by its target name (the name of its folder under `fuzz/seeds/` and
/// `fixtures/fuzz/`, and of its file under `fuzz/fuzz_targets/`).
pub const TARGETS: &[(&str, Target)] = &[
    ("zip_name", zip_name),
    ("archive", archive),
    ("xlsx", xlsx),
    ("xlsx_parts", xlsx_parts),
    ("xls", xls),
    ("docx", docx),
    ("docx_parts", docx_parts),
    ("ofd", ofd),
    ("ofd_parts", ofd_parts),
    ("image", image),
    ("pdf", pdf),
    ("pdf_content", pdf_content),
    ("cmap", cmap),
    ("values", values),
    ("text", text),
    ("review", review),
];

/// The limits of the embedded `package.json`, as a review uses them.
static LIMITS: LazyLock<Limits> = LazyLock::new(|| Schemas::embedded().map(|s| s.limits).unwrap_or_default());

/// The embedded reviewer, built once (`None` only if the embedded schemas were broken, which the
/// test suite rules out).
static REVIEWER: LazyLock<Option<Reviewer>> = LazyLock::new(|| Reviewer::embedded().ok());

/// The `init` of every libFuzzer target: a panic inside a third-party crate (a cargo registry or
/// git source: lopdf, calamine, zip, quick-xml, …) no longer aborts the run at once, so that the
/// guards pingshen puts around such parsers (`catch_unwind` in the PDF and spreadsheet readers)
/// can do their work; such a panic that escapes pingshen still reaches libFuzzer's own
/// `catch_unwind` and aborts the run. Every other panic — pingshen's own code, whether caught
/// or not — aborts at once, as libfuzzer-sys arranges. Each place a dependency panicked is
/// printed once per process.
pub fn init() {
    let abort = std::panic::take_hook();
    let seen: Mutex<BTreeSet<String>> = Mutex::new(BTreeSet::new());
    std::panic::set_hook(Box::new(move |info| {
        let Some(place) = info.location().filter(|l| is_dependency_source(l.file())) else {
            abort(info);
            return;
        };
        let place = place.to_string();
        if seen.lock().map(|mut s| s.insert(place.clone())).unwrap_or(true) {
            eprintln!(
                "fuzz: panic in a dependency at {place}: {} (fatal only if pingshen does not catch it)",
                payload(info)
            );
        }
    }));
}

/// True for a source file of a crate that cargo downloaded (not pingshen, not the standard
/// library).
fn is_dependency_source(file: &str) -> bool {
    file.contains("/registry/src/") || file.contains("/git/checkouts/")
}

fn payload<'a>(info: &'a PanicHookInfo<'_>) -> &'a str {
    let p = info.payload();
    p.downcast_ref::<&str>()
        .copied()
        .or_else(|| p.downcast_ref::<String>().map(String::as_str))
        .unwrap_or("(no message)")
}

/// Entry-name decoding (UTF-8 flag, archive-wide UTF-8 / GB18030 judgement, unsafe and junk
/// names, duplicates): `data` is `flags name₀ 0x00 name₁ 0x00 …`, at most 8 names, each the raw
/// name bytes of one stored, empty entry of a hand-written zip; bit i of `flags` sets the UTF-8
/// flag (general purpose bit 11) of entry i.
pub fn zip_name(data: &[u8]) {
    let (flags, rest) = match data.split_first() {
        Some((f, r)) => (*f, r),
        None => (0, data),
    };
    let names: Vec<(&[u8], bool, &[u8])> = rest
        .split(|&b| b == 0)
        .take(8)
        .enumerate()
        .map(|(i, name)| (name, (flags >> i) & 1 == 1, &[][..]))
        .collect();
    let zip = stored_zip(&names);
    let _ = archive::open(&zip, &LIMITS);
}

/// A whole package archive, with the limits of a review.
pub fn archive(data: &[u8]) {
    let _ = archive::open(data, &LIMITS);
}

/// An xlsx workbook.
pub fn xlsx(data: &[u8]) {
    let _ = sheet::read_workbook(data, FileKind::Xlsx);
}

/// The parts of an xlsx workbook, zipped by the harness so that mutations reach the XML: `data`
/// is [`XLSX_PARTS`]' contents in that order, separated by 0x00 (a part the data does not reach
/// is left out).
pub fn xlsx_parts(data: &[u8]) {
    let _ = sheet::read_workbook(&parts_zip(XLSX_PARTS, data), FileKind::Xlsx);
}

/// The parts [`xlsx_parts`] fills.
pub const XLSX_PARTS: &[&str] = &[
    "xl/worksheets/sheet1.xml",
    "xl/sharedStrings.xml",
    "xl/workbook.xml",
    "xl/_rels/workbook.xml.rels",
    "[Content_Types].xml",
    "_rels/.rels",
    "xl/styles.xml",
];

/// An xls workbook (calamine's reader also takes ods by its content).
pub fn xls(data: &[u8]) {
    let _ = sheet::read_workbook(data, FileKind::Xls);
}

/// A docx document.
pub fn docx(data: &[u8]) {
    let _ = docx::read_docx(data);
}

/// The parts of a docx, zipped by the harness (as [`xlsx_parts`]; parts: [`DOCX_PARTS`]).
pub fn docx_parts(data: &[u8]) {
    let _ = docx::read_docx(&parts_zip(DOCX_PARTS, data));
}

/// The parts [`docx_parts`] fills.
pub const DOCX_PARTS: &[&str] = &["word/document.xml", "_rels/.rels", "[Content_Types].xml"];

/// An OFD document.
pub fn ofd(data: &[u8]) {
    let _ = ofd::read_ofd(data, ReadOptions::ALL);
}

/// The parts of an OFD, zipped by the harness (as [`xlsx_parts`]; parts: [`OFD_PARTS`]).
pub fn ofd_parts(data: &[u8]) {
    let _ = ofd::read_ofd(&parts_zip(OFD_PARTS, data), ReadOptions::ALL);
}

/// The parts [`ofd_parts`] fills.
pub const OFD_PARTS: &[&str] = &[
    "Doc_0/Pages/Page_0/Content.xml",
    "Doc_0/Document.xml",
    "OFD.xml",
    "Doc_0/PublicRes.xml",
];

/// An image file as a scan is taken out of it for OCR (an OFD's page image, a package's `.png`,
/// `.tif`, `.bmp`): every decoder by the file's first bytes, then every TIFF page asked for.
pub fn image(data: &[u8]) {
    let _ = crate::extract::images::decode_file(data.to_vec());
    let _ = crate::extract::images::file_pages(data, FileKind::Tiff, 3);
}

/// A PDF file.
pub fn pdf(data: &[u8]) {
    let _ = pdf::read_pdf(data, ReadOptions::ALL);
}

/// The content-stream interpreter: `data` is the content stream of a well-formed one-page PDF
/// whose resources hold a simple font, composite fonts (Identity-H over Adobe-GB1, UniGB-UCS2-H,
/// GBK-EUC-H, Identity-H with a ToUnicode CMap), an image, a form drawing the same `data` again
/// (its own `Do` is a cycle) and a form drawing a fixed text; an annotation's appearance is that
/// fixed form.
pub fn pdf_content(data: &[u8]) {
    let _ = pdf::read_pdf(&content_pdf(data), ReadOptions::ALL);
}

/// CMap parsing, then every lookup over `data` read as a string of codes.
pub fn cmap(data: &[u8]) {
    let map = cmap::CMap::parse(data);
    let _ = (map.is_empty(), map.has_codespace(), map.use_cmap());
    let mut out = String::new();
    let mut rest = data;
    while !rest.is_empty() {
        let n = map.code_len(rest).unwrap_or(2).clamp(1, rest.len());
        let (code_bytes, tail) = rest.split_at(n);
        let code = code_bytes.iter().fold(0u32, |acc, &b| (acc << 8) | u32::from(b));
        map.lookup(code, &mut out);
        if let Some(cid) = map.cid(code) {
            cmap::gb1_cid_to_unicode(cid, &mut out);
        }
        rest = tail;
    }
    cmap::push_utf16be(data, &mut out);
    for c in out.chars().take(4096) {
        let _ = cmap::gb1_unicode_to_cid(c);
    }
}

/// The value parsers of SPEC §7 on `data` as (lossy) UTF-8 text, and the date arithmetic on what
/// they return.
pub fn values(data: &[u8]) {
    let s = String::from_utf8_lossy(data);
    if let values::DateParse::Date(d) = values::parse_date(&s) {
        date_arithmetic(d, data.len());
    }
    for (range, parsed) in values::find_dates(&s) {
        let _ = s.get(range);
        if let values::DateParse::Date(d) = parsed {
            date_arithmetic(d, data.len());
        }
    }
    let _ = values::parse_bool(&s);
    let _ = values::parse_cn_integer(&s);
    if let Some(n) = values::parse_number(&s) {
        let _ = values::percent_from_number(n);
        for date1904 in [false, true] {
            if let Some(d) = values::Date::from_excel_serial(n, date1904) {
                date_arithmetic(d, data.len());
            }
        }
    }
    let _ = values::parse_percent(&s);
    let _ = values::parse_months(&s);
    let _ = values::parse_year(&s);
    let _ = values::normalize_text(&s);
}

fn date_arithmetic(d: values::Date, n: usize) {
    let months = i32::try_from(n).unwrap_or(i32::MAX);
    let _ = (
        d.add_months(months),
        d.add_months(-months),
        d.add_months(i32::MAX),
        d.add_months(i32::MIN),
    );
    let _ = (d.to_excel_serial(false), d.to_excel_serial(true), d.days_since_epoch());
    let _ = values::Date::new(d.year(), d.month(), d.day());
}

/// The format sniffer, the text-file reader, csv tables, and the name and label normalisers.
pub fn text(data: &[u8]) {
    let _ = sniff::sniff(data);
    let _ = text::read_text(data);
    let _ = sheet::read_workbook(data, FileKind::Text);
    let s = text::decode(data);
    let _ = names::normalize_keyword(&s);
    let _ = names::normalize_file_name(&s);
    let _ = names::normalize_label(&s);
    let _ = names::base_name(&s);
}

/// The whole review of a package.
pub fn review(data: &[u8]) {
    if let Some(reviewer) = REVIEWER.as_ref() {
        let _ = crate::review("fuzz.zip", data, reviewer, &Options::default());
    }
}

// ---------------------------------------------------------------------------------------------
// Inputs written by hand

fn put_u16(out: &mut Vec<u8>, v: usize) {
    out.extend_from_slice(&u16::try_from(v).unwrap_or(u16::MAX).to_le_bytes());
}

fn put_u32(out: &mut Vec<u8>, v: usize) {
    out.extend_from_slice(&u32::try_from(v).unwrap_or(u32::MAX).to_le_bytes());
}

/// The zip [`xlsx_parts`] and its siblings open: `data` split at 0x00 into at most
/// `names.len()` parts (the last one keeps any further 0x00), each stored under its name.
fn parts_zip(names: &[&str], data: &[u8]) -> Vec<u8> {
    let entries: Vec<(&[u8], bool, &[u8])> = names
        .iter()
        .zip(data.splitn(names.len(), |&b| b == 0))
        .map(|(name, part)| (name.as_bytes(), false, part))
        .collect();
    stored_zip(&entries)
}

/// A zip of stored entries: raw name (cut to 65 535 bytes), UTF-8 flag, data.
fn stored_zip(entries: &[(&[u8], bool, &[u8])]) -> Vec<u8> {
    const UTF8: usize = 0x0800;
    let mut out = Vec::new();
    let mut central = Vec::new();
    for &(name, utf8, data) in entries {
        let name = name.get(..usize::from(u16::MAX)).unwrap_or(name);
        let flags = if utf8 { UTF8 } else { 0 };
        let mut crc = flate2::Crc::new();
        crc.update(data);
        let crc = usize::try_from(crc.sum()).unwrap_or(0);
        let offset = out.len();
        // Local file header: version 2.0, no compression, 1980-01-01 00:00.
        put_u32(&mut out, 0x0403_4b50);
        for v in [20, flags, 0, 0, 0x21] {
            put_u16(&mut out, v);
        }
        for v in [crc, data.len(), data.len()] {
            put_u32(&mut out, v);
        }
        put_u16(&mut out, name.len());
        put_u16(&mut out, 0);
        out.extend_from_slice(name);
        out.extend_from_slice(data);
        // Its central directory header.
        put_u32(&mut central, 0x0201_4b50);
        for v in [20, 20, flags, 0, 0, 0x21] {
            put_u16(&mut central, v);
        }
        for v in [crc, data.len(), data.len()] {
            put_u32(&mut central, v);
        }
        for v in [name.len(), 0, 0, 0, 0] {
            put_u16(&mut central, v);
        }
        put_u32(&mut central, 0);
        put_u32(&mut central, offset);
        central.extend_from_slice(name);
    }
    let cd_offset = out.len();
    out.extend_from_slice(&central);
    // End of central directory.
    put_u32(&mut out, 0x0605_4b50);
    for v in [0, 0, entries.len(), entries.len()] {
        put_u16(&mut out, v);
    }
    put_u32(&mut out, central.len());
    put_u32(&mut out, cd_offset);
    put_u16(&mut out, 0);
    out
}

/// A one-page PDF whose page content stream is `content` (see [`pdf_content`]).
fn content_pdf(content: &[u8]) -> Vec<u8> {
    const FIXED_FORM: &[u8] = b"BT /F3 10 Tf 0 0 Td <4E2D6587> Tj /F1 9 Tf 1 0 0 1 5 5 Tm (ab\\(c\\)) Tj ET";
    const TO_UNICODE: &[u8] = b"/CIDInit /ProcSet findresource begin 12 dict begin begincmap\n\
        /CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n\
        /CMapName /Adobe-Identity-UCS def /CMapType 2 def\n\
        1 begincodespacerange <0000> <FFFF> endcodespacerange\n\
        2 beginbfchar <0001> <4E2D> <0002> <D840DC00> endbfchar\n\
        2 beginbfrange <0010> <001F> <0041> <0020> <0022> [<0061> <0062> <00630064>] endbfrange\n\
        endcmap CMapName currentdict /CMap defineresource pop end end\n";
    let gb1 = b"/CIDSystemInfo << /Registry (Adobe) /Ordering (GB1) /Supplement 5 >>".as_slice();
    let cid_font = |sub: &str| -> Vec<u8> {
        let mut v = format!("<< /Type /Font /Subtype /{sub} /BaseFont /STSong-Light ").into_bytes();
        v.extend_from_slice(gb1);
        v.extend_from_slice(b" /DW 1000 /W [1 [500 600] 10 20 250] >>");
        v
    };
    let stream = |dict: &[u8], data: &[u8]| -> Vec<u8> {
        let mut v = b"<< ".to_vec();
        v.extend_from_slice(dict);
        v.extend_from_slice(format!(" /Length {} >>\nstream\n", data.len()).as_bytes());
        v.extend_from_slice(data);
        v.extend_from_slice(b"\nendstream");
        v
    };
    let objects: Vec<Vec<u8>> = vec![
        // 1: catalog, 2: page tree, 3: page, 4: resources, 5: content.
        b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 /MediaBox [0 0 595 842] >>".to_vec(),
        b"<< /Type /Page /Parent 2 0 R /Resources 4 0 R /Contents 5 0 R /Annots [<< /Type /Annot \
          /Subtype /FreeText /Rect [10 10 200 50] /AP << /N 8 0 R >> >>] >>"
            .to_vec(),
        b"<< /Font << /F1 9 0 R /F2 10 0 R /F3 12 0 R /F4 13 0 R /F5 14 0 R >> \
          /XObject << /Fm0 7 0 R /Fm1 8 0 R /Im0 6 0 R >> >>"
            .to_vec(),
        stream(b"", content),
        // 6: an image, 7: a form drawing `content` again, 8: a form drawing a fixed text.
        stream(
            b"/Type /XObject /Subtype /Image /Width 1 /Height 1 /ColorSpace /DeviceGray /BitsPerComponent 8",
            b"\x80",
        ),
        stream(
            b"/Type /XObject /Subtype /Form /BBox [0 0 595 842] /Resources 4 0 R",
            content,
        ),
        stream(
            b"/Type /XObject /Subtype /Form /BBox [0 0 200 40] /Matrix [1 0 0 1 10 10]",
            FIXED_FORM,
        ),
        // 9: a simple font with Differences and widths.
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /FirstChar 32 /LastChar 40 \
          /Widths [278 278 355 556 556 889 667 191 333] \
          /Encoding << /Type /Encoding /BaseEncoding /WinAnsiEncoding /Differences [33 /uni4E2D /fi /Euro] >> >>"
            .to_vec(),
        // 10: Identity-H over Adobe-GB1 (11: its CID font).
        b"<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /Identity-H \
          /DescendantFonts [11 0 R] >>"
            .to_vec(),
        cid_font("CIDFontType0"),
        // 12: UniGB-UCS2-H, 13: GBK-EUC-H, 14: Identity-H with a ToUnicode CMap (15).
        b"<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /UniGB-UCS2-H /DescendantFonts [11 0 R] >>"
            .to_vec(),
        b"<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /GBK-EUC-H /DescendantFonts [11 0 R] >>"
            .to_vec(),
        b"<< /Type /Font /Subtype /Type0 /BaseFont /ABCDEF+SimSun /Encoding /Identity-H \
          /DescendantFonts [16 0 R] /ToUnicode 15 0 R >>"
            .to_vec(),
        stream(b"", TO_UNICODE),
        cid_font("CIDFontType2"),
    ];
    let mut out = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n".to_vec();
    let mut offsets = Vec::with_capacity(objects.len());
    for (i, body) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n", i + 1).as_bytes());
        out.extend_from_slice(body);
        out.extend_from_slice(b"\nendobj\n");
    }
    let xref = out.len();
    out.extend_from_slice(format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes());
    for off in offsets {
        out.extend_from_slice(format!("{off:010} 00000 n \n").as_bytes());
    }
    out.extend_from_slice(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .as_bytes(),
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_content_pdf_reads_its_fixed_texts() {
        let doc = pdf::read_pdf(&content_pdf(b"BT /F3 12 Tf 50 700 Td <4E2D> Tj ET"), ReadOptions::ALL);
        let text: Vec<String> = doc
            .map(|d| d.lines.into_iter().map(|l| l.text).collect())
            .unwrap_or_default();
        let all = text.join("\n");
        assert!(all.contains('中'), "{all:?}");
        assert!(all.contains("ab(c)"), "{all:?}");
    }

    #[test]
    fn the_name_zip_opens_with_its_names() {
        let gbk = encoding_rs::GBK.encode("申报材料/说明.pdf").0;
        let zip = stored_zip(&[(&gbk, false, b""), (b"a.txt", true, b"text")]);
        let a = archive::open(&zip, &LIMITS).map_err(|e| e.to_string());
        let paths: Vec<String> = a
            .map(|a| a.entries.into_iter().map(|e| e.path).collect())
            .unwrap_or_default();
        assert_eq!(paths, ["a.txt", "申报材料/说明.pdf"]);
    }

    #[test]
    fn the_parts_zip_reads_as_a_docx() {
        let rels = concat!(
            r#"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">"#,
            r#"<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/"#,
            r#"relationships/officeDocument" Target="word/document.xml"/></Relationships>"#
        );
        let document = concat!(
            r#"<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">"#,
            "<w:body><w:p><w:r><w:t>项目申报函</w:t></w:r></w:p></w:body></w:document>"
        );
        let data = [document.as_bytes(), rels.as_bytes()].join(&0u8);
        let doc = docx::read_docx(&parts_zip(DOCX_PARTS, &data)).map_err(|e| e.to_string());
        assert_eq!(
            doc.map(|d| d.title().map(str::to_string)),
            Ok(Some("项目申报函".to_string()))
        );
    }
}
