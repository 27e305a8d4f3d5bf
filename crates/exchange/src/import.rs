//! Importing a spreadsheet into a registry: read, match headers, parse every cell, let the store
//! check every row, and write all or nothing. A refused file comes back with every error (row,
//! column letter and header, value, reason) and an XLSX copy with the bad cells marked.

use crate::columns::{ImportColumn, ORG_KEY, import_columns};
use crate::headers::{ColumnOptions, Header, read_header};
use crate::preview::ImportPreview;
use kaohe_domain::OrgId;
use kaohe_domain::input::{RawCell, derive, parse_field};
use kaohe_domain::record::Values;
use kaohe_domain::registry::{FieldDef, FieldType, RegistryDef};
use kaohe_sheets::{Cell, CellError, Limits, Table, column_letter, read, write_error_report};
use kaohe_store::BulkReport;
use kaohe_store::{ImportRow, RowError, Scoped, StoreError};

/// A successful import.
#[derive(Debug, Clone)]
pub struct ImportOutcome {
    pub rows: usize,
    pub report: BulkReport,
    pub dry_run: bool,
    /// The header's row number (below title rows when it is not 1).
    pub header_row: usize,
    /// Columns left out at the user's choice.
    pub ignored: Vec<String>,
    /// What the registry's warning-level checks noticed (imported all the same), located like errors.
    pub warnings: Vec<RowError>,
    /// The first rows as they are (or, in a dry run, would be) stored.
    pub preview: ImportPreview,
}

impl ImportOutcome {
    /// What the import did, in Chinese or English: rows, created/updated/unchanged, where the
    /// header was found when it was not the first row, and the columns left out.
    pub fn summary(&self, en: bool) -> String {
        let r = &self.report;
        let mut s = match (en, self.dry_run) {
            (false, dry) => format!(
                "{}{} 行:新建 {},更新 {},未变 {}。",
                if dry { "检查通过,未写入。" } else { "" },
                self.rows,
                r.created,
                r.updated,
                r.unchanged
            ),
            (true, dry) => format!(
                "{}{} rows: {} created, {} updated, {} unchanged.",
                if dry { "Checked, nothing written; " } else { "" },
                self.rows,
                r.created,
                r.updated,
                r.unchanged
            ),
        };
        if self.header_row > 1 {
            let n = self.header_row;
            s.push_str(&if en {
                format!(" The header is row {n}; the rows above it were not imported.")
            } else {
                format!("表头在第{n}行,其上的标题行未导入。")
            });
        }
        if !self.warnings.is_empty() {
            let n = self.warnings.len();
            s.push_str(&if en {
                format!(" {n} warning(s): see below.")
            } else {
                format!("另有{n}处提示,见下。")
            });
        }
        if !self.ignored.is_empty() {
            s.push_str(&if en {
                format!(" Columns left out: {}.", self.ignored.join(", "))
            } else {
                format!("已忽略的列:{}。", self.ignored.join("、"))
            });
        }
        s
    }
}

/// How to import.
#[derive(Debug, Clone, Default)]
pub struct ImportOptions {
    /// The org owning rows that name none.
    pub default_org: Option<OrgId>,
    /// Check everything, write nothing.
    pub dry_run: bool,
    /// How large a file is read ([`Limits::upload`] for the browser, the default for `kaohe import`).
    pub limits: Limits,
    /// Where the header is and which unknown columns to leave out.
    pub columns: ColumnOptions,
}

/// A refused import: nothing was written.
#[derive(Debug)]
pub struct ImportFailure {
    /// Every problem found, in row order.
    pub errors: Vec<RowError>,
    /// The uploaded table with the bad cells marked (absent when the file could not be read).
    pub report_xlsx: Option<Vec<u8>>,
    /// A failure that is not about rows (unreadable file, database error).
    pub fatal: Option<String>,
    /// More than [`MAX_ERRORS`] errors were found: checking stopped and only the first are listed
    /// (and marked in the report, which then covers the rows up to the last of them).
    pub truncated: bool,
}

/// Errors listed at most: a file with more is refused after these, so a sheet of junk costs
/// neither minutes nor gigabytes.
pub const MAX_ERRORS: usize = 1000;

impl ImportFailure {
    fn fatal(msg: String) -> Self {
        ImportFailure { errors: Vec::new(), report_xlsx: None, fatal: Some(msg), truncated: false }
    }

    /// How many errors, as the user reads it: `1000+` when checking stopped early.
    pub fn count(&self) -> String {
        if self.truncated { format!("{}+", self.errors.len()) } else { self.errors.len().to_string() }
    }
}

fn raw(cell: &Cell) -> RawCell {
    match cell {
        Cell::Empty => RawCell::Empty,
        Cell::Text(s) => RawCell::Text(s.clone()),
        Cell::Number(n) => RawCell::Number(*n),
        Cell::Bool(b) => RawCell::Bool(*b),
        Cell::Date(_) => cell.as_date().map_or(RawCell::Text(cell.as_text()), RawCell::Date),
        Cell::Error(e) => RawCell::Text(e.clone()),
    }
}

/// The parsed rows of a table, or every cell-level error (stopping once there are more than
/// [`MAX_ERRORS`]), with the header found (where it is, what each column holds).
pub fn parse_rows<'a>(
    reg: &'a RegistryDef,
    table: &Table,
    options: &ColumnOptions,
) -> (Vec<ImportRow>, Vec<RowError>, Header<'a>) {
    let cols = import_columns(reg);
    let header = match read_header(reg, &cols, table, options) {
        Ok(h) => h,
        Err(errors) => return (Vec::new(), errors, Header::default()),
    };
    let mut errors = Vec::new();
    let mut rows = Vec::new();
    for r in &table.rows[header.index + 1..] {
        let mut values = Values::new();
        let mut org = String::new();
        let mut ok = true;
        for c in &cols {
            let Some(&i) = header.at.get(c.key) else { continue };
            let cell = r.cells.get(i).unwrap_or(&Cell::Empty);
            match parse_cell(c, cell) {
                Ok(Some(v)) => {
                    values.insert(c.key.to_owned(), v);
                }
                Ok(None) => org = cell.as_text(),
                Err((zh, en)) => {
                    ok = false;
                    errors.push(RowError {
                        row: r.number,
                        column: label(i, c.label_zh),
                        value: shown(c.field.is_some_and(|f| f.sensitive), cell.as_text()),
                        message_zh: zh,
                        message_en: en,
                    });
                }
            }
        }
        for &(f, i) in &header.derived {
            if let Some(e) = contradiction(reg, f, r.cells.get(i).unwrap_or(&Cell::Empty), &values) {
                ok = false;
                errors.push(RowError { row: r.number, column: label(i, &f.label_zh), ..e });
            }
        }
        if ok {
            rows.push(ImportRow { row: r.number, org, values });
        }
        if errors.len() > MAX_ERRORS {
            break;
        }
    }
    (rows, errors, header)
}

/// A derived field's column (性别) that says otherwise than its source (the ID number's 性别):
/// the error, its column left for the caller to fill in.
fn contradiction(reg: &RegistryDef, f: &FieldDef, cell: &Cell, values: &Values) -> Option<RowError> {
    if cell.is_empty() {
        return None;
    }
    let want = derive(f, values)?;
    let given = parse_field(f, &raw(cell)).ok();
    if given.as_ref() == Some(&want) {
        return None;
    }
    let want = match want {
        kaohe_domain::record::Value::Text(s) => s,
        kaohe_domain::record::Value::Date(d) => d.to_string(),
        other => format!("{other:?}"),
    };
    let from = f.derived.as_ref().and_then(|d| reg.field(&d.from));
    let (from_zh, from_en) = from.map_or(("", ""), |s| (s.label_zh.as_str(), s.label_en.as_str()));
    let text = cell.as_text();
    Some(RowError {
        row: 0,
        column: String::new(),
        value: shown(f.sensitive, text.clone()),
        message_zh: format!("{}“{text}”与{from_zh}不符:按{from_zh}应为“{want}”", f.label_zh),
        message_en: format!("{} {text:?} contradicts the {from_en}, which gives {want:?}", f.label_en),
    })
}

/// A value as error messages show it: personal data masked, so error lists, logs and reports
/// never carry an ID number in clear.
fn shown(sensitive: bool, text: String) -> String {
    if sensitive { kaohe_domain::protect::mask(&text) } else { text }
}

/// The uploaded table's rows up to `last_row`, personal-data columns masked, for the error report
/// (the user still has the original file to correct).
fn masked(reg: &RegistryDef, table: &Table, header: &Header<'_>, last_row: usize) -> Table {
    let cols: Vec<usize> =
        reg.fields.iter().filter(|f| f.sensitive).filter_map(|f| header.at.get(f.key.as_str()).copied()).collect();
    let mut t = Table {
        rows: table.rows.iter().take_while(|r| r.number <= last_row).cloned().collect(),
        sheet: table.sheet.clone(),
    };
    for r in t.rows.iter_mut().skip(header.index + 1) {
        for &i in &cols {
            if let Some(c) = r.cells.get_mut(i)
                && !c.is_empty()
            {
                *c = Cell::Text(kaohe_domain::protect::mask(&c.as_text()));
            }
        }
    }
    t
}

fn label(i: usize, header: &str) -> String {
    format!("{} {}", column_letter(i), header)
}

/// `Ok(None)` for the org column (resolved by the store).
#[allow(clippy::type_complexity)]
fn parse_cell(c: &ImportColumn, cell: &Cell) -> Result<Option<kaohe_domain::record::Value>, (String, String)> {
    let Some(f) = c.field else { return Ok(None) };
    if let Cell::Error(e) = cell {
        return Err((format!("单元格是错误值 {e}"), format!("the cell holds the error value {e}")));
    }
    if let (FieldType::ResidentId, Cell::Number(n)) = (f.ty, cell) {
        return Err((
            format!("Excel 已把身份证号存成数字({n:E}),末几位已丢失;请把该列设为文本格式后重新填写"),
            format!(
                "Excel stored the ID number as a number ({n:E}) and lost its last digits; format the column as text and enter it again"
            ),
        ));
    }
    let input = match (f.ty, cell) {
        (
            FieldType::Text | FieldType::CreditCode | FieldType::Phone | FieldType::Enum | FieldType::Org,
            Cell::Number(_),
        ) => RawCell::Text(cell.as_text()),
        _ => raw(cell),
    };
    parse_field(f, &input).map(Some).map_err(|e| (e.message_zh, e.message_en))
}

/// Runs CPU work (reading a file, parsing its rows, writing an error report) so that it does not
/// hold up a server's async workers: on a multi-threaded runtime the worker hands its other tasks
/// to the rest while this runs; elsewhere (a test's single thread, no runtime) it just runs.
fn off_the_workers<T>(work: impl FnOnce() -> T) -> T {
    use tokio::runtime::{Handle, RuntimeFlavor};
    match Handle::try_current() {
        Ok(h) if h.runtime_flavor() == RuntimeFlavor::MultiThread => tokio::task::block_in_place(work),
        _ => work(),
    }
}

/// Reads, checks and (unless `dry_run`) writes a file into registry `key`.
pub async fn import(
    scoped: &Scoped<'_>,
    key: &str,
    bytes: &[u8],
    file_name: &str,
    options: &ImportOptions,
    progress: &(dyn Fn(usize) + Sync),
) -> Result<ImportOutcome, ImportFailure> {
    let ImportOptions { default_org, dry_run, limits, columns } = options;
    let (default_org, dry_run) = (*default_org, *dry_run);
    let reg = scoped.registry(key).map_err(|e| ImportFailure::fatal(e.to_string()))?;
    let (table, (rows, mut errors, header)) = off_the_workers(|| {
        let table = read(bytes, file_name, limits).map_err(|e| ImportFailure::fatal(e.to_string()))?;
        let parsed = parse_rows(reg, &table, columns);
        Ok::<_, ImportFailure>((table, parsed))
    })?;
    let n = rows.len();
    let preview = crate::preview::preview(reg, &header, &rows);
    // So many bad cells that the store's checks would only add to a list nobody reads.
    let skip_store = errors.len() > MAX_ERRORS;
    let cols = import_columns(reg);
    let locate = |field: &str| -> (String, Option<usize>) {
        // A derived field the file does not carry (出生日期 from the ID number) is located at its source.
        let field = match reg.field(field).and_then(|f| f.derived.as_ref()) {
            Some(d) if !header.at.contains_key(field) => d.from.as_str(),
            _ => field,
        };
        match (header.at.get(field), cols.iter().find(|c| c.key == field)) {
            (Some(i), Some(c)) => (label(*i, c.label_zh), Some(*i)),
            (None, Some(c)) => (c.label_zh.to_owned(), None),
            _ => (field.to_owned(), None),
        }
    };
    // With cell errors, still run the store's checks on the rows that parsed (as a dry run), so
    // the user gets every error at once.
    let result = if skip_store {
        Err(StoreError::Import(Vec::new()))
    } else {
        scoped.import_records(key, rows, default_org, dry_run || !errors.is_empty(), progress).await
    };
    let place = |mut p: RowError| {
        let field = if p.column == ORG_KEY { ORG_KEY.to_owned() } else { p.column.clone() };
        let (col, idx) = locate(&field);
        let sensitive = reg.field(&field).is_some_and(|f| f.sensitive)
            || reg.field(&field).and_then(|f| f.derived.as_ref()).is_some_and(|d| reg.is_personal(&d.from));
        let raw = idx
            .and_then(|i| table.rows.iter().find(|r| r.number == p.row).and_then(|r| r.cells.get(i)))
            .map(Cell::as_text)
            .unwrap_or_default();
        p.value = shown(sensitive, raw);
        p.column = col;
        p
    };
    match result {
        Ok(done) if errors.is_empty() => {
            let (header_row, ignored) = (header.number, header.ignored.clone());
            let warnings = done.warnings.into_iter().map(place).collect();
            return Ok(ImportOutcome { rows: n, report: done.report, dry_run, header_row, ignored, warnings, preview });
        }
        Ok(_) => {}
        Err(StoreError::Import(problems)) => errors.extend(problems.into_iter().map(place)),
        Err(e) => return Err(ImportFailure::fatal(e.to_string())),
    }
    errors.sort_by_key(|e| e.row);
    let truncated = errors.len() > MAX_ERRORS;
    errors.truncate(MAX_ERRORS);
    let last_row = if truncated { errors.last().map_or(0, |e| e.row) } else { usize::MAX };
    let cell_errors: Vec<CellError> = errors
        .iter()
        .map(|e| {
            let idx = e
                .column
                .split(' ')
                .next()
                .and_then(|letter| (0..table.width().max(1)).find(|i| column_letter(*i) == letter));
            let msg = e.message_zh.clone();
            match idx {
                Some(i) if !e.column.is_empty() => CellError::cell(e.row, i, msg),
                _ => CellError::row(e.row, msg),
            }
        })
        .collect();
    let report_xlsx =
        off_the_workers(|| write_error_report(&masked(reg, &table, &header, last_row), &cell_errors).ok());
    Err(ImportFailure { errors, report_xlsx, fatal: None, truncated })
}
