//! Plain-SQL recounting over the registry tables (`r_<registry>`, columns `f_<field>`, live rows
//! have `deleted_at IS NULL`), limited to one org's subtree by its materialised path.

pub mod assessment;
pub mod indicators;
pub mod report;

use chrono::NaiveDate;
use kaohe_domain::OrgPath;
use kaohe_store::Store;
use sea_orm::{ConnectionTrait, DatabaseConnection, Statement};

/// The year 2009, as SQL conditions on a date column.
pub fn in_2009(col: &str) -> String {
    format!("f_{col} BETWEEN '2009-01-01' AND '2009-12-31'")
}

/// The same for 2008.
pub fn in_2008(col: &str) -> String {
    format!("f_{col} BETWEEN '2008-01-01' AND '2008-12-31'")
}

/// Plain SQL over one org's subtree.
pub struct Recount<'a> {
    conn: &'a DatabaseConnection,
    scope: String,
}

impl<'a> Recount<'a> {
    /// Recounts within the subtree of the org with `code`.
    pub async fn new(store: &'a Store, code: &str) -> Self {
        let conn = store.connection();
        let path: String = Self::raw(conn, &format!("SELECT path FROM orgs WHERE code = '{code}'"))
            .await
            .first()
            .and_then(|r| r.try_get_by_index(0).ok())
            .expect("org path");
        let succ = OrgPath::from_stored(path.clone()).successor();
        let scope = format!("org_id IN (SELECT id FROM orgs WHERE path >= '{path}' AND path < '{succ}')");
        Self { conn, scope }
    }

    async fn raw(conn: &DatabaseConnection, sql: &str) -> Vec<sea_orm::QueryResult> {
        conn.query_all_raw(Statement::from_string(conn.get_database_backend(), sql.to_owned()))
            .await
            .unwrap_or_else(|e| panic!("{sql}: {e}"))
    }

    /// One integer from a query.
    pub async fn one(&self, sql: &str) -> i64 {
        let rows = Self::raw(self.conn, sql).await;
        rows.first().and_then(|r| r.try_get_by_index::<i64>(0).ok()).unwrap_or_else(|| panic!("no integer from {sql}"))
    }

    fn from(&self, table: &str, cond: &str) -> String {
        format!("FROM r_{table} WHERE deleted_at IS NULL AND {} AND ({cond})", self.scope)
    }

    /// How many live records of `table` in the scope meet `cond`.
    pub async fn count(&self, table: &str, cond: &str) -> i64 {
        self.one(&format!("SELECT COUNT(*) {}", self.from(table, cond))).await
    }

    /// The sum of field `col` over the records meeting `cond` (money in fen).
    pub async fn sum(&self, table: &str, col: &str, cond: &str) -> i64 {
        self.one(&format!("SELECT CAST(COALESCE(SUM(f_{col}), 0) AS BIGINT) {}", self.from(table, cond))).await
    }

    /// The distinct values of text field `col` over the records meeting `cond`, sorted.
    pub async fn texts(&self, table: &str, col: &str, cond: &str) -> Vec<String> {
        let sql = format!("SELECT DISTINCT f_{col} {}", self.from(table, cond));
        let mut out: Vec<String> =
            Self::raw(self.conn, &sql).await.iter().filter_map(|r| r.try_get_by_index::<String>(0).ok()).collect();
        out.sort();
        out
    }

    /// Pairs of dates (as text) and an integer, for checks SQL cannot make portably.
    pub async fn date_rows(
        &self,
        table: &str,
        cols: [&str; 3],
        cond: &str,
    ) -> Vec<(NaiveDate, Option<NaiveDate>, i64)> {
        let sql = format!(
            "SELECT CAST(f_{} AS TEXT), CAST(f_{} AS TEXT), f_{} {}",
            cols[0],
            cols[1],
            cols[2],
            self.from(table, cond)
        );
        let date =
            |s: Option<String>| s.and_then(|s| NaiveDate::parse_from_str(&s[..10.min(s.len())], "%Y-%m-%d").ok());
        Self::raw(self.conn, &sql)
            .await
            .iter()
            .map(|r| {
                let a = date(r.try_get_by_index::<Option<String>>(0).ok().flatten()).expect("a date");
                let b = date(r.try_get_by_index::<Option<String>>(1).ok().flatten());
                (a, b, r.try_get_by_index::<i64>(2).unwrap_or_default())
            })
            .collect()
    }
}

/// Working days after `from` up to and including `to` on the pack's holiday calendar (the State
/// Council's notices, adjusted weekends worked), counted day by day.
pub fn working_days(from: NaiveDate, to: NaiveDate) -> i64 {
    use kaohe_domain::calendar::WorkCalendar;
    static CAL: std::sync::OnceLock<kaohe_domain::calendar::HolidayCalendar> = std::sync::OnceLock::new();
    let cal = CAL.get_or_init(|| kaohe_packs::trade_union().expect("pack").calendar);
    from.iter_days().skip(1).take_while(|d| *d <= to).filter(|d| cal.is_working_day(*d)).count() as i64
}

/// A ratio as a percentage rounded to `places` decimals.
pub fn percent(num: i64, den: i64, places: i32) -> f64 {
    let p = 10f64.powi(places);
    (num as f64 / den as f64 * 100.0 * p).round() / p
}

/// The value of a manual indicator in the approved 2009 submission of a department of 衡阳市总工会
/// (its figures are the city federation's), read with plain SQL.
pub async fn approved_value(store: &Store, key: &str) -> kaohe_domain::indicator::Number {
    let conn = store.connection();
    let sql = "SELECT s.values_json FROM submissions s JOIN orgs o ON o.id = s.org_id \
               WHERE s.year = 2009 AND s.state = 'approved' AND o.kind = 'department' \
               AND o.parent_id = (SELECT id FROM orgs WHERE code = 'HY')";
    let rows = Recount::raw(conn, sql).await;
    let mut found = Vec::new();
    for r in rows {
        let json: String = r.try_get_by_index(0).unwrap();
        let map: std::collections::BTreeMap<String, String> = serde_json::from_str(&json).unwrap();
        if let Some(v) = map.get(key) {
            let (n, d) = v
                .split_once('/')
                .map_or_else(|| (v.parse().unwrap(), 1), |(a, b)| (a.parse().unwrap(), b.parse().unwrap()));
            found.push(kaohe_domain::indicator::Number::new(n, d).unwrap());
        }
    }
    assert_eq!(found.len(), 1, "{key}: one approved value");
    found[0]
}
