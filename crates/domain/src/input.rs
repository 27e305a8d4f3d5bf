//! Turning what people type or spreadsheets hold into a registry's typed values, and checking a
//! record against its registry's rules (required, ranges, lengths, patterns, derived fields).

use crate::record::{Value, Values};
use crate::registry::{CheckRule, DateRange, DeriveRule, FieldDef, FieldType, RegistryDef};
use crate::values::{
    CreditCode, Phone, ResidentId, ValueError, date_from_number, decimal_from_f64, money_from_f64, normalise_text,
    parse_bool, parse_date, parse_decimal, parse_money, parse_month,
};
use chrono::{Months, NaiveDate};

/// A raw input: a form field, or one spreadsheet cell.
#[derive(Debug, Clone, PartialEq)]
pub enum RawCell {
    Empty,
    Text(String),
    Number(f64),
    /// A spreadsheet date cell.
    Date(NaiveDate),
    Bool(bool),
}

impl RawCell {
    fn text(&self) -> String {
        match self {
            RawCell::Empty => String::new(),
            RawCell::Text(s) => s.clone(),
            RawCell::Number(n) if n.fract() == 0.0 && n.abs() < 1e15 => format!("{}", *n as i64),
            RawCell::Number(n) => n.to_string(),
            RawCell::Date(d) => d.to_string(),
            RawCell::Bool(b) => if *b { "是" } else { "否" }.to_owned(),
        }
    }
}

/// Parses one input for a field. Org references come back as `Value::Text` (a code or a full
/// name) for the store to resolve inside the user's scope.
pub fn parse_field(f: &FieldDef, cell: &RawCell) -> Result<Value, ValueError> {
    let text = normalise_text(&cell.text());
    if text.is_empty() {
        return Ok(Value::Null);
    }
    Ok(match f.ty {
        // Line breaks and tabs were folded into spaces above; any other control character is
        // refused (a text is one line, never layout).
        FieldType::Text => match text.chars().position(char::is_control) {
            Some(at) => {
                return Err(ValueError::new(
                    format!("第{}个字符是控制字符,文字中不能含有", at + 1),
                    format!("character {} is a control character, which text may not hold", at + 1),
                ));
            }
            None => Value::Text(text),
        },
        FieldType::Integer => match cell {
            RawCell::Number(n) if n.fract() == 0.0 => Value::Int(*n as i64),
            _ => Value::Int(parse_decimal(&text, 0).map_err(|_| {
                ValueError::new(format!("“{text}”不是整数"), format!("{text:?} is not a whole number"))
            })?),
        },
        FieldType::Money => Value::Fixed(match cell {
            RawCell::Number(n) => money_from_f64(*n)?,
            _ => parse_money(&text)?,
        }),
        FieldType::Decimal => Value::Fixed(match cell {
            RawCell::Number(n) => decimal_from_f64(*n, f.scale)?,
            _ => parse_decimal(&text, f.scale)?,
        }),
        FieldType::Date if f.month_ok && month_of(cell).is_some() => Value::Date(month_of(cell).unwrap_or_default()),
        FieldType::Date => Value::Date(match cell {
            RawCell::Date(d) => *d,
            RawCell::Number(n) => date_from_number(*n)?,
            _ => parse_date(&text)?,
        }),
        FieldType::Bool => Value::Bool(match cell {
            RawCell::Bool(b) => *b,
            _ => parse_bool(&text)?,
        }),
        FieldType::Enum => {
            let hit = f.values.iter().find(|v| v.code == text || v.label_en.eq_ignore_ascii_case(&text));
            match hit {
                Some(v) => Value::Text(v.code.clone()),
                None => {
                    let codes: Vec<_> = f.values.iter().map(|v| v.code.as_str()).collect();
                    return Err(ValueError::new(
                        format!("“{text}”不是可选值,应为:{}", codes.join("、")),
                        format!("{text:?} is not one of: {}", codes.join(", ")),
                    ));
                }
            }
        }
        FieldType::Org => Value::Text(text),
        FieldType::ResidentId => Value::Text(ResidentId::parse(&text)?.as_str().to_owned()),
        FieldType::CreditCode => Value::Text(CreditCode::parse(&text)?.as_str().to_owned()),
        FieldType::Phone => Value::Text(Phone::parse(&text)?.as_str().to_owned()),
    })
}

/// A year and month given to a field that takes them (`200903` as a number or text).
fn month_of(cell: &RawCell) -> Option<NaiveDate> {
    match cell {
        RawCell::Number(n) if n.fract() == 0.0 && (100_000.0..1_000_000.0).contains(n) => {
            parse_month(&format!("{n:.0}"))
        }
        RawCell::Text(t) => parse_month(t),
        _ => None,
    }
}

fn bound_text(f: &FieldDef, x: f64) -> String {
    match f.ty {
        FieldType::Money => format!("{x:.2}"),
        _ => format!("{x}"),
    }
}

/// The value as a number in the field's unit (yuan for money), for range checks.
fn as_number(f: &FieldDef, v: &Value) -> Option<f64> {
    match v {
        Value::Int(i) => Some(*i as f64),
        Value::Fixed(i) if f.ty == FieldType::Money => Some(*i as f64 / 100.0),
        Value::Fixed(i) => Some(*i as f64 / 10f64.powi(f.scale as i32)),
        _ => None,
    }
}

/// Checks that a value has the field's type and, for checked codes, is valid — the store's gate,
/// whatever path the value came by.
fn check_type(f: &FieldDef, v: &mut Value) -> Result<(), ValueError> {
    let ok = match (f.ty, &*v) {
        (FieldType::Text, Value::Text(_)) => true,
        (FieldType::Integer, Value::Int(_)) => true,
        (FieldType::Money | FieldType::Decimal, Value::Fixed(_)) => true,
        (FieldType::Date, Value::Date(_)) => true,
        (FieldType::Bool, Value::Bool(_)) => true,
        (FieldType::Org, Value::Org(_)) => true,
        (FieldType::Enum, Value::Text(t)) => {
            if !f.values.iter().any(|e| &e.code == t) {
                return parse_field(f, &RawCell::Text(t.clone())).map(|_| ());
            }
            true
        }
        (FieldType::ResidentId, Value::Text(t)) => {
            *v = Value::Text(ResidentId::parse(t)?.as_str().to_owned());
            true
        }
        (FieldType::CreditCode, Value::Text(t)) => {
            *v = Value::Text(CreditCode::parse(t)?.as_str().to_owned());
            true
        }
        (FieldType::Phone, Value::Text(t)) => {
            *v = Value::Text(Phone::parse(t)?.as_str().to_owned());
            true
        }
        _ => false,
    };
    if ok {
        Ok(())
    } else {
        Err(ValueError::new(format!("类型不符,应为{}", f.ty.name()), format!("wrong type; expected {}", f.ty.name())))
    }
}

/// The value of a derived field from the values it is derived from (性别 and 出生日期 from the ID
/// number, a date some months on); `None` for a field that is not derived or a source missing.
pub fn derive(f: &FieldDef, values: &Values) -> Option<Value> {
    let d = f.derived.as_ref()?;
    match (values.get(&d.from), &d.rule) {
        (Some(Value::Text(id)), DeriveRule::Gender) => {
            ResidentId::parse(id).ok().map(|r| Value::Text(r.gender().label_zh().to_owned()))
        }
        (Some(Value::Text(id)), DeriveRule::BirthDate) => {
            ResidentId::parse(id).ok().map(|r| Value::Date(r.birth_date()))
        }
        (Some(Value::Date(d)), DeriveRule::AddMonths(n)) => d.checked_add_months(Months::new(*n)).map(Value::Date),
        _ => None,
    }
}

/// Fills derived fields and checks every rule — types, ranges (a date's plausible range as of
/// `today`), lengths, patterns and the registry's error-level checks between fields. Returns the
/// problems, by field; warnings are [`record_warnings`].
pub fn check_record(reg: &RegistryDef, values: &mut Values, today: NaiveDate) -> Vec<(String, ValueError)> {
    let mut errors = Vec::new();
    for f in reg.fields.iter().filter(|f| f.derived.is_some()) {
        let derived = derive(f, values);
        values.insert(f.key.clone(), derived.unwrap_or(Value::Null));
    }
    for f in &reg.fields {
        let v = values.entry(f.key.clone()).or_insert(Value::Null);
        if v.is_null() {
            if f.required && f.is_input() {
                errors.push((f.key.clone(), ValueError::new("必填", "required")));
            }
            continue;
        }
        if let Err(e) = check_type(f, v) {
            errors.push((f.key.clone(), e));
            continue;
        }
        if let Some(n) = as_number(f, v) {
            if let Some(lo) = f.min.filter(|lo| n < *lo) {
                errors.push((
                    f.key.clone(),
                    ValueError::new(
                        format!("不能小于{}", bound_text(f, lo)),
                        format!("must be at least {}", bound_text(f, lo)),
                    ),
                ));
            }
            if let Some(hi) = f.max.filter(|hi| n > *hi) {
                errors.push((
                    f.key.clone(),
                    ValueError::new(
                        format!("不能大于{}", bound_text(f, hi)),
                        format!("must be at most {}", bound_text(f, hi)),
                    ),
                ));
            }
        }
        if let (Value::Date(d), Some(range)) = (&*v, &f.dates) {
            // A derived date is wrong where it came from (出生日期 in the ID number).
            let at = f.derived.as_ref().map_or(&f.key, |d| &d.from);
            errors.extend(date_out_of_range(*d, range, today).map(|e| (at.clone(), e)));
        }
        if let (Value::Text(s), FieldType::Text) = (&*v, f.ty) {
            if let Some(max) = f.max_length.filter(|m| s.chars().count() > *m as usize) {
                errors.push((
                    f.key.clone(),
                    ValueError::new(format!("不能超过{max}个字"), format!("at most {max} characters")),
                ));
            }
            if let Some(p) = &f.pattern
                && regex::Regex::new(p).is_ok_and(|re| !re.is_match(s))
            {
                errors.push((
                    f.key.clone(),
                    ValueError::new(format!("格式不符合要求({p})"), format!("does not match the pattern {p}")),
                ));
            }
        }
    }
    if errors.is_empty() {
        errors.extend(cross_checks(reg, values, false));
    }
    errors
}

/// The findings of the registry's warning-level checks between fields: the record is kept, the
/// finding reported beside it.
pub fn record_warnings(reg: &RegistryDef, values: &Values) -> Vec<(String, ValueError)> {
    cross_checks(reg, values, true)
}

fn cross_checks(reg: &RegistryDef, values: &Values, warnings: bool) -> Vec<(String, ValueError)> {
    let get = |k: &str| values.get(k).unwrap_or(&Value::Null);
    reg.checks
        .iter()
        .filter(|c| c.warning == warnings)
        .filter(|c| {
            let v = get(&c.field);
            match &c.rule {
                CheckRule::Compare { op, other } => match (v, get(other)) {
                    (Value::Date(a), Value::Date(b)) => !op.holds(a, b),
                    (Value::Int(a), Value::Int(b)) | (Value::Fixed(a), Value::Fixed(b)) => !op.holds(a, b),
                    _ => false,
                },
                CheckRule::EmptyUnless(flag) => !v.is_null() && get(flag) == &Value::Bool(false),
            }
        })
        .map(|c| (c.field.clone(), ValueError::new(c.message_zh.clone(), c.message_en.clone())))
        .collect()
}

/// A date outside its field's plausible range, said with the bound it passes.
fn date_out_of_range(d: NaiveDate, range: &DateRange, today: NaiveDate) -> Option<ValueError> {
    if let Some(lo) = range.earliest.map(|b| b.on(today)).filter(|lo| d < *lo) {
        return Some(ValueError::new(
            format!("日期{d}早于{lo},不像真实日期,请核对"),
            format!("{d} is before {lo}, the earliest plausible date; check it"),
        ));
    }
    let hi = range.latest.map(|b| b.on(today)).filter(|hi| d > *hi)?;
    Some(ValueError::new(
        format!("日期{d}晚于{hi},不像真实日期,请核对"),
        format!("{d} is after {hi}, the latest plausible date; check it"),
    ))
}

#[cfg(test)]
#[path = "input_tests.rs"]
mod tests;
