//! `/api/v1/rulebooks`: the federation's 考核办法 by year — read the one in force, start a new
//! year's draft from another year's or the built-in model, save drafts (checked as they are
//! saved), 试算 (score the current data under a draft), publish (a new version, its
//! differences from the previous one listed), read earlier versions.

use super::assessments::{AssessQuery, AssessmentDto, assessment_dto};
use crate::AppState;
use crate::auth::ApiUser;
use crate::error::{ApiError, ErrorBody};
use crate::{figures, rulebooks};
use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use kaohe_domain::DomainError;
use kaohe_domain::pack::PackError;
use kaohe_store::{LayerItem, Scoped};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A year's rulebook in force.
#[derive(Debug, Serialize, ToSchema)]
pub struct RulebookSummaryDto {
    pub year: i32,
    pub title: String,
    /// The version assessments cite (`2026-v3` for the federation's third published version).
    pub version: String,
    /// True for the federation's own; false for the built-in pack's.
    pub own: bool,
}

/// One published version of a federation file.
#[derive(Debug, Serialize, ToSchema)]
pub struct VersionDto {
    pub version: i32,
    /// False when this version withdrew the file.
    pub present: bool,
    pub author: String,
    pub created_at: String,
}

/// A year's rulebook: the text in force, the draft being edited, the versions published.
#[derive(Debug, Serialize, ToSchema)]
pub struct RulebookDto {
    #[serde(flatten)]
    pub summary: RulebookSummaryDto,
    /// The rulebook file (TOML) in force.
    pub text: String,
    pub draft: Option<String>,
    pub versions: Vec<VersionDto>,
}

/// A problem in a draft, located.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProblemDto {
    pub line: usize,
    pub column: usize,
    pub message: String,
    pub message_en: String,
    /// The line, for showing with a caret.
    pub source_line: String,
}

/// A saved draft and its problems (none: it can be published).
#[derive(Debug, Serialize, ToSchema)]
pub struct DraftDto {
    pub text: String,
    pub problems: Vec<ProblemDto>,
}

/// A draft's text.
#[derive(Debug, Deserialize, ToSchema)]
pub struct TextBody {
    pub text: String,
}

/// Where a new year's draft starts.
#[derive(Debug, Deserialize, ToSchema)]
pub struct StartBody {
    /// The year whose rulebook to carry over (default: the latest before; with none, the
    /// built-in model).
    pub from: Option<i32>,
}

/// The text to try or publish (default: the saved draft).
#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct MaybeTextBody {
    pub text: Option<String>,
}

/// A published version and how it differs from the rulebook in force before.
#[derive(Debug, Serialize, ToSchema)]
pub struct PublishedRulebookDto {
    pub year: i32,
    pub version: i32,
    /// What assessments under it cite.
    pub rulebook_version: String,
    pub changes: Vec<String>,
    pub changes_en: Vec<String>,
}

/// A version's text (null when that version withdrew the file).
#[derive(Debug, Serialize, ToSchema)]
pub struct VersionTextDto {
    pub version: i32,
    pub text: Option<String>,
}

pub(crate) fn problem_dto(e: &PackError) -> ProblemDto {
    ProblemDto {
        line: e.line,
        column: e.column,
        message: e.message_zh.clone(),
        message_en: e.message_en.clone(),
        source_line: e.source_line.clone(),
    }
}

pub(crate) fn version_dto(i: &LayerItem) -> VersionDto {
    VersionDto {
        version: i.version,
        present: i.present,
        author: i.author.clone(),
        created_at: i.created_at.to_rfc3339(),
    }
}

fn summary(s: &Scoped<'_>, year: i32, own: bool) -> Result<RulebookSummaryDto, ApiError> {
    let book = s.layer_parts().rulebook(year).ok_or(DomainError::NotFound)?;
    Ok(RulebookSummaryDto { year, title: book.title.clone(), version: book.version.clone(), own })
}

/// The draft's text, or the text given.
async fn text_or_draft(s: &Scoped<'_>, year: i32, body: MaybeTextBody) -> Result<String, ApiError> {
    match body.text {
        Some(t) => Ok(t),
        None => Ok(s.layer_draft(&rulebooks::path(year)).await?.ok_or(DomainError::NotFound)?.body),
    }
}

/// The years with a rulebook in force.
#[utoipa::path(get, path = "/rulebooks", tag = "rulebooks", responses(
    (status = 200, body = Vec<RulebookSummaryDto>), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    ApiUser(u): ApiUser,
) -> Result<Json<Vec<RulebookSummaryDto>>, ApiError> {
    let s = u.scoped(&state);
    let years = rulebooks::years(&s)?;
    Ok(Json(years.into_iter().map(|(y, own)| summary(&s, y, own)).collect::<Result<_, _>>()?))
}

/// A year's rulebook in force, its draft (for those who may change it) and its versions.
#[utoipa::path(get, path = "/rulebooks/{year}", tag = "rulebooks", params(("year" = i32, Path)), responses(
    (status = 200, body = RulebookDto), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
    (status = 404, body = ErrorBody)))]
pub async fn one(
    State(state): State<AppState>,
    ApiUser(u): ApiUser,
    Path(year): Path<i32>,
) -> Result<Json<RulebookDto>, ApiError> {
    let s = u.scoped(&state);
    let (text, own) = rulebooks::text_in_force(&s, year)?.ok_or(DomainError::NotFound)?;
    let draft = s.layer_draft(&rulebooks::path(year)).await.ok().flatten().map(|d| d.body);
    let versions = s.layer_history(&rulebooks::path(year)).await?.iter().map(version_dto).collect();
    Ok(Json(RulebookDto { summary: summary(&s, year, own)?, text, draft, versions }))
}

/// Starts (or restarts) the year's draft from another year's rulebook or the built-in model.
#[utoipa::path(post, path = "/rulebooks/{year}/draft/start", tag = "rulebooks", params(("year" = i32, Path)), request_body = StartBody, responses(
    (status = 201, body = DraftDto), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
    (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn start(
    State(state): State<AppState>,
    ApiUser(u): ApiUser,
    Path(year): Path<i32>,
    Json(b): Json<StartBody>,
) -> Result<(StatusCode, Json<DraftDto>), ApiError> {
    let s = u.scoped(&state);
    let top = figures::org(None, &s).await?;
    let text = rulebooks::start_text(&s, year, b.from, &top.name)?;
    let problems = s.save_layer_draft(&rulebooks::path(year), &text).await?;
    Ok((StatusCode::CREATED, Json(DraftDto { text, problems: problems.iter().map(problem_dto).collect() })))
}

/// Saves the year's draft (kept even while it has problems; they are listed).
#[utoipa::path(put, path = "/rulebooks/{year}/draft", tag = "rulebooks", params(("year" = i32, Path)), request_body = TextBody, responses(
    (status = 200, body = DraftDto), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
    (status = 422, body = ErrorBody)))]
pub async fn save_draft(
    State(state): State<AppState>,
    ApiUser(u): ApiUser,
    Path(year): Path<i32>,
    Json(b): Json<TextBody>,
) -> Result<Json<DraftDto>, ApiError> {
    let s = u.scoped(&state);
    let problems = s.save_layer_draft(&rulebooks::path(year), &b.text).await?;
    Ok(Json(DraftDto { text: b.text, problems: problems.iter().map(problem_dto).collect() }))
}

/// 试算: the current data scored under the draft (or the text given); nothing is published.
#[utoipa::path(post, path = "/rulebooks/{year}/trial", tag = "rulebooks", params(("year" = i32, Path), AssessQuery), request_body = MaybeTextBody, responses(
    (status = 200, body = AssessmentDto), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
    (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn trial(
    State(state): State<AppState>,
    ApiUser(u): ApiUser,
    Path(year): Path<i32>,
    Query(q): Query<AssessQuery>,
    body: Option<Json<MaybeTextBody>>,
) -> Result<Json<AssessmentDto>, ApiError> {
    let s = u.scoped(&state);
    let text = text_or_draft(&s, year, body.map(|b| b.0).unwrap_or_default()).await?;
    let org = figures::org(q.org, &s).await?;
    Ok(Json(assessment_dto(&s.trial_assessment(&rulebooks::path(year), &text, org.id).await?, org.id)))
}

/// Publishes the draft (or the text given) as the year's rulebook in force: a new version,
/// checked with everything it uses, audited.
#[utoipa::path(post, path = "/rulebooks/{year}/publish", tag = "rulebooks", params(("year" = i32, Path)), request_body = MaybeTextBody, responses(
    (status = 201, body = PublishedRulebookDto), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
    (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn publish(
    State(state): State<AppState>,
    ApiUser(u): ApiUser,
    Path(year): Path<i32>,
    body: Option<Json<MaybeTextBody>>,
) -> Result<(StatusCode, Json<PublishedRulebookDto>), ApiError> {
    let s = u.scoped(&state);
    let text = text_or_draft(&s, year, body.map(|b| b.0).unwrap_or_default()).await?;
    let (item, changes) = rulebooks::publish(&s, year, &text).await?;
    Ok((
        StatusCode::CREATED,
        Json(PublishedRulebookDto {
            year,
            version: item.version,
            rulebook_version: kaohe_store::rulebook_version(year, item.version),
            changes: changes.iter().map(|c| c.zh.clone()).collect(),
            changes_en: changes.iter().map(|c| c.en.clone()).collect(),
        }),
    ))
}

/// One published version's text.
#[utoipa::path(get, path = "/rulebooks/{year}/versions/{version}", tag = "rulebooks", params(("year" = i32, Path), ("version" = i32, Path)), responses(
    (status = 200, body = VersionTextDto), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
    (status = 404, body = ErrorBody)))]
pub async fn version(
    State(state): State<AppState>,
    ApiUser(u): ApiUser,
    Path((year, version)): Path<(i32, i32)>,
) -> Result<Json<VersionTextDto>, ApiError> {
    let s = u.scoped(&state);
    let text = s.layer_version_text(&rulebooks::path(year), version).await?;
    Ok(Json(VersionTextDto { version, text }))
}
