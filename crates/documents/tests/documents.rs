//! The DOCX and XLSX writers: layout settings present, output byte-identical run to run.

use calamine::{Data, Reader, Xlsx};
use chrono::NaiveDate;
use kaohe_documents::{DocxInfo, write_docx, write_stats_xlsx};
use kaohe_domain::indicator::Number;
use kaohe_domain::report::{ChildFigures, Facts, FigureFact, RankRow, doc, tables};
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

/// The cells of the sheet named `name`, typed as calamine reads them back.
fn sheet(bytes: &[u8], name: &str) -> calamine::Range<Data> {
    let mut wb: Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(bytes.to_vec())).unwrap();
    wb.worksheet_range(name).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn at(r: &calamine::Range<Data>, row: u32, col: u32) -> Data {
    r.get_value((row, col)).cloned().unwrap_or(Data::Empty)
}

#[test]
fn the_statistics_workbook_is_one_the_statistics_staff_can_send() {
    let (_, mut f) = sample();
    f.org_name = "清州市总工会".into();
    // A money figure (元 → 万元), a rate (its change in 百分点), and two children.
    let mut money = f.figures["new_unions"].clone();
    (money.key, money.name_zh, money.unit, money.order) = ("aid_paid".into(), "发放救助金".into(), "元".into(), 1);
    (money.value, money.last, money.target, money.score) =
        (Some(Number::int(1_793_000_000)), Some(Number::int(1_500_000_000)), None, None);
    f.figures.insert("aid_paid".into(), money);
    let mut rate = f.figures["new_unions"].clone();
    (rate.key, rate.name_zh, rate.unit, rate.order, rate.percent, rate.decimals) =
        ("coverage".into(), "建会率".into(), "%".into(), 2, true, 1);
    (rate.value, rate.last, rate.target, rate.score) = (Number::new(726, 1000), Number::new(701, 1000), None, None);
    f.figures.insert("coverage".into(), rate);
    for (org, n) in [("青河县总工会", 300), ("组织部", 273)] {
        let values =
            [("new_unions", Some(Number::int(n))), ("aid_paid", Some(Number::int(n * 1_000_000))), ("coverage", None)]
                .map(|(k, v)| (k.to_owned(), v))
                .into_iter()
                .collect();
        f.children.push(ChildFigures { org: org.into(), values });
    }
    let t = tables::build(&f);
    let a = write_stats_xlsx(&t, &f).unwrap();
    assert_eq!(a, write_stats_xlsx(&t, &f).unwrap(), "two runs differ");
    let wb = part(&a, "xl/workbook.xml");
    assert!(wb.contains("组织建设") && wb.contains("组织建设(分单位)") && wb.contains("考核结果"), "{wb}");

    // Title block, then the header in row 3, figures as numbers in the units the report states.
    let s = sheet(&a, "组织建设");
    assert_eq!(at(&s, 0, 0), Data::String("清州市总工会2009年组织建设统计表".into()));
    assert_eq!(at(&s, 1, 0), Data::String("填报单位：清州市总工会".into()));
    assert!(matches!(at(&s, 1, 5), Data::String(d) if d == "报出日期：2010年1月15日"), "{:?}", at(&s, 1, 5));
    let header: Vec<Data> = (0..9).map(|c| at(&s, 2, c)).collect();
    assert_eq!(header[5], Data::String("比上年增减(百分点)".into()));
    assert_eq!(header[8], Data::String("得分".into()), "scored: the 得分 column is there");
    // 新组建工会: 573 this year, 401 last, growth 42.9 %, target 500, completion 114.6 %, score 10.
    let row: Vec<Data> = (0..9).map(|c| at(&s, 3, c)).collect();
    assert_eq!(row[2..], [573.0, 401.0, 42.9, f64::NAN, 500.0, 114.6, 10.0].map(num)[..], "{row:?}");
    // 发放救助金: 元 shown as 万元, two decimals (17.93亿元 is 179300.00万元).
    assert_eq!(
        (at(&s, 4, 1), at(&s, 4, 2), at(&s, 4, 3)),
        (Data::String("万元".into()), num(179_300.0), num(150_000.0))
    );
    // 建会率: percentages, its change in 百分点 (72.6 − 70.1 = 2.5), no relative growth.
    assert_eq!((at(&s, 5, 2), at(&s, 5, 4), at(&s, 5, 5)), (num(72.6), Data::Empty, num(2.5)));

    // By unit: the org's total on top, then each child; money in 万元.
    let c = sheet(&a, "组织建设(分单位)");
    assert_eq!(at(&c, 2, 2), Data::String("发放救助金(万元)".into()));
    assert_eq!((at(&c, 3, 0), at(&c, 3, 1)), (Data::String("清州市总工会合计".into()), num(573.0)));
    assert_eq!(
        (at(&c, 4, 0), at(&c, 4, 1), at(&c, 4, 2)),
        (Data::String("青河县总工会".into()), num(300.0), num(30_000.0))
    );
    assert_eq!(at(&c, 5, 3), Data::Empty, "a figure that cannot be computed stays empty");

    // The ranking's scores are numbers.
    let r = sheet(&a, "考核结果");
    assert_eq!((at(&r, 3, 1), at(&r, 3, 3)), (num(1.0), num(95.5)));

    // Borders on every table cell, the header frozen, A4 landscape one page wide, the title
    // block and header repeated, page x of y in the footer.
    let styles = part(&a, "xl/styles.xml");
    assert!(styles.contains(r#"<left style="thin">"#) && styles.contains(r#"<bottom style="thin">"#), "{styles}");
    let xml = part(&a, "xl/worksheets/sheet1.xml");
    for want in [
        r#"<pane xSplit="1" ySplit="3" topLeftCell="B4" activePane="bottomRight" state="frozen"/>"#,
        r#"<pageSetUpPr fitToPage="1"/>"#,
        r#"paperSize="9""#,
        r#"fitToHeight="0""#,
        r#"orientation="landscape""#,
        "<oddFooter>&amp;C第 &amp;P 页，共 &amp;N 页</oddFooter>",
        "单位负责人：",
    ] {
        assert!(xml.contains(want) || part(&a, "xl/sharedStrings.xml").contains(want), "{want} missing: {xml}");
    }
    assert!(wb.contains("_xlnm.Print_Titles"), "{wb}");
}

fn num(v: f64) -> Data {
    if v.is_nan() { Data::Empty } else { Data::Float(v) }
}
