//! The relay as a child process (optionally inside a network namespace), the CLI run with a
//! deadline, and a raw HTTP GET for the relay's key.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use rdpcheck_labtests::netns::NetNs;
use rdpcheck_labtests::ServerProcess;
use tempfile::TempDir;

/// How long one CLI run may take (its own deadlines are far shorter).
pub const CLI_LIMIT: Duration = Duration::from_secs(90);

/// The relay binary: RDPCHECK_RELAY_BIN, or `rdpcheck-relay` next to the CLI under test.
pub fn relay_binary() -> PathBuf {
    if let Some(path) = std::env::var_os("RDPCHECK_RELAY_BIN") {
        return PathBuf::from(path);
    }
    let cli = PathBuf::from(env!("CARGO_BIN_EXE_rdpcheck"));
    let relay = cli.with_file_name(format!("rdpcheck-relay{}", std::env::consts::EXE_SUFFIX));
    assert!(
        relay.is_file(),
        "{} is missing: `cargo test --workspace` builds it, or run `cargo build -p rdpcheck-relay` \
         first (or set RDPCHECK_RELAY_BIN)",
        relay.display()
    );
    relay
}

/// A running relay; killed with its process group on drop.
pub struct Relay {
    // The process goes before its scratch dir.
    process: ServerProcess,
    pub addr: SocketAddr,
    _dir: TempDir,
}

impl Relay {
    /// `rdpcheck-relay --listen addr --key-file … args…`, inside `ns` when given; returns once
    /// it accepts connections.
    pub fn start(ns: Option<&NetNs>, addr: SocketAddr, args: &[&str]) -> Relay {
        let dir = tempfile::Builder::new()
            .prefix("rdpcheck-vantage-relay-")
            .tempdir()
            .expect("scratch dir");
        Relay::start_in(dir, ns, addr, args)
    }

    /// Like [`Relay::start`], with files the caller put in `dir` (a token file, certificates).
    pub fn start_in(dir: TempDir, ns: Option<&NetNs>, addr: SocketAddr, args: &[&str]) -> Relay {
        let binary = relay_binary();
        let mut cmd = match ns {
            Some(ns) => ns.command(&binary),
            None => Command::new(&binary),
        };
        for (key, _) in std::env::vars_os() {
            if key.to_string_lossy().starts_with("RDPCHECK_") {
                cmd.env_remove(key);
            }
        }
        cmd.env("RUST_LOG", "info")
            .arg("--listen")
            .arg(addr.to_string())
            .arg("--key-file")
            .arg(dir.path().join("relay.key"))
            .args(args);
        let mut process =
            ServerProcess::spawn("rdpcheck-relay", cmd, &dir.path().join("relay.log"));
        let ready = match ns {
            Some(ns) => ns.wait_for(addr, Duration::from_secs(15), &mut process),
            None => {
                rdpcheck_labtests::try_wait_for_addr(addr, Duration::from_secs(15), &mut process)
            }
        };
        if let Err(why) = ready {
            panic!("the relay did not start on {addr}: {why}");
        }
        Relay {
            process,
            addr,
            _dir: dir,
        }
    }

    pub fn output(&self) -> String {
        self.process.output()
    }
}

/// What one CLI run left.
#[derive(Debug)]
pub struct Run {
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout).unwrap_or_else(|e| {
            panic!(
                "stdout is not JSON ({e}):\n{}\nstderr:\n{}",
                self.stdout, self.stderr
            )
        })
    }
}

/// `rdpcheck args…` (inside `ns` when given) with `env`, killed after [`CLI_LIMIT`]. Output
/// goes to files, so a large JSON document cannot fill a pipe and stall the child.
pub fn rdpcheck(ns: Option<&NetNs>, args: &[&str], env: &[(&str, &str)]) -> Run {
    let binary = PathBuf::from(env!("CARGO_BIN_EXE_rdpcheck"));
    let mut cmd = match ns {
        Some(ns) => ns.command(&binary),
        None => Command::new(&binary),
    };
    let dir = tempfile::tempdir().expect("scratch dir");
    let (out, err) = (dir.path().join("stdout"), dir.path().join("stderr"));
    cmd.env_remove("RDPCHECK_RELAY_TOKEN")
        .args(args)
        .envs(env.iter().copied())
        .stdin(Stdio::null())
        .stdout(std::fs::File::create(&out).expect("stdout file"))
        .stderr(std::fs::File::create(&err).expect("stderr file"));
    let mut child = cmd.spawn().expect("run rdpcheck");
    let deadline = Instant::now() + CLI_LIMIT;
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait for rdpcheck") {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!(
                "rdpcheck {args:?} did not finish within {CLI_LIMIT:?}; stderr:\n{}",
                std::fs::read_to_string(&err).unwrap_or_default()
            );
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    Run {
        code: status.code(),
        stdout: std::fs::read_to_string(&out).unwrap_or_default(),
        stderr: std::fs::read_to_string(&err).unwrap_or_default(),
    }
}

/// GET `path` over plain HTTP from inside `ns`: the body of a 200 answer.
pub fn http_get(ns: &NetNs, addr: SocketAddr, path: &str) -> String {
    let path = path.to_string();
    ns.enter(move || {
        let mut stream = TcpStream::connect_timeout(&addr, Duration::from_secs(5))
            .expect("connect to the relay");
        stream
            .set_read_timeout(Some(Duration::from_secs(10)))
            .expect("read timeout");
        write!(
            stream,
            "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
        )
        .expect("send the request");
        let mut answer = String::new();
        stream.read_to_string(&mut answer).expect("read the answer");
        let (head, body) = answer.split_once("\r\n\r\n").expect("an HTTP answer");
        assert!(head.starts_with("HTTP/1.1 200"), "GET {path}: {head}");
        body.to_string()
    })
}
