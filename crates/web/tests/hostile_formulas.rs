//! Formulas from a hostile signed-in user, on both engines: nesting that overflowed the stack
//! (through the API and through a drill-down link anyone could be sent), a working-day count to
//! 9999-12-31 that ran for hours, periods past the calendar, growth nested until it expands
//! exponentially — each refused with a located message, the server answering the next request.
//! Evaluations run under the configured deadline and cost budget (503 / 422 with a message).

mod support;

use kaohe_domain::{OrgKind, Role};
use serde_json::{Value, json};
use std::time::Duration;
use support::{PASSWORD, TestApp, spawn_apps};

async fn eval(app: &TestApp, token: &str, body: Value) -> (u16, Value) {
    let res = reqwest::Client::new().post(app.url("/api/v1/eval")).bearer_auth(token).json(&body).send().await.unwrap();
    let status = res.status().as_u16();
    (status, res.json().await.unwrap_or(Value::Null))
}

fn message(v: &Value) -> String {
    let e = &v["error"];
    format!(
        "{} {}",
        e["message"],
        e["fields"]
            .as_array()
            .map(|f| f.iter().map(|x| x["message_zh"].to_string()).collect::<String>())
            .unwrap_or_default()
    )
}

/// Serves the same store again under other settings, on a port of its own.
async fn serve_with(store: &kaohe_store::Store, cfg: kaohe_web::WebConfig) -> String {
    let app = kaohe_web::app(store.clone(), cfg).into_make_service_with_connect_info::<std::net::SocketAddr>();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    base
}

#[tokio::test]
async fn hostile_formulas_are_refused_where_they_go_wrong_and_the_server_lives_on() {
    for app in spawn_apps().await {
        let city = app.org("QZ", None, OrgKind::Federation).await;
        let county = app.org("QZ-A", Some(city), OrgKind::Federation).await;
        let ed = app.token(app.user("ed", city, Role::Editor).await).await;
        let clerk = app.token(app.user("clerk", county, Role::Editor).await).await;
        for (n, joined) in ["2009-03-05", "2009-07-01", "2008-12-31"].iter().enumerate() {
            app.member(&ed, n as u32, if n == 0 { city } else { county }, joined).await;
        }
        let members = app.count("SELECT COUNT(*) FROM r_members WHERE deleted_at IS NULL").await;

        // 1,000 nested brackets: a located 422, not an aborted process.
        let deep = format!("{}count(members){}", "(".repeat(1000), ")".repeat(1000));
        let (status, v) = eval(&app, &clerk, json!({"formula": deep, "period": "2009"})).await;
        assert_eq!(status, 422, "{v}");
        assert!(message(&v).contains("嵌套过深") && message(&v).contains("第1行第101列"), "{}", message(&v));
        // 2,000 nested `not`.
        let nots = format!("count(members where {}gender = \"女\")", "not ".repeat(2000));
        let (status, v) = eval(&app, &clerk, json!({"formula": nots, "period": "2009"})).await;
        assert_eq!(status, 422, "{v}");
        // The same in a drill-down link a colleague is sent: a page that says why.
        let (browser, status, _) = app.login("clerk", PASSWORD).await;
        assert!(status.is_redirection());
        let link = reqwest::Url::parse_with_params(
            &app.url("/indicators/drill"),
            &[("formula", deep.as_str()), ("period", "2009"), ("org", &county.0.to_string())],
        )
        .unwrap();
        let res = browser.get(link).send().await.unwrap();
        assert_eq!(res.status(), 422);
        assert!(res.text().await.unwrap().contains("嵌套过深"));

        // A working-day count to 9999-12-31: refused where the date stands; to 2100 it is instant.
        let far = "count(members where working_days(joined_on, 9999-12-31) > 0)";
        let (status, v) = eval(&app, &clerk, json!({"formula": far, "period": "2009"})).await;
        assert_eq!(status, 422, "{v}");
        assert!(message(&v).contains("日期超出范围") && message(&v).contains("第1行第45列"), "{}", message(&v));
        let near = "count(members where working_days(joined_on, 2100-12-31) > 0)";
        let (status, v) = eval(&app, &ed, json!({"formula": near, "period": "2009", "org": city.0})).await;
        assert_eq!(status, 200, "{v}");
        assert_eq!(v["rows"][0]["exact"], json!(members.to_string()), "every member, counted by SQL: {members}");

        // A period past the calendar's years, and growth nested until it doubles past the limit.
        let (status, v) =
            eval(&app, &clerk, json!({"formula": "count(members)", "period": "2009-01-01..9999-12-31"})).await;
        assert_eq!(status, 422, "{v}");
        assert!(message(&v).contains("1900年至2100年"), "{}", message(&v));
        let growths = format!("{}count(members){}", "growth(".repeat(30), ")".repeat(30));
        let (status, v) = eval(&app, &clerk, json!({"formula": growths, "period": "2009"})).await;
        assert_eq!(status, 422, "{v}");
        assert!(message(&v).contains("公式过于复杂"), "{}", message(&v));

        // The server is alive and right after all of that.
        let (status, v) = eval(&app, &ed, json!({"formula": "count(members)", "org": city.0, "period": "2009"})).await;
        assert_eq!((status, v["rows"][0]["exact"].clone()), (200, json!(members.to_string())));
    }
}

#[tokio::test]
async fn evaluations_answer_503_past_their_deadline_and_422_past_their_budget() {
    for app in spawn_apps().await {
        let city = app.org("QZ", None, OrgKind::Federation).await;
        let ed = app.token(app.user("ed", city, Role::Editor).await).await;
        app.member(&ed, 1, city, "2009-03-05").await;
        let body = json!({"formula": "count(members where joined_on in period)", "org": city.0, "period": "2009"});

        // Past the deadline: 503; past the cost budget: 422 — each with its code and message.
        let cases = [
            (
                kaohe_store::EvalLimits { deadline: Some(Duration::ZERO), max_cost: u64::MAX },
                503,
                "timed_out",
                "计算超过时限",
            ),
            (kaohe_store::EvalLimits { deadline: None, max_cost: 1 }, 422, "too_costly", "计算量超出上限"),
        ];
        for (eval, status, code, words) in cases {
            let base = serve_with(&app.store, kaohe_web::WebConfig { eval, ..Default::default() }).await;
            let res = reqwest::Client::new()
                .post(format!("{base}/api/v1/eval"))
                .bearer_auth(&ed)
                .json(&body)
                .send()
                .await
                .unwrap();
            assert_eq!(res.status(), status);
            let v: Value = res.json().await.unwrap();
            assert_eq!(v["error"]["code"], code);
            assert!(v["error"]["message"].as_str().unwrap().contains(words), "{v}");
        }

        // Under the default limits the same request is answered.
        let (status, v) = eval(&app, &ed, body).await;
        assert_eq!((status, v["rows"][0]["exact"].clone()), (200, json!("1")));
    }
}
