//! Property test: random org trees, records and formulas; the engine's figures for every org (all
//! at once and one by one) equal the reference evaluator's, and a count's drill-down lists exactly
//! as many records as the figure.

use chrono::NaiveDate;
use kaohe_domain::calendar::Weekends;
use kaohe_domain::ids::OrgId;
use kaohe_domain::indicator::naive::{self, Data};
use kaohe_domain::indicator::{IndicatorSet, Number, Period, Plan};
use kaohe_domain::pack::parse_pack;
use kaohe_domain::record::{Record, RecordId, Value};
use kaohe_domain::registry::RegistryDef;
use kaohe_engine::{Budget, ColumnKind, OrgTree, Snapshot, TableBuilder};
use proptest::prelude::*;
use std::collections::BTreeSet;

const REGISTRY: &str = r#"
key = "r"
label_zh = "测"
label_en = "R"
natural_key = ["t"]

[[fields]]
key = "n"
label_zh = "数"
label_en = "n"
type = "integer"

[[fields]]
key = "m"
label_zh = "金额"
label_en = "m"
type = "money"

[[fields]]
key = "d1"
label_zh = "日期一"
label_en = "d1"
type = "date"

[[fields]]
key = "d2"
label_zh = "日期二"
label_en = "d2"
type = "date"

[[fields]]
key = "k"
label_zh = "类别"
label_en = "k"
type = "enum"
values = [{ code = "a", label_en = "A" }, { code = "b", label_en = "B" }, { code = "c", label_en = "C" }]

[[fields]]
key = "t"
label_zh = "文字"
label_en = "t"
type = "text"

[[fields]]
key = "b"
label_zh = "是否"
label_en = "b"
type = "bool"
"#;

const FIELDS: [(&str, ColumnKind); 7] = [
    ("n", ColumnKind::Int),
    ("m", ColumnKind::Int),
    ("d1", ColumnKind::Date),
    ("d2", ColumnKind::Date),
    ("k", ColumnKind::Text),
    ("t", ColumnKind::Text),
    ("b", ColumnKind::Bool),
];

fn registries() -> Vec<RegistryDef> {
    let files = vec![
        ("pack.toml".to_owned(), "key = \"t\"\nversion = \"1\"\nname_zh = \"测\"\nname_en = \"t\"\n".to_owned()),
        ("registries/r.toml".to_owned(), REGISTRY.to_owned()),
    ];
    parse_pack(&files).unwrap().registries
}

fn date() -> impl Strategy<Value = Value> {
    prop_oneof![1 => Just(Value::Null), 6 => (0i64..1500).prop_map(|d| {
        Value::Date(NaiveDate::from_ymd_opt(2007, 6, 1).unwrap() + chrono::Duration::days(d))
    })]
}

fn record() -> impl Strategy<Value = Vec<Value>> {
    (
        prop_oneof![1 => Just(Value::Null), 5 => (-5i64..30).prop_map(Value::Int)],
        prop_oneof![1 => Just(Value::Null), 5 => (0i64..100_000).prop_map(Value::Fixed)],
        date(),
        date(),
        prop_oneof![1 => Just(Value::Null), 5 => prop::sample::select(vec!["a", "b", "c"]).prop_map(|s| Value::Text(s.into()))],
        prop_oneof![1 => Just(Value::Null), 3 => prop::sample::select(vec!["x", "y"]).prop_map(|s| Value::Text(s.into()))],
        prop_oneof![1 => Just(Value::Null), 3 => any::<bool>().prop_map(Value::Bool)],
    )
        .prop_map(|(a, b, c, d, e, f, g)| vec![a, b, c, d, e, f, g])
}

fn op() -> impl Strategy<Value = &'static str> {
    prop::sample::select(vec!["=", "!=", "<", "<=", ">", ">="])
}

fn leaf() -> impl Strategy<Value = String> {
    prop_oneof![
        (op(), -5i64..30).prop_map(|(o, v)| format!("n {o} {v}")),
        (op(), 0i64..1000).prop_map(|(o, v)| format!("m {o} {}.{:02}", v, v % 100)),
        Just("d1 in period".to_owned()),
        Just("d2 <= period_end".to_owned()),
        Just("d1 >= period_start".to_owned()),
        (op(), 0i64..1500).prop_map(|(o, d)| {
            format!("d2 {o} {}", NaiveDate::from_ymd_opt(2007, 6, 1).unwrap() + chrono::Duration::days(d))
        }),
        prop::sample::select(vec!["a", "b", "c"]).prop_map(|v| format!("k = \"{v}\"")),
        Just("k in [\"a\", \"c\"]".to_owned()),
        Just("k not in [\"b\"]".to_owned()),
        Just("t != \"x\"".to_owned()),
        Just("b".to_owned()),
        Just("n is empty".to_owned()),
        Just("d2 is not empty".to_owned()),
        Just("working_days(d1, d2) <= 40".to_owned()),
        Just("d1 < d2".to_owned()),
        Just("n < period_year".to_owned()),
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

fn figure() -> impl Strategy<Value = String> {
    let agg = (
        prop::sample::select(vec!["count(r", "sum(r.n", "sum(r.m", "avg(r.n", "min(r.m", "max(r.n"]),
        prop::option::of(cond()),
    )
        .prop_map(|(f, c)| match c {
            Some(c) => format!("{f} where {c})"),
            None => format!("{f})"),
        });
    agg.prop_recursive(2, 6, 2, |inner| {
        prop_oneof![
            (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("ratio({a}, {b})")),
            inner.clone().prop_map(|a| format!("growth({a})")),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("{a} + {b}")),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("{a} - {b}")),
            inner.prop_map(|a| format!("({a}) * 2")),
        ]
    })
}

fn period() -> impl Strategy<Value = Period> {
    prop::sample::select(vec!["2009", "2009Q2", "2008-03", "2009-02-10..2009-08-31"])
        .prop_map(|s| Period::parse(s).unwrap())
}

/// Parents: org i's parent is one of the orgs before it, or none (a second root).
fn tree() -> impl Strategy<Value = Vec<Option<usize>>> {
    (1usize..25).prop_flat_map(|n| {
        (0..n)
            .map(|i| if i == 0 { Just(None).boxed() } else { prop::option::weighted(0.9, 0..i).boxed() })
            .collect::<Vec<_>>()
    })
}

fn org(i: usize) -> OrgId {
    // Ids out of step with the pre-order, so dense and stored ids never coincide.
    OrgId(1000 - i as i64 * 7)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    #[test]
    fn the_engine_agrees_with_the_reference(
        parents in tree(),
        rows in prop::collection::vec((0usize..25, record()), 0..200),
        formulas in prop::collection::vec(figure(), 1..5),
        period in period(),
    ) {
        let regs = registries();
        let set = IndicatorSet::default();
        let plans: Vec<Plan> = formulas.iter().map(|f| set.compile(f, &regs, None).unwrap_or_else(|e| panic!("{f}\n{e}"))).collect();
        let n = parents.len();
        let tree = OrgTree::new(&(0..n).map(|i| (org(i), parents[i].map(org))).collect::<Vec<_>>());
        let records: Vec<Record> = rows.iter().enumerate().map(|(i, (o, vals))| Record {
            id: RecordId(i as i64 + 1),
            org_id: org(o % n),
            version: 1,
            values: FIELDS.iter().zip(vals).map(|((k, _), v)| ((*k).to_owned(), v.clone())).collect(),
        }).collect();
        let mut b = TableBuilder::new(&FIELDS.iter().map(|(k, c)| ((*k).to_owned(), *c)).collect::<Vec<_>>());
        for r in &records {
            b.row(r.id.0, r.org_id);
            for (c, (k, _)) in FIELDS.iter().enumerate() {
                b.push(c, &r.values[*k]);
            }
        }
        let mut snap = Snapshot::new(tree);
        let table = b.finish(snap.tree());
        snap.set_table("r", table);
        let refs: Vec<&Plan> = plans.iter().collect();
        let all = snap.evaluate_all(&refs, &period, &Budget::unlimited()).unwrap();
        let orgs: Vec<OrgId> = (0..n).map(org).rev().collect();
        // Scans first (nothing stored yet), then the whole-tree pass, then answers from it.
        let scanned = snap.compute_at(&refs, &period, &orgs, &Budget::unlimited()).unwrap();
        prop_assert_eq!(snap.compute_all(&refs, &period, &Budget::unlimited()).unwrap(), snap.evaluate_all(&refs, &period, &Budget::unlimited()).unwrap());
        let at = snap.evaluate_at(&refs, &period, &orgs, &Budget::unlimited()).unwrap();
        let own = snap.evaluate_own(&refs, &period, &orgs, &Budget::unlimited()).unwrap();
        for (p, plan) in plans.iter().enumerate() {
            for (k, o) in orgs.iter().enumerate() {
                let scope = subtree(&parents, (0..n).find(|i| org(*i) == *o).unwrap());
                let in_scope = |r: &Record| scope.contains(&r.org_id);
                let recs = |_: &str| records.iter().collect::<Vec<_>>();
                let data = Data { records: &recs, in_scope: &in_scope, calendar: &Weekends, manual: None };
                let want = naive::evaluate(plan, &period, &data);
                let d = snap.tree().dense(*o).unwrap() as usize;
                prop_assert_eq!(all[p][d], want, "all orgs, {} at {:?}", formulas[p], o);
                prop_assert_eq!(at[p][k], want, "one org, {} at {:?}", formulas[p], o);
                prop_assert_eq!(scanned[p][k], want, "one org scanned, {} at {:?}", formulas[p], o);
                let only_own = |r: &Record| r.org_id == *o;
                let data = Data { records: &recs, in_scope: &only_own, calendar: &Weekends, manual: None };
                prop_assert_eq!(own[p][k], naive::evaluate(plan, &period, &data), "own rows, {} at {:?}", formulas[p], o);
                if let Plan::Agg(a) = plan && a.func == kaohe_domain::indicator::ast::AggFunc::Count {
                    let drilled = snap.drill(plan, &period, *o, &Budget::unlimited()).unwrap();
                    let ids = &drilled.parts[0].record_ids;
                    prop_assert_eq!(Some(Number::int(ids.len() as i64)), want);
                    prop_assert!(ids.iter().all(|id| in_scope(&records[*id as usize - 1])));
                }
            }
        }
    }
}

/// The orgs at or below `i`, by walking every org's parent chain (independent of the tree code).
fn subtree(parents: &[Option<usize>], i: usize) -> BTreeSet<OrgId> {
    (0..parents.len())
        .filter(|j| {
            let mut at = Some(*j);
            while let Some(x) = at {
                if x == i {
                    return true;
                }
                at = parents[x];
            }
            false
        })
        .map(org)
        .collect()
}

/// Text columns with more values than a byte can number use wide codes; the same conditions give
/// the same counts as with small ones.
#[test]
fn wide_text_columns_filter_like_small_ones() {
    let regs = registries();
    let set = IndicatorSet::default();
    let tree = OrgTree::new(&[(OrgId(1), None), (OrgId(2), Some(OrgId(1)))]);
    let mut b = TableBuilder::new(&FIELDS.iter().map(|(k, c)| ((*k).to_owned(), *c)).collect::<Vec<_>>());
    let mut texts = Vec::new();
    for i in 0..700i64 {
        let t = if i % 7 == 0 { Value::Null } else { Value::Text(format!("w{}", i % 300)) };
        b.row(i + 1, OrgId(1 + i % 2));
        for (c, (k, _)) in FIELDS.iter().enumerate() {
            b.push(c, if *k == "t" { &t } else { &Value::Null });
        }
        texts.push(t);
    }
    let mut snap = Snapshot::new(tree);
    let table = b.finish(snap.tree());
    assert!(matches!(table.column("t"), Some(kaohe_engine::Column::Text { codes: kaohe_engine::Codes::Wide(_), .. })));
    snap.set_table("r", table);
    let count = |pred: &dyn Fn(&Value) -> bool| texts.iter().filter(|t| pred(t)).count() as i64;
    let is = |v: &Value, s: &str| matches!(v, Value::Text(x) if x == s);
    for (formula, want) in [
        (r#"count(r where t = "w7")"#, count(&|v| is(v, "w7"))),
        (r#"count(r where t != "w7")"#, count(&|v| !v.is_null() && !is(v, "w7"))),
        (r#"count(r where t in ["w1", "w299", "nothing"])"#, count(&|v| is(v, "w1") || is(v, "w299"))),
        (r#"count(r where t is empty)"#, count(&|v| v.is_null())),
        (r#"count(r where t = "nothing")"#, 0),
    ] {
        let plan = set.compile(formula, &regs, None).unwrap();
        let got = snap.evaluate_at(&[&plan], &Period::year(2009), &[OrgId(1)], &Budget::unlimited()).unwrap();
        assert_eq!(got[0][0], Some(Number::int(want)), "{formula}");
    }
}
