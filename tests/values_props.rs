//! Property tests of the value parsers (SPEC §7): every date printed in each written form parses
//! back to itself, Chinese numerals round-trip, percents and months convert, and no input makes
//! a parser panic.

use pingshen::values::{
    find_dates, parse_bool, parse_cn_integer, parse_date, parse_months, parse_number, parse_percent, parse_year, Date,
    DateParse,
};
use proptest::prelude::*;

const DIGITS: [char; 10] = ['〇', '一', '二', '三', '四', '五', '六', '七', '八', '九'];
const FINANCIAL: [char; 10] = ['零', '壹', '贰', '叁', '肆', '伍', '陆', '柒', '捌', '玖'];

/// 2021 → 二〇二一 (digit by digit, as years are written), with a chosen zero.
fn cn_year(y: i32, zero: char) -> String {
    y.to_string()
        .chars()
        .map(|c| {
            if c == '0' {
                zero
            } else {
                DIGITS[c.to_digit(10).unwrap() as usize]
            }
        })
        .collect()
}

/// 1..=99 → 一 … 九十九 (as months and days are written).
fn cn_small(n: u32) -> String {
    let (t, u) = (n / 10, n % 10);
    let mut s = String::new();
    if t > 1 {
        s.push(DIGITS[t as usize]);
    }
    if t >= 1 {
        s.push('十');
    }
    if u > 0 {
        s.push(DIGITS[u as usize]);
    }
    s
}

/// Any number 0..100 000 in Chinese (optionally financial) numerals.
fn cn_number(n: u64, financial: bool) -> String {
    let digits = if financial { FINANCIAL } else { DIGITS };
    let units = if financial {
        ['拾', '佰', '仟', '万']
    } else {
        ['十', '百', '千', '万']
    };
    if n == 0 {
        return digits[0].to_string();
    }
    let parts: Vec<u32> = (0..5).map(|i| ((n / 10u64.pow(i)) % 10) as u32).collect();
    let mut s = String::new();
    let mut zero_pending = false;
    for i in (0..5).rev() {
        let d = parts[i];
        if d == 0 {
            if !s.is_empty() {
                zero_pending = true;
            }
            continue;
        }
        if zero_pending {
            s.push(digits[0]);
            zero_pending = false;
        }
        s.push(digits[d as usize]);
        if i > 0 {
            s.push(units[i - 1]);
        }
    }
    s
}

fn full_width(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_ascii_digit() {
                char::from_u32(c as u32 - '0' as u32 + 0xFF10).unwrap()
            } else {
                c
            }
        })
        .collect()
}

fn any_date() -> impl Strategy<Value = Date> {
    (1990i32..2040, 1u32..=12, 1u32..=31).prop_filter_map("real day", |(y, m, d)| Date::new(y, m, d))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    #[test]
    fn every_written_form_of_a_date_parses_back(d in any_date(), zero in prop::sample::select(vec!['〇', '○', '零', 'O'])) {
        let (y, m, dd) = (d.year(), d.month(), d.day());
        let forms = [
            format!("{y:04}-{m:02}-{dd:02}"),
            format!("{y}/{m}/{dd}"),
            format!("{y}.{m}.{dd}"),
            format!("{y}年{m}月{dd}日"),
            format!("{y} 年 {m} 月 {dd} 日"),
            full_width(&format!("{y}年{m}月{dd}日")),
            format!("{}年{}月{}日", cn_year(y, zero), cn_small(m), cn_small(dd)),
        ];
        for f in forms {
            prop_assert_eq!(parse_date(&f), DateParse::Date(d), "{}", f);
            let found = find_dates(&format!("于{f}召开"));
            prop_assert_eq!(found.len(), 1, "{}", f);
            prop_assert_eq!(found[0].1, DateParse::Date(d));
        }
    }

    #[test]
    fn excel_serials_round_trip_in_both_date_systems(d in any_date(), date1904 in any::<bool>(), time in 0.0f64..0.999) {
        let serial = d.to_excel_serial(date1904);
        prop_assert_eq!(Date::from_excel_serial(serial + time, date1904), Some(d));
    }

    #[test]
    fn add_months_lands_in_the_right_month_and_clamps(d in any_date(), n in -60i32..60) {
        let r = d.add_months(n).unwrap();
        let months = |x: Date| x.year() * 12 + x.month() as i32;
        prop_assert_eq!(months(r) - months(d), n);
        prop_assert!(r.day() <= d.day());
        if r.day() < d.day() {
            // Clamped: the result is the last day of its month.
            prop_assert!(Date::new(r.year(), r.month(), r.day() + 1).is_none());
        }
    }

    #[test]
    fn a_digit_right_after_a_date_is_not_a_date(d in any_date(), tail in 0u32..10) {
        let text = format!("{}{tail}", d.to_string().replace('-', ""));
        prop_assert!(find_dates(&text).iter().all(|(_, p)| *p != DateParse::Date(d)));
        let text = format!("{}-{:02}-{:02}{tail}", d.year(), d.month(), d.day());
        prop_assert!(find_dates(&text).is_empty(), "{}", text);
    }

    #[test]
    fn chinese_numerals_round_trip(n in 0u64..100_000, financial in any::<bool>()) {
        prop_assert_eq!(parse_cn_integer(&cn_number(n, financial)), Some(n));
        prop_assert_eq!(parse_cn_integer(&n.to_string()), Some(n));
    }

    #[test]
    fn numbers_with_thousands_separators(n in 0u64..10_000_000, cents in 0u64..100) {
        let s = n.to_string();
        let grouped: String = s.chars().rev().collect::<Vec<_>>().chunks(3).map(|c| c.iter().collect::<String>()).collect::<Vec<_>>().join(",").chars().rev().collect();
        let v = parse_number(&format!("{grouped}.{cents:02}")).unwrap();
        prop_assert!((v - (n as f64 + cents as f64 / 100.0)).abs() < 1e-6);
    }

    #[test]
    fn percents_on_the_0_to_100_scale(p in 0u32..=10_000) {
        let v = f64::from(p) / 100.0;
        prop_assert_eq!(parse_percent(&format!("{v}%")), Some(v));
        prop_assert_eq!(parse_percent(&format!("{v}％")), Some(v));
        if v > 1.0 {
            prop_assert_eq!(parse_percent(&format!("{v}")), Some(v));
        } else {
            prop_assert_eq!(parse_percent(&format!("{v}")), Some((v * 100.0 * 100.0).round() / 100.0));
        }
    }

    #[test]
    fn months_from_years_and_months(n in 1u32..40) {
        prop_assert_eq!(parse_months(&format!("{n}年")), Some(n * 12));
        prop_assert_eq!(parse_months(&format!("{n}个月")), Some(n));
        prop_assert_eq!(parse_months(&format!("{}个月", cn_number(u64::from(n), false))), Some(n));
    }

    #[test]
    fn years_in_every_form(y in 1990i32..2100) {
        prop_assert_eq!(parse_year(&y.to_string()), Some(y));
        prop_assert_eq!(parse_year(&format!("{y}年")), Some(y));
        prop_assert_eq!(parse_year(&format!("{y}.0")), Some(y));
        prop_assert_eq!(parse_year(&format!("{}年", cn_year(y, '〇'))), Some(y));
    }

    #[test]
    fn no_parser_panics_on_any_text(s in "\\PC{0,40}") {
        let _ = parse_date(&s);
        let _ = find_dates(&s);
        let _ = parse_bool(&s);
        let _ = parse_cn_integer(&s);
        let _ = parse_number(&s);
        let _ = parse_percent(&s);
        let _ = parse_months(&s);
        let _ = parse_year(&s);
    }
}

#[test]
fn impossible_dates_are_refused_in_every_form() {
    for s in [
        "2021-02-29",
        "2021年2月30日",
        "二〇二一年二月三十日",
        "2021/13/01",
        "2021.4.31",
    ] {
        assert!(matches!(parse_date(s), DateParse::Impossible { .. }), "{s}");
    }
    assert!(matches!(parse_date("2020-02-29"), DateParse::Date(_)));
}

#[test]
fn bools_in_every_listed_form() {
    for t in ["是", "有", "已", "已完成", "Y", "Yes", "√", "✓", "1", "true", "ｙｅｓ"] {
        assert_eq!(parse_bool(t), Some(true), "{t}");
    }
    for f in ["否", "无", "未", "未完成", "N", "No", "×", "✗", "0", "false"] {
        assert_eq!(parse_bool(f), Some(false), "{f}");
    }
    assert_eq!(parse_bool(""), None);
    assert_eq!(parse_bool("待定"), None);
}
