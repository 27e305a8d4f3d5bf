//! Computed figures kept while nothing they read has changed (the dashboard, an indicator's
//! page): each entry carries the [`DataStamp`] it was computed at — every change counter (org
//! tree, registries, assessment inputs) and the date — and a request whose stamp differs computes
//! afresh. A write in any server process moves a counter, so no process serves figures older
//! than the database. Entries are per viewer (role and scope: what they may see) and per query.

use crate::PageError;
use kaohe_store::{DataStamp, Scoped};
use std::collections::HashMap;
use std::hash::Hash;
use std::sync::{Arc, Mutex};

/// Most entries kept per cache; past it the cache starts again (entries are cheap to recompute).
const MAX_ENTRIES: usize = 256;

/// Whose view an entry is: the role and scope every check is made against.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Viewer {
    role: Option<&'static str>,
    scope: Option<String>,
}

impl Viewer {
    pub fn of(s: &Scoped<'_>) -> Self {
        Viewer { role: s.actor().role().map(|r| r.code()), scope: s.actor().scope().map(|p| p.as_str().to_owned()) }
    }
}

/// Each kept value with the stamp it was computed at.
type Entries<K, V> = HashMap<K, (DataStamp, Arc<V>)>;

/// A cache a server process shares between requests.
pub struct StampCache<K, V>(Arc<Mutex<Entries<K, V>>>);

impl<K, V> Clone for StampCache<K, V> {
    fn clone(&self) -> Self {
        Self(self.0.clone())
    }
}

impl<K, V> Default for StampCache<K, V> {
    fn default() -> Self {
        Self(Arc::new(Mutex::new(HashMap::new())))
    }
}

impl<K: Hash + Eq, V> StampCache<K, V> {
    fn map(&self) -> std::sync::MutexGuard<'_, Entries<K, V>> {
        self.0.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The value for `key` at `stamp`: kept, or computed by `build` and kept.
    pub async fn get_or_build(
        &self,
        key: K,
        stamp: DataStamp,
        build: impl Future<Output = Result<V, PageError>>,
    ) -> Result<Arc<V>, PageError> {
        if let Some((at, v)) = self.map().get(&key)
            && *at == stamp
        {
            return Ok(v.clone());
        }
        let v = Arc::new(build.await?);
        let mut map = self.map();
        if map.len() >= MAX_ENTRIES {
            map.clear();
        }
        map.insert(key, (stamp, v.clone()));
        Ok(v)
    }
}
