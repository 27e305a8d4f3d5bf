//! Chinese figures as a work report writes them: 万 and 亿 with the rounding words (26万多人,
//! 2万余人, 1000余人, 近150名, 80%以上, 17.93亿元), percentages, growth phrases (比去年同期增长43%,
//! 下降, 持平), numbering (一、二、 / 一是、二是 / 1、2、) and dates (二〇〇九年十二月). Each rounding
//! word is chosen by the template, with the step it rounds to; none of them ever overstates, and
//! the step gives way to a finer one where the figure is too small for it: N多, N余 and N以上 say
//! N ≤ figure < 1.25·N (never 0多 or 0余), 近N says 0.9·N ≤ figure < N (otherwise the figure is
//! written with 多 at its own magnitude: 162 → 160多, not 近200).

use chrono::{Datelike, NaiveDate};

const DIGITS: [char; 10] = ['〇', '一', '二', '三', '四', '五', '六', '七', '八', '九'];

/// A whole number with 万 or 亿 where it divides evenly (`260000` → `26万`, `12500000` →
/// `1250万`, `300000000` → `3亿`), as digits otherwise (`1000`, `8150`).
pub fn wan(n: i64) -> String {
    let sign = if n < 0 { "-" } else { "" };
    let a = n.unsigned_abs();
    if a >= 100_000_000 && a.is_multiple_of(100_000_000) {
        format!("{sign}{}亿", a / 100_000_000)
    } else if a >= 10_000 && a.is_multiple_of(10_000) {
        format!("{sign}{}万", a / 10_000)
    } else {
        format!("{sign}{a}")
    }
}

/// In 万 with up to `places` decimals, rounded down (`38_214`, 1 → `3.8万`; `40_000` → `4万`).
pub fn wan_decimal(n: i64, places: u32) -> String {
    let scale = 10i64.pow(places);
    let v = n.div_euclid(10_000 / scale.clamp(1, 10_000));
    let s = format!("{}.{:0w$}", v / scale, v % scale, w = places as usize);
    format!("{}万", s.trim_end_matches('0').trim_end_matches('.'))
}

fn floor_to(n: i64, step: i64) -> i64 {
    n.div_euclid(step.max(1)) * step.max(1)
}

/// The steps tried from the template's down: `step`, a tenth of it, … 1.
fn steps_from(step: i64) -> impl Iterator<Item = i64> {
    std::iter::successors(Some(step.max(1)), |s| (*s > 1).then_some((*s / 10).max(1)))
}

/// `n` rounded down to the coarsest of the steps from `step` that keeps N ≤ n < 1.25·N.
fn round_down_close(n: i64, step: i64) -> i64 {
    if n <= 0 {
        return n;
    }
    let close = |f: i64| f > 0 && 5 * i128::from(f) > 4 * i128::from(n);
    steps_from(step).map(|s| floor_to(n, s)).find(|f| close(*f)).unwrap_or(n)
}

/// `n` rounded down to `step` (or finer, see the module), with 多 when something was cut:
/// `more_than(263_456, 10_000)` → `26万多`; on the step, no word: `more_than(260_000, 10_000)` →
/// `26万`; too small for the step, a finer one: `more_than(9_999, 10_000)` → `9000多`.
pub fn more_than(n: i64, step: i64) -> String {
    let f = round_down_close(n, step);
    if f == n { wan(n) } else { format!("{}多", wan(f)) }
}

/// The same with 余 (`2万余`, `1000余`), the word reports use for a round figure slightly passed.
pub fn over(n: i64, step: i64) -> String {
    let f = round_down_close(n, step);
    if f == n { wan(n) } else { format!("{}余", wan(f)) }
}

/// `n` rounded up to `step`, with 近 when it falls short by at most a tenth: `nearly(146, 50)` →
/// `近150`; further short, 多 at the figure's own magnitude: `nearly(162, 50)` → `160多`.
pub fn nearly(n: i64, step: i64) -> String {
    let step = step.max(1);
    let c = -(-n).div_euclid(step) * step;
    if c == n {
        wan(n)
    } else if n > 0 && 10 * i128::from(n) >= 9 * i128::from(c) {
        format!("近{}", wan(c))
    } else {
        more_than(n, magnitude(n))
    }
}

/// The step of a figure's second significant digit: 162 → 10, 4_800 → 100, 7 → 1.
fn magnitude(n: i64) -> i64 {
    let digits = n.max(1).ilog10();
    10i64.pow(digits.saturating_sub(1))
}

/// A share as `80%以上`: `num/den` as a percentage rounded down to `step` points, 以上 when it is
/// above that (`83/100`, step 10 → `80%以上`); `None` over nothing.
pub fn percent_above(num: i64, den: i64, step: i64) -> Option<String> {
    if den == 0 {
        return None;
    }
    // Whole percentage points, rounded down.
    let pct = (i128::from(num) * 100).div_euclid(i128::from(den)) as i64;
    let exact = i128::from(num) * 100 == i128::from(pct) * i128::from(den);
    // N%以上 says N ≤ share < 1.25·N: 5·N·den > 4·100·num.
    let close = |f: i64| f > 0 && 5 * i128::from(f) * i128::from(den) > 400 * i128::from(num);
    let Some(f) = steps_from(step).map(|s| floor_to(pct, s)).find(|f| close(*f)) else {
        // Under 1 %: no whole point to stand on.
        return percent(num, den, 1);
    };
    Some(if f == pct && exact { format!("{f}%") } else { format!("{f}%以上") })
}

/// `num/den` as a percentage with `places` decimals, half away from zero, trailing zeros kept as
/// the template asks (`72.6%`, `100%`); `None` over nothing.
pub fn percent(num: i64, den: i64, places: u32) -> Option<String> {
    if den == 0 {
        return None;
    }
    let scale = 10i128.pow(places);
    let x = i128::from(num) * 100 * scale;
    let d = i128::from(den);
    let (q, r) = (x / d, x % d);
    let v = if 2 * r.abs() >= d.abs() { q + x.signum() * d.signum() } else { q };
    let sign = if v < 0 { "-" } else { "" };
    let v = v.abs();
    Some(if places == 0 {
        format!("{sign}{v}%")
    } else {
        format!("{sign}{}.{:0w$}%", v / scale, v % scale, w = places as usize)
    })
}

/// Yuan as 亿元 with two decimals (`1_793_000_000` → `17.93亿元`), below 1亿 as 万元 when whole
/// (`12_500_000` → `1250万元`), else as yuan.
pub fn yuan(n: i64) -> String {
    let a = n.unsigned_abs();
    let sign = if n < 0 { "-" } else { "" };
    if a >= 100_000_000 {
        let h = (a + 500_000) / 1_000_000; // hundredths of 亿, half up
        let s = format!("{}.{:02}", h / 100, h % 100);
        let s = s.trim_end_matches('0').trim_end_matches('.');
        format!("{sign}{s}亿元")
    } else if a >= 10_000 && a.is_multiple_of(10_000) {
        format!("{sign}{}万元", a / 10_000)
    } else {
        format!("{sign}{a}元")
    }
}

/// How a figure moved against last year's: `比去年同期增长43%`, `比去年同期下降5%`, `与去年同期持平`
/// (whole percentage points, half away from zero; a change that rounds to 0% is 持平); `None`
/// without last year's figure.
pub fn growth(now: i64, before: i64) -> Option<String> {
    if before == 0 {
        return None;
    }
    let p = percent(now - before, before, 0)?;
    let p = p.trim_start_matches('-').to_owned();
    Some(if p == "0%" {
        "与去年同期持平".to_owned()
    } else if now > before {
        format!("比去年同期增长{p}")
    } else {
        format!("比去年同期下降{p}")
    })
}

/// 1–99 in Chinese numerals: 一, 十, 十一, 二十, 九十九; larger numbers as digits.
pub fn cn_number(n: u32) -> String {
    match n {
        0 => "〇".into(),
        1..=9 => DIGITS[n as usize].to_string(),
        10 => "十".into(),
        11..=19 => format!("十{}", DIGITS[(n % 10) as usize]),
        20..=99 if n.is_multiple_of(10) => format!("{}十", DIGITS[(n / 10) as usize]),
        20..=99 => format!("{}十{}", DIGITS[(n / 10) as usize], DIGITS[(n % 10) as usize]),
        _ => n.to_string(),
    }
}

/// A count as words before a measure word: 两 for 2 (两次, 两个), otherwise as [`cn_number`].
pub fn cn_count(n: u32) -> String {
    if n == 2 { "两".into() } else { cn_number(n) }
}

/// Section numbering: `一、` (level 1), `一是` (points within a paragraph), `1、` (level 3).
pub fn heading_number(level: u8, n: u32) -> String {
    match level {
        1 => format!("{}、", cn_number(n)),
        2 => format!("{}是", cn_number(n)),
        _ => format!("{n}、"),
    }
}

fn cn_year(y: i32) -> String {
    y.to_string().chars().map(|c| c.to_digit(10).map_or(c, |d| DIGITS[d as usize])).collect()
}

/// `二〇〇九年十二月`.
pub fn cn_year_month(d: NaiveDate) -> String {
    format!("{}年{}月", cn_year(d.year()), cn_number(d.month()))
}

/// `2010年1月5日`: a document's date by GB/T 9704-2012 7.3.5.1 (Arabic numerals, the year in
/// full, no leading zeros).
pub fn arabic_date(d: NaiveDate) -> String {
    format!("{}年{}月{}日", d.year(), d.month(), d.day())
}

/// `二〇〇九年十二月三十一日`.
pub fn cn_date(d: NaiveDate) -> String {
    format!("{}{}日", cn_year_month(d), cn_number(d.day()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn the_seeds_phrases() {
        assert_eq!(more_than(263_418, 10_000), "26万多", "女会员26万多人");
        assert_eq!(over(20_517, 10_000), "2万余", "进场求职人2万余人");
        assert_eq!(over(1_046, 1_000), "1000余", "培训工会干部1000余人");
        assert_eq!(nearly(146, 50), "近150", "推荐近150名工会干部");
        assert_eq!(percent_above(83, 100, 10).as_deref(), Some("80%以上"));
        assert_eq!(yuan(1_793_000_000), "17.93亿元");
        assert_eq!(yuan(12_500_000), "1250万元");
        assert_eq!(growth(348, 243).as_deref(), Some("比去年同期增长43%"));
        assert_eq!(percent(520, 716, 1).as_deref(), Some("72.6%"));
        assert_eq!(more_than(1_532, 100), "1500多", "办实事1500多件");
        assert_eq!(more_than(38_000, 1_000), "38000", "whole: no word");
        assert_eq!(wan_decimal(38_214, 1), "3.8万", "困难职工档案3.8万人");
    }

    #[test]
    fn edges() {
        assert_eq!(more_than(260_000, 10_000), "26万", "exact: no 多");
        assert_eq!(nearly(150, 50), "150", "exact: no 近");
        assert_eq!(nearly(101, 50), "100多", "近150 would overstate a third");
        assert_eq!(nearly(162, 50), "160多", "not 近200");
        assert_eq!(nearly(4_800, 1_000), "近5000");
        assert_eq!(over(9_999, 10_000), "9000余", "too small for the step: a finer one, never 0余");
        assert_eq!(over(247, 1_000), "200余", "not 0余");
        assert_eq!(more_than(3, 10), "3", "a small figure as it is");
        assert_eq!(percent_above(7, 100, 10).as_deref(), Some("7%"), "not 0%以上");
        assert_eq!(percent_above(76, 1000, 10).as_deref(), Some("7%以上"));
        assert_eq!(percent_above(1, 300, 10).as_deref(), Some("0.3%"));
        assert_eq!(percent_above(80, 100, 10).as_deref(), Some("80%"));
        assert_eq!(percent_above(801, 1000, 10).as_deref(), Some("80%以上"));
        assert_eq!(percent_above(1, 0, 10), None);
        assert_eq!(percent(2, 3, 0).as_deref(), Some("67%"));
        assert_eq!(percent(1, 8, 1).as_deref(), Some("12.5%"));
        assert_eq!(percent(-1, 8, 1).as_deref(), Some("-12.5%"));
        assert_eq!(percent(1, 1, 1).as_deref(), Some("100.0%"));
        assert_eq!(growth(100, 100).as_deref(), Some("与去年同期持平"));
        assert_eq!(growth(1001, 1000).as_deref(), Some("与去年同期持平"), "0.1% rounds to 持平");
        assert_eq!(growth(95, 100).as_deref(), Some("比去年同期下降5%"));
        assert_eq!(growth(5, 0), None);
        assert_eq!(yuan(100_000_000), "1亿元");
        assert_eq!(yuan(150_000_000), "1.5亿元");
        assert_eq!(yuan(8_000_000), "800万元");
        assert_eq!(yuan(690_123), "690123元");
        assert_eq!(wan(300_000_000), "3亿");
        assert_eq!(wan(-20_000), "-2万");
    }

    #[test]
    fn numbering_and_dates() {
        assert_eq!(heading_number(1, 1), "一、");
        assert_eq!(heading_number(1, 10), "十、");
        assert_eq!(heading_number(2, 4), "四是");
        assert_eq!(heading_number(3, 12), "12、");
        assert_eq!(cn_number(21), "二十一");
        assert_eq!(cn_number(15), "十五");
        assert_eq!(cn_number(30), "三十");
        assert_eq!((cn_count(2), cn_count(3), cn_count(12)), ("两".to_owned(), "三".to_owned(), "十二".to_owned()));
        let d = NaiveDate::from_ymd_opt(2009, 12, 31).unwrap();
        assert_eq!(cn_year_month(d), "二〇〇九年十二月");
        assert_eq!(arabic_date(NaiveDate::from_ymd_opt(2010, 1, 5).unwrap()), "2010年1月5日");
        assert_eq!(cn_date(d), "二〇〇九年十二月三十一日");
        assert_eq!(cn_date(NaiveDate::from_ymd_opt(2010, 1, 8).unwrap()), "二〇一〇年一月八日");
    }

    /// The figure a phrase names (`26万多` → 260000), and its word.
    fn named(s: &str) -> (i64, &str) {
        let word = if s.starts_with('近') {
            "近"
        } else if s.ends_with('多') {
            "多"
        } else if s.ends_with('余') {
            "余"
        } else {
            ""
        };
        let s = s.trim_start_matches('近').trim_end_matches(['多', '余']);
        let n = if let Some(w) = s.strip_suffix('万') {
            w.parse::<i64>().unwrap() * 10_000
        } else if let Some(y) = s.strip_suffix('亿') {
            y.parse::<i64>().unwrap() * 100_000_000
        } else {
            s.parse().unwrap()
        };
        (n, word)
    }

    proptest! {
        /// Over 1..10⁹ and any step a template may give: N多 and N余 say N ≤ figure < 1.25·N, 近N
        /// says 0.9·N ≤ figure < N, never 0 before 多 or 余, and a figure written without a word
        /// is the figure itself.
        #[test]
        fn words_never_overstate(n in 1i64..1_000_000_000, step in prop::sample::select(vec![1i64, 5, 10, 50, 100, 500, 1_000, 10_000, 100_000, 1_000_000])) {
            for s in [more_than(n, step), over(n, step), nearly(n, step)] {
                let (f, word) = named(&s);
                match word {
                    "多" | "余" => {
                        prop_assert!(f > 0 && f <= n && 4 * n < 5 * f, "{s} for {n}");
                        prop_assert!(!s.starts_with('0') && !s.starts_with('〇'));
                    }
                    "近" => prop_assert!(9 * f <= 10 * n && n < f, "{s} for {n}"),
                    _ => prop_assert_eq!(f, n, "{} for {}", s, n),
                }
            }
        }

        /// N%以上 says N ≤ the share < 1.25·N, and never 0%以上.
        #[test]
        fn above_never_overstates(num in 1i64..1_000_000, den in 1i64..1_000_000, step in prop::sample::select(vec![1i64, 5, 10, 20])) {
            prop_assume!(num <= den);
            let s = percent_above(num, den, step).unwrap();
            if let Some(n) = s.strip_suffix("%以上") {
                let n: i128 = n.parse().unwrap();
                let (num, den) = (i128::from(num), i128::from(den));
                prop_assert!(n > 0 && n * den <= 100 * num && 400 * num < 5 * n * den, "{s} for {num}/{den}");
            }
        }
    }
}
