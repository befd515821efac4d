//! `bench-network`: what a full default check costs in round trips on a slow link (run by
//! `cargo xtask bench network`).
//!
//! ```text
//! cargo run --release -p rdpcheck-labtests --bin bench-network -- --rdpcheck target/release/rdpcheck [--runs N] [--rtt MS]
//! ```
//!
//! Makes the network lab of the network tests (tests/src/impair/: the probe and the server in
//! network namespaces of their own, the impair-forwarder holding every frame for half the round
//! trip each way), starts a server in the server's namespace, and runs the shipped CLI inside the
//! probe's namespace: `rdpcheck probe 10.216.0.2:3389 --json`, the default check. One warm-up run
//! is discarded. For each stage of the report it prints the median duration and that duration in
//! round trips of the link as the kernel measured it (the smallest `min_rtt_ms` of the report's
//! TCP_INFO). Servers: xrdp (negotiate: TLS, no NLA) and FreeRDP's shadow server with NLA (the
//! CredSSP stage). Traffic stays inside the lab's namespaces. Needs root. Not a test.

mod table;

use std::net::IpAddr;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::Duration;

use rdpcheck_labtests::impair::{ImpairedLink, Impairment};
use rdpcheck_labtests::machine::load_average;
use rdpcheck_labtests::{SecurityLayer, Shadow, ShadowSec, TestCert, Xrdp};
use rdpcheck_report::Report;

use table::{print_tables, Run};

const USAGE: &str = "usage: bench-network --rdpcheck PATH [--runs N] [--rtt MS]";
const PORT: u16 = 3389;

struct Args {
    rdpcheck: PathBuf,
    runs: usize,
    rtt: Duration,
}

fn parse_args() -> Result<Args, String> {
    let mut rdpcheck = None;
    let mut runs = 5;
    let mut rtt = Duration::from_millis(100);
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        let mut value = |name: &str| it.next().ok_or(format!("{name} needs a value\n{USAGE}"));
        match arg.as_str() {
            "--rdpcheck" => rdpcheck = Some(PathBuf::from(value("--rdpcheck")?)),
            "--runs" => {
                runs = value("--runs")?
                    .parse()
                    .ok()
                    .filter(|n| (1..=50).contains(n))
                    .ok_or(format!("--runs is a number from 1 to 50\n{USAGE}"))?;
            }
            "--rtt" => {
                let ms: u64 = value("--rtt")?
                    .parse()
                    .ok()
                    .filter(|n| (1..=1000).contains(n))
                    .ok_or(format!("--rtt is milliseconds from 1 to 1000\n{USAGE}"))?;
                rtt = Duration::from_millis(ms);
            }
            other => return Err(format!("unknown argument {other}\n{USAGE}")),
        }
    }
    let rdpcheck = rdpcheck.ok_or(format!("--rdpcheck is required\n{USAGE}"))?;
    Ok(Args {
        rdpcheck,
        runs,
        rtt,
    })
}

/// The impair-forwarder built next to this binary (`cargo xtask bench network` builds both).
fn forwarder() -> Result<PathBuf, String> {
    let exe = std::env::current_exe().map_err(|e| format!("cannot find this binary: {e}"))?;
    let path = exe.with_file_name("impair-forwarder");
    if path.exists() {
        Ok(path)
    } else {
        Err(format!(
            "{} is missing: cargo build --release -p rdpcheck-labtests --bin impair-forwarder",
            path.display()
        ))
    }
}

/// One default check from the probe's namespace, read back from its JSON.
fn check(link: &ImpairedLink, rdpcheck: &Path) -> Result<Report, String> {
    let mut cmd: Command = link.probe.command(rdpcheck);
    cmd.arg("probe")
        .arg(format!("{}:{PORT}", ImpairedLink::SERVER_ADDR))
        .arg("--json");
    let out = cmd
        .output()
        .map_err(|e| format!("cannot run {}: {e}", rdpcheck.display()))?;
    if !matches!(out.status.code(), Some(0 | 1)) {
        return Err(format!(
            "rdpcheck exited {:?}: {}",
            out.status.code(),
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    serde_json::from_slice(&out.stdout).map_err(|e| format!("rdpcheck's JSON: {e}"))
}

/// `runs` checks against the server `start` puts in the lab's server namespace.
fn measure(
    args: &Args,
    name: &'static str,
    start: impl FnOnce(&ImpairedLink) -> Box<dyn std::any::Any>,
) -> Result<Run, String> {
    let link = ImpairedLink::create(&forwarder()?, Impairment::rtt(args.rtt))?;
    let _server = start(&link);
    check(&link, &args.rdpcheck)?; // warm-up
    let mut reports = Vec::new();
    for _ in 0..args.runs {
        reports.push(check(&link, &args.rdpcheck)?);
    }
    Ok(Run { name, reports })
}

fn main() -> ExitCode {
    let args = match parse_args() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    let load_before = load_average();
    let server = IpAddr::V4(ImpairedLink::SERVER_ADDR);
    let results = [
        measure(&args, "xrdp (negotiate: TLS, no NLA)", |link| {
            Box::new(Xrdp::start_in(
                &link.server,
                SecurityLayer::Negotiate,
                &TestCert::self_signed(),
                PORT,
                server,
            ))
        }),
        measure(&args, "FreeRDP shadow (NLA)", |link| {
            Box::new(Shadow::start_in(&link.server, ShadowSec::Nla, server, PORT))
        }),
    ];
    let mut runs = Vec::new();
    for r in results {
        match r {
            Ok(run) => runs.push(run),
            Err(e) => {
                eprintln!("bench-network: {e}");
                return ExitCode::FAILURE;
            }
        }
    }
    println!(
        "## Round trips on a {} ms link (bench-network)\n",
        args.rtt.as_millis()
    );
    println!(
        "- command: `cargo xtask bench network` (`bench-network --rdpcheck {} --runs {} --rtt {}`)",
        args.rdpcheck.display(),
        args.runs,
        args.rtt.as_millis()
    );
    println!(
        "- machine: nproc 2, load average (1/5/15 min) {load_before} at the start, {} at the end\n",
        load_average()
    );
    print_tables(&runs);
    ExitCode::SUCCESS
}
