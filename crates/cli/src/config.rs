//! Configuration, layered with figment: defaults < `kaohe.toml` < `KAOHE_*` environment < flags.

use figment::Figment;
use figment::providers::{Env, Format, Serialized, Toml};
use serde::{Deserialize, Serialize};
use std::path::PathBuf;

/// The effective configuration.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Config {
    /// Folder for the SQLite file, key files and uploads.
    pub data_dir: PathBuf,
    /// `sqlite://…` or `postgres://…`; empty means the SQLite file in the data folder.
    pub database_url: String,
    /// Address `kaohe serve` listens on.
    pub bind: String,
    pub session: SessionConfig,
    pub password: PasswordConfig,
    pub lockout: LockoutConfig,
    #[serde(default = "default_accounts")]
    pub accounts: AccountConfig,
    /// Take the client's address from `X-Forwarded-For` (only behind a proxy that sets it).
    pub trust_forwarded_for: bool,
    /// The proxies in front (addresses); empty: the connection's peer is the one proxy. The
    /// client is the right-most `X-Forwarded-For` entry that is not one of them.
    #[serde(default)]
    pub trusted_proxies: Vec<std::net::IpAddr>,
    pub audit: AuditConfig,
    pub eval: EvalConfig,
    /// The federation's time zone as an offset from UTC (`+08:00`, China Standard Time, by
    /// default): what "today" is, and when a deadline day ends.
    #[serde(default = "default_time_zone")]
    pub time_zone: String,
}

fn default_time_zone() -> String {
    "+08:00".into()
}

/// Limits on evaluations the web app runs for users (their formulas, their scopes).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct EvalConfig {
    /// Seconds a request's evaluation may run before it is stopped (503).
    pub deadline_seconds: u64,
    /// Row-steps a request's evaluation may take (a record read, times the steps of its
    /// condition) before it is refused (422).
    pub max_cost: u64,
    /// Seconds a background job's evaluation (全域测算) may run.
    pub job_deadline_seconds: u64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AuditConfig {
    /// Days audit rows are kept: 0 (the default) keeps every row; otherwise at least 183 (six
    /// months), and older rows are purged daily by `kaohe serve` and by `kaohe audit purge`.
    pub retention_days: u32,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SessionConfig {
    pub idle_minutes: i64,
    pub absolute_hours: i64,
    /// Send cookies only over HTTPS (set when behind a TLS proxy).
    pub secure_cookies: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PasswordConfig {
    pub min_length: usize,
    pub min_classes: usize,
    /// Earlier passwords a new one may not repeat (0: no rule; the MLPS profile: 5).
    #[serde(default)]
    pub history: u32,
    /// Days before a password must be changed at sign-in (0: never; the MLPS profile: 90).
    #[serde(default)]
    pub max_age_days: u32,
}

/// Accounts: API token lifetime and the second factor.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AccountConfig {
    /// Days an API token works after it is issued (0: until revoked).
    pub token_days: u32,
    /// Administrators must sign in with a TOTP code (off by default; the MLPS profile: on).
    pub admin_second_factor: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct LockoutConfig {
    pub max_failures: u32,
    pub window_minutes: i64,
    pub lock_minutes: i64,
    /// Failed sign-ins allowed from one address per window (any user names) before it waits.
    pub ip_max_failures: u32,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            data_dir: PathBuf::from("./kaohe-data"),
            database_url: String::new(),
            bind: "127.0.0.1:8080".into(),
            session: SessionConfig { idle_minutes: 30, absolute_hours: 12, secure_cookies: false },
            password: PasswordConfig { min_length: 10, min_classes: 3, history: 0, max_age_days: 0 },
            accounts: default_accounts(),
            lockout: LockoutConfig { max_failures: 5, window_minutes: 15, lock_minutes: 30, ip_max_failures: 20 },
            trust_forwarded_for: false,
            trusted_proxies: Vec::new(),
            audit: AuditConfig { retention_days: 0 },
            time_zone: default_time_zone(),
            eval: EvalConfig {
                deadline_seconds: secs(kaohe_web::REQUEST_EVAL_LIMITS.deadline),
                max_cost: kaohe_web::REQUEST_EVAL_LIMITS.max_cost,
                job_deadline_seconds: secs(kaohe_web::JOB_EVAL_LIMITS.deadline),
            },
        }
    }
}

fn default_accounts() -> AccountConfig {
    AccountConfig { token_days: 90, admin_second_factor: false }
}

fn secs(d: Option<std::time::Duration>) -> u64 {
    d.map_or(0, |d| d.as_secs())
}

/// Flags that override the configuration (only those given).
#[derive(Debug, Default, Serialize)]
pub struct Overrides {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub database_url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub data_dir: Option<PathBuf>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bind: Option<String>,
}

impl Config {
    /// Loads the layers. `file` defaults to `kaohe.toml` in the working folder.
    pub fn load(file: Option<&std::path::Path>, overrides: &Overrides) -> anyhow::Result<Self> {
        let file = file.map(PathBuf::from).unwrap_or_else(|| PathBuf::from("kaohe.toml"));
        let mut cfg: Config = Figment::from(Serialized::defaults(Config::default()))
            .merge(Toml::file(&file))
            .merge(Env::prefixed("KAOHE_").split("__"))
            .merge(Serialized::defaults(overrides))
            .extract()
            .map_err(|e| anyhow::anyhow!("configuration error: {e}"))?;
        if cfg.audit.retention_days != 0 && cfg.audit.retention_days < kaohe_store::MIN_AUDIT_RETENTION_DAYS {
            anyhow::bail!(
                "configuration error: audit.retention_days = {} — 审计记录至少保存{}天(六个月) / audit rows must be kept at least {} days (six months)",
                cfg.audit.retention_days,
                kaohe_store::MIN_AUDIT_RETENTION_DAYS,
                kaohe_store::MIN_AUDIT_RETENTION_DAYS
            );
        }
        if cfg.database_url.is_empty() {
            cfg.database_url = format!("sqlite://{}?mode=rwc", cfg.data_dir.join("kaohe.db").display());
        }
        Ok(cfg)
    }

    /// The configuration as TOML with secrets hidden, for `kaohe config show`.
    pub fn show(&self) -> String {
        let mut shown = self.clone();
        shown.database_url = kaohe_store::redact_url(&self.database_url);
        toml::to_string_pretty(&shown).unwrap_or_default()
    }

    /// The federation's time zone.
    pub fn time_zone(&self) -> anyhow::Result<chrono::FixedOffset> {
        self.time_zone.trim().parse().map_err(|_| {
            anyhow::anyhow!(
                "configuration error: time_zone = {:?} — 时区须写作与UTC的时差,如 +08:00 / write the time zone as an offset from UTC, e.g. +08:00",
                self.time_zone
            )
        })
    }

    /// The store's security policy from this configuration.
    pub fn security(&self) -> kaohe_store::SecurityPolicy {
        kaohe_store::SecurityPolicy {
            password: kaohe_domain::password::PasswordPolicy {
                min_length: self.password.min_length,
                min_classes: self.password.min_classes,
                history: self.password.history,
                max_age_days: self.password.max_age_days,
            },
            lockout: kaohe_domain::password::LockoutPolicy {
                max_failures: self.lockout.max_failures,
                window_minutes: self.lockout.window_minutes,
                lock_minutes: self.lockout.lock_minutes,
            },
            token_days: self.accounts.token_days,
            admin_second_factor: self.accounts.admin_second_factor,
        }
    }

    /// The web layer's settings.
    pub fn web(&self) -> kaohe_web::WebConfig {
        kaohe_web::WebConfig {
            idle_minutes: self.session.idle_minutes,
            absolute_hours: self.session.absolute_hours,
            secure_cookies: self.session.secure_cookies,
            login_ip_max_failures: self.lockout.ip_max_failures,
            login_ip_window_minutes: self.lockout.window_minutes,
            proxies: kaohe_web::ProxyTrust { enabled: self.trust_forwarded_for, proxies: self.trusted_proxies.clone() },
            eval: kaohe_store::EvalLimits {
                deadline: Some(std::time::Duration::from_secs(self.eval.deadline_seconds.max(1))),
                max_cost: self.eval.max_cost,
            },
            job_eval: kaohe_store::EvalLimits {
                deadline: Some(std::time::Duration::from_secs(self.eval.job_deadline_seconds.max(1))),
                max_cost: u64::MAX,
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    #[allow(clippy::result_large_err)] // figment's Jail dictates the closure's error type
    fn layers_apply_in_order_and_secrets_are_hidden() {
        figment::Jail::expect_with(|jail| {
            jail.create_file("kaohe.toml", "bind = \"0.0.0.0:1\"\n[session]\nidle_minutes = 5\n")?;
            jail.set_env("KAOHE_BIND", "0.0.0.0:2");
            jail.set_env("KAOHE_SESSION__ABSOLUTE_HOURS", "3");
            let cfg = Config::load(None, &Overrides::default()).unwrap();
            assert_eq!(cfg.bind, "0.0.0.0:2", "environment beats file");
            assert_eq!(cfg.session.idle_minutes, 5, "file beats defaults");
            assert_eq!(cfg.session.absolute_hours, 3);
            assert!(cfg.database_url.starts_with("sqlite://"));
            let o = Overrides {
                bind: Some("0.0.0.0:3".into()),
                database_url: Some("postgres://u:pw@h/db".into()),
                ..Default::default()
            };
            let cfg = Config::load(None, &o).unwrap();
            assert_eq!(cfg.bind, "0.0.0.0:3", "flags beat environment");
            assert!(!cfg.show().contains("pw@"), "{}", cfg.show());
            jail.set_env("KAOHE_AUDIT__RETENTION_DAYS", "90");
            let err = Config::load(None, &Overrides::default()).unwrap_err().to_string();
            assert!(err.contains("at least 183 days"), "{err}");
            jail.set_env("KAOHE_AUDIT__RETENTION_DAYS", "0");
            assert_eq!(Config::load(None, &Overrides::default()).unwrap().audit.retention_days, 0, "0 keeps every row");
            Ok(())
        });
    }

    #[test]
    #[allow(clippy::result_large_err)]
    fn the_mlps_profile_turns_on_history_expiry_and_the_second_factor() {
        let defaults = Config::default().security();
        assert_eq!((defaults.password.history, defaults.password.max_age_days), (0, 0), "off by default");
        assert!(!defaults.admin_second_factor);
        assert_eq!(defaults.token_days, 90);
        figment::Jail::expect_with(|jail| {
            jail.create_file("kaohe.toml", include_str!("../../../docs/profiles/mlps-level2.toml"))?;
            let cfg = Config::load(None, &Overrides::default()).unwrap();
            let p = cfg.security();
            assert_eq!((p.password.history, p.password.max_age_days), (5, 90));
            assert!(p.admin_second_factor);
            assert_eq!(p.token_days, 90);
            assert_eq!(cfg.audit.retention_days, 183);
            assert!(cfg.session.secure_cookies);
            Ok(())
        });
    }
}
