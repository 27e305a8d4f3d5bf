//! Writing tables, import templates and CSV files.

use crate::{LimitKind, SheetError, column_letter};
use chrono::{Datelike, NaiveDate};
use rust_xlsxwriter::{Color, DataValidation, ExcelDateTime, Format, FormatBorder, Formula, Note, Workbook, Worksheet};
use std::borrow::Cow;

/// Rows in an Excel worksheet.
const EXCEL_ROWS: usize = 1_048_576;
/// Columns in an Excel worksheet.
const EXCEL_COLUMNS: usize = 16_384;
/// The last data row (0-based) a template's drop-down lists cover: rows 2..=10001 as Excel shows them.
const TEMPLATE_LAST_ROW: u32 = 10_000;
/// Excel's limit on an inline list of a drop-down (values joined by commas).
const INLINE_LIST_MAX: usize = 255;
/// The hidden sheet holding long drop-down lists.
pub const LISTS_SHEET: &str = "lists";
/// The instructions sheet of a template.
pub const INSTRUCTIONS_SHEET: &str = "填写说明";

/// One cell to write.
#[derive(Debug, Clone, PartialEq)]
pub enum OutCell {
    /// Nothing.
    Empty,
    /// Text, always written as text (never a formula), neutralised by [`neutralise_formula`].
    Text(String),
    /// An integer, written as a number with format `0` (exact up to 2^53).
    Integer(i64),
    /// A number in the General format.
    Number(f64),
    /// A fixed-point value (e.g. money in fen with scale 2) written as a number with that many
    /// decimals and a matching number format (`#,##0.00`).
    Fixed {
        /// The value times 10^scale.
        value: i64,
        /// The number of decimals.
        scale: u32,
    },
    /// A day, written as a real Excel date with format `yyyy-mm-dd` (years 1900–9999).
    Date(NaiveDate),
    /// TRUE or FALSE.
    Bool(bool),
}

/// What a column holds; sets its number format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColumnKind {
    /// Text, format `@` (so Excel keeps ID numbers and codes as typed).
    Text,
    /// Integers, format `0`.
    Integer,
    /// Numbers in the General format.
    Number,
    /// Fixed-point numbers with this many decimals, format `#,##0.00` for 2.
    Fixed(u32),
    /// Days, format `yyyy-mm-dd`.
    Date,
    /// TRUE/FALSE.
    Bool,
}

/// A column of a written table or template.
#[derive(Debug, Clone, PartialEq)]
pub struct Column {
    /// The header text.
    pub header: String,
    /// Marked with a trailing " *" in red in templates.
    pub required: bool,
    /// The width in Excel's character units; 0 chooses one from the header.
    pub width: f64,
    /// What the column holds.
    pub kind: ColumnKind,
    /// A drop-down list of allowed values (templates only).
    pub dropdown: Option<Vec<String>>,
    /// A note (comment) on the header cell (templates only).
    pub note: Option<String>,
}

impl Column {
    /// An optional column with an automatic width, no drop-down and no note.
    pub fn new(header: impl Into<String>, kind: ColumnKind) -> Self {
        Column { header: header.into(), required: false, width: 0.0, kind, dropdown: None, note: None }
    }

    /// Marks the column required.
    pub fn required(mut self) -> Self {
        self.required = true;
        self
    }

    /// Sets the width in Excel's character units.
    pub fn width(mut self, width: f64) -> Self {
        self.width = width;
        self
    }

    /// Sets the drop-down list of allowed values.
    pub fn dropdown(mut self, values: Vec<String>) -> Self {
        self.dropdown = Some(values);
        self
    }

    /// Sets the note on the header cell.
    pub fn note(mut self, note: impl Into<String>) -> Self {
        self.note = Some(note.into());
        self
    }
}

/// Guards text against formula injection: text starting with `=`, `+`, `-`, `@`, tab or CR gets a
/// leading `'`, unless it is a plain number such as `-5` or `+3.2`, or only dashes (`-`, `--`, the
/// usual "none"): harmless, and left intact.
pub fn neutralise_formula(text: &str) -> Cow<'_, str> {
    let risky = matches!(text.chars().next(), Some('=' | '+' | '-' | '@' | '\t' | '\r'));
    let plain_number = text.parse::<f64>().is_ok()
        && text.bytes().all(|b| b.is_ascii_digit() || matches!(b, b'+' | b'-' | b'.' | b'e' | b'E'));
    let dashes = text.bytes().all(|b| b == b'-');
    if risky && !plain_number && !dashes { Cow::Owned(format!("'{text}")) } else { Cow::Borrowed(text) }
}

/// A valid worksheet name: `[]:*?/\` replaced by `_`, at most 31 characters, `fallback` if empty.
pub fn sheet_name(name: &str, fallback: &str) -> String {
    let cleaned: String = name
        .chars()
        .map(|c| if matches!(c, '[' | ']' | ':' | '*' | '?' | '/' | '\\') { '_' } else { c })
        .take(31)
        .collect();
    let cleaned = cleaned.trim().trim_matches('\'').trim();
    if cleaned.is_empty() || cleaned.eq_ignore_ascii_case("history") { fallback.to_owned() } else { cleaned.to_owned() }
}

/// The width of text in Excel's character units (CJK characters count double).
pub fn display_width(text: &str) -> f64 {
    text.chars().map(|c| if (c as u32) < 0x1100 { 1.0 } else { 2.0 }).sum()
}

/// A column width: the one asked for, else fitted to the header (10 to 50).
fn column_width(column: &Column) -> f64 {
    if column.width > 0.0 { column.width } else { (display_width(&column.header) + 4.0).clamp(10.0, 50.0) }
}

fn fixed_pattern(scale: u32) -> String {
    if scale == 0 { "#,##0".to_owned() } else { format!("#,##0.{}", "0".repeat(scale.min(30) as usize)) }
}

/// The formats shared by the writers.
pub(crate) struct Styles {
    pub(crate) header: Format,
    pub(crate) header_required: Format,
    pub(crate) text: Format,
    pub(crate) wrap_text: Format,
    pub(crate) bad: Format,
    integer: Format,
    general: Format,
    date: Format,
    fixed: Vec<Format>,
}

impl Styles {
    pub(crate) fn new() -> Self {
        let header = Format::new().set_bold().set_background_color(Color::RGB(0xD9D9D9)).set_border(FormatBorder::Thin);
        Styles {
            header_required: header.clone().set_font_color(Color::RGB(0xC00000)),
            header,
            text: Format::new().set_num_format("@"),
            wrap_text: Format::new().set_num_format("@").set_text_wrap(),
            bad: Format::new()
                .set_num_format("@")
                .set_background_color(Color::RGB(0xFFC7CE))
                .set_font_color(Color::RGB(0x9C0006)),
            integer: Format::new().set_num_format("0"),
            general: Format::new(),
            date: Format::new().set_num_format("yyyy-mm-dd"),
            fixed: (0..=6).map(|s| Format::new().set_num_format(fixed_pattern(s))).collect(),
        }
    }

    fn fixed(&self, scale: u32) -> Cow<'_, Format> {
        match self.fixed.get(scale as usize) {
            Some(f) => Cow::Borrowed(f),
            None => Cow::Owned(Format::new().set_num_format(fixed_pattern(scale))),
        }
    }

    fn of_kind(&self, kind: ColumnKind) -> Cow<'_, Format> {
        match kind {
            ColumnKind::Text => Cow::Borrowed(&self.text),
            ColumnKind::Integer => Cow::Borrowed(&self.integer),
            ColumnKind::Number | ColumnKind::Bool => Cow::Borrowed(&self.general),
            ColumnKind::Fixed(scale) => self.fixed(scale),
            ColumnKind::Date => Cow::Borrowed(&self.date),
        }
    }
}

/// Writes text as a string cell (never a formula), neutralised against formula injection.
pub(crate) fn write_text(
    ws: &mut Worksheet,
    row: u32,
    col: u16,
    text: &str,
    format: &Format,
) -> Result<(), SheetError> {
    ws.write_string_with_format(row, col, neutralise_formula(text), format)?;
    Ok(())
}

fn write_cell(ws: &mut Worksheet, row: u32, col: u16, cell: &OutCell, styles: &Styles) -> Result<(), SheetError> {
    match cell {
        OutCell::Empty => {}
        OutCell::Text(s) => write_text(ws, row, col, s, &styles.text)?,
        OutCell::Integer(i) => {
            ws.write_number_with_format(row, col, *i as f64, &styles.integer)?;
        }
        OutCell::Number(f) if f.is_finite() => {
            ws.write_number(row, col, *f)?;
        }
        OutCell::Number(f) => {
            let at = format!("{}{}", column_letter(col as usize), row + 1);
            return Err(SheetError::Write { detail: format!("{at}: {f} is not a finite number") });
        }
        OutCell::Fixed { value, scale } => {
            let number = *value as f64 / 10f64.powi(*scale as i32);
            ws.write_number_with_format(row, col, number, &styles.fixed(*scale))?;
        }
        OutCell::Date(d) => {
            let (y, m, day) = (d.year(), d.month(), d.day());
            if !(1900..=9999).contains(&y) {
                let at = format!("{}{}", column_letter(col as usize), row + 1);
                return Err(SheetError::Write { detail: format!("{at}: {d} is outside Excel's years 1900-9999") });
            }
            let date = ExcelDateTime::from_ymd(y as u16, m as u8, day as u8)?;
            ws.write_datetime_with_format(row, col, &date, &styles.date)?;
        }
        OutCell::Bool(b) => {
            ws.write_boolean(row, col, *b)?;
        }
    }
    Ok(())
}

/// Checks a sheet of `rows` rows (header included) and `columns` columns fits in Excel.
pub(crate) fn check_size(rows: usize, columns: usize) -> Result<(), SheetError> {
    if rows > EXCEL_ROWS {
        return Err(SheetError::TooLarge { kind: LimitKind::Rows, limit: EXCEL_ROWS });
    }
    if columns > EXCEL_COLUMNS {
        return Err(SheetError::TooLarge { kind: LimitKind::Columns, limit: EXCEL_COLUMNS });
    }
    Ok(())
}

/// Writes the header row and sets the column widths (and, for templates, formats).
fn write_headers(ws: &mut Worksheet, columns: &[Column], styles: &Styles, template: bool) -> Result<(), SheetError> {
    for (c, column) in columns.iter().enumerate() {
        let col = c as u16;
        if template && column.required {
            write_text(ws, 0, col, &format!("{} *", column.header), &styles.header_required)?;
        } else {
            write_text(ws, 0, col, &column.header, &styles.header)?;
        }
        ws.set_column_width(col, column_width(column))?;
        if template {
            ws.set_column_format(col, &styles.of_kind(column.kind))?;
        }
    }
    ws.set_freeze_panes(1, 0)?;
    Ok(())
}

/// One sheet of a workbook: its name, columns and rows.
#[derive(Debug, Clone, Copy)]
pub struct SheetOut<'a> {
    pub name: &'a str,
    pub columns: &'a [Column],
    pub rows: &'a [Vec<OutCell>],
}

/// Writes a table as an XLSX workbook of one sheet: a bold grey frozen header row with an
/// autofilter, the columns' widths, text as text (neutralised against formula injection), numbers,
/// fixed-point values and dates with their number formats. A row may be shorter than `columns`,
/// not longer.
pub fn write_table(sheet_name: &str, columns: &[Column], rows: &[Vec<OutCell>]) -> Result<Vec<u8>, SheetError> {
    write_workbook(&[SheetOut { name: sheet_name, columns, rows }], None)
}

/// Writes several tables as the sheets of one workbook, each as [`write_table`] writes its one.
/// With `created`, the workbook's creation date is that day (so the same tables give the same
/// bytes); without, it is now.
pub fn write_workbook(sheets: &[SheetOut<'_>], created: Option<NaiveDate>) -> Result<Vec<u8>, SheetError> {
    let styles = Styles::new();
    let mut workbook = Workbook::new();
    if let Some(d) = created {
        let (y, m, day) = (d.year(), d.month(), d.day());
        let at = ExcelDateTime::from_ymd(y.clamp(1900, 9999) as u16, m as u8, day as u8)?;
        workbook.set_properties(&rust_xlsxwriter::DocProperties::new().set_creation_datetime(&at));
    }
    let mut used = Vec::new();
    for (n, sheet) in sheets.iter().enumerate() {
        let SheetOut { name, columns, rows } = *sheet;
        check_size(rows.len() + 1, columns.len())?;
        if let Some((i, row)) = rows.iter().enumerate().find(|(_, r)| r.len() > columns.len()) {
            let detail = format!("data row {} has {} cells but there are {} columns", i + 1, row.len(), columns.len());
            return Err(SheetError::Write { detail });
        }
        // Sheet names must differ (Excel compares them case-insensitively).
        let mut title = self::sheet_name(name, &format!("Sheet{}", n + 1));
        if used.contains(&title.to_lowercase()) {
            title = format!("{}{}", title.chars().take(28).collect::<String>(), n + 1);
        }
        used.push(title.to_lowercase());
        let ws = workbook.add_worksheet();
        ws.set_name(title)?;
        write_headers(ws, columns, &styles, false)?;
        for (i, row) in rows.iter().enumerate() {
            for (c, cell) in row.iter().enumerate() {
                write_cell(ws, i as u32 + 1, c as u16, cell, &styles)?;
            }
        }
        if !columns.is_empty() {
            ws.autofilter(0, 0, rows.len() as u32, columns.len() as u16 - 1)?;
        }
    }
    Ok(workbook.save_to_buffer()?)
}

/// Whether a drop-down list fits inline in the validation (no commas, at most 255 characters).
fn fits_inline(values: &[String]) -> bool {
    let joined: usize = values.iter().map(|v| v.replace('"', "\"\"").chars().count() + 1).sum();
    values.iter().all(|v| !v.contains(',')) && joined.saturating_sub(1) <= INLINE_LIST_MAX
}

fn dropdown_validation(list: DataValidation) -> Result<DataValidation, SheetError> {
    Ok(list
        .set_error_title("输入无效 / Invalid value")?
        .set_error_message("请从下拉列表中选择。/ Please choose a value from the list.")?)
}

/// Writes an import template: an empty data sheet with the headers (required ones marked " *" in
/// red), frozen; each column formatted for its kind (text columns as text `@`, so Excel keeps ID
/// numbers and codes as typed); drop-down lists over rows 2..=10001 (a list too long for Excel's
/// inline limit goes to a hidden sheet [`LISTS_SHEET`]); header notes. A second sheet
/// [`INSTRUCTIONS_SHEET`] lists the `instructions` as 项目 / 说明 pairs.
pub fn write_template(
    sheet_name: &str,
    columns: &[Column],
    instructions: &[(String, String)],
) -> Result<Vec<u8>, SheetError> {
    check_size(1, columns.len())?;
    let styles = Styles::new();
    // Which columns' lists go to the hidden sheet, and in which of its columns.
    let mut hidden_lists: Vec<(usize, &[String])> = Vec::new();
    let mut list_refs: Vec<Option<String>> = vec![None; columns.len()];
    for (c, column) in columns.iter().enumerate() {
        if let Some(values) = column.dropdown.as_deref().filter(|v| !v.is_empty() && !fits_inline(v)) {
            let k = hidden_lists.len();
            let letter = column_letter(k);
            list_refs[c] = Some(format!("={LISTS_SHEET}!${letter}$2:${letter}${}", values.len() + 1));
            hidden_lists.push((c, values));
        }
    }
    let mut workbook = Workbook::new();
    let name = self::sheet_name(sheet_name, "Sheet1");
    let name = if name == INSTRUCTIONS_SHEET || name == LISTS_SHEET { "数据".to_owned() } else { name };
    let ws = workbook.add_worksheet();
    ws.set_name(name)?;
    write_headers(ws, columns, &styles, true)?;
    for (c, column) in columns.iter().enumerate() {
        let col = c as u16;
        if let Some(note) = &column.note {
            ws.insert_note(0, col, &Note::new(note).add_author_prefix(false).set_width(240))?;
        }
        let validation = match (&list_refs[c], column.dropdown.as_deref()) {
            (Some(formula), _) => DataValidation::new().allow_list_formula(Formula::new(formula)),
            (None, Some(values)) if !values.is_empty() => DataValidation::new().allow_list_strings(values)?,
            _ => continue,
        };
        ws.add_data_validation(1, col, TEMPLATE_LAST_ROW, col, &dropdown_validation(validation)?)?;
    }

    let ws = workbook.add_worksheet();
    ws.set_name(INSTRUCTIONS_SHEET)?;
    write_text(ws, 0, 0, "项目", &styles.header)?;
    write_text(ws, 0, 1, "说明", &styles.header)?;
    ws.set_column_width(0, 24)?;
    ws.set_column_width(1, 80)?;
    for (i, (item, text)) in instructions.iter().enumerate() {
        write_text(ws, i as u32 + 1, 0, item, &styles.wrap_text)?;
        write_text(ws, i as u32 + 1, 1, text, &styles.wrap_text)?;
    }
    ws.set_freeze_panes(1, 0)?;

    if !hidden_lists.is_empty() {
        let ws = workbook.add_worksheet();
        ws.set_name(LISTS_SHEET)?;
        for (k, (c, values)) in hidden_lists.iter().enumerate() {
            let col = k as u16;
            write_text(ws, 0, col, &columns[*c].header, &styles.header)?;
            for (i, value) in values.iter().enumerate() {
                // Verbatim, so the drop-down offers the very values; a string cell is never evaluated.
                ws.write_string(i as u32 + 1, col, value)?;
            }
        }
        ws.set_hidden(true);
    }
    Ok(workbook.save_to_buffer()?)
}

/// Appends one CSV record: fields quoted when they hold `,` `"` CR or LF, CRLF at the end.
fn push_record<'a>(out: &mut String, fields: impl Iterator<Item = &'a str>) {
    for (i, field) in fields.enumerate() {
        if i > 0 {
            out.push(',');
        }
        let field = neutralise_formula(field);
        if field.contains([',', '"', '\r', '\n']) {
            out.push('"');
            out.push_str(&field.replace('"', "\"\""));
            out.push('"');
        } else {
            out.push_str(&field);
        }
    }
    out.push_str("\r\n");
}

/// Writes a CSV file Excel opens correctly: UTF-8 with a BOM, comma-separated, CRLF line ends,
/// fields quoted where needed and neutralised against formula injection.
pub fn write_csv(headers: &[String], rows: &[Vec<String>]) -> Vec<u8> {
    let mut out = String::from("\u{FEFF}");
    push_record(&mut out, headers.iter().map(String::as_str));
    for row in rows {
        push_record(&mut out, row.iter().map(String::as_str));
    }
    out.into_bytes()
}
