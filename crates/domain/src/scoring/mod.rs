//! Scoring: a year's rulebook (目标考核办法: sections of target items, veto items, bonus and
//! deduction items, grade bands), the rules that turn an actual figure into points, and the
//! assessment that puts them together for each assessed org — total, grade, rank — with every
//! number explained. Pure: the figures come in from the indicator engine.

mod assess;
mod revisions;
mod rule;
mod targets;
#[cfg(test)]
mod tests;

pub use assess::{
    AdjustmentLine, Assessee, Assessment, Inputs, ItemLine, OrgResult, VetoLine, assess, competition_ranks,
};
pub use revisions::{Revision, revisions};
pub use rule::{Per, Rule, Scored, show, show_points};
pub use targets::{Change, diff, split};

use crate::indicator::Number;
use crate::{OrgKind, OrgTags};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// One year's target catalogue and scoring rules, as the pack ships it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Rulebook {
    pub year: i32,
    /// Bumped whenever the year's rules change; kept with each published assessment.
    pub version: String,
    pub effective_on: NaiveDate,
    pub title: String,
    /// The kinds of org assessed (children of the assessing org), e.g. departments and county
    /// federations.
    pub assessed_kinds: Vec<OrgKind>,
    /// Children assessed besides those kinds, by group or org code (产业工会).
    pub assessed_groups: Vec<String>,
    /// Children not assessed under this rulebook, by group or org code (经审办, assessed apart).
    pub not_assessed: Vec<String>,
    pub sections: Vec<Section>,
    pub vetoes: Vec<VetoItem>,
    pub adjustments: Vec<Adjustment>,
    /// Highest band first; an org gets the first band whose minimum its total reaches.
    pub grades: Vec<GradeBand>,
    /// Composite scores: own total + k × the average total of the assessed orgs directly below.
    pub composite_k: Option<Number>,
    /// How equal totals are ranked.
    pub tie_break: TieBreak,
    /// What assignees submit (manual figures, narrative), with deadlines.
    pub requests: Vec<crate::submission::Request>,
    /// Consistency checks a submission must pass.
    pub checks: Vec<crate::submission::Check>,
    /// Four eyes: a submission is approved by someone other than whoever saved or submitted it
    /// (on unless the rulebook says `four_eyes = false`).
    pub four_eyes: bool,
}

/// The built-in figure an adjustment may read besides the pack's indicators: how many of the
/// org's submissions for the year were made after their deadline.
pub const LATE_SUBMISSIONS: &str = "late_submissions";

/// How equal totals among peers are ranked. Either way an org with a violated veto item ranks
/// after every org without one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TieBreak {
    /// Equal totals share a rank (并列), and the next rank is skipped (1, 2, 2, 4).
    Shared,
    /// Equal totals are ordered by the item points before bonus and deductions; equal again,
    /// they share a rank.
    BaseScore,
}

impl TieBreak {
    /// The rule in words, shown with every ranking.
    pub fn describe(self, en: bool) -> &'static str {
        match (self, en) {
            (TieBreak::Shared, false) => "总分相同者名次并列,其后名次顺延;被一票否决的单位排在最后。",
            (TieBreak::Shared, true) => {
                "Equal totals share a rank and the next rank is skipped; vetoed orgs rank last."
            }
            (TieBreak::BaseScore, false) => {
                "总分相同者按目标项得分(不含加减分)排序,再相同者并列;被一票否决的单位排在最后。"
            }
            (TieBreak::BaseScore, true) => {
                "Equal totals are ordered by item points before bonus and deductions, then share a rank; vetoed orgs rank last."
            }
        }
    }
}

impl Rulebook {
    /// Every target item with its section.
    pub fn items(&self) -> impl Iterator<Item = (&Section, &Item)> {
        self.sections.iter().flat_map(|s| s.items.iter().map(move |i| (s, i)))
    }

    /// Whether an item, veto or adjustment reads the indicator `key`.
    pub fn uses(&self, key: &str) -> bool {
        self.items().any(|(_, i)| i.indicator == key)
            || self.vetoes.iter().any(|v| v.indicator == key)
            || self.adjustments.iter().any(|a| a.indicator == key)
    }

    /// Whether a child of the assessing org is assessed under this rulebook.
    pub fn assesses(&self, org: &OrgTags) -> bool {
        (self.assessed_kinds.contains(&org.kind) || self.assessed_groups.iter().any(|g| org.has(g)))
            && !self.not_assessed.iter().any(|g| org.has(g))
    }

    /// The item with this key.
    pub fn item(&self, key: &str) -> Option<&Item> {
        self.items().map(|(_, i)| i).find(|i| i.key == key)
    }

    /// The lowest grade (what a veto forces).
    pub fn lowest_grade(&self) -> Option<&GradeBand> {
        self.grades.last()
    }

    /// The grade for a total in hundredths.
    pub fn grade_for(&self, total: i64) -> Option<&GradeBand> {
        self.grades.iter().find(|g| total >= g.min).or(self.grades.last())
    }
}

/// A section of the catalogue (综合工作, 组织建设, 维权, 帮扶, 财务 …).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Section {
    pub key: String,
    pub name_zh: String,
    pub name_en: String,
    pub items: Vec<Item>,
}

/// A target item: an indicator, its weight (分值), its rule, and where the rule comes from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Item {
    pub key: String,
    pub name_zh: String,
    pub name_en: String,
    pub indicator: String,
    pub weight: Number,
    pub rule: Rule,
    /// The target when no per-org target is assigned.
    pub default_target: Option<Number>,
    /// The kinds of org scored on their own scope's figure.
    pub applies_to: Vec<OrgKind>,
    /// Departments answerable for the item across the assessing org's whole scope, by group or
    /// org code (the group 组织部 for the city's new unions): their figure is the assessing org's.
    pub departments: Vec<String>,
    /// With no figure at all (a rate over nothing: no restructured enterprise, no task), the
    /// item is not applicable and scores its full weight (无此项工作的不扣分); otherwise 0.
    pub full_without_figure: bool,
    /// The clause of the rulebook the rule comes from.
    pub clause: String,
    /// The evidence an assessor expects (台账, 文件, 照片 …).
    pub evidence: Vec<String>,
}

impl Item {
    /// Whether the item applies to the org.
    pub fn applies(&self, org: &OrgTags) -> bool {
        self.applies_to.contains(&org.kind) || self.answerable(org)
    }

    /// Whether the org is a department answerable for the item across the assessing org's scope.
    pub fn answerable(&self, org: &OrgTags) -> bool {
        org.kind == OrgKind::Department && self.departments.iter().any(|d| org.has(d))
    }
}

/// What a violated veto item does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum VetoEffect {
    /// 一票否决: the grade is forced to the lowest, whatever the score.
    Veto,
    /// 不予评先: the score stands, but the org may not receive awards.
    NoAward,
}

/// A veto item: violated when its indicator is above `limit` (0 unless stated).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VetoItem {
    pub key: String,
    pub name_zh: String,
    pub name_en: String,
    pub indicator: String,
    pub limit: Number,
    pub effect: VetoEffect,
    pub clause: String,
}

/// Whether an adjustment adds or takes away.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    Bonus,
    Deduction,
}

/// A bonus (加分) or deduction (扣分) item: `per` points for each unit of its indicator (an
/// indicator already in points takes `per = 1`), at most `cap` points.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Adjustment {
    pub key: String,
    pub name_zh: String,
    pub name_en: String,
    pub direction: Direction,
    pub indicator: String,
    pub per: Number,
    pub cap: Number,
    pub clause: String,
}

/// A grade band: totals from `min` (hundredths) up.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GradeBand {
    pub name_zh: String,
    pub name_en: String,
    pub min: i64,
}
