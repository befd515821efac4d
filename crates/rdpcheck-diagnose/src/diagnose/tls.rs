//! The tls stage: the handshake on the negotiated connection, and what failed when it failed.

use rdpcheck_proto::tls_hello;
use rdpcheck_report::{Finding, FindingCode, Plain, Severity};
use serde_json::{json, Map};

use super::cert::{cert_findings, weak_key};
use super::{finding, Judged};
use crate::cert::CertFacts;
use crate::describe;
use crate::observe::{LegacyProbe, Observations, TlsFailure, TlsOutcome};

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
            let mut evidence = describe::tls_failure(failure, *received);
            if let Some(l) = legacy {
                evidence.push_str("; ");
                evidence.push_str(&describe::legacy(l));
            }
            let f =
                tls_failure_finding(failure, *received, legacy.as_ref(), chain.first(), evidence);
            let s = f.summary.clone();
            let failed_code = f.code;
            findings.push(f);
            // What the certificate says still counts, even though the handshake failed.
            if let Some(leaf) = chain.first() {
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

fn tls_failure_finding(
    failure: &TlsFailure,
    received: usize,
    legacy: Option<&LegacyProbe>,
    leaf: Option<&CertFacts>,
    evidence: String,
) -> Finding {
    if let Some(LegacyProbe::ServerHello {
        version,
        cipher_suite,
        probe_supports,
    }) = legacy
    {
        if *version < 0x0303 {
            return finding(
                Plain::TlsLegacyOnly,
                Severity::Fail,
                format!(
                    "The server speaks only {}: clients that require TLS 1.2 (current FreeRDP, hardened Windows) cannot connect",
                    tls_hello::version_name(*version)
                ),
                evidence,
            );
        }
        if !probe_supports {
            return finding(
                Plain::TlsCipherMismatch,
                Severity::Fail,
                format!(
                    "The server accepts TLS 1.2 only with {}, which current TLS stacks no longer offer by default",
                    describe::cipher_name(*cipher_suite)
                ),
                evidence,
            );
        }
    }
    // A key current stacks refuse to verify signatures from: the certificate is the cause.
    if let Some(leaf) = leaf.filter(|l| weak_key(l)) {
        return finding(
            Plain::TlsCertWeakKey,
            Severity::Fail,
            format!(
                "The certificate key is only {} {} bits: current TLS stacks (FreeRDP, rustls) refuse the handshake; older Windows clients may still connect",
                leaf.key_type, leaf.key_bits
            ),
            evidence,
        );
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
