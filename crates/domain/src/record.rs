//! Records: one row of a registry, as typed values keyed by field.

use crate::ids::OrgId;
use chrono::NaiveDate;
use serde::Serialize;
use std::collections::BTreeMap;

/// Identifies a record within its registry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct RecordId(pub i64);

/// A typed field value. Personal data is plain text here, in memory only; the store seals it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(untagged)]
pub enum Value {
    Null,
    Text(String),
    Int(i64),
    /// Money in fen, or a decimal scaled by 10^scale: the field says which.
    Fixed(i64),
    Date(NaiveDate),
    Bool(bool),
    Org(OrgId),
}

impl Value {
    /// Whether the value is empty.
    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }
}

/// A record's field values (ordered, so anything written from them is deterministic).
pub type Values = BTreeMap<String, Value>;

/// A stored record.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Record {
    pub id: RecordId,
    pub org_id: OrgId,
    /// Bumped by every change; a write naming an older version is refused (optimistic locking).
    pub version: i64,
    pub values: Values,
}
