//! Per-registry change counters (table `registry_version`), read by the engine's snapshot cache.

use crate::StoreError;
use sea_orm::{ConnectionTrait, Statement};
use std::collections::BTreeMap;

/// Marks a registry changed; call inside the writing transaction.
pub async fn bump<C: ConnectionTrait>(conn: &C, registry: &str) -> Result<(), StoreError> {
    let backend = conn.get_database_backend();
    let sql = "INSERT INTO registry_version (registry, version) VALUES ($1, 1) \
               ON CONFLICT (registry) DO UPDATE SET version = registry_version.version + 1";
    let sql = if backend == sea_orm::DatabaseBackend::Sqlite { sql.replace("$1", "?") } else { sql.to_owned() };
    conn.execute_raw(Statement::from_sql_and_values(backend, sql, [registry.into()])).await?;
    Ok(())
}

/// Every registry's counter (a registry never written has none).
pub async fn all<C: ConnectionTrait>(conn: &C) -> Result<BTreeMap<String, i64>, StoreError> {
    let rows = conn
        .query_all_raw(Statement::from_string(
            conn.get_database_backend(),
            "SELECT registry, version FROM registry_version",
        ))
        .await?;
    let mut out = BTreeMap::new();
    for r in rows {
        out.insert(r.try_get_by_index::<String>(0)?, r.try_get_by_index::<i64>(1)?);
    }
    Ok(out)
}
