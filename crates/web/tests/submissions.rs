//! The submission workflow through the pages on both engines: a department fills in what the
//! rulebook asks, a failed consistency check blocks submitting, evidence is type-checked, the
//! reviewer above returns it with a reason, it is resubmitted and approved; the approved figure
//! becomes the indicator's; late submissions are marked; every step audited.

mod support;

use kaohe_domain::{OrgKind, Role};
use kaohe_store::NewOrg;
use support::spawn_apps;

#[tokio::test]
async fn fill_check_submit_return_resubmit_approve() {
    for app in spawn_apps().await {
        let city = app.org("HY", None, OrgKind::Federation).await;
        let zzb = app
            .op()
            .create_org(NewOrg {
                code: "HY-ZZB".into(),
                name: "组织部".into(),
                short_name: None,
                kind: OrgKind::Department,
                parent_id: Some(city),
                sort_key: None,
                opened_on: chrono::NaiveDate::from_ymd_opt(2000, 1, 1),
                // The rulebook asks 组织部 by group.
                groups: vec!["组织部".into()],
            })
            .await
            .unwrap()
            .id;
        app.store.set_assessment_year(2009).await.unwrap();
        app.user("zed", zzb, Role::Editor).await;
        app.user("rev", city, Role::Reviewer).await;
        let (ed, _, ed_csrf) = app.login("zed", support::PASSWORD).await;
        let list = ed.get(app.url("/submissions?year=2009")).send().await.unwrap().text().await.unwrap();
        let home = ed.get(app.url("/")).send().await.unwrap().text().await.unwrap();
        assert!(home.contains("待填报</div><div class=\"value\">2</div>"), "two requests open: {home}");
        assert!(list.contains("机关干部队伍建设情况") && list.contains("年度目标工作总结"), "{list}");

        let url = app.url(&format!("/submissions/2009/{}/cadre_stats", zzb.0));
        let form = |degree: &str, action: &str| {
            vec![
                ("_csrf", ed_csrf.clone()),
                ("cadre_avg_age_before", "46.3".into()),
                ("cadre_avg_age_after", "38.9".into()),
                ("cadre_degree_before", "50".into()),
                ("cadre_degree_after", degree.into()),
                ("staff_selected", "4".into()),
                ("narrative", "中层干部竞争上岗。".into()),
                ("_action", action.into()),
            ]
        };
        let res = ed.post(&url).form(&form("120", "submit")).send().await.unwrap();
        assert_eq!(res.status(), 422);
        let page = res.text().await.unwrap();
        assert!(page.contains("调整后本科以上学历比例不能超过100%") && page.contains("1.2 ≤ 1"), "{page}");
        assert!(page.contains("value=\"120\""), "what was typed comes back");
        assert_eq!(app.count("SELECT COUNT(*) FROM submissions WHERE state = 'submitted'").await, 0);
        let res = ed.post(&url).form(&form("69", "save")).send().await.unwrap();
        assert_eq!(res.status(), 303);

        // Evidence: the name and the content must agree.
        let upload = |name: &'static str, bytes: &'static [u8]| {
            let part = reqwest::multipart::Part::bytes(bytes).file_name(name);
            ed.post(format!("{url}/evidence"))
                .header("x-csrf-token", &ed_csrf)
                .multipart(reqwest::multipart::Form::new().part("file", part))
                .send()
        };
        assert_eq!(upload("会议记录.exe", b"MZ\x90\x00").await.unwrap().status(), 422);
        assert_eq!(upload("会议记录.pdf", b"GIF89a").await.unwrap().status(), 422);
        let ok = upload("会议记录.pdf", b"%PDF-1.4\n%demo\n").await.unwrap();
        let status = ok.status();
        assert!(ok.headers().contains_key("hx-redirect"), "{status:?} {}", ok.text().await.unwrap());
        let res = ed.post(&url).form(&form("69", "submit")).send().await.unwrap();
        assert_eq!(res.status(), 303);
        let shown = ed.get(&url).send().await.unwrap().text().await.unwrap();
        assert!(
            shown.contains("待审核") && shown.contains("逾期") && shown.contains("会议记录.pdf"),
            "late: after 2010-01-10"
        );

        // The reviewer above: the inbox, a return needs a reason, then a return with one.
        let (rv, _, rv_csrf) = app.login("rev", support::PASSWORD).await;
        let home = rv.get(app.url("/")).send().await.unwrap().text().await.unwrap();
        assert!(
            home.contains("href=\"/inbox\"><div class=\"label\">待审核</div><div class=\"value\">1</div>"),
            "{home}"
        );
        let inbox = rv.get(app.url("/inbox")).send().await.unwrap().text().await.unwrap();
        assert!(inbox.contains("组织部") && inbox.contains("机关干部队伍建设情况"), "{inbox}");
        let review = format!("{url}/review");
        let res = rv
            .post(&review)
            .form(&[("_csrf", rv_csrf.as_str()), ("_action", "return"), ("reason", " ")])
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 422);
        let res = rv
            .post(&review)
            .form(&[("_csrf", rv_csrf.as_str()), ("_action", "return"), ("reason", "请附竞争上岗方案")])
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 303);
        let shown = ed.get(&url).send().await.unwrap().text().await.unwrap();
        assert!(shown.contains("已退回") && shown.contains("请附竞争上岗方案"));
        // The editor may not approve; resubmits; the reviewer approves.
        let res = ed.post(&review).form(&[("_csrf", ed_csrf.as_str()), ("_action", "approve")]).send().await.unwrap();
        assert_eq!(res.status(), 403);
        // Four eyes: the city's 考核办 (who may both fill in and review) resubmits it for the
        // department, and then may not approve what he submitted himself.
        app.user("kb", city, Role::Assessor).await;
        let (kb, _, kb_csrf) = app.login("kb", support::PASSWORD).await;
        let mut by_kb = form("69", "submit");
        by_kb[0].1 = kb_csrf.clone();
        assert_eq!(kb.post(&url).form(&by_kb).send().await.unwrap().status(), 303);
        let res = kb.post(&review).form(&[("_csrf", kb_csrf.as_str()), ("_action", "approve")]).send().await.unwrap();
        assert_eq!(res.status(), 403);
        assert!(res.text().await.unwrap().contains("双人复核"));
        let res = rv.post(&review).form(&[("_csrf", rv_csrf.as_str()), ("_action", "approve")]).send().await.unwrap();
        assert_eq!(res.status(), 303);
        let shown = ed.get(&url).send().await.unwrap().text().await.unwrap();
        assert!(
            shown.contains("已通过") && !shown.contains("name=\"_action\" value=\"submit\""),
            "approved: read only"
        );

        // The approved figure is the city federation's (a department speaks for it).
        let tok = app.token(app.user("kh", city, Role::Assessor).await).await;
        let v = app
            .get_json(&format!("/api/v1/indicators/cadre_degree_after/values?org={}&period=2009", city.0), &tok)
            .await;
        assert_eq!(v["rows"][0]["exact"], "69/100", "{v}");
        // Submitted after the deadline: the rulebook's late-submission deduction (0.5 a request).
        let score = app.get_json(&format!("/api/v1/assessments/2009/orgs/{}", zzb.0), &tok).await;
        let late = score["adjustments"].as_array().unwrap().iter().find(|a| a["key"] == "late_submissions").unwrap();
        assert_eq!(late["points"], -50, "{late}");
        let steps = app.count("SELECT COUNT(*) FROM submission_events").await;
        // Submitting from the form saves what was typed first (kept as a draft even when a check
        // refuses): save (refused submit), save, evidence, save + submit, return, save + submit,
        // approve.
        assert_eq!(steps, 9);
        assert!(app.count("SELECT COUNT(*) FROM audit_log WHERE entity = 'submission'").await >= 5);
    }
}
