//! 三员分立 and the other insider holes, through the store on both engines: the 系统管理员
//! creates accounts without a role, the 安全管理员 grants roles but never his own and never across
//! the administrator/business line, an org's name and kind are changed from above only, names are
//! one line, a submission is approved by someone who did not write it, every sign-in makes one
//! password check (unknown names too), and `contains` searches treat `%` and `_` as text.

use chrono::{TimeZone, Utc};
use kaohe_domain::{Actor, DomainError, FixedClock, OrgId, OrgKind, Role};
use kaohe_store::testing::fresh_databases;
use kaohe_store::{NewOrg, NewUser, OrgUpdate, Store, StoreError};
use std::sync::Arc;

const PASSWORD: &str = "Sep-pass-2009";

fn org(code: &str, parent: Option<OrgId>, kind: OrgKind) -> NewOrg {
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

fn new_user(name: &str, org: OrgId, role: Role) -> NewUser {
    NewUser { username: name.into(), display_name: name.into(), org_id: org, role, password: PASSWORD.into() }
}

async fn actor(store: &Store, name: &str) -> Actor {
    store.login(name, PASSWORD).await.unwrap().expect("signs in").done().expect("no second factor")
}

fn forbidden(r: Result<impl std::fmt::Debug, StoreError>) -> bool {
    matches!(r, Err(StoreError::Domain(DomainError::Forbidden(_))))
}

#[tokio::test]
async fn every_role_pair_of_creating_and_granting() {
    for tdb in fresh_databases().await {
        let store = tdb.store(Arc::new(FixedClock::new(Utc.with_ymd_and_hms(2009, 3, 1, 8, 0, 0).unwrap()))).await;
        let op = store.scoped(Actor::Operator);
        let city = op.create_org(org("QZ", None, OrgKind::Federation)).await.unwrap().id;
        for role in Role::ALL {
            op.create_user(new_user(&format!("u_{}", role.code()), city, role)).await.unwrap();
        }
        let mut targets = std::collections::BTreeMap::new();
        for role in Role::ALL {
            targets.insert(role, op.create_user(new_user(&format!("t_{}", role.code()), city, role)).await.unwrap());
        }
        for actor_role in Role::ALL {
            let me = actor(&store, &format!("u_{}", actor_role.code())).await;
            let s = store.scoped(me.clone());
            // Creating: only the 系统管理员, and only without a role.
            for role in Role::ALL {
                let name = format!("c_{}_{}", actor_role.code(), role.code());
                let created = s.create_user(new_user(&name, city, role)).await;
                let expected = actor_role == Role::SystemAdmin && role == Role::Pending;
                assert_eq!(
                    created.is_ok(),
                    expected,
                    "{:?}: {actor_role:?} creates {role:?}: {created:?}",
                    tdb.backend
                );
                if !expected {
                    assert!(created.is_err());
                }
            }
            // Granting: every current role × every new role (the target set back by the operator
            // before each try).
            for current in Role::ALL {
                for new in Role::ALL {
                    let target = &targets[&current];
                    op.set_role(target.id, current).await.unwrap();
                    let granted = s.set_role(target.id, new).await;
                    let expected = actor_role == Role::SecurityAdmin
                        && !(current.is_admin() && new.is_business())
                        && !(current.is_business() && new.is_admin());
                    assert_eq!(granted.is_ok(), expected, "{actor_role:?} gives {new:?} to a {current:?}: {granted:?}");
                    let now = op.user(target.id).await.unwrap().role;
                    assert_eq!(now, if expected { new } else { current }, "a refused grant changes nothing");
                }
            }
            // Nobody changes his own role.
            let own = s.set_role(me.user_id().unwrap(), Role::Assessor).await;
            assert!(own.is_err(), "{actor_role:?} changed his own role");
        }
        // The SQLite file (and its journal) is the owner's alone.
        if let Some(path) = tdb.url.strip_prefix("sqlite://").and_then(|u| u.split('?').next()) {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(std::fs::metadata(path).unwrap().permissions().mode() & 0o777, 0o600, "{path}");
            if let Ok(wal) = std::fs::metadata(format!("{path}-wal")) {
                assert_eq!(wal.permissions().mode() & 0o777, 0o600, "{path}-wal");
            }
        }
        // A pending account can sign in but reads nothing.
        let pending = store.scoped(actor(&store, "u_pending").await);
        assert!(forbidden(pending.org_children(None, false).await));
    }
}

#[tokio::test]
async fn an_orgs_name_and_kind_are_changed_from_above_and_names_are_one_line() {
    for tdb in fresh_databases().await {
        let store = tdb.store(Arc::new(FixedClock::new(Utc.with_ymd_and_hms(2009, 3, 1, 8, 0, 0).unwrap()))).await;
        let op = store.scoped(Actor::Operator);
        let city = op.create_org(org("QZ", None, OrgKind::Federation)).await.unwrap().id;
        let county = op.create_org(org("QZ-A", Some(city), OrgKind::Federation)).await.unwrap().id;
        let town = op.create_org(org("QZ-A-1", Some(county), OrgKind::Grassroots)).await.unwrap().id;
        op.create_user(new_user("county_admin", county, Role::SystemAdmin)).await.unwrap();
        op.create_user(new_user("city_admin", city, Role::SystemAdmin)).await.unwrap();
        let county_admin = store.scoped(actor(&store, "county_admin").await);
        let rename = |name: &str| OrgUpdate { name: Some(name.into()), ..Default::default() };
        let rekind = OrgUpdate { kind: Some(OrgKind::Department), ..Default::default() };
        assert!(forbidden(county_admin.update_org(county, rename("清州市甲县总工会")).await));
        assert!(forbidden(county_admin.update_org(county, rekind.clone()).await));
        assert_eq!(op.org(county).await.unwrap().name, "QZ-A工会", "unchanged");
        // Its sort key it may set; the orgs below it it may rename.
        assert!(county_admin.update_org(county, OrgUpdate { sort_key: Some(3), ..Default::default() }).await.is_ok());
        assert!(county_admin.update_org(town, rename("某镇工会")).await.is_ok());
        // The city renames and re-kinds the county.
        let city_admin = store.scoped(actor(&store, "city_admin").await);
        assert_eq!(city_admin.update_org(county, rename("清州市乙县总工会")).await.unwrap().name, "清州市乙县总工会");
        assert_eq!(city_admin.update_org(county, rekind).await.unwrap().kind, OrgKind::Department);

        // A line break or another control character in a name: refused, nothing written.
        for bad in ["某工会\n| 100.00 | 优秀 |", "某\r工会", "某\u{1b}[31m工会", "某\t工会"] {
            let r = city_admin.update_org(town, rename(bad)).await;
            assert!(matches!(r, Err(StoreError::Domain(DomainError::Validation(_)))), "{bad:?}: {r:?}");
            let mut n = org("X1", Some(county), OrgKind::Grassroots);
            n.name = bad.into();
            assert!(op.create_org(n).await.is_err(), "{bad:?}");
        }
        assert_eq!(op.org(town).await.unwrap().name, "某镇工会");
    }
}

#[tokio::test]
async fn every_sign_in_checks_one_password_whether_or_not_the_name_exists() {
    for tdb in fresh_databases().await {
        let store = tdb.store(Arc::new(FixedClock::new(Utc.with_ymd_and_hms(2009, 3, 1, 8, 0, 0).unwrap()))).await;
        let op = store.scoped(Actor::Operator);
        let city = op.create_org(org("QZ", None, OrgKind::Federation)).await.unwrap().id;
        op.create_user(new_user("known", city, Role::Viewer)).await.unwrap();
        for (name, password) in [("known", PASSWORD), ("known", "wrong-Pass-1"), ("nobody", "wrong-Pass-1")] {
            let before = kaohe_store::verifications_on_this_thread();
            store.login(name, password).await.unwrap().ok();
            assert_eq!(kaohe_store::verifications_on_this_thread() - before, 1, "{name} {password}");
        }
    }
}
