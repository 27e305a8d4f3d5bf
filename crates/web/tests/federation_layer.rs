//! A federation that is not the demo writes its own year through the API, on both engines:
//! departments named its own way chosen by group, a 2026 rulebook started from the model and
//! then its own, two indicators saved from formulas, members entered and imported from a file,
//! 试算 before publishing, a second server picking the rulebook up without a restart,
//! assessments citing the rulebook's version, a change shown in words, a report drafted with
//! what it lacks, the lacking figure submitted by 组织部 and approved, the report complete, the
//! county's self-check report, and every write refused to those who may not make it.

mod support;

use kaohe_domain::{OrgKind, Role};
use serde_json::{Value, json};
use support::{TestApp, spawn, spawn_apps};

const RULEBOOK: &str = r#"
year = 2026
version = "1"
effective_on = "2026-01-01"
title = "清州市总工会2026年度目标管理考核办法"
assessed = ["federation", "department"]
not_assessed = ["QZBGS"]
total = 30

[[grades]]
name_zh = "优秀"
name_en = "Excellent"
min = 24

[[grades]]
name_zh = "合格"
name_en = "Pass"
min = 0

[[sections]]
key = "org"
name_zh = "组织建设"
name_en = "Organisation"

[[sections.items]]
key = "joined"
name_zh = "发展会员"
name_en = "Members joined"
indicator = "qz_joined"
weight = 20
target = 4
rule = { kind = "proportional" }
applies_to = ["federation"]
departments = ["组织部"]
clause = "第三条"

[[sections.items]]
key = "joined_twice"
name_zh = "会员发展翻番"
name_en = "Members joined, doubled"
indicator = "qz_joined_twice"
weight = 10
target = 2
rule = { kind = "threshold" }
applies_to = ["federation"]
departments = ["组织部"]
clause = "第四条"

[[requests]]
key = "cadres"
name_zh = "机关干部情况"
name_en = "Cadres"
indicators = ["cadre_avg_age_before"]
narrative = false
deadline = "2026-12-31"
applies_to = []
departments = ["组织部"]
"#;

async fn send(app: &TestApp, method: reqwest::Method, path: &str, token: &str, body: Option<Value>) -> (u16, Value) {
    let mut req = reqwest::Client::new().request(method, app.url(path)).bearer_auth(token);
    if let Some(b) = body {
        req = req.json(&b);
    }
    let res = req.send().await.unwrap();
    let status = res.status().as_u16();
    (status, res.json().await.unwrap_or(Value::Null))
}

/// Each assessed org's total, by org id.
fn totals(a: &Value) -> Vec<(i64, i64)> {
    let mut t: Vec<(i64, i64)> = a["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["org_id"].as_i64().unwrap(), r["total"].as_i64().unwrap()))
        .collect();
    t.sort_unstable();
    t
}

#[tokio::test]
async fn a_federation_writes_and_publishes_its_own_year() {
    use reqwest::Method;
    for app in spawn_apps().await {
        let two = spawn(app.db.clone()).await;
        let city = app.org("QZ", None, OrgKind::Federation).await;
        let qa = app.org("QA", Some(city), OrgKind::Federation).await;
        let qb = app.org("QB", Some(city), OrgKind::Federation).await;
        let kh = app.token(app.user("kh", city, Role::Assessor).await).await;
        let county_kh = app.token(app.user("qakh", qa, Role::Assessor).await).await;
        let ed = app.token(app.user("ed", city, Role::Editor).await).await;
        // Its departments carry their own names; the rulebook chooses them by group and code.
        let sa = app.token(app.user("qzsa", city, Role::SystemAdmin).await).await;
        let dept = |code: &str, name: &str, groups: &[&str]| {
            json!({"code": code, "name": name, "kind": "department", "parent_id": city.0,
                "opened_on": "2000-01-01", "groups": groups})
        };
        let (st, zzb) = send(
            &app,
            Method::POST,
            "/api/v1/orgs",
            &sa,
            Some(dept("QZZZB", "清州市总工会组织部", &["组织部", "机关"])),
        )
        .await;
        assert_eq!((st, &zzb["groups"]), (201, &json!(["组织部", "机关"])), "{zzb}");
        let zzb = kaohe_domain::OrgId(zzb["id"].as_i64().unwrap());
        let (st, _) =
            send(&app, Method::POST, "/api/v1/orgs", &sa, Some(dept("QZBGS", "清州市总工会办公室", &[]))).await;
        assert_eq!(st, 201);
        let long = "分".repeat(21);
        let (st, e) = send(&app, Method::POST, "/api/v1/orgs", &sa, Some(dept("QZX", "x", &[&long]))).await;
        assert_eq!(st, 422, "{e}");
        // A department may not leave its own group (and the items that come with it).
        let zz_sa = app.token(app.user("zzsa", zzb, Role::SystemAdmin).await).await;
        let own = format!("/api/v1/orgs/{}", zzb.0);
        assert_eq!(send(&app, Method::PATCH, &own, &zz_sa, Some(json!({"groups": []}))).await.0, 403);
        let (st, same) = send(&app, Method::PATCH, &own, &zz_sa, Some(json!({"groups": ["组织部", "机关"]}))).await;
        assert_eq!((st, &same["groups"]), (200, &json!(["组织部", "机关"])), "unchanged groups pass");

        // No rulebook for 2026 yet: the built-in one is listed, the year's assessment refused.
        let (st, list) = send(&app, Method::GET, "/api/v1/rulebooks", &kh, None).await;
        assert_eq!(st, 200);
        assert!(list.as_array().unwrap().iter().all(|b| b["year"] != 2026 && b["own"] == false), "{list}");
        let (st, _) = send(&app, Method::GET, &format!("/api/v1/assessments/2026?org={}", city.0), &kh, None).await;
        assert_eq!(st, 422);

        // A draft started from the model carries it to 2026; a county's 考核办 and an editor may not.
        let start = "/api/v1/rulebooks/2026/draft/start";
        let (st, d) = send(&app, Method::POST, start, &kh, Some(json!({}))).await;
        assert_eq!(st, 201, "{d}");
        let started = d["text"].as_str().unwrap();
        assert!(started.contains("year = 2026") && d["problems"] == json!([]), "{d}");
        assert!(
            started.contains("title = \"QZ工会2026年度目标管理考核办法\""),
            "the model's title names this federation"
        );
        assert_eq!(send(&app, Method::POST, start, &county_kh, Some(json!({}))).await.0, 403);
        assert_eq!(send(&app, Method::POST, start, &ed, Some(json!({}))).await.0, 403);

        // Its own rulebook, before its indicators exist: saved, with the problem located.
        let draft = "/api/v1/rulebooks/2026/draft";
        let (st, d) = send(&app, Method::PUT, draft, &kh, Some(json!({"text": RULEBOOK}))).await;
        assert_eq!(st, 200);
        let p = &d["problems"][0];
        assert_eq!((p["line"].as_i64(), p["column"].as_i64()), (Some(29), Some(13)), "{d}");
        assert!(p["message"].as_str().unwrap().contains("qz_joined"), "{d}");

        // Two indicators saved from formulas.
        let ind = |key: &str, name: &str, formula: &str| json!({"key": key, "name_zh": name, "unit": "人", "section": "组织建设", "formula": formula});
        let joined = ind("qz_joined", "本会新发展会员", "count(members where joined_on in period)");
        let (st, body) = send(&app, Method::POST, "/api/v1/indicators", &kh, Some(joined.clone())).await;
        assert_eq!(st, 201, "{body}");
        assert_eq!(send(&app, Method::POST, "/api/v1/indicators", &kh, Some(joined.clone())).await.0, 422);
        assert_eq!(send(&app, Method::POST, "/api/v1/indicators", &ed, Some(joined.clone())).await.0, 403);
        let taken = ind("new_members", "冒名", "count(members)");
        assert_eq!(send(&app, Method::POST, "/api/v1/indicators", &kh, Some(taken)).await.0, 422);
        let twice = ind("qz_joined_twice", "新发展会员两倍", "qz_joined * 2");
        assert_eq!(send(&app, Method::POST, "/api/v1/indicators", &kh, Some(twice)).await.0, 201);
        let (_, d) = send(&app, Method::PUT, draft, &kh, Some(json!({"text": RULEBOOK}))).await;
        assert_eq!(d["problems"], json!([]), "{d}");

        // Data: 3 members joined in 清州A in 2026 (entered one by one), 1 in 清州B (and one in
        // 2025, not counted) from a file through the import page.
        for (n, org, on) in [(1, qa, "2026-02-01"), (2, qa, "2026-03-01"), (3, qa, "2026-06-30")] {
            app.member(&ed, n, org, on).await;
        }
        app.user("ed2", city, Role::Editor).await;
        let (ed_page, _, ed_csrf) = app.login("ed2", support::PASSWORD).await;
        let csv = format!(
            "所属组织,姓名,公民身份号码,工作单位,入会日期,会员类别\nQB,会员4,{},钢管集团,2026-04-01,职工\nQB,会员5,{},钢管集团,2025-12-31,职工\n",
            support::id_number(4),
            support::id_number(5)
        );
        let job = app.import_job(&ed_page, &ed_csrf, csv).await;
        assert_eq!(app.count("SELECT COUNT(*) FROM r_members").await, 5, "{job}");
        // By hand: A 20 × 3/4 = 15.00, 6 ≥ 2 → 10, 25.00; B 20 × 1/4 = 5.00, 2 ≥ 2 → 10, 15.00;
        // 组织部 answers for the whole city: 20 × 4/4 = 20, 8 ≥ 2 → 10, 30.00. The office (by
        // code) is not assessed.
        let want = vec![(qa.0, 2500), (qb.0, 1500), (zzb.0, 3000)];
        let (st, trial) =
            send(&app, Method::POST, &format!("/api/v1/rulebooks/2026/trial?org={}", city.0), &kh, None).await;
        assert_eq!(st, 200, "{trial}");
        assert_eq!(totals(&trial), want);
        assert_eq!(trial["results"][0]["grade"], "优秀");
        // 试算 publishes nothing.
        let (st, _) = send(&two, Method::GET, &format!("/api/v1/assessments/2026?org={}", city.0), &kh, None).await;
        assert_eq!(st, 422);

        let publish = "/api/v1/rulebooks/2026/publish";
        assert_eq!(send(&app, Method::POST, publish, &county_kh, None).await.0, 403);
        let (st, p) = send(&app, Method::POST, publish, &kh, None).await;
        assert_eq!(st, 201, "{p}");
        assert_eq!((p["version"].as_i64(), p["rulebook_version"].as_str()), (Some(1), Some("2026-v1")));

        // The other server, running since before, scores 2026 at once and cites the version.
        let (st, a) = send(&two, Method::GET, &format!("/api/v1/assessments/2026?org={}", city.0), &kh, None).await;
        assert_eq!(st, 200, "{a}");
        assert_eq!((totals(&a), a["rulebook_version"].as_str()), (want.clone(), Some("2026-v1")));
        let (st, frozen) =
            send(&two, Method::POST, &format!("/api/v1/assessments/2026/publish?org={}", city.0), &kh, None).await;
        assert_eq!((st, frozen["published"]["rulebook_version"].as_str()), (201, Some("2026-v1")));

        // A change to an indicator that would make its dependant refer to itself: refused, with the path.
        let (st, e) = send(
            &app,
            Method::PUT,
            "/api/v1/indicators/qz_joined",
            &kh,
            Some(ind("qz_joined", "本会新发展会员", "qz_joined_twice / 2")),
        )
        .await;
        assert_eq!((st, e["error"]["code"].as_str()), (422, Some("pack_refused")), "{e}");
        assert!(e.to_string().contains("qz_joined_twice"), "{e}");
        let (_, uses) = send(&app, Method::GET, "/api/v1/indicators/qz_joined/uses", &kh, None).await;
        assert_eq!(
            uses,
            json!({"key": "qz_joined", "own": true, "refers_to": [], "referred_by": ["qz_joined_twice"], "rulebooks": [2026]})
        );

        // Version 2 re-weights; the differences come back in words, the old text stays readable.
        let v2 = RULEBOOK.replace("weight = 20", "weight = 15").replace("weight = 10", "weight = 15");
        let (st, p) = send(&app, Method::POST, publish, &kh, Some(json!({"text": v2}))).await;
        assert_eq!(st, 201, "{p}");
        assert_eq!(p["changes"], json!(["“发展会员”分值 20 → 15", "“会员发展翻番”分值 10 → 15"]));
        let (_, one) = send(&two, Method::GET, "/api/v1/rulebooks/2026", &kh, None).await;
        assert_eq!((one["own"].as_bool(), one["version"].as_str()), (Some(true), Some("2026-v2")));
        assert_eq!(one["versions"].as_array().unwrap().len(), 2);
        let (_, old) = send(&app, Method::GET, "/api/v1/rulebooks/2026/versions/1", &kh, None).await;
        assert_eq!(old["text"].as_str(), Some(RULEBOOK));
        let audited = app.count("SELECT COUNT(*) FROM audit_log WHERE entity = 'pack_file'").await;
        assert_eq!(audited, 4, "two indicators and two rulebook versions so far");

        // Its own report template, through the API: checked, published, a draft listing what is
        // still lacking (a figure submitted by hand), then complete.
        let tpl = "# {{ year }}年{{ org }}工作汇报\n\n新发展会员{{ fig('qz_joined') }}。中层干部平均年龄{{ fig('cadre_avg_age_before') }}。\n";
        let (_, c) =
            send(&app, Method::POST, "/api/v1/layer/reports/qz.md.j2/check", &kh, Some(json!({"text": "{{ fig( }}"})))
                .await;
        assert_eq!(c["problems"][0]["line"], 1, "{c}");
        let put = "/api/v1/layer/reports/qz.md.j2";
        assert_eq!(send(&app, Method::PUT, put, &county_kh, Some(json!({"text": tpl}))).await.0, 403);
        let (st, v) = send(&app, Method::PUT, put, &kh, Some(json!({"text": tpl}))).await;
        assert_eq!((st, v["version"].as_i64()), (200, Some(1)), "{v}");
        let draft = app.op().report_draft(2026, city, "qz").await.unwrap();
        let lacking: Vec<&str> = draft.missing.iter().map(|m| m.name_zh.as_str()).collect();
        assert_eq!(lacking, ["调整前中层干部平均年龄"]);
        assert!(app.op().report(2026, city, "qz").await.is_err(), "not a draft: refused");
        // The figure comes through review: 组织部 (by group) is asked for it, submits it, and the
        // city's reviewer approves; then the report is complete.
        app.user("zzed", zzb, Role::Editor).await;
        app.user("qzrev", city, Role::Reviewer).await;
        let (zc, _, zcsrf) = app.login("zzed", support::PASSWORD).await;
        let form_url = app.url(&format!("/submissions/2026/{}/cadres", zzb.0));
        let fill = [("_csrf", zcsrf.as_str()), ("cadre_avg_age_before", "45.5"), ("_action", "submit")];
        let res = zc.post(&form_url).form(&fill).send().await.unwrap();
        assert_eq!(res.status(), 303, "{}", res.text().await.unwrap());
        assert!(app.op().report(2026, city, "qz").await.is_err(), "submitted, not yet approved");
        let (rc, _, rcsrf) = app.login("qzrev", support::PASSWORD).await;
        let inbox = rc.get(app.url("/inbox")).send().await.unwrap().text().await.unwrap();
        assert!(inbox.contains("机关干部情况"), "{inbox}");
        let review = format!("{form_url}/review");
        let res = rc.post(&review).form(&[("_csrf", rcsrf.as_str()), ("_action", "approve")]).send().await.unwrap();
        assert_eq!(res.status(), 303);
        let done = app.op().report(2026, city, "qz").await.unwrap();
        let md = String::from_utf8(
            kaohe_documents::write_report(kaohe_documents::ReportFormat::Markdown, &done.doc, &done.facts, "").unwrap(),
        )
        .unwrap();
        assert!(md.contains("新发展会员4人") && md.contains("45.5岁") && done.missing.is_empty(), "{md}");
        let tpl2 = tpl.replace("中层干部平均年龄{{ fig('cadre_avg_age_before') }}。", "");
        assert_eq!(send(&app, Method::PUT, put, &kh, Some(json!({"text": tpl2}))).await.0, 200);
        let (_, listed) = send(&two, Method::GET, "/api/v1/layer", &kh, None).await;
        assert!(
            listed.as_array().unwrap().iter().any(|f| f["path"] == "reports/qz.md.j2" && f["version"] == 2),
            "{listed}"
        );
        assert_eq!(send(&app, Method::DELETE, put, &kh, None).await.0, 200);
        assert!(app.op().report(2026, city, "qz").await.is_err(), "withdrawn: no such template");

        // The built-in report speaks of this federation's year only: what it did, nothing about
        // what it did not, no 2009 wording, for the city and for a county.
        for (org, joined) in [(city, "新增会员4人"), (qa, "新增会员3人")] {
            let r = app.op().report(2026, org, "annual").await.unwrap();
            let md = String::from_utf8(
                kaohe_documents::write_report(kaohe_documents::ReportFormat::Markdown, &r.doc, &r.facts, "").unwrap(),
            )
            .unwrap();
            assert!(md.contains("2026年") && md.contains(joined), "{md}");
            for never in ["2009", "衡阳", "圆满", "新组建工会", "0家", "0人", "0个", "0名", "市委"] {
                assert!(!md.contains(never), "{never:?} in {md}");
            }
        }

        // The county's own self-check report: its targets (the rulebook's defaults), figures,
        // completion and points as the city published them (under version 1) — by hand:
        // 20 × 3/4 = 15.00, 6 ≥ 2 → 10.00.
        let r = app.op().report(2026, qa, "county").await.unwrap();
        let md = String::from_utf8(
            kaohe_documents::write_report(kaohe_documents::ReportFormat::Markdown, &r.doc, &r.facts, "").unwrap(),
        )
        .unwrap();
        assert!(md.contains("QA工会承担目标任务2项"), "{md}");
        assert!(md.contains("| 发展会员 | 4人 | 3人 | 75% | 15.00 |"), "{md}");
        assert!(md.contains("| 会员发展翻番 | 2人 | 6人 | 300% | 10.00 |"), "{md}");
        assert!(md.contains("发展会员未得满分") && !md.contains("会员发展翻番未得满分"), "{md}");

        // The statistics' 分单位 sheets: each of the city's children's figure equals a plain SQL
        // recount of its subtree's members joined in 2026; a county without children has none.
        let facts = app.op().report_facts(2026, city).await.unwrap();
        assert!(facts.children.len() >= 3, "{:?}", facts.children);
        for c in &facts.children {
            let id = app.count(&format!("SELECT id FROM orgs WHERE name = '{}'", c.org)).await;
            let n = app
                .count(&format!(
                    "SELECT COUNT(*) FROM r_members m JOIN orgs o ON o.id = m.org_id JOIN orgs c ON c.id = {id} \
                     WHERE o.path LIKE c.path || '%' AND m.f_joined_on >= '2026-01-01' AND m.f_joined_on < '2027-01-01' \
                     AND m.deleted_at IS NULL"
                ))
                .await;
            let got = c.values["qz_joined"].map(|v| v.to_string());
            assert_eq!(got, Some(n.to_string()), "{}", c.org);
        }
        assert_eq!(
            kaohe_domain::report::tables::by_child(&facts).len(),
            kaohe_domain::report::tables::build(&facts).len()
        );
        let county = app.op().report_facts(2026, qa).await.unwrap();
        assert!(county.children.is_empty() && kaohe_domain::report::tables::by_child(&county).is_empty());
    }
}

/// The pages do the same for a clerk of the 考核办: a year started from the model, checked as
/// typed, published; a formula saved from the editor; a viewer reads the rulebook in words only.
#[tokio::test]
async fn the_pages_write_rulebooks_and_indicators() {
    for app in spawn_apps().await {
        let city = app.org("QZ", None, OrgKind::Federation).await;
        app.org("QA", Some(city), OrgKind::Federation).await;
        app.user("kh", city, Role::Assessor).await;
        app.user("viewer", city, Role::Viewer).await;
        let (c, _, csrf) = app.login("kh", support::PASSWORD).await;
        let post = |path: &str, form: Vec<(&str, String)>| {
            let mut form = form;
            form.push(("_csrf", csrf.clone()));
            c.post(app.url(path)).header("HX-Request", "true").form(&form).send()
        };
        let list = c.get(app.url("/rulebooks")).send().await.unwrap().text().await.unwrap();
        assert!(list.contains("内置范本") && list.contains("制定新年度考核办法"), "{list}");
        let res = post("/rulebooks/start", vec![("year", "2026".into()), ("from", "2009".into())]).await.unwrap();
        assert_eq!(res.headers()["location"], "/rulebooks/2026");
        let page = c.get(app.url("/rulebooks/2026")).send().await.unwrap().text().await.unwrap();
        assert!(page.contains("有草稿") && page.contains("year = 2026"), "{page}");
        let bad = post("/rulebooks/2026/check", vec![("text", RULEBOOK.into())]).await.unwrap().text().await.unwrap();
        assert!(bad.contains("29:13 没有指标“qz_joined”") && bad.contains("^"), "{bad}");

        // The formula editor saves the two indicators (a bad key is refused where it was typed).
        let editor = c.get(app.url("/indicators/editor")).send().await.unwrap().text().await.unwrap();
        assert!(editor.contains("保存为本会指标"), "{editor}");
        let save = |key: &str, formula: &str| {
            post(
                "/indicators/save",
                vec![
                    ("new_key", key.into()),
                    ("name_zh", format!("{key}名称")),
                    ("unit", "人".into()),
                    ("decimals", "0".into()),
                    ("section", "组织建设".into()),
                    ("formula", formula.into()),
                ],
            )
        };
        let refused = save("QZ-Joined", "count(members)").await.unwrap().text().await.unwrap();
        assert!(refused.contains("代码须以小写字母开头"), "{refused}");
        let ok = save("qz_joined", "count(members where joined_on in period)").await.unwrap();
        assert_eq!(ok.headers()["hx-redirect"], "/indicators/qz_joined");
        assert!(save("qz_joined_twice", "qz_joined * 2").await.unwrap().headers().contains_key("hx-redirect"));
        let shown = c.get(app.url("/indicators/qz_joined")).send().await.unwrap().text().await.unwrap();
        assert!(shown.contains("qz_joined名称"), "{shown}");

        // A county template written in the app: the figure picker, a live draft preview, published.
        let list = c.get(app.url("/report/templates")).send().await.unwrap().text().await.unwrap();
        assert!(list.contains(">annual<") && list.contains("内置范本"), "{list}");
        let to = c.get(app.url("/report/templates?key=county")).send().await.unwrap();
        assert_eq!(to.headers()["location"], "/report/templates/county");
        let editor = c.get(app.url("/report/templates/county")).send().await.unwrap().text().await.unwrap();
        assert!(editor.contains("{{ fig(&#39;qz_joined&#39;) }}"), "the picker lists our own indicator: {editor}");
        let tpl = "# {{ year }}年{{ org }}工作汇报\n\n新发展会员{{ fig('qz_joined') }}，平均年龄{{ fig('cadre_avg_age_before') }}。\n";
        let shown = post("/report/templates/county/preview", vec![("text", tpl.into()), ("year", "2026".into())])
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(
            shown.contains("【待填报：调整前中层干部平均年龄】") && shown.contains("调整前中层干部平均年龄(数值)"),
            "{shown}"
        );
        let hostile =
            post("/report/templates/county/preview", vec![("text", "<script>alert(1)</script>{{ year }}".into())]);
        let hostile = hostile.await.unwrap().text().await.unwrap();
        assert!(hostile.contains("&lt;script&gt;") && !hostile.contains("<script>alert"), "{hostile}");
        let bad = post("/report/templates/county/preview", vec![("text", "{{ fig( }}".into())]).await.unwrap();
        assert!(bad.text().await.unwrap().contains("模板有错误"));
        let refused = post("/report/templates/county", vec![("text", "{{ yaer }}".into())]).await.unwrap();
        assert_eq!(refused.status(), 422);
        assert!(refused.text().await.unwrap().contains("{{ yaer }}"), "the typing kept");
        let saved = post("/report/templates/county", vec![("text", tpl.into())]).await.unwrap();
        assert_eq!(saved.headers()["location"], "/report/templates/county");
        let list = c.get(app.url("/report/templates")).send().await.unwrap().text().await.unwrap();
        assert!(list.contains(">county<") && list.contains("本会制定"), "{list}");

        let done =
            post("/rulebooks/2026/publish", vec![("text", RULEBOOK.into())]).await.unwrap().text().await.unwrap();
        assert!(done.contains("已发布考核办法 2026-v1") && done.contains("发展会员"), "{done}");

        // A viewer: the rulebook in words, no editor, no save form; her posts are refused.
        let (v, _, vcsrf) = app.login("viewer", support::PASSWORD).await;
        let read = v.get(app.url("/rulebooks/2026")).send().await.unwrap().text().await.unwrap();
        assert!(read.contains("按完成比例计分") && !read.contains("<textarea"), "{read}");
        let editor = v.get(app.url("/indicators/editor")).send().await.unwrap().text().await.unwrap();
        assert!(!editor.contains("保存为本会指标"));
        let tpl_page = v.get(app.url("/report/templates/county")).send().await.unwrap().text().await.unwrap();
        assert!(tpl_page.contains("readonly") && !tpl_page.contains("发布模板"), "{tpl_page}");
        let refused =
            v.post(app.url("/report/templates/county")).form(&[("text", "x"), ("_csrf", &vcsrf)]).send().await.unwrap();
        assert_eq!(refused.status(), 403);
        let refused = v
            .post(app.url("/rulebooks/2026/draft"))
            .form(&[("text", RULEBOOK), ("_csrf", &vcsrf)])
            .send()
            .await
            .unwrap();
        assert_eq!(refused.status(), 403);
    }
}
