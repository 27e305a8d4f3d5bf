//! The snapshot and evaluation: plans are compiled into programs over numbered aggregate jobs,
//! jobs are grouped by registry and period, each group is one pass over its table, and the
//! programs are then run per org on the jobs' figures.

use crate::aggregate::{Acc, Job, accumulate, roll_up, scale_of};
use crate::budget::{Budget, Stopped};
use crate::column::{Column, NULL_INT, Table};
use crate::mask::{Masker, resolve};
use crate::program::{Leaves, Program, column};
use crate::tree::OrgTree;
use kaohe_domain::calendar::{Weekends, WorkCalendar};
use kaohe_domain::ids::OrgId;
use kaohe_domain::indicator::ast::AggFunc;
use kaohe_domain::indicator::plan::{Agg, Filter, Plan};
use kaohe_domain::indicator::{Number, Period};
use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};

/// The registries' live records, ready to evaluate. Cheap to clone; replacing one table keeps the
/// others shared.
#[derive(Clone)]
pub struct Snapshot {
    tree: Arc<OrgTree>,
    tables: BTreeMap<String, Arc<Entry>>,
    calendar: Arc<dyn WorkCalendar>,
}

/// An aggregate for a period, with its filter resolved for that period.
struct Resolved<'a> {
    agg: &'a Agg,
    period: Period,
    filter: Option<Filter>,
}

impl Resolved<'_> {
    fn job(&self) -> Job<'_> {
        Job {
            func: self.agg.func,
            field: self.agg.field.as_ref().map(|f| (f.key.as_str(), scale_of(f.kind))),
            filter: self.filter.as_ref(),
        }
    }
}

/// Figures `[plan][org]`, or why the evaluation stopped.
pub type Figured = Result<Vec<Vec<Option<Number>>>, Stopped>;

/// Where a drill-down is: the org (dense), the roles from the outside in, the budget.
struct DrillAt<'a> {
    d: u32,
    roles: Vec<DrillRole>,
    budget: &'a Budget,
}

/// Which orgs a computation is for (dense ids).
enum Targets<'a> {
    /// Every org's subtree.
    Every,
    /// These orgs' subtrees.
    Subtrees(&'a [u32]),
    /// These orgs' own rows.
    Own(&'a [u32]),
}

/// A job's figures: every org's (rolled up, shared with the cache), or one per target.
enum Figures {
    Every(Arc<Acc>),
    Slots(Acc),
}

/// Whole-tree results kept per table, at most this many.
const CACHED_MAX: usize = 2048;

/// A registry's table and the whole-tree aggregates computed from it.
struct Entry {
    table: Table,
    cache: Mutex<HashMap<(Agg, Period), Arc<Acc>>>,
}

impl Entry {
    fn cached(&self, key: &(Agg, Period)) -> Option<Arc<Acc>> {
        self.cache.lock().ok()?.get(key).cloned()
    }

    fn keep(&self, key: (Agg, Period), acc: Arc<Acc>) {
        if let Ok(mut c) = self.cache.lock() {
            if c.len() >= CACHED_MAX {
                c.clear();
            }
            c.insert(key, acc);
        }
    }
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
                    self.list.push(Resolved { agg: a, period, filter });
                }
                Program::Job(i)
            }
            Plan::Const(n) => Program::Const(*n),
            Plan::Ratio(a, b) => Program::Ratio(go(a, period), go(b, period)),
            Plan::Growth(x) => Program::Growth(go(x, period), go(x, period.previous())),
            Plan::Arith(op, a, b) => Program::Arith(*op, go(a, period), go(b, period)),
            Plan::Neg(a) => Program::Neg(go(a, period)),
            Plan::Ref(_, p) => self.compile(p, period),
            // A manual figure comes from approved submissions, filled in by the store for an
            // indicator that is `manual` itself; inside a larger formula it has no figure.
            Plan::Manual(_) => Program::Missing,
        }
    }
}

/// The computed jobs, read by slot for the programs.
struct JobFigures<'a> {
    jobs: &'a Jobs<'a>,
    figures: &'a [Figures],
    targets: &'a Targets<'a>,
}

impl JobFigures<'_> {
    /// Where slot `s` of job `i` is kept.
    fn at(&self, i: usize, s: usize) -> (&Acc, usize) {
        match &self.figures[i] {
            Figures::Slots(acc) => (acc, s),
            Figures::Every(acc) => match self.targets {
                Targets::Subtrees(roots) => (acc, roots[s] as usize),
                _ => (acc, s),
            },
        }
    }
}

impl Leaves for JobFigures<'_> {
    fn figure(&self, i: usize, s: usize) -> Option<Number> {
        let r = &self.jobs.list[i];
        let (acc, slot) = self.at(i, s);
        acc.figure(r.agg.func, r.agg.field.as_ref().map_or(0, |f| scale_of(f.kind)), slot)
    }

    fn is_count(&self, i: usize) -> bool {
        self.jobs.list[i].agg.func == AggFunc::Count
    }

    fn count(&self, i: usize, s: usize) -> i64 {
        let (acc, slot) = self.at(i, s);
        acc.count[slot]
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
        self.tables.insert(registry.to_owned(), Arc::new(Entry { table, cache: Mutex::new(HashMap::new()) }));
    }

    /// The org tree.
    pub fn tree(&self) -> &OrgTree {
        &self.tree
    }

    /// A registry's table.
    pub fn table(&self, registry: &str) -> Option<&Table> {
        self.tables.get(registry).map(|e| &e.table)
    }

    /// Bytes held by the tables' columns, roughly.
    pub fn heap_bytes(&self) -> usize {
        self.tables.values().map(|e| e.table.heap_bytes()).sum()
    }

    /// Computes the jobs for `targets`. With `cache`, whole-tree results are kept with their
    /// table (until the table is replaced) and reused; a scope covering more than an eighth of a
    /// table is answered from a whole-tree pass, smaller scopes by scanning their rows.
    fn figures(&self, jobs: &Jobs, targets: &Targets, cache: bool, budget: &Budget) -> Result<Vec<Figures>, Stopped> {
        let mut out: Vec<Option<Figures>> = (0..jobs.list.len()).map(|_| None).collect();
        // Group the jobs by registry: one pass per table for all its aggregates and periods.
        let mut groups: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
        for (i, r) in jobs.list.iter().enumerate() {
            groups.entry(r.agg.registry.as_str()).or_default().push(i);
        }
        let n = self.tree.len();
        for (registry, members) in groups {
            let Some(entry) = self.tables.get(registry) else {
                for i in members {
                    out[i] = Some(match targets {
                        Targets::Every => Figures::Every(Arc::new(Acc::empty(n))),
                        Targets::Subtrees(r) | Targets::Own(r) => Figures::Slots(Acc::empty(r.len())),
                    });
                }
                continue;
            };
            let table = &entry.table;
            let key = |i: usize| (jobs.list[i].agg.clone(), jobs.list[i].period);
            let mut missing = Vec::new();
            for &i in &members {
                let hit = if cache && !matches!(targets, Targets::Own(_)) { entry.cached(&key(i)) } else { None };
                match hit {
                    Some(acc) => out[i] = Some(Figures::Every(acc)),
                    None => missing.push(i),
                }
            }
            if missing.is_empty() {
                continue;
            }
            let specs: Vec<Job> = missing.iter().map(|i| jobs.list[*i].job()).collect();
            let whole = match targets {
                Targets::Every => true,
                Targets::Subtrees(roots) => {
                    let rows: usize = roots.iter().map(|d| table.range(*d, self.tree.end(*d)).len()).sum();
                    cache && rows * 8 > table.rows()
                }
                Targets::Own(_) => false,
            };
            if whole {
                let own = accumulate(table, &*self.calendar, &specs, 0..table.rows(), (n, true), budget)?;
                for (i, acc) in missing.into_iter().zip(own) {
                    let acc = Arc::new(roll_up(acc, &self.tree));
                    if cache {
                        entry.keep(key(i), acc.clone());
                    }
                    out[i] = Some(Figures::Every(acc));
                }
                continue;
            }
            let ranges: Vec<(u32, u32)> = match targets {
                Targets::Subtrees(r) => r.iter().map(|d| (*d, self.tree.end(*d))).collect(),
                Targets::Own(r) => r.iter().map(|d| (*d, *d + 1)).collect(),
                Targets::Every => Vec::new(),
            };
            let mut per_scope: Vec<Acc> = specs.iter().map(|_| Acc::empty(ranges.len())).collect();
            for (slot, (from, to)) in ranges.iter().enumerate() {
                let one = accumulate(table, &*self.calendar, &specs, table.range(*from, *to), (1, false), budget)?;
                for (acc, o) in per_scope.iter_mut().zip(one) {
                    acc.set_slot(slot, &o);
                }
            }
            for (i, acc) in missing.into_iter().zip(per_scope) {
                out[i] = Some(Figures::Slots(acc));
            }
        }
        Ok(out.into_iter().map(|f| f.unwrap_or(Figures::Slots(Acc::default()))).collect())
    }

    fn run(&self, plans: &[&Plan], period: &Period, targets: &Targets, cache: bool, budget: &Budget) -> Figured {
        let mut jobs = Jobs::default();
        let programs: Vec<Program> = plans.iter().map(|p| jobs.compile(p, *period)).collect();
        let figures = self.figures(&jobs, targets, cache, budget)?;
        let slots = match targets {
            Targets::Every => self.tree.len(),
            Targets::Subtrees(r) | Targets::Own(r) => r.len(),
        };
        let steps: u64 = plans.iter().map(|p| p.steps()).fold(0, u64::saturating_add);
        budget.charge(steps.saturating_mul(slots as u64))?;
        let leaves = JobFigures { jobs: &jobs, figures: &figures, targets };
        Ok(programs.iter().map(|prog| column(prog, &leaves, slots)).collect())
    }

    /// Every plan for every org (over its whole scope): `[plan][dense org]`. Aggregates already
    /// computed for this snapshot are reused.
    pub fn evaluate_all(&self, plans: &[&Plan], period: &Period, budget: &Budget) -> Figured {
        self.run(plans, period, &Targets::Every, true, budget)
    }

    /// As [`Snapshot::evaluate_all`], computing everything afresh (for benchmarks of the bulk
    /// pass, and tests).
    pub fn compute_all(&self, plans: &[&Plan], period: &Period, budget: &Budget) -> Figured {
        self.run(plans, period, &Targets::Every, false, budget)
    }

    /// Every plan for the given orgs (each over its scope): `[plan][org]`; an org not in the
    /// tree gets no figures. Large scopes are answered from (and fill) the whole-tree results.
    pub fn evaluate_at(&self, plans: &[&Plan], period: &Period, orgs: &[OrgId], budget: &Budget) -> Figured {
        self.run_for(plans, period, orgs, (false, true), budget)
    }

    /// As [`Snapshot::evaluate_at`], scanning the orgs' rows without any stored results.
    pub fn compute_at(&self, plans: &[&Plan], period: &Period, orgs: &[OrgId], budget: &Budget) -> Figured {
        self.run_for(plans, period, orgs, (false, false), budget)
    }

    /// Every plan for the given orgs' own records only (本级, without their subordinates).
    pub fn evaluate_own(&self, plans: &[&Plan], period: &Period, orgs: &[OrgId], budget: &Budget) -> Figured {
        self.run_for(plans, period, orgs, (true, false), budget)
    }

    fn run_for(
        &self,
        plans: &[&Plan],
        period: &Period,
        orgs: &[OrgId],
        (own, cache): (bool, bool),
        budget: &Budget,
    ) -> Figured {
        let known: Vec<(usize, u32)> =
            orgs.iter().enumerate().filter_map(|(i, o)| self.tree.dense(*o).map(|d| (i, d))).collect();
        let roots: Vec<u32> = known.iter().map(|(_, d)| *d).collect();
        let targets = if own { Targets::Own(&roots) } else { Targets::Subtrees(&roots) };
        let found = self.run(plans, period, &targets, cache, budget)?;
        Ok(found
            .into_iter()
            .map(|per| {
                let mut row = vec![None; orgs.len()];
                for ((i, _), v) in known.iter().zip(per) {
                    row[*i] = v;
                }
                row
            })
            .collect())
    }

    /// The records behind a figure of `org`: every aggregate of the plan, with its period and role.
    pub fn drill(&self, plan: &Plan, period: &Period, org: OrgId, budget: &Budget) -> Result<Drilled, Stopped> {
        let Some(d) = self.tree.dense(org) else { return Ok(Drilled::default()) };
        let mut parts = Vec::new();
        let mut at = DrillAt { d, roles: Vec::new(), budget };
        self.drill_into(plan, *period, &mut at, &mut parts)?;
        Ok(Drilled { parts })
    }

    fn drill_into(
        &self,
        plan: &Plan,
        period: Period,
        at: &mut DrillAt,
        out: &mut Vec<DrillPart>,
    ) -> Result<(), Stopped> {
        let mut with = |role: Option<DrillRole>, p: &Plan, period: Period, out: &mut Vec<DrillPart>| {
            at.roles.extend(role);
            let done = self.drill_into(p, period, at, out);
            if role.is_some() {
                at.roles.pop();
            }
            done
        };
        match plan {
            Plan::Agg(a) => out.push(self.drill_agg(a, period, at)?),
            Plan::Ratio(a, b) => {
                with(Some(DrillRole::Numerator), a, period, out)?;
                with(Some(DrillRole::Denominator), b, period, out)?;
            }
            Plan::Growth(x) => {
                with(None, x, period, out)?;
                with(Some(DrillRole::PreviousPeriod), x, period.previous(), out)?;
            }
            Plan::Arith(_, a, b) => {
                with(None, a, period, out)?;
                with(None, b, period, out)?;
            }
            Plan::Neg(a) | Plan::Ref(_, a) => with(None, a, period, out)?,
            Plan::Const(_) | Plan::Manual(_) => {}
        }
        Ok(())
    }

    fn drill_agg(&self, a: &Agg, period: Period, at: &DrillAt) -> Result<DrillPart, Stopped> {
        let (d, roles) = (at.d, at.roles.clone());
        let mut record_ids = Vec::new();
        if let Some(table) = self.table(&a.registry) {
            let rows = table.range(d, self.tree.end(d));
            let per_row = 1 + a.filter.as_ref().map_or(0, Filter::size);
            at.budget.charge(per_row.saturating_mul(rows.len() as u64))?;
            let filter = a.filter.as_ref().map(|f| resolve(f, &period));
            let mut masker = Masker::new(table, &*self.calendar);
            let mask: Vec<u8> = match &filter {
                Some(f) => masker.mask(f, rows.clone()).to_vec(),
                None => vec![1; rows.len()],
            };
            let values = a.field.as_ref().and_then(|f| match table.column(&f.key) {
                Some(Column::Int(v)) => Some(v),
                _ => None,
            });
            for (k, r) in rows.enumerate() {
                let counted = mask[k] == 1 && values.is_none_or(|v| v[r] != NULL_INT);
                if counted && (a.field.is_none() || values.is_some()) {
                    record_ids.push(table.ids()[r]);
                }
            }
        }
        Ok(DrillPart {
            registry: a.registry.clone(),
            func: a.func,
            field: a.field.as_ref().map(|f| f.key.clone()),
            period,
            roles,
            record_ids,
        })
    }
}
