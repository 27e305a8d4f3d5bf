//! Registries (台账) as a pack defines them: typed fields, a natural key, rules. Definitions only —
//! parsing them from pack files is `pack`, storing records is the store's job.

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
