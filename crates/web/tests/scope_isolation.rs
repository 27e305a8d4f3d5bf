//! Scope isolation: for every role, a user of one county federation is refused (403 or 404) every
//! org, user, record, figure, report, dashboard, target, task, assessment, submission, job and
//! audit route that touches another county (its real ids and guessed ones; at least 2,000
//! requests per engine, counted and printed) — through the API (bearer token) and
//! through the pages (session + CSRF) — and nothing in the other county changes. Positive controls
//! check the same users do reach their own county, so the refusals are not an artefact.

mod support;

use kaohe_domain::{OrgId, OrgKind, Role, UserId};
use reqwest::Method;
use serde_json::json;
use support::{TestApp, spawn_apps};

struct Tree {
    a: OrgId,
    a_child: OrgId,
    b: OrgId,
    b_child: OrgId,
    b_user: UserId,
    /// The id of an API token of county B's user.
    b_token: i64,
    /// County B's records, by registry.
    b_records: Vec<(&'static str, i64)>,
}

/// Ids that exist nowhere, guessed.
const GUESSES: [i64; 8] = [0, 999_991, 999_992, 999_993, 999_994, 999_995, 999_996, i64::MAX];

async fn tree(app: &TestApp) -> Tree {
    let city = app.org("HY", None, OrgKind::Federation).await;
    let a = app.org("LY", Some(city), OrgKind::Federation).await;
    let a_child = app.org("LY-1", Some(a), OrgKind::Grassroots).await;
    let b = app.org("CN", Some(city), OrgKind::Federation).await;
    let b_child = app.org("CN-1", Some(b), OrgKind::Grassroots).await;
    let b_user = app.user("cn_user", b, Role::Editor).await;
    // Leave audit rows about county B.
    app.op()
        .update_org(b_child, kaohe_store::OrgUpdate { name: Some("常宁一".into()), ..Default::default() })
        .await
        .unwrap();
    // County B keeps registries: members on both its orgs, 督办 tasks, activities.
    let token = app.token(b_user).await;
    let b_token = app.count("SELECT MAX(id) FROM api_tokens").await;
    for n in 1..=8 {
        app.member(&token, n, if n % 2 == 0 { b } else { b_child }, "2009-04-01").await;
    }
    let http = reqwest::Client::new();
    for (reg, values) in [
        (
            "tasks",
            json!({"ref_no": "CN-T1", "source": "市委", "kind": "决策部署", "title": "常宁事项", "received_on": "2009-03-02", "due_working_days": 3}),
        ),
        ("activities", json!({"ref_no": "CN-A1", "kind": "建言献策", "title": "常宁活动", "held_on": "2009-05-01"})),
    ] {
        let res = http
            .post(app.url(&format!("/api/v1/registries/{reg}/records")))
            .bearer_auth(&token)
            .json(&json!({"org_id": b.0, "values": values}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 201, "{}", res.text().await.unwrap());
    }
    let mut b_records = Vec::new();
    for reg in ["members", "tasks", "activities"] {
        let sql = format!("SELECT id FROM r_{reg} WHERE org_id IN ({}, {}) ORDER BY id", b.0, b_child.0);
        let db = app.store.connection();
        use sea_orm::{ConnectionTrait, Statement};
        for r in db.query_all_raw(Statement::from_string(db.get_database_backend(), sql)).await.unwrap() {
            b_records.push((reg, r.try_get_by_index::<i64>(0).unwrap()));
        }
    }
    assert_eq!(b_records.len(), 10);
    Tree { a, a_child, b, b_child, b_user, b_token, b_records }
}

/// Record ids of county B and guessed ones, per registry.
fn record_targets(t: &Tree) -> Vec<(&'static str, i64)> {
    let mut v = t.b_records.clone();
    for reg in ["members", "tasks", "activities"] {
        v.extend(GUESSES.iter().map(|g| (reg, *g)));
    }
    v
}

/// Figures, reports, dashboards, targets, tasks, assessments and submissions of county B's orgs.
fn org_views(org: i64) -> Vec<String> {
    vec![
        format!("/indicators/table?org={org}&key=new_members&period=2009"),
        format!("/indicators/drill?key=new_members&org={org}&period=2009"),
        format!("/indicators/new_members?org={org}"),
        format!("/report?org={org}&year=2009"),
        format!("/report/download?org={org}&year=2009&format=md&template=brief"),
        format!("/report/view?org={org}&year=2009&template=brief"),
        format!("/dashboard?org={org}&year=2009"),
        format!("/dashboard/ranking.xlsx?org={org}&year=2009"),
        format!("/targets?org={org}&year=2009"),
        format!("/targets.xlsx?org={org}&year=2009"),
        format!("/tasks?org={org}&year=2009"),
        format!("/assessment/orgs/{org}?year=2009"),
        format!("/submissions/2009/{org}/cadre_stats"),
        format!("/registries/members?under={org}"),
        format!("/registries/members/export?format=csv&under={org}"),
    ]
}

/// Every API request that touches county B (or ids that do not exist).
fn api_cases(t: &Tree) -> Vec<(Method, String, Option<serde_json::Value>)> {
    let mut v = Vec::new();
    for org in [t.b.0, t.b_child.0, 999_999] {
        v.push((Method::GET, format!("/api/v1/orgs/{org}"), None));
        v.push((Method::GET, format!("/api/v1/orgs/{org}/children"), None));
        v.push((Method::GET, format!("/api/v1/orgs?under={org}"), None));
        v.push((Method::PATCH, format!("/api/v1/orgs/{org}"), Some(json!({"name": "改名"}))));
        v.push((Method::POST, format!("/api/v1/orgs/{org}/move"), Some(json!({"parent_id": t.a.0}))));
        v.push((Method::POST, format!("/api/v1/orgs/{}/move", t.a_child.0), Some(json!({"parent_id": org}))));
        v.push((Method::POST, format!("/api/v1/orgs/{org}/close"), Some(json!({"closed_on": "2009-12-31"}))));
        v.push((
            Method::POST,
            "/api/v1/orgs".into(),
            Some(json!({"code": "X1", "name": "x", "kind": "other", "parent_id": org})),
        ));
        v.push((Method::POST, "/api/v1/users".into(), Some(json!({"username": "x1", "display_name": "x", "org_id": org, "role": "viewer", "password": "Passw0rd-long"}))));
    }
    for org in [t.b.0, t.b_child.0, 999_999] {
        v.push((Method::GET, format!("/api/v1/assessments/2009/orgs/{org}"), None));
        v.push((Method::GET, format!("/api/v1/assessments/2009?org={org}"), None));
        v.push((Method::GET, format!("/api/v1/indicators/new_members/values?org={org}&period=2009"), None));
        v.push((
            Method::GET,
            format!("/api/v1/indicators/new_members/values?org={org}&period=2009&children=true"),
            None,
        ));
        v.push((
            Method::POST,
            "/api/v1/eval".into(),
            Some(json!({"formula": "count(members)", "org": org, "period": "2009"})),
        ));
        v.push((Method::POST, format!("/api/v1/assessments/2009/publish?org={org}"), None));
        v.push((Method::GET, format!("/api/v1/assessments/2009/versions?org={org}"), None));
        v.push((Method::GET, format!("/api/v1/registries/members/records?under={org}"), None));
    }
    for (reg, id) in record_targets(t) {
        let one = format!("/api/v1/registries/{reg}/records/{id}");
        v.push((Method::GET, one.clone(), None));
        v.push((Method::GET, format!("{one}?unmask=true"), None));
        v.push((Method::GET, format!("{one}/history"), None));
        v.push((Method::PUT, one.clone(), Some(json!({"version": 1, "values": {"title": "改", "name": "改"}}))));
        v.push((Method::DELETE, format!("{one}?version=1"), None));
    }
    for user in [t.b_user.0, 999_999] {
        v.push((Method::GET, format!("/api/v1/users/{user}"), None));
        v.push((Method::PUT, format!("/api/v1/users/{user}/role"), Some(json!({"role": "viewer"}))));
        v.push((Method::POST, format!("/api/v1/users/{user}/unlock"), None));
        v.push((Method::PUT, format!("/api/v1/users/{user}/disabled"), Some(json!({"disabled": true}))));
        v.push((Method::DELETE, format!("/api/v1/users/{user}"), None));
        v.push((Method::POST, format!("/api/v1/users/{user}/second-factor/reset"), None));
    }
    for token in [t.b_token, 999_999] {
        v.push((Method::DELETE, format!("/api/v1/me/tokens/{token}"), None));
    }
    // The federation's own layer is county B's too (its rules, indicators, holidays): only the
    // top federation writes it; a trial names another county's org.
    let text = json!({"text": "year = 2009"});
    v.push((Method::POST, "/api/v1/rulebooks/2009/draft/start".into(), Some(json!({}))));
    v.push((Method::PUT, "/api/v1/rulebooks/2009/draft".into(), Some(text.clone())));
    v.push((Method::POST, "/api/v1/rulebooks/2009/publish".into(), Some(text.clone())));
    v.push((Method::POST, format!("/api/v1/rulebooks/2009/trial?org={}", t.b.0), Some(text)));
    let ind = json!({"key": "x_new", "name_zh": "x", "unit": "人", "section": "组织建设", "formula": "count(members)"});
    v.push((Method::POST, "/api/v1/indicators".into(), Some(ind.clone())));
    v.push((Method::PUT, "/api/v1/indicators/x_new".into(), Some(ind)));
    v.push((Method::PUT, "/api/v1/layer/reports/x.md.j2".into(), Some(json!({"text": "# x"}))));
    v.push((Method::PUT, "/api/v1/layer/calendars/2031.toml".into(), Some(json!({"text": "year = 2031"}))));
    v.push((Method::DELETE, "/api/v1/layer/reports/x.md.j2".into(), None));
    v
}

/// Form fields of a page POST.
type Fields = Vec<(&'static str, String)>;

/// Every page request that touches county B: (path, form fields or None for GET).
fn page_cases(t: &Tree) -> Vec<(String, Option<Fields>)> {
    let mut v = Vec::new();
    for org in [t.b.0, t.b_child.0, 999_999] {
        v.push((format!("/orgs/{org}"), None));
        v.push((format!("/orgs/{org}/children"), None));
        v.push((
            format!("/orgs/{org}"),
            Some(vec![
                ("name", "改名".into()),
                ("short_name", String::new()),
                ("kind", "other".into()),
                ("sort_key", "1".into()),
            ]),
        ));
        v.push((format!("/orgs/{org}/move"), Some(vec![("parent_code", "LY".into())])));
        v.push((format!("/orgs/{org}/close"), Some(vec![("closed_on", "2009-12-31".into())])));
        v.push((
            "/orgs".into(),
            Some(vec![
                ("parent_id", org.to_string()),
                ("code", "X2".into()),
                ("name", "x".into()),
                ("kind", "other".into()),
            ]),
        ));
        v.push((
            "/users".into(),
            Some(vec![
                ("username", "x2".into()),
                ("display_name", "x".into()),
                ("org_id", org.to_string()),
                ("role", "viewer".into()),
                ("password", "Passw0rd-long".into()),
            ]),
        ));
    }
    for org in [t.b.0, t.b_child.0, 999_999] {
        v.extend(org_views(org).into_iter().map(|p| (p, None)));
        v.push((
            "/report/jobs".into(),
            Some(vec![("org", org.to_string()), ("year", "2009".into()), ("template", "brief".into())]),
        ));
        v.push(("/targets".into(), Some(vec![("org", org.to_string()), ("year", "2009".into())])));
    }
    for (reg, id) in record_targets(t) {
        v.push((format!("/registries/{reg}/{id}"), None));
        v.push((
            format!("/registries/{reg}/{id}"),
            Some(vec![("_version", "1".into()), ("title", "改".into()), ("name", "改".into())]),
        ));
        v.push((format!("/registries/{reg}/{id}/delete"), Some(vec![("_version", "1".into())])));
    }
    for job in [1, 2, 999] {
        v.push((format!("/jobs/{job}"), None));
        v.push((format!("/jobs/{job}/files/0"), None));
    }
    for user in [t.b_user.0, 999_999] {
        v.push((format!("/users/{user}"), None));
        v.push((format!("/users/{user}/role"), Some(vec![("role", "viewer".into())])));
        v.push((format!("/users/{user}/password"), Some(vec![("password", "Passw0rd-long2".into())])));
        v.push((format!("/users/{user}/unlock"), Some(vec![])));
        v.push((format!("/users/{user}/disabled"), Some(vec![("disabled", "1".into())])));
        v.push((format!("/users/{user}/remove"), Some(vec![])));
        v.push((format!("/users/{user}/second-factor/reset"), Some(vec![])));
    }
    for token in [t.b_token, 999_999] {
        v.push((format!("/account/tokens/{token}/revoke"), Some(vec![])));
    }
    v.push(("/rulebooks/start".into(), Some(vec![("year", "2031".into()), ("from", "2009".into())])));
    v.push(("/rulebooks/2009/draft".into(), Some(vec![("text", "year = 2009".into())])));
    v.push(("/rulebooks/2009/publish".into(), Some(vec![("text", "year = 2009".into())])));
    v.push(("/rulebooks/2009/trial".into(), Some(vec![("text", "year = 2009".into()), ("org", t.b.0.to_string())])));
    let item = [
        ("section", "general"),
        ("key", "x"),
        ("name_zh", "x"),
        ("indicator", "new_unions"),
        ("weight", "1"),
        ("rule", "threshold"),
    ];
    v.push(("/rulebooks/2009/items/x".into(), Some(item.iter().map(|(k, v)| (*k, (*v).to_owned())).collect())));
    v.push(("/rulebooks/2009/items/new".into(), Some(item.iter().map(|(k, v)| (*k, (*v).to_owned())).collect())));
    v.push(("/rulebooks/2009/items/x/remove".into(), Some(vec![])));
    v.push(("/rulebooks/2009/assessed".into(), Some(vec![("kind_other", "on".into())])));
    let general = vec![("title", "x".into()), ("effective_on", "2009-01-01".into()), ("grade_zh", "x".into())];
    v.push(("/rulebooks/2009/general".into(), Some(general)));
    v.push(("/rulebooks/2009/general".into(), None));
    for part in ["sections", "vetoes", "adjustments", "requests", "checks"] {
        let entry =
            vec![("name_zh", "x".to_owned()), ("indicator", "new_unions".into()), ("deadline", "2010-01-01".into())];
        v.push((format!("/rulebooks/2009/{part}/new"), Some(entry.clone())));
        v.push((format!("/rulebooks/2009/{part}/x"), Some(entry)));
        v.push((format!("/rulebooks/2009/{part}/x/remove"), Some(vec![])));
        v.push((format!("/rulebooks/2009/{part}/new"), None));
    }
    let ind = ["x_new", "x", "人", "0", "组织建设", "count(members)"];
    let keys = ["new_key", "name_zh", "unit", "decimals", "section", "formula"];
    v.push(("/indicators/save".into(), Some(keys.into_iter().zip(ind.map(String::from)).collect())));
    v.push(("/report/templates/x".into(), Some(vec![("text", "# x".into())])));
    v.push(("/report/templates/x/preview".into(), Some(vec![("text", "# x".into()), ("org", t.b.0.to_string())])));
    v.push((
        "/calendars/2031".into(),
        Some(vec![("notice", "通知".into()), ("name_0", "元旦".into()), ("from_0", "2031-01-01".into())]),
    ));
    v
}

/// A fingerprint of county B's rows: any change to them changes it.
async fn fingerprint_b(app: &TestApp, t: &Tree) -> String {
    use sea_orm::{ConnectionTrait, Statement};
    let db = app.store.connection();
    let sql = format!(
        "SELECT code, name, kind, COALESCE(parent_id, 0), path, COALESCE(CAST(closed_on AS TEXT), '') FROM orgs WHERE id IN ({}, {}) ORDER BY id",
        t.b.0, t.b_child.0
    );
    let mut out = String::new();
    for r in db.query_all_raw(Statement::from_string(db.get_database_backend(), sql)).await.unwrap() {
        for i in 0..6 {
            out.push_str(
                &r.try_get_by_index::<String>(i)
                    .or_else(|_| r.try_get_by_index::<i64>(i).map(|n| n.to_string()))
                    .unwrap(),
            );
            out.push('|');
        }
    }
    // The federation's layer, which county B is assessed and counted by.
    let layer = "SELECT (SELECT COUNT(*) FROM pack_items) || ':' || (SELECT COUNT(*) FROM pack_drafts)";
    let row =
        db.query_one_raw(Statement::from_string(db.get_database_backend(), layer.to_owned())).await.unwrap().unwrap();
    out.push_str(&row.try_get_by_index::<String>(0).unwrap());
    out.push('|');
    let records = format!(
        "SELECT COUNT(*) || ':' || COALESCE(SUM(version), 0) FROM r_members WHERE deleted_at IS NULL AND org_id IN ({}, {})",
        t.b.0, t.b_child.0
    );
    for r in db.query_all_raw(Statement::from_string(db.get_database_backend(), records)).await.unwrap() {
        out.push_str(&r.try_get_by_index::<String>(0).unwrap());
        out.push('|');
    }
    let users = format!(
        "SELECT username, role, password_hash, COALESCE(CAST(unlocked_at AS TEXT), '') FROM users WHERE org_id IN ({}, {}) ORDER BY id",
        t.b.0, t.b_child.0
    );
    for r in db.query_all_raw(Statement::from_string(db.get_database_backend(), users)).await.unwrap() {
        for i in 0..4 {
            out.push_str(&r.try_get_by_index::<String>(i).unwrap());
            out.push('|');
        }
    }
    // Switched off, removed, flagged, second factor, live tokens: any change shows.
    let orgs = format!("({}, {})", t.b.0, t.b_child.0);
    let states = [
        format!(
            "SELECT COUNT(*) FROM users WHERE org_id IN {orgs} AND (disabled OR must_change_password OR removed_at IS NOT NULL OR second_factor IS NOT NULL)"
        ),
        format!(
            "SELECT COUNT(*) FROM api_tokens WHERE revoked_at IS NULL AND user_id IN (SELECT id FROM users WHERE org_id IN {orgs})"
        ),
    ];
    for sql in states {
        out.push_str(&app.count(&sql).await.to_string());
        out.push('|');
    }
    out
}

#[tokio::test]
async fn no_role_of_one_county_reaches_another() {
    for app in spawn_apps().await {
        let t = tree(&app).await;
        let before = fingerprint_b(&app, &t).await;
        let http = reqwest::Client::new();
        let mut checked = 0;
        for (i, role) in Role::ALL.into_iter().enumerate() {
            let name = format!("ly_{i}");
            let uid = app.user(&name, t.a, role).await;
            let token = app.token(uid).await;

            // Positive controls inside the user's own county.
            let own = http
                .get(app.url(&format!("/api/v1/orgs/{}", t.a_child.0)))
                .bearer_auth(&token)
                .send()
                .await
                .unwrap()
                .status();
            let expect_own = if matches!(role, Role::AuditAdmin | Role::Pending) { 403 } else { 200 };
            assert_eq!(own, expect_own, "{role:?} reading its own county");

            for (method, path, body) in api_cases(&t) {
                let mut req = http.request(method.clone(), app.url(&path)).bearer_auth(&token);
                if let Some(b) = &body {
                    req = req.json(b);
                }
                let res = req.send().await.unwrap();
                let status = res.status().as_u16();
                let text = res.text().await.unwrap();
                // A list under another county's org must not succeed; neither may anything else.
                // A path no route has is not a refusal: it fails the suite.
                assert!(
                    (status == 403 || status == 404) && !text.contains("no_such_route"),
                    "{:?} {role:?} {method} {path} → {status} {text}",
                    app.db.backend
                );
                checked += 1;
            }

            // Audit: only the audit administrator reads it, and sees only county A's rows.
            let res = http.get(app.url("/api/v1/audit?limit=500")).bearer_auth(&token).send().await.unwrap();
            if role == Role::AuditAdmin {
                let rows: Vec<serde_json::Value> = res.json().await.unwrap();
                assert!(!rows.is_empty());
                for r in &rows {
                    let id = r["entity_id"].as_str().unwrap_or("");
                    let foreign = [t.b.0.to_string(), t.b_child.0.to_string()];
                    assert!(
                        !(r["entity"] == "org" && foreign.contains(&id.to_owned())),
                        "audit row about county B leaked: {r}"
                    );
                    assert_ne!(r["actor"], "cn_user");
                }
            } else {
                assert_eq!(res.status(), 403, "{role:?} reading the audit log");
            }
            checked += 1;

            // The same through the pages, with a session and a valid CSRF token.
            let (c, status, csrf) = app.login(&name, support::PASSWORD).await;
            assert_eq!(status, 303);
            let page_own = c.get(app.url(&format!("/orgs/{}", t.a_child.0))).send().await.unwrap().status();
            assert_eq!(page_own, expect_own, "{role:?} page of its own county");
            for (path, form) in page_cases(&t) {
                let res = match &form {
                    None => c.get(app.url(&path)).send().await.unwrap(),
                    Some(fields) => {
                        let mut f = fields.clone();
                        f.push(("_csrf", csrf.clone()));
                        c.post(app.url(&path)).form(&f).send().await.unwrap()
                    }
                };
                let status = res.status().as_u16();
                let text = res.text().await.unwrap();
                assert!(
                    (status == 403 || status == 404) && !text.contains("没有这个页面或接口"),
                    "{:?} {role:?} page {path} {form:?} → {status}",
                    app.db.backend
                );
                checked += 1;
            }
            let audit_page = c.get(app.url("/audit")).send().await.unwrap();
            let expect = if role == Role::AuditAdmin { 200 } else { 403 };
            assert_eq!(audit_page.status(), expect);
            if role == Role::AuditAdmin {
                assert!(!audit_page.text().await.unwrap().contains("常宁一"), "audit page leaked county B");
            }
        }
        assert_eq!(fingerprint_b(&app, &t).await, before, "county B unchanged");
        assert!(checked >= 2000, "{checked} cases");
        println!("{:?}: {checked} cross-county requests refused", app.db.backend);
    }
}

/// A path no route has answers `no_such_route`, never the `not_found` of a refusal, so the suite
/// above cannot count a mistyped path as a refusal.
#[tokio::test]
async fn an_unknown_route_is_told_apart_from_a_refusal() {
    for app in spawn_apps().await {
        let t = tree(&app).await;
        let token = app.token(app.user("ly_editor", t.a, Role::Editor).await).await;
        let http = reqwest::Client::new();
        let get = |path: String| {
            let (http, token) = (http.clone(), token.clone());
            async move {
                let res = http.get(path).bearer_auth(token).send().await.unwrap();
                (res.status().as_u16(), res.json::<serde_json::Value>().await.unwrap())
            }
        };
        let (status, body) = get(app.url(&format!("/api/v1/indicators/new_members/figures?org={}", t.b.0))).await;
        assert_eq!((status, body["error"]["code"].as_str()), (404, Some("no_such_route")), "{body}");
        let (status, body) = get(app.url(&format!("/api/v1/indicators/new_members/values?org={}", t.b.0))).await;
        assert_eq!((status, body["error"]["code"].as_str()), (404, Some("not_found")), "{body}");
        let (c, _, _) = app.login("ly_editor", support::PASSWORD).await;
        let page = c.get(app.url("/no/such/page")).send().await.unwrap();
        assert_eq!(page.status(), 404);
        assert!(page.text().await.unwrap().contains("没有这个页面或接口"));
    }
}
