//! Indicator pages: the catalogue (every indicator's figure for an org and a period, with a small
//! trend), one indicator with its children table (本级, 合计), the org × indicator table of a
//! section, the drill-down to the records, the formula editor, XLSX downloads of each, and the
//! whole-tree evaluation run as a background job.

mod catalogue;
mod drill;
mod editor;
mod everywhere;
mod table;

use crate::auth::CurrentUser;
use crate::figures;
use crate::pages::Opt;
use crate::{AppState, PageError};
use axum::Router;
use axum::routing::{get, post};
use kaohe_domain::indicator::{Indicator, Number, Period};
use kaohe_domain::{Org, OrgKind};
use kaohe_store::{RowKind, Scoped};
use serde::Deserialize;

/// An indicator page's computed figures (its trend, its children table), kept by viewer,
/// indicator, org and period while the data they read is unchanged.
pub type DetailCache = crate::stamp_cache::StampCache<DetailKey, (Vec<Option<Number>>, Vec<figures::Row>)>;

/// What an indicator page's figures depend on besides the data.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct DetailKey {
    viewer: crate::stamp_cache::Viewer,
    indicator: String,
    org: i64,
    period: String,
}

/// Which org and period a page shows.
#[derive(Debug, Default, Deserialize)]
pub struct FigQuery {
    pub org: Option<i64>,
    pub period: Option<String>,
    pub section: Option<String>,
}

/// The org and period resolved, with the choices for the selectors.
pub struct Scope {
    pub org: Org,
    pub period: Period,
    /// The period as typed back into the form (`2009`, `2009Q3` …).
    pub period_text: String,
    pub org_options: Vec<Opt>,
    /// `org=…&period=…` for links.
    pub query: String,
}

impl Scope {
    /// Resolves `q` for the user: default org is the top of their scope, default period the
    /// installation's assessment year.
    pub async fn of(scoped: &Scoped<'_>, q: &FigQuery) -> Result<Self, PageError> {
        let period = match q.period.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            Some(p) => figures::period(Some(p), scoped)?,
            None => Period::year(scoped.default_year().await?),
        };
        let org = figures::org(q.org, scoped).await?;
        let top = figures::org(None, scoped).await?;
        // The top of the scope, its federations and departments one level down, and the shown org.
        let mut org_options: Vec<Opt> = figures::top_and_children(scoped, &top)
            .await?
            .into_iter()
            .filter(|o| o.id == org.id || o.kind != OrgKind::Grassroots)
            .map(|o| Opt::new(o.id.0, &o.name, o.id == org.id))
            .collect();
        if !org_options.iter().any(|o| o.selected) {
            org_options.push(Opt::new(org.id.0, &org.name, true));
        }
        let period_text = period.to_string();
        let query = format!("org={}&period={}", org.id.0, period_text);
        Ok(Scope { org, period, period_text, org_options, query })
    }

    /// The period and the ones before it, oldest first (`n` in all), for trends.
    pub fn trend_periods(&self, n: usize) -> Vec<Period> {
        let mut out = vec![self.period];
        while out.len() < n {
            let prev = out[out.len() - 1].previous();
            out.push(prev);
        }
        out.reverse();
        out
    }
}

/// The pack's sections, in pack order.
pub fn sections(s: &Scoped<'_>) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    for i in s.indicators().all() {
        if !names.contains(&i.def.section) {
            names.push(i.def.section.clone());
        }
    }
    names
}

/// A children-table row kind as the templates name it.
pub fn kind_code(k: RowKind) -> &'static str {
    match k {
        RowKind::Child => "child",
        RowKind::Own => "own",
        RowKind::Total => "total",
    }
}

/// A figure with its unit (`55313 人`, `72.6%`).
pub fn with_unit(ind: &Indicator, v: Option<Number>, u: &CurrentUser) -> String {
    let shown = ind.display(v);
    if v.is_none() || ind.is_percent() || ind.def.unit.is_empty() {
        shown
    } else {
        format!("{shown} {}", u.lang.pick(&ind.def.unit, &ind.def.unit_en))
    }
}

/// An inline SVG line of the values (gaps where a value is missing); numbers only, so safe to
/// embed unescaped.
pub fn sparkline(values: &[Option<Number>]) -> String {
    let nums: Vec<Option<f64>> = values.iter().map(|v| v.map(Number::to_f64)).collect();
    let known: Vec<f64> = nums.iter().flatten().copied().collect();
    if known.is_empty() {
        return String::new();
    }
    let (lo, hi) = known.iter().fold((f64::MAX, f64::MIN), |(a, b), x| (a.min(*x), b.max(*x)));
    let span = if hi > lo { hi - lo } else { 1.0 };
    let step = if nums.len() > 1 { 96.0 / (nums.len() - 1) as f64 } else { 0.0 };
    let mut points = String::new();
    let mut dots = String::new();
    for (i, v) in nums.iter().enumerate() {
        if let Some(x) = v {
            let (px, py) = (2.0 + step * i as f64, 20.0 - (x - lo) / span * 18.0);
            points.push_str(&format!("{px:.1},{py:.1} "));
            dots.push_str(&format!("<circle cx=\"{px:.1}\" cy=\"{py:.1}\" r=\"1.6\"/>"));
        }
    }
    format!(
        "<svg class=\"spark\" viewBox=\"0 0 100 22\" preserveAspectRatio=\"none\" aria-hidden=\"true\"><polyline points=\"{}\"/>{dots}</svg>",
        points.trim_end()
    )
}

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/indicators", get(catalogue::page))
        .route("/indicators/export.xlsx", get(catalogue::export))
        .route("/indicators/table", get(table::page))
        .route("/indicators/everywhere", post(everywhere::start))
        .route("/indicators/table.xlsx", get(table::export))
        .route("/indicators/editor", get(editor::page))
        .route("/indicators/preview", post(editor::preview))
        .route("/indicators/save", post(editor::save))
        .route("/indicators/drill", get(drill::page))
        .route("/indicators/drill.xlsx", get(drill::export))
        .route("/indicators/{key}", get(catalogue::detail))
        .route("/indicators/{key}/children.xlsx", get(catalogue::children_export))
}
