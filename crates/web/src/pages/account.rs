//! My account: my details, my password, my language, my API tokens (issued, listed, revoked) and
//! my second factor (an authenticator app's six-digit codes). A user who must first change a
//! reset password or set up a second factor is sent here until it is done.

use crate::auth::{CurrentUser, PageUser};
use crate::pages::{Shell, form_messages, render};
use crate::{AppState, PageError};
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use kaohe_domain::DomainError;
use kaohe_store::{Obligation, TokenInfo};
use serde::Deserialize;
use tower_sessions::Session;

/// The TOTP secret being set up, kept in the session until a code proves the app took it.
const PENDING_SECRET: &str = "pending_totp";

/// One API token as listed.
struct TokenRow {
    id: i64,
    name: String,
    created: String,
    last_used: String,
    expires: String,
    /// 有效, 已过期 or 已吊销, in the user's language.
    status: &'static str,
    live: bool,
}

/// A second factor being set up: the QR code to scan and the secret to type instead (grouped).
struct Enrolment {
    qr_svg: String,
    secret: String,
}

#[derive(Template)]
#[template(path = "account.html")]
struct AccountPage {
    shell: Shell,
    username: String,
    display_name: String,
    org_name: String,
    lang: &'static str,
    new_token: String,
    tokens: Vec<TokenRow>,
    second_factor: bool,
    enrolment: Option<Enrolment>,
    /// What the user must do first, as a sentence.
    obligation: Option<&'static str>,
    errors: Vec<String>,
}

/// What the page shows besides the account itself.
#[derive(Default)]
struct Extra {
    new_token: String,
    enrolment: Option<Enrolment>,
    errors: Vec<String>,
}

fn day(t: Option<chrono::DateTime<chrono::Utc>>) -> String {
    t.map_or_else(|| "—".into(), |t| t.format("%Y-%m-%d %H:%M").to_string())
}

fn token_row(u: &CurrentUser, t: TokenInfo, now: chrono::DateTime<chrono::Utc>) -> TokenRow {
    let expired = t.expires_at.is_some_and(|e| e <= now);
    let status = match (t.revoked_at.is_some(), expired) {
        (true, _) => u.lang.s("token_revoked"),
        (false, true) => u.lang.s("token_expired"),
        (false, false) => u.lang.s("token_live"),
    };
    TokenRow {
        id: t.id,
        name: t.name,
        created: day(Some(t.created_at)),
        last_used: day(t.last_used_at),
        expires: t.expires_at.map_or_else(|| u.lang.s("token_no_expiry").to_owned(), |e| day(Some(e))),
        status,
        live: t.revoked_at.is_none() && !expired,
    }
}

async fn page(state: &AppState, u: &CurrentUser, extra: Extra) -> Result<Response, PageError> {
    let scoped = u.scoped(state);
    let me = scoped.me().await?;
    let org_name = scoped.my_org().await?.name;
    let now = state.store.clock().now();
    let tokens = scoped.tokens(me.id).await?.into_iter().map(|t| token_row(u, t, now)).collect();
    let status = if extra.errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    let obligation = u.obligation.map(|o| match o {
        Obligation::ChangePassword => u.lang.s("must_change_password"),
        Obligation::SetUpSecondFactor => u.lang.s("must_set_up_second_factor"),
    });
    let p = AccountPage {
        shell: Shell::new(u, state, "account"),
        username: me.username,
        display_name: me.display_name,
        org_name,
        lang: u.lang.code(),
        new_token: extra.new_token,
        tokens,
        second_factor: me.second_factor,
        enrolment: extra.enrolment,
        obligation,
        errors: extra.errors,
    };
    Ok((status, render(&p)?).into_response())
}

async fn show(State(state): State<AppState>, PageUser(u): PageUser) -> Result<Response, PageError> {
    page(&state, &u, Extra::default()).await
}

#[derive(Deserialize)]
struct PasswordForm {
    current_password: String,
    new_password: String,
}

async fn change_password(
    State(state): State<AppState>,
    PageUser(u): PageUser,
    session: Session,
    Form(f): Form<PasswordForm>,
) -> Result<Response, PageError> {
    match u.scoped(&state).change_own_password(&f.current_password, &f.new_password).await {
        Ok(()) => {
            // This session proved the new password; every other session of the user ends.
            session.insert(crate::auth::AUTH_AT, state.store.clock().now().timestamp()).await?;
            // A reset or expired password changed: on to work.
            let next = if u.obligation == Some(Obligation::ChangePassword) { "/" } else { "/account" };
            Ok(Redirect::to(next).into_response())
        }
        Err(e) => page(&state, &u, Extra { errors: form_messages(&u, e)?, ..Extra::default() }).await,
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
    page(&state, &u, Extra { new_token: token, ..Extra::default() }).await
}

async fn revoke_token(
    State(state): State<AppState>,
    PageUser(u): PageUser,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    u.scoped(&state).revoke_token(id).await?;
    Ok(Redirect::to("/account").into_response())
}

/// The QR code of an `otpauth://` address, as inline SVG.
fn qr_svg(uri: &str) -> Result<String, PageError> {
    let code = qrcode::QrCode::new(uri.as_bytes()).map_err(|e| crate::WebError::Internal(e.to_string()))?;
    let svg = code.render::<qrcode::render::svg::Color>().min_dimensions(200, 200).build();
    // Inline in the page: no XML declaration.
    Ok(svg.find("<svg").map_or(svg.clone(), |i| svg[i..].to_owned()))
}

async fn enrolment(state: &AppState, u: &CurrentUser, secret: String) -> Result<Enrolment, PageError> {
    let me = u.scoped(state).me().await?;
    let uri = kaohe_store::totp::otpauth_uri(u.lang.s("totp_issuer"), &me.username, &secret);
    // In groups of four, as people copy it into an app (which ignores the spaces).
    let grouped = secret.as_bytes().chunks(4).map(|c| String::from_utf8_lossy(c).into_owned()).collect::<Vec<_>>();
    Ok(Enrolment { qr_svg: qr_svg(&uri)?, secret: grouped.join(" ") })
}

/// Starts setting up a second factor: a new secret, shown as a QR code.
async fn start_second_factor(
    State(state): State<AppState>,
    PageUser(u): PageUser,
    session: Session,
) -> Result<Response, PageError> {
    let secret = kaohe_store::totp::new_secret();
    session.insert(PENDING_SECRET, &secret).await?;
    let enrolment = Some(enrolment(&state, &u, secret).await?);
    page(&state, &u, Extra { enrolment, ..Extra::default() }).await
}

#[derive(Deserialize)]
struct CodeForm {
    code: String,
}

/// Finishes setting up a second factor with the first code the app shows.
async fn enable_second_factor(
    State(state): State<AppState>,
    PageUser(u): PageUser,
    session: Session,
    Form(f): Form<CodeForm>,
) -> Result<Response, PageError> {
    let Some(secret) = session.get::<String>(PENDING_SECRET).await? else {
        return Ok(Redirect::to("/account").into_response());
    };
    match u.scoped(&state).enable_second_factor(&secret, &f.code).await {
        Ok(_) => {
            session.remove::<String>(PENDING_SECRET).await?;
            let next = if u.obligation == Some(Obligation::SetUpSecondFactor) { "/" } else { "/account" };
            Ok(Redirect::to(next).into_response())
        }
        Err(e) => {
            let errors = form_messages(&u, e)?;
            let enrolment = Some(enrolment(&state, &u, secret).await?);
            page(&state, &u, Extra { enrolment, errors, ..Extra::default() }).await
        }
    }
}

/// Turns the second factor off, proved by a current code.
async fn disable_second_factor(
    State(state): State<AppState>,
    PageUser(u): PageUser,
    Form(f): Form<CodeForm>,
) -> Result<Response, PageError> {
    match u.scoped(&state).disable_second_factor(&f.code).await {
        Ok(_) => Ok(Redirect::to("/account").into_response()),
        Err(e) => page(&state, &u, Extra { errors: form_messages(&u, e)?, ..Extra::default() }).await,
    }
}

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/account", get(show))
        .route("/account/password", post(change_password))
        .route("/account/language", post(set_language))
        .route("/account/token", post(issue_token))
        .route("/account/tokens/{id}/revoke", post(revoke_token))
        .route("/account/second-factor/start", post(start_second_factor))
        .route("/account/second-factor", post(enable_second_factor))
        .route("/account/second-factor/off", post(disable_second_factor))
}
