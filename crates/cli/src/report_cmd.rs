//! `kaohe report`: the year-end report of an org from the pack's template, as DOCX, HTML,
//! Markdown or the XLSX of its statistical tables.

use anyhow::{Context, anyhow};
use chrono::NaiveDate;
use kaohe_documents::{ReportFormat, write_report};
use kaohe_domain::{Actor, FixedClock};
use kaohe_store::Store;
use std::path::Path;
use std::sync::Arc;

/// `kaohe report --year Y [--org CODE] --format F -o FILE [--date D]`.
#[allow(clippy::too_many_arguments)]
pub async fn run(
    store: &Store,
    year: i32,
    org: Option<&str>,
    template: &str,
    format: &str,
    output: &Path,
    link_base: &str,
    date: Option<&str>,
) -> anyhow::Result<()> {
    let format = ReportFormat::parse(format)
        .ok_or_else(|| anyhow!("未知格式 / unknown format {format:?}: docx, html, md or xlsx"))?;
    // The date the report bears (落款): today unless given.
    let store = match date {
        Some(d) => {
            let day = NaiveDate::parse_from_str(d, "%Y-%m-%d")
                .map_err(|_| anyhow!("日期格式应为 YYYY-MM-DD / the date must be YYYY-MM-DD: {d:?}"))?;
            let at = day.and_hms_opt(9, 0, 0).map(|t| t.and_utc()).ok_or_else(|| anyhow!("bad date {d:?}"))?;
            store.with_clock(Arc::new(FixedClock::new(at)))
        }
        None => store.clone(),
    };
    let op = store.scoped(Actor::Operator);
    let org = match org {
        Some(code) => op.org_by_code(code).await.map_err(|_| anyhow!("没有组织 / no org {code:?}"))?,
        None => op.org_children(None, false).await?.into_iter().next().ok_or_else(|| anyhow!("没有组织 / no orgs"))?,
    };
    let report = op.report(year, org.id, template).await?;
    let bytes = write_report(format, &report.doc, &report.facts, link_base)?;
    std::fs::write(output, &bytes).with_context(|| format!("cannot write {}", output.display()))?;
    eprintln!(
        "已生成 {} {}年报告({},{} 字节)/ wrote the {year} report of {}: {}",
        org.name,
        year,
        format.extension(),
        bytes.len(),
        org.name,
        output.display()
    );
    Ok(())
}
