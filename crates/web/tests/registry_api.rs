//! Registry records through the API and the pages on both engines: create, read masked, unmask
//! only with the right (audited), stale writes refused with 409, scope, the list page and the
//! import job.

mod support;

use kaohe_domain::{OrgKind, Role};
use serde_json::json;
use support::{id_number, spawn_apps};

#[tokio::test]
async fn records_through_the_api() {
    for app in spawn_apps().await {
        let city = app.org("HY", None, OrgKind::Federation).await;
        let a = app.org("LY", Some(city), OrgKind::Federation).await;
        let b = app.org("CN", Some(city), OrgKind::Federation).await;
        let ed = app.token(app.user("ed", a, Role::Editor).await).await;
        let rv = app.token(app.user("rv", a, Role::Reviewer).await).await;
        let other = app.token(app.user("cn", b, Role::Editor).await).await;
        let http = reqwest::Client::new();
        let url = app.url("/api/v1/registries/members/records");
        let body = json!({"org_id": a.0, "values": {"name": "张三", "id_number": id_number(7), "unit_name": "钢管集团", "joined_on": "2009年3月5日", "category": "职工"}});
        let res = http.post(&url).bearer_auth(&ed).json(&body).send().await.unwrap();
        assert_eq!(res.status(), 201);
        let id = res.json::<serde_json::Value>().await.unwrap()["id"].as_i64().unwrap();

        let got: serde_json::Value =
            http.get(format!("{url}/{id}")).bearer_auth(&ed).send().await.unwrap().json().await.unwrap();
        assert_eq!(got["values"]["joined_on"], "2009-03-05");
        assert!(got["values"]["id_number"].as_str().unwrap().contains("****"));
        assert_eq!(http.get(format!("{url}/{id}?unmask=true")).bearer_auth(&ed).send().await.unwrap().status(), 403);
        let clear: serde_json::Value =
            http.get(format!("{url}/{id}?unmask=true")).bearer_auth(&rv).send().await.unwrap().json().await.unwrap();
        assert_eq!(clear["values"]["id_number"], id_number(7));
        assert_eq!(app.count("SELECT COUNT(*) FROM audit_log WHERE action = 'unmask'").await, 1);

        // Bad input names the field; stale versions get 409; other counties see nothing.
        let bad = json!({"org_id": a.0, "values": {"name": "李四", "id_number": "430402198501010001", "unit_name": "x", "joined_on": "2009-02-30", "category": "职工"}});
        let res = http.post(&url).bearer_auth(&ed).json(&bad).send().await.unwrap();
        assert_eq!(res.status(), 422);
        let err: serde_json::Value = res.json().await.unwrap();
        let fields: Vec<&str> =
            err["error"]["fields"].as_array().unwrap().iter().map(|f| f["field"].as_str().unwrap()).collect();
        assert_eq!(fields, vec!["id_number", "joined_on"]);
        let upd = json!({"version": 1, "values": {"name": "张三丰"}});
        let res = http.put(format!("{url}/{id}")).bearer_auth(&ed).json(&upd).send().await.unwrap();
        assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
        let res = http.put(format!("{url}/{id}")).bearer_auth(&ed).json(&upd).send().await.unwrap();
        assert_eq!(res.status(), 409);
        assert!(res.text().await.unwrap().contains("changed by someone else"));
        assert_eq!(http.get(format!("{url}/{id}")).bearer_auth(&other).send().await.unwrap().status(), 404);
        let page: serde_json::Value = http.get(&url).bearer_auth(&other).send().await.unwrap().json().await.unwrap();
        assert_eq!(page["records"].as_array().unwrap().len(), 0);
        assert_eq!(
            http.delete(format!("{url}/{id}?version=2")).bearer_auth(&other).send().await.unwrap().status(),
            404
        );
        assert_eq!(http.delete(format!("{url}/{id}?version=2")).bearer_auth(&ed).send().await.unwrap().status(), 204);
        assert_eq!(app.count("SELECT COUNT(*) FROM r_members WHERE deleted_at IS NOT NULL").await, 1);
    }
}

#[tokio::test]
async fn pages_list_create_and_import() {
    for app in spawn_apps().await {
        let city = app.org("HY", None, OrgKind::Federation).await;
        app.user("ed", city, Role::Editor).await;
        let (c, _, csrf) = app.login("ed", support::PASSWORD).await;
        let form = [
            ("_csrf", csrf.clone()),
            ("_org", "HY".into()),
            ("name", "王五".into()),
            ("id_number", id_number(3)),
            ("unit_name", "市自来水公司".into()),
            ("joined_on", "2009-05-01".into()),
            ("category", "职工".into()),
        ];
        let res = c.post(app.url("/registries/members/records")).form(&form).send().await.unwrap();
        assert_eq!(res.status(), 303, "{}", res.text().await.unwrap());
        let list = c.get(app.url("/registries/members?q.name=%E7%8E%8B")).send().await.unwrap().text().await.unwrap();
        assert!(list.contains("市自来水公司") && !list.contains(&id_number(3)), "listed, ID masked");
        let mut bad = form.to_vec();
        bad[3] = ("id_number", "12345".into());
        let res = c.post(app.url("/registries/members/records")).form(&bad).send().await.unwrap();
        assert_eq!(res.status(), 422);
        assert!(res.text().await.unwrap().contains("field-error"));

        // Import through the job: a broken file gives a job with errors and a report.
        let csv = format!(
            "所属组织,姓名,公民身份号码,工作单位,入会日期,会员类别\nHY,甲,{},钢管集团,2009-01-01,职工\nHY,乙,123,钢管集团,2009-01-01,职工\n",
            id_number(5)
        );
        let html = app.import_job(&c, &csrf, csv).await;
        assert!(html.contains("C 公民身份号码") && html.contains("report.xlsx"), "{html}");
        assert_eq!(app.count("SELECT COUNT(*) FROM r_members").await, 1, "nothing from the broken file");
        let report = c.get(app.url("/jobs/1/report.xlsx")).send().await.unwrap();
        assert_eq!(report.status(), 200);
        let t = c.get(app.url("/registries/members/template")).send().await.unwrap();
        assert!(t.headers()["content-type"].to_str().unwrap().contains("spreadsheetml"));
    }
}
