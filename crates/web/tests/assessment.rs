//! Assessments through the API and the pages on both engines: scores computed from records and
//! assigned targets, each explained; a county sees its own result but not another's nor the
//! city's whole table; only 考核办 publishes; versions are frozen and numbered.

mod support;

use kaohe_domain::indicator::Number;
use kaohe_domain::{OrgKind, Role};
use serde_json::Value;
use support::spawn_apps;

fn item<'a>(org: &'a Value, key: &str) -> &'a Value {
    org["items"].as_array().unwrap().iter().find(|i| i["item"] == key).unwrap_or_else(|| panic!("{key} in {org}"))
}

#[tokio::test]
async fn scores_explained_scoped_and_published() {
    for app in spawn_apps().await {
        let city = app.org("HY", None, OrgKind::Federation).await;
        let a = app.org("LY", Some(city), OrgKind::Federation).await;
        let b = app.org("CN", Some(city), OrgKind::Federation).await;
        let kh = app.token(app.user("kh", city, Role::Assessor).await).await;
        let ed = app.token(app.user("ed", city, Role::Editor).await).await;
        let ly = app.token(app.user("ly", a, Role::Viewer).await).await;
        let http = reqwest::Client::new();
        // Three new members in 耒阳 in 2009, one in 常宁, one in 常宁 in 2008.
        for (n, org, joined) in [
            (1, a, "2009-02-01"),
            (2, a, "2009-05-01"),
            (3, a, "2009-11-30"),
            (4, b, "2009-03-01"),
            (5, b, "2008-12-31"),
        ] {
            app.member(&ed, n, org, joined).await;
        }
        app.op().set_target(2009, a, "new_members", Number::int(3)).await.unwrap();
        app.op().set_target(2009, b, "new_members", Number::int(2)).await.unwrap();

        let all = app.get_json(&format!("/api/v1/assessments/2009?org={}", city.0), &kh).await;
        let results = all["results"].as_array().unwrap();
        assert_eq!(results.len(), 2, "{all}");
        let of = |id: i64| results.iter().find(|r| r["org_id"] == id).unwrap();
        let (ra, rb) = (of(a.0), of(b.0));
        assert_eq!(item(ra, "new_members")["points"], 1000, "3 of 3: the full 10 points");
        assert_eq!(item(rb, "new_members")["points"], 500, "1 of 2: 10 × 1/2");
        assert_eq!(item(rb, "new_members")["arithmetic_zh"], "10 × min(1 ÷ 2, 1) = 5.00");
        assert_eq!(item(ra, "no_escalation")["points"], 1500, "no escalated petition");
        for r in results {
            let sum: i64 = r["items"].as_array().unwrap().iter().map(|i| i["points"].as_i64().unwrap()).sum();
            assert_eq!(r["base"], sum);
            assert_eq!(
                r["total"],
                r["base"].as_i64().unwrap() + r["bonus"].as_i64().unwrap() - r["deduction"].as_i64().unwrap()
            );
        }
        assert_eq!((ra["rank"].as_i64(), rb["rank"].as_i64()), (Some(1), Some(2)));

        // A county viewer: its own explanation, nothing of its neighbour's or the city's table.
        let own =
            http.get(app.url(&format!("/api/v1/assessments/2009/orgs/{}", a.0))).bearer_auth(&ly).send().await.unwrap();
        assert_eq!(own.status(), 200);
        assert_eq!(own.json::<Value>().await.unwrap()["total"], ra["total"]);
        let other =
            http.get(app.url(&format!("/api/v1/assessments/2009/orgs/{}", b.0))).bearer_auth(&ly).send().await.unwrap();
        assert_eq!(other.status(), 404);
        let table = http
            .get(app.url(&format!("/api/v1/assessments/2009?org={}", city.0)))
            .bearer_auth(&ly)
            .send()
            .await
            .unwrap();
        assert_eq!(table.status(), 404);

        // Publishing: 考核办 only; versions numbered; the second shows the change.
        let url = app.url(&format!("/api/v1/assessments/2009/publish?org={}", city.0));
        assert_eq!(http.post(&url).bearer_auth(&ed).send().await.unwrap().status(), 403);
        let v1: Value = http.post(&url).bearer_auth(&kh).send().await.unwrap().json().await.unwrap();
        assert_eq!(v1["published"]["version"], 1);
        app.op().set_target(2009, b, "new_members", Number::int(1)).await.unwrap();
        let v2: Value = http.post(&url).bearer_auth(&kh).send().await.unwrap().json().await.unwrap();
        assert_eq!(v2["published"]["version"], 2);
        let changes = v2["changes"].as_array().unwrap();
        assert_eq!(changes.len(), 1, "{v2}");
        assert_eq!(changes[0]["org_id"], b.0);
        assert_eq!((changes[0]["renamed_from"].is_null(), changes[0]["moved"].as_bool()), (true, Some(false)));

        let frozen = app.get_json(&format!("/api/v1/assessments/2009/versions/1?org={}", city.0), &kh).await;
        let b_then = frozen["results"].as_array().unwrap().iter().find(|r| r["org_id"] == b.0).unwrap().clone();
        assert_eq!(item(&b_then, "new_members")["points"], 500, "version 1 stays as published");
        assert_eq!(app.count("SELECT COUNT(*) FROM audit_log WHERE action = 'publish'").await, 2);

        // The pages.
        let (c, _, csrf) = app.login("kh", support::PASSWORD).await;
        let page = c
            .get(app.url(&format!("/assessment?org={}&year=2009", city.0)))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(page.contains("LY工会") && page.contains("CN工会") && page.contains("/assessment/orgs/"), "{page}");
        let explain =
            c.get(app.url(&format!("/assessment/orgs/{}?year=2009", b.0))).send().await.unwrap().text().await.unwrap();
        assert!(
            explain.contains("10 × min(1 ÷ 1, 1) = 10.00") && explain.contains("/indicators/new_members?org="),
            "{explain}"
        );
        let res = c
            .post(app.url("/assessment/publish"))
            .form(&[("_csrf", csrf.as_str()), ("org", &city.0.to_string()), ("year", "2009")])
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 303);
        assert!(res.headers()["location"].to_str().unwrap().ends_with("version=3"));

        // The city renames 耒阳 and makes 常宁 a department: the next version says so, though no
        // score moved for the renamed one.
        use kaohe_store::OrgUpdate;
        app.op().update_org(a, OrgUpdate { name: Some("LY新工会".into()), ..Default::default() }).await.unwrap();
        app.op().update_org(b, OrgUpdate { kind: Some(OrgKind::Department), ..Default::default() }).await.unwrap();
        let v4: Value = http.post(&url).bearer_auth(&kh).send().await.unwrap().json().await.unwrap();
        let changes = v4["changes"].as_array().unwrap();
        let of = |id: i64| changes.iter().find(|c| c["org_id"] == id).unwrap_or_else(|| panic!("{id} in {v4}"));
        assert_eq!(of(a.0)["renamed_from"], "LY工会");
        assert_eq!(of(a.0)["org_name"], "LY新工会");
        assert_eq!(
            (of(b.0)["kind_before"].as_str(), of(b.0)["kind_after"].as_str()),
            (Some("federation"), Some("department"))
        );
        let page = c.get(app.url(&format!("/assessment?org={}&year=2009&version=4", city.0))).send().await.unwrap();
        let page = page.text().await.unwrap();
        assert!(
            page.contains("原名“LY工会”") && page.contains("类型 总工会 → 部室"),
            "the page says it in words: {page}"
        );
    }
}
