//! A rendered report as blocks of text with linked figures, the one form every output (Markdown,
//! HTML, DOCX) is written from.
//!
//! A template writes a small line language: `# ` the title, `## ` a level-1 heading (一、),
//! `### ` level 2 (一是), `#### ` level 3 (1、), `>> ` a right-aligned line (落款, date), `|`
//! rows a table (its first row the header; a `|---|` row is skipped), anything else paragraph text
//! — consecutive lines join into one paragraph, a blank line ends it. Figures and names arrive
//! wrapped in private-use markers by the template helpers (see [`link`]) and become [`Inline::Link`].

use serde::Serialize;

const OPEN: char = '\u{E000}';
const MID: char = '\u{E001}';
const CLOSE: char = '\u{E002}';

/// Where a linked piece of text leads.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum Target {
    /// An indicator's drill-down at the report's org and year.
    Figure(String),
    /// One record.
    Record { registry: String, id: i64 },
}

/// A run of text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum Inline {
    Text(String),
    Link { target: Target, text: String },
}

impl Inline {
    /// The text shown, link or not.
    pub fn text(&self) -> &str {
        match self {
            Inline::Text(t) | Inline::Link { text: t, .. } => t,
        }
    }
}

/// One block of the report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum Block {
    Title(Vec<Inline>),
    /// Level 1–3.
    Heading(u8, Vec<Inline>),
    Paragraph(Vec<Inline>),
    /// Right-aligned: the issuing org and the date.
    Right(Vec<Inline>),
    /// Rows of cells; the first row is the header.
    Table(Vec<Vec<Vec<Inline>>>),
}

/// A rendered report.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Doc {
    pub blocks: Vec<Block>,
}

/// Wraps `text` so that it becomes a link to `target` in the document.
pub fn link(target: &Target, text: &str) -> String {
    let t = match target {
        Target::Figure(k) => format!("f:{k}"),
        Target::Record { registry, id } => format!("r:{registry}:{id}"),
    };
    // The text itself may not hold markers: strip any.
    let clean: String = text.chars().filter(|c| ![OPEN, MID, CLOSE].contains(c)).collect();
    format!("{OPEN}{t}{MID}{clean}{CLOSE}")
}

fn parse_target(t: &str) -> Option<Target> {
    if let Some(k) = t.strip_prefix("f:") {
        return Some(Target::Figure(k.to_owned()));
    }
    let rest = t.strip_prefix("r:")?;
    let (registry, id) = rest.rsplit_once(':')?;
    Some(Target::Record { registry: registry.to_owned(), id: id.parse().ok()? })
}

/// Splits text into runs, turning markers into links (a broken marker is kept as text).
pub fn inlines(s: &str) -> Vec<Inline> {
    let mut out = Vec::new();
    let mut text = String::new();
    let mut rest = s;
    while let Some(i) = rest.find(OPEN) {
        text.push_str(&rest[..i]);
        let after = &rest[i + OPEN.len_utf8()..];
        let parsed = after.find(CLOSE).and_then(|end| {
            let (t, shown) = after[..end].split_once(MID)?;
            Some((parse_target(t)?, shown.to_owned(), end))
        });
        match parsed {
            Some((target, shown, end)) => {
                text.retain(|c| ![OPEN, MID, CLOSE].contains(&c));
                if !text.is_empty() {
                    out.push(Inline::Text(std::mem::take(&mut text)));
                }
                out.push(Inline::Link { target, text: shown });
                rest = &after[end + CLOSE.len_utf8()..];
            }
            None => rest = after,
        }
    }
    text.push_str(rest);
    text.retain(|c| ![OPEN, MID, CLOSE].contains(&c));
    if !text.is_empty() {
        out.push(Inline::Text(text));
    }
    out
}

fn table_row(line: &str) -> Option<Vec<Vec<Inline>>> {
    let inner = line.trim().strip_prefix('|')?;
    let inner = inner.strip_suffix('|').unwrap_or(inner);
    let cells: Vec<&str> = inner.split('|').map(str::trim).collect();
    if cells.iter().all(|c| !c.is_empty() && c.chars().all(|ch| ch == '-' || ch == ':')) {
        return Some(Vec::new()); // the separator row
    }
    Some(cells.into_iter().map(inlines).collect())
}

/// Reads the template's output into blocks.
pub fn parse(text: &str) -> Doc {
    let mut blocks = Vec::new();
    let mut para = String::new();
    let mut table: Vec<Vec<Vec<Inline>>> = Vec::new();
    let flush = |para: &mut String, table: &mut Vec<Vec<Vec<Inline>>>, blocks: &mut Vec<Block>| {
        if !para.is_empty() {
            blocks.push(Block::Paragraph(inlines(para.trim())));
            para.clear();
        }
        if !table.is_empty() {
            blocks.push(Block::Table(std::mem::take(table)));
        }
    };
    for raw in text.lines() {
        let line = raw.trim();
        if line.is_empty() {
            flush(&mut para, &mut table, &mut blocks);
            continue;
        }
        if line.starts_with('|') {
            if !para.is_empty() {
                flush(&mut para, &mut table, &mut blocks);
            }
            if let Some(row) = table_row(line).filter(|r| !r.is_empty()) {
                table.push(row);
            }
            continue;
        }
        let heading = [("#### ", 3u8), ("### ", 2), ("## ", 1)].into_iter().find(|(p, _)| line.starts_with(p));
        if let Some((prefix, level)) = heading {
            flush(&mut para, &mut table, &mut blocks);
            blocks.push(Block::Heading(level, inlines(line[prefix.len()..].trim())));
        } else if let Some(t) = line.strip_prefix("# ") {
            flush(&mut para, &mut table, &mut blocks);
            blocks.push(Block::Title(inlines(t.trim())));
        } else if let Some(t) = line.strip_prefix(">> ") {
            flush(&mut para, &mut table, &mut blocks);
            blocks.push(Block::Right(inlines(t.trim())));
        } else {
            if !table.is_empty() {
                flush(&mut para, &mut table, &mut blocks);
            }
            para.push_str(line);
        }
    }
    flush(&mut para, &mut table, &mut blocks);
    Doc { blocks }
}

/// The plain text of a run list.
pub fn plain(runs: &[Inline]) -> String {
    runs.iter().map(Inline::text).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_survive_the_round_trip_and_broken_markers_stay_text() {
        let s = format!("新组建工会{}家", link(&Target::Figure("new_unions".into()), "573"));
        assert_eq!(
            inlines(&s),
            vec![
                Inline::Text("新组建工会".into()),
                Inline::Link { target: Target::Figure("new_unions".into()), text: "573".into() },
                Inline::Text("家".into()),
            ]
        );
        let r = link(&Target::Record { registry: "honours".into(), id: 7 }, "钢管集团");
        assert_eq!(
            inlines(&r)[0],
            Inline::Link { target: Target::Record { registry: "honours".into(), id: 7 }, text: "钢管集团".into() }
        );
        assert_eq!(plain(&inlines("a\u{E000}x\u{E001}b")), "axb");
    }

    #[test]
    fn blocks_follow_the_line_language() {
        let doc = parse(
            "# 标题\n\n## 一、综合\n第一行\n第二行\n\n| 单位 | 得分 |\n|---|---|\n| 甲 | 95 |\n>> 衡阳市总工会\n",
        );
        assert_eq!(doc.blocks.len(), 5);
        assert_eq!(doc.blocks[0], Block::Title(vec![Inline::Text("标题".into())]));
        assert!(matches!(&doc.blocks[1], Block::Heading(1, _)));
        assert_eq!(doc.blocks[2], Block::Paragraph(vec![Inline::Text("第一行第二行".into())]));
        match &doc.blocks[3] {
            Block::Table(rows) => {
                assert_eq!(rows.len(), 2);
                assert_eq!(plain(&rows[1][1]), "95");
            }
            b => panic!("{b:?}"),
        }
        assert!(matches!(&doc.blocks[4], Block::Right(_)));
    }
}
