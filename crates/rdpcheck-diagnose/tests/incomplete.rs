//! A check cut short by its whole-check deadline is never healthy: the stages it never ran are
//! "unknown", the verdict is "incomplete" and names them — unless a stage that did run failed,
//! which stays the answer.

use std::net::{IpAddr, Ipv4Addr};

use rdpcheck_diagnose::build_report;
use rdpcheck_diagnose::observe::*;
use rdpcheck_proto::x224::{protocol, Negotiation, RspFlags};
use rdpcheck_report::{Plain, Report, Stage, StageStatus, VerdictStatus};

const LOCAL: IpAddr = IpAddr::V4(Ipv4Addr::LOCALHOST);

fn timed<T>(value: T) -> Option<Timed<T>> {
    Some(Timed { ms: 5000.0, value })
}

/// The slow host of the issue: it answers each X.224 request after ~5 s, so with `--timeout 8`
/// the main negotiation completes and the deadline passes during the per-layer probes.
fn slow_host() -> Observations {
    Observations {
        host: "127.0.0.1".into(),
        port: 3389,
        dns: timed(DnsOutcome::Literal(LOCAL)),
        tcp: vec![TcpAttempt {
            addr: LOCAL,
            ms: 0.2,
            outcome: ConnectOutcome::Connected,
        }],
        probed: Some(LOCAL),
        x224: timed(ReplyOutcome::Confirm {
            negotiation: Negotiation::Selected {
                selected: protocol::SSL,
                flags: RspFlags(0),
            },
            src_ref: 0x1234,
            bytes: vec![],
        }),
        udp_enabled: true,
        deadline_skipped: vec![
            Stage::SecurityLayers,
            Stage::Tls,
            Stage::Nla,
            Stage::Stability,
            Stage::Udp,
        ],
        ..Observations::default()
    }
}

fn report(obs: &Observations) -> Report {
    build_report(obs, "2026-12-01T00:00:00Z".into(), 8000.0)
}

#[test]
fn a_check_cut_by_the_deadline_is_incomplete_not_healthy() {
    let r = report(&slow_host());
    assert_eq!(r.verdict.status, VerdictStatus::Incomplete);
    assert_eq!(r.verdict.stage, Some(Stage::SecurityLayers));
    assert!(
        r.verdict
            .summary
            .contains("before security_layers, tls, nla, stability ran"),
        "{}",
        r.verdict.summary
    );
    for stage in [
        Stage::SecurityLayers,
        Stage::Tls,
        Stage::Nla,
        Stage::Stability,
        Stage::Udp,
    ] {
        let s = r.stages.iter().find(|s| s.name == stage).expect("listed");
        assert_eq!(s.status, StageStatus::Unknown, "{stage}");
    }
    let x224 = r
        .stages
        .iter()
        .find(|s| s.name == Stage::X224)
        .expect("listed");
    assert_eq!(x224.status, StageStatus::Pass);
    let timeouts = r
        .findings
        .iter()
        .filter(|f| f.code == Plain::ProbeTimeout)
        .count();
    assert_eq!(timeouts, 1);
    // The JSON says so in the published words.
    let json = serde_json::to_value(&r).expect("serialises");
    assert_eq!(json["verdict"]["status"], "incomplete");
    assert_eq!(json["stages"][3]["status"], "unknown");
}

#[test]
fn a_failure_before_the_deadline_is_still_the_problem() {
    let mut obs = slow_host();
    obs.x224 = timed(ReplyOutcome::Closed { received: 0 });
    let r = report(&obs);
    assert_eq!(r.verdict.status, VerdictStatus::Problem);
    assert_eq!(r.verdict.stage, Some(Stage::X224));
}

#[test]
fn a_finished_check_has_no_unknown_stage() {
    let mut obs = slow_host();
    obs.deadline_skipped.clear();
    let r = report(&obs);
    assert!(r.stages.iter().all(|s| s.status != StageStatus::Unknown));
    assert_ne!(r.verdict.status, VerdictStatus::Incomplete);
}
