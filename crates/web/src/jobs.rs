//! Long jobs (imports, reports) run in the background: the request that starts one returns at once, the
//! page polls the job's progress, and the job finishes even if the browser is closed.

use chrono::{DateTime, Utc};
use kaohe_domain::UserId;
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

/// Where a job stands.
#[derive(Debug, Clone, PartialEq)]
pub enum JobState {
    Running { done: usize },
    Succeeded { summary: String },
    Failed { summary: String, errors: Vec<kaohe_store::RowError>, has_report: bool },
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
    /// Files a finished job offers for download (a report's formats).
    pub files: Vec<JobFile>,
}

/// A file a job produced.
#[derive(Debug, Clone)]
pub struct JobFile {
    pub name: String,
    pub content_type: &'static str,
    pub bytes: Vec<u8>,
}

/// The jobs of this process (jobs are per server process; their effects are in the database).
#[derive(Debug, Clone, Default)]
pub struct Jobs(Arc<Mutex<BTreeMap<u64, Job>>>);

impl Jobs {
    /// Registers a new running job; returns its id.
    pub fn start(&self, owner: Option<UserId>, title: String, now: DateTime<Utc>) -> u64 {
        let mut map = self.0.lock().unwrap_or_else(|e| e.into_inner());
        let id = map.keys().next_back().map_or(1, |k| k + 1);
        map.insert(
            id,
            Job {
                owner,
                title,
                started: now,
                state: JobState::Running { done: 0 },
                report: None,
                stage: None,
                files: Vec::new(),
            },
        );
        // Keep the newest 200 jobs.
        while map.len() > 200 {
            let first = *map.keys().next().unwrap_or(&0);
            map.remove(&first);
        }
        id
    }

    /// Updates a job.
    pub fn update(&self, id: u64, f: impl FnOnce(&mut Job)) {
        if let Some(j) = self.0.lock().unwrap_or_else(|e| e.into_inner()).get_mut(&id) {
            f(j);
        }
    }

    /// A job, if `owner` started it.
    pub fn get(&self, id: u64, owner: Option<UserId>) -> Option<Job> {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).get(&id).filter(|j| j.owner == owner).cloned()
    }
}
