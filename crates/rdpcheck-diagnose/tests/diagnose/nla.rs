//! NLA: the identity and clock skew from a captured NTLM CHALLENGE, and a missing challenge.

use rdpcheck_diagnose::observe::*;
use rdpcheck_proto::x224::{protocol, FailureCode};
use rdpcheck_proto::{credssp, ntlm};
use rdpcheck_report::{Severity, Stage, VerdictStatus};

use crate::fixtures::*;

#[test]
fn shadow_nla_challenge_gives_identity_and_skew() {
    let ts = credssp::parse_ts_request(capture!("shadow_nla_ts_request_challenge.bin"))
        .expect("captured TSRequest");
    let credssp_version = ts.version;
    let challenge =
        ntlm::parse_challenge(&ts.nego_token.expect("token")).expect("captured CHALLENGE");
    let mut obs = connected();
    obs.x224 = timed(confirm(capture!("shadow_nla_cc_0x0b.bin")));
    obs.layers = timed(vec![
        layer("rdp", 0, 0, refused(FailureCode::HybridRequired)),
        layer("tls", 1, 1, confirm(capture!("shadow_nla_cc_0x01.bin"))),
        layer("nla", 3, 2, selected(protocol::HYBRID)),
    ]);
    obs.nla = timed(NlaOutcome::Challenge {
        challenge,
        credssp_version,
    });
    // Our clock 10 minutes behind the server's.
    obs.now_unix = CAPTURE_TIME - 600.0;
    let r = report(&obs);
    let nla = r.nla.clone().expect("nla section");
    assert_eq!(nla.netbios_computer.as_deref(), Some("VM"));
    assert_eq!(nla.product_version.as_deref(), Some("6.1.7601"));
    assert_eq!(nla.clock_skew_s, Some(600.0));
    // FreeRDP answers version 6: no encryption-oracle finding.
    assert_eq!(nla.credssp_version, Some(6));
    assert!(!has(&r, "nla.credssp_unpatched"));
    let layers = r.security_layers.clone().expect("layers");
    assert!(layers.nla_required);
    assert!(has(&r, "security.nla_required"));
    assert!(has(&r, "nla.identity"));
    let skew = r
        .findings
        .iter()
        .find(|f| f.code == "nla.clock_skew")
        .expect("skew finding");
    assert_eq!(skew.severity, Severity::Warn);
    assert_eq!(r.verdict.status, VerdictStatus::Healthy);
}

#[test]
fn nla_without_challenge_fails_at_nla() {
    let mut obs = xrdp_negotiate();
    obs.nla = timed(NlaOutcome::NoChallenge("closed".into()));
    let r = report(&obs);
    assert_eq!(r.verdict.stage.map(Stage::as_str), Some("nla"));
    assert_eq!(r.verdict.codes, ["nla.no_challenge"]);
}
