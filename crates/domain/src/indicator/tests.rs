//! Parser, checker and reference-evaluator tests over a small pack.

use super::ast::ArithOp;
use super::naive::{self, Data};
use super::*;
use crate::calendar::Weekends;
use crate::ids::OrgId;
use crate::pack::parse_pack;
use crate::record::{Record, RecordId, Value};

const UNITS: &str = r#"
key = "units"
label_zh = "单位"
label_en = "Units"
natural_key = ["name"]

[[fields]]
key = "name"
label_zh = "名称"
label_en = "Name"
type = "text"

[[fields]]
key = "ownership"
label_zh = "所有制"
label_en = "Ownership"
type = "enum"
values = [{ code = "国有", label_en = "State" }, { code = "非公有制", label_en = "Private" }]

[[fields]]
key = "staff"
label_zh = "职工数"
label_en = "Staff"
type = "integer"

[[fields]]
key = "funds"
label_zh = "经费"
label_en = "Funds"
type = "money"

[[fields]]
key = "has_congress"
label_zh = "建立职代会"
label_en = "Has a congress"
type = "bool"

[[fields]]
key = "founded_on"
label_zh = "成立日期"
label_en = "Founded on"
type = "date"

[[fields]]
key = "closed_on"
label_zh = "注销日期"
label_en = "Closed on"
type = "date"

[[fields]]
key = "id_number"
label_zh = "负责人身份证号"
label_en = "Head's ID number"
type = "resident_id"
"#;

fn registries() -> Vec<RegistryDef> {
    let files = vec![
        ("pack.toml".to_owned(), "key = \"t\"\nversion = \"1\"\nname_zh = \"测\"\nname_en = \"t\"\n".to_owned()),
        ("registries/units.toml".to_owned(), UNITS.to_owned()),
    ];
    parse_pack(&files).unwrap().registries
}

/// An indicator definition of the test pack (shared with the limits tests).
pub(super) fn def(key: &str, formula: &str) -> IndicatorDef {
    IndicatorDef {
        key: key.into(),
        name_zh: key.into(),
        name_en: key.into(),
        unit: "家".into(),
        unit_en: "units".into(),
        section: "测试".into(),
        formula: formula.into(),
        decimals: 0,
        description_zh: None,
    }
}

fn compile(formula: &str) -> Result<Plan, FormulaError> {
    IndicatorSet::default().compile(formula, &registries(), None)
}

#[test]
fn a_syntax_error_names_line_column_and_what_was_expected() {
    let e = parse::parse("count(units\n  where staff >)").unwrap_err();
    assert_eq!((e.line, e.column), (2, 16), "{e}");
    assert!(e.message_en.starts_with("expected a value"), "{}", e.message_en);
    assert!(e.message_zh.starts_with("应为值"), "{}", e.message_zh);
    assert_eq!(e.caret(), "  |   where staff >)\n  |                ^");
    let e = parse::parse("ratio(count(units), count(units)").unwrap_err();
    assert!(e.message_en.contains("`)`") && e.message_en.contains("the formula ends here"), "{e}");
    let e = parse::parse("count(units) 5").unwrap_err();
    assert_eq!(e.column, 14, "{e}");
    assert!(e.message_en.contains("end of formula"), "{e}");
    let e = parse::parse("count(units where founded_on < 2009-02-30)").unwrap_err();
    assert!(e.message_en.contains("valid date"), "{e}");
}

#[test]
fn parses_comments_precedence_and_every_condition_form() {
    let p = compile(
        "-- state units\n count(units where ownership in [\"国有\"] and not (staff < 10 or staff is empty)\n \
         and founded_on in period and has_congress) * 2 - -1 / 2",
    );
    assert!(p.is_ok(), "{p:?}");
    let Ok(Plan::Arith(ArithOp::Sub, a, b)) = p else { panic!("{p:?}") };
    assert!(matches!(*a, Plan::Arith(ArithOp::Mul, ..)));
    assert!(matches!(*b, Plan::Arith(ArithOp::Div, ..)));
}

#[test]
fn unknown_names_get_a_suggestion_at_their_spot() {
    let e = compile("count(unit where staff > 1)").unwrap_err();
    assert_eq!(e.column, 7);
    assert!(e.message_en.contains("unknown registry `unit`; did you mean `units`?"), "{e}");
    assert!(e.message_zh.contains("是否应为“units”"), "{e}");
    let e = compile("sum(units.staf where founded_on in period)").unwrap_err();
    assert_eq!(e.column, 11);
    assert!(e.message_en.contains("did you mean `staff`"), "{e}");
    let e = compile("count(units where ownership = \"国营\")").unwrap_err();
    assert!(e.message_zh.contains("不是字段“所有制”的取值"), "{e}");
    let e = compile("units_count + 1").unwrap_err();
    assert!(e.message_en.contains("unknown indicator `units_count`"), "{e}");
}

#[test]
fn types_are_checked_and_personal_data_refused() {
    let e = compile("count(units where founded_on > 5)").unwrap_err();
    assert!(e.message_en.contains("type mismatch: a date is expected"), "{e}");
    assert_eq!(e.column, 32);
    let e = compile("count(units where staff = founded_on)").unwrap_err();
    assert!(e.message_en.contains("number on the left, date on the right"), "{e}");
    let e = compile("sum(units.name)").unwrap_err();
    assert!(e.message_en.contains("not a number"), "{e}");
    let e = compile("count(units where id_number is empty)").unwrap_err();
    assert!(e.message_en.contains("personal data"), "{e}");
    let e = compile("count(units where ownership < \"国有\")").unwrap_err();
    assert!(e.message_en.contains("compare only with = or !="), "{e}");
    let e = compile("count(units.staff)").unwrap_err();
    assert!(e.message_en.contains("count counts records"), "{e}");
    // Money literals are converted to fen.
    let Ok(Plan::Agg(a)) = compile("count(units where funds >= 1.5)") else { panic!() };
    let Some(plan::Filter::Cmp(_, _, plan::Operand::Const(plan::Datum::Int(v)))) = a.filter else { panic!() };
    assert_eq!(v, 150);
    assert!(compile("count(units where funds >= 1.555)").is_err());
}

#[test]
fn a_cycle_is_reported_with_its_path() {
    let defs = vec![def("a", "b + 1"), def("b", "c * 2"), def("c", "a"), def("d", "count(units)")];
    let errs = IndicatorSet::build(defs, &registries()).unwrap_err();
    assert_eq!(errs.len(), 1, "{errs:?}");
    assert!(errs[0].error.message_en.contains("a → b → c → a"), "{:?}", errs[0]);
    let set = IndicatorSet::build(vec![def("a", "count(units)"), def("b", "a * 2")], &registries()).unwrap();
    let e = set.compile("b + 1", &registries(), Some("a")).unwrap_err();
    assert!(e.message_en.contains("a → b → a"), "{e}");
    assert!(set.get("b").unwrap().additive);
}

#[test]
fn additivity_follows_the_formula() {
    let set = IndicatorSet::build(
        vec![
            def("n", "count(units)"),
            def("r", "ratio(count(units where has_congress), n)"),
            def("s", "n - sum(units.staff)"),
            def("a", "avg(units.staff)"),
            def("g", "growth(n)"),
        ],
        &registries(),
    )
    .unwrap();
    let add: Vec<bool> = set.all().iter().map(|i| i.additive).collect();
    assert_eq!(add, [true, false, true, false, false]);
}

fn rec(id: i64, org: i64, pairs: &[(&str, Value)]) -> Record {
    Record {
        id: RecordId(id),
        org_id: OrgId(org),
        version: 1,
        values: pairs.iter().map(|(k, v)| ((*k).into(), v.clone())).collect(),
    }
}

#[test]
fn the_reference_evaluator_counts_flows_stocks_ratios_and_growth() {
    let d = |s: &str| Value::Date(s.parse().unwrap());
    let records = [
        rec(1, 1, &[("founded_on", d("2009-03-01")), ("staff", Value::Int(10)), ("has_congress", Value::Bool(true))]),
        rec(2, 2, &[("founded_on", d("2009-12-31")), ("staff", Value::Int(30)), ("closed_on", d("2010-01-05"))]),
        rec(3, 2, &[("founded_on", d("2008-05-01")), ("staff", Value::Null), ("closed_on", d("2009-06-01"))]),
        rec(4, 3, &[("founded_on", d("2008-07-01")), ("staff", Value::Int(5)), ("has_congress", Value::Bool(true))]),
    ];
    let all = |_: &str| records.iter().collect::<Vec<_>>();
    let everyone = |_: &Record| true;
    let data = Data { records: &all, in_scope: &everyone, calendar: &Weekends, manual: None };
    let y = Period::year(2009);
    let eval = |f: &str| naive::evaluate(&compile(f).unwrap(), &y, &data);
    assert_eq!(eval("count(units where founded_on in period)"), Some(Number::int(2)));
    assert_eq!(
        eval("count(units where founded_on <= period_end and (closed_on is empty or closed_on > period_end))"),
        Some(Number::int(3))
    );
    assert_eq!(eval("sum(units.staff)"), Some(Number::int(45)));
    assert_eq!(eval("avg(units.staff)"), Some(Number::int(15)));
    assert_eq!(eval("min(units.staff where founded_on in period)"), Some(Number::int(10)));
    assert_eq!(eval("max(units.staff where staff > 100)"), None);
    assert_eq!(eval("ratio(count(units where has_congress), count(units))"), Number::new(1, 2));
    assert_eq!(eval("ratio(count(units), count(units where staff > 100))"), None);
    // 2009: 2 founded, 2008: 2 founded → 0% growth.
    assert_eq!(eval("growth(count(units where founded_on in period))"), Some(Number::ZERO));
    assert_eq!(eval("count(units where not has_congress)"), Some(Number::int(2)));
    assert_eq!(eval("manual"), None);
    let scoped = |r: &Record| r.org_id == OrgId(2);
    let data = Data { records: &all, in_scope: &scoped, calendar: &Weekends, manual: None };
    assert_eq!(naive::evaluate(&compile("count(units)").unwrap(), &y, &data), Some(Number::int(2)));
}

#[test]
fn working_days_in_a_condition_use_the_calendar() {
    let d = |s: &str| Value::Date(s.parse().unwrap());
    let records = [rec(1, 1, &[("founded_on", d("2009-03-06")), ("closed_on", d("2009-03-11"))])];
    let all = |_: &str| records.iter().collect::<Vec<_>>();
    let everyone = |_: &Record| true;
    let data = Data { records: &all, in_scope: &everyone, calendar: &Weekends, manual: None };
    let y = Period::year(2009);
    let eval = |f: &str| naive::evaluate(&compile(f).unwrap(), &y, &data);
    assert_eq!(eval("count(units where working_days(founded_on, closed_on) <= 3)"), Some(Number::int(1)));
    assert_eq!(eval("count(units where working_days(founded_on, closed_on) < 3)"), Some(Number::int(0)));
}
