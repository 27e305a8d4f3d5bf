//! Time-based one-time passwords (RFC 6238 with the defaults every authenticator app uses:
//! HMAC-SHA-1, 30-second steps, 6 digits) for the second factor at sign-in.

use hmac::{Hmac, Mac};
use rand::Rng;
use sha1::Sha1;

/// Seconds per time step.
const STEP: i64 = 30;
/// Steps either side of now a code is accepted for (clock drift between server and phone).
const DRIFT: i64 = 1;
const ALPHABET: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/// A new random 160-bit secret, as base32 (what authenticator apps take).
pub fn new_secret() -> String {
    base32(&rand::rng().random::<[u8; 20]>())
}

/// RFC 4648 base32 without padding.
fn base32(bytes: &[u8]) -> String {
    let (mut out, mut buf, mut bits) = (String::new(), 0u32, 0u32);
    for &b in bytes {
        buf = (buf << 8) | u32::from(b);
        bits += 8;
        while bits >= 5 {
            bits -= 5;
            out.push(ALPHABET[((buf >> bits) & 31) as usize] as char);
        }
    }
    if bits > 0 {
        out.push(ALPHABET[((buf << (5 - bits)) & 31) as usize] as char);
    }
    out
}

/// Decodes base32 (any case, spaces ignored); `None` for another character.
fn unbase32(s: &str) -> Option<Vec<u8>> {
    let (mut out, mut buf, mut bits) = (Vec::new(), 0u32, 0u32);
    for c in s.chars().filter(|c| !c.is_whitespace() && *c != '=') {
        let v = ALPHABET.iter().position(|a| *a as char == c.to_ascii_uppercase())? as u32;
        buf = (buf << 5) | v;
        bits += 5;
        if bits >= 8 {
            bits -= 8;
            out.push((buf >> bits) as u8);
        }
    }
    Some(out)
}

/// The code for `step` (HOTP, RFC 4226, with dynamic truncation), `digits` long.
fn code_at(secret: &[u8], step: i64, digits: u32) -> u32 {
    let mut mac = <Hmac<Sha1> as Mac>::new_from_slice(secret).unwrap_or_else(|_| unreachable!("any key length"));
    mac.update(&step.to_be_bytes());
    let h = mac.finalize().into_bytes();
    let o = (h[19] & 0x0f) as usize;
    let n = u32::from_be_bytes([h[o] & 0x7f, h[o + 1], h[o + 2], h[o + 3]]);
    n % 10u32.pow(digits)
}

/// The 6-digit code an authenticator app shows at `unix` seconds for `secret_b32` (what tests
/// and tools type in place of a phone).
pub fn code_at_time(secret_b32: &str, unix: i64) -> Option<String> {
    Some(format!("{:06}", code_at(&unbase32(secret_b32)?, unix.div_euclid(STEP), 6)))
}

/// The time step accepted for `code` at `unix` seconds, if the code is right for a step within
/// the drift and later than `last_step` (each code works once).
pub fn accept(secret_b32: &str, code: &str, unix: i64, last_step: Option<i64>) -> Option<i64> {
    let code = code.trim();
    if code.len() != 6 || !code.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let want: u32 = code.parse().ok()?;
    let secret = unbase32(secret_b32)?;
    let now = unix.div_euclid(STEP);
    (now - DRIFT..=now + DRIFT).filter(|s| last_step.is_none_or(|l| *s > l)).find(|s| code_at(&secret, *s, 6) == want)
}

/// The `otpauth://` address an authenticator app reads from a QR code.
pub fn otpauth_uri(issuer: &str, account: &str, secret_b32: &str) -> String {
    let enc = |s: &str| -> String {
        s.bytes()
            .map(|b| match b {
                b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => (b as char).to_string(),
                _ => format!("%{b:02X}"),
            })
            .collect()
    };
    format!("otpauth://totp/{}:{}?secret={secret_b32}&issuer={}", enc(issuer), enc(account), enc(issuer))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 6238 appendix B, SHA-1 rows (8 digits there; the last 6 are the 6-digit code).
    #[test]
    fn rfc_6238_test_vectors() {
        let secret = b"12345678901234567890";
        for (t, want) in [(59, 94287082), (1111111109, 7081804), (1111111111, 14050471), (1234567890, 89005924)] {
            assert_eq!(code_at(secret, t / 30, 8), want, "T = {t}");
        }
        let b32 = base32(secret);
        assert_eq!(b32, "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
        assert_eq!(unbase32(&b32.to_lowercase()).unwrap(), secret);
        assert_eq!(accept(&b32, "287082", 59, None), Some(1));
        assert_eq!(accept(&b32, "287082", 59 + 30, None), Some(1), "one step of drift");
        assert_eq!(accept(&b32, "287082", 59 + 90, None), None, "three steps late");
        assert_eq!(accept(&b32, "287082", 59, Some(1)), None, "a code works once");
        assert_eq!(accept(&b32, "28708", 59, None), None);
        assert_eq!(accept(&b32, "28708x", 59, None), None);
    }

    #[test]
    fn secrets_are_160_bits_of_base32() {
        let s = new_secret();
        assert_eq!(s.len(), 32);
        assert_eq!(unbase32(&s).unwrap().len(), 20);
        assert_ne!(s, new_secret());
        assert_eq!(
            otpauth_uri("考核", "li.si", "ABC"),
            "otpauth://totp/%E8%80%83%E6%A0%B8:li.si?secret=ABC&issuer=%E8%80%83%E6%A0%B8"
        );
    }
}
