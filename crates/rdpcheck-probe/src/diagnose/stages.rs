//! One judgement per ladder stage: a stage result plus the findings it proves.

use rdpcheck_proto::tls_hello;
use rdpcheck_proto::x224::{protocol, protocol_name, FailureCode, Negotiation};
use rdpcheck_report::{Finding, Severity, StageResult, StageStatus};
use serde_json::{json, Map, Value};

use super::{finding, status_of};
use crate::cert::weak_signature;
use crate::describe;
use crate::observe::{
    ConnectOutcome, DnsOutcome, LegacyProbe, NlaOutcome, Observations, ReplyOutcome, Sample,
    TlsFailure, TlsOutcome,
};
use crate::sections;

/// The RD Gateway hop, judged first when the client uses a gateway.
pub const GATEWAY_STAGES: [&str; 4] = ["gateway.dns", "gateway.tcp", "gateway.tls", "gateway.http"];

/// The direct path to the host, in ladder order.
pub const STAGES: [&str; 7] = [
    "dns",
    "tcp",
    "x224",
    "security_layers",
    "tls",
    "nla",
    "stability",
];

/// Every stage of a check in ladder order: gateway hop, direct path, UDP.
pub fn ladder_stages(gateway: bool, udp: bool) -> Vec<&'static str> {
    let mut all = Vec::new();
    if gateway {
        all.extend(GATEWAY_STAGES);
    }
    all.extend(STAGES);
    if udp {
        all.push("udp");
    }
    all
}

/// Clock skew beyond which Kerberos refuses tickets (its default tolerance is 5 minutes).
const SKEW_WARN_S: f64 = 300.0;
const SKEW_NOTE_S: f64 = 60.0;
/// Handshakes slower than this feel sluggish and hint at a congested or distant path.
const HIGH_LATENCY_MS: f64 = 150.0;
const JITTER_MS: f64 = 50.0;
const EXPIRY_SOON_DAYS: i64 = 30;

use super::path::{gateway_stage, udp_stage, Judged};

/// Judge one stage by name. A stage that did not run is `skip` with the reason.
pub fn judge_stage(name: &str, obs: &Observations) -> (StageResult, Vec<Finding>) {
    let judged = match name {
        "dns" => dns(obs),
        "tcp" => tcp(obs),
        "x224" => x224(obs),
        "security_layers" => layers(obs),
        "tls" => tls(obs),
        "nla" => nla(obs),
        "stability" => stability(obs),
        "udp" => udp_stage(obs),
        g if g.starts_with("gateway.") => gateway_stage(g, obs),
        _ => None,
    };
    match judged {
        Some(j) => {
            let status = status_of(&j.findings);
            (
                StageResult {
                    name: name.to_string(),
                    status,
                    duration_ms: round(j.ms),
                    summary: j.summary,
                    details: j.details,
                },
                j.findings,
            )
        }
        None => {
            let mut findings = Vec::new();
            let summary = if obs.deadline_skipped.iter().any(|s| s == name) {
                findings.push(finding(
                    "probe.timeout",
                    Severity::Warn,
                    format!("The {name} stage did not run: the whole-check deadline passed"),
                    format!(
                        "stages skipped for time: {}",
                        obs.deadline_skipped.join(", ")
                    ),
                ));
                "not run: the whole-check deadline passed".to_string()
            } else {
                skip_reason(name, obs)
            };
            (
                StageResult {
                    name: name.to_string(),
                    status: StageStatus::Skip,
                    duration_ms: 0.0,
                    summary,
                    details: Map::new(),
                },
                // Report the deadline once, on the first skipped stage.
                if obs.deadline_skipped.first().map(String::as_str) == Some(name) {
                    findings
                } else {
                    Vec::new()
                },
            )
        }
    }
}

fn skip_reason(name: &str, obs: &Observations) -> String {
    match name {
        "tls" | "nla" if obs.x224.is_some() => match &obs.tls {
            Some(t) => match &t.value {
                TlsOutcome::NotApplicable(reason) => format!("not run: {reason}"),
                TlsOutcome::Established(_) => "not run: the server did not select NLA".into(),
                TlsOutcome::Failed { .. } => "not run: TLS did not complete".into(),
            },
            None => "not run: the negotiation did not select a security layer".into(),
        },
        "stability" if obs.x224.is_some() => "not run: no handshakes requested".into(),
        "udp" => "not run: no address to send to".into(),
        g if g.starts_with("gateway.") => "not run: an earlier gateway stage failed".into(),
        _ => "not run: an earlier stage failed".into(),
    }
}

fn round(ms: f64) -> f64 {
    (ms * 100.0).round() / 100.0
}

fn dns(obs: &Observations) -> Option<Judged> {
    let d = obs.dns.as_ref()?;
    let host = &obs.host;
    let mut details = Map::new();
    let (summary, findings) = match &d.value {
        DnsOutcome::Literal(ip) => {
            details.insert("addresses".into(), json!([ip.to_string()]));
            (format!("{ip} is an IP address: nothing to resolve"), vec![])
        }
        DnsOutcome::Resolved(addrs) => {
            let list: Vec<String> = addrs.iter().map(ToString::to_string).collect();
            details.insert("addresses".into(), json!(list));
            (format!("{host} resolves to {}", list.join(", ")), vec![])
        }
        DnsOutcome::NxDomain => fail1(
            "dns.nxdomain",
            format!("The name {host} does not exist in DNS"),
            "the resolver answered NXDOMAIN",
        ),
        DnsOutcome::NoAnswer => fail1(
            "dns.no_answer",
            format!("{host} exists in DNS but has no IPv4 or IPv6 address"),
            "the resolver answered without A or AAAA records",
        ),
        DnsOutcome::Timeout => fail1(
            "dns.timeout",
            format!("No DNS answer for {host} before the deadline"),
            "the resolver did not answer in time",
        ),
        DnsOutcome::Failure(e) => {
            fail1("dns.failure", format!("Resolving {host} failed"), e.clone())
        }
    };
    Some(Judged {
        summary: findings.first().map_or(summary, |f| f.summary.clone()),
        details,
        findings,
        ms: d.ms,
    })
}

fn fail1(code: &str, summary: String, evidence: impl Into<String>) -> (String, Vec<Finding>) {
    (
        summary.clone(),
        vec![finding(code, Severity::Fail, summary, evidence)],
    )
}

fn tcp(obs: &Observations) -> Option<Judged> {
    let first = obs.tcp.first()?;
    let port = obs.port;
    let mut details = Map::new();
    let per_address: Vec<Value> = obs
        .tcp
        .iter()
        .map(|a| json!({"address": a.addr.to_string(), "outcome": describe::connect(&a.outcome), "ms": round(a.ms)}))
        .collect();
    details.insert("attempts".into(), Value::Array(per_address));
    let ms = obs.tcp.iter().map(|a| a.ms).sum();
    if let Some(ok) = obs
        .tcp
        .iter()
        .find(|a| a.outcome == ConnectOutcome::Connected)
    {
        details.insert("rtt_ms".into(), json!(round(ok.ms)));
        let mut summary = format!(
            "{}:{port} accepted the connection in {}",
            ok.addr,
            describe::ms(ok.ms)
        );
        let failed = obs
            .tcp
            .iter()
            .filter(|a| a.outcome != ConnectOutcome::Connected)
            .count();
        if failed > 0 {
            summary.push_str(&format!(" ({failed} earlier address(es) failed)"));
        }
        return Some(Judged {
            summary,
            details,
            findings: vec![],
            ms,
        });
    }
    let evidence = obs
        .tcp
        .iter()
        .map(|a| {
            format!(
                "{}:{port}: {} after {}",
                a.addr,
                describe::connect(&a.outcome),
                describe::ms(a.ms)
            )
        })
        .collect::<Vec<_>>()
        .join("; ");
    let (code, summary) = match &first.outcome {
        ConnectOutcome::Refused => (
            "tcp.refused",
            format!("Port {port} refused the connection: nothing listens there, or a firewall rejects it"),
        ),
        ConnectOutcome::TimedOut => (
            "tcp.timeout",
            format!("No answer on port {port}: a firewall or network security group drops the traffic, or the host is down"),
        ),
        ConnectOutcome::Unreachable(_) => (
            "tcp.unreachable",
            "The network path to the host is unreachable (no route or ICMP unreachable)".to_string(),
        ),
        ConnectOutcome::Other(_) | ConnectOutcome::Connected => (
            "tcp.error",
            format!("Connecting to port {port} failed"),
        ),
    };
    Some(Judged {
        summary: summary.clone(),
        details,
        findings: vec![finding(code, Severity::Fail, summary, evidence)],
        ms,
    })
}

fn x224(obs: &Observations) -> Option<Judged> {
    let x = obs.x224.as_ref()?;
    let evidence = describe::reply_outcome(&x.value);
    let mut details = Map::new();
    let fail =
        |code: &str, summary: &str| vec![finding(code, Severity::Fail, summary, evidence.clone())];
    let findings = match &x.value {
        ReplyOutcome::Confirm {
            negotiation,
            src_ref,
            ..
        } => {
            details.insert("source_ref".into(), json!(format!("{src_ref:#06x}")));
            match negotiation {
                Negotiation::Selected { selected, flags } => {
                    details.insert("selected".into(), json!(protocol_name(*selected)));
                    details.insert("flags".into(), json!(format!("{flags:#04x}")));
                    vec![]
                }
                Negotiation::Failure(code) => neg_failure(*code, &evidence),
                Negotiation::Legacy => vec![finding(
                    "x224.legacy",
                    Severity::Warn,
                    "The server answered without negotiation data: a pre-2003 RDP stack or a proxy; only standard RDP security is possible",
                    evidence.clone(),
                )],
            }
        }
        ReplyOutcome::Closed { .. } | ReplyOutcome::Io(_) => fail(
            "x224.closed",
            "The server accepted TCP, then closed the connection without answering the RDP connection request",
        ),
        ReplyOutcome::Reset { .. } => fail(
            "x224.reset",
            "The server accepted TCP, then reset the connection instead of answering the RDP connection request",
        ),
        ReplyOutcome::Silent => fail(
            "x224.silent",
            "The server accepted TCP but never answered the RDP connection request",
        ),
        ReplyOutcome::Stalled { .. } => fail(
            "x224.stalled",
            "The server started an answer and then stopped sending before the deadline",
        ),
        ReplyOutcome::NotRdp { peer, .. } => {
            vec![finding(
                "x224.not_rdp",
                Severity::Fail,
                format!("This port does not speak RDP: {peer} answered"),
                evidence.clone(),
            )]
        }
        ReplyOutcome::Malformed { .. } => fail(
            "x224.malformed",
            "The server's answer looks like RDP framing but does not decode as a connection confirm",
        ),
        ReplyOutcome::Disconnect { .. } => fail(
            "x224.disconnect",
            "The server answered the connection request with a disconnect",
        ),
        ReplyOutcome::ConnectFailed(_) => fail("tcp.error", "The negotiation connection could not be made"),
    };
    let summary = findings.first().map_or_else(
        || format!("RDP answered: {evidence}"),
        |f| f.summary.clone(),
    );
    Some(Judged {
        summary,
        details,
        findings,
        ms: x.ms,
    })
}

fn neg_failure(code: FailureCode, evidence: &str) -> Vec<Finding> {
    let name = format!("x224.neg_failure.{}", code.slug());
    // We offered TLS, NLA and NLA-EX, so only "standard RDP only" leaves clients a way in (insecure).
    let (severity, summary) = match code {
        FailureCode::SslNotAllowed => (
            Severity::Warn,
            "The server refuses TLS and NLA: clients fall back to standard RDP security, which has no server authentication".to_string(),
        ),
        other => (
            Severity::Fail,
            format!("The server refused the negotiation: {other}"),
        ),
    };
    vec![finding(name, severity, summary, evidence)]
}

fn layers(obs: &Observations) -> Option<Judged> {
    let l = obs.layers.as_ref()?;
    let main = obs.x224.as_ref().map(|x| &x.value);
    let report = sections::security_layers(&l.value, main);
    let mut details = Map::new();
    let mut findings = Vec::new();
    let mut accepted = Vec::new();
    for probe in &l.value {
        let text = describe::reply_outcome(&probe.outcome);
        details.insert(probe.layer.into(), json!(text));
        if matches!(&probe.outcome, ReplyOutcome::Confirm { negotiation: Negotiation::Selected { selected, .. }, .. } if *selected == probe.expect)
        {
            accepted.push(probe.layer);
        }
    }
    let evidence = l
        .value
        .iter()
        .map(|p| {
            format!(
                "asked {} only ({:#04x}): {}",
                p.layer,
                p.requested,
                describe::reply_outcome(&p.outcome)
            )
        })
        .collect::<Vec<_>>()
        .join("; ");
    let legacy = matches!(
        main,
        Some(ReplyOutcome::Confirm {
            negotiation: Negotiation::Legacy,
            ..
        })
    );
    if report.standard_rdp_allowed || legacy {
        findings.push(finding(
            "security.standard_rdp_allowed",
            Severity::Warn,
            "Standard RDP security (no TLS) is still accepted: the server is not authenticated and the session is open to man-in-the-middle",
            evidence.clone(),
        ));
    }
    let every_layer_refused = accepted.is_empty()
        && !report.nla_ex.accepted
        && l.value
            .iter()
            .all(|p| matches!(p.outcome, ReplyOutcome::Confirm { .. }));
    if every_layer_refused && !legacy {
        findings.push(finding(
            "security.no_layer_accepted",
            Severity::Fail,
            "The server refused every security layer, standard RDP included: no client can connect",
            evidence,
        ));
    } else if report.nla_required {
        findings.push(finding(
            "security.nla_required",
            Severity::Info,
            "Network Level Authentication is enforced: users authenticate before a session starts",
            evidence.clone(),
        ));
    } else {
        let downgraded = l
            .value
            .iter()
            .find(|p| p.layer == "nla")
            .and_then(|p| match &p.outcome {
                ReplyOutcome::Confirm {
                    negotiation: Negotiation::Selected { selected, .. },
                    ..
                } if *selected != protocol::HYBRID => Some(protocol_name(*selected)),
                _ => None,
            });
        let summary = match (report.nla.accepted, downgraded) {
            (true, _) => "NLA is offered but not enforced: anyone can reach the logon screen, and clients that skip NLA still get in".to_string(),
            (false, Some(sel)) => format!("NLA is not available: asked for NLA, the server selected {sel} instead; clients set to require NLA will refuse"),
            (false, None) => "NLA is not available: clients set to require NLA will refuse this host".to_string(),
        };
        findings.push(finding(
            "security.nla_not_required",
            Severity::Warn,
            summary,
            evidence,
        ));
    }
    details.insert("nla_required".into(), json!(report.nla_required));
    details.insert(
        "standard_rdp_allowed".into(),
        json!(report.standard_rdp_allowed),
    );
    let summary = if accepted.is_empty() {
        "No layer was accepted on its own".to_string()
    } else {
        format!("Accepted on their own: {}", accepted.join(", "))
    };
    Some(Judged {
        summary,
        details,
        findings,
        ms: l.ms,
    })
}

fn tls(obs: &Observations) -> Option<Judged> {
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
                    "tls.tls13_rejected",
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
            let failed_code = f.code.clone();
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
    leaf: Option<&crate::cert::CertFacts>,
    evidence: String,
) -> Finding {
    if let Some(LegacyProbe::ServerHello {
        version,
        cipher_suite,
    }) = legacy
    {
        if *version < 0x0303 {
            return finding(
                "tls.legacy_only",
                Severity::Fail,
                format!(
                    "The server speaks only {}: clients that require TLS 1.2 (current FreeRDP, hardened Windows) cannot connect",
                    tls_hello::version_name(*version)
                ),
                evidence,
            );
        }
        if !crate::stages::tls::suite_supported(*cipher_suite) {
            return finding(
                "tls.cipher_mismatch",
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
            "tls.cert_weak_key",
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
            "tls.closed_after_hello".to_string(),
            "The server closed the connection as soon as TLS started: the classic sign of a broken RDP certificate or unreadable private key (MachineKeys)".to_string(),
        ),
        TlsFailure::Reset => (
            "tls.reset".to_string(),
            "The server reset the connection during the TLS handshake: a broken RDP certificate or key, or a TLS policy that refuses the client".to_string(),
        ),
        TlsFailure::Alert(d) => (
            format!("tls.alert.{}", tls_hello::alert_name(*d)),
            format!("The server refused the TLS handshake with alert {d} ({})", tls_hello::alert_name(*d)),
        ),
        TlsFailure::Stalled => (
            "tls.stalled".to_string(),
            format!("The TLS handshake stalled after {received} bytes: large packets are being lost (MTU / VPN)"),
        ),
        TlsFailure::ClosedDuringHandshake | TlsFailure::Protocol(_) | TlsFailure::Other(_) => (
            "tls.failed".to_string(),
            "The TLS handshake failed".to_string(),
        ),
    };
    finding(code, Severity::Fail, summary, evidence)
}

fn cert_findings(leaf: &crate::cert::CertFacts, host: &str, now: f64) -> Vec<Finding> {
    let mut out = Vec::new();
    let facts = format!(
        "subject {}, issuer {}, valid {} to {}, SHA-256 {}",
        leaf.subject,
        leaf.issuer,
        sections::rfc3339(leaf.not_before_unix),
        sections::rfc3339(leaf.not_after_unix),
        leaf.sha256
    );
    let now = now as i64;
    let days_left = (leaf.not_after_unix - now).div_euclid(86_400);
    if leaf.not_after_unix < now {
        out.push(finding(
            "tls.cert_expired",
            Severity::Warn,
            format!("The RDP certificate expired {} days ago", -days_left),
            facts.clone(),
        ));
    } else if leaf.not_before_unix > now {
        out.push(finding(
            "tls.cert_not_yet_valid",
            Severity::Warn,
            "The RDP certificate is not valid yet: the server's clock or the certificate is wrong",
            facts.clone(),
        ));
    } else if days_left < EXPIRY_SOON_DAYS {
        out.push(finding(
            "tls.cert_expiring_soon",
            Severity::Warn,
            format!("The RDP certificate expires in {days_left} days"),
            facts.clone(),
        ));
    }
    if leaf.self_signed {
        out.push(finding(
            "tls.cert_self_signed",
            Severity::Info,
            "The certificate is self-signed (the Windows default for RDP): clients warn unless it is pinned or replaced",
            facts.clone(),
        ));
    }
    if !leaf.matches_name(host) {
        out.push(finding(
            "tls.cert_name_mismatch",
            Severity::Warn,
            format!("The certificate does not name {host}: clients show a name-mismatch warning"),
            format!(
                "names in the certificate: {}; CN {}",
                if leaf.san.is_empty() {
                    "none".into()
                } else {
                    leaf.san.join(", ")
                },
                leaf.common_name.as_deref().unwrap_or("none")
            ),
        ));
    }
    if weak_key(leaf) {
        out.push(finding(
            "tls.cert_weak_key",
            Severity::Warn,
            format!(
                "The certificate key is only {} {} bits: current TLS stacks refuse it",
                leaf.key_type, leaf.key_bits
            ),
            facts.clone(),
        ));
    }
    if weak_signature(&leaf.signature_algorithm) {
        out.push(finding(
            "tls.cert_weak_signature",
            Severity::Warn,
            format!(
                "The certificate is signed with {}, which current clients distrust",
                leaf.signature_algorithm
            ),
            facts,
        ));
    }
    out
}

fn weak_key(leaf: &crate::cert::CertFacts) -> bool {
    match leaf.key_type.as_str() {
        "RSA" | "DSA" => leaf.key_bits < 2048,
        "EC" => leaf.key_bits < 256,
        _ => false,
    }
}

fn nla(obs: &Observations) -> Option<Judged> {
    let n = obs.nla.as_ref()?;
    let mut details = Map::new();
    let (summary, findings) = match &n.value {
        NlaOutcome::Challenge(ch) => {
            let report = sections::nla(ch, obs.now_unix);
            let who = [
                report.netbios_domain.as_deref(),
                report.netbios_computer.as_deref(),
            ]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join("\\");
            let os = report.product_version.as_deref().unwrap_or("unknown");
            let mut f = vec![finding(
                "nla.identity",
                Severity::Info,
                format!("The host identifies itself as {} (OS version {os})", if who.is_empty() { "(no name)" } else { &who }),
                format!(
                    "NTLM CHALLENGE: NetBIOS {} / {}, DNS {} / {}, product version {os}; no credentials were sent",
                    report.netbios_domain.as_deref().unwrap_or("-"),
                    report.netbios_computer.as_deref().unwrap_or("-"),
                    report.dns_domain.as_deref().unwrap_or("-"),
                    report.dns_computer.as_deref().unwrap_or("-"),
                ),
            )];
            if let Some(skew) = report.clock_skew_s {
                details.insert("clock_skew_s".into(), json!(skew));
                if skew.abs() >= SKEW_NOTE_S {
                    let severity = if skew.abs() >= SKEW_WARN_S {
                        Severity::Warn
                    } else {
                        Severity::Info
                    };
                    f.push(finding(
                        "nla.clock_skew",
                        severity,
                        format!("The server's clock is {:.0} s {} ours: Kerberos fails beyond 5 minutes", skew.abs(), if skew > 0.0 { "ahead of" } else { "behind" }),
                        format!("server time {} per the NTLM challenge", report.server_time.as_deref().unwrap_or("-")),
                    ));
                }
            }
            if let Some(v) = serde_json::to_value(&report)
                .ok()
                .and_then(|v| v.as_object().cloned())
            {
                details.extend(v);
            }
            (
                format!(
                    "NTLM challenge received from {}",
                    if who.is_empty() { "the host" } else { &who }
                ),
                f,
            )
        }
        NlaOutcome::ServerError(code) => {
            let f = finding(
                "nla.no_challenge",
                Severity::Warn,
                format!("The server answered NTLM with error {code:#010x}: NTLM may be disabled by policy (Kerberos-only clients can still work)"),
                format!("CredSSP errorCode {code:#010x} instead of a challenge"),
            );
            (f.summary.clone(), vec![f])
        }
        NlaOutcome::NoChallenge(why) => {
            let f = finding(
                "nla.no_challenge",
                Severity::Fail,
                "NLA was selected but the server did not answer with an NTLM challenge: CredSSP on the host is broken or blocked",
                why.clone(),
            );
            (f.summary.clone(), vec![f])
        }
    };
    Some(Judged {
        summary,
        details,
        findings,
        ms: n.ms,
    })
}

fn stability(obs: &Observations) -> Option<Judged> {
    let s = obs.stability.as_ref()?;
    let report = sections::stability(&s.value);
    let mut details = Map::new();
    if let Some(v) = serde_json::to_value(&report)
        .ok()
        .and_then(|v| v.as_object().cloned())
    {
        details.extend(v);
    }
    let mut findings = Vec::new();
    let evidence = format!(
        "{} handshakes: {} ok, {} failed; min {} / median {} / max {}, jitter {}",
        report.samples,
        report.ok,
        report.failed,
        opt_ms(report.min_ms),
        opt_ms(report.median_ms),
        opt_ms(report.max_ms),
        opt_ms(report.jitter_ms)
    );
    let median = report.median_ms.unwrap_or(0.0);
    let jitter = report.jitter_ms.unwrap_or(0.0);
    if report.failed > 0 {
        let severity = if report.failed * 2 >= report.samples {
            Severity::Fail
        } else {
            Severity::Warn
        };
        let failures = s
            .value
            .iter()
            .filter_map(|x| match x {
                Sample::Failed(why) => Some(why.as_str()),
                Sample::Ok { .. } => None,
            })
            .collect::<Vec<_>>()
            .join("; ");
        findings.push(finding(
            "net.unstable",
            severity,
            format!(
                "{} of {} repeated handshakes failed: the path or the server drops connections",
                report.failed, report.samples
            ),
            format!("{evidence}; failures: {failures}"),
        ));
    } else if jitter > JITTER_MS && jitter > median / 2.0 {
        findings.push(finding(
            "net.unstable",
            Severity::Warn,
            format!(
                "Handshake times vary by {} on average: an unstable path (Wi-Fi, VPN, congestion)",
                describe::ms(jitter)
            ),
            evidence.clone(),
        ));
    }
    let rtt = obs
        .tcp
        .iter()
        .find(|a| a.outcome == ConnectOutcome::Connected)
        .map(|a| a.ms)
        .unwrap_or(0.0);
    if median > HIGH_LATENCY_MS || rtt > HIGH_LATENCY_MS {
        findings.push(finding(
            "net.high_latency",
            Severity::Warn,
            format!("Handshakes take {} (TCP connect {}): sessions will feel slow, and lossy links make them drop", describe::ms(median), describe::ms(rtt)),
            evidence.clone(),
        ));
    }
    let summary = format!(
        "{}/{} handshakes ok, median {}, jitter {}",
        report.ok,
        report.samples,
        opt_ms(report.median_ms),
        opt_ms(report.jitter_ms)
    );
    Some(Judged {
        summary,
        details,
        findings,
        ms: s.ms,
    })
}

fn opt_ms(v: Option<f64>) -> String {
    v.map(describe::ms).unwrap_or_else(|| "-".into())
}
