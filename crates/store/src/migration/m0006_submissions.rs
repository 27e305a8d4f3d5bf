//! Submissions (填报) per year, org and request, their workflow history, and evidence files
//! (the files themselves live in the data folder, named by their SHA-256).

use sea_orm_migration::{prelude::*, schema::*};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m0006_submissions"
    }
}

#[derive(DeriveIden)]
enum Submissions {
    Table,
    Id,
    Year,
    OrgId,
    Request,
    State,
    /// `{indicator: exact value}`.
    ValuesJson,
    Narrative,
    Late,
    SubmittedAt,
    ReturnReason,
    Version,
    UpdatedBy,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum SubmissionEvents {
    Table,
    Id,
    SubmissionId,
    At,
    Actor,
    Step,
    Note,
}

#[derive(DeriveIden)]
enum Evidence {
    Table,
    Id,
    SubmissionId,
    FileName,
    Mime,
    Size,
    Sha256,
    UploadedBy,
    UploadedAt,
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
                .table(Submissions::Table)
                .col(big_pk_auto(Submissions::Id))
                .col(integer(Submissions::Year))
                .col(big_integer(Submissions::OrgId))
                .col(string_len(Submissions::Request, 64))
                .col(string_len(Submissions::State, 16))
                .col(text(Submissions::ValuesJson))
                .col(text(Submissions::Narrative))
                .col(boolean(Submissions::Late))
                .col(timestamp_with_time_zone_null(Submissions::SubmittedAt))
                .col(text_null(Submissions::ReturnReason))
                .col(big_integer(Submissions::Version))
                .col(string_len(Submissions::UpdatedBy, 64))
                .col(timestamp_with_time_zone(Submissions::UpdatedAt))
                .foreign_key(
                    ForeignKey::create().from(Submissions::Table, Submissions::OrgId).to(Orgs::Table, Orgs::Id),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("submissions_year_org_request")
                .table(Submissions::Table)
                .col(Submissions::Year)
                .col(Submissions::OrgId)
                .col(Submissions::Request)
                .unique()
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(SubmissionEvents::Table)
                .col(big_pk_auto(SubmissionEvents::Id))
                .col(big_integer(SubmissionEvents::SubmissionId))
                .col(timestamp_with_time_zone(SubmissionEvents::At))
                .col(string_len(SubmissionEvents::Actor, 64))
                .col(string_len(SubmissionEvents::Step, 16))
                .col(text_null(SubmissionEvents::Note))
                .foreign_key(
                    ForeignKey::create()
                        .from(SubmissionEvents::Table, SubmissionEvents::SubmissionId)
                        .to(Submissions::Table, Submissions::Id),
                )
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(Evidence::Table)
                .col(big_pk_auto(Evidence::Id))
                .col(big_integer(Evidence::SubmissionId))
                .col(string_len(Evidence::FileName, 200))
                .col(string_len(Evidence::Mime, 100))
                .col(big_integer(Evidence::Size))
                .col(string_len(Evidence::Sha256, 64))
                .col(string_len(Evidence::UploadedBy, 64))
                .col(timestamp_with_time_zone(Evidence::UploadedAt))
                .foreign_key(
                    ForeignKey::create()
                        .from(Evidence::Table, Evidence::SubmissionId)
                        .to(Submissions::Table, Submissions::Id),
                )
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(Evidence::Table).to_owned()).await?;
        m.drop_table(Table::drop().table(SubmissionEvents::Table).to_owned()).await?;
        m.drop_table(Table::drop().table(Submissions::Table).to_owned()).await
    }
}
