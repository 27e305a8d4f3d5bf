//! The org tree cached in memory, so a subtree listing is a binary search over paths instead of a
//! query returning up to 100,000 rows. Every org write bumps `org_version` in the `meta` table in
//! its own transaction; each read compares versions (one tiny query) and reloads when another
//! request or another server process changed the tree.

use crate::{StoreError, orgs};
use kaohe_domain::{Org, OrgPath};
use sea_orm::{ConnectionTrait, Statement};
use std::sync::Arc;
use tokio::sync::RwLock;

/// Every org, sorted by path.
#[derive(Debug, Default)]
pub struct OrgIndex {
    orgs: Vec<Org>,
}

impl OrgIndex {
    /// The subtree at `root` (all orgs for `None`), in path order.
    pub fn subtree(&self, root: Option<&OrgPath>, include_closed: bool) -> Vec<Org> {
        let slice = match root {
            None => &self.orgs[..],
            Some(p) => {
                let lo = self.orgs.partition_point(|o| o.path.as_str() < p.as_str());
                let succ = p.successor();
                let hi = self.orgs.partition_point(|o| o.path.as_str() < succ.as_str());
                &self.orgs[lo..hi]
            }
        };
        slice.iter().filter(|o| include_closed || o.closed_on.is_none()).cloned().collect()
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
        let v = version(conn).await?;
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
        let idx = Arc::new(OrgIndex { orgs: orgs::subtree(conn, None, true).await? });
        *guard = Some((v, idx.clone()));
        Ok(idx)
    }
}
