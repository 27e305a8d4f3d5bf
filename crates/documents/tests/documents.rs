//! The DOCX and XLSX writers: layout settings present, output byte-identical run to run.

use chrono::NaiveDate;
use kaohe_documents::{DocxInfo, write_docx, write_stats_xlsx};
use kaohe_domain::indicator::Number;
use kaohe_domain::report::{Facts, FigureFact, RankRow, doc, tables};
use std::io::Read;

fn sample() -> (kaohe_domain::report::Doc, Facts) {
    let d = doc::parse(&format!(
        "# 2009年工会目标考核汇报材料\n\n## 一、综合工作完成情况\n\n### 一是加强组织建设\n\n新组建工会{}家。\n\n| 名次 | 单位 |\n|---|---|\n| 1 | 组织部 |\n\n>> 衡阳市总工会\n>> 二〇一〇年一月\n",
        doc::link(&doc::Target::Figure("new_unions".into()), "573")
    ));
    let mut f = Facts { year: 2009, date: NaiveDate::from_ymd_opt(2010, 1, 15).unwrap(), ..Facts::default() };
    f.figures.insert(
        "new_unions".into(),
        FigureFact {
            order: 0,
            key: "new_unions".into(),
            name_zh: "新组建工会".into(),
            unit: "家".into(),
            section: "组织建设".into(),
            decimals: 0,
            percent: false,
            value: Some(Number::int(573)),
            last: Some(Number::int(401)),
            target: Some(Number::int(500)),
            score: Some(1000),
            weight: Some(1000),
            item: None,
        },
    );
    f.ranking.push(RankRow {
        group: "部室".into(),
        group_order: 0,
        org_id: 2,
        org: "组织部".into(),
        rank: 1,
        total: 9550,
        grade: "优秀".into(),
        vetoed: false,
    });
    (d, f)
}

fn part(bytes: &[u8], name: &str) -> String {
    let mut z = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("a zip");
    let mut s = String::new();
    z.by_name(name).unwrap_or_else(|_| panic!("{name} missing")).read_to_string(&mut s).unwrap();
    s
}

#[test]
fn the_docx_is_laid_out_as_an_official_document_and_stable() {
    let (d, f) = sample();
    let info = DocxInfo { date: f.date, author: "衡阳市总工会" };
    let a = write_docx(&d, &info).unwrap();
    assert_eq!(a, write_docx(&d, &info).unwrap(), "two runs differ");
    let xml = part(&a, "word/document.xml");
    // A4, margins 37/35/28/26 mm in twips.
    assert!(xml.contains(r#"w:w="11906""#) && xml.contains(r#"w:h="16838""#), "{xml}");
    for m in [r#"w:top="2098""#, r#"w:bottom="1984""#, r#"w:left="1587""#, r#"w:right="1474""#] {
        assert!(xml.contains(m), "{m} missing");
    }
    for font in ["方正小标宋简体", "黑体", "楷体_GB2312", "仿宋_GB2312"] {
        assert!(xml.contains(font), "{font} missing");
    }
    assert!(xml.contains(r#"w:lineRule="exact""#) && xml.contains(r#"w:line="579""#));
    assert!(xml.contains("新组建工会") && xml.contains("573"));
    // The grid: 28 characters by 22 lines.
    assert!(xml.contains(r#"<w:docGrid w:type="lines" w:linePitch="579""#), "{xml}");
    let footers: String = (1..=2).map(|i| part(&a, &format!("word/footer{i}.xml"))).collect();
    assert!(footers.contains("PAGE") && footers.contains("— "), "{footers}");
    // Every run of the page number (the field's too) is 4号 宋体.
    assert_eq!(footers.matches("<w:r>").count(), footers.matches(r#"<w:sz w:val="28" />"#).count() - 2, "{footers}");
    // Chinese text marked zh-CN; the author; faces a stock Windows has named as alternatives.
    assert!(part(&a, "word/styles.xml").contains(r#"w:eastAsia="zh-CN""#));
    let core = part(&a, "docProps/core.xml");
    assert!(
        core.contains("<dc:creator>衡阳市总工会</dc:creator>") && core.contains("2009年工会目标考核汇报材料"),
        "{core}"
    );
    let fonts = part(&a, "word/fontTable.xml");
    assert!(
        fonts.contains(r#"<w:font w:name="仿宋_GB2312"><w:altName w:val="仿宋"/><w:charset w:val="86"/>"#),
        "{fonts}"
    );
    assert!(part(&a, "word/settings.xml").contains("evenAndOddHeaders"));
}

#[test]
fn the_statistics_workbook_has_a_sheet_per_section_and_is_stable() {
    let (_, f) = sample();
    let t = tables::build(&f);
    let a = write_stats_xlsx(&t, &f).unwrap();
    assert_eq!(a, write_stats_xlsx(&t, &f).unwrap(), "two runs differ");
    let wb = part(&a, "xl/workbook.xml");
    assert!(wb.contains("组织建设") && wb.contains("考核结果"), "{wb}");
    let strings = part(&a, "xl/sharedStrings.xml");
    assert!(strings.contains("新组建工会") && strings.contains("完成率(%)"));
    let sheet = part(&a, "xl/worksheets/sheet1.xml");
    // 573 this year, 401 last, growth 42.9 %, target 500, completion 114.6 %, score 10.
    for v in ["<v>573</v>", "<v>401</v>", "<v>42.9</v>", "<v>500</v>", "<v>114.6</v>", "<v>10</v>"] {
        assert!(sheet.contains(v), "{v} missing from {sheet}");
    }
}
