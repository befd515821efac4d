//! `bench-page`: what a browser receives when it loads the page from the real relay, and how
//! long until the page is interactive (run by `cargo xtask bench page`).
//!
//! ```text
//! cargo run --release -p rdpcheck-labtests --bin bench-page -- --relay target/release/rdpcheck-relay [--runs N]
//! ```
//!
//! Starts the relay binary twice on loopback (free ports, throwaway key): once over plain HTTP
//! and once over its HTTPS listener with a throwaway self-signed certificate. Then, for each
//! scheme and screen, loads the page N times in headless Debian Chromium (chromedriver), each
//! time in a new browser session with a fresh, empty profile (so nothing is cached), and reads
//! the browser's own Resource Timing entries: `transferSize` (what came over the connection,
//! headers included), `encodedBodySize`, `decodedBodySize` and `contentEncoding` for the
//! navigation and every resource.
//!
//! Screens: home (`/`); explain (`/explain?q=0x904 0x7`), which also fetches the knowledge
//! base; and a shared report (`/r#v1.…`, a recorded report signed with the relay's key, which
//! the bench writes before starting it), which also fetches the knowledge base, the relay's key
//! and the report module that renders the report, and is measured once its signature shows as
//! verified (WebCrypto over HTTPS; over plain HTTP the page has no `crypto.subtle` and loads its
//! own verifier too). Chromium offers brotli only to secure contexts, and loopback addresses count as secure
//! even over plain HTTP, so the plain-HTTP relay is opened as `http://rdpcheck.test:PORT/`, a
//! name Chromium maps to 127.0.0.1 itself (`--host-resolver-rules`): like any plain-HTTP site it
//! is then offered `gzip, deflate` only. The two schemes measure the gzip and the brotli copies.
//!
//! Time to interactive: the page sets `performance.mark("rdpcheck:interactive")` in the first
//! effect of its root component, which Yew runs after the whole first render of the screen is in
//! the DOM with its event handlers attached (so the wasm has been fetched, compiled and has
//! started). Its `startTime` is measured from the navigation start (`performance.timeOrigin`).
//! `rdpcheck:kb` marks the knowledge base fetched and loaded (the explain screen renders with it),
//! `rdpcheck:report` a report rendered by the report module and in the page.
//!
//! Prints Markdown tables (medians over the N loads). Not a test. Chromium talks to loopback only.

use std::collections::BTreeMap;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitCode, Stdio};
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder};
use nix::sys::signal::{killpg, Signal};
use nix::unistd::Pid;
use rdpcheck_labtests::certs::TestCert;
use rdpcheck_labtests::process::free_port;
use serde_json::Value;
use tempfile::TempDir;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

const USAGE: &str = "usage: bench-page --relay PATH [--runs N]";
const DEFAULT_RUNS: usize = 7;
/// The goal from the issue: the page as a browser receives it.
const GOAL_BYTES: u64 = 200 * 1024;
const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
/// Any single wait (relay start, page load, marks).
const STEP: Duration = Duration::from_secs(30);
/// The name the plain-HTTP relay is opened by (Chromium resolves it to 127.0.0.1).
const PLAIN_HOST: &str = "rdpcheck.test";
/// A page built before the marks existed: how long after the load to wait for them.
const MARK_GRACE: Duration = Duration::from_secs(3);

/// One screen: name, path and query, the marks that say it is ready, and an element it must
/// show before it counts as loaded.
struct Screen {
    name: &'static str,
    path: String,
    marks: &'static [&'static str],
    ready: &'static str,
}

fn screens(shared_link: &str) -> Vec<Screen> {
    vec![
        Screen {
            name: "home",
            path: "/".into(),
            marks: &["rdpcheck:interactive"],
            ready: "main textarea",
        },
        Screen {
            name: "explain",
            path: "/explain?q=0x904%200x7".into(),
            marks: &["rdpcheck:interactive", "rdpcheck:kb"],
            ready: "ol.causes",
        },
        Screen {
            name: "shared report",
            path: shared_link.into(),
            marks: &["rdpcheck:interactive", "rdpcheck:kb", "rdpcheck:report"],
            ready: ".banner.ok",
        },
    ]
}

/// The recorded report the shared-report screen opens (real CLI output, web/tests/fixtures).
const SHARED_REPORT: &str = include_str!("../../../web/tests/fixtures/xrdp-negotiate.json");
/// The relays' signing key for the run (a throwaway: the relay reads it from its key file).
const SEED: [u8; 32] = [42; 32];

/// `/r#v1.…`: the recorded report signed by the relays' key `key_id`, as the relay signs.
fn shared_link(key_id: &str) -> String {
    use ed25519_dalek::{Signer, SigningKey};
    use rdpcheck_report::share;
    let signature = SigningKey::from_bytes(&SEED).sign(SHARED_REPORT.as_bytes());
    let signed = rdpcheck_report::wire::SignedReport {
        report: SHARED_REPORT.to_string(),
        signature: share::base64url(&signature.to_bytes()),
        key_id: key_id.to_string(),
    };
    format!("/r#{}", share::encode(&signed))
}

struct Args {
    relay: PathBuf,
    runs: usize,
}

fn parse_args() -> Result<Args, String> {
    let mut relay = None;
    let mut runs = DEFAULT_RUNS;
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--relay" => relay = it.next().map(PathBuf::from),
            "--runs" => {
                runs = it
                    .next()
                    .and_then(|v| v.parse().ok())
                    .filter(|&n: &usize| n > 0)
                    .ok_or(format!("--runs needs a number ≥ 1\n{USAGE}"))?
            }
            "-h" | "--help" => return Err(USAGE.into()),
            other => return Err(format!("unknown argument {other:?}\n{USAGE}")),
        }
    }
    let relay = relay.ok_or(format!("--relay is required\n{USAGE}"))?;
    if !relay.is_file() {
        return Err(format!(
            "{} is not a file: build it first (cargo xtask bench page does)",
            relay.display()
        ));
    }
    for bin in [CHROMIUM, CHROMEDRIVER] {
        if !Path::new(bin).exists() {
            return Err(format!(
                "{bin} is missing: apt-get install chromium chromium-driver"
            ));
        }
    }
    Ok(Args { relay, runs })
}

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
struct Relay {
    group: Group,
    base: String,
    port: u16,
    log: PathBuf,
}

impl Relay {
    async fn start(bin: &Path, dir: &Path, tls: Option<(&Path, &Path)>) -> Result<Relay, String> {
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
async fn http_get(port: u16, path: &str) -> Result<String, String> {
    let io = async {
        let mut s = TcpStream::connect(("127.0.0.1", port)).await?;
        s.write_all(format!("GET {path} HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n").as_bytes())
            .await?;
        let mut buf = Vec::new();
        s.read_to_end(&mut buf).await?;
        Ok::<_, std::io::Error>(buf)
    };
    let buf = tokio::time::timeout(Duration::from_secs(5), io)
        .await
        .map_err(|_| "timeout".to_string())?
        .map_err(|e| e.to_string())?;
    let text = String::from_utf8_lossy(&buf);
    Ok(text
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_string())
        .unwrap_or_default())
}

struct Driver {
    group: Group,
    port: u16,
}

impl Driver {
    async fn start() -> Result<Driver, String> {
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
    async fn browser(&self, profile: &Path) -> Result<Client, String> {
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

/// What the browser reports for one load.
const COLLECT: &str = r#"
const pick = (e) => ({
  name: e.name, type: e.initiatorType || "navigation", transfer: e.transferSize,
  encoded: e.encodedBodySize, decoded: e.decodedBodySize,
  encoding: e.contentEncoding === undefined ? null : e.contentEncoding,
  protocol: e.nextHopProtocol, end: e.responseEnd,
});
const mark = (n) => { const m = performance.getEntriesByName(n, "mark")[0]; return m ? m.startTime : null; };
const nav = performance.getEntriesByType("navigation")[0];
return {
  ready: document.readyState,
  nav: pick(nav),
  dcl: nav.domContentLoadedEventEnd, load: nav.loadEventEnd,
  resources: performance.getEntriesByType("resource").map(pick),
  marks: Object.fromEntries(arguments[0].map((n) => [n, mark(n)])),
  interactive_ok: document.querySelector("main a, main button, main textarea, main input") !== null,
  shown: document.querySelector(arguments[1]) !== null,
};
"#;

#[derive(Debug, Clone)]
struct Entry {
    path: String,
    transfer: u64,
    encoded: u64,
    decoded: u64,
    encoding: String,
    protocol: String,
}

#[derive(Debug, Clone)]
struct Load {
    entries: Vec<Entry>,
    marks: BTreeMap<String, f64>,
    dcl: f64,
    load: f64,
}

fn entry(v: &Value) -> Entry {
    let n = |k: &str| v[k].as_f64().unwrap_or(0.0) as u64;
    let name = v["name"].as_str().unwrap_or_default();
    let path = name
        .split_once("://")
        .and_then(|(_, rest)| rest.find('/').map(|i| rest[i..].to_string()))
        .unwrap_or_else(|| name.to_string());
    Entry {
        path,
        transfer: n("transfer"),
        encoded: n("encoded"),
        decoded: n("decoded"),
        encoding: match &v["encoding"] {
            Value::String(s) if s.is_empty() => "identity".into(),
            Value::String(s) => s.clone(),
            _ => "?".into(),
        },
        protocol: v["protocol"].as_str().unwrap_or_default().to_string(),
    }
}

async fn load_once(driver: &Driver, url: &str, screen: &Screen) -> Result<Load, String> {
    let profile = tempfile::Builder::new()
        .prefix("rdpcheck-bench-page-profile-")
        .tempdir()
        .map_err(|e| format!("profile dir: {e}"))?;
    let client = driver.browser(profile.path()).await?;
    let result = measure(&client, url, screen).await;
    let _ = client.close().await;
    result
}

async fn measure(client: &Client, url: &str, screen: &Screen) -> Result<Load, String> {
    let marks = screen.marks;
    client
        .goto(url)
        .await
        .map_err(|e| format!("open {url}: {e}"))?;
    let args = vec![serde_json::json!(marks), serde_json::json!(screen.ready)];
    let deadline = Instant::now() + STEP;
    // Ready: every mark set, the document loaded, and no new resource for 300 ms.
    let mut last_count = usize::MAX;
    let mut stable_since = Instant::now();
    let mut loaded_at = None;
    loop {
        let v = client
            .execute(COLLECT, args.clone())
            .await
            .map_err(|e| format!("read timings: {e}"))?;
        let count = v["resources"].as_array().map_or(0, Vec::len);
        if count != last_count {
            last_count = count;
            stable_since = Instant::now();
        }
        let all_marks = marks.iter().all(|m| v["marks"][m].is_number());
        let complete = v["ready"] == "complete";
        if complete && loaded_at.is_none() {
            loaded_at = Some(Instant::now());
        }
        // A page without the marks (built before them) is measured without its times.
        let unmarked = loaded_at.is_some_and(|t| t.elapsed() > MARK_GRACE);
        if (all_marks || unmarked)
            && v["shown"] == true
            && complete
            && stable_since.elapsed() > Duration::from_millis(300)
        {
            if v["interactive_ok"] != true {
                return Err(format!(
                    "{url}: marked interactive but nothing to use on it"
                ));
            }
            let mut entries = vec![entry(&v["nav"])];
            entries.extend(v["resources"].as_array().into_iter().flatten().map(entry));
            let marks = marks
                .iter()
                .filter_map(|m| Some((m.to_string(), v["marks"][m].as_f64()?)))
                .collect();
            return Ok(Load {
                entries,
                marks,
                dcl: v["dcl"].as_f64().unwrap_or(0.0),
                load: v["load"].as_f64().unwrap_or(0.0),
            });
        }
        if Instant::now() > deadline {
            return Err(format!("{url}: not ready within {STEP:?}: {v}"));
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

fn median_u64(mut v: Vec<u64>) -> u64 {
    v.sort_unstable();
    v.get(v.len() / 2).copied().unwrap_or(0)
}

fn median_f64(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v.get(v.len() / 2).copied().unwrap_or(0.0)
}

fn kib(b: u64) -> String {
    format!("{:.1} KiB", b as f64 / 1024.0)
}

/// Hashed Trunk names differ per build; the table keeps them (they are what was served).
fn short(path: &str) -> String {
    let p = path.split('?').next().unwrap_or(path);
    if p.len() > 60 {
        format!("…{}", &p[p.len() - 58..])
    } else {
        p.to_string()
    }
}

struct Summary {
    scheme: &'static str,
    screen: &'static str,
    total_transfer: u64,
    total_encoded: u64,
    total_decoded: u64,
    marks: BTreeMap<String, (f64, f64, f64)>,
    dcl: f64,
    load: f64,
}

fn report(scheme: &'static str, screen: &'static str, url: &str, loads: &[Load]) -> Summary {
    // A share link's fragment is long: its head says what it is.
    let url = if url.len() > 48 {
        format!("{}…", &url[..44])
    } else {
        url.to_string()
    };
    println!(
        "\n### {scheme} — {screen} (`{url}`), median of {} loads\n",
        loads.len()
    );
    println!("| resource | type | content-encoding | protocol | transferSize | encodedBodySize | decodedBodySize |");
    println!("|---|---|---|---|---:|---:|---:|");
    // Resources in the order of the first load; medians across loads.
    let first = &loads[0];
    for (i, e) in first.entries.iter().enumerate() {
        let same: Vec<&Entry> = loads
            .iter()
            .filter_map(|l| l.entries.iter().find(|x| x.path == e.path))
            .collect();
        let med = |f: fn(&Entry) -> u64| median_u64(same.iter().map(|x| f(x)).collect());
        println!(
            "| `{}` | {} | {} | {} | {} | {} | {} |",
            short(&e.path),
            if i == 0 { "navigation" } else { "resource" },
            e.encoding,
            e.protocol,
            med(|x| x.transfer),
            med(|x| x.encoded),
            med(|x| x.decoded),
        );
    }
    let total = |f: fn(&Entry) -> u64| {
        median_u64(
            loads
                .iter()
                .map(|l| l.entries.iter().map(f).sum())
                .collect(),
        )
    };
    let (t, enc, dec) = (
        total(|x| x.transfer),
        total(|x| x.encoded),
        total(|x| x.decoded),
    );
    println!(
        "| **total** ({} requests) | | | | **{t} ({})** | {enc} | {dec} |",
        first.entries.len(),
        kib(t)
    );
    let mut marks = BTreeMap::new();
    for name in first.marks.keys() {
        let v: Vec<f64> = loads
            .iter()
            .filter_map(|l| l.marks.get(name).copied())
            .collect();
        let min = v.iter().copied().fold(f64::INFINITY, f64::min);
        let max = v.iter().copied().fold(0.0, f64::max);
        marks.insert(name.clone(), (median_f64(v), min, max));
    }
    Summary {
        scheme,
        screen,
        total_transfer: t,
        total_encoded: enc,
        total_decoded: dec,
        marks,
        dcl: median_f64(loads.iter().map(|l| l.dcl).collect()),
        load: median_f64(loads.iter().map(|l| l.load).collect()),
    }
}

fn machine() -> String {
    let nproc = std::thread::available_parallelism().map_or(0, |n| n.get());
    let load = std::fs::read_to_string("/proc/loadavg")
        .map(|l| l.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_default();
    format!("nproc {nproc}, load average (1/5/15 min) {load}")
}

fn version(bin: &str) -> String {
    Command::new(bin)
        .arg("--version")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .unwrap_or_default()
}

async fn run(args: Args) -> Result<(), String> {
    let dir = TempDir::with_prefix("rdpcheck-bench-page-").map_err(|e| format!("temp dir: {e}"))?;
    let cert = TestCert::self_signed();
    let (cert_path, key_path) = cert.write_pem(dir.path());
    // Both relays sign with this key (the shared report is signed with it below).
    std::fs::write(
        dir.path().join("relay.key"),
        rdpcheck_report::share::base64url(&SEED),
    )
    .map_err(|e| format!("key file: {e}"))?;
    let http = Relay::start(&args.relay, dir.path(), None).await?;
    let https = Relay::start(&args.relay, dir.path(), Some((&cert_path, &key_path))).await?;
    let key: Value = serde_json::from_str(&http_get(http.port, "/api/v1/key").await?)
        .map_err(|e| format!("/api/v1/key: {e}"))?;
    let key_id = key["key_id"]
        .as_str()
        .ok_or("/api/v1/key has no key_id")?
        .to_string();
    let screens = screens(&shared_link(&key_id));
    let driver = Driver::start().await?;
    println!("## Page size and time to interactive (bench-page)\n");
    println!(
        "- command: `cargo xtask bench page` (`bench-page --relay {} --runs {}`)",
        args.relay.display(),
        args.runs
    );
    println!("- machine: {} at the start", machine());
    println!(
        "- browser: {} ({}), a new session with an empty profile per load",
        version(CHROMIUM),
        version(CHROMEDRIVER)
    );
    println!("- relay: {} on 127.0.0.1: plain HTTP (opened as http://{PLAIN_HOST}:PORT/, which Chromium maps to 127.0.0.1, so it is not a secure context and is offered gzip) and HTTPS (https://127.0.0.1:PORT/, self-signed certificate)", version(&args.relay.display().to_string()));
    let mut summaries = Vec::new();
    for (scheme, relay) in [("HTTP", &http), ("HTTPS", &https)] {
        for screen in &screens {
            let url = format!("{}{}", relay.base, screen.path);
            // One discarded warm-up load (page cache of the OS, relay first touch).
            load_once(&driver, &url, screen).await?;
            let mut loads = Vec::new();
            for _ in 0..args.runs {
                loads.push(load_once(&driver, &url, screen).await?);
            }
            summaries.push(report(scheme, screen.name, &screen.path, &loads));
        }
    }
    println!("\n### Summary (medians)\n");
    println!("| scheme | screen | received (transferSize, all requests) | bodies as sent | bodies decoded | goal ≤ 200 KiB | interactive (ms) | knowledge base loaded (ms) | report shown (ms) | DOMContentLoaded / load (ms) |");
    println!("|---|---|---:|---:|---:|---|---:|---:|---:|---:|");
    for s in &summaries {
        let mark = |n: &str| {
            s.marks
                .get(n)
                .map(|(med, min, max)| format!("{med:.0} ({min:.0}–{max:.0})"))
                .unwrap_or_else(|| "—".into())
        };
        println!(
            "| {} | {} | **{} ({})** | {} | {} | {} | {} | {} | {} | {:.0} / {:.0} |",
            s.scheme,
            s.screen,
            s.total_transfer,
            kib(s.total_transfer),
            s.total_encoded,
            s.total_decoded,
            // The goal is the home screen's.
            match (s.screen, s.total_transfer <= GOAL_BYTES) {
                ("home", true) => "**met**",
                ("home", false) => "not met",
                _ => "",
            },
            mark("rdpcheck:interactive"),
            mark("rdpcheck:kb"),
            mark("rdpcheck:report"),
            s.dcl,
            s.load,
        );
    }
    println!("\n- machine at the end: {}", machine());
    drop(driver);
    drop(https);
    drop(http);
    Ok(())
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> ExitCode {
    let args = match parse_args() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("bench-page: {e}");
            return ExitCode::from(2);
        }
    };
    match run(args).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("bench-page: {e}");
            ExitCode::FAILURE
        }
    }
}
