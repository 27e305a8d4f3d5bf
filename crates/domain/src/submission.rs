//! Submissions (填报): what an assignee reports for a period — the figures of `manual`
//! indicators, narrative text and evidence — and the review workflow: draft → submitted →
//! approved, or returned with a reason → resubmitted. Consistency checks (逻辑检查) from the
//! rulebook block a submission that contradicts itself or the registries.

use crate::indicator::Number;
use crate::scoring::show;
use crate::{DomainError, OrgKind};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// Where a submission stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum State {
    Draft,
    Submitted,
    Approved,
    Returned,
}

impl State {
    /// The stored code.
    pub fn code(self) -> &'static str {
        match self {
            State::Draft => "draft",
            State::Submitted => "submitted",
            State::Approved => "approved",
            State::Returned => "returned",
        }
    }

    /// From the stored code.
    pub fn from_code(c: &str) -> Option<State> {
        [State::Draft, State::Submitted, State::Approved, State::Returned].into_iter().find(|s| s.code() == c)
    }

    /// The label shown.
    pub fn label_zh(self) -> &'static str {
        match self {
            State::Draft => "草稿",
            State::Submitted => "待审核",
            State::Approved => "已通过",
            State::Returned => "已退回",
        }
    }

    /// The label in English.
    pub fn label_en(self) -> &'static str {
        match self {
            State::Draft => "draft",
            State::Submitted => "waiting for review",
            State::Approved => "approved",
            State::Returned => "returned",
        }
    }

    /// Whether the assignee may still change it.
    pub fn editable(self) -> bool {
        matches!(self, State::Draft | State::Returned)
    }
}

/// A step of the workflow.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    Save,
    Submit,
    Approve,
    Return { reason: String },
}

impl Step {
    /// The code written to the history and the audit log.
    pub fn code(&self) -> &'static str {
        match self {
            Step::Save => "save",
            Step::Submit => "submit",
            Step::Approve => "approve",
            Step::Return { .. } => "return",
        }
    }
}

/// The state after `step`, or why the step is not allowed now.
pub fn next(state: Option<State>, step: &Step) -> Result<State, DomainError> {
    let refuse = |zh: &str, en: &str| Err(DomainError::Conflict(format!("{zh} / {en}")));
    match (state, step) {
        (None | Some(State::Draft | State::Returned), Step::Save) => Ok(State::Draft),
        (None | Some(State::Draft | State::Returned), Step::Submit) => Ok(State::Submitted),
        (Some(State::Submitted), Step::Approve) => Ok(State::Approved),
        (Some(State::Submitted), Step::Return { reason }) if reason.trim().is_empty() => {
            Err(DomainError::invalid("reason", "退回须说明理由", "a return needs a reason"))
        }
        (Some(State::Submitted), Step::Return { .. }) => Ok(State::Returned),
        (Some(State::Submitted), Step::Save | Step::Submit) => {
            refuse("已提交,待审核中不能修改", "submitted: it cannot change while waiting for review")
        }
        (Some(State::Approved), _) => refuse("已审核通过,不能再修改", "approved: it can no longer change"),
        (_, Step::Approve | Step::Return { .. }) => refuse("尚未提交,不能审核", "not submitted: nothing to review"),
    }
}

/// What the rulebook asks an assignee to submit for a year.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Request {
    pub key: String,
    pub name_zh: String,
    pub name_en: String,
    /// `manual` indicators whose figures the submission gives.
    pub indicators: Vec<String>,
    /// Whether narrative text is required.
    pub narrative: bool,
    /// The last day to submit; later submissions are marked late.
    pub deadline: NaiveDate,
    /// Kinds of org asked (their own figures).
    pub applies_to: Vec<OrgKind>,
    /// Departments asked, by group or org code.
    pub departments: Vec<String>,
    /// Consistency checks to pass before submitting, by key.
    pub checks: Vec<String>,
}

impl Request {
    /// Whether the org is asked.
    pub fn asks(&self, org: &crate::OrgTags) -> bool {
        self.applies_to.contains(&org.kind)
            || (org.kind == OrgKind::Department && self.departments.iter().any(|d| org.has(d)))
    }
}

/// How a check compares.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Cmp {
    Le,
    Lt,
    Ge,
    Gt,
    Eq,
}

impl Cmp {
    /// From `<=`, `<`, `>=`, `>`, `==`.
    pub fn parse(s: &str) -> Option<Cmp> {
        Some(match s.trim() {
            "<=" | "≤" => Cmp::Le,
            "<" => Cmp::Lt,
            ">=" | "≥" => Cmp::Ge,
            ">" => Cmp::Gt,
            "==" | "=" => Cmp::Eq,
            _ => return None,
        })
    }

    fn holds(self, a: Number, b: Number) -> bool {
        match self {
            Cmp::Le => a <= b,
            Cmp::Lt => a < b,
            Cmp::Ge => a >= b,
            Cmp::Gt => a > b,
            Cmp::Eq => a == b,
        }
    }

    fn symbol(self) -> &'static str {
        match self {
            Cmp::Le => "≤",
            Cmp::Lt => "<",
            Cmp::Ge => "≥",
            Cmp::Gt => ">",
            Cmp::Eq => "=",
        }
    }
}

/// One side of a check: an indicator (a submitted figure, or the registries' figure for the
/// org's scope and the year) or a number.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Operand {
    Indicator(String),
    Number(Number),
}

/// A consistency check (逻辑检查), e.g. women members ≤ members.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Check {
    pub key: String,
    pub name_zh: String,
    pub left: Operand,
    pub cmp: Cmp,
    pub right: Operand,
    pub message_zh: String,
}

/// A failed check, with the figures compared.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Failure {
    pub check: String,
    pub message_zh: String,
    /// E.g. `52 ≤ 48`.
    pub compared: String,
}

impl Check {
    /// Runs the check; a side with no figure cannot contradict anything and passes.
    pub fn run(&self, figure: &dyn Fn(&str) -> Option<Number>) -> Option<Failure> {
        let side = |o: &Operand| match o {
            Operand::Indicator(k) => figure(k),
            Operand::Number(n) => Some(*n),
        };
        let (a, b) = (side(&self.left)?, side(&self.right)?);
        (!self.cmp.holds(a, b)).then(|| Failure {
            check: self.key.clone(),
            message_zh: self.message_zh.clone(),
            compared: format!("{} {} {}", show(a), self.cmp.symbol(), show(b)),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_workflow() {
        let submitted = next(Some(State::Draft), &Step::Submit).unwrap();
        assert_eq!(submitted, State::Submitted);
        assert!(matches!(next(Some(submitted), &Step::Save), Err(DomainError::Conflict(_))));
        assert!(matches!(
            next(Some(submitted), &Step::Return { reason: "  ".into() }),
            Err(DomainError::Validation(_))
        ));
        let returned = next(Some(submitted), &Step::Return { reason: "数字有误".into() }).unwrap();
        assert_eq!(next(Some(returned), &Step::Submit).unwrap(), State::Submitted);
        assert_eq!(next(Some(State::Submitted), &Step::Approve).unwrap(), State::Approved);
        assert!(next(Some(State::Approved), &Step::Save).is_err());
        assert!(next(None, &Step::Approve).is_err());
    }

    #[test]
    fn checks_compare_figures() {
        let c = Check {
            key: "women".into(),
            name_zh: "女会员不超过会员".into(),
            left: Operand::Indicator("women".into()),
            cmp: Cmp::Le,
            right: Operand::Indicator("all".into()),
            message_zh: "女会员数不能多于会员数".into(),
        };
        let fig = |w: i64, a: i64| move |k: &str| Some(Number::int(if k == "women" { w } else { a }));
        assert!(c.run(&fig(40, 50)).is_none());
        let f = c.run(&fig(52, 48)).unwrap();
        assert_eq!(f.compared, "52 ≤ 48");
        assert!(c.run(&|_| None).is_none(), "nothing to compare");
    }
}
