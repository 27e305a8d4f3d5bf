//! The reference evaluator: a plain loop over records, written for clarity, not speed. The engine
//! is tested against it; nothing else should use it for large data.

use super::ast::{AggFunc, ArithOp};
use super::number::Number;
use super::period::Period;
use super::plan::{Agg, Datum, Filter, Kind, Operand, Plan};
use crate::calendar::{WorkCalendar, working_days_between};
use crate::record::{Record, Value};
use chrono::Datelike;

/// What the reference evaluator reads.
pub struct Data<'a> {
    /// The live records of a registry.
    pub records: &'a dyn Fn(&str) -> Vec<&'a Record>,
    /// Whether a record's org is in the scope being evaluated.
    pub in_scope: &'a dyn Fn(&Record) -> bool,
    pub calendar: &'a dyn WorkCalendar,
    /// A `manual` figure (approved submissions), if any.
    pub manual: Option<Number>,
}

/// Evaluates a plan for a period; `None` when the figure cannot be computed (division by zero,
/// the average or extreme of nothing, a manual figure not yet submitted).
pub fn evaluate(plan: &Plan, period: &Period, data: &Data) -> Option<Number> {
    match plan {
        Plan::Const(n) => Some(*n),
        Plan::Manual(_) => data.manual,
        Plan::Ref(_, p) => evaluate(p, period, data),
        Plan::Neg(p) => Number::ZERO.checked_sub(evaluate(p, period, data)?),
        Plan::Arith(op, a, b) => {
            let (a, b) = (evaluate(a, period, data)?, evaluate(b, period, data)?);
            match op {
                ArithOp::Add => a.checked_add(b),
                ArithOp::Sub => a.checked_sub(b),
                ArithOp::Mul => a.checked_mul(b),
                ArithOp::Div => a.checked_div(b),
            }
        }
        Plan::Ratio(a, b) => evaluate(a, period, data)?.checked_div(evaluate(b, period, data)?),
        Plan::Growth(x) => {
            let now = evaluate(x, period, data)?;
            let before = evaluate(x, &period.previous(), data)?;
            now.checked_sub(before)?.checked_div(before)
        }
        Plan::Agg(a) => aggregate(a, period, data),
    }
}

fn aggregate(a: &Agg, period: &Period, data: &Data) -> Option<Number> {
    let mut count = 0i64;
    let mut sum = 0i128;
    let mut lo: Option<i64> = None;
    let mut hi: Option<i64> = None;
    for r in (data.records)(&a.registry) {
        if !(data.in_scope)(r) || !a.filter.as_ref().is_none_or(|f| holds(f, r, period, data.calendar)) {
            continue;
        }
        let v = match &a.field {
            None => 0,
            Some(f) => match r.values.get(&f.key) {
                Some(Value::Int(i) | Value::Fixed(i)) => *i,
                _ => continue,
            },
        };
        count += 1;
        sum += i128::from(v);
        lo = Some(lo.map_or(v, |x| x.min(v)));
        hi = Some(hi.map_or(v, |x| x.max(v)));
    }
    let scale = match a.field.as_ref().map(|f| f.kind) {
        Some(Kind::Num(s)) => s,
        _ => 0,
    };
    match a.func {
        AggFunc::Count => Some(Number::int(count)),
        AggFunc::Sum => Some(Number::fixed(sum, scale)),
        AggFunc::Avg => Number::fixed(sum, scale).checked_div(Number::int(count)),
        AggFunc::Min => lo.map(|v| Number::fixed(v.into(), scale)),
        AggFunc::Max => hi.map(|v| Number::fixed(v.into(), scale)),
    }
}

/// Whether a record meets a condition (two-valued: anything about an empty value is false).
pub fn holds(f: &Filter, r: &Record, period: &Period, cal: &dyn WorkCalendar) -> bool {
    match f {
        Filter::And(v) => v.iter().all(|f| holds(f, r, period, cal)),
        Filter::Or(v) => v.iter().any(|f| holds(f, r, period, cal)),
        Filter::Not(f) => !holds(f, r, period, cal),
        Filter::Cmp(a, op, b) => match (operand(a, r, period, cal), operand(b, r, period, cal)) {
            (Some(x), Some(y)) => op.holds(x.cmp(&y)),
            _ => false,
        },
        Filter::In(a, list) => operand(a, r, period, cal).is_some_and(|x| list.contains(&x)),
        Filter::IsEmpty(a) => operand(a, r, period, cal).is_none(),
        Filter::IsTrue(a) => operand(a, r, period, cal) == Some(Datum::Bool(true)),
    }
}

/// An operand's value for a record; `None` when empty.
pub fn operand(o: &Operand, r: &Record, period: &Period, cal: &dyn WorkCalendar) -> Option<Datum> {
    match o {
        Operand::Const(d) => Some(d.clone()),
        Operand::PeriodStart => Some(Datum::Date(period.start)),
        Operand::PeriodEnd => Some(Datum::Date(period.end)),
        Operand::PeriodYear => Some(Datum::Int(i64::from(period.end.year()))),
        Operand::WorkingDays(a, b) => match (operand(a, r, period, cal)?, operand(b, r, period, cal)?) {
            (Datum::Date(x), Datum::Date(y)) => Some(Datum::Int(working_days_between(cal, x, y))),
            _ => None,
        },
        Operand::Field(f) => match r.values.get(&f.key)? {
            Value::Null => None,
            Value::Int(i) | Value::Fixed(i) => Some(Datum::Int(*i)),
            Value::Date(d) => Some(Datum::Date(*d)),
            Value::Text(s) => Some(Datum::Text(s.clone())),
            Value::Bool(b) => Some(Datum::Bool(*b)),
            Value::Org(o) => Some(Datum::Int(o.0)),
        },
    }
}
