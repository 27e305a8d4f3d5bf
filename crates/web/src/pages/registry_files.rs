//! Registry files in the browser: template download, export download, and imports that run as
//! background jobs with a progress display, an error table and a marked error report.

use crate::auth::{CurrentUser, PageUser};
use crate::jobs::JobState;
use crate::pages::records::parse_query;
use crate::pages::{Shell, XLSX, download, render};
use crate::{AppState, PageError, WebError};
use askama::Template;
use axum::Router;
use axum::extract::{DefaultBodyLimit, Multipart, Path, RawQuery, State};
use axum::response::{Html, Response};
use axum::routing::get;
use kaohe_domain::{Action, OrgId};
use kaohe_exchange::ExportFormat;

/// The largest upload accepted (the importer also bounds rows and columns).
const UPLOAD_LIMIT: usize = 110 * 1024 * 1024;

async fn template(
    State(state): State<AppState>,
    PageUser(u): PageUser,
    Path(key): Path<String>,
) -> Result<Response, PageError> {
    let scoped = u.scoped(&state);
    let reg = scoped.registry(&key)?;
    let bytes = kaohe_exchange::template(reg).map_err(|e| WebError::Internal(e.to_string()))?;
    Ok(download(bytes, &format!("{}导入模板.xlsx", reg.label_zh), XLSX))
}

/// A masked export: a plain link.
async fn export(
    State(state): State<AppState>,
    PageUser(u): PageUser,
    Path(key): Path<String>,
    RawQuery(raw): RawQuery,
) -> Result<Response, PageError> {
    let p = parse_query(raw.as_deref());
    // Personal data in clear leaves only by a form posted from the page (CSRF-checked), never by
    // a link: a link can be sent from another site and would write an unmask audit row.
    if p.get("unmask").is_some_and(|v| v == "1") {
        return Err(WebError::BadRequest(u.lang.s("unmask_by_post").to_owned()).into());
    }
    export_as(&state, &u, &key, &p, false).await
}

/// The export form: `format` and the list's query `q`, with personal data in clear (audited).
#[derive(serde::Deserialize)]
struct ExportForm {
    #[serde(default)]
    q: String,
}

async fn export_unmasked(
    State(state): State<AppState>,
    PageUser(u): PageUser,
    Path(key): Path<String>,
    axum::Form(f): axum::Form<ExportForm>,
) -> Result<Response, PageError> {
    export_as(&state, &u, &key, &parse_query(Some(&f.q)), true).await
}

async fn export_as(
    state: &AppState,
    u: &CurrentUser,
    key: &str,
    p: &std::collections::BTreeMap<String, String>,
    unmask: bool,
) -> Result<Response, PageError> {
    let scoped = u.scoped(state);
    let label = scoped.registry(key)?.label_zh.clone();
    let under = p.get("under").and_then(|v| v.parse().ok()).map(OrgId);
    let (fmt, ext, mime) = if p.get("format").is_some_and(|f| f == "csv") {
        (ExportFormat::Csv, "csv", "text/csv; charset=utf-8")
    } else {
        (ExportFormat::Xlsx, "xlsx", XLSX)
    };
    let bytes = kaohe_exchange::export(&scoped, key, under, unmask, fmt).await?;
    Ok(download(bytes, &format!("{label}.{ext}"), mime))
}

#[derive(Template)]
#[template(path = "import.html")]
struct ImportPage {
    shell: Shell,
    key: String,
    label: String,
    /// The column choice last confirmed at the user's org, offered again.
    remembered: Option<kaohe_store::ColumnChoice>,
}

async fn import_page(
    State(state): State<AppState>,
    PageUser(u): PageUser,
    Path(key): Path<String>,
) -> Result<Html<String>, PageError> {
    let scoped = u.scoped(&state);
    let reg = scoped.registry(&key)?;
    if !scoped.can(Action::RecordWrite) {
        return Err(kaohe_domain::DomainError::Forbidden("角色无此权限 / the role does not allow this").into());
    }
    let label = u.lang.pick(&reg.label_zh, &reg.label_en).to_owned();
    let remembered = match u.actor.org_id() {
        Some(org) => scoped.import_choice(&key, org).await?,
        None => None,
    };
    // Confirmed without any choice: nothing to offer or announce.
    let remembered = remembered.filter(|r| !r.ignore.is_empty() || r.header_row.is_some());
    render(&ImportPage { shell: Shell::new(&u, &state, "registries"), key, label, remembered })
}

/// A job's progress, polled by the page until it ends (imports and reports).
#[derive(Template)]
#[template(path = "job.html")]
pub(crate) struct JobFragment {
    t: crate::i18n::Lang,
    id: u64,
    title: String,
    state: JobState,
    stage: Option<String>,
    /// The names of the files to download, in order (`/jobs/{id}/files/{n}`).
    files: Vec<String>,
}

impl JobFragment {
    pub(crate) fn of(t: crate::i18n::Lang, id: u64, j: crate::jobs::Job) -> Self {
        let files = j.files.iter().map(|f| f.name.clone()).collect();
        JobFragment { t, id, title: j.title, state: j.state, stage: j.stage, files }
    }
}

/// Starts an import job from an uploaded file; answers the job's progress fragment.
async fn start_import(
    State(state): State<AppState>,
    PageUser(u): PageUser,
    Path(key): Path<String>,
    mut form: Multipart,
) -> Result<Html<String>, PageError> {
    let scoped = u.scoped(&state);
    scoped.registry(&key)?;
    if !scoped.can(Action::RecordWrite) {
        return Err(kaohe_domain::DomainError::Forbidden("角色无此权限 / the role does not allow this").into());
    }
    // A file is checked and previewed first; only 确认导入 (`confirm`) writes it.
    let (mut bytes, mut name, mut dry_run) = (Vec::new(), String::new(), true);
    let mut columns = kaohe_exchange::ColumnOptions::default();
    while let Some(field) = form.next_field().await.map_err(|e| WebError::BadRequest(e.to_string()))? {
        match field.name() {
            Some("file") => {
                name = field.file_name().unwrap_or("upload").to_owned();
                bytes = field.bytes().await.map_err(|e| WebError::BadRequest(e.to_string()))?.to_vec();
            }
            Some("confirm") => dry_run = false,
            // Columns to leave out, 、 or comma separated; at most a sheet's worth.
            Some("ignore_columns") => {
                let text = field.text().await.map_err(|e| WebError::BadRequest(e.to_string()))?;
                let names = text.split(['、', ',', '，', ';', '；', '\n']).map(str::trim).filter(|s| !s.is_empty());
                columns.ignore = names.take(200).map(str::to_owned).collect();
            }
            Some("header_row") => {
                let text = field.text().await.map_err(|e| WebError::BadRequest(e.to_string()))?;
                columns.header_row = text.trim().parse().ok().filter(|n| *n >= 1);
            }
            _ => {}
        }
    }
    if bytes.is_empty() {
        return Err(WebError::BadRequest("请选择文件 / choose a file".into()).into());
    }
    let title = format!("{name}{}", if dry_run { "(仅检查)" } else { "" });
    let id = state.jobs.start(u.actor.user_id(), title.clone(), state.store.clock().now()).await?;
    spawn_import(state.clone(), u.clone(), key, (bytes, name), (dry_run, columns), id);
    render(&JobFragment { t: u.lang, id, title, state: JobState::Running { done: 0 }, stage: None, files: Vec::new() })
}

fn spawn_import(
    state: AppState,
    u: CurrentUser,
    key: String,
    (bytes, name): (Vec<u8>, String),
    (dry_run, columns): (bool, kaohe_exchange::ColumnOptions),
    id: u64,
) {
    tokio::spawn(async move {
        let scoped = state.store.scoped(u.actor.clone());
        let jobs = state.jobs.clone();
        let progress = move |n: usize| jobs.update(id, |j| j.state = JobState::Running { done: n });
        let limits = kaohe_sheets::Limits::upload();
        let choice = kaohe_store::ColumnChoice { ignore: columns.ignore.clone(), header_row: columns.header_row };
        let options = kaohe_exchange::ImportOptions { dry_run, limits, columns, ..Default::default() };
        let result = kaohe_exchange::import(&scoped, &key, &bytes, &name, &options, &progress).await;
        // A written import's column choice is offered on the next import at the user's org.
        if let (Ok(o), Some(org)) = (&result, u.actor.org_id())
            && !o.dry_run
            && let Err(e) = scoped.remember_import_choice(&key, org, &choice).await
        {
            tracing::warn!("import {id}: the column choice was not remembered: {e}");
        }
        let en = u.lang == crate::i18n::Lang::En;
        state.jobs.update(id, |j| match result {
            Ok(o) => {
                let preview = crate::jobs::Preview {
                    columns: o.preview.columns.clone(),
                    rows: o.preview.rows.clone(),
                    confirm: o.dry_run,
                };
                j.state = JobState::Succeeded {
                    summary: o.summary(en),
                    notes: o.warnings.into_iter().take(500).collect(),
                    preview: Some(preview),
                };
            }
            Err(f) => {
                j.state = JobState::Failed {
                    summary: f.fatal.clone().unwrap_or_else(|| format!("{}{}", u.lang.s("import_not_done"), f.count())),
                    errors: f.errors.into_iter().take(500).collect(),
                    has_report: f.report_xlsx.is_some(),
                };
                j.report = f.report_xlsx;
            }
        });
    });
}

async fn job(
    State(state): State<AppState>,
    PageUser(u): PageUser,
    Path(id): Path<u64>,
) -> Result<Html<String>, PageError> {
    let j = state.jobs.get(id, u.actor.user_id()).await?.ok_or(not_found())?;
    render(&JobFragment::of(u.lang, id, j))
}

async fn job_file(
    State(state): State<AppState>,
    PageUser(u): PageUser,
    Path((id, n)): Path<(u64, usize)>,
) -> Result<Response, PageError> {
    let f = state.jobs.file(id, n, u.actor.user_id()).await?.ok_or(not_found())?;
    Ok(download(f.bytes, &f.name, &f.content_type))
}

async fn job_report(
    State(state): State<AppState>,
    PageUser(u): PageUser,
    Path(id): Path<u64>,
) -> Result<Response, PageError> {
    let bytes = state.jobs.error_report(id, u.actor.user_id()).await?.ok_or(not_found())?;
    Ok(download(bytes, "导入错误报告.xlsx", XLSX))
}

fn not_found() -> WebError {
    WebError::Store(kaohe_domain::DomainError::NotFound.into())
}

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/registries/{key}/template", get(template))
        .route("/registries/{key}/export", get(export).post(export_unmasked))
        .route(
            "/registries/{key}/import",
            get(import_page).post(start_import).layer(DefaultBodyLimit::max(UPLOAD_LIMIT)),
        )
        .route("/jobs/{id}", get(job))
        .route("/jobs/{id}/report.xlsx", get(job_report))
        .route("/jobs/{id}/files/{n}", get(job_file))
}
