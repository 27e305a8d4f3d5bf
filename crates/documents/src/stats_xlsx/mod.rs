//! The report's statistical tables as an XLSX workbook the 统计 staff can send upward: per section
//! a sheet of the org's figures (本年, 上年, growth in % or, for rates, the change in 百分点, 目标,
//! 完成率 and — when the org is scored — 得分), a by-unit sheet of the section's figures for each of
//! its children, and the children's assessment (scores as numbers). Money is shown as the report
//! states it, in 万元 with two decimals; rates as percentages. Every sheet has its title block,
//! borders, a frozen header and a print setup (see [`sheet`]).

mod sheet;

use crate::DocumentError;
use chrono::Datelike;
use kaohe_domain::indicator::Number;
use kaohe_domain::report::Facts;
use kaohe_domain::report::tables::{self, StatRow, StatTable};
use kaohe_sheets::sheet_name;
use rust_xlsxwriter::{DocProperties, ExcelDateTime, Workbook};
use sheet::{Cell, Titled};

/// How an indicator's figures are shown: the unit written and what a stored figure is multiplied
/// by, with its decimals.
struct Shown {
    unit: String,
    factor: f64,
    decimals: u32,
}

fn shown(r: &StatRow) -> Shown {
    if r.percent {
        Shown { unit: "%".into(), factor: 100.0, decimals: r.decimals.max(1) }
    } else if r.unit == "元" {
        Shown { unit: "万元".into(), factor: 0.0001, decimals: 2 }
    } else {
        Shown { unit: r.unit.clone(), factor: 1.0, decimals: r.decimals }
    }
}

/// A figure scaled for showing and rounded to the decimals shown, so the cell holds what it
/// shows (a column summed in Excel adds what the reader sees).
fn number(n: Option<Number>, factor: f64, decimals: u32) -> Cell {
    match n.and_then(|v| i64::try_from(v.round_scaled(6)).ok()) {
        Some(micro) => {
            let p = 10f64.powi(decimals as i32);
            Cell::Number((micro as f64 / 1e6 * factor * p).round() / p, decimals)
        }
        None => Cell::Empty,
    }
}

fn value(r: &StatRow, n: Option<Number>) -> Cell {
    let s = shown(r);
    number(n, s.factor, s.decimals)
}

/// The section's sheet: one row per indicator; 得分 only when some row is scored.
fn section_sheet<'a>(t: &StatTable, facts: &'a Facts) -> Titled<'a> {
    let scored = t.rows.iter().any(|r| r.score.is_some());
    let mut columns: Vec<(String, f64)> = [
        ("指标", 30.0),
        ("计量单位", 9.0),
        ("本年", 13.0),
        ("上年", 13.0),
        ("比上年增长(%)", 11.0),
        ("比上年增减(百分点)", 11.0),
        ("目标", 13.0),
        ("完成率(%)", 10.0),
    ]
    .map(|(n, w)| (n.to_owned(), w))
    .to_vec();
    if scored {
        columns.push(("得分".into(), 8.0));
    }
    let rows = t
        .rows
        .iter()
        .map(|r| {
            let change = r.this_year.zip(r.last_year).and_then(|(a, b)| a.checked_sub(b));
            let mut row = vec![
                Cell::Text(r.name_zh.clone()),
                Cell::Text(shown(r).unit),
                value(r, r.this_year),
                value(r, r.last_year),
                if r.percent { Cell::Empty } else { number(r.growth, 100.0, 1) },
                if r.percent { number(change, 100.0, 1) } else { Cell::Empty },
                value(r, r.target),
                number(r.completion, 100.0, 1),
            ];
            if scored {
                row.push(r.score.map_or(Cell::Empty, |s| Cell::Number(s as f64 / 100.0, 2)));
            }
            row
        })
        .collect();
    Titled {
        sheet: sheet_name(&t.section, "统计表"),
        title: format!("{}{}年{}统计表", facts.org_name, facts.year, t.section),
        org: &facts.org_name,
        date: facts.date,
        columns,
        rows,
    }
}

/// The section's figures for each child: a row per child, a column per indicator (its unit in
/// the header), the org's own total on top.
fn child_sheet<'a>(t: &tables::ChildTable, facts: &'a Facts) -> Titled<'a> {
    let mut columns = vec![("单位".to_owned(), 24.0)];
    columns.extend(t.columns.iter().map(|r| (format!("{}({})", r.name_zh, shown(r).unit), 12.0)));
    let total: Vec<Cell> = std::iter::once(Cell::Text(format!("{}合计", facts.org_name)))
        .chain(t.columns.iter().map(|r| value(r, r.this_year)))
        .collect();
    let rows = std::iter::once(total)
        .chain(t.rows.iter().map(|(org, values)| {
            std::iter::once(Cell::Text(org.clone()))
                .chain(t.columns.iter().zip(values).map(|(r, v)| value(r, *v)))
                .collect()
        }))
        .collect();
    Titled {
        sheet: sheet_name(&format!("{}(分单位)", t.section), "分单位"),
        title: format!("{}{}年{}分单位统计表", facts.org_name, facts.year, t.section),
        org: &facts.org_name,
        date: facts.date,
        columns,
        rows,
    }
}

fn ranking_sheet(facts: &Facts) -> Option<Titled<'_>> {
    if facts.ranking.is_empty() {
        return None;
    }
    let columns = [("类别", 10.0), ("名次", 7.0), ("单位", 26.0), ("得分", 9.0), ("等次", 9.0), ("一票否决", 9.0)]
        .map(|(n, w)| (n.to_owned(), w))
        .to_vec();
    let rows = facts
        .ranking
        .iter()
        .map(|r| {
            vec![
                Cell::Text(r.group.clone()),
                Cell::Number(r.rank as f64, 0),
                Cell::Text(r.org.clone()),
                Cell::Number(r.total as f64 / 100.0, 2),
                Cell::Text(r.grade.clone()),
                Cell::Text(if r.vetoed { "是".into() } else { String::new() }),
            ]
        })
        .collect();
    Some(Titled {
        sheet: "考核结果".into(),
        title: format!("{}{}年度目标管理考核结果", facts.org_name, facts.year),
        org: &facts.org_name,
        date: facts.date,
        columns,
        rows,
    })
}

/// Writes the tables (with the by-unit sheets and the ranking in `facts`) as a workbook dated
/// the report's date.
pub fn write_stats_xlsx(tables: &[StatTable], facts: &Facts) -> Result<Vec<u8>, DocumentError> {
    let mut sheets: Vec<Titled<'_>> = tables.iter().map(|t| section_sheet(t, facts)).collect();
    sheets.extend(tables::by_child(facts).iter().map(|t| child_sheet(t, facts)));
    sheets.extend(ranking_sheet(facts));
    let mut used: Vec<String> = Vec::new();
    for (n, s) in sheets.iter_mut().enumerate() {
        // Excel compares sheet names without case; a clash gets the sheet's number.
        if used.contains(&s.sheet.to_lowercase()) {
            s.sheet = format!("{}{}", s.sheet.chars().take(28).collect::<String>(), n + 1);
        }
        used.push(s.sheet.to_lowercase());
    }
    let xlsx = |e: rust_xlsxwriter::XlsxError| DocumentError::Xlsx(e.to_string());
    let mut wb = Workbook::new();
    let d = facts.date;
    let at =
        ExcelDateTime::from_ymd(d.year().clamp(1900, 9999) as u16, d.month() as u8, d.day() as u8).map_err(xlsx)?;
    wb.set_properties(&DocProperties::new().set_creation_datetime(&at).set_author(&facts.org_name));
    for s in &sheets {
        sheet::add(&mut wb, s).map_err(xlsx)?;
    }
    wb.save_to_buffer().map_err(xlsx)
}
