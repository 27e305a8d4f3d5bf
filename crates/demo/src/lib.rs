//! The demo city: 衡阳市总工会 in 2009 — its org tree down to towns and grassroots unions, one
//! user per role, and registry data for 2007–2010 from which every registry-sourced figure of the
//! seed report comes out exactly as `packs/trade-union/demo/manifest.toml` says (for 2009 at the
//! city's scope). Deterministic: the same data every time (passwords aside, unless `--password`
//! fixes them). [`province`] generates a far larger tree for benchmarks.
#![forbid(unsafe_code)]

mod aid;
mod building;
pub mod codes;
mod finance;
mod general;
mod hardship;
pub mod manifest;
mod members;
mod names;
mod orgs;
mod pairing;
mod petitions;
pub mod province;
mod rights;
pub mod rng;
mod roles;
mod submissions;
mod targets;
mod training;
mod units;
mod writer;

pub use manifest::{Figure, Manifest};
pub use orgs::{CITY, COUNTIES, DEPARTMENTS, DemoLogin, TOWNS, USERS, print_logins};

use kaohe_store::Store;
use std::sync::atomic::AtomicUsize;
use units::Unit;
use writer::Sink;

/// The whole demo city, planned in memory; member rows are generated when written.
pub struct City {
    units: Vec<Unit>,
    sink: Sink,
}

impl City {
    /// Plans the city from the embedded manifest.
    pub fn plan() -> anyhow::Result<Self> {
        let m = Manifest::load()?;
        let (mut units, groups) = units::layout(m.s("congress_public_base"), m.n("above_scale_units"));
        roles::assign(&m, &mut units, &groups)?;
        members::plan(&m, &mut units)?;
        let mut rng = rng::Rng::stream("output");
        for u in &mut units {
            units::set_output(&mut rng, u);
        }
        roles::own_orgs(&mut units);
        let mut sink = Sink::default();
        for u in &units {
            sink.add("units", u.org.clone(), units::record(u));
        }
        general::generate(&m, &units, &mut sink);
        building::generate(&m, &units, &mut sink);
        rights::generate(&m, &units, &mut sink);
        aid::generate(&m, &units, &mut sink);
        pairing::generate(&m, &units, &mut sink);
        finance::generate(&m, &units, &mut sink);
        Ok(Self { units, sink })
    }

    /// How many records loading writes.
    pub fn rows(&self) -> usize {
        self.sink.len() + self.units.iter().map(|u| u.plan.rows() as usize).sum::<usize>()
    }

    /// How many grassroots unions the tree gets.
    pub fn grassroots(&self) -> usize {
        self.units.iter().filter(|u| u.own_org).count()
    }
}

/// Loads the demo city into an empty database and returns the logins.
pub async fn load(store: &Store, password: Option<&str>) -> anyhow::Result<Vec<DemoLogin>> {
    load_with_progress(store, password, &|_, _| {}).await
}

/// Like [`load`], telling `progress` which registry is being written and how many records have
/// been written so far (out of [`City::rows`]).
pub async fn load_with_progress(
    store: &Store,
    password: Option<&str>,
    progress: &(dyn Fn(&str, usize) + Sync),
) -> anyhow::Result<Vec<DemoLogin>> {
    let city = City::plan()?;
    write_city(store, city, password, progress).await
}

/// Loads only the demo city's org tree and users, without records: seconds instead of a minute,
/// for tests that need the orgs and logins but not the data.
pub async fn load_orgs(store: &Store, password: Option<&str>) -> anyhow::Result<Vec<DemoLogin>> {
    let city = City::plan()?;
    orgs::build_tree(store, &city.units).await?;
    let logins = orgs::create_users(store, password).await?;
    publish_own_layer(store).await?;
    Ok(logins)
}

/// The demo city's own layer (`packs/trade-union/demo/layer/`): its 2009 report template in
/// 衡阳's words, published as the federation's own file — the built-in template stays
/// year-neutral, as every other federation gets it.
async fn publish_own_layer(store: &Store) -> anyhow::Result<()> {
    let files: Vec<(String, Option<String>)> = kaohe_packs::trade_union_files()
        .into_iter()
        .filter_map(|(p, t)| Some((p.strip_prefix("demo/layer/")?.to_owned(), Some(t))))
        .collect();
    store.scoped(kaohe_domain::Actor::Operator).publish_layer(&files).await?;
    Ok(())
}

/// Writes a planned city: refuses a non-empty database, builds the org tree and users, then the
/// records, registry by registry (members in chunks, generated as they go).
pub async fn write_city(
    store: &Store,
    city: City,
    password: Option<&str>,
    progress: &(dyn Fn(&str, usize) + Sync),
) -> anyhow::Result<Vec<DemoLogin>> {
    orgs::build_tree(store, &city.units).await?;
    let logins = orgs::create_users(store, password).await?;
    let City { units, mut sink } = city;
    let done = AtomicUsize::new(0);
    if let Some(rows) = sink.rows.remove("units") {
        writer::write(store, "units", rows, &done, progress).await?;
    }
    // On PostgreSQL two imports run at once, so the server works while the next chunk is checked
    // and sealed here; SQLite has one writer at a time.
    let parallel = store.backend() == kaohe_store::Backend::Postgres;
    // Members are many: their sort index is built once after loading, not row by row.
    store.suspend_sort_indexes("members").await?;
    let mut members_gen = members::MemberGen::new(&units);
    loop {
        let batch = members_gen.batch(writer::CHUNK - 12_000);
        if batch.is_empty() {
            break;
        }
        if parallel {
            let other = members_gen.batch(writer::CHUNK - 12_000);
            tokio::try_join!(
                writer::write(store, "members", batch, &done, progress),
                writer::write(store, "members", other, &done, progress)
            )?;
        } else {
            writer::write(store, "members", batch, &done, progress).await?;
        }
    }
    store.restore_sort_indexes("members").await?;
    for (registry, rows) in std::mem::take(&mut sink.rows) {
        writer::write(store, registry, rows, &done, progress).await?;
    }
    progress("targets", done.load(std::sync::atomic::Ordering::Relaxed));
    targets::assign(store).await?;
    submissions::write(store).await?;
    store.set_assessment_year(2009).await?;
    publish_own_layer(store).await?;
    Ok(logins)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_plan_is_deterministic() {
        let a = City::plan().expect("plan");
        let b = City::plan().expect("plan");
        assert_eq!(a.rows(), b.rows());
        for (k, v) in &a.sink.rows {
            println!("{k}: {}", v.len());
        }
        let members: i64 = a.units.iter().map(|u| u.plan.rows()).sum();
        println!("units {}, grassroots {}, members {members}, rows {}", a.units.len(), a.grassroots(), a.rows());
        assert!(a.grassroots() > 200);
    }
}
