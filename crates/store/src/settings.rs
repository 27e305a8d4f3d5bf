//! Installation settings kept in the `meta` table (shared by every server process).

use crate::StoreError;
use sea_orm::{ConnectionTrait, Statement};

/// The year pages show figures for by default.
pub const ASSESSMENT_YEAR: &str = "assessment_year";

/// A setting's value, if set.
pub async fn get<C: ConnectionTrait>(conn: &C, key: &str) -> Result<Option<i64>, StoreError> {
    let backend = conn.get_database_backend();
    let sql = if backend == sea_orm::DatabaseBackend::Sqlite {
        "SELECT value FROM meta WHERE key = ?"
    } else {
        "SELECT value FROM meta WHERE key = $1"
    };
    let row = conn.query_one_raw(Statement::from_sql_and_values(backend, sql, [key.into()])).await?;
    Ok(row.map(|r| r.try_get_by_index::<i64>(0)).transpose()?)
}

/// Sets a setting.
pub async fn set<C: ConnectionTrait>(conn: &C, key: &str, value: i64) -> Result<(), StoreError> {
    let backend = conn.get_database_backend();
    let sql = "INSERT INTO meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = $2";
    let sql = if backend == sea_orm::DatabaseBackend::Sqlite {
        sql.replace("$1", "?1").replace("$2", "?2")
    } else {
        sql.to_owned()
    };
    conn.execute_raw(Statement::from_sql_and_values(backend, sql, [key.into(), value.into()])).await?;
    bump_data(conn).await
}

/// Marks the assessment inputs changed (targets, published assessments, submissions, settings):
/// the `data_version` counter in `meta`, which the dashboard's cache is checked against. Call
/// inside the writing transaction.
pub(crate) async fn bump_data<C: ConnectionTrait>(conn: &C) -> Result<(), StoreError> {
    conn.execute_unprepared(
        "INSERT INTO meta (key, value) VALUES ('data_version', 1) \
         ON CONFLICT (key) DO UPDATE SET value = meta.value + 1",
    )
    .await?;
    Ok(())
}
