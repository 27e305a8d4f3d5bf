//! The drill-down: the records behind a figure, per aggregate of its formula (for a ratio the
//! numerator's and the denominator's, for growth this period's and the previous one's), inside
//! the viewer's scope, personal data masked; 50 per page, and all of a part as XLSX.

use super::{FigQuery, Scope};
use crate::auth::{CurrentUser, PageUser};
use crate::display::show;
use crate::figures;
use crate::pages::records::org_names;
use crate::pages::{Shell, XLSX, download, render};
use crate::{AppState, PageError, WebError};
use askama::Template;
use axum::extract::{Query, State};
use axum::response::{Html, Response};
use kaohe_domain::DomainError;
use kaohe_domain::indicator::Indicator;
use kaohe_domain::indicator::ast::AggFunc;
use kaohe_domain::record::{RecordId, Value};
use kaohe_domain::registry::RegistryDef;
use kaohe_sheets::{Column, ColumnKind, OutCell, write_table};
use kaohe_store::Scoped;
use kaohe_store::{DrillPart, DrillRole};
use serde::Deserialize;

const PAGE: usize = 50;
/// Most records one XLSX download holds.
const EXPORT_MAX: usize = 200_000;

#[derive(Debug, Deserialize)]
pub struct DrillQuery {
    key: Option<String>,
    formula: Option<String>,
    org: Option<i64>,
    period: Option<String>,
    #[serde(default)]
    part: usize,
    #[serde(default)]
    offset: usize,
}

pub struct PartView {
    pub index: usize,
    pub label: String,
    pub registry: String,
    pub period: String,
    pub count: usize,
    pub on: bool,
}

#[derive(Template)]
#[template(path = "indicator_drill.html")]
struct DrillPage {
    shell: Shell,
    scope: Scope,
    name: String,
    value: String,
    /// `key=…` or `formula=…`, for links.
    what: String,
    formula: String,
    parts: Vec<PartView>,
    part: usize,
    registry_key: String,
    columns: Vec<String>,
    rows: Vec<(i64, String, Vec<String>)>,
    prev: Option<usize>,
    next: Option<usize>,
}

fn label(u: &CurrentUser, part: &DrillPart, reg: Option<&RegistryDef>) -> String {
    let t = u.lang;
    let roles: Vec<&str> = part
        .roles
        .iter()
        .map(|r| match r {
            DrillRole::Numerator => t.s("numerator"),
            DrillRole::Denominator => t.s("denominator"),
            DrillRole::PreviousPeriod => t.s("previous_period"),
        })
        .collect();
    let field = part
        .field
        .as_deref()
        .and_then(|f| reg.and_then(|r| r.field(f)))
        .map(|f| t.pick(&f.label_zh, &f.label_en).to_owned());
    let what = match (part.func, field) {
        (AggFunc::Count, _) | (_, None) => t.s("count_of").to_owned(),
        (func, Some(f)) => format!("{} {f}", func.name()),
    };
    if roles.is_empty() { what } else { format!("{} · {what}", roles.join(" · ")) }
}

async fn resolve(s: &Scoped<'_>, q: &DrillQuery) -> Result<(Indicator, String), WebError> {
    match (&q.key, &q.formula) {
        (Some(k), _) if !k.is_empty() => {
            let ind = s.indicators().get(k).cloned().ok_or(DomainError::NotFound)?;
            Ok((ind, format!("key={}", urlencode(k))))
        }
        (_, Some(f)) => Ok((figures::adhoc(s, f)?, format!("formula={}", urlencode(f)))),
        _ => Err(DomainError::NotFound.into()),
    }
}

/// Percent-encodes a query value.
pub fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

fn columns(u: &CurrentUser, reg: &RegistryDef) -> Vec<String> {
    reg.fields.iter().filter(|f| f.list).map(|f| u.lang.pick(&f.label_zh, &f.label_en).to_owned()).collect()
}

pub async fn page(
    State(state): State<AppState>,
    PageUser(u): PageUser,
    Query(q): Query<DrillQuery>,
) -> Result<Html<String>, PageError> {
    let s = u.scoped(&state);
    let (ind, what) = resolve(&s, &q).await?;
    let scope = Scope::of(&s, &FigQuery { org: q.org, period: q.period.clone(), section: None }).await?;
    let drilled = s.drill(&ind.plan, &scope.period, scope.org.id).await?;
    let value = s.figures(&[&ind.plan], &scope.period, &[scope.org.id]).await?[0][0];
    let parts: Vec<PartView> = drilled
        .parts
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let reg = s.registry(&p.registry).ok();
            PartView {
                index: i,
                label: label(&u, p, reg),
                registry: reg.map_or(p.registry.clone(), |r| u.lang.pick(&r.label_zh, &r.label_en).to_owned()),
                period: p.period.label_zh(),
                count: p.record_ids.len(),
                on: i == q.part,
            }
        })
        .collect();
    let (mut columns_shown, mut rows, mut registry_key) = (Vec::new(), Vec::new(), String::new());
    let (mut prev, mut next) = (None, None);
    if let Some(part) = drilled.parts.get(q.part) {
        let reg = s.registry(&part.registry)?;
        registry_key = reg.key.clone();
        columns_shown = columns(&u, reg);
        let ids: Vec<RecordId> = part.record_ids.iter().skip(q.offset).take(PAGE).map(|i| RecordId(*i)).collect();
        let records = s.records_by_id(&reg.key, &ids).await?;
        let names = org_names(&s, &records).await;
        rows = records
            .iter()
            .map(|r| {
                let cells = reg
                    .fields
                    .iter()
                    .filter(|f| f.list)
                    .map(|f| show(f, r.values.get(&f.key).unwrap_or(&Value::Null), u.lang, &names))
                    .collect();
                (r.id.0, names.get(&r.org_id.0).cloned().unwrap_or_default(), cells)
            })
            .collect();
        prev = (q.offset > 0).then(|| q.offset.saturating_sub(PAGE));
        next = (q.offset + PAGE < part.record_ids.len()).then_some(q.offset + PAGE);
    }
    render(&DrillPage {
        shell: Shell::new(&u, &state, "indicators"),
        name: if ind.def.key.is_empty() {
            u.lang.s("formula").to_owned()
        } else {
            u.lang.pick(&ind.def.name_zh, &ind.def.name_en).to_owned()
        },
        value: super::with_unit(&ind, value, &u),
        what,
        formula: ind.def.formula.trim().to_owned(),
        parts,
        part: q.part,
        registry_key,
        columns: columns_shown,
        rows,
        prev,
        next,
        scope,
    })
}

/// All records of one part as XLSX (masked; at most [`EXPORT_MAX`]).
pub async fn export(
    State(state): State<AppState>,
    PageUser(u): PageUser,
    Query(q): Query<DrillQuery>,
) -> Result<Response, PageError> {
    let s = u.scoped(&state);
    let (ind, _) = resolve(&s, &q).await?;
    let scope = Scope::of(&s, &FigQuery { org: q.org, period: q.period.clone(), section: None }).await?;
    let drilled = s.drill(&ind.plan, &scope.period, scope.org.id).await?;
    let part = drilled.parts.get(q.part).ok_or(DomainError::NotFound)?;
    let reg = s.registry(&part.registry)?;
    let ids: Vec<RecordId> = part.record_ids.iter().take(EXPORT_MAX).map(|i| RecordId(*i)).collect();
    let records = s.records_by_id(&reg.key, &ids).await?;
    let names = org_names(&s, &records).await;
    let mut cols = vec![
        Column::new(u.lang.s("record_no"), ColumnKind::Integer).width(10.0),
        Column::new(u.lang.s("org"), ColumnKind::Text).width(24.0),
    ];
    cols.extend(columns(&u, reg).into_iter().map(|c| Column::new(c, ColumnKind::Text).width(16.0)));
    let rows: Vec<Vec<OutCell>> = records
        .iter()
        .map(|r| {
            let mut row =
                vec![OutCell::Integer(r.id.0), OutCell::Text(names.get(&r.org_id.0).cloned().unwrap_or_default())];
            row.extend(
                reg.fields
                    .iter()
                    .filter(|f| f.list)
                    .map(|f| OutCell::Text(show(f, r.values.get(&f.key).unwrap_or(&Value::Null), u.lang, &names))),
            );
            row
        })
        .collect();
    let bytes = write_table(&reg.label_zh, &cols, &rows).map_err(|e| WebError::Internal(e.to_string()))?;
    let name = if ind.def.key.is_empty() { "公式".to_owned() } else { ind.def.name_zh.clone() };
    Ok(download(bytes, &format!("{name}明细{}.xlsx", scope.period.label_zh()), XLSX))
}
