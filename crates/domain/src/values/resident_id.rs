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
/// The province-level codes (first two digits) in use: mainland provinces, Taiwan, Hong Kong,
/// Macao, and 83 / 91 (residence permits for Taiwan residents and foreigners' permanent residence).
pub const PROVINCE_CODES: [u32; 35] = [
    11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46, 50, 51, 52, 53, 54, 61, 62,
    63, 64, 65, 71, 81, 82, 83, 91, 0,
][..35]
    .len()
    .pipe_province_codes();

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
