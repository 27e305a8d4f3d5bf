//! Column choices an import confirmed are remembered per registry and org, on both engines: a
//! check alone remembers nothing; after 确认导入 with a column left out, the next import page at
//! that org offers the same choice (to every user of the org), another org's page does not.

mod support;

use kaohe_domain::{OrgKind, Role};
use support::{PASSWORD, id_number, spawn_apps};

#[tokio::test]
async fn a_confirmed_column_choice_is_offered_again_at_that_org() {
    for app in spawn_apps().await {
        let city = app.org("HY", None, OrgKind::Federation).await;
        let ly = app.org("LY", Some(city), OrgKind::Federation).await;
        let cn = app.org("CN", Some(city), OrgKind::Federation).await;
        app.user("ed", ly, Role::Editor).await;
        app.user("ed2", ly, Role::Editor).await;
        app.user("cn", cn, Role::Editor).await;
        let (c, _, csrf) = app.login("ed", PASSWORD).await;
        let page = |c: reqwest::Client| {
            let url = app.url("/registries/members/import");
            async move { c.get(url).send().await.unwrap().text().await.unwrap() }
        };
        let offered = |html: &str| {
            let at = html.find("name=\"ignore_columns\"").expect("the field");
            let tag = &html[at..at + html[at..].find('>').unwrap()];
            tag.split("value=\"").nth(1).map(|v| v.split('"').next().unwrap_or("").to_owned()).unwrap_or_default()
        };
        assert_eq!(offered(&page(c.clone()).await), "");

        let csv = format!(
            "所属组织,姓名,公民身份号码,工作单位,入会日期,会员类别,备注\nLY,甲,{},钢管集团,2009-01-01,职工,调入\n",
            id_number(11)
        );
        for (confirm, job) in [(false, 1), (true, 2)] {
            let part = reqwest::multipart::Part::bytes(csv.clone().into_bytes()).file_name("m.csv");
            let mut form = reqwest::multipart::Form::new().part("file", part).text("ignore_columns", "备注");
            if confirm {
                form = form.text("confirm", "1");
            }
            let res = c.post(app.url("/registries/members/import")).header("x-csrf-token", &csrf).multipart(form);
            assert_eq!(res.send().await.unwrap().status(), 200);
            let done = app.job_page(&c, job).await;
            assert!(done.contains("已忽略的列:备注"), "{done}");
            // A check remembers nothing; 确认导入 does.
            assert_eq!(offered(&page(c.clone()).await), if confirm { "备注" } else { "" });
        }
        assert_eq!(app.count("SELECT COUNT(*) FROM r_members").await, 1);
        let html = page(c.clone()).await;
        assert!(html.contains("上次确认"), "the page says where the choice came from: {html}");

        // Every user of the org is offered it; another county's page is not.
        let (c2, _, _) = app.login("ed2", PASSWORD).await;
        assert_eq!(offered(&page(c2).await), "备注");
        let (c3, _, _) = app.login("cn", PASSWORD).await;
        assert_eq!(offered(&page(c3).await), "");
        assert_eq!(app.count("SELECT COUNT(*) FROM import_choices").await, 1);

        // Confirmed again with nothing left out: the choice is cleared, and nothing announced.
        let csv = format!(
            "所属组织,姓名,公民身份号码,工作单位,入会日期,会员类别\nLY,乙,{},钢管集团,2009-01-01,职工\n",
            id_number(12)
        );
        let part = reqwest::multipart::Part::bytes(csv.into_bytes()).file_name("m.csv");
        let form = reqwest::multipart::Form::new().part("file", part).text("confirm", "1");
        let res = c.post(app.url("/registries/members/import")).header("x-csrf-token", &csrf).multipart(form);
        assert_eq!(res.send().await.unwrap().status(), 200);
        assert!(app.job_page(&c, 3).await.contains("新建 1"));
        let html = page(c.clone()).await;
        assert!(offered(&html).is_empty() && !html.contains("上次确认"), "{html}");
    }
}
