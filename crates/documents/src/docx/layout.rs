//! Paragraphs of an official document: type sizes, faces, the body's line pitch, headings,
//! tables, the 附件说明 and the 落款 placed by GB/T 9704-2012 7.3.5.2.

use docx_rs::{
    AlignmentType, Docx, LineSpacing, LineSpacingType, Paragraph, Run, RunFonts, SpecialIndentType, Table, TableCell,
    TableRow, VAlignType, WidthType,
};
use kaohe_domain::report::{Block, Inline, doc::plain};

/// Half-points of the Chinese type sizes used.
pub(super) const SIZE_2HAO: usize = 44; // 22 pt
pub(super) const SIZE_3HAO: usize = 32; // 16 pt
pub(super) const SIZE_4HAO: usize = 28; // 14 pt
/// The body's fixed line pitch: 28.95 pt, 22 lines filling the 225 mm type area.
pub(super) const LINE_PITCH: i32 = 579;
/// 3号 characters set a quarter point tighter (in twips): 28 of them fill the 156 mm line (16 pt
/// each would need 158 mm). A spacing rather than a character grid, because LibreOffice gives a
/// character wider than a grid cell two cells.
const TIGHTEN: i32 = -5;
/// One character of the 28-character line (156 mm ÷ 28), in twips.
pub(super) const CHAR: i32 = 316;

pub(super) const FANGSONG: &str = "仿宋_GB2312";
pub(super) const HEITI: &str = "黑体";
pub(super) const KAITI: &str = "楷体_GB2312";
pub(super) const XIAOBIAOSONG: &str = "方正小标宋简体";
pub(super) const SONGTI: &str = "宋体";

/// The faces of a run: `east_asia` for Chinese text, digits and Latin letters in Times New Roman
/// as offices set them; punctuation shared by both scripts (“” —) taken as Chinese.
pub(super) fn fonts(east_asia: &str) -> RunFonts {
    RunFonts::new().east_asia(east_asia).ascii("Times New Roman").hi_ansi("Times New Roman").hint("eastAsia")
}

pub(super) fn run(text: &str, font: &str, size: usize) -> Run {
    let r = Run::new().add_text(text).fonts(fonts(font)).size(size);
    if size == SIZE_3HAO { r.character_spacing(TIGHTEN) } else { r }
}

fn exact(line: i32) -> LineSpacing {
    LineSpacing::new().line(line).line_rule(LineSpacingType::Exact)
}

/// A paragraph of runs at the line pitch. Widow and orphan control is off: every page holds its
/// 22 lines (撑满版心), as the standard sets them.
fn paragraph(runs: &[Inline], font: &str, size: usize) -> Paragraph {
    runs.iter()
        .fold(Paragraph::new(), |p, r| p.add_run(run(r.text(), font, size)))
        .widow_control(false)
        .line_spacing(exact(LINE_PITCH))
        .fonts(fonts(font))
        .size(size)
}

fn indented(p: Paragraph) -> Paragraph {
    p.indent(None, Some(SpecialIndentType::FirstLine(2 * CHAR)), None, None)
}

/// An empty body line.
pub(super) fn blank() -> Paragraph {
    Paragraph::new().line_spacing(exact(LINE_PITCH)).fonts(fonts(FANGSONG)).size(SIZE_3HAO)
}

/// One body line of a single run, flush left.
pub(super) fn plain_line(r: Run) -> Paragraph {
    Paragraph::new().add_run(r).line_spacing(exact(LINE_PITCH)).size(SIZE_3HAO)
}

/// A title: 2号 小标宋, centred, a blank line under it. Off the character grid: its characters
/// are wider than a grid cell and would each take two.
pub(super) fn title(r: &[Inline]) -> Paragraph {
    paragraph(r, XIAOBIAOSONG, SIZE_2HAO)
        .align(AlignmentType::Center)
        .line_spacing(exact(LINE_PITCH * 3 / 2).after(LINE_PITCH as u32))
        .snap_to_grid(false)
}

/// The type area's width (156 mm) in twips.
const TYPE_AREA: usize = 8844;

/// Width in half characters: a Chinese character or full-width sign 2, a digit or Latin letter 1.
fn halves(s: &str) -> usize {
    s.chars().map(|c| if (c as u32) < 0x1100 { 1 } else { 2 }).sum()
}

/// Column widths in twips, in proportion to each column's widest text, filling the type area.
fn column_widths(rows: &[Vec<Vec<Inline>>]) -> Vec<usize> {
    let columns = rows.iter().map(Vec::len).max().unwrap_or(0);
    let wide: Vec<usize> = (0..columns)
        .map(|c| rows.iter().filter_map(|r| r.get(c)).map(|cell| halves(&plain(cell)).max(4)).max().unwrap_or(4))
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
                            .add_paragraph(
                                Paragraph::new().align(AlignmentType::Center).snap_to_grid(false).add_run(run(
                                    &plain(cell),
                                    FANGSONG,
                                    SIZE_4HAO,
                                )),
                            )
                    })
                    .collect(),
            )
        })
        .collect();
    Table::new(rows).set_grid(widths).align(docx_rs::TableAlignmentType::Center)
}

fn heading(p: Paragraph) -> Paragraph {
    indented(p).keep_next(true)
}

/// Adds one block of the body or of an attachment.
pub(super) fn block(d: Docx, b: &Block) -> Docx {
    match b {
        Block::Title(r) => d.add_paragraph(title(r)),
        Block::Heading(1, r) => d.add_paragraph(heading(paragraph(r, HEITI, SIZE_3HAO))),
        Block::Heading(2, r) => d.add_paragraph(heading(paragraph(r, KAITI, SIZE_3HAO))),
        Block::Heading(_, r) => d.add_paragraph(heading(paragraph(r, FANGSONG, SIZE_3HAO).bold())),
        Block::Paragraph(r) => d.add_paragraph(indented(paragraph(r, FANGSONG, SIZE_3HAO)).align(AlignmentType::Both)),
        Block::Right(r) => d.add_paragraph(paragraph(r, FANGSONG, SIZE_3HAO).align(AlignmentType::Right)),
        Block::Table(rows) => d.add_table(table(rows)),
    }
}

/// 附件说明 (7.3.4): under the body after a blank line, two characters in, `附件：` and the
/// attachments' titles, numbered `1．` when there are several, each further title aligned under
/// the first.
pub(super) fn attachment_notes(titles: &[&str]) -> Vec<Paragraph> {
    let numbered = titles.len() > 1;
    // A long title wraps under its own start: after `附件：` (three characters) and `1．` (one and
    // a half).
    let hang = if numbered { 3 * CHAR / 2 } else { 0 };
    let mut out = vec![blank()];
    for (n, t) in titles.iter().enumerate() {
        let text = if numbered { format!("{}．{t}", n + 1) } else { (*t).to_owned() };
        let (text, first_line_back) = if n == 0 { (format!("附件：{text}"), 3 * CHAR + hang) } else { (text, hang) };
        out.push(paragraph(&[Inline::Text(text)], FANGSONG, SIZE_3HAO).indent(
            Some(5 * CHAR + hang),
            Some(SpecialIndentType::Hanging(first_line_back)),
            None,
            None,
        ));
    }
    out
}

/// The right indents, in half characters, of the 落款 lines (7.3.5.2, a document without a seal):
/// the signature two characters in from the right; the date on the next line, its first
/// character two characters right of the signature's first; a date that would then reach past
/// two characters from the edge goes there and pushes the signature left. With one line, it is
/// two characters in. Several signature lines (joint issuers) start at one column.
pub(super) fn signature_indents(widths: &[usize]) -> Vec<usize> {
    let Some((&date, signatures)) = widths.split_last() else { return Vec::new() };
    if signatures.is_empty() {
        return vec![4];
    }
    let sig = signatures.iter().copied().max().unwrap_or(0);
    let date_indent = 4.max(sig.saturating_sub(date));
    let sig_start = date_indent + date + 4;
    signatures.iter().map(|w| sig_start.saturating_sub(*w)).chain([date_indent]).collect()
}

/// A blank line, then the 落款 lines (`>>` lines of the template) placed by [`signature_indents`].
/// Each line is set from the left (its start worked out from the right indent and its width, a
/// digit half a character), so that the date starts exactly two characters right of the
/// signature whatever face the reader's machine puts digits in.
pub(super) fn signature(lines: &[Block]) -> Vec<Paragraph> {
    const LINE_HALVES: usize = 56;
    let texts: Vec<&[Inline]> =
        lines.iter().filter_map(|b| if let Block::Right(r) = b { Some(r.as_slice()) } else { None }).collect();
    let widths: Vec<usize> = texts.iter().map(|r| halves(&plain(r))).collect();
    let indents = signature_indents(&widths);
    let mut out = vec![blank()];
    for ((r, indent), width) in texts.iter().zip(indents).zip(widths) {
        let left = LINE_HALVES.saturating_sub(indent + width) as i32 * CHAR / 2;
        out.push(paragraph(r, FANGSONG, SIZE_3HAO).align(AlignmentType::Left).indent(Some(left), None, None, None));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_date_starts_two_characters_right_of_the_signature() {
        // 衡阳市总工会 (6 characters = 12 halves), 2010年1月15日 (3 characters + 8 digits = 14).
        let ind = signature_indents(&[12, 14]);
        // The date is longer: two characters in; the signature starts two characters further left.
        assert_eq!(ind, vec![4 + 14 + 4 - 12, 4]);
        // A long signature keeps two characters; the date starts two characters right of it.
        assert_eq!(signature_indents(&[24, 14]), vec![4, 10]);
        assert_eq!(signature_indents(&[14]), vec![4]);
    }
}
