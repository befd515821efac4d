//! The UDP stage against fake RDP-UDP responders (no RDP-UDP server runs on Linux) and a closed
//! UDP port. The stage sends to the TCP target's port number, so each responder shares its port
//! number with the TCP side: a real xrdp (TCP) for the open case, a refused TCP port otherwise —
//! the UDP stage runs whenever DNS gave an address, even when the TCP connect fails.

use std::net::TcpListener;
use std::time::Duration;

use rdpcheck_labtests::check::{
    assert_healthy, assert_no_fail, assert_says, assert_stage, assert_verdict_stage,
    expect_finding, expect_severity, expect_stage, udp_section,
};
use rdpcheck_labtests::udp_responder::{closed_udp_port, UdpBehavior, UdpResponder};
use rdpcheck_labtests::{assert_report, assert_report_eq};
use rdpcheck_labtests::{SecurityLayer, TestCert, Xrdp};
use rdpcheck_probe::ProbeOptions;
use rdpcheck_proto::rdpudp::SYN_DATAGRAM_LEN;
use rdpcheck_report::{Report, Severity, StageStatus};

use crate::{probe, real_opts};

const UDP_WAIT: Duration = Duration::from_secs(1);

/// Options for 127.0.0.1:`port` with short deadlines; TCP on `port` is expected to be refused.
fn udp_opts(port: u16) -> ProbeOptions {
    let mut opts = ProbeOptions::new("127.0.0.1", port);
    opts.connect_timeout = Duration::from_secs(2);
    opts.reply_timeout = Duration::from_secs(1);
    opts.total_timeout = Duration::from_secs(15);
    opts.samples = 1;
    opts.udp_timeout = UDP_WAIT;
    opts
}

/// A responder on a free port that TCP does not listen on (so TCP on its port number is refused).
async fn responder_without_tcp(behavior: UdpBehavior) -> UdpResponder {
    // Another process may hold TCP on the port number the system gave us: try a few.
    for _ in 0..20 {
        let responder = UdpResponder::start(behavior).await;
        if tcp_port_free(responder.port) {
            return responder;
        }
    }
    panic!("no UDP port whose TCP twin is free in 20 tries");
}

/// TCP on the responder's port number must be refused (nothing listens there over TCP), so the
/// direct ladder stops at tcp while the UDP stage still runs.
#[track_caller]
fn assert_tcp_refused_but_udp_ran(report: &Report) {
    expect_finding(report, "tcp.refused");
    assert_verdict_stage(report, "tcp");
    assert_report!(report, report.udp.is_some());
}

/// True when nothing accepts TCP on 127.0.0.1:`port` right now.
fn tcp_port_free(port: u16) -> bool {
    TcpListener::bind(("127.0.0.1", port)).is_ok()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn syn_ack_on_the_xrdp_port_is_open() {
    // Real xrdp on TCP, the fake RDP-UDP listener on the same port number over UDP.
    let xrdp = Xrdp::start(SecurityLayer::Negotiate, &TestCert::self_signed());
    let responder = UdpResponder::start_on(xrdp.port, UdpBehavior::SynAck).await;
    let mut opts = real_opts(xrdp.port);
    opts.udp_timeout = UDP_WAIT;
    let report = probe("udp open + xrdp", opts).await;

    expect_severity(&report, "udp.open", Severity::Info);
    let udp = udp_section(&report);
    assert_report_eq!(report, udp.status, "open");
    assert_report_eq!(report, udp.port, xrdp.port);
    assert_report_eq!(report, udp.tries, 1);
    assert_report!(report, udp.rtt_ms.is_some());
    // The probe offered v2 (SYNEX); the responder chose the highest common version.
    assert_report_eq!(report, udp.version.as_deref(), Some("v2"));
    assert_stage(&report, "udp", StageStatus::Pass);
    assert_no_fail(&report);
    assert_healthy(&report);
    // What the responder saw: one padded, valid SYN.
    let seen = responder.received();
    assert_eq!(seen.len(), 1, "{seen:?}");
    assert!(seen[0].valid_syn, "{seen:?}");
    assert_eq!(seen[0].len, SYN_DATAGRAM_LEN, "{seen:?}");
    drop(xrdp);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn v1_syn_ack_is_open_without_a_version() {
    let responder = responder_without_tcp(UdpBehavior::SynAckV1).await;
    let report = probe("udp open v1", udp_opts(responder.port)).await;

    expect_finding(&report, "udp.open");
    let udp = udp_section(&report);
    assert_report_eq!(report, udp.status, "open");
    assert_report_eq!(report, udp.version, None);
    assert_tcp_refused_but_udp_ran(&report);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn silent_listener_is_inconclusive_after_three_tries() {
    let responder = responder_without_tcp(UdpBehavior::Silent).await;
    let report = probe("udp silent", udp_opts(responder.port)).await;

    expect_severity(&report, "udp.inconclusive", Severity::Info);
    let udp = udp_section(&report);
    assert_report_eq!(report, udp.status, "inconclusive");
    assert_report_eq!(report, udp.tries, 3);
    assert_report_eq!(report, udp.rtt_ms, None);
    // Three waits of udp_timeout: about 3 s, not a hang and not a shortcut.
    let stage = expect_stage(&report, "udp");
    let expected_ms = 3.0 * UDP_WAIT.as_secs_f64() * 1000.0;
    assert_report!(
        report,
        stage.duration_ms >= expected_ms * 0.95 && stage.duration_ms <= expected_ms + 1500.0,
        "udp stage took {} ms, expected about {expected_ms} ms",
        stage.duration_ms
    );
    assert_eq!(responder.received().len(), 3, "{:?}", responder.received());
    assert_tcp_refused_but_udp_ran(&report);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn closed_udp_port_is_closed() {
    let port = closed_udp_port();
    let report = probe("udp closed", udp_opts(port)).await;

    expect_severity(&report, "udp.closed", Severity::Info);
    let udp = udp_section(&report);
    assert_report_eq!(report, udp.status, "closed");
    assert_report_eq!(report, udp.tries, 1);
    // ICMP port unreachable comes back at once on loopback.
    let stage = expect_stage(&report, "udp");
    assert_report!(
        report,
        stage.duration_ms < UDP_WAIT.as_secs_f64() * 1000.0,
        "udp stage took {} ms",
        stage.duration_ms
    );
    assert_tcp_refused_but_udp_ran(&report);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn garbage_answer_is_inconclusive() {
    let responder = responder_without_tcp(UdpBehavior::Garbage).await;
    let report = probe("udp garbage", udp_opts(responder.port)).await;

    let f = expect_finding(&report, "udp.inconclusive");
    assert_says(&report, "evidence", &f.evidence, &["de ad be ef"]);
    let udp = udp_section(&report);
    assert_report_eq!(report, udp.status, "inconclusive");
    assert_report_eq!(report, udp.tries, 3);
    assert_tcp_refused_but_udp_ran(&report);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn syn_ack_for_another_syn_is_inconclusive() {
    let responder = responder_without_tcp(UdpBehavior::WrongAck).await;
    let report = probe("udp wrong ack", udp_opts(responder.port)).await;

    expect_finding(&report, "udp.inconclusive");
    assert_report_eq!(report, udp_section(&report).status, "inconclusive");
    assert_tcp_refused_but_udp_ran(&report);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_udp_option_skips_the_stage() {
    let responder = UdpResponder::start(UdpBehavior::SynAck).await;
    let mut opts = udp_opts(responder.port);
    opts.udp = false;
    let report = probe("udp off", opts).await;

    assert_report!(report, report.udp.is_none());
    assert_report!(report, report.stages.iter().all(|s| s.name != "udp"));
    assert!(responder.received().is_empty());
}
