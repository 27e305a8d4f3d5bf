//! Reading a pack: a versioned folder of TOML files (`pack.toml`, `registries/*.toml`, later
//! indicators, targets, rules, templates, calendars). Parsing is pure — callers hand in the files'
//! names and texts — and every problem is reported with file:line:column and a caret.

mod calendars;
mod indicators;
mod layer;
mod rulebooks;

pub use calendars::{calendar_file, parse_calendar_year};
pub use indicators::indicator_file;
pub use layer::{LAYER_FOLDERS, LayerKind, Layered, carry_rulebook, overlay};

use crate::calendar::HolidayCalendar;
use crate::indicator::IndicatorSet;
use crate::located::Location;
use crate::registry::{DeriveRule, Derived, EnumValue, FieldDef, FieldType, RegistryDef};
use crate::scoring::Rulebook;
use serde::Deserialize;
use std::collections::BTreeSet;
use std::fmt;
use toml::Spanned;

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

struct Source<'a> {
    file: &'a str,
    text: &'a str,
}

impl Source<'_> {
    fn error(&self, offset: usize, zh: impl Into<String>, en: impl Into<String>) -> PackError {
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

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRegistry {
    key: Spanned<String>,
    label_zh: String,
    label_en: String,
    description_zh: Option<String>,
    natural_key: Spanned<Vec<String>>,
    order: Option<i32>,
    fields: Vec<Spanned<RawField>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawField {
    key: Spanned<String>,
    label_zh: String,
    label_en: String,
    #[serde(rename = "type")]
    ty: Spanned<String>,
    #[serde(default)]
    required: bool,
    #[serde(default)]
    unique: bool,
    sensitive: Option<Spanned<bool>>,
    max_length: Option<u32>,
    min: Option<f64>,
    max: Option<f64>,
    scale: Option<Spanned<u32>>,
    pattern: Option<Spanned<String>>,
    values: Option<Spanned<Vec<RawEnumValue>>>,
    derived: Option<Spanned<RawDerived>>,
    help_zh: Option<String>,
    #[serde(default)]
    aliases: Vec<String>,
    #[serde(default = "yes")]
    list: bool,
    indexed: Option<Spanned<bool>>,
}

fn yes() -> bool {
    true
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEnumValue {
    code: String,
    label_en: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDerived {
    from: String,
    rule: String,
}

/// Column names kaohe keeps for every record; fields may not take them.
pub const RESERVED_FIELDS: [&str; 9] =
    ["id", "org", "org_id", "version", "created_at", "updated_at", "created_by", "updated_by", "deleted_at"];

fn is_key(s: &str) -> bool {
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
            match toml::from_str::<RawRegistry>(text) {
                Ok(raw) => {
                    if !keys.insert(raw.key.get_ref().clone()) {
                        errors.push(src.error(raw.key.span().start, "台账代码重复", "duplicate registry key"));
                    }
                    if let Some(r) = check_registry(&src, raw, &mut errors) {
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

fn check_registry(src: &Source, raw: RawRegistry, errors: &mut Vec<PackError>) -> Option<RegistryDef> {
    let before = errors.len();
    if !is_key(raw.key.get_ref()) {
        errors.push(src.error(
            raw.key.span().start,
            "代码须为小写字母开头的 a-z0-9_",
            "key must be snake_case a-z0-9_",
        ));
    }
    let mut fields = Vec::new();
    let mut seen = BTreeSet::new();
    let mut headers = BTreeSet::new();
    for sf in &raw.fields {
        let f = sf.get_ref();
        let at = |s: &Spanned<String>| s.span().start;
        let key = f.key.get_ref().as_str();
        if !is_key(key) || RESERVED_FIELDS.contains(&key) {
            errors.push(src.error(
                at(&f.key),
                format!("字段代码“{key}”不可用"),
                format!("field key {key:?} is not allowed"),
            ));
        }
        if !seen.insert(key.to_owned()) {
            errors.push(src.error(at(&f.key), "字段代码重复", "duplicate field key"));
        }
        // An import header must name one field: no alias may be another field's label or alias.
        for name in std::iter::once(&f.label_zh).chain(&f.aliases) {
            if !headers.insert(name.clone()) {
                errors.push(src.error(
                    at(&f.key),
                    format!("列名或别名“{name}”与其他字段重复,导入时无法区分"),
                    format!("the header or alias {name:?} is another field's too: imports could not tell them apart"),
                ));
            }
        }
        let Some(ty) = FieldType::parse(f.ty.get_ref()) else {
            let names: Vec<_> = FieldType::ALL.iter().map(|(_, n)| *n).collect();
            errors.push(src.error(
                at(&f.ty),
                format!("未知类型,应为 {}", names.join("/")),
                format!("unknown type; expected {}", names.join(", ")),
            ));
            continue;
        };
        let values: Vec<EnumValue> = f
            .values
            .as_ref()
            .map(|v| {
                v.get_ref().iter().map(|e| EnumValue { code: e.code.clone(), label_en: e.label_en.clone() }).collect()
            })
            .unwrap_or_default();
        match (&f.values, ty) {
            (None, FieldType::Enum) => {
                errors.push(src.error(sf.span().start, "枚举字段须列出 values", "an enum field needs values"))
            }
            (Some(v), FieldType::Enum) => {
                let codes: BTreeSet<_> = values.iter().map(|e| &e.code).collect();
                if values.is_empty() || codes.len() != values.len() {
                    errors.push(src.error(v.span().start, "枚举值为空或重复", "enum values are empty or repeated"));
                }
            }
            (Some(v), _) => {
                errors.push(src.error(v.span().start, "只有枚举字段可有 values", "only enum fields take values"))
            }
            (None, _) => {}
        }
        if let Some(s) = &f.scale
            && (ty != FieldType::Decimal || *s.get_ref() > 6)
        {
            errors.push(src.error(
                s.span().start,
                "scale 只用于小数字段,且不超过6",
                "scale is for decimal fields, at most 6",
            ));
        }
        if let Some(p) = &f.pattern {
            if ty != FieldType::Text {
                errors.push(src.error(p.span().start, "pattern 只用于文本字段", "pattern is for text fields"));
            } else if let Err(e) = regex::Regex::new(p.get_ref()) {
                errors.push(src.error(p.span().start, format!("正则表达式无效:{e}"), format!("invalid pattern: {e}")));
            }
        }
        if let (Some(lo), Some(hi)) = (f.min, f.max)
            && lo > hi
        {
            errors.push(src.error(sf.span().start, "min 大于 max", "min is greater than max"));
        }
        let sensitive = match (&f.sensitive, ty) {
            (Some(s), FieldType::ResidentId) if !s.get_ref() => {
                errors.push(src.error(
                    s.span().start,
                    "身份证号必须加密保护",
                    "resident ID numbers are always protected",
                ));
                true
            }
            (Some(s), _) => *s.get_ref(),
            (None, t) => t == FieldType::ResidentId,
        };
        let derived = f.derived.as_ref().and_then(|d| check_derived(src, d, ty, &raw.fields, errors));
        let indexed = f.indexed.as_ref().is_some_and(|i| *i.get_ref());
        if let Some(i) = f.indexed.as_ref().filter(|i| *i.get_ref() && sensitive) {
            errors.push(src.error(
                i.span().start,
                "个人信息字段加密存储,不能建排序索引",
                "personal data is stored sealed and cannot be indexed for sorting",
            ));
        }
        fields.push(FieldDef {
            key: key.to_owned(),
            label_zh: f.label_zh.clone(),
            label_en: f.label_en.clone(),
            ty,
            required: f.required,
            unique: f.unique,
            sensitive,
            max_length: f.max_length,
            min: f.min,
            max: f.max,
            scale: f.scale.as_ref().map_or(0, |s| *s.get_ref()),
            pattern: f.pattern.as_ref().map(|p| p.get_ref().clone()),
            values,
            derived,
            help_zh: f.help_zh.clone(),
            aliases: f.aliases.clone(),
            list: f.list,
            indexed,
        });
    }
    if raw.natural_key.get_ref().is_empty() {
        errors.push(src.error(raw.natural_key.span().start, "natural_key 不能为空", "natural_key may not be empty"));
    }
    for k in raw.natural_key.get_ref() {
        if !seen.contains(k) {
            errors.push(src.error(
                raw.natural_key.span().start,
                format!("natural_key 中的“{k}”不是字段"),
                format!("natural_key names {k:?}, which is not a field"),
            ));
        }
    }
    (errors.len() == before).then(|| RegistryDef {
        key: raw.key.into_inner(),
        label_zh: raw.label_zh,
        label_en: raw.label_en,
        description_zh: raw.description_zh,
        natural_key: raw.natural_key.into_inner(),
        order: raw.order.unwrap_or(1000),
        fields,
    })
}

fn check_derived(
    src: &Source,
    d: &Spanned<RawDerived>,
    ty: FieldType,
    fields: &[Spanned<RawField>],
    errors: &mut Vec<PackError>,
) -> Option<Derived> {
    let raw = d.get_ref();
    let at = d.span().start;
    let Some(from) = fields.iter().map(|f| f.get_ref()).find(|f| f.key.get_ref() == &raw.from) else {
        errors.push(src.error(
            at,
            format!("derived.from“{}”不是字段", raw.from),
            format!("derived.from {:?} is not a field", raw.from),
        ));
        return None;
    };
    // An unknown source type is reported on its own line; do not pile a second error on it.
    let from_ty = FieldType::parse(from.ty.get_ref())?;
    let rule = match raw.rule.as_str() {
        "gender" => DeriveRule::Gender,
        "birth_date" => DeriveRule::BirthDate,
        r => match r.strip_prefix("add_months:").and_then(|n| n.parse().ok()) {
            Some(n) => DeriveRule::AddMonths(n),
            None => {
                errors.push(src.error(
                    at,
                    "规则应为 gender、birth_date 或 add_months:N",
                    "rule must be gender, birth_date or add_months:N",
                ));
                return None;
            }
        },
    };
    let ok = match rule {
        DeriveRule::Gender => from_ty == FieldType::ResidentId && ty == FieldType::Enum,
        DeriveRule::BirthDate => from_ty == FieldType::ResidentId && ty == FieldType::Date,
        DeriveRule::AddMonths(_) => from_ty == FieldType::Date && ty == FieldType::Date,
    };
    if !ok {
        errors.push(src.error(at, "派生规则与字段类型不符", "the rule does not fit the fields' types"));
        return None;
    }
    Some(Derived { from: raw.from.clone(), rule })
}

#[cfg(test)]
mod tests {
    use super::*;

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
