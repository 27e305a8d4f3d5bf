//! 三是 帮扶: the aid registry (送清凉, 两节慰问, 金秋助学, donations, relief, central funds),
//! aid centres, women's health lectures, migrant training bases, the job fair and the women's
//! special illness insurance. Hardship files and training classes have modules of their own.

use crate::codes::{IdNumbers, REGIONS, name_of, person_name};
use crate::manifest::Manifest;
use crate::orgs::{COUNTIES, TOWNS, code, county_code, county_split, town_code};
use crate::rng::{Rng, jitter_split, split, ymd};
use crate::units::{Cat, Unit};
use crate::writer::{Row, Sink};
use chrono::{Days, NaiveDate};

/// Fills the aid registries.
pub fn generate(m: &Manifest, units: &[Unit], sink: &mut Sink) {
    let mut rng = Rng::stream("aid");
    let mut ids = IdNumbers::default();
    let mut serial = 0;
    for year in 2007..=2010 {
        aid_year(m, units, year, &mut rng, &mut ids, &mut serial, sink);
    }
    activities(m, &mut rng, sink);
    job_fairs(m, sink);
    insurance(m, sink);
    crate::hardship::generate(m, units, sink);
    crate::training::generate(m, sink);
}

/// One year's aid targets.
struct Year {
    cooling_goods: i64,
    cooling_workers: i64,
    central: i64,
    festival: i64,
    enterprises: i64,
    households: i64,
    models: i64,
    migrants: i64,
    donation: i64,
    students: i64,
    study: i64,
    sent: i64,
    relief: i64,
}

fn targets(m: &Manifest, year: i32) -> Year {
    let t = |v: [i64; 13]| Year {
        cooling_goods: v[0],
        cooling_workers: v[1],
        central: v[2],
        festival: v[3],
        enterprises: v[4],
        households: v[5],
        models: v[6],
        migrants: v[7],
        donation: v[8],
        students: v[9],
        study: v[10],
        sent: v[11],
        relief: v[12],
    };
    match year {
        2007 => t([15_000, 180, 1_500_000, 11_200_000, 300, 10_100, 190, 1_100, 0, 26, 520_000, 12, 120_000]),
        2008 => t([18_000, 205, 1_750_000, 13_100_000, 342, 11_350, 210, 1_300, 0, 29, 610_000, 15, 150_000]),
        2009 => t([
            m.n("cooling_goods"),
            m.n("cooling_workers"),
            m.n("central_funds"),
            m.n("festival_funds"),
            m.n("festival_enterprises"),
            m.n("festival_households"),
            m.n("festival_models"),
            m.n("festival_migrants"),
            m.n("donation_amount"),
            m.n("study_aid_students"),
            m.n("study_aid_amount"),
            m.n("study_aid_sent"),
            m.n("study_aid_relief"),
        ]),
        _ => t([24_000, 260, 2_150_000, 16_300_000, 390, 12_900, 232, 1_680, 26_300, 36, 780_000, 20, 200_000]),
    }
}

/// Relief paid from central funds outside the festival visits: 25 serious-illness grants.
const ILLNESS_CENTRAL: (i64, i64) = (25, 20_000);

/// One aid record.
#[allow(clippy::too_many_arguments)]
fn aid(
    serial: &mut usize,
    org: &str,
    year: i32,
    activity: &str,
    paid: NaiveDate,
    kind: &str,
    name: &str,
    n: i64,
    amount: i64,
    form: &str,
    fund: &str,
) -> Row {
    *serial += 1;
    Row::new()
        .t("ref_no", format!("{org}-BF{year}-{serial:05}"))
        .t("activity", activity)
        .d("paid_on", paid)
        .t("recipient_kind", kind)
        .t("recipient_name", name)
        .i("recipients", n)
        .yuan("amount", amount)
        .t("aid_form", form)
        .t("fund_source", fund)
}

fn owner(u: &Unit) -> String {
    u.county.map_or_else(|| code("BFZX"), county_code)
}

#[allow(clippy::too_many_arguments)]
fn aid_year(
    m: &Manifest,
    units: &[Unit],
    year: i32,
    rng: &mut Rng,
    ids: &mut IdNumbers,
    serial: &mut usize,
    sink: &mut Sink,
) {
    let t = targets(m, year);
    let bf = code("BFZX");
    let festival = |rng: &mut Rng| rng.date(ymd(year, 1, 8), ymd(year, 2, 12));
    let hard: Vec<&Unit> = units
        .iter()
        .filter(|u| {
            matches!(u.cat, Cat::PublicEnt | Cat::Small | Cat::AboveScale)
                && u.open_on(ymd(year, 12, 31))
                && u.union_on.is_some()
        })
        .collect();
    // 送清凉: goods for the workers of a few enterprises in difficulty.
    let workers = jitter_split(rng, t.cooling_workers, 4, 0.3, 10);
    let goods = split(t.cooling_goods, &workers.iter().map(|w| *w as f64).collect::<Vec<_>>(), 0);
    for (w, g) in workers.into_iter().zip(goods) {
        let u = hard[rng.below(hard.len())];
        let r = aid(
            serial,
            &bf,
            year,
            "送清凉",
            rng.date(ymd(year, 7, 10), ymd(year, 8, 10)),
            "困难企业职工",
            &u.name,
            w,
            g,
            "实物",
            "市总",
        );
        sink.add("aid", bf.clone(), r);
    }
    // 两节慰问: enterprises one by one, model workers one by one, households and migrants in batches.
    let funds = ["省总", "市总", "县市区总", "参联单位", "社会"];
    let ent_amount = t.enterprises * 10_000;
    let model_amount = t.models * 2_000;
    let migrant_amount = t.migrants * 200;
    let household_amount = t.festival - ent_amount - model_amount - migrant_amount;
    let amounts = jitter_split(rng, ent_amount, t.enterprises as usize, 0.5, 2_000);
    let mut picked = std::collections::HashSet::new();
    for a in amounts {
        let mut i = rng.below(hard.len());
        while !picked.insert(i) {
            i = (i + 1) % hard.len();
        }
        let u = hard[i];
        let r = aid(
            serial,
            &owner(u),
            year,
            "两节慰问",
            festival(rng),
            "困难企业",
            &u.name,
            1,
            a,
            "现金",
            rng.one_of(&funds),
        );
        sink.add("aid", owner(u), r);
    }
    for _ in 0..t.models {
        let c = rng.below(12);
        let female = rng.chance(0.3);
        let birth = rng.date(ymd(1935, 1, 1), ymd(1965, 12, 31));
        let r = aid(
            serial,
            &county_code(c),
            year,
            "两节慰问",
            festival(rng),
            "困难劳模",
            &person_name(rng, female),
            1,
            2_000,
            "现金",
            "市总",
        )
        .t("id_number", ids.next(rng, REGIONS[c], birth, female));
        sink.add("aid", county_code(c), r);
    }
    for (c, n) in county_split(rng, t.migrants, 1).into_iter().enumerate() {
        let name = format!("{}返乡农民工", COUNTIES[c].2);
        let r = aid(
            serial,
            &county_code(c),
            year,
            "两节慰问",
            festival(rng),
            "农民工",
            &name,
            n,
            n * 200,
            "现金",
            "县市区总",
        );
        sink.add("aid", county_code(c), r);
    }
    let central_households = t.central - ILLNESS_CENTRAL.0 * ILLNESS_CENTRAL.1;
    let mut households_left = t.households;
    for (c, a) in county_split(rng, central_households, 1).into_iter().enumerate() {
        let n = (a / 800).max(1);
        households_left -= n;
        let name = format!("{}困难职工户(中央财政专项资金)", COUNTIES[c].2);
        let r = aid(
            serial,
            &county_code(c),
            year,
            "两节慰问",
            festival(rng),
            "困难职工户",
            &name,
            n,
            a,
            "现金",
            "中央财政",
        );
        sink.add("aid", county_code(c), r);
    }
    let batches = 96;
    let sizes = jitter_split(rng, households_left, batches, 0.6, 5);
    let money = split(household_amount - central_households, &sizes.iter().map(|s| *s as f64).collect::<Vec<_>>(), 0);
    for (k, (n, a)) in sizes.into_iter().zip(money).enumerate() {
        let (org, name) = if k % 6 == 0 {
            (bf.clone(), format!("市直困难职工户第{}批", k / 6 + 1))
        } else {
            let c = k % 12;
            let t = (k / 12) % TOWNS[c].len();
            (town_code(c, t), format!("{}{}困难职工户", COUNTIES[c].2, TOWNS[c][t]))
        };
        let r =
            aid(serial, &org, year, "两节慰问", festival(rng), "困难职工户", &name, n, a, "现金", rng.one_of(&funds));
        sink.add("aid", org, r);
    }
    // Donations.
    if t.donation > 0 {
        let who = if year == 2009 { "王科茗(省拉丁舞少年冠军,患白血病)" } else { "患病职工子女" };
        let r = aid(serial, &bf, year, "捐助", ymd(year, 6, 18), "患病人员", who, 1, t.donation, "现金", "社会");
        sink.add("aid", bf.clone(), r);
    }
    // 金秋助学: cash for students, and fees waived for those sent to 台州电大.
    for a in jitter_split(rng, t.study, t.students as usize, 0.5, 5_000) {
        let c = rng.below(12);
        let r = aid(
            serial,
            &county_code(c),
            year,
            "金秋助学",
            rng.date(ymd(year, 8, 15), ymd(year, 9, 10)),
            "学生",
            &name_of(rng, 0.5),
            1,
            a,
            "现金",
            rng.one_of(&["市总", "参联单位", "社会"]),
        );
        sink.add("aid", county_code(c), r);
    }
    for a in split(t.relief, &vec![1.0; t.sent as usize], 0) {
        let r =
            aid(serial, &bf, year, "金秋助学", ymd(year, 9, 1), "学生", &name_of(rng, 0.5), 1, a, "费用减免", "社会")
                .t("note", "输送到台州电大学习,学费、生活费和住宿全免");
        sink.add("aid", bf.clone(), r);
    }
    // Serious illness relief (some from central funds) and ordinary relief.
    for k in 0..ILLNESS_CENTRAL.0 + 40 {
        let c = rng.below(12);
        let (amount, fund) = if k < ILLNESS_CENTRAL.0 {
            (ILLNESS_CENTRAL.1, "中央财政")
        } else {
            (rng.range(3, 10) * 1_000, "市总")
        };
        let female = rng.chance(0.5);
        let birth = rng.date(ymd(1955, 1, 1), ymd(1985, 12, 31));
        let r = aid(
            serial,
            &county_code(c),
            year,
            "大病救助",
            rng.date_in(year),
            "患病人员",
            &person_name(rng, female),
            1,
            amount,
            "现金",
            fund,
        )
        .t("id_number", ids.next(rng, REGIONS[c], birth, female));
        sink.add("aid", county_code(c), r);
    }
    for _ in 0..200 {
        let c = rng.below(12);
        let r = aid(
            serial,
            &county_code(c),
            year,
            "日常救助",
            rng.date_in(year),
            "困难职工户",
            &name_of(rng, 0.5),
            1,
            rng.range(3, 20) * 100,
            "现金",
            "县市区总",
        );
        sink.add("aid", county_code(c), r);
    }
}

fn activity(
    sink: &mut Sink,
    org: String,
    no: String,
    kind: &str,
    title: String,
    held: NaiveDate,
    extra: impl FnOnce(Row) -> Row,
) {
    let r = Row::new().t("ref_no", no).t("kind", kind).t("title", title).d("held_on", held);
    sink.add("activities", org, extra(r));
}

/// Aid centres and stations, women's health lectures, migrant training bases.
fn activities(m: &Manifest, rng: &mut Rng, sink: &mut Sink) {
    // Aid centres: county centres in 2008 and 2009, town stations in 2009 and 2010.
    let centres_2009 = [0, 1, 2, 6, 7, 11];
    let stations_2009 = (m.n("aid_centres") - centres_2009.len() as i64).max(0) as usize;
    let mut sites: Vec<(i32, usize, Option<usize>)> = [3, 4, 5, 8, 9, 10].iter().map(|&c| (2008, c, None)).collect();
    sites.extend(centres_2009.iter().map(|&c| (2009, c, None)));
    sites.extend((0..stations_2009).map(|k| (2009, k % 12, Some(k / 12))));
    sites.extend((0..10).map(|k| (2010, k, Some(1 + k / 12))));
    for (k, (year, c, town)) in sites.into_iter().enumerate() {
        let (org, name) = match town {
            None => (county_code(c), format!("{}困难职工帮扶中心", COUNTIES[c].2)),
            Some(t) => (town_code(c, t), format!("{}{}困难职工帮扶站", COUNTIES[c].2, TOWNS[c][t])),
        };
        let held = rng.weekday(ymd(year, 3, 1), ymd(year, 12, 15));
        activity(
            sink,
            org,
            format!("{year}-BF-ZD-{k:03}"),
            "帮扶中心(站点)建设",
            format!("{name}挂牌成立"),
            held,
            |r| r.t("subject_unit", name),
        );
    }
    activity(
        sink,
        code("BFZX"),
        "2009-BFZX-QT-01".into(),
        "其他",
        "困难职工帮扶中心新址揭牌仪式".into(),
        ymd(2009, 10, 26),
        |r| {
            r.t("place", "衡阳市困难职工帮扶中心新址")
                .t("description", "段志刚副市长、曾仁忠部长等市领导参加揭牌仪式")
                .i("participants", 160)
        },
    );
    // Women's health lectures (关爱女农民工“五送”活动).
    for (year, n, people) in
        [(2008, 76, 5_400), (2009, m.n("health_lectures"), m.n("health_attendees")), (2010, 130, 9_800)]
    {
        let city = n / 9;
        let mut owners: Vec<String> = vec![code("NZGB"); city as usize];
        for (c, k) in county_split(rng, n - city, 1).into_iter().enumerate() {
            owners.extend(std::iter::repeat_n(county_code(c), k as usize));
        }
        let sizes = jitter_split(rng, people, n as usize, 0.5, 20);
        for (k, (org, size)) in owners.into_iter().zip(sizes).enumerate() {
            let held = rng.weekday(ymd(year, 3, 1), ymd(year, 12, 20));
            let topic =
                if k % 3 == 0 { "防治艾滋病知识免费讲座" } else { "女职工保健知识免费讲座" };
            activity(sink, org, format!("{year}-BJ-{k:04}"), "女职工保健讲座", topic.into(), held, |r| {
                r.i("participants", size)
            });
        }
    }
    // Migrant training bases: cumulative 9 by the end of 2009.
    for (year, org, name) in training_bases(m) {
        let held = rng.weekday(ymd(year, 3, 1), ymd(year, 11, 30));
        activity(
            sink,
            org.clone(),
            format!("{year}-{org}-JD"),
            "农民工培训基地建设",
            format!("{name}挂牌"),
            held,
            |r| r.t("subject_unit", name),
        );
    }
}

/// The migrant employment and enterprise training bases: (year founded, org, name).
pub fn training_bases(m: &Manifest) -> Vec<(i32, String, String)> {
    let all: [Option<usize>; 11] =
        [None, Some(0), Some(4), Some(6), Some(2), Some(1), Some(3), Some(5), Some(9), Some(10), Some(11)];
    let by_2009 = m.n("migrant_training_bases").clamp(5, 11) as usize;
    all.iter()
        .enumerate()
        .map(|(k, c)| {
            let year = match k {
                0 | 1 => 2007,
                2..=4 => 2008,
                k if k < by_2009 => 2009,
                _ => 2010,
            };
            match c {
                None => (year, code("BFZX"), "市总农民工培训基地".to_owned()),
                Some(c) => (year, county_code(*c), format!("{}农民工就业创业培训基地", COUNTIES[*c].2)),
            }
        })
        .collect()
}

/// The 招聘周 of May 2009 (one record), and fairs in the years around it.
fn job_fairs(m: &Manifest, sink: &mut Sink) {
    let rows = [
        (code("BFZX"), "2008年春风行动招聘会", ymd(2008, 2, 20), 2, 86, 6_200, 60, 12_500, 2_600),
        (county_code(0), "耒阳市2008年农民工专场招聘会", ymd(2008, 3, 8), 1, 42, 2_100, 35, 4_800, 900),
        (
            code("BFZX"),
            "2009年民营企业招聘周",
            ymd(2009, 5, 11),
            6,
            m.n("fair_enterprises"),
            m.n("fair_vacancies"),
            m.n("fair_job_kinds"),
            m.n("fair_seekers"),
            m.n("fair_intentions"),
        ),
        (county_code(4), "衡山县2010年春季招聘会", ymd(2010, 3, 2), 1, 38, 1_600, 30, 3_900, 760),
        (code("BFZX"), "2010年民营企业招聘周", ymd(2010, 5, 10), 6, 142, 12_600, 98, 22_800, 5_100),
    ];
    for (org, name, held, days, ent, vac, kinds, seekers, intents) in rows {
        sink.add(
            "job_fairs",
            org,
            Row::new()
                .t("name", name)
                .d("held_on", held)
                .d("end_on", held + Days::new(days))
                .t("place", "衡阳市人力资源市场")
                .t("co_organisers", "市人力资源和社会保障局、市工商联")
                .i("enterprises", ent)
                .i("vacancies", vac)
                .i("job_kinds", kinds)
                .i("seekers", seekers)
                .i("intentions", intents),
        );
    }
}

/// Women's special illness insurance: one policy per county federation and one for the city's
/// units each year, 23元 per woman, the year's total premium evened out on the largest policy.
fn insurance(m: &Manifest, sink: &mut Sink) {
    let years = [
        (2007, 31_500, 724_500, 22, 430_000),
        (2008, m.prev("insurance_participants"), m.prev("insurance_premium"), 28, 540_000),
        (2009, m.n("insurance_participants"), m.n("insurance_premium"), m.n("insurance_claims"), m.n("insurance_paid")),
        (2010, 45_200, 1_039_600, 41, 820_000),
    ];
    for (year, people, premium, claims, paid) in years {
        let mut w: Vec<f64> = crate::orgs::COUNTY_WEIGHTS.to_vec();
        w.push(9.0);
        let sizes = split(people, &w, 200);
        let mut premiums: Vec<i64> = sizes.iter().map(|s| s * 23).collect();
        let largest = (0..premiums.len()).max_by_key(|&i| (premiums[i], i)).unwrap_or(0);
        premiums[largest] += premium - premiums.iter().sum::<i64>();
        let claim_n = split(claims, &w, 0);
        let paid_n = split(paid, &claim_n.iter().map(|c| *c as f64).collect::<Vec<_>>(), 0);
        for (k, size) in sizes.into_iter().enumerate() {
            let (org, unit) = if k < 12 {
                (county_code(k), COUNTIES[k].1.to_owned())
            } else {
                (code("NZGB"), "衡阳市总工会(市直单位)".to_owned())
            };
            sink.add(
                "illness_insurance",
                org.clone(),
                Row::new()
                    .t("policy_no", format!("NZBX{year}-{org}"))
                    .t("insured_unit", unit)
                    .i("policy_year", i64::from(year))
                    .d("start_on", ymd(year, 1, 1))
                    .d("end_on", ymd(year, 12, 31))
                    .i("participants", size)
                    .yuan("premium", premiums[k])
                    .i("claims", claim_n[k])
                    .yuan("paid", paid_n[k])
                    .t("insurer", "中国人寿保险股份有限公司衡阳分公司"),
            );
        }
    }
}
