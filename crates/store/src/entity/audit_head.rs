//! The `audit_head` table: one row (id 1) with the audit chain's last row, hash and row count,
//! and its anchor after a retention purge.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "audit_head")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: i32,
    pub last_id: i64,
    pub last_hash: String,
    /// Rows ever written (purged ones included).
    pub rows: i64,
    /// The last purged row's id and hash: verification starts after it.
    pub anchor_id: i64,
    pub anchor_hash: String,
    /// Rows purged under the retention period.
    pub purged: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
