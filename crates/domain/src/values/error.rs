//! The one error every value parser returns: what is wrong with the text, in Chinese and English.
//! It carries no field name; the caller knows which field it parsed and can attach one with
//! [`ValueError::into_field_error`].

use crate::error::FieldError;
use serde::Serialize;

/// A value that could not be parsed, said in Chinese (for the UI) and English (for logs and the API).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
#[error("{message_en}")]
pub struct ValueError {
    /// What is wrong, in Chinese.
    pub message_zh: String,
    /// What is wrong, in English.
    pub message_en: String,
}

impl ValueError {
    /// An error with both languages.
    pub fn new(zh: impl Into<String>, en: impl Into<String>) -> Self {
        Self { message_zh: zh.into(), message_en: en.into() }
    }

    /// The same message as a [`FieldError`] on `field`, for the domain's validation error.
    pub fn into_field_error(self, field: &str) -> FieldError {
        FieldError::new(field, self.message_zh, self.message_en)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn displays_english_and_keeps_both() {
        let e = ValueError::new("日期为空", "the date is empty");
        assert_eq!(e.to_string(), "the date is empty");
        assert_eq!(e.message_zh, "日期为空");
        let f = e.into_field_error("birth_date");
        assert_eq!(f.field, "birth_date");
        assert_eq!(f.message_zh, "日期为空");
        assert_eq!(f.message_en, "the date is empty");
    }
}
