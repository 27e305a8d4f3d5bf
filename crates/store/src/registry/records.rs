//! The record repository: reads and writes rows of registry tables. Unscoped — only
//! [`crate::Scoped`] calls it, after the access check.

use super::codec::{self, natural_key, sealed_json};
use super::schema::{column, hash_column, table};
use crate::StoreError;
use chrono::{DateTime, Utc};
use kaohe_domain::protect::Protector;
use kaohe_domain::record::{Record, RecordId, Value, Values};
use kaohe_domain::registry::RegistryDef;
use kaohe_domain::{DomainError, OrgId, OrgPath};
use sea_orm::sea_query::{Alias, Condition, Expr, ExprTrait, Order, Query, SelectStatement};
use sea_orm::{ConnectionTrait, QueryResult};
use std::collections::HashMap;

/// How a list filters one field.
#[derive(Debug, Clone, PartialEq)]
pub enum FilterOp {
    Eq,
    /// Text contains (not for personal data).
    Contains,
    Gte,
    Lte,
    IsEmpty,
}

/// One condition of a record list.
#[derive(Debug, Clone, PartialEq)]
pub struct Filter {
    pub field: String,
    pub op: FilterOp,
    pub value: Value,
}

/// Where a page of a keyset-paged list starts: after this (sort value, id).
#[derive(Debug, Clone, PartialEq)]
pub struct Cursor {
    pub value: Value,
    pub id: RecordId,
}

/// The order of a list: by a field (or by id when `None`), ascending or not.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Sort {
    pub field: Option<String>,
    pub descending: bool,
}

fn col(name: &str) -> Expr {
    Expr::col(Alias::new(name))
}

fn orgs_in(path: &OrgPath) -> SelectStatement {
    Query::select()
        .column(Alias::new("id"))
        .from(Alias::new("orgs"))
        .and_where(col("path").gte(path.as_str()))
        .and_where(col("path").lt(path.successor()))
        .to_owned()
}

/// Live records: id, org, version, then every field in definition order (read by position in
/// [`read`]).
fn select(reg: &RegistryDef) -> SelectStatement {
    let mut q = Query::select();
    q.from(Alias::new(table(&reg.key)));
    for c in ["id", "org_id", "version"] {
        q.column(Alias::new(c));
    }
    for f in &reg.fields {
        q.column(Alias::new(column(&f.key)));
    }
    q.and_where(col("deleted_at").is_null());
    q
}

/// A row of [`select`]: id, org, version, then the fields in definition order.
fn read(reg: &RegistryDef, row: &QueryResult, p: &dyn Protector) -> Result<Record, StoreError> {
    let mut values = Values::new();
    for (i, f) in reg.fields.iter().enumerate() {
        values.insert(f.key.clone(), codec::from_row(f, row, 3 + i, p)?);
    }
    Ok(Record {
        id: RecordId(row.try_get_by_index(0)?),
        org_id: OrgId(row.try_get_by_index(1)?),
        version: row.try_get_by_index(2)?,
        values,
    })
}

async fn fetch<C: ConnectionTrait>(
    conn: &C,
    reg: &RegistryDef,
    q: &SelectStatement,
    p: &dyn Protector,
) -> Result<Vec<Record>, StoreError> {
    let rows = conn.query_all_raw(conn.get_database_backend().build(q)).await?;
    rows.iter().map(|r| read(reg, r, p)).collect()
}

/// One live record.
pub async fn get<C: ConnectionTrait>(
    conn: &C,
    reg: &RegistryDef,
    id: RecordId,
    p: &dyn Protector,
) -> Result<Option<Record>, StoreError> {
    let q = select(reg).and_where(col("id").eq(id.0)).to_owned();
    Ok(fetch(conn, reg, &q, p).await?.into_iter().next())
}

/// Live records by id, in the order asked (ids not found or deleted are left out).
pub async fn get_many<C: ConnectionTrait>(
    conn: &C,
    reg: &RegistryDef,
    ids: &[RecordId],
    p: &dyn Protector,
) -> Result<Vec<Record>, StoreError> {
    let mut found = std::collections::HashMap::with_capacity(ids.len());
    for chunk in ids.chunks(500) {
        let q = select(reg).and_where(col("id").is_in(chunk.iter().map(|i| i.0))).to_owned();
        for r in fetch(conn, reg, &q, p).await? {
            found.insert(r.id, r);
        }
    }
    Ok(ids.iter().filter_map(|i| found.remove(i)).collect())
}

fn filter_condition(reg: &RegistryDef, f: &Filter, p: &dyn Protector) -> Result<Condition, StoreError> {
    let def = reg.field(&f.field).ok_or_else(|| {
        DomainError::invalid("filter", format!("没有字段“{}”", f.field), format!("no field {:?}", f.field))
    })?;
    let c = col(&column(&def.key));
    if def.sensitive {
        return match f.op {
            FilterOp::Eq => Ok(Condition::all()
                .add(col(&hash_column(&def.key)).eq(p.fingerprint(&def.key, &codec::canonical(&f.value))))),
            FilterOp::IsEmpty => Ok(Condition::all().add(c.is_null())),
            _ => Err(DomainError::invalid(
                "filter",
                "个人信息字段只能精确查找",
                "personal-data fields can only be matched exactly",
            )
            .into()),
        };
    }
    let v: sea_orm::Value = codec::to_columns(def, &f.value, p).remove(0).1;
    Ok(Condition::all().add(match f.op {
        FilterOp::Eq => c.eq(v),
        FilterOp::Contains => c.like(contains_pattern(&codec::canonical(&f.value))),
        FilterOp::Gte => c.gte(v),
        FilterOp::Lte => c.lte(v),
        FilterOp::IsEmpty => c.is_null(),
    }))
}

/// `LIKE` for "contains `text`": `%`, `_` and the escape itself match only themselves, on both
/// engines (SQLite has no default escape character, so it is named).
fn contains_pattern(text: &str) -> sea_orm::sea_query::LikeExpr {
    let escaped = text.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_");
    sea_orm::sea_query::LikeExpr::new(format!("%{escaped}%")).escape('\\')
}

/// A page of live records under `under` (an org subtree), filtered and keyset-paged.
#[allow(clippy::too_many_arguments)]
pub async fn list<C: ConnectionTrait>(
    conn: &C,
    reg: &RegistryDef,
    under: Option<&OrgPath>,
    filters: &[Filter],
    sort: &Sort,
    after: Option<&Cursor>,
    limit: u64,
    p: &dyn Protector,
) -> Result<Vec<Record>, StoreError> {
    let mut q = select(reg);
    if let Some(path) = under {
        q.and_where(col("org_id").in_subquery(orgs_in(path)));
    }
    for f in filters {
        q.cond_where(filter_condition(reg, f, p)?);
    }
    let id_past = |id: RecordId| if sort.descending { col("id").lt(id.0) } else { col("id").gt(id.0) };
    let ord = || if sort.descending { Order::Desc } else { Order::Asc };
    let Some(f) = sort.field.as_deref().and_then(|k| reg.field(k)).filter(|f| !f.sensitive) else {
        if let Some(c) = after {
            q.and_where(id_past(c.id));
        }
        q.order_by(Alias::new("id"), ord()).limit(limit);
        return fetch(conn, reg, &q, p).await;
    };
    // Sorted by a field: the records with a value first, by (value, id) — a row-value comparison
    // an index on (field, id) answers by seeking — then the empty ones by id, in both directions.
    let sc = column(&f.key);
    let mut out = Vec::new();
    if after.is_none_or(|c| !c.value.is_null()) {
        let mut filled = q.clone();
        filled.and_where(col(&sc).is_not_null());
        if let Some(c) = after {
            let v = codec::to_columns(f, &c.value, p).remove(0).1;
            let here = Expr::tuple([col(&sc), col("id")]);
            let cursor = Expr::tuple([Expr::val(v), Expr::val(c.id.0)]);
            filled.and_where(if sort.descending { here.lt(cursor) } else { here.gt(cursor) });
        }
        filled.order_by(Alias::new(sc.clone()), ord()).order_by(Alias::new("id"), ord()).limit(limit);
        out = fetch(conn, reg, &filled, p).await?;
    }
    let left = limit.saturating_sub(out.len() as u64);
    if left > 0 {
        q.and_where(col(&sc).is_null());
        if let Some(c) = after.filter(|c| c.value.is_null()) {
            q.and_where(id_past(c.id));
        }
        q.order_by(Alias::new("id"), ord()).limit(left);
        out.extend(fetch(conn, reg, &q, p).await?);
    }
    Ok(out)
}

/// Live records' ids and versions by natural key.
pub async fn ids_by_natural_key<C: ConnectionTrait>(
    conn: &C,
    reg: &RegistryDef,
    keys: &[String],
) -> Result<HashMap<String, (RecordId, i64, OrgId)>, StoreError> {
    let mut out = HashMap::new();
    for chunk in keys.chunks(500) {
        let q = Query::select()
            .columns([Alias::new("id"), Alias::new("nk"), Alias::new("version"), Alias::new("org_id")])
            .from(Alias::new(table(&reg.key)))
            .and_where(col("nk").is_in(chunk.iter().cloned()))
            .and_where(col("deleted_at").is_null())
            .to_owned();
        for r in conn.query_all_raw(conn.get_database_backend().build(&q)).await? {
            out.insert(
                r.try_get("", "nk")?,
                (RecordId(r.try_get("", "id")?), r.try_get("", "version")?, OrgId(r.try_get("", "org_id")?)),
            );
        }
    }
    Ok(out)
}

/// Who changes a record, and when.
pub struct Stamp<'a> {
    pub actor: &'a str,
    pub at: DateTime<Utc>,
}

async fn history<C: ConnectionTrait>(
    conn: &C,
    reg: &RegistryDef,
    id: RecordId,
    version: i64,
    action: &str,
    data: String,
    s: &Stamp<'_>,
) -> Result<(), StoreError> {
    let q = Query::insert()
        .into_table(Alias::new("record_history"))
        .columns(["registry", "record_id", "version", "at", "actor", "action", "data"].map(Alias::new))
        .values_panic([
            reg.key.clone().into(),
            id.0.into(),
            version.into(),
            s.at.into(),
            s.actor.to_owned().into(),
            action.into(),
            data.into(),
        ])
        .to_owned();
    conn.execute_raw(conn.get_database_backend().build(&q)).await?;
    Ok(())
}

/// Inserts a record; returns its id. A live record with the same natural key is a conflict.
pub async fn insert<C: ConnectionTrait>(
    conn: &C,
    reg: &RegistryDef,
    org: OrgId,
    values: &Values,
    s: &Stamp<'_>,
    p: &dyn Protector,
) -> Result<RecordId, StoreError> {
    let nk = natural_key(reg, values, p);
    if !ids_by_natural_key(conn, reg, std::slice::from_ref(&nk)).await?.is_empty() {
        return Err(
            DomainError::Conflict("已有相同关键字段的记录 / a record with the same key fields exists".into()).into()
        );
    }
    let mut cols = vec![
        "org_id".to_owned(),
        "nk".into(),
        "version".into(),
        "created_at".into(),
        "updated_at".into(),
        "created_by".into(),
        "updated_by".into(),
    ];
    let mut vals: Vec<sea_orm::Value> = vec![
        org.0.into(),
        nk.into(),
        1i64.into(),
        s.at.into(),
        s.at.into(),
        s.actor.to_owned().into(),
        s.actor.to_owned().into(),
    ];
    for f in &reg.fields {
        for (c, v) in codec::to_columns(f, values.get(&f.key).unwrap_or(&Value::Null), p) {
            cols.push(c);
            vals.push(v);
        }
    }
    let q = Query::insert()
        .into_table(Alias::new(table(&reg.key)))
        .columns(cols.into_iter().map(Alias::new))
        .values_panic(vals.into_iter().map(Into::into))
        .returning_col(Alias::new("id"))
        .to_owned();
    let row = conn
        .query_one_raw(conn.get_database_backend().build(&q))
        .await?
        .ok_or_else(|| StoreError::Corrupt("insert returned no id".into()))?;
    let id = RecordId(row.try_get_by_index::<i64>(0)?);
    history(conn, reg, id, 1, "create", sealed_json(reg, values, p), s).await?;
    super::versions::bump(conn, &reg.key).await?;
    Ok(id)
}

/// Replaces a record's values if it is still at `version`; returns the new version.
#[allow(clippy::too_many_arguments)]
pub async fn update<C: ConnectionTrait>(
    conn: &C,
    reg: &RegistryDef,
    id: RecordId,
    version: i64,
    org: OrgId,
    values: &Values,
    s: &Stamp<'_>,
    p: &dyn Protector,
) -> Result<i64, StoreError> {
    let nk = natural_key(reg, values, p);
    if let Some((other, _, _)) = ids_by_natural_key(conn, reg, std::slice::from_ref(&nk)).await?.get(&nk)
        && *other != id
    {
        return Err(
            DomainError::Conflict("已有相同关键字段的记录 / a record with the same key fields exists".into()).into()
        );
    }
    let mut q = Query::update();
    q.table(Alias::new(table(&reg.key)))
        .value(Alias::new("org_id"), org.0)
        .value(Alias::new("nk"), nk)
        .value(Alias::new("version"), version + 1)
        .value(Alias::new("updated_at"), s.at)
        .value(Alias::new("updated_by"), s.actor.to_owned());
    for f in &reg.fields {
        for (c, v) in codec::to_columns(f, values.get(&f.key).unwrap_or(&Value::Null), p) {
            q.value(Alias::new(c), v);
        }
    }
    q.and_where(col("id").eq(id.0)).and_where(col("version").eq(version)).and_where(col("deleted_at").is_null());
    if conn.execute_raw(conn.get_database_backend().build(&q)).await?.rows_affected() == 0 {
        return Err(stale());
    }
    history(conn, reg, id, version + 1, "update", sealed_json(reg, values, p), s).await?;
    super::versions::bump(conn, &reg.key).await?;
    Ok(version + 1)
}

fn stale() -> StoreError {
    DomainError::Conflict(
        "记录已被他人修改,请刷新后重试 / the record was changed by someone else; reload and try again".into(),
    )
    .into()
}

/// Soft-deletes a record at `version` (its natural key is freed for a new record).
pub async fn soft_delete<C: ConnectionTrait>(
    conn: &C,
    reg: &RegistryDef,
    id: RecordId,
    version: i64,
    s: &Stamp<'_>,
) -> Result<(), StoreError> {
    let q = Query::update()
        .table(Alias::new(table(&reg.key)))
        .value(Alias::new("deleted_at"), s.at)
        .value(Alias::new("version"), version + 1)
        .value(Alias::new("updated_by"), s.actor.to_owned())
        .value(Alias::new("nk"), format!("deleted:{}", id.0))
        .and_where(col("id").eq(id.0))
        .and_where(col("version").eq(version))
        .and_where(col("deleted_at").is_null())
        .to_owned();
    if conn.execute_raw(conn.get_database_backend().build(&q)).await?.rows_affected() == 0 {
        return Err(stale());
    }
    history(conn, reg, id, version + 1, "delete", String::from("{}"), s).await?;
    super::versions::bump(conn, &reg.key).await
}

/// One change in a record's history.
#[derive(Debug, Clone, serde::Serialize)]
pub struct HistoryEntry {
    pub version: i64,
    pub at: DateTime<Utc>,
    pub actor: String,
    pub action: String,
    /// Canonical values; personal data still sealed.
    pub data: std::collections::BTreeMap<String, String>,
}

/// A record's history, oldest first.
pub async fn history_of<C: ConnectionTrait>(
    conn: &C,
    reg: &RegistryDef,
    id: RecordId,
) -> Result<Vec<HistoryEntry>, StoreError> {
    let q = Query::select()
        .columns(["version", "at", "actor", "action", "data"].map(Alias::new))
        .from(Alias::new("record_history"))
        .and_where(col("registry").eq(reg.key.clone()))
        .and_where(col("record_id").eq(id.0))
        .order_by(Alias::new("id"), Order::Asc)
        .to_owned();
    let rows = conn.query_all_raw(conn.get_database_backend().build(&q)).await?;
    rows.iter()
        .map(|r| {
            Ok(HistoryEntry {
                version: r.try_get("", "version")?,
                at: r.try_get("", "at")?,
                actor: r.try_get("", "actor")?,
                action: r.try_get("", "action")?,
                data: serde_json::from_str(&r.try_get::<String>("", "data")?).unwrap_or_default(),
            })
        })
        .collect()
}

/// Fields declared `unique` that are not already the whole natural key (which the `nk` index
/// keeps unique).
pub fn extra_unique_fields(reg: &RegistryDef) -> Vec<&kaohe_domain::registry::FieldDef> {
    reg.fields.iter().filter(|f| f.unique && reg.natural_key != [f.key.clone()]).collect()
}

/// The `unique` fields whose value another live record (not `except`) already holds.
pub async fn taken_unique<C: ConnectionTrait>(
    conn: &C,
    reg: &RegistryDef,
    values: &Values,
    except: Option<RecordId>,
    p: &dyn Protector,
) -> Result<Vec<String>, StoreError> {
    let mut taken = Vec::new();
    for f in extra_unique_fields(reg) {
        let v = values.get(&f.key).unwrap_or(&Value::Null);
        if v.is_null() {
            continue;
        }
        let mut q = Query::select();
        q.column(Alias::new("id")).from(Alias::new(table(&reg.key))).and_where(col("deleted_at").is_null());
        if f.sensitive {
            q.and_where(col(&hash_column(&f.key)).eq(p.fingerprint(&f.key, &codec::canonical(v))));
        } else {
            q.and_where(col(&column(&f.key)).eq(codec::to_columns(f, v, p).remove(0).1));
        }
        if let Some(id) = except {
            q.and_where(col("id").ne(id.0));
        }
        q.limit(1);
        if conn.query_one_raw(conn.get_database_backend().build(&q)).await?.is_some() {
            taken.push(f.key.clone());
        }
    }
    Ok(taken)
}
