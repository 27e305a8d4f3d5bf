//! Targets and assessments through the actor's scope: 考核办 (assessors) assign targets to the
//! orgs below their own and publish assessments; anyone who may read an org's figures may see
//! its scores.

use super::Scoped;
use crate::assessments::{self, Published, Target};
use crate::audit::{self, Event};
use crate::{StoreError, orgs};
use chrono::NaiveDate;
use kaohe_domain::audit::AuditAction;
use kaohe_domain::indicator::{Number, Period, Plan};
use kaohe_domain::scoring::{Assessee, Assessment, Change, Inputs, LATE_SUBMISSIONS, Rulebook, assess, diff, split};
use kaohe_domain::{Action, DomainError, Org, OrgId};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;

impl Scoped<'_> {
    /// The rulebook of a year (the pack's).
    pub fn rulebook(&self, year: i32) -> Result<&Rulebook, StoreError> {
        self.layer.parts.rulebook(year).ok_or_else(|| no_rulebook(year))
    }

    /// The orgs `org` assesses in `year`: its children of the rulebook's kinds open at some
    /// point of the year, in tree order.
    pub async fn assessees(&self, year: i32, org: OrgId) -> Result<Vec<Org>, StoreError> {
        self.assessees_under(self.rulebook(year)?, org).await
    }

    /// The orgs `org` assesses under `book`.
    async fn assessees_under(&self, book: &Rulebook, org: OrgId) -> Result<Vec<Org>, StoreError> {
        self.check(Action::AssessmentRead, None)?;
        let year = book.year;
        let parent = self.org_in_scope(Action::AssessmentRead, org).await?;
        let (first, last) = year_bounds(year);
        let mut kids = orgs::children(&self.store.db, Some(parent.id), false).await?;
        kids.sort_by(|a, b| a.path.as_str().cmp(b.path.as_str()));
        Ok(kids
            .into_iter()
            .filter(|o| book.assesses(&o.tags()))
            .filter(|o| o.opened_on <= last && o.closed_on.is_none_or(|c| c > first))
            .collect())
    }

    /// The targets assigned to the orgs `org` assesses.
    pub async fn assigned_targets(&self, year: i32, org: OrgId) -> Result<Vec<Target>, StoreError> {
        let ids: Vec<OrgId> = self.assessees(year, org).await?.iter().map(|o| o.id).collect();
        assessments::targets(&self.store.db, year, &ids).await
    }

    /// Assigns one target to an org below the actor's own (an org's own targets come from above).
    pub async fn set_target(&self, year: i32, org: OrgId, item: &str, value: Number) -> Result<(), StoreError> {
        self.set_targets(year, &[(org, item.to_owned(), value)]).await
    }

    /// Assigns several targets in one transaction, audited; all or nothing.
    pub async fn set_targets(&self, year: i32, rows: &[(OrgId, String, Number)]) -> Result<(), StoreError> {
        self.check(Action::AssessmentWrite, None)?;
        let book = self.rulebook(year)?;
        let mut checked = Vec::new();
        for (org, key, value) in rows {
            let o = self.org_in_scope(Action::AssessmentWrite, *org).await?;
            if self.actor.scope().is_some_and(|s| s == &o.path) {
                return Err(
                    DomainError::Forbidden("本单位的目标由上级下达 / an org's own targets are set from above").into()
                );
            }
            let item = book.item(key).ok_or_else(|| {
                DomainError::invalid(
                    "item",
                    format!("没有考核项“{key}”"),
                    format!("no item {key} in the {year} rulebook"),
                )
            })?;
            if !item.applies(&o.tags()) {
                return Err(DomainError::invalid(
                    "item",
                    format!("考核项“{}”不适用于{}", item.name_zh, o.name),
                    format!("item {key} does not apply to {}", o.code.as_str()),
                )
                .into());
            }
            let e4 = assessments::to_e4(*value).filter(|v| *v >= 0).ok_or_else(|| {
                DomainError::invalid(
                    "value",
                    "目标值须为不超过4位小数的非负数",
                    "a target is a non-negative number with at most 4 decimals",
                )
            })?;
            checked.push((o, key.clone(), *value, e4));
        }
        let now = self.store.clock.now();
        let txn = crate::db::begin_write(&self.store.db).await?;
        for (o, key, value, e4) in &checked {
            assessments::upsert_target(&txn, year, o.id, key, *e4, self.actor.audit_name(), now).await?;
            let event = Event {
                action: AuditAction::Update,
                entity: "target",
                entity_id: Some(format!("{year}:{}:{key}", o.id.0)),
                scope: Some(&o.path),
                summary: format!("{}年 {} 目标“{key}”= {value}", year, o.name),
            };
            audit::record(&txn, now, &self.actor, event, None, Some(value.to_string())).await?;
        }
        txn.commit().await?;
        Ok(())
    }

    /// Splits `total` for an item among the orgs `parent` assesses to which it applies: in
    /// proportion to `weights` (equal parts without), in whole units where the indicator adds up
    /// up the tree; a figure that does not add up (a rate) is given to every child unchanged.
    pub async fn cascade_target(
        &self,
        year: i32,
        parent: OrgId,
        item: &str,
        total: Number,
        weights: Option<&BTreeMap<OrgId, Number>>,
    ) -> Result<Vec<(OrgId, Number)>, StoreError> {
        let book = self.rulebook(year)?;
        let it = book
            .item(item)
            .ok_or_else(|| DomainError::invalid("item", format!("没有考核项“{item}”"), format!("no item {item}")))?;
        let kids: Vec<Org> =
            self.assessees(year, parent).await?.into_iter().filter(|o| it.applies_to.contains(&o.kind)).collect();
        let additive = self.layer.parts.indicators.get(&it.indicator).is_some_and(|i| i.additive);
        let parts = if additive {
            let w: Vec<Number> =
                kids.iter().map(|k| weights.and_then(|m| m.get(&k.id)).copied().unwrap_or(Number::int(1))).collect();
            split(total, &w)
        } else {
            vec![total; kids.len()]
        };
        let rows: Vec<(OrgId, String, Number)> =
            kids.iter().zip(&parts).map(|(k, v)| (k.id, item.to_owned(), *v)).collect();
        self.set_targets(year, &rows).await?;
        Ok(rows.into_iter().map(|(o, _, v)| (o, v)).collect())
    }

    /// Items whose children's targets do not add up to the parent's (default) target, where the
    /// indicator adds up: (item, the parent's target, the children's sum).
    pub async fn target_gaps(&self, year: i32, parent: OrgId) -> Result<Vec<(String, Number, Number)>, StoreError> {
        let book = self.rulebook(year)?;
        let kids = self.assessees(year, parent).await?;
        let assigned = self.assigned_targets(year, parent).await?;
        let mut out = Vec::new();
        for (_, it) in book.items() {
            let additive = self.layer.parts.indicators.get(&it.indicator).is_some_and(|i| i.additive);
            let Some(want) = it.default_target.filter(|_| additive) else { continue };
            let applies: Vec<&Org> = kids.iter().filter(|k| it.applies_to.contains(&k.kind)).collect();
            let given: Vec<Number> = applies
                .iter()
                .filter_map(|k| assigned.iter().find(|t| t.org_id == k.id && t.item == it.key).map(|t| t.value))
                .collect();
            if applies.is_empty() || given.is_empty() {
                continue;
            }
            let sum = given.iter().fold(Number::ZERO, |a, v| a.checked_add(*v).unwrap_or(a));
            if given.len() != applies.len() || sum != want {
                out.push((it.key.clone(), want, sum));
            }
        }
        Ok(out)
    }

    /// Scores the orgs `org` assesses for `year` by that year's rulebook (not stored).
    pub async fn assess(&self, year: i32, org: OrgId) -> Result<Assessment, StoreError> {
        let layer = self.layer.clone();
        self.assess_in(&layer.parts, year, org).await
    }

    /// Scores the orgs `org` assesses for `year` under `parts`' rulebook and indicators (the
    /// ones in force, or a draft's for 试算).
    pub(crate) async fn assess_in(
        &self,
        parts: &kaohe_domain::pack::Layered,
        year: i32,
        org: OrgId,
    ) -> Result<Assessment, StoreError> {
        let book = parts.rulebook(year).ok_or_else(|| no_rulebook(year))?;
        let kids = self.assessees_under(book, org).await?;
        let assessees: Vec<Assessee> = kids
            .iter()
            .map(|o| Assessee {
                org: o.id,
                code: o.code.as_str().to_owned(),
                name: o.name.clone(),
                kind: o.kind,
                parent: o.parent_id,
                groups: o.groups.clone(),
            })
            .collect();
        // Every indicator the rulebook reads, for the assessed orgs and the assessing org.
        let mut keys: Vec<&str> = book.items().map(|(_, i)| i.indicator.as_str()).collect();
        keys.extend(book.vetoes.iter().map(|v| v.indicator.as_str()));
        keys.extend(book.adjustments.iter().map(|a| a.indicator.as_str()));
        keys.retain(|k| *k != LATE_SUBMISSIONS);
        keys.sort_unstable();
        keys.dedup();
        let plans: Vec<&Plan> = keys
            .iter()
            .map(|k| parts.indicators.get(k).map(|i| &i.plan).ok_or(DomainError::NotFound))
            .collect::<Result<_, _>>()?;
        let mut at: Vec<OrgId> = vec![org];
        at.extend(kids.iter().map(|o| o.id));
        let values = self.figures(&plans, &Period::year(year), &at).await?;
        let mut inputs = Inputs { assessing: Some(org), ..Default::default() };
        for (k, row) in keys.iter().zip(&values) {
            for (o, v) in at.iter().zip(row) {
                inputs.figures.insert((*o, (*k).to_owned()), *v);
            }
        }
        for (o, n) in self.late_counts(year, &at[1..]).await? {
            inputs.figures.insert((o, LATE_SUBMISSIONS.to_owned()), Some(Number::int(n)));
        }
        for t in assessments::targets(&self.store.db, year, &at[1..]).await? {
            inputs.targets.insert((t.org_id, t.item), t.value);
        }
        Ok(assess(book, &assessees, &inputs))
    }

    /// Runs the assessment and freezes it as the next version; returns it with what changed
    /// since the previous version (empty for the first).
    pub async fn publish_assessment(&self, year: i32, org: OrgId) -> Result<(Published, Vec<Change>), StoreError> {
        self.check(Action::AssessmentWrite, None)?;
        let o = self.org_in_scope(Action::AssessmentWrite, org).await?;
        let fresh = self.assess(year, org).await?;
        let content = serde_json::to_string(&fresh).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        let previous = assessments::list(&self.store.db, year, org).await?.pop();
        let changes = match &previous {
            Some(p) => diff(&self.published_assessment(year, org, p.version).await?.1, &fresh),
            None => Vec::new(),
        };
        let now = self.store.clock.now();
        let p = Published {
            year,
            org_id: org,
            version: previous.map_or(1, |p| p.version + 1),
            rulebook_version: fresh.rulebook_version.clone(),
            published_at: now,
            published_by: self.actor.audit_name().to_owned(),
            digest: hex::encode(Sha256::digest(content.as_bytes())),
        };
        let txn = crate::db::begin_write(&self.store.db).await?;
        assessments::insert(&txn, &p, &content).await?;
        let event = Event {
            action: AuditAction::Publish,
            entity: "assessment",
            entity_id: Some(format!("{year}:{}:{}", org.0, p.version)),
            scope: Some(&o.path),
            summary: format!(
                "发布{}年考核结果第{}版 / published the {year} assessment, version {}",
                year, p.version, p.version
            ),
        };
        audit::record(&txn, now, &self.actor, event, None, Some(p.digest.clone())).await?;
        txn.commit().await?;
        Ok((p, changes))
    }

    /// The published versions of a year's assessment by `org`.
    pub async fn published_assessments(&self, year: i32, org: OrgId) -> Result<Vec<Published>, StoreError> {
        self.check(Action::AssessmentRead, None)?;
        self.org_in_scope(Action::AssessmentRead, org).await?;
        assessments::list(&self.store.db, year, org).await
    }

    /// One published version, its content checked against the digest taken when it was frozen.
    pub async fn published_assessment(
        &self,
        year: i32,
        org: OrgId,
        version: i32,
    ) -> Result<(Published, Assessment), StoreError> {
        self.check(Action::AssessmentRead, None)?;
        self.org_in_scope(Action::AssessmentRead, org).await?;
        let (p, content) = assessments::get(&self.store.db, year, org, version).await?.ok_or(DomainError::NotFound)?;
        if hex::encode(Sha256::digest(content.as_bytes())) != p.digest {
            return Err(StoreError::Corrupt(format!(
                "{year}年考核结果第{version}版的内容与发布时的摘要不符 / the published {year} assessment, version {version}, does not match its digest"
            )));
        }
        let a = serde_json::from_str(&content).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        Ok((p, a))
    }
}

fn no_rulebook(year: i32) -> StoreError {
    StoreError::Domain(DomainError::invalid(
        "year",
        format!("没有{year}年的考核办法"),
        format!("no rulebook for {year}"),
    ))
}

fn year_bounds(year: i32) -> (NaiveDate, NaiveDate) {
    (NaiveDate::from_ymd_opt(year, 1, 1).unwrap_or_default(), NaiveDate::from_ymd_opt(year, 12, 31).unwrap_or_default())
}

impl Scoped<'_> {
    /// One org's result in the assessment of its parent, for someone who may read the org (a
    /// county sees its own scores and rank without reading the city's other figures).
    pub async fn assessment_of(&self, year: i32, org: OrgId) -> Result<kaohe_domain::scoring::OrgResult, StoreError> {
        self.check(Action::AssessmentRead, None)?;
        let o = self.org_in_scope(Action::AssessmentRead, org).await?;
        let parent = o.parent_id.ok_or(DomainError::NotFound)?;
        // Computed with the operator's reach; only this org's result leaves.
        let whole = Scoped::new(self.store, kaohe_domain::Actor::Operator).assess(year, parent).await?;
        whole.results.into_iter().find(|r| r.org.org == org).ok_or_else(|| DomainError::NotFound.into())
    }
}

impl Scoped<'_> {
    /// The working-day calendar (holidays are not personal; anyone signed in may use it).
    pub fn calendar(&self) -> &dyn kaohe_domain::calendar::WorkCalendar {
        self.layer.calendar.as_ref()
    }

    /// A moment as the federation's clocks show it (`2026-03-01 09:30`).
    pub fn local_time(&self, at: chrono::DateTime<chrono::Utc>) -> String {
        at.with_timezone(&self.store.time_zone()).format("%Y-%m-%d %H:%M").to_string()
    }

    /// Today by the store's clock, in the federation's time zone.
    pub fn today(&self) -> NaiveDate {
        self.store.today()
    }
}
