//! `kaohe report` as a user runs it, on a data folder with a federation's own template: the file
//! written in each format, dated as asked and the same twice; a clear error for a bad format, for
//! a template line that cannot be filled, and for a broken template in the data folder.

use std::process::Command;

fn kaohe(data: &std::path::Path, args: &[&str]) -> (bool, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_kaohe"))
        .arg("--data-dir")
        .arg(data)
        .args(args)
        .env("KAOHE_DATABASE_URL", "")
        .env("KAOHE_MASTER_KEY", "")
        .output()
        .unwrap();
    (out.status.success(), String::from_utf8(out.stdout).unwrap(), String::from_utf8(out.stderr).unwrap())
}

#[test]
fn reports_from_the_command_line() {
    let data = std::env::temp_dir().join(format!("kaohe-report-cli-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&data);
    std::fs::create_dir_all(data.join("reports")).unwrap();
    let (ok, _, err) = kaohe(&data, &["init", "--org-code", "HY", "--org-name", "衡阳市总工会"]);
    assert!(ok, "{err}");
    std::fs::write(
        data.join("reports/brief.md.j2"),
        "# {{ year }}年{{ org }}简报\n\n新组建工会{{ fig('new_unions') }},新增会员{{ fig('new_members') }}。\n\n>> {{ date_cn }}\n",
    )
    .unwrap();
    let md = data.join("r.md");
    let args = |f: &str, out: &std::path::Path| {
        vec!["report", "--year", "2009", "--template", "brief", "--date", "2010-01-15", "--format", f, "-o"]
            .into_iter()
            .map(str::to_owned)
            .chain([out.display().to_string()])
            .collect::<Vec<_>>()
    };
    let run = |a: Vec<String>| kaohe(&data, &a.iter().map(String::as_str).collect::<Vec<_>>());
    let (ok, _, err) = run(args("md", &md));
    assert!(ok, "{err}");
    assert_eq!(
        std::fs::read_to_string(&md).unwrap(),
        "# 2009年衡阳市总工会简报\n\n新组建工会0家,新增会员0人。\n\n<div align=\"right\">二〇一〇年一月</div>\n\n"
    );
    for f in ["docx", "html", "xlsx"] {
        let (a, b) = (data.join(format!("a.{f}")), data.join(format!("b.{f}")));
        assert!(run(args(f, &a)).0 && run(args(f, &b)).0, "{f}");
        assert_eq!(std::fs::read(&a).unwrap(), std::fs::read(&b).unwrap(), "{f}: two runs differ");
    }

    let (ok, _, err) = run(args("pdf", &md));
    assert!(!ok && err.contains("pdf"), "{err}");
    // The pack's annual template is year-neutral: on an empty city it says there is nothing to
    // report rather than writing about zeros.
    let annual = data.join("annual.md");
    let (ok, _, err) = kaohe(&data, &["report", "--year", "2009", "--format", "md", "-o", annual.to_str().unwrap()]);
    assert!(ok, "{err}");
    let text = std::fs::read_to_string(&annual).unwrap();
    assert!(text.contains("尚无可汇报的数据") && !text.contains("0家") && !text.contains("市委"), "{text}");
    // A template that needs a figure nobody has submitted: refused, naming the figure and where.
    std::fs::write(data.join("reports/strict.md.j2"), "# 标题\n\n中层干部平均年龄{{ fig('cadre_avg_age_before') }}\n")
        .unwrap();
    let (ok, _, err) =
        kaohe(&data, &["report", "--year", "2009", "--template", "strict", "--format", "md", "-o", "/dev/null"]);
    assert!(!ok && err.contains("strict.md.j2:3:") && err.contains("无法计算或未填报"), "{err}");
    std::fs::remove_file(data.join("reports/strict.md.j2")).unwrap();
    // Every command above left its audit rows in one unbroken chain.
    let (ok, out, err) = kaohe(&data, &["audit", "verify"]);
    assert!(ok && out.contains("the audit log is intact"), "{out} {err}");
    std::fs::write(data.join("reports/brief.md.j2"), "{% for x in %}\n").unwrap();
    let (ok, _, err) = run(args("md", &md));
    assert!(!ok && err.contains("brief.md.j2:1:"), "{err}");
    std::fs::remove_dir_all(&data).unwrap();
}
