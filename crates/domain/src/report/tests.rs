//! Rendering templates over hand-made facts.

use super::doc::{Block, Inline, Target, plain};
use super::facts::{Facts, FigureFact, ListItem, Narrative};
use super::template::{Outcome, ReportTemplate, render};
use super::{html, markdown};
use crate::indicator::Number;
use chrono::NaiveDate;

fn fig(order: usize, key: &str, unit: &str, value: Option<Number>, last: Option<Number>) -> FigureFact {
    FigureFact {
        order,
        key: key.into(),
        name_zh: format!("指标{key}"),
        unit: unit.into(),
        section: "组织建设".into(),
        decimals: if unit == "%" { 1 } else { 0 },
        percent: unit == "%",
        value,
        last,
        target: None,
        score: None,
        weight: None,
        item: None,
    }
}

fn facts() -> Facts {
    let mut f = Facts {
        year: 2009,
        org_id: 1,
        org_name: "衡阳市总工会".into(),
        date: NaiveDate::from_ymd_opt(2010, 1, 15).unwrap(),
        ..Facts::default()
    };
    let n = |i| Some(Number::int(i));
    for x in [
        fig(0, "new_unions", "家", n(573), n(401)),
        fig(1, "women_members", "人", n(263_456), None),
        fig(2, "cadres_sent_up", "人", n(146), None),
        fig(3, "congress_private_rate", "%", Number::new(520, 716), None),
        fig(4, "pairing_funds", "元", n(1_793_000_000), None),
        fig(5, "legal_certs_issued", "个", n(348), n(243)),
        fig(6, "nothing", "%", None, None),
        fig(7, "women_demo_units", "个", n(2), None),
    ] {
        f.figures.insert(x.key.clone(), x);
    }
    f
}

fn tpl(source: &str) -> ReportTemplate {
    ReportTemplate { key: "t".into(), file: "reports/t.md.j2".into(), source: source.into() }
}

fn done(source: &str, f: &Facts) -> super::Doc {
    match render(&tpl(source), f).unwrap_or_else(|e| panic!("{e}")) {
        Outcome::Done(d, _) => d,
        Outcome::Needs(w) => panic!("wants {w:?}"),
    }
}

#[test]
fn helpers_write_the_seed_phrases_and_link_each_figure() {
    let d = done(
        "# {{ year }}年工作汇报\n\n新组建工会{{ fig('new_unions') }},女会员达{{ fig('women_members', more=10000) }}。\
         推荐{{ fig('cadres_sent_up', nearly=50, unit='名') }};{{ fig('congress_private_rate', above=10) }};\
         引进资金{{ fig('pairing_funds') }};法人资格证{{ fig('legal_certs_issued') }},{{ growth('legal_certs_issued') }}。\n",
        &facts(),
    );
    let md = markdown::write(&d);
    assert!(md.starts_with("# 2009年工作汇报\n"), "{md}");
    for phrase in
        ["新组建工会573家", "女会员达26万多人", "推荐近150名", "70%以上", "17.93亿元", "348个,比去年同期增长43%"]
    {
        assert!(md.contains(phrase), "{phrase} missing from {md}");
    }
    let Block::Paragraph(runs) = &d.blocks[1] else { panic!("{:?}", d.blocks) };
    assert!(runs.contains(&Inline::Link { target: Target::Figure("new_unions".into()), text: "573家".into() }));
    let page = html::write(&d, &html::Links { base: String::new(), org: 1, year: 2009 });
    assert!(page.contains("href=\"/indicators/drill?key=new_unions&amp;org=1&amp;period=2009\""), "{page}");
}

#[test]
fn a_figure_that_cannot_be_computed_stops_the_render_at_its_line() {
    let e = render(&tpl("第一行\n比例{{ fig('nothing') }}\n"), &facts()).unwrap_err();
    assert_eq!((e.file.as_str(), e.line), ("reports/t.md.j2", 2), "{e}");
    assert!(e.message.contains("nothing"), "{e}");
    let e = render(&tpl("x\n\n{{ fig('no_such') }}"), &facts()).unwrap_err();
    assert_eq!(e.line, 3);
    assert!(e.message.contains("no_such"), "{e}");
    let e = render(&tpl("a\nb {{ growth('women_members') }}"), &facts()).unwrap_err();
    assert_eq!(e.line, 2, "{e}");
}

#[test]
fn an_undefined_name_is_named_with_its_line_and_column() {
    let e = render(&tpl("一\n二 {{ yaer }}年\n"), &facts()).unwrap_err();
    assert_eq!((e.line, e.column), (2, 6), "{e}");
    assert!(e.message.contains("yaer"), "{e}");
    let e = render(&tpl("{% if x %}\n"), &facts()).unwrap_err();
    assert!(e.message.contains("语法"), "{e}");
    assert_eq!(e.line, 1);
    let e = render(&tpl("{{ fig('new_unions', mroe=10) }}"), &facts()).unwrap_err();
    assert!(e.message.contains("mroe"), "{e}");
}

#[test]
fn lists_and_narratives_are_asked_for_then_written() {
    let source = "示范单位:{{ names('women_demo_units', field='subject_unit') }}。\n{% for n in narratives('cadre_stats') %}{{ n.org }}:{{ n.text }}\n{% endfor %}";
    let mut f = facts();
    let Outcome::Needs(w) = render(&tpl(source), &f).unwrap() else { panic!("should ask") };
    assert!(w.lists.contains("women_demo_units.subject_unit") && w.narratives.contains("cadre_stats"));
    f.lists.insert(
        "women_demo_units.subject_unit".into(),
        vec![
            ListItem { text: "钢管集团".into(), registry: "honours".into(), record: 3 },
            ListItem { text: "亚新科公司".into(), registry: "honours".into(), record: 4 },
        ],
    );
    f.narratives.insert("cadre_stats".into(), vec![Narrative { org: "组织部".into(), text: "调整了部室".into() }]);
    let d = done(source, &f);
    assert_eq!(
        plain(match &d.blocks[0] {
            Block::Paragraph(r) => r,
            b => panic!("{b:?}"),
        }),
        "示范单位:钢管集团、亚新科公司。组织部:调整了部室"
    );
}

#[test]
fn rendering_twice_gives_the_same_bytes() {
    let source =
        "# 标题\n{% for k in ['new_unions', 'women_members'] %}{{ numbered(1, loop.index) }}{{ fig(k) }}\n{% endfor %}";
    let (a, b) = (done(source, &facts()), done(source, &facts()));
    assert_eq!(markdown::write(&a), markdown::write(&b));
    assert!(markdown::write(&a).contains("一、573家二、263456人"));
}

#[test]
fn the_trade_union_template_compiles_and_names_only_known_helpers() {
    let source = include_str!("../../../../packs/trade-union/reports/annual.md.j2");
    let t = ReportTemplate { key: "annual".into(), file: "reports/annual.md.j2".into(), source: source.into() };
    super::template::check(&t).unwrap_or_else(|e| panic!("{e}"));
}

/// Templates are written by users (a federation's own): nesting past any sane depth is a located
/// error, never a stack overflow, in the template language and in what it renders.
#[test]
fn deeply_nested_templates_are_refused_not_overflowed() {
    let tpl = |source: String| ReportTemplate { key: "t".into(), file: "reports/t.md.j2".into(), source };
    let cases = [
        format!("{{{{ {}1{} }}}}", "(".repeat(5000), ")".repeat(5000)),
        format!("{}x{}", "{% if true %}".repeat(3000), "{% endif %}".repeat(3000)),
        format!("{{{{ {}1{} }}}}", "[".repeat(5000), "]".repeat(5000)),
        format!("{{{{ 1{} }}}}", " + 1".repeat(20000)),
        format!("{{{{ {}true }}}}", "not ".repeat(20000)),
    ];
    for source in cases {
        let t = tpl(source);
        let checked = super::template::check(&t);
        assert!(checked.is_err(), "{:?} accepted", &t.source[..40]);
        let e = checked.unwrap_err().to_string();
        assert!(e.contains("t.md.j2"), "located: {e}");
        assert!(render(&t, &facts()).is_err());
    }
    // A template past the size limit is refused before it is parsed.
    let big = tpl("x".repeat(super::template::MAX_TEMPLATE_BYTES + 1));
    assert!(super::template::check(&big).is_err());
}

/// A draft writes a placeholder for every figure it lacks and lists each once, in order; the
/// same template outside a draft stops at the first.
#[test]
fn a_draft_lists_every_missing_figure_at_once() {
    let source = "甲{{ fig('nothing') }}乙{{ growth('women_members') }}丙{{ completion('new_unions') }}丁{{ fig('nothing') }}{{ fig('new_unions') }}";
    assert!(render(&tpl(source), &facts()).is_err(), "not a draft: refused at the first");
    let draft = Facts { draft: true, ..facts() };
    let Outcome::Done(doc, missing) = render(&tpl(source), &draft).unwrap() else { panic!("should render") };
    let text = markdown::write(&doc);
    assert!(text.contains("甲【待填报：指标nothing】乙【待填报：指标women_members（上年数值）】"), "{text}");
    assert!(text.contains("丙【待填报：指标new_unions（完成率）】丁【待填报：指标nothing】573家"), "{text}");
    let listed: Vec<(&str, &str)> = missing.iter().map(|m| (m.key.as_str(), m.what.as_str())).collect();
    assert_eq!(listed, [("nothing", "数值"), ("women_members", "上年数值"), ("new_unions", "完成率")]);
}
