//! The page's toolchain (Trunk, wasm-bindgen, wasm-opt, Chromium) and its build and browser tests.

use std::path::PathBuf;

use crate::sh;

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// PATH with npm's binaryen (wasm-opt 132) first: Debian's wasm-opt breaks Trunk.
fn path_with_node_tools() -> String {
    let bin = root().join("e2e/node_modules/.bin");
    format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    )
}

pub fn ensure_toolchain() -> Result<(), String> {
    sh::run("bash", &["scripts/setup-web-toolchain.sh"])
}

pub fn build_page() -> Result<(), String> {
    sh::run_env(
        "trunk",
        &["build", "--release"],
        &[
            ("PATH", path_with_node_tools()),
            ("TRUNK_SKIP_VERSION_CHECK", "true".into()),
        ],
    )
}

pub fn browser_tests() -> Result<(), String> {
    sh::run_env(
        "cargo",
        &[
            "test",
            "-p",
            "rdpcheck-web",
            "--target",
            "wasm32-unknown-unknown",
            "--locked",
            // Only the browser suite: the lib and doc-test targets have no wasm tests, and their
            // "0 passed" lines would otherwise close the log.
            "--test",
            "browser",
        ],
        &[
            ("CHROMEDRIVER", "/usr/bin/chromedriver".into()),
            ("WASM_BINDGEN_TEST_TIMEOUT", "120".into()),
        ],
    )
}
