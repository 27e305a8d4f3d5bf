//! Import and export on both engines: a template is generated, filled and imported; a broken file
//! is refused whole with errors naming row and column; re-importing changes nothing; random valid
//! rows survive import → export → import unchanged; random invalid cells are reported at the right
//! row and column and nothing is written.

use chrono::{TimeZone, Utc};
use kaohe_domain::{Actor, FixedClock, OrgKind};
use kaohe_exchange::{ExportFormat, export, import, template};
use kaohe_sheets::{Cell, Limits, read, write_csv};
use kaohe_store::testing::{TestDb, fresh_databases};
use kaohe_store::{NewOrg, Store};
use proptest::prelude::*;
use sea_orm::{ConnectionTrait, Statement};
use std::sync::Arc;

async fn setup(db: &TestDb) -> Store {
    let clock = Arc::new(FixedClock::new(Utc.with_ymd_and_hms(2009, 12, 31, 8, 0, 0).unwrap()));
    let pack = kaohe_packs::trade_union().unwrap();
    let store = db.store_with(clock, pack.registries).await;
    let op = store.scoped(Actor::Operator);
    let mk = |code: &str, name: &str, parent| NewOrg {
        code: code.into(),
        name: name.into(),
        short_name: None,
        kind: OrgKind::Federation,
        parent_id: parent,
        sort_key: None,
        opened_on: None,
        groups: vec![],
    };
    let city = op.create_org(mk("HY", "衡阳市总工会", None)).await.unwrap();
    op.create_org(mk("HY-LY", "耒阳市总工会", Some(city.id))).await.unwrap();
    store
}

use kaohe_store::testing::resident_id as id_number;

const HEADER: [&str; 6] = ["所属组织", "姓名", "公民身份号码", "工作单位", "入会日期", "会员类别"];

fn csv(rows: &[[String; 6]]) -> Vec<u8> {
    write_csv(&HEADER.map(String::from), &rows.iter().map(|r| r.to_vec()).collect::<Vec<_>>())
}

async fn count(store: &Store, sql: &str) -> i64 {
    let db = store.connection();
    let row =
        db.query_one_raw(Statement::from_string(db.get_database_backend(), sql.to_owned())).await.unwrap().unwrap();
    row.try_get_by_index::<i64>(0).unwrap()
}

fn row(org: &str, name: &str, id: &str, joined: &str) -> [String; 6] {
    [org.into(), name.into(), id.into(), "衡阳钢管集团".into(), joined.into(), "职工".into()]
}

#[tokio::test]
async fn broken_file_is_refused_whole_then_fixed_file_imports_once() {
    for db in fresh_databases().await {
        let store = setup(&db).await;
        let op = store.scoped(Actor::Operator);
        let reg = op.registry("members").unwrap().clone();
        let tpl = read(&template(&reg).unwrap(), "t.xlsx", &Limits::default()).unwrap();
        let headers: Vec<String> = tpl.rows[0].cells.iter().map(Cell::as_text).collect();
        assert!(headers.contains(&"公民身份号码 *".to_owned()), "{headers:?}");

        let bad = csv(&[
            row("HY-LY", "张三", &id_number(1), "2009-03-05"),
            row("耒阳市总工会", "李四", "4.30104E+17", "2009/3/5"),
            row("HY-XX", "王五", &id_number(3), "2009年3月5日"),
            row("HY-LY", "赵六", &id_number(1), "20090230"),
        ]);
        let failure = import(&op, "members", &bad, "m.csv", &Default::default(), &|_| {}).await.unwrap_err();
        let at: Vec<(usize, String)> = failure.errors.iter().map(|e| (e.row, e.column.clone())).collect();
        assert_eq!(
            at,
            vec![(3, "C 公民身份号码".into()), (4, "A 所属组织".into()), (5, "E 入会日期".into())],
            "{:?}",
            failure.errors
        );
        assert!(failure.errors[0].message_zh.contains("科学计数法"), "{}", failure.errors[0].message_zh);
        let report = read(failure.report_xlsx.as_ref().unwrap(), "r.xlsx", &Limits::default()).unwrap();
        assert_eq!(report.rows[0].cells[0].as_text(), "错误说明");
        assert_eq!(count(&store, "SELECT COUNT(*) FROM r_members").await, 0, "nothing written");

        let good = csv(&[
            row("HY-LY", "张三", &id_number(1), "2009-03-05"),
            row("耒阳市总工会", "李四", &id_number(2), "2009/3/5"),
            row("HY", "王五", &id_number(3), "2009年3月5日"),
        ]);
        let ok = import(&op, "members", &good, "m.csv", &Default::default(), &|_| {}).await.unwrap();
        assert_eq!((ok.report.created, ok.report.updated), (3, 0));
        let again = import(&op, "members", &good, "m.csv", &Default::default(), &|_| {}).await.unwrap();
        assert_eq!((again.report.created, again.report.updated, again.report.unchanged), (0, 0, 3));
        assert_eq!(count(&store, "SELECT COUNT(*) FROM r_members").await, 3);
        // Duplicates inside one file are named by row.
        let dup = csv(&[row("HY", "甲", &id_number(9), "2009-01-01"), row("HY", "乙", &id_number(9), "2009-01-02")]);
        let f = import(&op, "members", &dup, "d.csv", &Default::default(), &|_| {}).await.unwrap_err();
        assert_eq!(f.errors[0].row, 3);
        assert!(f.errors[0].message_zh.contains("第2行"));

        let xlsx = export(&op, "members", None, false, ExportFormat::Xlsx).await.unwrap();
        let t = read(&xlsx, "e.xlsx", &Limits::default()).unwrap();
        assert_eq!(t.rows.len(), 4);
        assert!(t.rows.iter().skip(1).all(|r| r.cells[2].as_text().contains("****")), "masked by default");
        assert_eq!(count(&store, "SELECT COUNT(*) FROM audit_log WHERE action = 'export'").await, 1);
    }
}

fn valid_row() -> impl Strategy<Value = (String, u32, (u32, u32), String)> {
    (
        "[甲乙丙丁戊己庚辛]{2,3}",
        0u32..1000,
        (1u32..=12, 1u32..=28),
        prop::sample::select(vec!["职工".to_owned(), "农民工".to_owned()]),
    )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 6, .. ProptestConfig::default() })]

    /// Random valid rows round-trip import → export (unmasked) → import with nothing changed.
    #[test]
    fn valid_rows_round_trip(rows in prop::collection::btree_map(0u32..1000, valid_row(), 1..15)) {
        let rt = tokio::runtime::Runtime::new().unwrap();
        rt.block_on(async {
            for db in fresh_databases().await {
                let store = setup(&db).await;
                let op = store.scoped(Actor::Operator);
                let lines: Vec<[String; 6]> = rows.iter().map(|(seq, (name, _, (m, d), cat))| {
                    let mut r = row("HY-LY", name, &id_number(*seq), &format!("2009-{m:02}-{d:02}"));
                    r[5] = cat.clone();
                    r
                }).collect();
                import(&op, "members", &csv(&lines), "a.csv", &Default::default(), &|_| {}).await.unwrap();
                let out = export(&op, "members", None, true, ExportFormat::Csv).await.unwrap();
                let again = import(&op, "members", &out, "b.csv", &Default::default(), &|_| {}).await.unwrap();
                assert_eq!((again.report.created, again.report.updated, again.report.unchanged), (0, 0, lines.len()));
            }
        });
    }

    /// A random invalid cell is reported at its row and column, and nothing is written.
    #[test]
    fn invalid_cells_are_located(n in 2usize..8, bad_row in 0usize..8, bad_col in 2usize..5) {
        let bad_row = bad_row % n;
        let rt = tokio::runtime::Runtime::new().unwrap();
        rt.block_on(async {
            for db in fresh_databases().await {
                let store = setup(&db).await;
                let op = store.scoped(Actor::Operator);
                let mut lines: Vec<[String; 6]> = (0..n).map(|i| row("HY", "某", &id_number(i as u32), "2009-01-01")).collect();
                lines[bad_row][bad_col] = match bad_col { 2 => "123456789012345678".into(), 3 => String::new(), _ => "2009-13-45".into() };
                let f = import(&op, "members", &csv(&lines), "x.csv", &Default::default(), &|_| {}).await.unwrap_err();
                assert_eq!(f.errors.len(), 1, "{:?}", f.errors);
                assert_eq!(f.errors[0].row, bad_row + 2);
                assert!(f.errors[0].column.starts_with(&kaohe_sheets::column_letter(bad_col)), "{:?}", f.errors[0]);
                assert_eq!(count(&store, "SELECT COUNT(*) FROM r_members").await, 0);
            }
        });
    }
}

#[tokio::test]
async fn a_file_of_junk_stops_at_the_error_cap_and_writes_nothing() {
    for db in fresh_databases().await {
        let store = setup(&db).await;
        let op = store.scoped(Actor::Operator);
        // 1,500 rows, each with a bad ID number and a bad date: 3,000 errors in all.
        let rows: Vec<[String; 6]> = (0..1500).map(|i| row("HY-LY", &format!("会员{i}"), "123", "x")).collect();
        let f = import(&op, "members", &csv(&rows), "junk.csv", &Default::default(), &|_| {}).await.unwrap_err();
        assert!(f.truncated && f.fatal.is_none(), "{:?}", f.fatal);
        assert_eq!(f.errors.len(), kaohe_exchange::MAX_ERRORS);
        assert_eq!(f.count(), "1000+");
        // The errors are the first ones, in row order, and the report covers only their rows.
        let last = f.errors.last().unwrap().row;
        assert_eq!(last, 501, "two errors a row from row 2: the 1000th is on row 501");
        assert!(f.errors.windows(2).all(|w| w[0].row <= w[1].row));
        let report = read(&f.report_xlsx.unwrap(), "r.xlsx", &Limits::default()).unwrap();
        assert_eq!(report.rows.last().unwrap().number, last, "the report stops at the last error listed");
        assert_eq!(count(&store, "SELECT COUNT(*) FROM r_members").await, 0);
    }
}

#[test]
fn uploads_beyond_the_browser_limits_are_refused_before_reading_them_all() {
    // A workbook declaring 250,000 rows is refused for the upload limit of 200,000 rows at once.
    let rows: Vec<Vec<kaohe_sheets::OutCell>> =
        (0..250_000).map(|i| vec![kaohe_sheets::OutCell::Text(format!("r{i}"))]).collect();
    let cols = [kaohe_sheets::Column::new("c", kaohe_sheets::ColumnKind::Text)];
    let bytes = kaohe_sheets::write_table("s", &cols, &rows).unwrap();
    let err = read(&bytes, "big.xlsx", &Limits::upload()).unwrap_err().to_string();
    assert!(err.contains("more than 200000 rows"), "{err}");
    assert!(read(&bytes, "big.xlsx", &Limits::default()).is_ok(), "kaohe import takes it");
    // Binary content named .csv is not read as text.
    let binary: Vec<u8> = (0..100_000u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8).collect();
    let err = read(&binary, "m.csv", &Limits::upload()).unwrap_err().to_string();
    assert!(err.contains("not an Excel or CSV file"), "{err}");
}
