//! Reaching the host: DNS outcomes and TCP connect failures.

use rdpcheck_diagnose::observe::*;
use rdpcheck_report::{Stage, VerdictStatus};

use crate::fixtures::*;

#[test]
fn tcp_failures_map_to_connect_codes() {
    for (outcome, code, hint) in [
        (ConnectOutcome::Refused, "tcp.refused", "0x204"),
        (ConnectOutcome::TimedOut, "tcp.timeout", "0x204"),
        (
            ConnectOutcome::Unreachable("no route".into()),
            "tcp.unreachable",
            "0x204",
        ),
    ] {
        let mut obs = connected();
        obs.tcp = vec![TcpAttempt {
            addr: LOCAL,
            ms: 5.0,
            outcome,
        }];
        obs.probed = None;
        let r = report(&obs);
        assert_eq!(r.verdict.codes, [code]);
        assert!(r
            .verdict
            .client_error_hint
            .as_deref()
            .is_some_and(|h| h.contains(hint)));
    }
}

#[test]
fn one_working_address_is_enough() {
    let mut obs = xrdp_negotiate();
    obs.tcp.insert(
        0,
        TcpAttempt {
            addr: "::1".parse().expect("ip"),
            ms: 0.1,
            outcome: ConnectOutcome::Refused,
        },
    );
    let r = report(&obs);
    assert_eq!(r.verdict.status, VerdictStatus::Healthy);
    let tcp = r.stages.iter().find(|s| s.name == "tcp").expect("tcp");
    assert!(tcp.summary.contains("earlier address"), "{}", tcp.summary);
}

#[test]
fn dns_outcomes() {
    for (outcome, code) in [
        (DnsOutcome::NxDomain, "dns.nxdomain"),
        (DnsOutcome::NoAnswer, "dns.no_answer"),
        (DnsOutcome::Timeout, "dns.timeout"),
        (DnsOutcome::Failure("SERVFAIL".into()), "dns.failure"),
    ] {
        let obs = Observations {
            host: "rdp.example".into(),
            port: 3389,
            dns: timed(outcome),
            ..Observations::default()
        };
        let r = report(&obs);
        assert_eq!(r.verdict.codes, [code]);
        assert_eq!(r.verdict.stage.map(Stage::as_str), Some("dns"));
        assert!(r.target.addresses.is_empty());
    }
}
