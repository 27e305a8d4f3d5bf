//! 数据看板: per org and year, Apache ECharts (embedded) drawn from the same figures as the
//! report — completion of each target section, the children's ranking in grade colours, key
//! indicators over the years, a children × items heat map of completion and the 督办 lights —
//! with colour thresholds set on the page. Every chart has its table beneath it and an XLSX
//! download (`/dashboard/{chart}.xlsx`).

mod data;

/// Computed dashboards by viewer and query.
pub type DashboardCache = crate::stamp_cache::StampCache<Key, data::Dashboard>;

/// What a dashboard depends on besides the data.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Key {
    viewer: crate::stamp_cache::Viewer,
    org: i64,
    year: i32,
    trend: Vec<String>,
    en: bool,
    high: u32,
    low: u32,
}

use crate::auth::PageUser;
use crate::figures;
use crate::pages::{Shell, XLSX, download, render};
use crate::{AppState, PageError, WebError};
use askama::Template;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::response::{Html, Response};
use axum::routing::get;
use data::{CHARTS, ChartTable, Thresholds};
use kaohe_sheets::{Column, ColumnKind, OutCell, write_table};
use serde::Deserialize;

#[derive(Debug, Default, Deserialize)]
struct DashQuery {
    org: Option<i64>,
    year: Option<i32>,
    /// Completion (%) from which a bar is green.
    high: Option<u32>,
    /// Completion (%) from which a bar is yellow; below it red.
    low: Option<u32>,
    /// Indicator keys to follow over the years, comma-separated.
    trend: Option<String>,
}

impl DashQuery {
    fn thresholds(&self) -> Thresholds {
        let high = self.high.unwrap_or(100).clamp(1, 1000);
        Thresholds { high, low: self.low.unwrap_or(80).min(high) }
    }

    fn trend_keys(&self) -> Vec<String> {
        self.trend
            .as_deref()
            .unwrap_or("")
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect()
    }
}

struct ChartView {
    key: &'static str,
    title: &'static str,
    /// The chart's data for the script, as JSON.
    json: String,
    table: ChartTable,
}

#[derive(Template)]
#[template(path = "dashboard.html")]
struct DashboardPage {
    shell: Shell,
    org_id: i64,
    org_name: String,
    year: i32,
    high: u32,
    low: u32,
    trend: String,
    query: String,
    charts: Vec<ChartView>,
}

fn title(key: &str, t: crate::i18n::Lang) -> &'static str {
    match key {
        "sections" => t.pick("各目标板块完成情况", "Completion by target section"),
        "ranking" => t.pick("下级单位考核排名", "Ranking of the units below"),
        "trend" => t.pick("主要指标历年走势", "Key indicators over the years"),
        "heatmap" => t.pick("各单位各项目标完成率", "Completion by unit and item"),
        _ => t.pick("督办事项", "Tracked tasks"),
    }
}

/// The dashboard of `org` for `year`, from the cache while nothing it reads has changed.
async fn dashboard(
    state: &AppState,
    s: &kaohe_store::Scoped<'_>,
    org: &kaohe_domain::Org,
    year: i32,
    q: &DashQuery,
    en: bool,
) -> Result<std::sync::Arc<data::Dashboard>, PageError> {
    let (th, trend) = (q.thresholds(), q.trend_keys());
    let viewer = crate::stamp_cache::Viewer::of(s);
    let key = Key { viewer, org: org.id.0, year, trend: trend.clone(), en, high: th.high, low: th.low };
    let stamp = state.store.data_stamp().await?;
    state.dashboards.get_or_build(key, stamp, data::build(s, org, year, th, &trend, en)).await
}

async fn page(
    State(state): State<AppState>,
    PageUser(u): PageUser,
    Query(q): Query<DashQuery>,
) -> Result<Html<String>, PageError> {
    let s = u.scoped(&state);
    let year = figures::year(q.year, &s).await?;
    let org = figures::org(q.org, &s).await?;
    let th = q.thresholds();
    let d = dashboard(&state, &s, &org, year, &q, u.lang == crate::i18n::Lang::En).await?;
    let json = |v: serde_json::Value| v.to_string();
    let charts = CHARTS
        .iter()
        .map(|key| {
            let data = match *key {
                "sections" => serde_json::json!({"bars": d.sections, "thresholds": d.thresholds}),
                "ranking" => serde_json::json!({"bars": d.ranking, "bands": d.bands}),
                "trend" => serde_json::json!(d.trend),
                "heatmap" => serde_json::json!({"heat": d.heat, "thresholds": d.thresholds}),
                _ => serde_json::json!({"lights": d.lights}),
            };
            ChartView { key, title: title(key, u.lang), json: json(data), table: d.table(key).unwrap_or_default() }
        })
        .collect();
    let trend = q.trend.clone().unwrap_or_default();
    let query = format!("org={}&year={year}&high={}&low={}&trend={}", org.id.0, th.high, th.low, trend);
    render(&DashboardPage {
        shell: Shell::new(&u, &state, "dashboard"),
        org_id: org.id.0,
        org_name: org.name.clone(),
        year,
        high: th.high,
        low: th.low,
        trend,
        query,
        charts,
    })
}

/// One chart's table as XLSX.
async fn export(
    State(state): State<AppState>,
    PageUser(u): PageUser,
    Path(file): Path<String>,
    Query(q): Query<DashQuery>,
) -> Result<Response, PageError> {
    let chart = file.strip_suffix(".xlsx").unwrap_or(&file).to_owned();
    if !CHARTS.contains(&chart.as_str()) {
        return Err(WebError::Store(kaohe_domain::DomainError::NotFound.into()).into());
    }
    let s = u.scoped(&state);
    let year = figures::year(q.year, &s).await?;
    let org = figures::org(q.org, &s).await?;
    let d = dashboard(&state, &s, &org, year, &q, u.lang == crate::i18n::Lang::En).await?;
    let t = d.table(&chart).unwrap_or_default();
    let columns: Vec<Column> = t.header.iter().map(|h| Column::new(h.clone(), ColumnKind::Text)).collect();
    let rows: Vec<Vec<OutCell>> = t
        .rows
        .iter()
        .map(|r| {
            r.iter()
                .map(|c| match c.parse::<f64>() {
                    Ok(v) if !c.is_empty() => OutCell::Number(v),
                    _ => OutCell::Text(c.clone()),
                })
                .collect()
        })
        .collect();
    let name = title(&chart, u.lang);
    let bytes = write_table(name, &columns, &rows).map_err(|e| WebError::Internal(e.to_string()))?;
    Ok(download(bytes, &format!("{}{year}年{name}.xlsx", org.name), XLSX))
}

pub fn router() -> Router<AppState> {
    Router::new().route("/dashboard", get(page)).route("/dashboard/{file}", get(export))
}
