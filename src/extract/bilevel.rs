//! The two black-and-white codings scanners and PDF optimisers store text pages in — CCITT fax
//! (Group 3 and Group 4, ITU-T T.4/T.6) and JBIG2 (ITU-T T.88) — decoded to an
//! [`Image::Bilevel`] (set bit black) for OCR. The sizes are checked against [`MAX_PIXELS`]
//! before any row is decoded; a stream that breaks off mid-page keeps the rows decoded so far
//! (the rest white), as a reader of a damaged scan sees it; one that decodes no row gives
//! nothing.

use crate::ocr::{Image, MAX_PIXELS};

/// How a CCITT fax stream is coded: PDF's `/DecodeParms` of `/CCITTFaxDecode` (ISO 32000-1,
/// table 11), with its defaults.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FaxParams {
    /// `/K`: below 0 Group 4, 0 Group 3 one-dimensional, above 0 Group 3 two-dimensional.
    pub k: i64,
    /// `/Columns`: pixels a row (default 1728).
    pub columns: u32,
    /// `/Rows`: rows, 0 when not given (the image's `/Height` then).
    pub rows: u32,
    /// `/BlackIs1`: the filter gives 1 for black (default: 0 for black).
    pub black_is_1: bool,
    /// `/EncodedByteAlign`: each row starts on a byte.
    pub byte_align: bool,
    /// `/EndOfLine`: rows end with EOL codes.
    pub end_of_line: bool,
    /// `/EndOfBlock`: the data may end with an end-of-block code (default true).
    pub end_of_block: bool,
}

impl Default for FaxParams {
    fn default() -> Self {
        FaxParams {
            k: 0,
            columns: 1728,
            rows: 0,
            black_is_1: false,
            byte_align: false,
            end_of_line: false,
            end_of_block: true,
        }
    }
}

/// Packed rows, set bit black, filled row by row.
struct Rows {
    width: u32,
    height: u32,
    row_bytes: usize,
    data: Vec<u8>,
    /// Rows complete so far.
    done: u32,
    /// Pixels pushed into the current row (JBIG2 pushes pixel by pixel).
    x: u32,
}

impl Rows {
    fn new(width: u32, height: u32) -> Option<Rows> {
        if width == 0 || height == 0 || u64::from(width) * u64::from(height) > MAX_PIXELS {
            return None;
        }
        let row_bytes = width.div_ceil(8) as usize;
        Some(Rows {
            width,
            height,
            row_bytes,
            data: vec![0; row_bytes.checked_mul(height as usize)?],
            done: 0,
            x: 0,
        })
    }

    /// Sets pixels `from..to` of the current row black.
    fn black(&mut self, from: u32, to: u32) {
        if self.done >= self.height {
            return;
        }
        let base = self.done as usize * self.row_bytes;
        for x in from..to.min(self.width) {
            if let Some(b) = self.data.get_mut(base + (x / 8) as usize) {
                *b |= 0x80 >> (x % 8);
            }
        }
    }

    fn end_row(&mut self) {
        self.done = self.done.saturating_add(1);
        self.x = 0;
    }

    /// The image, `invert` flipping every pixel; `None` when no row was decoded.
    fn into_image(mut self, invert: bool) -> Option<Image> {
        if self.done == 0 {
            return None;
        }
        if invert {
            for b in &mut self.data {
                *b = !*b;
            }
        }
        Some(Image::Bilevel {
            width: self.width,
            height: self.height,
            data: self.data,
        })
    }
}

impl hayro_ccitt::Decoder for Rows {
    fn push_row(&mut self, changes: &[u32]) {
        // Each row starts white; changes[0]..changes[1] is black, and so on; an odd count ends
        // black.
        for pair in changes.chunks(2) {
            match pair {
                [from, to] => self.black(*from, *to),
                [from] => self.black(*from, self.width),
                _ => {}
            }
        }
        self.end_row();
    }
}

impl hayro_jbig2::Decoder for Rows {
    fn push_pixel(&mut self, black: bool) {
        if black {
            self.black(self.x, self.x.saturating_add(1));
        }
        self.x = self.x.saturating_add(1);
    }

    fn push_pixel_chunk(&mut self, black: bool, chunk_count: u32) {
        let n = chunk_count.saturating_mul(8);
        if black {
            self.black(self.x, self.x.saturating_add(n));
        }
        self.x = self.x.saturating_add(n);
    }

    fn next_line(&mut self) {
        self.end_row();
    }
}

/// A CCITT fax stream of an image `height` rows high (`/Height`; `/Rows` when given wins), as
/// black and white: a pixel is black where the fax codes black, unless `/BlackIs1` and the
/// image's `/Decode` (`inverted`, `[1 0]`) say otherwise — the PDF filter gives 0 for black by
/// default, and a 1-bit gray image or a stencil mask paints 0 black by default.
pub fn decode_fax(data: &[u8], p: &FaxParams, height: u32, inverted: bool) -> Option<Image> {
    let rows = if p.rows > 0 { p.rows } else { height };
    let mut out = Rows::new(p.columns, rows)?;
    let settings = hayro_ccitt::DecodeSettings {
        columns: p.columns,
        rows,
        end_of_block: p.end_of_block,
        end_of_line: p.end_of_line,
        rows_are_byte_aligned: p.byte_align,
        encoding: match p.k {
            k if k < 0 => hayro_ccitt::EncodingMode::Group4,
            0 => hayro_ccitt::EncodingMode::Group3_1D,
            _ => hayro_ccitt::EncodingMode::Group3_2D,
        },
        strict: false,
    };
    let mut ctx = hayro_ccitt::DecoderContext::new(settings);
    // A broken stream keeps the rows decoded before the break.
    let _ = hayro_ccitt::decode(data, &mut out, &mut ctx);
    out.into_image(p.black_is_1 != inverted)
}

/// A JBIG2 stream in PDF's embedded organisation (`/JBIG2Decode`), with the global segments of
/// its `/JBIG2Globals` if any, as black and white: JBIG2 codes black as 1, which the PDF filter
/// gives as 0 (black for a 1-bit gray image), so only the image's `/Decode` (`inverted`) flips
/// it.
pub fn decode_jbig2(data: &[u8], globals: Option<&[u8]>, inverted: bool) -> Option<Image> {
    let settings = hayro_jbig2::DecodeSettings::default();
    let globals = match globals {
        Some(g) => Some(hayro_jbig2::Globals::new(g, &settings).ok()?),
        None => None,
    };
    let page = hayro_jbig2::Page::new_embedded(data, globals.as_ref(), &settings).ok()?;
    jbig2_page(&page, inverted)
}

/// A JBIG2 page's pixels, its size checked first; as for fax, the rows before a break are kept.
fn jbig2_page(page: &hayro_jbig2::Page<'_>, inverted: bool) -> Option<Image> {
    let mut out = Rows::new(page.width(), page.height())?;
    let _ = page.decode(&mut out);
    out.into_image(inverted)
}

/// The signature of a JBIG2 file (T.88 annex D.4.1), as OFD packages store black-and-white scans
/// (`.jb2`).
pub const JBIG2_FILE_SIGNATURE: &[u8] = &[0x97, b'J', b'B', b'2', 0x0D, 0x0A, 0x1A, 0x0A];

/// The first page of a JBIG2 file (sequential or random-access organisation) as black and
/// white (JBIG2's 1 is black).
pub fn decode_jbig2_file(data: &[u8]) -> Option<Image> {
    let file = hayro_jbig2::File::new(data, &hayro_jbig2::DecodeSettings::default()).ok()?;
    jbig2_page(&file.page(0)?, false)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A Group 4 (T.6) coding, by hand, of an 8 × 2 image whose rows are both `..XXXX..`.
    fn g4_two_rows() -> Vec<u8> {
        // Row 0: H(white 2, black 4) = 001 0111 011, then a0 = 6; b1 = 8 (end): V0 → 1.
        // Row 1 (reference row 0: b1 = 2, b2 = 6): V0 → 1 (a1 = 2), V0 → 1 (a2 = 6),
        // then b1 = 8: V0 → 1.
        // EOFB: 000000000001 000000000001.
        let bits = "0010111011".to_string() + "1" + "111" + "000000000001000000000001";
        let mut bytes = Vec::new();
        for chunk in bits.as_bytes().chunks(8) {
            let mut b = 0u8;
            for (i, c) in chunk.iter().enumerate() {
                if *c == b'1' {
                    b |= 0x80 >> i;
                }
            }
            bytes.push(b);
        }
        bytes
    }

    #[test]
    fn a_group_4_fax_decodes_to_its_black_pixels() {
        let p = FaxParams {
            k: -1,
            columns: 8,
            ..FaxParams::default()
        };
        let img = decode_fax(&g4_two_rows(), &p, 2, false).expect("decoded");
        assert_eq!(
            img,
            Image::Bilevel {
                width: 8,
                height: 2,
                data: vec![0b0011_1100, 0b0011_1100]
            }
        );
        // /BlackIs1 or an inverted /Decode flips it; both together do not.
        let flipped = Image::Bilevel {
            width: 8,
            height: 2,
            data: vec![0b1100_0011, 0b1100_0011],
        };
        let black_is_1 = FaxParams { black_is_1: true, ..p };
        assert_eq!(decode_fax(&g4_two_rows(), &black_is_1, 2, false), Some(flipped.clone()));
        assert_eq!(decode_fax(&g4_two_rows(), &p, 2, true), Some(flipped));
        assert_eq!(decode_fax(&g4_two_rows(), &black_is_1, 2, true), Some(img));
    }

    #[test]
    fn a_fax_that_is_broken_empty_or_too_large_gives_nothing_or_its_rows_so_far() {
        let p = FaxParams {
            k: -1,
            columns: 8,
            ..FaxParams::default()
        };
        assert_eq!(decode_fax(&[], &p, 2, false), None);
        let huge = FaxParams { columns: 100_000, ..p };
        assert_eq!(decode_fax(&g4_two_rows(), &huge, 100_000, false), None);
        let zero = FaxParams { columns: 0, ..p };
        assert_eq!(decode_fax(&g4_two_rows(), &zero, 2, false), None);
        // Asked for 4 rows, the data ends after 2: the 2 are kept, the rest is white.
        let img = decode_fax(&g4_two_rows(), &p, 4, false).expect("the rows so far");
        assert_eq!(
            img,
            Image::Bilevel {
                width: 8,
                height: 4,
                data: vec![0b0011_1100, 0b0011_1100, 0, 0]
            }
        );
    }

    #[test]
    fn jbig2_that_is_not_jbig2_gives_nothing() {
        assert_eq!(decode_jbig2(b"not jbig2 at all", None, false), None);
        assert_eq!(decode_jbig2(&[], None, false), None);
        assert_eq!(decode_jbig2(&[0, 0, 0, 0], Some(b"junk"), false), None);
    }
}
