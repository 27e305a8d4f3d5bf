//! The province-scale generator, at a small size: it writes the planned orgs, units and members
//! on each engine, and refuses a database that is not empty.

use chrono::{TimeZone, Utc};
use kaohe_demo::province::{Plan, load};
use kaohe_domain::FixedClock;
use kaohe_store::testing::fresh_databases;
use sea_orm::{ConnectionTrait, Statement};
use std::sync::Arc;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_small_province_loads() {
    let plan = Plan { counties_per_city: 1, towns_per_county: 2, grassroots: 60, units_per_union: 2, members: 5_000 };
    for db in fresh_databases().await {
        let clock = Arc::new(FixedClock::new(Utc.with_ymd_and_hms(2010, 1, 15, 9, 0, 0).unwrap()));
        let pack = kaohe_packs::trade_union().expect("pack");
        let store = db.store_with(clock, pack.registries).await;
        let last = std::sync::Mutex::new(0);
        load(&store, &plan, &|_, n| *last.lock().unwrap() = n).await.expect("load");
        assert_eq!(*last.lock().unwrap() as u64, plan.rows());
        let conn = store.connection();
        let count = |sql: &'static str| async move {
            conn.query_one_raw(Statement::from_string(conn.get_database_backend(), sql))
                .await
                .unwrap()
                .unwrap()
                .try_get_by_index::<i64>(0)
                .unwrap()
        };
        assert_eq!(count("SELECT COUNT(*) FROM orgs WHERE kind = 'grassroots'").await, 60);
        assert_eq!(count("SELECT COUNT(*) FROM r_units").await, 120);
        assert_eq!(count("SELECT COUNT(*) FROM r_members").await, 5_000);
        assert!(load(&store, &plan, &|_, _| {}).await.is_err(), "a second load is refused");
    }
}
