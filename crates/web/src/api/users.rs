//! `/api/v1/users`: accounts inside the caller's scope.

use super::dto::{DisabledBody, NewUserBody, RoleBody, UserDto, parse_optional_role, parse_role};
use crate::AppState;
use crate::auth::ApiUser;
use crate::error::{ApiError, ErrorBody};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use kaohe_domain::{OrgId, UserId};
use kaohe_store::NewUser;

/// Users whose org lies in the caller's scope.
#[utoipa::path(get, path = "/users", tag = "users", responses(
    (status = 200, body = Vec<UserDto>), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn list(State(state): State<AppState>, ApiUser(u): ApiUser) -> Result<Json<Vec<UserDto>>, ApiError> {
    Ok(Json(u.scoped(&state).users().await?.into_iter().map(UserDto::from).collect()))
}

/// Creates a user (system administrator).
#[utoipa::path(post, path = "/users", tag = "users", request_body = NewUserBody, responses(
    (status = 201, body = UserDto), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
    (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    ApiUser(u): ApiUser,
    Json(b): Json<NewUserBody>,
) -> Result<(StatusCode, Json<UserDto>), ApiError> {
    let new = NewUser {
        username: b.username,
        display_name: b.display_name,
        org_id: OrgId(b.org_id),
        role: parse_optional_role(b.role.as_deref())?,
        password: b.password,
    };
    Ok((StatusCode::CREATED, Json(u.scoped(&state).create_user(new).await?.into())))
}

/// One user.
#[utoipa::path(get, path = "/users/{id}", tag = "users", params(("id" = i64, Path)), responses(
    (status = 200, body = UserDto), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn get_one(
    State(state): State<AppState>,
    ApiUser(u): ApiUser,
    Path(id): Path<i64>,
) -> Result<Json<UserDto>, ApiError> {
    Ok(Json(u.scoped(&state).user(UserId(id)).await?.into()))
}

/// Sets a user's role (security administrator).
#[utoipa::path(put, path = "/users/{id}/role", tag = "users", params(("id" = i64, Path)), request_body = RoleBody, responses(
    (status = 200, body = UserDto), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
    (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn set_role(
    State(state): State<AppState>,
    ApiUser(u): ApiUser,
    Path(id): Path<i64>,
    Json(b): Json<RoleBody>,
) -> Result<Json<UserDto>, ApiError> {
    Ok(Json(u.scoped(&state).set_role(UserId(id), parse_role(&b.role)?).await?.into()))
}

/// Switches an account off or on (system administrator; never his own).
#[utoipa::path(put, path = "/users/{id}/disabled", tag = "users", params(("id" = i64, Path)), request_body = DisabledBody, responses(
    (status = 200, body = UserDto), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn set_disabled(
    State(state): State<AppState>,
    ApiUser(u): ApiUser,
    Path(id): Path<i64>,
    Json(b): Json<DisabledBody>,
) -> Result<Json<UserDto>, ApiError> {
    Ok(Json(u.scoped(&state).set_disabled(UserId(id), b.disabled).await?.into()))
}

/// Lifts a user's lockout (security administrator).
#[utoipa::path(post, path = "/users/{id}/unlock", tag = "users", params(("id" = i64, Path)), responses(
    (status = 200, body = UserDto), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn unlock(
    State(state): State<AppState>,
    ApiUser(u): ApiUser,
    Path(id): Path<i64>,
) -> Result<Json<UserDto>, ApiError> {
    Ok(Json(u.scoped(&state).unlock(UserId(id)).await?.into()))
}

/// Removes an account (system administrator; never his own): switched off, its tokens revoked,
/// gone from the list; kept for the audit trail, its name never reused.
#[utoipa::path(delete, path = "/users/{id}", tag = "users", params(("id" = i64, Path)), responses(
    (status = 200, body = UserDto), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
    (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn remove(
    State(state): State<AppState>,
    ApiUser(u): ApiUser,
    Path(id): Path<i64>,
) -> Result<Json<UserDto>, ApiError> {
    Ok(Json(u.scoped(&state).remove_user(UserId(id)).await?.into()))
}

/// Clears a user's second factor, for a lost phone (security administrator; never his own).
#[utoipa::path(post, path = "/users/{id}/second-factor/reset", tag = "users", params(("id" = i64, Path)), responses(
    (status = 200, body = UserDto), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
    (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn reset_second_factor(
    State(state): State<AppState>,
    ApiUser(u): ApiUser,
    Path(id): Path<i64>,
) -> Result<Json<UserDto>, ApiError> {
    Ok(Json(u.scoped(&state).reset_second_factor(UserId(id)).await?.into()))
}
