//! Audit retention: rows older than the retention period may be purged, so the chain's head also
//! keeps its anchor — the id and hash of the last purged row, from which verification starts —
//! and how many rows were purged.

use sea_orm_migration::{prelude::*, schema::*};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m0008_audit_retention"
    }
}

#[derive(DeriveIden)]
enum AuditHead {
    Table,
    AnchorId,
    AnchorHash,
    Purged,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // One column per statement: SQLite alters one at a time.
        for col in [
            big_integer(AuditHead::AnchorId).default(0i64).to_owned(),
            string_len(AuditHead::AnchorHash, 64).default("").to_owned(),
            big_integer(AuditHead::Purged).default(0i64).to_owned(),
        ] {
            let mut col = col;
            m.alter_table(Table::alter().table(AuditHead::Table).add_column(&mut col).to_owned()).await?;
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for col in [AuditHead::AnchorId, AuditHead::AnchorHash, AuditHead::Purged] {
            m.alter_table(Table::alter().table(AuditHead::Table).drop_column(col).to_owned()).await?;
        }
        Ok(())
    }
}
