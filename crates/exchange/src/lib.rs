//! Registry records to and from spreadsheets — the lingua franca of this field: templates with
//! Chinese headers and drop-downs, imports that check every row before writing anything (and
//! answer a broken file with an error report marking the bad cells), and exports.
#![forbid(unsafe_code)]

mod columns;
mod export;
mod headers;
mod import;
mod preview;
mod template;

pub use columns::{ImportColumn, import_columns};
pub use export::{ExportFormat, export};
pub use headers::{ColumnOptions, HEADER_SEARCH_ROWS, Header, did_you_mean};
pub use import::{ImportFailure, ImportOptions, ImportOutcome, MAX_ERRORS, import, parse_rows};
pub use preview::{ImportPreview, PREVIEW_ROWS};
pub use template::template;
