//! The account life cycle, scoped: removing an account, API tokens (listed, revoked, expiring by
//! themselves) and the TOTP second factor.

use super::Scoped;
use crate::entity::{api_token, user};
use crate::users::{self, TokenInfo, User};
use crate::{StoreError, totp};
use kaohe_domain::audit::AuditAction;
use kaohe_domain::{Action, Actor, DomainError, UserId};
use sea_orm::{ActiveModelTrait, EntityTrait, Set};

impl Scoped<'_> {
    /// Removes an account (system administrator, never his own). Soft: the account is switched
    /// off, its tokens revoked and it leaves the user list, but it stays for the audit trail and
    /// its user name is never given to anyone else.
    pub async fn remove_user(&self, id: UserId) -> Result<User, StoreError> {
        let (m, path) = self.user_in_scope(Action::UserWrite, id).await?;
        if self.actor.user_id() == Some(id) {
            return Err(DomainError::invalid("user", "不能删除自己的账户", "nobody removes their own account").into());
        }
        if m.removed_at.is_some() {
            return Err(DomainError::NotFound.into());
        }
        let before = users::to_domain(&m)?;
        let now = self.store.clock.now();
        let txn = crate::db::begin_write(&self.store.db).await?;
        let mut am: user::ActiveModel = m.into();
        am.removed_at = Set(Some(now));
        am.disabled = Set(true);
        let after = users::to_domain(&am.update(&txn).await?)?;
        users::revoke_tokens(&txn, id.0, now).await?;
        let summary = format!("{} 删除账户 / account removed", after.username);
        self.audit_user(&txn, AuditAction::Delete, &after, &path, Some(&before), summary).await?;
        txn.commit().await?;
        Ok(after)
    }

    /// A user's API tokens, newest first: one's own, or (security administrator) any user's
    /// inside the scope.
    pub async fn tokens(&self, of: UserId) -> Result<Vec<TokenInfo>, StoreError> {
        self.token_owner(of).await?;
        users::tokens_of(&self.store.db, of).await
    }

    /// Revokes one API token: one's own, or (security administrator) any user's inside the
    /// scope. A token already revoked stays as it was.
    pub async fn revoke_token(&self, token_id: i64) -> Result<TokenInfo, StoreError> {
        let t = api_token::Entity::find_by_id(token_id).one(&self.store.db).await?.ok_or(DomainError::NotFound)?;
        let (owner, path) = self.token_owner(UserId(t.user_id)).await?;
        if t.revoked_at.is_some() {
            return Ok(t.into());
        }
        let name = t.name.clone();
        let txn = crate::db::begin_write(&self.store.db).await?;
        let mut am: api_token::ActiveModel = t.into();
        am.revoked_at = Set(Some(self.store.clock.now()));
        let done = am.update(&txn).await?;
        let u = users::to_domain(&owner)?;
        self.audit_user(&txn, AuditAction::TokenRevoke, &u, &path, None, format!("吊销API令牌“{name}”")).await?;
        txn.commit().await?;
        Ok(done.into())
    }

    /// The owner of tokens the actor may manage, and the owner's org path.
    async fn token_owner(&self, of: UserId) -> Result<(user::Model, kaohe_domain::OrgPath), StoreError> {
        if self.actor.user_id() == Some(of) || matches!(self.actor, Actor::Operator) {
            let m = users::find(&self.store.db, of).await?.ok_or(DomainError::NotFound)?;
            let org = crate::orgs::find(&self.store.db, kaohe_domain::OrgId(m.org_id)).await?;
            return Ok((m, org.ok_or(DomainError::NotFound)?.path));
        }
        // Someone else's token is not found, rather than forbidden: its existence tells nothing.
        if !self.can(Action::UserSecurity) {
            return Err(DomainError::NotFound.into());
        }
        self.user_in_scope(Action::UserSecurity, of).await
    }

    /// Turns on the acting user's second factor: `secret` (base32, shown to the user as a QR
    /// code) is kept, sealed, once `code` from the authenticator app proves it was taken.
    pub async fn enable_second_factor(&self, secret: &str, code: &str) -> Result<User, StoreError> {
        let id = self.actor.user_id().ok_or(DomainError::NotFound)?;
        let now = self.store.clock.now();
        let Some(step) = totp::accept(secret, code, now.timestamp(), None) else {
            return Err(wrong_code());
        };
        let sealed = self.store.protector.seal(secret);
        self.own_change(id, "启用动态口令 / second factor on", move |am| {
            am.second_factor = Set(Some(sealed));
            am.second_factor_step = Set(Some(step));
        })
        .await
    }

    /// Turns off the acting user's second factor, proved by a current code. Refused to an
    /// administrator where the policy requires one.
    pub async fn disable_second_factor(&self, code: &str) -> Result<User, StoreError> {
        let id = self.actor.user_id().ok_or(DomainError::NotFound)?;
        if self.store.policy.admin_second_factor && self.actor.role().is_some_and(|r| r.is_admin()) {
            return Err(DomainError::invalid(
                "code",
                "管理员必须使用动态口令,不能停用",
                "administrators must keep their second factor",
            )
            .into());
        }
        let m = users::find(&self.store.db, id).await?.ok_or(DomainError::NotFound)?;
        let secret = m.second_factor.as_deref().and_then(|s| self.store.protector.open(s));
        let now = self.store.clock.now().timestamp();
        if secret.and_then(|s| totp::accept(&s, code, now, m.second_factor_step)).is_none() {
            return Err(wrong_code());
        }
        self.own_change(id, "停用动态口令 / second factor off", |am| {
            am.second_factor = Set(None);
            am.second_factor_step = Set(None);
        })
        .await
    }

    /// Clears a user's second factor (security administrator), for a lost phone: the user signs
    /// in with the password alone and, if the policy asks, sets up a new one.
    pub async fn reset_second_factor(&self, id: UserId) -> Result<User, StoreError> {
        if self.actor.user_id() == Some(id) {
            return Err(DomainError::invalid(
                "user",
                "不能重置自己的动态口令",
                "nobody resets their own second factor",
            )
            .into());
        }
        self.security_change(id, AuditAction::Update, "重置动态口令 / second factor reset".into(), |am| {
            am.second_factor = Set(None);
            am.second_factor_step = Set(None);
        })
        .await
    }

    async fn own_change(
        &self,
        id: UserId,
        summary: &str,
        change: impl FnOnce(&mut user::ActiveModel),
    ) -> Result<User, StoreError> {
        let m = users::find(&self.store.db, id).await?.ok_or(DomainError::NotFound)?;
        let org =
            crate::orgs::find(&self.store.db, kaohe_domain::OrgId(m.org_id)).await?.ok_or(DomainError::NotFound)?;
        let before = users::to_domain(&m)?;
        let txn = crate::db::begin_write(&self.store.db).await?;
        let mut am: user::ActiveModel = m.into();
        change(&mut am);
        let after = users::to_domain(&am.update(&txn).await?)?;
        let summary = format!("{} {summary}", after.username);
        self.audit_user(&txn, AuditAction::Update, &after, &org.path, Some(&before), summary).await?;
        txn.commit().await?;
        Ok(after)
    }
}

fn wrong_code() -> StoreError {
    DomainError::invalid(
        "code",
        "动态口令不正确或已过期,请输入手机上显示的最新6位数字",
        "the code is wrong or expired: enter the 6 digits your phone shows now",
    )
    .into()
}
