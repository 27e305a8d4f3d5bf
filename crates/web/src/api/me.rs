//! `GET /api/v1/me`.

use super::dto::{MeDto, OrgDto, UserDto};
use crate::AppState;
use crate::auth::ApiUser;
use crate::error::{ApiError, ErrorBody};
use axum::Json;
use axum::extract::State;

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
