//! X.224: what each reply to the connection request means, and the security layers a
//! recorded xrdp negotiation gives.

use rdpcheck_diagnose::observe::*;
use rdpcheck_proto::x224::FailureCode;
use rdpcheck_report::{Severity, Stage, StageStatus, VerdictStatus};

use crate::fixtures::*;

#[test]
fn xrdp_negotiate_is_healthy_with_security_warnings() {
    let r = report(&xrdp_negotiate());
    assert_eq!(r.verdict.status, VerdictStatus::Healthy);
    assert_eq!(
        codes(&r),
        ["security.standard_rdp_allowed", "security.nla_not_required"]
    );
    let layers = r.security_layers.expect("layers section");
    assert!(layers.rdp.accepted && layers.tls.accepted);
    assert!(!layers.nla.accepted);
    assert_eq!(
        layers.nla.selected.as_deref(),
        Some("rdp"),
        "a downgrade is not acceptance"
    );
    assert!(!layers.nla_required);
    assert_eq!(
        r.stages.iter().find(|s| s.name == "nla").map(|s| s.status),
        Some(StageStatus::Skip)
    );
}

#[test]
fn close_before_confirm_is_the_0x904_stage() {
    let mut obs = connected();
    obs.x224 = timed(ReplyOutcome::Closed { received: 0 });
    let r = report(&obs);
    assert_eq!(r.verdict.status, VerdictStatus::Problem);
    assert_eq!(r.verdict.stage.map(Stage::as_str), Some("x224"));
    assert_eq!(r.verdict.codes, ["x224.closed"]);
    assert!(r
        .verdict
        .client_error_hint
        .as_deref()
        .is_some_and(|h| h.contains("0x904")));
    for later in ["security_layers", "tls", "nla", "stability"] {
        let stage = r
            .stages
            .iter()
            .find(|s| s.name == later)
            .expect("stage listed");
        assert_eq!(stage.status, StageStatus::Skip, "{later}");
    }
}

#[test]
fn every_reply_kind_has_its_own_code() {
    let cases = [
        (ReplyOutcome::Reset { received: 0 }, "x224.reset"),
        (ReplyOutcome::Silent, "x224.silent"),
        (ReplyOutcome::Stalled { received: 3 }, "x224.stalled"),
        (
            ReplyOutcome::NotRdp {
                peer: "an HTTP server".into(),
                bytes: b"HTTP/1.1".to_vec(),
            },
            "x224.not_rdp",
        ),
        (
            ReplyOutcome::Malformed {
                error: "bad".into(),
                bytes: vec![3, 0],
            },
            "x224.malformed",
        ),
        (
            ReplyOutcome::Disconnect {
                detail: "DR".into(),
                bytes: vec![],
            },
            "x224.disconnect",
        ),
        (
            refused(FailureCode::HybridRequired),
            "x224.neg_failure.hybrid_required",
        ),
        (
            refused(FailureCode::SslCertNotOnServer),
            "x224.neg_failure.ssl_cert_not_on_server",
        ),
        (refused(FailureCode::Unknown(9)), "x224.neg_failure.unknown"),
    ];
    for (outcome, code) in cases {
        let mut obs = connected();
        obs.x224 = timed(outcome);
        let r = report(&obs);
        assert_eq!(r.verdict.codes, [code]);
        assert_eq!(r.verdict.stage.map(Stage::as_str), Some("x224"));
    }
}

/// A reset or a close after the request and silence after the handshake are what middleboxes do too
/// (security software, a stateful firewall rule): the finding names them beside the server.
#[test]
fn reset_and_silence_name_the_middlebox_too() {
    for (outcome, code, word) in [
        (
            ReplyOutcome::Reset { received: 0 },
            "x224.reset",
            "security software",
        ),
        (ReplyOutcome::Silent, "x224.silent", "firewall on the path"),
        (
            ReplyOutcome::Closed { received: 0 },
            "x224.closed",
            "security software",
        ),
    ] {
        let mut obs = connected();
        obs.x224 = timed(outcome);
        let r = report(&obs);
        let f = finding(&r, code);
        assert!(f.summary.contains(word), "{code}: {:?}", f.summary);
        assert_eq!(f.severity, Severity::Fail);
    }
}

#[test]
fn ssl_not_allowed_is_a_downgrade_not_a_failure() {
    let mut obs = connected();
    obs.x224 = timed(refused(FailureCode::SslNotAllowed));
    let r = report(&obs);
    assert_eq!(r.verdict.status, VerdictStatus::Healthy);
    let f = r
        .findings
        .iter()
        .find(|f| f.code == "x224.neg_failure.ssl_not_allowed")
        .expect("finding");
    assert_eq!(f.severity, Severity::Warn);
}

#[test]
fn legacy_confirm_warns() {
    let mut obs = connected();
    obs.x224 = timed(confirm(&[3, 0, 0, 11, 6, 0xd0, 0, 0, 0x12, 0x34, 0]));
    let r = report(&obs);
    assert!(has(&r, "x224.legacy"));
}

/// After a cut the stability samples tell a rule (every new connection cut the same way) from
/// something intermittent (some answered); the cut's finding says which.
#[test]
fn a_cut_is_compared_with_the_repeated_handshakes() {
    let cut = ReplyOutcome::Reset { received: 0 };
    let same = rdpcheck_diagnose::describe::reply_outcome(&cut);
    let evidence = |samples: Vec<Sample>| {
        let mut obs = connected();
        obs.x224 = timed(cut.clone());
        obs.stability = timed(samples);
        finding(&report(&obs), "x224.reset").evidence.clone()
    };
    let always = evidence(vec![Sample::Failed(same.clone()); 3]);
    assert!(
        always.contains("all 3 new connections were cut the same way, so it is consistent"),
        "{always}"
    );
    let some = evidence(vec![
        Sample::Failed(same.clone()),
        Sample::Ok { ms: 4.0 },
        Sample::Ok { ms: 5.0 },
    ]);
    assert!(
        some.contains(
            "1 of 3 new connections were cut the same way and 2 answered, so it is intermittent"
        ),
        "{some}"
    );
    assert!(!evidence(Vec::new()).contains("repeated:"));
}
