//! Rendering a pack's report template (minijinja, Jinja syntax) over [`Facts`].
//!
//! Templates reach figures only through helpers that fail loudly: an unknown indicator, a figure
//! that cannot be computed or an undefined name stops the render with the template's file, line
//! and column — a report is never written with a blank where a figure should be. The helpers:
//!
//! | helper | writes |
//! | --- | --- |
//! | `fig(key, more=, over=, nearly=, above=, wan=, places=, cn=, unit=)` | this year's figure: `573家`, `26万多人`, `近150名`, `80%以上`, `17.93亿元` |
//! | `last(key, …)`, `target(key, …)` | last year's figure, the target, same options |
//! | `growth(key)` | `比去年同期增长43%` / `下降` / `与去年同期持平` |
//! | `completion(key, places=1)` | value ÷ target as a percentage |
//! | `score(key)` | the points the org earned on the item measured by the figure |
//! | `value(key)` | the bare number, for `{% if %}` |
//! | `names(key, field=, strip=, sep="、")` | a text field of the records behind a figure, joined |
//! | `narratives(request)` | approved submissions' narratives: a list of `{org, text}` |
//! | `cn(n)`, `numbered(level, n)` | 十二 / 一、 一是 1、 |
//!
//! Globals: `year`, `org`, `date` (the document's date as GB/T 9704-2012 writes it: 2010年1月15日),
//! `date_cn` (二〇一〇年一月, as documents before 2012 wrote it), `ranking` (the children's assessment) and
//! `targets` (the figures the org has a target for, in the pack's order: `key`, `name` — the
//! rulebook item's, else the indicator's —,
//! `section`, `scored` — scored on the item —, `full` — earned its whole weight — and `rate` —
//! a completion rate can be worked out).

use super::doc::{self, Doc, Target};
use super::facts::{Facts, FigureFact, Wants};
use super::phrase;
use crate::indicator::Number;
use crate::located::Location;
use crate::scoring::show_points;
use minijinja::value::{Kwargs, Value};
use minijinja::{AutoEscape, Environment, Error, ErrorKind, UndefinedBehavior};
use std::fmt;
use std::sync::{Arc, Mutex};

/// A report template: its file name (as in the pack) and text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportTemplate {
    /// The template's key (the file name without `.md.j2`): `annual`.
    pub key: String,
    pub file: String,
    pub source: String,
}

impl ReportTemplate {
    /// The name people know the template by: the first line of its leading comment up to the
    /// first bracket, colon or full stop (`{#- 年度目标考核汇报材料(…` → 年度目标考核汇报材料),
    /// else its key.
    pub fn title(&self) -> String {
        let Some(rest) = self.source.trim_start().strip_prefix("{#") else { return self.key.clone() };
        let line = rest.trim_start_matches(['-', ' ']).lines().next().unwrap_or("");
        let end = line.find(['(', '（', ':', '：', '。', ',', '，']).unwrap_or(line.len());
        let title = line[..end].trim().trim_end_matches("#}").trim_end_matches('-').trim();
        if title.is_empty() { self.key.clone() } else { title.to_owned() }
    }
}

/// A template that cannot be rendered, located.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TemplateError {
    pub file: String,
    pub line: usize,
    pub column: usize,
    pub source_line: String,
    pub message: String,
}

impl fmt::Display for TemplateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "{}:{}:{}: {}", self.file, self.line, self.column, self.message)?;
        let at = Location { line: self.line, column: self.column, source_line: self.source_line.clone() };
        write!(f, "{}", at.caret())
    }
}

impl std::error::Error for TemplateError {}

/// A render's result: the document (with, in a draft, every figure it still lacks), or what the
/// facts lack (render again once it is gathered).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Done(Doc, Vec<Missing>),
    Needs(Wants),
}

/// A figure a draft report still lacks, where a placeholder stands.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
pub struct Missing {
    /// The indicator's key.
    pub key: String,
    pub name_zh: String,
    /// What of it: 数值, 上年数值, 目标值, 完成率, 得分.
    pub what: String,
}

/// The figures a render found missing (a draft's), in order, each once.
type MissingList = Arc<Mutex<Vec<Missing>>>;

/// In a draft, a missing figure's placeholder (and the figure listed); otherwise the error.
fn missing_or_placeholder(
    facts: &Facts,
    list: &MissingList,
    f: &FigureFact,
    what: &str,
    year: i32,
) -> Result<String, Error> {
    if !facts.draft {
        return Err(missing(f, what, year));
    }
    if let Ok(mut l) = list.lock() {
        let m = Missing { key: f.key.clone(), name_zh: f.name_zh.clone(), what: what.to_owned() };
        if !l.contains(&m) {
            l.push(m);
        }
    }
    let of = if what == "数值" { String::new() } else { format!("（{what}）") };
    Ok(format!("【待填报：{}{of}】", f.name_zh))
}

const GLOBALS: [&str; 6] = ["year", "org", "date", "date_cn", "ranking", "targets"];

fn fail(msg: String) -> Error {
    Error::new(ErrorKind::InvalidOperation, msg)
}

fn figure<'a>(facts: &'a Facts, key: &str) -> Result<&'a FigureFact, Error> {
    facts.figures.get(key).ok_or_else(|| fail(format!("没有指标“{key}” / no indicator `{key}` in the pack")))
}

/// How a figure is written, from the helper's keyword arguments.
#[derive(Debug, Default)]
struct Style {
    more: Option<i64>,
    over: Option<i64>,
    nearly: Option<i64>,
    above: Option<i64>,
    wan: Option<u32>,
    places: Option<u32>,
    unit: Option<String>,
    cn: bool,
}

impl Style {
    fn from(kw: &Kwargs) -> Result<Self, Error> {
        let s = Style {
            more: kw.get("more")?,
            over: kw.get("over")?,
            nearly: kw.get("nearly")?,
            above: kw.get("above")?,
            wan: kw.get("wan")?,
            places: kw.get("places")?,
            unit: kw.get("unit")?,
            cn: kw.get::<Option<bool>>("cn")?.unwrap_or(false),
        };
        kw.assert_all_used()?;
        Ok(s)
    }
}

fn whole(n: Number) -> Result<i64, Error> {
    i64::try_from(n.round_scaled(0)).map_err(|_| fail(format!("数值过大 / figure too large: {n}")))
}

/// Writes `v` (a value of `f`) in the style asked for.
fn write_figure(f: &FigureFact, v: Number, s: &Style) -> Result<String, Error> {
    if f.percent {
        if let Some(step) = s.above {
            let (num, den) = (i64::try_from(v.numer()), i64::try_from(v.denom()));
            let (Ok(num), Ok(den)) = (num, den) else {
                return Err(fail(format!("比例过大 / ratio too large: {v}")));
            };
            return phrase::percent_above(num, den, step)
                .ok_or_else(|| fail("比例的分母为零 / ratio over nothing".into()));
        }
        let p = v.checked_mul(Number::int(100)).ok_or_else(|| fail("比例过大 / ratio too large".into()))?;
        return Ok(format!("{}%", p.to_decimal_string(s.places.unwrap_or(f.decimals))));
    }
    let unit = s.unit.clone().unwrap_or_else(|| f.unit.clone());
    let number = if let Some(step) = s.more {
        phrase::more_than(whole(v)?, step)
    } else if let Some(step) = s.over {
        phrase::over(whole(v)?, step)
    } else if let Some(step) = s.nearly {
        phrase::nearly(whole(v)?, step)
    } else if s.cn {
        phrase::cn_count(u32::try_from(whole(v)?).map_err(|_| fail(format!("无法写成汉字 / not a small count: {v}")))?)
    } else if let Some(places) = s.wan {
        phrase::wan_decimal(whole(v)?, places)
    } else if f.unit == "元" {
        // Money: 万元 when whole, 亿元 with two decimals; the unit word follows.
        let y = phrase::yuan(whole(v)?);
        return Ok(format!("{}{unit}", y.trim_end_matches('元')));
    } else if v.is_integer() && s.places.is_none() {
        whole(v)?.to_string()
    } else {
        v.to_decimal_string(s.places.unwrap_or(if f.decimals > 0 { f.decimals } else { 2 }))
    };
    Ok(format!("{number}{unit}"))
}

fn missing(f: &FigureFact, what: &str, year: i32) -> Error {
    fail(format!(
        "指标“{}”({}){}年的{what}无法计算或未填报 / `{}` has no {what} for {year}",
        f.name_zh, f.key, year, f.key
    ))
}

type Pick = fn(&FigureFact) -> Option<Number>;

fn figure_helper(
    env: &mut Environment<'static>,
    name: &'static str,
    (facts, list): (&Arc<Facts>, &MissingList),
    pick: Pick,
    what: &'static str,
) {
    let (facts, list) = (facts.clone(), list.clone());
    env.add_function(name, move |key: String, kw: Kwargs| -> Result<String, Error> {
        let f = figure(&facts, &key)?;
        let style = Style::from(&kw)?;
        let year = if name == "last" { facts.year - 1 } else { facts.year };
        match pick(f) {
            Some(v) => Ok(doc::link(&Target::Figure(key.clone()), &write_figure(f, v, &style)?)),
            None => missing_or_placeholder(&facts, &list, f, what, year),
        }
    });
}

fn number_value(n: Number) -> Value {
    if n.is_integer() {
        i64::try_from(n.numer()).map(Value::from).unwrap_or_else(|_| Value::from(n.to_f64()))
    } else {
        Value::from(n.to_f64())
    }
}

fn register(env: &mut Environment<'static>, facts: &Arc<Facts>, wants: &Arc<Mutex<Wants>>, list: &MissingList) {
    figure_helper(env, "fig", (facts, list), |f| f.value, "数值");
    figure_helper(env, "last", (facts, list), |f| f.last, "上年数值");
    figure_helper(env, "target", (facts, list), |f| f.target, "目标值");
    let (fx, lx) = (facts.clone(), list.clone());
    env.add_function("growth", move |key: String| -> Result<String, Error> {
        let f = figure(&fx, &key)?;
        let Some(now) = f.value else { return missing_or_placeholder(&fx, &lx, f, "数值", fx.year) };
        let Some(before) = f.last.filter(|b| *b != Number::ZERO) else {
            return missing_or_placeholder(&fx, &lx, f, "上年数值", fx.year - 1);
        };
        let (n, b) = (i64::try_from(now.round_scaled(2)), i64::try_from(before.round_scaled(2)));
        let (Ok(n), Ok(b)) = (n, b) else { return Err(fail(format!("数值过大 / figure too large: {key}"))) };
        let text = phrase::growth(n, b).ok_or_else(|| missing(f, "上年数值", fx.year - 1))?;
        Ok(doc::link(&Target::Figure(key), &text))
    });
    let (fx, lx) = (facts.clone(), list.clone());
    env.add_function("completion", move |key: String, kw: Kwargs| -> Result<String, Error> {
        let f = figure(&fx, &key)?;
        let places: Option<u32> = kw.get("places")?;
        kw.assert_all_used()?;
        let Some(c) = f.completion() else { return missing_or_placeholder(&fx, &lx, f, "完成率", fx.year) };
        let pct = c.checked_mul(Number::int(100)).ok_or_else(|| fail("完成率过大 / completion too large".into()))?;
        Ok(doc::link(&Target::Figure(key), &format!("{}%", pct.to_decimal_string(places.unwrap_or(1)))))
    });
    let (fx, lx) = (facts.clone(), list.clone());
    env.add_function("score", move |key: String| -> Result<String, Error> {
        let f = figure(&fx, &key)?;
        match f.score {
            Some(s) => Ok(show_points(s)),
            None => missing_or_placeholder(&fx, &lx, f, "得分", fx.year),
        }
    });
    let fx = facts.clone();
    env.add_function("value", move |key: String| -> Result<Value, Error> {
        let f = figure(&fx, &key)?;
        Ok(f.value.map_or(Value::from(()), number_value))
    });
    let (fx, wx) = (facts.clone(), wants.clone());
    env.add_function("names", move |key: String, kw: Kwargs| -> Result<String, Error> {
        figure(&fx, &key)?;
        let field: String = kw.get("field")?;
        let sep: Option<String> = kw.get("sep")?;
        let strip: Option<String> = kw.get("strip")?;
        kw.assert_all_used()?;
        let list = list_key(&key, &field);
        let Some(items) = fx.lists.get(&list) else {
            wx.lock().map_err(|_| fail("lock".into()))?.lists.insert(list);
            return Ok(String::new());
        };
        let shown: Vec<String> = items
            .iter()
            .map(|i| {
                let text = strip.as_deref().and_then(|s| i.text.strip_suffix(s)).unwrap_or(&i.text);
                doc::link(&Target::Record { registry: i.registry.clone(), id: i.record }, &one_line(text))
            })
            .collect();
        Ok(shown.join(sep.as_deref().unwrap_or("、")))
    });
    let (fx, wx) = (facts.clone(), wants.clone());
    env.add_function("narratives", move |request: String| -> Result<Value, Error> {
        match fx.narratives.get(&request) {
            Some(list) => Ok(Value::from(
                list.iter()
                    .map(|n| minijinja::context! { org => n.org.clone(), text => n.text.clone() })
                    .collect::<Vec<Value>>(),
            )),
            None => {
                wx.lock().map_err(|_| fail("lock".into()))?.narratives.insert(request);
                Ok(Value::from(Vec::<Value>::new()))
            }
        }
    });
    env.add_function("cn", |n: u32| phrase::cn_number(n));
    env.add_function("numbered", |level: u8, n: u32| phrase::heading_number(level, n));
}

/// The key under which [`Facts::lists`] holds the `field` of the records behind figure `key`.
pub fn list_key(key: &str, field: &str) -> String {
    format!("{key}.{field}")
}

fn located(tpl: &ReportTemplate, e: &Error) -> TemplateError {
    let (line, column) = match (e.range(), e.line()) {
        (Some(r), _) => {
            let at = Location::of(&tpl.source, r.start);
            (at.line, at.column)
        }
        (None, Some(l)) => (l, 1),
        (None, None) => (1, 1),
    };
    let source_line = tpl.source.lines().nth(line.saturating_sub(1)).unwrap_or("").to_owned();
    let mut message = match e.kind() {
        ErrorKind::UndefinedError => "未定义的名称 / undefined name".to_owned(),
        ErrorKind::SyntaxError => "模板语法错误 / template syntax error".to_owned(),
        _ => String::new(),
    };
    if let Some(d) = e.detail() {
        if !message.is_empty() {
            message.push_str(": ");
        }
        message.push_str(d);
    }
    if message.is_empty() {
        message = e.kind().to_string();
    }
    TemplateError { file: tpl.file.clone(), line, column, source_line, message }
}

/// The first name a template reads that is neither a global, a helper nor set in the template,
/// with the position of its first use.
fn undefined_name(tpl: &ReportTemplate, t: &minijinja::Template<'_, '_>) -> Option<(String, usize)> {
    const HELPERS: [&str; 12] = [
        "fig",
        "last",
        "target",
        "growth",
        "completion",
        "score",
        "value",
        "names",
        "narratives",
        "cn",
        "numbered",
        "range",
    ];
    let mut names: Vec<String> = t
        .undeclared_variables(false)
        .into_iter()
        .filter(|n| !GLOBALS.contains(&n.as_str()) && !HELPERS.contains(&n.as_str()))
        .collect();
    names.sort();
    let name = names.into_iter().next()?;
    let re = regex::Regex::new(&format!(r"\b{}\b", regex::escape(&name))).ok()?;
    let offset = re.find(&tpl.source).map_or(0, |m| m.start());
    Some((name, offset))
}

fn environment(facts: &Arc<Facts>, wants: &Arc<Mutex<Wants>>, list: &MissingList) -> Environment<'static> {
    let mut env = Environment::new();
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    if let Ok(syntax) = minijinja::syntax::SyntaxConfig::builder().trim_blocks(true).lstrip_blocks(true).build() {
        env.set_syntax(syntax);
    }
    env.set_auto_escape_callback(|_| AutoEscape::None);
    register(&mut env, facts, wants, list);
    env
}

/// Compiles `tpl` in `env` and checks that every name it reads is defined.
/// The largest template accepted, in bytes (the built-in annual report is about 20 KB).
pub const MAX_TEMPLATE_BYTES: usize = 256 * 1024;

fn compile<'e>(
    env: &'e mut Environment<'static>,
    tpl: &ReportTemplate,
) -> Result<minijinja::Template<'e, 'e>, TemplateError> {
    if tpl.source.len() > MAX_TEMPLATE_BYTES {
        return Err(TemplateError {
            file: tpl.file.clone(),
            line: 1,
            column: 1,
            source_line: tpl.source.lines().next().unwrap_or("").chars().take(80).collect(),
            message: format!(
                "模板过大:最多{MAX_TEMPLATE_BYTES}字节,此模板{}字节 / the template is too large: at most {MAX_TEMPLATE_BYTES} bytes, this one {}",
                tpl.source.len(),
                tpl.source.len()
            ),
        });
    }
    if let Some((offset, zh, en)) = super::limits::check_shape(&tpl.source) {
        return Err(error_at(tpl, offset, format!("{zh} / {en}")));
    }
    env.add_template_owned(tpl.file.clone(), tpl.source.clone()).map_err(|e| located(tpl, &e))?;
    let t = env.get_template(&tpl.file).map_err(|e| located(tpl, &e))?;
    if let Some((name, offset)) = undefined_name(tpl, &t) {
        return Err(error_at(tpl, offset, format!("未定义的名称“{name}” / undefined name `{name}`")));
    }
    Ok(t)
}

/// An error at a byte offset of the template.
fn error_at(tpl: &ReportTemplate, offset: usize, message: String) -> TemplateError {
    let at = Location::of(&tpl.source, offset);
    TemplateError { file: tpl.file.clone(), line: at.line, column: at.column, source_line: at.source_line, message }
}

/// Checks a template without data (`kaohe pack validate`): syntax and undefined names.
pub fn check(tpl: &ReportTemplate) -> Result<(), TemplateError> {
    let mut env =
        environment(&Arc::new(Facts::default()), &Arc::new(Mutex::new(Wants::default())), &MissingList::default());
    compile(&mut env, tpl).map(|_| ())
}

/// Renders `tpl` over `facts`: the document, or what must be gathered first.
pub fn render(tpl: &ReportTemplate, facts: &Facts) -> Result<Outcome, TemplateError> {
    let facts = Arc::new(facts.clone());
    let wants = Arc::new(Mutex::new(Wants::default()));
    let list = MissingList::default();
    let mut env = environment(&facts, &wants, &list);
    let t = compile(&mut env, tpl)?;
    let ranking: Vec<Value> = facts
        .ranking
        .iter()
        .map(|r| {
            minijinja::context! {
                org => doc::link(&Target::Record { registry: "orgs".into(), id: r.org_id }, &r.org),
                group => r.group.clone(),
                rank => r.rank,
                total => show_points(r.total),
                grade => r.grade.clone(),
                vetoed => r.vetoed,
            }
        })
        .collect();
    let mut targeted: Vec<&FigureFact> = facts.figures.values().filter(|f| f.target.is_some()).collect();
    targeted.sort_by_key(|f| f.order);
    let targets: Vec<Value> = targeted
        .into_iter()
        .map(|f| {
            minijinja::context! {
                key => f.key.clone(),
                name => f.item.clone().unwrap_or_else(|| f.name_zh.clone()),
                section => f.section.clone(),
                scored => f.score.is_some(),
                full => f.score.is_some() && f.score == f.weight,
                rate => f.completion().is_some(),
            }
        })
        .collect();
    let ctx = minijinja::context! {
        year => facts.year,
        org => one_line(&facts.org_name),
        date => phrase::arabic_date(facts.date),
        date_cn => phrase::cn_year_month(facts.date),
        ranking => ranking,
        targets => targets,
    };
    let out = t.render(ctx).map_err(|e| located(tpl, &e))?;
    let wanted = wants.lock().map(|w| w.clone()).unwrap_or_default();
    if !wanted.is_empty() {
        return Ok(Outcome::Needs(wanted));
    }
    let missing = list.lock().map(|l| l.clone()).unwrap_or_default();
    Ok(Outcome::Done(doc::parse(&out), missing))
}

/// A name as one line of text: control characters (line breaks above all) become spaces, so a
/// name can never start a heading or a table row of the document.
fn one_line(s: &str) -> String {
    s.chars().map(|c| if c.is_control() { ' ' } else { c }).collect()
}
