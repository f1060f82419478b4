//! The content-stream tokenizer: numbers, strings (literal and hex), names, arrays and
//! dictionaries as operands, operators, and inline images read past.

use super::MAX_STRING;

/// Bytes of an operand: in the content itself or in the per-operator scratch buffer.
#[derive(Debug, Clone, Copy)]
pub(super) struct Span {
    pub(super) scratch: bool,
    pub(super) start: u32,
    pub(super) end: u32,
}

impl Span {
    pub(super) fn get<'x>(self, content: &'x [u8], scratch: &'x [u8]) -> &'x [u8] {
        let src = if self.scratch { scratch } else { content };
        src.get(self.start as usize..self.end as usize).unwrap_or(&[])
    }
}

#[derive(Debug, Clone, Copy)]
pub(super) enum Operand {
    Num(f64),
    Str(Span),
    Name(Span),
    ArrayOpen,
    ArrayClose,
    Other,
}

pub(super) enum Tok<'c> {
    Operand(Operand),
    Op(&'c [u8]),
}

pub(super) const WS: u8 = 1;
pub(super) const DELIM: u8 = 2;

/// The lexical class of a byte: WS (white space), DELIM (a delimiter) or 0 (regular).
pub(super) const fn class(b: u8) -> u8 {
    match b {
        0 | 9 | 10 | 12 | 13 | 32 => WS,
        b'(' | b')' | b'<' | b'>' | b'[' | b']' | b'{' | b'}' | b'/' | b'%' => DELIM,
        _ => 0,
    }
}

pub(super) fn hex_val(c: u8) -> Option<u8> {
    match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        b'A'..=b'F' => Some(c - b'A' + 10),
        _ => None,
    }
}

/// A number token, leniently (`--5`, `1.2.3`, `.5`, `5.`); NaN when it holds no digit.
pub(super) fn parse_number(t: &[u8]) -> f64 {
    pub(super) const POW10: [f64; 19] = [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18,
    ];
    let mut i = 0;
    let mut neg = false;
    while let Some(&c) = t.get(i) {
        match c {
            b'-' => neg = !neg,
            b'+' => {}
            _ => break,
        }
        i += 1;
    }
    let mut v = 0.0f64;
    let mut digits = false;
    while let Some(&c) = t.get(i) {
        if !c.is_ascii_digit() {
            break;
        }
        v = v * 10.0 + f64::from(c - b'0');
        digits = true;
        i += 1;
    }
    if t.get(i) == Some(&b'.') {
        i += 1;
        let mut frac: u64 = 0;
        let mut n = 0usize;
        while let Some(&c) = t.get(i) {
            if !c.is_ascii_digit() {
                break;
            }
            if n < 18 {
                frac = frac * 10 + u64::from(c - b'0');
                n += 1;
            }
            digits = true;
            i += 1;
        }
        // `n` is at most 18, so POW10 has it.
        if let (true, Some(p)) = (n > 0, POW10.get(n)) {
            v += frac as f64 / p;
        }
    }
    if !digits {
        return f64::NAN;
    }
    if neg {
        -v
    } else {
        v
    }
}

pub(super) struct Lexer<'c> {
    pub(super) b: &'c [u8],
    pub(super) pos: usize,
}

impl<'c> Lexer<'c> {
    pub(super) fn new(b: &'c [u8]) -> Self {
        Lexer { b, pos: 0 }
    }

    pub(super) fn span(start: usize, end: usize, scratch: bool) -> Span {
        Span {
            scratch,
            start: u32::try_from(start).unwrap_or(u32::MAX),
            end: u32::try_from(end).unwrap_or(u32::MAX),
        }
    }

    pub(super) fn regular_run(&mut self) -> &'c [u8] {
        let start = self.pos;
        while let Some(&c) = self.b.get(self.pos) {
            if class(c) != 0 {
                break;
            }
            self.pos += 1;
        }
        self.b.get(start..self.pos).unwrap_or(&[])
    }

    pub(super) fn next(&mut self, scratch: &mut Vec<u8>) -> Option<Tok<'c>> {
        loop {
            let c = *self.b.get(self.pos)?;
            match class(c) {
                WS => {
                    self.pos += 1;
                }
                DELIM => {
                    self.pos += 1;
                    let op = match c {
                        b'%' => {
                            while let Some(&c) = self.b.get(self.pos) {
                                if c == b'\n' || c == b'\r' {
                                    break;
                                }
                                self.pos += 1;
                            }
                            continue;
                        }
                        b'(' => Operand::Str(self.literal(scratch)),
                        b'<' => {
                            if self.b.get(self.pos) == Some(&b'<') {
                                self.pos += 1;
                                Operand::Other
                            } else {
                                Operand::Str(self.hex(scratch))
                            }
                        }
                        b'>' => {
                            if self.b.get(self.pos) == Some(&b'>') {
                                self.pos += 1;
                            }
                            Operand::Other
                        }
                        b'[' => Operand::ArrayOpen,
                        b']' => Operand::ArrayClose,
                        b'/' => Operand::Name(self.name(scratch)),
                        // `{`, `}`, a stray `)`.
                        _ => Operand::Other,
                    };
                    return Some(Tok::Operand(op));
                }
                _ => {
                    let run = self.regular_run();
                    return Some(match run.first() {
                        Some(b'0'..=b'9' | b'+' | b'-' | b'.') => Tok::Operand(Operand::Num(parse_number(run))),
                        _ if matches!(run, b"true" | b"false" | b"null") => Tok::Operand(Operand::Other),
                        _ => Tok::Op(run),
                    });
                }
            }
        }
    }

    /// A literal string after its `(`: a span of the content when it has no escape, else decoded
    /// into `scratch`. At most `MAX_STRING` bytes are kept.
    pub(super) fn literal(&mut self, scratch: &mut Vec<u8>) -> Span {
        let start = self.pos;
        let mut depth = 1usize;
        let mut i = start;
        while let Some(&c) = self.b.get(i) {
            match c {
                b'\\' => break,
                b'(' => depth += 1,
                b')' => {
                    depth -= 1;
                    if depth == 0 {
                        self.pos = i + 1;
                        return Self::span(start, i.min(start + MAX_STRING), false);
                    }
                }
                _ => {}
            }
            i += 1;
        }
        if i >= self.b.len() {
            self.pos = i;
            return Self::span(start, i.min(start + MAX_STRING), false);
        }
        // Escapes: decode into scratch.
        let s0 = scratch.len();
        scratch.extend_from_slice(self.b.get(start..i.min(start + MAX_STRING)).unwrap_or(&[]));
        let push = |scratch: &mut Vec<u8>, b: u8| {
            if scratch.len() - s0 < MAX_STRING {
                scratch.push(b);
            }
        };
        while let Some(&c) = self.b.get(i) {
            i += 1;
            match c {
                b'\\' => {
                    let Some(&e) = self.b.get(i) else { break };
                    i += 1;
                    match e {
                        b'n' => push(scratch, b'\n'),
                        b'r' => push(scratch, b'\r'),
                        b't' => push(scratch, b'\t'),
                        b'b' => push(scratch, 8),
                        b'f' => push(scratch, 12),
                        b'0'..=b'7' => {
                            let mut v = u32::from(e - b'0');
                            for _ in 0..2 {
                                match self.b.get(i) {
                                    Some(&d @ b'0'..=b'7') => {
                                        v = v * 8 + u32::from(d - b'0');
                                        i += 1;
                                    }
                                    _ => break,
                                }
                            }
                            push(scratch, (v & 0xFF) as u8);
                        }
                        b'\r' => {
                            if self.b.get(i) == Some(&b'\n') {
                                i += 1;
                            }
                        }
                        b'\n' => {}
                        other => push(scratch, other),
                    }
                }
                b'(' => {
                    depth += 1;
                    push(scratch, c);
                }
                b')' => {
                    depth -= 1;
                    if depth == 0 {
                        break;
                    }
                    push(scratch, c);
                }
                _ => push(scratch, c),
            }
        }
        self.pos = i;
        Self::span(s0, scratch.len(), true)
    }

    pub(super) fn hex(&mut self, scratch: &mut Vec<u8>) -> Span {
        let s0 = scratch.len();
        let mut half: Option<u8> = None;
        while let Some(&c) = self.b.get(self.pos) {
            self.pos += 1;
            if c == b'>' {
                break;
            }
            let Some(v) = hex_val(c) else { continue };
            match half.take() {
                Some(h) => {
                    if scratch.len() - s0 < MAX_STRING {
                        scratch.push(h << 4 | v);
                    }
                }
                None => half = Some(v),
            }
        }
        if let Some(h) = half {
            if scratch.len() - s0 < MAX_STRING {
                scratch.push(h << 4);
            }
        }
        Self::span(s0, scratch.len(), true)
    }

    pub(super) fn name(&mut self, scratch: &mut Vec<u8>) -> Span {
        let start = self.pos;
        let run = self.regular_run();
        if !run.contains(&b'#') {
            return Self::span(start, self.pos, false);
        }
        let s0 = scratch.len();
        let mut i = 0;
        while let Some(&c) = run.get(i) {
            if c == b'#' {
                if let (Some(h), Some(l)) = (
                    run.get(i + 1).copied().and_then(hex_val),
                    run.get(i + 2).copied().and_then(hex_val),
                ) {
                    scratch.push(h << 4 | l);
                    i += 3;
                    continue;
                }
            }
            scratch.push(c);
            i += 1;
        }
        Self::span(s0, scratch.len(), true)
    }

    /// Skips an inline image after `BI`: its dictionary up to `ID`, then the data up to an `EI`
    /// that stands alone.
    pub(super) fn skip_inline_image(&mut self, scratch: &mut Vec<u8>) {
        loop {
            match self.next(scratch) {
                None => return,
                Some(Tok::Op(b"ID")) => break,
                Some(_) => {}
            }
        }
        if self.b.get(self.pos).is_some_and(|&c| class(c) == WS) {
            self.pos += 1;
        }
        let data_start = self.pos;
        let mut i = data_start;
        while i + 1 < self.b.len() {
            if self.b.get(i) == Some(&b'E')
                && self.b.get(i + 1) == Some(&b'I')
                && (i == data_start || self.b.get(i - 1).is_some_and(|&c| class(c) == WS))
                && self.b.get(i + 2).is_none_or(|&c| class(c) != 0)
            {
                self.pos = i + 2;
                return;
            }
            i += 1;
        }
        self.pos = self.b.len();
    }
}

/// The last `N` operands as numbers (all finite), if they are.
pub(super) fn last_nums<const N: usize>(ops: &[Operand]) -> Option<[f64; N]> {
    let tail = ops.get(ops.len().checked_sub(N)?..)?;
    let mut out = [0.0; N];
    for (slot, o) in out.iter_mut().zip(tail) {
        match o {
            Operand::Num(v) if v.is_finite() => *slot = *v,
            _ => return None,
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_parse_leniently() {
        assert_eq!(parse_number(b"12"), 12.0);
        assert_eq!(parse_number(b"-3.5"), -3.5);
        assert_eq!(parse_number(b".25"), 0.25);
        assert_eq!(parse_number(b"--4"), 4.0);
        assert_eq!(parse_number(b"5."), 5.0);
        assert_eq!(parse_number(b"1.2.3"), 1.2);
        assert!(parse_number(b"-").is_nan());
    }

    #[test]
    fn lexer_tokens() {
        let src = b"/F1 12 Tf (a\\(b\\)c) Tj <4E2D> Tj [(x) -250 (y)] TJ /N#20a Do % comment\nBT";
        let mut lex = Lexer::new(src);
        let mut scratch = Vec::new();
        let mut seen = Vec::new();
        while let Some(t) = lex.next(&mut scratch) {
            seen.push(match t {
                Tok::Op(op) => String::from_utf8_lossy(op).into_owned(),
                Tok::Operand(Operand::Num(n)) => format!("{n}"),
                Tok::Operand(Operand::Str(s) | Operand::Name(s)) => {
                    format!("<{}>", String::from_utf8_lossy(s.get(src, &scratch)))
                }
                Tok::Operand(Operand::ArrayOpen) => "[".into(),
                Tok::Operand(Operand::ArrayClose) => "]".into(),
                Tok::Operand(Operand::Other) => "?".into(),
            });
        }
        assert_eq!(
            seen.join(" "),
            "<F1> 12 Tf <a(b)c> Tj <N-> Tj [ <x> -250 <y> ] TJ <N a> Do BT"
        );
    }

    #[test]
    fn inline_image_is_skipped() {
        let src = b"BI /W 2 /H 2 /CS /G /BPC 8 ID \x00EI\x01 EI Q";
        let mut lex = Lexer::new(src);
        let mut scratch = Vec::new();
        assert!(matches!(lex.next(&mut scratch), Some(Tok::Op(b"BI"))));
        lex.skip_inline_image(&mut scratch);
        assert!(matches!(lex.next(&mut scratch), Some(Tok::Op(b"Q"))));
    }
}
