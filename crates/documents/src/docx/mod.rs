//! The report as DOCX, laid out by GB/T 9704-2012 (党政机关公文格式): A4 with the standard
//! margins (top 37 mm, bottom 35 mm, left 28 mm, right 26 mm: a 156 × 225 mm type area) holding
//! 28 characters by 22 lines; the title in 2号 方正小标宋简体 centred; the body in
//! 3号 仿宋_GB2312 at a fixed 28 pt line pitch with a two-character first-line indent; level-1
//! headings in 黑体, level-2 in 楷体_GB2312; the 附件说明 under the body; a blank line, then the
//! 落款 and the date placed by 7.3.5.2; each attachment on a new page under `附件` (黑体, flush
//! left) and its title (小标宋, centred, on the third line); page numbers `— 1 —` in 4号 半角宋体
//! at the foot, right on odd pages and left on even ones. Fonts are named, not embedded, with
//! the faces of a stock Windows as alternatives (see [`package`]).

mod layout;
mod package;

use crate::DocumentError;
use chrono::NaiveDate;
use docx_rs::{
    AlignmentType, DocGrid, DocGridType, Docx, FieldCharType, Footer, InstrPAGE, InstrText, PageMargin, Paragraph, Run,
};
use kaohe_domain::report::{Block, Doc, doc::plain};
use layout::{CHAR, SIZE_3HAO, SIZE_4HAO, fonts, run};

/// What a document says about itself besides its text.
#[derive(Debug, Clone, Copy)]
pub struct DocxInfo<'a> {
    /// The document's date (its properties' creation date), so the same report gives the same bytes.
    pub date: NaiveDate,
    /// The issuing org, the document's author.
    pub author: &'a str,
}

/// Millimetres to twentieths of a point.
fn mm(v: f64) -> i32 {
    (v * 1440.0 / 25.4).round() as i32
}

/// The grid's line pitch: the 225 mm type area in 22 lines.
const GRID_LINE: usize = layout::LINE_PITCH as usize;

fn page_number(align: AlignmentType) -> Paragraph {
    // 4号 半角宋体 digits between 一字线, the field's runs sized like the dashes.
    let face = || fonts(layout::SONGTI).ascii(layout::SONGTI).hi_ansi(layout::SONGTI);
    let piece = |r: Run| r.fonts(face()).size(SIZE_4HAO);
    let p = Paragraph::new()
        .align(align)
        .add_run(piece(Run::new().add_text("— ")))
        .add_run(piece(Run::new().add_field_char(FieldCharType::Begin, false)))
        .add_run(piece(Run::new().add_instr_text(InstrText::PAGE(InstrPAGE::new()))))
        .add_run(piece(Run::new().add_field_char(FieldCharType::Separate, false)))
        .add_run(piece(Run::new().add_text("1")))
        .add_run(piece(Run::new().add_field_char(FieldCharType::End, false)))
        .add_run(piece(Run::new().add_text(" —")))
        .fonts(face())
        .size(SIZE_4HAO)
        .snap_to_grid(false);
    // One character's space from the edge: right on odd pages, left on even ones.
    if matches!(align, AlignmentType::Right) {
        p.indent(None, None, Some(CHAR), None)
    } else {
        p.indent(Some(CHAR), None, None, None)
    }
}

/// An attachment: its title (the heading's text after `附件：`) and its blocks.
struct Attachment<'a> {
    title: String,
    blocks: &'a [Block],
}

/// A heading that starts an attachment: `附件：…`, `附件1：…`, `附件`.
fn attachment_title(b: &Block) -> Option<String> {
    let Block::Heading(_, r) = b else { return None };
    let text = plain(r);
    let rest = text.trim().strip_prefix("附件")?;
    let rest = rest.trim_start_matches(|c: char| c.is_ascii_digit() || ('０'..='９').contains(&c));
    Some(rest.trim_start_matches(['：', ':', '、', ' ', '.', '．']).trim().to_owned())
}

/// Splits the blocks into the body and the attachments that follow it.
fn split(blocks: &[Block]) -> (&[Block], Vec<Attachment<'_>>) {
    let starts: Vec<usize> =
        blocks.iter().enumerate().filter(|(_, b)| attachment_title(b).is_some()).map(|(i, _)| i).collect();
    let Some(&first) = starts.first() else { return (blocks, Vec::new()) };
    let attachments = starts
        .iter()
        .enumerate()
        .map(|(n, &s)| {
            let end = starts.get(n + 1).copied().unwrap_or(blocks.len());
            Attachment { title: attachment_title(&blocks[s]).unwrap_or_default(), blocks: &blocks[s + 1..end] }
        })
        .collect();
    (&blocks[..first], attachments)
}

/// Writes `doc` as a DOCX file.
pub fn write_docx(doc: &Doc, info: &DocxInfo<'_>) -> Result<Vec<u8>, DocumentError> {
    let stamp = format!("{}T00:00:00Z", info.date.format("%Y-%m-%d"));
    let mut d = Docx::new()
        .page_size(11906, 16838)
        .page_margin(
            PageMargin::new()
                .top(mm(37.0))
                .bottom(mm(35.0))
                .left(mm(28.0))
                .right(mm(26.0))
                .header(mm(15.0))
                // The page number's 一字线 7 mm under the type area (its line's foot 3.5 mm lower).
                .footer(mm(35.0 - 7.0 - 3.5)),
        )
        .default_fonts(fonts(layout::FANGSONG))
        .default_size(SIZE_3HAO)
        .created_at(&stamp)
        .updated_at(&stamp)
        .footer(Footer::new().add_paragraph(page_number(AlignmentType::Right)))
        .even_footer(Footer::new().add_paragraph(page_number(AlignmentType::Left)));
    d.document.section_property = std::mem::take(&mut d.document.section_property)
        .doc_grid(DocGrid::new().grid_type(DocGridType::Lines).line_pitch(GRID_LINE));
    let (body, attachments) = split(&doc.blocks);
    let titles: Vec<&str> = attachments.iter().map(|a| a.title.as_str()).collect();
    let mut notes_written = titles.is_empty();
    let mut i = 0;
    while i < body.len() {
        if matches!(body[i], Block::Right(_)) {
            let end = body[i..].iter().position(|b| !matches!(b, Block::Right(_))).map_or(body.len(), |n| i + n);
            if !notes_written {
                d = layout::attachment_notes(&titles).into_iter().fold(d, Docx::add_paragraph);
                notes_written = true;
            }
            d = layout::signature(&body[i..end]).into_iter().fold(d, Docx::add_paragraph);
            i = end;
            continue;
        }
        d = layout::block(d, &body[i]);
        i += 1;
    }
    if !notes_written {
        d = layout::attachment_notes(&titles).into_iter().fold(d, Docx::add_paragraph);
    }
    let numbered = attachments.len() > 1;
    for (n, a) in attachments.iter().enumerate() {
        let label = if numbered { format!("附件{}", n + 1) } else { "附件".to_owned() };
        d = d.add_paragraph(layout::plain_line(run(&label, layout::HEITI, SIZE_3HAO)).page_break_before(true));
        d = d.add_paragraph(layout::blank());
        if !a.title.is_empty() {
            d = d.add_paragraph(layout::title(&[kaohe_domain::report::Inline::Text(a.title.clone())]));
        }
        d = a.blocks.iter().fold(d, layout::block);
    }
    let title = doc.blocks.iter().find_map(|b| if let Block::Title(r) = b { Some(plain(r)) } else { None });
    let xml = package::finish(d.build(), title.as_deref().unwrap_or(""), info.author, &stamp);
    let mut out = std::io::Cursor::new(Vec::new());
    xml.pack(&mut out).map_err(|e| DocumentError::Docx(e.to_string()))?;
    Ok(out.into_inner())
}
