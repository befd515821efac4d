//! The UDP stage against fake RDP-UDP responders (no RDP-UDP server runs on Linux) and a closed
//! UDP port. The stage sends to the TCP target's port number, so each responder shares its port
//! number with the TCP side: a real xrdp (TCP) for the open case, a refused TCP port otherwise —
//! the UDP stage runs whenever DNS gave an address, even when the TCP connect fails.

use std::net::TcpListener;
use std::time::Duration;

use rdpcheck_labtests::check::{assert_no_fail, expect_finding, pretty};
use rdpcheck_labtests::udp_responder::{closed_udp_port, UdpBehavior, UdpResponder};
use rdpcheck_labtests::{SecurityLayer, TestCert, Xrdp};
use rdpcheck_probe::ProbeOptions;
use rdpcheck_proto::rdpudp::SYN_DATAGRAM_LEN;
use rdpcheck_report::{Report, Severity, StageStatus, UdpReport, VerdictStatus};

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

#[track_caller]
fn udp_section(report: &Report) -> &UdpReport {
    report
        .udp
        .as_ref()
        .unwrap_or_else(|| panic!("no udp section\n{}", pretty(report)))
}

#[track_caller]
fn udp_stage_status(report: &Report) -> StageStatus {
    report
        .stages
        .iter()
        .find(|s| s.name == "udp")
        .unwrap_or_else(|| panic!("no udp stage\n{}", pretty(report)))
        .status
}

/// TCP on the responder's port number must be refused (nothing listens there over TCP), so the
/// direct ladder stops at tcp while the UDP stage still runs.
#[track_caller]
fn assert_tcp_refused_but_udp_ran(report: &Report) {
    expect_finding(report, "tcp.refused");
    assert_eq!(
        report.verdict.stage.as_ref().map(|s| s.as_str()),
        Some("tcp"),
        "{}",
        pretty(report)
    );
    assert!(report.udp.is_some(), "{}", pretty(report));
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

    let f = expect_finding(&report, "udp.open");
    assert_eq!(f.severity, Severity::Info);
    let udp = udp_section(&report);
    assert_eq!(udp.status, "open", "{}", pretty(&report));
    assert_eq!(udp.port, xrdp.port);
    assert_eq!(udp.tries, 1, "{}", pretty(&report));
    assert!(udp.rtt_ms.is_some(), "{}", pretty(&report));
    // The probe offered v2 (SYNEX); the responder chose the highest common version.
    assert_eq!(udp.version.as_deref(), Some("v2"), "{}", pretty(&report));
    assert_eq!(udp_stage_status(&report), StageStatus::Pass);
    assert_no_fail(&report);
    assert_eq!(
        report.verdict.status,
        VerdictStatus::Healthy,
        "{}",
        pretty(&report)
    );
    // What the responder saw: one padded, valid SYN.
    let seen = responder.received();
    assert_eq!(seen.len(), 1, "{seen:?}");
    assert!(seen[0].valid_syn, "{seen:?}");
    assert_eq!(seen[0].len, SYN_DATAGRAM_LEN, "{seen:?}");
    drop(xrdp);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn v1_syn_ack_is_open_without_a_version() {
    let responder = UdpResponder::start(UdpBehavior::SynAckV1).await;
    assert!(
        tcp_port_free(responder.port),
        "TCP {} is taken",
        responder.port
    );
    let report = probe("udp open v1", udp_opts(responder.port)).await;

    expect_finding(&report, "udp.open");
    let udp = udp_section(&report);
    assert_eq!(udp.status, "open", "{}", pretty(&report));
    assert_eq!(udp.version, None, "{}", pretty(&report));
    assert_tcp_refused_but_udp_ran(&report);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn silent_listener_is_inconclusive_after_three_tries() {
    let responder = UdpResponder::start(UdpBehavior::Silent).await;
    assert!(
        tcp_port_free(responder.port),
        "TCP {} is taken",
        responder.port
    );
    let report = probe("udp silent", udp_opts(responder.port)).await;

    let f = expect_finding(&report, "udp.inconclusive");
    assert_eq!(f.severity, Severity::Info);
    let udp = udp_section(&report);
    assert_eq!(udp.status, "inconclusive", "{}", pretty(&report));
    assert_eq!(udp.tries, 3, "{}", pretty(&report));
    assert_eq!(udp.rtt_ms, None);
    // Three waits of udp_timeout: about 3 s, not a hang and not a shortcut.
    let stage = report
        .stages
        .iter()
        .find(|s| s.name == "udp")
        .expect("udp stage");
    let expected_ms = 3.0 * UDP_WAIT.as_secs_f64() * 1000.0;
    assert!(
        stage.duration_ms >= expected_ms * 0.95 && stage.duration_ms <= expected_ms + 1500.0,
        "udp stage took {} ms, expected about {expected_ms} ms\n{}",
        stage.duration_ms,
        pretty(&report)
    );
    assert_eq!(responder.received().len(), 3, "{:?}", responder.received());
    assert_tcp_refused_but_udp_ran(&report);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn closed_udp_port_is_closed() {
    let port = closed_udp_port();
    let report = probe("udp closed", udp_opts(port)).await;

    let f = expect_finding(&report, "udp.closed");
    assert_eq!(f.severity, Severity::Info);
    let udp = udp_section(&report);
    assert_eq!(udp.status, "closed", "{}", pretty(&report));
    assert_eq!(udp.tries, 1, "{}", pretty(&report));
    // ICMP port unreachable comes back at once on loopback.
    let stage = report
        .stages
        .iter()
        .find(|s| s.name == "udp")
        .expect("udp stage");
    assert!(
        stage.duration_ms < UDP_WAIT.as_secs_f64() * 1000.0,
        "udp stage took {} ms\n{}",
        stage.duration_ms,
        pretty(&report)
    );
    assert_tcp_refused_but_udp_ran(&report);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn garbage_answer_is_inconclusive() {
    let responder = UdpResponder::start(UdpBehavior::Garbage).await;
    assert!(
        tcp_port_free(responder.port),
        "TCP {} is taken",
        responder.port
    );
    let report = probe("udp garbage", udp_opts(responder.port)).await;

    let f = expect_finding(&report, "udp.inconclusive");
    assert!(
        f.evidence.contains("de ad be ef"),
        "evidence {:?}\n{}",
        f.evidence,
        pretty(&report)
    );
    let udp = udp_section(&report);
    assert_eq!(udp.status, "inconclusive", "{}", pretty(&report));
    assert_eq!(udp.tries, 3, "{}", pretty(&report));
    assert_tcp_refused_but_udp_ran(&report);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn syn_ack_for_another_syn_is_inconclusive() {
    let responder = UdpResponder::start(UdpBehavior::WrongAck).await;
    assert!(
        tcp_port_free(responder.port),
        "TCP {} is taken",
        responder.port
    );
    let report = probe("udp wrong ack", udp_opts(responder.port)).await;

    expect_finding(&report, "udp.inconclusive");
    assert_eq!(udp_section(&report).status, "inconclusive");
    assert_tcp_refused_but_udp_ran(&report);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_udp_option_skips_the_stage() {
    let responder = UdpResponder::start(UdpBehavior::SynAck).await;
    let mut opts = udp_opts(responder.port);
    opts.udp = false;
    let report = probe("udp off", opts).await;

    assert!(report.udp.is_none(), "{}", pretty(&report));
    assert!(
        report.stages.iter().all(|s| s.name != "udp"),
        "{}",
        pretty(&report)
    );
    assert!(responder.received().is_empty());
}
