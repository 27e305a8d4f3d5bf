//! Registry records, scoped: read inside the scope (personal data masked unless the role may
//! unmask, and every unmasking audited), written by editors and the assessment office.

use super::Scoped;
use crate::audit::{self, Event};
use crate::registry::records::{self, Cursor, Filter, HistoryEntry, Sort, Stamp};
use crate::{StoreError, orgs};
use kaohe_domain::audit::AuditAction;
use kaohe_domain::input::check_record;
use kaohe_domain::protect::mask;
use kaohe_domain::record::{Record, RecordId, Value, Values};
use kaohe_domain::registry::{FieldType, RegistryDef};
use kaohe_domain::values::ValueError;
use kaohe_domain::{Action, DomainError, FieldError, Org, OrgId};

/// What a derived personal field (a birth date) shows when masked.
const HIDDEN: &str = "******";

/// The refusal of a record whose key is taken outside the actor's scope: it says nothing of where.
pub(super) const NOT_HERE: &str =
    "无法录入该记录,请联系上级审核员核实 / this record cannot be entered here; ask the reviewer above";

/// Look-ups by personal data a user may make in an hour.
pub const LOOKUPS_PER_HOUR: u64 = 30;

/// What a record list asks for.
#[derive(Debug, Clone, Default)]
pub struct RecordQuery {
    /// The subtree to list (default: the whole scope).
    pub under: Option<OrgId>,
    pub filters: Vec<Filter>,
    pub sort: Sort,
    pub after: Option<Cursor>,
    pub limit: u64,
    /// Show personal data in clear (needs the right; audited).
    pub unmask: bool,
}

impl Scoped<'_> {
    /// The registries the actor may read, in menu order.
    pub fn registries(&self) -> Result<&[RegistryDef], StoreError> {
        self.check(Action::RecordRead, None)?;
        Ok(&self.store.registries)
    }

    /// One registry's definition.
    pub fn registry(&self, key: &str) -> Result<&RegistryDef, StoreError> {
        self.check(Action::RecordRead, None)?;
        self.store.registries.iter().find(|r| r.key == key).ok_or_else(|| DomainError::NotFound.into())
    }

    /// Whether the actor may see personal data in clear.
    pub fn may_unmask(&self) -> bool {
        self.can(Action::Unmask)
    }

    pub(super) fn present(&self, reg: &RegistryDef, mut rec: Record, unmask: bool) -> Record {
        if !unmask {
            for f in reg.fields.iter().filter(|f| reg.is_personal(&f.key)) {
                if let Some(v) = rec.values.get_mut(&f.key)
                    && !v.is_null()
                {
                    // A derived field (a birth date) is hidden whole: a part of it is a part of
                    // the ID number the mask hides.
                    let shown = if f.sensitive { mask(&crate::registry::codec::canonical(v)) } else { HIDDEN.into() };
                    *v = Value::Text(shown);
                }
            }
        }
        rec
    }

    /// Personal-data filters (an exact ID number, an income, a birth date) find whether such a
    /// person is on file: only roles that may unmask may use them, each use is audited, and at
    /// most [`LOOKUPS_PER_HOUR`] an hour per user (counted from the audit log, so every server
    /// process counts the same).
    async fn check_lookups(&self, reg: &RegistryDef, filters: &[crate::registry::Filter]) -> Result<(), StoreError> {
        let personal: Vec<&str> = filters
            .iter()
            .filter(|f| reg.is_personal(&f.field) && f.op != crate::registry::FilterOp::IsEmpty)
            .map(|f| f.field.as_str())
            .collect();
        if personal.is_empty() {
            return Ok(());
        }
        if !self.can(Action::Unmask) {
            return Err(DomainError::Forbidden(
                "按个人信息查找仅限可查看明文的角色 / only roles that may unmask look records up by personal data",
            )
            .into());
        }
        let now = self.store.clock.now();
        let done =
            audit::count_by_actor(&self.store.db, &self.actor, AuditAction::Lookup, now - chrono::Duration::hours(1))
                .await?;
        if done >= LOOKUPS_PER_HOUR {
            return Err(DomainError::Forbidden(
                "按个人信息查找过于频繁,请一小时后再试 / too many look-ups by personal data; try again in an hour",
            )
            .into());
        }
        let event = Event {
            action: AuditAction::Lookup,
            entity: "record_lookup",
            entity_id: Some(reg.key.clone()),
            scope: self.actor.scope(),
            summary: format!(
                "按个人信息查找{}:{} / looked up by {}",
                reg.label_zh,
                personal.join("、"),
                personal.join(", ")
            ),
        };
        audit::record_alone(&self.store.db, now, &self.actor, event).await
    }

    async fn audit_unmask(&self, reg: &RegistryDef, ids: &[RecordId], how: &str) -> Result<(), StoreError> {
        if !reg.has_sensitive() || ids.is_empty() {
            return Ok(());
        }
        let event = Event {
            action: AuditAction::Unmask,
            entity: "record",
            entity_id: Some(format!(
                "{}:{}",
                reg.key,
                ids.iter().map(|i| i.0.to_string()).collect::<Vec<_>>().join(",")
            )),
            scope: self.actor.scope(),
            summary: format!(
                "{how}:{} 共{}条含个人信息的记录 / {} records with personal data shown in clear",
                reg.label_zh,
                ids.len(),
                ids.len()
            ),
        };
        audit::record_alone(&self.store.db, self.store.clock.now(), &self.actor, event).await
    }

    fn check_unmask(&self, unmask: bool) -> Result<(), StoreError> {
        if unmask { self.check(Action::Unmask, None) } else { Ok(()) }
    }

    /// A page of records in the scope.
    pub async fn records(&self, key: &str, q: &RecordQuery) -> Result<Vec<Record>, StoreError> {
        let reg = self.registry(key)?;
        self.check_unmask(q.unmask)?;
        self.check_lookups(reg, &q.filters).await?;
        let under = match q.under {
            Some(id) => Some(self.org(id).await?.path),
            None => self.actor.scope().cloned(),
        };
        // A scope holding every org needs no filter: at the top of a province the filter is a
        // subquery over 100,000 orgs on every page.
        let under = match under {
            Some(p) if self.store.org_cache.get(&self.store.db).await?.covers_all(&p) => None,
            u => u,
        };
        let limit = q.limit.clamp(1, 1000);
        let rows = records::list(
            &self.store.db,
            reg,
            under.as_ref(),
            &q.filters,
            &q.sort,
            q.after.as_ref(),
            limit,
            self.store.protector(),
        )
        .await?;
        if q.unmask {
            self.audit_unmask(reg, &rows.iter().map(|r| r.id).collect::<Vec<_>>(), "查看").await?;
        }
        Ok(rows.into_iter().map(|r| self.present(reg, r, q.unmask)).collect())
    }

    /// Every record under `under` (default: the scope), for an export: read page by page, and
    /// audited as an export (and as an unmasking when personal data goes out in clear).
    pub async fn export_records(
        &self,
        key: &str,
        under: Option<OrgId>,
        unmask: bool,
    ) -> Result<Vec<Record>, StoreError> {
        let reg = self.registry(key)?;
        self.check_unmask(unmask)?;
        let path = match under {
            Some(id) => Some(self.org(id).await?.path),
            None => self.actor.scope().cloned(),
        };
        let mut out: Vec<Record> = Vec::new();
        loop {
            let after = out.last().map(|r| crate::registry::Cursor { value: Value::Null, id: r.id });
            let page = records::list(
                &self.store.db,
                reg,
                path.as_ref(),
                &[],
                &Sort::default(),
                after.as_ref(),
                5000,
                self.store.protector(),
            )
            .await?;
            if page.is_empty() {
                break;
            }
            out.extend(page);
        }
        let event = Event {
            action: if unmask && reg.has_sensitive() { AuditAction::Unmask } else { AuditAction::Export },
            entity: "record_export",
            entity_id: Some(reg.key.clone()),
            scope: path.as_ref(),
            summary: format!(
                "导出{}共{}条{} / exported {} records of {}{}",
                reg.label_zh,
                out.len(),
                if unmask && reg.has_sensitive() { ",含明文个人信息" } else { "" },
                out.len(),
                reg.key,
                if unmask && reg.has_sensitive() { " with personal data in clear" } else { "" }
            ),
        };
        audit::record_alone(&self.store.db, self.store.clock.now(), &self.actor, event).await?;
        Ok(out.into_iter().map(|r| self.present(reg, r, unmask)).collect())
    }

    /// One record in the scope.
    pub async fn record(&self, key: &str, id: RecordId, unmask: bool) -> Result<Record, StoreError> {
        let reg = self.registry(key)?;
        self.check_unmask(unmask)?;
        let rec = records::get(&self.store.db, reg, id, self.store.protector()).await?.ok_or(DomainError::NotFound)?;
        self.org_in_scope(Action::RecordRead, rec.org_id).await?;
        if unmask {
            self.audit_unmask(reg, &[id], "查看").await?;
        }
        Ok(self.present(reg, rec, unmask))
    }

    /// What the registry's warning-level checks find in a stored record (checked on its values
    /// as stored — personal ones included — and said without them).
    pub async fn record_findings(&self, key: &str, id: RecordId) -> Result<Vec<(String, ValueError)>, StoreError> {
        let reg = self.registry(key)?;
        let rec = records::get(&self.store.db, reg, id, self.store.protector()).await?.ok_or(DomainError::NotFound)?;
        self.org_in_scope(Action::RecordRead, rec.org_id).await?;
        Ok(kaohe_domain::input::record_warnings(reg, &rec.values))
    }

    /// A record's history (personal data stays sealed, so it shows as masked).
    pub async fn record_history(&self, key: &str, id: RecordId) -> Result<Vec<HistoryEntry>, StoreError> {
        let reg = self.registry(key)?;
        let rec = records::get(&self.store.db, reg, id, self.store.protector()).await?.ok_or(DomainError::NotFound)?;
        self.org_in_scope(Action::RecordRead, rec.org_id).await?;
        let mut h = records::history_of(&self.store.db, reg, id).await?;
        for e in &mut h {
            for f in reg.fields.iter().filter(|f| reg.is_personal(&f.key)) {
                if let Some(v) = e.data.get_mut(&f.key)
                    && !v.is_empty()
                {
                    *v = "******".into();
                }
            }
        }
        Ok(h)
    }

    pub(super) async fn org_in_scope(&self, action: Action, id: OrgId) -> Result<Org, StoreError> {
        let org = orgs::find(&self.store.db, id).await?.ok_or(DomainError::NotFound)?;
        self.check(action, Some(&org.path))?;
        Ok(org)
    }

    /// Resolves an org written in a form or a file (its code, or its full name) inside the scope.
    pub async fn resolve_org(&self, text: &str) -> Result<OrgId, StoreError> {
        let t = text.trim();
        if let Ok(o) = self.org_by_code(t).await {
            return Ok(o.id);
        }
        let hits = orgs::search(&self.store.db, self.actor.scope(), t, 50).await?;
        let exact: Vec<_> = hits.iter().filter(|o| o.name == t || o.short_name.as_deref() == Some(t)).collect();
        match exact.as_slice() {
            [one] => Ok(one.id),
            [] => Err(DomainError::invalid(
                "org",
                format!("组织“{t}”不存在或不在您的范围内"),
                format!("org {t:?} does not exist or is outside your scope"),
            )
            .into()),
            _ => Err(DomainError::invalid(
                "org",
                format!("名称“{t}”对应多个组织,请填写组织代码"),
                format!("{t:?} names several orgs; use the org code"),
            )
            .into()),
        }
    }

    /// Resolves org-reference fields (written as codes or names) to org ids inside the scope.
    pub(crate) async fn resolve_org_fields(
        &self,
        reg: &RegistryDef,
        values: &mut Values,
    ) -> Vec<(String, String, String)> {
        let mut errors = Vec::new();
        for f in reg.fields.iter().filter(|f| f.ty == FieldType::Org) {
            if let Some(Value::Text(t)) = values.get(&f.key).cloned() {
                match self.resolve_org(&t).await {
                    Ok(id) => {
                        values.insert(f.key.clone(), Value::Org(id));
                    }
                    Err(e) => {
                        let (zh, en) = match e.domain() {
                            Some(DomainError::Validation(v)) => (v[0].message_zh.clone(), v[0].message_en.clone()),
                            _ => (e.to_string(), e.to_string()),
                        };
                        errors.push((f.key.clone(), zh, en));
                    }
                }
            }
        }
        errors
    }

    async fn checked(&self, reg: &RegistryDef, values: Values) -> Result<Values, StoreError> {
        self.checked_except(reg, values, None).await
    }

    /// Resolves org fields, checks every rule, and checks `unique` fields against other records.
    async fn checked_except(
        &self,
        reg: &RegistryDef,
        mut values: Values,
        except: Option<RecordId>,
    ) -> Result<Values, StoreError> {
        let mut errors: Vec<FieldError> = self
            .resolve_org_fields(reg, &mut values)
            .await
            .into_iter()
            .map(|(k, zh, en)| FieldError::new(&k, zh, en))
            .collect();
        errors.extend(
            check_record(reg, &mut values, self.store.today()).into_iter().map(|(k, e)| e.into_field_error(&k)),
        );
        for k in records::taken_unique(&self.store.db, reg, &values, except, self.store.protector()).await? {
            errors.push(FieldError::new(
                &k,
                "已被其他记录使用,不能重复",
                "already used by another record; must be unique",
            ));
        }
        if errors.is_empty() { Ok(values) } else { Err(DomainError::Validation(errors).into()) }
    }

    /// Creates a record for an org inside the scope.
    pub async fn create_record(&self, key: &str, org: OrgId, values: Values) -> Result<RecordId, StoreError> {
        let reg = self.registry(key)?;
        self.check(Action::RecordWrite, None)?;
        let org = self.org_in_scope(Action::RecordWrite, org).await?;
        let values = self.checked(reg, values).await?;
        let txn = crate::db::begin_write(&self.store.db).await?;
        // A record with the same key outside the scope is not told apart from any other refusal:
        // "already exists" would say that a person is a member (or a 困难职工) elsewhere.
        let nk = crate::registry::codec::natural_key(reg, &values, self.store.protector());
        if let Some((_, _, owner)) = records::ids_by_natural_key(&txn, reg, std::slice::from_ref(&nk)).await?.get(&nk)
            && !self.writes_under(&txn, *owner).await?
        {
            return Err(DomainError::Conflict(NOT_HERE.into()).into());
        }
        let stamp = Stamp { actor: self.actor.audit_name(), at: self.store.clock.now() };
        let id = records::insert(&txn, reg, org.id, &values, &stamp, self.store.protector()).await?;
        self.audit_record(&txn, reg, AuditAction::Create, id, &org, &values).await?;
        txn.commit().await?;
        Ok(id)
    }

    /// Whether the actor may write records of `org` (inside the scope).
    pub(super) async fn writes_under<C: sea_orm::ConnectionTrait>(
        &self,
        conn: &C,
        org: OrgId,
    ) -> Result<bool, StoreError> {
        Ok(match orgs::find(conn, org).await? {
            Some(o) => self.check(Action::RecordWrite, Some(&o.path)).is_ok(),
            None => false,
        })
    }

    /// Changes a record if nobody changed it since `version`; fields absent from `values` keep
    /// their stored value. Returns the new version.
    pub async fn update_record(
        &self,
        key: &str,
        id: RecordId,
        version: i64,
        org: OrgId,
        values: Values,
    ) -> Result<i64, StoreError> {
        let reg = self.registry(key)?;
        self.check(Action::RecordWrite, None)?;
        let current =
            records::get(&self.store.db, reg, id, self.store.protector()).await?.ok_or(DomainError::NotFound)?;
        self.org_in_scope(Action::RecordWrite, current.org_id).await?;
        let org = self.org_in_scope(Action::RecordWrite, org).await?;
        let mut merged = current.values.clone();
        merged.extend(values);
        let values = self.checked_except(reg, merged, Some(id)).await?;
        let txn = crate::db::begin_write(&self.store.db).await?;
        let stamp = Stamp { actor: self.actor.audit_name(), at: self.store.clock.now() };
        let v = records::update(&txn, reg, id, version, org.id, &values, &stamp, self.store.protector()).await?;
        self.audit_record(&txn, reg, AuditAction::Update, id, &org, &values).await?;
        txn.commit().await?;
        Ok(v)
    }

    /// Soft-deletes a record (kept, with its history; audited).
    pub async fn delete_record(&self, key: &str, id: RecordId, version: i64) -> Result<(), StoreError> {
        let reg = self.registry(key)?;
        self.check(Action::RecordWrite, None)?;
        let current =
            records::get(&self.store.db, reg, id, self.store.protector()).await?.ok_or(DomainError::NotFound)?;
        let org = self.org_in_scope(Action::RecordWrite, current.org_id).await?;
        let txn = crate::db::begin_write(&self.store.db).await?;
        let stamp = Stamp { actor: self.actor.audit_name(), at: self.store.clock.now() };
        records::soft_delete(&txn, reg, id, version, &stamp).await?;
        self.audit_record(&txn, reg, AuditAction::Delete, id, &org, &current.values).await?;
        txn.commit().await?;
        Ok(())
    }

    async fn audit_record<C: sea_orm::ConnectionTrait>(
        &self,
        conn: &C,
        reg: &RegistryDef,
        action: AuditAction,
        id: RecordId,
        org: &Org,
        values: &Values,
    ) -> Result<(), StoreError> {
        let event = Event {
            action,
            entity: "record",
            entity_id: Some(format!("{}:{}", reg.key, id.0)),
            scope: Some(&org.path),
            summary: format!("{} {} #{}", reg.label_zh, org.name, id.0),
        };
        let digest = audit::digest(&crate::registry::codec::fingerprinted(reg, values, self.store.protector()));
        audit::record(conn, self.store.clock.now(), &self.actor, event, None, Some(digest)).await
    }
}
