//! 节假日安排: the holiday notices working days are counted by (督办 deadlines, on-time rates).
//! The State Council publishes each year's notice in December; the 系统管理员 of the top
//! federation types it in here — each holiday's days off and the weekend days worked — and it is
//! in force at once, in every server, as the federation's own notice for that year.

use crate::auth::{CurrentUser, PageUser};
use crate::pages::{Shell, render};
use crate::{AppState, PageError};
use askama::Template;
use axum::extract::{Path, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::{Form, Router};
use chrono::NaiveDate;
use kaohe_domain::DomainError;
use kaohe_domain::calendar::{CalendarYear, Holiday};
use kaohe_domain::pack::calendar_file;
use kaohe_store::{Scoped, StoreError};
use std::collections::HashMap;

pub fn router() -> Router<AppState> {
    Router::new().route("/calendars", get(list)).route("/calendars/{year}", get(edit).post(save))
}

/// The holidays of a State Council notice, in its order.
const HOLIDAYS: [&str; 7] = ["元旦", "春节", "清明节", "劳动节", "端午节", "中秋节", "国庆节"];
/// Rows on the form (a year may add a holiday, e.g. 抗战胜利纪念日 in 2015).
const ROWS: usize = 9;

fn path(year: i32) -> String {
    format!("calendars/{year}.toml")
}

struct YearRow {
    year: i32,
    notice: String,
    holidays: String,
    own: bool,
}

#[derive(Template)]
#[template(path = "calendars.html")]
struct ListPage {
    shell: Shell,
    rows: Vec<YearRow>,
    can_change: bool,
    next_year: i32,
}

async fn list(State(state): State<AppState>, PageUser(u): PageUser) -> Result<Html<String>, PageError> {
    let s = u.scoped(&state);
    let own = s.layer_files().unwrap_or_default();
    let cal = &s.layer_parts().calendar;
    let mut rows: Vec<YearRow> = cal
        .years()
        .map(|y| YearRow {
            year: y.year,
            notice: y.notice.clone(),
            holidays: y.holidays.iter().map(|h| h.name.as_str()).collect::<Vec<_>>().join("、"),
            own: own.contains_key(&path(y.year)),
        })
        .collect();
    rows.reverse();
    let this = chrono::Datelike::year(&s.today());
    let next_year = (this..=this + 2).find(|y| !cal.covers(*y)).unwrap_or(this + 1);
    render(&ListPage {
        shell: Shell::new(&u, &state, "calendars"),
        rows,
        can_change: s.may_change_layer_file(&path(next_year)).is_ok(),
        next_year,
    })
}

/// One row of the form.
struct HolidayRow {
    name: String,
    from: String,
    to: String,
    work: String,
}

#[derive(Template)]
#[template(path = "calendar_edit.html")]
struct EditPage {
    shell: Shell,
    year: i32,
    notice: String,
    rows: Vec<HolidayRow>,
    messages: Vec<String>,
}

fn rows_of(s: &Scoped<'_>, year: i32) -> (String, Vec<HolidayRow>) {
    let known = s.layer_parts().calendar.years().find(|y| y.year == year).cloned();
    let mut rows: Vec<HolidayRow> = match &known {
        Some(y) => y
            .holidays
            .iter()
            .map(|h| HolidayRow {
                name: h.name.clone(),
                from: h.off.0.to_string(),
                to: h.off.1.to_string(),
                work: h.work.iter().map(|d| d.to_string()).collect::<Vec<_>>().join(", "),
            })
            .collect(),
        None => HOLIDAYS
            .iter()
            .map(|n| HolidayRow { name: (*n).into(), from: String::new(), to: String::new(), work: String::new() })
            .collect(),
    };
    while rows.len() < ROWS {
        rows.push(HolidayRow { name: String::new(), from: String::new(), to: String::new(), work: String::new() });
    }
    let notice = known.map(|y| y.notice).unwrap_or_else(|| format!("国务院办公厅关于{year}年部分节假日安排的通知"));
    (notice, rows)
}

async fn edit(
    State(state): State<AppState>,
    PageUser(u): PageUser,
    Path(year): Path<i32>,
) -> Result<Response, PageError> {
    let s = u.scoped(&state);
    s.may_change_layer_file(&path(year))?;
    let (notice, rows) = rows_of(&s, year);
    let page = EditPage { shell: Shell::new(&u, &state, "calendars"), year, notice, rows, messages: Vec::new() };
    Ok(render(&page)?.into_response())
}

/// "第3行" / "Row 3" for the form's row `i` (from 0).
fn row_label(u: &CurrentUser, i: usize) -> String {
    u.lang.pick(&format!("第{}行", i + 1), &format!("Row {}", i + 1)).to_owned()
}

/// The notice typed in, and for each line of its pack file which form row it came from.
fn notice_of(
    year: i32,
    notice: &str,
    rows: &[HolidayRow],
    u: &CurrentUser,
) -> Result<(CalendarYear, Vec<usize>), Vec<String>> {
    let mut holidays = Vec::new();
    let mut line_row = vec![0, 0];
    let mut errors = Vec::new();
    let date = |v: &str, i: usize, errors: &mut Vec<String>| match NaiveDate::parse_from_str(v.trim(), "%Y-%m-%d") {
        Ok(d) => Some(d),
        Err(_) => {
            errors.push(format!("{}:“{}”{}", row_label(u, i), v.trim(), u.lang.s("date_format_expected")));
            None
        }
    };
    for (i, r) in rows.iter().enumerate() {
        if r.name.trim().is_empty() && r.from.trim().is_empty() && r.to.trim().is_empty() {
            continue;
        }
        if r.name.trim().is_empty() {
            errors.push(format!("{}:{}", row_label(u, i), u.lang.s("holiday_name_required")));
            continue;
        }
        let from = date(&r.from, i, &mut errors);
        let to = if r.to.trim().is_empty() { from } else { date(&r.to, i, &mut errors) };
        let work: Vec<NaiveDate> = r
            .work
            .split([',', '，', '、', ' '])
            .filter(|w| !w.trim().is_empty())
            .filter_map(|w| date(w, i, &mut errors))
            .collect();
        let (Some(from), Some(to)) = (from, to) else { continue };
        if to < from {
            errors.push(format!("{}:{}", row_label(u, i), u.lang.s("holiday_ends_before")));
            continue;
        }
        holidays.push(Holiday { name: r.name.trim().to_owned(), off: (from, to), work });
        line_row.extend([i; 5]);
    }
    let y = CalendarYear { year, notice: notice.trim().to_owned(), holidays };
    if errors.is_empty() { Ok((y, line_row)) } else { Err(errors) }
}

async fn save(
    State(state): State<AppState>,
    PageUser(u): PageUser,
    Path(year): Path<i32>,
    Form(f): Form<HashMap<String, String>>,
) -> Result<Response, PageError> {
    let s = u.scoped(&state);
    s.may_change_layer_file(&path(year))?;
    let get = |k: String| f.get(&k).cloned().unwrap_or_default();
    let rows: Vec<HolidayRow> = (0..ROWS)
        .map(|i| HolidayRow {
            name: get(format!("name_{i}")),
            from: get(format!("from_{i}")),
            to: get(format!("to_{i}")),
            work: get(format!("work_{i}")),
        })
        .collect();
    let notice = get("notice".into());
    let messages = match notice_of(year, &notice, &rows, &u) {
        Err(m) => m,
        Ok((y, line_row)) => match s.publish_layer_file(&path(year), &calendar_file(&y)).await {
            Ok(_) => return Ok(Redirect::to("/calendars").into_response()),
            Err(StoreError::Pack(problems)) => problems
                .iter()
                .map(|e| {
                    let row = line_row.get(e.line.saturating_sub(1)).copied().unwrap_or(0);
                    format!("{}:{}", row_label(&u, row), u.lang.pick(&e.message_zh, &e.message_en))
                })
                .collect(),
            Err(StoreError::Domain(DomainError::Validation(v))) => {
                v.iter().map(|x| u.lang.pick(&x.message_zh, &x.message_en).to_owned()).collect()
            }
            Err(e) => return Err(e.into()),
        },
    };
    let page = EditPage { shell: Shell::new(&u, &state, "calendars"), year, notice, rows, messages };
    Ok((axum::http::StatusCode::UNPROCESSABLE_ENTITY, render(&page)?).into_response())
}
