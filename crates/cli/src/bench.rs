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

/// A valid, unique resident ID number for member `i` (GB 11643 checksum).
pub(crate) fn bench_id(i: usize) -> String {
    let day =
        chrono::NaiveDate::from_ymd_opt(1960, 1, 1).unwrap_or_default() + chrono::Duration::days((i / 900) as i64);
    let body = format!("430407{}{:03}", day.format("%Y%m%d"), i % 900 + 100);
    let w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    let s: u32 = body.chars().zip(w).map(|(c, w)| c.to_digit(10).unwrap_or(0) * w).sum();
    format!("{body}{}", ['1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2'][(s % 11) as usize])
}

/// A fresh database at `url` with the built-in pack's registries (personal data sealed with the
/// key in `data_dir`) and one org, `B`, for the import benchmarks.
pub(crate) async fn registry_store(url: &str, data_dir: &std::path::Path) -> anyhow::Result<(Store, OrgId)> {
    let pack = kaohe_packs::trade_union().map_err(|_| anyhow::anyhow!("built-in pack invalid"))?;
    let store = Store::open(url, Arc::new(SystemClock), SecurityPolicy::default()).await?;
    anyhow::ensure!(store.is_empty().await?, "the benchmark needs an empty database");
    let protector = kaohe_store::crypto::AesProtector::load(data_dir)?;
    let store = store.install(pack.registries, Arc::new(protector)).await?;
    let org = store
        .scoped(Actor::Operator)
        .create_org(kaohe_store::NewOrg {
            code: "B".into(),
            name: "基准工会".into(),
            short_name: None,
            kind: OrgKind::Federation,
            parent_id: None,
            sort_key: None,
            opened_on: None,
            groups: vec![],
        })
        .await?;
    Ok((store, org.id))
}

/// `kaohe bench import`: generates N member rows as CSV (and, if asked, XLSX), imports them into
/// a fresh database through the normal all-or-nothing path, and prints rows per second.
pub async fn import(url: &str, rows: usize, format: &str, data_dir: &std::path::Path) -> anyhow::Result<()> {
    let (store, _) = registry_store(url, data_dir).await?;
    let op = store.scoped(Actor::Operator);
    let header = ["所属组织", "姓名", "公民身份号码", "工作单位", "入会日期", "会员类别"].map(String::from);
    let t = Instant::now();
    let data: Vec<Vec<String>> = (0..rows)
        .map(|i| {
            vec![
                "B".into(),
                format!("会员{i}"),
                bench_id(i),
                "衡阳钢管集团".into(),
                format!("2009-{:02}-{:02}", i % 12 + 1, i % 28 + 1),
                "职工".into(),
            ]
        })
        .collect();
    let (bytes, name) = if format == "xlsx" {
        let cols: Vec<kaohe_sheets::Column> =
            header.iter().map(|h| kaohe_sheets::Column::new(h, kaohe_sheets::ColumnKind::Text)).collect();
        let cells: Vec<Vec<kaohe_sheets::OutCell>> =
            data.into_iter().map(|r| r.into_iter().map(kaohe_sheets::OutCell::Text).collect()).collect();
        (kaohe_sheets::write_table("会员", &cols, &cells)?, "bench.xlsx")
    } else {
        (kaohe_sheets::write_csv(&header, &data), "bench.csv")
    };
    println!(
        "kaohe bench import — {:?}, {rows} member rows as {format} ({:.1} MB) generated in {:.1} s",
        store.backend(),
        bytes.len() as f64 / 1e6,
        t.elapsed().as_secs_f64()
    );
    let t = Instant::now();
    let out = kaohe_exchange::import(&op, "members", &bytes, name, &Default::default(), &|_| {})
        .await
        .map_err(|f| anyhow::anyhow!("import refused: {:?} {:?}", f.fatal, f.errors.first()))?;
    let secs = t.elapsed().as_secs_f64();
    println!("{:<12} {:>10} {:>10} {:>12}", "format", "rows", "seconds", "rows/s");
    println!("{format:<12} {:>10} {secs:>10.1} {:>12.0}", out.report.created, out.report.created as f64 / secs);
    Ok(())
}
