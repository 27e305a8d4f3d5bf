//! Column choices remembered per registry and org: what a user confirmed on an import there (the
//! headers left out, the header row), offered on the next import.

use crate::StoreError;
use chrono::{DateTime, Utc};
use kaohe_domain::OrgId;
use sea_orm::ConnectionTrait;
use sea_orm::sea_query::{Alias, Expr, ExprTrait, OnConflict, Query};

/// The choices of an import's columns.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ColumnChoice {
    /// Headers left out.
    pub ignore: Vec<String>,
    /// The header's row number, when the user gave it (else found by kaohe).
    pub header_row: Option<usize>,
}

fn col(name: &str) -> Expr {
    Expr::col(Alias::new(name))
}

/// The choice remembered for `registry` at `org`.
pub(crate) async fn get<C: ConnectionTrait>(
    conn: &C,
    org: OrgId,
    registry: &str,
) -> Result<Option<ColumnChoice>, StoreError> {
    let q = Query::select()
        .columns(["ignored_headers", "header_row"].map(Alias::new))
        .from(Alias::new("import_choices"))
        .and_where(col("org_id").eq(org.0))
        .and_where(col("registry").eq(registry))
        .to_owned();
    let Some(r) = conn.query_one_raw(conn.get_database_backend().build(&q)).await? else { return Ok(None) };
    let ignore: String = r.try_get("", "ignored_headers")?;
    let header_row: Option<i32> = r.try_get("", "header_row")?;
    Ok(Some(ColumnChoice {
        ignore: ignore.lines().filter(|l| !l.is_empty()).map(str::to_owned).collect(),
        header_row: header_row.and_then(|n| usize::try_from(n).ok()),
    }))
}

/// Remembers (or replaces) the choice for `registry` at `org`.
pub(crate) async fn put<C: ConnectionTrait>(
    conn: &C,
    org: OrgId,
    registry: &str,
    choice: &ColumnChoice,
    author: &str,
    at: DateTime<Utc>,
) -> Result<(), StoreError> {
    // A header holds no line break (they are folded on reading), so one per line round-trips.
    let ignore = choice.ignore.iter().map(|h| h.replace(['\n', '\r'], " ")).collect::<Vec<_>>().join("\n");
    let header_row = choice.header_row.and_then(|n| i32::try_from(n).ok());
    let q = Query::insert()
        .into_table(Alias::new("import_choices"))
        .columns(["org_id", "registry", "ignored_headers", "header_row", "author", "updated_at"].map(Alias::new))
        .values_panic([org.0.into(), registry.into(), ignore.into(), header_row.into(), author.into(), at.into()])
        .on_conflict(
            OnConflict::columns([Alias::new("org_id"), Alias::new("registry")])
                .update_columns(["ignored_headers", "header_row", "author", "updated_at"].map(Alias::new))
                .to_owned(),
        )
        .to_owned();
    conn.execute_raw(conn.get_database_backend().build(&q)).await?;
    Ok(())
}
