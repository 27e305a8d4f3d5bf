//! The error of reading or writing a spreadsheet. Messages: Chinese, then " / ", then English.

use crate::Format;

/// Which limit of [`crate::Limits`] a file exceeded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LimitKind {
    /// The file size in bytes.
    Bytes,
    /// The number of rows (the highest non-empty row number).
    Rows,
    /// The number of columns (the rightmost non-empty column).
    Columns,
}

/// Why a spreadsheet could not be read or written.
#[derive(Debug, thiserror::Error)]
pub enum SheetError {
    /// Neither a workbook nor text.
    #[error("文件不是 Excel 或 CSV 格式 / the file is not an Excel or CSV file")]
    NotSpreadsheet,
    /// Named like a workbook (`.xlsx`, `.xls`) but the content is not one.
    #[error(
        "文件扩展名为 .{extension}，但内容不是 Excel 工作簿（可能是网页或文本导出的文件），请用 Excel 打开后另存为 .xlsx 再上传 / \
         the file is named .{extension} but its content is not an Excel workbook (perhaps a web page or a text export); \
         open it in Excel, save it as .xlsx and upload that"
    )]
    ExtensionMismatch {
        /// The file's extension, lower case, without the dot.
        extension: String,
    },
    /// A format this crate does not read (ODS, XLSB...).
    #[error(
        "不支持的文件格式：{what}，请另存为 .xlsx、.xls 或 .csv / unsupported file format: {what}; save it as .xlsx, .xls or .csv"
    )]
    Unsupported {
        /// The format, as a person names it.
        what: String,
    },
    /// The file has the signature of `format` but could not be opened.
    #[error("无法打开 {format} 文件，文件可能已损坏 / cannot open the {format} file, it may be corrupt: {detail}")]
    Corrupt {
        /// The format the file claimed to be.
        format: Format,
        /// The reader's own message (English).
        detail: String,
    },
    /// The workbook is encrypted with an opening password.
    #[error(
        "工作簿设有密码保护，请取消密码后重新上传 / the workbook is password-protected; remove the password and upload it again"
    )]
    Encrypted,
    /// The workbook holds no worksheet.
    #[error("工作簿中没有工作表 / the workbook has no worksheet")]
    NoSheet,
    /// A limit was exceeded.
    #[error("{}", too_large(*kind, *limit))]
    TooLarge {
        /// Which limit.
        kind: LimitKind,
        /// Its value.
        limit: usize,
    },
    /// A workbook refused before it is unpacked: a part that inflates far beyond the file (a zip
    /// bomb) or XML declaring a DOCTYPE (external entities).
    #[error("文件内容不安全，已拒绝：{detail} / the file was refused as unsafe: {detail}")]
    Unsafe {
        /// What was found, in Chinese and English.
        detail: String,
    },
    /// A workbook could not be written.
    #[error("无法生成文件 / cannot write the file: {detail}")]
    Write {
        /// What went wrong (English).
        detail: String,
    },
}

fn too_large(kind: LimitKind, limit: usize) -> String {
    match kind {
        LimitKind::Bytes => {
            let mib = limit as f64 / (1024.0 * 1024.0);
            format!("文件过大：超过 {mib:.0} MB / the file is too large: over {limit} bytes ({mib:.0} MiB)")
        }
        LimitKind::Rows => format!("文件过大：超过 {limit} 行 / the file is too large: more than {limit} rows"),
        LimitKind::Columns => {
            format!("文件过大：超过 {limit} 列 / the file is too large: more than {limit} columns")
        }
    }
}

impl From<rust_xlsxwriter::XlsxError> for SheetError {
    fn from(e: rust_xlsxwriter::XlsxError) -> Self {
        SheetError::Write { detail: e.to_string() }
    }
}
