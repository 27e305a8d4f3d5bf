//! Org operations, scoped.

use super::Scoped;
use crate::StoreError;
use crate::audit::{self, Event, digest};
use crate::orgs::{self, ImportReport, NewOrg, OrgImportRow, OrgUpdate};
use chrono::NaiveDate;
use kaohe_domain::audit::AuditAction;
use kaohe_domain::org::check_move;
use kaohe_domain::{Action, DomainError, Org, OrgId, OrgPath};
use std::collections::HashMap;

impl Scoped<'_> {
    /// One org, if it exists inside the scope.
    pub async fn org(&self, id: OrgId) -> Result<Org, StoreError> {
        self.check(Action::OrgRead, None)?;
        let org = orgs::find(&self.store.db, id).await?.ok_or(DomainError::NotFound)?;
        self.check(Action::OrgRead, Some(&org.path))?;
        Ok(org)
    }

    /// One org by code, if it exists inside the scope.
    pub async fn org_by_code(&self, code: &str) -> Result<Org, StoreError> {
        self.check(Action::OrgRead, None)?;
        let org = orgs::find_by_code(&self.store.db, code).await?.ok_or(DomainError::NotFound)?;
        self.check(Action::OrgRead, Some(&org.path))?;
        Ok(org)
    }

    /// The names of the orgs among `ids` that lie inside the scope (others are left out), from
    /// the cached tree: one query for a page of records, not one per org.
    pub async fn org_names(&self, ids: &[OrgId]) -> Result<HashMap<OrgId, String>, StoreError> {
        self.check(Action::OrgRead, None)?;
        let tree = self.store.org_cache.get(&self.store.db).await?;
        Ok(ids
            .iter()
            .filter_map(|id| tree.get(*id))
            .filter(|o| self.check(Action::OrgRead, Some(&o.path)).is_ok())
            .map(|o| (o.id, o.name.clone()))
            .collect())
    }

    /// The subtree at `under` (default: the actor's whole scope), in path order.
    pub async fn org_subtree(&self, under: Option<OrgId>, include_closed: bool) -> Result<Vec<Org>, StoreError> {
        self.check(Action::OrgRead, None)?;
        let root: Option<OrgPath> = match under {
            Some(id) => Some(self.org(id).await?.path),
            None => self.actor.scope().cloned(),
        };
        Ok(self.store.org_cache.get(&self.store.db).await?.subtree(root.as_ref(), include_closed))
    }

    /// The children of `parent`; for `None`, the top of the actor's scope (their own org, or the
    /// roots for the operator).
    pub async fn org_children(&self, parent: Option<OrgId>, include_closed: bool) -> Result<Vec<Org>, StoreError> {
        self.check(Action::OrgRead, None)?;
        match (parent, &self.actor) {
            (Some(p), _) => {
                self.org(p).await?;
                orgs::children(&self.store.db, Some(p), include_closed).await
            }
            (None, kaohe_domain::Actor::User { org_id, .. }) => Ok(vec![self.org(*org_id).await?]),
            (None, kaohe_domain::Actor::Operator) => orgs::children(&self.store.db, None, include_closed).await,
        }
    }

    /// Orgs in the scope whose name, short name or code contains `q`, or whose pinyin initials
    /// begin with it, at most `limit`, in path order (searched in the cached tree).
    pub async fn search_orgs(&self, q: &str, limit: u64) -> Result<Vec<Org>, StoreError> {
        self.check(Action::OrgRead, None)?;
        let tree = self.store.org_cache.get(&self.store.db).await?;
        Ok(tree.search(self.actor.scope(), q, usize::try_from(limit).unwrap_or(usize::MAX)))
    }

    /// How many open orgs the scope holds.
    pub async fn org_count(&self) -> Result<u64, StoreError> {
        self.check(Action::OrgRead, None)?;
        orgs::count(&self.store.db, self.actor.scope()).await
    }

    /// Creates an org under a parent inside the scope.
    pub async fn create_org(&self, new: NewOrg) -> Result<Org, StoreError> {
        self.check(Action::OrgWrite, None)?;
        let txn = crate::db::begin_write(&self.store.db).await?;
        let parent = match new.parent_id {
            Some(pid) => {
                let p = orgs::find(&txn, pid).await?.ok_or(DomainError::NotFound)?;
                self.check(Action::OrgWrite, Some(&p.path))?;
                Some(p)
            }
            None if self.actor.scope().is_some() => {
                return Err(DomainError::invalid("parent_id", "须选择上级组织", "a parent org is required").into());
            }
            None => None,
        };
        let org = orgs::insert(&txn, self.store.clock.now(), self.store.today(), &new, parent.as_ref()).await?;
        self.audit_org(&txn, AuditAction::Create, &org, None, format!("新建组织 {} {}", org.code.as_str(), org.name))
            .await?;
        txn.commit().await?;
        Ok(org)
    }

    /// Renames or otherwise edits an org inside the scope.
    pub async fn update_org(&self, id: OrgId, upd: OrgUpdate) -> Result<Org, StoreError> {
        let txn = crate::db::begin_write(&self.store.db).await?;
        let before = self.org_for_write(&txn, id).await?;
        self.may_redefine(&before, upd.name.as_deref(), upd.kind, upd.groups.as_deref())?;
        let after = orgs::update(&txn, self.store.clock.now(), &before, &upd).await?;
        self.audit_org(&txn, AuditAction::Update, &after, Some(&before), format!("修改组织 {}", after.code.as_str()))
            .await?;
        txn.commit().await?;
        Ok(after)
    }

    /// Moves an org and its subtree under a new parent; both must lie inside the scope, and the
    /// actor's own org cannot be moved by them. A move under its own subtree is refused.
    pub async fn move_org(&self, id: OrgId, new_parent: OrgId) -> Result<Org, StoreError> {
        let txn = crate::db::begin_write(&self.store.db).await?;
        let org = self.org_for_write(&txn, id).await?;
        if Some(&org.path) == self.actor.scope() {
            return Err(DomainError::Forbidden("不能移动自己所在的组织 / you cannot move your own org").into());
        }
        let parent = self.org_for_write(&txn, new_parent).await?;
        check_move(&org.path, &parent.path)?;
        if parent.closed_on.is_some() {
            return Err(DomainError::Conflict("目标上级已撤销 / the new parent is closed".into()).into());
        }
        let moved = orgs::move_subtree(&txn, self.store.clock.now(), &org, &parent).await?;
        let summary = format!("移动组织 {} 至 {} 之下", org.code.as_str(), parent.code.as_str());
        self.audit_org(&txn, AuditAction::Move, &moved, Some(&org), summary).await?;
        txn.commit().await?;
        Ok(moved)
    }

    /// Closes an org and its open descendants on `on`. Nothing is deleted.
    pub async fn close_org(&self, id: OrgId, on: NaiveDate) -> Result<u64, StoreError> {
        let txn = crate::db::begin_write(&self.store.db).await?;
        let org = self.org_for_write(&txn, id).await?;
        if Some(&org.path) == self.actor.scope() {
            return Err(DomainError::Forbidden("不能撤销自己所在的组织 / you cannot close your own org").into());
        }
        if org.closed_on.is_some() {
            return Err(DomainError::Conflict("组织已撤销 / the org is already closed".into()).into());
        }
        let n = orgs::close_subtree(&txn, self.store.clock.now(), &org, on).await?;
        let summary = format!("撤销组织 {} 及下级共{}个,撤销日期 {}", org.code.as_str(), n, on);
        self.audit_org(&txn, AuditAction::Close, &org, Some(&org), summary).await?;
        txn.commit().await?;
        Ok(n)
    }

    /// Imports orgs all-or-nothing: every row is checked first; any error refuses the whole file
    /// with every error listed. Existing codes under the same parent are updated (name, kind).
    pub async fn import_orgs(&self, rows: &[OrgImportRow], dry_run: bool) -> Result<ImportReport, StoreError> {
        self.check(Action::OrgWrite, None)?;
        let txn = crate::db::begin_write(&self.store.db).await?;
        let existing: HashMap<String, Org> =
            orgs::subtree(&txn, None, true).await?.into_iter().map(|o| (o.code.as_str().to_owned(), o)).collect();
        let in_scope = |p: Option<&OrgPath>| match (p, self.actor.scope()) {
            (_, None) => true,
            (Some(p), Some(s)) => s.contains(p),
            (None, Some(_)) => false,
        };
        let plan = orgs::plan_import(rows, &existing, &in_scope).map_err(StoreError::Import)?;
        let now = self.store.clock.now();
        let mut by_code: HashMap<String, Org> = HashMap::new();
        let mut report = ImportReport { created: 0, updated: 0 };
        for planned in &plan {
            let (row, kind) = (&planned.row, &planned.kind);
            let code = row.code.trim();
            if let Some(e) = existing.get(code) {
                self.may_redefine(e, Some(&row.name), Some(*kind), planned.groups.as_deref())?;
                let upd = OrgUpdate {
                    name: Some(row.name.clone()),
                    kind: Some(*kind),
                    groups: planned.groups.clone(),
                    ..Default::default()
                };
                let updated = orgs::update(&txn, now, e, &upd).await?;
                self.import_days(&txn, &updated, planned).await?;
                by_code.insert(code.to_owned(), updated);
                report.updated += 1;
                continue;
            }
            let p = row.parent_code.trim();
            let parent = by_code.get(p).or_else(|| existing.get(p)).cloned();
            let new = NewOrg {
                code: code.to_owned(),
                name: row.name.clone(),
                short_name: None,
                kind: *kind,
                parent_id: parent.as_ref().map(|p| p.id),
                sort_key: Some(row.row as i32),
                opened_on: planned.opened,
                groups: planned.groups.clone().unwrap_or_default(),
            };
            let created = orgs::insert(&txn, now, self.store.today(), &new, parent.as_ref()).await?;
            self.import_days(&txn, &created, planned).await?;
            by_code.insert(code.to_owned(), created);
            report.created += 1;
        }
        let event = Event {
            action: AuditAction::Create,
            entity: "org_import",
            entity_id: None,
            scope: self.actor.scope(),
            summary: format!("导入组织:新建{}个,更新{}个", report.created, report.updated),
        };
        audit::record(
            &txn,
            now,
            &self.actor,
            event,
            None,
            Some(digest(&plan.iter().map(|p| &p.row.code).collect::<Vec<_>>())),
        )
        .await?;
        if dry_run {
            txn.rollback().await?;
        } else {
            txn.commit().await?;
        }
        Ok(report)
    }

    /// Applies an import row's dates: the founding day as given, and a closing day to an open
    /// org (with its subtree, as closing does); a closed org is not reopened by an import.
    async fn import_days<C: sea_orm::ConnectionTrait>(
        &self,
        txn: &C,
        org: &Org,
        planned: &orgs::PlannedOrg,
    ) -> Result<(), StoreError> {
        let now = self.store.clock.now();
        if let Some(on) = planned.opened
            && on != org.opened_on
        {
            orgs::set_opened(txn, now, org, on).await?;
        }
        if let Some(on) = planned.closed
            && org.closed_on.is_none()
        {
            if Some(&org.path) == self.actor.scope() {
                return Err(DomainError::Forbidden("不能撤销自己所在的组织 / you cannot close your own org").into());
            }
            orgs::close_subtree(txn, now, org, on).await?;
        }
        Ok(())
    }

    /// An org's name, kind and groups are what its assessor ranks and scores it by: an actor may
    /// not change them on their own org (the top of their scope), only on orgs below it — a
    /// county's from the city (a department that left the group 组织部 would drop its items).
    fn may_redefine(
        &self,
        org: &Org,
        name: Option<&str>,
        kind: Option<kaohe_domain::OrgKind>,
        groups: Option<&[String]>,
    ) -> Result<(), StoreError> {
        let renamed = name.is_some_and(|n| n.trim() != org.name);
        let rekinded = kind.is_some_and(|k| k != org.kind);
        let groups = groups.map(|g| kaohe_domain::org::parse_org_groups("groups", &g.join("、"))).transpose()?;
        let regrouped = groups.is_some_and(|g| g != org.groups);
        if (renamed || rekinded || regrouped) && Some(&org.path) == self.actor.scope() {
            return Err(DomainError::Forbidden(
                "本级组织的名称、类别和考核分组由上级修改 / your own org's name, kind and groups are changed from above",
            )
            .into());
        }
        Ok(())
    }

    async fn org_for_write<C: sea_orm::ConnectionTrait>(&self, conn: &C, id: OrgId) -> Result<Org, StoreError> {
        self.check(Action::OrgWrite, None)?;
        let org = orgs::find(conn, id).await?.ok_or(DomainError::NotFound)?;
        self.check(Action::OrgWrite, Some(&org.path))?;
        Ok(org)
    }

    async fn audit_org<C: sea_orm::ConnectionTrait>(
        &self,
        conn: &C,
        action: AuditAction,
        org: &Org,
        before: Option<&Org>,
        summary: String,
    ) -> Result<(), StoreError> {
        let event =
            Event { action, entity: "org", entity_id: Some(org.id.to_string()), scope: Some(&org.path), summary };
        audit::record(conn, self.store.clock.now(), &self.actor, event, before.map(digest), Some(digest(org))).await
    }
}
