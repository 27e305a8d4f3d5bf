//! One record: the form to create or edit it (with inline validation as you type), its details
//! and history, and soft deletion.

use crate::auth::{CurrentUser, PageUser};
use crate::display::{form_text, show};
use crate::pages::records::org_names;
use crate::pages::{Opt, Shell, render};
use crate::{AppState, PageError};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use kaohe_domain::input::{RawCell, parse_field};
use kaohe_domain::record::{RecordId, Value, Values};
use kaohe_domain::registry::{FieldType, RegistryDef};
use kaohe_domain::{Action, Actor, DomainError};
use kaohe_store::StoreError;
use std::collections::{BTreeMap, HashMap};

/// One input of the record form.
pub struct FormField {
    pub key: String,
    pub label: String,
    pub value: String,
    pub required: bool,
    /// `text`, `date`, `select`, `number`.
    pub kind: &'static str,
    pub options: Vec<Opt>,
    pub error: String,
    pub hint: String,
}

#[derive(Template)]
#[template(path = "record_form.html")]
struct FormPage {
    shell: Shell,
    key: String,
    label: String,
    id: Option<i64>,
    version: i64,
    org: String,
    fields: Vec<FormField>,
    errors: Vec<String>,
    /// What the registry's warning-level checks find in the stored record: kept, but worth a look.
    notes: Vec<String>,
    readonly: Vec<(String, String)>,
    history: Vec<(String, String, String, String)>,
    can_write: bool,
}

#[derive(Template)]
#[template(path = "field_error.html")]
struct FieldErrorFragment {
    error: String,
}

fn form_fields(
    reg: &RegistryDef,
    u: &CurrentUser,
    input: &BTreeMap<String, String>,
    errors: &HashMap<String, String>,
    editing: bool,
) -> Vec<FormField> {
    reg.fields
        .iter()
        .filter(|f| f.is_input())
        .map(|f| {
            let (kind, options) = match f.ty {
                FieldType::Enum => (
                    "select",
                    f.values
                        .iter()
                        .map(|v| {
                            Opt::new(&v.code, u.lang.pick(&v.code, &v.label_en), input.get(&f.key) == Some(&v.code))
                        })
                        .collect(),
                ),
                FieldType::Bool => (
                    "select",
                    ["", "是", "否"]
                        .iter()
                        .map(|c| Opt::new(c, c, input.get(&f.key).map(String::as_str) == Some(c)))
                        .collect(),
                ),
                FieldType::Date => ("date", vec![]),
                _ => ("text", vec![]),
            };
            FormField {
                key: f.key.clone(),
                label: u.lang.pick(&f.label_zh, &f.label_en).to_owned(),
                // Personal data is never sent back to the browser, not even what was just typed.
                value: if f.sensitive { String::new() } else { input.get(&f.key).cloned().unwrap_or_default() },
                required: f.required && !(editing && f.sensitive),
                kind,
                options,
                error: errors.get(&f.key).cloned().unwrap_or_default(),
                hint: if f.sensitive && editing {
                    u.lang
                        .pick("个人信息不回显;留空则保持不变", "personal data is not shown; leave empty to keep it")
                        .to_owned()
                } else if let Some(typed) = input.get(&f.key).filter(|t| f.sensitive && !t.trim().is_empty()) {
                    let masked = kaohe_domain::protect::mask(typed.trim());
                    match u.lang {
                        crate::i18n::Lang::Zh => format!("个人信息不回显,请重新输入(刚才输入的是 {masked})"),
                        crate::i18n::Lang::En => {
                            format!("personal data is not shown back; type it again (you typed {masked})")
                        }
                    }
                } else {
                    f.help_zh.clone().unwrap_or_default()
                },
            }
        })
        .collect()
}

/// Parses the form's fields; returns the values and the per-field errors.
/// When editing, personal-data fields left empty keep their stored value (they are never sent to
/// the browser).
fn parse_form(
    reg: &RegistryDef,
    input: &BTreeMap<String, String>,
    u: &CurrentUser,
    editing: bool,
) -> (Values, HashMap<String, String>) {
    let mut values = Values::new();
    let mut errors = HashMap::new();
    for f in reg.fields.iter().filter(|f| f.is_input()) {
        let text = input.get(&f.key).cloned().unwrap_or_default();
        if editing && f.sensitive && text.trim().is_empty() {
            continue;
        }
        match parse_field(f, &RawCell::Text(text)) {
            Ok(v) => {
                values.insert(f.key.clone(), v);
            }
            Err(e) => {
                errors.insert(f.key.clone(), u.lang.pick(&e.message_zh, &e.message_en).to_owned());
            }
        }
    }
    (values, errors)
}

#[allow(clippy::too_many_arguments)]
async fn form_page(
    state: &AppState,
    u: &CurrentUser,
    key: &str,
    id: Option<RecordId>,
    input: BTreeMap<String, String>,
    field_errors: HashMap<String, String>,
    errors: Vec<String>,
) -> Result<Response, PageError> {
    let scoped = u.scoped(state);
    let reg = scoped.registry(key)?.clone();
    let (mut version, mut org, mut input, mut readonly, mut history) =
        (0, input.get("_org").cloned().unwrap_or_default(), input, vec![], vec![]);
    let mut notes = Vec::new();
    if let Some(id) = id {
        let rec = scoped.record(key, id, false).await?;
        notes = scoped
            .record_findings(key, id)
            .await?
            .into_iter()
            .map(|(k, e)| {
                let label = reg.field(&k).map_or(k.as_str(), |f| u.lang.pick(&f.label_zh, &f.label_en));
                format!("{label}:{}", u.lang.pick(&e.message_zh, &e.message_en))
            })
            .collect();
        let names = org_names(&scoped, std::slice::from_ref(&rec)).await;
        let mut codes = HashMap::new();
        for oid in names.keys() {
            if let Ok(o) = scoped.org(kaohe_domain::OrgId(*oid)).await {
                codes.insert(*oid, o.code.as_str().to_owned());
            }
        }
        version = rec.version;
        if org.is_empty() {
            org = codes.get(&rec.org_id.0).cloned().unwrap_or_default();
        }
        for f in &reg.fields {
            let v = rec.values.get(&f.key).unwrap_or(&Value::Null);
            if f.sensitive {
                readonly.push((u.lang.pick(&f.label_zh, &f.label_en).to_owned(), show(f, v, u.lang, &names)));
                input.entry(f.key.clone()).or_default();
            } else if f.is_input() {
                input.entry(f.key.clone()).or_insert_with(|| form_text(f, v, &codes));
            } else {
                readonly.push((u.lang.pick(&f.label_zh, &f.label_en).to_owned(), show(f, v, u.lang, &names)));
            }
        }
        history = scoped
            .record_history(key, id)
            .await?
            .into_iter()
            .map(|h| (h.at.format("%Y-%m-%d %H:%M").to_string(), h.actor, h.action, format!("v{}", h.version)))
            .collect();
    }
    let status =
        if field_errors.is_empty() && errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    let page = FormPage {
        shell: Shell::new(u, state, "registries"),
        key: key.to_owned(),
        label: u.lang.pick(&reg.label_zh, &reg.label_en).to_owned(),
        id: id.map(|i| i.0),
        version,
        org,
        fields: form_fields(&reg, u, &input, &field_errors, id.is_some()),
        errors,
        notes,
        readonly,
        history,
        can_write: scoped.can(Action::RecordWrite),
    };
    Ok((status, render(&page)?).into_response())
}

async fn new_form(
    State(state): State<AppState>,
    PageUser(u): PageUser,
    Path(key): Path<String>,
) -> Result<Response, PageError> {
    let mut input = BTreeMap::new();
    if let Actor::User { org_id, .. } = &u.actor {
        input.insert(
            "_org".to_owned(),
            u.scoped(&state).org(*org_id).await.map(|o| o.code.as_str().to_owned()).unwrap_or_default(),
        );
    }
    form_page(&state, &u, &key, None, input, HashMap::new(), vec![]).await
}

async fn detail(
    State(state): State<AppState>,
    PageUser(u): PageUser,
    Path((key, id)): Path<(String, i64)>,
) -> Result<Response, PageError> {
    form_page(&state, &u, &key, Some(RecordId(id)), BTreeMap::new(), HashMap::new(), vec![]).await
}

/// Store refusals that belong on the form (validation, conflicts) go back to it.
fn form_errors(u: &CurrentUser, e: StoreError) -> Result<(HashMap<String, String>, Vec<String>), PageError> {
    match e {
        StoreError::Domain(DomainError::Validation(fields)) => Ok((
            fields
                .into_iter()
                .map(|f| (f.field.clone(), u.lang.pick(&f.message_zh, &f.message_en).to_owned()))
                .collect(),
            vec![],
        )),
        StoreError::Domain(DomainError::Conflict(m)) => Ok((HashMap::new(), vec![m])),
        other => Err(other.into()),
    }
}

async fn save(
    state: &AppState,
    u: &CurrentUser,
    key: &str,
    id: Option<RecordId>,
    input: BTreeMap<String, String>,
) -> Result<Response, PageError> {
    let scoped = u.scoped(state);
    let reg = scoped.registry(key)?.clone();
    let (values, field_errors) = parse_form(&reg, &input, u, id.is_some());
    if !field_errors.is_empty() {
        return form_page(state, u, key, id, input, field_errors, vec![]).await;
    }
    let org = match scoped.resolve_org(input.get("_org").map(String::as_str).unwrap_or("")).await {
        Ok(o) => o,
        Err(e) => {
            let (mut fe, msgs) = form_errors(u, e)?;
            if let Some(m) = fe.remove("org") {
                fe.insert("_org".into(), m);
            }
            return form_page(state, u, key, id, input, fe, msgs).await;
        }
    };
    let result = match id {
        None => scoped.create_record(key, org, values).await,
        Some(id) => {
            let version = input.get("_version").and_then(|v| v.parse().ok()).unwrap_or(0);
            scoped.update_record(key, id, version, org, values).await.map(|_| id)
        }
    };
    match result {
        Ok(id) => Ok(Redirect::to(&format!("/registries/{key}/{}", id.0)).into_response()),
        Err(e) => {
            let (fe, msgs) = form_errors(u, e)?;
            form_page(state, u, key, id, input, fe, msgs).await
        }
    }
}

async fn create(
    State(state): State<AppState>,
    PageUser(u): PageUser,
    Path(key): Path<String>,
    Form(input): Form<BTreeMap<String, String>>,
) -> Result<Response, PageError> {
    save(&state, &u, &key, None, input).await
}

async fn update(
    State(state): State<AppState>,
    PageUser(u): PageUser,
    Path((key, id)): Path<(String, i64)>,
    Form(input): Form<BTreeMap<String, String>>,
) -> Result<Response, PageError> {
    save(&state, &u, &key, Some(RecordId(id)), input).await
}

async fn delete(
    State(state): State<AppState>,
    PageUser(u): PageUser,
    Path((key, id)): Path<(String, i64)>,
    Form(input): Form<BTreeMap<String, String>>,
) -> Result<Response, PageError> {
    let version = input.get("_version").and_then(|v| v.parse().ok()).unwrap_or(0);
    u.scoped(&state).delete_record(&key, RecordId(id), version).await?;
    Ok(Redirect::to(&format!("/registries/{key}")).into_response())
}

/// Inline validation: checks one field as the user leaves it (htmx), answering a small fragment.
async fn check(
    State(state): State<AppState>,
    PageUser(u): PageUser,
    Path(key): Path<String>,
    Query(q): Query<BTreeMap<String, String>>,
    Form(input): Form<BTreeMap<String, String>>,
) -> Result<Html<String>, PageError> {
    let scoped = u.scoped(&state);
    let reg = scoped.registry(&key)?;
    let field = q.get("field").cloned().unwrap_or_default();
    let error = match reg.field(&field) {
        Some(f) => match parse_field(f, &RawCell::Text(input.get(&field).cloned().unwrap_or_default())) {
            Ok(v) if v.is_null() && f.required => u.lang.pick("必填", "required").to_owned(),
            Ok(_) => String::new(),
            Err(e) => u.lang.pick(&e.message_zh, &e.message_en).to_owned(),
        },
        None if field == "_org" => {
            match scoped.resolve_org(input.get("_org").map(String::as_str).unwrap_or("")).await {
                Ok(_) => String::new(),
                Err(e) => match e.domain() {
                    Some(DomainError::Validation(v)) => u.lang.pick(&v[0].message_zh, &v[0].message_en).to_owned(),
                    _ => e.to_string(),
                },
            }
        }
        None => String::new(),
    };
    render(&FieldErrorFragment { error })
}

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/registries/{key}/new", get(new_form))
        .route("/registries/{key}/records", post(create))
        .route("/registries/{key}/check", post(check))
        .route("/registries/{key}/{id}", get(detail).post(update))
        .route("/registries/{key}/{id}/delete", post(delete))
}
