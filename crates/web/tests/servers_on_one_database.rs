//! Two server processes on one database (each test app plays one), as behind a load balancer
//! without sticky sessions: a session signed in on one is valid on the other, a background job
//! started on one is polled and downloaded from the other, only by the user who started it, and
//! a job whose server stopped shows as cut off.

mod support;

use kaohe_domain::{Clock, OrgKind, Role};
use support::{id_number, spawn, spawn_apps};

#[tokio::test]
async fn sessions_and_jobs_follow_the_user_across_servers() {
    for one in spawn_apps().await {
        let two = spawn(one.db.clone()).await;
        let city = one.org("HY", None, OrgKind::Federation).await;
        let ed = one.user("ed", city, Role::Editor).await;
        one.user("ed2", city, Role::Editor).await;

        // Signed in on one, known on the other (the cookie is the host's, whatever the port).
        let (c, _, csrf) = one.login("ed", support::PASSWORD).await;
        let dash = c.get(two.url("/registries/members")).send().await.unwrap();
        assert_eq!(dash.status(), 200, "the session signed in on server one is valid on server two");

        // An import started on one fails with an error report; server two shows it and hands
        // the report out.
        let csv = format!(
            "所属组织,姓名,公民身份号码,工作单位,入会日期,会员类别\nHY,甲,{},钢管集团,2009-01-01,职工\nHY,乙,123,钢管集团,2009-01-01,职工\n",
            id_number(5)
        );
        let on_one = one.import_job(&c, &csrf, csv).await;
        assert!(on_one.contains("report.xlsx"), "{on_one}");
        let on_two = two.job_page(&c, 1).await;
        assert!(on_two.contains("C 公民身份号码") && on_two.contains("/jobs/1/report.xlsx"), "{on_two}");
        let from_one = c.get(one.url("/jobs/1/report.xlsx")).send().await.unwrap().bytes().await.unwrap();
        let from_two = c.get(two.url("/jobs/1/report.xlsx")).send().await.unwrap().bytes().await.unwrap();
        assert!(from_two.starts_with(b"PK") && from_one == from_two, "the same error report from both servers");

        // A good file started on two: checked and previewed first (nothing written, the date as
        // stored, the ID masked), then written by 确认导入; one reports both outcomes.
        let csv = format!(
            "所属组织,姓名,公民身份号码,工作单位,入会日期,会员类别\nHY,丙,{},钢管集团,200901,职工\n",
            id_number(6)
        );
        for (confirm, job) in [(false, 2), (true, 3)] {
            let part = reqwest::multipart::Part::bytes(csv.clone().into_bytes()).file_name("m.csv");
            let mut form = reqwest::multipart::Form::new().part("file", part);
            if confirm {
                form = form.text("confirm", "1");
            }
            let res =
                c.post(two.url("/registries/members/import")).header("x-csrf-token", &csrf).multipart(form).send();
            assert_eq!(res.await.unwrap().status(), 200);
            let done = one.job_page(&c, job).await;
            assert!(done.contains("class=\"notice\"") && !done.contains("<progress"), "{done}");
            assert!(done.contains("<td>2009-01-01</td>") && !done.contains(&id_number(6)), "the preview: {done}");
            assert_eq!(done.contains("name=\"confirm\""), !confirm, "{done}");
            assert_eq!(one.count("SELECT COUNT(*) FROM r_members").await, i64::from(confirm));
        }

        // Another user of the same org sees neither job, on either server.
        let (other, _, _) = two.login("ed2", support::PASSWORD).await;
        for app in [&one, &two] {
            assert_eq!(other.get(app.url("/jobs/1")).send().await.unwrap().status(), 404);
            assert_eq!(other.get(app.url("/jobs/1/report.xlsx")).send().await.unwrap().status(), 404);
        }

        // A job left running by a server that stopped: after ten minutes without a write it
        // shows as cut off, not as running forever.
        let body = serde_json::json!({
            "title": "m.csv", "started": one.clock.now(), "state": {"Running": {"done": 40}}, "stage": null, "files": []
        });
        let id = one.store.create_job(Some(ed), &body.to_string()).await.unwrap();
        let running = c.get(two.url(&format!("/jobs/{id}"))).send().await.unwrap().text().await.unwrap();
        assert!(running.contains("<progress") && running.contains("40"), "{running}");
        one.clock.advance(chrono::Duration::minutes(11));
        two.clock.advance(chrono::Duration::minutes(11));
        let cut = c.get(two.url(&format!("/jobs/{id}"))).send().await.unwrap().text().await.unwrap();
        assert!(cut.contains("任务已中断") && !cut.contains("<progress"), "{cut}");
    }
}
