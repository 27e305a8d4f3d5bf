//! The org tree pages: browse (children load lazily with htmx), search, detail, create, edit,
//! move, close.

use crate::auth::{CurrentUser, PageUser};
use crate::i18n::Lang;
use crate::pages::{Opt, Shell, form_messages, render};
use crate::{AppState, PageError, WebError};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use chrono::NaiveDate;
use kaohe_domain::{Action, DomainError, Org, OrgId, OrgKind};
use kaohe_store::{NewOrg, OrgUpdate, StoreError};
use serde::Deserialize;

/// An org as a row of the tree.
pub struct OrgRow {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub kind: &'static str,
    pub closed: bool,
}

impl OrgRow {
    fn new(o: &Org, t: Lang) -> Self {
        OrgRow {
            id: o.id.0,
            code: o.code.as_str().to_owned(),
            name: o.name.clone(),
            kind: t.pick(o.kind.label_zh(), o.kind.label_en()),
            closed: o.closed_on.is_some(),
        }
    }
}

#[derive(Template)]
#[template(path = "org_tree.html")]
struct TreePage {
    shell: Shell,
    roots: Vec<OrgRow>,
}

#[derive(Template)]
#[template(path = "org_rows.html")]
struct RowsFragment {
    t: Lang,
    rows: Vec<OrgRow>,
}

#[derive(Template)]
#[template(path = "org_detail.html")]
struct DetailPage {
    shell: Shell,
    org: OrgRow,
    short_name: String,
    sort_key: i32,
    opened_on: String,
    closed_on: String,
    groups: String,
    trail: Vec<OrgRow>,
    children: Vec<OrgRow>,
    kinds: Vec<Opt>,
    can_write: bool,
    errors: Vec<String>,
}

async fn tree(State(state): State<AppState>, PageUser(u): PageUser) -> Result<Html<String>, PageError> {
    let roots = u.scoped(&state).org_children(None, false).await?;
    let rows = roots.iter().map(|o| OrgRow::new(o, u.lang)).collect();
    render(&TreePage { shell: Shell::new(&u, &state, "orgs"), roots: rows })
}

#[derive(Deserialize)]
struct ChildrenQuery {
    #[serde(default)]
    closed: bool,
}

async fn children(
    State(state): State<AppState>,
    PageUser(u): PageUser,
    Path(id): Path<i64>,
    Query(q): Query<ChildrenQuery>,
) -> Result<Html<String>, PageError> {
    let kids = u.scoped(&state).org_children(Some(OrgId(id)), q.closed).await?;
    render(&RowsFragment { t: u.lang, rows: kids.iter().map(|o| OrgRow::new(o, u.lang)).collect() })
}

#[derive(Deserialize)]
struct SearchQuery {
    q: String,
}

async fn search(
    State(state): State<AppState>,
    PageUser(u): PageUser,
    Query(q): Query<SearchQuery>,
) -> Result<Html<String>, PageError> {
    let rows = if q.q.trim().is_empty() { vec![] } else { u.scoped(&state).search_orgs(&q.q, 50).await? };
    render(&RowsFragment { t: u.lang, rows: rows.iter().map(|o| OrgRow::new(o, u.lang)).collect() })
}

async fn detail_page(state: &AppState, u: &CurrentUser, id: OrgId, errors: Vec<String>) -> Result<Response, PageError> {
    let scoped = u.scoped(state);
    let org = scoped.org(id).await?;
    let mut trail = Vec::new();
    for anc in org.path.ids().into_iter().filter(|a| *a != id) {
        if let Ok(a) = scoped.org(anc).await {
            trail.push(OrgRow::new(&a, u.lang));
        }
    }
    let children = scoped.org_children(Some(id), true).await?;
    let status = if errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    let page = DetailPage {
        shell: Shell::new(u, state, "orgs"),
        org: OrgRow::new(&org, u.lang),
        short_name: org.short_name.clone().unwrap_or_default(),
        sort_key: org.sort_key,
        opened_on: org.opened_on.to_string(),
        closed_on: org.closed_on.map(|d| d.to_string()).unwrap_or_default(),
        groups: org.groups.join("、"),
        trail,
        children: children.iter().map(|o| OrgRow::new(o, u.lang)).collect(),
        kinds: OrgKind::ALL
            .iter()
            .map(|k| Opt::new(k.code(), u.lang.pick(k.label_zh(), k.label_en()), *k == org.kind))
            .collect(),
        can_write: scoped.can(Action::OrgWrite) && org.closed_on.is_none(),
        errors,
    };
    Ok((status, render(&page)?).into_response())
}

async fn detail(
    State(state): State<AppState>,
    PageUser(u): PageUser,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    detail_page(&state, &u, OrgId(id), vec![]).await
}

/// Validation and conflict errors go back to the form's page; others become error pages.
async fn or_form_errors(
    state: &AppState,
    u: &CurrentUser,
    page_of: OrgId,
    e: StoreError,
) -> Result<Response, PageError> {
    let messages = form_messages(u, e)?;
    detail_page(state, u, page_of, messages).await
}

#[derive(Deserialize)]
struct CreateForm {
    parent_id: i64,
    code: String,
    name: String,
    #[serde(default)]
    short_name: String,
    kind: String,
    #[serde(default)]
    sort_key: Option<i32>,
    #[serde(default)]
    groups: String,
}

fn parse_kind(s: &str) -> Result<OrgKind, WebError> {
    OrgKind::parse(s).ok_or_else(|| WebError::BadRequest(format!("unknown kind {s:?}")))
}

async fn create(
    State(state): State<AppState>,
    PageUser(u): PageUser,
    Form(f): Form<CreateForm>,
) -> Result<Response, PageError> {
    let new = NewOrg {
        code: f.code,
        name: f.name,
        short_name: Some(f.short_name),
        kind: parse_kind(&f.kind)?,
        parent_id: Some(OrgId(f.parent_id)),
        sort_key: f.sort_key,
        opened_on: None,
        // Checked and split by the store (、 , ; or spaces).
        groups: vec![f.groups],
    };
    match u.scoped(&state).create_org(new).await {
        Ok(org) => Ok(Redirect::to(&format!("/orgs/{}", org.id)).into_response()),
        Err(e) => or_form_errors(&state, &u, OrgId(f.parent_id), e).await,
    }
}

#[derive(Deserialize)]
struct EditForm {
    name: String,
    #[serde(default)]
    short_name: String,
    kind: String,
    sort_key: i32,
    #[serde(default)]
    groups: String,
}

async fn edit(
    State(state): State<AppState>,
    PageUser(u): PageUser,
    Path(id): Path<i64>,
    Form(f): Form<EditForm>,
) -> Result<Response, PageError> {
    let upd = OrgUpdate {
        name: Some(f.name),
        short_name: Some(f.short_name),
        kind: Some(parse_kind(&f.kind)?),
        sort_key: Some(f.sort_key),
        groups: Some(vec![f.groups]),
    };
    match u.scoped(&state).update_org(OrgId(id), upd).await {
        Ok(_) => Ok(Redirect::to(&format!("/orgs/{id}")).into_response()),
        Err(e) => or_form_errors(&state, &u, OrgId(id), e).await,
    }
}

#[derive(Deserialize)]
struct MoveForm {
    parent_code: String,
}

async fn move_org(
    State(state): State<AppState>,
    PageUser(u): PageUser,
    Path(id): Path<i64>,
    Form(f): Form<MoveForm>,
) -> Result<Response, PageError> {
    let scoped = u.scoped(&state);
    let result = match scoped.org_by_code(&f.parent_code).await {
        Ok(parent) => scoped.move_org(OrgId(id), parent.id).await,
        Err(StoreError::Domain(DomainError::NotFound)) => Err(DomainError::invalid(
            "parent_code",
            format!("上级代码“{}”不存在或不在您的范围内", f.parent_code.trim()),
            format!("parent code {:?} does not exist or is outside your scope", f.parent_code.trim()),
        )
        .into()),
        Err(e) => Err(e),
    };
    match result {
        Ok(_) => Ok(Redirect::to(&format!("/orgs/{id}")).into_response()),
        Err(e) => or_form_errors(&state, &u, OrgId(id), e).await,
    }
}

#[derive(Deserialize)]
struct CloseForm {
    closed_on: NaiveDate,
}

async fn close(
    State(state): State<AppState>,
    PageUser(u): PageUser,
    Path(id): Path<i64>,
    Form(f): Form<CloseForm>,
) -> Result<Response, PageError> {
    match u.scoped(&state).close_org(OrgId(id), f.closed_on).await {
        Ok(_) => Ok(Redirect::to(&format!("/orgs/{id}")).into_response()),
        Err(e) => or_form_errors(&state, &u, OrgId(id), e).await,
    }
}

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/orgs", get(tree).post(create))
        .route("/orgs/search", get(search))
        .route("/orgs/{id}", get(detail).post(edit))
        .route("/orgs/{id}/children", get(children))
        .route("/orgs/{id}/move", post(move_org))
        .route("/orgs/{id}/close", post(close))
}
