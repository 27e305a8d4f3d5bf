//! The report as Markdown: the text as the template wrote it, figures as plain text.

use super::doc::{Block, Doc, Inline, plain};

fn cell(runs: &[Inline]) -> String {
    plain(runs).replace('|', "\\|")
}

/// Writes `doc` as Markdown (one paragraph per line, a blank line between blocks).
pub fn write(doc: &Doc) -> String {
    let mut out = String::new();
    for b in &doc.blocks {
        match b {
            Block::Title(r) => out.push_str(&format!("# {}\n", plain(r))),
            Block::Heading(level, r) => {
                out.push_str(&format!("{} {}\n", "#".repeat(usize::from(*level) + 1), plain(r)));
            }
            Block::Paragraph(r) => out.push_str(&format!("{}\n", plain(r))),
            Block::Right(r) => out.push_str(&format!("<div align=\"right\">{}</div>\n", plain(r))),
            Block::Table(rows) => {
                for (i, row) in rows.iter().enumerate() {
                    let cells: Vec<String> = row.iter().map(|c| cell(c)).collect();
                    out.push_str(&format!("| {} |\n", cells.join(" | ")));
                    if i == 0 {
                        out.push_str(&format!("|{}\n", " --- |".repeat(row.len())));
                    }
                }
            }
        }
        out.push('\n');
    }
    out
}
