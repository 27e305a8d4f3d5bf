//! Reading an org import file: CSV (UTF-8 with or without BOM, or GBK/GB18030) or XLSX, with the
//! columns code, name, parent_code, kind and, if the file has them, opened_on, closed_on and
//! groups (English or Chinese headers, in any order).

use anyhow::{Context, bail};
use calamine::{Data, Reader};
use kaohe_store::OrgImportRow;
use std::path::Path;

const COLUMNS: [(&str, &[&str]); 4] = [
    ("code", &["code", "代码", "组织代码"]),
    ("name", &["name", "名称", "组织名称"]),
    ("parent_code", &["parent_code", "上级代码", "上级组织代码"]),
    ("kind", &["kind", "类型", "组织类型"]),
];

/// Columns a file may leave out.
const OPTIONAL: [(&str, &[&str]); 3] = [
    ("opened_on", &["opened_on", "成立日期", "建会日期", "组建日期"]),
    ("closed_on", &["closed_on", "撤销日期", "注销日期"]),
    ("groups", &["groups", "考核分组", "分组"]),
];

/// Normalises a header: trims ASCII and full-width spaces and a trailing `*` (required mark).
fn norm(h: &str) -> String {
    h.trim_matches(|c: char| c.is_whitespace() || c == '\u{3000}').trim_end_matches('*').trim().to_lowercase()
}

fn rows_from_table(table: Vec<Vec<String>>) -> anyhow::Result<Vec<OrgImportRow>> {
    let mut it = table.into_iter();
    let header = it.next().context("文件为空 / the file is empty")?;
    let mut idx = [usize::MAX; 4];
    let mut optional = [usize::MAX; 3];
    for (i, h) in header.iter().enumerate() {
        let h = norm(h);
        for (c, (_, names)) in COLUMNS.iter().enumerate() {
            if names.iter().any(|n| *n == h) {
                idx[c] = i;
            }
        }
        for (c, (_, names)) in OPTIONAL.iter().enumerate() {
            if names.iter().any(|n| *n == h) {
                optional[c] = i;
            }
        }
    }
    let missing: Vec<_> = COLUMNS.iter().zip(idx).filter(|(_, i)| *i == usize::MAX).map(|((n, _), _)| *n).collect();
    if !missing.is_empty() {
        bail!("第1行缺少列 / row 1 lacks the column(s): {}", missing.join(", "));
    }
    let cell = |r: &Vec<String>, i: usize| r.get(i).cloned().unwrap_or_default();
    Ok(it
        .enumerate()
        .filter(|(_, r)| r.iter().any(|c| !c.trim().is_empty()))
        .map(|(n, r)| OrgImportRow {
            row: n + 2,
            code: cell(&r, idx[0]),
            name: cell(&r, idx[1]),
            parent_code: cell(&r, idx[2]),
            kind: cell(&r, idx[3]),
            opened_on: cell(&r, optional[0]),
            closed_on: cell(&r, optional[1]),
            // Without the column an existing org keeps its groups.
            groups: (optional[2] != usize::MAX).then(|| cell(&r, optional[2])),
        })
        .collect())
}

/// Decodes CSV bytes: UTF-8 (BOM stripped) or, failing that, GB18030 (a superset of GBK).
fn decode(bytes: &[u8]) -> String {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(s) => s.to_owned(),
        Err(_) => encoding_rs::GB18030.decode(bytes).0.into_owned(),
    }
}

/// Reads the rows of an org import file.
pub fn read(path: &Path) -> anyhow::Result<Vec<OrgImportRow>> {
    let ext = path.extension().and_then(|e| e.to_str()).unwrap_or_default().to_lowercase();
    let table: Vec<Vec<String>> = match ext.as_str() {
        "csv" | "txt" => {
            let text = decode(&std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?);
            let mut rdr = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(text.as_bytes());
            rdr.records().map(|r| r.map(|r| r.iter().map(str::to_owned).collect())).collect::<Result<_, _>>()?
        }
        "xlsx" | "xls" | "xlsm" | "ods" => {
            let mut wb =
                calamine::open_workbook_auto(path).with_context(|| format!("cannot open {}", path.display()))?;
            let sheet = wb.sheet_names().first().cloned().context("no sheet")?;
            let range = wb.worksheet_range(&sheet)?;
            range
                .rows()
                .map(|r| {
                    r.iter()
                        .map(|c| match c {
                            Data::Float(f) if f.fract() == 0.0 => format!("{}", *f as i64),
                            // A date cell: its serial day number, which the import reads as a date.
                            Data::DateTime(d) => format!("{}", d.as_f64().floor() as i64),
                            Data::Empty => String::new(),
                            other => other.to_string(),
                        })
                        .collect()
                })
                .collect()
        }
        _ => bail!("不支持的文件类型 / unsupported file type {:?} (use .csv or .xlsx)", ext),
    };
    rows_from_table(table)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_in_chinese_with_marks_and_gbk() {
        let (bytes, _, _) = encoding_rs::GBK.encode("代码*,名称 ,上级代码,类型\nA1,甲,HY,部室\n\n");
        let dir = std::env::temp_dir().join(format!("kaohe-orgfile-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let p = dir.join("orgs.csv");
        std::fs::write(&p, &bytes).unwrap();
        let rows = read(&p).unwrap();
        assert_eq!(
            rows,
            vec![OrgImportRow {
                row: 2,
                code: "A1".into(),
                name: "甲".into(),
                parent_code: "HY".into(),
                kind: "部室".into(),
                ..Default::default()
            }]
        );
        std::fs::write(&p, "\u{feff}code,name,kind\nA,b,c\n").unwrap();
        assert!(read(&p).unwrap_err().to_string().contains("parent_code"));
    }

    #[test]
    fn founding_and_closing_dates_are_read_when_the_file_has_them() {
        let dir = std::env::temp_dir().join(format!("kaohe-orgfile-d-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let p = dir.join("orgs.csv");
        std::fs::write(&p, "代码,名称,上级代码,类型,成立日期,撤销日期\nA1,甲,QZ,部室,1998年7月1日,\n").unwrap();
        let rows = read(&p).unwrap();
        assert_eq!((rows[0].opened_on.as_str(), rows[0].closed_on.as_str()), ("1998年7月1日", ""));
        assert_eq!(rows[0].groups, None, "no groups column: an existing org keeps its groups");
        std::fs::write(&p, "代码,名称,上级代码,类型,考核分组\nA1,甲,QZ,部室,组织部、机关\nA2,乙,QZ,部室,\n").unwrap();
        let rows = read(&p).unwrap();
        assert_eq!(rows[0].groups.as_deref(), Some("组织部、机关"));
        assert_eq!(rows[1].groups.as_deref(), Some(""), "an empty cell clears them");
    }

    #[test]
    fn xlsx_files_are_read() {
        let dir = std::env::temp_dir().join(format!("kaohe-orgfile-x-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let p = dir.join("orgs.xlsx");
        let mut wb = rust_xlsxwriter::Workbook::new();
        let ws = wb.add_worksheet();
        for (c, h) in ["code", "name", "parent_code", "kind"].iter().enumerate() {
            ws.write(0, c as u16, *h).unwrap();
        }
        ws.write(1, 0, 1001).unwrap();
        ws.write(1, 1, "乙").unwrap();
        ws.write(1, 2, "HY").unwrap();
        ws.write(1, 3, "grassroots").unwrap();
        wb.save(&p).unwrap();
        let rows = read(&p).unwrap();
        assert_eq!(rows[0].code, "1001");
        assert_eq!(rows[0].row, 2);
    }
}
