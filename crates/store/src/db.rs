//! Opening a database: SQLite (WAL, synchronous=FULL, foreign keys, busy timeout) or PostgreSQL,
//! picked by the URL's scheme.

use crate::StoreError;
use sea_orm::sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous};
use sea_orm::{ConnectOptions, Database, DatabaseBackend, DatabaseConnection};
use std::time::Duration;

/// The engines kaohe runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    /// The engine behind a connection.
    pub fn of(db: &DatabaseConnection) -> Self {
        match db.get_database_backend() {
            DatabaseBackend::Postgres => Backend::Postgres,
            _ => Backend::Sqlite,
        }
    }
}

/// Connects to `url`. For SQLite the file (and its folder) is created if missing.
pub async fn connect(url: &str) -> Result<DatabaseConnection, StoreError> {
    let mut opts = ConnectOptions::new(url.to_owned());
    opts.sqlx_logging(false).connect_timeout(Duration::from_secs(10));
    if url.starts_with("sqlite:") {
        if let Some(dir) = sqlite_file(url).and_then(|p| std::path::Path::new(&p).parent().map(|d| d.to_path_buf()))
            && !dir.as_os_str().is_empty()
        {
            crate::private_files::create_dir(&dir)
                .map_err(|e| StoreError::Corrupt(format!("cannot create {}: {e}", dir.display())))?;
        }
        // The database file readable by its owner only (SQLite gives its journals the same mode).
        if let Some(file) = sqlite_file(url).filter(|f| !f.is_empty() && !f.starts_with(':')) {
            crate::private_files::touch(std::path::Path::new(&file))
                .map_err(|e| StoreError::Corrupt(format!("cannot create {file}: {e}")))?;
        }
        opts.max_connections(8).map_sqlx_sqlite_opts(|o| {
            o.create_if_missing(true)
                .journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Full)
                .foreign_keys(true)
                .busy_timeout(Duration::from_secs(10))
                // Rows come from sqlx's SQLite worker thread through a bounded channel: at the
                // default 50 the worker stops and is woken again every 50 rows of a page (up to
                // 1,000), two thread switches each time.
                .row_buffer_size(1024)
        });
    } else if !url.starts_with("postgres:") && !url.starts_with("postgresql:") {
        return Err(StoreError::Corrupt(format!(
            "unsupported database URL (use sqlite://… or postgres://…): {}",
            redact_url(url)
        )));
    } else {
        opts.max_connections(16);
    }
    Ok(Database::connect(opts).await?)
}

/// The file path inside a `sqlite://PATH?…` URL, if it names a file.
fn sqlite_file(url: &str) -> Option<String> {
    let rest = url.strip_prefix("sqlite://").or_else(|| url.strip_prefix("sqlite:"))?;
    let path = rest.split('?').next()?;
    (!path.is_empty() && path != ":memory:").then(|| path.to_owned())
}

/// The URL with any password replaced by `***`, for messages and `config show`.
pub fn redact_url(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => {
            let creds = &url[s + 3..at];
            match creds.find(':') {
                Some(c) => format!("{}{}:***{}", &url[..s + 3], &creds[..c], &url[at..]),
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}

/// Begins a transaction that writes: on SQLite `BEGIN IMMEDIATE`, so it takes the write lock at
/// once and waits its turn (busy timeout) instead of failing with "database is locked" when it
/// would have to upgrade a read lock another writer made stale; on PostgreSQL a plain `BEGIN`.
/// Inside a transaction it opens a savepoint.
pub(crate) async fn begin_write<C: sea_orm::TransactionTrait>(c: &C) -> Result<C::Transaction, sea_orm::DbErr> {
    c.begin_with_options(sea_orm::TransactionOptions {
        sqlite_transaction_mode: Some(sea_orm::SqliteTransactionMode::Immediate),
        ..Default::default()
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_are_hidden() {
        assert_eq!(redact_url("postgres://u:secret@h/db"), "postgres://u:***@h/db");
        assert_eq!(redact_url("postgres://u@h/db"), "postgres://u@h/db");
        assert_eq!(sqlite_file("sqlite://./kaohe-data/kaohe.db?mode=rwc").as_deref(), Some("./kaohe-data/kaohe.db"));
    }
}
