//! The relay under test as a child process, and a WebSocket / HTTP client to drive it.
//!
//! [`Relay`] starts the real `rdpcheck-relay` binary on a free loopback port with its own temp
//! key file (and config file when limits are needed), waits until `/healthz` answers, and kills
//! the process on drop. Every network wait here has a timeout.

use std::net::{Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use futures_util::{SinkExt, StreamExt};
use rdpcheck_labtests::process::{free_port, START_ATTEMPTS};
use tempfile::TempDir;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::http::HeaderValue;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

pub type Ws = WebSocketStream<MaybeTlsStream<TcpStream>>;

/// How long any single network step may take before the test fails.
pub const STEP: Duration = Duration::from_secs(10);
/// How long a whole session (connect to close) may take.
pub const SESSION: Duration = Duration::from_secs(30);

/// What a relay is started with besides its listen address and key file.
#[derive(Debug, Default, Clone)]
pub struct RelayOptions {
    /// Extra command-line flags.
    pub args: Vec<String>,
    /// A TOML config file's contents (e.g. a `[limits]` table).
    pub config: Option<String>,
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
        let key = dir.path().join("relay.key");
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

/// Send `request` as written (all of it, then nothing) over a new TCP connection to the relay,
/// from `source` (any 127.0.0.0/8 address is this host; another one is another client), and
/// read the answer to its end: (status, body). Bounded by [`STEP`].
pub async fn raw_http(
    port: u16,
    source: Option<std::net::IpAddr>,
    request: &str,
) -> Result<(u16, String), String> {
    let work = async {
        let mut stream = connect_from(source, port)
            .await
            .map_err(|e| format!("connect: {e}"))?;
        stream
            .write_all(request.as_bytes())
            .await
            .map_err(|e| format!("write: {e}"))?;
        let mut raw = Vec::new();
        stream
            .read_to_end(&mut raw)
            .await
            .map_err(|e| format!("read: {e}"))?;
        parse_response(&raw)
    };
    tokio::time::timeout(STEP, work)
        .await
        .map_err(|_| format!("no answer within {STEP:?}"))?
}

/// A TCP connection to the relay on 127.0.0.1:`port`, from `source` if given.
pub async fn connect_from(
    source: Option<std::net::IpAddr>,
    port: u16,
) -> std::io::Result<TcpStream> {
    let relay = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
    match source {
        None => TcpStream::connect(relay).await,
        Some(ip) => {
            let socket = tokio::net::TcpSocket::new_v4()?;
            socket.bind(SocketAddr::new(ip, 0))?;
            socket.connect(relay).await
        }
    }
}

/// `GET path` with `Host: host` and `Connection: close`, as one raw request.
pub fn get_request(path: &str, host: &str) -> String {
    format!("GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n")
}

/// A plain HTTP/1.1 GET over a raw TCP stream: (status, body).
pub async fn try_http_get(
    port: u16,
    path: &str,
    headers: &[(&str, &str)],
) -> Result<(u16, String), String> {
    let work = async {
        let mut stream = TcpStream::connect(SocketAddr::from((Ipv4Addr::LOCALHOST, port)))
            .await
            .map_err(|e| format!("connect: {e}"))?;
        let mut request =
            format!("GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n");
        for (name, value) in headers {
            request.push_str(&format!("{name}: {value}\r\n"));
        }
        request.push_str("\r\n");
        stream
            .write_all(request.as_bytes())
            .await
            .map_err(|e| format!("write: {e}"))?;
        let mut raw = Vec::new();
        stream
            .read_to_end(&mut raw)
            .await
            .map_err(|e| format!("read: {e}"))?;
        parse_response(&raw)
    };
    tokio::time::timeout(STEP, work)
        .await
        .map_err(|_| format!("GET {path} timed out after {STEP:?}"))?
}

fn parse_response(raw: &[u8]) -> Result<(u16, String), String> {
    let text = String::from_utf8_lossy(raw);
    let (head, body) = text
        .split_once("\r\n\r\n")
        .ok_or_else(|| format!("no end of headers in {text:?}"))?;
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse::<u16>().ok())
        .ok_or_else(|| format!("no status in {head:?}"))?;
    let chunked = head.lines().any(|l| {
        l.to_ascii_lowercase()
            .starts_with("transfer-encoding: chunked")
    });
    let body = if chunked {
        dechunk(body)?
    } else {
        body.to_string()
    };
    Ok((status, body))
}

fn dechunk(mut body: &str) -> Result<String, String> {
    let mut out = String::new();
    loop {
        let (size, rest) = body
            .split_once("\r\n")
            .ok_or_else(|| format!("bad chunk in {body:?}"))?;
        let size =
            usize::from_str_radix(size.trim(), 16).map_err(|e| format!("chunk size: {e}"))?;
        if size == 0 {
            return Ok(out);
        }
        out.push_str(rest.get(..size).ok_or("short chunk")?);
        body = rest.get(size + 2..).ok_or("short chunk")?;
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

/// Open the probe WebSocket with extra request headers.
pub async fn connect(url: &str, headers: &[(&str, &str)]) -> Ws {
    let mut request = url.into_client_request().expect("ws request");
    for (name, value) in headers {
        let name: tokio_tungstenite::tungstenite::http::HeaderName =
            name.parse().expect("header name");
        request
            .headers_mut()
            .insert(name, HeaderValue::from_str(value).expect("header value"));
    }
    let (ws, _) = tokio::time::timeout(STEP, tokio_tungstenite::connect_async(request))
        .await
        .unwrap_or_else(|_| panic!("WebSocket upgrade to {url} timed out"))
        .unwrap_or_else(|e| panic!("WebSocket upgrade to {url}: {e}"));
    ws
}

/// Everything the relay sent on one connection.
#[derive(Debug)]
pub struct Session {
    /// Text messages, raw, in order.
    pub texts: Vec<String>,
    /// The close frame's code, if a close frame arrived.
    pub close_code: Option<u16>,
    /// A read error that ended the session instead of a close frame.
    pub error: Option<String>,
}

impl Session {
    pub fn json(&self) -> Vec<serde_json::Value> {
        self.texts
            .iter()
            .map(|t| serde_json::from_str(t).unwrap_or_else(|e| panic!("not JSON ({e}): {t}")))
            .collect()
    }

    /// Assert the session was exactly one error message with `code` and then close `close`;
    /// returns the message text.
    pub fn expect_error_with_close(&self, code: &str, close: u16) -> String {
        let msgs = self.json();
        assert_eq!(
            msgs.len(),
            1,
            "expected one {code} error, got {:#?}",
            self.texts
        );
        let m = &msgs[0];
        assert_eq!(m["type"], "error", "{m}");
        assert_eq!(m["code"], code, "{m}");
        assert_eq!(
            self.close_code,
            Some(close),
            "close code after {code}: {self:?}"
        );
        let message = m["message"].as_str().expect("message is a string");
        assert!(!message.trim().is_empty(), "empty message: {m}");
        message.to_string()
    }

    /// One error message with `code`, then close 1008; returns the message text.
    pub fn expect_error(&self, code: &str) -> String {
        self.expect_error_with_close(code, 1008)
    }
}

/// Read until the close frame (or the end of the stream), each read bounded.
pub async fn collect(ws: &mut Ws) -> Session {
    let deadline = Instant::now() + SESSION;
    let mut session = Session {
        texts: Vec::new(),
        close_code: None,
        error: None,
    };
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        let next = match tokio::time::timeout(left.min(STEP), ws.next()).await {
            Ok(next) => next,
            Err(_) => panic!("no message or close within the time limit; so far: {session:#?}"),
        };
        match next {
            None => break,
            Some(Err(e)) => {
                session.error = Some(e.to_string());
                break;
            }
            Some(Ok(Message::Text(text))) => session.texts.push(text.to_string()),
            Some(Ok(Message::Close(frame))) => {
                session.close_code = frame.map(|f| u16::from(f.code));
                // Let tungstenite answer the close; the stream then ends.
                let _ = tokio::time::timeout(Duration::from_secs(2), async {
                    while let Some(Ok(_)) = ws.next().await {}
                })
                .await;
                break;
            }
            Some(Ok(_)) => {}
        }
    }
    session
}

/// Send one text message.
pub async fn send_text(ws: &mut Ws, text: &str) {
    tokio::time::timeout(STEP, ws.send(Message::text(text.to_string())))
        .await
        .expect("send timed out")
        .expect("send");
}

/// Connect (with `headers`), send `request`, collect the whole session.
pub async fn session(url: &str, headers: &[(&str, &str)], request: &str) -> Session {
    let mut ws = connect(url, headers).await;
    send_text(&mut ws, request).await;
    collect(&mut ws).await
}

/// A probe request for `target` as JSON text.
pub fn probe_request(target: &str) -> String {
    serde_json::json!({"type": "probe", "target": target}).to_string()
}

/// Wait for the next text message (bounded) and parse it.
pub async fn next_json(ws: &mut Ws) -> serde_json::Value {
    loop {
        match tokio::time::timeout(STEP, ws.next()).await {
            Err(_) => panic!("no message within {STEP:?}"),
            Ok(Some(Ok(Message::Text(text)))) => {
                return serde_json::from_str(&text).expect("message is JSON")
            }
            Ok(Some(Ok(Message::Close(frame)))) => panic!("closed early: {frame:?}"),
            Ok(Some(Ok(_))) => {}
            Ok(Some(Err(e))) => panic!("read: {e}"),
            Ok(None) => panic!("the stream ended"),
        }
    }
}

/// A TCP port on 127.0.0.1 that nothing listens on (a probe gets `tcp.refused` at once).
pub fn closed_port() -> u16 {
    free_port()
}
