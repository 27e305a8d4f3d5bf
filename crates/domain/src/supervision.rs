//! 督办: a tracked task's deadline in working days and its status light — green while more than
//! a few working days are left, yellow near the deadline, red once it has passed; done on time or
//! late once conveyed.

use crate::calendar::{WorkCalendar, add_working_days, working_days_between};
use chrono::NaiveDate;
use serde::Serialize;

/// Working days left at or under which an open task turns yellow.
pub const WARN_WORKING_DAYS: i64 = 3;

/// A task's light.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Light {
    /// Open and past its deadline.
    Red,
    /// Open, at most [`WARN_WORKING_DAYS`] working days left.
    Yellow,
    /// Open, more time left.
    Green,
    /// Conveyed after the deadline.
    Late,
    /// Conveyed in time.
    Done,
}

impl Light {
    /// The label shown.
    pub fn label_zh(self) -> &'static str {
        match self {
            Light::Red => "逾期未办",
            Light::Yellow => "即将到期",
            Light::Green => "正常办理",
            Light::Late => "逾期办结",
            Light::Done => "按时办结",
        }
    }

    /// The label in English.
    pub fn label_en(self) -> &'static str {
        match self {
            Light::Red => "overdue",
            Light::Yellow => "due soon",
            Light::Green => "in time",
            Light::Late => "done late",
            Light::Done => "done in time",
        }
    }

    /// A stable code (CSS classes, the API).
    pub fn code(self) -> &'static str {
        match self {
            Light::Red => "red",
            Light::Yellow => "yellow",
            Light::Green => "green",
            Light::Late => "late",
            Light::Done => "done",
        }
    }
}

/// Where a task stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct TaskStatus {
    /// The last working day to convey it.
    pub due: NaiveDate,
    pub light: Light,
    /// Open tasks: working days left after today up to the deadline (negative: overdue by).
    pub left: Option<i64>,
    /// Conveyed tasks: working days it took.
    pub used: Option<i64>,
}

/// The status of a task received on `received`, due within `due_days` working days, conveyed on
/// `conveyed` (if it has been), seen on `today`.
pub fn status(
    cal: &dyn WorkCalendar,
    received: NaiveDate,
    due_days: i64,
    conveyed: Option<NaiveDate>,
    today: NaiveDate,
) -> TaskStatus {
    let due = add_working_days(cal, received, due_days.max(0)).unwrap_or(received);
    match conveyed {
        Some(c) => {
            let used = working_days_between(cal, received, c);
            let light = if used <= due_days { Light::Done } else { Light::Late };
            TaskStatus { due, light, left: None, used: Some(used) }
        }
        None => {
            let left = working_days_between(cal, today, due);
            let light = if today > due {
                Light::Red
            } else if left <= WARN_WORKING_DAYS {
                Light::Yellow
            } else {
                Light::Green
            };
            TaskStatus { due, light, left: Some(left), used: None }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::{CalendarYear, Holiday, HolidayCalendar};

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn lights_across_a_holiday() {
        // 2025's National Day break: 1–8 October off, Saturday 11 October worked.
        let cal = HolidayCalendar::new([CalendarYear {
            year: 2025,
            notice: String::new(),
            holidays: vec![Holiday {
                name: "国庆节、中秋节".into(),
                off: (d("2025-10-01"), d("2025-10-08")),
                work: vec![d("2025-09-28"), d("2025-10-11")],
            }],
        }]);
        let received = d("2025-09-30");
        let s = status(&cal, received, 3, None, d("2025-09-30"));
        assert_eq!(s.due, d("2025-10-11"), "9, 10 and 11 October");
        assert_eq!((s.light, s.left), (Light::Yellow, Some(3)));
        let s = status(&cal, received, 10, None, d("2025-09-30"));
        assert_eq!(s.light, Light::Green);
        let s = status(&cal, received, 3, None, d("2025-10-13"));
        assert_eq!((s.light, s.left), (Light::Red, Some(-1)), "Monday 13th is one working day late");
        let s = status(&cal, received, 3, Some(d("2025-10-10")), d("2025-12-01"));
        assert_eq!((s.light, s.used), (Light::Done, Some(2)));
        let s = status(&cal, received, 3, Some(d("2025-10-13")), d("2025-12-01"));
        assert_eq!((s.light, s.used), (Light::Late, Some(4)));
    }
}
