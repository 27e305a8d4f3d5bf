//! Per-registry change counters (table `registry_version`), read with the other counters by
//! `snapshot::Versions`.

use crate::StoreError;
use sea_orm::{ConnectionTrait, Statement};

/// Marks a registry changed; call inside the writing transaction.
pub async fn bump<C: ConnectionTrait>(conn: &C, registry: &str) -> Result<(), StoreError> {
    let backend = conn.get_database_backend();
    let sql = "INSERT INTO registry_version (registry, version) VALUES ($1, 1) \
               ON CONFLICT (registry) DO UPDATE SET version = registry_version.version + 1";
    let sql = if backend == sea_orm::DatabaseBackend::Sqlite { sql.replace("$1", "?") } else { sql.to_owned() };
    conn.execute_raw(Statement::from_sql_and_values(backend, sql, [registry.into()])).await?;
    Ok(())
}
