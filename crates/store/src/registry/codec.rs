//! Between typed values and columns: sealing personal data, fingerprints, natural keys.

use super::schema::{column, hash_column};
use crate::StoreError;
use chrono::NaiveDate;
use kaohe_domain::OrgId;
use kaohe_domain::protect::Protector;
use kaohe_domain::record::{Value, Values};
use kaohe_domain::registry::{FieldDef, FieldType, RegistryDef};
use sea_orm::QueryResult;
use sha2::{Digest, Sha256};

/// A value's canonical text: what is sealed, fingerprinted and put in natural keys.
pub fn canonical(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::Text(s) => s.clone(),
        Value::Int(i) | Value::Fixed(i) => i.to_string(),
        Value::Date(d) => d.to_string(),
        Value::Bool(b) => if *b { "1" } else { "0" }.to_owned(),
        Value::Org(o) => o.0.to_string(),
    }
}

/// Reads a canonical text back as a value of the field's type.
pub fn from_canonical(f: &FieldDef, s: &str) -> Value {
    if s.is_empty() {
        return Value::Null;
    }
    match f.ty {
        FieldType::Integer => s.parse().map(Value::Int).unwrap_or(Value::Null),
        FieldType::Money | FieldType::Decimal => s.parse().map(Value::Fixed).unwrap_or(Value::Null),
        FieldType::Date => s.parse::<NaiveDate>().map(Value::Date).unwrap_or(Value::Null),
        FieldType::Bool => Value::Bool(s == "1"),
        FieldType::Org => s.parse().map(|i| Value::Org(OrgId(i))).unwrap_or(Value::Null),
        _ => Value::Text(s.to_owned()),
    }
}

/// The column values for one field: the value (sealed if personal) and, for personal data, its
/// fingerprint.
pub fn to_columns(f: &FieldDef, v: &Value, p: &dyn Protector) -> Vec<(String, sea_orm::Value)> {
    if f.sensitive {
        let (sealed, hash) = match v {
            Value::Null => (None, None),
            v => {
                let c = canonical(v);
                (Some(p.seal(&c)), Some(p.fingerprint(&f.key, &c)))
            }
        };
        return vec![(column(&f.key), sealed.into()), (hash_column(&f.key), hash.into())];
    }
    let value: sea_orm::Value = match (f.ty, v) {
        (_, Value::Null) => match f.ty {
            FieldType::Integer | FieldType::Money | FieldType::Decimal | FieldType::Org => Option::<i64>::None.into(),
            FieldType::Date => Option::<NaiveDate>::None.into(),
            FieldType::Bool => Option::<bool>::None.into(),
            _ => Option::<String>::None.into(),
        },
        (_, Value::Int(i) | Value::Fixed(i)) => Some(*i).into(),
        (_, Value::Org(o)) => Some(o.0).into(),
        (_, Value::Date(d)) => Some(*d).into(),
        (_, Value::Bool(b)) => Some(*b).into(),
        (_, Value::Text(s)) => Some(s.clone()).into(),
    };
    vec![(column(&f.key), value)]
}

/// Reads one field from column `index` of a row, opening personal data. By index, not by name:
/// a list page reads a dozen fields of a thousand rows, and a name lookup compares every
/// column's name.
pub fn from_row(f: &FieldDef, row: &QueryResult, index: usize, p: &dyn Protector) -> Result<Value, StoreError> {
    let err = |e: sea_orm::DbErr| StoreError::Corrupt(format!("{}: {e}", f.key));
    if f.sensitive {
        return match row.try_get_by_index::<Option<String>>(index).map_err(err)? {
            None => Ok(Value::Null),
            Some(sealed) => p
                .open(&sealed)
                .map(|c| from_canonical(f, &c))
                .ok_or_else(|| StoreError::Corrupt(format!("字段 {} 无法解密 / cannot open sealed {}", f.key, f.key))),
        };
    }
    let int = || row.try_get_by_index::<Option<i64>>(index).map_err(err);
    Ok(match f.ty {
        FieldType::Integer => int()?.map_or(Value::Null, Value::Int),
        FieldType::Money | FieldType::Decimal => int()?.map_or(Value::Null, Value::Fixed),
        FieldType::Org => int()?.map_or(Value::Null, |i| Value::Org(OrgId(i))),
        FieldType::Date => {
            row.try_get_by_index::<Option<NaiveDate>>(index).map_err(err)?.map_or(Value::Null, Value::Date)
        }
        FieldType::Bool => row.try_get_by_index::<Option<bool>>(index).map_err(err)?.map_or(Value::Null, Value::Bool),
        _ => row.try_get_by_index::<Option<String>>(index).map_err(err)?.map_or(Value::Null, Value::Text),
    })
}

/// The natural key of a record: a hash over its natural-key fields (personal data through its
/// fingerprint, so the key never holds an ID number in clear).
pub fn natural_key(reg: &RegistryDef, values: &Values, p: &dyn Protector) -> String {
    let mut h = Sha256::new();
    for k in &reg.natural_key {
        let v = values.get(k).cloned().unwrap_or(Value::Null);
        let c = canonical(&v);
        let part = match reg.field(k) {
            Some(f) if f.sensitive && !c.is_empty() => p.fingerprint(&f.key, &c),
            _ => c,
        };
        h.update(part.as_bytes());
        h.update([0x1f]);
    }
    hex::encode(h.finalize())
}

/// Values with personal data sealed, for the history log.
pub fn sealed_json(reg: &RegistryDef, values: &Values, p: &dyn Protector) -> String {
    let map: std::collections::BTreeMap<&str, String> = reg
        .fields
        .iter()
        .filter_map(|f| {
            let v = values.get(&f.key)?;
            let c = canonical(v);
            Some((f.key.as_str(), if f.sensitive && !c.is_empty() { p.seal(&c) } else { c }))
        })
        .collect();
    serde_json::to_string(&map).unwrap_or_default()
}

/// Values with personal data replaced by fingerprints: a stable form for audit digests.
pub fn fingerprinted(
    reg: &RegistryDef,
    values: &Values,
    p: &dyn Protector,
) -> std::collections::BTreeMap<String, String> {
    reg.fields
        .iter()
        .filter_map(|f| {
            let c = canonical(values.get(&f.key)?);
            Some((f.key.clone(), if f.sensitive && !c.is_empty() { p.fingerprint(&f.key, &c) } else { c }))
        })
        .collect()
}
