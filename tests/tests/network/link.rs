//! The lab itself: the forwarder delays, drops and cuts what it is told to, and nothing else.

use std::net::{IpAddr, SocketAddr, TcpStream, UdpSocket};
use std::time::{Duration, Instant};

use rdpcheck_labtests::impair::{ImpairedLink, Impairment};

use crate::lab;

/// How long a refused connect from the probe to the server's side takes: one round trip.
fn refused_connect_ms(link: &ImpairedLink) -> f64 {
    let target = SocketAddr::new(IpAddr::V4(ImpairedLink::SERVER_ADDR), 9);
    link.probe.enter(move || {
        let start = Instant::now();
        let result = TcpStream::connect_timeout(&target, Duration::from_secs(3));
        assert!(result.is_err(), "port 9 accepted");
        start.elapsed().as_secs_f64() * 1000.0
    })
}

#[test]
fn the_forwarder_holds_frames_for_the_delay() {
    let Some(mut link) = lab(Impairment::clean()) else {
        return;
    };
    let clean = refused_connect_ms(&link);
    link.set(Impairment::rtt(Duration::from_millis(100)))
        .expect("restart the forwarder");
    let delayed = refused_connect_ms(&link);
    eprintln!("refused connect: clean {clean:.1} ms, 100 ms link {delayed:.1} ms");
    assert!(clean < 20.0, "clean link took {clean} ms");
    assert!(
        (100.0..180.0).contains(&delayed),
        "100 ms link took {delayed} ms"
    );
}

#[test]
fn packets_over_the_limit_vanish_without_icmp() {
    let Some(link) = lab(Impairment {
        max_packet: Some(1200),
        ..Impairment::clean()
    }) else {
        return;
    };
    let server = SocketAddr::new(IpAddr::V4(ImpairedLink::SERVER_ADDR), 4000);
    let rx = link
        .server
        .enter(move || UdpSocket::bind(server))
        .expect("bind in the server namespace");
    rx.set_read_timeout(Some(Duration::from_millis(300)))
        .expect("timeout");
    let tx = link
        .probe
        .enter(|| UdpSocket::bind("0.0.0.0:0"))
        .expect("bind in the probe namespace");
    let mut buf = [0u8; 2048];
    // 1172 + 28 bytes of headers = 1200: passes; 1173 is one byte over.
    tx.send_to(&[1u8; 1172], server).expect("send");
    assert_eq!(rx.recv(&mut buf).expect("the small one arrives"), 1172);
    tx.send_to(&[2u8; 1173], server).expect("send");
    assert!(
        rx.recv(&mut buf).is_err(),
        "a packet over the limit got through"
    );
    // And no ICMP came back to tell the sender.
    tx.set_read_timeout(Some(Duration::from_millis(100)))
        .expect("timeout");
    assert!(tx.recv(&mut buf).is_err());
}

#[test]
fn a_panicking_test_leaves_no_namespace_or_forwarder_behind() {
    let names = std::sync::Arc::new(std::sync::Mutex::new(Vec::<String>::new()));
    let seen = names.clone();
    let result = std::panic::catch_unwind(move || {
        let Some(link) = lab(Impairment::clean()) else {
            return;
        };
        let mut all = seen.lock().expect("lock");
        all.extend([&link.probe, &link.middle, &link.server].map(|ns| ns.name().to_string()));
        // Last: the forwarder's pid.
        all.extend(link.forwarder_pid().map(|p| p.to_string()));
        drop(all);
        panic!("a test fails with the lab up");
    });
    let names = names.lock().expect("lock").clone();
    if names.is_empty() {
        return; // skipped: no lab here
    }
    assert!(result.is_err());
    for name in names.iter().take(3) {
        assert!(
            !std::path::Path::new("/run/netns").join(name).exists(),
            "{name} left behind"
        );
    }
    let pid = names
        .last()
        .and_then(|p| p.parse::<u32>().ok())
        .expect("pid");
    assert!(
        !std::path::Path::new(&format!("/proc/{pid}")).exists(),
        "the forwarder {pid} still runs"
    );
}
