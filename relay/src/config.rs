//! Configuration: an embedded default, then a TOML file, then `RDPCHECK_…` environment variables
//! and flags (clap reads both). Lists (allow, deny, ports, origins) add up across the layers.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::Parser;
use ipnet::IpNet;
use serde::Deserialize;

use crate::access::OwnName;
use crate::policy::Preset;

/// Flags; each also reads `RDPCHECK_<NAME>` from the environment.
#[derive(Debug, Parser, Default)]
#[command(
    name = "rdpcheck-relay",
    version,
    about = "Serve the rdpcheck page and run its probes"
)]
pub struct Args {
    /// TOML configuration file (see relay/relay.example.toml).
    #[arg(long, env = "RDPCHECK_CONFIG", value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Address to listen on (default 127.0.0.1:8080).
    #[arg(long, env = "RDPCHECK_LISTEN", value_name = "ADDR:PORT")]
    pub listen: Option<SocketAddr>,
    /// Egress policy preset: local (default), corporate or public.
    #[arg(long, env = "RDPCHECK_POLICY", value_name = "PRESET")]
    pub policy: Option<String>,
    /// Networks probes may reach even if the preset refuses them (repeatable).
    #[arg(
        long,
        value_name = "CIDR",
        env = "RDPCHECK_ALLOW",
        value_delimiter = ','
    )]
    pub allow: Vec<IpNet>,
    /// Networks probes may never reach; wins over everything (repeatable).
    #[arg(
        long,
        value_name = "CIDR",
        env = "RDPCHECK_DENY",
        value_delimiter = ','
    )]
    pub deny: Vec<IpNet>,
    /// TCP ports allowed besides 3389 and 443 (repeatable).
    #[arg(
        long = "allow-port",
        value_name = "PORT",
        env = "RDPCHECK_ALLOW_PORT",
        value_delimiter = ','
    )]
    pub allow_port: Vec<u16>,
    /// Ed25519 signing key file (created if missing).
    #[arg(long, env = "RDPCHECK_KEY_FILE", value_name = "FILE")]
    pub key_file: Option<PathBuf>,
    /// Origins allowed to open the WebSocket besides the relay's own (repeatable).
    #[arg(
        long,
        value_name = "URL",
        env = "RDPCHECK_ORIGIN",
        value_delimiter = ','
    )]
    pub origin: Vec<String>,
    /// Access decision: none or token. Required when listening beyond loopback.
    #[arg(long, env = "RDPCHECK_AUTH", value_name = "MODE")]
    pub auth: Option<String>,
    /// File of bearer tokens, one per line (with --auth token).
    #[arg(long, env = "RDPCHECK_TOKEN_FILE", value_name = "FILE")]
    pub token_file: Option<PathBuf>,
    /// TLS certificate chain (PEM) for an HTTPS listener.
    #[arg(long, env = "RDPCHECK_TLS_CERT", value_name = "FILE")]
    pub tls_cert: Option<PathBuf>,
    /// TLS private key (PEM).
    #[arg(long, env = "RDPCHECK_TLS_KEY", value_name = "FILE")]
    pub tls_key: Option<PathBuf>,
    /// Log format: text or json.
    #[arg(long, env = "RDPCHECK_LOG_FORMAT", value_name = "FORMAT")]
    pub log_format: Option<String>,
    /// DNS server for target names (IP:PORT) instead of the system's.
    #[arg(long, env = "RDPCHECK_DNS_SERVER", value_name = "ADDR")]
    pub dns_server: Option<SocketAddr>,
    /// The URL users open the relay under (e.g. https://rdpcheck.example.com), when it is not
    /// the listen address: behind a reverse proxy, or under a DNS name (repeatable).
    #[arg(
        long = "public-url",
        value_name = "URL",
        env = "RDPCHECK_PUBLIC_URL",
        value_delimiter = ','
    )]
    pub public_url: Vec<String>,
    /// A folder of files to offer under /downloads/ (the `cargo xtask dist` builds).
    #[arg(
        long = "downloads-dir",
        env = "RDPCHECK_DOWNLOADS_DIR",
        value_name = "DIR"
    )]
    pub downloads_dir: Option<PathBuf>,
}

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
    fn into_vec(self) -> Vec<String> {
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

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Auth {
    None,
    Token,
}

#[derive(Debug, Clone)]
pub struct Limits {
    pub per_client_per_minute: u32,
    pub per_target_per_minute: u32,
    pub max_concurrent: usize,
    pub max_concurrent_per_client: usize,
    pub max_samples: u32,
    pub probe_timeout_s: u64,
    /// Largest WebSocket message or frame accepted from a client.
    pub max_message_bytes: usize,
    /// How long a client may take to send its request after connecting.
    pub request_timeout_s: u64,
    /// How long one WebSocket send may wait for the client to read; a session also ends at
    /// most this long after its probe's deadline.
    pub write_timeout_s: u64,
    /// How long a request's head may take to arrive, from the connection's start or the end of
    /// the previous response (also the TLS handshake's deadline and the keep-alive idle time).
    pub header_timeout_s: u64,
    /// An HTTP connection on which no byte moves either way for this long is closed.
    pub idle_timeout_s: u64,
    /// Open connections in all (lowered at start to fit the open-file limit).
    pub max_connections: usize,
    /// Open connections from one client address (IPv6: one /64).
    pub max_connections_per_client: usize,
    /// Failed token checks one client address may make per minute (the burst) before its
    /// upgrades are refused without a check.
    pub failed_auth_per_minute: u32,
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
    pub limits: Limits,
    /// The folder whose files /downloads/ offers.
    pub downloads_dir: Option<PathBuf>,
}

impl Config {
    /// Merge the layers and check the result. Errors say which setting is wrong and how to fix it.
    pub fn resolve(args: Args) -> Result<Config, String> {
        let file: FileConfig = match &args.config {
            Some(path) => {
                let text = std::fs::read_to_string(path)
                    .map_err(|e| format!("cannot read the config file {}: {e}", path.display()))?;
                toml::from_str(&text).map_err(|e| format!("config file {}: {e}", path.display()))?
            }
            None => FileConfig::default(),
        };
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
        let l = file.limits;
        let downloads_dir = args.downloads_dir.or(file.downloads.dir);
        let config = Config {
            downloads_dir,
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
            limits: Limits {
                per_client_per_minute: l.probes_per_minute_per_client.unwrap_or(30).max(1),
                per_target_per_minute: l.probes_per_minute_per_target.unwrap_or(20).max(1),
                max_concurrent: l.max_concurrent_probes.unwrap_or(32).max(1),
                max_concurrent_per_client: l.max_concurrent_per_client.unwrap_or(4).max(1),
                max_samples: l.max_samples.unwrap_or(10),
                probe_timeout_s: l.probe_timeout_s.unwrap_or(30).clamp(1, 120),
                max_message_bytes: 8 * 1024,
                request_timeout_s: l.request_timeout_s.unwrap_or(10).clamp(1, 60),
                write_timeout_s: l.write_timeout_s.unwrap_or(10).clamp(1, 60),
                header_timeout_s: l.header_timeout_s.unwrap_or(10).clamp(1, 300),
                idle_timeout_s: l.idle_timeout_s.unwrap_or(30).clamp(1, 3600),
                max_connections: l.max_connections.unwrap_or(4096).max(1),
                max_connections_per_client: l.max_connections_per_client.unwrap_or(64).max(1),
                failed_auth_per_minute: l.failed_auth_per_minute.unwrap_or(10).max(1),
            },
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

fn default_key_file() -> PathBuf {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_listen_on_loopback() {
        let c = Config::resolve(Args::default()).expect("defaults work");
        assert!(c.listen.ip().is_loopback());
        assert_eq!(c.listen.port(), 8080);
        assert_eq!(c.auth, None);
    }

    #[test]
    fn public_listener_needs_an_access_decision() {
        let args = Args {
            listen: Some("0.0.0.0:8080".parse().expect("addr")),
            ..Args::default()
        };
        let e = Config::resolve(args).expect_err("refused");
        assert!(e.contains("--auth"), "{e}");
        let args = Args {
            listen: Some("0.0.0.0:8080".parse().expect("addr")),
            auth: Some("none".into()),
            ..Args::default()
        };
        assert!(Config::resolve(args).is_ok());
    }

    #[test]
    fn connection_limits_default_and_read_from_the_file() {
        let l = Config::resolve(Args::default()).expect("defaults").limits;
        assert_eq!(
            (
                l.header_timeout_s,
                l.idle_timeout_s,
                l.write_timeout_s,
                l.max_connections,
                l.max_connections_per_client,
                l.failed_auth_per_minute,
            ),
            (10, 30, 10, 4096, 64, 10)
        );
        let dir = tempfile::tempdir().expect("tmp");
        let path = dir.path().join("relay.toml");
        std::fs::write(
            &path,
            "public_url = \"https://rdpcheck.example.com\"\n[limits]\nheader_timeout_s = 2\n\
             idle_timeout_s = 0\nwrite_timeout_s = 500\nmax_connections = 100\n\
             max_connections_per_client = 5\nfailed_auth_per_minute = 3\n",
        )
        .expect("write");
        let c = Config::resolve(Args {
            config: Some(path.clone()),
            public_url: vec!["http://relay.corp:8080".into()],
            ..Args::default()
        })
        .expect("config");
        let l = c.limits;
        assert_eq!(
            (
                l.header_timeout_s,
                l.idle_timeout_s,
                l.write_timeout_s,
                l.max_connections,
                l.max_connections_per_client,
                l.failed_auth_per_minute,
            ),
            (2, 1, 60, 100, 5, 3)
        );
        assert_eq!(
            c.public_urls,
            [
                OwnName::new(true, "rdpcheck.example.com", 443),
                OwnName::new(false, "relay.corp", 8080)
            ]
        );
        std::fs::write(
            &path,
            "public_url = [\"https://a.example\", \"https://b.example:8443\"]\n",
        )
        .expect("write");
        let c = Config::resolve(Args {
            config: Some(path.clone()),
            ..Args::default()
        })
        .expect("a list");
        assert_eq!(c.public_urls.len(), 2);
        std::fs::write(&path, "public_url = \"https://a.example/app\"\n").expect("write");
        let e = Config::resolve(Args {
            config: Some(path),
            ..Args::default()
        })
        .expect_err("a path");
        assert!(e.starts_with("public_url: "), "{e}");
    }

    #[test]
    fn the_example_config_has_every_key_right() {
        let file: FileConfig =
            toml::from_str(include_str!("../relay.example.toml")).expect("relay.example.toml");
        assert_eq!(file.public_url.into_vec(), ["https://rdpcheck.example.com"]);
        let l = file.limits;
        assert_eq!(l.write_timeout_s, Some(10));
        assert_eq!(l.max_connections_per_client, Some(64));
        assert_eq!(l.header_timeout_s, Some(10));
    }

    #[test]
    fn token_auth_needs_tokens() {
        let args = Args {
            auth: Some("token".into()),
            ..Args::default()
        };
        assert!(Config::resolve(args).is_err());
    }
}
