//! Sign in and out. The session id is rotated at login; the login itself is audited by the store.

use crate::auth::{self, LANG, LOGIN_AT, SEEN, UID, csrf_token};
use crate::i18n::Lang;
use crate::login_limit::client_ip;
use crate::pages::render;
use crate::{AppState, PageError};
use askama::Template;
use axum::extract::{ConnectInfo, Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Extension, Form, Router};
use serde::Deserialize;
use std::net::SocketAddr;
use tower_sessions::Session;

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    t: Lang,
    csrf: String,
    failed: bool,
    /// Minutes this address must wait after too many failed sign-ins.
    wait_minutes: Option<u64>,
    username: String,
}

async fn lang_of(session: &Session) -> Lang {
    Lang::from_code(&session.get::<String>(LANG).await.ok().flatten().unwrap_or_default())
}

/// The sign-in form's CSRF token lives in a cookie of its own and the form (double submit):
/// nothing is written to the session store until a sign-in succeeds, so anonymous visits (a
/// monitoring probe, a crawler) cost no session row.
const LOGIN_TOKEN: &str = "kaohe_login_csrf";

/// The token the browser already holds, or a new one.
fn login_token(headers: &HeaderMap) -> (String, bool) {
    let held = headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|c| c.trim().split_once('='))
        .find(|(k, v)| *k == LOGIN_TOKEN && v.len() == 48 && v.bytes().all(|b| b.is_ascii_hexdigit()))
        .map(|(_, v)| v.to_owned());
    match held {
        Some(t) => (t, false),
        None => {
            use rand::Rng;
            (hex::encode(rand::rng().random::<[u8; 24]>()), true)
        }
    }
}

/// A login page answer, setting the token cookie when it is new.
fn with_token(state: &AppState, token: &str, fresh: bool, body: Response) -> Response {
    if !fresh {
        return body;
    }
    let secure = if state.config.secure_cookies { "; Secure" } else { "" };
    let cookie = format!("{LOGIN_TOKEN}={token}; Path=/login; HttpOnly; SameSite=Strict{secure}");
    let mut res = body;
    if let Ok(v) = header::HeaderValue::from_str(&cookie) {
        res.headers_mut().append(header::SET_COOKIE, v);
    }
    res
}

async fn page(State(state): State<AppState>, headers: HeaderMap, session: Session) -> Result<Response, PageError> {
    let t = lang_of(&session).await;
    let (token, fresh) = login_token(&headers);
    let page = LoginPage { t, csrf: token.clone(), failed: false, wait_minutes: None, username: String::new() };
    Ok(with_token(&state, &token, fresh, render(&page)?.into_response()))
}

#[derive(Deserialize)]
struct LoginForm {
    #[serde(rename = "_csrf", default)]
    csrf: String,
    username: String,
    password: String,
}

async fn submit(
    State(state): State<AppState>,
    peer: Option<Extension<ConnectInfo<SocketAddr>>>,
    headers: HeaderMap,
    session: Session,
    Form(f): Form<LoginForm>,
) -> Result<Response, PageError> {
    let (token, fresh) = login_token(&headers);
    if fresh || !crate::csrf::constant_eq(token.as_bytes(), f.csrf.as_bytes()) {
        return Err(crate::WebError::Csrf.into());
    }
    let ip = client_ip(&headers, peer.map(|p| p.0.0), &state.config.proxies);
    let now = std::time::Instant::now();
    if let Some(wait) = state.login_limiter.blocked(ip, now) {
        tracing::warn!(%ip, "sign-in refused: too many failures from this address");
        let t = lang_of(&session).await;
        let wait_minutes = Some(wait.as_secs().div_ceil(60).max(1));
        let page = LoginPage { t, csrf: token.clone(), failed: false, wait_minutes, username: f.username };
        let retry = [(header::RETRY_AFTER, wait.as_secs().max(1).to_string())];
        return Ok((StatusCode::TOO_MANY_REQUESTS, retry, render(&page)?).into_response());
    }
    match state.store.login(&f.username, &f.password).await? {
        Ok(actor) => {
            let uid = actor.user_id().map(|u| u.0).unwrap_or_default();
            let now = state.store.clock().now().timestamp();
            session.cycle_id().await?;
            session.remove::<String>(auth::CSRF).await?;
            session.insert(UID, uid).await?;
            session.insert(LOGIN_AT, now).await?;
            session.insert(auth::AUTH_AT, now).await?;
            session.insert(SEEN, now).await?;
            csrf_token(&session).await?;
            Ok(Redirect::to("/").into_response())
        }
        Err(_) => {
            state.login_limiter.failed(ip, now);
            let t = lang_of(&session).await;
            let page = LoginPage { t, csrf: token.clone(), failed: true, wait_minutes: None, username: f.username };
            Ok((StatusCode::UNAUTHORIZED, render(&page)?).into_response())
        }
    }
}

async fn logout(State(state): State<AppState>, session: Session) -> Result<Response, PageError> {
    if let Some(uid) = session.get::<i64>(UID).await?
        && let Ok(actor) = state.store.actor_for_user(kaohe_domain::UserId(uid)).await
    {
        state.store.logout(&actor).await?;
    }
    session.flush().await?;
    Ok(Redirect::to("/login").into_response())
}

async fn set_lang(session: Session, Path(code): Path<String>) -> Result<Response, PageError> {
    session.insert(LANG, Lang::from_code(&code).code()).await?;
    Ok(Redirect::to("/login").into_response())
}

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/login", get(page).post(submit))
        .route("/logout", post(logout))
        .route("/lang/{code}", get(set_lang))
}
