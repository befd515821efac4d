//! What sits on the path besides delay and loss (the forwarder's middlebox rules): UDP dropped
//! while TCP passes vs UDP answered vs nothing listening, a reset or a close right after the
//! X.224 request (compared with the repeated handshakes made after it), and a connection that
//! opens and then hears nothing. Each named, with the verdict it earns.

use std::net::{IpAddr, SocketAddr, UdpSocket};
use std::time::{Duration, Instant};

use rdpcheck_labtests::check::pretty;
use rdpcheck_labtests::impair::{ImpairedLink, Impairment, Middlebox};
use rdpcheck_labtests::udp_responder::{UdpBehavior, UdpResponder};
use rdpcheck_probe::ProbeOptions;
use rdpcheck_report::{Report, VerdictStatus};

use crate::check::{has, opts, probe, xrdp_in};
use crate::lab;

/// The check with UDP on (300 ms per SYN: three tries cost under a second of silence).
fn with_udp() -> ProbeOptions {
    ProbeOptions {
        udp: true,
        udp_timeout: Duration::from_millis(300),
        ..opts(1)
    }
}

/// A fake RDP-UDP listener on the server's address, inside the server's namespace, served by
/// a runtime of its own (the probe runs on another thread, in the probe's namespace).
fn udp_listener(link: &ImpairedLink) -> (tokio::runtime::Runtime, UdpResponder) {
    let addr = SocketAddr::new(IpAddr::V4(ImpairedLink::SERVER_ADDR), 3389);
    let socket = link
        .server
        .enter(move || UdpSocket::bind(addr))
        .expect("bind UDP 3389 in the server namespace");
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .expect("runtime");
    let responder = {
        let _on = rt.enter();
        UdpResponder::serve(socket, UdpBehavior::SynAck)
    };
    (rt, responder)
}

fn udp_status(r: &Report) -> String {
    r.udp.as_ref().map(|u| u.status.clone()).unwrap_or_default()
}

fn summary<'a>(r: &'a Report, code: &str) -> &'a str {
    r.findings
        .iter()
        .find(|f| f.code == code)
        .map(|f| f.summary.as_str())
        .unwrap_or_else(|| panic!("no {code}\n{}", pretty(r)))
}

#[test]
fn udp_dropped_on_the_path_is_no_answer_and_tcp_still_works() {
    let Some(link) = lab(Impairment::middlebox(Middlebox::DropUdp)) else {
        return;
    };
    let _xrdp = xrdp_in(&link);
    let (_rt, listener) = udp_listener(&link);
    let r = probe("udp dropped", &link, with_udp());
    assert_eq!(r.verdict.status, VerdictStatus::Healthy, "{}", pretty(&r));
    assert_eq!(udp_status(&r), "inconclusive", "{}", pretty(&r));
    assert!(
        !has(&r, "udp.open") && !has(&r, "udp.closed"),
        "{}",
        pretty(&r)
    );
    let s = summary(&r, "udp.inconclusive");
    assert!(s.contains("dropped on the path"), "{s}");
    assert!(s.contains("fall back to TCP"), "{s}");
    assert!(listener.received().is_empty(), "a SYN got through");
}

#[test]
fn udp_answered_is_open() {
    let Some(link) = lab(Impairment::clean()) else {
        return;
    };
    let _xrdp = xrdp_in(&link);
    let (_rt, listener) = udp_listener(&link);
    let r = probe("udp answered", &link, with_udp());
    assert_eq!(r.verdict.status, VerdictStatus::Healthy, "{}", pretty(&r));
    assert_eq!(udp_status(&r), "open", "{}", pretty(&r));
    assert!(summary(&r, "udp.open").contains("UDP"), "{}", pretty(&r));
    assert!(listener.received().iter().any(|d| d.valid_syn));
}

#[test]
fn udp_with_nothing_listening_is_closed() {
    let Some(link) = lab(Impairment::clean()) else {
        return;
    };
    let _xrdp = xrdp_in(&link);
    let r = probe("udp closed", &link, with_udp());
    assert_eq!(udp_status(&r), "closed", "{}", pretty(&r));
    assert!(has(&r, "udp.closed"), "{}", pretty(&r));
}

fn assert_x224_fails(r: &Report, code: &str) {
    assert_eq!(r.verdict.status, VerdictStatus::Problem, "{}", pretty(r));
    assert_eq!(
        r.verdict.stage.map(|s| s.as_str()),
        Some("x224"),
        "{}",
        pretty(r)
    );
    let codes: Vec<String> = r.verdict.codes.iter().map(|c| c.to_string()).collect();
    assert_eq!(codes, [code], "{}", pretty(r));
}

/// A middlebox that cuts every connection after the X.224 request: the x224 stage fails with
/// `code`, named beside security software, and the repeated handshakes (run after a cut) say on
/// the cut's finding that every new connection was cut the same way.
fn cut_after_the_request(middlebox: Middlebox, label: &str, code: &str) {
    let Some(link) = lab(Impairment::middlebox(middlebox)) else {
        return;
    };
    let _xrdp = xrdp_in(&link);
    let r = probe(label, &link, opts(2));
    assert_x224_fails(&r, code);
    assert!(
        summary(&r, code).contains("security software"),
        "{}",
        pretty(&r)
    );
    let f = r
        .findings
        .iter()
        .find(|f| f.code == code)
        .unwrap_or_else(|| panic!("no {code}\n{}", pretty(&r)));
    assert!(
        f.evidence
            .contains("all 2 new connections were cut the same way, so it is consistent"),
        "{}",
        pretty(&r)
    );
    assert!(has(&r, "net.unstable"), "{}", pretty(&r));
}

#[test]
fn a_reset_after_the_request_is_x224_reset() {
    cut_after_the_request(
        Middlebox::ResetAfterRequest,
        "reset after request",
        "x224.reset",
    );
}

#[test]
fn a_close_after_the_request_is_x224_closed() {
    cut_after_the_request(
        Middlebox::CloseAfterRequest,
        "close after request",
        "x224.closed",
    );
}

#[test]
fn silence_after_the_handshake_is_x224_silent() {
    let Some(link) = lab(Impairment::middlebox(Middlebox::DropAfterHandshake)) else {
        return;
    };
    let _xrdp = xrdp_in(&link);
    let start = Instant::now();
    let r = probe(
        "dropped after handshake",
        &link,
        ProbeOptions {
            reply_timeout: Duration::from_secs(1),
            ..opts(1)
        },
    );
    assert_x224_fails(&r, "x224.silent");
    assert!(
        summary(&r, "x224.silent").contains("firewall"),
        "{}",
        pretty(&r)
    );
    assert!(
        start.elapsed() < Duration::from_secs(8),
        "{:?}",
        start.elapsed()
    );
}
