//! `bench-abuse`: what the relay holds against abusive clients, on loopback (run by `cargo xtask
//! bench abuse`).
//!
//! ```text
//! cargo run --release -p rdpcheck-labtests --bin bench-abuse -- --relay target/release/rdpcheck-relay \
//!     [--count N] [--clients K] [--stalled M]
//! ```
//!
//! One relay with its default limits (plus `--allow 127.0.0.0/8` and the lab ports) meets, one
//! scenario after another: N idle TCP connections from one address, N from K addresses, N half
//! request heads from K addresses, N malformed clients (garbage, a TLS hello on the plain port,
//! a 100 KiB header, a bad chunked body, WebSocket frames with a reserved opcode or a 1 GiB
//! length), and M stalled WebSocket readers (one address each, tiny receive buffers) probing a
//! real xrdp whose certificate makes the session's messages large. Attackers use 127.x.y.z
//! source addresses other than 127.0.0.1; an innocent client on 127.0.0.1 asks /healthz every
//! 50 ms throughout. For each scenario: how many connections the relay held, turned away at
//! once, closed later (and when), left open; /healthz latency and failures; the relay's VmRSS
//! before, at its peak and after. Prints Markdown. Not a test; the relay and xrdp are stopped on
//! every exit path (drop, SIGINT/SIGTERM/SIGHUP).

mod relay;
mod scenarios;

use std::path::PathBuf;
use std::process::ExitCode;

use nix::sys::resource::{getrlimit, setrlimit, Resource};
use rdpcheck_labtests::process::free_port;
use rdpcheck_labtests::{SecurityLayer, TestCert, Xrdp};

use relay::{interrupted, percentile, Relay};
use scenarios::Outcome;

const USAGE: &str = "usage: bench-abuse --relay PATH [--count N] [--clients K] [--stalled M]";

struct Args {
    relay: PathBuf,
    count: usize,
    clients: usize,
    stalled: usize,
}

fn parse_args() -> Result<Args, String> {
    let mut args = Args {
        relay: PathBuf::new(),
        count: 1000,
        clients: 100,
        stalled: 100,
    };
    let mut relay = None;
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        let mut number = |name: &str| -> Result<usize, String> {
            let v = it.next().ok_or(format!("{name} needs a value\n{USAGE}"))?;
            match v.parse::<usize>() {
                Ok(n) if (1..=20_000).contains(&n) => Ok(n),
                _ => Err(format!(
                    "{name}: {v:?} is not a number from 1 to 20000\n{USAGE}"
                )),
            }
        };
        match arg.as_str() {
            "--relay" => relay = it.next().map(PathBuf::from),
            "--count" => args.count = number("--count")?,
            "--clients" => args.clients = number("--clients")?.min(60_000),
            "--stalled" => args.stalled = number("--stalled")?,
            "-h" | "--help" => return Err(USAGE.into()),
            other => return Err(format!("unknown argument {other:?}\n{USAGE}")),
        }
    }
    args.relay = relay.ok_or(format!("--relay is required\n{USAGE}"))?;
    if !args.relay.is_file() {
        return Err(format!(
            "{} is not a file: build it first (cargo build --release -p rdpcheck-relay)",
            args.relay.display()
        ));
    }
    Ok(args)
}

/// This process holds every attacking connection: raise its own open-file limit.
fn raise_own_nofile() -> u64 {
    let Ok((soft, hard)) = getrlimit(Resource::RLIMIT_NOFILE) else {
        return 0;
    };
    if soft < hard {
        let _ = setrlimit(Resource::RLIMIT_NOFILE, hard, hard);
    }
    getrlimit(Resource::RLIMIT_NOFILE).map_or(soft, |(s, _)| s)
}

fn shell_line(program: &str, args: &[&str]) -> String {
    std::process::Command::new(program)
        .args(args)
        .output()
        .ok()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .unwrap_or_else(|| "unknown".into())
}

fn mib(kib: u64) -> f64 {
    kib as f64 / 1024.0
}

fn row(o: &Outcome) -> String {
    let closed = if let Some(text) = &o.closed_text {
        text.clone()
    } else if o.closed_at.is_empty() {
        "–".to_string()
    } else {
        let s: Vec<f64> = o.closed_at.iter().map(|d| d.as_secs_f64()).collect();
        format!(
            "{} (p50 {:.1} s, max {:.1} s)",
            s.len(),
            percentile(&s, 50.0),
            s.last().copied().unwrap_or(f64::NAN)
        )
    };
    let h = &o.health;
    format!(
        "| {} | {} | {} | {} | {} | {} | {} answered, {} failed; {:.1} / {:.1} / {:.1} ms | {:.1} → {:.1} → {:.1} |",
        o.name,
        o.setup,
        o.held,
        o.turned_away,
        closed,
        o.left_open,
        h.ms.len(),
        h.failures,
        percentile(&h.ms, 50.0),
        percentile(&h.ms, 99.0),
        h.ms.last().copied().unwrap_or(f64::NAN),
        mib(o.rss_before),
        mib(o.rss_peak),
        mib(o.rss_after),
    )
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = match parse_args() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    if let Err(e) = relay::install_signal_guard() {
        eprintln!("bench-abuse: {e}; a relay may outlive an interrupt");
    }
    let own_nofile = raise_own_nofile();
    let date = shell_line("date", &["-u", "+%Y-%m-%dT%H:%M:%SZ"]);
    let load_before = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();

    eprintln!("bench-abuse: starting xrdp with a 1 500-name certificate …");
    let xrdp = Xrdp::start(
        SecurityLayer::Negotiate,
        &TestCert::self_signed_with_names(1500),
    );
    let closed_port = free_port();
    let extra: Vec<String> = [
        "--allow",
        "127.0.0.0/8",
        "--allow-port",
        &xrdp.port.to_string(),
        "--allow-port",
        &closed_port.to_string(),
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    let relay = match Relay::start(&args.relay, "", &extra).await {
        Ok(r) => r,
        Err(e) => {
            eprintln!("bench-abuse: {e}");
            return ExitCode::FAILURE;
        }
    };
    let rss_start = relay.rss_kib();
    let mut outcomes = Vec::new();
    let target = format!("127.0.0.1:{}", xrdp.port);
    for step in 0..5 {
        if interrupted() {
            return ExitCode::from(130);
        }
        let o = match step {
            0 => {
                eprintln!(
                    "bench-abuse: {} idle connections from one address …",
                    args.count
                );
                scenarios::idle(&relay, args.count, 1).await
            }
            1 => {
                eprintln!(
                    "bench-abuse: {} idle connections from {} addresses …",
                    args.count, args.clients
                );
                scenarios::idle(&relay, args.count, args.clients).await
            }
            2 => {
                eprintln!("bench-abuse: {} half requests …", args.count);
                scenarios::half_requests(&relay, args.count, args.clients).await
            }
            3 => {
                eprintln!("bench-abuse: {} malformed clients …", args.count);
                scenarios::malformed_clients(&relay, args.count, args.clients).await
            }
            _ => {
                eprintln!("bench-abuse: {} stalled WebSocket readers …", args.stalled);
                scenarios::stalled_readers(&relay, args.stalled, &target, closed_port).await
            }
        };
        outcomes.push(o);
    }
    if interrupted() {
        return ExitCode::from(130);
    }
    let counters = [
        "rdpcheck_connections_refused_total{reason=\"per_client\"}",
        "rdpcheck_connections_refused_total{reason=\"total\"}",
        "rdpcheck_connections_timed_out_total{reason=\"header_timeout\"}",
        "rdpcheck_connections_timed_out_total{reason=\"idle_timeout\"}",
        "rdpcheck_write_timeouts_total",
        "rdpcheck_accept_errors_total",
        "rdpcheck_refusals_total{reason=\"limit.busy\"}",
        "rdpcheck_refusals_total{reason=\"limit.rate\"}",
        "rdpcheck_connections",
        "rdpcheck_sessions",
    ];
    let mut figures = Vec::new();
    for c in counters {
        figures.push((c, relay.metric(c).await));
    }
    let rss_end = relay.rss_kib();
    let nofile = relay.nofile();
    let alive = relay.metric("rdpcheck_sessions").await.is_finite();
    let log_lines = relay.output().lines().count();
    drop(relay);
    drop(xrdp);

    let command_line = std::env::args().skip(1).collect::<Vec<_>>().join(" ");
    println!("## Abuse (cargo xtask bench abuse)\n");
    println!("- command: `cargo run --release -p rdpcheck-labtests --bin bench-abuse -- {command_line}` (what `cargo xtask bench abuse` runs)");
    println!("- date: {date}");
    println!(
        "- machine: nproc {}, kernel {}; load average {} at the start",
        shell_line("nproc", &[]),
        shell_line("uname", &["-r"]),
        load_before
            .split_whitespace()
            .take(3)
            .collect::<Vec<_>>()
            .join(" ")
    );
    println!(
        "- relay: {}, default limits (header 10 s, idle 30 s, write 10 s, 64 connections per client, 4096 in all, 32 probes, 4 per client, 20 a minute per target); open files (soft / hard): relay {nofile}, bench {own_nofile}",
        shell_line(&args.relay.to_string_lossy(), &["--version"]),
    );
    println!("- attackers: 127.x.y.z source addresses; the innocent client (127.0.0.1) asks /healthz every 50 ms during each scenario; \"held\" = still open 1 s after the start, \"turned away\" = closed by the relay within 1 s");
    println!();
    println!("| scenario | what the clients did | held | turned away at once | closed later by the relay (after the start) | left open after 30 s | /healthz for another client: p50 / p99 / max | relay VmRSS before → peak → after (MiB) |");
    println!("|---|---|---:|---:|---|---:|---|---|");
    for o in &outcomes {
        println!("{}", row(o));
    }
    println!();
    for o in &outcomes {
        let answers = o
            .answers
            .iter()
            .map(|(k, v)| format!("{k} × {v}"))
            .collect::<Vec<_>>()
            .join(", ");
        let note = if o.note.is_empty() {
            String::new()
        } else {
            format!("; {}", o.note)
        };
        println!(
            "- {}: {} connection errors; how they ended: {answers}{note}",
            o.name, o.connect_errors
        );
    }
    println!();
    println!(
        "Relay afterwards: VmRSS {:.1} MiB at the start, {:.1} MiB at the end; {}; {log_lines} log lines (RUST_LOG=warn).",
        mib(rss_start),
        mib(rss_end),
        if alive { "still answering" } else { "NOT answering" }
    );
    println!();
    println!("| relay counter | value |");
    println!("|---|---:|");
    for (c, v) in figures {
        println!("| `{c}` | {v} |");
    }
    ExitCode::SUCCESS
}
