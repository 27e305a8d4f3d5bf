//! No ID number in clear in the logs. Every event the app and its libraries emit — at TRACE, the
//! most a server could ever be told to log (sqlx statement logging is off in the store's
//! connection options) — goes to a buffer while ID numbers travel every path:
//! created through the API and the form, refused as a duplicate and beside a bad date, searched
//! for, unmasked, exported in clear, imported through a job with an error row. The buffer is then
//! scanned for anything shaped like an ID number (GB 11643), on both engines.

mod support;

use kaohe_domain::{OrgKind, Role};
use kaohe_store::testing::has_id_shape;
use serde_json::json;
use std::io::Write;
use std::sync::{Arc, Mutex};
use support::{id_number, spawn_apps};

/// A log sink: every formatted event, appended.
#[derive(Clone, Default)]
struct Sink(Arc<Mutex<Vec<u8>>>);

impl Write for Sink {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn no_id_number_in_clear_in_the_logs() {
    let sink = Sink::default();
    let writer = sink.clone();
    // As `kaohe` installs its logger (events of the `log` crate, which sqlx uses, included).
    tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .try_init()
        .unwrap();

    for app in spawn_apps().await {
        let city = app.org("HY", None, OrgKind::Federation).await;
        let ed = app.token(app.user("ed", city, Role::Editor).await).await;
        let rv = app.token(app.user("rv", city, Role::Reviewer).await).await;
        app.user("kh", city, Role::Assessor).await;
        let http = reqwest::Client::new();
        let url = app.url("/api/v1/registries/members/records");
        let member = |n: u32, joined: &str| {
            json!({"org_id": city.0, "values": {"name": format!("会员{n}"), "id_number": id_number(n),
                   "unit_name": "钢管集团", "joined_on": joined, "category": "职工"}})
        };

        let res = http.post(&url).bearer_auth(&ed).json(&member(21, "2009-03-05")).send().await.unwrap();
        assert_eq!(res.status(), 201);
        let id = res.json::<serde_json::Value>().await.unwrap()["id"].as_i64().unwrap();
        let dup = http.post(&url).bearer_auth(&ed).json(&member(21, "2009-03-06")).send().await.unwrap();
        assert!(dup.status().is_client_error(), "a second member with the same ID number is refused");
        let bad = http.post(&url).bearer_auth(&ed).json(&member(22, "2009-02-30")).send().await.unwrap();
        assert_eq!(bad.status(), 422);
        let clear: serde_json::Value =
            http.get(format!("{url}/{id}?unmask=true")).bearer_auth(&rv).send().await.unwrap().json().await.unwrap();
        assert_eq!(clear["values"]["id_number"], id_number(21));

        let (c, _, csrf) = app.login("kh", support::PASSWORD).await;
        let form = [
            ("_csrf", csrf.clone()),
            ("_org", "HY".into()),
            ("name", "王五".into()),
            ("id_number", id_number(23)),
            ("unit_name", "市自来水公司".into()),
            ("joined_on", "2009-05-01".into()),
            ("category", "职工".into()),
        ];
        let res = c.post(app.url("/registries/members/records")).form(&form).send().await.unwrap();
        assert_eq!(res.status(), 303);
        let found = c
            .get(app.url(&format!("/registries/members?q.id_number={}", id_number(23))))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(found.contains("市自来水公司"), "found by its ID number");
        let export = c
            .post(app.url("/registries/members/export"))
            .form(&[("_csrf", csrf.as_str()), ("q", "format=csv&unmask=1")])
            .send()
            .await
            .unwrap();
        assert!(export.text().await.unwrap().contains(&id_number(23)), "exported in clear");

        let csv = format!(
            "所属组织,姓名,公民身份号码,工作单位,入会日期,会员类别\nHY,甲,{},钢管集团,2009-01-01,职工\nHY,乙,{},钢管集团,2009-13-01,职工\n",
            id_number(24),
            id_number(25)
        );
        let html = app.import_job(&c, &csrf, csv).await;
        assert!(html.contains("report.xlsx"), "the import was refused with an error report: {html}");
    }

    let logs = String::from_utf8(sink.0.lock().unwrap().clone()).unwrap();
    // The sink saw the whole run: the migrations, and every request's session handling.
    assert!(logs.contains("Applying migration") && logs.matches("tower_sessions").count() > 20, "{logs}");
    for n in 21..=25 {
        assert!(!logs.contains(&id_number(n)), "member {n}'s ID number is in the logs");
    }
    if let Some(line) = logs.lines().find(|l| has_id_shape(l)) {
        panic!("a log line holds something shaped like an ID number: {line}");
    }
}

/// What the server answers when a request carrying an ID number goes wrong: the form comes back
/// without it (a masked hint instead), and the API's parse errors quote it masked.
#[tokio::test]
async fn error_answers_never_echo_an_id_number() {
    for app in spawn_apps().await {
        let city = app.org("HY", None, OrgKind::Federation).await;
        app.user("kh", city, Role::Assessor).await;
        let token = app.token(app.user("ed", city, Role::Editor).await).await;
        let (c, _, csrf) = app.login("kh", support::PASSWORD).await;
        let idn = id_number(31);
        let form = [
            ("_csrf", csrf.clone()),
            ("_org", "HY".into()),
            ("name", "王五".into()),
            ("id_number", idn.clone()),
            ("unit_name", "市自来水公司".into()),
            ("joined_on", "2009-13-45".into()),
            ("category", "职工".into()),
        ];
        let res = c.post(app.url("/registries/members/records")).form(&form).send().await.unwrap();
        assert!(res.status().is_client_error(), "{}", res.status());
        let page = res.text().await.unwrap();
        assert!(page.contains("市自来水公司"), "the other fields come back as typed");
        assert!(!page.contains(&idn), "{:?}: the ID number came back in the form", app.db.backend);
        assert!(page.contains(&kaohe_domain::protect::mask(&idn)), "a masked hint says what was typed");

        let http = reqwest::Client::new();
        let answers = [
            http.get(app.url(&format!("/api/v1/orgs/{idn}"))),
            http.post(app.url("/api/v1/registries/members/records")).json(&json!({"org_id": idn})),
            http.get(app.url(&format!("/api/v1/registries/members/records?under={idn}"))),
        ];
        for req in answers {
            let res = req.bearer_auth(&token).send().await.unwrap();
            assert!(res.status().is_client_error());
            let body = res.text().await.unwrap();
            assert!(!body.contains(&idn) && !has_id_shape(&body), "{body}");
        }
    }
}
