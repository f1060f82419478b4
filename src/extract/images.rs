//! Page images of scanned documents, taken out of PDF and OFD pages as they are stored (no
//! rendering): JPEG and JPEG 2000 bytes as they are, other pixels unpacked to 8-bit gray, RGB or
//! 1-bit bilevel for [`crate::ocr`] (CCITT fax and JBIG2: [`super::bilevel`]).
//!
//! This module holds what both readers share: the [`PageImage`] they return, the unpacking of
//! packed samples (1, 2, 4, 8 or 16 bits per component) into [`Image`]s, and a PNG decoder for
//! the PNG resources of OFD packages (non-interlaced, any colour type and bit depth; alpha is
//! composed over white). Every size is checked before anything is allocated: an image of more
//! than [`MAX_PIXELS`] pixels, or whose data is not exactly as long as its dimensions say, gives
//! nothing.

use std::io::Read;

use flate2::read::ZlibDecoder;

use crate::ocr::{Image, MAX_PIXELS};

/// Share of the page an image must cover for the page to count as a scan.
pub const SCAN_COVERAGE: f64 = 0.5;

/// Most bytes one image may decode to before it is unpacked (an A3 page at 600 dpi in RGB is
/// about 210 MB).
pub const MAX_IMAGE_BYTES: usize = 320 << 20;

/// Most bytes of images returned for one document, all pages together; more is a
/// [`super::DocError::Limit`].
pub const MAX_DOCUMENT_IMAGE_BYTES: usize = 1 << 30;

/// The image of a scanned page: the largest image drawn on it, covering at least
/// [`SCAN_COVERAGE`] of the page.
#[derive(Debug, Clone, PartialEq)]
pub struct PageImage {
    /// The page, 1-based.
    pub page: u32,
    pub image: Image,
    /// The share of the page the image covers (0–1).
    pub coverage: f64,
}

impl PageImage {
    /// Bytes the image holds.
    pub fn byte_len(&self) -> usize {
        match &self.image {
            Image::Jpeg(d) | Image::Jpx(d) => d.len(),
            Image::Gray { data, .. } | Image::Rgb { data, .. } | Image::Bilevel { data, .. } => data.len(),
        }
    }
}

/// The page images of one document, refused together once they pass
/// [`MAX_DOCUMENT_IMAGE_BYTES`].
#[derive(Debug, Default)]
pub struct Collected {
    images: Vec<PageImage>,
    bytes: usize,
}

impl Collected {
    /// Adds the image of the page at 0-based `index`.
    pub fn push(&mut self, index: usize, image: Image, coverage: f64) -> Result<(), super::DocError> {
        let found = PageImage {
            page: u32::try_from(index.saturating_add(1)).unwrap_or(u32::MAX),
            image,
            coverage,
        };
        self.bytes = self.bytes.saturating_add(found.byte_len());
        if self.bytes > MAX_DOCUMENT_IMAGE_BYTES {
            return Err(super::DocError::Limit(format!(
                "the page images decode to more than {} MiB",
                MAX_DOCUMENT_IMAGE_BYTES >> 20
            )));
        }
        self.images.push(found);
        Ok(())
    }

    pub fn into_vec(self) -> Vec<PageImage> {
        self.images
    }
}

/// Whether pingshen can take the pixels out of an image file of this kind, to read it by OCR
/// as a scan ([`file_pages`]). GIF and WebP cannot.
pub fn is_readable_image(kind: crate::sniff::FileKind) -> bool {
    use crate::sniff::FileKind;
    matches!(kind, FileKind::Jpeg | FileKind::Png | FileKind::Tiff | FileKind::Bmp)
}

/// An image file kept in a package as a document of its own (a scanned or photographed letter,
/// `申请函.jpg`), as the pages OCR reads, each covering its page whole: JPEG, PNG and BMP as
/// [`decode_file`] takes them; a TIFF's first `max_pages` pages decoded (its thumbnails are no pages), a page
/// that cannot be decoded left out. SPEC §4: image files count as present but unreadable
/// "unless their text can be read"; SPEC §6 reads them as a scan.
///
/// Errors: [`super::DocError::Unsupported`] for a kind [`is_readable_image`] refuses,
/// [`super::DocError::Broken`] when no page's pixels can be taken out (broken, interlaced PNG,
/// BigTIFF, larger than [`MAX_PIXELS`]), [`super::DocError::Limit`] past
/// [`MAX_DOCUMENT_IMAGE_BYTES`].
pub fn file_pages(
    bytes: &[u8],
    kind: crate::sniff::FileKind,
    max_pages: usize,
) -> Result<Vec<PageImage>, super::DocError> {
    use crate::sniff::FileKind;
    let images = match kind {
        FileKind::Tiff => super::tiff::decode_tiff_pages(bytes, max_pages),
        k if is_readable_image(k) => vec![decode_file(bytes.to_vec())],
        other => return Err(super::DocError::Unsupported(other.as_str())),
    };
    let mut out = Collected::default();
    for (i, image) in images.into_iter().enumerate().take(max_pages) {
        if let Some(image) = image.filter(|i| i.check().is_ok()) {
            out.push(i, image, 1.0)?;
        }
    }
    let pages = out.into_vec();
    if pages.is_empty() && max_pages > 0 {
        return Err(super::DocError::Broken(format!(
            "the {} image cannot be decoded",
            kind.as_str()
        )));
    }
    Ok(pages)
}

/// An image file as OCR takes it (an OFD's page image, an image file of a package), known by
/// its first bytes: JPEG and JPEG 2000 as they are, PNG, TIFF (first page; a JPEG-coded TIFF may
/// come back as its JPEG), BMP and JBIG2 decoded. `None` for another format, or pixels that
/// cannot be taken out or fail [`Image::check`].
pub fn decode_file(file: Vec<u8>) -> Option<Image> {
    let image = if file.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Image::Jpeg(file)
    } else if file.starts_with(PNG_SIGNATURE) {
        decode_png(&file)?
    } else if file.starts_with(&[0, 0, 0, 0x0C, b'j', b'P']) || file.starts_with(&[0xFF, 0x4F, 0xFF, 0x51]) {
        Image::Jpx(file)
    } else if file.starts_with(super::bilevel::JBIG2_FILE_SIGNATURE) {
        super::bilevel::decode_jbig2_file(&file)?
    } else if file.starts_with(super::tiff::TIFF_LE) || file.starts_with(super::tiff::TIFF_BE) {
        super::tiff::decode_tiff(&file)?
    } else if super::bmp::is_bmp(&file) {
        super::bmp::decode_bmp(&file)?
    } else {
        return None;
    };
    image.check().ok().map(|()| image)
}

/// Decoded pixels as an [`Image`]: one byte a pixel when `gray`, else three (RGB).
pub fn gray_or_rgb(width: u32, height: u32, gray: bool, data: Vec<u8>) -> Image {
    if gray {
        Image::Gray { width, height, data }
    } else {
        Image::Rgb { width, height, data }
    }
}

/// How samples map to colour.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Colors {
    Gray,
    Rgb,
    /// Naively converted to RGB (no colour management: this is for OCR).
    Cmyk,
    /// One index a pixel into a palette of RGB entries (a missing entry is black).
    Indexed(Vec<[u8; 3]>),
}

impl Colors {
    /// Components a pixel has.
    pub fn components(&self) -> u32 {
        match self {
            Colors::Gray | Colors::Indexed(_) => 1,
            Colors::Rgb => 3,
            Colors::Cmyk => 4,
        }
    }
}

/// Pixel count of `width × height` when both are positive and it is at most [`MAX_PIXELS`].
pub fn pixels(width: u32, height: u32) -> Option<usize> {
    let n = u64::from(width).checked_mul(u64::from(height))?;
    if width == 0 || height == 0 || n > MAX_PIXELS {
        return None;
    }
    usize::try_from(n).ok()
}

/// Bytes of one row of packed samples (rows start on a byte boundary).
pub fn row_bytes(width: u32, components: u32, bits: u8) -> Option<usize> {
    let bits_per_row = u64::from(width)
        .checked_mul(u64::from(components))?
        .checked_mul(u64::from(bits))?;
    usize::try_from(bits_per_row.div_ceil(8)).ok()
}

/// Bytes of a whole image of packed samples, when the image is not larger than allowed.
pub fn packed_len(width: u32, height: u32, components: u32, bits: u8) -> Option<usize> {
    pixels(width, height)?;
    if !matches!(bits, 1 | 2 | 4 | 8 | 16) || !(1..=4).contains(&components) {
        return None;
    }
    let len = row_bytes(width, components, bits)?.checked_mul(usize::try_from(height).ok()?)?;
    (len <= MAX_IMAGE_BYTES).then_some(len)
}

/// Unpacks packed samples (`data` exactly [`packed_len`] bytes) into an 8-bit gray or RGB image.
/// `invert` flips gray and RGB values (a PDF `/Decode [1 0]`). `None` when the sizes disagree.
pub fn unpack(width: u32, height: u32, bits: u8, colors: &Colors, invert: bool, data: &[u8]) -> Option<Image> {
    let comps = colors.components();
    let len = packed_len(width, height, comps, bits)?;
    if data.len() != len {
        return None;
    }
    let row_len = row_bytes(width, comps, bits)?;
    let per_row = usize::try_from(width).ok()?.checked_mul(usize::try_from(comps).ok()?)?;
    let max = (1u32 << bits.min(8)) - 1;
    let mut samples: Vec<u8> = Vec::with_capacity(per_row.checked_mul(usize::try_from(height).ok()?)?);
    for row in data.chunks_exact(row_len.max(1)) {
        for i in 0..per_row {
            let v = sample(row, i, bits)?;
            let v = match colors {
                // Indexes stay as they are.
                Colors::Indexed(_) => v,
                _ if bits == 8 || bits == 16 => v,
                _ => u8::try_from(u32::from(v) * 255 / max).unwrap_or(u8::MAX),
            };
            samples.push(v);
        }
    }
    let flip = |v: u8| if invert { 255 - v } else { v };
    Some(match colors {
        Colors::Gray => Image::Gray {
            width,
            height,
            data: samples.into_iter().map(flip).collect(),
        },
        Colors::Rgb => Image::Rgb {
            width,
            height,
            data: samples.into_iter().map(flip).collect(),
        },
        Colors::Cmyk => {
            let mut rgb = Vec::with_capacity(samples.len() / 4 * 3);
            for p in samples.chunks_exact(4) {
                if let [c, m, y, k] = *p {
                    for ink in [c, m, y] {
                        rgb.push(flip(255u8.saturating_sub(ink.saturating_add(k))));
                    }
                }
            }
            Image::Rgb {
                width,
                height,
                data: rgb,
            }
        }
        Colors::Indexed(palette) => {
            let mut rgb = Vec::with_capacity(samples.len().checked_mul(3)?);
            for i in samples {
                rgb.extend_from_slice(palette.get(usize::from(i)).unwrap_or(&[0, 0, 0]));
            }
            Image::Rgb {
                width,
                height,
                data: rgb,
            }
        }
    })
}

/// Sample `i` of a row of packed samples (16-bit samples give their high byte).
fn sample(row: &[u8], i: usize, bits: u8) -> Option<u8> {
    match bits {
        8 => row.get(i).copied(),
        16 => row.get(i.checked_mul(2)?).copied(),
        1 | 2 | 4 => {
            let bit = i.checked_mul(usize::from(bits))?;
            let byte = *row.get(bit / 8)?;
            let shift = 8 - usize::from(bits) - bit % 8;
            Some((byte >> shift) & ((1u8 << bits) - 1))
        }
        _ => None,
    }
}

/// A 1-bit image (rows of `(width + 7) / 8` bytes) as [`Image::Bilevel`]: `black_is_zero` when a
/// 0 bit is black (PDF `/DeviceGray` and image masks with the default `/Decode`), so the bits are
/// flipped to PBM's set-bit-black. `None` when the data is not exactly as long as the dimensions
/// say.
pub fn bilevel(width: u32, height: u32, black_is_zero: bool, data: Vec<u8>) -> Option<Image> {
    if data.len() != packed_len(width, height, 1, 1)? {
        return None;
    }
    let data = if black_is_zero {
        data.into_iter().map(|b| !b).collect()
    } else {
        data
    };
    Some(Image::Bilevel { width, height, data })
}

/// Inflates zlib data to at most `limit` bytes; `None` when it is broken or longer.
pub fn inflate(data: &[u8], limit: usize) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    ZlibDecoder::new(data)
        .take(u64::try_from(limit).ok()?.saturating_add(1))
        .read_to_end(&mut out)
        .ok()?;
    (out.len() <= limit).then_some(out)
}

/// Reverses PNG row filters in place: `data` is `height` rows of a filter byte then `row_len`
/// bytes, `bpp` the bytes per pixel (at least 1). Returns the rows without their filter bytes.
pub fn unfilter_png(data: &[u8], row_len: usize, bpp: usize, height: usize) -> Option<Vec<u8>> {
    let stride = row_len.checked_add(1)?;
    if data.len() != stride.checked_mul(height)? || bpp == 0 {
        return None;
    }
    let mut out = vec![0u8; row_len.checked_mul(height)?];
    let mut prev_start: Option<usize> = None;
    for (r, src) in data.chunks_exact(stride).enumerate() {
        let (&filter, src) = src.split_first()?;
        let start = r.checked_mul(row_len)?;
        for i in 0..row_len {
            let x = *src.get(i)?;
            let a = if i >= bpp { *out.get(start + i - bpp)? } else { 0 };
            let b = match prev_start {
                Some(p) => *out.get(p + i)?,
                None => 0,
            };
            let c = match (prev_start, i >= bpp) {
                (Some(p), true) => *out.get(p + i - bpp)?,
                _ => 0,
            };
            let v = match filter {
                0 => x,
                1 => x.wrapping_add(a),
                2 => x.wrapping_add(b),
                3 => x.wrapping_add(((u16::from(a) + u16::from(b)) / 2) as u8),
                4 => x.wrapping_add(paeth(a, b, c)),
                _ => return None,
            };
            *out.get_mut(start + i)? = v;
        }
        prev_start = Some(start);
    }
    Some(out)
}

fn paeth(a: u8, b: u8, c: u8) -> u8 {
    let p = i16::from(a) + i16::from(b) - i16::from(c);
    let pa = (p - i16::from(a)).abs();
    let pb = (p - i16::from(b)).abs();
    let pc = (p - i16::from(c)).abs();
    if pa <= pb && pa <= pc {
        a
    } else if pb <= pc {
        b
    } else {
        c
    }
}

/// The PNG file signature.
pub const PNG_SIGNATURE: &[u8] = &[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A];

/// Decodes a PNG file into gray or RGB pixels: non-interlaced, colour types 0 (gray), 2 (RGB),
/// 3 (palette), 4 (gray + alpha) and 6 (RGBA) at their allowed bit depths; alpha is composed
/// over white. `None` for anything else (interlaced, broken, larger than [`MAX_PIXELS`]).
pub fn decode_png(file: &[u8]) -> Option<Image> {
    let mut rest = file.strip_prefix(PNG_SIGNATURE)?;
    let mut header: Option<(u32, u32, u8, u8)> = None;
    let mut palette: Vec<[u8; 3]> = Vec::new();
    let mut idat: Vec<u8> = Vec::new();
    while rest.len() >= 12 {
        let (len_bytes, after) = rest.split_at(4);
        let len = usize::try_from(u32::from_be_bytes(len_bytes.try_into().ok()?)).ok()?;
        let (kind, after) = after.split_at(4);
        let body = after.get(..len)?;
        rest = after.get(len.checked_add(4)?..).unwrap_or(&[]);
        match kind {
            b"IHDR" => {
                let w = u32::from_be_bytes(body.get(0..4)?.try_into().ok()?);
                let h = u32::from_be_bytes(body.get(4..8)?.try_into().ok()?);
                let (&depth, &color, &interlace) = (body.get(8)?, body.get(9)?, body.get(12)?);
                if interlace != 0 {
                    return None;
                }
                header = Some((w, h, depth, color));
            }
            b"PLTE" => {
                palette = body
                    .chunks_exact(3)
                    .map(|p| match *p {
                        [r, g, b] => [r, g, b],
                        _ => [0, 0, 0],
                    })
                    .collect();
            }
            b"IDAT" => {
                if idat.len().saturating_add(body.len()) > MAX_IMAGE_BYTES {
                    return None;
                }
                idat.extend_from_slice(body);
            }
            b"IEND" => break,
            _ => {}
        }
    }
    let (width, height, depth, color) = header?;
    let channels: u32 = match (color, depth) {
        (0, 1 | 2 | 4 | 8 | 16) => 1,
        (3, 1 | 2 | 4 | 8) => 1,
        (2, 8 | 16) => 3,
        (4, 8 | 16) => 2,
        (6, 8 | 16) => 4,
        _ => return None,
    };
    pixels(width, height)?;
    let row_len = row_bytes(width, channels, depth)?;
    let rows = usize::try_from(height).ok()?;
    let raw_len = row_len.checked_add(1)?.checked_mul(rows)?;
    if raw_len > MAX_IMAGE_BYTES {
        return None;
    }
    let raw = inflate(&idat, raw_len)?;
    drop(idat);
    let bpp = usize::try_from((channels * u32::from(depth)).div_ceil(8)).ok()?;
    let data = unfilter_png(&raw, row_len, bpp, rows)?;
    drop(raw);
    match color {
        0 => unpack(width, height, depth, &Colors::Gray, false, &data),
        2 => unpack(width, height, depth, &Colors::Rgb, false, &data),
        3 => unpack(width, height, depth, &Colors::Indexed(palette), false, &data),
        _ => {
            // Gray or RGB with alpha, 8 or 16 bits: over white.
            let step = usize::from(depth / 8);
            let px = usize::try_from(channels).ok()?.checked_mul(step)?;
            let over = |v: u8, a: u8| -> u8 {
                let v = u32::from(v) * u32::from(a) + 255 * (255 - u32::from(a));
                u8::try_from((v + 127) / 255).unwrap_or(u8::MAX)
            };
            let mut out = Vec::new();
            for p in data.chunks_exact(px) {
                let at = |i: usize| p.get(i * step).copied().unwrap_or(0);
                if color == 4 {
                    out.push(over(at(0), at(1)));
                } else {
                    let a = at(3);
                    out.extend_from_slice(&[over(at(0), a), over(at(1), a), over(at(2), a)]);
                }
            }
            Some(gray_or_rgb(width, height, color == 4, out))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn zlib(data: &[u8]) -> Vec<u8> {
        let mut e = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
        e.write_all(data).unwrap();
        e.finish().unwrap()
    }

    fn png(width: u32, height: u32, depth: u8, color: u8, raw: &[u8]) -> Vec<u8> {
        let mut out = PNG_SIGNATURE.to_vec();
        let mut chunk = |kind: &[u8], body: &[u8]| {
            out.extend_from_slice(&(body.len() as u32).to_be_bytes());
            out.extend_from_slice(kind);
            out.extend_from_slice(body);
            out.extend_from_slice(&[0, 0, 0, 0]);
        };
        let mut ihdr = Vec::new();
        ihdr.extend_from_slice(&width.to_be_bytes());
        ihdr.extend_from_slice(&height.to_be_bytes());
        ihdr.extend_from_slice(&[depth, color, 0, 0, 0]);
        chunk(b"IHDR", &ihdr);
        chunk(b"IDAT", &zlib(raw));
        chunk(b"IEND", &[]);
        out
    }

    #[test]
    fn an_image_file_is_one_page_covering_it_whole_or_an_error_saying_why() {
        use crate::sniff::FileKind;
        let gray = png(2, 1, 8, 0, &[0, 7, 9]);
        let pages = file_pages(&gray, FileKind::Png, 3).unwrap();
        assert_eq!(pages.len(), 1);
        assert_eq!((pages[0].page, pages[0].coverage), (1, 1.0));
        assert_eq!(
            pages[0].image,
            Image::Gray {
                width: 2,
                height: 1,
                data: vec![7, 9]
            }
        );
        let jpeg = [0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10];
        assert_eq!(
            file_pages(&jpeg, FileKind::Jpeg, 3).unwrap()[0].image,
            Image::Jpeg(jpeg.to_vec())
        );
        assert!(matches!(
            file_pages(&gray[..20], FileKind::Png, 3),
            Err(crate::extract::DocError::Broken(_))
        ));
        assert!(!is_readable_image(FileKind::Gif));
        assert_eq!(
            file_pages(b"GIF89a", FileKind::Gif, 3),
            Err(crate::extract::DocError::Unsupported("gif"))
        );
        // A TIFF of two pages gives both, numbered from one, or as many as asked for; a BMP its
        // one page.
        let dir = std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/images"));
        let two = std::fs::read(dir.join("opinion-two-pages.tif")).unwrap();
        let pages = file_pages(&two, FileKind::Tiff, 3).unwrap();
        assert_eq!(pages.iter().map(|p| p.page).collect::<Vec<_>>(), vec![1, 2]);
        assert_eq!(file_pages(&two, FileKind::Tiff, 1).unwrap().len(), 1);
        let bmp = std::fs::read(dir.join("opinion-bilevel.bmp")).unwrap();
        assert!(matches!(
            file_pages(&bmp, FileKind::Bmp, 3).unwrap()[0].image,
            Image::Bilevel { .. }
        ));
    }

    #[test]
    fn a_gray_png_with_every_filter_decodes_to_its_pixels() {
        // 3×5 gray, one row per filter type; each row is the pixels 10, 20, 30 + row.
        let mut raw = Vec::new();
        let mut prev = [0u8; 3];
        for (r, filter) in (0u8..5).enumerate() {
            let row = [10 + r as u8, 20 + r as u8, 30 + r as u8];
            raw.push(filter);
            for i in 0..3 {
                let a = if i > 0 { row[i - 1] } else { 0 };
                let b = prev[i];
                let c = if i > 0 { prev[i - 1] } else { 0 };
                let pred = match filter {
                    0 => 0,
                    1 => a,
                    2 => b,
                    3 => ((u16::from(a) + u16::from(b)) / 2) as u8,
                    _ => paeth(a, b, c),
                };
                raw.push(row[i].wrapping_sub(pred));
            }
            prev = row;
        }
        let image = decode_png(&png(3, 5, 8, 0, &raw)).unwrap();
        let expected: Vec<u8> = (0u8..5).flat_map(|r| [10 + r, 20 + r, 30 + r]).collect();
        assert_eq!(
            image,
            Image::Gray {
                width: 3,
                height: 5,
                data: expected
            }
        );
    }

    #[test]
    fn an_rgba_png_is_composed_over_white() {
        let raw = [0, 0, 0, 0, 0, 255, 0, 0, 255];
        let image = decode_png(&png(2, 1, 8, 6, &raw)).unwrap();
        assert_eq!(
            image,
            Image::Rgb {
                width: 2,
                height: 1,
                data: vec![255, 255, 255, 255, 0, 0]
            }
        );
    }

    #[test]
    fn a_png_with_too_little_data_or_too_many_pixels_gives_nothing() {
        assert_eq!(decode_png(&png(4, 4, 8, 0, &[0, 1, 2, 3, 4])), None);
        assert_eq!(decode_png(&png(100_000, 100_000, 8, 0, &[0; 16])), None);
        assert_eq!(decode_png(&png(u32::MAX, u32::MAX, 16, 6, &[0; 16])), None);
        assert_eq!(decode_png(b"\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR"), None);
    }

    #[test]
    fn packed_samples_unpack_to_eight_bits() {
        // 2-bit gray: 0, 1, 2, 3 → 0, 85, 170, 255.
        let image = unpack(4, 1, 2, &Colors::Gray, false, &[0b0001_1011]).unwrap();
        assert_eq!(
            image,
            Image::Gray {
                width: 4,
                height: 1,
                data: vec![0, 85, 170, 255]
            }
        );
        let palette = Colors::Indexed(vec![[1, 2, 3], [4, 5, 6]]);
        let image = unpack(3, 1, 1, &palette, false, &[0b0100_0000]).unwrap();
        assert_eq!(
            image,
            Image::Rgb {
                width: 3,
                height: 1,
                data: vec![1, 2, 3, 4, 5, 6, 1, 2, 3]
            }
        );
    }

    #[test]
    fn sizes_that_overflow_or_pass_the_pixel_limit_are_refused() {
        assert_eq!(pixels(u32::MAX, u32::MAX), None);
        assert_eq!(pixels(0, 10), None);
        assert_eq!(packed_len(u32::MAX, 2, 4, 16), None);
        assert_eq!(unpack(u32::MAX, u32::MAX, 8, &Colors::Rgb, false, &[]), None);
        assert_eq!(unpack(2, 2, 8, &Colors::Gray, false, &[0, 0, 0]), None);
    }

    #[test]
    fn one_bit_gray_is_flipped_to_set_bit_black() {
        let image = bilevel(8, 1, true, vec![0b1111_0000]).unwrap();
        assert_eq!(
            image,
            Image::Bilevel {
                width: 8,
                height: 1,
                data: vec![0b0000_1111]
            }
        );
        assert_eq!(bilevel(9, 1, true, vec![0]), None);
    }
}
