//! Registry records on both engines: typed round trip, personal data sealed at rest (a scan of the
//! database finds no ID number in clear), masking and audited unmasking, optimistic versions,
//! natural-key conflicts, soft delete with history, keyset paging, and scope.

use chrono::{NaiveDate, TimeZone, Utc};
use kaohe_domain::record::{Record, RecordId, Value, Values};
use kaohe_domain::{Actor, DomainError, FixedClock, OrgId, OrgKind, Role};
use kaohe_store::testing::fresh_databases;
use kaohe_store::{Cursor, Filter, FilterOp, Sort};
use kaohe_store::{NewOrg, NewUser, RecordQuery, Store, StoreError};
use sea_orm::{ConnectionTrait, Statement};
use std::sync::Arc;

const ID_A: &str = "11010519491231002X";
const ID_B: &str = "430104199001011236";

fn id_b() -> String {
    // A valid ID number built with the GB 11643 checksum.
    let body = &ID_B[..17];
    let w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    let s: u32 = body.chars().zip(w).map(|(c, w)| c.to_digit(10).unwrap() * w).sum();
    format!("{body}{}", ['1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2'][(s % 11) as usize])
}

async fn setup(url_db: &kaohe_store::testing::TestDb) -> (Store, OrgId, OrgId) {
    let clock = Arc::new(FixedClock::new(Utc.with_ymd_and_hms(2009, 6, 1, 8, 0, 0).unwrap()));
    let pack = kaohe_packs::trade_union().unwrap();
    let store = url_db.store_with(clock, pack.registries).await;
    let op = store.scoped(Actor::Operator);
    let mk = |code: &str, parent| NewOrg {
        code: code.into(),
        name: format!("{code}工会"),
        short_name: None,
        kind: OrgKind::Federation,
        parent_id: parent,
        sort_key: None,
        opened_on: None,
        groups: vec![],
    };
    let city = op.create_org(mk("HY", None)).await.unwrap();
    let a = op.create_org(mk("LY", Some(city.id))).await.unwrap();
    let b = op.create_org(mk("CN", Some(city.id))).await.unwrap();
    (store, a.id, b.id)
}

fn member(name: &str, id: &str, joined: (i32, u32, u32)) -> Values {
    let mut v = Values::new();
    v.insert("name".into(), Value::Text(name.into()));
    v.insert("id_number".into(), Value::Text(id.into()));
    v.insert("unit_name".into(), Value::Text("衡阳钢管集团".into()));
    v.insert("joined_on".into(), Value::Date(NaiveDate::from_ymd_opt(joined.0, joined.1, joined.2).unwrap()));
    v.insert("category".into(), Value::Text("职工".into()));
    v
}

async fn user(store: &Store, name: &str, org: OrgId, role: Role) -> Actor {
    let op = store.scoped(Actor::Operator);
    op.create_user(NewUser {
        username: name.into(),
        display_name: name.into(),
        org_id: org,
        role,
        password: "Passw0rd-long".into(),
    })
    .await
    .unwrap();
    store.login(name, "Passw0rd-long").await.unwrap().unwrap().done().unwrap()
}

#[tokio::test]
async fn records_round_trip_sealed_and_scoped() {
    for tdb in fresh_databases().await {
        let (store, a, b) = setup(&tdb).await;
        let editor = user(&store, "ed", a, Role::Editor).await;
        let reviewer = user(&store, "rv", a, Role::Reviewer).await;
        let ed = store.scoped(editor.clone());

        let id = ed.create_record("members", a, member("张三", ID_A, (2009, 3, 5))).await.unwrap();
        let rec = ed.record("members", id, false).await.unwrap();
        assert_eq!(rec.values["id_number"], Value::Text("110***********002X".into()), "masked for editors");
        assert_eq!(rec.values["gender"], Value::Text("女".into()), "derived from the ID number");
        // The birth date is six digits of the ID number: hidden with it (ADR 0010), in clear on unmask.
        assert_eq!(rec.values["birth_date"], Value::Text("******".into()), "hidden for editors");
        assert!(matches!(ed.record("members", id, true).await, Err(StoreError::Domain(DomainError::Forbidden(_)))));

        let rv = store.scoped(reviewer);
        let clear = rv.record("members", id, true).await.unwrap();
        assert_eq!(clear.values["id_number"], Value::Text(ID_A.into()));
        assert_eq!(clear.values["birth_date"], Value::Date(NaiveDate::from_ymd_opt(1949, 12, 31).unwrap()));
        let db = store.connection();
        let count = |sql: String| async move {
            let r = db.query_one_raw(Statement::from_string(db.get_database_backend(), sql)).await.unwrap().unwrap();
            r.try_get_by_index::<i64>(0).unwrap()
        };
        assert_eq!(count("SELECT COUNT(*) FROM audit_log WHERE action = 'unmask'".into()).await, 1);

        // Same natural key again is a conflict; a bad ID number is a validation error naming the field.
        assert!(matches!(
            ed.create_record("members", a, member("李四", ID_A, (2009, 1, 1))).await,
            Err(StoreError::Domain(DomainError::Conflict(_)))
        ));
        let err = ed.create_record("members", a, member("王五", "110105194912310021", (2009, 1, 1))).await.unwrap_err();
        let StoreError::Domain(DomainError::Validation(fields)) = err else { panic!("{err:?}") };
        assert_eq!(fields[0].field, "id_number");

        // Optimistic versions: a stale write is refused.
        let mut changed = member("张三丰", ID_A, (2009, 3, 5));
        changed.insert("phone".into(), Value::Text("13812345678".into()));
        let v2 = ed.update_record("members", id, 1, a, changed.clone()).await.unwrap();
        assert_eq!(v2, 2);
        assert!(matches!(
            ed.update_record("members", id, 1, a, changed.clone()).await,
            Err(StoreError::Domain(DomainError::Conflict(_)))
        ));

        // Scope: county B's editor sees nothing of county A.
        let other = store.scoped(user(&store, "cn", b, Role::Editor).await);
        assert!(matches!(other.record("members", id, false).await, Err(StoreError::Domain(DomainError::NotFound))));
        assert!(other.records("members", &RecordQuery { limit: 50, ..Default::default() }).await.unwrap().is_empty());
        assert!(matches!(
            other.create_record("members", a, member("赵六", &id_b(), (2009, 1, 1))).await,
            Err(StoreError::Domain(DomainError::NotFound))
        ));

        // Soft delete keeps the row and its history; the natural key is free again.
        ed.delete_record("members", id, v2).await.unwrap();
        assert!(matches!(ed.record("members", id, false).await, Err(StoreError::Domain(DomainError::NotFound))));
        assert_eq!(count("SELECT COUNT(*) FROM r_members".into()).await, 1);
        let again = ed.create_record("members", a, member("张三", ID_A, (2009, 3, 5))).await.unwrap();
        let hist = ed.record_history("members", again).await.unwrap();
        assert_eq!(hist.len(), 1);
        assert_eq!(hist[0].data["id_number"], "******");

        // No ID number or phone in clear anywhere in the tables.
        for t in ["r_members", "record_history", "audit_log"] {
            let rows = db
                .query_all_raw(Statement::from_string(db.get_database_backend(), format!("SELECT * FROM {t}")))
                .await
                .unwrap();
            let dump = format!("{rows:?}");
            assert!(!dump.contains("1101051949") && !dump.contains("13812345678"), "{t} holds personal data in clear");
        }
    }
}

#[tokio::test]
async fn keyset_pages_cover_every_record_once() {
    for tdb in fresh_databases().await {
        let (store, a, _) = setup(&tdb).await;
        let ed = store.scoped(user(&store, "ed", a, Role::Editor).await);
        let mut made = Vec::new();
        for i in 0..23u32 {
            let mut v = member(&format!("会员{i:02}"), &format!("{:017}", 0), (2009, 1 + i % 12, 1 + i % 28));
            // Build distinct valid ID numbers from a base.
            let body = format!("43010419900101{:03}", i);
            let w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
            let s: u32 = body.chars().zip(w).map(|(c, w)| c.to_digit(10).unwrap() * w).sum();
            let idn = format!("{body}{}", ['1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2'][(s % 11) as usize]);
            v.insert("id_number".into(), Value::Text(idn));
            if i % 5 == 0 {
                v.remove("joined_on");
                v.insert("joined_on".into(), Value::Date(NaiveDate::from_ymd_opt(2009, 6, 6).unwrap()));
            }
            // An optional field: some records leave it empty, some share a value.
            if i % 3 != 0 {
                v.insert("left_on".into(), Value::Date(NaiveDate::from_ymd_opt(2010, 1 + i % 4, 1).unwrap()));
            }
            made.push(ed.create_record("members", a, v).await.unwrap());
        }
        let all = ed.records("members", &RecordQuery { limit: 100, ..Default::default() }).await.unwrap();
        assert_eq!(all.len(), 23);
        for sort in [
            Sort::default(),
            Sort { field: Some("joined_on".into()), descending: true },
            Sort { field: Some("joined_on".into()), descending: false },
            Sort { field: Some("name".into()), descending: false },
            Sort { field: Some("left_on".into()), descending: false },
            Sort { field: Some("left_on".into()), descending: true },
        ] {
            let mut seen: Vec<RecordId> = Vec::new();
            let mut after: Option<Cursor> = None;
            loop {
                let q = RecordQuery { sort: sort.clone(), after: after.clone(), limit: 5, ..Default::default() };
                let page = ed.records("members", &q).await.unwrap();
                if page.is_empty() {
                    break;
                }
                let last = page.last().unwrap();
                let value = sort.field.as_ref().map(|f| last.values[f].clone()).unwrap_or(Value::Null);
                after = Some(Cursor { value, id: last.id });
                seen.extend(page.iter().map(|r| r.id));
            }
            let mut sorted = seen.clone();
            sorted.sort();
            sorted.dedup();
            assert_eq!(sorted.len(), 23, "{sort:?}: every record once");
            assert_eq!(seen.len(), 23, "{sort:?}: no repeats");
            // The order, recounted: records with a value by (value, id) in the asked direction,
            // then the empty ones by id in the same direction.
            let key = |r: &Record| {
                let v = sort.field.as_ref().map(|f| r.values.get(f).cloned().unwrap_or(Value::Null));
                let text = v.as_ref().filter(|v| !v.is_null()).map(|v| format!("{v:?}"));
                (v.is_some_and(|v| v.is_null()), text, r.id)
            };
            let mut expected: Vec<&Record> = all.iter().collect();
            expected.sort_by(|x, y| {
                let (kx, ky) = (key(x), key(y));
                let within = (&kx.1, kx.2).cmp(&(&ky.1, ky.2));
                kx.0.cmp(&ky.0).then(if sort.descending { within.reverse() } else { within })
            });
            let expected: Vec<RecordId> = expected.iter().map(|r| r.id).collect();
            assert_eq!(seen, expected, "{sort:?}: order");
        }
        let q = RecordQuery {
            filters: vec![Filter {
                field: "joined_on".into(),
                op: FilterOp::Eq,
                value: Value::Date(NaiveDate::from_ymd_opt(2009, 6, 6).unwrap()),
            }],
            limit: 100,
            ..Default::default()
        };
        assert_eq!(ed.records("members", &q).await.unwrap().len(), 5);
        let q = RecordQuery {
            filters: vec![Filter {
                field: "name".into(), op: FilterOp::Contains, value: Value::Text("会员1".into())
            }],
            limit: 100,
            ..Default::default()
        };
        assert_eq!(ed.records("members", &q).await.unwrap().len(), 10);
    }
}

/// A `unique` field that is not the natural key is kept unique on create, update and import.
#[tokio::test]
async fn unique_fields_beyond_the_natural_key() {
    use kaohe_domain::pack::parse_pack;
    let files = vec![
        ("pack.toml".to_owned(), "key = \"t\"\nversion = \"1\"\nname_zh = \"测\"\nname_en = \"t\"\n".to_owned()),
        (
            "registries/cards.toml".to_owned(),
            "key = \"cards\"\nlabel_zh = \"证\"\nlabel_en = \"Cards\"\nnatural_key = [\"ref_no\"]\n\n\
             [[fields]]\nkey = \"ref_no\"\nlabel_zh = \"编号\"\nlabel_en = \"No\"\ntype = \"text\"\nrequired = true\n\n\
             [[fields]]\nkey = \"card_no\"\nlabel_zh = \"卡号\"\nlabel_en = \"Card\"\ntype = \"text\"\nunique = true\n"
                .to_owned(),
        ),
    ];
    let pack = parse_pack(&files).unwrap();
    for tdb in fresh_databases().await {
        let clock = Arc::new(FixedClock::new(Utc.with_ymd_and_hms(2009, 6, 1, 8, 0, 0).unwrap()));
        let store = tdb.store_with(clock, pack.registries.clone()).await;
        let op = store.scoped(Actor::Operator);
        let org = op
            .create_org(NewOrg {
                code: "HY".into(),
                name: "市总".into(),
                short_name: None,
                kind: OrgKind::Federation,
                parent_id: None,
                sort_key: None,
                opened_on: None,
                groups: vec![],
            })
            .await
            .unwrap();
        let card = |r: &str, c: &str| {
            Values::from([("ref_no".into(), Value::Text(r.into())), ("card_no".into(), Value::Text(c.into()))])
        };
        let a = op.create_record("cards", org.id, card("1", "X")).await.unwrap();
        let err = op.create_record("cards", org.id, card("2", "X")).await.unwrap_err();
        assert!(matches!(&err, StoreError::Domain(DomainError::Validation(f)) if f[0].field == "card_no"), "{err:?}");
        op.update_record("cards", a, 1, org.id, card("1", "X")).await.unwrap();
        let rows = vec![
            kaohe_store::ImportRow { row: 2, org: "HY".into(), values: card("3", "Y") },
            kaohe_store::ImportRow { row: 3, org: "HY".into(), values: card("4", "Y") },
            kaohe_store::ImportRow { row: 4, org: "HY".into(), values: card("5", "X") },
        ];
        let StoreError::Import(errs) = op.import_records("cards", rows, None, false, &|_| {}).await.unwrap_err() else {
            panic!()
        };
        assert_eq!(errs.iter().map(|e| e.row).collect::<Vec<_>>(), vec![3, 4]);
    }
}

/// A field marked `indexed` has its (field, id) index; a bulk load may drop it and build it again.
#[tokio::test]
async fn sort_indexes_follow_the_pack() {
    for tdb in fresh_databases().await {
        let (store, _, _) = setup(&tdb).await;
        let db = store.connection();
        let sql = match db.get_database_backend() {
            sea_orm::DatabaseBackend::Postgres => {
                "SELECT COUNT(*) FROM pg_indexes WHERE indexname = 'r_members_f_joined_on'"
            }
            _ => "SELECT COUNT(*) FROM sqlite_master WHERE type = 'index' AND name = 'r_members_f_joined_on'",
        };
        let count = || async {
            let row =
                db.query_one_raw(Statement::from_string(db.get_database_backend(), sql.to_owned())).await.unwrap();
            row.unwrap().try_get_by_index::<i64>(0).unwrap()
        };
        assert_eq!(count().await, 1, "members' joining date is indexed");
        store.suspend_sort_indexes("members").await.unwrap();
        assert_eq!(count().await, 0);
        store.restore_sort_indexes("members").await.unwrap();
        assert_eq!(count().await, 1);
    }
}
