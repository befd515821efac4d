//! A real Redis (Debian package `redis-server`) on a free loopback port, for the relay's shared
//! limits (`limits_backend`): bound to 127.0.0.1 only, nothing saved to disk, in its own scratch
//! directory. Never the system's service. It can be killed and started again on the same port,
//! to test a relay through an outage.

use std::path::PathBuf;
use std::process::Command;
use std::time::Duration;

use tempfile::TempDir;

use crate::process::{free_port, require_binary, try_wait_for_port, ServerProcess, START_ATTEMPTS};

/// How long a start may take before it is retried (on a fresh port, unless restarting).
const READY: Duration = Duration::from_secs(5);

pub struct Redis {
    pub port: u16,
    process: Option<ServerProcess>,
    binary: PathBuf,
    starts: usize,
    dir: TempDir,
}

impl Redis {
    pub fn start() -> Redis {
        let mut redis = Redis {
            port: 0,
            process: None,
            binary: require_binary("redis-server", "redis-server"),
            starts: 0,
            dir: tempfile::Builder::new()
                .prefix("rdpcheck-redis-")
                .tempdir()
                .expect("scratch dir"),
        };
        let mut last = String::new();
        for _ in 0..START_ATTEMPTS {
            redis.port = free_port();
            match redis.spawn() {
                Ok(()) => return redis,
                Err(why) => last = why,
            }
        }
        panic!("redis-server did not start in {START_ATTEMPTS} attempts: {last}");
    }

    /// `redis://127.0.0.1:<port>/`, the relay's `limits_backend`.
    pub fn url(&self) -> String {
        format!("redis://127.0.0.1:{}/", self.port)
    }

    /// Kill the server (SIGKILL, as a crash): the port is closed until [`Redis::restart`].
    pub fn kill(&mut self) {
        self.process = None;
    }

    /// Start again on the same port, empty (nothing was saved).
    pub fn restart(&mut self) {
        self.kill();
        if let Err(why) = self.spawn() {
            panic!(
                "redis-server did not start again on port {}: {why}",
                self.port
            );
        }
    }

    fn spawn(&mut self) -> Result<(), String> {
        self.starts += 1;
        let mut cmd = Command::new(&self.binary);
        // --save '' and --appendonly no: nothing on disk; --dir: anything it writes anyway
        // stays in the scratch dir.
        cmd.args(["--port", &self.port.to_string(), "--bind", "127.0.0.1"])
            .args(["--save", "", "--appendonly", "no", "--daemonize", "no"])
            .arg("--dir")
            .arg(self.dir.path())
            .current_dir(self.dir.path());
        let log = self.dir.path().join(format!("redis-{}.log", self.starts));
        let mut process = ServerProcess::spawn("redis-server", cmd, &log);
        try_wait_for_port(self.port, READY, &mut process)?;
        self.process = Some(process);
        Ok(())
    }

    /// `redis-cli` against this server; its output, trimmed (e.g. `GET key` → the value).
    pub fn cli(&self, args: &[&str]) -> String {
        let cli = require_binary("redis-cli", "redis-tools");
        let out = Command::new(cli)
            .args(["-h", "127.0.0.1", "-p", &self.port.to_string()])
            .args(args)
            .output()
            .expect("run redis-cli");
        assert!(
            out.status.success(),
            "redis-cli {args:?}: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).trim().to_string()
    }
}
