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
            OrgRead => !matches!(role, AuditAdmin | Pending),
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

    /// The user's own org, if a user.
    pub fn org_id(&self) -> Option<OrgId> {
        match self {
            Actor::User { org_id, .. } => Some(*org_id),
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

/// Whether `actor` may create an account holding `role`: the 系统管理员 creates accounts without
/// a role ([`Role::Pending`]); roles are the 安全管理员's to grant (三员分立). The operator at the
/// command line may create any.
pub fn may_create_with(actor: &Actor, role: Role) -> Result<(), DomainError> {
    match actor {
        Actor::Operator => Ok(()),
        Actor::User { role: Role::SystemAdmin, .. } if role == Role::Pending => Ok(()),
        Actor::User { .. } => Err(DomainError::Forbidden(
            "系统管理员新建的账户没有角色,角色由安全管理员授予 / accounts are created without a role; the security administrator grants roles",
        )),
    }
}

/// Whether `actor` may change user `target`'s role from `current` to `new` (三员分立): the
/// 安全管理员 grants and revokes roles, never his own, never a business role to an
/// administrator's account nor an administrator's role to a business account.
pub fn may_grant(actor: &Actor, target: UserId, current: Role, new: Role) -> Result<(), DomainError> {
    let Actor::User { id, role, .. } = actor else {
        return Ok(());
    };
    if *role != Role::SecurityAdmin {
        return Err(DomainError::Forbidden("角色由安全管理员授予 / roles are granted by the security administrator"));
    }
    if *id == target {
        return Err(DomainError::Forbidden("不能更改自己的角色 / nobody changes their own role"));
    }
    if current.is_admin() && new.is_business() {
        return Err(DomainError::Forbidden(
            "管理员账户不能授予业务角色 / an administrator's account gets no business role",
        ));
    }
    if current.is_business() && new.is_admin() {
        return Err(DomainError::Forbidden(
            "业务账户不能授予管理员角色 / a business account gets no administrator role",
        ));
    }
    Ok(())
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
    fn roles_are_granted_by_the_security_admin_within_their_class_and_never_to_himself() {
        let city = OrgPath::root(OrgId(1));
        for actor_role in Role::ALL {
            let actor = user(actor_role, city.clone());
            for new in Role::ALL {
                let created = may_create_with(&actor, new).is_ok();
                assert_eq!(
                    created,
                    actor_role == Role::SystemAdmin && new == Role::Pending,
                    "{actor_role:?} creates {new:?}"
                );
                for current in Role::ALL {
                    let other = may_grant(&actor, UserId(7), current, new).is_ok();
                    let allowed = actor_role == Role::SecurityAdmin
                        && !(current.is_admin() && new.is_business())
                        && !(current.is_business() && new.is_admin());
                    assert_eq!(other, allowed, "{actor_role:?} gives {new:?} to a {current:?}");
                    assert!(may_grant(&actor, UserId(1), current, new).is_err(), "{actor_role:?} changes his own role");
                }
            }
        }
        assert!(may_create_with(&Actor::Operator, Role::Assessor).is_ok());
        assert!(!Action::OrgRead.allowed_for(Role::Pending) && !Action::RecordRead.allowed_for(Role::Pending));
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
