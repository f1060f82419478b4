//! BMP page images, as OFD packages may store scanned pages (GB/T 33190 names BMP among the
//! formats of an `ofd:MultiMedia`).
//!
//! [`decode_bmp`] reads Windows bitmaps with a `BITMAPINFOHEADER` or a later header (40, 52,
//! 56, 108 or 124 bytes), OS/2 1.x bitmaps (the 12-byte core header) and OS/2 2.x headers (16
//! or 64 bytes, uncompressed or RLE); 1, 2, 4 and 8 bits a pixel through a palette, 16 (5-5-5
//! unless bit fields say otherwise), 24 and 32; uncompressed (`BI_RGB`), `BI_BITFIELDS` and
//! `BI_ALPHABITFIELDS`, run-length coded (`BI_RLE8`, `BI_RLE4`: pixels a run skips over keep
//! palette entry 0), and the JPEG or PNG a `BI_JPEG` or `BI_PNG` bitmap wraps; rows bottom-up
//! (a positive height) or top-down (negative), each padded to 4 bytes.
//!
//! A palette of one dark and one light gray at 1 bit a pixel gives [`Image::Bilevel`] (a
//! scanner's black-and-white page stays 1 bit a pixel); any other palette of grays gives
//! [`Image::Gray`]; everything else [`Image::Rgb`]. An alpha channel (a bit-field mask for it)
//! is composed over white, unless every pixel has alpha 0 (writers that leave it unset). Every
//! size is checked before anything is allocated: the pixels against [`crate::ocr::MAX_PIXELS`],
//! the decoded bytes against [`MAX_IMAGE_BYTES`], the pixel data against the file; a bitmap cut
//! short (a run-length bitmap without its end) gives nothing.

use super::images::{self, MAX_IMAGE_BYTES};
use super::tiff::black_and_white;
use crate::ocr::Image;

/// BMP's `biCompression` values.
const BI_RGB: u32 = 0;
const BI_RLE8: u32 = 1;
const BI_RLE4: u32 = 2;
const BI_BITFIELDS: u32 = 3;
const BI_JPEG: u32 = 4;
const BI_PNG: u32 = 5;
const BI_ALPHABITFIELDS: u32 = 6;

/// Whether `file` starts as a BMP does: `BM`, then a known header size at byte 14.
pub fn is_bmp(file: &[u8]) -> bool {
    file.starts_with(b"BM") && le32(file, 14).is_some_and(|s| matches!(s, 12 | 16 | 40 | 52 | 56 | 64 | 108 | 124))
}

fn le16(file: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_le_bytes(file.get(at..at.checked_add(2)?)?.try_into().ok()?))
}

fn le32(file: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes(file.get(at..at.checked_add(4)?)?.try_into().ok()?))
}

/// What the headers say.
struct Header {
    width: u32,
    height: u32,
    top_down: bool,
    bpp: u16,
    compression: u32,
    /// `biSizeImage`: bytes of the pixel data (0 when not given).
    image_size: u32,
    palette: Vec<[u8; 3]>,
    /// Red, green, blue and alpha masks of 16- and 32-bit pixels.
    masks: [u32; 4],
}

/// The decoded image of a BMP file (see the module documentation for what is read); `None`
/// when it is not a BMP, is in a form not read, broken, or larger than the limits.
pub fn decode_bmp(file: &[u8]) -> Option<Image> {
    if !is_bmp(file) {
        return None;
    }
    let data_offset = usize::try_from(le32(file, 10)?).ok()?;
    let h = header(file, data_offset)?;
    let data = file.get(data_offset..)?;
    match h.compression {
        BI_JPEG => {
            let len = if h.image_size > 0 {
                usize::try_from(h.image_size).ok()?
            } else {
                data.len()
            };
            let image = Image::Jpeg(data.get(..len)?.to_vec());
            return image.check().ok().map(|()| image);
        }
        BI_PNG => return images::decode_png(data),
        _ => {}
    }
    let n = images::pixels(h.width, h.height)?;
    if n.checked_mul(3)? > MAX_IMAGE_BYTES {
        return None;
    }
    match (h.compression, h.bpp) {
        (BI_RGB, 1 | 2 | 4 | 8) => {
            if h.bpp == 1 {
                if let Some(black_is_zero) = black_and_white(&h.palette) {
                    return bilevel(&h, data, black_is_zero);
                }
            }
            let indexes = unpack_indexes(&h, data)?;
            from_palette(&h, &indexes)
        }
        (BI_RLE8, 8) | (BI_RLE4, 4) => {
            let indexes = run_lengths(&h, data, h.compression == BI_RLE4)?;
            from_palette(&h, &indexes)
        }
        (BI_RGB | BI_BITFIELDS | BI_ALPHABITFIELDS, 16 | 24 | 32) => direct(&h, data),
        _ => None,
    }
}

/// Reads the file header's companion: the core (12-byte) or info header, the bit-field masks
/// and the palette (the entries before the pixel data at `data_offset`).
fn header(file: &[u8], data_offset: usize) -> Option<Header> {
    let size = le32(file, 14)?;
    let core = size == 12;
    let (width, height, top_down, bpp) = if core {
        (
            u32::from(le16(file, 18)?),
            u32::from(le16(file, 20)?),
            false,
            le16(file, 24)?,
        )
    } else {
        let w = i32::from_le_bytes(file.get(18..22)?.try_into().ok()?);
        let h = i32::from_le_bytes(file.get(22..26)?.try_into().ok()?);
        (
            u32::try_from(w).ok()?,
            h.checked_abs()?.unsigned_abs(),
            h < 0,
            le16(file, 28)?,
        )
    };
    let field = |at: usize| {
        if 14 + size as usize >= at + 4 {
            le32(file, at)
        } else {
            Some(0)
        }
    };
    let compression = if core { BI_RGB } else { field(30)? };
    let os2 = matches!(size, 16 | 64);
    if os2 && !matches!(compression, BI_RGB | BI_RLE8 | BI_RLE4) {
        // OS/2's 3 is Huffman 1D and 4 is RLE24, not bit fields and JPEG.
        return None;
    }
    let image_size = if core { 0 } else { field(34)? };
    let colours_used = if core { 0 } else { field(46)? };
    let header_end = 14usize.checked_add(usize::try_from(size).ok()?)?;
    let bitfields = matches!(compression, BI_BITFIELDS | BI_ALPHABITFIELDS);
    // A 40-byte header is followed by its masks (three, or four with alpha); later headers hold
    // them.
    let mask_bytes = match (size, compression) {
        (40, BI_BITFIELDS) => 12,
        (40, BI_ALPHABITFIELDS) => 16,
        _ => 0,
    };
    let masks = if bitfields {
        let mask = |i: usize| -> Option<u32> {
            let at = 54 + 4 * i;
            if at + 4 <= header_end + mask_bytes {
                le32(file, at)
            } else {
                Some(0)
            }
        };
        [mask(0)?, mask(1)?, mask(2)?, mask(3)?]
    } else {
        match bpp {
            16 => [0x7C00, 0x03E0, 0x001F, 0],
            _ => [0x00FF_0000, 0x0000_FF00, 0x0000_00FF, 0],
        }
    };
    let mut palette = Vec::new();
    if bpp <= 8 {
        let max = 1usize << bpp;
        let count = match usize::try_from(colours_used).ok()? {
            0 => max,
            c => c.min(max),
        };
        let entry = if core { 3 } else { 4 };
        let start = header_end.checked_add(mask_bytes)?;
        for i in 0..count {
            let at = start + i * entry;
            if at + entry > data_offset {
                break;
            }
            let Some(&[b, g, r]) = file.get(at..at + 3) else { break };
            palette.push([r, g, b]);
        }
    }
    Some(Header {
        width,
        height,
        top_down,
        bpp,
        compression,
        image_size,
        palette,
        masks,
    })
}

/// Bytes of one stored row: the row's bits padded to a multiple of 32.
fn stride(h: &Header) -> Option<usize> {
    let bits = u64::from(h.width).checked_mul(u64::from(h.bpp))?;
    usize::try_from(bits.div_ceil(32).checked_mul(4)?).ok()
}

/// The stored rows, top row first, each `stride` bytes; `None` when the data is shorter.
fn rows<'a>(h: &Header, data: &'a [u8]) -> Option<impl Iterator<Item = &'a [u8]> + Clone> {
    let stride = stride(h)?.max(1);
    let height = usize::try_from(h.height).ok()?;
    let stored = data.get(..stride.checked_mul(height)?)?.chunks_exact(stride);
    // A bottom-up bitmap stores its last row first.
    let (down, up) = if h.top_down {
        (Some(stored.clone()), None)
    } else {
        (None, Some(stored.rev()))
    };
    Some(down.into_iter().flatten().chain(up.into_iter().flatten()))
}

/// A 1-bit bitmap whose palette is black and white, as set-bit-black packed rows.
fn bilevel(h: &Header, data: &[u8], black_is_zero: bool) -> Option<Image> {
    let row_len = usize::try_from(h.width.div_ceil(8)).ok()?;
    let mut packed = Vec::with_capacity(row_len.checked_mul(usize::try_from(h.height).ok()?)?);
    for row in rows(h, data)? {
        packed.extend_from_slice(row.get(..row_len)?);
    }
    let Image::Bilevel {
        width,
        height,
        mut data,
    } = images::bilevel(h.width, h.height, black_is_zero, packed)?
    else {
        return None;
    };
    // Bits past the right edge are white, whatever the file held there.
    let spare = (8 - h.width % 8) % 8;
    if spare > 0 {
        let keep = 0xFFu8 << spare;
        for row in data.chunks_exact_mut(row_len.max(1)) {
            if let Some(last) = row.last_mut() {
                *last &= keep;
            }
        }
    }
    Some(Image::Bilevel { width, height, data })
}

/// The palette index of every pixel, top row first, of an uncompressed 1-, 2-, 4- or 8-bit
/// bitmap.
fn unpack_indexes(h: &Header, data: &[u8]) -> Option<Vec<u8>> {
    let width = usize::try_from(h.width).ok()?;
    let bits = usize::from(h.bpp);
    let mask = u8::try_from((1u16 << bits) - 1).ok()?;
    let mut out = Vec::with_capacity(images::pixels(h.width, h.height)?);
    for row in rows(h, data)? {
        for x in 0..width {
            let bit = x * bits;
            let byte = *row.get(bit / 8)?;
            out.push((byte >> (8 - bits - bit % 8)) & mask);
        }
    }
    Some(out)
}

/// The palette indexes of a run-length coded bitmap (`four`: RLE4, else RLE8), top row first;
/// pixels no run reaches keep index 0. `None` when the data ends before the end-of-bitmap code
/// or the last row.
fn run_lengths(h: &Header, data: &[u8], four: bool) -> Option<Vec<u8>> {
    let (w, ht) = (h.width, h.height);
    let mut out = vec![0u8; images::pixels(w, ht)?];
    let (mut x, mut y) = (0u32, 0u32);
    let mut set = |x: u32, y: u32, v: u8| {
        if x < w && y < ht {
            let row = if h.top_down { y } else { ht - 1 - y };
            let at = row as usize * w as usize + x as usize;
            if let Some(p) = out.get_mut(at) {
                *p = v;
            }
        }
    };
    let nibble = |c: u8, k: u32| if k.is_multiple_of(2) { c >> 4 } else { c & 0x0F };
    let mut i = 0usize;
    loop {
        let (&n, &c) = (data.get(i)?, data.get(i + 1)?);
        i += 2;
        if n > 0 {
            for k in 0..u32::from(n) {
                set(x.saturating_add(k), y, if four { nibble(c, k) } else { c });
            }
            x = x.saturating_add(u32::from(n));
            continue;
        }
        match c {
            // End of line.
            0 => {
                x = 0;
                y += 1;
            }
            // End of bitmap.
            1 => break,
            // Delta: move right and up.
            2 => {
                let (&dx, &dy) = (data.get(i)?, data.get(i + 1)?);
                i += 2;
                x = x.saturating_add(u32::from(dx));
                y = y.saturating_add(u32::from(dy));
            }
            // Absolute: `c` pixels as they are, padded to 16 bits.
            count => {
                let bytes = if four {
                    usize::from(count).div_ceil(2)
                } else {
                    usize::from(count)
                };
                let run = data.get(i..i + bytes)?;
                for k in 0..u32::from(count) {
                    let v = if four {
                        nibble(*run.get(k as usize / 2)?, k)
                    } else {
                        *run.get(k as usize)?
                    };
                    set(x.saturating_add(k), y, v);
                }
                x = x.saturating_add(u32::from(count));
                i += bytes + bytes % 2;
            }
        }
        if y >= ht {
            break;
        }
    }
    Some(out)
}

/// Pixels given as palette indexes: gray when every palette entry is gray, else RGB (an index
/// past the palette is black).
fn from_palette(h: &Header, indexes: &[u8]) -> Option<Image> {
    if h.palette.is_empty() {
        return None;
    }
    let colour = |i: u8| h.palette.get(usize::from(i)).copied().unwrap_or([0, 0, 0]);
    let (width, height) = (h.width, h.height);
    if h.palette.iter().all(|&[r, g, b]| r == g && g == b) {
        let data = indexes.iter().map(|&i| colour(i)).map(|[v, _, _]| v).collect();
        Some(Image::Gray { width, height, data })
    } else {
        let mut data = Vec::with_capacity(indexes.len().checked_mul(3)?);
        for &i in indexes {
            data.extend_from_slice(&colour(i));
        }
        Some(Image::Rgb { width, height, data })
    }
}

/// A channel of a 16- or 32-bit pixel scaled to 8 bits.
fn channel(v: u32, mask: u32) -> u8 {
    if mask == 0 {
        return 0;
    }
    let shift = mask.trailing_zeros();
    let max = u64::from(mask >> shift);
    let x = u64::from((v & mask) >> shift);
    u8::try_from((x * 255 + max / 2) / max).unwrap_or(u8::MAX)
}

/// A 16-, 24- or 32-bit bitmap as RGB, its alpha (if it has a mask for it and any pixel is not
/// fully transparent) composed over white.
fn direct(h: &Header, data: &[u8]) -> Option<Image> {
    let width = usize::try_from(h.width).ok()?;
    let bytes = usize::from(h.bpp / 8);
    let rows = rows(h, data)?;
    let [red, green, blue, alpha] = h.masks;
    let pixel = |row: &[u8], x: usize| -> Option<u32> {
        let p = row.get(x * bytes..x * bytes + bytes)?;
        Some(match *p {
            [a, b] => u32::from(u16::from_le_bytes([a, b])),
            [a, b, c] => u32::from_le_bytes([a, b, c, 0]),
            [a, b, c, d] => u32::from_le_bytes([a, b, c, d]),
            _ => return None,
        })
    };
    let mut has_alpha = false;
    if alpha != 0 && h.bpp != 24 {
        'rows: for row in rows.clone() {
            for x in 0..width {
                if pixel(row, x)? & alpha != 0 {
                    has_alpha = true;
                    break 'rows;
                }
            }
        }
    }
    let mut out = Vec::with_capacity(images::pixels(h.width, h.height)?.checked_mul(3)?);
    for row in rows {
        for x in 0..width {
            let v = pixel(row, x)?;
            let a = if has_alpha { u32::from(channel(v, alpha)) } else { 255 };
            for mask in [red, green, blue] {
                let c = u32::from(channel(v, mask));
                out.push(u8::try_from((c * a + 255 * (255 - a) + 127) / 255).unwrap_or(u8::MAX));
            }
        }
    }
    Some(Image::Rgb {
        width: h.width,
        height: h.height,
        data: out,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::tiff::decode_tiff;
    use crate::extract::tiff::tests::{fixture, mean_difference, sha256};

    /// A BMP file: a header of `header` bytes (12: OS/2 core), the masks (after a 40-byte
    /// header, or inside a longer one), the palette and the pixel data as stored.
    #[allow(clippy::too_many_arguments)]
    fn bmp(
        header: u32,
        width: i32,
        height: i32,
        bpp: u16,
        compression: u32,
        palette: &[[u8; 3]],
        masks: &[u32],
        data: &[u8],
    ) -> Vec<u8> {
        let mut h = Vec::new();
        h.extend(header.to_le_bytes());
        if header == 12 {
            h.extend((width as u16).to_le_bytes());
            h.extend((height as u16).to_le_bytes());
            h.extend(1u16.to_le_bytes());
            h.extend(bpp.to_le_bytes());
        } else {
            h.extend(width.to_le_bytes());
            h.extend(height.to_le_bytes());
            h.extend(1u16.to_le_bytes());
            h.extend(bpp.to_le_bytes());
            h.extend(compression.to_le_bytes());
            h.extend((data.len() as u32).to_le_bytes());
            h.extend(2835u32.to_le_bytes());
            h.extend(2835u32.to_le_bytes());
            h.extend((palette.len() as u32).to_le_bytes());
            h.extend(0u32.to_le_bytes());
            if header > 40 {
                for m in masks {
                    h.extend(m.to_le_bytes());
                }
            }
            h.resize(header as usize, 0);
            if header == 40 {
                for m in masks {
                    h.extend(m.to_le_bytes());
                }
            }
        }
        for [r, g, b] in palette {
            h.extend([*b, *g, *r]);
            if header != 12 {
                h.push(0);
            }
        }
        let offset = 14 + h.len() as u32;
        let mut out = b"BM".to_vec();
        out.extend((offset + data.len() as u32).to_le_bytes());
        out.extend(0u32.to_le_bytes());
        out.extend(offset.to_le_bytes());
        out.extend(h);
        out.extend(data);
        out
    }

    /// Rows (top first) as stored: each padded to 4 bytes, bottom row first unless `top_down`.
    fn stored(rows: &[Vec<u8>], top_down: bool) -> Vec<u8> {
        let mut rows: Vec<Vec<u8>> = rows.to_vec();
        if !top_down {
            rows.reverse();
        }
        rows.into_iter()
            .flat_map(|mut r| {
                r.resize(r.len().div_ceil(4) * 4, 0);
                r
            })
            .collect()
    }

    #[test]
    fn a_bottom_up_and_a_top_down_bitmap_give_the_same_rows() {
        // 3 × 2, 24-bit BGR.
        let rows = vec![vec![0, 0, 255, 0, 255, 0, 255, 0, 0], vec![1, 2, 3, 4, 5, 6, 7, 8, 9]];
        let expected = Image::Rgb {
            width: 3,
            height: 2,
            data: vec![255, 0, 0, 0, 255, 0, 0, 0, 255, 3, 2, 1, 6, 5, 4, 9, 8, 7],
        };
        let up = bmp(40, 3, 2, 24, BI_RGB, &[], &[], &stored(&rows, false));
        let down = bmp(40, 3, -2, 24, BI_RGB, &[], &[], &stored(&rows, true));
        assert_eq!(decode_bmp(&up).as_ref(), Some(&expected));
        assert_eq!(decode_bmp(&down).as_ref(), Some(&expected));
        let os2 = bmp(12, 3, 2, 24, BI_RGB, &[], &[], &stored(&rows, false));
        assert_eq!(decode_bmp(&os2), Some(expected));
    }

    #[test]
    fn a_one_bit_black_and_white_bitmap_is_bilevel_whichever_entry_is_black() {
        // 10 × 2: row 0 `X.X.X.X.X.`, row 1 all index 1; the padding bits hold garbage.
        let rows = vec![vec![0b1010_1010, 0b1011_1111], vec![0xFF, 0xFF]];
        let data = stored(&rows, false);
        let white_first = bmp(40, 10, 2, 1, BI_RGB, &[[255; 3], [0; 3]], &[], &data);
        assert_eq!(
            decode_bmp(&white_first),
            Some(Image::Bilevel {
                width: 10,
                height: 2,
                data: vec![0b1010_1010, 0b1000_0000, 0xFF, 0b1100_0000]
            })
        );
        let black_first = bmp(40, 10, 2, 1, BI_RGB, &[[0; 3], [255; 3]], &[], &data);
        assert_eq!(
            decode_bmp(&black_first),
            Some(Image::Bilevel {
                width: 10,
                height: 2,
                data: vec![0b0101_0101, 0b0100_0000, 0, 0]
            })
        );
        // Red and white is colour.
        let red = bmp(40, 10, 2, 1, BI_RGB, &[[255, 0, 0], [255; 3]], &[], &data);
        assert!(matches!(
            decode_bmp(&red),
            Some(Image::Rgb {
                width: 10,
                height: 2,
                ..
            })
        ));
    }

    #[test]
    fn gray_palettes_give_gray_and_colour_palettes_rgb() {
        let grays: Vec<[u8; 3]> = (0..16).map(|i| [i * 17; 3]).collect();
        // 4-bit, 5 × 1: indexes 0 1 2 15 14.
        let data = stored(&[vec![0x01, 0x2F, 0xE0]], false);
        assert_eq!(
            decode_bmp(&bmp(40, 5, 1, 4, BI_RGB, &grays, &[], &data)),
            Some(Image::Gray {
                width: 5,
                height: 1,
                data: vec![0, 17, 34, 255, 238]
            })
        );
        // 8-bit with a colour entry; an index past the palette is black.
        let palette = [[10, 20, 30], [0, 0, 0]];
        let data = stored(&[vec![0, 1, 7]], false);
        assert_eq!(
            decode_bmp(&bmp(40, 3, 1, 8, BI_RGB, &palette, &[], &data)),
            Some(Image::Rgb {
                width: 3,
                height: 1,
                data: vec![10, 20, 30, 0, 0, 0, 0, 0, 0]
            })
        );
        // 2-bit (Windows CE).
        let four = [[0; 3], [85; 3], [170; 3], [255; 3]];
        let data = stored(&[vec![0b0001_1011]], false);
        assert_eq!(
            decode_bmp(&bmp(40, 4, 1, 2, BI_RGB, &four, &[], &data)),
            Some(Image::Gray {
                width: 4,
                height: 1,
                data: vec![0, 85, 170, 255]
            })
        );
    }

    #[test]
    fn sixteen_bit_pixels_scale_five_and_six_bit_channels_to_eight() {
        // White, pure red, and the middle green of each layout.
        let px = |v: &[u16]| stored(&[v.iter().flat_map(|p| p.to_le_bytes()).collect()], false);
        let rgb555 = bmp(40, 3, 1, 16, BI_RGB, &[], &[], &px(&[0x7FFF, 0x7C00, 0x0200]));
        assert_eq!(
            decode_bmp(&rgb555),
            Some(Image::Rgb {
                width: 3,
                height: 1,
                data: vec![255, 255, 255, 255, 0, 0, 0, 132, 0]
            })
        );
        let masks = [0xF800, 0x07E0, 0x001F];
        let expected = Some(Image::Rgb {
            width: 3,
            height: 1,
            data: vec![255, 255, 255, 255, 0, 0, 0, 130, 0],
        });
        let data = px(&[0xFFFF, 0xF800, 0x0400]);
        assert_eq!(
            decode_bmp(&bmp(40, 3, 1, 16, BI_BITFIELDS, &[], &masks, &data)),
            expected
        );
        assert_eq!(
            decode_bmp(&bmp(124, 3, 1, 16, BI_BITFIELDS, &[], &masks, &data)),
            expected
        );
        assert_eq!(
            decode_bmp(&bmp(56, 3, 1, 16, BI_BITFIELDS, &[], &masks, &data)),
            expected
        );
    }

    #[test]
    fn thirty_two_bit_alpha_is_composed_over_white_unless_every_pixel_has_alpha_zero() {
        let masks = [0x00FF_0000, 0x0000_FF00, 0x0000_00FF, 0xFF00_0000];
        let px = |v: &[u32]| stored(&[v.iter().flat_map(|p| p.to_le_bytes()).collect()], false);
        // Opaque blue, black at alpha 128, red at alpha 0.
        let data = px(&[0xFF00_00FF, 0x8000_0000, 0x00FF_0000]);
        assert_eq!(
            decode_bmp(&bmp(108, 3, 1, 32, BI_BITFIELDS, &[], &masks, &data)),
            Some(Image::Rgb {
                width: 3,
                height: 1,
                data: vec![0, 0, 255, 127, 127, 127, 255, 255, 255]
            })
        );
        assert_eq!(
            decode_bmp(&bmp(40, 3, 1, 32, BI_ALPHABITFIELDS, &[], &masks, &data)),
            decode_bmp(&bmp(108, 3, 1, 32, BI_BITFIELDS, &[], &masks, &data))
        );
        // Alpha 0 everywhere is a writer that left it unset: the colours as they are.
        let data = px(&[0x0000_00FF, 0x0000_0000, 0x00FF_0000]);
        let opaque = Some(Image::Rgb {
            width: 3,
            height: 1,
            data: vec![0, 0, 255, 0, 0, 0, 255, 0, 0],
        });
        assert_eq!(
            decode_bmp(&bmp(108, 3, 1, 32, BI_BITFIELDS, &[], &masks, &data)),
            opaque
        );
        // BI_RGB at 32 bits: the fourth byte is unused.
        let data = px(&[0x7700_00FF, 0x1200_0000, 0x00FF_0000]);
        assert_eq!(decode_bmp(&bmp(40, 3, 1, 32, BI_RGB, &[], &[], &data)), opaque);
    }

    #[test]
    fn run_length_bitmaps_decode_runs_absolute_runs_deltas_and_line_ends() {
        let grays: Vec<[u8; 3]> = (0..=255).map(|i| [i as u8; 3]).collect();
        // 5 × 3, bottom row first: row 2 (bottom) = run of 5 × 9; row 1 = absolute 1 2 3, then
        // the rest left as index 0; row 0 (top): delta 2 right, run of 3 × 7.
        let rle8 = [5, 9, 0, 0, 0, 3, 1, 2, 3, 0, 0, 0, 0, 2, 2, 0, 3, 7, 0, 1];
        let image = decode_bmp(&bmp(40, 5, 3, 8, BI_RLE8, &grays, &[], &rle8));
        assert_eq!(
            image,
            Some(Image::Gray {
                width: 5,
                height: 3,
                data: vec![0, 0, 7, 7, 7, 1, 2, 3, 0, 0, 9, 9, 9, 9, 9]
            })
        );
        // RLE4: a run alternates its two nibbles; an absolute run of 3 takes 2 bytes, padded
        // to 4.
        let rle4 = [5, 0x12, 0, 0, 0, 3, 0x34, 0x50, 0, 0, 0, 0, 0, 1];
        let image = decode_bmp(&bmp(40, 5, 3, 4, BI_RLE4, &grays[..16], &[], &rle4));
        assert_eq!(
            image,
            Some(Image::Gray {
                width: 5,
                height: 3,
                data: vec![0, 0, 0, 0, 0, 3, 4, 5, 0, 0, 1, 2, 1, 2, 1]
            })
        );
        // Without its end: nothing.
        assert_eq!(decode_bmp(&bmp(40, 5, 3, 8, BI_RLE8, &grays, &[], &rle8[..6])), None);
    }

    #[test]
    fn a_jpeg_or_png_inside_a_bitmap_is_given_as_such() {
        let jpeg = [0xFF, 0xD8, 0xFF, 0xE0, 0, 0, 0xFF, 0xD9];
        assert_eq!(
            decode_bmp(&bmp(40, 1, 1, 0, BI_JPEG, &[], &[], &jpeg)),
            Some(Image::Jpeg(jpeg.to_vec()))
        );
        assert_eq!(decode_bmp(&bmp(40, 1, 1, 0, BI_PNG, &[], &[], b"not a png")), None);
    }

    #[test]
    fn hostile_or_unsupported_bitmaps_give_nothing_without_panicking() {
        let rows = stored(&[vec![1, 2, 3]], false);
        assert!(decode_bmp(&bmp(40, 1, 1, 24, BI_RGB, &[], &[], &rows)).is_some());
        for file in [
            Vec::new(),
            b"BM".to_vec(),
            b"PK\x03\x04".to_vec(),
            bmp(41, 1, 1, 24, BI_RGB, &[], &[], &rows),
            bmp(40, 0, 1, 24, BI_RGB, &[], &[], &rows),
            bmp(40, -1, 1, 24, BI_RGB, &[], &[], &rows),
            bmp(40, 1, 0, 24, BI_RGB, &[], &[], &rows),
            bmp(40, 1, i32::MIN, 24, BI_RGB, &[], &[], &rows),
            bmp(40, 100_000, 100_000, 24, BI_RGB, &[], &[], &rows),
            bmp(40, i32::MAX, i32::MAX, 32, BI_RGB, &[], &[], &rows),
            bmp(40, 2, 1, 24, BI_RGB, &[], &[], &rows),
            bmp(40, 1, 1, 3, BI_RGB, &[], &[], &rows),
            bmp(40, 1, 1, 8, BI_BITFIELDS, &[], &[], &rows),
            bmp(40, 1, 1, 24, 99, &[], &[], &rows),
            bmp(64, 1, 1, 24, 3, &[], &[], &rows),
            bmp(40, 4, 1, 8, BI_RGB, &[], &[], &rows),
        ] {
            assert_eq!(decode_bmp(&file), None, "{:?}", &file.get(..30));
        }
        // A data offset past the end.
        let mut file = bmp(40, 1, 1, 24, BI_RGB, &[], &[], &rows);
        file[10..14].copy_from_slice(&u32::MAX.to_le_bytes());
        assert_eq!(decode_bmp(&file), None);
    }

    // -----------------------------------------------------------------------------------------
    // Real files: this project's scan, written by netpbm's ppmtobmp and ImageMagick
    // (fixtures/README.md, "Page images").

    /// Each real bitmap with its size, its kind of image and the SHA-256 of the pixels netpbm
    /// 11.01's `bmptopnm` gives (bilevel as 0/255 gray).
    const REAL: [(&str, u32, u32, &str); 8] = [
        (
            "opinion-bilevel.bmp",
            600,
            400,
            "3c285844041662fd348850454a85a565fa8064adb8679edccab1ca7142c7fac5",
        ),
        (
            "opinion-gray-8bit.bmp",
            200,
            140,
            "d20f90983c36753c55cd2e161d55d365ef4d9b66022cdbcd34c7317c12ee67c1",
        ),
        (
            "opinion-gray-rle8.bmp",
            200,
            140,
            "eeb59905b54fbe2b5e0c05845a6dde0dcea6ceb46c897c07ab3d9a5352245bcf",
        ),
        (
            "seal-24bit.bmp",
            128,
            96,
            "5590fc8fcb87dcbfbb48052775af0b39a7e7dc21b231b2d3450a09dfb98ea243",
        ),
        (
            "seal-32bit-v5.bmp",
            128,
            96,
            "5590fc8fcb87dcbfbb48052775af0b39a7e7dc21b231b2d3450a09dfb98ea243",
        ),
        (
            "seal-os2.bmp",
            128,
            96,
            "5590fc8fcb87dcbfbb48052775af0b39a7e7dc21b231b2d3450a09dfb98ea243",
        ),
        (
            "seal-palette-4bit.bmp",
            128,
            96,
            "214bd86bd99d2a51e8c924e8a98343680bec19db8b03b8a95ca84d0a14b7270c",
        ),
        (
            "seal-palette-rle.bmp",
            128,
            96,
            "214bd86bd99d2a51e8c924e8a98343680bec19db8b03b8a95ca84d0a14b7270c",
        ),
    ];

    fn raster(image: &Image) -> (u32, u32, u8, Vec<u8>) {
        let r = image.decode().unwrap();
        (r.width, r.height, r.channels, r.data)
    }

    /// `w × h` pixels of `channels` bytes from (`x`, `y`) of a raster `width` wide.
    fn crop(data: &[u8], width: u32, channels: u8, (x, y, w, h): (u32, u32, u32, u32)) -> Vec<u8> {
        let c = channels as usize;
        (y..y + h)
            .flat_map(|row| {
                let start = (row as usize * width as usize + x as usize) * c;
                data[start..start + w as usize * c].to_vec()
            })
            .collect()
    }

    #[test]
    fn the_real_bitmaps_decode_to_their_size_and_the_pixels_netpbm_gives() {
        for (name, w, h, hash) in REAL {
            let image = decode_bmp(&fixture(name)).unwrap_or_else(|| panic!("{name} decodes"));
            let (width, height, _, data) = raster(&image);
            assert_eq!((width, height), (w, h), "{name}");
            assert_eq!(sha256(&data), hash, "{name}");
        }
        assert!(matches!(
            decode_bmp(&fixture("opinion-bilevel.bmp")),
            Some(Image::Bilevel { .. })
        ));
        assert!(matches!(
            decode_bmp(&fixture("opinion-gray-8bit.bmp")),
            Some(Image::Gray { .. })
        ));
        assert!(matches!(
            decode_bmp(&fixture("seal-24bit.bmp")),
            Some(Image::Rgb { .. })
        ));
    }

    #[test]
    fn the_real_bitmaps_hold_the_pixels_of_the_tiffs_of_the_same_scan() {
        // Black and white: the whole Group 4 page.
        let bmp = decode_bmp(&fixture("opinion-bilevel.bmp")).unwrap();
        let tif = decode_tiff(&fixture("opinion-bilevel-g4.tif")).unwrap();
        assert_eq!(raster(&bmp), raster(&tif));
        // Gray: the top left 200 × 140 of the gray page.
        let gray = raster(&decode_tiff(&fixture("opinion-gray-lzw-predictor.tif")).unwrap());
        let corner = crop(&gray.3, gray.0, 1, (0, 0, 200, 140));
        let bmp = raster(&decode_bmp(&fixture("opinion-gray-8bit.bmp")).unwrap());
        assert_eq!(bmp.3, corner);
        // Colour: the seal, 128 × 96 from (220, 10) of the colour page; 5-6-5 bits a pixel is
        // the same but for the bits it drops.
        let rgb = raster(&decode_tiff(&fixture("seal-rgb-lzw-predictor.tif")).unwrap());
        let seal = crop(&rgb.3, rgb.0, 3, (220, 10, 128, 96));
        for name in ["seal-24bit.bmp", "seal-32bit-v5.bmp", "seal-os2.bmp"] {
            assert_eq!(raster(&decode_bmp(&fixture(name)).unwrap()).3, seal, "{name}");
        }
        let rgb565 = raster(&decode_bmp(&fixture("seal-565.bmp")).unwrap()).3;
        let worst = rgb565.iter().zip(&seal).map(|(a, b)| a.abs_diff(*b)).max().unwrap();
        assert!(worst <= 8, "5-6-5 differs by up to {worst}");
        // Sixteen colours chosen by pnmquant: near the seal.
        let palette = raster(&decode_bmp(&fixture("seal-palette-4bit.bmp")).unwrap()).3;
        assert!(mean_difference(&palette, &seal) < 12.0);
    }

    #[test]
    fn truncated_or_overwritten_real_bitmaps_give_nothing_or_the_whole_size_without_panicking() {
        for (name, w, h, _) in REAL.iter().chain(&[("seal-565.bmp", 128, 96, "")]) {
            let file = fixture(name);
            let step = (file.len() / 97).max(1);
            for cut in (0..file.len().saturating_sub(16)).step_by(step).chain(0..64) {
                assert_eq!(decode_bmp(&file[..cut]), None, "{name} cut at {cut}");
            }
            for at in (0..file.len()).step_by(step) {
                for fill in [0x00, 0xFF, 0x5A] {
                    let mut broken = file.clone();
                    let end = (at + 8).min(broken.len());
                    broken[at..end].fill(fill);
                    if let Some(image) = decode_bmp(&broken) {
                        let (width, height, _, _) = raster(&image);
                        // Overwriting the header can change the size only to a valid one.
                        assert!(at < 54 || (width, height) == (*w, *h), "{name} at {at}");
                    }
                }
            }
        }
    }
}
