//! The access policy: which role may do what, and the scope rule. Every read and write in kaohe is
//! decided by [`authorize`]; the store's scoped wrapper is the only caller.

use crate::error::DomainError;
use crate::ids::{OrgId, UserId};
use crate::org::OrgPath;
use crate::role::Role;

/// Something a user may try to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    /// See orgs of the tree.
    OrgRead,
    /// Create, rename, move, close orgs.
    OrgWrite,
    /// See user accounts.
    UserRead,
    /// Create users and edit their names, orgs and languages.
    UserWrite,
    /// Change roles, reset passwords, unlock accounts.
    UserSecurity,
    /// Read the audit log.
    AuditRead,
    /// Read registry records (personal data masked).
    RecordRead,
    /// Create, change, delete and import records.
    RecordWrite,
    /// See personal data in clear, or export it unmasked.
    Unmask,
    /// See scores and assessments (the figures behind them are records' figures).
    AssessmentRead,
    /// Assign targets and publish assessments (考核办).
    AssessmentWrite,
    /// Fill in and submit a submission (填报).
    SubmissionWrite,
    /// Approve or return submissions from below (审核).
    SubmissionReview,
}

impl Action {
    /// Whether `role` may take this action at all (scope aside).
    pub fn allowed_for(self, role: Role) -> bool {
        use Action::*;
        use Role::*;
        match self {
            OrgRead => !matches!(role, AuditAdmin),
            OrgWrite | UserWrite => role == SystemAdmin,
            UserRead => matches!(role, SystemAdmin | SecurityAdmin),
            UserSecurity => role == SecurityAdmin,
            AuditRead => role == AuditAdmin,
            RecordRead => matches!(role, Assessor | Reviewer | Editor | Viewer),
            RecordWrite => matches!(role, Assessor | Editor),
            Unmask => matches!(role, Assessor | Reviewer),
            AssessmentRead => matches!(role, Assessor | Reviewer | Editor | Viewer),
            AssessmentWrite => role == Assessor,
            SubmissionWrite => matches!(role, Assessor | Editor),
            SubmissionReview => matches!(role, Assessor | Reviewer),
        }
    }
}

/// Who is acting: a signed-in user (with their org's path, which is their scope), or the
/// command line, which acts for the operator of the installation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Actor {
    /// A signed-in user.
    User { id: UserId, name: String, org_id: OrgId, scope: OrgPath, role: Role },
    /// The operator at the command line: whole tree, every action. Audited as `cli`.
    Operator,
}

impl Actor {
    /// The name written to the audit log.
    pub fn audit_name(&self) -> &str {
        match self {
            Actor::User { name, .. } => name,
            Actor::Operator => "cli",
        }
    }

    /// The user id, if a user.
    pub fn user_id(&self) -> Option<UserId> {
        match self {
            Actor::User { id, .. } => Some(*id),
            Actor::Operator => None,
        }
    }

    /// The actor's scope root, or `None` for the whole tree.
    pub fn scope(&self) -> Option<&OrgPath> {
        match self {
            Actor::User { scope, .. } => Some(scope),
            Actor::Operator => None,
        }
    }

    /// The actor's role, if a user.
    pub fn role(&self) -> Option<Role> {
        match self {
            Actor::User { role, .. } => Some(*role),
            Actor::Operator => None,
        }
    }
}

/// Decides whether `actor` may take `action` on something that lives at `target` in the tree
/// (`None`: not tied to one org, e.g. listing). A role without the action gets `Forbidden`; a
/// target outside the scope gets `NotFound`, so ids cannot be probed across scopes.
pub fn authorize(actor: &Actor, action: Action, target: Option<&OrgPath>) -> Result<(), DomainError> {
    let Actor::User { role, scope, .. } = actor else {
        return Ok(());
    };
    if !action.allowed_for(*role) {
        return Err(DomainError::Forbidden("角色无此权限 / the role does not allow this"));
    }
    match target {
        Some(path) if !scope.contains(path) => Err(DomainError::NotFound),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user(role: Role, scope: OrgPath) -> Actor {
        Actor::User { id: UserId(1), name: "u".into(), org_id: OrgId(2), scope, role }
    }

    #[test]
    fn three_administrators_are_separated() {
        for action in [
            Action::OrgRead,
            Action::OrgWrite,
            Action::UserRead,
            Action::UserWrite,
            Action::UserSecurity,
            Action::AuditRead,
        ] {
            let holders: Vec<Role> = Role::ALL.into_iter().filter(|r| action.allowed_for(*r)).collect();
            let admins = holders
                .iter()
                .filter(|r| matches!(r, Role::SystemAdmin | Role::SecurityAdmin | Role::AuditAdmin))
                .count();
            if matches!(action, Action::AuditRead | Action::UserSecurity | Action::OrgWrite | Action::UserWrite) {
                assert_eq!(admins, 1, "{action:?} held by {holders:?}");
            }
        }
        assert!(!Action::OrgRead.allowed_for(Role::AuditAdmin));
    }

    #[test]
    fn scope_is_the_subtree() {
        let city = OrgPath::root(OrgId(1));
        let county_a = city.child(OrgId(2));
        let county_b = city.child(OrgId(3));
        let a = user(Role::SystemAdmin, county_a.clone());
        assert!(authorize(&a, Action::OrgWrite, Some(&county_a.child(OrgId(9)))).is_ok());
        assert_eq!(authorize(&a, Action::OrgRead, Some(&county_b)), Err(DomainError::NotFound));
        assert_eq!(authorize(&a, Action::OrgRead, Some(&city)), Err(DomainError::NotFound));
        let v = user(Role::Viewer, county_a.clone());
        assert!(matches!(authorize(&v, Action::OrgWrite, Some(&county_a)), Err(DomainError::Forbidden(_))));
    }
}
