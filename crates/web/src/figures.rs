//! What the indicator pages and the API share: resolving the org and period asked for, turning a
//! formula error into a located validation error, and one figure's rows (an org, or its children
//! with 本级 and 合计).

use crate::error::WebError;
use kaohe_domain::calendar;
use kaohe_domain::indicator::{FormulaError, Indicator, Number, Period, Plan};
use kaohe_domain::{DomainError, Org, OrgId};
use kaohe_store::{RowKind, Scoped};

/// A formula problem as a validation error on the `formula` field, with line, column and caret.
pub fn formula_error(e: &FormulaError) -> DomainError {
    DomainError::invalid(
        "formula",
        format!("第{}行第{}列:{}\n{}", e.line, e.column, e.message_zh, e.caret()),
        format!("line {}, column {}: {}\n{}", e.line, e.column, e.message_en, e.caret()),
    )
}

/// The period asked for (default: the last full year by the store's clock).
pub fn period(s: Option<&str>, scoped: &Scoped<'_>) -> Result<Period, WebError> {
    match s.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(Period::year(scoped.now_year() - 1)),
        Some(s) => Period::parse(s).ok_or_else(|| {
            DomainError::invalid(
                "period",
                format!(
                    "期间格式应为 2009、2009Q3、2009-07 或 2009-01-01..2009-06-30,且在{}年至{}年之间",
                    calendar::FIRST_YEAR,
                    calendar::LAST_YEAR
                ),
                format!(
                    "period must look like 2009, 2009Q3, 2009-07 or 2009-01-01..2009-06-30, between {} and {}",
                    calendar::FIRST_YEAR,
                    calendar::LAST_YEAR
                ),
            )
            .into()
        }),
    }
}

/// The org asked for (default: the top of the user's scope).
pub async fn org(id: Option<i64>, scoped: &Scoped<'_>) -> Result<Org, WebError> {
    let id = match id {
        Some(i) => OrgId(i),
        None => match scoped.actor().scope().and_then(|p| p.ids().last().copied()) {
            Some(o) => o,
            // The operator: the first root in tree order.
            None => {
                let roots = scoped.org_children(None, false).await?;
                roots
                    .iter()
                    .min_by(|a, b| a.path.as_str().cmp(b.path.as_str()))
                    .map(|o| o.id)
                    .ok_or(DomainError::NotFound)?
            }
        },
    };
    Ok(scoped.org(id).await?)
}

/// `top` and the open orgs directly under it, in tree (path) order: the choices of an org
/// selector. Read by parent, never by listing the subtree (100,000 orgs at a province's top).
pub async fn top_and_children(scoped: &Scoped<'_>, top: &Org) -> Result<Vec<Org>, WebError> {
    let mut kids = scoped.org_children(Some(top.id), false).await?;
    kids.sort_by(|a, b| a.path.as_str().cmp(b.path.as_str()));
    kids.insert(0, top.clone());
    Ok(kids)
}

/// The year asked for, or the installation's assessment year.
pub async fn year(asked: Option<i32>, scoped: &Scoped<'_>) -> Result<i32, WebError> {
    Ok(match asked {
        Some(y) => y,
        None => scoped.default_year().await?,
    })
}

/// A formula typed by someone, checked against the pack, made into an indicator for display.
pub fn adhoc(scoped: &Scoped<'_>, formula: &str) -> Result<Indicator, WebError> {
    let plan = scoped.indicators().compile(formula, scoped.registry_defs(), None).map_err(|e| formula_error(&e))?;
    Ok(Indicator::adhoc(formula, plan))
}

/// One row of a figure.
#[derive(Debug, Clone)]
pub struct Row {
    pub org: Org,
    /// `None` for a single org's figure.
    pub kind: Option<RowKind>,
    pub value: Option<Number>,
}

/// The figure for `org`, or with `children` one row per child plus 本级 and 合计.
pub async fn rows(
    scoped: &Scoped<'_>,
    plans: &[&Plan],
    period: &Period,
    org: &Org,
    children: bool,
) -> Result<Vec<Vec<Row>>, WebError> {
    if children {
        let table = scoped.children_table(plans, period, org.id).await?;
        Ok((0..plans.len())
            .map(|p| table.iter().map(|r| Row { org: r.org.clone(), kind: Some(r.kind), value: r.values[p] }).collect())
            .collect())
    } else {
        let v = scoped.figures(plans, period, &[org.id]).await?;
        Ok(v.into_iter().map(|per| vec![Row { org: org.clone(), kind: None, value: per[0] }]).collect())
    }
}
