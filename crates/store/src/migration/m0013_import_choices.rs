//! The column choices a user confirmed for a registry's import at an org (the headers left out,
//! the header row), offered again on the next import there.

use sea_orm_migration::{prelude::*, schema::*};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m0013_import_choices"
    }
}

#[derive(DeriveIden)]
enum ImportChoices {
    Table,
    OrgId,
    Registry,
    IgnoredHeaders,
    HeaderRow,
    Author,
    UpdatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(ImportChoices::Table)
                .col(big_integer(ImportChoices::OrgId))
                .col(string_len(ImportChoices::Registry, 64))
                // The headers left out, one per line.
                .col(text(ImportChoices::IgnoredHeaders))
                .col(integer_null(ImportChoices::HeaderRow))
                .col(string_len(ImportChoices::Author, 64))
                .col(timestamp_with_time_zone(ImportChoices::UpdatedAt))
                .primary_key(Index::create().col(ImportChoices::OrgId).col(ImportChoices::Registry))
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(ImportChoices::Table).to_owned()).await
    }
}
