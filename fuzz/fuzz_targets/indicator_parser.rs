//! Any text given to the indicator language: parsed, and when it parses, checked against a small
//! registry (the plan limits included) — a plan or a located error, never a panic or a stack
//! overflow; an error's line:column lies inside the text. Run with `-max_len` past the formula
//! limit (`scripts/fuzz` does) so overlong and deeply nested inputs are tried.
#![no_main]

use kaohe_domain::indicator::IndicatorSet;
use kaohe_domain::registry::RegistryDef;
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

fn registries() -> &'static [RegistryDef] {
    static REGS: OnceLock<Vec<RegistryDef>> = OnceLock::new();
    REGS.get_or_init(|| {
        let units = "key = \"members\"\nlabel_zh = \"会员\"\nlabel_en = \"Members\"\nnatural_key = [\"name\"]\n\n\
                     [[fields]]\nkey = \"name\"\nlabel_zh = \"姓名\"\nlabel_en = \"Name\"\ntype = \"text\"\n\n\
                     [[fields]]\nkey = \"gender\"\nlabel_zh = \"性别\"\nlabel_en = \"Gender\"\ntype = \"text\"\n\n\
                     [[fields]]\nkey = \"ok\"\nlabel_zh = \"达标\"\nlabel_en = \"OK\"\ntype = \"bool\"\n\n\
                     [[fields]]\nkey = \"n\"\nlabel_zh = \"人数\"\nlabel_en = \"N\"\ntype = \"integer\"\n\n\
                     [[fields]]\nkey = \"joined_on\"\nlabel_zh = \"入会日期\"\nlabel_en = \"Joined\"\ntype = \"date\"\n";
        let files = vec![
            ("pack.toml".to_owned(), "key = \"f\"\nversion = \"1\"\nname_zh = \"测\"\nname_en = \"f\"\n".to_owned()),
            ("registries/members.toml".to_owned(), units.to_owned()),
        ];
        kaohe_domain::pack::parse_pack(&files).map(|p| p.registries).unwrap_or_default()
    })
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    match IndicatorSet::default().compile(text, registries(), None) {
        Ok(plan) => {
            assert!(plan.depth() <= kaohe_domain::indicator::check::MAX_PLAN_DEPTH);
            assert!(plan.steps() <= kaohe_domain::indicator::check::MAX_PLAN_STEPS);
        }
        Err(e) => {
            assert!(e.offset <= text.len() && text.is_char_boundary(e.offset));
            let _ = e.to_string();
        }
    }
});
