//! The rest of the 考核办法 in forms, for a federation that is not the demo, on both engines:
//! a veto item, a bonus item, a submission request with its check, a section, and the general
//! rules (grade bands, tie rule) written into the draft by forms — keys made up by kaohe, the
//! draft's comments kept — each read back by the rulebook checker; a missing field and a band-less
//! grading refused on the form with the typing kept; a section with items kept; the draft then
//! publishes and scores under its own grades; every form refused to a county's 考核办 and to an
//! editor.

mod support;

use kaohe_domain::scoring::{Direction, TieBreak, VetoEffect};
use kaohe_domain::{OrgKind, Role};
use support::{PASSWORD, TestApp, spawn_apps};

const DRAFT: &str = r#"# 清州市总工会2026年度目标管理考核办法(草稿)
year = 2026
version = "1"
effective_on = "2026-01-01"
title = "清州市总工会2026年度目标管理考核办法"
assessed = ["federation"]
total = 10

# 等次
[[grades]]
name_zh = "合格"
name_en = "Pass"
min = 0

[[sections]]
key = "org"
name_zh = "组织建设"
name_en = "Organisation"

[[sections.items]]
key = "members"
name_zh = "发展会员"
name_en = "Members"
indicator = "new_members"
weight = 10
target = 1
rule = { kind = "threshold" }
applies_to = ["federation"]
clause = "第四条"
"#;

async fn draft(app: &TestApp) -> String {
    use sea_orm::{ConnectionTrait, Statement};
    let db = app.store.connection();
    let sql = "SELECT body FROM pack_drafts WHERE path = 'rulebooks/2026.toml'";
    let row =
        db.query_one_raw(Statement::from_string(db.get_database_backend(), sql.to_owned())).await.unwrap().unwrap();
    row.try_get_by_index::<String>(0).unwrap()
}

fn owned(fields: &[(&str, &str)]) -> Vec<(String, String)> {
    fields.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect()
}

fn alert(body: &str) -> String {
    body.split("role=\"alert\"").nth(1).and_then(|a| a.split("</div>").next()).unwrap_or("").to_owned()
}

#[tokio::test]
async fn the_rest_of_a_rulebook_is_edited_in_forms() {
    for app in spawn_apps().await {
        let city = app.org("QZ", None, OrgKind::Federation).await;
        let qa = app.org("QA", Some(city), OrgKind::Federation).await;
        let qb = app.org("QB", Some(city), OrgKind::Federation).await;
        let kh = app.user("kh", city, Role::Assessor).await;
        app.user("qakh", qa, Role::Assessor).await;
        let ed = app.user("ed", city, Role::Editor).await;
        let (c, _, csrf) = app.login("kh", PASSWORD).await;
        let post = |path: &str, fields: &[(&str, &str)]| {
            let (c, url) = (c.clone(), app.url(path));
            let mut fields = owned(fields);
            fields.insert(0, ("_csrf".into(), csrf.clone()));
            async move { c.post(url).form(&fields).send().await.unwrap() }
        };
        let get = |path: &str| {
            let (c, url) = (c.clone(), app.url(path));
            async move { c.get(url).send().await.unwrap().text().await.unwrap() }
        };
        assert_eq!(post("/rulebooks/2026/draft", &[("text", DRAFT)]).await.status(), 200);
        let page = get("/rulebooks/2026").await;
        for link in ["/rulebooks/2026/general", "/rulebooks/2026/vetoes/new", "/rulebooks/2026/sections/org"] {
            assert!(page.contains(link), "{link}: {page}");
        }

        // A veto item: the indicator chosen by its Chinese name; the name missing is refused on
        // the form with the rest of the typing kept.
        let form = get("/rulebooks/2026/vetoes/new").await;
        assert!(form.contains("党风廉政") && form.contains("value=\"veto\" selected"), "{form}");
        let veto = [
            ("name_zh", "党风廉政建设"),
            ("name_en", ""),
            ("indicator", "integrity_violations"),
            ("limit", ""),
            ("effect", "veto"),
            ("clause", "第十条:发生违纪被查处的,一票否决。"),
        ];
        let mut nameless = veto;
        nameless[0].1 = " ";
        let res = post("/rulebooks/2026/vetoes/new", &nameless).await;
        assert_eq!(res.status(), 422);
        let body = res.text().await.unwrap();
        assert!(alert(&body).contains("请填写:名称") && body.contains("第十条:发生违纪被查处的"), "{body}");
        assert!(!draft(&app).await.contains("vetoes"), "nothing written");
        let res = post("/rulebooks/2026/vetoes/new", &veto).await;
        assert_eq!((res.status().as_u16(), res.headers()["location"].to_str().unwrap()), (303, "/rulebooks/2026#edit"));

        // A bonus item, a request with a check it must pass, and a new section.
        let bonus = [
            ("name_zh", "荣誉加分"),
            ("direction", "bonus"),
            ("indicator", "honour_bonus_points"),
            ("per", "1"),
            ("cap", "2.5"),
            ("clause", "第十一条"),
        ];
        assert_eq!(post("/rulebooks/2026/adjustments/new", &bonus).await.status(), 303);
        let check = [
            ("name_zh", "满意率不超过100%"),
            ("left", "congress_satisfaction"),
            ("op", "<="),
            ("right", "1"),
            ("message_zh", "满意率不能超过100%"),
        ];
        assert_eq!(post("/rulebooks/2026/checks/new", &check).await.status(), 303);
        let form = get("/rulebooks/2026/requests/new").await;
        assert!(form.contains("职代会测评满意率") && form.contains("满意率不超过100%"), "{form}");
        assert!(!form.contains("value=\"new_members\""), "only figures given by hand: {form}");
        let request = [
            ("name_zh", "职代会民主测评"),
            ("indicators", "congress_satisfaction"),
            ("narrative", "true"),
            ("deadline", "2027-01-10"),
            ("applies_to", "federation"),
            ("departments", "权益保障部"),
            ("checks", "check_1"),
        ];
        assert_eq!(post("/rulebooks/2026/requests/new", &request).await.status(), 303);
        assert_eq!(post("/rulebooks/2026/sections/new", &[("name_zh", "帮扶")]).await.status(), 303);

        let d = draft(&app).await;
        assert!(d.starts_with("# 清州市总工会2026年度目标管理考核办法(草稿)\n") && d.contains("# 等次\n"), "{d}");
        let checked = app.op().check_layer_file("rulebooks/2026.toml", &d).unwrap();
        let book = checked.rulebook(2026).unwrap();
        let v = &book.vetoes[0];
        assert_eq!(
            (v.key.as_str(), v.indicator.as_str(), v.effect),
            ("veto_1", "integrity_violations", VetoEffect::Veto)
        );
        let a = &book.adjustments[0];
        assert_eq!((a.direction, a.per.exact(), a.cap.exact()), (Direction::Bonus, "1".to_owned(), "5/2".to_owned()));
        let r = &book.requests[0];
        assert_eq!(
            (r.indicators.clone(), r.narrative, r.deadline.to_string(), r.departments.clone(), r.checks.clone()),
            (
                vec!["congress_satisfaction".into()],
                true,
                "2027-01-10".into(),
                vec!["权益保障部".into()],
                vec!["check_1".into()]
            )
        );
        let sections: Vec<&str> = book.sections.iter().map(|s| s.name_zh.as_str()).collect();
        assert_eq!(sections, ["组织建设", "帮扶"]);

        // Changing the veto to 不予评先 with a limit keeps its key; a section with items stays.
        let form = get("/rulebooks/2026/vetoes/veto_1").await;
        assert!(form.contains("value=\"integrity_violations\" selected") && form.contains("第十条"), "{form}");
        let mut no_award = veto;
        no_award[3].1 = "1";
        no_award[4].1 = "no_award";
        assert_eq!(post("/rulebooks/2026/vetoes/veto_1", &no_award).await.status(), 303);
        let res = post("/rulebooks/2026/sections/org/remove", &[]).await;
        assert_eq!(res.status(), 422);
        assert!(alert(&res.text().await.unwrap()).contains("该板块下还有考核项"));
        assert_eq!(post("/rulebooks/2026/sections/section_1/remove", &[]).await.status(), 303);
        assert_eq!(post("/rulebooks/2026/adjustments/adjustment_1/remove", &[]).await.status(), 303);

        // The general rules: grade bands from the highest, a tie rule; no band at all is refused.
        let res =
            post("/rulebooks/2026/general", &[("title", "清州"), ("effective_on", "2026-01-01"), ("grade_zh", "")])
                .await;
        assert_eq!(res.status(), 422);
        assert!(alert(&res.text().await.unwrap()).contains("至少要有一个等次"));
        let general = [
            ("title", "清州市总工会2026年度目标管理考核办法"),
            ("effective_on", "2026-01-01"),
            ("total", "10"),
            ("tie_break", "base_score"),
            ("grade_zh", "优秀"),
            ("grade_en", ""),
            ("grade_min", "9.5"),
            ("grade_zh", "合格"),
            ("grade_en", "Pass"),
            ("grade_min", "0"),
            ("grade_zh", ""),
            ("grade_en", ""),
            ("grade_min", ""),
        ];
        assert_eq!(post("/rulebooks/2026/general", &general).await.status(), 303);
        let d = draft(&app).await;
        let checked = app.op().check_layer_file("rulebooks/2026.toml", &d).unwrap();
        let book = checked.rulebook(2026).unwrap();
        let grades: Vec<(&str, i64)> = book.grades.iter().map(|g| (g.name_zh.as_str(), g.min)).collect();
        assert_eq!(grades, [("优秀", 950), ("合格", 0)]);
        assert_eq!(book.tie_break, TieBreak::BaseScore);
        assert_eq!((book.vetoes[0].effect, book.vetoes[0].limit.exact()), (VetoEffect::NoAward, "1".to_owned()));
        assert!(book.adjustments.is_empty() && book.sections.len() == 1);

        // Only the top federation's 考核办.
        for who in ["qakh", "ed"] {
            let (other, _, ocsrf) = app.login(who, PASSWORD).await;
            for path in ["/rulebooks/2026/vetoes/veto_1", "/rulebooks/2026/general", "/rulebooks/2026/sections/new"] {
                assert_eq!(other.get(app.url(path)).send().await.unwrap().status(), 403, "{who} {path}");
                let fields = owned(&[("_csrf", &ocsrf), ("name_zh", "x"), ("title", "x"), ("grade_zh", "x")]);
                let res = other.post(app.url(path)).form(&fields).send().await.unwrap();
                assert_eq!(res.status(), 403, "{who} {path}");
            }
            let res = other.post(app.url("/rulebooks/2026/vetoes/veto_1/remove")).form(&owned(&[("_csrf", &ocsrf)]));
            assert_eq!(res.send().await.unwrap().status(), 403, "{who}");
        }
        assert_eq!(draft(&app).await, d, "nothing changed by them");
        assert_eq!(c.get(app.url("/rulebooks/2026/nonsense/x")).send().await.unwrap().status(), 404);
        assert_eq!(c.get(app.url("/rulebooks/2026/vetoes/nope")).send().await.unwrap().status(), 404);

        // Published and scored under its own grades: QA has a new member (10.00 → 优秀), QB
        // none (0.00 → 合格).
        let published = post("/rulebooks/2026/publish", &[("text", &d)]).await.text().await.unwrap();
        assert!(published.contains("已发布考核办法 2026-v1"), "{published}");
        app.member(&app.token(ed).await, 1, qa, "2026-03-01").await;
        let kh = app.token(kh).await;
        let a = app.get_json(&format!("/api/v1/assessments/2026?org={}", city.0), &kh).await;
        let mut got: Vec<(i64, i64, String)> = a["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| (r["org_id"].as_i64().unwrap(), r["total"].as_i64().unwrap(), r["grade"].as_str().unwrap().into()))
            .collect();
        got.sort_unstable();
        assert_eq!(got, [(qa.0, 1000, "优秀".to_owned()), (qb.0, 0, "合格".to_owned())], "{a}");
    }
}
