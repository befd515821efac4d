//! The RD Gateway hop: gateway.dns, gateway.tcp, gateway.tls (trust as the client checks it) and
//! gateway.http (the unauthenticated RDG_OUT_DATA answer).

use rdpcheck_report::{Plain, Severity};
use serde_json::{json, Map};

use super::{finding, Judged};
use crate::describe::{self, http_text};
use crate::observe::{ConnectOutcome, DnsOutcome, GatewayObs, GatewayTls, HttpOutcome, Trust};
use crate::sections;

pub(super) fn dns(g: &GatewayObs) -> Option<Judged> {
    let d = g.dns.as_ref()?;
    let host = &g.host;
    Some(match &d.value {
        DnsOutcome::Literal(ip) => Judged::pass(format!("{ip} is an IP address"), d.ms),
        DnsOutcome::Resolved(addrs) => {
            let list: Vec<String> = addrs.iter().map(ToString::to_string).collect();
            let mut j = Judged::pass(format!("{host} resolves to {}", list.join(", ")), d.ms);
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
            Judged::fail(
                Plain::GatewayDns,
                format!("The RD Gateway name {host} {why}"),
                why.clone(),
                d.ms,
            )
        }
    })
}

pub(super) fn tcp(g: &GatewayObs) -> Option<Judged> {
    let first = g.tcp.first()?;
    let ms = g.tcp.iter().map(|a| a.ms).sum();
    if let Some(ok) = g
        .tcp
        .iter()
        .find(|a| a.outcome == ConnectOutcome::Connected)
    {
        return Some(Judged::pass(
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
            Plain::GatewayTcpRefused,
            format!("The RD Gateway refused connections on port {}", g.port),
        ),
        ConnectOutcome::TimedOut => (
            Plain::GatewayTcpTimeout,
            format!("No answer from the RD Gateway on port {}: a firewall drops the traffic, or the gateway is down", g.port),
        ),
        _ => (
            Plain::GatewayTcpError,
            format!("Connecting to the RD Gateway on port {} failed", g.port),
        ),
    };
    Some(Judged::fail(code, summary, evidence, ms))
}

pub(super) fn tls(g: &GatewayObs, now: f64) -> Option<Judged> {
    let t = g.tls.as_ref()?;
    match &t.value {
        GatewayTls::Failed { failure, received } => Some(Judged::fail(
            Plain::GatewayTlsFailed,
            "The TLS handshake with the RD Gateway failed",
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
                Trust::Expired => Some((Plain::GatewayCertExpired, "The RD Gateway's certificate has expired: clients refuse to connect".to_string())),
                Trust::NameMismatch => Some((
                    Plain::GatewayCertNameMismatch,
                    format!("The RD Gateway's certificate does not name {host}: clients refuse to connect"),
                )),
                Trust::UnknownIssuer => Some((
                    Plain::GatewayTlsUntrusted,
                    "The RD Gateway's certificate does not chain to a trusted root: clients refuse to connect unless they trust its CA".to_string(),
                )),
                Trust::NotYetValid => Some((
                    Plain::GatewayTlsUntrusted,
                    "The RD Gateway's certificate is not valid yet (check the clocks): clients refuse it".to_string(),
                )),
                Trust::Other(e) => Some((
                    Plain::GatewayTlsUntrusted,
                    format!("The RD Gateway's certificate is not trusted: {e}"),
                )),
            };
            let mut j = match problem {
                None => Judged::pass(
                    format!(
                        "{} with {}; certificate trusted",
                        session.version, session.cipher_suite
                    ),
                    t.ms,
                ),
                Some((code, summary)) => Judged::fail(code, summary, facts, t.ms),
            };
            j.details.insert("version".into(), json!(session.version));
            j.details
                .insert("cipher_suite".into(), json!(session.cipher_suite));
            Some(j)
        }
    }
}

pub(super) fn http(g: &GatewayObs) -> Option<Judged> {
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
                Plain::GatewayLive,
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
                Plain::GatewayRedirect,
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
                Plain::GatewayNoHttpTransport,
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
                Plain::GatewayNotRdg,
                Severity::Fail,
                s.clone(),
                evidence.clone(),
            ));
            s
        }
        HttpOutcome::Closed(_) => {
            let s = "The gateway closed the connection without an HTTP answer: an RD Gateway rejecting the request, or not a gateway".to_string();
            findings.push(finding(
                Plain::GatewayClosed,
                Severity::Fail,
                s.clone(),
                evidence.clone(),
            ));
            s
        }
        HttpOutcome::Timeout => {
            let s = "The gateway did not answer the HTTP request before the deadline".to_string();
            findings.push(finding(
                Plain::GatewaySilent,
                Severity::Fail,
                s.clone(),
                evidence.clone(),
            ));
            s
        }
        HttpOutcome::Error(_) => {
            let s = "The gateway's answer is not valid HTTP: not an RD Gateway".to_string();
            findings.push(finding(
                Plain::GatewayNotRdg,
                Severity::Fail,
                s.clone(),
                evidence.clone(),
            ));
            s
        }
    };
    if rpc_present {
        findings.push(finding(
            Plain::GatewayRpcProxy,
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
