//! Importing records, scoped and all-or-nothing: every row is checked first (org inside the scope,
//! field rules, natural keys unique in the file and not owned outside the scope); any error
//! refuses the whole file with every error listed; otherwise one transaction writes it all,
//! upserting by natural key, so importing the same file twice changes nothing the second time.

use super::Scoped;
use crate::audit::{self, Event, digest};
use crate::import_choices::ColumnChoice;
use crate::registry::bulk::{self, BulkReport, BulkRow};
use crate::registry::records::{self, Stamp};
use crate::{RowError, StoreError};
use kaohe_domain::audit::AuditAction;
use kaohe_domain::input::{check_record, record_warnings};
use kaohe_domain::record::Values;
use kaohe_domain::{Action, OrgId};
use std::collections::HashMap;

/// One parsed row of an import file.
#[derive(Debug, Clone)]
pub struct ImportRow {
    /// The row number as the spreadsheet shows it.
    pub row: usize,
    /// The owning org as written (code or full name); empty means the importer's default org.
    pub org: String,
    pub values: Values,
}

/// What an import did, and what the registry's warning-level checks noticed without refusing
/// (`column` holds the field key, as in [`StoreError::Import`]).
#[derive(Debug, Clone)]
pub struct RecordImport {
    pub report: BulkReport,
    pub warnings: Vec<RowError>,
}

impl Scoped<'_> {
    /// Checks and writes an import. `default_org` owns rows that name no org. `progress` is told
    /// how many rows have been written so far.
    pub async fn import_records(
        &self,
        key: &str,
        rows: Vec<ImportRow>,
        default_org: Option<OrgId>,
        dry_run: bool,
        progress: &(dyn Fn(usize) + Sync),
    ) -> Result<RecordImport, StoreError> {
        let reg = self.registry(key)?;
        self.check(Action::RecordWrite, None)?;
        let default = match default_org {
            Some(id) => Some(self.org(id).await?.id),
            None => None,
        };
        let p = self.store.protector();
        let (mut problems, mut warnings) = (Vec::new(), Vec::new());
        // `column` holds the field key (or `org`); the caller maps it to the file's column.
        let problem = |row: usize, field: &str, zh: String, en: String| RowError {
            row,
            column: field.to_owned(),
            value: String::new(),
            message_zh: zh,
            message_en: en,
        };
        let mut org_cache: HashMap<String, Result<OrgId, (String, String)>> = HashMap::new();
        let mut checked: Vec<(usize, OrgId, Values)> = Vec::with_capacity(rows.len());
        for r in rows {
            let org = if r.org.trim().is_empty() {
                match default {
                    Some(d) => Ok(d),
                    None => Err(("须填写所属组织".to_owned(), "the owning org is required".to_owned())),
                }
            } else {
                let t = r.org.trim().to_owned();
                if !org_cache.contains_key(&t) {
                    let resolved = self.resolve_org(&t).await.map_err(|e| match e.domain() {
                        Some(kaohe_domain::DomainError::Validation(v)) => {
                            (v[0].message_zh.clone(), v[0].message_en.clone())
                        }
                        _ => (e.to_string(), e.to_string()),
                    });
                    org_cache.insert(t.clone(), resolved);
                }
                org_cache[&t].clone()
            };
            let mut values = r.values;
            for (k, zh, en) in self.resolve_org_fields(reg, &mut values).await {
                problems.push(problem(r.row, &k, zh, en));
            }
            for (k, e) in check_record(reg, &mut values, self.store.today()) {
                problems.push(problem(r.row, &k, e.message_zh, e.message_en));
            }
            for (k, e) in record_warnings(reg, &values) {
                warnings.push(problem(r.row, &k, e.message_zh, e.message_en));
            }
            match org {
                Ok(o) => checked.push((r.row, o, values)),
                Err((zh, en)) => problems.push(problem(r.row, "org", zh, en)),
            }
        }
        // `unique` fields beyond the natural key: unique within the file and against the database.
        for f in records::extra_unique_fields(reg) {
            let mut seen: HashMap<String, usize> = HashMap::new();
            for (row, _, v) in &checked {
                let c = crate::registry::codec::canonical(v.get(&f.key).unwrap_or(&kaohe_domain::record::Value::Null));
                if c.is_empty() {
                    continue;
                }
                if let Some(prev) = seen.insert(c, *row) {
                    problems.push(problem(*row, &f.key, format!("与第{prev}行重复"), format!("repeats row {prev}")));
                }
            }
        }
        let nks: Vec<String> = checked.iter().map(|(_, _, v)| crate::registry::codec::natural_key(reg, v, p)).collect();
        let mut first: HashMap<&str, usize> = HashMap::new();
        for ((row, _, _), nk) in checked.iter().zip(&nks) {
            if let Some(prev) = first.insert(nk, *row) {
                let nk_fields = reg.natural_key.join("、");
                problems.push(problem(
                    *row,
                    &reg.natural_key[0],
                    format!("与第{prev}行重复({nk_fields})"),
                    format!("repeats row {prev} ({nk_fields})"),
                ));
            }
        }
        let txn = crate::db::begin_write(&self.store.db).await?;
        let existing = records::ids_by_natural_key(&txn, reg, &nks).await?;
        let mut org_paths: HashMap<OrgId, bool> = HashMap::new();
        for ((row, _, _), nk) in checked.iter().zip(&nks) {
            if let Some((_, _, owner)) = existing.get(nk) {
                if !org_paths.contains_key(owner) {
                    let inside = self.writes_under(&txn, *owner).await?;
                    org_paths.insert(*owner, inside);
                }
                if !org_paths[owner] {
                    // Neutral: where the record is would tell who is on file elsewhere.
                    let (zh, en) =
                        super::record_ops::NOT_HERE.split_once(" / ").unwrap_or((super::record_ops::NOT_HERE, ""));
                    problems.push(problem(*row, &reg.natural_key[0], zh.into(), en.into()));
                }
            }
        }
        if !records::extra_unique_fields(reg).is_empty() {
            for ((row, _, v), nk) in checked.iter().zip(&nks) {
                let except = existing.get(nk).map(|(id, _, _)| *id);
                for k in records::taken_unique(&txn, reg, v, except, p).await? {
                    problems.push(problem(
                        *row,
                        &k,
                        "已被其他记录使用,不能重复".into(),
                        "already used by another record; must be unique".into(),
                    ));
                }
            }
        }
        if !problems.is_empty() {
            problems.sort_by(|a, b| (a.row, &a.column).cmp(&(b.row, &b.column)));
            txn.rollback().await?;
            // A refused import is audited as an import: what it tried tells as much as what it did.
            let (n, rows_seen) = (problems.len(), checked.len());
            let summary = format!(
                "导入{}被拒绝:{n}处错误,未写入 / import of {} refused: {n} error(s), nothing written ({rows_seen} rows checked)",
                reg.label_zh, reg.key
            );
            self.audit_import(reg, summary).await?;
            return Err(StoreError::Import(problems));
        }
        let total = checked.len();
        let rows: Vec<BulkRow> =
            checked.into_iter().zip(nks).map(|((_, org, values), nk)| BulkRow { org, values, nk }).collect();
        let summary_digest = digest(&rows.iter().map(|r| &r.nk).collect::<Vec<_>>());
        let stamp = Stamp { actor: self.actor.audit_name(), at: self.store.clock.now() };
        let report = bulk::write(&txn, reg, rows, &existing, &stamp, p, progress).await?;
        let event = Event {
            action: AuditAction::Import,
            entity: "record_import",
            entity_id: Some(reg.key.clone()),
            scope: self.actor.scope(),
            summary: format!(
                "导入{}:共{total}行,新建{},更新{},未变{} / import {}: {total} rows, {} created, {} updated, {} unchanged",
                reg.label_zh,
                report.created,
                report.updated,
                report.unchanged,
                reg.key,
                report.created,
                report.updated,
                report.unchanged
            ),
        };
        if dry_run {
            txn.rollback().await?;
            let summary = format!("试导入(未写入):{} / dry run (nothing written): {}", event.summary, reg.key);
            self.audit_import(reg, summary).await?;
        } else {
            audit::record(&txn, stamp.at, &self.actor, event, None, Some(summary_digest)).await?;
            txn.commit().await?;
        }
        Ok(RecordImport { report, warnings })
    }

    /// The column choice remembered for registry `key` at `org` (headers left out, the header
    /// row), for the next import there.
    pub async fn import_choice(&self, key: &str, org: OrgId) -> Result<Option<ColumnChoice>, StoreError> {
        self.registry(key)?;
        let o = self.org(org).await?;
        self.check(Action::RecordWrite, Some(&o.path))?;
        crate::import_choices::get(&self.store.db, o.id, key).await
    }

    /// Remembers the column choice an import of `key` at `org` was confirmed with.
    pub async fn remember_import_choice(&self, key: &str, org: OrgId, choice: &ColumnChoice) -> Result<(), StoreError> {
        self.registry(key)?;
        let o = self.org(org).await?;
        self.check(Action::RecordWrite, Some(&o.path))?;
        let (author, at) = (self.actor.audit_name(), self.store.clock.now());
        crate::import_choices::put(&self.store.db, o.id, key, choice, author, at).await
    }

    /// An import row in the audit log for an import that wrote nothing (a dry run, a refusal).
    async fn audit_import(&self, reg: &kaohe_domain::registry::RegistryDef, summary: String) -> Result<(), StoreError> {
        let event = Event {
            action: AuditAction::Import,
            entity: "record_import",
            entity_id: Some(reg.key.clone()),
            scope: self.actor.scope(),
            summary,
        };
        audit::record_alone(&self.store.db, self.store.clock.now(), &self.actor, event).await
    }
}
