//! `kaohe calendar add` and `count` as a user runs them: ISO dates in, a date or a number out,
//! a note on stderr beyond the known years, a clear error for a bad date, and a year added as a
//! file in the data folder.

use std::process::Command;

fn kaohe(data: &std::path::Path, args: &[&str]) -> (bool, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_kaohe")).arg("--data-dir").arg(data).args(args).output().unwrap();
    (out.status.success(), String::from_utf8(out.stdout).unwrap(), String::from_utf8(out.stderr).unwrap())
}

#[test]
fn working_days_from_the_command_line() {
    let data = std::env::temp_dir().join(format!("kaohe-cal-cli-{}", std::process::id()));
    std::fs::create_dir_all(&data).unwrap();
    // 2025's National Day and Mid-Autumn break: 1–8 October off, 28 September and 11 October worked.
    assert_eq!(kaohe(&data, &["calendar", "add", "2025-09-30", "1"]).1, "2025-10-09\n");
    assert_eq!(kaohe(&data, &["calendar", "add", "2025-09-30", "3"]).1, "2025-10-11\n");
    assert_eq!(kaohe(&data, &["calendar", "add", "2025-10-09", "-1"]).1, "2025-09-30\n");
    assert_eq!(kaohe(&data, &["calendar", "count", "2025-09-26", "2025-10-12"]).1, "6\n");
    let (ok, out, err) = kaohe(&data, &["calendar", "add", "2027-09-30", "1"]);
    assert!(ok && out == "2027-10-01\n" && err.contains("no holiday notice for 2027"), "{out} {err}");
    let (ok, _, err) = kaohe(&data, &["calendar", "add", "2025-02-30", "1"]);
    assert!(!ok && err.contains("2025-02-30"), "{err}");

    std::fs::create_dir_all(data.join("calendars")).unwrap();
    std::fs::write(
        data.join("calendars/2027.toml"),
        "year = 2027\nnotice = \"测试\"\n\n[[holidays]]\nname = \"国庆节\"\noff = \"2027-10-01..2027-10-07\"\nwork = []\n",
    )
    .unwrap();
    let (ok, out, err) = kaohe(&data, &["calendar", "add", "2027-09-30", "1"]);
    assert!(ok && out == "2027-10-08\n" && err.is_empty(), "{out} {err}");
    std::fs::remove_dir_all(&data).unwrap();
}
