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
    /// Submissions waiting for this reviewer.
    inbox: Option<usize>,
    /// This year's requests of the user's org not yet submitted, and the year.
    to_submit: Option<(usize, i32)>,
}

async fn home(State(state): State<AppState>, PageUser(u): PageUser) -> Result<Html<String>, PageError> {
    let scoped = u.scoped(&state);
    let (org_name, org_count) = match (&u.actor, scoped.can(Action::OrgRead)) {
        (Actor::User { org_id, .. }, true) => (scoped.org(*org_id).await?.name, scoped.org_count().await?),
        _ => (String::new(), 0),
    };
    let inbox = if scoped.can(Action::SubmissionReview) { Some(scoped.inbox().await?.len()) } else { None };
    let to_submit = match (&u.actor, scoped.can(Action::SubmissionWrite)) {
        (Actor::User { org_id, .. }, true) => {
            let year = scoped.default_year().await?;
            match scoped.requests_for(year, *org_id).await {
                Ok(reqs) => {
                    let mut open = 0;
                    for r in reqs {
                        let state = scoped.submission(year, *org_id, &r.key).await?.map(|s| s.state);
                        if state.is_none_or(|s| s.editable()) {
                            open += 1;
                        }
                    }
                    Some((open, year))
                }
                // No rulebook for the year: nothing is asked.
                Err(_) => None,
            }
        }
        _ => None,
    };
    render(&HomePage { shell: Shell::new(&u, &state, "home"), org_name, org_count, inbox, to_submit })
}

pub fn router() -> Router<AppState> {
    Router::new().route("/", get(home))
}
