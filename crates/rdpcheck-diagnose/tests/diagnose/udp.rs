//! The UDP stage: information only.

use rdpcheck_diagnose::observe::*;
use rdpcheck_report::VerdictStatus;

use crate::fixtures::*;

#[test]
fn udp_answers_are_information_only() {
    for (outcome, code, status) in [
        (
            UdpOutcome::SynAck {
                tries: 1,
                rtt_ms: 1.0,
                version: Some(2),
            },
            "udp.open",
            "open",
        ),
        (UdpOutcome::Closed { tries: 1 }, "udp.closed", "closed"),
        (
            UdpOutcome::Silent { tries: 3 },
            "udp.inconclusive",
            "inconclusive",
        ),
    ] {
        let mut obs = xrdp_negotiate();
        obs.udp_enabled = true;
        obs.udp = timed(outcome);
        let r = report(&obs);
        assert!(has(&r, code));
        assert_eq!(r.verdict.status, VerdictStatus::Healthy);
        assert_eq!(r.udp.expect("udp section").status, status);
        assert_eq!(r.stages.last().map(|s| s.name.as_str()), Some("udp"));
    }
}

/// What each UDP answer means for the client, in the finding itself: silence (the SYN dropped
/// on the path, no ICMP) means a TCP fallback; an answer means UDP beside TCP.
#[test]
fn udp_findings_say_what_the_client_does() {
    for (outcome, code, words) in [
        (
            UdpOutcome::Silent { tries: 3 },
            "udp.inconclusive",
            ["dropped on the path", "fall back to TCP"],
        ),
        (
            UdpOutcome::SynAck {
                tries: 1,
                rtt_ms: 1.0,
                version: None,
            },
            "udp.open",
            ["answers RDP-UDP", "beside TCP"],
        ),
        (
            UdpOutcome::Closed { tries: 1 },
            "udp.closed",
            ["Nothing listens", "TCP only"],
        ),
    ] {
        let mut obs = xrdp_negotiate();
        obs.udp_enabled = true;
        obs.udp = timed(outcome);
        let r = report(&obs);
        let f = finding(&r, code);
        for w in words {
            assert!(
                f.summary.contains(w),
                "{code}: {w:?} not in {:?}",
                f.summary
            );
        }
    }
}
