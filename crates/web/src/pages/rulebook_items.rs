//! 考核办法 item by item: the 考核办 of the top federation edits one target item of a year's
//! draft in a form — indicator by its Chinese name, 分值, default target, the scoring rule and its
//! parameters, who is scored (org kinds, departments by group), clause and evidence — or adds one
//! to a section, or removes one. The draft's text is changed in place (comments kept) and checked
//! by the same checker as a typed draft; with problems the form comes back with them and her
//! typing (the draft keeps it too: publishing is refused until the whole rulebook checks).

use crate::auth::{CurrentUser, PageUser};
use crate::pages::{Opt, Shell, render};
use crate::rulebook_items::{self as items, Assessed, EditError, ItemFields};
use crate::{AppState, PageError, rulebooks};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use kaohe_domain::{DomainError, OrgKind};
use kaohe_store::Scoped;
use serde::Deserialize;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/rulebooks/{year}/items/{key}", get(edit).post(save))
        .route("/rulebooks/{year}/items/{key}/remove", post(remove))
        .route("/rulebooks/{year}/assessed", get(assessed).post(save_assessed))
}

/// The rule kinds a form offers, with their i18n keys.
const RULES: [(&str, &str); 5] = [
    ("proportional", "rule_proportional"),
    ("threshold", "rule_threshold"),
    ("shortfall", "rule_shortfall"),
    ("excess_bonus", "rule_excess_bonus"),
    ("lower_is_better", "rule_lower_is_better"),
];

#[derive(Template)]
#[template(path = "rulebook_item.html")]
struct ItemPage {
    shell: Shell,
    year: i32,
    /// `new` for an item not yet in the draft.
    original: String,
    section: String,
    section_name: String,
    f: ItemFields,
    indicators: Vec<Opt>,
    rules: Vec<Opt>,
    kinds: Vec<Opt>,
    by_percent: bool,
    errors: Vec<String>,
}

#[derive(Debug, Deserialize)]
struct NewQuery {
    section: Option<String>,
}

/// The draft's text for a 考核办 who may change the year's rulebook.
pub(super) async fn editing(s: &Scoped<'_>, year: i32) -> Result<String, PageError> {
    s.may_change_layer_file(&rulebooks::path(year))?;
    Ok(rulebooks::editing_text(s, year).await?.ok_or(DomainError::NotFound)?)
}

pub(super) fn not_found(_: EditError) -> PageError {
    DomainError::NotFound.into()
}

/// What a form says after writing into the draft a text that does not check yet: that it was
/// written, then each problem in the user's language.
pub(super) fn saved_with_problems(u: &CurrentUser, problems: &[kaohe_domain::pack::PackError]) -> Vec<String> {
    let mut errors = vec![u.lang.s("item_saved_with_problems").to_owned()];
    errors.extend(problems.iter().map(|p| u.lang.pick(&p.message_zh, &p.message_en).to_owned()));
    errors
}

#[allow(clippy::too_many_arguments)]
fn page(
    s: &Scoped<'_>,
    u: &CurrentUser,
    state: &AppState,
    year: i32,
    original: &str,
    (section, section_name): (String, String),
    f: ItemFields,
    errors: Vec<String>,
) -> Result<Response, PageError> {
    let t = u.lang;
    let mut indicators: Vec<Opt> = s
        .indicators()
        .all()
        .iter()
        .map(|i| {
            let d = &i.def;
            Opt::new(&d.key, format!("{} · {}", d.section, t.pick(&d.name_zh, &d.name_en)), d.key == f.indicator)
        })
        .collect();
    if !f.indicator.is_empty() && !indicators.iter().any(|o| o.selected) {
        // An indicator the draft names but nobody has: kept, so the checker can say so.
        indicators.insert(0, Opt::new(&f.indicator, &f.indicator, true));
    }
    let rules = RULES.iter().map(|(k, label)| Opt::new(k, t.s(label), *k == f.rule)).collect();
    let chosen: Vec<&str> = f.applies_to.split(',').map(str::trim).collect();
    let kinds = OrgKind::ALL
        .iter()
        .map(|k| Opt::new(k.code(), t.pick(k.label_zh(), k.label_en()), chosen.contains(&k.code())))
        .collect();
    let status = if errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    let html = render(&ItemPage {
        shell: Shell::new(u, state, "assessment"),
        year,
        original: original.to_owned(),
        section,
        section_name,
        by_percent: f.by == "percent",
        f,
        indicators,
        rules,
        kinds,
        errors,
    })?;
    Ok((status, html).into_response())
}

fn section_name(text: &str, key: &str) -> String {
    items::outline(text).ok().and_then(|o| o.into_iter().find(|s| s.key == key)).map(|s| s.name).unwrap_or_default()
}

/// The form for item `key` of the year's draft, or (`new`) an empty one for `?section=`.
async fn edit(
    State(state): State<AppState>,
    PageUser(u): PageUser,
    Path((year, key)): Path<(i32, String)>,
    Query(q): Query<NewQuery>,
) -> Result<Response, PageError> {
    let s = u.scoped(&state);
    let text = editing(&s, year).await?;
    let (section, f) = if key == "new" {
        let section = q.section.ok_or(DomainError::NotFound)?;
        let f = ItemFields { rule: "proportional".into(), applies_to: "federation".into(), ..ItemFields::default() };
        (section, f)
    } else {
        items::read(&text, &key).map_err(not_found)?
    };
    let name = section_name(&text, &section);
    if name.is_empty() && key == "new" {
        return Err(DomainError::NotFound.into());
    }
    page(&s, &u, &state, year, &key, (section, name), f, Vec::new())
}

/// A checkbox per org kind (`kind_<code>`), as the item form and 考核对象 post them.
#[derive(Debug, Default, Deserialize)]
struct KindBoxes {
    #[serde(default)]
    kind_federation: Option<String>,
    #[serde(default)]
    kind_department: Option<String>,
    #[serde(default)]
    kind_grassroots: Option<String>,
    #[serde(default)]
    kind_other: Option<String>,
}

impl KindBoxes {
    /// The org kinds whose box came back ticked, in [`OrgKind::ALL`]'s order (the forms list
    /// them in that order).
    fn ticked(&self) -> Vec<&'static str> {
        let boxes = [&self.kind_federation, &self.kind_department, &self.kind_grassroots, &self.kind_other];
        OrgKind::ALL.iter().zip(boxes).filter(|(_, on)| on.is_some()).map(|(k, _)| k.code()).collect()
    }
}

/// The form as posted: the item's fields, its section and a checkbox per org kind.
#[derive(Debug, Deserialize)]
struct ItemForm {
    section: String,
    key: String,
    name_zh: String,
    #[serde(default)]
    name_en: String,
    indicator: String,
    weight: String,
    #[serde(default)]
    target: String,
    rule: String,
    #[serde(default)]
    cap: String,
    #[serde(default)]
    floor: String,
    #[serde(default)]
    per: String,
    #[serde(default)]
    by: String,
    #[serde(default)]
    step: String,
    #[serde(flatten)]
    kinds: KindBoxes,
    #[serde(default)]
    departments: String,
    #[serde(default)]
    full_without_figure: Option<String>,
    #[serde(default)]
    clause: String,
    #[serde(default)]
    evidence: String,
}

impl ItemForm {
    fn fields(self) -> (String, ItemFields) {
        let applies_to = self.kinds.ticked();
        let f = ItemFields {
            key: self.key.trim().to_owned(),
            name_zh: self.name_zh,
            name_en: self.name_en,
            indicator: self.indicator,
            weight: self.weight,
            target: self.target,
            rule: self.rule,
            cap: self.cap,
            floor: self.floor,
            per: self.per,
            by: self.by,
            step: self.step,
            applies_to: applies_to.join(","),
            departments: self.departments,
            full_without_figure: self.full_without_figure.is_some(),
            clause: self.clause,
            evidence: self.evidence,
        };
        (self.section, f)
    }
}

/// Writes the item into the draft: saved when the whole rulebook checks, else the form again.
async fn save(
    State(state): State<AppState>,
    PageUser(u): PageUser,
    Path((year, original)): Path<(i32, String)>,
    Form(form): Form<ItemForm>,
) -> Result<Response, PageError> {
    let s = u.scoped(&state);
    let text = editing(&s, year).await?;
    let (section, f) = form.fields();
    let mut errors = Vec::new();
    let key_ok = f.key.chars().next().is_some_and(|c| c.is_ascii_lowercase())
        && f.key.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        && f.key.len() <= 40;
    if !key_ok {
        errors.push(u.lang.s("item_key_rule").to_owned());
    }
    let taken = (original == "new" || original != f.key) && items::read(&text, &f.key).is_ok();
    if taken {
        errors.push(u.lang.s("item_key_taken").to_owned());
    }
    let written = if errors.is_empty() {
        let at = (original != "new").then_some(original.as_str());
        match items::write(&text, &section, at, &f) {
            Ok(w) => Some(w),
            Err(EditError::NotToml) => {
                errors.push(u.lang.s("draft_not_toml").to_owned());
                None
            }
            Err(e) => return Err(not_found(e)),
        }
    } else {
        None
    };
    if let Some(w) = written {
        // Written to the draft even with problems (a total only adds up again after the next
        // item is changed); publishing is refused until the whole rulebook checks.
        let problems = s.save_layer_draft(&rulebooks::path(year), &w).await?;
        if problems.is_empty() {
            return Ok(Redirect::to(&format!("/rulebooks/{year}#edit")).into_response());
        }
        errors.extend(saved_with_problems(&u, &problems));
        // Now the item is in the draft under its (new) key.
        let name = section_name(&w, &section);
        return page(&s, &u, &state, year, &f.key.clone(), (section, name), f, errors);
    }
    let name = section_name(&text, &section);
    page(&s, &u, &state, year, &original, (section, name), f, errors)
}

/// Removes the item from the draft; what no longer adds up is listed on the rulebook's page.
async fn remove(
    State(state): State<AppState>,
    PageUser(u): PageUser,
    Path((year, key)): Path<(i32, String)>,
) -> Result<Response, PageError> {
    let s = u.scoped(&state);
    let text = editing(&s, year).await?;
    let w = items::remove(&text, &key).map_err(not_found)?;
    s.save_layer_draft(&rulebooks::path(year), &w).await?;
    Ok(Redirect::to(&format!("/rulebooks/{year}#edit")).into_response())
}

#[derive(Template)]
#[template(path = "rulebook_assessed.html")]
struct AssessedPage {
    shell: Shell,
    year: i32,
    kinds: Vec<Opt>,
    groups: String,
    not_assessed: String,
    errors: Vec<String>,
}

fn assessed_page(
    u: &CurrentUser,
    state: &AppState,
    year: i32,
    a: Assessed,
    errors: Vec<String>,
) -> Result<Response, PageError> {
    let t = u.lang;
    let kinds = OrgKind::ALL
        .iter()
        .map(|k| Opt::new(k.code(), t.pick(k.label_zh(), k.label_en()), a.kinds.iter().any(|c| c == k.code())))
        .collect();
    let status = if errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    let html = render(&AssessedPage {
        shell: Shell::new(u, state, "assessment"),
        year,
        kinds,
        groups: a.groups,
        not_assessed: a.not_assessed,
        errors,
    })?;
    Ok((status, html).into_response())
}

/// Who the year's draft assesses: org kinds, groups or codes besides, groups or codes left out.
async fn assessed(
    State(state): State<AppState>,
    PageUser(u): PageUser,
    Path(year): Path<i32>,
) -> Result<Response, PageError> {
    let s = u.scoped(&state);
    let text = editing(&s, year).await?;
    let a = items::read_assessed(&text).map_err(not_found)?;
    assessed_page(&u, &state, year, a, Vec::new())
}

#[derive(Debug, Deserialize)]
struct AssessedForm {
    #[serde(flatten)]
    kinds: KindBoxes,
    #[serde(default)]
    groups: String,
    #[serde(default)]
    not_assessed: String,
}

/// Writes who is assessed into the draft; problems come back on the form with the typing.
async fn save_assessed(
    State(state): State<AppState>,
    PageUser(u): PageUser,
    Path(year): Path<i32>,
    Form(f): Form<AssessedForm>,
) -> Result<Response, PageError> {
    let s = u.scoped(&state);
    let text = editing(&s, year).await?;
    let ticked = f.kinds.ticked();
    let a = Assessed {
        kinds: ticked.into_iter().map(str::to_owned).collect(),
        groups: f.groups,
        not_assessed: f.not_assessed,
    };
    let w = match items::write_assessed(&text, &a) {
        Ok(w) => w,
        Err(_) => return assessed_page(&u, &state, year, a, vec![u.lang.s("draft_not_toml").to_owned()]),
    };
    let problems = s.save_layer_draft(&rulebooks::path(year), &w).await?;
    if problems.is_empty() {
        return Ok(Redirect::to(&format!("/rulebooks/{year}#edit")).into_response());
    }
    assessed_page(&u, &state, year, a, saved_with_problems(&u, &problems))
}
