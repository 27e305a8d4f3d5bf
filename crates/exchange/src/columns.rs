//! The columns of a registry's import file: the owning org, then every field a person enters.

use kaohe_domain::registry::{FieldDef, FieldType, RegistryDef};

/// The column holding the owning org (code or full name).
pub const ORG_KEY: &str = "org";
const ORG_ZH: &str = "所属组织";
const ORG_EN: &str = "Org";

/// One column of an import file.
#[derive(Debug, Clone)]
pub struct ImportColumn<'a> {
    /// The field key (or [`ORG_KEY`]).
    pub key: &'a str,
    pub label_zh: &'a str,
    pub label_en: &'a str,
    pub required: bool,
    pub field: Option<&'a FieldDef>,
}

/// The import columns of a registry, in order.
pub fn import_columns(reg: &RegistryDef) -> Vec<ImportColumn<'_>> {
    let mut cols =
        vec![ImportColumn { key: ORG_KEY, label_zh: ORG_ZH, label_en: ORG_EN, required: false, field: None }];
    cols.extend(reg.fields.iter().filter(|f| f.is_input()).map(|f| ImportColumn {
        key: &f.key,
        label_zh: &f.label_zh,
        label_en: &f.label_en,
        required: f.required,
        field: Some(f),
    }));
    cols
}

/// A header as people write it: without spaces (ASCII or full-width), a trailing `*` or `(必填)`,
/// and case.
pub fn normalise_header(h: &str) -> String {
    h.chars()
        .filter(|c| !c.is_whitespace() && *c != '\u{3000}')
        .collect::<String>()
        .trim_end_matches(['*', '＊'])
        .trim_end_matches("(必填)")
        .trim_end_matches("（必填）")
        .to_lowercase()
}

impl ImportColumn<'_> {
    /// Whether a header names this column (Chinese or English label, or key).
    pub fn matches(&self, header: &str) -> bool {
        let h = normalise_header(header);
        [self.label_zh, self.label_en, self.key].iter().any(|n| normalise_header(n) == h)
    }

    /// How the instructions sheet describes what the column takes.
    pub fn describe(&self) -> String {
        let Some(f) = self.field else {
            return "填写组织代码或组织全称,须在您的数据范围内;不填则归入导入时选择的组织".into();
        };
        let mut s = match f.ty {
            FieldType::Text => "文本".to_owned(),
            FieldType::Integer => "整数".into(),
            FieldType::Money => "金额(元,最多两位小数,可写“12.3万”)".into(),
            FieldType::Decimal => format!("数字(最多{}位小数)", f.scale),
            FieldType::Date => "日期,如 2009-03-05、2009/3/5、2009年3月5日".into(),
            FieldType::Bool => "是 / 否".into(),
            FieldType::Enum => {
                format!("从下拉列表选择:{}", f.values.iter().map(|v| v.code.as_str()).collect::<Vec<_>>().join("、"))
            }
            FieldType::Org => "组织代码或全称".into(),
            FieldType::ResidentId => "18位公民身份号码(请保持文本格式,勿让 Excel 转成科学计数法)".into(),
            FieldType::CreditCode => "18位统一社会信用代码".into(),
            FieldType::Phone => "手机或固定电话".into(),
        };
        if f.required {
            s.push_str(";必填");
        }
        if let (Some(lo), Some(hi)) = (f.min, f.max) {
            s.push_str(&format!(";范围 {lo}~{hi}"));
        }
        if let Some(h) = &f.help_zh {
            s.push(';');
            s.push_str(h);
        }
        s
    }
}
