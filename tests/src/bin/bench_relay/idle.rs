//! Idle sessions (part 1): open `--idle` WebSockets to one relay that send nothing, and read
//! the relay's VmRSS before, with all open, and after closing them.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use futures_util::StreamExt;
use rdpcheck_labtests::process::interrupted;

use crate::args::Args;
use crate::relay::Relay;
use crate::session::{client_config, Ws};
use crate::STEP;

/// WebSocket handshakes in flight while opening the idle sessions.
pub const OPEN_IN_FLIGHT: usize = 256;

pub struct IdleResult {
    pub requested: usize,
    pub opened: usize,
    pub errors: BTreeMap<String, usize>,
    pub open_s: f64,
    pub rss_before_kib: u64,
    pub rss_open_kib: u64,
    pub rss_closed_kib: u64,
    pub sessions_open: Option<u64>,
    pub sessions_closed: Option<u64>,
    pub relay_nofile: String,
}

impl IdleResult {
    pub fn kib_per_session(&self) -> f64 {
        if self.opened == 0 {
            return f64::NAN;
        }
        (self.rss_open_kib as f64 - self.rss_before_kib as f64) / self.opened as f64
    }
}

pub async fn bench_idle(args: &Args) -> Result<IdleResult, String> {
    eprintln!("idle: starting the relay …");
    // Every session comes from 127.0.0.1: lift the relay's per-client connection cap (64).
    let config = "[limits]\nrequest_timeout_s = 60\nmax_connections = 60000\n\
                  max_connections_per_client = 60000\n";
    let relay = Relay::start(&args.relay, config, &[]).await?;
    // Let the start-up settle before the baseline.
    tokio::time::sleep(Duration::from_millis(300)).await;
    let rss_before_kib = relay.rss_kib().ok_or("no VmRSS for the relay")?;
    let url = relay.ws_url();
    eprintln!(
        "idle: relay pid {} (open files limit {}), VmRSS {rss_before_kib} KiB; opening {} WebSockets, {OPEN_IN_FLIGHT} handshakes in flight …",
        relay.pid,
        relay.nofile(),
        args.idle
    );
    let start = Instant::now();
    let mut open: Vec<Ws> = Vec::with_capacity(args.idle);
    let mut errors: BTreeMap<String, usize> = BTreeMap::new();
    let mut results = futures_util::stream::iter(0..args.idle)
        .map(|_| {
            let url = url.clone();
            async move {
                if interrupted() {
                    return Err("interrupted".to_string());
                }
                match tokio::time::timeout(
                    STEP,
                    tokio_tungstenite::connect_async_with_config(url, Some(client_config()), true),
                )
                .await
                {
                    Ok(Ok((ws, _))) => Ok(ws),
                    Ok(Err(e)) => Err(format!("connect: {e}")),
                    Err(_) => Err("connect: timeout".to_string()),
                }
            }
        })
        .buffer_unordered(OPEN_IN_FLIGHT);
    while let Some(r) = results.next().await {
        match r {
            Ok(ws) => open.push(ws),
            Err(e) => *errors.entry(e).or_default() += 1,
        }
        let done = open.len() + errors.values().sum::<usize>();
        if done.is_multiple_of(2000) {
            eprintln!("  {done}/{} handshakes done", args.idle);
        }
    }
    let open_s = start.elapsed().as_secs_f64();
    drop(results);
    let opened = open.len();
    // Every session the relay accepted is counted in its gauge once its upgrade task runs.
    let sessions_open = relay.wait_sessions(opened as u64, STEP).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let rss_open_kib = relay.rss_kib().ok_or("no VmRSS for the relay")?;
    eprintln!(
        "idle: {opened} open in {open_s:.2} s, relay sessions gauge {sessions_open:?}, VmRSS {rss_open_kib} KiB; closing …"
    );
    drop(open);
    let sessions_closed = relay.wait_sessions(0, STEP).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let rss_closed_kib = relay.rss_kib().unwrap_or(0);
    let relay_nofile = relay.nofile();
    drop(relay);
    Ok(IdleResult {
        requested: args.idle,
        opened,
        errors,
        open_s,
        rss_before_kib,
        rss_open_kib,
        rss_closed_kib,
        sessions_open,
        sessions_closed,
        relay_nofile,
    })
}
