//! 督办 page: the year's tracked tasks in the scope with their deadlines in working days (the
//! holiday calendar's), status lights, the escalation list (overdue and due soon first) and the
//! on-time rate.

use crate::auth::PageUser;
use crate::figures;
use crate::pages::{Shell, render};
use crate::{AppState, PageError};
use askama::Template;
use axum::Router;
use axum::extract::{Query, State};
use axum::response::Html;
use axum::routing::get;
use chrono::{Datelike, NaiveDate};
use kaohe_domain::OrgId;
use kaohe_domain::indicator::Period;
use kaohe_domain::record::Record;
use kaohe_domain::record::Value;
use kaohe_domain::supervision::{Light, TaskStatus, WARN_WORKING_DAYS, status};
use kaohe_store::RecordQuery;
use kaohe_store::Scoped;
use kaohe_store::{Cursor, Filter, FilterOp};
use serde::Deserialize;

#[derive(Debug, Default, Deserialize)]
struct TaskQuery {
    org: Option<i64>,
    year: Option<i32>,
}

struct TaskRow {
    id: i64,
    ref_no: String,
    title: String,
    received: String,
    due: String,
    conveyed: String,
    light: &'static str,
    label: &'static str,
    detail: String,
}

struct Count {
    light: &'static str,
    label: &'static str,
    n: usize,
}

#[derive(Template)]
#[template(path = "tasks.html")]
struct TasksPage {
    shell: Shell,
    org_id: i64,
    org_name: String,
    year: i32,
    today: String,
    counts: Vec<Count>,
    escalation: Vec<TaskRow>,
    rows: Vec<TaskRow>,
    on_time_rate: String,
    warn_days: i64,
    /// Years whose holiday notice the calendar lacks (this page's, and next year's in December).
    missing_calendars: String,
}

fn text(v: Option<&Value>) -> String {
    match v {
        Some(Value::Text(s)) => s.clone(),
        _ => String::new(),
    }
}

fn date(v: Option<&Value>) -> Option<NaiveDate> {
    match v {
        Some(Value::Date(d)) => Some(*d),
        _ => None,
    }
}

async fn page(
    State(state): State<AppState>,
    PageUser(u): PageUser,
    Query(q): Query<TaskQuery>,
) -> Result<Html<String>, PageError> {
    let s = u.scoped(&state);
    let year = figures::year(q.year, &s).await?;
    let org = figures::org(q.org, &s).await?;
    let today = s.today();
    let en = u.lang == crate::i18n::Lang::En;
    let mut rows: Vec<(Light, NaiveDate, TaskRow)> = statuses(&s, org.id, year)
        .await?
        .into_iter()
        .map(|(r, received, days, st)| {
            let conveyed = date(r.values.get("conveyed_on"));
            let detail = match (st.used, st.left) {
                (Some(used), _) => format!("{used}/{days}"),
                (None, Some(left)) if left < 0 => format!("{}", left),
                (None, Some(left)) => format!("+{left}"),
                _ => String::new(),
            };
            (
                st.light,
                st.due,
                TaskRow {
                    id: r.id.0,
                    ref_no: text(r.values.get("ref_no")),
                    title: text(r.values.get("title")),
                    received: received.to_string(),
                    due: st.due.to_string(),
                    conveyed: conveyed.map_or(String::new(), |c| c.to_string()),
                    light: st.light.code(),
                    label: if en { st.light.label_en() } else { st.light.label_zh() },
                    detail,
                },
            )
        })
        .collect();
    rows.sort_by_key(|r| (r.0, r.1, r.2.id));
    let counts = light_counts(&rows.iter().map(|r| r.0).collect::<Vec<_>>(), en)
        .into_iter()
        .map(|(light, label, n)| Count { light, label, n })
        .collect();
    let rate = match s.indicators().get("decisions_on_time_rate") {
        Some(i) => i.display(s.figures(&[&i.plan], &Period::year(year), &[org.id]).await?[0][0]),
        None => String::new(),
    };
    let (escalation, rest): (Vec<_>, Vec<_>) =
        rows.into_iter().partition(|r| matches!(r.0, Light::Red | Light::Yellow));
    let next_year_due = today.month() == 12 && today.year() == year;
    let missing: Vec<String> = [Some(year), next_year_due.then_some(year + 1)]
        .into_iter()
        .flatten()
        .filter(|y| !s.calendar().covers(*y))
        .map(|y| y.to_string())
        .collect();
    render(&TasksPage {
        shell: Shell::new(&u, &state, "tasks"),
        org_id: org.id.0,
        org_name: org.name.clone(),
        year,
        today: today.to_string(),
        counts,
        escalation: escalation.into_iter().map(|r| r.2).collect(),
        rows: rest.into_iter().map(|r| r.2).collect(),
        on_time_rate: rate,
        warn_days: WARN_WORKING_DAYS,
        missing_calendars: missing.join("、"),
    })
}

/// Each of the year's tasks under `org` (received in the year) with its received date, its time
/// limit in working days and its status on the holiday calendar today.
pub(crate) async fn statuses(
    s: &Scoped<'_>,
    org: OrgId,
    year: i32,
) -> Result<Vec<(Record, NaiveDate, i64, TaskStatus)>, PageError> {
    let (first, last) = (NaiveDate::from_ymd_opt(year, 1, 1), NaiveDate::from_ymd_opt(year, 12, 31));
    let (Some(first), Some(last)) = (first, last) else { return Err(kaohe_domain::DomainError::NotFound.into()) };
    let filters = vec![
        Filter { field: "received_on".into(), op: FilterOp::Gte, value: Value::Date(first) },
        Filter { field: "received_on".into(), op: FilterOp::Lte, value: Value::Date(last) },
    ];
    let mut records = Vec::new();
    let mut after: Option<Cursor> = None;
    loop {
        let q = RecordQuery {
            under: Some(org),
            filters: filters.clone(),
            after: after.clone(),
            limit: 1000,
            ..Default::default()
        };
        let page = s.records("tasks", &q).await?;
        let Some(last) = page.last() else { break };
        after = Some(Cursor { value: Value::Null, id: last.id });
        let full = page.len() < 1000;
        records.extend(page);
        if full {
            break;
        }
    }
    let today = s.today();
    Ok(records
        .into_iter()
        .filter_map(|r| {
            let received = date(r.values.get("received_on"))?;
            let days = match r.values.get("due_working_days") {
                Some(Value::Int(n)) => *n,
                _ => 0,
            };
            let st = status(s.calendar(), received, days, date(r.values.get("conveyed_on")), today);
            Some((r, received, days, st))
        })
        .collect())
}

/// How many tasks show each light, in the order the pages list them: (code, label, count).
pub(crate) fn light_counts(lights: &[Light], en: bool) -> Vec<(&'static str, &'static str, usize)> {
    [Light::Red, Light::Yellow, Light::Green, Light::Late, Light::Done]
        .into_iter()
        .map(|l| (l.code(), if en { l.label_en() } else { l.label_zh() }, lights.iter().filter(|x| **x == l).count()))
        .collect()
}

pub fn router() -> Router<AppState> {
    Router::new().route("/tasks", get(page))
}
