//! The one portable migration tree, embedded in the binary and applied at start and by
//! `kaohe migrate`. Written with sea-orm-migration's schema builder so SQLite and PostgreSQL run
//! the same migrations.

use sea_orm_migration::prelude::*;

mod m0001_foundation;
mod m0002_registries;
mod m0003_meta;
mod m0004_registry_versions;
mod m0005_assessments;
mod m0006_submissions;
mod m0007_audit_chain;
mod m0008_audit_retention;
mod m0009_jobs;
mod m0010_account_life_cycle;
mod m0011_federation_layer;
mod m0012_org_groups;
mod m0013_import_choices;

/// All of kaohe's migrations, in order.
pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m0001_foundation::Migration),
            Box::new(m0002_registries::Migration),
            Box::new(m0003_meta::Migration),
            Box::new(m0004_registry_versions::Migration),
            Box::new(m0005_assessments::Migration),
            Box::new(m0006_submissions::Migration),
            Box::new(m0007_audit_chain::Migration),
            Box::new(m0008_audit_retention::Migration),
            Box::new(m0009_jobs::Migration),
            Box::new(m0010_account_life_cycle::Migration),
            Box::new(m0011_federation_layer::Migration),
            Box::new(m0012_org_groups::Migration),
            Box::new(m0013_import_choices::Migration),
        ]
    }
}
