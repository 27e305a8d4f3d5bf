//! The formula parser (winnow). Whitespace and `-- comments` may stand anywhere between tokens.
//! Grammar, loosest binding first:
//!
//! ```text
//! expr    := term (("+" | "-") term)*
//! term    := unary (("*" | "/") unary)*
//! unary   := "-" unary | primary
//! primary := number | "(" expr ")" | "manual" | KEY
//!          | ("count" | "sum" | "avg" | "min" | "max") "(" REGISTRY ("." FIELD)? ("where" cond)? ")"
//!          | "ratio" "(" expr "," expr ")" | "growth" "(" expr ")"
//! cond    := conj ("or" conj)*          conj := neg ("and" neg)*
//! neg     := "not" neg | "(" cond ")" | scalar (cmp scalar | "in" "period" | "not"? "in" "[" lit,* "]"
//!                                              | "is" "not"? "empty")?
//! scalar  := FIELD | "text" | number | 2009-12-31 | true | false
//!          | period_start | period_end | period_year | working_days "(" scalar "," scalar ")"
//! ```
//!
//! Formulas come from users: the text is at most [`MAX_FORMULA_BYTES`] long, and brackets,
//! `not`, unary minus and chained operators nest at most [`MAX_DEPTH`] deep, so no formula can
//! exhaust the stack of the parser or of anything that walks its tree.

use super::FormulaError;
use super::ast::*;
use super::number::Number;
use chrono::NaiveDate;
use winnow::LocatingSlice;
use winnow::combinator::{cut_err, fail};
use winnow::error::{ContextError, ErrMode, StrContext, StrContextValue};
use winnow::prelude::*;
use winnow::stream::{Location, Stream};
use winnow::token::{any, take_while};

type In<'a> = LocatingSlice<&'a str>;

/// Words with a meaning of their own; they cannot name a field or an indicator.
pub const KEYWORDS: [&str; 22] = [
    "and",
    "or",
    "not",
    "in",
    "is",
    "empty",
    "where",
    "period",
    "true",
    "false",
    "manual",
    "count",
    "sum",
    "avg",
    "min",
    "max",
    "ratio",
    "growth",
    "working_days",
    "period_start",
    "period_end",
    "period_year",
];

/// The longest formula accepted, in bytes.
pub const MAX_FORMULA_BYTES: usize = 10_000;

/// How deep brackets, `not`, unary minus, function arguments and chained operators may nest.
pub const MAX_DEPTH: usize = 100;

/// The label of the error raised past [`MAX_DEPTH`].
const TOO_DEEP: &str = "nesting too deep";
/// The label of the error raised by a date outside the calendar's years.
const DATE_RANGE: &str = "date out of range";

/// Parses a formula into its syntax tree.
pub fn parse(text: &str) -> Result<Expr, FormulaError> {
    if text.len() > MAX_FORMULA_BYTES {
        let at = (0..=MAX_FORMULA_BYTES).rev().find(|i| text.is_char_boundary(*i)).unwrap_or(0);
        return Err(FormulaError::at(
            text,
            at,
            format!("公式过长:最多{MAX_FORMULA_BYTES}个字节,此处已超出"),
            format!("the formula is too long: at most {MAX_FORMULA_BYTES} bytes, exceeded here"),
        ));
    }
    let mut input = LocatingSlice::new(text);
    let result = (|| -> ModalResult<Expr> {
        let e = expr(&mut input, 0)?;
        ws(&mut input)?;
        if !input.is_empty() {
            return expected(&mut input, "end of formula");
        }
        Ok(e)
    })();
    result.map_err(|e| {
        let offset = input.current_token_start();
        let inner = match e {
            ErrMode::Backtrack(c) | ErrMode::Cut(c) => c,
            ErrMode::Incomplete(_) => ContextError::new(),
        };
        if inner.context().any(|c| matches!(c, StrContext::Label(l) if *l == TOO_DEEP)) {
            return FormulaError::at(
                text,
                offset,
                format!("公式嵌套过深:括号、not、负号、函数参数与连续运算合计最多{MAX_DEPTH}层"),
                format!(
                    "the formula nests too deep: brackets, not, minus signs, arguments and chained operators at most {MAX_DEPTH} levels"
                ),
            );
        }
        if inner.context().any(|c| matches!(c, StrContext::Label(l) if *l == DATE_RANGE)) {
            let (a, b) = (crate::calendar::FIRST_YEAR, crate::calendar::LAST_YEAR);
            return FormulaError::at(
                text,
                offset,
                format!("日期超出范围:应在{a}年至{b}年之间"),
                format!("date out of range: it must fall between {a} and {b}"),
            );
        }
        from_context(text, offset, &inner)
    })
}

fn from_context(text: &str, offset: usize, c: &ContextError) -> FormulaError {
    let mut what: Vec<&str> = c
        .context()
        .filter_map(|c| match c {
            StrContext::Expected(StrContextValue::Description(d)) => Some(*d),
            StrContext::Label(l) => Some(*l),
            _ => None,
        })
        .collect();
    what.dedup();
    let en = what.join(" or ");
    let zh: Vec<&str> = what.iter().map(|w| zh(w)).collect();
    let found = text[offset.min(text.len())..].chars().next();
    let (zh_found, en_found) = match found {
        Some(ch) => (format!(",此处为“{ch}”"), format!(", found {ch:?}")),
        None => ("。公式在此结束".to_owned(), ", the formula ends here".to_owned()),
    };
    FormulaError::at(text, offset, format!("应为{}{zh_found}", zh.join("或")), format!("expected {en}{en_found}"))
}

/// The Chinese for what the parser expected.
fn zh(en: &'static str) -> &'static str {
    match en {
        "end of formula" => "公式结束",
        "an expression" => "表达式",
        "a registry" => "台账代码",
        "a field" => "字段代码",
        "a value" => "值(字段、文字、数字或日期)",
        "a valid date" => "有效日期",
        "`period` or `[`" => "period 或 [",
        "`empty`" => "empty",
        "a function: count, sum, avg, min, max, ratio, growth" => "函数:count、sum、avg、min、max、ratio、growth",
        "`(`" => "“(”",
        "`)`" => "“)”",
        "`,`" => "“,”",
        "`]`" => "“]”",
        "a closing quote" => "右引号",
        "a literal" => "文字、数字或日期",
        other => other,
    }
}

fn expected<T>(i: &mut In<'_>, what: &'static str) -> ModalResult<T> {
    cut_err(fail).context(StrContext::Expected(StrContextValue::Description(what))).parse_next(i)
}

/// Skips whitespace and `--` comments.
fn ws(i: &mut In<'_>) -> ModalResult<()> {
    loop {
        take_while(0.., char::is_whitespace).parse_next(i)?;
        if i.starts_with("--") {
            take_while(0.., |c| c != '\n').parse_next(i)?;
        } else {
            return Ok(());
        }
    }
}

/// Consumes `s` (after whitespace) if it is next.
fn eat(i: &mut In<'_>, s: &str) -> ModalResult<bool> {
    ws(i)?;
    if i.starts_with(s) {
        i.next_slice(s.len());
        return Ok(true);
    }
    Ok(false)
}

/// One level deeper than `d`, or the "too deep" error here.
fn deeper(i: &mut In<'_>, d: usize) -> ModalResult<usize> {
    if d >= MAX_DEPTH {
        return cut_err(fail).context(StrContext::Label(TOO_DEEP)).parse_next(i);
    }
    Ok(d + 1)
}

fn need(i: &mut In<'_>, s: &str, what: &'static str) -> ModalResult<()> {
    if eat(i, s)? { Ok(()) } else { expected(i, what) }
}

fn is_word_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// The next word (a-z, 0-9, _), without consuming it.
fn peek_word(i: &mut In<'_>) -> ModalResult<Option<String>> {
    ws(i)?;
    let cp = i.checkpoint();
    let w: &str = take_while(0.., is_word_char).parse_next(i)?;
    let w = (!w.is_empty() && w.starts_with(|c: char| c.is_ascii_alphabetic())).then(|| w.to_owned());
    i.reset(&cp);
    Ok(w)
}

fn word(i: &mut In<'_>, what: &'static str) -> ModalResult<Name> {
    match peek_word(i)? {
        Some(w) => {
            let start = i.current_token_start();
            i.next_slice(w.len());
            Ok(Name { span: start..start + w.len(), text: w })
        }
        None => expected(i, what),
    }
}

fn eat_word(i: &mut In<'_>, w: &str) -> ModalResult<bool> {
    if peek_word(i)?.as_deref() == Some(w) {
        i.next_slice(w.len());
        return Ok(true);
    }
    Ok(false)
}

fn expr(i: &mut In<'_>, mut d: usize) -> ModalResult<Expr> {
    let mut left = term(i, d)?;
    loop {
        let op = if eat(i, "+")? {
            ArithOp::Add
        } else if !i.starts_with("--") && eat(i, "-")? {
            ArithOp::Sub
        } else {
            return Ok(left);
        };
        d = deeper(i, d)?;
        left = Expr::Arith(op, Box::new(left), Box::new(term(i, d)?));
    }
}

fn term(i: &mut In<'_>, mut d: usize) -> ModalResult<Expr> {
    let mut left = unary(i, d)?;
    loop {
        let op = if eat(i, "*")? {
            ArithOp::Mul
        } else if eat(i, "/")? {
            ArithOp::Div
        } else {
            return Ok(left);
        };
        d = deeper(i, d)?;
        left = Expr::Arith(op, Box::new(left), Box::new(unary(i, d)?));
    }
}

fn unary(i: &mut In<'_>, d: usize) -> ModalResult<Expr> {
    if eat(i, "-")? {
        let d = deeper(i, d)?;
        return Ok(Expr::Neg(Box::new(unary(i, d)?)));
    }
    primary(i, d)
}

fn primary(i: &mut In<'_>, d: usize) -> ModalResult<Expr> {
    ws(i)?;
    let start = i.current_token_start();
    if i.starts_with(|c: char| c.is_ascii_digit()) {
        let n = number(i)?;
        return Ok(Expr::Num(n, start..i.current_token_start()));
    }
    if i.starts_with('(') {
        // Checked before the bracket is taken, so an error points at the bracket too deep.
        let d = deeper(i, d)?;
        i.next_slice(1);
        let e = expr(i, d)?;
        need(i, ")", "`)`")?;
        return Ok(e);
    }
    let Some(w) = peek_word(i)? else {
        return expected(i, "an expression");
    };
    let before_name = i.checkpoint();
    let name = word(i, "an expression")?;
    let func = match w.as_str() {
        "manual" => return Ok(Expr::Manual(name.span)),
        "count" => Some(AggFunc::Count),
        "sum" => Some(AggFunc::Sum),
        "avg" => Some(AggFunc::Avg),
        "min" => Some(AggFunc::Min),
        "max" => Some(AggFunc::Max),
        _ => None,
    };
    ws(i)?;
    let call = i.starts_with('(');
    if let Some(func) = func {
        need(i, "(", "`(`")?;
        let registry = word(i, "a registry")?;
        let field = if eat(i, ".")? { Some(word(i, "a field")?) } else { None };
        let filter = if eat_word(i, "where")? {
            let d = deeper(i, d)?;
            Some(cond(i, d)?)
        } else {
            None
        };
        need(i, ")", "`)`")?;
        return Ok(Expr::Agg { func, registry, field, filter, span: start..i.current_token_start() });
    }
    match (w.as_str(), call) {
        ("ratio", true) => {
            need(i, "(", "`(`")?;
            let d = deeper(i, d)?;
            let a = expr(i, d)?;
            need(i, ",", "`,`")?;
            let b = expr(i, d)?;
            need(i, ")", "`)`")?;
            Ok(Expr::Ratio(Box::new(a), Box::new(b), start..i.current_token_start()))
        }
        ("growth", true) => {
            need(i, "(", "`(`")?;
            let d = deeper(i, d)?;
            let a = expr(i, d)?;
            need(i, ")", "`)`")?;
            Ok(Expr::Growth(Box::new(a), start..i.current_token_start()))
        }
        (_, true) => {
            i.reset(&before_name);
            expected(i, "a function: count, sum, avg, min, max, ratio, growth")
        }
        (w, false) if KEYWORDS.contains(&w) => {
            i.reset(&before_name);
            expected(i, "an expression")
        }
        _ => Ok(Expr::Ref(name)),
    }
}

fn number(i: &mut In<'_>) -> ModalResult<Number> {
    let int: &str = take_while(1.., |c: char| c.is_ascii_digit()).parse_next(i)?;
    let mut num: i128 = int.parse().unwrap_or(i128::MAX / 1_000_000_000_000);
    let mut den: i128 = 1;
    if i.starts_with('.') && i[1..].starts_with(|c: char| c.is_ascii_digit()) {
        i.next_slice(1);
        let frac: &str = take_while(1..=12, |c: char| c.is_ascii_digit()).parse_next(i)?;
        den = 10i128.pow(frac.len() as u32);
        num = num * den + frac.parse::<i128>().unwrap_or(0);
    }
    Ok(Number::new(num, den).unwrap_or(Number::ZERO))
}

fn cond(i: &mut In<'_>, d: usize) -> ModalResult<Cond> {
    let mut parts = vec![conj(i, d)?];
    while eat_word(i, "or")? {
        parts.push(conj(i, d)?);
    }
    Ok(if parts.len() == 1 { parts.remove(0) } else { Cond::Or(parts) })
}

fn conj(i: &mut In<'_>, d: usize) -> ModalResult<Cond> {
    let mut parts = vec![neg(i, d)?];
    while eat_word(i, "and")? {
        parts.push(neg(i, d)?);
    }
    Ok(if parts.len() == 1 { parts.remove(0) } else { Cond::And(parts) })
}

fn neg(i: &mut In<'_>, d: usize) -> ModalResult<Cond> {
    if eat_word(i, "not")? {
        let d = deeper(i, d)?;
        return Ok(Cond::Not(Box::new(neg(i, d)?)));
    }
    if eat(i, "(")? {
        let d = deeper(i, d)?;
        let c = cond(i, d)?;
        need(i, ")", "`)`")?;
        return Ok(c);
    }
    let s = scalar(i, d)?;
    ws(i)?;
    for (sym, op) in [
        ("<=", CmpOp::Le),
        (">=", CmpOp::Ge),
        ("!=", CmpOp::Ne),
        ("<>", CmpOp::Ne),
        ("==", CmpOp::Eq),
        ("=", CmpOp::Eq),
        ("<", CmpOp::Lt),
        (">", CmpOp::Gt),
    ] {
        if eat(i, sym)? {
            return Ok(Cond::Cmp(s, op, scalar(i, d)?));
        }
    }
    let cp = i.checkpoint();
    let negated = eat_word(i, "not")?;
    if eat_word(i, "in")? {
        if !negated && eat_word(i, "period")? {
            return Ok(Cond::InPeriod(s));
        }
        if !eat(i, "[")? {
            return expected(i, if negated { "`[`" } else { "`period` or `[`" });
        }
        let mut items = Vec::new();
        if !eat(i, "]")? {
            loop {
                ws(i)?;
                let before_item = i.checkpoint();
                let Scalar::Lit(l, span) = scalar(i, d)? else {
                    i.reset(&before_item);
                    return expected(i, "a literal");
                };
                items.push((l, span));
                if eat(i, "]")? {
                    break;
                }
                need(i, ",", "`,`")?;
            }
        }
        return Ok(Cond::In(s, items, negated));
    }
    i.reset(&cp);
    if eat_word(i, "is")? {
        let not = eat_word(i, "not")?;
        if !eat_word(i, "empty")? {
            return expected(i, "`empty`");
        }
        return Ok(Cond::Empty(s, !not));
    }
    Ok(Cond::Truth(s))
}

fn scalar(i: &mut In<'_>, d: usize) -> ModalResult<Scalar> {
    ws(i)?;
    let start = i.current_token_start();
    let span = |i: &In<'_>| start..i.current_token_start();
    if i.starts_with('"') || i.starts_with('“') {
        let close = if any.parse_next(i)? == '"' { '"' } else { '”' };
        let s: &str = take_while(0.., |c| c != close && c != '\n').parse_next(i)?;
        let s = s.to_owned();
        if !i.starts_with(close) {
            return expected(i, "a closing quote");
        }
        i.next_slice(close.len_utf8());
        return Ok(Scalar::Lit(Lit::Str(s), span(i)));
    }
    let negative = i.starts_with('-') && i[1..].starts_with(|c: char| c.is_ascii_digit());
    if negative {
        i.next_slice(1);
    }
    if i.starts_with(|c: char| c.is_ascii_digit()) {
        if !negative && let Some(d) = date(i)? {
            return Ok(Scalar::Lit(Lit::Date(d), span(i)));
        }
        let n = number(i)?;
        let n = if negative { Number::ZERO.checked_sub(n).unwrap_or(n) } else { n };
        return Ok(Scalar::Lit(Lit::Num(n), span(i)));
    }
    let Some(w) = peek_word(i)? else {
        return expected(i, "a value");
    };
    match w.as_str() {
        "true" | "false" => {
            i.next_slice(w.len());
            Ok(Scalar::Lit(Lit::Bool(w == "true"), span(i)))
        }
        "period_start" | "period_end" | "period_year" => {
            i.next_slice(w.len());
            Ok(match w.as_str() {
                "period_start" => Scalar::PeriodStart(span(i)),
                "period_end" => Scalar::PeriodEnd(span(i)),
                _ => Scalar::PeriodYear(span(i)),
            })
        }
        "working_days" => {
            i.next_slice(w.len());
            need(i, "(", "`(`")?;
            let d = deeper(i, d)?;
            let a = scalar(i, d)?;
            need(i, ",", "`,`")?;
            let b = scalar(i, d)?;
            need(i, ")", "`)`")?;
            Ok(Scalar::WorkingDays(Box::new(a), Box::new(b), span(i)))
        }
        w if KEYWORDS.contains(&w) => expected(i, "a value"),
        _ => Ok(Scalar::Field(word(i, "a field")?)),
    }
}

/// `2009-12-31` (also `2009-3-5`); `None` when the digits are not followed by `-`.
fn date(i: &mut In<'_>) -> ModalResult<Option<NaiveDate>> {
    let cp = i.checkpoint();
    let y: &str = take_while(1.., |c: char| c.is_ascii_digit()).parse_next(i)?;
    if y.len() != 4 || !i.starts_with('-') {
        i.reset(&cp);
        return Ok(None);
    }
    let y: i32 = y.parse().unwrap_or(0);
    let mut parts = [0u32; 2];
    for p in &mut parts {
        if !eat(i, "-")? {
            return expected(i, "a valid date");
        }
        let d: &str = take_while(1..=2, |c: char| c.is_ascii_digit()).parse_next(i)?;
        *p = d.parse().unwrap_or(0);
    }
    match NaiveDate::from_ymd_opt(y, parts[0], parts[1]) {
        Some(d) if crate::calendar::in_range(d) => Ok(Some(d)),
        Some(_) => {
            i.reset(&cp);
            cut_err(fail).context(StrContext::Label(DATE_RANGE)).parse_next(i)
        }
        None => {
            i.reset(&cp);
            expected(i, "a valid date")
        }
    }
}
