//! The content-stream interpreter: graphics and text state, text showing, form XObjects and
//! annotation appearances, within the page and document budgets. It produces a page's glyph runs
//! (for [`super::layout`]) and notes the largest image drawn (for [`super::page_images`]).

use std::collections::HashMap;

use lopdf::{Dictionary, Object, ObjectId, Stream};

use super::fonts::*;
use super::lexer::*;
use super::objects::*;
use super::*;

#[derive(Debug, Clone, Copy)]
pub(super) struct GState {
    pub(super) ctm: M,
    pub(super) font: Option<usize>,
    pub(super) size: f64,
    pub(super) char_spacing: f64,
    pub(super) word_spacing: f64,
    pub(super) h_scale: f64,
    pub(super) leading: f64,
}

impl GState {
    pub(super) const INITIAL: GState = GState {
        ctm: M::ID,
        font: None,
        size: 0.0,
        char_spacing: 0.0,
        word_spacing: 0.0,
        h_scale: 1.0,
        leading: 0.0,
    };
}

/// A run of glyphs drawn one after the other on one baseline, in device space (the page as
/// displayed, y up).
#[derive(Debug, Clone, Copy)]
pub(super) struct Run {
    pub(super) x0: f64,
    pub(super) x1: f64,
    pub(super) y: f64,
    pub(super) size: f64,
    /// Where the last glyph ended (the next one continues the run if it starts here).
    pub(super) end_x: f64,
    pub(super) end_y: f64,
    pub(super) upright: bool,
    pub(super) start: u32,
    pub(super) end: u32,
}

/// What a page shows: its text runs and how much of it images cover.
#[derive(Debug, Default)]
pub(super) struct PageText {
    pub(super) runs: Vec<Run>,
    pub(super) text: String,
    /// Sum of the page shares images cover (each clipped to the page).
    pub(super) image_area: f64,
    pub(super) glyphs: usize,
    /// Glyphs whose text is nothing, or only control, private-use or replacement characters:
    /// the font gave no Unicode for them (see [`PageText::is_unmapped`]).
    pub(super) unmapped: usize,
}

/// Fewest glyphs a page must draw before their mapping can call its text unmapped (a logo or
/// a barcode of a few glyphs with no Unicode is not a page of text).
const MIN_UNMAPPED_GLYPHS: usize = 8;

/// Whether the text a glyph came out as gives no character: empty, or only control characters,
/// private-use code points (a font's own glyph numbers) or U+FFFD.
fn unmapped_text(t: &str) -> bool {
    t.chars().all(|c| {
        c.is_control()
            || c == '\u{fffd}'
            || matches!(u32::from(c), 0xE000..=0xF8FF | 0xF0000..=0xFFFFD | 0x100000..=0x10FFFD)
    })
}

impl PageText {
    /// SPEC §6: a page that draws glyphs of which fewer than half map to Unicode is not text
    /// (issue class: text that vanished must never make an empty "readable" document).
    pub(super) fn is_unmapped(&self) -> bool {
        self.unmapped >= MIN_UNMAPPED_GLYPHS && self.unmapped * 2 > self.glyphs
    }

    pub(super) fn run_text(&self, r: &Run) -> &str {
        self.text.get(r.start as usize..r.end as usize).unwrap_or("")
    }

    /// Records a glyph whose text was appended at `mark`; false past the glyph limit.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn glyph(&mut self, mark: usize, x0: f64, y0: f64, x1: f64, y1: f64, size: f64, upright: bool) -> bool {
        self.glyphs += 1;
        if self.glyphs > MAX_GLYPHS_PER_PAGE || self.text.len() > MAX_PAGE_TEXT {
            return false;
        }
        if ![x0, y0, x1, y1].iter().all(|v| v.is_finite()) {
            self.text.truncate(mark);
            return true;
        }
        let end = u32::try_from(self.text.len()).unwrap_or(u32::MAX);
        if let Some(r) = self.runs.last_mut() {
            let em = r.size.max(size);
            let continues = r.upright == upright
                && r.end as usize == mark
                && if upright {
                    let gap = x0 - r.end_x;
                    (y0 - r.y).abs() <= 0.1 * em && gap >= -0.3 * em && gap < WORD_GAP * em
                } else {
                    (x0 - r.end_x).hypot(y0 - r.end_y) < WORD_GAP * em
                };
            if continues {
                r.end = end;
                r.x0 = r.x0.min(x0);
                r.x1 = r.x1.max(x1);
                r.end_x = x1;
                r.end_y = y1;
                r.size = r.size.max(size);
                return true;
            }
        }
        if self.text.len() == mark {
            // An unmapped glyph starts nothing.
            return true;
        }
        self.runs.push(Run {
            x0: x0.min(x1),
            x1: x0.max(x1),
            y: y0,
            size,
            end_x: x1,
            end_y: y1,
            upright,
            start: u32::try_from(mark).unwrap_or(u32::MAX),
            end,
        });
        true
    }
}

pub(super) struct Interp<'d> {
    pub(super) doc: &'d lopdf::Document,
    pub(super) fonts: Vec<Font>,
    /// Font dictionary (by address) → index in `fonts`.
    pub(super) font_index: HashMap<usize, usize>,
    pub(super) rot: M,
    pub(super) media: [f64; 4],
    pub(super) gs: GState,
    pub(super) stack: Vec<GState>,
    /// `q` not stored (past `MAX_GSTATE_DEPTH`), still to be matched by `Q`.
    pub(super) stack_overflow: usize,
    /// `Q` does not pop below this (the stack depth when the current form began).
    pub(super) stack_floor: usize,
    pub(super) tm: M,
    pub(super) tlm: M,
    pub(super) forms: Vec<ObjectId>,
    /// Forms drawn on the current page.
    pub(super) form_draws: usize,
    pub(super) page_budget: usize,
    pub(super) doc_budget: usize,
    pub(super) out: PageText,
    /// Whether image XObjects drawn are remembered in `best_image`.
    pub(super) keep_images: bool,
    /// The image XObject of the current page that covers most of it, with its coverage.
    pub(super) best_image: Option<(f64, &'d Stream)>,
    /// Open marked-content sequences (`BMC`/`BDC` … `EMC`), each with its `/ActualText` when it
    /// has one.
    pub(super) marked: Vec<Option<ActualText>>,
}

/// The `/ActualText` of an open marked-content sequence: the text that replaces the glyphs drawn
/// inside it (ISO 32000-1, 14.9.4).
#[derive(Debug)]
pub(super) struct ActualText {
    pub(super) text: String,
    /// Whether a glyph of the sequence has carried the text already.
    pub(super) shown: bool,
}

pub(super) fn limit_error(page: bool) -> DocError {
    if page {
        DocError::Limit(format!(
            "the content of a page decodes to more than {}",
            crate::units::human_size(MAX_PAGE_CONTENT as u64)
        ))
    } else {
        DocError::Limit(format!(
            "the page contents decode to more than {}",
            crate::units::human_size(MAX_DOCUMENT_CONTENT as u64)
        ))
    }
}

impl<'d> Interp<'d> {
    pub(super) fn new(doc: &'d lopdf::Document) -> Self {
        Interp {
            doc,
            fonts: Vec::new(),
            font_index: HashMap::new(),
            rot: M::ID,
            media: [0.0, 0.0, 612.0, 792.0],
            gs: GState::INITIAL,
            stack: Vec::new(),
            stack_overflow: 0,
            stack_floor: 0,
            tm: M::ID,
            tlm: M::ID,
            forms: Vec::new(),
            form_draws: 0,
            page_budget: MAX_PAGE_CONTENT,
            doc_budget: MAX_DOCUMENT_CONTENT,
            out: PageText::default(),
            keep_images: true,
            best_image: None,
            marked: Vec::new(),
        }
    }

    pub(super) fn charge(&mut self, n: usize) -> Result<(), DocError> {
        if n > self.page_budget {
            return Err(limit_error(true));
        }
        if n > self.doc_budget {
            return Err(limit_error(false));
        }
        self.page_budget -= n;
        self.doc_budget -= n;
        Ok(())
    }

    pub(super) fn decode(&mut self, s: &Stream) -> Result<Vec<u8>, DocError> {
        let limit = self.page_budget.min(self.doc_budget);
        match decode_stream(s, limit) {
            Ok(Some(v)) => {
                self.charge(v.len())?;
                Ok(v)
            }
            Ok(None) => Ok(Vec::new()),
            Err(()) => Err(limit_error(self.page_budget <= self.doc_budget)),
        }
    }

    pub(super) fn read_page(&mut self, page: &PageRef<'d>) -> Result<PageText, DocError> {
        self.out = PageText::default();
        self.best_image = None;
        self.page_budget = MAX_PAGE_CONTENT;
        self.form_draws = 0;
        self.rot = M::rotation(page.rotate);
        self.media = page.media;
        self.reset_state();

        let doc = self.doc;
        let mut content = Vec::new();
        let streams: Vec<&Stream> = match get(doc, page.dict, b"Contents") {
            Object::Stream(s) => vec![s],
            Object::Array(a) => a
                .iter()
                .filter_map(|o| match deref(doc, o) {
                    Object::Stream(s) => Some(s),
                    _ => None,
                })
                .collect(),
            _ => Vec::new(),
        };
        for s in streams {
            let data = self.decode(s)?;
            content.extend_from_slice(&data);
            content.push(b'\n');
        }
        self.run(&content, page.resources, 0)?;
        drop(content);
        self.annotations(page)?;
        Ok(std::mem::take(&mut self.out))
    }

    pub(super) fn reset_state(&mut self) {
        self.gs = GState::INITIAL;
        self.stack.clear();
        self.stack_overflow = 0;
        self.stack_floor = 0;
        self.tm = M::ID;
        self.tlm = M::ID;
        self.forms.clear();
        self.marked.clear();
    }

    /// Draws the normal appearance of each visible annotation (filled form fields, stamps).
    pub(super) fn annotations(&mut self, page: &PageRef<'d>) -> Result<(), DocError> {
        let doc = self.doc;
        let Some(annots) = get_array(doc, page.dict, b"Annots") else {
            return Ok(());
        };
        for a in annots.iter().take(MAX_ANNOTATIONS) {
            let Object::Dictionary(ad) = deref(doc, a) else {
                continue;
            };
            let flags = get_num(doc, ad, b"F").unwrap_or(0.0) as i64;
            if flags & (2 | 32) != 0 || get_name(doc, ad, b"Subtype") == Some(b"Popup") {
                continue;
            }
            let Some(ap) = get_dict(doc, ad, b"AP") else { continue };
            let Ok(n) = ap.get(b"N") else { continue };
            let Ok((mut id, mut appearance)) = doc.dereference(n) else {
                continue;
            };
            if let Object::Dictionary(states) = appearance {
                let Some(state) = get_name(doc, ad, b"AS") else {
                    continue;
                };
                let Ok(o) = states.get(state) else { continue };
                let Ok((i, o)) = doc.dereference(o) else { continue };
                (id, appearance) = (i, o);
            }
            let Object::Stream(form) = appearance else { continue };
            let (Some(r), Some(bbox)) = (
                ad.get(b"Rect").ok().and_then(|o| rect(doc, o)),
                form.dict.get(b"BBox").ok().and_then(|o| rect(doc, o)),
            ) else {
                continue;
            };
            let m = matrix(doc, &form.dict, b"Matrix").unwrap_or(M::ID);
            // The appearance's box, transformed by its matrix, is fitted to the annotation's Rect.
            let corners = [
                (bbox[0], bbox[1]),
                (bbox[2], bbox[1]),
                (bbox[0], bbox[3]),
                (bbox[2], bbox[3]),
            ];
            let pts = corners.map(|(x, y)| m.apply(x, y));
            let (tx0, tx1) = pts.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), p| {
                (lo.min(p.0), hi.max(p.0))
            });
            let (ty0, ty1) = pts.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), p| {
                (lo.min(p.1), hi.max(p.1))
            });
            if !(tx1 - tx0 > 1e-9 && ty1 - ty0 > 1e-9) {
                continue;
            }
            let sx = (r[2] - r[0]) / (tx1 - tx0);
            let sy = (r[3] - r[1]) / (ty1 - ty0);
            let fit = M {
                a: sx,
                b: 0.0,
                c: 0.0,
                d: sy,
                e: r[0] - tx0 * sx,
                f: r[1] - ty0 * sy,
            };
            self.reset_state();
            self.run_form(form, id, page.resources, fit, 0)?;
        }
        Ok(())
    }

    pub(super) fn run(&mut self, content: &[u8], res: Option<&'d Dictionary>, depth: usize) -> Result<(), DocError> {
        let mut lex = Lexer::new(content);
        let mut ops: Vec<Operand> = Vec::with_capacity(16);
        let mut scratch: Vec<u8> = Vec::new();
        while let Some(tok) = lex.next(&mut scratch) {
            match tok {
                Tok::Operand(o) => {
                    if ops.len() < MAX_OPERANDS {
                        ops.push(o);
                    }
                }
                Tok::Op(b"BI") => {
                    self.out.image_area += self.coverage();
                    lex.skip_inline_image(&mut scratch);
                    ops.clear();
                    scratch.clear();
                }
                Tok::Op(op) => {
                    self.exec(op, &ops, content, &scratch, res, depth)?;
                    ops.clear();
                    scratch.clear();
                }
            }
        }
        Ok(())
    }

    pub(super) fn exec(
        &mut self,
        op: &[u8],
        ops: &[Operand],
        content: &[u8],
        scratch: &[u8],
        res: Option<&'d Dictionary>,
        depth: usize,
    ) -> Result<(), DocError> {
        let last_str = || match ops.last() {
            Some(Operand::Str(s)) => Some(s.get(content, scratch)),
            _ => None,
        };
        match op {
            b"q" => {
                if self.stack.len() < MAX_GSTATE_DEPTH {
                    self.stack.push(self.gs);
                } else {
                    self.stack_overflow += 1;
                }
            }
            b"Q" => {
                if self.stack_overflow > 0 {
                    self.stack_overflow -= 1;
                } else if self.stack.len() > self.stack_floor {
                    if let Some(gs) = self.stack.pop() {
                        self.gs = gs;
                    }
                }
            }
            b"cm" => {
                if let Some([a, b, c, d, e, f]) = last_nums::<6>(ops) {
                    let m = M { a, b, c, d, e, f }.then(self.gs.ctm);
                    if m.finite() {
                        self.gs.ctm = m;
                    }
                }
            }
            b"BT" => {
                self.tm = M::ID;
                self.tlm = M::ID;
            }
            b"Tf" => {
                if let [.., Operand::Name(name), Operand::Num(size)] = ops {
                    if size.is_finite() {
                        self.gs.size = *size;
                    }
                    self.gs.font = self.font(res, name.get(content, scratch));
                }
            }
            b"Tc" => {
                if let Some([v]) = last_nums(ops) {
                    self.gs.char_spacing = v;
                }
            }
            b"Tw" => {
                if let Some([v]) = last_nums(ops) {
                    self.gs.word_spacing = v;
                }
            }
            b"Tz" => {
                if let Some([v]) = last_nums(ops) {
                    self.gs.h_scale = v / 100.0;
                }
            }
            b"TL" => {
                if let Some([v]) = last_nums(ops) {
                    self.gs.leading = v;
                }
            }
            b"Td" => {
                if let Some([tx, ty]) = last_nums(ops) {
                    self.next_line(tx, ty);
                }
            }
            b"TD" => {
                if let Some([tx, ty]) = last_nums(ops) {
                    self.gs.leading = -ty;
                    self.next_line(tx, ty);
                }
            }
            b"Tm" => {
                if let Some([a, b, c, d, e, f]) = last_nums::<6>(ops) {
                    self.tm = M { a, b, c, d, e, f };
                    self.tlm = self.tm;
                }
            }
            b"T*" => self.next_line(0.0, -self.gs.leading),
            b"Tj" => {
                if let Some(s) = last_str() {
                    self.show(s)?;
                }
            }
            b"'" => {
                self.next_line(0.0, -self.gs.leading);
                if let Some(s) = last_str() {
                    self.show(s)?;
                }
            }
            b"\"" => {
                if let [.., Operand::Num(aw), Operand::Num(ac), Operand::Str(s)] = ops {
                    if aw.is_finite() && ac.is_finite() {
                        self.gs.word_spacing = *aw;
                        self.gs.char_spacing = *ac;
                    }
                    self.next_line(0.0, -self.gs.leading);
                    self.show(s.get(content, scratch))?;
                }
            }
            b"TJ" => {
                let start = ops
                    .iter()
                    .rposition(|o| matches!(o, Operand::ArrayOpen))
                    .map_or(0, |i| i + 1);
                for o in ops.get(start..).unwrap_or(&[]) {
                    match o {
                        Operand::Str(s) => self.show(s.get(content, scratch))?,
                        Operand::Num(n) if n.is_finite() => {
                            let tx = -n / 1000.0 * self.gs.size * self.gs.h_scale;
                            let tm = self.tm.translated(tx, 0.0);
                            if tm.finite() {
                                self.tm = tm;
                            }
                        }
                        _ => {}
                    }
                }
            }
            b"BMC" => self.begin_marked(None),
            b"BDC" => {
                let text = self.actual_text(ops, content, scratch, res);
                self.begin_marked(text);
            }
            b"EMC" => {
                self.marked.pop();
            }
            b"Do" => {
                if let Some(Operand::Name(name)) = ops.last() {
                    self.do_xobject(name.get(content, scratch), res, depth)?;
                }
            }
            _ => {}
        }
        Ok(())
    }

    /// Opens a marked-content sequence (nesting past the graphics-state depth limit keeps no
    /// more ActualText, but still counts so that `EMC`s match).
    fn begin_marked(&mut self, text: Option<String>) {
        let text = text.filter(|_| self.marked.len() < MAX_GSTATE_DEPTH);
        self.marked.push(text.map(|text| ActualText { text, shown: false }));
    }

    /// The `/ActualText` of a `BDC`'s properties: inline (`/Span <</ActualText (…)>> BDC`) or
    /// named in the resources' `/Properties` (`/Span /MC0 BDC`).
    fn actual_text(
        &self,
        ops: &[Operand],
        content: &[u8],
        scratch: &[u8],
        res: Option<&'d Dictionary>,
    ) -> Option<String> {
        if let Some(i) = ops
            .iter()
            .position(|o| matches!(o, Operand::Name(n) if n.get(content, scratch) == b"ActualText"))
        {
            return match ops.get(i + 1) {
                Some(Operand::Str(s)) => Some(text_string(s.get(content, scratch))),
                _ => None,
            };
        }
        let [.., Operand::Name(_), Operand::Name(props)] = ops else {
            return None;
        };
        let doc = self.doc;
        let all = get_dict(doc, res?, b"Properties")?;
        let Object::Dictionary(p) = deref(doc, all.get(props.get(content, scratch)).ok()?) else {
            return None;
        };
        match get(doc, p, b"ActualText") {
            Object::String(s, _) => Some(text_string(s)),
            _ => None,
        }
    }

    pub(super) fn next_line(&mut self, tx: f64, ty: f64) {
        let m = self.tlm.translated(tx, ty);
        if m.finite() {
            self.tlm = m;
            self.tm = m;
        }
    }

    pub(super) fn font(&mut self, res: Option<&'d Dictionary>, name: &[u8]) -> Option<usize> {
        let doc = self.doc;
        let fonts = get_dict(doc, res?, b"Font")?;
        let Object::Dictionary(fd) = deref(doc, fonts.get(name).ok()?) else {
            return None;
        };
        let key = fd as *const Dictionary as usize;
        if let Some(&i) = self.font_index.get(&key) {
            return Some(i);
        }
        self.fonts.push(Font::load(doc, fd));
        let i = self.fonts.len() - 1;
        self.font_index.insert(key, i);
        Some(i)
    }

    pub(super) fn show(&mut self, s: &[u8]) -> Result<(), DocError> {
        let Some(font) = self.gs.font.and_then(|i| self.fonts.get_mut(i)) else {
            return Ok(());
        };
        let gs = self.gs;
        let trm = self.tm.then(gs.ctm).then(self.rot);
        if !trm.finite() {
            return Ok(());
        }
        let size = (trm.c.hypot(trm.d) * gs.size.abs()).max(0.5);
        let upright = trm.a > 0.0 && trm.b.abs() <= 0.05 * trm.a;
        let mut adv = 0.0;
        let mut i = 0;
        while let Some(rest) = s.get(i..).filter(|r| !r.is_empty()) {
            let (code, n) = font.next_code(rest);
            i += n;
            let mark = self.out.text.len();
            let w = font.glyph(code, n, &mut self.out.text);
            match self.marked.iter_mut().find_map(|m| m.as_mut()) {
                // Inside an /ActualText span the span's text replaces its glyphs: the first glyph
                // carries it, the others carry nothing (they still place the run).
                Some(span) => {
                    self.out.text.truncate(mark);
                    if !span.shown {
                        span.shown = true;
                        push_clean(&mut self.out.text, &span.text);
                    }
                }
                None => {
                    if self.out.text.get(mark..).is_none_or(unmapped_text) {
                        self.out.unmapped += 1;
                        // Private-use and control characters are no text for a reader.
                        self.out.text.truncate(mark);
                    }
                }
            }
            let mut tx = w * gs.size + gs.char_spacing;
            if n == 1 && code == 32 {
                tx += gs.word_spacing;
            }
            tx *= gs.h_scale;
            let (x0, y0) = trm.apply(adv, 0.0);
            let (x1, y1) = trm.apply(adv + tx, 0.0);
            adv += tx;
            if !self.out.glyph(mark, x0, y0, x1, y1, size, upright) {
                return Err(DocError::Limit(format!(
                    "more than {MAX_GLYPHS_PER_PAGE} glyphs or {} of text on a page",
                    crate::units::human_size(MAX_PAGE_TEXT as u64)
                )));
            }
        }
        let tm = self.tm.translated(adv, 0.0);
        if tm.finite() {
            self.tm = tm;
        }
        Ok(())
    }

    /// The share of the page the unit square covers through the CTM (an image).
    pub(super) fn coverage(&self) -> f64 {
        let m = self.gs.ctm;
        let pts = [(0.0, 0.0), (1.0, 0.0), (0.0, 1.0), (1.0, 1.0)].map(|(x, y)| m.apply(x, y));
        let [px0, py0, px1, py1] = self.media;
        let x0 = pts.iter().map(|p| p.0).fold(f64::INFINITY, f64::min).max(px0);
        let x1 = pts.iter().map(|p| p.0).fold(f64::NEG_INFINITY, f64::max).min(px1);
        let y0 = pts.iter().map(|p| p.1).fold(f64::INFINITY, f64::min).max(py0);
        let y1 = pts.iter().map(|p| p.1).fold(f64::NEG_INFINITY, f64::max).min(py1);
        let page = (px1 - px0) * (py1 - py0);
        let area = (x1 - x0).max(0.0) * (y1 - y0).max(0.0);
        if page > 0.0 && area.is_finite() {
            (area / page).min(1.0)
        } else {
            0.0
        }
    }

    pub(super) fn do_xobject(
        &mut self,
        name: &[u8],
        res: Option<&'d Dictionary>,
        depth: usize,
    ) -> Result<(), DocError> {
        let doc = self.doc;
        let Some(xobjects) = res.and_then(|r| get_dict(doc, r, b"XObject")) else {
            return Ok(());
        };
        let Ok(entry) = xobjects.get(name) else {
            return Ok(());
        };
        let Ok((id, Object::Stream(stream))) = doc.dereference(entry) else {
            return Ok(());
        };
        match get_name(doc, &stream.dict, b"Subtype") {
            Some(b"Image") => {
                let coverage = self.coverage();
                self.out.image_area += coverage;
                if self.keep_images && self.best_image.is_none_or(|(best, _)| coverage > best) {
                    self.best_image = Some((coverage, stream));
                }
                Ok(())
            }
            Some(b"Form") => self.run_form(stream, id, res, M::ID, depth),
            _ => Ok(()),
        }
    }

    /// Runs a form XObject: its matrix then `fit` then the current CTM; its own resources or the
    /// caller's. Beyond `MAX_FORM_DEPTH`, or when the form is already being drawn, nothing.
    pub(super) fn run_form(
        &mut self,
        form: &'d Stream,
        id: Option<ObjectId>,
        parent_res: Option<&'d Dictionary>,
        fit: M,
        depth: usize,
    ) -> Result<(), DocError> {
        if depth >= MAX_FORM_DEPTH || id.is_some_and(|id| self.forms.contains(&id)) {
            return Ok(());
        }
        let doc = self.doc;
        self.form_draws = self.form_draws.saturating_add(1);
        if self.form_draws > MAX_FORM_DRAWS {
            return Err(DocError::Limit(format!(
                "more than {MAX_FORM_DRAWS} form XObjects drawn on one page"
            )));
        }
        self.charge(FORM_MIN_COST)?;
        let data = self.decode(form)?;
        let m = matrix(doc, &form.dict, b"Matrix").unwrap_or(M::ID);
        let res = get_dict(doc, &form.dict, b"Resources").or(parent_res);

        let (saved_gs, saved_tm, saved_tlm, saved_floor, saved_overflow) =
            (self.gs, self.tm, self.tlm, self.stack_floor, self.stack_overflow);
        let ctm = m.then(fit).then(self.gs.ctm);
        if ctm.finite() {
            self.gs.ctm = ctm;
        }
        self.stack_floor = self.stack.len();
        self.stack_overflow = 0;
        if let Some(id) = id {
            self.forms.push(id);
        }
        let result = self.run(&data, res, depth + 1);
        if id.is_some() {
            self.forms.pop();
        }
        self.stack.truncate(self.stack_floor);
        (self.gs, self.tm, self.tlm, self.stack_floor, self.stack_overflow) =
            (saved_gs, saved_tm, saved_tlm, saved_floor, saved_overflow);
        result
    }
}
