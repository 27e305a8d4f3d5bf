//! Putting a year's scores together: each assessed org's item points, bonus and deduction items,
//! veto items, composite score, grade, and rank among its peers (same parent, same kind).

use super::rule::{show, show_points};
use super::{Direction, Item, Rulebook, TieBreak, VetoEffect};
use crate::indicator::Number;
use crate::{OrgId, OrgKind};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// An org under assessment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Assessee {
    pub org: OrgId,
    pub code: String,
    pub name: String,
    pub kind: OrgKind,
    pub parent: Option<OrgId>,
    /// Its groups for assessment (see [`crate::Org::groups`]).
    #[serde(default)]
    pub groups: Vec<String>,
}

impl Assessee {
    /// What the rulebook selects the org by.
    pub fn tags(&self) -> crate::OrgTags<'_> {
        crate::OrgTags { kind: self.kind, code: &self.code, groups: &self.groups }
    }
}

/// What an assessment is computed from: the year's figures for each assessed org's scope and
/// the per-org targets (an item's default target applies where none is assigned).
#[derive(Debug, Clone, Default)]
pub struct Inputs {
    /// (org, indicator key) → the figure; `None` when it cannot be computed (a manual figure not
    /// yet submitted and approved, a ratio over zero).
    pub figures: BTreeMap<(OrgId, String), Option<Number>>,
    /// (org, item key) → the assigned target.
    pub targets: BTreeMap<(OrgId, String), Number>,
    /// The assessing org, whose figures departments answer for (see `Item::departments`).
    pub assessing: Option<OrgId>,
}

/// One target item of one org, explained.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ItemLine {
    pub section: String,
    pub item: String,
    pub name_zh: String,
    pub indicator: String,
    /// Weight in hundredths of a point.
    pub weight: i64,
    pub actual: Option<Number>,
    pub target: Option<Number>,
    /// Points in hundredths.
    pub points: i64,
    pub rule: super::Rule,
    pub arithmetic_zh: String,
    pub arithmetic_en: String,
    pub clause: String,
}

/// A veto item checked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VetoLine {
    pub key: String,
    pub name_zh: String,
    pub actual: Option<Number>,
    pub limit: Number,
    pub violated: bool,
    pub effect: VetoEffect,
    pub clause: String,
}

/// A bonus or deduction item applied.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdjustmentLine {
    pub key: String,
    pub name_zh: String,
    pub direction: Direction,
    pub actual: Option<Number>,
    /// Signed points in hundredths (negative for deductions).
    pub points: i64,
    pub arithmetic_zh: String,
    pub clause: String,
}

/// One assessed org's result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrgResult {
    pub org: Assessee,
    pub items: Vec<ItemLine>,
    pub vetoes: Vec<VetoLine>,
    pub adjustments: Vec<AdjustmentLine>,
    /// Sum of the item points (hundredths).
    pub base: i64,
    pub bonus: i64,
    /// Deductions, as a positive number of hundredths.
    pub deduction: i64,
    /// base + bonus − deduction.
    pub own_total: i64,
    /// With a composite rule: k and the average total of the assessed orgs directly below.
    pub composite: Option<(Number, i64)>,
    pub total: i64,
    pub grade_zh: String,
    pub grade_en: String,
    /// A veto item was violated: the grade is the lowest.
    pub vetoed: bool,
    /// 不予评先: not eligible for awards.
    pub no_award: bool,
    /// 1-based rank among peers (same parent, same kind); equal ranks are ties.
    pub rank: usize,
    pub peers: usize,
}

/// A whole assessment run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Assessment {
    pub year: i32,
    pub rulebook_version: String,
    pub results: Vec<OrgResult>,
    /// Things the assessment office should look at (targets not assigned, figures missing).
    pub warnings: Vec<String>,
}

fn hundredths(n: Number) -> i64 {
    i64::try_from(n.round_scaled(2)).unwrap_or(i64::MAX)
}

fn score_item(item: &Item, section: &str, actual: Option<Number>, target: Option<Number>) -> ItemLine {
    let (points, zh, en) = match (actual, target) {
        (Some(a), Some(t)) => {
            let s = item.rule.score(item.weight, a, t);
            (s.points, s.arithmetic_zh, s.arithmetic_en)
        }
        (None, _) if item.full_without_figure => (
            i64::try_from(item.weight.round_scaled(2)).unwrap_or(0),
            "无此项工作(无实际数),按规定不扣分,得满分".to_owned(),
            "nothing to measure: not applicable, full weight".to_owned(),
        ),
        (None, _) => (0, "无实际数(未填报或无法计算),得 0".to_owned(), "no actual figure: 0".to_owned()),
        (Some(_), None) => (0, "未下达目标值,得 0".to_owned(), "no target assigned: 0".to_owned()),
    };
    ItemLine {
        section: section.to_owned(),
        item: item.key.clone(),
        name_zh: item.name_zh.clone(),
        indicator: item.indicator.clone(),
        weight: hundredths(item.weight),
        actual,
        target,
        points,
        rule: item.rule.clone(),
        arithmetic_zh: zh,
        arithmetic_en: en,
        clause: item.clause.clone(),
    }
}

/// The departments a rulebook names (by group or code) that no assessed department carries (a
/// department whose groups were never set): their items would be answered by nobody.
fn unmatched_departments(book: &Rulebook, assessees: &[Assessee]) -> Vec<String> {
    let departments: Vec<&Assessee> = assessees.iter().filter(|a| a.kind == OrgKind::Department).collect();
    if departments.is_empty() {
        return Vec::new();
    }
    let named: std::collections::BTreeSet<&str> =
        book.items().flat_map(|(_, i)| i.departments.iter().map(String::as_str)).collect();
    named
        .into_iter()
        .filter(|d| !departments.iter().any(|a| a.tags().has(d)))
        .map(|d| format!("考核办法中的部室分组“{d}”没有受考核部室属于它,其负责的考核项无人承担:请在组织管理中为相应部室填写考核分组"))
        .collect()
}

/// Scores every assessed org by `book`.
pub fn assess(book: &Rulebook, assessees: &[Assessee], inputs: &Inputs) -> Assessment {
    let mut warnings = Vec::new();
    let figure = |org: OrgId, key: &str| inputs.figures.get(&(org, key.to_owned())).copied().flatten();
    let mut results: Vec<OrgResult> = Vec::new();
    for a in assessees {
        let mut items = Vec::new();
        for (section, item) in book.items().filter(|(_, i)| i.applies(&a.tags())) {
            let target = inputs.targets.get(&(a.org, item.key.clone())).copied().or(item.default_target);
            let actual = inputs
                .assessing
                .filter(|_| item.answerable(&a.tags()))
                .map_or_else(|| figure(a.org, &item.indicator), |top| figure(top, &item.indicator));
            if target.is_none() {
                warnings.push(format!("{}:“{}”未下达目标值", a.name, item.name_zh));
            }
            if actual.is_none() && !item.full_without_figure {
                warnings.push(format!("{}:“{}”无实际数", a.name, item.name_zh));
            }
            items.push(score_item(item, &section.name_zh, actual, target));
        }
        let vetoes: Vec<VetoLine> = book
            .vetoes
            .iter()
            .map(|v| {
                let actual = figure(a.org, &v.indicator);
                VetoLine {
                    key: v.key.clone(),
                    name_zh: v.name_zh.clone(),
                    actual,
                    limit: v.limit,
                    violated: actual.is_some_and(|x| x > v.limit),
                    effect: v.effect,
                    clause: v.clause.clone(),
                }
            })
            .collect();
        let adjustments: Vec<AdjustmentLine> = book
            .adjustments
            .iter()
            .map(|j| {
                let actual = figure(a.org, &j.indicator);
                let raw = actual.and_then(|x| x.checked_mul(j.per)).unwrap_or(Number::ZERO);
                let capped = if raw > j.cap { j.cap } else { raw };
                let capped = if capped < Number::ZERO { Number::ZERO } else { capped };
                let p = hundredths(capped);
                let sign = if j.direction == Direction::Bonus { 1 } else { -1 };
                let arithmetic_zh = match actual {
                    Some(x) => format!("min({}, {} × {}) = {}", show(j.cap), show(j.per), show(x), show_points(p)),
                    None => "无数据,0".to_owned(),
                };
                AdjustmentLine {
                    key: j.key.clone(),
                    name_zh: j.name_zh.clone(),
                    direction: j.direction,
                    actual,
                    points: sign * p,
                    arithmetic_zh,
                    clause: j.clause.clone(),
                }
            })
            .collect();
        let base: i64 = items.iter().map(|i| i.points).sum();
        let bonus: i64 = adjustments.iter().filter(|j| j.points > 0).map(|j| j.points).sum();
        let deduction: i64 = adjustments.iter().filter(|j| j.points < 0).map(|j| -j.points).sum();
        let own_total = base + bonus - deduction;
        let vetoed = vetoes.iter().any(|v| v.violated && v.effect == VetoEffect::Veto);
        let no_award = vetoes.iter().any(|v| v.violated);
        results.push(OrgResult {
            org: a.clone(),
            items,
            vetoes,
            adjustments,
            base,
            bonus,
            deduction,
            own_total,
            composite: None,
            total: own_total,
            grade_zh: String::new(),
            grade_en: String::new(),
            vetoed,
            no_award,
            rank: 0,
            peers: 0,
        });
    }
    if let Some(k) = book.composite_k {
        apply_composite(&mut results, k);
    }
    for r in &mut results {
        let band = if r.vetoed { book.lowest_grade() } else { book.grade_for(r.total) };
        if let Some(g) = band {
            r.grade_zh = g.name_zh.clone();
            r.grade_en = g.name_en.clone();
        }
    }
    rank(&mut results, book.tie_break);
    warnings.extend(unmatched_departments(book, assessees));
    Assessment { year: book.year, rulebook_version: book.version.clone(), results, warnings }
}

/// Composite totals, deepest first: own total + k × the average total of the assessed orgs
/// directly below (an org with none keeps its own total).
fn apply_composite(results: &mut [OrgResult], k: Number) {
    let index: BTreeMap<OrgId, usize> = results.iter().enumerate().map(|(i, r)| (r.org.org, i)).collect();
    let depth = |mut i: usize| {
        let mut d = 0;
        while let Some(p) = results[i].org.parent.and_then(|p| index.get(&p)) {
            d += 1;
            i = *p;
        }
        d
    };
    let mut order: Vec<(usize, usize)> = (0..results.len()).map(|i| (depth(i), i)).collect();
    order.sort_by(|a, b| b.cmp(a));
    for (_, i) in order {
        let org = results[i].org.org;
        let kids: Vec<i64> = results.iter().filter(|r| r.org.parent == Some(org)).map(|r| r.total).collect();
        if kids.is_empty() {
            continue;
        }
        let avg = Number::new(i128::from(kids.iter().sum::<i64>()), kids.len() as i128).unwrap_or(Number::ZERO);
        let add = k.checked_mul(avg).map(|x| x.round_scaled(0) as i64).unwrap_or(0);
        results[i].composite = Some((k, avg.round_scaled(0) as i64));
        results[i].total = results[i].own_total + add;
    }
}

/// Standard competition ranks (1, 2, 2, 4) of `keys`, highest first.
pub fn competition_ranks<K: Ord + Copy>(keys: &[K]) -> Vec<usize> {
    keys.iter().map(|k| 1 + keys.iter().filter(|o| *o > k).count()).collect()
}

fn rank(results: &mut [OrgResult], tie: TieBreak) {
    let mut groups: BTreeMap<(Option<OrgId>, OrgKind), Vec<usize>> = BTreeMap::new();
    for (i, r) in results.iter().enumerate() {
        groups.entry((r.org.parent, r.org.kind)).or_default().push(i);
    }
    for members in groups.values() {
        // Vetoed orgs rank after the others; then by total; then, if the rulebook says so, by base.
        let keys: Vec<(bool, i64, i64)> = members
            .iter()
            .map(|&i| {
                let r = &results[i];
                (!r.vetoed, r.total, if tie == TieBreak::BaseScore { r.base } else { 0 })
            })
            .collect();
        for (&i, rank) in members.iter().zip(competition_ranks(&keys)) {
            results[i].rank = rank;
            results[i].peers = members.len();
        }
    }
}
