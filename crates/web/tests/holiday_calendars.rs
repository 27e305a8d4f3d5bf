//! The 系统管理员 of the top federation types a year's holiday notice into the app: a mistake is
//! shown on its row with the typing kept; saved, it is in force in every server at once, and the
//! working days of that year count it. Others may not.

mod support;

use kaohe_domain::calendar::working_days_between;
use kaohe_domain::{OrgKind, Role};
use support::{spawn, spawn_apps};

fn form(csrf: &str, rows: &[(&str, &str, &str, &str)]) -> Vec<(String, String)> {
    let mut f = vec![
        ("_csrf".to_owned(), csrf.to_owned()),
        ("notice".into(), "国务院办公厅关于2031年部分节假日安排的通知".into()),
    ];
    for (i, (name, from, to, work)) in rows.iter().enumerate() {
        f.push((format!("name_{i}"), (*name).into()));
        f.push((format!("from_{i}"), (*from).into()));
        f.push((format!("to_{i}"), (*to).into()));
        f.push((format!("work_{i}"), (*work).into()));
    }
    f
}

#[tokio::test]
async fn a_years_notice_is_typed_in_and_counted_everywhere() {
    for app in spawn_apps().await {
        let two = spawn(app.db.clone()).await;
        let city = app.org("QZ", None, OrgKind::Federation).await;
        let county = app.org("QA", Some(city), OrgKind::Federation).await;
        app.user("sa", city, Role::SystemAdmin).await;
        app.user("countysa", county, Role::SystemAdmin).await;
        app.user("kh", city, Role::Assessor).await;
        let (c, _, csrf) = app.login("sa", support::PASSWORD).await;
        let list = c.get(app.url("/calendars")).send().await.unwrap().text().await.unwrap();
        assert!(list.contains("节假日安排") && list.contains("2026"), "{list}");
        let page = c.get(app.url("/calendars/2031")).send().await.unwrap().text().await.unwrap();
        assert!(page.contains("value=\"春节\""), "the year's holidays are offered by name");

        // A mistake: refused on its row, the typing kept, nothing in force.
        let bad = form(&csrf, &[("元旦", "2031-01-01", "2031-01-03", ""), ("春节", "2031-13-01", "", "")]);
        let res = c.post(app.url("/calendars/2031")).form(&bad).send().await.unwrap();
        assert_eq!(res.status(), 422);
        let shown = res.text().await.unwrap();
        assert!(shown.contains("第2行:“2031-13-01”不是有效日期") && shown.contains("value=\"2031-13-01\""), "{shown}");
        assert!(!app.store.calendar().covers(2031));
        // A day off outside the year: the pack's reader refuses it, on its row.
        let outside =
            form(&csrf, &[("元旦", "2031-01-01", "2031-01-03", ""), ("国庆节", "2032-10-01", "2032-10-07", "")]);
        let shown = c.post(app.url("/calendars/2031")).form(&outside).send().await.unwrap().text().await.unwrap();
        assert!(shown.contains("第2行:") && shown.contains("2032-10-01"), "{shown}");

        // Saved: in force on both servers, and counted.
        let good = form(
            &csrf,
            &[
                ("元旦", "2031-01-01", "2031-01-03", "2031-01-04"),
                ("春节", "2031-01-22", "2031-01-28", "2031-01-19, 2031-02-08"),
            ],
        );
        let res = c.post(app.url("/calendars/2031")).form(&good).send().await.unwrap();
        assert_eq!(res.status(), 303, "{}", res.text().await.unwrap());
        let (c2, _, _) = two.login("sa", support::PASSWORD).await;
        let listed = c2.get(two.url("/calendars")).send().await.unwrap().text().await.unwrap();
        assert!(
            listed.contains("国务院办公厅关于2031年部分节假日安排的通知") && listed.contains("本会录入"),
            "{listed}"
        );
        let cal = two.store.calendar();
        assert!(cal.covers(2031));
        let d = |s: &str| s.parse::<chrono::NaiveDate>().unwrap();
        // 01-01 → 01-06: Thu 01-02 and Fri 01-03 are off, Sat 01-04 is worked.
        assert_eq!(working_days_between(cal.as_ref(), d("2031-01-01"), d("2031-01-06")), 2);

        // Nobody else: a county's 系统管理员, the 考核办.
        for who in ["countysa", "kh"] {
            let (o, _, ocsrf) = app.login(who, support::PASSWORD).await;
            let res = o
                .post(app.url("/calendars/2031"))
                .form(&form(&ocsrf, &[("元旦", "2031-01-01", "", "")]))
                .send()
                .await
                .unwrap();
            assert_eq!(res.status(), 403, "{who}");
        }
    }
}
