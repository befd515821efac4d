use std::time::Duration;

/// Everything one check needs to know. Defaults follow nmap/metasploit's 5 s socket budgets.
#[derive(Debug, Clone)]
pub struct ProbeOptions {
    /// Host name or IP literal as the user typed it (no port, no brackets).
    pub host: String,
    pub port: u16,
    /// Deadline for each TCP connect.
    pub connect_timeout: Duration,
    /// Deadline for each reply we wait for (X.224 confirm, TLS handshake, CredSSP answer).
    pub reply_timeout: Duration,
    /// Deadline for the whole check; stages still pending when it passes are skipped.
    pub total_timeout: Duration,
    /// Extra TCP + X.224 handshakes for the stability stage (0 turns it off).
    pub samples: u32,
    /// Pause between stability handshakes.
    pub sample_pause: Duration,
    /// Addresses to use instead of resolving `host` (the relay pins checked addresses here).
    pub pinned_addresses: Option<Vec<std::net::IpAddr>>,
    /// Ask this DNS server (UDP) instead of the system's resolvers; the hosts file is then ignored.
    pub dns_server: Option<std::net::SocketAddr>,
}

impl ProbeOptions {
    pub const DEFAULT_PORT: u16 = 3389;

    pub fn new(host: impl Into<String>, port: u16) -> Self {
        ProbeOptions {
            host: host.into(),
            port,
            connect_timeout: Duration::from_secs(5),
            reply_timeout: Duration::from_secs(5),
            total_timeout: Duration::from_secs(30),
            samples: 5,
            sample_pause: Duration::from_millis(100),
            pinned_addresses: None,
            dns_server: None,
        }
    }
}
