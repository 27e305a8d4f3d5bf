//! Writing and reading the audit log. Every write goes through [`record`] on the same transaction
//! as the change it describes, so a change without its audit row cannot be committed.

use crate::StoreError;
use crate::entity::audit_log;
use chrono::{DateTime, Utc};
use kaohe_domain::audit::AuditAction;
use kaohe_domain::{Actor, OrgPath};
use sea_orm::{ActiveModelTrait, ConnectionTrait, Set};
use serde::Serialize;
use sha2::{Digest, Sha256};

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

/// Writes one audit row on `conn` (pass the change's transaction).
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
    audit_log::ActiveModel {
        at: Set(at),
        actor: Set(actor.chars().take(64).collect()),
        actor_user_id: Set(actor_user_id),
        action: Set(event.action.code().to_owned()),
        entity: Set(event.entity.to_owned()),
        entity_id: Set(event.entity_id),
        scope_path: Set(event.scope.map(|p| p.as_str().to_owned()).unwrap_or_default()),
        summary: Set(event.summary),
        before_digest: Set(before),
        after_digest: Set(after),
        ..Default::default()
    }
    .insert(conn)
    .await?;
    Ok(())
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
        }
    }
}
