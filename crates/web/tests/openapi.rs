//! Every `/api/v1` route is in the OpenAPI document, and every documented operation is served.

mod support;

use kaohe_domain::{OrgKind, Role};
use support::spawn;

/// Routes are mounted only through utoipa-axum's `routes!` (which documents them); a plain
/// `.route(` in the API modules would escape the document, so none may appear there.
#[test]
fn api_modules_mount_routes_only_through_the_documenting_router() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/src/api");
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(!text.contains(".route("), "{} mounts a route outside the OpenAPI router", path.display());
    }
}

#[tokio::test]
async fn every_documented_operation_is_served() {
    let app = spawn(kaohe_store::testing::fresh_sqlite()).await;
    let city = app.org("HY", None, OrgKind::Federation).await;
    let child = app.org("HY-1", Some(city), OrgKind::Department).await;
    let admin = app.user("admin", city, Role::SecurityAdmin).await;
    let token = app.token(admin).await;
    let editor = app.user("ed", city, Role::Editor).await;
    let editor_token = app.token(editor).await;
    let http0 = reqwest::Client::new();
    let body = serde_json::json!({"org_id": child.0, "values": {"name": "张三", "id_number": support::id_number(1), "unit_name": "钢管集团", "joined_on": "2009-03-05", "category": "职工"}});
    let res = http0
        .post(app.url("/api/v1/registries/members/records"))
        .bearer_auth(&editor_token)
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201, "{}", res.text().await.unwrap());
    let record_id = 1;
    let doc = kaohe_web::openapi_document();
    let served: serde_json::Value = reqwest::get(app.url("/api/v1/openapi.json")).await.unwrap().json().await.unwrap();
    assert_eq!(served["paths"].as_object().unwrap().len(), doc.paths.paths.len());
    let http = reqwest::Client::new();
    let mut n = 0;
    for (path, item) in &doc.paths.paths {
        assert!(path.starts_with("/api/v1/"), "{path}");
        let id = if path.contains("users") {
            admin.0
        } else if path.contains("registries") {
            record_id
        } else {
            child.0
        };
        let concrete = path.replace("{id}", &id.to_string()).replace("{key}", "members");
        // Registry routes are for business roles; the rest for the administrator.
        let token = if path.contains("registries") { &editor_token } else { &token };
        for (method, op) in [
            ("GET", &item.get),
            ("POST", &item.post),
            ("PUT", &item.put),
            ("PATCH", &item.patch),
            ("DELETE", &item.delete),
        ] {
            if op.is_none() {
                continue;
            }
            let res = http
                .request(method.parse().unwrap(), app.url(&concrete))
                .bearer_auth(token)
                .header("content-type", "application/json")
                .body("{}")
                .send()
                .await
                .unwrap();
            // Served means answered by the handler: our JSON error shape or success, never the
            // router's bare 404/405.
            let status = res.status().as_u16();
            assert_ne!(status, 405, "{method} {path}");
            let body = res.text().await.unwrap();
            assert!(status != 404 || body.contains("\"error\""), "{method} {path} is not routed");
            n += 1;
        }
    }
    assert!(n >= 20, "{n} operations");
    let docs = http.get(app.url("/api/docs/")).send().await.unwrap();
    assert_eq!(docs.status(), 200, "Swagger UI is served");
}

/// axum's own rejections (a malformed path, query or body; a wrong content type) come back in the
/// API's JSON error shape, with a status the document lists for the operation.
#[tokio::test]
async fn malformed_requests_get_json_errors_the_document_lists() {
    let app = spawn(kaohe_store::testing::fresh_sqlite()).await;
    let city = app.org("HY", None, OrgKind::Federation).await;
    let admin = app.user("kaoheban", city, Role::Assessor).await;
    let token = app.token(admin).await;
    let doc = serde_json::to_value(kaohe_web::openapi_document()).unwrap();
    let http = reqwest::Client::new();
    let cases = [
        (http.get(app.url("/api/v1/orgs/abc")), "/api/v1/orgs/{id}", "get", 400, "bad_request"),
        (http.get(app.url("/api/v1/orgs?under=x")), "/api/v1/orgs", "get", 400, "bad_request"),
        (http.post(app.url("/api/v1/orgs")).body("code=1"), "/api/v1/orgs", "post", 415, "unsupported_media_type"),
        (
            http.post(app.url("/api/v1/orgs")).header("content-type", "application/json").body("{"),
            "/api/v1/orgs",
            "post",
            400,
            "bad_request",
        ),
        (
            http.post(app.url("/api/v1/orgs")).json(&serde_json::json!({"code": 1})),
            "/api/v1/orgs",
            "post",
            422,
            "validation",
        ),
        (
            http.get(app.url("/api/v1/registries/members/records?limit=5000")),
            "/api/v1/registries/{key}/records",
            "get",
            422,
            "validation",
        ),
    ];
    for (req, path, method, status, code) in cases {
        let res = req.bearer_auth(&token).send().await.unwrap();
        assert_eq!(res.status().as_u16(), status, "{method} {path}");
        assert!(res.headers()["content-type"].to_str().unwrap().starts_with("application/json"));
        let body: serde_json::Value = res.json().await.unwrap();
        assert_eq!(body["error"]["code"], code, "{body}");
        assert!(!body["error"]["message_en"].as_str().unwrap().is_empty());
        let documented = &doc["paths"][path][method]["responses"][status.to_string()];
        assert!(documented.is_object(), "{method} {path} does not document {status}");
    }
}
