//! The report page and the dashboard on both engines: a report's figures equal a recount, link to
//! their records and come out the same in every path (download, background job); a template that
//! cannot be filled fails with its line; another county's report is refused; the dashboard's
//! ranking and heat map equal the assessment; every chart has its XLSX; a dashboard follows a
//! target or a record changed through another server.

mod support;

use kaohe_domain::indicator::Number;
use kaohe_domain::{OrgKind, Role};
use support::spawn_apps;

#[tokio::test]
async fn reports_from_records_and_the_dashboard() {
    for app in spawn_apps().await {
        let city = app.org("HY", None, OrgKind::Federation).await;
        let a = app.org("LY", Some(city), OrgKind::Federation).await;
        let b = app.org("CN", Some(city), OrgKind::Federation).await;
        let ed = app.token(app.user("ed", city, Role::Editor).await).await;
        app.user("kh", city, Role::Assessor).await;
        app.user("lyv", a, Role::Viewer).await;
        for (n, org, joined) in [
            (1, a, "2009-02-01"),
            (2, a, "2009-05-01"),
            (3, a, "2009-11-30"),
            (4, b, "2009-03-01"),
            (5, a, "2008-06-30"),
        ] {
            app.member(&ed, n, org, joined).await;
        }
        app.op().set_target(2009, a, "new_members", Number::int(3)).await.unwrap();
        app.op().set_target(2009, b, "new_members", Number::int(2)).await.unwrap();
        // Every org here is under the city: its figure counts all members.
        let joined =
            |y: i32| format!("SELECT COUNT(*) FROM r_members WHERE f_joined_on BETWEEN '{y}-01-01' AND '{y}-12-31'");
        let (now, before) = (app.count(&joined(2009)).await, app.count(&joined(2008)).await);
        assert_eq!((now, before), (4, 1));

        // The city's report as Markdown: figures as recounted, growth and completion computed.
        let (kh, _, kh_csrf) = app.login("kh", support::PASSWORD).await;
        let md_url = format!("/report/download?org={}&year=2009&template=brief&format=md", city.0);
        let md = kh.get(app.url(&md_url)).send().await.unwrap().text().await.unwrap();
        let growth = (now - before) * 100 / before;
        assert!(md.contains(&format!("新增会员{now}人,比去年同期增长{growth}%。完成目标80.0%。")), "{md}");
        assert!(md.contains("HY工会"), "{md}");

        // The HTML links the figure to its drill-down, which lists exactly its records.
        let view =
            kh.get(app.url(&format!("/report/view?org={}&year=2009&template=brief", city.0))).send().await.unwrap();
        let csp = view.headers()["content-security-policy"].to_str().unwrap().to_owned();
        assert!(csp.contains("default-src 'none'") && !csp.contains("script-src"), "{csp}");
        let html = view.text().await.unwrap();
        let href = format!("/indicators/drill?key=new_members&amp;org={}&amp;period=2009", city.0);
        assert!(html.contains(&format!("href=\"{href}\">{now}人</a>")), "{html}");
        let drill = kh.get(app.url(&href.replace("&amp;", "&"))).send().await.unwrap().text().await.unwrap();
        for n in 1..=4 {
            assert!(drill.contains(&format!("会员{n}")), "会员{n} in the drill-down");
        }
        assert!(!drill.contains("会员5"), "a 2008 member is not behind the 2009 figure");

        // A county viewer gets its own report, not its neighbour's.
        let (ly, _, _) = app.login("lyv", support::PASSWORD).await;
        let own =
            ly.get(app.url(&md_url.replace(&format!("org={}", city.0), &format!("org={}", a.0)))).send().await.unwrap();
        assert!(own.text().await.unwrap().contains("新增会员3人,比去年同期增长200%。完成目标100.0%。"));
        let other =
            ly.get(app.url(&md_url.replace(&format!("org={}", city.0), &format!("org={}", b.0)))).send().await.unwrap();
        assert_eq!(other.status(), 404);

        // The background job writes the four formats; its DOCX equals the direct download.
        let form = [("org", city.0.to_string()), ("year", "2009".into()), ("template", "brief".into())];
        let res = kh.post(app.url("/report/jobs")).header("x-csrf-token", &kh_csrf).form(&form).send().await.unwrap();
        assert_eq!(res.status(), 200);
        let job = app.job_page(&kh, 1).await;
        for n in 0..4 {
            assert!(job.contains(&format!("/jobs/1/files/{n}")), "{job}");
        }
        let from_job = kh.get(app.url("/jobs/1/files/0")).send().await.unwrap().bytes().await.unwrap();
        let direct =
            kh.get(app.url(&md_url.replace("format=md", "format=docx"))).send().await.unwrap().bytes().await.unwrap();
        assert!(from_job.starts_with(b"PK") && from_job == direct, "DOCX from the job and the download differ");
        let xlsx = kh.get(app.url("/jobs/1/files/3")).send().await.unwrap().bytes().await.unwrap();
        assert!(xlsx.starts_with(b"PK"));

        // A federation's template needing a figure nobody submitted stops there, and says where.
        let strict = "# 标题\n\n中层干部平均年龄{{ fig('cadre_avg_age_before') }}，{{ fig('cadre_avg_age_after') }}\n";
        app.op().publish_layer_file("reports/strict.md.j2", strict).await.unwrap();
        let form = [("org", city.0.to_string()), ("year", "2009".into()), ("template", "strict".into())];
        kh.post(app.url("/report/jobs")).header("x-csrf-token", &kh_csrf).form(&form).send().await.unwrap();
        let failed = app.job_page(&kh, 2).await;
        assert!(failed.contains("reports/strict.md.j2:3:") && failed.contains("无法计算或未填报"), "{failed}");
        // As a draft: every missing figure listed at once, placeholders where they stand.
        let q = format!("org={}&year=2009&template=strict", city.0);
        let list = kh.get(app.url(&format!("/report/missing?{q}"))).send().await.unwrap().text().await.unwrap();
        assert!(list.contains("调整前中层干部平均年龄") && list.contains("调整后中层干部平均年龄"), "{list}");
        // In English, in English: the indicator's English name and what of it is lacking.
        let lang = [("_csrf", kh_csrf.as_str()), ("language", "en")];
        assert!(kh.post(app.url("/account/language")).form(&lang).send().await.unwrap().status().is_redirection());
        let en = kh.get(app.url(&format!("/report/missing?{q}"))).send().await.unwrap().text().await.unwrap();
        assert!(
            en.contains("Middle cadres&#39; average age before") || en.contains("Middle cadres' average age before"),
            "{en}"
        );
        assert!(!en.contains("数值"), "{en}");
        let lang = [("_csrf", kh_csrf.as_str()), ("language", "zh")];
        assert!(kh.post(app.url("/account/language")).form(&lang).send().await.unwrap().status().is_redirection());
        let md = kh.get(app.url(&format!("/report/download?{q}&draft=1&format=md"))).send().await.unwrap();
        let md = md.text().await.unwrap();
        assert!(md.contains("【待填报：调整前中层干部平均年龄】，【待填报：调整后中层干部平均年龄】"), "{md}");
        let brief = kh.get(app.url(&format!("/report/missing?org={}&year=2009&template=brief", city.0))).send().await;
        assert!(brief.unwrap().text().await.unwrap().contains("可以生成正式报告"), "nothing lacking in the brief");

        // The dashboard: ranking and heat map as the assessment has them, each chart with XLSX.
        let dash = kh
            .get(app.url(&format!("/dashboard?org={}&year=2009", city.0)))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert_eq!(dash.matches("class=\"chart\"").count(), 5, "five charts");
        let assessed = app.op().assess(2009, city).await.unwrap();
        for r in &assessed.results {
            let row = format!("<td>{}</td><td>{}</td><td>{:.2}</td>", r.rank, r.org.name, r.total as f64 / 100.0);
            assert!(dash.contains(&row), "{row} missing from the ranking table");
        }
        // 耒阳 3 of 3 = 100%, 常宁 1 of 2 = 50% on the new-members item.
        let heat = &dash[dash.find("id=\"card-heatmap\"").unwrap()..dash.find("id=\"card-lights\"").unwrap()];
        assert!(
            heat.contains("<td>LY工会</td>") && heat.contains("<td>100</td>") && heat.contains("<td>50</td>"),
            "{heat}"
        );
        for chart in ["sections", "ranking", "trend", "heatmap", "lights"] {
            let res =
                kh.get(app.url(&format!("/dashboard/{chart}.xlsx?org={}&year=2009", city.0))).send().await.unwrap();
            assert_eq!(res.status(), 200, "{chart}");
            assert!(res.bytes().await.unwrap().starts_with(b"PK"), "{chart}.xlsx");
        }

        // The dashboard is kept while nothing it reads changes and computed afresh when
        // anything does, in this server process or another on the same database.
        let two = support::spawn(app.db.clone()).await;
        let heat_now = || async {
            let html = kh.get(app.url(&format!("/dashboard?org={}&year=2009", city.0))).send().await.unwrap();
            let html = html.text().await.unwrap();
            html[html.find("id=\"card-heatmap\"").unwrap()..html.find("id=\"card-lights\"").unwrap()].to_owned()
        };
        assert_eq!(heat_now().await, heat, "the same dashboard twice");
        // A target raised on the other server: 耒阳 3 of 6 = 50%.
        two.op().set_target(2009, a, "new_members", Number::int(6)).await.unwrap();
        let heat = heat_now().await;
        assert!(!heat.contains("<td>100</td>") && heat.contains("<td>50</td>"), "{heat}");
        // A member added through the other server's API: 耒阳 4 of 6 = 66.7%.
        two.member(&ed, 6, a, "2009-07-01").await;
        let heat = heat_now().await;
        assert!(heat.contains("<td>66.7</td>"), "{heat}");
    }
}
