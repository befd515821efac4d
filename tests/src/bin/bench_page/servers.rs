//! The processes a measurement needs, each leading its own process group so that every exit path
//! stops it: the relay (plain HTTP or HTTPS) and chromedriver, with the browser sessions it opens.

use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder};
use nix::sys::signal::{killpg, Signal};
use nix::unistd::Pid;
use rdpcheck_labtests::process::free_port;
use serde_json::Value;
use tokio::net::TcpStream;

use crate::{CHROMEDRIVER, CHROMIUM, PLAIN_HOST, STEP};

/// A child process leading its own process group; Drop kills the whole group and reaps it.
struct Group {
    child: Child,
    name: &'static str,
}

impl Group {
    fn spawn(name: &'static str, cmd: &mut Command) -> Result<Group, String> {
        let child = cmd
            .process_group(0)
            .spawn()
            .map_err(|e| format!("cannot start {name}: {e}"))?;
        Ok(Group { child, name })
    }

    fn exited(&mut self) -> Option<String> {
        match self.child.try_wait() {
            Ok(Some(status)) => Some(format!("{} exited with {status}", self.name)),
            _ => None,
        }
    }
}

impl Drop for Group {
    fn drop(&mut self) {
        if let Ok(pid) = i32::try_from(self.child.id()) {
            let _ = killpg(Pid::from_raw(pid), Signal::SIGKILL);
        }
        let _ = self.child.wait();
    }
}

/// One relay listener: plain HTTP, or HTTPS with the certificate in `tls`.
pub struct Relay {
    group: Group,
    pub base: String,
    pub port: u16,
    log: PathBuf,
}

impl Relay {
    pub async fn start(
        bin: &Path,
        dir: &Path,
        tls: Option<(&Path, &Path)>,
    ) -> Result<Relay, String> {
        let port = free_port();
        let scheme = if tls.is_some() { "https" } else { "http" };
        let log = dir.join(format!("relay-{scheme}.log"));
        let out = std::fs::File::create(&log).map_err(|e| format!("relay log: {e}"))?;
        let err = out.try_clone().map_err(|e| format!("relay log: {e}"))?;
        let mut cmd = Command::new(bin);
        cmd.arg("--listen")
            .arg(format!("127.0.0.1:{port}"))
            .arg("--key-file")
            .arg(dir.join("relay.key"));
        if let Some((cert, key)) = tls {
            cmd.arg("--tls-cert").arg(cert).arg("--tls-key").arg(key);
        } else {
            // The relay answers only to the names it is served under (DNS-rebinding guard).
            cmd.arg("--public-url")
                .arg(format!("http://{PLAIN_HOST}:{port}"));
        }
        for (name, _) in std::env::vars_os() {
            if name.to_string_lossy().starts_with("RDPCHECK_") {
                cmd.env_remove(name);
            }
        }
        cmd.env("RUST_LOG", "warn")
            .stdin(Stdio::null())
            .stdout(Stdio::from(out))
            .stderr(Stdio::from(err));
        let host = if tls.is_some() {
            "127.0.0.1"
        } else {
            PLAIN_HOST
        };
        let mut relay = Relay {
            group: Group::spawn("rdpcheck-relay", &mut cmd)?,
            base: format!("{scheme}://{host}:{port}"),
            port,
            log,
        };
        let deadline = Instant::now() + STEP;
        loop {
            if let Some(why) = relay.group.exited() {
                return Err(format!("{why}:\n{}", relay.output()));
            }
            let up = if tls.is_some() {
                TcpStream::connect(("127.0.0.1", port)).await.is_ok()
            } else {
                http_get(port, "/healthz")
                    .await
                    .is_ok_and(|b| b.contains("\"page_built\":true"))
            };
            if up {
                return Ok(relay);
            }
            if Instant::now() > deadline {
                return Err(format!(
                    "the relay did not answer on {} (was it built with the page?):\n{}",
                    relay.base,
                    relay.output()
                ));
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
    }

    fn output(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }
}

/// GET over plain HTTP/1.0 on loopback; the body.
pub async fn http_get(port: u16, path: &str) -> Result<String, String> {
    let io = async {
        let s = TcpStream::connect(("127.0.0.1", port))
            .await
            .map_err(|e| e.to_string())?;
        rdpcheck_labtests::http::get(s, port, path).await
    };
    let (_, body) = tokio::time::timeout(Duration::from_secs(5), io)
        .await
        .map_err(|_| "timeout".to_string())??;
    Ok(body)
}

pub struct Driver {
    group: Group,
    port: u16,
}

impl Driver {
    pub async fn start() -> Result<Driver, String> {
        let port = free_port();
        let mut cmd = Command::new(CHROMEDRIVER);
        cmd.arg(format!("--port={port}"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        let mut driver = Driver {
            group: Group::spawn("chromedriver", &mut cmd)?,
            port,
        };
        let deadline = Instant::now() + STEP;
        while TcpStream::connect(("127.0.0.1", port)).await.is_err() {
            if let Some(why) = driver.group.exited() {
                return Err(why);
            }
            if Instant::now() > deadline {
                return Err("chromedriver did not start".into());
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
        Ok(driver)
    }

    /// A new browser session on a new, empty profile.
    pub async fn browser(&self, profile: &Path) -> Result<Client, String> {
        let mut caps = serde_json::Map::new();
        caps.insert("acceptInsecureCerts".into(), Value::Bool(true));
        caps.insert(
            "goog:chromeOptions".into(),
            serde_json::json!({
                "binary": CHROMIUM,
                "args": [
                    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                    "--disable-background-networking", "--disable-component-update", "--disable-sync",
                    "--ignore-certificate-errors", "--disable-dev-shm-usage", "--window-size=1280,900",
                    format!("--host-resolver-rules=MAP {PLAIN_HOST} 127.0.0.1"),
                    format!("--user-data-dir={}", profile.display()),
                ]
            }),
        );
        ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
            .capabilities(caps)
            .connect(&format!("http://127.0.0.1:{}", self.port))
            .await
            .map_err(|e| format!("chromedriver session: {e}"))
    }
}
