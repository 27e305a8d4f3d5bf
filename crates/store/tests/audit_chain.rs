//! The audit log's hash chain on both engines: writers racing on 8 tasks still form one unbroken
//! chain; editing a row, deleting one in the middle or deleting the last are each detected;
//! a change whose audit row cannot be written is not committed.

use chrono::Utc;
use kaohe_domain::{Actor, Clock, FixedClock, OrgKind};
use kaohe_store::testing::fresh_databases;
use kaohe_store::{NewOrg, Store};
use sea_orm::{ConnectionTrait, Statement};
use std::sync::Arc;

async fn exec(store: &Store, sql: &str) {
    let db = store.connection();
    db.execute_raw(Statement::from_string(db.get_database_backend(), sql.to_owned())).await.unwrap();
}

async fn count(store: &Store, sql: &str) -> i64 {
    let db = store.connection();
    let row =
        db.query_one_raw(Statement::from_string(db.get_database_backend(), sql.to_owned())).await.unwrap().unwrap();
    row.try_get_by_index::<i64>(0).unwrap()
}

fn org(code: String, parent: Option<kaohe_domain::OrgId>) -> NewOrg {
    NewOrg {
        name: format!("{code}工会"),
        code,
        short_name: None,
        kind: OrgKind::Federation,
        parent_id: parent,
        sort_key: None,
        opened_on: None,
        groups: vec![],
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_chain_holds_under_concurrent_writers_and_shows_every_tampering() {
    for tdb in fresh_databases().await {
        let store = tdb.store(Arc::new(FixedClock::new(Utc::now()))).await;
        let city = store.scoped(Actor::Operator).create_org(org("HY".into(), None)).await.unwrap();
        // 8 writers × 10 orgs each, at the same time.
        let mut tasks = Vec::new();
        for w in 0..8 {
            let s = store.clone();
            tasks.push(tokio::spawn(async move {
                for i in 0..10 {
                    s.scoped(Actor::Operator).create_org(org(format!("W{w}-{i}"), Some(city.id))).await.unwrap();
                }
            }));
        }
        for t in tasks {
            t.await.unwrap();
        }
        let rows = count(&store, "SELECT COUNT(*) FROM audit_log").await;
        assert_eq!(rows, 81, "{:?}: one row per org created", tdb.backend);
        let check = store.verify_audit().await.unwrap();
        assert_eq!((check.rows, check.problems.clone()), (81, vec![]), "{:?}", tdb.backend);

        // An edited summary: that row is named.
        let target = count(&store, "SELECT id FROM audit_log ORDER BY id LIMIT 1 OFFSET 40").await;
        exec(&store, &format!("UPDATE audit_log SET summary = summary || ' ' WHERE id = {target}")).await;
        let check = store.verify_audit().await.unwrap();
        assert_eq!(check.problems.len(), 1, "{:?}: {:?}", tdb.backend, check.problems);
        assert!(check.problems[0].contains(&format!("audit row {target} was altered")), "{:?}", check.problems);

        // Deleting that row instead (the edit undone by removing it): the next row is named.
        exec(&store, &format!("DELETE FROM audit_log WHERE id = {target}")).await;
        let next = count(&store, &format!("SELECT MIN(id) FROM audit_log WHERE id > {target}")).await;
        let check = store.verify_audit().await.unwrap();
        assert!(check.problems.iter().any(|p| p.contains(&format!("audit row {next} "))), "{:?}", check.problems);
        assert!(check.problems.iter().any(|p| p.contains("rows at the end")), "the count no longer matches the head");

        // A fresh log whose last row alone is deleted: the head shows it.
        let tdb2 = fresh_databases().await.into_iter().find(|d| d.backend == tdb.backend).unwrap();
        let store2 = tdb2.store(Arc::new(FixedClock::new(Utc::now()))).await;
        let op = store2.scoped(Actor::Operator);
        let c = op.create_org(org("HY".into(), None)).await.unwrap();
        op.create_org(org("LY".into(), Some(c.id))).await.unwrap();
        assert!(store2.verify_audit().await.unwrap().problems.is_empty());
        exec(&store2, "DELETE FROM audit_log WHERE id = (SELECT MAX(id) FROM audit_log)").await;
        let check = store2.verify_audit().await.unwrap();
        assert_eq!(check.problems.len(), 1, "{:?}", check.problems);
        assert!(check.problems[0].contains("rows at the end were deleted"));

        // A change whose audit row cannot be written is rolled back with it.
        exec(&store2, "DELETE FROM audit_head").await;
        assert!(op.create_org(org("CN".into(), Some(c.id))).await.is_err());
        assert_eq!(count(&store2, "SELECT COUNT(*) FROM orgs WHERE code = 'CN'").await, 0, "nothing half-written");
    }
}

#[tokio::test]
async fn retention_purges_old_rows_and_the_chain_still_verifies() {
    for tdb in fresh_databases().await {
        let start = Utc::now() - chrono::Duration::days(400);
        let clock = Arc::new(FixedClock::new(start));
        let store = tdb.store(clock.clone()).await;
        let op = store.scoped(Actor::Operator);
        let city = op.create_org(org("HY".into(), None)).await.unwrap();
        // One org a month for 13 months.
        for m in 0..13 {
            clock.advance(chrono::Duration::days(30));
            op.create_org(org(format!("M{m}"), Some(city.id))).await.unwrap();
        }
        let now = clock.now();
        let before = count(&store, "SELECT COUNT(*) FROM audit_log").await;
        let cutoff = now - chrono::Duration::days(183);
        let old = store
            .connection()
            .query_all_raw(Statement::from_string(
                store.connection().get_database_backend(),
                "SELECT at FROM audit_log",
            ))
            .await
            .unwrap()
            .iter()
            .filter(|r| r.try_get_by_index::<chrono::DateTime<Utc>>(0).unwrap() < cutoff)
            .count() as i64;
        assert!(old > 0 && old < before, "{old} of {before}");

        // Less than six months is refused.
        assert!(store.purge_audit(182).await.is_err());
        assert_eq!(count(&store, "SELECT COUNT(*) FROM audit_log").await, before);

        let gone = store.purge_audit(183).await.unwrap();
        assert_eq!(gone as i64, old, "{:?}: exactly the rows older than six months", tdb.backend);
        assert_eq!(count(&store, "SELECT COUNT(*) FROM audit_log").await, before - old + 1, "the purge is logged");
        let check = store.verify_audit().await.unwrap();
        assert!(check.problems.is_empty(), "{:?}: {:?}", tdb.backend, check.problems);
        // Nothing to purge a second time; the chain goes on.
        assert_eq!(store.purge_audit(183).await.unwrap(), 0);
        op.create_org(org("LATE".into(), Some(city.id))).await.unwrap();
        assert!(store.verify_audit().await.unwrap().problems.is_empty());

        // Tampering after a purge is still found: the first kept row edited.
        let first = count(&store, "SELECT MIN(id) FROM audit_log").await;
        exec(&store, &format!("UPDATE audit_log SET actor = 'x' WHERE id = {first}")).await;
        let check = store.verify_audit().await.unwrap();
        assert!(check.problems.iter().any(|p| p.contains(&format!("audit row {first} "))), "{:?}", check.problems);
    }
}
