//! `cargo xtask bench probe`: rdpcheck against nmap on real loopback servers. `cargo xtask bench
//! relay`: the relay's memory per idle session and probes per second on loopback. Not tests: they
//! print figures to record in BENCHMARKS.md with the command that made them.

use crate::{deps, sh};

pub fn run(args: &[String]) -> Result<(), String> {
    match args.first().map(String::as_str) {
        Some("probe") => {
            deps::ensure_apt(deps::LAB_PACKAGES)?;
            deps::ensure_apt(&[("nmap", "/usr/bin/nmap")])?;
            if !sh::have("nmap") {
                return Err("nmap is not on PATH after installing it".into());
            }
            // Release builds: the figures are about the engine, not debug assertions.
            sh::run("cargo", &["build", "--release", "-p", "rdpcheck-cli"])?;
            let mut cmd = vec![
                "run",
                "--release",
                "-p",
                "rdpcheck-labtests",
                "--bin",
                "bench-probe",
                "--",
                "--rdpcheck",
                "target/release/rdpcheck",
            ];
            cmd.extend(args[1..].iter().map(String::as_str));
            sh::run("cargo", &cmd)
        }
        Some("relay") => {
            // Release builds: the figures are about the relay, not debug assertions.
            sh::run("cargo", &["build", "--release", "-p", "rdpcheck-relay"])?;
            let mut cmd = vec![
                "run",
                "--release",
                "-p",
                "rdpcheck-labtests",
                "--bin",
                "bench-relay",
                "--",
                "--relay",
                "target/release/rdpcheck-relay",
            ];
            cmd.extend(args[1..].iter().map(String::as_str));
            sh::run("cargo", &cmd)
        }
        _ => Err("usage: cargo xtask bench probe [--runs N] | bench relay [--idle N] [--concurrency C] [--duration S]".into()),
    }
}
