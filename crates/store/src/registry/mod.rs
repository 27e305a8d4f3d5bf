//! Registries in the database: tables generated from pack definitions, records, their history.

pub mod bulk;
pub(crate) mod codec;
pub mod records;
pub(crate) mod schema;
pub mod versions;

pub use bulk::BulkReport;
pub use records::{Cursor, Filter, FilterOp, HistoryEntry, Sort};
