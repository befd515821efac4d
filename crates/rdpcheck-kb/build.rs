//! Convert the authored TOML data to JSON at build time: the page then needs only serde_json,
//! not a TOML parser (about 100 KiB less compressed wasm). A TOML error fails the build.

use std::path::{Path, PathBuf};

fn convert(src: &Path, out: &Path) {
    println!("cargo:rerun-if-changed={}", src.display());
    let text = std::fs::read_to_string(src).unwrap_or_else(|e| panic!("{}: {e}", src.display()));
    let value: toml::Value =
        toml::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", src.display()));
    let json = serde_json::to_string(&value).unwrap_or_else(|e| panic!("{}: {e}", src.display()));
    std::fs::write(out, json).unwrap_or_else(|e| panic!("{}: {e}", out.display()));
}

fn main() {
    let data = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").unwrap_or_default()).join("data");
    let out = PathBuf::from(std::env::var("OUT_DIR").unwrap_or_default());
    println!("cargo:rerun-if-changed={}", data.display());
    for dir in [data.clone(), data.join("articles")] {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.extension().is_some_and(|e| e == "toml") {
                let rel = path
                    .strip_prefix(&data)
                    .unwrap_or(&path)
                    .to_string_lossy()
                    .replace(['/', '\\'], "_");
                convert(&path, &out.join(rel.replace(".toml", ".json")));
            }
        }
    }
}
