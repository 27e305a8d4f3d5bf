//! Conditions evaluated over a block of rows at once, into a 0/1 mask. The common shape — a field
//! compared with a constant — runs as a tight loop over the column; anything else (two fields,
//! `working_days`) falls back to reading row by row. Equal sub-conditions of several aggregates are
//! computed once per block.

use crate::column::{Codes, Column, NULL_BOOL, NULL_CODE, NULL_DATE, NULL_INT, SMALL_NULL, Table, date_key, date_of};
use chrono::Datelike;
use kaohe_domain::calendar::{WorkCalendar, working_days_between};
use kaohe_domain::indicator::Period;
use kaohe_domain::indicator::ast::CmpOp;
use kaohe_domain::indicator::plan::{Datum, Filter, Operand};
use std::collections::HashMap;
use std::ops::Range;

/// Replaces `period_start`, `period_end` and `period_year` by constants, so equal conditions of
/// different periods differ and equal ones of the same period are shared.
pub(crate) fn resolve(f: &Filter, p: &Period) -> Filter {
    let op = |o: &Operand| resolve_operand(o, p);
    match f {
        Filter::And(v) => Filter::And(v.iter().map(|f| resolve(f, p)).collect()),
        Filter::Or(v) => Filter::Or(v.iter().map(|f| resolve(f, p)).collect()),
        Filter::Not(f) => Filter::Not(Box::new(resolve(f, p))),
        Filter::Cmp(a, c, b) => Filter::Cmp(op(a), *c, op(b)),
        Filter::In(a, l) => Filter::In(op(a), l.clone()),
        Filter::IsEmpty(a) => Filter::IsEmpty(op(a)),
        Filter::IsTrue(a) => Filter::IsTrue(op(a)),
    }
}

fn resolve_operand(o: &Operand, p: &Period) -> Operand {
    match o {
        Operand::PeriodStart => Operand::Const(Datum::Date(p.start)),
        Operand::PeriodEnd => Operand::Const(Datum::Date(p.end)),
        Operand::PeriodYear => Operand::Const(Datum::Int(i64::from(p.end.year()))),
        Operand::WorkingDays(a, b) => {
            Operand::WorkingDays(Box::new(resolve_operand(a, p)), Box::new(resolve_operand(b, p)))
        }
        other => other.clone(),
    }
}

/// Evaluates resolved conditions over row blocks of one table.
pub(crate) struct Masker<'a> {
    pub table: &'a Table,
    pub calendar: &'a dyn WorkCalendar,
    memo: HashMap<&'a Filter, Vec<u8>>,
}

impl<'a> Masker<'a> {
    pub fn new(table: &'a Table, calendar: &'a dyn WorkCalendar) -> Self {
        Masker { table, calendar, memo: HashMap::new() }
    }

    /// Forgets the masks of the previous block.
    pub fn next_block(&mut self) {
        self.memo.clear();
    }

    /// The mask of `f` over `rows` (computed once per block).
    pub fn mask(&mut self, f: &'a Filter, rows: Range<usize>) -> &[u8] {
        if !self.memo.contains_key(f) {
            let mut out = vec![0u8; rows.len()];
            self.fill(f, rows, &mut out);
            self.memo.insert(f, out);
        }
        &self.memo[f]
    }

    /// The masks to AND for `f`: its parts when it is a short `and` (so a count can AND them as
    /// it adds up, without writing the combined mask), else its own mask.
    pub fn parts(&mut self, f: &'a Filter, rows: Range<usize>) -> Vec<&[u8]> {
        let list: Vec<&'a Filter> = match f {
            Filter::And(v) if (2..=4).contains(&v.len()) && !self.is_range(v) => v.iter().collect(),
            other => vec![other],
        };
        for g in &list {
            self.mask(g, rows.clone());
        }
        list.iter().map(|g| self.memo[*g].as_slice()).collect()
    }

    fn is_range(&self, v: &[Filter]) -> bool {
        matches!(v, [Filter::Cmp(Operand::Field(a), CmpOp::Ge, Operand::Const(_)), Filter::Cmp(Operand::Field(b), CmpOp::Le, Operand::Const(_))] if a.key == b.key)
    }

    fn fill(&mut self, f: &'a Filter, rows: Range<usize>, out: &mut [u8]) {
        match f {
            Filter::And(v) if self.range(v, rows.clone(), out) => {}
            Filter::And(v) | Filter::Or(v) => {
                let and = matches!(f, Filter::And(_));
                out.fill(u8::from(and));
                for g in v {
                    let m = self.mask(g, rows.clone());
                    if and {
                        out.iter_mut().zip(m).for_each(|(o, x)| *o &= x);
                    } else {
                        out.iter_mut().zip(m).for_each(|(o, x)| *o |= x);
                    }
                }
            }
            Filter::Not(g) => {
                let m = self.mask(g, rows);
                out.iter_mut().zip(m).for_each(|(o, x)| *o = x ^ 1);
            }
            Filter::Cmp(Operand::Field(fr), op, Operand::Const(c)) => self.compare(&fr.key, *op, c, rows, out),
            Filter::Cmp(Operand::Const(c), op, Operand::Field(fr)) => self.compare(&fr.key, flip(*op), c, rows, out),
            Filter::IsEmpty(Operand::Field(fr)) => match self.table.column(&fr.key) {
                Some(Column::Int(v)) => fill_from(out, &v[rows], |x| x == NULL_INT),
                Some(Column::Date(v)) => fill_from(out, &v[rows], |x| x == NULL_DATE),
                Some(Column::Bool(v)) => fill_from(out, &v[rows], |x| x == NULL_BOOL),
                Some(Column::Text { codes: Codes::Small(v), .. }) => fill_from(out, &v[rows], |x| x == SMALL_NULL),
                Some(Column::Text { codes: Codes::Wide(v), .. }) => fill_from(out, &v[rows], |x| x == NULL_CODE),
                None => out.fill(1),
            },
            Filter::IsTrue(Operand::Field(fr)) => match self.table.column(&fr.key) {
                Some(Column::Bool(v)) => fill_from(out, &v[rows], |x| x == 1),
                _ => out.fill(0),
            },
            Filter::In(Operand::Field(fr), list) => match self.table.column(&fr.key) {
                Some(Column::Text { codes, dict }) => {
                    let mut wanted = vec![0u8; dict.len() + 1];
                    for (i, s) in dict.iter().enumerate() {
                        wanted[i] = u8::from(list.contains(&Datum::Text(s.clone())));
                    }
                    let last = dict.len();
                    match codes {
                        Codes::Small(v) => fill_from(out, &v[rows], |x| wanted[usize::from(x).min(last)] == 1),
                        Codes::Wide(v) => fill_from(out, &v[rows], |x| wanted[(x as usize).min(last)] == 1),
                    }
                }
                _ => self.row_by_row(f, rows, out),
            },
            _ => self.row_by_row(f, rows, out),
        }
    }

    /// `lo <= x <= hi` (how `in period` reads) over one integer or date column as a single pass;
    /// false when the conditions have another shape.
    fn range(&mut self, v: &[Filter], rows: Range<usize>, out: &mut [u8]) -> bool {
        let [
            Filter::Cmp(Operand::Field(a), CmpOp::Ge, Operand::Const(lo)),
            Filter::Cmp(Operand::Field(b), CmpOp::Le, Operand::Const(hi)),
        ] = v
        else {
            return false;
        };
        if a.key != b.key {
            return false;
        }
        match (self.table.column(&a.key), lo, hi) {
            (Some(Column::Date(col)), Datum::Date(lo), Datum::Date(hi)) => {
                let (lo, hi) = (date_key(*lo), date_key(*hi));
                // Empty dates (i32::MIN) fall outside any range of real dates.
                fill_from(out, &col[rows], |x| x >= lo && x <= hi);
                true
            }
            (Some(Column::Int(col)), Datum::Int(lo), Datum::Int(hi)) if *lo > NULL_INT => {
                fill_from(out, &col[rows], |x| x >= *lo && x <= *hi);
                true
            }
            _ => false,
        }
    }

    /// `field op constant` as a loop over the column.
    fn compare(&mut self, key: &str, op: CmpOp, c: &Datum, rows: Range<usize>, out: &mut [u8]) {
        match (self.table.column(key), c) {
            (Some(Column::Int(v)), Datum::Int(c)) => cmp_loop(out, &v[rows], op, *c, NULL_INT),
            (Some(Column::Date(v)), Datum::Date(c)) => cmp_loop(out, &v[rows], op, date_key(*c), NULL_DATE),
            (Some(Column::Bool(v)), Datum::Bool(c)) => cmp_loop(out, &v[rows], op, u8::from(*c), NULL_BOOL),
            (Some(Column::Text { codes, dict }), Datum::Text(s)) => {
                // A value no row holds: `=` never holds, `!=` holds for every non-empty row.
                let code = dict.iter().position(|d| d == s);
                match (codes, code) {
                    (Codes::Small(v), Some(c)) => cmp_loop(out, &v[rows], op, c as u8, SMALL_NULL),
                    (Codes::Wide(v), Some(c)) => cmp_loop(out, &v[rows], op, c as u32, NULL_CODE),
                    (Codes::Small(v), None) if op == CmpOp::Ne => fill_from(out, &v[rows], |x| x != SMALL_NULL),
                    (Codes::Wide(v), None) if op == CmpOp::Ne => fill_from(out, &v[rows], |x| x != NULL_CODE),
                    (_, None) => out.fill(0),
                }
            }
            _ => out.fill(0),
        }
    }

    fn row_by_row(&self, f: &Filter, rows: Range<usize>, out: &mut [u8]) {
        for (o, r) in out.iter_mut().zip(rows) {
            *o = u8::from(self.holds(f, r));
        }
    }

    fn holds(&self, f: &Filter, r: usize) -> bool {
        match f {
            Filter::And(v) => v.iter().all(|f| self.holds(f, r)),
            Filter::Or(v) => v.iter().any(|f| self.holds(f, r)),
            Filter::Not(f) => !self.holds(f, r),
            Filter::Cmp(a, op, b) => match (self.operand(a, r), self.operand(b, r)) {
                (Some(x), Some(y)) => op.holds(x.cmp(&y)),
                _ => false,
            },
            Filter::In(a, list) => self.operand(a, r).is_some_and(|x| list.contains(&x)),
            Filter::IsEmpty(a) => self.operand(a, r).is_none(),
            Filter::IsTrue(a) => self.operand(a, r) == Some(Datum::Bool(true)),
        }
    }

    /// An operand's value at a row (period operands are resolved already).
    fn operand(&self, o: &Operand, r: usize) -> Option<Datum> {
        match o {
            Operand::Const(d) => Some(d.clone()),
            Operand::Field(f) => match self.table.column(&f.key)? {
                Column::Int(v) => (v[r] != NULL_INT).then(|| Datum::Int(v[r])),
                Column::Date(v) => date_of(v[r]).map(Datum::Date),
                Column::Bool(v) => (v[r] != NULL_BOOL).then(|| Datum::Bool(v[r] == 1)),
                Column::Text { codes, dict } => dict.get(codes.get(r) as usize).map(|s| Datum::Text(s.clone())),
            },
            Operand::WorkingDays(a, b) => match (self.operand(a, r)?, self.operand(b, r)?) {
                (Datum::Date(x), Datum::Date(y)) => Some(Datum::Int(working_days_between(self.calendar, x, y))),
                _ => None,
            },
            Operand::PeriodStart | Operand::PeriodEnd | Operand::PeriodYear => None,
        }
    }
}

/// The operator with its sides swapped (`c < x` is `x > c`).
fn flip(op: CmpOp) -> CmpOp {
    match op {
        CmpOp::Lt => CmpOp::Gt,
        CmpOp::Le => CmpOp::Ge,
        CmpOp::Gt => CmpOp::Lt,
        CmpOp::Ge => CmpOp::Le,
        other => other,
    }
}

fn fill_from<T: Copy>(out: &mut [u8], col: &[T], f: impl Fn(T) -> bool) {
    out.iter_mut().zip(col).for_each(|(o, x)| *o = u8::from(f(*x)));
}

/// `x op c` for every `x`, false where `x` is empty. One loop per operator, so each vectorises.
fn cmp_loop<T: Copy + Ord>(out: &mut [u8], col: &[T], op: CmpOp, c: T, null: T) {
    match op {
        CmpOp::Eq if c != null => fill_from(out, col, |x| x == c),
        CmpOp::Gt => fill_from(out, col, |x| x > c && x != null),
        CmpOp::Ge => fill_from(out, col, |x| x >= c && x != null),
        CmpOp::Lt => fill_from(out, col, |x| x < c && x != null),
        CmpOp::Le => fill_from(out, col, |x| x <= c && x != null),
        CmpOp::Ne => fill_from(out, col, |x| x != c && x != null),
        CmpOp::Eq => out.fill(0),
    }
}
