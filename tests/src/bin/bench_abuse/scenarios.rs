//! The abusive clients, one scenario at a time: idle connections (one address, many), half
//! requests, stalled WebSocket readers, malformed clients. Each attacking connection watches
//! itself from its own side (when the relay closed it); the relay's side comes from /metrics.

use std::collections::BTreeMap;
use std::net::{Ipv4Addr, SocketAddr};
use std::time::{Duration, Instant};

use futures_util::{SinkExt, StreamExt};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::MaybeTlsStream;

use crate::relay::{connect_from, interrupted, Health, Relay, Watch, STEP};

/// A connection closed sooner than this was turned away; later, closed by a deadline.
const AT_ONCE: Duration = Duration::from_secs(1);
/// How long a connection is watched before it counts as left open.
const WATCH: Duration = Duration::from_secs(30);
/// Connections opened (or malformed clients run) at a time.
const IN_FLIGHT: usize = 100;

/// What one scenario did and what the relay held.
pub struct Outcome {
    pub name: &'static str,
    pub setup: String,
    pub started: usize,
    pub connect_errors: usize,
    /// Still open after [`AT_ONCE`].
    pub held: usize,
    /// Closed by the relay within [`AT_ONCE`].
    pub turned_away: usize,
    /// When the held ones were closed, from the start of the scenario.
    pub closed_at: Vec<Duration>,
    /// Instead of `closed_at`, when only the time the last one closed is known.
    pub closed_text: Option<String>,
    /// Still open after [`WATCH`].
    pub left_open: usize,
    /// What the relay answered, by first status line or refusal code.
    pub answers: BTreeMap<String, usize>,
    pub health: Health,
    pub rss_before: u64,
    pub rss_peak: u64,
    pub rss_after: u64,
    pub note: String,
}

impl Outcome {
    fn new(name: &'static str, setup: String) -> Outcome {
        Outcome {
            name,
            setup,
            started: 0,
            connect_errors: 0,
            held: 0,
            turned_away: 0,
            closed_at: Vec::new(),
            closed_text: None,
            left_open: 0,
            answers: BTreeMap::new(),
            health: Health::default(),
            rss_before: 0,
            rss_peak: 0,
            rss_after: 0,
            note: String::new(),
        }
    }

    fn count(&mut self, end: End) {
        self.started += 1;
        match end {
            End::ConnectFailed(e) => {
                self.connect_errors += 1;
                *self.answers.entry(format!("connect: {e}")).or_default() += 1;
            }
            End::Open => {
                self.held += 1;
                self.left_open += 1;
            }
            End::Closed { after, answer } => {
                if after < AT_ONCE {
                    self.turned_away += 1;
                } else {
                    self.held += 1;
                    self.closed_at.push(after);
                }
                *self.answers.entry(answer).or_default() += 1;
            }
        }
    }
}

/// How one attacking connection ended.
enum End {
    ConnectFailed(String),
    Open,
    Closed { after: Duration, answer: String },
}

/// The `n`-th of `clients` attacker addresses in 127.`block`.x.y (never 127.0.0.1).
fn attacker(block: u8, n: usize, clients: usize) -> Ipv4Addr {
    let i = n % clients.max(1) + 2;
    Ipv4Addr::new(127, block, (i / 250) as u8, (i % 250) as u8)
}

/// Read until the relay closes; the first line it sent (or how it ended) and when.
async fn until_closed(mut s: TcpStream, start: Instant) -> End {
    let mut first = Vec::new();
    let mut buf = [0u8; 4096];
    let end = tokio::time::Instant::from_std(start + WATCH);
    loop {
        match tokio::time::timeout_at(end, s.read(&mut buf)).await {
            Err(_) => return End::Open,
            Ok(Ok(0)) => return closed(start, &first, "closed"),
            Ok(Err(e)) if e.kind() == std::io::ErrorKind::ConnectionReset => {
                return closed(start, &first, "reset")
            }
            Ok(Err(_)) => return closed(start, &first, "error"),
            Ok(Ok(n)) => {
                if first.len() < 64 {
                    first.extend_from_slice(&buf[..n.min(64)]);
                }
            }
        }
    }
}

fn closed(start: Instant, first: &[u8], how: &str) -> End {
    let text = String::from_utf8_lossy(first);
    let answer = match text.split("\r\n").next() {
        Some(line) if line.starts_with("HTTP/") => line.chars().take(32).collect(),
        _ if first.is_empty() => format!("{how} without an answer"),
        _ => format!("{how} after {} bytes", first.len()),
    };
    End::Closed {
        after: start.elapsed(),
        answer,
    }
}

/// Run `per_connection` for `count` connections from `clients` addresses, `IN_FLIGHT` at a time
/// while connecting (all of them are then held concurrently), with the innocent client watching.
async fn run<F, Fut>(
    relay: &Relay,
    mut outcome: Outcome,
    count: usize,
    clients: usize,
    block: u8,
    per_connection: F,
) -> Outcome
where
    F: Fn(TcpStream, Instant) -> Fut,
    Fut: std::future::Future<Output = End> + Send + 'static,
{
    outcome.rss_before = relay.rss_kib();
    let watch = Watch::start(relay.port, relay.pid);
    let start = Instant::now();
    let mut tasks = Vec::with_capacity(count);
    for n in 0..count {
        if interrupted() {
            break;
        }
        match connect_from(attacker(block, n, clients), relay.port).await {
            Ok(s) => tasks.push(tokio::spawn(per_connection(s, start))),
            Err(e) => outcome.count(End::ConnectFailed(e.kind().to_string())),
        }
    }
    for t in tasks {
        if let Ok(end) = t.await {
            outcome.count(end);
        }
    }
    settle(relay, &mut outcome, watch).await;
    outcome
}

/// Wait for the relay to have no connection but the prober's, then read the after figures.
async fn settle(relay: &Relay, outcome: &mut Outcome, watch: Watch) {
    let _ = relay
        .wait_metric("rdpcheck_connections", Duration::from_secs(15), |v| {
            v <= 1.0
        })
        .await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let (health, peak) = watch.finish().await;
    outcome.health = health;
    outcome.rss_peak = peak.max(outcome.rss_before);
    outcome.rss_after = relay.rss_kib();
    outcome.closed_at.sort();
}

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
