//! Protection of personal data at rest: one trait, so the cipher (AES-256-GCM today, SM4 if a
//! federation requires it) can change without touching callers.

/// Seals personal data for storage and computes keyed fingerprints for uniqueness and look-up.
pub trait Protector: Send + Sync + 'static {
    /// Encrypts `plaintext`; every call gives a different ciphertext.
    fn seal(&self, plaintext: &str) -> String;
    /// Decrypts what [`Protector::seal`] produced, or `None` if it was altered or sealed with
    /// another key.
    fn open(&self, sealed: &str) -> Option<String>;
    /// A keyed hash of a value of `field`: equal values give equal fingerprints, and nobody
    /// without the key can test a guess against it.
    fn fingerprint(&self, field: &str, value: &str) -> String;
}

/// Masks personal data for display: keeps the first 3 and last 4 characters of long values.
pub fn mask(value: &str) -> String {
    let chars: Vec<char> = value.chars().collect();
    match chars.len() {
        0 => String::new(),
        n if n <= 4 => "*".repeat(n),
        n if n <= 8 => format!("{}{}", chars[0], "*".repeat(n - 1)),
        n => format!(
            "{}{}{}",
            chars[..3].iter().collect::<String>(),
            "*".repeat(n - 7),
            chars[n - 4..].iter().collect::<String>()
        ),
    }
}

/// The text with every run that could be a resident ID number (15 or 18 characters: digits, the
/// last of 18 possibly `X`, not inside a longer word) masked, for messages that quote what a
/// caller sent (e.g. a malformed request's parse error).
pub fn mask_id_numbers(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < chars.len() {
        let starts_word = i == 0 || !chars[i - 1].is_ascii_alphanumeric();
        if starts_word && chars[i].is_ascii_digit() {
            let mut j = i;
            while j < chars.len() && chars[j].is_ascii_digit() {
                j += 1;
            }
            if j < chars.len() && matches!(chars[j], 'X' | 'x') && j - i == 17 {
                j += 1;
            }
            let ends_word = j == chars.len() || !chars[j].is_ascii_alphanumeric();
            let run: String = chars[i..j].iter().collect();
            if ends_word && (run.len() == 15 || run.len() == 18) {
                out.push_str(&mask(&run));
            } else {
                out.push_str(&run);
            }
            i = j;
            continue;
        }
        out.push(chars[i]);
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::{mask, mask_id_numbers};

    #[test]
    fn id_numbers_in_messages_are_masked() {
        assert_eq!(
            mask_id_numbers("cannot parse `43040219800101123X` to i64"),
            "cannot parse `430***********123X` to i64"
        );
        assert_eq!(
            mask_id_numbers("id 43040219800101123 and 12345"),
            "id 43040219800101123 and 12345",
            "17 digits: no ID"
        );
        assert_eq!(mask_id_numbers("x430402198001011234"), "x430402198001011234", "inside a word");
        assert_eq!(mask_id_numbers("旧号430402800101123"), "旧号430********1123", "15-digit IDs too");
    }

    #[test]
    fn masks_keep_little() {
        assert_eq!(mask("430104199001011234"), "430***********1234");
        assert_eq!(mask("张三"), "**");
        assert_eq!(mask("3500.00"), "3******");
    }
}
