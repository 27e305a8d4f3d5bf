//! kaohe's web adapter: server-rendered pages (askama + htmx), the REST API under `/api/v1` with
//! its OpenAPI document, sessions in the database, CSRF protection and strict security headers.
//! A thin layer: every read and write goes through the store's scoped wrapper.
#![forbid(unsafe_code)]

mod api;
mod assets;
mod auth;
mod client_address;
mod csrf;
mod display;
mod error;
mod figures;
mod i18n;
mod jobs;
mod pages;
mod rulebook_items;
mod rulebook_parts;
mod rulebooks;
mod security_headers;
mod stamp_cache;

pub use api::openapi_document;
pub use client_address::ProxyTrust;
pub use error::{ApiError, PageError, WebError};
pub use i18n::Lang;

use axum::Router;
use kaohe_store::{DbSessionStore, Store};
use std::sync::Arc;
use tower_sessions::cookie::SameSite;
use tower_sessions::{Expiry, SessionManagerLayer};

/// Web settings.
#[derive(Debug, Clone)]
pub struct WebConfig {
    /// A session unused this long ends.
    pub idle_minutes: i64,
    /// A session ends this long after login, however active.
    pub absolute_hours: i64,
    /// Send the session cookie only over HTTPS (set behind a TLS proxy).
    pub secure_cookies: bool,
    /// Failed sign-ins allowed from one address per window before it must wait (counted in
    /// the database: every server process sees the same count).
    pub login_ip_max_failures: u32,
    pub login_ip_window_minutes: i64,
    /// Which proxies' `X-Forwarded-For` gives the client's address.
    pub proxies: client_address::ProxyTrust,
    /// Limits on an evaluation a request starts (formula editor, API, drill-down, pages).
    pub eval: kaohe_store::EvalLimits,
    /// Limits on an evaluation a background job runs (the whole-tree evaluation).
    pub job_eval: kaohe_store::EvalLimits,
}

/// A request's evaluation: at most a minute and 5·10^10 row-steps (about as many seconds of
/// one core's work at province scale).
pub const REQUEST_EVAL_LIMITS: kaohe_store::EvalLimits =
    kaohe_store::EvalLimits { deadline: Some(std::time::Duration::from_secs(60)), max_cost: 50_000_000_000 };

/// A background job's evaluation: at most half an hour, no cost limit.
pub const JOB_EVAL_LIMITS: kaohe_store::EvalLimits =
    kaohe_store::EvalLimits { deadline: Some(std::time::Duration::from_secs(1800)), max_cost: u64::MAX };

impl Default for WebConfig {
    fn default() -> Self {
        Self {
            idle_minutes: 30,
            absolute_hours: 12,
            secure_cookies: false,
            login_ip_max_failures: 20,
            login_ip_window_minutes: 15,
            proxies: client_address::ProxyTrust::default(),
            eval: REQUEST_EVAL_LIMITS,
            job_eval: JOB_EVAL_LIMITS,
        }
    }
}

impl WebConfig {
    /// The sign-in limit per client address.
    pub(crate) fn client_limit(&self) -> kaohe_store::ClientLimit {
        kaohe_store::ClientLimit {
            max_failures: self.login_ip_max_failures,
            window: chrono::TimeDelta::minutes(self.login_ip_window_minutes.max(1)),
        }
    }
}

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    /// Handlers reach data through `CurrentUser::scoped` (the scoped wrapper), never around it:
    /// the store itself is not visible outside this crate.
    pub(crate) store: Store,
    pub config: Arc<WebConfig>,
    pub jobs: jobs::Jobs,
    /// Computed dashboards, kept while the data they read is unchanged.
    pub(crate) dashboards: pages::dashboard::DashboardCache,
    /// Computed indicator pages (trend and children table), likewise.
    pub(crate) indicator_pages: pages::indicators::DetailCache,
}

/// Builds the whole application: pages, API, docs, assets, sessions, CSRF and security headers.
pub fn app(store: Store, config: WebConfig) -> Router {
    let session_layer = SessionManagerLayer::new(DbSessionStore::new(store.clone(), config.idle_minutes))
        .with_name("kaohe_session")
        .with_http_only(true)
        .with_same_site(SameSite::Lax)
        .with_secure(config.secure_cookies)
        .with_expiry(Expiry::OnInactivity(time::Duration::minutes(config.idle_minutes)));
    let jobs = jobs::Jobs::new(store.clone());
    // Every evaluation a request starts runs under the request limits (jobs set their own).
    let store = store.with_eval_limits(config.eval);
    let state = AppState {
        store,
        config: Arc::new(config),
        jobs,
        dashboards: Default::default(),
        indicator_pages: Default::default(),
    };
    Router::new()
        .merge(pages::router())
        .merge(api::router())
        .merge(assets::router())
        .fallback(no_route)
        .layer(axum::middleware::from_fn(csrf::require_token))
        .layer(session_layer)
        .layer(axum::middleware::from_fn(security_headers::add))
        .layer(axum::middleware::from_fn_with_state(state.clone(), client_address::attach))
        .with_state(state)
}

/// A path no route has: the API's JSON error or the error page, coded `no_such_route` so it is
/// never mistaken for a refusal (a refusal outside the scope is `not_found`).
async fn no_route(uri: axum::http::Uri) -> axum::response::Response {
    use axum::response::IntoResponse;
    if uri.path().starts_with("/api/") {
        error::ApiError(WebError::NoRoute).into_response()
    } else {
        error::PageError(WebError::NoRoute).into_response()
    }
}
