//! `cargo bench -p kaohe-engine`: the engine on synthetic province-sized data (102,400 orgs in a
//! 4-level tree, 10,000,000 members, 300,000 units), no database: queries b and c of issue 5 for
//! every org, and one org's scope scanned. Prints medians; see `kaohe bench indicators` for the
//! same on a real database.

use chrono::NaiveDate;
use kaohe_domain::ids::OrgId;
use kaohe_domain::indicator::{IndicatorSet, Period, Plan};
use kaohe_domain::pack::parse_pack;
use kaohe_domain::record::Value;
use kaohe_engine::{Budget, ColumnKind, OrgTree, Snapshot, TableBuilder};
use std::time::Instant;

const REGISTRIES: &str = r#"
key = "members"
label_zh = "会员"
label_en = "Members"
natural_key = ["joined_on"]
[[fields]]
key = "joined_on"
label_zh = "入会日期"
label_en = "Joined"
type = "date"
[[fields]]
key = "gender"
label_zh = "性别"
label_en = "Gender"
type = "enum"
values = [{ code = "男", label_en = "M" }, { code = "女", label_en = "F" }]
"#;

const UNITS: &str = r#"
key = "units"
label_zh = "单位"
label_en = "Units"
natural_key = ["ownership"]
[[fields]]
key = "ownership"
label_zh = "经济类型"
label_en = "Ownership"
type = "enum"
values = [{ code = "国有", label_en = "State" }, { code = "非公有制", label_en = "Private" }]
[[fields]]
key = "has_congress"
label_zh = "职代会"
label_en = "Congress"
type = "bool"
"#;

/// A small deterministic generator (xorshift).
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

fn median(mut f: impl FnMut() -> f64, reps: usize) -> f64 {
    let mut v: Vec<f64> = (0..reps).map(|_| f()).collect();
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn main() {
    let files = vec![
        ("pack.toml".to_owned(), "key = \"b\"\nversion = \"1\"\nname_zh = \"基准\"\nname_en = \"b\"\n".to_owned()),
        ("registries/members.toml".to_owned(), REGISTRIES.to_owned()),
        ("registries/units.toml".to_owned(), UNITS.to_owned()),
    ];
    let regs = parse_pack(&files).expect("pack").registries;
    // Root → 16 cities → 16 counties each → 400 unions each.
    let mut orgs = vec![(OrgId(1), None)];
    let mut leaves = Vec::new();
    let mut next = 2;
    for _ in 0..16 {
        let city = OrgId(next);
        next += 1;
        orgs.push((city, Some(OrgId(1))));
        for _ in 0..16 {
            let county = OrgId(next);
            next += 1;
            orgs.push((county, Some(city)));
            for _ in 0..400 {
                leaves.push(OrgId(next));
                orgs.push((OrgId(next), Some(county)));
                next += 1;
            }
        }
    }
    let t = Instant::now();
    let tree = OrgTree::new(&orgs);
    let mut rng = Rng(0x9e3779b97f4a7c15);
    let base = NaiveDate::from_ymd_opt(1990, 1, 1).unwrap();
    let mut m = TableBuilder::new(&[("joined_on".into(), ColumnKind::Date), ("gender".into(), ColumnKind::Text)]);
    for id in 0..10_000_000i64 {
        let r = rng.next();
        m.row(id + 1, leaves[(r % leaves.len() as u64) as usize]);
        m.push(0, &Value::Date(base + chrono::Duration::days(((r >> 20) % 7300) as i64)));
        m.push(1, &Value::Text(if (r >> 40) & 1 == 0 { "男" } else { "女" }.into()));
    }
    let mut u = TableBuilder::new(&[("ownership".into(), ColumnKind::Text), ("has_congress".into(), ColumnKind::Bool)]);
    for id in 0..300_000i64 {
        let r = rng.next();
        u.row(id + 1, leaves[(r % leaves.len() as u64) as usize]);
        u.push(0, &Value::Text(if r >> 60 < 3 { "国有" } else { "非公有制" }.into()));
        u.push(1, &Value::Bool((r >> 30) & 1 == 1));
    }
    let mut snap = Snapshot::new(tree);
    let (mt, ut) = (m.finish(snap.tree()), u.finish(snap.tree()));
    snap.set_table("members", mt);
    snap.set_table("units", ut);
    println!(
        "kaohe-engine bench — {} orgs, 10,000,000 members, 300,000 units (built in {:.1} s)",
        orgs.len(),
        t.elapsed().as_secs_f64()
    );
    let set = IndicatorSet::default();
    let compile = |f: &str| set.compile(f, &regs, None).expect("formula");
    let b: Vec<Plan> = [
        r#"count(members where joined_on in period and gender = "女")"#,
        r#"count(members where joined_on in period and gender = "男")"#,
    ]
    .iter()
    .map(|f| compile(f))
    .collect();
    let c = compile(
        r#"ratio(count(units where ownership = "国有" and has_congress), count(units where ownership = "国有"))"#,
    );
    let period = Period::year(2009);
    // `KAOHE_BENCH_REPEAT_C=N`: only query c, N times (for profiling).
    if let Some(n) = std::env::var("KAOHE_BENCH_REPEAT_C").ok().and_then(|v| v.parse::<usize>().ok()) {
        for _ in 0..n {
            std::hint::black_box(snap.compute_all(&[&c], &period, &Budget::unlimited()).expect("no limit"));
        }
        return;
    }
    let time = |plans: &[&Plan]| {
        median(
            || {
                let t = Instant::now();
                std::hint::black_box(snap.compute_all(plans, &period, &Budget::unlimited()).expect("no limit"));
                t.elapsed().as_secs_f64() * 1000.0
            },
            15,
        )
    };
    println!("{:<52} {:>9.2} ms", "query b: new members by gender, every org", time(&b.iter().collect::<Vec<_>>()));
    println!("{:<52} {:>9.2} ms", "query c: state units with congress / state units", time(&[&c]));
    let c1 = compile(r#"count(units where ownership = "国有")"#);
    println!("{:<52} {:>9.2} ms", "  (one count over units, every org)", time(&[&c1]));
    let m1 = compile(r#"count(members where joined_on in period)"#);
    println!("{:<52} {:>9.2} ms", "  (one count over members, every org)", time(&[&m1]));
    let m0 = compile(r#"count(members)"#);
    println!("{:<52} {:>9.2} ms", "  (count(members), no filter, every org)", time(&[&m0]));
    let city = orgs[1].0;
    let one = median(
        || {
            let t = Instant::now();
            std::hint::black_box(snap.compute_at(&[&b[0]], &period, &[city], &Budget::unlimited()).expect("no limit"));
            t.elapsed().as_secs_f64() * 1000.0
        },
        15,
    );
    println!("{:<52} {:>9.2} ms", "one city's scope (1/16 of the rows), scanned", one);
}
