//! The built-in working-day calendar against the State Council's notices: days off, adjusted
//! working weekends, arithmetic across a break, the yearly totals, and the fallback beyond the
//! known years.

use chrono::{Datelike, NaiveDate};
use kaohe_domain::calendar::{WorkCalendar, add_working_days, working_days_between};

fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

fn calendar() -> kaohe_domain::calendar::HolidayCalendar {
    kaohe_packs::trade_union().unwrap().calendar
}

#[test]
fn national_day_and_mid_autumn_2025() {
    // 国务院办公厅关于2025年部分节假日安排的通知: 10月1日至8日放假调休,共8天;9月28日(周日)、10月11日(周六)上班.
    let cal = calendar();
    for day in d("2025-10-01").iter_days().take(8) {
        assert!(!cal.is_working_day(day), "{day} is off");
    }
    assert!(cal.is_working_day(d("2025-09-28")), "Sunday 28 September is worked");
    assert!(cal.is_working_day(d("2025-10-11")), "Saturday 11 October is worked");
    assert!(!cal.is_working_day(d("2025-10-12")), "Sunday 12 October is a plain Sunday");
    // A decision received on Tuesday 30 September, conveyed within 3 working days: by 11 October.
    assert_eq!(add_working_days(&cal, d("2025-09-30"), 1), Some(d("2025-10-09")));
    assert_eq!(add_working_days(&cal, d("2025-09-30"), 3), Some(d("2025-10-11")));
    // After Friday 26 September up to Sunday 12 October: 28, 29, 30 Sep and 9, 10, 11 Oct.
    assert_eq!(working_days_between(&cal, d("2025-09-26"), d("2025-10-12")), 6);
}

#[test]
fn the_seed_year_2009() {
    let cal = calendar();
    // 春节 1月25日至31日, 1月24日(周六)、2月1日(周日)上班; 端午 5月28日至30日, 5月31日(周日)上班.
    assert!(cal.is_working_day(d("2009-01-24")) && cal.is_working_day(d("2009-02-01")));
    assert!(!cal.is_working_day(d("2009-01-26")));
    assert_eq!(cal.holiday(d("2009-05-29")), Some("端午节"));
    assert_eq!(add_working_days(&cal, d("2009-05-27"), 1), Some(d("2009-05-31")));
    // 国庆、中秋 10月1日至8日; 9月27日(周日)、10月10日(周六)上班.
    assert_eq!(add_working_days(&cal, d("2009-09-30"), 1), Some(d("2009-10-09")));
}

#[test]
fn yearly_working_day_totals() {
    // 365 or 366 days, less weekends and the statutory holidays (11 days 2008–2024, 13 from 2025),
    // corrected for the breaks that cross a year's end and for 2020's longer Spring Festival.
    let cal = calendar();
    let expected = [
        (2007, 249),
        (2008, 251),
        (2009, 250),
        (2010, 250),
        (2020, 249),
        (2021, 250),
        (2022, 249),
        (2023, 249),
        (2024, 251),
        (2025, 248),
        (2026, 248),
    ];
    for (year, days) in expected {
        assert!(cal.covers(year), "{year} is shipped");
        let first = NaiveDate::from_ymd_opt(year, 1, 1).unwrap();
        let counted = first.iter_days().take_while(|x| x.year() == year).filter(|x| cal.is_working_day(*x)).count();
        assert_eq!(counted, days, "{year}");
        assert_eq!(working_days_between(&cal, first.pred_opt().unwrap(), d(&format!("{year}-12-31"))), days as i64);
    }
}

#[test]
fn beyond_the_known_years_plain_weekends() {
    let cal = calendar();
    assert!(!cal.covers(2015) && !cal.covers(2027));
    assert!(cal.is_working_day(d("2027-10-01")), "no notice for 2027: a Friday is a working day");
    assert_eq!(cal.uncovered_years(d("2026-12-30"), d("2027-01-05")), vec![2027]);
}

#[test]
fn a_year_added_as_a_file() {
    let dir = std::env::temp_dir().join(format!("kaohe-cal-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("2027.toml"),
        "year = 2027\nnotice = \"测试\"\n\n[[holidays]]\nname = \"国庆节\"\noff = \"2027-10-01..2027-10-07\"\nwork = [\"2027-09-26\"]\n",
    )
    .unwrap();
    let pack = kaohe_packs::trade_union().unwrap();
    let cal = kaohe_packs::calendar_with(&pack, &dir).unwrap();
    assert!(cal.covers(2027) && cal.covers(2009));
    assert!(!cal.is_working_day(d("2027-10-01")) && cal.is_working_day(d("2027-09-26")));
    std::fs::write(
        dir.join("2028.toml"),
        "year = 2028\nnotice = \"x\"\n[[holidays]]\nname = \"x\"\noff = \"2028-13-01..2028-13-02\"\n",
    )
    .unwrap();
    let errs = kaohe_packs::calendar_with(&pack, &dir).unwrap_err();
    assert!(errs[0].to_string().contains("2028.toml:5:7"), "{}", errs[0]);
    std::fs::remove_dir_all(&dir).unwrap();
}
