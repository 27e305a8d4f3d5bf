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
}
