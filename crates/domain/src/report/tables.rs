//! The report's statistical tables: per section of the indicator list, each figure with last
//! year's, the growth, the target, the completion and the score — the XLSX workbook's sheets.

use super::facts::{Facts, FigureFact};
use crate::indicator::Number;

/// One indicator's row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatRow {
    pub key: String,
    pub name_zh: String,
    pub unit: String,
    pub percent: bool,
    pub decimals: u32,
    pub this_year: Option<Number>,
    pub last_year: Option<Number>,
    /// (this − last) ÷ last.
    pub growth: Option<Number>,
    pub target: Option<Number>,
    /// this ÷ target.
    pub completion: Option<Number>,
    /// Hundredths of a point.
    pub score: Option<i64>,
}

/// A section's rows, in the pack's order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatTable {
    pub section: String,
    pub rows: Vec<StatRow>,
}

fn row(f: &FigureFact) -> StatRow {
    let growth = match (f.value, f.last) {
        (Some(v), Some(l)) if l != Number::ZERO => v.checked_sub(l).and_then(|d| d.checked_div(l)),
        _ => None,
    };
    StatRow {
        key: f.key.clone(),
        name_zh: f.name_zh.clone(),
        unit: f.unit.clone(),
        percent: f.percent,
        decimals: f.decimals,
        this_year: f.value,
        last_year: f.last,
        growth,
        target: f.target,
        completion: f.completion(),
        score: f.score,
    }
}

/// The tables, one per section, sections in the order their first indicator appears.
pub fn build(facts: &Facts) -> Vec<StatTable> {
    let mut figs: Vec<&FigureFact> = facts.figures.values().collect();
    figs.sort_by_key(|f| (f.order, f.key.clone()));
    let mut out: Vec<StatTable> = Vec::new();
    for f in figs {
        match out.iter_mut().find(|t| t.section == f.section) {
            Some(t) => t.rows.push(row(f)),
            None => out.push(StatTable { section: f.section.clone(), rows: vec![row(f)] }),
        }
    }
    out
}

/// A section's indicators for each of the org's children: the by-unit sheet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChildTable {
    pub section: String,
    /// The section's indicators, in the pack's order (the columns).
    pub columns: Vec<StatRow>,
    /// Each child's name and its figures in column order.
    pub rows: Vec<(String, Vec<Option<Number>>)>,
}

/// One table per section, its rows the org's children (none when the org has no children).
pub fn by_child(facts: &Facts) -> Vec<ChildTable> {
    if facts.children.is_empty() {
        return Vec::new();
    }
    build(facts)
        .into_iter()
        .map(|t| {
            let rows = facts
                .children
                .iter()
                .map(|c| (c.org.clone(), t.rows.iter().map(|r| c.values.get(&r.key).copied().flatten()).collect()))
                .collect();
            ChildTable { section: t.section, columns: t.rows, rows }
        })
        .collect()
}
