//! What a read spreadsheet holds: cells, rows, a table; and Excel date serial numbers.

use chrono::NaiveDate;

/// One cell as read from a file.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    /// Nothing in the cell.
    Empty,
    /// Text, exactly as stored (CSV fields are always text).
    Text(String),
    /// A number (Excel keeps every number as an `f64`, integers too).
    Number(f64),
    /// TRUE or FALSE.
    Bool(bool),
    /// An Excel date/time cell, as its serial number in the 1900 date system (1904 workbooks are
    /// converted): days since 1899-12-30, the fraction being the time of day.
    Date(f64),
    /// An error value such as `#DIV/0!` or `#N/A`.
    Error(String),
}

impl Cell {
    /// What a person sees in the cell: numbers without a trailing `.0` and never in exponent form
    /// (fractions rounded to Excel's 15 significant digits; integers printed exactly as the `f64`
    /// holds them), dates as `yyyy-mm-dd` (`yyyy-mm-dd hh:mm:ss` with a time, `hh:mm:ss` for a bare
    /// time), booleans as `TRUE`/`FALSE`. Number formats other than dates (percent, thousands
    /// separators) are not applied.
    pub fn as_text(&self) -> String {
        match self {
            Cell::Empty => String::new(),
            Cell::Text(s) | Cell::Error(s) => s.clone(),
            Cell::Number(f) => number_text(*f),
            Cell::Bool(true) => "TRUE".to_owned(),
            Cell::Bool(false) => "FALSE".to_owned(),
            Cell::Date(serial) => date_text(*serial),
        }
    }

    /// Whether a person would call the cell blank: empty, or text of white space only (full-width
    /// spaces included).
    pub fn is_empty(&self) -> bool {
        match self {
            Cell::Empty => true,
            Cell::Text(s) => s.trim().is_empty(),
            _ => false,
        }
    }

    /// The day of a date cell (the time of day dropped); `None` for other cells and for serials
    /// that are no real day (before 1900-01-01, Excel's phantom 1900-02-29, after 9999-12-31).
    pub fn as_date(&self) -> Option<NaiveDate> {
        match self {
            Cell::Date(serial) => serial_to_date(*serial),
            _ => None,
        }
    }
}

/// One row as read, with its number as the spreadsheet shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    /// 1-based row number as the spreadsheet (or Excel opening the CSV) shows it.
    pub number: usize,
    /// The cells, index 0 being column A; every row of a table has the same length.
    pub cells: Vec<Cell>,
}

/// The rows of one worksheet (or of a CSV file).
///
/// Completely blank rows are left out wherever they are, so `rows[0]` is the first non-blank row
/// (usually the header, number 1) and numbers may skip; trailing columns blank in every row are
/// dropped and shorter rows padded with [`Cell::Empty`].
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Table {
    /// The worksheet's name; for a CSV file, the file name without its extension.
    pub sheet: String,
    /// The non-blank rows in order.
    pub rows: Vec<Row>,
}

impl Table {
    /// The number of columns (the length of every row's `cells`).
    pub fn width(&self) -> usize {
        self.rows.first().map_or(0, |r| r.cells.len())
    }
}

/// Formats a number as Excel's General format would, without exponents.
fn number_text(f: f64) -> String {
    if !f.is_finite() {
        return f.to_string();
    }
    if f == 0.0 {
        return "0".to_owned();
    }
    if f.fract() == 0.0 {
        // The exact integer the f64 holds, never in exponent form (4.30104199001011264e17 prints
        // as its 18 digits).
        return format!("{f:.0}");
    }
    // Round to 15 significant digits as Excel shows them (0.1 + 0.2 shows as 0.3).
    let rounded: f64 = format!("{f:.14e}").parse().unwrap_or(f);
    format!("{rounded}")
}

fn date_text(serial: f64) -> String {
    if !serial.is_finite() || serial < 0.0 {
        return number_text(serial);
    }
    let dt = calamine::ExcelDateTime::new(serial, calamine::ExcelDateTimeType::DateTime, false);
    let (y, mo, d, h, mi, s, _ms) = dt.to_ymd_hms_milli();
    let has_time = serial.fract() != 0.0;
    if serial < 1.0 {
        format!("{h:02}:{mi:02}:{s:02}")
    } else if has_time {
        format!("{y:04}-{mo:02}-{d:02} {h:02}:{mi:02}:{s:02}")
    } else {
        format!("{y:04}-{mo:02}-{d:02}")
    }
}

fn epoch() -> NaiveDate {
    NaiveDate::from_ymd_opt(1899, 12, 30).unwrap_or_default()
}

/// The day of an Excel serial number (1900 date system, time of day dropped). `None` for serials
/// below 1, for 60 (Excel's phantom 1900-02-29) and beyond 9999-12-31.
pub fn serial_to_date(serial: f64) -> Option<NaiveDate> {
    if !serial.is_finite() || !(1.0..2_958_466.0).contains(&serial) {
        return None;
    }
    let days = serial.floor() as i64;
    match days {
        60 => None,
        // Before 1900-03-01 Excel counts from 1899-12-31 (it believes 1900 was a leap year).
        d if d < 60 => epoch().checked_add_signed(chrono::Duration::days(d + 1)),
        d => epoch().checked_add_signed(chrono::Duration::days(d)),
    }
}

/// The Excel serial number (1900 date system) of a day.
pub fn date_to_serial(date: NaiveDate) -> f64 {
    let days = (date - epoch()).num_days();
    // Before 1900-03-01 Excel counts from 1899-12-31 (it believes 1900 was a leap year).
    if days < 61 { (days - 1) as f64 } else { days as f64 }
}

/// The 1900-system serial of a calamine date, converting workbooks that use the 1904 date system.
pub(crate) fn serial_of(dt: &calamine::ExcelDateTime) -> f64 {
    let v = dt.as_f64();
    let as_1900 = calamine::ExcelDateTime::new(v, calamine::ExcelDateTimeType::DateTime, false);
    if as_1900.to_ymd_hms_milli() == dt.to_ymd_hms_milli() { v } else { v + 1462.0 }
}
