//! Server-rendered pages. Each handler builds an askama template; whole pages on first load,
//! fragments for htmx swaps. Every handler reaches data through the user's scoped store.

mod account;
mod assessment;
mod audit;
mod calendars;
pub(crate) mod dashboard;
mod home;
pub(crate) mod indicators;
mod login;
mod orgs;
mod record_form;
mod records;
mod registry_files;
mod report;
mod report_templates;
mod rulebook_items;
mod rulebook_parts;
mod rulebooks;
mod submissions;
mod targets;
mod tasks;
mod users;

use crate::AppState;
use crate::auth::CurrentUser;
use crate::i18n::Lang;
use askama::Template;
use axum::Router;
use axum::http::header;
use axum::response::{Html, IntoResponse, Response};
use kaohe_domain::{Action, Actor};

/// What the page frame shows: language, CSRF token, who is signed in, which links to offer.
pub struct Shell {
    pub t: Lang,
    pub csrf: String,
    pub user_name: String,
    pub role_label: String,
    pub can_orgs: bool,
    pub can_users: bool,
    pub can_audit: bool,
    pub can_records: bool,
    pub can_review: bool,
    /// The 系统管理员 keeps the holiday notices.
    pub can_calendars: bool,
    pub active: &'static str,
}

impl Shell {
    pub fn new(u: &CurrentUser, state: &AppState, active: &'static str) -> Self {
        let scoped = u.scoped(state);
        let t = u.lang;
        let role_label = match &u.actor {
            Actor::User { role, .. } => t.pick(role.label_zh(), role.label_en()).to_owned(),
            Actor::Operator => "operator".into(),
        };
        Shell {
            t,
            csrf: u.csrf.clone(),
            user_name: u.actor.audit_name().to_owned(),
            role_label,
            can_orgs: scoped.can(Action::OrgRead),
            can_users: scoped.can(Action::UserRead),
            can_audit: scoped.can(Action::AuditRead),
            can_records: scoped.can(Action::RecordRead),
            can_review: scoped.can(Action::SubmissionReview),
            can_calendars: scoped.can(Action::OrgWrite),
            active,
        }
    }
}

/// One option of a `<select>`.
pub struct Opt {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

impl Opt {
    pub fn new(value: impl ToString, label: impl ToString, selected: bool) -> Self {
        Opt { value: value.to_string(), label: label.to_string(), selected }
    }
}

/// The messages of a refusal that belongs back on the form (validation, conflict), in the user's
/// language; other errors become error pages.
pub fn form_messages(u: &CurrentUser, e: kaohe_store::StoreError) -> Result<Vec<String>, crate::PageError> {
    use kaohe_domain::DomainError;
    use kaohe_store::StoreError;
    match e {
        StoreError::Domain(DomainError::Validation(fields)) => {
            Ok(fields.iter().map(|f| u.lang.pick(&f.message_zh, &f.message_en).to_owned()).collect())
        }
        StoreError::Domain(DomainError::Conflict(m)) => {
            let (zh, en) = m.split_once(" / ").unwrap_or((&m, &m));
            Ok(vec![u.lang.pick(zh, en).to_owned()])
        }
        other => Err(other.into()),
    }
}

/// The XLSX media type.
pub const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// A file download named in UTF-8 (Chinese file names survive every browser).
pub fn download(bytes: Vec<u8>, name: &str, mime: &str) -> Response {
    let encoded: String = name
        .bytes()
        .map(|b| if b.is_ascii_alphanumeric() || b == b'.' { (b as char).to_string() } else { format!("%{b:02X}") })
        .collect();
    (
        [
            (header::CONTENT_TYPE, mime.to_owned()),
            (header::CONTENT_DISPOSITION, format!("attachment; filename=\"download\"; filename*=UTF-8''{encoded}")),
        ],
        bytes,
    )
        .into_response()
}

/// Renders a template into an HTML response.
pub fn render<T: Template>(t: &T) -> Result<Html<String>, crate::PageError> {
    Ok(Html(t.render()?))
}

pub fn router() -> Router<AppState> {
    Router::new()
        .merge(login::router())
        .merge(home::router())
        .merge(orgs::router())
        .merge(users::router())
        .merge(audit::router())
        .merge(account::router())
        .merge(records::router())
        .merge(record_form::router())
        .merge(registry_files::router())
        .merge(indicators::router())
        .merge(assessment::router())
        .merge(tasks::router())
        .merge(report::router())
        .merge(dashboard::router())
        .merge(submissions::router())
        .merge(targets::router())
        .merge(rulebooks::router())
        .merge(rulebook_items::router())
        .merge(rulebook_parts::router())
        .merge(calendars::router())
        .merge(report_templates::router())
}
