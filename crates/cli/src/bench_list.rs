//! `kaohe bench list`: keyset paging deep into a large registry on the loaded database (the
//! province's 10,000,000 members): the first page, every page on a walk of N pages, a jump to the
//! last pages, a county's scope, and a list sorted by a field — each page one indexed query.

use kaohe_domain::Actor;
use kaohe_domain::record::{RecordId, Value};
use kaohe_store::{Cursor, Sort};
use kaohe_store::{RecordQuery, Store};
use std::time::Instant;

fn line(label: &str, mut ms: Vec<f64>) {
    ms.sort_by(f64::total_cmp);
    let q = |p: f64| ms[((ms.len() - 1) as f64 * p).round() as usize];
    println!("{label:<52} {:>6} {:>9.2} {:>9.2} {:>9.2}", ms.len(), q(0.5), q(0.99), ms[ms.len() - 1]);
}

/// Walks `pages` pages of `registry` (50 records each) in several ways and prints the timings.
pub async fn list(store: &Store, registry: &str, pages: usize) -> anyhow::Result<()> {
    let op = store.scoped(Actor::Operator);
    op.registry(registry).map_err(|_| anyhow::anyhow!("没有台账 / no registry {registry:?}"))?;
    let (rows, max_id) = store.registry_extent(registry).await?;
    println!("kaohe bench list — {:?}, {registry}: {rows} live records, pages of 50", store.backend());
    println!("{:<52} {:>6} {:>9} {:>9} {:>9}", "walk", "pages", "p50 ms", "p99 ms", "max ms");
    let base =
        RecordQuery { under: None, filters: vec![], sort: Sort::default(), after: None, limit: 50, unmask: false };
    let walk = |q: RecordQuery| {
        let op = &op;
        async move {
            let mut q = q;
            let mut ms = Vec::with_capacity(pages);
            for _ in 0..pages {
                let t = Instant::now();
                let page = op.records(registry, &q).await?;
                ms.push(t.elapsed().as_secs_f64() * 1000.0);
                let Some(last) = page.last() else { break };
                let value = match &q.sort.field {
                    Some(f) => last.values.get(f).cloned().unwrap_or(Value::Null),
                    None => Value::Null,
                };
                q.after = Some(Cursor { value, id: last.id });
            }
            anyhow::Ok(ms)
        }
    };
    line("by id, from the first page on", walk(base.clone()).await?);
    let deep = Cursor { value: Value::Null, id: RecordId(max_id - (pages as i64 * 50) - 100) };
    line(
        "by id, from the last records (a jump to the end)",
        walk(RecordQuery { after: Some(deep), ..base.clone() }).await?,
    );
    let orgs = op.org_subtree(None, false).await?;
    if let Some(county) = orgs.iter().find(|o| o.path.depth() == 2) {
        let label = format!("one scope below the top ({}), by id", county.name);
        line(&label, walk(RecordQuery { under: Some(county.id), ..base.clone() }).await?);
    }
    if registry == "members" {
        let sort = Sort { field: Some("joined_on".into()), descending: true };
        line("sorted by joining date, newest first", walk(RecordQuery { sort, ..base.clone() }).await?);
    }
    Ok(())
}
