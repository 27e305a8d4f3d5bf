//! Decides each unit's history: when its union was founded (573 in 2009), whether it closed,
//! restructured, set up a workers' congress or a women's organisation, appraises its leaders —
//! and which units' unions are orgs of their own in the tree. Counts that are figures are hit
//! exactly; the rest is drawn at random from the unit's kind.

use crate::manifest::Manifest;
use crate::orgs::{CITY, county_code, town_code};
use crate::rng::{Rng, split, ymd};
use crate::units::{Cat, Group, Unit};
use anyhow::bail;
use chrono::{Datelike, Days, NaiveDate};

/// How a unit's union came about, relative to the report's year.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Fate {
    /// Union founded before 2009, still open at the end of 2010.
    Old,
    /// Union founded before 2009, unit closed in 2010.
    Closes2010,
    /// Union founded in 2009.
    New2009,
    /// Union founded in 2010.
    New2010,
    /// No union.
    NoUnion,
}

/// Per category: new unions' weight in 2009, and how many open units close in 2010, found a
/// union in 2010, or have none.
fn fates(cat: Cat) -> (f64, usize, usize, usize) {
    match cat {
        Cat::PublicEnt => (3.0, 4, 0, 0),
        Cat::Institution => (27.0, 0, 0, 0),
        Cat::AboveScale => (28.0, 5, 0, 26),
        Cat::Small => (330.0, 15, 90, 350),
        Cat::Government => (10.0, 0, 0, 0),
        Cat::Village => (150.0, 0, 50, 50),
        Cat::Other => (25.0, 0, 5, 10),
    }
}

fn old_union_years(cat: Cat) -> (i32, i32) {
    match cat {
        Cat::PublicEnt | Cat::Government => (1952, 2000),
        Cat::Institution => (1956, 2005),
        Cat::AboveScale => (1995, 2008),
        Cat::Small => (2001, 2008),
        Cat::Village => (2004, 2008),
        Cat::Other => (2002, 2008),
    }
}

fn between(rng: &mut Rng, from: NaiveDate, to: NaiveDate) -> NaiveDate {
    if to <= from { from } else { rng.date(from, to) }
}

/// Assigns unions, closures, congresses, restructurings, women's organisations and appraisal.
pub fn assign(m: &Manifest, units: &mut [Unit], groups: &[Group]) -> anyhow::Result<()> {
    let mut rng = Rng::stream("roles");
    let end = ymd(2009, 12, 31);
    let new09 = split(m.n("new_unions"), &groups.iter().map(|g| fates(g.cat).0).collect::<Vec<_>>(), 0);
    for u in units.iter_mut().filter(|u| u.named) {
        u.union_on = Some(rng.date(ymd(1952, 1, 1), ymd(1995, 12, 31)));
    }
    for (Group { cat, open, closed }, n09) in groups.iter().zip(new09) {
        let (_, c10, n10, none) = fates(*cat);
        let mut plan = Vec::new();
        plan.extend(std::iter::repeat_n(Fate::Closes2010, c10));
        plan.extend(std::iter::repeat_n(Fate::New2009, n09 as usize));
        plan.extend(std::iter::repeat_n(Fate::New2010, n10));
        plan.extend(std::iter::repeat_n(Fate::NoUnion, none));
        if plan.len() > open.len() {
            bail!("too few {cat:?} units for their fates");
        }
        let (y0, y1) = old_union_years(*cat);
        for (k, &i) in open.iter().enumerate() {
            let u = &mut units[i];
            match plan.get(k).copied().unwrap_or(Fate::Old) {
                Fate::Old => u.union_on = Some(rng.date(ymd(y0, 1, 1), ymd(y1, 12, 31))),
                Fate::Closes2010 => {
                    u.union_on = Some(rng.date(ymd(y0, 1, 1), ymd(y1, 12, 31)));
                    u.closed_on = Some(rng.date(ymd(2010, 2, 1), ymd(2010, 12, 20)));
                }
                Fate::New2009 => u.union_on = Some(rng.weekday(ymd(2009, 1, 5), ymd(2009, 11, 30))),
                Fate::New2010 => u.union_on = Some(rng.weekday(ymd(2010, 1, 4), ymd(2010, 11, 30))),
                Fate::NoUnion => {}
            }
        }
        for &i in closed {
            let u = &mut units[i];
            let shut = rng.date(ymd(2007, 3, 1), ymd(2009, 11, 30));
            u.closed_on = Some(shut);
            u.union_on = Some(rng.date(ymd(y0, 1, 1), ymd(y1.min(shut.year() - 1), 12, 31)));
        }
    }
    congresses(m, units, &mut rng)?;
    restructure(m, units, &mut rng);
    women_orgs(m, units, &mut rng, end);
    appraisal(m, units, end)?;
    Ok(())
}

/// Public units all have a congress by the end of 2009; exactly the manifest's number of open
/// non-public above-scale enterprises do, some more set one up in 2010.
fn congresses(m: &Manifest, units: &mut [Unit], rng: &mut Rng) -> anyhow::Result<()> {
    let end = ymd(2009, 12, 31);
    for u in units.iter_mut() {
        let Some(on) = u.union_on else { continue };
        let since = |rng: &mut Rng| {
            if on.year() >= 2009 {
                Some(between(rng, on + Days::new(10), ymd(on.year(), 12, 20)))
            } else if rng.chance(0.12) {
                None
            } else {
                Some(between(rng, on.max(ymd(1986, 1, 1)), ymd(2009, 6, 30)))
            }
        };
        let open = u.open_on(ymd(2009, 12, 31));
        if u.public() || u.cat == Cat::Small && rng.chance(0.15) || u.cat == Cat::AboveScale && !open && rng.chance(0.5)
        {
            u.congress = true;
            u.congress_since = since(rng);
        }
        u.openness = if u.congress { rng.chance(0.95) } else { rng.chance(0.2) };
    }
    // Open non-public above-scale enterprises: the named ones and the larger ones first.
    let mut cands: Vec<(f64, usize)> = units
        .iter()
        .enumerate()
        .filter(|(_, u)| u.cat == Cat::AboveScale && u.open_on(end) && u.union_on.is_some_and(|d| d <= end))
        .map(|(i, u)| (if u.named { f64::MAX } else { u.employees as f64 * (0.5 + rng.unit()) }, i))
        .collect();
    cands.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    let target = m.n("congress_private_units") as usize;
    if cands.len() < target + 46 {
        bail!("only {} above-scale enterprises with a union for {target} congresses", cands.len());
    }
    for (k, (_, i)) in cands.iter().enumerate() {
        let u = &mut units[*i];
        let on = u.union_on.unwrap_or(end);
        if k < target {
            u.congress = true;
            u.congress_since = if on.year() < 2009 && rng.chance(0.08) {
                None
            } else {
                Some(between(rng, (on + Days::new(10)).max(ymd(1996, 1, 1)), ymd(2009, 12, 15)))
            };
        } else if k < target + 46 {
            u.congress = true;
            u.congress_since = Some(rng.date(ymd(2010, 1, 10), ymd(2010, 12, 15)));
        }
        u.openness = u.congress && rng.chance(0.95);
    }
    Ok(())
}

/// Restructurings in 2008, 2009 (the manifest's 8 state + 4 collective) and 2010, drawn from
/// public enterprises (which become state- or collective-controlled) and from above-scale
/// enterprises with a congress (privatised earlier in the year's books).
fn restructure(m: &Manifest, units: &mut [Unit], rng: &mut Rng) {
    let end = ymd(2009, 12, 31);
    let state = m.n("restructured_state");
    let coll = m.n("restructured_collective");
    let other = (m.n("restructured") - state - coll).max(0);
    let years: [(i32, i64, i64, i64); 3] = [(2008, 6, 3, 0), (2009, state, coll, other), (2010, 4, 2, 0)];
    let mut used = std::collections::HashSet::new();
    for (year, st, co, ot) in years {
        let pres = std::iter::repeat_n("国有", st as usize)
            .chain(std::iter::repeat_n("集体", co as usize))
            .chain(std::iter::repeat_n("国有控股", ot as usize));
        for (k, pre) in pres.enumerate() {
            let from_public = k % 5 < 2;
            let cands: Vec<usize> = (0..units.len())
                .filter(|i| {
                    let u = &units[*i];
                    !used.contains(i)
                        && !u.named
                        && u.closed_on.is_none()
                        && u.union_on.is_some_and(|d| d.year() < 2008)
                        && if from_public {
                            u.cat == Cat::PublicEnt
                        } else {
                            u.cat == Cat::AboveScale && u.congress && u.congress_since.is_none_or(|d| d <= end)
                        }
                })
                .collect();
            let pick = (!cands.is_empty()).then(|| cands[rng.below(cands.len())]);
            let Some(i) = pick else { continue };
            used.insert(i);
            let u = &mut units[i];
            let on = rng.weekday(ymd(year, 2, 1), ymd(year, 11, 30));
            u.restructured = Some((on, pre));
            u.via_congress = !(year == 2008 && k == 0);
            u.congress = true;
            u.congress_since = Some(u.congress_since.unwrap_or(ymd(1990, 6, 1)).min(on - Days::new(30)));
            if from_public {
                u.ownership = if pre == "集体" { "集体控股" } else { "国有控股" };
            }
        }
    }
}

/// Women's organisations: drawn by kind, then evened out so exactly the manifest's number of
/// units open at the end of 2009 have one founded by then.
fn women_orgs(m: &Manifest, units: &mut [Unit], rng: &mut Rng, end: NaiveDate) {
    let eligible = |u: &Unit| u.open_on(end) && u.union_on.is_some_and(|d| d <= end);
    for u in units.iter_mut() {
        let Some(on) = u.union_on else { continue };
        let p = match u.cat {
            Cat::PublicEnt => 0.9,
            Cat::Institution => 0.92,
            Cat::AboveScale => 0.85,
            Cat::Small => 0.55,
            Cat::Government => 0.85,
            Cat::Village => 0.5,
            Cat::Other => 0.4,
        };
        if !(u.named || rng.chance(p)) {
            continue;
        }
        let from = (on + Days::new(20)).max(ymd(1985, 3, 8));
        u.women_org_on = Some(if on > end || (!u.named && rng.chance(0.04)) {
            between(rng, from.max(ymd(2010, 1, 1)), ymd(2010, 12, 20))
        } else if let Some(shut) = u.closed_on.filter(|c| *c <= end) {
            between(rng, from, shut - Days::new(30))
        } else {
            between(rng, from, ymd(2009, 12, 20))
        });
    }
    let count = units.iter().filter(|u| eligible(u) && u.women_org_on.is_some_and(|d| d <= end)).count() as i64;
    let diff = m.n("women_orgs") - count;
    let mut order: Vec<usize> = (0..units.len()).filter(|&i| eligible(&units[i]) && !units[i].named).collect();
    order.sort_by_key(|&i| (units[i].employees, i));
    if diff > 0 {
        // The largest units without one set one up.
        let add: Vec<usize> = order
            .iter()
            .rev()
            .copied()
            .filter(|&i| units[i].women_org_on.is_none_or(|d| d > end))
            .take(diff as usize)
            .collect();
        for i in add {
            let on = units[i].union_on.unwrap_or(end);
            units[i].women_org_on = Some(between(rng, (on + Days::new(20)).max(ymd(1985, 3, 8)), ymd(2009, 12, 20)));
        }
    } else {
        // The smallest units with one have none.
        let drop: Vec<usize> = order
            .iter()
            .copied()
            .filter(|&i| units[i].women_org_on.is_some_and(|d| d <= end))
            .take((-diff) as usize)
            .collect();
        for i in drop {
            units[i].women_org_on = None;
        }
    }
}

/// Democratic appraisal of leaders in the enterprises with a union: all but the manifest's
/// shortfall (the newest unions and the smallest firms lack it).
fn appraisal(m: &Manifest, units: &mut [Unit], end: NaiveDate) -> anyhow::Result<()> {
    let (num, den) = m.ratio("appraisal_coverage");
    let mut base: Vec<usize> = (0..units.len())
        .filter(|&i| units[i].cat.enterprise() && units[i].open_on(end) && units[i].union_on.is_some())
        .collect();
    if base.len() as i64 != den {
        bail!(
            "the demo has {} open enterprises with a union, the manifest's appraisal_coverage says {den}; \
             set it to [{}, {}]",
            base.len(),
            num.min(base.len() as i64),
            base.len()
        );
    }
    for u in units.iter_mut() {
        u.appraisal = u.cat == Cat::Institution && u.union_on.is_some();
    }
    base.sort_by_key(|&i| (std::cmp::Reverse(units[i].union_on.unwrap_or(end)), units[i].employees, i));
    for (k, &i) in base.iter().enumerate() {
        units[i].appraisal = k as i64 >= den - num;
    }
    Ok(())
}

/// Picks the units whose unions are orgs of their own (the seed's named units, the largest
/// units of each county and town) and sets every unit's owning org.
pub fn own_orgs(units: &mut [Unit]) {
    let eligible = |u: &Unit| u.closed_on.is_none() && u.union_on.is_some_and(|d| d.year() < 2009);
    let mut city = 0;
    let mut groups: std::collections::BTreeMap<(usize, Option<usize>), Vec<usize>> = Default::default();
    for (i, u) in units.iter().enumerate() {
        if let Some(c) = u.county {
            groups.entry((c, u.town)).or_default().push(i);
        }
    }
    for u in units.iter_mut().filter(|u| u.county.is_none()) {
        city += 1;
        u.own_org = true;
        u.parent_org = CITY.to_owned();
        u.org = format!("{CITY}-S{city:02}");
    }
    for ((c, town), members) in groups {
        let owner = match town {
            Some(t) => town_code(c, t),
            None => county_code(c),
        };
        let mut big: Vec<usize> = members.iter().copied().filter(|&i| eligible(&units[i])).collect();
        big.sort_by_key(|&i| (std::cmp::Reverse(units[i].named), std::cmp::Reverse(units[i].employees), i));
        let keep = if town.is_some() { 3 } else { 4 };
        for (k, &i) in big.iter().take(keep).enumerate() {
            let u = &mut units[i];
            u.own_org = true;
            u.org = match town {
                Some(_) => format!("{owner}-{:02}", k + 1),
                None => format!("{owner}-Z{:02}", k + 1),
            };
        }
        for &i in &members {
            units[i].parent_org = owner.clone();
            if !units[i].own_org {
                units[i].org = owner.clone();
            }
        }
    }
}
