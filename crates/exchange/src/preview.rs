//! The first rows of an import as they will be stored — dates in full, 是/否, codes, money in
//! yuan — shown before anything is written, so a clerk sees `200903` become 2009-03-01 and a
//! column read as what she meant. Personal data is masked, as everywhere on screen.

use crate::columns::{ORG_KEY, import_columns};
use crate::headers::Header;
use kaohe_domain::record::Value;
use kaohe_domain::registry::RegistryDef;
use kaohe_sheets::column_letter;
use kaohe_store::ImportRow;

/// How many rows a preview shows.
pub const PREVIEW_ROWS: usize = 5;

/// The file's mapped columns (`E 入会日期`, in the file's order) and its first rows as stored.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportPreview {
    pub columns: Vec<String>,
    /// Row number in the file, then one value per column.
    pub rows: Vec<(usize, Vec<String>)>,
}

/// A stored value as a page shows it (as the CSV export writes it), personal data masked.
fn show(reg: &RegistryDef, key: &str, v: Option<&Value>) -> String {
    let Some(f) = reg.field(key) else { return String::new() };
    let text = crate::export::text(f, v.unwrap_or(&Value::Null));
    if reg.is_personal(key) && !text.is_empty() { kaohe_domain::protect::mask(&text) } else { text }
}

/// The preview of `rows` (the first [`PREVIEW_ROWS`] are shown).
pub(crate) fn preview(reg: &RegistryDef, header: &Header<'_>, rows: &[ImportRow]) -> ImportPreview {
    let mut cols: Vec<(usize, &str, &str)> =
        import_columns(reg).into_iter().filter_map(|c| header.at.get(c.key).map(|i| (*i, c.key, c.label_zh))).collect();
    cols.sort_by_key(|c| c.0);
    ImportPreview {
        columns: cols.iter().map(|(i, _, label)| format!("{} {label}", column_letter(*i))).collect(),
        rows: rows
            .iter()
            .take(PREVIEW_ROWS)
            .map(|r| {
                let cells = cols
                    .iter()
                    .map(|(_, key, _)| if *key == ORG_KEY { r.org.clone() } else { show(reg, key, r.values.get(*key)) })
                    .collect();
                (r.row, cells)
            })
            .collect(),
    }
}
