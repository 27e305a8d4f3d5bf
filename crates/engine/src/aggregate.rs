//! Aggregates of one table: every org's own count, sum and extreme in one pass over row blocks,
//! then rolled up the tree (a prefix sum over the pre-order for counts and sums, a fold into the
//! parents for extremes).

use crate::budget::{Budget, Stopped};
use crate::column::{Column, NULL_INT, Table};
use crate::mask::Masker;
use crate::tree::OrgTree;
use kaohe_domain::calendar::WorkCalendar;
use kaohe_domain::indicator::Number;
use kaohe_domain::indicator::ast::AggFunc;
use kaohe_domain::indicator::plan::{Filter, Kind};
use std::ops::Range;

/// Rows per block: small enough for the masks to stay in cache.
const BLOCK: usize = 16 * 1024;

/// One aggregate to compute, its filter already resolved for its period.
pub(crate) struct Job<'a> {
    pub func: AggFunc,
    /// The summed field and its decimal scale.
    pub field: Option<(&'a str, u32)>,
    pub filter: Option<&'a Filter>,
}

/// An aggregate's figures per slot (a dense org, or a single scope).
#[derive(Debug, Clone, Default)]
pub(crate) struct Acc {
    pub count: Vec<i64>,
    pub sum: Vec<i128>,
    /// Minimum or maximum, when the function asks for one.
    pub ext: Vec<i64>,
    /// Whether `ext` keeps the minimum.
    pub min: bool,
}

impl Acc {
    fn new(func: AggFunc, slots: usize) -> Self {
        let sums = matches!(func, AggFunc::Sum | AggFunc::Avg);
        let ext = match func {
            AggFunc::Min => vec![i64::MAX; slots],
            AggFunc::Max => vec![i64::MIN; slots],
            _ => Vec::new(),
        };
        Acc {
            count: vec![0; slots],
            sum: if sums { vec![0; slots] } else { Vec::new() },
            ext,
            min: func == AggFunc::Min,
        }
    }

    /// No rows: zero counts and sums, no extremes.
    pub fn empty(slots: usize) -> Self {
        Acc { count: vec![0; slots], sum: vec![0; slots], ext: vec![0; slots], min: false }
    }

    /// Copies slot 0 of `from` into `slot`.
    pub fn set_slot(&mut self, slot: usize, from: &Acc) {
        self.count[slot] = from.count[0];
        self.sum[slot] = from.sum.first().copied().unwrap_or(0);
        self.ext[slot] = from.ext.first().copied().unwrap_or(0);
    }

    /// The figure of a slot.
    pub fn figure(&self, func: AggFunc, scale: u32, slot: usize) -> Option<Number> {
        let count = self.count[slot];
        match func {
            AggFunc::Count => Some(Number::int(count)),
            AggFunc::Sum => Some(Number::fixed(self.sum[slot], scale)),
            AggFunc::Avg => Number::fixed(self.sum[slot], scale).checked_div(Number::int(count)),
            AggFunc::Min | AggFunc::Max => (count > 0).then(|| Number::fixed(self.ext[slot].into(), scale)),
        }
    }
}

/// Computes every job over `rows`; with `per_org`, one slot per dense org (own rows only),
/// otherwise one slot for all the rows. Each block of rows is charged to `budget` first.
pub(crate) fn accumulate(
    table: &Table,
    calendar: &dyn WorkCalendar,
    jobs: &[Job],
    rows: Range<usize>,
    (slots, per_org): (usize, bool),
    budget: &Budget,
) -> Result<Vec<Acc>, Stopped> {
    let mut accs: Vec<Acc> = jobs.iter().map(|j| Acc::new(j.func, slots)).collect();
    let mut masker = Masker::new(table, calendar);
    let ones = vec![1u8; BLOCK];
    let orgs = table.orgs();
    // Row-steps per row: every job reads the row and applies its condition.
    let per_row: u64 = jobs.iter().map(|j| 1 + j.filter.map_or(0, Filter::size)).sum();
    let mut start = rows.start;
    while start < rows.end {
        let end = (start + BLOCK).min(rows.end);
        budget.charge(per_row.saturating_mul((end - start) as u64))?;
        masker.next_block();
        for (job, acc) in jobs.iter().zip(&mut accs) {
            // A count ANDs the parts of its condition as it adds up; a sum or extreme reads the
            // whole condition's mask.
            let parts: Vec<&[u8]> = match job.filter {
                Some(f) if job.field.is_none() => masker.parts(f, start..end),
                Some(f) => vec![masker.mask(f, start..end)],
                None => vec![&ones[..end - start]],
            };
            let mask = parts[0];
            let values = job.field.and_then(|(k, _)| match table.column(k) {
                Some(Column::Int(v)) => Some(&v[start..end]),
                _ => None,
            });
            if job.field.is_some() && values.is_none() {
                continue;
            }
            // Runs of rows of one org: the orgs the block spans, in order.
            let spans = if per_org { orgs[start]..orgs[end - 1] + 1 } else { 0..1 };
            // Few rows per org (units, say): add each row to its org instead of walking runs.
            if per_org && values.is_none() && (end - start) < 8 * spans.len() {
                let own = &orgs[start..end];
                match parts.as_slice() {
                    [m] => own.iter().zip(*m).for_each(|(d, x)| acc.count[*d as usize] += i64::from(*x)),
                    [a, b] => own
                        .iter()
                        .zip(a.iter().zip(*b))
                        .for_each(|(d, (x, y))| acc.count[*d as usize] += i64::from(x & y)),
                    _ => {
                        for (k, d) in own.iter().enumerate() {
                            acc.count[*d as usize] += i64::from(parts.iter().all(|p| p[k] == 1));
                        }
                    }
                }
                continue;
            }
            for d in spans {
                let (slot, a, b) = if per_org {
                    let r = table.range(d, d + 1);
                    (d as usize, r.start.max(start), r.end.min(end))
                } else {
                    (0, start, end)
                };
                if a >= b {
                    continue;
                }
                let m = &mask[a - start..b - start];
                match values {
                    // Every row counts: no mask to add up.
                    None if job.filter.is_none() => acc.count[slot] += (b - a) as i64,
                    None if parts.len() == 1 => acc.count[slot] += i64::from(ones_in(m)),
                    None => acc.count[slot] += i64::from(ones_in_all(&parts, a - start..b - start)),
                    Some(v) => fold(acc, slot, m, &v[a - start..b - start]),
                }
            }
        }
        start = end;
    }
    Ok(accs)
}

/// How many rows a 0/1 mask keeps (added up as bytes into 32 bits, which vectorises well).
fn ones_in(m: &[u8]) -> u32 {
    m.iter().fold(0u32, |a, x| a + u32::from(*x))
}

/// How many rows every one of the masks keeps, over `r`.
fn ones_in_all(parts: &[&[u8]], r: Range<usize>) -> u32 {
    let (a, b) = (&parts[0][r.clone()], &parts[1][r.clone()]);
    match parts {
        [_, _] => a.iter().zip(b).fold(0u32, |n, (x, y)| n + u32::from(x & y)),
        [_, _, c] => {
            let c = &c[r];
            a.iter().zip(b).zip(c).fold(0u32, |n, ((x, y), z)| n + u32::from(x & y & z))
        }
        _ => (r.start..r.end).map(|i| u32::from(parts.iter().all(|p| p[i] == 1))).sum(),
    }
}

/// Adds one org's run of masked values (empty values are left out, as the reference does).
fn fold(acc: &mut Acc, slot: usize, m: &[u8], v: &[i64]) {
    let mut count = 0i64;
    let mut sum = 0i128;
    for (x, keep) in v.iter().zip(m) {
        let take = *keep == 1 && *x != NULL_INT;
        count += i64::from(take);
        sum += if take { i128::from(*x) } else { 0 };
    }
    acc.count[slot] += count;
    if !acc.sum.is_empty() {
        acc.sum[slot] += sum;
    }
    if !acc.ext.is_empty() && count > 0 {
        let picked = v.iter().zip(m).filter(|(x, k)| **k == 1 && **x != NULL_INT).map(|(x, _)| *x);
        let e = &mut acc.ext[slot];
        *e = if acc.min { picked.fold(*e, i64::min) } else { picked.fold(*e, i64::max) };
    }
}

/// Rolls per-org figures up to every org's subtree.
pub(crate) fn roll_up(acc: Acc, tree: &OrgTree) -> Acc {
    let n = tree.len();
    let subtree_sums = |own: &[i64]| -> Vec<i64> {
        let mut prefix = Vec::with_capacity(n + 1);
        prefix.push(0i64);
        for x in own {
            prefix.push(prefix[prefix.len() - 1] + x);
        }
        (0..n as u32).map(|d| prefix[tree.end(d) as usize] - prefix[d as usize]).collect()
    };
    let count = subtree_sums(&acc.count);
    let sum = if acc.sum.is_empty() {
        Vec::new()
    } else {
        let mut prefix = Vec::with_capacity(n + 1);
        prefix.push(0i128);
        for x in &acc.sum {
            prefix.push(prefix[prefix.len() - 1] + x);
        }
        (0..n as u32).map(|d| prefix[tree.end(d) as usize] - prefix[d as usize]).collect()
    };
    let mut ext = acc.ext;
    if !ext.is_empty() {
        // Children come after their parent in pre-order: fold from the last org back.
        for d in (0..n).rev() {
            if let Some(p) = tree.parent(d as u32) {
                let (c, p) = (ext[d], p as usize);
                ext[p] = if acc.min { ext[p].min(c) } else { ext[p].max(c) };
            }
        }
    }
    Acc { count, sum, ext, min: acc.min }
}

/// The decimal scale of a summed field.
pub(crate) fn scale_of(kind: Kind) -> u32 {
    match kind {
        Kind::Num(s) => s,
        _ => 0,
    }
}
