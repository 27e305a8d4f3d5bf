//! What each role may learn about personal data (ADR 0010), through the API on both engines: a
//! look-up by an exact ID number is for roles that may unmask, audited and rate limited; a birth
//! date derived from an ID number is hidden with it and cannot be used in a formula; a record
//! whose key is taken in another county is refused without saying so.

mod support;

use kaohe_domain::{OrgKind, Role};
use serde_json::{Value, json};
use support::{id_number, spawn_apps};

#[tokio::test]
async fn personal_data_is_looked_up_only_by_who_may_unmask_and_never_told_by_a_conflict() {
    for app in spawn_apps().await {
        let city = app.org("QZ", None, OrgKind::Federation).await;
        let a = app.org("QZ-A", Some(city), OrgKind::Federation).await;
        let b = app.org("QZ-B", Some(city), OrgKind::Federation).await;
        let clerk_a = app.token(app.user("clerk_a", a, Role::Editor).await).await;
        let clerk_b = app.token(app.user("clerk_b", b, Role::Editor).await).await;
        let assessor = app.token(app.user("kaoheban", city, Role::Assessor).await).await;
        let http = reqwest::Client::new();
        app.member(&clerk_b, 7, b, "2009-03-05").await;
        let id = id_number(7);

        // The clerk reads county B's record masked: the ID and the birth date inside it.
        let list = app.get_json("/api/v1/registries/members/records", &clerk_b).await;
        let rec = &list["records"][0]["values"];
        assert_ne!(rec["id_number"], json!(id));
        assert_eq!(rec["birth_date"], json!("******"), "{rec}");
        assert!(!rec.to_string().contains(&id[6..14]), "the birth digits leak: {rec}");

        // A look-up by the full ID number: refused to a 填报员, and no audit row of a look-up.
        let lookup = format!("/api/v1/registries/members/records?filter=id_number={id}");
        let res = http.get(app.url(&lookup)).bearer_auth(&clerk_b).send().await.unwrap();
        assert_eq!(res.status(), 403);
        let lookups = || app.count("SELECT COUNT(*) FROM audit_log WHERE action = 'lookup'");
        assert_eq!(lookups().await, 0);
        // The 考核办 may, each time audited, at most 30 an hour.
        let found = app.get_json(&lookup, &assessor).await;
        assert_eq!(found["records"].as_array().unwrap().len(), 1);
        assert_eq!(lookups().await, 1);
        for _ in 1..kaohe_store::LOOKUPS_PER_HOUR {
            let res = http.get(app.url(&lookup)).bearer_auth(&assessor).send().await.unwrap();
            assert_eq!(res.status(), 200);
        }
        let res = http.get(app.url(&lookup)).bearer_auth(&assessor).send().await.unwrap();
        assert_eq!(res.status(), 403, "the 31st look-up within the hour");
        assert_eq!(lookups().await, kaohe_store::LOOKUPS_PER_HOUR as i64);

        // The list page offers the ID-number search only to who may make it.
        let (clerk_page, _, _) = app.login("clerk_b", support::PASSWORD).await;
        let page = clerk_page.get(app.url("/registries/members")).send().await.unwrap().text().await.unwrap();
        assert!(!page.contains("name=\"q.id_number\""), "a 填报员 is offered the ID search");
        let (office, _, _) = app.login("kaoheban", support::PASSWORD).await;
        let page = office.get(app.url("/registries/members")).send().await.unwrap().text().await.unwrap();
        assert!(page.contains("name=\"q.id_number\""), "the 考核办 is not offered it");

        // The birth date is no formula input either.
        let res = http
            .post(app.url("/api/v1/eval"))
            .bearer_auth(&assessor)
            .json(&json!({"formula": "count(members where birth_date < 1980-01-01)", "period": "2009"}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 422);

        // County A enters the same person: refused, without saying the person is on file in B.
        let body = json!({"org_id": a.0, "values": {"name": "会员7", "id_number": id, "unit_name": "钢管集团", "joined_on": "2009-05-05", "category": "职工"}});
        let res = http
            .post(app.url("/api/v1/registries/members/records"))
            .bearer_auth(&clerk_a)
            .json(&body)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 409);
        let v: Value = res.json().await.unwrap();
        let said = v.to_string();
        assert!(said.contains("请联系上级审核员核实"), "{said}");
        assert!(
            !said.contains("范围之外") && !said.contains("outside your scope") && !said.contains("已有相同"),
            "{said}"
        );
        // The same person entered twice in one's own county is still said plainly.
        let body_b = json!({"org_id": b.0, "values": {"name": "会员7", "id_number": id, "unit_name": "钢管集团", "joined_on": "2009-05-05", "category": "职工"}});
        let res = http
            .post(app.url("/api/v1/registries/members/records"))
            .bearer_auth(&clerk_b)
            .json(&body_b)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 409);
        assert!(res.text().await.unwrap().contains("已有相同关键字段"));
    }
}
