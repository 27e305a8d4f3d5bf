//! An org's groups for assessment (考核分组): rulebooks and submission requests name 组织部 or
//! 县市区 by group or code, never by the org's name.
//!
//! Upgrading, each department takes its own short name (or name) as its one group, so a
//! rulebook that named departments before keeps choosing the same ones.

use sea_orm_migration::{prelude::*, schema::*};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m0012_org_groups"
    }
}

#[derive(DeriveIden)]
enum Orgs {
    Table,
    AssessGroups,
    ShortName,
    Name,
    Kind,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // The groups joined by 、 (a group never holds one).
        m.alter_table(
            Table::alter().table(Orgs::Table).add_column(string_len(Orgs::AssessGroups, 200).default("")).to_owned(),
        )
        .await?;
        let backfill = Query::update()
            .table(Orgs::Table)
            .value(Orgs::AssessGroups, Func::coalesce([Expr::col(Orgs::ShortName), Expr::col(Orgs::Name)]))
            .and_where(Expr::col(Orgs::Kind).eq("department"))
            .to_owned();
        m.exec_stmt(backfill).await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(Table::alter().table(Orgs::Table).drop_column(Orgs::AssessGroups).to_owned()).await
    }
}
