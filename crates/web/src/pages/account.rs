//! My account: my details, my password, my language, my API tokens.

use crate::auth::{CurrentUser, PageUser};
use crate::pages::{Shell, form_messages, render};
use crate::{AppState, PageError};
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use kaohe_domain::DomainError;
use serde::Deserialize;

#[derive(Template)]
#[template(path = "account.html")]
struct AccountPage {
    shell: Shell,
    username: String,
    display_name: String,
    org_name: String,
    lang: &'static str,
    new_token: String,
    errors: Vec<String>,
}

async fn page(
    state: &AppState,
    u: &CurrentUser,
    new_token: String,
    errors: Vec<String>,
) -> Result<Response, PageError> {
    let scoped = u.scoped(state);
    let me = scoped.me().await?;
    let org_name = scoped.my_org().await?.name;
    let status = if errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    let p = AccountPage {
        shell: Shell::new(u, state, "account"),
        username: me.username,
        display_name: me.display_name,
        org_name,
        lang: u.lang.code(),
        new_token,
        errors,
    };
    Ok((status, render(&p)?).into_response())
}

async fn show(State(state): State<AppState>, PageUser(u): PageUser) -> Result<Response, PageError> {
    page(&state, &u, String::new(), vec![]).await
}

#[derive(Deserialize)]
struct PasswordForm {
    current_password: String,
    new_password: String,
}

async fn change_password(
    State(state): State<AppState>,
    PageUser(u): PageUser,
    session: tower_sessions::Session,
    Form(f): Form<PasswordForm>,
) -> Result<Response, PageError> {
    match u.scoped(&state).change_own_password(&f.current_password, &f.new_password).await {
        Ok(()) => {
            // This session proved the new password; every other session of the user ends.
            session.insert(crate::auth::AUTH_AT, state.store.clock().now().timestamp()).await?;
            Ok(Redirect::to("/account").into_response())
        }
        Err(e) => page(&state, &u, String::new(), form_messages(&u, e)?).await,
    }
}

#[derive(Deserialize)]
struct LanguageForm {
    language: String,
}

async fn set_language(
    State(state): State<AppState>,
    PageUser(u): PageUser,
    Form(f): Form<LanguageForm>,
) -> Result<Response, PageError> {
    u.scoped(&state).set_own_language(&f.language).await?;
    Ok(Redirect::to("/account").into_response())
}

#[derive(Deserialize)]
struct TokenForm {
    name: String,
}

async fn issue_token(
    State(state): State<AppState>,
    PageUser(u): PageUser,
    Form(f): Form<TokenForm>,
) -> Result<Response, PageError> {
    let Some(id) = u.actor.user_id() else { return Err(DomainError::NotFound.into()) };
    let token = u.scoped(&state).issue_token(id, f.name.trim()).await?;
    page(&state, &u, token, vec![]).await
}

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/account", get(show))
        .route("/account/password", post(change_password))
        .route("/account/language", post(set_language))
        .route("/account/token", post(issue_token))
}
