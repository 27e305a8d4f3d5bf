//! One statistical table as the 统计 staff send it upward: a title block (表名, 填报单位, 报出日期),
//! a bordered table with its header frozen, the 单位负责人/审核人/填表人 line under it, and a print
//! setup of A4 landscape, fitted to the page's width (a very wide sheet across pages, its first
//! column repeated), the header repeated on every page, and `第 x 页，共 y 页` in the footer.

use chrono::NaiveDate;
use rust_xlsxwriter::{Format, FormatAlign, FormatBorder, Workbook, XlsxError};

/// A cell of a table: text, or a number shown with a fixed number of decimals.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Cell {
    Empty,
    Text(String),
    Number(f64, u32),
}

/// A table with its title block.
pub(super) struct Titled<'a> {
    pub sheet: String,
    pub title: String,
    pub org: &'a str,
    pub date: NaiveDate,
    /// Column headers and widths (Excel character units).
    pub columns: Vec<(String, f64)>,
    pub rows: Vec<Vec<Cell>>,
}

/// Rows above the table's header: the title and the 填报单位/报出日期 line.
pub(super) const TITLE_ROWS: u32 = 2;
/// The most columns printed fitted to one page's width; a wider sheet (a 分单位 sheet of a large
/// section) prints across pages with its first column repeated.
const WIDEST_FITTED: usize = 14;
/// A4 in Excel's paper sizes.
const A4: u8 = 9;

fn number_format(decimals: u32) -> String {
    if decimals == 0 { "#,##0".to_owned() } else { format!("#,##0.{}", "0".repeat(decimals as usize)) }
}

/// Adds `t` as a worksheet of `wb`.
pub(super) fn add(wb: &mut Workbook, t: &Titled<'_>) -> Result<(), XlsxError> {
    let last_col = t.columns.len().saturating_sub(1) as u16;
    let title = Format::new()
        .set_bold()
        .set_font_size(16)
        .set_align(FormatAlign::Center)
        .set_align(FormatAlign::VerticalCenter);
    let left = Format::new().set_align(FormatAlign::Left);
    let right = Format::new().set_align(FormatAlign::Right);
    let header = Format::new()
        .set_bold()
        .set_border(FormatBorder::Thin)
        .set_text_wrap()
        .set_align(FormatAlign::Center)
        .set_align(FormatAlign::VerticalCenter)
        .set_background_color(0xEEEEEE);
    let text = Format::new().set_border(FormatBorder::Thin).set_align(FormatAlign::VerticalCenter);
    let ws = wb.add_worksheet();
    ws.set_name(&t.sheet)?;
    // Title block.
    if last_col > 0 {
        ws.merge_range(0, 0, 0, last_col, &t.title, &title)?;
    } else {
        ws.write_string_with_format(0, 0, &t.title, &title)?;
    }
    ws.set_row_height(0, 30)?;
    let half = last_col / 2;
    let org_line = format!("填报单位：{}", t.org);
    let date_line = format!("报出日期：{}年{}月{}日", t.date.format("%Y"), t.date.format("%-m"), t.date.format("%-d"));
    if half > 0 {
        ws.merge_range(1, 0, 1, half, &org_line, &left)?;
    } else {
        ws.write_string_with_format(1, 0, &org_line, &left)?;
    }
    if last_col > half + 1 {
        ws.merge_range(1, half + 1, 1, last_col, &date_line, &right)?;
    } else {
        ws.write_string_with_format(1, last_col.max(1), &date_line, &right)?;
    }
    // The table.
    // The header tall enough for its longest name wrapped in its column (CJK counts double).
    let lines = t
        .columns
        .iter()
        .map(|(name, width)| (kaohe_sheets::display_width(name) / width.max(1.0)).ceil())
        .fold(1.0, f64::max);
    ws.set_row_height(TITLE_ROWS, 15.0 * lines + 4.0)?;
    for (c, (name, width)) in t.columns.iter().enumerate() {
        ws.write_string_with_format(TITLE_ROWS, c as u16, name, &header)?;
        ws.set_column_width(c as u16, *width)?;
    }
    for (i, row) in t.rows.iter().enumerate() {
        let r = TITLE_ROWS + 1 + i as u32;
        for c in 0..t.columns.len() {
            match row.get(c).unwrap_or(&Cell::Empty) {
                Cell::Empty => ws.write_blank(r, c as u16, &text)?,
                Cell::Text(s) => ws.write_string_with_format(r, c as u16, s, &text)?,
                Cell::Number(v, d) => {
                    let f = Format::new().set_border(FormatBorder::Thin).set_num_format(number_format(*d));
                    ws.write_number_with_format(r, c as u16, *v, &f)?
                }
            };
        }
    }
    let foot = TITLE_ROWS + 2 + t.rows.len() as u32;
    ws.write_string_with_format(foot, 0, "单位负责人：　　　　　　审核人：　　　　　　填表人：", &left)?;
    // Header frozen; printed A4 landscape, one page wide, the title block and header on every page.
    ws.set_freeze_panes(TITLE_ROWS + 1, 1)?;
    ws.set_paper_size(A4);
    ws.set_landscape();
    if t.columns.len() <= WIDEST_FITTED {
        ws.set_print_fit_to_pages(1, 0);
    } else {
        // Too many columns to read on one page's width: across pages, the names on each.
        ws.set_repeat_columns(0, 0)?;
    }
    ws.set_print_center_horizontally(true);
    ws.set_repeat_rows(0, TITLE_ROWS)?;
    ws.set_footer("&C第 &P 页，共 &N 页");
    Ok(())
}
