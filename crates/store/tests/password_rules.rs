//! Password history and expiry (off by default, on in the MLPS profile), through the store on
//! both engines: a new password may not repeat the last N, and one older than the limit makes its
//! owner change it before anything else; API tokens of such a user stop until she has.

#[allow(dead_code)] // the shared fixtures; this file needs two of them
mod support;

use chrono::{Duration, TimeZone, Utc};
use kaohe_domain::password::PasswordPolicy;
use kaohe_domain::{DomainError, FixedClock, Role};
use kaohe_store::testing::{TestDb, fresh_databases};
use kaohe_store::{Obligation, SecurityPolicy, Store, StoreError};
use std::sync::Arc;

async fn open(tdb: &TestDb, policy: SecurityPolicy) -> (Store, Arc<FixedClock>) {
    let clock = Arc::new(FixedClock::new(Utc.with_ymd_and_hms(2010, 1, 15, 8, 0, 0).unwrap()));
    let store = tdb.store_with(clock.clone(), kaohe_packs::trade_union().unwrap().registries).await;
    (store.with_security_policy(policy), clock)
}

async fn count(store: &Store, sql: &str) -> i64 {
    use sea_orm::{ConnectionTrait, Statement};
    let db = store.connection();
    let row =
        db.query_one_raw(Statement::from_string(db.get_database_backend(), sql.to_owned())).await.unwrap().unwrap();
    row.try_get_by_index::<i64>(0).unwrap()
}

fn refused(r: Result<(), StoreError>) -> bool {
    matches!(r, Err(StoreError::Domain(DomainError::Validation(_))))
}

#[tokio::test]
async fn the_last_passwords_are_not_reused_and_old_ones_expire() {
    let policy = SecurityPolicy {
        password: PasswordPolicy { history: 3, max_age_days: 90, ..PasswordPolicy::default() },
        ..SecurityPolicy::default()
    };
    for tdb in fresh_databases().await {
        let (store, clock) = open(&tdb, policy).await;
        let city = support::org(&store, "QZ", None).await;
        let ed = support::user(&store, "ed", city, Role::Editor).await;
        let id = ed.user_id().unwrap();
        let me = store.scoped(ed.clone());

        let passwords = ["Passw0rd-long", "Second-pass-21", "Third-pass-321"];
        me.change_own_password(passwords[0], passwords[1]).await.unwrap();
        me.change_own_password(passwords[1], passwords[2]).await.unwrap();
        for old in passwords {
            assert!(refused(me.change_own_password(passwords[2], old).await), "{old} is one of the last three");
        }
        me.change_own_password(passwords[2], "Fourth-pass-4321").await.unwrap();
        // Three remembered: the first has dropped out.
        me.change_own_password("Fourth-pass-4321", passwords[0]).await.unwrap();
        let kept = count(&store, "SELECT COUNT(*) FROM password_history").await;
        assert_eq!(kept, 3, "no more earlier hashes kept than the rule needs");

        // A change revokes the tokens: this one is issued after the last.
        let token = store.scoped(kaohe_domain::Actor::Operator).issue_token(id, "t").await.unwrap();
        let authenticated = store.clock().now().timestamp();
        let session = store.actor_for_session(id, authenticated).await.unwrap();
        assert_eq!(session.obligation, None);
        assert!(store.actor_for_token(&token).await.is_ok());

        clock.advance(Duration::days(90));
        let session = store.actor_for_session(id, authenticated).await.unwrap();
        assert_eq!(session.obligation, Some(Obligation::ChangePassword), "90 days old");
        assert!(store.actor_for_token(&token).await.is_err(), "tokens wait for the change too");
        me.change_own_password(passwords[0], "Fifth-pass-54321").await.unwrap();
        let now = store.clock().now().timestamp();
        assert_eq!(store.actor_for_session(id, now).await.unwrap().obligation, None);
    }
}

#[tokio::test]
async fn without_the_rules_a_password_never_expires_and_may_come_back() {
    for tdb in fresh_databases().await {
        let (store, clock) = open(&tdb, SecurityPolicy::default()).await;
        let city = support::org(&store, "QZ", None).await;
        let ed = support::user(&store, "ed", city, Role::Editor).await;
        let me = store.scoped(ed.clone());
        me.change_own_password("Passw0rd-long", "Second-pass-21").await.unwrap();
        me.change_own_password("Second-pass-21", "Passw0rd-long").await.unwrap();
        clock.advance(Duration::days(3650));
        let now = store.clock().now().timestamp();
        assert_eq!(store.actor_for_session(ed.user_id().unwrap(), now).await.unwrap().obligation, None);
        assert_eq!(count(&store, "SELECT COUNT(*) FROM password_history").await, 0);
    }
}
