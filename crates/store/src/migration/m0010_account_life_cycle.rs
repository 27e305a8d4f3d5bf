//! The account life cycle (MLPS 8.1.4.1–8.1.4.2): a reset password that must be changed, soft
//! removal, a TOTP second factor, earlier passwords (for a history rule), token expiry, sign-in
//! failures per client address kept in the database (shared by every server process), and the
//! client address on audit rows.

use sea_orm_migration::{prelude::*, schema::*};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m0010_account_life_cycle"
    }
}

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
    MustChangePassword,
    RemovedAt,
    SecondFactor,
    SecondFactorStep,
}

#[derive(DeriveIden)]
enum ApiTokens {
    Table,
    ExpiresAt,
}

#[derive(DeriveIden)]
enum AuditLog {
    Table,
    Client,
}

#[derive(DeriveIden)]
enum PasswordHistory {
    Table,
    Id,
    UserId,
    PasswordHash,
    SetAt,
}

#[derive(DeriveIden)]
enum SignInFailures {
    Table,
    Id,
    Client,
    At,
}

/// One `ALTER TABLE … ADD COLUMN` per column: SQLite takes no more.
async fn add(m: &SchemaManager<'_>, table: impl IntoIden, mut col: ColumnDef) -> Result<(), DbErr> {
    m.alter_table(Table::alter().table(table).add_column(&mut col).to_owned()).await
}

async fn drop(m: &SchemaManager<'_>, table: impl IntoIden, col: impl IntoIden) -> Result<(), DbErr> {
    m.alter_table(Table::alter().table(table).drop_column(col).to_owned()).await
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        add(m, Users::Table, boolean(Users::MustChangePassword).default(false).to_owned()).await?;
        add(m, Users::Table, timestamp_with_time_zone_null(Users::RemovedAt)).await?;
        // The TOTP secret, sealed with the data key like personal data.
        add(m, Users::Table, text_null(Users::SecondFactor)).await?;
        // The last time step accepted: a code is good once.
        add(m, Users::Table, big_integer_null(Users::SecondFactorStep)).await?;
        add(m, ApiTokens::Table, timestamp_with_time_zone_null(ApiTokens::ExpiresAt)).await?;
        add(m, AuditLog::Table, string_len_null(AuditLog::Client, 64)).await?;
        m.create_table(
            Table::create()
                .table(PasswordHistory::Table)
                .col(big_pk_auto(PasswordHistory::Id))
                .col(big_integer(PasswordHistory::UserId))
                .col(string_len(PasswordHistory::PasswordHash, 200))
                .col(timestamp_with_time_zone(PasswordHistory::SetAt))
                .foreign_key(
                    ForeignKey::create()
                        .from(PasswordHistory::Table, PasswordHistory::UserId)
                        .to(Users::Table, Users::Id),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("password_history_user")
                .table(PasswordHistory::Table)
                .col(PasswordHistory::UserId)
                .col(PasswordHistory::SetAt)
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(SignInFailures::Table)
                .col(big_pk_auto(SignInFailures::Id))
                .col(string_len(SignInFailures::Client, 64))
                .col(timestamp_with_time_zone(SignInFailures::At))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("sign_in_failures_client")
                .table(SignInFailures::Table)
                .col(SignInFailures::Client)
                .col(SignInFailures::At)
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create().name("sign_in_failures_at").table(SignInFailures::Table).col(SignInFailures::At).to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(SignInFailures::Table).to_owned()).await?;
        m.drop_table(Table::drop().table(PasswordHistory::Table).to_owned()).await?;
        drop(m, AuditLog::Table, AuditLog::Client).await?;
        drop(m, ApiTokens::Table, ApiTokens::ExpiresAt).await?;
        drop(m, Users::Table, Users::SecondFactorStep).await?;
        drop(m, Users::Table, Users::SecondFactor).await?;
        drop(m, Users::Table, Users::RemovedAt).await?;
        drop(m, Users::Table, Users::MustChangePassword).await
    }
}
