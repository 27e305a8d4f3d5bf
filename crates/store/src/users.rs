//! The user repository: accounts, argon2id password hashes, lockout, and API tokens (stored as
//! SHA-256 hashes). Unscoped: only [`crate::Scoped`] and login call it.

use crate::entity::{api_token, login_failure, user};
use crate::{StoreError, orgs};
use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use chrono::{DateTime, Duration, Utc};
use kaohe_domain::{Actor, DomainError, OrgId, Role, UserId};
use rand::Rng;
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// A user account as shown to administrators (never the hash).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct User {
    pub id: UserId,
    pub username: String,
    pub display_name: String,
    pub org_id: OrgId,
    pub role: Role,
    pub language: String,
    pub disabled: bool,
    /// A reset password the user must change at the next sign-in.
    pub must_change_password: bool,
    /// Whether the user signs in with a second factor (TOTP).
    pub second_factor: bool,
    /// When the account was removed (it stays, switched off, for the audit trail).
    pub removed_at: Option<DateTime<Utc>>,
}

/// An API token as its owner sees it (never the secret, shown once when issued).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TokenInfo {
    pub id: i64,
    pub name: String,
    pub created_at: DateTime<Utc>,
    pub last_used_at: Option<DateTime<Utc>>,
    pub expires_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
}

impl From<api_token::Model> for TokenInfo {
    fn from(t: api_token::Model) -> Self {
        Self {
            id: t.id,
            name: t.name,
            created_at: t.created_at,
            last_used_at: t.last_used_at,
            expires_at: t.expires_at,
            revoked_at: t.revoked_at,
        }
    }
}

/// What is needed to create a user.
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct NewUser {
    pub username: String,
    pub display_name: String,
    pub org_id: OrgId,
    pub role: Role,
    pub password: String,
}

pub(crate) fn to_domain(m: &user::Model) -> Result<User, StoreError> {
    Ok(User {
        id: UserId(m.id),
        username: m.username.clone(),
        display_name: m.display_name.clone(),
        org_id: OrgId(m.org_id),
        role: Role::parse(&m.role).ok_or_else(|| StoreError::Corrupt(format!("role {:?}", m.role)))?,
        language: m.language.clone(),
        disabled: m.disabled,
        must_change_password: m.must_change_password,
        second_factor: m.second_factor.is_some(),
        removed_at: m.removed_at,
    })
}

/// Checks a user name: 2–64 characters of letters, digits, `.`, `_`, `-`.
pub(crate) fn check_username(s: &str) -> Result<String, DomainError> {
    let s = s.trim();
    let ok =
        (2..=64).contains(&s.len()) && s.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'));
    if ok {
        Ok(s.to_owned())
    } else {
        Err(DomainError::invalid(
            "username",
            "用户名须为2至64位字母、数字、“.”“_”“-”",
            "user name must be 2–64 letters, digits, '.', '_' or '-'",
        ))
    }
}

/// Hashes a password with argon2id and a random salt.
pub fn hash_password(password: &str) -> Result<String, StoreError> {
    let salt =
        SaltString::encode_b64(&rand::rng().random::<[u8; 16]>()).map_err(|e| StoreError::Corrupt(e.to_string()))?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| StoreError::Corrupt(e.to_string()))
}

/// True if `password` matches the stored argon2 hash.
pub(crate) fn verify_password(hash: &str, password: &str) -> bool {
    VERIFICATIONS.with(|n| n.set(n.get() + 1));
    PasswordHash::new(hash).is_ok_and(|h| Argon2::default().verify_password(password.as_bytes(), &h).is_ok())
}

/// A hash of no one's password: a sign-in with an unknown user name (or a locked account) is
/// checked against it, so it takes as long as one with a known name and the time tells nothing.
pub(crate) fn dummy_hash() -> &'static str {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DUMMY.get_or_init(|| hash_password(&generate_password()).unwrap_or_default())
}

thread_local! {
    /// Password checks made on this thread (tests count them: every sign-in makes exactly one).
    static VERIFICATIONS: std::cell::Cell<u64> = const { std::cell::Cell::new(0) };
}

/// How many password checks this thread has made.
pub fn verifications_on_this_thread() -> u64 {
    VERIFICATIONS.with(|n| n.get())
}

/// A password that meets the default policy, for `kaohe init` and the demo users.
pub fn generate_password() -> String {
    const SETS: [&[u8]; 4] = [b"abcdefghijkmnpqrstuvwxyz", b"ABCDEFGHJKLMNPQRSTUVWXYZ", b"23456789", b"@#%+=-"];
    let mut rng = rand::rng();
    let mut out: Vec<u8> = (0..16)
        .map(|i| {
            let set = SETS[i % 4];
            set[rng.random_range(0..set.len())]
        })
        .collect();
    // Shuffle so the classes are not in a fixed rhythm.
    for i in (1..out.len()).rev() {
        out.swap(i, rng.random_range(0..=i));
    }
    String::from_utf8(out).unwrap_or_default()
}

/// SHA-256 of a secret token, hex.
pub(crate) fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// A new random API token: `kh_` and 43 URL-safe base64 characters (256 bits).
pub(crate) fn new_token() -> String {
    use base64::Engine;
    let bytes: [u8; 32] = rand::rng().random();
    format!("kh_{}", base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes))
}

pub(crate) async fn find<C: ConnectionTrait>(conn: &C, id: UserId) -> Result<Option<user::Model>, StoreError> {
    Ok(user::Entity::find_by_id(id.0).one(conn).await?)
}

pub(crate) async fn find_by_name<C: ConnectionTrait>(conn: &C, name: &str) -> Result<Option<user::Model>, StoreError> {
    Ok(user::Entity::find().filter(user::Column::Username.eq(name.trim())).one(conn).await?)
}

/// The actor a user acts as: their role and their org's subtree.
pub(crate) async fn actor_of<C: ConnectionTrait>(conn: &C, m: &user::Model) -> Result<Actor, StoreError> {
    let org = orgs::find(conn, OrgId(m.org_id)).await?.ok_or_else(|| StoreError::Corrupt("user without org".into()))?;
    Ok(Actor::User {
        id: UserId(m.id),
        name: m.username.clone(),
        org_id: org.id,
        scope: org.path,
        role: Role::parse(&m.role).ok_or_else(|| StoreError::Corrupt(format!("role {:?}", m.role)))?,
    })
}

/// Failed logins for `username` that count towards a lock now (inside the window, after the last unlock).
pub(crate) async fn recent_failures<C: ConnectionTrait>(
    conn: &C,
    username: &str,
    since: DateTime<Utc>,
) -> Result<Vec<DateTime<Utc>>, StoreError> {
    Ok(login_failure::Entity::find()
        .filter(login_failure::Column::Username.eq(username))
        .filter(login_failure::Column::At.gt(since))
        .order_by_asc(login_failure::Column::At)
        .all(conn)
        .await?
        .into_iter()
        .map(|f| f.at)
        .collect())
}

pub(crate) async fn record_failure<C: ConnectionTrait>(
    conn: &C,
    username: &str,
    at: DateTime<Utc>,
) -> Result<(), StoreError> {
    login_failure::ActiveModel {
        username: Set(username.chars().take(64).collect()),
        at: Set(at),
        ..Default::default()
    }
    .insert(conn)
    .await?;
    Ok(())
}

/// The instant before which failures no longer matter for `m` (window start or last unlock).
pub(crate) fn failure_horizon(
    m: Option<&user::Model>,
    now: DateTime<Utc>,
    window_minutes: i64,
    lock_minutes: i64,
) -> DateTime<Utc> {
    let window = now - Duration::minutes(window_minutes + lock_minutes);
    match m.and_then(|m| m.unlocked_at) {
        Some(u) if u > window => u,
        _ => window,
    }
}

pub(crate) async fn insert_token<C: ConnectionTrait>(
    conn: &C,
    user_id: UserId,
    name: &str,
    now: DateTime<Utc>,
    days: u32,
) -> Result<String, StoreError> {
    let token = new_token();
    api_token::ActiveModel {
        user_id: Set(user_id.0),
        name: Set(name.chars().take(100).collect()),
        token_hash: Set(token_hash(&token)),
        created_at: Set(now),
        expires_at: Set((days > 0).then(|| now + Duration::days(i64::from(days)))),
        ..Default::default()
    }
    .insert(conn)
    .await?;
    Ok(token)
}

/// Revokes every live API token of a user (a password reset or change ends them all).
pub(crate) async fn revoke_tokens<C: ConnectionTrait>(
    conn: &C,
    user: i64,
    now: DateTime<Utc>,
) -> Result<u64, StoreError> {
    use sea_orm::sea_query::Expr;
    let done = api_token::Entity::update_many()
        .col_expr(api_token::Column::RevokedAt, Expr::value(now))
        .filter(api_token::Column::UserId.eq(user))
        .filter(api_token::Column::RevokedAt.is_null())
        .exec(conn)
        .await?;
    Ok(done.rows_affected)
}

/// A live token: not revoked, not expired at `now`.
pub(crate) async fn find_token<C: ConnectionTrait>(
    conn: &C,
    token: &str,
    now: DateTime<Utc>,
) -> Result<Option<api_token::Model>, StoreError> {
    use sea_orm::Condition;
    Ok(api_token::Entity::find()
        .filter(api_token::Column::TokenHash.eq(token_hash(token)))
        .filter(api_token::Column::RevokedAt.is_null())
        .filter(Condition::any().add(api_token::Column::ExpiresAt.is_null()).add(api_token::Column::ExpiresAt.gt(now)))
        .one(conn)
        .await?)
}

/// A user's tokens, newest first.
pub(crate) async fn tokens_of<C: ConnectionTrait>(conn: &C, user: UserId) -> Result<Vec<TokenInfo>, StoreError> {
    let rows = api_token::Entity::find()
        .filter(api_token::Column::UserId.eq(user.0))
        .order_by_desc(api_token::Column::CreatedAt)
        .order_by_desc(api_token::Column::Id)
        .all(conn)
        .await?;
    Ok(rows.into_iter().map(TokenInfo::from).collect())
}

/// Whether `password` is the user's current one or one of the `keep - 1` before it.
pub(crate) async fn used_before<C: ConnectionTrait>(
    conn: &C,
    m: &user::Model,
    password: &str,
    keep: u32,
) -> Result<bool, StoreError> {
    use crate::entity::password_history;
    use sea_orm::QuerySelect;
    if keep == 0 {
        return Ok(false);
    }
    if verify_password(&m.password_hash, password) {
        return Ok(true);
    }
    if keep == 1 {
        return Ok(false);
    }
    let earlier = password_history::Entity::find()
        .filter(password_history::Column::UserId.eq(m.id))
        .order_by_desc(password_history::Column::SetAt)
        .order_by_desc(password_history::Column::Id)
        .limit(u64::from(keep.saturating_sub(1)))
        .all(conn)
        .await?;
    Ok(earlier.iter().any(|h| verify_password(&h.password_hash, password)))
}

/// Keeps the password being replaced in the user's history (only as many as the rule needs).
pub(crate) async fn remember_password<C: ConnectionTrait>(
    conn: &C,
    m: &user::Model,
    keep: u32,
) -> Result<(), StoreError> {
    use crate::entity::password_history;
    if keep == 0 {
        return Ok(());
    }
    password_history::ActiveModel {
        user_id: Set(m.id),
        password_hash: Set(m.password_hash.clone()),
        set_at: Set(m.password_changed_at),
        ..Default::default()
    }
    .insert(conn)
    .await?;
    let all = password_history::Entity::find()
        .filter(password_history::Column::UserId.eq(m.id))
        .order_by_desc(password_history::Column::SetAt)
        .order_by_desc(password_history::Column::Id)
        .all(conn)
        .await?;
    let old: Vec<i64> = all.iter().skip(keep as usize).map(|h| h.id).collect();
    if !old.is_empty() {
        password_history::Entity::delete_many().filter(password_history::Column::Id.is_in(old)).exec(conn).await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use kaohe_domain::password::PasswordPolicy;

    #[test]
    fn generated_passwords_meet_the_policy_and_verify() {
        for _ in 0..20 {
            let p = generate_password();
            PasswordPolicy::default().check(&p).unwrap();
        }
        let p = generate_password();
        let h = hash_password(&p).unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(verify_password(&h, &p));
        assert!(!verify_password(&h, "wrong"));
    }
}
