//! Targets and published assessments in the database. Unscoped — only [`crate::Scoped`] calls it.

use crate::StoreError;
use chrono::{DateTime, Utc};
use kaohe_domain::OrgId;
use kaohe_domain::indicator::Number;
use sea_orm::sea_query::{Alias, Expr, ExprTrait, OnConflict, Order, Query};
use sea_orm::{ConnectionTrait, QueryResult};

/// Targets are stored × 10,000.
const SCALE: u32 = 4;

fn col(name: &str) -> Expr {
    Expr::col(Alias::new(name))
}

/// One assigned target.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Target {
    pub org_id: OrgId,
    pub item: String,
    pub value: Number,
    pub assigned_by: String,
    pub assigned_at: DateTime<Utc>,
}

/// The stored form of a target; `None` when it has more than four decimals.
pub fn to_e4(v: Number) -> Option<i64> {
    let scaled = v.checked_mul(Number::int(10_000))?;
    scaled.is_integer().then(|| i64::try_from(scaled.numer()).ok()).flatten()
}

/// The year's targets of these orgs.
pub async fn targets<C: ConnectionTrait>(conn: &C, year: i32, orgs: &[OrgId]) -> Result<Vec<Target>, StoreError> {
    let mut out = Vec::new();
    for chunk in orgs.chunks(500) {
        let q = Query::select()
            .columns(["org_id", "item", "value_e4", "assigned_by", "assigned_at"].map(Alias::new))
            .from(Alias::new("targets"))
            .and_where(col("year").eq(year))
            .and_where(col("org_id").is_in(chunk.iter().map(|o| o.0)))
            .order_by(Alias::new("org_id"), Order::Asc)
            .order_by(Alias::new("item"), Order::Asc)
            .to_owned();
        for r in conn.query_all_raw(conn.get_database_backend().build(&q)).await? {
            out.push(Target {
                org_id: OrgId(r.try_get("", "org_id")?),
                item: r.try_get("", "item")?,
                value: Number::fixed(i128::from(r.try_get::<i64>("", "value_e4")?), SCALE),
                assigned_by: r.try_get("", "assigned_by")?,
                assigned_at: r.try_get("", "assigned_at")?,
            });
        }
    }
    Ok(out)
}

/// Sets (or replaces) one target.
pub async fn upsert_target<C: ConnectionTrait>(
    conn: &C,
    year: i32,
    org: OrgId,
    item: &str,
    value_e4: i64,
    by: &str,
    at: DateTime<Utc>,
) -> Result<(), StoreError> {
    let q = Query::insert()
        .into_table(Alias::new("targets"))
        .columns(["year", "org_id", "item", "value_e4", "assigned_by", "assigned_at"].map(Alias::new))
        .values_panic([year.into(), org.0.into(), item.into(), value_e4.into(), by.into(), at.into()])
        .on_conflict(
            OnConflict::columns(["year", "org_id", "item"].map(Alias::new))
                .update_columns(["value_e4", "assigned_by", "assigned_at"].map(Alias::new))
                .to_owned(),
        )
        .to_owned();
    conn.execute_raw(conn.get_database_backend().build(&q)).await?;
    crate::settings::bump_data(conn).await
}

/// A published assessment's heading.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Published {
    pub year: i32,
    pub org_id: OrgId,
    pub version: i32,
    pub rulebook_version: String,
    pub published_at: DateTime<Utc>,
    pub published_by: String,
    /// SHA-256 of the content, checked when it is read back.
    pub digest: String,
}

fn published(r: &QueryResult) -> Result<Published, StoreError> {
    Ok(Published {
        year: r.try_get("", "year")?,
        org_id: OrgId(r.try_get("", "org_id")?),
        version: r.try_get("", "version")?,
        rulebook_version: r.try_get("", "rulebook_version")?,
        published_at: r.try_get("", "published_at")?,
        published_by: r.try_get("", "published_by")?,
        digest: r.try_get("", "digest")?,
    })
}

const HEAD: [&str; 7] = ["year", "org_id", "version", "rulebook_version", "published_at", "published_by", "digest"];

/// Every published version for a year and org, oldest first.
pub async fn list<C: ConnectionTrait>(conn: &C, year: i32, org: OrgId) -> Result<Vec<Published>, StoreError> {
    let q = Query::select()
        .columns(HEAD.map(Alias::new))
        .from(Alias::new("assessments"))
        .and_where(col("year").eq(year))
        .and_where(col("org_id").eq(org.0))
        .order_by(Alias::new("version"), Order::Asc)
        .to_owned();
    conn.query_all_raw(conn.get_database_backend().build(&q)).await?.iter().map(published).collect()
}

/// One published version with its content (JSON).
pub async fn get<C: ConnectionTrait>(
    conn: &C,
    year: i32,
    org: OrgId,
    version: i32,
) -> Result<Option<(Published, String)>, StoreError> {
    let q = Query::select()
        .columns(HEAD.map(Alias::new))
        .column(Alias::new("content"))
        .from(Alias::new("assessments"))
        .and_where(col("year").eq(year))
        .and_where(col("org_id").eq(org.0))
        .and_where(col("version").eq(version))
        .to_owned();
    match conn.query_one_raw(conn.get_database_backend().build(&q)).await? {
        Some(r) => Ok(Some((published(&r)?, r.try_get("", "content")?))),
        None => Ok(None),
    }
}

/// Stores a new version; the unique (year, org, version) index refuses a concurrent duplicate.
pub async fn insert<C: ConnectionTrait>(conn: &C, p: &Published, content: &str) -> Result<(), StoreError> {
    let q = Query::insert()
        .into_table(Alias::new("assessments"))
        .columns(HEAD.iter().chain(&["content"]).map(|c| Alias::new(*c)))
        .values_panic([
            p.year.into(),
            p.org_id.0.into(),
            p.version.into(),
            p.rulebook_version.as_str().into(),
            p.published_at.into(),
            p.published_by.as_str().into(),
            p.digest.as_str().into(),
            content.into(),
        ])
        .to_owned();
    conn.execute_raw(conn.get_database_backend().build(&q)).await?;
    crate::settings::bump_data(conn).await
}
