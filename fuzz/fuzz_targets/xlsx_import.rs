//! Any bytes uploaded as an XLSX workbook (zip, XML): a table or a clear error, never a panic.
//! Seeds: the workbooks under `crates/sheets` tests, or any small .xlsx.
#![no_main]

use kaohe_sheets::{Limits, read};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let limits = Limits { max_rows: 10_000, max_columns: 200, max_bytes: 1 << 20 };
    let _ = read(data, "upload.xlsx", &limits);
});
