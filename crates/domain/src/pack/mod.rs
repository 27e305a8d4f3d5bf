//! Reading a pack: a versioned folder of TOML files (`pack.toml`, `registries/*.toml`, later
//! indicators, targets, rules, templates, calendars). Parsing is pure — callers hand in the files'
//! names and texts — and every problem is reported with file:line:column and a caret.

mod calendars;
mod indicators;
mod layer;
mod registries;
mod rulebooks;

pub use calendars::{calendar_file, parse_calendar_year};
pub use indicators::indicator_file;
pub use layer::{LAYER_FOLDERS, LayerKind, Layered, carry_rulebook, overlay};

use crate::calendar::HolidayCalendar;
use crate::indicator::IndicatorSet;
use crate::located::Location;
use crate::registry::RegistryDef;
use crate::scoring::Rulebook;
use serde::Deserialize;
use std::collections::BTreeSet;
use std::fmt;

/// A parsed, checked pack.
#[derive(Debug, Clone, PartialEq)]
pub struct Pack {
    pub key: String,
    pub version: String,
    pub name_zh: String,
    pub name_en: String,
    /// Registries in menu order.
    pub registries: Vec<RegistryDef>,
    /// Indicators in file order, checked against the registries and each other.
    pub indicators: IndicatorSet,
    /// Working days: the holiday notices of `calendars/*.toml`.
    pub calendar: HolidayCalendar,
    /// The target catalogues and scoring rules of `rulebooks/<year>.toml`, by year.
    pub rulebooks: Vec<Rulebook>,
    /// Report templates (`reports/<key>.md.j2`), by key.
    pub reports: Vec<crate::report::ReportTemplate>,
}

impl Pack {
    /// The registry with this key.
    pub fn registry(&self, key: &str) -> Option<&RegistryDef> {
        self.registries.iter().find(|r| r.key == key)
    }

    /// The report template with this key (`annual`).
    pub fn report(&self, key: &str) -> Option<&crate::report::ReportTemplate> {
        self.reports.iter().find(|r| r.key == key)
    }

    /// The rulebook of a year (re-scoring a past year uses that year's rules).
    pub fn rulebook(&self, year: i32) -> Option<&Rulebook> {
        self.rulebooks.iter().find(|r| r.year == year)
    }

    /// The parts a federation's own layer lies over.
    pub fn layered(&self) -> Layered {
        Layered {
            indicators: self.indicators.clone(),
            rulebooks: self.rulebooks.clone(),
            reports: self.reports.clone(),
            calendar: self.calendar.clone(),
        }
    }
}

/// A problem in a pack file, located to the character.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PackError {
    pub file: String,
    pub line: usize,
    pub column: usize,
    pub message_zh: String,
    pub message_en: String,
    /// The offending line, for the caret display.
    pub source_line: String,
}

impl From<crate::report::TemplateError> for PackError {
    /// A template's error, its message split into the Chinese and English halves it carries.
    fn from(e: crate::report::TemplateError) -> Self {
        let (zh, en) =
            e.message.split_once(" / ").map_or((e.message.clone(), e.message.clone()), |(z, n)| (z.into(), n.into()));
        PackError {
            file: e.file,
            line: e.line,
            column: e.column,
            message_zh: zh,
            message_en: en,
            source_line: e.source_line,
        }
    }
}

impl fmt::Display for PackError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "{}:{}:{}: {} / {}", self.file, self.line, self.column, self.message_zh, self.message_en)?;
        let at = Location { line: self.line, column: self.column, source_line: self.source_line.clone() };
        write!(f, "{}", at.caret())
    }
}

pub(super) struct Source<'a> {
    file: &'a str,
    text: &'a str,
}

impl Source<'_> {
    pub(super) fn error(&self, offset: usize, zh: impl Into<String>, en: impl Into<String>) -> PackError {
        let Location { line, column, source_line } = Location::of(self.text, offset);
        PackError {
            file: self.file.to_owned(),
            line,
            column,
            message_zh: zh.into(),
            message_en: en.into(),
            source_line,
        }
    }

    fn toml_error(&self, e: &toml::de::Error) -> PackError {
        let offset = e.span().map_or(0, |s| s.start);
        let msg = e.message().trim().to_owned();
        self.error(offset, format!("TOML 格式错误:{msg}"), format!("TOML error: {msg}"))
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPack {
    key: String,
    version: String,
    name_zh: String,
    name_en: String,
}

/// Column names kaohe keeps for every record; fields may not take them.
pub const RESERVED_FIELDS: [&str; 9] =
    ["id", "org", "org_id", "version", "created_at", "updated_at", "created_by", "updated_by", "deleted_at"];

pub(super) fn is_key(s: &str) -> bool {
    let mut chars = s.chars();
    chars.next().is_some_and(|c| c.is_ascii_lowercase())
        && s.len() <= 40
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

/// Parses and checks a pack from its files: `(path inside the pack, text)`. Returns every error.
pub fn parse_pack(files: &[(String, String)]) -> Result<Pack, Vec<PackError>> {
    let mut errors = Vec::new();
    let mut head = None;
    let mut registries = Vec::new();
    let mut keys = BTreeSet::new();
    let mut indicator_defs = Vec::new();
    let mut calendar_years = Vec::new();
    let mut rulebook_files = Vec::new();
    let mut reports = Vec::new();
    let mut sorted: Vec<&(String, String)> = files.iter().collect();
    sorted.sort_by(|a, b| a.0.cmp(&b.0));
    for (path, text) in sorted {
        let src = Source { file: path, text };
        if path == "pack.toml" {
            match toml::from_str::<RawPack>(text) {
                Ok(p) => head = Some(p),
                Err(e) => errors.push(src.toml_error(&e)),
            }
        } else if path.starts_with("registries/") && path.ends_with(".toml") {
            match toml::from_str::<registries::RawRegistry>(text) {
                Ok(raw) => {
                    if !keys.insert(raw.key.get_ref().clone()) {
                        errors.push(src.error(raw.key.span().start, "台账代码重复", "duplicate registry key"));
                    }
                    if let Some(r) = registries::check_registry(&src, raw, &mut errors) {
                        registries.push(r);
                    }
                }
                Err(e) => errors.push(src.toml_error(&e)),
            }
        } else if path.starts_with("indicators/") && path.ends_with(".toml") {
            indicators::read(&src, &mut indicator_defs, &mut errors);
        } else if path.starts_with("calendars/") && path.ends_with(".toml") {
            calendar_years.extend(calendars::read(&src, &mut errors));
        } else if path.starts_with("rulebooks/") && path.ends_with(".toml") {
            rulebook_files.push((path, text));
        } else if let Some(key) = path.strip_prefix("reports/").and_then(|p| p.strip_suffix(".md.j2")) {
            let tpl = crate::report::ReportTemplate { key: key.to_owned(), file: path.clone(), source: text.clone() };
            match crate::report::template::check(&tpl) {
                Ok(()) => reports.push(tpl),
                Err(e) => errors.push(e.into()),
            }
        }
    }
    let Some(head) = head else {
        errors.push(PackError {
            file: "pack.toml".into(),
            line: 1,
            column: 1,
            message_zh: "缺少 pack.toml".into(),
            message_en: "pack.toml is missing".into(),
            source_line: String::new(),
        });
        return Err(errors);
    };
    if !errors.is_empty() {
        return Err(errors);
    }
    registries.sort_by(|a, b| (a.order, &a.key).cmp(&(b.order, &b.key)));
    let indicators = indicators::build(indicator_defs, files, &registries, &mut errors);
    if !errors.is_empty() {
        return Err(errors);
    }
    let mut rulebooks: Vec<Rulebook> = Vec::new();
    for (path, text) in rulebook_files {
        let src = Source { file: path, text };
        if let Some(book) = rulebooks::read(&src, &indicators, &mut errors) {
            if rulebooks.iter().any(|b| b.year == book.year) {
                errors.push(src.error(
                    0,
                    format!("{}年的考核办法重复", book.year),
                    format!("a second rulebook for {}", book.year),
                ));
            }
            rulebooks.push(book);
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    rulebooks.sort_by_key(|b| b.year);
    Ok(Pack {
        key: head.key,
        version: head.version,
        name_zh: head.name_zh,
        name_en: head.name_en,
        registries,
        indicators,
        calendar: HolidayCalendar::new(calendar_years),
        rulebooks,
        reports,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::registry::DeriveRule;

    /// Pack files come from federations (a province hands its own to its cities): TOML nested
    /// past any sane depth is a located error from the TOML reader's depth limit, never a stack
    /// overflow.
    #[test]
    fn deeply_nested_pack_files_are_refused_not_overflowed() {
        for nested in [
            format!("key = {}1{}", "[".repeat(20_000), "]".repeat(20_000)),
            format!("key = {}1{}", "{ a = ".repeat(20_000), " }".repeat(20_000)),
        ] {
            let errors = parse_pack(&pack(&nested)).unwrap_err();
            assert!(errors.iter().any(|e| e.to_string().contains("registries/r.toml")), "{errors:?}");
        }
    }

    fn pack(reg: &str) -> Vec<(String, String)> {
        vec![
            ("pack.toml".into(), "key = \"t\"\nversion = \"1\"\nname_zh = \"测\"\nname_en = \"t\"\n".into()),
            ("registries/r.toml".into(), reg.into()),
        ]
    }

    const GOOD: &str = r#"
key = "members"
label_zh = "会员"
label_en = "Members"
natural_key = ["id_number"]

[[fields]]
key = "id_number"
label_zh = "身份证号码"
label_en = "ID number"
type = "resident_id"
required = true

[[fields]]
key = "gender"
label_zh = "性别"
label_en = "Gender"
type = "enum"
values = [{ code = "男", label_en = "Male" }, { code = "女", label_en = "Female" }]
derived = { from = "id_number", rule = "gender" }
"#;

    #[test]
    fn a_good_registry_parses() {
        let p = parse_pack(&pack(GOOD)).unwrap();
        let r = p.registry("members").unwrap();
        assert!(r.field("id_number").unwrap().sensitive);
        assert_eq!(r.field("gender").unwrap().derived.as_ref().unwrap().rule, DeriveRule::Gender);
    }

    #[test]
    fn errors_point_at_line_and_column() {
        let bad = GOOD.replace("type = \"resident_id\"", "type = \"residentid\"");
        let errs = parse_pack(&pack(&bad)).unwrap_err();
        assert_eq!(errs.len(), 1, "{errs:?}");
        let e = &errs[0];
        assert_eq!((e.file.as_str(), e.line, e.column), ("registries/r.toml", 11, 8));
        let shown = e.to_string();
        assert!(shown.contains("registries/r.toml:11:8"), "{shown}");
        assert!(shown.ends_with("       ^"), "{shown}");

        let bad = GOOD.replace("from = \"id_number\"", "from = \"id_no\"");
        let errs = parse_pack(&pack(&bad)).unwrap_err();
        assert_eq!(errs[0].line, 20);
        let bad = GOOD.replace("natural_key = [\"id_number\"]", "natural_key = [\"idn\"]");
        assert_eq!(parse_pack(&pack(&bad)).unwrap_err()[0].line, 5);
        let bad = GOOD.replace("label_en = \"Members\"", "label_en = \"Members\"\ncolour = 3");
        let e = &parse_pack(&pack(&bad)).unwrap_err()[0];
        assert_eq!(e.line, 5, "{e}");
    }
}
