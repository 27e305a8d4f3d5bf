//! The API answers every error in its one JSON shape and documents every status it can give.
//! axum's own rejections (a malformed path or query, a body that is not JSON or not the right
//! JSON, a wrong content type) are plain text; [`json_errors`] turns them into [`ErrorBody`], and
//! [`StandardResponses`] adds the statuses they use to every operation of the OpenAPI document.

use crate::error::{ErrorBody, ErrorDetail};
use axum::extract::Request;
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use utoipa::openapi::{ContentBuilder, RefOr, ResponseBuilder};

/// Longest rejection text kept in a message.
const MAX_TEXT: usize = 2048;

/// Replaces a plain-text error answer under `/api` with the API's JSON error body.
pub async fn json_errors(req: Request, next: Next) -> Response {
    let res = next.run(req).await;
    let status = res.status();
    let is_json = res
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    if !(status.is_client_error() || status.is_server_error()) || is_json {
        return res;
    }
    let (parts, body) = res.into_parts();
    let text = match axum::body::to_bytes(body, MAX_TEXT * 4).await {
        // A parse error quotes what was sent: never an ID number in clear.
        Ok(b) => kaohe_domain::protect::mask_id_numbers(
            &String::from_utf8_lossy(&b).chars().take(MAX_TEXT).collect::<String>(),
        ),
        Err(_) => String::new(),
    };
    let (code, zh, en) = match status {
        StatusCode::NOT_FOUND => ("not_found", "没有这个接口或对象", "no such endpoint or object"),
        StatusCode::METHOD_NOT_ALLOWED => {
            ("method_not_allowed", "该接口不支持此方法", "the endpoint does not take this method")
        }
        StatusCode::UNSUPPORTED_MEDIA_TYPE => (
            "unsupported_media_type",
            "请求体须为 JSON(Content-Type: application/json)",
            "the body must be JSON (Content-Type: application/json)",
        ),
        StatusCode::PAYLOAD_TOO_LARGE => ("too_large", "请求体过大", "the request body is too large"),
        StatusCode::UNPROCESSABLE_ENTITY => ("validation", "请求内容不符合要求", "the request's content is not valid"),
        s if s.is_server_error() => ("internal", "服务器内部错误", "internal server error"),
        _ => ("bad_request", "请求格式错误", "the request is malformed"),
    };
    let detail = |base: &str| {
        if text.is_empty() || status.is_server_error() { base.to_owned() } else { format!("{base}: {text}") }
    };
    let body =
        ErrorBody { error: ErrorDetail { code, message: detail(zh), message_en: detail(en), fields: Vec::new() } };
    let mut res = (status, axum::Json(body)).into_response();
    for (k, v) in parts.headers.iter().filter(|(k, _)| *k != header::CONTENT_TYPE && *k != header::CONTENT_LENGTH) {
        res.headers_mut().insert(k.clone(), v.clone());
    }
    res
}

/// Adds to every operation the error statuses any request can meet: 400 (a malformed path, query
/// or body), 401 and 403; and, for operations with a body, 413, 415 and 422.
pub struct StandardResponses;

impl utoipa::Modify for StandardResponses {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let error = |text: &str| {
            RefOr::T(
                ResponseBuilder::new()
                    .description(text)
                    .content(
                        "application/json",
                        ContentBuilder::new().schema(Some(utoipa::openapi::Ref::from_schema_name("ErrorBody"))).build(),
                    )
                    .build(),
            )
        };
        for item in openapi.paths.paths.values_mut() {
            for op in
                [&mut item.get, &mut item.post, &mut item.put, &mut item.patch, &mut item.delete].into_iter().flatten()
            {
                let mut add = |code: &str, text: &str| {
                    op.responses.responses.entry(code.to_owned()).or_insert_with(|| error(text));
                };
                add("400", "A malformed path, query or body");
                add("401", "Not signed in");
                add("403", "Not allowed for the caller's role or scope");
                if op.request_body.is_some() {
                    add("413", "The body is too large");
                    add("415", "The body is not JSON");
                    add("422", "The body's content is not valid");
                }
            }
        }
    }
}
