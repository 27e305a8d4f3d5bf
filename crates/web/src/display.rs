//! Showing and reading record values: one place that turns typed values into text for pages and
//! JSON for the API, and form or JSON input into raw cells for the domain's parsers.

use crate::i18n::Lang;
use kaohe_domain::input::RawCell;
use kaohe_domain::record::Value;
use kaohe_domain::registry::{FieldDef, FieldType};
use kaohe_domain::values::{format_decimal, format_money};
use std::collections::HashMap;

/// A value as text for a page (org ids through `org_names`).
pub fn show(f: &FieldDef, v: &Value, t: Lang, org_names: &HashMap<i64, String>) -> String {
    match (f.ty, v) {
        (_, Value::Null) => String::new(),
        (FieldType::Money, Value::Fixed(x)) => format_money(*x),
        (FieldType::Decimal, Value::Fixed(x)) => format_decimal(*x, f.scale),
        (_, Value::Int(i) | Value::Fixed(i)) => i.to_string(),
        (_, Value::Date(d)) => d.to_string(),
        (_, Value::Bool(b)) => t.pick(if *b { "是" } else { "否" }, if *b { "yes" } else { "no" }).to_owned(),
        (_, Value::Org(o)) => org_names.get(&o.0).cloned().unwrap_or_else(|| format!("#{}", o.0)),
        (FieldType::Enum, Value::Text(code)) if t == Lang::En => {
            f.values.iter().find(|e| &e.code == code).map_or(code.clone(), |e| e.label_en.clone())
        }
        (_, Value::Text(s)) => s.clone(),
    }
}

/// A value as it goes into a form field (the same text the parser reads back).
pub fn form_text(f: &FieldDef, v: &Value, org_codes: &HashMap<i64, String>) -> String {
    match (f.ty, v) {
        (FieldType::Money, Value::Fixed(x)) => format_money(*x).replace(',', ""),
        (FieldType::Bool, Value::Bool(b)) => if *b { "是" } else { "否" }.into(),
        (_, Value::Org(o)) => org_codes.get(&o.0).cloned().unwrap_or_default(),
        _ => show(f, v, Lang::Zh, org_codes),
    }
}

/// A value as JSON for the API: money and decimals as exact decimal strings, dates ISO, org
/// fields as org ids. Written straight to the serializer (a page of a thousand records builds no
/// JSON tree in between).
pub struct JsonValue<'a>(pub &'a FieldDef, pub &'a Value);

impl serde::Serialize for JsonValue<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match (self.0.ty, self.1) {
            (_, Value::Null) => s.serialize_none(),
            (FieldType::Money, Value::Fixed(x)) => s.serialize_str(&format_money(*x).replace(',', "")),
            (FieldType::Decimal, Value::Fixed(x)) => s.serialize_str(&format_decimal(*x, self.0.scale)),
            (_, Value::Int(i) | Value::Fixed(i)) => s.serialize_i64(*i),
            (_, Value::Date(d)) => s.collect_str(d),
            (_, Value::Bool(b)) => s.serialize_bool(*b),
            (_, Value::Org(o)) => s.serialize_i64(o.0),
            (_, Value::Text(t)) => s.serialize_str(t),
        }
    }
}

/// A JSON input as a raw cell.
pub fn raw_from_json(v: &serde_json::Value) -> RawCell {
    match v {
        serde_json::Value::Null => RawCell::Empty,
        serde_json::Value::Bool(b) => RawCell::Bool(*b),
        serde_json::Value::Number(n) => n.as_f64().map_or(RawCell::Empty, RawCell::Number),
        serde_json::Value::String(s) => RawCell::Text(s.clone()),
        other => RawCell::Text(other.to_string()),
    }
}
