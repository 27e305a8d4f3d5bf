//! Reading a backup back: a first pass checks everything (format, MAC, tables and columns against
//! this database, every value, every file's hash) and changes nothing; the second pass replaces
//! the content in one write transaction, so a failure at any row leaves the database as it was.

use super::catalog::{self, Kind, TableInfo, quote};
use super::format::{BackupKey, Item, LineReader, bind_value};
use super::{BackupSummary, refused};
use crate::audit::{self, Event};
use crate::{Backend, Store, StoreError};
use flate2::read::GzDecoder;
use kaohe_domain::Actor;
use kaohe_domain::audit::AuditAction;
use sea_orm::{ConnectionTrait, DatabaseTransaction, Statement};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::io::BufReader;
use std::path::Path;

/// Bound values per INSERT, under both engines' limits.
const MAX_PARAMS: usize = 30_000;

fn open(path: &Path, key: &BackupKey) -> Result<LineReader<BufReader<GzDecoder<std::fs::File>>>, StoreError> {
    let file = std::fs::File::open(path).map_err(|e| {
        refused(format!("无法打开备份文件 {} / cannot open the backup {}: {e}", path.display(), path.display()))
    })?;
    Ok(LineReader::new(BufReader::with_capacity(1 << 20, GzDecoder::new(file)), key))
}

/// This database's tables by name.
async fn targets(store: &Store) -> Result<BTreeMap<String, TableInfo>, StoreError> {
    Ok(catalog::tables(&store.db).await?.into_iter().map(|t| (t.name.clone(), t)).collect())
}

/// The target kinds of a backup table's columns, in the backup's order; refused when the table
/// or a column is missing here or differs in kind.
fn plan_table(
    targets: &BTreeMap<String, TableInfo>,
    table: &str,
    columns: &[String],
    kinds: &[String],
    line: u64,
) -> Result<Vec<Kind>, StoreError> {
    let target = targets.get(table).ok_or_else(|| {
        refused(format!(
            "备份第{line}行:本数据库没有表 {table}(安装与备份时相同的业务包后再恢复) / backup line {line}: this database has no table {table} (install the pack the backup was made with)"
        ))
    })?;
    if columns.len() != kinds.len() || columns.len() != target.columns.len() {
        return Err(refused(format!(
            "备份第{line}行:表 {table} 的列与本数据库不同 / backup line {line}: table {table} has other columns than this database's"
        )));
    }
    columns
        .iter()
        .zip(kinds)
        .map(|(c, k)| match target.columns.iter().find(|(name, _)| name == c) {
            Some((_, kind)) if kind.name() == k => Ok(*kind),
            _ => Err(refused(format!(
                "备份第{line}行:表 {table} 的列 {c}({k})与本数据库不符 / backup line {line}: column {c} ({k}) of table {table} does not match this database"
            ))),
        })
        .collect()
}

/// The first pass: every line read and checked; nothing changed.
pub(super) async fn check(store: &Store, path: &Path, key: &BackupKey) -> Result<BackupSummary, StoreError> {
    let mut r = open(path, key)?;
    let header = r.header().map_err(refused)?;
    let here = catalog::migrations(&store.db).await?;
    if header.migrations != here {
        return Err(refused(format!(
            "备份来自另一版本的数据库结构(迁移 {} 个,本库 {} 个) / the backup was made by another schema version ({} migrations, this database has {}); restore it with the kaohe version that made it",
            header.migrations.len(),
            here.len(),
            header.migrations.len(),
            here.len()
        )));
    }
    let targets = targets(store).await?;
    let mut counted = BackupSummary::default();
    let mut current: Option<(String, Vec<Kind>)> = None;
    loop {
        match r.next_item().map_err(refused)? {
            Item::Table(head) => {
                let kinds = plan_table(&targets, &head.table, &head.columns, &head.kinds, r.line_no)?;
                counted.tables.insert(head.table.clone(), 0);
                current = Some((head.table, kinds));
            }
            Item::Row(values) => {
                let line = r.line_no;
                let (table, kinds) = current.as_ref().ok_or_else(|| {
                    refused(format!("备份第{line}行:数据行前没有表头 / backup line {line}: a row before any table"))
                })?;
                if values.len() != kinds.len() {
                    return Err(refused(format!(
                        "备份第{line}行:应有{}列,实有{}列 / backup line {line}: {} values where table {table} has {} columns",
                        kinds.len(),
                        values.len(),
                        values.len(),
                        kinds.len()
                    )));
                }
                for (i, (v, k)) in values.iter().zip(kinds).enumerate() {
                    bind_value(v, *k).map_err(|e| {
                        refused(format!("备份第{line}行第{}列:{e} / backup line {line}, column {}: {e}", i + 1, i + 1))
                    })?;
                }
                *counted.tables.entry(table.clone()).or_default() += 1;
            }
            Item::File(f) => {
                let bytes = decode_file(&f.data, r.line_no)?;
                if hex::encode(Sha256::digest(&bytes)) != f.file {
                    return Err(refused(format!(
                        "备份第{}行:附件 {} 的内容与其哈希不符 / backup line {}: file {} does not match its hash",
                        r.line_no, f.file, r.line_no, f.file
                    )));
                }
                counted.files += 1;
            }
            Item::End(end) => {
                if end.tables != counted.tables || end.files != counted.files {
                    return Err(refused(
                        "备份的行数与结束行记载的不符 / the backup's row counts differ from its end line".into(),
                    ));
                }
                return Ok(counted);
            }
        }
    }
}

fn decode_file(data: &str, line: u64) -> Result<Vec<u8>, StoreError> {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.decode(data).map_err(|_| {
        refused(format!("备份第{line}行:附件内容无法解码 / backup line {line}: a file's content cannot be decoded"))
    })
}

async fn count(store: &Store, table: &str) -> Result<i64, StoreError> {
    let sql = format!("SELECT COUNT(*) FROM {}", quote(table));
    let row = store.db.query_one_raw(Statement::from_string(store.db.get_database_backend(), sql)).await?;
    Ok(row.map(|r| r.try_get_by_index::<i64>(0)).transpose()?.unwrap_or(0))
}

pub(super) async fn restore(
    store: &Store,
    path: &Path,
    key: &BackupKey,
    replace: bool,
) -> Result<BackupSummary, StoreError> {
    let summary = check(store, path, key).await?;
    if !replace && (count(store, "orgs").await? > 0 || count(store, "users").await? > 0) {
        return Err(refused(
            "本数据库已有数据;请恢复到空数据库,或确认覆盖(--replace) / this database already holds data; restore into an empty database or pass --replace to overwrite it".into(),
        ));
    }
    let txn = crate::db::begin_write(&store.db).await?;
    // Children first, so no foreign key is left dangling while the old rows go.
    let ordered = catalog::tables(&txn).await?;
    let targets: BTreeMap<String, TableInfo> = ordered.iter().map(|t| (t.name.clone(), t.clone())).collect();
    for t in ordered.iter().rev() {
        txn.execute_unprepared(&format!("DELETE FROM {}", quote(&t.name))).await?;
    }
    // Everyone signed out, and no job of the old database left for a user who now has its id.
    for t in ["sessions", "job_files", "jobs"] {
        txn.execute_unprepared(&format!("DELETE FROM {t}")).await?;
    }

    let mut r = open(path, key)?;
    r.header().map_err(refused)?;
    let mut batch = Batch::default();
    loop {
        match r.next_item().map_err(refused)? {
            Item::Table(head) => {
                batch.flush(&txn).await?;
                let kinds = plan_table(&targets, &head.table, &head.columns, &head.kinds, r.line_no)?;
                batch = Batch { table: head.table, columns: head.columns, kinds, rows: Vec::new() };
            }
            Item::Row(values) => {
                let row = values
                    .iter()
                    .zip(&batch.kinds)
                    .map(|(v, k)| bind_value(v, *k))
                    .collect::<Result<Vec<_>, _>>()
                    .map_err(|e| refused(format!("backup line {}: {e}", r.line_no)))?;
                batch.rows.push(row);
                if batch.rows.len() * batch.columns.len().max(1) >= MAX_PARAMS {
                    batch.flush(&txn).await?;
                }
            }
            Item::File(f) => write_file(store, &f.file, &decode_file(&f.data, r.line_no)?)?,
            Item::End(_) => {
                batch.flush(&txn).await?;
                break;
            }
        }
    }
    if store.backend() == Backend::Postgres {
        for t in ordered.iter().filter(|t| t.has_int_id()) {
            let name = quote(&t.name);
            let sql = format!(
                "SELECT setval(pg_get_serial_sequence('{}', 'id'), (SELECT COALESCE(MAX(id), 0) + 1 FROM {name}), false)",
                name.replace('\'', "''")
            );
            txn.execute_unprepared(&sql).await?;
        }
    }
    let event = Event {
        action: AuditAction::Import,
        entity: "backup",
        entity_id: None,
        scope: None,
        summary: format!("restore: {} rows, {} files", summary.rows(), summary.files),
    };
    audit::record(&txn, store.clock.now(), &Actor::Operator, event, None, None).await?;
    txn.commit().await?;
    forget_snapshot_files(store);
    Ok(summary)
}

/// Rows waiting to be inserted into one table.
#[derive(Default)]
struct Batch {
    table: String,
    columns: Vec<String>,
    kinds: Vec<Kind>,
    rows: Vec<Vec<sea_orm::Value>>,
}

impl Batch {
    async fn flush(&mut self, txn: &DatabaseTransaction) -> Result<(), StoreError> {
        if self.rows.is_empty() {
            return Ok(());
        }
        let backend = txn.get_database_backend();
        let cols = self.columns.iter().map(|c| quote(c)).collect::<Vec<_>>().join(", ");
        let mut sql = format!("INSERT INTO {} ({cols}) VALUES ", quote(&self.table));
        let mut values = Vec::with_capacity(self.rows.len() * self.columns.len());
        for (i, row) in self.rows.drain(..).enumerate() {
            sql.push_str(if i == 0 { "(" } else { ", (" });
            for (j, v) in row.into_iter().enumerate() {
                values.push(v);
                if j > 0 {
                    sql.push_str(", ");
                }
                match backend {
                    sea_orm::DatabaseBackend::Postgres => sql.push_str(&format!("${}", values.len())),
                    _ => sql.push('?'),
                }
            }
            sql.push(')');
        }
        txn.execute_raw(Statement::from_sql_and_values(backend, sql, values)).await?;
        Ok(())
    }
}

/// Puts an uploaded file back (files are named by their hash, so an existing one is the same).
fn write_file(store: &Store, sha: &str, bytes: &[u8]) -> Result<(), StoreError> {
    let dir = store.files_dir.as_deref().ok_or_else(|| StoreError::Corrupt("no folder for files".into()))?;
    let path = dir.join(sha);
    if path.exists() {
        return Ok(());
    }
    crate::private_files::create_dir(dir)?;
    let tmp = dir.join(format!("{sha}.part"));
    crate::private_files::write(&tmp, bytes)?;
    std::fs::rename(tmp, path)?;
    Ok(())
}

/// Deletes the engine's snapshot files: they describe the database as it was.
fn forget_snapshot_files(store: &Store) {
    let Some(dir) = store.snapshot_dir() else { return };
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for e in entries.flatten() {
        let name = e.file_name();
        let name = name.to_string_lossy();
        if name.starts_with("snapshot-") && name.ends_with(".bin") {
            std::fs::remove_file(e.path()).ok();
        }
    }
}
