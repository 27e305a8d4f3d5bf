//! Every column of an import file is mapped or reported, on both engines: an unknown column is an
//! error (with a did-you-mean) unless the user leaves it out; a repeated column is an error; the
//! pack's aliases (身份证号码, 离会时间) map; the header is found below title rows (or where the
//! user says); a 性别 column contradicting the ID number is an error; a number-only date that is
//! a year is refused naming both readings, a year and month is the month's first day. Nothing is
//! written by a refused file, and no figure changes silently.

mod support;

use kaohe_domain::Actor;
use kaohe_exchange::{ColumnOptions, ExportFormat, ImportFailure, ImportOptions, ImportOutcome, export, import};
use kaohe_sheets::{Cell, Limits, read, write_csv};
use kaohe_store::testing::{fresh_databases, resident_id as id_number};
use kaohe_store::{Scoped, Store};

async fn setup(db: &kaohe_store::testing::TestDb) -> Store {
    support::qingzhou(db, None).await
}

/// A CSV file: a title row above the header when `title` is given.
fn file(title: Option<&str>, header: &[&str], rows: &[Vec<String>]) -> Vec<u8> {
    let header: Vec<String> = header.iter().map(|h| (*h).to_owned()).collect();
    let mut all = Vec::new();
    if let Some(t) = title {
        let mut first = vec![t.to_owned()];
        first.resize(header.len(), String::new());
        all.push(first);
        all.push(header.clone());
        all.extend(rows.iter().cloned());
        let (head, rest) = all.split_first().unwrap();
        return write_csv(head, rest);
    }
    write_csv(&header, rows)
}

fn member(n: u32, joined: &str, extra: &[&str]) -> Vec<String> {
    let mut r = vec!["QZ".into(), format!("会员{n}"), id_number(n), "清州机械厂".into(), joined.into(), "职工".into()];
    r.extend(extra.iter().map(|s| (*s).to_owned()));
    r
}

const BASE: [&str; 6] = ["所属组织", "姓名", "公民身份号码", "工作单位", "入会日期", "会员类别"];

fn with(extra: &[&'static str]) -> Vec<&'static str> {
    BASE.iter().copied().chain(extra.iter().copied()).collect()
}

async fn run(op: &Scoped<'_>, bytes: &[u8], columns: ColumnOptions) -> Result<ImportOutcome, ImportFailure> {
    let options = ImportOptions { columns, ..Default::default() };
    import(op, "members", bytes, "m.csv", &options, &|_| {}).await
}

fn messages(f: &ImportFailure) -> Vec<(usize, String, String)> {
    f.errors.iter().map(|e| (e.row, e.column.clone(), e.message_zh.clone())).collect()
}

async fn members(op: &Scoped<'_>) -> Vec<Vec<String>> {
    let bytes = export(op, "members", None, false, ExportFormat::Csv).await.unwrap();
    let t = read(&bytes, "e.csv", &Limits::default()).unwrap();
    t.rows.iter().map(|r| r.cells.iter().map(Cell::as_text).collect()).collect()
}

#[tokio::test]
async fn every_column_is_mapped_or_reported() {
    for db in fresh_databases().await {
        let store = setup(&db).await;
        let op = store.scoped(Actor::Operator);

        // A column kaohe does not know: refused, located, with a did-you-mean; nothing written.
        let bytes = file(None, &with(&["离会日", "备注"]), &[member(1, "2009-03-05", &["2009-06-30", "调出"])]);
        let f = run(&op, &bytes, ColumnOptions::default()).await.unwrap_err();
        let m = messages(&f);
        assert_eq!(m.len(), 2, "{m:?}");
        assert_eq!((m[0].0, m[0].1.as_str()), (1, "G 离会日"));
        assert!(m[0].2.contains("不认识的列“离会日”(是否指“离会日期”?)"), "{m:?}");
        assert!(m[1].2.contains("不认识的列“备注”:") && !m[1].2.contains("是否指"), "{m:?}");
        assert_eq!(members(&op).await.len(), 1, "only the export's header: nothing written");
        // Left out at her choice (each named), the rest imports; the summary says what was left out.
        let columns = ColumnOptions { ignore: vec!["备注".into(), "离会日".into()], ..Default::default() };
        let o = run(&op, &bytes, columns).await.unwrap();
        assert_eq!(o.report.created, 1);
        assert!(o.summary(false).contains("已忽略的列:离会日、备注"), "{}", o.summary(false));
        assert!(o.summary(true).contains("Columns left out: 离会日, 备注"), "{}", o.summary(true));

        // The pack's aliases: 身份证号码 and 离会时间 are the columns they stand for; the member who
        // left in June is stored as having left.
        let header = ["所属组织", "姓名", "身份证号码", "工作单位", "入会时间", "会员类别", "离会时间"];
        let bytes = file(None, &header, &[member(1, "2009-03-05", &["2009-06-30"])]);
        let o = run(&op, &bytes, ColumnOptions::default()).await.unwrap();
        assert_eq!((o.report.updated, o.header_row), (1, 1));
        let rows = members(&op).await;
        let left = rows[0].iter().position(|h| h == "离会日期").unwrap();
        assert_eq!(rows[1][left], "2009-06-30");

        // A column given twice: refused naming both letters.
        let bytes = file(None, &with(&["姓名"]), &[member(2, "2009-03-05", &["别名"])]);
        let m = messages(&run(&op, &bytes, ColumnOptions::default()).await.unwrap_err());
        assert_eq!(m.len(), 1, "{m:?}");
        assert!(m[0].2.contains("“姓名”列重复:B列和G列都是它"), "{m:?}");

        // A required column under a header kaohe cannot place: the missing column says which
        // header may be it.
        let header = ["所属组织", "姓名", "公民身份号", "工作单位", "入会日期", "会员类别"];
        let m = messages(&run(&op, &file(None, &header, &[]), ColumnOptions::default()).await.unwrap_err());
        assert!(m.iter().any(|e| e.2.contains("不认识的列“公民身份号”(是否指“公民身份号码”?)")), "{m:?}");
        assert!(m.iter().any(|e| e.2.contains("缺少必填列“公民身份号码”(“公民身份号”是不是这一列?")), "{m:?}");

        // Title rows above the header: found (row 3), said in the summary; or given by the user.
        let title = "清州市总工会2009年会员名册";
        let mut bytes = file(Some(title), &BASE, &[member(3, "2009-04-01", &[])]);
        let mut text = String::from_utf8(bytes.clone()).unwrap();
        text.insert_str(0, "填报单位:清州市总工会,,,,,\n");
        bytes = text.into_bytes();
        let o = run(&op, &bytes, ColumnOptions::default()).await.unwrap();
        assert_eq!((o.header_row, o.report.created), (3, 1));
        assert!(o.summary(false).contains("表头在第3行"), "{}", o.summary(false));
        let wrong = ColumnOptions { header_row: Some(1), ..Default::default() };
        let m = messages(&run(&op, &bytes, wrong).await.unwrap_err());
        assert!(m.iter().any(|e| e.2.contains("缺少必填列")), "the header where she said: {m:?}");
        let gone = ColumnOptions { header_row: Some(40), ..Default::default() };
        let m = messages(&run(&op, &bytes, gone).await.unwrap_err());
        assert!(m[0].2.contains("第40行不存在"), "{m:?}");
        let junk = file(Some("说明"), &["甲", "乙"], &[vec!["1".into(), "2".into()]]);
        let m = messages(&run(&op, &junk, ColumnOptions::default()).await.unwrap_err());
        assert!(m.len() == 1 && m[0].2.contains("没有找到表头"), "{m:?}");

        // 性别 against the ID number (4 is a woman's): a contradiction is refused; agreeing, fine.
        let bytes = file(None, &with(&["性别"]), &[member(4, "2009-05-01", &["男"])]);
        let m = messages(&run(&op, &bytes, ColumnOptions::default()).await.unwrap_err());
        assert_eq!(m.len(), 1, "{m:?}");
        assert_eq!(m[0].1, "G 性别");
        assert!(m[0].2.contains("性别“男”与公民身份号码不符:按公民身份号码应为“女”"), "{m:?}");
        let bytes = file(None, &with(&["性别"]), &[member(4, "2009-05-01", &["女"])]);
        assert_eq!(run(&op, &bytes, ColumnOptions::default()).await.unwrap().report.created, 1);

        // Number-only dates: a year is refused naming both readings; a year and month is the
        // month's first day where the field takes months (入会日期 does, by the pack).
        let bytes = file(None, &BASE, &[member(5, "2009", &[])]);
        let m = messages(&run(&op, &bytes, ColumnOptions::default()).await.unwrap_err());
        assert_eq!(m.len(), 1, "{m:?}");
        assert!(m[0].2.contains("只有年份") && m[0].2.contains("1905-07-01"), "{m:?}");
        let bytes = file(None, &BASE, &[member(6, "200903", &[])]);
        let o = run(&op, &bytes, ColumnOptions::default()).await.unwrap();
        assert_eq!(o.report.created, 1);
        // The preview shows the row as stored: the month's first day, the ID number masked.
        assert_eq!(o.preview.columns[4], "E 入会日期");
        let (row, cells) = &o.preview.rows[0];
        assert_eq!((*row, cells[4].as_str(), cells[0].as_str()), (2, "2009-03-01", "QZ"));
        assert!(cells[2].contains('*') && cells[2] != id_number(6), "{cells:?}");
        let rows = members(&op).await;
        let joined = rows[0].iter().position(|h| h == "入会日期").unwrap();
        assert!(rows.iter().any(|r| r[joined] == "2009-03-01"), "{rows:?}");
        assert_eq!(members(&op).await.len(), 1 + 4, "the header and the four members imported above");
    }
}
