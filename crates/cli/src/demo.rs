//! `kaohe demo` and `serve --demo`: loads the demo city (crate `kaohe-demo`) with a progress bar,
//! or the province-scale benchmark data set.

use indicatif::{ProgressBar, ProgressStyle};
use kaohe_store::Store;
use std::time::Instant;

pub use kaohe_demo::{DemoLogin, print_logins};

/// Which demo to load.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Scale {
    /// The demo city (衡阳市总工会, 2007–2010), reproducing the seed report's figures.
    City,
    /// A province-sized data set for benchmarks (~100,000 unions, ~10,000,000 members).
    Province,
}

fn bar(len: u64) -> ProgressBar {
    let bar = ProgressBar::new(len);
    bar.set_style(
        ProgressStyle::with_template("{msg:>18} [{bar:40}] {pos}/{len} 条 / records ({per_sec}, {eta})")
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> "),
    );
    bar.enable_steady_tick(std::time::Duration::from_millis(200));
    bar
}

/// Loads the demo city into an empty database with a progress bar and returns the logins.
pub async fn load(store: &Store, password: Option<&str>) -> anyhow::Result<Vec<DemoLogin>> {
    let city = kaohe_demo::City::plan()?;
    let bar = bar(city.rows() as u64);
    bar.set_message("演示数据 / demo");
    let t = Instant::now();
    let result = kaohe_demo::write_city(store, city, password, &|registry, n| {
        bar.set_message(registry.to_owned());
        bar.set_position(n as u64);
    })
    .await;
    bar.finish_and_clear();
    let logins = result?;
    println!(
        "演示数据已载入,用时 {:.1} 秒 / demo loaded in {:.1} s",
        t.elapsed().as_secs_f64(),
        t.elapsed().as_secs_f64()
    );
    Ok(logins)
}

/// Loads the province-scale data set (no logins) with a progress bar.
pub async fn load_province(store: &Store) -> anyhow::Result<()> {
    let plan = kaohe_demo::province::Plan::default();
    let bar = bar(plan.rows());
    let t = Instant::now();
    let result = kaohe_demo::province::load(store, &plan, &|stage, n| {
        bar.set_message(stage.to_owned());
        bar.set_position(n as u64);
    })
    .await;
    bar.finish_and_clear();
    result?;
    println!(
        "省级规模数据已载入,用时 {:.1} 秒 / province-scale data loaded in {:.1} s",
        t.elapsed().as_secs_f64(),
        t.elapsed().as_secs_f64()
    );
    Ok(())
}
