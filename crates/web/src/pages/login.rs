//! Sign in and out. The session id is rotated at login; the login itself is audited by the store.

use crate::auth::{self, LANG, LOGIN_AT, SEEN, UID, csrf_token};
use crate::i18n::Lang;
use crate::pages::render;
use crate::{AppState, PageError};
use askama::Template;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use serde::Deserialize;
use tower_sessions::Session;

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    t: Lang,
    csrf: String,
    failed: bool,
    username: String,
}

async fn lang_of(session: &Session) -> Lang {
    Lang::from_code(&session.get::<String>(LANG).await.ok().flatten().unwrap_or_default())
}

async fn page(session: Session) -> Result<Response, PageError> {
    let t = lang_of(&session).await;
    Ok(render(&LoginPage { t, csrf: csrf_token(&session).await?, failed: false, username: String::new() })?
        .into_response())
}

#[derive(Deserialize)]
struct LoginForm {
    username: String,
    password: String,
}

async fn submit(
    State(state): State<AppState>,
    session: Session,
    Form(f): Form<LoginForm>,
) -> Result<Response, PageError> {
    match state.store.login(&f.username, &f.password).await? {
        Ok(actor) => {
            let uid = actor.user_id().map(|u| u.0).unwrap_or_default();
            let now = state.store.clock().now().timestamp();
            session.cycle_id().await?;
            session.remove::<String>(auth::CSRF).await?;
            session.insert(UID, uid).await?;
            session.insert(LOGIN_AT, now).await?;
            session.insert(SEEN, now).await?;
            csrf_token(&session).await?;
            Ok(Redirect::to("/").into_response())
        }
        Err(_) => {
            let t = lang_of(&session).await;
            let page = LoginPage { t, csrf: csrf_token(&session).await?, failed: true, username: f.username };
            Ok((axum::http::StatusCode::UNAUTHORIZED, render(&page)?).into_response())
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
