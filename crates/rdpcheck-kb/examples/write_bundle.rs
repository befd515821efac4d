//! Writes the knowledge-base bundle (`kb-<hash>.json`) into a directory, for the web page to
//! fetch from its own origin. Run by Trunk after each page build (Trunk.toml `post_build`, which
//! sets TRUNK_STAGING_DIR), or by hand: `cargo run -p rdpcheck-kb --example write_bundle -- DIR`.

use std::path::PathBuf;

fn main() -> std::process::ExitCode {
    let dir = std::env::args_os()
        .nth(1)
        .or_else(|| std::env::var_os("TRUNK_STAGING_DIR"))
        .map(PathBuf::from);
    let Some(dir) = dir else {
        eprintln!("usage: write_bundle DIR (or set TRUNK_STAGING_DIR)");
        return std::process::ExitCode::from(2);
    };
    let path = dir.join(rdpcheck_kb::BUNDLE_FILE);
    if let Err(e) = std::fs::write(&path, rdpcheck_kb::bundle()) {
        eprintln!("write_bundle: {}: {e}", path.display());
        return std::process::ExitCode::FAILURE;
    }
    std::process::ExitCode::SUCCESS
}
