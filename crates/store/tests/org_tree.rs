//! The org tree on both engines: create, move (cycle refused), close, import all-or-nothing, and
//! the audit row written with each change. Figures are recounted with plain SQL.

use chrono::{NaiveDate, TimeZone, Utc};
use kaohe_domain::{Action, Actor, Clock, DomainError, FixedClock, OrgId, OrgKind, Role};
use kaohe_store::testing::fresh_databases;
use kaohe_store::{NewOrg, NewUser, OrgImportRow, OrgUpdate, Store, StoreError};
use sea_orm::{ConnectionTrait, Statement};
use std::sync::Arc;

fn clock() -> Arc<FixedClock> {
    Arc::new(FixedClock::new(Utc.with_ymd_and_hms(2009, 3, 1, 8, 0, 0).unwrap()))
}

fn new_org(code: &str, parent: Option<OrgId>, kind: OrgKind) -> NewOrg {
    NewOrg {
        code: code.into(),
        name: format!("{code}工会"),
        short_name: None,
        kind,
        parent_id: parent,
        sort_key: None,
        opened_on: None,
        groups: vec![],
    }
}

async fn count(store: &Store, sql: &str) -> i64 {
    let db = store.connection();
    let row =
        db.query_one_raw(Statement::from_string(db.get_database_backend(), sql.to_owned())).await.unwrap().unwrap();
    row.try_get_by_index::<i64>(0).unwrap()
}

#[tokio::test]
async fn tree_operations_keep_paths_and_audit() {
    for tdb in fresh_databases().await {
        let store = tdb.store(clock()).await;
        let op = store.scoped(Actor::Operator);
        let city = op.create_org(new_org("HY", None, OrgKind::Federation)).await.unwrap();
        let a = op.create_org(new_org("LY", Some(city.id), OrgKind::Federation)).await.unwrap();
        let b = op.create_org(new_org("CN", Some(city.id), OrgKind::Federation)).await.unwrap();
        let a1 = op.create_org(new_org("LY-1", Some(a.id), OrgKind::Grassroots)).await.unwrap();
        let a11 = op.create_org(new_org("LY-1-1", Some(a1.id), OrgKind::Grassroots)).await.unwrap();
        assert_eq!(
            count(&store, "SELECT COUNT(*) FROM audit_log WHERE action = 'create'").await,
            5,
            "{:?}",
            tdb.backend
        );

        // A cycle is refused and changes nothing.
        let err = op.move_org(a.id, a11.id).await.unwrap_err();
        assert!(matches!(err, StoreError::Domain(DomainError::Conflict(_))), "{err:?}");
        assert_eq!(op.org(a11.id).await.unwrap().path.ids(), vec![city.id, a.id, a1.id, a11.id]);

        // Moving a subtree rewrites every path below it.
        op.move_org(a1.id, b.id).await.unwrap();
        assert_eq!(op.org(a11.id).await.unwrap().path.ids(), vec![city.id, b.id, a1.id, a11.id]);
        let under_b: Vec<_> =
            op.org_subtree(Some(b.id), false).await.unwrap().into_iter().map(|o| o.code.as_str().to_owned()).collect();
        assert_eq!(under_b, vec!["CN", "LY-1", "LY-1-1"]);
        let depth_sql = format!("SELECT depth FROM orgs WHERE id = {}", a11.id.0);
        let db = store.connection();
        let row =
            db.query_one_raw(Statement::from_string(db.get_database_backend(), depth_sql)).await.unwrap().unwrap();
        assert_eq!(row.try_get_by_index::<i32>(0).unwrap(), 3);

        // Rename, then close the subtree: rows stay, closed_on set on both.
        op.update_org(a1.id, OrgUpdate { name: Some("新名称".into()), ..Default::default() }).await.unwrap();
        assert_eq!(op.org(a1.id).await.unwrap().name, "新名称");
        let closed = op.close_org(a1.id, NaiveDate::from_ymd_opt(2009, 6, 30).unwrap()).await.unwrap();
        assert_eq!(closed, 2);
        assert_eq!(count(&store, "SELECT COUNT(*) FROM orgs WHERE closed_on IS NOT NULL").await, 2);
        assert_eq!(count(&store, "SELECT COUNT(*) FROM orgs").await, 5);
        assert_eq!(op.org_subtree(Some(b.id), false).await.unwrap().len(), 1);
        assert_eq!(op.org_subtree(Some(b.id), true).await.unwrap().len(), 3);
        assert_eq!(count(&store, "SELECT COUNT(*) FROM audit_log WHERE entity = 'org'").await, 8);
    }
}

fn row(row: usize, code: &str, name: &str, parent: &str, kind: &str) -> OrgImportRow {
    OrgImportRow {
        row,
        code: code.into(),
        name: name.into(),
        parent_code: parent.into(),
        kind: kind.into(),
        ..Default::default()
    }
}

#[tokio::test]
async fn import_is_all_or_nothing_and_idempotent() {
    for tdb in fresh_databases().await {
        let store = tdb.store(clock()).await;
        let op = store.scoped(Actor::Operator);
        op.create_org(new_org("HY", None, OrgKind::Federation)).await.unwrap();
        // Children before parents, one bad kind, one duplicate, one unknown parent.
        let bad = vec![
            row(2, "T2", "乙镇", "T1", "其他"),
            row(3, "T1", "甲县", "HY", "总工会"),
            row(4, "T3", "丙", "T1", "工会"),
            row(5, "T1", "重复", "HY", "总工会"),
            row(6, "T4", "丁", "NOPE", "部室"),
        ];
        let StoreError::Import(errors) = op.import_orgs(&bad, false).await.unwrap_err() else {
            panic!("expected import errors")
        };
        let rows: Vec<_> = errors.iter().map(|e| (e.row, e.column.as_str())).collect();
        assert_eq!(rows, vec![(4, "D kind"), (5, "A code"), (6, "C parent_code")], "{errors:?}");
        assert_eq!(count(&store, "SELECT COUNT(*) FROM orgs").await, 1, "nothing written");

        let good = vec![
            row(2, "T2", "乙镇", "T1", "其他"),
            row(3, "T1", "甲县", "HY", "总工会"),
            row(4, "T3", "丙", "T2", "基层工会"),
        ];
        let r = op.import_orgs(&good, false).await.unwrap();
        assert_eq!((r.created, r.updated), (3, 0));
        let r = op.import_orgs(&good, false).await.unwrap();
        assert_eq!((r.created, r.updated), (0, 3));
        assert_eq!(count(&store, "SELECT COUNT(*) FROM orgs").await, 4);
        let t3 = op.org_by_code("T3").await.unwrap();
        assert_eq!(t3.path.depth(), 3);

        let cyclic = vec![row(2, "C1", "甲", "C2", "其他"), row(3, "C2", "乙", "C1", "其他")];
        assert!(matches!(op.import_orgs(&cyclic, false).await, Err(StoreError::Import(_))));
        assert_eq!(count(&store, "SELECT COUNT(*) FROM orgs").await, 4);
    }
}

/// Founding and closing dates come with the import (a federation's orgs were founded long before
/// kaohe knew them; dated "today" they would be missing from every earlier year's assessment).
#[tokio::test]
async fn import_dates_orgs_as_founded_and_closed() {
    let dated = |r: OrgImportRow, opened: &str, closed: &str| OrgImportRow {
        opened_on: opened.into(),
        closed_on: closed.into(),
        ..r
    };
    for tdb in fresh_databases().await {
        let store = tdb.store(clock()).await;
        let op = store.scoped(Actor::Operator);
        op.create_org(new_org("QZ", None, OrgKind::Federation)).await.unwrap();
        let bad = vec![
            dated(row(2, "Q1", "甲县", "QZ", "总工会"), "2009-02-30", ""),
            dated(row(3, "Q2", "乙县", "QZ", "总工会"), "2005-03-01", "2004-12-31"),
            dated(row(4, "Q3", "丙县", "QZ", "总工会"), "9999-01-01", ""),
        ];
        let StoreError::Import(errors) = op.import_orgs(&bad, false).await.unwrap_err() else {
            panic!("expected import errors")
        };
        let at: Vec<_> = errors.iter().map(|e| (e.row, e.column.as_str())).collect();
        assert_eq!(at, vec![(2, "E opened_on"), (3, "F closed_on"), (4, "E opened_on")], "{errors:?}");
        assert!(
            errors[0].message_zh.contains("2009-02-30") && errors[0].message_zh.contains("不存在"),
            "{}",
            errors[0].message_zh
        );

        let good = vec![
            dated(row(2, "Q1", "甲县", "QZ", "总工会"), "2005年3月1日", ""),
            dated(row(3, "Q2", "乙县", "QZ", "总工会"), "1998/7/1", "2009-06-30"),
            dated(row(4, "Q3", "丙县", "QZ", "总工会"), "", ""),
        ];
        op.import_orgs(&good, false).await.unwrap();
        let q1 = op.org_by_code("Q1").await.unwrap();
        let q2 = op.org_by_code("Q2").await.unwrap();
        let q3 = op.org_by_code("Q3").await.unwrap();
        let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
        assert_eq!((q1.opened_on, q1.closed_on), (d(2005, 3, 1), None));
        assert_eq!((q2.opened_on, q2.closed_on), (d(1998, 7, 1), Some(d(2009, 6, 30))));
        assert_eq!(q3.opened_on, clock().now().date_naive(), "no date: founded today");
        // A second import corrects a founding date.
        op.import_orgs(&[dated(row(2, "Q3", "丙县", "QZ", "总工会"), "2001-01-01", "")], false).await.unwrap();
        assert_eq!(op.org_by_code("Q3").await.unwrap().opened_on, d(2001, 1, 1));
    }
}

#[tokio::test]
async fn scoped_users_and_lockout() {
    for tdb in fresh_databases().await {
        let clock = clock();
        let store = tdb.store(clock.clone()).await;
        let op = store.scoped(Actor::Operator);
        let city = op.create_org(new_org("HY", None, OrgKind::Federation)).await.unwrap();
        let a = op.create_org(new_org("LY", Some(city.id), OrgKind::Federation)).await.unwrap();
        let b = op.create_org(new_org("CN", Some(city.id), OrgKind::Federation)).await.unwrap();
        let pw = "Passw0rd-long";
        let mk = |name: &str, org: OrgId, role: Role| NewUser {
            username: name.into(),
            display_name: name.into(),
            org_id: org,
            role,
            password: pw.into(),
        };
        op.create_user(mk("ly_admin", a.id, Role::SystemAdmin)).await.unwrap();
        let sec = op.create_user(mk("ly_sec", a.id, Role::SecurityAdmin)).await.unwrap();
        let cn_user = op.create_user(mk("cn_editor", b.id, Role::Editor)).await.unwrap();
        let ly_user = op.create_user(mk("ly_editor", a.id, Role::Editor)).await.unwrap();

        let admin = store.login("ly_admin", pw).await.unwrap().unwrap().done().unwrap();
        let scoped = store.scoped(admin.clone());
        assert_eq!(scoped.users().await.unwrap().len(), 3, "sees only users of 耒阳");
        assert!(matches!(scoped.user(cn_user.id).await, Err(StoreError::Domain(DomainError::NotFound))));
        assert!(matches!(scoped.org(b.id).await, Err(StoreError::Domain(DomainError::NotFound))));
        assert!(matches!(
            scoped.create_org(new_org("X", Some(b.id), OrgKind::Other)).await,
            Err(StoreError::Domain(DomainError::NotFound))
        ));
        assert!(matches!(
            scoped.create_user(mk("x_admin", a.id, Role::AuditAdmin)).await,
            Err(StoreError::Domain(DomainError::Forbidden(_)))
        ));
        assert!(!scoped.can(Action::AuditRead));

        // Weak passwords are refused by policy.
        let mut weak = mk("weak", a.id, Role::Viewer);
        weak.password = "short".into();
        assert!(matches!(op.create_user(weak).await, Err(StoreError::Domain(DomainError::Validation(_)))));

        // Five failures within 15 minutes lock for 30 minutes, even with the right password.
        for _ in 0..5 {
            assert!(store.login("ly_editor", "wrong").await.unwrap().is_err());
            clock.advance(chrono::Duration::minutes(2));
        }
        assert_eq!(store.login("ly_editor", pw).await.unwrap().unwrap_err(), kaohe_store::LoginRefusal::Locked);
        let sec_actor = store.login("ly_sec", pw).await.unwrap().unwrap().done().unwrap();
        assert!(store.scoped(sec_actor.clone()).locked_until(ly_user.id).await.unwrap().is_some());
        clock.advance(chrono::Duration::minutes(31));
        assert!(store.login("ly_editor", pw).await.unwrap().is_ok(), "lock ends after 30 minutes");

        // The security administrator can unlock early.
        for _ in 0..5 {
            store.login("ly_editor", "wrong").await.unwrap().unwrap_err();
        }
        assert!(store.login("ly_editor", pw).await.unwrap().is_err());
        store.scoped(sec_actor).unlock(ly_user.id).await.unwrap();
        assert!(store.login("ly_editor", pw).await.unwrap().is_ok());
        assert!(count(&store, "SELECT COUNT(*) FROM audit_log WHERE action = 'login_failed'").await >= 11);
        assert_eq!(count(&store, "SELECT COUNT(*) FROM audit_log WHERE action = 'unlock'").await, 1);
        let _ = sec;
    }
}

/// Two stores on one database stand for two server processes: a tree change made through one is
/// seen by the other's (cached) subtree listing at once.
#[tokio::test]
async fn cached_tree_follows_changes_made_elsewhere() {
    for tdb in fresh_databases().await {
        let one = tdb.store(clock()).await;
        let two = tdb.store(clock()).await;
        let city = one.scoped(Actor::Operator).create_org(new_org("HY", None, OrgKind::Federation)).await.unwrap();
        assert_eq!(two.scoped(Actor::Operator).org_subtree(None, false).await.unwrap().len(), 1);
        let a = one.scoped(Actor::Operator).create_org(new_org("A", Some(city.id), OrgKind::Other)).await.unwrap();
        let b = one.scoped(Actor::Operator).create_org(new_org("B", Some(city.id), OrgKind::Other)).await.unwrap();
        assert_eq!(two.scoped(Actor::Operator).org_subtree(None, false).await.unwrap().len(), 3);
        one.scoped(Actor::Operator).move_org(b.id, a.id).await.unwrap();
        let under_a: Vec<_> = two
            .scoped(Actor::Operator)
            .org_subtree(Some(a.id), false)
            .await
            .unwrap()
            .into_iter()
            .map(|o| o.id)
            .collect();
        assert_eq!(under_a, vec![a.id, b.id]);
        one.scoped(Actor::Operator).close_org(b.id, NaiveDate::from_ymd_opt(2009, 1, 1).unwrap()).await.unwrap();
        assert_eq!(two.scoped(Actor::Operator).org_subtree(Some(a.id), false).await.unwrap().len(), 1);
    }
}

#[tokio::test]
async fn search_finds_names_codes_and_pinyin_initials_inside_the_scope() {
    for tdb in fresh_databases().await {
        let store = tdb.store(clock()).await;
        let op = store.scoped(Actor::Operator);
        let named = |code: &str, name: &str, short: Option<&str>, parent: Option<OrgId>| NewOrg {
            name: name.into(),
            short_name: short.map(Into::into),
            ..new_org(code, parent, OrgKind::Federation)
        };
        let city = op.create_org(named("HY", "衡阳市总工会", None, None)).await.unwrap();
        let ly = op.create_org(named("LY01", "耒阳市总工会", Some("耒阳"), Some(city.id))).await.unwrap();
        let cn = op.create_org(named("CN02", "常宁市总工会", None, Some(city.id))).await.unwrap();
        let plant = op.create_org(named("LYGS", "耒阳市钢铁厂工会", None, Some(ly.id))).await.unwrap();
        let codes =
            |orgs: Vec<kaohe_domain::Org>| orgs.into_iter().map(|o| o.code.as_str().to_owned()).collect::<Vec<_>>();

        // Initials begin a name's (or short name's) initials; case does not matter.
        assert_eq!(codes(op.search_orgs("ly", 50).await.unwrap()), ["LY01", "LYGS"]);
        assert_eq!(codes(op.search_orgs("LYSG", 50).await.unwrap()), ["LYGS"]);
        assert_eq!(codes(op.search_orgs("cnszgh", 50).await.unwrap()), ["CN02"]);
        assert!(op.search_orgs("zgh", 50).await.unwrap().is_empty(), "initials match from the start only");
        // 长 reads cháng or zhǎng: 长沙 is found by either spelling.
        op.create_org(named("X3", "长沙市总工会", None, Some(city.id))).await.unwrap();
        assert_eq!(codes(op.search_orgs("cs", 50).await.unwrap()), ["X3"]);
        assert_eq!(codes(op.search_orgs("zss", 50).await.unwrap()), ["X3"]);
        // Names and codes match anywhere.
        assert_eq!(codes(op.search_orgs("钢铁", 50).await.unwrap()), ["LYGS"]);
        assert_eq!(codes(op.search_orgs("n02", 50).await.unwrap()), ["CN02"]);
        assert_eq!(op.search_orgs("总工会", 2).await.unwrap().len(), 2, "the limit holds");
        assert!(op.search_orgs("  ", 50).await.unwrap().is_empty());

        // A user below the top finds nothing outside their subtree.
        let editor = store.scoped(Actor::User {
            id: kaohe_domain::UserId(1),
            name: "e".into(),
            role: Role::Editor,
            org_id: ly.id,
            scope: ly.path.clone(),
        });
        assert_eq!(codes(editor.search_orgs("szgh", 50).await.unwrap()), Vec::<String>::new());
        assert_eq!(codes(editor.search_orgs("lys", 50).await.unwrap()), ["LY01", "LYGS"]);
        assert_eq!(codes(editor.search_orgs("c", 50).await.unwrap()), Vec::<String>::new(), "常宁 lies outside");

        // A rename elsewhere is searched at once (the cached tree follows the version).
        let other = tdb.store(clock()).await;
        let upd =
            OrgUpdate {
                name: Some("珠晖区总工会".into()), short_name: None, kind: None, sort_key: None, groups: None
            };
        other.scoped(Actor::Operator).update_org(cn.id, upd).await.unwrap();
        assert_eq!(codes(op.search_orgs("zhq", 50).await.unwrap()), ["CN02"]);
        let _ = plant;
    }
}

/// "Today" is the federation's (UTC+8 by default): at 20:00 UTC on New Year's Eve it is already
/// New Year's Day in Beijing — an org created then is founded on 1 January, and a deadline of
/// 31 December has passed (submissions use the same `today`).
#[tokio::test]
async fn today_is_the_federations_day() {
    let eve = Utc.with_ymd_and_hms(2009, 12, 31, 20, 0, 0).unwrap();
    for tdb in fresh_databases().await {
        let store = tdb.store(Arc::new(FixedClock::new(eve))).await;
        let new_year = NaiveDate::from_ymd_opt(2010, 1, 1).unwrap();
        assert_eq!(store.today(), new_year);
        let op = store.scoped(Actor::Operator);
        let org = op.create_org(new_org("QZ", None, OrgKind::Federation)).await.unwrap();
        assert_eq!(org.opened_on, new_year);
        let utc = store.clone().with_time_zone(chrono::FixedOffset::east_opt(0).unwrap());
        assert_eq!(utc.today(), NaiveDate::from_ymd_opt(2009, 12, 31).unwrap(), "in another zone, another day");
    }
}
