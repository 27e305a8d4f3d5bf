//! 考核办法 pages: the years' rulebooks in force, each shown in words (sections, items with
//! their indicator's name, weight, target and rule, vetoes, bonus and deduction items, grades);
//! for the 考核办 of the top federation, a new year started from another year's or the
//! built-in model, the draft edited with live checking (line, column, caret), 试算 on the
//! current data, and publishing with the differences listed.

use crate::auth::{CurrentUser, PageUser};
use crate::pages::{Opt, Shell, render};
use crate::{AppState, PageError, figures, rulebooks};
use askama::Template;
use axum::extract::{Path, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use kaohe_domain::pack::PackError;
use kaohe_domain::scoring::{Direction, Rulebook, VetoEffect, show, show_points};
use kaohe_store::{Scoped, StoreError};
use serde::Deserialize;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/rulebooks", get(list))
        .route("/rulebooks/start", post(start))
        .route("/rulebooks/{year}", get(one))
        .route("/rulebooks/{year}/check", post(check))
        .route("/rulebooks/{year}/draft", post(save))
        .route("/rulebooks/{year}/trial", post(trial))
        .route("/rulebooks/{year}/publish", post(publish))
}

struct YearRow {
    year: i32,
    title: String,
    version: String,
    own: bool,
    draft: bool,
}

#[derive(Template)]
#[template(path = "rulebooks.html")]
struct ListPage {
    shell: Shell,
    rows: Vec<YearRow>,
    can_change: bool,
    next_year: i32,
    from_options: Vec<Opt>,
    messages: Vec<String>,
}

async fn list_page(
    s: &Scoped<'_>,
    u: &CurrentUser,
    state: &AppState,
    messages: Vec<String>,
) -> Result<Html<String>, PageError> {
    let drafts = s.layer_drafts().await.unwrap_or_default();
    let years = rulebooks::years(s)?;
    let rows: Vec<YearRow> = years
        .iter()
        .filter_map(|(y, own)| {
            let b = s.layer_parts().rulebook(*y)?;
            Some(YearRow {
                year: *y,
                title: b.title.clone(),
                version: b.version.clone(),
                own: *own,
                draft: drafts.contains(&rulebooks::path(*y)),
            })
        })
        .collect();
    let next_year = years.iter().map(|(y, _)| y + 1).max().unwrap_or_else(|| s.now_year()).max(s.now_year());
    let mut from_options: Vec<Opt> =
        years.iter().rev().map(|(y, _)| Opt::new(y, u.lang.pick(&format!("{y}年"), &y.to_string()), false)).collect();
    from_options.push(Opt::new("", u.lang.s("model_rulebook"), years.is_empty()));
    render(&ListPage {
        shell: Shell::new(u, state, "assessment"),
        rows,
        can_change: s.may_change_layer_file(&rulebooks::path(next_year)).is_ok(),
        next_year,
        from_options,
        messages,
    })
}

async fn list(State(state): State<AppState>, PageUser(u): PageUser) -> Result<Html<String>, PageError> {
    let s = u.scoped(&state);
    list_page(&s, &u, &state, Vec::new()).await
}

#[derive(Debug, Deserialize)]
struct StartForm {
    year: String,
    from: String,
}

async fn start(
    State(state): State<AppState>,
    PageUser(u): PageUser,
    Form(f): Form<StartForm>,
) -> Result<Response, PageError> {
    let s = u.scoped(&state);
    let Ok(year) = f.year.trim().parse::<i32>() else {
        return Ok(list_page(&s, &u, &state, vec![u.lang.s("year_invalid").to_owned()]).await?.into_response());
    };
    let from = f.from.trim().parse::<i32>().ok();
    let top = figures::org(None, &s).await?;
    let text = match rulebooks::start_text(&s, year, from, &top.name) {
        Ok(t) => t,
        Err(e) => return Ok(list_page(&s, &u, &state, crate::pages::form_messages(&u, e)?).await?.into_response()),
    };
    match s.save_layer_draft(&rulebooks::path(year), &text).await {
        Ok(_) => Ok(Redirect::to(&format!("/rulebooks/{year}")).into_response()),
        Err(e) => Ok(list_page(&s, &u, &state, crate::pages::form_messages(&u, e)?).await?.into_response()),
    }
}

/// An item of the rulebook in words.
struct ItemRow {
    name: String,
    indicator: String,
    weight: String,
    target: String,
    rule: String,
    applies: String,
    clause: String,
}

struct SectionView {
    name: String,
    items: Vec<ItemRow>,
}

/// A rulebook shown in words.
struct BookView {
    title: String,
    version: String,
    sections: Vec<SectionView>,
    vetoes: Vec<(String, String, String)>,
    adjustments: Vec<(String, String, String)>,
    grades: String,
    tie_rule: String,
}

fn book_view(s: &Scoped<'_>, u: &CurrentUser, b: &Rulebook) -> BookView {
    let t = u.lang;
    let ind_name = |k: &str| {
        s.indicators()
            .get(k)
            .map_or_else(|| t.s("late_submissions").to_owned(), |i| t.pick(&i.def.name_zh, &i.def.name_en).to_owned())
    };
    let kinds = |ks: &[kaohe_domain::OrgKind]| {
        ks.iter().map(|k| t.pick(k.label_zh(), k.label_en())).collect::<Vec<_>>().join("、")
    };
    BookView {
        title: b.title.clone(),
        version: b.version.clone(),
        sections: b
            .sections
            .iter()
            .map(|sec| SectionView {
                name: t.pick(&sec.name_zh, &sec.name_en).to_owned(),
                items: sec
                    .items
                    .iter()
                    .map(|i| {
                        let rule = i.rule.describe();
                        let mut applies = kinds(&i.applies_to);
                        if !i.departments.is_empty() {
                            applies = [applies, i.departments.join("、")]
                                .into_iter()
                                .filter(|x| !x.is_empty())
                                .collect::<Vec<_>>()
                                .join("、");
                        }
                        ItemRow {
                            name: t.pick(&i.name_zh, &i.name_en).to_owned(),
                            indicator: ind_name(&i.indicator),
                            weight: show(i.weight),
                            target: i.default_target.map(show).unwrap_or_else(|| t.s("assigned_per_org").to_owned()),
                            rule: t.pick(&rule.0, &rule.1).to_owned(),
                            applies,
                            clause: i.clause.clone(),
                        }
                    })
                    .collect(),
            })
            .collect(),
        vetoes: b
            .vetoes
            .iter()
            .map(|v| {
                let effect = if v.effect == VetoEffect::Veto { t.s("vetoed") } else { t.s("no_award") };
                (t.pick(&v.name_zh, &v.name_en).to_owned(), ind_name(&v.indicator), effect.to_owned())
            })
            .collect(),
        adjustments: b
            .adjustments
            .iter()
            .map(|a| {
                let (sign, what) =
                    if a.direction == Direction::Bonus { ("+", t.s("bonus")) } else { ("−", t.s("deduction")) };
                let how = format!(
                    "{what} {sign}{} / {},{} {}",
                    show(a.per),
                    ind_name(&a.indicator),
                    t.s("at_most"),
                    show(a.cap)
                );
                (t.pick(&a.name_zh, &a.name_en).to_owned(), how, a.clause.clone())
            })
            .collect(),
        grades: b
            .grades
            .iter()
            .map(|g| format!("{} ≥ {}", t.pick(&g.name_zh, &g.name_en), show_points(g.min)))
            .collect::<Vec<_>>()
            .join(";"),
        tie_rule: b.tie_break.describe(t == crate::i18n::Lang::En).to_owned(),
    }
}

struct VersionRow {
    version: i32,
    present: bool,
    by: String,
    at: String,
}

#[derive(Template)]
#[template(path = "rulebook.html")]
struct OnePage {
    shell: Shell,
    year: i32,
    book: Option<BookView>,
    own: bool,
    versions: Vec<VersionRow>,
    can_change: bool,
    text: String,
    has_draft: bool,
    /// The edited text's sections and items, each item linked to its form.
    outline: Vec<crate::rulebook_items::SectionOutline>,
    /// The edited text's vetoes, adjustments, requests and checks, each linked to its form.
    parts: Vec<PartList>,
    check: CheckFragment,
    changes: Vec<String>,
    org_options: Vec<Opt>,
}

/// One part of the edited text (vetoes …): its path, its name, and its entries' keys and names.
struct PartList {
    path: &'static str,
    title: &'static str,
    entries: Vec<(String, String)>,
}

/// The live check under the editor.
#[derive(Template)]
#[template(path = "rulebook_check.html")]
struct CheckFragment {
    shell_t: crate::i18n::Lang,
    problems: Vec<(String, String)>,
    note: String,
}

fn check_fragment(u: &CurrentUser, problems: &[PackError], note: String) -> CheckFragment {
    let problems = problems
        .iter()
        .map(|e| {
            let at =
                kaohe_domain::located::Location { line: e.line, column: e.column, source_line: e.source_line.clone() };
            (format!("{}:{} {}", e.line, e.column, u.lang.pick(&e.message_zh, &e.message_en)), at.caret())
        })
        .collect();
    CheckFragment { shell_t: u.lang, problems, note }
}

async fn one_page(
    s: &Scoped<'_>,
    u: &CurrentUser,
    state: &AppState,
    year: i32,
    edited: Option<(String, Vec<PackError>)>,
    changes: Vec<String>,
) -> Result<Html<String>, PageError> {
    let path = rulebooks::path(year);
    let in_force = rulebooks::text_in_force(s, year)?;
    let can_change = s.may_change_layer_file(&path).is_ok();
    let draft = if can_change { s.layer_draft(&path).await? } else { None };
    if in_force.is_none() && draft.is_none() && edited.is_none() {
        return Err(kaohe_domain::DomainError::NotFound.into());
    }
    let has_draft = draft.is_some();
    let (text, problems) = match edited {
        Some(e) => e,
        None => {
            let text = draft.map(|d| d.body).or_else(|| in_force.as_ref().map(|(t, _)| t.clone())).unwrap_or_default();
            let problems = s.layer_file_problems(&path, &text)?;
            (text, problems)
        }
    };
    let versions = s
        .layer_history(&path)
        .await?
        .into_iter()
        .rev()
        .map(|i| VersionRow { version: i.version, present: i.present, by: i.author, at: s.local_time(i.created_at) })
        .collect();
    let top = figures::org(None, s).await?;
    let org_options = super::assessment::org_options(s, top.id).await?;
    let outline = if can_change { crate::rulebook_items::outline(&text).unwrap_or_default() } else { Vec::new() };
    use crate::rulebook_parts::{Part, entries};
    let parts = [Part::Veto, Part::Adjustment, Part::Request, Part::Check]
        .into_iter()
        .filter(|_| can_change)
        .map(|p| PartList {
            path: p.path(),
            title: u.lang.s(p.title()),
            entries: entries(&text, p).unwrap_or_default(),
        })
        .collect();
    render(&OnePage {
        shell: Shell::new(u, state, "assessment"),
        year,
        book: s.layer_parts().rulebook(year).map(|b| book_view(s, u, b)),
        own: in_force.is_some_and(|(_, own)| own),
        versions,
        can_change,
        text,
        has_draft,
        outline,
        parts,
        check: check_fragment(u, &problems, String::new()),
        changes,
        org_options,
    })
}

async fn one(
    State(state): State<AppState>,
    PageUser(u): PageUser,
    Path(year): Path<i32>,
) -> Result<Html<String>, PageError> {
    let s = u.scoped(&state);
    one_page(&s, &u, &state, year, None, Vec::new()).await
}

#[derive(Debug, Deserialize)]
struct TextForm {
    text: String,
    org: Option<i64>,
}

/// The htmx check as the draft is typed.
async fn check(
    State(state): State<AppState>,
    PageUser(u): PageUser,
    Path(year): Path<i32>,
    Form(f): Form<TextForm>,
) -> Result<Html<String>, PageError> {
    let s = u.scoped(&state);
    let problems = s.layer_file_problems(&rulebooks::path(year), &f.text)?;
    let note = if problems.is_empty() { u.lang.s("rulebook_checks").to_owned() } else { String::new() };
    render(&check_fragment(&u, &problems, note))
}

/// Saves the draft (htmx): the check, with when it was saved.
async fn save(
    State(state): State<AppState>,
    PageUser(u): PageUser,
    Path(year): Path<i32>,
    Form(f): Form<TextForm>,
) -> Result<Html<String>, PageError> {
    let s = u.scoped(&state);
    let problems = s.save_layer_draft(&rulebooks::path(year), &f.text).await?;
    render(&check_fragment(&u, &problems, u.lang.s("draft_saved").to_owned()))
}

struct TrialRow {
    name: String,
    total: String,
    grade: String,
    rank: String,
}

#[derive(Template)]
#[template(path = "rulebook_trial.html")]
struct TrialFragment {
    shell_t: crate::i18n::Lang,
    rows: Vec<TrialRow>,
    problems: CheckFragment,
}

/// 试算 (htmx): the current data scored under the draft as typed.
async fn trial(
    State(state): State<AppState>,
    PageUser(u): PageUser,
    Path(year): Path<i32>,
    Form(f): Form<TextForm>,
) -> Result<Html<String>, PageError> {
    let s = u.scoped(&state);
    let org = figures::org(f.org, &s).await?;
    let blank = |problems| TrialFragment { shell_t: u.lang, rows: Vec::new(), problems };
    match s.trial_assessment(&rulebooks::path(year), &f.text, org.id).await {
        Ok(a) => {
            let mut results = a.results;
            results.sort_by(|x, y| (x.org.kind, x.rank, &x.org.code).cmp(&(y.org.kind, y.rank, &y.org.code)));
            let rows = results
                .iter()
                .map(|r| TrialRow {
                    name: r.org.name.clone(),
                    total: show_points(r.total),
                    grade: u.lang.pick(&r.grade_zh, &r.grade_en).to_owned(),
                    rank: format!("{}/{}", r.rank, r.peers),
                })
                .collect();
            render(&TrialFragment { rows, ..blank(check_fragment(&u, &[], String::new())) })
        }
        Err(StoreError::Pack(p)) => render(&blank(check_fragment(&u, &p, String::new()))),
        Err(e) => {
            let m = crate::pages::form_messages(&u, e)?;
            render(&blank(CheckFragment {
                shell_t: u.lang,
                problems: m.into_iter().map(|x| (x, String::new())).collect(),
                note: String::new(),
            }))
        }
    }
}

/// Publishes the draft as typed: the page again, with what changed (or the problems, the text
/// kept).
async fn publish(
    State(state): State<AppState>,
    PageUser(u): PageUser,
    Path(year): Path<i32>,
    Form(f): Form<TextForm>,
) -> Result<Html<String>, PageError> {
    let s = u.scoped(&state);
    match rulebooks::publish(&s, year, &f.text).await {
        Ok((item, changes)) => {
            let mut lines = vec![format!(
                "{} {}",
                u.lang.s("rulebook_published"),
                kaohe_store::rulebook_version(year, item.version)
            )];
            lines.extend(changes.iter().map(|c| u.lang.pick(&c.zh, &c.en).to_owned()));
            // A fresh view: the published file is in force from this request on.
            let s = u.scoped(&state);
            one_page(&s, &u, &state, year, None, lines).await
        }
        Err(StoreError::Pack(p)) => one_page(&s, &u, &state, year, Some((f.text, p)), Vec::new()).await,
        Err(e) => {
            let messages = crate::pages::form_messages(&u, e)?;
            let problems = messages
                .into_iter()
                .map(|m| PackError {
                    file: String::new(),
                    line: 0,
                    column: 0,
                    message_zh: m.clone(),
                    message_en: m,
                    source_line: String::new(),
                })
                .collect();
            one_page(&s, &u, &state, year, Some((f.text, problems)), Vec::new()).await
        }
    }
}
