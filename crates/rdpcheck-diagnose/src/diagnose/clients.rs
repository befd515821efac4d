//! Which client families get through: a pure table from every finding code to its effect on each
//! family (none, warns, fails, unknown), plus the few facts where the effect depends on a value
//! (the TLS version and suite a host offers, the certificate's key, how standard RDP security was
//! selected). The facts behind each entry and their sources are in the knowledge base
//! (`crates/rdpcheck-kb/data/clients.toml`); `tests/clients_kb.rs` holds the two together.
//!
//! The match is exhaustive: a new finding code must say how it affects every family.

use rdpcheck_proto::x224::{protocol, FailureCode, Negotiation};
use rdpcheck_report::{
    ClientId, ClientOutcome, ClientVerdict, Finding, FindingCode, NegFailure, Plain, Severity,
    Stage,
};

use super::suites;
use crate::cert::CertFacts;
use crate::observe::{LegacyProbe, Observations, ReplyOutcome, TlsOutcome};

/// What one finding does to one client family.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Effect {
    None,
    Warns,
    Unknown,
    Fails,
}

/// The values some effects depend on, read once from the observations.
#[derive(Debug, Clone, Default)]
pub struct Facts {
    /// Version and suite the hand-built TLS 1.0–1.2 hello got after rdpcheck's own handshake
    /// failed.
    pub offer: Option<(u16, u16)>,
    /// The leaf certificate's key type and size.
    pub key: Option<(String, u32)>,
    /// The main negotiation ended in standard RDP security (selected, refused TLS, or no
    /// negotiation data): clients use it.
    pub standard_rdp_only: bool,
    /// …by selecting it in answer to a request for TLS and NLA, without a failure PDU (what xrdp
    /// does; Windows and FreeRDP-based servers send SSL_NOT_ALLOWED_BY_SERVER).
    pub standard_rdp_silently: bool,
    /// With a gateway, a host unreachable directly (dns/tcp) is expected, not a failure.
    pub via_gateway: bool,
}

impl Facts {
    pub fn from_observations(obs: &Observations) -> Facts {
        let mut facts = Facts {
            via_gateway: obs.gateway.is_some(),
            ..Facts::default()
        };
        if let Some(ReplyOutcome::Confirm { negotiation, .. }) = obs.x224.as_ref().map(|x| &x.value)
        {
            match negotiation {
                Negotiation::Selected { selected, .. } if *selected == protocol::RDP => {
                    facts.standard_rdp_only = true;
                    facts.standard_rdp_silently = true;
                }
                Negotiation::Failure(FailureCode::SslNotAllowed) | Negotiation::Legacy => {
                    facts.standard_rdp_only = true;
                }
                _ => {}
            }
        }
        let leaf = |chain: &[CertFacts]| chain.first().map(|c| (c.key_type.clone(), c.key_bits));
        match obs.tls.as_ref().map(|t| &t.value) {
            Some(TlsOutcome::Established(s)) => facts.key = leaf(&s.chain),
            Some(TlsOutcome::Failed { chain, legacy, .. }) => {
                facts.key = leaf(chain);
                if let Some(LegacyProbe::ServerHello {
                    version,
                    cipher_suite,
                    chain,
                    ..
                }) = legacy
                {
                    facts.offer = Some((*version, *cipher_suite));
                    facts.key = facts.key.take().or_else(|| leaf(chain));
                }
            }
            _ => {}
        }
        facts
    }
}

/// Whether `client` speaks `version` by default: `None` when not known.
///
/// Schannel: TLS 1.0–1.2 on by default from Windows 8 to Windows 11 23H2, SSL 3.0 off since
/// Windows 10 1607 ("Protocols in TLS/SSL (Schannel SSP)"); TLS 1.0/1.1 off by default "starting
/// in Windows 11 Insider Preview builds for September 2023" — first generally available in 24H2 /
/// Server 2025 by inference (unverified). OpenSSL 3 at FreeRDP's security level 1 refuses TLS <
/// 1.2 (lab: `xfreerdp` ERRCONNECT_TLS_CONNECT_FAILED against a TLS 1.0-only xrdp, success with
/// `/tls-seclevel:0`).
pub fn speaks(client: ClientId, version: u16) -> Option<bool> {
    match (client, version) {
        (_, 0x0303) => Some(true),
        (ClientId::WindowsApp, _) => None,
        (ClientId::MstscWin10 | ClientId::MstscWin11Early, 0x0301 | 0x0302) => Some(true),
        (ClientId::MstscWin11 | ClientId::FreeRdp, 0x0301 | 0x0302) => Some(false),
        (_, 0x0304) => match client {
            ClientId::FreeRdp => Some(true),
            ClientId::MstscWin10 => Some(false),
            // Schannel has TLS 1.3 on Windows 11 / Server 2022; whether mstsc asks for it is
            // not documented.
            _ => None,
        },
        _ => Some(false),
    }
}

/// The effect of the version and suite a host offers (`Facts::offer`) on `client`. A suite the
/// client lacks fails only when it is obsolete: then the host had nothing better in common with
/// rdpcheck's broad offer. Otherwise the host may still share another suite with the client.
fn offer_effect(client: ClientId, offer: Option<(u16, u16)>) -> Effect {
    let Some((version, suite)) = offer else {
        return Effect::Unknown;
    };
    match speaks(client, version) {
        Some(false) => return Effect::Fails,
        None => return Effect::Unknown,
        Some(true) => {}
    }
    match suites::offered_by(client, suite) {
        Some(true) => Effect::None,
        Some(false) if suites::obsolete(suite) => Effect::Fails,
        _ => Effect::Unknown,
    }
}

/// Certificate findings: every client shows its untrusted-certificate prompt (mstsc: "The
/// identity of the remote computer cannot be verified"; FreeRDP: the accept-certificate prompt;
/// Windows App: a certificate warning, unverified).
const CERT_PROMPT: Effect = Effect::Warns;

/// What `f` does to `client`.
pub fn effect(f: &Finding, client: ClientId, facts: &Facts) -> Effect {
    use Plain::*;
    let failing = f.severity == Severity::Fail;
    let fails_if_failing = if failing { Effect::Fails } else { Effect::None };
    let plain = match f.code {
        FindingCode::Plain(p) => p,
        FindingCode::TlsAlert(_) => return fails_if_failing,
        // Standard RDP security only: clients fall back to it.
        FindingCode::NegFailure(NegFailure::SslNotAllowed) => {
            return standard_rdp(client, facts);
        }
        FindingCode::NegFailure(_) => return fails_if_failing,
    };
    match plain {
        // Nothing to connect to: every client fails (behind a gateway the host is reached
        // through it instead).
        DnsNxdomain | DnsNoAnswer | DnsFailure | DnsTimeout | TcpRefused | TcpTimeout
        | TcpUnreachable | TcpError => {
            if facts.via_gateway {
                Effect::None
            } else {
                fails_if_failing
            }
        }
        X224Closed
        | X224Reset
        | X224Silent
        | X224Stalled
        | X224NotRdp
        | X224Malformed
        | X224Disconnect
        | SecurityNoLayerAccepted => fails_if_failing,
        X224Legacy => standard_rdp(client, facts),
        SecurityStandardRdpAllowed => {
            if facts.standard_rdp_only {
                standard_rdp(client, facts)
            } else {
                Effect::None
            }
        }
        // Weaknesses and facts no client stops at.
        SecurityNlaNotRequired | SecurityNlaRequired | SecurityInconsistentAnswers => Effect::None,
        // The host breaks TLS for everyone.
        TlsClosedAfterHello | TlsReset | TlsStalled | TlsFailed | NetMtuBlackhole => {
            fails_if_failing
        }
        // What the host offers decides it, client by client.
        TlsLegacyOnly | TlsCipherMismatch | TlsNoForwardSecrecy | TlsProbeUnsupported => {
            offer_effect(client, facts.offer)
        }
        TlsTls13Rejected => match client {
            // OpenSSL 3 offers TLS 1.3 (FreeRDP: /tls:enforce:1.2 avoids it).
            ClientId::FreeRdp => Effect::Fails,
            ClientId::MstscWin10 => Effect::None,
            _ => Effect::Unknown,
        },
        TlsTls13Only => match speaks(client, 0x0304) {
            Some(true) => Effect::None,
            Some(false) => Effect::Fails,
            None => Effect::Unknown,
        },
        TlsCertExpired | TlsCertNotYetValid | TlsCertNameMismatch | TlsCertSelfSigned
        | TlsCertWeakSignature => CERT_PROMPT,
        TlsCertExpiringSoon => Effect::None,
        TlsCertWeakKey => weak_key(client, facts),
        NlaIdentity | NlaClockSkew => Effect::None,
        // An unpatched CredSSP host (TSRequest below version 5): Windows clients updated since
        // May 2018 default to "Mitigated" and refuse it (KB 4295591's table: server not
        // updated, client updated → blocked); FreeRDP speaks the older versions (FreeRDP
        // PR #4510, "non-version 6 servers").
        NlaCredsspUnpatched => match client {
            ClientId::MstscWin11 | ClientId::MstscWin11Early | ClientId::MstscWin10 => {
                Effect::Fails
            }
            ClientId::FreeRdp => Effect::None,
            ClientId::WindowsApp => Effect::Unknown,
        },
        // An error code instead of a challenge: NTLM refused, Kerberos may still work.
        NlaNoChallenge => {
            if failing {
                Effect::Fails
            } else {
                Effect::Unknown
            }
        }
        // This computer's own settings (the Windows build's client section): they say what
        // happens here, not how each client family fares with the host.
        ClientUdpDisabled
        | ClientUdpUnanswered
        | ClientStoredConnection
        | ClientStoredCertStale
        | ClientCredsspBlocked
        | ClientCredsspVulnerable
        | ClientCredsspUnpatched
        | ClientTlsNoCommonVersion
        | ClientTlsVersionDisabled
        | ClientTlsCipherNotInOrder
        | ClientFirewallBlocks
        | ClientFirewallMayBlock
        | ClientMtuReduced
        | ClientRecentDisconnects => Effect::None,
        // Heavy loss (a failure) breaks every client's session alike; light loss only slows.
        NetUnstable | NetPacketLoss => fails_if_failing,
        NetHighLatency => Effect::None,
        ProbeTimeout => Effect::Unknown,
        GatewayDns
        | GatewayTcpRefused
        | GatewayTcpTimeout
        | GatewayTcpError
        | GatewayTlsFailed
        | GatewayTlsUntrusted
        | GatewayCertExpired
        | GatewayCertNameMismatch
        | GatewayRedirect
        | GatewayNotRdg
        | GatewayClosed
        | GatewaySilent => fails_if_failing,
        // 403/404 to the HTTP transport with the RPC proxy answering: mstsc and FreeRDP fall back
        // to RPC over HTTP; whether the Windows App does is not known.
        GatewayNoHttpTransport => match (failing, client) {
            (true, _) => Effect::Fails,
            (false, ClientId::WindowsApp) => Effect::Unknown,
            (false, _) => Effect::None,
        },
        GatewayLive | GatewayRpcProxy | UdpOpen | UdpClosed | UdpInconclusive => Effect::None,
    }
}

/// Standard RDP security only. mstsc falls back to it and warns that the computer's identity
/// cannot be verified ("authentication level" 2, the default). FreeRDP falls back too (lab:
/// weston and the shadow server with /sec:rdp), except that FreeRDP and xrdp's standard RDP
/// security do not agree (lab: "MAC checksum error" in xrdp 0.9.21; xrdp issue #3808): when the
/// host selected it silently, the way xrdp does, FreeRDP's outcome is unknown.
fn standard_rdp(client: ClientId, facts: &Facts) -> Effect {
    match client {
        c if c.is_mstsc() => Effect::Warns,
        ClientId::FreeRdp if facts.standard_rdp_silently => Effect::Unknown,
        ClientId::FreeRdp => Effect::Warns,
        _ => Effect::Unknown,
    }
}

/// A short key: refused under 1024 bits (RSA) by Windows (Security Advisory 2661254) and by
/// OpenSSL's security level 1; accepted from 1024 bits (lab: xfreerdp against a 1024-bit xrdp).
fn weak_key(client: ClientId, facts: &Facts) -> Effect {
    let Some((kind, bits)) = &facts.key else {
        return Effect::Unknown;
    };
    let refused = match kind.as_str() {
        "RSA" | "DSA" => *bits < 1024,
        "EC" => *bits < 160,
        _ => return Effect::Unknown,
    };
    match (client, refused) {
        (ClientId::WindowsApp, _) => Effect::Unknown,
        (_, true) => Effect::Fails,
        (_, false) => Effect::None,
    }
}

/// Every family's outcome from the findings. `unchecked`: a stage rdpcheck could not run although
/// clients would (its own TLS stack could not follow the host), with the code that says why.
pub fn judge(
    findings: &[Finding],
    facts: &Facts,
    unchecked: Option<FindingCode>,
) -> Vec<ClientVerdict> {
    ClientId::ALL
        .into_iter()
        .map(|client| judge_one(client, findings, facts, unchecked))
        .collect()
}

fn judge_one(
    client: ClientId,
    findings: &[Finding],
    facts: &Facts,
    unchecked: Option<FindingCode>,
) -> ClientVerdict {
    let effects: Vec<(FindingCode, Effect)> = findings
        .iter()
        .map(|f| (f.code, effect(f, client, facts)))
        .collect();
    let worst = effects
        .iter()
        .map(|(_, e)| *e)
        .max()
        .unwrap_or(Effect::None);
    // A stage rdpcheck could not check leaves the outcome open unless something already fails.
    let (worst, extra) = match unchecked {
        Some(code) if worst < Effect::Unknown => (Effect::Unknown, Some(code)),
        _ => (worst, None),
    };
    let mut why: Vec<FindingCode> = effects
        .iter()
        .filter(|(_, e)| *e == worst && worst != Effect::None)
        .map(|(c, _)| *c)
        .collect();
    if let Some(code) = extra.filter(|c| !why.contains(c)) {
        why.push(code);
    }
    why.dedup();
    ClientVerdict {
        client,
        outcome: match worst {
            Effect::None => ClientOutcome::Connects,
            Effect::Warns => ClientOutcome::Warns,
            Effect::Unknown => ClientOutcome::Unknown,
            Effect::Fails => ClientOutcome::Fails,
        },
        why,
    }
}

/// The first ladder stage (in `order`) where `verdict`'s failing codes sit.
pub fn failing_stage(verdict: &ClientVerdict, order: &[Stage]) -> Option<Stage> {
    order
        .iter()
        .copied()
        .find(|s| verdict.why.iter().any(|c| c.stage() == Some(*s)))
}
