//! A small key–value table for counters shared by every server process (e.g. the org tree's
//! version, which tells each process when its cached tree is stale).

use sea_orm_migration::{prelude::*, schema::*};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m0003_meta"
    }
}

#[derive(DeriveIden)]
enum Meta {
    Table,
    Key,
    Value,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Meta::Table)
                .col(string_len(Meta::Key, 40).primary_key())
                .col(big_integer(Meta::Value))
                .to_owned(),
        )
        .await?;
        let insert = Query::insert()
            .into_table(Meta::Table)
            .columns([Meta::Key, Meta::Value])
            .values_panic(["org_version".into(), 0i64.into()])
            .to_owned();
        m.exec_stmt(insert).await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(Meta::Table).to_owned()).await
    }
}
