//! The dashboard's figures, computed once per request from the same sources as the report:
//! the org's facts (figures, targets), the year's assessment by the org and its 督办 tasks.
//! Each chart is also a table (rows of cells), shown under the chart and downloadable as XLSX.

use crate::PageError;
use crate::pages::tasks;
use kaohe_domain::indicator::{Number, Period};
use kaohe_domain::report::Facts;
use kaohe_domain::scoring::{Assessment, Rulebook};
use kaohe_domain::{Org, OrgId};
use kaohe_store::Scoped;
use serde::Serialize;

/// Completion at or above `high` percent is green, at or above `low` yellow, below it red.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Thresholds {
    pub high: u32,
    pub low: u32,
}

impl Thresholds {
    /// The colour class of a completion percentage.
    pub fn level(&self, pct: f64) -> &'static str {
        if pct >= f64::from(self.high) {
            "green"
        } else if pct >= f64::from(self.low) {
            "yellow"
        } else {
            "red"
        }
    }
}

/// A chart's data as a table: the header and the rows, each cell already as shown.
#[derive(Debug, Clone, Default, Serialize)]
pub struct ChartTable {
    pub header: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

/// One bar of the section-completion chart.
#[derive(Debug, Clone, Serialize)]
pub struct SectionBar {
    pub name: String,
    /// Weighted completion of the section's items with a target, capped at 100% per item.
    pub pct: Option<f64>,
    pub level: &'static str,
    pub items: usize,
}

/// One child in the ranking chart.
#[derive(Debug, Clone, Serialize)]
pub struct RankBar {
    pub org: String,
    pub group: String,
    /// Departments first, then federations, as the assessment lists them.
    pub group_order: u8,
    pub rank: usize,
    pub total: f64,
    pub grade: String,
    /// 0 for the best grade band, upwards; the last band (or a veto) is the worst.
    pub band: usize,
    pub vetoed: bool,
}

/// Yearly series of key indicators.
#[derive(Debug, Clone, Serialize)]
pub struct Trend {
    pub years: Vec<i32>,
    pub series: Vec<Series>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Series {
    pub name: String,
    pub unit: String,
    pub values: Vec<Option<f64>>,
}

/// Children × rulebook items: completion percentages.
#[derive(Debug, Clone, Serialize)]
pub struct Heat {
    pub orgs: Vec<String>,
    pub items: Vec<String>,
    /// `[item index, org index, pct]`; missing cells are left out.
    pub cells: Vec<(usize, usize, f64)>,
}

/// 督办 lights: (code, label, count).
#[derive(Debug, Clone, Serialize)]
pub struct LightCount {
    pub code: &'static str,
    pub label: &'static str,
    pub n: usize,
}

/// Everything the dashboard shows.
#[derive(Debug, Clone, Serialize)]
pub struct Dashboard {
    pub thresholds: Thresholds,
    pub sections: Vec<SectionBar>,
    pub ranking: Vec<RankBar>,
    pub bands: Vec<String>,
    pub trend: Trend,
    pub heat: Heat,
    pub lights: Vec<LightCount>,
}

fn pct(n: Number) -> f64 {
    (n.round_scaled(3) as f64) / 10.0
}

fn ratio_pct(actual: Option<Number>, target: Option<Number>) -> Option<f64> {
    let (a, t) = (actual?, target?);
    if t == Number::ZERO {
        return None;
    }
    Some(pct(a.checked_div(t)?))
}

fn section_bars(book: &Rulebook, facts: &Facts, th: Thresholds) -> Vec<SectionBar> {
    book.sections
        .iter()
        .map(|s| {
            let (mut done, mut weight, mut items) = (0.0, 0.0, 0);
            for it in &s.items {
                let Some(f) = facts.figures.get(&it.indicator) else { continue };
                if let Some(p) = ratio_pct(f.value, f.target) {
                    let w = it.weight.to_f64();
                    done += w * p.min(100.0);
                    weight += w;
                    items += 1;
                }
            }
            let pct = (weight > 0.0).then(|| (done / weight * 10.0).round() / 10.0);
            SectionBar { name: s.name_zh.clone(), pct, level: pct.map_or("none", |p| th.level(p)), items }
        })
        .collect()
}

fn ranking(book: &Rulebook, a: &Assessment, parent: OrgId) -> Vec<RankBar> {
    let worst = book.grades.len().saturating_sub(1);
    let mut out: Vec<RankBar> = a
        .results
        .iter()
        .filter(|r| r.org.parent == Some(parent))
        .map(|r| RankBar {
            org: r.org.name.clone(),
            group: r.org.kind.label_zh().to_owned(),
            group_order: r.org.kind.listing_order(),
            rank: r.rank,
            total: r.total as f64 / 100.0,
            grade: r.grade_zh.clone(),
            band: if r.vetoed {
                worst
            } else {
                book.grades.iter().position(|g| g.name_zh == r.grade_zh).unwrap_or(worst)
            },
            vetoed: r.vetoed,
        })
        .collect();
    out.sort_by_key(|r| (r.group_order, r.rank));
    out
}

fn heat(book: &Rulebook, a: &Assessment, parent: OrgId) -> Heat {
    let kids: Vec<_> = a.results.iter().filter(|r| r.org.parent == Some(parent)).collect();
    let mut items: Vec<String> = Vec::new();
    let mut cells = Vec::new();
    // Items none of the children is measured on are left out.
    for (_, it) in book.items() {
        let column: Vec<(usize, f64)> = kids
            .iter()
            .enumerate()
            .filter_map(|(oi, r)| {
                let line = r.items.iter().find(|l| l.item == it.key)?;
                Some((oi, ratio_pct(line.actual, line.target)?))
            })
            .collect();
        if !column.is_empty() {
            cells.extend(column.into_iter().map(|(oi, p)| (items.len(), oi, p)));
            items.push(it.name_zh.clone());
        }
    }
    Heat { orgs: kids.iter().map(|r| r.org.name.clone()).collect(), items, cells }
}

/// The key indicators followed over the years: those asked for, else the rulebook's first
/// additive items.
fn trend_keys(s: &Scoped<'_>, book: Option<&Rulebook>, asked: &[String]) -> Vec<String> {
    let known = |k: &String| s.indicators().get(k).is_some();
    let asked: Vec<String> = asked.iter().filter(|k| known(k)).cloned().collect();
    if !asked.is_empty() {
        return asked;
    }
    let mut keys: Vec<String> = Vec::new();
    for (_, it) in book.into_iter().flat_map(|b| b.items()) {
        let counted =
            s.indicators().get(&it.indicator).is_some_and(|i| i.additive && !i.is_percent() && i.def.unit != "元");
        if counted && !keys.contains(&it.indicator) {
            keys.push(it.indicator.clone());
        }
        if keys.len() == 4 {
            break;
        }
    }
    keys
}

async fn trend(s: &Scoped<'_>, org: OrgId, year: i32, keys: &[String]) -> Result<Trend, PageError> {
    let inds: Vec<_> = keys.iter().filter_map(|k| s.indicators().get(k)).collect();
    let plans: Vec<_> = inds.iter().map(|i| &i.plan).collect();
    let years: Vec<i32> = (year - 3..=year).collect();
    let mut series: Vec<Series> = inds
        .iter()
        .map(|i| Series { name: i.def.name_zh.clone(), unit: i.def.unit.clone(), values: Vec::new() })
        .collect();
    for y in &years {
        let v = s.figures(&plans, &Period::year(*y), &[org]).await?;
        for (k, sr) in series.iter_mut().enumerate() {
            sr.values.push(v[k][0].map(Number::to_f64));
        }
    }
    // Years before the data begins (every series empty or zero) are left out.
    let first = (0..years.len())
        .find(|&y| series.iter().any(|s| s.values[y].is_some_and(|v| v != 0.0)))
        .unwrap_or(years.len().saturating_sub(1));
    for s in &mut series {
        s.values.drain(..first);
    }
    Ok(Trend { years: years[first..].to_vec(), series })
}

/// Computes the dashboard of `org` for `year`.
pub async fn build(
    s: &Scoped<'_>,
    org: &Org,
    year: i32,
    th: Thresholds,
    trend_asked: &[String],
    en: bool,
) -> Result<Dashboard, PageError> {
    let book = s.rulebook(year).ok().cloned();
    let (facts, assessment) = s.report_facts_and_assessment(year, org.id).await?;
    let (sections, ranking, bands, heat) = match (&book, &assessment) {
        (Some(b), Some(a)) => (
            section_bars(b, &facts, th),
            ranking(b, a, org.id),
            b.grades.iter().map(|g| g.name_zh.clone()).collect(),
            heat(b, a, org.id),
        ),
        (Some(b), None) => {
            (section_bars(b, &facts, th), Vec::new(), Vec::new(), Heat { orgs: vec![], items: vec![], cells: vec![] })
        }
        _ => (Vec::new(), Vec::new(), Vec::new(), Heat { orgs: vec![], items: vec![], cells: vec![] }),
    };
    let keys = trend_keys(s, book.as_ref(), trend_asked);
    let trend = trend(s, org.id, year, &keys).await?;
    let lights: Vec<_> = tasks::statuses(s, org.id, year).await?.into_iter().map(|t| t.3.light).collect();
    let lights =
        tasks::light_counts(&lights, en).into_iter().map(|(code, label, n)| LightCount { code, label, n }).collect();
    Ok(Dashboard { thresholds: th, sections, ranking, bands, trend, heat, lights })
}

fn show(v: Option<f64>) -> String {
    v.map_or_else(|| "—".to_owned(), |x| if x.fract() == 0.0 { format!("{x:.0}") } else { format!("{x:.1}") })
}

impl Dashboard {
    /// A chart's table by its name: `sections`, `ranking`, `trend`, `heatmap`, `lights`.
    pub fn table(&self, chart: &str) -> Option<ChartTable> {
        let t = |h: &[&str], rows: Vec<Vec<String>>| ChartTable {
            header: h.iter().map(|s| (*s).to_owned()).collect(),
            rows,
        };
        Some(match chart {
            "sections" => t(
                &["目标板块", "完成率(%)", "计入项数"],
                self.sections.iter().map(|b| vec![b.name.clone(), show(b.pct), b.items.to_string()]).collect(),
            ),
            "ranking" => t(
                &["类别", "名次", "单位", "得分", "等次"],
                self.ranking
                    .iter()
                    .map(|r| {
                        let grade = if r.vetoed { format!("{}(一票否决)", r.grade) } else { r.grade.clone() };
                        vec![r.group.clone(), r.rank.to_string(), r.org.clone(), format!("{:.2}", r.total), grade]
                    })
                    .collect(),
            ),
            "trend" => {
                let mut header = vec!["指标".to_owned(), "单位".to_owned()];
                header.extend(self.trend.years.iter().map(|y| format!("{y}年")));
                let rows = self
                    .trend
                    .series
                    .iter()
                    .map(|s| {
                        [vec![s.name.clone(), s.unit.clone()], s.values.iter().map(|v| show(*v)).collect()].concat()
                    })
                    .collect();
                ChartTable { header, rows }
            }
            "heatmap" => {
                let mut header = vec!["单位".to_owned()];
                header.extend(self.heat.items.iter().cloned());
                let rows = self
                    .heat
                    .orgs
                    .iter()
                    .enumerate()
                    .map(|(oi, o)| {
                        let mut row = vec![o.clone()];
                        row.extend(
                            (0..self.heat.items.len())
                                .map(|ii| show(self.heat.cells.iter().find(|c| c.0 == ii && c.1 == oi).map(|c| c.2))),
                        );
                        row
                    })
                    .collect();
                ChartTable { header, rows }
            }
            "lights" => {
                t(&["状态", "事项数"], self.lights.iter().map(|l| vec![l.label.to_owned(), l.n.to_string()]).collect())
            }
            _ => return None,
        })
    }
}

/// The charts, in page order.
pub const CHARTS: [&str; 5] = ["sections", "ranking", "trend", "heatmap", "lights"];
