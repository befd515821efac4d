//! The relay's Ed25519 signing key: created on first run (mode 0600), or read from the file;
//! and the keys it signed with before (`retired.rs`: their public halves, in a file beside the
//! key, published by `/api/v1/keys` so old share links still verify); `rotate.rs` is
//! `rdpcheck-relay keys rotate`, which retires the current key and makes a new one.

use std::io::Write;
use std::path::Path;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use ed25519_dalek::{Signer, SigningKey};
use sha2::{Digest, Sha256};

mod retired;
mod rotate;

#[cfg(test)]
mod tests;

pub use retired::load as load_retired;
pub use retired::{retired_path, RetiredKey};
pub use rotate::{rotate, run_cli, Rotated};

pub struct RelayKey {
    key: SigningKey,
    pub key_id: String,
}

impl RelayKey {
    pub fn load_or_create(path: &Path) -> Result<RelayKey, String> {
        let seed = match std::fs::read_to_string(path) {
            Ok(text) => {
                let bytes = URL_SAFE_NO_PAD
                    .decode(text.trim())
                    .map_err(|_| format!("{}: not a base64url key", path.display()))?;
                <[u8; 32]>::try_from(bytes.as_slice())
                    .map_err(|_| format!("{}: the key must be 32 bytes", path.display()))?
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                let seed: [u8; 32] = rand::random();
                write_new(path, &URL_SAFE_NO_PAD.encode(seed))?;
                seed
            }
            Err(e) => return Err(format!("cannot read the key file {}: {e}", path.display())),
        };
        Ok(RelayKey::from_seed(seed))
    }

    pub fn from_seed(seed: [u8; 32]) -> RelayKey {
        let key = SigningKey::from_bytes(&seed);
        RelayKey {
            key_id: key_id_of(&key.verifying_key().to_bytes()),
            key,
        }
    }

    pub fn public_key_b64(&self) -> String {
        URL_SAFE_NO_PAD.encode(self.key.verifying_key().to_bytes())
    }

    pub fn sign(&self, text: &str) -> String {
        URL_SAFE_NO_PAD.encode(self.key.sign(text.as_bytes()).to_bytes())
    }
}

/// A key's id: the first 9 bytes of the SHA-256 of its public key, base64url.
pub fn key_id_of(public_key: &[u8; 32]) -> String {
    URL_SAFE_NO_PAD.encode(&Sha256::digest(public_key)[..9])
}

fn write_new(path: &Path, text: &str) -> Result<(), String> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)
            .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    }
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options
        .open(path)
        .map_err(|e| format!("cannot create the key file {}: {e}", path.display()))?;
    file.write_all(text.as_bytes())
        .map_err(|e| format!("cannot write the key file {}: {e}", path.display()))
}
