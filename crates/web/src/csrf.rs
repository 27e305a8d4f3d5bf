//! CSRF protection for every state-changing request made with the session cookie: the session's
//! token must come back in the `X-CSRF-Token` header (htmx, scripts) or the `_csrf` form field.
//! Requests authenticated by a bearer token carry no ambient credential and are exempt.

use crate::auth::CSRF;
use crate::error::{ApiError, PageError, WebError};
use axum::body::{Body, to_bytes};
use axum::extract::Request;
use axum::http::{Method, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use tower_sessions::Session;

/// The largest form body read for the token (forms here are small; uploads come later with their own limit).
const FORM_LIMIT: usize = 2 * 1024 * 1024;

pub async fn require_token(req: Request, next: Next) -> Response {
    // The sign-in form has no session yet: it carries its own double-submit token (see
    // `pages::login`), so that an anonymous visit writes no session row.
    let sign_in = req.method() == Method::POST && matches!(req.uri().path(), "/login" | "/login/code");
    if matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS)
        || req.headers().contains_key(header::AUTHORIZATION)
        || sign_in
    {
        return next.run(req).await;
    }
    let api = req.uri().path().starts_with("/api/");
    // The API answers in its JSON shape (401 without any credential); pages with the 403 page.
    let refuse = |e: WebError| if api { ApiError(e).into_response() } else { PageError(e).into_response() };
    let expected = match req.extensions().get::<Session>() {
        Some(s) => s.get::<String>(CSRF).await.ok().flatten(),
        None => None,
    };
    let Some(expected) = expected else {
        return refuse(if api { WebError::Unauthenticated } else { WebError::Csrf });
    };
    if let Some(h) = req.headers().get("x-csrf-token") {
        return if constant_eq(h.as_bytes(), expected.as_bytes()) {
            next.run(req).await
        } else {
            refuse(WebError::Csrf)
        };
    }
    if api {
        return refuse(WebError::Csrf);
    }
    let is_form = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
    if !is_form {
        return PageError(WebError::Csrf).into_response();
    }
    let (parts, body) = req.into_parts();
    let Ok(bytes) = to_bytes(body, FORM_LIMIT).await else {
        return PageError(WebError::BadRequest("表单过大 / form too large".into())).into_response();
    };
    let sent = form_urlencoded_value(&bytes, "_csrf");
    if !sent.is_some_and(|s| constant_eq(s.as_bytes(), expected.as_bytes())) {
        return PageError(WebError::Csrf).into_response();
    }
    next.run(Request::from_parts(parts, Body::from(bytes))).await
}

/// The raw value of `key` in an `a=1&b=2` body (the token is hex, so no percent-decoding is needed
/// to compare it).
fn form_urlencoded_value(body: &[u8], key: &str) -> Option<String> {
    String::from_utf8_lossy(body)
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .find(|(k, _)| *k == key)
        .map(|(_, v)| v.to_owned())
}

/// Compares two tokens in time independent of where they differ.
pub(crate) fn constant_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}
