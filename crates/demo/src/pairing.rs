//! 双联 (leaders and pairing units paired with enterprises): one `pairings` record per leader per
//! year, one `pairing_results` record per paired enterprise per year, and the yearly 双联全省第一
//! honour with the other honours.

use crate::codes::person_name;
use crate::manifest::Manifest;
use crate::orgs::{COUNTIES, code, county_code, county_split};
use crate::rng::{Rng, jitter_split, split, ymd};
use crate::units::{Cat, Unit};
use crate::writer::{Row, Sink};

/// A year's pairing totals: city leaders, county leaders, county enterprises, city and county
/// pairing units, staff and teams, senior and section-level staff.
struct Totals {
    city_leaders: i64,
    county_leaders: i64,
    county_enterprises: i64,
    city_units: i64,
    county_units: i64,
    city_staff: i64,
    county_staff: i64,
    senior: i64,
    section: i64,
}

fn totals(m: &Manifest, year: i32) -> Totals {
    match year {
        2008 => Totals {
            city_leaders: 22,
            county_leaders: 360,
            county_enterprises: 508,
            city_units: 64,
            county_units: 540,
            city_staff: 86,
            county_staff: 810,
            senior: 15,
            section: 580,
        },
        2009 => Totals {
            city_leaders: m.n("pairing_city_leaders"),
            county_leaders: m.n("pairing_county_leaders"),
            county_enterprises: m.n("pairing_county_enterprises"),
            city_units: m.n("pairing_city_units"),
            county_units: m.n("pairing_county_units"),
            city_staff: m.n("pairing_city_staff"),
            county_staff: m.n("pairing_county_staff"),
            senior: m.n("pairing_senior"),
            section: m.n("pairing_section"),
        },
        _ => Totals {
            city_leaders: 24,
            county_leaders: 385,
            county_enterprises: 548,
            city_units: 70,
            county_units: 584,
            city_staff: 95,
            county_staff: 870,
            senior: 17,
            section: 625,
        },
    }
}

const CITY_POSTS: &[&str] = &[
    "市委副书记",
    "市委常委、组织部部长",
    "市委常委、宣传部部长",
    "市委常委、秘书长",
    "市委常委、政法委书记",
    "市委常委、纪委书记",
    "常务副市长",
    "副市长",
    "市人大常委会副主任",
    "市政协副主席",
    "市委统战部部长",
    "市总工会主席",
];

/// Fills the pairing registries and the honours.
pub fn generate(m: &Manifest, units: &[Unit], sink: &mut Sink) {
    let mut rng = Rng::stream("pairing");
    // A stable roster: the same leaders pair year after year.
    let mut seen = std::collections::HashSet::new();
    let mut unique_name = |rng: &mut Rng, female: bool| loop {
        let n = person_name(rng, female);
        if seen.insert(n.clone()) {
            break n;
        }
    };
    let city_roster: Vec<(String, String)> = (0..30)
        .map(|k| (unique_name(&mut rng, k % 5 == 0), format!("衡阳{}", CITY_POSTS[k % CITY_POSTS.len()])))
        .collect();
    let county_roster: Vec<Vec<(String, String)>> = (0..12)
        .map(|c| {
            (0..120)
                .map(|k| {
                    let post =
                        ["副县(市、区)长", "县(市、区)委常委", "县(市、区)人大常委会副主任", "县(市、区)政协副主席"]
                            [k % 4];
                    (unique_name(&mut rng, k % 6 == 0), format!("{}{post}({})", COUNTIES[c].2, k / 4 + 1))
                })
                .collect()
        })
        .collect();
    let state: Vec<&Unit> = units.iter().filter(|u| u.cat == Cat::PublicEnt && u.closed_on.is_none()).collect();
    let private: Vec<&Unit> =
        units.iter().filter(|u| matches!(u.cat, Cat::AboveScale | Cat::Small) && u.closed_on.is_none()).collect();
    for year in [2008, 2009, 2010] {
        let t = totals(m, year);
        let (city_state, city_ent) = if year == 2009 {
            (m.s("pairing_city_state_enterprises"), m.s("pairing_city_enterprises"))
        } else {
            (t.city_leaders, t.city_leaders * 2)
        };
        let n_city = t.city_leaders as usize;
        let total_staff = t.city_staff + t.county_staff;
        let senior_city = split(t.senior, &vec![1.0; n_city], 0);
        let city_units = jitter_split(&mut rng, t.city_units, n_city, 0.5, 1);
        let city_staff = jitter_split(&mut rng, t.city_staff, n_city, 0.4, 2);
        let states = split(city_state, &vec![1.0; n_city], 0);
        let ents = split(city_ent, &vec![1.0; n_city], 0);
        let mut results: Vec<(String, String, &str, String)> = Vec::new();
        let mut s_i = rng.below(state.len());
        let mut p_i = rng.below(private.len());
        let mut section_w = Vec::new();
        let mut rows = Vec::new();
        for k in 0..n_city {
            let (name, post) = &city_roster[(k + year as usize) % city_roster.len()];
            let mut names = Vec::new();
            for e in 0..ents[k] {
                let u = if e < states[k] {
                    &state[next(&mut s_i, state.len())]
                } else {
                    &private[next(&mut p_i, private.len())]
                };
                names.push(u.name.clone());
                results.push((code("BFZX"), u.name.clone(), "市级", name.clone()));
            }
            section_w.push((city_staff[k] - senior_city[k]).max(0) as f64);
            rows.push((
                code("BFZX"),
                name.clone(),
                post.clone(),
                "市级",
                ents[k],
                states[k],
                names,
                city_units[k],
                1,
                city_staff[k],
                senior_city[k],
            ));
        }
        let per_county = county_split(&mut rng, t.county_leaders, 1);
        let ent_county = split(t.county_enterprises, &per_county.iter().map(|n| *n as f64).collect::<Vec<_>>(), 0);
        let units_county = split(t.county_units, &per_county.iter().map(|n| *n as f64).collect::<Vec<_>>(), 0);
        let staff_county = split(t.county_staff, &per_county.iter().map(|n| *n as f64).collect::<Vec<_>>(), 0);
        for c in 0..12 {
            let n = per_county[c] as usize;
            let e = jitter_split(&mut rng, ent_county[c], n, 0.5, 1);
            let pu = jitter_split(&mut rng, units_county[c], n, 0.5, 1);
            let st = jitter_split(&mut rng, staff_county[c], n, 0.4, 1);
            for k in 0..n {
                let (name, post) = &county_roster[c][(k + year as usize) % 120];
                let mut names = Vec::new();
                let mut states = 0;
                for _ in 0..e[k] {
                    let public = rng.chance(0.3);
                    let u = if public {
                        &state[next(&mut s_i, state.len())]
                    } else {
                        &private[next(&mut p_i, private.len())]
                    };
                    states += i64::from(public);
                    names.push(u.name.clone());
                    results.push((county_code(c), u.name.clone(), "县级", name.clone()));
                }
                section_w.push(st[k] as f64);
                rows.push((
                    county_code(c),
                    name.clone(),
                    post.clone(),
                    "县级",
                    e[k],
                    states,
                    names,
                    pu[k],
                    e[k],
                    st[k],
                    0,
                ));
            }
        }
        let section = split(t.section, &section_w, 0);
        debug_assert_eq!(rows.iter().map(|r| r.9).sum::<i64>(), total_staff);
        for (r, sec) in rows.into_iter().zip(section) {
            let (org, name, post, level, ent, states, names, pu, teams, staff, senior) = r;
            let mut names = names.join("、");
            names.truncate(names.char_indices().nth(1000).map_or(names.len(), |(i, _)| i));
            sink.add(
                "pairings",
                org,
                Row::new()
                    .i("year", i64::from(year))
                    .t("leader_name", name)
                    .t("leader_post", post)
                    .t("level", level)
                    .i("enterprises", ent)
                    .i("state_enterprises", states)
                    .t("enterprise_names", names)
                    .i("pairing_units", pu)
                    .i("teams", teams)
                    .i("staff", staff)
                    .i("senior_staff", senior)
                    .i("section_staff", sec),
            );
        }
        pairing_results(m, year, results, &mut rng, sink);
    }
    honours(m, sink);
}

/// The next index in a ring (enterprises are paired once a year).
fn next(i: &mut usize, n: usize) -> usize {
    *i = (*i + 1) % n;
    *i
}

/// What the pairing achieved, per enterprise, summed to the year's figures.
fn pairing_results(m: &Manifest, year: i32, ents: Vec<(String, String, &str, String)>, rng: &mut Rng, sink: &mut Sink) {
    let f = |id: &str, other: i64| if year == 2009 { m.n(id) } else { other };
    let scale = match year {
        2008 => 0.86,
        2010 => 1.12,
        _ => 1.0,
    };
    let base = |v: i64| (v as f64 * scale).round() as i64;
    let n = ents.len();
    // Heavy-tailed weights: a few enterprises bring in most of the money.
    let heavy: Vec<f64> = (0..n).map(|_| rng.unit().powi(4)).collect();
    let even: Vec<f64> = (0..n).map(|_| 0.5 + rng.unit()).collect();
    let sparse: Vec<f64> = (0..n).map(|_| if rng.chance(0.15) { rng.unit() } else { 0.0 }).collect();
    let funds = split(f("pairing_funds", base(1_793_000_000)), &heavy, 0);
    let projects = split(f("pairing_projects", base(106)), &sparse, 0);
    let talents = split(f("pairing_talents", base(1628)), &heavy, 0);
    let deeds = split(f("pairing_deeds", base(1536)), &even, 0);
    let files = split(f("pairing_files", base(8150)), &even, 0);
    let dibao = split(f("pairing_dibao", base(438)), &sparse, 0);
    let visited = split(f("pairing_visited", base(8273)), &even, 0);
    let money = split(f("pairing_money", base(12_500_000)), &even, 0);
    for (k, (org, ent, level, leader)) in ents.into_iter().enumerate() {
        sink.add(
            "pairing_results",
            org,
            Row::new()
                .t("enterprise", ent)
                .d("as_of", ymd(year, 12, 31))
                .t("level", level)
                .t("leader_name", leader)
                .yuan("funds_introduced", funds[k])
                .i("projects", projects[k])
                .i("talents", talents[k])
                .i("deeds", deeds[k])
                .i("hardship_files", files[k])
                .i("dibao", dibao[k])
                .i("workers_visited", visited[k])
                .yuan("money_given", money[k]),
        );
    }
}

/// 双联全省第一 each year (the 8th, 9th and 10th in a row), and other honours.
fn honours(m: &Manifest, sink: &mut Sink) {
    let nine = m.s("pairing_rank_years");
    let rows = [
        (
            "2008年度“双联”工作全省第一名",
            "双联全省第一",
            "省",
            ymd(2008, 12, 26),
            "衡阳市总工会",
            Some(nine - 1),
            500,
            "BGS",
        ),
        (
            "2009年度“双联”工作全省第一名",
            "双联全省第一",
            "省",
            ymd(2009, 12, 18),
            "衡阳市总工会",
            Some(nine),
            500,
            "BGS",
        ),
        (
            "2010年度“双联”工作全省第一名",
            "双联全省第一",
            "省",
            ymd(2010, 12, 22),
            "衡阳市总工会",
            Some(nine + 1),
            500,
            "BGS",
        ),
        ("全省女职工组织建设示范单位", "示范单位", "省", ymd(2009, 11, 6), "耒阳市总工会", None, 100, "LY"),
        ("全省工会帮扶工作先进集体", "先进集体", "省", ymd(2008, 11, 20), "衡阳县总工会", None, 100, "HYX"),
        ("全市工会工作先进集体", "先进集体", "市", ymd(2009, 1, 16), "衡南县总工会", None, 0, "HN"),
        ("全国模范职工之家", "示范单位", "全国", ymd(2010, 4, 28), "衡阳钢管集团有限公司工会", None, 200, "S01"),
    ];
    for (title, kind, level, on, who, years, bonus, org) in rows {
        let by = match level {
            "全国" => "中华全国总工会",
            "省" => "湖南省总工会",
            _ => "衡阳市总工会",
        };
        let mut r = Row::new()
            .t("title", title)
            .t("kind", kind)
            .t("level", level)
            .t("awarded_by", by)
            .d("awarded_on", on)
            .t("recipient", who)
            .fixed("bonus_points", bonus);
        if let Some(y) = years {
            r = r.i("consecutive_years", y);
        }
        sink.add("honours", code(org), r);
    }
}
