//! `calendars/<year>.toml`: one State Council holiday notice per file — each holiday's days off
//! (`"first..last"`) and the weekend days worked in exchange. The same reader takes a year added
//! as a file in the data folder.

use super::{PackError, Source};
use crate::calendar::{CalendarYear, Holiday};
use chrono::{Datelike, NaiveDate};
use serde::Deserialize;
use toml::Spanned;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawYear {
    year: Spanned<i32>,
    notice: String,
    #[serde(default)]
    holidays: Vec<RawHoliday>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawHoliday {
    name: String,
    off: Spanned<String>,
    #[serde(default)]
    work: Vec<Spanned<String>>,
}

/// Reads one calendar file (`path` is used in error messages).
pub fn parse_calendar_year(path: &str, text: &str) -> Result<CalendarYear, Vec<PackError>> {
    let src = Source { file: path, text };
    let mut errors = Vec::new();
    let out = read(&src, &mut errors);
    match out {
        Some(y) if errors.is_empty() => Ok(y),
        _ => Err(errors),
    }
}

pub(super) fn read(src: &Source, errors: &mut Vec<PackError>) -> Option<CalendarYear> {
    let raw: RawYear = match toml::from_str(src.text) {
        Ok(r) => r,
        Err(e) => {
            errors.push(src.toml_error(&e));
            return None;
        }
    };
    let year = *raw.year.get_ref();
    let named = src.file.rsplit('/').next().and_then(|f| f.strip_suffix(".toml")).and_then(|s| s.parse::<i32>().ok());
    if named.is_some_and(|n| n != year) {
        errors.push(src.error(raw.year.span().start, "年份与文件名不符", "the year does not match the file name"));
    }
    let date = |s: &Spanned<String>, text: &str, errors: &mut Vec<PackError>| match text.trim().parse::<NaiveDate>() {
        Ok(d) if (year - 1..=year).contains(&d.year()) => Some(d),
        Ok(_) => {
            errors.push(src.error(
                s.span().start,
                format!("日期“{text}”不在{year}年(或上年末)"),
                format!("date {text} is outside {year} (or the end of the year before)"),
            ));
            None
        }
        Err(_) => {
            errors.push(src.error(
                s.span().start,
                format!("日期“{text}”应为 YYYY-MM-DD"),
                format!("date {text} should be YYYY-MM-DD"),
            ));
            None
        }
    };
    let mut holidays = Vec::new();
    for h in raw.holidays {
        let range = h.off.get_ref().clone();
        let off = match range.split_once("..") {
            Some((a, b)) => match (date(&h.off, a, errors), date(&h.off, b, errors)) {
                (Some(a), Some(b)) if a <= b => Some((a, b)),
                (Some(_), Some(_)) => {
                    errors.push(src.error(
                        h.off.span().start,
                        "放假起日晚于止日",
                        "the first day off is after the last",
                    ));
                    None
                }
                _ => None,
            },
            None => {
                errors.push(src.error(
                    h.off.span().start,
                    "放假日期应写作“首日..末日”",
                    "days off should read \"first..last\"",
                ));
                None
            }
        };
        let mut work = Vec::new();
        for w in &h.work {
            if let Some(d) = date(w, w.get_ref(), errors) {
                if d.weekday().number_from_monday() <= 5 {
                    errors.push(src.error(
                        w.span().start,
                        format!("调休上班日 {d} 不是周末"),
                        format!("adjusted working day {d} is not a weekend day"),
                    ));
                }
                work.push(d);
            }
        }
        if let Some(off) = off {
            holidays.push(Holiday { name: h.name, off, work });
        }
    }
    Some(CalendarYear { year, notice: raw.notice, holidays })
}

/// The pack file (`calendars/<year>.toml`) of a notice typed into the app: two lines of heading,
/// then five lines per holiday (blank, `[[holidays]]`, name, days off, days worked), so a
/// problem's line tells which holiday it is in.
pub fn calendar_file(y: &crate::calendar::CalendarYear) -> String {
    let q = |v: &str| toml::Value::String(v.to_owned()).to_string();
    let mut text = format!("year = {}\nnotice = {}\n", y.year, q(&y.notice));
    for h in &y.holidays {
        let work = h.work.iter().map(|d| format!("\"{d}\"")).collect::<Vec<_>>().join(", ");
        text.push_str(&format!(
            "\n[[holidays]]\nname = {}\noff = \"{}..{}\"\nwork = [{work}]\n",
            q(&h.name),
            h.off.0,
            h.off.1
        ));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_point_at_the_bad_date() {
        let text = "year = 2009\nnotice = \"n\"\n\n[[holidays]]\nname = \"春节\"\noff = \"2009-01-25..2009-01-31\"\nwork = [\"2009-01-26\"]\n";
        let errs = parse_calendar_year("calendars/2009.toml", text).unwrap_err();
        assert_eq!((errs[0].line, errs[0].column), (7, 9), "{}", errs[0]);
        assert!(errs[0].message_en.contains("not a weekend"));
        let errs = parse_calendar_year("calendars/2010.toml", "year = 2009\nnotice = \"n\"\n").unwrap_err();
        assert!(errs[0].message_en.contains("file name"));
    }
}
