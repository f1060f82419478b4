//! Red official seals (公章) on scanned pages: which pixels are seal ink, where each seal is, and
//! images of a seal's wording for a text recogniser.
//!
//! Submission documents (验收意见, 申请函, contracts) are often scans with a red seal stamped over
//! the signature line, the date or the unit's name. This module serves two purposes:
//!
//! 1. Text recognition binarises on luminance, so red ink turns as dark as text and hides what
//!    lies under it. [`whiten_ink`] turns seal ink to paper white before recognition, and
//!    [`ink_mask`] with [`ink_share`] tells which part of a recognised value lay under seal ink, so
//!    that the value can be marked uncertain.
//! 2. [`find_seals`] locates each seal on a page; [`unroll_ring`] straightens the arc text of a
//!    round or oval seal (the unit's name, e.g. `北京市某某局`) into one horizontal line, and
//!    [`inner_text`] crops the horizontal line under the star (e.g. `验收专用章`, `合同专用章`),
//!    both as dark text on a light background, which is what the recogniser (PP-OCR, input height
//!    48 px) reads.
//!
//! # Method
//!
//! Seal ink is told by colour alone ([`is_seal_ink`]): red to orange-red, saturated enough, and
//! not dark, because where red ink lies over black text the pixel is dark red and is text, which
//! must stay dark when the ink is whitened.
//!
//! A stamped ring is broken (uneven pressure, blotches, black text crossing it), and the star and
//! the wording are separate marks, so [`find_seals`] joins ink in two steps: a dilation of about
//! 0.5 mm makes connected pieces, and pieces whose boxes come within about 6 mm of each other or
//! nest are merged while the merged box stays within the largest seal size. Boxes and counts come
//! from the ink pixels themselves, so no erosion is needed. A merged piece is a seal by its size
//! relative to the page width (a 40–45 mm seal is about 20 % of an A4 width at any resolution), its
//! proportions and its share of ink; its centre and radii are those of its box. The rotation of a
//! stamp is not estimated.
//!
//! The arc text of a Chinese seal starts around 7–8 o'clock and runs clockwise over the top to 4–5
//! o'clock, the characters' tops pointing outward. [`unroll_ring`] samples that band by polar
//! (elliptic for an oval) sampling so that it becomes one upright line, 12 o'clock in the middle,
//! columns evenly spaced by arc length; [`inner_text`] crops the line under the star. Both read
//! the seal ink only, so black text under or near a seal does not enter them.
//!
//! On the sealed scans of `fixtures/scans/` (150 dpi, JPEG quality 70 or 16 levels a channel)
//! each page gives one round seal at its ring and no ink elsewhere, and the strip shows
//! `北京市某某局验收专用章` or `北京某某科技有限公司` upright, left to right; the pale edges of
//! their strokes (`(224,176,176)`) set the saturation floor of seal ink at 20 %.
//!
//! Images are rows top to bottom; RGB has 3 bytes a pixel, gray 1 byte (0 black). Positions are
//! continuous: pixel `(x, y)` covers `[x, x+1) × [y, y+1)`, so its centre is `(x + 0.5, y + 0.5)`.
//! Nothing here panics: a buffer whose length does not match its size, a zero size or a seal with
//! absurd numbers gives `None`, an empty list or 0.

use std::cmp::Reverse;
use std::ops::RangeInclusive;

// Seal ink (see `is_seal_ink`).
const INK_MIN_RED: i32 = 110;
const INK_MIN_MARGIN: i32 = 40;
const INK_MIN_SATURATION_PCT: i32 = 20;
const INK_MAX_HUE_DEG: i32 = 25;
// A seal (see `find_seals`): box side / page width, width / height, ink pixels, ink / box pixels.
const SIDE_RANGE: RangeInclusive<f32> = 0.03..=0.35;
const ASPECT_RANGE: RangeInclusive<f32> = 0.5..=2.0;
const MIN_SEAL_INK: u64 = 300;
const SHARE_RANGE: RangeInclusive<f32> = 0.05..=0.6;
/// A box whose longer side exceeds the shorter by more than this ratio is oval.
const OVAL_ASPECT: f32 = 1.2;
/// Least ink of a piece that is not noise, at any resolution.
const MIN_PIECE_INK: u64 = 12;
/// Most pieces merged (the largest), which bounds the merging on a page full of red.
const MAX_PIECES: usize = 2048;
/// Most seals reported on one page.
const MAX_SEALS: usize = 16;
// The unrolled band: its edges in radii, its start (clockwise from 12 o'clock) and span in
// degrees, the strip's height and greatest width, and the points of the arc-length table.
const BAND_INNER: f32 = 0.55;
const BAND_OUTER: f32 = 0.98;
const ARC_START_DEG: f32 = 225.0;
const ARC_SPAN_DEG: f32 = 270.0;
const STRIP_HEIGHT: u32 = 48;
const STRIP_MAX_WIDTH: u32 = 2000;
const ARC_STEPS: usize = 360;
// The horizontal line of a round seal, in radii from the centre: half-width, top, bottom, and the
// ellipse beyond which the crop is left white (inside the ring's inner edge, about 0.93).
const INNER_HALF_WIDTH: f32 = 0.70;
const INNER_TOP: f32 = 0.30;
const INNER_BOTTOM: f32 = 0.82;
const INNER_CUT: f32 = 0.90;

/// True when an RGB pixel is red seal ink:
///
/// - red at least 110: a darker pixel is text, possibly under the ink (ink over black text scans as
///   dark red, e.g. `(90,20,20)`), and must stay dark when the ink is whitened;
/// - red at least 40 above both green and blue: far above the colour noise a JPEG scan leaves along
///   black or gray text (under about 25); it also keeps green and blue at most 215, so a near-white
///   pixel never passes;
/// - HSV saturation at least 20 %: faint pink ink (`(240,150,150)`, 37 %) counts, since stamps are
///   often faint or blotchy and a pale seal covers text as a strong one does, and so does the pale
///   edge of a stamped stroke (`(224,176,176)`, 21 %), while the palest pinks and pinkish paper
///   (`(255,215,215)`, 16 %) do not;
/// - hue within ±25° of red: seal ink is red to orange-red (up to about 20°); orange
///   (`(240,150,30)`, 34°) and brown (`(150,100,50)`, 30°) are highlighter, logos or stains.
///
/// Black, gray, white and blue fail the margin.
pub fn is_seal_ink(r: u8, g: u8, b: u8) -> bool {
    let (r, g, b) = (i32::from(r), i32::from(g), i32::from(b));
    let chroma = r - g.min(b);
    r >= INK_MIN_RED
        && r - g.max(b) >= INK_MIN_MARGIN
        && 100 * chroma >= INK_MIN_SATURATION_PCT * r
        // Red is the largest channel, so the hue is 60° × (g − b) / chroma.
        && 60 * (g - b).abs() <= INK_MAX_HUE_DEG * chroma
}

/// The seal-ink mask of an RGB image (width*height bools, see [`is_seal_ink`]), or None when the
/// buffer length does not match.
pub fn ink_mask(rgb: &[u8], width: u32, height: u32) -> Option<Vec<bool>> {
    rgb_matches(rgb, width, height).then(|| rgb.chunks_exact(3).map(is_ink_pixel).collect())
}

/// A gray copy of an RGB image with seal ink turned to paper white and every other pixel to its
/// luminance, so black text under a seal stays readable: where ink covers text the pixel is dark in
/// all three channels (red under 110), is not seal ink and stays dark. None on length mismatch.
pub fn whiten_ink(rgb: &[u8], width: u32, height: u32) -> Option<Vec<u8>> {
    let gray = |p: &[u8]| match *p {
        [r, g, b] if !is_seal_ink(r, g, b) => luminance(r, g, b),
        _ => u8::MAX,
    };
    rgb_matches(rgb, width, height).then(|| rgb.chunks_exact(3).map(gray).collect())
}

/// Share (0..=1) of the pixels of the rectangle [x0,x1)×[y0,y1) (clamped to the image) that are
/// seal ink. 0 for an empty rectangle, and for a mask whose length does not match the size.
pub fn ink_share(mask: &[bool], width: u32, height: u32, x0: u32, y0: u32, x1: u32, y1: u32) -> f32 {
    let (x1, y1) = (x1.min(width), y1.min(height));
    if x0 >= x1 || y0 >= y1 || pixel_count(width, height) != Some(mask.len()) {
        return 0.0;
    }
    let (left, span) = (x0 as usize, (x1 - x0) as usize);
    let ink: usize = mask
        .chunks_exact(width as usize)
        .skip(y0 as usize)
        .take((y1 - y0) as usize)
        .map(|row| row.iter().skip(left).take(span).filter(|&&m| m).count())
        .sum();
    (ink as f64 / (f64::from(x1 - x0) * f64::from(y1 - y0))) as f32
}

/// A seal found on a page.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Seal {
    /// Bounding box of the seal's ink in pixels (left, top, right exclusive, bottom exclusive).
    pub bbox: (u32, u32, u32, u32),
    /// Centre of the bounding box (continuous coordinates, see the module documentation).
    pub center: (f32, f32),
    /// Half the bbox width and height.
    pub radii: (f32, f32),
    /// Round, oval or square.
    pub shape: SealShape,
    /// Ink pixels / bbox pixels.
    pub ink: f32,
}

/// The outline of a seal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SealShape {
    /// A round seal (a unit's official seal, about 40–45 mm).
    Round,
    /// An oval seal (finance or contract seals, about 40 × 30 mm).
    Oval,
    /// A square or rectangular seal (its ink reaches the corners of its box).
    Square,
}

/// The seals of a page: regions of seal ink (ink within a page width / 400 pixels joined, about 0.5
/// mm, pieces of under about 1 mm² of ink dropped as noise, and pieces whose boxes come within a
/// page width / 35, about 6 mm, merged, such as the star inside its ring or a ring cut by a line of
/// text) whose box is 3–35 % of the page width on each side, with an aspect ratio within 0.5..=2,
/// at least 300 ink pixels and an ink share of 0.05–0.6 (a ring with text, not a speck, not a solid
/// red block such as a logo or a photo). Square when ink fills three corners of the box (a round
/// ring never reaches them), else oval when the aspect ratio exceeds 1.2, else round. Sorted top to
/// bottom, then left to right: seals whose centres lie above the bottom of the topmost seal of a
/// row make that row. At most 16 (those with most ink). Empty when the mask does not match the size.
pub fn find_seals(mask: &[bool], width: u32, height: u32) -> Vec<Seal> {
    if pixel_count(width, height) != Some(mask.len()) || mask.is_empty() || u32::try_from(mask.len()).is_err() {
        return Vec::new();
    }
    let reach = (width / 400).clamp(2, 16) as usize;
    let least = u64::from(width / 200).pow(2).max(MIN_PIECE_INK);
    let mut joined = dilate(mask, width as usize, reach);
    let mut pieces = connected_pieces(&mut joined, mask, width as usize, least);
    if pieces.len() > MAX_PIECES {
        pieces.sort_by_key(|p| Reverse(p.ink));
        pieces.truncate(MAX_PIECES);
    }
    let page = width as f32;
    let largest = (SIDE_RANGE.end() * page) as u32;
    let mut seals: Vec<(u64, Seal)> = merge_near(pieces, (width / 35).max(2), largest)
        .into_iter()
        .filter_map(|p| {
            let (fw, fh) = ((p.x1 - p.x0) as f32, (p.y1 - p.y0) as f32);
            let share = (p.ink as f64 / (f64::from(fw) * f64::from(fh))) as f32;
            let plausible = SIDE_RANGE.contains(&(fw / page))
                && SIDE_RANGE.contains(&(fh / page))
                && ASPECT_RANGE.contains(&(fw / fh))
                && p.ink >= MIN_SEAL_INK
                && SHARE_RANGE.contains(&share);
            let shape = if fills_corners(mask, width, height, &p) {
                SealShape::Square
            } else if fw.max(fh) > OVAL_ASPECT * fw.min(fh) {
                SealShape::Oval
            } else {
                SealShape::Round
            };
            let center = ((p.x0 as f32 + p.x1 as f32) / 2.0, (p.y0 as f32 + p.y1 as f32) / 2.0);
            let (bbox, radii, ink) = ((p.x0, p.y0, p.x1, p.y1), (fw / 2.0, fh / 2.0), share);
            plausible.then_some((
                p.ink,
                Seal {
                    bbox,
                    center,
                    radii,
                    shape,
                    ink,
                },
            ))
        })
        .collect();
    seals.sort_by_key(|s| Reverse(s.0));
    seals.truncate(MAX_SEALS);
    reading_order(seals.into_iter().map(|(_, s)| s).collect())
}

/// The seal's ring band unrolled into a straight strip, black ink on white (Gray), so that its arc
/// text reads left to right as one horizontal line. The band between 0.55 and 0.98 of the radius
/// (each radius for an oval) is sampled from 7:30 (225° clockwise from 12 o'clock) clockwise over
/// the top for 270° to 4:30: a seal's wording spans 200–260°, and the bottom quarter, where the
/// ends of the horizontal line and the serial number sit, is left out. 12 o'clock is the middle of
/// the strip and the band's outer edge its top row (the characters' tops point outward); the seal's
/// border may show as a dark line along the top. The strip is 48 px high and as wide as the arc at
/// the band's middle radius scaled to that height (at most 2000 px). Each sample is bilinear over
/// the page's seal ink (ink 0, else 255). Returns (width, height, data); None for a square seal
/// (its text stands in rows, see [`inner_text`]), absurd seal numbers, a zero size or a mismatch.
pub fn unroll_ring(rgb: &[u8], width: u32, height: u32, seal: &Seal) -> Option<(u32, u32, Vec<u8>)> {
    if rgb.is_empty() || !rgb_matches(rgb, width, height) || !plausible(seal) || seal.shape == SealShape::Square {
        return None;
    }
    let ((cx, cy), (rx, ry)) = (seal.center, seal.radii);
    // Cumulative arc lengths along the ellipse of mean radius 1 with the seal's proportions.
    let (a, b) = (2.0 * rx / (rx + ry), 2.0 * ry / (rx + ry));
    let (start, step) = (ARC_START_DEG.to_radians(), ARC_SPAN_DEG.to_radians() / ARC_STEPS as f32);
    let point = |k: usize| {
        let t = start + step * k as f32;
        (a * t.sin(), -b * t.cos())
    };
    let mut lengths = vec![0.0_f32];
    for k in 1..=ARC_STEPS {
        let (p, q) = (point(k - 1), point(k));
        lengths.push(lengths.last().copied().unwrap_or(0.0) + (q.0 - p.0).hypot(q.1 - p.1));
    }
    let total = lengths.last().copied().unwrap_or(0.0);
    let middle = (BAND_INNER + BAND_OUTER) / 2.0;
    let scale = STRIP_HEIGHT as f32 / (BAND_OUTER - BAND_INNER);
    let strip_w = ((total * middle * scale).round() as u32).clamp(1, STRIP_MAX_WIDTH);
    let columns: Vec<(f32, f32)> = (0..strip_w)
        .map(|u| {
            let t = start + step * arc_position(&lengths, total * (u as f32 + 0.5) / strip_w as f32);
            (t.sin(), t.cos())
        })
        .collect();
    let mut data = Vec::with_capacity(columns.len() * STRIP_HEIGHT as usize);
    for v in 0..STRIP_HEIGHT {
        let rho = BAND_OUTER - (v as f32 + 0.5) / STRIP_HEIGHT as f32 * (BAND_OUTER - BAND_INNER);
        for &(sin, cos) in &columns {
            let level = ink_level(rgb, width, height, cx + rho * rx * sin, cy - rho * ry * cos);
            data.push((255.0 * (1.0 - level)).round().clamp(0.0, 255.0) as u8);
        }
    }
    Some((strip_w, STRIP_HEIGHT, data))
}

/// The inner part of a seal as a gray crop of its ink (ink black on white, everything else white),
/// for a horizontal reading, at the page's resolution. For a round or oval seal it is the region
/// below the centre star (which reaches 0.27 of the radius below the centre on a standard seal),
/// where a horizontal line such as 验收专用章 sits: 0.30–0.82 of the radius below the centre,
/// ±0.70 of the radius across, with everything beyond 0.90 of the radius (the ring) left white;
/// for a square seal it is the whole box. Returns (width, height, data); None for an empty crop,
/// absurd seal numbers, a zero size or a length mismatch.
pub fn inner_text(rgb: &[u8], width: u32, height: u32, seal: &Seal) -> Option<(u32, u32, Vec<u8>)> {
    if rgb.is_empty() || !rgb_matches(rgb, width, height) || !plausible(seal) {
        return None;
    }
    let ((cx, cy), (rx, ry)) = (seal.center, seal.radii);
    let round = seal.shape != SealShape::Square;
    // Float to pixel boundary: `as` saturates (negative and NaN give 0).
    let (x0, y0, x1, y1) = if round {
        (
            (cx - INNER_HALF_WIDTH * rx).floor().min(width as f32) as u32,
            (cy + INNER_TOP * ry).floor().min(height as f32) as u32,
            (cx + INNER_HALF_WIDTH * rx).ceil().min(width as f32) as u32,
            (cy + INNER_BOTTOM * ry).ceil().min(height as f32) as u32,
        )
    } else {
        let (x0, y0, x1, y1) = seal.bbox;
        (x0, y0, x1.min(width), y1.min(height))
    };
    if x0 >= x1 || y0 >= y1 {
        return None;
    }
    let mut data = Vec::with_capacity((x1 - x0) as usize * (y1 - y0) as usize);
    for y in y0..y1 {
        for x in x0..x1 {
            let (dx, dy) = ((x as f32 + 0.5 - cx) / rx, (y as f32 + 0.5 - cy) / ry);
            let inside = !round || dx * dx + dy * dy <= INNER_CUT * INNER_CUT;
            let ink = inside && ink_at(rgb, width, height, i64::from(x), i64::from(y));
            data.push(if ink { 0 } else { u8::MAX });
        }
    }
    Some((x1 - x0, y1 - y0, data))
}

/// Pixels of a `width` × `height` image, None when that overflows.
fn pixel_count(width: u32, height: u32) -> Option<usize> {
    usize::try_from(width).ok()?.checked_mul(usize::try_from(height).ok()?)
}

/// Whether an RGB buffer has exactly 3 bytes for each pixel of the size.
fn rgb_matches(rgb: &[u8], width: u32, height: u32) -> bool {
    pixel_count(width, height).and_then(|n| n.checked_mul(3)) == Some(rgb.len())
}

/// ITU-R BT.601 luminance, rounded.
fn luminance(r: u8, g: u8, b: u8) -> u8 {
    let luma = (299 * u32::from(r) + 587 * u32::from(g) + 114 * u32::from(b) + 500) / 1000;
    u8::try_from(luma).unwrap_or(u8::MAX)
}

/// The mask (rows of `w`) dilated by a square of half-side `reach`: each pass counts the pixels
/// since the last set one, along rows both ways and then down and up the columns.
fn dilate(mask: &[bool], w: usize, reach: usize) -> Vec<bool> {
    let mut rows = vec![false; mask.len()];
    for (src, dst) in mask.chunks_exact(w).zip(rows.chunks_exact_mut(w)) {
        let mut since = usize::MAX;
        for (s, d) in src.iter().zip(dst.iter_mut()) {
            since = if *s { 0 } else { since.saturating_add(1) };
            *d = since <= reach;
        }
        since = usize::MAX;
        for (s, d) in src.iter().zip(dst.iter_mut()).rev() {
            since = if *s { 0 } else { since.saturating_add(1) };
            *d |= since <= reach;
        }
    }
    let mut out = vec![false; mask.len()];
    let columns = |lines: &mut dyn Iterator<Item = (&[bool], &mut [bool])>| {
        let mut since = vec![usize::MAX; w];
        for (src, dst) in lines {
            for ((s, d), c) in src.iter().zip(dst.iter_mut()).zip(since.iter_mut()) {
                *c = if *s { 0 } else { c.saturating_add(1) };
                *d |= *c <= reach;
            }
        }
    };
    columns(&mut rows.chunks_exact(w).zip(out.chunks_exact_mut(w)));
    columns(&mut rows.chunks_exact(w).rev().zip(out.chunks_exact_mut(w).rev()));
    out
}

/// A group of ink: the box of its ink pixels and their number.
#[derive(Debug, Clone, Copy)]
struct Piece {
    x0: u32,
    y0: u32,
    x1: u32,
    y1: u32,
    ink: u64,
}

impl Piece {
    fn union(mut self, o: Piece) -> Piece {
        (self.x0, self.y0) = (self.x0.min(o.x0), self.y0.min(o.y0));
        (self.x1, self.y1) = (self.x1.max(o.x1), self.y1.max(o.y1));
        self.ink += o.ink;
        self
    }

    /// Whether the boxes overlap or come within `gap` pixels of each other.
    fn near(&self, o: &Piece, gap: u32) -> bool {
        self.x0 <= o.x1.saturating_add(gap)
            && o.x0 <= self.x1.saturating_add(gap)
            && self.y0 <= o.y1.saturating_add(gap)
            && o.y0 <= self.y1.saturating_add(gap)
    }
}

/// The 4-connected regions of `joined` (cleared on the way), each with the box and number of the
/// `mask` pixels in it; regions of fewer than `least` ink pixels are left out. The caller makes
/// sure the image has at most `u32::MAX` pixels.
fn connected_pieces(joined: &mut [bool], mask: &[bool], w: usize, least: u64) -> Vec<Piece> {
    fn take(joined: &mut [bool], i: usize) -> bool {
        joined.get_mut(i).is_some_and(|v| std::mem::replace(v, false))
    }
    let mut found = Vec::new();
    let mut stack: Vec<u32> = Vec::new();
    for start in 0..joined.len() {
        if !take(joined, start) {
            continue;
        }
        let mut piece: Option<Piece> = None;
        stack.push(start as u32);
        while let Some(i) = stack.pop() {
            let i = i as usize;
            let (x, y) = (i % w, i / w);
            if mask.get(i) == Some(&true) {
                let (x, y) = (x as u32, y as u32);
                let here = Piece {
                    x0: x,
                    y0: y,
                    x1: x + 1,
                    y1: y + 1,
                    ink: 1,
                };
                piece = Some(piece.map_or(here, |p| p.union(here)));
            }
            let neighbours = [
                i.checked_sub(1).filter(|_| x > 0),
                (x + 1 < w).then_some(i + 1),
                i.checked_sub(w),
                i.checked_add(w),
            ];
            for j in neighbours.into_iter().flatten() {
                if take(joined, j) {
                    stack.push(j as u32);
                }
            }
        }
        found.extend(piece.filter(|p| p.ink >= least));
    }
    found
}

/// Merges pieces whose boxes come within `gap` of each other, unless the merged box would be wider
/// or taller than `largest`. Each piece in turn absorbs every merged piece it may, growing as it
/// goes.
fn merge_near(pieces: Vec<Piece>, gap: u32, largest: u32) -> Vec<Piece> {
    let fits = |p: &Piece| p.x1 - p.x0 <= largest && p.y1 - p.y0 <= largest;
    let mut merged: Vec<Piece> = Vec::with_capacity(pieces.len());
    for mut current in pieces {
        while let Some(pos) = merged
            .iter()
            .position(|m| m.near(&current, gap) && fits(&current.union(*m)))
        {
            current = current.union(merged.swap_remove(pos));
        }
        merged.push(current);
    }
    merged
}

/// Whether ink fills at least three of the four corners (squares of an eighth of the shorter side)
/// of a piece's box: a round or oval ring keeps 0.29 of its radius away from each corner.
fn fills_corners(mask: &[bool], width: u32, height: u32, p: &Piece) -> bool {
    let side = ((p.x1 - p.x0).min(p.y1 - p.y0) / 8).max(1);
    let (l, t, r, b) = (p.x0, p.y0, p.x1 - side, p.y1 - side);
    let corners = [(l, t), (r, t), (l, b), (r, b)];
    let inked = |&&(x, y): &&(u32, u32)| ink_share(mask, width, height, x, y, x + side, y + side) >= 0.03;
    corners.iter().filter(inked).count() >= 3
}

/// Seals in reading order: by top, grouped into rows (a seal whose centre lies above the bottom of
/// the row's first seal joins that row), each row left to right.
fn reading_order(mut seals: Vec<Seal>) -> Vec<Seal> {
    seals.sort_by_key(|s| (s.bbox.1, s.bbox.0));
    let mut rows: Vec<Vec<Seal>> = Vec::new();
    for seal in seals {
        match rows.last_mut() {
            Some(row) if row.first().is_some_and(|f| seal.center.1 < f.bbox.3 as f32) => row.push(seal),
            _ => rows.push(vec![seal]),
        }
    }
    for row in &mut rows {
        row.sort_by_key(|s| (s.bbox.0, s.bbox.1));
    }
    rows.into_iter().flatten().collect()
}

/// Whether a seal's numbers can be sampled: a finite centre and radii of 1 to 10⁶ pixels.
fn plausible(seal: &Seal) -> bool {
    let ((cx, cy), (rx, ry)) = (seal.center, seal.radii);
    cx.is_finite() && cy.is_finite() && (1.0..=1e6).contains(&rx) && (1.0..=1e6).contains(&ry)
}

/// The position (in table steps, fractional) at which the arc reaches length `s`, from the
/// cumulative lengths of the table.
fn arc_position(lengths: &[f32], s: f32) -> f32 {
    let i = lengths.partition_point(|&c| c <= s).saturating_sub(1);
    let c0 = lengths.get(i).copied().unwrap_or(0.0);
    let c1 = lengths.get(i + 1).copied().unwrap_or(c0);
    i as f32 + ((s - c0) / (c1 - c0).max(f32::EPSILON)).clamp(0.0, 1.0)
}

/// Whether 3 bytes are an RGB pixel of seal ink.
fn is_ink_pixel(p: &[u8]) -> bool {
    matches!(*p, [r, g, b] if is_seal_ink(r, g, b))
}

/// Whether the pixel at (x, y) is seal ink; false outside the image. The buffer matches the size.
fn ink_at(rgb: &[u8], width: u32, height: u32, x: i64, y: i64) -> bool {
    if x < 0 || y < 0 || x >= i64::from(width) || y >= i64::from(height) {
        return false;
    }
    let i = (y as usize * width as usize + x as usize) * 3;
    rgb.get(i..i + 3).is_some_and(is_ink_pixel)
}

/// Bilinear seal-ink level (0..=1) at the continuous point (x, y), pixel centres at half pixels.
fn ink_level(rgb: &[u8], width: u32, height: u32, x: f32, y: f32) -> f32 {
    let inside = |v: f32, limit: u32| v > -1.0 && v < limit as f32 + 1.0;
    if !inside(x, width) || !inside(y, height) {
        return 0.0;
    }
    let (px, py) = (x - 0.5, y - 0.5);
    let (fx, fy) = (px.floor(), py.floor());
    let (ax, ay) = (px - fx, py - fy);
    let (x0, y0) = (fx as i64, fy as i64);
    let at = |dx: i64, dy: i64| f32::from(u8::from(ink_at(rgb, width, height, x0 + dx, y0 + dy)));
    (1.0 - ax) * (1.0 - ay) * at(0, 0) + ax * (1.0 - ay) * at(1, 0) + (1.0 - ax) * ay * at(0, 1) + ax * ay * at(1, 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    const W: u32 = 1240;
    const H: u32 = 1754;
    const RED: [u8; 3] = [220, 40, 50];
    const INK_OVER_TEXT: [u8; 3] = [90, 20, 20];
    const BLACK: [u8; 3] = [0, 0, 0];

    fn page() -> Vec<u8> {
        vec![255; (W * H * 3) as usize]
    }

    fn pixel(img: &[u8], x: u32, y: u32) -> [u8; 3] {
        let i = ((y * W + x) * 3) as usize;
        [img[i], img[i + 1], img[i + 2]]
    }

    fn fill(img: &mut [u8], (x0, y0, x1, y1): (u32, u32, u32, u32), c: [u8; 3]) {
        for y in y0..y1 {
            for x in x0..x1 {
                let i = ((y * W + x) * 3) as usize;
                img[i..i + 3].copy_from_slice(&c);
            }
        }
    }

    /// Stamps red ink on the pixels around `(cx, cy)` for which `keep(d, a)` holds (`d` the distance
    /// in radii, `a` the angle clockwise from 12 o'clock in degrees); black text under it stays dark.
    fn stamp(img: &mut [u8], (cx, cy): (f32, f32), (rx, ry): (f32, f32), keep: impl Fn(f32, f32) -> bool) {
        for y in (cy - ry - 2.0) as u32..(cy + ry + 2.0) as u32 {
            for x in (cx - rx - 2.0) as u32..(cx + rx + 2.0) as u32 {
                let (dx, dy) = (x as f32 + 0.5 - cx, y as f32 + 0.5 - cy);
                let d = ((dx / rx).powi(2) + (dy / ry).powi(2)).sqrt();
                if keep(d, dx.atan2(-dy).to_degrees().rem_euclid(360.0)) {
                    let c = if pixel(img, x, y) == BLACK { INK_OVER_TEXT } else { RED };
                    fill(img, (x, y, x + 1, y + 1), c);
                }
            }
        }
    }

    /// A ring at [0.85, 1] of the radii, without the gaps (clockwise angles from 12 o'clock).
    fn ring(img: &mut [u8], center: (f32, f32), radii: (f32, f32), gaps: &[(f32, f32)]) {
        let in_gap = |a: f32| gaps.iter().any(|&gap| within(a, gap));
        stamp(img, center, radii, |d, a| (0.85..=1.0).contains(&d) && !in_gap(a));
    }

    /// Whether the angle `a` lies within the arc (from, to), which may run through 12 o'clock.
    fn within(a: f32, (from, to): (f32, f32)) -> bool {
        if from <= to {
            (from..=to).contains(&a)
        } else {
            a >= from || a <= to
        }
    }

    fn seals_of(img: &[u8]) -> Vec<Seal> {
        find_seals(&ink_mask(img, W, H).unwrap(), W, H)
    }

    fn near(a: f32, b: f32, tolerance: f32) -> bool {
        (a - b).abs() <= tolerance
    }

    fn text_lines(img: &mut [u8], lines: u32) {
        for line in 0..lines {
            fill(img, (100, 100 + 40 * line, 1100, 120 + 40 * line), BLACK);
        }
    }

    #[test]
    fn seal_reds_count_as_ink_and_text_paper_and_other_colours_do_not() {
        // Strong, scanned, orange-red and faint pink seal ink, and the pale edge of a stroke.
        let ink = [
            220, 40, 50, 200, 70, 60, 231, 118, 124, 230, 90, 40, 240, 150, 150, 224, 176, 176,
        ];
        // Ink over black text, black, white, pinkish paper, palest pink, gray, blue, orange, brown,
        // magenta.
        let not_ink = [
            90, 20, 20, 0, 0, 0, 255, 255, 255, 250, 235, 235, 255, 215, 215, 128, 128, 128, 40, 60, 200, 240, 150, 30,
            150, 100, 50, 200, 40, 140,
        ];
        for (colours, want) in [(&ink[..], true), (&not_ink[..], false)] {
            for p in colours.chunks(3) {
                assert_eq!(is_seal_ink(p[0], p[1], p[2]), want, "{p:?}");
            }
        }
    }

    #[test]
    fn ink_mask_has_one_entry_per_pixel_and_marks_ink_only() {
        let rgb = [
            220, 40, 50, 0, 0, 0, 255, 255, 255, 90, 20, 20, 240, 150, 150, 40, 60, 200,
        ];
        assert_eq!(ink_mask(&rgb, 3, 2), Some(vec![true, false, false, false, true, false]));
        assert_eq!(ink_mask(&rgb, 2, 2), None);
    }

    #[test]
    fn whitening_removes_the_ring_and_keeps_text_black_even_under_the_ink() {
        let mut img = page();
        fill(&mut img, (450, 480, 760, 500), BLACK); // a line of text through the seal
        ring(&mut img, (600.0, 500.0), (100.0, 100.0), &[]);
        let gray = whiten_ink(&img, W, H).unwrap();
        assert_eq!(gray.len(), (W * H) as usize);
        let g = |x: u32, y: u32| gray[(y * W + x) as usize];
        assert_eq!(pixel(&img, 600, 405), RED);
        assert_eq!(g(600, 405), 255, "ring on paper is whitened");
        assert_eq!(pixel(&img, 505, 490), INK_OVER_TEXT);
        assert!(g(505, 490) < 64, "text under the ring stays dark");
        assert_eq!((g(600, 490), g(455, 490)), (0, 0), "text inside and outside the ring");
        assert_eq!(g(10, 10), 255, "paper stays white");
        assert_eq!(whiten_ink(&img, W, H - 1), None);
    }

    #[test]
    fn ink_share_is_exact_and_clamps_the_rectangle() {
        let mut mask = vec![false; 40 * 30];
        for y in 10..20 {
            mask[y * 40 + 10..y * 40 + 20].fill(true);
        }
        assert_eq!(ink_share(&mask, 40, 30, 10, 10, 30, 20), 0.5);
        assert_eq!(ink_share(&mask, 40, 30, 10, 10, 20, 20), 1.0);
        assert!(near(ink_share(&mask, 40, 30, 0, 0, 1000, 1000), 100.0 / 1200.0, 1e-6));
        assert_eq!(ink_share(&mask, 40, 30, 20, 10, 20, 20), 0.0);
        assert_eq!(ink_share(&mask, 40, 30, 50, 0, 60, 10), 0.0);
    }

    #[test]
    fn a_round_seal_is_found_at_its_centre_and_radius_among_text() {
        let mut img = page();
        text_lines(&mut img, 30); // lines cross the ring; its top and bottom lie between lines
        let gaps = [(40.0, 50.0), (150.0, 165.0), (280.0, 290.0)];
        ring(&mut img, (820.0, 1310.0), (110.0, 110.0), &gaps);
        stamp(&mut img, (820.0, 1310.0), (35.0, 35.0), |d, _| d <= 1.0); // the star
        fill(&mut img, (770, 1360, 870, 1380), RED); // the horizontal line
        let seals = seals_of(&img);
        assert_eq!(seals.len(), 1, "{seals:?}");
        let s = seals[0];
        assert_eq!(s.shape, SealShape::Round, "{s:?}");
        assert!(near(s.center.0, 820.0, 3.0) && near(s.center.1, 1310.0, 3.0), "{s:?}");
        assert!(near(s.radii.0, 110.0, 3.0) && near(s.radii.1, 110.0, 3.0), "{s:?}");
        assert!(s.ink > 0.05 && s.ink < 0.6);
    }

    #[test]
    fn an_oval_and_a_square_seal_have_their_shapes_and_the_oval_unrolls_with_its_top_in_the_middle() {
        let mut img = page();
        ring(&mut img, (400.0, 500.0), (120.0, 85.0), &[(345.0, 15.0)]);
        fill(&mut img, (700, 400, 900, 600), RED);
        fill(&mut img, (708, 408, 892, 592), [255, 255, 255]);
        fill(&mut img, (760, 450, 840, 550), RED);
        let seals = seals_of(&img);
        assert_eq!(seals.len(), 2, "{seals:?}");
        assert_eq!(seals[0].shape, SealShape::Oval);
        assert!(near(seals[0].radii.0, 120.0, 3.0) && near(seals[0].radii.1, 85.0, 3.0));
        assert_eq!(seals[1].shape, SealShape::Square);
        assert_eq!(seals[1].bbox, (700, 400, 900, 600));
        let (w, h, data) = unroll_ring(&img, W, H, &seals[0]).unwrap();
        assert_eq!((h, data.len()), (48, (w * 48) as usize));
        let runs = blank_runs(w, &data);
        assert_eq!(runs.len(), 1, "{runs:?}");
        assert!(
            near((runs[0].0 + runs[0].1) as f32 / 2.0 / w as f32, 0.5, 0.03),
            "{runs:?}"
        );
    }

    #[test]
    fn black_text_alone_a_red_speck_or_a_red_rule_is_no_seal() {
        let mut img = page();
        text_lines(&mut img, 40);
        assert!(seals_of(&img).is_empty());
        fill(&mut img, (600, 90, 606, 96), RED);
        assert!(seals_of(&img).is_empty());
        fill(&mut img, (100, 1700, 1100, 1720), RED);
        assert!(seals_of(&img).is_empty());
    }

    #[test]
    fn seals_come_top_to_bottom_and_side_by_side_left_to_right() {
        let mut img = page();
        // The third seal is a little higher than the second, on its right.
        let want = [(900.0, 400.0), (300.0, 1400.0), (800.0, 1395.0)];
        for center in want {
            ring(&mut img, center, (100.0, 100.0), &[]);
        }
        let got: Vec<(f32, f32)> = seals_of(&img).iter().map(|s| s.center).collect();
        assert_eq!(got.len(), 3);
        for (got, want) in got.iter().zip(want) {
            assert!(near(got.0, want.0, 3.0) && near(got.1, want.1, 3.0), "{got:?}");
        }
    }

    /// The strip's columns with no ink in the top half, as runs (first, last).
    fn blank_runs(w: u32, data: &[u8]) -> Vec<(u32, u32)> {
        let mut runs: Vec<(u32, u32)> = Vec::new();
        for u in (0..w).filter(|&u| (0..24).all(|v| data[(v * w + u) as usize] >= 128)) {
            match runs.last_mut() {
                Some(run) if run.1 + 1 == u => run.1 = u,
                _ => runs.push((u, u)),
            }
        }
        runs
    }

    #[test]
    fn an_unrolled_ring_runs_clockwise_with_12_oclock_in_the_middle_and_the_outside_on_top() {
        let mut img = page();
        let gaps = [(345.0, 15.0), (80.0, 100.0)]; // at 12 and at 3 o'clock
        ring(&mut img, (620.0, 877.0), (110.0, 110.0), &gaps);
        let seals = seals_of(&img);
        assert_eq!(seals.len(), 1);
        let (w, h, data) = unroll_ring(&img, W, H, &seals[0]).unwrap();
        assert_eq!((h, data.len()), (48, (w * h) as usize));
        assert!((300..=500).contains(&w), "width {w}");
        let runs = blank_runs(w, &data);
        assert_eq!(runs.len(), 2, "{runs:?}");
        let middle = |(a, b): (u32, u32)| (a + b) as f32 / 2.0 / w as f32;
        // 12 o'clock: (360 − 225) / 270 = 0.5; 3 o'clock: (90 + 135) / 270 = 0.833 (not 0.167).
        assert!(near(middle(runs[0]), 0.5, 0.02), "{runs:?}");
        assert!(near(middle(runs[1]), 225.0 / 270.0, 0.02), "{runs:?}");
        // The ring lies on the outer part of the band: ink in the top rows, none in the bottom half.
        let row = |v: u32| &data[(v * w) as usize..((v + 1) * w) as usize];
        assert!(row(5).iter().filter(|&&p| p < 128).count() as f32 > 0.7 * w as f32);
        assert!((24..48).all(|v| row(v).iter().all(|&p| p == 255)));
    }

    #[test]
    fn inner_text_is_the_ink_below_the_star() {
        let mut img = page();
        ring(&mut img, (600.0, 900.0), (100.0, 100.0), &[]);
        stamp(&mut img, (600.0, 900.0), (25.0, 25.0), |d, _| d <= 1.0); // the star
        fill(&mut img, (560, 945, 640, 960), RED); // the horizontal line
        fill(&mut img, (590, 965, 610, 975), BLACK); // black text is not seal ink
        let seals = seals_of(&img);
        assert_eq!(seals.len(), 1);
        assert_eq!(seals[0].center, (600.0, 900.0));
        let (w, h, data) = inner_text(&img, W, H, &seals[0]).unwrap();
        assert_eq!((w, h), (140, 52)); // x 530..670, y 930..982
        let black = |x0: u32, x1: u32, y0: u32, y1: u32| {
            (y0..y1)
                .map(|y| (x0..x1).filter(|&x| data[(y * w + x) as usize] == 0).count())
                .sum::<usize>()
        };
        assert_eq!(black(30, 110, 15, 30), 80 * 15, "the line is whole");
        assert_eq!(
            black(30, 110, 0, 40),
            80 * 15,
            "no star above it, no black text under it"
        );
        let square = inner_text(
            &img,
            W,
            H,
            &Seal {
                shape: SealShape::Square,
                ..seals[0]
            },
        );
        assert_eq!(square.map(|(w, h, _)| (w, h)), Some((200, 200)));
    }

    #[test]
    fn empty_mismatched_or_absurd_input_gives_nothing_and_never_panics() {
        assert_eq!(ink_mask(&[], 0, 0), Some(Vec::new()));
        assert_eq!(ink_mask(&[1, 2], 1, 1), None);
        assert_eq!(ink_mask(&[], u32::MAX, u32::MAX), None);
        assert_eq!(whiten_ink(&[], 0, 5), Some(Vec::new()));
        assert_eq!(whiten_ink(&[0; 4], 1, 1), None);
        assert_eq!(ink_share(&[], 0, 0, 0, 0, 10, 10), 0.0);
        assert_eq!(ink_share(&[true; 3], 2, 2, 0, 0, 2, 2), 0.0);
        assert_eq!(ink_share(&[true; 4], 2, 2, 2, 2, 0, 0), 0.0);
        assert_eq!(ink_share(&[true; 4], 2, 2, 0, 0, u32::MAX, u32::MAX), 1.0);
        assert!(find_seals(&[], 0, 0).is_empty());
        assert!(find_seals(&[true; 10], 3, 3).is_empty());
        assert!(find_seals(&[], u32::MAX, u32::MAX).is_empty());
        assert!(find_seals(&[true; 100 * 100], 100, 100).is_empty());
        assert!(find_seals(&[true; 7], 7, 1).is_empty());
        let seal = |center: (f32, f32), radii: (f32, f32), shape: SealShape| Seal {
            bbox: (0, 0, 2, 2),
            center,
            radii,
            shape,
            ink: 1.0,
        };
        let nothing = |rgb: &[u8], w: u32, h: u32, s: Seal| {
            unroll_ring(rgb, w, h, &s).is_none() && inner_text(rgb, w, h, &s).is_none()
        };
        let one = seal((1.0, 1.0), (1.0, 1.0), SealShape::Round);
        let red = [220, 40, 50].repeat(4);
        for (rgb, w, h) in [(&[][..], 0, 0), (&red[..3], 2, 2), (&red[..], 0, 2), (&red[..], 3, 1)] {
            assert!(nothing(rgb, w, h, one));
        }
        let (sw, sh, strip) = unroll_ring(&red, 2, 2, &one).unwrap();
        assert_eq!((sh, strip.len()), (48, (sw * 48) as usize));
        let (nan, inf) = (f32::NAN, f32::INFINITY);
        for (center, radii) in [
            ((nan, 1.0), (1.0, 1.0)),
            ((1.0, 1.0), (0.0, 1.0)),
            ((1.0, 1.0), (1e30, 1.0)),
        ] {
            assert!(nothing(&red, 2, 2, seal(center, radii, SealShape::Round)));
        }
        assert!(nothing(&red, 2, 2, seal((1.0, inf), (inf, nan), SealShape::Oval)));
        let square = seal((1.0, 1.0), (1.0, 1.0), SealShape::Square);
        assert_eq!(unroll_ring(&red, 2, 2, &square), None, "a square seal has no ring");
        // A seal off the page: no crop, a blank strip.
        let far = Seal {
            bbox: (u32::MAX - 1, u32::MAX - 1, u32::MAX, u32::MAX),
            ..seal((1e5, -1e5), (1.0, 1.0), SealShape::Square)
        };
        assert_eq!(inner_text(&red, 2, 2, &far), None);
        assert_eq!(
            inner_text(
                &red,
                2,
                2,
                &Seal {
                    shape: SealShape::Round,
                    ..far
                }
            ),
            None
        );
        let (_, _, blank) = unroll_ring(
            &red,
            2,
            2,
            &Seal {
                shape: SealShape::Round,
                ..far
            },
        )
        .unwrap();
        assert!(blank.iter().all(|&p| p == 255));
    }
}
