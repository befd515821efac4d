//! `bench-relay`: the relay's memory per idle session and its probes per second, on loopback
//! (run by `cargo xtask bench relay`).
//!
//! ```text
//! cargo run --release -p rdpcheck-labtests --bin bench-relay -- --relay target/release/rdpcheck-relay \
//!     [--idle N] [--concurrency C] [--duration S]
//! ```
//!
//! 1. Idle sessions: starts the relay (`[limits] request_timeout_s = 60`, a temp key file, a free
//!    loopback port, `ulimit -n 65536`), opens N WebSockets to `/api/v1/probe` that send nothing,
//!    and reads the relay's VmRSS before and after (goal: 10 000 idle sessions at ≤ 64 KiB each).
//! 2. Probes per second: a second relay with `--allow 127.0.0.0/8 --allow-port PORT` and limits
//!    too high to matter probes the harness's fault server in `CloseAfterRequest` mode: dns
//!    (literal IP) → tcp → x224 (closed), then a signed report — the TCP + X.224 stages through the
//!    whole relay path. C client loops (connect, request, read to the report and the close) run for
//!    S seconds (goal: ≥ 1 000 probes/s). The fault server and the clients run in this process and
//!    share the machine's cores with the relay.
//!
//! Prints a Markdown table. Not a test. Every relay is killed on every exit path (drop, panic
//! unwinding, SIGINT/SIGTERM/SIGHUP).

use std::collections::BTreeMap;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitCode, Stdio};
use std::sync::atomic::{AtomicBool, AtomicI32, Ordering};
use std::time::{Duration, Instant};

use ed25519_dalek::{Signer, SigningKey};
use futures_util::{SinkExt, StreamExt};
use nix::sys::resource::{getrlimit, setrlimit, Resource};
use nix::sys::signal::{killpg, Signal};
use nix::unistd::Pid;
use rdpcheck_labtests::process::{free_port, START_ATTEMPTS};
use rdpcheck_labtests::{Fault, FaultServer};
use serde_json::Value;
use tempfile::TempDir;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

const DEFAULT_IDLE: usize = 10_000;
const DEFAULT_CONCURRENCY: usize = 64;
const DEFAULT_DURATION_S: u64 = 10;
const USAGE: &str = "usage: bench-relay --relay PATH [--idle N] [--concurrency C] [--duration S]";

/// Goals from the issue.
const GOAL_IDLE_SESSIONS: usize = 10_000;
const GOAL_KIB_PER_IDLE: f64 = 64.0;
const GOAL_PROBES_PER_S: f64 = 1_000.0;

/// WebSocket handshakes in flight while opening the idle sessions.
const OPEN_IN_FLIGHT: usize = 256;
/// Any single network step.
const STEP: Duration = Duration::from_secs(10);
/// One whole probe session, connect to close.
const SESSION: Duration = Duration::from_secs(30);
/// The file-descriptor limit asked for, for the relay and for this process.
const NOFILE: u64 = 65_536;
/// Raise the relay's descriptor limit (to the hard limit when 65536 is not allowed), then exec it.
const RAISE_AND_EXEC: &str =
    r#"ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"; exec "$0" "$@""#;

type Ws = WebSocketStream<MaybeTlsStream<TcpStream>>;

struct Args {
    relay: PathBuf,
    idle: usize,
    concurrency: usize,
    duration: Duration,
}

fn parse_args() -> Result<Args, String> {
    let mut relay = None;
    let mut idle = DEFAULT_IDLE;
    let mut concurrency = DEFAULT_CONCURRENCY;
    let mut duration_s = DEFAULT_DURATION_S;
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        let mut value = |name: &str| it.next().ok_or(format!("{name} needs a value\n{USAGE}"));
        let number = |name: &str, v: String| -> Result<u64, String> {
            match v.parse::<u64>() {
                Ok(n) if n > 0 => Ok(n),
                Ok(_) => Err(format!("{name} must be at least 1\n{USAGE}")),
                Err(e) => Err(format!("{name}: {e}\n{USAGE}")),
            }
        };
        match arg.as_str() {
            "--relay" => relay = Some(PathBuf::from(value("--relay")?)),
            "--idle" => idle = number("--idle", value("--idle")?)? as usize,
            "--concurrency" => {
                concurrency = number("--concurrency", value("--concurrency")?)? as usize
            }
            "--duration" => duration_s = number("--duration", value("--duration")?)?,
            "-h" | "--help" => return Err(USAGE.to_string()),
            other => return Err(format!("unknown argument {other:?}\n{USAGE}")),
        }
    }
    let relay = relay.ok_or(format!("--relay is required\n{USAGE}"))?;
    if !relay.is_file() {
        return Err(format!(
            "{} is not a file: build it first (cargo build --release -p rdpcheck-relay)",
            relay.display()
        ));
    }
    Ok(Args {
        relay,
        idle,
        concurrency,
        duration: Duration::from_secs(duration_s),
    })
}

// ---------------------------------------------------------------------------------------------
// Killing the relay on every exit path.

/// Process groups of running relays, killed if the bench is interrupted. Lock-free so the signal
/// task can read it; normal exit and panics stop relays through `Drop`.
static RELAY_GROUPS: [AtomicI32; 4] = [const { AtomicI32::new(0) }; 4];

/// Set on SIGINT/SIGTERM/SIGHUP: loops stop and `main` cleans up.
static STOP: AtomicBool = AtomicBool::new(false);

fn interrupted() -> bool {
    STOP.load(Ordering::SeqCst)
}

fn register(pgid: i32) {
    let slot = RELAY_GROUPS.iter().find(|s| {
        s.compare_exchange(0, pgid, Ordering::SeqCst, Ordering::SeqCst)
            .is_ok()
    });
    assert!(slot.is_some(), "more relays than RELAY_GROUPS slots");
}

fn unregister(pgid: i32) {
    for slot in &RELAY_GROUPS {
        let _ = slot.compare_exchange(pgid, 0, Ordering::SeqCst, Ordering::SeqCst);
    }
}

/// On SIGINT/SIGTERM/SIGHUP: SIGKILL every relay group at once, let `main` stop and drop
/// everything, and exit 130 here if it has not within 10 s. The handlers are installed before
/// this returns, so before any relay starts.
async fn install_signal_guard() -> Result<(), String> {
    use tokio::signal::unix::{signal, SignalKind};
    let mut int = signal(SignalKind::interrupt()).map_err(|e| format!("SIGINT: {e}"))?;
    let mut term = signal(SignalKind::terminate()).map_err(|e| format!("SIGTERM: {e}"))?;
    let mut hup = signal(SignalKind::hangup()).map_err(|e| format!("SIGHUP: {e}"))?;
    tokio::spawn(async move {
        tokio::select! {
            _ = int.recv() => {}
            _ = term.recv() => {}
            _ = hup.recv() => {}
        }
        STOP.store(true, Ordering::SeqCst);
        for slot in &RELAY_GROUPS {
            let pgid = slot.load(Ordering::SeqCst);
            if pgid > 0 {
                let _ = killpg(Pid::from_raw(pgid), Signal::SIGKILL);
            }
        }
        eprintln!("bench-relay: interrupted, relay stopped");
        tokio::time::sleep(Duration::from_secs(10)).await;
        std::process::exit(130);
    });
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// The relay process.

/// A running `rdpcheck-relay`, leader of its own process group. Drop sends SIGKILL to the group
/// and reaps it.
struct Relay {
    child: Child,
    pid: i32,
    port: u16,
    log: PathBuf,
    // Dropped after the process: holds the key, config and log files.
    _dir: TempDir,
}

impl Relay {
    async fn start(bin: &Path, config: &str, extra: &[String]) -> Result<Relay, String> {
        let mut last = String::new();
        for attempt in 1..=START_ATTEMPTS {
            if interrupted() {
                break;
            }
            // A fresh scratch dir per attempt: a failed attempt's relay leaves it with the relay.
            let dir = tempfile::Builder::new()
                .prefix("rdpcheck-bench-relay-")
                .tempdir()
                .map_err(|e| format!("scratch dir: {e}"))?;
            let key = dir.path().join("relay.key");
            let config_path = dir.path().join("relay.toml");
            std::fs::write(&config_path, config).map_err(|e| format!("write relay.toml: {e}"))?;
            let port = free_port();
            let log = dir.path().join("relay.log");
            let out = std::fs::File::create(&log).map_err(|e| format!("relay log: {e}"))?;
            let err = out.try_clone().map_err(|e| format!("relay log: {e}"))?;
            let mut cmd = Command::new("sh");
            cmd.arg("-c").arg(RAISE_AND_EXEC).arg(bin);
            cmd.arg("--listen")
                .arg(format!("127.0.0.1:{port}"))
                .arg("--key-file")
                .arg(&key)
                .arg("--config")
                .arg(&config_path)
                .args(extra);
            for (name, _) in std::env::vars_os() {
                if name.to_string_lossy().starts_with("RDPCHECK_") {
                    cmd.env_remove(name);
                }
            }
            cmd.env("RUST_LOG", "info")
                .stdin(Stdio::null())
                .stdout(Stdio::from(out))
                .stderr(Stdio::from(err))
                .process_group(0);
            let child = cmd
                .spawn()
                .map_err(|e| format!("cannot start {}: {e}", bin.display()))?;
            let pid = i32::try_from(child.id()).map_err(|_| "pid does not fit i32".to_string())?;
            register(pid);
            // From here on, Drop kills it.
            let mut relay = Relay {
                child,
                pid,
                port,
                log,
                _dir: dir,
            };
            match relay.wait_healthy(STEP).await {
                Ok(()) => return Ok(relay),
                Err(why) => {
                    eprintln!("relay start attempt {attempt} on port {port} failed: {why}");
                    last = why;
                }
            }
        }
        Err(last)
    }

    fn output(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    async fn wait_healthy(&mut self, limit: Duration) -> Result<(), String> {
        let deadline = Instant::now() + limit;
        loop {
            if let Ok(Some(status)) = self.child.try_wait() {
                return Err(format!(
                    "the relay exited with {status}:\n{}",
                    self.output()
                ));
            }
            if let Ok((200, body)) = http_get(self.port, "/healthz").await {
                if body.contains("\"status\":\"ok\"") && matches!(self.child.try_wait(), Ok(None)) {
                    return Ok(());
                }
            }
            if Instant::now() > deadline || interrupted() {
                return Err(format!(
                    "/healthz did not answer within {limit:?}:\n{}",
                    self.output()
                ));
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
    }

    fn ws_url(&self) -> String {
        format!("ws://127.0.0.1:{}/api/v1/probe", self.port)
    }

    fn alive(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(None))
    }

    /// VmRSS in KiB.
    fn rss_kib(&self) -> Option<u64> {
        proc_status_kib(self.pid, "VmRSS:")
    }

    /// `rdpcheck_sessions` from /metrics.
    async fn sessions(&self) -> Option<u64> {
        let (status, body) = http_get(self.port, "/metrics").await.ok()?;
        if status != 200 {
            return None;
        }
        body.lines()
            .find_map(|l| l.strip_prefix("rdpcheck_sessions "))
            .and_then(|v| v.trim().parse::<f64>().ok())
            .map(|v| v as u64)
    }

    /// Poll /metrics until `rdpcheck_sessions` is `want` (or `limit` passes); the last value.
    async fn wait_sessions(&self, want: u64, limit: Duration) -> Option<u64> {
        let deadline = Instant::now() + limit;
        loop {
            let now = self.sessions().await;
            if now == Some(want) || Instant::now() > deadline || interrupted() {
                return now;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// "Max open files" soft limit as the relay sees it.
    fn nofile(&self) -> String {
        std::fs::read_to_string(format!("/proc/{}/limits", self.pid))
            .ok()
            .and_then(|t| {
                t.lines()
                    .find(|l| l.starts_with("Max open files"))
                    .and_then(|l| l.split_whitespace().nth(3).map(str::to_string))
            })
            .unwrap_or_else(|| "unknown".into())
    }
}

impl Drop for Relay {
    fn drop(&mut self) {
        let _ = killpg(Pid::from_raw(self.pid), Signal::SIGKILL);
        let _ = self.child.wait();
        unregister(self.pid);
    }
}

/// A plain HTTP/1.1 GET: (status, body). Bounded by STEP.
async fn http_get(port: u16, path: &str) -> Result<(u16, String), String> {
    let exchange = async {
        let mut s = TcpStream::connect(("127.0.0.1", port))
            .await
            .map_err(|e| e.to_string())?;
        s.write_all(
            format!("GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n")
                .as_bytes(),
        )
        .await
        .map_err(|e| e.to_string())?;
        let mut buf = Vec::new();
        s.read_to_end(&mut buf).await.map_err(|e| e.to_string())?;
        let text = String::from_utf8_lossy(&buf).into_owned();
        let status = text
            .split_whitespace()
            .nth(1)
            .and_then(|c| c.parse::<u16>().ok())
            .ok_or_else(|| format!("no status line: {text:?}"))?;
        let body = text
            .split_once("\r\n\r\n")
            .map(|(_, b)| b.to_string())
            .unwrap_or_default();
        Ok((status, body))
    };
    tokio::time::timeout(STEP, exchange)
        .await
        .map_err(|_| "timeout".to_string())?
}

// ---------------------------------------------------------------------------------------------
// /proc readings.

fn proc_status_kib(pid: i32, field: &str) -> Option<u64> {
    let text = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    text.lines()
        .find_map(|l| l.strip_prefix(field))
        .and_then(|v| v.split_whitespace().next())
        .and_then(|v| v.parse().ok())
}

/// utime + stime of `pid` in seconds.
fn cpu_seconds(pid: u32, ticks_per_s: f64) -> f64 {
    std::fs::read_to_string(format!("/proc/{pid}/stat"))
        .ok()
        .and_then(|t| {
            // Fields after the command name (which may contain spaces) start at state (3).
            let rest = t.rsplit_once(')')?.1;
            let f: Vec<&str> = rest.split_whitespace().collect();
            let utime: f64 = f.get(11)?.parse().ok()?;
            let stime: f64 = f.get(12)?.parse().ok()?;
            Some((utime + stime) / ticks_per_s)
        })
        .unwrap_or(f64::NAN)
}

fn shell_line(program: &str, args: &[&str]) -> String {
    Command::new(program)
        .args(args)
        .output()
        .ok()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .unwrap_or_else(|| "unknown".into())
}

fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .map(|l| l.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|| "unknown".into())
}

/// Raise this process's RLIMIT_NOFILE to `want` (or as far as the hard limit allows): the soft
/// limit afterwards.
fn raise_own_nofile(want: u64) -> u64 {
    let Ok((soft, hard)) = getrlimit(Resource::RLIMIT_NOFILE) else {
        return 0;
    };
    if soft < want && setrlimit(Resource::RLIMIT_NOFILE, want, hard.max(want)).is_err() {
        let _ = setrlimit(Resource::RLIMIT_NOFILE, hard, hard);
    }
    getrlimit(Resource::RLIMIT_NOFILE)
        .map(|(s, _)| s)
        .unwrap_or(soft)
}

fn client_config() -> WebSocketConfig {
    // Small client buffers: the bench's own memory should not matter.
    WebSocketConfig::default().read_buffer_size(4096)
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let rank = (p / 100.0 * (sorted.len() - 1) as f64).round() as usize;
    sorted[rank.min(sorted.len() - 1)]
}

fn count_errors(errors: &BTreeMap<String, usize>) -> String {
    if errors.is_empty() {
        return "none".into();
    }
    errors
        .iter()
        .map(|(k, v)| format!("{k} × {v}"))
        .collect::<Vec<_>>()
        .join(", ")
}

// ---------------------------------------------------------------------------------------------
// 1. Idle sessions.

struct IdleResult {
    requested: usize,
    opened: usize,
    errors: BTreeMap<String, usize>,
    open_s: f64,
    rss_before_kib: u64,
    rss_open_kib: u64,
    rss_closed_kib: u64,
    sessions_open: Option<u64>,
    sessions_closed: Option<u64>,
    relay_nofile: String,
}

impl IdleResult {
    fn kib_per_session(&self) -> f64 {
        if self.opened == 0 {
            return f64::NAN;
        }
        (self.rss_open_kib as f64 - self.rss_before_kib as f64) / self.opened as f64
    }
}

async fn bench_idle(args: &Args) -> Result<IdleResult, String> {
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

// ---------------------------------------------------------------------------------------------
// 2. Probes per second.

/// What one probe session returned.
struct ProbeOutcome {
    /// Connect to the report message.
    report_ms: f64,
    /// Connect to the end of the close handshake.
    session_ms: f64,
    /// The wire message carrying the report (kept for the first session only).
    message: Option<String>,
    messages: usize,
    /// When each message arrived, ms after the connect started, and its `at_ms` (when the probe
    /// emitted it, ms after the probe started), for the first session only.
    arrivals: Vec<(f64, Option<f64>)>,
}

async fn one_probe(url: &str, request: &str, keep: bool) -> Result<ProbeOutcome, String> {
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
struct LoopStats {
    report_ms: Vec<f64>,
    session_ms: Vec<f64>,
    errors: BTreeMap<String, usize>,
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
async fn run_loops(
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

struct ProbeResult {
    request: String,
    stages: String,
    messages: usize,
    report_bytes: usize,
    sign_us: f64,
    completed: usize,
    errors: BTreeMap<String, usize>,
    wall_s: f64,
    report_ms: Vec<f64>,
    session_ms: Vec<f64>,
    relay_cpu_s: f64,
    bench_cpu_s: f64,
    accepted: usize,
    relay_rss_kib: u64,
}

impl ProbeResult {
    fn per_s(&self) -> f64 {
        self.completed as f64 / self.wall_s
    }
}

/// The stages of the report inside a `report` wire message, and the report's length.
fn describe_report(message: &str) -> (String, usize) {
    let Ok(v) = serde_json::from_str::<Value>(message) else {
        return ("unparsable".into(), 0);
    };
    let text = v["report"].as_str().unwrap_or_default();
    let report: Value = serde_json::from_str(text).unwrap_or(Value::Null);
    let stages = report["stages"]
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or_default()
        .iter()
        .filter(|s| s["status"].as_str() != Some("skip"))
        .map(|s| {
            format!(
                "{} {} {:.2} ms",
                s["name"].as_str().unwrap_or("?"),
                s["status"].as_str().unwrap_or("?"),
                s["duration_ms"].as_f64().unwrap_or(f64::NAN)
            )
        })
        .collect::<Vec<_>>()
        .join(", ");
    (stages, text.len())
}

/// Microseconds for one Ed25519 signature over the report text and one over its redacted copy
/// (what the relay signs per report), measured in this process.
fn signing_cost_us(message: &str) -> f64 {
    let Ok(v) = serde_json::from_str::<Value>(message) else {
        return f64::NAN;
    };
    let full = v["report"].as_str().unwrap_or_default().as_bytes().to_vec();
    let redacted = v["redacted"]["report"]
        .as_str()
        .unwrap_or_default()
        .as_bytes()
        .to_vec();
    let key = SigningKey::from_bytes(&[7u8; 32]);
    let rounds = 2000;
    let start = Instant::now();
    for _ in 0..rounds {
        std::hint::black_box(key.sign(std::hint::black_box(&full)));
        std::hint::black_box(key.sign(std::hint::black_box(&redacted)));
    }
    start.elapsed().as_secs_f64() * 1e6 / f64::from(rounds)
}

async fn bench_probes(args: &Args, ticks_per_s: f64) -> Result<ProbeResult, String> {
    let fault = FaultServer::start(Fault::CloseAfterRequest).await;
    let config = "[limits]\n\
                  probes_per_minute_per_client = 10000000\n\
                  probes_per_minute_per_target = 10000000\n\
                  max_concurrent_probes = 256\n\
                  max_concurrent_per_client = 256\n\
                  max_connections_per_client = 60000\n";
    let extra = [
        "--allow".to_string(),
        "127.0.0.0/8".to_string(),
        "--allow-port".to_string(),
        fault.port.to_string(),
    ];
    eprintln!(
        "probes: fault server (CloseAfterRequest) on 127.0.0.1:{}; starting the relay …",
        fault.port
    );
    let mut relay = Relay::start(&args.relay, config, &extra).await?;
    let url = relay.ws_url();
    let request = format!(
        r#"{{"type":"probe","target":"127.0.0.1:{}","samples":0,"udp":false}}"#,
        fault.port
    );
    // One checked probe: the path works and stops after x224.
    let first = one_probe(&url, &request, true)
        .await
        .map_err(|e| format!("first probe failed: {e}\nrelay output:\n{}", relay.output()))?;
    let message = first.message.unwrap_or_default();
    let (stages, report_bytes) = describe_report(&message);
    eprintln!(
        "probes: first probe {:.1} ms, {} messages; stages: {stages}; connected, then each message at (ms, [at_ms]): {}",
        first.report_ms,
        first.messages,
        first
            .arrivals
            .iter()
            .map(|(ms, at)| match at {
                Some(at) => format!("{ms:.1}[{at:.2}]"),
                None => format!("{ms:.1}"),
            })
            .collect::<Vec<_>>()
            .join(" ")
    );
    let sign_us = signing_cost_us(&message);
    // Warm-up, discarded.
    eprintln!("probes: 1 s warm-up, {} loops …", args.concurrency);
    let _ = run_loops(&url, &request, args.concurrency, Duration::from_secs(1)).await;
    if interrupted() {
        return Err("interrupted".into());
    }
    eprintln!(
        "probes: measuring {} loops for {} s …",
        args.concurrency,
        args.duration.as_secs()
    );
    let accepted_before = fault.accepted();
    let relay_cpu_before = cpu_seconds(relay.pid as u32, ticks_per_s);
    let bench_cpu_before = cpu_seconds(std::process::id(), ticks_per_s);
    let (stats, wall_s) = run_loops(&url, &request, args.concurrency, args.duration).await;
    let relay_cpu_s = cpu_seconds(relay.pid as u32, ticks_per_s) - relay_cpu_before;
    let bench_cpu_s = cpu_seconds(std::process::id(), ticks_per_s) - bench_cpu_before;
    let accepted = fault.accepted() - accepted_before;
    let relay_rss_kib = relay.rss_kib().unwrap_or(0);
    if !relay.alive() {
        return Err(format!(
            "the relay exited during the run:\n{}",
            relay.output()
        ));
    }
    drop(relay);
    drop(fault);
    let mut report_ms = stats.report_ms;
    let mut session_ms = stats.session_ms;
    report_ms.sort_by(f64::total_cmp);
    session_ms.sort_by(f64::total_cmp);
    Ok(ProbeResult {
        request: request.replace(&format!(":{}", extra[3]), ":PORT"),
        stages,
        messages: first.messages,
        report_bytes,
        sign_us,
        completed: report_ms.len(),
        errors: stats.errors,
        wall_s,
        report_ms,
        session_ms,
        relay_cpu_s,
        bench_cpu_s,
        accepted,
        relay_rss_kib,
    })
}

// ---------------------------------------------------------------------------------------------

fn met(ok: bool) -> &'static str {
    if ok {
        "**met**"
    } else {
        "**not met**"
    }
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = match parse_args() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    if let Err(e) = install_signal_guard().await {
        eprintln!("bench-relay: {e}; a relay may outlive an interrupt");
    }
    let own_nofile = raise_own_nofile(NOFILE);
    if (own_nofile as usize) < args.idle + 256 {
        eprintln!(
            "bench-relay: this process may open only {own_nofile} files; {} idle sessions need more",
            args.idle
        );
    }
    let ticks_per_s = shell_line("getconf", &["CLK_TCK"])
        .parse::<f64>()
        .unwrap_or(100.0);
    let load_before = load_average();
    let date = shell_line("date", &["-u", "+%Y-%m-%dT%H:%M:%SZ"]);

    let idle = match bench_idle(&args).await {
        Ok(r) => r,
        Err(_) if interrupted() => return ExitCode::from(130),
        Err(e) => {
            eprintln!("bench-relay: idle sessions: {e}");
            return ExitCode::FAILURE;
        }
    };
    if interrupted() {
        return ExitCode::from(130);
    }
    // Let the closed sockets' TIME_WAIT entries and the first relay's exit settle.
    tokio::time::sleep(Duration::from_secs(1)).await;
    let probes = match bench_probes(&args, ticks_per_s).await {
        Ok(r) => r,
        Err(_) if interrupted() => return ExitCode::from(130),
        Err(e) => {
            eprintln!("bench-relay: probes per second: {e}");
            return ExitCode::FAILURE;
        }
    };
    if interrupted() {
        return ExitCode::from(130);
    }

    let command_line = std::env::args().skip(1).collect::<Vec<_>>().join(" ");
    let cores = shell_line("nproc", &[]);
    println!("## Relay (cargo xtask bench relay)\n");
    println!("- command: `cargo run --release -p rdpcheck-labtests --bin bench-relay -- {command_line}` (what `cargo xtask bench relay` runs)");
    println!("- date: {date}");
    println!(
        "- machine: nproc {cores}, kernel {}; load average (1/5/15 min) {load_before} at the start, {} at the end",
        shell_line("uname", &["-r"]),
        load_average()
    );
    println!(
        "- relay: {}; open files limit: relay {}, bench {own_nofile}",
        shell_line(&args.relay.to_string_lossy(), &["--version"]),
        idle.relay_nofile
    );
    println!(
        "- idle: {} WebSockets to `/api/v1/probe` that send nothing (`[limits] request_timeout_s = 60`), {OPEN_IN_FLIGHT} handshakes in flight; VmRSS of the relay from /proc before and after",
        idle.requested
    );
    println!(
        "- probes: `{}` against the in-process fault server (CloseAfterRequest: reads the X.224 request, closes) through a relay with `--allow 127.0.0.0/8 --allow-port PORT` and limits too high to matter; {} client loops (connect, request, read to the report and the close) for {} s after a 1 s warm-up",
        probes.request,
        args.concurrency,
        args.duration.as_secs()
    );
    println!(
        "- note: the WebSocket clients and the fault server run in the bench process and compete with the relay for the same {cores} cores"
    );
    println!();
    println!("| measure | figure | goal | |");
    println!("|---|---:|---|---|");
    let idle_ok = idle.opened >= GOAL_IDLE_SESSIONS.min(idle.requested) && idle.errors.is_empty();
    println!(
        "| idle sessions open | {} of {} (relay gauge {}), errors: {} | {GOAL_IDLE_SESSIONS} | {} |",
        idle.opened,
        idle.requested,
        idle.sessions_open
            .map_or("unknown".to_string(), |v| v.to_string()),
        count_errors(&idle.errors),
        if idle.requested < GOAL_IDLE_SESSIONS {
            "fewer than the goal asked".to_string()
        } else {
            met(idle_ok).to_string()
        }
    );
    println!(
        "| time to open them | {:.2} s ({:.0} handshakes/s) | | |",
        idle.open_s,
        idle.opened as f64 / idle.open_s
    );
    println!(
        "| relay VmRSS: start → all open → all closed | {:.1} → {:.1} → {:.1} MiB (gauge after close: {}) | | |",
        idle.rss_before_kib as f64 / 1024.0,
        idle.rss_open_kib as f64 / 1024.0,
        idle.rss_closed_kib as f64 / 1024.0,
        idle.sessions_closed
            .map_or("unknown".to_string(), |v| v.to_string())
    );
    let kib = idle.kib_per_session();
    println!(
        "| memory per idle session | {kib:.1} KiB | ≤ {GOAL_KIB_PER_IDLE:.0} KiB | {} |",
        met(kib <= GOAL_KIB_PER_IDLE)
    );
    let per_s = probes.per_s();
    let probes_verdict = if per_s >= GOAL_PROBES_PER_S {
        met(true).to_string()
    } else {
        format!(
            "{} ({:.0} % of the goal)",
            met(false),
            per_s / GOAL_PROBES_PER_S * 100.0
        )
    };
    println!(
        "| probes per second (TCP + X.224 through the relay) | {per_s:.0} ({} reports in {:.2} s) | ≥ {GOAL_PROBES_PER_S:.0} | {probes_verdict} |",
        probes.completed, probes.wall_s
    );
    println!("| errors | {} | none | |", count_errors(&probes.errors));
    println!(
        "| time to report p50 / p99 / max | {:.1} / {:.1} / {:.1} ms | | |",
        percentile(&probes.report_ms, 50.0),
        percentile(&probes.report_ms, 99.0),
        probes.report_ms.last().copied().unwrap_or(f64::NAN)
    );
    println!(
        "| whole session (to the end of the close) p50 / p99 | {:.1} / {:.1} ms | | |",
        percentile(&probes.session_ms, 50.0),
        percentile(&probes.session_ms, 99.0)
    );
    let n = probes.completed.max(1) as f64;
    println!(
        "| CPU during the run: relay / bench (clients + fault server) | {:.2} s / {:.2} s of {:.2} s available ({:.0} / {:.0} µs per probe) | | |",
        probes.relay_cpu_s,
        probes.bench_cpu_s,
        probes.wall_s * cores.parse::<f64>().unwrap_or(1.0),
        probes.relay_cpu_s / n * 1e6,
        probes.bench_cpu_s / n * 1e6
    );
    println!(
        "| fault-server connections during the run | {} | | |",
        probes.accepted
    );
    println!(
        "| one probe | {} messages; stages: {}; report {} bytes | | |",
        probes.messages, probes.stages, probes.report_bytes
    );
    println!(
        "| Ed25519 signing per report (full + redacted copy, measured in the bench) | {:.1} µs | | |",
        probes.sign_us
    );
    println!(
        "| relay VmRSS after the run | {:.1} MiB | | |",
        probes.relay_rss_kib as f64 / 1024.0
    );
    ExitCode::SUCCESS
}
