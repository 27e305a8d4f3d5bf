//! The org repository: the tree kept as materialised paths, so a subtree is one index range scan.
//! Unscoped: only [`crate::Scoped`] calls it, after the access check.

use crate::StoreError;
use crate::entity::org;
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use kaohe_domain::org::{parse_org_groups, parse_org_name};
use kaohe_domain::{DomainError, Org, OrgCode, OrgId, OrgKind, OrgPath};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set, Statement};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};

/// What is needed to create an org.
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct NewOrg {
    pub code: String,
    pub name: String,
    pub short_name: Option<String>,
    pub kind: OrgKind,
    /// The parent's id; `None` makes a root (only the operator may).
    pub parent_id: Option<OrgId>,
    pub sort_key: Option<i32>,
    pub opened_on: Option<NaiveDate>,
    /// Its groups for assessment (考核分组), each checked by [`parse_org_groups`].
    #[serde(default)]
    pub groups: Vec<String>,
}

/// Editable attributes of an org (each `None` leaves it as is).
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct OrgUpdate {
    pub name: Option<String>,
    pub short_name: Option<String>,
    pub kind: Option<OrgKind>,
    pub sort_key: Option<i32>,
    /// Replaces the groups for assessment.
    pub groups: Option<Vec<String>>,
}

/// One row of an org import file (`code, name, parent_code, kind`, optionally `opened_on`,
/// `closed_on`, `groups`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct OrgImportRow {
    /// The row number in the file as a spreadsheet shows it (the header is row 1).
    pub row: usize,
    pub code: String,
    pub name: String,
    pub parent_code: String,
    pub kind: String,
    /// When the org was founded (any date form people write; empty: today for a new org).
    pub opened_on: String,
    /// When it was closed (empty: open).
    pub closed_on: String,
    /// Its groups for assessment as typed (组织部、机关); `None` when the file has no such column
    /// (an existing org's groups are then left as they are).
    pub groups: Option<String>,
}

/// A checked import row: its kind and dates parsed.
#[derive(Debug, Clone)]
pub(crate) struct PlannedOrg {
    pub row: OrgImportRow,
    pub kind: OrgKind,
    pub opened: Option<NaiveDate>,
    pub closed: Option<NaiveDate>,
    /// The groups checked (`None`: the file has no groups column).
    pub groups: Option<Vec<String>>,
}

/// An optional date cell: empty is none; otherwise a date between the calendar's years.
fn optional_day(row: usize, column: &str, value: &str, errors: &mut Vec<RowError>) -> Option<NaiveDate> {
    use kaohe_domain::calendar::{FIRST_YEAR, LAST_YEAR};
    use kaohe_domain::values::date::parse_date;
    if value.trim().is_empty() {
        return None;
    }
    match parse_date(value) {
        Ok(d) if (FIRST_YEAR..=LAST_YEAR).contains(&d.year()) => Some(d),
        Ok(_) => {
            let (zh, en) = (
                format!("日期须在{FIRST_YEAR}年至{LAST_YEAR}年之间"),
                format!("the date must lie in {FIRST_YEAR}–{LAST_YEAR}"),
            );
            errors.push(row_error(row, column, value, zh, en));
            None
        }
        Err(e) => {
            errors.push(row_error(row, column, value, e.message_zh, e.message_en));
            None
        }
    }
}

/// A problem with one cell of an import file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct RowError {
    pub row: usize,
    pub column: String,
    pub value: String,
    pub message_zh: String,
    pub message_en: String,
}

/// What an import did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct ImportReport {
    pub created: usize,
    pub updated: usize,
}

/// How the groups are joined in the `assess_groups` column (a group never holds one).
const GROUP_SEPARATOR: char = '、';

/// Checks groups given one by one and joins them for the column.
fn stored_groups(groups: &[String]) -> Result<String, StoreError> {
    let parsed = parse_org_groups("groups", &groups.join("、"))?;
    Ok(parsed.join(&GROUP_SEPARATOR.to_string()))
}

pub(crate) fn to_domain(m: org::Model) -> Result<Org, StoreError> {
    Ok(Org {
        id: OrgId(m.id),
        code: OrgCode::parse(&m.code).map_err(|_| StoreError::Corrupt(format!("org code {:?}", m.code)))?,
        kind: OrgKind::parse(&m.kind).ok_or_else(|| StoreError::Corrupt(format!("org kind {:?}", m.kind)))?,
        name: m.name,
        short_name: m.short_name,
        parent_id: m.parent_id.map(OrgId),
        sort_key: m.sort_key,
        path: OrgPath::from_stored(m.path),
        opened_on: m.opened_on,
        closed_on: m.closed_on,
        groups: m.assess_groups.split(GROUP_SEPARATOR).filter(|g| !g.is_empty()).map(str::to_owned).collect(),
    })
}

pub(crate) async fn find<C: ConnectionTrait>(conn: &C, id: OrgId) -> Result<Option<Org>, StoreError> {
    org::Entity::find_by_id(id.0).one(conn).await?.map(to_domain).transpose()
}

pub(crate) async fn find_by_code<C: ConnectionTrait>(conn: &C, code: &str) -> Result<Option<Org>, StoreError> {
    org::Entity::find().filter(org::Column::Code.eq(code.trim())).one(conn).await?.map(to_domain).transpose()
}

/// Every org in the subtree at `root` (the whole tree for `None`), in path order.
pub(crate) async fn subtree<C: ConnectionTrait>(
    conn: &C,
    root: Option<&OrgPath>,
    include_closed: bool,
) -> Result<Vec<Org>, StoreError> {
    let mut q = in_subtree(org::Entity::find(), root);
    if !include_closed {
        q = q.filter(org::Column::ClosedOn.is_null());
    }
    q.order_by_asc(org::Column::Path).all(conn).await?.into_iter().map(to_domain).collect()
}

fn in_subtree(q: sea_orm::Select<org::Entity>, root: Option<&OrgPath>) -> sea_orm::Select<org::Entity> {
    match root {
        Some(p) => q.filter(org::Column::Path.gte(p.as_str())).filter(org::Column::Path.lt(p.successor())),
        None => q,
    }
}

/// Orgs below `root` whose name or code contains `q`.
pub(crate) async fn search<C: ConnectionTrait>(
    conn: &C,
    root: Option<&OrgPath>,
    q: &str,
    limit: u64,
) -> Result<Vec<Org>, StoreError> {
    use sea_orm::{Condition, QuerySelect};
    in_subtree(org::Entity::find(), root)
        .filter(Condition::any().add(org::Column::Name.contains(q)).add(org::Column::Code.contains(q)))
        .order_by_asc(org::Column::Path)
        .limit(limit)
        .all(conn)
        .await?
        .into_iter()
        .map(to_domain)
        .collect()
}

/// How many open orgs lie below `root` (itself included).
pub(crate) async fn count<C: ConnectionTrait>(conn: &C, root: Option<&OrgPath>) -> Result<u64, StoreError> {
    use sea_orm::PaginatorTrait;
    Ok(in_subtree(org::Entity::find(), root).filter(org::Column::ClosedOn.is_null()).count(conn).await?)
}

/// The children of `parent` (roots for `None`), by sort key then code.
pub(crate) async fn children<C: ConnectionTrait>(
    conn: &C,
    parent: Option<OrgId>,
    include_closed: bool,
) -> Result<Vec<Org>, StoreError> {
    let mut q = org::Entity::find();
    q = match parent {
        Some(p) => q.filter(org::Column::ParentId.eq(p.0)),
        None => q.filter(org::Column::ParentId.is_null()),
    };
    if !include_closed {
        q = q.filter(org::Column::ClosedOn.is_null());
    }
    q.order_by_asc(org::Column::SortKey)
        .order_by_asc(org::Column::Code)
        .all(conn)
        .await?
        .into_iter()
        .map(to_domain)
        .collect()
}

/// Inserts an org below `parent` (already checked) and returns it with its path; without a
/// founding day it was founded `today` (the federation's).
pub(crate) async fn insert<C: ConnectionTrait>(
    conn: &C,
    now: DateTime<Utc>,
    today: NaiveDate,
    new: &NewOrg,
    parent: Option<&Org>,
) -> Result<Org, StoreError> {
    let code = OrgCode::parse(&new.code)?;
    let name = parse_org_name("name", &new.name)?;
    let short_name = match new.short_name.as_deref().map(str::trim) {
        Some("") | None => None,
        Some(s) => Some(parse_org_name("short_name", s)?),
    };
    let groups = stored_groups(&new.groups)?;
    if parent.is_some_and(|p| p.closed_on.is_some()) {
        return Err(DomainError::Conflict("上级组织已撤销 / the parent org is closed".into()).into());
    }
    if find_by_code(conn, code.as_str()).await?.is_some() {
        return Err(DomainError::invalid(
            "code",
            format!("代码“{}”已被使用", code.as_str()),
            format!("code {:?} is already taken", code.as_str()),
        )
        .into());
    }
    let sort_key = match new.sort_key {
        Some(k) => k,
        None => next_sort_key(conn, parent.map(|p| p.id)).await?,
    };
    let inserted = org::ActiveModel {
        code: Set(code.as_str().to_owned()),
        name: Set(name),
        short_name: Set(short_name),
        kind: Set(new.kind.code().to_owned()),
        parent_id: Set(parent.map(|p| p.id.0)),
        sort_key: Set(sort_key),
        // A placeholder that cannot collide (codes are unique); replaced once the id is known.
        path: Set(format!("~{}", code.as_str())),
        depth: Set(0),
        opened_on: Set(new.opened_on.unwrap_or(today)),
        closed_on: Set(None),
        assess_groups: Set(groups),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(conn)
    .await?;
    let id = OrgId(inserted.id);
    let path = match parent {
        Some(p) => p.path.child(id),
        None => OrgPath::root(id),
    };
    let mut am: org::ActiveModel = inserted.into();
    am.path = Set(path.as_str().to_owned());
    am.depth = Set(path.depth() as i32);
    crate::org_cache::bump(conn).await?;
    to_domain(am.update(conn).await?)
}

/// A sort key that puts a new org after its siblings.
async fn next_sort_key<C: ConnectionTrait>(conn: &C, parent: Option<OrgId>) -> Result<i32, StoreError> {
    Ok(children(conn, parent, true).await?.iter().map(|o| o.sort_key).max().map_or(0, |m| m.saturating_add(10)))
}

/// Applies an update to an org's attributes.
pub(crate) async fn update<C: ConnectionTrait>(
    conn: &C,
    now: DateTime<Utc>,
    org: &Org,
    upd: &OrgUpdate,
) -> Result<Org, StoreError> {
    let mut am = org::ActiveModel { id: Set(org.id.0), updated_at: Set(now), ..Default::default() };
    if let Some(n) = &upd.name {
        am.name = Set(parse_org_name("name", n)?);
    }
    if let Some(s) = &upd.short_name {
        am.short_name = Set(match s.trim() {
            "" => None,
            s => Some(parse_org_name("short_name", s)?),
        });
    }
    if let Some(k) = upd.kind {
        am.kind = Set(k.code().to_owned());
    }
    if let Some(k) = upd.sort_key {
        am.sort_key = Set(k);
    }
    if let Some(g) = &upd.groups {
        am.assess_groups = Set(stored_groups(g)?);
    }
    crate::org_cache::bump(conn).await?;
    to_domain(am.update(conn).await?)
}

/// Sets the day an org was founded (an import that dates orgs founded before kaohe knew them).
pub(crate) async fn set_opened<C: ConnectionTrait>(
    conn: &C,
    now: DateTime<Utc>,
    org: &Org,
    on: NaiveDate,
) -> Result<(), StoreError> {
    let am = org::ActiveModel { id: Set(org.id.0), updated_at: Set(now), opened_on: Set(on), ..Default::default() };
    am.update(conn).await?;
    crate::org_cache::bump(conn).await
}

/// Moves the subtree at `org` under `new_parent` (cycle already refused), rewriting every path in
/// one statement.
pub(crate) async fn move_subtree<C: ConnectionTrait>(
    conn: &C,
    now: DateTime<Utc>,
    org: &Org,
    new_parent: &Org,
) -> Result<Org, StoreError> {
    let old = &org.path;
    let new = new_parent.path.child(org.id);
    let delta = new.depth() as i64 - old.depth() as i64;
    let backend = conn.get_database_backend();
    let sql = match backend {
        sea_orm::DatabaseBackend::Postgres => {
            "UPDATE orgs SET path = $1 || substr(path, CAST($2 AS INTEGER)), depth = depth + CAST($3 AS INTEGER) WHERE path >= $4 AND path < $5"
        }
        _ => "UPDATE orgs SET path = ? || substr(path, ?), depth = depth + ? WHERE path >= ? AND path < ?",
    };
    conn.execute_raw(Statement::from_sql_and_values(
        backend,
        sql,
        [
            new.as_str().into(),
            (old.as_str().len() as i64 + 1).into(),
            delta.into(),
            old.as_str().into(),
            old.successor().into(),
        ],
    ))
    .await?;
    org::Entity::update_many()
        .col_expr(org::Column::ParentId, Expr::value(new_parent.id.0))
        .col_expr(org::Column::UpdatedAt, Expr::value(now))
        .filter(org::Column::Id.eq(org.id.0))
        .exec(conn)
        .await?;
    crate::org_cache::bump(conn).await?;
    find(conn, org.id).await?.ok_or(StoreError::Domain(DomainError::NotFound))
}

/// Closes the org and its whole subtree on `on` (never deletes).
pub(crate) async fn close_subtree<C: ConnectionTrait>(
    conn: &C,
    now: DateTime<Utc>,
    org: &Org,
    on: NaiveDate,
) -> Result<u64, StoreError> {
    let res = org::Entity::update_many()
        .col_expr(org::Column::ClosedOn, Expr::value(on))
        .col_expr(org::Column::UpdatedAt, Expr::value(now))
        .filter(org::Column::Path.gte(org.path.as_str()))
        .filter(org::Column::Path.lt(org.path.successor()))
        .filter(org::Column::ClosedOn.is_null())
        .exec(conn)
        .await?;
    crate::org_cache::bump(conn).await?;
    Ok(res.rows_affected)
}

fn row_error(row: usize, column: &str, value: &str, zh: String, en: String) -> RowError {
    RowError { row, column: column.to_owned(), value: value.to_owned(), message_zh: zh, message_en: en }
}

/// Checks a whole import against itself and the existing tree (`in_scope(None)` asks whether the
/// actor may create roots). Returns the rows in an order where
/// every parent comes before its children, or every error found.
pub(crate) fn plan_import(
    rows: &[OrgImportRow],
    existing: &HashMap<String, Org>,
    in_scope: &dyn Fn(Option<&OrgPath>) -> bool,
) -> Result<Vec<PlannedOrg>, Vec<RowError>> {
    let mut errors = Vec::new();
    let mut by_code: BTreeMap<String, &OrgImportRow> = BTreeMap::new();
    let mut kinds = HashMap::new();
    let mut days = HashMap::new();
    let mut groups = HashMap::new();
    for r in rows {
        let opened = optional_day(r.row, "E opened_on", &r.opened_on, &mut errors);
        let closed = optional_day(r.row, "F closed_on", &r.closed_on, &mut errors);
        if let (Some(o), Some(c)) = (opened, closed)
            && c < o
        {
            let (zh, en) = (format!("撤销日期早于成立日期{o}"), format!("closed before it was opened on {o}"));
            errors.push(row_error(r.row, "F closed_on", &r.closed_on, zh, en));
        }
        days.insert(r.row, (opened, closed));
        if let Some(g) = &r.groups {
            match parse_org_groups("groups", g) {
                Ok(g) => {
                    groups.insert(r.row, g);
                }
                Err(e) => {
                    let (zh, en) = e.first_message();
                    errors.push(row_error(r.row, "G groups", g, zh, en));
                }
            }
        }
        if let Err(e) = OrgCode::parse(&r.code) {
            let msg = e.first_message();
            errors.push(row_error(r.row, "A code", &r.code, msg.0, msg.1));
        } else if let Some(first) = by_code.insert(r.code.trim().to_owned(), r) {
            errors.push(row_error(
                r.row,
                "A code",
                &r.code,
                format!("代码与第{}行重复", first.row),
                format!("code repeats row {}", first.row),
            ));
        }
        if parse_org_name("name", &r.name).is_err() {
            errors.push(row_error(
                r.row,
                "B name",
                &r.name,
                "名称须为1至100个字符".into(),
                "name must be 1–100 characters".into(),
            ));
        }
        match OrgKind::parse(&r.kind) {
            Some(k) => {
                kinds.insert(r.row, k);
            }
            None => errors.push(row_error(
                r.row,
                "D kind",
                &r.kind,
                "类型应为 总工会/部室/基层工会/其他".into(),
                "kind must be federation, department, grassroots or other".into(),
            )),
        }
        if let Some(e) = existing.get(r.code.trim()) {
            let same_parent = match e.parent_id {
                None => r.parent_code.trim().is_empty(),
                Some(_) => {
                    existing.values().any(|p| Some(p.id) == e.parent_id && p.code.as_str() == r.parent_code.trim())
                }
            };
            if !in_scope(Some(&e.path)) {
                errors.push(row_error(
                    r.row,
                    "A code",
                    &r.code,
                    "代码已被范围外的组织使用".into(),
                    "code is used by an org outside your scope".into(),
                ));
            } else if !same_parent {
                errors.push(row_error(
                    r.row,
                    "C parent_code",
                    &r.parent_code,
                    "该组织已存在于另一上级之下;移动请在组织树中操作".into(),
                    "the org exists under another parent; move it in the org tree".into(),
                ));
            }
        }
    }
    // Parents: in the file or existing and in scope; no cycles within the file.
    let mut placed: HashMap<String, bool> = HashMap::new();
    for r in rows {
        let p = r.parent_code.trim();
        if p.is_empty() {
            if !existing.contains_key(r.code.trim()) && !in_scope(None) {
                errors.push(row_error(
                    r.row,
                    "C parent_code",
                    "",
                    "须填写上级代码".into(),
                    "parent_code is required".into(),
                ));
            }
        } else if !by_code.contains_key(p) {
            match existing.get(p) {
                Some(o) if in_scope(Some(&o.path)) => {}
                _ => errors.push(row_error(
                    r.row,
                    "C parent_code",
                    p,
                    format!("上级代码“{p}”不存在或不在您的范围内"),
                    format!("parent code {p:?} does not exist or is outside your scope"),
                )),
            }
        }
    }
    fn visit<'a>(
        code: &str,
        by_code: &BTreeMap<String, &'a OrgImportRow>,
        placed: &mut HashMap<String, bool>,
        out: &mut Vec<&'a OrgImportRow>,
        errors: &mut Vec<RowError>,
    ) {
        match placed.get(code) {
            Some(true) => return,
            Some(false) => {
                if let Some(r) = by_code.get(code) {
                    errors.push(row_error(
                        r.row,
                        "C parent_code",
                        &r.parent_code,
                        "上级关系形成循环".into(),
                        "parent codes form a cycle".into(),
                    ));
                }
                return;
            }
            None => {}
        }
        let Some(r) = by_code.get(code) else { return };
        placed.insert(code.to_owned(), false);
        let p = r.parent_code.trim();
        if by_code.contains_key(p) {
            visit(p, by_code, placed, out, errors);
        }
        placed.insert(code.to_owned(), true);
        out.push(r);
    }
    let mut order = Vec::new();
    for code in by_code.keys() {
        visit(code, &by_code, &mut placed, &mut order, &mut errors);
    }
    if !errors.is_empty() {
        errors.sort_by(|a, b| (a.row, &a.column).cmp(&(b.row, &b.column)));
        errors.dedup();
        return Err(errors);
    }
    Ok(order
        .into_iter()
        .map(|r| {
            let (opened, closed) = days[&r.row];
            PlannedOrg { row: r.clone(), kind: kinds[&r.row], opened, closed, groups: groups.remove(&r.row) }
        })
        .collect())
}

/// One org for [`bulk_insert`]: ids and paths are chosen by the generator.
#[derive(Debug, Clone)]
pub struct BulkOrg {
    pub id: OrgId,
    pub parent: Option<OrgId>,
    pub path: OrgPath,
    pub code: String,
    pub name: String,
    pub kind: OrgKind,
    pub sort_key: i32,
}

/// Inserts generated orgs in batches (parents before children), then moves the id sequence past
/// them on PostgreSQL.
pub(crate) async fn bulk_insert<C: ConnectionTrait>(
    conn: &C,
    now: DateTime<Utc>,
    opened_on: NaiveDate,
    rows: &[BulkOrg],
) -> Result<(), StoreError> {
    for chunk in rows.chunks(500) {
        let models = chunk.iter().map(|o| org::ActiveModel {
            id: Set(o.id.0),
            code: Set(o.code.clone()),
            name: Set(o.name.clone()),
            short_name: Set(None),
            kind: Set(o.kind.code().to_owned()),
            parent_id: Set(o.parent.map(|p| p.0)),
            sort_key: Set(o.sort_key),
            path: Set(o.path.as_str().to_owned()),
            depth: Set(o.path.depth() as i32),
            opened_on: Set(opened_on),
            assess_groups: Set(String::new()),
            closed_on: Set(None),
            created_at: Set(now),
            updated_at: Set(now),
        });
        org::Entity::insert_many(models).exec_without_returning(conn).await?;
    }
    crate::org_cache::bump(conn).await?;
    if conn.get_database_backend() == sea_orm::DatabaseBackend::Postgres {
        conn.execute_unprepared("SELECT setval(pg_get_serial_sequence('orgs', 'id'), (SELECT MAX(id) FROM orgs))")
            .await?;
    }
    Ok(())
}
