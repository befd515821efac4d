//! Configuration: an embedded default, then a TOML file, then `RDPCHECK_…` environment variables
//! and flags (clap reads both). Lists (allow, deny, ports, origins) add up across the layers.
//!
//! `flags.rs` declares the flags ([`Args`]), `file.rs` the TOML file ([`FileConfig`]), `limits.rs`
//! every limit with its default and bounds ([`Limits`]), `backend.rs` the shared limits' Redis
//! URL ([`LimitsBackend`]); this file merges them into [`Config`] and checks the result.

use std::net::SocketAddr;
use std::path::PathBuf;

use ipnet::IpNet;

use crate::access::OwnName;
use crate::policy::Preset;

mod backend;
mod file;
mod flags;
mod limits;

#[cfg(test)]
mod tests;

pub use backend::LimitsBackend;
pub use file::{FileConfig, FileLimits, OneOrMany};
pub use flags::Args;
pub use limits::Limits;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Auth {
    None,
    Token,
}

/// The resolved configuration the relay runs with.
#[derive(Debug, Clone)]
pub struct Config {
    pub listen: SocketAddr,
    pub preset: Preset,
    pub allow: Vec<IpNet>,
    pub deny: Vec<IpNet>,
    pub allow_ports: Vec<u16>,
    pub key_file: PathBuf,
    pub origins: Vec<String>,
    /// `None` means no explicit decision was made (allowed only on loopback).
    pub auth: Option<Auth>,
    pub tokens: Vec<String>,
    pub tls: Option<(PathBuf, PathBuf)>,
    pub json_logs: bool,
    pub dns_server: Option<SocketAddr>,
    /// The URLs the relay is served under besides its listen address (`--public-url`).
    pub public_urls: Vec<OwnName>,
    /// Reverse proxies whose `X-Forwarded-For` / `Forwarded` name the client
    /// (`access::client_address`).
    pub trusted_proxies: Vec<IpNet>,
    /// The Redis server the rate budgets are shared through; `None`: this relay's own.
    pub limits_backend: Option<LimitsBackend>,
    pub limits: Limits,
    /// The folder whose files /downloads/ offers.
    pub downloads_dir: Option<PathBuf>,
}

impl Config {
    /// Merge the layers and check the result. Errors say which setting is wrong and how to fix it.
    pub fn resolve(args: Args) -> Result<Config, String> {
        let file = FileConfig::read(args.config.as_deref())?;
        let preset: Preset = args
            .policy
            .or(file.policy)
            .as_deref()
            .unwrap_or("local")
            .parse()
            .map_err(|e| format!("policy: {e}"))?;
        let auth = match args.auth.or(file.auth).as_deref() {
            None => None,
            Some("none") => Some(Auth::None),
            Some("token") => Some(Auth::Token),
            Some(other) => return Err(format!("auth: {other:?} is not none or token")),
        };
        let token_file = args.token_file.or(file.token_file);
        let tokens = match (auth, &token_file) {
            (Some(Auth::Token), Some(path)) => read_tokens(path)?,
            (Some(Auth::Token), None) => {
                return Err(
                    "auth = token needs a token file (--token-file FILE, one token per line)"
                        .into(),
                )
            }
            _ => Vec::new(),
        };
        let tls = match (
            args.tls_cert.or(file.tls_cert),
            args.tls_key.or(file.tls_key),
        ) {
            (Some(c), Some(k)) => Some((c, k)),
            (None, None) => None,
            _ => return Err("TLS needs both --tls-cert and --tls-key".into()),
        };
        let json_logs = match args.log_format.or(file.log_format).as_deref() {
            None | Some("text") => false,
            Some("json") => true,
            Some(other) => return Err(format!("log format {other:?} is not text or json")),
        };
        let public_urls = file
            .public_url
            .into_vec()
            .into_iter()
            .chain(args.public_url)
            .map(|u| OwnName::from_public_url(&u).map_err(|e| format!("public_url: {e}")))
            .collect::<Result<Vec<_>, _>>()?;
        let limits_backend = args
            .limits_backend
            .or(file.limits_backend)
            .map(|url| LimitsBackend::parse(&url))
            .transpose()?;
        let config = Config {
            listen: args
                .listen
                .or(file.listen)
                .unwrap_or(SocketAddr::from(([127, 0, 0, 1], 8080))),
            preset,
            allow: file.allow.into_iter().chain(args.allow).collect(),
            deny: file.deny.into_iter().chain(args.deny).collect(),
            allow_ports: file
                .allow_ports
                .into_iter()
                .chain(args.allow_port)
                .collect(),
            key_file: args
                .key_file
                .or(file.key_file)
                .unwrap_or_else(default_key_file),
            origins: file
                .origins
                .into_iter()
                .chain(args.origin)
                .map(|o| o.trim_end_matches('/').to_string())
                .collect(),
            auth,
            tokens,
            tls,
            json_logs,
            dns_server: args.dns_server.or(file.dns_server),
            public_urls,
            trusted_proxies: file
                .trusted_proxies
                .into_iter()
                .chain(args.trusted_proxy)
                .collect(),
            limits_backend,
            limits: Limits::from_file(file.limits),
            downloads_dir: args.downloads_dir.or(file.downloads.dir),
        };
        config.check_exposure()?;
        Ok(config)
    }

    /// Listening beyond loopback needs an explicit access decision.
    fn check_exposure(&self) -> Result<(), String> {
        if !self.listen.ip().is_loopback() && self.auth.is_none() {
            return Err(format!(
                "refusing to listen on {} without an access decision: anyone who can reach it could make \
                 it connect into your network. Set --auth token --token-file FILE, or --auth none if that \
                 is really what you want",
                self.listen
            ));
        }
        Ok(())
    }
}

pub fn default_key_file() -> PathBuf {
    std::env::var_os("XDG_STATE_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".local/state")))
        .unwrap_or_else(|| PathBuf::from("."))
        .join("rdpcheck/relay-signing.key")
}

fn read_tokens(path: &std::path::Path) -> Result<Vec<String>, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read the token file {}: {e}", path.display()))?;
    let tokens: Vec<String> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(str::to_string)
        .collect();
    if tokens.iter().any(|t| t.len() < 16) {
        return Err(format!(
            "{}: every token must be at least 16 characters",
            path.display()
        ));
    }
    if tokens.is_empty() {
        return Err(format!("{}: no tokens in the file", path.display()));
    }
    Ok(tokens)
}
