//! `kaohe calendar`: working-day arithmetic on the Chinese calendar (the pack's State Council
//! notices plus any `<year>.toml` in the data folder's `calendars/`).

use crate::CalendarCommand;
use crate::config::Config;
use anyhow::Context;
use chrono::NaiveDate;
use kaohe_domain::calendar::{HolidayCalendar, add_working_days, working_days_between};

/// The calendar the server and the CLI use: the pack's years and the data folder's.
pub fn load(cfg: &Config) -> anyhow::Result<HolidayCalendar> {
    let pack = kaohe_packs::trade_union().map_err(|_| anyhow::anyhow!("built-in pack invalid"))?;
    kaohe_packs::calendar_with(&pack, &cfg.data_dir.join("calendars"))
        .map_err(|errs| anyhow::anyhow!("{}", errs.iter().map(|e| e.to_string()).collect::<Vec<_>>().join("\n")))
}

fn warn_uncovered(cal: &HolidayCalendar, from: NaiveDate, to: NaiveDate) {
    for y in cal.uncovered_years(from, to) {
        eprintln!(
            "注意:{y}年没有放假安排,按双休日计算(可在数据目录 calendars/{y}.toml 中补充) / \
             note: no holiday notice for {y}, plain weekends used (add calendars/{y}.toml to the data folder)"
        );
    }
}

fn date(s: &str) -> anyhow::Result<NaiveDate> {
    s.parse().with_context(|| format!("“{s}”不是 YYYY-MM-DD 格式的日期 / {s} is not a YYYY-MM-DD date"))
}

pub fn run(cfg: &Config, cmd: CalendarCommand) -> anyhow::Result<()> {
    let cal = load(cfg)?;
    match cmd {
        CalendarCommand::Add { date: from, days } => {
            let from = date(&from)?;
            let to = add_working_days(&cal, from, days).context("date out of range")?;
            warn_uncovered(&cal, from, to);
            println!("{to}");
        }
        CalendarCommand::Count { from, to } => {
            let (from, to) = (date(&from)?, date(&to)?);
            warn_uncovered(&cal, from, to);
            println!("{}", working_days_between(&cal, from, to));
        }
        CalendarCommand::Years => {
            for y in cal.years() {
                let days: Vec<String> = y
                    .holidays
                    .iter()
                    .map(|h| {
                        let work: Vec<String> = h.work.iter().map(|d| d.format("%m-%d").to_string()).collect();
                        let extra = if work.is_empty() { String::new() } else { format!(" 上班 {}", work.join(",")) };
                        format!("{} {}..{}{extra}", h.name, h.off.0.format("%m-%d"), h.off.1.format("%m-%d"))
                    })
                    .collect();
                println!("{}  {}", y.year, days.join(";"));
            }
        }
    }
    Ok(())
}
