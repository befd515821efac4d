//! The relay process: started on a free loopback port with its own scratch dir, healthy before
//! use, killed (its whole group) on drop and on an interrupt; what /proc and /metrics say of it.

use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use nix::sys::signal::{killpg, Signal};
use nix::unistd::Pid;
use rdpcheck_labtests::process::{
    forget_on_interrupt, free_port, interrupted, kill_on_interrupt, START_ATTEMPTS,
};
use tempfile::TempDir;
use tokio::net::TcpStream;

use crate::procfs::proc_status_kib;
use crate::STEP;

/// Raise the relay's descriptor limit (to the hard limit when 65536 is not allowed), then exec it.
const RAISE_AND_EXEC: &str =
    r#"ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"; exec "$0" "$@""#;

/// A running `rdpcheck-relay`, leader of its own process group. Drop sends SIGKILL to the group
/// and reaps it.
pub struct Relay {
    child: Child,
    pub pid: i32,
    port: u16,
    log: PathBuf,
    // Dropped after the process: holds the key, config and log files.
    _dir: TempDir,
}

impl Relay {
    pub async fn start(bin: &Path, config: &str, extra: &[String]) -> Result<Relay, String> {
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
            kill_on_interrupt(child.id());
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

    pub fn output(&self) -> String {
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

    pub fn ws_url(&self) -> String {
        format!("ws://127.0.0.1:{}/api/v1/probe", self.port)
    }

    pub fn alive(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(None))
    }

    /// VmRSS in KiB.
    pub fn rss_kib(&self) -> Option<u64> {
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
    pub async fn wait_sessions(&self, want: u64, limit: Duration) -> Option<u64> {
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
    pub fn nofile(&self) -> String {
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
        forget_on_interrupt(self.child.id());
    }
}

/// A plain HTTP/1.1 GET: (status, body). Bounded by STEP.
async fn http_get(port: u16, path: &str) -> Result<(u16, String), String> {
    let exchange = async {
        let s = TcpStream::connect(("127.0.0.1", port))
            .await
            .map_err(|e| e.to_string())?;
        rdpcheck_labtests::http::get(s, port, path).await
    };
    tokio::time::timeout(STEP, exchange)
        .await
        .map_err(|_| "timeout".to_string())?
}
