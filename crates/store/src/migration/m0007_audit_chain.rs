//! The audit log as a hash chain: each row keeps the SHA-256 of the previous row's hash and its
//! own content, and one head row holds the last hash and the row count, so an edited, deleted or
//! truncated log is detected (`kaohe audit verify`). Rows written before this migration are
//! chained by `Store::migrate` right after it runs (SQL cannot compute the hashes portably).

use sea_orm_migration::{prelude::*, schema::*};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m0007_audit_chain"
    }
}

#[derive(DeriveIden)]
enum AuditLog {
    Table,
    RowHash,
}

#[derive(DeriveIden)]
enum AuditHead {
    Table,
    Id,
    LastId,
    LastHash,
    Rows,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter().table(AuditLog::Table).add_column(string_len_null(AuditLog::RowHash, 64)).to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(AuditHead::Table)
                .col(integer(AuditHead::Id).primary_key())
                .col(big_integer(AuditHead::LastId))
                .col(string_len(AuditHead::LastHash, 64))
                .col(big_integer(AuditHead::Rows))
                .to_owned(),
        )
        .await?;
        m.exec_stmt(
            Query::insert()
                .into_table(AuditHead::Table)
                .columns([AuditHead::Id, AuditHead::LastId, AuditHead::LastHash, AuditHead::Rows])
                .values_panic([1.into(), 0i64.into(), "".into(), 0i64.into()])
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(AuditHead::Table).to_owned()).await?;
        m.alter_table(Table::alter().table(AuditLog::Table).drop_column(AuditLog::RowHash).to_owned()).await
    }
}
