//! `bench-relay`: the relay's memory per idle session and its probes per second, on loopback
//! (run by `cargo xtask bench relay`).
//!
//! ```text
//! cargo run --release -p rdpcheck-labtests --bin bench-relay -- --relay target/release/rdpcheck-relay \
//!     [--idle N] [--concurrency C] [--duration S]
//! ```
//!
//! 1. Idle sessions: starts the relay (`[limits] request_timeout_s = 60`, a temp key file, a free
//!    loopback port, `ulimit -n 65536`), opens N WebSockets to `/api/v1/probe` that send nothing,
//!    and reads the relay's VmRSS before and after (goal: 10 000 idle sessions at ≤ 64 KiB each).
//! 2. Probes per second: a second relay with `--allow 127.0.0.0/8 --allow-port PORT` and limits
//!    too high to matter probes the harness's fault server in `CloseAfterRequest` mode: dns
//!    (literal IP) → tcp → x224 (closed), then a signed report — the TCP + X.224 stages through the
//!    whole relay path. C client loops (connect, request, read to the report and the close) run for
//!    S seconds (goal: ≥ 1 000 probes/s). The fault server and the clients run in this process and
//!    share the machine's cores with the relay.
//!
//! Prints a Markdown table. Not a test. Every relay is killed on every exit path (drop, panic
//! unwinding, SIGINT/SIGTERM/SIGHUP).
//!
//! Modules: `args` (command line), `relay` (the relay process), `procfs` (/proc readings),
//! `idle` (1.), `session` and `probes` (2.), `report` (the Markdown).

mod args;
mod idle;
mod probes;
mod procfs;
mod relay;
mod report;
mod session;

use std::process::ExitCode;
use std::time::Duration;

use rdpcheck_labtests::machine::{load_average, shell_line, utc_now};
use rdpcheck_labtests::process::{install_interrupt_guard, interrupted};

use crate::args::parse_args;
use crate::idle::bench_idle;
use crate::probes::bench_probes;
use crate::procfs::raise_own_nofile;
use crate::report::Start;

/// Any single network step.
const STEP: Duration = Duration::from_secs(10);
/// The file-descriptor limit asked for, for the relay and for this process.
const NOFILE: u64 = 65_536;

#[tokio::main]
async fn main() -> ExitCode {
    let args = match parse_args() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    if let Err(e) = install_interrupt_guard("bench-relay", "relay") {
        eprintln!("bench-relay: {e}; a relay may outlive an interrupt");
    }
    let own_nofile = raise_own_nofile(NOFILE);
    if (own_nofile as usize) < args.idle + 256 {
        eprintln!(
            "bench-relay: this process may open only {own_nofile} files; {} idle sessions need more",
            args.idle
        );
    }
    let ticks_per_s = shell_line("getconf", &["CLK_TCK"])
        .parse::<f64>()
        .unwrap_or(100.0);
    let load_before = load_average();
    let date = utc_now();

    let idle = match bench_idle(&args).await {
        Ok(r) => r,
        Err(_) if interrupted() => return ExitCode::from(130),
        Err(e) => {
            eprintln!("bench-relay: idle sessions: {e}");
            return ExitCode::FAILURE;
        }
    };
    if interrupted() {
        return ExitCode::from(130);
    }
    // Let the closed sockets' TIME_WAIT entries and the first relay's exit settle.
    tokio::time::sleep(Duration::from_secs(1)).await;
    let probes = match bench_probes(&args, ticks_per_s).await {
        Ok(r) => r,
        Err(_) if interrupted() => return ExitCode::from(130),
        Err(e) => {
            eprintln!("bench-relay: probes per second: {e}");
            return ExitCode::FAILURE;
        }
    };
    if interrupted() {
        return ExitCode::from(130);
    }

    let start = Start {
        own_nofile,
        load_before,
        date,
    };
    report::print(&args, &start, &idle, &probes);
    ExitCode::SUCCESS
}
