//! The TOML configuration file (relay/relay.example.toml shows every key).

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use ipnet::IpNet;
use serde::Deserialize;

/// The file format (every key optional).
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileConfig {
    pub listen: Option<SocketAddr>,
    pub policy: Option<String>,
    #[serde(default)]
    pub allow: Vec<IpNet>,
    #[serde(default)]
    pub deny: Vec<IpNet>,
    #[serde(default)]
    pub allow_ports: Vec<u16>,
    pub key_file: Option<PathBuf>,
    #[serde(default)]
    pub origins: Vec<String>,
    pub auth: Option<String>,
    pub token_file: Option<PathBuf>,
    pub tls_cert: Option<PathBuf>,
    pub tls_key: Option<PathBuf>,
    pub log_format: Option<String>,
    pub dns_server: Option<SocketAddr>,
    #[serde(default)]
    pub public_url: OneOrMany,
    #[serde(default)]
    pub trusted_proxies: Vec<IpNet>,
    pub limits_backend: Option<String>,
    #[serde(default)]
    pub limits: FileLimits,
    #[serde(default)]
    pub downloads: FileDownloads,
}

/// `[downloads]`: files offered under /downloads/.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileDownloads {
    pub dir: Option<PathBuf>,
}

impl FileConfig {
    /// The file at `path`, or no file (every key unset).
    pub fn read(path: Option<&Path>) -> Result<FileConfig, String> {
        match path {
            Some(path) => {
                let text = std::fs::read_to_string(path)
                    .map_err(|e| format!("cannot read the config file {}: {e}", path.display()))?;
                toml::from_str(&text).map_err(|e| format!("config file {}: {e}", path.display()))
            }
            None => Ok(FileConfig::default()),
        }
    }
}

/// A file key that takes one string or a list of them.
#[derive(Debug, Default, Deserialize)]
#[serde(untagged)]
pub enum OneOrMany {
    #[default]
    None,
    One(String),
    Many(Vec<String>),
}

impl OneOrMany {
    pub(super) fn into_vec(self) -> Vec<String> {
        match self {
            OneOrMany::None => Vec::new(),
            OneOrMany::One(s) => vec![s],
            OneOrMany::Many(v) => v,
        }
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileLimits {
    pub probes_per_minute_per_client: Option<u32>,
    pub probes_per_minute_per_target: Option<u32>,
    pub max_concurrent_probes: Option<usize>,
    pub max_concurrent_per_client: Option<usize>,
    pub max_samples: Option<u32>,
    pub probe_timeout_s: Option<u64>,
    pub request_timeout_s: Option<u64>,
    pub write_timeout_s: Option<u64>,
    pub header_timeout_s: Option<u64>,
    pub idle_timeout_s: Option<u64>,
    pub max_connections: Option<usize>,
    pub max_connections_per_client: Option<usize>,
    pub failed_auth_per_minute: Option<u32>,
}
