//! Registry files (`registries/*.toml`): typed fields, aliases, plausible date ranges and the
//! rules between fields, checked with every problem located.

use super::{PackError, RESERVED_FIELDS, Source, is_key};
use crate::registry::{
    CheckRule, CompareOp, DateBound, DateRange, DeriveRule, Derived, EnumValue, FieldCheck, FieldDef, FieldType,
    RegistryDef,
};
use serde::Deserialize;
use std::collections::BTreeSet;
use toml::Spanned;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawRegistry {
    pub(super) key: Spanned<String>,
    label_zh: String,
    label_en: String,
    description_zh: Option<String>,
    natural_key: Spanned<Vec<String>>,
    order: Option<i32>,
    fields: Vec<Spanned<RawField>>,
    #[serde(default)]
    checks: Vec<Spanned<RawCheck>>,
}

/// `[[checks]]`: `field` `is` (`<`, `<=`, `>`, `>=`, `=`, `!=`) `than` another field, or `field`
/// empty unless the yes/no field `empty_unless` is 是; `warning = true` keeps the record and
/// reports the finding.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCheck {
    field: String,
    is: Option<String>,
    than: Option<String>,
    empty_unless: Option<String>,
    message_zh: String,
    message_en: String,
    #[serde(default)]
    warning: bool,
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
    /// A date field's earliest plausible date: `1925-01-01`, `today-120y`.
    earliest: Option<Spanned<String>>,
    /// Its latest: `today`, `today+1y`, `2100-12-31`.
    latest: Option<Spanned<String>>,
    /// A date field that may be given as a year and month.
    month: Option<Spanned<bool>>,
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

pub(super) fn check_registry(src: &Source, raw: RawRegistry, errors: &mut Vec<PackError>) -> Option<RegistryDef> {
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
        let dates = date_range(src, f, ty, errors);
        if let Some(m) = f.month.as_ref().filter(|_| ty != FieldType::Date) {
            errors.push(src.error(m.span().start, "month 只用于日期字段", "month is for date fields"));
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
            dates,
            month_ok: f.month.as_ref().is_some_and(|m| *m.get_ref()),
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
        checks: checks(src, &raw.checks, &fields, errors),
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

/// The plausible range of a date field, its bounds checked.
fn date_range(src: &Source, f: &RawField, ty: FieldType, errors: &mut Vec<PackError>) -> Option<DateRange> {
    let bound = |b: &Option<Spanned<String>>, errors: &mut Vec<PackError>| {
        let b = b.as_ref()?;
        if ty != FieldType::Date {
            errors.push(src.error(
                b.span().start,
                "earliest/latest 只用于日期字段",
                "earliest/latest are for date fields",
            ));
            return None;
        }
        let parsed = DateBound::parse(b.get_ref());
        if parsed.is_none() {
            errors.push(src.error(
                b.span().start,
                "应写成 1925-01-01、today、today+1y 或 today-120y",
                "write 1925-01-01, today, today+1y or today-120y",
            ));
        }
        parsed
    };
    let (earliest, latest) = (bound(&f.earliest, errors), bound(&f.latest, errors));
    (earliest.is_some() || latest.is_some()).then_some(DateRange { earliest, latest })
}

/// The registry's rules between fields, each naming fields of fitting types.
fn checks(
    src: &Source,
    raw: &[Spanned<RawCheck>],
    fields: &[FieldDef],
    errors: &mut Vec<PackError>,
) -> Vec<FieldCheck> {
    let mut out = Vec::new();
    for sc in raw {
        let (c, at) = (sc.get_ref(), sc.span().start);
        let field = |key: &str, errors: &mut Vec<PackError>| {
            let f = fields.iter().find(|f| f.key == key);
            if f.is_none() {
                errors.push(src.error(
                    at,
                    format!("“{key}”不是本台账的字段"),
                    format!("{key:?} is not a field of this registry"),
                ));
            }
            f
        };
        let Some(f) = field(&c.field, errors) else { continue };
        let rule = match (&c.is, &c.than, &c.empty_unless) {
            (Some(op), Some(than), None) => {
                let Some(op) = CompareOp::parse(op) else {
                    errors.push(src.error(at, "is 应为 <、<=、>、>=、= 或 !=", "is must be <, <=, >, >=, = or !="));
                    continue;
                };
                let Some(other) = field(than, errors) else { continue };
                let comparable =
                    matches!(f.ty, FieldType::Date | FieldType::Integer | FieldType::Money | FieldType::Decimal);
                if !comparable || f.ty != other.ty || f.scale != other.scale {
                    errors.push(src.error(
                        at,
                        "只能比较同类型的日期或数字字段",
                        "only dates or numbers of one type can be compared",
                    ));
                    continue;
                }
                CheckRule::Compare { op, other: other.key.clone() }
            }
            (None, None, Some(flag)) => {
                let Some(other) = field(flag, errors) else { continue };
                if other.ty != FieldType::Bool {
                    errors.push(src.error(at, "empty_unless 须是是否字段", "empty_unless must name a yes/no field"));
                    continue;
                }
                CheckRule::EmptyUnless(other.key.clone())
            }
            _ => {
                errors.push(src.error(
                    at,
                    "检查须写 is 与 than,或只写 empty_unless",
                    "a check needs is and than, or empty_unless alone",
                ));
                continue;
            }
        };
        out.push(FieldCheck {
            field: f.key.clone(),
            rule,
            message_zh: c.message_zh.clone(),
            message_en: c.message_en.clone(),
            warning: c.warning,
        });
    }
    out
}
