//! Yes/no answers as forms and spreadsheets carry them: 是/否, 有/无, Y/N, yes/no, true/false,
//! 1/0, √/×, ✓.

use super::error::ValueError;
use super::text::clean;

/// Parses a yes/no answer, case-insensitively and ignoring surrounding spaces. Accepted for yes:
/// 是, 有, 对, Y, yes, T, true, 1 (or 1.0 from a numeric cell), √, ✓, ✔; for no: 否, 无, 没有, 不是, N, no,
/// F, false, 0 (0.0), ×, ✗, ✘.
pub fn parse_bool(s: &str) -> Result<bool, ValueError> {
    let t = clean(s).to_lowercase();
    match t.as_str() {
        "是" | "有" | "对" | "y" | "yes" | "t" | "true" | "1" | "1.0" | "√" | "✓" | "✔" => Ok(true),
        "否" | "无" | "没有" | "不是" | "n" | "no" | "f" | "false" | "0" | "0.0" | "×" | "✗" | "✘" => {
            Ok(false)
        }
        "" => {
            Err(ValueError::new("是否项为空，请填写“是”或“否”", "the yes/no value is empty; enter 是 (yes) or 否 (no)"))
        }
        _ => Err(ValueError::new(
            format!("无法识别“{}”，请填写“是”或“否”", clean(s)),
            format!("“{}” is not a yes/no value; enter 是 (yes) or 否 (no)", clean(s)),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_every_listed_form() {
        for s in
            ["是", "有", "Y", "y", "yes", "YES", "Yes", "true", "TRUE", "1", "√", "✓", "✔", " 是\u{3000}", "Ｙ", "１"]
        {
            assert_eq!(parse_bool(s), Ok(true), "{s:?}");
        }
        for s in ["否", "无", "N", "n", "no", "NO", "false", "False", "0", "×", "✗", "\t否 ", "Ｎ", "０"] {
            assert_eq!(parse_bool(s), Ok(false), "{s:?}");
        }
    }

    #[test]
    fn refuses_everything_else() {
        for s in ["", " ", "maybe", "2", "是否", "x", "X", "yes no"] {
            assert!(parse_bool(s).is_err(), "{s:?} accepted");
        }
        assert!(parse_bool("").unwrap_err().message_zh.contains("为空"));
        assert!(parse_bool(" maybe ").unwrap_err().message_zh.contains("无法识别“maybe”"));
    }
}
