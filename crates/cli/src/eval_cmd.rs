//! `kaohe eval`: a figure for an org and a period — an indicator by key or any formula — as a
//! table, JSON or CSV; with `--children`, one row per child, 本级 and 合计.

use anyhow::{anyhow, bail};
use kaohe_domain::Actor;
use kaohe_domain::indicator::{Indicator, Number, Period};
use kaohe_store::{RowKind, Store};

/// Output formats.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum Format {
    Table,
    Json,
    Csv,
}

/// An indicator of the pack, or a formula made into one for display.
pub fn resolve(store: &Store, expr: &str) -> anyhow::Result<Indicator> {
    let op = store.scoped(Actor::Operator);
    if let Some(i) = op.indicators().get(expr.trim()) {
        return Ok(i.clone());
    }
    let plan = op.indicators().compile(expr, op.registry_defs(), None).map_err(|e| anyhow!("\n{e}"))?;
    Ok(Indicator::adhoc(expr, plan))
}

/// `kaohe eval`.
pub async fn eval(
    store: &Store,
    expr: &str,
    org: &str,
    period: &str,
    children: bool,
    format: Format,
) -> anyhow::Result<()> {
    let Some(period) = Period::parse(period) else {
        bail!(
            "期间格式应为 2009、2009Q3、2009-07 或 2009-01-01..2009-06-30 / period must look like 2009, 2009Q3, 2009-07 or 2009-01-01..2009-06-30: {period:?}"
        );
    };
    let ind = resolve(store, expr)?;
    let op = store.scoped(Actor::Operator);
    let org = op.org_by_code(org).await.map_err(|_| anyhow!("没有组织 / no org {org:?}"))?;
    let rows: Vec<(String, String, &'static str, Option<Number>)> = if children {
        op.children_table(&[&ind.plan], &period, org.id)
            .await?
            .into_iter()
            .map(|r| {
                let label = match r.kind {
                    RowKind::Child => "",
                    RowKind::Own => "本级 / own",
                    RowKind::Total => "合计 / total",
                };
                (r.org.code.as_str().to_owned(), r.org.name, label, r.values[0])
            })
            .collect()
    } else {
        let v = op.figures(&[&ind.plan], &period, &[org.id]).await?;
        vec![(org.code.as_str().to_owned(), org.name.clone(), "", v[0][0])]
    };
    let exact = |v: Option<Number>| v.map_or(String::new(), Number::exact);
    let decimal = |v: Option<Number>| v.map_or(String::new(), |n| n.to_decimal_string(6));
    match format {
        Format::Table => {
            println!("{} {} ({}) — {}", ind.def.name_zh, ind.def.key, ind.def.unit, period.label_zh());
            let shown =
                |name: &str, label: &str| if label.is_empty() { name.to_owned() } else { format!("{name} {label}") };
            let width = rows.iter().map(|r| display_width(&shown(&r.1, r.2))).max().unwrap_or(0);
            for (code, name, label, v) in &rows {
                let name = shown(name, label);
                let pad = width - display_width(&name);
                println!("{code:<12} {name}{} {:>16}", " ".repeat(pad), ind.display(*v));
            }
        }
        Format::Json => {
            let out: Vec<serde_json::Value> = rows
                .iter()
                .map(|(code, name, label, v)| {
                    serde_json::json!({
                        "org_code": code, "org_name": name, "row": label,
                        "exact": exact(*v), "decimal": decimal(*v), "display": ind.display(*v),
                    })
                })
                .collect();
            let doc = serde_json::json!({
                "indicator": ind.def.key, "name_zh": ind.def.name_zh, "unit": ind.def.unit,
                "period": period.to_string(), "rows": out,
            });
            println!("{}", serde_json::to_string_pretty(&doc)?);
        }
        Format::Csv => {
            let mut w = csv::Writer::from_writer(std::io::stdout());
            w.write_record(["org_code", "org_name", "row", "exact", "decimal", "display"])?;
            for (code, name, label, v) in &rows {
                w.write_record([code.as_str(), name, label, &exact(*v), &decimal(*v), &ind.display(*v)])?;
            }
            w.flush()?;
        }
    }
    Ok(())
}

/// Columns a text takes in a terminal (CJK characters take two).
pub fn display_width(s: &str) -> usize {
    s.chars().map(|c| if c.is_ascii() { 1 } else { 2 }).sum()
}
