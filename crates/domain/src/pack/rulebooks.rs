//! `rulebooks/<year>.toml`: a year's target catalogue and scoring rules (目标考核办法) — sections
//! of items (indicator, weight, rule, default target, clause, evidence), veto items, bonus and
//! deduction items, grade bands and the tie rule. Checked against the pack's indicators; errors
//! carry file:line:column.

use super::{PackError, Source};
use crate::indicator::{IndicatorSet, Number};
use crate::scoring::{
    Adjustment, Direction, GradeBand, Item, LATE_SUBMISSIONS, Per, Rule, Rulebook, Section, TieBreak, VetoEffect,
    VetoItem,
};
use crate::submission::{Check, Cmp, Operand, Request};
use crate::{OrgKind, OrgTags};
use serde::Deserialize;
use std::collections::BTreeSet;
use toml::Spanned;

/// A number as written in a rulebook: `5`, `2.5`, `"1.2"`, `"100%"`, `"1/3"`.
#[derive(Deserialize, Clone)]
#[serde(untagged)]
enum RawNum {
    Int(i64),
    Float(f64),
    Text(String),
}

fn number(raw: &RawNum) -> Option<Number> {
    let text = match raw {
        RawNum::Int(i) => return Some(Number::int(*i)),
        RawNum::Float(f) => f.to_string(),
        RawNum::Text(t) => t.trim().to_owned(),
    };
    if let Some(p) = text.strip_suffix('%') {
        return Number::parse_decimal(p)?.checked_div(Number::int(100));
    }
    if let Some((a, b)) = text.split_once('/') {
        return Number::parse_decimal(a)?.checked_div(Number::parse_decimal(b)?);
    }
    Number::parse_decimal(&text)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawBook {
    year: Spanned<i32>,
    version: String,
    effective_on: Spanned<String>,
    title: String,
    assessed: Spanned<Vec<String>>,
    /// Children assessed besides the kinds, by group or org code.
    #[serde(default)]
    assessed_groups: Vec<Spanned<String>>,
    /// Children not assessed, by group or org code.
    #[serde(default)]
    not_assessed: Vec<Spanned<String>>,
    /// When given, the weights of the items each assessed kind gets must add up to it.
    total: Option<Spanned<RawNum>>,
    composite_k: Option<Spanned<RawNum>>,
    #[serde(default)]
    tie_break: Option<Spanned<String>>,
    grades: Spanned<Vec<RawGrade>>,
    sections: Vec<RawSection>,
    #[serde(default)]
    vetoes: Vec<RawVeto>,
    #[serde(default)]
    adjustments: Vec<RawAdjustment>,
    #[serde(default)]
    requests: Vec<RawRequest>,
    #[serde(default)]
    checks: Vec<RawCheck>,
    #[serde(default = "four_eyes_default")]
    four_eyes: bool,
}

fn four_eyes_default() -> bool {
    true
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRequest {
    key: String,
    name_zh: String,
    name_en: String,
    #[serde(default)]
    indicators: Vec<Spanned<String>>,
    #[serde(default)]
    narrative: bool,
    deadline: Spanned<String>,
    applies_to: Vec<Spanned<String>>,
    #[serde(default)]
    departments: Vec<Spanned<String>>,
    #[serde(default)]
    checks: Vec<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCheck {
    key: String,
    name_zh: String,
    left: Spanned<String>,
    op: Spanned<String>,
    right: Spanned<String>,
    message_zh: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawGrade {
    name_zh: String,
    name_en: String,
    min: Spanned<RawNum>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSection {
    key: String,
    name_zh: String,
    name_en: String,
    items: Vec<RawItem>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawItem {
    key: Spanned<String>,
    name_zh: String,
    name_en: String,
    indicator: Spanned<String>,
    weight: Spanned<RawNum>,
    rule: Spanned<RawRule>,
    target: Option<Spanned<RawNum>>,
    applies_to: Vec<Spanned<String>>,
    #[serde(default)]
    departments: Vec<Spanned<String>>,
    /// `"full"`: no figure means nothing to measure, full weight; `"zero"` (the default): 0.
    no_figure: Option<Spanned<String>>,
    clause: String,
    #[serde(default)]
    evidence: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRule {
    kind: String,
    cap: Option<RawNum>,
    floor: Option<RawNum>,
    per: Option<RawNum>,
    by: Option<String>,
    step: Option<RawNum>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawVeto {
    key: String,
    name_zh: String,
    name_en: String,
    indicator: Spanned<String>,
    limit: Option<Spanned<RawNum>>,
    effect: Spanned<String>,
    clause: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawAdjustment {
    key: String,
    name_zh: String,
    name_en: String,
    direction: Spanned<String>,
    indicator: Spanned<String>,
    per: Spanned<RawNum>,
    cap: Spanned<RawNum>,
    clause: String,
}

struct Ctx<'a, 'b> {
    src: &'a Source<'b>,
    indicators: &'a IndicatorSet,
    errors: &'a mut Vec<PackError>,
}

impl Ctx<'_, '_> {
    fn err(&mut self, at: usize, zh: impl Into<String>, en: impl Into<String>) {
        self.errors.push(self.src.error(at, zh, en));
    }

    fn num(&mut self, raw: &Spanned<RawNum>) -> Number {
        number(raw.get_ref()).unwrap_or_else(|| {
            self.err(
                raw.span().start,
                "不是数值(可写 5、2.5、\"100%\"、\"1/3\")",
                "not a number (write 5, 2.5, \"100%\" or \"1/3\")",
            );
            Number::ZERO
        })
    }

    fn indicator(&mut self, key: &Spanned<String>) -> String {
        if self.indicators.get(key.get_ref()).is_none() && key.get_ref() != LATE_SUBMISSIONS {
            self.err(
                key.span().start,
                format!("没有指标“{}”", key.get_ref()),
                format!("no indicator {}", key.get_ref()),
            );
        }
        key.get_ref().clone()
    }

    /// Org groups or codes a rulebook names (组织部, 县市区): each one group as an org carries it.
    fn groups(&mut self, entries: &[Spanned<String>]) -> Vec<String> {
        let mut out = Vec::new();
        for e in entries {
            match crate::org::parse_org_groups("groups", e.get_ref()).as_deref() {
                Ok([one]) if one == e.get_ref() => out.push(one.clone()),
                _ => self.err(
                    e.span().start,
                    format!("分组“{}”应为一个分组名或组织代码(1至20个字,不含顿号、逗号和空格)", e.get_ref()),
                    format!(
                        "group {:?} should be one group name or org code (1–20 characters, no separators)",
                        e.get_ref()
                    ),
                ),
            }
        }
        out
    }

    fn kind(&mut self, code: &Spanned<String>) -> Option<OrgKind> {
        let k = OrgKind::ALL.into_iter().find(|k| k.code() == code.get_ref());
        if k.is_none() {
            self.err(
                code.span().start,
                format!("组织类别“{}”应为 federation、department、grassroots 或 other", code.get_ref()),
                format!("org kind {} should be federation, department, grassroots or other", code.get_ref()),
            );
        }
        k
    }

    fn rule(&mut self, raw: &Spanned<RawRule>) -> Rule {
        let r = raw.get_ref();
        let at = raw.span().start;
        let opt = |n: &Option<RawNum>| n.as_ref().and_then(number);
        let need = |this: &mut Self, n: &Option<RawNum>, name: &str| {
            opt(n).unwrap_or_else(|| {
                this.err(at, format!("规则缺少数值 {name}"), format!("the rule needs a number {name}"));
                Number::ZERO
            })
        };
        match r.kind.as_str() {
            "proportional" => Rule::Proportional { cap: opt(&r.cap).unwrap_or(Number::int(1)) },
            "threshold" => Rule::Threshold { floor: opt(&r.floor).unwrap_or(Number::ZERO) },
            "shortfall" => {
                let by = match r.by.as_deref() {
                    None | Some("unit") => Per::Unit,
                    Some("percent") => Per::Percent,
                    Some(o) => {
                        self.err(
                            at,
                            format!("by 应为 unit 或 percent,不是“{o}”"),
                            format!("by should be unit or percent, not {o}"),
                        );
                        Per::Unit
                    }
                };
                Rule::Shortfall { per: need(self, &r.per, "per"), by, floor: opt(&r.floor).unwrap_or(Number::ZERO) }
            }
            "excess_bonus" => Rule::ExcessBonus {
                step: need(self, &r.step, "step"),
                per: need(self, &r.per, "per"),
                cap: need(self, &r.cap, "cap"),
            },
            "lower_is_better" => Rule::LowerIsBetter { per: need(self, &r.per, "per") },
            other => {
                self.err(
                    at,
                    format!(
                        "未知的计分规则“{other}”(proportional、threshold、shortfall、excess_bonus、lower_is_better)"
                    ),
                    format!("unknown rule {other} (proportional, threshold, shortfall, excess_bonus, lower_is_better)"),
                );
                Rule::Threshold { floor: Number::ZERO }
            }
        }
    }
}

/// Each assessed kind's items, and each named department's, must add up to the stated total.
fn check_totals(cx: &mut Ctx, total: &Spanned<RawNum>, kinds: &[OrgKind], sections: &[Section]) {
    let want = cx.num(total);
    let items: Vec<&Item> = sections.iter().flat_map(|s| &s.items).collect();
    let departments: BTreeSet<&str> = items.iter().flat_map(|i| i.departments.iter().map(String::as_str)).collect();
    // (kind, group, how the message names it in Chinese and in English)
    let mut who: Vec<(OrgKind, String, String, String)> = kinds
        .iter()
        .filter(|k| **k != OrgKind::Department || departments.is_empty())
        .map(|k| (*k, String::new(), k.label_zh().to_owned(), k.code().to_owned()))
        .collect();
    if kinds.contains(&OrgKind::Department) {
        who.extend(
            departments
                .iter()
                .map(|d| (OrgKind::Department, (*d).to_owned(), format!("部室“{d}”"), format!("department {d}"))),
        );
    }
    for (kind, code, zh, en) in who {
        let sum = items
            .iter()
            .filter(|i| i.applies(&OrgTags { kind, code: "", groups: std::slice::from_ref(&code) }))
            .fold(Number::ZERO, |acc, i| acc.checked_add(i.weight).unwrap_or(acc));
        if sum != want {
            cx.err(
                total.span().start,
                format!("{zh}的考核项分值合计 {},不等于总分 {}", sum.exact(), want.exact()),
                format!("the weights of {en}'s items add up to {}, not {}", sum.exact(), want.exact()),
            );
        }
    }
}

/// Reads one rulebook file; `None` when it cannot be read at all (errors are pushed).
pub(super) fn read(src: &Source, indicators: &IndicatorSet, errors: &mut Vec<PackError>) -> Option<Rulebook> {
    let raw: RawBook = match toml::from_str(src.text) {
        Ok(r) => r,
        Err(e) => {
            errors.push(src.toml_error(&e));
            return None;
        }
    };
    let mut cx = Ctx { src, indicators, errors };
    let year = *raw.year.get_ref();
    let named = src.file.rsplit('/').next().and_then(|f| f.strip_suffix(".toml")).and_then(|s| s.parse::<i32>().ok());
    if named.is_some_and(|n| n != year) {
        cx.err(raw.year.span().start, "年份与文件名不符", "the year does not match the file name");
    }
    let effective_on = raw.effective_on.get_ref().parse().unwrap_or_else(|_| {
        cx.err(raw.effective_on.span().start, "日期应为 YYYY-MM-DD", "the date should be YYYY-MM-DD");
        chrono::NaiveDate::default()
    });
    let assessed_kinds: Vec<OrgKind> = raw
        .assessed
        .get_ref()
        .iter()
        .filter_map(|k| {
            let k = Spanned::new(raw.assessed.span(), k.clone());
            cx.kind(&k)
        })
        .collect();
    let mut keys = BTreeSet::new();
    let mut sections = Vec::new();
    for s in &raw.sections {
        let mut items = Vec::new();
        for i in &s.items {
            if !keys.insert(i.key.get_ref().clone()) {
                cx.err(i.key.span().start, "考核项代码重复", "duplicate item key");
            }
            let applies_to = i.applies_to.iter().filter_map(|k| cx.kind(k)).collect();
            let full_without_figure = match i.no_figure.as_ref().map(|n| (n.span().start, n.get_ref().as_str())) {
                None | Some((_, "zero")) => false,
                Some((_, "full")) => true,
                Some((at, o)) => {
                    cx.err(
                        at,
                        format!("no_figure 应为 full 或 zero,不是“{o}”"),
                        format!("no_figure should be full or zero, not {o}"),
                    );
                    false
                }
            };
            items.push(Item {
                key: i.key.get_ref().clone(),
                name_zh: i.name_zh.clone(),
                name_en: i.name_en.clone(),
                indicator: cx.indicator(&i.indicator),
                weight: cx.num(&i.weight),
                rule: cx.rule(&i.rule),
                default_target: i.target.as_ref().map(|t| cx.num(t)),
                applies_to,
                departments: cx.groups(&i.departments),
                full_without_figure,
                clause: i.clause.clone(),
                evidence: i.evidence.clone(),
            });
        }
        sections.push(Section { key: s.key.clone(), name_zh: s.name_zh.clone(), name_en: s.name_en.clone(), items });
    }
    if let Some(total) = &raw.total {
        check_totals(&mut cx, total, &assessed_kinds, &sections);
    }
    let vetoes = raw
        .vetoes
        .iter()
        .map(|v| {
            let effect = match v.effect.get_ref().as_str() {
                "veto" => VetoEffect::Veto,
                "no_award" => VetoEffect::NoAward,
                o => {
                    cx.err(
                        v.effect.span().start,
                        format!("effect 应为 veto 或 no_award,不是“{o}”"),
                        format!("effect should be veto or no_award, not {o}"),
                    );
                    VetoEffect::Veto
                }
            };
            VetoItem {
                key: v.key.clone(),
                name_zh: v.name_zh.clone(),
                name_en: v.name_en.clone(),
                indicator: cx.indicator(&v.indicator),
                limit: v.limit.as_ref().map_or(Number::ZERO, |l| cx.num(l)),
                effect,
                clause: v.clause.clone(),
            }
        })
        .collect();
    let adjustments = raw
        .adjustments
        .iter()
        .map(|j| {
            let direction = match j.direction.get_ref().as_str() {
                "bonus" => Direction::Bonus,
                "deduction" => Direction::Deduction,
                o => {
                    cx.err(
                        j.direction.span().start,
                        format!("direction 应为 bonus 或 deduction,不是“{o}”"),
                        format!("direction should be bonus or deduction, not {o}"),
                    );
                    Direction::Bonus
                }
            };
            Adjustment {
                key: j.key.clone(),
                name_zh: j.name_zh.clone(),
                name_en: j.name_en.clone(),
                direction,
                indicator: cx.indicator(&j.indicator),
                per: cx.num(&j.per),
                cap: cx.num(&j.cap),
                clause: j.clause.clone(),
            }
        })
        .collect();
    let mut grades: Vec<GradeBand> = raw
        .grades
        .get_ref()
        .iter()
        .map(|g| GradeBand {
            name_zh: g.name_zh.clone(),
            name_en: g.name_en.clone(),
            min: i64::try_from(cx.num(&g.min).round_scaled(2)).unwrap_or(0),
        })
        .collect();
    if grades.is_empty() {
        cx.err(raw.grades.span().start, "至少需要一个等次", "at least one grade band is needed");
    }
    grades.sort_by_key(|g| std::cmp::Reverse(g.min));
    let tie_break = match raw.tie_break.as_ref().map(|t| (t.span().start, t.get_ref().as_str())) {
        None | Some((_, "shared")) => TieBreak::Shared,
        Some((_, "base_score")) => TieBreak::BaseScore,
        Some((at, o)) => {
            cx.err(
                at,
                format!("tie_break 应为 shared 或 base_score,不是“{o}”"),
                format!("tie_break should be shared or base_score, not {o}"),
            );
            TieBreak::Shared
        }
    };
    let composite_k = raw.composite_k.as_ref().map(|k| cx.num(k));
    let checks: Vec<Check> = raw
        .checks
        .iter()
        .map(|c| {
            let mut side = |s: &Spanned<String>| match number(&RawNum::Text(s.get_ref().clone())) {
                Some(n) => Operand::Number(n),
                None => Operand::Indicator(cx.indicator(s)),
            };
            let (left, right) = (side(&c.left), side(&c.right));
            let cmp = Cmp::parse(c.op.get_ref()).unwrap_or_else(|| {
                cx.err(c.op.span().start, "op 应为 <=、<、>=、> 或 ==", "op should be <=, <, >=, > or ==");
                Cmp::Le
            });
            Check { key: c.key.clone(), name_zh: c.name_zh.clone(), left, cmp, right, message_zh: c.message_zh.clone() }
        })
        .collect();
    let requests = raw
        .requests
        .iter()
        .map(|r| {
            for i in &r.indicators {
                let key = cx.indicator(i);
                if cx.indicators.get(&key).is_some_and(|ind| !matches!(ind.plan, crate::indicator::Plan::Manual(_))) {
                    cx.err(
                        i.span().start,
                        format!("指标“{key}”不是填报指标(manual)"),
                        format!("indicator {key} is not manual"),
                    );
                }
            }
            for k in &r.checks {
                if !checks.iter().any(|c| &c.key == k.get_ref()) {
                    cx.err(
                        k.span().start,
                        format!("没有逻辑检查“{}”", k.get_ref()),
                        format!("no check {}", k.get_ref()),
                    );
                }
            }
            let deadline = r.deadline.get_ref().parse().unwrap_or_else(|_| {
                cx.err(r.deadline.span().start, "日期应为 YYYY-MM-DD", "the date should be YYYY-MM-DD");
                chrono::NaiveDate::default()
            });
            Request {
                key: r.key.clone(),
                name_zh: r.name_zh.clone(),
                name_en: r.name_en.clone(),
                indicators: r.indicators.iter().map(|i| i.get_ref().clone()).collect(),
                narrative: r.narrative,
                deadline,
                applies_to: r.applies_to.iter().filter_map(|k| cx.kind(k)).collect(),
                departments: cx.groups(&r.departments),
                checks: r.checks.iter().map(|k| k.get_ref().clone()).collect(),
            }
        })
        .collect();
    Some(Rulebook {
        year,
        version: raw.version,
        effective_on,
        title: raw.title,
        assessed_kinds,
        assessed_groups: cx.groups(&raw.assessed_groups),
        not_assessed: cx.groups(&raw.not_assessed),
        sections,
        vetoes,
        adjustments,
        grades,
        composite_k,
        tie_break,
        requests,
        checks,
        four_eyes: raw.four_eyes,
    })
}
