//! The demo's 2009 targets: the city's target of each item the counties are scored on, split
//! among the 12 county federations by their 2008 figures (each county's 2008 figure plus the 2008
//! mean, so none gets nothing; rates go to each county unchanged) — the way a city federation
//! usually hands its yearly targets down.

use kaohe_domain::indicator::{Number, Period};
use kaohe_domain::{Actor, OrgKind};
use kaohe_store::Store;
use std::collections::BTreeMap;

/// Assigns the 2009 targets below 衡阳市总工会 (needs the pack's indicators and rulebooks).
pub async fn assign(store: &Store) -> anyhow::Result<()> {
    let op = store.scoped(Actor::Operator);
    let city = op.org_by_code(crate::orgs::CITY).await?;
    let book = op.rulebook(2009)?.clone();
    let counties: Vec<_> =
        op.assessees(2009, city.id).await?.into_iter().filter(|o| o.kind == OrgKind::Federation).collect();
    let ids: Vec<_> = counties.iter().map(|c| c.id).collect();
    for (_, item) in book.items().filter(|(_, i)| i.applies_to.contains(&OrgKind::Federation)) {
        let Some(total) = item.default_target else { continue };
        let plan = &op.indicators().get(&item.indicator).ok_or_else(|| anyhow::anyhow!("{}", item.indicator))?.plan;
        let last_year = op.figures(&[plan], &Period::year(2008), &ids).await?.remove(0);
        // Last year's share, plus an even share of last year's mean, so a county that did
        // nothing in 2008 still gets a target.
        let last: Vec<Number> = last_year.into_iter().map(|v| v.unwrap_or(Number::ZERO)).collect();
        let sum = last.iter().fold(Number::ZERO, |a, v| a.checked_add(*v).unwrap_or(a));
        let mean = sum.checked_div(Number::int(last.len().max(1) as i64)).unwrap_or(Number::ZERO);
        let weights: BTreeMap<_, Number> =
            ids.iter().zip(&last).map(|(id, v)| (*id, v.checked_add(mean).unwrap_or(*v))).collect();
        op.cascade_target(2009, city.id, &item.key, total, Some(&weights)).await?;
    }
    Ok(())
}
