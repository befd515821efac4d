//! `cargo xtask <task>`: the one entry point for developers and CI.
//!
//! - `test`: install missing system packages, then fmt, clippy, every test, the wasm build check.
//! - `run [ARGS…]`: build and run the `rdpcheck` CLI (e.g. `cargo xtask run probe HOST`).
//! - `bench probe`: rdpcheck against nmap on real loopback servers (see BENCHMARKS.md).

mod bench;
mod deps;
mod sh;

use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("test") => test(),
        Some("run") => run(&args[1..]),
        Some("bench") => bench::run(&args[1..]),
        _ => {
            eprintln!("usage: cargo xtask test | run [rdpcheck args…] | bench probe [--runs N]");
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("xtask: {e}");
            ExitCode::FAILURE
        }
    }
}

fn test() -> Result<(), String> {
    deps::ensure_apt(deps::LAB_PACKAGES)?;
    deps::ensure_wasm_target()?;
    sh::run("cargo", &["fmt", "--all", "--", "--check"])?;
    sh::run(
        "cargo",
        &[
            "clippy",
            "--workspace",
            "--all-targets",
            "--locked",
            "--",
            "-D",
            "warnings",
        ],
    )?;
    sh::run(
        "cargo",
        &[
            "build",
            "-p",
            "rdpcheck-kb",
            "--target",
            "wasm32-unknown-unknown",
            "--locked",
        ],
    )?;
    sh::run("cargo", &["test", "--workspace", "--locked"])
}

fn run(args: &[String]) -> Result<(), String> {
    let mut cmd = vec!["run", "--quiet", "--release", "-p", "rdpcheck-cli", "--"];
    if args.is_empty() {
        cmd.push("--help");
    }
    cmd.extend(args.iter().map(String::as_str));
    sh::run("cargo", &cmd)
}
