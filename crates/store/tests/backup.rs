//! Backup and restore on both engines: a backup taken while writers keep writing restores into
//! SQLite and PostgreSQL alike; backup → restore → backup gives the same content; the restored
//! audit chain verifies; personal data stays sealed in the file (no ID number in clear); and a
//! truncated, altered, foreign-keyed or misplaced backup is refused with nothing changed.

#[allow(dead_code)] // the indicator tests use the rest
mod support;

use flate2::Compression;
use flate2::read::GzDecoder;
use flate2::write::GzEncoder;
use kaohe_domain::record::Value;
use kaohe_domain::{OrgId, Role};
use kaohe_store::crypto::AesProtector;
use kaohe_store::testing::{TestDb, fresh_databases, fresh_sqlite, resident_id};
use kaohe_store::{BackupKey, Store};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use support::{aid, d, member, open, org, user};

fn key() -> BackupKey {
    // The key `TestDb::store_with` seals personal data with.
    AesProtector::new(&[7; 32]).backup_key()
}

fn temp(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join("kaohe-tests");
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(format!("{name}-{}-{}.kbak", std::process::id(), rand_suffix()))
}

fn rand_suffix() -> u128 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos()
}

fn lines(path: &Path) -> Vec<String> {
    let mut s = String::new();
    GzDecoder::new(std::fs::File::open(path).unwrap()).read_to_string(&mut s).unwrap();
    s.lines().map(str::to_owned).collect()
}

/// A backup's content: every line but the header (time, source engine) and the trailer (its MAC
/// covers the header too).
fn content(path: &Path) -> Vec<String> {
    let l = lines(path);
    l[1..l.len() - 1].to_vec()
}

fn write_lines(path: &Path, lines: &[String]) {
    let mut gz = GzEncoder::new(std::fs::File::create(path).unwrap(), Compression::fast());
    for l in lines {
        writeln!(gz, "{l}").unwrap();
    }
    gz.finish().unwrap();
}

async fn count(store: &Store, table: &str) -> i64 {
    use sea_orm::{ConnectionTrait, Statement};
    let db = store.connection();
    let sql = format!("SELECT COUNT(*) FROM {table}");
    let row = db.query_one_raw(Statement::from_string(db.get_database_backend(), sql)).await.unwrap().unwrap();
    row.try_get_by_index::<i64>(0).unwrap()
}

/// A city and a county with members (ID numbers sealed), a user, history and audit rows.
async fn city(tdb: &TestDb) -> (Store, OrgId) {
    let store = open(tdb).await;
    let city = org(&store, "HY", None).await;
    let county = org(&store, "LY", Some(city)).await;
    let editor = user(&store, "ed", county, Role::Editor).await;
    let ed = store.scoped(editor);
    for seq in 0..40 {
        ed.create_record("members", county, member(seq, d(2009, 3, 1 + seq % 28))).await.unwrap();
    }
    // Money beyond 32 bits: 30,000,000 yuan is 3,000,000,000 fen.
    ed.create_record("aid", county, aid("HY-2009-001", "两节慰问", d(2009, 1, 20), 30_000_000, 12)).await.unwrap();
    (store, county)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn backups_move_between_engines_with_the_same_content() {
    let dbs = fresh_databases().await;
    for source in &dbs {
        let (store, county) = city(source).await;
        // Writers keep adding members while the backup runs: the backup still shows one moment.
        let writer = {
            let store = store.clone();
            let editor = store.login("ed", "Passw0rd-long").await.unwrap().unwrap().done().unwrap();
            tokio::spawn(async move {
                for seq in 100..160 {
                    store
                        .scoped(editor.clone())
                        .create_record("members", county, member(seq, d(2009, 5, 5)))
                        .await
                        .unwrap();
                }
            })
        };
        let first = temp("first");
        let summary = store.backup(&first, &key()).await.unwrap();
        writer.await.unwrap();
        // It holds password hashes and sealed personal data: the owner's file alone.
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(std::fs::metadata(&first).unwrap().permissions().mode() & 0o777, 0o600);
        let members = summary.tables["r_members"];
        assert!(members >= 40, "{:?}: {members}", source.backend);
        assert_eq!(summary.tables["orgs"], 2);
        assert!(
            lines(&first).iter().any(|l| l.contains("3000000000")),
            "the aid's amount, in fen, as a 64-bit integer"
        );

        // No ID number in clear anywhere in the file, though the members carry them.
        let text = lines(&first).join("\n");
        for seq in 0..160 {
            assert!(!text.contains(&resident_id(seq)), "{:?}: ID number {seq} in clear", source.backend);
        }
        assert!(text.contains("\"g1:"), "sealed values are copied as sealed");

        for target in fresh_databases().await {
            let restored = open(&target).await;
            let got = restored.restore(&first, &key(), false).await.unwrap();
            assert_eq!(got, summary, "{:?} → {:?}", source.backend, target.backend);
            // Consistent: the records, their history and the audit chain agree.
            assert_eq!(count(&restored, "r_members").await as u64, members);
            assert_eq!(
                count(&restored, "record_history").await as u64,
                summary.tables["record_history"],
                "{:?} → {:?}",
                source.backend,
                target.backend
            );
            let check = restored.verify_audit().await.unwrap();
            assert!(check.problems.is_empty(), "{:?} → {:?}: {:?}", source.backend, target.backend, check.problems);
            assert_eq!(check.rows as u64, summary.tables["audit_log"] + 1, "the restore itself is logged");
            // Backup → restore → backup: the same content, but for the restore's own audit row
            // and the chain's head that moved on to it.
            let second = temp("second");
            restored.backup(&second, &key()).await.unwrap();
            let (a, mut b) = (content(&first), content(&second));
            let restore_row = b.iter().position(|l| l.contains("\"import\",\"backup\"")).expect("restore logged");
            b.remove(restore_row);
            let differ: Vec<_> = (0..a.len().max(b.len())).filter(|&i| a.get(i) != b.get(i)).collect();
            let head = a.iter().position(|l| l.contains("\"table\":\"audit_head\"")).unwrap() + 1;
            assert_eq!(
                differ,
                vec![head],
                "{:?} → {:?}: {} vs {} lines; first difference {:?}",
                source.backend,
                target.backend,
                a.len(),
                b.len(),
                differ.first().map(|&i| (a.get(i), b.get(i)))
            );

            // Sealed data opens with the same key after the move.
            let reviewer = user(&restored, "rv", county, Role::Reviewer).await;
            let q = kaohe_store::RecordQuery { limit: 1, unmask: true, ..Default::default() };
            let rec = restored.scoped(reviewer).records("members", &q).await.unwrap().remove(0);
            let Value::Text(idn) = &rec.values["id_number"] else { panic!("no ID number") };
            assert!((0..160).any(|s| resident_id(s) == *idn), "{idn}");
            std::fs::remove_file(second).ok();
        }
        std::fs::remove_file(first).ok();
    }
}

#[tokio::test]
async fn damaged_or_foreign_backups_change_nothing() {
    let (store, _) = city(&fresh_sqlite()).await;
    let good = temp("good");
    store.backup(&good, &key()).await.unwrap();
    let all = lines(&good);

    for tdb in fresh_databases().await {
        let (target, _) = city(&tdb).await;
        let before = (count(&target, "r_members").await, count(&target, "audit_log").await);
        let refuse = |path: PathBuf, key: BackupKey, replace: bool, says: &'static str| {
            let target = target.clone();
            async move {
                let err = target.restore(&path, &key, replace).await.expect_err(says).to_string();
                assert!(err.contains(says), "{err}");
                std::fs::remove_file(path).ok();
            }
        };
        // Into a database that holds data, without --replace.
        std::fs::copy(&good, good.with_extension("copy")).unwrap();
        refuse(good.with_extension("copy"), key(), false, "already holds data").await;

        // Cut short: no trailer.
        let cut = temp("cut");
        write_lines(&cut, &all[..all.len() / 2]);
        refuse(cut, key(), true, "truncated").await;

        // Cut in the middle of the compressed stream.
        let bytes = std::fs::read(&good).unwrap();
        let raw = temp("raw");
        std::fs::write(&raw, &bytes[..bytes.len() * 2 / 3]).unwrap();
        refuse(raw, key(), true, "nothing was changed").await;

        // One value changed: the MAC no longer matches.
        let altered = temp("altered");
        let mut edited = all.clone();
        let row = edited.iter().position(|l| l.starts_with('[') && l.contains("LY")).unwrap();
        edited[row] = edited[row].replacen("LY", "LX", 1);
        write_lines(&altered, &edited);
        refuse(altered, key(), true, "altered").await;

        // Made under another master key.
        let foreign = temp("foreign");
        std::fs::copy(&good, &foreign).unwrap();
        refuse(foreign, AesProtector::new(&[8; 32]).backup_key(), true, "altered").await;

        // Not a backup at all.
        let junk = temp("junk");
        write_lines(&junk, &["hello".to_owned()]);
        refuse(junk, key(), true, "not a kaohe backup").await;

        let after = (count(&target, "r_members").await, count(&target, "audit_log").await);
        assert_eq!(before, after, "{:?}: a refused restore changes nothing", tdb.backend);

        // The good one, with --replace, replaces.
        target.restore(&good, &key(), true).await.unwrap();
        assert_eq!(count(&target, "r_members").await, count(&store, "r_members").await);
        assert!(target.verify_audit().await.unwrap().problems.is_empty());
    }
    std::fs::remove_file(good).ok();
}

#[tokio::test]
async fn a_refused_backup_leaves_no_file() {
    let (store, _) = city(&fresh_sqlite()).await;
    let path = temp("nowhere").join("missing-folder").join("b.kbak");
    assert!(store.backup(&path, &key()).await.is_err());
    assert!(!path.exists() && !path.with_extension("part").exists());
}
