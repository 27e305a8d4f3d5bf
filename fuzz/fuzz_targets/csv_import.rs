//! Any bytes uploaded as a CSV file: a table or a clear error, never a panic, within the limits.
#![no_main]

use kaohe_sheets::{Limits, read};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let limits = Limits { max_rows: 10_000, max_columns: 200, max_bytes: 1 << 20 };
    if let Ok(table) = read(data, "upload.csv", &limits) {
        assert!(table.rows.len() <= limits.max_rows);
    }
});
