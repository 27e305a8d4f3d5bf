//! Targets assigned per org and year, and published assessments: immutable snapshots (figures,
//! scores, rulebook version) numbered per year and assessing org.

use sea_orm_migration::{prelude::*, schema::*};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m0005_assessments"
    }
}

#[derive(DeriveIden)]
enum Targets {
    Table,
    Id,
    Year,
    OrgId,
    Item,
    /// The target × 10,000 (whole numbers, money in yuan, rates as fractions: 95% = 9500).
    ValueE4,
    AssignedBy,
    AssignedAt,
}

#[derive(DeriveIden)]
enum Assessments {
    Table,
    Id,
    Year,
    OrgId,
    Version,
    RulebookVersion,
    PublishedAt,
    PublishedBy,
    Content,
    Digest,
}

#[derive(DeriveIden)]
enum Orgs {
    Table,
    Id,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Targets::Table)
                .col(big_pk_auto(Targets::Id))
                .col(integer(Targets::Year))
                .col(big_integer(Targets::OrgId))
                .col(string_len(Targets::Item, 64))
                .col(big_integer(Targets::ValueE4))
                .col(string_len(Targets::AssignedBy, 64))
                .col(timestamp_with_time_zone(Targets::AssignedAt))
                .foreign_key(ForeignKey::create().from(Targets::Table, Targets::OrgId).to(Orgs::Table, Orgs::Id))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("targets_year_org_item")
                .table(Targets::Table)
                .col(Targets::Year)
                .col(Targets::OrgId)
                .col(Targets::Item)
                .unique()
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(Assessments::Table)
                .col(big_pk_auto(Assessments::Id))
                .col(integer(Assessments::Year))
                .col(big_integer(Assessments::OrgId))
                .col(integer(Assessments::Version))
                .col(string_len(Assessments::RulebookVersion, 32))
                .col(timestamp_with_time_zone(Assessments::PublishedAt))
                .col(string_len(Assessments::PublishedBy, 64))
                .col(text(Assessments::Content))
                .col(string_len(Assessments::Digest, 64))
                .foreign_key(
                    ForeignKey::create().from(Assessments::Table, Assessments::OrgId).to(Orgs::Table, Orgs::Id),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("assessments_year_org_version")
                .table(Assessments::Table)
                .col(Assessments::Year)
                .col(Assessments::OrgId)
                .col(Assessments::Version)
                .unique()
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(Assessments::Table).to_owned()).await?;
        m.drop_table(Table::drop().table(Targets::Table).to_owned()).await
    }
}
