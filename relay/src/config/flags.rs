//! The command line: each flag also reads `RDPCHECK_<NAME>` from the environment (clap reads both).

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::Parser;
use ipnet::IpNet;

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
    /// A reverse proxy's address range: only a peer in one may name the client in
    /// `X-Forwarded-For` / `Forwarded` (repeatable).
    #[arg(
        long = "trusted-proxy",
        value_name = "CIDR",
        env = "RDPCHECK_TRUSTED_PROXY",
        value_delimiter = ','
    )]
    pub trusted_proxy: Vec<IpNet>,
    /// A Redis server (redis://HOST:PORT/) that relays behind one load balancer share their
    /// per-client and per-target rate budgets through.
    #[arg(
        long = "limits-backend",
        env = "RDPCHECK_LIMITS_BACKEND",
        value_name = "URL"
    )]
    pub limits_backend: Option<String>,
    /// A folder of files to offer under /downloads/ (the `cargo xtask dist` builds).
    #[arg(
        long = "downloads-dir",
        env = "RDPCHECK_DOWNLOADS_DIR",
        value_name = "DIR"
    )]
    pub downloads_dir: Option<PathBuf>,
}
