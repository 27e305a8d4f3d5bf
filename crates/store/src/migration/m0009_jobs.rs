//! Background jobs (imports, reports) kept in the database, so that with several server
//! processes behind a balancer any of them can show a job's progress and hand out its files.

use sea_orm_migration::{prelude::*, schema::*};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m0009_jobs"
    }
}

#[derive(DeriveIden)]
enum Jobs {
    Table,
    Id,
    OwnerId,
    StartedAt,
    UpdatedAt,
    Seq,
    Body,
}

#[derive(DeriveIden)]
enum JobFiles {
    Table,
    Id,
    JobId,
    N,
    Name,
    ContentType,
    Bytes,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Jobs::Table)
                .col(big_pk_auto(Jobs::Id))
                .col(big_integer_null(Jobs::OwnerId))
                .col(timestamp_with_time_zone(Jobs::StartedAt))
                .col(timestamp_with_time_zone(Jobs::UpdatedAt))
                // The writer's sequence number: a slower, older progress write never overwrites
                // a newer one.
                .col(big_integer(Jobs::Seq))
                // The job's state as JSON, written by the web layer.
                .col(text(Jobs::Body))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(JobFiles::Table)
                .col(big_pk_auto(JobFiles::Id))
                .col(big_integer(JobFiles::JobId))
                .col(integer(JobFiles::N))
                .col(string(JobFiles::Name))
                .col(string(JobFiles::ContentType))
                .col(blob(JobFiles::Bytes))
                .foreign_key(
                    ForeignKey::create()
                        .from(JobFiles::Table, JobFiles::JobId)
                        .to(Jobs::Table, Jobs::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("job_files_job")
                .table(JobFiles::Table)
                .col(JobFiles::JobId)
                .col(JobFiles::N)
                .unique()
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(JobFiles::Table).to_owned()).await?;
        m.drop_table(Table::drop().table(Jobs::Table).to_owned()).await
    }
}
