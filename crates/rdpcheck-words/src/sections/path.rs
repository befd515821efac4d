//! Sections about the path: repeated handshakes, the RD Gateway hop, UDP.

use rdpcheck_report::{GatewayReport, StabilityReport, UdpReport};

use crate::format::{host_port, ms, opt_ms};

use super::tls::certificate;
use super::{Fact, Section, Tone};

pub(super) fn stability(s: &StabilityReport) -> Section {
    let mut facts = vec![
        Fact::toned(
            "Handshakes",
            format!("{}/{} ok, {} failed", s.ok, s.samples, s.failed),
            s.failed == 0,
        ),
        Fact::new(
            "Min / median / max",
            format!(
                "{} / {} / {}",
                opt_ms(s.min_ms),
                opt_ms(s.median_ms),
                opt_ms(s.max_ms)
            ),
        ),
        Fact::new("Jitter", opt_ms(s.jitter_ms)),
    ];
    facts.extend(s.failures.iter().map(|f| Fact::new("Failure", f.clone())));
    Section {
        id: "stability",
        title: "Handshake statistics",
        note: None,
        facts,
    }
}

pub(super) fn gateway(g: &GatewayReport) -> Section {
    let mut facts = vec![Fact::new("Gateway", host_port(&g.host, g.port))];
    if !g.addresses.is_empty() {
        facts.push(Fact::new("Addresses", g.addresses.join(", ")));
    }
    if let Some(t) = &g.tls {
        facts.push(Fact::new(
            "TLS",
            format!(
                "{} {}",
                t.version.as_deref().unwrap_or("-"),
                t.cipher_suite.as_deref().unwrap_or("")
            )
            .trim_end()
            .to_string(),
        ));
    }
    if let Some(trusted) = g.trusted {
        let value = if trusted {
            "yes".to_string()
        } else {
            format!("no ({})", g.trust_error.as_deref().unwrap_or("not trusted"))
        };
        facts.push(Fact::toned("Certificate trusted", value, trusted));
    }
    if let Some(c) = g.tls.as_ref().and_then(|t| t.certificate.as_ref()) {
        facts.extend(certificate(c));
    }
    if let Some(h) = &g.http {
        let mut value = format!("{} {}", h.status, h.reason);
        if !h.auth_schemes.is_empty() {
            value.push_str(&format!("; authentication: {}", h.auth_schemes.join(", ")));
        }
        if let Some(s) = &h.server {
            value.push_str(&format!("; server: {s}"));
        }
        if let Some(l) = &h.location {
            value.push_str(&format!("; location: {l}"));
        }
        facts.push(Fact::new("HTTP answer", value));
    }
    if let Some(e) = &g.http_error {
        facts.push(Fact::toned("HTTP answer", e.clone(), false));
    }
    if let Some(p) = g.rpc_proxy {
        facts.push(Fact::new(
            "RPC over HTTP",
            if p {
                "present (asks for authentication)"
            } else {
                "absent"
            },
        ));
    }
    Section {
        id: "gateway",
        title: "RD Gateway",
        note: None,
        facts,
    }
}

pub(super) fn udp(u: &UdpReport) -> Section {
    let status = Fact::new(
        "Status",
        format!(
            "{} (port {}, {} {})",
            u.status,
            u.port,
            u.tries,
            if u.tries == 1 { "try" } else { "tries" }
        ),
    );
    // Closed or inconclusive UDP is no failure (clients fall back to TCP): only "open" is toned.
    let status = if u.status == "open" {
        Fact {
            tone: Tone::Good,
            ..status
        }
    } else {
        status
    };
    let mut facts = vec![status];
    if let Some(v) = u.rtt_ms {
        facts.push(Fact::new("Round trip", ms(v)));
    }
    if let Some(v) = &u.version {
        facts.push(Fact::new("RDP-UDP version", v.clone()));
    }
    facts.push(Fact::new("Detail", u.detail.clone()));
    Section {
        id: "udp",
        title: "UDP transport",
        note: None,
        facts,
    }
}
