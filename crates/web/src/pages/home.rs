//! The home page: who I am, my scope, where to go.

use crate::auth::PageUser;
use crate::pages::{Shell, render};
use crate::{AppState, PageError};
use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::response::Html;
use axum::routing::get;
use kaohe_domain::{Action, Actor};

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    shell: Shell,
    org_name: String,
    org_count: u64,
}

async fn home(State(state): State<AppState>, PageUser(u): PageUser) -> Result<Html<String>, PageError> {
    let scoped = u.scoped(&state);
    let (org_name, org_count) = match (&u.actor, scoped.can(Action::OrgRead)) {
        (Actor::User { org_id, .. }, true) => (scoped.org(*org_id).await?.name, scoped.org_count().await?),
        _ => (String::new(), 0),
    };
    render(&HomePage { shell: Shell::new(&u, &state, "home"), org_name, org_count })
}

pub fn router() -> Router<AppState> {
    Router::new().route("/", get(home))
}
