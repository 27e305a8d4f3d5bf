//! Test harness: the real app on port 0 over a fresh database (one per engine), a fixed clock, and
//! HTTP clients that log in like a browser (cookies, CSRF token from the page) or with a token.
#![allow(dead_code)]

use chrono::Utc;
use kaohe_domain::{Actor, FixedClock, OrgId, OrgKind, Role, UserId};
use kaohe_store::testing::{TestDb, fresh_databases};
use kaohe_store::{NewOrg, NewUser, Store};
use std::sync::Arc;

pub const PASSWORD: &str = "Test-pass-2009";

pub struct TestApp {
    pub base: String,
    pub store: Store,
    pub clock: Arc<FixedClock>,
    pub db: TestDb,
}

/// Starts the app on every engine under test.
pub async fn spawn_apps() -> Vec<TestApp> {
    let mut apps = Vec::new();
    for db in fresh_databases().await {
        apps.push(spawn(db).await);
    }
    apps
}

pub async fn spawn(db: TestDb) -> TestApp {
    spawn_with_policy(db, kaohe_store::SecurityPolicy::default()).await
}

/// Starts the app under a security policy of the test's choosing.
pub async fn spawn_with_policy(db: TestDb, policy: kaohe_store::SecurityPolicy) -> TestApp {
    spawn_with(db, policy, |_| {}).await
}

/// Starts the app with the built-in pack's registries as `change` leaves them (a federation's
/// own rules).
pub async fn spawn_with(
    db: TestDb,
    policy: kaohe_store::SecurityPolicy,
    change: impl FnOnce(&mut Vec<kaohe_domain::registry::RegistryDef>),
) -> TestApp {
    let clock = Arc::new(FixedClock::new(Utc::now()));
    let mut pack = kaohe_packs::trade_union().expect("built-in pack");
    change(&mut pack.registries);
    let store = db
        .store_with(clock.clone(), pack.registries)
        .await
        .with_indicators(pack.indicators)
        .with_rulebooks(pack.rulebooks)
        .with_reports([pack.reports, vec![brief_template()]].concat())
        .with_calendar(pack.calendar)
        .with_files_dir(std::env::temp_dir().join("kaohe-tests").join(format!("files-{}", std::process::id())))
        .with_security_policy(policy);
    let app = kaohe_web::app(store.clone(), kaohe_web::WebConfig::default());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let app = app.into_make_service_with_connect_info::<std::net::SocketAddr>();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    TestApp { base, store, clock, db }
}

/// A short report template the tests' small data can fill (the pack's `annual` needs the whole
/// demo city).
pub fn brief_template() -> kaohe_domain::report::ReportTemplate {
    kaohe_domain::report::ReportTemplate {
        key: "brief".into(),
        file: "reports/brief.md.j2".into(),
        source: "# {{ year }}年简报\n\n新增会员{{ fig('new_members') }},{{ growth('new_members') }}。完成目标{{ completion('new_members') }}。\n\n>> {{ org }}\n>> {{ date_cn }}\n".into(),
    }
}

/// A browser-like client: keeps cookies, does not follow redirects.
pub fn client() -> reqwest::Client {
    reqwest::Client::builder().cookie_store(true).redirect(reqwest::redirect::Policy::none()).build().unwrap()
}

/// The CSRF token in a page (`name="_csrf" value="…"`).
pub fn csrf_in(html: &str) -> String {
    let at = html.find("name=\"_csrf\" value=\"").expect("page has a CSRF field") + 20;
    html[at..at + html[at..].find('"').unwrap()].to_owned()
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    /// Logs in through the login form; returns the client and the session's CSRF token.
    pub async fn login(&self, username: &str, password: &str) -> (reqwest::Client, reqwest::StatusCode, String) {
        let c = client();
        let page = c.get(self.url("/login")).send().await.unwrap().text().await.unwrap();
        let token = csrf_in(&page);
        let res = c
            .post(self.url("/login"))
            .form(&[("_csrf", token.as_str()), ("username", username), ("password", password)])
            .send()
            .await
            .unwrap();
        let status = res.status();
        let csrf = if status.is_redirection() {
            csrf_in(&c.get(self.url("/account")).send().await.unwrap().text().await.unwrap())
        } else {
            String::new()
        };
        (c, status, csrf)
    }

    pub fn op(&self) -> kaohe_store::Scoped<'_> {
        self.store.scoped(Actor::Operator)
    }

    pub async fn org(&self, code: &str, parent: Option<OrgId>, kind: OrgKind) -> OrgId {
        let new = NewOrg {
            code: code.into(),
            name: format!("{code}工会"),
            short_name: None,
            kind,
            parent_id: parent,
            sort_key: None,
            // Open long before the years the tests assess.
            opened_on: chrono::NaiveDate::from_ymd_opt(2000, 1, 1),
            groups: vec![],
        };
        self.op().create_org(new).await.unwrap().id
    }

    pub async fn user(&self, name: &str, org: OrgId, role: Role) -> UserId {
        let new =
            NewUser { username: name.into(), display_name: name.into(), org_id: org, role, password: PASSWORD.into() };
        self.op().create_user(new).await.unwrap().id
    }

    pub async fn token(&self, user: UserId) -> String {
        self.op().issue_token(user, "test").await.unwrap()
    }

    /// A count by plain SQL.
    pub async fn count(&self, sql: &str) -> i64 {
        use sea_orm::{ConnectionTrait, Statement};
        let db = self.store.connection();
        let row =
            db.query_one_raw(Statement::from_string(db.get_database_backend(), sql.to_owned())).await.unwrap().unwrap();
        row.try_get_by_index::<i64>(0).unwrap()
    }
}

#[allow(unused_imports)] // used by some test files, not all
pub use kaohe_store::testing::resident_id as id_number;

impl TestApp {
    /// `GET path` with a bearer token, as JSON.
    /// Adds member `n` (会员n) to `org`, joined on `joined`, through the API.
    pub async fn member(&self, token: &str, n: u32, org: OrgId, joined: &str) {
        let body = serde_json::json!({"org_id": org.0, "values": {"name": format!("会员{n}"), "id_number": id_number(n),
            "unit_name": "钢管集团", "joined_on": joined, "category": "职工"}});
        let res = reqwest::Client::new()
            .post(self.url("/api/v1/registries/members/records"))
            .bearer_auth(token)
            .json(&body)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 201, "{}", res.text().await.unwrap());
    }

    pub async fn get_json(&self, path: &str, token: &str) -> serde_json::Value {
        reqwest::Client::new().get(self.url(path)).bearer_auth(token).send().await.unwrap().json().await.unwrap()
    }

    /// Uploads a member CSV through the import page (a browser-like client with its CSRF token)
    /// as 确认导入 does, and waits for job 1 to finish; returns the job page.
    pub async fn import_job(&self, c: &reqwest::Client, csrf: &str, csv: String) -> String {
        let part = reqwest::multipart::Part::bytes(csv.into_bytes()).file_name("m.csv");
        let res = c
            .post(self.url("/registries/members/import"))
            .header("x-csrf-token", csrf)
            .multipart(reqwest::multipart::Form::new().part("file", part).text("confirm", "1"))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200);
        self.job_page(c, 1).await
    }

    /// Polls job `id`'s page until it stops showing progress; returns the last page.
    pub async fn job_page(&self, c: &reqwest::Client, id: u64) -> String {
        let mut html = String::new();
        for _ in 0..200 {
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
            html = c.get(self.url(&format!("/jobs/{id}"))).send().await.unwrap().text().await.unwrap();
            if !html.contains("<progress") {
                break;
            }
        }
        html
    }
}
