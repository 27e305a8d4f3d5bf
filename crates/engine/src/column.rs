//! A registry's live records as columns, rows sorted by (org in pre-order, record id).

use crate::tree::OrgTree;
use chrono::{Datelike, NaiveDate};
use kaohe_domain::ids::OrgId;
use kaohe_domain::record::Value;
use std::collections::{BTreeMap, HashMap};
use std::ops::Range;

/// An empty integer (also money, decimals and org references, all stored as integers).
pub const NULL_INT: i64 = i64::MIN;
/// An empty date.
pub const NULL_DATE: i32 = i32::MIN;
/// An empty yes/no.
pub const NULL_BOOL: u8 = 2;
/// An empty text.
pub const NULL_CODE: u32 = u32::MAX;

/// What a column holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColumnKind {
    Int,
    Date,
    Bool,
    Text,
}

/// One field's values, one per row; empty values are sentinels.
#[derive(Debug, Clone)]
pub enum Column {
    /// Integers at the field's stored scale.
    Int(Vec<i64>),
    /// Days from the common era (see [`date_key`]).
    Date(Vec<i32>),
    /// 0 or 1.
    Bool(Vec<u8>),
    /// Codes into `dict`.
    Text { codes: Codes, dict: Vec<String> },
}

/// Dictionary codes: a byte each while the dictionary is small (enums), else four bytes — the
/// narrower the column, the faster a pass over it.
#[derive(Debug, Clone)]
pub enum Codes {
    /// Empty is [`SMALL_NULL`].
    Small(Vec<u8>),
    /// Empty is [`NULL_CODE`].
    Wide(Vec<u32>),
}

/// An empty text in a small-dictionary column.
pub const SMALL_NULL: u8 = u8::MAX;

impl Codes {
    /// Rows.
    pub fn len(&self) -> usize {
        match self {
            Codes::Small(v) => v.len(),
            Codes::Wide(v) => v.len(),
        }
    }

    /// Whether there are no rows.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The code at row `r` ([`NULL_CODE`] when empty).
    pub fn get(&self, r: usize) -> u32 {
        match self {
            Codes::Small(v) if v[r] == SMALL_NULL => NULL_CODE,
            Codes::Small(v) => u32::from(v[r]),
            Codes::Wide(v) => v[r],
        }
    }

    fn of(wide: Vec<u32>, dict_len: usize) -> Codes {
        if dict_len < usize::from(SMALL_NULL) {
            Codes::Small(wide.into_iter().map(|c| if c == NULL_CODE { SMALL_NULL } else { c as u8 }).collect())
        } else {
            Codes::Wide(wide)
        }
    }
}

/// A date as stored in a column.
pub fn date_key(d: NaiveDate) -> i32 {
    d.num_days_from_ce()
}

/// A column's date back as a date.
pub fn date_of(k: i32) -> Option<NaiveDate> {
    if k == NULL_DATE { None } else { NaiveDate::from_num_days_from_ce_opt(k) }
}

enum Building {
    Int(Vec<i64>),
    Date(Vec<i32>),
    Bool(Vec<u8>),
    Text(Vec<u32>, HashMap<String, u32>, Vec<String>),
}

impl Building {
    fn push_null(&mut self) {
        match self {
            Building::Int(c) => c.push(NULL_INT),
            Building::Date(c) => c.push(NULL_DATE),
            Building::Bool(c) => c.push(NULL_BOOL),
            Building::Text(c, _, _) => c.push(NULL_CODE),
        }
    }
}

/// Collects rows in any order; [`TableBuilder::finish`] sorts them for a tree.
pub struct TableBuilder {
    keys: Vec<String>,
    ids: Vec<i64>,
    orgs: Vec<OrgId>,
    columns: Vec<Building>,
}

impl TableBuilder {
    /// A builder for these fields.
    pub fn new(fields: &[(String, ColumnKind)]) -> Self {
        let columns = fields
            .iter()
            .map(|(_, k)| match k {
                ColumnKind::Int => Building::Int(Vec::new()),
                ColumnKind::Date => Building::Date(Vec::new()),
                ColumnKind::Bool => Building::Bool(Vec::new()),
                ColumnKind::Text => Building::Text(Vec::new(), HashMap::new(), Vec::new()),
            })
            .collect();
        TableBuilder {
            keys: fields.iter().map(|(k, _)| k.clone()).collect(),
            ids: Vec::new(),
            orgs: Vec::new(),
            columns,
        }
    }

    /// Starts a row; push one value to every column after it, in field order.
    pub fn row(&mut self, id: i64, org: OrgId) {
        self.ids.push(id);
        self.orgs.push(org);
    }

    /// Pushes a value to column `c`. A value of the wrong kind is stored as empty.
    pub fn push(&mut self, c: usize, v: &Value) {
        match v {
            Value::Int(i) | Value::Fixed(i) => self.push_int(c, Some(*i)),
            Value::Org(o) => self.push_int(c, Some(o.0)),
            Value::Date(d) => self.push_date(c, Some(*d)),
            Value::Bool(b) => self.push_bool(c, Some(*b)),
            Value::Text(s) => self.push_text(c, Some(s)),
            Value::Null => self.push_text(c, None),
        }
    }

    /// Pushes an integer (or empty) to column `c`; on a column of another kind, an empty value.
    pub fn push_int(&mut self, c: usize, v: Option<i64>) {
        match &mut self.columns[c] {
            Building::Int(col) => col.push(v.unwrap_or(NULL_INT)),
            other => other.push_null(),
        }
    }

    /// Pushes a date (or empty) to column `c`.
    pub fn push_date(&mut self, c: usize, v: Option<NaiveDate>) {
        match &mut self.columns[c] {
            Building::Date(col) => col.push(v.map_or(NULL_DATE, date_key)),
            other => other.push_null(),
        }
    }

    /// Pushes a yes/no (or empty) to column `c`.
    pub fn push_bool(&mut self, c: usize, v: Option<bool>) {
        match &mut self.columns[c] {
            Building::Bool(col) => col.push(v.map_or(NULL_BOOL, u8::from)),
            other => other.push_null(),
        }
    }

    /// Pushes a text (or empty) to column `c`.
    pub fn push_text(&mut self, c: usize, v: Option<&str>) {
        match &mut self.columns[c] {
            Building::Text(col, index, dict) => col.push(match v {
                None => NULL_CODE,
                Some(s) => match index.get(s) {
                    Some(code) => *code,
                    None => {
                        let code = dict.len() as u32;
                        index.insert(s.to_owned(), code);
                        dict.push(s.to_owned());
                        code
                    }
                },
            }),
            other => other.push_null(),
        }
    }

    /// Sorts the rows by (pre-order org, id) and drops rows whose org is not in the tree: a
    /// counting sort by org over the rows in id order (the order loads read them in).
    pub fn finish(self, tree: &OrgTree) -> Table {
        let dense: Vec<u32> = self.orgs.iter().map(|o| tree.dense(*o).unwrap_or(u32::MAX)).collect();
        let mut by_id: Vec<u32> = (0..self.ids.len() as u32).collect();
        if !self.ids.is_sorted() {
            by_id.sort_by_key(|i| self.ids[*i as usize]);
        }
        let mut starts = vec![0u32; tree.len() + 1];
        for d in dense.iter().filter(|d| **d != u32::MAX) {
            starts[*d as usize + 1] += 1;
        }
        for i in 1..starts.len() {
            starts[i] += starts[i - 1];
        }
        let mut next = starts.clone();
        let mut order = vec![0u32; starts[tree.len()] as usize];
        for i in by_id {
            let d = dense[i as usize];
            if d != u32::MAX {
                order[next[d as usize] as usize] = i;
                next[d as usize] += 1;
            }
        }
        let pick = |i: &u32| *i as usize;
        let orgs: Vec<u32> = order.iter().map(|i| dense[pick(i)]).collect();
        let columns = self
            .keys
            .into_iter()
            .zip(self.columns)
            .map(|(k, b)| {
                let col = match b {
                    Building::Int(v) => Column::Int(order.iter().map(|i| v[pick(i)]).collect()),
                    Building::Date(v) => Column::Date(order.iter().map(|i| v[pick(i)]).collect()),
                    Building::Bool(v) => Column::Bool(order.iter().map(|i| v[pick(i)]).collect()),
                    Building::Text(v, _, dict) => {
                        let codes = Codes::of(order.iter().map(|i| v[pick(i)]).collect(), dict.len());
                        Column::Text { codes, dict }
                    }
                };
                (k, col)
            })
            .collect();
        Table {
            dropped: self.ids.len() - order.len(),
            ids: order.iter().map(|i| self.ids[pick(i)]).collect(),
            orgs,
            starts,
            columns,
        }
    }
}

/// A registry's rows, sorted so that every org's scope is one range.
#[derive(Debug, Clone, Default)]
pub struct Table {
    pub(crate) ids: Vec<i64>,
    pub(crate) orgs: Vec<u32>,
    /// Row where each dense org's own rows start (one more entry than orgs).
    pub(crate) starts: Vec<u32>,
    pub(crate) columns: BTreeMap<String, Column>,
    pub(crate) dropped: usize,
}

impl Table {
    /// Number of rows.
    pub fn rows(&self) -> usize {
        self.ids.len()
    }

    /// Rows left out because their org is not in the tree.
    pub fn dropped(&self) -> usize {
        self.dropped
    }

    /// A column by field key.
    pub fn column(&self, key: &str) -> Option<&Column> {
        self.columns.get(key)
    }

    /// The fields held.
    pub fn column_keys(&self) -> impl Iterator<Item = &str> {
        self.columns.keys().map(String::as_str)
    }

    /// The record ids, in row order.
    pub fn ids(&self) -> &[i64] {
        &self.ids
    }

    /// Each row's dense org.
    pub(crate) fn orgs(&self) -> &[u32] {
        &self.orgs
    }

    /// The rows of dense orgs `from..to` (a subtree when `to` is `from`'s end).
    pub fn range(&self, from: u32, to: u32) -> Range<usize> {
        self.starts[from as usize] as usize..self.starts[to as usize] as usize
    }

    /// Rows held in memory by the columns, roughly, in bytes.
    pub fn heap_bytes(&self) -> usize {
        let cols: usize = self
            .columns
            .values()
            .map(|c| match c {
                Column::Int(v) => v.len() * 8,
                Column::Date(v) => v.len() * 4,
                Column::Bool(v) => v.len(),
                Column::Text { codes, dict } => {
                    let width = if matches!(codes, Codes::Small(_)) { 1 } else { 4 };
                    codes.len() * width + dict.iter().map(|s| s.len() + 24).sum::<usize>()
                }
            })
            .sum();
        cols + self.ids.len() * 12 + self.starts.len() * 4
    }
}
