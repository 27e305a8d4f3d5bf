//! 考核办法 part by part: the 考核办 of the top federation edits a section, a veto item, a bonus
//! or deduction item, a submission request or a submission check of a year's draft in a form —
//! indicators by their Chinese names, org kinds as boxes, departments by group — adds one or
//! removes one, and sets the general rules (title, effective date, total, grade bands, tie rule).
//! Keys of new entries are made up by kaohe. As with items, the draft's text is changed in place
//! and checked by the same checker as a typed draft; problems come back on the form with her
//! typing.

use crate::auth::{CurrentUser, PageUser};
use crate::pages::rulebook_items::{editing, not_found, saved_with_problems};
use crate::pages::{Opt, Shell, render};
use crate::rulebook_items::EditError;
use crate::rulebook_parts::{self as parts, Field, General, Input, Part, Values};
use crate::{AppState, PageError, rulebooks};
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use kaohe_domain::indicator::Plan;
use kaohe_domain::{DomainError, OrgKind};
use kaohe_store::Scoped;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/rulebooks/{year}/general", get(general).post(save_general))
        .route("/rulebooks/{year}/{part}/{key}", get(edit).post(save))
        .route("/rulebooks/{year}/{part}/{key}/remove", post(remove))
}

/// A field as the form shows it.
struct FieldView {
    name: &'static str,
    label: &'static str,
    /// `text`, `long`, `number`, `date`, `flag`, `choice`, `boxes`, `groups` or `hidden`.
    kind: &'static str,
    value: String,
    required: bool,
    /// A choice offers an empty first option (nothing chosen yet, or nothing required).
    blank: bool,
    hint: String,
    options: Vec<Opt>,
}

#[derive(Template)]
#[template(path = "rulebook_part.html")]
struct PartPage {
    shell: Shell,
    year: i32,
    part: &'static str,
    title: &'static str,
    /// `new` for an entry not yet in the draft.
    original: String,
    fields: Vec<FieldView>,
    errors: Vec<String>,
}

fn part_of(path: &str) -> Result<Part, PageError> {
    Part::from_path(path).ok_or_else(|| DomainError::NotFound.into())
}

/// The options of a field whose values come from the pack or the draft.
fn options(s: &Scoped<'_>, u: &CurrentUser, text: &str, f: &Field, value: &str) -> Vec<Opt> {
    let t = u.lang;
    let chosen: Vec<&str> = value.split(',').map(str::trim).collect();
    let mut opts: Vec<Opt> = match f.input {
        Input::Choice(values) => values.iter().map(|(v, label)| Opt::new(v, t.s(label), *v == value)).collect(),
        Input::Kinds => OrgKind::ALL
            .iter()
            .map(|k| Opt::new(k.code(), t.pick(k.label_zh(), k.label_en()), chosen.contains(&k.code())))
            .collect(),
        Input::Indicator | Input::Indicators => s
            .indicators()
            .all()
            .iter()
            .filter(|i| f.input == Input::Indicator || matches!(i.plan, Plan::Manual(_)))
            .map(|i| {
                let d = &i.def;
                let label = format!("{} · {}", d.section, t.pick(&d.name_zh, &d.name_en));
                Opt::new(&d.key, label, chosen.contains(&d.key.as_str()))
            })
            .collect(),
        Input::Checks => parts::entries(text, Part::Check)
            .unwrap_or_default()
            .into_iter()
            .map(|(k, name)| {
                let on = chosen.contains(&k.as_str());
                Opt::new(k, name, on)
            })
            .collect(),
        _ => Vec::new(),
    };
    // A value the draft names that nobody offers (an indicator since withdrawn) stays chosen, so
    // the checker can say so.
    for v in chosen.iter().filter(|v| !v.is_empty()) {
        let multi = !matches!(f.input, Input::Indicator | Input::Choice(_));
        if !opts.is_empty() && !opts.iter().any(|o| o.value == *v) && (multi || !opts.iter().any(|o| o.selected)) {
            opts.insert(0, Opt::new(v, v, true));
        }
    }
    opts
}

fn view(s: &Scoped<'_>, u: &CurrentUser, text: &str, part: Part, v: &Values) -> Vec<FieldView> {
    part.fields()
        .iter()
        .map(|f| {
            let value = v.get(f.name).cloned().unwrap_or_default();
            let kind = match f.input {
                Input::Text => "text",
                Input::Long => "long",
                Input::Number => "number",
                Input::Date => "date",
                Input::Flag => "flag",
                Input::Choice(_) | Input::Indicator => "choice",
                Input::Kinds | Input::Indicators | Input::Checks => "boxes",
                Input::Groups => "groups",
                Input::English => "hidden",
            };
            FieldView {
                name: f.name,
                label: u.lang.s(f.label),
                kind,
                options: options(s, u, text, f, &value),
                blank: value.is_empty() || !f.required,
                value,
                required: f.required,
                hint: if f.hint.is_empty() { String::new() } else { u.lang.s(f.hint).to_owned() },
            }
        })
        .collect()
}

fn page(
    s: &Scoped<'_>,
    u: &CurrentUser,
    state: &AppState,
    (year, part, original): (i32, Part, &str),
    text: &str,
    v: &Values,
    errors: Vec<String>,
) -> Result<Response, PageError> {
    let status = if errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    let html = render(&PartPage {
        shell: Shell::new(u, state, "assessment"),
        year,
        part: part.path(),
        title: u.lang.s(part.title()),
        original: original.to_owned(),
        fields: view(s, u, text, part, v),
        errors,
    })?;
    Ok((status, html).into_response())
}

/// The form for entry `key` of a part of the year's draft, or (`new`) an empty one.
async fn edit(
    State(state): State<AppState>,
    PageUser(u): PageUser,
    Path((year, part, key)): Path<(i32, String, String)>,
) -> Result<Response, PageError> {
    let part = part_of(&part)?;
    let s = u.scoped(&state);
    let text = editing(&s, year).await?;
    let v = if key == "new" {
        // Sensible starts: a veto vetoes, an adjustment deducts, a request goes to the counties.
        let start: &[(&str, &str)] = match part {
            Part::Veto => &[("effect", "veto")],
            Part::Adjustment => &[("direction", "deduction")],
            Part::Request => &[("applies_to", "federation"), ("narrative", "true")],
            Part::Check => &[("op", "<=")],
            Part::Section => &[],
        };
        start.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect()
    } else {
        parts::read(&text, part, &key).map_err(not_found)?
    };
    page(&s, &u, &state, (year, part, &key), &text, &v, Vec::new())
}

/// The posted form as values: boxes of one field joined by `,`.
fn values_of(part: Part, posted: Vec<(String, String)>) -> Values {
    let mut v = Values::new();
    for (k, value) in posted {
        let Some(f) = part.fields().iter().find(|f| f.name == k) else { continue };
        let joined = matches!(f.input, Input::Kinds | Input::Indicators | Input::Checks);
        match v.get_mut(f.name) {
            Some(old) if joined && !old.is_empty() => {
                old.push(',');
                old.push_str(value.trim());
            }
            _ => {
                v.insert(f.name.to_owned(), value);
            }
        }
    }
    v
}

/// Problems the form itself sees before the checker: a required field left empty.
fn missing(u: &CurrentUser, part: Part, v: &Values) -> Vec<String> {
    part.fields()
        .iter()
        .filter(|f| f.required && v.get(f.name).is_none_or(|s| s.trim().is_empty()))
        .map(|f| format!("{}{}", u.lang.s("please_fill"), u.lang.s(f.label)))
        .collect()
}

/// Writes the entry into the draft, and back to the rulebook's page; otherwise the form again.
async fn save(
    State(state): State<AppState>,
    PageUser(u): PageUser,
    Path((year, part, original)): Path<(i32, String, String)>,
    Form(posted): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let part = part_of(&part)?;
    let s = u.scoped(&state);
    let text = editing(&s, year).await?;
    let mut v = values_of(part, posted);
    let key = if original == "new" { parts::free_key(&text, part).map_err(not_found)? } else { original.clone() };
    v.insert("key".into(), key.clone());
    let errors = missing(&u, part, &v);
    if !errors.is_empty() {
        return page(&s, &u, &state, (year, part, &original), &text, &v, errors);
    }
    let at = (original != "new").then_some(original.as_str());
    let w = match parts::write(&text, part, at, &v) {
        Ok(w) => w,
        Err(EditError::NotToml) => {
            let errors = vec![u.lang.s("draft_not_toml").to_owned()];
            return page(&s, &u, &state, (year, part, &original), &text, &v, errors);
        }
        Err(e) => return Err(not_found(e)),
    };
    // Written to the draft even with problems; publishing is refused until the whole rulebook
    // checks.
    let problems = s.save_layer_draft(&rulebooks::path(year), &w).await?;
    if problems.is_empty() {
        return Ok(Redirect::to(&format!("/rulebooks/{year}#edit")).into_response());
    }
    // Now the entry is in the draft under its key.
    page(&s, &u, &state, (year, part, &key), &w, &v, saved_with_problems(&u, &problems))
}

/// Removes the entry; a section still holding items is refused with a word why.
async fn remove(
    State(state): State<AppState>,
    PageUser(u): PageUser,
    Path((year, part, key)): Path<(i32, String, String)>,
) -> Result<Response, PageError> {
    let part = part_of(&part)?;
    let s = u.scoped(&state);
    let text = editing(&s, year).await?;
    let w = match parts::remove(&text, part, &key) {
        Ok(w) => w,
        Err(EditError::NotEmpty) => {
            let v = parts::read(&text, part, &key).map_err(not_found)?;
            let errors = vec![u.lang.s("section_not_empty").to_owned()];
            return page(&s, &u, &state, (year, part, &key), &text, &v, errors);
        }
        Err(e) => return Err(not_found(e)),
    };
    s.save_layer_draft(&rulebooks::path(year), &w).await?;
    Ok(Redirect::to(&format!("/rulebooks/{year}#edit")).into_response())
}

/// Grade rows the form offers beyond the draft's, for bands to add.
const SPARE_GRADES: usize = 2;

#[derive(Template)]
#[template(path = "rulebook_general.html")]
struct GeneralPage {
    shell: Shell,
    year: i32,
    g: General,
    ties: Vec<Opt>,
    errors: Vec<String>,
}

fn general_page(
    u: &CurrentUser,
    state: &AppState,
    year: i32,
    mut g: General,
    errors: Vec<String>,
) -> Result<Response, PageError> {
    let t = u.lang;
    let ties = [("shared", "tie_shared"), ("base_score", "tie_base_score")]
        .iter()
        .map(|(v, label)| Opt::new(v, t.s(label), g.tie_break == *v || (g.tie_break.is_empty() && *v == "shared")))
        .collect();
    g.grades.extend(std::iter::repeat_n(Default::default(), SPARE_GRADES));
    let status = if errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    let html = render(&GeneralPage { shell: Shell::new(u, state, "assessment"), year, g, ties, errors })?;
    Ok((status, html).into_response())
}

/// The year's general rules: title, effective date, total, grade bands and tie rule.
async fn general(
    State(state): State<AppState>,
    PageUser(u): PageUser,
    Path(year): Path<i32>,
) -> Result<Response, PageError> {
    let s = u.scoped(&state);
    let text = editing(&s, year).await?;
    let g = parts::read_general(&text).map_err(not_found)?;
    general_page(&u, &state, year, g, Vec::new())
}

/// The most grade bands a form takes (a hostile form cannot make the draft grow without end).
const MAX_GRADES: usize = 20;

/// Writes the general rules into the draft; problems come back on the form with the typing.
async fn save_general(
    State(state): State<AppState>,
    PageUser(u): PageUser,
    Path(year): Path<i32>,
    Form(posted): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let s = u.scoped(&state);
    let text = editing(&s, year).await?;
    let mut g = General::default();
    for (k, v) in posted {
        match k.as_str() {
            "title" => g.title = v,
            "effective_on" => g.effective_on = v,
            "total" => g.total = v,
            "tie_break" => g.tie_break = v,
            // Rows come in order: a Chinese name starts a band.
            "grade_zh" if g.grades.len() < MAX_GRADES => g.grades.push((v, String::new(), String::new())),
            "grade_en" => g.grades.last_mut().into_iter().for_each(|b| b.1 = v.clone()),
            "grade_min" => g.grades.last_mut().into_iter().for_each(|b| b.2 = v.clone()),
            _ => {}
        }
    }
    let mut errors = Vec::new();
    if g.title.trim().is_empty() {
        errors.push(format!("{}{}", u.lang.s("please_fill"), u.lang.s("rulebook_title")));
    }
    if !g.grades.iter().any(|(zh, _, _)| !zh.trim().is_empty()) {
        errors.push(u.lang.s("grades_needed").to_owned());
    }
    if !errors.is_empty() {
        g.grades.retain(|(zh, en, min)| !(zh.trim().is_empty() && en.trim().is_empty() && min.trim().is_empty()));
        return general_page(&u, &state, year, g, errors);
    }
    let Ok(w) = parts::write_general(&text, &g) else {
        return general_page(&u, &state, year, g, vec![u.lang.s("draft_not_toml").to_owned()]);
    };
    let problems = s.save_layer_draft(&rulebooks::path(year), &w).await?;
    if problems.is_empty() {
        return Ok(Redirect::to(&format!("/rulebooks/{year}#edit")).into_response());
    }
    g.grades.retain(|(zh, _, _)| !zh.trim().is_empty());
    general_page(&u, &state, year, g, saved_with_problems(&u, &problems))
}
