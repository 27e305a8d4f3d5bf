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

#[cfg(test)]
mod tests {
    use super::mask;

    #[test]
    fn masks_keep_little() {
        assert_eq!(mask("430104199001011234"), "430***********1234");
        assert_eq!(mask("张三"), "**");
        assert_eq!(mask("3500.00"), "3******");
    }
}
