//! The report as a whole: deadline skips and the published JSON names.

use rdpcheck_report::{Report, Stage};

use crate::fixtures::*;

#[test]
fn deadline_skips_are_reported_once() {
    let mut obs = xrdp_negotiate();
    obs.stability = None;
    obs.deadline_skipped = vec![Stage::Stability];
    let r = report(&obs);
    assert_eq!(
        codes(&r).iter().filter(|c| **c == "probe.timeout").count(),
        1
    );
}

#[test]
fn report_json_keeps_the_published_names() {
    let r = report(&xrdp_negotiate());
    let v = serde_json::to_value(&r).expect("serialises");
    for key in [
        "schema",
        "tool",
        "target",
        "started_at",
        "duration_ms",
        "stages",
        "security_layers",
        "tls",
        "findings",
        "verdict",
    ] {
        assert!(v.get(key).is_some(), "missing {key}");
    }
    assert_eq!(v["verdict"]["status"], "healthy");
    assert_eq!(v["stages"][0]["status"], "pass");
    assert_eq!(v["findings"][0]["severity"], "warn");
    let back: Report = serde_json::from_value(v).expect("round trip");
    assert_eq!(back, r);
}
