//! The dashboard's computed figures, kept while nothing they read has changed: each entry carries
//! the [`DataStamp`] it was computed at (every change counter — org tree, registries, assessment
//! inputs — and the date), and a request whose stamp differs computes afresh. A write in any
//! server process moves a counter, so no process serves figures older than the database.
//! Entries are per role and scope (what the viewer may see) and per query.

use super::data::{Dashboard, Thresholds};
use crate::PageError;
use kaohe_store::{DataStamp, Scoped};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// Most entries kept; past it the cache starts again (entries are cheap to recompute).
const MAX_ENTRIES: usize = 256;

/// What a dashboard depends on besides the data: who looks, at what, how.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Key {
    role: Option<&'static str>,
    scope: Option<String>,
    org: i64,
    year: i32,
    trend: Vec<String>,
    en: bool,
    high: u32,
    low: u32,
}

impl Key {
    pub fn new(s: &Scoped<'_>, org: i64, year: i32, trend: &[String], en: bool, th: Thresholds) -> Self {
        Key {
            role: s.actor().role().map(|r| r.code()),
            scope: s.actor().scope().map(|p| p.as_str().to_owned()),
            org,
            year,
            trend: trend.to_vec(),
            en,
            high: th.high,
            low: th.low,
        }
    }
}

/// Each kept dashboard with the stamp it was computed at.
type Entries = HashMap<Key, (DataStamp, Arc<Dashboard>)>;

/// The cache a server process shares between requests.
#[derive(Clone, Default)]
pub struct DashboardCache(Arc<Mutex<Entries>>);

impl DashboardCache {
    fn map(&self) -> std::sync::MutexGuard<'_, Entries> {
        self.0.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The dashboard for `key` at `stamp`: kept, or computed by `build` and kept.
    pub async fn get_or_build(
        &self,
        key: Key,
        stamp: DataStamp,
        build: impl Future<Output = Result<Dashboard, PageError>>,
    ) -> Result<Arc<Dashboard>, PageError> {
        if let Some((at, d)) = self.map().get(&key)
            && *at == stamp
        {
            return Ok(d.clone());
        }
        let d = Arc::new(build.await?);
        let mut map = self.map();
        if map.len() >= MAX_ENTRIES {
            map.clear();
        }
        map.insert(key, (stamp, d.clone()));
        Ok(d)
    }
}
