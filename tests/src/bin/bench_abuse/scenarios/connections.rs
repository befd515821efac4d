//! The attackers that speak plain TCP: connections that send nothing, half a request head, or
//! something malformed (garbage, a TLS hello on the plain port, an oversized header, a bad body,
//! broken WebSocket frames).

use std::time::Instant;

use tokio::io::AsyncWriteExt;

use super::{attacker, run, settle, until_closed, End, Outcome, IN_FLIGHT};
use crate::relay::{connect_from, interrupted, Relay, Watch, STEP};

pub async fn idle(relay: &Relay, count: usize, clients: usize) -> Outcome {
    let setup = format!("{count} TCP connections from {clients} address(es), nothing sent");
    let name = if clients == 1 {
        "idle connections, one client"
    } else {
        "idle connections, many clients"
    };
    run(
        relay,
        Outcome::new(name, setup),
        count,
        clients,
        1,
        until_closed,
    )
    .await
}

pub async fn half_requests(relay: &Relay, count: usize, clients: usize) -> Outcome {
    let setup = format!("{count} connections from {clients} addresses, each half a request head");
    let port = relay.port;
    run(
        relay,
        Outcome::new("half requests", setup),
        count,
        clients,
        2,
        move |mut s, start| async move {
            let half = format!("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nX-Slow: ");
            let _ = s.write_all(half.as_bytes()).await;
            until_closed(s, start).await
        },
    )
    .await
}

/// What a malformed client sends: (what, bytes).
fn malformed(kind: usize, port: u16) -> (&'static str, Vec<u8>) {
    let host = format!("127.0.0.1:{port}");
    match kind % 6 {
        0 => (
            "garbage",
            (0..2048u32).map(|i| (i * 37 % 251) as u8).collect(),
        ),
        1 => (
            "a TLS ClientHello",
            vec![
                0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, 0xfc, 0x03, 0x03, 0, 0, 0,
            ],
        ),
        2 => (
            "a 100 KiB header",
            format!(
                "GET / HTTP/1.1\r\nHost: {host}\r\nX-Big: {}\r\n\r\n",
                "a".repeat(100 * 1024)
            )
            .into_bytes(),
        ),
        3 => (
            "a bad chunked body",
            format!(
                "GET /healthz HTTP/1.1\r\nHost: {host}\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n"
            )
            .into_bytes(),
        ),
        4 => {
            // A WebSocket upgrade, then an unmasked frame with a reserved opcode.
            let mut b = upgrade_request(&host).into_bytes();
            b.extend_from_slice(&[0x83, 0x05, b'h', b'e', b'l', b'l', b'o']);
            ("a WebSocket upgrade, then a reserved opcode", b)
        }
        _ => {
            // A WebSocket upgrade, then a masked text frame that announces 1 GiB.
            let mut b = upgrade_request(&host).into_bytes();
            b.extend_from_slice(&[0x81, 0xFF, 0, 0, 0, 0, 0x40, 0, 0, 0, 1, 2, 3, 4]);
            ("a WebSocket upgrade, then a 1 GiB frame", b)
        }
    }
}

fn upgrade_request(host: &str) -> String {
    format!(
        "GET /api/v1/probe HTTP/1.1\r\nHost: {host}\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\
         Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n"
    )
}

pub async fn malformed_clients(relay: &Relay, count: usize, clients: usize) -> Outcome {
    let kinds: Vec<&str> = (0..6).map(|k| malformed(k, relay.port).0).collect();
    let setup = format!(
        "{count} connections from {clients} addresses, {IN_FLIGHT} at a time, cycling: {}",
        kinds.join("; ")
    );
    let mut outcome = Outcome::new("malformed clients", setup);
    outcome.rss_before = relay.rss_kib();
    let watch = Watch::start(relay.port, relay.pid);
    let start = Instant::now();
    let port = relay.port;
    let mut n = 0;
    while n < count && !interrupted() {
        let wave: Vec<_> = (n..(n + IN_FLIGHT).min(count))
            .map(|i| {
                let source = attacker(4, i, clients);
                tokio::spawn(async move {
                    let mut s = match connect_from(source, port).await {
                        Ok(s) => s,
                        Err(e) => return End::ConnectFailed(e.kind().to_string()),
                    };
                    let (_, bytes) = malformed(i, port);
                    let _ = tokio::time::timeout(STEP, s.write_all(&bytes)).await;
                    // Each client's own clock: the time it takes the relay to be done with it.
                    until_closed(s, Instant::now()).await
                })
            })
            .collect();
        n += wave.len();
        for t in wave {
            if let Ok(end) = t.await {
                outcome.count(end);
            }
        }
    }
    outcome.note = format!("{:.1} s for all of them", start.elapsed().as_secs_f64());
    settle(relay, &mut outcome, watch).await;
    outcome
}
