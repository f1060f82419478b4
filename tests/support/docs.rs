//! Minimal, valid documents written by hand: .docx (paragraphs and one table), PDF 1.4 (one page
//! of Helvetica text, or a scanned page holding only an image) and OFD (GB/T 33190: one page of
//! `TextObject`s).

use super::xml_escape;
use super::zip_builder::{EntryOpts, ZipBuilder};

/// A .docx whose body is these paragraphs (an empty string is an empty paragraph).
pub fn docx(paragraphs: &[&str]) -> Vec<u8> {
    docx_with_table(paragraphs, &[])
}

/// A .docx whose body is these paragraphs, then a table of these rows (the first row is the
/// header row), then an empty paragraph (Word ends a body with a paragraph). With no rows there
/// is no table.
pub fn docx_with_table(paragraphs_before: &[&str], rows: &[Vec<&str>]) -> Vec<u8> {
    let mut body = String::new();
    for p in paragraphs_before {
        body.push_str(&paragraph(p));
    }
    if !rows.is_empty() {
        let columns = rows.iter().map(Vec::len).max().unwrap_or(0);
        body.push_str(concat!(
            "<w:tbl><w:tblPr><w:tblW w:w=\"0\" w:type=\"auto\"/><w:tblBorders>",
            "<w:top w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"000000\"/>",
            "<w:left w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"000000\"/>",
            "<w:bottom w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"000000\"/>",
            "<w:right w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"000000\"/>",
            "<w:insideH w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"000000\"/>",
            "<w:insideV w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"000000\"/>",
            "</w:tblBorders></w:tblPr><w:tblGrid>"
        ));
        for _ in 0..columns {
            body.push_str("<w:gridCol w:w=\"1400\"/>");
        }
        body.push_str("</w:tblGrid>");
        for row in rows {
            body.push_str("<w:tr>");
            for c in 0..columns {
                let text = row.get(c).copied().unwrap_or("");
                body.push_str("<w:tc><w:tcPr><w:tcW w:w=\"1400\" w:type=\"dxa\"/></w:tcPr>");
                body.push_str(&paragraph(text));
                body.push_str("</w:tc>");
            }
            body.push_str("</w:tr>");
        }
        body.push_str("</w:tbl>");
        body.push_str(&paragraph(""));
    }
    let document = format!(
        concat!(
            r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"#,
            "\n",
            r#"<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">"#,
            "<w:body>{}",
            r#"<w:sectPr><w:pgSz w:w="11906" w:h="16838"/><w:pgMar w:top="1440" w:right="1800" w:bottom="1440" w:left="1800" w:header="851" w:footer="992" w:gutter="0"/></w:sectPr>"#,
            "</w:body></w:document>"
        ),
        body
    );
    let content_types = concat!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"#,
        "\n",
        r#"<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">"#,
        r#"<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>"#,
        r#"<Default Extension="xml" ContentType="application/xml"/>"#,
        r#"<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>"#,
        "</Types>"
    );
    let rels = concat!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"#,
        "\n",
        r#"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">"#,
        r#"<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>"#,
        "</Relationships>"
    );
    let mut zip = ZipBuilder::new();
    for (name, text) in [
        ("[Content_Types].xml", content_types),
        ("_rels/.rels", rels),
        ("word/document.xml", document.as_str()),
    ] {
        let opts = EntryOpts {
            deflate: true,
            ..EntryOpts::default()
        };
        zip.file_raw(name.as_bytes(), text.as_bytes(), opts);
    }
    zip.finish()
}

/// One `w:p` holding `text` in one run (no run for an empty paragraph).
fn paragraph(text: &str) -> String {
    if text.is_empty() {
        "<w:p/>".to_string()
    } else {
        format!(
            r#"<w:p><w:r><w:t xml:space="preserve">{}</w:t></w:r></w:p>"#,
            xml_escape(text)
        )
    }
}

/// A PDF 1.4 of one A4 page drawing each line with `Tj` in Helvetica, top to bottom. Only ASCII
/// can be drawn: every other character becomes `?`.
pub fn pdf(lines: &[&str]) -> Vec<u8> {
    let mut content = String::from("BT\n/F1 12 Tf\n16 TL\n72 770 Td\n");
    for (i, line) in lines.iter().enumerate() {
        if i > 0 {
            content.push_str("T*\n");
        }
        content.push('(');
        for ch in line.chars() {
            match ch {
                '(' | ')' | '\\' => {
                    content.push('\\');
                    content.push(ch);
                }
                ' '..='~' => content.push(ch),
                _ => content.push('?'),
            }
        }
        content.push_str(") Tj\n");
    }
    content.push_str("ET\n");
    pdf_objects(&[
        "<< /Type /Catalog /Pages 2 0 R >>".as_bytes().to_vec(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".as_bytes().to_vec(),
        concat!(
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] ",
            "/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>"
        )
        .as_bytes()
        .to_vec(),
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"
            .as_bytes()
            .to_vec(),
        stream_object("", content.as_bytes()),
    ])
}

/// A PDF 1.4 of one A4 page holding no text at all, only a small grey image drawn across the page:
/// what a scanner produces.
pub fn pdf_image_only() -> Vec<u8> {
    let (width, height) = (16u8, 16u8);
    let pixels: Vec<u8> = (0..u16::from(width) * u16::from(height))
        .map(|i| if (i / 16 + i % 16) % 2 == 0 { 0xF0 } else { 0x30 })
        .collect();
    let content = b"q\n595 0 0 842 0 0 cm\n/Im1 Do\nQ\n";
    pdf_objects(&[
        "<< /Type /Catalog /Pages 2 0 R >>".as_bytes().to_vec(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".as_bytes().to_vec(),
        concat!(
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] ",
            "/Resources << /XObject << /Im1 4 0 R >> >> /Contents 5 0 R >>"
        )
        .as_bytes()
        .to_vec(),
        stream_object(
            &format!(
                "/Type /XObject /Subtype /Image /Width {width} /Height {height} /ColorSpace /DeviceGray /BitsPerComponent 8 "
            ),
            &pixels,
        ),
        stream_object("", content),
    ])
}

/// A PDF 1.4 of one A4 page that draws nothing: no text, no image.
pub fn pdf_blank() -> Vec<u8> {
    pdf_objects(&[
        "<< /Type /Catalog /Pages 2 0 R >>".as_bytes().to_vec(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".as_bytes().to_vec(),
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << >> /Contents 4 0 R >>"
            .as_bytes()
            .to_vec(),
        stream_object("", b"0 0 m 100 100 l S\n"),
    ])
}

/// A PDF 1.4 of one A4 page drawing `glyphs` two-byte codes in an `Identity-H` font whose CIDs
/// belong to no known collection, with no ToUnicode and no embedded program: glyphs on the page,
/// none of them with a character — what a subset font whose ToUnicode was stripped gives.
pub fn pdf_unmapped(glyphs: usize) -> Vec<u8> {
    let codes: String = (0..glyphs).map(|i| format!("{:04X}", 0x0100 + i)).collect();
    let content = format!("BT\n/F1 12 Tf\n72 770 Td\n<{codes}> Tj\nET\n");
    pdf_objects(&[
        "<< /Type /Catalog /Pages 2 0 R >>".as_bytes().to_vec(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".as_bytes().to_vec(),
        concat!(
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] ",
            "/Resources << /Font << /F1 4 0 R >> >> /Contents 6 0 R >>"
        )
        .as_bytes()
        .to_vec(),
        "<< /Type /Font /Subtype /Type0 /BaseFont /ABCDEF+SubsetSong /Encoding /Identity-H /DescendantFonts [5 0 R] >>"
            .as_bytes()
            .to_vec(),
        concat!(
            "<< /Type /Font /Subtype /CIDFontType2 /BaseFont /ABCDEF+SubsetSong ",
            "/CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> /DW 1000 >>"
        )
        .as_bytes()
        .to_vec(),
        stream_object("", content.as_bytes()),
    ])
}

/// A PDF 1.4 of two A4 pages: page 1 draws `line` (ASCII) in Helvetica, page 2 draws `glyphs`
/// codes of a font with no Unicode (as [`pdf_unmapped`]): text that vanishes after the first page.
pub fn pdf_text_then_unmapped(line: &str, glyphs: usize) -> Vec<u8> {
    let codes: String = (0..glyphs).map(|i| format!("{:04X}", 0x0100 + i)).collect();
    let page2 = format!("BT\n/F2 12 Tf\n72 770 Td\n<{codes}> Tj\nET\n");
    let page1 = format!("BT\n/F1 12 Tf\n72 770 Td\n({line}) Tj\nET\n");
    pdf_objects(&[
        "<< /Type /Catalog /Pages 2 0 R >>".as_bytes().to_vec(),
        "<< /Type /Pages /Kids [3 0 R 4 0 R] /Count 2 >>".as_bytes().to_vec(),
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 5 0 R >> >> /Contents 7 0 R >>"
            .as_bytes()
            .to_vec(),
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F2 6 0 R >> >> /Contents 8 0 R >>"
            .as_bytes()
            .to_vec(),
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"
            .as_bytes()
            .to_vec(),
        "<< /Type /Font /Subtype /Type0 /BaseFont /ABCDEF+SubsetSong /Encoding /Identity-H /DescendantFonts [9 0 R] >>"
            .as_bytes()
            .to_vec(),
        stream_object("", page1.as_bytes()),
        stream_object("", page2.as_bytes()),
        concat!(
            "<< /Type /Font /Subtype /CIDFontType2 /BaseFont /ABCDEF+SubsetSong ",
            "/CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> /DW 1000 >>"
        )
        .as_bytes()
        .to_vec(),
    ])
}

/// A stream object's body: `<< extra /Length n >> stream … endstream`.
fn stream_object(extra_dict: &str, data: &[u8]) -> Vec<u8> {
    let mut body = format!("<< {extra_dict}/Length {} >>\nstream\n", data.len()).into_bytes();
    body.extend_from_slice(data);
    body.extend_from_slice(b"\nendstream");
    body
}

/// A whole PDF file whose objects 1, 2, … have these bodies (object 1 is the catalog), with a
/// correct cross-reference table.
fn pdf_objects(bodies: &[Vec<u8>]) -> Vec<u8> {
    let mut out = b"%PDF-1.4\n%\xE2\xE3\xCF\xD3\n".to_vec();
    let mut offsets = Vec::with_capacity(bodies.len());
    for (i, body) in bodies.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n", i + 1).as_bytes());
        out.extend_from_slice(body);
        out.extend_from_slice(b"\nendobj\n");
    }
    let xref = out.len();
    out.extend_from_slice(format!("xref\n0 {}\n0000000000 65535 f \n", bodies.len() + 1).as_bytes());
    for offset in offsets {
        out.extend_from_slice(format!("{offset:010} 00000 n \n").as_bytes());
    }
    out.extend_from_slice(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            bodies.len() + 1
        )
        .as_bytes(),
    );
    out
}

/// An OFD file (a zip: `OFD.xml` → `Doc_0/Document.xml` → `Doc_0/Pages/Page_0/Content.xml`) of
/// one A4 page, each line one `TextObject` with its `TextCode`, top to bottom.
pub fn ofd(lines: &[&str]) -> Vec<u8> {
    const NS: &str = "http://www.ofdspec.org/2016";
    let ofd_xml = format!(
        concat!(
            r#"<?xml version="1.0" encoding="UTF-8"?>"#,
            "\n",
            r#"<ofd:OFD xmlns:ofd="{ns}" Version="1.0" DocType="OFD"><ofd:DocBody>"#,
            "<ofd:DocInfo><ofd:DocID>6d1c2ab0e3f44c7b9a5e0f1d2c3b4a59</ofd:DocID>",
            "<ofd:CreationDate>2021-05-10</ofd:CreationDate></ofd:DocInfo>",
            "<ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot></ofd:DocBody></ofd:OFD>"
        ),
        ns = NS
    );
    let document = format!(
        concat!(
            r#"<?xml version="1.0" encoding="UTF-8"?>"#,
            "\n",
            r#"<ofd:Document xmlns:ofd="{ns}"><ofd:CommonData><ofd:MaxUnitID>{max}</ofd:MaxUnitID>"#,
            "<ofd:PageArea><ofd:PhysicalBox>0 0 210 297</ofd:PhysicalBox></ofd:PageArea>",
            "<ofd:PublicRes>PublicRes.xml</ofd:PublicRes></ofd:CommonData>",
            r#"<ofd:Pages><ofd:Page ID="2" BaseLoc="Pages/Page_0/Content.xml"/></ofd:Pages></ofd:Document>"#
        ),
        ns = NS,
        max = 3 + lines.len()
    );
    let public_res = format!(
        concat!(
            r#"<?xml version="1.0" encoding="UTF-8"?>"#,
            "\n",
            r#"<ofd:Res xmlns:ofd="{ns}" BaseLoc="Res"><ofd:Fonts>"#,
            r#"<ofd:Font ID="1" FontName="宋体" FamilyName="宋体"/></ofd:Fonts></ofd:Res>"#
        ),
        ns = NS
    );
    let mut content = format!(
        concat!(
            r#"<?xml version="1.0" encoding="UTF-8"?>"#,
            "\n",
            r#"<ofd:Page xmlns:ofd="{ns}"><ofd:Content><ofd:Layer ID="3">"#
        ),
        ns = NS
    );
    for (i, line) in lines.iter().enumerate() {
        let y = 25 + 8 * i;
        content.push_str(&format!(
            concat!(
                r#"<ofd:TextObject ID="{id}" Boundary="25 {y} 160 6" Font="1" Size="4.2333">"#,
                r#"<ofd:FillColor Value="0 0 0"/><ofd:TextCode X="0" Y="4.5">{text}</ofd:TextCode>"#,
                "</ofd:TextObject>"
            ),
            id = 4 + i,
            y = y,
            text = xml_escape(line)
        ));
    }
    content.push_str("</ofd:Layer></ofd:Content></ofd:Page>");
    let mut zip = ZipBuilder::new();
    for (name, text) in [
        ("OFD.xml", ofd_xml.as_str()),
        ("Doc_0/Document.xml", document.as_str()),
        ("Doc_0/PublicRes.xml", public_res.as_str()),
        ("Doc_0/Pages/Page_0/Content.xml", content.as_str()),
    ] {
        let opts = EntryOpts {
            deflate: true,
            ..EntryOpts::default()
        };
        zip.file_raw(name.as_bytes(), text.as_bytes(), opts);
    }
    zip.finish()
}
