//! Limits on a template's shape, checked before the template engine parses it: templates are
//! written by federations, and nesting past any sane depth (brackets in an expression, `not`
//! after `not`, operators chained by the thousand, blocks inside blocks) would exhaust the stack
//! of the engine's parser or renderer. Each problem is reported at its line and column.

/// Deepest bracket nesting (`(`, `[`, `{`) inside one tag.
pub const MAX_BRACKETS: usize = 40;
/// Most `not` and operators in one tag (each makes the parsed expression one level deeper).
pub const MAX_OPERATORS: usize = 100;
/// Deepest nesting of blocks (`if`, `for`, `macro`, `call`, `filter`, `with`, `block`).
pub const MAX_BLOCKS: usize = 40;

const OPENERS: [&str; 9] = ["if", "for", "macro", "call", "filter", "with", "block", "autoescape", "raw"];

/// The first shape problem: its byte offset and what it is (Chinese, English).
pub fn check_shape(source: &str) -> Option<(usize, String, String)> {
    let bytes = source.as_bytes();
    let mut blocks = 0usize;
    let mut i = 0;
    while i + 1 < bytes.len() {
        let (open, close) = match &bytes[i..i + 2] {
            b"{{" => ("{{", "}}"),
            b"{%" => ("{%", "%}"),
            b"{#" => {
                i = source[i..].find("#}").map_or(bytes.len(), |e| i + e + 2);
                continue;
            }
            _ => {
                i += 1;
                continue;
            }
        };
        let start = i + open.len();
        let end = source[start..].find(close).map_or(bytes.len(), |e| start + e);
        if let Some(problem) = tag(source, start, end) {
            return Some(problem);
        }
        if open == "{%" {
            let word: String = source[start..end]
                .trim_start_matches(['-', '+', ' ', '\t', '\n', '\r'])
                .chars()
                .take_while(|c| c.is_ascii_alphabetic())
                .collect();
            let block_set = word == "set" && !source[start..end].contains('=');
            if OPENERS.contains(&word.as_str()) || block_set {
                blocks += 1;
                if blocks > MAX_BLOCKS {
                    return Some((
                        i,
                        format!("模板的块嵌套过深:最多{MAX_BLOCKS}层"),
                        format!("blocks nest too deep: at most {MAX_BLOCKS} levels"),
                    ));
                }
            } else if word.starts_with("end") {
                blocks = blocks.saturating_sub(1);
            }
        }
        i = end + close.len();
    }
    None
}

/// One tag's expression: brackets and operators counted outside string literals.
fn tag(source: &str, start: usize, end: usize) -> Option<(usize, String, String)> {
    let text = &source[start..end];
    let (mut depth, mut operators, mut quote) = (0usize, 0usize, None::<char>);
    let mut prev_word = String::new();
    let mut chars = text.char_indices().peekable();
    while let Some((k, c)) = chars.next() {
        if let Some(q) = quote {
            if c == '\\' {
                chars.next();
            } else if c == q {
                quote = None;
            }
            continue;
        }
        match c {
            '"' | '\'' => quote = Some(c),
            '(' | '[' | '{' => {
                depth += 1;
                if depth > MAX_BRACKETS {
                    return Some((
                        start + k,
                        format!("表达式括号嵌套过深:最多{MAX_BRACKETS}层"),
                        format!("brackets nest too deep in an expression: at most {MAX_BRACKETS} levels"),
                    ));
                }
            }
            ')' | ']' | '}' => depth = depth.saturating_sub(1),
            '+' | '-' | '*' | '/' | '~' | '<' | '>' | '=' | '!' | '|' | '%' => operators += 1,
            _ => {}
        }
        if c.is_ascii_alphabetic() || c == '_' {
            prev_word.push(c);
        } else if !prev_word.is_empty() {
            if matches!(prev_word.as_str(), "not" | "and" | "or" | "in" | "is") {
                operators += 1;
            }
            prev_word.clear();
        }
        if operators > MAX_OPERATORS {
            return Some((
                start + k,
                format!("表达式过长:运算符与 not 最多{MAX_OPERATORS}个"),
                format!("the expression is too long: at most {MAX_OPERATORS} operators and nots"),
            ));
        }
    }
    None
}
