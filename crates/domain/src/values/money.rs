//! Money, stored as `i64` fen (分, 1/100 yuan) so sums are exact. Parses what people and
//! spreadsheets write (`￥1,234.56`, `1234元`, `12.3万元`) and formats as `1,234.56`.

use super::decimal::{F64Error, NumberError, ScaleError, f64_to_scaled, split_number, to_scaled};
use super::error::ValueError;
use super::text::{clean, trim_blank};

/// Parses an amount of money into fen. Accepts an optional sign, a `¥`/`￥` sign, thousands
/// separators, a `元` suffix and a `万`/`万元` suffix (× 10,000 yuan), full-width digits and
/// surrounding spaces. More than two significant decimals (after applying 万) and amounts beyond
/// the `i64` range are refused; trailing zeros (`1.500`) are fine.
pub fn parse_money(s: &str) -> Result<i64, ValueError> {
    let t = clean(s);
    if t.is_empty() {
        return Err(ValueError::new("金额为空", "the amount is empty"));
    }
    let malformed = || {
        ValueError::new(
            format!("无法识别的金额“{t}”，请写成如 1234.56 的数字"),
            format!("“{t}” is not an amount of money; write a number such as 1234.56"),
        )
    };
    let (outer_negative, rest) = strip_sign(&t);
    let rest = trim_blank(rest);
    let rest = trim_blank(rest.strip_prefix(['¥', '￥']).unwrap_or(rest));
    let rest = trim_blank(rest.strip_suffix('元').unwrap_or(rest));
    let (rest, wan) = match rest.strip_suffix('万') {
        Some(r) => (trim_blank(r), true),
        None => (rest, false),
    };
    let mut n = split_number(rest).map_err(|e| match e {
        NumberError::Grouping => ValueError::new(
            format!("金额“{t}”的千分位逗号位置不对"),
            format!("the thousands separators in “{t}” are misplaced"),
        ),
        NumberError::Malformed => malformed(),
    })?;
    let inner_signed = rest.starts_with(['-', '+', '\u{2212}']);
    if outer_negative.is_some() && inner_signed {
        return Err(malformed());
    }
    n.negative |= outer_negative == Some(true);
    let scale = if wan { 6 } else { 2 };
    to_scaled(&n, scale).map_err(|e| match e {
        ScaleError::TooManyDecimals if wan => ValueError::new(
            format!("金额“{t}”折合成元后超过两位小数（最小单位为分）"),
            format!("“{t}” has more than two decimal places once converted to yuan (the smallest unit is the fen)"),
        ),
        ScaleError::TooManyDecimals => ValueError::new(
            format!("金额“{t}”超过两位小数（最小单位为分）"),
            format!("“{t}” has more than two decimal places (the smallest unit is the fen)"),
        ),
        ScaleError::Overflow => {
            ValueError::new(format!("金额“{t}”超出范围"), format!("the amount “{t}” is out of range"))
        }
    })
}

/// Formats fen as yuan with thousands separators and always two decimals: `-123456` → `-1,234.56`.
pub fn format_money(fen: i64) -> String {
    let abs = fen.unsigned_abs();
    let yuan = (abs / 100).to_string();
    let mut grouped = String::with_capacity(yuan.len() + yuan.len() / 3 + 4);
    for (i, c) in yuan.chars().enumerate() {
        if i > 0 && (yuan.len() - i).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(c);
    }
    let sign = if fen < 0 { "-" } else { "" };
    format!("{sign}{grouped}.{:02}", abs % 100)
}

/// Converts a spreadsheet's numeric cell (yuan) to fen. Rounds only when the float is within
/// 1e-6 of a whole fen (binary noise such as `0.1 + 0.2`); `12.345` is refused, not rounded.
pub fn money_from_f64(f: f64) -> Result<i64, ValueError> {
    f64_to_scaled(f, 2).map_err(|e| match e {
        F64Error::NotFinite => ValueError::new(format!("金额“{f}”无效"), format!("“{f}” is not a valid amount")),
        F64Error::NotExact => ValueError::new(
            format!("金额“{f}”超过两位小数（最小单位为分）"),
            format!("“{f}” has more than two decimal places (the smallest unit is the fen)"),
        ),
        F64Error::TooLarge => {
            ValueError::new(format!("金额“{f}”超出范围"), format!("the amount “{f}” is out of range"))
        }
    })
}

/// A leading sign before the currency sign: `Some(true)` for minus, `Some(false)` for plus.
fn strip_sign(s: &str) -> (Option<bool>, &str) {
    if let Some(r) = s.strip_prefix(['-', '\u{2212}']) {
        (Some(true), r)
    } else if let Some(r) = s.strip_prefix('+') {
        (Some(false), r)
    } else {
        (None, s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn parses_the_usual_forms() {
        assert_eq!(parse_money("1234"), Ok(123_400));
        assert_eq!(parse_money("1,234.56"), Ok(123_456));
        assert_eq!(parse_money("1234.5"), Ok(123_450));
        assert_eq!(parse_money("￥1,234.56"), Ok(123_456));
        assert_eq!(parse_money("¥12"), Ok(1200));
        assert_eq!(parse_money("¥ 12"), Ok(1200));
        assert_eq!(parse_money("1234元"), Ok(123_400));
        assert_eq!(parse_money("1234.00 元"), Ok(123_400));
        assert_eq!(parse_money("0.01"), Ok(1));
        assert_eq!(parse_money("１，２３４．５６"), Ok(123_456));
        assert_eq!(parse_money("\u{3000}１２３４\u{3000}"), Ok(123_400));
        assert_eq!(parse_money("1.500"), Ok(150));
    }

    #[test]
    fn wan_multiplies_by_ten_thousand() {
        assert_eq!(parse_money("12.3万"), Ok(12_300_000));
        assert_eq!(parse_money("12.3万元"), Ok(12_300_000));
        assert_eq!(parse_money("￥12.3万元"), Ok(12_300_000));
        assert_eq!(parse_money("1.234567万"), Ok(1_234_567));
        assert_eq!(parse_money("-0.5万"), Ok(-500_000));
        let e = parse_money("1.2345678万").unwrap_err();
        assert!(e.message_zh.contains("折合成元后超过两位小数"), "{}", e.message_zh);
    }

    #[test]
    fn negatives() {
        assert_eq!(parse_money("-5"), Ok(-500));
        assert_eq!(parse_money("-¥5"), Ok(-500));
        assert_eq!(parse_money("¥-5"), Ok(-500));
        assert_eq!(parse_money("－５"), Ok(-500));
        assert_eq!(parse_money("+5"), Ok(500));
        assert!(parse_money("--5").is_err());
        assert!(parse_money("-¥-5").is_err());
    }

    #[test]
    fn refuses_bad_input() {
        let e = parse_money("0.001").unwrap_err();
        assert!(e.message_zh.contains("超过两位小数"), "{}", e.message_zh);
        assert!(e.message_en.contains("more than two decimal places"), "{}", e.message_en);
        assert!(parse_money("").unwrap_err().message_zh.contains("金额为空"));
        assert!(parse_money("12a").unwrap_err().message_zh.contains("无法识别的金额“12a”"));
        assert!(parse_money("1,23").unwrap_err().message_zh.contains("千分位"));
        assert!(parse_money("元").is_err());
        assert!(parse_money("万元").is_err());
        assert!(parse_money("¥").is_err());
        assert!(parse_money("12万万").is_err());
        assert!(parse_money("100000000000000000").unwrap_err().message_zh.contains("超出范围"));
        assert!(parse_money("10000000000000万").is_err());
    }

    #[test]
    fn formats_with_grouping_and_two_decimals() {
        assert_eq!(format_money(123_456), "1,234.56");
        assert_eq!(format_money(0), "0.00");
        assert_eq!(format_money(5), "0.05");
        assert_eq!(format_money(-123_456), "-1,234.56");
        assert_eq!(format_money(-5), "-0.05");
        assert_eq!(format_money(100_000), "1,000.00");
        assert_eq!(format_money(99_999), "999.99");
        assert_eq!(format_money(12_300_000), "123,000.00");
        assert_eq!(format_money(i64::MAX), "92,233,720,368,547,758.07");
        assert_eq!(format_money(i64::MIN), "-92,233,720,368,547,758.08");
        assert_eq!(parse_money(&format_money(i64::MIN)), Ok(i64::MIN));
    }

    #[test]
    fn from_f64() {
        assert_eq!(money_from_f64(1234.56), Ok(123_456));
        assert_eq!(money_from_f64(0.1 + 0.2), Ok(30));
        assert_eq!(money_from_f64(-5.0), Ok(-500));
        assert_eq!(money_from_f64(123_000.0), Ok(12_300_000));
        assert_eq!(money_from_f64(99_999_999_999.99), Ok(9_999_999_999_999));
        assert!(money_from_f64(12.345).unwrap_err().message_zh.contains("超过两位小数"));
        assert!(money_from_f64(0.001).is_err());
        assert!(money_from_f64(f64::NAN).is_err());
        assert!(money_from_f64(1e20).unwrap_err().message_zh.contains("超出范围"));
    }

    proptest! {
        #[test]
        fn format_then_parse_round_trips(x in -10_000_000_000_000i64..=10_000_000_000_000) {
            prop_assert_eq!(parse_money(&format_money(x)), Ok(x));
        }

        #[test]
        fn f64_of_whole_fen_round_trips(x in -10_000_000_000_000i64..=10_000_000_000_000) {
            prop_assert_eq!(money_from_f64(x as f64 / 100.0), Ok(x));
        }

        #[test]
        fn never_panics(s in "\\PC{0,30}") {
            let _ = parse_money(&s);
        }
    }
}
