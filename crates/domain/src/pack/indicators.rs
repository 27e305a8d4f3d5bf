//! `indicators/*.toml`: a pack's indicators, each with its formula. Formulas are checked against
//! the pack's registries and each other; an error in a formula is reported at its line and column
//! in the pack file (write formulas as `'''` literal strings so positions map exactly).

use super::{PackError, Source};
use crate::indicator::{IndicatorDef, IndicatorSet};
use crate::registry::RegistryDef;
use serde::Deserialize;
use std::collections::BTreeSet;
use toml::Spanned;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    #[serde(default)]
    indicators: Vec<RawIndicator>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawIndicator {
    key: Spanned<String>,
    name_zh: String,
    name_en: String,
    unit: String,
    unit_en: String,
    section: String,
    formula: Spanned<String>,
    decimals: Option<Spanned<u32>>,
    description_zh: Option<String>,
}

/// The most decimals an indicator shows.
pub const MAX_DECIMALS: u32 = 6;

/// One indicator as read, with where its formula stands.
pub(super) struct Located {
    def: IndicatorDef,
    file: String,
    /// Byte offset of the formula's first character in the file.
    formula_at: usize,
}

/// Reads one indicators file; definitions are checked together later, by [`build`].
pub(super) fn read(src: &Source, out: &mut Vec<Located>, errors: &mut Vec<PackError>) {
    let raw: RawFile = match toml::from_str(src.text) {
        Ok(r) => r,
        Err(e) => return errors.push(src.toml_error(&e)),
    };
    for r in raw.indicators {
        if !super::is_key(r.key.get_ref()) {
            errors.push(src.error(
                r.key.span().start,
                "代码须为小写字母开头的 a-z0-9_",
                "key must be snake_case a-z0-9_",
            ));
        }
        if let Some(d) = r.decimals.as_ref().filter(|d| *d.get_ref() > MAX_DECIMALS) {
            errors.push(src.error(
                d.span().start,
                format!("小数位数最多{MAX_DECIMALS}位"),
                format!("at most {MAX_DECIMALS} decimals"),
            ));
        }
        let formula_at = content_start(src.text, r.formula.span().start);
        out.push(Located {
            def: IndicatorDef {
                key: r.key.into_inner(),
                name_zh: r.name_zh,
                name_en: r.name_en,
                unit: r.unit,
                unit_en: r.unit_en,
                section: r.section,
                formula: r.formula.into_inner(),
                decimals: r.decimals.map_or(0, Spanned::into_inner),
                description_zh: r.description_zh,
            },
            file: src.file.to_owned(),
            formula_at,
        });
    }
}

/// Where a TOML string's content begins: after its quotes, and after the newline that may follow
/// an opening `'''` or `"""`.
fn content_start(text: &str, token: usize) -> usize {
    let rest = &text[token.min(text.len())..];
    let quotes = if rest.starts_with("'''") || rest.starts_with("\"\"\"") { 3 } else { 1 };
    let after = &rest[quotes.min(rest.len())..];
    let newline =
        if quotes == 3 { if after.starts_with("\r\n") { 2 } else { usize::from(after.starts_with('\n')) } } else { 0 };
    token + quotes + newline
}

/// Checks every indicator against the registries and the others; errors point into the files.
pub(super) fn build(
    read: Vec<Located>,
    files: &[(String, String)],
    registries: &[RegistryDef],
    errors: &mut Vec<PackError>,
) -> IndicatorSet {
    let mut seen = BTreeSet::new();
    for l in &read {
        if !seen.insert(l.def.key.clone()) {
            let text = files.iter().find(|(p, _)| *p == l.file).map_or("", |(_, t)| t);
            let at = text.find(&format!("\"{}\"", l.def.key)).unwrap_or(0);
            errors.push(Source { file: &l.file, text }.error(at, "指标代码重复", "duplicate indicator key"));
        }
    }
    let defs: Vec<IndicatorDef> = read.iter().map(|l| l.def.clone()).collect();
    match IndicatorSet::build(defs, registries) {
        Ok(set) => set,
        Err(list) => {
            for e in list {
                let l = &read[e.index];
                let text = files.iter().find(|(p, _)| *p == l.file).map_or("", |(_, t)| t);
                let src = Source { file: &l.file, text };
                errors.push(src.error(l.formula_at + e.error.offset, e.error.message_zh, e.error.message_en));
            }
            IndicatorSet::default()
        }
    }
}

/// `base` with the indicators of `read` added (a federation's own): a key the base already has,
/// or a formula that does not check, is an error located in its file.
pub(super) fn extend(
    base: &IndicatorSet,
    read: Vec<Located>,
    files: &[(String, String)],
    registries: &[RegistryDef],
    errors: &mut Vec<PackError>,
) -> IndicatorSet {
    let text_of = |file: &str| files.iter().find(|(p, _)| p == file).map_or("", |(_, t)| t.as_str());
    let mut seen: BTreeSet<String> = base.all().iter().map(|i| i.def.key.clone()).collect();
    let before = errors.len();
    for l in &read {
        if !seen.insert(l.def.key.clone()) {
            let text = text_of(&l.file);
            let at = text.find(&format!("\"{}\"", l.def.key)).unwrap_or(0);
            errors.push(Source { file: &l.file, text }.error(
                at,
                format!("指标代码“{}”已被占用", l.def.key),
                format!("the indicator key {:?} is taken", l.def.key),
            ));
        }
    }
    if errors.len() > before {
        return base.clone();
    }
    let shift = base.all().len();
    let defs: Vec<IndicatorDef> =
        base.all().iter().map(|i| i.def.clone()).chain(read.iter().map(|l| l.def.clone())).collect();
    match IndicatorSet::build(defs, registries) {
        Ok(set) => set,
        Err(list) => {
            for e in list {
                let Some(l) = e.index.checked_sub(shift).and_then(|i| read.get(i)) else {
                    errors.push(PackError {
                        file: "indicators".into(),
                        line: 0,
                        column: 0,
                        message_zh: e.error.message_zh,
                        message_en: e.error.message_en,
                        source_line: String::new(),
                    });
                    continue;
                };
                let src = Source { file: &l.file, text: text_of(&l.file) };
                errors.push(src.error(l.formula_at + e.error.offset, e.error.message_zh, e.error.message_en));
            }
            base.clone()
        }
    }
}

/// The layer file (`indicators/<key>.toml`) holding one indicator: the formula as a `'''`
/// literal on lines of its own, so errors in it are located in the file as in the editor.
pub fn indicator_file(def: &IndicatorDef) -> Result<String, crate::DomainError> {
    if def.formula.contains("'''") {
        return Err(crate::DomainError::invalid(
            "formula",
            "公式中不能有连续三个单引号",
            "a formula may not contain three single quotes in a row",
        ));
    }
    let s = |v: &str| toml::Value::String(v.to_owned()).to_string();
    let mut out = format!(
        "[[indicators]]\nkey = {}\nname_zh = {}\nname_en = {}\nunit = {}\nunit_en = {}\nsection = {}\ndecimals = {}\n",
        s(&def.key),
        s(&def.name_zh),
        s(&def.name_en),
        s(&def.unit),
        s(&def.unit_en),
        s(&def.section),
        def.decimals
    );
    if let Some(d) = def.description_zh.as_deref().filter(|d| !d.trim().is_empty()) {
        out.push_str(&format!("description_zh = {}\n", s(d)));
    }
    out.push_str(&format!("formula = '''\n{}\n'''\n", def.formula.trim()));
    Ok(out)
}
