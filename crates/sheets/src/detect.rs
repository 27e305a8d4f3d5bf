//! Telling the format of an uploaded file, and decoding text files whatever their encoding.

use crate::SheetError;

/// A spreadsheet file format this crate reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Office Open XML workbook (Excel 2007 and later).
    Xlsx,
    /// Excel 97–2003 binary workbook (BIFF8 in an OLE container).
    Xls,
    /// Comma (or semicolon, or tab) separated text.
    Csv,
}

impl std::fmt::Display for Format {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Format::Xlsx => "XLSX",
            Format::Xls => "XLS",
            Format::Csv => "CSV",
        })
    }
}

const ZIP_MAGIC: &[u8] = b"PK\x03\x04";
const OLE_MAGIC: &[u8] = &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

/// The extension of a file name, lower case and without the dot ("" if none).
pub(crate) fn extension(file_name: &str) -> String {
    let base = file_name.rsplit(['/', '\\']).next().unwrap_or(file_name);
    match base.rsplit_once('.') {
        Some((stem, ext)) if !stem.is_empty() => ext.to_lowercase(),
        _ => String::new(),
    }
}

/// The file name without folders and extension.
pub(crate) fn stem(file_name: &str) -> &str {
    let base = file_name.rsplit(['/', '\\']).next().unwrap_or(file_name);
    match base.rsplit_once('.') {
        Some((stem, _)) if !stem.is_empty() => stem,
        _ => base,
    }
}

/// The format of a file: by its signature first (a ZIP container is XLSX, an OLE container is XLS —
/// an encrypted XLSX is an OLE container too, which [`crate::read`] reports as encrypted), then by
/// the extension `.csv`, `.tsv` or `.txt` when the content is text, then any text content is CSV.
/// A file named `.xlsx`/`.xls`
/// whose content is no workbook gets [`SheetError::ExtensionMismatch`]; other binary content
/// [`SheetError::NotSpreadsheet`].
pub fn detect_format(bytes: &[u8], file_name: &str) -> Result<Format, SheetError> {
    let ext = extension(file_name);
    if bytes.starts_with(ZIP_MAGIC) {
        return match ext.as_str() {
            "ods" => Err(SheetError::Unsupported { what: "ODS (OpenDocument)".to_owned() }),
            "xlsb" => Err(SheetError::Unsupported { what: "XLSB".to_owned() }),
            _ => Ok(Format::Xlsx),
        };
    }
    if bytes.starts_with(OLE_MAGIC) {
        return Ok(Format::Xls);
    }
    match ext.as_str() {
        "csv" | "tsv" | "txt" if looks_like_text(bytes) => Ok(Format::Csv),
        "xlsx" | "xlsm" | "xls" => Err(SheetError::ExtensionMismatch { extension: ext }),
        _ if looks_like_text(bytes) => Ok(Format::Csv),
        _ => Err(SheetError::NotSpreadsheet),
    }
}

/// Whether bytes look like text: a Unicode BOM, or no NUL byte and hardly any other control byte in
/// the first 8 KiB.
fn looks_like_text(bytes: &[u8]) -> bool {
    if encoding_rs::Encoding::for_bom(bytes).is_some() {
        return true;
    }
    let sample = &bytes[..bytes.len().min(8192)];
    let controls = sample.iter().filter(|&&b| b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r' | 0x0C | 0x1A)).count();
    !sample.contains(&0) && controls * 100 <= sample.len()
}

/// Decodes a text file: by its BOM (UTF-8, UTF-16 LE or BE; the BOM is dropped), else UTF-8 if the
/// bytes are valid UTF-8, else GB18030 (a superset of GBK and GB2312, what Chinese Excel writes).
pub fn decode_text(bytes: &[u8]) -> String {
    if let Some((encoding, bom_len)) = encoding_rs::Encoding::for_bom(bytes) {
        return encoding.decode_without_bom_handling(&bytes[bom_len..]).0.into_owned();
    }
    match std::str::from_utf8(bytes) {
        Ok(s) => s.to_owned(),
        Err(_) => encoding_rs::GB18030.decode_without_bom_handling(bytes).0.into_owned(),
    }
}
