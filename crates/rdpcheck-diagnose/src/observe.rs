//! Raw observations: what each stage saw on the wire, before any judgement.
//!
//! The engine fills these in; `diagnose` turns them into findings and a verdict. Keeping them
//! plain data means every verdict can be tested from a recorded transcript, without sockets.

use std::net::IpAddr;

use rdpcheck_proto::ntlm::Challenge;
use rdpcheck_proto::x224::{protocol, Negotiation};
use rdpcheck_report::{ClientId, Stage};

use crate::cert::CertFacts;

/// Everything one check observed. `None` means the stage did not run.
#[derive(Debug, Clone, Default)]
pub struct Observations {
    pub host: String,
    pub port: u16,
    pub dns: Option<Timed<DnsOutcome>>,
    pub tcp: Vec<TcpAttempt>,
    /// The address the deep stages used (first one that connected).
    pub probed: Option<IpAddr>,
    /// Main negotiation: requestedProtocols TLS|NLA|NLA-EX on the connection TLS continues on.
    pub x224: Option<Timed<ReplyOutcome>>,
    pub layers: Option<Timed<Vec<LayerProbe>>>,
    pub tls: Option<Timed<TlsOutcome>>,
    /// When rdpcheck's own handshake negotiated TLS 1.3: what a TLS 1.0–1.2 hello on a fresh
    /// connection got (whether clients without TLS 1.3 still get in).
    pub tls_older: Option<LegacyProbe>,
    /// When the TLS handshake stalled: the same handshake with small segments (TCP_MAXSEG).
    pub tls_small_mss: Option<MssRetry>,
    pub nla: Option<Timed<NlaOutcome>>,
    pub stability: Option<Timed<Vec<Sample>>>,
    /// The kernel's view of the probe's connections (TCP_INFO), where the platform tells.
    pub tcp_info: Vec<rdpcheck_report::TcpStats>,
    /// The RD Gateway path, when the client uses one.
    pub gateway: Option<GatewayObs>,
    /// Whether the UDP stage was asked for, and what it saw.
    pub udp_enabled: bool,
    pub udp: Option<Timed<UdpOutcome>>,
    /// Stages that never ran because the whole-check deadline passed (set once, when it passed).
    pub deadline_skipped: Vec<Stage>,
    /// Our clock (Unix seconds) when the NTLM challenge arrived; the only clock reading diagnose uses.
    pub now_unix: f64,
    /// The client family the verdict's headline is judged for.
    pub client: ClientId,
}

/// A value with the milliseconds its stage took.
#[derive(Debug, Clone)]
pub struct Timed<T> {
    pub ms: f64,
    pub value: T,
}

#[derive(Debug, Clone, PartialEq)]
pub enum DnsOutcome {
    /// The target was an IP literal: nothing to resolve.
    Literal(IpAddr),
    Resolved(Vec<IpAddr>),
    /// The name does not exist (NXDOMAIN).
    NxDomain,
    /// The name exists but has no A/AAAA records.
    NoAnswer,
    Timeout,
    Failure(String),
}

#[derive(Debug, Clone, PartialEq)]
pub struct TcpAttempt {
    pub addr: IpAddr,
    pub ms: f64,
    pub outcome: ConnectOutcome,
}

#[derive(Debug, Clone, PartialEq)]
pub enum ConnectOutcome {
    Connected,
    /// RST in answer to our SYN: nothing listens, or a firewall rejects.
    Refused,
    /// No answer before the deadline: filtered (dropped) on the way.
    TimedOut,
    /// ICMP unreachable or no route.
    Unreachable(String),
    Other(String),
}

/// What came back on one connection after our X.224 Connection Request.
#[derive(Debug, Clone, PartialEq)]
pub enum ReplyOutcome {
    Confirm {
        negotiation: Negotiation,
        src_ref: u16,
        bytes: Vec<u8>,
    },
    /// An X.224 Disconnect Request or an MCS Disconnect Provider Ultimatum.
    Disconnect {
        detail: String,
        bytes: Vec<u8>,
    },
    /// Looked like TPKT but did not decode.
    Malformed {
        error: String,
        bytes: Vec<u8>,
    },
    /// Something other than RDP answered.
    NotRdp {
        peer: String,
        bytes: Vec<u8>,
    },
    /// The peer closed (FIN) before a whole reply; `received` bytes had arrived.
    Closed {
        received: usize,
    },
    /// The peer reset the connection.
    Reset {
        received: usize,
    },
    /// Nothing at all before the deadline.
    Silent,
    /// Some bytes, then nothing more before the deadline.
    Stalled {
        received: usize,
    },
    /// The connection for this probe could not be made.
    ConnectFailed(ConnectOutcome),
    Io(String),
}

/// One security layer asked for on its own connection.
#[derive(Debug, Clone, PartialEq)]
pub struct LayerProbe {
    /// `rdp`, `tls`, `nla`, `nla_ex`, `rdstls`, `rdsaad`.
    pub layer: &'static str,
    pub requested: u32,
    /// The protocol value that counts as acceptance.
    pub expect: u32,
    pub outcome: ReplyOutcome,
}

/// (layer, requestedProtocols, the selectedProtocol that counts as acceptance) of the per-layer
/// probes. NLA is asked for as TLS|NLA, the way clients ask; NLA-EX comes from the main
/// negotiation ([`nla_ex_from_main`]).
pub const LAYERS: [(&str, u32, u32); 5] = [
    ("rdp", protocol::RDP, protocol::RDP),
    ("tls", protocol::SSL, protocol::SSL),
    ("nla", protocol::SSL | protocol::HYBRID, protocol::HYBRID),
    ("rdstls", protocol::RDSTLS, protocol::RDSTLS),
    ("rdsaad", protocol::RDSAAD, protocol::RDSAAD),
];

/// What the main negotiation asks for: everything a current client offers.
pub const MAIN_REQUEST: u32 = protocol::SSL | protocol::HYBRID | protocol::HYBRID_EX;

/// The NLA-EX entry, taken from the main negotiation (which asked for TLS|NLA|NLA-EX).
pub fn nla_ex_from_main(outcome: &ReplyOutcome) -> LayerProbe {
    LayerProbe {
        layer: "nla_ex",
        requested: MAIN_REQUEST,
        expect: protocol::HYBRID_EX,
        outcome: outcome.clone(),
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum TlsOutcome {
    /// The main negotiation did not select a TLS-based layer.
    NotApplicable(String),
    Established(TlsSession),
    Failed {
        failure: TlsFailure,
        /// Bytes the server sent during the failed handshake.
        received: usize,
        /// Certificates the server presented before the failure (weak key, bad signature…).
        chain: Vec<CertFacts>,
        /// What the server answered to our hand-built TLS 1.0–1.2 hello on a fresh connection.
        legacy: Option<LegacyProbe>,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub struct TlsSession {
    pub version: String,
    pub cipher_suite: String,
    pub key_exchange: Option<String>,
    /// Leaf first.
    pub chain: Vec<CertFacts>,
    /// The first attempt (offering TLS 1.3) failed this way and a TLS 1.2-only retry worked.
    pub tls13_rejected: Option<TlsFailure>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum TlsFailure {
    /// Closed (FIN) right after our ClientHello, nothing received.
    ClosedAfterHello,
    /// Closed after some handshake bytes.
    ClosedDuringHandshake,
    Reset,
    /// The server answered our ClientHello in RDP framing (e.g. an X.224 disconnect): it could
    /// not start TLS after selecting it.
    X224Reply(String),
    Alert(u8),
    /// The handshake stopped making progress before the deadline.
    Stalled,
    /// rustls could not agree with the server (version, cipher, malformed hello…).
    Protocol(String),
    Other(String),
}

#[derive(Debug, Clone, PartialEq)]
pub enum LegacyProbe {
    ServerHello {
        version: u16,
        cipher_suite: u16,
        /// Whether the probe's own TLS stack (rustls) implements that suite.
        probe_supports: bool,
        /// The certificates of the server's first flight, leaf first (sent in the clear before
        /// TLS 1.3; empty when the flight was cut short or carried none).
        chain: Vec<CertFacts>,
    },
    Alert(u8),
    Closed,
    Failed(String),
}

#[derive(Debug, Clone, PartialEq)]
pub enum NlaOutcome {
    /// The server's TSRequest carried an NTLM CHALLENGE.
    Challenge {
        challenge: Challenge,
        /// The `version` of that TSRequest (MS-CSSP 2.2.1): below 5, no CVE-2018-0886 fix.
        credssp_version: u32,
    },
    /// The server answered with a CredSSP error code instead of a challenge.
    ServerError(u32),
    /// No usable challenge: closed, timed out, or undecodable.
    NoChallenge(String),
}

/// One stability handshake (TCP connect + X.224 confirm).
#[derive(Debug, Clone, PartialEq)]
pub enum Sample {
    Ok { ms: f64 },
    Failed(String),
}

/// The RD Gateway hop: DNS, TCP 443, TLS (validated, as the client validates it), HTTP.
#[derive(Debug, Clone, Default)]
pub struct GatewayObs {
    pub host: String,
    pub port: u16,
    pub dns: Option<Timed<DnsOutcome>>,
    pub tcp: Vec<TcpAttempt>,
    pub tls: Option<Timed<GatewayTls>>,
    pub http: Option<Timed<HttpOutcome>>,
    /// The legacy RPC-over-HTTP endpoint, asked only when the HTTP transport is not live.
    pub rpc: Option<HttpOutcome>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum GatewayTls {
    Established {
        session: TlsSession,
        trust: Trust,
    },
    Failed {
        failure: TlsFailure,
        received: usize,
    },
}

/// Whether the client would trust the gateway's certificate (platform + public roots + extra CAs).
#[derive(Debug, Clone, PartialEq)]
pub enum Trust {
    Trusted,
    Expired,
    NotYetValid,
    NameMismatch,
    UnknownIssuer,
    Other(String),
}

#[derive(Debug, Clone, PartialEq)]
pub enum HttpOutcome {
    Response {
        status: u16,
        reason: String,
        /// Schemes offered in `WWW-Authenticate` (Negotiate, NTLM, Basic…).
        schemes: Vec<String>,
        server: Option<String>,
        location: Option<String>,
    },
    /// The TLS connection closed without an HTTP answer.
    Closed(String),
    Timeout,
    Error(String),
}

/// What answered our RDP-UDP SYN datagrams.
#[derive(Debug, Clone, PartialEq)]
pub enum UdpOutcome {
    /// A SYN+ACK that acknowledges our sequence number.
    SynAck {
        tries: u32,
        rtt_ms: f64,
        version: Option<u16>,
    },
    /// ICMP port unreachable.
    Closed {
        tries: u32,
    },
    /// Something answered, but not a SYN+ACK to our SYN.
    Unexpected {
        tries: u32,
        bytes: Vec<u8>,
    },
    /// Nothing came back.
    Silent {
        tries: u32,
    },
    Error(String),
}

/// The TLS handshake once more, on a fresh connection whose segments carry at most `mss` bytes
/// (TCP_MAXSEG before connect, so the server's flight comes in small packets too).
#[derive(Debug, Clone, PartialEq)]
pub struct MssRetry {
    pub mss: u32,
    /// The handshake completed.
    pub passed: bool,
    /// What happened, for the evidence.
    pub detail: String,
}
