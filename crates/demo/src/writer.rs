//! Building records and writing them through the store's scoped import (as the operator), in
//! chunks, with progress.

use anyhow::Context;
use chrono::NaiveDate;
use kaohe_domain::Actor;
use kaohe_domain::record::{Value, Values};
use kaohe_store::{ImportRow, Store, StoreError};
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};

/// Rows per import call: large enough to be fast, small enough to bound memory.
pub const CHUNK: usize = 50_000;

/// One record's values, built field by field.
#[derive(Debug, Clone, Default)]
pub struct Row(pub Values);

impl Row {
    pub fn new() -> Self {
        Self(Values::new())
    }

    /// A text, enum code, ID number, credit code or phone.
    pub fn t(mut self, key: &str, v: impl Into<String>) -> Self {
        self.0.insert(key.to_owned(), Value::Text(v.into()));
        self
    }

    /// An optional text.
    pub fn ot(self, key: &str, v: Option<impl Into<String>>) -> Self {
        match v {
            Some(v) => self.t(key, v),
            None => self,
        }
    }

    /// An integer.
    pub fn i(mut self, key: &str, v: i64) -> Self {
        self.0.insert(key.to_owned(), Value::Int(v));
        self
    }

    /// Money in whole yuan.
    pub fn yuan(mut self, key: &str, v: i64) -> Self {
        self.0.insert(key.to_owned(), Value::Fixed(v * 100));
        self
    }

    /// A decimal or money in its smallest unit (fen, or 10^-scale).
    pub fn fixed(mut self, key: &str, v: i64) -> Self {
        self.0.insert(key.to_owned(), Value::Fixed(v));
        self
    }

    /// A date.
    pub fn d(mut self, key: &str, v: NaiveDate) -> Self {
        self.0.insert(key.to_owned(), Value::Date(v));
        self
    }

    /// An optional date.
    pub fn od(self, key: &str, v: Option<NaiveDate>) -> Self {
        match v {
            Some(v) => self.d(key, v),
            None => self,
        }
    }

    /// A yes/no.
    pub fn b(mut self, key: &str, v: bool) -> Self {
        self.0.insert(key.to_owned(), Value::Bool(v));
        self
    }
}

/// Records to write, by registry, each with its owning org's code; kept in registry order.
#[derive(Default)]
pub struct Sink {
    pub rows: BTreeMap<&'static str, Vec<(String, Values)>>,
}

impl Sink {
    /// Adds a record owned by the org with code `org`.
    pub fn add(&mut self, registry: &'static str, org: impl Into<String>, row: Row) {
        self.rows.entry(registry).or_default().push((org.into(), row.0));
    }

    /// How many records wait to be written.
    pub fn len(&self) -> usize {
        self.rows.values().map(Vec::len).sum()
    }
}

/// Writes one registry's rows in chunks; `done` counts rows written across the whole load (several
/// writes may run at once) and `progress` is told after every store batch.
pub async fn write(
    store: &Store,
    registry: &str,
    rows: Vec<(String, Values)>,
    done: &AtomicUsize,
    progress: &(dyn Fn(&str, usize) + Sync),
) -> anyhow::Result<()> {
    let op = store.scoped(Actor::Operator);
    let mut rows = rows.into_iter().peekable();
    while rows.peek().is_some() {
        let chunk: Vec<ImportRow> = rows
            .by_ref()
            .take(CHUNK)
            .enumerate()
            .map(|(i, (org, values))| ImportRow { row: i + 2, org, values })
            .collect();
        let seen = AtomicUsize::new(0);
        let tell = |k: usize| {
            let before = seen.swap(k, Ordering::Relaxed);
            let now = done.fetch_add(k.saturating_sub(before), Ordering::Relaxed) + k.saturating_sub(before);
            progress(registry, now);
        };
        op.import_records(registry, chunk, None, false, &tell)
            .await
            .map_err(explain)
            .with_context(|| format!("演示数据“{registry}”写入失败 / writing the demo's {registry} records failed"))?;
    }
    Ok(())
}

/// Makes an import refusal readable (the first few row errors).
fn explain(e: StoreError) -> anyhow::Error {
    match e {
        StoreError::Import(rows) => {
            let first: Vec<String> =
                rows.iter().take(5).map(|r| format!("row {} {}: {}", r.row, r.column, r.message_en)).collect();
            anyhow::anyhow!("{} error(s): {}", rows.len(), first.join("; "))
        }
        other => anyhow::anyhow!(other),
    }
}
