//! The federation's own layer over the built-in pack (ADR 0013): rulebooks, indicators, report
//! templates and holiday notices written in the app, kept in the database as pack files, each
//! change a new version. Every process keeps the composed result in memory and checks the
//! `layer_version` counter in `meta` (one tiny query) to pick up another process's change.
//! Unscoped storage — only [`crate::Scoped`] writes.

use crate::{Store, StoreError};
use chrono::{DateTime, Utc};
use kaohe_domain::calendar::WorkCalendar;
use kaohe_domain::pack::{LayerKind, Layered, PackError, overlay};
use sea_orm::sea_query::{Alias, Expr, ExprTrait, OnConflict, Order, Query};
use sea_orm::{ConnectionTrait, QueryResult};
use std::collections::BTreeMap;
use std::sync::{Arc, RwLock};

/// The counter in `meta` bumped by every change to the layer.
const LAYER_VERSION: &str = "layer_version";

/// What assessments under the federation's `version` of the year's rulebook cite.
pub fn rulebook_version(year: i32, version: i32) -> String {
    format!("{year}-v{version}")
}

/// What is in force: the built-in pack with the federation's published files laid over it.
pub struct Current {
    /// The `layer_version` counter this was composed at.
    pub version: i64,
    pub parts: Layered,
    pub calendar: Arc<dyn WorkCalendar>,
    /// The published files in force: path → (version, text).
    pub files: BTreeMap<String, (i32, String)>,
}

impl Current {
    fn base(parts: Layered) -> Self {
        let calendar = Arc::new(parts.calendar.clone());
        Current { version: -1, parts, calendar, files: BTreeMap::new() }
    }
}

/// The composed layer a store's clones share.
#[derive(Clone)]
pub(crate) struct LayerCell {
    /// The built-in parts (and the data folder's templates and notices) the layer lies over.
    base: Arc<Layered>,
    current: Arc<RwLock<Arc<Current>>>,
    reload: Arc<tokio::sync::Mutex<()>>,
}

impl LayerCell {
    pub(crate) fn new(base: Layered) -> Self {
        let current = Arc::new(RwLock::new(Arc::new(Current::base(base.clone()))));
        Self { base: Arc::new(base), current, reload: Default::default() }
    }

    pub(crate) fn base(&self) -> &Layered {
        &self.base
    }

    pub(crate) fn current(&self) -> Arc<Current> {
        self.current.read().unwrap_or_else(|p| p.into_inner()).clone()
    }

    fn set(&self, c: Current) {
        *self.current.write().unwrap_or_else(|p| p.into_inner()) = Arc::new(c);
    }
}

/// One published version of a layer file.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct LayerItem {
    pub path: String,
    pub version: i32,
    /// False when this version withdrew the file.
    pub present: bool,
    pub author: String,
    pub created_at: DateTime<Utc>,
}

/// A draft being edited (one per file).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct LayerDraft {
    pub path: String,
    pub body: String,
    pub author: String,
    pub updated_at: DateTime<Utc>,
}

fn col(name: &str) -> Expr {
    Expr::col(Alias::new(name))
}

fn item(r: &QueryResult) -> Result<LayerItem, StoreError> {
    Ok(LayerItem {
        path: r.try_get("", "path")?,
        version: r.try_get("", "version")?,
        present: r.try_get::<Option<String>>("", "body")?.is_some(),
        author: r.try_get("", "author")?,
        created_at: r.try_get("", "created_at")?,
    })
}

/// The latest version of every file ever published: (item, text; `None` when withdrawn).
pub(crate) async fn latest<C: ConnectionTrait>(conn: &C) -> Result<Vec<(LayerItem, Option<String>)>, StoreError> {
    let sql = "SELECT p.path, p.version, p.body, p.author, p.created_at FROM pack_items p \
               WHERE p.version = (SELECT MAX(q.version) FROM pack_items q WHERE q.path = p.path) ORDER BY p.path";
    let rows = conn.query_all_raw(sea_orm::Statement::from_string(conn.get_database_backend(), sql)).await?;
    rows.iter().map(|r| Ok((item(r)?, r.try_get("", "body")?))).collect()
}

/// Every version of one file, oldest first.
pub(crate) async fn history<C: ConnectionTrait>(conn: &C, path: &str) -> Result<Vec<LayerItem>, StoreError> {
    let q = Query::select()
        .columns(["path", "version", "body", "author", "created_at"].map(Alias::new))
        .from(Alias::new("pack_items"))
        .and_where(col("path").eq(path))
        .order_by(Alias::new("version"), Order::Asc)
        .to_owned();
    conn.query_all_raw(conn.get_database_backend().build(&q)).await?.iter().map(item).collect()
}

/// One version's text (`Some(None)`: that version withdrew the file).
pub(crate) async fn body<C: ConnectionTrait>(
    conn: &C,
    path: &str,
    version: i32,
) -> Result<Option<Option<String>>, StoreError> {
    let q = Query::select()
        .column(Alias::new("body"))
        .from(Alias::new("pack_items"))
        .and_where(col("path").eq(path))
        .and_where(col("version").eq(version))
        .to_owned();
    match conn.query_one_raw(conn.get_database_backend().build(&q)).await? {
        Some(r) => Ok(Some(r.try_get("", "body")?)),
        None => Ok(None),
    }
}

/// Stores the next version of a file (`None`: withdrawn) and bumps the layer's counter; the
/// unique (path, version) index refuses a concurrent duplicate.
pub(crate) async fn insert<C: ConnectionTrait>(
    conn: &C,
    path: &str,
    text: Option<&str>,
    author: &str,
    at: DateTime<Utc>,
) -> Result<i32, StoreError> {
    let version = history(conn, path).await?.last().map_or(1, |i| i.version + 1);
    let q = Query::insert()
        .into_table(Alias::new("pack_items"))
        .columns(["path", "version", "body", "author", "created_at"].map(Alias::new))
        .values_panic([path.into(), version.into(), text.map(str::to_owned).into(), author.into(), at.into()])
        .to_owned();
    if let Err(e) = conn.execute_raw(conn.get_database_backend().build(&q)).await {
        return Err(match e.sql_err() {
            Some(sea_orm::SqlErr::UniqueConstraintViolation(_)) => kaohe_domain::DomainError::Conflict(format!(
                "{path} 刚被他人发布了新版本,请刷新后再试 / {path} was just published by someone else: reload and try again"
            ))
            .into(),
            _ => e.into(),
        });
    }
    delete_draft(conn, path).await?;
    conn.execute_unprepared(&format!(
        "INSERT INTO meta (key, value) VALUES ('{LAYER_VERSION}', 1) \
         ON CONFLICT (key) DO UPDATE SET value = meta.value + 1"
    ))
    .await?;
    crate::settings::bump_data(conn).await?;
    Ok(version)
}

/// The draft of a file, if one is being edited.
pub(crate) async fn draft<C: ConnectionTrait>(conn: &C, path: &str) -> Result<Option<LayerDraft>, StoreError> {
    let q = Query::select()
        .columns(["path", "body", "author", "updated_at"].map(Alias::new))
        .from(Alias::new("pack_drafts"))
        .and_where(col("path").eq(path))
        .to_owned();
    let Some(r) = conn.query_one_raw(conn.get_database_backend().build(&q)).await? else { return Ok(None) };
    Ok(Some(LayerDraft {
        path: r.try_get("", "path")?,
        body: r.try_get("", "body")?,
        author: r.try_get("", "author")?,
        updated_at: r.try_get("", "updated_at")?,
    }))
}

/// Every draft's path.
pub(crate) async fn draft_paths<C: ConnectionTrait>(conn: &C) -> Result<Vec<String>, StoreError> {
    let q = Query::select().column(Alias::new("path")).from(Alias::new("pack_drafts")).to_owned();
    let rows = conn.query_all_raw(conn.get_database_backend().build(&q)).await?;
    let mut out: Vec<String> = rows.iter().map(|r| r.try_get("", "path")).collect::<Result<_, _>>()?;
    out.sort();
    Ok(out)
}

/// Saves (or replaces) the draft of a file.
pub(crate) async fn save_draft<C: ConnectionTrait>(
    conn: &C,
    path: &str,
    text: &str,
    author: &str,
    at: DateTime<Utc>,
) -> Result<(), StoreError> {
    let q = Query::insert()
        .into_table(Alias::new("pack_drafts"))
        .columns(["path", "body", "author", "updated_at"].map(Alias::new))
        .values_panic([path.into(), text.into(), author.into(), at.into()])
        .on_conflict(
            OnConflict::column(Alias::new("path"))
                .update_columns(["body", "author", "updated_at"].map(Alias::new))
                .to_owned(),
        )
        .to_owned();
    conn.execute_raw(conn.get_database_backend().build(&q)).await?;
    Ok(())
}

/// Drops the draft of a file.
pub(crate) async fn delete_draft<C: ConnectionTrait>(conn: &C, path: &str) -> Result<(), StoreError> {
    let q = Query::delete().from_table(Alias::new("pack_drafts")).and_where(col("path").eq(path)).to_owned();
    conn.execute_raw(conn.get_database_backend().build(&q)).await?;
    Ok(())
}

impl Store {
    /// What is in force now in this process (see [`Store::refresh_layer`]).
    pub fn layer(&self) -> Arc<Current> {
        self.layer.current()
    }

    /// Picks up changes to the federation's layer made by any process (one tiny query when
    /// nothing changed). Called at the start of every signed-in request and command.
    pub async fn refresh_layer(&self) -> Result<Arc<Current>, StoreError> {
        let now = crate::settings::get(&self.db, LAYER_VERSION).await?.unwrap_or(0);
        let cur = self.layer.current();
        if cur.version == now {
            return Ok(cur);
        }
        let _one_at_a_time = self.layer.reload.lock().await;
        let cur = self.layer.current();
        if cur.version == now {
            return Ok(cur);
        }
        let files: BTreeMap<String, (i32, String)> = latest(&self.db)
            .await?
            .into_iter()
            .filter_map(|(i, text)| text.map(|t| (i.path, (i.version, t))))
            .collect();
        let next = match self.compose(&files) {
            Ok(parts) => {
                let calendar: Arc<dyn WorkCalendar> = Arc::new(parts.calendar.clone());
                Current { version: now, parts, calendar, files }
            }
            Err(errors) => {
                // Checked when published; a newer kaohe may read an old file differently.
                for e in &errors {
                    tracing::error!("the federation's layer is not in force: {e}");
                }
                Current { version: now, ..Current::base(self.layer.base().clone()) }
            }
        };
        self.layer.set(next);
        Ok(self.layer.current())
    }

    /// The built-in parts with `files` laid over them, rulebooks citing the file's version.
    pub(crate) fn compose(&self, files: &BTreeMap<String, (i32, String)>) -> Result<Layered, Vec<PackError>> {
        let texts: Vec<(String, String)> = files.iter().map(|(p, (_, t))| (p.clone(), t.clone())).collect();
        let mut parts = overlay(self.layer.base(), &self.registries, &texts)?;
        for (path, (version, _)) in files {
            if let Some(LayerKind::Rulebook(year)) = LayerKind::of(path)
                && let Some(book) = parts.rulebooks.iter_mut().find(|b| b.year == year)
            {
                book.version = rulebook_version(year, *version);
            }
        }
        Ok(parts)
    }
}
