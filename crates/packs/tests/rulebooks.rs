//! The trade-union pack's 2009 rulebook: the seed's sections, weights adding up for every
//! assessed org, the veto and bonus items; and mistakes in a rulebook located to the character.

use kaohe_domain::OrgKind;
use kaohe_domain::pack::parse_pack;
use kaohe_domain::scoring::{Direction, VetoEffect};

#[test]
fn the_2009_rulebook_mirrors_the_seed() {
    let pack = kaohe_packs::trade_union().unwrap();
    let book = pack.rulebook(2009).expect("a 2009 rulebook");
    let sections: Vec<&str> = book.sections.iter().map(|s| s.name_zh.as_str()).collect();
    assert_eq!(sections, ["综合工作", "组织建设", "维权", "帮扶", "财务"]);
    assert_eq!(book.assessed_kinds, [OrgKind::Department, OrgKind::Federation]);
    let vetoes: Vec<(&str, VetoEffect)> = book.vetoes.iter().map(|v| (v.name_zh.as_str(), v.effect)).collect();
    assert_eq!(vetoes, [("党风廉政建设", VetoEffect::Veto), ("社会稳定", VetoEffect::Veto)]);
    assert!(book.adjustments.iter().any(|a| a.direction == Direction::Bonus && a.indicator == "honour_bonus_points"));
    for (_, item) in book.items() {
        assert!(pack.indicators.get(&item.indicator).is_some(), "{}", item.key);
        assert!(!item.clause.is_empty() && !item.evidence.is_empty(), "{} cites its clause and evidence", item.key);
    }
    assert!(pack.rulebook(2008).is_none());
}

fn with_rulebook(text: &str) -> Vec<String> {
    let mut files = kaohe_packs::trade_union_files();
    files.retain(|(p, _)| !p.starts_with("rulebooks/"));
    files.push(("rulebooks/2009.toml".into(), text.into()));
    match parse_pack(&files) {
        Ok(_) => vec![],
        Err(errs) => errs.iter().map(|e| e.to_string()).collect(),
    }
}

const HEAD: &str = "year = 2009\nversion = \"1\"\neffective_on = \"2009-01-01\"\ntitle = \"t\"\nassessed = [\"federation\"]\ntotal = 10\n\n[[grades]]\nname_zh = \"合格\"\nname_en = \"Pass\"\nmin = 0\n\n[[sections]]\nkey = \"s\"\nname_zh = \"组织建设\"\nname_en = \"Org\"\n\n";

#[test]
fn mistakes_are_located() {
    let item = |indicator: &str, weight: i64, rule: &str| {
        format!(
            "[[sections.items]]\nkey = \"a\"\nname_zh = \"a\"\nname_en = \"a\"\nindicator = \"{indicator}\"\nweight = {weight}\ntarget = 5\nrule = {rule}\napplies_to = [\"federation\"]\nclause = \"c\"\n"
        )
    };
    assert_eq!(
        with_rulebook(&format!("{HEAD}{}", item("new_unions", 10, "{ kind = \"proportional\" }"))),
        Vec::<String>::new()
    );
    let errs = with_rulebook(&format!("{HEAD}{}", item("new_unionz", 10, "{ kind = \"proportional\" }")));
    assert!(errs[0].starts_with("rulebooks/2009.toml:22:13: 没有指标“new_unionz”"), "{errs:?}");
    let errs = with_rulebook(&format!("{HEAD}{}", item("new_unions", 10, "{ kind = \"proportionate\" }")));
    assert!(errs[0].starts_with("rulebooks/2009.toml:25:8:") && errs[0].contains("proportionate"), "{errs:?}");
    let errs = with_rulebook(&format!("{HEAD}{}", item("new_unions", 8, "{ kind = \"proportional\" }")));
    assert!(errs[0].starts_with("rulebooks/2009.toml:6:9:") && errs[0].contains("8"), "{errs:?}");
    let errs = with_rulebook(&format!("{HEAD}{}", item("new_unions", 10, "{ kind = \"shortfall\" }")));
    assert!(errs[0].contains("per"), "a shortfall needs its per: {errs:?}");
}

/// Who is assessed and which department answers an item are named by group or org code: one
/// group per entry, located when it is not one (a list typed into one string, a name too long).
#[test]
fn group_entries_are_single_groups() {
    let head = HEAD
        .replace("total = 10\n", "total = 10\nnot_assessed = [\"经审办、审计\"]\nassessed_groups = [\"产业工会\"]\n");
    let item = "[[sections.items]]\nkey = \"a\"\nname_zh = \"a\"\nname_en = \"a\"\nindicator = \"new_unions\"\nweight = 10\ntarget = 5\nrule = { kind = \"proportional\" }\napplies_to = [\"federation\"]\nclause = \"c\"\n";
    let errs = with_rulebook(&format!("{head}{item}"));
    assert_eq!(errs.len(), 1, "{errs:?}");
    assert!(errs[0].starts_with("rulebooks/2009.toml:7:17:") && errs[0].contains("经审办、审计"), "{errs:?}");
    let head =
        HEAD.replace("total = 10\n", "total = 10\nnot_assessed = [\"经审办\"]\nassessed_groups = [\"产业工会\"]\n");
    assert_eq!(with_rulebook(&format!("{head}{item}")), Vec::<String>::new());
}
