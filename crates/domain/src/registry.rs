//! Registries (台账) as a pack defines them: typed fields, a natural key, rules. Definitions only —
//! parsing them from pack files is `pack`, storing records is the store's job.

use chrono::NaiveDate;
use serde::Serialize;

/// The type of a registry field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FieldType {
    Text,
    Integer,
    /// Yuan with two decimals, stored as integer fen.
    Money,
    /// Fixed point with `scale` decimals, stored as a scaled integer.
    Decimal,
    Date,
    Bool,
    /// One of the field's labelled values, stored as its code (a term of the field).
    Enum,
    /// A reference to an org (by code or full name in files).
    Org,
    /// A resident ID number (GB 11643); always personal data: encrypted, masked.
    ResidentId,
    /// A unified social credit code (GB 32100).
    CreditCode,
    Phone,
}

impl FieldType {
    /// Every type, with the name pack files use.
    pub const ALL: [(FieldType, &'static str); 11] = [
        (FieldType::Text, "text"),
        (FieldType::Integer, "integer"),
        (FieldType::Money, "money"),
        (FieldType::Decimal, "decimal"),
        (FieldType::Date, "date"),
        (FieldType::Bool, "bool"),
        (FieldType::Enum, "enum"),
        (FieldType::Org, "org"),
        (FieldType::ResidentId, "resident_id"),
        (FieldType::CreditCode, "credit_code"),
        (FieldType::Phone, "phone"),
    ];

    /// Parses the name used in pack files.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.iter().find(|(_, n)| *n == s).map(|(t, _)| *t)
    }

    /// The name used in pack files.
    pub fn name(self) -> &'static str {
        Self::ALL.iter().find(|(t, _)| *t == self).map(|(_, n)| *n).unwrap_or("text")
    }

    /// Whether values of this type can be summed (figures add up).
    pub fn is_numeric(self) -> bool {
        matches!(self, FieldType::Integer | FieldType::Money | FieldType::Decimal)
    }
}

/// One labelled value of an enum field. The code is the term stored and written in formulas
/// (e.g. `"女"`, `"国有"`); the English label is for the English UI.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EnumValue {
    pub code: String,
    pub label_en: String,
}

/// How a derived field is computed from another field of the same record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum DeriveRule {
    /// Gender from a resident ID number.
    Gender,
    /// Birth date from a resident ID number.
    BirthDate,
    /// A date some months after another date (e.g. publicity one month after issue).
    AddMonths(u32),
}

/// A derived field's source and rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Derived {
    pub from: String,
    pub rule: DeriveRule,
}

/// One field of a registry.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FieldDef {
    pub key: String,
    pub label_zh: String,
    pub label_en: String,
    pub ty: FieldType,
    pub required: bool,
    pub unique: bool,
    /// Personal data: encrypted at rest, masked on screen, audited when unmasked or exported.
    pub sensitive: bool,
    pub max_length: Option<u32>,
    /// Inclusive bounds, in the field's unit (yuan for money).
    pub min: Option<f64>,
    pub max: Option<f64>,
    /// Decimals of a decimal field.
    pub scale: u32,
    pub pattern: Option<String>,
    pub values: Vec<EnumValue>,
    pub derived: Option<Derived>,
    pub help_zh: Option<String>,
    /// Other headers an import file may give the column under (身份证号码 for 公民身份号码).
    pub aliases: Vec<String>,
    /// Shown as a column of the record list by default.
    pub list: bool,
    /// Backed by an index on (field, id): a list sorted by it pages quickly at any size.
    pub indexed: bool,
    /// A date field's plausible dates (入会日期 from 1925 to a year ahead): one outside is refused
    /// as a slip, never kept to drop the record out of a year's figures.
    pub dates: Option<DateRange>,
    /// A date field that may be given as a year and month (`200903`, `2009年3月`, `2009-03`): read
    /// as the month's first day.
    pub month_ok: bool,
}

/// The earliest and latest plausible dates of a date field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct DateRange {
    pub earliest: Option<DateBound>,
    pub latest: Option<DateBound>,
}

/// One end of a [`DateRange`]: a fixed date, or today moved by whole years (`today+1y`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum DateBound {
    On(NaiveDate),
    YearsFromToday(i32),
}

impl DateBound {
    /// The date this bound stands for on `today` (29 February moves to the 28th in other years).
    pub fn on(self, today: NaiveDate) -> NaiveDate {
        match self {
            DateBound::On(d) => d,
            DateBound::YearsFromToday(n) => {
                let months = chrono::Months::new(n.unsigned_abs() * 12);
                if n >= 0 { today.checked_add_months(months) } else { today.checked_sub_months(months) }
                    .unwrap_or(today)
            }
        }
    }

    /// `1925-01-01`, `today`, `today+1y`, `today-120y` (the pack's spelling).
    pub fn parse(s: &str) -> Option<DateBound> {
        let s = s.trim();
        if let Some(rest) = s.strip_prefix("today") {
            let rest = rest.trim();
            if rest.is_empty() {
                return Some(DateBound::YearsFromToday(0));
            }
            let years = rest.strip_suffix('y')?.replace(' ', "");
            return years.parse().ok().map(DateBound::YearsFromToday);
        }
        NaiveDate::parse_from_str(s, "%Y-%m-%d").ok().map(DateBound::On)
    }
}

/// A rule between fields of one record (离会日期不早于入会日期; 未建工会则无建会日期), checked when
/// the fields it names hold values.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldCheck {
    /// The field the finding is reported at.
    pub field: String,
    pub rule: CheckRule,
    pub message_zh: String,
    pub message_en: String,
    /// A warning: the record is kept and the finding reported beside it.
    pub warning: bool,
}

/// What a [`FieldCheck`] asks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum CheckRule {
    /// `field op other`, both holding values of one comparable type (dates, numbers).
    Compare { op: CompareOp, other: String },
    /// The field is empty unless the yes/no field `other` is 是.
    EmptyUnless(String),
}

/// A comparison of two values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum CompareOp {
    Lt,
    Le,
    Gt,
    Ge,
    Eq,
    Ne,
}

impl CompareOp {
    /// `<`, `<=`, `>`, `>=`, `=`, `!=`.
    pub fn parse(s: &str) -> Option<CompareOp> {
        Some(match s.trim() {
            "<" => CompareOp::Lt,
            "<=" => CompareOp::Le,
            ">" => CompareOp::Gt,
            ">=" => CompareOp::Ge,
            "=" | "==" => CompareOp::Eq,
            "!=" => CompareOp::Ne,
            _ => return None,
        })
    }

    /// Whether `a op b` holds.
    pub fn holds<T: PartialOrd>(self, a: &T, b: &T) -> bool {
        match self {
            CompareOp::Lt => a < b,
            CompareOp::Le => a <= b,
            CompareOp::Gt => a > b,
            CompareOp::Ge => a >= b,
            CompareOp::Eq => a == b,
            CompareOp::Ne => a != b,
        }
    }
}

impl FieldDef {
    /// The label in the given language.
    pub fn label(&self, en: bool) -> &str {
        if en { &self.label_en } else { &self.label_zh }
    }

    /// Whether a value of this field is entered by people (not derived).
    pub fn is_input(&self) -> bool {
        self.derived.is_none()
    }
}

/// A registry (台账): a typed table of records, each owned by one org.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RegistryDef {
    pub key: String,
    pub label_zh: String,
    pub label_en: String,
    pub description_zh: Option<String>,
    /// Fields whose values identify a record in its registry, for idempotent import.
    pub natural_key: Vec<String>,
    /// Position in menus.
    pub order: i32,
    pub fields: Vec<FieldDef>,
    /// Rules between fields, in the pack's order.
    pub checks: Vec<FieldCheck>,
}

impl RegistryDef {
    /// The field with this key.
    pub fn field(&self, key: &str) -> Option<&FieldDef> {
        self.fields.iter().find(|f| f.key == key)
    }

    /// Whether any field holds personal data.
    pub fn has_sensitive(&self) -> bool {
        self.fields.iter().any(|f| f.sensitive)
    }

    /// Whether a field tells personal data: a sensitive field, or one derived from a sensitive
    /// field that gives part of it away (a birth date is six digits of an ID number). Gender is
    /// derived too but tells one bit, and the figures need it (ADR 0010).
    pub fn is_personal(&self, key: &str) -> bool {
        self.field(key).is_some_and(|f| {
            f.sensitive
                || f.derived.as_ref().is_some_and(|d| {
                    d.rule != DeriveRule::Gender && self.field(&d.from).is_some_and(|src| src.sensitive)
                })
        })
    }
}
