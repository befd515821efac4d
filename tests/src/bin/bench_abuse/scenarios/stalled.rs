//! WebSocket clients that ask for a probe whose messages are large, read the first one and then
//! never read again: each holds a probe slot until the relay's write deadline gives up on it.

use std::net::{Ipv4Addr, SocketAddr};
use std::time::{Duration, Instant};

use futures_util::{SinkExt, StreamExt};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::MaybeTlsStream;

use super::{attacker, settle, End, Outcome};
use crate::relay::{interrupted, Relay, Watch, STEP};

/// A socket that can hardly be sent to: a 4 KiB receive buffer and 536-byte segments.
fn stingy(source: Ipv4Addr, port: u16) -> std::io::Result<TcpStream> {
    use socket2::{Domain, Protocol, Socket, Type};
    let socket = Socket::new(Domain::IPV4, Type::STREAM, Some(Protocol::TCP))?;
    socket.set_recv_buffer_size(4096)?;
    socket.set_tcp_mss(536)?;
    socket.bind(&SocketAddr::from((source, 0)).into())?;
    socket.connect(&SocketAddr::from((Ipv4Addr::LOCALHOST, port)).into())?;
    socket.set_nonblocking(true)?;
    TcpStream::from_std(socket.into())
}

/// `count` clients (one address each) ask for a probe of `target` (a host with a large
/// certificate, so the session's messages are large), read the first message, and then never
/// read again. Admitted ones hold a probe slot until the relay gives up on them.
pub async fn stalled_readers(
    relay: &Relay,
    count: usize,
    target: &str,
    closed_port: u16,
) -> Outcome {
    let setup = format!(
        "{count} WebSocket clients from {count} addresses (4 KiB receive buffer, MSS 536) ask to \
         probe {target} (xrdp, 1 500-name certificate), read one message, then never read"
    );
    let mut outcome = Outcome::new("stalled WebSocket readers", setup);
    outcome.rss_before = relay.rss_kib();
    let timeouts_before = relay.metric("rdpcheck_write_timeouts_total").await;
    let watch = Watch::start(relay.port, relay.pid);
    let start = Instant::now();
    let request =
        serde_json::json!({"type": "probe", "target": target, "samples": 0, "udp": false})
            .to_string();
    let mut held = Vec::new();
    for n in 0..count {
        if interrupted() {
            break;
        }
        let stream = match stingy(attacker(3, n, count), relay.port) {
            Ok(s) => s,
            Err(e) => {
                outcome.count(End::ConnectFailed(e.kind().to_string()));
                continue;
            }
        };
        outcome.started += 1;
        let handshake =
            tokio_tungstenite::client_async(relay.ws_url(), MaybeTlsStream::Plain(stream));
        let mut ws = match tokio::time::timeout(STEP, handshake).await {
            Ok(Ok((ws, _))) => ws,
            _ => {
                *outcome
                    .answers
                    .entry("handshake failed".into())
                    .or_default() += 1;
                continue;
            }
        };
        let _ = tokio::time::timeout(STEP, ws.send(Message::text(request.clone()))).await;
        let first = match tokio::time::timeout(STEP, ws.next()).await {
            Ok(Some(Ok(Message::Text(t)))) => {
                serde_json::from_str::<serde_json::Value>(&t).unwrap_or_default()
            }
            _ => serde_json::Value::Null,
        };
        if first["type"] == "stage" {
            outcome.held += 1;
            *outcome.answers.entry("admitted".into()).or_default() += 1;
            held.push(ws);
        } else {
            outcome.turned_away += 1;
            let code = first["code"].as_str().unwrap_or("no answer").to_string();
            *outcome.answers.entry(code).or_default() += 1;
        }
    }
    // The relay's side: every admitted session gone (the gauge counts open sessions).
    let gone = relay
        .wait_metric("rdpcheck_sessions", Duration::from_secs(120), |v| v == 0.0)
        .await;
    let all_closed = start.elapsed();
    if gone.is_some() {
        outcome.closed_text = Some(format!(
            "{}, the last {:.1} s after the first request",
            held.len(),
            all_closed.as_secs_f64()
        ));
    } else {
        outcome.left_open = held.len();
    }
    let timeouts = relay.metric("rdpcheck_write_timeouts_total").await - timeouts_before;
    // Then an ordinary client is admitted again.
    let quick = serde_json::json!({
        "type": "probe", "target": format!("127.0.0.1:{closed_port}"), "samples": 0, "udp": false
    })
    .to_string();
    let admitted_again =
        match tokio::time::timeout(STEP, tokio_tungstenite::connect_async(relay.ws_url())).await {
            Ok(Ok((mut ws, _))) => {
                let _ = ws.send(Message::text(quick)).await;
                matches!(tokio::time::timeout(STEP, ws.next()).await,
                Ok(Some(Ok(Message::Text(t)))) if t.contains("\"stage\""))
            }
            _ => false,
        };
    outcome.note = format!(
        "all admitted sessions closed by the relay {:.1} s after the first request ({} write \
         timeouts counted); a new client was {} afterwards",
        all_closed.as_secs_f64(),
        timeouts,
        if admitted_again {
            "admitted"
        } else {
            "NOT admitted"
        }
    );
    drop(held);
    settle(relay, &mut outcome, watch).await;
    outcome
}
