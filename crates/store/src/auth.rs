//! Signing in: password login with lockout, API tokens, and turning a session's user id back into
//! an actor. Every login, success or failure, leaves an audit row.

use crate::audit::{self, Event};
use crate::{Store, StoreError, users};
use kaohe_domain::audit::AuditAction;
use kaohe_domain::{Actor, DomainError, UserId};
use sea_orm::{ActiveModelTrait, Set};

/// Why a login was refused (the caller shows one message for all, to not reveal which).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LoginRefusal {
    BadCredentials,
    Locked,
    Disabled,
}

impl Store {
    /// Checks a user name and password. Records the attempt in the audit log, and failures for
    /// the lockout policy, in one transaction.
    pub async fn login(&self, username: &str, password: &str) -> Result<Result<Actor, LoginRefusal>, StoreError> {
        let now = self.clock.now();
        let lock = self.policy.lockout;
        let txn = crate::db::begin_write(&self.db).await?;
        let user = users::find_by_name(&txn, username).await?;
        let since = users::failure_horizon(user.as_ref(), now, lock.window_minutes, lock.lock_minutes);
        let failures = users::recent_failures(&txn, username.trim(), since).await?;
        let locked = lock.locked_until(&failures, now).is_some();
        // Exactly one password check whatever the case (unknown name, locked, disabled), so the
        // answer's timing does not tell which.
        let hash: &str = match &user {
            Some(u) => &u.password_hash,
            None => users::dummy_hash(),
        };
        let password_ok = users::verify_password(hash, password) && user.is_some();
        let verdict = match &user {
            _ if locked => Err(LoginRefusal::Locked),
            Some(u) if password_ok => {
                if u.disabled {
                    Err(LoginRefusal::Disabled)
                } else {
                    Ok(users::actor_of(&txn, u).await?)
                }
            }
            _ => Err(LoginRefusal::BadCredentials),
        };
        let scope = match &user {
            Some(u) => crate::orgs::find(&txn, kaohe_domain::OrgId(u.org_id)).await?.map(|o| o.path),
            None => None,
        };
        let (action, summary) = match verdict {
            Ok(_) => (AuditAction::LoginSucceeded, "登录成功 / signed in".to_owned()),
            Err(r) => {
                if r == LoginRefusal::BadCredentials {
                    users::record_failure(&txn, username.trim(), now).await?;
                }
                (AuditAction::LoginFailed, format!("登录失败 / sign-in refused: {r:?}"))
            }
        };
        let event = Event { action, entity: "session", entity_id: None, scope: scope.as_ref(), summary };
        audit::record_as(&txn, now, username.trim(), user.as_ref().map(|u| u.id), event, None, None).await?;
        txn.commit().await?;
        Ok(verdict)
    }

    /// Records a logout in the audit log.
    pub async fn logout(&self, actor: &Actor) -> Result<(), StoreError> {
        let scope = actor.scope().cloned();
        let event = Event {
            action: AuditAction::Logout,
            entity: "session",
            entity_id: None,
            scope: scope.as_ref(),
            summary: "退出 / signed out".into(),
        };
        audit::record_alone(&self.db, self.clock.now(), actor, event).await
    }

    /// The actor behind a session's user id, or `Unauthenticated` if the account is gone or disabled.
    pub async fn actor_for_user(&self, id: UserId) -> Result<Actor, StoreError> {
        Ok(self.actor_and_language(id).await?.0)
    }

    /// [`Store::actor_for_user`] and the user's UI language (`zh` or `en`), from one read of the
    /// user: what every signed-in request needs.
    pub async fn actor_and_language(&self, id: UserId) -> Result<(Actor, String), StoreError> {
        self.actor_for_session(id, i64::MAX).await
    }

    /// As [`Store::actor_and_language`] for a session that signed in (or last changed its own
    /// password) at `authenticated_at` (Unix seconds): a password set since ends the session.
    pub async fn actor_for_session(&self, id: UserId, authenticated_at: i64) -> Result<(Actor, String), StoreError> {
        match users::find(&self.db, id).await? {
            Some(u) if !u.disabled && u.password_changed_at.timestamp() <= authenticated_at => {
                Ok((users::actor_of(&self.db, &u).await?, u.language))
            }
            _ => Err(DomainError::Unauthenticated.into()),
        }
    }

    /// The actor behind a bearer token and the user's UI language, or `Unauthenticated`. The
    /// token's last use is written at most once a minute (a write per API request would queue
    /// every read behind SQLite's write lock).
    pub async fn actor_for_token(&self, token: &str) -> Result<(Actor, String), StoreError> {
        let Some(t) = users::find_token(&self.db, token).await? else {
            return Err(DomainError::Unauthenticated.into());
        };
        let found = self.actor_and_language(UserId(t.user_id)).await?;
        let now = self.clock.now();
        if t.last_used_at.is_none_or(|at| now - at >= chrono::TimeDelta::minutes(1)) {
            let mut am: crate::entity::api_token::ActiveModel = t.into();
            am.last_used_at = Set(Some(now));
            am.update(&self.db).await?;
        }
        Ok(found)
    }
}
