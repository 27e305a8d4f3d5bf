//! Assessment pages: the year's ranking of the orgs an org assesses (departments and lower
//! federations apart, grade colours, veto marks), one org's scores explained line by line with
//! links to each figure's drill-down, publishing (考核办) and the published versions with what
//! changed.

use crate::auth::{CurrentUser, PageUser};
use crate::figures;
use crate::pages::{Opt, Shell, render};
use crate::{AppState, PageError};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use kaohe_domain::indicator::Number;
use kaohe_domain::scoring::{Assessment, Change, OrgResult, show, show_points};
use kaohe_domain::{Action, OrgId, OrgKind};
use kaohe_store::Published;
use kaohe_store::Scoped;
use serde::Deserialize;

#[derive(Debug, Default, Deserialize)]
struct YearQuery {
    org: Option<i64>,
    year: Option<i32>,
    version: Option<i32>,
}

/// A ranking table's row.
struct RankRow {
    org_id: i64,
    name: String,
    rank: String,
    base: String,
    bonus: String,
    deduction: String,
    total: String,
    grade: String,
    /// CSS class of the grade colour (`g0` best … `g3`).
    grade_class: String,
    flag: String,
}

struct Group {
    label: String,
    rows: Vec<RankRow>,
}

#[derive(Template)]
#[template(path = "assessment.html")]
struct RankingPage {
    shell: Shell,
    org_id: i64,
    org_name: String,
    year: i32,
    org_options: Vec<Opt>,
    groups: Vec<Group>,
    tie_rule: String,
    warnings: Vec<String>,
    versions: Vec<VersionRow>,
    /// Showing a published version (its number), or the live computation.
    frozen: Option<i32>,
    changes: Vec<String>,
    can_publish: bool,
}

struct VersionRow {
    version: i32,
    at: String,
    by: String,
    digest: String,
}

fn grade_class(a_grades: &[String], g: &str) -> String {
    format!("g{}", a_grades.iter().position(|x| x == g).unwrap_or(3).min(3))
}

fn groups(a: &Assessment, grades: &[String], u: &CurrentUser) -> Vec<Group> {
    let mut out = Vec::new();
    for kind in [OrgKind::Department, OrgKind::Federation, OrgKind::Grassroots, OrgKind::Other] {
        let mut rs: Vec<&OrgResult> = a.results.iter().filter(|r| r.org.kind == kind).collect();
        if rs.is_empty() {
            continue;
        }
        rs.sort_by(|x, y| x.rank.cmp(&y.rank).then(x.org.code.cmp(&y.org.code)));
        let rows = rs
            .into_iter()
            .map(|r| RankRow {
                org_id: r.org.org.0,
                name: r.org.name.clone(),
                rank: format!("{}/{}", r.rank, r.peers),
                base: show_points(r.base),
                bonus: show_points(r.bonus),
                deduction: show_points(r.deduction),
                total: show_points(r.total),
                grade: u.lang.pick(&r.grade_zh, &r.grade_en).to_owned(),
                grade_class: grade_class(grades, &r.grade_zh),
                flag: if r.vetoed {
                    u.lang.s("vetoed").to_owned()
                } else if r.no_award {
                    u.lang.s("no_award").to_owned()
                } else {
                    String::new()
                },
            })
            .collect();
        out.push(Group { label: u.lang.pick(kind.label_zh(), kind.label_en()).to_owned(), rows });
    }
    out
}

fn change_line(t: crate::i18n::Lang, c: &Change) -> String {
    let p = |v: Option<i64>| v.map_or("—".to_owned(), show_points);
    let r = |v: Option<usize>| v.map_or("—".to_owned(), |x| x.to_string());
    let mut line = format!(
        "{}:{} → {},{} → {},{} → {}",
        c.name,
        p(c.total.0),
        p(c.total.1),
        c.grade.0.as_deref().unwrap_or("—"),
        c.grade.1.as_deref().unwrap_or("—"),
        r(c.rank.0),
        r(c.rank.1)
    );
    // Changes to the org itself, which its assessor relies on.
    if let Some(old) = &c.renamed_from {
        line.push_str(&format!(";{}“{old}”", t.s("renamed_from")));
    }
    if let Some((was, is)) = c.kind {
        let k = |k: kaohe_domain::OrgKind| t.pick(k.label_zh(), k.label_en()).to_owned();
        line.push_str(&format!(";{} {} → {}", t.s("kind"), k(was), k(is)));
    }
    if c.moved {
        line.push_str(&format!(";{}", t.s("parent_changed")));
    }
    line
}

async fn year_of(s: &Scoped<'_>, q: &YearQuery) -> Result<i32, PageError> {
    Ok(figures::year(q.year, s).await?)
}

/// The federations in the scope that assess others (the top and the federations one level down).
pub(super) async fn org_options(s: &Scoped<'_>, chosen: OrgId) -> Result<Vec<Opt>, PageError> {
    let top = figures::org(None, s).await?;
    Ok(figures::top_and_children(s, &top)
        .await?
        .into_iter()
        .filter(|o| o.kind == OrgKind::Federation)
        .map(|o| Opt::new(o.id.0, &o.name, o.id == chosen))
        .collect())
}

async fn ranking(
    State(state): State<AppState>,
    PageUser(u): PageUser,
    Query(q): Query<YearQuery>,
) -> Result<Html<String>, PageError> {
    let s = u.scoped(&state);
    let year = year_of(&s, &q).await?;
    let org = figures::org(q.org, &s).await?;
    let book = s.rulebook(year)?;
    let grades: Vec<String> = book.grades.iter().map(|g| g.name_zh.clone()).collect();
    let tie_rule = book.tie_break.describe(u.lang == crate::i18n::Lang::En).to_owned();
    let published = s.published_assessments(year, org.id).await?;
    let (a, frozen, changes) = match q.version {
        Some(v) => {
            let (_, a) = s.published_assessment(year, org.id, v).await?;
            let changes = match v {
                1 => Vec::new(),
                _ => kaohe_domain::scoring::diff(&s.published_assessment(year, org.id, v - 1).await?.1, &a),
            };
            (a, Some(v), changes)
        }
        None => (s.assess(year, org.id).await?, None, Vec::new()),
    };
    let versions = published
        .iter()
        .rev()
        .map(|p: &Published| VersionRow {
            version: p.version,
            at: p.published_at.format("%Y-%m-%d %H:%M").to_string(),
            by: p.published_by.clone(),
            digest: p.digest[..12].to_owned(),
        })
        .collect();
    render(&RankingPage {
        shell: Shell::new(&u, &state, "assessment"),
        org_id: org.id.0,
        org_name: org.name.clone(),
        year,
        org_options: org_options(&s, org.id).await?,
        groups: groups(&a, &grades, &u),
        tie_rule,
        warnings: a.warnings.clone(),
        versions,
        frozen,
        changes: changes.iter().map(|c| change_line(u.lang, c)).collect(),
        can_publish: s.can(Action::AssessmentWrite),
    })
}

#[derive(Deserialize)]
struct PublishForm {
    org: i64,
    year: i32,
}

async fn publish(
    State(state): State<AppState>,
    PageUser(u): PageUser,
    Form(f): Form<PublishForm>,
) -> Result<Response, PageError> {
    let s = u.scoped(&state);
    let (p, _) = s.publish_assessment(f.year, OrgId(f.org)).await?;
    Ok(Redirect::to(&format!("/assessment?org={}&year={}&version={}", f.org, f.year, p.version)).into_response())
}

struct ItemRow {
    section: String,
    name: String,
    indicator: String,
    figure_org: i64,
    actual: String,
    target: String,
    weight: String,
    points: String,
    arithmetic: String,
    clause: String,
}

struct NoteRow {
    name: String,
    value: String,
    detail: String,
    clause: String,
    bad: bool,
}

#[derive(Template)]
#[template(path = "assessment_org.html")]
struct OrgPage {
    shell: Shell,
    year: i32,
    parent_id: i64,
    name: String,
    total: String,
    grade: String,
    rank: String,
    base: String,
    bonus: String,
    deduction: String,
    items: Vec<ItemRow>,
    vetoes: Vec<NoteRow>,
    adjustments: Vec<NoteRow>,
}

async fn explain(
    State(state): State<AppState>,
    PageUser(u): PageUser,
    Path(id): Path<i64>,
    Query(q): Query<YearQuery>,
) -> Result<Html<String>, PageError> {
    let s = u.scoped(&state);
    let year = year_of(&s, &q).await?;
    let r = s.assessment_of(year, OrgId(id)).await?;
    let parent = r.org.parent.map_or(0, |p| p.0);
    let en = u.lang == crate::i18n::Lang::En;
    let shown = |key: &str, v: Option<Number>| match s.indicators().get(key) {
        Some(i) => i.display(v),
        None => v.map_or("—".into(), show),
    };
    let book = s.rulebook(year)?;
    let items = r
        .items
        .iter()
        .map(|i| {
            // A department answerable across the whole scope reads the assessing org's figure.
            let city_wide = book.item(&i.item).is_some_and(|it| it.answerable(&r.org.tags()));
            ItemRow {
                section: i.section.clone(),
                name: i.name_zh.clone(),
                indicator: i.indicator.clone(),
                figure_org: if city_wide { parent } else { id },
                actual: shown(&i.indicator, i.actual),
                target: i.target.map_or("—".into(), |t| shown(&i.indicator, Some(t))),
                weight: show_points(i.weight),
                points: show_points(i.points),
                arithmetic: if en { i.arithmetic_en.clone() } else { i.arithmetic_zh.clone() },
                clause: i.clause.clone(),
            }
        })
        .collect();
    let vetoes = r
        .vetoes
        .iter()
        .map(|v| NoteRow {
            name: v.name_zh.clone(),
            value: v.actual.map_or("—".into(), show),
            detail: u.lang.s(if v.violated { "violated" } else { "clean" }).to_owned(),
            clause: v.clause.clone(),
            bad: v.violated,
        })
        .collect();
    let adjustments = r
        .adjustments
        .iter()
        .map(|a| NoteRow {
            name: a.name_zh.clone(),
            value: show_points(a.points),
            detail: a.arithmetic_zh.clone(),
            clause: a.clause.clone(),
            bad: a.points < 0,
        })
        .collect();
    render(&OrgPage {
        shell: Shell::new(&u, &state, "assessment"),
        year,
        parent_id: parent,
        name: r.org.name.clone(),
        total: show_points(r.total),
        grade: u.lang.pick(&r.grade_zh, &r.grade_en).to_owned(),
        rank: format!("{}/{}", r.rank, r.peers),
        base: show_points(r.base),
        bonus: show_points(r.bonus),
        deduction: show_points(r.deduction),
        items,
        vetoes,
        adjustments,
    })
}

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/assessment", get(ranking))
        .route("/assessment/publish", post(publish))
        .route("/assessment/orgs/{id}", get(explain))
}
