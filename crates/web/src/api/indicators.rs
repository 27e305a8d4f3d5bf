//! `/api/v1/indicators` and `/api/v1/eval`: the pack's indicators, their figures for an org's
//! scope and a period (optionally per child, with 本级 and 合计), any formula evaluated, and a
//! formula saved as the federation's own indicator.

use crate::AppState;
use crate::auth::ApiUser;
use crate::error::{ApiError, ErrorBody};
use crate::figures;
use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use kaohe_domain::DomainError;
use kaohe_domain::indicator::{Indicator, IndicatorDef, Number};
use kaohe_domain::pack::indicator_file;
use kaohe_store::{RowKind, Scoped, StoreError};
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

/// A federation's own indicator, as written in the formula editor.
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct IndicatorInput {
    /// a-z, 0-9 and `_`, starting with a letter; not a built-in indicator's.
    pub key: String,
    pub name_zh: String,
    pub name_en: Option<String>,
    /// 家, 人, 份, 元, % …
    pub unit: String,
    pub unit_en: Option<String>,
    #[serde(default)]
    pub decimals: u32,
    pub section: String,
    pub description: Option<String>,
    pub formula: String,
}

impl IndicatorInput {
    /// The definition it writes.
    pub(crate) fn def(&self) -> IndicatorDef {
        let or =
            |v: &Option<String>, d: &str| v.clone().filter(|s| !s.trim().is_empty()).unwrap_or_else(|| d.to_owned());
        IndicatorDef {
            key: self.key.trim().to_owned(),
            name_zh: self.name_zh.trim().to_owned(),
            name_en: or(&self.name_en, self.name_zh.trim()),
            unit: self.unit.trim().to_owned(),
            unit_en: or(&self.unit_en, self.unit.trim()),
            section: self.section.trim().to_owned(),
            formula: self.formula.trim().to_owned(),
            decimals: self.decimals,
            description_zh: self.description.clone().filter(|d| !d.trim().is_empty()),
        }
    }
}

/// Where a federation's indicator sits in a pack folder.
pub(crate) fn indicator_path(key: &str) -> String {
    format!("indicators/{key}.toml")
}

/// Publishes a federation's indicator (new, or a new version of its own): checked with every
/// indicator and rulebook using it.
pub(crate) async fn save_indicator(s: &Scoped<'_>, input: &IndicatorInput, new: bool) -> Result<(), StoreError> {
    let def = input.def();
    // Who may, before what: the key's shape is checked next.
    s.may_change_layer_file(&indicator_path("indicator"))?;
    let path = indicator_path(&def.key);
    let mut missing = Vec::new();
    if kaohe_domain::pack::LayerKind::of(&path).is_none() {
        missing.push(kaohe_domain::FieldError::new(
            "key",
            "代码须以小写字母开头,只含小写字母、数字和下划线,不超过40个字符",
            "the key starts with a lower-case letter and holds only a-z, 0-9 and _ (at most 40)",
        ));
    }
    for (field, v) in
        [("name_zh", &def.name_zh), ("unit", &def.unit), ("section", &def.section), ("formula", &def.formula)]
    {
        if v.is_empty() {
            missing.push(kaohe_domain::FieldError::new(field, "必填", "required"));
        }
    }
    if !missing.is_empty() {
        return Err(DomainError::Validation(missing).into());
    }
    let own = s.layer_files()?.contains_key(&path);
    if new && s.indicators().get(&def.key).is_some() {
        return Err(DomainError::invalid("key", format!("指标代码“{}”已被占用", def.key), "the key is taken").into());
    }
    if !new && !own {
        // Only the federation's own indicators are changed here; the built-in pack's stay.
        return Err(DomainError::NotFound.into());
    }
    s.publish_layer_file(&path, &indicator_file(&def)?).await?;
    Ok(())
}

/// Saves a formula as the federation's own indicator (考核办 of the top federation).
#[utoipa::path(post, path = "/indicators", tag = "indicators", request_body = IndicatorInput, responses(
    (status = 201, body = IndicatorDto), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
    (status = 422, body = ErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    ApiUser(u): ApiUser,
    Json(b): Json<IndicatorInput>,
) -> Result<(StatusCode, Json<IndicatorDto>), ApiError> {
    save_indicator(&u.scoped(&state), &b, true).await?;
    let s = u.scoped(&state);
    let ind = s.indicators().get(b.key.trim()).ok_or(DomainError::NotFound)?;
    Ok((StatusCode::CREATED, Json(IndicatorDto::from(ind))))
}

/// Changes one of the federation's own indicators (a new version); refused, with the place,
/// when an indicator or rulebook using it would no longer hold.
#[utoipa::path(put, path = "/indicators/{key}", tag = "indicators", params(("key" = String, Path)), request_body = IndicatorInput, responses(
    (status = 200, body = IndicatorDto), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
    (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn update(
    State(state): State<AppState>,
    ApiUser(u): ApiUser,
    Path(key): Path<String>,
    Json(mut b): Json<IndicatorInput>,
) -> Result<Json<IndicatorDto>, ApiError> {
    b.key = key;
    save_indicator(&u.scoped(&state), &b, false).await?;
    let s = u.scoped(&state);
    Ok(Json(IndicatorDto::from(s.indicators().get(&b.key).ok_or(DomainError::NotFound)?)))
}

/// What an indicator uses and what uses it.
#[derive(Debug, Serialize, ToSchema)]
pub struct UsesDto {
    pub key: String,
    /// True for the federation's own (changeable); false for the built-in pack's.
    pub own: bool,
    /// Indicators its formula refers to.
    pub refers_to: Vec<String>,
    /// Indicators whose formulas refer to it.
    pub referred_by: Vec<String>,
    /// Years whose rulebook scores, vetoes or adjusts by it.
    pub rulebooks: Vec<i32>,
}

/// What an indicator depends on and what depends on it.
#[utoipa::path(get, path = "/indicators/{key}/uses", tag = "indicators", params(("key" = String, Path)), responses(
    (status = 200, body = UsesDto), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn uses(
    State(state): State<AppState>,
    ApiUser(u): ApiUser,
    Path(key): Path<String>,
) -> Result<Json<UsesDto>, ApiError> {
    let s = u.scoped(&state);
    let set = s.indicators();
    set.get(&key).ok_or(DomainError::NotFound)?;
    Ok(Json(UsesDto {
        own: s.layer_files()?.contains_key(&indicator_path(&key)),
        refers_to: set.refers_to(&key).into_iter().map(str::to_owned).collect(),
        referred_by: set.referred_by(&key).into_iter().map(str::to_owned).collect(),
        rulebooks: s.layer_parts().rulebooks.iter().filter(|b| b.uses(&key)).map(|b| b.year).collect(),
        key,
    }))
}
