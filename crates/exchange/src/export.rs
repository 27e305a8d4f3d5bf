//! Exporting a registry: Chinese headers, frozen header row, dates as dates, money as numbers,
//! formula-looking text neutralised, personal data masked unless unmasking is allowed (and then
//! audited by the store).

use crate::template::kind_of;
use kaohe_domain::OrgId;
use kaohe_domain::record::Value;
use kaohe_domain::registry::FieldType;
use kaohe_sheets::{Column, OutCell, write_csv, write_table};
use kaohe_store::{Scoped, StoreError};

/// The file format of an export.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportFormat {
    Xlsx,
    Csv,
}

/// The registry's records under `under` as a file.
pub async fn export(
    scoped: &Scoped<'_>,
    key: &str,
    under: Option<OrgId>,
    unmask: bool,
    format: ExportFormat,
) -> Result<Vec<u8>, StoreError> {
    let reg = scoped.registry(key)?;
    let records = scoped.export_records(key, under, unmask).await?;
    let mut org_names = std::collections::HashMap::new();
    for r in &records {
        let refs = r.values.values().filter_map(|v| if let Value::Org(o) = v { Some(*o) } else { None });
        for id in std::iter::once(r.org_id).chain(refs) {
            if let std::collections::hash_map::Entry::Vacant(e) = org_names.entry(id) {
                e.insert(scoped.org(id).await.map(|o| o.code.as_str().to_owned()).unwrap_or_default());
            }
        }
    }
    let mut columns = vec![Column::new("所属组织", kaohe_sheets::ColumnKind::Text)];
    columns.extend(reg.fields.iter().map(|f| Column::new(&f.label_zh, kind_of(Some(f.ty), f.scale))));
    let cell = |f: &kaohe_domain::registry::FieldDef, v: &Value| -> OutCell {
        match (f.ty, v) {
            (_, Value::Null) => OutCell::Empty,
            (FieldType::Money, Value::Fixed(x)) => OutCell::Fixed { value: *x, scale: 2 },
            (FieldType::Decimal, Value::Fixed(x)) => OutCell::Fixed { value: *x, scale: f.scale },
            (_, Value::Int(i)) => OutCell::Integer(*i),
            (_, Value::Date(d)) => OutCell::Date(*d),
            (_, Value::Bool(b)) => OutCell::Text(if *b { "是" } else { "否" }.into()),
            (_, Value::Org(o)) => OutCell::Text(org_names.get(o).cloned().unwrap_or_default()),
            (_, Value::Text(s)) => OutCell::Text(s.clone()),
            (_, Value::Fixed(x)) => OutCell::Integer(*x),
        }
    };
    match format {
        ExportFormat::Xlsx => {
            let rows: Vec<Vec<OutCell>> = records
                .iter()
                .map(|r| {
                    let mut row = vec![OutCell::Text(org_names[&r.org_id].clone())];
                    row.extend(reg.fields.iter().map(|f| cell(f, r.values.get(&f.key).unwrap_or(&Value::Null))));
                    row
                })
                .collect();
            write_table(&reg.label_zh, &columns, &rows).map_err(|e| StoreError::Corrupt(e.to_string()))
        }
        ExportFormat::Csv => {
            let headers: Vec<String> = columns.iter().map(|c| c.header.clone()).collect();
            let rows: Vec<Vec<String>> = records
                .iter()
                .map(|r| {
                    let mut row = vec![org_names[&r.org_id].clone()];
                    row.extend(reg.fields.iter().map(|f| match r.values.get(&f.key) {
                        Some(Value::Org(o)) => org_names.get(o).cloned().unwrap_or_default(),
                        v => text(f, v.unwrap_or(&Value::Null)),
                    }));
                    row
                })
                .collect();
            Ok(write_csv(&headers, &rows))
        }
    }
}

/// A value as text, the way the import reads it back.
pub fn text(f: &kaohe_domain::registry::FieldDef, v: &Value) -> String {
    match (f.ty, v) {
        (_, Value::Null) => String::new(),
        (FieldType::Money, Value::Fixed(x)) => kaohe_domain::values::format_money(*x).replace(',', ""),
        (FieldType::Decimal, Value::Fixed(x)) => kaohe_domain::values::format_decimal(*x, f.scale),
        (_, Value::Int(i) | Value::Fixed(i)) => i.to_string(),
        (_, Value::Date(d)) => d.to_string(),
        (_, Value::Bool(b)) => if *b { "是" } else { "否" }.into(),
        (_, Value::Org(o)) => o.0.to_string(),
        (_, Value::Text(s)) => s.clone(),
    }
}
