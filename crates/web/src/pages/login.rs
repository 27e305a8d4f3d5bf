//! Sign in and out. The session id is rotated at login; the login itself is audited by the store.
//! An account with a second factor signs in in two steps: the password, then the code of its
//! authenticator app (the session holds only "password right for user N at time T" in between).

use crate::auth::{self, LANG, LOGIN_AT, SEEN, UID, csrf_token};
use crate::client_address::client_ip;
use crate::i18n::Lang;
use crate::pages::render;
use crate::{AppState, PageError};
use askama::Template;
use axum::extract::{ConnectInfo, Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Extension, Form, Router};
use kaohe_store::SignIn;
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
    /// The password was right: ask for the second factor's code.
    code_step: bool,
}

/// The user whose password was right, and when, until the code is given.
const PENDING_UID: &str = "pending_uid";
const PENDING_AT: &str = "pending_at";
/// Seconds the code may follow the password.
const CODE_WITHIN: i64 = 300;

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
    let page = LoginPage {
        t,
        csrf: token.clone(),
        failed: false,
        wait_minutes: None,
        username: String::new(),
        code_step: false,
    };
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
    let Gate { token, ip, t } = match gate(&state, peer, &headers, &session, &f.csrf, &f.username).await? {
        Ok(g) => g,
        Err(wait) => return Ok(wait),
    };
    match state.store.login(&f.username, &f.password).await? {
        Ok(SignIn::Done(actor)) => start_session(&state, &session, &actor).await,
        Ok(SignIn::NeedsCode(uid)) => {
            session.insert(PENDING_UID, uid.0).await?;
            session.insert(PENDING_AT, state.store.clock().now().timestamp()).await?;
            let page = LoginPage {
                t,
                csrf: token.clone(),
                failed: false,
                wait_minutes: None,
                username: f.username,
                code_step: true,
            };
            Ok(render(&page)?.into_response())
        }
        Err(_) => {
            state.store.sign_in_failed(&ip, state.config.client_limit()).await?;
            let page =
                LoginPage { t, csrf: token, failed: true, wait_minutes: None, username: f.username, code_step: false };
            Ok((StatusCode::UNAUTHORIZED, render(&page)?).into_response())
        }
    }
}

/// What both sign-in steps check first: the form's token, the client's address and language.
struct Gate {
    token: String,
    ip: String,
    t: Lang,
}

/// Checks a sign-in form's double-submit token and the address's failures: the gate passed, or
/// the 429 page to answer with.
async fn gate(
    state: &AppState,
    peer: Option<Extension<ConnectInfo<SocketAddr>>>,
    headers: &HeaderMap,
    session: &Session,
    csrf: &str,
    username: &str,
) -> Result<Result<Gate, Response>, PageError> {
    let (token, fresh) = login_token(headers);
    if fresh || !crate::csrf::constant_eq(token.as_bytes(), csrf.as_bytes()) {
        return Err(crate::WebError::Csrf.into());
    }
    let ip = client_ip(headers, peer.map(|p| p.0.0), &state.config.proxies).to_string();
    let t = lang_of(session).await;
    match throttled(state, &ip, &token, t, username).await? {
        Some(wait) => Ok(Err(wait)),
        None => Ok(Ok(Gate { token, ip, t })),
    }
}

/// The 429 page when this address has used up its failed sign-ins.
async fn throttled(
    state: &AppState,
    ip: &str,
    token: &str,
    t: Lang,
    username: &str,
) -> Result<Option<Response>, PageError> {
    let Some(wait) = state.store.sign_in_wait(ip, state.config.client_limit()).await? else {
        return Ok(None);
    };
    tracing::warn!(%ip, "sign-in refused: too many failures from this address");
    let secs = wait.num_seconds().max(1) as u64;
    let wait_minutes = Some(secs.div_ceil(60).max(1));
    let page = LoginPage {
        t,
        csrf: token.to_owned(),
        failed: false,
        wait_minutes,
        username: username.to_owned(),
        code_step: false,
    };
    let retry = [(header::RETRY_AFTER, secs.to_string())];
    Ok(Some((StatusCode::TOO_MANY_REQUESTS, retry, render(&page)?).into_response()))
}

/// A signed-in session: a new id, the user, the times.
async fn start_session(
    state: &AppState,
    session: &Session,
    actor: &kaohe_domain::Actor,
) -> Result<Response, PageError> {
    let uid = actor.user_id().map(|u| u.0).unwrap_or_default();
    let now = state.store.clock().now().timestamp();
    session.cycle_id().await?;
    session.remove::<String>(auth::CSRF).await?;
    session.remove::<i64>(PENDING_UID).await?;
    session.remove::<i64>(PENDING_AT).await?;
    session.insert(UID, uid).await?;
    session.insert(LOGIN_AT, now).await?;
    session.insert(auth::AUTH_AT, now).await?;
    session.insert(SEEN, now).await?;
    csrf_token(session).await?;
    Ok(Redirect::to("/").into_response())
}

#[derive(Deserialize)]
struct CodeForm {
    #[serde(rename = "_csrf", default)]
    csrf: String,
    code: String,
}

/// The second step: the authenticator app's code for the user whose password was right.
async fn submit_code(
    State(state): State<AppState>,
    peer: Option<Extension<ConnectInfo<SocketAddr>>>,
    headers: HeaderMap,
    session: Session,
    Form(f): Form<CodeForm>,
) -> Result<Response, PageError> {
    let Gate { token, ip, t } = match gate(&state, peer, &headers, &session, &f.csrf, "").await? {
        Ok(g) => g,
        Err(wait) => return Ok(wait),
    };
    let now = state.store.clock().now().timestamp();
    let pending = session.get::<i64>(PENDING_UID).await?;
    let at = session.get::<i64>(PENDING_AT).await?.unwrap_or(0);
    let Some(uid) = pending.filter(|_| now - at <= CODE_WITHIN) else {
        // No password step, or too long ago: start again.
        return Ok(Redirect::to("/login").into_response());
    };
    match state.store.login_code(kaohe_domain::UserId(uid), &f.code).await? {
        Ok(actor) => start_session(&state, &session, &actor).await,
        Err(_) => {
            state.store.sign_in_failed(&ip, state.config.client_limit()).await?;
            let page = LoginPage {
                t,
                csrf: token,
                failed: true,
                wait_minutes: None,
                username: String::new(),
                code_step: true,
            };
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
        .route("/login/code", post(submit_code))
        .route("/logout", post(logout))
        .route("/lang/{code}", get(set_lang))
}
