//! Long jobs (imports, reports, whole-tree evaluations) run in the background: the request that
//! starts one returns at once, the page polls the job's progress, and the job finishes even if the
//! browser is closed.
//!
//! Jobs live in the database (the store's `jobs` table), so with several server processes behind a
//! balancer a poll answered by another process still finds the job. The process running a job
//! keeps its working copy in memory and writes it through: at every change of stage or state,
//! and at most every [`SAVE_EVERY`] for row counts.

use chrono::{DateTime, Utc};
use kaohe_domain::UserId;
use kaohe_store::JobFile;
use kaohe_store::Store;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How often a running job's row count is written through at most.
pub const SAVE_EVERY: Duration = Duration::from_millis(300);

/// A running job not written for this long was cut off (its server stopped).
const CUT_OFF_AFTER: chrono::TimeDelta = chrono::TimeDelta::minutes(10);

/// Where a job stands.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum JobState {
    Running {
        done: usize,
    },
    /// Done; `notes` are what it noticed without refusing (an import's warning-level checks).
    Succeeded {
        summary: String,
        #[serde(default)]
        notes: Vec<kaohe_store::RowError>,
        #[serde(default)]
        preview: Option<Preview>,
    },
    Failed {
        summary: String,
        errors: Vec<kaohe_store::RowError>,
        has_report: bool,
    },
}

/// An import's first rows as stored, and whether it was a check awaiting the user's 确认导入.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Preview {
    pub columns: Vec<String>,
    pub rows: Vec<(usize, Vec<String>)>,
    pub confirm: bool,
}

/// One background job.
#[derive(Debug, Clone)]
pub struct Job {
    pub owner: Option<UserId>,
    pub title: String,
    pub started: DateTime<Utc>,
    pub state: JobState,
    /// The error report of a failed import.
    pub report: Option<Vec<u8>>,
    /// What a running job is doing, shown instead of a row count (a report's stages).
    pub stage: Option<String>,
    /// Files a finished job offers for download (a report's formats). Read back from the
    /// database they carry names only; [`Jobs::file`] fetches the bytes.
    pub files: Vec<JobFile>,
}

/// What is stored of a job besides its files.
#[derive(Serialize, Deserialize)]
struct Body {
    title: String,
    started: DateTime<Utc>,
    state: JobState,
    stage: Option<String>,
    files: Vec<String>,
}

impl Job {
    fn body(&self) -> String {
        let body = Body {
            title: self.title.clone(),
            started: self.started,
            state: self.state.clone(),
            stage: self.stage.clone(),
            files: self.files.iter().map(|f| f.name.clone()).collect(),
        };
        serde_json::to_string(&body).unwrap_or_default()
    }

    fn finished(&self) -> bool {
        !matches!(self.state, JobState::Running { .. })
    }

    /// The files to store once finished: the offered ones, then the error report.
    fn stored_files(&self) -> Vec<JobFile> {
        let mut out = self.files.clone();
        if let Some(r) = &self.report {
            out.push(report_file(r.clone()));
        }
        out
    }
}

fn report_file(bytes: Vec<u8>) -> JobFile {
    JobFile {
        name: "导入错误报告.xlsx".to_owned(),
        content_type: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".to_owned(),
        bytes,
    }
}

/// The working copy of a job this process runs.
struct Live {
    job: Job,
    seq: i64,
    saved: Instant,
}

/// The jobs: this process's running ones in memory, everyone's in the database.
#[derive(Clone)]
pub struct Jobs {
    store: Store,
    live: Arc<Mutex<BTreeMap<u64, Live>>>,
}

impl Jobs {
    pub fn new(store: Store) -> Self {
        Self { store, live: Default::default() }
    }

    fn live(&self) -> std::sync::MutexGuard<'_, BTreeMap<u64, Live>> {
        self.live.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Registers a new running job; returns its id.
    pub async fn start(
        &self,
        owner: Option<UserId>,
        title: String,
        now: DateTime<Utc>,
    ) -> Result<u64, kaohe_store::StoreError> {
        let job = Job {
            owner,
            title,
            started: now,
            state: JobState::Running { done: 0 },
            report: None,
            stage: None,
            files: Vec::new(),
        };
        let id = self.store.create_job(owner, &job.body()).await? as u64;
        self.live().insert(id, Live { job, seq: 0, saved: Instant::now() });
        Ok(id)
    }

    /// Updates a job this process runs, and writes it through when its stage or state changed,
    /// when it finished, or when the last write is older than [`SAVE_EVERY`]. A finished job is
    /// dropped from memory once written.
    pub fn update(&self, id: u64, f: impl FnOnce(&mut Job)) {
        let mut live = self.live();
        let Some(l) = live.get_mut(&id) else { return };
        let (stage, running) = (l.job.stage.clone(), std::mem::discriminant(&l.job.state));
        f(&mut l.job);
        let changed = l.job.stage != stage || std::mem::discriminant(&l.job.state) != running;
        if !(changed || l.job.finished() || l.saved.elapsed() >= SAVE_EVERY) {
            return;
        }
        l.seq += 1;
        l.saved = Instant::now();
        let (seq, body, finished) = (l.seq, l.job.body(), l.job.finished());
        let files = if finished { l.job.stored_files() } else { Vec::new() };
        let this = self.clone();
        tokio::spawn(async move {
            match this.store.save_job(id as i64, seq, &body, &files).await {
                Ok(()) if finished => {
                    this.live().remove(&id);
                }
                Ok(()) => {}
                Err(e) => tracing::warn!("job {id} not saved: {e}"),
            }
        });
    }

    /// Ends a job that produces files (a report, an evaluation): succeeded with a summary and
    /// its files, or failed with what went wrong.
    pub fn finish(&self, id: u64, outcome: Result<(String, Vec<JobFile>), String>) {
        self.update(id, |j| {
            j.stage = None;
            match outcome {
                Ok((summary, files)) => {
                    j.state = JobState::Succeeded { summary, notes: Vec::new(), preview: None };
                    j.files = files;
                }
                Err(summary) => j.state = JobState::Failed { summary, errors: Vec::new(), has_report: false },
            }
        });
    }

    /// A job, if `owner` started it: this process's working copy, else the stored one.
    pub async fn get(&self, id: u64, owner: Option<UserId>) -> Result<Option<Job>, kaohe_store::StoreError> {
        if let Some(l) = self.live().get(&id) {
            return Ok((l.job.owner == owner).then(|| l.job.clone()));
        }
        let Some(stored) = self.store.job(id as i64, owner).await? else { return Ok(None) };
        let Ok(body) = serde_json::from_str::<Body>(&stored.body) else { return Ok(None) };
        let mut state = body.state;
        if matches!(state, JobState::Running { .. }) && self.store.clock().now() - stored.updated_at > CUT_OFF_AFTER {
            state = JobState::Failed {
                summary: "任务已中断(运行它的服务已停止),请重新开始 / the job was cut off (its server stopped); start it again"
                    .to_owned(),
                errors: Vec::new(),
                has_report: false,
            };
        }
        let files = body
            .files
            .into_iter()
            .map(|name| JobFile { name, content_type: String::new(), bytes: Vec::new() })
            .collect();
        Ok(Some(Job { owner, title: body.title, started: body.started, state, report: None, stage: body.stage, files }))
    }

    /// The `n`-th file of a finished job `owner` started (the error report comes after the
    /// offered files).
    pub async fn file(
        &self,
        id: u64,
        n: usize,
        owner: Option<UserId>,
    ) -> Result<Option<JobFile>, kaohe_store::StoreError> {
        if let Some(l) = self.live().get(&id) {
            return Ok(l.job.stored_files().into_iter().nth(n).filter(|_| l.job.owner == owner));
        }
        self.store.job_file(id as i64, n, owner).await
    }

    /// The error report of a failed import `owner` started.
    pub async fn error_report(
        &self,
        id: u64,
        owner: Option<UserId>,
    ) -> Result<Option<Vec<u8>>, kaohe_store::StoreError> {
        let Some(j) = self.get(id, owner).await? else { return Ok(None) };
        if !matches!(j.state, JobState::Failed { has_report: true, .. }) {
            return Ok(None);
        }
        if let Some(r) = j.report {
            return Ok(Some(r));
        }
        Ok(self.file(id, j.files.len(), owner).await?.map(|f| f.bytes))
    }
}
