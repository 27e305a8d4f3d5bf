//! Typed field values and their parsers: resident ID numbers, unified social credit codes, phone
//! numbers, dates, money, fixed-point decimals, yes/no and text. Each parser takes text the way
//! people type it or spreadsheets export it, and either returns a normalised value or a
//! [`ValueError`] that says in Chinese and English what is wrong and how to fix it. All pure.

pub mod boolean;
pub mod credit_code;
pub mod date;
pub mod decimal;
pub mod error;
pub mod money;
pub mod phone;
pub mod resident_id;
pub mod text;

pub use boolean::parse_bool;
pub use credit_code::CreditCode;
pub use date::{LAST_SERIAL_YEAR, date_from_excel_serial, date_from_number, parse_date, parse_month};
pub use decimal::{decimal_from_f64, format_decimal, parse_decimal};
pub use error::ValueError;
pub use money::{format_money, money_from_f64, parse_money};
pub use phone::{Phone, PhoneKind};
pub use resident_id::{Gender, ResidentId};
pub use text::{normalise_text, to_half_width};
