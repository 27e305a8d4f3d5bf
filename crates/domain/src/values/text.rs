//! Text clean-up shared by every parser: trimming the spaces people paste from Word and Excel
//! (including the full-width space U+3000) and folding full-width ASCII (`１２３ＡＢＣ`) to half-width.

/// Whether `c` counts as blank: Unicode white space (ASCII spaces, tabs, U+3000, no-break space…)
/// plus the invisible zero-width space and byte-order mark that pasted text often carries.
pub fn is_blank(c: char) -> bool {
    c.is_whitespace() || c == '\u{200B}' || c == '\u{FEFF}'
}

/// `s` without leading and trailing blanks (see [`is_blank`]).
pub fn trim_blank(s: &str) -> &str {
    s.trim_matches(is_blank)
}

/// Trims blanks and collapses every internal run of blanks to one ASCII space. Full-width
/// characters are left alone: converting them is the caller's choice ([`to_half_width`]).
pub fn normalise_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut pending_space = false;
    for c in trim_blank(s).chars() {
        if is_blank(c) {
            pending_space = true;
        } else {
            if pending_space {
                out.push(' ');
                pending_space = false;
            }
            out.push(c);
        }
    }
    out
}

/// Folds the full-width ASCII block (U+FF01–U+FF5E: `０-９`, `Ａ-Ｚ`, `ａ-ｚ`, `－`, `．`, `／`, `，`…)
/// to its half-width twin and the ideographic space U+3000 to an ASCII space; everything else
/// (Chinese characters, `￥`, `、`, `。`) is kept as it is.
pub fn to_half_width(s: &str) -> String {
    s.chars().map(half_width_char).collect()
}

/// One character of [`to_half_width`].
pub fn half_width_char(c: char) -> char {
    match c {
        '\u{3000}' => ' ',
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        _ => c,
    }
}

/// Trimmed and folded to half-width: the common first step of the value parsers.
pub(crate) fn clean(s: &str) -> String {
    to_half_width(trim_blank(s))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trims_ascii_and_full_width_spaces() {
        assert_eq!(normalise_text("\u{3000} 市总工会\t\u{3000}"), "市总工会");
        assert_eq!(normalise_text("\u{FEFF}abc\u{200B}"), "abc");
        assert_eq!(normalise_text(""), "");
        assert_eq!(normalise_text(" \u{3000} "), "");
    }

    #[test]
    fn collapses_internal_runs() {
        assert_eq!(normalise_text("湘潭市  总工会\u{3000}\u{3000}组织部\n\n办公室"), "湘潭市 总工会 组织部 办公室");
    }

    #[test]
    fn normalise_keeps_full_width() {
        assert_eq!(normalise_text("ＡＢＣ１２３"), "ＡＢＣ１２３");
    }

    #[test]
    fn half_width_folds_ascii_block_only() {
        assert_eq!(to_half_width("１２３ＡＢＣａｂｃ"), "123ABCabc");
        assert_eq!(to_half_width("２００９－０３－０５"), "2009-03-05");
        assert_eq!(to_half_width("１，２３４．５６"), "1,234.56");
        assert_eq!(to_half_width("工会\u{3000}￥、。"), "工会 ￥、。");
        assert_eq!(to_half_width("～！"), "~!");
    }

    #[test]
    fn clean_trims_then_folds() {
        assert_eq!(clean("\u{3000}１２\u{3000}"), "12");
    }
}
