//! Writing and reading the audit log. Every write goes through [`record`] on the same transaction
//! as the change it describes, so a change without its audit row cannot be committed.
//!
//! The log is a hash chain: each row stores SHA-256(previous row's hash, its own content) and the
//! head row (`audit_head`, locked by the writing transaction, so writers take turns) the last
//! hash and the row count. [`verify`] recomputes the chain: an edited row, a deleted one or a
//! truncated tail shows.

use crate::StoreError;
use crate::entity::{audit_head, audit_log};
use chrono::{DateTime, Utc};
use kaohe_domain::audit::AuditAction;
use kaohe_domain::{Actor, OrgPath};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set};
use serde::Serialize;
use sha2::{Digest, Sha256};

tokio::task_local! {
    /// The address of the client whose request is being served (see [`with_client_address`]).
    static CLIENT: String;
}

/// Runs `work` as the request of the client at `address`: every audit row it writes carries
/// the address. The web layer wraps each request in it; work of no request (the command line, a
/// background job after its request ended) writes rows without one.
pub async fn with_client_address<F: std::future::Future>(address: String, work: F) -> F::Output {
    CLIENT.scope(address, work).await
}

fn client_address() -> Option<String> {
    CLIENT.try_with(|a| a.chars().take(64).collect()).ok()
}

/// One event to log.
pub(crate) struct Event<'a> {
    pub action: AuditAction,
    pub entity: &'static str,
    pub entity_id: Option<String>,
    /// The org the event concerns (decides which audit readers see it); `None` for events tied to
    /// no org, such as a failed login under an unknown name.
    pub scope: Option<&'a OrgPath>,
    pub summary: String,
}

/// A digest of a value's JSON form, so the log proves what changed without copying personal data.
pub(crate) fn digest<T: Serialize>(value: &T) -> String {
    let json = serde_json::to_vec(value).unwrap_or_default();
    hex::encode(Sha256::digest(json))
}

/// Writes one audit row on `conn`: the change's transaction (see [`record_alone`] for an event
/// with no change of its own).
pub(crate) async fn record<C: ConnectionTrait>(
    conn: &C,
    at: DateTime<Utc>,
    actor: &Actor,
    event: Event<'_>,
    before: Option<String>,
    after: Option<String>,
) -> Result<(), StoreError> {
    record_as(conn, at, actor.audit_name(), actor.user_id().map(|u| u.0), event, before, after).await
}

/// Writes one audit row for an actor known only by name (e.g. a failed login).
pub(crate) async fn record_as<C: ConnectionTrait>(
    conn: &C,
    at: DateTime<Utc>,
    actor: &str,
    actor_user_id: Option<i64>,
    event: Event<'_>,
    before: Option<String>,
    after: Option<String>,
) -> Result<(), StoreError> {
    // Stored times keep microseconds on both engines; the hash covers what is stored.
    let at = DateTime::from_timestamp_micros(at.timestamp_micros()).unwrap_or(at);
    let mut row = audit_log::Model {
        id: 0,
        at,
        actor: actor.chars().take(64).collect(),
        actor_user_id,
        action: event.action.code().to_owned(),
        entity: event.entity.to_owned(),
        entity_id: event.entity_id,
        scope_path: event.scope.map(|p| p.as_str().to_owned()).unwrap_or_default(),
        summary: event.summary,
        before_digest: before,
        after_digest: after,
        row_hash: None,
        client: client_address(),
    };
    // The head row, taken first, stays locked until the change's transaction ends: chain
    // writers take turns.
    audit_head::Entity::update_many()
        .col_expr(audit_head::Column::Rows, Expr::col(audit_head::Column::Rows).add(1))
        .filter(audit_head::Column::Id.eq(1))
        .exec(conn)
        .await?;
    let head = audit_head::Entity::find_by_id(1)
        .one(conn)
        .await?
        .ok_or_else(|| StoreError::Corrupt("audit_head is missing".into()))?;
    let hash = chain_hash(&head.last_hash, &row);
    row.row_hash = Some(hash.clone());
    let mut active: audit_log::ActiveModel = row.into();
    active.id = sea_orm::NotSet;
    let inserted = active.insert(conn).await?;
    audit_head::ActiveModel {
        id: Set(1),
        last_id: Set(inserted.id),
        last_hash: Set(hash),
        rows: Set(head.rows),
        ..Default::default()
    }
    .update(conn)
    .await?;
    Ok(())
}

/// Writes one audit row for an event that changes nothing else (an export, an unmasking, a
/// logout), in a transaction of its own: the row and the chain's head move together.
pub(crate) async fn record_alone(
    db: &sea_orm::DatabaseConnection,
    at: DateTime<Utc>,
    actor: &Actor,
    event: Event<'_>,
) -> Result<(), StoreError> {
    let txn = crate::db::begin_write(db).await?;
    record(&txn, at, actor, event, None, None).await?;
    txn.commit().await?;
    Ok(())
}

/// How many rows of `action` were written for `actor` since `since`: a per-user rate that every
/// server process reads alike.
pub(crate) async fn count_by_actor<C: ConnectionTrait>(
    conn: &C,
    actor: &Actor,
    action: AuditAction,
    since: DateTime<Utc>,
) -> Result<u64, StoreError> {
    use sea_orm::PaginatorTrait;
    let q = audit_log::Entity::find()
        .filter(audit_log::Column::Action.eq(action.code()))
        .filter(audit_log::Column::At.gte(since));
    let q = match actor.user_id() {
        Some(id) => q.filter(audit_log::Column::ActorUserId.eq(id.0)),
        None => q.filter(audit_log::Column::Actor.eq(actor.audit_name())),
    };
    Ok(q.count(conn).await?)
}

/// SHA-256 (hex) of the previous row's hash and a row's content (every column but the id and the
/// hash itself), as a JSON array so that no field can bleed into the next.
pub(crate) fn chain_hash(previous: &str, r: &audit_log::Model) -> String {
    let content = serde_json::json!([
        previous,
        r.at.timestamp_micros(),
        r.actor,
        r.actor_user_id,
        r.action,
        r.entity,
        r.entity_id,
        r.scope_path,
        r.summary,
        r.before_digest,
        r.after_digest,
    ]);
    // Rows written before the client address was kept hash as they always did.
    let content = match (&r.client, content) {
        (Some(c), serde_json::Value::Array(mut a)) => {
            a.push(c.as_str().into());
            serde_json::Value::Array(a)
        }
        (_, content) => content,
    };
    hex::encode(Sha256::digest(content.to_string().as_bytes()))
}

/// Chains rows written before the chain existed (run after migrating; a no-op afterwards).
pub(crate) async fn chain_unhashed<C: ConnectionTrait>(conn: &C) -> Result<(), StoreError> {
    let pending = audit_log::Entity::find()
        .filter(audit_log::Column::RowHash.is_null())
        .order_by_asc(audit_log::Column::Id)
        .all(conn)
        .await?;
    if pending.is_empty() {
        return Ok(());
    }
    let head = audit_head::Entity::find_by_id(1)
        .one(conn)
        .await?
        .ok_or_else(|| StoreError::Corrupt("audit_head is missing".into()))?;
    let (mut last, mut rows, mut last_id) = (head.last_hash, head.rows, head.last_id);
    for r in pending {
        let hash = chain_hash(&last, &r);
        audit_log::Entity::update_many()
            .col_expr(audit_log::Column::RowHash, Expr::value(hash.clone()))
            .filter(audit_log::Column::Id.eq(r.id))
            .exec(conn)
            .await?;
        (last, rows, last_id) = (hash, rows + 1, r.id);
    }
    audit_head::ActiveModel {
        id: Set(1),
        last_id: Set(last_id),
        last_hash: Set(last),
        rows: Set(rows),
        ..Default::default()
    }
    .update(conn)
    .await?;
    Ok(())
}

/// Deletes the audit rows older than `cutoff` (the retention period's start), in one transaction
/// with the head's new anchor (the last deleted row's id and hash) and an audit row saying so.
/// Returns how many rows went.
pub(crate) async fn purge_before(
    db: &sea_orm::DatabaseConnection,
    cutoff: DateTime<Utc>,
    now: DateTime<Utc>,
    actor: &Actor,
) -> Result<u64, StoreError> {
    let txn = crate::db::begin_write(db).await?;
    // Take the head's lock first, as every writer does.
    audit_head::Entity::update_many()
        .col_expr(audit_head::Column::Rows, Expr::col(audit_head::Column::Rows))
        .filter(audit_head::Column::Id.eq(1))
        .exec(&txn)
        .await?;
    // Rows are written in time order; the last one older than the cutoff ends the purge.
    let Some(last) = audit_log::Entity::find()
        .filter(audit_log::Column::At.lt(cutoff))
        .order_by_desc(audit_log::Column::Id)
        .one(&txn)
        .await?
    else {
        return Ok(0);
    };
    let gone =
        audit_log::Entity::delete_many().filter(audit_log::Column::Id.lte(last.id)).exec(&txn).await?.rows_affected;
    let head = audit_head::Entity::find_by_id(1)
        .one(&txn)
        .await?
        .ok_or_else(|| StoreError::Corrupt("audit_head is missing".into()))?;
    audit_head::ActiveModel {
        id: Set(1),
        anchor_id: Set(last.id),
        anchor_hash: Set(last.row_hash.clone().unwrap_or_default()),
        purged: Set(head.purged + gone as i64),
        ..Default::default()
    }
    .update(&txn)
    .await?;
    let event = Event {
        action: AuditAction::Delete,
        entity: "audit_log",
        entity_id: Some(last.id.to_string()),
        scope: None,
        summary: format!(
            "按保存期限清理审计记录{gone}条(截至第{}条,{}之前) / retention: {gone} audit rows up to id {} (before {}) purged",
            last.id,
            cutoff.format("%Y-%m-%d"),
            last.id,
            cutoff.format("%Y-%m-%d")
        ),
    };
    record(&txn, now, actor, event, None, last.row_hash).await?;
    txn.commit().await?;
    Ok(gone)
}

/// What [`verify`] found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainCheck {
    /// Rows read.
    pub rows: u64,
    /// Each break in the chain, in words (empty: the log is intact).
    pub problems: Vec<String>,
}

/// Recomputes the audit chain row by row and compares its end with the head.
pub async fn verify<C: ConnectionTrait>(conn: &C) -> Result<ChainCheck, StoreError> {
    let head = audit_head::Entity::find_by_id(1)
        .one(conn)
        .await?
        .ok_or_else(|| StoreError::Corrupt("audit_head is missing".into()))?;
    let mut problems = Vec::new();
    // After a retention purge the chain starts from the last purged row's hash.
    let (mut previous, mut rows, mut after) = (head.anchor_hash.clone(), 0u64, 0i64);
    loop {
        let page = audit_log::Entity::find()
            .filter(audit_log::Column::Id.gt(after))
            .order_by_asc(audit_log::Column::Id)
            .limit(5000)
            .all(conn)
            .await?;
        let Some(last) = page.last() else { break };
        after = last.id;
        for r in page {
            rows += 1;
            let expected = chain_hash(&previous, &r);
            if r.row_hash.as_deref() != Some(expected.as_str()) {
                problems.push(format!(
                    "第{}条审计记录被改动,或其前面的记录被删除 / audit row {} was altered, or a row before it deleted",
                    r.id, r.id
                ));
            }
            previous = r.row_hash.unwrap_or_default();
        }
    }
    let kept = head.rows - head.purged;
    if previous != head.last_hash || i64::try_from(rows).unwrap_or(i64::MAX) != kept {
        problems.push(format!(
            "审计日志末尾与链头不符(链头记有{}条,末条编号{};现有{}条):末尾的记录被删除 / the log's end does not match its head ({} rows up to id {} recorded, {} found): rows at the end were deleted",
            kept, head.last_id, rows, kept, head.last_id, rows
        ));
    }
    Ok(ChainCheck { rows, problems })
}

/// An audit row as shown to the audit administrator.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuditRow {
    pub id: i64,
    pub at: DateTime<Utc>,
    pub actor: String,
    pub action: String,
    pub entity: String,
    pub entity_id: Option<String>,
    pub summary: String,
    pub before_digest: Option<String>,
    pub after_digest: Option<String>,
    /// The client's address, when the event came from a request.
    pub client: Option<String>,
}

impl From<audit_log::Model> for AuditRow {
    fn from(m: audit_log::Model) -> Self {
        Self {
            id: m.id,
            at: m.at,
            actor: m.actor,
            action: m.action,
            entity: m.entity,
            entity_id: m.entity_id,
            summary: m.summary,
            before_digest: m.before_digest,
            after_digest: m.after_digest,
            client: m.client,
        }
    }
}
