//! A plain-SQL recount of one aggregate, independent of the engine: a checked plan's filter
//! translated into a `WHERE` over the registry table `r_<registry>` (columns `f_<field>`, live rows
//! have `deleted_at IS NULL`), the scope an explicit list of org ids. Two-valued logic as the plan
//! defines it: a comparison with an empty value is false and `not` is plain negation.

use kaohe_domain::OrgId;
use kaohe_domain::indicator::ast::ArithOp;
use kaohe_domain::indicator::ast::{AggFunc, CmpOp};
use kaohe_domain::indicator::plan::{Agg, Datum, Filter, Kind, Operand};
use kaohe_domain::indicator::{Number, Period, Plan};
use kaohe_store::Store;
use sea_orm::{ConnectionTrait, Statement};
use std::future::Future;
use std::pin::Pin;

fn datum(d: &Datum) -> String {
    match d {
        Datum::Int(i) => i.to_string(),
        Datum::Date(d) => format!("'{d}'"),
        Datum::Text(s) => format!("'{}'", s.replace('\'', "''")),
        Datum::Bool(b) => if *b { "TRUE" } else { "FALSE" }.to_owned(),
    }
}

/// An operand as SQL; `None` for what plain SQL cannot say portably (working days).
fn operand(o: &Operand, p: &Period) -> Option<String> {
    Some(match o {
        Operand::Field(f) => format!("f_{}", f.key),
        Operand::Const(c) => datum(c),
        Operand::PeriodStart => datum(&Datum::Date(p.start)),
        Operand::PeriodEnd => datum(&Datum::Date(p.end)),
        Operand::PeriodYear => p.year_of_end().to_string(),
        Operand::WorkingDays(..) => return None,
    })
}

/// A condition as a SQL boolean that is never NULL.
pub fn condition(f: &Filter, p: &Period) -> Option<String> {
    let all = |v: &[Filter], join: &str, empty: &str| -> Option<String> {
        if v.is_empty() {
            return Some(empty.to_owned());
        }
        let parts = v.iter().map(|f| condition(f, p)).collect::<Option<Vec<_>>>()?;
        Some(format!("({})", parts.join(join)))
    };
    Some(match f {
        Filter::And(v) => all(v, " AND ", "TRUE")?,
        Filter::Or(v) => all(v, " OR ", "FALSE")?,
        Filter::Not(x) => format!("(NOT COALESCE(({}), FALSE))", condition(x, p)?),
        Filter::Cmp(a, op, b) => {
            let op = match op {
                CmpOp::Eq => "=",
                CmpOp::Ne => "<>",
                CmpOp::Lt => "<",
                CmpOp::Le => "<=",
                CmpOp::Gt => ">",
                CmpOp::Ge => ">=",
            };
            format!("COALESCE({} {op} {}, FALSE)", operand(a, p)?, operand(b, p)?)
        }
        Filter::In(_, list) if list.is_empty() => "FALSE".to_owned(),
        Filter::In(a, list) => {
            let items: Vec<String> = list.iter().map(datum).collect();
            format!("COALESCE({} IN ({}), FALSE)", operand(a, p)?, items.join(", "))
        }
        Filter::IsEmpty(a) => format!("({} IS NULL)", operand(a, p)?),
        Filter::IsTrue(a) => format!("COALESCE({} = TRUE, FALSE)", operand(a, p)?),
    })
}

/// The aggregate over the live records of `orgs` for `period`, counted by the database; `None`
/// when the filter cannot be said in plain SQL.
pub async fn recount(store: &Store, a: &Agg, period: &Period, orgs: &[OrgId]) -> Option<Option<Number>> {
    let mut wh = vec!["deleted_at IS NULL".to_owned()];
    let ids: Vec<String> = orgs.iter().map(|o| o.0.to_string()).collect();
    wh.push(if ids.is_empty() { "FALSE".to_owned() } else { format!("org_id IN ({})", ids.join(", ")) });
    if let Some(f) = &a.filter {
        wh.push(condition(f, period)?);
    }
    let (select, scale) = match &a.field {
        None => ("COUNT(*), CAST(NULL AS BIGINT), CAST(NULL AS BIGINT), CAST(NULL AS BIGINT)".to_owned(), 0),
        Some(f) => {
            let c = format!("f_{}", f.key);
            let scale = match f.kind {
                Kind::Num(s) => s,
                _ => 0,
            };
            (format!("COUNT({c}), CAST(SUM({c}) AS BIGINT), MIN({c}), MAX({c})"), scale)
        }
    };
    let sql = format!("SELECT {select} FROM r_{} WHERE {}", a.registry, wh.join(" AND "));
    let db = store.connection();
    let row = db
        .query_one_raw(Statement::from_string(db.get_database_backend(), sql.clone()))
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
        .unwrap();
    let count: i64 = row.try_get_by_index(0).unwrap();
    let [sum, min, max] = [1, 2, 3].map(|i| row.try_get_by_index::<Option<i64>>(i).unwrap());
    let fixed = |v: Option<i64>| v.map(|v| Number::fixed(v.into(), scale));
    Some(match a.func {
        AggFunc::Count => Some(Number::int(count)),
        AggFunc::Sum => Some(fixed(sum).unwrap_or(Number::ZERO)),
        AggFunc::Avg => fixed(sum).and_then(|s| s.checked_div(Number::int(count))),
        AggFunc::Min => fixed(min),
        AggFunc::Max => fixed(max),
    })
}

/// A whole plan recounted: every aggregate by SQL, composed as the language defines (ratios and
/// growth undefined over zero). `None` when some aggregate cannot be said in plain SQL.
pub fn figure<'a>(
    store: &'a Store,
    plan: &'a Plan,
    period: Period,
    orgs: &'a [OrgId],
) -> Pin<Box<dyn Future<Output = Option<Option<Number>>> + 'a>> {
    Box::pin(async move {
        let go = |p: &'a Plan, period: Period| figure(store, p, period, orgs);
        Some(match plan {
            Plan::Agg(a) => recount(store, a, &period, orgs).await?,
            Plan::Const(n) => Some(*n),
            Plan::Manual(_) => None,
            Plan::Ref(_, p) => go(p, period).await?,
            Plan::Neg(p) => go(p, period).await?.and_then(|v| Number::ZERO.checked_sub(v)),
            Plan::Ratio(a, b) => {
                let (a, b) = (go(a, period).await?, go(b, period).await?);
                a.zip(b).and_then(|(a, b)| a.checked_div(b))
            }
            Plan::Growth(x) => {
                let (now, before) = (go(x, period).await?, go(x, period.previous()).await?);
                now.zip(before).and_then(|(n, b)| n.checked_sub(b)?.checked_div(b))
            }
            Plan::Arith(op, a, b) => {
                let (a, b) = (go(a, period).await?, go(b, period).await?);
                a.zip(b).and_then(|(a, b)| match op {
                    ArithOp::Add => a.checked_add(b),
                    ArithOp::Sub => a.checked_sub(b),
                    ArithOp::Mul => a.checked_mul(b),
                    ArithOp::Div => a.checked_div(b),
                })
            }
        })
    })
}
