//! 报告模板: the report templates in force (built-in and the federation's own); for the top
//! federation's 考核办, a template edited in the app — checked as typed, a figure picker listing
//! every indicator by section with what to write for it, a live preview rendered as a draft over
//! a chosen org and year — and published as the federation's own (a new version).

use crate::auth::{CurrentUser, PageUser};
use crate::pages::{Shell, render};
use crate::{AppState, PageError, figures};
use askama::Template;
use axum::extract::{Path, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use kaohe_domain::pack::PackError;
use kaohe_domain::report::ReportTemplate;
use kaohe_store::{Scoped, StoreError};
use serde::Deserialize;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/report/templates", get(list))
        .route("/report/templates/{key}", get(edit).post(publish))
        .route("/report/templates/{key}/preview", post(preview))
}

fn path(key: &str) -> String {
    format!("reports/{key}.md.j2")
}

#[derive(Template)]
#[template(path = "report_templates.html")]
struct ListPage {
    shell: Shell,
    /// (key, name in words, the federation's own).
    rows: Vec<(String, String, bool)>,
    can_change: bool,
}

#[derive(Debug, Deserialize)]
struct NewQuery {
    /// A new template's key: to its editor.
    key: Option<String>,
}

async fn list(
    State(state): State<AppState>,
    PageUser(u): PageUser,
    axum::extract::Query(q): axum::extract::Query<NewQuery>,
) -> Result<Response, PageError> {
    if let Some(key) = q.key.as_deref().map(str::trim).filter(|k| kaohe_domain::pack::LayerKind::of(&path(k)).is_some())
    {
        return Ok(Redirect::to(&format!("/report/templates/{key}")).into_response());
    }
    let s = u.scoped(&state);
    let own = s.layer_files()?;
    let rows =
        s.layer_parts().reports.iter().map(|t| (t.key.clone(), t.title(), own.contains_key(&path(&t.key)))).collect();
    Ok(render(&ListPage {
        shell: Shell::new(&u, &state, "report"),
        rows,
        can_change: s.may_change_layer_file(&path("annual")).is_ok(),
    })?
    .into_response())
}

/// A section of the figure picker: (section, [(name, unit, what to write)]).
type PickerSection = (String, Vec<(String, String, String)>);

#[derive(Template)]
#[template(path = "report_template_edit.html")]
struct EditPage {
    shell: Shell,
    key: String,
    own: bool,
    text: String,
    can_change: bool,
    picker: Vec<PickerSection>,
    year: i32,
    org_id: i64,
    messages: Vec<String>,
}

fn picker(s: &Scoped<'_>) -> Vec<PickerSection> {
    let mut out: Vec<PickerSection> = Vec::new();
    for i in s.indicators().all() {
        let entry = (i.def.name_zh.clone(), i.def.unit.clone(), format!("{{{{ fig('{}') }}}}", i.def.key));
        match out.iter_mut().find(|(sec, _)| *sec == i.def.section) {
            Some((_, v)) => v.push(entry),
            None => out.push((i.def.section.clone(), vec![entry])),
        }
    }
    out
}

async fn edit_page(
    s: &Scoped<'_>,
    u: &CurrentUser,
    state: &AppState,
    key: String,
    edited: Option<(String, Vec<String>)>,
) -> Result<Html<String>, PageError> {
    if kaohe_domain::pack::LayerKind::of(&path(&key)).is_none() {
        return Err(kaohe_domain::DomainError::NotFound.into());
    }
    let own = s.layer_files()?.contains_key(&path(&key));
    let in_force = s.layer_parts().report(&key).map(|t| t.source.clone());
    let can_change = s.may_change_layer_file(&path(&key)).is_ok();
    if in_force.is_none() && !can_change {
        return Err(kaohe_domain::DomainError::NotFound.into());
    }
    let (text, messages) = edited.unwrap_or_else(|| (in_force.unwrap_or_default(), Vec::new()));
    let year = figures::year(None, s).await?;
    let org = figures::org(None, s).await?;
    render(&EditPage {
        shell: Shell::new(u, state, "report"),
        key,
        own,
        text,
        can_change,
        picker: picker(s),
        year,
        org_id: org.id.0,
        messages,
    })
}

async fn edit(
    State(state): State<AppState>,
    PageUser(u): PageUser,
    Path(key): Path<String>,
) -> Result<Html<String>, PageError> {
    let s = u.scoped(&state);
    edit_page(&s, &u, &state, key, None).await
}

#[derive(Debug, Deserialize)]
struct TextForm {
    text: String,
    year: Option<i32>,
    org: Option<i64>,
}

fn located(u: &CurrentUser, problems: &[PackError]) -> Vec<String> {
    problems.iter().map(|e| format!("{}:{} {}", e.line, e.column, u.lang.pick(&e.message_zh, &e.message_en))).collect()
}

/// Publishes the text as the federation's template (a new version); the page again with the
/// problems, the text kept.
async fn publish(
    State(state): State<AppState>,
    PageUser(u): PageUser,
    Path(key): Path<String>,
    Form(f): Form<TextForm>,
) -> Result<Response, PageError> {
    let s = u.scoped(&state);
    let messages = match s.publish_layer_file(&path(&key), &f.text).await {
        Ok(_) => return Ok(Redirect::to(&format!("/report/templates/{key}")).into_response()),
        Err(StoreError::Pack(p)) => located(&u, &p),
        Err(e) => crate::pages::form_messages(&u, e)?,
    };
    let page = edit_page(&s, &u, &state, key, Some((f.text, messages))).await?;
    Ok((axum::http::StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
}

#[derive(Template)]
#[template(path = "report_template_preview.html")]
struct PreviewFragment {
    shell_t: crate::i18n::Lang,
    messages: Vec<String>,
    missing: Vec<String>,
    html: String,
}

/// The live preview (htmx): the text checked, then rendered as a draft over the chosen org and
/// year — placeholders where figures are lacking, listed above it.
async fn preview(
    State(state): State<AppState>,
    PageUser(u): PageUser,
    Path(key): Path<String>,
    Form(f): Form<TextForm>,
) -> Result<Html<String>, PageError> {
    let s = u.scoped(&state);
    let blank = |messages| PreviewFragment { shell_t: u.lang, messages, missing: Vec::new(), html: String::new() };
    if let Err(e) = s.check_layer_file(&path(&key), &f.text) {
        return match e {
            StoreError::Pack(p) => render(&blank(located(&u, &p))),
            other => render(&blank(crate::pages::form_messages(&u, other)?)),
        };
    }
    let year = figures::year(f.year, &s).await?;
    let org = figures::org(f.org, &s).await?;
    let tpl = ReportTemplate { key: key.clone(), file: path(&key), source: f.text };
    match s.report_preview(year, org.id, &tpl).await {
        Ok(report) => {
            let links = kaohe_domain::report::html::Links { base: String::new(), org: org.id.0, year };
            let html = kaohe_domain::report::html::write(&report.doc, &links);
            let missing = report
                .missing
                .iter()
                .map(|m| {
                    let (name, what) = super::report::missing_in_words(&s, u.lang, m);
                    format!("{name}({what})")
                })
                .collect();
            render(&PreviewFragment { shell_t: u.lang, messages: Vec::new(), missing, html: body_of(&html) })
        }
        Err(e) => render(&blank(crate::pages::form_messages(&u, e).unwrap_or_else(|e| vec![e.0.detail().message]))),
    }
}

/// The `<body>` of a whole HTML document (the preview sits inside the page).
fn body_of(html: &str) -> String {
    let start = html.find("<body>").map_or(0, |i| i + "<body>".len());
    let end = html.rfind("</body>").unwrap_or(html.len());
    html.get(start..end).unwrap_or(html).to_owned()
}
