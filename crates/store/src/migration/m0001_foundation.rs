//! Orgs, users, login failures, API tokens, sessions and the audit log.

use sea_orm_migration::{prelude::*, schema::*};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m0001_foundation"
    }
}

#[derive(DeriveIden)]
enum Orgs {
    Table,
    Id,
    Code,
    Name,
    ShortName,
    Kind,
    ParentId,
    SortKey,
    Path,
    Depth,
    OpenedOn,
    ClosedOn,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
    Username,
    DisplayName,
    OrgId,
    Role,
    PasswordHash,
    Language,
    Disabled,
    UnlockedAt,
    PasswordChangedAt,
    CreatedAt,
}

#[derive(DeriveIden)]
enum LoginFailures {
    Table,
    Id,
    Username,
    At,
}

#[derive(DeriveIden)]
enum ApiTokens {
    Table,
    Id,
    UserId,
    Name,
    TokenHash,
    CreatedAt,
    LastUsedAt,
    RevokedAt,
}

#[derive(DeriveIden)]
enum Sessions {
    Table,
    IdHash,
    Data,
    ExpiresAt,
}

#[derive(DeriveIden)]
enum AuditLog {
    Table,
    Id,
    At,
    Actor,
    ActorUserId,
    Action,
    Entity,
    EntityId,
    ScopePath,
    Summary,
    BeforeDigest,
    AfterDigest,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Orgs::Table)
                .col(big_pk_auto(Orgs::Id))
                .col(string_len_uniq(Orgs::Code, 32))
                .col(string_len(Orgs::Name, 200))
                .col(string_len_null(Orgs::ShortName, 100))
                .col(string_len(Orgs::Kind, 16))
                .col(big_integer_null(Orgs::ParentId))
                .col(integer(Orgs::SortKey))
                .col(string_len(Orgs::Path, 400))
                .col(integer(Orgs::Depth))
                .col(date(Orgs::OpenedOn))
                .col(date_null(Orgs::ClosedOn))
                .col(timestamp_with_time_zone(Orgs::CreatedAt))
                .col(timestamp_with_time_zone(Orgs::UpdatedAt))
                .foreign_key(ForeignKey::create().from(Orgs::Table, Orgs::ParentId).to(Orgs::Table, Orgs::Id))
                .to_owned(),
        )
        .await?;
        m.create_index(Index::create().name("orgs_path").table(Orgs::Table).col(Orgs::Path).unique().to_owned())
            .await?;
        m.create_index(
            Index::create()
                .name("orgs_parent_sort")
                .table(Orgs::Table)
                .col(Orgs::ParentId)
                .col(Orgs::SortKey)
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(Users::Table)
                .col(big_pk_auto(Users::Id))
                .col(string_len_uniq(Users::Username, 64))
                .col(string_len(Users::DisplayName, 100))
                .col(big_integer(Users::OrgId))
                .col(string_len(Users::Role, 32))
                .col(string_len(Users::PasswordHash, 200))
                .col(string_len(Users::Language, 8))
                .col(boolean(Users::Disabled))
                .col(timestamp_with_time_zone_null(Users::UnlockedAt))
                .col(timestamp_with_time_zone(Users::PasswordChangedAt))
                .col(timestamp_with_time_zone(Users::CreatedAt))
                .foreign_key(ForeignKey::create().from(Users::Table, Users::OrgId).to(Orgs::Table, Orgs::Id))
                .to_owned(),
        )
        .await?;
        m.create_index(Index::create().name("users_org").table(Users::Table).col(Users::OrgId).to_owned()).await?;

        m.create_table(
            Table::create()
                .table(LoginFailures::Table)
                .col(big_pk_auto(LoginFailures::Id))
                .col(string_len(LoginFailures::Username, 64))
                .col(timestamp_with_time_zone(LoginFailures::At))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("login_failures_user_at")
                .table(LoginFailures::Table)
                .col(LoginFailures::Username)
                .col(LoginFailures::At)
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(ApiTokens::Table)
                .col(big_pk_auto(ApiTokens::Id))
                .col(big_integer(ApiTokens::UserId))
                .col(string_len(ApiTokens::Name, 100))
                .col(string_len_uniq(ApiTokens::TokenHash, 64))
                .col(timestamp_with_time_zone(ApiTokens::CreatedAt))
                .col(timestamp_with_time_zone_null(ApiTokens::LastUsedAt))
                .col(timestamp_with_time_zone_null(ApiTokens::RevokedAt))
                .foreign_key(ForeignKey::create().from(ApiTokens::Table, ApiTokens::UserId).to(Users::Table, Users::Id))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(Sessions::Table)
                .col(string_len(Sessions::IdHash, 64).primary_key())
                .col(text(Sessions::Data))
                .col(big_integer(Sessions::ExpiresAt))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create().name("sessions_expires").table(Sessions::Table).col(Sessions::ExpiresAt).to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(AuditLog::Table)
                .col(big_pk_auto(AuditLog::Id))
                .col(timestamp_with_time_zone(AuditLog::At))
                .col(string_len(AuditLog::Actor, 64))
                .col(big_integer_null(AuditLog::ActorUserId))
                .col(string_len(AuditLog::Action, 32))
                .col(string_len(AuditLog::Entity, 32))
                .col(string_len_null(AuditLog::EntityId, 64))
                .col(string_len(AuditLog::ScopePath, 400))
                .col(text(AuditLog::Summary))
                .col(string_len_null(AuditLog::BeforeDigest, 64))
                .col(string_len_null(AuditLog::AfterDigest, 64))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("audit_scope_id")
                .table(AuditLog::Table)
                .col(AuditLog::ScopePath)
                .col(AuditLog::Id)
                .to_owned(),
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in [
            AuditLog::Table.into_iden(),
            Sessions::Table.into_iden(),
            ApiTokens::Table.into_iden(),
            LoginFailures::Table.into_iden(),
            Users::Table.into_iden(),
            Orgs::Table.into_iden(),
        ] {
            m.drop_table(Table::drop().table(t).to_owned()).await?;
        }
        Ok(())
    }
}
