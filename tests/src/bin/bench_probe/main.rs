//! `bench-probe`: rdpcheck against nmap on real loopback servers (run by `cargo xtask bench probe`).
//!
//! ```text
//! cargo run --release -p rdpcheck-labtests --bin bench-probe -- --rdpcheck target/release/rdpcheck [--runs N]
//! ```
//!
//! Starts a FreeRDP shadow server with NLA, an xrdp negotiate and an xrdp tls server on free
//! loopback ports, then for each server times, interleaved, `rdpcheck probe HOST:PORT --json
//! --samples 0` (security layers + TLS certificate + NTLM identity: what nmap's two RDP scripts
//! learn) and `nmap -Pn -n --servicedb FILE --script rdp-enum-encryption,rdp-ntlm-info 127.0.0.1`
//! (peer-lab §2: the services file makes the scripts run on a non-3389 port). One warm-up run of
//! each is discarded; wall time per process is measured around `Command::output()`. Prints a
//! Markdown table and what each tool says about NLA and the NTLM identity. Not a test.
//!
//! Modules: `args` (command line), `servers` (the lab servers), `tools` (running rdpcheck and
//! nmap), `series` (timings), `cost` (connections and server CPU per check), `claims` (what
//! each tool says), `report` (the Markdown).

mod args;
mod claims;
mod cost;
mod report;
mod series;
mod servers;
mod tools;

use std::process::ExitCode;

use rdpcheck_labtests::machine::load_average;
use rdpcheck_labtests::process::{install_interrupt_guard, interrupted};

use crate::args::{parse_args, Args};
use crate::cost::{server_cpu_ms, Counter};
use crate::series::{Series, NMAP, RDPCHECK_DEFAULT, RDPCHECK_NO_SAMPLES};
use crate::servers::{start_servers, Target};
use crate::tools::{nmap_cmd, nmap_scripts_ran, rdpcheck_cmd, rdpcheck_ok, stdout, timed};

fn main() -> ExitCode {
    let args = match parse_args() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    if let Err(e) = install_interrupt_guard("bench-probe", "servers") {
        eprintln!("bench-probe: {e}; servers may outlive an interrupt");
    }
    let load_before = load_average();
    let scratch = tempfile::Builder::new()
        .prefix("rdpcheck-bench-")
        .tempdir()
        .expect("scratch dir");
    let targets = start_servers(scratch.path());
    let negotiate_port = targets
        .iter()
        .find(|t| t.name == "xrdp negotiate")
        .map(|t| t.port)
        .expect("xrdp negotiate server");

    if warm_up(&args, &targets, negotiate_port).is_err() {
        return ExitCode::from(130);
    }
    let Ok(series) = measure(&args, &targets, negotiate_port) else {
        return ExitCode::from(130);
    };
    if interrupted() {
        return ExitCode::from(130);
    }
    report::print(&args, &targets, &series, &load_before);
    drop(targets);
    ExitCode::SUCCESS
}

/// Returned when SIGINT/SIGTERM/SIGHUP stopped the bench.
struct Interrupted;

/// One discarded run of each tool on each server, and proof that nmap's scripts run on these
/// ports.
fn warm_up(args: &Args, targets: &[Target], negotiate_port: u16) -> Result<(), Interrupted> {
    for t in targets {
        let (out, _) = timed(&mut rdpcheck_cmd(args, t.port, Some(0)));
        if interrupted() {
            return Err(Interrupted);
        }
        assert!(
            rdpcheck_ok(&out),
            "rdpcheck warm-up against {} failed: {:?}\n{}\nserver log:\n{}",
            t.name,
            out.status,
            String::from_utf8_lossy(&out.stderr),
            t.server.logs()
        );
        let (out, _) = timed(&mut nmap_cmd(args, &t.servicedb));
        if interrupted() {
            return Err(Interrupted);
        }
        assert!(
            nmap_scripts_ran(&out),
            "nmap's RDP scripts did not run against {} ({:?}); output:\n{}\n{}\nserver log:\n{}",
            t.name,
            out.status,
            stdout(&out),
            String::from_utf8_lossy(&out.stderr),
            t.server.logs()
        );
    }
    let _ = timed(&mut rdpcheck_cmd(args, negotiate_port, None));
    Ok(())
}

/// `args.runs` rounds, each running both tools on every server and rdpcheck with its default
/// samples on the xrdp negotiate server. Series order: per server rdpcheck then nmap, then the
/// default-samples series.
fn measure(
    args: &Args,
    targets: &[Target],
    negotiate_port: u16,
) -> Result<Vec<Series>, Interrupted> {
    let mut series: Vec<Series> = Vec::new();
    for t in targets {
        series.push(Series::new(t.name, RDPCHECK_NO_SAMPLES));
        series.push(Series::new(t.name, NMAP));
    }
    series.push(Series::new("xrdp negotiate", RDPCHECK_DEFAULT));

    // One counted run of each tool per server, through a forwarder, outside the timed runs.
    for (k, t) in targets.iter().enumerate() {
        let counter = Counter::start(t.port);
        let _ = timed(&mut rdpcheck_cmd(args, counter.port, Some(0)));
        series[2 * k].connections = Some(counter.count());
        let servicedb = t.servicedb.with_extension("counted");
        std::fs::write(
            &servicedb,
            format!("ms-wbt-server\t{}/tcp\t0.5\n", counter.port),
        )
        .expect("write nmap services file");
        let before = counter.count();
        let _ = timed(&mut nmap_cmd(args, &servicedb));
        series[2 * k + 1].connections = Some(counter.count() - before);
    }

    eprintln!("measuring {} runs per tool and server …", args.runs);
    for i in 0..args.runs {
        if interrupted() {
            return Err(Interrupted);
        }
        for (k, t) in targets.iter().enumerate() {
            let cpu = || server_cpu_ms(t.server.pid()).unwrap_or(f64::NAN);
            let before = cpu();
            let (out, took) = timed(&mut rdpcheck_cmd(args, t.port, Some(0)));
            let ok = rdpcheck_ok(&out);
            series[2 * k].record(out, took, ok);
            let between = cpu();
            series[2 * k].server_cpu_ms.push(between - before);
            let (out, took) = timed(&mut nmap_cmd(args, &t.servicedb));
            let ok = nmap_scripts_ran(&out);
            series[2 * k + 1].record(out, took, ok);
            series[2 * k + 1].server_cpu_ms.push(cpu() - between);
        }
        let (out, took) = timed(&mut rdpcheck_cmd(args, negotiate_port, None));
        let ok = rdpcheck_ok(&out);
        let last = series.len() - 1;
        series[last].record(out, took, ok);
        eprintln!("  run {}/{} done", i + 1, args.runs);
    }
    Ok(series)
}
