//! The demo's 2009 assessment against hand calculations: items recounted with plain SQL and
//! scored with plain arithmetic, the capped 双联 bonus, totals and ranks recomputed in loops, a
//! veto case (a 党风廉政 violation added), publishing, versions, the difference shown, and a
//! tampered snapshot refused.

use super::{Recount, in_2009};
use kaohe_domain::record::{Value, Values};
use kaohe_domain::scoring::{Assessment, OrgResult};
use kaohe_domain::{Actor, OrgKind};
use kaohe_store::{Store, StoreError};
use sea_orm::{ConnectionTrait, Statement};

/// `weight × min(actual ÷ target, 1)` in hundredths, rounded half up, with integers only.
fn proportional(weight: i64, actual: i64, target: i64) -> i64 {
    let a = actual.min(target);
    (200 * weight * a + target) / (2 * target)
}

async fn target(store: &Store, code: &str, item: &str) -> i64 {
    let sql = format!(
        "SELECT value_e4 FROM targets WHERE year = 2009 AND item = '{item}' AND org_id = (SELECT id FROM orgs WHERE code = '{code}')"
    );
    let conn = store.connection();
    let rows = conn.query_all_raw(Statement::from_string(conn.get_database_backend(), sql)).await.unwrap();
    let e4: i64 = rows[0].try_get_by_index(0).unwrap();
    assert_eq!(e4 % 10_000, 0, "{code} {item}: a whole-number target");
    e4 / 10_000
}

fn result<'a>(a: &'a Assessment, code: &str) -> &'a OrgResult {
    a.results.iter().find(|r| r.org.code == code).unwrap_or_else(|| panic!("{code} assessed"))
}

fn points(r: &OrgResult, item: &str) -> i64 {
    r.items.iter().find(|i| i.item == item).unwrap_or_else(|| panic!("{} has {item}", r.org.code)).points
}

/// Totals and ranks recomputed in plain loops.
fn recount_totals_and_ranks(a: &Assessment) {
    for r in &a.results {
        let base: i64 = r.items.iter().map(|i| i.points).sum();
        let adj: i64 = r.adjustments.iter().map(|j| j.points).sum();
        assert_eq!(r.total, base + adj, "{}: total = items + bonus − deductions", r.org.code);
        let mut better = 0;
        let mut peers = 0;
        for o in &a.results {
            if o.org.parent != r.org.parent || o.org.kind != r.org.kind {
                continue;
            }
            peers += 1;
            if (!o.vetoed, o.total, o.base) > (!r.vetoed, r.total, r.base) {
                better += 1;
            }
        }
        assert_eq!((r.rank, r.peers), (better + 1, peers), "{}: rank among peers", r.org.code);
    }
}

pub async fn check(store: &Store, label: &str) {
    let op = store.scoped(Actor::Operator);
    let hy = op.org_by_code("HY").await.unwrap();
    let a = op.assess(2009, hy.id).await.expect("assess 2009");
    let counties = a.results.iter().filter(|r| r.org.kind == OrgKind::Federation).count();
    let departments = a.results.iter().filter(|r| r.org.kind == OrgKind::Department).count();
    assert_eq!((counties, departments), (12, 7), "{label}: the 12 county federations and the 7 departments");
    assert!(a.warnings.is_empty(), "{label}: {:?}", a.warnings);

    // Item by item for 耒阳市 and 衡南县, recounted with SQL.
    for code in ["HY-LY", "HY-HN"] {
        let r = Recount::new(store, code).await;
        let res = result(&a, code);
        let unions = r.count("units", &format!("f_has_union IS TRUE AND {}", in_2009("union_established_on"))).await;
        assert_eq!(points(res, "new_unions"), proportional(10, unions, target(store, code, "new_unions").await));
        let members = r.count("members", &in_2009("joined_on")).await;
        assert_eq!(points(res, "new_members"), proportional(10, members, target(store, code, "new_members").await));
        let escalated = r.count("petitions", &format!("f_escalated IS TRUE AND {}", in_2009("received_on"))).await;
        assert_eq!(points(res, "no_escalation"), (1500 - 500 * escalated).max(0));
        let cond = format!("f_activity = '金秋助学' AND f_aid_form IN ('现金', '实物') AND {}", in_2009("paid_on"));
        let students = r.sum("aid", "recipients", &cond).await;
        let t = target(store, code, "study_aid").await;
        let expected = if students >= t { 500 + (50 * (students - t)).min(100) } else { proportional(5, students, t) };
        assert_eq!(points(res, "study_aid"), expected, "{code}: {students} students, target {t}");
    }

    // The 双联 bonus: 5 points for first in the province, capped at 3.
    let bgs = result(&a, "HY-BGS");
    let honours = Recount::new(store, "HY-BGS").await.sum("honours", "bonus_points", &in_2009("awarded_on")).await;
    assert_eq!(honours, 500, "5.00 points of honours at 办公室 in 2009");
    assert_eq!(bgs.bonus, 300, "capped at 3");
    assert!(bgs.adjustments[0].arithmetic_zh.starts_with("min(3, 1 × 5)"));
    recount_totals_and_ranks(&a);
    assert!(a.results.iter().all(|r| !r.vetoed), "the seed's veto items are clean");

    // Publish; publishing again unchanged gives a second version with no difference.
    let (v1, changes) = op.publish_assessment(2009, hy.id).await.unwrap();
    assert_eq!((v1.version, changes.len()), (1, 0));
    let (_, frozen) = op.published_assessment(2009, hy.id, 1).await.unwrap();
    assert_eq!(
        frozen.results.iter().map(|r| (r.total, r.rank)).collect::<Vec<_>>(),
        a.results.iter().map(|r| (r.total, r.rank)).collect::<Vec<_>>()
    );

    // A 党风廉政 violation at 衡南县 in 2009: vetoed, lowest grade, last among the counties.
    let hn = op.org_by_code("HY-HN").await.unwrap();
    let mut v = Values::new();
    v.insert("ref_no".into(), Value::Text("2009-HN-T1".into()));
    v.insert("kind".into(), Value::Text("党风廉政".into()));
    v.insert("found_on".into(), Value::Date("2009-08-10".parse().unwrap()));
    v.insert("subject".into(), Value::Text("测试:某乡镇工会违规发放补贴".into()));
    v.insert("veto".into(), Value::Bool(true));
    op.create_record("violations", hn.id, v).await.unwrap();
    let (v2, changes) = op.publish_assessment(2009, hy.id).await.unwrap();
    assert_eq!(v2.version, 2);
    let (_, after) = op.published_assessment(2009, hy.id, 2).await.unwrap();
    let hn_after = result(&after, "HY-HN");
    assert!(hn_after.vetoed && hn_after.grade_zh == "不合格", "{label}: vetoed whatever the score");
    assert_eq!(hn_after.rank, 12, "ranked after every county without a veto");
    assert_eq!(hn_after.total, result(&a, "HY-HN").total, "the score itself stands");
    assert!(changes.iter().any(|c| c.name == hn.name && c.rank.1 == Some(12)), "{changes:?}");
    recount_totals_and_ranks(&after);

    // Version 1 stays as published; an altered snapshot is refused.
    let (_, still) = op.published_assessment(2009, hy.id, 1).await.unwrap();
    assert!(!result(&still, "HY-HN").vetoed);
    let conn = store.connection();
    let sql = "UPDATE assessments SET content = REPLACE(content, '不合格', '优秀') WHERE version = 2";
    conn.execute_raw(Statement::from_string(conn.get_database_backend(), sql.to_owned())).await.unwrap();
    assert!(matches!(op.published_assessment(2009, hy.id, 2).await, Err(StoreError::Corrupt(_))));
}
