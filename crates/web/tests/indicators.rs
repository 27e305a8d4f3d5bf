//! Indicators through the API and the pages on both engines: the catalogue, an indicator's
//! figures for an org and its children (本级 and 合计), formulas evaluated with located errors,
//! scope enforced, the drill-down, the editor's live preview and the XLSX downloads.

mod support;

use kaohe_domain::{OrgKind, Role};
use serde_json::{Value, json};
use support::{id_number, spawn_apps};

#[tokio::test]
async fn figures_through_the_api_and_the_pages() {
    for app in spawn_apps().await {
        let city = app.org("HY", None, OrgKind::Federation).await;
        let ly = app.org("LY", Some(city), OrgKind::Federation).await;
        let cn = app.org("CN", Some(city), OrgKind::Federation).await;
        let ed = app.token(app.user("ed", city, Role::Editor).await).await;
        let other = app.token(app.user("cn", cn, Role::Viewer).await).await;
        app.user("leader", city, Role::Viewer).await;
        let http = reqwest::Client::new();
        // Members: LY 2 women + 1 man joined 2009, CN 1 woman 2009 and 1 in 2008, the city 1 man 2009.
        let people = [
            (ly, "女", "2009-03-05"),
            (ly, "女", "2009-07-01"),
            (ly, "男", "2009-12-31"),
            (cn, "女", "2009-01-01"),
            (cn, "女", "2008-06-30"),
            (city, "男", "2009-05-05"),
        ];
        for (i, (org, gender, joined)) in people.iter().enumerate() {
            // The resident ID's 17th digit gives the gender: odd for men, even for women.
            let mut id = id_number(i as u32 * 2 + u32::from(*gender == "男"));
            if (id.as_bytes()[16] - b'0') % 2 != u8::from(*gender == "男") {
                id = id_number(i as u32 * 2 + 1 - u32::from(*gender == "男") + 100);
            }
            let body = json!({"org_id": org.0, "values": {"name": format!("会员{i}"), "id_number": id, "unit_name": "钢管集团", "joined_on": joined, "category": "职工"}});
            let res = http
                .post(app.url("/api/v1/registries/members/records"))
                .bearer_auth(&ed)
                .json(&body)
                .send()
                .await
                .unwrap();
            assert_eq!(res.status(), 201, "{}", res.text().await.unwrap());
        }
        let women = app.count("SELECT COUNT(*) FROM r_members WHERE f_gender = '女' AND f_joined_on >= '2009-01-01' AND f_joined_on <= '2009-12-31'").await;
        let all_2009 = app
            .count("SELECT COUNT(*) FROM r_members WHERE f_joined_on >= '2009-01-01' AND f_joined_on <= '2009-12-31'")
            .await;
        assert_eq!(all_2009, 5);

        let list: Value =
            http.get(app.url("/api/v1/indicators")).bearer_auth(&ed).send().await.unwrap().json().await.unwrap();
        let nm = list.as_array().unwrap().iter().find(|i| i["key"] == "new_members").expect("new_members listed");
        assert_eq!((nm["unit"].as_str(), nm["additive"].as_bool()), (Some("人"), Some(true)));
        assert!(list.as_array().unwrap().len() >= 100);

        let get = |path: String, token: String| {
            let http = http.clone();
            async move { http.get(path).bearer_auth(token).send().await.unwrap() }
        };
        let v: Value = get(
            app.url(&format!("/api/v1/indicators/new_members/values?org={}&period=2009&children=true", city.0)),
            ed.clone(),
        )
        .await
        .json()
        .await
        .unwrap();
        let rows = v["rows"].as_array().unwrap();
        let by = |row: &str, org: i64| {
            rows.iter().find(|r| r["row"] == row && r["org_id"] == org).unwrap_or_else(|| panic!("{row} {org}: {v}"))["exact"].clone()
        };
        assert_eq!(
            (by("child", ly.0), by("child", cn.0), by("own", city.0), by("total", city.0)),
            (json!("3"), json!("1"), json!("1"), json!(all_2009.to_string()))
        );
        let q1: Value =
            get(app.url(&format!("/api/v1/indicators/new_members/values?org={}&period=2009Q1", city.0)), ed.clone())
                .await
                .json()
                .await
                .unwrap();
        assert_eq!(q1["rows"][0]["exact"], "2", "2009-01-01 and 2009-03-05");

        // A ratio over the scope, not an average of the children's ratios.
        let body = json!({"formula": "ratio(count(members where gender = \"女\" and joined_on in period), count(members where joined_on in period))", "org": city.0, "period": "2009", "children": true});
        let r: Value =
            http.post(app.url("/api/v1/eval")).bearer_auth(&ed).json(&body).send().await.unwrap().json().await.unwrap();
        let total = r["rows"].as_array().unwrap().iter().find(|x| x["row"] == "total").unwrap().clone();
        let g = gcd(women, all_2009);
        assert_eq!(total["exact"], format!("{}/{}", women / g, all_2009 / g));
        assert_eq!(total["display"], format!("{:.1}%", women as f64 * 100.0 / all_2009 as f64));

        // A mistake is a 422 that says where.
        let bad = json!({"formula": "count(members\n  where gendr = \"女\")", "period": "2009"});
        let res = http.post(app.url("/api/v1/eval")).bearer_auth(&ed).json(&bad).send().await.unwrap();
        assert_eq!(res.status(), 422);
        let e: Value = res.json().await.unwrap();
        let msg = e["error"]["fields"][0]["message_en"].as_str().unwrap().to_owned();
        assert!(
            msg.starts_with("line 2, column 9") && msg.contains("did you mean `gender`") && msg.contains("^"),
            "{msg}"
        );

        // Scope: a county user sees its own figures, not its neighbour's or the city's.
        assert_eq!(
            get(app.url(&format!("/api/v1/indicators/new_members/values?org={}&period=2009", ly.0)), other.clone())
                .await
                .status(),
            404
        );
        let own: Value = get(app.url("/api/v1/indicators/new_members/values?period=2009"), other.clone())
            .await
            .json()
            .await
            .unwrap();
        assert_eq!((own["rows"][0]["org_id"].as_i64(), own["rows"][0]["exact"].as_str()), (Some(cn.0), Some("1")));
        assert_eq!(get(app.url("/api/v1/indicators/nope/values"), ed.clone()).await.status(), 404);

        // Pages: catalogue, indicator with children, drill-down, section table, editor preview, XLSX.
        let (c, status, csrf) = app.login("leader", support::PASSWORD).await;
        assert!(status.is_redirection());
        let page = |path: String| {
            let c = c.clone();
            async move {
                let res = c.get(path).send().await.unwrap();
                assert_eq!(res.status(), 200);
                res.text().await.unwrap()
            }
        };
        let cat = page(app.url("/indicators?period=2009")).await;
        assert!(cat.contains("新增会员") && cat.contains(&format!(">{all_2009} 人<")), "catalogue shows the figure");
        let one = page(app.url(&format!("/indicators/new_members?org={}&period=2009", city.0))).await;
        assert!(one.contains("LY工会") && one.contains("本级") && one.contains("合计"));
        assert!(one.contains(&format!(">{all_2009} 人<")), "the total on the indicator's page");
        // The page's figures are kept while nothing changes; a member added through a second
        // server on the same database shows at once (the recount says 6).
        let two = support::spawn(app.db.clone()).await;
        two.member(&ed, 77, ly, "2009-08-08").await;
        let recount = app
            .count("SELECT COUNT(*) FROM r_members WHERE f_joined_on >= '2009-01-01' AND f_joined_on <= '2009-12-31'")
            .await;
        let again = page(app.url(&format!("/indicators/new_members?org={}&period=2009", city.0))).await;
        assert!(recount == all_2009 + 1 && again.contains(&format!(">{recount} 人<")), "{again}");
        app.op().delete_record("members", kaohe_domain::record::RecordId(max_member(&app).await), 1).await.unwrap();
        let drill = page(app.url(&format!("/indicators/drill?key=new_members&org={}&period=2009", city.0))).await;
        assert_eq!(drill.matches("/registries/members/").count(), all_2009 as usize, "one row per record counted");
        assert!(!drill.contains(&id_number(0)), "personal data masked");
        let growth = page(app.url(&format!("/indicators/drill?formula=growth(count(members%20where%20joined_on%20in%20period))&org={}&period=2009&part=1", cn.0))).await;
        assert!(growth.contains("上期") && growth.matches("/registries/members/").count() == 1);
        let table = page(app.url(&format!(
            "/indicators/table?org={}&period=2009&section=%E7%BB%84%E7%BB%87%E5%BB%BA%E8%AE%BE",
            city.0
        )))
        .await;
        assert!(table.contains("新增会员") && table.contains("合计"));
        let preview = |formula: &'static str| {
            let (c, csrf, url) = (c.clone(), csrf.clone(), app.url("/indicators/preview"));
            async move {
                let form = [("_csrf", csrf.as_str()), ("formula", formula), ("period", "2009")];
                c.post(url).form(&form).send().await.unwrap().text().await.unwrap()
            }
        };
        let wrong = preview("count(members where joined_on in periode)").await;
        assert!(wrong.contains("1:34") && wrong.contains("应为period 或 ["), "{wrong}");
        let ok = preview("count(members where joined_on in period)").await;
        assert!(ok.contains("公式正确") && ok.contains(&format!(">{all_2009}<")), "{ok}");
        for path in [
            "/indicators/export.xlsx?period=2009",
            "/indicators/new_members/children.xlsx?period=2009",
            "/indicators/table.xlsx?period=2009",
            "/indicators/drill.xlsx?key=new_members&period=2009",
        ] {
            let res = c.get(app.url(path)).send().await.unwrap();
            assert_eq!(res.status(), 200, "{path}");
            assert!(res.bytes().await.unwrap().starts_with(b"PK"), "{path} is an XLSX file");
        }
    }
}

fn gcd(a: i64, b: i64) -> i64 {
    if b == 0 { a } else { gcd(b, a % b) }
}

/// The newest member's id.
async fn max_member(app: &support::TestApp) -> i64 {
    app.count("SELECT MAX(id) FROM r_members").await
}
