//! Retired keys: the public halves of keys the relay signed with before a rotation, one a line
//! in `<key file>.retired`: `<public key, base64url> <retired at, RFC 3339>`, `#` comments. Only
//! public keys: the file may be copied to every instance and read by anyone. A line whose key
//! is the current one is skipped (a rotation that failed after listing it).

use std::io::Write;
use std::path::{Path, PathBuf};

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;

use super::key_id_of;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetiredKey {
    pub key_id: String,
    /// base64url of the 32-byte Ed25519 public key.
    pub public_key: String,
    pub retired_at: String,
}

/// Where the retired keys of `key_file` are kept.
pub fn retired_path(key_file: &Path) -> PathBuf {
    let mut name = key_file.as_os_str().to_owned();
    name.push(".retired");
    PathBuf::from(name)
}

/// The retired keys listed for `key_file` (none if the file does not exist), without
/// `current_id`'s.
pub fn load(key_file: &Path, current_id: &str) -> Result<Vec<RetiredKey>, String> {
    let path = retired_path(key_file);
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(format!("cannot read {}: {e}", path.display())),
    };
    let mut keys: Vec<RetiredKey> = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let key =
            parse_line(line).map_err(|e| format!("{} line {}: {e}", path.display(), n + 1))?;
        if key.key_id != current_id && !keys.iter().any(|k| k.key_id == key.key_id) {
            keys.push(key);
        }
    }
    Ok(keys)
}

fn parse_line(line: &str) -> Result<RetiredKey, String> {
    let mut fields = line.split_whitespace();
    let (Some(public_key), Some(retired_at), None) = (fields.next(), fields.next(), fields.next())
    else {
        return Err("expected `<public key, base64url> <retired at, RFC 3339>`".into());
    };
    let bytes = URL_SAFE_NO_PAD
        .decode(public_key)
        .map_err(|_| format!("{public_key:?} is not base64url"))?;
    let bytes = <[u8; 32]>::try_from(bytes.as_slice())
        .map_err(|_| format!("the public key is {} bytes, not 32", bytes.len()))?;
    ed25519_dalek::VerifyingKey::from_bytes(&bytes)
        .map_err(|_| "not an Ed25519 public key".to_string())?;
    time::OffsetDateTime::parse(retired_at, &time::format_description::well_known::Rfc3339)
        .map_err(|_| format!("{retired_at:?} is not an RFC 3339 time"))?;
    Ok(RetiredKey {
        key_id: key_id_of(&bytes),
        public_key: public_key.to_string(),
        retired_at: retired_at.to_string(),
    })
}

/// Add `public_key` (base64url), retired `at` (RFC 3339), to `key_file`'s list.
pub fn append(key_file: &Path, public_key: &str, at: &str) -> Result<(), String> {
    let path = retired_path(key_file);
    let mut file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&path)
        .map_err(|e| format!("cannot open {}: {e}", path.display()))?;
    writeln!(file, "{public_key} {at}")
        .and_then(|()| file.sync_all())
        .map_err(|e| format!("cannot write {}: {e}", path.display()))
}
