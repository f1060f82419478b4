//! Word documents (docx) read with quick-xml: the main part is found through `_rels/.rels`, and
//! its paragraphs come out as lines of text in document order.

use std::io::{Cursor, Read};

use quick_xml::events::Event;
use quick_xml::Reader;

/// Largest XML part inflated from a docx (the main document part of a real office document is a
/// few MB; a bigger one is refused rather than read).
pub const MAX_PART_BYTES: u64 = 64 * 1024 * 1024;

/// Why a docx could not be read.
#[derive(Debug, thiserror::Error)]
pub enum DocxError {
    #[error("not a readable docx: {0}")]
    Zip(String),
    #[error("the main document part is missing")]
    NoMainPart,
    #[error("the main document part is larger than {MAX_PART_BYTES} bytes")]
    TooLarge,
    #[error("broken XML in the main document part: {0}")]
    Xml(String),
}

fn read_part(zip: &mut zip::ZipArchive<Cursor<&[u8]>>, name: &str) -> Result<Option<Vec<u8>>, DocxError> {
    let Some(idx) = zip.index_for_name(name) else {
        return Ok(None);
    };
    let file = zip.by_index(idx).map_err(|e| DocxError::Zip(e.to_string()))?;
    let mut buf = Vec::new();
    file.take(MAX_PART_BYTES + 1)
        .read_to_end(&mut buf)
        .map_err(|e| DocxError::Zip(e.to_string()))?;
    if buf.len() as u64 > MAX_PART_BYTES {
        return Err(DocxError::TooLarge);
    }
    Ok(Some(buf))
}

/// The main part's path from `_rels/.rels` (the `officeDocument` relationship), else
/// `word/document.xml`.
fn main_part_name(zip: &mut zip::ZipArchive<Cursor<&[u8]>>) -> Result<String, DocxError> {
    if let Some(rels) = read_part(zip, "_rels/.rels")? {
        let mut r = Reader::from_reader(rels.as_slice());
        let mut buf = Vec::new();
        loop {
            match r.read_event_into(&mut buf) {
                Ok(Event::Empty(e)) | Ok(Event::Start(e)) if e.local_name().as_ref() == "Relationship" => {
                    let mut ty = String::new();
                    let mut target = String::new();
                    for a in e.attributes().flatten() {
                        let v = a.value.to_string();
                        match a.key.local_name().as_ref() {
                            "Type" => ty = v,
                            "Target" => target = v,
                            _ => {}
                        }
                    }
                    if ty.ends_with("/officeDocument") && !target.is_empty() {
                        return Ok(target.trim_start_matches('/').to_string());
                    }
                }
                Ok(Event::Eof) | Err(_) => break,
                _ => {}
            }
            buf.clear();
        }
    }
    Ok("word/document.xml".to_string())
}

/// The document's paragraphs (table cells included), in order, each as one line of text.
/// Deleted text (`w:delText`) and `mc:Fallback` alternatives are skipped; tabs become a tab.
pub fn paragraphs(bytes: &[u8]) -> Result<Vec<String>, DocxError> {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| DocxError::Zip(e.to_string()))?;
    let name = main_part_name(&mut zip)?;
    let xml = read_part(&mut zip, &name)?.ok_or(DocxError::NoMainPart)?;
    let mut r = Reader::from_reader(xml.as_slice());
    let mut buf = Vec::new();
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut in_text = false;
    let mut fallback_depth = 0u32;
    loop {
        let ev = r.read_event_into(&mut buf).map_err(|e| DocxError::Xml(e.to_string()))?;
        match ev {
            Event::Start(e) => match e.local_name().as_ref() {
                "t" if fallback_depth == 0 => in_text = true,
                "Fallback" => fallback_depth += 1,
                _ => {}
            },
            Event::Empty(e) if fallback_depth == 0 => match e.local_name().as_ref() {
                "tab" => cur.push('\t'),
                "br" | "cr" => cur.push(' '),
                _ => {}
            },
            Event::End(e) => match e.local_name().as_ref() {
                "t" => in_text = false,
                "Fallback" => fallback_depth = fallback_depth.saturating_sub(1),
                "p" if fallback_depth == 0 => out.push(std::mem::take(&mut cur)),
                _ => {}
            },
            Event::Text(t) if in_text => {
                cur.push_str(&t.xml10_content());
            }
            Event::GeneralRef(g) if in_text => {
                let name = g.xml10_content();
                cur.push_str(match name.as_ref() {
                    "amp" => "&",
                    "lt" => "<",
                    "gt" => ">",
                    "quot" => "\"",
                    "apos" => "'",
                    _ => "",
                });
                if let Some(num) = name.strip_prefix('#') {
                    let code = match num.strip_prefix('x') {
                        Some(hex) => u32::from_str_radix(hex, 16).ok(),
                        None => num.parse().ok(),
                    };
                    if let Some(c) = code.and_then(char::from_u32) {
                        cur.push(c);
                    }
                }
            }
            Event::Eof => break,
            _ => {}
        }
        buf.clear();
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    Ok(out)
}
