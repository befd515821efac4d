//! Windows hosts, from messages recorded off real Windows servers (public captures, see
//! crates/rdpcheck-proto/tests/data/windows/README.md): the negotiation flags in the report.

use rdpcheck_diagnose::observe::*;
use rdpcheck_report::{Severity, StageStatus, VerdictStatus};
use serde_json::json;

use crate::fixtures::*;

/// Observations of the Windows 10 host of nDPI's rdp.pcap up to the layer probes: the main
/// negotiation selected NLA-EX with flags 0x1f; NLA alone is selected (the 2024 host's answer to
/// 0x03), TLS alone and standard RDP are refused with HYBRID_REQUIRED_BY_SERVER (the rdps2rdp
/// host's answer to 0x01).
pub fn windows10_nla() -> Observations {
    let mut obs = connected();
    obs.x224 = timed(confirm(capture!("windows/x224_cc/ndpi_rdp_52494_cc0.bin")));
    let hybrid_required = || {
        confirm(capture!(
            "windows/x224_cc/rdps2rdp_log_hybrid_required_by_server.bin"
        ))
    };
    obs.layers = timed(vec![
        layer("rdp", 0, 0, hybrid_required()),
        layer("tls", 1, 1, hybrid_required()),
        layer(
            "nla",
            3,
            2,
            confirm(capture!("windows/x224_cc/ndpi_rdp_over_tls_35888_cc0.bin")),
        ),
        layer("rdstls", 4, 4, hybrid_required()),
        layer("rdsaad", 0x10, 0x10, hybrid_required()),
    ]);
    obs
}

#[test]
fn windows10_flags_are_named_in_the_stage_and_the_report() {
    let r = report(&windows10_nla());
    let x224 = r
        .stages
        .iter()
        .find(|s| s.name == "x224")
        .expect("x224 stage");
    assert_eq!(x224.status, StageStatus::Pass);
    assert_eq!(x224.details.get("selected"), Some(&json!("nla_ex")));
    assert_eq!(x224.details.get("flags"), Some(&json!("0x1f")));
    assert_eq!(
        x224.details.get("flag_names"),
        Some(&json!([
            "EXTENDED_CLIENT_DATA_SUPPORTED",
            "DYNVC_GFX_PROTOCOL_SUPPORTED",
            "NEGRSP_FLAG_RESERVED",
            "RESTRICTED_ADMIN_MODE_SUPPORTED",
            "REDIRECTED_AUTHENTICATION_MODE_SUPPORTED"
        ]))
    );
    let neg = r.negotiation.clone().expect("negotiation section");
    assert_eq!(neg.selected, "nla_ex");
    assert_eq!(neg.flags, "0x1f");
    assert_eq!(neg.flag_names.len(), 5);
    assert_eq!(
        Some(&json!(neg.flag_names)),
        x224.details.get("flag_names"),
        "the section and the stage details say the same"
    );
    let layers = r.security_layers.clone().expect("layers");
    assert!(layers.nla_required && layers.nla.accepted && layers.nla_ex.accepted);
    assert_eq!(
        layers.tls.failure.as_deref(),
        Some("HYBRID_REQUIRED_BY_SERVER")
    );
    assert!(has(&r, "security.nla_required"));
}

#[test]
fn the_w2008_host_refuses_tls_and_has_no_negotiation_section() {
    let mut obs = connected();
    // Set to RDP security: SSL_NOT_ALLOWED_BY_SERVER to any TLS-based request, RDP selected
    // (flags 0x09) when asked for standard RDP alone.
    let not_allowed = || confirm(capture!("windows/x224_cc/redemption_dump_w2008_cc0.bin"));
    obs.x224 = timed(not_allowed());
    obs.layers = timed(vec![
        layer(
            "rdp",
            0,
            0,
            confirm(capture!("windows/x224_cc/redemption_dump_w2008_cc1.bin")),
        ),
        layer("tls", 1, 1, not_allowed()),
        layer("nla", 3, 2, not_allowed()),
        layer("rdstls", 4, 4, not_allowed()),
        layer("rdsaad", 0x10, 0x10, not_allowed()),
    ]);
    let r = report(&obs);
    assert_eq!(r.negotiation, None, "a refusal carries no RDP_NEG_RSP");
    assert!(has(&r, "x224.neg_failure.ssl_not_allowed"));
    assert_eq!(
        r.findings
            .iter()
            .find(|f| f.code == "x224.neg_failure.ssl_not_allowed")
            .map(|f| f.severity),
        Some(Severity::Warn)
    );
    let layers = r.security_layers.clone().expect("layers");
    assert!(layers.rdp.accepted && layers.standard_rdp_allowed);
    assert_eq!(
        layers.tls.failure.as_deref(),
        Some("SSL_NOT_ALLOWED_BY_SERVER")
    );
    assert_eq!(r.verdict.status, VerdictStatus::Healthy);
}
