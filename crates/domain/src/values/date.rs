//! Dates as people and spreadsheets write them: `2009-03-05`, `2009/3/5`, `2009.3.5`,
//! `2009年3月5日`, `20090305`, an Excel serial day number that arrived as text (`39877`), or a
//! datetime whose time is ignored (`2009-03-05 00:00:00`).

use super::error::ValueError;
use super::text::clean;
use chrono::{Days, NaiveDate};

/// The largest Excel serial day number, 9999-12-31.
pub const MAX_EXCEL_SERIAL: u32 = 2_958_465;
/// Excel's serial for 1900-02-29, a day that never existed (Excel copied Lotus 1-2-3's leap-year bug).
const FAKE_LEAP_DAY: u32 = 60;

/// Parses a date in any of the forms above (full-width digits and surrounding spaces allowed).
/// A bare 8-digit number is read as `YYYYMMDD`; shorter numbers (optionally with a fraction, the
/// time of day) as Excel serials in the 1900 date system. Impossible dates such as `2009-02-30`
/// are refused by name, as is serial 60, Excel's non-existent 1900-02-29.
pub fn parse_date(s: &str) -> Result<NaiveDate, ValueError> {
    let t = clean(s);
    if t.is_empty() {
        return Err(ValueError::new("日期为空", "the date is empty"));
    }
    let date_part = match t.split_once([' ', 'T']) {
        Some((date, time)) if looks_like_time(time.trim_start()) => date,
        Some(_) => return Err(unrecognised(&t)),
        None => t.as_str(),
    };
    let (y, m, d) = if date_part.contains('年') {
        chinese_parts(date_part).ok_or_else(|| unrecognised(&t))?
    } else if let Some(parts) = separated_parts(date_part) {
        parts
    } else if let Some((int, frac)) = number_parts(date_part) {
        if int.len() == 8 && frac.bytes().all(|b| b == b'0') {
            (&int[..4], &int[4..6], &int[6..])
        } else {
            return from_serial_text(&t, int, frac);
        }
    } else {
        return Err(unrecognised(&t));
    };
    let (Ok(y), Ok(m), Ok(d)) = (y.parse(), m.parse(), d.parse()) else { return Err(unrecognised(&t)) };
    NaiveDate::from_ymd_opt(y, m, d)
        .ok_or_else(|| ValueError::new(format!("日期“{t}”不存在"), format!("the date “{t}” does not exist")))
}

/// The date of an Excel serial day number in the 1900 date system (1 is 1900-01-01; the fraction,
/// the time of day, is dropped). `None` outside 1–2958465 and for 60, Excel's fictitious 1900-02-29.
pub fn date_from_excel_serial(serial: f64) -> Option<NaiveDate> {
    if !serial.is_finite() || !(1.0..f64::from(MAX_EXCEL_SERIAL + 1)).contains(&serial) {
        return None;
    }
    // In range, so the cast is exact and truncation is the floor.
    let n = serial as u32;
    match n.cmp(&FAKE_LEAP_DAY) {
        std::cmp::Ordering::Less => NaiveDate::from_ymd_opt(1899, 12, 31)?.checked_add_days(Days::new(n.into())),
        std::cmp::Ordering::Equal => None,
        std::cmp::Ordering::Greater => NaiveDate::from_ymd_opt(1899, 12, 30)?.checked_add_days(Days::new(n.into())),
    }
}

/// The serial-number branch of [`parse_date`]: `int[.frac]` as an Excel serial.
fn from_serial_text(t: &str, int: &str, frac: &str) -> Result<NaiveDate, ValueError> {
    // `2009.3` is a year and month with the day missing, not serial 2009 (1905-07-01).
    if int.len() == 4 && (1..=2).contains(&frac.len()) {
        let year: u32 = int.parse().unwrap_or(0);
        let month: u32 = frac.parse().unwrap_or(0);
        if (1900..=2100).contains(&year) && (1..=12).contains(&month) {
            return Err(ValueError::new(
                format!("日期“{t}”缺少日，请写成如 {year}-{month:02}-01 的格式"),
                format!("the date “{t}” has no day; write it like {year}-{month:02}-01"),
            ));
        }
    }
    let serial: u32 = if int.len() <= 7 { int.parse().unwrap_or(0) } else { 0 };
    if frac.bytes().all(|b| b == b'0') {
        number_only(t, serial)?;
    }
    if serial == FAKE_LEAP_DAY {
        return Err(ValueError::new(
            format!("Excel 日期序列号“{t}”对应不存在的 1900-02-29（Excel 的已知错误），请填写实际日期"),
            format!(
                "Excel serial “{t}” stands for 1900-02-29, a day that never existed \
                 (a known Excel bug); enter the real date"
            ),
        ));
    }
    let d = date_from_excel_serial(f64::from(serial)).ok_or_else(|| {
        ValueError::new(
            format!("Excel 日期序列号“{t}”超出范围（1–{MAX_EXCEL_SERIAL}）"),
            format!("Excel serial “{t}” is out of range (1–{MAX_EXCEL_SERIAL})"),
        )
    })?;
    plausible_serial(t, d)
}

/// The last year a number-only date may be read as an Excel serial in: a serial after it
/// (`100000` is 2173-10-14) is a typing slip, not a date anyone keeps in a registry.
pub const LAST_SERIAL_YEAR: i32 = 2100;

/// A date read from an Excel serial, refused past [`LAST_SERIAL_YEAR`] with the reading named.
fn plausible_serial(t: &str, d: NaiveDate) -> Result<NaiveDate, ValueError> {
    use chrono::Datelike;
    if d.year() <= LAST_SERIAL_YEAR {
        return Ok(d);
    }
    Err(ValueError::new(
        format!("“{t}”作为 Excel 日期序号是 {d},不像真实日期;请写成如 2009-03-05 的格式"),
        format!("“{t}” read as an Excel serial is {d}, which is no plausible date; write it like 2009-03-05"),
    ))
}

/// Refuses a whole number that reads as a year (`2009`) or a year and month (`200903`) — common in
/// Chinese sheets — naming both readings, rather than taking it as an Excel serial (1905-07-01,
/// 2450-01-18) and silently dropping the record out of the year.
fn number_only(t: &str, n: u32) -> Result<(), ValueError> {
    let serial = |n: u32| date_from_excel_serial(f64::from(n)).map_or_else(|| "—".to_owned(), |d| d.to_string());
    let (year, month) = (n / 100, n % 100);
    if (1900..=LAST_SERIAL_YEAR as u32).contains(&n) {
        return Err(ValueError::new(
            format!("“{t}”只有年份(作为 Excel 日期序号则是 {}),请写成完整日期,如 {n}-03-05", serial(n)),
            format!("“{t}” is only a year (as an Excel serial, {}); write the whole date, like {n}-03-05", serial(n)),
        ));
    }
    if (100_000..=999_999).contains(&n) && (1900..=LAST_SERIAL_YEAR as u32).contains(&year) && (1..=12).contains(&month)
    {
        return Err(ValueError::new(
            format!(
                "“{t}”可读作{year}年{month}月(缺少日),作为 Excel 日期序号则是 {};请写成完整日期,如 {year}-{month:02}-01",
                serial(n)
            ),
            format!(
                "“{t}” reads as {year}-{month:02} (no day), or as an Excel serial {}; write the whole date, like {year}-{month:02}-01",
                serial(n)
            ),
        ));
    }
    Ok(())
}

/// A date given as a spreadsheet number: an Excel serial, unless it reads as a year, a year and
/// month, `YYYYMMDD`, or a serial past [`LAST_SERIAL_YEAR`] (each refused or read as [`parse_date`]
/// reads the same digits as text).
pub fn date_from_number(n: f64) -> Result<NaiveDate, ValueError> {
    if n.is_finite() && n.fract() == 0.0 && (0.0..1e8).contains(&n) {
        return parse_date(&format!("{n:.0}"));
    }
    let t = n.to_string();
    let d = date_from_excel_serial(n)
        .ok_or_else(|| ValueError::new(format!("“{t}”不是日期"), format!("{t:?} is not a date")))?;
    plausible_serial(&t, d)
}

/// A year and month written without a day — `200903`, `2009-03`, `2009/3`, `2009.3`, `2009年3月` —
/// as the month's first day; `None` for anything else (full dates included).
pub fn parse_month(s: &str) -> Option<NaiveDate> {
    let t = clean(s);
    let (y, m) = if let Some(rest) = t.strip_suffix('月') {
        rest.split_once('年')?
    } else if digits(&t, 6, 6) {
        (&t[..4], &t[4..])
    } else {
        let sep = ['-', '/', '.'].into_iter().find(|&c| t.matches(c).count() == 1)?;
        t.split_once(sep)?
    };
    if !digits(y, 4, 4) || !digits(m, 1, 2) {
        return None;
    }
    let year: i32 = y.parse().ok()?;
    (1000..=9999).contains(&year).then_some(())?;
    NaiveDate::from_ymd_opt(year, m.parse().ok()?, 1)
}

/// The error for text that is no date form we know.
fn unrecognised(t: &str) -> ValueError {
    ValueError::new(
        format!("无法识别的日期“{t}”，请写成如 2009-03-05 的格式"),
        format!("“{t}” is not a date; write it like 2009-03-05"),
    )
}

/// Whether every byte is an ASCII digit and there are `min..=max` of them.
fn digits(s: &str, min: usize, max: usize) -> bool {
    (min..=max).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit())
}

/// `2009年3月5日` (also `号` for `日`, or no suffix) split into year, month, day.
fn chinese_parts(s: &str) -> Option<(&str, &str, &str)> {
    let (y, rest) = s.split_once('年')?;
    let (m, d) = rest.split_once('月')?;
    let d = d.strip_suffix(['日', '号']).unwrap_or(d);
    (digits(y, 4, 4) && digits(m, 1, 2) && digits(d, 1, 2)).then_some((y, m, d))
}

/// `2009-3-5`, `2009/03/05` or `2009.3.5` (one separator throughout) split into year, month, day.
fn separated_parts(s: &str) -> Option<(&str, &str, &str)> {
    let sep = ['-', '/', '.'].into_iter().find(|&c| s.matches(c).count() == 2)?;
    let mut parts = s.split(sep);
    let (y, m, d) = (parts.next()?, parts.next()?, parts.next()?);
    (digits(y, 4, 4) && digits(m, 1, 2) && digits(d, 1, 2)).then_some((y, m, d))
}

/// `digits[.digits]` split into the integer and fraction digits.
fn number_parts(s: &str) -> Option<(&str, &str)> {
    let (int, frac) = s.split_once('.').unwrap_or((s, ""));
    (digits(int, 1, usize::MAX) && digits(frac, 0, usize::MAX)).then_some((int, frac))
}

/// Whether `s` is a time of day: `0:00`, `08:30`, `00:00:00`, `12:30:45.123`.
fn looks_like_time(s: &str) -> bool {
    let mut parts = s.split(':');
    let (Some(h), Some(m)) = (parts.next(), parts.next()) else { return false };
    let seconds_ok = match parts.next() {
        None => true,
        Some(sec) => {
            let (whole, frac) = sec.split_once('.').unwrap_or((sec, "0"));
            digits(whole, 2, 2) && digits(frac, 1, 9)
        }
    };
    digits(h, 1, 2) && digits(m, 2, 2) && seconds_ok && parts.next().is_none()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_without_a_day() {
        let march = NaiveDate::from_ymd_opt(2009, 3, 1);
        for s in ["200903", "2009-03", "2009/3", "2009.3", "2009年3月", " ２００９年３月 "] {
            assert_eq!(parse_month(s), march, "{s}");
        }
        for s in ["200913", "2009-03-05", "2009", "39877", "20090305", "09-03", "2009年3月5日"] {
            assert_eq!(parse_month(s), None, "{s}");
        }
    }
    use proptest::prelude::*;

    fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn every_listed_form() {
        let expected = ymd(2009, 3, 5);
        for s in [
            "2009-03-05",
            "2009-3-5",
            "2009/3/5",
            "2009/03/05",
            "2009.3.5",
            "2009年3月5日",
            "2009年03月05日",
            "2009年3月5号",
            "2009年3月5",
            "20090305",
            "20090305.0",
            "２００９－０３－０５",
            "２００９年３月５日",
            "\u{3000} 2009-03-05 \t",
            "39877",
            "39877.0",
            "39877.5",
            "３９８７７",
            "2009-03-05 00:00:00",
            "2009-03-05 12:30",
            "2009/3/5 0:00",
            "2009-03-05T08:15:00",
            "2009-03-05 00:00:00.000",
        ] {
            assert_eq!(parse_date(s), Ok(expected), "{s:?}");
        }
    }

    #[test]
    fn impossible_dates_are_named() {
        let e = parse_date("2009-02-30").unwrap_err();
        assert_eq!(e.message_zh, "日期“2009-02-30”不存在");
        assert_eq!(e.message_en, "the date “2009-02-30” does not exist");
        assert!(parse_date("2009年13月1日").unwrap_err().message_zh.contains("不存在"));
        assert!(parse_date("20090230").unwrap_err().message_zh.contains("不存在"));
        assert!(parse_date("2009-00-10").unwrap_err().message_zh.contains("不存在"));
        assert_eq!(parse_date("2008-02-29"), Ok(ymd(2008, 2, 29)));
        assert!(parse_date("1900-02-29").is_err());
    }

    #[test]
    fn unrecognised_forms() {
        for s in [
            "",
            "abc",
            "09-3-5",
            "2009-3",
            "2009-3/5",
            "3/5/2009",
            "2009-003-05",
            "2009年3月",
            "2009-03-05 noon",
            "2009-03-05 25",
            "200903051",
            "20090305.5",
            "-5",
            "2009 03 05",
        ] {
            assert!(parse_date(s).is_err(), "{s:?} accepted");
        }
        assert!(parse_date(" ").unwrap_err().message_zh.contains("日期为空"));
        assert!(parse_date("abc").unwrap_err().message_zh.contains("请写成如 2009-03-05"));
        assert!(parse_date("2009.3").unwrap_err().message_zh.contains("缺少日"));
    }

    #[test]
    fn excel_serials() {
        assert_eq!(date_from_excel_serial(39877.0), Some(ymd(2009, 3, 5)));
        assert_eq!(date_from_excel_serial(39877.99), Some(ymd(2009, 3, 5)));
        assert_eq!(date_from_excel_serial(1.0), Some(ymd(1900, 1, 1)));
        assert_eq!(date_from_excel_serial(59.0), Some(ymd(1900, 2, 28)));
        assert_eq!(date_from_excel_serial(60.0), None);
        assert_eq!(date_from_excel_serial(61.0), Some(ymd(1900, 3, 1)));
        assert_eq!(date_from_excel_serial(36526.0), Some(ymd(2000, 1, 1)));
        assert_eq!(date_from_excel_serial(2_958_465.0), Some(ymd(9999, 12, 31)));
        assert_eq!(date_from_excel_serial(2_958_466.0), None);
        assert_eq!(date_from_excel_serial(0.5), None);
        assert_eq!(date_from_excel_serial(-1.0), None);
        assert_eq!(date_from_excel_serial(f64::NAN), None);
        assert_eq!(date_from_excel_serial(f64::INFINITY), None);
    }

    #[test]
    fn serial_text_edges() {
        assert_eq!(parse_date("59"), Ok(ymd(1900, 2, 28)));
        assert_eq!(parse_date("61"), Ok(ymd(1900, 3, 1)));
        assert_eq!(parse_date("1"), Ok(ymd(1900, 1, 1)));
        let e = parse_date("60").unwrap_err();
        assert!(e.message_zh.contains("1900-02-29"), "{}", e.message_zh);
        assert!(e.message_en.contains("never existed"), "{}", e.message_en);
        assert!(parse_date("60.5").is_err());
        assert!(parse_date("0").unwrap_err().message_zh.contains("超出范围"));
        assert!(parse_date("2958466").unwrap_err().message_zh.contains("超出范围"));
        assert!(parse_date("2958465").unwrap_err().message_zh.contains("9999-12-31,不像真实日期"));
        assert_eq!(parse_date("73415"), Ok(ymd(2100, 12, 31)));
    }

    #[test]
    fn number_only_dates_that_are_no_serials() {
        let e = parse_date("2009").unwrap_err();
        assert!(e.message_zh.contains("只有年份") && e.message_zh.contains("1905-07-01"), "{}", e.message_zh);
        let e = date_from_number(200903.0).unwrap_err();
        assert!(e.message_zh.contains("可读作2009年3月") && e.message_zh.contains("2450-01-18"), "{}", e.message_zh);
        assert!(e.message_en.contains("2009-03 (no day)"), "{}", e.message_en);
        assert_eq!(date_from_number(20090305.0), Ok(ymd(2009, 3, 5)));
        assert_eq!(date_from_number(39877.0), Ok(ymd(2009, 3, 5)));
        assert_eq!(date_from_number(39877.5), Ok(ymd(2009, 3, 5)), "a time of day is dropped");
        assert!(date_from_number(100000.0).unwrap_err().message_zh.contains("不像真实日期"));
        assert!(date_from_number(f64::NAN).is_err() && date_from_number(-3.0).is_err());
        // Only 1900–2100 read as years: 1899 is a serial.
        assert_eq!(parse_date("1899"), Ok(ymd(1905, 3, 13)));
    }

    proptest! {
        #[test]
        fn serials_and_iso_agree(serial in 61u32..=MAX_EXCEL_SERIAL) {
            let d = date_from_excel_serial(f64::from(serial)).unwrap();
            // A serial up to the last plausible year, unless it reads as a year.
            if chrono::Datelike::year(&d) <= LAST_SERIAL_YEAR && !(1900..=2100).contains(&serial) {
                prop_assert_eq!(parse_date(&serial.to_string()), Ok(d));
                prop_assert_eq!(date_from_number(f64::from(serial)), Ok(d));
            } else {
                prop_assert!(parse_date(&serial.to_string()).is_err());
            }
            prop_assert_eq!(parse_date(&d.format("%Y-%m-%d").to_string()), Ok(d));
            prop_assert_eq!(parse_date(&d.format("%Y年%-m月%-d日").to_string()), Ok(d));
            prop_assert_eq!(parse_date(&d.format("%Y%m%d").to_string()), Ok(d));
            let next = date_from_excel_serial(f64::from(serial) + 1.0);
            if let Some(next) = next {
                prop_assert_eq!(next, d.succ_opt().unwrap());
            }
        }

        #[test]
        fn never_panics(s in "\\PC{0,24}") {
            let _ = parse_date(&s);
        }
    }
}
