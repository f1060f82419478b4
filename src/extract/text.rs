//! Plain text files (txt) and the character decoding shared by the XML readers.
//!
//! SPEC §6: "Text comes from PDF (text layer), docx (`word/document.xml`, tables included), OFD
//! (TextCode) or txt." A txt has no pages and no tables: each text line is one [`Line`]. Chinese
//! text files come in UTF-8 (with or without a BOM), UTF-16 with a BOM (Windows Notepad's
//! "Unicode") and GBK/GB18030 (Notepad's "ANSI" on a Chinese Windows); the first line is the title
//! (SPEC §4: "the first line of a txt").

use std::borrow::Cow;

use super::{Document, Line};

/// Reads a text file: UTF-8 (BOM optional), UTF-16 LE/BE with a BOM, else GB18030 (a superset of
/// GBK and GB2312). One [`Line`] per text line, split on `\n`, `\r\n` and `\r`; a final line break
/// does not start an empty last line. Lines have no page. Never fails: every byte string decodes
/// (undecodable bytes become U+FFFD).
pub fn read_text(bytes: &[u8]) -> Document {
    let text = decode(bytes);
    Document {
        lines: split_lines(&text)
            .into_iter()
            .map(|text| Line {
                text: text.to_string(),
                page: None,
            })
            .collect(),
        ..Document::default()
    }
}

/// Decodes text: a BOM (UTF-8, UTF-16LE, UTF-16BE) decides; else UTF-8 when the bytes are valid
/// UTF-8; else GB18030.
pub fn decode(bytes: &[u8]) -> Cow<'_, str> {
    if let Some((encoding, bom)) = encoding_rs::Encoding::for_bom(bytes) {
        let rest = bytes.get(bom..).unwrap_or_default();
        return encoding.decode_without_bom_handling(rest).0;
    }
    match std::str::from_utf8(bytes) {
        Ok(s) => Cow::Borrowed(s),
        Err(_) => encoding_rs::GB18030.decode_without_bom_handling(bytes).0,
    }
}

/// Decodes an XML part to UTF-8 for quick-xml (which reads UTF-8 only): a BOM decides; else the
/// `encoding` of the XML declaration when it names an ASCII-compatible encoding other than UTF-8
/// (some Chinese OFD producers write `encoding="GB2312"`); else UTF-8 when valid, else GB18030.
/// The declaration itself is left in place: quick-xml does not act on it.
pub(crate) fn decode_xml(bytes: &[u8]) -> Cow<'_, str> {
    if encoding_rs::Encoding::for_bom(bytes).is_some() {
        return decode(bytes);
    }
    if let Some(encoding) = declared_encoding(bytes) {
        if encoding != encoding_rs::UTF_8 && encoding.is_ascii_compatible() {
            return encoding.decode_without_bom_handling(bytes).0;
        }
    }
    decode(bytes)
}

/// The encoding named by `<?xml … encoding="…"?>` at the start of `bytes`, if any.
fn declared_encoding(bytes: &[u8]) -> Option<&'static encoding_rs::Encoding> {
    let head = bytes.get(..bytes.len().min(512))?;
    let head = head.strip_prefix(b"<?xml")?;
    let end = head.windows(2).position(|w| w == b"?>")?;
    let decl = head.get(..end)?;
    let at = decl.windows(8).position(|w| w == b"encoding")?;
    let rest = decl.get(at.checked_add(8)?..)?;
    let rest = trim_ascii_start(rest).strip_prefix(b"=")?;
    let rest = trim_ascii_start(rest);
    let quote = *rest.first()?;
    if quote != b'"' && quote != b'\'' {
        return None;
    }
    let rest = rest.get(1..)?;
    let close = rest.iter().position(|&b| b == quote)?;
    encoding_rs::Encoding::for_label(rest.get(..close)?)
}

fn trim_ascii_start(bytes: &[u8]) -> &[u8] {
    let skip = bytes.iter().take_while(|b| b.is_ascii_whitespace()).count();
    bytes.get(skip..).unwrap_or_default()
}

/// Splits on `\n`, `\r\n` and `\r`. A trailing line break ends the last line (no empty line after
/// it); an empty input has no lines.
fn split_lines(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0usize;
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        let end = match c {
            '\n' => i + 1,
            '\r' => match chars.peek() {
                Some(&(j, '\n')) => {
                    chars.next();
                    j + 1
                }
                _ => i + 1,
            },
            _ => continue,
        };
        out.push(text.get(start..i).unwrap_or_default());
        start = end;
    }
    if start < text.len() {
        out.push(text.get(start..).unwrap_or_default());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_every_line_break_kind() {
        assert_eq!(split_lines("a\nb\r\nc\rd"), vec!["a", "b", "c", "d"]);
        assert_eq!(split_lines("a\n\nb\n"), vec!["a", "", "b"]);
        assert_eq!(split_lines("\r\n"), vec![""]);
        assert!(split_lines("").is_empty());
    }

    #[test]
    fn xml_declaration_names_the_encoding() {
        let (gbk, _, _) = encoding_rs::GBK.encode("<?xml version=\"1.0\" encoding=\"GB2312\"?><a>中文</a>");
        assert_eq!(
            decode_xml(&gbk),
            "<?xml version=\"1.0\" encoding=\"GB2312\"?><a>中文</a>"
        );
        let utf8 = "<?xml version='1.0' encoding='UTF-8'?><a>中</a>";
        assert_eq!(decode_xml(utf8.as_bytes()), utf8);
        assert_eq!(declared_encoding(b"<?xml version=\"1.0\" encoding=\"x"), None);
    }
}
