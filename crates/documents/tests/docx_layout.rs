//! The DOCX as a reader sees it: rendered by LibreOffice to PDF and measured from the PDF's text
//! layout (`pdftotext -bbox-layout`) against GB/T 9704-2012 — 28 characters a line, 22 lines a
//! page, `— n —` page numbers 7 mm under the type area (right on odd pages, left on even ones), the
//! 附件说明, the blank line and 落款 placement, each attachment's `附件n` flush left and its title
//! centred on the third line. Needs `soffice` and `pdftotext`; skipped without them unless CI=true.
//! `KAOHE_DOCX_PDF=dir` keeps the PDF there (for screenshots).

use chrono::NaiveDate;
use kaohe_documents::{DocxInfo, write_docx};
use kaohe_domain::report::doc;
use std::path::{Path, PathBuf};
use std::process::Command;

/// One line of text on a PDF page, in millimetres from the page's top left.
#[derive(Debug, Clone)]
struct Line {
    page: usize,
    text: String,
    left: f64,
    top: f64,
    right: f64,
    bottom: f64,
}

const PT: f64 = 25.4 / 72.0;
/// The type area: 28 mm from the left, 156 mm wide; 37 mm from the top, 225 mm high.
const LEFT: f64 = 28.0;
const RIGHT: f64 = 28.0 + 156.0;
const TOP: f64 = 37.0;
const BOTTOM: f64 = 37.0 + 225.0;
/// One character of the 28-character line.
const CHAR: f64 = 156.0 / 28.0;

fn attr(tag: &str, name: &str) -> f64 {
    let at = tag.find(&format!("{name}=\"")).map(|i| i + name.len() + 2).unwrap_or_else(|| panic!("{name} in {tag}"));
    tag[at..].split('"').next().unwrap().parse().unwrap()
}

/// The lines of `pdftotext -bbox-layout` output, words joined without spaces.
fn lines(xhtml: &str) -> Vec<Line> {
    let mut out = Vec::new();
    for (p, page) in xhtml.split("<page ").skip(1).enumerate() {
        for chunk in page.split("<line ").skip(1) {
            let tag = &chunk[..chunk.find('>').unwrap()];
            let text: String = chunk
                .split("<word ")
                .skip(1)
                .map(|w| {
                    let w = &w[w.find('>').unwrap() + 1..];
                    w[..w.find("</word>").unwrap()].replace("&amp;", "&")
                })
                .collect();
            out.push(Line {
                page: p + 1,
                text,
                left: attr(tag, "xMin") * PT,
                top: attr(tag, "yMin") * PT,
                right: attr(tag, "xMax") * PT,
                bottom: attr(tag, "yMax") * PT,
            });
        }
    }
    out
}

fn tool(name: &str, version: &str) -> bool {
    Command::new(name).arg(version).output().is_ok_and(|o| o.status.success())
}

/// Renders `docx` to PDF with LibreOffice (a profile of its own, so runs do not collide).
fn render(docx: &[u8], dir: &Path) -> PathBuf {
    std::fs::create_dir_all(dir).unwrap();
    let file = dir.join("report.docx");
    std::fs::write(&file, docx).unwrap();
    let profile = format!("-env:UserInstallation=file://{}", dir.join("profile").display());
    let out = Command::new("soffice")
        .args([profile.as_str(), "--headless", "--convert-to", "pdf", "--outdir"])
        .arg(dir)
        .arg(&file)
        .output()
        .expect("soffice runs");
    assert!(out.status.success(), "soffice: {}", String::from_utf8_lossy(&out.stderr));
    dir.join("report.pdf")
}

/// A report of another federation than the demo: long paragraphs without digits or punctuation
/// inside (so every full line is 28 characters of text), two attachments, one with a table.
fn sample() -> kaohe_domain::report::Doc {
    let sentence = "各级工会组织围绕中心服务大局认真履行维护职工合法权益的基本职责";
    let para = |n: usize| sentence.repeat(n) + "。";
    let mut md = String::from("# 清州市总工会二〇二六年度目标管理工作总结\n\n## 一、组织建设\n\n");
    for i in 0..12 {
        md.push_str(&format!("{}\n\n", para(3 + i % 3)));
        if i == 4 {
            md.push_str("### （一）职工之家建设\n\n");
        }
    }
    md.push_str(">> 清州市总工会\n>> 2027年1月8日\n\n");
    md.push_str("## 附件：2026年度目标管理考核结果\n\n| 名次 | 单位 | 得分 |\n|---|---|---|\n| 1 | 青河县总工会 | 98.50 |\n| 2 | 组织部 | 96.00 |\n\n");
    md.push_str(&format!("## 附件：部门填报说明\n\n{}\n", para(2)));
    doc::parse(&md)
}

#[test]
fn libreoffice_lays_the_docx_out_as_gb_t_9704_says() {
    if !tool("soffice", "--version") || !tool("pdftotext", "-v") {
        assert!(std::env::var("CI").as_deref() != Ok("true"), "CI=true: soffice and pdftotext must be installed");
        eprintln!("skipped: soffice or pdftotext missing");
        return;
    }
    let dir = std::env::var_os("KAOHE_DOCX_PDF")
        .map(PathBuf::from)
        .unwrap_or_else(|| std::env::temp_dir().join(format!("kaohe-docx-layout-{}", std::process::id())));
    let bytes =
        write_docx(&sample(), &DocxInfo { date: NaiveDate::from_ymd_opt(2027, 1, 8).unwrap(), author: "清州市总工会" })
            .unwrap();
    let pdf = render(&bytes, &dir);
    let out = Command::new("pdftotext").arg("-bbox-layout").arg(&pdf).arg("-").output().unwrap();
    let all = lines(&String::from_utf8(out.stdout).unwrap());
    let pages = all.iter().map(|l| l.page).max().unwrap();
    let body = |p: usize| all.iter().filter(move |l| l.page == p && l.top < BOTTOM).collect::<Vec<_>>();
    let near = |a: f64, b: f64, tol: f64| (a - b).abs() <= tol;

    // 28 characters on every full line; 22 lines on a full page of text (page 2).
    let body_size = |l: &Line| l.bottom - l.top < 8.5;
    let full: Vec<_> = all
        .iter()
        .filter(|l| body_size(l) && l.top < BOTTOM && near(l.left, LEFT, 1.0) && near(l.right, RIGHT, 1.5))
        .collect();
    assert!(full.len() > 30, "few full lines: {all:#?}");
    for l in &full {
        assert_eq!(l.text.chars().count(), 28, "page {}: {l:?}", l.page);
    }
    assert_eq!(body(2).len(), 22, "lines on page 2: {:#?}", body(2));
    for l in body(2) {
        assert!(l.top >= TOP - 1.0 && l.top < BOTTOM, "{l:?}");
    }

    // Page numbers: `— n —`, 7 mm under the type area, one character in from the right on odd
    // pages and from the left on even ones.
    for p in 1..=pages {
        let foot: Vec<_> = all.iter().filter(|l| l.page == p && l.top > BOTTOM).collect();
        assert_eq!(foot.len(), 1, "page {p}: {foot:?}");
        let f = foot[0];
        assert_eq!(f.text, format!("—{p}—"), "page {p}");
        let dash = (f.top + f.bottom) / 2.0;
        assert!(near(dash, BOTTOM + 7.0, 1.5), "page {p}: the 一字线 at {dash:.1} mm");
        if p % 2 == 1 {
            assert!(near(f.right, RIGHT - CHAR, 1.5), "page {p}: right edge {:.1}", f.right);
        } else {
            assert!(near(f.left, LEFT + CHAR, 1.5), "page {p}: left edge {:.1}", f.left);
        }
    }

    // 附件说明 two characters in, the second title under the first; a blank line, the
    // signature, and the date two characters in from the right starting two characters right
    // of the signature.
    let find = |t: &str| all.iter().find(|l| l.text.starts_with(t)).unwrap_or_else(|| panic!("{t} missing: {all:#?}"));
    let note = find("附件：1．2026年度目标管理考核结果");
    assert!(near(note.left, LEFT + 2.0 * CHAR, 1.0), "{note:?}");
    let second = find("2．部门填报说明");
    assert!(near(second.left, LEFT + 5.0 * CHAR, 1.0) && second.page == note.page, "{second:?}");
    let sig = all.iter().find(|l| l.text == "清州市总工会").expect("the signature");
    let date = find("2027年1月8日");
    assert!(near(date.left, sig.left + 2.0 * CHAR, 1.0), "{sig:?} {date:?}");
    // Two characters in from the right where digits are half a character (Word, WPS); LibreOffice
    // sets digits among Chinese text in the Chinese face, a little wider.
    assert!(date.right <= RIGHT && date.right >= RIGHT - 2.0 * CHAR - 1.0, "{date:?}");
    let pitch = date.top - sig.top;
    assert!(near(sig.top - second.top, 2.0 * pitch, 1.0), "no blank line before the signature: {second:?} {sig:?}");

    // Each attachment on a page of its own: 附件n flush left on the first line, its title centred
    // on the third.
    for (n, title) in [(1, "2026年度目标管理考核结果"), (2, "部门填报说明")] {
        let label = all.iter().find(|l| l.text == format!("附件{n}")).unwrap_or_else(|| panic!("附件{n}: {all:#?}"));
        assert!(near(label.left, LEFT, 1.0) && near(label.top, TOP, 3.0), "{label:?}");
        let t = all.iter().find(|l| l.page == label.page && l.text == title).unwrap();
        assert!(near((t.left + t.right) / 2.0, (LEFT + RIGHT) / 2.0, 1.5), "{t:?}");
        assert!(t.top > label.top + pitch * 1.5 && t.top < label.top + pitch * 3.0, "{label:?} {t:?}");
    }
    assert!(all.iter().any(|l| l.text.contains("青河县总工会")), "the table");
}
