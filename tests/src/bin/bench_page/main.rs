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
//! and the report module, and is measured once its signature shows as verified (WebCrypto over
//! HTTPS; over plain HTTP the page has no `crypto.subtle` and loads its own verifier). Chromium offers brotli only to secure contexts, and loopback addresses count as secure
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
//!
//! `screens.rs` lists the screens (and signs the shared report), `servers.rs` starts the relay listeners and chromedriver, `measure.rs` loads a page and reads
//! the browser's timings, `tables.rs` prints the medians; this file runs the whole.

mod measure;
mod screens;
mod servers;
mod tables;

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::Duration;

use rdpcheck_labtests::certs::TestCert;
use serde_json::Value;
use tempfile::TempDir;

use measure::load_once;
use screens::{screens, shared_link, SEED};
use servers::{http_get, Driver, Relay};
use tables::{kib, report};

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
    // Both relays sign with this key (the shared report is signed with it).
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
