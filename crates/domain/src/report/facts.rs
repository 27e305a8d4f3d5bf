//! What a report template can reach: the figures of one org and year (with last year's, the
//! target and the score), the names behind a figure, the narratives of approved submissions and
//! the ranking of the org's children. Gathered by the store, read by [`super::template`].

use crate::indicator::Number;
use chrono::NaiveDate;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

/// The facts a report is written from. Maps are ordered so that output never depends on hashing.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Facts {
    pub year: i32,
    pub org_id: i64,
    pub org_name: String,
    /// The date the report bears (二〇一〇年一月): from the injected clock, never the wall clock.
    pub date: NaiveDate,
    /// Every indicator of the pack at the org, this year.
    pub figures: BTreeMap<String, FigureFact>,
    /// A text field of the records behind a figure, for the figures a template lists
    /// (`names("women_demo_units", field="subject_unit")`), under `"{figure}.{field}"`.
    pub lists: BTreeMap<String, Vec<ListItem>>,
    /// Narratives of approved submissions, by request key.
    pub narratives: BTreeMap<String, Vec<Narrative>>,
    /// The org's children as assessed this year, by group then rank (empty when none were assessed).
    pub ranking: Vec<RankRow>,
    /// The org's open direct children in their order, each with this year's figures by indicator
    /// key, for the statistics' by-unit sheets.
    pub children: Vec<ChildFigures>,
    /// A draft: a figure that cannot be computed is written as 【待填报：名称】 and listed, instead
    /// of stopping the report.
    pub draft: bool,
}

/// One child org's figures of the year.
#[derive(Debug, Clone, Default, Serialize)]
pub struct ChildFigures {
    pub org: String,
    /// By indicator key; `None` where the figure cannot be computed.
    pub values: BTreeMap<String, Option<Number>>,
}

/// One indicator's figure and what it is measured against.
#[derive(Debug, Clone, Serialize)]
pub struct FigureFact {
    /// Position in the pack's indicator list (tables keep the pack's order).
    pub order: usize,
    pub key: String,
    pub name_zh: String,
    pub unit: String,
    pub section: String,
    /// Decimals the indicator is shown with.
    pub decimals: u32,
    /// Whether it is a share shown as a percentage.
    pub percent: bool,
    /// This year's figure; `None` when it cannot be computed (a ratio over nothing, no value
    /// submitted).
    pub value: Option<Number>,
    /// Last year's.
    pub last: Option<Number>,
    /// The target set for this org (the sum of its children's for additive indicators).
    pub target: Option<Number>,
    /// Points the org earned on the rulebook item measured by this figure, in hundredths.
    pub score: Option<i64>,
    /// The item's weight (分值), in hundredths, when the org is scored on it.
    pub weight: Option<i64>,
    /// The name of the rulebook item the org is scored on by this figure (发展会员).
    pub item: Option<String>,
}

impl FigureFact {
    /// `value / target`, when both are known and the target is not zero.
    pub fn completion(&self) -> Option<Number> {
        self.value?.checked_div(self.target?)
    }
}

/// A record behind a figure, as a report names it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ListItem {
    pub text: String,
    pub registry: String,
    pub record: i64,
}

/// An approved submission's narrative.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Narrative {
    pub org: String,
    pub text: String,
}

/// A child's place in the year's assessment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RankRow {
    /// Peers are ranked within a group (部室, 总工会): its label and its place in the list.
    pub group: String,
    pub group_order: u8,
    pub org_id: i64,
    pub org: String,
    pub rank: usize,
    /// Hundredths of a point.
    pub total: i64,
    pub grade: String,
    pub vetoed: bool,
}

/// What a template asked for that the facts did not hold: the store gathers it and the template
/// is rendered again.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Wants {
    /// `"{figure}.{field}"`.
    pub lists: BTreeSet<String>,
    pub narratives: BTreeSet<String>,
}

impl Wants {
    /// Nothing more is wanted.
    pub fn is_empty(&self) -> bool {
        self.lists.is_empty() && self.narratives.is_empty()
    }
}
