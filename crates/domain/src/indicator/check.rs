//! Type-checking a formula against the pack's registries and turning it into a [`Plan`]: unknown
//! names get a "did you mean", mismatched types say both sides, literals are converted to the
//! stored form of the field they are compared with.

use super::FormulaError;
use super::ast::*;
use super::number::Number;
use super::plan::*;
use crate::registry::{FieldDef, FieldType, RegistryDef};

/// What a formula may refer to.
pub struct Names<'a> {
    pub registries: &'a [RegistryDef],
    /// An indicator's checked plan by key, or `None` when no indicator has the key.
    pub indicator: &'a dyn Fn(&str) -> Option<Plan>,
    /// Every indicator key, for suggestions.
    pub indicator_keys: &'a [String],
}

/// The most steps a checked formula may expand to: every aggregate, constant and operation
/// counted, referenced indicators inlined, and what `growth` wraps counted twice (it is computed
/// for two periods). Keeps `growth(growth(…))` and indicators that refer to each other twice over
/// from costing 2^n.
pub const MAX_PLAN_STEPS: u64 = 5_000;

/// How deep a checked formula may be once referenced indicators are inlined.
pub const MAX_PLAN_DEPTH: usize = 200;

/// Checks a parsed formula; a plan past [`MAX_PLAN_STEPS`] or [`MAX_PLAN_DEPTH`] is refused.
pub fn check(text: &str, e: &Expr, names: &Names) -> Result<Plan, FormulaError> {
    let plan = Checker { text, names }.expr(e)?;
    let depth = plan.depth();
    if depth > MAX_PLAN_DEPTH {
        return Err(FormulaError::at(
            text,
            0,
            format!("指标引用层次过深:展开后共{depth}层,最多{MAX_PLAN_DEPTH}层"),
            format!("indicators refer to each other too deeply: {depth} levels, at most {MAX_PLAN_DEPTH}"),
        ));
    }
    let steps = plan.steps();
    if steps > MAX_PLAN_STEPS {
        let shown = if steps == u64::MAX { "极多".to_owned() } else { steps.to_string() };
        let shown_en = if steps == u64::MAX { "too many".to_owned() } else { steps.to_string() };
        return Err(FormulaError::at(
            text,
            0,
            format!("公式过于复杂:展开后需{shown}步计算(引用的指标计入,growth 内的部分算两次),最多{MAX_PLAN_STEPS}步"),
            format!(
                "the formula is too complex: {shown_en} steps once expanded (referenced indicators included, what growth wraps counted twice), at most {MAX_PLAN_STEPS}"
            ),
        ));
    }
    Ok(plan)
}

struct Checker<'a> {
    text: &'a str,
    names: &'a Names<'a>,
}

/// The closest candidate within a small edit distance.
pub fn did_you_mean<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let limit = (word.chars().count() / 3).max(1) + 1;
    candidates
        .into_iter()
        .map(|c| (edit_distance(word, c), c))
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, c)| (*d, *c))
        .map(|(_, c)| c)
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for j in 0..b.len() {
            let cur = row[j + 1];
            row[j + 1] = (prev + usize::from(ca != b[j])).min(row[j] + 1).min(cur + 1);
            prev = cur;
        }
    }
    row[b.len()]
}

fn suggestion(s: Option<&str>) -> (String, String) {
    match s {
        Some(s) => (format!(",是否应为“{s}”?"), format!("; did you mean `{s}`?")),
        None => (String::new(), String::new()),
    }
}

fn kind_of(f: &FieldDef) -> Kind {
    match f.ty {
        FieldType::Integer => Kind::Num(0),
        FieldType::Money => Kind::Num(2),
        FieldType::Decimal => Kind::Num(f.scale),
        FieldType::Date => Kind::Date,
        FieldType::Bool => Kind::Bool,
        FieldType::Org => Kind::Org,
        FieldType::Text | FieldType::Enum | FieldType::ResidentId | FieldType::CreditCode | FieldType::Phone => {
            Kind::Text
        }
    }
}

fn kind_name(k: Kind) -> (&'static str, &'static str) {
    match k {
        Kind::Num(_) => ("数值", "number"),
        Kind::Date => ("日期", "date"),
        Kind::Text => ("文字", "text"),
        Kind::Bool => ("是/否", "yes/no"),
        Kind::Org => ("组织", "org"),
    }
}

/// An operand before literals know their type.
enum Typed<'r> {
    Op(Operand, Kind, Option<&'r FieldDef>),
    Lit(Lit),
}

impl<'a> Checker<'a> {
    fn err(&self, span: &Span, zh: String, en: String) -> FormulaError {
        FormulaError::at(self.text, span.start, zh, en)
    }

    fn expr(&self, e: &Expr) -> Result<Plan, FormulaError> {
        Ok(match e {
            Expr::Num(n, _) => Plan::Const(*n),
            Expr::Manual(_) => Plan::Manual(String::new()),
            Expr::Neg(a) => Plan::Neg(Box::new(self.expr(a)?)),
            Expr::Arith(op, a, b) => Plan::Arith(*op, Box::new(self.expr(a)?), Box::new(self.expr(b)?)),
            Expr::Ratio(a, b, _) => Plan::Ratio(Box::new(self.expr(a)?), Box::new(self.expr(b)?)),
            Expr::Growth(a, _) => Plan::Growth(Box::new(self.expr(a)?)),
            Expr::Ref(name) => match (self.names.indicator)(&name.text) {
                Some(p) => Plan::Ref(name.text.clone(), Box::new(p)),
                None => {
                    let keys = self.names.indicator_keys.iter().map(String::as_str);
                    let (zh, en) = suggestion(did_you_mean(&name.text, keys));
                    return Err(self.err(
                        &name.span,
                        format!("没有代码为“{}”的指标{zh}", name.text),
                        format!("unknown indicator `{}`{en}", name.text),
                    ));
                }
            },
            Expr::Agg { func, registry, field, filter, .. } => {
                self.agg(*func, registry, field.as_ref(), filter.as_ref())?
            }
        })
    }

    fn agg(
        &self,
        func: AggFunc,
        registry: &Name,
        field: Option<&Name>,
        filter: Option<&Cond>,
    ) -> Result<Plan, FormulaError> {
        let Some(reg) = self.names.registries.iter().find(|r| r.key == registry.text) else {
            let (zh, en) =
                suggestion(did_you_mean(&registry.text, self.names.registries.iter().map(|r| r.key.as_str())));
            return Err(self.err(
                &registry.span,
                format!("没有代码为“{}”的台账{zh}", registry.text),
                format!("unknown registry `{}`{en}", registry.text),
            ));
        };
        let field = match (func, field) {
            (AggFunc::Count, Some(f)) => {
                return Err(self.err(
                    &f.span,
                    format!("count 统计记录条数,不带字段:写 count({} where …)", reg.key),
                    format!("count counts records and takes no field: write count({} where …)", reg.key),
                ));
            }
            (AggFunc::Count, None) => None,
            (_, None) => {
                return Err(self.err(
                    &registry.span,
                    format!("{} 须指明数值字段,如 {}({}.字段)", func.name(), func.name(), reg.key),
                    format!("{} needs a numeric field, e.g. {}({}.field)", func.name(), func.name(), reg.key),
                ));
            }
            (_, Some(f)) => {
                let def = self.field(reg, f)?;
                let kind = kind_of(def);
                if !matches!(kind, Kind::Num(_)) {
                    return Err(self.err(
                        &f.span,
                        format!("字段“{}”不是数值,不能求 {}", def.label_zh, func.name()),
                        format!("field `{}` is not a number; {} needs one", f.text, func.name()),
                    ));
                }
                Some(FieldRef { key: def.key.clone(), kind })
            }
        };
        let filter = filter.map(|c| self.cond(reg, c)).transpose()?;
        Ok(Plan::Agg(Box::new(Agg { func, registry: reg.key.clone(), field, filter })))
    }

    fn field<'r>(&self, reg: &'r RegistryDef, name: &Name) -> Result<&'r FieldDef, FormulaError> {
        let Some(def) = reg.field(&name.text) else {
            let (zh, en) = suggestion(did_you_mean(&name.text, reg.fields.iter().map(|f| f.key.as_str())));
            return Err(self.err(
                &name.span,
                format!("台账“{}”没有字段“{}”{zh}", reg.label_zh, name.text),
                format!("registry `{}` has no field `{}`{en}", reg.key, name.text),
            ));
        };
        if reg.is_personal(&def.key) {
            return Err(self.err(
                &name.span,
                format!("字段“{}”是个人敏感信息,不能用于指标公式", def.label_zh),
                format!("field `{}` is personal data and cannot be used in formulas", def.key),
            ));
        }
        Ok(def)
    }

    fn cond(&self, reg: &RegistryDef, c: &Cond) -> Result<Filter, FormulaError> {
        Ok(match c {
            Cond::And(v) => Filter::And(v.iter().map(|c| self.cond(reg, c)).collect::<Result<_, _>>()?),
            Cond::Or(v) => Filter::Or(v.iter().map(|c| self.cond(reg, c)).collect::<Result<_, _>>()?),
            Cond::Not(c) => Filter::Not(Box::new(self.cond(reg, c)?)),
            Cond::Truth(s) => match self.scalar(reg, s)? {
                Typed::Op(op, Kind::Bool, _) => Filter::IsTrue(op),
                _ => {
                    return Err(self.err(
                        &s.span(),
                        "此处应为条件;单独的字段须为是/否字段".into(),
                        "a condition is expected here; a field on its own must be a yes/no field".into(),
                    ));
                }
            },
            Cond::Empty(s, empty) => {
                let Typed::Op(op, ..) = self.scalar(reg, s)? else {
                    return Err(self.err(&s.span(), "应为字段".into(), "a field is expected here".into()));
                };
                let f = Filter::IsEmpty(op);
                if *empty { f } else { Filter::Not(Box::new(f)) }
            }
            Cond::InPeriod(s) => match self.scalar(reg, s)? {
                Typed::Op(op, Kind::Date, _) => Filter::And(vec![
                    Filter::Cmp(op.clone(), CmpOp::Ge, Operand::PeriodStart),
                    Filter::Cmp(op, CmpOp::Le, Operand::PeriodEnd),
                ]),
                _ => {
                    return Err(self.err(
                        &s.span(),
                        "in period 只用于日期字段".into(),
                        "`in period` needs a date field".into(),
                    ));
                }
            },
            Cond::In(s, items, negated) => {
                let Typed::Op(op, kind, def) = self.scalar(reg, s)? else {
                    return Err(self.err(
                        &s.span(),
                        "in 的左边应为字段".into(),
                        "`in` needs a field on its left".into(),
                    ));
                };
                let values =
                    items.iter().map(|(l, span)| self.literal(l, span, kind, def)).collect::<Result<Vec<_>, _>>()?;
                let f = Filter::In(op, values);
                if *negated { Filter::Not(Box::new(f)) } else { f }
            }
            Cond::Cmp(a, op, b) => {
                let (ta, tb) = (self.scalar(reg, a)?, self.scalar(reg, b)?);
                let (left, right, kind) = match (ta, tb) {
                    (Typed::Op(x, ka, _), Typed::Op(y, kb, _)) => {
                        if ka != kb {
                            let ((za, ea), (zb, eb)) = (kind_name(ka), kind_name(kb));
                            let same_family = matches!((ka, kb), (Kind::Num(_), Kind::Num(_)));
                            let (zh, en) = if same_family {
                                ("两边小数位数不同".to_owned(), "both sides have different decimal places".to_owned())
                            } else {
                                (
                                    format!("类型不符:左边是{za},右边是{zb}"),
                                    format!("type mismatch: {ea} on the left, {eb} on the right"),
                                )
                            };
                            return Err(self.err(&b.span(), zh, en));
                        }
                        (x, y, ka)
                    }
                    (Typed::Op(x, k, def), Typed::Lit(l)) => {
                        (x, Operand::Const(self.literal(&l, &b.span(), k, def)?), k)
                    }
                    (Typed::Lit(l), Typed::Op(y, k, def)) => {
                        (Operand::Const(self.literal(&l, &a.span(), k, def)?), y, k)
                    }
                    (Typed::Lit(_), Typed::Lit(_)) => {
                        return Err(self.err(
                            &a.span(),
                            "比较的一边应为字段".into(),
                            "one side of a comparison must be a field".into(),
                        ));
                    }
                };
                if matches!(kind, Kind::Text | Kind::Bool | Kind::Org) && !matches!(op, CmpOp::Eq | CmpOp::Ne) {
                    return Err(self.err(
                        &a.span(),
                        format!("{}只能用 = 或 != 比较", kind_name(kind).0),
                        format!("{} values compare only with = or !=", kind_name(kind).1),
                    ));
                }
                Filter::Cmp(left, *op, right)
            }
        })
    }

    fn scalar<'r>(&self, reg: &'r RegistryDef, s: &Scalar) -> Result<Typed<'r>, FormulaError> {
        Ok(match s {
            Scalar::Lit(l, _) => Typed::Lit(l.clone()),
            Scalar::PeriodStart(_) => Typed::Op(Operand::PeriodStart, Kind::Date, None),
            Scalar::PeriodEnd(_) => Typed::Op(Operand::PeriodEnd, Kind::Date, None),
            Scalar::PeriodYear(_) => Typed::Op(Operand::PeriodYear, Kind::Num(0), None),
            Scalar::Field(name) => {
                let def = self.field(reg, name)?;
                Typed::Op(
                    Operand::Field(FieldRef { key: def.key.clone(), kind: kind_of(def) }),
                    kind_of(def),
                    Some(def),
                )
            }
            Scalar::WorkingDays(a, b, _) => {
                let mut ops = Vec::new();
                for x in [a, b] {
                    match self.scalar(reg, x)? {
                        Typed::Op(op, Kind::Date, _) => ops.push(op),
                        Typed::Lit(Lit::Date(d)) => ops.push(Operand::Const(Datum::Date(d))),
                        _ => {
                            return Err(self.err(
                                &x.span(),
                                "working_days 的参数应为日期".into(),
                                "working_days takes dates".into(),
                            ));
                        }
                    }
                }
                let b = ops.pop().map(Box::new);
                let a = ops.pop().map(Box::new);
                match (a, b) {
                    (Some(a), Some(b)) => Typed::Op(Operand::WorkingDays(a, b), Kind::Num(0), None),
                    _ => unreachable!("two operands were pushed"),
                }
            }
        })
    }

    /// Converts a literal to the stored form of what it is compared with.
    fn literal(&self, l: &Lit, span: &Span, kind: Kind, def: Option<&FieldDef>) -> Result<Datum, FormulaError> {
        let mismatch = || {
            let (zh, en) = kind_name(kind);
            self.err(span, format!("类型不符:此处应为{zh}"), format!("type mismatch: a {en} is expected here"))
        };
        Ok(match (l, kind) {
            (Lit::Num(n), Kind::Num(scale)) => {
                let scaled = n.checked_mul(Number::fixed(10i128.pow(scale), 0)).ok_or_else(mismatch)?;
                if !scaled.is_integer() {
                    return Err(self.err(
                        span,
                        format!("此字段最多 {scale} 位小数"),
                        format!("this field has at most {scale} decimal places"),
                    ));
                }
                Datum::Int(i64::try_from(scaled.numer()).map_err(|_| mismatch())?)
            }
            (Lit::Date(d), Kind::Date) => Datum::Date(*d),
            (Lit::Bool(b), Kind::Bool) => Datum::Bool(*b),
            (Lit::Str(s), Kind::Text) => {
                if let Some(def) = def.filter(|d| d.ty == FieldType::Enum)
                    && !def.values.iter().any(|v| &v.code == s)
                {
                    let codes = def.values.iter().map(|v| v.code.as_str());
                    let (zh, en) = suggestion(did_you_mean(s, codes));
                    let all: Vec<&str> = def.values.iter().map(|v| v.code.as_str()).collect();
                    return Err(self.err(
                        span,
                        format!("“{s}”不是字段“{}”的取值{zh}(可选:{})", def.label_zh, all.join("、")),
                        format!("{s:?} is not a value of `{}`{en} (values: {})", def.key, all.join(", ")),
                    ));
                }
                Datum::Text(s.clone())
            }
            _ => return Err(mismatch()),
        })
    }
}
