//! AES-256-GCM sealing and HMAC-SHA256 fingerprints for personal data, with the master key from
//! `KAOHE_MASTER_KEY` (64 hex digits) or a key file in the data folder (created with mode 0600).

use aes_gcm::aead::{Aead, KeyInit};
use aes_gcm::{Aes256Gcm, Nonce};
use base64::Engine;
use base64::engine::general_purpose::STANDARD_NO_PAD as B64;
use hmac::{Hmac, Mac};
use kaohe_domain::protect::Protector;
use rand::Rng;
use sha2::{Digest, Sha256};
use std::path::Path;

/// Prefix of sealed values, naming the scheme so it can change later.
const SCHEME: &str = "g1:";

/// The AES-256-GCM protector.
pub struct AesProtector {
    cipher: Aes256Gcm,
    mac_key: [u8; 32],
    backup_key: [u8; 32],
}

impl std::fmt::Debug for AesProtector {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("AesProtector(..)")
    }
}

impl AesProtector {
    /// A protector from a 32-byte master key; the cipher and MAC keys are derived from it.
    pub fn new(master: &[u8; 32]) -> Self {
        let derive =
            |label: &[u8]| -> [u8; 32] { Sha256::new().chain_update(label).chain_update(master).finalize().into() };
        let enc = derive(b"kaohe/enc/v1");
        Self {
            cipher: Aes256Gcm::new(&enc.into()),
            mac_key: derive(b"kaohe/mac/v1"),
            backup_key: derive(b"kaohe/backup/v1"),
        }
    }

    /// The key that signs backups (so a restore can tell an altered backup, or one made under
    /// another master key).
    pub fn backup_key(&self) -> crate::BackupKey {
        crate::BackupKey(self.backup_key)
    }

    /// Loads the master key: `KAOHE_MASTER_KEY` if set, else `master.key` in `data_dir`, which is
    /// created (random, mode 0600) on first use.
    pub fn load(data_dir: &Path) -> std::io::Result<Self> {
        let hex_key = match std::env::var("KAOHE_MASTER_KEY") {
            Ok(k) if !k.trim().is_empty() => k,
            _ => {
                let path = data_dir.join("master.key");
                if !path.exists() {
                    std::fs::create_dir_all(data_dir)?;
                    let key: [u8; 32] = rand::rng().random();
                    write_private(&path, &hex::encode(key))?;
                }
                std::fs::read_to_string(&path)?
            }
        };
        let bytes = hex::decode(hex_key.trim()).ok().filter(|b| b.len() == 32).ok_or_else(|| {
            std::io::Error::new(std::io::ErrorKind::InvalidData, "the master key must be 64 hex digits (32 bytes)")
        })?;
        let mut key = [0u8; 32];
        key.copy_from_slice(&bytes);
        Ok(Self::new(&key))
    }
}

#[cfg(unix)]
fn write_private(path: &Path, text: &str) -> std::io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut f = std::fs::OpenOptions::new().write(true).create_new(true).mode(0o600).open(path)?;
    f.write_all(text.as_bytes())
}

#[cfg(not(unix))]
fn write_private(path: &Path, text: &str) -> std::io::Result<()> {
    std::fs::write(path, text)
}

impl Protector for AesProtector {
    fn seal(&self, plaintext: &str) -> String {
        let nonce: [u8; 12] = rand::rng().random();
        // Encryption with a valid key and a 12-byte nonce cannot fail.
        let ct = self.cipher.encrypt(Nonce::from_slice(&nonce), plaintext.as_bytes()).unwrap_or_default();
        let mut out = Vec::with_capacity(12 + ct.len());
        out.extend_from_slice(&nonce);
        out.extend_from_slice(&ct);
        format!("{SCHEME}{}", B64.encode(out))
    }

    fn open(&self, sealed: &str) -> Option<String> {
        let raw = B64.decode(sealed.strip_prefix(SCHEME)?).ok()?;
        if raw.len() < 12 {
            return None;
        }
        let (nonce, ct) = raw.split_at(12);
        String::from_utf8(self.cipher.decrypt(Nonce::from_slice(nonce), ct).ok()?).ok()
    }

    fn fingerprint(&self, field: &str, value: &str) -> String {
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&self.mac_key)
            .unwrap_or_else(|_| unreachable!("any key length works"));
        mac.update(field.as_bytes());
        mac.update(&[0x1f]);
        mac.update(value.as_bytes());
        hex::encode(&mac.finalize().into_bytes()[..16])
    }
}

/// The protector of a store with no pack installed: it holds no personal data, so sealing is
/// refused loudly rather than done with a missing key.
#[derive(Debug)]
pub struct Unkeyed;

impl Protector for Unkeyed {
    fn seal(&self, _: &str) -> String {
        panic!("no protector installed: Store::install must run before personal data is written")
    }
    fn open(&self, _: &str) -> Option<String> {
        None
    }
    fn fingerprint(&self, _: &str, _: &str) -> String {
        panic!("no protector installed: Store::install must run before personal data is written")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seal_open_and_fingerprint() {
        let p = AesProtector::new(&[7u8; 32]);
        let id = "11010519491231002X";
        let a = p.seal(id);
        let b = p.seal(id);
        assert_ne!(a, b, "fresh nonce each time");
        assert!(!a.contains("1101051949"));
        assert_eq!(p.open(&a).as_deref(), Some(id));
        let mut tampered = a.clone().into_bytes();
        let last = tampered.len() - 2;
        tampered[last] = if tampered[last] == b'A' { b'B' } else { b'A' };
        assert_eq!(p.open(std::str::from_utf8(&tampered).unwrap()), None, "altered ciphertext is refused");
        assert_eq!(AesProtector::new(&[8u8; 32]).open(&a), None, "another key cannot open it");
        assert_eq!(p.fingerprint("id_number", id), p.fingerprint("id_number", id));
        assert_ne!(p.fingerprint("id_number", id), p.fingerprint("other", id));
    }

    #[test]
    fn key_file_is_created_private_and_reused() {
        let dir = std::env::temp_dir().join(format!("kaohe-key-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let p1 = AesProtector::load(&dir).unwrap();
        let p2 = AesProtector::load(&dir).unwrap();
        assert_eq!(p2.open(&p1.seal("x")).as_deref(), Some("x"));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(dir.join("master.key")).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }
}
