//! TIFF page images, as OFD packages store scanned pages (GB/T 33190 names TIFF among the
//! formats of an `ofd:MultiMedia`) and as office scanners write them: black and white coded
//! Group 4, gray or colour coded LZW or Deflate.
//!
//! Classic TIFF (`II*\0` little-endian, `MM\0*` big-endian; BigTIFF gives nothing), read from
//! its first image file directory (IFD) by [`decode_tiff`], or page by page by
//! [`decode_tiff_pages`]. Reduced-resolution copies (`NewSubfileType` bit 0, a thumbnail) are
//! not pages; SubIFDs are not followed.
//!
//! What is read:
//!
//! * Compression 1 (none), 2 (CCITT modified Huffman), 3 (CCITT T.4, one- or two-dimensional
//!   as `T4Options` bit 0 says, with or without fill bits), 4 (CCITT T.6, Group 4), 5 (LZW, old
//!   style included), 8 and 32946 (Deflate), 32773 (PackBits); Predictor 2 (horizontal
//!   differencing) for 8- and 16-bit samples. CCITT goes through [`bilevel::decode_fax`] and,
//!   like it, keeps the rows decoded before a break (the rest white); any other coding that is
//!   broken or cut short gives nothing.
//! * Compression 7 ("new-style" JPEG) only when one strip holds the whole image: it comes back
//!   as [`Image::Jpeg`], the file's `JPEGTables` spliced in, for [`crate::ocr`] to decode. A
//!   JPEG TIFF of several strips or tiles, and old-style JPEG (6), give nothing.
//! * Photometric 0 (WhiteIsZero), 1 (BlackIsZero), 2 (RGB), 3 (palette) and 5 (CMYK, naively
//!   converted as [`images::unpack`] does); 1, 2, 4, 8 or 16 bits a sample (16-bit samples give
//!   their high byte); 1 to 4 samples a pixel, an extra sample (alpha) composed over white when
//!   `ExtraSamples` says it is alpha and dropped otherwise (8- and 16-bit samples only);
//!   strips or tiles; `PlanarConfiguration` 1, or 2 for 8- and 16-bit samples; `FillOrder` 2
//!   (bits reversed in each byte) for every coding but JPEG.
//! * One-bit gray comes back as [`Image::Bilevel`] (an A4 page at 300 dpi is 1 MB), and so does
//!   a one-bit palette of one dark and one light gray; other gray as [`Image::Gray`], colour as
//!   [`Image::Rgb`].
//!
//! Not read: YCbCr other than inside JPEG, CIELab, floating-point or signed samples, more than
//! 4 samples a pixel, `Orientation` (the rows are given as stored). Such pages give nothing.
//!
//! Every size is checked before anything is allocated: the pixels against
//! [`crate::ocr::MAX_PIXELS`], the decoded bytes against [`MAX_IMAGE_BYTES`], and every offset
//! and count against the file; a directory chain that loops is followed once.

use std::borrow::Cow;
use std::collections::HashSet;
use std::io::Read;

use flate2::read::ZlibDecoder;

use super::bilevel::{self, FaxParams};
use super::images::{self, Colors, MAX_IMAGE_BYTES};
use crate::ocr::{Image, MAX_PIXELS};

/// The two byte-order marks and the classic TIFF version (42) after them.
pub const TIFF_LE: &[u8] = b"II*\0";
pub const TIFF_BE: &[u8] = b"MM\0*";

/// Tags read.
/// Values read of a per-sample field (BitsPerSample, SampleFormat): more than any supported
/// image has samples.
const MAX_SAMPLES: usize = 16;
/// Thumbnail directories a page chain may skip beyond the pages asked for.
const MAX_THUMBNAILS: usize = 16;
/// Strips or tiles an image may have: a 10 000-row image in one-row strips has 10 000, one of
/// 10 000 × 10 000 pixels in 16-pixel tiles about 390 000.
const MAX_PIECES: usize = 1 << 20;

const NEW_SUBFILE_TYPE: u16 = 254;
const IMAGE_WIDTH: u16 = 256;
const IMAGE_LENGTH: u16 = 257;
const BITS_PER_SAMPLE: u16 = 258;
const COMPRESSION: u16 = 259;
const PHOTOMETRIC: u16 = 262;
const FILL_ORDER: u16 = 266;
const STRIP_OFFSETS: u16 = 273;
const SAMPLES_PER_PIXEL: u16 = 277;
const ROWS_PER_STRIP: u16 = 278;
const STRIP_BYTE_COUNTS: u16 = 279;
const PLANAR_CONFIGURATION: u16 = 284;
const T4_OPTIONS: u16 = 292;
const PREDICTOR: u16 = 317;
const COLOR_MAP: u16 = 320;
const TILE_WIDTH: u16 = 322;
const TILE_LENGTH: u16 = 323;
const TILE_OFFSETS: u16 = 324;
const TILE_BYTE_COUNTS: u16 = 325;
const INK_SET: u16 = 332;
const EXTRA_SAMPLES: u16 = 338;
const SAMPLE_FORMAT: u16 = 339;
const JPEG_TABLES: u16 = 347;

/// The decoded first page of a TIFF file (see the module documentation for what is read); the
/// other pages of a multi-page TIFF are left out ([`decode_tiff_pages`] reads them). `None`
/// when the file is not a classic TIFF, its first page is in a form not read, broken, or
/// larger than the limits.
pub fn decode_tiff(file: &[u8]) -> Option<Image> {
    decode_tiff_pages(file, 1).into_iter().next().flatten()
}

/// The first `max_pages` pages of a TIFF file, in the order of its directory chain, each
/// decoded as [`decode_tiff`] decodes the first (`None` for a page that cannot be). The chain
/// ends at the first directory that is out of the file or seen before; every page is decoded
/// in memory, so a caller bounds `max_pages`.
pub fn decode_tiff_pages(file: &[u8], max_pages: usize) -> Vec<Option<Image>> {
    let mut out = Vec::new();
    let Some((order, first)) = header(file) else {
        return out;
    };
    let mut seen = HashSet::new();
    let mut offset = first;
    // Thumbnails are skipped but counted: a chain of them cannot run on through the file.
    let mut directories = max_pages.saturating_add(MAX_THUMBNAILS);
    while out.len() < max_pages && offset != 0 && directories > 0 && seen.insert(offset) {
        directories -= 1;
        let Some(ifd) = Ifd::read(file, order, offset) else {
            break;
        };
        offset = ifd.next;
        if ifd.uint(NEW_SUBFILE_TYPE).unwrap_or(0) & 1 == 1 {
            continue;
        }
        out.push(decode_ifd(&ifd));
    }
    out
}

/// The byte order (`true` big-endian) and the offset of the first directory.
fn header(file: &[u8]) -> Option<(bool, u32)> {
    let big = if file.starts_with(TIFF_LE) {
        false
    } else if file.starts_with(TIFF_BE) {
        true
    } else {
        return None;
    };
    Some((big, read_u32(file, 4, big)?))
}

fn read_u16(file: &[u8], at: usize, big: bool) -> Option<u16> {
    let b: [u8; 2] = file.get(at..at.checked_add(2)?)?.try_into().ok()?;
    Some(if big {
        u16::from_be_bytes(b)
    } else {
        u16::from_le_bytes(b)
    })
}

fn read_u32(file: &[u8], at: usize, big: bool) -> Option<u32> {
    let b: [u8; 4] = file.get(at..at.checked_add(4)?)?.try_into().ok()?;
    Some(if big {
        u32::from_be_bytes(b)
    } else {
        u32::from_le_bytes(b)
    })
}

/// One directory entry whose values lie inside the file.
struct Entry<'a> {
    tag: u16,
    kind: u16,
    count: usize,
    data: &'a [u8],
}

/// An image file directory: its entries and the offset of the next one (0 at the end).
struct Ifd<'a> {
    file: &'a [u8],
    big: bool,
    entries: Vec<Entry<'a>>,
    next: u32,
}

/// Bytes one value of a field type takes (TIFF 6.0 section 2; 16–18 are BigTIFF's).
fn type_size(kind: u16) -> Option<usize> {
    match kind {
        1 | 2 | 6 | 7 => Some(1),
        3 | 8 => Some(2),
        4 | 9 | 11 | 13 => Some(4),
        5 | 10 | 12 | 16 | 17 | 18 => Some(8),
        _ => None,
    }
}

impl<'a> Ifd<'a> {
    /// The directory at `offset`; entries of an unknown type or whose values lie outside the
    /// file are left out (as if the tag were absent). `None` when the directory itself is out of
    /// the file.
    fn read(file: &'a [u8], big: bool, offset: u32) -> Option<Ifd<'a>> {
        let at = usize::try_from(offset).ok()?;
        let count = usize::from(read_u16(file, at, big)?);
        let first = at.checked_add(2)?;
        let end = first.checked_add(count.checked_mul(12)?)?;
        let table = file.get(first..end)?;
        let mut entries = Vec::with_capacity(count);
        for (i, raw) in table.chunks_exact(12).enumerate() {
            let field = first.checked_add(i.checked_mul(12)?)?;
            let (Some(tag), Some(kind), Some(n)) = (
                read_u16(file, field, big),
                read_u16(file, field + 2, big),
                read_u32(file, field + 4, big),
            ) else {
                continue;
            };
            let Some(size) = type_size(kind) else { continue };
            let Some(len) = usize::try_from(n).ok().and_then(|n| n.checked_mul(size)) else {
                continue;
            };
            let data = if len <= 4 {
                raw.get(8..8 + len)
            } else {
                read_u32(file, field + 8, big)
                    .and_then(|o| usize::try_from(o).ok())
                    .and_then(|o| file.get(o..o.checked_add(len)?))
            };
            if let Some(data) = data {
                entries.push(Entry {
                    tag,
                    kind,
                    count: len / size,
                    data,
                });
            }
        }
        let next = read_u32(file, end, big).unwrap_or(0);
        Some(Ifd {
            file,
            big,
            entries,
            next,
        })
    }

    fn get(&self, tag: u16) -> Option<&Entry<'a>> {
        self.entries.iter().find(|e| e.tag == tag)
    }

    /// The first `limit` unsigned integer values of a BYTE, SHORT, LONG or LONG8 field: a field
    /// may declare hundreds of millions of values, of which a reader needs a known few (one
    /// offset a strip), so no more are made.
    fn uints(&self, tag: u16, limit: usize) -> Option<Vec<u64>> {
        let e = self.get(tag)?;
        let size = match e.kind {
            1 | 7 => 1,
            3 => 2,
            4 | 13 => 4,
            16 => 8,
            _ => return None,
        };
        let mut out = Vec::with_capacity(e.count.min(limit));
        for v in e.data.chunks_exact(size).take(limit) {
            out.push(match *v {
                [a] => u64::from(a),
                [a, b] => u64::from(if self.big {
                    u16::from_be_bytes([a, b])
                } else {
                    u16::from_le_bytes([a, b])
                }),
                [a, b, c, d] => u64::from(if self.big {
                    u32::from_be_bytes([a, b, c, d])
                } else {
                    u32::from_le_bytes([a, b, c, d])
                }),
                _ => {
                    let b: [u8; 8] = v.try_into().ok()?;
                    if self.big {
                        u64::from_be_bytes(b)
                    } else {
                        u64::from_le_bytes(b)
                    }
                }
            });
        }
        Some(out)
    }

    /// The first value of an integer field.
    fn uint(&self, tag: u16) -> Option<u64> {
        self.uints(tag, 1)?.first().copied()
    }

    /// A field's first value as `u32` (a value that does not fit is `None`).
    fn u32(&self, tag: u16) -> Option<u32> {
        u32::try_from(self.uint(tag)?).ok()
    }
}

/// Where the image's pieces are: strips (a tile as wide as the image) or tiles.
struct Layout {
    /// Size of one strip or tile.
    chunk_w: u32,
    chunk_h: u32,
    across: u32,
    down: u32,
    tiled: bool,
    offsets: Vec<u64>,
    counts: Vec<u64>,
}

/// The image of one directory.
fn decode_ifd(ifd: &Ifd<'_>) -> Option<Image> {
    let width = ifd.u32(IMAGE_WIDTH)?;
    let height = ifd.u32(IMAGE_LENGTH)?;
    images::pixels(width, height)?;
    let compression = ifd.uint(COMPRESSION).unwrap_or(1);
    let spp = ifd.u32(SAMPLES_PER_PIXEL).unwrap_or(1);
    let bits_all = ifd.uints(BITS_PER_SAMPLE, MAX_SAMPLES).unwrap_or_else(|| vec![1]);
    let bps = u8::try_from(*bits_all.first()?).ok()?;
    if bits_all.iter().any(|&b| b != u64::from(bps)) || !matches!(bps, 1 | 2 | 4 | 8 | 16) {
        return None;
    }
    if let Some(formats) = ifd.uints(SAMPLE_FORMAT, MAX_SAMPLES) {
        if formats.iter().any(|&f| f != 1) {
            return None;
        }
    }
    let fax = matches!(compression, 2..=4);
    let photometric = match ifd.uint(PHOTOMETRIC) {
        Some(p) => p,
        None if fax => 0,
        None if spp >= 3 => 2,
        None => 1,
    };
    if photometric == 3 && bps > 8 {
        return None;
    }
    let planar = ifd.uint(PLANAR_CONFIGURATION).unwrap_or(1);
    let planes = match planar {
        1 => 1,
        2 if spp == 1 || bps >= 8 => spp,
        _ => return None,
    };
    let layout = layout(ifd, width, height, planes, compression, bps, spp)?;
    if compression == 7 {
        return jpeg(ifd, &layout, width, height, photometric);
    }
    // Colour models read (YCbCr only inside JPEG, above), checked again by `to_image`.
    if !matches!(photometric, 0..=3 | 5) || (fax && (bps != 1 || spp != 1)) {
        return None;
    }
    let predictor = ifd.uint(PREDICTOR).unwrap_or(1);
    if !(predictor == 1 || (predictor == 2 && bps >= 8)) {
        return None;
    }
    let fill_reversed = ifd.uint(FILL_ORDER) == Some(2);
    let t4 = ifd.uint(T4_OPTIONS).unwrap_or(0);
    let full = images::packed_len(width, height, spp, bps)?;
    let dest_row = images::row_bytes(width, spp, bps)?;
    let chunk_spp = if planes > 1 { 1 } else { spp };
    let src_row = images::row_bytes(layout.chunk_w, chunk_spp, bps)?;
    // The pieces decoded together stay under the limits (tiles may pass the image's edge).
    let pieces = u64::from(layout.across) * u64::from(layout.down);
    let piece_pixels = u64::from(layout.chunk_w) * u64::from(layout.chunk_h);
    if pieces.checked_mul(piece_pixels)? > 2 * MAX_PIXELS {
        return None;
    }
    let piece_bytes = u64::try_from(src_row).ok()?.checked_mul(u64::from(layout.chunk_h))?;
    let all_bytes = pieces.checked_mul(u64::from(planes))?.checked_mul(piece_bytes)?;
    if all_bytes > u64::try_from(MAX_IMAGE_BYTES).ok()? {
        return None;
    }
    let file_big = ifd.big;
    let mut data = vec![0u8; full];
    let mut decoded_any = false;
    let mut k = 0usize;
    for plane in 0..planes {
        for cy in 0..layout.down {
            for cx in 0..layout.across {
                let index = k;
                k += 1;
                let x0 = cx.checked_mul(layout.chunk_w)?;
                let y0 = cy.checked_mul(layout.chunk_h)?;
                let rows = if layout.tiled {
                    layout.chunk_h
                } else {
                    layout.chunk_h.min(height - y0)
                };
                let expected = src_row.checked_mul(usize::try_from(rows).ok()?)?;
                let raw = chunk_bytes(ifd, &layout, index, fax)?;
                let raw: Cow<'_, [u8]> = if fill_reversed {
                    Cow::Owned(raw.iter().map(|b| b.reverse_bits()).collect())
                } else {
                    Cow::Borrowed(raw)
                };
                let piece = match compression {
                    1 => raw.get(..expected).map(<[u8]>::to_vec),
                    2..=4 => fax_rows(&raw, compression, t4, layout.chunk_w, rows),
                    5 => lzw(&raw, expected),
                    8 | 32946 => inflate_exact(&raw, expected),
                    32773 => packbits(&raw, expected),
                    _ => return None,
                };
                let Some(mut piece) = piece else {
                    if fax {
                        // A broken fax piece stays white, as a reader of the damaged scan sees it.
                        continue;
                    }
                    return None;
                };
                decoded_any = true;
                if predictor == 2 {
                    undo_predictor(&mut piece, src_row, chunk_spp, bps, file_big)?;
                }
                let visible = Rect {
                    x0,
                    y0,
                    cols: layout.chunk_w.min(width - x0),
                    rows: rows.min(height - y0),
                };
                let plane = (planes > 1).then_some(plane);
                place(&mut data, dest_row, &piece, src_row, &visible, spp, bps, plane)?;
            }
        }
    }
    if !decoded_any {
        return None;
    }
    let (bits, data) = if bps == 16 {
        let high = usize::from(!file_big);
        let eight = data
            .chunks_exact(2)
            .map(|p| p.get(high).copied().unwrap_or(0))
            .collect();
        (8, eight)
    } else {
        (bps, data)
    };
    to_image(ifd, width, height, photometric, spp, bits, data)
}

/// The strips or tiles of a directory, with as many offsets and byte counts as the image needs.
fn layout(ifd: &Ifd<'_>, width: u32, height: u32, planes: u32, compression: u64, bps: u8, spp: u32) -> Option<Layout> {
    let tiled = ifd.get(TILE_WIDTH).is_some();
    let (chunk_w, chunk_h, offsets_tag, counts_tag) = if tiled {
        let tw = ifd.u32(TILE_WIDTH)?;
        let th = ifd.u32(TILE_LENGTH)?;
        (tw, th, TILE_OFFSETS, TILE_BYTE_COUNTS)
    } else {
        let rps = match ifd.u32(ROWS_PER_STRIP) {
            Some(0) | None => height,
            Some(r) => r.min(height),
        };
        (width, rps, STRIP_OFFSETS, STRIP_BYTE_COUNTS)
    };
    if chunk_w == 0 || chunk_h == 0 {
        return None;
    }
    let across = width.div_ceil(chunk_w);
    let down = height.div_ceil(chunk_h);
    let pieces = usize::try_from(u64::from(across) * u64::from(down) * u64::from(planes))
        .ok()
        .filter(|&p| p <= MAX_PIECES)?;
    let offsets = ifd.uints(offsets_tag, pieces)?;
    let counts = ifd.uints(counts_tag, pieces);
    if offsets.len() < pieces {
        return None;
    }
    let counts = match counts {
        Some(c) => c,
        // Without byte counts only an uncompressed single strip can be read: it is as long as
        // its pixels.
        None if compression == 1 && pieces == 1 && !tiled => {
            vec![u64::try_from(images::packed_len(width, height, spp, bps)?).ok()?]
        }
        None => return None,
    };
    if counts.len() < pieces {
        return None;
    }
    Some(Layout {
        chunk_w,
        chunk_h,
        across,
        down,
        tiled,
        offsets,
        counts,
    })
}

/// The bytes of strip or tile `index`. Out of the file is `None`, except for CCITT (`lenient`),
/// where the part inside the file is given (maybe nothing) to decode the rows it holds.
fn chunk_bytes<'a>(ifd: &Ifd<'a>, layout: &Layout, index: usize, lenient: bool) -> Option<&'a [u8]> {
    let file = ifd.file;
    let off = usize::try_from(*layout.offsets.get(index)?).ok()?;
    let len = usize::try_from(*layout.counts.get(index)?).ok()?;
    let end = off.checked_add(len)?;
    match file.get(off..end) {
        Some(b) => Some(b),
        None if lenient => Some(file.get(off..).unwrap_or(&[])),
        None => None,
    }
}

/// The part of a strip or tile inside the image: its top left corner and size in pixels.
struct Rect {
    x0: u32,
    y0: u32,
    cols: u32,
    rows: u32,
}

/// Copies a decoded strip or tile (rows of `src_row` bytes) into the image (rows of `dest_row`
/// bytes, samples interleaved). `plane` is the sample a piece of a separated image holds (8- or
/// 16-bit samples only); `None` for interleaved pieces, whose left edge must fall on a byte
/// (TIFF tiles are a multiple of 16 pixels wide).
#[allow(clippy::too_many_arguments)]
fn place(
    out: &mut [u8],
    dest_row: usize,
    piece: &[u8],
    src_row: usize,
    at: &Rect,
    spp: u32,
    bps: u8,
    plane: Option<u32>,
) -> Option<()> {
    let bits = u64::from(bps);
    for r in 0..usize::try_from(at.rows).ok()? {
        let src = piece.get(r.checked_mul(src_row)?..)?;
        let dest_start = usize::try_from(u64::from(at.y0) + r as u64)
            .ok()?
            .checked_mul(dest_row)?;
        let dest = out.get_mut(dest_start..dest_start.checked_add(dest_row)?)?;
        match plane {
            None => {
                let start_bits = u64::from(at.x0) * u64::from(spp) * bits;
                if start_bits % 8 != 0 {
                    return None;
                }
                let start = usize::try_from(start_bits / 8).ok()?;
                let len = usize::try_from((u64::from(at.cols) * u64::from(spp) * bits).div_ceil(8)).ok()?;
                dest.get_mut(start..start.checked_add(len)?)?
                    .copy_from_slice(src.get(..len)?);
            }
            Some(p) => {
                let size = usize::from(bps / 8);
                let stride = usize::try_from(spp).ok()?.checked_mul(size)?;
                let first = usize::try_from(at.x0).ok()?.checked_mul(stride)?;
                let offset = usize::try_from(p).ok()?.checked_mul(size)?;
                for c in 0..usize::try_from(at.cols).ok()? {
                    let s = src.get(c * size..c * size + size)?;
                    let d = first + c * stride + offset;
                    dest.get_mut(d..d + size)?.copy_from_slice(s);
                }
            }
        }
    }
    Some(())
}

/// A CCITT strip or tile of `rows` rows of `columns` pixels, as packed rows with a set bit where
/// the fax codes black (TIFF's sample value 1 for a black run, whatever the photometric).
fn fax_rows(data: &[u8], compression: u64, t4: u64, columns: u32, rows: u32) -> Option<Vec<u8>> {
    let p = match compression {
        // Modified Huffman: one-dimensional rows, each starting on a byte, no EOL codes.
        2 => FaxParams {
            k: 0,
            columns,
            rows,
            byte_align: true,
            end_of_block: false,
            ..FaxParams::default()
        },
        3 => FaxParams {
            k: i64::from(t4 & 1 == 1),
            columns,
            rows,
            byte_align: t4 & 4 == 4,
            ..FaxParams::default()
        },
        _ => FaxParams {
            k: -1,
            columns,
            rows,
            ..FaxParams::default()
        },
    };
    match bilevel::decode_fax(data, &p, rows, false)? {
        Image::Bilevel { data, .. } => Some(data),
        _ => None,
    }
}

/// LZW as TIFF codes it (MSB first, the code width switching one code early), or as old
/// writers did (LSB first, the stream starting `00 x1`): exactly `expected` bytes, else `None`.
fn lzw(data: &[u8], expected: usize) -> Option<Vec<u8>> {
    use weezl::{decode::Decoder, BitOrder, LzwStatus};
    let old_style = data.first() == Some(&0) && data.get(1).is_some_and(|b| b & 1 == 1);
    let mut decoder = if old_style {
        Decoder::new(BitOrder::Lsb, 8)
    } else {
        Decoder::with_tiff_size_switch(BitOrder::Msb, 8)
    };
    let mut out = vec![0u8; expected];
    let mut filled = 0usize;
    let mut input = data;
    while filled < expected {
        let result = decoder.decode_bytes(input, out.get_mut(filled..)?);
        filled = filled.checked_add(result.consumed_out)?;
        input = input.get(result.consumed_in..)?;
        match result.status {
            Ok(LzwStatus::Ok) if result.consumed_in > 0 || result.consumed_out > 0 => {}
            _ => break,
        }
    }
    (filled == expected).then_some(out)
}

/// Deflate (a zlib stream): its first `expected` bytes, `None` when it is broken or shorter.
fn inflate_exact(data: &[u8], expected: usize) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(expected);
    ZlibDecoder::new(data)
        .take(u64::try_from(expected).ok()?)
        .read_to_end(&mut out)
        .ok()?;
    (out.len() == expected).then_some(out)
}

/// PackBits (Apple's run-length coding): `expected` bytes, `None` when the data ends first.
fn packbits(data: &[u8], expected: usize) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(expected);
    let mut i = 0usize;
    while out.len() < expected {
        let n = *data.get(i)? as i8;
        i += 1;
        if n >= 0 {
            let len = usize::from(n.unsigned_abs()) + 1;
            out.extend_from_slice(data.get(i..i.checked_add(len)?)?);
            i += len;
        } else if n != -128 {
            let len = usize::from(n.unsigned_abs()) + 1;
            let b = *data.get(i)?;
            i += 1;
            out.resize(out.len() + len, b);
        }
    }
    out.truncate(expected);
    Some(out)
}

/// Undoes Predictor 2 (each sample stored as its difference from the same sample of the pixel
/// to its left) in rows of `row_len` bytes of `spp` samples of 8 or 16 bits, 16-bit samples in
/// the file's byte order.
fn undo_predictor(data: &mut [u8], row_len: usize, spp: u32, bps: u8, big: bool) -> Option<()> {
    let spp = usize::try_from(spp).ok()?;
    for row in data.chunks_exact_mut(row_len.max(1)) {
        match bps {
            8 => {
                for i in spp..row.len() {
                    let left = *row.get(i - spp)?;
                    let v = row.get_mut(i)?;
                    *v = v.wrapping_add(left);
                }
            }
            16 => {
                let read = |row: &[u8], i: usize| -> Option<u16> {
                    let b = [*row.get(i)?, *row.get(i + 1)?];
                    Some(if big {
                        u16::from_be_bytes(b)
                    } else {
                        u16::from_le_bytes(b)
                    })
                };
                let step = spp * 2;
                let mut i = step;
                while i + 1 < row.len() {
                    let v = read(row, i)?.wrapping_add(read(row, i - step)?);
                    let b = if big { v.to_be_bytes() } else { v.to_le_bytes() };
                    row.get_mut(i..i + 2)?.copy_from_slice(&b);
                    i += 2;
                }
            }
            _ => return None,
        }
    }
    Some(())
}

/// Packed samples of `bits` (1, 2, 4 or 8) bits, interleaved, as the image the photometric
/// interpretation says.
fn to_image(
    ifd: &Ifd<'_>,
    width: u32,
    height: u32,
    photometric: u64,
    spp: u32,
    bits: u8,
    data: Vec<u8>,
) -> Option<Image> {
    let colours: u32 = match photometric {
        0 | 1 | 3 => 1,
        2 => 3,
        // InkSet 1 (the default) is CMYK; 2 is other inks.
        5 if ifd.uint(INK_SET).unwrap_or(1) == 1 => 4,
        _ => return None,
    };
    if spp < colours {
        return None;
    }
    if spp > colours {
        return with_extra_samples(ifd, width, height, photometric, spp, colours, bits, &data);
    }
    match photometric {
        0 | 1 if bits == 1 => images::bilevel(width, height, photometric == 1, data),
        0 => images::unpack(width, height, bits, &Colors::Gray, true, &data),
        1 => images::unpack(width, height, bits, &Colors::Gray, false, &data),
        2 => images::unpack(width, height, bits, &Colors::Rgb, false, &data),
        3 => {
            let palette = palette(ifd, bits)?;
            if bits == 1 {
                if let Some(black_is_zero) = black_and_white(&palette) {
                    return images::bilevel(width, height, black_is_zero, data);
                }
            }
            images::unpack(width, height, bits, &Colors::Indexed(palette), false, &data)
        }
        _ => images::unpack(width, height, bits, &Colors::Cmyk, false, &data),
    }
}

/// The `ColorMap` of a palette image of `bits`-bit indexes: all reds, then all greens, then all
/// blues, 16 bits each (the high byte is taken).
fn palette(ifd: &Ifd<'_>, bits: u8) -> Option<Vec<[u8; 3]>> {
    if bits > 8 {
        return None;
    }
    let map = ifd.uints(COLOR_MAP, 3 << 16)?;
    let n = 1usize << bits;
    if map.len() < 3 * n {
        return None;
    }
    let c = |i: usize| map.get(i).map(|&v| u8::try_from(v >> 8).unwrap_or(u8::MAX));
    (0..n).map(|i| Some([c(i)?, c(n + i)?, c(2 * n + i)?])).collect()
}

/// For a two-entry palette of one dark and one light gray: whether entry 0 is the dark one.
pub(crate) fn black_and_white(palette: &[[u8; 3]]) -> Option<bool> {
    let gray = |&[r, g, b]: &[u8; 3]| (r == g && g == b).then_some(r);
    match palette {
        [a, b] => match (gray(a)?, gray(b)?) {
            (a, b) if a < 128 && b >= 128 => Some(true),
            (a, b) if a >= 128 && b < 128 => Some(false),
            _ => None,
        },
        _ => None,
    }
}

/// Gray, RGB or CMYK of 8 bits with extra samples after the colour: the first extra is alpha,
/// composed over white, when `ExtraSamples` says so (1 premultiplied, 2 not); otherwise the
/// extras are dropped.
#[allow(clippy::too_many_arguments)]
fn with_extra_samples(
    ifd: &Ifd<'_>,
    width: u32,
    height: u32,
    photometric: u64,
    spp: u32,
    colours: u32,
    bits: u8,
    data: &[u8],
) -> Option<Image> {
    if bits != 8 || photometric == 3 {
        return None;
    }
    let alpha = ifd.uint(EXTRA_SAMPLES).unwrap_or(0);
    let spp = usize::try_from(spp).ok()?;
    let colours = usize::try_from(colours).ok()?;
    let out_channels = if colours == 1 { 1 } else { 3 };
    let n = images::pixels(width, height)?;
    let mut out = Vec::with_capacity(n.checked_mul(out_channels)?);
    for p in data.chunks_exact(spp) {
        let at = |i: usize| p.get(i).copied().unwrap_or(0);
        let a = u32::from(at(colours));
        let over = |v: u8| -> u8 {
            let v = u32::from(v);
            let composed = match alpha {
                1 => (v + 255 - a).min(255),
                2 => (v * a + 255 * (255 - a) + 127) / 255,
                _ => v,
            };
            u8::try_from(composed).unwrap_or(u8::MAX)
        };
        match photometric {
            0 => out.push(over(255 - at(0))),
            1 => out.push(over(at(0))),
            2 => out.extend_from_slice(&[over(at(0)), over(at(1)), over(at(2))]),
            _ => {
                let k = at(3);
                for ink in [at(0), at(1), at(2)] {
                    out.push(over(255u8.saturating_sub(ink.saturating_add(k))));
                }
            }
        }
    }
    if out.len() != n.checked_mul(out_channels)? {
        return None;
    }
    Some(images::gray_or_rgb(width, height, out_channels == 1, out))
}

/// A JPEG-coded image ("new-style", compression 7) held whole in one strip (or one tile the
/// size of the image): the strip's JPEG stream with the `JPEGTables` (the quantisation and
/// Huffman tables libtiff keeps apart) put back after its start-of-image marker.
fn jpeg(ifd: &Ifd<'_>, layout: &Layout, width: u32, height: u32, photometric: u64) -> Option<Image> {
    if !matches!(photometric, 1 | 2 | 6) || layout.across != 1 || layout.down != 1 {
        return None;
    }
    if layout.tiled && (layout.chunk_w != width || layout.chunk_h != height) {
        return None;
    }
    if ifd.uint(PLANAR_CONFIGURATION).unwrap_or(1) != 1 {
        return None;
    }
    let stream = chunk_bytes(ifd, layout, 0, false)?;
    let body = stream.strip_prefix(&[0xFF, 0xD8])?;
    let tables = ifd
        .get(JPEG_TABLES)
        .map(|e| e.data)
        .and_then(|t| t.strip_prefix(&[0xFF, 0xD8]))
        .and_then(|t| t.strip_suffix(&[0xFF, 0xD9]))
        .unwrap_or(&[]);
    let mut out = Vec::with_capacity(stream.len().checked_add(tables.len())?);
    out.extend_from_slice(&[0xFF, 0xD8]);
    out.extend_from_slice(tables);
    out.extend_from_slice(body);
    let image = Image::Jpeg(out);
    image.check().ok().map(|()| image)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use std::io::Write;

    // -----------------------------------------------------------------------------------------
    // A small TIFF writer: pages of packed interleaved samples, cut into strips or tiles, with
    // Predictor 2 and one of four codings, in either byte order.

    #[derive(Debug, Clone, Copy, PartialEq)]
    enum Codec {
        None,
        PackBits,
        Lzw,
        Deflate,
    }

    impl Codec {
        const ALL: [Codec; 4] = [Codec::None, Codec::PackBits, Codec::Lzw, Codec::Deflate];

        fn tag(self) -> u32 {
            match self {
                Codec::None => 1,
                Codec::PackBits => 32773,
                Codec::Lzw => 5,
                Codec::Deflate => 8,
            }
        }

        fn encode(self, data: &[u8]) -> Vec<u8> {
            match self {
                Codec::None => data.to_vec(),
                Codec::PackBits => packbits_encode(data),
                Codec::Lzw => weezl::encode::Encoder::with_tiff_size_switch(weezl::BitOrder::Msb, 8)
                    .encode(data)
                    .unwrap(),
                Codec::Deflate => {
                    let mut e = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
                    e.write_all(data).unwrap();
                    e.finish().unwrap()
                }
            }
        }
    }

    fn packbits_encode(d: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        let mut i = 0;
        while i < d.len() {
            let mut run = 1;
            while i + run < d.len() && run < 128 && d[i + run] == d[i] {
                run += 1;
            }
            if run >= 2 {
                out.push((1 - run as i16) as i8 as u8);
                out.push(d[i]);
                i += run;
                continue;
            }
            let start = i;
            while i < d.len() && i - start < 128 && !(i + 1 < d.len() && d[i + 1] == d[i]) {
                i += 1;
            }
            if i == start {
                i += 1;
            }
            out.push((i - start - 1) as u8);
            out.extend_from_slice(&d[start..i]);
        }
        out
    }

    #[derive(Debug, Clone, Copy)]
    enum Pieces {
        Strips(u32),
        Tiles(u32, u32),
    }

    #[derive(Debug, Clone)]
    struct Page {
        width: u32,
        height: u32,
        bps: u16,
        spp: u16,
        photometric: u16,
        codec: Codec,
        predictor: bool,
        pieces: Pieces,
        planar: bool,
        /// More entries: tag, type (3 SHORT, 4 LONG), values.
        extra: Vec<(u16, u16, Vec<u32>)>,
        /// Pieces given already coded (with this compression), instead of coding `pixels`.
        coded: Option<(u32, Vec<Vec<u8>>)>,
        /// Packed interleaved samples, 16-bit ones in the file's byte order.
        pixels: Vec<u8>,
    }

    impl Page {
        fn new(width: u32, height: u32, bps: u16, spp: u16, photometric: u16, pixels: Vec<u8>) -> Page {
            Page {
                width,
                height,
                bps,
                spp,
                photometric,
                codec: Codec::None,
                predictor: false,
                pieces: Pieces::Strips(u32::MAX),
                planar: false,
                extra: Vec::new(),
                coded: None,
                pixels,
            }
        }

        fn row_bytes(&self, width: u32, spp: u16) -> usize {
            (width as usize * spp as usize * self.bps as usize).div_ceil(8)
        }

        /// The samples of plane `p` (planar pages, 8-bit samples), or all of them.
        fn plane(&self, p: Option<usize>) -> Vec<u8> {
            match p {
                None => self.pixels.clone(),
                Some(p) => self.pixels.iter().skip(p).step_by(self.spp as usize).copied().collect(),
            }
        }

        /// The coded pieces, plane by plane, row of pieces by row.
        fn pieces(&self, big: bool) -> Vec<Vec<u8>> {
            if let Some((_, coded)) = &self.coded {
                return coded.clone();
            }
            let planes: Vec<Option<usize>> = if self.planar {
                (0..self.spp as usize).map(Some).collect()
            } else {
                vec![None]
            };
            let spp = if self.planar { 1 } else { self.spp };
            let full_row = self.row_bytes(self.width, spp);
            let (pw, ph) = match self.pieces {
                Pieces::Strips(r) => (self.width, r.min(self.height)),
                Pieces::Tiles(w, h) => (w, h),
            };
            let tiled = matches!(self.pieces, Pieces::Tiles(..));
            let piece_row = self.row_bytes(pw, spp);
            let mut out = Vec::new();
            for plane in planes {
                let samples = self.plane(plane);
                for y0 in (0..self.height).step_by(ph as usize) {
                    for x0 in (0..self.width).step_by(pw as usize) {
                        let rows = if tiled { ph } else { ph.min(self.height - y0) };
                        let mut raw = Vec::new();
                        for r in 0..rows {
                            let mut row = vec![0u8; piece_row];
                            let y = y0 + r;
                            if y < self.height {
                                let start = x0 as usize * spp as usize * self.bps as usize / 8;
                                let len = piece_row.min(full_row - start);
                                let src = y as usize * full_row + start;
                                row[..len].copy_from_slice(&samples[src..src + len]);
                            }
                            if self.predictor {
                                predict(&mut row, spp as usize, self.bps, big);
                            }
                            raw.extend(row);
                        }
                        out.push(self.codec.encode(&raw));
                    }
                }
            }
            out
        }
    }

    /// Predictor 2, forward: each sample less the same sample of the pixel to its left.
    fn predict(row: &mut [u8], spp: usize, bps: u16, big: bool) {
        if bps == 8 {
            for i in (spp..row.len()).rev() {
                row[i] = row[i].wrapping_sub(row[i - spp]);
            }
        } else {
            let get = |row: &[u8], i: usize| {
                let b = [row[i], row[i + 1]];
                if big {
                    u16::from_be_bytes(b)
                } else {
                    u16::from_le_bytes(b)
                }
            };
            let step = spp * 2;
            let mut i = row.len() / 2 * 2;
            while i >= step + 2 {
                i -= 2;
                let v = get(row, i).wrapping_sub(get(row, i - step));
                let b = if big { v.to_be_bytes() } else { v.to_le_bytes() };
                row[i..i + 2].copy_from_slice(&b);
            }
        }
    }

    /// A TIFF of `pages`, and the offset of each page's directory.
    fn write_tiff(pages: &[Page], big: bool) -> (Vec<u8>, Vec<usize>) {
        let u16b = |v: u16| if big { v.to_be_bytes() } else { v.to_le_bytes() };
        let u32b = |v: u32| if big { v.to_be_bytes() } else { v.to_le_bytes() };
        let mut out = if big { TIFF_BE.to_vec() } else { TIFF_LE.to_vec() };
        out.extend(u32b(0));
        let mut ifds = Vec::new();
        let mut link_at = 4;
        for page in pages {
            let pieces = page.pieces(big);
            let mut offsets = Vec::new();
            for p in &pieces {
                offsets.push(out.len() as u32);
                out.extend(p);
                if out.len() % 2 == 1 {
                    out.push(0);
                }
            }
            let counts: Vec<u32> = pieces.iter().map(|p| p.len() as u32).collect();
            let compression = page.coded.as_ref().map_or(page.codec.tag(), |c| c.0);
            let mut entries: Vec<(u16, u16, Vec<u32>)> = vec![
                (256, 4, vec![page.width]),
                (257, 4, vec![page.height]),
                (258, 3, vec![u32::from(page.bps); page.spp as usize]),
                (259, 3, vec![compression]),
                (262, 3, vec![u32::from(page.photometric)]),
                (277, 3, vec![u32::from(page.spp)]),
            ];
            if page.predictor {
                entries.push((317, 3, vec![2]));
            }
            if page.planar {
                entries.push((284, 3, vec![2]));
            }
            match page.pieces {
                Pieces::Strips(r) => {
                    entries.push((273, 4, offsets));
                    if r != u32::MAX {
                        entries.push((278, 4, vec![r]));
                    }
                    entries.push((279, 4, counts));
                }
                Pieces::Tiles(w, h) => {
                    entries.push((322, 3, vec![w]));
                    entries.push((323, 3, vec![h]));
                    entries.push((324, 4, offsets));
                    entries.push((325, 4, counts));
                }
            }
            for e in &page.extra {
                entries.retain(|x| x.0 != e.0);
                entries.push(e.clone());
            }
            entries.sort_by_key(|e| e.0);
            if out.len() % 2 == 1 {
                out.push(0);
            }
            let ifd = out.len();
            out[link_at..link_at + 4].copy_from_slice(&u32b(ifd as u32));
            ifds.push(ifd);
            let mut values_at = ifd + 2 + entries.len() * 12 + 4;
            let mut values = Vec::new();
            out.extend(u16b(entries.len() as u16));
            for (tag, kind, vals) in &entries {
                let mut bytes = Vec::new();
                for &v in vals {
                    if *kind == 3 {
                        bytes.extend(u16b(v as u16));
                    } else {
                        bytes.extend(u32b(v));
                    }
                }
                out.extend(u16b(*tag));
                out.extend(u16b(*kind));
                out.extend(u32b(vals.len() as u32));
                if bytes.len() <= 4 {
                    bytes.resize(4, 0);
                    out.extend(&bytes);
                } else {
                    out.extend(u32b(values_at as u32));
                    values_at += bytes.len();
                    values.extend(bytes);
                }
            }
            link_at = out.len();
            out.extend(u32b(0));
            out.extend(values);
        }
        (out, ifds)
    }

    fn tiff_of(page: Page, big: bool) -> Vec<u8> {
        write_tiff(&[page], big).0
    }

    /// A gray test card: every value differs from its neighbours, so a misplaced byte shows.
    fn card(width: u32, height: u32, channels: u32) -> Vec<u8> {
        (0..width * height * channels)
            .map(|i| {
                let (p, c) = (i / channels, i % channels);
                let (x, y) = (p % width, p / width);
                (x * 7 + y * 31 + c * 85 + (x * y) % 13) as u8
            })
            .collect()
    }

    /// The decoded pixels of an image (bilevel as 0/255 gray).
    fn raster(image: &Image) -> (u32, u32, u8, Vec<u8>) {
        let r = image.decode().unwrap();
        (r.width, r.height, r.channels, r.data)
    }

    // -----------------------------------------------------------------------------------------
    // Made here

    #[test]
    fn gray_pixels_come_back_the_same_from_every_coding_byte_order_predictor_and_layout() {
        let (w, h) = (37, 23);
        let pixels = card(w, h, 1);
        let expected = Image::Gray {
            width: w,
            height: h,
            data: pixels.clone(),
        };
        for codec in Codec::ALL {
            for big in [false, true] {
                for predictor in [false, true] {
                    for pieces in [Pieces::Strips(u32::MAX), Pieces::Strips(5), Pieces::Tiles(16, 16)] {
                        let page = Page {
                            codec,
                            predictor,
                            pieces,
                            ..Page::new(w, h, 8, 1, 1, pixels.clone())
                        };
                        let file = tiff_of(page, big);
                        assert_eq!(
                            decode_tiff(&file).as_ref(),
                            Some(&expected),
                            "{codec:?} big-endian {big} predictor {predictor} {pieces:?}"
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn white_is_zero_gray_is_inverted() {
        let pixels = card(5, 3, 1);
        let file = tiff_of(Page::new(5, 3, 8, 1, 0, pixels.clone()), false);
        let inverted: Vec<u8> = pixels.iter().map(|v| 255 - v).collect();
        assert_eq!(
            decode_tiff(&file),
            Some(Image::Gray {
                width: 5,
                height: 3,
                data: inverted
            })
        );
    }

    #[test]
    fn sixteen_bit_samples_give_their_high_byte_in_either_byte_order_with_the_predictor() {
        let (w, h) = (9, 4);
        let high = card(w, h, 1);
        for big in [false, true] {
            let mut pixels = Vec::new();
            for (i, &v) in high.iter().enumerate() {
                let sample = u16::from_be_bytes([v, (i * 37) as u8]);
                pixels.extend(if big {
                    sample.to_be_bytes()
                } else {
                    sample.to_le_bytes()
                });
            }
            for predictor in [false, true] {
                let page = Page {
                    codec: Codec::Lzw,
                    predictor,
                    pieces: Pieces::Strips(3),
                    ..Page::new(w, h, 16, 1, 1, pixels.clone())
                };
                assert_eq!(
                    decode_tiff(&tiff_of(page, big)),
                    Some(Image::Gray {
                        width: w,
                        height: h,
                        data: high.clone()
                    }),
                    "big-endian {big} predictor {predictor}"
                );
            }
        }
    }

    #[test]
    fn rgb_interleaved_and_planar_decode_alike_in_strips_and_tiles() {
        let (w, h) = (33, 17);
        let pixels = card(w, h, 3);
        let expected = Image::Rgb {
            width: w,
            height: h,
            data: pixels.clone(),
        };
        for planar in [false, true] {
            for pieces in [Pieces::Strips(4), Pieces::Tiles(16, 16)] {
                for big in [false, true] {
                    let page = Page {
                        codec: Codec::Deflate,
                        predictor: true,
                        planar,
                        pieces,
                        ..Page::new(w, h, 8, 3, 2, pixels.clone())
                    };
                    assert_eq!(
                        decode_tiff(&tiff_of(page, big)).as_ref(),
                        Some(&expected),
                        "planar {planar} {pieces:?} big-endian {big}"
                    );
                }
            }
        }
    }

    #[test]
    fn alpha_is_composed_over_white_and_an_unspecified_extra_sample_is_dropped() {
        // Two RGBA pixels: opaque red, then half-transparent black.
        let pixels = vec![255, 0, 0, 255, 0, 0, 0, 128];
        let page = |extra: u32| Page {
            extra: vec![(338, 3, vec![extra])],
            ..Page::new(2, 1, 8, 4, 2, pixels.clone())
        };
        assert_eq!(
            decode_tiff(&tiff_of(page(2), false)),
            Some(Image::Rgb {
                width: 2,
                height: 1,
                data: vec![255, 0, 0, 127, 127, 127]
            })
        );
        // Premultiplied: the colour already holds its share.
        assert_eq!(
            decode_tiff(&tiff_of(page(1), false)),
            Some(Image::Rgb {
                width: 2,
                height: 1,
                data: vec![255, 0, 0, 127, 127, 127]
            })
        );
        assert_eq!(
            decode_tiff(&tiff_of(page(0), false)),
            Some(Image::Rgb {
                width: 2,
                height: 1,
                data: vec![255, 0, 0, 0, 0, 0]
            })
        );
        // Gray and alpha.
        let gray = Page {
            extra: vec![(338, 3, vec![2])],
            ..Page::new(2, 1, 8, 2, 1, vec![0, 255, 0, 0])
        };
        assert_eq!(
            decode_tiff(&tiff_of(gray, true)),
            Some(Image::Gray {
                width: 2,
                height: 1,
                data: vec![0, 255]
            })
        );
    }

    #[test]
    fn cmyk_becomes_rgb() {
        let page = Page::new(2, 1, 8, 4, 5, vec![0, 0, 0, 0, 255, 0, 0, 0]);
        assert_eq!(
            decode_tiff(&tiff_of(page, false)),
            Some(Image::Rgb {
                width: 2,
                height: 1,
                data: vec![255, 255, 255, 0, 255, 255]
            })
        );
    }

    /// A colour map of `n` entries, 16 bits a channel: all reds, then greens, then blues.
    fn colour_map(entries: &[[u8; 3]]) -> Vec<u32> {
        (0..3)
            .flat_map(|c| entries.iter().map(move |e| u32::from(e[c]) * 257))
            .collect()
    }

    #[test]
    fn a_palette_tiff_gives_its_colours_and_a_black_and_white_palette_gives_bilevel() {
        let entries: Vec<[u8; 3]> = (0..16).map(|i| [i * 16, 255 - i * 16, i]).collect();
        // 4-bit indexes 0..8, two a byte.
        let page = Page {
            extra: vec![(320, 3, colour_map(&entries))],
            ..Page::new(8, 1, 4, 1, 3, vec![0x01, 0x23, 0x45, 0x67])
        };
        let expected: Vec<u8> = entries[..8].iter().flatten().copied().collect();
        assert_eq!(
            decode_tiff(&tiff_of(page, true)),
            Some(Image::Rgb {
                width: 8,
                height: 1,
                data: expected
            })
        );
        // Entry 0 white, entry 1 black: the bits are PBM's already.
        let page = Page {
            extra: vec![(320, 3, colour_map(&[[255, 255, 255], [0, 0, 0]]))],
            ..Page::new(8, 1, 1, 1, 3, vec![0b1010_0000])
        };
        assert_eq!(
            decode_tiff(&tiff_of(page, false)),
            Some(Image::Bilevel {
                width: 8,
                height: 1,
                data: vec![0b1010_0000]
            })
        );
        // A short colour map gives nothing.
        let page = Page {
            extra: vec![(320, 3, vec![0; 6])],
            ..Page::new(8, 1, 4, 1, 3, vec![0, 0, 0, 0])
        };
        assert_eq!(decode_tiff(&tiff_of(page, false)), None);
    }

    #[test]
    fn one_bit_tiffs_are_bilevel_with_set_bits_black_for_either_photometric() {
        // 40 × 20, tiles of 16 × 16 (three across, the last one past the edge).
        let (w, h) = (40, 20);
        let rows: Vec<u8> = card(5, h, 1);
        for (photometric, black_is_zero) in [(0, false), (1, true)] {
            let expected = images::bilevel(w, h, black_is_zero, rows.clone()).unwrap();
            for codec in Codec::ALL {
                for pieces in [Pieces::Strips(7), Pieces::Tiles(16, 16)] {
                    let page = Page {
                        codec,
                        pieces,
                        ..Page::new(w, h, 1, 1, photometric, rows.clone())
                    };
                    assert_eq!(
                        decode_tiff(&tiff_of(page, photometric == 1)).as_ref(),
                        Some(&expected),
                        "photometric {photometric} {codec:?} {pieces:?}"
                    );
                }
            }
        }
    }

    #[test]
    fn two_and_four_bit_gray_is_scaled_to_eight_bits() {
        let two = Page::new(4, 1, 2, 1, 1, vec![0b0001_1011]);
        assert_eq!(
            decode_tiff(&tiff_of(two, false)),
            Some(Image::Gray {
                width: 4,
                height: 1,
                data: vec![0, 85, 170, 255]
            })
        );
        let four = Page::new(3, 2, 4, 1, 1, vec![0x0F, 0x80, 0x51, 0x00]);
        assert_eq!(
            decode_tiff(&tiff_of(four, true)),
            Some(Image::Gray {
                width: 3,
                height: 2,
                data: vec![0, 255, 136, 85, 17, 0]
            })
        );
    }

    /// Bits written as a string of 0 and 1, packed MSB first, the last byte padded with 0.
    fn bits(s: &str) -> Vec<u8> {
        let s: Vec<u8> = s.bytes().filter(|b| *b != b' ').collect();
        s.chunks(8)
            .map(|c| {
                c.iter()
                    .enumerate()
                    .fold(0u8, |b, (i, c)| b | (u8::from(*c == b'1') << (7 - i)))
            })
            .collect()
    }

    /// Two rows of 8 pixels, `..XXXX..`: the sample bits (1 black) a fax codes.
    const FAX_ROWS: [u8; 2] = [0b0011_1100, 0b0011_1100];

    fn fax_page(compression: u32, coded: Vec<Vec<u8>>, extra: Vec<(u16, u16, Vec<u32>)>) -> Page {
        Page {
            coded: Some((compression, coded)),
            extra,
            ..Page::new(8, 2, 1, 1, 0, Vec::new())
        }
    }

    #[test]
    fn a_group4_tiff_decodes_to_the_fax_pixels_whatever_its_fill_order() {
        // Row 0: H(white 2, black 4) then V0; row 1: V0 V0 V0; EOFB.
        let g4 = bits("001 0111 011 1 111 000000000001 000000000001");
        let expected = Image::Bilevel {
            width: 8,
            height: 2,
            data: FAX_ROWS.to_vec(),
        };
        let file = tiff_of(fax_page(4, vec![g4.clone()], vec![]), false);
        assert_eq!(decode_tiff(&file), Some(expected.clone()));
        let reversed: Vec<u8> = g4.iter().map(|b| b.reverse_bits()).collect();
        let file = tiff_of(fax_page(4, vec![reversed], vec![(266, 3, vec![2])]), true);
        assert_eq!(decode_tiff(&file), Some(expected));
        // BlackIsZero: the same codes, the other colours.
        let file = tiff_of(fax_page(4, vec![g4], vec![(262, 3, vec![1])]), false);
        assert_eq!(
            decode_tiff(&file),
            Some(Image::Bilevel {
                width: 8,
                height: 2,
                data: FAX_ROWS.iter().map(|b| !b).collect()
            })
        );
    }

    #[test]
    fn a_modified_huffman_tiff_decodes_row_by_row_from_byte_boundaries() {
        // Each row: white 2 (0111), black 4 (011), white 2 (0111), padded to a byte.
        let mh = bits("0111 011 0111 00000 0111 011 0111 00000");
        let file = tiff_of(fax_page(2, vec![mh], vec![]), false);
        assert_eq!(
            decode_tiff(&file),
            Some(Image::Bilevel {
                width: 8,
                height: 2,
                data: FAX_ROWS.to_vec()
            })
        );
    }

    #[test]
    fn a_t4_tiff_is_read_one_or_two_dimensional_as_its_options_say() {
        let eol = "000000000001";
        // One-dimensional, EOL before each row, then RTC (six EOLs).
        let one_d = bits(&format!("{eol} 0111 011 0111 {eol} 0111 011 0111 {}", eol.repeat(6)));
        let file = tiff_of(fax_page(3, vec![one_d], vec![]), false);
        assert_eq!(
            decode_tiff(&file).map(|i| raster(&i)),
            Some(raster(&bilevel_fax_rows()))
        );
        // Two-dimensional (T4Options bit 0): each EOL followed by a tag bit, 1 for a 1D row,
        // 0 for a 2D row (V0 V0 V0 against the row above).
        let rtc = format!("{eol}1").repeat(6);
        let two_d = bits(&format!("{eol}1 0111 011 0111 {eol}0 111 {rtc}"));
        let file = tiff_of(fax_page(3, vec![two_d], vec![(292, 4, vec![1])]), false);
        assert_eq!(decode_tiff(&file), Some(bilevel_fax_rows()));
    }

    fn bilevel_fax_rows() -> Image {
        Image::Bilevel {
            width: 8,
            height: 2,
            data: FAX_ROWS.to_vec(),
        }
    }

    #[test]
    fn a_fax_strip_out_of_the_file_stays_white_and_the_others_are_decoded() {
        // Two strips of one row each, coded MH: at 8 and 10, just after the header.
        let row = bits("0111 011 0111 00000");
        let mut page = fax_page(2, vec![row.clone(), row], vec![]);
        page.pieces = Pieces::Strips(1);
        let (mut file, _) = write_tiff(&[page], false);
        assert_eq!(decode_tiff(&file), Some(bilevel_fax_rows()));
        let offsets = [8u32.to_le_bytes(), 10u32.to_le_bytes()].concat();
        let at = file.windows(8).rposition(|w| w == offsets).unwrap();
        file[at + 4..at + 8].copy_from_slice(&0xFFFF_FF00u32.to_le_bytes());
        assert_eq!(
            decode_tiff(&file),
            Some(Image::Bilevel {
                width: 8,
                height: 2,
                data: vec![FAX_ROWS[0], 0]
            })
        );
        // Neither strip in the file: nothing.
        file[at..at + 4].copy_from_slice(&0xFFFF_FF00u32.to_le_bytes());
        assert_eq!(decode_tiff(&file), None);
    }

    #[test]
    fn every_page_of_a_multi_page_tiff_is_read_and_a_looping_chain_ends() {
        let first = Page::new(3, 2, 8, 1, 1, card(3, 2, 1));
        let second = Page::new(2, 2, 8, 3, 2, card(2, 2, 3));
        let (mut file, ifds) = write_tiff(&[first, second], false);
        let pages = decode_tiff_pages(&file, 10);
        assert_eq!(pages.len(), 2);
        assert_eq!(
            pages[0],
            Some(Image::Gray {
                width: 3,
                height: 2,
                data: card(3, 2, 1)
            })
        );
        assert_eq!(
            pages[1],
            Some(Image::Rgb {
                width: 2,
                height: 2,
                data: card(2, 2, 3)
            })
        );
        assert_eq!(decode_tiff_pages(&file, 1).len(), 1);
        assert_eq!(decode_tiff(&file), pages[0].clone());
        // The second directory's "next" points back to the first: each page once.
        let count = u16::from_le_bytes([file[ifds[1]], file[ifds[1] + 1]]) as usize;
        let next = ifds[1] + 2 + count * 12;
        file[next..next + 4].copy_from_slice(&(ifds[0] as u32).to_le_bytes());
        assert_eq!(decode_tiff_pages(&file, 100).len(), 2);
        // A directory pointing at itself.
        let next0 = ifds[0] + 2 + u16::from_le_bytes([file[ifds[0]], file[ifds[0] + 1]]) as usize * 12;
        file[next0..next0 + 4].copy_from_slice(&(ifds[0] as u32).to_le_bytes());
        assert_eq!(decode_tiff_pages(&file, 100).len(), 1);
    }

    #[test]
    fn a_thumbnail_directory_is_not_a_page() {
        let thumb = Page {
            extra: vec![(254, 4, vec![1])],
            ..Page::new(1, 1, 8, 1, 1, vec![9])
        };
        let page = Page::new(2, 1, 8, 1, 1, vec![1, 2]);
        let (file, _) = write_tiff(&[thumb, page], true);
        assert_eq!(
            decode_tiff(&file),
            Some(Image::Gray {
                width: 2,
                height: 1,
                data: vec![1, 2]
            })
        );
    }

    #[test]
    fn a_chain_of_thumbnails_ends_and_a_huge_offset_list_is_read_only_as_far_as_needed() {
        let thumb = || Page {
            extra: vec![(254, 4, vec![1])],
            ..Page::new(1, 1, 8, 1, 1, vec![9])
        };
        let page = Page::new(2, 1, 8, 1, 1, vec![1, 2]);
        // A page after as many thumbnails as the chain may skip is found; after more, not.
        let mut pages: Vec<Page> = (0..MAX_THUMBNAILS).map(|_| thumb()).collect();
        pages.push(page.clone());
        assert!(decode_tiff(&write_tiff(&pages, false).0).is_some());
        let mut pages: Vec<Page> = (0..=MAX_THUMBNAILS).map(|_| thumb()).collect();
        pages.push(page);
        assert_eq!(decode_tiff(&write_tiff(&pages, false).0), None);
        // One strip, but a byte-count field of a million values: the first one is all it takes.
        let (mut file, dirs) = write_tiff(&[Page::new(2, 1, 8, 1, 1, vec![1, 2])], false);
        let dir = dirs[0];
        let counts = file.len();
        file.extend(std::iter::repeat_n(2u8, 4_000_000));
        let ifd = Ifd::read(&file, false, dir as u32).unwrap();
        let e = ifd.entries.iter().find(|e| e.tag == STRIP_BYTE_COUNTS).unwrap();
        assert_eq!(e.count, 1);
        // Point the field at the million LONGs (type 4) appended.
        let at = dir + 2 + 12 * ifd.entries.iter().position(|e| e.tag == STRIP_BYTE_COUNTS).unwrap();
        file[at + 2..at + 4].copy_from_slice(&4u16.to_le_bytes());
        file[at + 4..at + 8].copy_from_slice(&1_000_000u32.to_le_bytes());
        file[at + 8..at + 12].copy_from_slice(&(counts as u32).to_le_bytes());
        let ifd = Ifd::read(&file, false, dir as u32).unwrap();
        assert_eq!(ifd.uints(STRIP_BYTE_COUNTS, 1).unwrap().len(), 1);
        assert_eq!(ifd.uints(STRIP_BYTE_COUNTS, 3).unwrap(), vec![0x0202_0202; 3]);
    }

    #[test]
    fn hostile_or_unsupported_tiffs_give_nothing_without_panicking() {
        let ok = Page::new(4, 4, 8, 1, 1, card(4, 4, 1));
        let with = |extra: Vec<(u16, u16, Vec<u32>)>| tiff_of(Page { extra, ..ok.clone() }, false);
        assert!(decode_tiff(&with(vec![])).is_some());
        for extra in [
            // Past MAX_PIXELS, overflowing, empty.
            vec![(256, 4, vec![100_000]), (257, 4, vec![100_000])],
            vec![(256, 4, vec![u32::MAX]), (257, 4, vec![u32::MAX])],
            vec![(256, 4, vec![0])],
            // Offsets or counts out of the file, or too few of them.
            vec![(273, 4, vec![1 << 30])],
            vec![(279, 4, vec![1 << 30])],
            vec![(279, 4, vec![u32::MAX])],
            vec![(278, 4, vec![1])],
            // Tiles far larger than the image.
            vec![
                (322, 3, vec![65_535]),
                (323, 3, vec![65_535]),
                (324, 4, vec![8]),
                (325, 4, vec![16]),
            ],
            // Codings, samples and colour models not read.
            vec![(259, 3, vec![6])],
            vec![(259, 3, vec![7])],
            vec![(259, 3, vec![34712])],
            vec![(258, 3, vec![32])],
            vec![(258, 3, vec![3])],
            vec![(339, 3, vec![3])],
            vec![(262, 3, vec![6])],
            vec![(262, 3, vec![8])],
            vec![(317, 3, vec![3])],
            vec![(277, 3, vec![7])],
        ] {
            assert_eq!(decode_tiff(&with(extra.clone())), None, "{extra:?}");
        }
        // Not TIFF, BigTIFF, a directory out of the file, a directory of 65535 entries.
        for file in [
            b"".to_vec(),
            b"II*\0".to_vec(),
            b"II+\0\x08\0\0\0\x10\0\0\0\0\0\0\0".to_vec(),
            b"MM\0*\xff\xff\xff\xff".to_vec(),
            b"II*\0\x08\0\0\0\xff\xff".to_vec(),
            [b"II*\0\x08\0\0\0\xff\xff".as_slice(), &[0xAB; 4000]].concat(),
        ] {
            assert_eq!(decode_tiff(&file), None);
        }
        // Every prefix of a valid file, and the file with a run of bytes overwritten anywhere.
        let file = tiff_of(
            Page {
                codec: Codec::Lzw,
                predictor: true,
                pieces: Pieces::Tiles(16, 16),
                ..Page::new(20, 20, 8, 3, 2, card(20, 20, 3))
            },
            true,
        );
        assert_truncations_and_garbage_do_not_panic(&file);
    }

    /// Decodes every prefix of `file` and copies of it with 8 bytes overwritten at every
    /// place: nothing panics, and what decodes has the full image's size.
    fn assert_truncations_and_garbage_do_not_panic(file: &[u8]) {
        // A JPEG page is given as its bytes: whether they decode is the JPEG decoder's concern.
        let size = |i: Image| i.decode().ok().map(|r| (r.width, r.height));
        let whole = decode_tiff(file).and_then(size);
        let step = (file.len() / 97).max(1);
        for cut in (0..file.len()).step_by(step).chain(0..64.min(file.len())) {
            if let Some(found) = decode_tiff(&file[..cut]).and_then(size) {
                assert_eq!(Some(found), whole, "cut at {cut}");
            }
        }
        for at in (0..file.len()).step_by(step) {
            for fill in [0x00, 0xFF, 0x5A] {
                let mut broken = file.to_vec();
                let end = (at + 8).min(broken.len());
                broken[at..end].fill(fill);
                let _ = decode_tiff(&broken).map(|i| i.check());
                let _ = decode_tiff_pages(&broken, 4);
            }
        }
    }

    // -----------------------------------------------------------------------------------------
    // Real files: this project's scan, written by libtiff's tiffcp, netpbm's pnmtotiff and
    // ImageMagick (fixtures/README.md, "Page images").

    pub(crate) fn fixture(name: &str) -> Vec<u8> {
        std::fs::read(format!("{}/fixtures/images/{name}", env!("CARGO_MANIFEST_DIR"))).unwrap()
    }

    const BILEVEL: [&str; 7] = [
        "opinion-bilevel-none.tif",
        "opinion-bilevel-g4.tif",
        "opinion-bilevel-g3-2d-fill.tif",
        "opinion-bilevel-g3-1d.tif",
        "opinion-bilevel-g4-lsb2msb.tif",
        "opinion-bilevel-g4-tiled-minisblack.tif",
        "opinion-bilevel-packbits.tif",
    ];
    const GRAY: [&str; 5] = [
        "opinion-gray-packbits.tif",
        "opinion-gray-lzw-predictor.tif",
        "opinion-gray-deflate-bigendian.tif",
        "opinion-gray-lzw-tiled.tif",
        "opinion-gray-16bit-imagemagick.tif",
    ];
    const RGB: [&str; 4] = [
        "seal-rgb-lzw-predictor.tif",
        "seal-rgb-deflate-planar.tif",
        "seal-rgb-deflate-tiled-bigendian.tif",
        "seal-rgba-imagemagick.tif",
    ];

    /// Mean absolute difference of two equally long pixel buffers.
    pub(crate) fn mean_difference(a: &[u8], b: &[u8]) -> f64 {
        assert_eq!(a.len(), b.len());
        let sum: u64 = a.iter().zip(b).map(|(x, y)| u64::from(x.abs_diff(*y))).sum();
        sum as f64 / a.len() as f64
    }

    pub(crate) fn sha256(data: &[u8]) -> String {
        use sha2::{Digest, Sha256};
        Sha256::digest(data).iter().map(|b| format!("{b:02x}")).collect()
    }

    /// The SHA-256 of the pixels (bilevel as 0/255 gray) netpbm 11.01's `tifftopnm` gives.
    const NETPBM: [(&str, &str); 3] = [
        (
            "opinion-bilevel-none.tif",
            "3c285844041662fd348850454a85a565fa8064adb8679edccab1ca7142c7fac5",
        ),
        (
            "opinion-gray-packbits.tif",
            "4f8437a5f1b42ea8814985be969aea568b7cf64cb801d2942b441dd2f5b7eb38",
        ),
        (
            "seal-rgb-lzw-predictor.tif",
            "912896f4873d0c339c27c6cb79d4f2628fd3b0897767b20670b13818a263dd8b",
        ),
    ];

    #[test]
    fn the_real_tiffs_decode_to_the_pixels_netpbm_gives() {
        for (name, hash) in NETPBM {
            let image = decode_tiff(&fixture(name)).unwrap();
            assert_eq!(sha256(&raster(&image).3), hash, "{name}");
        }
        // The 16-colour palette picture, whose pixels no other fixture has.
        let image = decode_tiff(&fixture("seal-palette16-lzw.tif")).unwrap();
        assert_eq!(
            sha256(&raster(&image).3),
            "d803baf49bbb4152f208950181b84d0d782244cd9ff585b91fd740315c37cc7b"
        );
    }

    #[test]
    fn a_group4_tiff_decodes_to_the_same_pixels_as_its_uncompressed_twin() {
        let twin = decode_tiff(&fixture(BILEVEL[0])).unwrap();
        assert!(
            matches!(
                twin,
                Image::Bilevel {
                    width: 600,
                    height: 400,
                    ..
                }
            ),
            "{twin:?}"
        );
        let pixels = raster(&twin);
        // Some ink, mostly paper.
        let black = pixels.3.iter().filter(|&&v| v == 0).count();
        assert!((5_000..60_000).contains(&black), "{black} black pixels");
        for name in &BILEVEL[1..] {
            let image = decode_tiff(&fixture(name)).unwrap_or_else(|| panic!("{name} decodes"));
            assert!(matches!(image, Image::Bilevel { .. }), "{name}: {image:?}");
            assert_eq!(raster(&image), pixels, "{name}");
        }
    }

    #[test]
    fn the_gray_tiffs_of_one_picture_decode_to_the_same_pixels_and_the_jpeg_one_nearly() {
        let twin = decode_tiff(&fixture(GRAY[0])).unwrap();
        assert!(
            matches!(
                twin,
                Image::Gray {
                    width: 400,
                    height: 280,
                    ..
                }
            ),
            "{twin:?}"
        );
        let pixels = raster(&twin);
        for name in &GRAY[1..] {
            let image = decode_tiff(&fixture(name)).unwrap_or_else(|| panic!("{name} decodes"));
            assert!(matches!(image, Image::Gray { .. }), "{name}: {image:?}");
            assert_eq!(raster(&image), pixels, "{name}");
        }
        let jpeg = decode_tiff(&fixture("opinion-gray-jpeg.tif")).unwrap();
        assert!(matches!(jpeg, Image::Jpeg(_)), "{jpeg:?}");
        let (w, h, c, data) = raster(&jpeg);
        assert_eq!((w, h, c), (400, 280, 1));
        let diff = mean_difference(&data, &pixels.3);
        assert!(diff < 4.0, "JPEG differs by {diff} on average");
    }

    #[test]
    fn the_colour_tiffs_of_one_picture_decode_to_the_same_pixels_and_the_jpeg_one_nearly() {
        let twin = decode_tiff(&fixture(RGB[0])).unwrap();
        assert!(
            matches!(
                twin,
                Image::Rgb {
                    width: 360,
                    height: 240,
                    ..
                }
            ),
            "{twin:?}"
        );
        let pixels = raster(&twin);
        for name in &RGB[1..] {
            let image = decode_tiff(&fixture(name)).unwrap_or_else(|| panic!("{name} decodes"));
            assert!(matches!(image, Image::Rgb { .. }), "{name}: {image:?}");
            assert_eq!(raster(&image), pixels, "{name}");
        }
        let jpeg = decode_tiff(&fixture("seal-rgb-jpeg.tif")).unwrap();
        let (w, h, c, data) = raster(&jpeg);
        assert_eq!((w, h, c), (360, 240, 3));
        let diff = mean_difference(&data, &pixels.3);
        assert!(diff < 4.0, "JPEG differs by {diff} on average");
        // Sixteen colours chosen by netpbm's pnmquant: close to the picture, not the same.
        let palette = decode_tiff(&fixture("seal-palette16-lzw.tif")).unwrap();
        let (w, h, c, data) = raster(&palette);
        assert_eq!((w, h, c), (360, 240, 3));
        let diff = mean_difference(&data, &pixels.3);
        assert!(diff < 12.0, "the palette image differs by {diff} on average");
    }

    #[test]
    fn a_two_page_tiff_gives_both_pages_and_decode_tiff_the_first() {
        let file = fixture("opinion-two-pages.tif");
        let pages = decode_tiff_pages(&file, 5);
        assert_eq!(pages.len(), 2);
        assert_eq!(pages[0], decode_tiff(&fixture("opinion-bilevel-g4.tif")));
        assert_eq!(pages[1], decode_tiff(&fixture("opinion-gray-deflate-bigendian.tif")));
        assert_eq!(decode_tiff(&file), pages[0]);
    }

    #[test]
    fn truncated_or_overwritten_real_tiffs_give_nothing_or_the_whole_size_without_panicking() {
        for name in BILEVEL.iter().chain(&GRAY).chain(&RGB).chain(&[
            "opinion-gray-jpeg.tif",
            "seal-rgb-jpeg.tif",
            "seal-palette16-lzw.tif",
            "opinion-two-pages.tif",
        ]) {
            let file = fixture(name);
            assert_truncations_and_garbage_do_not_panic(&file);
            // Cut before its last strip ends, a file of a coding that cannot keep part of a
            // page gives nothing.
            let fax = name.contains("-g3-") || name.contains("-g4") || name.contains("two-pages");
            if !fax {
                assert_eq!(decode_tiff(&file[..file.len() / 2]), None, "{name}");
            }
        }
    }
}
