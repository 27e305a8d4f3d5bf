//! The 督办 page on both engines: tasks of the scope with deadlines in working days, lights
//! (overdue and due soon in the escalation list first), nothing from another county.

mod support;

use chrono::Days;
use kaohe_domain::{OrgKind, Role};
use serde_json::json;
use support::spawn_apps;

#[tokio::test]
async fn lights_and_escalation() {
    for app in spawn_apps().await {
        let city = app.org("HY", None, OrgKind::Federation).await;
        let a = app.org("LY", Some(city), OrgKind::Federation).await;
        let b = app.org("CN", Some(city), OrgKind::Federation).await;
        let ed = app.token(app.user("ed", city, Role::Editor).await).await;
        app.user("lyv", a, Role::Viewer).await;
        let today = app.op().today();
        let http = reqwest::Client::new();
        let task = |no: &str,
                    org: kaohe_domain::OrgId,
                    received: chrono::NaiveDate,
                    due: i64,
                    conveyed: Option<chrono::NaiveDate>| {
            json!({"org_id": org.0, "values": {"ref_no": no, "source": "市委", "kind": "决策部署", "title": format!("事项{no}"),
                   "received_on": received.to_string(), "due_working_days": due,
                   "conveyed_on": conveyed.map(|c| c.to_string())}})
        };
        let earlier = today.checked_sub_days(Days::new(20)).unwrap();
        for body in [
            task("T-GREEN", a, today, 10, None),
            task("T-YELLOW", a, today, 2, None),
            task("T-RED", a, earlier, 3, None),
            task("T-DONE", a, earlier, 3, Some(earlier)),
            task("T-OTHER", b, earlier, 3, None),
        ] {
            let res = http
                .post(app.url("/api/v1/registries/tasks/records"))
                .bearer_auth(&ed)
                .json(&body)
                .send()
                .await
                .unwrap();
            assert_eq!(res.status(), 201, "{}", res.text().await.unwrap());
        }
        let (c, _, _) = app.login("lyv", support::PASSWORD).await;
        let year = chrono::Datelike::year(&today);
        let html = c.get(app.url(&format!("/tasks?year={year}"))).send().await.unwrap().text().await.unwrap();
        let escalation = &html[html.find("需督促事项").expect("an escalation list")..html.find("全部事项").unwrap()];
        assert!(escalation.contains("T-RED") && escalation.contains("T-YELLOW"), "{escalation}");
        assert!(!escalation.contains("T-GREEN") && !escalation.contains("T-DONE"));
        assert!(escalation.find("T-RED") < escalation.find("T-YELLOW"), "overdue first");
        assert!(html.contains("T-GREEN") && html.contains("T-DONE"));
        assert!(!html.contains("T-OTHER"), "another county's task");
        for (label, n) in [("逾期未办", 1), ("即将到期", 1), ("正常办理", 1), ("按时办结", 1)] {
            assert!(html.contains(&format!("{label} <strong>{n}</strong>")), "{label} {n}");
        }

        // A year the holiday calendar does not know: the page says so (2009's is known).
        let known = c.get(app.url("/tasks?year=2009")).send().await.unwrap().text().await.unwrap();
        assert!(!known.contains("id=\"calendar-missing\""));
        let unknown = c.get(app.url("/tasks?year=2015")).send().await.unwrap().text().await.unwrap();
        assert!(
            unknown.contains("id=\"calendar-missing\"") && unknown.contains("2015年的国务院节假日安排尚未录入"),
            "{unknown}"
        );
    }
}
