//! The `rdpcheck-relay` process: started on a free port (retried), healthy before use, killed
//! and reaped on drop.

use std::path::PathBuf;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use rdpcheck_labtests::process::{free_port, START_ATTEMPTS};
use tempfile::TempDir;

use super::http::try_http_get;
use super::STEP;

/// What a relay is started with besides its listen address and key file.
#[derive(Debug, Default, Clone)]
pub struct RelayOptions {
    /// Extra command-line flags.
    pub args: Vec<String>,
    /// A TOML config file's contents (e.g. a `[limits]` table).
    pub config: Option<String>,
    /// The signing key file, instead of a fresh one in the relay's scratch dir.
    pub key_file: Option<PathBuf>,
    /// Start the relay with this soft open-file limit (through `sh -c 'ulimit -Sn N; exec …'`).
    pub soft_nofile: Option<u64>,
}

impl RelayOptions {
    pub fn args(args: &[&str]) -> RelayOptions {
        RelayOptions {
            args: args.iter().map(|a| a.to_string()).collect(),
            ..RelayOptions::default()
        }
    }

    pub fn with_config(mut self, toml: &str) -> RelayOptions {
        self.config = Some(toml.to_string());
        self
    }
}

/// A running `rdpcheck-relay`. Dropping it kills the process (SIGKILL) and reaps it.
#[derive(Debug)]
pub struct Relay {
    child: Child,
    pub port: u16,
    log: PathBuf,
    // Dropped after the process: holds the key, config and log files.
    _dir: TempDir,
}

/// A `rdpcheck-relay` command with no `RDPCHECK_*` settings inherited from the environment.
pub fn relay_command() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_rdpcheck-relay"));
    for (key, _) in std::env::vars_os() {
        if key.to_string_lossy().starts_with("RDPCHECK_") {
            cmd.env_remove(key);
        }
    }
    cmd.env("RUST_LOG", "info").stdin(Stdio::null());
    cmd
}

impl Relay {
    pub async fn start(opts: RelayOptions) -> Relay {
        let dir = tempfile::Builder::new()
            .prefix("rdpcheck-relay-test-")
            .tempdir()
            .expect("scratch dir");
        let key = opts
            .key_file
            .clone()
            .unwrap_or_else(|| dir.path().join("relay.key"));
        let config = opts.config.as_ref().map(|text| {
            let path = dir.path().join("relay.toml");
            std::fs::write(&path, text).expect("write relay.toml");
            path
        });
        let mut last = String::new();
        for attempt in 1..=START_ATTEMPTS {
            let port = free_port();
            let log = dir.path().join(format!("relay-{attempt}.log"));
            let out = std::fs::File::create(&log).expect("create relay log");
            let err = out.try_clone().expect("clone log handle");
            let mut cmd = match opts.soft_nofile {
                None => relay_command(),
                Some(n) => {
                    let mut sh = Command::new("sh");
                    sh.arg("-c")
                        .arg(format!("ulimit -Sn {n} && exec \"$0\" \"$@\""))
                        .arg(env!("CARGO_BIN_EXE_rdpcheck-relay"));
                    for (key, _) in std::env::vars_os() {
                        if key.to_string_lossy().starts_with("RDPCHECK_") {
                            sh.env_remove(key);
                        }
                    }
                    sh.env("RUST_LOG", "info").stdin(Stdio::null());
                    sh
                }
            };
            cmd.arg("--listen")
                .arg(format!("127.0.0.1:{port}"))
                .arg("--key-file")
                .arg(&key);
            if let Some(path) = &config {
                cmd.arg("--config").arg(path);
            }
            cmd.args(&opts.args)
                .stdout(Stdio::from(out))
                .stderr(Stdio::from(err));
            let mut child = cmd.spawn().expect("start rdpcheck-relay");
            match wait_healthy(&mut child, port, &log, STEP).await {
                Ok(()) => {
                    return Relay {
                        child,
                        port,
                        log,
                        _dir: dir,
                    }
                }
                Err(why) => {
                    let _ = child.kill();
                    let _ = child.wait();
                    eprintln!("relay start attempt {attempt} on port {port} failed: {why}");
                    last = why;
                }
            }
        }
        panic!("rdpcheck-relay did not start in {START_ATTEMPTS} attempts: {last}");
    }

    /// What the relay logged so far (stdout and stderr).
    pub fn output(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// `ws://127.0.0.1:<port>/api/v1/probe` plus `query` (e.g. `?token=…`).
    pub fn ws_url(&self, query: &str) -> String {
        format!("ws://127.0.0.1:{}/api/v1/probe{query}", self.port)
    }

    /// GET `path`, expecting 200; the body.
    pub async fn get(&self, path: &str) -> String {
        match try_http_get(self.port, path, &[]).await {
            Ok((200, body)) => body,
            Ok((status, body)) => panic!("GET {path}: status {status}: {body}"),
            Err(e) => panic!("GET {path}: {e}\nrelay output:\n{}", self.output()),
        }
    }

    /// Whether the process has exited (without blocking).
    pub fn try_wait(&mut self) -> Option<ExitStatus> {
        self.child.try_wait().ok().flatten()
    }

    /// Wait (bounded) for the process to exit by itself.
    pub async fn wait_exit(&mut self, limit: Duration) -> Option<ExitStatus> {
        let deadline = Instant::now() + limit;
        loop {
            if let Some(status) = self.try_wait() {
                return Some(status);
            }
            if Instant::now() > deadline {
                return None;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// Panic, with the relay's output, unless /healthz still answers.
    pub async fn assert_healthy(&mut self) {
        if let Some(status) = self.try_wait() {
            panic!("the relay exited with {status}:\n{}", self.output());
        }
        let body = self.get("/healthz").await;
        assert!(body.contains("\"status\":\"ok\""), "{body}");
    }
}

/// Poll `/healthz` until it answers ok; Err (with the output) if the process exits or `limit` passes.
async fn wait_healthy(
    child: &mut Child,
    port: u16,
    log: &std::path::Path,
    limit: Duration,
) -> Result<(), String> {
    let output = || std::fs::read_to_string(log).unwrap_or_default();
    let deadline = Instant::now() + limit;
    loop {
        if let Ok(Some(status)) = child.try_wait() {
            return Err(format!(
                "the relay exited with {status}; output:\n{}",
                output()
            ));
        }
        if let Ok((200, body)) = try_http_get(port, "/healthz", &[]).await {
            // Re-check the process: a relay that failed to bind must not pass for whatever
            // else answers on the port.
            if body.contains("\"status\":\"ok\"") && matches!(child.try_wait(), Ok(None)) {
                return Ok(());
            }
        }
        if Instant::now() > deadline {
            return Err(format!(
                "/healthz did not answer within {limit:?}; output:\n{}",
                output()
            ));
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
}

impl Drop for Relay {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The relay's public key: (key_id, public_key base64url), from `GET /api/v1/key`.
pub async fn public_key(relay: &Relay) -> (String, String) {
    let body = relay.get("/api/v1/key").await;
    let v: serde_json::Value = serde_json::from_str(&body).expect("key JSON");
    assert_eq!(v["algorithm"], "Ed25519", "{body}");
    let id = v["key_id"].as_str().expect("key_id").to_string();
    let key = v["public_key"].as_str().expect("public_key").to_string();
    (id, key)
}
