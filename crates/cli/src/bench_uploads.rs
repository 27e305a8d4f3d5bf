//! `kaohe bench uploads`: the hostile upload corpus of issue 8 — a zip bomb and an XXE in XLSX, a
//! sheet of 1,048,576 rows, one of 16,384 columns, a workbook named .csv, binary named .csv,
//! formula-injection cells and a 100 MB file — each sent through the import path a user's upload
//! takes (read, check every row, dry run) on a fresh database. Prints what happened to each, how
//! long it took and the process's peak memory while it ran; exits non-zero if a file was not
//! refused or neutralised as it should be. The goal is < 2 s each with memory bounded. Each file
//! runs in a process of its own; "peak MB" is that process's high-water mark, "(input)" its mark
//! after generating the file (so the import's own share is the difference, at most).

use kaohe_domain::Actor;
use kaohe_sheets::{Column, ColumnKind, OutCell};
use std::io::Write;
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

/// How many files the corpus holds.
const CASES: usize = 9;

/// File `n` of the corpus (each made only when its case runs, so one case's memory is its own).
fn case(n: usize) -> anyhow::Result<Case> {
    let small = || xlsx(&[member_row(0, "张三")]);
    let junk_rows = |n: usize| -> Vec<Vec<String>> {
        (1..=n)
            .map(|i| vec![String::new(), format!("x{i}"), "123".into(), String::new(), "x".into(), "x".into()])
            .collect()
    };
    Ok(match n {
        // 400 MB of one byte deflates to about 400 KB.
        0 => Case {
            name: "zip bomb XLSX",
            file_name: "bomb.xlsx",
            bytes: with_part(&small()?, "xl/worksheets/sheet1.xml", &vec![b' '; 400 << 20], 9)?,
            expect: Expect::Refused("zip bomb"),
        },
        1 => Case {
            name: "XXE in XLSX",
            file_name: "xxe.xlsx",
            bytes: with_part(
                &small()?,
                "xl/worksheets/sheet1.xml",
                br#"<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&e;</t></is></c></row></sheetData></worksheet>"#,
                6,
            )?,
            expect: Expect::Refused("DOCTYPE"),
        },
        // Excel's last row: every row under the header a junk member.
        2 => Case {
            name: "1,048,576 rows",
            file_name: "rows.xlsx",
            bytes: xlsx(&junk_rows(1_048_575))?,
            expect: Expect::Refused("rows"),
        },
        3 => {
            let mut wide = (0..16_384).map(|c| format!("c{c}")).collect::<Vec<_>>().join(",");
            wide.push('\n');
            Case { name: "16,384 columns", file_name: "wide.csv", bytes: wide.into_bytes(), expect: Expect::Refused("columns") }
        }
        4 => Case { name: "XLSX named .csv", file_name: "members.csv", bytes: small()?, expect: Expect::Neutralised },
        5 => {
            let mut binary = vec![0u8; 10 << 20];
            let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
            for b in binary.iter_mut() {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                *b = x as u8;
            }
            Case { name: "binary named .csv", file_name: "members.csv", bytes: binary, expect: Expect::Refused("not an Excel or CSV") }
        }
        6 => {
            let injections = ["=HYPERLINK(\"http://evil\",\"点我\")", "+1+cmd|' /C calc'!A0", "@SUM(A1:A9)", "-2+3", "\t=1+1"];
            let rows: Vec<Vec<String>> = injections.iter().enumerate().map(|(i, s)| member_row(i + 1, s)).collect();
            let bytes = kaohe_sheets::write_csv(&HEADER.map(String::from), &rows);
            Case { name: "formula injection", file_name: "formulas.csv", bytes, expect: Expect::Neutralised }
        }
        // Junk within the limits: every row wrong.
        7 => Case {
            name: "199,000 junk rows",
            file_name: "junk.csv",
            bytes: kaohe_sheets::write_csv(&HEADER.map(String::from), &junk_rows(199_000)),
            expect: Expect::Refused("1000+ row errors"),
        },
        // 100 MB of rows, more than the row limit allows.
        _ => {
            let mut hundred = HEADER.join(",").into_bytes();
            hundred.push(b'\n');
            let line = b",some name,123456,some unit,2009-01-01,x,padding padding padding padding padding\n";
            while hundred.len() < 100 << 20 {
                hundred.extend_from_slice(line);
            }
            Case { name: "100 MB CSV", file_name: "big.csv", bytes: hundred, expect: Expect::Refused("rows") }
        }
    })
}

/// The process's peak resident memory so far (MB).
fn peak_mb() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .map(|kb| kb / 1024.0)
        .unwrap_or(f64::NAN)
}

/// Runs every case in a process of its own (so each peak is that case's) and prints the table;
/// fails if any case failed.
pub fn uploads_all() -> anyhow::Result<()> {
    let limits = kaohe_sheets::Limits::upload();
    println!("kaohe bench uploads — each file through the upload's import path in a fresh process and database");
    println!(
        "upload limits: {} rows, {} columns, {} MiB; the first {} errors are listed; goal < 2 s each, memory bounded",
        limits.max_rows,
        limits.max_columns,
        limits.max_bytes >> 20,
        kaohe_exchange::MAX_ERRORS
    );
    println!("{:<20} {:>8} {:>8} {:>8} {:>8}  outcome", "file", "MB", "seconds", "peak MB", "(input)");
    let exe = std::env::current_exe()?;
    let mut failed = 0;
    for n in 0..CASES {
        let dir = std::env::temp_dir().join(format!("kaohe-bench-uploads-{}-{n}", std::process::id()));
        let status = std::process::Command::new(&exe)
            .arg("--data-dir")
            .arg(&dir)
            .args(["bench", "uploads", "--case", &n.to_string()])
            .env_remove("KAOHE_DATABASE_URL")
            .status()?;
        std::fs::remove_dir_all(&dir).ok();
        failed += usize::from(!status.success());
    }
    anyhow::ensure!(failed == 0, "{failed} file(s) not refused or neutralised as expected");
    Ok(())
}

/// Runs case `n` against a fresh database at `url` and prints its row of the table.
pub async fn uploads(url: &str, data_dir: &std::path::Path, n: usize) -> anyhow::Result<()> {
    let (store, org) = crate::bench::registry_store(url, data_dir).await?;
    let op = store.scoped(Actor::Operator);
    let case = case(n)?;
    let input_peak = peak_mb();
    {
        let limits = kaohe_sheets::Limits::upload();
        let t = Instant::now();
        let result = kaohe_exchange::import(
            &op,
            "members",
            &case.bytes,
            case.file_name,
            &kaohe_exchange::ImportOptions { default_org: Some(org), limits, ..Default::default() },
            &|_| {},
        )
        .await;
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
                    format!("{} row errors, e.g. {first}", f.count())
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
        println!(
            "{:<20} {:>8.1} {secs:>8.2} {peak:>8.0} {input_peak:>8.0}  {}{outcome}",
            case.name,
            case.bytes.len() as f64 / 1e6,
            if ok { "" } else { "WRONG: " }
        );
        anyhow::ensure!(ok, "{} was not refused or neutralised as expected", case.name);
    }
    Ok(())
}
