//! Bookkeeping for registry tables (which are created from pack definitions at start) and the
//! history of every record change.

use sea_orm_migration::{prelude::*, schema::*};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m0002_registries"
    }
}

#[derive(DeriveIden)]
enum RegistryColumns {
    Table,
    Registry,
    Field,
    SqlType,
    Sensitive,
}

#[derive(DeriveIden)]
enum RecordHistory {
    Table,
    Id,
    Registry,
    RecordId,
    Version,
    At,
    Actor,
    Action,
    Data,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(RegistryColumns::Table)
                .col(string_len(RegistryColumns::Registry, 40))
                .col(string_len(RegistryColumns::Field, 40))
                .col(string_len(RegistryColumns::SqlType, 16))
                .col(boolean(RegistryColumns::Sensitive))
                .primary_key(Index::create().col(RegistryColumns::Registry).col(RegistryColumns::Field))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(RecordHistory::Table)
                .col(big_pk_auto(RecordHistory::Id))
                .col(string_len(RecordHistory::Registry, 40))
                .col(big_integer(RecordHistory::RecordId))
                .col(big_integer(RecordHistory::Version))
                .col(timestamp_with_time_zone(RecordHistory::At))
                .col(string_len(RecordHistory::Actor, 64))
                .col(string_len(RecordHistory::Action, 16))
                .col(text(RecordHistory::Data))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("record_history_record")
                .table(RecordHistory::Table)
                .col(RecordHistory::Registry)
                .col(RecordHistory::RecordId)
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(RecordHistory::Table).to_owned()).await?;
        m.drop_table(Table::drop().table(RegistryColumns::Table).to_owned()).await
    }
}
