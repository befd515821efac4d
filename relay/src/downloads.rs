//! The downloads the relay offers (the `rdpcheck` builds of `cargo xtask dist`): every regular
//! file of a configured folder (`[downloads] dir` / `--downloads-dir`), read and hashed once at
//! start, served from memory. `GET /downloads/` lists them (name, size, SHA-256) as JSON; `GET
//! /downloads/<name>` serves one as an attachment. Only names from that listing are served, so
//! no path from a request ever reaches the file system (no traversal); a name outside
//! `[A-Za-z0-9._-]`, a hidden file or a subfolder is not offered.

use std::path::Path;

use serde::Serialize;
use sha2::{Digest, Sha256};

/// The most files offered, and the largest one (the builds are a few MiB).
const MAX_FILES: usize = 64;
const MAX_FILE: u64 = 64 * 1024 * 1024;
const MAX_TOTAL: u64 = 256 * 1024 * 1024;

#[derive(Debug, Clone, Serialize)]
pub struct Entry {
    pub name: String,
    pub size: u64,
    /// Lower-case hex, as `sha256sum` prints it.
    pub sha256: String,
    #[serde(skip)]
    pub bytes: axum::body::Bytes,
}

/// The files offered; empty when no folder is configured.
#[derive(Debug, Clone, Default)]
pub struct Downloads {
    pub files: Vec<Entry>,
}

/// A name the relay offers: letters, digits, `.`, `_`, `-`, not starting with a dot.
pub fn offered_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 128
        && !name.starts_with('.')
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
}

impl Downloads {
    /// Read and hash every offered file of `dir`. Errors name the folder or file.
    pub fn scan(dir: &Path) -> Result<Downloads, String> {
        let shown = dir.display();
        let entries = std::fs::read_dir(dir).map_err(|e| format!("downloads dir {shown}: {e}"))?;
        let mut files = Vec::new();
        let mut total = 0u64;
        for entry in entries {
            let entry = entry.map_err(|e| format!("downloads dir {shown}: {e}"))?;
            let Some(name) = entry.file_name().to_str().map(str::to_string) else {
                continue;
            };
            let meta = std::fs::metadata(entry.path())
                .map_err(|e| format!("downloads {shown}/{name}: {e}"))?;
            if !meta.is_file() || !offered_name(&name) {
                continue;
            }
            if meta.len() > MAX_FILE {
                return Err(format!(
                    "downloads {shown}/{name}: larger than {} MiB, the most the relay serves",
                    MAX_FILE >> 20
                ));
            }
            total += meta.len();
            if files.len() == MAX_FILES || total > MAX_TOTAL {
                return Err(format!(
                    "downloads dir {shown}: more than {MAX_FILES} files or {} MiB",
                    MAX_TOTAL >> 20
                ));
            }
            let bytes = std::fs::read(entry.path())
                .map_err(|e| format!("downloads {shown}/{name}: {e}"))?;
            let sha256 = Sha256::digest(&bytes)
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect();
            files.push(Entry {
                name,
                size: bytes.len() as u64,
                sha256,
                bytes: bytes.into(),
            });
        }
        files.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(Downloads { files })
    }

    pub fn get(&self, name: &str) -> Option<&Entry> {
        self.files.iter().find(|f| f.name == name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scans_offered_files_with_their_sha256() {
        let dir = tempfile::tempdir().expect("tmp");
        std::fs::write(dir.path().join("rdpcheck-linux-x86_64"), b"abc").expect("write");
        std::fs::write(dir.path().join(".hidden"), b"x").expect("write");
        std::fs::write(dir.path().join("with space"), b"x").expect("write");
        std::fs::create_dir(dir.path().join("sub")).expect("mkdir");
        let d = Downloads::scan(dir.path()).expect("scan");
        let names: Vec<&str> = d.files.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(names, ["rdpcheck-linux-x86_64"]);
        assert_eq!(d.files[0].size, 3);
        assert_eq!(
            d.files[0].sha256,
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert!(Downloads::scan(&dir.path().join("missing")).is_err());
        assert!(!offered_name("../etc/passwd"));
        assert!(!offered_name("a/b"));
        assert!(!offered_name(".."));
        assert!(offered_name("SHA256SUMS"));
    }
}
