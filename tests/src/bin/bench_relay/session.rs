//! Probes per second (part 2), one session: connect, request, read to the report and the
//! close; and client loops running sessions back to back.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use futures_util::{SinkExt, StreamExt};
use rdpcheck_labtests::process::interrupted;
use serde_json::Value;
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

/// One whole probe session, connect to close.
const SESSION: Duration = Duration::from_secs(30);

pub type Ws = WebSocketStream<MaybeTlsStream<TcpStream>>;

pub fn client_config() -> WebSocketConfig {
    // Small client buffers: the bench's own memory should not matter.
    WebSocketConfig::default().read_buffer_size(4096)
}

/// What one probe session returned.
pub struct ProbeOutcome {
    /// Connect to the report message.
    pub report_ms: f64,
    /// Connect to the end of the close handshake.
    pub session_ms: f64,
    /// The wire message carrying the report (kept for the first session only).
    pub message: Option<String>,
    pub messages: usize,
    /// When each message arrived, ms after the connect started, and its `at_ms` (when the probe
    /// emitted it, ms after the probe started), for the first session only.
    pub arrivals: Vec<(f64, Option<f64>)>,
}

pub async fn one_probe(url: &str, request: &str, keep: bool) -> Result<ProbeOutcome, String> {
    let session = async {
        let start = Instant::now();
        let (mut ws, _) =
            tokio_tungstenite::connect_async_with_config(url, Some(client_config()), true)
                .await
                .map_err(|e| format!("connect: {e}"))?;
        ws.send(Message::text(request))
            .await
            .map_err(|e| format!("send: {e}"))?;
        let mut report_ms = None;
        let mut error = None;
        let mut message = None;
        let mut messages = 0;
        let mut arrivals = Vec::new();
        let connected_ms = start.elapsed().as_secs_f64() * 1000.0;
        if keep {
            arrivals.push((connected_ms, None));
        }
        while let Some(msg) = ws.next().await {
            match msg {
                Ok(Message::Text(text)) => {
                    messages += 1;
                    let v = serde_json::from_str::<Value>(&text).unwrap_or(Value::Null);
                    let at = start.elapsed().as_secs_f64() * 1000.0;
                    if keep {
                        arrivals.push((at, v["at_ms"].as_f64()));
                    }
                    match v["type"].as_str() {
                        Some("report") => {
                            report_ms = Some(at);
                            if keep {
                                message = Some(text.to_string());
                            }
                        }
                        Some("error") => {
                            error = Some(v["code"].as_str().unwrap_or("error").to_string())
                        }
                        _ => {}
                    }
                }
                Ok(_) => {}
                Err(e) => {
                    if report_ms.is_none() && error.is_none() {
                        error = Some(format!("websocket: {e}"));
                    }
                    break;
                }
            }
        }
        let session_ms = start.elapsed().as_secs_f64() * 1000.0;
        match (report_ms, error) {
            (Some(report_ms), _) => Ok(ProbeOutcome {
                report_ms,
                session_ms,
                message,
                messages,
                arrivals,
            }),
            (None, Some(e)) => Err(e),
            (None, None) => Err("closed without a report".into()),
        }
    };
    tokio::time::timeout(SESSION, session)
        .await
        .map_err(|_| "session timeout".to_string())?
}

#[derive(Default)]
pub struct LoopStats {
    pub report_ms: Vec<f64>,
    pub session_ms: Vec<f64>,
    pub errors: BTreeMap<String, usize>,
}

impl LoopStats {
    fn merge(&mut self, other: LoopStats) {
        self.report_ms.extend(other.report_ms);
        self.session_ms.extend(other.session_ms);
        for (k, v) in other.errors {
            *self.errors.entry(k).or_default() += v;
        }
    }
}

/// `concurrency` loops, each starting probes until `duration` has passed; (stats, wall seconds
/// until the last loop finished).
pub async fn run_loops(
    url: &str,
    request: &str,
    concurrency: usize,
    duration: Duration,
) -> (LoopStats, f64) {
    let start = Instant::now();
    let deadline = start + duration;
    let mut tasks = Vec::with_capacity(concurrency);
    for _ in 0..concurrency {
        let url = url.to_string();
        let request = request.to_string();
        tasks.push(tokio::spawn(async move {
            let mut stats = LoopStats::default();
            while Instant::now() < deadline && !interrupted() {
                match one_probe(&url, &request, false).await {
                    Ok(o) => {
                        stats.report_ms.push(o.report_ms);
                        stats.session_ms.push(o.session_ms);
                    }
                    Err(e) => *stats.errors.entry(e).or_default() += 1,
                }
            }
            stats
        }));
    }
    let mut all = LoopStats::default();
    for t in tasks {
        match t.await {
            Ok(s) => all.merge(s),
            Err(e) => *all.errors.entry(format!("loop task: {e}")).or_default() += 1,
        }
    }
    (all, start.elapsed().as_secs_f64())
}
