//! The error report of a rejected upload: the uploaded table with the bad cells marked, and a list.

use crate::write::{Styles, check_size, display_width, sheet_name, write_text};
use crate::{SheetError, Table, column_letter};
use rust_xlsxwriter::{Format, Note, Workbook};
use std::collections::BTreeMap;

/// The sheet of an error report listing every error.
pub const ERROR_LIST_SHEET: &str = "错误清单";
/// The header of the column an error report adds in front of the uploaded columns.
pub const ERROR_COLUMN: &str = "错误说明";

/// A problem found in an uploaded table, at a cell or a whole row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CellError {
    /// 1-based row number as read ([`crate::Row::number`]); 0 for the file as a whole.
    pub row: usize,
    /// 0-based column index; `None` for the whole row.
    pub column: Option<usize>,
    /// What is wrong, as the user should read it.
    pub message: String,
}

impl CellError {
    /// An error at one cell.
    pub fn cell(row: usize, column: usize, message: impl Into<String>) -> Self {
        CellError { row, column: Some(column), message: message.into() }
    }

    /// An error about a whole row.
    pub fn row(row: usize, message: impl Into<String>) -> Self {
        CellError { row, column: None, message: message.into() }
    }
}

/// The text of a cell of the table, "" if there is none.
fn cell_text(table: &Table, row: usize, column: usize) -> String {
    table
        .rows
        .binary_search_by_key(&row, |r| r.number)
        .ok()
        .and_then(|i| table.rows[i].cells.get(column))
        .map(|c| c.as_text())
        .unwrap_or_default()
}

/// Writes the error report of an upload as an XLSX workbook.
///
/// The first sheet copies the table, every cell as text, each row at its original row number (so
/// the numbers in the messages match what the user sees), with a column [`ERROR_COLUMN`] added in
/// front: the uploaded column A is column B here. Each bad cell is filled red and carries a note with
/// its messages; column A lists each row's errors; header row and column A are frozen. The second
/// sheet [`ERROR_LIST_SHEET`] lists row / column letter (of the uploaded file) / header / value /
/// message, by row then column. Errors at row 0 or beyond Excel's last row appear only in the list.
pub fn write_error_report(table: &Table, errors: &[CellError]) -> Result<Vec<u8>, SheetError> {
    const EXCEL_ROWS: usize = 1_048_576;
    let width = table.width();
    let header_number = table.rows.first().map_or(1, |r| r.number);
    let headers: Vec<String> =
        table.rows.first().map(|r| r.cells.iter().map(|c| c.as_text()).collect()).unwrap_or_default();
    let header_of = |c: usize| headers.get(c).cloned().unwrap_or_default();
    let placed = |e: &&CellError| (1..=EXCEL_ROWS).contains(&e.row);

    let last_row =
        table.rows.last().map_or(0, |r| r.number).max(errors.iter().filter(placed).map(|e| e.row).max().unwrap_or(0));
    let last_column = errors.iter().filter_map(|e| e.column).max().map_or(width, |c| width.max(c + 1));
    check_size(last_row, last_column + 1)?;
    check_size(errors.len() + 1, 5)?;

    // Messages by row (for column A) and by cell (for the notes).
    let mut by_row: BTreeMap<usize, Vec<String>> = BTreeMap::new();
    let mut by_cell: BTreeMap<(usize, usize), Vec<&str>> = BTreeMap::new();
    for e in errors.iter().filter(placed) {
        let line = match e.column {
            Some(c) => {
                let header = header_of(c);
                let at = if header.trim().is_empty() { String::new() } else { format!("「{header}」") };
                by_cell.entry((e.row, c)).or_default().push(&e.message);
                format!("{}列{at}：{}", column_letter(c), e.message)
            }
            None => e.message.clone(),
        };
        by_row.entry(e.row).or_default().push(line);
    }

    let styles = Styles::new();
    let bad_wrap = styles.bad.clone().set_text_wrap().set_align(rust_xlsxwriter::FormatAlign::Top);
    let note = |text: String| Note::new(text).add_author_prefix(false).set_width(240);
    let mut workbook = Workbook::new();
    let name = sheet_name(&table.sheet, "数据");
    let ws = workbook.add_worksheet();
    ws.set_name(if name == ERROR_LIST_SHEET { "数据".to_owned() } else { name })?;

    for row in &table.rows {
        let r = row.number as u32 - 1;
        let format: &Format = if row.number == header_number { &styles.header } else { &styles.text };
        for (c, cell) in row.cells.iter().enumerate() {
            if !cell.is_empty() && !by_cell.contains_key(&(row.number, c)) {
                write_text(ws, r, c as u16 + 1, &cell.as_text(), format)?;
            }
        }
    }
    for (&(row, c), messages) in &by_cell {
        let (r, col) = (row as u32 - 1, c as u16 + 1);
        write_text(ws, r, col, &cell_text(table, row, c), &styles.bad)?;
        ws.insert_note(r, col, &note(messages.join("\n")))?;
    }
    write_text(ws, header_number as u32 - 1, 0, ERROR_COLUMN, &styles.header)?;
    for (&row, lines) in &by_row {
        let r = row as u32 - 1;
        if row == header_number {
            // The header row's own errors (a missing column...) go in a note on the label.
            write_text(ws, r, 0, ERROR_COLUMN, &bad_wrap)?;
            ws.insert_note(r, 0, &note(lines.join("\n")))?;
        } else {
            write_text(ws, r, 0, &lines.join("\n"), &bad_wrap)?;
        }
    }
    ws.set_column_width(0, 50)?;
    for c in 0..last_column {
        let widest = table.rows.iter().take(100).filter_map(|r| r.cells.get(c)).map(|v| display_width(&v.as_text()));
        let w = widest.fold(display_width(&header_of(c)), f64::max);
        ws.set_column_width(c as u16 + 1, (w + 2.0).clamp(8.0, 40.0))?;
    }
    ws.set_freeze_panes(header_number as u32, 1)?;

    let ws = workbook.add_worksheet();
    ws.set_name(ERROR_LIST_SHEET)?;
    for (c, (title, w)) in
        [("行号", 8), ("列", 6), ("列名", 20), ("单元格内容", 30), ("错误说明", 60)].iter().enumerate()
    {
        write_text(ws, 0, c as u16, title, &styles.header)?;
        ws.set_column_width(c as u16, *w)?;
    }
    let mut sorted: Vec<&CellError> = errors.iter().collect();
    sorted.sort_by_key(|e| (e.row, e.column.map_or(0, |c| c + 1)));
    for (i, e) in sorted.iter().enumerate() {
        let r = i as u32 + 1;
        if e.row > 0 {
            ws.write_number(r, 0, e.row as f64)?;
        }
        if let Some(c) = e.column {
            write_text(ws, r, 1, &column_letter(c), &styles.text)?;
            write_text(ws, r, 2, &header_of(c), &styles.text)?;
            write_text(ws, r, 3, &cell_text(table, e.row, c), &styles.text)?;
        }
        write_text(ws, r, 4, &e.message, &styles.wrap_text)?;
    }
    ws.set_freeze_panes(1, 0)?;
    ws.autofilter(0, 0, sorted.len() as u32, 4)?;
    Ok(workbook.save_to_buffer()?)
}
