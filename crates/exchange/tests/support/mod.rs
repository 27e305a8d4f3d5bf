//! A store for import tests: the built-in pack's registries (or a federation's variant of them),
//! the clock at the end of 2009, and one federation, 清州市总工会 (QZ) — not the demo.

use chrono::{TimeZone, Utc};
use kaohe_domain::registry::RegistryDef;
use kaohe_domain::{Actor, FixedClock, OrgKind};
use kaohe_store::testing::TestDb;
use kaohe_store::{NewOrg, Store};
use std::sync::Arc;

/// The store, with `registries` (the built-in pack's when `None`).
pub async fn qingzhou(db: &TestDb, registries: Option<Vec<RegistryDef>>) -> Store {
    let clock = Arc::new(FixedClock::new(Utc.with_ymd_and_hms(2009, 12, 31, 8, 0, 0).unwrap()));
    let registries = registries.unwrap_or_else(|| kaohe_packs::trade_union().unwrap().registries);
    let store = db.store_with(clock, registries).await;
    let org = NewOrg {
        code: "QZ".into(),
        name: "清州市总工会".into(),
        short_name: None,
        kind: OrgKind::Federation,
        parent_id: None,
        sort_key: None,
        opened_on: None,
        groups: vec![],
    };
    store.scoped(Actor::Operator).create_org(org).await.unwrap();
    store
}
