//! Judgement of the RD Gateway hop and the UDP stage.

use rdpcheck_report::{Finding, Severity};
use serde_json::{json, Map, Value};

use super::finding;
use crate::describe;
use crate::observe::{
    ConnectOutcome, DnsOutcome, GatewayObs, GatewayTls, HttpOutcome, Observations, Trust,
    UdpOutcome,
};
use crate::sections;

pub struct Judged {
    pub summary: String,
    pub details: Map<String, Value>,
    pub findings: Vec<Finding>,
    pub ms: f64,
}

fn fail(code: &str, summary: String, evidence: String, ms: f64) -> Judged {
    Judged {
        summary: summary.clone(),
        details: Map::new(),
        findings: vec![finding(code, Severity::Fail, summary, evidence)],
        ms,
    }
}

fn pass(summary: String, ms: f64) -> Judged {
    Judged {
        summary,
        details: Map::new(),
        findings: vec![],
        ms,
    }
}

pub fn gateway_stage(name: &str, obs: &Observations) -> Option<Judged> {
    let g = obs.gateway.as_ref()?;
    match name {
        "gateway.dns" => gateway_dns(g),
        "gateway.tcp" => gateway_tcp(g),
        "gateway.tls" => gateway_tls(g, obs.now_unix),
        "gateway.http" => gateway_http(g),
        _ => None,
    }
}

fn gateway_dns(g: &GatewayObs) -> Option<Judged> {
    let d = g.dns.as_ref()?;
    let host = &g.host;
    Some(match &d.value {
        DnsOutcome::Literal(ip) => pass(format!("{ip} is an IP address"), d.ms),
        DnsOutcome::Resolved(addrs) => {
            let list: Vec<String> = addrs.iter().map(ToString::to_string).collect();
            let mut j = pass(format!("{host} resolves to {}", list.join(", ")), d.ms);
            j.details.insert("addresses".into(), json!(list));
            j
        }
        other => {
            let why = match other {
                DnsOutcome::NxDomain => "does not exist in DNS (NXDOMAIN)".to_string(),
                DnsOutcome::NoAnswer => "has no IPv4 or IPv6 address".to_string(),
                DnsOutcome::Timeout => "got no DNS answer before the deadline".to_string(),
                DnsOutcome::Failure(e) => format!("could not be resolved: {e}"),
                _ => String::new(),
            };
            fail(
                "gateway.dns",
                format!("The RD Gateway name {host} {why}"),
                why.clone(),
                d.ms,
            )
        }
    })
}

fn gateway_tcp(g: &GatewayObs) -> Option<Judged> {
    let first = g.tcp.first()?;
    let ms = g.tcp.iter().map(|a| a.ms).sum();
    if let Some(ok) = g
        .tcp
        .iter()
        .find(|a| a.outcome == ConnectOutcome::Connected)
    {
        return Some(pass(
            format!(
                "{}:{} accepted the connection in {}",
                ok.addr,
                g.port,
                describe::ms(ok.ms)
            ),
            ms,
        ));
    }
    let evidence = g
        .tcp
        .iter()
        .map(|a| format!("{}:{}: {}", a.addr, g.port, describe::connect(&a.outcome)))
        .collect::<Vec<_>>()
        .join("; ");
    let (code, summary) = match first.outcome {
        ConnectOutcome::Refused => (
            "gateway.tcp_refused",
            format!("The RD Gateway refused connections on port {}", g.port),
        ),
        ConnectOutcome::TimedOut => (
            "gateway.tcp_timeout",
            format!("No answer from the RD Gateway on port {}: a firewall drops the traffic, or the gateway is down", g.port),
        ),
        _ => (
            "gateway.tcp_error",
            format!("Connecting to the RD Gateway on port {} failed", g.port),
        ),
    };
    Some(fail(code, summary, evidence, ms))
}

fn gateway_tls(g: &GatewayObs, now: f64) -> Option<Judged> {
    let t = g.tls.as_ref()?;
    match &t.value {
        GatewayTls::Failed { failure, received } => Some(fail(
            "gateway.tls_failed",
            "The TLS handshake with the RD Gateway failed".into(),
            describe::tls_failure(failure, *received),
            t.ms,
        )),
        GatewayTls::Established { session, trust } => {
            let leaf = session.chain.first();
            let facts = leaf
                .map(|c| {
                    let info = sections::cert_info(c, &g.host, now);
                    format!(
                        "subject {}, issuer {}, valid {} to {}, names {}, SHA-256 {}",
                        info.subject,
                        info.issuer,
                        info.not_before,
                        info.not_after,
                        if info.san.is_empty() {
                            "-".into()
                        } else {
                            info.san.join(", ")
                        },
                        info.sha256
                    )
                })
                .unwrap_or_else(|| "no certificate".into());
            let host = &g.host;
            let problem = match trust {
                Trust::Trusted => None,
                Trust::Expired => Some(("gateway.cert_expired", "The RD Gateway's certificate has expired: clients refuse to connect".to_string())),
                Trust::NameMismatch => Some((
                    "gateway.cert_name_mismatch",
                    format!("The RD Gateway's certificate does not name {host}: clients refuse to connect"),
                )),
                Trust::UnknownIssuer => Some((
                    "gateway.tls_untrusted",
                    "The RD Gateway's certificate does not chain to a trusted root: clients refuse to connect unless they trust its CA".to_string(),
                )),
                Trust::NotYetValid => Some((
                    "gateway.tls_untrusted",
                    "The RD Gateway's certificate is not valid yet (check the clocks): clients refuse it".to_string(),
                )),
                Trust::Other(e) => Some((
                    "gateway.tls_untrusted",
                    format!("The RD Gateway's certificate is not trusted: {e}"),
                )),
            };
            let mut j = match problem {
                None => pass(
                    format!(
                        "{} with {}; certificate trusted",
                        session.version, session.cipher_suite
                    ),
                    t.ms,
                ),
                Some((code, summary)) => fail(code, summary, facts, t.ms),
            };
            j.details.insert("version".into(), json!(session.version));
            j.details
                .insert("cipher_suite".into(), json!(session.cipher_suite));
            Some(j)
        }
    }
}

fn gateway_http(g: &GatewayObs) -> Option<Judged> {
    let h = g.http.as_ref()?;
    let rpc_present = matches!(g.rpc, Some(HttpOutcome::Response { status: 401, .. }));
    let rpc_note = match &g.rpc {
        Some(HttpOutcome::Response { status, .. }) => {
            format!("; RPC_IN_DATA /rpc/rpcproxy.dll answered {status}")
        }
        Some(other) => format!("; RPC_IN_DATA /rpc/rpcproxy.dll: {}", http_text(other)),
        None => String::new(),
    };
    let evidence = format!(
        "RDG_OUT_DATA /remoteDesktopGateway/ without credentials: {}{rpc_note}",
        http_text(&h.value)
    );
    let mut findings = Vec::new();
    let summary = match &h.value {
        HttpOutcome::Response {
            status: 401,
            schemes,
            ..
        } if !schemes.is_empty() => {
            let s = format!(
                "A live RD Gateway: it asks for authentication ({})",
                schemes.join(", ")
            );
            findings.push(finding(
                "gateway.live",
                Severity::Info,
                s.clone(),
                evidence.clone(),
            ));
            s
        }
        HttpOutcome::Response {
            status, location, ..
        } if (300..400).contains(status) => {
            let s = format!(
                "The gateway address redirects (HTTP {status}{}): Remote Desktop clients do not follow redirects",
                location.as_deref().map(|l| format!(" to {l}")).unwrap_or_default()
            );
            findings.push(finding(
                "gateway.redirect",
                Severity::Fail,
                s.clone(),
                evidence.clone(),
            ));
            s
        }
        HttpOutcome::Response {
            status: 403 | 404 | 410,
            ..
        } => {
            let (severity, s) = if rpc_present {
                (Severity::Warn, "The gateway's HTTP transport is off; clients fall back to RPC over HTTP, which answers".to_string())
            } else {
                (Severity::Fail, "The host answers HTTPS but its RD Gateway HTTP transport is off (or this is not a gateway)".to_string())
            };
            findings.push(finding(
                "gateway.no_http_transport",
                severity,
                s.clone(),
                evidence.clone(),
            ));
            s
        }
        HttpOutcome::Response { status, server, .. } => {
            let s = format!(
                "Not an RD Gateway: {} answered HTTP {status} to the gateway request",
                server
                    .as_deref()
                    .map(|v| format!("a web server ({v})"))
                    .unwrap_or_else(|| "a web server".into())
            );
            findings.push(finding(
                "gateway.not_rdg",
                Severity::Fail,
                s.clone(),
                evidence.clone(),
            ));
            s
        }
        HttpOutcome::Closed(_) => {
            let s = "The gateway closed the connection without an HTTP answer: an RD Gateway rejecting the request, or not a gateway".to_string();
            findings.push(finding(
                "gateway.closed",
                Severity::Fail,
                s.clone(),
                evidence.clone(),
            ));
            s
        }
        HttpOutcome::Timeout => {
            let s = "The gateway did not answer the HTTP request before the deadline".to_string();
            findings.push(finding(
                "gateway.silent",
                Severity::Fail,
                s.clone(),
                evidence.clone(),
            ));
            s
        }
        HttpOutcome::Error(_) => {
            let s = "The gateway's answer is not valid HTTP: not an RD Gateway".to_string();
            findings.push(finding(
                "gateway.not_rdg",
                Severity::Fail,
                s.clone(),
                evidence.clone(),
            ));
            s
        }
    };
    if rpc_present {
        findings.push(finding(
            "gateway.rpc_proxy",
            Severity::Info,
            "An RPC-over-HTTP proxy answers at /rpc/rpcproxy.dll (an RD Gateway's legacy transport — or Exchange's)",
            evidence,
        ));
    }
    let mut details = Map::new();
    if let HttpOutcome::Response {
        status,
        schemes,
        server,
        location,
        ..
    } = &h.value
    {
        details.insert("status".into(), json!(status));
        details.insert("auth_schemes".into(), json!(schemes));
        if let Some(s) = server {
            details.insert("server".into(), json!(s));
        }
        if let Some(l) = location {
            details.insert("location".into(), json!(l));
        }
    }
    Some(Judged {
        summary,
        details,
        findings,
        ms: h.ms,
    })
}

pub fn http_text(h: &HttpOutcome) -> String {
    match h {
        HttpOutcome::Response {
            status,
            reason,
            schemes,
            server,
            location,
        } => {
            let mut s = format!("HTTP {status} {reason}");
            if !schemes.is_empty() {
                s.push_str(&format!(", WWW-Authenticate: {}", schemes.join(", ")));
            }
            if let Some(v) = server {
                s.push_str(&format!(", Server: {v}"));
            }
            if let Some(v) = location {
                s.push_str(&format!(", Location: {v}"));
            }
            s
        }
        HttpOutcome::Closed(e) => format!("closed without an answer ({e})"),
        HttpOutcome::Timeout => "no answer before the deadline".into(),
        HttpOutcome::Error(e) => format!("not valid HTTP: {e}"),
    }
}

pub fn udp_stage(obs: &Observations) -> Option<Judged> {
    let u = obs.udp.as_ref()?;
    let port = obs.port;
    let (code, summary, evidence) = match &u.value {
        UdpOutcome::SynAck { tries, rtt_ms, version } => (
            "udp.open",
            format!("UDP {port} answers RDP-UDP: the UDP transport is reachable"),
            format!(
                "SYN+ACK acknowledging our sequence number after {tries} SYN(s), {}{}",
                describe::ms(*rtt_ms),
                version.map(|v| format!(", RDP-UDP {}", rdpcheck_proto::rdpudp::version_name(v))).unwrap_or_default()
            ),
        ),
        UdpOutcome::Closed { tries } => (
            "udp.closed",
            format!("Nothing listens on UDP {port} (ICMP port unreachable): UDP transport is off or blocked; clients use TCP only"),
            format!("ICMP port unreachable after {tries} SYN(s)"),
        ),
        UdpOutcome::Unexpected { tries, bytes } => (
            "udp.inconclusive",
            format!("UDP {port} answered, but not with an RDP-UDP SYN+ACK to our SYN"),
            format!("{tries} SYN(s); reply [{}]", rdpcheck_proto::sniff::hex_prefix(bytes, 16)),
        ),
        UdpOutcome::Silent { tries } => (
            "udp.inconclusive",
            format!("No answer on UDP {port}: filtered, dropped, or a listener that ignores unsolicited SYNs — this cannot tell which"),
            format!("{tries} SYN datagrams of 1232 bytes, no reply, no ICMP error"),
        ),
        UdpOutcome::Error(e) => (
            "udp.inconclusive",
            "The UDP check could not run".to_string(),
            e.clone(),
        ),
    };
    Some(Judged {
        summary: summary.clone(),
        details: Map::new(),
        findings: vec![finding(code, Severity::Info, summary, evidence)],
        ms: u.ms,
    })
}
