use rdpcheck_report::NegotiationReport;

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
