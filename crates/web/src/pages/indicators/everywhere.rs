//! 全域测算: every indicator (or one section's) for every org under an org, as a background job.
//! At a province's top that is ~100,000 orgs and registries of ten million records, so it runs
//! off the request and off the server's async workers: the page polls its progress (reading the
//! registries, then each section), and the XLSX waits in the job if the browser was closed.

use super::catalogue::cell;
use super::sections;
use crate::auth::{CurrentUser, PageUser};
use crate::figures;
use crate::pages::registry_files::JobFragment;
use crate::pages::{XLSX, render};
use crate::{AppState, PageError, WebError};
use axum::extract::{Form, State};
use axum::response::Html;
use kaohe_domain::indicator::{Indicator, Number, Period, Plan};
use kaohe_domain::{DomainError, Org, OrgId, OrgKind};
use kaohe_sheets::{Column, ColumnKind, OutCell, write_table};
use kaohe_store::JobFile;
use std::collections::HashMap;
use std::future::Future;

/// Cells in one workbook at most: every org of a province with every indicator (13 million
/// cells would take minutes and gigabytes to write).
const MAX_CELLS: usize = 3_000_000;

/// What to evaluate.
#[derive(Debug, serde::Deserialize)]
pub struct EverywhereForm {
    org: i64,
    period: String,
    /// A section's name; empty for every section.
    #[serde(default)]
    section: String,
    /// `federations` (federations and departments: the levels that keep their own targets) or
    /// `all` (every grassroots union as well).
    #[serde(default)]
    depth: String,
}

/// Starts the job; answers its progress fragment. Checked before it starts: the org is in the
/// user's scope, the period and section exist, the workbook is not too large.
pub async fn start(
    State(state): State<AppState>,
    PageUser(u): PageUser,
    Form(f): Form<EverywhereForm>,
) -> Result<Html<String>, PageError> {
    let s = u.scoped(&state);
    let org = s.org(OrgId(f.org)).await?;
    let period = figures::period(Some(&f.period), &s)?;
    let inds: Vec<Indicator> =
        s.indicators().all().iter().filter(|i| f.section.is_empty() || i.def.section == f.section).cloned().collect();
    if inds.is_empty() {
        return Err(DomainError::invalid("section", "没有这个指标组", "no such section").into());
    }
    let all = f.depth == "all";
    let orgs: Vec<Org> =
        s.org_subtree(Some(org.id), false).await?.into_iter().filter(|o| all || shown(o, &org)).collect();
    let rows = orgs.len();
    if rows * inds.len() > MAX_CELLS {
        return Err(DomainError::invalid(
            "section",
            format!("{rows} 个组织 × {} 项指标过多,请选一个指标组", inds.len()),
            format!("{rows} orgs × {} indicators is too many; choose one section", inds.len()),
        )
        .into());
    }
    let what = if f.section.is_empty() { u.lang.pick("全部指标", "every indicator").to_owned() } else { f.section };
    let title = format!("{} {} · {what} · {rows} {}", org.name, period.label_zh(), u.lang.pick("个组织", "orgs"));
    let id = state.jobs.start(u.actor.user_id(), title, state.store.clock().now()).await?;
    state.jobs.update(id, |j| j.stage = Some(u.lang.pick("开始计算", "starting").to_owned()));
    let (job_state, user) = (state.clone(), u.clone());
    tokio::spawn(off_the_workers(async move {
        let outcome = evaluate(&job_state, &user, &org, &orgs, &period, &inds, id).await;
        job_state.jobs.finish(id, outcome.map(|(file, summary)| (summary, vec![file])).map_err(|e| e.to_string()));
    }));
    let j = state.jobs.get(id, u.actor.user_id()).await?.ok_or(WebError::Store(DomainError::NotFound.into()))?;
    render(&JobFragment::of(u.lang, id, j))
}

/// Federations and departments, and the chosen org itself.
fn shown(o: &Org, top: &Org) -> bool {
    o.id == top.id || matches!(o.kind, OrgKind::Federation | OrgKind::Department)
}

/// Runs a job's future on a blocking thread when the runtime has several workers, so its CPU
/// work (building the registries' snapshot, evaluating, writing the workbook) never holds an
/// async worker that other requests wait for. On a single-threaded runtime (tests) it runs as
/// an ordinary task.
async fn off_the_workers(job: impl Future<Output = ()> + Send + 'static) {
    use tokio::runtime::{Handle, RuntimeFlavor};
    let h = Handle::current();
    if h.runtime_flavor() == RuntimeFlavor::MultiThread {
        let _ = tokio::task::spawn_blocking(move || h.block_on(job)).await;
    } else {
        job.await;
    }
}

/// Every indicator's figure for `orgs` (under `top`), section by section (one progress stage each),
/// then the workbook.
async fn evaluate(
    state: &AppState,
    u: &CurrentUser,
    top: &Org,
    orgs: &[Org],
    period: &Period,
    inds: &[Indicator],
    id: u64,
) -> Result<(JobFile, String), WebError> {
    // A job runs longer than a request may, under the job limits.
    let s = u.scoped(state).with_limits(state.config.job_eval);
    let names = sections(&s).into_iter().filter(|n| inds.iter().any(|i| &i.def.section == n)).collect::<Vec<_>>();
    let mut values: HashMap<&str, Vec<Option<Number>>> = HashMap::new();
    for (k, name) in names.iter().enumerate() {
        let stage = format!("{} {name}({}/{})", u.lang.pick("计算", "evaluating"), k + 1, names.len());
        state.jobs.update(id, |j| j.stage = Some(stage));
        let part: Vec<&Indicator> = inds.iter().filter(|i| &i.def.section == name).collect();
        let plans: Vec<&Plan> = part.iter().map(|i| &i.plan).collect();
        let (ids, figures) = s.figures_everywhere(&plans, period).await?;
        let at: HashMap<OrgId, usize> = ids.iter().enumerate().map(|(n, o)| (*o, n)).collect();
        for (ind, per_org) in part.iter().zip(&figures) {
            let column = orgs.iter().map(|o| at.get(&o.id).and_then(|n| per_org[*n])).collect();
            values.insert(ind.def.key.as_str(), column);
        }
    }
    state.jobs.update(id, |j| j.stage = Some(u.lang.pick("写出 XLSX", "writing the XLSX").to_owned()));
    let t = u.lang;
    let mut columns = vec![
        Column::new(t.s("org_code"), ColumnKind::Text).width(14.0),
        Column::new(t.s("org"), ColumnKind::Text).width(32.0),
        Column::new(t.pick("类别", "Kind"), ColumnKind::Text).width(10.0),
    ];
    for i in inds {
        let unit = t.pick(&i.def.unit, &i.def.unit_en);
        let name = t.pick(&i.def.name_zh, &i.def.name_en);
        columns.push(Column::new(format!("{name}({unit})"), ColumnKind::Number).width(14.0));
    }
    let base = top.path.depth();
    let rows: Vec<Vec<OutCell>> = orgs
        .iter()
        .enumerate()
        .map(|(n, o)| {
            // Indented by level below the chosen org, so the tree reads down the sheet.
            let indent = "　".repeat(o.path.depth().saturating_sub(base));
            let mut r = vec![
                OutCell::Text(o.code.as_str().to_owned()),
                OutCell::Text(format!("{indent}{}", o.name)),
                OutCell::Text(t.pick(o.kind.label_zh(), o.kind.label_en()).to_owned()),
            ];
            r.extend(inds.iter().map(|i| cell(values.get(i.def.key.as_str()).and_then(|c| c[n]))));
            r
        })
        .collect();
    let sheet = period.label_zh();
    let bytes = tokio::task::spawn_blocking(move || write_table(&sheet, &columns, &rows))
        .await
        .map_err(|e| WebError::Internal(e.to_string()))?
        .map_err(|e| WebError::Internal(e.to_string()))?;
    let file = JobFile {
        name: format!("{}{}指标测算.xlsx", top.name, period.label_zh()),
        content_type: XLSX.to_owned(),
        bytes,
    };
    let summary = format!(
        "{}:{} {} × {} {}",
        t.pick("已算出", "evaluated"),
        orgs.len(),
        t.pick("个组织", "orgs"),
        inds.len(),
        t.pick("项指标", "indicators")
    );
    Ok((file, summary))
}
