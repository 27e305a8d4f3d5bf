//! One target item of a rulebook draft as a form: read from the draft's TOML and written back
//! into it with everything else — comments, order, other items — left as it was. The checked
//! text then goes through the same checker as a typed draft.

use serde::Deserialize;
use toml_edit::{Array, DocumentMut, InlineTable, Item, Table, Value};

/// An item's fields as a form holds them (numbers as typed: `5`, `2.5`, `100%`, `1/3`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct ItemFields {
    pub key: String,
    pub name_zh: String,
    #[serde(default)]
    pub name_en: String,
    pub indicator: String,
    pub weight: String,
    #[serde(default)]
    pub target: String,
    /// `proportional`, `threshold`, `shortfall`, `excess_bonus` or `lower_is_better`.
    pub rule: String,
    #[serde(default)]
    pub cap: String,
    #[serde(default)]
    pub floor: String,
    #[serde(default)]
    pub per: String,
    /// `unit` or `percent` (a shortfall counted per unit or per percentage point of the target).
    #[serde(default)]
    pub by: String,
    #[serde(default)]
    pub step: String,
    /// Org kinds scored on their own figures (`federation`, `department` …), comma-joined.
    #[serde(default)]
    pub applies_to: String,
    /// Groups or codes of the departments answerable across the whole scope (组织部、宣教部).
    #[serde(default)]
    pub departments: String,
    /// No figure means nothing to measure: the full weight.
    #[serde(default)]
    pub full_without_figure: bool,
    #[serde(default)]
    pub clause: String,
    /// One piece of evidence per line.
    #[serde(default)]
    pub evidence: String,
}

/// What went wrong editing the text (the draft is not TOML at all, or no such item/section).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EditError {
    NotToml,
    NoItem,
    NoSection,
    /// A section still holding items cannot be removed.
    NotEmpty,
}

fn items_of(sec: &Table) -> Option<&toml_edit::ArrayOfTables> {
    sec.get("items").and_then(Item::as_array_of_tables)
}

pub(crate) fn text_of(v: Option<&Item>) -> String {
    match v.and_then(Item::as_value) {
        Some(Value::String(s)) => s.value().clone(),
        Some(Value::Integer(i)) => i.value().to_string(),
        Some(Value::Float(f)) => f.value().to_string(),
        Some(Value::Boolean(b)) => b.value().to_string(),
        _ => String::new(),
    }
}

pub(crate) fn strings_of(v: Option<&Item>) -> Vec<String> {
    v.and_then(Item::as_array)
        .map(|a| a.iter().filter_map(|x| x.as_str().map(str::to_owned)).collect())
        .unwrap_or_default()
}

/// A section of a draft with its items' keys and Chinese names, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SectionOutline {
    pub key: String,
    pub name: String,
    pub items: Vec<(String, String)>,
}

/// The sections of a draft and their items, in order.
pub fn outline(text: &str) -> Result<Vec<SectionOutline>, EditError> {
    let doc: DocumentMut = text.parse().map_err(|_| EditError::NotToml)?;
    let Some(secs) = doc.get("sections").and_then(Item::as_array_of_tables) else { return Ok(Vec::new()) };
    Ok(secs
        .iter()
        .map(|s| SectionOutline {
            key: text_of(s.get("key")),
            name: text_of(s.get("name_zh")),
            items: items_of(s)
                .map(|items| items.iter().map(|it| (text_of(it.get("key")), text_of(it.get("name_zh")))).collect())
                .unwrap_or_default(),
        })
        .collect())
}

/// The item `key` of the draft, with the key of its section.
pub fn read(text: &str, key: &str) -> Result<(String, ItemFields), EditError> {
    let doc: DocumentMut = text.parse().map_err(|_| EditError::NotToml)?;
    let secs = doc.get("sections").and_then(Item::as_array_of_tables).ok_or(EditError::NoItem)?;
    for sec in secs.iter() {
        let Some(items) = items_of(sec) else { continue };
        if let Some(it) = items.iter().find(|it| text_of(it.get("key")) == key) {
            let rule = it
                .get("rule")
                .and_then(|r| r.as_inline_table().map(|t| t.clone().into_table()).or_else(|| r.as_table().cloned()));
            let param = |k: &str| rule.as_ref().map(|r| text_of(r.get(k))).unwrap_or_default();
            let fields = ItemFields {
                key: key.to_owned(),
                name_zh: text_of(it.get("name_zh")),
                name_en: text_of(it.get("name_en")),
                indicator: text_of(it.get("indicator")),
                weight: text_of(it.get("weight")),
                target: text_of(it.get("target")),
                rule: param("kind"),
                cap: param("cap"),
                floor: param("floor"),
                per: param("per"),
                by: param("by"),
                step: param("step"),
                applies_to: strings_of(it.get("applies_to")).join(","),
                departments: strings_of(it.get("departments")).join("、"),
                full_without_figure: text_of(it.get("no_figure")) == "full",
                clause: text_of(it.get("clause")),
                evidence: strings_of(it.get("evidence")).join("\n"),
            };
            return Ok((text_of(sec.get("key")), fields));
        }
    }
    Err(EditError::NoItem)
}

/// A number as a form typed it: a whole number stays a TOML integer, anything else a string the
/// rulebook reader parses (`2.5`, `100%`, `1/3`) — or refuses, located.
pub(crate) fn number(s: &str) -> Value {
    let t = s.trim();
    t.parse::<i64>().map_or_else(|_| Value::from(t), Value::from)
}

pub(crate) fn list(items: impl IntoIterator<Item = String>) -> Value {
    let mut a = Array::new();
    for i in items {
        a.push(i);
    }
    Value::Array(a)
}

pub(crate) fn split(s: &str, seps: &[char]) -> Vec<String> {
    s.split(|c: char| seps.contains(&c) || c == '\n')
        .map(str::trim)
        .filter(|x| !x.is_empty())
        .map(str::to_owned)
        .collect()
}

/// Writes `f` into the item table, keeping keys the form does not hold (and their comments).
/// Sets `k` to `v` keeping the comment and spacing around an existing value; `None` removes it.
pub(crate) fn set_keeping_decor(t: &mut Table, k: &str, v: Option<Value>) {
    match (t.get_mut(k).and_then(Item::as_value_mut), v) {
        (Some(old), Some(v)) => {
            let decor = old.decor().clone();
            *old = v;
            *old.decor_mut() = decor;
        }
        (None, Some(v)) => {
            t.insert(k, Item::Value(v));
        }
        (_, None) => {
            t.remove(k);
        }
    }
}

fn fill(t: &mut Table, f: &ItemFields) {
    let set = |t: &mut Table, k: &str, v: Value| set_keeping_decor(t, k, Some(v));
    let opt = set_keeping_decor;
    set(t, "key", Value::from(f.key.trim()));
    set(t, "name_zh", Value::from(f.name_zh.trim()));
    let en = if f.name_en.trim().is_empty() { f.name_zh.trim() } else { f.name_en.trim() };
    set(t, "name_en", Value::from(en));
    set(t, "indicator", Value::from(f.indicator.trim()));
    set(t, "weight", number(&f.weight));
    opt(t, "target", (!f.target.trim().is_empty()).then(|| number(&f.target)));
    let mut rule = InlineTable::new();
    rule.insert("kind", Value::from(f.rule.trim()));
    let params: &[(&str, &str)] = match f.rule.trim() {
        "proportional" => &[("cap", &f.cap)],
        "threshold" => &[("floor", &f.floor)],
        // Per unit is the default: only per percentage point is written.
        "shortfall" => {
            &[("per", &f.per), ("by", if f.by.trim() == "percent" { "percent" } else { "" }), ("floor", &f.floor)]
        }
        "excess_bonus" => &[("step", &f.step), ("per", &f.per), ("cap", &f.cap)],
        "lower_is_better" => &[("per", &f.per)],
        _ => &[],
    };
    for (k, v) in params.iter().filter(|(_, v)| !v.trim().is_empty()) {
        rule.insert(*k, if *k == "by" { Value::from(v.trim()) } else { number(v) });
    }
    set(t, "rule", Value::InlineTable(rule));
    set(t, "applies_to", list(split(&f.applies_to, &[','])));
    let departments = split(&f.departments, &['、', ',', '，', ';', '；']);
    opt(t, "departments", (!departments.is_empty()).then(|| list(departments)));
    opt(t, "no_figure", f.full_without_figure.then(|| Value::from("full")));
    set(t, "clause", Value::from(f.clause.trim()));
    let evidence = split(&f.evidence, &[]);
    opt(t, "evidence", (!evidence.is_empty()).then(|| list(evidence)));
}

/// The draft with item `original` (or, for `None`, a new item at the end of `section`) written
/// from `f`.
pub fn write(text: &str, section: &str, original: Option<&str>, f: &ItemFields) -> Result<String, EditError> {
    let mut doc: DocumentMut = text.parse().map_err(|_| EditError::NotToml)?;
    let secs = doc.get_mut("sections").and_then(Item::as_array_of_tables_mut).ok_or(EditError::NoSection)?;
    match original {
        Some(key) => {
            let it = secs
                .iter_mut()
                .filter_map(|s| s.get_mut("items").and_then(Item::as_array_of_tables_mut))
                .flat_map(|items| items.iter_mut())
                .find(|it| text_of(it.get("key")) == key)
                .ok_or(EditError::NoItem)?;
            fill(it, f);
        }
        None => {
            let sec = secs.iter_mut().find(|s| text_of(s.get("key")) == section).ok_or(EditError::NoSection)?;
            if sec.get("items").and_then(Item::as_array_of_tables).is_none() {
                sec.insert("items", Item::ArrayOfTables(toml_edit::ArrayOfTables::new()));
            }
            let items = sec.get_mut("items").and_then(Item::as_array_of_tables_mut).ok_or(EditError::NoSection)?;
            let mut t = Table::new();
            fill(&mut t, f);
            items.push(t);
        }
    }
    Ok(doc.to_string())
}

/// Who a rulebook assesses, as a form holds it: org kinds, and groups or codes as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Assessed {
    /// Org kind codes (`federation`, `department` …).
    pub kinds: Vec<String>,
    /// Children assessed besides the kinds, by group or code (、-separated).
    pub groups: String,
    /// Children left out, by group or code (、-separated).
    pub not_assessed: String,
}

/// Who the draft assesses.
pub fn read_assessed(text: &str) -> Result<Assessed, EditError> {
    let doc: DocumentMut = text.parse().map_err(|_| EditError::NotToml)?;
    Ok(Assessed {
        kinds: strings_of(doc.get("assessed")),
        groups: strings_of(doc.get("assessed_groups")).join("、"),
        not_assessed: strings_of(doc.get("not_assessed")).join("、"),
    })
}

/// The draft with who it assesses written from `a` (empty lists of groups removed).
pub fn write_assessed(text: &str, a: &Assessed) -> Result<String, EditError> {
    let mut doc: DocumentMut = text.parse().map_err(|_| EditError::NotToml)?;
    let root = doc.as_table_mut();
    let seps = ['、', ',', '，', ';', '；', ' '];
    let entries = [
        ("assessed", a.kinds.clone(), true),
        ("assessed_groups", split(&a.groups, &seps), false),
        ("not_assessed", split(&a.not_assessed, &seps), false),
    ];
    for (key, values, keep_empty) in entries {
        let keep = keep_empty || !values.is_empty();
        set_keeping_decor(root, key, keep.then(|| list(values)));
    }
    Ok(doc.to_string())
}

/// The draft without item `key`.
pub fn remove(text: &str, key: &str) -> Result<String, EditError> {
    let mut doc: DocumentMut = text.parse().map_err(|_| EditError::NotToml)?;
    let secs = doc.get_mut("sections").and_then(Item::as_array_of_tables_mut).ok_or(EditError::NoItem)?;
    let mut found = false;
    for sec in secs.iter_mut() {
        let Some(items) = sec.get_mut("items").and_then(Item::as_array_of_tables_mut) else { continue };
        let at = items.iter().position(|it| text_of(it.get("key")) == key);
        if let Some(i) = at {
            items.remove(i);
            found = true;
            break;
        }
    }
    if found { Ok(doc.to_string()) } else { Err(EditError::NoItem) }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DRAFT: &str = "# 清州市总工会2027年度考核办法\nyear = 2027\n\n[[sections]]\nkey = \"org\"\nname_zh = \"组织建设\"\nname_en = \"Org\"\n\n# 第三条\n[[sections.items]]\nkey = \"joined\"\nname_zh = \"发展会员\"\nname_en = \"Members joined\"\nindicator = \"qz_joined\"\nweight = 20 # 分值\ntarget = 4\nrule = { kind = \"proportional\" }\napplies_to = [\"federation\"]\nclause = \"第三条\"\n\n[[sections]]\nkey = \"aid\"\nname_zh = \"帮扶\"\nname_en = \"Aid\"\n";

    #[test]
    fn an_item_round_trips_and_everything_else_is_kept() {
        let (sec, f) = read(DRAFT, "joined").unwrap();
        assert_eq!(
            (sec.as_str(), f.weight.as_str(), f.target.as_str(), f.rule.as_str()),
            ("org", "20", "4", "proportional")
        );
        assert_eq!(write(DRAFT, &sec, Some("joined"), &f).unwrap(), DRAFT, "an unchanged form changes nothing");
        let g = ItemFields {
            weight: "2.5".into(),
            target: String::new(),
            rule: "shortfall".into(),
            per: "0.5".into(),
            by: "percent".into(),
            cap: "9".into(),
            departments: "组织部、宣教部".into(),
            evidence: "台账\n照片\n".into(),
            full_without_figure: true,
            ..f.clone()
        };
        let out = write(DRAFT, &sec, Some("joined"), &g).unwrap();
        assert!(out.starts_with("# 清州市总工会2027年度考核办法\n") && out.contains("# 第三条\n"), "{out}");
        assert!(out.contains("weight = \"2.5\" # 分值"), "the comment stays: {out}");
        assert!(!out.contains("target"), "an empty target is removed: {out}");
        assert!(
            out.contains("rule = { kind = \"shortfall\", per = \"0.5\", by = \"percent\" }"),
            "a cap is not a shortfall's: {out}"
        );
        assert!(
            out.contains("departments = [\"组织部\", \"宣教部\"]") && out.contains("no_figure = \"full\""),
            "{out}"
        );
        assert_eq!(
            read(&out, "joined").unwrap().1,
            ItemFields { cap: String::new(), evidence: "台账\n照片".into(), ..g.clone() }
        );
        let per_unit = write(DRAFT, &sec, Some("joined"), &ItemFields { by: "unit".into(), ..g }).unwrap();
        assert!(
            per_unit.contains("rule = { kind = \"shortfall\", per = \"0.5\" }"),
            "per unit is the default: {per_unit}"
        );
    }

    #[test]
    fn who_is_assessed_round_trips() {
        let a = read_assessed(DRAFT).unwrap();
        assert_eq!(a, Assessed { kinds: vec![], groups: String::new(), not_assessed: String::new() });
        let b = Assessed {
            kinds: vec!["federation".into(), "department".into()],
            groups: "产业工会".into(),
            not_assessed: "经审办、QZ-JSB".into(),
        };
        let out = write_assessed(DRAFT, &b).unwrap();
        assert_eq!(read_assessed(&out).unwrap(), b);
        assert!(out.starts_with("# 清州市总工会2027年度考核办法\n") && out.contains("# 第三条\n"), "{out}");
        let back = write_assessed(&out, &Assessed { kinds: vec!["federation".into()], ..Assessed::default() }).unwrap();
        assert!(!back.contains("not_assessed") && !back.contains("assessed_groups"), "{back}");
    }

    #[test]
    fn items_are_added_to_a_section_and_removed() {
        let f = ItemFields {
            key: "aid_cases".into(),
            name_zh: "帮扶困难职工".into(),
            indicator: "aid_cases".into(),
            weight: "10".into(),
            rule: "threshold".into(),
            applies_to: "federation,department".into(),
            clause: "第五条".into(),
            ..ItemFields::default()
        };
        let out = write(DRAFT, "aid", None, &f).unwrap();
        let (sec, back) = read(&out, "aid_cases").unwrap();
        assert_eq!(
            (sec.as_str(), back.name_en.as_str(), back.applies_to.as_str()),
            ("aid", "帮扶困难职工", "federation,department")
        );
        let o = outline(&out).unwrap();
        assert_eq!(
            o.iter().map(|s| (s.key.as_str(), s.name.as_str())).collect::<Vec<_>>(),
            [("org", "组织建设"), ("aid", "帮扶")]
        );
        assert_eq!(o[1].items, [("aid_cases".to_owned(), "帮扶困难职工".to_owned())]);
        assert_eq!(write(DRAFT, "nope", None, &f), Err(EditError::NoSection));
        let gone = remove(&out, "joined").unwrap();
        assert_eq!(read(&gone, "joined"), Err(EditError::NoItem));
        assert!(read(&gone, "aid_cases").is_ok() && gone.contains("# 清州市总工会2027年度考核办法"));
        assert_eq!(read("year = [", "x"), Err(EditError::NotToml));
    }
}
