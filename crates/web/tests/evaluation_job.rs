//! The whole-tree evaluation job (全域测算) on both engines: started from the indicators page,
//! polled to its end, its XLSX holding each org's figure as a plain-SQL recount over the org's
//! subtree; federations only unless every org is asked for; refused outside the user's scope.

mod support;

use kaohe_domain::{OrgKind, Role};
use support::{PASSWORD, spawn_apps};

/// Members joined in 2009 in the subtree of the org with `code`, counted by plain SQL.
async fn joined_2009(app: &support::TestApp, code: &str) -> i64 {
    app.count(&format!(
        "SELECT COUNT(*) FROM r_members m JOIN orgs o ON o.id = m.org_id \
         WHERE m.deleted_at IS NULL AND m.f_joined_on >= '2009-01-01' AND m.f_joined_on <= '2009-12-31' \
         AND o.path LIKE (SELECT path FROM orgs WHERE code = '{code}') || '%'"
    ))
    .await
}

#[tokio::test]
async fn every_org_evaluated_in_the_background() {
    for app in spawn_apps().await {
        let city = app.org("HY", None, OrgKind::Federation).await;
        let ly = app.org("LY", Some(city), OrgKind::Federation).await;
        let cn = app.org("CN", Some(city), OrgKind::Federation).await;
        let steel = app.org("LY01", Some(ly), OrgKind::Grassroots).await;
        let ed = app.token(app.user("ed", city, Role::Editor).await).await;
        app.user("leader", city, Role::Viewer).await;
        app.user("cn", cn, Role::Viewer).await;
        let joined = [
            (steel, "2009-03-05"),
            (steel, "2009-07-01"),
            (ly, "2009-12-31"),
            (cn, "2009-01-01"),
            (cn, "2008-06-30"),
            (city, "2009-05-05"),
        ];
        for (n, (org, day)) in joined.iter().enumerate() {
            app.member(&ed, n as u32 + 1, *org, day).await;
        }

        let (c, _, csrf) = app.login("leader", PASSWORD).await;
        let page = c.get(app.url(&format!("/indicators?org={}&period=2009", city.0))).send().await.unwrap();
        let page = page.text().await.unwrap();
        assert!(page.contains("hx-post=\"/indicators/everywhere\""), "the catalogue offers the job");
        let section = "组织建设";
        let start = |depth: &'static str| {
            let form = [
                ("org", city.0.to_string()),
                ("period", "2009".into()),
                ("section", section.into()),
                ("depth", depth.into()),
            ];
            c.post(app.url("/indicators/everywhere")).header("x-csrf-token", &csrf).form(&form).send()
        };
        assert_eq!(start("all").await.unwrap().status(), 200);
        let job = app.job_page(&c, 1).await;
        assert!(job.contains("4 个组织") && job.contains("/jobs/1/files/0"), "{job}");
        let bytes = c.get(app.url("/jobs/1/files/0")).send().await.unwrap().bytes().await.unwrap();
        let table = kaohe_sheets::read(&bytes, "x.xlsx", &kaohe_sheets::Limits::default()).unwrap();
        let head: Vec<String> = table.rows[0].cells.iter().map(|c| c.as_text()).collect();
        let col = head.iter().position(|h| h.starts_with("新增会员")).unwrap_or_else(|| panic!("{head:?}"));
        let mut seen = Vec::new();
        for r in &table.rows[1..] {
            let code = r.cells[0].as_text();
            assert_eq!(r.cells[col].as_text(), joined_2009(&app, &code).await.to_string(), "{code}");
            seen.push(code);
        }
        assert_eq!(seen[0], "HY", "the chosen org first");
        seen.sort();
        assert_eq!(seen, ["CN", "HY", "LY", "LY01"]);
        assert_eq!(joined_2009(&app, "HY").await, 5, "the recount itself");

        // Federations only: the grassroots union is left out.
        assert_eq!(start("federations").await.unwrap().status(), 200);
        let job = app.job_page(&c, 2).await;
        assert!(job.contains("3 个组织"), "{job}");
        let bytes = c.get(app.url("/jobs/2/files/0")).send().await.unwrap().bytes().await.unwrap();
        let table = kaohe_sheets::read(&bytes, "x.xlsx", &kaohe_sheets::Limits::default()).unwrap();
        assert!(table.rows.iter().all(|r| r.cells[0].as_text() != "LY01"));
        assert_eq!(table.rows.len(), 4, "a header and three federations");

        // Outside the scope: refused, and no job started.
        let (c2, _, csrf2) = app.login("cn", PASSWORD).await;
        let form = [
            ("org", city.0.to_string()),
            ("period", "2009".into()),
            ("section", String::new()),
            ("depth", "all".into()),
        ];
        let res =
            c2.post(app.url("/indicators/everywhere")).header("x-csrf-token", &csrf2).form(&form).send().await.unwrap();
        assert!(res.status().is_client_error(), "{}", res.status());
        assert_eq!(app.count("SELECT COUNT(*) FROM jobs").await, 2);
        // Someone else's job is not theirs to read.
        let other = c2.get(app.url("/jobs/1/files/0")).send().await.unwrap();
        assert_eq!(other.status(), 404);
    }
}
