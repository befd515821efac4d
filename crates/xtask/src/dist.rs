//! `cargo xtask dist`: the downloadable `rdpcheck`, one file per system, in `target/dist/`:
//! `rdpcheck-linux-x86_64` (static, musl) and `rdpcheck-windows-x86_64.exe` (mingw-w64; runs
//! without an installer or admin rights), built with the `dist` profile (size-optimised, LTO,
//! stripped); the relay: `rdpcheck-relay-linux-x86_64` (static, musl, the page embedded: it is
//! built first), its Debian package (deb.rs) and its OCI image (oci.rs); and `SHA256SUMS`. Installs what is missing: the two rustup targets and Debian's
//! `gcc-mingw-w64-x86-64` (ring's C code and the linker for Windows) and `musl-tools`.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::{deb, deps, oci, sh, web};

pub const WINDOWS_TARGET: &str = "x86_64-pc-windows-gnu";
pub const LINUX_TARGET: &str = "x86_64-unknown-linux-musl";
pub const WINDOWS_FILE: &str = "rdpcheck-windows-x86_64.exe";
pub const LINUX_FILE: &str = "rdpcheck-linux-x86_64";
pub const RELAY_FILE: &str = "rdpcheck-relay-linux-x86_64";

pub const WINDOWS_PACKAGES: &[(&str, &str)] =
    &[("gcc-mingw-w64-x86-64", "/usr/bin/x86_64-w64-mingw32-gcc")];
const MUSL_PACKAGES: &[(&str, &str)] = &[("musl-tools", "/usr/bin/musl-gcc")];

pub fn dist_dir() -> PathBuf {
    web::root().join("target/dist")
}

fn ensure_target(target: &str) -> Result<(), String> {
    let out = Command::new("rustup")
        .args(["target", "list", "--installed"])
        .current_dir(web::root())
        .output()
        .map_err(|e| format!("cannot run rustup: {e}"))?;
    if String::from_utf8_lossy(&out.stdout)
        .lines()
        .any(|l| l.trim() == target)
    {
        return Ok(());
    }
    sh::run_in(&web::root(), "rustup", &["target", "add", target], &[])
}

/// Build the CLI for `target` with the dist profile; the built file's path.
fn build(target: &str, env: &[(&str, String)]) -> Result<PathBuf, String> {
    let name = if target.contains("windows") {
        "rdpcheck.exe"
    } else {
        "rdpcheck"
    };
    build_package("rdpcheck-cli", name, target, env)
}

/// Build `package`'s binary `bin` for `target` with the dist profile; the built file's path.
fn build_package(
    package: &str,
    bin: &str,
    target: &str,
    env: &[(&str, String)],
) -> Result<PathBuf, String> {
    ensure_target(target)?;
    sh::run_in(
        &web::root(),
        "cargo",
        &[
            "build",
            "--locked",
            "--profile",
            "dist",
            "-p",
            package,
            "--target",
            target,
        ],
        env,
    )?;
    Ok(web::root()
        .join("target")
        .join(target)
        .join("dist")
        .join(bin))
}

/// Clippy for the Windows build of the CLI (the reader's `cfg(windows)` code is only seen there).
pub fn clippy_windows() -> Result<(), String> {
    deps::ensure_apt(WINDOWS_PACKAGES)?;
    ensure_target(WINDOWS_TARGET)?;
    sh::run_env(
        "cargo",
        &[
            "clippy",
            "--locked",
            "-p",
            "rdpcheck-cli",
            "-p",
            "rdpcheck-winclient",
            "--target",
            WINDOWS_TARGET,
            "--",
            "-D",
            "warnings",
        ],
        &[("CC_x86_64_pc_windows_gnu", "x86_64-w64-mingw32-gcc".into())],
    )
}

/// The Windows `.exe` in target/dist/ (what the Wine tests run).
pub fn windows() -> Result<PathBuf, String> {
    deps::ensure_apt(WINDOWS_PACKAGES)?;
    let built = build(
        WINDOWS_TARGET,
        &[
            ("CARGO_INCREMENTAL", "0".into()),
            ("CC_x86_64_pc_windows_gnu", "x86_64-w64-mingw32-gcc".into()),
        ],
    )?;
    place(&built, WINDOWS_FILE)
}

fn linux() -> Result<PathBuf, String> {
    deps::ensure_apt(MUSL_PACKAGES)?;
    let built = build(
        LINUX_TARGET,
        &[
            ("CARGO_INCREMENTAL", "0".into()),
            ("CC_x86_64_unknown_linux_musl", "musl-gcc".into()),
        ],
    )?;
    place(&built, LINUX_FILE)
}

/// The static relay with the page embedded (built here first: the relay embeds web/dist).
fn relay() -> Result<PathBuf, String> {
    deps::ensure_apt(MUSL_PACKAGES)?;
    // RDPCHECK_WEB_DIST names a page built elsewhere (relay/build.rs embeds it instead).
    if std::env::var_os("RDPCHECK_WEB_DIST").is_none() {
        web::ensure_toolchain()?;
        web::build_page()?;
    }
    let built = build_package(
        "rdpcheck-relay",
        "rdpcheck-relay",
        LINUX_TARGET,
        &[
            ("CARGO_INCREMENTAL", "0".into()),
            ("CC_x86_64_unknown_linux_musl", "musl-gcc".into()),
        ],
    )?;
    place(&built, RELAY_FILE)
}

fn place(built: &Path, name: &str) -> Result<PathBuf, String> {
    let dir = dist_dir();
    std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let to = dir.join(name);
    std::fs::copy(built, &to)
        .map_err(|e| format!("copy {} to {}: {e}", built.display(), to.display()))?;
    Ok(to)
}

/// `sha256sum`'s lines for `files` (names only, as `sha256sum -c` reads them in that folder).
fn sums(dir: &Path, files: &[&str]) -> Result<String, String> {
    let out = Command::new("sha256sum")
        .args(files)
        .current_dir(dir)
        .output()
        .map_err(|e| format!("cannot run sha256sum: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "sha256sum failed: {}",
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

pub fn run(args: &[String]) -> Result<(), String> {
    let only_relay = match args {
        [] => false,
        [a] if a == "relay" => true,
        _ => return Err("usage: cargo xtask dist [relay]".into()),
    };
    let relay = relay()?;
    let deb = deb::build(&relay, &dist_dir())?;
    let deb_name = deb
        .file_name()
        .and_then(|f| f.to_str())
        .unwrap_or_default()
        .to_string();
    let image = oci::build(&relay, &dist_dir())?;
    let mut files = if only_relay {
        vec![relay, deb]
    } else {
        vec![linux()?, windows()?, relay, deb]
    };
    files.extend(image);
    let dir = dist_dir();
    // SHA256SUMS lists every artefact present, so `dist relay` keeps the CLI's lines.
    let names: Vec<&str> = [
        LINUX_FILE,
        WINDOWS_FILE,
        RELAY_FILE,
        deb_name.as_str(),
        oci::IMAGE_FILE,
    ]
    .into_iter()
    .filter(|n| !n.is_empty() && dir.join(n).exists())
    .collect();
    let text = sums(&dir, &names)?;
    std::fs::write(dir.join("SHA256SUMS"), &text).map_err(|e| format!("SHA256SUMS: {e}"))?;
    eprintln!(
        "xtask dist: {}",
        dir.canonicalize().unwrap_or(dir.clone()).display()
    );
    for f in &files {
        let size = std::fs::metadata(f).map(|m| m.len()).unwrap_or(0);
        eprintln!(
            "  {:<32} {:>10} bytes ({:.1} MiB)",
            f.file_name().and_then(|n| n.to_str()).unwrap_or_default(),
            size,
            size as f64 / (1024.0 * 1024.0)
        );
    }
    eprint!("{text}");
    Ok(())
}
