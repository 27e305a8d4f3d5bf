//! The import template of a registry: Chinese headers (required ones marked), drop-downs for
//! enumerations and yes/no, text-formatted code columns, and an instructions sheet.

use crate::columns::import_columns;
use kaohe_domain::registry::{FieldType, RegistryDef};
use kaohe_sheets::{Column, ColumnKind, SheetError, write_template};

/// The spreadsheet column for a field type.
pub(crate) fn kind_of(ty: Option<FieldType>, scale: u32) -> ColumnKind {
    match ty {
        Some(FieldType::Integer) => ColumnKind::Integer,
        Some(FieldType::Money) => ColumnKind::Fixed(2),
        Some(FieldType::Decimal) => ColumnKind::Fixed(scale),
        Some(FieldType::Date) => ColumnKind::Date,
        _ => ColumnKind::Text,
    }
}

/// The template workbook (XLSX bytes).
pub fn template(reg: &RegistryDef) -> Result<Vec<u8>, SheetError> {
    let cols = import_columns(reg);
    let columns: Vec<Column> = cols
        .iter()
        .map(|c| {
            let f = c.field;
            let mut col = Column::new(c.label_zh, kind_of(f.map(|f| f.ty), f.map_or(0, |f| f.scale)));
            if c.required {
                col = col.required();
            }
            match f.map(|f| f.ty) {
                Some(FieldType::Enum) => {
                    col = col.dropdown(f.map(|f| f.values.iter().map(|v| v.code.clone()).collect()).unwrap_or_default())
                }
                Some(FieldType::Bool) => col = col.dropdown(vec!["是".into(), "否".into()]),
                _ => {}
            }
            col.note(c.describe())
        })
        .collect();
    let mut instructions = vec![
        ("台账".to_owned(), format!("{}({})", reg.label_zh, reg.key)),
        ("说明".to_owned(), reg.description_zh.clone().unwrap_or_default()),
        ("必填列".to_owned(), "表头带 * 的列必须填写".to_owned()),
        (
            "重复导入".to_owned(),
            format!(
                "按“{}”识别同一条记录:已有的更新,没有的新建;同一文件导入两次结果不变",
                reg.natural_key
                    .iter()
                    .filter_map(|k| reg.field(k))
                    .map(|f| f.label_zh.as_str())
                    .collect::<Vec<_>>()
                    .join("+")
            ),
        ),
        (
            "全部或全不".to_owned(),
            "任何一行有错误,整个文件都不会写入;系统会列出每个错误(行、列、原因)并可下载标出错误单元格的文件".to_owned(),
        ),
    ];
    instructions
        .extend(cols.iter().map(|c| (format!("{}{}", c.label_zh, if c.required { " *" } else { "" }), c.describe())));
    write_template(&reg.label_zh, &columns, &instructions)
}
