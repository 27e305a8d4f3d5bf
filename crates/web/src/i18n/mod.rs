//! UI text in Chinese (default) and English. Templates call `t.s("key")`; a missing key shows
//! itself, and a test checks every key used in the templates exists in both languages.

use serde::{Deserialize, Serialize};

mod catalogue;
pub(crate) use catalogue::TEXTS;

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
        match TEXTS.binary_search_by(|(k, _, _)| (*k).cmp(key)) {
            Ok(i) => match self {
                Lang::Zh => TEXTS[i].1,
                Lang::En => TEXTS[i].2,
            },
            Err(_) => "??",
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
        for w in TEXTS.windows(2) {
            assert!(w[0].0 < w[1].0, "{} must come before {}", w[1].0, w[0].0);
        }
        for (k, zh, en) in TEXTS {
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
            }
        }
    }
}
