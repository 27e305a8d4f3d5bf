//! Periods a figure is computed for: a year, a quarter, a month or any range of days; and the
//! previous period of the same length, which `growth` compares with.

use chrono::{Datelike, Duration, NaiveDate};
use serde::Serialize;
use std::fmt;

/// How a period was given; decides what "the previous period" is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PeriodKind {
    Year,
    Quarter,
    Month,
    Range,
}

/// A closed range of days.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct Period {
    pub start: NaiveDate,
    pub end: NaiveDate,
    pub kind: PeriodKind,
}

fn ymd(y: i32, m: u32, d: u32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(y, m, d)
}

fn month_end(y: i32, m: u32) -> Option<NaiveDate> {
    let (ny, nm) = if m == 12 { (y + 1, 1) } else { (y, m + 1) };
    ymd(ny, nm, 1)?.pred_opt()
}

impl Period {
    /// A calendar year.
    pub fn year(y: i32) -> Self {
        let start = ymd(y, 1, 1).unwrap_or_default();
        let end = ymd(y, 12, 31).unwrap_or_default();
        Period { start, end, kind: PeriodKind::Year }
    }

    /// Parses `2009`, `2009Q3`, `2009-07` or `2009-01-01..2009-06-30`; every day of it within
    /// the calendar's years ([`crate::calendar::FIRST_YEAR`] to [`crate::calendar::LAST_YEAR`]).
    pub fn parse(s: &str) -> Option<Self> {
        Self::parse_any(s).filter(|p| crate::calendar::in_range(p.start) && crate::calendar::in_range(p.end))
    }

    fn parse_any(s: &str) -> Option<Self> {
        let s = s.trim();
        if let Some((a, b)) = s.split_once("..") {
            let start: NaiveDate = a.trim().parse().ok()?;
            let end: NaiveDate = b.trim().parse().ok()?;
            return (start <= end).then_some(Period { start, end, kind: PeriodKind::Range });
        }
        if let Some((y, q)) = s.split_once(['Q', 'q']) {
            let (y, q): (i32, u32) = (y.parse().ok()?, q.parse().ok()?);
            if !(1..=4).contains(&q) {
                return None;
            }
            let start = ymd(y, 3 * q - 2, 1)?;
            return Some(Period { start, end: month_end(y, 3 * q)?, kind: PeriodKind::Quarter });
        }
        if let Some((y, m)) = s.split_once('-') {
            let (y, m): (i32, u32) = (y.parse().ok()?, m.parse().ok()?);
            return Some(Period { start: ymd(y, m, 1)?, end: month_end(y, m)?, kind: PeriodKind::Month });
        }
        let y: i32 = s.parse().ok()?;
        NaiveDate::from_ymd_opt(y, 1, 1).map(|_| Period::year(y))
    }

    /// The period of the same length just before this one (a year's is the year before).
    pub fn previous(&self) -> Self {
        match self.kind {
            PeriodKind::Year => Period::year(self.start.year() - 1),
            PeriodKind::Quarter | PeriodKind::Month => {
                let months = if self.kind == PeriodKind::Quarter { 3 } else { 1 };
                let start = self.start - chrono::Months::new(months);
                Period { start, end: self.start - Duration::days(1), kind: self.kind }
            }
            PeriodKind::Range => {
                let days = (self.end - self.start).num_days() + 1;
                Period {
                    start: self.start - Duration::days(days),
                    end: self.start - Duration::days(1),
                    kind: self.kind,
                }
            }
        }
    }

    /// The year of the period's end.
    pub fn year_of_end(&self) -> i32 {
        self.end.year()
    }

    /// Whether a date falls inside.
    pub fn contains(&self, d: NaiveDate) -> bool {
        self.start <= d && d <= self.end
    }

    /// The period in Chinese (`2009年`, `2009年第3季度`, `2009年7月`).
    pub fn label_zh(&self) -> String {
        match self.kind {
            PeriodKind::Year => format!("{}年", self.start.year()),
            PeriodKind::Quarter => format!("{}年第{}季度", self.start.year(), self.start.month().div_ceil(3)),
            PeriodKind::Month => format!("{}年{}月", self.start.year(), self.start.month()),
            PeriodKind::Range => format!("{}至{}", self.start, self.end),
        }
    }
}

impl fmt::Display for Period {
    /// The form [`Period::parse`] reads.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.kind {
            PeriodKind::Year => write!(f, "{}", self.start.year()),
            PeriodKind::Quarter => write!(f, "{}Q{}", self.start.year(), self.start.month().div_ceil(3)),
            PeriodKind::Month => write!(f, "{}-{:02}", self.start.year(), self.start.month()),
            PeriodKind::Range => write!(f, "{}..{}", self.start, self.end),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn parses_every_form_and_finds_the_previous_period() {
        let y = Period::parse("2009").unwrap();
        assert_eq!((y.start, y.end), (d("2009-01-01"), d("2009-12-31")));
        assert_eq!(y.previous(), Period::year(2008));
        let q = Period::parse("2009Q1").unwrap();
        assert_eq!((q.start, q.end), (d("2009-01-01"), d("2009-03-31")));
        let pq = q.previous();
        assert_eq!((pq.start, pq.end, pq.kind), (d("2008-10-01"), d("2008-12-31"), PeriodKind::Quarter));
        let m = Period::parse("2009-03").unwrap();
        assert_eq!(m.previous().end, d("2009-02-28"));
        assert_eq!(Period::parse("2008-03").unwrap().previous().end, d("2008-02-29"));
        assert_eq!(Period::parse("2009-01").unwrap().previous().start, d("2008-12-01"));
        let r = Period::parse("2009-01-01..2009-06-30").unwrap();
        let pr = r.previous();
        assert_eq!((pr.start, pr.end), (d("2008-07-04"), d("2008-12-31")));
        for s in ["2009", "2009Q3", "2009-07", "2009-01-01..2009-06-30"] {
            assert_eq!(Period::parse(s).unwrap().to_string(), s);
        }
        for bad in [
            "2009Q5",
            "2009-13",
            "09",
            "2009-02-01..2009-01-01",
            "abc",
            "1899",
            "2101Q1",
            "2009-01-01..9999-12-31",
            "0001-01",
        ] {
            assert_eq!(Period::parse(bad), None, "{bad}");
        }
        assert_eq!(Period::parse("2009Q3").unwrap().label_zh(), "2009年第3季度");
    }
}
