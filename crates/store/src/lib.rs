//! kaohe's storage adapter: one code path for SQLite and PostgreSQL (sea-orm), the portable
//! migration tree, and the repositories. Callers outside this crate reach data only through
//! [`Scoped`], which checks the actor's role and scope before every read and write.
#![forbid(unsafe_code)]

mod assessments;
mod audit;
mod auth;
mod backup;
pub mod crypto;
mod db;
mod entity;
mod error;
mod import_choices;
mod jobs;
mod layer;
pub mod migration;
mod org_cache;
mod orgs;
pub mod private_files;
mod registry;
mod scoped;
mod session_store;
mod settings;
mod snapshot;
mod snapshot_file;
mod submissions;
#[cfg(feature = "testing")]
pub mod testing;
pub mod totp;
mod users;

pub use assessments::Published;
pub use audit::with_client_address;
pub use audit::{AuditRow, ChainCheck};
pub use auth::{ClientLimit, LoginRefusal, Obligation, SessionUser, SignIn};
pub use backup::{BackupKey, BackupSummary};
pub use db::{Backend, connect, redact_url};
pub use error::StoreError;
pub use import_choices::ColumnChoice;
pub use jobs::JobFile;
pub use kaohe_engine::{Budget, DrillPart, DrillRole, Drilled, Stopped};
pub use layer::{Current as LayerInForce, LayerDraft, LayerItem, rulebook_version};
pub use orgs::{BulkOrg, ImportReport, NewOrg, OrgImportRow, OrgUpdate, RowError};
pub use registry::{BulkReport, Cursor, Filter, FilterOp, HistoryEntry, Sort};
pub use scoped::{
    FigureRow, ImportRow, InboxRow, LOOKUPS_PER_HOUR, MAX_EVIDENCE_BYTES, MAX_NAMES, RecordImport, RecordQuery, Report,
    RowKind, Scoped, evidence_kind, needs,
};
pub use session_store::DbSessionStore;
pub use snapshot::{DataStamp, Needs};
pub use submissions::Submission;
pub use users::{NewUser, TokenInfo, User, generate_password, hash_password, verifications_on_this_thread};

use kaohe_domain::calendar::{HolidayCalendar, WorkCalendar};
use kaohe_domain::indicator::IndicatorSet;
use kaohe_domain::pack::Layered;
use kaohe_domain::password::{LockoutPolicy, PasswordPolicy};
use kaohe_domain::protect::Protector;
use kaohe_domain::registry::RegistryDef;
use kaohe_domain::scoring::Rulebook;
use kaohe_domain::{Actor, Clock};
use sea_orm::DatabaseConnection;
use sea_orm_migration::MigratorTrait;
use std::sync::Arc;

/// The shortest audit retention allowed: six months (GB/T 22239-2019 level 2 asks for at least
/// six months of audit records).
pub const MIN_AUDIT_RETENTION_DAYS: u32 = 183;

/// Limits on the evaluations made for users (formulas are theirs): a deadline and a cost budget
/// in row-steps (a record read, times the steps of the condition applied to it). Unlimited by
/// default; `kaohe serve` sets them from the configuration.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EvalLimits {
    pub deadline: Option<std::time::Duration>,
    pub max_cost: u64,
}

impl EvalLimits {
    /// No deadline and no cost limit.
    pub const UNLIMITED: EvalLimits = EvalLimits { deadline: None, max_cost: u64::MAX };

    /// A fresh budget under these limits.
    pub fn budget(&self) -> Budget {
        Budget::new(self.deadline, self.max_cost)
    }
}

impl Default for EvalLimits {
    fn default() -> Self {
        Self::UNLIMITED
    }
}

/// Security settings the store enforces.
#[derive(Debug, Clone, Copy)]
pub struct SecurityPolicy {
    pub password: PasswordPolicy,
    pub lockout: LockoutPolicy,
    /// Days an API token works after it is issued (0: until it is revoked).
    pub token_days: u32,
    /// Administrators (系统、安全、审计管理员) sign in with a second factor (TOTP); one without it
    /// sets it up before anything else.
    pub admin_second_factor: bool,
}

impl Default for SecurityPolicy {
    fn default() -> Self {
        Self {
            password: PasswordPolicy::default(),
            lockout: LockoutPolicy::default(),
            token_days: 90,
            admin_second_factor: false,
        }
    }
}

/// A handle on kaohe's database. Cheap to clone.
#[derive(Clone)]
pub struct Store {
    db: DatabaseConnection,
    clock: Arc<dyn Clock>,
    policy: SecurityPolicy,
    /// The registries of the installed pack (empty until [`Store::install`]).
    registries: Arc<Vec<RegistryDef>>,
    /// The installed pack's indicators, rulebooks, report templates and holiday notices, with
    /// the federation's own layer over them.
    layer: layer::LayerCell,
    protector: Arc<dyn Protector>,
    org_cache: org_cache::OrgCache,
    snapshots: snapshot::SnapshotCache,
    /// Where the engine's snapshot keeps its table files (none: always read the database).
    snapshot_dir: Option<Arc<std::path::PathBuf>>,
    /// Where uploaded files (evidence) are kept: the data folder's `files/`.
    files_dir: Option<Arc<std::path::PathBuf>>,
    /// Limits on every evaluation made through [`Scoped`].
    eval_limits: EvalLimits,
    /// The federation's time zone: what "today" is, when a deadline passes.
    time_zone: chrono::FixedOffset,
}

/// China Standard Time (UTC+8, no daylight saving): the default time zone.
pub const CHINA_STANDARD_TIME: chrono::FixedOffset = match chrono::FixedOffset::east_opt(8 * 3600) {
    Some(o) => o,
    None => panic!("UTC+8 is a valid offset"),
};

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store").field("backend", &self.backend()).finish()
    }
}

impl Store {
    /// Wraps an open connection. Call [`Store::migrate`] before use.
    pub fn new(db: DatabaseConnection, clock: Arc<dyn Clock>, policy: SecurityPolicy) -> Self {
        Self {
            db,
            clock,
            policy,
            registries: Arc::new(Vec::new()),
            layer: layer::LayerCell::new(Layered::default()),
            protector: Arc::new(crypto::Unkeyed),
            org_cache: Default::default(),
            snapshots: Default::default(),
            snapshot_dir: None,
            files_dir: None,
            eval_limits: EvalLimits::UNLIMITED,
            time_zone: CHINA_STANDARD_TIME,
        }
    }

    /// The same store in another time zone (default UTC+8, China Standard Time).
    pub fn with_time_zone(mut self, zone: chrono::FixedOffset) -> Self {
        self.time_zone = zone;
        self
    }

    /// The federation's time zone.
    pub fn time_zone(&self) -> chrono::FixedOffset {
        self.time_zone
    }

    /// Today in the federation's time zone (a deadline day lasts until midnight there).
    pub fn today(&self) -> chrono::NaiveDate {
        self.clock.now().with_timezone(&self.time_zone).date_naive()
    }

    /// The same store under another security policy (password rules, token lifetime, second
    /// factor).
    pub fn with_security_policy(mut self, policy: SecurityPolicy) -> Self {
        self.policy = policy;
        self
    }

    /// The same store evaluating under `limits` (see [`EvalLimits`]).
    pub fn with_eval_limits(mut self, limits: EvalLimits) -> Self {
        self.eval_limits = limits;
        self
    }

    /// The limits evaluations run under.
    pub fn eval_limits(&self) -> EvalLimits {
        self.eval_limits
    }

    /// Installs a pack's registries (creating or extending their tables) and the protector that
    /// seals personal data.
    pub async fn install(
        mut self,
        registries: Vec<RegistryDef>,
        protector: Arc<dyn Protector>,
    ) -> Result<Self, StoreError> {
        registry::schema::sync(&self.db, &registries).await?;
        self.registries = Arc::new(registries);
        self.protector = protector;
        Ok(self)
    }

    /// The same store with another base for the federation's layer (the layer itself is read
    /// again at the next [`Store::refresh_layer`]).
    fn with_base(mut self, change: impl FnOnce(&mut Layered)) -> Self {
        let mut base = self.layer.base().clone();
        change(&mut base);
        self.layer = layer::LayerCell::new(base);
        self.snapshots = Default::default();
        self
    }

    /// The same store with the installed pack's indicators (checked against its registries).
    pub fn with_indicators(self, indicators: IndicatorSet) -> Self {
        self.with_base(|b| b.indicators = indicators)
    }

    /// The same store with the installed pack's rulebooks (target catalogues and scoring rules).
    pub fn with_rulebooks(self, rulebooks: Vec<Rulebook>) -> Self {
        self.with_base(|b| b.rulebooks = rulebooks)
    }

    /// The same store with these report templates (the pack's, with the data folder's).
    pub fn with_reports(self, reports: Vec<kaohe_domain::report::ReportTemplate>) -> Self {
        self.with_base(|b| b.reports = reports)
    }

    /// The same store counting working days on `calendar` (plain weekends until one is given).
    pub fn with_calendar(self, calendar: HolidayCalendar) -> Self {
        self.with_base(|b| b.calendar = calendar)
    }

    /// The report templates in force.
    pub fn report_templates(&self) -> Vec<kaohe_domain::report::ReportTemplate> {
        self.layer().parts.reports.clone()
    }

    /// The working-day calendar in force.
    pub fn calendar(&self) -> Arc<dyn WorkCalendar> {
        self.layer().calendar.clone()
    }

    /// The same store keeping the engine's snapshot tables as files in `dir` (the data folder),
    /// so a restart need not read every registry from the database again.
    pub fn with_snapshot_dir(mut self, dir: std::path::PathBuf) -> Self {
        self.snapshot_dir = Some(Arc::new(dir));
        self
    }

    /// The same store keeping uploaded files (evidence) in `dir`.
    pub fn with_files_dir(mut self, dir: std::path::PathBuf) -> Self {
        self.files_dir = Some(Arc::new(dir));
        self
    }

    /// Drops a registry's sort indexes before a bulk load into it (the demo's generators); lists
    /// sorted by those fields scan until [`Store::restore_sort_indexes`] builds them again.
    pub async fn suspend_sort_indexes(&self, registry: &str) -> Result<(), StoreError> {
        match self.registries.iter().find(|r| r.key == registry) {
            Some(reg) => registry::schema::drop_sort_indexes(&self.db, reg).await,
            None => Ok(()),
        }
    }

    /// Builds a registry's sort indexes again, in one pass.
    pub async fn restore_sort_indexes(&self, registry: &str) -> Result<(), StoreError> {
        match self.registries.iter().find(|r| r.key == registry) {
            Some(reg) => registry::schema::create_sort_indexes(&self.db, reg).await,
            None => Ok(()),
        }
    }

    /// The same database seen with another clock (the demo writes its history as of its dates).
    pub fn with_clock(&self, clock: Arc<dyn Clock>) -> Self {
        Store { clock, ..self.clone() }
    }

    /// A handle with an empty snapshot of its own, reading tables from files in `dir` or, with
    /// `None`, from the database (benchmarks measure both).
    pub fn with_fresh_snapshot(&self, dir: Option<std::path::PathBuf>) -> Self {
        Store { snapshots: Default::default(), snapshot_dir: dir.map(Arc::new), ..self.clone() }
    }

    /// Where the snapshot keeps its files, if anywhere.
    pub fn snapshot_dir(&self) -> Option<&std::path::Path> {
        self.snapshot_dir.as_deref().map(|p| p.as_path())
    }

    /// The protector sealing personal data.
    pub(crate) fn protector(&self) -> &dyn Protector {
        self.protector.as_ref()
    }

    /// Connects to `url` (`sqlite://…` or `postgres://…`) and applies pending migrations.
    pub async fn open(url: &str, clock: Arc<dyn Clock>, policy: SecurityPolicy) -> Result<Self, StoreError> {
        let store = Self::new(connect(url).await?, clock, policy);
        store.migrate().await?;
        Ok(store)
    }

    /// Applies every pending migration.
    pub async fn migrate(&self) -> Result<(), StoreError> {
        migration::Migrator::up(&self.db, None).await?;
        audit::chain_unhashed(&self.db).await?;
        Ok(())
    }

    /// Recomputes the audit log's hash chain (`kaohe audit verify`): every edited or deleted row
    /// and a truncated end are reported.
    pub async fn verify_audit(&self) -> Result<ChainCheck, StoreError> {
        audit::verify(&self.db).await
    }

    /// Deletes audit rows older than `retention_days` (at least [`MIN_AUDIT_RETENTION_DAYS`]),
    /// keeping the chain verifiable from its new anchor; the purge is itself logged. Returns how
    /// many rows went.
    pub async fn purge_audit(&self, retention_days: u32) -> Result<u64, StoreError> {
        if retention_days < MIN_AUDIT_RETENTION_DAYS {
            return Err(StoreError::Domain(kaohe_domain::DomainError::invalid(
                "retention_days",
                format!("审计记录至少保存{MIN_AUDIT_RETENTION_DAYS}天(六个月)"),
                format!("audit rows must be kept at least {MIN_AUDIT_RETENTION_DAYS} days (six months)"),
            )));
        }
        let now = self.clock.now();
        let cutoff = now - chrono::Duration::days(i64::from(retention_days));
        audit::purge_before(&self.db, cutoff, now, &Actor::Operator).await
    }

    /// Which engine this store runs on.
    pub fn backend(&self) -> Backend {
        Backend::of(&self.db)
    }

    /// The raw connection, for tests that recount figures with plain SQL. Built only with the
    /// `testing` feature: outside tests, data is reached through [`Scoped`] alone.
    #[cfg(feature = "testing")]
    pub fn connection(&self) -> &DatabaseConnection {
        &self.db
    }

    /// The clock the store stamps rows with.
    pub fn clock(&self) -> &Arc<dyn Clock> {
        &self.clock
    }

    /// The security policy in force.
    pub fn policy(&self) -> &SecurityPolicy {
        &self.policy
    }

    /// The scoped view for `actor`: the only way to read or write business and admin data.
    pub fn scoped(&self, actor: Actor) -> Scoped<'_> {
        Scoped::new(self, actor)
    }

    /// Loads generated orgs in bulk (demo and benchmark generators; the operator's job, so it
    /// takes no actor) and writes one audit row for the batch, in one transaction.
    pub async fn bulk_insert_orgs(&self, opened_on: chrono::NaiveDate, rows: &[BulkOrg]) -> Result<(), StoreError> {
        let now = self.clock.now();
        let txn = crate::db::begin_write(&self.db).await?;
        orgs::bulk_insert(&txn, now, opened_on, rows).await?;
        let event = audit::Event {
            action: kaohe_domain::audit::AuditAction::Create,
            entity: "org_bulk",
            entity_id: None,
            scope: None,
            summary: format!("批量生成组织{}个 / {} orgs generated", rows.len(), rows.len()),
        };
        audit::record(&txn, now, &Actor::Operator, event, None, None).await?;
        txn.commit().await?;
        Ok(())
    }

    /// Sets the year pages show figures for by default (the operator's choice; the demo sets
    /// the seed's year).
    pub async fn set_assessment_year(&self, year: i32) -> Result<(), StoreError> {
        settings::set(&self.db, settings::ASSESSMENT_YEAR, i64::from(year)).await
    }

    /// A registry's live record count and highest record id (for benchmarks and checks).
    pub async fn registry_extent(&self, key: &str) -> Result<(i64, i64), StoreError> {
        use sea_orm::{ConnectionTrait, Statement};
        let reg = self.registries.iter().find(|r| r.key == key).ok_or(kaohe_domain::DomainError::NotFound)?;
        let table = registry::schema::table(&reg.key);
        let sql = format!("SELECT COUNT(*), COALESCE(MAX(id), 0) FROM {table} WHERE deleted_at IS NULL");
        let row = self.db.query_one_raw(Statement::from_string(self.db.get_database_backend(), sql)).await?;
        let (n, max) = match row {
            Some(r) => (r.try_get_by_index::<i64>(0)?, r.try_get_by_index::<i64>(1)?),
            None => (0, 0),
        };
        Ok((n, max))
    }

    /// True when no org exists yet (a fresh installation).
    pub async fn is_empty(&self) -> Result<bool, StoreError> {
        use sea_orm::{EntityTrait, PaginatorTrait};
        Ok(entity::org::Entity::find().count(&self.db).await? == 0)
    }
}
