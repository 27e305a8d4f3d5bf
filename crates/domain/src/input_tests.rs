//! Plausible date ranges, year-and-month dates and the rules between fields, as a pack states them.

use super::*;
use crate::pack::parse_pack;
use crate::registry::DateBound;

const REGISTRY: &str = r#"
key = "people"
label_zh = "人员"
label_en = "People"
natural_key = ["name"]

[[fields]]
key = "name"
label_zh = "姓名"
label_en = "Name"
type = "text"

[[fields]]
key = "joined_on"
label_zh = "加入日期"
label_en = "Joined"
type = "date"
earliest = "1925-01-01"
latest = "today+1y"
month = true

[[fields]]
key = "left_on"
label_zh = "退出日期"
label_en = "Left"
type = "date"

[[fields]]
key = "staff"
label_zh = "人数"
label_en = "Staff"
type = "integer"

[[fields]]
key = "women"
label_zh = "女性人数"
label_en = "Women"
type = "integer"

[[fields]]
key = "organised"
label_zh = "已组建"
label_en = "Organised"
type = "bool"

[[fields]]
key = "organised_on"
label_zh = "组建日期"
label_en = "Organised on"
type = "date"

[[checks]]
field = "left_on"
is = ">="
than = "joined_on"
message_zh = "退出早于加入"
message_en = "left before joining"

[[checks]]
field = "women"
is = "<="
than = "staff"
message_zh = "女性多于总数"
message_en = "more women than staff"
warning = true

[[checks]]
field = "organised_on"
empty_unless = "organised"
message_zh = "未组建却有组建日期"
message_en = "a date though not organised"
"#;

fn files(reg: &str) -> Vec<(String, String)> {
    vec![
        ("pack.toml".into(), "key = \"t\"\nversion = \"1\"\nname_zh = \"测\"\nname_en = \"t\"\n".into()),
        ("registries/people.toml".into(), reg.into()),
    ]
}

fn registry() -> RegistryDef {
    parse_pack(&files(REGISTRY)).unwrap().registries.remove(0)
}

fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn record(pairs: &[(&str, Value)]) -> Values {
    let mut v: Values = pairs.iter().map(|(k, v)| ((*k).to_owned(), v.clone())).collect();
    v.entry("name".into()).or_insert(Value::Text("甲".into()));
    v
}

fn fields_with_errors(reg: &RegistryDef, pairs: &[(&str, Value)], today: NaiveDate) -> Vec<String> {
    check_record(reg, &mut record(pairs), today).into_iter().map(|(k, _)| k).collect()
}

#[test]
fn dates_outside_the_fields_range_are_refused_as_of_today() {
    let reg = registry();
    let today = ymd(2009, 12, 31);
    for (d, ok) in
        [(ymd(1924, 12, 31), false), (ymd(1925, 1, 1), true), (ymd(2010, 12, 31), true), (ymd(2011, 1, 1), false)]
    {
        let errs = fields_with_errors(&reg, &[("joined_on", Value::Date(d))], today);
        assert_eq!(errs.is_empty(), ok, "{d}: {errs:?}");
    }
    // The bound moves with the injected today.
    assert!(fields_with_errors(&reg, &[("joined_on", Value::Date(ymd(2011, 1, 1)))], ymd(2010, 6, 1)).is_empty());
    let mut v = record(&[("joined_on", Value::Date(ymd(2030, 5, 1)))]);
    let (_, e) = check_record(&reg, &mut v, today).remove(0);
    assert!(e.message_zh.contains("2030-05-01") && e.message_zh.contains("2010-12-31"), "{}", e.message_zh);
}

#[test]
fn a_year_and_month_is_the_months_first_day_where_the_field_allows_it() {
    let reg = registry();
    let joined = reg.field("joined_on").unwrap();
    for cell in [RawCell::Number(200903.0), RawCell::Text("200903".into()), RawCell::Text("2009年3月".into())] {
        assert_eq!(parse_field(joined, &cell).unwrap(), Value::Date(ymd(2009, 3, 1)), "{cell:?}");
    }
    // A full date stays a full date; a field without `month` refuses the year and month.
    assert_eq!(parse_field(joined, &RawCell::Text("2009-03-05".into())).unwrap(), Value::Date(ymd(2009, 3, 5)));
    let left = reg.field("left_on").unwrap();
    let e = parse_field(left, &RawCell::Number(200903.0)).unwrap_err();
    assert!(e.message_zh.contains("2009年3月") && e.message_zh.contains("2450-01-18"), "{}", e.message_zh);
}

#[test]
fn rules_between_fields_are_errors_or_warnings_as_the_pack_says() {
    let reg = registry();
    let today = ymd(2009, 12, 31);
    let (a, b) = (Value::Date(ymd(2009, 5, 1)), Value::Date(ymd(2009, 3, 1)));
    assert_eq!(fields_with_errors(&reg, &[("joined_on", a.clone()), ("left_on", b.clone())], today), ["left_on"]);
    assert!(fields_with_errors(&reg, &[("joined_on", b), ("left_on", a)], today).is_empty());
    // Either side empty: nothing to compare.
    assert!(fields_with_errors(&reg, &[("left_on", Value::Date(ymd(2009, 3, 1)))], today).is_empty());
    let unorganised = [("organised", Value::Bool(false)), ("organised_on", Value::Date(ymd(2009, 3, 1)))];
    assert_eq!(fields_with_errors(&reg, &unorganised, today), ["organised_on"]);
    let organised = [("organised", Value::Bool(true)), ("organised_on", Value::Date(ymd(2009, 3, 1)))];
    assert!(fields_with_errors(&reg, &organised, today).is_empty());
    // A warning-level rule never refuses; it is reported beside the record.
    let more_women = record(&[("staff", Value::Int(10)), ("women", Value::Int(12))]);
    assert!(check_record(&reg, &mut more_women.clone(), today).is_empty());
    let w = record_warnings(&reg, &more_women);
    assert_eq!(w.len(), 1);
    assert_eq!((w[0].0.as_str(), w[0].1.message_zh.as_str()), ("women", "女性多于总数"));
    assert!(record_warnings(&reg, &record(&[("staff", Value::Int(10)), ("women", Value::Int(10))])).is_empty());
}

#[test]
fn badly_written_rules_are_located_pack_errors() {
    for (bad, wanted) in [
        ("field = \"nope\"\nis = \">\"\nthan = \"staff\"", "不是本台账的字段"),
        ("field = \"women\"\nis = \"~\"\nthan = \"staff\"", "is 应为"),
        ("field = \"women\"\nis = \">\"\nthan = \"joined_on\"", "同类型"),
        ("field = \"organised_on\"\nempty_unless = \"staff\"", "是否字段"),
        ("field = \"women\"\nis = \">\"", "检查须写"),
    ] {
        let text = format!("{REGISTRY}\n[[checks]]\n{bad}\nmessage_zh = \"x\"\nmessage_en = \"x\"\n");
        let errors = parse_pack(&files(&text)).unwrap_err();
        assert!(errors.iter().any(|e| e.message_zh.contains(wanted) && e.line > 60), "{bad}: {errors:?}");
    }
    for (bad, on, wanted) in [
        ("earliest = \"yesterday\"", "label_en = \"Left\"", "today+1y"),
        ("latest = \"2009-02-30\"", "label_en = \"Left\"", "today+1y"),
        ("month = true", "label_en = \"Staff\"", "month 只用于日期字段"),
        ("earliest = \"1925-01-01\"", "label_en = \"Staff\"", "只用于日期字段"),
    ] {
        let text = REGISTRY.replacen(on, &format!("{on}\n{bad}"), 1);
        let errors = parse_pack(&files(&text)).unwrap_err();
        assert!(errors.iter().any(|e| e.message_zh.contains(wanted)), "{bad}: {errors:?}");
    }
}

#[test]
fn date_bounds_read_as_the_pack_writes_them() {
    assert_eq!(DateBound::parse("today"), Some(DateBound::YearsFromToday(0)));
    assert_eq!(DateBound::parse("today+1y"), Some(DateBound::YearsFromToday(1)));
    assert_eq!(DateBound::parse("today - 120y"), Some(DateBound::YearsFromToday(-120)));
    assert_eq!(DateBound::parse("1925-01-01"), Some(DateBound::On(ymd(1925, 1, 1))));
    assert_eq!(DateBound::parse("today+1"), None);
    assert_eq!(DateBound::YearsFromToday(1).on(ymd(2008, 2, 29)), ymd(2009, 2, 28));
}
