//! Values as people write them in submission packages: dates, Chinese numerals, bools, percents,
//! durations and years (SPEC §7).
//!
//! Every table cell and every document field passes through here before a check sees it, so the
//! rest of the crate compares typed values (a [`Date`], a month count, a percent on the 0–100
//! scale) and never strings. The same date arrives as an Excel serial, `2021-03-15`, `2021/3/15`,
//! `２０２１年３月１５日`, `2021 年 6 月 16 日` (PDF text) or `二〇二一年三月十五日`; all of them must
//! become the same value, and an impossible one (`2月30日`) must be told apart from "no date here"
//! so that callers can report `value.bad_date`.
//!
//! Nothing here panics on any input: indexing is done with `get`, arithmetic on values that come
//! from input is checked or bounded first, and huge inputs (a 1 MB string, `1e308`) give `None`.
//! The `parse_*` functions read one value (a cell): text longer than 1024 bytes after trimming is
//! no value. [`find_dates`] searches whole documents and takes any length.

use std::fmt;
use std::ops::Range;

use unicode_normalization::UnicodeNormalization;

/// The longest single value (a cell, after trimming) the `parse_*` functions look at. A date,
/// bool, year or duration is a few dozen bytes and an f64 written out in full about 400; longer
/// text is not a value, and refusing it early keeps a 1 MB cell from costing a full NFKC pass
/// per attempted reading.
const MAX_VALUE_BYTES: usize = 1024;

/// `s` trimmed, or `None` when it is too long to be a single value (see [`MAX_VALUE_BYTES`]).
fn bounded(s: &str) -> Option<&str> {
    let t = s.trim();
    (t.len() <= MAX_VALUE_BYTES).then_some(t)
}

/// The first year a [`Date`] may have.
const MIN_YEAR: i32 = 1000;
/// The last year a [`Date`] may have.
const MAX_YEAR: i32 = 9999;

/// A calendar date (proleptic Gregorian), years 1000..=9999.
///
/// Ordered chronologically; printed and serialized as ISO `YYYY-MM-DD` (SPEC §9: "dates ISO
/// `YYYY-MM-DD` strings").
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    year: i32,
    month: u32,
    day: u32,
}

impl Date {
    /// The date `year-month-day`, or `None` when no such day exists (2021-02-29, a 13th month,
    /// day 0) or the year is outside 1000..=9999.
    pub fn new(year: i32, month: u32, day: u32) -> Option<Date> {
        let valid = (MIN_YEAR..=MAX_YEAR).contains(&year)
            && (1..=12).contains(&month)
            && day >= 1
            && day <= days_in_month(year, month);
        valid.then_some(Date { year, month, day })
    }

    /// The date an ISO `YYYY-MM-DD` string names (exactly that shape, as [`Date`] prints), or
    /// `None`.
    pub fn parse_iso(s: &str) -> Option<Date> {
        let b = s.as_bytes();
        let shaped = b.len() == 10
            && b.iter().enumerate().all(|(i, c)| {
                if i == 4 || i == 7 {
                    *c == b'-'
                } else {
                    c.is_ascii_digit()
                }
            });
        if !shaped {
            return None;
        }
        Date::new(
            s.get(0..4)?.parse().ok()?,
            s.get(5..7)?.parse().ok()?,
            s.get(8..10)?.parse().ok()?,
        )
    }

    /// The year, 1000..=9999.
    pub fn year(self) -> i32 {
        self.year
    }

    /// The month, 1..=12.
    pub fn month(self) -> u32 {
        self.month
    }

    /// The day of the month, 1..=31.
    pub fn day(self) -> u32 {
        self.day
    }

    /// The date `n` calendar months later (earlier for a negative `n`), with the day clamped to
    /// the end of the target month; `None` when the result leaves years 1000..=9999.
    pub fn add_months(self, n: i32) -> Option<Date> {
        // SPEC §7: "months: `add_months(2021-08-31, 6)` = 2022-02-28 (clamp to month end)".
        // i64 cannot overflow here: |year·12| < 2^17 and |n| < 2^31.
        let total = i64::from(self.year) * 12 + i64::from(self.month) - 1 + i64::from(n);
        let year = i32::try_from(total.div_euclid(12)).ok()?;
        let month = u32::try_from(total.rem_euclid(12) + 1).ok()?;
        if !(MIN_YEAR..=MAX_YEAR).contains(&year) {
            return None;
        }
        Date::new(year, month, self.day.min(days_in_month(year, month)))
    }

    /// The date of an Excel serial number; the fractional part (the time of day) is ignored.
    ///
    /// 1900 system (`date1904 = false`): serial 1 is 1900-01-01 and Excel's inherited Lotus bug
    /// counts a 1900-02-29 that never was (serial 60, which gives `None`): 59 is 1900-02-28 and
    /// 61 is 1900-03-01. 1904 system: serial 0 is 1904-01-01. Negative, NaN, infinite or
    /// past-9999 serials give `None`.
    pub fn from_excel_serial(serial: f64, date1904: bool) -> Option<Date> {
        // SPEC §7: "dates: Excel serials (1900 and 1904 systems)".
        if !serial.is_finite() {
            return None;
        }
        let whole = serial.floor();
        // 9999-12-31 is serial 2 958 465; the bound keeps the cast and the arithmetic small.
        if !(0.0..=3_000_000.0).contains(&whole) {
            return None;
        }
        let serial = whole as i64;
        let days = if date1904 {
            days_from_civil(1904, 1, 1) + serial
        } else if serial < 1 || serial == 60 {
            // Serial 0 is Excel's "1900-01-00"; serial 60 is the Lotus 1900-02-29.
            return None;
        } else if serial < 60 {
            days_from_civil(1899, 12, 31) + serial
        } else {
            days_from_civil(1899, 12, 30) + serial
        };
        let (y, m, d) = civil_from_days(days);
        Date::new(i32::try_from(y).ok()?, u32::try_from(m).ok()?, u32::try_from(d).ok()?)
    }

    /// The Excel serial of this date, the inverse of [`Date::from_excel_serial`]. Dates before the
    /// system's first day (1900-01-01 or 1904-01-01) give serials Excel cannot show (≤ 0).
    pub fn to_excel_serial(self, date1904: bool) -> f64 {
        let serial = if date1904 {
            self.days_since_epoch() - days_from_civil(1904, 1, 1)
        } else {
            let d = self.days_since_epoch() - days_from_civil(1899, 12, 30);
            // Before the Lotus 1900-02-29 every serial is one less than the true day count.
            if d <= 60 {
                d - 1
            } else {
                d
            }
        };
        serial as f64
    }

    /// Days since 1970-01-01 (negative before it), for comparing dates and taking differences.
    pub fn days_since_epoch(self) -> i64 {
        days_from_civil(i64::from(self.year), i64::from(self.month), i64::from(self.day))
    }
}

impl fmt::Display for Date {
    /// ISO `YYYY-MM-DD`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

impl serde::Serialize for Date {
    /// As the ISO `YYYY-MM-DD` string.
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for Date {
    /// From the ISO `YYYY-MM-DD` string.
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Date::parse_iso(&s).ok_or_else(|| serde::de::Error::custom(format!("{s:?} is not an ISO date")))
    }
}

/// Whether `year` is a Gregorian leap year.
fn is_leap(year: i32) -> bool {
    year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
}

/// The number of days of `month` (1..=12) in `year`; 0 for a month that does not exist.
fn days_in_month(year: i32, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap(year) => 29,
        2 => 28,
        _ => 0,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's `days_from_civil`).
/// Only called with small values (|year| < 10 000), so the arithmetic cannot overflow.
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The inverse of [`days_from_civil`]: `(year, month, day)` of a day count since 1970-01-01
/// (H. Hinnant's `civil_from_days`); saturating, so any count gives a date.
pub(crate) fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days.saturating_add(719_468);
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe.saturating_add(era.saturating_mul(400)) + i64::from(month <= 2);
    (year, month, day)
}

/// What a piece of text says about a date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateParse {
    /// A real calendar day.
    Date(Date),
    /// Written like a date, but no such day exists (`2021年2月30日`, `2021-13-01`, a year outside
    /// 1000..=9999). SPEC §7: "An impossible date (2月30日) is not a date: finding `value.bad_date`".
    Impossible {
        /// The year as written.
        year: i32,
        /// The month as written.
        month: u32,
        /// The day as written.
        day: u32,
    },
    /// Not written like a date at all.
    NotADate,
}

/// One non-space character of a text, folded (full-width ASCII → ASCII), with its byte range in
/// the original text.
#[derive(Debug, Clone, Copy)]
struct Tok {
    c: char,
    start: usize,
    end: usize,
}

/// Characters dropped before dates are matched: all white space (line breaks, U+3000, NBSP) and
/// the invisible zero-width characters PDF text layers carry.
fn is_ignorable(c: char) -> bool {
    c.is_whitespace() || matches!(c, '\u{200B}' | '\u{200C}' | '\u{200D}' | '\u{2060}' | '\u{FEFF}')
}

/// Full-width ASCII (U+FF01..U+FF5E: `２０２１`, `－`, `／`, `．`, `Ｏ`) → ASCII; other characters
/// unchanged. A one-character NFKC for exactly the characters dates are written with, so that
/// every folded character keeps its own byte range.
fn fold(c: char) -> char {
    match u32::from(c) {
        code @ 0xFF01..=0xFF5E => char::from_u32(code - 0xFEE0).unwrap_or(c),
        _ => c,
    }
}

/// The text as date-matching sees it. SPEC §6: "the patterns below are matched on the text with
/// all whitespace (line breaks included) removed — PDF producers put spaces in `2021 年 6 月 16 日`
/// and break lines inside dates".
fn tokens(text: &str) -> Vec<Tok> {
    text.char_indices()
        .filter(|&(_, c)| !is_ignorable(c))
        .map(|(start, c)| Tok {
            c: fold(c),
            start,
            end: start + c.len_utf8(),
        })
        .collect()
}

/// The character at `i`, if any.
fn at(st: &[Tok], i: usize) -> Option<char> {
    st.get(i).map(|t| t.c)
}

/// Whether the character at `i` is an ASCII digit (false past the end).
fn digit_at(st: &[Tok], i: usize) -> bool {
    at(st, i).is_some_and(|c| c.is_ascii_digit())
}

/// 一…九 → 1…9.
fn cn_nonzero_digit(c: char) -> Option<u32> {
    Some(match c {
        '一' => 1,
        '二' => 2,
        '三' => 3,
        '四' => 4,
        '五' => 5,
        '六' => 6,
        '七' => 7,
        '八' => 8,
        '九' => 9,
        _ => return None,
    })
}

/// A digit of a year written digit by digit (`二〇二一`). SPEC §7: "Chinese-numeral dates with
/// 〇 ○ 零 O as zero"; also ◯ (U+25EF), the lower-case `o` and the ASCII `0` that typists mix in
/// (`二0二一`). Full-width `Ｏ`/`ｏ` arrive here already folded.
fn cn_year_digit(c: char) -> Option<u32> {
    match c {
        '〇' | '○' | '◯' | '零' | 'O' | 'o' | '0' => Some(0),
        _ => cn_nonzero_digit(c),
    }
}

/// Characters that make a Chinese numeral run on: a Chinese-numeral year must not start right
/// after one of them.
fn is_cn_numeral_char(c: char) -> bool {
    cn_nonzero_digit(c).is_some() || matches!(c, '〇' | '○' | '◯' | '零' | '十' | '百' | '千' | '万' | '两')
}

/// A month or day in Chinese numerals: 一…九, 十, 十X, X十, X十Y.
fn small_cn(run: &[char]) -> Option<u32> {
    match run {
        ['十'] => Some(10),
        [a] => cn_nonzero_digit(*a),
        ['十', b] => Some(10 + cn_nonzero_digit(*b)?),
        [a, '十'] => Some(cn_nonzero_digit(*a)? * 10),
        [a, '十', b] => Some(cn_nonzero_digit(*a)? * 10 + cn_nonzero_digit(*b)?),
        _ => None,
    }
}

/// 1 to `max` ASCII digits starting at `i`, not running on into a further digit:
/// `(value, index after the digits)`.
fn ascii_number(st: &[Tok], i: usize, max: usize) -> Option<(u32, usize)> {
    let mut value = 0u32;
    let mut j = i;
    while let Some(d) = at(st, j).and_then(|c| c.to_digit(10)) {
        if j - i == max {
            return None; // runs on into one more digit
        }
        value = value * 10 + d; // at most `max` (≤ 4) digits: no overflow
        j += 1;
    }
    (j > i).then_some((value, j))
}

/// A month or day: one or two ASCII digits, or a Chinese numeral up to 三十一.
fn date_part(st: &[Tok], i: usize) -> Option<(u32, usize)> {
    if digit_at(st, i) {
        return ascii_number(st, i, 2);
    }
    let mut run = Vec::with_capacity(3);
    let mut j = i;
    while let Some(c) = at(st, j).filter(|&c| c == '十' || cn_nonzero_digit(c).is_some()) {
        if run.len() == 3 {
            return None;
        }
        run.push(c);
        j += 1;
    }
    Some((small_cn(&run)?, j))
}

/// The result for the parts of a date-shaped text.
fn classify(year: u32, month: u32, day: u32) -> DateParse {
    // A year of four digits always fits an i32.
    let year = i32::try_from(year).unwrap_or(i32::MAX);
    match Date::new(year, month, day) {
        Some(d) => DateParse::Date(d),
        None => DateParse::Impossible { year, month, day },
    }
}

/// `M月D日` (or `D号`) after the `年` of a year: the end index and the result.
fn month_day_cn(st: &[Tok], i: usize, year: u32) -> Option<(usize, DateParse)> {
    let (month, j) = date_part(st, i)?;
    if at(st, j)? != '月' {
        return None;
    }
    let (day, k) = date_part(st, j + 1)?;
    if !matches!(at(st, k)?, '日' | '号') {
        return None;
    }
    Some((k + 1, classify(year, month, day)))
}

/// The date that starts at token `i`, if one does: the index after it and the result.
///
/// SPEC §7 forms: "`2021-03-15`, `2021/3/15`, `2021.3.15`, `2021年3月15日`, full-width digits,
/// and Chinese-numeral dates with 〇 ○ 零 O as zero (`二〇二一年三月十五日`)". Year-month forms
/// (`2021年3月`) are not dates: a day is required.
fn date_at(st: &[Tok], i: usize) -> Option<(usize, DateParse)> {
    let first = at(st, i)?;
    if first.is_ascii_digit() {
        // SPEC §6: "a number or date pattern must not run on into a following digit".
        let (year, j) = ascii_number(st, i, 4)?;
        if j - i != 4 {
            return None;
        }
        match at(st, j)? {
            '年' => month_day_cn(st, j + 1, year),
            sep @ ('-' | '/' | '.') => {
                // `1.2021.3.15` and `2021.3.15.2` are version or section numbers, not dates.
                let prev = i.checked_sub(1).and_then(|p| at(st, p));
                let before_prev = i.checked_sub(2).is_some_and(|p| digit_at(st, p));
                if prev == Some(sep) && before_prev {
                    return None;
                }
                let (month, k) = ascii_number(st, j + 1, 2)?;
                if at(st, k)? != sep {
                    return None;
                }
                let (day, end) = ascii_number(st, k + 1, 2)?;
                if at(st, end) == Some(sep) && digit_at(st, end + 1) {
                    return None;
                }
                Some((end, classify(year, month, day)))
            }
            _ => None,
        }
    } else {
        // A Chinese-numeral year: four digits, the first one not zero.
        cn_nonzero_digit(first)?;
        let mut year = 0u32;
        for k in 0..4 {
            year = year * 10 + cn_year_digit(at(st, i + k)?)?;
        }
        if at(st, i + 4)? != '年' {
            return None;
        }
        month_day_cn(st, i + 5, year)
    }
}

/// Whether a date may start at token `i`: it must not continue a number written before it.
fn may_start(st: &[Tok], i: usize) -> bool {
    let prev = i.checked_sub(1).and_then(|p| at(st, p));
    match at(st, i) {
        Some(c) if c.is_ascii_digit() => !prev.is_some_and(|p| p.is_ascii_digit()),
        Some(c) if cn_nonzero_digit(c).is_some() => !prev.is_some_and(is_cn_numeral_char),
        _ => false,
    }
}

/// The whole token stream as exactly one date.
fn exact_date(text: &str) -> DateParse {
    let st = tokens(text);
    match date_at(&st, 0) {
        Some((end, parsed)) if end == st.len() => parsed,
        _ => DateParse::NotADate,
    }
}

/// Whether `s` is a time of day as spreadsheets print it after a date: `H:MM`, `H:MM:SS`,
/// `H:MM:SS.fff`.
fn is_time_of_day(s: &str) -> bool {
    let mut parts = s.split(':');
    let hour = parts.next().unwrap_or("");
    let minute = parts.next().unwrap_or("");
    let second = parts.next();
    fn all_digits(p: &str, lens: Range<usize>) -> bool {
        lens.contains(&p.len()) && p.bytes().all(|b| b.is_ascii_digit())
    }
    let second_ok = second.is_none_or(|sec| {
        let (whole, frac) = sec.split_once('.').unwrap_or((sec, "0"));
        all_digits(whole, 2..3) && all_digits(frac, 1..10)
    });
    parts.next().is_none() && all_digits(hour, 1..3) && all_digits(minute, 2..3) && second_ok
}

/// Reads a date written in any form of SPEC §7: `2021-03-15`, `2021/3/15`, `2021.3.15`,
/// `2021年3月15日` (also `2021年3月15号`), with optional spaces anywhere (`2021 年 6 月 16 日`),
/// full-width digits, and Chinese-numeral dates with 〇 ○ 零 O as zero (`二〇二一年三月十五日`,
/// `二零二一年十二月三十一日`).
///
/// The whole trimmed text must be the date (use [`find_dates`] to search running text); a time
/// of day after it (`2021-03-15 00:00:00`, `2021/3/15 8:30`, `2021-03-15T08:30`) is allowed
/// and ignored. A number alone (an Excel serial) is [`DateParse::NotADate`]: serials go through
/// [`Date::from_excel_serial`]. Impossible dates (`2月30日`, `13月`) are
/// [`DateParse::Impossible`] with the parts as written.
pub fn parse_date(s: &str) -> DateParse {
    let Some(s) = bounded(s) else {
        return DateParse::NotADate;
    };
    let whole = exact_date(s);
    if whole != DateParse::NotADate {
        return whole;
    }
    let split = s.rsplit_once(char::is_whitespace).or_else(|| s.rsplit_once('T'));
    match split {
        Some((date, time)) if is_time_of_day(time.trim()) => exact_date(date),
        _ => DateParse::NotADate,
    }
}

/// Finds every date written in `text` (the forms of [`parse_date`], anywhere in running text), in
/// order, with the byte range of each in `text`; the range runs from the date's first character
/// to its last, spaces inside it included.
///
/// Spaces and line breaks are ignored everywhere, as SPEC §6 asks ("matched on the text with all
/// whitespace (line breaks included) removed … a number or date pattern must not run on into a
/// following digit"): in `12021年3月15日` no date starts at `2021`, and a digit separated by a
/// space still runs on. Impossible dates are returned as [`DateParse::Impossible`] so callers
/// can report them; year-month forms (`2021年3月`) are not dates.
pub fn find_dates(text: &str) -> Vec<(Range<usize>, DateParse)> {
    let st = tokens(text);
    let mut found = Vec::new();
    let mut i = 0;
    while i < st.len() {
        if may_start(&st, i) {
            if let Some((end, parsed)) = date_at(&st, i) {
                let range = st
                    .get(i)
                    .map(|t| t.start)
                    .zip(end.checked_sub(1).and_then(|e| st.get(e)).map(|t| t.end));
                if let Some((start, stop)) = range {
                    found.push((start..stop, parsed));
                }
                i = end.max(i + 1);
                continue;
            }
        }
        i += 1;
    }
    found
}

/// SPEC §7 bool: `是 有 已 已完成 Y Yes √ ✓ 1 true` → true; `否 无 未 未完成 N No × ✗ 0 false` → false
/// (case-insensitive for Latin letters, trimmed, NFKC so full-width `Ｙ` works). Also ✔ → true
/// and ✘ ✕ → false. Empty or anything else → `None` (SPEC §7: "empty → missing").
pub fn parse_bool(s: &str) -> Option<bool> {
    let s = bounded(s)?;
    let t = normalize_text(s).to_lowercase();
    match t.as_str() {
        "是" | "有" | "已" | "已完成" | "y" | "yes" | "√" | "✓" | "✔" | "1" | "true" => Some(true),
        "否" | "无" | "未" | "未完成" | "n" | "no" | "×" | "✗" | "✘" | "✕" | "0" | "false" => Some(false),
        _ => None,
    }
}

/// One element of a Chinese numeral.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum CnTok {
    /// A digit 1–9, or a run of ASCII digits (`3万`).
    Num(u64),
    /// 零 〇 ○: a gap in the places (`一百零五`).
    Zero,
    /// 十 百 千 (拾 佰 仟).
    Small(u64),
    /// 万 亿 (萬 億).
    Big(u64),
}

/// The value of one Chinese digit, ordinary or financial (SPEC §7: "Chinese numerals incl. 两 and
/// financial numerals (零壹贰叁肆伍陆柒捌玖拾佰仟)").
fn cn_digit(c: char) -> Option<u64> {
    Some(match c {
        '零' | '〇' | '○' | '◯' => 0,
        '一' | '壹' => 1,
        '二' | '贰' | '貳' | '两' | '兩' => 2,
        '三' | '叁' | '參' => 3,
        '四' | '肆' => 4,
        '五' | '伍' => 5,
        '六' | '陆' | '陸' => 6,
        '七' | '柒' => 7,
        '八' | '捌' => 8,
        '九' | '玖' => 9,
        _ => return None,
    })
}

/// The elements of a Chinese numeral, or `None` for a character that is not part of one.
fn cn_tokens(t: &str) -> Option<Vec<CnTok>> {
    let mut out = Vec::new();
    let mut chars = t.chars().peekable();
    while let Some(c) = chars.next() {
        let tok = if let Some(d) = c.to_digit(10).filter(|_| c.is_ascii_digit()) {
            let mut v = u64::from(d);
            while let Some(d) = chars.peek().filter(|c| c.is_ascii_digit()).and_then(|c| c.to_digit(10)) {
                v = v.checked_mul(10)?.checked_add(u64::from(d))?;
                chars.next();
            }
            CnTok::Num(v)
        } else {
            match c {
                '十' | '拾' => CnTok::Small(10),
                '百' | '佰' => CnTok::Small(100),
                '千' | '仟' => CnTok::Small(1000),
                '万' | '萬' => CnTok::Big(10_000),
                '亿' | '億' => CnTok::Big(100_000_000),
                _ => match cn_digit(c)? {
                    0 => CnTok::Zero,
                    d => CnTok::Num(d),
                },
            }
        };
        out.push(tok);
    }
    Some(out)
}

/// Chinese numerals incl. 两 and financial numerals (零壹贰叁肆伍陆柒捌玖拾佰仟, also 〇, 百 千 万
/// 亿): `十二`, `二十四`, `一百零五`, `两千`, `壹仟贰佰`; the colloquial `两千五` (2500) and
/// `一万五` (15 000); digit-by-digit `二〇二一`; plain ASCII or full-width digit strings, also
/// mixed with units (`3万`). `None` for anything else or on overflow of `u64`.
pub fn parse_cn_integer(s: &str) -> Option<u64> {
    let s = bounded(s)?;
    let t = normalize_text(s);
    if t.is_empty() {
        return None;
    }
    if t.bytes().all(|b| b.is_ascii_digit()) {
        return t.parse().ok();
    }
    // Digit by digit, no units: 二〇二一.
    if t.chars().count() >= 2 && t.chars().all(|c| cn_digit(c).is_some()) {
        return t
            .chars()
            .try_fold(0u64, |acc, c| acc.checked_mul(10)?.checked_add(cn_digit(c)?));
    }
    let toks = cn_tokens(&t)?;
    let mut total = 0u64; // the parts closed by 万 / 亿
    let mut section = 0u64; // the part below the next 万 / 亿
    let mut pending: Option<u64> = None; // a digit waiting for its unit
    let mut last_small = 0u64; // the last 十/百/千 of the section (0: none yet)
    let mut last_big = 0u64; // the last 万/亿 seen
    let mut wan_open = false; // a 万 since the last 亿
    let mut zero_gap = false; // a 零 since the last unit
    for tok in toks {
        match tok {
            CnTok::Num(v) => {
                if pending.is_some() {
                    return None; // 一二 inside a numeral with units
                }
                pending = Some(v);
            }
            CnTok::Zero => {
                if pending.is_some() {
                    return None;
                }
                zero_gap = true;
            }
            CnTok::Small(unit) => {
                if last_small != 0 && unit >= last_small {
                    return None; // 十百: units must decrease
                }
                // 十二: a leading 十 means 一十.
                let n = match pending.take() {
                    Some(n) => n,
                    None if unit == 10 => 1,
                    None => return None,
                };
                section = section.checked_add(n.checked_mul(unit)?)?;
                last_small = unit;
                zero_gap = false;
            }
            CnTok::Big(unit) => {
                let part = section.checked_add(pending.take().unwrap_or(0))?;
                if part == 0 && total == 0 {
                    return None; // 万 with nothing before it
                }
                if unit == 10_000 {
                    if wan_open {
                        return None;
                    }
                    total = total.checked_add(part.checked_mul(unit)?)?;
                    wan_open = true;
                } else {
                    total = total.checked_add(part)?.checked_mul(unit)?;
                    wan_open = false;
                }
                section = 0;
                last_small = 0;
                last_big = unit;
                zero_gap = false;
            }
        }
    }
    if let Some(n) = pending {
        if !zero_gap && last_small >= 100 {
            // 两千五 = 2500: a last digit right after 百 / 千 counts one place lower.
            section = section.checked_add(n.checked_mul(last_small / 10)?)?;
        } else if !zero_gap && last_small == 0 && section == 0 && last_big != 0 {
            // 一万五 = 15 000.
            total = total.checked_add(n.checked_mul(last_big / 10)?)?;
        } else {
            section = section.checked_add(n)?;
        }
    }
    total.checked_add(section)
}

/// A plain decimal: optional sign, digits with optional `,` thousands separators between groups of
/// three, optional fraction. Input already NFKC-normalised and trimmed.
fn plain_decimal(t: &str) -> Option<f64> {
    let (negative, body) = match t.chars().next() {
        Some('-' | '−') => (true, t.get(t.chars().next().map_or(0, char::len_utf8)..)?),
        Some('+') => (false, t.get(1..)?),
        _ => (false, t),
    };
    let (int, frac) = body.split_once('.').unwrap_or((body, ""));
    let digits = |p: &str| p.bytes().all(|b| b.is_ascii_digit());
    let int_ok = if int.contains(',') {
        let mut groups = int.split(',');
        let first = groups.next().unwrap_or("");
        (1..=3).contains(&first.len()) && digits(first) && groups.all(|g| g.len() == 3 && digits(g))
    } else {
        digits(int)
    };
    if !int_ok || !digits(frac) || (int.is_empty() && frac.is_empty()) {
        return None;
    }
    let mut clean = String::with_capacity(body.len() + 2);
    if negative {
        clean.push('-');
    }
    clean.extend(int.chars().filter(|&c| c != ','));
    if !frac.is_empty() {
        clean.push('.');
        clean.push_str(frac);
    }
    let v: f64 = clean.parse().ok()?;
    // `+ 0.0` turns -0 into 0.
    v.is_finite().then_some(v + 0.0)
}

/// A decimal number as written in tables and texts: optional sign, thousands separators between
/// groups of three digits (`1,268.40`, also full-width `，`), full-width digits, surrounding
/// spaces, a leading `¥`/`￥`, and an optional trailing unit that is stripped (not scaled): `元`,
/// `万元`, also `元整`; Chinese numerals through [`parse_cn_integer`] (SPEC §7 "numbers").
/// Text with other letters → `None`.
pub fn parse_number(s: &str) -> Option<f64> {
    let s = bounded(s)?;
    let t = normalize_text(s);
    let t = t.strip_suffix('整').unwrap_or(&t).trim_end();
    let t = t
        .strip_suffix("万元")
        .or_else(|| t.strip_suffix('元'))
        .unwrap_or(t)
        .trim();
    let t = t.strip_prefix('¥').map_or(t, str::trim_start);
    if t.is_empty() {
        return None;
    }
    plain_decimal(t).or_else(|| parse_cn_integer(t).map(|n| n as f64))
}

/// Keeps values in 0..=100 and rounds them to 2 decimals.
fn percent_value(p: f64) -> Option<f64> {
    (p.is_finite() && (0.0..=100.0).contains(&p)).then(|| (p * 100.0).round() / 100.0 + 0.0)
}

/// SPEC §7 percent ("`85%`, `85％`, `85`, `0.85` (≤ 1 means a ratio)") on the 0–100 scale, rounded
/// to 2 decimals: `85%`, `85％`, `85`, `85.5 %`, `百分之八十五` → 85 (85.5); a bare value ≤ 1 is a
/// ratio (`0.85` → 85, `1` → 100), but an explicit percent sign always means percent (`1%` → 1).
/// Below 0 or above 100 after conversion → `None`.
pub fn parse_percent(s: &str) -> Option<f64> {
    let s = bounded(s)?;
    let t: String = normalize_text(s).chars().filter(|c| !c.is_whitespace()).collect();
    if let Some(rest) = t.strip_prefix("百分之") {
        let p = plain_decimal(rest).or_else(|| parse_cn_integer(rest).map(|n| n as f64))?;
        return percent_value(p);
    }
    if let Some(rest) = t.strip_suffix('%') {
        return percent_value(plain_decimal(rest)?);
    }
    percent_from_number(plain_decimal(&t)?)
}

/// SPEC §7 percent for a numeric cell (Excel stores 85% as 0.85): a value ≤ 1 is a ratio and is
/// multiplied by 100; rounded to 2 decimals; outside 0..=100 → `None`.
pub fn percent_from_number(v: f64) -> Option<f64> {
    if !v.is_finite() || v < 0.0 {
        return None;
    }
    percent_value(if v <= 1.0 { v * 100.0 } else { v })
}

/// A count of something (years or months) written in ASCII or Chinese numerals; decimals allowed.
fn count(t: &str) -> Option<f64> {
    if t.is_empty() {
        return None;
    }
    plain_decimal(t)
        .or_else(|| parse_cn_integer(t).map(|n| n as f64))
        .filter(|v| *v >= 0.0)
}

/// A non-negative whole number of months as `u32`, `None` for fractions and overflow.
fn whole_months(v: f64) -> Option<u32> {
    let r = v.round();
    ((v - r).abs() < 1e-9 && (0.0..=f64::from(u32::MAX)).contains(&r)).then_some(r as u32)
}

/// Months from a duration text: `24个月`, `24月`, `2年` (24), `两年`, `二十四个月`, `一年半` (18),
/// `1.5年` (18), `半年` (6), `2年6个月` (30); full-width digits and spaces allowed. `None`
/// otherwise, and for a fractional number of months.
pub fn parse_months(s: &str) -> Option<u32> {
    let s = bounded(s)?;
    let t: String = normalize_text(s).chars().filter(|c| !c.is_whitespace()).collect();
    if t == "半年" {
        return Some(6);
    }
    let (years, rest) = match t.split_once('年') {
        Some((y, rest)) => {
            let (half, rest) = match rest.strip_prefix('半') {
                Some(r) => (6, r),
                None => (0, rest),
            };
            let years = whole_months(count(y)? * 12.0)?.checked_add(half)?;
            if rest.is_empty() {
                return Some(years);
            }
            (years, rest)
        }
        None => (0, t.as_str()),
    };
    let rest = rest.strip_prefix('零').unwrap_or(rest);
    let n = rest
        .strip_suffix("个月")
        .or_else(|| rest.strip_suffix("個月"))
        .or_else(|| rest.strip_suffix('月'))?;
    years.checked_add(whole_months(count(n)?)?)
}

/// An integer year: `2021`, `2021年`, `2021年度`, `2021.0`, `二〇二一年`, `二〇二一`, full-width
/// digits (SPEC §5 `evaluation_year`: "integer year (`2021`, `2021年`, `2021.0`)"); a year
/// outside 1000..=9999 → `None`.
pub fn parse_year(s: &str) -> Option<i32> {
    let s = bounded(s)?;
    let t: String = normalize_text(s).chars().filter(|c| !c.is_whitespace()).collect();
    let t = t.strip_suffix("年度").or_else(|| t.strip_suffix('年')).unwrap_or(&t);
    let first = t.chars().next()?;
    let year: u64 = if t.chars().count() == 4 && cn_nonzero_digit(first).is_some() {
        // 二〇二一, also with O / o / 0 as zero.
        t.chars()
            .try_fold(0u64, |acc, c| Some(acc * 10 + u64::from(cn_year_digit(c)?)))?
    } else if first.is_ascii_digit() {
        let (int, frac) = t.split_once('.').unwrap_or((t, ""));
        if !frac.bytes().all(|b| b == b'0') || !int.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        int.parse().ok()?
    } else {
        parse_cn_integer(t)?
    };
    i32::try_from(year).ok().filter(|y| (MIN_YEAR..=MAX_YEAR).contains(y))
}

/// NFKC (full-width → half-width) then trimmed; used for every text value (SPEC §9: "text as
/// written (NFKC, trimmed)").
pub fn normalize_text(s: &str) -> String {
    let n: String = s.nfkc().collect();
    let trimmed = n.trim();
    if trimmed.len() == n.len() {
        n
    } else {
        trimmed.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> Date {
        Date::new(y, m, day).unwrap_or_else(|| panic!("test date {y}-{m}-{day} is real"))
    }

    fn date(s: &str) -> Option<Date> {
        match parse_date(s) {
            DateParse::Date(x) => Some(x),
            _ => None,
        }
    }

    // ---- Date ----

    #[test]
    fn new_accepts_leap_day_of_leap_years_only() {
        assert!(Date::new(2020, 2, 29).is_some());
        assert!(Date::new(2000, 2, 29).is_some());
        assert!(Date::new(2021, 2, 29).is_none());
        assert!(Date::new(1900, 2, 29).is_none());
        assert!(Date::new(2100, 2, 29).is_none());
    }

    #[test]
    fn new_rejects_impossible_parts_and_years_out_of_range() {
        assert!(Date::new(2021, 13, 1).is_none());
        assert!(Date::new(2021, 0, 1).is_none());
        assert!(Date::new(2021, 1, 0).is_none());
        assert!(Date::new(2021, 4, 31).is_none());
        assert!(Date::new(999, 1, 1).is_none());
        assert!(Date::new(10_000, 1, 1).is_none());
        assert!(Date::new(1000, 1, 1).is_some());
        assert!(Date::new(9999, 12, 31).is_some());
        assert!(Date::new(i32::MIN, u32::MAX, u32::MAX).is_none());
    }

    #[test]
    fn accessors_return_the_parts() {
        let x = d(2021, 3, 15);
        assert_eq!((x.year(), x.month(), x.day()), (2021, 3, 15));
    }

    #[test]
    fn display_and_serialize_are_iso() {
        assert_eq!(d(2021, 3, 5).to_string(), "2021-03-05");
        assert_eq!(
            serde_json::to_string(&d(2021, 3, 5)).ok().as_deref(),
            Some("\"2021-03-05\"")
        );
    }

    #[test]
    fn ordering_is_chronological() {
        assert!(d(2021, 3, 15) < d(2021, 3, 16));
        assert!(d(2021, 2, 28) < d(2021, 3, 1));
        assert!(d(2020, 12, 31) < d(2021, 1, 1));
    }

    #[test]
    fn days_since_epoch_counts_days() {
        assert_eq!(d(1970, 1, 1).days_since_epoch(), 0);
        assert_eq!(d(2000, 3, 1).days_since_epoch() - d(2000, 2, 28).days_since_epoch(), 2);
        assert_eq!(d(2021, 1, 1).days_since_epoch() - d(2020, 1, 1).days_since_epoch(), 366);
        assert_eq!(d(1969, 12, 31).days_since_epoch(), -1);
    }

    #[test]
    fn add_months_clamps_to_month_end() {
        // SPEC §7: add_months(2021-08-31, 6) = 2022-02-28.
        assert_eq!(d(2021, 8, 31).add_months(6), Some(d(2022, 2, 28)));
        assert_eq!(d(2020, 1, 31).add_months(1), Some(d(2020, 2, 29)));
        assert_eq!(d(2021, 1, 31).add_months(3), Some(d(2021, 4, 30)));
        assert_eq!(d(2021, 12, 31).add_months(12), Some(d(2022, 12, 31)));
        assert_eq!(d(2021, 12, 15).add_months(1), Some(d(2022, 1, 15)));
        assert_eq!(d(2021, 3, 15).add_months(0), Some(d(2021, 3, 15)));
    }

    #[test]
    fn add_months_goes_back_for_negative_n() {
        assert_eq!(d(2022, 3, 31).add_months(-1), Some(d(2022, 2, 28)));
        assert_eq!(d(2021, 1, 15).add_months(-1), Some(d(2020, 12, 15)));
        assert_eq!(d(2021, 3, 31).add_months(-13), Some(d(2020, 2, 29)));
        assert_eq!(d(2021, 1, 1).add_months(-24), Some(d(2019, 1, 1)));
    }

    #[test]
    fn add_months_out_of_range_is_none_even_for_extreme_n() {
        assert_eq!(d(9999, 12, 1).add_months(1), None);
        assert_eq!(d(1000, 1, 1).add_months(-1), None);
        assert_eq!(d(2021, 1, 1).add_months(i32::MAX), None);
        assert_eq!(d(2021, 1, 1).add_months(i32::MIN), None);
    }

    #[test]
    fn excel_1900_serials_include_the_lotus_leap_day_bug() {
        assert_eq!(Date::from_excel_serial(1.0, false), Some(d(1900, 1, 1)));
        assert_eq!(Date::from_excel_serial(59.0, false), Some(d(1900, 2, 28)));
        assert_eq!(Date::from_excel_serial(60.0, false), None);
        assert_eq!(Date::from_excel_serial(61.0, false), Some(d(1900, 3, 1)));
        assert_eq!(Date::from_excel_serial(44_270.0, false), Some(d(2021, 3, 15)));
        assert_eq!(Date::from_excel_serial(2_958_465.0, false), Some(d(9999, 12, 31)));
        assert_eq!(d(1900, 2, 28).to_excel_serial(false), 59.0);
        assert_eq!(d(1900, 3, 1).to_excel_serial(false), 61.0);
    }

    #[test]
    fn excel_1904_serials_start_at_1904_01_01() {
        assert_eq!(Date::from_excel_serial(0.0, true), Some(d(1904, 1, 1)));
        assert_eq!(Date::from_excel_serial(1.0, true), Some(d(1904, 1, 2)));
        assert_eq!(Date::from_excel_serial(42_808.0, true), Some(d(2021, 3, 15)));
        assert_eq!(d(2021, 3, 15).to_excel_serial(true), 42_808.0);
    }

    #[test]
    fn excel_serial_ignores_time_of_day() {
        assert_eq!(Date::from_excel_serial(44_270.75, false), Some(d(2021, 3, 15)));
        assert_eq!(Date::from_excel_serial(0.5, true), Some(d(1904, 1, 1)));
    }

    #[test]
    fn excel_serial_out_of_range_or_nan_is_none() {
        for s in [
            0.0,
            -1.0,
            -0.5,
            2_958_466.0,
            1e300,
            f64::NAN,
            f64::INFINITY,
            f64::NEG_INFINITY,
        ] {
            assert_eq!(Date::from_excel_serial(s, false), None, "serial {s}");
        }
        assert_eq!(Date::from_excel_serial(-1.0, true), None);
        assert_eq!(Date::from_excel_serial(f64::MAX, true), None);
    }

    // ---- parse_date ----

    #[test]
    fn parse_date_reads_every_spec_form() {
        let want = Some(d(2021, 3, 15));
        for s in [
            "2021-03-15",
            "2021-3-15",
            "2021/3/15",
            "2021/03/15",
            "2021.3.15",
            "2021年3月15日",
            "2021年03月15日",
            "2021年3月15号",
            "  2021-03-15\n",
            "２０２１年３月１５日",
            "２０２１－０３－１５",
            "２０２１／３／１５",
            "二〇二一年三月十五日",
            "二零二一年三月十五日",
            "二○二一年三月十五日",
            "二O二一年三月十五日",
            "二Ｏ二一年三月十五日",
            "二o二一年三月十五日",
            "二0二一年三月十五日",
            "2021年三月十五日",
            "二〇二一年3月15日",
        ] {
            assert_eq!(date(s), want, "{s:?}");
        }
    }

    #[test]
    fn parse_date_reads_chinese_days_and_months() {
        assert_eq!(date("二零二一年十二月三十一日"), Some(d(2021, 12, 31)));
        assert_eq!(date("二〇二一年十月十日"), Some(d(2021, 10, 10)));
        assert_eq!(date("二〇二一年十一月二十日"), Some(d(2021, 11, 20)));
        assert_eq!(date("二〇二一年一月二十一日"), Some(d(2021, 1, 21)));
        assert_eq!(date("二〇二一年一月三十日"), Some(d(2021, 1, 30)));
        assert_eq!(date("二〇二一年九月一日"), Some(d(2021, 9, 1)));
    }

    #[test]
    fn parse_date_allows_pdf_spaces_anywhere() {
        assert_eq!(date("2021 年 6 月 16 日"), Some(d(2021, 6, 16)));
        assert_eq!(date("2 0 2 1 年 6 月 1 6 日"), Some(d(2021, 6, 16)));
        assert_eq!(date("2021年6月\n16日"), Some(d(2021, 6, 16)));
        assert_eq!(date("2021\u{3000}年6月16日"), Some(d(2021, 6, 16)));
        assert_eq!(date("2021 - 06 - 16"), Some(d(2021, 6, 16)));
    }

    #[test]
    fn parse_date_ignores_a_time_of_day() {
        assert_eq!(date("2021-03-15 00:00:00"), Some(d(2021, 3, 15)));
        assert_eq!(date("2021/3/15 8:30"), Some(d(2021, 3, 15)));
        assert_eq!(date("2021-03-15T08:30:00.000"), Some(d(2021, 3, 15)));
        assert_eq!(parse_date("2021-03-15 8"), DateParse::NotADate);
    }

    #[test]
    fn parse_date_reports_impossible_dates_with_their_parts() {
        assert_eq!(
            parse_date("2021-02-29"),
            DateParse::Impossible {
                year: 2021,
                month: 2,
                day: 29
            }
        );
        assert_eq!(
            parse_date("2021年2月30日"),
            DateParse::Impossible {
                year: 2021,
                month: 2,
                day: 30
            }
        );
        assert_eq!(
            parse_date("2021年13月1日"),
            DateParse::Impossible {
                year: 2021,
                month: 13,
                day: 1
            }
        );
        assert_eq!(
            parse_date("2021-04-31"),
            DateParse::Impossible {
                year: 2021,
                month: 4,
                day: 31
            }
        );
        assert_eq!(
            parse_date("2021-00-10"),
            DateParse::Impossible {
                year: 2021,
                month: 0,
                day: 10
            }
        );
        assert_eq!(
            parse_date("二〇二一年二月三十日"),
            DateParse::Impossible {
                year: 2021,
                month: 2,
                day: 30
            }
        );
        assert_eq!(
            parse_date("0999-01-01"),
            DateParse::Impossible {
                year: 999,
                month: 1,
                day: 1
            }
        );
        assert_eq!(date("2020-02-29"), Some(d(2020, 2, 29)));
    }

    #[test]
    fn parse_date_rejects_numbers_and_partial_dates() {
        for s in [
            "",
            "   ",
            "44270",
            "44270.5",
            "2021",
            "20210315",
            "2021年3月",
            "2021年",
            "2021-03",
            "2021年3月15",
            "2021-3/15",
            "21-03-15",
            "2021-003-15",
            "2021-03-150",
            "十二月三十一日",
            "二〇二一年十十月一日",
            "〇二〇二一年三月一日",
            "abc",
        ] {
            assert_eq!(parse_date(s), DateParse::NotADate, "{s:?}");
        }
    }

    #[test]
    fn parse_date_rejects_surrounding_text() {
        for s in [
            "日期：2021-03-15",
            "2021-03-15前",
            "于2021年3月15日",
            "2021年3月15日至2021年4月1日",
        ] {
            assert_eq!(parse_date(s), DateParse::NotADate, "{s:?}");
        }
    }

    // ---- find_dates ----

    fn found(text: &str) -> Vec<(&str, DateParse)> {
        find_dates(text)
            .into_iter()
            .map(|(r, p)| (text.get(r).unwrap_or("<bad range>"), p))
            .collect()
    }

    #[test]
    fn find_dates_finds_several_dates_in_order_with_byte_ranges() {
        let text = "会议于2021年3月15日召开，有效期至2022-03-14，签字：二〇二一年三月十六日。";
        assert_eq!(
            found(text),
            vec![
                ("2021年3月15日", DateParse::Date(d(2021, 3, 15))),
                ("2022-03-14", DateParse::Date(d(2022, 3, 14))),
                ("二〇二一年三月十六日", DateParse::Date(d(2021, 3, 16))),
            ]
        );
    }

    #[test]
    fn find_dates_ranges_span_pdf_spaces_and_full_width_digits() {
        assert_eq!(
            found("日期 2021 年 6 月 16 日 签"),
            vec![("2021 年 6 月 16 日", DateParse::Date(d(2021, 6, 16)))]
        );
        assert_eq!(
            found("于２０２１年６月１６日"),
            vec![("２０２１年６月１６日", DateParse::Date(d(2021, 6, 16)))]
        );
        assert_eq!(
            found("2021年6月\n16日"),
            vec![("2021年6月\n16日", DateParse::Date(d(2021, 6, 16)))]
        );
    }

    #[test]
    fn find_dates_does_not_start_inside_a_number_or_run_on() {
        assert_eq!(found("12021年3月15日"), vec![]);
        assert_eq!(found("编号12021-03-15"), vec![]);
        assert_eq!(found("2021-03-150"), vec![]);
        // Spaces are dropped first (SPEC §6), so a digit after a space still belongs to the day.
        assert_eq!(
            found("2021-03-1 5"),
            vec![("2021-03-1 5", DateParse::Date(d(2021, 3, 15)))]
        );
        assert_eq!(found("1 2021年3月15日"), vec![]);
        assert_eq!(found("一二〇二一年三月十五日"), vec![]);
        assert_eq!(found("版本1.2021.3.15"), vec![]);
        assert_eq!(found("2021.3.15.2"), vec![]);
    }

    #[test]
    fn find_dates_ignores_year_month_forms() {
        assert_eq!(found("2021年3月至2022年5月"), vec![]);
        assert_eq!(found("2021年3月，15日后"), vec![]);
    }

    #[test]
    fn find_dates_returns_impossible_dates() {
        assert_eq!(
            found("于2021年2月30日和2021-02-28"),
            vec![
                (
                    "2021年2月30日",
                    DateParse::Impossible {
                        year: 2021,
                        month: 2,
                        day: 30
                    }
                ),
                ("2021-02-28", DateParse::Date(d(2021, 2, 28))),
            ]
        );
    }

    #[test]
    fn find_dates_accepts_dates_right_after_letters_and_punctuation() {
        assert_eq!(
            found("Info2021年3月15日"),
            vec![("2021年3月15日", DateParse::Date(d(2021, 3, 15)))]
        );
        assert_eq!(
            found("(2021/3/15)"),
            vec![("2021/3/15", DateParse::Date(d(2021, 3, 15)))]
        );
        assert_eq!(
            found("2021-03-15至2021-04-15"),
            vec![
                ("2021-03-15", DateParse::Date(d(2021, 3, 15))),
                ("2021-04-15", DateParse::Date(d(2021, 4, 15))),
            ]
        );
    }

    // ---- round trip ----

    const CN_DIGITS: [char; 10] = ['〇', '一', '二', '三', '四', '五', '六', '七', '八', '九'];

    fn cn_digit_char(n: u32) -> char {
        CN_DIGITS.get(n as usize).copied().unwrap_or('?')
    }

    fn cn_small(n: u32) -> String {
        let (tens, ones) = (n / 10, n % 10);
        let mut s = String::new();
        if tens > 1 {
            s.push(cn_digit_char(tens));
        }
        if tens > 0 {
            s.push('十');
        }
        if ones > 0 {
            s.push(cn_digit_char(ones));
        }
        s
    }

    fn cn_form(x: Date) -> String {
        let year: String = x
            .year()
            .to_string()
            .chars()
            .map(|c| cn_digit_char(c.to_digit(10).unwrap_or(99)))
            .collect();
        format!("{year}年{}月{}日", cn_small(x.month()), cn_small(x.day()))
    }

    fn full_width(s: &str) -> String {
        s.chars()
            .map(|c| {
                if c.is_ascii_graphic() {
                    char::from_u32(u32::from(c) + 0xFEE0).unwrap_or(c)
                } else {
                    c
                }
            })
            .collect()
    }

    fn from_days(days: i64) -> Date {
        let (y, m, day) = civil_from_days(days);
        let parts = (i32::try_from(y), u32::try_from(m), u32::try_from(day));
        match parts {
            (Ok(y), Ok(m), Ok(day)) => d(y, m, day),
            _ => panic!("day {days} is out of range"),
        }
    }

    #[test]
    fn every_written_form_and_excel_serial_round_trips_1990_to_2035() {
        let first = d(1990, 1, 1).days_since_epoch();
        let last = d(2035, 12, 31).days_since_epoch();
        let mut checked = 0;
        for days in (first..=last).step_by(7).chain([last]) {
            let x = from_days(days);
            let (y, m, day) = (x.year(), x.month(), x.day());
            let forms = [
                format!("{x}"),
                format!("{y}/{m}/{day}"),
                format!("{y}.{m}.{day}"),
                format!("{y}年{m}月{day}日"),
                full_width(&format!("{y}年{m}月{day}日")),
                full_width(&format!("{x}")),
                cn_form(x),
            ];
            for f in &forms {
                assert_eq!(parse_date(f), DateParse::Date(x), "{f:?}");
            }
            let text = format!("自{}起，至{}止。", forms[3], forms[6]);
            let dates: Vec<DateParse> = find_dates(&text).into_iter().map(|(_, p)| p).collect();
            assert_eq!(dates, vec![DateParse::Date(x), DateParse::Date(x)], "{text:?}");
            for date1904 in [false, true] {
                assert_eq!(
                    Date::from_excel_serial(x.to_excel_serial(date1904), date1904),
                    Some(x),
                    "{x} {date1904}"
                );
            }
            checked += 1;
        }
        assert!(checked > 2000);
    }

    // ---- bool ----

    #[test]
    fn parse_bool_reads_spec_words() {
        for s in [
            "是",
            "有",
            "已",
            "已完成",
            "Y",
            "y",
            "Yes",
            "YES",
            "√",
            "✓",
            "1",
            "true",
            "TRUE",
            " 是 ",
            "Ｙ",
            "ｙｅｓ",
        ] {
            assert_eq!(parse_bool(s), Some(true), "{s:?}");
        }
        for s in [
            "否",
            "无",
            "未",
            "未完成",
            "N",
            "n",
            "No",
            "NO",
            "×",
            "✗",
            "0",
            "false",
            "False",
            "Ｎ",
            "０",
        ] {
            assert_eq!(parse_bool(s), Some(false), "{s:?}");
        }
        for s in ["", "  ", "是否", "可能", "2", "yes!", "ok"] {
            assert_eq!(parse_bool(s), None, "{s:?}");
        }
    }

    // ---- Chinese integers ----

    #[test]
    fn parse_cn_integer_reads_ordinary_and_financial_numerals() {
        let cases: [(&str, u64); 24] = [
            ("十二", 12),
            ("二十四", 24),
            ("十", 10),
            ("一百零五", 105),
            ("一百一十", 110),
            ("两千", 2000),
            ("两", 2),
            ("零", 0),
            ("壹仟贰佰", 1200),
            ("壹佰零伍", 105),
            ("叁拾", 30),
            ("一千零一", 1001),
            ("一万", 10_000),
            ("一万零五", 10_005),
            ("十二万三千四百五十六", 123_456),
            ("一亿二千万", 120_000_000),
            ("一万亿", 1_000_000_000_000),
            ("两千五", 2500),
            ("一万五", 15_000),
            ("二〇二一", 2021),
            ("3万", 30_000),
            ("24", 24),
            ("２４", 24),
            (" 二十四 ", 24),
        ];
        for (s, want) in cases {
            assert_eq!(parse_cn_integer(s), Some(want), "{s:?}");
        }
    }

    #[test]
    fn parse_cn_integer_rejects_non_numerals_and_overflow() {
        for s in [
            "",
            "abc",
            "十百",
            "百",
            "万",
            "一二三十",
            "二十四个",
            "1.5",
            "-3",
            "一万二万",
            "99999999999999999999",
            "一万亿亿亿亿",
        ] {
            assert_eq!(parse_cn_integer(s), None, "{s:?}");
        }
    }

    // ---- numbers ----

    #[test]
    fn parse_number_reads_table_numbers() {
        let cases: [(&str, f64); 14] = [
            ("1268.40", 1268.4),
            ("1,268.40", 1268.4),
            ("1，268.40", 1268.4),
            ("1,234,567", 1_234_567.0),
            ("-5", -5.0),
            ("+5.5", 5.5),
            (" 12 ", 12.0),
            ("１２３．５", 123.5),
            ("1268.40万元", 1268.4),
            ("300 元", 300.0),
            ("¥1,268.40", 1268.4),
            ("二十四", 24.0),
            ("壹仟贰佰元整", 1200.0),
            ("-0", 0.0),
        ];
        for (s, want) in cases {
            assert_eq!(parse_number(s), Some(want), "{s:?}");
        }
    }

    #[test]
    fn parse_number_rejects_letters_and_bad_separators() {
        for s in [
            "", "元", "abc", "12a", "1e5", "12,68.40", "1,2345", ",123", "1.2.3", "1 268", "85%", "NaN", "inf", "--5",
        ] {
            assert_eq!(parse_number(s), None, "{s:?}");
        }
    }

    // ---- percents ----

    #[test]
    fn parse_percent_reads_spec_forms_on_0_to_100_scale() {
        let cases: [(&str, f64); 13] = [
            ("85%", 85.0),
            ("85％", 85.0),
            ("85", 85.0),
            ("85.5 %", 85.5),
            ("0.85", 85.0),
            ("0.6", 60.0),
            ("1", 100.0),
            ("1%", 1.0),
            ("0.5%", 0.5),
            ("100", 100.0),
            ("0", 0.0),
            ("85.556%", 85.56),
            ("百分之八十五", 85.0),
        ];
        for (s, want) in cases {
            assert_eq!(parse_percent(s), Some(want), "{s:?}");
        }
    }

    #[test]
    fn parse_percent_rejects_out_of_range_and_text() {
        for s in ["", "101", "100.5%", "-5%", "-0.5", "abc", "85%%", "%"] {
            assert_eq!(parse_percent(s), None, "{s:?}");
        }
    }

    #[test]
    fn percent_from_number_scales_ratios_and_rounds() {
        assert_eq!(percent_from_number(0.85), Some(85.0));
        assert_eq!(percent_from_number(0.8523), Some(85.23));
        assert_eq!(percent_from_number(1.0), Some(100.0));
        assert_eq!(percent_from_number(85.0), Some(85.0));
        assert_eq!(percent_from_number(0.0), Some(0.0));
        assert_eq!(percent_from_number(100.001), None);
        assert_eq!(percent_from_number(-0.1), None);
        assert_eq!(percent_from_number(f64::NAN), None);
        assert_eq!(percent_from_number(f64::INFINITY), None);
    }

    // ---- months ----

    #[test]
    fn parse_months_reads_durations() {
        let cases: [(&str, u32); 15] = [
            ("24个月", 24),
            ("24月", 24),
            ("2年", 24),
            ("两年", 24),
            ("二十四个月", 24),
            ("一年半", 18),
            ("1.5年", 18),
            ("半年", 6),
            ("三年", 36),
            ("2年6个月", 30),
            ("１年", 12),
            ("2 年", 24),
            ("十八个月", 18),
            ("0.5年", 6),
            ("1年零6个月", 18),
        ];
        for (s, want) in cases {
            assert_eq!(parse_months(s), Some(want), "{s:?}");
        }
    }

    #[test]
    fn parse_months_rejects_other_text() {
        for s in [
            "",
            "24",
            "年",
            "月",
            "个月",
            "1.3年",
            "1.5个月",
            "两周年",
            "abc年",
            "-2年",
            "99999999999年",
            "2年abc",
        ] {
            assert_eq!(parse_months(s), None, "{s:?}");
        }
    }

    // ---- years ----

    #[test]
    fn parse_year_reads_spec_forms() {
        for s in [
            "2021",
            "2021年",
            "2021.0",
            "2021.00",
            "二〇二一年",
            "二〇二一",
            "２０２１年",
            "2021年度",
            " 2021 ",
            "二零二一年",
        ] {
            assert_eq!(parse_year(s), Some(2021), "{s:?}");
        }
        assert_eq!(parse_year("两千零二十一"), Some(2021));
    }

    #[test]
    fn parse_year_rejects_out_of_range_and_fractions() {
        for s in [
            "",
            "999",
            "10000",
            "2021.5",
            "21",
            "abc",
            "2021年3月",
            "99999999999999999999999",
        ] {
            assert_eq!(parse_year(s), None, "{s:?}");
        }
    }

    // ---- text ----

    #[test]
    fn normalize_text_folds_full_width_and_trims() {
        assert_eq!(normalize_text("  ＡＢＣ１２３（万元）\u{3000}"), "ABC123(万元)");
        assert_eq!(normalize_text("项目名称"), "项目名称");
        assert_eq!(normalize_text(""), "");
    }

    // ---- robustness ----

    #[test]
    fn values_up_to_1024_bytes_are_read_and_longer_ones_refused() {
        let padded = format!("{}5", "0".repeat(1000));
        assert_eq!(parse_number(&padded), Some(5.0));
        assert_eq!(parse_cn_integer(&padded), Some(5));
        let long = format!("{}5", "0".repeat(1024));
        assert_eq!(parse_number(&long), None);
        assert_eq!(parse_cn_integer(&long), None);
        let spaced = format!("{}2021-03-15{}", " ".repeat(5000), "\n".repeat(5000));
        assert_eq!(parse_date(&spaced), DateParse::Date(d(2021, 3, 15)));
    }

    #[test]
    fn huge_inputs_never_panic() {
        let digits = "9".repeat(1 << 20);
        let dates = "2021年3月15日".repeat(20_000);
        let junk: String = "二〇十万亿年月日-/.,%元 ".chars().cycle().take(200_000).collect();
        for s in [digits.as_str(), dates.as_str(), junk.as_str()] {
            let _ = parse_date(s);
            let _ = parse_bool(s);
            let _ = parse_cn_integer(s);
            let _ = parse_number(s);
            let _ = parse_percent(s);
            let _ = parse_months(s);
            let _ = parse_year(s);
        }
        assert!(find_dates(&digits).is_empty());
        assert_eq!(find_dates(&dates).len(), 20_000);
        let _ = find_dates(&junk);
        assert_eq!(parse_number(&digits), None);
        assert_eq!(parse_cn_integer(&digits), None);
    }
}
