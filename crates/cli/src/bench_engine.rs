//! `kaohe bench indicators`: on a loaded database (the demo city, or the province from
//! `kaohe demo --scale province`), times the indicator engine and prints a table: the snapshot's
//! load from the database, the issue's queries b and c for every org, all pack indicators for
//! every org, one indicator for one org (engine and scoped store), and peak memory.

use kaohe_domain::Actor;
use kaohe_domain::indicator::{Period, Plan};
use kaohe_store::{Budget, Store};
use std::time::Instant;

/// Query b: new members of the year by gender (two figures), every org over its subtree.
pub const QUERY_B: [&str; 2] = [
    r#"count(members where joined_on in period and gender = "女")"#,
    r#"count(members where joined_on in period and gender = "男")"#,
];
/// Query c: state-owned units with a workers' congress over all state-owned units, every org.
pub const QUERY_C: &str =
    r#"ratio(count(units where ownership = "国有" and has_congress), count(units where ownership = "国有"))"#;

fn median_ms(mut v: Vec<f64>) -> (f64, f64) {
    v.sort_by(f64::total_cmp);
    (v[v.len() / 2], v[0])
}

fn quantile(v: &mut [f64], q: f64) -> f64 {
    v.sort_by(f64::total_cmp);
    v[((v.len() - 1) as f64 * q).round() as usize]
}

/// Peak resident memory of this process (Linux), in MB.
fn peak_mb() -> Option<f64> {
    let s = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = s.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}

/// Runs the benchmark on `store` (which must hold data) for `year`.
pub async fn indicators(store: &Store, year: i32, reps: usize) -> anyhow::Result<()> {
    let op = store.scoped(Actor::Operator);
    let set = op.indicators().clone();
    let regs = op.registry_defs().to_vec();
    let compile = |f: &str| set.compile(f, &regs, None).map_err(|e| anyhow::anyhow!("{e}"));
    let b: Vec<Plan> = QUERY_B.iter().map(|f| compile(f)).collect::<Result<_, _>>()?;
    let c = compile(QUERY_C)?;
    let pack: Vec<&Plan> = set.all().iter().map(|i| &i.plan).collect();
    let mut everything: Vec<&Plan> = pack.clone();
    everything.extend(b.iter());
    everything.push(&c);
    let period = Period::year(year);

    // The snapshot from the database, then from its files in the data folder (written by the
    // first file-backed load if they were missing or stale).
    let t = Instant::now();
    let from_db = store.with_fresh_snapshot(None);
    from_db.scoped(Actor::Operator).snapshot_for(&everything).await?;
    let load = t.elapsed().as_secs_f64();
    let mut file_load = None;
    if let Some(dir) = store.snapshot_dir() {
        store.with_fresh_snapshot(Some(dir.to_owned())).scoped(Actor::Operator).snapshot_for(&everything).await?;
        let files = store.with_fresh_snapshot(Some(dir.to_owned()));
        let t = Instant::now();
        files.scoped(Actor::Operator).snapshot_for(&everything).await?;
        file_load = Some((t.elapsed().as_secs_f64(), files.snapshot_loads()));
    }
    let snap = op.snapshot_for(&everything).await?;
    let rows: usize = ["members", "units"].iter().filter_map(|r| snap.table(r)).map(|t| t.rows()).sum();
    println!(
        "kaohe bench indicators — {:?}, {} orgs, {} members, {} units, {} pack indicators, year {year}",
        store.backend(),
        snap.tree().len(),
        snap.table("members").map_or(0, |t| t.rows()),
        snap.table("units").map_or(0, |t| t.rows()),
        pack.len()
    );
    println!("{:<58} {:>12} {:>12}", "measure", "median", "best");
    println!(
        "{:<58} {:>10.2} s {:>12}",
        format!("snapshot load from the database ({rows} member+unit rows)"),
        load,
        ""
    );
    if let Some((secs, (db, files))) = file_load {
        let what = format!("snapshot load from its files ({files} tables; {db} from the database)");
        println!("{what:<58} {secs:>10.2} s {:>12}", "");
    }
    let time = |plans: &[&Plan]| {
        let v: Vec<f64> = (0..reps)
            .map(|_| {
                let t = Instant::now();
                std::hint::black_box(snap.compute_all(plans, &period, &Budget::unlimited()).expect("no limit"));
                t.elapsed().as_secs_f64() * 1000.0
            })
            .collect();
        median_ms(v)
    };
    let (m, best) = time(&b.iter().collect::<Vec<_>>());
    println!("{:<58} {m:>9.2} ms {best:>9.2} ms", "query b: new members by gender, every org (goal ≤ 15 ms)");
    let (m, best) = time(&[&c]);
    println!("{:<58} {m:>9.2} ms {best:>9.2} ms", "query c: state units with congress / state units (≤ 2 ms)");
    let (m, best) = time(&pack);
    println!(
        "{:<58} {m:>9.2} ms {best:>9.2} ms",
        format!("all {} pack indicators × every org (goal ≤ 1 s)", pack.len())
    );

    // One indicator, one org: the city (or province) root, warm.
    let root = snap.tree().org(0);
    let one = set.get("new_members").map(|i| &i.plan).unwrap_or(&b[0]);
    let one_org = |cached: bool| -> Vec<f64> {
        (0..reps.max(200))
            .map(|_| {
                let t = Instant::now();
                if cached {
                    std::hint::black_box(
                        snap.evaluate_at(&[one], &period, &[root], &Budget::unlimited()).expect("no limit"),
                    );
                } else {
                    std::hint::black_box(
                        snap.compute_at(&[one], &period, &[root], &Budget::unlimited()).expect("no limit"),
                    );
                }
                t.elapsed().as_secs_f64() * 1000.0
            })
            .collect()
    };
    let mut scan = one_org(false);
    let mut engine = one_org(true);
    let mut scoped = Vec::with_capacity(reps.max(200));
    for _ in 0..reps.max(200) {
        let t = Instant::now();
        std::hint::black_box(op.figures(&[one], &period, &[root]).await?);
        scoped.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    println!(
        "{:<58} {:>9.3} ms {:>9.3} ms",
        "new_members at the root, scanning its rows (p50, p99)",
        quantile(&mut scan, 0.5),
        quantile(&mut scan, 0.99)
    );
    println!(
        "{:<58} {:>9.3} ms {:>9.3} ms",
        "new_members at the root, engine, warm (p50, p99)",
        quantile(&mut engine, 0.5),
        quantile(&mut engine, 0.99)
    );
    println!(
        "{:<58} {:>9.3} ms {:>9.3} ms",
        "… through the scoped store, warm (p50, p99; goal p99 ≤ 10 ms)",
        quantile(&mut scoped, 0.5),
        quantile(&mut scoped, 0.99)
    );
    println!("{:<58} {:>9.0} MB {:>12}", "snapshot columns in memory", snap.heap_bytes() as f64 / 1e6, "");
    if let Some(p) = peak_mb() {
        println!("{:<58} {p:>9.0} MB {:>12}", "peak resident memory of this process (goal ≤ 3 GB)", "");
    }
    Ok(())
}
