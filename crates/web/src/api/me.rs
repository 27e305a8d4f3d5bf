//! `GET /api/v1/me` and the caller's own API tokens.

use super::dto::{MeDto, OrgDto, TokenDto, UserDto};
use crate::AppState;
use crate::auth::ApiUser;
use crate::error::{ApiError, ErrorBody};
use axum::Json;
use axum::extract::{Path, State};

/// The signed-in user and their org (their scope's root).
#[utoipa::path(get, path = "/me", tag = "me", responses(
    (status = 200, body = MeDto),
    (status = 401, body = ErrorBody)))]
pub async fn me(State(state): State<AppState>, ApiUser(u): ApiUser) -> Result<Json<MeDto>, ApiError> {
    let scoped = u.scoped(&state);
    let user = scoped.me().await?;
    let org = scoped.my_org().await?;
    Ok(Json(MeDto { user: UserDto::from(user), org: OrgDto::from(org) }))
}

/// The caller's API tokens, newest first (names, dates, state; never the secrets).
#[utoipa::path(get, path = "/me/tokens", tag = "me", responses(
    (status = 200, body = Vec<TokenDto>),
    (status = 401, body = ErrorBody)))]
pub async fn tokens(State(state): State<AppState>, ApiUser(u): ApiUser) -> Result<Json<Vec<TokenDto>>, ApiError> {
    let scoped = u.scoped(&state);
    let me = scoped.me().await?;
    Ok(Json(scoped.tokens(me.id).await?.into_iter().map(TokenDto::from).collect()))
}

/// Revokes one of the caller's tokens (a security administrator: any user's in scope).
#[utoipa::path(delete, path = "/me/tokens/{id}", tag = "me", params(("id" = i64, Path)), responses(
    (status = 200, body = TokenDto),
    (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn revoke_token(
    State(state): State<AppState>,
    ApiUser(u): ApiUser,
    Path(id): Path<i64>,
) -> Result<Json<TokenDto>, ApiError> {
    Ok(Json(u.scoped(&state).revoke_token(id).await?.into()))
}
