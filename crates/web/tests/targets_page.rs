//! The targets page on both engines: edit in place, cascade the city's target (parts add up),
//! export to XLSX and import it back; a broken sheet names row and column and writes nothing;
//! only 考核办 may change targets.

mod support;

use kaohe_domain::{OrgKind, Role};
use support::spawn_apps;

#[tokio::test]
async fn edit_cascade_export_import() {
    for app in spawn_apps().await {
        let city = app.org("HY", None, OrgKind::Federation).await;
        let a = app.org("LY", Some(city), OrgKind::Federation).await;
        app.org("CN", Some(city), OrgKind::Federation).await;
        app.user("kh", city, Role::Assessor).await;
        app.user("ed", city, Role::Editor).await;
        let (c, _, csrf) = app.login("kh", support::PASSWORD).await;
        let page = c.get(app.url("/targets?year=2009")).send().await.unwrap().text().await.unwrap();
        assert!(page.contains(&format!("name=\"t.{}.new_unions\"", a.0)), "an input per org and item");

        let city_s = city.0.to_string();
        let field = format!("t.{}.dues", a.0);
        let res = c
            .post(app.url("/targets"))
            .form(&[("_csrf", csrf.as_str()), ("org", &city_s), ("year", "2009"), (&field, "97.5")])
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 303);
        let q = format!("SELECT value_e4 FROM targets WHERE org_id = {} AND item = 'dues'", a.0);
        assert_eq!(app.count(&q).await, 9750, "97.5% stored as a fraction × 10⁴");

        let res = c
            .post(app.url("/targets/cascade"))
            .form(&[
                ("_csrf", csrf.as_str()),
                ("org", &city_s),
                ("year", "2009"),
                ("item", "new_unions"),
                ("total", "101"),
                ("method", "even"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 303);
        let sum = app.count("SELECT CAST(SUM(value_e4) AS BIGINT) FROM targets WHERE item = 'new_unions'").await;
        assert_eq!(sum, 1_010_000, "51 + 50: the parts add up to 101");

        let xlsx = c.get(app.url("/targets.xlsx?year=2009")).send().await.unwrap().bytes().await.unwrap();
        let table = kaohe_sheets::read(&xlsx, "t.xlsx", &kaohe_sheets::Limits::default()).unwrap();
        let row = table.rows.iter().find(|r| r.cells[0].as_text() == "LY" && r.cells[2].as_text() == "dues").unwrap();
        assert_eq!(row.cells[5].as_text(), "97.5");

        // A sheet with a bad value and an unknown org: both named, nothing written.
        let csv = "组织代码,组织名称,考核项代码,考核项,单位,目标值\nLY,x,new_members,x,人,900\nCN,x,new_members,x,人,九百\nXX,x,new_members,x,人,5\n".to_owned();
        let upload = |body: String| {
            let part = reqwest::multipart::Part::bytes(body.into_bytes()).file_name("t.csv");
            c.post(app.url(&format!("/targets/import?org={}&year=2009", city.0)))
                .header("x-csrf-token", &csrf)
                .multipart(reqwest::multipart::Form::new().part("file", part))
                .send()
        };
        let res = upload(csv).await.unwrap();
        assert_eq!(res.status(), 422);
        let html = res.text().await.unwrap();
        assert!(html.contains("第3行 F列(目标值)") && html.contains("第4行 A列(组织代码)"), "{html}");
        assert_eq!(app.count("SELECT COUNT(*) FROM targets WHERE item = 'new_members'").await, 0, "nothing written");
        let res = upload(
            "组织代码,组织名称,考核项代码,考核项,单位,目标值\nLY,x,new_members,x,人,900\nCN,x,new_members,x,人,800\n"
                .into(),
        )
        .await
        .unwrap();
        assert_eq!(res.status(), 303);
        assert_eq!(
            app.count("SELECT CAST(SUM(value_e4) AS BIGINT) FROM targets WHERE item = 'new_members'").await,
            17_000_000
        );

        let (e, _, ecsrf) = app.login("ed", support::PASSWORD).await;
        let res = e
            .post(app.url("/targets"))
            .form(&[("_csrf", ecsrf.as_str()), ("org", &city_s), ("year", "2009"), (&field, "50")])
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 403, "an editor may not set targets");
    }
}
