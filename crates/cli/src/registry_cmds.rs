//! Registry commands: template, import (with a progress bar and an error report), export, and
//! pack validation.

use anyhow::{Context, bail};
use indicatif::{ProgressBar, ProgressStyle};
use kaohe_domain::Actor;
use kaohe_exchange::ExportFormat;
use kaohe_store::Store;
use std::path::Path;

/// `kaohe template`.
pub fn template(store: &Store, registry: &str, output: &Path) -> anyhow::Result<()> {
    let op = store.scoped(Actor::Operator);
    let reg = op.registry(registry).map_err(|_| anyhow::anyhow!("没有台账 / no registry {registry:?}"))?;
    std::fs::write(output, kaohe_exchange::template(reg)?)
        .with_context(|| format!("cannot write {}", output.display()))?;
    println!("已生成模板 / template written: {}", output.display());
    Ok(())
}

/// `kaohe import`.
pub async fn import(
    store: &Store,
    registry: &str,
    file: &Path,
    org: Option<&str>,
    dry_run: bool,
    columns: kaohe_exchange::ColumnOptions,
) -> anyhow::Result<()> {
    let op = store.scoped(Actor::Operator);
    let bytes = std::fs::read(file).with_context(|| format!("cannot read {}", file.display()))?;
    let default_org = match org {
        Some(code) => Some(op.org_by_code(code).await.map_err(|_| anyhow::anyhow!("没有组织 / no org {code:?}"))?.id),
        None => None,
    };
    let bar = ProgressBar::new_spinner();
    bar.set_style(
        ProgressStyle::with_template("{spinner} {msg} {pos} 行 / rows ({per_sec})")
            .unwrap_or_else(|_| ProgressStyle::default_spinner()),
    );
    bar.set_message("导入 / importing");
    bar.enable_steady_tick(std::time::Duration::from_millis(200));
    let name = file.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let result = kaohe_exchange::import(
        &op,
        registry,
        &bytes,
        &name,
        &kaohe_exchange::ImportOptions { default_org, dry_run, columns, ..Default::default() },
        &|n| bar.set_position(n as u64),
    )
    .await;
    bar.finish_and_clear();
    match result {
        Ok(o) => {
            println!("{}\n{}", o.summary(false), o.summary(true));
            for w in &o.warnings {
                println!("  提示 / note: 第{}行 {} “{}”:{} / {}", w.row, w.column, w.value, w.message_zh, w.message_en);
            }
            Ok(())
        }
        Err(f) => {
            if let Some(msg) = f.fatal {
                bail!("{msg}");
            }
            eprintln!("导入未执行,共{}处错误 / nothing imported, {} error(s):", f.count(), f.count());
            for e in f.errors.iter().take(200) {
                eprintln!("  第{}行 {} “{}”:{} / {}", e.row, e.column, e.value, e.message_zh, e.message_en);
            }
            if f.errors.len() > 200 || f.truncated {
                let (more, plus) = (f.errors.len().saturating_sub(200), if f.truncated { "+" } else { "" });
                eprintln!("  …… 另有{more}{plus}处 / {more}{plus} more");
            }
            if let Some(x) = f.report_xlsx {
                let path = file.with_extension("errors.xlsx");
                kaohe_store::private_files::write(&path, &x)?;
                eprintln!("标出错误的文件 / error report: {}", path.display());
            }
            bail!("导入失败 / import refused")
        }
    }
}

/// `kaohe export`.
pub async fn export(
    store: &Store,
    registry: &str,
    org: Option<&str>,
    format: &str,
    output: &Path,
    unmask: bool,
) -> anyhow::Result<()> {
    let op = store.scoped(Actor::Operator);
    let under = match org {
        Some(code) => Some(op.org_by_code(code).await.map_err(|_| anyhow::anyhow!("没有组织 / no org {code:?}"))?.id),
        None => None,
    };
    let fmt = if format == "csv" { ExportFormat::Csv } else { ExportFormat::Xlsx };
    let bytes = kaohe_exchange::export(&op, registry, under, unmask, fmt).await?;
    // An export holds personal data (masked or not): the owner's alone, as the database is.
    kaohe_store::private_files::write(output, &bytes).with_context(|| format!("cannot write {}", output.display()))?;
    println!("已导出 / exported: {}", output.display());
    Ok(())
}
