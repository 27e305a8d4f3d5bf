//! Chinese telephone numbers: mobiles (`13812345678`) and landlines with their area code
//! (`0734-8123456`, optionally `-123` extension). A [`Phone`] is stored normalised, so the same
//! number typed two ways compares equal.

use super::error::ValueError;
use super::text::clean;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// Whether a number is a mobile or a landline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PhoneKind {
    /// 手机: 11 digits, `1[3-9]…`.
    Mobile,
    /// 固定电话: area code, local number, optional extension.
    Landline,
}

/// A valid phone number, normalised to `13812345678` or `0734-8123456[-ext]`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Phone(String);

impl Phone {
    /// Parses a mobile (optional `+86`/`86`/`0086` prefix; spaces and dashes inside are dropped)
    /// or a landline: area code `0\d{2,3}` (`010` and `02x` have three digits, every other code
    /// four), a 7–8 digit local number not starting with 0, and an optional 1–6 digit extension,
    /// separated by `-`, spaces or brackets around the area code, or run together.
    pub fn parse(input: &str) -> Result<Self, ValueError> {
        let t = clean(input);
        if t.is_empty() {
            return Err(ValueError::new("电话号码为空", "the phone number is empty"));
        }
        let is_sep = |c: char| matches!(c, '-' | ' ' | '(' | ')' | '（' | '）' | '\u{2014}' | '\u{2013}');
        let (plus, body) = match t.strip_prefix('+') {
            Some(rest) => (true, rest),
            None => (false, t.as_str()),
        };
        if let Some(c) = body.chars().find(|&c| !c.is_ascii_digit() && !is_sep(c)) {
            return Err(ValueError::new(
                format!("电话号码“{t}”含有无效字符“{c}”"),
                format!("the phone number “{t}” contains the invalid character “{c}”"),
            ));
        }
        let all: String = body.chars().filter(char::is_ascii_digit).collect();
        let national = ["0086", "86"].iter().find_map(|p| all.strip_prefix(p).filter(|r| r.starts_with('1')));
        match national {
            Some(n) => return mobile(&t, n),
            None if plus => {
                return Err(ValueError::new(
                    format!("电话号码“{t}”不是中国大陆号码（应以 +86 开头的手机号）"),
                    format!("“{t}” is not a mainland China number (a mobile starting +86 is expected)"),
                ));
            }
            None => {}
        }
        if all.starts_with('1') {
            return mobile(&t, &all);
        }
        if all.starts_with('0') {
            let groups: Vec<&str> = body.split(is_sep).filter(|g| !g.is_empty()).collect();
            return landline(&t, &groups);
        }
        Err(ValueError::new(
            format!("电话号码“{t}”无效：手机号应为11位且以1开头，固定电话请带区号，如 0734-8123456"),
            format!(
                "“{t}” is not a phone number: a mobile has 11 digits starting with 1; \
                 a landline needs its area code, e.g. 0734-8123456"
            ),
        ))
    }

    /// The normalised number.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Mobile or landline.
    pub fn kind(&self) -> PhoneKind {
        if self.0.starts_with('1') { PhoneKind::Mobile } else { PhoneKind::Landline }
    }

    /// For lists shown to people who need not see the whole number: a mobile keeps its first 3 and
    /// last 4 digits (`138****5678`); a landline keeps its area code and the last 4 digits of the
    /// local number (`0734-***3456`), dropping any extension.
    pub fn masked(&self) -> String {
        match self.kind() {
            PhoneKind::Mobile => format!("{}****{}", &self.0[..3], &self.0[7..]),
            PhoneKind::Landline => {
                let mut parts = self.0.split('-');
                let area = parts.next().unwrap_or_default();
                let local = parts.next().unwrap_or_default();
                let keep = local.len().saturating_sub(4);
                format!("{area}-{}{}", "*".repeat(keep), &local[keep..])
            }
        }
    }
}

impl fmt::Display for Phone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl FromStr for Phone {
    type Err = ValueError;

    fn from_str(s: &str) -> Result<Self, ValueError> {
        Self::parse(s)
    }
}

impl TryFrom<String> for Phone {
    type Error = ValueError;

    fn try_from(s: String) -> Result<Self, ValueError> {
        Self::parse(&s)
    }
}

impl From<Phone> for String {
    fn from(p: Phone) -> String {
        p.0
    }
}

/// A mobile number from its digits (prefix removed).
fn mobile(t: &str, digits: &str) -> Result<Phone, ValueError> {
    if digits.len() != 11 {
        return Err(ValueError::new(
            format!("手机号“{t}”应为11位，实际为{}位", digits.len()),
            format!("the mobile number “{t}” should have 11 digits, it has {}", digits.len()),
        ));
    }
    if !(b'3'..=b'9').contains(&digits.as_bytes()[1]) {
        return Err(ValueError::new(
            format!("手机号“{t}”的第2位应为3至9"),
            format!("the second digit of the mobile number “{t}” should be 3 to 9"),
        ));
    }
    Ok(Phone(digits.to_owned()))
}

/// The length of the area code that starts `digits`: 3 for `010` and `02x`, else 4.
fn area_len(digits: &str) -> usize {
    if digits.starts_with("010") || digits.starts_with("02") { 3 } else { 4 }
}

/// A landline from its digit groups (the first starts with 0).
fn landline(t: &str, groups: &[&str]) -> Result<Phone, ValueError> {
    let bad = |zh: &str, en: &str| {
        ValueError::new(
            format!("固定电话“{t}”无效：{zh}，应写成如 0734-8123456 或 010-12345678"),
            format!("the landline number “{t}” is invalid: {en}; write it like 0734-8123456 or 010-12345678"),
        )
    };
    let first = groups[0];
    let area_len = area_len(first);
    // Either the area code stands alone (`0734-8123456[-ext]`) or it runs into the local number
    // (`07348123456[-ext]`).
    let (area, local, ext) = if first.len() <= 4 {
        if first.len() != area_len {
            return Err(bad(
                "区号位数不对（010、02X 为3位，其余为4位）",
                "the area code has the wrong length (010 and 02x have 3 digits, all others 4)",
            ));
        }
        match groups {
            [_, local] => (first, *local, None),
            [_, local, ext] => (first, *local, Some(*ext)),
            _ => return Err(bad("分段不对", "it has the wrong number of parts")),
        }
    } else {
        let (area, local) = first.split_at(area_len);
        match groups {
            [_] => (area, local, None),
            [_, ext] => (area, local, Some(*ext)),
            _ => return Err(bad("分段不对", "it has the wrong number of parts")),
        }
    };
    if area.as_bytes()[1] == b'0' {
        return Err(bad("区号不能以00开头", "an area code cannot start with 00"));
    }
    if !(7..=8).contains(&local.len()) {
        return Err(bad("号码应为7至8位", "the local number should have 7 or 8 digits"));
    }
    if local.starts_with('0') {
        return Err(bad("号码不能以0开头", "the local number cannot start with 0"));
    }
    match ext {
        None => Ok(Phone(format!("{area}-{local}"))),
        Some(ext) if (1..=6).contains(&ext.len()) => Ok(Phone(format!("{area}-{local}-{ext}"))),
        Some(_) => Err(bad("分机号应为1至6位", "the extension should have 1 to 6 digits")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn ok(s: &str) -> String {
        Phone::parse(s).unwrap_or_else(|e| panic!("{s:?}: {}", e.message_zh)).0
    }

    fn err(s: &str) -> ValueError {
        Phone::parse(s).expect_err(s)
    }

    #[test]
    fn mobiles() {
        for s in [
            "13812345678",
            "138 1234 5678",
            "138-1234-5678",
            "+86 138 1234 5678",
            "+86-13812345678",
            "8613812345678",
            "008613812345678",
            "１３８１２３４５６７８",
            "\u{3000}13812345678 ",
        ] {
            assert_eq!(ok(s), "13812345678", "{s:?}");
        }
        assert_eq!(ok("19912345678"), "19912345678");
        let p = Phone::parse("13812345678").unwrap();
        assert_eq!(p.kind(), PhoneKind::Mobile);
        assert_eq!(p.masked(), "138****5678");
        assert_eq!(p.to_string(), "13812345678");
    }

    #[test]
    fn bad_mobiles() {
        assert!(err("1381234567").message_zh.contains("实际为10位"));
        assert!(err("138123456789").message_zh.contains("实际为12位"));
        assert!(err("12812345678").message_zh.contains("第2位应为3至9"));
        assert!(err("+1 650 123 4567").message_zh.contains("不是中国大陆号码"));
        assert!(err("138a2345678").message_zh.contains("无效字符“a”"));
        assert!(err("").message_zh.contains("为空"));
    }

    #[test]
    fn landlines() {
        for s in [
            "0734-8123456",
            "07348123456",
            "0734 8123456",
            "(0734)8123456",
            "（0734）8123456",
            "０７３４－８１２３４５６",
        ] {
            assert_eq!(ok(s), "0734-8123456", "{s:?}");
        }
        assert_eq!(ok("010-12345678"), "010-12345678");
        assert_eq!(ok("01012345678"), "010-12345678");
        assert_eq!(ok("021-87654321"), "021-87654321");
        assert_eq!(ok("0734-8123456-123"), "0734-8123456-123");
        assert_eq!(ok("07348123456-123"), "0734-8123456-123");
        assert_eq!(ok("0731-88123456"), "0731-88123456");
        let p = Phone::parse("0734-8123456-12").unwrap();
        assert_eq!(p.kind(), PhoneKind::Landline);
        assert_eq!(p.masked(), "0734-***3456");
    }

    #[test]
    fn bad_landlines() {
        assert!(err("073-48123456").message_zh.contains("区号位数不对"));
        assert!(err("0734-812345").message_zh.contains("7至8位"));
        assert!(err("0734-812345678").message_zh.contains("7至8位"));
        assert!(err("0734-0123456").message_zh.contains("不能以0开头"));
        assert!(err("0034-8123456").message_zh.contains("00"));
        assert!(err("0734-8123456-1234567").message_zh.contains("分机号"));
        assert!(err("0734-812-3456-1-2").message_zh.contains("分段"));
        assert!(err("8123456").message_zh.contains("请带区号"));
    }

    #[test]
    fn serde_validates() {
        let p: Phone = Phone::try_from("138 1234 5678".to_owned()).unwrap();
        assert_eq!(String::from(p), "13812345678");
        assert!(Phone::try_from("12".to_owned()).is_err());
    }

    proptest! {
        #[test]
        fn mobile_forms_normalise(
            second in 3u8..=9,
            rest in "[0-9]{9}",
            prefix in prop::sample::select(vec!["", "+86 ", "86", "+86-"]),
        ) {
            let digits = format!("1{second}{rest}");
            let spaced = format!("{prefix}{} {} {}", &digits[..3], &digits[3..7], &digits[7..]);
            prop_assert_eq!(ok(&spaced), digits.clone());
            prop_assert_eq!(Phone::parse(&digits).unwrap().masked(), format!("{}****{}", &digits[..3], &digits[7..]));
        }

        #[test]
        fn never_panics(s in "\\PC{0,24}") {
            let _ = Phone::parse(&s);
        }
    }
}
