//! Report templates: the pack's annual template is there and checked; a federation's own file in
//! the data folder replaces it; a broken one is refused with its file, line and column; a pack
//! folder with a broken template fails `pack validate`.

use kaohe_packs::{read_dir, reports_with, trade_union, trade_union_files};

fn temp(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("kaohe-reports-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn the_pack_ships_the_annual_template() {
    let pack = trade_union().unwrap();
    let t = pack.report("annual").expect("annual template");
    assert_eq!(t.file, "reports/annual.md.j2");
    assert!(t.source.contains("fig('new_unions')"));
}

#[test]
fn a_data_folder_template_replaces_the_packs_and_a_broken_one_is_located() {
    let pack = trade_union().unwrap();
    let dir = temp("own");
    std::fs::write(dir.join("annual.md.j2"), "# {{ year }}年\n\n{{ fig('new_unions') }}\n").unwrap();
    std::fs::write(dir.join("brief.md.j2"), "{{ org }}\n").unwrap();
    let all = reports_with(&pack, &dir).unwrap();
    assert_eq!(all.len(), 3, "annual, county and the own brief");
    let annual = all.iter().find(|t| t.key == "annual").unwrap();
    assert!(annual.source.starts_with("# {{ year }}年"), "the federation's own replaces the pack's");

    std::fs::write(dir.join("brief.md.j2"), "第一行\n{{ org }} {{ yaer }}\n").unwrap();
    let errs = reports_with(&pack, &dir).unwrap_err();
    assert_eq!(errs.len(), 1);
    let e = &errs[0];
    assert!(e.file.ends_with("brief.md.j2") && e.line == 2 && e.column == 14, "{e}");
    assert!(e.to_string().contains("yaer") && e.to_string().matches("yaer").count() == 3, "{e}");
    assert!(reports_with(&pack, &dir.join("missing")).is_ok(), "no folder: the pack's templates");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn pack_validation_checks_templates() {
    let dir = temp("pack");
    for (path, text) in trade_union_files() {
        let to = dir.join(&path);
        std::fs::create_dir_all(to.parent().unwrap()).unwrap();
        let text = if path == "reports/annual.md.j2" {
            text.replace("{{ fig('new_members') }}", "{{ fig('new_members' }}")
        } else {
            text
        };
        std::fs::write(to, text).unwrap();
    }
    let errs = kaohe_domain::pack::parse_pack(&read_dir(&dir).unwrap()).unwrap_err();
    assert_eq!(errs.len(), 1, "{errs:?}");
    assert_eq!(errs[0].file, "reports/annual.md.j2");
    assert!(errs[0].message_zh.contains("语法"), "{}", errs[0]);
    std::fs::remove_dir_all(&dir).unwrap();
}

mod county {
    use kaohe_domain::indicator::Number;
    use kaohe_domain::report::template::{Outcome, render};
    use kaohe_domain::report::{Facts, FigureFact, markdown};

    fn figure(
        order: usize,
        key: &str,
        name: &str,
        value: Option<i64>,
        target: Option<i64>,
        scored: Option<(i64, i64)>,
    ) -> FigureFact {
        FigureFact {
            order,
            key: key.into(),
            name_zh: name.into(),
            unit: "个".into(),
            section: "组织建设".into(),
            decimals: 0,
            percent: false,
            value: value.map(Number::int),
            last: None,
            target: target.map(Number::int),
            score: scored.map(|s| s.0),
            weight: scored.map(|s| s.1),
            item: None,
        }
    }

    fn county_facts(figures: Vec<FigureFact>, draft: bool) -> Facts {
        Facts {
            year: 2027,
            org_id: 7,
            org_name: "清州市第一县总工会".into(),
            date: chrono::NaiveDate::from_ymd_opt(2028, 1, 10).unwrap(),
            figures: figures.into_iter().map(|f| (f.key.clone(), f)).collect(),
            draft,
            ..Facts::default()
        }
    }

    fn text(facts: &Facts) -> (String, usize) {
        let pack = kaohe_packs::trade_union().unwrap();
        let tpl = pack.report("county").expect("the county template");
        match render(tpl, facts).unwrap() {
            Outcome::Done(doc, missing) => (markdown::write(&doc), missing.len()),
            Outcome::Needs(w) => panic!("needs {w:?}"),
        }
    }

    /// The county template lists the org's own targets (and nothing without one), each with its
    /// figure, completion and points, names the items short of full points, and says plainly when
    /// no target was set — for any federation and year.
    #[test]
    fn a_county_reports_its_own_targets() {
        let figures = vec![
            figure(0, "a_members", "新发展会员", Some(80), Some(100), Some((1500, 2000))),
            figure(1, "a_unions", "新建工会", Some(12), Some(10), Some((1000, 1000))),
            figure(2, "a_incidents", "群体性事件", Some(0), Some(0), Some((500, 500))),
            figure(3, "a_untargeted", "没有目标的指标", Some(5), None, None),
        ];
        let (md, missing) = text(&county_facts(figures.clone(), false));
        assert_eq!(missing, 0);
        assert!(
            md.contains("2027年度目标任务完成情况自查报告") && md.contains("清州市第一县总工会承担目标任务3项"),
            "{md}"
        );
        assert!(md.contains("| 新发展会员 | 100个 | 80个 | 80% | 15.00 |"), "{md}");
        assert!(md.contains("| 新建工会 | 10个 | 12个 | 120% | 10.00 |"), "{md}");
        assert!(md.contains("| 群体性事件 | 0个 | 0个 | — | 5.00 |"), "no rate over a zero target: {md}");
        assert!(!md.contains("没有目标的指标"), "{md}");
        assert!(md.contains("新发展会员未得满分") && !md.contains("新建工会未得满分"), "{md}");
        assert!(md.contains("2028年1月10日"), "{md}");

        // All full: no such section. No figure yet: a draft shows the placeholder and lists it.
        let all_full: Vec<FigureFact> = figures.iter().filter(|f| f.key != "a_members").cloned().collect();
        assert!(!text(&county_facts(all_full, false)).0.contains("未得满分"));
        let mut lacking = figures.clone();
        lacking[0].value = None;
        lacking[0].score = None;
        let (md, missing) = text(&county_facts(lacking, true));
        assert!(md.contains("【待填报：新发展会员】") && missing == 1, "{md}");

        let (md, _) = text(&county_facts(vec![figure(0, "a", "甲", Some(1), None, None)], false));
        assert!(md.contains("清州市第一县总工会2027年度尚未下达目标任务。") && !md.contains("|"), "{md}");
    }

    #[test]
    fn templates_are_named_in_words() {
        let pack = kaohe_packs::trade_union().unwrap();
        assert_eq!(pack.report("annual").unwrap().title(), "年度目标考核汇报材料");
        assert_eq!(pack.report("county").unwrap().title(), "目标任务完成情况自查报告");
        let bare = kaohe_domain::report::ReportTemplate { key: "brief".into(), file: "".into(), source: "# x".into() };
        assert_eq!(bare.title(), "brief");
    }
}
