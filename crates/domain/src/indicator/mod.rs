//! The indicator language: formulas over the registries (`count(members where joined_on in
//! period)`), parsed with winnow, type-checked against a pack's registries, turned into plans that
//! the engine (and a plain reference evaluator) run. See DESIGN.md, "The indicator language".

pub mod ast;
pub mod check;
pub mod naive;
pub mod number;
pub mod parse;
pub mod period;
pub mod plan;

pub use number::Number;
pub use period::{Period, PeriodKind};
pub use plan::Plan;

use crate::located::Location;
use crate::registry::RegistryDef;
use ast::{Expr, Span};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

/// A problem in a formula, with where it is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FormulaError {
    /// Byte offset into the formula.
    pub offset: usize,
    pub line: usize,
    pub column: usize,
    pub source_line: String,
    pub message_zh: String,
    pub message_en: String,
}

impl FormulaError {
    /// An error at a byte offset of `text`.
    pub fn at(text: &str, offset: usize, zh: String, en: String) -> Self {
        let Location { line, column, source_line } = Location::of(text, offset);
        FormulaError { offset, line, column, source_line, message_zh: zh, message_en: en }
    }

    /// The line and a caret under the spot.
    pub fn caret(&self) -> String {
        Location { line: self.line, column: self.column, source_line: self.source_line.clone() }.caret()
    }
}

impl fmt::Display for FormulaError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "{}:{}: {} / {}", self.line, self.column, self.message_zh, self.message_en)?;
        write!(f, "{}", self.caret())
    }
}

/// An indicator as a pack defines it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct IndicatorDef {
    /// For the trade-union pack, the figure's id in SEED-FIGURES.md.
    pub key: String,
    pub name_zh: String,
    pub name_en: String,
    /// 家, 人, 份, 元, % …
    pub unit: String,
    pub unit_en: String,
    /// The section of the target catalogue it belongs to (e.g. `组织建设`).
    pub section: String,
    pub formula: String,
    /// Decimals shown (a percentage's are of the percentage).
    pub decimals: u32,
    pub description_zh: Option<String>,
}

/// A checked indicator.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Indicator {
    pub def: IndicatorDef,
    pub plan: Plan,
    /// Whether children's figures add up to the parent's.
    pub additive: bool,
}

impl Indicator {
    /// A formula typed by someone (not in the pack), made into an indicator for display: a
    /// percentage with one decimal if it is a ratio or growth, else up to two decimals.
    pub fn adhoc(formula: &str, plan: Plan) -> Self {
        let ratio = plan.is_ratio();
        let def = IndicatorDef {
            key: String::new(),
            name_zh: "公式".into(),
            name_en: "Formula".into(),
            unit: if ratio { "%".into() } else { String::new() },
            unit_en: if ratio { "%".into() } else { String::new() },
            section: String::new(),
            formula: formula.to_owned(),
            decimals: if ratio { 1 } else { 2 },
            description_zh: None,
        };
        Indicator { additive: plan.additive(), plan, def }
    }

    /// Whether the figure is shown as a percentage.
    pub fn is_percent(&self) -> bool {
        self.def.unit == "%"
    }

    /// A figure as shown: `72.6%`, `8000000`, `1.5`; `—` when it cannot be computed.
    pub fn display(&self, v: Option<Number>) -> String {
        match v {
            None => "—".to_owned(),
            Some(n) if self.is_percent() => match n.checked_mul(Number::int(100)) {
                Some(p) => format!("{}%", p.to_decimal_string(self.def.decimals)),
                None => "—".to_owned(),
            },
            Some(n) if n.is_integer() => n.to_string(),
            // A fraction shows the indicator's decimals, or two when it sets none.
            Some(n) => n.to_decimal_string(if self.def.decimals > 0 { self.def.decimals } else { 2 }),
        }
    }
}

/// A problem with one indicator of a set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndicatorError {
    /// Index into the definitions given.
    pub index: usize,
    pub error: FormulaError,
}

/// A pack's indicators, checked together (references resolved, cycles refused).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct IndicatorSet {
    list: Vec<Indicator>,
    #[serde(skip)]
    by_key: BTreeMap<String, usize>,
    /// Which indicators each one refers to.
    #[serde(skip)]
    deps: BTreeMap<String, BTreeSet<String>>,
}

fn refs(e: &Expr, out: &mut Vec<(String, Span)>) {
    match e {
        Expr::Ref(n) => out.push((n.text.clone(), n.span.clone())),
        Expr::Ratio(a, b, _) | Expr::Arith(_, a, b) => {
            refs(a, out);
            refs(b, out);
        }
        Expr::Growth(a, _) | Expr::Neg(a) => refs(a, out),
        Expr::Agg { .. } | Expr::Num(..) | Expr::Manual(_) => {}
    }
}

impl IndicatorSet {
    /// Checks every definition; reports every error (a cycle once, with its path).
    pub fn build(defs: Vec<IndicatorDef>, registries: &[RegistryDef]) -> Result<Self, Vec<IndicatorError>> {
        let mut errors = Vec::new();
        let mut parsed = BTreeMap::new();
        let mut by_key = BTreeMap::new();
        for (i, d) in defs.iter().enumerate() {
            by_key.insert(d.key.clone(), i);
            match parse::parse(&d.formula) {
                Ok(e) => {
                    parsed.insert(i, e);
                }
                Err(error) => errors.push(IndicatorError { index: i, error }),
            }
        }
        let keys: Vec<String> = defs.iter().map(|d| d.key.clone()).collect();
        let mut deps: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        let mut ref_spans: BTreeMap<(usize, String), Span> = BTreeMap::new();
        for (i, e) in &parsed {
            let mut out = Vec::new();
            refs(e, &mut out);
            for (k, span) in out {
                if by_key.contains_key(&k) {
                    deps.entry(defs[*i].key.clone()).or_default().insert(k.clone());
                    ref_spans.entry((*i, k)).or_insert(span);
                }
            }
        }
        // Depth-first order; a reference back into the current path is a cycle.
        let mut order = Vec::new();
        let mut state = BTreeMap::new();
        for k in &keys {
            visit(k, &deps, &mut state, &mut Vec::new(), &mut order, &mut |path: &[String], cycle: bool| {
                if !cycle {
                    // A chain longer than any plan may be deep: refused at its top.
                    let i = by_key[&path[0]];
                    let (n, max) = (path.len(), check::MAX_PLAN_DEPTH);
                    errors.push(IndicatorError {
                        index: i,
                        error: FormulaError::at(
                            &defs[i].formula,
                            0,
                            format!("指标引用层次过深:引用链超过{n}层,最多{max}层"),
                            format!("indicators refer to each other too deeply: a chain of over {n}, at most {max}"),
                        ),
                    });
                    return;
                }
                let (from, to) = (&path[path.len() - 2], &path[path.len() - 1]);
                let i = by_key[from];
                let span = ref_spans.get(&(i, to.clone())).cloned().unwrap_or(0..0);
                let shown = path.join(" → ");
                errors.push(IndicatorError {
                    index: i,
                    error: FormulaError::at(
                        &defs[i].formula,
                        span.start,
                        format!("指标循环引用:{shown}"),
                        format!("indicators refer to each other in a cycle: {shown}"),
                    ),
                });
            });
        }
        let mut plans: BTreeMap<String, Plan> = BTreeMap::new();
        for k in order {
            let i = by_key[&k];
            let Some(e) = parsed.get(&i) else { continue };
            // An indicator that refers to a broken one is not checked (nor reported) again.
            if deps.get(&k).is_some_and(|d| d.iter().any(|r| !plans.contains_key(r))) {
                continue;
            }
            let lookup = |key: &str| plans.get(key).cloned();
            let names = check::Names { registries, indicator: &lookup, indicator_keys: &keys };
            match check::check(&defs[i].formula, e, &names) {
                Ok(p) => {
                    let p = p.with_manual_key(&k);
                    plans.insert(k, p);
                }
                Err(error) => errors.push(IndicatorError { index: i, error }),
            }
        }
        if !errors.is_empty() {
            errors.sort_by_key(|e| (e.index, e.error.offset));
            errors.dedup();
            return Err(errors);
        }
        let list = defs
            .into_iter()
            .map(|def| {
                let plan = plans.remove(&def.key).unwrap_or(Plan::Manual(String::new())).with_manual_key(&def.key);
                Indicator { additive: plan.additive(), plan, def }
            })
            .collect();
        Ok(IndicatorSet { list, by_key, deps })
    }

    /// Every indicator, in pack order.
    pub fn all(&self) -> &[Indicator] {
        &self.list
    }

    /// The indicator with this key.
    pub fn get(&self, key: &str) -> Option<&Indicator> {
        self.by_key.get(key).map(|i| &self.list[*i])
    }

    /// Checks a formula typed by someone against this set; `as_key` names the indicator being
    /// edited, so a reference that leads back to it is reported as a cycle.
    pub fn compile(
        &self,
        formula: &str,
        registries: &[RegistryDef],
        as_key: Option<&str>,
    ) -> Result<Plan, FormulaError> {
        let e = parse::parse(formula)?;
        if let Some(me) = as_key {
            let mut out = Vec::new();
            refs(&e, &mut out);
            for (r, span) in out {
                if let Some(path) = self.path(&r, me) {
                    let shown = std::iter::once(me.to_owned()).chain(path).collect::<Vec<_>>().join(" → ");
                    return Err(FormulaError::at(
                        formula,
                        span.start,
                        format!("指标循环引用:{shown}"),
                        format!("indicators refer to each other in a cycle: {shown}"),
                    ));
                }
            }
        }
        let keys: Vec<String> = self.list.iter().map(|i| i.def.key.clone()).collect();
        let lookup = |key: &str| self.get(key).map(|i| i.plan.clone());
        check::check(formula, &e, &check::Names { registries, indicator: &lookup, indicator_keys: &keys })
    }

    /// The indicators `key` refers to directly, by key.
    pub fn refers_to(&self, key: &str) -> Vec<&str> {
        self.deps.get(key).into_iter().flatten().map(String::as_str).collect()
    }

    /// The indicators that refer to `key` directly, by key.
    pub fn referred_by(&self, key: &str) -> Vec<&str> {
        self.deps.iter().filter(|(_, d)| d.contains(key)).map(|(k, _)| k.as_str()).collect()
    }

    /// A chain of references from `from` to `to` (both included), if there is one.
    fn path(&self, from: &str, to: &str) -> Option<Vec<String>> {
        if from == to {
            return Some(vec![from.to_owned()]);
        }
        for next in self.deps.get(from).into_iter().flatten() {
            if let Some(mut rest) = self.path(next, to) {
                rest.insert(0, from.to_owned());
                return Some(rest);
            }
        }
        None
    }
}

fn visit(
    k: &str,
    deps: &BTreeMap<String, BTreeSet<String>>,
    state: &mut BTreeMap<String, u8>,
    path: &mut Vec<String>,
    order: &mut Vec<String>,
    on_problem: &mut dyn FnMut(&[String], bool),
) {
    match state.get(k) {
        Some(2) => return,
        Some(1) => {
            let start = path.iter().position(|p| p == k).unwrap_or(0);
            let mut cycle = path[start..].to_vec();
            cycle.push(k.to_owned());
            on_problem(&cycle, true);
            return;
        }
        _ => {}
    }
    // A chain of references deeper than any plan may be is reported (`false`: not a cycle) and
    // not followed further, so this walk's own depth stays bounded.
    if path.len() > check::MAX_PLAN_DEPTH {
        on_problem(path, false);
        return;
    }
    state.insert(k.to_owned(), 1);
    path.push(k.to_owned());
    for d in deps.get(k).into_iter().flatten() {
        visit(d, deps, state, path, order, on_problem);
    }
    path.pop();
    state.insert(k.to_owned(), 2);
    order.push(k.to_owned());
}

#[cfg(test)]
mod limits_tests;
#[cfg(test)]
mod tests;
