//! The packs built into kaohe, embedded in the binary, and loading a pack from a folder
//! (`kaohe pack validate DIR`).
#![forbid(unsafe_code)]

mod seed;

pub use seed::{SEED_FIGURES, seed_figure_ids};

use include_dir::{Dir, include_dir};
use kaohe_domain::calendar::{CalendarYear, HolidayCalendar};
use kaohe_domain::pack::{Pack, PackError, parse_calendar_year, parse_pack};
use kaohe_domain::report::ReportTemplate;
use std::path::Path;

static TRADE_UNION: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/../../packs/trade-union");

fn collect(dir: &Dir<'static>, out: &mut Vec<(String, String)>) {
    for f in dir.files() {
        if let Some(text) = f.contents_utf8() {
            out.push((f.path().to_string_lossy().replace('\\', "/"), text.to_owned()));
        }
    }
    for d in dir.dirs() {
        collect(d, out);
    }
}

/// The trade-union pack's files, as embedded.
pub fn trade_union_files() -> Vec<(String, String)> {
    let mut out = Vec::new();
    collect(&TRADE_UNION, &mut out);
    out.sort();
    out
}

/// The built-in trade-union pack.
pub fn trade_union() -> Result<Pack, Vec<PackError>> {
    parse_pack(&trade_union_files())
}

/// Reads every `.toml` and `.j2` file under `dir` (paths relative to it, `/`-separated).
pub fn read_dir(dir: &Path) -> std::io::Result<Vec<(String, String)>> {
    fn walk(base: &Path, dir: &Path, out: &mut Vec<(String, String)>) -> std::io::Result<()> {
        for entry in std::fs::read_dir(dir)? {
            let path = entry?.path();
            if path.is_dir() {
                walk(base, &path, out)?;
            } else if path.extension().is_some_and(|e| e == "toml" || e == "j2") {
                let rel = path.strip_prefix(base).unwrap_or(&path).to_string_lossy().replace('\\', "/");
                out.push((rel, std::fs::read_to_string(&path)?));
            }
        }
        Ok(())
    }
    let mut out = Vec::new();
    walk(dir, dir, &mut out)?;
    out.sort();
    Ok(out)
}

/// The working-day calendar: the built-in pack's holiday notices, with each `<year>.toml` in
/// `dir` (the data folder's `calendars/`, when it exists) added or replacing the pack's year.
pub fn calendar_with(pack: &Pack, dir: &Path) -> Result<HolidayCalendar, Vec<PackError>> {
    let mut years: Vec<CalendarYear> = pack.calendar.years().cloned().collect();
    let files = read_optional_dir(dir)?;
    let mut errors = Vec::new();
    for (name, text) in files {
        match parse_calendar_year(&dir.join(&name).display().to_string(), &text) {
            Ok(y) => years.push(y),
            Err(e) => errors.extend(e),
        }
    }
    if errors.is_empty() { Ok(HolidayCalendar::new(years)) } else { Err(errors) }
}

/// The report templates: the built-in pack's, with each `<key>.md.j2` in `dir` (the data
/// folder's `reports/`, when it exists) added or replacing the pack's template of that key. Each
/// file is checked (syntax, undefined names) and errors are located.
pub fn reports_with(pack: &Pack, dir: &Path) -> Result<Vec<ReportTemplate>, Vec<PackError>> {
    let mut out: Vec<ReportTemplate> = pack.reports.clone();
    let files = read_optional_dir(dir)?;
    let mut errors = Vec::new();
    for (name, text) in files {
        let Some(key) = name.strip_suffix(".md.j2") else { continue };
        let tpl = ReportTemplate { key: key.to_owned(), file: dir.join(&name).display().to_string(), source: text };
        match kaohe_domain::report::template::check(&tpl) {
            Ok(()) => {
                out.retain(|t| t.key != tpl.key);
                out.push(tpl);
            }
            Err(e) => errors.push(e.into()),
        }
    }
    if errors.is_empty() { Ok(out) } else { Err(errors) }
}

/// [`read_dir`] of a data-folder directory that may not exist (then: no files).
fn read_optional_dir(dir: &Path) -> Result<Vec<(String, String)>, Vec<PackError>> {
    match read_dir(dir) {
        Ok(f) => Ok(f),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Vec::new()),
        Err(e) => Err(vec![unreadable(dir, &e)]),
    }
}

fn unreadable(dir: &Path, e: &std::io::Error) -> PackError {
    PackError {
        file: dir.display().to_string(),
        line: 0,
        column: 0,
        message_zh: format!("无法读取:{e}"),
        message_en: format!("cannot read: {e}"),
        source_line: String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_trade_union_pack_is_valid() {
        match trade_union() {
            Ok(p) => assert!(!p.registries.is_empty()),
            Err(errs) => panic!("{}", errs.iter().map(|e| e.to_string()).collect::<Vec<_>>().join("\n")),
        }
    }
}
