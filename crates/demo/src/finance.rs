//! 四是 财务: union dues (2% of payroll) per enterprise per quarter, 2007–2010, collected by the
//! unions or the tax office; in the first half of 2009 the manifest's 54 enterprises in
//! difficulty were allowed to defer their dues for half a year (a few already late in 2008).

use crate::manifest::Manifest;
use crate::rng::{Rng, ymd};
use crate::units::{Cat, Unit};
use crate::writer::{Row, Sink};
use chrono::{Datelike, Days, Months, NaiveDate};

/// Fills the dues registry.
pub fn generate(m: &Manifest, units: &[Unit], sink: &mut Sink) {
    let mut rng = Rng::stream("dues");
    let payers: Vec<&Unit> = units
        .iter()
        .filter(|u| {
            u.union_on.is_some()
                && (matches!(u.cat, Cat::PublicEnt | Cat::AboveScale) || u.cat == Cat::Small && rng.chance(0.3))
        })
        .collect();
    // Enterprises in difficulty that defer: open through 2009 with a union from before.
    let eligible: Vec<usize> = (0..payers.len())
        .filter(|&i| payers[i].closed_on.is_none() && payers[i].union_on.is_some_and(|d| d.year() < 2008))
        .collect();
    let mut defer_2009 = std::collections::HashSet::new();
    let mut defer_2008 = std::collections::HashSet::new();
    let mut k = rng.below(eligible.len());
    while defer_2009.len() < m.n("dues_deferred_units") as usize {
        k = (k + 7) % eligible.len();
        defer_2009.insert(eligible[k]);
    }
    while defer_2008.len() < 9 {
        k = (k + 11) % eligible.len();
        if !defer_2009.contains(&eligible[k]) {
            defer_2008.insert(eligible[k]);
        }
    }
    for (i, u) in payers.into_iter().enumerate() {
        let wage = rng.range(1_100, 2_300);
        let taxed = rng.chance(0.6);
        let first = u.union_on.unwrap_or(ymd(2007, 1, 1)).max(ymd(2007, 1, 1));
        for q in 0..16u32 {
            let from = ymd(2007 + (q / 4) as i32, 1 + 3 * (q % 4), 1);
            let to = from + Months::new(3) - Days::new(1);
            if to < first || u.closed_on.is_some_and(|c| c < from) {
                continue;
            }
            // Wages grow about 8% a year.
            let monthly = (wage as f64 * 1.08f64.powi((q / 4) as i32)).round() as i64;
            let payroll = u.employees * monthly * 3 * 100;
            let due = payroll / 50;
            let via_tax = taxed && from >= ymd(2008, 7, 1);
            let mut r = Row::new()
                .t("unit_name", u.name.clone())
                .t("credit_code", u.credit.clone())
                .d("period_from", from)
                .d("period_to", to)
                .fixed("payroll", payroll)
                .fixed("due", due)
                .b("via_tax", via_tax);
            let mut paid: Option<NaiveDate> = Some(to + Days::new(rng.range(8, 25) as u64));
            if defer_2009.contains(&i) && from.year() == 2009 && from.month() <= 4 {
                if from.month() == 1 {
                    let approved = rng.weekday(ymd(2009, 1, 12), ymd(2009, 3, 31));
                    r = r.d("deferral_approved_on", approved).d("deferred_until", approved + Months::new(6));
                }
                paid = Some(ymd(2009, 10, 20) + Days::new(rng.range(0, 30) as u64));
                r = r.t("note", "受国际金融危机影响,经批准缓缴工会经费半年");
            }
            if defer_2008.contains(&i) && from == ymd(2008, 10, 1) {
                let approved = rng.weekday(ymd(2008, 11, 10), ymd(2008, 12, 26));
                r = r
                    .d("deferral_approved_on", approved)
                    .d("deferred_until", approved + Months::new(6))
                    .t("note", "企业生产经营困难,经批准缓缴");
                paid = Some(ymd(2009, 6, 25));
            }
            if from == ymd(2010, 10, 1) && rng.chance(0.3) {
                paid = None;
            }
            if let Some(on) = paid {
                r = r.fixed("collected", due).d("collected_on", on);
            }
            sink.add("dues", u.org.clone(), r);
        }
    }
}
