//! Post-processing of the PP-OCR text pipeline: DB text detection, the crop of each detected text
//! line, and greedy CTC decoding of the recogniser's output. The model calls themselves happen
//! elsewhere; this module holds the pure algorithms that turn model outputs into boxes, line images
//! and text.
//!
//! Detection ([`detect_boxes`]) follows PaddleOCR's `DBPostProcess` with the defaults RapidOCR uses
//! ([`DbParams::default`]):
//!
//! * the probability map is thresholded and, optionally, dilated with a 2×2 kernel anchored like
//!   OpenCV's (a pixel grows one step right and down);
//! * 8-connected components of the bitmap stand in for OpenCV's contours: the convex hull, and so
//!   the minimum-area rectangle, of a component's pixels is that of its outer contour. Components
//!   are taken in the raster order of their first pixel, at most `max_candidates` of them;
//! * pixels are points at their integer coordinates (pixel centres), as OpenCV treats contour
//!   points. The hull only needs the leftmost and rightmost pixel of each row; it is built by
//!   monotone chain, and the minimum-area rectangle has one side on a hull edge (the rotating
//!   calipers theorem), so every hull edge is tried as that side;
//! * the box score is the "fast" score: the mean probability over the pixels of the rectangle's
//!   axis-aligned bounding box whose centres lie in the rectangle (boundary included). Non-finite
//!   probabilities count as 0, so a NaN map scores nothing;
//! * unclipping offsets the rectangle by `area × unclip_ratio / perimeter` with round joins; the
//!   minimum-area rectangle of that shape is the rectangle grown by the same distance on every
//!   side, which is computed directly;
//! * corners are ordered as PaddleOCR's `get_mini_boxes` does (sort by x, then pick top and bottom
//!   of each pair by y), scaled to the original image, rounded and clipped into it;
//! * reading order: boxes sorted by the top-left point's y, grouped into lines (a box whose top is
//!   less than 10 px below the first box of the current line joins it), each line left to right.
//!   Unlike PaddleOCR's single bubble pass this is a proper sort, so the order is total and does
//!   not depend on the input order of boxes with distinct corners.
//!
//! [`crop_line`] is PaddleOCR's `get_rotate_crop_image`: a perspective warp of the quad onto an
//! upright rectangle (homography solved in f64 by Gaussian elimination with partial pivoting),
//! bilinear sampling with the border replicated, and a quarter turn counter-clockwise for tall
//! crops so that a vertical line reads left to right.
//!
//! [`ctc_greedy`] is PaddleOCR's `CTCLabelDecode`: per-step argmax, repeats merged, blanks dropped,
//! optional trailing space class; [`char_span`] maps a character's time step back to columns of the
//! crop.
//!
//! Nothing here panics on bad input: empty or mismatched buffers, zero sizes, NaN values and
//! degenerate shapes give empty or neutral results.

/// Parameters of DB post-processing (PaddleOCR defaults as RapidOCR sets them).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DbParams {
    /// A map pixel is text when its probability is above this (0.3).
    pub thresh: f32,
    /// A box is kept when its mean probability is at least this (0.5).
    pub box_thresh: f32,
    /// At most this many components are examined (1000).
    pub max_candidates: usize,
    /// Growth of a box: offset distance = area × ratio / perimeter (1.6).
    pub unclip_ratio: f32,
    /// Dilate the bitmap with a 2×2 kernel before finding components (true).
    pub use_dilation: bool,
    /// Boxes whose shorter side is below this (in map pixels) are dropped; after unclipping the
    /// limit is `min_size + 2` (3.0).
    pub min_size: f32,
}

impl Default for DbParams {
    fn default() -> Self {
        DbParams {
            thresh: 0.3,
            box_thresh: 0.5,
            max_candidates: 1000,
            unclip_ratio: 1.6,
            use_dilation: true,
            min_size: 3.0,
        }
    }
}

/// A quadrilateral in image pixels: top-left, top-right, bottom-right, bottom-left (clockwise from
/// the top-left point, in image coordinates where y grows downward).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Quad(pub [(f32, f32); 4]);

fn dist(a: (f32, f32), b: (f32, f32)) -> f32 {
    (a.0 - b.0).hypot(a.1 - b.1)
}

impl Quad {
    /// Width: the longer of the top and bottom edges.
    pub fn width(&self) -> f32 {
        let [tl, tr, br, bl] = self.0;
        dist(tl, tr).max(dist(bl, br))
    }

    /// Height: the longer of the left and right edges.
    pub fn height(&self) -> f32 {
        let [tl, tr, br, bl] = self.0;
        dist(tl, bl).max(dist(tr, br))
    }

    /// Axis-aligned bounds: (min x, min y, max x, max y).
    pub fn bounds(&self) -> (f32, f32, f32, f32) {
        let [first, ..] = self.0;
        self.0
            .iter()
            .fold((first.0, first.1, first.0, first.1), |(x0, y0, x1, y1), &(x, y)| {
                (x0.min(x), y0.min(y), x1.max(x), y1.max(y))
            })
    }

    /// Centre: the mean of the four corners.
    pub fn center(&self) -> (f32, f32) {
        let (sx, sy) = self.0.iter().fold((0.0, 0.0), |(sx, sy), &(x, y)| (sx + x, sy + y));
        (sx / 4.0, sy / 4.0)
    }
}

/// One detected text region: its quad in the ORIGINAL image's pixels and the mean probability
/// inside it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TextBox {
    /// Corners in original-image pixels, clipped to the image.
    pub quad: Quad,
    /// Mean map probability inside the box before unclipping.
    pub score: f32,
}

/// A connected component: the leftmost and rightmost pixel of each of its rows, for rows `top..top
/// + rows.len()`.
struct Component {
    top: usize,
    rows: Vec<(usize, usize)>,
}

/// A rotated rectangle: centre `c`, unit axis `u`, half extent `a` along `u` and `b` along the
/// normal `(-u.1, u.0)`.
#[derive(Debug, Clone, Copy)]
struct RotRect {
    c: (f64, f64),
    u: (f64, f64),
    a: f64,
    b: f64,
}

impl RotRect {
    fn v(&self) -> (f64, f64) {
        (-self.u.1, self.u.0)
    }

    fn corners(&self) -> [(f64, f64); 4] {
        let (u, v) = (self.u, self.v());
        [(-1.0, -1.0), (1.0, -1.0), (1.0, 1.0), (-1.0, 1.0)].map(|(su, sv): (f64, f64)| {
            (
                self.c.0 + su * self.a * u.0 + sv * self.b * v.0,
                self.c.1 + su * self.a * u.1 + sv * self.b * v.1,
            )
        })
    }

    fn short_side(&self) -> f64 {
        2.0 * self.a.min(self.b)
    }
}

/// prob: the detection model's probability map (already sigmoid, values 0..1), map_w × map_h,
/// row-major. The map was computed on the original image resized to map_w × map_h; boxes are scaled
/// back to orig_w × orig_h and clipped to it.
///
/// Returns boxes in reading order: sorted by top y then x, where two boxes whose top y differ by
/// less than 10 px (original pixels) are on the same line and go left to right. Empty for an empty,
/// mismatched or all-NaN map and for a zero-size original image.
pub fn detect_boxes(prob: &[f32], map_w: usize, map_h: usize, orig_w: u32, orig_h: u32, p: &DbParams) -> Vec<TextBox> {
    let Some(n) = map_w.checked_mul(map_h) else {
        return Vec::new();
    };
    if n == 0 || prob.len() != n || orig_w == 0 || orig_h == 0 {
        return Vec::new();
    }
    let mut bitmap: Vec<bool> = prob.iter().map(|&v| v > p.thresh).collect();
    if p.use_dilation {
        bitmap = dilate(&bitmap, map_w, map_h);
    }
    let sx = f64::from(orig_w) / map_w as f64;
    let sy = f64::from(orig_h) / map_h as f64;
    let min_size = f64::from(p.min_size);
    let mut out = Vec::new();
    for comp in components(&bitmap, map_w, map_h, p.max_candidates) {
        let Some(rect) = min_area_rect(&convex_hull(component_points(&comp))) else {
            continue;
        };
        // Comparisons are written so that NaN fails them and drops the box.
        let big_enough = rect.short_side() >= min_size;
        if !big_enough {
            continue;
        }
        let score = box_score(prob, map_w, map_h, &rect);
        let likely_text = score >= p.box_thresh;
        if !likely_text {
            continue;
        }
        let Some(grown) = unclip(&rect, f64::from(p.unclip_ratio)) else {
            continue;
        };
        let big_enough = grown.short_side() >= min_size + 2.0;
        if !big_enough {
            continue;
        }
        let quad = order_corners(grown.corners()).map(|(x, y)| (scale_clip(x, sx, orig_w), scale_clip(y, sy, orig_h)));
        out.push(TextBox {
            quad: Quad(quad),
            score,
        });
    }
    reading_order(&mut out);
    out
}

/// The boxes of an image turned half a turn (`width × height`, as [`crate::image::Raster::rotated`]
/// turns it twice), in the reading order of the turned image: the boxes a detection on the
/// turned image finds, without running it again (text boxes do not depend on which way up the
/// text stands).
pub fn turned_half(boxes: &[TextBox], width: u32, height: u32) -> Vec<TextBox> {
    let (w, h) = (width as f32, height as f32);
    let turn = |(x, y): (f32, f32)| ((w - x).clamp(0.0, w), (h - y).clamp(0.0, h));
    let mut out: Vec<TextBox> = boxes
        .iter()
        .map(|b| {
            let [tl, tr, br, bl] = b.quad.0;
            TextBox {
                quad: Quad([turn(br), turn(bl), turn(tl), turn(tr)]),
                score: b.score,
            }
        })
        .collect();
    reading_order(&mut out);
    out
}

/// Dilation with a 2×2 kernel anchored at its bottom-right cell (OpenCV's default anchor): each set
/// pixel also sets its right, lower and lower-right neighbours.
fn dilate(b: &[bool], w: usize, h: usize) -> Vec<bool> {
    let mut out = b.to_vec();
    let mut set = |j: usize| {
        if let Some(o) = out.get_mut(j) {
            *o = true;
        }
    };
    for (i, _) in b.iter().enumerate().filter(|(_, &on)| on) {
        let (x, y) = (i % w, i / w);
        let right = x + 1 < w;
        let down = y + 1 < h;
        if right {
            set(i + 1);
        }
        if down {
            set(i + w);
        }
        if right && down {
            set(i + w + 1);
        }
    }
    out
}

/// 8-connected components in the raster order of their first pixel, at most `max` of them.
fn components(bitmap: &[bool], w: usize, h: usize, max: usize) -> Vec<Component> {
    const UNSEEN: u8 = 1;
    const SEEN: u8 = 2;
    // 0: background; UNSEEN: text not yet in a component; SEEN: in one.
    let mut state: Vec<u8> = bitmap.iter().map(|&on| if on { UNSEEN } else { 0 }).collect();
    let mut out = Vec::new();
    let mut stack = Vec::new();
    for start in 0..state.len() {
        if out.len() >= max {
            break;
        }
        match state.get_mut(start) {
            Some(s) if *s == UNSEEN => *s = SEEN,
            _ => continue,
        }
        // The first pixel in raster order is on the component's top row.
        let top = start / w;
        let mut rows: Vec<(usize, usize)> = Vec::new();
        stack.push(start);
        while let Some(i) = stack.pop() {
            let (x, y) = (i % w, i / w);
            let r = y.saturating_sub(top);
            if r >= rows.len() {
                rows.resize(r + 1, (usize::MAX, 0));
            }
            if let Some(row) = rows.get_mut(r) {
                row.0 = row.0.min(x);
                row.1 = row.1.max(x);
            }
            for ny in y.saturating_sub(1)..=(y + 1).min(h - 1) {
                for nx in x.saturating_sub(1)..=(x + 1).min(w - 1) {
                    let j = ny * w + nx;
                    if let Some(s) = state.get_mut(j) {
                        if *s == UNSEEN {
                            *s = SEEN;
                            stack.push(j);
                        }
                    }
                }
            }
        }
        out.push(Component { top, rows });
    }
    out
}

/// The points that decide a component's convex hull: both ends of each row.
fn component_points(c: &Component) -> Vec<(i64, i64)> {
    let mut pts = Vec::with_capacity(c.rows.len() * 2);
    for (r, &(x0, x1)) in c.rows.iter().enumerate() {
        if x0 > x1 {
            continue;
        }
        let (Ok(y), Ok(x0), Ok(x1)) = (i64::try_from(c.top + r), i64::try_from(x0), i64::try_from(x1)) else {
            continue;
        };
        pts.push((x0, y));
        if x1 != x0 {
            pts.push((x1, y));
        }
    }
    pts
}

fn cross(o: (i64, i64), a: (i64, i64), b: (i64, i64)) -> i64 {
    (a.0 - o.0) * (b.1 - o.1) - (a.1 - o.1) * (b.0 - o.0)
}

/// Convex hull by Andrew's monotone chain, counter-clockwise, without collinear points. Fewer than
/// three distinct points come back as they are.
fn convex_hull(mut pts: Vec<(i64, i64)>) -> Vec<(i64, i64)> {
    pts.sort_unstable();
    pts.dedup();
    if pts.len() < 3 {
        return pts;
    }
    let mut lower: Vec<(i64, i64)> = Vec::with_capacity(pts.len());
    for &p in &pts {
        while let [.., a, b] = lower[..] {
            if cross(a, b, p) > 0 {
                break;
            }
            lower.pop();
        }
        lower.push(p);
    }
    let mut upper: Vec<(i64, i64)> = Vec::with_capacity(pts.len());
    for &p in pts.iter().rev() {
        while let [.., a, b] = upper[..] {
            if cross(a, b, p) > 0 {
                break;
            }
            upper.pop();
        }
        upper.push(p);
    }
    lower.pop();
    upper.pop();
    lower.extend(upper);
    lower
}

/// Minimum-area enclosing rectangle of a convex hull: one of its sides lies on a hull edge, so each
/// edge direction is tried. The first smallest wins.
fn min_area_rect(hull: &[(i64, i64)]) -> Option<RotRect> {
    let pts: Vec<(f64, f64)> = hull.iter().map(|&(x, y)| (x as f64, y as f64)).collect();
    let &first = pts.first()?;
    if pts.len() == 1 {
        return Some(RotRect {
            c: first,
            u: (1.0, 0.0),
            a: 0.0,
            b: 0.0,
        });
    }
    let mut best: Option<(f64, RotRect)> = None;
    for (&p, &q) in pts.iter().zip(pts.iter().cycle().skip(1)) {
        let len = (q.0 - p.0).hypot(q.1 - p.1);
        if len.is_nan() || len <= 0.0 {
            continue;
        }
        let u = ((q.0 - p.0) / len, (q.1 - p.1) / len);
        let v = (-u.1, u.0);
        let (mut lo_u, mut hi_u, mut lo_v, mut hi_v) = (f64::MAX, f64::MIN, f64::MAX, f64::MIN);
        for &(x, y) in &pts {
            let pu = x * u.0 + y * u.1;
            let pv = x * v.0 + y * v.1;
            lo_u = lo_u.min(pu);
            hi_u = hi_u.max(pu);
            lo_v = lo_v.min(pv);
            hi_v = hi_v.max(pv);
        }
        let area = (hi_u - lo_u) * (hi_v - lo_v);
        if best.as_ref().is_some_and(|&(a, _)| area >= a - 1e-9) {
            continue;
        }
        let (mu, mv) = ((lo_u + hi_u) / 2.0, (lo_v + hi_v) / 2.0);
        let c = (mu * u.0 + mv * v.0, mu * u.1 + mv * v.1);
        best = Some((
            area,
            RotRect {
                c,
                u,
                a: (hi_u - lo_u) / 2.0,
                b: (hi_v - lo_v) / 2.0,
            },
        ));
    }
    best.map(|(_, r)| r)
}

/// An index for a coordinate, clamped into `0..len` (`len` > 0).
fn clamp_index(v: f64, len: usize) -> usize {
    if v.is_nan() || v <= 0.0 {
        0
    } else {
        (v as usize).min(len - 1)
    }
}

/// "Fast" box score: mean probability over the pixels of the rectangle's bounding box whose centres
/// lie in the rectangle.
fn box_score(prob: &[f32], w: usize, h: usize, r: &RotRect) -> f32 {
    const EPS: f64 = 1e-4;
    let cs = r.corners();
    let (mut x0, mut y0, mut x1, mut y1) = (f64::MAX, f64::MAX, f64::MIN, f64::MIN);
    for &(x, y) in &cs {
        x0 = x0.min(x);
        y0 = y0.min(y);
        x1 = x1.max(x);
        y1 = y1.max(y);
    }
    let (x0, x1) = (clamp_index(x0.floor(), w), clamp_index(x1.ceil(), w));
    let (y0, y1) = (clamp_index(y0.floor(), h), clamp_index(y1.ceil(), h));
    let (u, v) = (r.u, r.v());
    let (mut sum, mut n) = (0.0f64, 0usize);
    for y in y0..=y1 {
        let dy = y as f64 - r.c.1;
        for x in x0..=x1 {
            let dx = x as f64 - r.c.0;
            let inside = (dx * u.0 + dy * u.1).abs() <= r.a + EPS && (dx * v.0 + dy * v.1).abs() <= r.b + EPS;
            if inside {
                let p = prob.get(y * w + x).copied().unwrap_or(0.0);
                if p.is_finite() {
                    sum += f64::from(p);
                }
                n += 1;
            }
        }
    }
    if n == 0 {
        0.0
    } else {
        (sum / n as f64) as f32
    }
}

/// Grows the rectangle by `area × ratio / perimeter` on every side: the minimum-area rectangle of
/// its round-joined offset. None when the distance is not a number (zero perimeter, NaN ratio).
fn unclip(r: &RotRect, ratio: f64) -> Option<RotRect> {
    let area = 4.0 * r.a * r.b;
    let perimeter = 4.0 * (r.a + r.b);
    let d = area * ratio / perimeter;
    if !d.is_finite() {
        return None;
    }
    Some(RotRect {
        a: r.a + d,
        b: r.b + d,
        ..*r
    })
}

/// PaddleOCR's corner order: sort by x; of the two leftmost the upper is top-left and the other
/// bottom-left; of the two rightmost the upper is top-right and the other bottom-right.
fn order_corners(mut pts: [(f64, f64); 4]) -> [(f64, f64); 4] {
    pts.sort_by(|p, q| p.0.total_cmp(&q.0).then(p.1.total_cmp(&q.1)));
    let upper_first = |a: (f64, f64), b: (f64, f64)| if b.1 > a.1 { (a, b) } else { (b, a) };
    let (tl, bl) = upper_first(pts[0], pts[1]);
    let (tr, br) = upper_first(pts[2], pts[3]);
    [tl, tr, br, bl]
}

/// Scales a map coordinate to the original image, rounds it and clips it to `0..=limit - 1`
/// (`limit` > 0).
fn scale_clip(v: f64, scale: f64, limit: u32) -> f32 {
    let s = (v * scale).round();
    let max = f64::from(limit - 1);
    if s.is_nan() {
        0.0
    } else {
        s.clamp(0.0, max) as f32
    }
}

/// Sorts boxes into reading order: lines top to bottom (a box joins the current line when its top
/// is less than 10 px below the line's first box), each line left to right.
fn reading_order(boxes: &mut [TextBox]) {
    const SAME_LINE: f32 = 10.0;
    let top = |b: &TextBox| b.quad.0[0].1;
    let left = |b: &TextBox| b.quad.0[0].0;
    boxes.sort_by(|a, b| top(a).total_cmp(&top(b)).then(left(a).total_cmp(&left(b))));
    let mut line = 0usize;
    let mut anchor = None;
    let mut keyed: Vec<(usize, TextBox)> = Vec::with_capacity(boxes.len());
    for b in boxes.iter() {
        match anchor {
            Some(a) if top(b) - a < SAME_LINE => {}
            Some(_) => {
                line += 1;
                anchor = Some(top(b));
            }
            None => anchor = Some(top(b)),
        }
        keyed.push((line, *b));
    }
    keyed.sort_by(|(la, a), (lb, b)| {
        la.cmp(lb)
            .then(left(a).total_cmp(&left(b)))
            .then(top(a).total_cmp(&top(b)))
    });
    for (dst, (_, b)) in boxes.iter_mut().zip(keyed) {
        *dst = b;
    }
}

/// An image crop: `channels` (1 or 3) bytes per pixel, rows top to bottom.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Crop {
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
    /// Bytes per pixel: 1 (grey) or 3.
    pub channels: u8,
    /// `width × height × channels` bytes, row-major.
    pub data: Vec<u8>,
}

/// Cuts the text line under `quad` out of `image` (width × height, `channels` 1 or 3 bytes per
/// pixel) and straightens it: perspective warp of the quad onto a rectangle of width = max(|TL-TR|,
/// |BL-BR|) and height = max(|TL-BL|, |TR-BR|) (rounded, at least 1), bilinear sampling, border
/// pixels replicated; when the result's height/width >= 1.5 it is turned 90° counter-clockwise (as
/// PaddleOCR's get_rotate_crop_image: np.rot90), so a vertical line is read.
///
/// Returns None for a degenerate quad (a non-finite corner, less than half a square pixel of area,
/// or no perspective transform), a crop over `max_pixels` pixels, a channel count other than 1 or
/// 3, or a buffer whose length does not match.
pub fn crop_line(image: &[u8], width: u32, height: u32, channels: u8, quad: &Quad, max_pixels: u64) -> Option<Crop> {
    if channels != 1 && channels != 3 {
        return None;
    }
    let (w, h, ch) = (
        usize::try_from(width).ok()?,
        usize::try_from(height).ok()?,
        usize::from(channels),
    );
    if w == 0 || h == 0 || w.checked_mul(h)?.checked_mul(ch)? != image.len() {
        return None;
    }
    let src = quad.0.map(|(x, y)| (f64::from(x), f64::from(y)));
    if src.iter().any(|&(x, y)| !x.is_finite() || !y.is_finite()) || shoelace(&src).abs() < 0.5 {
        return None;
    }
    // f32 → u64 saturates, so a huge quad fails the pixel limit below.
    let out_w = quad.width().round().max(1.0) as u64;
    let out_h = quad.height().round().max(1.0) as u64;
    if out_w.saturating_mul(out_h) > max_pixels {
        return None;
    }
    let (fw, fh) = (out_w as f64, out_h as f64);
    let hm = homography([(0.0, 0.0), (fw, 0.0), (fw, fh), (0.0, fh)], src)?;
    let (ow, oh) = (usize::try_from(out_w).ok()?, usize::try_from(out_h).ok()?);
    let len = ow.checked_mul(oh)?.checked_mul(ch)?;
    let mut data = Vec::new();
    data.try_reserve_exact(len).ok()?;
    for v in 0..oh {
        for u in 0..ow {
            let (u, v) = (u as f64, v as f64);
            let den = hm[6] * u + hm[7] * v + 1.0;
            let sx = (hm[0] * u + hm[1] * v + hm[2]) / den;
            let sy = (hm[3] * u + hm[4] * v + hm[5]) / den;
            sample(image, w, h, ch, sx, sy, &mut data);
        }
    }
    let crop = Crop {
        width: u32::try_from(ow).ok()?,
        height: u32::try_from(oh).ok()?,
        channels,
        data,
    };
    if fh / fw >= 1.5 {
        rot90_ccw(&crop)
    } else {
        Some(crop)
    }
}

/// Signed area of a polygon (shoelace formula).
fn shoelace(p: &[(f64, f64); 4]) -> f64 {
    let s: f64 = p
        .iter()
        .zip(p.iter().cycle().skip(1))
        .map(|(&(x0, y0), &(x1, y1))| x0 * y1 - x1 * y0)
        .sum();
    s / 2.0
}

/// The homography taking each `from` point to the matching `to` point, as h0..h7 with h8 = 1,
/// solved by Gauss-Jordan elimination with partial pivoting. None when the system is singular.
fn homography(from: [(f64, f64); 4], to: [(f64, f64); 4]) -> Option<[f64; 8]> {
    let mut m = [[0.0f64; 9]; 8];
    for (pair, (&(u, v), &(x, y))) in m.chunks_exact_mut(2).zip(from.iter().zip(to.iter())) {
        if let [rx, ry] = pair {
            *rx = [u, v, 1.0, 0.0, 0.0, 0.0, -u * x, -v * x, x];
            *ry = [0.0, 0.0, 0.0, u, v, 1.0, -u * y, -v * y, y];
        }
    }
    let at = |row: &[f64; 9], col: usize| row.get(col).copied().unwrap_or(0.0);
    let scale = m
        .iter()
        .flat_map(|row| row.iter().take(8))
        .fold(0.0f64, |s, &x| s.max(x.abs()));
    for col in 0..8 {
        let (piv, size) = m
            .iter()
            .enumerate()
            .skip(col)
            .map(|(i, row)| (i, at(row, col).abs()))
            .max_by(|a, b| a.1.total_cmp(&b.1))?;
        let usable = size > 1e-12 * scale;
        if !usable {
            return None;
        }
        m.swap(col, piv);
        let prow = *m.get(col)?;
        let pivot = at(&prow, col);
        for (r, row) in m.iter_mut().enumerate() {
            if r == col {
                continue;
            }
            let f = at(row, col) / pivot;
            for (dst, &s) in row.iter_mut().zip(prow.iter()).skip(col) {
                *dst -= f * s;
            }
        }
    }
    let mut h = [0.0; 8];
    for (i, (hi, row)) in h.iter_mut().zip(m.iter()).enumerate() {
        *hi = row[8] / at(row, i);
    }
    h.iter().all(|x| x.is_finite()).then_some(h)
}

/// Bilinear sample at (sx, sy), border replicated, appended to `out`.
fn sample(img: &[u8], w: usize, h: usize, ch: usize, sx: f64, sy: f64, out: &mut Vec<u8>) {
    // Clamping the point into the image is the same as replicating the border for a bilinear
    // sample.
    let fit = |s: f64, n: usize| {
        if s.is_finite() {
            s.clamp(0.0, (n - 1) as f64)
        } else {
            0.0
        }
    };
    let (sx, sy) = (fit(sx, w), fit(sy, h));
    // Both are at least 0 here, so truncation is `floor` (which, without SSE4.1, is a call).
    let (x0, y0) = (sx as usize, sy as usize);
    let (x1, y1) = ((x0 + 1).min(w - 1), (y0 + 1).min(h - 1));
    let (fx, fy) = (sx - x0 as f64, sy - y0 as f64);
    let px = |x: usize, y: usize, c: usize| f64::from(img.get((y * w + x) * ch + c).copied().unwrap_or(0));
    for c in 0..ch {
        let top = px(x0, y0, c) * (1.0 - fx) + px(x1, y0, c) * fx;
        let bottom = px(x0, y1, c) * (1.0 - fx) + px(x1, y1, c) * fx;
        let value = top * (1.0 - fy) + bottom * fy;
        // `value` lies in 0..=255 (a weighted mean of bytes): adding a half and truncating
        // rounds it half up, as `round` would, without a call per byte.
        out.push((value + 0.5) as u8);
    }
}

/// A quarter turn counter-clockwise (np.rot90): output row i, column j is input row j, column
/// `width - 1 - i`.
fn rot90_ccw(c: &Crop) -> Option<Crop> {
    let (w, h) = (usize::try_from(c.width).ok()?, usize::try_from(c.height).ok()?);
    let ch = usize::from(c.channels);
    let mut data = Vec::with_capacity(c.data.len());
    for i in 0..w {
        for j in 0..h {
            let at = (j * w + (w - 1 - i)) * ch;
            data.extend_from_slice(c.data.get(at..at + ch)?);
        }
    }
    Some(Crop {
        width: c.height,
        height: c.width,
        channels: c.channels,
        data,
    })
}

/// One recognised line from CTC output.
#[derive(Debug, Clone, PartialEq)]
pub struct Decoded {
    /// The recognised text.
    pub text: String,
    /// Mean of the winning probability of each kept character; 0 when none.
    pub confidence: f32,
    /// Per kept character (same order as `text.chars()`): its probability, and the time step where
    /// it was emitted (first step of its run).
    pub chars: Vec<(f32, usize)>,
    /// Number of time steps.
    pub steps: usize,
}

/// Greedy CTC decoding of one line. `probs` is steps × classes, row-major, softmax already applied
/// (PP-OCR rec output). Class 0 is the CTC blank; class i (1..=dict.len()) is dict[i-1]; if classes
/// == dict.len() + 2, the last class is a space ' '. Consecutive repeats of the same class are
/// merged; blanks dropped; a class index with no dict entry is dropped.
///
/// A step whose probabilities are all NaN counts as blank. A dict entry of several characters gives
/// each of them the entry's probability and step. A buffer whose length is not steps × classes
/// decodes to nothing.
pub fn ctc_greedy(probs: &[f32], steps: usize, classes: usize, dict: &[String]) -> Decoded {
    let mut out = Decoded {
        text: String::new(),
        confidence: 0.0,
        chars: Vec::new(),
        steps,
    };
    if classes == 0 || steps.checked_mul(classes) != Some(probs.len()) {
        return out;
    }
    let space = dict.len().checked_add(2) == Some(classes);
    let label = |i: usize| -> Option<&str> {
        match i {
            0 => None,
            i if i <= dict.len() => dict.get(i - 1).map(String::as_str),
            i if space && i == classes - 1 => Some(" "),
            _ => None,
        }
    };
    let mut prev = None;
    for (t, row) in probs.chunks_exact(classes).enumerate() {
        let (idx, p) = argmax(row);
        if prev != Some(idx) {
            if let Some(s) = label(idx) {
                out.text.push_str(s);
                out.chars.extend(s.chars().map(|_| (p, t)));
            }
        }
        prev = Some(idx);
    }
    if !out.chars.is_empty() {
        let sum: f64 = out.chars.iter().map(|&(p, _)| f64::from(p)).sum();
        out.confidence = (sum / out.chars.len() as f64) as f32;
    }
    out
}

/// The first index of a row's largest value and that value; (0, -∞) for a row without a
/// number. A step's row holds every class of the dictionary (18 710): the maximum is taken in
/// sixteen lanes the compiler vectorises, then its first position found, instead of one
/// comparison chain through the row.
fn argmax(row: &[f32]) -> (usize, f32) {
    const LANES: usize = 16;
    let mut lanes = [f32::NEG_INFINITY; LANES];
    let mut chunks = row.chunks_exact(LANES);
    for chunk in &mut chunks {
        for (lane, &v) in lanes.iter_mut().zip(chunk) {
            *lane = lane.max(v);
        }
    }
    let best = lanes
        .iter()
        .chain(chunks.remainder())
        .fold(f32::NEG_INFINITY, |m, &v| m.max(v));
    match row.iter().position(|&v| v == best) {
        Some(i) => (i, best),
        None => (0, f32::NEG_INFINITY),
    }
}

/// Maps CTC time step `step` (of `steps`) back to a half-open column range `[start, end)` of the
/// crop. The recogniser's input is the crop resized to `resized_width` (height 48) and padded on
/// the right to `padded_width`; each step covers `padded_width / steps` input columns, and input
/// columns scale to crop columns by `crop_width / resized_width`. The range is clamped to
/// `0..=crop_width`; (0, 0) when `steps` or `resized_width` is 0.
pub fn char_span(step: usize, steps: usize, resized_width: u32, padded_width: u32, crop_width: u32) -> (u32, u32) {
    if steps == 0 || resized_width == 0 {
        return (0, 0);
    }
    let per_step = f64::from(padded_width) / steps as f64;
    let k = f64::from(crop_width) / f64::from(resized_width);
    let limit = f64::from(crop_width);
    let start = (step as f64 * per_step * k).floor().clamp(0.0, limit);
    let end = ((step as f64 + 1.0) * per_step * k).ceil().clamp(start, limit);
    (start as u32, end as u32)
}

#[cfg(test)]
mod tests {
    #[test]
    fn argmax_is_the_first_largest_value_as_a_plain_scan_finds_it() {
        let scan = |row: &[f32]| {
            row.iter().enumerate().fold(
                (0, f32::NEG_INFINITY),
                |(bi, bp), (i, &v)| {
                    if v > bp {
                        (i, v)
                    } else {
                        (bi, bp)
                    }
                },
            )
        };
        let mut rows: Vec<Vec<f32>> = vec![
            vec![],
            vec![0.5],
            vec![f32::NAN; 40],
            vec![0.1; 37],
            vec![-0.0, 0.0, -0.0],
        ];
        // Ties across lanes and in the remainder, NaNs among numbers, rows of every length.
        for n in [15usize, 16, 17, 33, 18_710] {
            let mut r: Vec<f32> = (0..n).map(|i| ((i * 7919) % 97) as f32 / 97.0).collect();
            if let Some(v) = r.get_mut(n / 2) {
                *v = f32::NAN;
            }
            rows.push(r);
        }
        for row in &rows {
            let (a, b) = (argmax(row), scan(row));
            assert_eq!(a.0, b.0, "{row:?}");
            assert!(a.1 == b.1 || (a.1.is_nan() && b.1.is_nan()), "{row:?}");
        }
    }
    use super::*;

    /// A `w × h` map of zeros with `value` on each inclusive rectangle `(x0, y0, x1, y1)`.
    fn map(w: usize, h: usize, rects: &[(usize, usize, usize, usize)], value: f32) -> Vec<f32> {
        let mut m = vec![0.0; w * h];
        for &(x0, y0, x1, y1) in rects {
            for y in y0..=y1 {
                for x in x0..=x1 {
                    m[y * w + x] = value;
                }
            }
        }
        m
    }

    /// Default parameters with one change.
    fn params(change: impl FnOnce(&mut DbParams)) -> DbParams {
        let mut p = DbParams::default();
        change(&mut p);
        p
    }

    fn close(a: f32, b: f32, tol: f32) -> bool {
        (a - b).abs() <= tol
    }

    #[test]
    fn one_filled_rectangle_gives_one_box_grown_by_the_unclip_distance() {
        // 40×10 pixels; dilation adds a column and a row, so the pixel centres span 40 × 10:
        // d = 400 × 1.6 / 100 = 6.4.
        let m = map(100, 100, &[(20, 40, 59, 49)], 0.9);
        let boxes = detect_boxes(&m, 100, 100, 100, 100, &DbParams::default());
        assert_eq!(boxes.len(), 1);
        let q = boxes[0].quad;
        // 20 - 6.4 = 13.6 → 14; 60 + 6.4 = 66.4 → 66; 40 - 6.4 → 34; 50 + 6.4 → 56.
        assert_eq!(q, Quad([(14.0, 34.0), (66.0, 34.0), (66.0, 56.0), (14.0, 56.0)]));
        // 400 pixels at 0.9 among the 41 × 11 of the dilated rectangle.
        assert!(close(boxes[0].score, 0.9 * 400.0 / 451.0, 1e-5));
        assert_eq!(q.bounds(), (14.0, 34.0, 66.0, 56.0));
        assert_eq!(q.center(), (40.0, 45.0));
        assert_eq!((q.width(), q.height()), (52.0, 22.0));
    }

    #[test]
    fn without_dilation_the_box_hugs_the_pixels() {
        let p = params(|p| p.use_dilation = false);
        // 41 × 11 pixels: centres span 40 × 10, the same box as above.
        let m = map(100, 100, &[(20, 40, 60, 50)], 0.9);
        let boxes = detect_boxes(&m, 100, 100, 100, 100, &p);
        assert_eq!(boxes.len(), 1);
        assert_eq!(boxes[0].quad.bounds(), (14.0, 34.0, 66.0, 56.0));
        assert!(close(boxes[0].score, 0.9, 1e-6));
    }

    #[test]
    fn boxes_come_out_in_reading_order() {
        // A and B on one line (B's top 5 px higher but to the right), C below.
        let rects = [(5, 60, 34, 69), (60, 15, 89, 24), (10, 20, 39, 29)];
        let m = map(100, 100, &rects, 0.9);
        let boxes = detect_boxes(&m, 100, 100, 100, 100, &DbParams::default());
        assert_eq!(boxes.len(), 3);
        let tops: Vec<(f32, f32)> = boxes.iter().map(|b| b.quad.0[0]).collect();
        // Pixel centres span 30 × 10 after dilation, so d = 300 × 1.6 / 80 = 6: top-left
        // corners A (4, 14), B (54, 9), C (-1 clipped to 0, 54).
        assert_eq!(tops[0], (4.0, 14.0));
        assert_eq!(tops[1], (54.0, 9.0));
        assert_eq!(tops[2], (0.0, 54.0));
    }

    #[test]
    fn boxes_turned_half_a_turn_keep_their_corners_order_and_read_top_down() {
        let b = |x0: f32, y0: f32, x1: f32, y1: f32| TextBox {
            quad: Quad([(x0, y0), (x1, y0), (x1, y1), (x0, y1)]),
            score: 0.9,
        };
        // A 100 × 50 image: a line near the top left, one near the bottom right.
        let turned = turned_half(&[b(10.0, 5.0, 60.0, 15.0), b(40.0, 30.0, 95.0, 40.0)], 100, 50);
        assert_eq!(turned, vec![b(5.0, 10.0, 60.0, 20.0), b(40.0, 35.0, 90.0, 45.0)]);
        // Twice is the identity.
        let back = turned_half(&turned, 100, 50);
        assert_eq!(back, vec![b(10.0, 5.0, 60.0, 15.0), b(40.0, 30.0, 95.0, 40.0)]);
    }

    #[test]
    fn reading_order_is_total_whatever_the_input_order() {
        let mk = |x: f32, y: f32| TextBox {
            quad: Quad([(x, y), (x + 5.0, y), (x + 5.0, y + 5.0), (x, y + 5.0)]),
            score: 1.0,
        };
        let expected = vec![mk(0.0, 9.0), mk(10.0, 0.0), mk(20.0, 5.0), mk(0.0, 30.0), mk(3.0, 12.0)];
        // Tops 0, 5, 9 share the first line (all < 10 below top 0); 12 starts the next line, and 30
        // is on a third one.
        let mut want = expected.clone();
        want.swap(3, 4);
        for rot in 0..expected.len() {
            let mut b = expected.clone();
            b.rotate_left(rot);
            b.reverse();
            reading_order(&mut b);
            assert_eq!(b, want);
        }
    }

    #[test]
    fn tilted_rectangle_gives_a_quad_at_its_angle() {
        let (w, h) = (200usize, 100usize);
        let (s, c) = 10f32.to_radians().sin_cos();
        let mut m = vec![0.0; w * h];
        for y in 0..h {
            for x in 0..w {
                let (dx, dy) = (x as f32 - 100.0, y as f32 - 50.0);
                let (rx, ry) = (dx * c + dy * s, -dx * s + dy * c);
                if rx.abs() <= 40.0 && ry.abs() <= 8.0 {
                    m[y * w + x] = 0.9;
                }
            }
        }
        let boxes = detect_boxes(&m, w, h, 200, 100, &DbParams::default());
        assert_eq!(boxes.len(), 1);
        let [tl, tr, br, bl] = boxes[0].quad.0;
        let top = (tr.1 - tl.1).atan2(tr.0 - tl.0).to_degrees();
        let bottom = (br.1 - bl.1).atan2(br.0 - bl.0).to_degrees();
        assert!(close(top, 10.0, 1.5), "top edge at {top}°");
        assert!(close(bottom, 10.0, 1.5), "bottom edge at {bottom}°");
        assert!(tl.1 < bl.1 && tr.1 < br.1 && tl.0 < tr.0);
    }

    #[test]
    fn a_faint_component_below_box_thresh_is_dropped() {
        let m = map(100, 100, &[(20, 40, 59, 49)], 0.35);
        assert!(detect_boxes(&m, 100, 100, 100, 100, &DbParams::default()).is_empty());
    }

    #[test]
    fn a_tiny_component_below_min_size_is_dropped() {
        // 2×2 pixels, 3×3 after dilation: sides of 2 < 3.
        let m = map(100, 100, &[(50, 50, 51, 51), (10, 10, 10, 40)], 0.9);
        assert!(detect_boxes(&m, 100, 100, 100, 100, &DbParams::default()).is_empty());
    }

    #[test]
    fn max_candidates_keeps_the_first_components_in_raster_order() {
        let m = map(100, 100, &[(20, 60, 59, 69), (20, 10, 59, 19)], 0.9);
        let boxes = detect_boxes(&m, 100, 100, 100, 100, &params(|p| p.max_candidates = 1));
        assert_eq!(boxes.len(), 1);
        assert!(boxes[0].quad.0[0].1 < 20.0);
        let p = params(|p| p.max_candidates = 0);
        assert!(detect_boxes(&m, 100, 100, 100, 100, &p).is_empty());
    }

    #[test]
    fn coordinates_scale_from_the_map_to_the_original_image() {
        let m = map(100, 100, &[(20, 40, 59, 49)], 0.9);
        let boxes = detect_boxes(&m, 100, 100, 400, 200, &DbParams::default());
        assert_eq!(boxes.len(), 1);
        // x: 13.6 × 4 = 54.4 → 54, 66.4 × 4 = 265.6 → 266;
        // y: 33.6 × 2 = 67.2 → 67, 56.4 × 2 = 112.8 → 113.
        assert_eq!(boxes[0].quad.bounds(), (54.0, 67.0, 266.0, 113.0));
    }

    #[test]
    fn boxes_are_clipped_to_the_image() {
        let m = map(50, 50, &[(0, 0, 49, 9)], 0.9);
        let boxes = detect_boxes(&m, 50, 50, 50, 50, &DbParams::default());
        assert_eq!(boxes.len(), 1);
        assert_eq!(boxes[0].quad.bounds(), (0.0, 0.0, 49.0, 17.0));
    }

    #[test]
    fn bad_maps_give_no_boxes() {
        let p = DbParams::default();
        assert!(detect_boxes(&[], 0, 0, 100, 100, &p).is_empty());
        assert!(detect_boxes(&vec![0.0; 100], 10, 10, 100, 100, &p).is_empty());
        assert!(detect_boxes(&vec![f32::NAN; 100], 10, 10, 100, 100, &p).is_empty());
        let full = map(10, 10, &[(0, 0, 9, 9)], 0.9);
        assert!(detect_boxes(&full, 10, 9, 100, 100, &p).is_empty());
        assert!(detect_boxes(&full, 10, 10, 0, 100, &p).is_empty());
        assert!(detect_boxes(&full, usize::MAX, 2, 100, 100, &p).is_empty());
        let nan = params(|p| p.box_thresh = f32::NAN);
        assert!(detect_boxes(&full, 10, 10, 100, 100, &nan).is_empty());
        let nan = params(|p| p.unclip_ratio = f32::NAN);
        assert!(detect_boxes(&full, 10, 10, 100, 100, &nan).is_empty());
        // NaN pixels inside a text region count as zero probability.
        let mut holes = map(100, 100, &[(20, 40, 59, 49)], 0.9);
        holes.iter_mut().step_by(2).for_each(|v| *v = f32::NAN);
        let boxes = detect_boxes(&holes, 100, 100, 100, 100, &p);
        assert!(boxes.iter().all(|b| b.score.is_finite()));
    }

    fn image(w: usize, h: usize, ch: usize) -> Vec<u8> {
        let mut img = Vec::with_capacity(w * h * ch);
        for y in 0..h {
            for x in 0..w {
                for c in 0..ch {
                    img.push(((x * 7 + y * 13 + c * 50) % 256) as u8);
                }
            }
        }
        img
    }

    #[test]
    fn crop_of_an_axis_aligned_quad_equals_the_source_pixels() {
        let img = image(40, 30, 3);
        let q = Quad([(10.0, 5.0), (30.0, 5.0), (30.0, 15.0), (10.0, 15.0)]);
        let crop = crop_line(&img, 40, 30, 3, &q, 1_000_000).expect("crop");
        assert_eq!((crop.width, crop.height, crop.channels), (20, 10, 3));
        let mut want = Vec::new();
        for y in 5..15 {
            want.extend_from_slice(&img[(y * 40 + 10) * 3..(y * 40 + 30) * 3]);
        }
        assert_eq!(crop.data, want);
    }

    #[test]
    fn crop_beyond_the_image_replicates_the_border() {
        let img = image(10, 10, 1);
        let q = Quad([(8.0, 0.0), (12.0, 0.0), (12.0, 3.0), (8.0, 3.0)]);
        let crop = crop_line(&img, 10, 10, 1, &q, 100).expect("crop");
        assert_eq!((crop.width, crop.height), (4, 3));
        for y in 0..3 {
            let row = &crop.data[y * 4..y * 4 + 4];
            assert_eq!(row[1], img[y * 10 + 9]);
            assert_eq!(row[2], img[y * 10 + 9]);
            assert_eq!(row[3], img[y * 10 + 9]);
        }
    }

    #[test]
    fn crop_of_a_tall_quad_is_turned_counter_clockwise() {
        let img = image(20, 30, 1);
        let q = Quad([(5.0, 2.0), (10.0, 2.0), (10.0, 22.0), (5.0, 22.0)]);
        let crop = crop_line(&img, 20, 30, 1, &q, 1000).expect("crop");
        assert_eq!((crop.width, crop.height), (20, 5));
        // Output row i, column j = upright row j, column 4 - i.
        for i in 0..5 {
            for j in 0..20 {
                assert_eq!(crop.data[i * 20 + j], img[(2 + j) * 20 + 5 + (4 - i)]);
            }
        }
    }

    #[test]
    fn degenerate_quads_and_bad_buffers_give_no_crop() {
        let img = image(20, 20, 3);
        let point = Quad([(5.0, 5.0); 4]);
        let line = Quad([(1.0, 1.0), (10.0, 1.0), (19.0, 1.0), (5.0, 1.0)]);
        let nan = Quad([(f32::NAN, 0.0), (5.0, 0.0), (5.0, 5.0), (0.0, 5.0)]);
        let ok = Quad([(0.0, 0.0), (10.0, 0.0), (10.0, 5.0), (0.0, 5.0)]);
        assert!(crop_line(&img, 20, 20, 3, &point, 1000).is_none());
        assert!(crop_line(&img, 20, 20, 3, &line, 1000).is_none());
        assert!(crop_line(&img, 20, 20, 3, &nan, 1000).is_none());
        assert!(crop_line(&img, 20, 20, 3, &ok, 49).is_none());
        assert!(crop_line(&img, 20, 20, 3, &ok, 50).is_some());
        assert!(crop_line(&img, 20, 19, 3, &ok, 1000).is_none());
        assert!(crop_line(&img, 20, 20, 2, &ok, 1000).is_none());
        assert!(crop_line(&[], 0, 0, 3, &ok, 1000).is_none());
        let huge = Quad([(0.0, 0.0), (1e30, 0.0), (1e30, 1e30), (0.0, 1e30)]);
        assert!(crop_line(&img, 20, 20, 3, &huge, u64::MAX / 2).is_none());
    }

    fn dict(chars: &str) -> Vec<String> {
        chars.chars().map(String::from).collect()
    }

    /// One-hot-ish rows: `winners[t]` gets `p`, the rest share what is left.
    fn rows(winners: &[usize], classes: usize, p: &[f32]) -> Vec<f32> {
        let mut out = Vec::new();
        for (&w, &pw) in winners.iter().zip(p) {
            let rest = (1.0 - pw) / (classes - 1) as f32;
            out.extend((0..classes).map(|c| if c == w { pw } else { rest }));
        }
        out
    }

    #[test]
    fn ctc_merges_repeats_and_drops_blanks() {
        let d = dict("ab");
        // a a b - b  →  "abb"
        let probs = rows(&[1, 1, 2, 0, 2], 3, &[0.9, 0.8, 0.7, 0.95, 0.6]);
        let out = ctc_greedy(&probs, 5, 3, &d);
        assert_eq!(out.text, "abb");
        assert_eq!(out.chars, vec![(0.9, 0), (0.7, 2), (0.6, 4)]);
        assert!(close(out.confidence, (0.9 + 0.7 + 0.6) / 3.0, 1e-6));
        assert_eq!(out.steps, 5);
    }

    #[test]
    fn ctc_reads_the_trailing_space_class() {
        let d = dict("中文");
        let probs = rows(&[1, 3, 3, 2], 4, &[0.9, 0.8, 0.8, 0.7]);
        let out = ctc_greedy(&probs, 4, 4, &d);
        assert_eq!(out.text, "中 文");
        assert_eq!(out.chars.len(), out.text.chars().count());
        assert_eq!(out.chars[2], (0.7, 3));
    }

    #[test]
    fn ctc_drops_classes_without_a_dict_entry() {
        let d = dict("a");
        // 4 classes for a 1-entry dict: no space class; 2 and 3 are unknown.
        let probs = rows(&[1, 2, 3, 1], 4, &[0.9, 0.9, 0.9, 0.5]);
        let out = ctc_greedy(&probs, 4, 4, &d);
        assert_eq!(out.text, "aa");
        assert!(close(out.confidence, 0.7, 1e-6));
    }

    #[test]
    fn ctc_gives_nothing_for_blank_nan_or_mismatched_input() {
        let d = dict("ab");
        let blank = ctc_greedy(&rows(&[0, 0], 3, &[0.9, 0.9]), 2, 3, &d);
        assert_eq!((blank.text.as_str(), blank.confidence, blank.chars.len()), ("", 0.0, 0));
        let nan = ctc_greedy(&[f32::NAN; 6], 2, 3, &d);
        assert_eq!(nan.text, "");
        assert_eq!(ctc_greedy(&[0.5; 5], 2, 3, &d).text, "");
        assert_eq!(ctc_greedy(&[], 0, 0, &d).text, "");
        assert_eq!(ctc_greedy(&[], usize::MAX, 3, &d).text, "");
    }

    #[test]
    fn char_span_maps_steps_to_crop_columns() {
        // 10 steps over a 100-wide input, crop twice narrower.
        assert_eq!(char_span(0, 10, 100, 100, 50), (0, 5));
        assert_eq!(char_span(9, 10, 100, 100, 50), (45, 50));
        // Padding: 320-wide input, 300 of them the crop; 40 steps of 8 columns.
        assert_eq!(char_span(0, 40, 300, 320, 600), (0, 16));
        assert_eq!(char_span(36, 40, 300, 320, 600), (576, 592));
        assert_eq!(char_span(39, 40, 300, 320, 600), (600, 600));
        assert_eq!(char_span(0, 0, 300, 320, 600), (0, 0));
        assert_eq!(char_span(3, 10, 0, 320, 600), (0, 0));
        assert_eq!(char_span(usize::MAX, 10, 100, 100, 50), (50, 50));
    }
}
