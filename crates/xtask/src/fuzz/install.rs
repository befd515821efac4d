//! cargo-fuzz and what it needs (a C++ compiler for libFuzzer, nightly flags on stable through
//! `RUSTC_BOOTSTRAP=1`), then every target built.

use std::process::Command;

use super::Fuzz;
use crate::sh;

/// The cargo-fuzz a fresh machine gets.
pub const CARGO_FUZZ_VERSION: &str = "0.13.2";

impl Fuzz {
    /// cargo-fuzz installed, every target built.
    pub(super) fn prepare(&self) -> Result<(), String> {
        // libfuzzer-sys compiles libFuzzer, which is C++.
        if !sh::have("c++") {
            crate::deps::ensure_apt(&[("g++", "/usr/bin/g++")])?;
        }
        ensure_cargo_fuzz()?;
        sh::run_in(
            &self.root,
            "cargo",
            &["fuzz", "build", "--fuzz-dir", "fuzz"],
            &bootstrap(),
        )
    }
}

fn bootstrap() -> [(&'static str, String); 1] {
    [("RUSTC_BOOTSTRAP", "1".to_string())]
}

/// The host triple rustc builds for: cargo-fuzz's default `--target`.
pub(super) fn host_triple() -> Result<String, String> {
    let out = Command::new("rustc")
        .arg("-vV")
        .output()
        .map_err(|e| format!("cannot run rustc -vV: {e}"))?;
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .find_map(|l| l.strip_prefix("host: "))
        .map(str::to_string)
        .ok_or_else(|| "rustc -vV names no host triple".to_string())
}

/// `cargo fuzz` on PATH: kept when present (whatever its version), else [`CARGO_FUZZ_VERSION`]
/// installed with `--locked` and, if that fails, without.
fn ensure_cargo_fuzz() -> Result<(), String> {
    let installed = Command::new("cargo")
        .args(["fuzz", "--version"])
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string());
    if let Some(version) = installed {
        if !version.ends_with(CARGO_FUZZ_VERSION) {
            eprintln!("xtask: using {version} (CI installs {CARGO_FUZZ_VERSION})");
        }
        return Ok(());
    }
    eprintln!("xtask: installing cargo-fuzz {CARGO_FUZZ_VERSION}");
    let install = |locked: bool| {
        let mut args = vec!["install", "cargo-fuzz", "--version", CARGO_FUZZ_VERSION];
        if locked {
            args.push("--locked");
        }
        sh::run("cargo", &args)
    };
    install(true).or_else(|e| {
        eprintln!("xtask: {e}; retrying without --locked");
        install(false)
    })
}
