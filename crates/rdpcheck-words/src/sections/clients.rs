//! Sections about clients: how each client family fares, and this computer (the Windows build).

use rdpcheck_report::{ClientFactKey, ClientOutcome, ClientReport, FactState, Provenance, Verdict};

use crate::clients::{client_name, client_outcome};

use super::{Fact, Section, Tone};

/// How every client family fares, the verdict's own client marked.
pub(super) fn clients(v: &Verdict) -> Option<Section> {
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

pub(super) fn client(c: &ClientReport) -> Section {
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
