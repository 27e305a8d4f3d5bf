//! Writes kaohe's reports as files: the year-end report ([`kaohe_domain::report::Doc`]) as a DOCX
//! laid out as a Chinese official document (GB/T 9704-2012), and its statistical tables
//! ([`kaohe_domain::report::tables`]) as an XLSX workbook. Markdown and HTML are written by the
//! domain crate itself; these two need their file-format libraries.
#![forbid(unsafe_code)]

mod docx;
mod output;
mod stats_xlsx;

pub use docx::{DocxInfo, write_docx};
pub use output::{ReportFormat, write_report};
pub use stats_xlsx::write_stats_xlsx;

/// A document that could not be written.
#[derive(Debug, thiserror::Error)]
pub enum DocumentError {
    #[error("DOCX: {0}")]
    Docx(String),
    #[error("XLSX: {0}")]
    Xlsx(String),
    #[error(transparent)]
    Sheet(#[from] kaohe_sheets::SheetError),
}
