//! The tls stage: the handshake on the negotiated connection, and what failed when it failed.
//!
//! rdpcheck's own TLS stack (rustls) is narrower than the clients': no TLS 1.0/1.1, no RSA key
//! exchange, DHE or CBC suites, no RSA keys under 2048 bits. When it cannot agree with a host, the
//! hand-built TLS 1.0–1.2 hello tells what the host offers, and the finding says whether clients
//! can use it (a weakness, or a host rdpcheck cannot follow past TLS) or not (a failure).

use rdpcheck_proto::tls_hello;
use rdpcheck_report::{Finding, FindingCode, Plain, Severity};
use serde_json::{json, Map};

use super::cert::{cert_findings, refused_by_clients, weak_key};
use super::{finding, mtu, suites, Judged};
use crate::cert::CertFacts;
use crate::describe;
use crate::observe::{LegacyProbe, Observations, TlsFailure, TlsOutcome, TlsSession};

pub(super) fn judge(obs: &Observations) -> Option<Judged> {
    let t = obs.tls.as_ref()?;
    let mut details = Map::new();
    let mut findings = Vec::new();
    let summary = match &t.value {
        TlsOutcome::NotApplicable(_) => return None,
        TlsOutcome::Established(session) => {
            details.insert("version".into(), json!(session.version));
            details.insert("cipher_suite".into(), json!(session.cipher_suite));
            if let Some(kx) = &session.key_exchange {
                details.insert("key_exchange".into(), json!(kx));
            }
            if let Some(first) = &session.tls13_rejected {
                findings.push(finding(
                    Plain::TlsTls13Rejected,
                    Severity::Warn,
                    "The server breaks off handshakes that offer TLS 1.3; TLS 1.2 works. Clients that offer TLS 1.3 fail against it",
                    format!("offering TLS 1.3: {}; a TLS 1.2-only retry succeeded", describe::tls_failure(first, 0)),
                ));
            }
            findings.extend(tls13_only(session, obs.tls_older.as_ref()));
            if let Some(leaf) = session.chain.first() {
                findings.extend(cert_findings(leaf, &obs.host, obs.now_unix));
            }
            format!("{} with {}", session.version, session.cipher_suite)
        }
        TlsOutcome::Failed {
            failure,
            received,
            chain,
            legacy,
        } => {
            let leaf = leaf_of(chain, legacy.as_ref());
            let f = failure_finding(failure, *received, legacy.as_ref(), leaf);
            let f = mtu::confirm(f, failure, obs.tls_small_mss.as_ref());
            let s = f.summary.clone();
            let failed_code = f.code;
            findings.push(f);
            // What the certificate says still counts, even though the handshake failed.
            if let Some(leaf) = leaf {
                findings.extend(
                    cert_findings(leaf, &obs.host, obs.now_unix)
                        .into_iter()
                        .filter(|c| c.code != failed_code),
                );
            }
            s
        }
    };
    Some(Judged {
        summary,
        details,
        findings,
        ms: t.ms,
    })
}

/// The leaf certificate: from the failed handshake, or from the legacy hello's first flight.
fn leaf_of<'a>(chain: &'a [CertFacts], legacy: Option<&'a LegacyProbe>) -> Option<&'a CertFacts> {
    chain.first().or(match legacy {
        Some(LegacyProbe::ServerHello { chain, .. }) => chain.first(),
        _ => None,
    })
}

/// The finding that explains rdpcheck's own failed handshake (`None` when TLS worked or did not
/// run). Whatever comes after TLS (NLA) was then not checked, for every client that gets past it.
pub(super) fn own_failure(obs: &Observations) -> Option<Finding> {
    let TlsOutcome::Failed {
        failure,
        received,
        chain,
        legacy,
    } = &obs.tls.as_ref()?.value
    else {
        return None;
    };
    let f = failure_finding(
        failure,
        *received,
        legacy.as_ref(),
        leaf_of(chain, legacy.as_ref()),
    );
    Some(mtu::confirm(f, failure, obs.tls_small_mss.as_ref()))
}

/// When rdpcheck's handshake failed but clients can get through what the host offers, the code
/// that says so: later stages (NLA) could not be checked by rdpcheck, and are `unknown`.
pub(super) fn probe_could_not_follow(obs: &Observations) -> Option<FindingCode> {
    own_failure(obs)
        .filter(|f| f.severity != Severity::Fail)
        .map(|f| f.code)
}

/// TLS 1.3 worked, and a TLS 1.0–1.2 hello was refused: clients without TLS 1.3 cannot connect.
fn tls13_only(session: &TlsSession, older: Option<&LegacyProbe>) -> Option<Finding> {
    if session.version != "TLSv1.3" {
        return None;
    }
    let refused = match older? {
        LegacyProbe::Alert(d) => format!(
            "a TLS 1.0–1.2 ClientHello on a fresh connection got alert {d} ({})",
            tls_hello::alert_name(*d)
        ),
        LegacyProbe::Closed => {
            "a TLS 1.0–1.2 ClientHello on a fresh connection was closed without an answer".into()
        }
        // An answer (or an inconclusive try) is no evidence of a TLS 1.3-only host.
        LegacyProbe::ServerHello { .. } | LegacyProbe::Failed(_) => return None,
    };
    Some(finding(
        Plain::TlsTls13Only,
        Severity::Warn,
        "The server speaks only TLS 1.3: clients without TLS 1.3 (mstsc on Windows 10 and Server 2016–2019) cannot connect",
        format!("{} with {} worked; {refused}", session.version, session.cipher_suite),
    ))
}

/// The finding that explains a failed handshake, with the evidence of both hellos.
fn failure_finding(
    failure: &TlsFailure,
    received: usize,
    legacy: Option<&LegacyProbe>,
    leaf: Option<&CertFacts>,
) -> Finding {
    let mut evidence = describe::tls_failure(failure, received);
    if let Some(l) = legacy {
        evidence.push_str("; ");
        evidence.push_str(&describe::legacy(l));
    }
    if let Some(f) = offer_finding(legacy, &evidence) {
        return f;
    }
    // A key rustls refuses to verify signatures from: the certificate is the cause.
    if let Some(leaf) = leaf.filter(|l| weak_key(l)) {
        return weak_key_finding(leaf, evidence);
    }
    let (code, summary) = match failure {
        TlsFailure::ClosedAfterHello | TlsFailure::X224Reply(_) => (
            FindingCode::from(Plain::TlsClosedAfterHello),
            "The server closed the connection as soon as TLS started: the classic sign of a broken RDP certificate or unreadable private key (MachineKeys)".to_string(),
        ),
        TlsFailure::Reset => (
            FindingCode::from(Plain::TlsReset),
            "The server reset the connection during the TLS handshake: a broken RDP certificate or key, or a TLS policy that refuses the client".to_string(),
        ),
        TlsFailure::Alert(d) => (
            FindingCode::TlsAlert(*d),
            format!("The server refused the TLS handshake with alert {d} ({})", tls_hello::alert_name(*d)),
        ),
        TlsFailure::Stalled => (
            FindingCode::from(Plain::TlsStalled),
            format!("The TLS handshake stalled after {received} bytes: large packets are being lost (MTU / VPN)"),
        ),
        TlsFailure::ClosedDuringHandshake | TlsFailure::Protocol(_) | TlsFailure::Other(_) => (
            FindingCode::from(Plain::TlsFailed),
            "The TLS handshake failed".to_string(),
        ),
    };
    finding(code, Severity::Fail, summary, evidence)
}

/// What the legacy hello's ServerHello says about the host's offer, when that is the cause.
fn offer_finding(legacy: Option<&LegacyProbe>, evidence: &str) -> Option<Finding> {
    let Some(LegacyProbe::ServerHello {
        version,
        cipher_suite,
        probe_supports,
        ..
    }) = legacy
    else {
        return None;
    };
    let suite = describe::cipher_name(*cipher_suite);
    let version_name = tls_hello::version_name(*version);
    if *version < 0x0303 {
        return Some(finding(
            Plain::TlsLegacyOnly,
            Severity::Fail,
            format!(
                "The server speaks only {version_name}, which current TLS stacks refuse by default (FreeRDP on OpenSSL 3, Windows 11 24H2 and later); older Windows clients still connect"
            ),
            evidence,
        ));
    }
    if suites::obsolete(*cipher_suite) {
        return Some(finding(
            Plain::TlsCipherMismatch,
            Severity::Fail,
            format!(
                "The server accepts {version_name} only with {suite}, an obsolete suite most current clients no longer offer"
            ),
            evidence,
        ));
    }
    if *probe_supports {
        // rustls implements the suite: the offer is not what failed.
        return None;
    }
    let (code, severity, summary) = if suites::static_rsa(*cipher_suite) {
        (
            Plain::TlsNoForwardSecrecy,
            Severity::Warn,
            format!(
                "The server offers {version_name} only with RSA key exchange ({suite}): no forward secrecy. Windows and FreeRDP (OpenSSL 3) still offer these suites, so clients connect; rdpcheck's own TLS stack does not, so it could not go on past TLS"
            ),
        )
    } else {
        (
            Plain::TlsProbeUnsupported,
            Severity::Info,
            format!(
                "The server chose {suite}, which clients accept but rdpcheck's own TLS stack (rustls) does not implement: rdpcheck could not go on past TLS"
            ),
        )
    };
    Some(finding(code, severity, summary, evidence))
}

/// A key too short for rustls (RSA under 2048 bits). Keys under 1024 bits (RSA) or 160 bits (EC)
/// every current client refuses too; above that FreeRDP (OpenSSL security level 1) and Windows
/// accept them.
fn weak_key_finding(leaf: &CertFacts, evidence: String) -> Finding {
    if refused_by_clients(leaf) {
        return finding(
            Plain::TlsCertWeakKey,
            Severity::Fail,
            format!(
                "The certificate key is only {} {} bits: current clients (Windows, FreeRDP on OpenSSL 3) refuse keys this short",
                leaf.key_type, leaf.key_bits
            ),
            evidence,
        );
    }
    finding(
        Plain::TlsCertWeakKey,
        Severity::Warn,
        format!(
            "The certificate key is only {} {} bits: Windows and FreeRDP clients still accept it, but rdpcheck's own TLS stack (rustls, 2048 bits and more) refuses the handshake, so it could not go on past TLS",
            leaf.key_type, leaf.key_bits
        ),
        evidence,
    )
}
