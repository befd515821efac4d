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

/// What the NLA stage observes from a recorded TSRequest: its CHALLENGE and version.
fn recorded_nla(ts_request: &[u8]) -> NlaOutcome {
    let ts = rdpcheck_proto::credssp::parse_ts_request(ts_request).expect("recorded TSRequest");
    NlaOutcome::Challenge {
        challenge: rdpcheck_proto::ntlm::parse_challenge(&ts.nego_token.expect("a token"))
            .expect("a CHALLENGE"),
        credssp_version: ts.version,
    }
}

const FV_AZ41_637: &[u8] =
    capture!("windows/credssp/rdps2rdp_tsrequest_ntlm_challenge_fv-az41-637_10.0.17763.bin");

#[test]
fn the_identity_names_the_release_from_the_ntlm_version() {
    let mut obs = windows10_nla();
    obs.nla = timed(recorded_nla(FV_AZ41_637));
    let r = report(&obs);
    let nla = r.nla.clone().expect("nla section");
    assert_eq!(nla.netbios_computer.as_deref(), Some("fv-az41-637"));
    assert_eq!(nla.product_version.as_deref(), Some("10.0.17763"));
    assert_eq!(
        nla.os_release.as_deref(),
        Some("Windows Server 2019 / Windows 10 1809")
    );
    let identity = r
        .findings
        .iter()
        .find(|f| f.code == "nla.identity")
        .expect("identity");
    assert_eq!(
        identity.summary,
        "The host identifies itself as fv-az41-637\\fv-az41-637 (Windows Server 2019 / Windows 10 1809, build 10.0.17763)"
    );
    let stage = r
        .stages
        .iter()
        .find(|s| s.name == "nla")
        .expect("nla stage");
    assert_eq!(
        stage.details.get("os_release"),
        Some(&json!("Windows Server 2019 / Windows 10 1809"))
    );
}

#[test]
fn an_unknown_build_says_so() {
    let mut nla = recorded_nla(capture!(
        "windows/credssp/syringe_credssp_tsrequest_ntlm_challenge_DESKTOP-UAGCVKC_10.0.17763.bin"
    ));
    if let NlaOutcome::Challenge { challenge, .. } = &mut nla {
        let mut version = challenge.version.expect("a version");
        version.build = 12345;
        challenge.version = Some(version);
    }
    let mut obs = windows10_nla();
    obs.nla = timed(nla);
    let r = report(&obs);
    assert_eq!(r.nla.as_ref().and_then(|n| n.os_release.clone()), None);
    let identity = r
        .findings
        .iter()
        .find(|f| f.code == "nla.identity")
        .expect("identity");
    assert!(
        identity
            .summary
            .ends_with("(build 10.0.12345: not in rdpcheck's table)"),
        "{}",
        identity.summary
    );
}

#[test]
fn credssp_version_6_has_the_oracle_fix() {
    let mut obs = windows10_nla();
    obs.nla = timed(recorded_nla(FV_AZ41_637));
    let r = report(&obs);
    assert_eq!(r.nla.as_ref().and_then(|n| n.credssp_version), Some(6));
    assert!(!has(&r, "nla.credssp_unpatched"), "{:?}", codes(&r));
}

#[test]
fn an_older_credssp_version_is_the_encryption_oracle_warning() {
    // The recorded CHALLENGE, re-encoded in a version-3 TSRequest (what an unpatched host sends).
    let token = rdpcheck_proto::credssp::parse_ts_request(FV_AZ41_637)
        .expect("recorded")
        .nego_token
        .expect("a token");
    for version in [2, 3, 4] {
        let mut obs = windows10_nla();
        obs.nla = timed(recorded_nla(&rdpcheck_proto::credssp::ts_request(
            version, &token,
        )));
        let r = report(&obs);
        assert_eq!(
            r.nla.as_ref().and_then(|n| n.credssp_version),
            Some(version)
        );
        let f = r
            .findings
            .iter()
            .find(|f| f.code == "nla.credssp_unpatched")
            .unwrap_or_else(|| panic!("version {version}: {:?}", codes(&r)));
        assert_eq!(f.severity, Severity::Warn);
        assert!(
            f.summary.contains("encryption oracle remediation"),
            "{}",
            f.summary
        );
        assert!(
            f.summary.contains(&format!("version {version}")),
            "{}",
            f.summary
        );
        let nla = r
            .stages
            .iter()
            .find(|s| s.name == "nla")
            .expect("nla stage");
        assert_eq!(nla.status, StageStatus::Warn);
        // A warning for the host, the verdict for who runs a patched Windows: mstsc on the
        // default "Mitigated" policy refuses an unpatched host (KB 4295591); FreeRDP connects.
        assert_eq!(r.verdict.status, VerdictStatus::Problem, "{:?}", r.verdict);
        assert_eq!(r.verdict.stage.map(|s| s.as_str()), Some("nla"));
        let freerdp = r
            .verdict
            .clients
            .iter()
            .find(|c| c.client.as_str() == "freerdp")
            .expect("a freerdp entry");
        assert_ne!(freerdp.outcome, rdpcheck_report::ClientOutcome::Fails);
    }
}
