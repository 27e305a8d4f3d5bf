//! Pointing at a spot in a text: line, column and a caret under it. Shared by every parser that
//! reports errors to people (pack files, formulas).

/// Where an offset falls in a text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    /// 1-based line.
    pub line: usize,
    /// 1-based column, in characters.
    pub column: usize,
    /// The whole line the offset is on.
    pub source_line: String,
}

impl Location {
    /// Finds the line and column of a byte offset (clamped to the text).
    pub fn of(text: &str, offset: usize) -> Self {
        let mut offset = offset.min(text.len());
        while !text.is_char_boundary(offset) {
            offset -= 1;
        }
        let before = &text[..offset];
        let line = before.matches('\n').count() + 1;
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        let column = before[line_start..].chars().count() + 1;
        let source_line = text[line_start..].lines().next().unwrap_or("").to_owned();
        Location { line, column, source_line }
    }

    /// The source line and a caret under the column, each prefixed with `  | `. A long line is
    /// cut to a window around the column (`...` where it was cut), so a 10,000-character line
    /// gives a message a person can read.
    pub fn caret(&self) -> String {
        let chars: Vec<char> = self.source_line.chars().collect();
        let at = self.column.saturating_sub(1).min(chars.len());
        let from = if chars.len() <= WINDOW { 0 } else { at.saturating_sub(WINDOW / 2) };
        let to = (from + WINDOW).min(chars.len());
        let (head, tail) = (if from > 0 { "..." } else { "" }, if to < chars.len() { "..." } else { "" });
        let shown: String = chars[from..to].iter().collect();
        let pad: usize =
            head.chars().map(width).sum::<usize>() + chars[from..at].iter().copied().map(width).sum::<usize>();
        format!("  | {head}{shown}{tail}\n  | {}^", " ".repeat(pad))
    }
}

/// Characters of a long line shown around the column.
const WINDOW: usize = 100;

/// Display width of a character (CJK takes two columns), so the caret lands under the spot.
fn width(c: char) -> usize {
    if c.is_ascii() { 1 } else { 2 }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_line_and_column_and_puts_the_caret_under_wide_characters() {
        let text = "a = 1\n女 = x";
        let l = Location::of(text, text.find('x').unwrap());
        assert_eq!((l.line, l.column), (2, 5));
        assert_eq!(l.caret(), "  | 女 = x\n  |      ^");
        assert_eq!(Location::of(text, 999).line, 2);
    }

    #[test]
    fn a_long_line_is_shown_around_the_column() {
        let text = format!("{}x{}", "(".repeat(500), ")".repeat(500));
        let l = Location::of(&text, 500);
        let caret = l.caret();
        let lines: Vec<&str> = caret.lines().collect();
        assert!(lines[0].chars().count() <= 110, "{caret}");
        assert!(lines[0].starts_with("  | ...") && lines[0].ends_with("..."));
        // The caret stands under the x.
        let col = lines[1].chars().count() - 1;
        assert_eq!(lines[0].chars().nth(col), Some('x'), "{caret}");
    }
}
