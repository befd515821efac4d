//! The TLS section and its certificate facts.

use rdpcheck_report::{CertInfo, TlsReport};

use super::{Fact, Section};

pub(super) fn tls(t: &TlsReport) -> Section {
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
pub(super) fn certificate(c: &CertInfo) -> Vec<Fact> {
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
