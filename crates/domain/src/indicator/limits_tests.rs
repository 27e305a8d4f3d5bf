//! Formulas come from users: none may overflow the stack, expand exponentially or name a date
//! the calendar cannot count to. Each test here aborted the process or ran for hours before the
//! limits.

use super::check::{MAX_PLAN_DEPTH, MAX_PLAN_STEPS};
use super::parse::{MAX_DEPTH, MAX_FORMULA_BYTES, parse};
use super::tests::def;
use super::*;
use crate::pack::parse_pack;

fn registries() -> Vec<RegistryDef> {
    let units = "key = \"units\"\nlabel_zh = \"单位\"\nlabel_en = \"Units\"\nnatural_key = [\"name\"]\n\n\
                 [[fields]]\nkey = \"name\"\nlabel_zh = \"名称\"\nlabel_en = \"Name\"\ntype = \"text\"\n\n\
                 [[fields]]\nkey = \"ok\"\nlabel_zh = \"达标\"\nlabel_en = \"OK\"\ntype = \"bool\"\n\n\
                 [[fields]]\nkey = \"on\"\nlabel_zh = \"日期\"\nlabel_en = \"On\"\ntype = \"date\"\n";
    let files = vec![
        ("pack.toml".to_owned(), "key = \"t\"\nversion = \"1\"\nname_zh = \"测\"\nname_en = \"t\"\n".to_owned()),
        ("registries/units.toml".to_owned(), units.to_owned()),
    ];
    parse_pack(&files).unwrap().registries
}

fn compile(formula: &str) -> Result<Plan, FormulaError> {
    IndicatorSet::default().compile(formula, &registries(), None)
}

#[test]
fn deep_brackets_not_and_minus_are_refused_where_they_go_too_deep() {
    let brackets = format!("{}count(units){}", "(".repeat(1000), ")".repeat(1000));
    let e = parse(&brackets).unwrap_err();
    assert!(e.message_zh.contains("嵌套过深"), "{e}");
    assert_eq!(e.column, MAX_DEPTH + 1, "the bracket past the limit: {e}");

    let nots = format!("count(units where {}ok)", "not ".repeat(2000));
    let e = parse(&nots).unwrap_err();
    assert!(e.message_en.contains("nests too deep"), "{e}");

    let minus = format!("{}1", "- ".repeat(2000));
    assert!(parse(&minus).unwrap_err().message_en.contains("nests too deep"));

    // A flat chain builds a deep tree too.
    let chain = vec!["1"; 3000].join("+");
    assert!(parse(&chain).unwrap_err().message_en.contains("nests too deep"));
    let wd = format!("count(units where {}on, on){} > 1)", "working_days(".repeat(500), ", on)".repeat(499));
    assert!(parse(&wd).unwrap_err().message_en.contains("nests too deep"));
}

#[test]
fn nesting_within_the_limit_still_parses_and_checks() {
    let n = MAX_DEPTH - 10;
    let f = format!("{}count(units where {}ok){}", "(".repeat(n / 2), "not ".repeat(n / 2 - 2), ")".repeat(n / 2));
    assert!(compile(&f).is_ok(), "{:?}", compile(&f));
    let chain = vec!["count(units)"; 50].join(" + ");
    assert!(compile(&chain).is_ok());
}

#[test]
fn an_overlong_formula_is_refused_at_the_limit() {
    let f = format!("count(units where name in [{}])", vec!["\"某单位\""; 2000].join(","));
    assert!(f.len() > MAX_FORMULA_BYTES);
    let e = parse(&f).unwrap_err();
    assert!(e.message_zh.contains("公式过长"), "{e}");
    assert!(e.offset <= MAX_FORMULA_BYTES && f.is_char_boundary(e.offset));
}

#[test]
fn nested_growth_and_doubling_references_are_refused_as_too_complex() {
    let f = format!("{}count(units){}", "growth(".repeat(40), ")".repeat(40));
    let e = compile(&f).unwrap_err();
    assert!(e.message_zh.contains("公式过于复杂"), "{e}");
    assert!(compile("growth(growth(count(units)))").is_ok(), "a few levels are fine");

    // Each indicator adds the one before to itself: the 20th would expand to a million steps.
    let mut defs = vec![def("a0", "count(units where ok)")];
    for i in 1..20 {
        defs.push(def(&format!("a{i}"), &format!("a{} + a{}", i - 1, i - 1)));
    }
    let errors = IndicatorSet::build(defs, &registries()).unwrap_err();
    let first = errors.iter().map(|e| e.index).min().unwrap();
    assert!(errors[0].error.message_en.contains("too complex"), "{:?}", errors[0]);
    // The first refused is the first past the limit: 2^i steps or so.
    assert!((1u64 << first) * 2 > MAX_PLAN_STEPS / 4 && first < 20, "refused from {first}");
}

#[test]
fn a_long_chain_of_references_is_refused_not_overflowed() {
    let mut defs = vec![def("c0", "count(units)")];
    for i in 1..5000 {
        defs.push(def(&format!("c{i}"), &format!("c{} + 1", i - 1)));
    }
    let errors = IndicatorSet::build(defs, &registries()).unwrap_err();
    assert!(errors.iter().any(|e| e.error.message_en.contains("too deeply")), "{:?}", &errors[..1]);
    // Everything below the limit is fine on its own.
    let short: Vec<IndicatorDef> = (0..MAX_PLAN_DEPTH / 4)
        .map(|i| if i == 0 { def("c0", "count(units)") } else { def(&format!("c{i}"), &format!("c{} + 1", i - 1)) })
        .collect();
    assert!(IndicatorSet::build(short, &registries()).is_ok());
}

#[test]
fn dates_outside_the_calendar_years_are_refused_where_written() {
    let e = compile("count(units where working_days(on, 9999-12-31) > 0)").unwrap_err();
    assert!(e.message_zh.contains("日期超出范围"), "{e}");
    assert_eq!(e.column, 36, "{e}");
    assert!(compile("count(units where working_days(on, 2100-12-31) > 0)").is_ok());
    assert!(compile("count(units where on < 1899-12-31)").is_err());
}
