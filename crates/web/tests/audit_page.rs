//! The audit page for the 审计管理员 on both engines: the log exported as XLSX (the export itself
//! logged), the hash chain checked on demand and a tampered row named; other roles refused.

mod support;

use kaohe_domain::{OrgKind, Role};
use support::spawn_apps;

#[tokio::test]
async fn export_and_chain_check() {
    for app in spawn_apps().await {
        let city = app.org("HY", None, OrgKind::Federation).await;
        app.org("LY", Some(city), OrgKind::Federation).await;
        app.user("aud", city, Role::AuditAdmin).await;
        app.user("ed", city, Role::Editor).await;
        let (c, _, _) = app.login("aud", support::PASSWORD).await;
        let ok = c.get(app.url("/audit/verify")).send().await.unwrap().text().await.unwrap();
        assert!(ok.contains("哈希链完整"), "{ok}");

        let rows = app.count("SELECT COUNT(*) FROM audit_log").await;
        let res = c.get(app.url("/audit/export.xlsx")).send().await.unwrap();
        assert_eq!(res.status(), 200);
        assert!(res.bytes().await.unwrap().starts_with(b"PK"));
        assert_eq!(app.count("SELECT COUNT(*) FROM audit_log").await, rows + 1, "the export is logged");
        assert_eq!(
            app.count("SELECT COUNT(*) FROM audit_log WHERE action = 'export' AND entity = 'audit_log'").await,
            1
        );

        let first = app.count("SELECT MIN(id) FROM audit_log").await;
        let db = app.store.connection();
        use sea_orm::{ConnectionTrait, Statement};
        let sql = format!("UPDATE audit_log SET actor = 'someone' WHERE id = {first}");
        db.execute_raw(Statement::from_string(db.get_database_backend(), sql)).await.unwrap();
        let bad = c.get(app.url("/audit/verify")).send().await.unwrap().text().await.unwrap();
        assert!(bad.contains(&format!("audit row {first} was altered")), "{bad}");

        let (e, _, _) = app.login("ed", support::PASSWORD).await;
        assert_eq!(e.get(app.url("/audit/export.xlsx")).send().await.unwrap().status(), 403);
        assert_eq!(e.get(app.url("/audit/verify")).send().await.unwrap().status(), 403);
    }
}
