//! Submissions, their history and evidence rows in the database. Unscoped — only
//! [`crate::Scoped`] calls it.

use crate::StoreError;
use chrono::{DateTime, Utc};
use kaohe_domain::OrgId;
use kaohe_domain::indicator::Number;
use kaohe_domain::submission::State;
use sea_orm::sea_query::{Alias, Expr, ExprTrait, Order, Query};
use sea_orm::{ConnectionTrait, QueryResult};
use std::collections::BTreeMap;

fn col(name: &str) -> Expr {
    Expr::col(Alias::new(name))
}

/// One submission.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Submission {
    pub id: i64,
    pub year: i32,
    pub org_id: OrgId,
    pub request: String,
    pub state: State,
    /// Manual figures by indicator key.
    pub values: BTreeMap<String, Number>,
    pub narrative: String,
    /// Submitted after the deadline.
    pub late: bool,
    pub submitted_at: Option<DateTime<Utc>>,
    pub return_reason: Option<String>,
    pub version: i64,
    pub updated_by: String,
    pub updated_at: DateTime<Utc>,
}

/// A step of a submission's history.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Event {
    pub at: DateTime<Utc>,
    pub actor: String,
    pub step: String,
    pub note: Option<String>,
}

/// An evidence file's row.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct EvidenceFile {
    pub id: i64,
    pub submission_id: i64,
    pub file_name: String,
    pub mime: String,
    pub size: i64,
    pub sha256: String,
    pub uploaded_by: String,
    pub uploaded_at: DateTime<Utc>,
}

/// Values as stored: exact fractions as text.
pub fn values_json(values: &BTreeMap<String, Number>) -> String {
    let m: BTreeMap<&str, String> = values.iter().map(|(k, v)| (k.as_str(), v.exact())).collect();
    serde_json::to_string(&m).unwrap_or_else(|_| "{}".into())
}

fn parse_exact(s: &str) -> Option<Number> {
    match s.split_once('/') {
        Some((a, b)) => Number::new(a.parse().ok()?, b.parse().ok()?),
        None => Number::new(s.parse().ok()?, 1),
    }
}

const COLUMNS: [&str; 13] = [
    "id",
    "year",
    "org_id",
    "request",
    "state",
    "values_json",
    "narrative",
    "late",
    "submitted_at",
    "return_reason",
    "version",
    "updated_by",
    "updated_at",
];

fn read(r: &QueryResult) -> Result<Submission, StoreError> {
    let state: String = r.try_get("", "state")?;
    let json: String = r.try_get("", "values_json")?;
    let raw: BTreeMap<String, String> =
        serde_json::from_str(&json).map_err(|e| StoreError::Corrupt(format!("submission values: {e}")))?;
    Ok(Submission {
        id: r.try_get("", "id")?,
        year: r.try_get("", "year")?,
        org_id: OrgId(r.try_get("", "org_id")?),
        request: r.try_get("", "request")?,
        state: State::from_code(&state).ok_or_else(|| StoreError::Corrupt(format!("submission state {state}")))?,
        values: raw.into_iter().filter_map(|(k, v)| parse_exact(&v).map(|n| (k, n))).collect(),
        narrative: r.try_get("", "narrative")?,
        late: r.try_get("", "late")?,
        submitted_at: r.try_get("", "submitted_at")?,
        return_reason: r.try_get("", "return_reason")?,
        version: r.try_get("", "version")?,
        updated_by: r.try_get("", "updated_by")?,
        updated_at: r.try_get("", "updated_at")?,
    })
}

/// Submissions matching a condition, by id.
async fn find<C: ConnectionTrait>(conn: &C, cond: sea_orm::Condition) -> Result<Vec<Submission>, StoreError> {
    let q = Query::select()
        .columns(COLUMNS.map(Alias::new))
        .from(Alias::new("submissions"))
        .cond_where(cond)
        .order_by(Alias::new("id"), Order::Asc)
        .to_owned();
    conn.query_all_raw(conn.get_database_backend().build(&q)).await?.iter().map(read).collect()
}

/// One submission by year, org and request.
pub async fn get<C: ConnectionTrait>(
    conn: &C,
    year: i32,
    org: OrgId,
    request: &str,
) -> Result<Option<Submission>, StoreError> {
    let cond = sea_orm::Condition::all()
        .add(col("year").eq(year))
        .add(col("org_id").eq(org.0))
        .add(col("request").eq(request));
    Ok(find(conn, cond).await?.pop())
}

/// The year's submissions of these orgs (every state, or only `state`).
pub async fn of_orgs<C: ConnectionTrait>(
    conn: &C,
    year: Option<i32>,
    orgs: &[OrgId],
    state: Option<State>,
) -> Result<Vec<Submission>, StoreError> {
    let mut out = Vec::new();
    for chunk in orgs.chunks(500) {
        let mut cond = sea_orm::Condition::all().add(col("org_id").is_in(chunk.iter().map(|o| o.0)));
        if let Some(y) = year {
            cond = cond.add(col("year").eq(y));
        }
        if let Some(s) = state {
            cond = cond.add(col("state").eq(s.code()));
        }
        out.extend(find(conn, cond).await?);
    }
    Ok(out)
}

/// Every submission in `state`, whatever its org.
pub async fn in_state<C: ConnectionTrait>(conn: &C, state: State) -> Result<Vec<Submission>, StoreError> {
    find(conn, sea_orm::Condition::all().add(col("state").eq(state.code()))).await
}

/// Every approved submission of a year.
pub async fn approved_in<C: ConnectionTrait>(conn: &C, year: i32) -> Result<Vec<Submission>, StoreError> {
    let cond = sea_orm::Condition::all().add(col("year").eq(year)).add(col("state").eq(State::Approved.code()));
    find(conn, cond).await
}

/// Inserts or replaces a submission (by year, org, request); returns its id.
pub async fn write<C: ConnectionTrait>(conn: &C, s: &Submission) -> Result<i64, StoreError> {
    let values: Vec<sea_orm::Value> = vec![
        s.year.into(),
        s.org_id.0.into(),
        s.request.as_str().into(),
        s.state.code().into(),
        values_json(&s.values).into(),
        s.narrative.as_str().into(),
        s.late.into(),
        s.submitted_at.into(),
        s.return_reason.clone().into(),
        s.version.into(),
        s.updated_by.as_str().into(),
        s.updated_at.into(),
    ];
    let backend = conn.get_database_backend();
    crate::settings::bump_data(conn).await?;
    if s.id == 0 {
        let q = Query::insert()
            .into_table(Alias::new("submissions"))
            .columns(COLUMNS[1..].iter().map(|c| Alias::new(*c)))
            .values_panic(values.into_iter().map(Into::into))
            .returning_col(Alias::new("id"))
            .to_owned();
        let row = conn.query_one_raw(backend.build(&q)).await?.ok_or_else(|| StoreError::Corrupt("no id".into()))?;
        return Ok(row.try_get_by_index(0)?);
    }
    let mut q = Query::update();
    q.table(Alias::new("submissions"));
    for (c, v) in COLUMNS[1..].iter().zip(values) {
        q.value(Alias::new(*c), v);
    }
    // Optimistic: the row must still be at the version read.
    q.and_where(col("id").eq(s.id)).and_where(col("version").eq(s.version - 1));
    let done = conn.execute_raw(backend.build(&q)).await?;
    if done.rows_affected() == 0 {
        return Err(kaohe_domain::DomainError::Conflict(
            "填报已被他人修改,请刷新后重试 / the submission was changed by someone else; reload and try again".into(),
        )
        .into());
    }
    Ok(s.id)
}

/// Appends a step to the history.
pub async fn log<C: ConnectionTrait>(
    conn: &C,
    id: i64,
    at: DateTime<Utc>,
    actor: &str,
    step: &str,
    note: Option<&str>,
) -> Result<(), StoreError> {
    let q = Query::insert()
        .into_table(Alias::new("submission_events"))
        .columns(["submission_id", "at", "actor", "step", "note"].map(Alias::new))
        .values_panic([id.into(), at.into(), actor.into(), step.into(), note.map(str::to_owned).into()])
        .to_owned();
    conn.execute_raw(conn.get_database_backend().build(&q)).await?;
    Ok(())
}

/// A submission's history, oldest first.
pub async fn history<C: ConnectionTrait>(conn: &C, id: i64) -> Result<Vec<Event>, StoreError> {
    let q = Query::select()
        .columns(["at", "actor", "step", "note"].map(Alias::new))
        .from(Alias::new("submission_events"))
        .and_where(col("submission_id").eq(id))
        .order_by(Alias::new("id"), Order::Asc)
        .to_owned();
    conn.query_all_raw(conn.get_database_backend().build(&q))
        .await?
        .iter()
        .map(|r| {
            Ok(Event {
                at: r.try_get("", "at")?,
                actor: r.try_get("", "actor")?,
                step: r.try_get("", "step")?,
                note: r.try_get("", "note")?,
            })
        })
        .collect()
}

/// Records an evidence file.
pub async fn add_evidence<C: ConnectionTrait>(conn: &C, e: &EvidenceFile) -> Result<(), StoreError> {
    let q = Query::insert()
        .into_table(Alias::new("evidence"))
        .columns(["submission_id", "file_name", "mime", "size", "sha256", "uploaded_by", "uploaded_at"].map(Alias::new))
        .values_panic([
            e.submission_id.into(),
            e.file_name.as_str().into(),
            e.mime.as_str().into(),
            e.size.into(),
            e.sha256.as_str().into(),
            e.uploaded_by.as_str().into(),
            e.uploaded_at.into(),
        ])
        .to_owned();
    conn.execute_raw(conn.get_database_backend().build(&q)).await?;
    Ok(())
}

const EVIDENCE_COLUMNS: [&str; 8] =
    ["id", "submission_id", "file_name", "mime", "size", "sha256", "uploaded_by", "uploaded_at"];

fn read_evidence(r: &QueryResult) -> Result<EvidenceFile, StoreError> {
    Ok(EvidenceFile {
        id: r.try_get("", "id")?,
        submission_id: r.try_get("", "submission_id")?,
        file_name: r.try_get("", "file_name")?,
        mime: r.try_get("", "mime")?,
        size: r.try_get("", "size")?,
        sha256: r.try_get("", "sha256")?,
        uploaded_by: r.try_get("", "uploaded_by")?,
        uploaded_at: r.try_get("", "uploaded_at")?,
    })
}

/// A submission's evidence files.
pub async fn evidence<C: ConnectionTrait>(conn: &C, submission: i64) -> Result<Vec<EvidenceFile>, StoreError> {
    let q = Query::select()
        .columns(EVIDENCE_COLUMNS.map(Alias::new))
        .from(Alias::new("evidence"))
        .and_where(col("submission_id").eq(submission))
        .order_by(Alias::new("id"), Order::Asc)
        .to_owned();
    conn.query_all_raw(conn.get_database_backend().build(&q)).await?.iter().map(read_evidence).collect()
}

/// One evidence row and the org of its submission.
pub async fn evidence_by_id<C: ConnectionTrait>(
    conn: &C,
    id: i64,
) -> Result<Option<(EvidenceFile, OrgId)>, StoreError> {
    let q = Query::select()
        .columns(EVIDENCE_COLUMNS.map(Alias::new))
        .from(Alias::new("evidence"))
        .and_where(col("id").eq(id))
        .to_owned();
    let Some(r) = conn.query_one_raw(conn.get_database_backend().build(&q)).await? else { return Ok(None) };
    let e = read_evidence(&r)?;
    let q = Query::select()
        .column(Alias::new("org_id"))
        .from(Alias::new("submissions"))
        .and_where(col("id").eq(e.submission_id))
        .to_owned();
    let org = conn
        .query_one_raw(conn.get_database_backend().build(&q))
        .await?
        .ok_or_else(|| StoreError::Corrupt("evidence without submission".into()))?;
    Ok(Some((e, OrgId(org.try_get("", "org_id")?))))
}
