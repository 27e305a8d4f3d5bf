//! A change counter per registry. Every write to a registry bumps its counter in the writing
//! transaction; the indicator engine's snapshot compares counters and reloads only the registries
//! that changed, in this process or any other.

use sea_orm_migration::{prelude::*, schema::*};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m0004_registry_versions"
    }
}

#[derive(DeriveIden)]
enum RegistryVersion {
    Table,
    Registry,
    Version,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(RegistryVersion::Table)
                .col(string_len(RegistryVersion::Registry, 64).primary_key())
                .col(big_integer(RegistryVersion::Version))
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(RegistryVersion::Table).to_owned()).await
    }
}
