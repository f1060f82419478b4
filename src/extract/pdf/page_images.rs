//! Images of scanned pages, as stored (no rendering): the largest image drawn on a page, taken out
//! for OCR when it covers enough of the page.

use lopdf::{Object, Stream};

use super::interp::Interp;
use super::objects::*;
use super::{DocError, SCAN_COVERAGE};
use crate::extract::bilevel;
use crate::extract::images::{self, Colors, PageImage, MAX_IMAGE_BYTES};
use crate::ocr::Image;

/// The images of the scanned pages among the first `max_pages` pages (see [`super::page_images`]).
pub(super) fn extract_images(doc: &lopdf::Document, max_pages: usize) -> Result<Vec<PageImage>, DocError> {
    let pages = collect_pages(doc)?;
    let mut interp = Interp::new(doc);
    let mut out = images::Collected::default();
    for (i, page) in pages.iter().take(max_pages).enumerate() {
        interp.read_page(page)?;
        let Some((coverage, stream)) = interp.best_image.take() else {
            continue;
        };
        if coverage < SCAN_COVERAGE {
            continue;
        }
        let Some(image) = image_of(doc, stream) else {
            continue;
        };
        out.push(i, image, coverage)?;
    }
    Ok(out.into_vec())
}

/// An image XObject as OCR takes it (see [`page_images`]); `None` when it cannot be given.
pub(super) fn image_of(doc: &lopdf::Document, stream: &Stream) -> Option<Image> {
    let d = &stream.dict;
    let filters: Vec<&[u8]> = match get(doc, d, b"Filter") {
        Object::Null => Vec::new(),
        Object::Name(n) => vec![n.as_slice()],
        Object::Array(a) => a
            .iter()
            .map(|o| match deref(doc, o) {
                Object::Name(n) => Some(n.as_slice()),
                _ => None,
            })
            .collect::<Option<Vec<_>>>()?,
        _ => return None,
    };
    if filters.len() > lopdf::Stream::MAX_FILTERS {
        return None;
    }
    let image_filter = |f: &[u8]| {
        matches!(
            f,
            b"DCTDecode" | b"DCT" | b"JPXDecode" | b"CCITTFaxDecode" | b"CCF" | b"JBIG2Decode"
        )
    };
    let dim = |key: &[u8]| {
        let v = get_num(doc, d, key)?;
        (v.fract() == 0.0 && v >= 1.0 && v <= f64::from(u32::MAX)).then_some(v as u32)
    };
    let inverted = get_array(doc, d, b"Decode")
        .and_then(|a| nums::<2>(doc, a))
        .is_some_and(|[lo, hi]| lo > hi);
    if let Some((&last, prefix)) = filters.split_last() {
        if prefix.iter().any(|f| image_filter(f)) {
            return None;
        }
        if image_filter(last) {
            let bytes = if prefix.is_empty() {
                stream.content.clone()
            } else {
                decode_prefix(doc, stream, prefix.len())?
            };
            let image = match last {
                b"DCTDecode" | b"DCT" => Image::Jpeg(bytes),
                b"JPXDecode" => Image::Jpx(bytes),
                _ => coded_bilevel(
                    doc,
                    d,
                    last,
                    filters.len() - 1,
                    &bytes,
                    (dim(b"Width")?, dim(b"Height")?),
                    inverted,
                )?,
            };
            return image.check().ok().map(|()| image);
        }
    }
    let (width, height) = (dim(b"Width")?, dim(b"Height")?);
    let mask = matches!(get(doc, d, b"ImageMask"), Object::Boolean(true));
    let bits = if mask {
        1
    } else {
        match get_num(doc, d, b"BitsPerComponent") {
            Some(b) if matches!(b as u32, 1 | 2 | 4 | 8 | 16) && b.fract() == 0.0 => b as u8,
            _ => return None,
        }
    };
    let colors = if mask {
        Colors::Gray
    } else {
        color_space(doc, get(doc, d, b"ColorSpace"), 0)?
    };
    let expected = images::packed_len(width, height, colors.components(), bits)?;
    let data = if filters.is_empty() {
        stream.content.clone()
    } else {
        // Room for PNG predictors' filter bytes; the result must still be exactly `expected`.
        let limit = expected
            .saturating_add(usize::try_from(height).ok()?.saturating_mul(8))
            .saturating_add(4096)
            .min(MAX_IMAGE_BYTES);
        decode_stream(stream, limit).ok()??
    };
    if data.len() != expected {
        return None;
    }
    let image = if bits == 1 && colors == Colors::Gray {
        images::bilevel(width, height, !inverted, data)?
    } else {
        let invert = inverted && !matches!(colors, Colors::Indexed(_));
        images::unpack(width, height, bits, &colors, invert, &data)?
    };
    image.check().ok().map(|()| image)
}

/// A CCITT fax or JBIG2 image (`filter`, the `index`th of the stream's filters, `bytes` its
/// input) of `/Width` × `/Height` decoded to black and white, with the parameters of that filter
/// and the image's `/Decode` (`inverted`). `None` when it is another filter, cannot be decoded,
/// or decodes to another size.
fn coded_bilevel(
    doc: &lopdf::Document,
    d: &lopdf::Dictionary,
    filter: &[u8],
    index: usize,
    bytes: &[u8],
    (width, height): (u32, u32),
    inverted: bool,
) -> Option<Image> {
    let parms = match get(doc, d, b"DecodeParms") {
        Object::Dictionary(p) => Some(p),
        Object::Array(a) => match a.get(index).map(|o| deref(doc, o)) {
            Some(Object::Dictionary(p)) => Some(p),
            _ => None,
        },
        _ => None,
    };
    let int = |key: &[u8]| parms.and_then(|p| get_num(doc, p, key)).filter(|v| v.fract() == 0.0);
    let flag = |key: &[u8], default: bool| match parms.map(|p| get(doc, p, key)) {
        Some(Object::Boolean(b)) => *b,
        _ => default,
    };
    let image = match filter {
        b"CCITTFaxDecode" | b"CCF" => {
            let defaults = bilevel::FaxParams::default();
            let columns = int(b"Columns").map_or(Some(defaults.columns), |c| {
                (c >= 1.0 && c <= f64::from(u32::MAX)).then_some(c as u32)
            })?;
            let rows = int(b"Rows")
                .filter(|r| *r >= 1.0 && *r <= f64::from(u32::MAX))
                .map_or(0, |r| r as u32);
            let p = bilevel::FaxParams {
                k: int(b"K").map_or(0, |k| k.clamp(-1.0, 1.0) as i64),
                columns,
                rows,
                black_is_1: flag(b"BlackIs1", false),
                byte_align: flag(b"EncodedByteAlign", false),
                end_of_line: flag(b"EndOfLine", false),
                end_of_block: flag(b"EndOfBlock", true),
            };
            bilevel::decode_fax(bytes, &p, height, inverted)
        }
        b"JBIG2Decode" => {
            let globals = match parms.and_then(|p| p.get(b"JBIG2Globals").ok()).map(|o| deref(doc, o)) {
                Some(Object::Stream(g)) => Some(decode_stream(g, MAX_IMAGE_BYTES).ok()??),
                _ => None,
            };
            bilevel::decode_jbig2(bytes, globals.as_deref(), inverted)
        }
        _ => None,
    }?;
    // Coded at another size than the image says: which is right cannot be told.
    match image {
        Image::Bilevel {
            width: w, height: h, ..
        } if (w, h) == (width, height) => Some(image),
        _ => None,
    }
}

/// The stream's data through its first `n` filters only (those before `/DCTDecode` or
/// `/JPXDecode`).
pub(super) fn decode_prefix(doc: &lopdf::Document, stream: &Stream, n: usize) -> Option<Vec<u8>> {
    let mut dict = stream.dict.clone();
    let filters = get_array(doc, &stream.dict, b"Filter")?;
    dict.set("Filter", Object::Array(filters.get(..n)?.to_vec()));
    if let Some(parms) = get_array(doc, &stream.dict, b"DecodeParms") {
        dict.set("DecodeParms", Object::Array(parms.iter().take(n).cloned().collect()));
    }
    let partial = Stream::new(dict, stream.content.clone());
    decode_stream(&partial, MAX_IMAGE_BYTES).ok()?
}

/// An image's colour space as [`Colors`]: gray, RGB, CMYK (device, calibrated or ICC-based by
/// their component count) or indexed over one of them. `None` for the others (Lab, separations,
/// patterns).
pub(super) fn color_space(doc: &lopdf::Document, cs: &Object, depth: usize) -> Option<Colors> {
    let by_components = |n: f64| match n as i64 {
        1 => Some(Colors::Gray),
        3 => Some(Colors::Rgb),
        4 => Some(Colors::Cmyk),
        _ => None,
    };
    match cs {
        Object::Name(n) => match n.as_slice() {
            b"DeviceGray" | b"CalGray" | b"G" => Some(Colors::Gray),
            b"DeviceRGB" | b"CalRGB" | b"RGB" => Some(Colors::Rgb),
            b"DeviceCMYK" | b"CMYK" => Some(Colors::Cmyk),
            _ => None,
        },
        Object::Array(a) => {
            let family = match a.first().map(|o| deref(doc, o)) {
                Some(Object::Name(n)) => n.as_slice(),
                _ => return None,
            };
            match family {
                b"CalGray" => Some(Colors::Gray),
                b"CalRGB" => Some(Colors::Rgb),
                b"ICCBased" => match a.get(1).map(|o| deref(doc, o)) {
                    Some(Object::Stream(s)) => match get_num(doc, &s.dict, b"N") {
                        Some(n) => by_components(n),
                        None => s
                            .dict
                            .get(b"Alternate")
                            .ok()
                            .and_then(|o| color_space(doc, deref(doc, o), depth + 1)),
                    },
                    _ => None,
                },
                b"Indexed" | b"I" if depth == 0 => {
                    let base = color_space(doc, deref(doc, a.get(1)?), depth + 1)?;
                    let hival = num(doc, a.get(2)?)?;
                    if !(0.0..=255.0).contains(&hival) {
                        return None;
                    }
                    let entries = hival as usize + 1;
                    let comps = usize::try_from(base.components()).ok()?;
                    let table: Vec<u8> = match deref(doc, a.get(3)?) {
                        Object::String(s, _) => s.clone(),
                        Object::Stream(s) => decode_stream(s, 256 * 4).ok()??,
                        _ => return None,
                    };
                    let palette = table
                        .chunks_exact(comps)
                        .take(entries)
                        .map(|p| match (&base, p) {
                            (Colors::Gray, [g]) => [*g, *g, *g],
                            (Colors::Rgb, [r, g, b]) => [*r, *g, *b],
                            (Colors::Cmyk, [c, m, y, k]) => {
                                [*c, *m, *y].map(|ink| 255u8.saturating_sub(ink.saturating_add(*k)))
                            }
                            _ => [0, 0, 0],
                        })
                        .collect();
                    Some(Colors::Indexed(palette))
                }
                _ if depth == 0 && a.len() == 1 => color_space(doc, deref(doc, a.first()?), depth + 1),
                _ => None,
            }
        }
        _ => None,
    }
}
