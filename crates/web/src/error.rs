//! The web layer's one error type, and the one place where errors become HTTP: [`WebError::status`]
//! decides the status, [`ApiError`] renders JSON, [`PageError`] an HTML page (or a redirect to the
//! login page).

use axum::Json;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use kaohe_domain::{DomainError, FieldError};
use kaohe_store::{Stopped, StoreError};
use serde::Serialize;

/// Everything a request can fail with.
#[derive(Debug, thiserror::Error)]
pub enum WebError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("not signed in")]
    Unauthenticated,
    #[error("CSRF token missing or wrong")]
    Csrf,
    #[error("bad request: {0}")]
    BadRequest(String),
    /// No route has this path (told apart from a refusal, which is `NotFound` of the domain).
    #[error("no such route")]
    NoRoute,
    /// The user must first change a password or set up a second factor (on the account page).
    #[error("account obligation first: {0:?}")]
    Obliged(kaohe_store::Obligation),
    #[error("internal error")]
    Internal(String),
}

impl From<DomainError> for WebError {
    fn from(e: DomainError) -> Self {
        WebError::Store(StoreError::Domain(e))
    }
}

impl From<tower_sessions::session::Error> for WebError {
    fn from(e: tower_sessions::session::Error) -> Self {
        WebError::Internal(e.to_string())
    }
}

impl From<askama::Error> for WebError {
    fn from(e: askama::Error) -> Self {
        WebError::Internal(e.to_string())
    }
}

/// The JSON error shape of the API: `{"error": {...}}`.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

/// What went wrong, for people (zh, en) and programs (`code`).
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ErrorDetail {
    /// Stable machine-readable code: `validation`, `not_found`, `forbidden`, `conflict`,
    /// `unauthenticated`, `csrf`, `bad_request`, `import_refused`, `too_costly`, `timed_out`,
    /// `cancelled`, `pack_refused`, `no_such_route`, `password_change_required`, `second_factor_required`,
    /// `internal`.
    pub code: &'static str,
    pub message: String,
    pub message_en: String,
    /// Per-field problems, for `validation`.
    #[schema(value_type = Vec<Object>)]
    pub fields: Vec<FieldError>,
}

/// A domain message written as "中文 / English", as its two languages (one language: both).
fn halves(m: &str) -> (String, String) {
    m.split_once(" / ").map_or_else(|| (m.to_owned(), m.to_owned()), |(zh, en)| (zh.to_owned(), en.to_owned()))
}

impl WebError {
    /// The HTTP status for this error.
    pub fn status(&self) -> StatusCode {
        match self {
            WebError::Store(StoreError::Domain(d)) => match d {
                DomainError::Validation(_) => StatusCode::UNPROCESSABLE_ENTITY,
                DomainError::NotFound => StatusCode::NOT_FOUND,
                DomainError::Forbidden(_) => StatusCode::FORBIDDEN,
                DomainError::Conflict(_) => StatusCode::CONFLICT,
                DomainError::Unauthenticated => StatusCode::UNAUTHORIZED,
            },
            WebError::Store(StoreError::Import(_) | StoreError::Pack(_)) => StatusCode::UNPROCESSABLE_ENTITY,
            WebError::Store(StoreError::Stopped(Stopped::OverBudget)) => StatusCode::UNPROCESSABLE_ENTITY,
            WebError::Store(StoreError::Stopped(_)) => StatusCode::SERVICE_UNAVAILABLE,
            WebError::Store(_) | WebError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
            WebError::Unauthenticated => StatusCode::UNAUTHORIZED,
            WebError::Csrf => StatusCode::FORBIDDEN,
            WebError::BadRequest(_) => StatusCode::BAD_REQUEST,
            WebError::NoRoute => StatusCode::NOT_FOUND,
            WebError::Obliged(_) => StatusCode::FORBIDDEN,
        }
    }

    /// The body shown to the caller. Internal details are logged, never sent.
    pub fn detail(&self) -> ErrorDetail {
        let (code, zh, en, fields) = match self {
            WebError::Store(StoreError::Domain(d)) => match d {
                DomainError::Validation(f) => {
                    ("validation", "输入有误".to_owned(), "invalid input".to_owned(), f.clone())
                }
                DomainError::NotFound => {
                    ("not_found", "未找到,或不在您的数据范围内".into(), "not found".into(), vec![])
                }
                DomainError::Forbidden(m) => {
                    let (zh, en) = halves(m);
                    ("forbidden", zh, en, vec![])
                }
                DomainError::Conflict(m) => {
                    let (zh, en) = halves(m);
                    ("conflict", zh, en, vec![])
                }
                DomainError::Unauthenticated => ("unauthenticated", "请先登录".into(), "please sign in".into(), vec![]),
            },
            WebError::Store(StoreError::Import(rows)) => (
                "import_refused",
                format!("导入未执行:共{}处错误", rows.len()),
                format!("nothing imported: {} error(s)", rows.len()),
                rows.iter()
                    .map(|r| {
                        FieldError::new(
                            &format!("row {} {}", r.row, r.column),
                            r.message_zh.clone(),
                            r.message_en.clone(),
                        )
                    })
                    .collect(),
            ),
            WebError::Store(StoreError::Pack(errors)) => (
                "pack_refused",
                format!("未保存:共{}处错误", errors.len()),
                format!("not saved: {} error(s)", errors.len()),
                errors
                    .iter()
                    .map(|e| {
                        FieldError::new(
                            &format!("{}:{}:{}", e.file, e.line, e.column),
                            e.message_zh.clone(),
                            e.message_en.clone(),
                        )
                    })
                    .collect(),
            ),
            WebError::Store(StoreError::Stopped(stopped)) => {
                let (code, zh, en) = match stopped {
                    Stopped::OverBudget => (
                        "too_costly",
                        "计算量超出上限,已停止:请缩小组织范围、缩短期间或简化公式",
                        "the evaluation would read more than its limit allows: choose a smaller org, a shorter period or a simpler formula",
                    ),
                    Stopped::TimedOut => (
                        "timed_out",
                        "计算超过时限,已停止:请缩小组织范围、缩短期间或简化公式,或稍后再试",
                        "the evaluation ran past its time limit and was stopped: choose a smaller org, a shorter period or a simpler formula, or try later",
                    ),
                    Stopped::Cancelled => ("cancelled", "计算已取消", "the evaluation was cancelled"),
                };
                (code, zh.to_owned(), en.to_owned(), vec![])
            }
            WebError::Unauthenticated => ("unauthenticated", "请先登录".into(), "please sign in".into(), vec![]),
            WebError::Csrf => {
                ("csrf", "页面已过期,请刷新后重试".into(), "the form has expired; reload and try again".into(), vec![])
            }
            WebError::BadRequest(m) => ("bad_request", m.clone(), m.clone(), vec![]),
            WebError::NoRoute => (
                "no_such_route",
                "没有这个页面或接口,请检查地址".into(),
                "there is no such page or API route".into(),
                vec![],
            ),
            WebError::Obliged(kaohe_store::Obligation::ChangePassword) => (
                "password_change_required",
                "请先在“我的账户”页修改密码".into(),
                "change your password on the account page first".into(),
                vec![],
            ),
            WebError::Obliged(kaohe_store::Obligation::SetUpSecondFactor) => (
                "second_factor_required",
                "请先在“我的账户”页设置动态口令".into(),
                "set up a second factor on the account page first".into(),
                vec![],
            ),
            WebError::Store(_) | WebError::Internal(_) => {
                tracing::error!(error = %self, "internal error");
                ("internal", "服务器内部错误".into(), "internal server error".into(), vec![])
            }
        };
        ErrorDetail { code, message: zh, message_en: en, fields }
    }
}

/// An error answered as JSON (API routes).
#[derive(Debug)]
pub struct ApiError(pub WebError);

impl<E: Into<WebError>> From<E> for ApiError {
    fn from(e: E) -> Self {
        ApiError(e.into())
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (self.0.status(), Json(ErrorBody { error: self.0.detail() })).into_response()
    }
}

/// An error answered as a page (HTML routes): not signed in → the login page.
#[derive(Debug)]
pub struct PageError(pub WebError);

impl<E: Into<WebError>> From<E> for PageError {
    fn from(e: E) -> Self {
        PageError(e.into())
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        match self.0 {
            WebError::Unauthenticated => return Redirect::to("/login").into_response(),
            WebError::Obliged(_) => return Redirect::to("/account").into_response(),
            _ => {}
        }
        let d = self.0.detail();
        let fields: String =
            d.fields.iter().map(|f| format!("<li>{}:{}</li>", escape(&f.field), escape(&f.message_zh))).collect();
        let body = format!(
            "<!doctype html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
             <title>{status}</title><link rel=\"stylesheet\" href=\"/assets/app.css\"></head><body><main class=\"narrow\">\
             <h1>{status}</h1><p>{zh}</p><p class=\"muted\">{en}</p><ul>{fields}</ul><p><a href=\"/\">返回首页 / Home</a></p></main></body></html>",
            status = self.0.status().as_u16(),
            zh = escape(&d.message),
            en = escape(&d.message_en),
        );
        (self.0.status(), Html(body)).into_response()
    }
}

/// Escapes text for HTML.
pub(crate) fn escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;").replace('\'', "&#39;")
}
