//! Registry pages: the registry index and a registry's record list — filters, sort, keyset
//! paging, a column chooser, and the unmask switch for roles that may see personal data.

use crate::auth::{CurrentUser, PageUser};
use crate::display::show;
use crate::pages::{Opt, Shell, render};
use crate::{AppState, PageError};
use askama::Template;
use axum::Router;
use axum::extract::{Path, RawQuery, State};
use axum::response::Html;
use axum::routing::get;
use kaohe_domain::input::{RawCell, parse_field};
use kaohe_domain::record::{Record, Value};
use kaohe_domain::registry::{FieldType, RegistryDef};
use kaohe_domain::{Action, OrgId};
use kaohe_store::{Cursor, Filter, FilterOp, Sort};
use kaohe_store::{RecordQuery, Scoped};
use std::collections::{BTreeMap, HashMap};

const PAGE: u64 = 50;

pub struct RegistryCard {
    pub key: String,
    pub label: String,
    pub description: String,
}

#[derive(Template)]
#[template(path = "registries.html")]
struct IndexPage {
    shell: Shell,
    cards: Vec<RegistryCard>,
}

async fn index(State(state): State<AppState>, PageUser(u): PageUser) -> Result<Html<String>, PageError> {
    let scoped = u.scoped(&state);
    let cards = scoped
        .registries()?
        .iter()
        .map(|r| RegistryCard {
            key: r.key.clone(),
            label: u.lang.pick(&r.label_zh, &r.label_en).to_owned(),
            description: r.description_zh.clone().unwrap_or_default(),
        })
        .collect();
    render(&IndexPage { shell: Shell::new(&u, &state, "registries"), cards })
}

/// A filter input shown above the list.
pub struct FilterInput {
    pub name: String,
    pub label: String,
    pub value: String,
    /// `text`, `select`, `date` or `number`.
    pub kind: &'static str,
    pub options: Vec<Opt>,
}

pub struct Column {
    pub key: String,
    pub label: String,
    pub shown: bool,
    pub sort_link: String,
}

pub struct Row {
    pub id: i64,
    pub org: String,
    pub cells: Vec<String>,
}

#[derive(Template)]
#[template(path = "records.html")]
struct ListPage {
    shell: Shell,
    key: String,
    label: String,
    columns: Vec<Column>,
    rows: Vec<Row>,
    filters: Vec<FilterInput>,
    next: Option<String>,
    first: String,
    can_write: bool,
    may_unmask: bool,
    unmask: bool,
    query: String,
}

/// Loads the names of the orgs the records mention (owners and org fields).
pub async fn org_names(scoped: &Scoped<'_>, records: &[Record]) -> HashMap<i64, String> {
    let mut ids = Vec::new();
    for r in records {
        let refs = r.values.values().filter_map(|v| if let Value::Org(o) = v { Some(*o) } else { None });
        ids.extend(std::iter::once(r.org_id).chain(refs));
    }
    ids.sort_unstable();
    ids.dedup();
    let names = scoped.org_names(&ids).await.unwrap_or_default();
    ids.into_iter().map(|id| (id.0, names.get(&id).cloned().unwrap_or_default())).collect()
}

fn parse_value(reg: &RegistryDef, field: &str, text: &str) -> Option<Value> {
    reg.field(field).and_then(|f| parse_field(f, &RawCell::Text(text.to_owned())).ok()).filter(|v| !v.is_null())
}

/// Reads list parameters: `q.F` (contains / equals), `from.F` and `to.F` (ranges), `sort`, `desc`,
/// `after_id` and `after_v` (the cursor), `under`, `cols`, `unmask`.
fn query_of(reg: &RegistryDef, p: &BTreeMap<String, String>) -> RecordQuery {
    let mut filters = Vec::new();
    for (k, v) in p.iter().filter(|(_, v)| !v.trim().is_empty()) {
        let (op, field) = match k.split_once('.') {
            Some(("q", f)) => {
                let contains = reg.field(f).is_some_and(|d| d.ty == FieldType::Text && !d.sensitive);
                (if contains { FilterOp::Contains } else { FilterOp::Eq }, f)
            }
            Some(("from", f)) => (FilterOp::Gte, f),
            Some(("to", f)) => (FilterOp::Lte, f),
            _ => continue,
        };
        let value =
            if op == FilterOp::Contains { Some(Value::Text(v.trim().to_owned())) } else { parse_value(reg, field, v) };
        if let Some(value) = value {
            filters.push(Filter { field: field.to_owned(), op, value });
        }
    }
    let sort = Sort {
        field: p.get("sort").filter(|s| !s.is_empty()).cloned(),
        descending: p.get("desc").is_some_and(|d| d == "1"),
    };
    let after = p.get("after_id").and_then(|i| i.parse().ok()).map(|id| Cursor {
        value: sort
            .field
            .as_deref()
            .and_then(|f| p.get("after_v").and_then(|v| parse_value(reg, f, v)))
            .unwrap_or(Value::Null),
        id: kaohe_domain::record::RecordId(id),
    });
    RecordQuery {
        under: p.get("under").and_then(|u| u.parse().ok()).map(OrgId),
        filters,
        sort,
        after,
        limit: PAGE,
        unmask: p.get("unmask").is_some_and(|v| v == "1"),
    }
}

fn encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

fn query_string(p: &BTreeMap<String, String>, drop: &[&str], add: &[(&str, String)]) -> String {
    p.iter()
        .filter(|(k, v)| !drop.contains(&k.as_str()) && !v.is_empty())
        .map(|(k, v)| (k.clone(), v.clone()))
        .chain(add.iter().map(|(k, v)| ((*k).to_owned(), v.clone())))
        .map(|(k, v)| format!("{}={}", encode(&k), encode(&v)))
        .collect::<Vec<_>>()
        .join("&")
}

fn filter_inputs(
    reg: &RegistryDef,
    u: &CurrentUser,
    p: &BTreeMap<String, String>,
    may_unmask: bool,
) -> Vec<FilterInput> {
    let get = |k: String| p.get(&k).cloned().unwrap_or_default();
    let mut out = Vec::new();
    // A search by a personal value is a look-up only roles that may unmask make (ADR 0010).
    for f in reg.fields.iter().filter(|f| f.list && (may_unmask || !reg.is_personal(&f.key))) {
        let label = u.lang.pick(&f.label_zh, &f.label_en).to_owned();
        match f.ty {
            FieldType::Enum | FieldType::Bool => {
                let cur = get(format!("q.{}", f.key));
                let mut options = vec![Opt::new("", u.lang.pick("全部", "all"), cur.is_empty())];
                let codes: Vec<String> = if f.ty == FieldType::Bool {
                    vec!["是".into(), "否".into()]
                } else {
                    f.values.iter().map(|v| v.code.clone()).collect()
                };
                options.extend(codes.into_iter().map(|c| Opt::new(&c, &c, c == cur)));
                out.push(FilterInput { name: format!("q.{}", f.key), label, value: cur, kind: "select", options });
            }
            FieldType::Date | FieldType::Integer | FieldType::Money | FieldType::Decimal => {
                let kind = if f.ty == FieldType::Date { "date" } else { "number" };
                out.push(FilterInput {
                    name: format!("from.{}", f.key),
                    label: format!("{label} ≥"),
                    value: get(format!("from.{}", f.key)),
                    kind,
                    options: vec![],
                });
                out.push(FilterInput {
                    name: format!("to.{}", f.key),
                    label: format!("{label} ≤"),
                    value: get(format!("to.{}", f.key)),
                    kind,
                    options: vec![],
                });
            }
            _ => out.push(FilterInput {
                name: format!("q.{}", f.key),
                label,
                value: get(format!("q.{}", f.key)),
                kind: "text",
                options: vec![],
            }),
        }
    }
    out
}

/// Decodes a query string: single values into a map, repeated `col` values joined into `cols`.
pub fn parse_query(raw: Option<&str>) -> BTreeMap<String, String> {
    let mut map = BTreeMap::new();
    let mut cols = Vec::new();
    for pair in raw.unwrap_or("").split('&').filter(|p| !p.is_empty()) {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        let (k, v) = (decode(k), decode(v));
        if k == "col" {
            cols.push(v);
        } else {
            map.insert(k, v);
        }
    }
    if !cols.is_empty() {
        map.insert("cols".into(), cols.join(","));
    }
    map
}

/// Percent-decoding with `+` as space.
pub fn decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => {
                match u8::from_str_radix(std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap_or("zz"), 16) {
                    Ok(b) => {
                        out.push(b);
                        i += 2;
                    }
                    Err(_) => out.push(b'%'),
                }
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

async fn list(
    State(state): State<AppState>,
    PageUser(u): PageUser,
    Path(key): Path<String>,
    RawQuery(raw): RawQuery,
) -> Result<Html<String>, PageError> {
    let p = parse_query(raw.as_deref());
    let scoped = u.scoped(&state);
    let reg = scoped.registry(&key)?.clone();
    let q = query_of(&reg, &p);
    let records = scoped.records(&key, &q).await?;
    let names = org_names(&scoped, &records).await;
    let chosen: Vec<String> = match p.get("cols").filter(|c| !c.is_empty()) {
        Some(c) => c.split(',').map(str::to_owned).collect(),
        None => reg.fields.iter().filter(|f| f.list).map(|f| f.key.clone()).collect(),
    };
    let columns: Vec<Column> = reg
        .fields
        .iter()
        .map(|f| {
            let desc = q.sort.field.as_deref() == Some(&f.key) && !q.sort.descending;
            let link = query_string(
                &p,
                &["sort", "desc", "after_id", "after_v"],
                &[("sort", f.key.clone()), ("desc", if desc { "1".into() } else { String::new() })],
            );
            Column {
                key: f.key.clone(),
                label: u.lang.pick(&f.label_zh, &f.label_en).to_owned(),
                shown: chosen.contains(&f.key),
                sort_link: link,
            }
        })
        .collect();
    let rows = records
        .iter()
        .map(|r| Row {
            id: r.id.0,
            org: names.get(&r.org_id.0).cloned().unwrap_or_default(),
            cells: reg
                .fields
                .iter()
                .filter(|f| chosen.contains(&f.key))
                .map(|f| show(f, r.values.get(&f.key).unwrap_or(&Value::Null), u.lang, &names))
                .collect(),
        })
        .collect();
    let next = (records.len() as u64 == PAGE).then(|| {
        let last = &records[records.len() - 1];
        let v = q.sort.field.as_deref().and_then(|f| {
            reg.field(f)
                .map(|d| crate::display::form_text(d, last.values.get(f).unwrap_or(&Value::Null), &HashMap::new()))
        });
        query_string(
            &p,
            &["after_id", "after_v"],
            &[("after_id", last.id.0.to_string()), ("after_v", v.unwrap_or_default())],
        )
    });
    let page = ListPage {
        shell: Shell::new(&u, &state, "registries"),
        label: u.lang.pick(&reg.label_zh, &reg.label_en).to_owned(),
        filters: filter_inputs(&reg, &u, &p, scoped.may_unmask()),
        first: query_string(&p, &["after_id", "after_v"], &[]),
        query: query_string(&p, &[], &[]),
        key,
        columns,
        rows,
        next,
        can_write: scoped.can(Action::RecordWrite),
        may_unmask: scoped.may_unmask(),
        unmask: q.unmask,
    };
    render(&page)
}

pub fn router() -> Router<AppState> {
    Router::new().route("/registries", get(index)).route("/registries/{key}", get(list))
}
