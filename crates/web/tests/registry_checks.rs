//! The registry's rules between fields on the record pages, both engines: an error-level rule
//! refuses the form at its field (the typing kept); a rule the federation's pack makes a warning
//! saves the record and the record's page says what to check.

mod support;

use kaohe_domain::{OrgKind, Role};
use kaohe_store::testing::fresh_databases;
use serde_json::json;
use support::{id_number, spawn_with};

#[tokio::test]
async fn rules_between_fields_on_the_record_pages() {
    for db in fresh_databases().await {
        // This federation makes "joined before birth" a warning; "left before joining" stays an error.
        let app = spawn_with(db, kaohe_store::SecurityPolicy::default(), |regs| {
            let members = regs.iter_mut().find(|r| r.key == "members").unwrap();
            members.checks.iter_mut().filter(|c| c.field == "joined_on").for_each(|c| c.warning = true);
        })
        .await;
        let city = app.org("QZ", None, OrgKind::Federation).await;
        let ed = app.token(app.user("ed", city, Role::Editor).await).await;
        let http = reqwest::Client::new();
        let url = app.url("/api/v1/registries/members/records");
        let member = |id: String, joined: &str, left: Option<&str>| {
            let mut v = json!({"name": "甲", "id_number": id, "unit_name": "清州机械厂", "joined_on": joined, "category": "职工"});
            if let Some(l) = left {
                v["left_on"] = json!(l);
            }
            json!({"org_id": city.0, "values": v})
        };
        // An error: refused at the field.
        let res = http.post(&url).bearer_auth(&ed).json(&member(id_number(1), "2009-05-01", Some("2009-03-01"))).send();
        let res = res.await.unwrap();
        assert_eq!(res.status(), 422);
        let body: serde_json::Value = res.json().await.unwrap();
        assert_eq!(body["error"]["fields"][0]["field"], "left_on", "{body}");
        // A warning: saved; the page says so (born 1985, joined 1980).
        let res =
            http.post(&url).bearer_auth(&ed).json(&member(id_number(2), "1980-01-01", None)).send().await.unwrap();
        assert_eq!(res.status(), 201);
        let id = res.json::<serde_json::Value>().await.unwrap()["id"].as_i64().unwrap();
        let (c, _, _) = app.login("ed", support::PASSWORD).await;
        let page = c.get(app.url(&format!("/registries/members/{id}"))).send().await.unwrap().text().await.unwrap();
        assert!(page.contains("可能有误") && page.contains("入会日期:入会日期不晚于身份证号中的出生日期"), "{page}");
        // A record without findings has no such note.
        let ok = http.post(&url).bearer_auth(&ed).json(&member(id_number(3), "2009-01-01", None)).send().await.unwrap();
        let id = ok.json::<serde_json::Value>().await.unwrap()["id"].as_i64().unwrap();
        let page = c.get(app.url(&format!("/registries/members/{id}"))).send().await.unwrap().text().await.unwrap();
        assert!(!page.contains("可能有误"), "{page}");
    }
}
