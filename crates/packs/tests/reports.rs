//! Report templates: the pack's annual template is there and checked; a federation's own file in
//! the data folder replaces it; a broken one is refused with its file, line and column; a pack
//! folder with a broken template fails `pack validate`.

use kaohe_packs::{read_dir, reports_with, trade_union, trade_union_files};

fn temp(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("kaohe-reports-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn the_pack_ships_the_annual_template() {
    let pack = trade_union().unwrap();
    let t = pack.report("annual").expect("annual template");
    assert_eq!(t.file, "reports/annual.md.j2");
    assert!(t.source.contains("fig('new_unions')"));
}

#[test]
fn a_data_folder_template_replaces_the_packs_and_a_broken_one_is_located() {
    let pack = trade_union().unwrap();
    let dir = temp("own");
    std::fs::write(dir.join("annual.md.j2"), "# {{ year }}年\n\n{{ fig('new_unions') }}\n").unwrap();
    std::fs::write(dir.join("brief.md.j2"), "{{ org }}\n").unwrap();
    let all = reports_with(&pack, &dir).unwrap();
    assert_eq!(all.len(), 2);
    let annual = all.iter().find(|t| t.key == "annual").unwrap();
    assert!(annual.source.starts_with("# {{ year }}年"), "the federation's own replaces the pack's");

    std::fs::write(dir.join("brief.md.j2"), "第一行\n{{ org }} {{ yaer }}\n").unwrap();
    let errs = reports_with(&pack, &dir).unwrap_err();
    assert_eq!(errs.len(), 1);
    let e = &errs[0];
    assert!(e.file.ends_with("brief.md.j2") && e.line == 2 && e.column == 14, "{e}");
    assert!(e.to_string().contains("yaer") && e.to_string().matches("yaer").count() == 3, "{e}");
    assert!(reports_with(&pack, &dir.join("missing")).is_ok(), "no folder: the pack's templates");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn pack_validation_checks_templates() {
    let dir = temp("pack");
    for (path, text) in trade_union_files() {
        let to = dir.join(&path);
        std::fs::create_dir_all(to.parent().unwrap()).unwrap();
        let text = if path == "reports/annual.md.j2" {
            text.replace("{{ fig('new_members') }}", "{{ fig('new_members' }}")
        } else {
            text
        };
        std::fs::write(to, text).unwrap();
    }
    let errs = kaohe_domain::pack::parse_pack(&read_dir(&dir).unwrap()).unwrap_err();
    assert_eq!(errs.len(), 1, "{errs:?}");
    assert_eq!(errs[0].file, "reports/annual.md.j2");
    assert!(errs[0].message_zh.contains("语法"), "{}", errs[0]);
    std::fs::remove_dir_all(&dir).unwrap();
}
