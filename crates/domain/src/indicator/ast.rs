//! The syntax tree of a formula, as written, with the byte span of every name so the checker can
//! point at it.

use super::number::Number;
use chrono::NaiveDate;
use std::ops::Range;

/// Byte offsets into the formula.
pub type Span = Range<usize>;

/// A name as written, with where it stands.
#[derive(Debug, Clone, PartialEq)]
pub struct Name {
    pub text: String,
    pub span: Span,
}

/// Aggregate functions over a registry's records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
pub enum AggFunc {
    Count,
    Sum,
    Avg,
    Min,
    Max,
}

impl AggFunc {
    /// The function's name in formulas.
    pub fn name(self) -> &'static str {
        match self {
            AggFunc::Count => "count",
            AggFunc::Sum => "sum",
            AggFunc::Avg => "avg",
            AggFunc::Min => "min",
            AggFunc::Max => "max",
        }
    }
}

/// Arithmetic between figures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
pub enum ArithOp {
    Add,
    Sub,
    Mul,
    Div,
}

/// A figure-valued expression.
#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    /// `count(reg where …)`, `sum(reg.field where …)`, …
    Agg {
        func: AggFunc,
        registry: Name,
        field: Option<Name>,
        filter: Option<Cond>,
        span: Span,
    },
    /// Another indicator, by key.
    Ref(Name),
    Num(Number, Span),
    /// `ratio(a, b)`: a / b over the same scope, undefined when b is 0.
    Ratio(Box<Expr>, Box<Expr>, Span),
    /// `growth(x)`: (x − x of the previous period of the same length) / the latter.
    Growth(Box<Expr>, Span),
    Arith(ArithOp, Box<Expr>, Box<Expr>),
    Neg(Box<Expr>),
    /// The value comes from an approved submission.
    Manual(Span),
}

/// Comparison operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
pub enum CmpOp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

impl CmpOp {
    /// The operator as written.
    pub fn symbol(self) -> &'static str {
        match self {
            CmpOp::Eq => "=",
            CmpOp::Ne => "!=",
            CmpOp::Lt => "<",
            CmpOp::Le => "<=",
            CmpOp::Gt => ">",
            CmpOp::Ge => ">=",
        }
    }

    /// Applies the operator to an ordering of left against right.
    pub fn holds(self, o: std::cmp::Ordering) -> bool {
        use std::cmp::Ordering::*;
        match self {
            CmpOp::Eq => o == Equal,
            CmpOp::Ne => o != Equal,
            CmpOp::Lt => o == Less,
            CmpOp::Le => o != Greater,
            CmpOp::Gt => o == Greater,
            CmpOp::Ge => o != Less,
        }
    }
}

/// A literal in a condition.
#[derive(Debug, Clone, PartialEq)]
pub enum Lit {
    Str(String),
    Num(Number),
    Date(NaiveDate),
    Bool(bool),
}

/// A value in a condition: a field of the record, a literal, or a property of the period.
#[derive(Debug, Clone, PartialEq)]
pub enum Scalar {
    Field(Name),
    Lit(Lit, Span),
    PeriodStart(Span),
    PeriodEnd(Span),
    /// The year of the period's end.
    PeriodYear(Span),
    /// Working days after the first date up to and including the second.
    WorkingDays(Box<Scalar>, Box<Scalar>, Span),
}

impl Scalar {
    /// Where the value is written.
    pub fn span(&self) -> Span {
        match self {
            Scalar::Field(n) => n.span.clone(),
            Scalar::Lit(_, s) | Scalar::PeriodStart(s) | Scalar::PeriodEnd(s) | Scalar::PeriodYear(s) => s.clone(),
            Scalar::WorkingDays(_, _, s) => s.clone(),
        }
    }
}

/// A condition on one record (`where …`).
#[derive(Debug, Clone, PartialEq)]
pub enum Cond {
    And(Vec<Cond>),
    Or(Vec<Cond>),
    Not(Box<Cond>),
    Cmp(Scalar, CmpOp, Scalar),
    /// `x in ["a", "b"]` (negated: `not in`).
    In(Scalar, Vec<(Lit, Span)>, bool),
    /// `x in period`: within the period, both ends included.
    InPeriod(Scalar),
    /// `x is empty` (negated: `is not empty`).
    Empty(Scalar, bool),
    /// A yes/no field on its own.
    Truth(Scalar),
}
