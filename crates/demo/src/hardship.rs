//! Hardship files (the `hardship_files` registry): one per worker in hardship, exactly the
//! manifest's 3.8万 files meeting the standard and open at the end of 2009, plus files below the
//! standard, files closed before then and files opened in 2010. Income, illness, phone and
//! address are personal data (sealed by the store).

use crate::codes::{IdNumbers, REGIONS, mobile, person_name};
use crate::manifest::Manifest;
use crate::names::address;
use crate::rng::{Rng, ymd};
use crate::units::{Cat, Unit};
use crate::writer::{Row, Sink};
use chrono::{Datelike, Days, NaiveDate};

const REASONS: &[&str] =
    &["本人患大病", "家属患大病", "子女就学", "下岗失业", "企业困难", "伤残", "单亲", "灾害事故", "其他"];
const ILLNESSES: &[&str] =
    &["尿毒症", "恶性肿瘤", "白血病", "脑溢血后遗症", "冠心病", "糖尿病并发症", "肝硬化", "精神疾病"];

/// How likely a unit's workers are to be in hardship, per employee.
fn propensity(u: &Unit) -> f64 {
    let base = match u.cat {
        Cat::PublicEnt => 3.0,
        Cat::Small => 2.0,
        Cat::Village => 1.5,
        Cat::AboveScale => 1.0,
        Cat::Other => 1.0,
        Cat::Institution => 0.3,
        Cat::Government => 0.2,
    };
    let closed = if u.closed_on.is_some() { 4.0 } else { 1.0 };
    base * closed * u.employees as f64
}

/// Fills the hardship files.
pub fn generate(m: &Manifest, units: &[Unit], sink: &mut Sink) {
    let mut rng = Rng::stream("hardship");
    let mut ids = IdNumbers::default();
    let pool: Vec<&Unit> = units.iter().filter(|u| u.union_on.is_some_and(|d| d.year() < 2010)).collect();
    let mut cum = Vec::with_capacity(pool.len());
    let mut total = 0.0;
    for u in &pool {
        total += propensity(u);
        cum.push(total);
    }
    let end = ymd(2009, 12, 31);
    // (files, meets the standard, filed from, filed to, exited from/to)
    type Kind = (i64, bool, NaiveDate, NaiveDate, Option<(NaiveDate, NaiveDate)>);
    let kinds: [Kind; 4] = [
        (m.n("hardship_files_standard"), true, ymd(2005, 1, 1), end, None),
        (2_400, false, ymd(2006, 1, 1), end, None),
        (4_200, true, ymd(2004, 1, 1), ymd(2008, 6, 30), Some((ymd(2007, 1, 1), end))),
        (3_100, true, ymd(2010, 1, 1), ymd(2010, 12, 20), None),
    ];
    for (n, standard, from, to, exit) in kinds {
        for k in 0..n {
            let x = rng.unit() * total;
            let u = pool[cum.partition_point(|c| *c < x).min(pool.len() - 1)];
            // Recent years saw most files opened: bias towards the end of the range.
            let span = (to - from).num_days().max(0) as f64;
            let filed = from + Days::new((span * rng.unit().sqrt()) as u64);
            let exited = match exit {
                Some((a, b)) => Some(rng.date(a.max(filed + Days::new(90)), b).min(b)),
                // A few of 2009's files close in 2010: still open at the end of 2009.
                None if to == end && k % 25 == 0 => Some(rng.date(ymd(2010, 1, 1), ymd(2010, 12, 31))),
                None => None,
            };
            let female = rng.chance(0.48);
            let birth = rng.date(ymd(1950, 1, 1), ymd(1985, 12, 31));
            let region = u.county.map_or(REGIONS[rng.below(12)], |_| u.region);
            let reason = *rng.pick(REASONS);
            let size = rng.range(1, 6);
            let mut r = Row::new()
                .t("name", person_name(&mut rng, female))
                .t("id_number", ids.next(&mut rng, region, birth, female))
                .t("unit_name", u.name.clone())
                .t("reason", reason)
                .i("household_size", size)
                .fixed("household_income", size * rng.range(150, 450) * 100)
                .d("filed_on", filed)
                .b("meets_standard", standard)
                .od("exited_on", exited)
                .t("address", address(&mut rng, &u.place()));
            if reason.contains("大病") {
                r = r.t("illness", *rng.pick(ILLNESSES));
            }
            if exited.is_some() {
                r = r.t("exit_reason", *rng.pick(&["已脱困", "再就业", "家庭收入超过标准", "退休"]));
            }
            if rng.chance(0.6) {
                r = r.t("phone", mobile(&mut rng));
            }
            sink.add("hardship_files", u.org.clone(), r);
        }
    }
}
