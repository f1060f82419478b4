//! Normalisation of file names, keywords and table labels, so that the same words match however
//! an office wrote them (full-width digits, numbering prefixes, spaces, bracketed units).

use std::sync::LazyLock;

use regex::Regex;
use unicode_normalization::UnicodeNormalization;

/// Compiles a pattern that is a constant of this crate (the `LazyLock` regex statics of every
/// module use it). Such a pattern cannot fail at run time once it compiles at all, and the test
/// `every_constant_regex_compiles` below forces every one of them, so a bad pattern fails the
/// tests, not a review.
pub(crate) fn regex(pattern: &str) -> Regex {
    #[allow(clippy::expect_used)]
    Regex::new(pattern).expect("constant pattern")
}

/// Every `LazyLock` regex of this module, for `every_constant_regex_compiles`.
#[cfg(test)]
pub(crate) fn constant_regexes() -> Vec<&'static LazyLock<Regex>> {
    vec![&PREFIX, &DIGITS, &BRACKETED]
}

/// NFKC with every whitespace character removed.
fn nfkc_no_space(s: &str) -> String {
    s.nfkc()
        .filter(|c| !c.is_whitespace() && *c != '\u{200b}' && *c != '\u{feff}')
        .collect()
}

/// A keyword or a stage word as the matcher compares it: NFKC, no spaces.
pub fn normalize_keyword(s: &str) -> String {
    nfkc_no_space(s)
}

// SPEC §4: "leading numbering removed (`01-`, `1.`, `1、`, `（一）`, `附件1-`, `附件一：`)".
// Applied after NFKC, so full-width forms (`０１－`, `（一）`, `：`) arrive here as ASCII.
static PREFIX: LazyLock<Regex> = LazyLock::new(|| {
    regex(concat!(
        r"^(?:附件[0-9一二三四五六七八九十〇零]*",
        r"|第[0-9一二三四五六七八九十]+(?:部分|项|章|册|篇)",
        r"|[(\[【][0-9一二三四五六七八九十]{1,3}[)\]】]",
        r"|[一二三四五六七八九十]{1,3}[、.:])",
    ))
});
static DIGITS: LazyLock<Regex> = LazyLock::new(|| regex(r"^[0-9]{1,3}(?:\.[0-9]{1,3})*"));
const SEPARATORS: &[char] = &['-', '_', '.', '、', ':', ')', ']', '】', '—', '―', '~', ',', '，'];

/// How many leading bytes of `s` are numbering, or 0.
fn numbering_len(s: &str) -> usize {
    let end = if let Some(m) = PREFIX.find(s) {
        m.end()
    } else if let Some(m) = DIGITS.find(s) {
        // Digits are numbering when a separator or a CJK character follows; a number directly
        // followed by 年/月/日/号 or by Latin text is part of the name (`2022年度…`, `5G专网…`).
        match s[m.end()..].chars().next() {
            Some(c) if SEPARATORS.contains(&c) => m.end(),
            Some(c) if is_han(c) && !matches!(c, '年' | '月' | '日' | '号' | '期' | '个' | '万') => m.end(),
            _ => 0,
        }
    } else {
        0
    };
    let rest = &s[end..];
    end + (rest.len() - rest.trim_start_matches(SEPARATORS).len())
}

fn is_han(c: char) -> bool {
    matches!(c as u32, 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x2FA1F)
}

/// SPEC §4 name normalisation: the base name (folders dropped), NFKC, spaces removed, the last
/// `.suffix` dropped, leading numbering removed (repeatedly: `附件1-01-…`). Version and date
/// suffixes are kept.
pub fn normalize_file_name(path: &str) -> String {
    let mut s = nfkc_no_space(base_name(path));
    if let Some(dot) = s.rfind('.') {
        let suffix = &s[dot + 1..];
        if dot > 0 && !suffix.is_empty() && suffix.len() <= 5 && suffix.chars().all(|c| c.is_ascii_alphanumeric()) {
            s.truncate(dot);
        }
    }
    for _ in 0..4 {
        let n = numbering_len(&s);
        // Numbering that is the whole name (`附件1.pdf`) stays: it is all the name says.
        if n == 0 || n >= s.len() {
            break;
        }
        s.replace_range(..n, "");
    }
    s
}

/// The last path component (after `/`).
pub fn base_name(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

// SPEC §5: "Headers are matched after NFKC, removing spaces, line breaks and bracketed units
// (`（万元）`, `(必填)`)."
static BRACKETED: LazyLock<Regex> = LazyLock::new(|| regex(r"\([^()]*\)|\[[^\[\]]*\]|【[^【】]*】"));

/// A table header or a basic-info label as compared with the known labels: NFKC, spaces and
/// line breaks removed, bracketed units removed, a trailing colon and leading `*` (required
/// marker) removed.
pub fn normalize_label(s: &str) -> String {
    let s = nfkc_no_space(s);
    let s = BRACKETED.replace_all(&s, "");
    s.trim_start_matches(['*', '★'])
        .trim_end_matches([':', '*'])
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Forces every `LazyLock` regex of the crate, so that a pattern that does not compile fails
    /// here rather than panicking in [`regex`] during a review. A module that adds a regex static
    /// lists it in its `constant_regexes`.
    #[test]
    fn every_constant_regex_compiles() {
        let all = constant_regexes().into_iter().chain(crate::fields::constant_regexes());
        for r in all {
            LazyLock::force(r);
        }
    }

    #[test]
    fn numbering_prefixes_are_removed() {
        for (raw, want) in [
            ("01-项目基本情况表.xlsx", "项目基本情况表"),
            ("1.投入使用申请函.pdf", "投入使用申请函"),
            ("1、投入使用申请函.pdf", "投入使用申请函"),
            ("（一）运维方案.docx", "运维方案"),
            ("(1)运维方案.docx", "运维方案"),
            ("附件1-保修方案.pdf", "保修方案"),
            ("附件一：保修方案.pdf", "保修方案"),
            ("附件3 项目竣工验收意见.pdf", "项目竣工验收意见"),
            ("０１－项目基本情况表.xlsx", "项目基本情况表"),
            ("１．需求规格说明书.docx", "需求规格说明书"),
            ("附件1-01-需求规格说明书.docx", "需求规格说明书"),
            ("3.1.2 详细设计说明书.docx", "详细设计说明书"),
            ("第二部分 详细设计说明书.docx", "详细设计说明书"),
            ("二、运维方案.doc", "运维方案"),
            ("10项目总结报告.docx", "项目总结报告"),
            ("a/b/申报材料/项目 总结 报告.docx", "项目总结报告"),
        ] {
            assert_eq!(normalize_file_name(raw), want, "{raw}");
        }
    }

    #[test]
    fn years_versions_and_dates_are_kept() {
        assert_eq!(normalize_file_name("2022年度实施计划.docx"), "2022年度实施计划");
        assert_eq!(normalize_file_name("运维方案v2.0.docx"), "运维方案v2.0");
        assert_eq!(normalize_file_name("运维方案(2021.5).docx"), "运维方案(2021.5)");
        assert_eq!(normalize_file_name("01-2021年绩效自评报告.docx"), "2021年绩效自评报告");
        assert_eq!(normalize_file_name("附件.pdf"), "附件");
    }

    #[test]
    fn labels_lose_units_marks_and_spaces() {
        assert_eq!(normalize_label("项目金额（万元）"), "项目金额");
        assert_eq!(normalize_label("*项目名称(必填)："), "项目名称");
        assert_eq!(normalize_label("申报\n日期"), "申报日期");
        assert_eq!(normalize_label(" 是否涉密 "), "是否涉密");
    }
}
