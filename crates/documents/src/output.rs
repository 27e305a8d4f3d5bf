//! One entry point for every report format, so the CLI and the web write the same bytes.

use crate::DocumentError;
use kaohe_domain::report::{Doc, Facts, html, markdown, tables};

/// A report file format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReportFormat {
    Docx,
    Html,
    Markdown,
    Xlsx,
}

impl ReportFormat {
    /// Every format, in the order pages offer them.
    pub const ALL: [ReportFormat; 4] =
        [ReportFormat::Docx, ReportFormat::Html, ReportFormat::Markdown, ReportFormat::Xlsx];

    /// `docx`, `html`, `md`, `xlsx`.
    pub fn extension(self) -> &'static str {
        match self {
            ReportFormat::Docx => "docx",
            ReportFormat::Html => "html",
            ReportFormat::Markdown => "md",
            ReportFormat::Xlsx => "xlsx",
        }
    }

    /// The format named by an extension (`md` or `markdown` for Markdown).
    pub fn parse(s: &str) -> Option<Self> {
        match s.to_ascii_lowercase().as_str() {
            "docx" => Some(ReportFormat::Docx),
            "html" | "htm" => Some(ReportFormat::Html),
            "md" | "markdown" => Some(ReportFormat::Markdown),
            "xlsx" => Some(ReportFormat::Xlsx),
            _ => None,
        }
    }

    /// The HTTP content type.
    pub fn content_type(self) -> &'static str {
        match self {
            ReportFormat::Docx => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            ReportFormat::Html => "text/html; charset=utf-8",
            ReportFormat::Markdown => "text/markdown; charset=utf-8",
            ReportFormat::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        }
    }
}

/// Writes a rendered report in `format`; HTML links start at `link_base` (`""`: the site root).
pub fn write_report(format: ReportFormat, doc: &Doc, facts: &Facts, link_base: &str) -> Result<Vec<u8>, DocumentError> {
    Ok(match format {
        ReportFormat::Docx => crate::write_docx(doc, &crate::DocxInfo { date: facts.date, author: &facts.org_name })?,
        ReportFormat::Html => {
            let links =
                html::Links { base: link_base.trim_end_matches('/').to_owned(), org: facts.org_id, year: facts.year };
            html::write(doc, &links).into_bytes()
        }
        ReportFormat::Markdown => markdown::write(doc).into_bytes(),
        ReportFormat::Xlsx => crate::write_stats_xlsx(&tables::build(facts), facts)?,
    })
}
