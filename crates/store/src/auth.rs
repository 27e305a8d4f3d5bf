//! Signing in: password login with lockout, the TOTP second step, sign-in failures per client
//! address, API tokens, and turning a session's user id back into an actor (with what the user
//! must do before anything else). Every login, success or failure, leaves an audit row.

use crate::audit::{self, Event};
use crate::entity::{sign_in_failure, user};
use crate::{Store, StoreError, totp, users};
use chrono::{DateTime, TimeDelta, Utc};
use kaohe_domain::audit::AuditAction;
use kaohe_domain::{Actor, DomainError, UserId};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, Set};

/// Why a login was refused (the caller shows one message for all, to not reveal which).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LoginRefusal {
    BadCredentials,
    Locked,
    Disabled,
}

/// A password that was right: signed in, or a second factor still to show.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SignIn {
    Done(Actor),
    /// The account has a second factor: the caller asks for its code ([`Store::login_code`]).
    NeedsCode(UserId),
}

impl SignIn {
    /// The actor, when the sign-in needs no second step.
    pub fn done(self) -> Option<Actor> {
        match self {
            SignIn::Done(a) => Some(a),
            SignIn::NeedsCode(_) => None,
        }
    }
}

/// What a signed-in user must do before anything else.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Obligation {
    /// The password was reset by an administrator, or has expired.
    ChangePassword,
    /// An administrator without a second factor where the policy asks for one.
    SetUpSecondFactor,
}

/// A session's user as each request sees it.
#[derive(Debug, Clone)]
pub struct SessionUser {
    pub actor: Actor,
    /// The UI language (`zh` or `en`).
    pub language: String,
    pub obligation: Option<Obligation>,
}

/// Failed sign-ins allowed from one client address (any user names) within a window. Counted in
/// the database, so every server process behind a balancer sees the same count.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientLimit {
    pub max_failures: u32,
    pub window: TimeDelta,
}

impl Store {
    /// Checks a user name and password. Records the attempt in the audit log, and failures for
    /// the lockout policy, in one transaction. A right password for an account with a second
    /// factor is not yet a sign-in: it answers [`SignIn::NeedsCode`] and writes nothing.
    pub async fn login(&self, username: &str, password: &str) -> Result<Result<SignIn, LoginRefusal>, StoreError> {
        let now = self.clock.now();
        let lock = self.policy.lockout;
        let txn = crate::db::begin_write(&self.db).await?;
        // A removed account answers as an unknown name.
        let user = users::find_by_name(&txn, username).await?.filter(|u| u.removed_at.is_none());
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
            Some(u) if password_ok && u.disabled => Err(LoginRefusal::Disabled),
            Some(u) if password_ok && u.second_factor.is_some() => {
                return Ok(Ok(SignIn::NeedsCode(UserId(u.id))));
            }
            Some(u) if password_ok => Ok(SignIn::Done(users::actor_of(&txn, u).await?)),
            _ => Err(LoginRefusal::BadCredentials),
        };
        let summary = match verdict {
            Ok(_) => "登录成功 / signed in".to_owned(),
            Err(r) => format!("登录失败 / sign-in refused: {r:?}"),
        };
        self.finish_login(txn, username, user.as_ref(), verdict.as_ref().map(|_| ()).map_err(|r| *r), summary).await?;
        Ok(verdict)
    }

    /// The second step of a sign-in: the TOTP code of the account whose password was right. A
    /// wrong code counts towards the lockout like a wrong password; a code works once.
    pub async fn login_code(&self, id: UserId, code: &str) -> Result<Result<Actor, LoginRefusal>, StoreError> {
        let now = self.clock.now();
        let lock = self.policy.lockout;
        let txn = crate::db::begin_write(&self.db).await?;
        let Some(u) = users::find(&txn, id).await?.filter(|u| u.removed_at.is_none()) else {
            return Ok(Err(LoginRefusal::BadCredentials));
        };
        let since = users::failure_horizon(Some(&u), now, lock.window_minutes, lock.lock_minutes);
        let locked = lock.locked_until(&users::recent_failures(&txn, &u.username, since).await?, now).is_some();
        let secret = u.second_factor.as_deref().and_then(|s| self.protector.open(s));
        let step = secret.and_then(|s| totp::accept(&s, code, now.timestamp(), u.second_factor_step));
        let verdict = match step {
            _ if locked => Err(LoginRefusal::Locked),
            _ if u.disabled => Err(LoginRefusal::Disabled),
            Some(step) => {
                let actor = users::actor_of(&txn, &u).await?;
                let mut am: user::ActiveModel = u.clone().into();
                am.second_factor_step = Set(Some(step));
                am.update(&txn).await?;
                Ok(actor)
            }
            None => Err(LoginRefusal::BadCredentials),
        };
        let summary = match verdict {
            Ok(_) => "登录成功(动态口令) / signed in with a one-time code".to_owned(),
            Err(r) => format!("动态口令未通过 / one-time code refused: {r:?}"),
        };
        let username = u.username.clone();
        self.finish_login(txn, &username, Some(&u), verdict.as_ref().map(|_| ()).map_err(|r| *r), summary).await?;
        Ok(verdict)
    }

    /// Writes a sign-in's audit row (and, for a wrong secret, its failure) and commits.
    async fn finish_login(
        &self,
        txn: sea_orm::DatabaseTransaction,
        username: &str,
        user: Option<&user::Model>,
        outcome: Result<(), LoginRefusal>,
        summary: String,
    ) -> Result<(), StoreError> {
        let now = self.clock.now();
        let scope = match user {
            Some(u) => crate::orgs::find(&txn, kaohe_domain::OrgId(u.org_id)).await?.map(|o| o.path),
            None => None,
        };
        let action = if outcome.is_ok() { AuditAction::LoginSucceeded } else { AuditAction::LoginFailed };
        if outcome == Err(LoginRefusal::BadCredentials) {
            users::record_failure(&txn, username.trim(), now).await?;
        }
        let event = Event { action, entity: "session", entity_id: None, scope: scope.as_ref(), summary };
        audit::record_as(&txn, now, username.trim(), user.map(|u| u.id), event, None, None).await?;
        txn.commit().await?;
        Ok(())
    }

    /// How long sign-ins from `client` must wait, if it has used up its failures.
    pub async fn sign_in_wait(&self, client: &str, limit: ClientLimit) -> Result<Option<TimeDelta>, StoreError> {
        let now = self.clock.now();
        let recent = sign_in_failure::Entity::find()
            .filter(sign_in_failure::Column::Client.eq(client))
            .filter(sign_in_failure::Column::At.gt(now - limit.window))
            .order_by_desc(sign_in_failure::Column::At);
        if recent.clone().count(&self.db).await? < u64::from(limit.max_failures.max(1)) {
            return Ok(None);
        }
        // Blocked until the oldest of the last `max_failures` leaves the window.
        let last: Vec<DateTime<Utc>> = recent
            .paginate(&self.db, u64::from(limit.max_failures.max(1)))
            .fetch_page(0)
            .await?
            .into_iter()
            .map(|f| f.at)
            .collect();
        Ok(last.last().map(|oldest| (*oldest + limit.window - now).max(TimeDelta::seconds(1))))
    }

    /// Counts a failed sign-in from `client` (and forgets failures that left the window).
    pub async fn sign_in_failed(&self, client: &str, limit: ClientLimit) -> Result<(), StoreError> {
        let now = self.clock.now();
        let txn = crate::db::begin_write(&self.db).await?;
        sign_in_failure::Entity::delete_many()
            .filter(sign_in_failure::Column::At.lte(now - limit.window))
            .exec(&txn)
            .await?;
        sign_in_failure::ActiveModel {
            client: Set(client.chars().take(64).collect()),
            at: Set(now),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
        txn.commit().await?;
        Ok(())
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
        Ok(self.actor_for_session(id, i64::MAX).await?.actor)
    }

    /// The user of a session that signed in (or last changed its own password) at
    /// `authenticated_at` (Unix seconds), or `Unauthenticated` if the account is disabled or
    /// removed, or a password was set since (a reset, a change elsewhere end the session).
    pub async fn actor_for_session(&self, id: UserId, authenticated_at: i64) -> Result<SessionUser, StoreError> {
        match users::find(&self.db, id).await? {
            Some(u)
                if !u.disabled && u.removed_at.is_none() && u.password_changed_at.timestamp() <= authenticated_at =>
            {
                let actor = users::actor_of(&self.db, &u).await?;
                let obligation = self.obligation(&u, &actor);
                Ok(SessionUser { actor, language: u.language, obligation })
            }
            _ => Err(DomainError::Unauthenticated.into()),
        }
    }

    fn obligation(&self, u: &user::Model, actor: &Actor) -> Option<Obligation> {
        let password = &self.policy.password;
        if u.must_change_password || password.expired(u.password_changed_at, self.clock.now()) {
            Some(Obligation::ChangePassword)
        } else if self.policy.admin_second_factor
            && actor.role().is_some_and(|r| r.is_admin())
            && u.second_factor.is_none()
        {
            Some(Obligation::SetUpSecondFactor)
        } else {
            None
        }
    }

    /// The actor behind a bearer token and the user's UI language, or `Unauthenticated` (also
    /// for an expired token, and for a user who must first change a reset or expired password
    /// or set up a second factor).
    /// The token's last use is written at most once a minute (a write per API request would
    /// queue every read behind SQLite's write lock).
    pub async fn actor_for_token(&self, token: &str) -> Result<(Actor, String), StoreError> {
        let now = self.clock.now();
        let Some(t) = users::find_token(&self.db, token, now).await? else {
            return Err(DomainError::Unauthenticated.into());
        };
        let found = self.actor_for_session(UserId(t.user_id), i64::MAX).await?;
        if found.obligation.is_some() {
            return Err(DomainError::Unauthenticated.into());
        }
        if t.last_used_at.is_none_or(|at| now - at >= TimeDelta::minutes(1)) {
            let mut am: crate::entity::api_token::ActiveModel = t.into();
            am.last_used_at = Set(Some(now));
            am.update(&self.db).await?;
        }
        Ok((found.actor, found.language))
    }
}
