//! The report as DOCX, laid out by GB/T 9704-2012 (党政机关公文格式): A4 with the standard
//! margins (top 37 mm, bottom 35 mm, left 28 mm, right 26 mm: a 156 × 225 mm type area), the
//! title in 2号 方正小标宋简体 centred, the body in 3号 仿宋_GB2312 at a fixed 28 pt line pitch with a
//! two-character first-line indent, level-1 headings in 黑体, level-2 in 楷体_GB2312, and page
//! numbers `— 1 —` in 4号 宋体 at the foot, right on odd pages and left on even ones. Fonts are named,
//! not embedded: the reader's machine supplies them (WPS and Word on Chinese systems have them;
//! LibreOffice substitutes).

use crate::DocumentError;
use chrono::NaiveDate;
use docx_rs::{
    AlignmentType, Docx, Footer, LineSpacing, LineSpacingType, PageMargin, PageNum, Paragraph, Run, RunFonts,
    SpecialIndentType, Table, TableCell, TableRow, VAlignType, WidthType,
};
use kaohe_domain::report::{Block, Doc, Inline, doc::plain};

/// Millimetres to twentieths of a point.
fn mm(v: f64) -> i32 {
    (v * 1440.0 / 25.4).round() as i32
}

/// Half-points of the Chinese type sizes used.
const SIZE_2HAO: usize = 44; // 22 pt
const SIZE_3HAO: usize = 32; // 16 pt
const SIZE_4HAO: usize = 28; // 14 pt
/// The body's fixed line pitch: 28 pt, 22 lines to the 225 mm type area.
const LINE_PITCH: i32 = 560;
/// Two characters of 3号 text, the first-line indent.
const INDENT_2CHARS: i32 = 640;

const FANGSONG: &str = "仿宋_GB2312";
const HEITI: &str = "黑体";
const KAITI: &str = "楷体_GB2312";
const XIAOBIAOSONG: &str = "方正小标宋简体";
const SONGTI: &str = "宋体";

fn fonts(east_asia: &str) -> RunFonts {
    // Digits and Latin letters in Times New Roman, as offices set them.
    RunFonts::new().east_asia(east_asia).ascii("Times New Roman").hi_ansi("Times New Roman")
}

fn run(text: &str, font: &str, size: usize) -> Run {
    Run::new().add_text(text).fonts(fonts(font)).size(size)
}

fn exact(line: i32) -> LineSpacing {
    LineSpacing::new().line(line).line_rule(LineSpacingType::Exact)
}

fn paragraph(runs: &[Inline], font: &str, size: usize) -> Paragraph {
    runs.iter()
        .fold(Paragraph::new(), |p, r| p.add_run(run(r.text(), font, size)))
        .line_spacing(exact(LINE_PITCH))
        .fonts(fonts(font))
        .size(size)
}

fn indented(p: Paragraph) -> Paragraph {
    p.indent(None, Some(SpecialIndentType::FirstLine(INDENT_2CHARS)), None, None)
}

fn page_number(align: AlignmentType) -> Paragraph {
    let dash = |t: &str| run(t, SONGTI, SIZE_4HAO);
    // One character's space from the edge: right on odd pages, left on even ones.
    let edge = Some(280);
    let p = Paragraph::new().align(align).add_run(dash("— ")).add_page_num(PageNum::new()).add_run(dash(" —"));
    let p = p.fonts(fonts(SONGTI)).size(SIZE_4HAO);
    if matches!(align, AlignmentType::Right) {
        p.indent(None, None, edge, None)
    } else {
        p.indent(edge, None, None, None)
    }
}

/// The type area's width (156 mm) in twips.
const TYPE_AREA: usize = 8844;

/// Column widths in twips, in proportion to each column's widest text (CJK counting double),
/// filling the type area.
fn column_widths(rows: &[Vec<Vec<Inline>>]) -> Vec<usize> {
    let columns = rows.iter().map(Vec::len).max().unwrap_or(0);
    let width = |s: &str| s.chars().map(|c| if (c as u32) < 0x1100 { 1 } else { 2 }).sum::<usize>().max(4);
    let wide: Vec<usize> = (0..columns)
        .map(|c| rows.iter().filter_map(|r| r.get(c)).map(|cell| width(&plain(cell))).max().unwrap_or(4))
        .collect();
    let total: usize = wide.iter().sum::<usize>().max(1);
    wide.iter().map(|w| TYPE_AREA * w / total).collect()
}

fn table(rows: &[Vec<Vec<Inline>>]) -> Table {
    let widths = column_widths(rows);
    let rows = rows
        .iter()
        .map(|row| {
            TableRow::new(
                row.iter()
                    .enumerate()
                    .map(|(i, cell)| {
                        TableCell::new()
                            .width(widths.get(i).copied().unwrap_or(0), WidthType::Dxa)
                            .vertical_align(VAlignType::Center)
                            .add_paragraph(Paragraph::new().align(AlignmentType::Center).add_run(run(
                                &plain(cell),
                                FANGSONG,
                                SIZE_4HAO,
                            )))
                    })
                    .collect(),
            )
        })
        .collect();
    Table::new(rows).set_grid(widths).align(docx_rs::TableAlignmentType::Center)
}

/// A heading: kept with the next paragraph; an attachment (附件) starts a new page.
fn heading(p: Paragraph, runs: &[Inline]) -> Paragraph {
    indented(p).keep_next(true).page_break_before(plain(runs).starts_with("附件"))
}

/// Writes `doc` as a DOCX file. `date` is the document's creation date in its properties (the
/// report's date, so that the same report gives the same bytes).
pub fn write_docx(doc: &Doc, date: NaiveDate) -> Result<Vec<u8>, DocumentError> {
    let stamp = format!("{}T00:00:00Z", date.format("%Y-%m-%d"));
    let mut d = Docx::new()
        .page_size(11906, 16838)
        .page_margin(
            PageMargin::new()
                .top(mm(37.0))
                .bottom(mm(35.0))
                .left(mm(28.0))
                .right(mm(26.0))
                .header(mm(15.0))
                .footer(mm(28.0) - mm(7.0)),
        )
        .default_fonts(fonts(FANGSONG))
        .default_size(SIZE_3HAO)
        .created_at(&stamp)
        .updated_at(&stamp)
        .footer(Footer::new().add_paragraph(page_number(AlignmentType::Right)))
        .even_footer(Footer::new().add_paragraph(page_number(AlignmentType::Left)));
    for b in &doc.blocks {
        d =
            match b {
                Block::Title(r) => d.add_paragraph(
                    paragraph(r, XIAOBIAOSONG, SIZE_2HAO)
                        .align(AlignmentType::Center)
                        .line_spacing(exact(LINE_PITCH * 3 / 2).after(LINE_PITCH as u32)),
                ),
                Block::Heading(1, r) => d.add_paragraph(heading(paragraph(r, HEITI, SIZE_3HAO), r)),
                Block::Heading(2, r) => d.add_paragraph(heading(paragraph(r, KAITI, SIZE_3HAO), r)),
                Block::Heading(_, r) => d.add_paragraph(heading(paragraph(r, FANGSONG, SIZE_3HAO).bold(), r)),
                Block::Paragraph(r) => {
                    d.add_paragraph(indented(paragraph(r, FANGSONG, SIZE_3HAO)).align(AlignmentType::Both))
                }
                // 落款 and date: right-aligned, four characters in from the edge.
                Block::Right(r) => d.add_paragraph(
                    paragraph(r, FANGSONG, SIZE_3HAO).align(AlignmentType::Right).indent(None, None, Some(1280), None),
                ),
                Block::Table(rows) => d.add_table(table(rows)),
            };
    }
    let mut out = std::io::Cursor::new(Vec::new());
    d.build().pack(&mut out).map_err(|e| DocumentError::Docx(e.to_string()))?;
    Ok(out.into_inner())
}
