//! Stability: failed handshakes, latency and jitter.

use rdpcheck_diagnose::observe::*;
use rdpcheck_report::{Stage, VerdictStatus};

use crate::fixtures::*;

#[test]
fn stability_failures_and_latency() {
    let mut obs = xrdp_negotiate();
    obs.stability = timed(vec![
        Sample::Ok { ms: 10.0 },
        Sample::Failed("reset".into()),
        Sample::Failed("no reply".into()),
        Sample::Ok { ms: 12.0 },
    ]);
    let r = report(&obs);
    assert_eq!(r.verdict.stage.map(Stage::as_str), Some("stability"));
    assert_eq!(r.verdict.codes, ["net.unstable"]);

    let mut obs = xrdp_negotiate();
    obs.stability = timed(vec![
        Sample::Ok { ms: 180.0 },
        Sample::Ok { ms: 200.0 },
        Sample::Ok { ms: 190.0 },
    ]);
    let r = report(&obs);
    assert!(has(&r, "net.high_latency"));
    assert_eq!(r.verdict.status, VerdictStatus::Healthy);

    let mut obs = xrdp_negotiate();
    obs.stability = timed(vec![
        Sample::Ok { ms: 5.0 },
        Sample::Ok { ms: 150.0 },
        Sample::Ok { ms: 6.0 },
    ]);
    let r = report(&obs);
    assert!(has(&r, "net.unstable"), "jitter: {:?}", codes(&r));
}
