//! Reading: formats, encodings, CSV parsing, row numbers, limits, cell texts.

use crate::*;
use chrono::NaiveDate;
use rust_xlsxwriter::Workbook;

/// Each row as (number, cell texts).
pub(crate) fn texts(table: &Table) -> Vec<(usize, Vec<String>)> {
    table.rows.iter().map(|r| (r.number, r.cells.iter().map(Cell::as_text).collect())).collect()
}

fn row(number: usize, cells: &[&str]) -> (usize, Vec<String>) {
    (number, cells.iter().map(|s| s.to_string()).collect())
}

fn csv(text: &str) -> Result<Table, SheetError> {
    read(text.as_bytes(), "data.csv", &Limits::default())
}

#[test]
fn column_letters() {
    let cases =
        [(0, "A"), (1, "B"), (25, "Z"), (26, "AA"), (27, "AB"), (51, "AZ"), (52, "BA"), (701, "ZZ"), (702, "AAA")];
    for (index, letters) in cases {
        assert_eq!(column_letter(index), letters, "index {index}");
    }
    assert_eq!(column_letter(16_383), "XFD");
}

#[test]
fn numbers_show_as_a_person_sees_them() {
    assert_eq!(Cell::Number(1.0).as_text(), "1");
    assert_eq!(Cell::Number(-42.0).as_text(), "-42");
    assert_eq!(Cell::Number(-0.0).as_text(), "0");
    assert_eq!(Cell::Number(12.5).as_text(), "12.5");
    assert_eq!(Cell::Number(0.1 + 0.2).as_text(), "0.3");
    assert_eq!(Cell::Number(1e20).as_text(), "100000000000000000000");
    // An 18-digit ID number typed as a number: f64 keeps 16-17 digits, printed without exponent.
    assert_eq!(Cell::Number(430104199001011234.0).as_text(), "430104199001011264");
    assert_eq!(Cell::Bool(true).as_text(), "TRUE");
    assert_eq!(Cell::Error("#N/A".into()).as_text(), "#N/A");
    assert_eq!(Cell::Empty.as_text(), "");
    assert!(Cell::Text(" \u{3000}".into()).is_empty());
    assert!(!Cell::Number(0.0).is_empty());
}

#[test]
fn dates_and_serials() {
    let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
    for (serial, date) in
        [(1.0, day(1900, 1, 1)), (59.0, day(1900, 2, 28)), (61.0, day(1900, 3, 1)), (45413.0, day(2024, 5, 1))]
    {
        assert_eq!(serial_to_date(serial), Some(date), "serial {serial}");
        assert_eq!(date_to_serial(date), serial, "date {date}");
    }
    assert_eq!(serial_to_date(60.0), None, "Excel's phantom 1900-02-29");
    assert_eq!(serial_to_date(0.5), None);
    assert_eq!(Cell::Date(45413.0).as_text(), "2024-05-01");
    assert_eq!(Cell::Date(45413.5).as_text(), "2024-05-01 12:00:00");
    assert_eq!(Cell::Date(0.75).as_text(), "18:00:00");
    assert_eq!(Cell::Date(45413.75).as_date(), Some(day(2024, 5, 1)));
}

#[test]
fn csv_in_any_encoding_reads_the_same() {
    let text = "代码,名称\nA1,衡阳市总工会\n";
    let expected = vec![row(1, &["代码", "名称"]), row(2, &["A1", "衡阳市总工会"])];
    let mut with_bom = b"\xEF\xBB\xBF".to_vec();
    with_bom.extend_from_slice(text.as_bytes());
    let (gbk, _, unmappable) = encoding_rs::GBK.encode(text);
    assert!(!unmappable);
    assert_ne!(gbk.as_ref(), text.as_bytes());
    let mut utf16 = vec![0xFF, 0xFE];
    utf16.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
    let mut utf16be = vec![0xFE, 0xFF];
    utf16be.extend(text.encode_utf16().flat_map(u16::to_be_bytes));
    for (label, bytes) in [
        ("utf-8 bom", with_bom),
        ("utf-8", text.as_bytes().to_vec()),
        ("gbk", gbk.to_vec()),
        ("utf-16le", utf16),
        ("utf-16be", utf16be),
    ] {
        let table = read(&bytes, "组织.csv", &Limits::default()).unwrap_or_else(|e| panic!("{label}: {e}"));
        assert_eq!(texts(&table), expected, "{label}");
        assert_eq!(table.sheet, "组织");
        assert_eq!(decode_text(&bytes), text, "{label}");
    }
    // Text content without a telling extension is CSV too.
    let table = read(&gbk, "upload", &Limits::default()).unwrap();
    assert_eq!(texts(&table), expected);
}

#[test]
fn csv_quoted_newlines_and_blank_lines_keep_excel_row_numbers() {
    let text = "名称,备注\r\n衡阳,\"第一行\r\n第二行\"\r\n\r\n耒阳,\"说\"\"好\"\"\"\r\n\"a\"b,\"未闭合\n尾\"\n\n\n";
    let table = csv(text).unwrap();
    assert_eq!(
        texts(&table),
        vec![
            row(1, &["名称", "备注"]),
            row(2, &["衡阳", "第一行\r\n第二行"]),
            row(4, &["耒阳", "说\"好\""]),
            row(5, &["ab", "未闭合\n尾"]),
        ]
    );
}

#[test]
fn csv_delimiters_are_sniffed() {
    assert_eq!(texts(&csv("a;b;c\n1;2;3").unwrap()), vec![row(1, &["a", "b", "c"]), row(2, &["1", "2", "3"])]);
    assert_eq!(texts(&csv("a\tb\n1,5\t2").unwrap()), vec![row(1, &["a", "b"]), row(2, &["1,5", "2"])]);
    assert_eq!(texts(&csv("\"x;y\",z\n").unwrap()), vec![row(1, &["x;y", "z"])]);
    assert_eq!(texts(&csv("a,b;c\n").unwrap()), vec![row(1, &["a", "b;c"])], "a tie goes to the comma");
}

#[test]
fn csv_rows_are_padded_and_blank_columns_dropped() {
    let table = csv("\n\na,b,,\n1\n,,\n,x,\n").unwrap();
    assert_eq!(texts(&table), vec![row(3, &["a", "b"]), row(4, &["1", ""]), row(6, &["", "x"])]);
    assert_eq!(table.width(), 2);
    assert_eq!(table.rows[1].cells[1], Cell::Empty);
    assert!(csv("").unwrap().rows.is_empty());
}

#[test]
fn limits_refuse_large_files() {
    let text = "代码\n1\n2\n3\n4\n";
    let limits = Limits { max_rows: 3, ..Limits::default() };
    let err = read(text.as_bytes(), "a.csv", &limits).unwrap_err();
    assert!(matches!(err, SheetError::TooLarge { kind: LimitKind::Rows, limit: 3 }), "{err:?}");
    assert!(err.to_string().contains("超过 3 行"), "{err}");
    assert!(read(text.as_bytes(), "a.csv", &Limits { max_rows: 5, ..Limits::default() }).is_ok());

    let limits = Limits { max_columns: 2, ..Limits::default() };
    let err = read(b"a,b,c\n", "a.csv", &limits).unwrap_err();
    assert!(matches!(err, SheetError::TooLarge { kind: LimitKind::Columns, limit: 2 }), "{err:?}");

    let limits = Limits { max_bytes: 4, ..Limits::default() };
    let err = read(b"a,b,c\n", "a.csv", &limits).unwrap_err();
    assert!(matches!(err, SheetError::TooLarge { kind: LimitKind::Bytes, limit: 4 }), "{err:?}");

    let columns = [Column::new("n", ColumnKind::Integer)];
    let rows: Vec<Vec<OutCell>> = (0..10).map(|i| vec![OutCell::Integer(i)]).collect();
    let xlsx = write_table("t", &columns, &rows).unwrap();
    let err = read(&xlsx, "t.xlsx", &Limits { max_rows: 5, ..Limits::default() }).unwrap_err();
    assert!(matches!(err, SheetError::TooLarge { kind: LimitKind::Rows, limit: 5 }), "{err:?}");
}

#[test]
fn format_detection() {
    let xlsx = write_table("t", &[Column::new("a", ColumnKind::Text)], &[]).unwrap();
    assert_eq!(detect_format(&xlsx, "export.csv").unwrap(), Format::Xlsx, "the signature wins");
    assert_eq!(detect_format(b"a,b\n", "a.CSV").unwrap(), Format::Csv);
    assert_eq!(detect_format(b"a,b\n", "a").unwrap(), Format::Csv);

    // Pseudo-random binary bytes.
    let mut x: u32 = 12345;
    let noise: Vec<u8> = (0..4096)
        .map(|_| {
            x = x.wrapping_mul(1_103_515_245).wrapping_add(12_345);
            (x >> 16) as u8
        })
        .collect();
    let err = detect_format(&noise, "upload.bin").unwrap_err();
    assert!(matches!(err, SheetError::NotSpreadsheet));
    assert!(err.to_string().starts_with("文件不是 Excel 或 CSV 格式"), "{err}");

    let err = detect_format(b"code,name\nA1,x\n", "orgs.xlsx").unwrap_err();
    assert!(matches!(&err, SheetError::ExtensionMismatch { extension } if extension == "xlsx"), "{err:?}");
    assert!(err.to_string().contains(".xlsx"), "{err}");
    let err = detect_format(b"<html><table></table></html>", "C:\\exports\\report.XLS").unwrap_err();
    assert!(matches!(&err, SheetError::ExtensionMismatch { extension } if extension == "xls"), "{err:?}");

    let err = detect_format(b"PK\x03\x04rest", "a.ods").unwrap_err();
    assert!(matches!(err, SheetError::Unsupported { .. }), "{err:?}");
}

#[test]
fn corrupt_workbooks_say_which_format() {
    let err = read(b"PK\x03\x04 not really a zip", "a.xlsx", &Limits::default()).unwrap_err();
    assert!(matches!(err, SheetError::Corrupt { format: Format::Xlsx, .. }), "{err:?}");
    assert!(err.to_string().contains("XLSX"), "{err}");
    let mut ole = vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
    ole.extend([0u8; 600]);
    let err = read(&ole, "a.xls", &Limits::default()).unwrap_err();
    assert!(matches!(err, SheetError::Corrupt { format: Format::Xls, .. }), "{err:?}");
}

#[test]
fn xlsx_used_range_not_at_a1_keeps_positions() {
    let mut workbook = Workbook::new();
    let ws = workbook.add_worksheet();
    ws.set_name("名单").unwrap();
    ws.write_string(2, 2, "代码").unwrap();
    ws.write_string(2, 3, "金额").unwrap();
    ws.write_string(3, 2, "A1").unwrap();
    ws.write_number(3, 3, 12.5).unwrap();
    ws.write_boolean(5, 2, true).unwrap();
    ws.write_string(7, 4, "   ").unwrap();
    let bytes = workbook.save_to_buffer().unwrap();
    let table = read(&bytes, "x.xlsx", &Limits::default()).unwrap();
    assert_eq!(table.sheet, "名单");
    assert_eq!(
        texts(&table),
        vec![row(3, &["", "", "代码", "金额"]), row(4, &["", "", "A1", "12.5"]), row(6, &["", "", "TRUE", ""])]
    );
    assert_eq!(table.rows[1].cells[3], Cell::Number(12.5));
    assert_eq!(table.rows[2].cells[2], Cell::Bool(true));
}

/// A copy of the workbook `xlsx` with part `name` replaced (or added) by `content`.
fn with_part(xlsx: &[u8], name: &str, content: &[u8]) -> Vec<u8> {
    use std::io::{Read, Write};
    let mut src = zip::ZipArchive::new(std::io::Cursor::new(xlsx)).unwrap();
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    for i in 0..src.len() {
        let mut f = src.by_index(i).unwrap();
        let part = f.name().unwrap().into_owned();
        if part == name {
            continue;
        }
        let mut data = Vec::new();
        f.read_to_end(&mut data).unwrap();
        out.start_file(part, opts).unwrap();
        out.write_all(&data).unwrap();
    }
    out.start_file(name, opts).unwrap();
    out.write_all(content).unwrap();
    out.finish().unwrap().into_inner()
}

#[test]
fn hostile_workbooks_are_refused_before_they_are_unpacked() {
    let columns = [Column::new("n", ColumnKind::Integer)];
    let xlsx = write_table("t", &columns, &[vec![OutCell::Integer(1)]]).unwrap();
    assert!(read(&xlsx, "t.xlsx", &Limits::default()).is_ok());

    // A part that inflates a thousandfold: 80 MiB of blanks in a file of some 100 KB.
    let bomb = with_part(&xlsx, "xl/sharedStrings.xml", &vec![b' '; 80 * 1024 * 1024]);
    assert!(bomb.len() < 1024 * 1024);
    let err = read(&bomb, "t.xlsx", &Limits::default()).unwrap_err();
    assert!(matches!(err, SheetError::Unsafe { .. }) && err.to_string().contains("zip bomb"), "{err}");

    // XXE: a DOCTYPE with an external entity in the workbook part.
    let xxe = br#"<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><workbook/>"#;
    let err = read(&with_part(&xlsx, "xl/workbook.xml", xxe), "t.xlsx", &Limits::default()).unwrap_err();
    assert!(matches!(err, SheetError::Unsafe { .. }) && err.to_string().contains("DOCTYPE"), "{err}");
}
