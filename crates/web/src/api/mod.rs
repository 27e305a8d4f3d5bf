//! The REST API under `/api/v1`: JSON in and out, one error shape ([`crate::error::ErrorBody`]),
//! documented by the OpenAPI document at `/api/v1/openapi.json` (Swagger UI at `/api/docs`).
//! Every route is registered through utoipa-axum's `routes!`, which documents it as it mounts it.

mod assessments;
mod audit;
pub(crate) mod dto;
mod indicators;
mod layer;
mod me;
mod orgs;
mod registries;
mod rejections;
mod rulebooks;
mod users;

pub(crate) use indicators::{IndicatorInput, indicator_path, save_indicator};

use crate::AppState;
use crate::error::{ErrorBody, ErrorDetail};
use axum::Router;
use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
use utoipa::{Modify, OpenApi};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use utoipa_swagger_ui::SwaggerUi;

#[derive(OpenApi)]
#[openapi(
    info(title = "kaohe API", description = "考核 — target management and assessment for trade-union federations"),
    components(schemas(ErrorBody, ErrorDetail)),
    modifiers(&Security),
    security(("bearer" = []), ("session" = []))
)]
struct ApiDoc;

struct Security;

impl Modify for Security {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let c = openapi.components.get_or_insert_with(Default::default);
        c.add_security_scheme("bearer", SecurityScheme::Http(Http::new(HttpAuthScheme::Bearer)));
        c.add_security_scheme(
            "session",
            SecurityScheme::ApiKey(utoipa::openapi::security::ApiKey::Cookie(
                utoipa::openapi::security::ApiKeyValue::new("kaohe_session"),
            )),
        );
    }
}

fn parts() -> (Router<AppState>, utoipa::openapi::OpenApi) {
    let v1 = OpenApiRouter::new()
        .routes(routes!(me::me))
        .routes(routes!(me::tokens))
        .routes(routes!(me::revoke_token))
        .routes(routes!(orgs::list, orgs::create))
        .routes(routes!(orgs::get_one, orgs::update))
        .routes(routes!(orgs::children))
        .routes(routes!(orgs::move_org))
        .routes(routes!(orgs::close))
        .routes(routes!(users::list, users::create))
        .routes(routes!(users::get_one, users::remove))
        .routes(routes!(users::reset_second_factor))
        .routes(routes!(users::set_role))
        .routes(routes!(users::unlock))
        .routes(routes!(users::set_disabled))
        .routes(routes!(audit::list))
        .routes(routes!(registries::list_registries))
        .routes(routes!(registries::list_records, registries::create_record))
        .routes(routes!(registries::get_record, registries::update_record, registries::delete_record))
        .routes(routes!(registries::record_history))
        .routes(routes!(indicators::list, indicators::create))
        .routes(routes!(indicators::values))
        .routes(routes!(indicators::eval))
        .routes(routes!(assessments::current))
        .routes(routes!(assessments::one_org))
        .routes(routes!(assessments::publish))
        .routes(routes!(assessments::versions))
        .routes(routes!(assessments::version))
        .routes(routes!(rulebooks::list))
        .routes(routes!(rulebooks::one))
        .routes(routes!(rulebooks::start))
        .routes(routes!(rulebooks::save_draft))
        .routes(routes!(rulebooks::trial))
        .routes(routes!(rulebooks::publish))
        .routes(routes!(rulebooks::version))
        .routes(routes!(indicators::update))
        .routes(routes!(indicators::uses))
        .routes(routes!(layer::list))
        .routes(routes!(layer::one, layer::publish, layer::withdraw))
        .routes(routes!(layer::check));
    let (router, mut doc) = OpenApiRouter::with_openapi(ApiDoc::openapi()).nest("/api/v1", v1).split_for_parts();
    // After the routes are in: it documents the errors every operation can give.
    rejections::StandardResponses.modify(&mut doc);
    (router, doc)
}

/// The API's OpenAPI document.
pub fn openapi_document() -> utoipa::openapi::OpenApi {
    parts().1
}

pub fn router() -> Router<AppState> {
    let (router, doc) = parts();
    router
        .layer(axum::middleware::from_fn(rejections::json_errors))
        .merge(SwaggerUi::new("/api/docs").url("/api/v1/openapi.json", doc))
}
