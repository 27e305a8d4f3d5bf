//! Figures and their drill-down, through the actor's scope: a figure of an org is shown only to
//! someone who may read that org's records, and drilled-down records are the scope's, masked.

use super::Scoped;
use crate::registry::records;
use crate::settings;
use crate::snapshot::{Needs, Versions};
use crate::{StoreError, orgs};
use kaohe_domain::indicator::{IndicatorSet, Number, Period, Plan};
use kaohe_domain::record::{Record, RecordId};
use kaohe_domain::{Action, DomainError, Org, OrgId};
use kaohe_engine::{Drilled, Snapshot};
use std::collections::BTreeSet;
use std::sync::Arc;

/// A row of a children table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RowKind {
    /// A direct child, over its whole scope.
    Child,
    /// The org's own records (本级), without its subordinates.
    Own,
    /// The org's whole scope (合计): the children and 本级 together, ratios recomputed.
    Total,
}

/// One row of an org × indicator table.
#[derive(Debug, Clone)]
pub struct FigureRow {
    pub org: Org,
    pub kind: RowKind,
    /// One per plan.
    pub values: Vec<Option<Number>>,
}

/// The fields the plans read, per registry.
pub fn needs(plans: &[&Plan]) -> Needs {
    let mut out = Needs::new();
    for p in plans {
        p.visit_aggs(&mut |a, _| {
            out.entry(a.registry.clone()).or_default().extend(a.fields().into_iter().map(str::to_owned));
        });
    }
    out
}

impl Scoped<'_> {
    /// The installed pack's indicators (definitions are not personal; anyone signed in may see
    /// them).
    pub fn indicators(&self) -> &IndicatorSet {
        &self.layer.parts.indicators
    }

    /// The current year by the store's clock (the default period's reference).
    pub fn now_year(&self) -> i32 {
        use chrono::Datelike;
        self.store.clock.now().year()
    }

    /// The installed registries, for checking formulas.
    pub fn registry_defs(&self) -> &[kaohe_domain::registry::RegistryDef] {
        &self.store.registries
    }

    /// Each plan's figure for each org (over the org's whole scope): `[plan][org]`.
    pub async fn figures(
        &self,
        plans: &[&Plan],
        period: &Period,
        orgs: &[OrgId],
    ) -> Result<Vec<Vec<Option<Number>>>, StoreError> {
        self.check(Action::RecordRead, None)?;
        // One read of the counters for both the scope check (in the cached tree) and the
        // snapshot.
        let at = Versions::read(&self.store.db).await?;
        let tree = self.store.org_cache.get_at(&self.store.db, at.org).await?;
        for o in orgs {
            let org = tree.get(*o).ok_or(DomainError::NotFound)?;
            self.check(Action::RecordRead, Some(&org.path))?;
        }
        let snap = self.store.snapshot_at(&needs(plans), &at).await?;
        let (period_c, orgs_c) = (*period, orgs.to_vec());
        let mut values = self.run_plans(snap, plans, move |s, p, b| s.evaluate_at(p, &period_c, &orgs_c, b)).await?;
        self.fill_manual(plans, period, orgs, &mut values).await?;
        Ok(values)
    }

    /// The org's children (each over its scope), its own records (本级) and its whole scope (合计):
    /// the total is evaluated over the scope, never summed, so ratios come out right.
    pub async fn children_table(
        &self,
        plans: &[&Plan],
        period: &Period,
        org: OrgId,
    ) -> Result<Vec<FigureRow>, StoreError> {
        let parent = self.org(org).await?;
        self.check(Action::RecordRead, Some(&parent.path))?;
        let kids = self.child_orgs(org).await?;
        let snap = self.store.snapshot(&needs(plans)).await?;
        let ids: Vec<OrgId> = kids.iter().map(|o| o.id).chain([org]).collect();
        let (period_c, ids_c) = (*period, ids.clone());
        let (mut scoped, mut own) = self
            .run_plans(snap, plans, move |s, p, b| {
                Ok((s.evaluate_at(p, &period_c, &ids_c, b)?, s.evaluate_own(p, &period_c, &[org], b)?))
            })
            .await?;
        self.fill_manual(plans, period, &ids, &mut scoped).await?;
        self.fill_manual(plans, period, &[org], &mut own).await?;
        let column = |per: &Vec<Vec<Option<Number>>>, i: usize| per.iter().map(|v| v[i]).collect::<Vec<_>>();
        let mut rows: Vec<FigureRow> = kids
            .into_iter()
            .enumerate()
            .map(|(i, o)| FigureRow { org: o, kind: RowKind::Child, values: column(&scoped, i) })
            .collect();
        rows.push(FigureRow { org: parent.clone(), kind: RowKind::Own, values: column(&own, 0) });
        rows.push(FigureRow { org: parent, kind: RowKind::Total, values: column(&scoped, ids.len() - 1) });
        Ok(rows)
    }

    /// Each plan's figure for every org of the actor's scope in one pass: the orgs (pre-order)
    /// and `[plan][org]`.
    pub async fn figures_everywhere(
        &self,
        plans: &[&Plan],
        period: &Period,
    ) -> Result<(Vec<OrgId>, Vec<Vec<Option<Number>>>), StoreError> {
        self.check(Action::RecordRead, None)?;
        let snap = self.store.snapshot(&needs(plans)).await?;
        let period_c = *period;
        let all = self.run_plans(snap.clone(), plans, move |s, p, b| s.evaluate_all(p, &period_c, b)).await?;
        let tree = snap.tree();
        let range = match self.actor.scope() {
            None => 0..tree.len() as u32,
            Some(path) => match path.ids().last().and_then(|root| tree.dense(*root)) {
                Some(d) => d..tree.end(d),
                None => 0..0,
            },
        };
        let orgs: Vec<OrgId> = range.clone().map(|d| tree.org(d)).collect();
        let mut figures: Vec<Vec<Option<Number>>> =
            all.into_iter().map(|v| v[range.start as usize..range.end as usize].to_vec()).collect();
        self.fill_manual(plans, period, &orgs, &mut figures).await?;
        Ok((orgs, figures))
    }

    /// The snapshot holding what `plans` read (for benchmarks and whole-tree jobs): operators
    /// and the whole-tree scope only.
    pub async fn snapshot_for(&self, plans: &[&Plan]) -> Result<Arc<Snapshot>, StoreError> {
        self.check(Action::RecordRead, None)?;
        if self.actor.scope().is_some_and(|p| p.depth() > 1) {
            return Err(DomainError::Forbidden(
                "只有全市范围的用户可取整树快照 / only whole-tree users may take the whole snapshot",
            )
            .into());
        }
        self.store.snapshot(&needs(plans)).await
    }

    /// The records behind a figure of `org`, per aggregate (ids only; see [`Scoped::records_by_id`]).
    pub async fn drill(&self, plan: &Plan, period: &Period, org: OrgId) -> Result<Drilled, StoreError> {
        self.check(Action::RecordRead, None)?;
        self.org_in_scope(Action::RecordRead, org).await?;
        let snap = self.store.snapshot(&needs(&[plan])).await?;
        let (plan, period) = (plan.clone(), *period);
        self.run_engine(snap, move |s, b| s.drill(&plan, &period, org, b)).await
    }

    /// Records by id (a page of a drill-down), in the order given, each checked against the
    /// scope (a record outside it is refused, not skipped), masked.
    pub async fn records_by_id(&self, key: &str, ids: &[RecordId]) -> Result<Vec<Record>, StoreError> {
        let reg = self.registry(key)?;
        let found = records::get_many(&self.store.db, reg, ids, self.store.protector()).await?;
        let orgs: BTreeSet<OrgId> = found.iter().map(|r| r.org_id).collect();
        for o in orgs {
            self.org_in_scope(Action::RecordRead, o).await?;
        }
        Ok(found.into_iter().map(|r| self.present(reg, r, false)).collect())
    }

    /// The year figures are shown for by default: the one set for the installation (the demo
    /// sets 2009), else last year by the store's clock.
    pub async fn default_year(&self) -> Result<i32, StoreError> {
        Ok(match settings::get(&self.store.db, settings::ASSESSMENT_YEAR).await? {
            Some(y) => y as i32,
            None => self.now_year() - 1,
        })
    }

    /// Orgs directly under `org` inside the scope (for the children table), in tree order.
    pub async fn child_orgs(&self, org: OrgId) -> Result<Vec<kaohe_domain::Org>, StoreError> {
        self.org(org).await?;
        // The children by their parent (an index), not the whole subtree filtered: at the top of
        // a province the subtree is 100,000 orgs.
        let mut kids = orgs::children(&self.store.db, Some(org), false).await?;
        kids.sort_by_key(|o| (o.sort_key, o.id));
        Ok(kids)
    }
}
