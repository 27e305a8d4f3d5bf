//! Rules and assessments against hand calculations, and properties every rule keeps.

use super::*;
use crate::indicator::Number;
use crate::{OrgId, OrgKind};
use proptest::prelude::*;

fn n(v: i64) -> Number {
    Number::int(v)
}

fn frac(a: i64, b: i64) -> Number {
    Number::new(i128::from(a), i128::from(b)).unwrap()
}

#[test]
fn proportional_is_capped() {
    let r = Rule::Proportional { cap: n(1) };
    let s = r.score(n(10), n(450), n(500));
    assert_eq!(s.points, 900, "10 × 450/500 = 9");
    assert_eq!(s.arithmetic_zh, "10 × min(450 ÷ 500, 1) = 9.00");
    assert_eq!(r.score(n(10), n(573), n(500)).points, 1000, "capped at the weight");
    let r = Rule::Proportional { cap: frac(6, 5) };
    assert_eq!(r.score(n(10), n(573), n(500)).points, 1146, "10 × 1.146");
    assert_eq!(r.score(n(10), n(700), n(500)).points, 1200, "capped at 1.2");
    // Rounded once, half away from zero: 10 × 1/3 = 3.333… → 3.33; 5 × 1/8 = 0.625 → 0.63.
    assert_eq!(Rule::Proportional { cap: n(1) }.score(n(10), n(1), n(3)).points, 333);
    assert_eq!(Rule::Proportional { cap: n(1) }.score(n(5), n(1), n(8)).points, 63);
}

#[test]
fn threshold_with_and_without_floor() {
    let r = Rule::Threshold { floor: Number::ZERO };
    assert_eq!(r.score(n(5), n(100), n(100)).points, 500);
    assert_eq!(r.score(n(5), n(99), n(100)).points, 0);
    let r = Rule::Threshold { floor: frac(1, 2) };
    assert_eq!(r.score(n(5), n(99), n(100)).points, 250);
}

#[test]
fn shortfall_per_unit_and_per_percent_floored() {
    let r = Rule::Shortfall { per: frac(1, 2), by: Per::Unit, floor: Number::ZERO };
    assert_eq!(r.score(n(8), n(17), n(20)).points, 650, "8 − 0.5 × 3");
    assert_eq!(r.score(n(8), n(0), n(20)).points, 0, "never below 0");
    let r = Rule::Shortfall { per: n(1), by: Per::Percent, floor: n(2) };
    // 90 of 100: 10 points short → 8 − 10 = −2, floored at 2.
    assert_eq!(r.score(n(8), n(90), n(100)).points, 200);
    // 97 of 100: 3 points short → 5.
    let s = r.score(n(8), n(97), n(100));
    assert_eq!(s.points, 500);
    assert!(s.arithmetic_zh.contains("差 3 个百分点"), "{}", s.arithmetic_zh);
}

#[test]
fn excess_bonus_per_whole_step_capped() {
    let r = Rule::ExcessBonus { step: n(10), per: frac(1, 2), cap: n(2) };
    assert_eq!(r.score(n(10), n(129), n(100)).points, 1100, "2 whole steps: +1");
    assert_eq!(r.score(n(10), n(200), n(100)).points, 1200, "10 steps, bonus capped at 2");
    assert_eq!(r.score(n(10), n(80), n(100)).points, 800, "not reached: proportional");
}

#[test]
fn lower_is_better() {
    let r = Rule::LowerIsBetter { per: n(2) };
    assert_eq!(r.score(n(5), n(0), n(0)).points, 500);
    assert_eq!(r.score(n(5), n(2), n(0)).points, 100, "5 − 2 × 2");
    assert_eq!(r.score(n(5), n(9), n(0)).points, 0);
}

fn any_rule() -> impl Strategy<Value = Rule> {
    let q = (0i64..400, 1i64..100).prop_map(|(a, b)| frac(a, b));
    prop_oneof![
        q.clone().prop_map(|cap| Rule::Proportional { cap }),
        (0i64..=100).prop_map(|f| Rule::Threshold { floor: frac(f, 100) }),
        (q.clone(), any::<bool>(), 0i64..5).prop_map(|(per, pct, floor)| Rule::Shortfall {
            per,
            by: if pct { Per::Percent } else { Per::Unit },
            floor: n(floor)
        }),
        (1i64..50, q.clone(), q.clone()).prop_map(|(step, per, cap)| Rule::ExcessBonus { step: n(step), per, cap }),
        q.prop_map(|per| Rule::LowerIsBetter { per }),
    ]
}

proptest! {
    /// Points are never negative and never above what the rule can give.
    #[test]
    fn points_stay_within_bounds(rule in any_rule(), w in 0i64..30, a in 0i64..100_000, t in 0i64..100_000) {
        let s = rule.score(n(w), n(a), n(t));
        prop_assert!(s.points >= 0, "{rule:?} {s:?}");
        prop_assert!(s.points <= rule.max_points(n(w)).round_scaled(2) as i64, "{rule:?} {s:?}");
        prop_assert!(s.arithmetic_zh.ends_with(&show_points(s.points)));
    }

    /// More is never worse (and for a ceiling target, more is never better).
    #[test]
    fn monotone_in_the_actual(rule in any_rule(), w in 0i64..30, a in 0i64..10_000, d in 0i64..10_000, t in 0i64..10_000) {
        let lo = rule.score(n(w), n(a), n(t)).points;
        let hi = rule.score(n(w), n(a + d), n(t)).points;
        if matches!(rule, Rule::LowerIsBetter { .. }) {
            prop_assert!(hi <= lo);
        } else {
            prop_assert!(hi >= lo, "{rule:?}: {a} → {lo}, {} → {hi}", a + d);
        }
    }

    /// Competition ranks: each rank is one more than the number of strictly better keys.
    #[test]
    fn ranks_count_the_better(keys in proptest::collection::vec(0i64..20, 0..30)) {
        let ranks = competition_ranks(&keys);
        for (k, r) in keys.iter().zip(&ranks) {
            prop_assert_eq!(*r, 1 + keys.iter().filter(|o| *o > k).count());
        }
    }
}

fn book() -> Rulebook {
    let item = |key: &str, indicator: &str, weight: i64, rule: Rule, target: i64| Item {
        key: key.into(),
        name_zh: key.into(),
        name_en: key.into(),
        indicator: indicator.into(),
        weight: n(weight),
        rule,
        default_target: Some(n(target)),
        applies_to: vec![OrgKind::Federation],
        departments: vec![],
        full_without_figure: false,
        clause: "第三条".into(),
        evidence: vec![],
    };
    Rulebook {
        year: 2009,
        version: "2009.1".into(),
        effective_on: "2009-01-01".parse().unwrap(),
        title: "t".into(),
        assessed_kinds: vec![OrgKind::Federation],
        assessed_groups: vec![],
        not_assessed: vec![],
        sections: vec![Section {
            key: "org".into(),
            name_zh: "组织建设".into(),
            name_en: "Organisation".into(),
            items: vec![
                item("unions", "new_unions", 60, Rule::Proportional { cap: n(1) }, 100),
                item("petitions", "escalated", 40, Rule::LowerIsBetter { per: n(10) }, 0),
            ],
        }],
        vetoes: vec![VetoItem {
            key: "integrity".into(),
            name_zh: "党风廉政".into(),
            name_en: "Integrity".into(),
            indicator: "integrity_violations".into(),
            limit: Number::ZERO,
            effect: VetoEffect::Veto,
            clause: "第八条".into(),
        }],
        adjustments: vec![Adjustment {
            key: "honours".into(),
            name_zh: "荣誉加分".into(),
            name_en: "Honours".into(),
            direction: Direction::Bonus,
            indicator: "honour_points".into(),
            per: n(1),
            cap: n(5),
            clause: "第九条".into(),
        }],
        grades: vec![
            GradeBand { name_zh: "优秀".into(), name_en: "Excellent".into(), min: 9000 },
            GradeBand { name_zh: "良好".into(), name_en: "Good".into(), min: 8000 },
            GradeBand { name_zh: "合格".into(), name_en: "Pass".into(), min: 6000 },
            GradeBand { name_zh: "不合格".into(), name_en: "Fail".into(), min: 0 },
        ],
        composite_k: None,
        tie_break: TieBreak::Shared,
        requests: vec![],
        checks: vec![],
        four_eyes: true,
    }
}

fn org(id: i64, parent: Option<i64>) -> Assessee {
    Assessee {
        org: OrgId(id),
        code: format!("C{id}"),
        name: format!("县{id}"),
        kind: OrgKind::Federation,
        parent: parent.map(OrgId),
        groups: vec![],
    }
}

fn inputs(rows: &[(i64, &str, i64)]) -> Inputs {
    let mut i = Inputs::default();
    for (org, key, v) in rows {
        i.figures.insert((OrgId(*org), (*key).to_owned()), Some(n(*v)));
    }
    i
}

#[test]
fn an_assessment_by_hand() {
    let orgs = [org(1, Some(9)), org(2, Some(9)), org(3, Some(9)), org(4, Some(9))];
    let mut i = inputs(&[
        // 1: 90 of 100 unions (54), no escalation (40), 8 honour points capped at 5 → 99.
        (1, "new_unions", 90),
        (1, "escalated", 0),
        (1, "honour_points", 8),
        (1, "integrity_violations", 0),
        // 2: 100 of 120 (assigned) → 50, one escalation → 30, → 80.
        (2, "new_unions", 100),
        (2, "escalated", 1),
        (2, "integrity_violations", 0),
        // 3: the best figures but a violated veto item → lowest grade, ranked last.
        (3, "new_unions", 150),
        (3, "escalated", 0),
        (3, "honour_points", 5),
        (3, "integrity_violations", 1),
        // 4: 250 of 500 assigned → 30, one escalation → 30.
        (4, "new_unions", 250),
        (4, "escalated", 1),
        (4, "integrity_violations", 0),
    ]);
    i.targets.insert((OrgId(2), "unions".into()), n(120));
    i.targets.insert((OrgId(4), "unions".into()), n(500));
    let a = assess(&book(), &orgs, &i);
    let r = |id: i64| a.results.iter().find(|r| r.org.org == OrgId(id)).unwrap();
    assert_eq!((r(1).base, r(1).bonus, r(1).total), (9400, 500, 9900));
    assert_eq!(r(1).adjustments[0].arithmetic_zh, "min(5, 1 × 8) = 5.00", "the bonus is capped");
    assert_eq!(r(2).items[0].points, 5000, "60 × 100/120 = 50");
    assert_eq!(r(2).total, 5000 + 3000);
    assert_eq!((r(3).total, r(3).vetoed, r(3).grade_zh.as_str()), (10500, true, "不合格"));
    assert_eq!(r(4).total, 3000 + 3000, "60 × 250/500 + 30");
    assert_eq!(r(1).grade_zh, "优秀");
    assert_eq!(r(2).grade_zh, "良好");
    assert_eq!([r(1).rank, r(2).rank, r(4).rank, r(3).rank], [1, 2, 3, 4], "vetoed last");
    assert!(a.warnings.is_empty(), "{:?}", a.warnings);
}

#[test]
fn ties_share_a_rank_or_go_by_base_score() {
    let orgs = [org(1, Some(9)), org(2, Some(9)), org(3, Some(9))];
    let i = inputs(&[
        (1, "new_unions", 100),
        (1, "escalated", 1), // 60 + 30 = 90
        (2, "new_unions", 90),
        (2, "escalated", 0),
        (2, "honour_points", 4), // 54 + 40 + 4 = 98
        (3, "new_unions", 100),
        (3, "escalated", 1),
    ]);
    let a = assess(&book(), &orgs, &i);
    let ranks: Vec<usize> = a.results.iter().map(|r| r.rank).collect();
    assert_eq!(ranks, vec![2, 1, 2], "1 and 3 tie at 90 and share 2nd");
    // Same totals, different base: 1 has 90 from items; 5 has 85 + 5 bonus.
    let orgs = [org(1, Some(9)), org(5, Some(9))];
    let i = inputs(&[
        (1, "new_unions", 100),
        (1, "escalated", 1),
        (5, "new_unions", 75),
        (5, "escalated", 0),
        (5, "honour_points", 5),
    ]);
    let mut b = book();
    let shared = assess(&b, &orgs, &i);
    assert_eq!(shared.results.iter().map(|r| r.total).collect::<Vec<_>>(), vec![9000, 9000]);
    assert_eq!(shared.results.iter().map(|r| r.rank).collect::<Vec<_>>(), vec![1, 1]);
    b.tie_break = TieBreak::BaseScore;
    let by_base = assess(&b, &orgs, &i);
    assert_eq!(by_base.results.iter().map(|r| r.rank).collect::<Vec<_>>(), vec![1, 2]);
}

#[test]
fn composite_adds_k_times_the_average_below() {
    let orgs = [org(1, None), org(2, Some(1)), org(3, Some(1))];
    let i = inputs(&[
        (1, "new_unions", 50),
        (1, "escalated", 0), // 30 + 40 = 70
        (2, "new_unions", 100),
        (2, "escalated", 0), // 100
        (3, "new_unions", 50),
        (3, "escalated", 0), // 70
    ]);
    let mut b = book();
    b.composite_k = Some(frac(1, 5));
    let a = assess(&b, &orgs, &i);
    let top = &a.results[0];
    assert_eq!(top.own_total, 7000);
    assert_eq!(top.composite, Some((frac(1, 5), 8500)));
    assert_eq!(top.total, 7000 + 1700, "70 + 0.2 × 85");
}

#[test]
fn missing_figures_and_targets_score_nothing_and_say_so() {
    let mut b = book();
    b.sections[0].items[0].default_target = None;
    let a = assess(&b, &[org(1, None)], &inputs(&[(1, "new_unions", 10)]));
    let r = &a.results[0];
    assert_eq!(r.items[0].points, 0);
    assert!(r.items[0].arithmetic_zh.contains("未下达目标值"));
    assert_eq!(r.items[1].points, 0);
    assert!(r.items[1].arithmetic_zh.contains("无实际数"));
    assert_eq!(a.warnings.len(), 2, "{:?}", a.warnings);
    // Marked not applicable without a figure: full weight, no warning.
    b.sections[0].items[1].full_without_figure = true;
    let a = assess(&b, &[org(1, None)], &inputs(&[(1, "new_unions", 10)]));
    assert_eq!(a.results[0].items[1].points, 4000);
    assert_eq!(a.warnings.len(), 1, "{:?}", a.warnings);
}

#[test]
fn a_zero_target_counts_as_reached_and_says_so() {
    let s = Rule::Proportional { cap: n(1) }.score(n(5), n(0), n(0));
    assert_eq!(s.points, 500);
    assert_eq!(s.arithmetic_zh, "目标为 0,视为完成,5 × 1 = 5.00");
}

/// A rulebook names departments by group, never by name: a department called 组织部 without the
/// group is reported (not silently scored 0), 清州市总工会组织部 with it answers the item, and a
/// county without departments hears nothing of it.
#[test]
fn departments_answer_items_by_group_not_by_name() {
    let mut b = book();
    b.assessed_kinds.push(OrgKind::Department);
    b.sections[0].items[0].departments = vec!["组织部".into()];
    let dept = |id: i64, name: &str, groups: &[&str]| Assessee {
        org: OrgId(id),
        code: format!("D{id}"),
        name: name.into(),
        kind: OrgKind::Department,
        parent: None,
        groups: groups.iter().map(|g| (*g).to_owned()).collect(),
    };
    let warned = |a: &Assessment| a.warnings.iter().any(|w| w.contains("部室分组“组织部”没有受考核部室属于它"));
    let a = assess(&b, &[dept(1, "组织部", &[])], &inputs(&[]));
    assert!(warned(&a), "the name alone does not answer: {:?}", a.warnings);
    assert!(a.results[0].items.is_empty(), "nor is the item scored for it");
    let a = assess(&b, &[dept(1, "清州市总工会组织部", &["组织部"])], &inputs(&[]));
    assert!(!warned(&a), "{:?}", a.warnings);
    assert_eq!(a.results[0].items.len(), 1, "the group answers the item");
    let a = assess(&b, &[dept(1, "某部", &[]), dept(7, "另一部", &[])], &inputs(&[]));
    assert!(warned(&a));
    b.sections[0].items[0].departments = vec!["D7".into()];
    let a = assess(&b, &[dept(1, "某部", &[]), dept(7, "另一部", &[])], &inputs(&[]));
    assert!(!warned(&a), "an org code names a department too: {:?}", a.warnings);
    assert_eq!(a.results.iter().map(|r| r.items.len()).collect::<Vec<_>>(), [0, 1]);
    let a = assess(&b, &[org(2, None)], &inputs(&[]));
    assert!(!warned(&a), "no department assessed: {:?}", a.warnings);
}
