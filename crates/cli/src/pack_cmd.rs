//! `kaohe pack`: check a pack folder, and move a federation's own layer (its rulebooks,
//! indicators, report templates and holiday notices) in and out as a pack folder — a province
//! hands its 考核办法 to its cities this way.

use anyhow::{Context, bail};
use kaohe_domain::Actor;
use kaohe_domain::pack::PackError;
use kaohe_store::{Store, StoreError};
use std::path::Path;

/// Checks a folder: a whole pack (with `pack.toml`), or a federation's layer (without), laid
/// over the built-in pack.
pub fn validate(dir: &Path) -> anyhow::Result<()> {
    let files = kaohe_packs::read_dir(dir).with_context(|| format!("cannot read {}", dir.display()))?;
    if files.iter().any(|(p, _)| p == "pack.toml") {
        return match kaohe_domain::pack::parse_pack(&files) {
            Ok(p) => {
                println!(
                    "模板包有效 / pack valid: {} {} — {} 个台账 / registries",
                    p.key,
                    p.version,
                    p.registries.len()
                );
                Ok(())
            }
            Err(errs) => refused(&errs),
        };
    }
    let pack = kaohe_packs::trade_union().map_err(|e| anyhow::anyhow!("the built-in pack is invalid: {e:?}"))?;
    match kaohe_domain::pack::overlay(&pack.layered(), &pack.registries, &files) {
        Ok(_) => {
            println!("本会文件有效 / layer valid: {} 个文件 / files", files.len());
            Ok(())
        }
        Err(errs) => refused(&errs),
    }
}

fn refused(errs: &[PackError]) -> anyhow::Result<()> {
    for e in errs {
        eprintln!("{e}\n");
    }
    bail!("共{}处错误 / {} error(s)", errs.len(), errs.len())
}

/// Writes the federation's files in force into `dir` (as `rulebooks/2026.toml` …).
pub fn export(store: &Store, dir: &Path) -> anyhow::Result<()> {
    let files = store.scoped(Actor::Operator).layer_files()?;
    for (path, (version, text)) in &files {
        let to = dir.join(path);
        if let Some(parent) = to.parent() {
            std::fs::create_dir_all(parent).with_context(|| format!("cannot create {}", parent.display()))?;
        }
        std::fs::write(&to, text).with_context(|| format!("cannot write {}", to.display()))?;
        println!("{path}(第{version}版 / version {version})");
    }
    println!("已导出本会文件{}个到 {} / {} files exported", files.len(), dir.display(), files.len());
    Ok(())
}

/// Publishes every file of `dir` as the federation's own, all or nothing (checked together with
/// what is in force); files already in force unchanged are left as they are.
pub async fn import(store: &Store, dir: &Path) -> anyhow::Result<()> {
    let files = kaohe_packs::read_dir(dir).with_context(|| format!("cannot read {}", dir.display()))?;
    if files.is_empty() {
        bail!("{} 中没有 .toml 或 .j2 文件 / no .toml or .j2 file in {}", dir.display(), dir.display());
    }
    let changes: Vec<(String, Option<String>)> = files.into_iter().map(|(p, t)| (p, Some(t))).collect();
    match store.scoped(Actor::Operator).publish_layer(&changes).await {
        Ok(written) => {
            for i in &written {
                println!("{}(第{}版 / version {})", i.path, i.version, i.version);
            }
            let same = changes.len() - written.len();
            println!("已发布{}个文件,{same}个未变 / {} published, {same} unchanged", written.len(), written.len());
            Ok(())
        }
        Err(StoreError::Pack(errs)) => refused(&errs),
        Err(e) => Err(e.into()),
    }
}
