//! Dates and values that would drop a record out of the year's figures without a word are refused
//! at import, located, on both engines — as CSV and as the XLSX LibreOffice writes from it: a
//! joining date past the field's range, a birth date in the future inside an ID number, leaving
//! before joining, joining before birth, 已建工会=否 with a founding date, more women than
//! employees. A federation's pack may make a rule a warning: the row is imported and the finding
//! listed. A refused file writes nothing.

mod support;

use kaohe_domain::Actor;
use kaohe_exchange::{ExportFormat, ImportFailure, ImportOptions, ImportOutcome, export, import};
use kaohe_sheets::{Limits, read, write_csv};
use kaohe_store::testing::{TestDb, credit_code, fresh_databases, resident_id, resident_id_born};
use kaohe_store::{Scoped, Store};
use std::process::Command;

async fn setup(db: &TestDb, warn_on_leaving: bool) -> Store {
    let mut registries = kaohe_packs::trade_union().unwrap().registries;
    if warn_on_leaving {
        // A federation whose pack says `warning = true` on the leaving-before-joining rule.
        let members = registries.iter_mut().find(|r| r.key == "members").unwrap();
        members.checks.iter_mut().filter(|c| c.field == "left_on").for_each(|c| c.warning = true);
    }
    support::qingzhou(db, Some(registries)).await
}

fn csv(header: &[&str], rows: &[Vec<String>]) -> Vec<u8> {
    write_csv(&header.iter().map(|h| (*h).to_owned()).collect::<Vec<_>>(), rows)
}

const MEMBERS: [&str; 7] = ["所属组织", "姓名", "公民身份号码", "工作单位", "入会日期", "会员类别", "离会日期"];

fn member(id: String, joined: &str, left: &str) -> Vec<String> {
    ["QZ", "会员", &id, "清州机械厂", joined, "职工", left].map(str::to_owned).to_vec()
}

async fn run(op: &Scoped<'_>, key: &str, bytes: &[u8], name: &str) -> Result<ImportOutcome, ImportFailure> {
    import(op, key, bytes, name, &ImportOptions::default(), &|_| {}).await
}

/// (row, column, message) of every error.
fn located(f: &ImportFailure) -> Vec<(usize, String, String)> {
    f.errors.iter().map(|e| (e.row, e.column.clone(), e.message_zh.clone())).collect()
}

async fn count(op: &Scoped<'_>, key: &str) -> usize {
    let bytes = export(op, key, None, false, ExportFormat::Csv).await.unwrap();
    read(&bytes, "e.csv", &Limits::default()).unwrap().rows.len() - 1
}

/// The same file as LibreOffice Calc saves it as XLSX (dates become date cells, numbers numbers;
/// column C, the ID numbers, formatted as text as a clerk must), when LibreOffice is installed
/// (CI installs it; elsewhere the XLSX half is skipped).
fn libreoffice_xlsx(csv: &[u8], dir: &std::path::Path) -> Option<Vec<u8>> {
    if Command::new("soffice").arg("--version").output().map_or(true, |o| !o.status.success()) {
        assert!(std::env::var("CI").as_deref() != Ok("true"), "CI=true: soffice must be installed");
        return None;
    }
    std::fs::create_dir_all(dir).unwrap();
    std::fs::write(dir.join("m.csv"), csv).unwrap();
    let profile = format!("-env:UserInstallation=file://{}", dir.join("profile").display());
    // CSV filter: comma, double quote, UTF-8 (76), from line 1, column 3 as text (2).
    let out = Command::new("soffice")
        .args([profile.as_str(), "--headless", "--infilter=CSV:44,34,76,1,3/2", "--convert-to", "xlsx", "--outdir"])
        .arg(dir)
        .arg(dir.join("m.csv"))
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    Some(std::fs::read(dir.join("m.xlsx")).unwrap())
}

#[tokio::test]
async fn implausible_dates_and_contradictions_are_refused_where_they_are() {
    for db in fresh_databases().await {
        let store = setup(&db, false).await;
        let op = store.scoped(Actor::Operator);
        let rows = vec![
            member(resident_id(1), "2030-05-01", ""),
            member(resident_id(2), "2009-05-01", "2009-03-01"),
            member(resident_id_born("20300101", 3), "2009-05-01", ""),
            member(resident_id(4), "1980-01-01", ""),
            member(resident_id(5), "1924-06-30", ""),
            member(resident_id(6), "2009-04-01", "2009-09-30"),
        ];
        let bytes = csv(&MEMBERS, &rows);
        let dir = std::env::temp_dir().join(format!("kaohe-plausible-{}-{:?}", std::process::id(), db.backend));
        let mut files = vec![(bytes.clone(), "m.csv")];
        files.extend(libreoffice_xlsx(&bytes, &dir).map(|x| (x, "m.xlsx")));
        for (bytes, name) in &files {
            let m = located(&run(&op, "members", bytes, name).await.unwrap_err());
            let at = |row: usize| m.iter().find(|e| e.0 == row).unwrap_or_else(|| panic!("{name} row {row}: {m:?}"));
            assert_eq!(m.len(), 5, "{name}: {m:?}");
            assert_eq!(at(2).1, "E 入会日期");
            assert!(at(2).2.contains("2030-05-01晚于2010-12-31"), "{name}: {m:?}");
            assert_eq!((at(3).1.as_str(), at(3).2.as_str()), ("G 离会日期", "离会日期早于入会日期"));
            // The birth date inside the ID number: said at the ID's column.
            assert_eq!(at(4).1, "C 公民身份号码");
            assert!(at(4).2.contains("2030-01-01晚于2009-12-31"), "{name}: {m:?}");
            assert_eq!((at(5).1.as_str(), at(5).2.as_str()), ("E 入会日期", "入会日期不晚于身份证号中的出生日期"));
            assert!(at(6).2.contains("1924-06-30早于1925-01-01"), "{name}: {m:?}");
            assert_eq!(count(&op, "members").await, 0, "{name}: a refused file writes nothing");
        }
        // The one good row alone imports.
        let good = csv(&MEMBERS, &rows[5..]);
        assert_eq!(run(&op, "members", &good, "m.csv").await.unwrap().report.created, 1);

        // Units: a founding date though 已建工会 is 否; more women than employees.
        let header = [
            "所属组织",
            "单位名称",
            "统一社会信用代码",
            "经济类型",
            "单位类别",
            "职工人数",
            "女职工人数",
            "已建工会",
            "工会成立日期",
        ];
        let unit = |n: u32, women: &str, has: &str, on: &str| {
            ["QZ", "清州机械厂", &credit_code(n), "国有", "企业", "100", women, has, on].map(str::to_owned).to_vec()
        };
        let bytes = csv(
            &header,
            &[unit(1, "40", "否", "2009-03-01"), unit(2, "120", "是", "2009-03-01"), unit(3, "40", "是", "2009-03-01")],
        );
        let m = located(&run(&op, "units", &bytes, "u.csv").await.unwrap_err());
        assert_eq!(m.len(), 2, "{m:?}");
        assert_eq!(m[0], (2, "I 工会成立日期".into(), "“已建工会”为否,不应填写工会成立日期".into()));
        assert_eq!(m[1], (3, "G 女职工人数".into(), "女职工人数多于职工人数".into()));
        assert_eq!(count(&op, "units").await, 0);
    }
}

#[tokio::test]
async fn a_rule_the_pack_makes_a_warning_imports_and_is_listed() {
    for db in fresh_databases().await {
        let store = setup(&db, true).await;
        let op = store.scoped(Actor::Operator);
        let bytes = csv(
            &MEMBERS,
            &[member(resident_id(2), "2009-05-01", "2009-03-01"), member(resident_id(7), "2009-05-01", "")],
        );
        let o = run(&op, "members", &bytes, "m.csv").await.unwrap();
        assert_eq!(o.report.created, 2);
        assert_eq!(o.warnings.len(), 1, "{:?}", o.warnings);
        let w = &o.warnings[0];
        assert_eq!(
            (w.row, w.column.as_str(), w.value.as_str(), w.message_zh.as_str()),
            (2, "G 离会日期", "2009-03-01", "离会日期早于入会日期")
        );
        assert!(o.summary(false).contains("另有1处提示"), "{}", o.summary(false));
        assert_eq!(count(&op, "members").await, 2);
        // Other rules stay errors.
        let bytes = csv(&MEMBERS, &[member(resident_id(8), "2030-05-01", "")]);
        assert!(run(&op, "members", &bytes, "m.csv").await.is_err());
    }
}
