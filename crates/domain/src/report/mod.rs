//! The year-end report: facts gathered from the data ([`facts`]), a pack's template rendered over
//! them ([`template`], with the Chinese figure [`phrase`]s) into a [`doc::Doc`], and that document
//! written as Markdown or HTML (DOCX and XLSX are written by the `kaohe-documents` crate), with
//! the statistical [`tables`].

pub mod doc;
pub mod facts;
pub mod html;
pub mod limits;
pub mod markdown;
pub mod phrase;
pub mod tables;
pub mod template;

#[cfg(test)]
mod tests;

pub use doc::{Block, Doc, Inline, Target};
pub use facts::{ChildFigures, Facts, FigureFact, ListItem, Narrative, RankRow, Wants};
pub use template::{Missing, Outcome, ReportTemplate, TemplateError, render};
