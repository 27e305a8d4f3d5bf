//! The `audit_log` table.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "audit_log")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub at: DateTimeUtc,
    pub actor: String,
    pub actor_user_id: Option<i64>,
    pub action: String,
    pub entity: String,
    pub entity_id: Option<String>,
    /// Path of the org the event concerns; audit readers see rows inside their scope.
    pub scope_path: String,
    pub summary: String,
    pub before_digest: Option<String>,
    pub after_digest: Option<String>,
    /// SHA-256 of the previous row's hash and this row's content (see `audit::chain_hash`).
    pub row_hash: Option<String>,
    /// The client's address, when the event came from a request.
    pub client: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
