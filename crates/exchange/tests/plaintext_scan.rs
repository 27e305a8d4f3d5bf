//! No ID number in clear anywhere it could leak: the SQLite database file and its WAL, masked
//! exports (CSV and XLSX), the error list and the error report of a refused import. The scan looks
//! for every imported ID number and for anything shaped like one (GB 11643: 17 digits and a digit
//! or X).

use chrono::{TimeZone, Utc};
use kaohe_domain::{Actor, FixedClock, OrgKind};
use kaohe_exchange::{ExportFormat, export, import};
use kaohe_sheets::{Limits, read, write_csv};
use kaohe_store::NewOrg;
use kaohe_store::testing::fresh_sqlite;
use std::sync::Arc;

use kaohe_store::testing::{has_id_shape, resident_id as id_number};

#[tokio::test]
async fn no_id_number_in_clear_in_files_exports_or_errors() {
    let db = fresh_sqlite();
    let path = db.url.trim_start_matches("sqlite://").split('?').next().unwrap().to_owned();
    let clock = Arc::new(FixedClock::new(Utc.with_ymd_and_hms(2009, 12, 31, 8, 0, 0).unwrap()));
    let pack = kaohe_packs::trade_union().unwrap();
    let store = db.store_with(clock, pack.registries).await;
    let op = store.scoped(Actor::Operator);
    op.create_org(NewOrg {
        code: "HY".into(),
        name: "衡阳市总工会".into(),
        short_name: None,
        kind: OrgKind::Federation,
        parent_id: None,
        sort_key: None,
        opened_on: None,
        groups: vec![],
    })
    .await
    .unwrap();
    let ids: Vec<String> = (0..40).map(id_number).collect();
    let header = ["所属组织", "姓名", "公民身份号码", "工作单位", "入会日期", "会员类别", "手机号码"].map(String::from);
    let rows: Vec<Vec<String>> = ids
        .iter()
        .enumerate()
        .map(|(i, id)| {
            vec![
                "HY".into(),
                format!("会员{i}"),
                id.clone(),
                "钢管集团".into(),
                "2009-05-01".into(),
                "职工".into(),
                format!("1380734{i:04}"),
            ]
        })
        .collect();
    import(&op, "members", &write_csv(&header, &rows), "m.csv", &Default::default(), &|_| {}).await.unwrap();

    // A refused import whose rows carry valid ID numbers (duplicates and a bad date).
    let mut bad = rows[..3].to_vec();
    bad.push(rows[0].clone());
    bad[1][4] = "2009-02-30".into();
    let failure =
        import(&op, "members", &write_csv(&header, &bad), "bad.csv", &Default::default(), &|_| {}).await.unwrap_err();
    assert!(!failure.errors.is_empty());
    let messages = format!("{:?}", failure.errors);
    let report = read(failure.report_xlsx.as_ref().unwrap(), "r.xlsx", &Limits::default()).unwrap();
    let report_text = format!("{:?}", report.rows);

    let csv = String::from_utf8(export(&op, "members", None, false, ExportFormat::Csv).await.unwrap()).unwrap();
    let xlsx =
        read(&export(&op, "members", None, false, ExportFormat::Xlsx).await.unwrap(), "e.xlsx", &Limits::default())
            .unwrap();
    let xlsx_text = format!("{:?}", xlsx.rows);
    store.connection().clone().close().await.unwrap();

    let mut db_bytes = std::fs::read(&path).unwrap();
    if let Ok(wal) = std::fs::read(format!("{path}-wal")) {
        db_bytes.extend(wal);
    }
    let db_text = String::from_utf8_lossy(&db_bytes);
    for (what, text) in [
        ("database file", db_text.as_ref()),
        ("error list", &messages),
        ("error report", &report_text),
        ("CSV export", &csv),
        ("XLSX export", &xlsx_text),
    ] {
        for id in &ids {
            assert!(!text.contains(id.as_str()), "{what} holds the ID number {id} in clear");
        }
        assert!(!has_id_shape(text), "{what} holds something shaped like an ID number");
        assert!(!text.contains("13807340001"), "{what} holds a phone number in clear");
    }
    assert!(csv.contains("430***********"), "the export shows masked ID numbers");
}
