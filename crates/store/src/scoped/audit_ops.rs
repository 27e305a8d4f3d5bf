//! Reading the audit log, scoped: the audit administrator sees the rows about orgs inside their
//! scope (a root-level reader also sees rows tied to no org, such as logins under unknown names).

use super::Scoped;
use crate::StoreError;
use crate::audit::AuditRow;
use crate::entity::audit_log;
use kaohe_domain::Action;
use sea_orm::{ColumnTrait, Condition, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

impl Scoped<'_> {
    /// The newest `limit` audit rows inside the scope, older than `before_id` if given.
    pub async fn audit_rows(&self, limit: u64, before_id: Option<i64>) -> Result<Vec<AuditRow>, StoreError> {
        self.check(Action::AuditRead, None)?;
        let mut q = audit_log::Entity::find();
        if let Some(scope) = self.actor.scope() {
            let mut cond = Condition::any().add(
                Condition::all()
                    .add(audit_log::Column::ScopePath.gte(scope.as_str()))
                    .add(audit_log::Column::ScopePath.lt(scope.successor())),
            );
            if scope.depth() == 0 {
                cond = cond.add(audit_log::Column::ScopePath.eq(""));
            }
            q = q.filter(cond);
        }
        if let Some(b) = before_id {
            q = q.filter(audit_log::Column::Id.lt(b));
        }
        Ok(q.order_by_desc(audit_log::Column::Id)
            .limit(limit.min(500))
            .all(&self.store.db)
            .await?
            .into_iter()
            .map(AuditRow::from)
            .collect())
    }

    /// Every audit row in the actor's scope, oldest first, for the 审计管理员's export; the export
    /// itself is logged.
    pub async fn audit_export(&self) -> Result<Vec<AuditRow>, StoreError> {
        let mut all = Vec::new();
        let mut before = None;
        loop {
            let page = self.audit_rows(500, before).await?;
            let Some(last) = page.last() else { break };
            before = Some(last.id);
            let done = page.len() < 500;
            all.extend(page);
            if done {
                break;
            }
        }
        all.reverse();
        let event = crate::audit::Event {
            action: kaohe_domain::audit::AuditAction::Export,
            entity: "audit_log",
            entity_id: None,
            scope: self.actor.scope(),
            summary: format!("导出审计日志{}条 / exported {} audit rows", all.len(), all.len()),
        };
        crate::audit::record_alone(&self.store.db, self.store.clock.now(), &self.actor, event).await?;
        Ok(all)
    }

    /// Recomputes the whole audit chain (see [`crate::Store::verify_audit`]) for the 审计管理员.
    pub async fn audit_chain_check(&self) -> Result<crate::ChainCheck, StoreError> {
        self.check(Action::AuditRead, None)?;
        crate::audit::verify(&self.store.db).await
    }
}
