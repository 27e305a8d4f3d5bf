//! The trade-union pack's indicators: every formula parses and type-checks against the pack's
//! registries, every registry-sourced figure of the seed report (SEED-FIGURES.md) has an indicator
//! with its id as key, and a typo in a formula is reported at its spot with a suggestion.

use kaohe_domain::indicator::{Number, Plan};
use kaohe_domain::pack::{Pack, PackError, parse_pack};
use kaohe_packs::SEED_FIGURES as SEED;
use std::collections::BTreeSet;

/// Rates and relations derived from the seed figures, with the decimals the seed shows them at.
const RATES: &[(&str, u32)] = &[
    ("decisions_on_time_rate", 0),
    ("advice_forms_return_rate", 0),
    ("investment_arrival_rate", 0),
    ("congress_public_rate", 0),
    ("congress_private_rate", 1),
    ("appraisal_coverage", 0),
    ("restructured_via_congress_rate", 0),
    ("legal_certs_growth", 0),
    ("insurance_participants_growth", 0),
    ("insurance_premium_growth", 0),
    ("fair_intention_rate", 0),
];

fn shown(errs: &[PackError]) -> String {
    errs.iter().map(|e| format!("{e}")).collect::<Vec<_>>().join("\n")
}

fn pack() -> Pack {
    kaohe_packs::trade_union().unwrap_or_else(|errs| panic!("the trade-union pack has errors:\n{}", shown(&errs)))
}

#[test]
fn every_formula_parses_and_type_checks() {
    let p = pack();
    let all = p.indicators.all();
    assert!(!all.is_empty(), "the pack has no indicators");
    let mut keys = BTreeSet::new();
    for i in all {
        let d = &i.def;
        assert!(keys.insert(d.key.as_str()), "indicator key {} is repeated", d.key);
        for (what, v) in [("name_zh", &d.name_zh), ("name_en", &d.name_en), ("unit", &d.unit), ("unit_en", &d.unit_en)]
        {
            assert!(!v.trim().is_empty(), "{}: {what} is empty", d.key);
        }
        assert!(
            SEED.iter().any(|(section, _)| *section == d.section),
            "{}: section {:?} is not one of the seed's",
            d.key,
            d.section
        );
        // Entered figures (`manual`) may be percentages of their own; computed ones are shown as
        // percentages exactly when they are ratios or growths, and read at least one registry.
        if !matches!(i.plan, Plan::Manual(_)) {
            assert_eq!(
                i.is_percent(),
                i.plan.is_ratio(),
                "{}: unit % goes with ratio/growth formulas and only them",
                d.key
            );
            assert!(!i.plan.registries().is_empty(), "{}: reads no registry", d.key);
        }
    }
}

#[test]
fn every_registry_sourced_seed_figure_has_an_indicator() {
    let p = pack();
    let mut missing = Vec::new();
    for (section, ids) in SEED {
        for id in *ids {
            match p.indicators.get(id) {
                Some(i) => {
                    assert_eq!(i.def.section, *section, "{id} is in the wrong section");
                    assert!(!i.plan.registries().is_empty(), "{id} is counted from a registry, not entered");
                }
                None => missing.push(*id),
            }
        }
    }
    assert!(missing.is_empty(), "no indicator for {}", missing.join(", "));
    let n: usize = SEED.iter().map(|(_, ids)| ids.len()).sum();
    assert_eq!(n, 100, "SEED-FIGURES.md has 100 registry-sourced figure ids");
}

#[test]
fn rates_are_percentages_and_counts_add_up() {
    let p = pack();
    let get = |k: &str| p.indicators.get(k).unwrap_or_else(|| panic!("no indicator {k}"));
    for (key, decimals) in RATES {
        let i = get(key);
        assert!(i.is_percent(), "{key} is a percentage");
        assert_eq!(i.def.decimals, *decimals, "{key}: decimals as the seed shows it");
        assert!(!i.additive, "{key}: a rate does not add up over children");
    }
    for key in [
        "new_unions",
        "new_members",
        "women_contracts",
        "investment_amount",
        "pairing_staff",
        "dues_deferred_units",
        "pairing_city_private_enterprises",
    ] {
        assert!(get(key).additive, "{key} is a plain count or sum: children add up to the parent");
    }
    assert!(!get("congress_private_rate").additive);
    assert!(!get("pairing_years_running").additive, "years running is a maximum, not a sum");
    // 72.6%: 520 of 716.
    let rate = get("congress_private_rate");
    let v = Number::new(520, 716);
    assert_eq!(rate.display(v), "72.6%");
}

#[test]
fn a_typo_in_a_formula_is_reported_where_it_is_with_a_suggestion() {
    let file = "indicators/2-organisation.toml";
    let good = "count(members where joined_on in period)";
    let bad = "count(members where joinde_on in period)";
    let mut files = kaohe_packs::trade_union_files();
    let (_, text) = files.iter_mut().find(|(p, _)| p == file).unwrap_or_else(|| panic!("{file} is missing"));
    assert_eq!(text.matches(good).count(), 1, "{file} should hold `{good}` once");
    *text = text.replace(good, bad);

    let at = text.find("joinde_on").unwrap();
    let line = text[..at].matches('\n').count() + 1;
    let column = text[..at].rsplit('\n').next().unwrap().chars().count() + 1;

    let errs = parse_pack(&files).expect_err("the typo is an error");
    assert_eq!(errs.len(), 1, "one error expected:\n{}", shown(&errs));
    let e = &errs[0];
    assert_eq!((e.file.as_str(), e.line, e.column), (file, line, column), "{e}");
    assert!(e.message_en.contains("did you mean `joined_on`"), "{e}");
    assert!(e.message_zh.contains("是否应为“joined_on”"), "{e}");
    let display = e.to_string();
    assert!(display.starts_with(&format!("{file}:{line}:{column}: ")), "{display}");
    let caret = display.lines().last().unwrap();
    assert_eq!(caret.find('^'), Some("  | ".len() + column - 1), "the caret stands under the typo:\n{display}");
}
