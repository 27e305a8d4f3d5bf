//! Strict security headers on every response: a CSP with no inline script, frame denial,
//! no-sniff, no referrer leaks, and no caching of pages that may hold personal data.

use axum::extract::Request;
use axum::http::{HeaderValue, header};
use axum::middleware::Next;
use axum::response::Response;

const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
                   connect-src 'self'; font-src 'self'; object-src 'none'; frame-ancestors 'none'; \
                   base-uri 'self'; form-action 'self'";
/// Swagger UI styles some elements inline; its page (and only it) may use inline styles.
const CSP_DOCS: &str = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; \
                        connect-src 'self'; object-src 'none'; frame-ancestors 'none'; base-uri 'self'";

/// The generated report viewed in the browser carries its own style sheet and no script at all.
const CSP_REPORT: &str = "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; \
                          frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/// Adds the headers.
pub async fn add(req: Request, next: Next) -> Response {
    let is_docs = req.uri().path().starts_with("/api/docs");
    let is_report = req.uri().path() == "/report/view";
    let is_asset = req.uri().path().starts_with("/assets/");
    let mut res = next.run(req).await;
    let h = res.headers_mut();
    let csp = if is_docs {
        CSP_DOCS
    } else if is_report {
        CSP_REPORT
    } else {
        CSP
    };
    h.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(csp));
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    h.insert(header::REFERRER_POLICY, HeaderValue::from_static("same-origin"));
    h.insert("cross-origin-opener-policy", HeaderValue::from_static("same-origin"));
    h.insert("permissions-policy", HeaderValue::from_static("camera=(), microphone=(), geolocation=()"));
    if !is_asset && !h.contains_key(header::CACHE_CONTROL) {
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    res
}
