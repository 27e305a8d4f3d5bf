//! The resident identity card number (居民身份证号码, GB 11643-1999). "Parse, don't validate": a
//! [`ResidentId`] exists only if the text passed every check, so code holding one never re-checks.
//! The number is personal data: `Display` and `Debug` print the masked form, and there is no
//! `Serialize`; writing the full number anywhere takes an explicit [`ResidentId::as_str`].

use super::error::ValueError;
use super::text::clean;
use chrono::{Datelike, NaiveDate};
use std::fmt;
use std::str::FromStr;

/// Weights of the first 17 digits in the GB 11643 checksum.
const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
/// The check character for each value of the weighted sum mod 11.
const CHECK_CHARS: [char; 11] = ['1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2'];
/// The province-level codes (first two digits) in use: mainland provinces, Taiwan (71), Hong Kong
/// (81), Macao (82), and 83 / 91 (residence permits of Taiwan residents, foreigners' permanent
/// residence IDs).
pub const PROVINCE_CODES: [u8; 36] = [
    11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46, 50, 51, 52, 53, 54, 61, 62, 63,
    64, 65, 71, 81, 82, 83, 91,
];

/// A valid 18-character resident ID number, stored upper-case (`X` as the check character).
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ResidentId(String);

/// The holder's sex, encoded in the 17th digit (odd: male).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Gender {
    /// 男
    Male,
    /// 女
    Female,
}

impl Gender {
    /// The Chinese label.
    pub fn label_zh(self) -> &'static str {
        match self {
            Self::Male => "男",
            Self::Female => "女",
        }
    }

    /// The English label.
    pub fn label_en(self) -> &'static str {
        match self {
            Self::Male => "male",
            Self::Female => "female",
        }
    }
}

impl ResidentId {
    /// Parses a resident ID number as people type or paste it: surrounding (full-width) spaces,
    /// full-width digits and a lower-case `x` are accepted; a 15-digit old number, a number Excel
    /// turned into scientific notation, a wrong length, a non-digit, an unknown province, an
    /// impossible birth date and a wrong check character are each refused with their own message.
    pub fn parse(input: &str) -> Result<Self, ValueError> {
        let s = clean(input).to_ascii_uppercase();
        if s.is_empty() {
            return Err(ValueError::new("身份证号为空", "the resident ID number is empty"));
        }
        if is_scientific_notation(&s) {
            return Err(ValueError::new(
                format!("Excel 已把身份证号变成科学计数法（{s}），请把该列设为文本格式后重新填写"),
                format!(
                    "Excel turned the resident ID number into scientific notation ({s}); \
                     format the column as text and enter the number again"
                ),
            ));
        }
        let chars: Vec<char> = s.chars().collect();
        if chars.len() == 15 && chars.iter().all(char::is_ascii_digit) {
            return Err(ValueError::new(
                format!("“{s}”是旧版15位身份证号，请换用18位身份证号"),
                format!("“{s}” is an old 15-digit ID number; use the 18-character number instead"),
            ));
        }
        if chars.len() != 18 {
            return Err(ValueError::new(
                format!("身份证号应为18位，实际为{}位", chars.len()),
                format!("a resident ID number has 18 characters, this one has {}", chars.len()),
            ));
        }
        for (i, &c) in chars.iter().enumerate() {
            let ok = c.is_ascii_digit() || (i == 17 && c == 'X');
            if !ok {
                let (zh, en) = if i == 17 { ("数字或 X", "a digit or X") } else { ("数字", "a digit") };
                return Err(ValueError::new(
                    format!("身份证号第{}位“{c}”无效，应为{zh}", i + 1),
                    format!("character {} of the resident ID number, “{c}”, is invalid: expected {en}", i + 1),
                ));
            }
        }
        let province: u8 = s[..2].parse().unwrap_or(0);
        if !PROVINCE_CODES.contains(&province) {
            return Err(ValueError::new(
                format!("身份证号前两位“{}”不是有效的省级行政区代码", &s[..2]),
                format!("the first two digits “{}” are not a valid province code", &s[..2]),
            ));
        }
        let date_text = &s[6..14];
        match date_of(date_text) {
            Some(d) if (1900..=2100).contains(&d.year()) => {}
            Some(_) => {
                return Err(ValueError::new(
                    format!("身份证号中的出生日期“{date_text}”不在1900年至2100年之间"),
                    format!("the birth date “{date_text}” in the resident ID number is not between 1900 and 2100"),
                ));
            }
            None => {
                return Err(ValueError::new(
                    format!("身份证号中的出生日期“{date_text}”不是有效日期"),
                    format!("the birth date “{date_text}” in the resident ID number is not a real date"),
                ));
            }
        }
        let expected = check_char(&s[..17]);
        if chars[17] != expected {
            let (hint_zh, hint_en) = if s.ends_with("000") {
                (
                    "（末三位是000，可能是 Excel 截断了精度，请把该列设为文本格式后重新填写）",
                    " (it ends in 000: Excel may have cut off its last digits; \
                     format the column as text and enter it again)",
                )
            } else {
                ("", "")
            };
            return Err(ValueError::new(
                format!("身份证号校验位错误：第18位应为“{expected}”，实际为“{}”{hint_zh}", chars[17]),
                format!(
                    "the resident ID number's check character is wrong: expected “{expected}”, found “{}”{hint_en}",
                    chars[17]
                ),
            ));
        }
        Ok(Self(s))
    }

    /// The full, normalised number (18 characters, upper-case `X`). Personal data: prefer
    /// [`masked`](Self::masked) wherever the full number is not needed.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The birth date encoded in characters 7–14.
    pub fn birth_date(&self) -> NaiveDate {
        date_of(&self.0[6..14]).expect("a parsed resident ID has a valid birth date")
    }

    /// The holder's sex: the 17th digit is odd for men, even for women.
    pub fn gender(&self) -> Gender {
        if (self.0.as_bytes()[16] - b'0') % 2 == 1 { Gender::Male } else { Gender::Female }
    }

    /// The first 3 and last 4 characters with `*` in between, e.g. `430***********1234`.
    pub fn masked(&self) -> String {
        format!("{}{}{}", &self.0[..3], "*".repeat(11), &self.0[14..])
    }

    /// The 6-digit administrative division code of the place of first registration.
    pub fn region_code(&self) -> &str {
        &self.0[..6]
    }
}

impl fmt::Display for ResidentId {
    /// The masked form, so a stray `{}` never prints the full number.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.masked())
    }
}

impl fmt::Debug for ResidentId {
    /// The masked form, so logs of a struct holding an ID never print the full number.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ResidentId({})", self.masked())
    }
}

impl FromStr for ResidentId {
    type Err = ValueError;

    fn from_str(s: &str) -> Result<Self, ValueError> {
        Self::parse(s)
    }
}

/// The GB 11643 check character of 17 ASCII digits.
fn check_char(first17: &str) -> char {
    let sum: u32 = first17.bytes().zip(WEIGHTS).map(|(b, w)| u32::from(b - b'0') * w).sum();
    CHECK_CHARS[(sum % 11) as usize]
}

/// `YYYYMMDD` (8 ASCII digits) as a date, if it is one.
fn date_of(s: &str) -> Option<NaiveDate> {
    let y = s.get(..4)?.parse().ok()?;
    let m = s.get(4..6)?.parse().ok()?;
    let d = s.get(6..8)?.parse().ok()?;
    NaiveDate::from_ymd_opt(y, m, d)
}

/// Whether `s` (upper-case) looks like Excel's scientific notation of a large number: `4.30104E+17`.
fn is_scientific_notation(s: &str) -> bool {
    let Some((mantissa, exponent)) = s.split_once('E') else { return false };
    let exponent = exponent.strip_prefix('+').unwrap_or(exponent);
    let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, "0"));
    let digits = |t: &str| !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit());
    digits(int) && digits(frac) && digits(exponent)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const STANDARD_EXAMPLE: &str = "11010519491231002X";

    fn err(s: &str) -> ValueError {
        ResidentId::parse(s).expect_err(s)
    }

    #[test]
    fn standard_example_is_valid() {
        let id = ResidentId::parse(STANDARD_EXAMPLE).unwrap();
        assert_eq!(id.as_str(), STANDARD_EXAMPLE);
        assert_eq!(id.birth_date(), NaiveDate::from_ymd_opt(1949, 12, 31).unwrap());
        assert_eq!(id.gender(), Gender::Female);
        assert_eq!(id.region_code(), "110105");
        assert_eq!(id.masked(), "110***********002X");
    }

    #[test]
    fn normalises_spaces_full_width_and_lower_x() {
        let id = ResidentId::parse("\u{3000} １１０１０５１９４９１２３１００２ｘ ").unwrap();
        assert_eq!(id.as_str(), STANDARD_EXAMPLE);
        assert_eq!(ResidentId::parse("11010519491231002x").unwrap().as_str(), STANDARD_EXAMPLE);
        assert_eq!(STANDARD_EXAMPLE.parse::<ResidentId>().unwrap().as_str(), STANDARD_EXAMPLE);
    }

    #[test]
    fn wrong_check_char_names_the_expected_one() {
        let e = err("110105194912310021");
        assert!(e.message_zh.contains("应为“X”"), "{}", e.message_zh);
        assert!(e.message_en.contains("expected “X”"), "{}", e.message_en);
        assert!(e.message_zh.contains("实际为“1”"), "{}", e.message_zh);
    }

    #[test]
    fn excel_scientific_notation_is_named() {
        for s in ["4.30104E+17", "4.30104199001011E+17", "4.30104e+17", "4E17"] {
            let e = err(s);
            assert!(e.message_zh.contains("Excel 已把身份证号变成科学计数法"), "{}", e.message_zh);
            assert!(e.message_zh.contains("请把该列设为文本格式后重新填写"), "{}", e.message_zh);
            assert!(e.message_en.contains("scientific notation"), "{}", e.message_en);
        }
        assert_eq!(
            err("4.30104E+17").message_zh,
            "Excel 已把身份证号变成科学计数法（4.30104E+17），请把该列设为文本格式后重新填写"
        );
    }

    #[test]
    fn excel_precision_loss_gets_a_hint() {
        // 430104199001011234 typed into a numeric cell comes back as 430104199001011000.
        let e = err("430104199001011000");
        assert!(e.message_zh.contains("Excel"), "{}", e.message_zh);
    }

    #[test]
    fn old_fifteen_digit_number_is_named() {
        let e = err("110105491231002");
        assert!(e.message_zh.contains("旧版15位身份证号"), "{}", e.message_zh);
        assert!(e.message_zh.contains("请换用18位"), "{}", e.message_zh);
        assert!(e.message_en.contains("15-digit"), "{}", e.message_en);
    }

    #[test]
    fn wrong_length_says_the_length_found() {
        let e = err("1101051949123100");
        assert!(e.message_zh.contains("实际为16位"), "{}", e.message_zh);
        assert!(e.message_en.contains("has 16"), "{}", e.message_en);
        assert!(err("11010519491231002X1").message_zh.contains("实际为19位"));
        assert!(err("").message_zh.contains("为空"));
        assert!(err("\u{3000}").message_zh.contains("为空"));
    }

    #[test]
    fn bad_characters_are_located() {
        let e = err("1101051949123100AX");
        assert!(e.message_zh.contains("第17位“A”"), "{}", e.message_zh);
        let e = err("11010519491231002Y");
        assert!(e.message_zh.contains("第18位“Y”"), "{}", e.message_zh);
        assert!(e.message_zh.contains("数字或 X"), "{}", e.message_zh);
        assert!(err("1101051949 231002X").message_zh.contains("第11位"));
    }

    #[test]
    fn bad_province_and_birth_date() {
        assert!(err("00010519491231002X").message_zh.contains("省级行政区"));
        assert!(err("99010519491231002X").message_zh.contains("省级行政区"));
        let with_check = |first17: &str| format!("{first17}{}", check_char(first17));
        let e = err(&with_check("11010519490230002"));
        assert!(e.message_zh.contains("出生日期“19490230”不是有效日期"), "{}", e.message_zh);
        let e = err(&with_check("11010518991231002"));
        assert!(e.message_zh.contains("1900"), "{}", e.message_zh);
        let e = err(&with_check("11010521010101002"));
        assert!(e.message_zh.contains("2100"), "{}", e.message_zh);
        assert!(ResidentId::parse(&with_check("11010519000101002")).is_ok());
        assert!(ResidentId::parse(&with_check("11010521001231002")).is_ok());
        assert!(ResidentId::parse(&with_check("11010520000229002")).is_ok());
    }

    #[test]
    fn display_and_debug_are_masked() {
        let id = ResidentId::parse(STANDARD_EXAMPLE).unwrap();
        assert_eq!(id.to_string(), "110***********002X");
        assert_eq!(id.to_string().chars().count(), 18);
        assert_eq!(format!("{id:?}"), "ResidentId(110***********002X)");
        assert!(!format!("{id:?}").contains("19491231"));
    }

    #[test]
    fn gender_labels() {
        assert_eq!(Gender::Male.label_zh(), "男");
        assert_eq!(Gender::Female.label_zh(), "女");
        assert_eq!(Gender::Male.label_en(), "male");
        assert_eq!(Gender::Female.label_en(), "female");
    }

    /// A random valid ID: (the number, its birth date, its gender).
    fn valid_id() -> impl Strategy<Value = (String, NaiveDate, Gender)> {
        let province = proptest::sample::select(PROVINCE_CODES.to_vec());
        let date = (1900i32..=2100, 1u32..=12, 1u32..=31)
            .prop_filter_map("real date", |(y, m, d)| NaiveDate::from_ymd_opt(y, m, d));
        (province, 0u32..10_000, date, 0u32..1000).prop_map(|(p, rest, date, seq)| {
            let first17 = format!("{p:02}{rest:04}{}{seq:03}", date.format("%Y%m%d"));
            let gender = if seq % 2 == 1 { Gender::Male } else { Gender::Female };
            (format!("{first17}{}", check_char(&first17)), date, gender)
        })
    }

    proptest! {
        #[test]
        fn valid_ids_parse_and_derive((s, date, gender) in valid_id()) {
            let id = ResidentId::parse(&s).unwrap();
            prop_assert_eq!(id.as_str(), s.as_str());
            prop_assert_eq!(id.birth_date(), date);
            prop_assert_eq!(id.gender(), gender);
            prop_assert_eq!(id.region_code(), &s[..6]);
            let masked = id.masked();
            prop_assert_eq!(masked.len(), 18);
            prop_assert_eq!(&masked[..3], &s[..3]);
            prop_assert_eq!(&masked[14..], &s[14..]);
        }

        #[test]
        fn changing_one_of_the_first_17_digits_fails(
            (s, _, _) in valid_id(), pos in 0usize..17, delta in 1u8..10,
        ) {
            let mut bytes = s.into_bytes();
            bytes[pos] = b'0' + (bytes[pos] - b'0' + delta) % 10;
            let changed = String::from_utf8(bytes).unwrap();
            prop_assert!(ResidentId::parse(&changed).is_err(), "{} was accepted", changed);
        }

        #[test]
        fn never_panics(s in "\\PC{0,24}") {
            let _ = ResidentId::parse(&s);
        }
    }
}
