//! Reading and writing spreadsheets, Excel being the lingua franca of the field: uploads in XLSX,
//! XLS or CSV (UTF-8, GBK/GB18030 or UTF-16) read into a [`Table`] of [`Cell`]s with the row numbers
//! the user sees; tables, import templates and error reports written as XLSX; CSV written for
//! Excel. Text written is guarded against formula injection. This crate knows nothing of kaohe's
//! domain.
#![forbid(unsafe_code)]

mod cell;
mod csv_read;
mod detect;
mod error;
mod read;
mod report;
mod write;

#[cfg(test)]
mod tests;

pub use cell::{Cell, Row, Table, date_to_serial, serial_to_date};
pub use detect::{Format, decode_text, detect_format};
pub use error::{LimitKind, SheetError};
pub use read::{Limits, read};
pub use report::{CellError, ERROR_COLUMN, ERROR_LIST_SHEET, write_error_report};
pub use write::{
    Column, ColumnKind, INSTRUCTIONS_SHEET, LISTS_SHEET, OutCell, SheetOut, display_width, neutralise_formula,
    sheet_name, write_csv, write_table, write_template, write_workbook,
};

/// The letters of a 0-based column index: 0 → "A", 25 → "Z", 26 → "AA", 701 → "ZZ", 702 → "AAA".
pub fn column_letter(index0: usize) -> String {
    let mut letters = Vec::new();
    let mut n = index0 + 1;
    while n > 0 {
        n -= 1;
        letters.push(b'A' + (n % 26) as u8);
        n /= 26;
    }
    letters.reverse();
    String::from_utf8(letters).unwrap_or_default()
}
