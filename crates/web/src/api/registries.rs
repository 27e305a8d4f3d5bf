//! `/api/v1/registries`: registry definitions and their records.

use crate::AppState;
use crate::auth::ApiUser;
use crate::display::{JsonValue, raw_from_json};
use crate::error::{ApiError, ErrorBody};
use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use kaohe_domain::input::parse_field;
use kaohe_domain::record::{Record, RecordId, Value, Values};
use kaohe_domain::registry::RegistryDef;
use kaohe_domain::{DomainError, FieldError, OrgId};
use kaohe_store::RecordQuery;
use kaohe_store::{Cursor, Filter, FilterOp, Sort};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::sync::Arc;
use utoipa::{IntoParams, ToSchema};

/// A registry's definition: its fields and their types.
#[derive(Debug, Serialize, ToSchema)]
pub struct RegistryDto {
    pub key: String,
    pub label_zh: String,
    pub label_en: String,
    pub natural_key: Vec<String>,
    #[schema(value_type = Vec<Object>)]
    pub fields: serde_json::Value,
}

impl From<&RegistryDef> for RegistryDto {
    fn from(r: &RegistryDef) -> Self {
        RegistryDto {
            key: r.key.clone(),
            label_zh: r.label_zh.clone(),
            label_en: r.label_en.clone(),
            natural_key: r.natural_key.clone(),
            fields: serde_json::to_value(&r.fields).unwrap_or_default(),
        }
    }
}

/// A record: money and decimals as exact decimal strings, dates as `YYYY-MM-DD`, org fields as
/// org ids; personal data masked unless `unmask` was asked for and allowed.
#[derive(Debug, Serialize, ToSchema)]
pub struct RecordDto {
    pub id: i64,
    pub org_id: i64,
    pub version: i64,
    #[schema(value_type = Object)]
    pub values: FieldValues,
}

/// A record's values by field key (in key order, every field present, empty ones `null`),
/// serialized through [`JsonValue`] from the typed values.
#[derive(Debug)]
pub struct FieldValues {
    reg: Arc<RegistryDef>,
    values: Values,
}

impl Serialize for FieldValues {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut m = s.serialize_map(Some(self.values.len()))?;
        for (k, v) in &self.values {
            if let Some(f) = self.reg.field(k) {
                m.serialize_entry(k, &JsonValue(f, v))?;
            }
        }
        m.end()
    }
}

fn dto(reg: &Arc<RegistryDef>, mut r: Record) -> RecordDto {
    if r.values.len() < reg.fields.len() {
        for f in &reg.fields {
            r.values.entry(f.key.clone()).or_insert(Value::Null);
        }
    }
    RecordDto {
        id: r.id.0,
        org_id: r.org_id.0,
        version: r.version,
        values: FieldValues { reg: reg.clone(), values: r.values },
    }
}

/// A page of records and the cursor of the next page.
#[derive(Debug, Serialize, ToSchema)]
pub struct RecordPage {
    pub records: Vec<RecordDto>,
    /// Pass as `after` for the next page; absent on the last page.
    pub next: Option<i64>,
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct RecordsQuery {
    /// Only this org's subtree (default: the caller's scope).
    pub under: Option<i64>,
    /// Page size (1 to 1000, default 100).
    #[param(minimum = 1, maximum = 1000)]
    pub limit: Option<u64>,
    /// The `next` value of the previous page.
    pub after: Option<i64>,
    /// Newest first.
    #[serde(default)]
    pub desc: bool,
    /// Show personal data in clear (needs the right; audited).
    #[serde(default)]
    pub unmask: bool,
    /// Exact-match filters as `field=value` pairs, comma separated (e.g. `gender=女,category=职工`).
    pub filter: Option<String>,
}

/// New or changed record values (`org_id` is required on create).
#[derive(Debug, Deserialize, ToSchema)]
pub struct RecordBody {
    pub org_id: Option<i64>,
    /// Required for updates: the version read (optimistic locking; a stale one gets 409).
    pub version: Option<i64>,
    #[schema(value_type = Object)]
    pub values: BTreeMap<String, serde_json::Value>,
}

/// What a write returns.
#[derive(Debug, Serialize, ToSchema)]
pub struct WriteResult {
    pub id: i64,
    pub version: i64,
}

/// The registries the caller may read.
#[utoipa::path(get, path = "/registries", tag = "registries", responses((status = 200, body = Vec<RegistryDto>), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn list_registries(
    State(state): State<AppState>,
    ApiUser(u): ApiUser,
) -> Result<Json<Vec<RegistryDto>>, ApiError> {
    Ok(Json(u.scoped(&state).registries()?.iter().map(RegistryDto::from).collect()))
}

fn parse_values(reg: &RegistryDef, input: &BTreeMap<String, serde_json::Value>) -> Result<Values, DomainError> {
    let mut values = Values::new();
    let mut errors = Vec::new();
    for (k, v) in input {
        match reg.field(k) {
            Some(f) if f.is_input() => match parse_field(f, &raw_from_json(v)) {
                Ok(val) => {
                    values.insert(k.clone(), val);
                }
                Err(e) => errors.push(e.into_field_error(k)),
            },
            _ => errors.push(FieldError::new(k, "没有这个可填写的字段", "no such input field")),
        }
    }
    if errors.is_empty() { Ok(values) } else { Err(DomainError::Validation(errors)) }
}

/// A page of records (keyset-paged by id).
#[utoipa::path(get, path = "/registries/{key}/records", tag = "registries", params(("key" = String, Path), RecordsQuery), responses(
    (status = 200, body = RecordPage), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn list_records(
    State(state): State<AppState>,
    ApiUser(u): ApiUser,
    Path(key): Path<String>,
    Query(q): Query<RecordsQuery>,
) -> Result<Json<RecordPage>, ApiError> {
    let scoped = u.scoped(&state);
    let reg = Arc::new(scoped.registry(&key)?.clone());
    let mut filters = Vec::new();
    for pair in q.filter.as_deref().unwrap_or("").split(',').filter(|p| !p.is_empty()) {
        let (k, v) = pair
            .split_once('=')
            .ok_or_else(|| DomainError::invalid("filter", "筛选应为 字段=值", "filter must be field=value"))?;
        let f = reg
            .field(k)
            .ok_or_else(|| DomainError::invalid("filter", format!("没有字段“{k}”"), format!("no field {k:?}")))?;
        let value = parse_field(f, &kaohe_domain::input::RawCell::Text(v.to_owned()))
            .map_err(|e| DomainError::Validation(vec![e.into_field_error("filter")]))?;
        filters.push(Filter { field: k.to_owned(), op: FilterOp::Eq, value });
    }
    let limit = q.limit.unwrap_or(100);
    if !(1..=1000).contains(&limit) {
        return Err(DomainError::invalid("limit", "每页条数应为 1 至 1000", "limit must be 1 to 1000").into());
    }
    let rq = RecordQuery {
        under: q.under.map(OrgId),
        filters,
        sort: Sort { field: None, descending: q.desc },
        after: q.after.map(|id| Cursor { value: Value::Null, id: RecordId(id) }),
        limit,
        unmask: q.unmask,
    };
    let records = scoped.records(&key, &rq).await?;
    let next = (records.len() as u64 == limit).then(|| records.last().map(|r| r.id.0)).flatten();
    Ok(Json(RecordPage { records: records.into_iter().map(|r| dto(&reg, r)).collect(), next }))
}

/// Creates a record.
#[utoipa::path(post, path = "/registries/{key}/records", tag = "registries", params(("key" = String, Path)), request_body = RecordBody, responses(
    (status = 201, body = WriteResult), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
    (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create_record(
    State(state): State<AppState>,
    ApiUser(u): ApiUser,
    Path(key): Path<String>,
    Json(b): Json<RecordBody>,
) -> Result<(StatusCode, Json<WriteResult>), ApiError> {
    let scoped = u.scoped(&state);
    let reg = scoped.registry(&key)?.clone();
    let org = b.org_id.ok_or_else(|| DomainError::invalid("org_id", "须填写所属组织", "org_id is required"))?;
    let values = parse_values(&reg, &b.values)?;
    let id = scoped.create_record(&key, OrgId(org), values).await?;
    Ok((StatusCode::CREATED, Json(WriteResult { id: id.0, version: 1 })))
}

/// One record.
#[utoipa::path(get, path = "/registries/{key}/records/{id}", tag = "registries", params(("key" = String, Path), ("id" = i64, Path), ("unmask" = Option<bool>, Query)), responses(
    (status = 200, body = RecordDto), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn get_record(
    State(state): State<AppState>,
    ApiUser(u): ApiUser,
    Path((key, id)): Path<(String, i64)>,
    Query(q): Query<UnmaskQuery>,
) -> Result<Json<RecordDto>, ApiError> {
    let scoped = u.scoped(&state);
    let reg = Arc::new(scoped.registry(&key)?.clone());
    Ok(Json(dto(&reg, scoped.record(&key, RecordId(id), q.unmask).await?)))
}

#[derive(Debug, Deserialize)]
pub struct UnmaskQuery {
    #[serde(default)]
    unmask: bool,
}

/// Changes a record; fields left out keep their value. A stale `version` gets 409.
#[utoipa::path(put, path = "/registries/{key}/records/{id}", tag = "registries", params(("key" = String, Path), ("id" = i64, Path)), request_body = RecordBody, responses(
    (status = 200, body = WriteResult), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
    (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn update_record(
    State(state): State<AppState>,
    ApiUser(u): ApiUser,
    Path((key, id)): Path<(String, i64)>,
    Json(b): Json<RecordBody>,
) -> Result<Json<WriteResult>, ApiError> {
    let scoped = u.scoped(&state);
    let reg = scoped.registry(&key)?.clone();
    let version =
        b.version.ok_or_else(|| DomainError::invalid("version", "须提供读取时的版本号", "version is required"))?;
    let current = scoped.record(&key, RecordId(id), false).await?;
    let values = parse_values(&reg, &b.values)?;
    let v = scoped.update_record(&key, RecordId(id), version, b.org_id.map_or(current.org_id, OrgId), values).await?;
    Ok(Json(WriteResult { id, version: v }))
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct VersionQuery {
    /// The version read (optimistic locking).
    pub version: i64,
}

/// Soft-deletes a record (kept with its history).
#[utoipa::path(delete, path = "/registries/{key}/records/{id}", tag = "registries", params(("key" = String, Path), ("id" = i64, Path), VersionQuery), responses(
    (status = 204), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn delete_record(
    State(state): State<AppState>,
    ApiUser(u): ApiUser,
    Path((key, id)): Path<(String, i64)>,
    Query(q): Query<VersionQuery>,
) -> Result<StatusCode, ApiError> {
    u.scoped(&state).delete_record(&key, RecordId(id), q.version).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A record's history (personal data masked).
#[utoipa::path(get, path = "/registries/{key}/records/{id}/history", tag = "registries", params(("key" = String, Path), ("id" = i64, Path)), responses(
    (status = 200, body = Vec<Object>), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn record_history(
    State(state): State<AppState>,
    ApiUser(u): ApiUser,
    Path((key, id)): Path<(String, i64)>,
) -> Result<Json<Vec<kaohe_store::HistoryEntry>>, ApiError> {
    Ok(Json(u.scoped(&state).record_history(&key, RecordId(id)).await?))
}
