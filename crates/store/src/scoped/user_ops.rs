//! User operations, scoped: administrators manage accounts inside their scope; everyone manages
//! their own password, language and tokens.

use super::Scoped;
use crate::audit::{self, Event, digest};
use crate::entity::{login_failure, user};
use crate::users::{self, NewUser, User};
use crate::{StoreError, orgs};
use kaohe_domain::audit::AuditAction;
use kaohe_domain::{Action, Actor, DomainError, OrgId, OrgPath, Role, UserId};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, Set};

impl Scoped<'_> {
    /// Users whose org lies inside the scope, by user name (removed ones left out).
    pub async fn users(&self) -> Result<Vec<User>, StoreError> {
        self.check(Action::UserRead, None)?;
        let db = &self.store.db;
        let mut q = user::Entity::find().filter(user::Column::RemovedAt.is_null());
        if let Some(scope) = self.actor.scope() {
            let ids: Vec<i64> = orgs::subtree(db, Some(scope), true).await?.into_iter().map(|o| o.id.0).collect();
            q = q.filter(user::Column::OrgId.is_in(ids));
        }
        q.order_by_asc(user::Column::Username).all(db).await?.iter().map(users::to_domain).collect()
    }

    /// One user inside the scope.
    pub async fn user(&self, id: UserId) -> Result<User, StoreError> {
        self.check(Action::UserRead, None)?;
        let (m, _) = self.user_in_scope(Action::UserRead, id).await?;
        users::to_domain(&m)
    }

    /// Creates a user in an org inside the scope. The system administrator creates accounts
    /// without a role ([`Role::Pending`]); the security administrator grants one (三员分立).
    pub async fn create_user(&self, new: NewUser) -> Result<User, StoreError> {
        self.check(Action::UserWrite, None)?;
        kaohe_domain::may_create_with(&self.actor, new.role)?;
        let username = users::check_username(&new.username)?;
        let display_name = kaohe_domain::org::parse_org_name("display_name", &new.display_name)?;
        self.store.policy.password.check_for(&new.password, &username)?;
        let txn = crate::db::begin_write(&self.store.db).await?;
        let org = orgs::find(&txn, new.org_id).await?.ok_or(DomainError::NotFound)?;
        self.check(Action::UserWrite, Some(&org.path))?;
        if users::find_by_name(&txn, &username).await?.is_some() {
            return Err(DomainError::invalid("username", "用户名已存在", "user name already exists").into());
        }
        let now = self.store.clock.now();
        let m = user::ActiveModel {
            username: Set(username),
            display_name: Set(display_name),
            org_id: Set(org.id.0),
            role: Set(new.role.code().to_owned()),
            password_hash: Set(users::hash_password(&new.password)?),
            language: Set("zh".into()),
            disabled: Set(false),
            unlocked_at: Set(None),
            password_changed_at: Set(now),
            created_at: Set(now),
            // A password an administrator chose is changed by its owner at the first sign-in;
            // the operator's (kaohe init, the demo) are handed over on the console.
            must_change_password: Set(!matches!(self.actor, Actor::Operator)),
            removed_at: Set(None),
            second_factor: Set(None),
            second_factor_step: Set(None),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
        let created = users::to_domain(&m)?;
        self.audit_user(
            &txn,
            AuditAction::Create,
            &created,
            &org.path,
            None,
            format!("新建用户 {}({})", created.username, created.role.label_zh()),
        )
        .await?;
        txn.commit().await?;
        Ok(created)
    }

    /// Changes a user's role (security administrator): never his own, never across the line
    /// between administrators and business roles (see [`kaohe_domain::may_grant`]).
    pub async fn set_role(&self, id: UserId, role: Role) -> Result<User, StoreError> {
        let (current, _) = self.user_in_scope(Action::UserSecurity, id).await?;
        let current = users::to_domain(&current)?;
        kaohe_domain::may_grant(&self.actor, id, current.role, role)?;
        self.security_change(id, AuditAction::Update, format!("角色改为 {}", role.label_zh()), |am| {
            am.role = Set(role.code().to_owned())
        })
        .await
    }

    /// Sets a new password for another user (security administrator), policy checked; the user
    /// must change it at the next sign-in.
    pub async fn reset_password(&self, id: UserId, password: &str) -> Result<User, StoreError> {
        let (m, _) = self.user_in_scope(Action::UserSecurity, id).await?;
        self.store.policy.password.check_for(password, &m.username)?;
        let hash = users::hash_password(password)?;
        let now = self.store.clock.now();
        let must_change = !matches!(self.actor, Actor::Operator);
        let done = self
            .security_change(id, AuditAction::PasswordChange, "重置密码 / password reset".into(), move |am| {
                am.password_hash = Set(hash);
                am.password_changed_at = Set(now);
                am.must_change_password = Set(must_change);
            })
            .await?;
        // The sessions end by their sign-in time (see `Store::actor_for_session`); the tokens here.
        users::revoke_tokens(&self.store.db, id.0, now).await?;
        Ok(done)
    }

    /// Switches an account off or on again (system administrator, never his own account): a
    /// disabled account's sessions and tokens stop working at their next request, and it cannot
    /// sign in; nothing of it is deleted.
    pub async fn set_disabled(&self, id: UserId, disabled: bool) -> Result<User, StoreError> {
        let (m, path) = self.user_in_scope(Action::UserWrite, id).await?;
        if self.actor.user_id() == Some(id) {
            return Err(DomainError::Forbidden("不能停用自己的账户 / nobody disables their own account").into());
        }
        if m.removed_at.is_some() {
            return Err(DomainError::NotFound.into());
        }
        let before = users::to_domain(&m)?;
        let txn = crate::db::begin_write(&self.store.db).await?;
        let mut am: user::ActiveModel = m.into();
        am.disabled = Set(disabled);
        let after = users::to_domain(&am.update(&txn).await?)?;
        let summary = if disabled { "停用账户 / account disabled" } else { "启用账户 / account enabled" };
        self.audit_user(
            &txn,
            AuditAction::Update,
            &after,
            &path,
            Some(&before),
            format!("{} {summary}", after.username),
        )
        .await?;
        txn.commit().await?;
        Ok(after)
    }

    /// Lifts a lockout (security administrator).
    pub async fn unlock(&self, id: UserId) -> Result<User, StoreError> {
        let now = self.store.clock.now();
        self.security_change(id, AuditAction::Unlock, "解除锁定 / unlocked".into(), move |am| {
            am.unlocked_at = Set(Some(now))
        })
        .await
    }

    /// Whether a user is locked out now, and until when.
    pub async fn locked_until(&self, id: UserId) -> Result<Option<chrono::DateTime<chrono::Utc>>, StoreError> {
        let (m, _) = self.user_in_scope(Action::UserRead, id).await?;
        let now = self.store.clock.now();
        let lock = self.store.policy.lockout;
        let since = users::failure_horizon(Some(&m), now, lock.window_minutes, lock.lock_minutes);
        let failures = login_failure::Entity::find()
            .filter(login_failure::Column::Username.eq(&m.username))
            .filter(login_failure::Column::At.gt(since))
            .all(&self.store.db)
            .await?;
        Ok(lock.locked_until(&failures.iter().map(|f| f.at).collect::<Vec<_>>(), now))
    }

    /// Issues a personal API token for the acting user (or, for the operator, any user) and
    /// returns it; only its hash is kept.
    pub async fn issue_token(&self, for_user: UserId, name: &str) -> Result<String, StoreError> {
        if !matches!(self.actor, Actor::Operator) && self.actor.user_id() != Some(for_user) {
            return Err(DomainError::Forbidden("只能为自己签发令牌 / tokens are issued to oneself").into());
        }
        let txn = crate::db::begin_write(&self.store.db).await?;
        let m = users::find(&txn, for_user).await?.ok_or(DomainError::NotFound)?;
        let org = orgs::find(&txn, OrgId(m.org_id)).await?.ok_or(DomainError::NotFound)?;
        let token =
            users::insert_token(&txn, for_user, name, self.store.clock.now(), self.store.policy.token_days).await?;
        let u = users::to_domain(&m)?;
        self.audit_user(&txn, AuditAction::TokenIssue, &u, &org.path, None, format!("签发API令牌“{name}”")).await?;
        txn.commit().await?;
        Ok(token)
    }

    /// The acting user's own account.
    pub async fn me(&self) -> Result<User, StoreError> {
        let id = self.actor.user_id().ok_or(DomainError::NotFound)?;
        users::to_domain(&users::find(&self.store.db, id).await?.ok_or(DomainError::NotFound)?)
    }

    /// The acting user's own org (always visible to them, whatever their role).
    pub async fn my_org(&self) -> Result<kaohe_domain::Org, StoreError> {
        let me = self.me().await?;
        orgs::find(&self.store.db, me.org_id).await?.ok_or_else(|| DomainError::NotFound.into())
    }

    /// Changes the acting user's own password after checking the current one.
    pub async fn change_own_password(&self, current: &str, new: &str) -> Result<(), StoreError> {
        let id = self.actor.user_id().ok_or(DomainError::NotFound)?;
        let m = users::find(&self.store.db, id).await?.ok_or(DomainError::NotFound)?;
        if !users::verify_password(&m.password_hash, current) {
            return Err(DomainError::invalid("current_password", "当前密码不正确", "current password is wrong").into());
        }
        let policy = self.store.policy.password;
        policy.check_for(new, &m.username)?;
        // Never the current password (a reset one must really change), nor the last N.
        if users::used_before(&self.store.db, &m, new, policy.history.max(1)).await? {
            let e = if policy.history > 1 {
                DomainError::invalid(
                    "new_password",
                    format!("新密码不能与最近{}次用过的密码相同", policy.history),
                    format!("the new password may not repeat any of the last {} passwords", policy.history),
                )
            } else {
                DomainError::invalid(
                    "new_password",
                    "新密码不能与当前密码相同",
                    "the new password must differ from the current one",
                )
            };
            return Err(e.into());
        }
        let txn = crate::db::begin_write(&self.store.db).await?;
        let org = orgs::find(&txn, OrgId(m.org_id)).await?.ok_or(DomainError::NotFound)?;
        users::remember_password(&txn, &m, policy.history).await?;
        let mut am: user::ActiveModel = m.into();
        am.password_hash = Set(users::hash_password(new)?);
        am.password_changed_at = Set(self.store.clock.now());
        am.must_change_password = Set(false);
        let u = users::to_domain(&am.update(&txn).await?)?;
        users::revoke_tokens(&txn, id.0, self.store.clock.now()).await?;
        self.audit_user(
            &txn,
            AuditAction::PasswordChange,
            &u,
            &org.path,
            None,
            "修改本人密码 / own password changed".into(),
        )
        .await?;
        txn.commit().await?;
        Ok(())
    }

    /// Sets the acting user's UI language (`zh` or `en`).
    pub async fn set_own_language(&self, lang: &str) -> Result<(), StoreError> {
        let lang = match lang {
            "zh" | "en" => lang,
            _ => return Err(DomainError::invalid("language", "语言须为 zh 或 en", "language must be zh or en").into()),
        };
        let id = self.actor.user_id().ok_or(DomainError::NotFound)?;
        let m = users::find(&self.store.db, id).await?.ok_or(DomainError::NotFound)?;
        let mut am: user::ActiveModel = m.into();
        am.language = Set(lang.to_owned());
        am.update(&self.store.db).await?;
        Ok(())
    }

    pub(super) async fn user_in_scope(&self, action: Action, id: UserId) -> Result<(user::Model, OrgPath), StoreError> {
        self.check(action, None)?;
        let m = users::find(&self.store.db, id).await?.ok_or(DomainError::NotFound)?;
        let org = orgs::find(&self.store.db, OrgId(m.org_id)).await?.ok_or(DomainError::NotFound)?;
        self.check(action, Some(&org.path))?;
        Ok((m, org.path))
    }

    pub(super) async fn security_change(
        &self,
        id: UserId,
        action: AuditAction,
        summary: String,
        change: impl FnOnce(&mut user::ActiveModel),
    ) -> Result<User, StoreError> {
        let (m, path) = self.user_in_scope(Action::UserSecurity, id).await?;
        if m.removed_at.is_some() {
            // A removed account stays as it was removed.
            return Err(DomainError::NotFound.into());
        }
        let before = users::to_domain(&m)?;
        let txn = crate::db::begin_write(&self.store.db).await?;
        let mut am: user::ActiveModel = m.into();
        change(&mut am);
        let after = users::to_domain(&am.update(&txn).await?)?;
        let summary = format!("{} {}", after.username, summary);
        self.audit_user(&txn, action, &after, &path, Some(&before), summary).await?;
        txn.commit().await?;
        Ok(after)
    }

    pub(super) async fn audit_user<C: sea_orm::ConnectionTrait>(
        &self,
        conn: &C,
        action: AuditAction,
        u: &User,
        path: &OrgPath,
        before: Option<&User>,
        summary: String,
    ) -> Result<(), StoreError> {
        let event = Event { action, entity: "user", entity_id: Some(u.id.to_string()), scope: Some(path), summary };
        audit::record(conn, self.store.clock.now(), &self.actor, event, before.map(digest), Some(digest(u))).await
    }
}
