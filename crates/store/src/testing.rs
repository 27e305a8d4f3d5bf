//! Test support: a fresh database on each engine for one test. SQLite always; PostgreSQL when
//! `KAOHE_TEST_POSTGRES_URL` is set (each test gets its own database, so tests run in parallel).
//! Under `CI=true` a missing PostgreSQL is a failure, not a skip.

use crate::{Backend, SecurityPolicy, Store};
use kaohe_domain::Clock;
use sea_orm::{ConnectionTrait, Database};
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};

static COUNTER: AtomicU32 = AtomicU32::new(0);

/// A database made for one test.
#[derive(Debug, Clone)]
pub struct TestDb {
    pub backend: Backend,
    pub url: String,
}

impl TestDb {
    /// Opens and migrates a store on this database.
    pub async fn store(&self, clock: Arc<dyn Clock>) -> Store {
        Store::open(&self.url, clock, SecurityPolicy::default()).await.expect("open test store")
    }

    /// Opens a store with `registries` installed and a fixed test key sealing personal data.
    pub async fn store_with(
        &self,
        clock: Arc<dyn Clock>,
        registries: Vec<kaohe_domain::registry::RegistryDef>,
    ) -> Store {
        let protector = Arc::new(crate::crypto::AesProtector::new(&[7; 32]));
        self.store(clock).await.install(registries, protector).await.expect("install registries")
    }
}

fn unique_name() -> String {
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let nanos =
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.subsec_nanos()).unwrap_or(0);
    format!("kaohe_t_{}_{}_{}", std::process::id(), n, nanos)
}

/// The PostgreSQL URL for tests, if any; panics under CI when missing.
pub fn postgres_url() -> Option<String> {
    match std::env::var("KAOHE_TEST_POSTGRES_URL") {
        Ok(u) if !u.is_empty() => Some(u),
        _ if std::env::var("CI").is_ok_and(|v| v == "true") => {
            panic!("CI=true but KAOHE_TEST_POSTGRES_URL is not set: PostgreSQL tests may not be skipped in CI")
        }
        _ => None,
    }
}

/// A fresh, empty SQLite database file in the temp folder.
pub fn fresh_sqlite() -> TestDb {
    let dir = std::env::temp_dir().join("kaohe-tests");
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join(format!("{}.db", unique_name()));
    TestDb { backend: Backend::Sqlite, url: format!("sqlite://{}?mode=rwc", path.display()) }
}

/// A fresh, empty PostgreSQL database made from `base_url`'s server.
pub async fn fresh_postgres(base_url: &str) -> TestDb {
    let name = unique_name();
    let admin = Database::connect(base_url).await.expect("connect to KAOHE_TEST_POSTGRES_URL");
    admin.execute_unprepared(&format!("CREATE DATABASE {name}")).await.expect("create test database");
    admin.close().await.ok();
    let (head, _) = base_url.rsplit_once('/').expect("postgres URL has a database part");
    TestDb { backend: Backend::Postgres, url: format!("{head}/{name}") }
}

/// One fresh database per engine under test: SQLite, and PostgreSQL when configured.
pub async fn fresh_databases() -> Vec<TestDb> {
    let mut out = vec![fresh_sqlite()];
    if let Some(pg) = postgres_url() {
        out.push(fresh_postgres(&pg).await);
    }
    out
}

/// A valid resident ID number (GB 11643 checksum) for test member `seq` (0–999), born 1985-01-01
/// in 衡阳市 (430402).
pub fn resident_id(seq: u32) -> String {
    resident_id_born("19850101", seq)
}

/// Valid unified social credit code `seq` (GB 32100, its organisation code valid by GB 11714).
pub fn credit_code(seq: u32) -> String {
    const CHARS: &[u8; 31] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";
    const W: [u32; 17] = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
    const OW: [u32; 8] = [3, 7, 9, 10, 5, 8, 4, 2];
    let org = format!("{seq:08}");
    let oc = match 11 - org.bytes().zip(OW).map(|(b, w)| u32::from(b - b'0') * w).sum::<u32>() % 11 {
        10 => 'X',
        11 => '0',
        c => char::from(b'0' + c as u8),
    };
    let body = format!("91430400{org}{oc}");
    let value = |b: u8| CHARS.iter().position(|c| *c == b).unwrap_or(0) as u32;
    let sum: u32 = body.bytes().zip(W).map(|(b, w)| value(b) * w).sum();
    format!("{body}{}", CHARS[((31 - sum % 31) % 31) as usize] as char)
}

/// A valid ID number of someone born on `born` (`YYYYMMDD`), `seq` the order code.
pub fn resident_id_born(born: &str, seq: u32) -> String {
    let body = format!("430402{born}{:03}", seq % 1000);
    let w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    let s: u32 = body.chars().zip(w).map(|(c, w)| c.to_digit(10).unwrap_or(0) * w).sum();
    format!("{body}{}", ['1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2'][(s % 11) as usize])
}

/// Whether `text` holds a valid ID number: 17 digits and a check character that pass GB 11643
/// (region, birth date, checksum), so org paths, digests and timestamps are not mistaken for one.
pub fn has_id_shape(text: &str) -> bool {
    let b = text.as_bytes();
    b.windows(18).any(|w| {
        w[..17].iter().all(u8::is_ascii_digit)
            && (w[17].is_ascii_digit() || w[17] == b'X' || w[17] == b'x')
            && std::str::from_utf8(w).is_ok_and(|s| kaohe_domain::values::ResidentId::parse(s).is_ok())
    })
}
