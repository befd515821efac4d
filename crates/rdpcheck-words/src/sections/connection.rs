//! Sections about reaching the host: the .rdp file, the negotiation and the security layers.

use rdpcheck_report::{
    LayerResult, NegotiationReport, RdpFileReport, RdpFileSecurity, SecurityLayers,
};

use crate::format::{host_port, yes_no};

use super::{Fact, Section, Tone};

pub(super) fn rdp_file(f: &RdpFileReport) -> Section {
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
    if let Some(sec) = &f.security {
        facts.extend(rdp_file_security(sec));
    }
    Section {
        id: "rdp_file",
        title: "Connection file (.rdp)",
        note: None,
        facts,
    }
}

/// Signing and requested redirections: what Windows' Remote Desktop Connection shows before it
/// connects from this file (the report's section and the page's check form).
pub fn rdp_file_security(sec: &RdpFileSecurity) -> Vec<Fact> {
    let mut facts = Vec::new();
    facts.push(Fact::new(
        "Signature",
        format!("{} ({})", sec.signature, rdp_file_dialog(&sec.signature)),
    ));
    if let Some(signer) = &sec.signer {
        facts.push(Fact::new(
            "Signed by",
            format!("{signer}, as the certificate says (not verified here)"),
        ));
    }
    if let Some(sha) = &sec.signer_sha256 {
        facts.push(Fact {
            mono: true,
            ..Fact::new("Publisher SHA-256", sha.clone())
        });
    }
    if let Some(problem) = &sec.problem {
        facts.push(Fact::toned("Signature problem", problem.clone(), false));
    }
    if !sec.signscope.is_empty() {
        facts.push(Fact::new("Signature covers", sec.signscope.join(", ")));
    }
    if !sec.outside_signature.is_empty() {
        facts.push(Fact::toned(
            "Not covered",
            sec.outside_signature.join(", "),
            false,
        ));
    }
    let asks = if sec.redirections.is_empty() {
        "nothing (the settings it leaves out take the client's defaults)".to_string()
    } else {
        sec.redirections.join("; ")
    };
    facts.push(Fact::new("Asks to share", asks));
    facts
}

/// What Windows shows when a `.rdp` file with this signature state is opened (April 2026
/// update, CVE-2026-26151, and later), in one sentence; the page's form says the same.
pub fn rdp_file_dialog(signature: &str) -> &'static str {
    match signature {
        "signed" => {
            "Windows shows \"Verify the publisher of this remote connection\" with this publisher, \
             unless a policy lists its certificate as a trusted .rdp publisher; see the knowledge \
             base: rdp-file-signing"
        }
        "unreadable" => {
            "the signature cannot be read: sign the file again with rdpsign.exe; see the \
             knowledge base: rdp-file-signing"
        }
        _ => {
            "Windows shows \"Caution: Unknown remote connection\" and every resource it asks \
             for starts unticked; signing it with rdpsign.exe is the fix; see the knowledge \
             base: rdp-file-signing"
        }
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

pub(super) fn negotiation(n: &NegotiationReport) -> Section {
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

pub(super) fn security_layers(l: &SecurityLayers) -> Section {
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
