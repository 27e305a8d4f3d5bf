//! `GET /api/v1/audit`: the audit log (audit administrator).

use super::dto::AuditDto;
use crate::AppState;
use crate::auth::ApiUser;
use crate::error::{ApiError, ErrorBody};
use axum::Json;
use axum::extract::{Query, State};
use serde::Deserialize;
use utoipa::IntoParams;

#[derive(Debug, Deserialize, IntoParams)]
pub struct AuditQuery {
    /// Rows older than this id (paging).
    pub before: Option<i64>,
    /// At most this many rows (1 to 500, default 100).
    #[param(minimum = 1, maximum = 500)]
    pub limit: Option<u64>,
}

/// Audit rows about orgs in the caller's scope, newest first.
#[utoipa::path(get, path = "/audit", tag = "audit", params(AuditQuery), responses(
    (status = 200, body = Vec<AuditDto>), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
    (status = 422, body = ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    ApiUser(u): ApiUser,
    Query(q): Query<AuditQuery>,
) -> Result<Json<Vec<AuditDto>>, ApiError> {
    let limit = q.limit.unwrap_or(100);
    if !(1..=500).contains(&limit) {
        return Err(kaohe_domain::DomainError::invalid("limit", "条数应为 1 至 500", "limit must be 1 to 500").into());
    }
    let rows = u.scoped(&state).audit_rows(limit, q.before).await?;
    Ok(Json(rows.into_iter().map(AuditDto::from).collect()))
}
