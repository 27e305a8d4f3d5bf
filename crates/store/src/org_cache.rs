//! The org tree cached in memory, so a subtree listing is a binary search over paths instead of a
//! query returning up to 100,000 rows. Every org write bumps `org_version` in the `meta` table in
//! its own transaction; each read compares versions (one tiny query) and reloads when another
//! request or another server process changed the tree.

use crate::{StoreError, orgs};
use kaohe_domain::org::pinyin_initials_all;
use kaohe_domain::{Org, OrgId, OrgPath};
use sea_orm::{ConnectionTrait, Statement};
use std::collections::HashMap;
use std::sync::Arc;
use tokio::sync::RwLock;

/// Every org, sorted by path, where each id sits, and what a search looks in.
#[derive(Debug, Default)]
pub struct OrgIndex {
    orgs: Vec<Org>,
    by_id: HashMap<OrgId, usize>,
    /// Every org's searchable text one after another, in `orgs`' order, lower case: `\u{1}`
    /// before each of name, short name and code, then `\u{2}` before each spelling of the pinyin
    /// initials of the name and of the short name (so an initials query is anchored at their
    /// start by searching `\u{2}` + query).
    haystack: String,
    /// `starts[i]`: where org `i`'s text begins in `haystack` (one more entry: the end).
    starts: Vec<usize>,
    /// `initials[i]`: where org `i`'s initials begin.
    initials: Vec<usize>,
}

impl OrgIndex {
    fn new(orgs: Vec<Org>) -> Self {
        use std::fmt::Write;
        let by_id = orgs.iter().enumerate().map(|(i, o)| (o.id, i)).collect();
        let (mut haystack, mut starts, mut initials) = (String::new(), Vec::new(), Vec::new());
        for o in &orgs {
            starts.push(haystack.len());
            let short = o.short_name.as_deref().unwrap_or_default();
            let _ = write!(
                haystack,
                "\u{1}{}\u{1}{}\u{1}{}",
                o.name.to_lowercase(),
                short.to_lowercase(),
                o.code.as_str().to_lowercase()
            );
            initials.push(haystack.len());
            for spelling in pinyin_initials_all(&o.name).into_iter().chain(pinyin_initials_all(short)) {
                let _ = write!(haystack, "\u{2}{spelling}");
            }
        }
        starts.push(haystack.len());
        Self { orgs, by_id, haystack, starts, initials }
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
    /// match whatever their case. One SIMD scan over the subtree's part of the haystack.
    pub fn search(&self, root: Option<&OrgPath>, q: &str, limit: usize) -> Vec<Org> {
        let lower = q.trim().to_lowercase().replace(['\u{1}', '\u{2}'], "");
        if lower.is_empty() || limit == 0 {
            return Vec::new();
        }
        let range = self.range(root);
        let (lo, hi) = (self.starts[range.start], self.starts[range.end]);
        let hay = &self.haystack.as_bytes()[lo..hi];
        let org_at = |pos: usize| self.starts.partition_point(|&s| s <= lo + pos) - 1;
        // Text matches (before the org's initials), then initials matches; each in path order.
        let mut text: Vec<usize> = Vec::new();
        for pos in memchr::memmem::find_iter(hay, lower.as_bytes()) {
            let i = org_at(pos);
            if lo + pos < self.initials[i] && text.last() != Some(&i) {
                text.push(i);
                if text.len() == limit {
                    break;
                }
            }
        }
        let mut initials: Vec<usize> = Vec::new();
        if lower.chars().all(|c| c.is_ascii_alphanumeric()) {
            let anchored = format!("\u{2}{lower}");
            for pos in memchr::memmem::find_iter(hay, anchored.as_bytes()) {
                let i = org_at(pos);
                if initials.last() != Some(&i) {
                    initials.push(i);
                    if initials.len() == limit {
                        break;
                    }
                }
            }
        }
        text.extend(initials);
        text.sort_unstable();
        text.dedup();
        text.into_iter().take(limit).map(|i| self.orgs[i].clone()).collect()
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
