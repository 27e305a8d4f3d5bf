//! Working days on the Chinese calendar: weekends, the holidays of the State Council's yearly
//! notices (国务院办公厅关于部分节假日安排的通知) and the weekends worked in exchange (调休). Years
//! without a notice fall back to plain weekends, and [`HolidayCalendar::covers`] says so.

use chrono::{Datelike, Days, NaiveDate};
use std::collections::{BTreeMap, BTreeSet};

/// Which days are working days.
pub trait WorkCalendar: Send + Sync {
    /// Whether `d` is a working day.
    fn is_working_day(&self, d: NaiveDate) -> bool;
}

/// Monday to Friday, no holidays.
#[derive(Debug, Clone, Copy, Default)]
pub struct Weekends;

impl WorkCalendar for Weekends {
    fn is_working_day(&self, d: NaiveDate) -> bool {
        d.weekday().number_from_monday() <= 5
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
}

/// Working days after `from` up to and including `to`; negative when `to` is before `from`.
pub fn working_days_between(cal: &dyn WorkCalendar, from: NaiveDate, to: NaiveDate) -> i64 {
    let (lo, hi, sign) = if to >= from { (from, to, 1) } else { (to, from, -1) };
    sign * lo.iter_days().skip(1).take_while(|d| *d <= hi).filter(|d| cal.is_working_day(*d)).count() as i64
}

/// The date `n` working days after `from` (before it when `n` is negative); `from` itself when
/// `n` is 0. `None` only past the end of the calendar's dates.
pub fn add_working_days(cal: &dyn WorkCalendar, from: NaiveDate, n: i64) -> Option<NaiveDate> {
    let mut d = from;
    let mut left = n.unsigned_abs();
    while left > 0 {
        d = if n > 0 { d.checked_add_days(Days::new(1))? } else { d.checked_sub_days(Days::new(1))? };
        if cal.is_working_day(d) {
            left -= 1;
        }
    }
    Some(d)
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

    proptest::proptest! {
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
