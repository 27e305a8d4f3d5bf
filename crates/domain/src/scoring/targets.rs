//! Cascading a target down the tree, and what changed between two runs of an assessment.

use super::assess::Assessment;
use crate::indicator::Number;
use crate::{OrgId, OrgKind};
use serde::{Deserialize, Serialize};

/// Splits `total` among parts in proportion to `weights` (equal parts when every weight is zero).
/// A whole-number total gives whole-number parts (largest remainder, ties to the earlier part),
/// so the parts always add up to the total exactly.
pub fn split(total: Number, weights: &[Number]) -> Vec<Number> {
    if weights.is_empty() {
        return Vec::new();
    }
    let sum = weights.iter().fold(Number::ZERO, |a, w| a.checked_add(*w).unwrap_or(a));
    let shares: Vec<Number> = if sum > Number::ZERO {
        weights.iter().map(|w| total.checked_mul(*w).and_then(|x| x.checked_div(sum)).unwrap_or(Number::ZERO)).collect()
    } else {
        let n = Number::int(weights.len() as i64);
        weights.iter().map(|_| total.checked_div(n).unwrap_or(Number::ZERO)).collect()
    };
    if !total.is_integer() {
        return shares;
    }
    // Floors, then one more for the largest remainders until the total is reached.
    let floors: Vec<i128> = shares.iter().map(|s| s.numer().div_euclid(s.denom())).collect();
    let mut left = total.numer() - floors.iter().sum::<i128>();
    let mut order: Vec<usize> = (0..shares.len()).collect();
    let rem =
        |i: usize| shares[i].checked_sub(Number::new(floors[i], 1).unwrap_or(Number::ZERO)).unwrap_or(Number::ZERO);
    order.sort_by(|a, b| rem(*b).cmp(&rem(*a)).then(a.cmp(b)));
    let mut parts = floors;
    for i in order {
        if left <= 0 {
            break;
        }
        parts[i] += 1;
        left -= 1;
    }
    parts.into_iter().map(|p| Number::new(p, 1).unwrap_or(Number::ZERO)).collect()
}

/// One org's result that differs between two runs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Change {
    pub org: OrgId,
    pub name: String,
    /// (before, after); `None` when the org was not assessed in that run.
    pub total: (Option<i64>, Option<i64>),
    pub grade: (Option<String>, Option<String>),
    pub rank: (Option<usize>, Option<usize>),
    /// Items whose points changed: (item key, before, after).
    pub items: Vec<(String, i64, i64)>,
    /// The org's name in the earlier run, when it has been renamed since.
    #[serde(default)]
    pub renamed_from: Option<String>,
    /// (before, after) when the org's kind changed (which can move it between ranking groups).
    #[serde(default)]
    pub kind: Option<(OrgKind, OrgKind)>,
    /// Whether the org was moved under another parent.
    #[serde(default)]
    pub moved: bool,
}

/// What changed from `before` to `after`, org by org (orgs in `after`'s order, then any that
/// dropped out).
pub fn diff(before: &Assessment, after: &Assessment) -> Vec<Change> {
    let find = |a: &'_ Assessment, org: OrgId| a.results.iter().find(|r| r.org.org == org).cloned();
    let mut orgs: Vec<(OrgId, String)> = after.results.iter().map(|r| (r.org.org, r.org.name.clone())).collect();
    for r in &before.results {
        if !orgs.iter().any(|(o, _)| *o == r.org.org) {
            orgs.push((r.org.org, r.org.name.clone()));
        }
    }
    let mut out = Vec::new();
    for (org, name) in orgs {
        let (b, a) = (find(before, org), find(after, org));
        let items: Vec<(String, i64, i64)> = match (&b, &a) {
            (Some(b), Some(a)) => a
                .items
                .iter()
                .filter_map(|ai| {
                    let bp = b.items.iter().find(|bi| bi.item == ai.item).map_or(0, |bi| bi.points);
                    (bp != ai.points).then(|| (ai.item.clone(), bp, ai.points))
                })
                .collect(),
            _ => Vec::new(),
        };
        // What the assessor relies on about the org itself: its name, kind and parent.
        let (was, is) = (b.as_ref().map(|r| &r.org), a.as_ref().map(|r| &r.org));
        let (renamed_from, kind, moved) = match (was, is) {
            (Some(w), Some(i)) => (
                (w.name != i.name).then(|| w.name.clone()),
                (w.kind != i.kind).then_some((w.kind, i.kind)),
                w.parent != i.parent,
            ),
            _ => (None, None, false),
        };
        let c = Change {
            org,
            name,
            total: (b.as_ref().map(|r| r.total), a.as_ref().map(|r| r.total)),
            grade: (b.as_ref().map(|r| r.grade_zh.clone()), a.as_ref().map(|r| r.grade_zh.clone())),
            rank: (b.as_ref().map(|r| r.rank), a.as_ref().map(|r| r.rank)),
            items,
            renamed_from,
            kind,
            moved,
        };
        let org_changed = c.renamed_from.is_some() || c.kind.is_some() || c.moved;
        if c.total.0 != c.total.1
            || c.grade.0 != c.grade.1
            || c.rank.0 != c.rank.1
            || !c.items.is_empty()
            || org_changed
        {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn n(v: i64) -> Number {
        Number::int(v)
    }

    #[test]
    fn splits_by_weight_into_whole_parts() {
        assert_eq!(split(n(500), &[n(1), n(1), n(1)]), vec![n(167), n(167), n(166)]);
        assert_eq!(split(n(10), &[n(0), n(0)]), vec![n(5), n(5)]);
        assert_eq!(split(n(100), &[n(30), n(50), n(20)]), vec![n(30), n(50), n(20)]);
        let third = Number::new(1, 3).unwrap();
        assert_eq!(split(Number::new(1, 2).unwrap(), &[n(1), n(2)]), vec![Number::new(1, 6).unwrap(), third]);
    }

    proptest! {
        #[test]
        fn parts_add_up(total in 0i64..1_000_000, weights in proptest::collection::vec(0i64..1000, 1..20)) {
            let ws: Vec<Number> = weights.iter().map(|w| n(*w)).collect();
            let parts = split(n(total), &ws);
            let sum = parts.iter().fold(Number::ZERO, |a, p| a.checked_add(*p).unwrap());
            prop_assert_eq!(sum, n(total));
            prop_assert!(parts.iter().all(|p| p.is_integer() && *p >= Number::ZERO));
        }
    }
}
