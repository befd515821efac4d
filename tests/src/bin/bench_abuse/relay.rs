//! The relay under load: its process (own process group, killed on drop and on a signal), its
//! memory, its counters, and a /healthz prober that plays the innocent client.

use std::net::{Ipv4Addr, SocketAddr};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicI32, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use nix::sys::signal::{killpg, Signal};
use nix::unistd::Pid;
use rdpcheck_labtests::process::{free_port, ServerProcess, START_ATTEMPTS};
use tempfile::TempDir;
use tokio::net::{TcpSocket, TcpStream};
use tokio::task::JoinHandle;

/// Any single network step.
pub const STEP: Duration = Duration::from_secs(10);
/// The address the innocent client (the /healthz prober) uses; attackers use others.
pub const INNOCENT: Ipv4Addr = Ipv4Addr::new(127, 0, 0, 1);

/// Set on SIGINT/SIGTERM/SIGHUP: scenarios stop, `main` drops everything.
pub static STOP: AtomicBool = AtomicBool::new(false);
/// The running relay's process group, killed at once on a signal.
static RELAY_GROUP: AtomicI32 = AtomicI32::new(0);

pub fn interrupted() -> bool {
    STOP.load(Ordering::SeqCst)
}

/// On a signal: kill the relay, let `main` unwind (xrdp is stopped by its drop), exit 130 if it
/// has not within 10 s.
pub fn install_signal_guard() -> Result<(), String> {
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
        let pgid = RELAY_GROUP.load(Ordering::SeqCst);
        if pgid > 0 {
            let _ = killpg(Pid::from_raw(pgid), Signal::SIGKILL);
        }
        eprintln!("bench-abuse: interrupted, relay stopped");
        tokio::time::sleep(Duration::from_secs(10)).await;
        std::process::exit(130);
    });
    Ok(())
}

/// A running relay with the given config; stopped (its whole process group) on drop.
pub struct Relay {
    process: ServerProcess,
    pub port: u16,
    pub pid: i32,
    _dir: TempDir,
}

impl Relay {
    pub async fn start(bin: &Path, config: &str, extra: &[String]) -> Result<Relay, String> {
        let dir = tempfile::Builder::new()
            .prefix("rdpcheck-bench-abuse-")
            .tempdir()
            .map_err(|e| format!("scratch dir: {e}"))?;
        let config_path = dir.path().join("relay.toml");
        std::fs::write(&config_path, config).map_err(|e| format!("relay.toml: {e}"))?;
        let mut last = String::new();
        for attempt in 1..=START_ATTEMPTS {
            let port = free_port();
            let mut cmd = Command::new(bin);
            cmd.arg("--listen")
                .arg(format!("127.0.0.1:{port}"))
                .arg("--key-file")
                .arg(dir.path().join("relay.key"))
                .arg("--config")
                .arg(&config_path)
                .args(extra)
                .stdin(Stdio::null());
            for (name, _) in std::env::vars_os() {
                if name.to_string_lossy().starts_with("RDPCHECK_") {
                    cmd.env_remove(name);
                }
            }
            cmd.env("RUST_LOG", "warn");
            let log = dir.path().join(format!("relay-{attempt}.log"));
            let process = ServerProcess::spawn("rdpcheck-relay", cmd, &log);
            let pid = i32::try_from(process.pid()).map_err(|_| "pid".to_string())?;
            RELAY_GROUP.store(pid, Ordering::SeqCst);
            let deadline = Instant::now() + STEP;
            loop {
                if let Ok((200, _)) = http_get(INNOCENT, port, "/healthz").await {
                    return Ok(Relay {
                        process,
                        port,
                        pid,
                        _dir: dir,
                    });
                }
                if Instant::now() > deadline || interrupted() {
                    last = process.output();
                    break;
                }
                tokio::time::sleep(Duration::from_millis(25)).await;
            }
            eprintln!("relay start attempt {attempt} failed:\n{last}");
        }
        Err(format!("the relay did not start:\n{last}"))
    }

    /// VmRSS in KiB.
    pub fn rss_kib(&self) -> u64 {
        rss_of(self.pid)
    }

    /// The value of `series` in /metrics (0 when absent).
    pub async fn metric(&self, series: &str) -> f64 {
        let Ok((200, text)) = http_get(INNOCENT, self.port, "/metrics").await else {
            return f64::NAN;
        };
        text.lines()
            .filter(|l| !l.starts_with('#'))
            .find_map(|l| l.strip_prefix(series)?.trim().parse().ok())
            .unwrap_or(0.0)
    }

    /// Poll `series` until `done` says so or `limit` passes; how long it took.
    pub async fn wait_metric(
        &self,
        series: &str,
        limit: Duration,
        done: impl Fn(f64) -> bool,
    ) -> Option<Duration> {
        let start = Instant::now();
        while start.elapsed() < limit && !interrupted() {
            if done(self.metric(series).await) {
                return Some(start.elapsed());
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        None
    }

    pub fn output(&self) -> String {
        self.process.output()
    }

    pub fn ws_url(&self) -> String {
        format!("ws://127.0.0.1:{}/api/v1/probe", self.port)
    }

    pub fn nofile(&self) -> String {
        std::fs::read_to_string(format!("/proc/{}/limits", self.pid))
            .ok()
            .and_then(|t| {
                t.lines()
                    .find(|l| l.starts_with("Max open files"))
                    .map(|l| {
                        l.split_whitespace()
                            .skip(3)
                            .take(2)
                            .collect::<Vec<_>>()
                            .join(" / ")
                    })
            })
            .unwrap_or_else(|| "unknown".into())
    }
}

/// A TCP connection to 127.0.0.1:`port` from `source`.
pub async fn connect_from(source: Ipv4Addr, port: u16) -> std::io::Result<TcpStream> {
    let socket = TcpSocket::new_v4()?;
    socket.bind(SocketAddr::from((source, 0)))?;
    tokio::time::timeout(
        STEP,
        socket.connect(SocketAddr::from((Ipv4Addr::LOCALHOST, port))),
    )
    .await
    .map_err(|_| std::io::Error::new(std::io::ErrorKind::TimedOut, "connect timed out"))?
}

/// GET `path` from `source` with `Connection: close`: (status, body), bounded by [`STEP`].
pub async fn http_get(source: Ipv4Addr, port: u16, path: &str) -> Result<(u16, String), String> {
    let work = async {
        let s = connect_from(source, port)
            .await
            .map_err(|e| e.to_string())?;
        rdpcheck_labtests::http::get(s, port, path).await
    };
    tokio::time::timeout(STEP, work)
        .await
        .map_err(|_| "timeout".to_string())?
}

/// What the innocent client saw while a scenario ran.
#[derive(Debug, Default)]
pub struct Health {
    /// Latencies of the answered /healthz requests, ms, sorted.
    pub ms: Vec<f64>,
    pub failures: usize,
}

/// /healthz every 50 ms from [`INNOCENT`] until stopped; the relay's VmRSS peak alongside.
pub struct Watch {
    stop: Arc<AtomicBool>,
    task: JoinHandle<(Health, u64)>,
}

impl Watch {
    pub fn start(port: u16, pid: i32) -> Watch {
        let stop = Arc::new(AtomicBool::new(false));
        let flag = Arc::clone(&stop);
        let task = tokio::spawn(async move {
            let mut health = Health::default();
            let mut peak = 0;
            while !flag.load(Ordering::SeqCst) && !interrupted() {
                let t = Instant::now();
                match http_get(INNOCENT, port, "/healthz").await {
                    Ok((200, _)) => health.ms.push(t.elapsed().as_secs_f64() * 1000.0),
                    _ => health.failures += 1,
                }
                peak = peak.max(rss_of(pid));
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
            health.ms.sort_by(f64::total_cmp);
            (health, peak)
        });
        Watch { stop, task }
    }

    /// Stop; what /healthz did and the VmRSS peak (KiB).
    pub async fn finish(self) -> (Health, u64) {
        self.stop.store(true, Ordering::SeqCst);
        self.task.await.unwrap_or_default()
    }
}

fn rss_of(pid: i32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|t| {
            t.lines()
                .find_map(|l| l.strip_prefix("VmRSS:"))
                .and_then(|v| v.split_whitespace().next())
                .and_then(|v| v.parse().ok())
        })
        .unwrap_or(0)
}

pub fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let rank = (p / 100.0 * (sorted.len() - 1) as f64).round() as usize;
    sorted[rank.min(sorted.len() - 1)]
}
