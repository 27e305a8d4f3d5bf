//! User administration pages: list and create (system administrator); role, password reset and
//! unlock (security administrator).

use crate::auth::{CurrentUser, PageUser};
use crate::pages::{Opt, Shell, form_messages, render};
use crate::{AppState, PageError, WebError};
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use kaohe_domain::{Action, OrgId, Role, UserId};
use kaohe_store::{NewUser, User};
use serde::Deserialize;

pub struct UserRow {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub org_name: String,
    pub role: &'static str,
    pub disabled: bool,
    /// Must change a reset password at the next sign-in.
    pub must_change_password: bool,
    pub second_factor: bool,
    pub removed: bool,
}

#[derive(Template)]
#[template(path = "users.html")]
struct UsersPage {
    shell: Shell,
    users: Vec<UserRow>,
    can_create: bool,
    orgs: Vec<Opt>,
    errors: Vec<String>,
}

#[derive(Template)]
#[template(path = "user_detail.html")]
struct UserPage {
    shell: Shell,
    user: UserRow,
    locked_until: String,
    can_security: bool,
    can_manage: bool,
    roles: Vec<Opt>,
    errors: Vec<String>,
}

async fn row(state: &AppState, u: &CurrentUser, user: &User) -> UserRow {
    let org_name = u.scoped(state).org(user.org_id).await.map(|o| o.name).unwrap_or_default();
    UserRow {
        id: user.id.0,
        username: user.username.clone(),
        display_name: user.display_name.clone(),
        org_name,
        role: u.lang.pick(user.role.label_zh(), user.role.label_en()),
        disabled: user.disabled,
        must_change_password: user.must_change_password,
        second_factor: user.second_factor,
        removed: user.removed_at.is_some(),
    }
}

/// The roles the acting user may give `user` (三员分立), the current one first selected.
fn roles(u: &CurrentUser, state: &AppState, user: &User) -> Vec<Opt> {
    let actor = u.scoped(state).actor().clone();
    Role::ALL
        .iter()
        .filter(|r| **r == user.role || kaohe_domain::may_grant(&actor, user.id, user.role, **r).is_ok())
        .map(|r| Opt::new(r.code(), u.lang.pick(r.label_zh(), r.label_en()), *r == user.role))
        .collect()
}

async fn list_page(state: &AppState, u: &CurrentUser, errors: Vec<String>) -> Result<Response, PageError> {
    let scoped = u.scoped(state);
    let mut rows = Vec::new();
    for user in scoped.users().await? {
        rows.push(row(state, u, &user).await);
    }
    let can_create = scoped.can(Action::UserWrite);
    let orgs = if can_create {
        scoped
            .org_subtree(None, false)
            .await?
            .into_iter()
            .take(2000)
            .map(|o| Opt::new(o.id, format!("{} {}", o.code.as_str(), o.name), false))
            .collect()
    } else {
        vec![]
    };
    let status = if errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    let page = UsersPage { shell: Shell::new(u, state, "users"), users: rows, can_create, orgs, errors };
    Ok((status, render(&page)?).into_response())
}

async fn list(State(state): State<AppState>, PageUser(u): PageUser) -> Result<Response, PageError> {
    list_page(&state, &u, vec![]).await
}

#[derive(Deserialize)]
struct CreateForm {
    username: String,
    display_name: String,
    org_id: i64,
    /// Absent from the system administrator's form: accounts start without a role.
    #[serde(default)]
    role: Option<String>,
    password: String,
}

fn parse_role(s: &str) -> Result<Role, WebError> {
    Ok(crate::api::dto::parse_role(s)?)
}

async fn create(
    State(state): State<AppState>,
    PageUser(u): PageUser,
    Form(f): Form<CreateForm>,
) -> Result<Response, PageError> {
    let new = NewUser {
        username: f.username,
        display_name: f.display_name,
        org_id: OrgId(f.org_id),
        role: crate::api::dto::parse_optional_role(f.role.as_deref())?,
        password: f.password,
    };
    match u.scoped(&state).create_user(new).await {
        Ok(created) => Ok(Redirect::to(&format!("/users/{}", created.id)).into_response()),
        Err(e) => list_page(&state, &u, form_messages(&u, e)?).await,
    }
}

async fn detail_page(
    state: &AppState,
    u: &CurrentUser,
    id: UserId,
    errors: Vec<String>,
) -> Result<Response, PageError> {
    let scoped = u.scoped(state);
    let user = scoped.user(id).await?;
    let can_security = scoped.can(Action::UserSecurity);
    let locked_until = if can_security {
        scoped.locked_until(id).await?.map(|t| t.format("%Y-%m-%d %H:%M UTC").to_string()).unwrap_or_default()
    } else {
        String::new()
    };
    let status = if errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    let page = UserPage {
        shell: Shell::new(u, state, "users"),
        user: row(state, u, &user).await,
        locked_until,
        can_security,
        can_manage: scoped.can(Action::UserWrite) && u.scoped(state).actor().user_id() != Some(user.id),
        roles: roles(u, state, &user),
        errors,
    };
    Ok((status, render(&page)?).into_response())
}

async fn detail(
    State(state): State<AppState>,
    PageUser(u): PageUser,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    detail_page(&state, &u, UserId(id), vec![]).await
}

#[derive(Deserialize)]
struct RoleForm {
    role: String,
}

async fn set_role(
    State(state): State<AppState>,
    PageUser(u): PageUser,
    Path(id): Path<i64>,
    Form(f): Form<RoleForm>,
) -> Result<Response, PageError> {
    u.scoped(&state).set_role(UserId(id), parse_role(&f.role)?).await?;
    Ok(Redirect::to(&format!("/users/{id}")).into_response())
}

#[derive(Deserialize)]
struct PasswordForm {
    password: String,
}

async fn reset_password(
    State(state): State<AppState>,
    PageUser(u): PageUser,
    Path(id): Path<i64>,
    Form(f): Form<PasswordForm>,
) -> Result<Response, PageError> {
    match u.scoped(&state).reset_password(UserId(id), &f.password).await {
        Ok(_) => Ok(Redirect::to(&format!("/users/{id}")).into_response()),
        Err(e) => detail_page(&state, &u, UserId(id), form_messages(&u, e)?).await,
    }
}

#[derive(Deserialize)]
struct DisabledForm {
    disabled: String,
}

async fn set_disabled(
    State(state): State<AppState>,
    PageUser(u): PageUser,
    Path(id): Path<i64>,
    Form(f): Form<DisabledForm>,
) -> Result<Response, PageError> {
    match u.scoped(&state).set_disabled(UserId(id), f.disabled == "1").await {
        Ok(_) => Ok(Redirect::to(&format!("/users/{id}")).into_response()),
        Err(e) => detail_page(&state, &u, UserId(id), form_messages(&u, e)?).await,
    }
}

async fn remove(
    State(state): State<AppState>,
    PageUser(u): PageUser,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    match u.scoped(&state).remove_user(UserId(id)).await {
        Ok(_) => Ok(Redirect::to("/users").into_response()),
        Err(e) => detail_page(&state, &u, UserId(id), form_messages(&u, e)?).await,
    }
}

async fn reset_second_factor(
    State(state): State<AppState>,
    PageUser(u): PageUser,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    match u.scoped(&state).reset_second_factor(UserId(id)).await {
        Ok(_) => Ok(Redirect::to(&format!("/users/{id}")).into_response()),
        Err(e) => detail_page(&state, &u, UserId(id), form_messages(&u, e)?).await,
    }
}

async fn unlock(
    State(state): State<AppState>,
    PageUser(u): PageUser,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    u.scoped(&state).unlock(UserId(id)).await?;
    Ok(Redirect::to(&format!("/users/{id}")).into_response())
}

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/users", get(list).post(create))
        .route("/users/{id}", get(detail))
        .route("/users/{id}/disabled", post(set_disabled))
        .route("/users/{id}/role", post(set_role))
        .route("/users/{id}/password", post(reset_password))
        .route("/users/{id}/unlock", post(unlock))
        .route("/users/{id}/remove", post(remove))
        .route("/users/{id}/second-factor/reset", post(reset_second_factor))
}
