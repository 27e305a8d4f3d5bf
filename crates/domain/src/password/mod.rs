//! Password and lockout policies (defaults: ≥ 10 characters from 3 of 4 classes, none of the
//! commonly breached ones, not the user name; 5 failures within 15 minutes lock an account for 30
//! minutes). Password history and expiry are off by default and on in the MLPS profile.

mod common;

use crate::error::DomainError;
use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

/// What a password must be.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct PasswordPolicy {
    /// Minimum length in characters.
    pub min_length: usize,
    /// How many of the four classes (lower, upper, digit, other) it must use.
    pub min_classes: usize,
    /// How many earlier passwords a new one may not repeat (0: no rule).
    #[serde(default)]
    pub history: u32,
    /// Days a password lasts before its owner must change it at sign-in (0: it never expires).
    #[serde(default)]
    pub max_age_days: u32,
}

impl Default for PasswordPolicy {
    fn default() -> Self {
        Self { min_length: 10, min_classes: 3, history: 0, max_age_days: 0 }
    }
}

impl PasswordPolicy {
    /// Checks a new password against the policy.
    pub fn check(&self, password: &str) -> Result<(), DomainError> {
        let len = password.chars().count();
        let classes = [
            password.chars().any(|c| c.is_ascii_lowercase()),
            password.chars().any(|c| c.is_ascii_uppercase()),
            password.chars().any(|c| c.is_ascii_digit()),
            password.chars().any(|c| !c.is_ascii_alphanumeric()),
        ]
        .into_iter()
        .filter(|b| *b)
        .count();
        if len < self.min_length || classes < self.min_classes {
            return Err(DomainError::invalid(
                "password",
                format!(
                    "密码至少{}位,并包含大写字母、小写字母、数字、符号中的至少{}类",
                    self.min_length, self.min_classes
                ),
                format!(
                    "password needs at least {} characters from at least {} of: lower case, upper case, digits, symbols",
                    self.min_length, self.min_classes
                ),
            ));
        }
        if common::is_common(password) {
            return Err(DomainError::invalid(
                "password",
                "这个密码太常见(出现在已泄露的密码库中或由常用词加数字组成),请换一个",
                "this password is too common (found in breached password lists, or a common word with digits)",
            ));
        }
        Ok(())
    }

    /// [`PasswordPolicy::check`], and the password may not contain the user's own name.
    pub fn check_for(&self, password: &str, username: &str) -> Result<(), DomainError> {
        self.check(password)?;
        let (p, u) = (password.to_lowercase(), username.trim().to_lowercase());
        let reversed: String = u.chars().rev().collect();
        if u.chars().count() >= 3 && (p.contains(&u) || p.contains(&reversed)) {
            return Err(DomainError::invalid(
                "password",
                "密码不能包含用户名",
                "the password may not contain the user name",
            ));
        }
        Ok(())
    }

    /// Whether a password set at `changed_at` has expired by `now`.
    pub fn expired(&self, changed_at: DateTime<Utc>, now: DateTime<Utc>) -> bool {
        self.max_age_days > 0 && now - changed_at >= Duration::days(i64::from(self.max_age_days))
    }
}

/// When repeated failed logins lock an account.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct LockoutPolicy {
    /// Failures that lock the account…
    pub max_failures: u32,
    /// …when they fall within this many minutes…
    pub window_minutes: i64,
    /// …for this many minutes after the last of them.
    pub lock_minutes: i64,
}

impl Default for LockoutPolicy {
    fn default() -> Self {
        Self { max_failures: 5, window_minutes: 15, lock_minutes: 30 }
    }
}

impl LockoutPolicy {
    /// Given the recent failures (any order) and now, the instant the lock ends, if locked.
    pub fn locked_until(&self, failures: &[DateTime<Utc>], now: DateTime<Utc>) -> Option<DateTime<Utc>> {
        let mut sorted: Vec<_> = failures.iter().copied().filter(|t| *t <= now).collect();
        sorted.sort();
        let need = self.max_failures as usize;
        let window = Duration::minutes(self.window_minutes);
        // Any run of `need` failures within the window locks until `lock_minutes` after its last.
        sorted
            .windows(need.max(1))
            .filter(|w| w.len() == need && w[need - 1] - w[0] <= window)
            .map(|w| w[need - 1] + Duration::minutes(self.lock_minutes))
            .filter(|until| *until > now)
            .max()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn policy_counts_classes_and_length() {
        let p = PasswordPolicy::default();
        assert!(p.check("short1A!").is_err());
        assert!(p.check("alllowercaseletters").is_err());
        assert!(p.check("lowerUPPER12").is_ok());
        assert!(p.check("lower123!!!").is_ok());
    }

    #[test]
    fn common_passwords_and_the_user_name_are_refused() {
        let p = PasswordPolicy::default();
        for weak in [
            "P@ssw0rd123",
            "Password2026!",
            "1qaz@WSX3edc",
            "Aa123456789!",
            "Woaini1314!",
            "Admin@12345",
            "QWERTY-2026",
        ] {
            assert!(p.check(weak).is_err(), "{weak} passes");
        }
        assert!(p.check("Passw0rd-long").is_ok(), "a common word inside a longer phrase is not refused");
        assert!(p.check_for("Zhangsan-2026!", "zhangsan").is_err());
        assert!(p.check_for("Nasgnahz-2026!", "zhangsan").is_err(), "the name backwards");
        assert!(p.check_for("Harbour-lights-7", "zhangsan").is_ok());
    }

    #[test]
    fn a_password_expires_only_when_the_policy_says_so() {
        let t0 = DateTime::parse_from_rfc3339("2026-01-01T08:00:00Z").unwrap().with_timezone(&Utc);
        assert!(!PasswordPolicy::default().expired(t0, t0 + Duration::days(3650)));
        let p = PasswordPolicy { max_age_days: 90, ..PasswordPolicy::default() };
        assert!(!p.expired(t0, t0 + Duration::days(89)));
        assert!(p.expired(t0, t0 + Duration::days(90)));
    }

    #[test]
    fn five_failures_in_window_lock_for_thirty_minutes() {
        let p = LockoutPolicy::default();
        let t0 = DateTime::parse_from_rfc3339("2026-01-01T08:00:00Z").unwrap().with_timezone(&Utc);
        let fails: Vec<_> = (0..5).map(|i| t0 + Duration::minutes(i * 3)).collect();
        let last = fails[4];
        assert_eq!(p.locked_until(&fails[..4], last), None);
        assert_eq!(p.locked_until(&fails, last), Some(last + Duration::minutes(30)));
        assert_eq!(p.locked_until(&fails, last + Duration::minutes(31)), None);
        let spread: Vec<_> = (0..5).map(|i| t0 + Duration::minutes(i * 4)).collect();
        assert_eq!(p.locked_until(&spread, spread[4]), None, "16 minutes apart is outside the window");
    }
}
