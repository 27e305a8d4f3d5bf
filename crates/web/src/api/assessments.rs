//! `/api/v1/assessments`: a year's scores of the orgs an org assesses — computed now, or as
//! published (frozen, versioned) — each score with its explanation; publishing (考核办).

use crate::AppState;
use crate::auth::ApiUser;
use crate::error::{ApiError, ErrorBody};
use crate::figures;
use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use kaohe_domain::OrgId;
use kaohe_domain::indicator::Number;
use kaohe_domain::scoring::{Assessment, Change, Direction, OrgResult, VetoEffect, show_points};
use kaohe_store::Published;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// One target item of one org, explained.
#[derive(Debug, Serialize, ToSchema)]
pub struct ItemScoreDto {
    pub section: String,
    pub item: String,
    pub name: String,
    pub indicator: String,
    /// Points the item is worth, in hundredths (1000 = 10.00).
    pub weight: i64,
    /// The actual figure, exact (`573`, `130/179`); null when it cannot be computed.
    pub actual: Option<String>,
    pub target: Option<String>,
    /// Points in hundredths.
    pub points: i64,
    /// `proportional`, `threshold`, `shortfall`, `excess_bonus` or `lower_is_better`.
    pub rule: String,
    /// The arithmetic with the figures filled in.
    pub arithmetic_zh: String,
    pub arithmetic_en: String,
    /// The rulebook clause the rule comes from.
    pub clause: String,
}

/// A veto item checked.
#[derive(Debug, Serialize, ToSchema)]
pub struct VetoDto {
    pub key: String,
    pub name: String,
    pub actual: Option<String>,
    pub violated: bool,
    /// `veto` (一票否决) or `no_award` (不予评先).
    pub effect: String,
    pub clause: String,
}

/// A bonus or deduction applied.
#[derive(Debug, Serialize, ToSchema)]
pub struct AdjustmentDto {
    pub key: String,
    pub name: String,
    /// `bonus` or `deduction`.
    pub direction: String,
    /// Signed points in hundredths.
    pub points: i64,
    pub arithmetic_zh: String,
    pub clause: String,
}

/// One assessed org's scores.
#[derive(Debug, Serialize, ToSchema)]
pub struct OrgScoreDto {
    pub org_id: i64,
    pub org_code: String,
    pub org_name: String,
    pub kind: String,
    /// Item points, bonus, deductions and total, in hundredths.
    pub base: i64,
    pub bonus: i64,
    pub deduction: i64,
    pub total: i64,
    /// The total written out (`96.53`).
    pub total_display: String,
    pub grade: String,
    pub grade_en: String,
    pub vetoed: bool,
    pub no_award: bool,
    /// Rank among peers (same parent, same kind); equal ranks are ties.
    pub rank: usize,
    pub peers: usize,
    pub items: Vec<ItemScoreDto>,
    pub vetoes: Vec<VetoDto>,
    pub adjustments: Vec<AdjustmentDto>,
}

/// A whole assessment.
#[derive(Debug, Serialize, ToSchema)]
pub struct AssessmentDto {
    pub year: i32,
    /// The assessing org.
    pub org_id: i64,
    pub rulebook_version: String,
    pub results: Vec<OrgScoreDto>,
    /// Things the assessment office should look at.
    pub warnings: Vec<String>,
}

/// A published version's heading.
#[derive(Debug, Serialize, ToSchema)]
pub struct PublishedDto {
    pub year: i32,
    pub org_id: i64,
    pub version: i32,
    pub rulebook_version: String,
    pub published_at: String,
    pub published_by: String,
    /// SHA-256 of the frozen content.
    pub digest: String,
}

/// An org whose result changed since the previous version.
#[derive(Debug, Serialize, ToSchema)]
pub struct ChangeDto {
    pub org_id: i64,
    pub org_name: String,
    pub total_before: Option<i64>,
    pub total_after: Option<i64>,
    pub grade_before: Option<String>,
    pub grade_after: Option<String>,
    pub rank_before: Option<usize>,
    pub rank_after: Option<usize>,
    /// The org's name in the earlier version, when it has been renamed since.
    pub renamed_from: Option<String>,
    /// The org's kind before and after (`federation`, `department`, …), when it changed.
    pub kind_before: Option<String>,
    pub kind_after: Option<String>,
    /// Whether the org was moved under another parent.
    pub moved: bool,
}

/// A new version and what changed.
#[derive(Debug, Serialize, ToSchema)]
pub struct PublishDto {
    pub published: PublishedDto,
    pub changes: Vec<ChangeDto>,
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct AssessQuery {
    /// The assessing org (default: the top of the caller's scope).
    pub org: Option<i64>,
}

fn exact(n: Option<Number>) -> Option<String> {
    n.map(Number::exact)
}

fn org_dto(r: &OrgResult) -> OrgScoreDto {
    OrgScoreDto {
        org_id: r.org.org.0,
        org_code: r.org.code.clone(),
        org_name: r.org.name.clone(),
        kind: r.org.kind.code().to_owned(),
        base: r.base,
        bonus: r.bonus,
        deduction: r.deduction,
        total: r.total,
        total_display: show_points(r.total),
        grade: r.grade_zh.clone(),
        grade_en: r.grade_en.clone(),
        vetoed: r.vetoed,
        no_award: r.no_award,
        rank: r.rank,
        peers: r.peers,
        items: r
            .items
            .iter()
            .map(|i| ItemScoreDto {
                section: i.section.clone(),
                item: i.item.clone(),
                name: i.name_zh.clone(),
                indicator: i.indicator.clone(),
                weight: i.weight,
                actual: exact(i.actual),
                target: exact(i.target),
                points: i.points,
                rule: serde_json::to_value(&i.rule)
                    .ok()
                    .and_then(|v| v.get("kind").and_then(|k| k.as_str()).map(str::to_owned))
                    .unwrap_or_default(),
                arithmetic_zh: i.arithmetic_zh.clone(),
                arithmetic_en: i.arithmetic_en.clone(),
                clause: i.clause.clone(),
            })
            .collect(),
        vetoes: r
            .vetoes
            .iter()
            .map(|v| VetoDto {
                key: v.key.clone(),
                name: v.name_zh.clone(),
                actual: exact(v.actual),
                violated: v.violated,
                effect: if v.effect == VetoEffect::Veto { "veto" } else { "no_award" }.to_owned(),
                clause: v.clause.clone(),
            })
            .collect(),
        adjustments: r
            .adjustments
            .iter()
            .map(|a| AdjustmentDto {
                key: a.key.clone(),
                name: a.name_zh.clone(),
                direction: if a.direction == Direction::Bonus { "bonus" } else { "deduction" }.to_owned(),
                points: a.points,
                arithmetic_zh: a.arithmetic_zh.clone(),
                clause: a.clause.clone(),
            })
            .collect(),
    }
}

pub(crate) fn assessment_dto(a: &Assessment, org: OrgId) -> AssessmentDto {
    AssessmentDto {
        year: a.year,
        org_id: org.0,
        rulebook_version: a.rulebook_version.clone(),
        results: a.results.iter().map(org_dto).collect(),
        warnings: a.warnings.clone(),
    }
}

fn published_dto(p: &Published) -> PublishedDto {
    PublishedDto {
        year: p.year,
        org_id: p.org_id.0,
        version: p.version,
        rulebook_version: p.rulebook_version.clone(),
        published_at: p.published_at.to_rfc3339(),
        published_by: p.published_by.clone(),
        digest: p.digest.clone(),
    }
}

fn change_dto(c: &Change) -> ChangeDto {
    ChangeDto {
        org_id: c.org.0,
        org_name: c.name.clone(),
        total_before: c.total.0,
        total_after: c.total.1,
        grade_before: c.grade.0.clone(),
        grade_after: c.grade.1.clone(),
        rank_before: c.rank.0,
        rank_after: c.rank.1,
        renamed_from: c.renamed_from.clone(),
        kind_before: c.kind.map(|k| k.0.code().to_owned()),
        kind_after: c.kind.map(|k| k.1.code().to_owned()),
        moved: c.moved,
    }
}

/// The year's scores of the orgs an org assesses, computed now from the records.
#[utoipa::path(get, path = "/assessments/{year}", tag = "assessments", params(("year" = i32, Path), AssessQuery), responses(
    (status = 200, body = AssessmentDto), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
    (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn current(
    State(state): State<AppState>,
    ApiUser(u): ApiUser,
    Path(year): Path<i32>,
    Query(q): Query<AssessQuery>,
) -> Result<Json<AssessmentDto>, ApiError> {
    let s = u.scoped(&state);
    let org = figures::org(q.org, &s).await?;
    Ok(Json(assessment_dto(&s.assess(year, org.id).await?, org.id)))
}

/// One org's scores, explained, in the assessment of its parent.
#[utoipa::path(get, path = "/assessments/{year}/orgs/{org_id}", tag = "assessments", params(("year" = i32, Path), ("org_id" = i64, Path)), responses(
    (status = 200, body = OrgScoreDto), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
    (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn one_org(
    State(state): State<AppState>,
    ApiUser(u): ApiUser,
    Path((year, org)): Path<(i32, i64)>,
) -> Result<Json<OrgScoreDto>, ApiError> {
    let s = u.scoped(&state);
    Ok(Json(org_dto(&s.assessment_of(year, OrgId(org)).await?)))
}

/// Freezes the assessment as its next version (考核办 only); returns what changed since the last.
#[utoipa::path(post, path = "/assessments/{year}/publish", tag = "assessments", params(("year" = i32, Path), AssessQuery), responses(
    (status = 201, body = PublishDto), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
    (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn publish(
    State(state): State<AppState>,
    ApiUser(u): ApiUser,
    Path(year): Path<i32>,
    Query(q): Query<AssessQuery>,
) -> Result<(StatusCode, Json<PublishDto>), ApiError> {
    let s = u.scoped(&state);
    let org = figures::org(q.org, &s).await?;
    let (p, changes) = s.publish_assessment(year, org.id).await?;
    Ok((
        StatusCode::CREATED,
        Json(PublishDto { published: published_dto(&p), changes: changes.iter().map(change_dto).collect() }),
    ))
}

/// The published versions of a year's assessment.
#[utoipa::path(get, path = "/assessments/{year}/versions", tag = "assessments", params(("year" = i32, Path), AssessQuery), responses(
    (status = 200, body = Vec<PublishedDto>), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
    (status = 404, body = ErrorBody)))]
pub async fn versions(
    State(state): State<AppState>,
    ApiUser(u): ApiUser,
    Path(year): Path<i32>,
    Query(q): Query<AssessQuery>,
) -> Result<Json<Vec<PublishedDto>>, ApiError> {
    let s = u.scoped(&state);
    let org = figures::org(q.org, &s).await?;
    Ok(Json(s.published_assessments(year, org.id).await?.iter().map(published_dto).collect()))
}

/// One published version, as frozen.
#[utoipa::path(get, path = "/assessments/{year}/versions/{version}", tag = "assessments", params(("year" = i32, Path), ("version" = i32, Path), AssessQuery), responses(
    (status = 200, body = AssessmentDto), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
    (status = 404, body = ErrorBody)))]
pub async fn version(
    State(state): State<AppState>,
    ApiUser(u): ApiUser,
    Path((year, version)): Path<(i32, i32)>,
    Query(q): Query<AssessQuery>,
) -> Result<Json<AssessmentDto>, ApiError> {
    let s = u.scoped(&state);
    let org = figures::org(q.org, &s).await?;
    let (_, a) = s.published_assessment(year, org.id, version).await?;
    Ok(Json(assessment_dto(&a, org.id)))
}
