//! `lab-servers`: the lab's real RDP servers on loopback, for trying the CLI and the page by hand
//! (run by `cargo xtask lab`).
//!
//! ```text
//! cargo run -p rdpcheck-labtests --bin lab-servers [-- --minutes N]
//! ```
//!
//! Starts xrdp (negotiate, tls, rdp), a FreeRDP shadow server (NLA, tls) and weston (tls) on free
//! 127.0.0.1 ports with the lab's self-signed certificate, prints where each listens and a probe
//! command for it, and keeps them running until Ctrl-C or for N minutes (default 30), then stops
//! them all. Not a test; nothing listens beyond loopback.

use std::process::ExitCode;
use std::time::{Duration, Instant};

use rdpcheck_labtests::process::{install_interrupt_guard, interrupted, kill_on_interrupt};
use rdpcheck_labtests::{SecurityLayer, Shadow, ShadowSec, TestCert, Weston, WestonSec, Xrdp};

const USAGE: &str = "usage: lab-servers [--minutes N]";
const DEFAULT_MINUTES: u64 = 30;

fn minutes() -> Result<u64, String> {
    let mut minutes = DEFAULT_MINUTES;
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--minutes" => {
                minutes = it
                    .next()
                    .and_then(|v| v.parse().ok())
                    .filter(|&n: &u64| (1..=24 * 60).contains(&n))
                    .ok_or(format!("--minutes needs a number from 1 to 1440\n{USAGE}"))?
            }
            "-h" | "--help" => return Err(USAGE.into()),
            other => return Err(format!("unknown argument {other:?}\n{USAGE}")),
        }
    }
    Ok(minutes)
}

fn main() -> ExitCode {
    let minutes = match minutes() {
        Ok(m) => m,
        Err(e) => {
            eprintln!("lab-servers: {e}");
            return ExitCode::from(2);
        }
    };
    if let Err(e) = install_interrupt_guard("lab-servers", "the lab servers") {
        eprintln!("lab-servers: {e}");
        return ExitCode::FAILURE;
    }
    let cert = TestCert::self_signed();
    let mut listening: Vec<(&str, u16)> = Vec::new();
    let xrdps: Vec<Xrdp> = [
        SecurityLayer::Negotiate,
        SecurityLayer::Tls,
        SecurityLayer::Rdp,
    ]
    .into_iter()
    .map(|layer| {
        let x = Xrdp::start(layer, &cert);
        kill_on_interrupt(x.pid());
        x
    })
    .collect();
    for (x, name) in xrdps.iter().zip(["xrdp negotiate", "xrdp tls", "xrdp rdp"]) {
        listening.push((name, x.port));
    }
    let shadows: Vec<Shadow> = [ShadowSec::Nla, ShadowSec::Tls]
        .into_iter()
        .map(|sec| {
            let s = Shadow::start_with_cert(sec, &cert);
            kill_on_interrupt(s.pid());
            s
        })
        .collect();
    for (s, name) in shadows.iter().zip(["shadow nla", "shadow tls"]) {
        listening.push((name, s.port));
    }
    let weston = Weston::start(WestonSec::Tls, &cert);
    kill_on_interrupt(weston.pid());
    listening.push(("weston tls", weston.port));
    println!("Lab servers on loopback (certificate: the lab's self-signed one):\n");
    for (name, port) in &listening {
        println!("  {name:<15} 127.0.0.1:{port:<6} cargo xtask cli probe 127.0.0.1:{port}");
    }
    println!("\nRunning for {minutes} minutes; Ctrl-C stops them sooner.");
    let end = Instant::now() + Duration::from_secs(minutes * 60);
    while Instant::now() < end && !interrupted() {
        std::thread::sleep(Duration::from_millis(200));
    }
    drop(weston);
    drop(shadows);
    drop(xrdps);
    eprintln!("lab-servers: stopped");
    ExitCode::SUCCESS
}
