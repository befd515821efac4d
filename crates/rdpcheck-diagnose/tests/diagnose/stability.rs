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

fn kernel(name: &str, rtt: f64, resent: u32, ooo: u32) -> rdpcheck_report::TcpStats {
    rdpcheck_report::TcpStats {
        connection: name.into(),
        rtt_ms: rtt,
        rttvar_ms: rtt / 4.0,
        min_rtt_ms: Some(rtt),
        retransmits: resent,
        lost: 0,
        segs_out: 12,
        segs_in: 11,
        out_of_order_in: ooo,
        snd_mss: 1448,
    }
}

/// Handshake times that jump while the kernel's round trips stay put are the server's own time
/// (a busy host), not an unstable path; when the kernel's round trips jump too, it is the path.
#[test]
fn jitter_is_the_paths_only_when_the_kernel_sees_it() {
    let jumpy = || {
        timed(vec![
            Sample::Ok { ms: 2.0 },
            Sample::Ok { ms: 53.0 },
            Sample::Ok { ms: 3.0 },
        ])
    };
    let mut obs = xrdp_negotiate();
    obs.stability = jumpy();
    obs.tcp_info = vec![
        kernel("main", 0.2, 0, 0),
        kernel("stability.1", 2.4, 0, 0),
        kernel("stability.2", 0.9, 0, 0),
    ];
    let r = report(&obs);
    assert!(!has(&r, "net.unstable"), "steady kernel: {:?}", codes(&r));

    obs.tcp_info = vec![
        kernel("main", 5.0, 0, 0),
        kernel("stability.1", 60.0, 0, 0),
        kernel("stability.2", 8.0, 0, 0),
    ];
    let r = report(&obs);
    assert!(has(&r, "net.unstable"), "jumpy kernel: {:?}", codes(&r));

    // One connection is no evidence either way: the handshake times decide, as before.
    obs.tcp_info = vec![kernel("main", 0.2, 0, 0)];
    let r = report(&obs);
    assert!(has(&r, "net.unstable"), "one connection: {:?}", codes(&r));
}

fn steady(ms: f64) -> Option<Timed<Vec<Sample>>> {
    timed(vec![
        Sample::Ok { ms },
        Sample::Ok { ms },
        Sample::Ok { ms },
    ])
}

#[test]
fn the_kernel_rtt_decides_latency_not_a_slow_server() {
    // Slow handshakes, but the kernel measured 2 ms round trips: the server thinks slowly.
    let mut obs = xrdp_negotiate();
    obs.stability = steady(400.0);
    obs.tcp_info = vec![kernel("main", 2.0, 0, 0), kernel("stability.1", 2.1, 0, 0)];
    let r = report(&obs);
    assert!(!has(&r, "net.high_latency"), "{:?}", codes(&r));
    assert_eq!(r.tcp_info.len(), 2, "carried into the report");

    // Quick handshakes are impossible on a 200 ms path, but the kernel's figure is what counts.
    obs.stability = steady(210.0);
    obs.tcp_info = vec![
        kernel("main", 200.0, 0, 0),
        kernel("stability.1", 200.0, 0, 0),
    ];
    let r = report(&obs);
    let f = r
        .findings
        .iter()
        .find(|f| f.code == "net.high_latency")
        .expect("high latency");
    assert!(f.summary.contains("200 ms"), "{}", f.summary);
    assert!(f.evidence.contains("kernel: main: rtt"), "{}", f.evidence);
    assert_eq!(r.verdict.status, VerdictStatus::Healthy);
}

#[test]
fn resends_on_several_connections_are_packet_loss() {
    let mut obs = xrdp_negotiate();
    obs.stability = steady(20.0);
    obs.tcp_info = vec![
        kernel("main", 5.0, 2, 0),
        kernel("stability.1", 5.0, 0, 1),
        kernel("stability.2", 5.0, 0, 0),
    ];
    let r = report(&obs);
    assert!(has(&r, "net.packet_loss"), "{:?}", codes(&r));
    assert_eq!(r.verdict.status, VerdictStatus::Healthy, "a warning only");

    // A clean link, and one SYN resent on one connection (a full accept queue): no loss.
    obs.tcp_info = vec![kernel("main", 5.0, 0, 0), kernel("stability.1", 5.0, 1, 0)];
    assert!(!has(&report(&obs), "net.packet_loss"));
}

#[test]
fn reports_without_tcp_info_still_parse() {
    let mut obs = xrdp_negotiate();
    obs.stability = steady(20.0);
    let r = report(&obs);
    let json = serde_json::to_string(&r).expect("serialise");
    assert!(!json.contains("tcp_info"), "empty list left out");
    let back: rdpcheck_report::Report = serde_json::from_str(&json).expect("parse");
    assert!(back.tcp_info.is_empty());
}
