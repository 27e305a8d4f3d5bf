//! The audit log page (audit administrator only), newest first, paged by id.

use crate::auth::PageUser;
use crate::pages::{Shell, XLSX, download, render};
use crate::{AppState, PageError};
use askama::Template;
use axum::Router;
use axum::extract::{Query, State};
use axum::response::{Html, Response};
use axum::routing::get;
use kaohe_sheets::{Column, ColumnKind, OutCell, write_table};
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
    /// The client's address (empty for the command line and background work).
    client: String,
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
            client: r.client.clone().unwrap_or_default(),
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

/// The whole log in the user's scope as XLSX (the export is itself logged).
async fn export(State(state): State<AppState>, PageUser(u): PageUser) -> Result<Response, PageError> {
    let rows = u.scoped(&state).audit_export().await?;
    let columns: Vec<Column> =
        ["编号", "时间(UTC)", "操作人", "来源地址", "事件", "对象", "内容", "变更前摘要", "变更后摘要"]
            .into_iter()
            .map(|h| Column::new(h, ColumnKind::Text))
            .collect();
    let text = |s: &str| OutCell::Text(s.to_owned());
    let body: Vec<Vec<OutCell>> = rows
        .iter()
        .map(|r| {
            vec![
                OutCell::Integer(r.id),
                text(&r.at.format("%Y-%m-%d %H:%M:%S%.6f").to_string()),
                text(&r.actor),
                text(r.client.as_deref().unwrap_or("")),
                text(&r.action),
                text(&format!("{} {}", r.entity, r.entity_id.as_deref().unwrap_or(""))),
                text(&r.summary),
                text(r.before_digest.as_deref().unwrap_or("")),
                text(r.after_digest.as_deref().unwrap_or("")),
            ]
        })
        .collect();
    let bytes = write_table("审计日志", &columns, &body).map_err(|e| crate::WebError::Internal(e.to_string()))?;
    Ok(download(bytes, "审计日志.xlsx", XLSX))
}

/// The hash chain recomputed, in words.
async fn verify(State(state): State<AppState>, PageUser(u): PageUser) -> Result<Html<String>, PageError> {
    let check = u.scoped(&state).audit_chain_check().await?;
    let (class, text) = if check.problems.is_empty() {
        (
            "notice",
            format!(
                "{}:{} {}",
                u.lang.pick("哈希链完整", "the hash chain is intact"),
                check.rows,
                u.lang.pick("条记录", "rows")
            ),
        )
    } else {
        ("error", check.problems.join("\n"))
    };
    Ok(Html(format!("<p class=\"{class} pre\" role=\"status\">{}</p>", kaohe_domain::report::html::escape(&text))))
}

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/audit", get(audit))
        .route("/audit/export.xlsx", get(export))
        .route("/audit/verify", get(verify))
}
