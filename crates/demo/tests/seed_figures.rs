//! The demo city reproduces the seed report: load it into a fresh database on each engine, then
//! recount every registry-sourced figure of SEED-FIGURES.md for 2009 at 衡阳市总工会's scope with
//! plain SQL, and compare with the manifest, with the seed's literal value where it is exact, and
//! with the seed's phrase (26万多, 近150 …) where it is not; then check every relation the report's
//! own figures prove, and that other years' records exist and are left out.

mod support;

use chrono::{TimeZone, Utc};
use kaohe_demo::Manifest;
use kaohe_domain::FixedClock;
use kaohe_store::testing::fresh_databases;
use std::sync::Arc;
use std::time::Instant;
use support::{Recount, in_2008, in_2009, percent, working_days};

/// What the seed says about a figure.
#[derive(Debug, Clone, Copy)]
enum Seed {
    /// The exact value.
    Is(i64),
    /// 多 / 余 / 以上: strictly between the bounds.
    Above(i64, i64),
    /// 近: at least the first bound, below the second.
    Under(i64, i64),
}
use Seed::{Above, Is, Under};

const END: &str = "'2009-12-31'";

async fn figures(r: &Recount<'_>) -> Vec<(&'static str, i64, Seed)> {
    let y = in_2009;
    let kind = |table_kind: &str, date: &str| format!("f_kind = '{table_kind}' AND {}", y(date));
    let act = |k: &str| kind(k, "held_on");
    let aid = |cond: &str| format!("{cond} AND {}", y("paid_on"));
    let tr = |cond: &str| format!("{cond} AND {}", y("start_on"));
    let open = format!("(f_closed_on IS NULL OR f_closed_on > {END})");
    let public =
        "((f_sector = '企业' AND f_ownership IN ('国有', '集体', '国有控股', '集体控股')) OR f_sector = '教科文卫')";
    let congress = format!("f_has_congress IS TRUE AND (f_congress_since IS NULL OR f_congress_since <= {END})");
    let above = format!("{open} AND f_sector = '企业' AND f_above_scale IS TRUE AND f_ownership = '非公有制'");
    let wc = |cond: &str| format!("f_kind = '女职工专项' AND {cond} AND {}", y("signed_on"));
    let pet = |cond: &str| format!("{cond} AND {}", y("received_on"));
    let yr = "f_year = 2009";
    let res = y("as_of");
    let fen = |v: i64| {
        assert_eq!(v % 100, 0, "whole yuan expected");
        v / 100
    };
    vec![
        // 一、综合工作
        ("advice_party_members", r.sum("activities", "participants", &act("建言献策")).await, Is(150)),
        ("advice_forms_out", r.sum("activities", "materials_out", &act("建言献策")).await, Is(150)),
        ("advice_forms_back", r.sum("activities", "materials_back", &act("建言献策")).await, Is(150)),
        ("advice_suggestions", r.sum("activities", "suggestions", &act("建言献策")).await, Is(112)),
        ("integrity_violations", r.count("violations", &kind("党风廉政", "found_on")).await, Is(0)),
        ("investment_amount", fen(r.sum("investments", "amount", &y("signed_on")).await), Is(8_000_000)),
        ("stability_incidents", r.count("petitions", &pet("f_harmed_stability IS TRUE")).await, Is(0)),
        // 一是 组织建设
        (
            "new_unions",
            r.count("units", &format!("f_has_union IS TRUE AND {}", y("union_established_on"))).await,
            Is(573),
        ),
        ("new_members", r.count("members", &y("joined_on")).await, Is(55313)),
        ("women_orgs", r.count("units", &format!("f_women_org_established_on <= {END} AND {open}")).await, Is(2298)),
        (
            "women_members",
            r.count(
                "members",
                &format!("f_gender = '女' AND f_joined_on <= {END} AND (f_left_on IS NULL OR f_left_on > {END})"),
            )
            .await,
            Above(260_000, 270_000),
        ),
        ("women_demo_units", r.count("activities", &act("女职工组织示范单位推荐")).await, Is(4)),
        ("elections_done", r.count("elections", &y("held_on")).await, Is(2)),
        (
            "elections_preparing",
            r.count("elections", &format!("f_started_on <= {END} AND (f_held_on IS NULL OR f_held_on > {END})")).await,
            Is(3),
        ),
        ("cadre_classes", r.count("trainings", &kind("工会干部培训", "start_on")).await, Is(9)),
        ("cadres_trained", r.sum("trainings", "trainees", &kind("工会干部培训", "start_on")).await, Above(1000, 1100)),
        ("cadres_sent_up", r.sum("trainings", "trainees", &kind("送省总全总培训", "start_on")).await, Under(140, 150)),
        // 二是 维权
        ("openness_key_units", r.count("activities", &act("厂务公开重点规范")).await, Is(3)),
        ("pledge_organisers", r.sum("activities", "organisers", &act("共同约定行动")).await, Is(6)),
        ("pledge_enterprises", r.sum("activities", "enterprises", &act("共同约定行动")).await, Is(20)),
        ("pledge_workers", r.sum("activities", "participants", &act("共同约定行动")).await, Above(200, 300)),
        ("pledges", r.sum("activities", "agreements", &act("共同约定行动")).await, Is(34)),
        ("tripartite_meetings", r.count("activities", &act("三方联席会议")).await, Is(2)),
        (
            "manuals_handed_out",
            r.sum("activities", "materials_out", &act("工资集体协商手册发放")).await,
            Above(2000, 2200),
        ),
        ("women_contracts", r.sum("contracts", "covered_units", &wc("TRUE")).await, Is(1879)),
        ("women_contracts_independent", r.count("contracts", &wc("f_scope = '独立'")).await, Is(725)),
        ("women_contracts_regional", r.count("contracts", &wc("f_scope = '区域性'")).await, Is(46)),
        (
            "women_contracts_regional_units",
            r.sum("contracts", "covered_units", &wc("f_scope = '区域性'")).await,
            Is(669),
        ),
        ("women_contracts_industry", r.count("contracts", &wc("f_scope = '行业性'")).await, Is(23)),
        (
            "women_contracts_industry_units",
            r.sum("contracts", "covered_units", &wc("f_scope = '行业性'")).await,
            Is(485),
        ),
        ("women_contracts_women", r.sum("contracts", "covered_women", &wc("TRUE")).await, Above(90_000, 100_000)),
        ("congress_public_units", r.count("units", &format!("{open} AND {congress} AND {public}")).await, Is(556)),
        ("above_scale_units", r.count("units", &above).await, Is(716)),
        ("congress_private_units", r.count("units", &format!("{above} AND {congress}")).await, Is(520)),
        ("restructured", r.count("units", &format!("f_sector = '企业' AND {}", y("restructured_on"))).await, Is(12)),
        (
            "restructured_state",
            r.count(
                "units",
                &format!("f_sector = '企业' AND f_pre_restructure_ownership = '国有' AND {}", y("restructured_on")),
            )
            .await,
            Is(8),
        ),
        (
            "restructured_collective",
            r.count(
                "units",
                &format!("f_sector = '企业' AND f_pre_restructure_ownership = '集体' AND {}", y("restructured_on")),
            )
            .await,
            Is(4),
        ),
        ("legal_certs_issued", r.count("legal_certs", &y("issued_on")).await, Is(348)),
        ("publicity_booklets", r.sum("activities", "materials_out", &act("法律宣传")).await, Is(530)),
        (
            "petitions_visits",
            r.sum("petitions", "people", &pet("f_desk = '信访接待' AND f_channel = '来访'")).await,
            Is(264),
        ),
        ("petitions_letters", r.count("petitions", &pet("f_desk = '信访接待' AND f_channel = '来信'")).await, Is(53)),
        ("petitions_calls", r.count("petitions", &pet("f_desk = '信访接待' AND f_channel = '来电'")).await, Is(243)),
        // 三是 帮扶
        ("aid_centres", r.count("activities", &act("帮扶中心(站点)建设")).await, Is(18)),
        (
            "hardship_files_standard",
            r.count(
                "hardship_files",
                &format!(
                    "f_meets_standard IS TRUE AND f_filed_on <= {END} AND (f_exited_on IS NULL OR f_exited_on > {END})"
                ),
            )
            .await,
            Is(38_000),
        ),
        ("cooling_goods", fen(r.sum("aid", "amount", &aid("f_activity = '送清凉'")).await), Is(20_000)),
        ("cooling_workers", r.sum("aid", "recipients", &aid("f_activity = '送清凉'")).await, Above(200, 300)),
        ("central_funds", fen(r.sum("aid", "amount", &aid("f_fund_source = '中央财政'")).await), Is(1_990_000)),
        ("festival_funds", fen(r.sum("aid", "amount", &aid("f_activity = '两节慰问'")).await), Is(14_920_000)),
        (
            "festival_enterprises",
            r.sum("aid", "recipients", &aid("f_activity = '两节慰问' AND f_recipient_kind = '困难企业'")).await,
            Is(374),
        ),
        (
            "festival_households",
            r.sum("aid", "recipients", &aid("f_activity = '两节慰问' AND f_recipient_kind = '困难职工户'")).await,
            Is(12280),
        ),
        (
            "festival_models",
            r.sum("aid", "recipients", &aid("f_activity = '两节慰问' AND f_recipient_kind = '困难劳模'")).await,
            Is(225),
        ),
        (
            "festival_migrants",
            r.sum("aid", "recipients", &aid("f_activity = '两节慰问' AND f_recipient_kind = '农民工'")).await,
            Is(1500),
        ),
        ("donation_amount", fen(r.sum("aid", "amount", &aid("f_activity = '捐助'")).await), Is(38480)),
        (
            "study_aid_students",
            r.sum("aid", "recipients", &aid("f_activity = '金秋助学' AND f_aid_form IN ('现金', '实物')")).await,
            Is(32),
        ),
        (
            "study_aid_amount",
            fen(r.sum("aid", "amount", &aid("f_activity = '金秋助学' AND f_aid_form IN ('现金', '实物')")).await),
            Is(690_000),
        ),
        (
            "study_aid_sent",
            r.sum("aid", "recipients", &aid("f_activity = '金秋助学' AND f_aid_form = '费用减免'")).await,
            Is(17),
        ),
        (
            "study_aid_relief",
            fen(r.sum("aid", "amount", &aid("f_activity = '金秋助学' AND f_aid_form = '费用减免'")).await),
            Is(170_000),
        ),
        (
            "laid_off_trained",
            r.sum("trainings", "trainees", &tr("f_kind IN ('下岗失业职工培训', '农民工培训')")).await,
            Is(12300),
        ),
        (
            "base_trainees",
            r.sum("trainings", "trainees", &tr("f_base_kind = '市总培训基地' AND f_kind = '下岗失业职工培训'")).await,
            Is(588),
        ),
        (
            "base_fee_relief",
            fen(r
                .sum("trainings", "fee_waived", &tr("f_base_kind = '市总培训基地' AND f_kind = '下岗失业职工培训'"))
                .await),
            Is(660_000),
        ),
        (
            "aid_visits",
            r.sum("petitions", "people", &pet("f_desk = '帮扶中心' AND f_channel IN ('来访', '来信')")).await,
            Is(286),
        ),
        ("legal_consults", r.count("petitions", &pet("f_desk = '帮扶中心' AND f_legal_consult IS TRUE")).await, Is(83)),
        ("health_lectures", r.count("activities", &act("女职工保健讲座")).await, Above(100, 200)),
        ("health_attendees", r.sum("activities", "participants", &act("女职工保健讲座")).await, Above(8000, 9000)),
        (
            "insurance_participants",
            r.sum("illness_insurance", "participants", "f_policy_year = 2009").await,
            Above(40_000, 50_000),
        ),
        ("insurance_premium", fen(r.sum("illness_insurance", "premium", "f_policy_year = 2009").await), Is(920_000)),
        ("insurance_claims", r.sum("illness_insurance", "claims", "f_policy_year = 2009").await, Is(33)),
        ("insurance_paid", fen(r.sum("illness_insurance", "paid", "f_policy_year = 2009").await), Is(660_000)),
        (
            "migrant_training_bases",
            r.count("activities", &format!("f_kind = '农民工培训基地建设' AND f_held_on <= {END}")).await,
            Is(9),
        ),
        (
            "migrant_training_funds",
            fen(r.sum("trainings", "funds", &tr("f_base_kind = '农民工就业创业培训基地'")).await),
            Is(740_000),
        ),
        (
            "migrants_trained",
            r.sum(
                "trainings",
                "trainees",
                &tr("f_base_kind = '农民工就业创业培训基地' AND f_kind = '农民工培训' AND f_free IS TRUE"),
            )
            .await,
            Above(4000, 4100),
        ),
        ("fair_enterprises", r.sum("job_fairs", "enterprises", &y("held_on")).await, Is(129)),
        ("fair_vacancies", r.sum("job_fairs", "vacancies", &y("held_on")).await, Is(11000)),
        ("fair_job_kinds", r.sum("job_fairs", "job_kinds", &y("held_on")).await, Above(90, 100)),
        ("fair_seekers", r.sum("job_fairs", "seekers", &y("held_on")).await, Above(20_000, 30_000)),
        ("fair_intentions", r.sum("job_fairs", "intentions", &y("held_on")).await, Is(4200)),
        ("pairing_city_leaders", r.count("pairings", &format!("f_level = '市级' AND {yr}")).await, Is(24)),
        ("pairing_county_leaders", r.count("pairings", &format!("f_level = '县级' AND {yr}")).await, Is(378)),
        (
            "pairing_county_enterprises",
            r.sum("pairings", "enterprises", &format!("f_level = '县级' AND {yr}")).await,
            Is(535),
        ),
        ("pairing_city_units", r.sum("pairings", "pairing_units", &format!("f_level = '市级' AND {yr}")).await, Is(68)),
        (
            "pairing_county_units",
            r.sum("pairings", "pairing_units", &format!("f_level = '县级' AND {yr}")).await,
            Is(570),
        ),
        ("pairing_city_staff", r.sum("pairings", "staff", &format!("f_level = '市级' AND {yr}")).await, Is(92)),
        ("pairing_city_teams", r.sum("pairings", "teams", &format!("f_level = '市级' AND {yr}")).await, Is(24)),
        ("pairing_county_staff", r.sum("pairings", "staff", &format!("f_level = '县级' AND {yr}")).await, Is(854)),
        ("pairing_county_teams", r.sum("pairings", "teams", &format!("f_level = '县级' AND {yr}")).await, Is(535)),
        ("pairing_staff", r.sum("pairings", "staff", yr).await, Is(946)),
        ("pairing_senior", r.sum("pairings", "senior_staff", yr).await, Is(16)),
        ("pairing_section", r.sum("pairings", "section_staff", yr).await, Is(612)),
        ("pairing_funds", fen(r.sum("pairing_results", "funds_introduced", &res).await), Is(1_793_000_000)),
        ("pairing_projects", r.sum("pairing_results", "projects", &res).await, Is(106)),
        ("pairing_talents", r.sum("pairing_results", "talents", &res).await, Is(1628)),
        ("pairing_deeds", r.sum("pairing_results", "deeds", &res).await, Above(1500, 1600)),
        ("pairing_files", r.sum("pairing_results", "hardship_files", &res).await, Is(8150)),
        ("pairing_dibao", r.sum("pairing_results", "dibao", &res).await, Is(438)),
        ("pairing_visited", r.sum("pairing_results", "workers_visited", &res).await, Above(8000, 9000)),
        ("pairing_money", fen(r.sum("pairing_results", "money_given", &res).await), Is(12_500_000)),
        (
            "pairing_rank",
            r.count("honours", &format!("f_kind = '双联全省第一' AND f_level = '省' AND {}", y("awarded_on"))).await,
            Is(1),
        ),
        // 四是 财务
        ("dues_deferred_units", r.count("dues", &y("deferral_approved_on")).await, Is(54)),
    ]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_city_reproduces_the_seed_report() {
    let m = Manifest::load().expect("manifest");
    for db in fresh_databases().await {
        let clock = Arc::new(FixedClock::new(Utc.with_ymd_and_hms(2010, 1, 15, 9, 0, 0).unwrap()));
        let pack = kaohe_packs::trade_union().expect("pack");
        let store = db
            .store_with(clock, pack.registries)
            .await
            .with_indicators(pack.indicators.clone())
            .with_rulebooks(pack.rulebooks.clone())
            .with_reports(pack.reports.clone())
            .with_calendar(pack.calendar.clone());
        let t = Instant::now();
        let stages = std::sync::Mutex::new(Vec::<(String, f64)>::new());
        let logins = kaohe_demo::load_with_progress(&store, None, &|stage, _| {
            let mut s = stages.lock().unwrap();
            if s.last().is_none_or(|l| l.0 != stage) {
                s.push((stage.to_owned(), t.elapsed().as_secs_f64()));
            }
        })
        .await
        .expect("load the demo");
        eprintln!("{:?}: stages started at {:?}", db.backend, stages.lock().unwrap());
        eprintln!("{:?}: demo loaded in {:.1} s", db.backend, t.elapsed().as_secs_f64());
        assert_eq!(logins.len(), kaohe_demo::USERS.len());
        assert!(kaohe_demo::load(&store, None).await.is_err(), "a second load is refused");
        let r = Recount::new(&store, "HY").await;

        // Every figure: as the manifest says, and as the seed says or phrases it.
        let got = figures(&r).await;
        for (id, value, seed) in &got {
            assert_eq!(*value, m.n(id), "{id}: recounted {value}, manifest says {}", m.n(id));
            match *seed {
                Is(v) => assert_eq!(*value, v, "{id}: the seed says {v}"),
                Above(lo, hi) => assert!(lo < *value && *value < hi, "{id} = {value} is not above {lo} (below {hi})"),
                Under(lo, hi) => assert!(lo <= *value && *value < hi, "{id} = {value} is not just under {hi}"),
            }
        }
        let v = |id: &str| got.iter().find(|g| g.0 == id).map(|g| g.1).unwrap_or_else(|| panic!("{id} not recounted"));
        for id in kaohe_demo::manifest::figure_ids() {
            if !matches!(id, "decisions_conveyed_on_time" | "appraisal_coverage") {
                v(id);
            }
        }
        let recounted: Vec<(&str, i64)> = got.iter().map(|g| (g.0, g.1)).collect();
        support::indicators::check(&store, &pack.indicators, &m, &recounted, &format!("{:?}", db.backend)).await;

        // Tasks: all of 2009's conveyed within their working days, and reported on time.
        let tasks =
            r.date_rows("tasks", ["received_on", "conveyed_on", "due_working_days"], &in_2009("received_on")).await;
        let on_time = tasks.iter().filter(|(a, b, due)| b.is_some_and(|b| working_days(*a, b) <= *due)).count() as i64;
        assert_eq!(tasks.len() as i64, m.s("decisions_total"));
        assert_eq!(on_time, m.n("decisions_conveyed_on_time"));
        assert_eq!(on_time, tasks.len() as i64, "decisions conveyed on time: 100%");
        let reported = r
            .count("tasks", &format!("{} AND f_reported_on IS NOT NULL AND (f_report_due_on IS NULL OR f_reported_on <= f_report_due_on)", in_2009("received_on")))
            .await;
        assert_eq!(reported, m.s("reports_on_time"));
        assert_eq!(reported, tasks.len() as i64);
        let late_elsewhere = r.date_rows("tasks", ["received_on", "conveyed_on", "due_working_days"], "TRUE").await;
        assert!(
            late_elsewhere.iter().any(|(a, b, due)| b.is_some_and(|b| working_days(*a, b) > *due)),
            "other years have late tasks"
        );

        // The seed's relations.
        assert_eq!(
            v("women_contracts"),
            v("women_contracts_independent")
                + v("women_contracts_regional_units")
                + v("women_contracts_industry_units")
        );
        assert_eq!(v("pairing_staff"), v("pairing_city_staff") + v("pairing_county_staff"));
        assert_eq!(v("restructured"), v("restructured_state") + v("restructured_collective"));
        assert_eq!(v("advice_forms_back") * 100 / v("advice_forms_out"), 100, "forms return rate 100%");
        assert_eq!(percent(v("congress_private_units"), v("above_scale_units"), 1), 72.6);
        assert!(percent(v("congress_private_units"), v("above_scale_units"), 0) >= 70.0);
        assert_eq!(percent(v("fair_intentions"), v("fair_seekers"), 0), 21.0);
        assert_eq!(v("pairing_county_teams"), v("pairing_county_enterprises"));
        let open = format!("(f_closed_on IS NULL OR f_closed_on > {END})");
        let public_base = r
            .count("units", &format!("{open} AND ((f_sector = '企业' AND f_ownership IN ('国有', '集体', '国有控股', '集体控股')) OR f_sector = '教科文卫')"))
            .await;
        assert_eq!(public_base, m.s("congress_public_base"));
        assert_eq!(percent(v("congress_public_units"), public_base, 1), 100.0, "congress rate 556 / 556");
        let via = r
            .count(
                "units",
                &format!("f_sector = '企业' AND f_restructure_via_congress IS TRUE AND {}", in_2009("restructured_on")),
            )
            .await;
        assert_eq!(via, m.s("restructured_via_congress"));
        assert_eq!(via, v("restructured"), "every restructuring went through the congress");
        let arrived = r.sum("investments", "arrived", &in_2009("signed_on")).await / 100;
        assert_eq!(arrived, m.s("investment_arrived"));
        assert_eq!(arrived, v("investment_amount"), "all the investment arrived");
        let ent_with_union = format!("{open} AND f_sector = '企业' AND f_has_union IS TRUE");
        let (num, den) = m.ratio("appraisal_coverage");
        assert_eq!(r.count("units", &ent_with_union).await, den);
        assert_eq!(r.count("units", &format!("{ent_with_union} AND f_democratic_appraisal IS TRUE")).await, num);
        assert!(percent(num, den, 1) > 95.0, "appraisal coverage 95%以上");
        let city = "f_level = '市级' AND f_year = 2009";
        assert_eq!(r.sum("pairings", "state_enterprises", city).await, m.s("pairing_city_state_enterprises"));
        assert_eq!(r.sum("pairings", "enterprises", city).await, m.s("pairing_city_enterprises"));
        assert_eq!(
            m.s("pairing_city_enterprises") - m.s("pairing_city_state_enterprises"),
            24,
            "24 private enterprises"
        );
        let rank = format!("f_kind = '双联全省第一' AND {}", in_2009("awarded_on"));
        assert_eq!(r.sum("honours", "consecutive_years", &rank).await, m.s("pairing_rank_years"));

        // Growth over 2008.
        let certs_2008 = r.count("legal_certs", &in_2008("issued_on")).await;
        assert_eq!(certs_2008, m.prev("legal_certs_issued"));
        assert_eq!(certs_2008, 243);
        assert_eq!(percent(v("legal_certs_issued") - certs_2008, certs_2008, 0), 43.0);
        let people_2008 = r.sum("illness_insurance", "participants", "f_policy_year = 2008").await;
        let premium_2008 = r.sum("illness_insurance", "premium", "f_policy_year = 2008").await / 100;
        assert_eq!((people_2008, premium_2008), (m.prev("insurance_participants"), m.prev("insurance_premium")));
        assert_eq!(percent(v("insurance_participants") - people_2008, people_2008, 1), 10.0);
        assert_eq!(percent(v("insurance_premium") - premium_2008, premium_2008, 1), 10.0);

        // The seed's named units where the seed puts them.
        let subjects = |k: &'static str| {
            let r = &r;
            async move { r.texts("activities", "subject_unit", &format!("f_kind = '{k}' AND {}", in_2009("held_on"))).await }
        };
        assert_eq!(
            subjects("女职工组织示范单位推荐").await,
            sorted(&["亚新科公司", "耒阳市总工会", "衡阳县西渡镇", "钢管集团"])
        );
        assert_eq!(
            subjects("厂务公开重点规范").await,
            sorted(&["市自来水公司", "衡阳燕京啤酒公司", "衡阳妇幼保健医院"])
        );
        assert_eq!(
            r.texts("elections", "union_name", &in_2009("held_on")).await,
            sorted(&["衡阳县总工会", "南岳区总工会"])
        );
        assert_eq!(
            r.texts(
                "elections",
                "union_name",
                &format!("f_started_on <= {END} AND (f_held_on IS NULL OR f_held_on > {END})")
            )
            .await,
            sorted(&["耒阳市总工会", "常宁市总工会", "祁东县总工会"])
        );
        assert_eq!(r.texts("investments", "beneficiary", &in_2009("signed_on")).await, vec!["衡阳叉车厂".to_owned()]);
        assert_eq!(
            r.texts("activities", "place", &format!("f_kind = '共同约定行动' AND {}", in_2009("held_on"))).await,
            vec!["衡阳钢管集团有限公司".to_owned()]
        );

        // Other years are there and are left out: the filters matter.
        for (table, cond) in [
            ("members", "f_joined_on > '2009-12-31'".to_owned()),
            ("members", format!("f_left_on <= {END}")),
            ("members", "f_left_on > '2009-12-31'".to_owned()),
            ("units", format!("f_closed_on <= {END}")),
            ("units", "f_closed_on > '2009-12-31'".to_owned()),
            ("units", "f_union_established_on > '2009-12-31'".to_owned()),
            ("units", "f_congress_since > '2009-12-31'".to_owned()),
            ("units", "f_women_org_established_on > '2009-12-31'".to_owned()),
            ("legal_certs", "f_issued_on > '2009-12-31'".to_owned()),
            ("contracts", "f_signed_on < '2009-01-01'".to_owned()),
            ("aid", "f_paid_on > '2009-12-31'".to_owned()),
            ("hardship_files", format!("f_exited_on <= {END}")),
            ("hardship_files", "f_filed_on > '2009-12-31'".to_owned()),
            ("violations", "f_kind = '党风廉政'".to_owned()),
            ("petitions", "f_harmed_stability IS TRUE".to_owned()),
            ("activities", "f_kind = '农民工培训基地建设' AND f_held_on > '2009-12-31'".to_owned()),
            ("trainings", "f_free IS FALSE AND f_base_kind = '农民工就业创业培训基地'".to_owned()),
            ("illness_insurance", "f_policy_year = 2010".to_owned()),
            ("pairings", "f_year = 2010".to_owned()),
            ("dues", "f_deferral_approved_on < '2009-01-01'".to_owned()),
            ("job_fairs", "f_held_on > '2009-12-31'".to_owned()),
        ] {
            assert!(r.count(table, &cond).await > 0, "{table} has records where {cond}");
        }

        // The figures are spread over the counties, not all on one org.
        for (table, cond) in [
            ("members", in_2009("joined_on")),
            ("legal_certs", in_2009("issued_on")),
            ("contracts", format!("f_kind = '女职工专项' AND {}", in_2009("signed_on"))),
            ("pairings", "f_year = 2009".to_owned()),
            ("petitions", in_2009("received_on")),
            ("hardship_files", "TRUE".to_owned()),
        ] {
            for (c, _, _) in kaohe_demo::COUNTIES.iter().take(12) {
                let county = Recount::new(&store, &format!("HY-{c}")).await;
                assert!(county.count(table, &cond).await > 0, "{table} in HY-{c}");
            }
        }
        let grassroots = r.one("SELECT COUNT(*) FROM orgs WHERE kind = 'grassroots'").await;
        assert!((200..=600).contains(&grassroots), "{grassroots} grassroots unions");

        // The seed report regenerated (before the assessment check adds a violation).
        support::report::check(&store, &format!("{:?}", db.backend)).await;

        // The 2009 assessment (last: it adds a violation record).
        support::assessment::check(&store, &format!("{:?}", db.backend)).await;
    }
}

fn sorted(items: &[&str]) -> Vec<String> {
    let mut v: Vec<String> = items.iter().map(|s| (*s).to_owned()).collect();
    v.sort();
    v
}
