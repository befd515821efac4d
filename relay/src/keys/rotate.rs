//! `rdpcheck-relay keys rotate`: the current key's public half goes to the retired list, a new
//! key takes its place. The new key is written beside the old one and renamed over it, so the
//! key file is never missing or half-written; a running relay keeps signing with the key it
//! read at start until it is restarted.

use std::path::{Path, PathBuf};

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use clap::{Parser, Subcommand};

use super::{retired, write_new, RelayKey};

/// The ids after a rotation.
#[derive(Debug)]
pub struct Rotated {
    pub retired_id: String,
    pub new_id: String,
}

/// Retire the key in `key_file` (it must exist) and put a new one there.
pub fn rotate(key_file: &Path) -> Result<Rotated, String> {
    if !key_file.exists() {
        return Err(format!(
            "no key at {} to rotate (the relay creates one on its first start; check --key-file)",
            key_file.display()
        ));
    }
    let old = RelayKey::load_or_create(key_file)?;
    let now = time::OffsetDateTime::now_utc()
        .replace_nanosecond(0)
        .unwrap_or_else(|_| time::OffsetDateTime::now_utc())
        .format(&time::format_description::well_known::Rfc3339)
        .map_err(|e| format!("cannot format the time: {e}"))?;
    retired::append(key_file, &old.public_key_b64(), &now)?;
    let mut tmp = key_file.as_os_str().to_owned();
    tmp.push(".new");
    let tmp = PathBuf::from(tmp);
    let _ = std::fs::remove_file(&tmp);
    let seed: [u8; 32] = rand::random();
    write_new(&tmp, &URL_SAFE_NO_PAD.encode(seed))?;
    std::fs::rename(&tmp, key_file).map_err(|e| {
        format!(
            "cannot put the new key in place ({} to {}): {e}",
            tmp.display(),
            key_file.display()
        )
    })?;
    Ok(Rotated {
        retired_id: old.key_id,
        new_id: RelayKey::from_seed(seed).key_id,
    })
}

#[derive(Debug, Parser)]
#[command(
    name = "rdpcheck-relay keys",
    about = "Manage the relay's signing keys"
)]
struct KeysArgs {
    #[command(subcommand)]
    command: KeysCommand,
}

#[derive(Debug, Subcommand)]
enum KeysCommand {
    /// Retire the current key (it still verifies old links) and create a new one.
    Rotate(KeyFileArgs),
    /// List the current and the retired keys.
    List(KeyFileArgs),
}

#[derive(Debug, clap::Args)]
struct KeyFileArgs {
    /// The signing key file (default: the config file's key_file, else the relay's default).
    #[arg(long, env = "RDPCHECK_KEY_FILE", value_name = "FILE")]
    key_file: Option<PathBuf>,
    /// The relay's TOML configuration file, for its key_file.
    #[arg(long, env = "RDPCHECK_CONFIG", value_name = "FILE")]
    config: Option<PathBuf>,
}

impl KeyFileArgs {
    fn key_file(self) -> Result<PathBuf, String> {
        if let Some(path) = self.key_file {
            return Ok(path);
        }
        let file = crate::config::FileConfig::read(self.config.as_deref())?;
        Ok(file
            .key_file
            .unwrap_or_else(crate::config::default_key_file))
    }
}

/// `rdpcheck-relay keys …` (`args` from `keys` on); what to print.
pub fn run_cli(args: impl IntoIterator<Item = String>) -> Result<String, String> {
    let args = KeysArgs::try_parse_from(args).map_err(|e| e.to_string())?;
    match args.command {
        KeysCommand::Rotate(k) => {
            let key_file = k.key_file()?;
            let r = rotate(&key_file)?;
            Ok(format!(
                "retired key {} (listed in {}); new key {} in {}\nrestart the relay to sign with it\n",
                r.retired_id,
                retired::retired_path(&key_file).display(),
                r.new_id,
                key_file.display()
            ))
        }
        KeysCommand::List(k) => {
            let key_file = k.key_file()?;
            if !key_file.exists() {
                return Err(format!("no key at {}", key_file.display()));
            }
            let current = RelayKey::load_or_create(&key_file)?;
            let mut out = format!("{} current\n", current.key_id);
            for r in retired::load(&key_file, &current.key_id)? {
                out.push_str(&format!("{} retired {}\n", r.key_id, r.retired_at));
            }
            Ok(out)
        }
    }
}
