//! The `users` table.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "users")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    #[sea_orm(unique)]
    pub username: String,
    pub display_name: String,
    pub org_id: i64,
    pub role: String,
    pub password_hash: String,
    pub language: String,
    pub disabled: bool,
    pub unlocked_at: Option<DateTimeUtc>,
    pub password_changed_at: DateTimeUtc,
    pub created_at: DateTimeUtc,
    /// Set by a reset: the next sign-in must choose a new password before anything else.
    pub must_change_password: bool,
    /// When the account was removed (soft: kept for the audit trail, its name never reused).
    pub removed_at: Option<DateTimeUtc>,
    /// The TOTP secret, sealed with the data key; `None`: no second factor.
    pub second_factor: Option<String>,
    /// The last TOTP time step accepted (a code is good once).
    pub second_factor_step: Option<i64>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
