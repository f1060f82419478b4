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
}

/// Lowest OCR line confidence (0–100) at which a date read by OCR may decide a check.
///
/// Tesseract's confidence on clean scanned print is 85–95; a line read at under 60 is one where
/// a seal, a signature or noise crosses the characters, and there a digit is as likely misread
/// (`15日` as `16日`, `6月` as `8月`) as not. A misread date would silently move a deadline, so
/// such a date is not emitted and the check it feeds stays undetermined for a person to read.
pub const MIN_OCR_DATE_CONFIDENCE: f32 = 60.0;

impl MaterialText {
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

    /// Adds the lines OCR read from a scanned document: (text, page, confidence 0–100).
    pub fn push_ocr(&mut self, file: &str, lines: &[(String, Option<u32>, f32)]) {
        let idx = self.files.len();
        self.files.push(file.to_string());
        for (text, page, confidence) in lines {
            let start = self.compact.len();
            self.compact
                .extend(text.nfkc().filter(|c| !c.is_whitespace() && *c != '\u{200b}'));
            if self.compact.len() > start {
                self.segments.push((start, idx, *page, Some(*confidence)));
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
    pub fn source(&self, range: Range<usize>) -> Source {
        let seg = self
            .segments
            .iter()
            .rev()
            .find(|(start, _, _, _)| *start <= range.start);
        let (file, page) = seg.map_or((self.files.first().cloned(), None), |(_, f, p, _)| {
            (self.files.get(*f).cloned(), *p)
        });
        // The lowest confidence of the OCR lines the range overlaps.
        let confidence = self
            .segments
            .iter()
            .enumerate()
            .filter(|(i, (start, ..))| {
                let end = self.segments.get(i + 1).map_or(self.compact.len(), |s| s.0);
                *start < range.end.max(range.start + 1) && end > range.start
            })
            .filter_map(|(_, (.., c))| *c)
            .reduce(f32::min);
        let from = floor_char(&self.compact, range.start.saturating_sub(12));
        let to = floor_char(&self.compact, range.end.min(self.compact.len()));
        Source {
            file,
            page,
            text: self.compact.get(from..to).map(str::to_string),
            ocr: confidence.map(|_| true),
            confidence: confidence.map(crate::finding::Confidence::new),
            ..Source::default()
        }
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
    fn put(&mut self, name: &str, value: Value, source: Source) {
        // A date read by OCR at low confidence decides nothing (see MIN_OCR_DATE_CONFIDENCE).
        if matches!(value, Value::Date(_)) && source.confidence.is_some_and(|c| c.value() < MIN_OCR_DATE_CONFIDENCE) {
            return;
        }
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
                Finding::new(Code::ValueBadDate, format!("{year}-{month}-{day} is not a real day")).at(t.source(r)),
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
        out.put("final_acceptance_date", Value::Date(d), t.source(r));
    }
    if let Some(m) = NOT_PASSED.find(t.text()) {
        out.put("final_acceptance_passed", Value::Bool(false), t.source(m.range()));
    } else if let Some(m) = PASSED.find(t.text()) {
        out.put("final_acceptance_passed", Value::Bool(true), t.source(m.range()));
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
    let mut found: Vec<(Range<usize>, u32)> = Vec::new();
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
                    .any(|(r, _)| r.start < whole.end() && whole.start() < r.end)
                {
                    found.push((whole.range(), m));
                }
            }
        }
    }
    found.sort_by_key(|(r, _)| r.start);
    if let Some((r, m)) = found.iter().min_by_key(|(r, m)| (*m, r.start)).cloned() {
        let statements = found
            .iter()
            .map(|(r, m)| Field {
                value: Value::Int(i64::from(*m)),
                source: t.source(r.clone()),
                statements: Vec::new(),
            })
            .collect();
        out.fields.push((
            "warranty_months".to_string(),
            Field {
                value: Value::Int(i64::from(m)),
                source: t.source(r),
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
    if let Some((r, d)) = &issued {
        out.put("list_approval_date", Value::Date(*d), t.source(r.clone()));
    }
    let text = t.text();
    for m in VALID_UNTIL.find_iter(text) {
        if let Some((r, d)) = ds.iter().find(|(r, _)| r.start >= m.end() && r.start <= m.end() + 3) {
            out.put("list_approval_valid_until", Value::Date(*d), t.source(m.start()..r.end));
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
                out.put("list_approval_valid_until", Value::Date(until), t.source(whole));
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
    Some((wan, t.source(whole.range())))
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
            None => out.put(name, Value::Bool(false), t.source(0..0)),
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
            if FILING_FORM.is_match(&value) {
                out.put(
                    "mlps_filing_number",
                    Value::Text(value),
                    t.source(c.get(0).map_or(0..0, |m| m.range())),
                );
            }
        }
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
    out.put("missing_sections", Value::List(missing), t.source(0..0));
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

    fn ocr_text(lines: &[(&str, f32)]) -> MaterialText {
        let lines: Vec<(String, Option<u32>, f32)> = lines.iter().map(|(t, c)| (t.to_string(), Some(1), *c)).collect();
        let mut t = MaterialText::default();
        t.push_ocr("scan.pdf", &lines);
        t
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
    fn a_date_read_by_ocr_at_low_confidence_decides_nothing() {
        let low = MIN_OCR_DATE_CONFIDENCE - 0.5;
        let t = ocr_text(&[("同意通过验收", 90.0), ("2023年6月15日", low)]);
        let e = final_acceptance(&t);
        assert!(
            e.fields.iter().all(|(k, _)| k != "final_acceptance_date"),
            "{:?}",
            e.fields
        );
        // The conclusion, not a date, is still read.
        assert!(e.fields.iter().any(|(k, _)| k == "final_acceptance_passed"));
        let t = ocr_text(&[("2023年6月15日", MIN_OCR_DATE_CONFIDENCE)]);
        assert!(final_acceptance(&t)
            .fields
            .iter()
            .any(|(k, _)| k == "final_acceptance_date"));
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
