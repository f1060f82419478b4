//! Readers, one module per format family (STYLE.md point 5).
pub mod docx;
pub mod sheet;

use crate::sniff::FileKind;

/// A document's title: its first non-empty line of text (SPEC §4), for the formats whose text
/// pingshen reads so far (docx, txt). `None` when the text cannot be read or is empty.
pub fn title(bytes: &[u8], kind: FileKind) -> Option<String> {
    let first = |lines: &mut dyn Iterator<Item = String>| lines.map(|l| l.trim().to_string()).find(|l| !l.is_empty());
    match kind {
        FileKind::Docx => first(&mut docx::paragraphs(bytes).ok()?.into_iter()),
        FileKind::Text => first(&mut sheet::decode_text(bytes).lines().map(str::to_string)),
        _ => None,
    }
}
