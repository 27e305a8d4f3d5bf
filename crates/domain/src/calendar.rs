//! Working days. The trade-union pack's holiday calendars (the State Council's yearly notices,
//! with their adjusted working weekends) plug in behind [`WorkCalendar`]; until a year is known,
//! plain weekends stand in.

use chrono::{Datelike, NaiveDate};

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

/// Working days after `from` up to and including `to`; negative when `to` is before `from`.
pub fn working_days_between(cal: &dyn WorkCalendar, from: NaiveDate, to: NaiveDate) -> i64 {
    let (lo, hi, sign) = if to >= from { (from, to, 1) } else { (to, from, -1) };
    sign * lo.iter_days().skip(1).take_while(|d| *d <= hi).filter(|d| cal.is_working_day(*d)).count() as i64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_the_days_after_the_first_up_to_the_second() {
        let d = |s: &str| s.parse::<NaiveDate>().unwrap();
        // Friday 2009-03-06 → Wednesday 2009-03-11: Mon, Tue, Wed.
        assert_eq!(working_days_between(&Weekends, d("2009-03-06"), d("2009-03-11")), 3);
        assert_eq!(working_days_between(&Weekends, d("2009-03-11"), d("2009-03-06")), -3);
        assert_eq!(working_days_between(&Weekends, d("2009-03-06"), d("2009-03-06")), 0);
    }
}
