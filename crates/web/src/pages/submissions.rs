//! Submission pages (填报): what the user's org is asked to submit for a year, the form for one
//! request (manual figures, narrative, evidence files, history), saving and submitting (with the
//! consistency checks' messages), the reviewer inbox, and approving or returning.

use crate::auth::{CurrentUser, PageUser};
use crate::figures;
use crate::pages::{Shell, download, form_messages, render};
use crate::{AppState, PageError, WebError};
use askama::Template;
use axum::extract::{DefaultBodyLimit, Multipart, Path, Query, State};
use axum::http::HeaderMap;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use kaohe_domain::indicator::Number;
use kaohe_domain::submission::{Request, State as SubState, Step};
use kaohe_domain::{Action, OrgId};
use kaohe_store::Scoped;
use kaohe_store::Submission;
use serde::Deserialize;
use std::collections::BTreeMap;

#[derive(Debug, Default, Deserialize)]
struct ListQuery {
    org: Option<i64>,
    year: Option<i32>,
}

struct RequestRow {
    key: String,
    name: String,
    deadline: String,
    state: String,
    state_code: &'static str,
    late: bool,
}

#[derive(Template)]
#[template(path = "submissions.html")]
struct ListPage {
    shell: Shell,
    year: i32,
    org_id: i64,
    org_name: String,
    rows: Vec<RequestRow>,
}

fn state_label(u: &CurrentUser, s: Option<SubState>) -> (String, &'static str) {
    match s {
        Some(s) => (u.lang.pick(s.label_zh(), s.label_en()).to_owned(), s.code()),
        None => (u.lang.s("not_started").to_owned(), "none"),
    }
}

async fn list(
    State(state): State<AppState>,
    PageUser(u): PageUser,
    Query(q): Query<ListQuery>,
) -> Result<Html<String>, PageError> {
    let s = u.scoped(&state);
    let year = figures::year(q.year, &s).await?;
    let org = figures::org(q.org, &s).await?;
    let mut rows = Vec::new();
    for r in s.requests_for(year, org.id).await? {
        let sub = s.submission(year, org.id, &r.key).await?;
        let (label, code) = state_label(&u, sub.as_ref().map(|x| x.state));
        rows.push(RequestRow {
            key: r.key.clone(),
            name: u.lang.pick(&r.name_zh, &r.name_en).to_owned(),
            deadline: r.deadline.to_string(),
            state: label,
            state_code: code,
            late: sub.is_some_and(|x| x.late),
        });
    }
    render(&ListPage {
        shell: Shell::new(&u, &state, "submissions"),
        year,
        org_id: org.id.0,
        org_name: org.name.clone(),
        rows,
    })
}

struct ValueField {
    key: String,
    label: String,
    unit: String,
    value: String,
    percent: bool,
}

struct HistoryRow {
    at: String,
    actor: String,
    step: String,
    note: String,
}

struct FileRow {
    id: i64,
    name: String,
    size: String,
}

#[derive(Template)]
#[template(path = "submission.html")]
struct FormPage {
    shell: Shell,
    year: i32,
    org_id: i64,
    org_name: String,
    key: String,
    name: String,
    deadline: String,
    state: String,
    state_code: &'static str,
    late: bool,
    return_reason: String,
    fields: Vec<ValueField>,
    narrative: String,
    narrative_required: bool,
    editable: bool,
    reviewable: bool,
    errors: Vec<String>,
    history: Vec<HistoryRow>,
    files: Vec<FileRow>,
}

async fn request_of(s: &Scoped<'_>, year: i32, org: OrgId, key: &str) -> Result<Request, PageError> {
    s.requests_for(year, org)
        .await?
        .into_iter()
        .find(|r| r.key == key)
        .ok_or_else(|| kaohe_domain::DomainError::NotFound.into())
}

fn is_percent(s: &Scoped<'_>, key: &str) -> bool {
    s.indicators().get(key).is_some_and(|i| i.is_percent())
}

/// The form as stored, or as typed back after a refusal.
async fn form_page(
    state: &AppState,
    u: &CurrentUser,
    (year, org, key): (i32, OrgId, &str),
    typed: Option<(&BTreeMap<String, String>, &str)>,
    errors: Vec<String>,
) -> Result<FormPage, PageError> {
    let s = u.scoped(state);
    let o = s.org(org).await?;
    let req = request_of(&s, year, org, key).await?;
    let sub: Option<Submission> = s.submission(year, org, key).await?;
    let (history, files) = match &sub {
        Some(x) => s.submission_details(x).await?,
        None => (Vec::new(), Vec::new()),
    };
    let shown = |k: &str, v: Number| {
        if is_percent(&s, k) {
            v.checked_mul(Number::int(100)).map_or(String::new(), |p| p.to_string())
        } else {
            v.to_string()
        }
    };
    let fields = req
        .indicators
        .iter()
        .map(|k| {
            let ind = s.indicators().get(k);
            ValueField {
                key: k.clone(),
                label: ind.map_or(k.clone(), |i| u.lang.pick(&i.def.name_zh, &i.def.name_en).to_owned()),
                unit: ind.map_or(String::new(), |i| u.lang.pick(&i.def.unit, &i.def.unit_en).to_owned()),
                value: match typed {
                    Some((t, _)) => t.get(k).cloned().unwrap_or_default(),
                    None => sub.as_ref().and_then(|x| x.values.get(k)).map_or(String::new(), |v| shown(k, *v)),
                },
                percent: is_percent(&s, k),
            }
        })
        .collect();
    let st = sub.as_ref().map(|x| x.state);
    let (label, code) = state_label(u, st);
    let reviewable = st == Some(SubState::Submitted)
        && s.can(Action::SubmissionReview)
        && u.actor.scope().is_none_or(|p| p != &o.path);
    Ok(FormPage {
        shell: Shell::new(u, state, "submissions"),
        year,
        org_id: org.0,
        org_name: o.name.clone(),
        key: req.key.clone(),
        name: u.lang.pick(&req.name_zh, &req.name_en).to_owned(),
        deadline: req.deadline.to_string(),
        state: label,
        state_code: code,
        late: sub.as_ref().is_some_and(|x| x.late),
        return_reason: sub.as_ref().and_then(|x| x.return_reason.clone()).unwrap_or_default(),
        fields,
        narrative: match typed {
            Some((_, n)) => n.to_owned(),
            None => sub.as_ref().map_or(String::new(), |x| x.narrative.clone()),
        },
        narrative_required: req.narrative,
        editable: st.is_none_or(SubState::editable) && s.can(Action::SubmissionWrite),
        reviewable,
        errors,
        history: history
            .into_iter()
            .map(|h| HistoryRow {
                at: h.at.format("%Y-%m-%d %H:%M").to_string(),
                actor: h.actor,
                step: u.lang.s(&format!("step_{}", h.step)).to_owned(),
                note: h.note.unwrap_or_default(),
            })
            .collect(),
        files: files
            .into_iter()
            .map(|f| FileRow { id: f.id, name: f.file_name, size: format!("{:.1} KB", f.size as f64 / 1024.0) })
            .collect(),
    })
}

async fn show(
    State(state): State<AppState>,
    PageUser(u): PageUser,
    Path((year, org, key)): Path<(i32, i64, String)>,
) -> Result<Html<String>, PageError> {
    render(&form_page(&state, &u, (year, OrgId(org), &key), None, Vec::new()).await?)
}

/// Save or submit; a refusal comes back on the form with what was typed.
async fn save(
    State(state): State<AppState>,
    PageUser(u): PageUser,
    Path((year, org, key)): Path<(i32, i64, String)>,
    Form(f): Form<BTreeMap<String, String>>,
) -> Result<Response, PageError> {
    let s = u.scoped(&state);
    let org = OrgId(org);
    let req = request_of(&s, year, org, &key).await?;
    let narrative = f.get("narrative").cloned().unwrap_or_default();
    let mut values = BTreeMap::new();
    let mut errors = Vec::new();
    let typed: BTreeMap<String, String> =
        req.indicators.iter().map(|k| (k.clone(), f.get(k).cloned().unwrap_or_default())).collect();
    for (k, raw) in &typed {
        let raw = raw.trim().trim_end_matches('%');
        if raw.is_empty() {
            continue;
        }
        match Number::parse_decimal(raw) {
            Some(v) if is_percent(&s, k) => {
                values.insert(k.clone(), v.checked_div(Number::int(100)).unwrap_or(v));
            }
            Some(v) => {
                values.insert(k.clone(), v);
            }
            None => errors.push(format!("{k}: {}", u.lang.s("not_a_number"))),
        }
    }
    if errors.is_empty() {
        let result = match s.save_submission(year, org, &key, values, &narrative).await {
            Ok(_) if f.get("_action").is_some_and(|a| a == "submit") => s.submit(year, org, &key).await.map(|_| ()),
            Ok(_) => Ok(()),
            Err(e) => Err(e),
        };
        match result {
            Ok(()) => return Ok(Redirect::to(&format!("/submissions/{year}/{}/{key}", org.0)).into_response()),
            Err(e) => errors = form_messages(&u, e)?,
        }
    }
    let page = form_page(&state, &u, (year, org, &key), Some((&typed, &narrative)), errors).await?;
    Ok((axum::http::StatusCode::UNPROCESSABLE_ENTITY, render(&page)?).into_response())
}

#[derive(Deserialize)]
struct ReviewForm {
    #[serde(rename = "_action")]
    action: String,
    #[serde(default)]
    reason: String,
}

async fn review(
    State(state): State<AppState>,
    PageUser(u): PageUser,
    Path((year, org, key)): Path<(i32, i64, String)>,
    Form(f): Form<ReviewForm>,
) -> Result<Response, PageError> {
    let s = u.scoped(&state);
    let step = if f.action == "approve" { Step::Approve } else { Step::Return { reason: f.reason } };
    match s.review(year, OrgId(org), &key, step).await {
        Ok(_) => Ok(Redirect::to("/inbox").into_response()),
        Err(e) => {
            let errors = form_messages(&u, e)?;
            let page = form_page(&state, &u, (year, OrgId(org), &key), None, errors).await?;
            Ok((axum::http::StatusCode::UNPROCESSABLE_ENTITY, render(&page)?).into_response())
        }
    }
}

async fn upload(
    State(state): State<AppState>,
    PageUser(u): PageUser,
    Path((year, org, key)): Path<(i32, i64, String)>,
    mut form: Multipart,
) -> Result<Response, PageError> {
    let s = u.scoped(&state);
    let mut file: Option<(String, Vec<u8>)> = None;
    while let Some(field) = form.next_field().await.map_err(|e| WebError::BadRequest(e.to_string()))? {
        if field.name() == Some("file") {
            let name = field.file_name().unwrap_or("file").to_owned();
            let bytes = field.bytes().await.map_err(|e| WebError::BadRequest(e.to_string()))?.to_vec();
            file = Some((name, bytes));
        }
    }
    let Some((name, bytes)) = file else { return Err(WebError::BadRequest("no file".into()).into()) };
    match s.add_evidence(year, OrgId(org), &key, &name, &bytes).await {
        Ok(_) => {
            let mut h = HeaderMap::new();
            h.insert(
                "HX-Redirect",
                format!("/submissions/{year}/{org}/{key}").parse().map_err(|_| WebError::BadRequest("url".into()))?,
            );
            Ok((h, "").into_response())
        }
        Err(e) => {
            let msgs = form_messages(&u, e)?;
            Ok((
                axum::http::StatusCode::UNPROCESSABLE_ENTITY,
                Html(format!("<p class=\"error\">{}</p>", askama_escape(&msgs.join(";")))),
            )
                .into_response())
        }
    }
}

fn askama_escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

async fn evidence(
    State(state): State<AppState>,
    PageUser(u): PageUser,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    let (e, bytes) = u.scoped(&state).evidence_file(id).await?;
    let mime: &'static str = kaohe_store::evidence_kind(&e.file_name, &bytes).unwrap_or("application/octet-stream");
    Ok(download(bytes, &e.file_name, mime))
}

struct InboxRowView {
    year: i32,
    org_id: i64,
    org_name: String,
    key: String,
    name: String,
    deadline: String,
    submitted: String,
    late: bool,
}

#[derive(Template)]
#[template(path = "inbox.html")]
struct InboxPage {
    shell: Shell,
    rows: Vec<InboxRowView>,
}

async fn inbox(State(state): State<AppState>, PageUser(u): PageUser) -> Result<Html<String>, PageError> {
    let rows = u
        .scoped(&state)
        .inbox()
        .await?
        .into_iter()
        .map(|r| InboxRowView {
            year: r.submission.year,
            org_id: r.org.id.0,
            org_name: r.org.name,
            key: r.request.key.clone(),
            name: u.lang.pick(&r.request.name_zh, &r.request.name_en).to_owned(),
            deadline: r.request.deadline.to_string(),
            submitted: r.submission.submitted_at.map_or(String::new(), |t| t.format("%Y-%m-%d %H:%M").to_string()),
            late: r.submission.late,
        })
        .collect();
    render(&InboxPage { shell: Shell::new(&u, &state, "inbox"), rows })
}

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/submissions", get(list))
        .route("/submissions/{year}/{org}/{key}", get(show).post(save))
        .route("/submissions/{year}/{org}/{key}/review", post(review))
        .route(
            "/submissions/{year}/{org}/{key}/evidence",
            post(upload).layer(DefaultBodyLimit::max(kaohe_store::MAX_EVIDENCE_BYTES + 64 * 1024)),
        )
        .route("/evidence/{id}", get(evidence))
        .route("/inbox", get(inbox))
}
