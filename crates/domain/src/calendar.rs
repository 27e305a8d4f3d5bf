//! Working days on the Chinese calendar: weekends, the holidays of the State Council's yearly
//! notices (国务院办公厅关于部分节假日安排的通知) and the weekends worked in exchange (调休). Years
//! without a notice fall back to plain weekends, and [`HolidayCalendar::covers`] says so.
//!
//! Counting is O(log h) per call whatever the distance (h: the holidays known): weekdays by
//! arithmetic on whole weeks, holidays and adjusted weekends by a prefix count over their sorted
//! dates. Formulas come from users, so `working_days(joined_on, 9999-12-31)` must cost no more
//! than `working_days(joined_on, period_end)`.

use chrono::{Datelike, Days, NaiveDate};
use std::collections::{BTreeMap, BTreeSet};

/// The first year dates in formulas and periods may fall in.
pub const FIRST_YEAR: i32 = 1900;
/// The last year dates in formulas and periods may fall in.
pub const LAST_YEAR: i32 = 2100;

/// Whether `d` lies in the years kaohe computes with ([`FIRST_YEAR`] to [`LAST_YEAR`]).
pub fn in_range(d: NaiveDate) -> bool {
    (FIRST_YEAR..=LAST_YEAR).contains(&d.year())
}

/// Which days are working days.
pub trait WorkCalendar: Send + Sync {
    /// Whether `d` is a working day.
    fn is_working_day(&self, d: NaiveDate) -> bool;

    /// The working days before `d` (not counting `d`), from a fixed origin: only differences
    /// mean anything. Must be O(1) or O(log n): evaluation calls it once per record.
    fn working_days_before(&self, d: NaiveDate) -> i64;

    /// Whether the calendar knows `year`'s holidays (a calendar without holidays has none to miss).
    fn covers(&self, _year: i32) -> bool {
        true
    }
}

/// Monday to Friday, no holidays.
#[derive(Debug, Clone, Copy, Default)]
pub struct Weekends;

/// Weekdays before day number `x` (days from the common era), counted from a Monday.
fn weekdays_before(x: i64) -> i64 {
    // 0001-01-01 (day 1 from the common era) was a Monday.
    let e = x - 1;
    5 * e.div_euclid(7) + e.rem_euclid(7).min(5)
}

fn day_number(d: NaiveDate) -> i64 {
    i64::from(d.num_days_from_ce())
}

impl WorkCalendar for Weekends {
    fn is_working_day(&self, d: NaiveDate) -> bool {
        d.weekday().number_from_monday() <= 5
    }

    fn working_days_before(&self, d: NaiveDate) -> i64 {
        weekdays_before(day_number(d))
    }
}

/// One holiday of a notice: the days off (first to last, inclusive) and the weekend days worked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Holiday {
    pub name: String,
    pub off: (NaiveDate, NaiveDate),
    pub work: Vec<NaiveDate>,
}

/// One year's notice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CalendarYear {
    pub year: i32,
    /// The notice's title.
    pub notice: String,
    pub holidays: Vec<Holiday>,
}

/// Weekends plus the holidays and adjusted working days of every known year.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HolidayCalendar {
    years: BTreeMap<i32, CalendarYear>,
    off: BTreeMap<NaiveDate, String>,
    work: BTreeSet<NaiveDate>,
    /// Every day that differs from plain weekends, ascending, with the running total of the
    /// differences up to and including it (+1 a weekend worked, −1 a weekday off).
    changes: Vec<(NaiveDate, i64)>,
}

impl HolidayCalendar {
    /// A calendar of these years; a later entry for the same year replaces an earlier one.
    pub fn new(years: impl IntoIterator<Item = CalendarYear>) -> Self {
        let mut cal = HolidayCalendar::default();
        for y in years {
            cal.years.insert(y.year, y);
        }
        for y in cal.years.values() {
            for h in &y.holidays {
                for d in h.off.0.iter_days().take_while(|d| *d <= h.off.1) {
                    cal.off.insert(d, h.name.clone());
                }
                cal.work.extend(h.work.iter().copied());
            }
        }
        let mut days: BTreeMap<NaiveDate, i64> = BTreeMap::new();
        for d in cal.off.keys().chain(&cal.work) {
            let change = i64::from(cal.is_working_day(*d)) - i64::from(Weekends.is_working_day(*d));
            if change != 0 {
                days.insert(*d, change);
            }
        }
        let mut total = 0;
        cal.changes = days
            .into_iter()
            .map(|(d, c)| {
                (d, {
                    total += c;
                    total
                })
            })
            .collect();
        cal
    }

    /// Whether a notice for `year` is known (otherwise its days are plain weekends).
    pub fn covers(&self, year: i32) -> bool {
        self.years.contains_key(&year)
    }

    /// The years with a notice, ascending.
    pub fn years(&self) -> impl Iterator<Item = &CalendarYear> {
        self.years.values()
    }

    /// The holiday a day belongs to, if it is one.
    pub fn holiday(&self, d: NaiveDate) -> Option<&str> {
        self.off.get(&d).map(String::as_str)
    }

    /// Whether `d` is a weekend day worked in exchange for a holiday (调休上班).
    pub fn is_adjusted_working_day(&self, d: NaiveDate) -> bool {
        self.work.contains(&d)
    }

    /// The years between `from` and `to` (inclusive) that no notice covers.
    pub fn uncovered_years(&self, from: NaiveDate, to: NaiveDate) -> Vec<i32> {
        let (lo, hi) = if from <= to { (from, to) } else { (to, from) };
        (lo.year()..=hi.year()).filter(|y| !self.covers(*y)).collect()
    }
}

impl WorkCalendar for HolidayCalendar {
    fn is_working_day(&self, d: NaiveDate) -> bool {
        if self.work.contains(&d) {
            return true;
        }
        !self.off.contains_key(&d) && Weekends.is_working_day(d)
    }

    fn working_days_before(&self, d: NaiveDate) -> i64 {
        let before = self.changes.partition_point(|(c, _)| *c < d);
        let changed = if before == 0 { 0 } else { self.changes[before - 1].1 };
        Weekends.working_days_before(d) + changed
    }

    fn covers(&self, year: i32) -> bool {
        HolidayCalendar::covers(self, year)
    }
}

/// Working days after `from` up to and including `to`; negative when `to` is before `from`.
pub fn working_days_between(cal: &dyn WorkCalendar, from: NaiveDate, to: NaiveDate) -> i64 {
    // Days after `x` up to and including `y` are the days before `y + 1` less those before `x + 1`.
    let after =
        |x: NaiveDate| x.succ_opt().map_or_else(|| cal.working_days_before(x) + 1, |n| cal.working_days_before(n));
    after(to) - after(from)
}

/// The date `n` working days after `from` (before it when `n` is negative); `from` itself when
/// `n` is 0. `None` when that date would fall outside [`FIRST_YEAR`]..=[`LAST_YEAR`]. Found by
/// bisection over the calendar's counts, so a large `n` costs no more than a small one.
pub fn add_working_days(cal: &dyn WorkCalendar, from: NaiveDate, n: i64) -> Option<NaiveDate> {
    if n == 0 {
        return Some(from);
    }
    let first = NaiveDate::from_ymd_opt(FIRST_YEAR, 1, 1)?;
    let last = NaiveDate::from_ymd_opt(LAST_YEAR, 12, 31)?;
    let at = |x: i64| first.checked_add_days(Days::new(x as u64));
    let span = (last - first).num_days();
    if n > 0 {
        // The first day `d` after `from` with n working days in (from, d].
        let lo = (from - first).num_days() + 1;
        if lo > span || lo < 0 {
            return None;
        }
        let (mut lo, mut hi) = (lo, span + 1);
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            if working_days_between(cal, from, at(mid)?) >= n { hi = mid } else { lo = mid + 1 }
        }
        (lo <= span).then(|| at(lo)).flatten()
    } else {
        // The last day `d` before `from` with |n| working days in [d, from).
        let hi = (from - first).num_days() - 1;
        if hi < 0 || hi > span {
            return None;
        }
        let within = |x: i64| -> Option<bool> {
            let d = at(x)?;
            Some(cal.working_days_before(from) - cal.working_days_before(d) >= -n)
        };
        let (mut lo, mut hi) = (-1i64, hi);
        // Invariant: `hi` is a candidate only if within(hi); find the largest x with within(x).
        while lo < hi {
            let mid = hi - (hi - lo) / 2;
            if within(mid)? { lo = mid } else { hi = mid - 1 }
        }
        (lo >= 0).then(|| at(lo)).flatten()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn counts_the_days_after_the_first_up_to_the_second() {
        // Friday 2009-03-06 → Wednesday 2009-03-11: Mon, Tue, Wed.
        assert_eq!(working_days_between(&Weekends, d("2009-03-06"), d("2009-03-11")), 3);
        assert_eq!(working_days_between(&Weekends, d("2009-03-11"), d("2009-03-06")), -3);
        assert_eq!(working_days_between(&Weekends, d("2009-03-06"), d("2009-03-06")), 0);
        assert_eq!(add_working_days(&Weekends, d("2009-03-06"), 3), Some(d("2009-03-11")));
        assert_eq!(add_working_days(&Weekends, d("2009-03-11"), -3), Some(d("2009-03-06")));
        assert_eq!(add_working_days(&Weekends, d("2009-03-07"), 0), Some(d("2009-03-07")));
    }

    #[test]
    fn holidays_are_off_and_adjusted_weekends_are_worked() {
        let cal = HolidayCalendar::new([CalendarYear {
            year: 2009,
            notice: "通知".into(),
            holidays: vec![Holiday {
                name: "端午节".into(),
                off: (d("2009-05-28"), d("2009-05-30")),
                work: vec![d("2009-05-31")],
            }],
        }]);
        assert!(!cal.is_working_day(d("2009-05-28")), "Thursday, a holiday");
        assert!(cal.is_working_day(d("2009-05-31")), "Sunday, worked in exchange");
        assert!(!cal.is_working_day(d("2009-05-30")), "Saturday inside the break");
        assert_eq!(cal.holiday(d("2009-05-29")), Some("端午节"));
        // Wednesday 27th + 1 working day: the 31st (Sunday, worked).
        assert_eq!(add_working_days(&cal, d("2009-05-27"), 1), Some(d("2009-05-31")));
        assert!(cal.covers(2009) && !cal.covers(2011));
        assert_eq!(cal.uncovered_years(d("2009-12-30"), d("2011-01-05")), vec![2010, 2011]);
    }

    /// The plain count, a day at a time: the reference the fast count is checked against.
    fn counted(cal: &dyn WorkCalendar, from: NaiveDate, to: NaiveDate) -> i64 {
        let (lo, hi, sign) = if to >= from { (from, to, 1) } else { (to, from, -1) };
        sign * lo.iter_days().skip(1).take_while(|d| *d <= hi).filter(|d| cal.is_working_day(*d)).count() as i64
    }

    #[test]
    fn far_dates_cost_nothing_and_agree_with_whole_weeks() {
        // 9999-12-31 is far outside the calendar's years; the count is still exact arithmetic.
        let from = d("2009-01-05");
        let far = d("9999-12-31");
        let weeks = (far - from).num_days() / 7;
        let n = working_days_between(&Weekends, from, far);
        assert!(n >= weeks * 5 && n <= weeks * 5 + 5, "{n} for {weeks} weeks");
        assert_eq!(add_working_days(&Weekends, from, i64::MAX / 4), None, "past the last year");
        assert_eq!(add_working_days(&Weekends, from, -i64::MAX / 4), None, "before the first year");
    }

    proptest::proptest! {
        /// The fast count equals counting day by day, on any calendar shape and either order.
        #[test]
        fn fast_count_equals_day_by_day(a in 0u32..9000, b in 0u32..9000, off_start in 0u32..9000, len in 1u64..12, work in 0u32..9000) {
            let base = d("2000-01-01");
            let (from, to) = (base + Days::new(a as u64), base + Days::new(b as u64));
            let h = base + Days::new(off_start as u64);
            let cal = HolidayCalendar::new([CalendarYear {
                year: h.year(),
                notice: String::new(),
                holidays: vec![Holiday { name: "h".into(), off: (h, h + Days::new(len - 1)), work: vec![base + Days::new(work as u64)] }],
            }]);
            proptest::prop_assert_eq!(working_days_between(&cal, from, to), counted(&cal, from, to));
            proptest::prop_assert_eq!(working_days_between(&Weekends, from, to), counted(&Weekends, from, to));
        }

        /// Adding n working days and counting them back agree, on any calendar shape.
        #[test]
        fn add_and_count_agree(start in 0u32..5000, n in 0i64..40, off_start in 0u32..5000, len in 1u64..9) {
            let base = d("2007-01-01");
            let from = base + Days::new(start as u64);
            let a = base + Days::new(off_start as u64);
            let cal = HolidayCalendar::new([CalendarYear {
                year: a.year(),
                notice: String::new(),
                holidays: vec![Holiday { name: "h".into(), off: (a, a + Days::new(len - 1)), work: vec![] }],
            }]);
            let to = add_working_days(&cal, from, n).unwrap();
            proptest::prop_assert_eq!(working_days_between(&cal, from, to), n);
            if n != 0 {
                proptest::prop_assert!(cal.is_working_day(to));
                // And back again: n working days before `to`, the last of them after `from`.
                let back = add_working_days(&cal, to, -n).unwrap();
                proptest::prop_assert!(back <= from && working_days_between(&cal, back, from) == 0);
            }
        }
    }
}
