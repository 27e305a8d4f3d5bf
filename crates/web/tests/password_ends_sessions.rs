//! A password reset or change ends every session and API token of that user (MLPS 8.1.4.1), on
//! both engines; the session that changed its own password stays signed in.

mod support;

use kaohe_domain::{OrgKind, Role};
use support::{PASSWORD, spawn_apps};

#[tokio::test]
async fn a_reset_or_a_change_ends_the_other_sessions_and_every_token() {
    for app in spawn_apps().await {
        let city = app.org("QZ", None, OrgKind::Federation).await;
        let ed = app.user("ed", city, Role::Editor).await;
        let token = app.token(ed).await;
        let (browser, status, _) = app.login("ed", PASSWORD).await;
        assert!(status.is_redirection());
        let account = |c: reqwest::Client| {
            let url = app.url("/account");
            async move { c.get(url).send().await.unwrap().status().as_u16() }
        };
        let api = |t: String| {
            let url = app.url("/api/v1/me");
            async move { reqwest::Client::new().get(url).bearer_auth(t).send().await.unwrap().status().as_u16() }
        };
        assert_eq!((account(browser.clone()).await, api(token.clone()).await), (200, 200));

        // The security administrator resets the password a second later: both end.
        app.clock.advance(chrono::Duration::seconds(1));
        app.op().reset_password(ed, "Reset-pass-2010").await.unwrap();
        assert_eq!(account(browser.clone()).await, 303, "the session ended");
        assert_eq!(api(token).await, 401, "the token ended");

        // Two sessions with the new password; one changes it: the other ends, it stays.
        app.clock.advance(chrono::Duration::seconds(1));
        let (one, _, csrf) = app.login("ed", "Reset-pass-2010").await;
        let (two, _, _) = app.login("ed", "Reset-pass-2010").await;
        let token = app.token(ed).await;
        app.clock.advance(chrono::Duration::seconds(1));
        let res = one
            .post(app.url("/account/password"))
            .form(&[
                ("_csrf", csrf.as_str()),
                ("current_password", "Reset-pass-2010"),
                ("new_password", "Changed-pass-2010"),
            ])
            .send()
            .await
            .unwrap();
        assert!(res.status().is_redirection(), "{}", res.status());
        assert_eq!(account(one).await, 200, "the session that changed it stays");
        assert_eq!(account(two).await, 303, "the other session ended");
        assert_eq!(api(token).await, 401, "tokens end with a change too");
    }
}

/// The 系统管理员 switches an account off (its session and token stop at once, it cannot sign
/// in) and on again; never his own, and the 安全管理员 does not.
#[tokio::test]
async fn a_disabled_account_stops_at_once_and_comes_back_when_enabled() {
    for app in spawn_apps().await {
        let city = app.org("QZ", None, OrgKind::Federation).await;
        let ed = app.user("ed", city, Role::Editor).await;
        let admin = app.user("sysadmin", city, Role::SystemAdmin).await;
        let admin_token = app.token(admin).await;
        let security = app.token(app.user("security", city, Role::SecurityAdmin).await).await;
        let token = app.token(ed).await;
        let (browser, _, _) = app.login("ed", PASSWORD).await;
        let http = reqwest::Client::new();
        let set = |who: String, id: i64, disabled: bool| {
            let (http, url) = (http.clone(), app.url(&format!("/api/v1/users/{id}/disabled")));
            async move {
                http.put(url)
                    .bearer_auth(who)
                    .json(&serde_json::json!({"disabled": disabled}))
                    .send()
                    .await
                    .unwrap()
                    .status()
                    .as_u16()
            }
        };
        assert_eq!(set(security.clone(), ed.0, true).await, 403, "the security administrator does not");
        assert_eq!(set(admin_token.clone(), admin.0, true).await, 403, "nobody disables himself");
        assert_eq!(set(admin_token.clone(), ed.0, true).await, 200);
        let me = |t: String| {
            let url = app.url("/api/v1/me");
            async move { reqwest::Client::new().get(url).bearer_auth(t).send().await.unwrap().status().as_u16() }
        };
        assert_eq!(me(token.clone()).await, 401);
        assert_eq!(browser.get(app.url("/account")).send().await.unwrap().status(), 303);
        let (_, status, _) = app.login("ed", PASSWORD).await;
        assert!(!status.is_redirection(), "a disabled account cannot sign in");
        assert_eq!(set(admin_token, ed.0, false).await, 200);
        assert_eq!(me(token).await, 200);
        let audit = app.count("SELECT COUNT(*) FROM audit_log WHERE summary LIKE '%account disabled%' OR summary LIKE '%account enabled%'").await;
        assert_eq!(audit, 2);
    }
}
