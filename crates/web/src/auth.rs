//! Who is asking: a bearer token (API) or a session cookie (pages and API), checked against the
//! idle and absolute session limits with the injected clock. Handlers take [`PageUser`] or
//! [`ApiUser`] and get a scoped store from it.

use crate::AppState;
use crate::error::{ApiError, PageError, WebError};
use crate::i18n::Lang;
use axum::extract::FromRequestParts;
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;
use kaohe_domain::{Actor, UserId};
use kaohe_store::Scoped;
use rand::Rng;
use tower_sessions::Session;

pub(crate) const UID: &str = "uid";
pub(crate) const LOGIN_AT: &str = "login_at";
/// When the session last proved its password (sign-in, or a change of one's own password).
pub(crate) const AUTH_AT: &str = "auth_at";
pub(crate) const SEEN: &str = "seen";
pub(crate) const CSRF: &str = "csrf";
pub(crate) const LANG: &str = "lang";

/// The signed-in user of a request.
#[derive(Debug, Clone)]
pub struct CurrentUser {
    pub actor: Actor,
    pub lang: Lang,
    /// The session's CSRF token (empty for token-authenticated requests).
    pub csrf: String,
    /// What the user must do before anything else (change a reset password, set up a second
    /// factor): until then only the account page answers.
    pub obligation: Option<kaohe_store::Obligation>,
}

impl CurrentUser {
    /// The store as this user may see it.
    pub fn scoped<'a>(&self, state: &'a AppState) -> Scoped<'a> {
        state.store.scoped(self.actor.clone())
    }
}

/// The session's CSRF token, created on first use.
pub(crate) async fn csrf_token(session: &Session) -> Result<String, WebError> {
    if let Some(t) = session.get::<String>(CSRF).await? {
        return Ok(t);
    }
    let bytes: [u8; 24] = rand::rng().random();
    let t = hex::encode(bytes);
    session.insert(CSRF, &t).await?;
    Ok(t)
}

async fn resolve(parts: &mut Parts, state: &AppState) -> Result<CurrentUser, WebError> {
    // A change to the federation's layer made by another process is in force for this request.
    state.store.refresh_layer().await?;
    if let Some(h) = parts.headers.get(AUTHORIZATION) {
        let token = h.to_str().ok().and_then(|v| v.strip_prefix("Bearer ")).ok_or(WebError::Unauthenticated)?;
        let (actor, lang) = state.store.actor_for_token(token.trim()).await.map_err(|_| WebError::Unauthenticated)?;
        return Ok(CurrentUser { actor, lang: Lang::from_code(&lang), csrf: String::new(), obligation: None });
    }
    let session = Session::from_request_parts(parts, state).await.map_err(|_| WebError::Unauthenticated)?;
    let Some(uid) = session.get::<i64>(UID).await? else {
        return Err(WebError::Unauthenticated);
    };
    let now = state.store.clock().now().timestamp();
    let login_at = session.get::<i64>(LOGIN_AT).await?.unwrap_or(0);
    let seen = session.get::<i64>(SEEN).await?.unwrap_or(0);
    let cfg = &state.config;
    if now - seen > cfg.idle_minutes * 60 || now - login_at > cfg.absolute_hours * 3600 {
        session.flush().await?;
        return Err(WebError::Unauthenticated);
    }
    if now - seen >= 30 {
        session.insert(SEEN, now).await?;
    }
    // A password set after this session signed in (a reset, a change elsewhere) ends it.
    let authenticated_at = session.get::<i64>(AUTH_AT).await?.unwrap_or(login_at);
    let found =
        state.store.actor_for_session(UserId(uid), authenticated_at).await.map_err(|_| WebError::Unauthenticated)?;
    Ok(CurrentUser {
        actor: found.actor,
        lang: Lang::from_code(&found.language),
        csrf: csrf_token(&session).await?,
        obligation: found.obligation,
    })
}

/// Where a user with an obligation may go: the account page and the forms that meet it.
const WHILE_OBLIGED: [&str; 5] =
    ["/account", "/account/password", "/account/language", "/account/second-factor/start", "/account/second-factor"];

/// Refuses a user with an obligation anywhere but the account page (where it is met).
fn unless_obliged(u: CurrentUser, path: &str) -> Result<CurrentUser, WebError> {
    match u.obligation {
        Some(o) if !WHILE_OBLIGED.contains(&path) => Err(WebError::Obliged(o)),
        _ => Ok(u),
    }
}

/// A signed-in user on a page route (not signed in → redirect to the login page).
pub struct PageUser(pub CurrentUser);

impl FromRequestParts<AppState> for PageUser {
    type Rejection = PageError;
    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, PageError> {
        let u = resolve(parts, state).await?;
        Ok(PageUser(unless_obliged(u, parts.uri.path())?))
    }
}

/// A signed-in user on an API route (not signed in → 401 JSON).
pub struct ApiUser(pub CurrentUser);

impl FromRequestParts<AppState> for ApiUser {
    type Rejection = ApiError;
    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let u = resolve(parts, state).await?;
        Ok(ApiUser(unless_obliged(u, parts.uri.path())?))
    }
}
