//! Petitions (the `petitions` registry): visits, letters and calls at the petitions desks of the
//! city and counties (264人 / 53封 / 243次 in 2009), and the aid centres' visits and legal
//! consultations (286人次 / 83起), with no petition harming stability in 2009.

use crate::codes::{mobile, name_of};
use crate::manifest::Manifest;
use crate::orgs::{code, county_code, county_split};
use crate::rng::{Rng, ymd};
use crate::units::Unit;
use crate::writer::{Row, Sink};
use chrono::Days;

const CATEGORIES: &[&str] =
    &["劳动报酬", "社会保险", "劳动合同", "企业改制", "工伤职业病", "困难救助", "工会工作", "其他"];
const SUMMARIES: &[&str] = &[
    "反映企业拖欠工资,要求工会协调解决",
    "企业改制后医疗保险未妥善解决",
    "要求补签劳动合同",
    "咨询工伤认定和待遇",
    "家庭困难,申请帮扶救助",
    "反映企业未缴纳社会保险",
    "咨询工会会员权益",
    "反映改制企业职工安置问题",
];

/// (信访 visitors, letters, calls, aid-centre visitors and letter-writers, legal consultations).
fn targets(m: &Manifest, year: i32) -> (i64, i64, i64, i64, i64) {
    match year {
        2007 => (198, 41, 160, 210, 55),
        2008 => (231, 47, 205, 248, 69),
        2009 => (
            m.n("petitions_visits"),
            m.n("petitions_letters"),
            m.n("petitions_calls"),
            m.n("aid_visits"),
            m.n("legal_consults"),
        ),
        _ => (286, 49, 262, 301, 90),
    }
}

/// Group sizes adding up to `total` people: mostly one, some pairs, a few collective visits.
fn groups(rng: &mut Rng, total: i64, collective: bool) -> Vec<i64> {
    let mut out = Vec::new();
    let mut left = total;
    while left > 0 {
        let p = if collective && rng.chance(0.07) {
            rng.range(3, 12)
        } else if rng.chance(0.15) {
            2
        } else {
            1
        };
        let p = p.min(left);
        out.push(p);
        left -= p;
    }
    out
}

/// The desk's org for the k-th record: the city's department for about 40%, else a county.
fn owners(rng: &mut Rng, n: usize, city: &str) -> Vec<String> {
    let city_n = (n as f64 * 0.4).round() as i64;
    let mut out = vec![code(city); city_n as usize];
    for (c, k) in county_split(rng, n as i64 - city_n, 0).into_iter().enumerate() {
        out.extend(std::iter::repeat_n(county_code(c), k as usize));
    }
    out
}

/// Fills the petitions registry for 2007–2010.
pub fn generate(m: &Manifest, units: &[Unit], rng: &mut Rng, sink: &mut Sink) {
    let mut serial = 0;
    for year in 2007..=2010 {
        let (visits, letters, calls, aid_people, consults) = targets(m, year);
        // (desk, channel, people per record, legal consultation)
        let mut rows: Vec<(&str, &str, i64, bool)> = Vec::new();
        rows.extend(groups(rng, visits, true).into_iter().map(|p| ("信访接待", "来访", p, false)));
        rows.extend((0..letters).map(|_| ("信访接待", "来信", 1, false)));
        rows.extend((0..calls).map(|_| ("信访接待", "来电", 1, false)));
        let mut aid: Vec<(&str, &str, i64, bool)> = groups(rng, aid_people, false)
            .into_iter()
            .map(|p| ("帮扶中心", if p == 1 && rng.chance(0.2) { "来信" } else { "来访" }, p, false))
            .collect();
        for (k, r) in aid.iter_mut().enumerate() {
            r.3 = (k as i64) < consults;
        }
        rows.extend(aid);
        rows.extend((0..rng.range(90, 130)).map(|_| ("帮扶中心", "来电", 1, false)));
        let desk_rows = rows.iter().filter(|r| r.0 == "信访接待").count();
        let mut orgs = owners(rng, desk_rows, "QYB");
        orgs.extend(owners(rng, rows.len() - desk_rows, "BFZX"));
        let mut escalated = if year == 2009 { 3 } else { 2 };
        for ((desk, channel, people, consult), org) in rows.into_iter().zip(orgs) {
            serial += 1;
            let received =
                if channel == "来访" { rng.weekday(ymd(year, 1, 3), ymd(year, 12, 28)) } else { rng.date_in(year) };
            let collective = people >= 3;
            let harmed = year == 2007 && collective && escalated == 2;
            let esc = desk == "信访接待" && collective && escalated > 0;
            if esc {
                escalated -= 1;
            }
            let unit = &units[rng.below(units.len())];
            let mut r = Row::new()
                .t("ref_no", format!("{org}-XF{year}-{serial:05}"))
                .t("desk", desk)
                .t("channel", channel)
                .d("received_on", received)
                .t("petitioner", name_of(rng, 0.45))
                .i("people", people)
                .t("petitioner_unit", unit.name.clone())
                .t("category", *rng.pick(CATEGORIES))
                .t("summary", *rng.pick(SUMMARIES))
                .b("legal_consult", consult)
                .b("escalated", esc)
                .b("harmed_stability", harmed);
            if rng.chance(0.4) {
                r = r.t("phone", mobile(rng));
            }
            let handled = received + Days::new(rng.range(2, 30) as u64);
            r = if year == 2010 && received.format("%m").to_string() == "12" {
                r.t("result", "办理中")
            } else {
                r.d("handled_on", handled).t("result", *rng.pick(&["已解决", "已答复", "已转办"]))
            };
            sink.add("petitions", org, r);
        }
    }
}
