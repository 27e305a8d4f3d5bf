//! The year-end report of an org: its facts gathered through the actor's scope (figures of this
//! year and last, targets, scores, the children's ranking, names behind figures, approved
//! narratives) and the pack's template rendered over them.

use super::Scoped;
use crate::{StoreError, assessments, submissions};
use kaohe_domain::indicator::{Indicator, Number, Period};
use kaohe_domain::record::Value;
use kaohe_domain::report::template::{self, list_key};
use kaohe_domain::report::{
    ChildFigures, Doc, Facts, FigureFact, ListItem, Narrative, Outcome, RankRow, ReportTemplate, Wants,
};
use kaohe_domain::scoring::{Assessment, ItemLine};
use kaohe_domain::submission::State;
use kaohe_domain::{Action, DomainError, OrgId};
use std::collections::BTreeMap;

/// Most records a template may list by name behind one figure.
pub const MAX_NAMES: usize = 100;

/// A rendered report and the facts it was written from (the statistical tables come from them).
#[derive(Debug, Clone)]
pub struct Report {
    pub doc: Doc,
    pub facts: Facts,
    /// In a draft, every figure still lacking (written as 【待填报：…】 in the document).
    pub missing: Vec<kaohe_domain::report::Missing>,
}

fn invalid(zh: String, en: String) -> StoreError {
    StoreError::Domain(DomainError::invalid("template", zh, en))
}

impl Scoped<'_> {
    /// The installed report template with this key (`annual`).
    pub fn report_template(&self, key: &str) -> Result<&ReportTemplate, StoreError> {
        self.layer
            .parts
            .reports
            .iter()
            .find(|t| t.key == key)
            .ok_or_else(|| invalid(format!("没有名为“{key}”的报告模板"), format!("no report template `{key}`")))
    }

    /// Renders the report `key` of `org` for `year`. A template error (a figure that cannot be
    /// computed, an undefined name) refuses the whole report, located at the template's line.
    pub async fn report(&self, year: i32, org: OrgId, key: &str) -> Result<Report, StoreError> {
        self.render_report(year, org, key, false).await
    }

    /// The report as a draft: every figure that cannot be computed yet is written as
    /// 【待填报：名称】 and listed in [`Report::missing`], all at once.
    pub async fn report_draft(&self, year: i32, org: OrgId, key: &str) -> Result<Report, StoreError> {
        self.render_report(year, org, key, true).await
    }

    /// A template being edited, rendered as a draft over `org`'s `year` (its live preview).
    pub async fn report_preview(&self, year: i32, org: OrgId, tpl: &ReportTemplate) -> Result<Report, StoreError> {
        self.render_with(year, org, tpl.clone(), true).await
    }

    async fn render_report(&self, year: i32, org: OrgId, key: &str, draft: bool) -> Result<Report, StoreError> {
        let tpl = self.report_template(key)?.clone();
        self.render_with(year, org, tpl, draft).await
    }

    async fn render_with(&self, year: i32, org: OrgId, tpl: ReportTemplate, draft: bool) -> Result<Report, StoreError> {
        let mut facts = self.report_facts(year, org).await?;
        facts.draft = draft;
        // Each pass gathers what the last one asked for; a template whose wants keep changing
        // (names chosen by other names) gets a few passes, then is refused.
        for _ in 0..4 {
            match template::render(&tpl, &facts).map_err(|e| invalid(e.to_string(), e.to_string()))? {
                Outcome::Done(doc, missing) => return Ok(Report { doc, facts, missing }),
                Outcome::Needs(wants) => self.gather(&mut facts, &wants).await?,
            }
        }
        Err(invalid(
            format!("模板{}反复请求新的数据,无法完成", tpl.file),
            format!("template {} keeps asking for more data", tpl.file),
        ))
    }

    /// Every indicator's figure at `org` for `year` and the year before, with the targets, the
    /// org's scores and its children's ranking.
    pub async fn report_facts(&self, year: i32, org: OrgId) -> Result<Facts, StoreError> {
        Ok(self.report_facts_and_assessment(year, org).await?.0)
    }

    /// [`Scoped::report_facts`] and the [`Scoped::current_assessment`] its ranking comes from,
    /// for a page that shows both (computed once).
    pub async fn report_facts_and_assessment(
        &self,
        year: i32,
        org: OrgId,
    ) -> Result<(Facts, Option<Assessment>), StoreError> {
        let o = self.org(org).await?;
        self.check(Action::RecordRead, Some(&o.path))?;
        let all: Vec<&Indicator> = self.layer.parts.indicators.all().iter().collect();
        let plans: Vec<_> = all.iter().map(|i| &i.plan).collect();
        let now = self.figures(&plans, &Period::year(year), &[org]).await?;
        let last = self.figures(&plans, &Period::year(year - 1), &[org]).await?;
        let targets = self.report_targets(year, org).await?;
        let scored = self.report_items(year, org).await?;
        let figures = all
            .iter()
            .enumerate()
            .map(|(i, ind)| {
                let d = &ind.def;
                let fact = FigureFact {
                    order: i,
                    key: d.key.clone(),
                    name_zh: d.name_zh.clone(),
                    unit: d.unit.clone(),
                    section: d.section.clone(),
                    decimals: d.decimals,
                    percent: ind.is_percent(),
                    value: now[i][0],
                    last: last[i][0],
                    // As scored (assigned, else the rulebook's default), else as assigned or summed.
                    target: scored.get(&d.key).and_then(|l| l.target).or_else(|| targets.get(&d.key).copied()),
                    score: scored.get(&d.key).map(|l| l.points),
                    weight: scored.get(&d.key).map(|l| l.weight),
                    item: scored.get(&d.key).map(|l| l.name_zh.clone()),
                };
                (d.key.clone(), fact)
            })
            .collect();
        let date = self.today();
        let assessment = self.current_assessment(year, org).await?;
        let kids = self.org_children(Some(org), false).await?;
        let ids: Vec<OrgId> = kids.iter().map(|k| k.id).collect();
        let by_kid = if ids.is_empty() { Vec::new() } else { self.figures(&plans, &Period::year(year), &ids).await? };
        let children = kids
            .iter()
            .enumerate()
            .map(|(c, k)| ChildFigures {
                org: k.name.clone(),
                values: all.iter().enumerate().map(|(i, ind)| (ind.def.key.clone(), by_kid[i][c])).collect(),
            })
            .collect();
        let facts = Facts {
            year,
            org_id: org.0,
            org_name: o.name.clone(),
            date,
            figures,
            ranking: assessment.as_ref().map(|a| ranking(a, org)).unwrap_or_default(),
            children,
            ..Facts::default()
        };
        Ok((facts, assessment))
    }

    /// Targets by indicator: the org's own where assigned, else the sum of its children's for
    /// additive indicators.
    async fn report_targets(&self, year: i32, org: OrgId) -> Result<BTreeMap<String, Number>, StoreError> {
        let Ok(book) = self.rulebook(year) else { return Ok(BTreeMap::new()) };
        let indicator_of: BTreeMap<&str, &str> =
            book.items().map(|(_, i)| (i.key.as_str(), i.indicator.as_str())).collect();
        let mut out = BTreeMap::new();
        for t in assessments::targets(&self.store.db, year, &[org]).await? {
            if let Some(ind) = indicator_of.get(t.item.as_str()) {
                out.insert((*ind).to_owned(), t.value);
            }
        }
        // The children's targets add up only for someone who may read assessments.
        let kids: Vec<OrgId> = if self.check(Action::AssessmentRead, None).is_ok() {
            self.assessees(year, org).await?.iter().map(|o| o.id).collect()
        } else {
            Vec::new()
        };
        let mut sums: BTreeMap<String, Number> = BTreeMap::new();
        for t in assessments::targets(&self.store.db, year, &kids).await? {
            let Some(ind) = indicator_of.get(t.item.as_str()) else { continue };
            if self.layer.parts.indicators.get(ind).is_some_and(|i| i.additive) {
                let s = sums.entry((*ind).to_owned()).or_insert(Number::ZERO);
                *s = s.checked_add(t.value).unwrap_or(*s);
            }
        }
        for (k, v) in sums {
            out.entry(k).or_insert(v);
        }
        Ok(out)
    }

    /// The org's scored items by indicator in its parent's assessment — the latest published
    /// version, else as it stands (none for the top org or without the right to read
    /// assessments).
    async fn report_items(&self, year: i32, org: OrgId) -> Result<BTreeMap<String, ItemLine>, StoreError> {
        if self.rulebook(year).is_err() || self.check(Action::AssessmentRead, None).is_err() {
            return Ok(BTreeMap::new());
        }
        let lines =
            |r: kaohe_domain::scoring::OrgResult| r.items.into_iter().map(|l| (l.indicator.clone(), l)).collect();
        // What the assessor published, when it has: the report agrees with the ranking it
        // announced (read with the operator's reach; only this org's result is used).
        if let Some(parent) = self.org(org).await?.parent_id {
            let op = Scoped::new(self.store, kaohe_domain::Actor::Operator);
            if let Some(v) = op.published_assessments(year, parent).await?.iter().map(|p| p.version).max() {
                let (_, whole) = op.published_assessment(year, parent, v).await?;
                return Ok(whole.results.into_iter().find(|r| r.org.org == org).map(lines).unwrap_or_default());
            }
        }
        match self.assessment_of(year, org).await {
            Ok(r) => Ok(lines(r)),
            Err(StoreError::Domain(DomainError::NotFound)) => Ok(BTreeMap::new()),
            Err(e) => Err(e),
        }
    }

    /// The year's assessment by `org` as it stands: the latest published version, else one
    /// computed now; `None` without a rulebook for the year or the right to read assessments.
    pub async fn current_assessment(&self, year: i32, org: OrgId) -> Result<Option<Assessment>, StoreError> {
        if self.rulebook(year).is_err() || self.check(Action::AssessmentRead, None).is_err() {
            return Ok(None);
        }
        let published = self.published_assessments(year, org).await?;
        Ok(Some(match published.iter().map(|p| p.version).max() {
            Some(v) => self.published_assessment(year, org, v).await?.1,
            None => self.assess(year, org).await?,
        }))
    }

    /// Fetches what a render asked for: names behind figures, approved narratives.
    async fn gather(&self, facts: &mut Facts, wants: &Wants) -> Result<(), StoreError> {
        let org = OrgId(facts.org_id);
        for list in &wants.lists {
            let (key, field) = list.split_once('.').unwrap_or((list, ""));
            let ind = self
                .layer
                .parts
                .indicators
                .get(key)
                .ok_or_else(|| invalid(format!("没有指标“{key}”"), format!("no indicator `{key}`")))?;
            let drilled = self.drill(&ind.plan, &Period::year(facts.year), org).await?;
            let mut items = Vec::new();
            if let Some(part) = drilled.parts.iter().find(|p| p.roles.is_empty()).or(drilled.parts.first()) {
                if part.record_ids.len() > MAX_NAMES {
                    return Err(invalid(
                        format!("指标“{key}”背后有{}条记录,报告最多列出{MAX_NAMES}个名称", part.record_ids.len()),
                        format!(
                            "`{key}` stands on {} records; a report lists at most {MAX_NAMES} names",
                            part.record_ids.len()
                        ),
                    ));
                }
                let ids: Vec<_> = part.record_ids.iter().map(|i| kaohe_domain::record::RecordId(*i)).collect();
                for r in self.records_by_id(&part.registry, &ids).await? {
                    let text = match r.values.get(field) {
                        Some(Value::Text(t)) => t.clone(),
                        _ => {
                            return Err(invalid(
                                format!("台账{}没有文本字段“{field}”(names 的 field 参数)", part.registry),
                                format!("registry {} has no text field `{field}` (names(…, field=…))", part.registry),
                            ));
                        }
                    };
                    items.push(ListItem { text, registry: part.registry.clone(), record: r.id.0 });
                }
            }
            facts.lists.insert(list_key(key, field), items);
        }
        if !wants.narratives.is_empty() {
            let o = self.org(org).await?;
            let scope: BTreeMap<OrgId, String> = self
                .store
                .org_cache
                .get(&self.store.db)
                .await?
                .subtree(Some(&o.path), true)
                .into_iter()
                .map(|o| (o.id, o.name))
                .collect();
            let approved = submissions::approved_in(&self.store.db, facts.year).await?;
            for request in &wants.narratives {
                let list: Vec<Narrative> = approved
                    .iter()
                    .filter(|s| &s.request == request && s.state == State::Approved && !s.narrative.trim().is_empty())
                    .filter_map(|s| Some(Narrative { org: scope.get(&s.org_id)?.clone(), text: s.narrative.clone() }))
                    .collect();
                facts.narratives.insert(request.clone(), list);
            }
        }
        Ok(())
    }
}

/// The children of `org` in its assessment `a`, best first.
fn ranking(a: &Assessment, org: OrgId) -> Vec<RankRow> {
    let mut rows: Vec<RankRow> = a
        .results
        .iter()
        .filter(|r| r.org.parent == Some(org))
        .map(|r| RankRow {
            group: r.org.kind.label_zh().to_owned(),
            group_order: r.org.kind.listing_order(),
            org_id: r.org.org.0,
            org: r.org.name.clone(),
            rank: r.rank,
            total: r.total,
            grade: r.grade_zh.clone(),
            vetoed: r.vetoed,
        })
        .collect();
    rows.sort_by_key(|r| (r.group_order, r.rank, r.org_id));
    rows
}
