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
    /// At most this many rows (≤ 500, default 100).
    pub limit: Option<u64>,
}

/// Audit rows about orgs in the caller's scope, newest first.
#[utoipa::path(get, path = "/audit", tag = "audit", params(AuditQuery), responses(
    (status = 200, body = Vec<AuditDto>), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    ApiUser(u): ApiUser,
    Query(q): Query<AuditQuery>,
) -> Result<Json<Vec<AuditDto>>, ApiError> {
    let rows = u.scoped(&state).audit_rows(q.limit.unwrap_or(100), q.before).await?;
    Ok(Json(rows.into_iter().map(AuditDto::from).collect()))
}
