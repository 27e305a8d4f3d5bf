//! The federation's own layer over the built-in pack (ADR 0013): every published version of its
//! rulebooks, indicators, report templates and holiday notices, and the drafts being edited.

use sea_orm_migration::{prelude::*, schema::*};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m0011_federation_layer"
    }
}

#[derive(DeriveIden)]
enum PackItems {
    Table,
    Id,
    Path,
    Version,
    Body,
    Author,
    CreatedAt,
}

#[derive(DeriveIden)]
enum PackDrafts {
    Table,
    Path,
    Body,
    Author,
    UpdatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(PackItems::Table)
                .col(big_pk_auto(PackItems::Id))
                // Where the file sits in a pack folder: `rulebooks/2026.toml`.
                .col(string_len(PackItems::Path, 120))
                .col(integer(PackItems::Version))
                // NULL: withdrawn (the built-in file, if any, applies again).
                .col(text_null(PackItems::Body))
                .col(string_len(PackItems::Author, 64))
                .col(timestamp_with_time_zone(PackItems::CreatedAt))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("pack_items_path_version")
                .table(PackItems::Table)
                .col(PackItems::Path)
                .col(PackItems::Version)
                .unique()
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(PackDrafts::Table)
                .col(string_len(PackDrafts::Path, 120).primary_key())
                .col(text(PackDrafts::Body))
                .col(string_len(PackDrafts::Author, 64))
                .col(timestamp_with_time_zone(PackDrafts::UpdatedAt))
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(PackDrafts::Table).to_owned()).await?;
        m.drop_table(Table::drop().table(PackItems::Table).to_owned()).await
    }
}
