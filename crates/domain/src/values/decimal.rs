//! Fixed-point decimals stored as `i64` scaled by `10^scale` (a rate of 95.5 % at scale 1 is 955),
//! so figures add up exactly and never pick up binary floating-point noise. Also the number
//! splitting and float conversion that [`money`](super::money) shares.

use super::error::ValueError;
use super::text::clean;

/// The largest scale: `10^18` is the largest power of ten an `i64` holds.
pub const MAX_SCALE: u32 = 18;

/// Parses a decimal such as `12`, `-3.5`, `1,234.567` or full-width `１２．５` into an `i64` scaled by
/// `10^scale`. More fractional digits than `scale` are refused unless the extra ones are zeros
/// (`1.50` at scale 1 is fine), as are badly placed thousands separators and overflow.
pub fn parse_decimal(s: &str, scale: u32) -> Result<i64, ValueError> {
    check_scale(scale)?;
    let t = clean(s);
    if t.is_empty() {
        return Err(ValueError::new("数值为空", "the number is empty"));
    }
    let n = split_number(&t).map_err(|e| match e {
        NumberError::Grouping => ValueError::new(
            format!("数值“{t}”的千分位逗号位置不对"),
            format!("the thousands separators in “{t}” are misplaced"),
        ),
        NumberError::Malformed => ValueError::new(format!("无法识别的数值“{t}”"), format!("“{t}” is not a number")),
    })?;
    to_scaled(&n, scale).map_err(|e| match e {
        ScaleError::TooManyDecimals => ValueError::new(
            format!("数值“{t}”最多保留{scale}位小数"),
            format!("“{t}” has more than {scale} decimal places"),
        ),
        ScaleError::Overflow => ValueError::new(format!("数值“{t}”超出范围"), format!("“{t}” is out of range")),
    })
}

/// Formats a scaled value with exactly `scale` decimals and no grouping: `format_decimal(-5, 2)`
/// is `-0.05`.
pub fn format_decimal(v: i64, scale: u32) -> String {
    let digits = v.unsigned_abs().to_string();
    let sign = if v < 0 { "-" } else { "" };
    if scale == 0 {
        return format!("{sign}{digits}");
    }
    let width = scale as usize + 1;
    let padded = format!("{digits:0>width$}");
    let (int, frac) = padded.split_at(padded.len() - scale as usize);
    format!("{sign}{int}.{frac}")
}

/// Converts a spreadsheet's numeric cell to a value scaled by `10^scale`. The float is accepted
/// only if it lies within 1e-6 of a unit at that scale (so `0.1 + 0.2` is `0.3`, but `0.125` at
/// scale 2 is refused rather than silently rounded) and within the range a float holds exactly.
pub fn decimal_from_f64(f: f64, scale: u32) -> Result<i64, ValueError> {
    check_scale(scale)?;
    f64_to_scaled(f, scale).map_err(|e| match e {
        F64Error::NotFinite => ValueError::new(format!("数值“{f}”无效"), format!("“{f}” is not a valid number")),
        F64Error::NotExact => ValueError::new(
            format!("数值“{f}”最多保留{scale}位小数"),
            format!("“{f}” has more than {scale} decimal places"),
        ),
        F64Error::TooLarge => ValueError::new(format!("数值“{f}”超出范围"), format!("“{f}” is out of range")),
    })
}

/// Refuses a scale beyond [`MAX_SCALE`] (a programming error, reported rather than panicking).
fn check_scale(scale: u32) -> Result<(), ValueError> {
    if scale > MAX_SCALE {
        return Err(ValueError::new(
            format!("小数位数{scale}超出上限{MAX_SCALE}"),
            format!("scale {scale} exceeds the maximum of {MAX_SCALE}"),
        ));
    }
    Ok(())
}

/// A decimal number's parts as written: sign, integer digits (separators removed), fraction digits.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Number {
    pub negative: bool,
    pub int: String,
    pub frac: String,
}

/// Why text is not a plain decimal number.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum NumberError {
    /// Not digits with an optional sign, point and thousands separators.
    Malformed,
    /// Thousands separators in the wrong places (`1,23`, `12,3456`).
    Grouping,
}

/// Splits `[+-]digits[.digits]`, where the integer digits may be grouped by commas in threes.
pub(crate) fn split_number(s: &str) -> Result<Number, NumberError> {
    let (negative, body) = if let Some(r) = s.strip_prefix(['-', '\u{2212}']) {
        (true, r)
    } else {
        (false, s.strip_prefix('+').unwrap_or(s))
    };
    let (int_part, frac) = body.split_once('.').unwrap_or((body, ""));
    let all_digits = |t: &str| t.bytes().all(|b| b.is_ascii_digit());
    if (int_part.is_empty() && frac.is_empty()) || !all_digits(frac) {
        return Err(NumberError::Malformed);
    }
    let int = if int_part.contains(',') {
        let groups: Vec<&str> = int_part.split(',').collect();
        if !groups.iter().all(|g| all_digits(g)) {
            return Err(NumberError::Malformed);
        }
        let first_ok = (1..=3).contains(&groups[0].len());
        if !first_ok || groups[1..].iter().any(|g| g.len() != 3) {
            return Err(NumberError::Grouping);
        }
        groups.concat()
    } else if all_digits(int_part) {
        int_part.to_owned()
    } else {
        return Err(NumberError::Malformed);
    };
    Ok(Number { negative, int, frac: frac.to_owned() })
}

/// Why a number does not fit a scaled `i64`.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum ScaleError {
    /// More significant fractional digits than the scale allows.
    TooManyDecimals,
    /// Beyond the `i64` range.
    Overflow,
}

/// The number as an `i64` scaled by `10^scale` (`scale <= MAX_SCALE`), exactly.
pub(crate) fn to_scaled(n: &Number, scale: u32) -> Result<i64, ScaleError> {
    let frac = n.frac.trim_end_matches('0');
    if frac.len() > scale as usize {
        return Err(ScaleError::TooManyDecimals);
    }
    let limit = i128::from(i64::MAX) + 1;
    let mut v: i128 = 0;
    let padding = std::iter::repeat_n(b'0', scale as usize - frac.len());
    for b in n.int.bytes().chain(frac.bytes()).chain(padding) {
        v = v * 10 + i128::from(b - b'0');
        if v > limit {
            return Err(ScaleError::Overflow);
        }
    }
    let v = if n.negative { -v } else { v };
    i64::try_from(v).map_err(|_| ScaleError::Overflow)
}

/// Why a float cannot become a scaled `i64`.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum F64Error {
    /// NaN or infinite.
    NotFinite,
    /// Not within 1e-6 of a unit at the scale.
    NotExact,
    /// Beyond 2^53 units, where a float no longer holds every whole number.
    TooLarge,
}

/// `f × 10^scale` rounded to a whole number, if it is within 1e-6 of one. The tolerance widens
/// with the magnitude to what the float's own precision allows.
pub(crate) fn f64_to_scaled(f: f64, scale: u32) -> Result<i64, F64Error> {
    if !f.is_finite() {
        return Err(F64Error::NotFinite);
    }
    let x = f * 10f64.powi(scale as i32);
    let r = x.round();
    const EXACT_LIMIT: f64 = 9_007_199_254_740_992.0; // 2^53
    if r.abs() > EXACT_LIMIT {
        return Err(F64Error::TooLarge);
    }
    let tolerance = 1e-6_f64.max(x.abs() * 1e-15);
    if (x - r).abs() > tolerance {
        return Err(F64Error::NotExact);
    }
    // `r` is a whole number within ±2^53, so the cast is exact (and turns -0.0 into 0).
    Ok(r as i64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn parses_plain_and_grouped() {
        assert_eq!(parse_decimal("12", 2), Ok(1200));
        assert_eq!(parse_decimal("-3.5", 1), Ok(-35));
        assert_eq!(parse_decimal("+3.5", 1), Ok(35));
        assert_eq!(parse_decimal("1,234.567", 3), Ok(1_234_567));
        assert_eq!(parse_decimal(" １２．５ ", 2), Ok(1250));
        assert_eq!(parse_decimal("－１２．５", 1), Ok(-125));
        assert_eq!(parse_decimal(".5", 1), Ok(5));
        assert_eq!(parse_decimal("5.", 1), Ok(50));
        assert_eq!(parse_decimal("007", 0), Ok(7));
        assert_eq!(parse_decimal("-0", 2), Ok(0));
    }

    #[test]
    fn extra_decimals_only_if_zeros() {
        assert_eq!(parse_decimal("1.50", 1), Ok(15));
        assert_eq!(parse_decimal("1.000", 0), Ok(1));
        let e = parse_decimal("1.55", 1).unwrap_err();
        assert!(e.message_zh.contains("最多保留1位小数"), "{}", e.message_zh);
        assert!(parse_decimal("0.1", 0).is_err());
    }

    #[test]
    fn refuses_malformed() {
        for s in ["", " ", "abc", "1.2.3", "1,23", "12,3456", "1,,234", ",123", "--1", "1-", ".", "-", "1e5", "1 2"] {
            assert!(parse_decimal(s, 2).is_err(), "{s:?} accepted");
        }
        assert!(parse_decimal("1,23", 2).unwrap_err().message_zh.contains("千分位"));
        assert!(parse_decimal("", 2).unwrap_err().message_zh.contains("为空"));
    }

    #[test]
    fn overflow_and_bounds() {
        assert_eq!(parse_decimal("9223372036854775807", 0), Ok(i64::MAX));
        assert_eq!(parse_decimal("-9223372036854775808", 0), Ok(i64::MIN));
        assert!(parse_decimal("9223372036854775808", 0).unwrap_err().message_zh.contains("超出范围"));
        assert!(parse_decimal("92233720368547758.08", 2).is_err());
        assert!(parse_decimal(&"9".repeat(60), 2).is_err());
        assert!(parse_decimal("1", 19).unwrap_err().message_en.contains("scale 19"));
        assert_eq!(parse_decimal("1", 18), Ok(1_000_000_000_000_000_000));
    }

    #[test]
    fn formats_with_exact_scale() {
        assert_eq!(format_decimal(12345, 2), "123.45");
        assert_eq!(format_decimal(-5, 2), "-0.05");
        assert_eq!(format_decimal(0, 3), "0.000");
        assert_eq!(format_decimal(7, 0), "7");
        assert_eq!(format_decimal(-7, 0), "-7");
        assert_eq!(format_decimal(i64::MIN, 2), "-92233720368547758.08");
        assert_eq!(format_decimal(1, 20), "0.00000000000000000001");
    }

    #[test]
    fn from_f64() {
        assert_eq!(decimal_from_f64(95.5, 1), Ok(955));
        assert_eq!(decimal_from_f64(0.1 + 0.2, 1), Ok(3));
        assert_eq!(decimal_from_f64(-0.0, 2), Ok(0));
        assert_eq!(decimal_from_f64(1234567890.12, 2), Ok(123_456_789_012));
        assert!(decimal_from_f64(0.125, 2).unwrap_err().message_zh.contains("最多保留2位小数"));
        assert!(decimal_from_f64(f64::NAN, 2).is_err());
        assert!(decimal_from_f64(f64::INFINITY, 2).is_err());
        assert!(decimal_from_f64(1e300, 2).unwrap_err().message_en.contains("out of range"));
        assert!(decimal_from_f64(1.0, 30).is_err());
    }

    proptest! {
        #[test]
        fn format_then_parse_round_trips(v in any::<i64>(), scale in 0u32..=18) {
            prop_assert_eq!(parse_decimal(&format_decimal(v, scale), scale), Ok(v));
        }

        #[test]
        fn never_panics(s in "\\PC{0,30}", scale in 0u32..=20) {
            let _ = parse_decimal(&s, scale);
        }
    }
}
