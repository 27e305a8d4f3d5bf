//! `kaohe backup` and `kaohe restore`.

use crate::config::Config;
use anyhow::Context;
use kaohe_store::crypto::AesProtector;
use kaohe_store::{BackupSummary, Store};
use std::path::Path;

fn key(cfg: &Config) -> anyhow::Result<kaohe_store::BackupKey> {
    Ok(AesProtector::load(&cfg.data_dir).context("cannot load the master key")?.backup_key())
}

fn describe(s: &BackupSummary) -> String {
    format!(
        "{} 张表 {} 行,附件 {} 个 / {} tables, {} rows, {} files",
        s.tables.len(),
        s.rows(),
        s.files,
        s.tables.len(),
        s.rows(),
        s.files
    )
}

/// Writes the backup and prints what it holds.
pub async fn backup(store: &Store, cfg: &Config, output: &Path) -> anyhow::Result<()> {
    let summary = store.backup(output, &key(cfg)?).await?;
    let bytes = std::fs::metadata(output).map(|m| m.len()).unwrap_or(0);
    println!(
        "已备份到 {}:{}({bytes} 字节) / backed up to {}: {} ({bytes} bytes)",
        output.display(),
        describe(&summary),
        output.display(),
        describe(&summary)
    );
    Ok(())
}

/// Checks, then (unless `check_only`) restores the backup.
pub async fn restore(store: &Store, cfg: &Config, file: &Path, replace: bool, check_only: bool) -> anyhow::Result<()> {
    let key = key(cfg)?;
    if check_only {
        let summary = store.check_backup(file, &key).await?;
        println!("备份完好:{} / the backup is sound: {}", describe(&summary), describe(&summary));
        return Ok(());
    }
    let summary = store.restore(file, &key, replace).await?;
    println!("已恢复:{} / restored: {}", describe(&summary), describe(&summary));
    Ok(())
}
