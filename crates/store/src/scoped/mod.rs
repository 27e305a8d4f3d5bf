//! The scoped wrapper: every read and write made for a user goes through here, and here alone is
//! [`kaohe_domain::authorize`] called. Pages, API routes and commands only ever hold a [`Scoped`],
//! so none of them can forget the check.

mod account_ops;
mod assessment_ops;
mod audit_ops;
mod evaluation;
mod evidence_ops;
mod import_ops;
mod indicator_ops;
mod layer_ops;
mod org_ops;
mod record_ops;
mod report_ops;
mod submission_ops;
mod user_ops;

pub use evidence_ops::{MAX_EVIDENCE_BYTES, evidence_kind};
pub use import_ops::{ImportRow, RecordImport};
pub use indicator_ops::{FigureRow, RowKind, needs};
pub use record_ops::{LOOKUPS_PER_HOUR, RecordQuery};
pub use report_ops::{MAX_NAMES, Report};
pub use submission_ops::InboxRow;

use crate::{Store, StoreError};
use kaohe_domain::{Action, Actor, OrgPath, authorize};

/// A store seen through one actor's role and scope.
pub struct Scoped<'a> {
    store: &'a Store,
    actor: Actor,
    /// Limits on the evaluations made through this view (the store's unless set).
    limits: crate::EvalLimits,
    /// The pack and federation layer in force when the view was made (one request sees one).
    layer: std::sync::Arc<crate::layer::Current>,
}

impl<'a> Scoped<'a> {
    pub(crate) fn new(store: &'a Store, actor: Actor) -> Self {
        Self { store, actor, limits: store.eval_limits, layer: store.layer() }
    }

    /// The same view evaluating under other limits (a background job's, longer than a request's).
    pub fn with_limits(mut self, limits: crate::EvalLimits) -> Self {
        self.limits = limits;
        self
    }

    /// Who is acting.
    pub fn actor(&self) -> &Actor {
        &self.actor
    }

    /// Whether the actor's role allows `action` at all (for showing or hiding buttons; the
    /// operations check again).
    pub fn can(&self, action: Action) -> bool {
        authorize(&self.actor, action, None).is_ok()
    }

    fn check(&self, action: Action, target: Option<&OrgPath>) -> Result<(), StoreError> {
        authorize(&self.actor, action, target).map_err(StoreError::from)
    }
}
