//! The report's structured sections as labelled facts: what every renderer shows under
//! "Details" (the page), after the stage list (the CLI) and in a ticket (Markdown).
//!
//! One file per part of the report: clients.rs (client families, this computer), connection.rs
//! (.rdp file, negotiation, security layers), tls.rs (TLS and the certificate), nla.rs, path.rs
//! (stability, gateway, UDP).

mod clients;
mod connection;
mod kernel;
mod nla;
mod path;
#[cfg(test)]
mod tests;
mod tls;

pub use clients::client_fact_label;
pub use connection::{layer, layer_name, negotiation_flag, rdp_file_dialog, rdp_file_security};
pub use nla::{credssp_version, os_release};

use clients::{client, clients};
use connection::{negotiation, rdp_file, security_layers};
use kernel::tcp_info;
use nla::nla;
use path::{gateway, stability, udp};
use tls::tls;

use rdpcheck_report::Report;

use crate::format::{host_port, ms, target_checked};

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
        // What support searches the relay's logs for.
        if let Some(id) = &s.request_id {
            out.push(Fact::new("Relay request id", id.clone()));
        }
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
    if !r.tcp_info.is_empty() {
        out.push(tcp_info(&r.tcp_info));
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
