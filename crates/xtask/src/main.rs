//! `cargo xtask <task>`: the one entry point for developers and CI.
//!
//! - `test`: install what is missing, then fmt, the dependency rules, clippy, every test
//!   (native, real servers, relay), the Windows build under Wine (wine.rs), a short fuzz run
//!   (5 s per target), the browser tests.
//! - `check-deps`: the dependency rules of ARCHITECTURE.md (pure crates reach no I/O).
//! - `dist`: the downloadable CLI in target/dist/ — static Linux (musl) and Windows `.exe` —
//!   with SHA256SUMS (dist.rs); the static relay with the page and its Debian package (deb.rs);
//!   `dist relay`: only those two. With RDPCHECK_WEB_DIST set, that page is embedded as built.
//! - `package-test [DEB]`: install the relay's package here and check it (pkgtest.rs; root).
//! - `oci-test [TAR]`: run the relay's OCI image under runc and check it (ocitest.rs; root).
//! - `run [relay flags…]`: build the page and start the relay with it on 127.0.0.1:8080.
//! - `cli [rdpcheck args…]`: build and run the `rdpcheck` CLI.
//! - `bench probe`: rdpcheck against nmap on real loopback servers (see BENCHMARKS.md).
//! - `bench relay`: the relay's memory per idle session and probes per second (see BENCHMARKS.md).
//! - `bench page`: bytes a browser receives loading the page from the relay over HTTP and HTTPS,
//!   and its time to interactive (see BENCHMARKS.md).
//! - `bench network`: a default check's stages in round trips of a 100 ms link, in the network
//!   lab's namespaces (see BENCHMARKS.md).
//! - `fuzz [--time SECS] [--jobs N] [TARGET…] | --seed | --merge | --short | --list`: the
//!   cargo-fuzz targets over the corpus kept in fuzz/corpus/ (see fuzz/README.md).

mod bench;
mod check_deps;
mod deb;
mod deps;
mod dist;
mod fuzz;
mod oci;
mod ocitest;
mod pkgtest;
mod sh;
mod web;
mod wine;

use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("test") => test(),
        Some("check-deps") => check_deps::run(&web::root()),
        Some("run") => run(&args[1..]),
        Some("cli") => cli(&args[1..]),
        Some("lab") => lab(&args[1..]),
        Some("bench") => bench::run(&args[1..]),
        Some("fuzz") => fuzz::run(&args[1..]),
        Some("dist") => dist::run(&args[1..]),
        Some("package-test") => pkgtest::run(&args[1..]),
        Some("oci-test") => ocitest::run(&args[1..]),
        _ => {
            eprintln!(
                "usage: cargo xtask test | check-deps | dist [relay] | package-test [DEB] | oci-test [TAR] | run [relay flags…] | cli [rdpcheck args…] | lab [--minutes N] | fuzz [--time SECS] [--jobs N] [TARGET…] | fuzz --seed | --merge | --short | --list | {}",
                bench::USAGE.trim_start_matches("usage: cargo xtask ")
            );
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
    web::ensure_toolchain()?;
    sh::run("cargo", &["fmt", "--all", "--", "--check"])?;
    check_deps::run(&web::root())?;
    // The relay embeds web/dist when it is built: build the page before anything builds the relay.
    web::build_page()?;
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
    // The page's wasm crates: the shell, its report and knowledge-base modules, the fallback
    // verifier.
    for package in [
        "rdpcheck-web",
        "rdpcheck-web-report",
        "rdpcheck-web-kb",
        "rdpcheck-web-verify",
    ] {
        sh::run(
            "cargo",
            &[
                "clippy",
                "-p",
                package,
                "--target",
                "wasm32-unknown-unknown",
                "--locked",
                "--",
                "-D",
                "warnings",
            ],
        )?;
    }
    dist::clippy_windows()?;
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
    sh::run("cargo", &["test", "--workspace", "--locked"])?;
    wine::test()?;
    // Every fuzz target builds and survives a few seconds over the repository's corpus.
    fuzz::short_run()?;
    web::browser_tests()?;
    // The relay's release artefacts as shipped: the static relay and its Debian package, built,
    // installed with dpkg, started as its unit says, and removed again.
    dist::run(&["relay".to_string()])?;
    pkgtest::run(&[])?;
    ocitest::run(&[])
}

fn run(args: &[String]) -> Result<(), String> {
    web::ensure_toolchain()?;
    web::build_page()?;
    let mut cmd = vec!["run", "--quiet", "--release", "-p", "rdpcheck-relay", "--"];
    cmd.extend(args.iter().map(String::as_str));
    sh::run("cargo", &cmd)
}

/// `cargo xtask lab [--minutes N]`: the lab's real servers on loopback, to try the CLI by hand.
fn lab(args: &[String]) -> Result<(), String> {
    deps::ensure_apt(deps::LAB_PACKAGES)?;
    let mut cmd = vec![
        "run",
        "--quiet",
        "-p",
        "rdpcheck-labtests",
        "--bin",
        "lab-servers",
        "--",
    ];
    cmd.extend(args.iter().map(String::as_str));
    sh::run("cargo", &cmd)
}

fn cli(args: &[String]) -> Result<(), String> {
    let mut cmd = vec!["run", "--quiet", "--release", "-p", "rdpcheck-cli", "--"];
    if args.is_empty() {
        cmd.push("--help");
    }
    cmd.extend(args.iter().map(String::as_str));
    sh::run("cargo", &cmd)
}
