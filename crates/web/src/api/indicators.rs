//! `/api/v1/indicators` and `/api/v1/eval`: the pack's indicators, their figures for an org's
//! scope and a period (optionally per child, with 本级 and 合计), and any formula evaluated.

use crate::AppState;
use crate::auth::ApiUser;
use crate::error::{ApiError, ErrorBody};
use crate::figures;
use axum::Json;
use axum::extract::{Path, Query, State};
use kaohe_domain::DomainError;
use kaohe_domain::indicator::{Indicator, Number};
use kaohe_store::RowKind;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// An indicator of the installed pack.
#[derive(Debug, Serialize, ToSchema)]
pub struct IndicatorDto {
    pub key: String,
    pub name_zh: String,
    pub name_en: String,
    /// 家, 人, 份, 元, % …
    pub unit: String,
    pub unit_en: String,
    pub section: String,
    pub formula: String,
    /// Decimals shown.
    pub decimals: u32,
    /// Whether children's figures add up to the parent's.
    pub additive: bool,
    /// The registries the formula reads.
    pub registries: Vec<String>,
}

impl From<&Indicator> for IndicatorDto {
    fn from(i: &Indicator) -> Self {
        IndicatorDto {
            key: i.def.key.clone(),
            name_zh: i.def.name_zh.clone(),
            name_en: i.def.name_en.clone(),
            unit: i.def.unit.clone(),
            unit_en: i.def.unit_en.clone(),
            section: i.def.section.clone(),
            formula: i.def.formula.clone(),
            decimals: i.def.decimals,
            additive: i.additive,
            registries: i.plan.registries().into_iter().map(str::to_owned).collect(),
        }
    }
}

/// One figure.
#[derive(Debug, Serialize, ToSchema)]
pub struct ValueDto {
    pub org_id: i64,
    pub org_code: String,
    pub org_name: String,
    /// `org` (a single org's scope), `child`, `own` (本级) or `total` (合计, the whole scope).
    pub row: String,
    /// The exact value as a fraction or integer (`520/716`, `55313`); null when it cannot be
    /// computed (e.g. a ratio over zero).
    pub exact: Option<String>,
    /// The value with six decimals.
    pub decimal: Option<String>,
    /// As shown on screen (`72.6%`).
    pub display: String,
}

/// An indicator's figures.
#[derive(Debug, Serialize, ToSchema)]
pub struct ValuesDto {
    pub indicator: String,
    pub unit: String,
    /// The period as given (`2009`, `2009Q3`, …).
    pub period: String,
    pub rows: Vec<ValueDto>,
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct ValuesQuery {
    /// The org (default: the top of the caller's scope); the figure covers its whole scope.
    pub org: Option<i64>,
    /// `2009`, `2009Q3`, `2009-07` or `2009-01-01..2009-06-30` (default: last year).
    pub period: Option<String>,
    /// One row per child org, plus 本级 and 合计.
    #[serde(default)]
    pub children: bool,
}

/// A formula to evaluate.
#[derive(Debug, Deserialize, ToSchema)]
pub struct EvalBody {
    /// E.g. `ratio(count(units where has_congress), count(units))`.
    pub formula: String,
    pub org: Option<i64>,
    pub period: Option<String>,
    #[serde(default)]
    pub children: bool,
}

fn dto(ind: &Indicator, rows: Vec<figures::Row>, period: String) -> ValuesDto {
    let rows = rows
        .into_iter()
        .map(|r| ValueDto {
            org_id: r.org.id.0,
            org_code: r.org.code.as_str().to_owned(),
            org_name: r.org.name.clone(),
            row: match r.kind {
                None => "org",
                Some(RowKind::Child) => "child",
                Some(RowKind::Own) => "own",
                Some(RowKind::Total) => "total",
            }
            .to_owned(),
            exact: r.value.map(Number::exact),
            decimal: r.value.map(|n| n.to_decimal_string(6)),
            display: ind.display(r.value),
        })
        .collect();
    ValuesDto { indicator: ind.def.key.clone(), unit: ind.def.unit.clone(), period, rows }
}

/// The installed pack's indicators, in pack order.
#[utoipa::path(get, path = "/indicators", tag = "indicators", responses(
    (status = 200, body = Vec<IndicatorDto>), (status = 401, body = ErrorBody)))]
pub async fn list(State(state): State<AppState>, ApiUser(u): ApiUser) -> Result<Json<Vec<IndicatorDto>>, ApiError> {
    let s = u.scoped(&state);
    Ok(Json(s.indicators().all().iter().map(IndicatorDto::from).collect()))
}

/// An indicator's figures for an org's scope and a period.
#[utoipa::path(get, path = "/indicators/{key}/values", tag = "indicators", params(("key" = String, Path), ValuesQuery), responses(
    (status = 200, body = ValuesDto), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
    (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn values(
    State(state): State<AppState>,
    ApiUser(u): ApiUser,
    Path(key): Path<String>,
    Query(q): Query<ValuesQuery>,
) -> Result<Json<ValuesDto>, ApiError> {
    let s = u.scoped(&state);
    let ind = s.indicators().get(&key).cloned().ok_or(DomainError::NotFound)?;
    let period = figures::period(q.period.as_deref(), &s)?;
    let org = figures::org(q.org, &s).await?;
    let rows = figures::rows(&s, &[&ind.plan], &period, &org, q.children).await?.remove(0);
    Ok(Json(dto(&ind, rows, period.to_string())))
}

/// Evaluates a formula; a mistake in it is a 422 naming line, column and what was expected.
#[utoipa::path(post, path = "/eval", tag = "indicators", request_body = EvalBody, responses(
    (status = 200, body = ValuesDto), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
    (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn eval(
    State(state): State<AppState>,
    ApiUser(u): ApiUser,
    Json(b): Json<EvalBody>,
) -> Result<Json<ValuesDto>, ApiError> {
    let s = u.scoped(&state);
    let ind = figures::adhoc(&s, &b.formula)?;
    let period = figures::period(b.period.as_deref(), &s)?;
    let org = figures::org(b.org, &s).await?;
    let rows = figures::rows(&s, &[&ind.plan], &period, &org, b.children).await?.remove(0);
    Ok(Json(dto(&ind, rows, period.to_string())))
}
