//! Commonly breached passwords: an embedded list of whole passwords (`common.txt`) and the shape
//! most of them share — one common word (or keyboard walk) with digits and symbols around it.

use std::collections::BTreeSet;
use std::sync::OnceLock;

/// Words that, with only digits and symbols added, make a breached password.
const WEAK_CORES: &[&str] = &[
    "password",
    "passwd",
    "pass",
    "admin",
    "administrator",
    "root",
    "test",
    "user",
    "guest",
    "login",
    "welcome",
    "iloveyou",
    "woaini",
    "letmein",
    "changeme",
    "default",
    "secret",
    "master",
    "qwerty",
    "qwer",
    "qwertyuiop",
    "asdf",
    "asdfghjkl",
    "zxcv",
    "zxcvbnm",
    "qaz",
    "qazwsx",
    "qazwsxedc",
    "qweasd",
    "qweasdzxc",
    "qwe",
    "asd",
    "zxc",
    "abc",
    "abcd",
    "abcde",
    "abcdef",
    "abcdefg",
    "china",
    "beijing",
    "shanghai",
    "huawei",
    "kaohe",
    "gonghui",
    "dragon",
    "monkey",
    "sunshine",
    "princess",
    "football",
    "shadow",
    "superman",
    "computer",
    "internet",
];

/// Undoes look-alike substitutions (p@ssw0rd → password).
fn unleet(c: char) -> char {
    match c {
        '0' => 'o',
        '1' | '!' => 'l',
        '3' => 'e',
        '4' | '@' => 'a',
        '5' | '$' => 's',
        '7' => 't',
        c => c,
    }
}

fn list() -> &'static BTreeSet<String> {
    static LIST: OnceLock<BTreeSet<String>> = OnceLock::new();
    LIST.get_or_init(|| {
        include_str!("common.txt")
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .flat_map(|l| [l.to_lowercase(), l.to_lowercase().chars().map(unleet).collect()])
            .collect()
    })
}

/// Whether `password` is a commonly breached one or built like one.
pub(super) fn is_common(password: &str) -> bool {
    let lower = password.to_lowercase();
    let unleeted: String = lower.chars().map(unleet).collect();
    if list().contains(&lower) || list().contains(&unleeted) {
        return true;
    }
    // The letters alone (1qaz@WSX → qazwsx), and the letters once digits and symbols at either end
    // are cut and look-alikes inside undone (P@ssw0rd2026! → password).
    let letters: String = lower.chars().filter(|c| c.is_alphabetic()).collect();
    let inner = lower.trim_matches(|c: char| !c.is_alphabetic());
    let inner: String = inner.chars().map(unleet).filter(|c| c.is_alphabetic()).collect();
    let digits: String = lower.chars().filter(char::is_ascii_digit).collect();
    let few_letters = letters.chars().count() <= 2 && simple_digits(&digits);
    few_letters || WEAK_CORES.contains(&letters.as_str()) || WEAK_CORES.contains(&inner.as_str())
}

/// Digits anyone tries first: a run up or down (123456789, 987654) or one digit repeated.
fn simple_digits(d: &str) -> bool {
    let repeated = d.chars().all(|c| d.starts_with(c));
    repeated || "01234567890123456789".contains(d) || "98765432109876543210".contains(d)
}
