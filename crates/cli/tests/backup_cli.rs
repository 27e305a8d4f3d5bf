//! `kaohe backup` and `kaohe restore` as an operator runs them: a backup taken while `kaohe serve`
//! runs on the same SQLite file, restored into a new SQLite data folder and into PostgreSQL (the
//! master key carried over), each restored database verifying its audit chain and giving the
//! same backup content again; a damaged file refused with a clear message and exit status.

use flate2::read::GzDecoder;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

fn kaohe(data: &Path, db: &str, key: &str, args: &[&str]) -> (bool, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_kaohe"))
        .arg("--data-dir")
        .arg(data)
        .args(args)
        .env("KAOHE_DATABASE_URL", db)
        .env("KAOHE_MASTER_KEY", key)
        .output()
        .unwrap();
    (out.status.success(), String::from_utf8(out.stdout).unwrap(), String::from_utf8(out.stderr).unwrap())
}

fn folder(name: &str) -> PathBuf {
    let p = std::env::temp_dir().join(format!("kaohe-backup-cli-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&p);
    std::fs::create_dir_all(&p).unwrap();
    p
}

/// The backup's lines but the header and trailer (which carry the time, the engine and the MAC).
fn content(path: &Path) -> Vec<String> {
    let mut s = String::new();
    GzDecoder::new(std::fs::File::open(path).unwrap()).read_to_string(&mut s).unwrap();
    let lines: Vec<String> = s.lines().map(str::to_owned).collect();
    lines[1..lines.len() - 1].to_vec()
}

struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        self.0.kill().ok();
        self.0.wait().ok();
    }
}

fn serve(data: &Path, key: &str) -> Server {
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let child = Command::new(env!("CARGO_BIN_EXE_kaohe"))
        .arg("--data-dir")
        .arg(data)
        .args(["serve", "--demo", "--demo-orgs-only", "--bind", &format!("127.0.0.1:{port}")])
        .env("KAOHE_DATABASE_URL", "")
        .env("KAOHE_MASTER_KEY", key)
        .env("KAOHE_DEMO_PASSWORD", "Demo-pass-2009")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let server = Server(child);
    for _ in 0..600 {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return server;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    panic!("kaohe serve did not start");
}

#[test]
fn back_up_while_serving_and_restore_on_either_engine() {
    let key = "ab".repeat(32);
    let source = folder("source");
    let file = source.join("city.kbak");
    {
        let _server = serve(&source, &key);
        let (ok, out, err) = kaohe(&source, "", &key, &["backup", "-o", file.to_str().unwrap()]);
        assert!(ok && out.contains("backed up to"), "{out} {err}");
    }
    let first = content(&file);
    assert!(first.iter().any(|l| l.contains("衡阳市总工会")), "the demo city's orgs are in the backup");

    let (ok, out, err) = kaohe(&source, "", &key, &["restore", "--check", file.to_str().unwrap()]);
    assert!(ok && out.contains("the backup is sound"), "{out} {err}");

    let mut targets = vec![("sqlite", folder("sqlite"), String::new())];
    if let Some(pg) = kaohe_store::testing::postgres_url() {
        let url = tokio::runtime::Runtime::new().unwrap().block_on(kaohe_store::testing::fresh_postgres(&pg)).url;
        targets.push(("postgres", folder("postgres"), url));
    }
    for (engine, data, url) in targets {
        let f = file.to_str().unwrap();
        let (ok, out, err) = kaohe(&data, &url, &key, &["restore", f]);
        assert!(ok && out.contains("restored:"), "{engine}: {out} {err}");
        // Restoring again over the data needs --replace.
        let (ok, _, err) = kaohe(&data, &url, &key, &["restore", f]);
        assert!(!ok && err.contains("--replace"), "{engine}: {err}");
        let (ok, out, err) = kaohe(&data, &url, &key, &["audit", "verify"]);
        assert!(ok && out.contains("the audit log is intact"), "{engine}: {out} {err}");
        let again = data.join("again.kbak");
        let (ok, _, err) = kaohe(&data, &url, &key, &["backup", "-o", again.to_str().unwrap()]);
        assert!(ok, "{engine}: {err}");
        // The same rows but the restore's own audit row and the chain head that moved to it.
        let second = content(&again);
        assert_eq!(second.len(), first.len() + 1, "{engine}");
        let differ = first
            .iter()
            .zip(second.iter().filter(|l| !l.contains("\"import\",\"backup\"")))
            .filter(|(a, b)| a != b)
            .count();
        assert_eq!(differ, 1, "{engine}: only audit_head differs");

        // Under another master key the backup is refused.
        let (ok, _, err) = kaohe(&data, &url, &"cd".repeat(32), &["restore", "--replace", f]);
        assert!(!ok && err.contains("master key"), "{engine}: {err}");
    }

    // A damaged file: refused, with what and where.
    let bytes = std::fs::read(&file).unwrap();
    let cut = source.join("cut.kbak");
    std::fs::write(&cut, &bytes[..bytes.len() / 2]).unwrap();
    let (ok, _, err) = kaohe(&folder("cut"), "", &key, &["restore", cut.to_str().unwrap()]);
    assert!(!ok && err.contains("nothing was changed"), "{err}");
}
