//! `kaohe bench uploads`: the hostile upload corpus of issue 8 — a zip bomb and an XXE in XLSX, a
//! sheet of 1,048,576 rows, one of 16,384 columns, a workbook named .csv, binary named .csv,
//! formula-injection cells and a 100 MB file — each sent through the import path a user's upload
//! takes (read, check every row, dry run) on a fresh database. Prints what happened to each, how
//! long it took and the process's peak memory while it ran; exits non-zero if a file was not
//! refused or neutralised as it should be. The goal is < 2 s each with memory bounded.

use kaohe_domain::{Actor, OrgKind, SystemClock};
use kaohe_sheets::{Column, ColumnKind, OutCell};
use kaohe_store::{SecurityPolicy, Store};
use std::io::Write;
use std::sync::Arc;
use std::time::Instant;

/// What a case must come to.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Expect {
    /// Refused with a message containing this.
    Refused(&'static str),
    /// Imported, with every text cell kept as text and written back neutralised.
    Neutralised,
}

struct Case {
    name: &'static str,
    file_name: &'static str,
    bytes: Vec<u8>,
    expect: Expect,
}

const HEADER: [&str; 6] = ["所属组织", "姓名", "公民身份号码", "工作单位", "入会日期", "会员类别"];

fn xlsx(rows: &[Vec<String>]) -> anyhow::Result<Vec<u8>> {
    let cols: Vec<Column> = HEADER.iter().map(|h| Column::new(*h, ColumnKind::Text)).collect();
    let cells: Vec<Vec<OutCell>> = rows.iter().map(|r| r.iter().cloned().map(OutCell::Text).collect()).collect();
    Ok(kaohe_sheets::write_table("会员", &cols, &cells)?)
}

/// The same workbook with one part replaced.
fn with_part(workbook: &[u8], part: &str, content: &[u8], level: i64) -> anyhow::Result<Vec<u8>> {
    let mut zin = zip::ZipArchive::new(std::io::Cursor::new(workbook))?;
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .compression_level(Some(level))
        .large_file(content.len() > u32::MAX as usize / 2);
    for i in 0..zin.len() {
        let mut f = zin.by_index(i)?;
        let name = f.name()?.into_owned();
        out.start_file(name.as_str(), opts)?;
        if name == part {
            out.write_all(content)?;
        } else {
            std::io::copy(&mut f, &mut out)?;
        }
    }
    Ok(out.finish()?.into_inner())
}

fn member_row(i: usize, name: &str) -> Vec<String> {
    vec![
        String::new(),
        name.into(),
        crate::bench::bench_id(i),
        "衡阳钢管集团".into(),
        "2009-03-01".into(),
        "职工".into(),
    ]
}

fn corpus() -> anyhow::Result<Vec<Case>> {
    let small = xlsx(&[member_row(0, "张三")])?;
    // 400 MB of one byte deflates to about 400 KB.
    let bomb = with_part(&small, "xl/worksheets/sheet1.xml", &vec![b' '; 400 << 20], 9)?;
    let xxe = with_part(
        &small,
        "xl/worksheets/sheet1.xml",
        br#"<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&e;</t></is></c></row></sheetData></worksheet>"#,
        6,
    )?;
    // Excel's last row: every row under the header a junk member.
    let rows: Vec<Vec<String>> = (1..1_048_576)
        .map(|i| vec![String::new(), format!("x{i}"), "123".into(), String::new(), "x".into(), "x".into()])
        .collect();
    let million = xlsx(&rows)?;
    drop(rows);
    let mut wide = String::new();
    for c in 0..16_384 {
        wide.push_str(&format!("c{c},"));
    }
    wide.push('\n');
    let mut binary = vec![0u8; 10 << 20];
    let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
    for b in binary.iter_mut() {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        *b = x as u8;
    }
    let injections = ["=HYPERLINK(\"http://evil\",\"点我\")", "+1+cmd|' /C calc'!A0", "@SUM(A1:A9)", "-2+3", "\t=1+1"];
    let rows: Vec<Vec<String>> = injections.iter().enumerate().map(|(i, s)| member_row(i + 1, s)).collect();
    let formulas = kaohe_sheets::write_csv(&HEADER.map(String::from), &rows);
    // 100 MB of rows, more than the row limit allows.
    let mut hundred = HEADER.join(",").into_bytes();
    hundred.push(b'\n');
    let line = b",some name,123456,some unit,2009-01-01,x,padding padding padding padding padding\n";
    while hundred.len() < 100 << 20 {
        hundred.extend_from_slice(line);
    }
    Ok(vec![
        Case { name: "zip bomb XLSX", file_name: "bomb.xlsx", bytes: bomb, expect: Expect::Refused("zip bomb") },
        Case { name: "XXE in XLSX", file_name: "xxe.xlsx", bytes: xxe, expect: Expect::Refused("DOCTYPE") },
        Case { name: "1,048,576 rows", file_name: "rows.xlsx", bytes: million, expect: Expect::Refused("row errors") },
        Case {
            name: "16,384 columns",
            file_name: "wide.csv",
            bytes: wide.into_bytes(),
            expect: Expect::Refused("columns"),
        },
        Case { name: "XLSX named .csv", file_name: "members.csv", bytes: small.clone(), expect: Expect::Neutralised },
        Case {
            name: "binary named .csv",
            file_name: "members.csv",
            bytes: binary,
            expect: Expect::Refused("not an Excel or CSV"),
        },
        Case { name: "formula injection", file_name: "formulas.csv", bytes: formulas, expect: Expect::Neutralised },
        Case { name: "100 MB CSV", file_name: "big.csv", bytes: hundred, expect: Expect::Refused("rows") },
    ])
}

/// The process's peak resident memory (MB) since the last reset.
fn peak_mb() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .map(|kb| kb / 1024.0)
        .unwrap_or(f64::NAN)
}

fn reset_peak() {
    // Linux: writing 5 resets the peak resident size to the current one.
    std::fs::write("/proc/self/clear_refs", "5").ok();
}

/// Runs the corpus against a fresh database at `url` and prints the table.
pub async fn uploads(url: &str, data_dir: &std::path::Path) -> anyhow::Result<()> {
    let pack = kaohe_packs::trade_union().map_err(|_| anyhow::anyhow!("built-in pack invalid"))?;
    let store = Store::open(url, Arc::new(SystemClock), SecurityPolicy::default()).await?;
    anyhow::ensure!(store.is_empty().await?, "the benchmark needs an empty database");
    let protector = kaohe_store::crypto::AesProtector::load(data_dir)?;
    let store = store.install(pack.registries, Arc::new(protector)).await?;
    let op = store.scoped(Actor::Operator);
    let org = op
        .create_org(kaohe_store::NewOrg {
            code: "B".into(),
            name: "基准工会".into(),
            short_name: None,
            kind: OrgKind::Federation,
            parent_id: None,
            sort_key: None,
            opened_on: None,
        })
        .await?;
    println!("kaohe bench uploads — {:?}; goal: each refused or neutralised in < 2 s, memory bounded", store.backend());
    println!("{:<20} {:>10} {:>9} {:>9}  outcome", "file", "MB", "seconds", "peak MB");
    let mut wrong = Vec::new();
    for case in corpus()? {
        reset_peak();
        let t = Instant::now();
        let result =
            kaohe_exchange::import(&op, "members", &case.bytes, case.file_name, Some(org.id), false, &|_| {}).await;
        let secs = t.elapsed().as_secs_f64();
        let peak = peak_mb();
        let (outcome, ok) = match (&result, case.expect) {
            (Err(f), Expect::Refused(says)) => {
                let msg = f.fatal.clone().unwrap_or_else(|| {
                    let first = f
                        .errors
                        .first()
                        .map(|e| format!("第{}行 {}:{}", e.row, e.column, e.message_en))
                        .unwrap_or_default();
                    format!("{} row errors, e.g. {first}", f.errors.len())
                });
                let found = msg.contains(says);
                (format!("refused: {}", msg.chars().take(110).collect::<String>()), found)
            }
            (Ok(o), Expect::Neutralised) => {
                let csv =
                    kaohe_exchange::export(&op, "members", None, false, kaohe_exchange::ExportFormat::Csv).await?;
                let text = String::from_utf8_lossy(&csv).into_owned();
                let risky = text.lines().skip(1).flat_map(|l| l.split(',')).filter(|f| {
                    let f = f.trim_matches('"');
                    matches!(f.chars().next(), Some('=' | '+' | '@' | '\t')) && !f.starts_with('\'')
                });
                let n = risky.count();
                (format!("imported {} rows as text; export has {n} unguarded formula cells", o.rows), n == 0)
            }
            (Ok(o), Expect::Refused(_)) => (format!("ACCEPTED {} rows", o.rows), false),
            (Err(f), Expect::Neutralised) => {
                (format!("refused: {:?} {:?}", f.fatal, f.errors.first().map(|e| &e.message_en)), false)
            }
        };
        println!("{:<20} {:>10.1} {secs:>9.2} {peak:>9.0}  {outcome}", case.name, case.bytes.len() as f64 / 1e6);
        if !ok {
            wrong.push(case.name);
        }
    }
    anyhow::ensure!(wrong.is_empty(), "not refused or neutralised as expected: {}", wrong.join(", "));
    Ok(())
}
