//! UI text in Chinese (default) and English. Templates call `t.s("key")`; a missing key shows
//! itself, and a test checks every key used in the templates exists in both languages.

use serde::{Deserialize, Serialize};

mod catalogue;
use catalogue::TABLES;

/// A UI language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum Lang {
    #[default]
    Zh,
    En,
}

impl Lang {
    /// `en` → English, anything else → Chinese.
    pub fn from_code(code: &str) -> Self {
        if code == "en" { Lang::En } else { Lang::Zh }
    }

    /// The code stored in preferences.
    pub fn code(self) -> &'static str {
        match self {
            Lang::Zh => "zh",
            Lang::En => "en",
        }
    }

    /// The `lang` attribute of pages.
    pub fn html_lang(self) -> &'static str {
        match self {
            Lang::Zh => "zh-CN",
            Lang::En => "en",
        }
    }

    /// The text for `key`.
    pub fn s(&self, key: &str) -> &'static str {
        let table = TABLES.iter().find(|t| t.last().is_some_and(|(last, _, _)| key <= *last));
        match table.and_then(|t| t.binary_search_by(|(k, _, _)| (*k).cmp(key)).ok().map(|i| t[i])) {
            Some((_, zh, en)) => match self {
                Lang::Zh => zh,
                Lang::En => en,
            },
            None => "??",
        }
    }

    /// Chooses between a Chinese and an English label.
    pub fn pick<'a>(&self, zh: &'a str, en: &'a str) -> &'a str {
        match self {
            Lang::Zh => zh,
            Lang::En => en,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_is_sorted_and_complete() {
        let all: Vec<_> = TABLES.iter().flat_map(|t| t.iter()).collect();
        for w in all.windows(2) {
            assert!(w[0].0 < w[1].0, "{} must come before {}", w[1].0, w[0].0);
        }
        for (k, zh, en) in all {
            assert!(!zh.is_empty() && !en.is_empty(), "{k}");
        }
    }

    #[test]
    fn every_key_in_templates_exists() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/templates");
        for entry in std::fs::read_dir(dir).unwrap() {
            let text = std::fs::read_to_string(entry.unwrap().path()).unwrap();
            for part in text.split(".s(\"").skip(1) {
                let key = &part[..part.find('"').unwrap()];
                assert_ne!(Lang::Zh.s(key), "??", "missing UI text {key:?}");
                assert_ne!(Lang::En.s(key), "??", "missing UI text {key:?}");
            }
        }
    }
}
