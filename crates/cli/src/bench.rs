//! `kaohe bench orgs`: builds an org tree of N orgs (default 100,000) in a fresh database and
//! times subtree listings through the scoped store. Prints a table; the goal is ≤ 50 ms for any
//! org's subtree at 100,000 orgs.

use kaohe_domain::{Actor, OrgId, OrgKind, OrgPath, SystemClock};
use kaohe_store::{BulkOrg, SecurityPolicy, Store};
use std::sync::Arc;
use std::time::Instant;

/// Generates a city-like tree: root → 12 counties → 40 towns each → grassroots unions.
fn generate(total: usize) -> (Vec<BulkOrg>, Vec<(String, OrgId)>) {
    let mut rows = Vec::with_capacity(total);
    let mut next = 1i64;
    let mut mk = |parent: Option<&BulkOrg>, code: String, kind: OrgKind, rows: &mut Vec<BulkOrg>| {
        let id = OrgId(next);
        next += 1;
        let path = parent.map(|p| p.path.child(id)).unwrap_or_else(|| OrgPath::root(id));
        let o =
            BulkOrg { id, parent: parent.map(|p| p.id), path, name: format!("{code} 工会"), code, kind, sort_key: 0 };
        rows.push(o.clone());
        o
    };
    let root = mk(None, "B".into(), OrgKind::Federation, &mut rows);
    let counties: Vec<_> = (0..12).map(|c| mk(Some(&root), format!("B-{c}"), OrgKind::Federation, &mut rows)).collect();
    let towns: Vec<_> = counties
        .iter()
        .flat_map(|c| (0..40).map(|t| (c.clone(), t)).collect::<Vec<_>>())
        .map(|(c, t)| mk(Some(&c), format!("{}-{t}", c.code), OrgKind::Other, &mut rows))
        .collect();
    let mut i = 0;
    while rows.len() < total {
        let town = &towns[i % towns.len()];
        mk(Some(town), format!("{}-{}", town.code, i / towns.len()), OrgKind::Grassroots, &mut rows);
        i += 1;
    }
    let leaf = rows.last().map(|o| o.id).unwrap_or(root.id);
    let probes = vec![
        ("root (all)".into(), root.id),
        ("county".into(), counties[5].id),
        ("town".into(), towns[100].id),
        ("grassroots leaf".into(), leaf),
    ];
    (rows, probes)
}

/// Runs the benchmark on `url` and prints the table.
pub async fn orgs(url: &str, total: usize, reps: usize) -> anyhow::Result<()> {
    let store = Store::open(url, Arc::new(SystemClock), SecurityPolicy::default()).await?;
    anyhow::ensure!(store.is_empty().await?, "the benchmark needs an empty database");
    let (rows, probes) = generate(total);
    let t = Instant::now();
    store.bulk_insert_orgs(chrono::NaiveDate::from_ymd_opt(2009, 1, 1).unwrap_or_default(), &rows).await?;
    println!(
        "kaohe bench orgs — {:?}, {} orgs loaded in {:.1} s",
        store.backend(),
        rows.len(),
        t.elapsed().as_secs_f64()
    );
    println!("{:<18} {:>9} {:>10} {:>10} {:>10}", "subtree of", "orgs", "median ms", "p95 ms", "max ms");
    let op = store.scoped(Actor::Operator);
    for (label, id) in probes {
        let mut times = Vec::with_capacity(reps);
        let mut n = 0;
        for _ in 0..reps {
            let t = Instant::now();
            n = op.org_subtree(Some(id), false).await?.len();
            times.push(t.elapsed().as_secs_f64() * 1000.0);
        }
        times.sort_by(f64::total_cmp);
        let p = |q: f64| times[((times.len() - 1) as f64 * q).round() as usize];
        println!("{label:<18} {n:>9} {:>10.2} {:>10.2} {:>10.2}", p(0.5), p(0.95), times[times.len() - 1]);
    }
    Ok(())
}
