//! The engine's snapshot kept in files in the data folder: a restart reads matching files instead
//! of the database, with the same figures; a registry changed since (its counter moved) or a file
//! damaged on disk is read from the database again — on both engines.

#[allow(dead_code)] // the support module serves several test files; this one uses part of it
mod support;

use kaohe_domain::indicator::Period;
use kaohe_domain::record::Value;
use kaohe_domain::{Actor, OrgId};
use kaohe_store::testing::fresh_databases;
use support::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_restart_reads_matching_files_and_rereads_what_changed() {
    let pack = kaohe_packs::trade_union().unwrap();
    let inds = pack.indicators.all();
    let year = Period::year(2009);
    for tdb in fresh_databases().await {
        let dir = tempfile_dir();
        let with_files = |s: kaohe_store::Store| s.with_snapshot_dir(dir.clone());
        let store = with_files(open(&tdb).await);
        let city = org(&store, "HY", None).await;
        let ly: OrgId = org(&store, "LY", Some(city)).await;
        let op = store.scoped(Actor::Operator);
        let m = op.create_record("members", ly, member(2, d(2009, 3, 5))).await.unwrap();
        op.create_record("members", city, member(4, d(2009, 6, 1))).await.unwrap();
        op.create_record("units", ly, unit(d(2009, 4, 1), 120)).await.unwrap();
        let first = everywhere(&store, inds, &year).await;
        let (db, files) = store.snapshot_loads();
        assert!(db > 0 && files == 0, "the first load reads the database ({db}, {files})");
        assert!(std::fs::read_dir(&dir).unwrap().count() >= 2, "files written");

        // A restart: every table from its file, the same figures.
        let again = with_files(open(&tdb).await);
        assert_eq!(everywhere(&again, inds, &year).await, first);
        assert_eq!(again.snapshot_loads(), (0, db), "every table read from its file");

        // A change since: that registry is read from the database, the others from files.
        op.update_record("members", m, 1, ly, values([("joined_on", Value::Date(d(2008, 3, 5)))])).await.unwrap();
        let third = with_files(open(&tdb).await);
        let after = everywhere(&third, inds, &year).await;
        assert_ne!(after, first);
        assert_eq!(after, everywhere(&open(&tdb).await, inds, &year).await, "same as without files");
        assert_eq!(third.snapshot_loads(), (1, db - 1), "only members re-read");

        // A damaged file is not used.
        let unit_file = dir.join("snapshot-units.bin");
        let mut bytes = std::fs::read(&unit_file).unwrap();
        let n = bytes.len();
        bytes.truncate(n - 3);
        std::fs::write(&unit_file, bytes).unwrap();
        let fourth = with_files(open(&tdb).await);
        assert_eq!(everywhere(&fourth, inds, &year).await, after);
        assert_eq!(fourth.snapshot_loads().0, 1, "the damaged units file is replaced from the database");
        std::fs::remove_dir_all(&dir).ok();
    }
}

fn tempfile_dir() -> std::path::PathBuf {
    static N: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
    let n = N.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let dir = std::env::temp_dir().join(format!("kaohe-snapfiles-{}-{n}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}
