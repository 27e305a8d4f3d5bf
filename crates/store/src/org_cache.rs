//! The org tree cached in memory, so a subtree listing is a binary search over paths instead of a
//! query returning up to 100,000 rows. Every org write bumps `org_version` in the `meta` table in
//! its own transaction; each read compares versions (one tiny query) and reloads when another
//! request or another server process changed the tree.

use crate::{StoreError, orgs};
use kaohe_domain::org::pinyin_initials;
use kaohe_domain::{Org, OrgId, OrgPath};
use sea_orm::{ConnectionTrait, Statement};
use std::collections::HashMap;
use std::sync::Arc;
use tokio::sync::RwLock;

/// Every org, sorted by path, where each id sits, and each name's pinyin initials.
#[derive(Debug, Default)]
pub struct OrgIndex {
    orgs: Vec<Org>,
    by_id: HashMap<OrgId, usize>,
    /// `haystack[i]`: what a search looks in for `orgs[i]`, lower case: name, short name and
    /// code, each after a `\u{1}`, then the initials of the name and of the short name, each
    /// after a `\u{2}` (so an initials query can be anchored at their start).
    haystack: Vec<String>,
}

impl OrgIndex {
    fn new(orgs: Vec<Org>) -> Self {
        let by_id = orgs.iter().enumerate().map(|(i, o)| (o.id, i)).collect();
        let haystack = orgs
            .iter()
            .map(|o| {
                let short = o.short_name.as_deref().unwrap_or_default();
                format!(
                    "\u{1}{}\u{1}{}\u{1}{}\u{2}{}\u{2}{}",
                    o.name.to_lowercase(),
                    short.to_lowercase(),
                    o.code.as_str().to_lowercase(),
                    pinyin_initials(&o.name),
                    pinyin_initials(short)
                )
            })
            .collect();
        Self { orgs, by_id, haystack }
    }

    /// One org by id.
    pub fn get(&self, id: OrgId) -> Option<&Org> {
        self.by_id.get(&id).map(|&i| &self.orgs[i])
    }

    /// True when every org lies at or below `root` (the scope of a single top org): a query
    /// over that subtree needs no filter by org.
    pub fn covers_all(&self, root: &OrgPath) -> bool {
        self.orgs.first().is_some_and(|o| root.contains(&o.path))
            && self.orgs.last().is_some_and(|o| root.contains(&o.path))
    }

    /// Where the subtree at `root` lies in `orgs` (everything for `None`).
    fn range(&self, root: Option<&OrgPath>) -> std::ops::Range<usize> {
        match root {
            None => 0..self.orgs.len(),
            Some(p) => {
                let lo = self.orgs.partition_point(|o| o.path.as_str() < p.as_str());
                let succ = p.successor();
                let hi = self.orgs.partition_point(|o| o.path.as_str() < succ.as_str());
                lo..hi
            }
        }
    }

    /// The subtree at `root` (all orgs for `None`), in path order.
    pub fn subtree(&self, root: Option<&OrgPath>, include_closed: bool) -> Vec<Org> {
        self.orgs[self.range(root)].iter().filter(|o| include_closed || o.closed_on.is_none()).cloned().collect()
    }

    /// Orgs of the subtree at `root` whose name, short name or code contains `q`, or whose
    /// pinyin initials begin with it (`hy` finds 衡阳…), at most `limit`, in path order. Letters
    /// match whatever their case.
    pub fn search(&self, root: Option<&OrgPath>, q: &str, limit: usize) -> Vec<Org> {
        let q = q.trim();
        if q.is_empty() {
            return Vec::new();
        }
        let lower = q.to_lowercase().replace(['\u{1}', '\u{2}'], "");
        if lower.is_empty() {
            return Vec::new();
        }
        let anchored = format!("\u{2}{lower}");
        let by_initials = lower.chars().all(|c| c.is_ascii_alphanumeric());
        let hit = |i: usize| {
            let h = &self.haystack[i];
            let (text, initials) = h.split_at(h.find('\u{2}').unwrap_or(h.len()));
            text.contains(&lower) || by_initials && initials.contains(&anchored)
        };
        self.range(root).filter(|&i| hit(i)).take(limit).map(|i| self.orgs[i].clone()).collect()
    }
}

/// A tree and the version it was loaded at.
type Versioned = Option<(i64, Arc<OrgIndex>)>;

/// The cache a store shares between its clones.
#[derive(Debug, Default, Clone)]
pub struct OrgCache(Arc<RwLock<Versioned>>);

/// The tree's version as stored.
pub(crate) async fn version<C: ConnectionTrait>(conn: &C) -> Result<i64, StoreError> {
    let row = conn
        .query_one_raw(Statement::from_string(
            conn.get_database_backend(),
            "SELECT value FROM meta WHERE key = 'org_version'",
        ))
        .await?;
    Ok(row.map(|r| r.try_get_by_index::<i64>(0)).transpose()?.unwrap_or(0))
}

/// Marks the tree changed (call inside the writing transaction).
pub(crate) async fn bump<C: ConnectionTrait>(conn: &C) -> Result<(), StoreError> {
    conn.execute_unprepared("UPDATE meta SET value = value + 1 WHERE key = 'org_version'").await?;
    Ok(())
}

impl OrgCache {
    /// The current tree, reloaded if the stored version moved on.
    pub async fn get<C: ConnectionTrait>(&self, conn: &C) -> Result<Arc<OrgIndex>, StoreError> {
        self.get_at(conn, version(conn).await?).await
    }

    /// The tree at the stored version `v`, just read by the caller.
    pub async fn get_at<C: ConnectionTrait>(&self, conn: &C, v: i64) -> Result<Arc<OrgIndex>, StoreError> {
        if let Some((cv, idx)) = self.0.read().await.as_ref()
            && *cv == v
        {
            return Ok(idx.clone());
        }
        let mut guard = self.0.write().await;
        if let Some((cv, idx)) = guard.as_ref()
            && *cv == v
        {
            return Ok(idx.clone());
        }
        let idx = Arc::new(OrgIndex::new(orgs::subtree(conn, None, true).await?));
        *guard = Some((v, idx.clone()));
        Ok(idx)
    }
}
