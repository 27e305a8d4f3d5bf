//! The 考核办法 edited item by item in forms, for a federation that is not the demo, on both
//! engines: the draft's items listed with links, an item's form filled from the draft, a change
//! written back with the draft's comments kept, a total that no longer adds up said in Chinese
//! with the typing kept, items added and removed, a bad key refused where it was typed, and
//! every form refused to a county's 考核办 and to an editor.

mod support;

use kaohe_domain::{OrgKind, Role};
use support::{PASSWORD, TestApp, spawn_apps};

const DRAFT: &str = r#"# 清州市总工会2026年度目标管理考核办法(草稿)
year = 2026
version = "1"
effective_on = "2026-01-01"
title = "清州市总工会2026年度目标管理考核办法"
assessed = ["federation"]
total = 30

[[grades]]
name_zh = "合格"
name_en = "Pass"
min = 0

[[sections]]
key = "org"
name_zh = "组织建设"
name_en = "Organisation"

# 第三条:发展会员
[[sections.items]]
key = "members"
name_zh = "发展会员"
name_en = "Members"
indicator = "new_members"
weight = 20
target = 4
rule = { kind = "proportional" }
applies_to = ["federation"]
clause = "第三条"

[[sections.items]]
key = "unions"
name_zh = "新建工会"
name_en = "Unions"
indicator = "new_unions"
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

fn form<'a>(csrf: &'a str, weight: &'a str, key: &'a str, name: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("_csrf", csrf),
        ("section", "org"),
        ("key", key),
        ("name_zh", name),
        ("name_en", ""),
        ("indicator", "new_members"),
        ("weight", weight),
        ("target", "4"),
        ("rule", "proportional"),
        ("cap", ""),
        ("floor", ""),
        ("per", ""),
        ("by", "unit"),
        ("step", ""),
        ("kind_federation", "on"),
        ("departments", ""),
        ("clause", "第三条"),
        ("evidence", "会员名册\n入会申请书"),
    ]
}

#[tokio::test]
async fn a_rulebook_is_edited_item_by_item() {
    for app in spawn_apps().await {
        let city = app.org("QZ", None, OrgKind::Federation).await;
        let qa = app.org("QA", Some(city), OrgKind::Federation).await;
        app.user("kh", city, Role::Assessor).await;
        app.user("qakh", qa, Role::Assessor).await;
        app.user("ed", city, Role::Editor).await;
        let (c, _, csrf) = app.login("kh", PASSWORD).await;
        let post = |path: &str, fields: Vec<(&str, &str)>| {
            let (c, url) = (c.clone(), app.url(path));
            let fields: Vec<(String, String)> = fields.into_iter().map(|(k, v)| (k.to_owned(), v.to_owned())).collect();
            async move { c.post(url).form(&fields).send().await.unwrap() }
        };
        let res = post("/rulebooks/2026/draft", vec![("_csrf", &csrf), ("text", DRAFT)]).await;
        assert_eq!(res.status(), 200);

        // The draft's items, each linked to its form; the form holds the item's values.
        let page = c.get(app.url("/rulebooks/2026")).send().await.unwrap().text().await.unwrap();
        assert!(page.contains("href=\"/rulebooks/2026/items/members\">发展会员</a>"), "{page}");
        assert!(page.contains("/rulebooks/2026/items/new?section=org"), "{page}");
        let f = c.get(app.url("/rulebooks/2026/items/members")).send().await.unwrap().text().await.unwrap();
        assert!(f.contains("value=\"20\"") && f.contains("value=\"new_members\" selected"), "{f}");
        assert!(f.contains("name=\"kind_federation\" checked"), "{f}");

        // 20 → 15 no longer adds up to 30: written to the draft (nothing typed is lost), the
        // problem said in Chinese on the form; 10 → 15 on the other item: it adds up again.
        let res = post("/rulebooks/2026/items/members", form(&csrf, "15", "members", "发展会员")).await;
        assert_eq!(res.status(), 422);
        let body = res.text().await.unwrap();
        let alert = body.split("role=\"alert\"").nth(1).and_then(|a| a.split("</div>").next()).unwrap_or("");
        assert!(alert.contains("总工会的考核项分值合计 25,不等于总分 30") && !alert.contains("federation"), "{body}");
        assert!(body.contains("value=\"15\""), "the typing is kept: {body}");
        let d = draft(&app).await;
        assert!(
            d.contains("weight = 15") && d.contains("# 第三条:发展会员\n") && d.starts_with("# 清州市总工会"),
            "{d}"
        );
        assert!(d.contains("evidence = [\"会员名册\", \"入会申请书\"]"), "{d}");
        let mut unions = form(&csrf, "15", "unions", "新建工会");
        unions[5] = ("indicator", "new_unions");
        let res = post("/rulebooks/2026/items/unions", unions).await;
        assert_eq!((res.status().as_u16(), res.headers()["location"].to_str().unwrap()), (303, "/rulebooks/2026#edit"));
        let checked = app.op().check_layer_file("rulebooks/2026.toml", &draft(&app).await).unwrap();
        let book = checked.rulebook(2026).unwrap();
        let weights: Vec<String> = book.items().map(|(_, i)| i.weight.exact()).collect();
        assert_eq!(weights, ["15", "15"]);

        // A new item: a bad key is refused where it was typed, with the name kept; a good one
        // lands in its section (0 points keep the total); then it is removed again.
        let res = post("/rulebooks/2026/items/new", form(&csrf, "0", "Bad Key", "女职工组织")).await;
        assert_eq!(res.status(), 422);
        let body = res.text().await.unwrap();
        assert!(body.contains("代码以小写英文字母开头") && body.contains("value=\"女职工组织\""), "{body}");
        let res = post("/rulebooks/2026/items/new", form(&csrf, "0", "members", "重复")).await;
        assert!(res.text().await.unwrap().contains("已有这个代码"), "a key taken");
        let res = post("/rulebooks/2026/items/new", form(&csrf, "0", "women", "女职工组织")).await;
        assert_eq!(res.status(), 303);
        let d = draft(&app).await;
        let checked = app.op().check_layer_file("rulebooks/2026.toml", &d).unwrap();
        assert_eq!(checked.rulebook(2026).unwrap().item("women").map(|i| i.name_zh.as_str()), Some("女职工组织"));
        let res = post("/rulebooks/2026/items/women/remove", vec![("_csrf", &csrf)]).await;
        assert_eq!(res.status(), 303);
        assert!(!draft(&app).await.contains("women"));
        assert_eq!(c.get(app.url("/rulebooks/2026/items/women")).send().await.unwrap().status(), 404);

        // Who is assessed: by kind, and by group or code — a kind with no items is said on the
        // form (the typing kept), then groups besides the kind.
        let page = c.get(app.url("/rulebooks/2026/assessed")).send().await.unwrap().text().await.unwrap();
        assert!(
            page.contains("name=\"kind_federation\" checked") && !page.contains("name=\"kind_department\" checked")
        );
        let both = vec![
            ("_csrf", csrf.as_str()),
            ("kind_federation", "on"),
            ("kind_department", "on"),
            ("not_assessed", "QZBGS"),
        ];
        let res = post("/rulebooks/2026/assessed", both).await;
        assert_eq!(res.status(), 422);
        let body = res.text().await.unwrap();
        assert!(body.contains("部室的考核项分值合计 0,不等于总分 30") && body.contains("value=\"QZBGS\""), "{body}");
        let fed =
            vec![("_csrf", csrf.as_str()), ("kind_federation", "on"), ("groups", "产业工会"), ("not_assessed", "")];
        assert_eq!(post("/rulebooks/2026/assessed", fed).await.status(), 303);
        let d = draft(&app).await;
        let checked = app.op().check_layer_file("rulebooks/2026.toml", &d).unwrap();
        let book = checked.rulebook(2026).unwrap();
        assert_eq!((book.assessed_groups.clone(), book.not_assessed.clone()), (vec!["产业工会".to_owned()], vec![]));

        // Only the top federation's 考核办.
        for who in ["qakh", "ed"] {
            let (other, _, ocsrf) = app.login(who, PASSWORD).await;
            let get = other.get(app.url("/rulebooks/2026/items/members")).send().await.unwrap();
            assert_eq!(get.status(), 403, "{who}");
            let fields: Vec<(String, String)> =
                form(&ocsrf, "1", "members", "x").into_iter().map(|(k, v)| (k.to_owned(), v.to_owned())).collect();
            let res = other.post(app.url("/rulebooks/2026/items/members")).form(&fields).send().await.unwrap();
            assert_eq!(res.status(), 403, "{who}");
            let who_form = [("_csrf", ocsrf.as_str()), ("kind_other", "on")];
            let res = other.post(app.url("/rulebooks/2026/assessed")).form(&who_form).send().await.unwrap();
            assert_eq!(res.status(), 403, "{who}");
        }
        assert!(draft(&app).await.contains("weight = 15"), "nothing changed by them");

        // Published, the draft is done with — also when it is published again unchanged.
        let text = draft(&app).await;
        let drafts = "SELECT COUNT(*) FROM pack_drafts";
        for _ in 0..2 {
            let res = post("/rulebooks/2026/draft", vec![("_csrf", &csrf), ("text", &text)]).await;
            assert_eq!(res.status(), 200);
            assert_eq!(app.count(drafts).await, 1);
            let res = post("/rulebooks/2026/publish", vec![("_csrf", &csrf), ("text", &text)]).await;
            assert!(res.status().is_success() || res.status().is_redirection(), "{}", res.status());
            assert_eq!(app.count(drafts).await, 0);
        }
        let versions = "SELECT COUNT(*) FROM pack_items WHERE path = 'rulebooks/2026.toml'";
        assert_eq!(app.count(versions).await, 1, "the same text is not a new version");
    }
}
