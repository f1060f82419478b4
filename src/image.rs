//! Page images as documents hold them (a PDF image XObject, an OFD image resource), and the
//! decoded raster an OCR engine works on. This module sits below both the document readers
//! (`extract`, which take images out) and `ocr` (which reads them), so neither imports the other.
//!
//! JPEG (zune-jpeg) and JPEG 2000 (hayro-jpeg2000) are decoded here, both pure Rust, with a size
//! ceiling checked before any pixel is decoded.

use std::fmt;
use std::io::{self, Write};

/// Most pixels of a page image that is decoded or given to an OCR engine (an A3 page at 600 dpi
/// has 70 million).
pub const MAX_PIXELS: u64 = 100_000_000;

/// The JP2 file signature box, and the start of a raw JPEG 2000 codestream (SOC, SIZ).
const JP2_SIGNATURE: &[u8] = &[0, 0, 0, 0x0C, b'j', b'P', b' ', b' ', 0x0D, 0x0A, 0x87, 0x0A];
const J2K_CODESTREAM: &[u8] = &[0xFF, 0x4F, 0xFF, 0x51];
const JPEG_START: &[u8] = &[0xFF, 0xD8, 0xFF];

/// Why a page image cannot be decoded or read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct BadImage(pub String);

/// A page image as a document holds it.
#[derive(Clone, PartialEq, Eq)]
pub enum Image {
    /// JPEG file bytes (a PDF `DCTDecode` stream, an OFD `.jpg` resource), given as they are.
    Jpeg(Vec<u8>),
    /// JPEG 2000 bytes, a JP2 file or a raw codestream (a PDF `JPXDecode` stream).
    Jpx(Vec<u8>),
    /// 8-bit gray, `width × height` bytes, rows top to bottom, 0 black.
    Gray { width: u32, height: u32, data: Vec<u8> },
    /// 8-bit RGB, `width × height × 3` bytes, rows top to bottom.
    Rgb { width: u32, height: u32, data: Vec<u8> },
    /// 1 bit per pixel, rows of `(width + 7) / 8` bytes, most significant bit first, a set bit
    /// black (PBM's convention: a PDF `/DeviceGray` 1-bit image with the default `/Decode [0 1]`
    /// has 0 for black and must be inverted).
    Bilevel { width: u32, height: u32, data: Vec<u8> },
}

impl fmt::Debug for Image {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Image::Jpeg(d) => write!(f, "Jpeg({} bytes)", d.len()),
            Image::Jpx(d) => write!(f, "Jpx({} bytes)", d.len()),
            Image::Gray { width, height, .. } => write!(f, "Gray({width}×{height})"),
            Image::Rgb { width, height, .. } => write!(f, "Rgb({width}×{height})"),
            Image::Bilevel { width, height, .. } => write!(f, "Bilevel({width}×{height})"),
        }
    }
}

impl Image {
    /// Checks the image before it is decoded or given to an OCR engine: a JPEG or JPEG 2000 signature (anything else would be
    /// read by Tesseract as a list of file names to open), or pixel data of exactly the size its
    /// dimensions say, at most [`MAX_PIXELS`].
    pub fn check(&self) -> Result<(), BadImage> {
        let bad = |m: String| Err(BadImage(m));
        match self {
            Image::Jpeg(d) if d.starts_with(JPEG_START) => Ok(()),
            Image::Jpeg(_) => bad("no JPEG signature (FF D8 FF)".to_string()),
            Image::Jpx(d) if d.starts_with(JP2_SIGNATURE) || d.starts_with(J2K_CODESTREAM) => Ok(()),
            Image::Jpx(_) => bad("no JPEG 2000 signature (JP2 box or codestream)".to_string()),
            Image::Gray { width, height, data }
            | Image::Rgb { width, height, data }
            | Image::Bilevel { width, height, data } => {
                if *width == 0 || *height == 0 {
                    return bad(format!("empty image ({width}×{height})"));
                }
                let pixels = u64::from(*width) * u64::from(*height);
                if pixels > MAX_PIXELS {
                    return bad(format!("{width}×{height} is more than {MAX_PIXELS} pixels"));
                }
                let expected = match self {
                    Image::Rgb { .. } => pixels * 3,
                    Image::Bilevel { .. } => u64::from(width.div_ceil(8)) * u64::from(*height),
                    _ => pixels,
                };
                if data.len() as u64 != expected {
                    return bad(format!(
                        "{width}×{height} needs {expected} bytes of pixels, {} given",
                        data.len()
                    ));
                }
                Ok(())
            }
        }
    }

    /// The file extension of [`Image::write_file`]'s output.
    pub fn extension(&self) -> &'static str {
        match self {
            Image::Jpeg(_) => "jpg",
            Image::Jpx(_) => "jp2",
            Image::Gray { .. } => "pgm",
            Image::Rgb { .. } => "ppm",
            Image::Bilevel { .. } => "pbm",
        }
    }

    /// Writes the image as a file Tesseract reads: the bytes as they are for JPEG and JPEG 2000,
    /// binary PNM for pixels (P5 gray, P6 RGB, P4 bilevel). Call [`Image::check`] first: the
    /// data is written as given.
    pub fn write_file<W: Write>(&self, mut out: W) -> io::Result<()> {
        match self {
            Image::Jpeg(d) | Image::Jpx(d) => out.write_all(d),
            Image::Gray { width, height, data } => {
                write!(out, "P5\n{width} {height}\n255\n")?;
                out.write_all(data)
            }
            Image::Rgb { width, height, data } => {
                write!(out, "P6\n{width} {height}\n255\n")?;
                out.write_all(data)
            }
            Image::Bilevel { width, height, data } => {
                write!(out, "P4\n{width} {height}\n")?;
                out.write_all(data)
            }
        }
    }

    /// An RGB image as gray with its red ink (seals, red letterheads) whitened: a pixel whose red
    /// exceeds both green and blue by 48 or more becomes its red value, any other its luminance.
    /// Black or blue text under a seal stays dark. `None` for any other kind of image.
    pub fn without_red_ink(&self) -> Option<Image> {
        let Image::Rgb { width, height, data } = self else {
            return None;
        };
        let gray = data
            .chunks_exact(3)
            .map(|p| match *p {
                [r, g, b] => gray_without_red(r, g, b),
                _ => 255,
            })
            .collect();
        Some(Image::Gray {
            width: *width,
            height: *height,
            data: gray,
        })
    }
}

/// See [`Image::without_red_ink`].
fn gray_without_red(r: u8, g: u8, b: u8) -> u8 {
    if r >= 96 && u16::from(r) >= u16::from(g.max(b)) + 48 {
        return r;
    }
    luma(r, g, b)
}

/// A decoded image: `channels` (1 gray or 3 RGB) bytes a pixel, rows top to bottom.
#[derive(Clone, PartialEq, Eq)]
pub struct Raster {
    pub width: u32,
    pub height: u32,
    pub channels: u8,
    pub data: Vec<u8>,
}

impl fmt::Debug for Raster {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Raster({}×{}×{})", self.width, self.height, self.channels)
    }
}

impl Image {
    /// The pixels of the image, decoded: JPEG through zune-jpeg (gray JPEGs stay gray, any other
    /// colour model becomes RGB), JPEG 2000 through hayro-jpeg2000 (likewise), bilevel expanded
    /// to gray.
    pub fn decode(&self) -> Result<Raster, BadImage> {
        self.check()?;
        match self {
            Image::Jpeg(d) => decode_jpeg(d),
            // The decoder is young: a panic on a hostile stream is a bad image, not a lost package.
            Image::Jpx(d) => std::panic::catch_unwind(|| decode_jpx(d))
                .unwrap_or_else(|_| Err(BadImage("JPEG 2000 cannot be decoded: the decoder failed".to_string()))),
            Image::Gray { width, height, data } => Ok(Raster {
                width: *width,
                height: *height,
                channels: 1,
                data: data.clone(),
            }),
            Image::Rgb { width, height, data } => Ok(Raster {
                width: *width,
                height: *height,
                channels: 3,
                data: data.clone(),
            }),
            Image::Bilevel { width, height, data } => {
                let row = width.div_ceil(8) as usize;
                let mut out = Vec::with_capacity(*width as usize * *height as usize);
                for y in 0..*height as usize {
                    for x in 0..*width as usize {
                        let byte = data.get(y * row + x / 8).copied().unwrap_or(0);
                        out.push(if byte & (0x80 >> (x % 8)) != 0 { 0 } else { 255 });
                    }
                }
                Ok(Raster {
                    width: *width,
                    height: *height,
                    channels: 1,
                    data: out,
                })
            }
        }
    }
}

/// Decodes a JPEG 2000 image (a JP2 file or a raw codestream) through hayro-jpeg2000,
/// refusing past [`MAX_PIXELS`] before any pixel is decoded: gray stays gray, RGB stays RGB,
/// CMYK becomes RGB, an alpha channel is dropped (a scan's pixels are under it), and a palette
/// is resolved to its colours. Other colour spaces are a [`BadImage`].
fn decode_jpx(bytes: &[u8]) -> Result<Raster, BadImage> {
    use hayro_jpeg2000::{ColorSpace, DecodeSettings, DecoderContext};
    let bad = |e: &dyn fmt::Display| BadImage(format!("JPEG 2000 cannot be decoded: {e}"));
    let image = hayro_jpeg2000::Image::new(bytes, &DecodeSettings::default()).map_err(|e| bad(&e))?;
    let (width, height) = (image.width(), image.height());
    if width == 0 || height == 0 || u64::from(width) * u64::from(height) > MAX_PIXELS {
        return Err(BadImage(format!(
            "JPEG 2000 of {width}×{height} pixels is outside 1..{MAX_PIXELS}"
        )));
    }
    let colors = match image.color_space() {
        ColorSpace::Gray => 1,
        ColorSpace::RGB => 3,
        ColorSpace::CMYK => 4,
        ColorSpace::Unknown { num_channels } | ColorSpace::Icc { num_channels, .. } => *num_channels,
    };
    if !matches!(colors, 1 | 3 | 4) {
        return Err(BadImage(format!("JPEG 2000 with {colors} colour channels")));
    }
    let stride = usize::from(colors) + usize::from(image.has_alpha());
    let mut ctx = DecoderContext::default();
    let data = image.decode(&mut ctx).map_err(|e| bad(&e))?.data_u8();
    let pixels = width as usize * height as usize;
    if data.len() != pixels * stride {
        return Err(BadImage(format!(
            "JPEG 2000 decoded to {} bytes for {width}×{height}×{stride}",
            data.len()
        )));
    }
    let (channels, data): (u8, Vec<u8>) = match colors {
        1 if stride == 1 => (1, data),
        1 => (
            1,
            data.chunks_exact(stride).filter_map(|p| p.first().copied()).collect(),
        ),
        3 if stride == 3 => (3, data),
        3 => (
            3,
            data.chunks_exact(stride)
                .flat_map(|p| p.iter().take(3).copied())
                .collect(),
        ),
        _ => (
            3,
            data.chunks_exact(stride)
                .flat_map(|p| {
                    let [c, m, y, k] = [0, 1, 2, 3].map(|i| u32::from(p.get(i).copied().unwrap_or(0)));
                    [c, m, y].map(|v| ((255 - v) * (255 - k) / 255) as u8)
                })
                .collect(),
        ),
    };
    Ok(Raster {
        width,
        height,
        channels,
        data,
    })
}

/// Decodes a JPEG, refusing past [`MAX_PIXELS`] before any pixel is decoded.
fn decode_jpeg(bytes: &[u8]) -> Result<Raster, BadImage> {
    use zune_jpeg::zune_core::bytestream::ZCursor;
    use zune_jpeg::zune_core::colorspace::ColorSpace;
    use zune_jpeg::zune_core::options::DecoderOptions;
    let bad = |e: &dyn fmt::Display| BadImage(format!("JPEG cannot be decoded: {e}"));
    let options = DecoderOptions::default()
        .set_max_width(65_535)
        .set_max_height(65_535)
        .set_strict_mode(false);
    let mut probe = zune_jpeg::JpegDecoder::new_with_options(ZCursor::new(bytes), options);
    probe.decode_headers().map_err(|e| bad(&e))?;
    let info = probe.info().ok_or_else(|| bad(&"no frame header"))?;
    let (width, height) = (u32::from(info.width), u32::from(info.height));
    if width == 0 || height == 0 || u64::from(width) * u64::from(height) > MAX_PIXELS {
        return Err(BadImage(format!(
            "JPEG of {width}×{height} pixels is outside 1..{MAX_PIXELS}"
        )));
    }
    let gray = info.components == 1;
    let out = if gray { ColorSpace::Luma } else { ColorSpace::RGB };
    let mut decoder =
        zune_jpeg::JpegDecoder::new_with_options(ZCursor::new(bytes), options.jpeg_set_out_colorspace(out));
    let data = decoder.decode().map_err(|e| bad(&e))?;
    let channels: u8 = if gray { 1 } else { 3 };
    if data.len() as u64 != u64::from(width) * u64::from(height) * u64::from(channels) {
        return Err(BadImage(format!(
            "JPEG decoded to {} bytes for {width}×{height}",
            data.len()
        )));
    }
    Ok(Raster {
        width,
        height,
        channels,
        data,
    })
}

impl Raster {
    /// The raster as gray (luminance, ITU-R BT.601 weights).
    pub fn to_gray(&self) -> Raster {
        if self.channels == 1 {
            return self.clone();
        }
        Raster {
            width: self.width,
            height: self.height,
            channels: 1,
            data: self
                .data
                .chunks_exact(3)
                .map(|p| match *p {
                    [r, g, b] => luma(r, g, b),
                    _ => 255,
                })
                .collect(),
        }
    }

    /// The raster as RGB (a gray pixel repeated in the three channels).
    pub fn to_rgb(&self) -> Raster {
        if self.channels == 3 {
            return self.clone();
        }
        Raster {
            width: self.width,
            height: self.height,
            channels: 3,
            data: self.data.iter().flat_map(|&v| [v, v, v]).collect(),
        }
    }

    /// The raster turned clockwise by `quarters` × 90°.
    pub fn rotated(&self, quarters: u8) -> Raster {
        let (w, h, c) = (self.width as usize, self.height as usize, usize::from(self.channels));
        let q = quarters % 4;
        if q == 0 {
            return self.clone();
        }
        let (nw, nh) = if q % 2 == 1 { (h, w) } else { (w, h) };
        let mut out = vec![0u8; self.data.len()];
        for y in 0..h {
            for x in 0..w {
                let (nx, ny) = match q {
                    1 => (h - 1 - y, x),
                    2 => (w - 1 - x, h - 1 - y),
                    _ => (y, w - 1 - x),
                };
                let src = (y * w + x) * c;
                let dst = (ny * nw + nx) * c;
                if let (Some(s), Some(d)) = (self.data.get(src..src + c), out.get_mut(dst..dst + c)) {
                    d.copy_from_slice(s);
                }
            }
        }
        Raster {
            width: nw as u32,
            height: nh as u32,
            channels: self.channels,
            data: out,
        }
    }

    /// The `width × height` part of the raster whose top-left pixel is (`left`, `top`), clamped
    /// to the raster.
    pub fn cropped(&self, left: u32, top: u32, width: u32, height: u32) -> Raster {
        let c = usize::from(self.channels);
        let (sw, sh) = (self.width as usize, self.height as usize);
        let (x0, y0) = ((left as usize).min(sw), (top as usize).min(sh));
        let (x1, y1) = ((x0 + width as usize).min(sw), (y0 + height as usize).min(sh));
        let mut data = Vec::with_capacity((x1 - x0) * (y1 - y0) * c);
        for y in y0..y1 {
            data.extend(self.data.get((y * sw + x0) * c..(y * sw + x1) * c).unwrap_or_default());
        }
        Raster {
            width: (x1 - x0) as u32,
            height: (y1 - y0) as u32,
            channels: self.channels,
            data,
        }
    }

    /// The raster scaled to `width × height` by bilinear sampling (pixel centres aligned, as
    /// OpenCV's `INTER_LINEAR`).
    pub fn resized(&self, width: u32, height: u32) -> Raster {
        let (sw, sh, c) = (self.width as usize, self.height as usize, usize::from(self.channels));
        let (dw, dh) = (width.max(1) as usize, height.max(1) as usize);
        if sw == 0 || sh == 0 || self.data.len() != sw * sh * c {
            return Raster {
                width: dw as u32,
                height: dh as u32,
                channels: self.channels,
                data: vec![255; dw * dh * c],
            };
        }
        let (fx, fy) = (sw as f32 / dw as f32, sh as f32 / dh as f32);
        let xs: Vec<(usize, usize, f32)> = (0..dw)
            .map(|x| {
                let s = ((x as f32 + 0.5) * fx - 0.5).clamp(0.0, (sw - 1) as f32);
                let x0 = s as usize; // s ≥ 0: truncation is floor, without a call
                (x0, (x0 + 1).min(sw - 1), s - x0 as f32)
            })
            .collect();
        let mut out = Vec::with_capacity(dw * dh * c);
        for y in 0..dh {
            let s = ((y as f32 + 0.5) * fy - 0.5).clamp(0.0, (sh - 1) as f32);
            let y0 = s as usize;
            let y1 = (y0 + 1).min(sh - 1);
            let wy = s - y0 as f32;
            let row = |y: usize| self.data.get(y * sw * c..(y + 1) * sw * c).unwrap_or_default();
            let (r0, r1) = (row(y0), row(y1));
            let px = |r: &[u8], i: usize| f32::from(r.get(i).copied().unwrap_or(255));
            for &(x0, x1, wx) in &xs {
                for k in 0..c {
                    let top = px(r0, x0 * c + k) * (1.0 - wx) + px(r0, x1 * c + k) * wx;
                    let bottom = px(r1, x0 * c + k) * (1.0 - wx) + px(r1, x1 * c + k) * wx;
                    // A weighted mean of bytes, in 0..=255: half up, as `round`, without a call.
                    out.push((top * (1.0 - wy) + bottom * wy + 0.5) as u8);
                }
            }
        }
        Raster {
            width: dw as u32,
            height: dh as u32,
            channels: self.channels,
            data: out,
        }
    }
}

/// Luminance of an RGB pixel (BT.601), rounded.
pub fn luma(r: u8, g: u8, b: u8) -> u8 {
    let l = (299 * u32::from(r) + 587 * u32::from(g) + 114 * u32::from(b) + 500) / 1000;
    u8::try_from(l).unwrap_or(u8::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raster(w: u32, h: u32, c: u8, data: &[u8]) -> Raster {
        Raster {
            width: w,
            height: h,
            channels: c,
            data: data.to_vec(),
        }
    }

    #[test]
    fn a_quarter_turn_clockwise_puts_the_left_column_on_top() {
        // 3×2: a b c / d e f  →  turned clockwise 2×3: d a / e b / f c
        let r = raster(3, 2, 1, b"abcdef");
        let q = r.rotated(1);
        assert_eq!((q.width, q.height, q.data.as_slice()), (2, 3, b"daebfc".as_slice()));
        assert_eq!(r.rotated(2).data, b"fedcba");
        assert_eq!(r.rotated(3).data, b"cfbead");
        assert_eq!(r.rotated(4), r);
        assert_eq!(r.rotated(1).rotated(3), r);
    }

    #[test]
    fn a_crop_takes_the_asked_part_and_stops_at_the_edges() {
        // 3×2: a b c / d e f
        let r = raster(3, 2, 1, b"abcdef");
        assert_eq!(r.cropped(1, 0, 2, 2).data, b"bcef");
        assert_eq!(r.cropped(2, 1, 5, 5), raster(1, 1, 1, b"f"));
        assert_eq!(r.cropped(7, 7, 1, 1).data, b"");
        assert_eq!(raster(2, 1, 3, b"abcdef").cropped(1, 0, 1, 1).data, b"def");
    }

    #[test]
    fn bilinear_resizing_keeps_flat_areas_and_halves_sizes() {
        let r = raster(4, 2, 1, &[0, 0, 200, 200, 0, 0, 200, 200]);
        let h = r.resized(2, 1);
        assert_eq!((h.width, h.height), (2, 1));
        assert_eq!(h.data, vec![0, 200]);
        let up = raster(1, 1, 3, &[10, 20, 30]).resized(3, 2);
        assert_eq!(up.data, [10, 20, 30].repeat(6));
    }

    #[test]
    fn gray_rgb_and_bilevel_images_decode_to_their_pixels() {
        let g = Image::Gray {
            width: 2,
            height: 1,
            data: vec![0, 255],
        };
        assert_eq!(g.decode().unwrap(), raster(2, 1, 1, &[0, 255]));
        let b = Image::Bilevel {
            width: 3,
            height: 1,
            data: vec![0b1010_0000],
        };
        assert_eq!(b.decode().unwrap(), raster(3, 1, 1, &[0, 255, 0]));
        assert_eq!(raster(1, 1, 3, &[255, 0, 0]).to_gray().data, vec![76]);
        assert!(Image::Jpx(b"\xFF\x4F\xFF\x51".to_vec()).decode().is_err());
    }

    #[test]
    fn a_broken_or_oversized_jpeg_is_a_bad_image_not_a_panic() {
        assert!(Image::Jpeg(vec![0xFF, 0xD8, 0xFF, 0xE0, 0, 16]).decode().is_err());
        // A frame header claiming 60000 × 60000 pixels (3.6 billion) is refused before decoding.
        let mut sof = vec![0xFF, 0xD8, 0xFF, 0xC0, 0, 11, 8, 0xEA, 0x60, 0xEA, 0x60, 1, 1, 0x11, 0];
        sof.extend_from_slice(&[0xFF, 0xD9]);
        let err = Image::Jpeg(sof).decode().unwrap_err();
        assert!(err.0.contains("JPEG"), "{err}");
    }
}
