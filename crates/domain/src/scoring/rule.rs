//! Scoring rules: how one target's actual figure turns into points. Arithmetic is exact
//! ([`Number`]); the points are rounded once, to hundredths, half away from zero, and every result
//! carries the arithmetic that produced it.

use crate::indicator::Number;
use serde::{Deserialize, Serialize};

/// How a shortfall is measured.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Per {
    /// Per unit of the indicator (per union, per person…).
    Unit,
    /// Per percentage point of the target.
    Percent,
}

/// A scoring rule (see "Scoring" in DESIGN.md).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Rule {
    /// weight × min(actual ÷ target, cap).
    Proportional { cap: Number },
    /// The full weight when the target is reached, otherwise weight × floor (0 unless stated).
    Threshold { floor: Number },
    /// weight − per × shortfall (units or percentage points of the target), never below `floor`
    /// points.
    Shortfall { per: Number, by: Per, floor: Number },
    /// Reached: weight + per × each whole `step` beyond the target, the bonus at most `cap`;
    /// not reached: proportional.
    ExcessBonus { step: Number, per: Number, cap: Number },
    /// The target is a ceiling (e.g. escalated petitions ≤ 0): the full weight at or under it,
    /// minus `per` for each unit over it, never below 0.
    LowerIsBetter { per: Number },
}

/// One target scored: points in hundredths and how they came about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Scored {
    /// Points × 100, rounded half away from zero.
    pub points: i64,
    /// The arithmetic, in Chinese, with the figures filled in (`10 × min(573 ÷ 500, 1) = 10.00`).
    pub arithmetic_zh: String,
    /// The same in English.
    pub arithmetic_en: String,
}

/// A figure written for an explanation: whole numbers as they are, others to 4 decimals at most.
pub fn show(n: Number) -> String {
    if n.is_integer() {
        return n.exact();
    }
    let s = n.to_decimal_string(4);
    s.trim_end_matches('0').trim_end_matches('.').to_owned()
}

/// Points in hundredths written with two decimals (`1250` → `12.50`).
pub fn show_points(hundredths: i64) -> String {
    Number::fixed(i128::from(hundredths), 2).to_decimal_string(2)
}

fn hundredths(n: Number) -> i64 {
    i64::try_from(n.round_scaled(2)).unwrap_or(i64::MAX)
}

fn min(a: Number, b: Number) -> Number {
    if a < b { a } else { b }
}

fn max(a: Number, b: Number) -> Number {
    if a > b { a } else { b }
}

fn whole_steps(over: Number, step: Number) -> Number {
    // Whole steps: floor(over ÷ step) for non-negative `over`.
    match over.checked_div(step) {
        Some(q) => Number::new(q.numer().div_euclid(q.denom()), 1).unwrap_or(Number::ZERO),
        None => Number::ZERO,
    }
}

impl Rule {
    /// Scores `actual` against `target` for a target worth `weight` points.
    pub fn score(&self, weight: Number, actual: Number, target: Number) -> Scored {
        let zero = Number::ZERO;
        let one = Number::int(1);
        let (w, a, t) = (show(weight), show(actual), show(target));
        // A ratio of actual to target; a zero target counts as reached.
        let ratio = if target > zero { actual.checked_div(target).unwrap_or(zero) } else { one };
        let mul = |x: Number, y: Number| x.checked_mul(y).unwrap_or(zero);
        let sub = |x: Number, y: Number| x.checked_sub(y).unwrap_or(zero);
        let (points, zh, en) = match self {
            Rule::Proportional { cap } if target <= zero => {
                let p = mul(weight, min(one, *cap));
                (
                    p,
                    format!("目标为 {t},视为完成,{w} × {}", show(min(one, *cap))),
                    format!("target {t}: reached, {w} × {}", show(min(one, *cap))),
                )
            }
            Rule::Proportional { cap } => {
                let p = mul(weight, max(zero, min(ratio, *cap)));
                let zh = format!("{w} × min({a} ÷ {t}, {})", show(*cap));
                (p, zh.clone(), zh.replace('÷', "/"))
            }
            Rule::Threshold { floor } => {
                if actual >= target {
                    (weight, format!("{a} ≥ {t},得满分 {w}"), format!("{a} ≥ {t}: full {w}"))
                } else {
                    let p = mul(weight, *floor);
                    (p, format!("{a} < {t},得 {w} × {}", show(*floor)), format!("{a} < {t}: {w} × {}", show(*floor)))
                }
            }
            Rule::Shortfall { per, by, floor } => {
                if actual >= target {
                    (weight, format!("{a} ≥ {t},不扣分,得 {w}"), format!("{a} ≥ {t}: no deduction, {w}"))
                } else {
                    let short = sub(target, actual);
                    let (units, what_zh, what_en) = match by {
                        Per::Unit => (short, format!("差 {}", show(short)), format!("{} short", show(short))),
                        Per::Percent => {
                            let pts = mul(sub(one, ratio), Number::int(100));
                            (
                                pts,
                                format!("差 {} 个百分点", show(pts)),
                                format!("{} percentage points short", show(pts)),
                            )
                        }
                    };
                    // A floor above the weight would reward missing the target: it is capped there.
                    let floor = min(*floor, weight);
                    let p = max(floor, sub(weight, mul(*per, units)));
                    let expr = format!("max({}, {w} − {} × {})", show(floor), show(*per), show(units));
                    (p, format!("{what_zh},{expr}"), format!("{what_en}: {expr}"))
                }
            }
            Rule::ExcessBonus { step, per, cap } => {
                if actual >= target {
                    let steps = whole_steps(sub(actual, target), *step);
                    let bonus = min(*cap, mul(*per, steps));
                    let p = weight.checked_add(bonus).unwrap_or(weight);
                    let expr = format!("{w} + min({}, {} × {})", show(*cap), show(*per), show(steps));
                    (
                        p,
                        format!(
                            "超出目标 {},满 {} 的整步 {} 个,{expr}",
                            show(sub(actual, target)),
                            show(*step),
                            show(steps)
                        ),
                        format!("{} over: {} steps of {}: {expr}", show(sub(actual, target)), show(steps), show(*step)),
                    )
                } else {
                    let p = mul(weight, max(zero, ratio));
                    let zh = format!("未完成,按比例 {w} × {a} ÷ {t}");
                    (p, zh, format!("not reached, proportional: {w} × {a} / {t}"))
                }
            }
            Rule::LowerIsBetter { per } => {
                if actual <= target {
                    (weight, format!("{a} ≤ {t},得满分 {w}"), format!("{a} ≤ {t}: full {w}"))
                } else {
                    let over = sub(actual, target);
                    let p = max(zero, sub(weight, mul(*per, over)));
                    let expr = format!("max(0, {w} − {} × {})", show(*per), show(over));
                    (p, format!("超出 {} ,{expr}", show(over)), format!("{} over: {expr}", show(over)))
                }
            }
        };
        let points_h = hundredths(points);
        let shown = show_points(points_h);
        Scored { points: points_h, arithmetic_zh: format!("{zh} = {shown}"), arithmetic_en: format!("{en} = {shown}") }
    }

    /// The highest points the rule can give for `weight` (the weight, or more with a bonus or
    /// a cap above 1).
    pub fn max_points(&self, weight: Number) -> Number {
        match self {
            Rule::Proportional { cap } => weight.checked_mul(max(*cap, Number::ZERO)).unwrap_or(weight),
            Rule::ExcessBonus { cap, .. } => weight.checked_add(*cap).unwrap_or(weight),
            _ => weight,
        }
    }

    /// The rule in words for a rulebook's reader: (Chinese, English).
    pub fn describe(&self) -> (String, String) {
        let one = Number::int(1);
        match self {
            Rule::Proportional { cap } if *cap == one => {
                ("按完成比例计分,完成即得满分".into(), "in proportion to completion, full at the target".into())
            }
            Rule::Proportional { cap } => (
                format!("按完成比例计分,最高得分值的{}倍", show(*cap)),
                format!("in proportion to completion, at most {} × the weight", show(*cap)),
            ),
            Rule::Threshold { floor } if *floor == Number::ZERO => {
                ("完成目标得满分,未完成不得分".into(), "full at the target, nothing below it".into())
            }
            Rule::Threshold { floor } => (
                format!("完成目标得满分,未完成得分值的{}倍", show(*floor)),
                format!("full at the target, {} × the weight below it", show(*floor)),
            ),
            Rule::Shortfall { per, by, floor } => {
                let (u_zh, u_en) = match by {
                    Per::Unit => ("1个单位", "unit"),
                    Per::Percent => ("1个百分点", "percentage point"),
                };
                (
                    format!("每差{u_zh}扣{}分,最低{}分", show(*per), show(*floor)),
                    format!("{} points off per {u_en} short, at least {}", show(*per), show(*floor)),
                )
            }
            Rule::ExcessBonus { step, per, cap } => (
                format!("完成得满分,每超出{}加{}分,最多加{}分;未完成按比例计分", show(*step), show(*per), show(*cap)),
                format!(
                    "full at the target, +{} per {} beyond it (at most +{}); in proportion below it",
                    show(*per),
                    show(*step),
                    show(*cap)
                ),
            ),
            Rule::LowerIsBetter { per } => (
                format!("不超过目标得满分,每超出1扣{}分", show(*per)),
                format!("full at or under the target, {} points off per unit over", show(*per)),
            ),
        }
    }
}
