//! Targets page (目标下达): each assessed org's target per item of the year's rulebook (its own,
//! or the rulebook's default), edited in place or by XLSX (export, fill in, import: every cell
//! checked first, nothing written on any error), and a cascade: split the city's target among the
//! counties evenly or by last year's figures; a warning where the parts do not add up.

use crate::auth::{CurrentUser, PageUser};
use crate::figures;
use crate::pages::{Opt, Shell, XLSX, download, form_messages, render};
use crate::{AppState, PageError, WebError};
use askama::Template;
use axum::extract::{DefaultBodyLimit, Multipart, Query, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use kaohe_domain::indicator::{Number, Period};
use kaohe_domain::{Action, Org, OrgId, OrgKind};
use kaohe_sheets::{Column, ColumnKind, Limits, OutCell, column_letter, read, write_table};
use kaohe_store::Scoped;
use serde::Deserialize;
use std::collections::BTreeMap;

#[derive(Debug, Default, Deserialize)]
struct TargetQuery {
    org: Option<i64>,
    year: Option<i32>,
}

/// One (org, item) of the year.
struct Line {
    org: Org,
    item: String,
    name: String,
    unit: String,
    percent: bool,
    additive: bool,
    /// The assigned target, if any.
    value: Option<Number>,
    default: Option<Number>,
}

/// Every (assessed org, item that applies to it), in tree and rulebook order.
async fn lines(s: &Scoped<'_>, year: i32, org: OrgId, u: &CurrentUser) -> Result<Vec<Line>, PageError> {
    let book = s.rulebook(year)?.clone();
    let assigned: BTreeMap<(OrgId, String), Number> =
        s.assigned_targets(year, org).await?.into_iter().map(|t| ((t.org_id, t.item), t.value)).collect();
    let mut out = Vec::new();
    for o in s.assessees(year, org).await? {
        for (_, item) in book.items().filter(|(_, i)| i.applies(&o.tags())) {
            let ind = s.indicators().get(&item.indicator);
            out.push(Line {
                org: o.clone(),
                item: item.key.clone(),
                name: item.name_zh.clone(),
                unit: ind.map_or(String::new(), |i| u.lang.pick(&i.def.unit, &i.def.unit_en).to_owned()),
                percent: ind.is_some_and(|i| i.is_percent()),
                additive: ind.is_some_and(|i| i.additive),
                value: assigned.get(&(o.id, item.key.clone())).copied(),
                default: item.default_target,
            });
        }
    }
    Ok(out)
}

/// A target as a person writes it (percentages in percent).
fn shown(n: Number, percent: bool) -> String {
    if percent { n.checked_mul(Number::int(100)).unwrap_or(n).to_string() } else { n.to_string() }
}

fn parsed(text: &str, percent: bool) -> Option<Number> {
    let n = Number::parse_decimal(text.trim().trim_end_matches('%'))?;
    if percent { n.checked_div(Number::int(100)) } else { Some(n) }
}

struct Row {
    org: String,
    org_id: i64,
    item: String,
    name: String,
    unit: String,
    value: String,
    default: String,
}

#[derive(Template)]
#[template(path = "targets.html")]
struct TargetsPage {
    shell: Shell,
    org_id: i64,
    org_name: String,
    year: i32,
    rows: Vec<Row>,
    cascade_items: Vec<Opt>,
    gaps: Vec<String>,
    errors: Vec<String>,
    can_edit: bool,
}

async fn page_with(
    state: &AppState,
    u: &CurrentUser,
    q: &TargetQuery,
    errors: Vec<String>,
) -> Result<TargetsPage, PageError> {
    let s = u.scoped(state);
    let year = figures::year(q.year, &s).await?;
    let org = figures::org(q.org, &s).await?;
    let all = lines(&s, year, org.id, u).await?;
    let mut cascade_items: Vec<Opt> = Vec::new();
    for l in all.iter().filter(|l| l.org.kind == OrgKind::Federation) {
        if !cascade_items.iter().any(|o| o.value == l.item) {
            cascade_items.push(Opt::new(
                &l.item,
                format!("{}({})", l.name, if l.additive { "按比例分解" } else { "统一下达" }),
                false,
            ));
        }
    }
    let gaps = s
        .target_gaps(year, org.id)
        .await?
        .into_iter()
        .map(|(item, want, sum)| {
            format!("{item}:下级目标合计 {sum},与上级目标 {want} 不等 / the parts add up to {sum}, not {want}")
        })
        .collect();
    let rows = all
        .into_iter()
        .map(|l| Row {
            org: l.org.name.clone(),
            org_id: l.org.id.0,
            item: l.item,
            name: l.name,
            unit: if l.percent { "%".into() } else { l.unit },
            value: l.value.map_or(String::new(), |v| shown(v, l.percent)),
            default: l.default.map_or(String::new(), |v| shown(v, l.percent)),
        })
        .collect();
    Ok(TargetsPage {
        shell: Shell::new(u, state, "targets"),
        org_id: org.id.0,
        org_name: org.name.clone(),
        year,
        rows,
        cascade_items,
        gaps,
        errors,
        can_edit: s.can(Action::AssessmentWrite),
    })
}

async fn page(
    State(state): State<AppState>,
    PageUser(u): PageUser,
    Query(q): Query<TargetQuery>,
) -> Result<Html<String>, PageError> {
    render(&page_with(&state, &u, &q, Vec::new()).await?)
}

fn back(org: i64, year: i32) -> Response {
    Redirect::to(&format!("/targets?org={org}&year={year}")).into_response()
}

/// The edited table: fields named `t.<org>.<item>`; empty ones are left as they are.
async fn save(
    State(state): State<AppState>,
    PageUser(u): PageUser,
    Form(f): Form<BTreeMap<String, String>>,
) -> Result<Response, PageError> {
    let s = u.scoped(&state);
    let q = TargetQuery {
        org: f.get("org").and_then(|v| v.parse().ok()),
        year: f.get("year").and_then(|v| v.parse().ok()),
    };
    let year = q.year.ok_or_else(|| WebError::BadRequest("year".into()))?;
    let org = figures::org(q.org, &s).await?;
    let all = lines(&s, year, org.id, &u).await?;
    let mut rows = Vec::new();
    let mut errors = Vec::new();
    for l in &all {
        let Some(text) = f.get(&format!("t.{}.{}", l.org.id.0, l.item)).filter(|t| !t.trim().is_empty()) else {
            continue;
        };
        match parsed(text, l.percent) {
            Some(v) if Some(v) != l.value => rows.push((l.org.id, l.item.clone(), v)),
            Some(_) => {}
            None => errors.push(format!("{} {}:“{text}”{}", l.org.name, l.name, u.lang.s("not_a_number"))),
        }
    }
    if errors.is_empty() {
        match s.set_targets(year, &rows).await {
            Ok(()) => return Ok(back(org.id.0, year)),
            Err(e) => errors = form_messages(&u, e)?,
        }
    }
    Ok((axum::http::StatusCode::UNPROCESSABLE_ENTITY, render(&page_with(&state, &u, &q, errors).await?)?)
        .into_response())
}

#[derive(Deserialize)]
struct CascadeForm {
    org: i64,
    year: i32,
    item: String,
    total: String,
    /// `even` or `last_year`.
    method: String,
}

async fn cascade(
    State(state): State<AppState>,
    PageUser(u): PageUser,
    Form(f): Form<CascadeForm>,
) -> Result<Response, PageError> {
    let s = u.scoped(&state);
    let q = TargetQuery { org: Some(f.org), year: Some(f.year) };
    let book = s.rulebook(f.year)?.clone();
    let item = book.item(&f.item).ok_or(kaohe_domain::DomainError::NotFound)?;
    let percent = s.indicators().get(&item.indicator).is_some_and(|i| i.is_percent());
    let Some(total) = parsed(&f.total, percent) else {
        let errors = vec![format!("“{}”{}", f.total, u.lang.s("not_a_number"))];
        return Ok((axum::http::StatusCode::UNPROCESSABLE_ENTITY, render(&page_with(&state, &u, &q, errors).await?)?)
            .into_response());
    };
    let weights = if f.method == "last_year" {
        let kids: Vec<OrgId> = s.assessees(f.year, OrgId(f.org)).await?.iter().map(|o| o.id).collect();
        let plan = &s.indicators().get(&item.indicator).ok_or(kaohe_domain::DomainError::NotFound)?.plan;
        let last = s.figures(&[plan], &Period::year(f.year - 1), &kids).await?.remove(0);
        Some(kids.into_iter().zip(last).map(|(k, v)| (k, v.unwrap_or(Number::ZERO))).collect::<BTreeMap<_, _>>())
    } else {
        None
    };
    match s.cascade_target(f.year, OrgId(f.org), &f.item, total, weights.as_ref()).await {
        Ok(_) => Ok(back(f.org, f.year)),
        Err(e) => {
            let errors = form_messages(&u, e)?;
            Ok((axum::http::StatusCode::UNPROCESSABLE_ENTITY, render(&page_with(&state, &u, &q, errors).await?)?)
                .into_response())
        }
    }
}

const HEADERS: [&str; 6] = ["组织代码", "组织名称", "考核项代码", "考核项", "单位", "目标值"];

async fn export(
    State(state): State<AppState>,
    PageUser(u): PageUser,
    Query(q): Query<TargetQuery>,
) -> Result<Response, PageError> {
    let s = u.scoped(&state);
    let year = figures::year(q.year, &s).await?;
    let org = figures::org(q.org, &s).await?;
    let all = lines(&s, year, org.id, &u).await?;
    let columns: Vec<Column> = HEADERS
        .iter()
        .enumerate()
        .map(|(i, h)| {
            Column::new(*h, if i == 5 { ColumnKind::Number } else { ColumnKind::Text })
                .width([14.0, 24.0, 22.0, 24.0, 8.0, 14.0][i])
        })
        .collect();
    let rows: Vec<Vec<OutCell>> = all
        .iter()
        .map(|l| {
            let v = l.value.or(l.default).map_or(OutCell::Empty, |v| match shown(v, l.percent).parse::<f64>() {
                Ok(x) => OutCell::Number(x),
                Err(_) => OutCell::Empty,
            });
            vec![
                OutCell::Text(l.org.code.as_str().to_owned()),
                OutCell::Text(l.org.name.clone()),
                OutCell::Text(l.item.clone()),
                OutCell::Text(l.name.clone()),
                OutCell::Text(if l.percent { "%".into() } else { l.unit.clone() }),
                v,
            ]
        })
        .collect();
    let bytes =
        write_table(&format!("{year}年目标"), &columns, &rows).map_err(|e| WebError::BadRequest(e.to_string()))?;
    Ok(download(bytes, &format!("{}{year}年目标.xlsx", org.name), XLSX))
}

/// An uploaded target sheet: every row checked (org code and item known, a number in 目标值),
/// then one write; any error writes nothing and lists row and column.
async fn import(
    State(state): State<AppState>,
    PageUser(u): PageUser,
    Query(q): Query<TargetQuery>,
    mut form: Multipart,
) -> Result<Response, PageError> {
    let s = u.scoped(&state);
    let year = q.year.ok_or_else(|| WebError::BadRequest("year".into()))?;
    let org = figures::org(q.org, &s).await?;
    let mut file = None;
    while let Some(field) = form.next_field().await.map_err(|e| WebError::BadRequest(e.to_string()))? {
        if field.name() == Some("file") {
            let name = field.file_name().unwrap_or("targets.xlsx").to_owned();
            file = Some((name, field.bytes().await.map_err(|e| WebError::BadRequest(e.to_string()))?.to_vec()));
        }
    }
    let (name, bytes) = file.ok_or_else(|| WebError::BadRequest("no file".into()))?;
    let limits = Limits { max_rows: 100_000, max_columns: 20, max_bytes: 10 * 1024 * 1024 };
    let mut errors = Vec::new();
    let mut rows = Vec::new();
    match read(&bytes, &name, &limits) {
        Err(e) => errors.push(e.to_string()),
        Ok(table) => {
            let all = lines(&s, year, org.id, &u).await?;
            let at = |row: usize, col: usize, msg: String| {
                format!("第{row}行 {}列({}):{msg}", column_letter(col), HEADERS[col])
            };
            for r in table.rows.iter().skip(1) {
                let code = r.cells.first().map(|c| c.as_text()).unwrap_or_default();
                let item = r.cells.get(2).map(|c| c.as_text()).unwrap_or_default();
                let value = r.cells.get(5).map(|c| c.as_text()).unwrap_or_default();
                let Some(l) = all.iter().find(|l| l.org.code.as_str() == code.trim() && l.item == item.trim()) else {
                    let known = all.iter().any(|l| l.org.code.as_str() == code.trim());
                    errors.push(if known {
                        at(r.number, 2, format!("“{item}”不是该单位的考核项"))
                    } else {
                        at(r.number, 0, format!("“{code}”不是本次考核的单位"))
                    });
                    continue;
                };
                if value.trim().is_empty() {
                    continue;
                }
                match parsed(&value, l.percent) {
                    Some(v) => rows.push((l.org.id, l.item.clone(), v)),
                    None => errors.push(at(r.number, 5, format!("“{value}”{}", u.lang.s("not_a_number")))),
                }
            }
        }
    }
    if errors.is_empty() {
        match s.set_targets(year, &rows).await {
            Ok(()) => return Ok(back(org.id.0, year)),
            Err(e) => errors = form_messages(&u, e)?,
        }
    }
    let q = TargetQuery { org: Some(org.id.0), year: Some(year) };
    Ok((axum::http::StatusCode::UNPROCESSABLE_ENTITY, render(&page_with(&state, &u, &q, errors).await?)?)
        .into_response())
}

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/targets", get(page).post(save))
        .route("/targets/cascade", post(cascade))
        .route("/targets.xlsx", get(export))
        .route("/targets/import", post(import).layer(DefaultBodyLimit::max(10 * 1024 * 1024)))
}
