//! The limits of the spreadsheet readers, in one module below them: [`super::sheet`] reads
//! workbooks and [`super::biff`] looks at an `.xls` before it is read, and both keep these
//! numbers, so neither has to reach into the other for them.

/// Most cells pingshen reads from one workbook; past it the workbook is refused, so a sheet
/// claiming a million rows cannot exhaust memory. An xlsx is counted before it is read (its
/// value elements), so the refusal costs one scan, not a parse.
pub const MAX_CELLS: usize = 2_000_000;

/// Longest text of one cell, in characters: Excel's own limit, so no file Excel writes passes
/// it; longer text is a file made to be copied into every cell and line that refers to it.
pub const MAX_CELL_CHARS: usize = 32_767;

/// Most cells calamine may lay out for an xls or ods workbook: it builds every sheet as a dense
/// grid from its first to its last used cell (32-byte values, plus formula strings), so this
/// bounds its memory to about 200 MiB. 4 Mi cells are twice [`MAX_CELLS`]: room for real
/// sheets with gaps, not for one cell in A1 and one in IV65536 (16.7 M cells).
pub const MAX_GRID_CELLS: u64 = 4 << 20;

/// Most bytes of cell text calamine may produce for an xls or ods workbook, counting every copy
/// (a shared string in many cells, a cell repeated over columns and rows).
pub const MAX_GRID_TEXT: u64 = 256 << 20;

/// Largest sum of the declared sizes of the parts of an xlsx or ods (the zip reader never
/// inflates a part past its declared size, so this bounds all inflating). The XML of a
/// 2-million-cell workbook is about 100 MiB.
pub const MAX_WORKBOOK_BYTES: u64 = 512 << 20;

/// Whether `text` is longer than [`MAX_CELL_CHARS`] characters (counted only when its bytes
/// could be).
pub fn too_many_chars(text: &str) -> bool {
    text.len() > MAX_CELL_CHARS && text.chars().count() > MAX_CELL_CHARS
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn characters_not_bytes_are_counted() {
        // Three bytes a character: over the limit in bytes, not in characters.
        assert!(!too_many_chars(&"长".repeat(MAX_CELL_CHARS)));
        assert!(too_many_chars(&"长".repeat(MAX_CELL_CHARS + 1)));
        assert!(!too_many_chars(&"a".repeat(MAX_CELL_CHARS)));
    }
}
