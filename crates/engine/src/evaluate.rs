//! The snapshot and evaluation: plans are compiled into programs over numbered aggregate jobs,
//! jobs are grouped by registry and period, each group is one pass over its table, and the
//! programs are then run per org on the jobs' figures.

use crate::aggregate::{Acc, Job, accumulate, roll_up, scale_of};
use crate::column::Table;
use crate::mask::{Masker, resolve};
use crate::tree::OrgTree;
use kaohe_domain::calendar::{Weekends, WorkCalendar};
use kaohe_domain::ids::OrgId;
use kaohe_domain::indicator::ast::{AggFunc, ArithOp};
use kaohe_domain::indicator::plan::{Agg, Filter, Plan};
use kaohe_domain::indicator::{Number, Period};
use std::collections::BTreeMap;
use std::sync::Arc;

/// The registries' live records, ready to evaluate. Cheap to clone; replacing one table keeps the
/// others shared.
#[derive(Clone)]
pub struct Snapshot {
    tree: Arc<OrgTree>,
    tables: BTreeMap<String, Arc<Table>>,
    calendar: Arc<dyn WorkCalendar>,
}

/// An aggregate for a period, with its filter resolved for that period.
struct Resolved<'a> {
    agg: &'a Agg,
    filter: Option<Filter>,
}

/// A plan with its aggregates replaced by job numbers.
enum Program {
    Job(usize),
    Const(Number),
    Ratio(Box<Program>, Box<Program>),
    Growth(Box<Program>, Box<Program>),
    Arith(ArithOp, Box<Program>, Box<Program>),
    Neg(Box<Program>),
    Missing,
}

/// The jobs of a set of plans, each aggregate of each period once.
#[derive(Default)]
struct Jobs<'a> {
    list: Vec<Resolved<'a>>,
    index: BTreeMap<(&'a Agg, Period), usize>,
}

impl<'a> Jobs<'a> {
    fn compile(&mut self, p: &'a Plan, period: Period) -> Program {
        let mut go = |p: &'a Plan, period: Period| Box::new(self.compile(p, period));
        match p {
            Plan::Agg(a) => {
                let n = self.list.len();
                let i = *self.index.entry((&**a, period)).or_insert(n);
                if i == n {
                    let filter = a.filter.as_ref().map(|f| resolve(f, &period));
                    self.list.push(Resolved { agg: a, filter });
                }
                Program::Job(i)
            }
            Plan::Const(n) => Program::Const(*n),
            Plan::Ratio(a, b) => Program::Ratio(go(a, period), go(b, period)),
            Plan::Growth(x) => Program::Growth(go(x, period), go(x, period.previous())),
            Plan::Arith(op, a, b) => Program::Arith(*op, go(a, period), go(b, period)),
            Plan::Neg(a) => Program::Neg(go(a, period)),
            Plan::Ref(_, p) => self.compile(p, period),
            // Approved submissions arrive with the targets (a later issue); until then, no figure.
            Plan::Manual => Program::Missing,
        }
    }
}

fn run(p: &Program, figure: &dyn Fn(usize) -> Option<Number>) -> Option<Number> {
    match p {
        Program::Job(i) => figure(*i),
        Program::Const(n) => Some(*n),
        Program::Missing => None,
        Program::Neg(a) => Number::ZERO.checked_sub(run(a, figure)?),
        Program::Ratio(a, b) => run(a, figure)?.checked_div(run(b, figure)?),
        Program::Growth(now, before) => {
            let (now, before) = (run(now, figure)?, run(before, figure)?);
            now.checked_sub(before)?.checked_div(before)
        }
        Program::Arith(op, a, b) => {
            let (a, b) = (run(a, figure)?, run(b, figure)?);
            match op {
                ArithOp::Add => a.checked_add(b),
                ArithOp::Sub => a.checked_sub(b),
                ArithOp::Mul => a.checked_mul(b),
                ArithOp::Div => a.checked_div(b),
            }
        }
    }
}

/// Where a drilled-down part of a figure stands in its formula.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DrillRole {
    Numerator,
    Denominator,
    PreviousPeriod,
}

/// The records one aggregate of a figure counted.
#[derive(Debug, Clone)]
pub struct DrillPart {
    pub registry: String,
    pub func: AggFunc,
    pub field: Option<String>,
    pub period: Period,
    /// From the outside in: e.g. `[Numerator]`, `[PreviousPeriod]`.
    pub roles: Vec<DrillRole>,
    /// The records, in (org, id) order.
    pub record_ids: Vec<i64>,
}

/// A figure's records, per aggregate.
#[derive(Debug, Clone, Default)]
pub struct Drilled {
    pub parts: Vec<DrillPart>,
}

impl Snapshot {
    /// A snapshot of a tree with no records yet; plain weekends until a calendar is given.
    pub fn new(tree: OrgTree) -> Self {
        Snapshot { tree: Arc::new(tree), tables: BTreeMap::new(), calendar: Arc::new(Weekends) }
    }

    /// The same snapshot with another working-day calendar.
    pub fn with_calendar(mut self, calendar: Arc<dyn WorkCalendar>) -> Self {
        self.calendar = calendar;
        self
    }

    /// Puts (or replaces) a registry's table; it must have been built for this snapshot's tree.
    pub fn set_table(&mut self, registry: &str, table: Table) {
        self.tables.insert(registry.to_owned(), Arc::new(table));
    }

    /// The org tree.
    pub fn tree(&self) -> &OrgTree {
        &self.tree
    }

    /// A registry's table.
    pub fn table(&self, registry: &str) -> Option<&Table> {
        self.tables.get(registry).map(|t| &**t)
    }

    /// Bytes held by the tables' columns, roughly.
    pub fn heap_bytes(&self) -> usize {
        self.tables.values().map(|t| t.heap_bytes()).sum()
    }

    /// Computes the jobs; `scopes` are ranges of dense orgs (a subtree, or one org's own rows),
    /// or `None` for every org's subtree at once.
    fn figures(&self, jobs: &Jobs, scopes: Option<&[(u32, u32)]>) -> Vec<Acc> {
        let mut out: Vec<Acc> = (0..jobs.list.len()).map(|_| Acc::default()).collect();
        // Group the jobs by registry: one pass per table for all its aggregates and periods.
        let mut groups: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
        for (i, r) in jobs.list.iter().enumerate() {
            groups.entry(r.agg.registry.as_str()).or_default().push(i);
        }
        let empty = Table::default();
        for (registry, members) in groups {
            let table = self.tables.get(registry).map_or(&empty, |t| &**t);
            let specs: Vec<Job> = members
                .iter()
                .map(|i| {
                    let r = &jobs.list[*i];
                    Job {
                        func: r.agg.func,
                        field: r.agg.field.as_ref().map(|f| (f.key.as_str(), scale_of(f.kind))),
                        filter: r.filter.as_ref(),
                    }
                })
                .collect();
            let accs = match scopes {
                None if table.rows() == 0 => specs.iter().map(|_| Acc::empty(self.tree.len())).collect(),
                None => {
                    let own = accumulate(table, &*self.calendar, &specs, 0..table.rows(), self.tree.len(), true);
                    own.into_iter().map(|a| roll_up(a, &self.tree)).collect()
                }
                Some(roots) => {
                    let mut per_scope: Vec<Acc> = specs.iter().map(|_| Acc::empty(roots.len())).collect();
                    for (slot, (from, to)) in roots.iter().enumerate() {
                        let rows = if table.rows() == 0 { 0..0 } else { table.range(*from, *to) };
                        let one = accumulate(table, &*self.calendar, &specs, rows, 1, false);
                        for (acc, o) in per_scope.iter_mut().zip(one) {
                            acc.set_slot(slot, &o);
                        }
                    }
                    per_scope
                }
            };
            for (i, acc) in members.into_iter().zip(accs) {
                out[i] = acc;
            }
        }
        out
    }

    fn run_all(&self, plans: &[&Plan], period: &Period, scopes: Option<&[(u32, u32)]>) -> Vec<Vec<Option<Number>>> {
        let mut jobs = Jobs::default();
        let programs: Vec<Program> = plans.iter().map(|p| jobs.compile(p, *period)).collect();
        let accs = self.figures(&jobs, scopes);
        let slots = scopes.map_or(self.tree.len(), <[(u32, u32)]>::len);
        programs
            .iter()
            .map(|prog| {
                (0..slots)
                    .map(|s| {
                        run(prog, &|i| {
                            let r = &jobs.list[i];
                            accs[i].figure(r.agg.func, r.agg.field.as_ref().map_or(0, |f| scale_of(f.kind)), s)
                        })
                    })
                    .collect()
            })
            .collect()
    }

    /// Every plan for every org (over its whole scope): `[plan][dense org]`.
    pub fn evaluate_all(&self, plans: &[&Plan], period: &Period) -> Vec<Vec<Option<Number>>> {
        self.run_all(plans, period, None)
    }

    /// Every plan for the given orgs (each over its scope): `[plan][org]`. Reads only the orgs'
    /// rows; an org not in the tree gets no figures.
    pub fn evaluate_at(&self, plans: &[&Plan], period: &Period, orgs: &[OrgId]) -> Vec<Vec<Option<Number>>> {
        self.run_ranges(plans, period, orgs, |d| (d, self.tree.end(d)))
    }

    /// Every plan for the given orgs' own records only (本级, without their subordinates).
    pub fn evaluate_own(&self, plans: &[&Plan], period: &Period, orgs: &[OrgId]) -> Vec<Vec<Option<Number>>> {
        self.run_ranges(plans, period, orgs, |d| (d, d + 1))
    }

    fn run_ranges(
        &self,
        plans: &[&Plan],
        period: &Period,
        orgs: &[OrgId],
        range: impl Fn(u32) -> (u32, u32),
    ) -> Vec<Vec<Option<Number>>> {
        let known: Vec<(usize, u32)> =
            orgs.iter().enumerate().filter_map(|(i, o)| self.tree.dense(*o).map(|d| (i, d))).collect();
        let ranges: Vec<(u32, u32)> = known.iter().map(|(_, d)| range(*d)).collect();
        let found = self.run_all(plans, period, Some(&ranges));
        found
            .into_iter()
            .map(|per| {
                let mut row = vec![None; orgs.len()];
                for ((i, _), v) in known.iter().zip(per) {
                    row[*i] = v;
                }
                row
            })
            .collect()
    }

    /// The records behind a figure of `org`: every aggregate of the plan, with its period and role.
    pub fn drill(&self, plan: &Plan, period: &Period, org: OrgId) -> Drilled {
        let Some(d) = self.tree.dense(org) else { return Drilled::default() };
        let mut parts = Vec::new();
        self.drill_into(plan, *period, d, &mut Vec::new(), &mut parts);
        Drilled { parts }
    }

    fn drill_into(&self, plan: &Plan, period: Period, d: u32, roles: &mut Vec<DrillRole>, out: &mut Vec<DrillPart>) {
        let mut with = |role: Option<DrillRole>, p: &Plan, period: Period, out: &mut Vec<DrillPart>| {
            roles.extend(role);
            self.drill_into(p, period, d, roles, out);
            if role.is_some() {
                roles.pop();
            }
        };
        match plan {
            Plan::Agg(a) => out.push(self.drill_agg(a, period, d, roles.clone())),
            Plan::Ratio(a, b) => {
                with(Some(DrillRole::Numerator), a, period, out);
                with(Some(DrillRole::Denominator), b, period, out);
            }
            Plan::Growth(x) => {
                with(None, x, period, out);
                with(Some(DrillRole::PreviousPeriod), x, period.previous(), out);
            }
            Plan::Arith(_, a, b) => {
                with(None, a, period, out);
                with(None, b, period, out);
            }
            Plan::Neg(a) | Plan::Ref(_, a) => with(None, a, period, out),
            Plan::Const(_) | Plan::Manual => {}
        }
    }

    fn drill_agg(&self, a: &Agg, period: Period, d: u32, roles: Vec<DrillRole>) -> DrillPart {
        let mut record_ids = Vec::new();
        if let Some(table) = self.tables.get(&a.registry) {
            let rows = table.range(d, self.tree.end(d));
            let filter = a.filter.as_ref().map(|f| resolve(f, &period));
            let mut masker = Masker::new(table, &*self.calendar);
            let mask: Vec<u8> = match &filter {
                Some(f) => masker.mask(f, rows.clone()).to_vec(),
                None => vec![1; rows.len()],
            };
            let values = a.field.as_ref().and_then(|f| match table.column(&f.key) {
                Some(crate::column::Column::Int(v)) => Some(v),
                _ => None,
            });
            for (k, r) in rows.enumerate() {
                let counted = mask[k] == 1 && values.is_none_or(|v| v[r] != crate::column::NULL_INT);
                if counted && (a.field.is_none() || values.is_some()) {
                    record_ids.push(table.ids()[r]);
                }
            }
        }
        DrillPart {
            registry: a.registry.clone(),
            func: a.func,
            field: a.field.as_ref().map(|f| f.key.clone()),
            period,
            roles,
            record_ids,
        }
    }
}
