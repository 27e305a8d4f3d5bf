//! Login, lockout, session expiry (idle and absolute), CSRF rejection, security headers and the
//! audit rows they leave — through the real HTTP stack, on every engine.

mod support;

use chrono::Duration;
use kaohe_domain::{OrgKind, Role};
use support::{PASSWORD, client, csrf_in, spawn_apps};

#[tokio::test]
async fn login_lockout_and_audit() {
    for app in spawn_apps().await {
        let city = app.org("HY", None, OrgKind::Federation).await;
        app.user("alice", city, Role::Assessor).await;
        let (_, status, _) = app.login("alice", PASSWORD).await;
        assert_eq!(status, 303, "{:?}", app.db.backend);
        for _ in 0..5 {
            let (_, status, _) = app.login("alice", "wrong-password-1A").await;
            assert_eq!(status, 401);
        }
        let (_, status, _) = app.login("alice", PASSWORD).await;
        assert_eq!(status, 401, "locked after 5 failures");
        app.clock.advance(Duration::minutes(31));
        let (_, status, _) = app.login("alice", PASSWORD).await;
        assert_eq!(status, 303, "unlocked after 30 minutes");
        assert_eq!(app.count("SELECT COUNT(*) FROM audit_log WHERE action = 'login_ok' AND actor = 'alice'").await, 2);
        assert_eq!(
            app.count("SELECT COUNT(*) FROM audit_log WHERE action = 'login_failed' AND actor = 'alice'").await,
            6
        );
        let (_, status, _) = app.login("nobody", "x").await;
        assert_eq!(status, 401);
        assert_eq!(
            app.count("SELECT COUNT(*) FROM audit_log WHERE action = 'login_failed' AND actor = 'nobody'").await,
            1
        );
    }
}

#[tokio::test]
async fn sign_ins_are_limited_per_address() {
    for app in spawn_apps().await {
        let city = app.org("HY", None, OrgKind::Federation).await;
        app.user("alice", city, Role::Assessor).await;
        // A guesser spreading tries over many user names never locks an account, but after 20
        // failures its address waits, even with a right password.
        for i in 0..20 {
            let (_, status, _) = app.login(&format!("guess{i}"), "wrong-password-1A").await;
            assert_eq!(status, 401, "{:?}: try {i}", app.db.backend);
        }
        let c = client();
        let token = csrf_in(&c.get(app.url("/login")).send().await.unwrap().text().await.unwrap());
        let res = c
            .post(app.url("/login"))
            .form(&[("_csrf", token.as_str()), ("username", "alice"), ("password", PASSWORD)])
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 429);
        let wait: u64 = res.headers()["retry-after"].to_str().unwrap().parse().unwrap();
        assert!((1..=15 * 60).contains(&wait), "{wait}");
        assert!(res.text().await.unwrap().contains("登录失败次数过多"));
        // Refused before the password was checked: no login row for it.
        assert_eq!(app.count("SELECT COUNT(*) FROM audit_log WHERE actor = 'alice' AND action LIKE 'login%'").await, 0);
    }
}

#[tokio::test]
async fn sessions_expire_when_idle_and_after_twelve_hours() {
    for app in spawn_apps().await {
        let city = app.org("HY", None, OrgKind::Federation).await;
        app.user("bob", city, Role::Viewer).await;
        let (c, _, _) = app.login("bob", PASSWORD).await;
        assert_eq!(c.get(app.url("/")).send().await.unwrap().status(), 200);
        app.clock.advance(Duration::minutes(29));
        assert_eq!(c.get(app.url("/")).send().await.unwrap().status(), 200, "29 idle minutes are fine");
        app.clock.advance(Duration::minutes(31));
        let res = c.get(app.url("/")).send().await.unwrap();
        assert_eq!(res.status(), 303, "31 idle minutes end the session");
        assert_eq!(res.headers()["location"], "/login");
        assert_eq!(c.get(app.url("/api/v1/me")).send().await.unwrap().status(), 401);

        let (c, _, _) = app.login("bob", PASSWORD).await;
        for _ in 0..(12 * 60 / 20) {
            app.clock.advance(Duration::minutes(20));
            assert_eq!(c.get(app.url("/")).send().await.unwrap().status(), 200);
        }
        app.clock.advance(Duration::minutes(20));
        assert_eq!(c.get(app.url("/")).send().await.unwrap().status(), 303, "12 hours after login the session ends");
    }
}

#[tokio::test]
async fn forms_without_the_csrf_token_are_refused() {
    for app in spawn_apps().await {
        let city = app.org("HY", None, OrgKind::Federation).await;
        app.user("carol", city, Role::SystemAdmin).await;
        let (c, _, csrf) = app.login("carol", PASSWORD).await;
        let form = |token: &str| {
            vec![
                ("_csrf", token.to_owned()),
                ("parent_id", city.0.to_string()),
                ("code", "N1".into()),
                ("name", "新工会".into()),
                ("kind", "grassroots".into()),
            ]
        };
        let no_token: Vec<_> = form("").into_iter().filter(|(k, _)| *k != "_csrf").collect();
        assert_eq!(c.post(app.url("/orgs")).form(&no_token).send().await.unwrap().status(), 403);
        assert_eq!(c.post(app.url("/orgs")).form(&form("0badc0de")).send().await.unwrap().status(), 403);
        let json = c
            .post(app.url("/api/v1/orgs"))
            .json(&serde_json::json!({"code": "N1", "name": "x", "kind": "other", "parent_id": city.0}))
            .send()
            .await
            .unwrap();
        assert_eq!(json.status(), 403, "cookie-authenticated API writes need the token too");
        assert_eq!(app.count("SELECT COUNT(*) FROM orgs").await, 1, "nothing was created");

        let res = c.post(app.url("/orgs")).form(&form(&csrf)).send().await.unwrap();
        assert_eq!(res.status(), 303);
        assert_eq!(app.count("SELECT COUNT(*) FROM orgs WHERE code = 'N1'").await, 1);
        assert_eq!(
            app.count("SELECT COUNT(*) FROM audit_log WHERE action = 'create' AND entity = 'org' AND actor = 'carol'")
                .await,
            1
        );
        let res = c
            .post(app.url("/api/v1/orgs"))
            .header("x-csrf-token", &csrf)
            .json(&serde_json::json!({"code": "N2", "name": "乙", "kind": "other", "parent_id": city.0}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 201);

        // The login form itself is protected, and a new session id is issued at login.
        let anon = client();
        let res =
            anon.post(app.url("/login")).form(&[("username", "carol"), ("password", PASSWORD)]).send().await.unwrap();
        assert_eq!(res.status(), 403);
        let page = anon.get(app.url("/login")).send().await.unwrap();
        let before =
            page.headers().get("set-cookie").map(|v| v.to_str().unwrap().split(';').next().unwrap().to_owned());
        let token = csrf_in(&page.text().await.unwrap());
        let res = anon
            .post(app.url("/login"))
            .form(&[("_csrf", token.as_str()), ("username", "carol"), ("password", PASSWORD)])
            .send()
            .await
            .unwrap();
        let after = res.headers().get("set-cookie").map(|v| v.to_str().unwrap().split(';').next().unwrap().to_owned());
        assert!(after.is_some() && after != before, "session id rotated at login");
    }
}

#[tokio::test]
async fn strict_security_headers_and_json_errors() {
    for app in spawn_apps().await {
        let res = client().get(app.url("/login")).send().await.unwrap();
        let h = res.headers();
        let csp = h["content-security-policy"].to_str().unwrap();
        assert!(
            csp.contains("script-src 'self'")
                && !csp.contains("unsafe-inline")
                && csp.contains("frame-ancestors 'none'"),
            "{csp}"
        );
        assert_eq!(h["x-frame-options"], "DENY");
        assert_eq!(h["x-content-type-options"], "nosniff");
        let body = res.text().await.unwrap();
        assert!(!body.contains("<script>") && !body.contains(" onclick="), "no inline script");
        let res = client().get(app.url("/api/v1/orgs")).send().await.unwrap();
        assert_eq!(res.status(), 401);
        let json: serde_json::Value = res.json().await.unwrap();
        assert_eq!(json["error"]["code"], "unauthenticated");
        assert_eq!(client().get(app.url("/")).send().await.unwrap().status(), 303);
    }
}
