//! Background jobs in the database: any server process behind a balancer can show a job's
//! progress and hand out its files, whichever process runs it. The state itself is the web
//! layer's (JSON in `body`); here are only rows, their owner and the order of writes.

use crate::{Store, StoreError};
use chrono::{DateTime, Utc};
use kaohe_domain::UserId;
use sea_orm::ConnectionTrait;
use sea_orm::sea_query::{Alias, Expr, ExprTrait, Query};

/// How many jobs are kept; older ones (and their files) are deleted when a job starts.
pub const KEPT_JOBS: i64 = 500;

fn col(name: &str) -> Expr {
    Expr::col(Alias::new(name))
}

/// A file a finished job offers (a report's DOCX, an import's error report).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JobFile {
    pub name: String,
    pub content_type: String,
    pub bytes: Vec<u8>,
}

/// A job as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredJob {
    pub id: i64,
    pub owner: Option<UserId>,
    pub started_at: DateTime<Utc>,
    /// When a writer last saved it (a running job not saved for long was cut off).
    pub updated_at: DateTime<Utc>,
    pub body: String,
}

impl Store {
    /// Records a new job started by `owner` and returns its id; drops the oldest beyond
    /// [`KEPT_JOBS`].
    pub async fn create_job(&self, owner: Option<UserId>, body: &str) -> Result<i64, StoreError> {
        let now = self.clock.now();
        let txn = crate::db::begin_write(&self.db).await?;
        let q = Query::insert()
            .into_table(Alias::new("jobs"))
            .columns(["owner_id", "started_at", "updated_at", "seq", "body"].map(Alias::new))
            .values_panic([owner.map(|o| o.0).into(), now.into(), now.into(), 0i64.into(), body.into()])
            .returning_col(Alias::new("id"))
            .to_owned();
        let backend = txn.get_database_backend();
        let row = txn.query_one_raw(backend.build(&q)).await?.ok_or_else(|| StoreError::Corrupt("no id".into()))?;
        let id: i64 = row.try_get_by_index(0)?;
        let old = id - KEPT_JOBS;
        let files = Query::delete().from_table(Alias::new("job_files")).and_where(col("job_id").lte(old)).to_owned();
        txn.execute_raw(backend.build(&files)).await?;
        let jobs = Query::delete().from_table(Alias::new("jobs")).and_where(col("id").lte(old)).to_owned();
        txn.execute_raw(backend.build(&jobs)).await?;
        txn.commit().await?;
        Ok(id)
    }

    /// Saves a job's state as its writer's `seq`-th write, with its files when it has finished;
    /// a write older than the one stored is dropped (progress writes may land out of order).
    pub async fn save_job(&self, id: i64, seq: i64, body: &str, files: &[JobFile]) -> Result<(), StoreError> {
        let txn = crate::db::begin_write(&self.db).await?;
        let backend = txn.get_database_backend();
        let q = Query::update()
            .table(Alias::new("jobs"))
            .value(Alias::new("seq"), seq)
            .value(Alias::new("body"), body)
            .value(Alias::new("updated_at"), self.clock.now())
            .and_where(col("id").eq(id))
            .and_where(col("seq").lt(seq))
            .to_owned();
        let written = txn.execute_raw(backend.build(&q)).await?.rows_affected() == 1;
        if written && !files.is_empty() {
            let mut ins = Query::insert();
            ins.into_table(Alias::new("job_files"))
                .columns(["job_id", "n", "name", "content_type", "bytes"].map(Alias::new));
            for (n, f) in files.iter().enumerate() {
                ins.values_panic([
                    id.into(),
                    (n as i32).into(),
                    f.name.as_str().into(),
                    f.content_type.as_str().into(),
                    f.bytes.clone().into(),
                ]);
            }
            txn.execute_raw(backend.build(&ins)).await?;
        }
        txn.commit().await?;
        Ok(())
    }

    /// A job, if `owner` started it.
    pub async fn job(&self, id: i64, owner: Option<UserId>) -> Result<Option<StoredJob>, StoreError> {
        let q = Query::select()
            .columns(["id", "owner_id", "started_at", "updated_at", "body"].map(Alias::new))
            .from(Alias::new("jobs"))
            .and_where(col("id").eq(id))
            .to_owned();
        let Some(r) = self.db.query_one_raw(self.db.get_database_backend().build(&q)).await? else {
            return Ok(None);
        };
        let job = StoredJob {
            id: r.try_get("", "id")?,
            owner: r.try_get::<Option<i64>>("", "owner_id")?.map(UserId),
            started_at: r.try_get("", "started_at")?,
            updated_at: r.try_get("", "updated_at")?,
            body: r.try_get("", "body")?,
        };
        Ok((job.owner == owner).then_some(job))
    }

    /// The `n`-th file of a job `owner` started.
    pub async fn job_file(&self, id: i64, n: usize, owner: Option<UserId>) -> Result<Option<JobFile>, StoreError> {
        if self.job(id, owner).await?.is_none() {
            return Ok(None);
        }
        let q = Query::select()
            .columns(["name", "content_type", "bytes"].map(Alias::new))
            .from(Alias::new("job_files"))
            .and_where(col("job_id").eq(id))
            .and_where(col("n").eq(n as i32))
            .to_owned();
        let row = self.db.query_one_raw(self.db.get_database_backend().build(&q)).await?;
        row.map(|r| {
            Ok(JobFile {
                name: r.try_get("", "name")?,
                content_type: r.try_get("", "content_type")?,
                bytes: r.try_get("", "bytes")?,
            })
        })
        .transpose()
    }
}
