//! Registry tables generated from pack definitions (see docs/decisions/0003): one table per
//! registry, `r_<key>`, with typed columns `f_<field>` (and `h_<field>`, a keyed fingerprint, for
//! personal data). Created at start; a field added to the pack becomes a new column; a changed
//! column type is refused with a clear message rather than guessed at.

use crate::StoreError;
use kaohe_domain::registry::{FieldDef, FieldType, RegistryDef};
use sea_orm::sea_query::{Alias, ColumnDef, ForeignKey, Index, IndexCreateStatement, Table};
use sea_orm::{ConnectionTrait, Statement};
use std::collections::BTreeMap;

/// The table of a registry.
pub fn table(reg: &str) -> String {
    format!("r_{reg}")
}

/// The column of a field.
pub fn column(field: &str) -> String {
    format!("f_{field}")
}

/// The fingerprint column of a personal-data field.
pub fn hash_column(field: &str) -> String {
    format!("h_{field}")
}

/// The storage type of a field: personal data is stored sealed, as text.
pub fn sql_type(f: &FieldDef) -> &'static str {
    if f.sensitive {
        return "sealed";
    }
    match f.ty {
        FieldType::Integer | FieldType::Money | FieldType::Decimal | FieldType::Org => "bigint",
        FieldType::Date => "date",
        FieldType::Bool => "bool",
        _ => "text",
    }
}

fn column_def(name: String, sql: &str) -> ColumnDef {
    let mut c = ColumnDef::new(Alias::new(name));
    match sql {
        "bigint" => c.big_integer(),
        "date" => c.date(),
        "bool" => c.boolean(),
        _ => c.text(),
    };
    c.null();
    c
}

async fn known_columns<C: ConnectionTrait>(conn: &C, reg: &str) -> Result<BTreeMap<String, String>, StoreError> {
    let backend = conn.get_database_backend();
    let sql = match backend {
        sea_orm::DatabaseBackend::Postgres => "SELECT field, sql_type FROM registry_columns WHERE registry = $1",
        _ => "SELECT field, sql_type FROM registry_columns WHERE registry = ?",
    };
    let rows = conn.query_all_raw(Statement::from_sql_and_values(backend, sql, [reg.into()])).await?;
    rows.into_iter().map(|r| Ok((r.try_get::<String>("", "field")?, r.try_get::<String>("", "sql_type")?))).collect()
}

async fn remember<C: ConnectionTrait>(conn: &C, reg: &str, f: &FieldDef) -> Result<(), StoreError> {
    let backend = conn.get_database_backend();
    let sql = match backend {
        sea_orm::DatabaseBackend::Postgres => {
            "INSERT INTO registry_columns (registry, field, sql_type, sensitive) VALUES ($1, $2, $3, $4)"
        }
        _ => "INSERT INTO registry_columns (registry, field, sql_type, sensitive) VALUES (?, ?, ?, ?)",
    };
    let values = [reg.into(), f.key.as_str().into(), sql_type(f).into(), f.sensitive.into()];
    conn.execute_raw(Statement::from_sql_and_values(backend, sql, values)).await?;
    Ok(())
}

/// Creates or extends the tables of every registry so they match the definitions.
pub async fn sync<C: ConnectionTrait>(conn: &C, registries: &[RegistryDef]) -> Result<(), StoreError> {
    let backend = conn.get_database_backend();
    for reg in registries {
        let known = known_columns(conn, &reg.key).await?;
        let t = Alias::new(table(&reg.key));
        if known.is_empty() {
            let mut create = Table::create();
            create
                .table(t.clone())
                .if_not_exists()
                .col(ColumnDef::new(Alias::new("id")).big_integer().not_null().auto_increment().primary_key())
                .col(ColumnDef::new(Alias::new("org_id")).big_integer().not_null())
                .col(ColumnDef::new(Alias::new("nk")).string_len(200).not_null())
                .col(ColumnDef::new(Alias::new("version")).big_integer().not_null())
                .col(ColumnDef::new(Alias::new("created_at")).timestamp_with_time_zone().not_null())
                .col(ColumnDef::new(Alias::new("updated_at")).timestamp_with_time_zone().not_null())
                .col(ColumnDef::new(Alias::new("created_by")).string_len(64).not_null())
                .col(ColumnDef::new(Alias::new("updated_by")).string_len(64).not_null())
                .col(ColumnDef::new(Alias::new("deleted_at")).timestamp_with_time_zone().null())
                .foreign_key(
                    ForeignKey::create().from(t.clone(), Alias::new("org_id")).to(Alias::new("orgs"), Alias::new("id")),
                );
            for f in &reg.fields {
                create.col(column_def(column(&f.key), sql_type(f)));
                if f.sensitive {
                    create.col(column_def(hash_column(&f.key), "text"));
                }
            }
            conn.execute_raw(backend.build(&create)).await?;
            let name = table(&reg.key);
            conn.execute_raw(backend.build(&index(&reg.key, format!("{name}_nk"), &["nk"], true))).await?;
            conn.execute_raw(backend.build(&index(&reg.key, format!("{name}_org"), &["org_id", "id"], false))).await?;
            for f in reg.fields.iter().filter(|f| f.sensitive) {
                let h = hash_column(&f.key);
                conn.execute_raw(backend.build(&index(&reg.key, format!("{name}_{h}"), &[h.as_str()], false))).await?;
            }
            for f in &reg.fields {
                remember(conn, &reg.key, f).await?;
            }
            continue;
        }
        for f in &reg.fields {
            match known.get(&f.key) {
                Some(t) if t == sql_type(f) => {}
                Some(t) => {
                    return Err(StoreError::Corrupt(format!(
                        "台账“{}”字段“{}”的存储类型由 {t} 改为 {},不能自动迁移 / registry {} field {} changed storage type from {t} to {}; migrate it by hand",
                        reg.key,
                        f.key,
                        sql_type(f),
                        reg.key,
                        f.key,
                        sql_type(f)
                    )));
                }
                None => {
                    let alter =
                        Table::alter().table(t.clone()).add_column(column_def(column(&f.key), sql_type(f))).to_owned();
                    conn.execute_raw(backend.build(&alter)).await?;
                    if f.sensitive {
                        let alter = Table::alter()
                            .table(t.clone())
                            .add_column(column_def(hash_column(&f.key), "text"))
                            .to_owned();
                        conn.execute_raw(backend.build(&alter)).await?;
                    }
                    remember(conn, &reg.key, f).await?;
                }
            }
        }
    }
    // Sort indexes: made when the table is made and when a pack marks a field later (a large
    // table takes a while, once).
    for reg in registries {
        create_sort_indexes(conn, reg).await?;
    }
    Ok(())
}

fn sort_index_name(reg: &str, column: &str) -> String {
    format!("{}_{column}", table(reg))
}

/// Creates the registry's sort indexes that do not exist (see [`drop_sort_indexes`]).
pub async fn create_sort_indexes<C: ConnectionTrait>(conn: &C, reg: &RegistryDef) -> Result<(), StoreError> {
    let backend = conn.get_database_backend();
    for f in reg.fields.iter().filter(|f| f.indexed && !f.sensitive) {
        let c = column(&f.key);
        let i = index(&reg.key, sort_index_name(&reg.key, &c), &[c.as_str(), "id"], false).if_not_exists().to_owned();
        conn.execute_raw(backend.build(&i)).await?;
    }
    Ok(())
}

/// Drops the registry's sort indexes, so a bulk load into an empty table does not maintain them
/// row by row; [`create_sort_indexes`] builds them again in one pass afterwards.
pub async fn drop_sort_indexes<C: ConnectionTrait>(conn: &C, reg: &RegistryDef) -> Result<(), StoreError> {
    let backend = conn.get_database_backend();
    for f in reg.fields.iter().filter(|f| f.indexed && !f.sensitive) {
        let name = sort_index_name(&reg.key, &column(&f.key));
        // SQLite and PostgreSQL both name indexes per schema: no table clause.
        let mut d = Index::drop();
        d.name(name).if_exists();
        conn.execute_raw(backend.build(&d)).await?;
    }
    Ok(())
}

fn index(reg: &str, name: String, cols: &[&str], unique: bool) -> IndexCreateStatement {
    let mut i = Index::create();
    i.name(name).table(Alias::new(table(reg)));
    for c in cols {
        i.col(Alias::new(*c));
    }
    if unique {
        i.unique();
    }
    i
}
