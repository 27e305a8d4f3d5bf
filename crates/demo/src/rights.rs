//! 二是 维权: factory-affairs openness, the joint pledge action, tripartite meetings, wage
//! negotiation manuals, women workers' special collective contracts, union legal-person
//! certificates, legal publicity and petitions.

use crate::codes::{CreditCodes, name_of};
use crate::manifest::Manifest;
use crate::orgs::{COUNTIES, TOWNS, code, county_code, county_split, town_code};
use crate::rng::{Rng, jitter_split, split, ymd};
use crate::units::{Cat, Unit};
use crate::writer::{Row, Sink};
use chrono::{Datelike, Days};

/// Fills the rights registries.
pub fn generate(m: &Manifest, units: &[Unit], sink: &mut Sink) {
    let mut rng = Rng::stream("rights");
    activities(m, &mut rng, sink);
    contracts(m, units, &mut rng, sink);
    legal_certs(m, units, &mut rng, sink);
    crate::petitions::generate(m, units, &mut rng, sink);
}

fn activity(no: String, kind: &str, title: String, held: chrono::NaiveDate) -> Row {
    Row::new().t("ref_no", no).t("kind", kind).t("title", title).d("held_on", held)
}

fn activities(m: &Manifest, rng: &mut Rng, sink: &mut Sink) {
    let qyb = code("QYB");
    // 厂务公开: key units regularised, one record per unit.
    let key_units: [(i32, &[&str]); 3] = [
        (2008, &["衡阳市公共交通总公司", "衡阳市中心医院"]),
        (2009, &["市自来水公司", "衡阳燕京啤酒公司", "衡阳妇幼保健医院"]),
        (2010, &["衡阳市电业局", "衡阳市第一人民医院", "衡阳市烟草公司"]),
    ];
    for (year, names) in key_units {
        let names = if year == 2009 { &names[..(m.n("openness_key_units") as usize).min(names.len())] } else { names };
        for (i, name) in names.iter().enumerate() {
            let r = activity(
                format!("{year}-QYB-CW-{:02}", i + 1),
                "厂务公开重点规范",
                format!("对{name}厂务公开民主管理工作进行重点规范"),
                ymd(year, 6, 10 + i as u32),
            )
            .t("subject_unit", *name);
            sink.add("activities", qyb.clone(), r);
        }
        let r = activity(
            format!("{year}-QYB-GZ-01"),
            "工作会议",
            format!("{year}年全市厂务公开领导小组工作会议"),
            ymd(year, 3, 18),
        )
        .i("participants", 85);
        sink.add("activities", qyb.clone(), r);
    }
    // 共同约定行动: the city's launch at 衡阳钢管集团有限公司, and a county follow-up in 2010.
    let r = activity("2009-QYB-YD-01".into(), "共同约定行动", "全市“共同约定行动”启动仪式".into(), ymd(2009, 4, 16))
        .t("place", "衡阳钢管集团有限公司")
        .t("subject_unit", "衡阳钢管集团有限公司")
        .i("organisers", m.n("pledge_organisers"))
        .i("enterprises", m.n("pledge_enterprises"))
        .i("participants", m.n("pledge_workers"))
        .i("agreements", m.n("pledges"))
        .t(
            "description",
            "市总工会牵头,联合市国资委、市劳动和社会保障局等单位,引导企业不欠薪、不减薪、不裁员、少裁员、依法裁员",
        );
    sink.add("activities", qyb.clone(), r);
    let r = activity("2010-LY-YD-01".into(), "共同约定行动", "耒阳市“共同约定行动”推进会".into(), ymd(2010, 3, 25))
        .i("organisers", 3)
        .i("enterprises", 12)
        .i("participants", 150)
        .i("agreements", 12);
    sink.add("activities", county_code(0), r);
    // 三方联席会议.
    for (year, n) in [(2008, 1), (2009, m.n("tripartite_meetings")), (2010, 2)] {
        for i in 0..n {
            let r = activity(
                format!("{year}-QYB-SF-{:02}", i + 1),
                "三方联席会议",
                format!("{year}年协调劳动关系三方联席会议(第{}次)", i + 1),
                ymd(year, 5 + 6 * i as u32, 12),
            )
            .i("participants", 24)
            .i("organisers", 3);
            sink.add("activities", qyb.clone(), r);
        }
    }
    // Wage negotiation manuals and legal publicity: the city's share and the counties'.
    for (kind, tag, totals, city_part) in [
        ("工资集体协商手册发放", "SC", [(2008, 1400), (2009, m.n("manuals_handed_out")), (2010, 1200)], 0.4),
        ("法律宣传", "FX", [(2008, 420), (2009, m.n("publicity_booklets")), (2010, 610)], 0.38),
    ] {
        for (year, total) in totals {
            let city = (total as f64 * city_part).round() as i64;
            let title = if kind == "法律宣传" {
                format!("{year}年“12.4”全国法制宣传日活动")
            } else {
                format!("{year}年发放工资集体协商工作指导手册")
            };
            let r = activity(format!("{year}-QYB-{tag}-01"), kind, title, ymd(year, 12, 4)).i("materials_out", city);
            sink.add("activities", qyb.clone(), r);
            for (c, n) in county_split(rng, total - city, 0).into_iter().enumerate().filter(|(_, n)| *n > 0) {
                let held = rng.weekday(ymd(year, 3, 1), ymd(year, 12, 20));
                let title = format!(
                    "{}{year}年{}",
                    COUNTIES[c].2,
                    if kind == "法律宣传" { "法律法规宣传" } else { "工资集体协商手册发放" }
                );
                let r = activity(format!("{year}-{}-{tag}-01", COUNTIES[c].0), kind, title, held).i("materials_out", n);
                sink.add("activities", county_code(c), r);
            }
        }
    }
    for year in [2008, 2009, 2010] {
        let start = ymd(year, 6, 15);
        sink.add(
            "trainings",
            qyb.clone(),
            Row::new()
                .t("name", format!("{year}年全市工资集体协商指导员培训班"))
                .t("kind", "工资集体协商指导员培训")
                .t("organiser", "衡阳市总工会")
                .d("start_on", start)
                .d("end_on", start + Days::new(2))
                .i("trainees", 60 + rng.range(0, 40)),
        );
    }
}

/// Women workers' special contracts: independent ones by units with a union, regional ones by
/// towns, industry-wide ones by counties — exactly the manifest's 725 / 46 (669 units) / 23 (485
/// units) and 9万多 women in 2009; general and wage contracts around them.
fn contracts(m: &Manifest, units: &[Unit], rng: &mut Rng, sink: &mut Sink) {
    let women = |u: &Unit| (u.employees as f64 * u.women_share).round() as i64;
    let mut serial = 0;
    let plans = [
        (2007, 420, 22, 260, 10, 180, None),
        (2008, 610, 31, 420, 16, 300, None),
        (
            2009,
            m.n("women_contracts_independent"),
            m.n("women_contracts_regional"),
            m.n("women_contracts_regional_units"),
            m.n("women_contracts_industry"),
            m.n("women_contracts_industry_units"),
            Some(m.n("women_contracts_women")),
        ),
        (2010, 790, 44, 700, 25, 520, None),
    ];
    for (year, indep, regional, regional_units, industry, industry_units, women_total) in plans {
        let start = ymd(year, 1, 1);
        let mut pool: Vec<&Unit> = units
            .iter()
            .filter(|u| {
                u.union_on.is_some_and(|d| d < ymd(year, 10, 1))
                    && u.open_on(ymd(year, 12, 31))
                    && matches!(u.cat, Cat::PublicEnt | Cat::AboveScale | Cat::Small | Cat::Institution)
                    && women(u) >= 5
            })
            .collect();
        for i in (1..pool.len()).rev() {
            pool.swap(i, rng.below(i + 1));
        }
        // Smaller units sign their own; the largest ones are left to bigger agreements.
        pool.retain(|u| women(u) <= 400 || u.named);
        let chosen = &pool[..(indep as usize).min(pool.len())];
        let mut women_left = women_total.unwrap_or(i64::MAX);
        for u in chosen {
            serial += 1;
            let signed = rng.weekday(u.union_on.unwrap_or(start).max(start) + Days::new(20), ymd(year, 12, 20));
            let w = women(u);
            women_left -= w;
            sink.add(
                "contracts",
                u.org.clone(),
                contract(serial, "女职工专项", "独立", &u.name, signed, 1, u.employees, w),
            );
        }
        let regional_sizes = jitter_split(rng, regional_units, regional as usize, 0.6, 3);
        let industry_sizes = jitter_split(rng, industry_units, industry as usize, 0.5, 5);
        let regional_women = women_total.map(|_| women_left * regional_units / (regional_units + industry_units));
        let women_r = split(regional_women.unwrap_or(regional_units * 45), &weights(&regional_sizes), 1);
        let women_i = split(
            women_total.map_or(industry_units * 60, |_| women_left - regional_women.unwrap_or(0)),
            &weights(&industry_sizes),
            1,
        );
        for (k, (n, w)) in regional_sizes.into_iter().zip(women_r).enumerate() {
            let c = k % 12;
            let t = (k / 12 + year as usize) % TOWNS[c].len();
            serial += 1;
            let signed = rng.weekday(ymd(year, 3, 1), ymd(year, 12, 20));
            let party = format!("{}{}", COUNTIES[c].2, TOWNS[c][t]);
            sink.add(
                "contracts",
                town_code(c, t),
                contract(serial, "女职工专项", "区域性", &party, signed, n, w * 3, w),
            );
        }
        const INDUSTRIES: &[&str] = &["建筑业", "餐饮服务业", "纺织服装业", "商贸流通业", "建材业", "食品加工业"];
        for (k, (n, w)) in industry_sizes.into_iter().zip(women_i).enumerate() {
            let c = (k * 5 + year as usize) % 12;
            serial += 1;
            let signed = rng.weekday(ymd(year, 3, 1), ymd(year, 12, 20));
            let party = format!("{}{}", COUNTIES[c].2, INDUSTRIES[k % INDUSTRIES.len()]);
            sink.add(
                "contracts",
                county_code(c),
                contract(serial, "女职工专项", "行业性", &party, signed, n, w * 3, w),
            );
        }
        // General and wage contracts (not women's special contracts) by larger units.
        for (kind, n) in [("综合", 380), ("工资专项", 240)] {
            for u in pool.iter().rev().take(n) {
                serial += 1;
                let signed = rng.weekday(ymd(year, 2, 1), ymd(year, 12, 20));
                sink.add(
                    "contracts",
                    u.org.clone(),
                    contract(serial, kind, "独立", &u.name, signed, 1, u.employees, women(u)),
                );
            }
        }
    }
}

fn weights(sizes: &[i64]) -> Vec<f64> {
    sizes.iter().map(|s| *s as f64).collect()
}

#[allow(clippy::too_many_arguments)]
fn contract(
    serial: usize,
    kind: &str,
    scope: &str,
    party: &str,
    signed: chrono::NaiveDate,
    units: i64,
    workers: i64,
    women: i64,
) -> Row {
    Row::new()
        .t("contract_no", format!("衡工合{}-{serial:05}", signed.year()))
        .t("kind", kind)
        .t("scope", scope)
        .t("party_name", party)
        .d("signed_on", signed)
        .d("expires_on", signed + Days::new(3 * 365))
        .d("filed_on", signed + Days::new(15))
        .i("covered_units", units)
        .i("covered_workers", workers.max(women))
        .i("covered_women", women)
}

/// Union legal-person certificates: 2009's 348 against 2008's 243, issued by the county
/// federations (and the city's 权益保障部 for city-level unions).
fn legal_certs(m: &Manifest, units: &[Unit], rng: &mut Rng, sink: &mut Sink) {
    let mut codes = CreditCodes::default();
    let union_codes: Vec<String> = units.iter().map(|u| codes.next(rng, "81", u.region)).collect();
    let mut registered = vec![false; units.len()];
    let mut serial = 0;
    for (year, n) in [(2007, 171), (2008, m.prev("legal_certs_issued")), (2009, m.n("legal_certs_issued")), (2010, 392)]
    {
        let mut pool: Vec<usize> = (0..units.len())
            .filter(|&i| units[i].union_on.is_some_and(|d| d < ymd(year, 11, 1)) && units[i].open_on(ymd(year, 12, 31)))
            .collect();
        for i in (1..pool.len()).rev() {
            pool.swap(i, rng.below(i + 1));
        }
        // New unions of the year first, then others; a registered union may change or renew.
        pool.sort_by_key(|&i| (units[i].union_on.is_none_or(|d| d.year() != year), registered[i]));
        for &i in pool.iter().take(n as usize) {
            let u = &units[i];
            let kind = if !registered[i] {
                "设立登记"
            } else if rng.chance(0.6) {
                "变更登记"
            } else {
                "换证"
            };
            registered[i] = true;
            serial += 1;
            let issued = rng
                .weekday(u.union_on.unwrap_or(ymd(year, 1, 1)).max(ymd(year, 1, 1)) + Days::new(30), ymd(year, 12, 25));
            let issued = if issued.year() > year { ymd(year, 12, 28) } else { issued };
            let org = u.county.map_or_else(|| code("QYB"), county_code);
            sink.add(
                "legal_certs",
                org,
                Row::new()
                    .t("cert_no", format!("湘衡工法{year}{serial:05}"))
                    .t("union_name", u.union_name.clone())
                    .t("credit_code", union_codes[i].clone())
                    .t("legal_rep", name_of(rng, 0.3))
                    .t("kind", kind)
                    .d("issued_on", issued)
                    .d("valid_until", issued + Days::new(5 * 365)),
            );
        }
    }
}
