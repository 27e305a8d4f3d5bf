//! The audit log page (audit administrator only), newest first, paged by id.

use crate::auth::PageUser;
use crate::pages::{Shell, render};
use crate::{AppState, PageError};
use askama::Template;
use axum::Router;
use axum::extract::{Query, State};
use axum::response::Html;
use axum::routing::get;
use kaohe_store::AuditRow;
use serde::Deserialize;

const PAGE: u64 = 100;

/// An audit row as the page shows it: digests shortened to 8 hex digits.
struct Row {
    at: String,
    actor: String,
    action: String,
    entity: String,
    summary: String,
    digests: String,
}

impl From<&AuditRow> for Row {
    fn from(r: &AuditRow) -> Self {
        let short =
            |d: &Option<String>| d.as_deref().map(|d| d.chars().take(8).collect::<String>()).unwrap_or_default();
        Row {
            at: r.at.format("%Y-%m-%d %H:%M:%S").to_string(),
            actor: r.actor.clone(),
            action: r.action.clone(),
            entity: match &r.entity_id {
                Some(id) => format!("{} #{id}", r.entity),
                None => r.entity.clone(),
            },
            summary: r.summary.clone(),
            digests: format!("{}/{}", short(&r.before_digest), short(&r.after_digest)),
        }
    }
}

#[derive(Template)]
#[template(path = "audit.html")]
struct AuditPage {
    shell: Shell,
    rows: Vec<Row>,
    older: Option<i64>,
}

#[derive(Deserialize)]
struct AuditQuery {
    before: Option<i64>,
}

async fn audit(
    State(state): State<AppState>,
    PageUser(u): PageUser,
    Query(q): Query<AuditQuery>,
) -> Result<Html<String>, PageError> {
    let rows = u.scoped(&state).audit_rows(PAGE, q.before).await?;
    let older = if rows.len() as u64 == PAGE { rows.last().map(|r| r.id) } else { None };
    render(&AuditPage { shell: Shell::new(&u, &state, "audit"), rows: rows.iter().map(Row::from).collect(), older })
}

pub fn router() -> Router<AppState> {
    Router::new().route("/audit", get(audit))
}
