//! The relay's Ed25519 signing key: created on first run (mode 0600), or read from the file.

use std::io::Write;
use std::path::Path;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use ed25519_dalek::{Signer, SigningKey};
use sha2::{Digest, Sha256};

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
        let digest = Sha256::digest(key.verifying_key().to_bytes());
        RelayKey {
            key_id: URL_SAFE_NO_PAD.encode(&digest[..9]),
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn created_once_then_reused() {
        let dir = tempfile::tempdir().expect("tmp");
        let path = dir.path().join("k/key");
        let a = RelayKey::load_or_create(&path).expect("create");
        let b = RelayKey::load_or_create(&path).expect("load");
        assert_eq!(a.key_id, b.key_id);
        assert_eq!(a.public_key_b64(), b.public_key_b64());
    }
}
