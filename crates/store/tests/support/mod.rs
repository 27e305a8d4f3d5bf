//! Fixtures for the indicator tests: orgs, users, valid codes and records of the trade-union
//! pack's registries, figures keyed by (indicator, org).

pub mod sql;

use chrono::{NaiveDate, TimeZone, Utc};
use kaohe_domain::indicator::{Indicator, Number, Period};
use kaohe_domain::record::{Value, Values};
use kaohe_domain::{Actor, FixedClock, OrgId, OrgKind, Role};
use kaohe_store::testing::TestDb;
use kaohe_store::{NewOrg, NewUser, Store};
use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};

/// Every figure of a pass: (indicator key, org) → figure.
pub type Figures = BTreeMap<(String, OrgId), Option<Number>>;

/// A store on `tdb` with the trade-union pack's registries, its clock at 2010-01-15.
pub async fn open(tdb: &TestDb) -> Store {
    let clock = Arc::new(FixedClock::new(Utc.with_ymd_and_hms(2010, 1, 15, 8, 0, 0).unwrap()));
    tdb.store_with(clock, kaohe_packs::trade_union().unwrap().registries).await
}

pub fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

/// Creates an org under `parent` (the operator acting).
pub async fn org(store: &Store, code: &str, parent: Option<OrgId>) -> OrgId {
    let new = NewOrg {
        code: code.into(),
        name: format!("{code}工会"),
        short_name: None,
        kind: OrgKind::Federation,
        parent_id: parent,
        sort_key: None,
        opened_on: None,
        groups: vec![],
    };
    store.scoped(Actor::Operator).create_org(new).await.unwrap().id
}

/// A signed-in user of `org` with `role`.
pub async fn user(store: &Store, name: &str, org: OrgId, role: Role) -> Actor {
    let new = NewUser {
        username: name.into(),
        display_name: name.into(),
        org_id: org,
        role,
        password: "Passw0rd-long".into(),
    };
    store.scoped(Actor::Operator).create_user(new).await.unwrap();
    store.login(name, "Passw0rd-long").await.unwrap().unwrap().done().unwrap()
}

static CODES: AtomicU32 = AtomicU32::new(0);

/// A fresh, valid unified social credit code (GB 32100, its organisation code valid by GB 11714).
pub fn credit_code() -> String {
    kaohe_store::testing::credit_code(CODES.fetch_add(1, Ordering::Relaxed))
}

/// Values from `(field, value)` pairs.
pub fn values<const N: usize>(pairs: [(&str, Value); N]) -> Values {
    pairs.into_iter().map(|(k, v)| (k.to_owned(), v)).collect()
}

pub fn text(s: &str) -> Value {
    Value::Text(s.into())
}

/// A member: test ID number `seq` (an even `seq` is a woman), joined on `joined`.
pub fn member(seq: u32, joined: NaiveDate) -> Values {
    values([
        ("name", text(&format!("会员{seq}"))),
        ("id_number", text(&kaohe_store::testing::resident_id(seq))),
        ("unit_name", text("衡阳钢管集团")),
        ("category", text("职工")),
        ("joined_on", Value::Date(joined)),
    ])
}

/// An enterprise that set up its union on `union_on`, with a workers' congress.
pub fn unit(union_on: NaiveDate, employees: i64) -> Values {
    values([
        ("name", text("衡阳某公司")),
        ("credit_code", text(&credit_code())),
        ("ownership", text("国有")),
        ("sector", text("企业")),
        ("employees", Value::Int(employees)),
        ("has_union", Value::Bool(true)),
        ("union_established_on", Value::Date(union_on)),
        ("has_congress", Value::Bool(true)),
        ("women_org_established_on", Value::Date(union_on)),
    ])
}

/// A union's legal-person certificate `no`, issued on `issued`.
pub fn legal_cert(no: &str, issued: NaiveDate) -> Values {
    values([
        ("cert_no", text(no)),
        ("union_name", text("某公司工会")),
        ("credit_code", text(&credit_code())),
        ("kind", text("设立登记")),
        ("issued_on", Value::Date(issued)),
    ])
}

/// Aid `reference` of `activity`: `yuan` paid on `paid` to `recipients` people.
pub fn aid(reference: &str, activity: &str, paid: NaiveDate, yuan: i64, recipients: i64) -> Values {
    values([
        ("ref_no", text(reference)),
        ("activity", text(activity)),
        ("paid_on", Value::Date(paid)),
        ("recipient_kind", text("困难职工户")),
        ("recipients", Value::Int(recipients)),
        ("amount", Value::Fixed(yuan * 100)),
        ("aid_form", text("现金")),
        ("fund_source", text("市总")),
    ])
}

/// Every indicator of the pack for every org, through the operator's whole-tree pass.
pub async fn everywhere(store: &Store, indicators: &[Indicator], period: &Period) -> Figures {
    let plans: Vec<_> = indicators.iter().map(|i| &i.plan).collect();
    let (orgs, figures) = store.scoped(Actor::Operator).figures_everywhere(&plans, period).await.unwrap();
    let mut out = Figures::new();
    for (i, per_org) in indicators.iter().zip(figures) {
        for (o, v) in orgs.iter().zip(per_org) {
            out.insert((i.def.key.clone(), *o), v);
        }
    }
    out
}

/// The (indicator, org) pairs whose figure differs between two passes.
pub fn changed(before: &Figures, after: &Figures) -> Vec<(String, OrgId)> {
    assert_eq!(before.len(), after.len(), "both passes cover the same indicators and orgs");
    before.iter().filter(|(k, v)| after.get(*k) != Some(v)).map(|(k, _)| k.clone()).collect()
}
