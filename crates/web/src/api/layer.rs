//! `/api/v1/layer`: the federation's own files of every kind — rulebooks, indicators, report
//! templates, holiday notices — as pack files (`reports/annual.md.j2` is `/layer/reports/annual.md.j2`):
//! listed, read, published as a new version (checked with everything in force), withdrawn.

use super::rulebooks::{ProblemDto, VersionDto, problem_dto};
use crate::AppState;
use crate::auth::ApiUser;
use crate::error::{ApiError, ErrorBody};
use axum::Json;
use axum::extract::{Path, State};
use kaohe_domain::DomainError;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A federation file in force.
#[derive(Debug, Serialize, ToSchema)]
pub struct LayerFileDto {
    /// Where it sits in a pack folder: `rulebooks/2026.toml`, `reports/annual.md.j2`.
    pub path: String,
    pub version: i32,
}

/// A federation file: the text in force and its versions.
#[derive(Debug, Serialize, ToSchema)]
pub struct LayerFileTextDto {
    pub path: String,
    pub text: String,
    pub versions: Vec<VersionDto>,
}

/// A file's new text.
#[derive(Debug, Deserialize, ToSchema)]
pub struct LayerTextBody {
    pub text: String,
}

/// What the checker found (nothing: it can be published).
#[derive(Debug, Serialize, ToSchema)]
pub struct CheckDto {
    pub problems: Vec<ProblemDto>,
}

fn file_path(folder: &str, name: &str) -> String {
    format!("{folder}/{name}")
}

/// The federation's files in force.
#[utoipa::path(get, path = "/layer", tag = "layer", responses(
    (status = 200, body = Vec<LayerFileDto>), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn list(State(state): State<AppState>, ApiUser(u): ApiUser) -> Result<Json<Vec<LayerFileDto>>, ApiError> {
    let s = u.scoped(&state);
    let files = s.layer_files()?;
    Ok(Json(files.into_iter().map(|(path, (version, _))| LayerFileDto { path, version }).collect()))
}

/// One file in force, with its versions.
#[utoipa::path(get, path = "/layer/{folder}/{name}", tag = "layer", params(("folder" = String, Path), ("name" = String, Path)), responses(
    (status = 200, body = LayerFileTextDto), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
    (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn one(
    State(state): State<AppState>,
    ApiUser(u): ApiUser,
    Path((folder, name)): Path<(String, String)>,
) -> Result<Json<LayerFileTextDto>, ApiError> {
    let s = u.scoped(&state);
    let path = file_path(&folder, &name);
    let versions = s.layer_history(&path).await?.iter().map(super::rulebooks::version_dto).collect();
    let (_, text) = s.layer_files()?.remove(&path).ok_or(DomainError::NotFound)?;
    Ok(Json(LayerFileTextDto { path, text, versions }))
}

/// Publishes a new version of a file (checked with everything in force; refused with every
/// problem located).
#[utoipa::path(put, path = "/layer/{folder}/{name}", tag = "layer", params(("folder" = String, Path), ("name" = String, Path)), request_body = LayerTextBody, responses(
    (status = 200, body = LayerFileDto), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
    (status = 422, body = ErrorBody)))]
pub async fn publish(
    State(state): State<AppState>,
    ApiUser(u): ApiUser,
    Path((folder, name)): Path<(String, String)>,
    Json(b): Json<LayerTextBody>,
) -> Result<Json<LayerFileDto>, ApiError> {
    let s = u.scoped(&state);
    let item = s.publish_layer_file(&file_path(&folder, &name), &b.text).await?;
    Ok(Json(LayerFileDto { path: item.path, version: item.version }))
}

/// Withdraws the federation's file (the built-in one, if any, applies again); refused while
/// something in force uses it.
#[utoipa::path(delete, path = "/layer/{folder}/{name}", tag = "layer", params(("folder" = String, Path), ("name" = String, Path)), responses(
    (status = 200, body = LayerFileDto), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
    (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn withdraw(
    State(state): State<AppState>,
    ApiUser(u): ApiUser,
    Path((folder, name)): Path<(String, String)>,
) -> Result<Json<LayerFileDto>, ApiError> {
    let s = u.scoped(&state);
    let item = s.withdraw_layer_file(&file_path(&folder, &name)).await?;
    Ok(Json(LayerFileDto { path: item.path, version: item.version }))
}

/// Checks a text as the file, without saving it (a live preview's check).
#[utoipa::path(post, path = "/layer/{folder}/{name}/check", tag = "layer", params(("folder" = String, Path), ("name" = String, Path)), request_body = LayerTextBody, responses(
    (status = 200, body = CheckDto), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
    (status = 422, body = ErrorBody)))]
pub async fn check(
    State(state): State<AppState>,
    ApiUser(u): ApiUser,
    Path((folder, name)): Path<(String, String)>,
    Json(b): Json<LayerTextBody>,
) -> Result<Json<CheckDto>, ApiError> {
    let s = u.scoped(&state);
    let problems = s.layer_file_problems(&file_path(&folder, &name), &b.text)?;
    Ok(Json(CheckDto { problems: problems.iter().map(problem_dto).collect() }))
}
