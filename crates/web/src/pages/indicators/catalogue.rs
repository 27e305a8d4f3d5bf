//! The catalogue (every indicator's figure for an org and period, grouped by section, with a
//! trend) and one indicator's page (its figure, trend and children table).

use super::{DetailKey, FigQuery, Scope, kind_code, sparkline, with_unit};
use crate::auth::{CurrentUser, PageUser};
use crate::figures;
use crate::pages::{Opt, Shell, XLSX, download, render};
use crate::{AppState, PageError, WebError};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{Html, Response};
use kaohe_domain::DomainError;
use kaohe_domain::indicator::{Indicator, Number, Plan};
use kaohe_sheets::{Column, ColumnKind, OutCell, write_table};
use kaohe_store::{RowKind, Scoped};

/// Periods in a trend.
const TREND: usize = 5;

pub struct Line {
    pub key: String,
    pub name: String,
    pub formula: String,
    pub value: String,
    pub spark: String,
    pub trend_title: String,
}

pub struct Section {
    pub name: String,
    pub lines: Vec<Line>,
}

#[derive(Template)]
#[template(path = "indicators.html")]
struct CataloguePage {
    shell: Shell,
    scope: Scope,
    sections: Vec<Section>,
    section_options: Vec<Opt>,
}

/// Every plan's figure at the scope's org for each trend period: `[plan][period]`.
async fn trends(s: &Scoped<'_>, plans: &[&Plan], scope: &Scope) -> Result<Vec<Vec<Option<Number>>>, WebError> {
    let periods = scope.trend_periods(TREND);
    let mut out = vec![Vec::with_capacity(periods.len()); plans.len()];
    for p in &periods {
        for (i, v) in s.figures(plans, p, &[scope.org.id]).await?.into_iter().enumerate() {
            out[i].push(v[0]);
        }
    }
    Ok(out)
}

fn trend_title(u: &CurrentUser, ind: &Indicator, scope: &Scope, values: &[Option<Number>]) -> String {
    scope
        .trend_periods(values.len())
        .iter()
        .zip(values)
        .map(|(p, v)| format!("{p}: {}", with_unit(ind, *v, u)))
        .collect::<Vec<_>>()
        .join(" · ")
}

pub async fn page(
    State(state): State<AppState>,
    PageUser(u): PageUser,
    Query(q): Query<FigQuery>,
) -> Result<Html<String>, PageError> {
    let s = u.scoped(&state);
    let scope = Scope::of(&s, &q).await?;
    let all = s.indicators().all();
    let plans: Vec<&Plan> = all.iter().map(|i| &i.plan).collect();
    let values = trends(&s, &plans, &scope).await?;
    let mut sections: Vec<Section> = Vec::new();
    for (ind, vals) in all.iter().zip(&values) {
        let line = Line {
            key: ind.def.key.clone(),
            name: u.lang.pick(&ind.def.name_zh, &ind.def.name_en).to_owned(),
            formula: ind.def.formula.trim().to_owned(),
            value: with_unit(ind, vals[vals.len() - 1], &u),
            spark: sparkline(vals),
            trend_title: trend_title(&u, ind, &scope, vals),
        };
        match sections.iter_mut().find(|x| x.name == ind.def.section) {
            Some(sec) => sec.lines.push(line),
            None => sections.push(Section { name: ind.def.section.clone(), lines: vec![line] }),
        }
    }
    let section_options = super::sections(&s).into_iter().map(|n| Opt::new(&n, &n, false)).collect();
    render(&CataloguePage { shell: Shell::new(&u, &state, "indicators"), scope, sections, section_options })
}

/// The catalogue as XLSX: section, key, name, unit, value, formula.
pub async fn export(
    State(state): State<AppState>,
    PageUser(u): PageUser,
    Query(q): Query<FigQuery>,
) -> Result<Response, PageError> {
    let s = u.scoped(&state);
    let scope = Scope::of(&s, &q).await?;
    let all = s.indicators().all();
    let plans: Vec<&Plan> = all.iter().map(|i| &i.plan).collect();
    let values = s.figures(&plans, &scope.period, &[scope.org.id]).await?;
    let t = u.lang;
    let columns = vec![
        Column::new(t.s("section"), ColumnKind::Text).width(12.0),
        Column::new(t.s("code"), ColumnKind::Text).width(28.0),
        Column::new(t.s("indicator"), ColumnKind::Text).width(30.0),
        Column::new(t.s("unit"), ColumnKind::Text).width(8.0),
        Column::new(t.s("value"), ColumnKind::Number).width(16.0),
        Column::new(t.s("shown_as"), ColumnKind::Text).width(14.0),
        Column::new(t.s("formula"), ColumnKind::Text).width(80.0),
    ];
    let rows: Vec<Vec<OutCell>> = all
        .iter()
        .zip(&values)
        .map(|(i, v)| {
            vec![
                OutCell::Text(i.def.section.clone()),
                OutCell::Text(i.def.key.clone()),
                OutCell::Text(t.pick(&i.def.name_zh, &i.def.name_en).to_owned()),
                OutCell::Text(t.pick(&i.def.unit, &i.def.unit_en).to_owned()),
                cell(v[0]),
                OutCell::Text(i.display(v[0])),
                OutCell::Text(i.def.formula.trim().to_owned()),
            ]
        })
        .collect();
    let bytes =
        write_table(&scope.period.label_zh(), &columns, &rows).map_err(|e| WebError::Internal(e.to_string()))?;
    Ok(download(bytes, &format!("{}指标{}.xlsx", scope.org.name, scope.period.label_zh()), XLSX))
}

/// A figure as a spreadsheet number (an exact integer when whole).
pub fn cell(v: Option<Number>) -> OutCell {
    match v {
        None => OutCell::Empty,
        Some(n) if n.is_integer() => i64::try_from(n.numer()).map_or(OutCell::Number(n.to_f64()), OutCell::Integer),
        Some(n) => OutCell::Number(n.round_scaled(6) as f64 / 1e6),
    }
}

pub struct ChildRow {
    pub org_id: i64,
    pub name: String,
    /// `child`, `own` or `total`.
    pub kind: &'static str,
    pub value: String,
}

#[derive(Template)]
#[template(path = "indicator.html")]
struct DetailPage {
    shell: Shell,
    scope: Scope,
    key: String,
    name: String,
    name_other: String,
    unit: String,
    section: String,
    formula: String,
    additive: bool,
    registries: String,
    value: String,
    spark: String,
    trend: Vec<(String, String)>,
    rows: Vec<ChildRow>,
}

pub async fn detail(
    State(state): State<AppState>,
    PageUser(u): PageUser,
    Path(key): Path<String>,
    Query(q): Query<FigQuery>,
) -> Result<Html<String>, PageError> {
    let s = u.scoped(&state);
    let ind = s.indicators().get(&key).cloned().ok_or(DomainError::NotFound)?;
    let scope = Scope::of(&s, &q).await?;
    let key = DetailKey {
        viewer: crate::stamp_cache::Viewer::of(&s),
        indicator: key.clone(),
        org: scope.org.id.0,
        period: scope.period_text.clone(),
    };
    let computed = async {
        let vals = trends(&s, &[&ind.plan], &scope).await?.remove(0);
        let rows = figures::rows(&s, &[&ind.plan], &scope.period, &scope.org, true).await?.remove(0);
        Ok::<_, PageError>((vals, rows))
    };
    let kept = state.indicator_pages.get_or_build(key, state.store.data_stamp().await?, computed).await?;
    let (vals, rows) = (kept.0.clone(), kept.1.clone());
    let registries: Vec<String> = ind
        .plan
        .registries()
        .into_iter()
        .map(|r| {
            s.registry(r).map(|d| u.lang.pick(&d.label_zh, &d.label_en).to_owned()).unwrap_or_else(|_| r.to_owned())
        })
        .collect();
    let page = DetailPage {
        shell: Shell::new(&u, &state, "indicators"),
        key: ind.def.key.clone(),
        name: u.lang.pick(&ind.def.name_zh, &ind.def.name_en).to_owned(),
        name_other: u.lang.pick(&ind.def.name_en, &ind.def.name_zh).to_owned(),
        unit: u.lang.pick(&ind.def.unit, &ind.def.unit_en).to_owned(),
        section: ind.def.section.clone(),
        formula: ind.def.formula.trim().to_owned(),
        additive: ind.additive,
        registries: registries.join("、"),
        value: with_unit(&ind, vals[vals.len() - 1], &u),
        spark: sparkline(&vals),
        trend: scope
            .trend_periods(TREND)
            .iter()
            .zip(&vals)
            .map(|(p, v)| (p.to_string(), with_unit(&ind, *v, &u)))
            .collect(),
        rows: rows
            .into_iter()
            .map(|r| ChildRow {
                org_id: r.org.id.0,
                name: r.org.name,
                kind: r.kind.map_or("child", kind_code),
                value: with_unit(&ind, r.value, &u),
            })
            .collect(),
        scope,
    };
    render(&page)
}

/// One indicator's children table as XLSX.
pub async fn children_export(
    State(state): State<AppState>,
    PageUser(u): PageUser,
    Path(key): Path<String>,
    Query(q): Query<FigQuery>,
) -> Result<Response, PageError> {
    let s = u.scoped(&state);
    let ind = s.indicators().get(&key).cloned().ok_or(DomainError::NotFound)?;
    let scope = Scope::of(&s, &q).await?;
    let rows = figures::rows(&s, &[&ind.plan], &scope.period, &scope.org, true).await?.remove(0);
    let t = u.lang;
    let name = t.pick(&ind.def.name_zh, &ind.def.name_en).to_owned();
    let columns = vec![
        Column::new(t.s("org_code"), ColumnKind::Text).width(14.0),
        Column::new(t.s("org"), ColumnKind::Text).width(30.0),
        Column::new(format!("{name}({})", t.pick(&ind.def.unit, &ind.def.unit_en)), ColumnKind::Number).width(18.0),
        Column::new(t.s("shown_as"), ColumnKind::Text).width(14.0),
    ];
    let out: Vec<Vec<OutCell>> = rows
        .iter()
        .map(|r| {
            let label = match r.kind {
                Some(RowKind::Own) => format!("{}({})", r.org.name, t.s("own_level")),
                Some(RowKind::Total) => format!("{}({})", r.org.name, t.s("total")),
                _ => r.org.name.clone(),
            };
            vec![
                OutCell::Text(r.org.code.as_str().to_owned()),
                OutCell::Text(label),
                cell(r.value),
                OutCell::Text(ind.display(r.value)),
            ]
        })
        .collect();
    let bytes = write_table(&scope.period.label_zh(), &columns, &out).map_err(|e| WebError::Internal(e.to_string()))?;
    Ok(download(bytes, &format!("{}{}{}.xlsx", scope.org.name, name, scope.period.label_zh()), XLSX))
}
