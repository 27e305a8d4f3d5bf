//! The report's statistical tables as an XLSX workbook: one sheet per section (指标, 单位, 本年,
//! 上年, 增长, 目标, 完成率, 得分) and, when the org's children were assessed, the ranking.

use crate::DocumentError;
use kaohe_domain::indicator::Number;
use kaohe_domain::report::Facts;
use kaohe_domain::report::tables::{StatRow, StatTable};
use kaohe_domain::scoring::show_points;
use kaohe_sheets::{Column, ColumnKind, OutCell, SheetOut, write_workbook};

fn fixed(n: Option<Number>, places: u32) -> OutCell {
    match n.and_then(|v| i64::try_from(v.round_scaled(places)).ok()) {
        Some(value) => OutCell::Fixed { value, scale: places },
        None => OutCell::Empty,
    }
}

/// A figure as its row shows it: percentages in points (72.6 for 72.6%), others with their
/// indicator's decimals.
fn figure(r: &StatRow, v: Option<Number>) -> OutCell {
    if r.percent {
        fixed(v.and_then(|x| x.checked_mul(Number::int(100))), r.decimals.max(1))
    } else if v.is_some_and(Number::is_integer) {
        fixed(v, 0)
    } else {
        fixed(v, r.decimals.max(2))
    }
}

fn points(v: Option<Number>) -> OutCell {
    fixed(v.and_then(|x| x.checked_mul(Number::int(100))), 1)
}

fn columns() -> Vec<Column> {
    vec![
        Column::new("指标", ColumnKind::Text).width(34.0),
        Column::new("单位", ColumnKind::Text).width(8.0),
        Column::new("本年", ColumnKind::Number).width(14.0),
        Column::new("上年", ColumnKind::Number).width(14.0),
        Column::new("增长(%)", ColumnKind::Fixed(1)).width(10.0),
        Column::new("目标", ColumnKind::Number).width(14.0),
        Column::new("完成率(%)", ColumnKind::Fixed(1)).width(11.0),
        Column::new("得分", ColumnKind::Number).width(9.0),
    ]
}

fn rows(t: &StatTable) -> Vec<Vec<OutCell>> {
    t.rows
        .iter()
        .map(|r| {
            vec![
                OutCell::Text(r.name_zh.clone()),
                OutCell::Text(r.unit.clone()),
                figure(r, r.this_year),
                figure(r, r.last_year),
                points(r.growth),
                figure(r, r.target),
                points(r.completion),
                r.score.map_or(OutCell::Empty, |s| OutCell::Fixed { value: s, scale: 2 }),
            ]
        })
        .collect()
}

/// Writes the tables (and the ranking in `facts`) as a workbook dated the report's date.
pub fn write_stats_xlsx(tables: &[StatTable], facts: &Facts) -> Result<Vec<u8>, DocumentError> {
    let cols = columns();
    let bodies: Vec<Vec<Vec<OutCell>>> = tables.iter().map(rows).collect();
    let mut sheets: Vec<SheetOut<'_>> =
        tables.iter().zip(&bodies).map(|(t, body)| SheetOut { name: &t.section, columns: &cols, rows: body }).collect();
    let rank_cols = vec![
        Column::new("类别", ColumnKind::Text).width(10.0),
        Column::new("名次", ColumnKind::Integer).width(8.0),
        Column::new("单位", ColumnKind::Text).width(24.0),
        Column::new("得分", ColumnKind::Text).width(10.0),
        Column::new("等次", ColumnKind::Text).width(10.0),
        Column::new("一票否决", ColumnKind::Text).width(10.0),
    ];
    let rank_rows: Vec<Vec<OutCell>> = facts
        .ranking
        .iter()
        .map(|r| {
            vec![
                OutCell::Text(r.group.clone()),
                OutCell::Integer(r.rank as i64),
                OutCell::Text(r.org.clone()),
                OutCell::Text(show_points(r.total)),
                OutCell::Text(r.grade.clone()),
                OutCell::Text(if r.vetoed { "是".into() } else { String::new() }),
            ]
        })
        .collect();
    if !rank_rows.is_empty() {
        sheets.push(SheetOut { name: "考核结果", columns: &rank_cols, rows: &rank_rows });
    }
    Ok(write_workbook(&sheets, Some(facts.date))?)
}
