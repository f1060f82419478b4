//! When a value read by OCR may decide a check (SPEC §6): "A value read by OCR carries its
//! confidence and decides nothing — its check is `undetermined`, the value shown as evidence —
//! when its confidence is below `ocr_min_confidence` (param), when seal ink covers its
//! characters, when the same document states it otherwise elsewhere, or when it is not well
//! formed (a Chinese-numeral date with a foreign character). An OCR value is either right or
//! undetermined, never silently wrong."
//!
//! Line confidence alone is not enough: a recogniser reads a sealed `十二日` as `二日` and is sure
//! of it. So each rule here looks at something the recogniser's own score does not:
//!
//! - [`Doubt::LowConfidence`]: the lowest confidence of the value's own characters (not the
//!   line's mean) is below `ocr_min_confidence`.
//! - [`Doubt::UnderSeal`]: seal ink covers one of the value's characters.
//! - [`Doubt::Unstable`]: read again at another scale, one of its characters comes out
//!   otherwise (a 72-dpi `2021` read as `2001` at 0.93, and as `2021` at 0.8 of the size).
//! - [`Doubt::StatedOtherwise`]: the document states a date one character away from it
//!   (`2023-06-15` and `2023-06-16`, `6月` and `8月`): the same date with one of the two misread,
//!   and which one cannot be told.
//! - [`Doubt::Malformed`]: a date-like span (`二〇二三年六月未二日`) that is no date stands where
//!   the value would have been read, so the value the rule would pick instead is not the one the
//!   document means.
//!
//! - [`Doubt::AbsenceNotProven`]: a conclusion drawn from a word *not* found (no mention of 密码,
//!   a missing section) in text read by OCR: OCR cannot prove an absence.
//!
//! A doubtful value is kept, with its reason, as evidence; the checks do not use it.

use std::ops::Range;
use std::sync::LazyLock;

use regex::Regex;

/// The default of the `ocr_min_confidence` param (0–100): the lowest confidence of a value's
/// characters at which it may decide a check.
///
/// Measured on `fixtures/scans/`: PP-OCR reads clean print at 95–100 a character and Tesseract
/// at 85–95 a word; a character crossed by a seal, a signature or noise falls to 30–75, where a
/// digit is as likely misread (`15` as `16`, `6` as `8`) as not.
pub const DEFAULT_MIN_CONFIDENCE: f32 = 80.0;

/// The name of the param in the stage schemas.
pub const PARAM: &str = "ocr_min_confidence";

/// Why an OCR value decides nothing.
#[derive(Debug, Clone, PartialEq)]
pub enum Doubt {
    LowConfidence {
        confidence: f32,
        min: f32,
    },
    UnderSeal {
        chars: String,
    },
    Unstable {
        chars: String,
    },
    StatedOtherwise {
        other: String,
    },
    Malformed {
        text: String,
    },
    /// A conclusion from words not found (`mentions_cryptography` false, missing sections) in
    /// text read by OCR.
    AbsenceNotProven,
}

impl std::fmt::Display for Doubt {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Doubt::LowConfidence { confidence, min } => {
                write!(f, "OCR confidence {confidence:.1} is below ocr_min_confidence {min}")
            }
            Doubt::UnderSeal { chars } => write!(f, "seal ink covers {chars}"),
            Doubt::Unstable { chars } => write!(f, "{chars} read otherwise when the line is read again"),
            Doubt::StatedOtherwise { other } => write!(f, "the document also states {other}"),
            Doubt::Malformed { text } => write!(f, "{text} is not a well-formed date"),
            Doubt::AbsenceNotProven => {
                write!(f, "a word not found in text read by OCR may be misread, not absent")
            }
        }
    }
}

/// True when two ISO dates (`2023-06-15`) differ in exactly one character: one is likely a
/// misreading of the other.
pub fn one_char_apart(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.chars().zip(b.chars()).filter(|(x, y)| x != y).count() == 1
}

/// A Chinese-numeral or Arabic year, 年, up to three characters, 月, then up to five characters
/// and 日 if they are there: the start of a date, whatever the characters between. A date under
/// a seal loses or changes its end (`二〇二三年六月个五`, `2023年6月15月`), not its start. The
/// year is three to five characters: a recogniser drops a character of a year, and is sure of
/// it (`二〇二三年` read `二二三年` at 0.95: the 〇 of a bold or serif face), or doubles one.
static DATE_SHAPE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?:[0-9]{3,5}|[〇零○O0一二三四五六七八九]{3,5})年[^年月日。，,；;]{1,3}月(?:[^年月日。，,；;]{1,5}日)?",
    )
    .unwrap_or_else(|e| panic!("date shape pattern: {e}"))
});

/// The spans of `text` shaped like the start of a date (year, 年, …月) that overlap none of
/// `dates`, the dates that parsed: dates with a foreign character (`二〇二三年六月未二日`) or
/// whose end was lost (`二〇二三年六月个五`).
pub fn malformed_dates(text: &str, dates: &[Range<usize>]) -> Vec<Range<usize>> {
    DATE_SHAPE
        .find_iter(text)
        .map(|m| m.range())
        .filter(|r| !dates.iter().any(|d| d.start < r.end && r.start < d.end))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_one_character_apart_are_a_likely_misreading() {
        assert!(one_char_apart("2023-06-15", "2023-06-16"));
        assert!(one_char_apart("2023-06-15", "2023-08-15"));
        assert!(!one_char_apart("2023-06-15", "2023-06-15"));
        assert!(!one_char_apart("2023-06-15", "2024-07-15"));
        assert!(!one_char_apart("2023-06-15", "2023-6-15"));
    }

    #[test]
    fn a_date_with_a_foreign_character_is_malformed_and_a_parsed_one_is_not() {
        let text = "二〇二三年六月未二日专家组组长";
        assert_eq!(malformed_dates(text, &[]), vec![0.."二〇二三年六月未二日".len()]);
        // The same span, parsed as a date: not malformed.
        let parsed = 0.."二〇二三年六月十二日".len();
        assert!(malformed_dates("二〇二三年六月十二日", &[parsed]).is_empty());
        assert_eq!(malformed_dates("2023年6月1S日", &[]).len(), 1);
        // The end lost or changed under a seal.
        assert_eq!(
            malformed_dates("二〇二三年六月个五", &[]),
            vec![0.."二〇二三年六月".len()]
        );
        assert_eq!(malformed_dates("2023年6月15月", &[]), vec![0.."2023年6月".len()]);
        // A year with a character dropped or doubled.
        assert_eq!(malformed_dates("二二三年六月十五日", &[]).len(), 1);
        assert_eq!(malformed_dates("223年6月15日", &[]).len(), 1);
        assert_eq!(malformed_dates("二〇〇二三年六月十五日", &[]).len(), 1);
        assert!(malformed_dates("保修期三年，自二〇二三年起", &[]).is_empty());
        assert!(malformed_dates("本项目于六月完成", &[]).is_empty());
    }

    #[test]
    fn doubts_say_why_in_words() {
        let d = Doubt::LowConfidence {
            confidence: 45.04,
            min: 80.0,
        };
        assert_eq!(d.to_string(), "OCR confidence 45.0 is below ocr_min_confidence 80");
        assert_eq!(
            Doubt::UnderSeal { chars: "15日".into() }.to_string(),
            "seal ink covers 15日"
        );
    }
}
