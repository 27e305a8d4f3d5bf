//! Bulk writes for imports: existing records are found by natural key in batches, new ones are
//! inserted many rows per statement, changed ones updated, unchanged ones left alone.

use super::codec::{self, sealed_json};
use super::records::{self, Stamp};
use super::schema::table;
use crate::StoreError;
use kaohe_domain::OrgId;
use kaohe_domain::protect::Protector;
use kaohe_domain::record::{RecordId, Values};
use kaohe_domain::registry::RegistryDef;
use sea_orm::ConnectionTrait;
use sea_orm::sea_query::{Alias, Query};
use std::collections::HashMap;

/// What a bulk write did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct BulkReport {
    pub created: usize,
    pub updated: usize,
    pub unchanged: usize,
}

/// One checked row to write.
pub struct BulkRow {
    pub org: OrgId,
    pub values: Values,
    pub nk: String,
}

const BATCH: usize = 400;

/// Writes the rows: inserts new natural keys, updates changed existing records (`existing` maps
/// natural keys to live records), reports progress after each batch.
pub async fn write<C: ConnectionTrait>(
    conn: &C,
    reg: &RegistryDef,
    rows: Vec<BulkRow>,
    existing: &HashMap<String, (RecordId, i64, OrgId)>,
    stamp: &Stamp<'_>,
    p: &dyn Protector,
    progress: &(dyn Fn(usize) + Sync),
) -> Result<BulkReport, StoreError> {
    let mut report = BulkReport::default();
    let mut done = 0;
    let mut fresh = Vec::new();
    for row in rows {
        match existing.get(&row.nk) {
            None => fresh.push(row),
            Some((id, version, org)) => {
                let current = records::get(conn, reg, *id, p)
                    .await?
                    .ok_or_else(|| StoreError::Corrupt("record vanished".into()))?;
                let same = *org == row.org
                    && reg.fields.iter().all(|f| {
                        codec::canonical(current.values.get(&f.key).unwrap_or(&kaohe_domain::record::Value::Null))
                            == codec::canonical(row.values.get(&f.key).unwrap_or(&kaohe_domain::record::Value::Null))
                    });
                if same {
                    report.unchanged += 1;
                } else {
                    records::update(conn, reg, *id, *version, row.org, &row.values, stamp, p).await?;
                    report.updated += 1;
                }
                done += 1;
                if done % BATCH == 0 {
                    progress(done);
                }
            }
        }
    }
    // SQLite's default page cache (2 MiB) is far smaller than the indexes a large import
    // updates, so it would read and write the same pages again and again: give the writing
    // connection a larger one (it keeps it; memory is only taken as pages are used).
    if fresh.len() >= ANALYZE_AFTER && conn.get_database_backend() == sea_orm::DatabaseBackend::Sqlite {
        conn.execute_unprepared(&format!("PRAGMA cache_size = -{SQLITE_CACHE_KIB}")).await?;
    }
    for chunk in fresh.chunks(BATCH) {
        insert_many(conn, reg, chunk, stamp, p).await?;
        report.created += chunk.len();
        done += chunk.len();
        progress(done);
    }
    // PostgreSQL keeps a generic plan for a prepared statement; the natural-key lookup's plan,
    // made while the table was small, scans the whole table. After a large write, refresh the
    // table's statistics (which also drops the cached plans) so later lookups use the index.
    if report.created >= ANALYZE_AFTER && conn.get_database_backend() == sea_orm::DatabaseBackend::Postgres {
        conn.execute_unprepared(&format!("ANALYZE {}", table(&reg.key))).await?;
    }
    if report.created > 0 {
        super::versions::bump(conn, &reg.key).await?;
    }
    Ok(report)
}

/// Rows created by one write after which PostgreSQL's statistics of the table are refreshed (and
/// from which SQLite gets the larger page cache).
const ANALYZE_AFTER: usize = 1000;

/// SQLite page cache for large writes, in KiB.
const SQLITE_CACHE_KIB: i64 = 65_536;

async fn insert_many<C: ConnectionTrait>(
    conn: &C,
    reg: &RegistryDef,
    rows: &[BulkRow],
    s: &Stamp<'_>,
    p: &dyn Protector,
) -> Result<(), StoreError> {
    let mut cols = vec!["org_id", "nk", "version", "created_at", "updated_at", "created_by", "updated_by"]
        .into_iter()
        .map(String::from)
        .collect::<Vec<_>>();
    for f in &reg.fields {
        for (c, _) in codec::to_columns(f, &kaohe_domain::record::Value::Null, p) {
            cols.push(c);
        }
    }
    let mut q = Query::insert();
    q.into_table(Alias::new(table(&reg.key))).columns(cols.iter().map(Alias::new));
    for r in rows {
        let mut vals: Vec<sea_orm::Value> = vec![
            r.org.0.into(),
            r.nk.clone().into(),
            1i64.into(),
            s.at.into(),
            s.at.into(),
            s.actor.to_owned().into(),
            s.actor.to_owned().into(),
        ];
        for f in &reg.fields {
            for (_, v) in codec::to_columns(f, r.values.get(&f.key).unwrap_or(&kaohe_domain::record::Value::Null), p) {
                vals.push(v);
            }
        }
        q.values_panic(vals.into_iter().map(Into::into));
    }
    q.returning_col(Alias::new("id"));
    let ids = conn.query_all_raw(conn.get_database_backend().build(&q)).await?;
    let mut h = Query::insert();
    h.into_table(Alias::new("record_history"))
        .columns(["registry", "record_id", "version", "at", "actor", "action", "data"].map(Alias::new));
    for (r, idrow) in rows.iter().zip(ids) {
        let id: i64 = idrow.try_get_by_index(0)?;
        h.values_panic([
            reg.key.clone().into(),
            id.into(),
            1i64.into(),
            s.at.into(),
            s.actor.to_owned().into(),
            "import".into(),
            sealed_json(reg, &r.values, p).into(),
        ]);
    }
    conn.execute_raw(conn.get_database_backend().build(&h)).await?;
    Ok(())
}
