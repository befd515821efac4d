//! The Markdown report on stdout: how the figures were taken, then one table of measures
//! against the goals.

use std::collections::BTreeMap;

use rdpcheck_labtests::machine::{load_average, shell_line};

use crate::args::Args;
use crate::idle::{IdleResult, OPEN_IN_FLIGHT};
use crate::probes::ProbeResult;

/// Goals from the issue.
const GOAL_IDLE_SESSIONS: usize = 10_000;
const GOAL_KIB_PER_IDLE: f64 = 64.0;
const GOAL_PROBES_PER_S: f64 = 1_000.0;

/// What `main` read before the runs.
pub struct Start {
    /// This process's open-files limit after raising it.
    pub own_nofile: u64,
    pub load_before: String,
    pub date: String,
}

pub fn print(args: &Args, start: &Start, idle: &IdleResult, probes: &ProbeResult) {
    let cores = shell_line("nproc", &[]);
    print_header(args, start, idle, probes, &cores);
    print_table(idle, probes, &cores);
}

fn print_header(args: &Args, start: &Start, idle: &IdleResult, probes: &ProbeResult, cores: &str) {
    let Start {
        own_nofile,
        load_before,
        date,
    } = start;
    let command_line = std::env::args().skip(1).collect::<Vec<_>>().join(" ");
    println!("## Relay (cargo xtask bench relay)\n");
    println!("- command: `cargo run --release -p rdpcheck-labtests --bin bench-relay -- {command_line}` (what `cargo xtask bench relay` runs)");
    println!("- date: {date}");
    println!(
        "- machine: nproc {cores}, kernel {}; load average (1/5/15 min) {load_before} at the start, {} at the end",
        shell_line("uname", &["-r"]),
        load_average()
    );
    println!(
        "- relay: {}; open files limit: relay {}, bench {own_nofile}",
        shell_line(&args.relay.to_string_lossy(), &["--version"]),
        idle.relay_nofile
    );
    println!(
        "- idle: {} WebSockets to `/api/v1/probe` that send nothing (`[limits] request_timeout_s = 60`), {OPEN_IN_FLIGHT} handshakes in flight; VmRSS of the relay from /proc before and after",
        idle.requested
    );
    println!(
        "- probes: `{}` against the in-process fault server (CloseAfterRequest: reads the X.224 request, closes) through a relay with `--allow 127.0.0.0/8 --allow-port PORT` and limits too high to matter; {} client loops (connect, request, read to the report and the close) for {} s after a 1 s warm-up",
        probes.request,
        args.concurrency,
        args.duration.as_secs()
    );
    println!(
        "- note: the WebSocket clients and the fault server run in the bench process and compete with the relay for the same {cores} cores"
    );
    println!();
}

fn print_table(idle: &IdleResult, probes: &ProbeResult, cores: &str) {
    println!("| measure | figure | goal | |");
    println!("|---|---:|---|---|");
    let idle_ok = idle.opened >= GOAL_IDLE_SESSIONS.min(idle.requested) && idle.errors.is_empty();
    println!(
        "| idle sessions open | {} of {} (relay gauge {}), errors: {} | {GOAL_IDLE_SESSIONS} | {} |",
        idle.opened,
        idle.requested,
        idle.sessions_open
            .map_or("unknown".to_string(), |v| v.to_string()),
        count_errors(&idle.errors),
        if idle.requested < GOAL_IDLE_SESSIONS {
            "fewer than the goal asked".to_string()
        } else {
            met(idle_ok).to_string()
        }
    );
    println!(
        "| time to open them | {:.2} s ({:.0} handshakes/s) | | |",
        idle.open_s,
        idle.opened as f64 / idle.open_s
    );
    println!(
        "| relay VmRSS: start → all open → all closed | {:.1} → {:.1} → {:.1} MiB (gauge after close: {}) | | |",
        idle.rss_before_kib as f64 / 1024.0,
        idle.rss_open_kib as f64 / 1024.0,
        idle.rss_closed_kib as f64 / 1024.0,
        idle.sessions_closed
            .map_or("unknown".to_string(), |v| v.to_string())
    );
    let kib = idle.kib_per_session();
    println!(
        "| memory per idle session | {kib:.1} KiB | ≤ {GOAL_KIB_PER_IDLE:.0} KiB | {} |",
        met(kib <= GOAL_KIB_PER_IDLE)
    );
    let per_s = probes.per_s();
    let probes_verdict = if per_s >= GOAL_PROBES_PER_S {
        met(true).to_string()
    } else {
        format!(
            "{} ({:.0} % of the goal)",
            met(false),
            per_s / GOAL_PROBES_PER_S * 100.0
        )
    };
    println!(
        "| probes per second (TCP + X.224 through the relay) | {per_s:.0} ({} reports in {:.2} s) | ≥ {GOAL_PROBES_PER_S:.0} | {probes_verdict} |",
        probes.completed, probes.wall_s
    );
    println!("| errors | {} | none | |", count_errors(&probes.errors));
    println!(
        "| time to report p50 / p99 / max | {:.1} / {:.1} / {:.1} ms | | |",
        percentile(&probes.report_ms, 50.0),
        percentile(&probes.report_ms, 99.0),
        probes.report_ms.last().copied().unwrap_or(f64::NAN)
    );
    println!(
        "| whole session (to the end of the close) p50 / p99 | {:.1} / {:.1} ms | | |",
        percentile(&probes.session_ms, 50.0),
        percentile(&probes.session_ms, 99.0)
    );
    let n = probes.completed.max(1) as f64;
    println!(
        "| CPU during the run: relay / bench (clients + fault server) | {:.2} s / {:.2} s of {:.2} s available ({:.0} / {:.0} µs per probe) | | |",
        probes.relay_cpu_s,
        probes.bench_cpu_s,
        probes.wall_s * cores.parse::<f64>().unwrap_or(1.0),
        probes.relay_cpu_s / n * 1e6,
        probes.bench_cpu_s / n * 1e6
    );
    println!(
        "| fault-server connections during the run | {} | | |",
        probes.accepted
    );
    println!(
        "| one probe | {} messages; stages: {}; report {} bytes | | |",
        probes.messages, probes.stages, probes.report_bytes
    );
    println!(
        "| Ed25519 signing per report (full + redacted copy, measured in the bench) | {:.1} µs | | |",
        probes.sign_us
    );
    println!(
        "| relay VmRSS after the run | {:.1} MiB | | |",
        probes.relay_rss_kib as f64 / 1024.0
    );
}

fn met(ok: bool) -> &'static str {
    if ok {
        "**met**"
    } else {
        "**not met**"
    }
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let rank = (p / 100.0 * (sorted.len() - 1) as f64).round() as usize;
    sorted[rank.min(sorted.len() - 1)]
}

fn count_errors(errors: &BTreeMap<String, usize>) -> String {
    if errors.is_empty() {
        return "none".into();
    }
    errors
        .iter()
        .map(|(k, v)| format!("{k} × {v}"))
        .collect::<Vec<_>>()
        .join(", ")
}
