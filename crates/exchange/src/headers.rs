//! The header row of an import file: found below any title rows (or where the user says), and
//! every column either mapped to a field — by its Chinese or English label, its key, or one of
//! the pack's aliases (身份证号码 for 公民身份号码) — or reported: unknown (with a did-you-mean),
//! repeated, or left out because the user chose to ignore it. A column of a derived field (性别,
//! 出生日期) is kept to be checked against what it is derived from; nothing is dropped silently.

use crate::columns::{ImportColumn, normalise_header};
use kaohe_domain::registry::{FieldDef, RegistryDef};
use kaohe_sheets::{Row, Table, column_letter};
use kaohe_store::RowError;
use std::collections::HashMap;

/// Where the header is and which columns are left out on purpose.
#[derive(Debug, Clone, Default)]
pub struct ColumnOptions {
    /// The header's row number as the spreadsheet shows it; `None` finds it among the first
    /// [`HEADER_SEARCH_ROWS`] rows (the one naming the most columns).
    pub header_row: Option<usize>,
    /// Headers the user chose to leave out; any other column kaohe does not know is an error.
    pub ignore: Vec<String>,
}

/// Rows searched for the header when none is given (title rows above it are common).
pub const HEADER_SEARCH_ROWS: usize = 10;

/// The file's header: where it is and what each column holds.
#[derive(Debug, Default)]
pub struct Header<'a> {
    /// Index of the header row among the table's rows; the data follows it.
    pub index: usize,
    /// Its row number as the spreadsheet shows it.
    pub number: usize,
    /// Field key (or the org column's) → column index.
    pub at: HashMap<&'a str, usize>,
    /// Columns of derived fields (性别, 出生日期): checked against their source, never stored.
    pub derived: Vec<(&'a FieldDef, usize)>,
    /// Headers of the columns left out at the user's choice.
    pub ignored: Vec<String>,
}

/// What one header names.
enum Heading<'a> {
    /// The import column at this index.
    Column(usize),
    Derived(&'a FieldDef),
    Unknown,
}

fn names_field(f: &FieldDef, h: &str) -> bool {
    [f.label_zh.as_str(), f.label_en.as_str(), f.key.as_str()]
        .into_iter()
        .chain(f.aliases.iter().map(String::as_str))
        .any(|n| normalise_header(n) == h)
}

/// Other headers the org column goes by.
const ORG_ALIASES: [&str; 3] = ["所属工会", "组织代码", "所属组织代码"];

fn heading<'a>(reg: &'a RegistryDef, cols: &[ImportColumn<'a>], text: &str) -> Option<Heading<'a>> {
    let h = normalise_header(text);
    if h.is_empty() {
        return None;
    }
    if let Some(i) = cols.iter().position(|c| c.matches(text) || c.field.is_some_and(|f| names_field(f, &h))) {
        return Some(Heading::Column(i));
    }
    if ORG_ALIASES.iter().any(|a| normalise_header(a) == h) {
        return cols.iter().position(|c| c.field.is_none()).map(Heading::Column);
    }
    match reg.fields.iter().find(|f| f.derived.is_some() && names_field(f, &h)) {
        Some(f) => Some(Heading::Derived(f)),
        None => Some(Heading::Unknown),
    }
}

/// How many of a row's cells name a column: the header is the row naming the most.
fn score(reg: &RegistryDef, cols: &[ImportColumn<'_>], row: &Row) -> usize {
    row.cells
        .iter()
        .filter(|c| matches!(heading(reg, cols, &c.as_text()), Some(Heading::Column(_) | Heading::Derived(_))))
        .count()
}

/// Edit distance between two strings, by character.
fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            cur.push((prev[j] + usize::from(ca != *cb)).min(prev[j + 1] + 1).min(cur[j] + 1));
        }
        prev = cur;
    }
    prev[b.len()]
}

/// The name among `names` a header most likely meant: one containing the other, or at most half
/// its characters different.
pub fn did_you_mean<'n>(header: &str, names: impl IntoIterator<Item = &'n str>) -> Option<&'n str> {
    let h = normalise_header(header);
    let n = h.chars().count();
    names
        .into_iter()
        .filter_map(|name| {
            let m = normalise_header(name);
            let d = distance(&h, &m);
            let close = d <= (n.min(m.chars().count()) / 2).max(1);
            let inside = n >= 2 && m.chars().count() >= 2 && (m.contains(&h) || h.contains(&m));
            (close || inside).then_some((d, name))
        })
        .min_by_key(|(d, _)| *d)
        .map(|(_, name)| name)
}

fn error(row: usize, column: String, value: String, zh: String, en: String) -> RowError {
    RowError { row, column, value, message_zh: zh, message_en: en }
}

/// Finds the header row and maps every column, or says every problem with it at once.
pub fn read_header<'a>(
    reg: &'a RegistryDef,
    cols: &[ImportColumn<'a>],
    table: &Table,
    options: &ColumnOptions,
) -> Result<Header<'a>, Vec<RowError>> {
    let index = match options.header_row {
        Some(n) => table.rows.iter().position(|r| r.number == n).ok_or_else(|| {
            vec![error(
                n,
                String::new(),
                String::new(),
                format!("指定的表头行第{n}行不存在或是空行"),
                format!("the header row given, row {n}, does not exist or is blank"),
            )]
        })?,
        None => {
            let best = table
                .rows
                .iter()
                .take(HEADER_SEARCH_ROWS)
                .enumerate()
                .map(|(i, r)| (score(reg, cols, r), i))
                .max_by_key(|(s, i)| (*s, std::cmp::Reverse(*i)));
            match best {
                Some((s, i)) if s > 0 => i,
                Some(_) => {
                    let names: Vec<&str> = cols.iter().filter(|c| c.required).map(|c| c.label_zh).collect();
                    return Err(vec![error(
                        table.rows[0].number,
                        String::new(),
                        String::new(),
                        format!(
                            "没有找到表头:前{HEADER_SEARCH_ROWS}行中没有一行含有“{}”等列名;请用导入模板,或指定表头所在行",
                            names.join("”“")
                        ),
                        format!(
                            "no header found: none of the first {HEADER_SEARCH_ROWS} rows names a column such as {names:?}; use the import template or give the header row"
                        ),
                    )]);
                }
                None => {
                    return Err(vec![error(
                        1,
                        "A".into(),
                        String::new(),
                        "文件没有表头行".into(),
                        "the file has no header row".into(),
                    )]);
                }
            }
        }
    };
    let row = &table.rows[index];
    let mut header = Header { index, number: row.number, ..Header::default() };
    let mut errors = Vec::new();
    let mut unknown: Vec<(usize, String)> = Vec::new();
    let ignore: Vec<String> = options.ignore.iter().map(|h| normalise_header(h)).collect();
    for (i, cell) in row.cells.iter().enumerate() {
        let text = cell.as_text();
        if ignore.contains(&normalise_header(&text)) && !normalise_header(&text).is_empty() {
            header.ignored.push(text.trim().to_owned());
            continue;
        }
        match heading(reg, cols, &text) {
            None => {}
            Some(Heading::Column(c)) => {
                let key = cols[c].key;
                if let Some(&first) = header.at.get(key) {
                    errors.push(error(
                        row.number,
                        format!("{} {}", column_letter(i), text.trim()),
                        text.trim().to_owned(),
                        format!(
                            "“{}”列重复:{}列和{}列都是它,请只保留一列",
                            cols[c].label_zh,
                            column_letter(first),
                            column_letter(i)
                        ),
                        format!(
                            "the column {:?} appears twice (columns {} and {}): keep one",
                            cols[c].label_en,
                            column_letter(first),
                            column_letter(i)
                        ),
                    ));
                } else {
                    header.at.insert(key, i);
                }
            }
            Some(Heading::Derived(f)) => header.derived.push((f, i)),
            Some(Heading::Unknown) => unknown.push((i, text.trim().to_owned())),
        }
    }
    let known: Vec<&str> = cols
        .iter()
        .map(|c| c.label_zh)
        .chain(reg.fields.iter().filter(|f| f.derived.is_some()).map(|f| f.label_zh.as_str()))
        .collect();
    for (i, text) in &unknown {
        let hint = did_you_mean(text, known.iter().copied());
        errors.push(error(
            row.number,
            format!("{} {text}", column_letter(*i)),
            text.clone(),
            format!(
                "不认识的列“{text}”{}:不知道该导入到哪一项。如不需要这一列,请删除它,或导入时选择忽略这一列",
                hint.map(|h| format!("(是否指“{h}”?)")).unwrap_or_default()
            ),
            format!(
                "unknown column {text:?}{}: kaohe does not know where it goes. Delete it, or choose to ignore it when importing",
                hint.map(|h| format!(" (did you mean {h:?}?)")).unwrap_or_default()
            ),
        ));
    }
    for c in cols.iter().filter(|c| c.required && !header.at.contains_key(c.key)) {
        let near = did_you_mean(c.label_zh, unknown.iter().map(|(_, t)| t.as_str()));
        errors.push(error(
            row.number,
            String::new(),
            String::new(),
            format!(
                "缺少必填列“{}”{}",
                c.label_zh,
                near.map(|n| format!("(“{n}”是不是这一列?可改用“{}”作列名)", c.label_zh)).unwrap_or_default()
            ),
            format!(
                "the required column {:?} is missing{}",
                c.label_en,
                near.map(|n| format!(" (is {n:?} that column?)")).unwrap_or_default()
            ),
        ));
    }
    if errors.is_empty() { Ok(header) } else { Err(errors) }
}
