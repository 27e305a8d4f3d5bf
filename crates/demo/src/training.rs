//! Training for laid-off workers and migrant workers (the `trainings` registry): the city
//! federation's three bases (588 trained, 66万元 fees waived in 2009), the migrant employment and
//! enterprise training bases (74万元 invested, 4000余 migrants trained free of charge in 2009,
//! including the seed's named classes), and the counties' other classes — 12300人次 in all.

use crate::aid::training_bases;
use crate::manifest::Manifest;
use crate::orgs::{COUNTIES, code, county_code};
use crate::rng::{Rng, jitter_split, split, ymd};
use crate::writer::{Row, Sink};
use chrono::{Days, NaiveDate};

/// One class.
struct Class {
    org: String,
    name: String,
    kind: &'static str,
    base: Option<(&'static str, String)>,
    trainees: i64,
    free: bool,
    fee_waived: i64,
    funds: i64,
    organiser: String,
    content: &'static str,
}

const CONTENTS: &[&str] = &["电脑操作", "家政服务", "汽车驾驶", "电工", "焊工", "机械维修", "木工", "缝纫"];

/// (all laid-off and migrant trainees, trained at the city's bases, fees waived there, funds at
/// the migrant bases, migrants trained free there) per year.
fn targets(m: &Manifest, year: i32) -> (i64, i64, i64, i64, i64) {
    match year {
        2007 => (8_200, 420, 470_000, 300_000, 1_500),
        2008 => (10_100, 510, 560_000, 520_000, 2_600),
        2009 => (
            m.n("laid_off_trained"),
            m.n("base_trainees"),
            m.n("base_fee_relief"),
            m.n("migrant_training_funds"),
            m.n("migrants_trained"),
        ),
        _ => (13_800, 640, 720_000, 910_000, 4_800),
    }
}

/// Fills the year's laid-off and migrant training classes.
pub fn generate(m: &Manifest, sink: &mut Sink) {
    let mut rng = Rng::stream("training");
    let bases = training_bases(m);
    for year in 2007..=2010 {
        let (total, base_n, base_fee, funds, migrants) = targets(m, year);
        let mut classes = Vec::new();
        // The city federation's three bases: two classes each.
        let sizes = jitter_split(&mut rng, base_n, 6, 0.3, 30);
        let fees = split(base_fee, &sizes.iter().map(|s| *s as f64).collect::<Vec<_>>(), 0);
        let city_bases = ["市总职工学校", "市总职业技能培训中心", "市总再就业培训基地"];
        for (k, (n, fee)) in sizes.into_iter().zip(fees).enumerate() {
            classes.push(Class {
                org: code("BFZX"),
                name: format!("{}{year}年下岗失业人员{}培训班", city_bases[k % 3], CONTENTS[k % 4]),
                kind: "下岗失业职工培训",
                base: Some(("市总培训基地", city_bases[k % 3].to_owned())),
                trainees: n,
                free: true,
                fee_waived: fee,
                funds: 0,
                organiser: "衡阳市总工会".into(),
                content: CONTENTS[k % 4],
            });
        }
        // The migrant bases open that year or before.
        let open: Vec<&(i32, String, String)> = bases.iter().filter(|b| b.0 <= year).collect();
        let at_base = |org: &str, name: &str, kind: &'static str, n: i64, free: bool, content: &'static str| Class {
            org: org.to_owned(),
            name: name.to_owned(),
            kind,
            base: open.iter().find(|b| b.1 == org).map(|b| ("农民工就业创业培训基地", b.2.clone())),
            trainees: n,
            free,
            fee_waived: 0,
            funds: 0,
            organiser: open.iter().find(|b| b.1 == org).map_or_else(String::new, |b| b.2.clone()),
            content,
        };
        let mut named = Vec::new();
        if year == 2009 {
            let hs = county_code(4);
            let qd = county_code(6);
            named.push(at_base(
                &code("BFZX"),
                "2009年下岗失业阳光工程培训班(计算机操作员)",
                "下岗失业职工培训",
                80,
                true,
                "电脑操作",
            ));
            named.push(at_base(&code("BFZX"), "2009年网上开店创业培训班", "农民工培训", 40, true, "电脑操作"));
            named.push(at_base(
                &code("BFZX"),
                "2009年家政服务培训班(与市商务局联合举办)",
                "农民工培训",
                426,
                true,
                "家政服务",
            ));
            named.push(at_base(&hs, "衡山县2009年下岗失业职工岗前技能培训班", "下岗失业职工培训", 206, true, "缝纫"));
            named.push(at_base(&hs, "衡山县2009年农民工岗前技能培训班", "农民工培训", 320, true, "家政服务"));
            named.push(at_base(&qd, "祁东县2009年返乡农民工木工技能培训班", "农民工培训", 214, true, "木工"));
        }
        named.push(at_base(
            &open[1 % open.len()].1,
            &format!("{year}年汽车驾驶培训班(收费)"),
            "农民工培训",
            60,
            false,
            "汽车驾驶",
        ));
        let named_free: i64 = named.iter().filter(|c| c.kind == "农民工培训" && c.free).map(|c| c.trainees).sum();
        let rest = jitter_split(&mut rng, migrants - named_free, open.len() * 2, 0.4, 20);
        for (k, n) in rest.into_iter().enumerate() {
            let b = open[k % open.len()];
            let content = CONTENTS[(k + year as usize) % CONTENTS.len()];
            named.push(at_base(
                &b.1,
                &format!("{}{year}年农民工{content}培训班({})", b.2, k / open.len() + 1),
                "农民工培训",
                n,
                true,
                content,
            ));
        }
        let base_money = split(funds, &named.iter().map(|c| c.trainees as f64).collect::<Vec<_>>(), 0);
        let at_bases: i64 = named.iter().map(|c| c.trainees).sum();
        classes.extend(named.into_iter().zip(base_money).map(|(mut c, f)| {
            c.funds = f;
            c
        }));
        // The counties' other classes make up the year's total.
        let others = total - base_n - at_bases;
        let per = crate::orgs::county_split(&mut rng, others, 20);
        for (c, n) in per.into_iter().enumerate() {
            let halves = split(n, &[1.0, 1.0], 0);
            for (h, kind) in ["下岗失业职工培训", "农民工培训"].into_iter().enumerate() {
                classes.push(Class {
                    org: county_code(c),
                    name: format!(
                        "{}{year}年{}技能培训班",
                        COUNTIES[c].2,
                        if h == 0 { "下岗失业职工" } else { "农民工" }
                    ),
                    kind,
                    base: None,
                    trainees: halves[h],
                    free: rng.chance(0.7),
                    fee_waived: 0,
                    funds: 0,
                    organiser: COUNTIES[c].1.into(),
                    content: CONTENTS[(c + h) % CONTENTS.len()],
                });
            }
        }
        for c in classes {
            let start: NaiveDate = rng.weekday(ymd(year, 2, 20), ymd(year, 11, 20));
            let mut r = Row::new()
                .t("name", c.name)
                .t("kind", c.kind)
                .t("organiser", c.organiser)
                .d("start_on", start)
                .d("end_on", start + Days::new(rng.range(10, 45) as u64))
                .i("trainees", c.trainees)
                .b("free", c.free)
                .t("content", c.content);
            if let Some((kind, name)) = c.base {
                r = r.t("base_kind", kind).t("base_name", name);
            }
            if c.fee_waived > 0 {
                r = r.yuan("fee_waived", c.fee_waived);
            }
            if c.funds > 0 {
                r = r.yuan("funds", c.funds);
            }
            sink.add("trainings", c.org, r);
        }
    }
}
