//! 年度报告 page: choose an org and a year, generate the pack's report in the background (a
//! progress display while it runs; it finishes even if the browser is closed) and download it as
//! DOCX, HTML, Markdown and the XLSX of its tables. `/report/download` writes one format at once.

use crate::auth::{CurrentUser, PageUser};
use crate::figures;
use crate::pages::registry_files::JobFragment;
use crate::pages::{Shell, download, render};
use crate::{AppState, PageError, WebError};
use askama::Template;
use axum::Router;
use axum::extract::{Form, Query, State};
use axum::response::{Html, Response};
use axum::routing::{get, post};
use kaohe_documents::{ReportFormat, write_report};
use kaohe_domain::{Org, OrgId};
use kaohe_store::JobFile;
use kaohe_store::Report;
use serde::Deserialize;

#[derive(Debug, Default, Deserialize)]
struct ReportQuery {
    org: Option<i64>,
    year: Option<i32>,
    template: Option<String>,
    format: Option<String>,
    /// "1": a draft, with 【待填报：…】 where a figure is still lacking.
    draft: Option<String>,
}

struct Choice {
    value: String,
    label: String,
    selected: bool,
}

#[derive(Template)]
#[template(path = "report.html")]
struct ReportPage {
    shell: Shell,
    org_id: i64,
    org_name: String,
    year: i32,
    orgs: Vec<Choice>,
    templates: Vec<Choice>,
    template: String,
}

async fn page(
    State(state): State<AppState>,
    PageUser(u): PageUser,
    Query(q): Query<ReportQuery>,
) -> Result<Html<String>, PageError> {
    let s = u.scoped(&state);
    let year = figures::year(q.year, &s).await?;
    let org = figures::org(q.org, &s).await?;
    // The org itself, its parent line's top (the user's own) and its children.
    let top = figures::org(None, &s).await?;
    let mut orgs: Vec<Org> = vec![top.clone()];
    orgs.extend(s.child_orgs(top.id).await?);
    if !orgs.iter().any(|o| o.id == org.id) {
        orgs.push(org.clone());
    }
    let template = q.template.unwrap_or_else(|| "annual".into());
    let templates = state
        .store
        .report_templates()
        .iter()
        .map(|t| Choice { value: t.key.clone(), label: t.title(), selected: t.key == template })
        .collect();
    render(&ReportPage {
        shell: Shell::new(&u, &state, "report"),
        org_id: org.id.0,
        org_name: org.name.clone(),
        year,
        orgs: orgs
            .into_iter()
            .map(|o| Choice { value: o.id.0.to_string(), selected: o.id == org.id, label: o.name })
            .collect(),
        templates,
        template,
    })
}

#[derive(Debug, Deserialize)]
struct StartForm {
    org: i64,
    year: i32,
    template: String,
}

fn file_name(org: &str, year: i32, f: ReportFormat) -> String {
    match f {
        ReportFormat::Xlsx => format!("{org}{year}年统计表.xlsx"),
        _ => format!("{org}{year}年工作汇报.{}", f.extension()),
    }
}

/// Starts generating every format in the background; answers the job's progress fragment.
async fn start(
    State(state): State<AppState>,
    PageUser(u): PageUser,
    Form(f): Form<StartForm>,
) -> Result<Html<String>, PageError> {
    let s = u.scoped(&state);
    // Refused here, before a job starts, when the org is outside the user's scope.
    let org = s.org(OrgId(f.org)).await?;
    s.report_template(&f.template)?;
    let title = title(&org.name, f.year, &f.template);
    let id = state.jobs.start(u.actor.user_id(), title, state.store.clock().now()).await?;
    state.jobs.update(id, |j| j.stage = Some(u.lang.pick("汇总数据", "gathering the figures").to_owned()));
    spawn_report(state.clone(), u.clone(), org, f.year, f.template, id);
    let j = state
        .jobs
        .get(id, u.actor.user_id())
        .await?
        .ok_or(WebError::Store(kaohe_domain::DomainError::NotFound.into()))?;
    render(&JobFragment::of(u.lang, id, j))
}

/// A report job's title (and, once generated, its summary's).
fn title(org: &str, year: i32, template: &str) -> String {
    format!("{org} {year}年 · {template}")
}

fn spawn_report(state: AppState, u: CurrentUser, org: Org, year: i32, template: String, id: u64) {
    tokio::spawn(async move {
        let s = state.store.scoped(u.actor.clone());
        let result = s.report(year, org.id, &template).await;
        let outcome = match result {
            // Writing the documents is CPU work: on a blocking thread, so the server's async
            // workers keep answering other requests meanwhile.
            Ok(report) => {
                let (jobs, lang, name) = (state.jobs.clone(), u.lang, org.name.clone());
                let written = tokio::task::spawn_blocking(move || {
                    let mut files = Vec::new();
                    for f in ReportFormat::ALL {
                        let stage = format!("{} {}", lang.pick("写出", "writing"), f.extension().to_uppercase());
                        jobs.update(id, |j| j.stage = Some(stage));
                        let bytes = write_report(f, &report.doc, &report.facts, "").map_err(|e| e.to_string())?;
                        let content_type = f.content_type().to_owned();
                        files.push(JobFile { name: file_name(&name, year, f), content_type, bytes });
                    }
                    Ok(files)
                })
                .await;
                written.unwrap_or_else(|e| Err(e.to_string()))
            }
            Err(e) => Err(describe(e)),
        };
        let summary = format!("{}:{}", u.lang.pick("已生成", "generated"), title(&org.name, year, &template));
        state.jobs.finish(id, outcome.map(|files| (summary, files)));
    });
}

/// A failure in words, with each field's problem (a template error's file:line and caret).
fn describe(e: kaohe_store::StoreError) -> String {
    let d = WebError::Store(e).detail();
    let mut s = d.message;
    for f in d.fields {
        s.push('\n');
        s.push_str(&f.message_zh);
    }
    s
}

/// The report the query asks for (default: the user's org, the installation's year, `annual`).
async fn requested(state: &AppState, u: &CurrentUser, q: &ReportQuery) -> Result<(Org, i32, Report), PageError> {
    let s = u.scoped(state);
    let year = figures::year(q.year, &s).await?;
    let org = figures::org(q.org, &s).await?;
    let key = q.template.as_deref().unwrap_or("annual");
    let report = if q.draft.as_deref() == Some("1") {
        s.report_draft(year, org.id, key).await?
    } else {
        s.report(year, org.id, key).await?
    };
    Ok((org, year, report))
}

struct MissingRow {
    name: String,
    what: String,
    key: String,
}

#[derive(Template)]
#[template(path = "report_missing.html")]
struct MissingPage {
    shell: Shell,
    org_id: i64,
    org_name: String,
    year: i32,
    template: String,
    rows: Vec<MissingRow>,
}

/// A lacking figure said in the user's language: the indicator's name and what of it is lacking.
pub(crate) fn missing_in_words(
    s: &kaohe_store::Scoped<'_>,
    t: crate::i18n::Lang,
    m: &kaohe_domain::report::Missing,
) -> (String, String) {
    let name = s.indicators().get(&m.key).map_or(m.name_zh.as_str(), |i| t.pick(&i.def.name_zh, &i.def.name_en));
    let what = match m.what.as_str() {
        "上年数值" => "missing_last",
        "目标值" => "missing_target",
        "完成率" => "missing_completion",
        "得分" => "missing_score",
        _ => "missing_value",
    };
    (name.to_owned(), t.s(what).to_owned())
}

/// Every figure the report still lacks, at once, each linked to where it comes from; with the
/// draft (placeholders where they stand) to preview or download.
async fn missing(
    State(state): State<AppState>,
    PageUser(u): PageUser,
    Query(mut q): Query<ReportQuery>,
) -> Result<Html<String>, PageError> {
    q.draft = Some("1".into());
    let (org, year, report) = requested(&state, &u, &q).await?;
    let s = u.scoped(&state);
    let rows = report
        .missing
        .iter()
        .map(|m| {
            let (name, what) = missing_in_words(&s, u.lang, m);
            MissingRow { name, what, key: m.key.clone() }
        })
        .collect();
    render(&MissingPage {
        shell: Shell::new(&u, &state, "report"),
        org_id: org.id.0,
        org_name: org.name,
        year,
        template: q.template.unwrap_or_else(|| "annual".into()),
        rows,
    })
}

/// One format at once (for links and scripts).
async fn download_one(
    State(state): State<AppState>,
    PageUser(u): PageUser,
    Query(q): Query<ReportQuery>,
) -> Result<Response, PageError> {
    let format = q.format.as_deref().and_then(ReportFormat::parse).ok_or_else(|| {
        WebError::BadRequest("format 须为 docx、html、md 或 xlsx / format must be docx, html, md or xlsx".into())
    })?;
    let (org, year, report) = requested(&state, &u, &q).await?;
    let bytes =
        write_report(format, &report.doc, &report.facts, "").map_err(|e| WebError::BadRequest(e.to_string()))?;
    Ok(download(bytes, &file_name(&org.name, year, format), format.content_type()))
}

/// The HTML report shown in the browser (its figures link to their drill-down).
async fn view(
    State(state): State<AppState>,
    PageUser(u): PageUser,
    Query(q): Query<ReportQuery>,
) -> Result<Html<String>, PageError> {
    let (org, year, report) = requested(&state, &u, &q).await?;
    let links = kaohe_domain::report::html::Links { base: String::new(), org: org.id.0, year };
    Ok(Html(kaohe_domain::report::html::write(&report.doc, &links)))
}

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/report", get(page))
        .route("/report/view", get(view))
        .route("/report/jobs", post(start))
        .route("/report/download", get(download_one))
        .route("/report/missing", get(missing))
}
