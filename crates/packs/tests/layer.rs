//! A federation's own layer over the built-in pack: its rulebook for another year, its own
//! indicators, templates and holiday notices — checked by the pack's readers, every mistake
//! located, a change that breaks a dependant refused with the dependant's place.

use kaohe_domain::pack::{Layered, PackError, carry_rulebook, overlay};

fn base() -> (Layered, Vec<kaohe_domain::registry::RegistryDef>) {
    let pack = kaohe_packs::trade_union().unwrap();
    (pack.layered(), pack.registries)
}

fn lay(files: &[(&str, &str)]) -> Result<Layered, Vec<PackError>> {
    let (b, regs) = base();
    let files: Vec<(String, String)> = files.iter().map(|(p, t)| ((*p).to_owned(), (*t).to_owned())).collect();
    overlay(&b, &regs, &files)
}

fn shown(errs: Vec<PackError>) -> Vec<String> {
    errs.iter().map(|e| e.to_string()).collect()
}

fn model() -> String {
    kaohe_packs::trade_union_files().into_iter().find(|(p, _)| p == "rulebooks/2009.toml").unwrap().1
}

const OWN: &str = r#"
[[indicators]]
key = "unions_founded_twice"
name_zh = "新组建工会(双倍)"
name_en = "New unions twice"
unit = "家"
unit_en = "units"
section = "组织建设"
formula = '''
new_unions * 2
'''
"#;

#[test]
fn a_rulebook_carried_to_another_year_is_in_force_beside_the_built_in_one() {
    let text = carry_rulebook(&model(), 2009, 2026);
    assert!(text.contains("year = 2026") && text.contains("effective_on = \"2026-01-01\""));
    assert!(text.contains("deadline = \"2027-01-10\""), "deadlines move by the same years");
    // Targets are numbers, not years: `target = 2000` stays (the 宣教部's 2,000 booklets).
    assert!(text.contains("target = 2000"));
    let layered = lay(&[("rulebooks/2026.toml", &text)]).unwrap();
    assert_eq!(layered.rulebook(2026).unwrap().sections.len(), layered.rulebook(2009).unwrap().sections.len());
    // Named for one year, saying another: refused, located.
    let errs = shown(lay(&[("rulebooks/2027.toml", &text)]).unwrap_err());
    assert!(errs[0].contains("rulebooks/2027.toml:") && errs[0].contains("2026"), "{errs:?}");
}

#[test]
fn own_indicators_add_and_may_not_take_a_built_in_key() {
    let layered = lay(&[("indicators/unions_founded_twice.toml", OWN)]).unwrap();
    let i = layered.indicators.get("unions_founded_twice").unwrap();
    assert_eq!(i.def.name_zh, "新组建工会(双倍)");
    assert_eq!(layered.indicators.refers_to("unions_founded_twice"), ["new_unions"]);
    assert!(layered.indicators.referred_by("new_unions").contains(&"unions_founded_twice"));
    let taken = OWN.replace("unions_founded_twice", "new_unions");
    let errs = shown(lay(&[("indicators/mine.toml", &taken)]).unwrap_err());
    assert!(errs[0].starts_with("indicators/mine.toml:3:7: 指标代码“new_unions”已被占用"), "{errs:?}");
    // A formula that does not check: located in the layer file, at the formula's character.
    let bad = OWN.replace("new_unions * 2", "new_unionz * 2");
    let errs = shown(lay(&[("indicators/unions_founded_twice.toml", &bad)]).unwrap_err());
    assert!(errs[0].starts_with("indicators/unions_founded_twice.toml:10:1:"), "{errs:?}");
}

#[test]
fn a_change_that_breaks_a_dependant_is_refused_at_the_dependant() {
    let uses = model().replace("indicator = \"new_unions\"", "indicator = \"unions_founded_twice\"");
    let text = carry_rulebook(&uses, 2009, 2026);
    let both = [("indicators/unions_founded_twice.toml", OWN), ("rulebooks/2026.toml", text.as_str())];
    assert!(lay(&both).is_ok());
    // Without the indicator the rulebook no longer holds: the error is the rulebook's.
    let errs = shown(lay(&[("rulebooks/2026.toml", text.as_str())]).unwrap_err());
    assert!(errs[0].starts_with("rulebooks/2026.toml:") && errs[0].contains("unions_founded_twice"), "{errs:?}");
}

#[test]
fn templates_and_notices_replace_the_built_in_ones_and_bad_names_are_refused() {
    let notice = "year = 2031\nnotice = \"国务院办公厅关于2031年部分节假日安排的通知\"\n\n[[holidays]]\nname = \"元旦\"\noff = \"2031-01-01..2031-01-03\"\nwork = []\n";
    let layered = lay(&[("calendars/2031.toml", notice), ("reports/annual.md.j2", "# {{ year }}年\n")]).unwrap();
    assert!(layered.calendar.covers(2031) && layered.calendar.covers(2026));
    assert_eq!(layered.report("annual").unwrap().source, "# {{ year }}年\n");
    let errs = shown(lay(&[("registries/members.toml", "key = 1")]).unwrap_err());
    assert!(errs[0].contains("文件名不合规"), "{errs:?}");
    let errs = shown(lay(&[("calendars/2032.toml", notice)]).unwrap_err());
    assert!(errs[0].contains("年份与文件名不符"), "{errs:?}");
    let errs = shown(lay(&[("reports/annual.md.j2", "{{ fig( }}")]).unwrap_err());
    assert!(errs[0].starts_with("reports/annual.md.j2:1:"), "{errs:?}");
}
