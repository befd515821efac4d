//! The abusive clients, one scenario at a time: idle connections (one address, many), half
//! requests, stalled WebSocket readers, malformed clients. Each attacking connection watches
//! itself from its own side (when the relay closed it); the relay's side comes from /metrics.
//!
//! Here: what a scenario records ([`Outcome`]) and the way every scenario runs its attackers and
//! settles; `connections.rs` has the plain-TCP attackers (idle, half requests, malformed),
//! `stalled.rs` the WebSocket clients that stop reading.

use std::collections::BTreeMap;
use std::net::Ipv4Addr;
use std::time::{Duration, Instant};

use tokio::io::AsyncReadExt;
use tokio::net::TcpStream;

use crate::relay::{connect_from, interrupted, Health, Relay, Watch};

mod connections;
mod stalled;

pub use connections::{half_requests, idle, malformed_clients};
pub use stalled::stalled_readers;

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
