//! What tables and columns a database holds, read from the engine's own catalog, with each
//! column's kind in the backup's engine-neutral terms.

use crate::StoreError;
use sea_orm::{ConnectionTrait, DatabaseBackend, Statement};

/// A column's kind as a backup sees it. Integer widths differ between the engines (SQLite keys
/// are `integer`, PostgreSQL's `bigint`), so both widths compare as the same kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Int32,
    Int64,
    Bool,
    Text,
    Date,
    Timestamp,
    Real,
    Bytes,
}

impl Kind {
    /// The name written in a backup's table header.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Int32 | Kind::Int64 => "int",
            Kind::Bool => "bool",
            Kind::Text => "text",
            Kind::Date => "date",
            Kind::Timestamp => "timestamp",
            Kind::Real => "real",
            Kind::Bytes => "bytes",
        }
    }

    /// A column's kind from its declared SQL type (SQLite's `PRAGMA table_info`, PostgreSQL's
    /// `information_schema.columns.data_type`).
    fn from_sql(declared: &str) -> Kind {
        let t = declared.to_ascii_lowercase();
        if t.contains("timestamp") || t.contains("datetime") {
            Kind::Timestamp
        } else if t.starts_with("date") {
            Kind::Date
        } else if t.contains("bool") {
            Kind::Bool
        } else if t == "bigint" || t.starts_with("int8") || t.contains("big") {
            Kind::Int64
        } else if t.contains("int") {
            Kind::Int32
        } else if t.contains("real") || t.contains("double") || t.contains("float") || t.contains("numeric") {
            Kind::Real
        } else if t.contains("blob") || t.contains("bytea") {
            Kind::Bytes
        } else {
            Kind::Text
        }
    }
}

/// One table: its columns in the engine's order and the tables its foreign keys point at.
#[derive(Debug, Clone)]
pub(crate) struct TableInfo {
    pub name: String,
    pub columns: Vec<(String, Kind)>,
    pub parents: Vec<String>,
}

impl TableInfo {
    /// Whether the table has an integer `id` column to page by.
    pub fn has_int_id(&self) -> bool {
        self.columns.iter().any(|(c, k)| c == "id" && matches!(k, Kind::Int32 | Kind::Int64))
    }
}

/// Tables a backup leaves out: the migration bookkeeping (compared in the header instead),
/// sessions (a restored database starts with everyone signed out) and background jobs (their
/// effects are in the other tables; their progress and files are of the moment).
const LEFT_OUT: [&str; 4] = ["seaql_migrations", "sessions", "jobs", "job_files"];

/// Every table kaohe keeps, in the order a restore inserts them: a table after those its foreign
/// keys point at, otherwise by name.
pub(crate) async fn tables<C: ConnectionTrait>(conn: &C) -> Result<Vec<TableInfo>, StoreError> {
    let backend = conn.get_database_backend();
    let names_sql = match backend {
        DatabaseBackend::Postgres => {
            "SELECT table_name AS name FROM information_schema.tables \
             WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'"
        }
        _ => "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'",
    };
    let mut names: Vec<String> = conn
        .query_all_raw(Statement::from_string(backend, names_sql))
        .await?
        .iter()
        .map(|r| r.try_get::<String>("", "name"))
        .collect::<Result<_, _>>()?;
    names.retain(|n| !LEFT_OUT.contains(&n.as_str()));
    names.sort();
    let mut pending = Vec::with_capacity(names.len());
    for name in names {
        let columns = columns(conn, &name).await?;
        let parents = parents(conn, &name).await?;
        pending.push(TableInfo { name, columns, parents });
    }
    Ok(parents_first(pending))
}

/// Orders tables so each comes after the tables it points at (a table pointing at itself, like
/// the org tree, orders its own rows); a cycle, which kaohe's schema does not have, keeps the
/// remaining tables in name order.
fn parents_first(mut pending: Vec<TableInfo>) -> Vec<TableInfo> {
    let mut out: Vec<TableInfo> = Vec::with_capacity(pending.len());
    while !pending.is_empty() {
        let ready = pending.iter().position(|t| {
            t.parents
                .iter()
                .all(|p| *p == t.name || out.iter().any(|o| o.name == *p) || !pending.iter().any(|q| q.name == *p))
        });
        out.push(pending.remove(ready.unwrap_or(0)));
    }
    out
}

async fn parents<C: ConnectionTrait>(conn: &C, table: &str) -> Result<Vec<String>, StoreError> {
    let backend = conn.get_database_backend();
    let stmt = match backend {
        DatabaseBackend::Postgres => Statement::from_sql_and_values(
            backend,
            "SELECT DISTINCT ccu.table_name::text AS parent FROM information_schema.table_constraints tc \
             JOIN information_schema.constraint_column_usage ccu \
               ON tc.constraint_name = ccu.constraint_name AND tc.table_schema = ccu.table_schema \
             WHERE tc.constraint_type = 'FOREIGN KEY' AND tc.table_schema = current_schema() AND tc.table_name = $1",
            [table.into()],
        ),
        _ => Statement::from_sql_and_values(
            backend,
            "SELECT DISTINCT \"table\" AS parent FROM pragma_foreign_key_list(?)",
            [table.into()],
        ),
    };
    conn.query_all_raw(stmt).await?.iter().map(|r| Ok(r.try_get::<String>("", "parent")?)).collect()
}

async fn columns<C: ConnectionTrait>(conn: &C, table: &str) -> Result<Vec<(String, Kind)>, StoreError> {
    let backend = conn.get_database_backend();
    let stmt = match backend {
        DatabaseBackend::Postgres => Statement::from_sql_and_values(
            backend,
            "SELECT column_name::text AS name, data_type::text AS ty FROM information_schema.columns \
             WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position",
            [table.into()],
        ),
        _ => Statement::from_sql_and_values(
            backend,
            "SELECT name, type AS ty FROM pragma_table_info(?) ORDER BY cid",
            [table.into()],
        ),
    };
    let sqlite = backend != DatabaseBackend::Postgres;
    conn.query_all_raw(stmt)
        .await?
        .iter()
        .map(|r| {
            let kind = match Kind::from_sql(&r.try_get::<String>("", "ty")?) {
                // SQLite stores every integer in 64 bits, whatever the declared type says.
                Kind::Int32 if sqlite => Kind::Int64,
                k => k,
            };
            Ok((r.try_get::<String>("", "name")?, kind))
        })
        .collect()
}

/// The migrations applied to the database, in order.
pub(crate) async fn migrations<C: ConnectionTrait>(conn: &C) -> Result<Vec<String>, StoreError> {
    let backend = conn.get_database_backend();
    let rows = conn
        .query_all_raw(Statement::from_string(backend, "SELECT version FROM seaql_migrations ORDER BY version"))
        .await?;
    Ok(rows.iter().map(|r| r.try_get::<String>("", "version")).collect::<Result<_, _>>()?)
}

/// A quoted identifier (the names come from the catalog, never from a user).
pub(crate) fn quote(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parents_come_first() {
        let t = |name: &str, parents: &[&str]| TableInfo {
            name: name.into(),
            columns: vec![],
            parents: parents.iter().map(|p| p.to_string()).collect(),
        };
        let order = parents_first(vec![
            t("evidence", &["submissions"]),
            t("orgs", &["orgs"]),
            t("submissions", &["orgs"]),
            t("users", &["orgs"]),
        ]);
        let names: Vec<_> = order.iter().map(|t| t.name.as_str()).collect();
        assert_eq!(names, ["orgs", "submissions", "evidence", "users"]);
    }

    #[test]
    fn declared_types_map_to_kinds() {
        for (declared, kind) in [
            ("bigint", Kind::Int64),
            ("integer", Kind::Int32),
            ("varchar(32)", Kind::Text),
            ("character varying", Kind::Text),
            ("text", Kind::Text),
            ("boolean", Kind::Bool),
            ("date_text", Kind::Date),
            ("date", Kind::Date),
            ("timestamp_with_timezone_text", Kind::Timestamp),
            ("timestamp with time zone", Kind::Timestamp),
            ("bytea", Kind::Bytes),
            ("double precision", Kind::Real),
        ] {
            assert_eq!(Kind::from_sql(declared), kind, "{declared}");
        }
    }
}
