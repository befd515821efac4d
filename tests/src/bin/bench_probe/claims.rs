//! What each tool says about NLA and the NTLM identity, read from its output.

use std::process::Output;

use serde_json::Value;

use crate::tools::stdout;

/// What one tool says about NLA and the NTLM identity on one server.
pub struct Claims {
    pub nla: String,
    pub identity: String,
}

impl Claims {
    /// For a tool that has no run to read.
    pub fn none() -> Claims {
        Claims {
            nla: "-".into(),
            identity: "-".into(),
        }
    }
}

/// From rdpcheck's JSON: `security_layers.nla` and the `nla` section.
pub fn rdpcheck_claims(out: &Output) -> Claims {
    let Ok(json) = serde_json::from_slice::<Value>(&out.stdout) else {
        return Claims {
            nla: "no JSON".into(),
            identity: "no JSON".into(),
        };
    };
    let layer = &json["security_layers"]["nla"];
    let nla = match layer["accepted"].as_bool() {
        Some(true) => "accepted".to_string(),
        Some(false) => match layer["selected"].as_str() {
            Some(sel) => format!("not accepted (server selected {sel})"),
            None => match layer["failure"].as_str() {
                Some(f) => format!("not accepted ({f})"),
                None => "not accepted".to_string(),
            },
        },
        None => "no answer".to_string(),
    };
    let n = &json["nla"];
    let identity = if n.is_object() {
        let field = |k: &str| n[k].as_str().unwrap_or("-").to_string();
        format!(
            "yes: {}\\{} ({}), version {}",
            field("netbios_domain"),
            field("netbios_computer"),
            field("dns_computer"),
            field("product_version")
        )
    } else {
        "no".to_string()
    };
    Claims { nla, identity }
}

/// From nmap's text: the rdp-enum-encryption `CredSSP (NLA)` line and rdp-ntlm-info's fields.
pub fn nmap_claims(out: &Output) -> Claims {
    let text = stdout(out);
    let line_with = |needle: &str| {
        text.lines()
            .find(|l| l.contains(needle))
            .map(|l| l.trim_start_matches(['|', '_', ' ']).trim().to_string())
    };
    let nla = if let Some(err) = text
        .lines()
        .find(|l| l.contains("rdp-enum-encryption") && l.contains("ERROR"))
    {
        format!(
            "script failed: {}",
            err.trim_start_matches(['|', '_', ' ']).trim()
        )
    } else {
        match line_with("CredSSP (NLA)") {
            Some(l) if l.contains("SUCCESS") => "SUCCESS".to_string(),
            Some(l) => l,
            None => "not listed".to_string(),
        }
    };
    let identity = match line_with("NetBIOS_Computer_Name") {
        Some(computer) => {
            let domain = line_with("NetBIOS_Domain_Name").unwrap_or_default();
            let version = line_with("Product_Version").unwrap_or_default();
            format!("yes: {domain}; {computer}; {version}")
        }
        None => "no".to_string(),
    };
    Claims { nla, identity }
}
