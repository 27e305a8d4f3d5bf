//! The smaller insider holes, on both engines: an API write without credentials is a JSON 401
//! (not the CSRF page), personal data in clear leaves only by a posted form (a link cannot make
//! an unmask audit row), `contains` searches take `%` and `_` as text, and uploaded evidence is
//! the owner's file alone.

mod support;

use kaohe_domain::{OrgKind, Role};
use serde_json::{Value, json};
use support::{PASSWORD, spawn_apps};

#[tokio::test]
async fn api_writes_without_credentials_are_json_401() {
    for app in spawn_apps().await {
        let res = reqwest::Client::new()
            .post(app.url("/api/v1/eval"))
            .json(&json!({"formula": "count(members)"}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 401);
        let v: Value = res.json().await.unwrap();
        assert_eq!(v["error"]["code"], "unauthenticated");
        // A browser form without its token still gets the 403 page.
        let res = reqwest::Client::new().post(app.url("/orgs")).form(&[("code", "X")]).send().await.unwrap();
        assert_eq!(res.status(), 403);
        assert!(res.text().await.unwrap().contains("<html"));
    }
}

#[tokio::test]
async fn unmasked_exports_only_by_a_posted_form_and_search_takes_wildcards_as_text() {
    for app in spawn_apps().await {
        let city = app.org("QZ", None, OrgKind::Federation).await;
        app.user("kaoheban", city, Role::Assessor).await;
        let ed = app.token(app.user("ed", city, Role::Editor).await).await;
        app.member(&ed, 1, city, "2009-03-05").await;
        let unmasks = || app.count("SELECT COUNT(*) FROM audit_log WHERE action = 'unmask'");
        let (c, _, csrf) = app.login("kaoheban", PASSWORD).await;

        // A link (as another site could send): refused, nothing audited.
        let res = c.get(app.url("/registries/members/export?format=csv&unmask=1")).send().await.unwrap();
        assert_eq!(res.status(), 400);
        assert_eq!(unmasks().await, 0);
        // The page's form: the file, with the ID in clear, audited.
        let res = c
            .post(app.url("/registries/members/export"))
            .form(&[("_csrf", csrf.as_str()), ("q", "format=csv&unmask=1")])
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200);
        assert!(String::from_utf8_lossy(&res.bytes().await.unwrap()).contains(&support::id_number(1)));
        assert_eq!(unmasks().await, 1);
        // Without the token: refused.
        let res = c.post(app.url("/registries/members/export")).form(&[("q", "format=csv")]).send().await.unwrap();
        assert_eq!(res.status(), 403);

        // `%` and `_` in a search are text: no member's name holds one, so nothing is listed.
        for wild in ["%25", "_", "%5C"] {
            let page = c
                .get(app.url(&format!("/registries/members?q.name={wild}")))
                .send()
                .await
                .unwrap()
                .text()
                .await
                .unwrap();
            assert!(!page.contains("会员1"), "{wild} matched everything");
        }
        let page = c.get(app.url("/registries/members?q.name=员1")).send().await.unwrap().text().await.unwrap();
        assert!(page.contains("会员1"), "a plain search still finds");

        // The list's unmask switch shows export forms, not links.
        let page = c.get(app.url("/registries/members?unmask=1")).send().await.unwrap().text().await.unwrap();
        assert!(page.contains("action=\"/registries/members/export\"") && !page.contains("unmask=1\">导出"));
    }
}

/// Anonymous visits to the sign-in page write no session row (a probe or a crawler costs
/// nothing); the form still refuses a post without its token.
#[tokio::test]
async fn the_sign_in_page_writes_no_session_until_a_sign_in_succeeds() {
    for app in spawn_apps().await {
        let city = app.org("QZ", None, OrgKind::Federation).await;
        app.user("ed", city, Role::Editor).await;
        let sessions = || app.count("SELECT COUNT(*) FROM sessions");
        let before = sessions().await;
        for _ in 0..5 {
            let page = reqwest::Client::new().get(app.url("/login")).send().await.unwrap();
            assert_eq!(page.status(), 200);
        }
        assert_eq!(sessions().await, before, "anonymous GET /login wrote session rows");
        // A post without the form's token (another site's form): refused.
        let res = support::client()
            .post(app.url("/login"))
            .form(&[("username", "ed"), ("password", PASSWORD)])
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 403);
        // The browser's way: page, then form with its token — signed in, one session.
        let (_, status, _) = app.login("ed", PASSWORD).await;
        assert!(status.is_redirection());
        assert_eq!(sessions().await, before + 1);
    }
}
