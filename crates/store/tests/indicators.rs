//! The trade-union pack's indicators through the store, on both engines: an edit, a soft delete
//! and an org move change exactly the figures they touch, in the store that made the change and
//! in another store on the same database (its cached snapshot invalidated by the change
//! counters); random records and formulas give the same figures as a plain-SQL recount and as the
//! reference evaluator; a count's drill-down lists exactly its records, inside the scope.

mod support;

use chrono::NaiveDate;
use kaohe_domain::calendar::Weekends;
use kaohe_domain::indicator::naive::{self, Data};
use kaohe_domain::indicator::{Indicator, Number, Period, Plan};
use kaohe_domain::pack::Pack;
use kaohe_domain::record::{Record, RecordId, Value, Values};
use kaohe_domain::{Actor, DomainError, OrgId, Role};
use kaohe_engine::DrillRole;
use kaohe_store::testing::{TestDb, fresh_databases};
use kaohe_store::{RecordQuery, Store, StoreError};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use std::cell::{Cell, RefCell};
use std::collections::BTreeSet;
use std::time::Instant;
use support::*;

/// Panics naming the first figures that differ between two passes.
fn same(want: &Figures, got: &Figures, what: &str) {
    let diff: Vec<_> = want
        .iter()
        .filter(|(k, v)| got.get(*k) != Some(v))
        .take(5)
        .map(|(k, v)| format!("{k:?}: want {v:?}, got {:?}", got.get(k)))
        .collect();
    assert!(diff.is_empty() && want.len() == got.len(), "{what}:\n{}", diff.join("\n"));
}

/// After an edit: the cached store (`a`), the other store warmed before the edit (`b`) and a
/// store opened afresh all give the same figures; returns them.
async fn after_edit(a: &Store, b: &Store, tdb: &TestDb, inds: &[Indicator], what: &str) -> Figures {
    let year = Period::year(2009);
    let fresh = everywhere(&open(tdb).await, inds, &year).await;
    same(&fresh, &everywhere(a, inds, &year).await, &format!("{what}: the store that wrote"));
    same(&fresh, &everywhere(b, inds, &year).await, &format!("{what}: another store, cached before"));
    fresh
}

/// What an edit may and must change.
struct Expect<'a> {
    what: &'a str,
    /// A changed indicator reads one of these.
    registries: &'a [&'a str],
    /// Only these orgs' figures may change.
    orgs: &'a [OrgId],
    /// These figures must change …
    must: &'a [(&'a str, OrgId)],
    /// … and these must not.
    must_not: &'a [(&'a str, OrgId)],
}

fn check(before: &Figures, after: &Figures, inds: &[Indicator], e: Expect) {
    let changed = changed(before, after);
    assert!(!changed.is_empty(), "{}: no figure changed", e.what);
    for (k, o) in e.must {
        assert!(changed.contains(&((*k).to_owned(), *o)), "{}: {k} at {o:?} did not change", e.what);
    }
    for (k, o) in e.must_not {
        assert!(!changed.contains(&((*k).to_owned(), *o)), "{}: {k} at {o:?} changed", e.what);
    }
    for (k, o) in &changed {
        let plan = &inds.iter().find(|i| &i.def.key == k).unwrap().plan;
        assert!(
            plan.registries().iter().any(|r| e.registries.contains(r)),
            "{}: {k} changed but reads none of {:?}",
            e.what,
            e.registries
        );
        assert!(e.orgs.contains(o), "{}: {k} changed at {o:?}, outside the edit's orgs", e.what);
    }
}

async fn ancestry(store: &Store, o: OrgId) -> Vec<OrgId> {
    store.scoped(Actor::Operator).org(o).await.unwrap().path.ids()
}

#[tokio::test]
async fn an_edit_changes_exactly_the_figures_it_touches() {
    let pack = kaohe_packs::trade_union().unwrap();
    let inds = pack.indicators.all();
    for tdb in fresh_databases().await {
        let started = Instant::now();
        let store = open(&tdb).await;
        let city = org(&store, "HY", None).await;
        let (ly, cn) = (org(&store, "LY", Some(city)).await, org(&store, "CN", Some(city)).await);
        let (ly1, ly2) = (org(&store, "LY-1", Some(ly)).await, org(&store, "LY-2", Some(ly)).await);
        let (cn1, cn2) = (org(&store, "CN-1", Some(cn)).await, org(&store, "CN-2", Some(cn)).await);
        let op = store.scoped(Actor::Operator);
        let add = |reg: &'static str, at: OrgId, v: Values| {
            let op = &op;
            async move { op.create_record(reg, at, v).await.unwrap() }
        };
        // Even test ID numbers are women's.
        let m1 = add("members", ly1, member(2, d(2009, 3, 5))).await;
        let m2 = add("members", ly2, member(4, d(2009, 5, 1))).await;
        add("members", cn1, member(7, d(2008, 7, 1))).await;
        add("members", cn2, member(9, d(2009, 2, 2))).await;
        add("units", ly2, unit(d(2009, 4, 1), 120)).await;
        add("units", ly1, unit(d(2009, 8, 8), 30)).await;
        add("units", cn1, unit(d(2008, 4, 1), 80)).await;
        add("legal_certs", ly1, legal_cert("L1", d(2009, 1, 10))).await;
        add("legal_certs", ly1, legal_cert("L2", d(2009, 6, 10))).await;
        add("legal_certs", ly1, legal_cert("L3", d(2008, 6, 10))).await;
        add("legal_certs", cn2, legal_cert("C1", d(2009, 3, 3))).await;
        add("legal_certs", cn2, legal_cert("C2", d(2008, 3, 3))).await;
        let old_cert = add("legal_certs", cn2, legal_cert("C3", d(2008, 9, 9))).await;
        add("aid", ly2, aid("A1", "送清凉", d(2009, 7, 20), 5000, 25)).await;
        add("aid", cn1, aid("A2", "两节慰问", d(2009, 1, 20), 8000, 10)).await;
        add("aid", cn2, aid("A3", "送清凉", d(2008, 7, 20), 3000, 12)).await;

        // Both stores warm: the second plays another server process on the same database.
        let other = open(&tdb).await;
        let year = Period::year(2009);
        let mut before = everywhere(&store, inds, &year).await;
        same(&before, &everywhere(&other, inds, &year).await, "two stores before any edit");
        let nm = |f: &Figures, o: OrgId| f[&("new_members".to_owned(), o)].unwrap();
        assert_eq!(nm(&before, city), Number::int(3));

        // A member's joining date moves back a year: 2009's new members at her org and above.
        op.update_record("members", m1, 1, ly1, values([("joined_on", Value::Date(d(2008, 3, 5)))])).await.unwrap();
        let after = after_edit(&store, &other, &tdb, inds, "joined_on edited").await;
        let must = [("new_members", ly1), ("new_members", ly), ("new_members", city)];
        let e = Expect {
            what: "joined_on edited",
            registries: &["members"],
            orgs: &ancestry(&store, ly1).await,
            must: &must,
            must_not: &[("women_members", ly1)],
        };
        check(&before, &after, inds, e);
        assert_eq!(nm(&after, ly1), nm(&before, ly1).checked_sub(Number::int(1)).unwrap());
        before = after;

        // A member moves to another county: both sides change, the city's total does not.
        op.update_record("members", m2, 1, cn1, Values::new()).await.unwrap();
        let after = after_edit(&store, &other, &tdb, inds, "member moved").await;
        let orgs: Vec<OrgId> = [ancestry(&store, ly2).await, ancestry(&store, cn1).await].concat();
        let must: Vec<_> =
            ["new_members", "women_members"].into_iter().flat_map(|k| [ly2, ly, cn1, cn].map(|o| (k, o))).collect();
        let e = Expect {
            what: "member moved",
            registries: &["members"],
            orgs: &orgs,
            must: &must,
            must_not: &[("new_members", city), ("women_members", city)],
        };
        check(&before, &after, inds, e);
        before = after;

        // A 2008 certificate is deleted: 2009's count stays, its growth over 2008 changes.
        op.delete_record("legal_certs", old_cert, 1).await.unwrap();
        let after = after_edit(&store, &other, &tdb, inds, "certificate deleted").await;
        let must = [("legal_certs_growth", cn2), ("legal_certs_growth", cn), ("legal_certs_growth", city)];
        let e = Expect {
            what: "certificate deleted",
            registries: &["legal_certs"],
            orgs: &ancestry(&store, cn2).await,
            must: &must,
            must_not: &[("legal_certs_issued", cn2), ("legal_certs_issued", city)],
        };
        check(&before, &after, inds, e);
        before = after;

        // LY-2 (a union set up in 2009, summer aid) moves under CN: the counties' figures change,
        // the city's and LY-2's own do not.
        op.move_org(ly2, cn).await.unwrap();
        let after = after_edit(&store, &other, &tdb, inds, "org moved").await;
        let must = [("new_unions", ly), ("new_unions", cn), ("cooling_goods", ly), ("cooling_goods", cn)];
        let e = Expect {
            what: "org moved",
            registries: &["units", "aid"],
            orgs: &[ly, cn],
            must: &must,
            must_not: &[("new_unions", city), ("new_unions", ly2)],
        };
        check(&before, &after, inds, e);

        // The one-org path agrees with the whole-tree pass, through the same cached snapshot.
        let plans: Vec<&Plan> = inds.iter().map(|i| &i.plan).collect();
        let at = [city, ly, cn, ly2, cn2];
        let some = op.figures(&plans, &year, &at).await.unwrap();
        for (i, per) in inds.iter().zip(&some) {
            for (o, v) in at.iter().zip(per) {
                assert_eq!(*v, after[&(i.def.key.clone(), *o)], "{} at {o:?}", i.def.key);
            }
        }
        eprintln!("edits, {:?}: {:.1?}", tdb.backend, started.elapsed());
    }
}

/// A units record to write: its org (index into the case's orgs), values, and whether it is
/// soft-deleted once the snapshot holds it.
#[derive(Debug, Clone)]
struct Row {
    org: usize,
    values: Vec<(&'static str, Value)>,
    deleted: bool,
}

fn opt(s: impl Strategy<Value = Value> + 'static) -> BoxedStrategy<Value> {
    prop_oneof![1 => Just(Value::Null), 3 => s].boxed()
}

/// A date: often one where a period starts or ends (so `<` and `<=` differ), else any day.
fn date() -> impl Strategy<Value = NaiveDate> {
    let edges = [(2008, 1, 1), (2008, 2, 29), (2008, 3, 1), (2008, 3, 31), (2008, 12, 31), (2009, 1, 1)];
    let more = [(2009, 2, 9), (2009, 2, 10), (2009, 3, 31), (2009, 4, 1), (2009, 6, 30), (2009, 8, 31), (2009, 12, 31)];
    let edges: Vec<NaiveDate> = edges.into_iter().chain(more).map(|(y, m, day)| d(y, m, day)).collect();
    // Up to 2010-12-22: within the pack's plausible range (a year past the tests' 2010-01-15).
    prop_oneof![prop::sample::select(edges), (0i64..1300).prop_map(|n| d(2007, 6, 1) + chrono::Duration::days(n))]
}

fn day() -> BoxedStrategy<Value> {
    opt(date().prop_map(Value::Date))
}

/// Money from a few amounts, so literals meet stored values.
fn yuan(k: i64) -> String {
    format!("{}.{:02}", k * 12_550 / 100, k * 12_550 % 100)
}

fn pick(codes: &[&'static str]) -> impl Strategy<Value = Value> + use<> {
    prop::sample::select(codes.to_vec()).prop_map(|c| Value::Text(c.into()))
}

const OWNERSHIP: [&str; 8] = ["国有", "集体", "国有控股", "集体控股", "非公有制", "事业单位", "机关", "其他"];

fn row() -> impl Strategy<Value = Row> {
    let a = (
        pick(&OWNERSHIP),
        pick(&["企业", "教科文卫", "机关", "村(社区)", "其他"]),
        opt(pick(&["制造", "建筑"])),
        opt(any::<bool>().prop_map(Value::Bool)),
        opt((0i64..8).prop_map(|k| Value::Fixed(k * 12_550))),
        opt((0i64..12).prop_map(Value::Int)),
        opt((0i64..12).prop_map(Value::Int)),
        opt(any::<bool>().prop_map(Value::Bool)),
    );
    let b = (day(), opt(any::<bool>().prop_map(Value::Bool)), day(), day(), day(), opt(pick(&OWNERSHIP[..4])), day());
    (0usize..8, a, b, prop::bool::weighted(0.15)).prop_map(|(org, a, b, deleted)| {
        let keys = [
            "ownership",
            "sector",
            "industry",
            "above_scale",
            "annual_output",
            "employees",
            "women_employees",
            "has_union",
            "union_established_on",
            "has_congress",
            "congress_since",
            "women_org_established_on",
            "restructured_on",
            "pre_restructure_ownership",
            "closed_on",
        ];
        let mut vals = [a.0, a.1, a.2, a.3, a.4, a.5, a.6, a.7, b.0, b.1, b.2, b.3, b.4, b.5, b.6];
        // The pack's rules between fields: no more women than employees, no founding date
        // without a union.
        if let (Value::Int(all), Value::Int(women)) = (&vals[5], &vals[6])
            && women > all
        {
            vals[6] = Value::Int(*all);
        }
        if vals[7] == Value::Bool(false) {
            vals[8] = Value::Null;
        }
        Row { org, values: keys.into_iter().zip(vals).collect(), deleted }
    })
}

fn op() -> impl Strategy<Value = &'static str> {
    prop::sample::select(vec!["=", "!=", "<", "<=", ">", ">="])
}

fn leaf() -> impl Strategy<Value = String> {
    prop_oneof![
        (op(), 0i64..12).prop_map(|(o, v)| format!("employees {o} {v}")),
        (op(), 0i64..12).prop_map(|(o, v)| format!("{v} {o} women_employees")),
        (op(), 0i64..8).prop_map(|(o, k)| format!("annual_output {o} {}", yuan(k))),
        (op(), date()).prop_map(|(o, d)| format!("restructured_on {o} {d}")),
        (op(), date()).prop_map(|(o, d)| format!("{d} {o} women_org_established_on")),
        Just("union_established_on in period".to_owned()),
        op().prop_map(|o| format!("congress_since {o} period_end")),
        op().prop_map(|o| format!("period_start {o} closed_on")),
        Just("employees < period_year".to_owned()),
        prop::sample::select(vec!["企业", "教科文卫", "机关"]).prop_map(|v| format!("sector = \"{v}\"")),
        Just("ownership in [\"国有\", \"集体\", \"国有控股\"]".to_owned()),
        Just("ownership not in [\"非公有制\"]".to_owned()),
        Just("pre_restructure_ownership != \"国有\"".to_owned()),
        Just("industry = \"制造\"".to_owned()),
        Just("has_union".to_owned()),
        Just("above_scale = false".to_owned()),
        Just("closed_on is empty".to_owned()),
        Just("congress_since is not empty".to_owned()),
        op().prop_map(|o| format!("women_employees {o} employees")),
        op().prop_map(|o| format!("restructured_on {o} union_established_on")),
        Just("working_days(union_established_on, congress_since) <= 40".to_owned()),
    ]
}

fn cond() -> impl Strategy<Value = String> {
    leaf().prop_recursive(3, 8, 2, |inner| {
        prop_oneof![
            (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("({a} and {b})")),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("({a} or {b})")),
            inner.prop_map(|a| format!("not ({a})")),
        ]
    })
}

fn formula() -> impl Strategy<Value = String> {
    let funcs = vec![
        "count(units",
        "sum(units.employees",
        "sum(units.annual_output",
        "avg(units.employees",
        "avg(units.annual_output",
        "min(units.annual_output",
        "max(units.women_employees",
    ];
    let agg = (prop::sample::select(funcs), prop::option::of(cond()))
        .prop_map(|(f, c)| match c {
            Some(c) => format!("{f} where {c})"),
            None => format!("{f})"),
        })
        .boxed();
    let composed = agg.clone().prop_recursive(2, 6, 2, |inner| {
        prop_oneof![
            (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("ratio({a}, {b})")),
            inner.clone().prop_map(|a| format!("growth({a})")),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("{a} + {b}")),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("{a} - {b}")),
            inner.prop_map(|a| format!("({a}) * 2")),
        ]
    });
    prop_oneof![2 => agg, 1 => composed]
}

/// Parents within a case: org 0 is the case's root, org i's parent one of the orgs before it.
fn tree() -> impl Strategy<Value = Vec<Option<usize>>> {
    (1usize..7).prop_flat_map(|n| {
        (0..n).map(|i| if i == 0 { Just(None).boxed() } else { (0..i).prop_map(Some).boxed() }).collect::<Vec<_>>()
    })
}

/// The orgs at or below `i`, by walking every org's parent chain.
fn subtree(parents: &[Option<usize>], orgs: &[OrgId], i: usize) -> Vec<OrgId> {
    let below = |mut at: Option<usize>| {
        while let Some(x) = at {
            if x == i {
                return true;
            }
            at = parents[x];
        }
        false
    };
    (0..parents.len()).filter(|j| below(Some(*j))).map(|j| orgs[j]).collect()
}

type Case = (Vec<Option<usize>>, Vec<Row>, Vec<String>, Period);

fn case() -> impl Strategy<Value = Case> {
    let period = prop::sample::select(vec!["2009", "2009Q2", "2008-03", "2009-02-10..2009-08-31"])
        .prop_map(|s| Period::parse(s).unwrap());
    (tree(), prop::collection::vec(row(), 0..25), prop::collection::vec(formula(), 1..4), period)
}

/// One case: a fresh subtree under `top` with its records; the store's figures for every org of
/// the subtree (and for `top`, over every earlier case too) against SQL and the reference.
async fn one_case(
    store: &Store,
    pack: &Pack,
    top: OrgId,
    all: &RefCell<Vec<OrgId>>,
    n: u32,
    c: Case,
) -> Result<(), TestCaseError> {
    let (parents, rows, formulas, period) = c;
    let mut orgs = Vec::new();
    for (i, p) in parents.iter().enumerate() {
        let parent = p.map_or(top, |p| orgs[p]);
        orgs.push(org(store, &format!("P{n}-{i}"), Some(parent)).await);
    }
    all.borrow_mut().extend(&orgs);
    let op = store.scoped(Actor::Operator);
    let mut doomed = Vec::new();
    for r in &rows {
        let mut v = values([("name", text("某单位")), ("credit_code", text(&credit_code()))]);
        v.extend(r.values.iter().map(|(k, x)| ((*k).to_owned(), x.clone())));
        let id = op.create_record("units", orgs[r.org % orgs.len()], v).await.unwrap();
        if r.deleted {
            doomed.push(id);
        }
    }
    let plans: Vec<Plan> = formulas
        .iter()
        .map(|f| pack.indicators.compile(f, &pack.registries, None).unwrap_or_else(|e| panic!("{f}\n{e}")))
        .collect();
    let refs: Vec<&Plan> = plans.iter().collect();
    let at: Vec<OrgId> = orgs.iter().copied().chain([top]).collect();
    // Warm the snapshot, then soft-delete: the figures compared come from a snapshot that
    // reloaded the one registry, the tree unchanged.
    op.figures(&refs, &period, &at).await.unwrap();
    for id in &doomed {
        op.delete_record("units", *id, 1).await.unwrap();
    }
    let live = rows.len() - doomed.len();
    let got = op.figures(&refs, &period, &at).await.unwrap();
    let (every_org, everywhere) = op.figures_everywhere(&refs, &period).await.unwrap();

    let q = RecordQuery { under: Some(orgs[0]), limit: 1000, ..Default::default() };
    let records: Vec<Record> = op.records("units", &q).await.unwrap();
    prop_assert_eq!(records.len(), live, "live records read back");
    let scopes: Vec<Vec<OrgId>> = (0..orgs.len())
        .map(|i| subtree(&parents, &orgs, i))
        .chain([[top].into_iter().chain(all.borrow().clone()).collect()])
        .collect();
    for (p, plan) in plans.iter().enumerate() {
        for (k, o) in at.iter().enumerate() {
            let f = &formulas[p];
            let whole = every_org.iter().position(|x| x == o).map(|i| everywhere[p][i]);
            prop_assert_eq!(whole, Some(got[p][k]), "whole-tree pass, {} at {:?}", f, o);
            if let Some(want) = support::sql::figure(store, plan, period, &scopes[k]).await {
                prop_assert_eq!(got[p][k], want, "SQL recount, {} at {:?} ({})", f, o, period);
            }
            if *o != top {
                let scope: BTreeSet<OrgId> = scopes[k].iter().copied().collect();
                let recs = |_: &str| records.iter().collect::<Vec<_>>();
                let in_scope = |r: &Record| scope.contains(&r.org_id);
                let data = Data { records: &recs, in_scope: &in_scope, calendar: &Weekends, manual: None };
                prop_assert_eq!(got[p][k], naive::evaluate(plan, &period, &data), "reference, {} at {:?}", f, o);
            }
        }
    }
    Ok(())
}

#[test]
fn figures_equal_a_plain_sql_recount_and_the_reference() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let pack = kaohe_packs::trade_union().unwrap();
    for tdb in rt.block_on(fresh_databases()) {
        let started = Instant::now();
        let store = rt.block_on(open(&tdb));
        let top = rt.block_on(org(&store, "TOP", None));
        let all = RefCell::new(Vec::new());
        let n = Cell::new(0u32);
        let config = Config { cases: 32, failure_persistence: None, ..Config::default() };
        let result = TestRunner::new(config).run(&case(), |c| {
            n.set(n.get() + 1);
            rt.block_on(one_case(&store, &pack, top, &all, n.get(), c))
        });
        if let Err(e) = result {
            panic!("{:?}: {e}", tdb.backend);
        }
        eprintln!("recounts, {:?}: {} cases in {:.1?}", tdb.backend, n.get(), started.elapsed());
    }
}

#[tokio::test]
async fn a_drill_down_lists_the_counted_records_inside_the_scope() {
    let pack = kaohe_packs::trade_union().unwrap();
    let year = Period::year(2009);
    let new_members = &pack.indicators.get("new_members").unwrap().plan;
    let growth = &pack.indicators.get("legal_certs_growth").unwrap().plan;
    for tdb in fresh_databases().await {
        let started = Instant::now();
        let store = open(&tdb).await;
        let city = org(&store, "HY", None).await;
        let (ly, cn) = (org(&store, "LY", Some(city)).await, org(&store, "CN", Some(city)).await);
        let (ly1, ly2) = (org(&store, "LY-1", Some(ly)).await, org(&store, "LY-2", Some(ly)).await);
        let cn1 = org(&store, "CN-1", Some(cn)).await;
        let op = store.scoped(Actor::Operator);
        let mut in_ly = BTreeSet::new();
        let mut in_cn = BTreeSet::new();
        for (seq, at, joined) in [
            (10, ly1, d(2009, 1, 5)),
            (11, ly1, d(2009, 12, 31)),
            (12, ly1, d(2008, 12, 31)),
            (13, ly2, d(2009, 6, 1)),
            (14, ly, d(2009, 2, 1)),
            (15, cn1, d(2009, 3, 1)),
            (16, cn, d(2009, 4, 1)),
            (17, ly1, d(2009, 5, 5)),
        ] {
            let id = op.create_record("members", at, member(seq, joined)).await.unwrap();
            if seq == 17 {
                op.delete_record("members", id, 1).await.unwrap();
            } else if joined >= d(2009, 1, 1) {
                let set = if at == cn || at == cn1 { &mut in_cn } else { &mut in_ly };
                set.insert(id.0);
            }
        }
        for (no, issued) in [("L1", d(2009, 5, 1)), ("L2", d(2008, 5, 1)), ("L3", d(2008, 7, 1))] {
            op.create_record("legal_certs", ly2, legal_cert(no, issued)).await.unwrap();
        }

        let figure = op.figures(&[new_members], &year, &[ly]).await.unwrap()[0][0].unwrap();
        let drilled = op.drill(new_members, &year, ly).await.unwrap();
        assert_eq!(drilled.parts.len(), 1);
        let part = &drilled.parts[0];
        assert_eq!((part.registry.as_str(), part.period, part.roles.is_empty()), ("members", year, true));
        assert_eq!(
            figure,
            Number::int(part.record_ids.len() as i64),
            "{:?}: as many records as the figure",
            tdb.backend
        );
        assert_eq!(part.record_ids.iter().copied().collect::<BTreeSet<_>>(), in_ly);
        let ids: Vec<RecordId> = part.record_ids.iter().map(|i| RecordId(*i)).collect();
        for r in op.records_by_id("members", &ids).await.unwrap() {
            assert!([ly, ly1, ly2].contains(&r.org_id), "record {:?} of {:?} is outside LY", r.id, r.org_id);
        }

        // A growth drills into this year's records and the previous year's.
        let parts = op.drill(growth, &year, ly).await.unwrap().parts;
        let shape: Vec<_> = parts.iter().map(|p| (p.period, p.roles.clone(), p.record_ids.len())).collect();
        assert_eq!(shape, vec![(year, vec![], 1), (Period::year(2008), vec![DrillRole::PreviousPeriod], 2)]);

        // A county user drills into their own county only.
        let county = store.scoped(user(&store, "cn-editor", cn, Role::Editor).await);
        let own = county.drill(new_members, &year, cn).await.unwrap();
        assert_eq!(own.parts[0].record_ids.iter().copied().collect::<BTreeSet<_>>(), in_cn);
        let figure = county.figures(&[new_members], &year, &[cn]).await.unwrap()[0][0].unwrap();
        assert_eq!(figure, Number::int(in_cn.len() as i64));
        for other in [ly, ly1, city] {
            let err = county.drill(new_members, &year, other).await.unwrap_err();
            assert!(
                matches!(err, StoreError::Domain(DomainError::NotFound | DomainError::Forbidden(_))),
                "{:?}: drilling into {other:?}: {err:?}",
                tdb.backend
            );
        }
        let err = county.records_by_id("members", &ids).await.unwrap_err();
        assert!(matches!(err, StoreError::Domain(DomainError::NotFound)), "{err:?}");
        eprintln!("drill, {:?}: {:.1?}", tdb.backend, started.elapsed());
    }
}
