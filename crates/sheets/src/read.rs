//! Reading an uploaded file into a [`Table`]: the first worksheet of a workbook, or a CSV file.

use crate::cell::serial_of;
use crate::detect::stem;
use crate::{Cell, Format, LimitKind, Row, SheetError, Table, csv_read, detect_format};
use calamine::{Data, DataRef, Reader, SheetType, SheetVisible, Xls, XlsError, Xlsx, XlsxError};
use std::io::Cursor;

/// How large a file [`read`] accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// The highest row number holding a non-blank cell.
    pub max_rows: usize,
    /// The rightmost column (counted from 1) holding a non-blank cell.
    pub max_columns: usize,
    /// The size of the file in bytes.
    pub max_bytes: usize,
}

impl Default for Limits {
    /// 1,100,000 rows (more than Excel's 1,048,576), 200 columns, 200 MiB: `kaohe import`.
    fn default() -> Self {
        Limits { max_rows: 1_100_000, max_columns: 200, max_bytes: 200 * 1024 * 1024 }
    }
}

impl Limits {
    /// What one upload through the browser may hold: 200,000 rows, 200 columns, 105 MiB. Larger
    /// registries are split, or imported by an administrator with `kaohe import`.
    pub fn upload() -> Self {
        Limits { max_rows: 200_000, max_columns: 200, max_bytes: 105 * 1024 * 1024 }
    }
}

/// Reads a spreadsheet: the first visible worksheet of an XLSX or XLS workbook, or a CSV file (any
/// of the encodings [`crate::decode_text`] knows, delimiter `,`, `;` or tab sniffed from the first
/// record). Cached values of formula cells are read, never the formulas. CSV row numbers count
/// records as Excel shows them: a quoted field holding line breaks is one row, and blank lines count
/// as rows (then left out like every blank row). Limits are checked while reading, so an oversized
/// file stops early with [`SheetError::TooLarge`].
pub fn read(bytes: &[u8], file_name: &str, limits: &Limits) -> Result<Table, SheetError> {
    if bytes.len() > limits.max_bytes {
        return Err(SheetError::TooLarge { kind: LimitKind::Bytes, limit: limits.max_bytes });
    }
    match detect_format(bytes, file_name)? {
        Format::Csv => csv_read::read_csv(bytes, stem(file_name), limits),
        Format::Xlsx => read_xlsx(bytes, limits),
        Format::Xls => read_xls(bytes, limits),
    }
}

fn xlsx_error(e: XlsxError) -> SheetError {
    match e {
        XlsxError::Password => SheetError::Encrypted,
        e => SheetError::Corrupt { format: Format::Xlsx, detail: e.to_string() },
    }
}

/// Most a part of an XLSX may inflate to, relative to the whole file, before it is taken for a
/// zip bomb (real sheets compress 5–20 times; shared strings at most ~100).
const MAX_INFLATION: u64 = 200;
/// Parts smaller than this are never refused for inflating (tiny parts compress very well).
const INFLATION_FLOOR: u64 = 16 * 1024 * 1024;

/// Looks inside an XLSX before calamine unpacks it: every part's declared size against the file's
/// size and the byte limit, and the head of every XML part for a DOCTYPE (XXE).
fn inspect_xlsx(bytes: &[u8], limits: &Limits) -> Result<(), SheetError> {
    let corrupt = |e: zip::result::ZipError| SheetError::Corrupt { format: Format::Xlsx, detail: e.to_string() };
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(corrupt)?;
    let mut total: u64 = 0;
    for i in 0..zip.len() {
        let mut part = zip.by_index(i).map_err(corrupt)?;
        let name = part.name().map(|n| n.into_owned()).unwrap_or_default();
        let size = part.size();
        total = total.saturating_add(size);
        let cap = (bytes.len() as u64).saturating_mul(MAX_INFLATION).max(INFLATION_FLOOR);
        if size > cap || total > (limits.max_bytes as u64).saturating_mul(MAX_INFLATION / 10) {
            return Err(SheetError::Unsafe {
                detail: format!(
                    "{name} 解压后达 {size} 字节（压缩包炸弹）/ {name} inflates to {size} bytes (a zip bomb)"
                ),
            });
        }
        if name.ends_with(".xml") || name.ends_with(".rels") {
            let mut head = Vec::with_capacity(1024);
            std::io::Read::read_to_end(&mut std::io::Read::take(&mut part, 1024), &mut head)
                .map_err(|e| SheetError::Corrupt { format: Format::Xlsx, detail: e.to_string() })?;
            let text = String::from_utf8_lossy(&head).to_ascii_uppercase();
            if text.contains("<!DOCTYPE") || text.contains("<!ENTITY") {
                return Err(SheetError::Unsafe {
                    detail: format!(
                        "{name} 含 DOCTYPE 声明（外部实体）/ {name} declares a DOCTYPE (external entities)"
                    ),
                });
            }
        }
    }
    Ok(())
}

fn read_xlsx(bytes: &[u8], limits: &Limits) -> Result<Table, SheetError> {
    inspect_xlsx(bytes, limits)?;
    let mut workbook = Xlsx::new(Cursor::new(bytes)).map_err(xlsx_error)?;
    let name = first_sheet(workbook.sheets_metadata())?;
    let mut cells = workbook.worksheet_cells_reader(&name).map_err(xlsx_error)?;
    // The sheet's declared used range: a sheet reaching past the row limit is refused before its
    // cells are read (the limit is still checked cell by cell, whatever the sheet declares).
    if cells.dimensions().end.0 as usize >= limits.max_rows {
        return Err(SheetError::TooLarge { kind: LimitKind::Rows, limit: limits.max_rows });
    }
    let mut builder = TableBuilder::new(limits);
    // Streamed cell by cell, so a huge sheet is refused before it is all in memory.
    while let Some(cell) = cells.next_cell().map_err(xlsx_error)? {
        let (row0, col0) = cell.get_position();
        builder.push(row0 as usize, col0 as usize, from_data_ref(cell.get_value()))?;
    }
    Ok(builder.finish(name))
}

fn read_xls(bytes: &[u8], limits: &Limits) -> Result<Table, SheetError> {
    let xls_error = |e: XlsError| match e {
        XlsError::Password => SheetError::Encrypted,
        // An encrypted XLSX is an OLE container holding an "EncryptedPackage" stream.
        e => match Xlsx::new(Cursor::new(bytes)) {
            Err(XlsxError::Password) => SheetError::Encrypted,
            _ => SheetError::Corrupt { format: Format::Xls, detail: e.to_string() },
        },
    };
    let mut workbook = Xls::new(Cursor::new(bytes)).map_err(xls_error)?;
    let name = first_sheet(workbook.sheets_metadata())?;
    let range = workbook.worksheet_range(&name).map_err(xls_error)?;
    let (start_row, start_col) = range.start().unwrap_or((0, 0));
    let mut builder = TableBuilder::new(limits);
    for (row, col, data) in range.used_cells() {
        builder.push(start_row as usize + row, start_col as usize + col, from_data(data))?;
    }
    Ok(builder.finish(name))
}

/// The first visible worksheet, else the first worksheet.
fn first_sheet(sheets: &[calamine::Sheet]) -> Result<String, SheetError> {
    let worksheets = || sheets.iter().filter(|s| s.typ == SheetType::WorkSheet);
    worksheets()
        .find(|s| s.visible == SheetVisible::Visible)
        .or_else(|| worksheets().next())
        .map(|s| s.name.clone())
        .ok_or(SheetError::NoSheet)
}

fn date_cell(dt: &calamine::ExcelDateTime) -> Cell {
    // A duration ([h]:mm:ss) is a length of time, not a day: keep its number of days.
    if dt.is_duration() { Cell::Number(dt.as_f64()) } else { Cell::Date(serial_of(dt)) }
}

fn text_cell(s: &str) -> Cell {
    if s.is_empty() { Cell::Empty } else { Cell::Text(s.to_owned()) }
}

fn from_data_ref(d: &DataRef<'_>) -> Cell {
    match d {
        DataRef::Int(i) => Cell::Number(*i as f64),
        DataRef::Float(f) => Cell::Number(*f),
        DataRef::String(s) | DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => text_cell(s),
        DataRef::SharedString(s) => text_cell(s),
        DataRef::Bool(b) => Cell::Bool(*b),
        DataRef::DateTime(dt) => date_cell(dt),
        DataRef::Error(e) => Cell::Error(e.to_string()),
        DataRef::Empty => Cell::Empty,
    }
}

pub(crate) fn from_data(d: &Data) -> Cell {
    match d {
        Data::Int(i) => Cell::Number(*i as f64),
        Data::Float(f) => Cell::Number(*f),
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => text_cell(s),
        Data::Bool(b) => Cell::Bool(*b),
        Data::DateTime(dt) => date_cell(dt),
        Data::Error(e) => Cell::Error(e.to_string()),
        Data::Empty => Cell::Empty,
    }
}

/// Collects non-blank cells into rows, checking the limits as they come.
pub(crate) struct TableBuilder<'a> {
    limits: &'a Limits,
    rows: Vec<Row>,
    width: usize,
}

impl<'a> TableBuilder<'a> {
    pub(crate) fn new(limits: &'a Limits) -> Self {
        TableBuilder { limits, rows: Vec::new(), width: 0 }
    }

    /// Adds a cell at a 0-based position; blank cells are dropped. Cells normally come row by row.
    pub(crate) fn push(&mut self, row0: usize, col0: usize, cell: Cell) -> Result<(), SheetError> {
        if cell.is_empty() {
            return Ok(());
        }
        let number = row0 + 1;
        if number > self.limits.max_rows {
            return Err(SheetError::TooLarge { kind: LimitKind::Rows, limit: self.limits.max_rows });
        }
        if col0 >= self.limits.max_columns {
            return Err(SheetError::TooLarge { kind: LimitKind::Columns, limit: self.limits.max_columns });
        }
        let index = match self.rows.last() {
            Some(last) if last.number == number => self.rows.len() - 1,
            Some(last) if last.number > number => {
                // Out of order (allowed by no writer we know of, but cheap to tolerate).
                let i = self.rows.partition_point(|r| r.number < number);
                if self.rows.get(i).is_none_or(|r| r.number != number) {
                    self.rows.insert(i, Row { number, cells: Vec::new() });
                }
                i
            }
            _ => {
                self.rows.push(Row { number, cells: Vec::new() });
                self.rows.len() - 1
            }
        };
        let cells = &mut self.rows[index].cells;
        if cells.len() <= col0 {
            cells.resize(col0 + 1, Cell::Empty);
        }
        cells[col0] = cell;
        self.width = self.width.max(col0 + 1);
        Ok(())
    }

    /// The table, every row padded to the same width.
    pub(crate) fn finish(mut self, sheet: String) -> Table {
        for row in &mut self.rows {
            row.cells.resize(self.width, Cell::Empty);
        }
        Table { sheet, rows: self.rows }
    }
}
