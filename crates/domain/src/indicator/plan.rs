//! A checked formula, ready to evaluate: names resolved to typed fields, literals converted to the
//! fields' stored units, `in period` spelled out, references to other indicators inlined. The
//! engine and the reference evaluator both run plans.
//!
//! Conditions use two-valued logic: a comparison, `in` or yes/no test on an empty value is false,
//! and `not` is plain negation (so `not (x = "a")` holds for an empty `x`).

use super::ast::{AggFunc, ArithOp, CmpOp};
use super::number::Number;
use chrono::NaiveDate;
use serde::Serialize;
use std::collections::BTreeSet;

/// What kind of value a field or operand holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub enum Kind {
    /// A number stored as an integer scaled by 10^scale (money: 2).
    Num(u32),
    Date,
    Text,
    Bool,
    Org,
}

/// A field of the registry being aggregated.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct FieldRef {
    pub key: String,
    pub kind: Kind,
}

/// A constant in its stored form.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub enum Datum {
    /// Integer at the compared field's scale.
    Int(i64),
    Date(NaiveDate),
    Text(String),
    Bool(bool),
}

/// A value in a condition.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub enum Operand {
    Field(FieldRef),
    Const(Datum),
    PeriodStart,
    PeriodEnd,
    PeriodYear,
    WorkingDays(Box<Operand>, Box<Operand>),
}

/// A condition on one record.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub enum Filter {
    And(Vec<Filter>),
    Or(Vec<Filter>),
    Not(Box<Filter>),
    Cmp(Operand, CmpOp, Operand),
    In(Operand, Vec<Datum>),
    IsEmpty(Operand),
    IsTrue(Operand),
}

/// An aggregate over the records of one registry within the scope.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct Agg {
    pub func: AggFunc,
    pub registry: String,
    pub field: Option<FieldRef>,
    pub filter: Option<Filter>,
}

/// A checked formula.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum Plan {
    Agg(Box<Agg>),
    Const(Number),
    Ratio(Box<Plan>, Box<Plan>),
    Growth(Box<Plan>),
    Arith(ArithOp, Box<Plan>, Box<Plan>),
    Neg(Box<Plan>),
    /// A figure entered in approved submissions, for the indicator with this key.
    Manual(String),
    /// Another indicator, inlined.
    Ref(String, Box<Plan>),
}

impl Plan {
    /// The same plan with its `manual` figures belonging to indicator `key` (the checker does
    /// not know which indicator it checks).
    pub fn with_manual_key(self, key: &str) -> Plan {
        let go = |p: Box<Plan>| Box::new(p.with_manual_key(key));
        match self {
            Plan::Manual(_) => Plan::Manual(key.to_owned()),
            Plan::Ratio(a, b) => Plan::Ratio(go(a), go(b)),
            Plan::Growth(a) => Plan::Growth(go(a)),
            Plan::Arith(op, a, b) => Plan::Arith(op, go(a), go(b)),
            Plan::Neg(a) => Plan::Neg(go(a)),
            other => other,
        }
    }

    /// The indicator whose approved submissions give this plan's figure, when the plan is a
    /// manual figure (itself or through a reference).
    pub fn manual_key(&self) -> Option<&str> {
        match self {
            Plan::Manual(k) if !k.is_empty() => Some(k),
            Plan::Ref(_, p) => p.manual_key(),
            _ => None,
        }
    }

    /// Whether figures of children add up to the parent's (counts, sums, their sums and
    /// differences and constant multiples do; ratios, averages, growth and extremes do not).
    pub fn additive(&self) -> bool {
        match self {
            Plan::Agg(a) => matches!(a.func, AggFunc::Count | AggFunc::Sum),
            Plan::Arith(ArithOp::Add | ArithOp::Sub, a, b) => a.additive() && b.additive(),
            // Scaling by a constant keeps sums summing.
            Plan::Arith(ArithOp::Mul, a, b) => match (&**a, &**b) {
                (Plan::Const(_), x) | (x, Plan::Const(_)) => x.additive(),
                _ => false,
            },
            Plan::Arith(ArithOp::Div, a, b) => matches!(&**b, Plan::Const(_)) && a.additive(),
            Plan::Neg(a) | Plan::Ref(_, a) => a.additive(),
            _ => false,
        }
    }

    /// How deep the plan is (an aggregate, constant or manual figure: 1).
    pub fn depth(&self) -> usize {
        match self {
            Plan::Agg(_) | Plan::Const(_) | Plan::Manual(_) => 1,
            Plan::Ratio(a, b) | Plan::Arith(_, a, b) => 1 + a.depth().max(b.depth()),
            Plan::Growth(a) | Plan::Neg(a) | Plan::Ref(_, a) => 1 + a.depth(),
        }
    }

    /// The steps evaluating the plan takes: one per node, what `growth` wraps twice (two
    /// periods), an aggregate's filter counted by its size. Saturates at `u64::MAX`.
    pub fn steps(&self) -> u64 {
        match self {
            Plan::Agg(a) => 1 + a.filter.as_ref().map_or(0, Filter::size),
            Plan::Const(_) | Plan::Manual(_) => 1,
            Plan::Ratio(a, b) | Plan::Arith(_, a, b) => a.steps().saturating_add(b.steps()).saturating_add(1),
            Plan::Growth(a) => a.steps().saturating_mul(2).saturating_add(1),
            Plan::Neg(a) | Plan::Ref(_, a) => a.steps().saturating_add(1),
        }
    }

    /// Whether the figure is a fraction best shown as a percentage.
    pub fn is_ratio(&self) -> bool {
        match self {
            Plan::Ratio(..) | Plan::Growth(_) => true,
            Plan::Ref(_, p) => p.is_ratio(),
            _ => false,
        }
    }

    /// The registries the plan reads.
    pub fn registries(&self) -> BTreeSet<&str> {
        let mut out = BTreeSet::new();
        self.visit_aggs(&mut |a, _| {
            out.insert(a.registry.as_str());
        });
        out
    }

    /// Calls `f` with every aggregate and how many periods back it looks (one per `growth`).
    pub fn visit_aggs<'a>(&'a self, f: &mut dyn FnMut(&'a Agg, u32)) {
        fn walk<'a>(p: &'a Plan, back: u32, f: &mut dyn FnMut(&'a Agg, u32)) {
            match p {
                Plan::Agg(a) => f(a, back),
                Plan::Growth(x) => {
                    walk(x, back, f);
                    walk(x, back + 1, f);
                }
                Plan::Ratio(a, b) | Plan::Arith(_, a, b) => {
                    walk(a, back, f);
                    walk(b, back, f);
                }
                Plan::Neg(a) | Plan::Ref(_, a) => walk(a, back, f),
                Plan::Const(_) | Plan::Manual(_) => {}
            }
        }
        walk(self, 0, f)
    }
}

impl Agg {
    /// The fields the aggregate reads (its own and its filter's).
    pub fn fields(&self) -> BTreeSet<&str> {
        let mut out = BTreeSet::new();
        if let Some(f) = &self.field {
            out.insert(f.key.as_str());
        }
        if let Some(f) = &self.filter {
            f.fields(&mut out);
        }
        out
    }
}

impl Filter {
    /// How many conditions and values the filter holds (its cost per record).
    pub fn size(&self) -> u64 {
        match self {
            Filter::And(v) | Filter::Or(v) => 1 + v.iter().map(Filter::size).sum::<u64>(),
            Filter::Not(f) => 1 + f.size(),
            Filter::Cmp(a, _, b) => 1 + a.size() + b.size(),
            Filter::In(a, list) => 1 + a.size() + list.len() as u64,
            Filter::IsEmpty(a) | Filter::IsTrue(a) => 1 + a.size(),
        }
    }

    fn fields<'a>(&'a self, out: &mut BTreeSet<&'a str>) {
        match self {
            Filter::And(v) | Filter::Or(v) => v.iter().for_each(|f| f.fields(out)),
            Filter::Not(f) => f.fields(out),
            Filter::Cmp(a, _, b) => {
                a.fields(out);
                b.fields(out);
            }
            Filter::In(a, _) | Filter::IsEmpty(a) | Filter::IsTrue(a) => a.fields(out),
        }
    }
}

impl Operand {
    fn size(&self) -> u64 {
        match self {
            Operand::WorkingDays(a, b) => 1 + a.size() + b.size(),
            _ => 1,
        }
    }

    fn fields<'a>(&'a self, out: &mut BTreeSet<&'a str>) {
        match self {
            Operand::Field(f) => {
                out.insert(f.key.as_str());
            }
            Operand::WorkingDays(a, b) => {
                a.fields(out);
                b.fields(out);
            }
            _ => {}
        }
    }
}
