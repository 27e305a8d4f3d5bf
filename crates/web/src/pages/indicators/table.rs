//! The org × indicator table of one section: a row per child org (over its scope), the org's own
//! records (本级) and the whole scope (合计, evaluated over the scope so ratios are recomputed).

use super::catalogue::cell;
use super::{FigQuery, Scope, kind_code, sections, with_unit};
use crate::auth::PageUser;
use crate::figures;
use crate::pages::{Opt, Shell, XLSX, download, render};
use crate::{AppState, PageError, WebError};
use askama::Template;
use axum::extract::{Query, State};
use axum::response::{Html, Response};
use kaohe_domain::Org;
use kaohe_domain::indicator::{Indicator, Number, Plan};
use kaohe_sheets::{Column, ColumnKind, OutCell, write_table};
use kaohe_store::{RowKind, Scoped};

pub struct Head {
    pub key: String,
    pub name: String,
    pub unit: String,
}

pub struct TableRow {
    pub org_id: i64,
    pub name: String,
    pub kind: &'static str,
    pub cells: Vec<String>,
}

#[derive(Template)]
#[template(path = "indicator_table.html")]
struct TablePage {
    shell: Shell,
    scope: Scope,
    section: String,
    section_options: Vec<Opt>,
    heads: Vec<Head>,
    rows: Vec<TableRow>,
}

/// The section's indicators and `[row] → (org, kind, [value per indicator])`.
async fn build(
    s: &Scoped<'_>,
    scope: &Scope,
    section: &str,
) -> Result<(Vec<Indicator>, Vec<(Org, RowKind, Vec<Option<Number>>)>), WebError> {
    let inds: Vec<Indicator> = s.indicators().all().iter().filter(|i| i.def.section == section).cloned().collect();
    let plans: Vec<&Plan> = inds.iter().map(|i| &i.plan).collect();
    let per_plan = figures::rows(s, &plans, &scope.period, &scope.org, true).await?;
    let n = per_plan.first().map_or(0, Vec::len);
    let rows = (0..n)
        .map(|r| {
            let first = &per_plan[0][r];
            (first.org.clone(), first.kind.unwrap_or(RowKind::Child), per_plan.iter().map(|p| p[r].value).collect())
        })
        .collect();
    Ok((inds, rows))
}

fn section_of(s: &Scoped<'_>, q: &FigQuery) -> (String, Vec<Opt>) {
    let names = sections(s);
    let chosen = q.section.clone().filter(|x| names.contains(x)).or_else(|| names.first().cloned()).unwrap_or_default();
    let opts = names.iter().map(|n| Opt::new(n, n, *n == chosen)).collect();
    (chosen, opts)
}

pub async fn page(
    State(state): State<AppState>,
    PageUser(u): PageUser,
    Query(q): Query<FigQuery>,
) -> Result<Html<String>, PageError> {
    let s = u.scoped(&state);
    let scope = Scope::of(&s, &q).await?;
    let (section, section_options) = section_of(&s, &q);
    let (inds, rows) = build(&s, &scope, &section).await?;
    let heads = inds
        .iter()
        .map(|i| Head {
            key: i.def.key.clone(),
            name: u.lang.pick(&i.def.name_zh, &i.def.name_en).to_owned(),
            unit: u.lang.pick(&i.def.unit, &i.def.unit_en).to_owned(),
        })
        .collect();
    let rows = rows
        .into_iter()
        .map(|(org, kind, vals)| TableRow {
            org_id: org.id.0,
            name: org.name,
            kind: kind_code(kind),
            cells: inds.iter().zip(vals).map(|(i, v)| with_unit(i, v, &u)).collect(),
        })
        .collect();
    render(&TablePage { shell: Shell::new(&u, &state, "indicators"), scope, section, section_options, heads, rows })
}

pub async fn export(
    State(state): State<AppState>,
    PageUser(u): PageUser,
    Query(q): Query<FigQuery>,
) -> Result<Response, PageError> {
    let s = u.scoped(&state);
    let scope = Scope::of(&s, &q).await?;
    let (section, _) = section_of(&s, &q);
    let (inds, rows) = build(&s, &scope, &section).await?;
    let t = u.lang;
    let mut columns = vec![
        Column::new(t.s("org_code"), ColumnKind::Text).width(14.0),
        Column::new(t.s("org"), ColumnKind::Text).width(30.0),
    ];
    for i in &inds {
        let unit = t.pick(&i.def.unit, &i.def.unit_en);
        columns.push(
            Column::new(format!("{}({unit})", t.pick(&i.def.name_zh, &i.def.name_en)), ColumnKind::Number).width(16.0),
        );
    }
    let out: Vec<Vec<OutCell>> = rows
        .iter()
        .map(|(org, kind, vals)| {
            let label = match kind {
                RowKind::Own => format!("{}({})", org.name, t.s("own_level")),
                RowKind::Total => format!("{}({})", org.name, t.s("total")),
                RowKind::Child => org.name.clone(),
            };
            let mut r = vec![OutCell::Text(org.code.as_str().to_owned()), OutCell::Text(label)];
            r.extend(vals.iter().map(|v| cell(*v)));
            r
        })
        .collect();
    let bytes = write_table(&section, &columns, &out).map_err(|e| WebError::Internal(e.to_string()))?;
    Ok(download(bytes, &format!("{}{section}{}.xlsx", scope.org.name, scope.period.label_zh()), XLSX))
}
