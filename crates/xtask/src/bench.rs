//! `cargo xtask bench probe`: rdpcheck against nmap on real loopback servers. `cargo xtask bench
//! relay`: the relay's memory per idle session and probes per second on loopback. `cargo xtask
//! bench page`: the bytes a browser receives loading the page from the relay (HTTP and HTTPS) and
//! the time to interactive. `cargo xtask bench abuse`: what the relay holds against idle,
//! half-request, malformed and stalled clients (with its memory and /healthz for another client).
//! `cargo xtask bench network`: a default check's stages in round trips of a slow link, in the
//! network lab's namespaces (needs root).
//! Not tests: they print figures to record in BENCHMARKS.md with the command that made them.

use crate::{deps, sh, web};

pub const USAGE: &str = "usage: cargo xtask bench probe [--runs N] | bench relay [--idle N] [--concurrency C] [--duration S] | bench page [--runs N] | bench abuse [--count N] [--clients K] [--stalled M] | bench network [--runs N] [--rtt MS]";

pub fn run(args: &[String]) -> Result<(), String> {
    let rest = args.get(1..).unwrap_or_default();
    match args.first().map(String::as_str) {
        Some("probe") => {
            deps::ensure_apt(deps::LAB_PACKAGES)?;
            deps::ensure_apt(&[("nmap", "/usr/bin/nmap")])?;
            if !sh::have("nmap") {
                return Err("nmap is not on PATH after installing it".into());
            }
            bench(
                "rdpcheck-cli",
                "bench-probe",
                "--rdpcheck",
                "target/release/rdpcheck",
                rest,
            )
        }
        Some("relay") => bench(
            "rdpcheck-relay",
            "bench-relay",
            "--relay",
            "target/release/rdpcheck-relay",
            rest,
        ),
        Some("page") => {
            // Built the way `cargo xtask run` builds them: the page first, then the relay
            // (release) that embeds it and its compressed copies.
            web::ensure_toolchain()?;
            web::build_page()?;
            bench(
                "rdpcheck-relay",
                "bench-page",
                "--relay",
                "target/release/rdpcheck-relay",
                rest,
            )
        }
        Some("abuse") => {
            // The stalled readers probe a real xrdp.
            deps::ensure_apt(deps::LAB_PACKAGES)?;
            bench(
                "rdpcheck-relay",
                "bench-abuse",
                "--relay",
                "target/release/rdpcheck-relay",
                rest,
            )
        }
        Some("network") => {
            // xrdp and the shadow server in the lab's server namespace; the forwarder between.
            deps::ensure_apt(deps::LAB_PACKAGES)?;
            sh::run(
                "cargo",
                &[
                    "build",
                    "--release",
                    "-p",
                    "rdpcheck-labtests",
                    "--bin",
                    "impair-forwarder",
                ],
            )?;
            bench(
                "rdpcheck-cli",
                "bench-network",
                "--rdpcheck",
                "target/release/rdpcheck",
                rest,
            )
        }
        _ => Err(USAGE.into()),
    }
}

/// Build `package` in release (the figures are about it, not debug assertions), then run the
/// benchmark binary `bin` of the lab crate pointed at it.
fn bench(
    package: &str,
    bin: &str,
    flag: &str,
    binary: &str,
    rest: &[String],
) -> Result<(), String> {
    sh::run("cargo", &["build", "--release", "-p", package])?;
    let mut cmd = vec![
        "run",
        "--release",
        "-p",
        "rdpcheck-labtests",
        "--bin",
        bin,
        "--",
        flag,
        binary,
    ];
    cmd.extend(rest.iter().map(String::as_str));
    sh::run("cargo", &cmd)
}
