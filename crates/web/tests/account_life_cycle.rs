//! The account life cycle (MLPS 8.1.4.1–8.1.4.2), on both engines: a password an administrator
//! set is changed before anything else; API tokens expire, are listed and revoked; accounts are
//! removed softly; a TOTP second factor (on for administrators where the policy says so).

mod support;

use kaohe_domain::{Clock, OrgKind, Role};
use kaohe_store::{SecurityPolicy, totp};
use support::{PASSWORD, client, csrf_in, spawn_apps, spawn_with_policy};

async fn status(c: &reqwest::Client, url: String) -> u16 {
    c.get(url).send().await.unwrap().status().as_u16()
}

async fn post_form(c: &reqwest::Client, url: String, form: &[(&str, &str)]) -> reqwest::Response {
    c.post(url).form(form).send().await.unwrap()
}

#[tokio::test]
async fn a_password_an_administrator_set_is_changed_before_anything_else() {
    for app in spawn_apps().await {
        let city = app.org("QZ", None, OrgKind::Federation).await;
        app.user("sec", city, Role::SecurityAdmin).await;
        let ed = app.user("ed", city, Role::Editor).await;
        let (sec, _, sec_csrf) = app.login("sec", PASSWORD).await;
        let reset = post_form(
            &sec,
            app.url(&format!("/users/{}/password", ed.0)),
            &[("_csrf", &sec_csrf), ("password", "Reset-pass-2010")],
        )
        .await;
        assert!(reset.status().is_redirection(), "{}", reset.status());

        let (c, signed_in, csrf) = app.login("ed", "Reset-pass-2010").await;
        assert!(signed_in.is_redirection());
        let home = c.get(app.url("/registries/members")).send().await.unwrap();
        assert_eq!(home.status(), 303, "every page sends her to her account first");
        assert_eq!(home.headers()["location"], "/account");
        let account = c.get(app.url("/account")).send().await.unwrap().text().await.unwrap();
        assert!(account.contains("id=\"obligation\""), "the account page says why");
        let api = c.get(app.url("/api/v1/me")).send().await.unwrap();
        assert_eq!(api.status(), 403);
        assert_eq!(api.json::<serde_json::Value>().await.unwrap()["error"]["code"], "password_change_required");

        // The same password again, or one with her name in it, is refused; a new one frees her.
        for (weak, why) in [("Reset-pass-2010", "the current one"), ("Password-2026!", "a common word with digits")] {
            let res = post_form(
                &c,
                app.url("/account/password"),
                &[("_csrf", &csrf), ("current_password", "Reset-pass-2010"), ("new_password", weak)],
            )
            .await;
            assert_eq!(res.status(), 422, "{why}");
        }
        let res = post_form(
            &c,
            app.url("/account/password"),
            &[("_csrf", &csrf), ("current_password", "Reset-pass-2010"), ("new_password", "Harbour-lights-77")],
        )
        .await;
        assert_eq!(res.headers()["location"], "/", "on to work");
        assert_eq!(status(&c, app.url("/registries/members")).await, 200);

        // An account the 系统管理员 creates starts with the same duty.
        let admin = app.token(app.user("sysadmin", city, Role::SystemAdmin).await).await;
        let body = serde_json::json!({"username": "newbie", "display_name": "新人", "org_id": city.0, "password": "Chosen-by-admin-1"});
        let res =
            reqwest::Client::new().post(app.url("/api/v1/users")).bearer_auth(&admin).json(&body).send().await.unwrap();
        assert_eq!(res.status(), 201);
        assert_eq!(res.json::<serde_json::Value>().await.unwrap()["must_change_password"], true);
        let flagged = app.count("SELECT COUNT(*) FROM users WHERE must_change_password = TRUE").await;
        assert_eq!(flagged, 1, "only the new account still has to change its password");
    }
}

#[tokio::test]
async fn tokens_expire_are_listed_without_their_secret_and_are_revoked() {
    for app in spawn_apps().await {
        let city = app.org("QZ", None, OrgKind::Federation).await;
        let ed = app.user("ed", city, Role::Editor).await;
        let other = app.token(app.user("other", city, Role::Editor).await).await;
        let (c, _, csrf) = app.login("ed", PASSWORD).await;
        let page = post_form(&c, app.url("/account/token"), &[("_csrf", &csrf), ("name", "报表脚本")]).await;
        let html = page.text().await.unwrap();
        let at = html.find("id=\"new-token\">").unwrap() + 15;
        let token = html[at..at + html[at..].find('<').unwrap()].to_owned();
        let me = |t: String| {
            let url = app.url("/api/v1/me");
            async move { reqwest::Client::new().get(url).bearer_auth(t).send().await.unwrap().status().as_u16() }
        };
        assert_eq!(me(token.clone()).await, 200);

        let listed = app.get_json("/api/v1/me/tokens", &token).await;
        let row = &listed[0];
        assert_eq!(row["name"], "报表脚本");
        assert!(!listed.to_string().contains(&token), "the secret is never listed");
        let issued: chrono::DateTime<chrono::Utc> = serde_json::from_value(row["created_at"].clone()).unwrap();
        let expires: chrono::DateTime<chrono::Utc> = serde_json::from_value(row["expires_at"].clone()).unwrap();
        assert_eq!(expires - issued, chrono::Duration::days(90), "the default lifetime");
        let account = c.get(app.url("/account")).send().await.unwrap().text().await.unwrap();
        assert!(account.contains("报表脚本") && !account.contains(&token), "the page lists it by name");

        // Someone else's token id is not found; her own is revoked, once, with an audit row.
        let id = row["id"].as_i64().unwrap();
        let res = reqwest::Client::new()
            .delete(app.url(&format!("/api/v1/me/tokens/{id}")))
            .bearer_auth(&other)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 404);
        let second = app.token(ed).await;
        let res = post_form(&c, app.url(&format!("/account/tokens/{id}/revoke")), &[("_csrf", &csrf)]).await;
        assert!(res.status().is_redirection());
        assert_eq!(me(token).await, 401, "revoked");
        assert_eq!(app.count("SELECT COUNT(*) FROM audit_log WHERE action = 'token_revoke'").await, 1);

        // The other token works until its 90 days are up.
        app.clock.advance(chrono::Duration::days(89));
        assert_eq!(me(second.clone()).await, 200);
        app.clock.advance(chrono::Duration::days(2));
        assert_eq!(me(second).await, 401, "expired");
    }
}

#[tokio::test]
async fn a_removed_account_is_gone_but_its_name_and_trail_stay() {
    for app in spawn_apps().await {
        let city = app.org("QZ", None, OrgKind::Federation).await;
        let ed = app.user("ed", city, Role::Editor).await;
        let ed_token = app.token(ed).await;
        let admin_id = app.user("sysadmin", city, Role::SystemAdmin).await;
        let admin = app.token(admin_id).await;
        let security = app.token(app.user("sec", city, Role::SecurityAdmin).await).await;
        let http = reqwest::Client::new();
        let remove = |who: &str, id: i64| {
            http.delete(app.url(&format!("/api/v1/users/{id}"))).bearer_auth(who.to_owned()).send()
        };
        assert_eq!(remove(&security, ed.0).await.unwrap().status(), 403, "the 安全管理员 removes no one");
        assert_eq!(remove(&admin, admin_id.0).await.unwrap().status(), 422, "nobody removes himself");
        let res = remove(&admin, ed.0).await.unwrap();
        assert_eq!(res.status(), 200);
        assert_eq!(res.json::<serde_json::Value>().await.unwrap()["removed"], true);
        assert_eq!(remove(&admin, ed.0).await.unwrap().status(), 404, "removed once");
        let enable = http.put(app.url(&format!("/api/v1/users/{}/disabled", ed.0))).bearer_auth(&admin);
        let enable = enable.json(&serde_json::json!({"disabled": false})).send().await.unwrap();
        assert_eq!(enable.status(), 404, "a removed account is not switched on again");
        let role = http.put(app.url(&format!("/api/v1/users/{}/role", ed.0))).bearer_auth(&security);
        let role = role.json(&serde_json::json!({"role": "viewer"})).send().await.unwrap();
        assert_eq!(role.status(), 404, "nor given a role");

        assert_eq!(app.get_json("/api/v1/me", &ed_token).await["error"]["code"], "unauthenticated");
        let (_, signed_in, _) = app.login("ed", PASSWORD).await;
        assert_eq!(signed_in, 401, "cannot sign in, answered as an unknown name");
        let listed = app.get_json("/api/v1/users", &admin).await;
        assert!(listed.as_array().unwrap().iter().all(|u| u["username"] != "ed"), "left the list");
        let body = serde_json::json!({"username": "ed", "display_name": "冒名", "org_id": city.0, "password": "Another-pass-7"});
        let res = http.post(app.url("/api/v1/users")).bearer_auth(&admin).json(&body).send().await.unwrap();
        assert_eq!(res.status(), 422, "the name is never given out again");
        assert_eq!(app.count("SELECT COUNT(*) FROM users WHERE username = 'ed' AND removed_at IS NOT NULL").await, 1);
        assert_eq!(app.count("SELECT COUNT(*) FROM audit_log WHERE action = 'delete' AND entity = 'user'").await, 1);
    }
}

/// Reads the secret the set-up page shows, as a user copying it into the app would.
fn secret_in(html: &str) -> String {
    let at = html.find("id=\"totp-secret\">").expect("the page shows the key") + 17;
    html[at..at + html[at..].find('<').unwrap()].replace(' ', "")
}

#[tokio::test]
async fn a_second_factor_is_asked_for_once_set_up_and_each_code_works_once() {
    for app in spawn_apps().await {
        let city = app.org("QZ", None, OrgKind::Federation).await;
        let ed = app.user("ed", city, Role::Editor).await;
        app.user("sec", city, Role::SecurityAdmin).await;
        let (c, _, csrf) = app.login("ed", PASSWORD).await;
        let page =
            post_form(&c, app.url("/account/second-factor/start"), &[("_csrf", &csrf)]).await.text().await.unwrap();
        assert!(page.contains("<svg"), "a QR code to scan");
        let secret = secret_in(&page);
        let now = || app.clock.now().timestamp();
        let wrong = post_form(&c, app.url("/account/second-factor"), &[("_csrf", &csrf), ("code", "000000")]).await;
        assert_eq!(wrong.status(), 422, "a wrong first code keeps it off");
        let right = totp::code_at_time(&secret, now()).unwrap();
        let on = post_form(&c, app.url("/account/second-factor"), &[("_csrf", &csrf), ("code", &right)]).await;
        assert!(on.status().is_redirection(), "{}", on.status());
        assert_eq!(app.count("SELECT COUNT(*) FROM users WHERE second_factor IS NOT NULL").await, 1);
        let stored = app.count(&format!("SELECT COUNT(*) FROM users WHERE second_factor LIKE '%{secret}%'")).await;
        assert_eq!(stored, 0, "the secret is sealed at rest");

        // Signing in now takes the password, then the code.
        let sign_in = |code: String| {
            let app = &app;
            async move {
                let b = client();
                let token = csrf_in(&b.get(app.url("/login")).send().await.unwrap().text().await.unwrap());
                let res =
                    post_form(&b, app.url("/login"), &[("_csrf", &token), ("username", "ed"), ("password", PASSWORD)])
                        .await;
                assert_eq!(res.status(), 200, "the password alone does not sign in");
                assert!(res.text().await.unwrap().contains("action=\"/login/code\""));
                assert_eq!(status(&b, app.url("/account")).await, 303, "not signed in between the steps");
                let res = post_form(&b, app.url("/login/code"), &[("_csrf", &token), ("code", &code)]).await;
                (res.status().as_u16(), status(&b, app.url("/account")).await)
            }
        };
        app.clock.advance(chrono::Duration::seconds(30));
        assert_eq!(sign_in("123456".into()).await.0, 401, "a wrong code");
        let code = totp::code_at_time(&secret, now()).unwrap();
        assert_eq!(sign_in(code.clone()).await, (303, 200), "password and code sign in");
        assert_eq!(sign_in(code).await.0, 401, "the same code does not work twice");
        let failures = app.count("SELECT COUNT(*) FROM login_failures WHERE username = 'ed'").await;
        assert_eq!(failures, 2, "wrong codes count towards the lockout");

        // Lost phone: the 安全管理员 resets it; the password alone signs in again.
        let (sec, _, sec_csrf) = app.login("sec", PASSWORD).await;
        let res =
            post_form(&sec, app.url(&format!("/users/{}/second-factor/reset", ed.0)), &[("_csrf", &sec_csrf)]).await;
        assert!(res.status().is_redirection());
        assert_eq!(app.login("ed", PASSWORD).await.1, 303);
    }
}

#[tokio::test]
async fn administrators_set_up_a_second_factor_first_where_the_policy_asks() {
    let policy = SecurityPolicy { admin_second_factor: true, ..SecurityPolicy::default() };
    for db in kaohe_store::testing::fresh_databases().await {
        let app = spawn_with_policy(db, policy).await;
        let city = app.org("QZ", None, OrgKind::Federation).await;
        app.user("sysadmin", city, Role::SystemAdmin).await;
        app.user("ed", city, Role::Editor).await;
        let (c, _, csrf) = app.login("sysadmin", PASSWORD).await;
        let users = c.get(app.url("/users")).send().await.unwrap();
        assert_eq!(users.headers()["location"], "/account", "the administrator sets it up first");
        assert_eq!(
            status(&app.login("ed", PASSWORD).await.0, app.url("/registries/members")).await,
            200,
            "others are not asked"
        );
        let page =
            post_form(&c, app.url("/account/second-factor/start"), &[("_csrf", &csrf)]).await.text().await.unwrap();
        let secret = secret_in(&page);
        let code = totp::code_at_time(&secret, app.clock.now().timestamp()).unwrap();
        let on = post_form(&c, app.url("/account/second-factor"), &[("_csrf", &csrf), ("code", &code)]).await;
        assert_eq!(on.headers()["location"], "/");
        assert_eq!(status(&c, app.url("/users")).await, 200);
        // He may not switch it off again.
        app.clock.advance(chrono::Duration::seconds(30));
        let code = totp::code_at_time(&secret, app.clock.now().timestamp()).unwrap();
        let off = post_form(&c, app.url("/account/second-factor/off"), &[("_csrf", &csrf), ("code", &code)]).await;
        assert_eq!(off.status(), 422);
    }
}

#[tokio::test]
async fn failed_sign_ins_per_address_are_counted_by_every_server_and_audit_rows_carry_the_address() {
    for one in spawn_apps().await {
        let two = support::spawn(one.db.clone()).await;
        let city = one.org("QZ", None, OrgKind::Federation).await;
        one.user("ed", city, Role::Editor).await;
        // 20 failures through server one (under twenty user names: no account lock is involved).
        for i in 0..20 {
            assert_eq!(one.login(&format!("guess{i}"), "wrong-password-1A").await.1, 401);
        }
        let (_, on_two, _) = two.login("ed", PASSWORD).await;
        assert_eq!(on_two, 429, "server two knows the address has used up its failures");
        one.clock.advance(chrono::Duration::minutes(16));
        two.clock.advance(chrono::Duration::minutes(16));
        assert_eq!(two.login("ed", PASSWORD).await.1, 303, "the window passed");
        let with_address = one.count("SELECT COUNT(*) FROM audit_log WHERE client = '127.0.0.1'").await;
        let sign_ins = one.count("SELECT COUNT(*) FROM audit_log WHERE action IN ('login_ok', 'login_failed')").await;
        assert_eq!(with_address, sign_ins, "every sign-in row carries the client address");
        let check = one.op().audit_chain_check().await.unwrap();
        assert!(check.problems.is_empty(), "the chain covers the address: {:?}", check.problems);
        // An edited address breaks the chain.
        use sea_orm::{ConnectionTrait, Statement};
        let db = one.store.connection();
        let sql = "UPDATE audit_log SET client = '10.9.9.9' WHERE id = (SELECT MIN(id) FROM audit_log WHERE client IS NOT NULL)";
        db.execute_raw(Statement::from_string(db.get_database_backend(), sql.to_owned())).await.unwrap();
        assert!(!one.op().audit_chain_check().await.unwrap().problems.is_empty());
    }
}
