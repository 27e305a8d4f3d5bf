//! `kaohe backup` and `kaohe restore`: a logical, engine-neutral copy of every table and uploaded
//! file, taken in one read transaction (a consistent snapshot while the server keeps writing),
//! so a backup made on SQLite restores into PostgreSQL and back. Personal data is copied as it is
//! stored — sealed — so a backup is no more readable than the database, and a restore needs the
//! same master key. See docs/decisions/0008-backup-format.md.

mod catalog;
mod format;
mod restore;

pub use format::BackupKey;

use crate::audit::{self, Event};
use crate::{Store, StoreError};
use catalog::{Kind, TableInfo, quote};
use flate2::Compression;
use flate2::write::GzEncoder;
use format::{End, FileLine, Header, LineWriter, TableHead};
use kaohe_domain::Actor;
use kaohe_domain::audit::AuditAction;
use sea_orm::{AccessMode, ConnectionTrait, DatabaseTransaction, IsolationLevel, Statement, TransactionTrait};
use std::collections::BTreeMap;
use std::io::{BufWriter, Write};
use std::path::Path;

/// Rows read per query when a table is paged by id.
const PAGE: u64 = 5_000;

/// What a backup holds.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BackupSummary {
    /// Rows per table.
    pub tables: BTreeMap<String, u64>,
    /// Uploaded files.
    pub files: u64,
}

impl BackupSummary {
    /// Rows in every table together.
    pub fn rows(&self) -> u64 {
        self.tables.values().sum()
    }
}

fn refused(message: String) -> StoreError {
    StoreError::Backup(message)
}

impl Store {
    /// Writes a backup of the whole database and its uploaded files to `path` (through a
    /// temporary file beside it, so a failed backup leaves nothing). Audited as an export.
    pub async fn backup(&self, path: &Path, key: &BackupKey) -> Result<BackupSummary, StoreError> {
        let part = path.with_extension("part");
        let result = self.write_backup(&part, key).await;
        match result {
            Ok(summary) => {
                std::fs::rename(&part, path)?;
                let event = Event {
                    action: AuditAction::Export,
                    entity: "backup",
                    entity_id: None,
                    scope: None,
                    summary: format!("backup: {} rows, {} files", summary.rows(), summary.files),
                };
                audit::record_alone(&self.db, self.clock.now(), &Actor::Operator, event).await?;
                Ok(summary)
            }
            Err(e) => {
                std::fs::remove_file(&part).ok();
                Err(e)
            }
        }
    }

    async fn write_backup(&self, part: &Path, key: &BackupKey) -> Result<BackupSummary, StoreError> {
        // One snapshot for every table: PostgreSQL's repeatable read; on SQLite (WAL) a read
        // transaction sees the database as of its first read until it ends.
        let txn = match self.backend() {
            crate::Backend::Postgres => {
                self.db.begin_with_config(Some(IsolationLevel::RepeatableRead), Some(AccessMode::ReadOnly)).await?
            }
            crate::Backend::Sqlite => self.db.begin().await?,
        };
        let file = crate::private_files::create(part)?;
        let mut w = LineWriter::new(GzEncoder::new(BufWriter::with_capacity(1 << 20, file), Compression::fast()), key);
        w.line(&Header {
            format: format::FORMAT.into(),
            version: format::VERSION,
            created_at: self.clock.now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            source: match self.backend() {
                crate::Backend::Sqlite => "sqlite".into(),
                crate::Backend::Postgres => "postgres".into(),
            },
            migrations: catalog::migrations(&txn).await?,
        })?;
        let mut summary = BackupSummary::default();
        for table in catalog::tables(&txn).await? {
            let rows = dump_table(&txn, &table, &mut w).await?;
            summary.tables.insert(table.name.clone(), rows);
        }
        summary.files = self.dump_files(&txn, &mut w).await?;
        txn.commit().await?;
        let gz = w.finish(End { tables: summary.tables.clone(), files: summary.files, mac: String::new() })?;
        let mut out = gz.finish()?;
        out.flush()?;
        out.into_inner().map_err(|e| e.into_error())?.sync_all()?;
        Ok(summary)
    }

    /// Copies the uploaded files the snapshot's evidence rows name.
    async fn dump_files<W: Write>(&self, txn: &DatabaseTransaction, w: &mut LineWriter<W>) -> Result<u64, StoreError> {
        let backend = txn.get_database_backend();
        let rows = txn
            .query_all_raw(Statement::from_string(backend, "SELECT DISTINCT sha256 FROM evidence ORDER BY sha256"))
            .await?;
        if rows.is_empty() {
            return Ok(0);
        }
        let dir = self.files_dir.as_deref().ok_or_else(|| StoreError::Corrupt("no folder for files".into()))?;
        let mut n = 0;
        for row in rows {
            let sha: String = row.try_get_by_index(0)?;
            let bytes = std::fs::read(dir.join(&sha)).map_err(|e| {
                refused(format!(
                    "附件文件 {sha} 无法读取,备份未完成 / the uploaded file {sha} cannot be read, so no backup was written: {e}"
                ))
            })?;
            use base64::Engine;
            w.line(&FileLine { file: sha, data: base64::engine::general_purpose::STANDARD.encode(bytes) })?;
            n += 1;
        }
        Ok(n)
    }

    /// Checks a backup end to end (format, MAC, every row against this database's tables)
    /// without changing anything.
    pub async fn check_backup(&self, path: &Path, key: &BackupKey) -> Result<BackupSummary, StoreError> {
        restore::check(self, path, key).await
    }

    /// Replaces this database's content with a backup's, in one transaction, after checking the
    /// whole file first: a truncated, altered or foreign backup changes nothing. Refused when the
    /// database already holds orgs or users unless `replace` is set. Audited as an import.
    pub async fn restore(&self, path: &Path, key: &BackupKey, replace: bool) -> Result<BackupSummary, StoreError> {
        restore::restore(self, path, key, replace).await
    }
}

/// Writes one table's head line and rows; returns the row count.
async fn dump_table<W: Write>(
    txn: &DatabaseTransaction,
    table: &TableInfo,
    w: &mut LineWriter<W>,
) -> Result<u64, StoreError> {
    let backend = txn.get_database_backend();
    w.line(&TableHead {
        table: table.name.clone(),
        columns: table.columns.iter().map(|(c, _)| c.clone()).collect(),
        kinds: table.columns.iter().map(|(_, k)| k.name().to_owned()).collect(),
    })?;
    let cols = table.columns.iter().map(|(c, _)| quote(c)).collect::<Vec<_>>().join(", ");
    let t = quote(&table.name);
    let mut count = 0u64;
    let mut write_rows = |rows: &[sea_orm::QueryResult], w: &mut LineWriter<W>| -> Result<(), StoreError> {
        for row in rows {
            let values = table
                .columns
                .iter()
                .enumerate()
                .map(|(i, (_, kind))| format::read_value(row, i, *kind))
                .collect::<Result<Vec<_>, _>>()?;
            w.line(&values)?;
            count += 1;
        }
        Ok(())
    };
    if table.name == "orgs" {
        // Parents before children, so a restore never inserts an org before its parent.
        let sql = format!("SELECT {cols} FROM {t} ORDER BY depth, id");
        write_rows(&txn.query_all_raw(Statement::from_string(backend, sql)).await?, w)?;
    } else if table.has_int_id() {
        let id_at = table.columns.iter().position(|(c, _)| c == "id").unwrap_or(0);
        let mut after = i64::MIN;
        loop {
            let sql = match backend {
                sea_orm::DatabaseBackend::Postgres => {
                    format!("SELECT {cols} FROM {t} WHERE id > $1 ORDER BY id LIMIT {PAGE}")
                }
                _ => format!("SELECT {cols} FROM {t} WHERE id > ? ORDER BY id LIMIT {PAGE}"),
            };
            let rows = txn.query_all_raw(Statement::from_sql_and_values(backend, sql, [after.into()])).await?;
            let Some(last) = rows.last() else { break };
            after = match table.columns[id_at].1 {
                Kind::Int32 => i64::from(last.try_get_by_index::<i32>(id_at)?),
                _ => last.try_get_by_index::<i64>(id_at)?,
            };
            write_rows(&rows, w)?;
            if (rows.len() as u64) < PAGE {
                break;
            }
        }
    } else {
        // Small tables without an id (settings, bookkeeping): every column orders the rows.
        let order = (1..=table.columns.len()).map(|i| i.to_string()).collect::<Vec<_>>().join(", ");
        let sql = format!("SELECT {cols} FROM {t} ORDER BY {order}");
        write_rows(&txn.query_all_raw(Statement::from_string(backend, sql)).await?, w)?;
    }
    Ok(count)
}
