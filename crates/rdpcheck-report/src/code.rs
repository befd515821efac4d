//! Finding codes, typed. Every code the engine can emit is a variant here, so a `match` over them
//! is checked by the compiler; they serialise as the published dotted strings (schema 1).
//!
//! Two families carry a protocol value: `tls.alert.<IANA alert name>` and
//! `x224.neg_failure.<RDP_NEG_FAILURE slug>`. Codes are a contract: rename never, add freely.

use std::fmt;
use std::str::FromStr;

use rdpcheck_proto::tls_hello::alert_name;
use rdpcheck_proto::x224::FailureCode;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::Stage;

/// Declares the plain codes once: variant, published string, the stage that produces it.
macro_rules! plain_codes {
    ($($variant:ident => $text:literal, $stage:expr;)+) => {
        /// A finding code without a protocol value in it.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Plain { $($variant,)+ }

        impl Plain {
            /// Every plain code, in ladder order.
            pub const ALL: &'static [Plain] = &[$(Plain::$variant,)+];

            pub fn as_str(self) -> &'static str {
                match self { $(Plain::$variant => $text,)+ }
            }

            /// The ladder stage whose judgement emits it (`None`: the check as a whole).
            pub fn stage(self) -> Option<Stage> {
                match self { $(Plain::$variant => $stage,)+ }
            }
        }
    };
}

plain_codes! {
    DnsNxdomain => "dns.nxdomain", Some(Stage::Dns);
    DnsNoAnswer => "dns.no_answer", Some(Stage::Dns);
    DnsFailure => "dns.failure", Some(Stage::Dns);
    DnsTimeout => "dns.timeout", Some(Stage::Dns);
    TcpRefused => "tcp.refused", Some(Stage::Tcp);
    TcpTimeout => "tcp.timeout", Some(Stage::Tcp);
    TcpUnreachable => "tcp.unreachable", Some(Stage::Tcp);
    TcpError => "tcp.error", Some(Stage::Tcp);
    X224Closed => "x224.closed", Some(Stage::X224);
    X224Reset => "x224.reset", Some(Stage::X224);
    X224Silent => "x224.silent", Some(Stage::X224);
    X224Stalled => "x224.stalled", Some(Stage::X224);
    X224NotRdp => "x224.not_rdp", Some(Stage::X224);
    X224Legacy => "x224.legacy", Some(Stage::X224);
    X224Malformed => "x224.malformed", Some(Stage::X224);
    X224Disconnect => "x224.disconnect", Some(Stage::X224);
    SecurityStandardRdpAllowed => "security.standard_rdp_allowed", Some(Stage::SecurityLayers);
    SecurityNlaNotRequired => "security.nla_not_required", Some(Stage::SecurityLayers);
    SecurityNlaRequired => "security.nla_required", Some(Stage::SecurityLayers);
    SecurityNoLayerAccepted => "security.no_layer_accepted", Some(Stage::SecurityLayers);
    SecurityInconsistentAnswers => "security.inconsistent_answers", Some(Stage::SecurityLayers);
    TlsClosedAfterHello => "tls.closed_after_hello", Some(Stage::Tls);
    TlsReset => "tls.reset", Some(Stage::Tls);
    TlsStalled => "tls.stalled", Some(Stage::Tls);
    NetMtuBlackhole => "net.mtu_blackhole", Some(Stage::Tls);
    TlsLegacyOnly => "tls.legacy_only", Some(Stage::Tls);
    TlsCipherMismatch => "tls.cipher_mismatch", Some(Stage::Tls);
    TlsNoForwardSecrecy => "tls.no_forward_secrecy", Some(Stage::Tls);
    TlsProbeUnsupported => "tls.probe_unsupported", Some(Stage::Tls);
    TlsTls13Only => "tls.tls13_only", Some(Stage::Tls);
    TlsTls13Rejected => "tls.tls13_rejected", Some(Stage::Tls);
    TlsFailed => "tls.failed", Some(Stage::Tls);
    TlsCertExpired => "tls.cert_expired", Some(Stage::Tls);
    TlsCertNotYetValid => "tls.cert_not_yet_valid", Some(Stage::Tls);
    TlsCertSelfSigned => "tls.cert_self_signed", Some(Stage::Tls);
    TlsCertNameMismatch => "tls.cert_name_mismatch", Some(Stage::Tls);
    TlsCertExpiringSoon => "tls.cert_expiring_soon", Some(Stage::Tls);
    TlsCertWeakKey => "tls.cert_weak_key", Some(Stage::Tls);
    TlsCertWeakSignature => "tls.cert_weak_signature", Some(Stage::Tls);
    NlaIdentity => "nla.identity", Some(Stage::Nla);
    NlaClockSkew => "nla.clock_skew", Some(Stage::Nla);
    NlaCredsspUnpatched => "nla.credssp_unpatched", Some(Stage::Nla);
    NlaNoChallenge => "nla.no_challenge", Some(Stage::Nla);
    NetUnstable => "net.unstable", Some(Stage::Stability);
    NetHighLatency => "net.high_latency", Some(Stage::Stability);
    NetPacketLoss => "net.packet_loss", Some(Stage::Stability);
    ProbeTimeout => "probe.timeout", None;
    GatewayDns => "gateway.dns", Some(Stage::GatewayDns);
    GatewayTcpRefused => "gateway.tcp_refused", Some(Stage::GatewayTcp);
    GatewayTcpTimeout => "gateway.tcp_timeout", Some(Stage::GatewayTcp);
    GatewayTcpError => "gateway.tcp_error", Some(Stage::GatewayTcp);
    GatewayTlsFailed => "gateway.tls_failed", Some(Stage::GatewayTls);
    GatewayTlsUntrusted => "gateway.tls_untrusted", Some(Stage::GatewayTls);
    GatewayCertExpired => "gateway.cert_expired", Some(Stage::GatewayTls);
    GatewayCertNameMismatch => "gateway.cert_name_mismatch", Some(Stage::GatewayTls);
    GatewayLive => "gateway.live", Some(Stage::GatewayHttp);
    GatewayRedirect => "gateway.redirect", Some(Stage::GatewayHttp);
    GatewayNoHttpTransport => "gateway.no_http_transport", Some(Stage::GatewayHttp);
    GatewayNotRdg => "gateway.not_rdg", Some(Stage::GatewayHttp);
    GatewayClosed => "gateway.closed", Some(Stage::GatewayHttp);
    GatewaySilent => "gateway.silent", Some(Stage::GatewayHttp);
    GatewayRpcProxy => "gateway.rpc_proxy", Some(Stage::GatewayHttp);
    UdpOpen => "udp.open", Some(Stage::Udp);
    UdpClosed => "udp.closed", Some(Stage::Udp);
    UdpInconclusive => "udp.inconclusive", Some(Stage::Udp);
    // This computer's side (the Windows build reads it): no ladder stage.
    ClientUdpDisabled => "client.udp_disabled", None;
    ClientUdpUnanswered => "client.udp_unanswered", None;
    ClientStoredConnection => "client.stored_connection", None;
    ClientStoredCertStale => "client.stored_cert_stale", None;
    ClientCredsspBlocked => "client.credssp_blocked", None;
    ClientCredsspVulnerable => "client.credssp_vulnerable", None;
    ClientCredsspUnpatched => "client.credssp_unpatched", None;
    ClientTlsNoCommonVersion => "client.tls_no_common_version", None;
    ClientTlsVersionDisabled => "client.tls_version_disabled", None;
    ClientTlsCipherNotInOrder => "client.tls_cipher_not_in_order", None;
    ClientFirewallBlocks => "client.firewall_blocks", None;
    ClientFirewallMayBlock => "client.firewall_may_block", None;
    ClientMtuReduced => "client.mtu_reduced", None;
    ClientRecentDisconnects => "client.recent_disconnects", None;
}

/// RDP_NEG_FAILURE as a finding family: the six defined codes, and every other value as one
/// `unknown` (the value itself is evidence, not part of the code).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum NegFailure {
    SslRequired,
    SslNotAllowed,
    SslCertNotOnServer,
    InconsistentFlags,
    HybridRequired,
    SslWithUserAuthRequired,
    Unknown,
}

impl NegFailure {
    pub const ALL: [NegFailure; 7] = [
        NegFailure::SslRequired,
        NegFailure::SslNotAllowed,
        NegFailure::SslCertNotOnServer,
        NegFailure::InconsistentFlags,
        NegFailure::HybridRequired,
        NegFailure::SslWithUserAuthRequired,
        NegFailure::Unknown,
    ];

    /// The suffix in `x224.neg_failure.<slug>`.
    pub fn slug(self) -> &'static str {
        match self {
            NegFailure::SslRequired => "ssl_required",
            NegFailure::SslNotAllowed => "ssl_not_allowed",
            NegFailure::SslCertNotOnServer => "ssl_cert_not_on_server",
            NegFailure::InconsistentFlags => "inconsistent_flags",
            NegFailure::HybridRequired => "hybrid_required",
            NegFailure::SslWithUserAuthRequired => "ssl_with_user_auth_required",
            NegFailure::Unknown => "unknown",
        }
    }
}

impl From<FailureCode> for NegFailure {
    fn from(code: FailureCode) -> Self {
        match code {
            FailureCode::SslRequired => NegFailure::SslRequired,
            FailureCode::SslNotAllowed => NegFailure::SslNotAllowed,
            FailureCode::SslCertNotOnServer => NegFailure::SslCertNotOnServer,
            FailureCode::InconsistentFlags => NegFailure::InconsistentFlags,
            FailureCode::HybridRequired => NegFailure::HybridRequired,
            FailureCode::SslWithUserAuthRequired => NegFailure::SslWithUserAuthRequired,
            FailureCode::Unknown(_) => NegFailure::Unknown,
        }
    }
}

/// A finding code: a plain code, or a member of one of the two families.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum FindingCode {
    Plain(Plain),
    /// `tls.alert.<name>`: the TLS alert description the server sent.
    TlsAlert(u8),
    /// `x224.neg_failure.<slug>`: the server's RDP_NEG_FAILURE to our TLS+NLA offer.
    NegFailure(NegFailure),
}

/// The two families, keyed by the prefix the knowledge base may use for all of their members.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CodeFamily {
    TlsAlert,
    NegFailure,
}

impl CodeFamily {
    pub const ALL: [CodeFamily; 2] = [CodeFamily::TlsAlert, CodeFamily::NegFailure];

    pub fn prefix(self) -> &'static str {
        match self {
            CodeFamily::TlsAlert => "tls.alert",
            CodeFamily::NegFailure => "x224.neg_failure",
        }
    }
}

impl From<Plain> for FindingCode {
    fn from(plain: Plain) -> Self {
        FindingCode::Plain(plain)
    }
}

impl FindingCode {
    /// Every code the engine can emit; a family appears once per member it has.
    pub fn all() -> Vec<FindingCode> {
        let mut all: Vec<FindingCode> = Plain::ALL.iter().map(|p| FindingCode::Plain(*p)).collect();
        all.extend(
            (0..=u8::MAX)
                .filter(|d| !alert_name(*d).starts_with("unknown_"))
                .map(FindingCode::TlsAlert),
        );
        all.extend(NegFailure::ALL.map(FindingCode::NegFailure));
        all
    }

    pub fn neg_failure(code: FailureCode) -> Self {
        FindingCode::NegFailure(code.into())
    }

    /// The ladder stage whose judgement emits it (`None`: the check as a whole).
    pub fn stage(self) -> Option<Stage> {
        match self {
            FindingCode::Plain(p) => p.stage(),
            FindingCode::TlsAlert(_) => Some(Stage::Tls),
            FindingCode::NegFailure(_) => Some(Stage::X224),
        }
    }

    /// A finding about this computer (the `client.` codes): read from the client's own
    /// settings, not judged on the ladder; no stage.
    pub fn is_client(self) -> bool {
        matches!(self, FindingCode::Plain(p) if p.as_str().starts_with("client."))
    }

    pub fn family(self) -> Option<CodeFamily> {
        match self {
            FindingCode::Plain(_) => None,
            FindingCode::TlsAlert(_) => Some(CodeFamily::TlsAlert),
            FindingCode::NegFailure(_) => Some(CodeFamily::NegFailure),
        }
    }

    /// Whether this code is `key` itself or a member of the family `key` names
    /// (`tls.alert` covers `tls.alert.handshake_failure`).
    pub fn is_covered_by(self, key: &str) -> bool {
        let text = self.to_string();
        text == key
            || text
                .strip_prefix(key)
                .is_some_and(|rest| rest.starts_with('.'))
    }
}

impl fmt::Display for FindingCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // `pad` honours width and alignment (`{code:<30}`).
        match self {
            FindingCode::Plain(p) => f.pad(p.as_str()),
            FindingCode::TlsAlert(d) => f.pad(&format!("tls.alert.{}", alert_name(*d))),
            FindingCode::NegFailure(n) => f.pad(&format!("x224.neg_failure.{}", n.slug())),
        }
    }
}

/// A string that is not a finding code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownCode(pub String);

impl fmt::Display for UnknownCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "unknown finding code {:?}", self.0)
    }
}

impl std::error::Error for UnknownCode {}

impl FromStr for FindingCode {
    type Err = UnknownCode;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let unknown = || UnknownCode(s.to_string());
        if let Some(name) = s.strip_prefix("tls.alert.") {
            return (0..=u8::MAX)
                .find(|d| alert_name(*d) == name)
                .map(FindingCode::TlsAlert)
                .ok_or_else(unknown);
        }
        if let Some(slug) = s.strip_prefix("x224.neg_failure.") {
            return NegFailure::ALL
                .into_iter()
                .find(|n| n.slug() == slug)
                .map(FindingCode::NegFailure)
                .ok_or_else(unknown);
        }
        Plain::ALL
            .iter()
            .find(|p| p.as_str() == s)
            .map(|p| FindingCode::Plain(*p))
            .ok_or_else(unknown)
    }
}

/// A key the knowledge base may file an article under: one code, or a whole family.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CodeKey {
    Code(FindingCode),
    Family(CodeFamily),
}

impl CodeKey {
    /// The stage whose judgement would produce a finding under this key.
    pub fn stage(self) -> Option<Stage> {
        match self {
            CodeKey::Code(code) => code.stage(),
            CodeKey::Family(CodeFamily::TlsAlert) => Some(Stage::Tls),
            CodeKey::Family(CodeFamily::NegFailure) => Some(Stage::X224),
        }
    }
}

impl FromStr for CodeKey {
    type Err = UnknownCode;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if let Some(family) = CodeFamily::ALL.into_iter().find(|f| f.prefix() == s) {
            return Ok(CodeKey::Family(family));
        }
        s.parse().map(CodeKey::Code)
    }
}

impl Serialize for FindingCode {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for FindingCode {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

/// Compare with the published string (`code == "tls.closed_after_hello"`), as tests and readers
/// of JSON reports do.
impl PartialEq<str> for FindingCode {
    fn eq(&self, other: &str) -> bool {
        other.parse::<FindingCode>().is_ok_and(|code| code == *self)
    }
}

impl PartialEq<&str> for FindingCode {
    fn eq(&self, other: &&str) -> bool {
        *self == **other
    }
}

impl PartialEq<Plain> for FindingCode {
    fn eq(&self, other: &Plain) -> bool {
        *self == FindingCode::Plain(*other)
    }
}

#[cfg(test)]
mod tests;
