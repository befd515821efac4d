//! The Windows build under Wine, part of `cargo xtask test`: build `rdpcheck.exe` (the dist
//! build), install Debian's `wine` (8.0 on Debian 12) and mingw-w64 (the harness compiles a
//! stand-in `bcryptprimitives.dll` with it), then run the lab's Wine tests
//! (tests/tests/wine/, ignored by plain `cargo test`) against it. Times are printed.

use std::time::Instant;

use crate::{deps, dist, sh};

const WINE_PACKAGES: &[(&str, &str)] = &[
    ("wine", "/usr/bin/wine"),
    ("wine64", "/usr/lib/wine/wine64"),
];

pub fn test() -> Result<(), String> {
    let started = Instant::now();
    deps::ensure_apt(WINE_PACKAGES)?;
    let exe = dist::windows()?;
    eprintln!("xtask: rdpcheck.exe built in {:.0?}", started.elapsed());
    sh::run_env(
        "cargo",
        &[
            "test",
            "--locked",
            "-p",
            "rdpcheck-labtests",
            "--test",
            "wine",
            "--",
            "--ignored",
            "--nocapture",
        ],
        &[("RDPCHECK_WINDOWS_EXE", exe.display().to_string())],
    )?;
    eprintln!(
        "xtask: Wine tests done in {:.0?} (with the build)",
        started.elapsed()
    );
    Ok(())
}
