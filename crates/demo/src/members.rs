//! Union members (the `members` registry): how many each unit has in each part of its history
//! ([`MemberPlan`]), scaled so the city has exactly the manifest's women members at the end of
//! 2009 and new members in 2009; then the member rows themselves, generated unit by unit.

use crate::codes::{IdNumbers, REGIONS, mobile, person_name};
use crate::manifest::Manifest;
use crate::rng::{Rng, split, ymd};
use crate::units::{Cat, Unit};
use crate::writer::Row;
use chrono::{Datelike, Days, Months, NaiveDate};
use kaohe_domain::record::Values;

/// A unit's members by where they stand in time.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct MemberPlan {
    /// Joined before 2009, still members at the end of 2009.
    pub old_active: i64,
    /// Of whom women.
    pub old_f: i64,
    /// Joined in 2009, still members at the end of 2009.
    pub new_active: i64,
    /// Of whom women.
    pub new_f: i64,
    /// Joined in 2009 and left in 2009.
    pub new_left: i64,
    /// Joined before 2009 and left from 2007 to 2009.
    pub old_left: i64,
    /// Joined in 2010.
    pub later: i64,
    /// Of the members at the end of 2009, how many leave in 2010 (all if the unit closes then).
    pub leave_2010: i64,
}

impl MemberPlan {
    /// Every member row of the unit.
    pub fn rows(&self) -> i64 {
        self.old_active + self.new_active + self.new_left + self.old_left + self.later
    }
}

fn counted(u: &Unit) -> bool {
    let end = ymd(2009, 12, 31);
    u.open_on(end) && u.union_on.is_some_and(|d| d <= end)
}

/// Units whose union predates 2009 and that stay open through 2010: where the totals are evened out.
fn adjustable(u: &Unit) -> bool {
    u.closed_on.is_none() && u.union_on.is_some_and(|d| d.year() < 2009)
}

/// Scales the units' workforces and plans their members so the totals are exact.
pub fn plan(m: &Manifest, units: &mut [Unit]) -> anyhow::Result<()> {
    let mut rng = Rng::stream("member-plan");
    let women_target = m.n("women_members");
    let new_target = m.n("new_members");
    // Most of the year's new members come with the year's new unions (about 72%), the rest
    // join unions that already existed: size the new unions first.
    let new_union = |u: &Unit| u.union_on.is_some_and(|d| d.year() == 2009);
    let members = |u: &Unit| (u.employees as f64 * u.cat.membership_rate()).round();
    let women = |u: &Unit| members(u) * u.women_share;
    let from_new_unions: f64 = units.iter().filter(|u| new_union(u)).map(members).sum();
    let f = 0.72 * new_target as f64 / from_new_unions.max(1.0);
    for u in units.iter_mut().filter(|u| new_union(u) && !u.named) {
        u.employees = ((u.employees as f64 * f).round() as i64).max(3);
    }
    // Then scale the other units so the women at the end of 2009 come out about right.
    let scalable = |u: &Unit| counted(u) && !u.named && !new_union(u);
    let fixed: f64 = units.iter().filter(|u| counted(u) && !scalable(u)).map(women).sum();
    let raw: f64 = units.iter().filter(|u| scalable(u)).map(women).sum();
    let k = (women_target as f64 - fixed) / raw.max(1.0);
    for u in units.iter_mut().filter(|u| !u.named && !new_union(u)) {
        u.employees = ((u.employees as f64 * k).round() as i64).max(3);
    }
    let old: f64 =
        units.iter().filter(|u| adjustable(u) || u.closed_on.is_some_and(|c| c.year() == 2010)).map(members).sum();
    let join_rate = 0.28 * new_target as f64 / old.max(1.0);
    for u in units.iter_mut() {
        let Some(on) = u.union_on else { continue };
        let a = ((u.employees as f64 * u.cat.membership_rate()).round() as i64).max(1);
        let f = ((a as f64 * u.women_share).round() as i64).clamp(0, a);
        let mut p = MemberPlan::default();
        if u.closed_on.is_some_and(|c| c <= ymd(2009, 12, 31)) {
            p.old_left = a;
        } else if on.year() >= 2010 {
            p.later = a;
        } else if on.year() == 2009 {
            p.new_active = a;
            p.new_f = f;
            p.new_left = (a as f64 * 0.01).round() as i64;
        } else {
            p.new_active = ((a as f64 * join_rate * (0.5 + rng.unit())).round() as i64).min(a);
            p.new_f = ((p.new_active as f64 * u.women_share).round() as i64).min(f);
            p.old_active = a - p.new_active;
            p.old_f = (f - p.new_f).clamp(0, p.old_active);
            p.leave_2010 = if u.closed_on.is_some() { a } else { (p.old_active as f64 * 0.02).round() as i64 };
            p.old_left = (a as f64 * 0.03).round() as i64;
            p.new_left = (p.new_active as f64 * 0.03).round() as i64;
            p.later = (a as f64 * 0.03).round() as i64;
        }
        u.plan = p;
    }
    // Even out the women at the end of 2009 on the largest units (adding or removing women).
    let women: i64 = units.iter().filter(|u| counted(u)).map(|u| u.plan.old_f + u.plan.new_f).sum();
    adjust(units, women_target - women, |p, d| {
        let d = d.max(-p.old_f);
        p.old_active += d;
        p.old_f += d;
        d
    });
    // Even out the new members: men move between joined-before and joined-in-2009.
    let new: i64 = units.iter().map(|u| u.plan.new_active + u.plan.new_left).sum();
    adjust(units, new_target - new, |p, d| {
        let d = d.clamp(-(p.new_active - p.new_f), p.old_active - p.old_f);
        p.new_active += d;
        p.old_active -= d;
        d
    });
    let women: i64 = units.iter().filter(|u| counted(u)).map(|u| u.plan.old_f + u.plan.new_f).sum();
    let new: i64 = units.iter().map(|u| u.plan.new_active + u.plan.new_left).sum();
    anyhow::ensure!(women == women_target && new == new_target, "member plan missed: {women} women, {new} new");
    Ok(())
}

/// Spreads `diff` over the largest adjustable units; `apply` changes one plan by up to `d` and
/// returns what it changed.
fn adjust(units: &mut [Unit], mut diff: i64, apply: impl Fn(&mut MemberPlan, i64) -> i64) {
    let mut order: Vec<usize> = (0..units.len()).filter(|&i| adjustable(&units[i])).collect();
    order.sort_by_key(|&i| (std::cmp::Reverse(units[i].plan.old_active), i));
    order.truncate(60);
    for _ in 0..10 {
        if diff == 0 || order.is_empty() {
            break;
        }
        let w: Vec<f64> = order.iter().map(|&i| units[i].plan.old_active as f64).collect();
        let parts = split(diff.abs(), &w, 0);
        for (&i, part) in order.iter().zip(parts) {
            diff -= apply(&mut units[i].plan, part * diff.signum());
        }
    }
}

/// Generates member rows unit by unit.
pub struct MemberGen<'a> {
    units: &'a [Unit],
    next: usize,
    rng: Rng,
    ids: IdNumbers,
    serial: u64,
}

impl<'a> MemberGen<'a> {
    pub fn new(units: &'a [Unit]) -> Self {
        Self { units, next: 0, rng: Rng::stream("members"), ids: IdNumbers::default(), serial: 0 }
    }

    /// The next batch of at least `min` rows (fewer only at the end), owned by the units' orgs.
    pub fn batch(&mut self, min: usize) -> Vec<(String, Values)> {
        let mut out = Vec::with_capacity(min + 10_000);
        while out.len() < min && self.next < self.units.len() {
            let u = &self.units[self.next];
            self.next += 1;
            self.unit(u, &mut out);
        }
        out
    }

    fn unit(&mut self, u: &Unit, out: &mut Vec<(String, Values)>) {
        let Some(on) = u.union_on else { return };
        let p = u.plan;
        let end = ymd(2009, 12, 31);
        let old_from = on.max(ymd(1980, 1, 1));
        let old_to = u.closed_on.map_or(ymd(2008, 12, 31), |c| c.min(ymd(2008, 12, 31)) - Days::new(60));
        let new_from = on.max(ymd(2009, 1, 1));
        // Members at the end of 2009: exact women counts, shuffled.
        for (n, f, from, to) in [(p.old_active, p.old_f, old_from, old_to), (p.new_active, p.new_f, new_from, end)] {
            let mut women: Vec<bool> = (0..n).map(|k| k < f).collect();
            for i in (1..women.len()).rev() {
                women.swap(i, self.rng.below(i + 1));
            }
            for (k, female) in women.into_iter().enumerate() {
                let joined = self.rng.date(from, to);
                let left = if (k as i64) < p.leave_2010 {
                    Some(u.closed_on.unwrap_or_else(|| self.rng.date(ymd(2010, 1, 1), ymd(2010, 12, 31))))
                } else {
                    None
                };
                out.push(self.member(u, female, joined, left));
            }
        }
        let share = u.women_share;
        for _ in 0..p.old_left {
            let female = self.rng.chance(share);
            let left = match u.closed_on.filter(|c| *c <= end) {
                Some(c) => c,
                None => self.rng.date(ymd(2007, 1, 1), end),
            };
            let joined = self.rng.date(old_from, (left - Days::new(90)).min(old_to).max(old_from));
            out.push(self.member(u, female, joined, Some(left.max(joined + Days::new(1)))));
        }
        for _ in 0..p.new_left {
            let female = self.rng.chance(share);
            let joined = self.rng.date(new_from, ymd(2009, 11, 30));
            let left = self.rng.date(joined + Days::new(1), end);
            out.push(self.member(u, female, joined, Some(left)));
        }
        for _ in 0..p.later {
            let female = self.rng.chance(share);
            let joined = self.rng.date(on.max(ymd(2010, 1, 1)), u.closed_on.unwrap_or(ymd(2010, 12, 31)));
            out.push(self.member(u, female, joined, None));
        }
    }

    fn member(&mut self, u: &Unit, female: bool, joined: NaiveDate, left: Option<NaiveDate>) -> (String, Values) {
        let rng = &mut self.rng;
        let retired = matches!(u.cat, Cat::PublicEnt | Cat::Institution | Cat::Government)
            && joined.year() < 2000
            && rng.chance(0.03);
        let latest = joined.checked_sub_months(Months::new(18 * 12)).unwrap_or(joined);
        let birth = if retired {
            rng.date(ymd(1936, 1, 1), ymd(1949, 12, 31))
        } else {
            let oldest = joined.checked_sub_months(Months::new(45 * 12)).unwrap_or(latest).max(ymd(1950, 1, 1));
            rng.date(oldest.min(latest), latest)
        };
        let region = if rng.chance(0.85) { u.region } else { *rng.pick(&REGIONS) };
        let id = self.ids.next(rng, region, birth, female);
        let category = if retired {
            "离退休职工"
        } else if u.cat == Cat::Village || rng.chance(u.migrant_share * 0.8) {
            "农民工"
        } else if matches!(u.cat, Cat::PublicEnt | Cat::AboveScale) && rng.chance(0.04) {
            "劳务派遣工"
        } else {
            "职工"
        };
        self.serial += 1;
        let reason = left.map(|l| {
            if u.closed_on == Some(l) {
                "其他"
            } else {
                *rng.pick(&["转出", "转出", "转出", "转出", "转出", "退会", "退会", "除名", "去世", "其他"])
            }
        });
        let mut row = Row::new()
            .t("name", person_name(rng, female))
            .t("id_number", id)
            .t("unit_name", u.name.clone())
            .t("unit_credit_code", u.credit.clone())
            .t("category", category)
            .d("joined_on", joined)
            .od("left_on", left)
            .ot("left_reason", reason)
            .t("card_no", format!("HY{:010}", self.serial));
        if rng.chance(0.08) {
            row = row.t("phone", mobile(rng));
        }
        (u.org.clone(), row.0)
    }
}
