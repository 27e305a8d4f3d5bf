//! Static assets, embedded in the binary (no CDN: kaohe works offline).

use axum::Router;
use axum::http::{HeaderValue, header};
use axum::response::IntoResponse;
use axum::routing::get;

const ASSETS: &[(&str, &str, &[u8])] = &[
    ("htmx.min.js", "text/javascript; charset=utf-8", include_bytes!("../assets/htmx.min.js")),
    ("app.js", "text/javascript; charset=utf-8", include_bytes!("../assets/app.js")),
    ("app.css", "text/css; charset=utf-8", include_bytes!("../assets/app.css")),
    // Apache ECharts 5.6.0 (Apache-2.0, licenses/echarts-LICENSE), for the dashboard only.
    ("echarts.min.js", "text/javascript; charset=utf-8", include_bytes!("../assets/echarts.min.js")),
    ("dashboard.js", "text/javascript; charset=utf-8", include_bytes!("../assets/dashboard.js")),
    ("favicon.svg", "image/svg+xml", include_bytes!("../assets/favicon.svg")),
];

pub fn router<S: Clone + Send + Sync + 'static>() -> Router<S> {
    let mut r = Router::new()
        .route("/favicon.ico", get(|| async { axum::response::Redirect::permanent("/assets/favicon.svg") }));
    for (name, mime, bytes) in ASSETS {
        r = r.route(
            &format!("/assets/{name}"),
            get(move || async move {
                (
                    [
                        (header::CONTENT_TYPE, HeaderValue::from_static(mime)),
                        (header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=3600")),
                    ],
                    *bytes,
                )
                    .into_response()
            }),
        );
    }
    r
}
