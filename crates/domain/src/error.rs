//! The domain layer's one error type. Adapters convert it; the web layer maps it to HTTP in one place.

use serde::Serialize;

/// A problem with one input field, said in Chinese and English.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldError {
    /// The field's name as the API spells it.
    pub field: String,
    /// What is wrong, in Chinese.
    pub message_zh: String,
    /// What is wrong, in English.
    pub message_en: String,
}

impl FieldError {
    /// A field error with both languages.
    pub fn new(field: &str, zh: impl Into<String>, en: impl Into<String>) -> Self {
        Self { field: field.to_owned(), message_zh: zh.into(), message_en: en.into() }
    }
}

/// Everything the domain can refuse.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DomainError {
    /// Input broke one or more rules.
    #[error("invalid input: {}", .0.iter().map(|e| format!("{}: {}", e.field, e.message_en)).collect::<Vec<_>>().join("; "))]
    Validation(Vec<FieldError>),
    /// The thing does not exist, or lies outside the actor's scope (the two are not told apart,
    /// so ids cannot be probed across scopes).
    #[error("not found")]
    NotFound,
    /// The actor's role does not allow the action.
    #[error("forbidden: {0}")]
    Forbidden(&'static str),
    /// The change conflicts with the current state (a duplicate code, a cycle, a closed org).
    #[error("conflict: {0}")]
    Conflict(String),
    /// Wrong user name or password, or a locked account (not told apart to the caller).
    #[error("authentication failed")]
    Unauthenticated,
}

impl DomainError {
    /// A validation error on one field.
    pub fn invalid(field: &str, zh: impl Into<String>, en: impl Into<String>) -> Self {
        Self::Validation(vec![FieldError::new(field, zh, en)])
    }

    /// The first problem said in Chinese and English (for a cell of an import file).
    pub fn first_message(&self) -> (String, String) {
        match self {
            Self::Validation(v) if !v.is_empty() => (v[0].message_zh.clone(), v[0].message_en.clone()),
            e => (e.to_string(), e.to_string()),
        }
    }
}
