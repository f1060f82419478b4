//! Fields read from documents (SPEC §6): dates, periods, statements and contents that the checks
//! decide on, each with the file, page and text it was read from.
//!
//! SPEC §6: "The patterns below are matched on the text with all whitespace (line breaks
//! included) removed — PDF producers put spaces in `2021 年 6 月 16 日` and break lines inside
//! dates — and a number or date pattern must not run on into a following digit."

use std::ops::Range;
use std::sync::LazyLock;

use regex::Regex;
use unicode_normalization::UnicodeNormalization;

use crate::extract::Document;
use crate::finding::{Code, Finding, Source};
use crate::names::regex;
use crate::ocr::confidence::{self, Doubt};
use crate::ocr::{CharRead, OcrText};
use crate::values::{self, Date, DateParse};
use crate::verdict::{Field, Value};

/// The text of one material: every readable document of it, in path order, with all whitespace
/// removed, and a map back from each byte to its file and page.
#[derive(Debug, Clone, Default)]
pub struct MaterialText {
    compact: String,
    /// (start byte in `compact`, file index, page, OCR confidence) — one per source line, in
    /// order; the confidence is `Some` only for lines read by OCR.
    segments: Vec<(usize, usize, Option<u32>, Option<f32>)>,
    files: Vec<String>,
    /// How each character OCR read was read, by its start byte in `compact`, in order.
    ocr_chars: Vec<(usize, CharRead)>,
    /// `ocr_min_confidence` (param); [`confidence::DEFAULT_MIN_CONFIDENCE`] when unset.
    min_confidence: Option<f32>,
}

impl MaterialText {
    /// Sets the `ocr_min_confidence` param the values of this text are held to.
    pub fn with_min_confidence(mut self, min: f32) -> MaterialText {
        self.min_confidence = Some(min);
        self
    }

    /// Adds a document's lines.
    pub fn push(&mut self, file: &str, doc: &Document) {
        let idx = self.files.len();
        self.files.push(file.to_string());
        for line in &doc.lines {
            let start = self.compact.len();
            // NFKC: full-width digits become ASCII and the Kangxi radicals some Word/WPS
            // ToUnicode maps use (⽇) become the ideographs the patterns name (日).
            self.compact
                .extend(line.text.nfkc().filter(|c| !c.is_whitespace() && *c != '\u{200b}'));
            if self.compact.len() > start {
                self.segments.push((start, idx, line.page, None));
            }
        }
    }

    /// Adds the lines OCR read from a scanned document, each character with how it was read.
    pub fn push_ocr(&mut self, file: &str, lines: &[OcrText]) {
        let idx = self.files.len();
        self.files.push(file.to_string());
        for line in lines {
            let start = self.compact.len();
            for (i, ch) in line.text.chars().enumerate() {
                let read = line.chars.get(i).copied().unwrap_or(CharRead::new(line.confidence));
                for c in std::iter::once(ch).nfkc() {
                    if c.is_whitespace() || c == '\u{200b}' {
                        continue;
                    }
                    self.ocr_chars.push((self.compact.len(), read));
                    self.compact.push(c);
                }
            }
            if self.compact.len() > start {
                self.segments.push((start, idx, line.page, Some(line.confidence)));
            }
        }
    }

    /// True when no document was added.
    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    /// The whitespace-free text.
    pub fn text(&self) -> &str {
        &self.compact
    }

    /// Where the bytes `range` came from: file, page, and the text (with a little context before).
    /// For text read by OCR: the lowest confidence of the range's characters, and why the value
    /// read there decides nothing, if it does not (SPEC §6; [`confidence`]).
    pub fn source(&self, range: Range<usize>) -> Source {
        self.source_of(range.clone(), range)
    }

    /// [`MaterialText::source`] of a statement `whole` (its label included) whose value is read
    /// at `value`: the confidence and the doubt are the value's own characters', so a blurred
    /// colon after a label does not make a clear number doubtful, nor a clear label a blurred
    /// number sure.
    pub fn source_of(&self, whole: Range<usize>, value: Range<usize>) -> Source {
        let range = whole;
        let seg = self
            .segments
            .iter()
            .rev()
            .find(|(start, _, _, _)| *start <= range.start);
        let (file, page) = seg.map_or((self.files.first().cloned(), None), |(_, f, p, _)| {
            (self.files.get(*f).cloned(), *p)
        });
        // The lowest confidence of the OCR characters of the range, else of the lines it overlaps.
        let chars: Vec<(usize, CharRead)> = self
            .ocr_chars
            .iter()
            .filter(|(b, _)| value.contains(b))
            .copied()
            .collect();
        let line_confidence = self
            .segments
            .iter()
            .enumerate()
            .filter(|(i, (start, ..))| {
                let end = self.segments.get(i + 1).map_or(self.compact.len(), |s| s.0);
                *start < value.end.max(value.start + 1) && end > value.start
            })
            .filter_map(|(_, (.., c))| *c)
            .reduce(f32::min);
        let confidence = chars
            .iter()
            .map(|(_, c)| c.confidence)
            .reduce(f32::min)
            .or(line_confidence);
        let sealed: String = chars
            .iter()
            .filter(|(_, c)| c.under_seal)
            .filter_map(|(b, _)| self.compact.get(*b..).and_then(|s| s.chars().next()))
            .collect();
        let unstable: String = chars
            .iter()
            .filter(|(_, c)| c.unstable)
            .filter_map(|(b, _)| self.compact.get(*b..).and_then(|s| s.chars().next()))
            .collect();
        let min = self.min_confidence.unwrap_or(confidence::DEFAULT_MIN_CONFIDENCE);
        let doubt = match confidence {
            None => None,
            Some(_) if !sealed.is_empty() => Some(Doubt::UnderSeal { chars: sealed }),
            Some(_) if !unstable.is_empty() => Some(Doubt::Unstable { chars: unstable }),
            // A NaN confidence is no confidence.
            Some(c) if c.is_nan() || c < min => Some(Doubt::LowConfidence { confidence: c, min }),
            Some(_) => None,
        };
        let from = floor_char(&self.compact, range.start.saturating_sub(12));
        let to = floor_char(&self.compact, range.end.min(self.compact.len()));
        Source {
            file,
            page,
            text: self.compact.get(from..to).map(str::to_string),
            ocr: confidence.map(|_| true),
            confidence: confidence.map(crate::finding::Confidence::new),
            doubt: doubt.map(|d| d.to_string()),
            ..Source::default()
        }
    }

    /// The source of a conclusion drawn from words *not* found in the text. When any of the
    /// text was read by OCR it decides nothing: a misread or lost line can hide the very word,
    /// so OCR cannot prove an absence (SPEC §6: an OCR value is right or undetermined).
    pub fn absence_source(&self) -> Source {
        let mut src = self.source(0..0);
        if let Some((b, c)) = self.ocr_chars.first() {
            let seg = self.segments.iter().rev().find(|(start, ..)| start <= b);
            src.file = seg.and_then(|(_, f, ..)| self.files.get(*f).cloned());
            src.page = None;
            src.text = None;
            src.ocr = Some(true);
            src.confidence = Some(crate::finding::Confidence::new(c.confidence));
            src.doubt = Some(Doubt::AbsenceNotProven.to_string());
        }
        src
    }

    /// The lowest confidence below `ocr_min_confidence` of a character read by OCR after byte
    /// `at` in the same file, if any.
    fn unclear_after(&self, at: usize) -> Option<f32> {
        let file_of = |b: usize| {
            self.segments
                .iter()
                .rev()
                .find(|(start, ..)| *start <= b)
                .map(|(_, f, ..)| *f)
        };
        let file = file_of(at.saturating_sub(1))?;
        let min = self.min_confidence.unwrap_or(confidence::DEFAULT_MIN_CONFIDENCE);
        self.ocr_chars
            .iter()
            .filter(|(b, c)| *b >= at && (c.confidence.is_nan() || c.confidence < min) && file_of(*b) == Some(file))
            .map(|(_, c)| c.confidence)
            .reduce(f32::min)
    }

    /// True when the bytes `range` were read by OCR.
    fn is_ocr(&self, range: &Range<usize>) -> bool {
        self.ocr_chars.iter().any(|(b, _)| range.contains(b))
    }
}

fn floor_char(s: &str, mut i: usize) -> usize {
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// What extraction found.
#[derive(Debug, Clone, Default)]
pub struct Extracted {
    pub fields: Vec<(String, Field)>,
    pub findings: Vec<Finding>,
}

impl Extracted {
    /// Adds a field. A value read by OCR whose source carries a doubt is added all the same, as
    /// evidence: the checks do not use it (`Ctx::field`).
    fn put(&mut self, name: &str, value: Value, source: Source) {
        self.fields.push((
            name.to_string(),
            Field {
                value,
                source,
                statements: Vec::new(),
            },
        ));
    }
}

/// Every real date in the text, with impossible ones reported as `value.bad_date` (info).
fn dates(t: &MaterialText, out: &mut Extracted) -> Vec<(Range<usize>, Date)> {
    let mut v = Vec::new();
    for (r, d) in values::find_dates(t.text()) {
        match d {
            DateParse::Date(d) => v.push((r, d)),
            DateParse::Impossible { year, month, day } => out.findings.push(
                Finding::new(
                    Code::ValueBadDate,
                    format!("{year}年{month}月{day}日不是真实存在的日期"),
                    format!("{year}-{month}-{day} is not a real day"),
                )
                .at(t.source(r)),
            ),
            DateParse::NotADate => {}
        }
    }
    v
}

/// The date right after one of `labels` (tried in order; a colon or 为/是 may stand between),
/// else the last date of the text.
fn labelled_or_last(t: &MaterialText, labels: &[&str], dates: &[(Range<usize>, Date)]) -> Option<(Range<usize>, Date)> {
    let text = t.text();
    for label in labels {
        for (at, _) in text.match_indices(label) {
            let end = at + label.len();
            let gap = text.get(end..).map_or("", |rest| {
                let n = rest.char_indices().nth(2).map_or(rest.len(), |(i, _)| i);
                rest.get(..n).unwrap_or("")
            });
            let skip: usize = gap
                .chars()
                .take_while(|c| matches!(c, ':' | '：' | '为' | '是'))
                .map(char::len_utf8)
                .sum();
            if let Some((r, d)) = dates.iter().find(|(r, _)| r.start == end + skip) {
                return Some((at..r.end, *d));
            }
        }
    }
    dates.last().cloned()
}

/// The source of a date field read at `r`, with SPEC §6's rules for a date read by OCR
/// ([`confidence`]): a doubtful reading (seal ink over it, low confidence) is taken from another
/// statement of the same date in the same file that is clean; a date one character away from
/// another date of the same file is the same date misread, and decides nothing; so does a date
/// picked as "the last date" when a date-shaped span after it failed to parse.
fn date_source(t: &MaterialText, r: &Range<usize>, d: Date, dates: &[(Range<usize>, Date)], last: bool) -> Source {
    // A labelled date's statement starts at its label; its value is the date itself.
    let value = dates
        .iter()
        .find(|(x, _)| x.end == r.end)
        .map_or_else(|| r.clone(), |(x, _)| x.clone());
    let mut src = t.source_of(r.clone(), value);
    let ocr = |x: &Range<usize>| t.is_ocr(x);
    let file = src.file.clone();
    let same_file = |x: &Range<usize>| t.source(x.clone()).file == file;
    if !ocr(r) && !dates.iter().any(|(x, _)| ocr(x)) {
        return src;
    }
    if src.doubt.is_some() {
        if let Some(clean) = dates
            .iter()
            .filter(|(x, e)| *e == d && x != r && same_file(x))
            .map(|(x, _)| t.source(x.clone()))
            .find(|s| s.doubt.is_none())
        {
            src = clean;
        }
    }
    if src.doubt.is_none() {
        let iso = d.to_string();
        if let Some((_, other)) = dates
            .iter()
            .find(|(x, e)| same_file(x) && (ocr(x) || ocr(r)) && confidence::one_char_apart(&iso, &e.to_string()))
        {
            src.doubt = Some(
                Doubt::StatedOtherwise {
                    other: other.to_string(),
                }
                .to_string(),
            );
        }
    }
    if src.doubt.is_none() && last {
        // "The last date" is only the last if the text after it was read.
        if let Some(c) = t.unclear_after(r.end) {
            src.doubt = Some(format!("the text after it is not read clearly (OCR confidence {c:.1})"));
        }
    }
    if src.doubt.is_none() && last {
        let parsed: Vec<Range<usize>> = dates.iter().map(|(x, _)| x.clone()).collect();
        if let Some(bad) = confidence::malformed_dates(t.text(), &parsed)
            .into_iter()
            .find(|b| b.start >= r.end && ocr(b) && same_file(b))
        {
            let text = t.text().get(bad).unwrap_or_default().to_string();
            src.doubt = Some(Doubt::Malformed { text }.to_string());
        }
    }
    src
}

// ------------------------------------------------------------------ final acceptance

static PASSED: LazyLock<Regex> =
    LazyLock::new(|| regex(r"同意[^。；;！!]{0,30}?通过|验收合格|通过[^。；;！!]{0,12}?验收"));
static NOT_PASSED: LazyLock<Regex> = LazyLock::new(|| regex(r"不同意|不予通过|未通过|不通过"));

/// SPEC §6 final_acceptance: `final_acceptance_date` ("the date after a label 验收日期 / 会议日期 /
/// 日期 if present, else the last date in the text") and `final_acceptance_passed` ("true when
/// the text says 同意…通过 / 验收合格 / 通过…验收 and does not say 不同意 / 不予通过 / 未通过 /
/// 不通过").
pub fn final_acceptance(t: &MaterialText) -> Extracted {
    let mut out = Extracted::default();
    let ds = dates(t, &mut out);
    if let Some((r, d)) = labelled_or_last(t, &["验收日期", "会议日期", "日期"], &ds) {
        let last = ds.last().is_some_and(|(x, _)| *x == r);
        out.put(
            "final_acceptance_date",
            Value::Date(d),
            date_source(t, &r, d, &ds, last),
        );
    }
    if let Some(m) = NOT_PASSED.find(t.text()) {
        out.put("final_acceptance_passed", Value::Bool(false), t.source(m.range()));
    } else if let Some(m) = PASSED.find(t.text()) {
        // A conclusion read as "passed" is only as sure as the characters before it, where a
        // negation (不, 未) would stand.
        let before = t
            .text()
            .get(..m.start())
            .map_or(0, |p| p.char_indices().rev().nth(1).map_or(0, |(i, _)| i));
        out.put(
            "final_acceptance_passed",
            Value::Bool(true),
            t.source_of(m.range(), before..m.end()),
        );
    }
    out
}

// ------------------------------------------------------------------ warranty

/// The characters of a Chinese numeral: ordinary and financial digits and units (SPEC §7: "Chinese
/// numerals incl. 两 and financial numerals (零壹贰叁肆伍陆柒捌玖拾佰仟)"), simplified and traditional.
const CN_NUM: &str = "零〇○一壹二贰貳两兩三叁參四肆五伍六陆陸七柒八捌九玖十拾百佰千仟";
/// A number in a statement: Arabic digits (the text is NFKC, so full-width digits are ASCII
/// here), or a Chinese numeral in either script, optionally with 半.
static NUM: LazyLock<String> = LazyLock::new(|| format!(r"[0-9]+(?:\.[0-9]+)?|[{CN_NUM}半]+"));
static WARRANTY_AFTER: LazyLock<Regex> = LazyLock::new(|| {
    regex(&format!(
        r"(?:保修期限|保修期|质保期限|质保期|免费保修|免费质保|维保期限|维保期)[^。；;！!0-9{CN_NUM}半]{{0,12}}?(?:不少于|不低于|不短于|至少)?({num})(个月|年半|年|月)",
        num = *NUM
    ))
});
static WARRANTY_BEFORE: LazyLock<Regex> = LazyLock::new(|| {
    regex(&format!(
        r"(?:不少于|至少)?({num})(个月|年半|年|月)(?:的)?(?:免费)?(?:保修|质保|维保)",
        num = *NUM
    ))
});
static AT_LEAST_YEARS: LazyLock<Regex> = LazyLock::new(|| regex(&format!(r"不少于({num})(个月|年半|年)", num = *NUM)));

fn months_of(num: &str, unit: &str) -> Option<u32> {
    let n = if num == "半" {
        0.5
    } else if let Ok(f) = num.parse::<f64>() {
        f
    } else {
        let t = num.replace('半', "");
        let whole = if t.is_empty() {
            0.0
        } else {
            values::parse_cn_integer(&t)? as f64
        };
        whole + if num.ends_with('半') { 0.5 } else { 0.0 }
    };
    let months = match unit {
        "年" => n * 12.0,
        "年半" => n * 12.0 + 6.0,
        _ => n,
    };
    // A warranty is months to a few decades; a bigger number is a year or an amount, not a period.
    (months.is_finite() && months > 0.0 && months <= 600.0 && months.fract() == 0.0).then_some(months as u32)
}

/// SPEC §6 warranty_plan → `warranty_months`: "every warranty statement (保修期, 保修期限, 质保期,
/// 免费保修, 免费质保, 维保期, followed within a short span by a number and 年/个月/月, or
/// `不少于N年`), converted to months; the field is the **minimum** (the strictest reading), and
/// all statements are kept as evidence." A number directly before the words (`3年免费保修`) is a
/// statement too, as a reviewer reads it. Numbers inside dates never count.
pub fn warranty(t: &MaterialText) -> Extracted {
    let mut out = Extracted::default();
    let text = t.text();
    let date_ranges: Vec<Range<usize>> = values::find_dates(text).into_iter().map(|(r, _)| r).collect();
    let in_date = |r: &Range<usize>| date_ranges.iter().any(|d| d.start < r.end && r.start < d.end);
    // (the statement, its number and unit, the months)
    let mut found: Vec<(Range<usize>, Range<usize>, u32)> = Vec::new();
    for re in [&*WARRANTY_AFTER, &*WARRANTY_BEFORE, &*AT_LEAST_YEARS] {
        for c in re.captures_iter(text) {
            let (Some(whole), Some(num), Some(unit)) = (c.get(0), c.get(1), c.get(2)) else {
                continue;
            };
            // A digit right before the number means it runs on from another number.
            let prev_digit = text
                .get(..num.start())
                .and_then(|p| p.chars().last())
                .is_some_and(|ch| ch.is_ascii_digit());
            if prev_digit || in_date(&num.range()) {
                continue;
            }
            if let Some(m) = months_of(num.as_str(), unit.as_str()) {
                if !found
                    .iter()
                    .any(|(r, _, _)| r.start < whole.end() && whole.start() < r.end)
                {
                    found.push((whole.range(), num.start()..unit.end(), m));
                }
            }
        }
    }
    found.sort_by_key(|(r, _, _)| r.start);
    if let Some((r, v, m)) = found.iter().min_by_key(|(r, _, m)| (*m, r.start)).cloned() {
        // The field is the minimum of every statement: one doubtful statement (a misread `12`
        // could be `72`) makes the minimum doubtful too.
        let mut source = t.source_of(r.clone(), v);
        // Statements read by OCR that disagree: one of them may be misread (SPEC §6).
        if source.doubt.is_none() && t.is_ocr(&r) {
            if let Some((_, _, other)) = found.iter().find(|(_, _, o)| *o != m) {
                source.doubt = Some(
                    Doubt::StatedOtherwise {
                        other: format!("{other} months"),
                    }
                    .to_string(),
                );
            }
        }
        if source.doubt.is_none() {
            source.doubt = found
                .iter()
                .map(|(x, xv, _)| t.source_of(x.clone(), xv.clone()))
                .find_map(|s| s.doubt.map(|d| format!("another statement is doubtful: {d}")));
        }
        let statements = found
            .iter()
            .map(|(r, v, m)| Field {
                value: Value::Int(i64::from(*m)),
                source: t.source_of(r.clone(), v.clone()),
                statements: Vec::new(),
            })
            .collect();
        out.fields.push((
            "warranty_months".to_string(),
            Field {
                value: Value::Int(i64::from(m)),
                source,
                statements,
            },
        ));
    }
    out
}

// ------------------------------------------------------------------ list approval

static VALID_UNTIL: LazyLock<Regex> = LazyLock::new(|| regex(r"有效期至"));
static VALID_FOR: LazyLock<Regex> = LazyLock::new(|| {
    regex(&format!(
        r"有效期(?:为|是|:|：)?({num})(个月|年)|({num})(个月|年)(?:内|以内)?有效",
        num = *NUM
    ))
});

/// SPEC §6 list_approval → `list_approval_date` ("发文日期: labelled, else the last date") and
/// `list_approval_valid_until`: "`有效期至<date>`, or for `有效期为N年/N个月` / `N个月内有效`
/// add_months(`list_approval_date`, N or 12·N). That day itself is still valid. No validity
/// statement → field missing."
pub fn list_approval(t: &MaterialText) -> Extracted {
    let mut out = Extracted::default();
    let ds = dates(t, &mut out);
    let issued = labelled_or_last(t, &["发文日期", "印发日期", "成文日期"], &ds);
    let issued_source = issued.as_ref().map(|(r, d)| {
        let last = ds.last().is_some_and(|(x, _)| x == r);
        date_source(t, r, *d, &ds, last)
    });
    if let (Some((_, d)), Some(src)) = (&issued, &issued_source) {
        out.put("list_approval_date", Value::Date(*d), src.clone());
    }
    let text = t.text();
    for m in VALID_UNTIL.find_iter(text) {
        if let Some((r, d)) = ds.iter().find(|(r, _)| r.start >= m.end() && r.start <= m.end() + 3) {
            let mut src = date_source(t, r, *d, &ds, false);
            let whole = t.source(m.start()..r.end);
            src = Source {
                doubt: src.doubt.or(whole.doubt.clone()),
                ..whole
            };
            out.put("list_approval_valid_until", Value::Date(*d), src);
            return out;
        }
    }
    if let Some(c) = VALID_FOR.captures(text) {
        let (num, unit) = match (c.get(1), c.get(2), c.get(3), c.get(4)) {
            (Some(n), Some(u), _, _) | (_, _, Some(n), Some(u)) => (n.as_str(), u.as_str()),
            _ => return out,
        };
        let months = months_of(num, unit);
        if let (Some(months), Some((_, issued))) = (months, issued) {
            if let Some(until) = i32::try_from(months).ok().and_then(|m| issued.add_months(m)) {
                let whole = c.get(0).map_or(0..0, |m| m.range());
                // A period added to a doubtful issue date is as doubtful.
                let mut src = t.source(whole);
                if src.doubt.is_none() {
                    src.doubt = issued_source.as_ref().and_then(|s| s.doubt.clone());
                }
                out.put("list_approval_valid_until", Value::Date(until), src);
            }
        }
    }
    out
}

// ------------------------------------------------------------------ declared investment

static INVESTMENT: LazyLock<Regex> = LazyLock::new(|| {
    regex(&format!(
        r"总投资(?:额)?(?:为|约为|约|共计|合计|:|：)?([0-9][0-9,，]*(?:\.[0-9]+)?|[{CN_NUM}万亿]+)(万元|元|亿元)"
    ))
});

/// The total investment a proposal or request states (`项目总投资1692.96万元`), in 万元, with its
/// source; the first statement wins. Not a field of SPEC §6: it is compared with the basic-info
/// 项目金额 for consistency.
pub fn declared_investment(t: &MaterialText) -> Option<(f64, Source)> {
    let c = INVESTMENT.captures(t.text())?;
    let (whole, num, unit) = (c.get(0)?, c.get(1)?, c.get(2)?);
    let n = values::parse_number(num.as_str())?;
    let wan = match unit.as_str() {
        "元" => n / 10_000.0,
        "亿元" => n * 10_000.0,
        _ => n,
    };
    // A doubtful amount read by OCR is not compared: a misread digit would claim a mismatch.
    let source = t.source_of(whole.range(), num.start()..unit.end());
    source.doubt.is_none().then_some((wan, source))
}

// ------------------------------------------------------------------ mentions, MLPS, contents

/// SPEC §6 application_form / proposal → `mentions_cybersecurity` (网络安全 or 等级保护) and
/// `mentions_cryptography` (密码). A readable document that never says them gives `false`.
pub fn mentions(t: &MaterialText) -> Extracted {
    let mut out = Extracted::default();
    for (name, words) in [
        ("mentions_cybersecurity", &["网络安全", "等级保护"][..]),
        ("mentions_cryptography", &["密码"][..]),
    ] {
        let hit = words
            .iter()
            .filter_map(|w| t.text().find(w).map(|i| i..i + w.len()))
            .min_by_key(|r| r.start);
        match hit {
            Some(r) => out.put(name, Value::Bool(true), t.source(r)),
            None => out.put(name, Value::Bool(false), t.absence_source()),
        }
    }
    out
}

static FILING_NUMBER: LazyLock<Regex> =
    LazyLock::new(|| regex(r"备案编号(?:为|是|:|：)?([0-9０-９][0-9０-９\-－—–]*)"));
static FILING_FORM: LazyLock<Regex> = LazyLock::new(|| regex(r"^[0-9]{11}-[0-9]{5}$"));
static LEVEL_LABELLED: LazyLock<Regex> = LazyLock::new(|| {
    regex(r"(?:保护等级|安全等级|定级|等级)(?:为|是|:|：|确定为|定为)?第?([一二三四五壹贰貳叁參肆伍1-5])级")
});
static LEVEL_ANY: LazyLock<Regex> = LazyLock::new(|| regex(r"第([一二三四五壹贰貳叁參肆伍1-5])级"));

/// SPEC §6 mlps_filing → `mlps_filing_number` ("the value after 备案编号, when it is
/// `\d{11}-\d{5}`") and `mlps_level` ("an integer 1–5 (from 第一级…第五级, 一级…五级, 三级)").
pub fn mlps(t: &MaterialText) -> Extracted {
    let mut out = Extracted::default();
    let text = t.text();
    if let Some(c) = FILING_NUMBER.captures(text) {
        if let Some(m) = c.get(1) {
            let value = values::normalize_text(m.as_str()).replace(['－', '—', '–'], "-");
            let value = value.trim_end_matches('-').to_string();
            let source = t.source_of(c.get(0).map_or(0..0, |m| m.range()), m.range());
            if FILING_FORM.is_match(&value) {
                out.put("mlps_filing_number", Value::Text(value), source);
            } else if source.ocr == Some(true) {
                // A number read by OCR that is not of the form may be misread (`-` as `一`).
                let doubt = source
                    .doubt
                    .clone()
                    .unwrap_or_else(|| format!("{value} read by OCR is not of the form 11 digits-5 digits"));
                let source = Source {
                    doubt: Some(doubt),
                    ..source
                };
                out.put("mlps_filing_number", Value::Text(value), source);
            }
        }
    } else if t.is_ocr(&(0..t.text().len())) {
        out.put("mlps_filing_number", Value::Text(String::new()), t.absence_source());
    }
    let level = LEVEL_LABELLED.captures(text).or_else(|| LEVEL_ANY.captures(text));
    if let Some(c) = level {
        if let (Some(whole), Some(n)) = (c.get(0), c.get(1)) {
            if let Some(v) = values::parse_cn_integer(n.as_str()).filter(|v| (1..=5).contains(v)) {
                out.put("mlps_level", Value::Int(v as i64), t.source(whole.range()));
            }
        }
    }
    out
}

/// The six contents of seed 四(二)1(2) that a project performance report must have (SPEC §6).
pub const PERFORMANCE_SECTIONS: [&[&str]; 6] = [
    &["建设内容完成情况"],
    &["用户使用情况"],
    &["预期绩效完成情况"],
    &["统筹建设情况"],
    &["数据资源建设情况"],
    &["数据资源汇聚共享情况"],
];

/// The six contents of seed 一(二)4 that an addition request must have (SPEC §6); the first word
/// of each names it.
pub const ADDITION_SECTIONS: [&[&str]; 6] = [
    &["三定职责"],
    &["项目背景"],
    &["必要性"],
    &["预期绩效"],
    &["项目投资", "投资"],
    &["数据汇聚共享"],
];

/// `missing_sections`: the names of the absent contents, in the spec's order; `[]` when all are
/// there.
pub fn sections(t: &MaterialText, wanted: &[&[&str]]) -> Extracted {
    let mut out = Extracted::default();
    let missing: Vec<String> = wanted
        .iter()
        .filter(|alts| !alts.iter().any(|w| t.text().contains(w)))
        .filter_map(|alts| alts.first().map(|s| s.to_string()))
        .collect();
    let source = if missing.is_empty() {
        t.source(0..0)
    } else {
        t.absence_source()
    };
    out.put("missing_sections", Value::List(missing), source);
    out
}

static DRC: LazyLock<Regex> = LazyLock::new(|| regex(r"发展改革委|发展和改革委员会|发改委"));
static FINANCE: LazyLock<Regex> = LazyLock::new(|| regex(r"财政局"));
static BY_WHOM: LazyLock<Regex> = LazyLock::new(|| {
    regex(r"经(?:市)?(发展改革委|发展和改革委员会|发改委|财政局)[^。；;]{0,6}?(?:审核|审定|确认|批准|同意)")
});

/// SPEC §6 funding_proof (addition) → `funding_authority`: 发展改革委 / 发改委 → `drc`; 财政局 →
/// `finance`. When both are named, the one that reviewed (`经市财政局审核`) decides; otherwise the
/// field is not read.
pub fn funding_authority(t: &MaterialText) -> Extracted {
    let mut out = Extracted::default();
    let text = t.text();
    let of = |s: &str| if s.contains("财政") { "finance" } else { "drc" };
    let pick = match (DRC.find(text), FINANCE.find(text)) {
        (Some(m), None) => Some(("drc", m.range())),
        (None, Some(m)) => Some(("finance", m.range())),
        (Some(_), Some(_)) => BY_WHOM.captures(text).and_then(|c| {
            let who = c.get(1)?;
            Some((of(who.as_str()), c.get(0)?.range()))
        }),
        (None, None) => None,
    };
    if let Some((v, r)) = pick {
        out.put("funding_authority", Value::Text(v.to_string()), t.source(r));
    }
    out
}

/// Every `LazyLock` regex of this module, for `names::tests::every_constant_regex_compiles`.
#[cfg(test)]
pub(crate) fn constant_regexes() -> Vec<&'static LazyLock<Regex>> {
    vec![
        &PASSED,
        &NOT_PASSED,
        &WARRANTY_AFTER,
        &WARRANTY_BEFORE,
        &AT_LEAST_YEARS,
        &VALID_UNTIL,
        &VALID_FOR,
        &INVESTMENT,
        &FILING_NUMBER,
        &FILING_FORM,
        &LEVEL_LABELLED,
        &LEVEL_ANY,
        &DRC,
        &FINANCE,
        &BY_WHOM,
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::Line;

    fn ocr_line(text: &str, confidence: f32) -> OcrText {
        OcrText {
            text: text.to_string(),
            page: Some(1),
            confidence,
            chars: Vec::new(),
        }
    }

    fn ocr_text(lines: &[(&str, f32)]) -> MaterialText {
        let lines: Vec<OcrText> = lines.iter().map(|(t, c)| ocr_line(t, *c)).collect();
        let mut t = MaterialText::default();
        t.push_ocr("scan.pdf", &lines);
        t
    }

    /// A line whose characters were read at the given confidences, those at `sealed` under seal
    /// ink.
    fn ocr_chars(text: &str, confidences: &[f32], sealed: &[usize]) -> OcrText {
        OcrText {
            chars: text
                .chars()
                .enumerate()
                .map(|(i, _)| CharRead {
                    confidence: confidences.get(i).copied().unwrap_or(99.0),
                    under_seal: sealed.contains(&i),
                    unstable: false,
                })
                .collect(),
            ..ocr_line(text, 99.0)
        }
    }

    fn date_field(e: &Extracted) -> Option<&Field> {
        e.fields
            .iter()
            .find(|(k, _)| k == "final_acceptance_date")
            .map(|(_, f)| f)
    }

    /// A line PP-OCR saw but could not read (`〓`, crate::ocr::ppocr::UNREAD) after the last
    /// date that was read: that date may not be the last, so it decides nothing; nor is a value
    /// made of the unread line.
    #[test]
    fn an_unread_line_after_the_last_date_makes_it_doubtful() {
        let t = ocr_text(&[
            ("已于2023年3月1日上线试运行。", 99.0),
            ("专家组一致同意该项目通过竣工验收。", 99.0),
            ("〓〓〓〓〓〓〓〓〓〓", 21.0),
        ]);
        let e = final_acceptance(&t);
        let date = date_field(&e).expect("the earlier date is found");
        assert!(date.source.doubt.is_some(), "{:?}", date.source);
        let without = ocr_text(&[
            ("已于2023年3月1日上线试运行。", 99.0),
            ("专家组一致同意该项目通过竣工验收。", 99.0),
        ]);
        assert_eq!(date_field(&final_acceptance(&without)).unwrap().source.doubt, None);
    }

    #[test]
    fn ocr_values_carry_their_line_confidence() {
        let t = ocr_text(&[
            ("竣工验收意见", 77.7),
            ("专家组一致同意该项目通过竣工验收。", 93.2),
            ("2023年6月15日", 91.74),
        ]);
        let e = final_acceptance(&t);
        let date = &e.fields.iter().find(|(k, _)| k == "final_acceptance_date").unwrap().1;
        assert_eq!(date.source.ocr, Some(true));
        assert_eq!(date.source.confidence.map(|c| c.value()), Some(91.7));
        assert_eq!(date.source.page, Some(1));
        let json = serde_json::to_value(&date.source).unwrap();
        assert_eq!(json["confidence"], serde_json::json!(91.7));
        assert_eq!(json["ocr"], serde_json::json!(true));
        // A text layer's source says nothing of OCR.
        let e = final_acceptance(&text(&["2023年6月15日"]));
        let json = serde_json::to_value(&e.fields[0].1.source).unwrap();
        assert!(json.get("ocr").is_none() && json.get("confidence").is_none(), "{json}");
    }

    #[test]
    fn a_value_read_by_ocr_below_ocr_min_confidence_is_kept_with_its_doubt() {
        let min = confidence::DEFAULT_MIN_CONFIDENCE;
        let t = ocr_text(&[("同意通过验收", 90.0), ("2023年6月15日", min - 0.5)]);
        let e = final_acceptance(&t);
        let date = date_field(&e).expect("the date is kept as evidence");
        assert_eq!(
            date.source.doubt.as_deref(),
            Some("OCR confidence 79.5 is below ocr_min_confidence 80")
        );
        // The conclusion, read clearly, has no doubt.
        let passed = e.fields.iter().find(|(k, _)| k == "final_acceptance_passed").unwrap();
        assert_eq!(passed.1.source.doubt, None);
        let t = ocr_text(&[("2023年6月15日", min)]);
        assert_eq!(date_field(&final_acceptance(&t)).unwrap().source.doubt, None);
        // The param is the stage's.
        let mut t = MaterialText::default().with_min_confidence(95.0);
        t.push_ocr("scan.pdf", &[ocr_line("2023年6月15日", 90.0)]);
        assert!(date_field(&final_acceptance(&t)).unwrap().source.doubt.is_some());
    }

    #[test]
    fn the_confidence_of_a_value_is_its_own_characters_not_its_label() {
        // `质保期:36个月` with a blurred colon (30) and clear digits: the value is clear.
        let mut t = MaterialText::default();
        t.push_ocr(
            "plan.pdf",
            &[ocr_chars("质保期:36个月", &[99.0, 99.0, 99.0, 30.0], &[])],
        );
        let e = warranty(&t);
        let f = &e.fields[0].1;
        assert_eq!(f.value, Value::Int(36));
        assert_eq!(f.source.doubt, None, "{:?}", f.source);
        assert_eq!(f.source.confidence.map(|c| c.value()), Some(99.0));
        // A blurred digit (the `6`) makes it doubtful.
        let mut t = MaterialText::default();
        t.push_ocr(
            "plan.pdf",
            &[ocr_chars("质保期:36个月", &[99.0, 99.0, 99.0, 99.0, 99.0, 41.0], &[])],
        );
        assert!(warranty(&t).fields[0].1.source.doubt.is_some());
    }

    #[test]
    fn a_date_under_seal_ink_decides_nothing_unless_the_document_states_it_clearly_elsewhere() {
        // The day `15日` under the seal: sure-looking (99), but doubtful.
        let sealed = ocr_chars("2023年6月15日", &[], &[7, 8, 9]);
        let mut t = MaterialText::default();
        t.push_ocr("a.pdf", &[ocr_line("同意通过验收", 99.0), sealed.clone()]);
        let e = final_acceptance(&t);
        let d = date_field(&e).unwrap();
        assert_eq!(d.source.doubt.as_deref(), Some("seal ink covers 15日"));
        // The same date stated clearly in the first paragraph: that statement decides.
        let mut t = MaterialText::default();
        t.push_ocr(
            "a.pdf",
            &[
                ocr_line("2023年6月15日，某局组织专家组", 99.0),
                ocr_line("同意通过验收", 99.0),
                sealed,
            ],
        );
        let e = final_acceptance(&t);
        let d = date_field(&e).unwrap();
        assert_eq!(d.value, Value::Date(Date::new(2023, 6, 15).unwrap()));
        assert_eq!(d.source.doubt, None);
        // The first paragraph's statement (nothing before it), not the sealed date line (which
        // follows `同意通过验收`).
        assert_eq!(d.source.text.as_deref(), Some("2023年6月15日"), "{:?}", d.source);
    }

    #[test]
    fn dates_one_character_apart_in_an_ocr_document_decide_nothing() {
        let t = ocr_text(&[
            ("2023年6月15日，专家组验收", 99.0),
            ("同意通过验收", 99.0),
            ("2023年6月16日", 99.0),
        ]);
        let d = date_field(&final_acceptance(&t)).cloned().unwrap();
        assert_eq!(d.source.doubt.as_deref(), Some("the document also states 2023-06-15"));
        // In a text layer, two such dates are two dates.
        let d = date_field(&final_acceptance(&text(&["2023年6月15日验收", "2023年6月16日"]))).cloned();
        assert_eq!(d.unwrap().source.doubt, None);
    }

    #[test]
    fn a_malformed_chinese_numeral_date_after_the_last_date_makes_it_doubtful() {
        // `二〇二三年六月未二日` is no date: the last date that parses (the trial run) is not the
        // signing date.
        let t = ocr_text(&[
            ("系统已于2023年3月1日上线试运行", 99.0),
            ("同意通过验收", 99.0),
            ("二〇二三年六月未二日", 99.0),
        ]);
        let d = date_field(&final_acceptance(&t)).cloned().unwrap();
        assert_eq!(d.value, Value::Date(Date::new(2023, 3, 1).unwrap()));
        assert_eq!(
            d.source.doubt.as_deref(),
            Some("二〇二三年六月未二日 is not a well-formed date")
        );
    }

    #[test]
    fn a_signing_date_whose_year_lost_a_character_makes_the_last_date_doubtful() {
        // `二〇二三年` read `二二三年` (the 〇 dropped, the reader sure of it): no date, and the
        // trial-run date before it is not the signing date.
        for signed in ["二二三年六月十五日", "223年6月15日"] {
            let t = ocr_text(&[
                ("系统已于2023年3月1日上线试运行", 99.0),
                ("同意通过验收", 99.0),
                (signed, 99.0),
            ]);
            let d = date_field(&final_acceptance(&t)).cloned().unwrap();
            assert_eq!(
                d.source.doubt.as_deref(),
                Some(format!("{signed} is not a well-formed date").as_str())
            );
        }
    }

    #[test]
    fn a_word_not_found_in_ocr_text_proves_no_absence() {
        let t = ocr_text(&[("本项目落实网络安全等级保护要求", 99.0)]);
        let e = mentions(&t);
        let get = |k: &str| e.fields.iter().find(|(n, _)| n == k).map(|(_, f)| f.clone()).unwrap();
        let cyber = get("mentions_cybersecurity");
        assert_eq!((cyber.value, cyber.source.doubt), (Value::Bool(true), None));
        let crypto = get("mentions_cryptography");
        assert_eq!(crypto.value, Value::Bool(false));
        assert_eq!(
            crypto.source.doubt.as_deref(),
            Some("a word not found in text read by OCR may be misread, not absent")
        );
        assert_eq!(crypto.source.file.as_deref(), Some("scan.pdf"));
        // In a text layer an absence is an absence.
        let e = mentions(&text(&["本项目落实网络安全等级保护要求"]));
        assert!(e.fields.iter().all(|(_, f)| f.source.doubt.is_none()));
        // Missing sections, likewise.
        let e = sections(&t, &[&["绩效目标"]]);
        assert!(e.fields[0].1.source.doubt.is_some());
        let e = sections(&ocr_text(&[("一、绩效目标", 99.0)]), &[&["绩效目标"]]);
        assert_eq!(e.fields[0].1.source.doubt, None);
    }

    #[test]
    fn a_character_a_second_reading_does_not_confirm_makes_its_value_doubtful() {
        let mut line = ocr_chars("日期:2001年3月18日", &[], &[]);
        if let Some(c) = line.chars.get_mut(5) {
            c.unstable = true; // the `0` of 2001
        }
        let mut t = MaterialText::default();
        t.push_ocr("a.pdf", &[ocr_line("同意通过验收", 99.0), line]);
        let d = date_field(&final_acceptance(&t)).cloned().unwrap();
        assert_eq!(
            d.source.doubt.as_deref(),
            Some("0 read otherwise when the line is read again")
        );
    }

    #[test]
    fn warranty_statements_read_by_ocr_that_disagree_decide_nothing() {
        let t = ocr_text(&[("免费质保期为三年", 99.0), ("质保期:16个月", 99.0)]);
        let f = &warranty(&t).fields[0].1;
        assert_eq!(f.value, Value::Int(16));
        assert_eq!(f.source.doubt.as_deref(), Some("the document also states 36 months"));
        // In a text layer the strictest statement decides (SPEC §6).
        let t = text(&["免费质保期为三年", "质保期:16个月"]);
        assert_eq!(warranty(&t).fields[0].1.source.doubt, None);
    }

    #[test]
    fn the_last_date_is_doubtful_when_text_after_it_is_not_read_clearly() {
        let t = ocr_text(&[("同意通过验收", 99.0), ("2023年6月15日", 99.0), ("某某某", 35.0)]);
        let d = date_field(&final_acceptance(&t)).cloned().unwrap();
        assert_eq!(
            d.source.doubt.as_deref(),
            Some("the text after it is not read clearly (OCR confidence 35.0)")
        );
    }

    #[test]
    fn a_passed_conclusion_is_as_sure_as_the_characters_before_it() {
        // `不同意…通过` with the `不` read at 40: whatever was read there, the conclusion is doubtful.
        let mut t = MaterialText::default();
        t.push_ocr(
            "a.pdf",
            &[ocr_chars(
                "专家组一致同意该项目通过验收",
                &[99.0, 99.0, 99.0, 40.0],
                &[],
            )],
        );
        let e = final_acceptance(&t);
        let passed = &e.fields.iter().find(|(k, _)| k == "final_acceptance_passed").unwrap().1;
        assert_eq!(passed.value, Value::Bool(true));
        assert!(passed.source.doubt.is_some(), "{:?}", passed.source);
    }

    #[test]
    fn an_mlps_filing_number_read_by_ocr_out_of_form_or_not_found_is_doubtful() {
        let t = ocr_text(&[("备案编号:11010843001一00001", 99.0)]);
        let f = &mlps(&t).fields[0].1;
        assert_eq!(f.value, Value::Text("11010843001".into()));
        assert!(
            f.source.doubt.as_deref().unwrap().contains("not of the form"),
            "{:?}",
            f.source
        );
        let t = ocr_text(&[("信息系统安全等级保护备案证明", 99.0)]);
        let e = mlps(&t);
        let f = &e.fields.iter().find(|(k, _)| k == "mlps_filing_number").unwrap().1;
        assert!(f.source.doubt.is_some());
        // In a text layer, a number out of form is simply not read.
        assert!(mlps(&text(&["备案编号:11010843001一00001"])).fields.is_empty());
    }

    fn text(lines: &[&str]) -> MaterialText {
        let doc = Document {
            lines: lines
                .iter()
                .map(|l| Line {
                    text: l.to_string(),
                    page: Some(1),
                })
                .collect(),
            ..Document::default()
        };
        let mut t = MaterialText::default();
        t.push("a/x.pdf", &doc);
        t
    }

    fn get<'a>(e: &'a Extracted, name: &str) -> Option<&'a Value> {
        e.fields.iter().find(|(n, _)| n == name).map(|(_, f)| &f.value)
    }

    fn date(s: &str) -> Value {
        match values::parse_date(s) {
            DateParse::Date(d) => Value::Date(d),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn acceptance_date_prefers_the_label_and_spaces_do_not_matter() {
        let e = final_acceptance(&text(&[
            "某项目竣工验收意见",
            "会议日期：2020 年 5 月",
            " 5 日",
            "2020年4月1日完成试运行",
            "日期：2020-06-01",
        ]));
        assert_eq!(get(&e, "final_acceptance_date"), Some(&date("2020-05-05")));
        let e = final_acceptance(&text(&[
            "2019年3月4日获得立项批复",
            "专家组同意通过验收",
            "二〇二〇年八月五日",
        ]));
        assert_eq!(get(&e, "final_acceptance_date"), Some(&date("2020-08-05")));
        assert_eq!(get(&e, "final_acceptance_passed"), Some(&Value::Bool(true)));
    }

    #[test]
    fn a_refusal_is_not_a_pass() {
        let e = final_acceptance(&text(&["专家组不同意该项目通过竣工验收。"]));
        assert_eq!(get(&e, "final_acceptance_passed"), Some(&Value::Bool(false)));
        let e = final_acceptance(&text(&["专家组听取了汇报。"]));
        assert_eq!(get(&e, "final_acceptance_passed"), None);
        let e = final_acceptance(&text(&["验收结论：验收合格"]));
        assert_eq!(get(&e, "final_acceptance_passed"), Some(&Value::Bool(true)));
    }

    #[test]
    fn warranty_takes_the_strictest_statement_and_keeps_all() {
        let e = warranty(&text(&[
            "本项目软硬件保修期为5年。",
            "其中软件免费质保期 23 个月，自2021年3月15日起计算",
        ]));
        assert_eq!(get(&e, "warranty_months"), Some(&Value::Int(23)));
        let f = &e.fields[0].1;
        assert_eq!(f.statements.len(), 2);
        let e = warranty(&text(&["保修期限不少于两年"]));
        assert_eq!(get(&e, "warranty_months"), Some(&Value::Int(24)));
        let e = warranty(&text(&["乙方提供3年免费保修服务"]));
        assert_eq!(get(&e, "warranty_months"), Some(&Value::Int(36)));
        let e = warranty(&text(&["保修期自2021年3月15日起计算"]));
        assert_eq!(get(&e, "warranty_months"), None, "a date is not a period");
        let e = warranty(&text(&["维保期一年半"]));
        assert_eq!(get(&e, "warranty_months"), Some(&Value::Int(18)));
        let e = warranty(&text(&["本方案未写期限"]));
        assert!(e.fields.is_empty());
    }

    #[test]
    fn list_approval_validity_in_each_form() {
        let e = list_approval(&text(&[
            "本批复自印发之日起 18 个月内有效",
            "北京市经济和信息化局",
            "2020-03-25",
        ]));
        assert_eq!(get(&e, "list_approval_date"), Some(&date("2020-03-25")));
        assert_eq!(get(&e, "list_approval_valid_until"), Some(&date("2021-09-25")));
        let e = list_approval(&text(&["有效期为一年。", "2021年8月31日"]));
        assert_eq!(get(&e, "list_approval_valid_until"), Some(&date("2022-08-31")));
        let e = list_approval(&text(&[
            "发文日期：2021年1月18日",
            "有效期至2021年7月18日。",
            "抄送：2021年1月20日",
        ]));
        assert_eq!(get(&e, "list_approval_date"), Some(&date("2021-01-18")));
        assert_eq!(get(&e, "list_approval_valid_until"), Some(&date("2021-07-18")));
        let e = list_approval(&text(&["同意纳入清单。", "2021年1月18日"]));
        assert_eq!(get(&e, "list_approval_valid_until"), None);
    }

    #[test]
    fn mlps_number_must_have_the_official_form() {
        let e = mlps(&text(&["该系统安全保护等级为第三级", "备案编号：11011652204-77896"]));
        assert_eq!(
            get(&e, "mlps_filing_number"),
            Some(&Value::Text("11011652204-77896".into()))
        );
        assert_eq!(get(&e, "mlps_level"), Some(&Value::Int(3)));
        let e = mlps(&text(&["备案编号：11012084-6469", "定级为二级"]));
        assert_eq!(get(&e, "mlps_filing_number"), None);
        assert_eq!(get(&e, "mlps_level"), Some(&Value::Int(2)));
    }

    #[test]
    fn financial_numerals_state_numbers_in_every_number_pattern() {
        // SPEC §7: numbers include the financial numerals; every §6 pattern that takes a number
        // takes them.
        let e = warranty(&text(&["质保期：贰年"]));
        assert_eq!(get(&e, "warranty_months"), Some(&Value::Int(24)));
        let e = warranty(&text(&["免费保修期为拾捌个月"]));
        assert_eq!(get(&e, "warranty_months"), Some(&Value::Int(18)));
        let e = warranty(&text(&["提供叁年免费质保"]));
        assert_eq!(get(&e, "warranty_months"), Some(&Value::Int(36)));
        let e = warranty(&text(&["保修期限不少于貳年"]));
        assert_eq!(get(&e, "warranty_months"), Some(&Value::Int(24)));
        let e = list_approval(&text(&["有效期为壹年。", "2021年8月31日"]));
        assert_eq!(get(&e, "list_approval_valid_until"), Some(&date("2022-08-31")));
        let e = list_approval(&text(&["本批复陆个月内有效", "2021年1月18日"]));
        assert_eq!(get(&e, "list_approval_valid_until"), Some(&date("2021-07-18")));
        let e = mlps(&text(&["该系统安全保护等级为第叁级"]));
        assert_eq!(get(&e, "mlps_level"), Some(&Value::Int(3)));
        let e = mlps(&text(&["定级为第六级"]));
        assert_eq!(get(&e, "mlps_level"), None, "there is no sixth level");
        let d = declared_investment(&text(&["项目总投资壹仟贰佰万元"]));
        assert_eq!(d.map(|(wan, _)| wan), Some(1200.0));
    }

    #[test]
    fn missing_sections_are_named_in_spec_order() {
        let e = sections(
            &text(&["二、项目背景", "三、项目必要性", "五、项目投资", "六、数据汇聚共享情况"]),
            &ADDITION_SECTIONS,
        );
        assert_eq!(
            get(&e, "missing_sections"),
            Some(&Value::List(vec!["三定职责".into(), "预期绩效".into()]))
        );
        let e = sections(&text(&["总投资1000万元"]), &ADDITION_SECTIONS);
        let Some(Value::List(m)) = get(&e, "missing_sections") else {
            panic!()
        };
        assert!(!m.contains(&"项目投资".to_string()));
    }

    #[test]
    fn funding_authority_by_the_reviewing_body() {
        assert_eq!(
            get(
                &funding_authority(&text(&["经市财政局审核，资金已纳入预算"])),
                "funding_authority"
            ),
            Some(&Value::Text("finance".into()))
        );
        assert_eq!(
            get(&funding_authority(&text(&["经市发展改革委审定"])), "funding_authority"),
            Some(&Value::Text("drc".into()))
        );
        let both = funding_authority(&text(&[
            "按规定报市发展改革委或市财政局",
            "经市发展改革委审定，资金有保障",
        ]));
        assert_eq!(get(&both, "funding_authority"), Some(&Value::Text("drc".into())));
        assert!(funding_authority(&text(&["资金已落实"])).fields.is_empty());
    }
}
