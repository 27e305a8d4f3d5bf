use super::*;

const DRAFT: &str = "# 清州市总工会2027年度考核办法\nyear = 2027\ntitle = \"清州\"\neffective_on = \"2027-01-01\"\ntie_break = \"shared\" # 并列\n\n# 等次\n[[grades]]\nname_zh = \"优秀\"\nname_en = \"Excellent\"\nmin = 90\n\n[[grades]]\nname_zh = \"合格\"\nname_en = \"Pass\"\nmin = 0\n\n[[sections]]\nkey = \"org\"\nname_zh = \"组织建设\"\nname_en = \"Org\"\n\n[[sections.items]]\nkey = \"joined\"\nname_zh = \"发展会员\"\n\n[[sections]]\nkey = \"aid\"\nname_zh = \"帮扶\"\nname_en = \"Aid\"\nitems = []\n\n# 一票否决\n[[vetoes]]\nkey = \"integrity\"\nname_zh = \"党风廉政\"\nname_en = \"Integrity\"\nindicator = \"qz_violations\"\neffect = \"veto\" # 否决\nclause = \"第十条\"\n";

fn values(pairs: &[(&str, &str)]) -> Values {
    pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect()
}

#[test]
fn an_entry_round_trips_and_everything_else_is_kept() {
    let v = read(DRAFT, Part::Veto, "integrity").unwrap();
    assert_eq!(
        v,
        values(&[
            ("key", "integrity"),
            ("name_zh", "党风廉政"),
            ("name_en", "Integrity"),
            ("indicator", "qz_violations"),
            ("limit", ""),
            ("effect", "veto"),
            ("clause", "第十条"),
        ])
    );
    assert_eq!(write(DRAFT, Part::Veto, Some("integrity"), &v).unwrap(), DRAFT, "an unchanged form changes nothing");
    let mut w = v.clone();
    w.insert("effect".into(), "no_award".into());
    w.insert("limit".into(), "2".into());
    let out = write(DRAFT, Part::Veto, Some("integrity"), &w).unwrap();
    assert!(out.contains("effect = \"no_award\" # 否决") && out.contains("limit = 2"), "{out}");
    assert!(out.contains("# 一票否决\n[[vetoes]]") && out.contains("tie_break = \"shared\" # 并列"), "{out}");
    assert_eq!(read(&out, Part::Veto, "integrity").unwrap(), w);
    assert_eq!(read(DRAFT, Part::Veto, "nope"), Err(EditError::NoItem));
    assert_eq!(read("x = [", Part::Veto, "integrity"), Err(EditError::NotToml));
}

#[test]
fn new_entries_get_a_free_key_and_their_lists() {
    assert_eq!(free_key(DRAFT, Part::Veto).unwrap(), "veto_1");
    assert_eq!(free_key(DRAFT, Part::Adjustment).unwrap(), "adjustment_1");
    let adj = values(&[
        ("key", "adjustment_1"),
        ("name_zh", "荣誉加分"),
        ("direction", "bonus"),
        ("indicator", "qz_honours"),
        ("per", "0.5"),
        ("cap", "3"),
    ]);
    let out = write(DRAFT, Part::Adjustment, None, &adj).unwrap();
    assert!(
        out.contains("[[adjustments]]\nkey = \"adjustment_1\"\nname_zh = \"荣誉加分\"\nname_en = \"荣誉加分\""),
        "{out}"
    );
    assert!(out.contains("per = \"0.5\"\ncap = 3\nclause = \"\""), "{out}");
    assert_eq!(free_key(&out, Part::Adjustment).unwrap(), "adjustment_2");
    let req = values(&[
        ("key", "request_1"),
        ("name_zh", "年度总结"),
        ("indicators", "qz_a,qz_b"),
        ("narrative", "true"),
        ("deadline", "2028-01-10"),
        ("applies_to", ""),
        ("departments", "组织部、 宣教部"),
        ("checks", ""),
    ]);
    let out = write(&out, Part::Request, None, &req).unwrap();
    assert!(
        out.contains(
            "indicators = [\"qz_a\", \"qz_b\"]\nnarrative = true\ndeadline = \"2028-01-10\"\napplies_to = []\ndepartments = [\"组织部\", \"宣教部\"]\n"
        ),
        "no kinds is an empty list (the reader requires it), no checks none: {out}"
    );
    let back = read(&out, Part::Request, "request_1").unwrap();
    assert_eq!(back.get("departments").map(String::as_str), Some("组织部、宣教部"));
    let mut no_summary = back.clone();
    no_summary.insert("narrative".into(), String::new());
    let out2 = write(&out, Part::Request, Some("request_1"), &no_summary).unwrap();
    assert!(!out2.contains("narrative"), "an unticked box leaves the key out: {out2}");
}

#[test]
fn sections_are_added_and_removed_only_when_empty() {
    assert_eq!(
        entries(DRAFT, Part::Section).unwrap(),
        [("org".into(), "组织建设".into()), ("aid".into(), "帮扶".into())]
    );
    let out = write(DRAFT, Part::Section, None, &values(&[("key", "section_1"), ("name_zh", "财务")])).unwrap();
    assert!(out.contains("key = \"section_1\"\nname_zh = \"财务\"\nname_en = \"财务\"\nitems = []"), "{out}");
    assert_eq!(remove(&out, Part::Section, "org"), Err(EditError::NotEmpty));
    let out = remove(&out, Part::Section, "aid").unwrap();
    let keys: Vec<String> = entries(&out, Part::Section).unwrap().into_iter().map(|(k, _)| k).collect();
    assert_eq!(keys, ["org", "section_1"]);
    let out = remove(&out, Part::Veto, "integrity").unwrap();
    assert!(entries(&out, Part::Veto).unwrap().is_empty() && out.contains("# 清州市总工会2027年度考核办法"));
}

#[test]
fn the_general_rules_round_trip_with_the_bands_in_place() {
    let g = read_general(DRAFT).unwrap();
    assert_eq!(
        (g.title.as_str(), g.effective_on.as_str(), g.total.as_str(), g.tie_break.as_str()),
        ("清州", "2027-01-01", "", "shared")
    );
    assert_eq!(g.grades.len(), 2);
    assert_eq!(write_general(DRAFT, &g).unwrap(), DRAFT, "an unchanged form changes nothing");
    let h = General {
        total: "100".into(),
        tie_break: "base_score".into(),
        grades: vec![
            ("优秀".into(), "Excellent".into(), "90".into()),
            ("良好".into(), String::new(), "79.5".into()),
            ("合格".into(), "Pass".into(), String::new()),
            (String::new(), String::new(), "10".into()),
        ],
        ..g
    };
    let out = write_general(DRAFT, &h).unwrap();
    assert!(out.contains("tie_break = \"base_score\" # 并列") && out.contains("total = 100"), "{out}");
    assert!(out.contains("# 等次\n[[grades]]\nname_zh = \"优秀\""), "{out}");
    let back = read_general(&out).unwrap();
    assert_eq!(
        back.grades,
        [
            ("优秀".to_owned(), "Excellent".to_owned(), "90".to_owned()),
            ("良好".to_owned(), "良好".to_owned(), "79.5".to_owned()),
            ("合格".to_owned(), "Pass".to_owned(), "0".to_owned()),
        ],
        "a band without a name is dropped, an empty lowest total is 0"
    );
    let pos = |s: &str| out.find(s).unwrap();
    assert!(pos("name_zh = \"良好\"") < pos("[[sections]]"), "the bands stay before the sections: {out}");
}
