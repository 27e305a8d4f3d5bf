//! The formula editor: type a formula, see as you type (htmx) whether it checks — or the line,
//! column and caret of the mistake — and its figure for the chosen org and period.

use super::{FigQuery, Scope, with_unit};
use crate::auth::PageUser;
use crate::pages::{Shell, render};
use crate::{AppState, PageError, WebError};
use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::response::Html;
use kaohe_domain::indicator::Indicator;
use kaohe_store::StoreError;
use serde::Deserialize;

#[derive(Debug, Deserialize)]
pub struct EditorQuery {
    key: Option<String>,
    org: Option<i64>,
    period: Option<String>,
}

#[derive(Template)]
#[template(path = "indicator_editor.html")]
struct EditorPage {
    shell: Shell,
    scope: Scope,
    key: String,
    formula: String,
    preview: Preview,
    registries: Vec<RegistryHelp>,
    /// The "save as the federation's indicator" fields, for those who may.
    save: Option<SaveFields>,
}

/// What the save form shows: the indicator's metadata (an own indicator's, to change it).
struct SaveFields {
    own: bool,
    name_zh: String,
    unit: String,
    decimals: u32,
    section: String,
    description: String,
    sections: Vec<String>,
}

fn save_fields(s: &kaohe_store::Scoped<'_>, key: &str) -> Option<SaveFields> {
    s.may_change_layer_file(&crate::api::indicator_path("new_indicator")).ok()?;
    let own = !key.is_empty() && s.layer_files().ok()?.contains_key(&crate::api::indicator_path(key));
    let mut sections: Vec<String> = s.indicators().all().iter().map(|i| i.def.section.clone()).collect();
    sections.dedup();
    sections.sort();
    sections.dedup();
    let ind = if own { s.indicators().get(key) } else { None };
    Some(SaveFields {
        own,
        name_zh: ind.map(|i| i.def.name_zh.clone()).unwrap_or_default(),
        unit: ind.map(|i| i.def.unit.clone()).unwrap_or_default(),
        decimals: ind.map_or(0, |i| i.def.decimals),
        section: ind.map(|i| i.def.section.clone()).unwrap_or_default(),
        description: ind.and_then(|i| i.def.description_zh.clone()).unwrap_or_default(),
        sections,
    })
}

/// A registry and its fields (key, label, type) for the editor's reference list.
type RegistryHelp = (String, String, Vec<(String, String, String)>);

/// The preview under the editor.
#[derive(Template)]
#[template(path = "indicator_preview.html")]
pub struct Preview {
    shell_t: crate::i18n::Lang,
    /// Where and what is wrong, and the line with a caret, when the formula does not check.
    error: Option<(String, String)>,
    value: String,
    additive: bool,
    ratio: bool,
    reads: String,
    drill: String,
    empty: bool,
}

#[derive(Debug, Deserialize)]
pub struct PreviewForm {
    formula: String,
    key: Option<String>,
    org: Option<i64>,
    period: Option<String>,
}

async fn preview_of(
    s: &kaohe_store::Scoped<'_>,
    u: &crate::auth::CurrentUser,
    formula: &str,
    key: Option<&str>,
    scope: &Scope,
) -> Result<Preview, WebError> {
    let blank = Preview {
        shell_t: u.lang,
        error: None,
        value: String::new(),
        additive: false,
        ratio: false,
        reads: String::new(),
        drill: String::new(),
        empty: formula.trim().is_empty(),
    };
    if blank.empty {
        return Ok(blank);
    }
    let as_key = key.filter(|k| !k.is_empty());
    let plan = match s.indicators().compile(formula, s.registry_defs(), as_key) {
        Ok(p) => p,
        Err(e) => {
            let text = format!("{}:{} {}", e.line, e.column, u.lang.pick(&e.message_zh, &e.message_en));
            return Ok(Preview { error: Some((text, e.caret())), ..blank });
        }
    };
    let ind = Indicator::adhoc(formula, plan);
    let v = s.figures(&[&ind.plan], &scope.period, &[scope.org.id]).await?[0][0];
    Ok(Preview {
        value: with_unit(&ind, v, u),
        additive: ind.additive,
        ratio: ind.plan.is_ratio(),
        reads: ind.plan.registries().into_iter().collect::<Vec<_>>().join("、"),
        drill: format!("formula={}&{}", super::drill::urlencode(formula), scope.query),
        ..blank
    })
}

pub async fn page(
    State(state): State<AppState>,
    PageUser(u): PageUser,
    Query(q): Query<EditorQuery>,
) -> Result<Html<String>, PageError> {
    let s = u.scoped(&state);
    let scope = Scope::of(&s, &FigQuery { org: q.org, period: q.period.clone(), section: None }).await?;
    let key = q.key.clone().unwrap_or_default();
    let formula = s.indicators().get(&key).map(|i| i.def.formula.trim().to_owned()).unwrap_or_default();
    let preview = preview_of(&s, &u, &formula, Some(&key), &scope).await?;
    let registries = s
        .registry_defs()
        .iter()
        .map(|r| {
            let fields = r
                .fields
                .iter()
                .filter(|f| !f.sensitive)
                .map(|f| (f.key.clone(), u.lang.pick(&f.label_zh, &f.label_en).to_owned(), f.ty.name().to_owned()))
                .collect();
            (r.key.clone(), u.lang.pick(&r.label_zh, &r.label_en).to_owned(), fields)
        })
        .collect();
    let save = save_fields(&s, &key);
    render(&EditorPage { shell: Shell::new(&u, &state, "indicators"), scope, key, formula, preview, registries, save })
}

/// The htmx preview: a fragment with the check's result and the figure.
pub async fn preview(
    State(state): State<AppState>,
    PageUser(u): PageUser,
    Form(f): Form<PreviewForm>,
) -> Result<Html<String>, PageError> {
    let s = u.scoped(&state);
    let scope = match Scope::of(&s, &FigQuery { org: f.org, period: f.period.clone(), section: None }).await {
        Ok(sc) => sc,
        Err(PageError(WebError::Store(StoreError::Domain(e)))) => {
            let msg = match &e {
                kaohe_domain::DomainError::Validation(v) => {
                    v.iter().map(|x| u.lang.pick(&x.message_zh, &x.message_en).to_owned()).collect::<Vec<_>>().join(";")
                }
                other => other.to_string(),
            };
            return render(&Preview {
                shell_t: u.lang,
                error: Some((msg, String::new())),
                value: String::new(),
                additive: false,
                ratio: false,
                reads: String::new(),
                drill: String::new(),
                empty: false,
            });
        }
        Err(e) => return Err(e),
    };
    render(&preview_of(&s, &u, &f.formula, f.key.as_deref(), &scope).await?)
}

#[derive(Debug, Deserialize)]
pub struct SaveForm {
    formula: String,
    new_key: String,
    name_zh: String,
    unit: String,
    #[serde(default)]
    decimals: String,
    section: String,
    #[serde(default)]
    description: String,
    /// "1" when changing the federation's own indicator of that key.
    #[serde(default)]
    own: String,
}

#[derive(Template)]
#[template(path = "indicator_saved.html")]
struct SaveResult {
    shell_t: crate::i18n::Lang,
    messages: Vec<String>,
}

/// Saves the formula as the federation's indicator (htmx): to its page on success, the
/// problems under the form otherwise (the typing kept).
pub async fn save(
    State(state): State<AppState>,
    PageUser(u): PageUser,
    Form(f): Form<SaveForm>,
) -> Result<axum::response::Response, PageError> {
    use axum::response::IntoResponse;
    let s = u.scoped(&state);
    let Ok(decimals) =
        f.decimals.trim().parse::<u32>().or_else(|e| if f.decimals.trim().is_empty() { Ok(0) } else { Err(e) })
    else {
        let messages = vec![u.lang.s("decimals_invalid").to_owned()];
        return Ok(render(&SaveResult { shell_t: u.lang, messages })?.into_response());
    };
    let input = crate::api::IndicatorInput {
        key: f.new_key.trim().to_owned(),
        name_zh: f.name_zh,
        name_en: None,
        unit: f.unit,
        unit_en: None,
        decimals,
        section: f.section,
        description: Some(f.description),
        formula: f.formula,
    };
    match crate::api::save_indicator(&s, &input, f.own != "1").await {
        Ok(()) => Ok(([("HX-Redirect", format!("/indicators/{}", input.key))], "").into_response()),
        Err(StoreError::Pack(problems)) => {
            let messages = problems
                .iter()
                .map(|e| format!("{}:{} {}", e.line, e.column, u.lang.pick(&e.message_zh, &e.message_en)))
                .collect();
            Ok(render(&SaveResult { shell_t: u.lang, messages })?.into_response())
        }
        Err(e) => {
            let messages = crate::pages::form_messages(&u, e)?;
            Ok(render(&SaveResult { shell_t: u.lang, messages })?.into_response())
        }
    }
}
