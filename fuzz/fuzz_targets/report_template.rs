//! Any text as a report template, checked and rendered over a few facts, then written as
//! Markdown and HTML: a document or a located template error, never a panic.
#![no_main]

use kaohe_domain::indicator::Number;
use kaohe_domain::report::{Facts, Outcome, ReportTemplate, html, markdown, render};
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

fn facts() -> &'static Facts {
    static FACTS: OnceLock<Facts> = OnceLock::new();
    FACTS.get_or_init(|| {
        let mut f = Facts {
            year: 2009,
            org_id: 1,
            org_name: "衡阳市总工会".into(),
            date: chrono::NaiveDate::from_ymd_opt(2010, 1, 15).unwrap_or_default(),
            ..Default::default()
        };
        for (i, (key, value, target)) in [("new_members", 52_148, 40_000), ("aid_yuan", 9_876_543, 0)].into_iter().enumerate() {
            f.figures.insert(
                key.into(),
                kaohe_domain::report::FigureFact {
                    order: i,
                    key: key.into(),
                    name_zh: key.into(),
                    unit: "人".into(),
                    section: "组织建设".into(),
                    decimals: 0,
                    percent: false,
                    value: Some(Number::int(value)),
                    last: Some(Number::int(value / 2)),
                    target: Some(Number::int(target)),
                    score: Some(950),
                },
            );
        }
        f
    })
}

fuzz_target!(|data: &[u8]| {
    let Ok(source) = std::str::from_utf8(data) else { return };
    let tpl = ReportTemplate { key: "fuzz".into(), file: "reports/fuzz.md.j2".into(), source: source.into() };
    if kaohe_domain::report::template::check(&tpl).is_err() {
        return;
    }
    if let Ok(Outcome::Done(doc)) = render(&tpl, facts()) {
        let _ = markdown::write(&doc);
        let _ = html::write(&doc, &html::Links { base: String::new(), org: 1, year: 2009 });
    }
});
