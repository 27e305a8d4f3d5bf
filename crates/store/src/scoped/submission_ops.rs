//! Submissions through the actor's scope: an org's editors fill in and submit what the year's
//! rulebook asks of it; reviewers above it approve or return (with a reason); every step is
//! audited and kept in the submission's history. Consistency checks run before submitting.

use super::Scoped;
use crate::StoreError;
use crate::audit::{self, Event};
use crate::submissions::{self, EvidenceFile, Submission};
use kaohe_domain::audit::AuditAction;
use kaohe_domain::indicator::{Number, Period, Plan};
use kaohe_domain::submission::{Failure, Request, State, Step, next};
use kaohe_domain::{Action, DomainError, Org, OrgId};
use std::collections::BTreeMap;

/// A submission waiting in a reviewer's inbox.
#[derive(Debug, Clone)]
pub struct InboxRow {
    pub submission: Submission,
    pub org: Org,
    pub request: Request,
}

impl Scoped<'_> {
    /// What the year's rulebook asks `org` to submit.
    pub async fn requests_for(&self, year: i32, org: OrgId) -> Result<Vec<Request>, StoreError> {
        let o = self.org_in_scope(Action::RecordRead, org).await?;
        let book = self.rulebook(year)?;
        Ok(book.requests.iter().filter(|r| r.asks(&o.tags())).cloned().collect())
    }

    fn request(&self, year: i32, key: &str) -> Result<Request, StoreError> {
        self.rulebook(year)?.requests.iter().find(|r| r.key == key).cloned().ok_or_else(|| DomainError::NotFound.into())
    }

    /// One submission, if started.
    pub async fn submission(&self, year: i32, org: OrgId, request: &str) -> Result<Option<Submission>, StoreError> {
        self.org_in_scope(Action::RecordRead, org).await?;
        submissions::get(&self.store.db, year, org, request).await
    }

    /// A submission's history and evidence files.
    pub async fn submission_details(
        &self,
        s: &Submission,
    ) -> Result<(Vec<submissions::Event>, Vec<EvidenceFile>), StoreError> {
        self.org_in_scope(Action::RecordRead, s.org_id).await?;
        Ok((submissions::history(&self.store.db, s.id).await?, submissions::evidence(&self.store.db, s.id).await?))
    }

    /// Saves a draft (values for the request's `manual` indicators, narrative).
    pub async fn save_submission(
        &self,
        year: i32,
        org: OrgId,
        request: &str,
        values: BTreeMap<String, Number>,
        narrative: &str,
    ) -> Result<Submission, StoreError> {
        let req = self.request(year, request)?;
        if let Some(k) = values.keys().find(|k| !req.indicators.contains(k)) {
            return Err(DomainError::invalid(
                k,
                format!("“{}”不填报“{k}”", req.name_zh),
                format!("{request} does not ask for {k}"),
            )
            .into());
        }
        self.step(year, org, &req, Step::Save, Some((values, narrative.to_owned()))).await.map(|(s, _)| s)
    }

    /// Submits for review; refused with every failed consistency check.
    pub async fn submit(&self, year: i32, org: OrgId, request: &str) -> Result<Submission, StoreError> {
        let req = self.request(year, request)?;
        self.step(year, org, &req, Step::Submit, None).await.map(|(s, _)| s)
    }

    /// Approves or returns a submitted submission.
    pub async fn review(&self, year: i32, org: OrgId, request: &str, step: Step) -> Result<Submission, StoreError> {
        let req = self.request(year, request)?;
        self.step(year, org, &req, step, None).await.map(|(s, _)| s)
    }

    /// The consistency checks of a request that `s` fails.
    pub async fn check_submission(&self, req: &Request, s: &Submission) -> Result<Vec<Failure>, StoreError> {
        let book = self.rulebook(s.year)?;
        let checks: Vec<_> = book.checks.iter().filter(|c| req.checks.contains(&c.key)).collect();
        // The registries' figures for the org's scope and the year, for operands not submitted.
        let mut keys: Vec<String> = Vec::new();
        for c in &checks {
            for side in [&c.left, &c.right] {
                if let kaohe_domain::submission::Operand::Indicator(k) = side
                    && !s.values.contains_key(k)
                    && !keys.contains(k)
                {
                    keys.push(k.clone());
                }
            }
        }
        let plans: Vec<&Plan> =
            keys.iter().filter_map(|k| self.layer.parts.indicators.get(k).map(|i| &i.plan)).collect();
        let figures = if plans.is_empty() {
            Vec::new()
        } else {
            let snap = self.store.snapshot(&super::needs(&plans)).await?;
            let (year, org) = (s.year, s.org_id);
            self.run_plans(snap, &plans, move |snap, p, b| snap.evaluate_at(p, &Period::year(year), &[org], b)).await?
        };
        let lookup = |k: &str| {
            s.values
                .get(k)
                .copied()
                .or_else(|| keys.iter().position(|x| x == k).and_then(|i| figures.get(i)?.first().copied().flatten()))
        };
        Ok(checks.iter().filter_map(|c| c.run(&lookup)).collect())
    }

    /// Four eyes: whoever saved or submitted a submission (its history, written with every step)
    /// does not approve it.
    async fn not_an_author(&self, s: Option<&Submission>) -> Result<(), StoreError> {
        // The operator at the command line (the demo's history) is not a person reviewing.
        let (Some(s), Some(_)) = (s, self.actor.user_id()) else { return Ok(()) };
        let me = self.actor.audit_name();
        let history = submissions::history(&self.store.db, s.id).await?;
        if history.iter().any(|e| e.actor == me && matches!(e.step.as_str(), "save" | "submit")) {
            return Err(DomainError::Forbidden(
                "填报人不能审核自己保存或提交的填报(双人复核) / whoever saved or submitted a submission does not approve it (four eyes)",
            )
            .into());
        }
        Ok(())
    }

    async fn step(
        &self,
        year: i32,
        org: OrgId,
        req: &Request,
        step: Step,
        content: Option<(BTreeMap<String, Number>, String)>,
    ) -> Result<(Submission, Org), StoreError> {
        let reviewing = matches!(step, Step::Approve | Step::Return { .. });
        let action = if reviewing { Action::SubmissionReview } else { Action::SubmissionWrite };
        self.check(action, None)?;
        let o = self.org_in_scope(action, org).await?;
        if reviewing && self.actor.scope().is_some_and(|s| s == &o.path) {
            return Err(DomainError::Forbidden(
                "本单位的填报由上级审核 / an org's submissions are reviewed from above",
            )
            .into());
        }
        if !req.asks(&o.tags()) {
            return Err(DomainError::invalid(
                "request",
                format!("“{}”不要求{}填报", req.name_zh, o.name),
                "not asked of this org",
            )
            .into());
        }
        let now = self.store.clock.now();
        let before = submissions::get(&self.store.db, year, org, &req.key).await?;
        let state = next(before.as_ref().map(|s| s.state), &step)?;
        if matches!(step, Step::Approve) && self.rulebook(year)?.four_eyes {
            self.not_an_author(before.as_ref()).await?;
        }
        let mut s = before.clone().unwrap_or(Submission {
            id: 0,
            year,
            org_id: org,
            request: req.key.clone(),
            state,
            values: BTreeMap::new(),
            narrative: String::new(),
            late: false,
            submitted_at: None,
            return_reason: None,
            version: 0,
            updated_by: String::new(),
            updated_at: now,
        });
        if let Some((values, narrative)) = content {
            s.values = values;
            s.narrative = narrative;
        }
        s.state = state;
        s.version += 1;
        s.updated_by = self.actor.audit_name().to_owned();
        s.updated_at = now;
        match &step {
            Step::Submit => {
                let mut missing: Vec<kaohe_domain::FieldError> = req
                    .indicators
                    .iter()
                    .filter(|k| !s.values.contains_key(*k))
                    .map(|k| kaohe_domain::FieldError::new(k, "必须填报", "required"))
                    .collect();
                if req.narrative && s.narrative.trim().is_empty() {
                    missing.push(kaohe_domain::FieldError::new(
                        "narrative",
                        "须填写工作总结",
                        "the narrative is required",
                    ));
                }
                for f in self.check_submission(req, &s).await? {
                    missing.push(kaohe_domain::FieldError::new(
                        &f.check,
                        format!("逻辑检查未通过:{}({} 不成立)", f.message_zh, f.compared),
                        format!("consistency check {} failed: {} does not hold", f.check, f.compared),
                    ));
                }
                if !missing.is_empty() {
                    return Err(DomainError::Validation(missing).into());
                }
                s.submitted_at = Some(now);
                // Late once the deadline day has ended where the federation is.
                s.late = self.store.today() > req.deadline;
                s.return_reason = None;
            }
            Step::Return { reason } => s.return_reason = Some(reason.trim().to_owned()),
            Step::Save | Step::Approve => {}
        }
        let note = match &step {
            Step::Return { reason } => Some(reason.trim().to_owned()),
            Step::Submit if s.late => Some("逾期提交 / late".to_owned()),
            _ => None,
        };
        let txn = crate::db::begin_write(&self.store.db).await?;
        s.id = submissions::write(&txn, &s).await?;
        submissions::log(&txn, s.id, now, self.actor.audit_name(), step.code(), note.as_deref()).await?;
        let event = Event {
            action: if reviewing {
                AuditAction::Update
            } else if before.is_none() {
                AuditAction::Create
            } else {
                AuditAction::Update
            },
            entity: "submission",
            entity_id: Some(format!("{year}:{}:{}", org.0, req.key)),
            scope: Some(&o.path),
            summary: format!("{}“{}”{}:{}", o.name, req.name_zh, year, step.code()),
        };
        audit::record(
            &txn,
            now,
            &self.actor,
            event,
            before.map(|b| b.state.code().to_owned()),
            Some(s.state.code().to_owned()),
        )
        .await?;
        txn.commit().await?;
        Ok((s, o))
    }

    /// Submitted submissions from the orgs below the actor's own, soonest deadline first.
    pub async fn inbox(&self) -> Result<Vec<InboxRow>, StoreError> {
        self.check(Action::SubmissionReview, None)?;
        // The submitted ones first (few), then each one's org looked up in the cached tree: at
        // the top of a province the orgs below are 100,000.
        let tree = self.store.org_cache.get(&self.store.db).await?;
        let below =
            |o: &Org| o.closed_on.is_none() && self.actor.scope().is_none_or(|s| s != &o.path && s.contains(&o.path));
        let mut out = Vec::new();
        for s in submissions::in_state(&self.store.db, State::Submitted).await? {
            let Ok(request) = self.request(s.year, &s.request) else { continue };
            let Some(org) = tree.get(s.org_id).filter(|o| below(o)).cloned() else { continue };
            out.push(InboxRow { submission: s, org, request });
        }
        out.sort_by(|a, b| {
            (a.request.deadline, a.submission.submitted_at, a.submission.id).cmp(&(
                b.request.deadline,
                b.submission.submitted_at,
                b.submission.id,
            ))
        });
        Ok(out)
    }

    /// Fills in the figures of `manual` indicators (`[plan][org]`) from approved submissions: a
    /// manual figure is an org's own statement for a whole year, not a roll-up; a department
    /// speaks for its federation (组织部's cadre figures are the city federation's).
    pub(crate) async fn fill_manual(
        &self,
        plans: &[&Plan],
        period: &Period,
        orgs: &[OrgId],
        values: &mut [Vec<Option<Number>>],
    ) -> Result<(), StoreError> {
        let keys: Vec<(usize, &str)> =
            plans.iter().enumerate().filter_map(|(i, p)| Some((i, p.manual_key()?))).collect();
        if keys.is_empty() {
            return Ok(());
        }
        let year = (period.kind == kaohe_domain::indicator::PeriodKind::Year).then(|| period.year_of_end());
        let mut approved: BTreeMap<(&str, OrgId), Number> = BTreeMap::new();
        let subs = match year {
            Some(y) => submissions::approved_in(&self.store.db, y).await?,
            None => Vec::new(),
        };
        for s in &subs {
            for (k, v) in &s.values {
                approved.insert((k.as_str(), s.org_id), *v);
            }
        }
        let tree = if subs.is_empty() { None } else { Some(self.store.org_cache.get(&self.store.db).await?) };
        for s in &subs {
            let Some(o) = tree.as_ref().and_then(|t| t.get(s.org_id)) else { continue };
            if let (kaohe_domain::OrgKind::Department, Some(parent)) = (o.kind, o.parent_id) {
                for (k, v) in &s.values {
                    approved.entry((k.as_str(), parent)).or_insert(*v);
                }
            }
        }
        for (i, key) in keys {
            for (j, org) in orgs.iter().enumerate() {
                values[i][j] = approved.get(&(key, *org)).copied();
            }
        }
        Ok(())
    }

    /// How many of each org's submissions for the year were late.
    pub(crate) async fn late_counts(&self, year: i32, orgs: &[OrgId]) -> Result<BTreeMap<OrgId, i64>, StoreError> {
        let mut out: BTreeMap<OrgId, i64> = orgs.iter().map(|o| (*o, 0)).collect();
        for s in submissions::of_orgs(&self.store.db, Some(year), orgs, None).await? {
            if s.late && s.state != State::Draft {
                *out.entry(s.org_id).or_default() += 1;
            }
        }
        Ok(out)
    }
}
