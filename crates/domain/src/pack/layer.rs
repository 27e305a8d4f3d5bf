//! A federation's own layer over the built-in pack: its rulebooks, indicators, report templates
//! and holiday notices, kept as pack files (`rulebooks/2026.toml`, `indicators/<key>.toml`,
//! `reports/annual.md.j2`, `calendars/2027.toml`) and checked by the same readers as a pack
//! folder. A layer file replaces the built-in file of the same year or key; indicators only add
//! (a built-in indicator's key cannot be taken).

use super::{PackError, Source, calendars, indicators, rulebooks};
use crate::calendar::HolidayCalendar;
use crate::indicator::IndicatorSet;
use crate::registry::RegistryDef;
use crate::report::ReportTemplate;
use crate::scoring::Rulebook;

/// The folders a layer may hold files in.
pub const LAYER_FOLDERS: [&str; 4] = ["rulebooks/", "indicators/", "reports/", "calendars/"];

/// The parts of a pack a layer lies over (and what laying it over gives).
#[derive(Debug, Clone, Default)]
pub struct Layered {
    pub indicators: IndicatorSet,
    pub rulebooks: Vec<Rulebook>,
    pub reports: Vec<ReportTemplate>,
    pub calendar: HolidayCalendar,
}

impl Layered {
    /// The rulebook of a year.
    pub fn rulebook(&self, year: i32) -> Option<&Rulebook> {
        self.rulebooks.iter().find(|b| b.year == year)
    }

    /// The report template with this key.
    pub fn report(&self, key: &str) -> Option<&ReportTemplate> {
        self.reports.iter().find(|t| t.key == key)
    }
}

/// What kind of thing a layer file is, from its path; `None` for a path no layer may hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum LayerKind {
    Rulebook(i32),
    Indicator,
    Report,
    Calendar(i32),
}

impl LayerKind {
    /// The kind of the file at `path`, checking its name: `rulebooks/<year>.toml`,
    /// `indicators/<key>.toml`, `reports/<key>.md.j2`, `calendars/<year>.toml`.
    pub fn of(path: &str) -> Option<LayerKind> {
        let year = |s: &str| s.parse::<i32>().ok().filter(|y| (1949..=2200).contains(y));
        let name = |s: &str| super::is_key(s).then_some(());
        if let Some(y) = path.strip_prefix("rulebooks/").and_then(|p| p.strip_suffix(".toml")) {
            return year(y).map(LayerKind::Rulebook);
        }
        if let Some(y) = path.strip_prefix("calendars/").and_then(|p| p.strip_suffix(".toml")) {
            return year(y).map(LayerKind::Calendar);
        }
        if let Some(k) = path.strip_prefix("indicators/").and_then(|p| p.strip_suffix(".toml")) {
            return name(k).map(|()| LayerKind::Indicator);
        }
        let k = path.strip_prefix("reports/").and_then(|p| p.strip_suffix(".md.j2"))?;
        name(k).map(|()| LayerKind::Report)
    }
}

/// Lays `files` (path, text) over `base`: every file is checked (located errors, all of them);
/// nothing is laid over unless every file is right.
pub fn overlay(
    base: &Layered,
    registries: &[RegistryDef],
    files: &[(String, String)],
) -> Result<Layered, Vec<PackError>> {
    let mut errors = Vec::new();
    let mut out = base.clone();
    let mut sorted: Vec<&(String, String)> = files.iter().collect();
    sorted.sort_by(|a, b| a.0.cmp(&b.0));
    let mut defs = Vec::new();
    let mut books = Vec::new();
    let mut years = Vec::new();
    for (path, text) in sorted {
        let src = Source { file: path, text };
        match LayerKind::of(path) {
            None => errors.push(src.error(
                0,
                "文件名不合规:应为 rulebooks/年份.toml、indicators/代码.toml、reports/代码.md.j2 或 calendars/年份.toml",
                "bad file name: expected rulebooks/<year>.toml, indicators/<key>.toml, reports/<key>.md.j2 or calendars/<year>.toml",
            )),
            Some(LayerKind::Indicator) => indicators::read(&src, &mut defs, &mut errors),
            Some(LayerKind::Rulebook(y)) => books.push((y, path, text)),
            // The reader checks the year against the file name.
            Some(LayerKind::Calendar(_)) => years.extend(calendars::read(&src, &mut errors)),
            Some(LayerKind::Report) => {
                let key = path.trim_start_matches("reports/").trim_end_matches(".md.j2").to_owned();
                let tpl = ReportTemplate { key, file: path.clone(), source: text.clone() };
                match crate::report::template::check(&tpl) {
                    Ok(()) => {
                        out.reports.retain(|t| t.key != tpl.key);
                        out.reports.push(tpl);
                    }
                    Err(e) => errors.push(e.into()),
                }
            }
        }
    }
    if !defs.is_empty() {
        out.indicators = indicators::extend(&base.indicators, defs, files, registries, &mut errors);
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    for (y, path, text) in books {
        let src = Source { file: path, text };
        if let Some(book) = rulebooks::read(&src, &out.indicators, &mut errors) {
            if book.year != y {
                errors.push(year_mismatch(&src, book.year, y));
            }
            out.rulebooks.retain(|b| b.year != book.year);
            out.rulebooks.push(book);
        }
    }
    if !years.is_empty() {
        out.calendar = HolidayCalendar::new(base.calendar.years().cloned().chain(years));
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    out.rulebooks.sort_by_key(|b| b.year);
    out.reports.sort_by(|a, b| a.key.cmp(&b.key));
    Ok(out)
}

/// A rulebook's text carried from year `from` to year `to` (starting a year from last year's, or
/// from the model): the year, version, effective date, title and submission deadlines move by
/// the difference, in comments too; every other number (targets, weights) is left alone.
pub fn carry_rulebook(text: &str, from: i32, to: i32) -> String {
    const DATED: [&str; 5] = ["year", "version", "effective_on", "title", "deadline"];
    let shift = to - from;
    let mut out = String::with_capacity(text.len());
    for l in text.split_inclusive('\n') {
        let head = l.trim_start();
        let key = head.split(['=', ' ']).next().unwrap_or("");
        if head.starts_with('#') || DATED.contains(&key) {
            out.push_str(&shift_years(l, from, shift));
        } else {
            out.push_str(l);
        }
    }
    out
}

/// Moves every four-digit year within two of `from` (a deadline falls the next January) by
/// `shift`; longer digit runs are left alone.
fn shift_years(l: &str, from: i32, shift: i32) -> String {
    let bytes = l.as_bytes();
    let mut out = String::with_capacity(l.len());
    let mut i = 0;
    while i < l.len() {
        let run = bytes[i..].iter().take_while(|b| b.is_ascii_digit()).count();
        if run == 0 {
            let c = l[i..].chars().next().unwrap_or(' ');
            out.push(c);
            i += c.len_utf8();
            continue;
        }
        let digits = &l[i..i + run];
        match digits.parse::<i32>() {
            Ok(y) if run == 4 && (from - 2..=from + 2).contains(&y) => out.push_str(&(y + shift).to_string()),
            _ => out.push_str(digits),
        }
        i += run;
    }
    out
}

fn year_mismatch(src: &Source, found: i32, named: i32) -> PackError {
    let at = src.text.find("year").unwrap_or(0);
    src.error(
        at,
        format!("文件名是{named}年,内容写的是{found}年"),
        format!("the file is named for {named} but says year {found}"),
    )
}
