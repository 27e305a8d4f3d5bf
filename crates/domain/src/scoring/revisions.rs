//! What changed between two versions of a rulebook, in words a 考核办 reads: items added,
//! dropped or re-weighted, targets, rules, vetoes, bonus and deduction items, grade bands.

use super::{Rulebook, show};
use std::collections::BTreeMap;

/// One difference, in Chinese and English.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Revision {
    pub zh: String,
    pub en: String,
}

fn line(zh: String, en: String) -> Revision {
    Revision { zh, en }
}

/// The differences from `old` to `new`, in the new rulebook's order (then what was dropped).
pub fn revisions(old: &Rulebook, new: &Rulebook) -> Vec<Revision> {
    let mut out = Vec::new();
    if old.title != new.title {
        out.push(line(format!("标题改为“{}”", new.title), format!("title now {:?}", new.title)));
    }
    if old.assessed_kinds != new.assessed_kinds
        || old.assessed_groups != new.assessed_groups
        || old.not_assessed != new.not_assessed
    {
        out.push(line("考核对象范围有变化".into(), "who is assessed changed".into()));
    }
    let before: BTreeMap<&str, _> = old.items().map(|(_, i)| (i.key.as_str(), i)).collect();
    let after: BTreeMap<&str, _> = new.items().map(|(_, i)| (i.key.as_str(), i)).collect();
    for (_, i) in new.items() {
        let Some(o) = before.get(i.key.as_str()) else {
            out.push(line(
                format!("新增考核项“{}”,{}分", i.name_zh, show(i.weight)),
                format!("item added: {} ({} points)", i.name_en, show(i.weight)),
            ));
            continue;
        };
        if o.weight != i.weight {
            out.push(line(
                format!("“{}”分值 {} → {}", i.name_zh, show(o.weight), show(i.weight)),
                format!("{}: weight {} → {}", i.name_en, show(o.weight), show(i.weight)),
            ));
        }
        if o.default_target != i.default_target {
            let t = |v: Option<crate::indicator::Number>| v.map_or_else(|| "无".to_owned(), show);
            out.push(line(
                format!("“{}”默认目标 {} → {}", i.name_zh, t(o.default_target), t(i.default_target)),
                format!("{}: default target {} → {}", i.name_en, t(o.default_target), t(i.default_target)),
            ));
        }
        if o.rule != i.rule || o.indicator != i.indicator {
            out.push(line(
                format!("“{}”的计分规则或指标有变化", i.name_zh),
                format!("{}: rule or indicator changed", i.name_en),
            ));
        }
        if o.applies_to != i.applies_to || o.departments != i.departments {
            out.push(line(
                format!("“{}”的适用单位有变化", i.name_zh),
                format!("{}: who it applies to changed", i.name_en),
            ));
        }
        if o.clause != i.clause || o.evidence != i.evidence {
            out.push(line(
                format!("“{}”的依据条款或备查资料有变化", i.name_zh),
                format!("{}: clause or evidence changed", i.name_en),
            ));
        }
    }
    for (k, o) in &before {
        if !after.contains_key(k) {
            out.push(line(format!("删除考核项“{}”", o.name_zh), format!("item dropped: {}", o.name_en)));
        }
    }
    let vetoes = |b: &Rulebook| -> BTreeMap<String, (String, String, String)> {
        b.vetoes.iter().map(|v| (v.key.clone(), (v.name_zh.clone(), v.name_en.clone(), format!("{v:?}")))).collect()
    };
    let adjustments = |b: &Rulebook| -> BTreeMap<String, (String, String, String)> {
        b.adjustments
            .iter()
            .map(|a| (a.key.clone(), (a.name_zh.clone(), a.name_en.clone(), format!("{a:?}"))))
            .collect()
    };
    for (what_zh, what_en, a, b) in [
        ("否决项", "veto item", vetoes(old), vetoes(new)),
        ("加减分项", "bonus or deduction item", adjustments(old), adjustments(new)),
    ] {
        for (k, (zh, en, all)) in &b {
            match a.get(k) {
                None => out.push(line(format!("新增{what_zh}“{zh}”"), format!("{what_en} added: {en}"))),
                Some((_, _, was)) if was != all => {
                    out.push(line(format!("{what_zh}“{zh}”有变化"), format!("{what_en} changed: {en}")))
                }
                Some(_) => {}
            }
        }
        for (k, (zh, en, _)) in &a {
            if !b.contains_key(k) {
                out.push(line(format!("删除{what_zh}“{zh}”"), format!("{what_en} dropped: {en}")));
            }
        }
    }
    if old.grades != new.grades {
        let bands = |b: &Rulebook| {
            b.grades
                .iter()
                .map(|g| format!("{}≥{}", g.name_zh, super::show_points(g.min)))
                .collect::<Vec<_>>()
                .join("、")
        };
        out.push(line(format!("等次划分改为 {}", bands(new)), "grade bands changed".into()));
    }
    if old.tie_break != new.tie_break {
        out.push(line(format!("并列规则改为:{}", new.tie_break.describe(false)), "tie rule changed".into()));
    }
    if old.requests != new.requests || old.checks != new.checks {
        out.push(line("填报要求或审核校验有变化".into(), "what orgs submit, or its checks, changed".into()));
    }
    out
}
