//! The parts of a rulebook draft besides its target items, as forms: sections, veto items,
//! bonus and deduction items, what each org must submit (requests) and the checks a submission
//! must pass — each an entry of a top-level array found by its key — and the general rules
//! (title, effective date, total, grade bands, tie rule). Written back into the draft's TOML with
//! everything else, comments included, left as it was; the text then goes through the same
//! checker as a typed draft.

use crate::rulebook_items::{EditError, list, number, set_keeping_decor, split, strings_of, text_of};
use std::collections::BTreeMap;
use toml_edit::{ArrayOfTables, DocumentMut, Item, Table, Value};

/// A part of a rulebook edited entry by entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    Section,
    Veto,
    Adjustment,
    Request,
    Check,
}

/// How a field is typed on the form and kept in the TOML.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Input {
    /// One line of text.
    Text,
    /// Several lines of text (a clause).
    Long,
    /// A number as typed (`5`, `2.5`, `100%`, `1/3`).
    Number,
    /// A date, `YYYY-MM-DD`.
    Date,
    /// A checkbox, written as `true` or left out.
    Flag,
    /// One of fixed values, each with the i18n key of its label.
    Choice(&'static [(&'static str, &'static str)]),
    /// Org kinds as checkboxes (a list of kind codes).
    Kinds,
    /// Groups or org codes typed 、-separated (a list).
    Groups,
    /// One indicator, chosen by its name.
    Indicator,
    /// Several `manual` indicators, chosen by name (a list).
    Indicators,
    /// Several of the draft's checks, chosen by name (a list).
    Checks,
    /// The English name: kept as stored, the Chinese name when there is none.
    English,
}

/// A field of a part's form: its TOML key, the i18n key of its label, how it is typed, whether
/// it must be filled in, and the i18n key of a hint (empty for none).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Field {
    pub name: &'static str,
    pub label: &'static str,
    pub input: Input,
    pub required: bool,
    pub hint: &'static str,
}

const fn field(name: &'static str, label: &'static str, input: Input, required: bool) -> Field {
    Field { name, label, input, required, hint: "" }
}

const fn hinted(name: &'static str, label: &'static str, input: Input, required: bool, hint: &'static str) -> Field {
    Field { name, label, input, required, hint }
}

const NAME: Field = field("name_zh", "part_name", Input::Text, true);
const NAME_EN: Field = field("name_en", "part_name", Input::English, false);
const CLAUSE: Field = field("clause", "clause", Input::Long, false);

const SECTION: &[Field] = &[NAME, NAME_EN];
const VETO: &[Field] = &[
    NAME,
    NAME_EN,
    field("indicator", "indicator", Input::Indicator, true),
    hinted("limit", "veto_limit", Input::Number, false, "veto_limit_hint"),
    field("effect", "veto_effect", Input::Choice(&[("veto", "effect_veto"), ("no_award", "effect_no_award")]), true),
    CLAUSE,
];
const ADJUSTMENT: &[Field] = &[
    NAME,
    NAME_EN,
    field(
        "direction",
        "direction",
        Input::Choice(&[("bonus", "direction_bonus"), ("deduction", "direction_deduction")]),
        true,
    ),
    field("indicator", "indicator", Input::Indicator, true),
    hinted("per", "adjustment_per", Input::Number, true, "adjustment_per_hint"),
    field("cap", "adjustment_cap", Input::Number, true),
    CLAUSE,
];
const REQUEST: &[Field] = &[
    NAME,
    NAME_EN,
    hinted("indicators", "request_figures", Input::Indicators, false, "request_figures_hint"),
    field("narrative", "request_narrative", Input::Flag, false),
    field("deadline", "deadline", Input::Date, true),
    field("applies_to", "request_kinds", Input::Kinds, false),
    hinted("departments", "request_departments", Input::Groups, false, "request_departments_hint"),
    field("checks", "request_checks", Input::Checks, false),
];
const CHECK: &[Field] = &[
    NAME,
    field("left", "check_left", Input::Indicator, true),
    field(
        "op",
        "check_op",
        Input::Choice(&[("<=", "op_le"), ("<", "op_lt"), (">=", "op_ge"), (">", "op_gt"), ("==", "op_eq")]),
        true,
    ),
    hinted("right", "check_right", Input::Text, true, "check_right_hint"),
    field("message_zh", "check_message", Input::Text, true),
];

impl Part {
    /// Every part, in the order the rulebook's page lists them.
    pub const ALL: [Part; 5] = [Part::Section, Part::Veto, Part::Adjustment, Part::Request, Part::Check];

    /// The part named in a path (`sections`, `vetoes` …): its top-level TOML array's name.
    pub fn from_path(s: &str) -> Option<Part> {
        Part::ALL.into_iter().find(|p| p.path() == s)
    }

    /// The name of the part's top-level array in the TOML and in paths.
    pub fn path(self) -> &'static str {
        match self {
            Part::Section => "sections",
            Part::Veto => "vetoes",
            Part::Adjustment => "adjustments",
            Part::Request => "requests",
            Part::Check => "checks",
        }
    }

    /// The i18n key naming the part (its heading and the form's title).
    pub fn title(self) -> &'static str {
        match self {
            Part::Section => "part_sections",
            Part::Veto => "veto_items",
            Part::Adjustment => "adjustment_items",
            Part::Request => "part_requests",
            Part::Check => "part_checks",
        }
    }

    /// The fields of the part's form, in order.
    pub fn fields(self) -> &'static [Field] {
        match self {
            Part::Section => SECTION,
            Part::Veto => VETO,
            Part::Adjustment => ADJUSTMENT,
            Part::Request => REQUEST,
            Part::Check => CHECK,
        }
    }
}

/// A form's values by field name, as typed (lists joined: kinds and keys by `,`, groups by `、`).
pub type Values = BTreeMap<String, String>;

fn entries_of(doc: &DocumentMut, part: Part) -> Option<&ArrayOfTables> {
    doc.get(part.path()).and_then(Item::as_array_of_tables)
}

/// The draft's entries of a part: key and Chinese name, in order.
pub fn entries(text: &str, part: Part) -> Result<Vec<(String, String)>, EditError> {
    let doc: DocumentMut = text.parse().map_err(|_| EditError::NotToml)?;
    Ok(entries_of(&doc, part)
        .map(|a| a.iter().map(|t| (text_of(t.get("key")), text_of(t.get("name_zh")))).collect())
        .unwrap_or_default())
}

/// The entry `key` of a part as the form's values (the key itself under `key`).
pub fn read(text: &str, part: Part, key: &str) -> Result<Values, EditError> {
    let doc: DocumentMut = text.parse().map_err(|_| EditError::NotToml)?;
    let t = entries_of(&doc, part)
        .and_then(|a| a.iter().find(|t| text_of(t.get("key")) == key))
        .ok_or(EditError::NoItem)?;
    let mut v = Values::new();
    v.insert("key".into(), key.to_owned());
    for f in part.fields() {
        let value = match f.input {
            Input::Kinds | Input::Indicators | Input::Checks => strings_of(t.get(f.name)).join(","),
            Input::Groups => strings_of(t.get(f.name)).join("、"),
            Input::Flag => {
                if text_of(t.get(f.name)) == "true" {
                    "true".into()
                } else {
                    String::new()
                }
            }
            _ => text_of(t.get(f.name)),
        };
        v.insert(f.name.to_owned(), value);
    }
    Ok(v)
}

/// Writes the form's values into an entry's table; keys the form does not hold stay.
fn fill(t: &mut Table, part: Part, v: &Values) {
    let get = |k: &str| v.get(k).map_or("", |s| s.trim());
    set_keeping_decor(t, "key", Some(Value::from(get("key"))));
    for f in part.fields() {
        let s = get(f.name);
        let value = match f.input {
            Input::Text | Input::Long | Input::Date | Input::Choice(_) | Input::Indicator => Some(Value::from(s)),
            Input::Number => (!s.is_empty()).then(|| number(s)),
            Input::Flag => (!s.is_empty()).then(|| Value::from(true)),
            Input::Kinds | Input::Indicators | Input::Checks => {
                let items = split(s, &[',']);
                (!items.is_empty() || f.required || f.input == Input::Kinds).then(|| list(items))
            }
            Input::Groups => {
                let items = split(s, &['、', ',', '，', ';', '；', ' ']);
                (!items.is_empty()).then(|| list(items))
            }
            Input::English => Some(Value::from(if s.is_empty() { get("name_zh") } else { s })),
        };
        set_keeping_decor(t, f.name, value);
    }
    if part == Part::Section && t.get("items").is_none() {
        // A section is read with its items; a new one has none yet.
        t.insert("items", Item::Value(Value::Array(toml_edit::Array::new())));
    }
}

/// The draft with entry `original` of a part (or, for `None`, a new entry at the end) written
/// from the form's values.
pub fn write(text: &str, part: Part, original: Option<&str>, v: &Values) -> Result<String, EditError> {
    let mut doc: DocumentMut = text.parse().map_err(|_| EditError::NotToml)?;
    let root = doc.as_table_mut();
    if root.get(part.path()).and_then(Item::as_array_of_tables).is_none() {
        root.insert(part.path(), Item::ArrayOfTables(ArrayOfTables::new()));
    }
    let all = root.get_mut(part.path()).and_then(Item::as_array_of_tables_mut).ok_or(EditError::NotToml)?;
    match original {
        Some(key) => {
            let t = all.iter_mut().find(|t| text_of(t.get("key")) == key).ok_or(EditError::NoItem)?;
            fill(t, part, v);
        }
        None => {
            let mut t = Table::new();
            fill(&mut t, part, v);
            all.push(t);
        }
    }
    Ok(doc.to_string())
}

/// The draft without entry `key` of a part. A section is removed only once it has no items.
pub fn remove(text: &str, part: Part, key: &str) -> Result<String, EditError> {
    let mut doc: DocumentMut = text.parse().map_err(|_| EditError::NotToml)?;
    let all = doc.get_mut(part.path()).and_then(Item::as_array_of_tables_mut).ok_or(EditError::NoItem)?;
    let at = all.iter().position(|t| text_of(t.get("key")) == key).ok_or(EditError::NoItem)?;
    let items = all.get(at).and_then(|t| t.get("items"));
    let has_items = items.and_then(Item::as_array_of_tables).is_some_and(|a| !a.is_empty())
        || items.and_then(Item::as_array).is_some_and(|a| !a.is_empty());
    if part == Part::Section && has_items {
        return Err(EditError::NotEmpty);
    }
    all.remove(at);
    Ok(doc.to_string())
}

/// A key for a new entry of a part that no entry of the draft has (`veto_3`): the clerk never
/// types one.
pub fn free_key(text: &str, part: Part) -> Result<String, EditError> {
    let taken: Vec<String> = entries(text, part)?.into_iter().map(|(k, _)| k).collect();
    let stem = match part {
        Part::Section => "section",
        Part::Veto => "veto",
        Part::Adjustment => "adjustment",
        Part::Request => "request",
        Part::Check => "check",
    };
    Ok((1..).map(|n| format!("{stem}_{n}")).find(|k| !taken.contains(k)).unwrap_or_default())
}

/// The general rules of a draft as a form holds them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct General {
    pub title: String,
    pub effective_on: String,
    /// What each assessed kind's weights must add up to (empty: not checked).
    pub total: String,
    /// `shared` or `base_score`.
    pub tie_break: String,
    /// Grade bands from the highest: Chinese name, English name, lowest total.
    pub grades: Vec<(String, String, String)>,
}

/// The draft's general rules.
pub fn read_general(text: &str) -> Result<General, EditError> {
    let doc: DocumentMut = text.parse().map_err(|_| EditError::NotToml)?;
    let grades = doc.get("grades").and_then(Item::as_array_of_tables);
    Ok(General {
        title: text_of(doc.get("title")),
        effective_on: text_of(doc.get("effective_on")),
        total: text_of(doc.get("total")),
        tie_break: text_of(doc.get("tie_break")),
        grades: grades
            .map(|a| {
                a.iter()
                    .map(|g| (text_of(g.get("name_zh")), text_of(g.get("name_en")), text_of(g.get("min"))))
                    .collect()
            })
            .unwrap_or_default(),
    })
}

/// The draft with its general rules written from `g` (bands without a name dropped).
pub fn write_general(text: &str, g: &General) -> Result<String, EditError> {
    let mut doc: DocumentMut = text.parse().map_err(|_| EditError::NotToml)?;
    let root = doc.as_table_mut();
    set_keeping_decor(root, "title", Some(Value::from(g.title.trim())));
    set_keeping_decor(root, "effective_on", Some(Value::from(g.effective_on.trim())));
    set_keeping_decor(root, "total", (!g.total.trim().is_empty()).then(|| number(&g.total)));
    set_keeping_decor(root, "tie_break", (!g.tie_break.trim().is_empty()).then(|| Value::from(g.tie_break.trim())));
    let bands: Vec<_> = g.grades.iter().filter(|(zh, _, _)| !zh.trim().is_empty()).collect();
    if root.get("grades").and_then(Item::as_array_of_tables).is_none() {
        root.insert("grades", Item::ArrayOfTables(ArrayOfTables::new()));
    }
    let all = root.get_mut("grades").and_then(Item::as_array_of_tables_mut).ok_or(EditError::NotToml)?;
    // Rewritten in place, so the bands keep their place (and comments) in the file.
    while all.len() > bands.len() {
        all.remove(all.len() - 1);
    }
    for (i, (zh, en, min)) in bands.into_iter().enumerate() {
        let en = if en.trim().is_empty() { zh } else { en };
        let min = if min.trim().is_empty() { "0" } else { min.as_str() };
        if i == all.len() {
            all.push(Table::new());
        }
        let t = all.get_mut(i).ok_or(EditError::NotToml)?;
        set_keeping_decor(t, "name_zh", Some(Value::from(zh.trim())));
        set_keeping_decor(t, "name_en", Some(Value::from(en.trim())));
        set_keeping_decor(t, "min", Some(number(min)));
    }
    Ok(doc.to_string())
}

#[cfg(test)]
#[path = "rulebook_parts_tests.rs"]
mod tests;
