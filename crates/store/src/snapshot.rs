//! The engine's snapshot of the registries, loaded from the database and kept current: each use
//! reads the org tree's version and the registries' change counters (one small query) and
//! reloads only what changed — in this process or any other server on the same database. Only the
//! columns formulas use are loaded; personal data never is.

use crate::registry::schema::{column, table};
use crate::{Store, StoreError, snapshot_file};
use kaohe_domain::OrgId;
use kaohe_domain::registry::{FieldType, RegistryDef};
use kaohe_engine::{ColumnKind, OrgTree, Snapshot, Table, TableBuilder};
use sea_orm::{ConnectionTrait, DatabaseConnection, Statement};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use tokio::sync::Mutex;

/// The fields each registry's formulas read.
pub type Needs = BTreeMap<String, BTreeSet<String>>;

/// The change counters the caches are checked against: the org tree's, each registry's, and the
/// assessment inputs' (targets, published assessments, submissions, settings).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Versions {
    pub org: i64,
    pub data: i64,
    /// The federation's layer (indicators, rulebooks, templates, holiday notices).
    pub layer: i64,
    pub registries: BTreeMap<String, i64>,
}

impl Versions {
    /// Reads every counter in one query (a registry never written has none).
    pub(crate) async fn read<C: ConnectionTrait>(conn: &C) -> Result<Self, StoreError> {
        let sql = "SELECT '#' || key AS k, value FROM meta WHERE key IN ('org_version', 'data_version', 'layer_version') \
                   UNION ALL SELECT registry, version FROM registry_version";
        let rows = conn.query_all_raw(Statement::from_string(conn.get_database_backend(), sql)).await?;
        let mut out = Versions { org: 0, data: 0, layer: 0, registries: BTreeMap::new() };
        for r in rows {
            let (k, v) = (r.try_get_by_index::<String>(0)?, r.try_get_by_index::<i64>(1)?);
            match k.as_str() {
                "#org_version" => out.org = v,
                "#data_version" => out.data = v,
                "#layer_version" => out.layer = v,
                _ => {
                    out.registries.insert(k, v);
                }
            }
        }
        Ok(out)
    }
}

/// Where everything a computed page shows stood: every change counter and the store's date.
/// Equal stamps mean nothing the page reads has changed (in any process on the database).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DataStamp {
    versions: Versions,
    today: chrono::NaiveDate,
}

impl Store {
    /// The current [`DataStamp`] (one query).
    pub async fn data_stamp(&self) -> Result<DataStamp, StoreError> {
        Ok(DataStamp { versions: Versions::read(&self.db).await?, today: self.today() })
    }
}

/// What is loaded, and at which versions.
struct Loaded {
    org_version: i64,
    /// The layer whose calendar the snapshot counts working days with.
    layer_version: i64,
    versions: BTreeMap<String, i64>,
    fields: Needs,
    snapshot: Arc<Snapshot>,
}

/// The snapshot a store shares between its clones, and counts of where its tables came from.
#[derive(Default, Clone)]
pub struct SnapshotCache(Arc<Mutex<Option<Loaded>>>, Arc<LoadCounts>);

#[derive(Default)]
pub struct LoadCounts {
    from_database: AtomicUsize,
    from_file: AtomicUsize,
}

/// Rows read per query while loading (keyset pages, so memory stays bounded).
const PAGE: i64 = 100_000;

fn kind(reg: &RegistryDef, field: &str) -> Option<ColumnKind> {
    let f = reg.field(field).filter(|f| !f.sensitive)?;
    Some(match f.ty {
        FieldType::Integer | FieldType::Money | FieldType::Decimal | FieldType::Org => ColumnKind::Int,
        FieldType::Date => ColumnKind::Date,
        FieldType::Bool => ColumnKind::Bool,
        _ => ColumnKind::Text,
    })
}

/// Reads a registry's live records' `fields` into a table for `tree`: keyset pages of
/// [`PAGE`] rows, the next page fetched (on another pool connection) while this one is decoded.
pub(crate) async fn load_table(
    conn: &DatabaseConnection,
    reg: &RegistryDef,
    fields: &BTreeSet<String>,
    tree: &OrgTree,
) -> Result<Table, StoreError> {
    let cols: Vec<(String, ColumnKind)> = fields.iter().filter_map(|f| kind(reg, f).map(|k| (f.clone(), k))).collect();
    let mut b = TableBuilder::new(&cols);
    let select: String = cols.iter().map(|(f, _)| format!(", {}", column(f))).collect();
    let backend = conn.get_database_backend();
    let mark = if backend == sea_orm::DatabaseBackend::Sqlite { "?" } else { "$1" };
    let sql = format!(
        "SELECT id, org_id{select} FROM {} WHERE deleted_at IS NULL AND id > {mark} ORDER BY id LIMIT {PAGE}",
        table(&reg.key)
    );
    let fetch = |after: i64| {
        let (conn, sql) = (conn.clone(), sql.clone());
        tokio::spawn(
            async move { conn.query_all_raw(Statement::from_sql_and_values(backend, sql, [after.into()])).await },
        )
    };
    let mut next = Some(fetch(0));
    while let Some(page) = next.take() {
        let rows = page.await.map_err(|e| StoreError::Corrupt(format!("snapshot load: {e}")))??;
        if rows.len() as i64 == PAGE
            && let Some(last) = rows.last()
        {
            next = Some(fetch(last.try_get_by_index(0)?));
        }
        for r in rows {
            b.row(r.try_get_by_index(0)?, OrgId(r.try_get_by_index(1)?));
            for (c, (_, k)) in cols.iter().enumerate() {
                let i = c + 2;
                match k {
                    ColumnKind::Int => b.push_int(c, r.try_get_by_index::<Option<i64>>(i)?),
                    ColumnKind::Date => b.push_date(c, r.try_get_by_index::<Option<chrono::NaiveDate>>(i)?),
                    ColumnKind::Bool => b.push_bool(c, r.try_get_by_index::<Option<bool>>(i)?),
                    ColumnKind::Text => b.push_text(c, r.try_get_by_index::<Option<String>>(i)?.as_deref()),
                }
            }
        }
    }
    Ok(b.finish(tree))
}

impl Store {
    /// The current snapshot holding at least `needs`; reloads what changed since the last call.
    pub(crate) async fn snapshot(&self, needs: &Needs) -> Result<Arc<Snapshot>, StoreError> {
        self.snapshot_at(needs, &Versions::read(&self.db).await?).await
    }

    /// The snapshot holding at least `needs` at the counters `at` (just read by the caller).
    pub(crate) async fn snapshot_at(&self, needs: &Needs, at: &Versions) -> Result<Arc<Snapshot>, StoreError> {
        let (org_version, versions) = (at.org, &at.registries);
        let layer = self.layer();
        let mut guard = self.snapshots.0.lock().await;
        let version_of = |r: &str| versions.get(r).copied().unwrap_or(0);
        let (mut snapshot, mut fields, mut loaded_versions) = match guard.take() {
            Some(l) if l.org_version == org_version && l.layer_version == layer.version => {
                ((*l.snapshot).clone(), l.fields, l.versions)
            }
            Some(l) if l.org_version == org_version => {
                ((*l.snapshot).clone().with_calendar(layer.calendar.clone()), l.fields, l.versions)
            }
            Some(l) => {
                // The tree changed: every table is renumbered, so everything loaded is reloaded.
                let tree = self.org_tree(org_version).await?;
                (Snapshot::new(tree).with_calendar(layer.calendar.clone()), l.fields, BTreeMap::new())
            }
            None => (
                Snapshot::new(self.org_tree(org_version).await?).with_calendar(layer.calendar.clone()),
                Needs::new(),
                BTreeMap::new(),
            ),
        };
        for (r, f) in needs {
            fields.entry(r.clone()).or_default().extend(f.iter().cloned());
        }
        for (r, f) in &fields {
            let stale = loaded_versions.get(r) != Some(&version_of(r))
                || snapshot.table(r).is_none()
                || needs.get(r).is_some_and(|n| !n.is_subset(&snapshot_fields(&snapshot, r)));
            if !stale {
                continue;
            }
            let Some(reg) = self.registries.iter().find(|x| &x.key == r) else { continue };
            let t = self.table_for(reg, f, snapshot.tree(), org_version, version_of(r)).await?;
            snapshot.set_table(r, t);
            loaded_versions.insert(r.clone(), version_of(r));
        }
        let snapshot = Arc::new(snapshot);
        *guard = Some(Loaded {
            org_version,
            layer_version: layer.version,
            versions: loaded_versions,
            fields,
            snapshot: snapshot.clone(),
        });
        Ok(snapshot)
    }

    /// A registry's table: from its file in the snapshot folder when the file matches the
    /// database, else from the database (then the file is rewritten; failing to write it is only
    /// logged).
    async fn table_for(
        &self,
        reg: &RegistryDef,
        fields: &BTreeSet<String>,
        tree: &OrgTree,
        org_version: i64,
        version: i64,
    ) -> Result<Table, StoreError> {
        let Some(dir) = self.snapshot_dir.as_deref() else {
            self.snapshots.1.from_database.fetch_add(1, Ordering::Relaxed);
            return load_table(&self.db, reg, fields, tree).await;
        };
        let sql = format!("SELECT COALESCE(MAX(id), 0) FROM {}", table(&reg.key));
        let row = self.db.query_one_raw(Statement::from_string(self.db.get_database_backend(), sql)).await?;
        let max_id = row.map(|r| r.try_get_by_index::<i64>(0)).transpose()?.unwrap_or(0);
        let stamp = snapshot_file::Stamp { org_version, version, max_id };
        if let Some(t) = snapshot_file::read(dir, &reg.key, &stamp, fields) {
            self.snapshots.1.from_file.fetch_add(1, Ordering::Relaxed);
            return Ok(t);
        }
        let t = load_table(&self.db, reg, fields, tree).await?;
        self.snapshots.1.from_database.fetch_add(1, Ordering::Relaxed);
        if let Err(e) = snapshot_file::write(dir, &reg.key, &stamp, &t) {
            tracing::warn!("snapshot file for {} not written: {e}", reg.key);
        }
        Ok(t)
    }

    /// How many tables the snapshot has read from the database and from files so far.
    pub fn snapshot_loads(&self) -> (usize, usize) {
        let s = &self.snapshots.1;
        (s.from_database.load(Ordering::Relaxed), s.from_file.load(Ordering::Relaxed))
    }

    async fn org_tree(&self, version: i64) -> Result<OrgTree, StoreError> {
        let idx = self.org_cache.get_at(&self.db, version).await?;
        let pairs: Vec<(OrgId, Option<OrgId>)> = idx.subtree(None, true).iter().map(|o| (o.id, o.parent_id)).collect();
        Ok(OrgTree::new(&pairs))
    }
}

/// The fields a snapshot's table holds.
fn snapshot_fields(s: &Snapshot, registry: &str) -> BTreeSet<String> {
    s.table(registry).map(|t| t.column_keys().map(str::to_owned).collect()).unwrap_or_default()
}
