//! Writing: round trips, formula injection, templates, error reports, CSV.

use super::read::texts;
use crate::read::from_data;
use crate::*;
use calamine::{Reader, SheetVisible, Xlsx};
use chrono::NaiveDate;
use std::io::Cursor;

fn workbook(bytes: &[u8]) -> Xlsx<Cursor<&[u8]>> {
    Xlsx::new(Cursor::new(bytes)).expect("a readable workbook")
}

/// The texts of a sheet's used range, row by row.
fn sheet_texts(bytes: &[u8], sheet: &str) -> Vec<Vec<String>> {
    let range = workbook(bytes).worksheet_range(sheet).expect("the sheet");
    range.rows().map(|r| r.iter().map(|d| from_data(d).as_text()).collect()).collect()
}

fn strings(cells: &[&str]) -> Vec<String> {
    cells.iter().map(|s| s.to_string()).collect()
}

#[test]
fn write_table_round_trips() {
    let day = NaiveDate::from_ymd_opt(2024, 5, 1).unwrap();
    let columns = [
        Column::new("身份证号", ColumnKind::Text),
        Column::new("人数", ColumnKind::Integer),
        Column::new("金额（元）", ColumnKind::Fixed(2)),
        Column::new("比率", ColumnKind::Number),
        Column::new("日期", ColumnKind::Date).width(14.0),
        Column::new("在册", ColumnKind::Bool),
    ];
    let rows = vec![
        vec![
            OutCell::Text("430104199001011234".into()),
            OutCell::Integer(1200),
            OutCell::Fixed { value: 12_345_678, scale: 2 },
            OutCell::Number(0.25),
            OutCell::Date(day),
            OutCell::Bool(true),
        ],
        vec![OutCell::Text("衡阳市总工会".into()), OutCell::Empty, OutCell::Fixed { value: -5, scale: 2 }],
    ];
    let bytes = write_table("导出", &columns, &rows).unwrap();
    let table = read(&bytes, "导出.xlsx", &Limits::default()).unwrap();
    assert_eq!(table.sheet, "导出");
    assert_eq!(
        texts(&table),
        vec![
            (1, strings(&["身份证号", "人数", "金额（元）", "比率", "日期", "在册"])),
            (2, strings(&["430104199001011234", "1200", "123456.78", "0.25", "2024-05-01", "TRUE"])),
            (3, strings(&["衡阳市总工会", "", "-0.05", "", "", ""])),
        ]
    );
    let cells = &table.rows[1].cells;
    assert_eq!(cells[0], Cell::Text("430104199001011234".into()));
    assert_eq!(cells[1], Cell::Number(1200.0));
    assert_eq!(cells[2], Cell::Number(123_456.78));
    assert!(matches!(cells[4], Cell::Date(_)), "{:?}", cells[4]);
    assert_eq!(cells[4].as_date(), Some(day));
    assert_eq!(cells[4], Cell::Date(date_to_serial(day)));
    assert_eq!(cells[5], Cell::Bool(true));
}

#[test]
fn write_table_rejects_rows_wider_than_the_columns() {
    let err = write_table("t", &[Column::new("a", ColumnKind::Text)], &[vec![OutCell::Empty, OutCell::Empty]]);
    assert!(matches!(err, Err(SheetError::Write { .. })), "{err:?}");
    let err = write_table("t", &[Column::new("a", ColumnKind::Number)], &[vec![OutCell::Number(f64::NAN)]]);
    assert!(matches!(err, Err(SheetError::Write { .. })), "{err:?}");
}

#[test]
fn formula_injection_is_neutralised() {
    let risky = ["=1+1", "+SUM(A1:A2)", "-2+3", "@cmd", "\t=1", "\r=1", "=HYPERLINK(\"http://x\")"];
    let columns = [Column::new("=header", ColumnKind::Text)];
    let mut rows: Vec<Vec<OutCell>> = risky.iter().map(|s| vec![OutCell::Text(s.to_string())]).collect();
    rows.push(vec![OutCell::Text("-5".into())]);
    rows.push(vec![OutCell::Text("普通".into())]);
    let bytes = write_table("数据", &columns, &rows).unwrap();
    let table = read(&bytes, "x.xlsx", &Limits::default()).unwrap();
    let got: Vec<Cell> = table.rows.iter().map(|r| r.cells[0].clone()).collect();
    let mut want = vec![Cell::Text("'=header".into())];
    want.extend(risky.iter().map(|s| Cell::Text(format!("'{s}"))));
    want.push(Cell::Text("-5".into()));
    want.push(Cell::Text("普通".into()));
    assert_eq!(got, want);
    let formulas = workbook(&bytes).worksheet_formula("数据").unwrap();
    assert!(formulas.used_cells().all(|(_, _, f)| f.is_empty()), "no formula may be written");
    assert_eq!(neutralise_formula("+3.5"), "+3.5");
    assert_eq!(neutralise_formula("-1e3"), "-1e3");
    assert_eq!(neutralise_formula("-inf"), "'-inf");
    assert_eq!(neutralise_formula("-"), "-");
    assert_eq!(neutralise_formula("-=1"), "'-=1");
}

#[test]
fn template_has_marked_headers_instructions_and_lists() {
    let short = vec!["市级".to_string(), "县级".to_string()];
    let long: Vec<String> = (0..60).map(|i| format!("选项{i:02}")).collect();
    let columns = [
        Column::new("代码", ColumnKind::Text).required().note("全省唯一，不可重复"),
        Column::new("名称", ColumnKind::Text).required(),
        Column::new("级别", ColumnKind::Text).dropdown(short),
        Column::new("类别", ColumnKind::Text).dropdown(long.clone()),
        Column::new("成立日期", ColumnKind::Date),
        Column::new("经费", ColumnKind::Fixed(2)),
    ];
    let instructions = vec![
        ("代码".to_string(), "必填，文本格式".to_string()),
        ("=不是公式".to_string(), "标 * 的列必须填写".to_string()),
    ];
    let bytes = write_template("组织", &columns, &instructions).unwrap();
    let wb = workbook(&bytes);
    assert_eq!(wb.sheet_names(), vec!["组织".to_string(), INSTRUCTIONS_SHEET.to_string(), LISTS_SHEET.to_string()]);
    let visible: Vec<SheetVisible> = wb.sheets_metadata().iter().map(|s| s.visible).collect();
    assert_eq!(visible, vec![SheetVisible::Visible, SheetVisible::Visible, SheetVisible::Hidden]);
    assert_eq!(sheet_texts(&bytes, "组织"), vec![strings(&["代码 *", "名称 *", "级别", "类别", "成立日期", "经费"])]);
    assert_eq!(
        sheet_texts(&bytes, INSTRUCTIONS_SHEET),
        vec![
            strings(&["项目", "说明"]),
            strings(&["代码", "必填，文本格式"]),
            strings(&["'=不是公式", "标 * 的列必须填写"])
        ]
    );
    let lists = sheet_texts(&bytes, LISTS_SHEET);
    assert_eq!(lists.len(), 61);
    assert_eq!(lists[0], strings(&["类别"]));
    assert_eq!(lists[60], strings(&["选项59"]));

    // Reading the template back gives the header row only.
    let table = read(&bytes, "template.xlsx", &Limits::default()).unwrap();
    assert_eq!(table.sheet, "组织");
    assert_eq!(table.rows.len(), 1);

    // Short lists only: no hidden sheet.
    let bytes = write_template("组织", &columns[..3], &[]).unwrap();
    assert_eq!(workbook(&bytes).sheet_names(), vec!["组织".to_string(), INSTRUCTIONS_SHEET.to_string()]);
}

#[test]
fn error_report_marks_cells_and_lists_errors() {
    let upload = "代码,名称,人数\nA1,,5\n\nA3,衡阳,x\nA4,耒阳,3\nA5,常宁,4\n";
    let table = read(upload.as_bytes(), "上报.csv", &Limits::default()).unwrap();
    let errors = vec![
        CellError::cell(4, 2, "人数必须是整数"),
        CellError::cell(2, 1, "名称不能为空"),
        CellError::row(5, "上级组织不存在"),
        CellError::row(1, "缺少列「类型」"),
        CellError::cell(5, 0, "代码重复"),
    ];
    let bytes = write_error_report(&table, &errors).unwrap();
    let wb = workbook(&bytes);
    assert_eq!(wb.sheet_names(), vec!["上报".to_string(), ERROR_LIST_SHEET.to_string()]);

    let report = read(&bytes, "report.xlsx", &Limits::default()).unwrap();
    assert_eq!(
        texts(&report),
        vec![
            (1, strings(&[ERROR_COLUMN, "代码", "名称", "人数"])),
            (2, strings(&["B列「名称」：名称不能为空", "A1", "", "5"])),
            (4, strings(&["C列「人数」：人数必须是整数", "A3", "衡阳", "x"])),
            (5, strings(&["上级组织不存在\nA列「代码」：代码重复", "A4", "耒阳", "3"])),
            (6, strings(&["", "A5", "常宁", "4"])),
        ]
    );
    assert_eq!(
        sheet_texts(&bytes, ERROR_LIST_SHEET),
        vec![
            strings(&["行号", "列", "列名", "单元格内容", "错误说明"]),
            strings(&["1", "", "", "", "缺少列「类型」"]),
            strings(&["2", "B", "名称", "", "名称不能为空"]),
            strings(&["4", "C", "人数", "x", "人数必须是整数"]),
            strings(&["5", "", "", "", "上级组织不存在"]),
            strings(&["5", "A", "代码", "A4", "代码重复"]),
        ]
    );
}

#[test]
fn error_report_of_an_empty_table() {
    let bytes = write_error_report(&Table::default(), &[CellError::row(0, "文件为空")]).unwrap();
    assert_eq!(sheet_texts(&bytes, ERROR_LIST_SHEET)[1], strings(&["", "", "", "", "文件为空"]));
    assert_eq!(sheet_texts(&bytes, "数据"), vec![strings(&[ERROR_COLUMN])]);
}

#[test]
fn csv_is_written_for_excel() {
    let headers = strings(&["代码", "名称"]);
    let rows = vec![strings(&["A1", "衡阳,\"南岳\""]), strings(&["=1+1", "两行\n文字"]), strings(&["-5", ""])];
    let bytes = write_csv(&headers, &rows);
    assert!(bytes.starts_with(b"\xEF\xBB\xBF"));
    let text = std::str::from_utf8(&bytes[3..]).unwrap();
    assert_eq!(text, "代码,名称\r\nA1,\"衡阳,\"\"南岳\"\"\"\r\n'=1+1,\"两行\n文字\"\r\n-5,\r\n");
    let table = read(&bytes, "out.csv", &Limits::default()).unwrap();
    assert_eq!(
        texts(&table),
        vec![
            (1, strings(&["代码", "名称"])),
            (2, strings(&["A1", "衡阳,\"南岳\""])),
            (3, strings(&["'=1+1", "两行\n文字"])),
            (4, strings(&["-5", ""])),
        ]
    );
}
