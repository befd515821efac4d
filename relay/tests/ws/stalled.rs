//! A client that asks for a probe and then never reads: the relay's sends must not wait for it.
//! The target is a real xrdp whose certificate carries 1 500 names, so the session's messages
//! (the TLS stage, the report and its redacted copy list every name) are far larger than what
//! the sockets buffer; the client's socket has a small receive buffer and a small MSS (the
//! relay's send buffer starts at a few segments). With the only probe slot held by that client,
//! a second client must be admitted well within the probe limit.

use crate::harness::http::metric_sample;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use rdpcheck_labtests::{SecurityLayer, TestCert, Xrdp};
use socket2::{Domain, Protocol, Socket, Type};
use tokio::net::TcpStream;

use crate::harness::{
    closed_port, connect, next_json, quick_probe, send_text, Relay, RelayOptions, STEP,
};

/// The relay's probe limit in this test; the second client must get in well before it.
const PROBE_LIMIT_S: u64 = 30;

/// A TCP connection that can hardly be sent to: 4 KiB receive buffer, 536-byte segments.
async fn stingy_connect(port: u16) -> TcpStream {
    let socket = Socket::new(Domain::IPV4, Type::STREAM, Some(Protocol::TCP)).expect("socket");
    socket.set_recv_buffer_size(4096).expect("SO_RCVBUF");
    socket.set_tcp_mss(536).expect("TCP_MAXSEG");
    let addr = SocketAddr::from(([127, 0, 0, 1], port));
    // Blocking connect on loopback is immediate; then hand it to tokio.
    socket.connect(&addr.into()).expect("connect");
    socket.set_nonblocking(true).expect("nonblocking");
    TcpStream::from_std(socket.into()).expect("tokio stream")
}

/// A sample's value in Prometheus text; 0 when absent.
fn sample(text: &str, series: &str) -> f64 {
    metric_sample(text, series).unwrap_or(0.0)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_that_stops_reading_is_closed_and_its_slot_freed_within_the_probe_limit() {
    let xrdp = Xrdp::start(
        SecurityLayer::Negotiate,
        &TestCert::self_signed_with_names(1500),
    );
    let closed = closed_port();
    let (xrdp_port, closed_s) = (xrdp.port.to_string(), closed.to_string());
    let relay = Relay::start(
        RelayOptions::args(&[
            "--allow",
            "127.0.0.0/8",
            "--allow-port",
            &xrdp_port,
            "--allow-port",
            &closed_s,
        ])
        .with_config(&format!(
            "[limits]\nmax_concurrent_probes = 1\nwrite_timeout_s = 2\nprobe_timeout_s = {PROBE_LIMIT_S}\n"
        )),
    )
    .await;

    // The staller: a WebSocket over the stingy socket, one request, then no read ever.
    let stream = stingy_connect(relay.port).await;
    let (mut staller, _) = tokio::time::timeout(
        STEP,
        tokio_tungstenite::client_async(
            relay.ws_url(""),
            tokio_tungstenite::MaybeTlsStream::Plain(stream),
        ),
    )
    .await
    .expect("handshake in time")
    .expect("handshake");
    let big = quick_probe(xrdp.port);
    send_text(&mut staller, &big).await;
    let stalled_at = Instant::now();
    // Its probe is running once its first stage is counted: only then may the other client come
    // (on a loaded machine the relay can read the other's request first).
    let deadline = Instant::now() + STEP;
    loop {
        let metrics = relay.get("/metrics").await;
        if sample(
            &metrics,
            "rdpcheck_stage_duration_seconds_count{stage=\"dns\"}",
        ) >= 1.0
        {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the staller's probe did not start\n{}",
            relay.output()
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }

    // Another client: refused as busy while the staller holds the slot, then admitted.
    let quick = quick_probe(closed);
    let mut busy = 0;
    let admitted_after = loop {
        let mut ws = connect(&relay.ws_url(""), &[]).await;
        send_text(&mut ws, &quick).await;
        let first = next_json(&mut ws).await;
        drop(ws);
        if first["type"] == "stage" {
            break stalled_at.elapsed();
        }
        assert_eq!(first["code"], "limit.busy", "{first}");
        busy += 1;
        assert!(
            stalled_at.elapsed() < Duration::from_secs(PROBE_LIMIT_S),
            "the stalled client held the only slot for the whole probe limit\n{}",
            relay.output()
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    eprintln!("second client admitted {admitted_after:?} after the staller's request ({busy} busy answers before)");
    assert!(
        busy > 0,
        "the staller never held the slot: was its probe admitted?\n{}",
        relay.output()
    );
    assert!(
        admitted_after < Duration::from_secs(PROBE_LIMIT_S / 2),
        "{admitted_after:?}"
    );

    let text = relay.get("/metrics").await;
    assert_eq!(
        sample(&text, "rdpcheck_write_timeouts_total"),
        1.0,
        "{text}"
    );
    let log = relay.output();
    assert!(log.contains("the client stopped reading"), "{log}");
    drop(staller);
}
