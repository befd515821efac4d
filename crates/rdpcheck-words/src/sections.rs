//! The report's structured sections as labelled facts: what every renderer shows under
//! "Details" (the page), after the stage list (the CLI) and in a ticket (Markdown).

use rdpcheck_report::{
    CertInfo, ClientFactKey, ClientOutcome, ClientReport, FactState, GatewayReport, LayerResult,
    NegotiationReport, NlaReport, Provenance, RdpFileReport, Report, SecurityLayers,
    StabilityReport, TlsReport, UdpReport, Verdict,
};

use crate::clients::{client_name, client_outcome};
use crate::format::{host_port, ms, opt_ms, skew, target_checked, yes_no};

/// How a fact reads at a glance.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tone {
    Plain,
    /// Something that works (a layer accepted, a certificate trusted).
    Good,
    /// Something that does not.
    Bad,
}

/// One labelled fact.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fact {
    pub label: &'static str,
    pub value: String,
    /// Shown in a fixed-width font (fingerprints).
    pub mono: bool,
    pub tone: Tone,
}

impl Fact {
    fn new(label: &'static str, value: impl Into<String>) -> Fact {
        Fact {
            label,
            value: value.into(),
            mono: false,
            tone: Tone::Plain,
        }
    }

    fn toned(label: &'static str, value: impl Into<String>, good: bool) -> Fact {
        Fact {
            tone: if good { Tone::Good } else { Tone::Bad },
            ..Fact::new(label, value)
        }
    }
}

/// A titled group of facts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Section {
    /// Stable key (`tls`, `security_layers`, …) for anchors and tests.
    pub id: &'static str,
    pub title: &'static str,
    /// One sentence under the title.
    pub note: Option<&'static str>,
    pub facts: Vec<Fact>,
}

/// Who checked what, when: the lines above the stage list.
pub fn meta(r: &Report) -> Vec<Fact> {
    let mut out = vec![Fact::new("Target", target_checked(r))];
    if let Some(g) = &r.gateway {
        out.push(Fact::new("RD Gateway", host_port(&g.host, g.port)));
    }
    out.push(Fact::new(
        "Checked",
        format!("{} ({})", r.started_at, ms(r.duration_ms)),
    ));
    out.push(Fact::new(
        "Engine",
        format!("{} {}", r.tool.name, r.tool.version),
    ));
    if let Some(s) = &r.relay {
        out.push(Fact::new(
            "Relay key",
            format!("{} (signed {})", s.key_id, s.signed_at),
        ));
    }
    if r.redacted {
        out.push(Fact::new("Redacted", "names and addresses replaced"));
    }
    out
}

/// Every section the report has, in reading order.
pub fn sections(r: &Report) -> Vec<Section> {
    let mut out = Vec::new();
    out.extend(clients(&r.verdict));
    if let Some(f) = &r.rdp_file {
        out.push(rdp_file(f));
    }
    if let Some(n) = &r.negotiation {
        out.push(negotiation(n));
    }
    if let Some(t) = &r.tls {
        out.push(tls(t));
    }
    if let Some(l) = &r.security_layers {
        out.push(security_layers(l));
    }
    if let Some(n) = &r.nla {
        out.push(nla(n));
    }
    if let Some(s) = &r.stability {
        out.push(stability(s));
    }
    if let Some(g) = &r.gateway {
        out.push(gateway(g));
    }
    if let Some(u) = &r.udp {
        out.push(udp(u));
    }
    if let Some(c) = &r.client {
        out.push(client(c));
    }
    out
}

/// How every client family fares, the verdict's own client marked.
fn clients(v: &Verdict) -> Option<Section> {
    if v.clients.is_empty() {
        return None;
    }
    let facts = v
        .clients
        .iter()
        .map(|c| {
            let mut value = client_outcome(c);
            if v.client == Some(c.client) {
                value.push_str(" (the verdict is for this client)");
            }
            Fact {
                tone: match c.outcome {
                    ClientOutcome::Connects | ClientOutcome::Warns => Tone::Good,
                    ClientOutcome::Fails => Tone::Bad,
                    ClientOutcome::Unknown => Tone::Plain,
                },
                ..Fact::new(client_name(c.client), value)
            }
        })
        .collect();
    Some(Section {
        id: "clients",
        title: "Clients",
        note: Some("What each client family would do with this host, at its default settings."),
        facts,
    })
}

/// What a client fact is called in the "This computer" section.
pub fn client_fact_label(key: ClientFactKey) -> &'static str {
    match key {
        ClientFactKey::Os => "Windows",
        ClientFactKey::MstscVersion => "Remote Desktop Connection",
        ClientFactKey::UdpPolicy => "Turn Off UDP On Client",
        ClientFactKey::Mru => "Recent list (MRU)",
        ClientFactKey::ServerEntry => "Stored entry for the host",
        ClientFactKey::CertHash => "Stored certificate",
        ClientFactKey::DefaultRdp => "Default.rdp",
        ClientFactKey::CredsspPolicy => "CredSSP policy",
        ClientFactKey::CredsspPatch => "CredSSP update",
        ClientFactKey::Tls10 => "TLS 1.0",
        ClientFactKey::Tls11 => "TLS 1.1",
        ClientFactKey::Tls12 => "TLS 1.2",
        ClientFactKey::Tls13 => "TLS 1.3",
        ClientFactKey::CipherOrder => "Cipher suite order",
        ClientFactKey::Firewall => "Windows Firewall",
        ClientFactKey::RouteMtu => "Route MTU",
        ClientFactKey::ClientLog => "Client's log",
    }
}

fn client(c: &ClientReport) -> Section {
    let mut facts: Vec<Fact> = c
        .facts
        .iter()
        .map(|f| {
            let text = match f.state {
                FactState::Unknown => format!(
                    "unknown: {}",
                    f.reason.as_deref().unwrap_or("could not be read")
                ),
                _ => f.value.clone().unwrap_or_default(),
            };
            let mark = match f.provenance {
                Provenance::Ms => "",
                Provenance::ThirdParty => " [third-party sources]",
                Provenance::Unverified => " [unverified]",
            };
            Fact::new(client_fact_label(f.key), format!("{text}{mark}"))
        })
        .collect();
    for step in &c.clear_steps {
        facts.push(Fact {
            mono: true,
            ..Fact::new("To clear", step.clone())
        });
    }
    Section {
        id: "client",
        title: "This computer",
        note: Some(
            "read-only, as this user; unknown means it could not be read, not that it is absent",
        ),
        facts,
    }
}

fn rdp_file(f: &RdpFileReport) -> Section {
    let mut facts = vec![
        Fact::new("File", f.path.clone()),
        Fact::new("Connects to", host_port(&f.host, f.port)),
        Fact::new(
            "Gateway",
            format!(
                "{} ({})",
                f.gateway.as_deref().unwrap_or("none"),
                f.gateway_usage
            ),
        ),
    ];
    facts.extend(f.warnings.iter().map(|w| Fact::new("Note", w.clone())));
    facts.extend(f.problems.iter().map(|p| Fact::new("Problem", p.clone())));
    Section {
        id: "rdp_file",
        title: "Connection file (.rdp)",
        note: None,
        facts,
    }
}

/// A layer's short name as the report writes it (`nla_ex`), in words.
pub fn layer_name(layer: &str) -> String {
    match layer {
        "rdp" => "Standard RDP security".into(),
        "tls" => "TLS".into(),
        "nla" => "NLA (CredSSP)".into(),
        "nla_ex" => "NLA-EX (CredSSP with early user authorization)".into(),
        "rdstls" => "RDSTLS".into(),
        "rdsaad" => "RDS-AAD (Microsoft Entra sign-in)".into(),
        other => other.to_string(),
    }
}

/// What an RDP_NEG_RSP flag (its specification name) says the server supports; `None` for
/// the reserved bit, which says nothing.
pub fn negotiation_flag(name: &str) -> Option<String> {
    let words = match name {
        "EXTENDED_CLIENT_DATA_SUPPORTED" => "Extended client data",
        "DYNVC_GFX_PROTOCOL_SUPPORTED" => "Graphics pipeline (GFX)",
        "NEGRSP_FLAG_RESERVED" => return None,
        "RESTRICTED_ADMIN_MODE_SUPPORTED" => "Restricted Admin mode",
        "REDIRECTED_AUTHENTICATION_MODE_SUPPORTED" => {
            "Remote Credential Guard (redirected authentication)"
        }
        other => return Some(format!("an undefined flag, {other}")),
    };
    Some(words.to_string())
}

fn negotiation(n: &NegotiationReport) -> Section {
    let mut facts = vec![
        Fact::new("Selected", layer_name(&n.selected)),
        Fact::new("Flags", n.flags.clone()),
    ];
    facts.extend(
        n.flag_names
            .iter()
            .filter_map(|f| negotiation_flag(f))
            .map(|f| Fact::new("Supports", f)),
    );
    Section {
        id: "negotiation",
        title: "Negotiation",
        note: Some("The server's answer to TLS, NLA and NLA-EX offered at once."),
        facts,
    }
}

fn tls(t: &TlsReport) -> Section {
    let mut facts = Vec::new();
    if let Some(v) = &t.version {
        facts.push(Fact::new("Version", v.clone()));
    }
    if let Some(v) = &t.legacy_version {
        facts.push(Fact::new(
            "Legacy hello",
            format!("a TLS 1.0–1.2 hello was answered with {v}"),
        ));
    }
    if let Some(v) = &t.cipher_suite {
        facts.push(Fact::new("Cipher suite", v.clone()));
    }
    if let Some(v) = &t.key_exchange {
        facts.push(Fact::new("Key exchange", v.clone()));
    }
    if let Some(c) = &t.certificate {
        facts.extend(certificate(c));
    }
    if t.chain.len() > 1 {
        facts.push(Fact::new(
            "Chain",
            format!("the server sent {} certificates", t.chain.len()),
        ));
    }
    Section {
        id: "tls",
        title: "Certificate and TLS",
        note: None,
        facts,
    }
}

/// What a certificate says.
fn certificate(c: &CertInfo) -> Vec<Fact> {
    let left = if c.days_to_expiry < 0 {
        format!("expired {} days ago", -c.days_to_expiry)
    } else {
        format!("{} days left", c.days_to_expiry)
    };
    vec![
        Fact::new("Subject", c.subject.clone()),
        Fact::new(
            "Issuer",
            format!(
                "{}{}",
                c.issuer,
                if c.self_signed { " (self-signed)" } else { "" }
            ),
        ),
        Fact::toned(
            "Valid",
            format!("{} to {} ({left})", c.not_before, c.not_after),
            c.days_to_expiry >= 0,
        ),
        Fact::toned(
            "Names",
            format!(
                "{}{}",
                if c.san.is_empty() {
                    "none".to_string()
                } else {
                    c.san.join(", ")
                },
                if c.name_matches {
                    ""
                } else {
                    " (does not name the host)"
                }
            ),
            c.name_matches,
        ),
        Fact::new(
            "Key",
            format!(
                "{} {} bits, {}",
                c.key_type, c.key_bits, c.signature_algorithm
            ),
        ),
        Fact {
            mono: true,
            ..Fact::new("SHA-256", c.sha256.clone())
        },
    ]
    .into_iter()
    .chain(c.sha1.as_ref().map(|t| Fact {
        mono: true,
        ..Fact::new("SHA-1", t.clone())
    }))
    .collect()
}

/// A layer's answer in words.
pub fn layer(r: &LayerResult) -> String {
    if r.from_main {
        return "accepted (the main negotiation selected it; asking for it alone got no answer)"
            .into();
    }
    if r.accepted {
        return "accepted".into();
    }
    if let Some(f) = &r.failure {
        return format!("refused ({f})");
    }
    if let Some(sel) = &r.selected {
        return format!("not accepted: the server selected {sel} instead");
    }
    match &r.error {
        Some(e) => format!("no answer ({e})"),
        None => "not accepted".to_string(),
    }
}

fn security_layers(l: &SecurityLayers) -> Section {
    let mut facts: Vec<Fact> = [
        ("Standard RDP", &l.rdp),
        ("TLS", &l.tls),
        ("NLA (CredSSP)", &l.nla),
        ("NLA-EX", &l.nla_ex),
        ("RDSTLS", &l.rdstls),
        ("RDS-AAD", &l.rdsaad),
    ]
    .into_iter()
    .map(|(name, r)| {
        // A refusal is an answer, not a fault: only "accepted" and "no answer" are toned.
        let tone = match (r.accepted, &r.error) {
            (true, _) => Tone::Good,
            (false, Some(_)) => Tone::Bad,
            (false, None) => Tone::Plain,
        };
        Fact {
            tone,
            ..Fact::new(name, layer(r))
        }
    })
    .collect();
    facts.push(Fact::new("NLA required", yes_no(l.nla_required)));
    facts.push(Fact::new(
        "Standard RDP security allowed",
        yes_no(l.standard_rdp_allowed),
    ));
    Section {
        id: "security_layers",
        title: "Security layers",
        note: Some("Each layer asked for alone, on its own connection."),
        facts,
    }
}

fn nla(n: &NlaReport) -> Section {
    let mut facts = Vec::new();
    match (&n.netbios_domain, &n.netbios_computer) {
        (Some(d), Some(c)) => facts.push(Fact::new("NetBIOS", format!("{d}\\{c}"))),
        (Some(x), None) | (None, Some(x)) => facts.push(Fact::new("NetBIOS", x.clone())),
        (None, None) => {}
    }
    match (&n.dns_domain, &n.dns_computer) {
        (Some(d), Some(c)) => facts.push(Fact::new("DNS", format!("{c} in {d}"))),
        (Some(x), None) | (None, Some(x)) => facts.push(Fact::new("DNS", x.clone())),
        (None, None) => {}
    }
    if let Some(v) = &n.dns_tree {
        facts.push(Fact::new("Forest", v.clone()));
    }
    if let Some(v) = &n.product_version {
        facts.push(Fact::new("OS version", v.clone()));
        facts.push(Fact::new("Release", os_release(v, n.os_release.as_deref())));
    }
    if let Some(v) = n.credssp_version {
        facts.push(Fact::toned(
            "CredSSP",
            credssp_version(v),
            rdpcheck_proto::credssp::has_oracle_fix(v),
        ));
    }
    if let Some(v) = &n.server_time {
        facts.push(Fact::new("Server time", v.clone()));
    }
    if let Some(v) = n.clock_skew_s {
        facts.push(Fact::toned("Clock", skew(v), v.abs() < 300.0));
    }
    Section {
        id: "nla",
        title: "NLA identity and clock",
        note: Some("From the NTLM challenge; no credential was sent."),
        facts,
    }
}

/// The CredSSP version the host answered with, and whether it has the 2018 fix.
pub fn credssp_version(version: u32) -> String {
    if rdpcheck_proto::credssp::has_oracle_fix(version) {
        format!("version {version} (has the 2018 encryption oracle fix, CVE-2018-0886)")
    } else {
        format!("version {version} (older than the 2018 encryption oracle fix, CVE-2018-0886: updated clients refuse it)")
    }
}

/// The release a product version names (the report's own `os_release` when it has one, else
/// this table's), or honestly that rdpcheck's table does not have it.
pub fn os_release(product_version: &str, release: Option<&str>) -> String {
    match release {
        Some(r) => r.to_string(),
        None => crate::release::describe_text(product_version),
    }
}

fn stability(s: &StabilityReport) -> Section {
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

fn gateway(g: &GatewayReport) -> Section {
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

fn udp(u: &UdpReport) -> Section {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows10_negotiation_in_words() {
        let n = NegotiationReport {
            selected: "nla_ex".into(),
            flags: "0x1f".into(),
            flag_names: [
                "EXTENDED_CLIENT_DATA_SUPPORTED",
                "DYNVC_GFX_PROTOCOL_SUPPORTED",
                "NEGRSP_FLAG_RESERVED",
                "RESTRICTED_ADMIN_MODE_SUPPORTED",
                "REDIRECTED_AUTHENTICATION_MODE_SUPPORTED",
                "unknown(0x20)",
            ]
            .map(String::from)
            .to_vec(),
        };
        let s = negotiation(&n);
        let lines: Vec<String> = s
            .facts
            .iter()
            .map(|f| format!("{}: {}", f.label, f.value))
            .collect();
        assert_eq!(
            lines,
            [
                "Selected: NLA-EX (CredSSP with early user authorization)",
                "Flags: 0x1f",
                "Supports: Extended client data",
                "Supports: Graphics pipeline (GFX)",
                "Supports: Restricted Admin mode",
                "Supports: Remote Credential Guard (redirected authentication)",
                "Supports: an undefined flag, unknown(0x20)",
            ]
        );
    }
}
