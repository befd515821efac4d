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
    /// A DNS answer obtained by the caller, used as the dns stage's result instead of resolving
    /// again (the relay resolves once, checks every address, then pins the answer: no rebinding).
    pub pinned_dns: Option<crate::observe::DnsOutcome>,
    /// The same for the gateway's name.
    pub pinned_gateway_dns: Option<crate::observe::DnsOutcome>,
    /// Ask this DNS server (UDP) instead of the system's resolvers; the hosts file is then ignored.
    pub dns_server: Option<std::net::SocketAddr>,
    /// RD Gateway the client goes through (host, port); its stages run first.
    pub gateway: Option<(String, u16)>,
    /// Extra trust anchors for the gateway certificate (DER), e.g. a company CA.
    pub extra_roots: Vec<Vec<u8>>,
    /// Send RDP-UDP SYNs to the host's UDP port.
    pub udp: bool,
    /// How long to wait for an answer to each UDP SYN (three tries).
    pub udp_timeout: Duration,
    /// The client family the verdict's headline is judged for (default: mstsc on a current
    /// Windows). Every family's outcome is in the report either way.
    pub client: rdpcheck_report::ClientId,
}

impl ProbeOptions {
    pub const DEFAULT_PORT: u16 = rdpcheck_proto::target::DEFAULT_RDP_PORT;
    pub const DEFAULT_GATEWAY_PORT: u16 = rdpcheck_proto::target::DEFAULT_GATEWAY_PORT;

    pub fn new(host: impl Into<String>, port: u16) -> Self {
        ProbeOptions {
            host: host.into(),
            port,
            connect_timeout: Duration::from_secs(5),
            reply_timeout: Duration::from_secs(5),
            total_timeout: Duration::from_secs(30),
            samples: 5,
            sample_pause: Duration::from_millis(100),
            pinned_dns: None,
            pinned_gateway_dns: None,
            dns_server: None,
            gateway: None,
            extra_roots: Vec::new(),
            udp: true,
            udp_timeout: Duration::from_millis(700),
            client: rdpcheck_report::ClientId::default(),
        }
    }
}
