//! `/api/v1/orgs`: the org tree.

use super::dto::{CloseBody, ClosedDto, MoveBody, NewOrgBody, OrgDto, OrgPatchBody};
use crate::AppState;
use crate::auth::ApiUser;
use crate::error::{ApiError, ErrorBody};
use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use kaohe_domain::{DomainError, OrgId, OrgKind};
use kaohe_store::{NewOrg, OrgUpdate};
use serde::Deserialize;
use utoipa::IntoParams;

fn kind(s: &str) -> Result<OrgKind, DomainError> {
    OrgKind::parse(s).ok_or_else(|| {
        DomainError::invalid(
            "kind",
            "类型应为 总工会/部室/基层工会/其他",
            "kind must be federation, department, grassroots or other",
        )
    })
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct ListQuery {
    /// List the subtree of this org (default: the caller's whole scope).
    pub under: Option<i64>,
    /// Include closed orgs.
    #[serde(default)]
    pub include_closed: bool,
}

/// Orgs in a subtree of the caller's scope, in tree (path) order.
#[utoipa::path(get, path = "/orgs", tag = "orgs", params(ListQuery), responses(
    (status = 200, body = Vec<OrgDto>), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    ApiUser(u): ApiUser,
    Query(q): Query<ListQuery>,
) -> Result<Json<Vec<OrgDto>>, ApiError> {
    let orgs = u.scoped(&state).org_subtree(q.under.map(OrgId), q.include_closed).await?;
    Ok(Json(orgs.into_iter().map(OrgDto::from).collect()))
}

/// Creates an org under a parent in the caller's scope.
#[utoipa::path(post, path = "/orgs", tag = "orgs", request_body = NewOrgBody, responses(
    (status = 201, body = OrgDto), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
    (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    ApiUser(u): ApiUser,
    Json(b): Json<NewOrgBody>,
) -> Result<(StatusCode, Json<OrgDto>), ApiError> {
    let new = NewOrg {
        code: b.code,
        name: b.name,
        short_name: b.short_name,
        kind: kind(&b.kind)?,
        parent_id: Some(OrgId(b.parent_id)),
        sort_key: b.sort_key,
        opened_on: b.opened_on,
        groups: b.groups,
    };
    let org = u.scoped(&state).create_org(new).await?;
    Ok((StatusCode::CREATED, Json(org.into())))
}

/// One org.
#[utoipa::path(get, path = "/orgs/{id}", tag = "orgs", params(("id" = i64, Path)), responses(
    (status = 200, body = OrgDto), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn get_one(
    State(state): State<AppState>,
    ApiUser(u): ApiUser,
    Path(id): Path<i64>,
) -> Result<Json<OrgDto>, ApiError> {
    Ok(Json(u.scoped(&state).org(OrgId(id)).await?.into()))
}

/// Renames or edits an org.
#[utoipa::path(patch, path = "/orgs/{id}", tag = "orgs", params(("id" = i64, Path)), request_body = OrgPatchBody, responses(
    (status = 200, body = OrgDto), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
    (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn update(
    State(state): State<AppState>,
    ApiUser(u): ApiUser,
    Path(id): Path<i64>,
    Json(b): Json<OrgPatchBody>,
) -> Result<Json<OrgDto>, ApiError> {
    let upd = OrgUpdate {
        name: b.name,
        short_name: b.short_name,
        kind: b.kind.as_deref().map(kind).transpose()?,
        sort_key: b.sort_key,
        groups: b.groups,
    };
    Ok(Json(u.scoped(&state).update_org(OrgId(id), upd).await?.into()))
}

/// The children of an org.
#[utoipa::path(get, path = "/orgs/{id}/children", tag = "orgs", params(("id" = i64, Path), ("include_closed" = Option<bool>, Query)), responses(
    (status = 200, body = Vec<OrgDto>), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn children(
    State(state): State<AppState>,
    ApiUser(u): ApiUser,
    Path(id): Path<i64>,
    Query(q): Query<ClosedQuery>,
) -> Result<Json<Vec<OrgDto>>, ApiError> {
    let kids = u.scoped(&state).org_children(Some(OrgId(id)), q.include_closed).await?;
    Ok(Json(kids.into_iter().map(OrgDto::from).collect()))
}

#[derive(Debug, Deserialize)]
pub struct ClosedQuery {
    #[serde(default)]
    include_closed: bool,
}

/// Moves an org and its subtree under a new parent (a move under its own subtree is refused with 409).
#[utoipa::path(post, path = "/orgs/{id}/move", tag = "orgs", params(("id" = i64, Path)), request_body = MoveBody, responses(
    (status = 200, body = OrgDto), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
    (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn move_org(
    State(state): State<AppState>,
    ApiUser(u): ApiUser,
    Path(id): Path<i64>,
    Json(b): Json<MoveBody>,
) -> Result<Json<OrgDto>, ApiError> {
    Ok(Json(u.scoped(&state).move_org(OrgId(id), OrgId(b.parent_id)).await?.into()))
}

/// Closes an org and its open descendants (nothing is deleted).
#[utoipa::path(post, path = "/orgs/{id}/close", tag = "orgs", params(("id" = i64, Path)), request_body = CloseBody, responses(
    (status = 200, body = ClosedDto), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
    (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn close(
    State(state): State<AppState>,
    ApiUser(u): ApiUser,
    Path(id): Path<i64>,
    Json(b): Json<CloseBody>,
) -> Result<Json<ClosedDto>, ApiError> {
    let closed = u.scoped(&state).close_org(OrgId(id), b.closed_on).await?;
    Ok(Json(ClosedDto { closed }))
}
