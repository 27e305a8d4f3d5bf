//! Programs: plans with their aggregates replaced by job numbers, evaluated a column at a time —
//! every org's value of a node at once — so the formula is walked once, not once per org; a ratio
//! of two counts (the commonest rate) is computed straight from the counts.

use kaohe_domain::indicator::Number;
use kaohe_domain::indicator::ast::ArithOp;

/// A plan with its aggregates replaced by job numbers.
pub(crate) enum Program {
    Job(usize),
    Const(Number),
    Ratio(Box<Program>, Box<Program>),
    Growth(Box<Program>, Box<Program>),
    Arith(ArithOp, Box<Program>, Box<Program>),
    Neg(Box<Program>),
    Missing,
}

/// The jobs' figures as the programs read them.
pub(crate) trait Leaves {
    /// Job `i`'s figure at slot `s`.
    fn figure(&self, i: usize, s: usize) -> Option<Number>;
    /// Whether job `i` is a count.
    fn is_count(&self, i: usize) -> bool;
    /// A count job's count at slot `s`.
    fn count(&self, i: usize, s: usize) -> i64;
}

fn zip(
    a: Vec<Option<Number>>,
    b: Vec<Option<Number>>,
    f: impl Fn(Number, Number) -> Option<Number>,
) -> Vec<Option<Number>> {
    a.into_iter().zip(b).map(|(x, y)| f(x?, y?)).collect()
}

/// Every slot's value of `p`.
pub(crate) fn column(p: &Program, leaves: &dyn Leaves, slots: usize) -> Vec<Option<Number>> {
    match p {
        Program::Job(i) if leaves.is_count(*i) => (0..slots).map(|s| Some(Number::int(leaves.count(*i, s)))).collect(),
        Program::Job(i) => (0..slots).map(|s| leaves.figure(*i, s)).collect(),
        Program::Const(n) => vec![Some(*n); slots],
        Program::Missing => vec![None; slots],
        Program::Ratio(a, b) => match (&**a, &**b) {
            (Program::Job(x), Program::Job(y)) if leaves.is_count(*x) && leaves.is_count(*y) => (0..slots)
                .map(|s| match leaves.count(*y, s) {
                    0 => None,
                    d => Number::new(i128::from(leaves.count(*x, s)), i128::from(d)),
                })
                .collect(),
            _ => zip(column(a, leaves, slots), column(b, leaves, slots), |x, y| x.checked_div(y)),
        },
        Program::Neg(a) => column(a, leaves, slots).into_iter().map(|x| Number::ZERO.checked_sub(x?)).collect(),
        Program::Growth(now, before) => {
            zip(column(now, leaves, slots), column(before, leaves, slots), |x, y| x.checked_sub(y)?.checked_div(y))
        }
        Program::Arith(op, a, b) => zip(column(a, leaves, slots), column(b, leaves, slots), |x, y| match op {
            ArithOp::Add => x.checked_add(y),
            ArithOp::Sub => x.checked_sub(y),
            ArithOp::Mul => x.checked_mul(y),
            ArithOp::Div => x.checked_div(y),
        }),
    }
}
