//! 一是 组织建设 beyond units and members: women's-organisation model units recommended,
//! county federations' elections, cadre training classes and cadres sent to the provincial and
//! national federations' courses.

use crate::manifest::Manifest;
use crate::orgs::{COUNTIES, code, county_code, county_split};
use crate::rng::{Rng, jitter_split, ymd};
use crate::units::Unit;
use crate::writer::{Row, Sink};
use chrono::Days;

/// Fills the organisation-building registries.
pub fn generate(m: &Manifest, _units: &[Unit], sink: &mut Sink) {
    let mut rng = Rng::stream("building");
    model_units(m, sink);
    elections(sink);
    cadre_training(m, &mut rng, sink);
}

/// One record per recommended unit: the seed's four in April 2009, others in 2008 and 2010.
fn model_units(m: &Manifest, sink: &mut Sink) {
    let mut seed = vec!["耒阳市总工会", "衡阳县西渡镇", "钢管集团", "亚新科公司"];
    seed.truncate(m.n("women_demo_units") as usize);
    let years: [(i32, Vec<&str>); 3] = [
        (2008, vec!["衡阳市中心医院", "衡南县总工会", "蒸湘区红湘街道"]),
        (2009, seed),
        (2010, vec!["常宁市水口山镇", "衡阳市电业局"]),
    ];
    for (year, names) in years {
        for (i, name) in names.into_iter().enumerate() {
            sink.add(
                "activities",
                code("NZGB"),
                Row::new()
                    .t("ref_no", format!("{year}-NZGB-SF-{:02}", i + 1))
                    .t("kind", "女职工组织示范单位推荐")
                    .t("title", format!("推荐{name}为全市女职工组织建设示范单位"))
                    .d("held_on", ymd(year, 4, 20))
                    .t("subject_unit", name)
                    .t("description", "创建女职工组织建设示范点活动,推荐到省总工会"),
            );
        }
    }
}

/// County federations' congresses: 衡阳县 and 南岳区 elected in 2009, 耒阳市, 常宁市 and 祁东县
/// started preparing in late 2009 (two met in 2010, one had not yet), the rest elected earlier.
fn elections(sink: &mut Sink) {
    type E = (usize, i64, (i32, u32, u32), Option<(i32, u32, u32)>, Option<(i32, u32, u32)>, bool);
    // (county, term, started, planned, held, chair at deputy level)
    let rows: [E; 16] = [
        (2, 14, (2004, 3, 1), None, Some((2004, 6, 18)), false),
        (2, 15, (2009, 3, 10), Some((2009, 6, 26)), Some((2009, 6, 26)), true),
        (7, 7, (2004, 5, 8), None, Some((2004, 9, 10)), false),
        (7, 8, (2009, 4, 20), Some((2009, 9, 18)), Some((2009, 9, 18)), true),
        (0, 16, (2009, 10, 15), Some((2010, 4, 20)), Some((2010, 4, 22)), true),
        (1, 15, (2009, 11, 5), Some((2010, 5, 28)), Some((2010, 5, 28)), true),
        (6, 15, (2009, 11, 18), Some((2010, 6, 25)), None, false),
        (3, 14, (2007, 2, 6), None, Some((2007, 5, 16)), true),
        (4, 13, (2007, 8, 1), None, Some((2007, 11, 9)), false),
        (5, 14, (2008, 3, 3), None, Some((2008, 6, 12)), true),
        (8, 9, (2008, 5, 5), None, Some((2008, 9, 23)), false),
        (9, 9, (2007, 9, 3), None, Some((2007, 12, 14)), true),
        (10, 10, (2008, 2, 20), None, Some((2008, 5, 30)), false),
        (11, 6, (2007, 4, 2), None, Some((2007, 7, 6)), true),
        (3, 15, (2010, 9, 6), Some((2011, 4, 15)), None, false),
        (9, 10, (2010, 10, 12), Some((2011, 3, 20)), None, false),
    ];
    let d = |t: (i32, u32, u32)| ymd(t.0, t.1, t.2);
    for (i, (c, term, started, planned, held, deputy)) in rows.into_iter().enumerate() {
        let mut r = Row::new()
            .t("union_name", COUNTIES[c].1)
            .i("term_no", term)
            .d("started_on", d(started))
            .od("planned_on", planned.map(d))
            .od("held_on", held.map(d))
            .i("term_years", 5);
        if held.is_some() {
            r = r
                .t("chair_name", crate::codes::person_name(&mut Rng::stream(&format!("chair{i}")), i % 3 == 0))
                .t("chair_rank", if deputy { "同级党政副职" } else { "其他" })
                .i("delegates", 120 + 10 * i as i64);
        } else {
            r = r.t("remarks", "工会代表大会正在积极筹备,将于明年上半年召开");
        }
        sink.add("elections", county_code(c), r);
    }
    sink.add(
        "elections",
        code(""),
        Row::new()
            .t("union_name", "衡阳市总工会")
            .i("term_no", 14)
            .d("started_on", ymd(2007, 3, 1))
            .d("held_on", ymd(2007, 8, 28))
            .t("chair_rank", "同级党政副职")
            .i("term_years", 5)
            .i("delegates", 420),
    );
}

/// Cadre classes (9 with 1000余 trainees in 2009) and cadres sent to the provincial and national
/// federations' courses (近150 in 2009), with other years around them.
fn cadre_training(m: &Manifest, rng: &mut Rng, sink: &mut Sink) {
    let years = [
        (2007, 6, 760, 110),
        (2008, 7, 880, 128),
        (2009, m.n("cadre_classes"), m.n("cadres_trained"), m.n("cadres_sent_up")),
        (2010, 10, 1180, 162),
    ];
    const CLASSES: &[&str] =
        &["基层工会主席培训班", "工会干部业务培训班", "新建工会负责人培训班", "工会财务干部培训班"];
    for (year, classes, trainees, sent) in years {
        // The city holds two classes; counties hold the rest, larger counties first.
        let counties: Vec<usize> =
            [0, 2, 3, 6, 1, 5, 9, 10, 11, 8].into_iter().take((classes - 2).max(0) as usize).collect();
        let sizes = jitter_split(rng, trainees, classes as usize, 0.35, 20);
        for (k, size) in sizes.into_iter().enumerate() {
            let (org, who, name) = match k {
                0 => (code("ZZB"), "衡阳市总工会".to_owned(), format!("{year}年全市工会主席培训班")),
                1 => (code("ZZB"), "衡阳市总工会".to_owned(), format!("{year}年全市基层工会干部培训班")),
                _ => {
                    let c = counties[k - 2];
                    (
                        county_code(c),
                        COUNTIES[c].1.to_owned(),
                        format!("{}{year}年{}", COUNTIES[c].2, rng.pick(CLASSES)),
                    )
                }
            };
            let start = rng.weekday(ymd(year, 3, 1), ymd(year, 11, 20));
            sink.add(
                "trainings",
                org,
                Row::new()
                    .t("name", name)
                    .t("kind", "工会干部培训")
                    .t("organiser", who)
                    .d("start_on", start)
                    .d("end_on", start + Days::new(rng.range(2, 5) as u64))
                    .i("trainees", size)
                    .t("content", "工会法、劳动合同法、工会组建与会员发展、工资集体协商"),
            );
        }
        // Sent to 省总 / 全总 courses, batch by batch from the city's departments and counties.
        let depts = ["ZZB", "NZGB", "QYB", "CWB", "BFZX", "XJB", "JSB"];
        let per = county_split(rng, sent, 0);
        let city_share = jitter_split(rng, sent / 2, depts.len(), 0.4, 4);
        let county_total = sent - city_share.iter().sum::<i64>();
        let per_county = crate::rng::split(county_total, &per.iter().map(|p| *p as f64 + 1.0).collect::<Vec<_>>(), 0);
        let courses = [
            "省总工会基层工会主席培训班",
            "全总工会干部培训班",
            "省总工会女职工干部培训班",
            "省总工会劳动法律监督员培训班",
        ];
        for (k, (dept, n)) in depts.iter().zip(city_share).enumerate() {
            let start = rng.weekday(ymd(year, 3, 1), ymd(year, 11, 30));
            sink.add(
                "trainings",
                code(dept),
                Row::new()
                    .t("name", format!("{year}年选送{}({dept})", courses[k % courses.len()]))
                    .t("kind", "送省总全总培训")
                    .t("organiser", if k % 4 == 1 { "中华全国总工会" } else { "湖南省总工会" })
                    .d("start_on", start)
                    .d("end_on", start + Days::new(6))
                    .i("trainees", n),
            );
        }
        for (c, n) in per_county.into_iter().enumerate().filter(|(_, n)| *n > 0) {
            let start = rng.weekday(ymd(year, 3, 1), ymd(year, 11, 30));
            sink.add(
                "trainings",
                county_code(c),
                Row::new()
                    .t("name", format!("{year}年{}选送省总工会培训", COUNTIES[c].2))
                    .t("kind", "送省总全总培训")
                    .t("organiser", "湖南省总工会")
                    .d("start_on", start)
                    .d("end_on", start + Days::new(5))
                    .i("trainees", n),
            );
        }
    }
}
