//! The unified social credit code (统一社会信用代码, GB 32100-2015) that identifies every
//! registered organisation: a grassroots union's employer, a union legal person. A [`CreditCode`]
//! exists only if the text passed the character set and checksum rules.

use super::error::ValueError;
use super::text::clean;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// The 31 characters a code may use, in value order (no I, O, Z, S, V).
const CHARSET: &[u8; 31] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";
/// Weights of the first 17 characters' values in the checksum.
const WEIGHTS: [u32; 17] = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

/// A valid 18-character unified social credit code, stored upper-case.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct CreditCode(String);

impl CreditCode {
    /// Parses a code as typed or pasted: surrounding spaces, full-width and lower-case characters
    /// are accepted. A wrong length, a character outside the set (named with its position) and a
    /// wrong check character (naming the expected one) are refused.
    pub fn parse(input: &str) -> Result<Self, ValueError> {
        let s = clean(input).to_ascii_uppercase();
        if s.is_empty() {
            return Err(ValueError::new("统一社会信用代码为空", "the unified social credit code is empty"));
        }
        let chars: Vec<char> = s.chars().collect();
        if chars.len() != 18 {
            return Err(ValueError::new(
                format!("统一社会信用代码应为18位，实际为{}位", chars.len()),
                format!("a unified social credit code has 18 characters, this one has {}", chars.len()),
            ));
        }
        let mut values = [0u32; 18];
        for (i, &c) in chars.iter().enumerate() {
            values[i] = value_of(c).ok_or_else(|| bad_char(i, c))?;
        }
        let expected = check_char(&values[..17]);
        if chars[17] != expected {
            return Err(ValueError::new(
                format!("统一社会信用代码校验位错误：第18位应为“{expected}”，实际为“{}”", chars[17]),
                format!(
                    "the unified social credit code's check character is wrong: expected “{expected}”, found “{}”",
                    chars[17]
                ),
            ));
        }
        // Characters 9–17 are the organisation's GB 11714 code, with a check character of its own.
        let org = &chars[8..17];
        let expected = org_code_check(&org[..8]);
        if org[8] != expected {
            return Err(ValueError::new(
                format!("统一社会信用代码第9至17位(组织机构代码)校验错误:第17位应为“{expected}”,实际为“{}”", org[8]),
                format!(
                    "the organisation code inside the unified social credit code (characters 9–17) is wrong: \
                     character 17 should be “{expected}”, found “{}”",
                    org[8]
                ),
            ));
        }
        Ok(Self(s))
    }

    /// The normalised code (18 upper-case characters).
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for CreditCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl FromStr for CreditCode {
    type Err = ValueError;

    fn from_str(s: &str) -> Result<Self, ValueError> {
        Self::parse(s)
    }
}

impl TryFrom<String> for CreditCode {
    type Error = ValueError;

    fn try_from(s: String) -> Result<Self, ValueError> {
        Self::parse(&s)
    }
}

impl From<CreditCode> for String {
    fn from(c: CreditCode) -> String {
        c.0
    }
}

/// A character's value: its index in [`CHARSET`].
fn value_of(c: char) -> Option<u32> {
    let b = u8::try_from(c).ok()?;
    CHARSET.iter().position(|&x| x == b).map(|i| i as u32)
}

/// The check character of the first 17 characters' values.
fn check_char(values: &[u32]) -> char {
    let sum: u32 = values.iter().zip(WEIGHTS).map(|(v, w)| v * w).sum();
    let check = (31 - sum % 31) % 31;
    char::from(CHARSET[check as usize])
}

/// The GB 11714 check character of an organisation code's 8 body characters (digits 0–9,
/// letters A–Z worth 10–35; weights 3 7 9 10 5 8 4 2; 11 − sum mod 11, 10 written X, 11 as 0).
fn org_code_check(body: &[char]) -> char {
    const WEIGHTS: [u32; 8] = [3, 7, 9, 10, 5, 8, 4, 2];
    let sum: u32 = body.iter().zip(WEIGHTS).map(|(c, w)| c.to_digit(36).unwrap_or(0) * w).sum();
    match 11 - sum % 11 {
        10 => 'X',
        11 => '0',
        c => char::from_digit(c, 10).unwrap_or('0'),
    }
}

/// The error for character `c` at index `i`, with a hint for the look-alikes people confuse.
fn bad_char(i: usize, c: char) -> ValueError {
    let (hint_zh, hint_en) = match c {
        'O' => ("（是否把数字0输成了字母O？）", " (digit 0 typed as letter O?)"),
        'I' => ("（是否把数字1输成了字母I？）", " (digit 1 typed as letter I?)"),
        'Z' | 'S' | 'V' => ("（代码不使用字母 I、O、Z、S、V）", " (codes never use the letters I, O, Z, S, V)"),
        _ => ("", ""),
    };
    ValueError::new(
        format!("统一社会信用代码第{}位“{c}”不是有效字符{hint_zh}", i + 1),
        format!("character {} of the unified social credit code, “{c}”, is not allowed{hint_en}", i + 1),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const PUBLISHED: &str = "91350100M000100Y43";

    fn err(s: &str) -> ValueError {
        CreditCode::parse(s).expect_err(s)
    }

    #[test]
    fn published_example_is_valid() {
        assert_eq!(CreditCode::parse(PUBLISHED).unwrap().as_str(), PUBLISHED);
        assert_eq!(PUBLISHED.parse::<CreditCode>().unwrap().to_string(), PUBLISHED);
    }

    #[test]
    fn published_example_with_wrong_check_is_refused() {
        let e = err("91350100M000100Y44");
        assert!(e.message_zh.contains("应为“3”"), "{}", e.message_zh);
        assert!(e.message_en.contains("expected “3”, found “4”"), "{}", e.message_en);
    }

    #[test]
    fn the_embedded_organisation_code_is_checked() {
        // 91350100 M000100Y 4 3: the published code's organisation code M000100Y-4.
        assert_eq!(org_code_check(&"M000100Y".chars().collect::<Vec<_>>()), '4');
        // The organisation code's check changed to 5 and the final character recomputed, so only
        // the embedded check is wrong.
        let body = "91350100M000100Y5";
        let values: Vec<u32> = body.chars().map(|c| value_of(c).unwrap()).collect();
        let code = format!("{body}{}", check_char(&values));
        let e = err(&code);
        assert!(
            e.message_zh.contains("组织机构代码") && e.message_zh.contains("应为“4”,实际为“5”"),
            "{}",
            e.message_zh
        );
        // Sum 0 → 11 → "0"; sum 12 (6·2) → 11 − 1 = 10 → "X"; sum 10 → 1.
        let check = |b: &str| org_code_check(&b.chars().collect::<Vec<_>>());
        assert_eq!((check("00000000"), check("00000006"), check("00000005")), ('0', 'X', '1'));
    }

    #[test]
    fn normalises_case_spaces_and_full_width() {
        assert_eq!(CreditCode::parse(" 91350100m000100y43\u{3000}").unwrap().as_str(), PUBLISHED);
        assert_eq!(CreditCode::parse("９１３５０１００Ｍ０００１００Ｙ４３").unwrap().as_str(), PUBLISHED);
    }

    #[test]
    fn length_errors_say_the_length() {
        assert!(err("91350100M000100Y4").message_zh.contains("实际为17位"));
        assert!(err("91350100M000100Y431").message_en.contains("has 19"));
        assert!(err(" ").message_zh.contains("为空"));
    }

    #[test]
    fn bad_characters_are_named_and_located() {
        let e = err("91350100MO00100Y43");
        assert!(e.message_zh.contains("第10位“O”"), "{}", e.message_zh);
        assert!(e.message_zh.contains("数字0"), "{}", e.message_zh);
        assert!(e.message_en.contains("character 10"), "{}", e.message_en);
        assert!(err("91350100M000100S43").message_zh.contains("第16位“S”"));
        assert!(err("91350100M000100-43").message_zh.contains("第16位“-”"));
        assert!(err("91350100M000100工43").message_zh.contains("第16位“工”"));
    }

    #[test]
    fn serde_round_trip_validates() {
        let code = CreditCode::parse(PUBLISHED).unwrap();
        assert_eq!(String::from(code.clone()), PUBLISHED);
        assert_eq!(CreditCode::try_from(PUBLISHED.to_owned()).unwrap(), code);
        assert!(CreditCode::try_from("91350100M000100Y44".to_owned()).is_err());
    }

    /// A random valid code: 16 random characters, the organisation code's check, the final check.
    fn valid_code() -> impl Strategy<Value = String> {
        proptest::collection::vec(0usize..31, 16).prop_map(|idx| {
            let mut chars: Vec<char> = idx.iter().map(|&i| char::from(CHARSET[i])).collect();
            chars.push(org_code_check(&chars[8..16]));
            let values: Vec<u32> = chars.iter().map(|&c| value_of(c).unwrap()).collect();
            let mut s: String = chars.into_iter().collect();
            s.push(check_char(&values));
            s
        })
    }

    proptest! {
        #[test]
        fn valid_codes_parse(s in valid_code()) {
            prop_assert_eq!(CreditCode::parse(&s).unwrap().0, s.clone());
            prop_assert_eq!(CreditCode::parse(&s.to_lowercase()).unwrap().0, s);
        }

        #[test]
        fn changing_one_of_the_first_17_fails(s in valid_code(), pos in 0usize..17, delta in 1usize..31) {
            let mut bytes = s.into_bytes();
            let old = CHARSET.iter().position(|&x| x == bytes[pos]).unwrap();
            bytes[pos] = CHARSET[(old + delta) % 31];
            let changed = String::from_utf8(bytes).unwrap();
            prop_assert!(CreditCode::parse(&changed).is_err(), "{} was accepted", changed);
        }

        #[test]
        fn never_panics(s in "\\PC{0,24}") {
            let _ = CreditCode::parse(&s);
        }
    }
}
