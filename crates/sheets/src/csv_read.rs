//! Reading CSV text the way Excel opens it.
//!
//! Row numbers count records, not physical lines: a quoted field holding line breaks stays one row,
//! as Excel shows it. Blank lines count as (empty) rows, so the numbers after them still match
//! what Excel shows, and are then left out of the table like any blank row.

use crate::read::TableBuilder;
use crate::{Cell, Limits, SheetError, Table, decode_text};

/// Reads CSV bytes into a table named `sheet`.
pub(crate) fn read_csv(bytes: &[u8], sheet: &str, limits: &Limits) -> Result<Table, SheetError> {
    let text = decode_text(bytes);
    let delimiter = sniff_delimiter(&text);
    let mut builder = TableBuilder::new(limits);
    let mut row0 = 0usize;
    parse_records(&text, delimiter, |fields| {
        for (col0, field) in fields.into_iter().enumerate() {
            if !field.is_empty() {
                builder.push(row0, col0, Cell::Text(field))?;
            }
        }
        row0 += 1;
        Ok(())
    })?;
    Ok(builder.finish(sheet.to_owned()))
}

/// The delimiter of the first record among `,`, tab and `;`: the one occurring most often outside
/// quotes; comma on a tie or when none occurs.
pub(crate) fn sniff_delimiter(text: &str) -> char {
    const CANDIDATES: [char; 3] = [',', '\t', ';'];
    let mut counts = [0usize; 3];
    let mut in_quotes = false;
    for c in text.chars().take(65_536) {
        match c {
            '"' => in_quotes = !in_quotes,
            '\n' | '\r' if !in_quotes => break,
            c if !in_quotes => {
                if let Some(i) = CANDIDATES.iter().position(|d| *d == c) {
                    counts[i] += 1;
                }
            }
            _ => {}
        }
    }
    let mut best = 0;
    for i in 1..CANDIDATES.len() {
        if counts[i] > counts[best] {
            best = i;
        }
    }
    CANDIDATES[best]
}

/// Splits CSV text into records, handing each to `on_record`. Leniently, as Excel does: a field is
/// quoted only if it starts with `"`; `""` inside quotes is one `"`; text after a closing quote is
/// appended; an unclosed quote runs to the end of the text. Records end at LF, CRLF or CR; a final
/// line break adds no record.
pub(crate) fn parse_records(
    text: &str,
    delimiter: char,
    mut on_record: impl FnMut(Vec<String>) -> Result<(), SheetError>,
) -> Result<(), SheetError> {
    let mut fields = Vec::new();
    let mut field = String::new();
    let mut chars = text.chars().peekable();
    let mut in_quotes = false;
    let mut at_field_start = true;
    let mut record_started = false;
    while let Some(c) = chars.next() {
        if in_quotes {
            if c == '"' {
                if chars.peek() == Some(&'"') {
                    chars.next();
                    field.push('"');
                } else {
                    in_quotes = false;
                }
            } else {
                field.push(c);
            }
            continue;
        }
        match c {
            '"' if at_field_start => {
                in_quotes = true;
                at_field_start = false;
                record_started = true;
            }
            '\r' | '\n' => {
                if c == '\r' && chars.peek() == Some(&'\n') {
                    chars.next();
                }
                fields.push(std::mem::take(&mut field));
                on_record(std::mem::take(&mut fields))?;
                at_field_start = true;
                record_started = false;
            }
            c if c == delimiter => {
                fields.push(std::mem::take(&mut field));
                at_field_start = true;
                record_started = true;
            }
            c => {
                field.push(c);
                at_field_start = false;
                record_started = true;
            }
        }
    }
    if record_started {
        fields.push(field);
        on_record(fields)?;
    }
    Ok(())
}
