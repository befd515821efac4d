//! Convert the authored TOML data to JSON at build time: the page then needs only serde_json,
//! not a TOML parser (about 100 KiB less compressed wasm). A TOML error fails the build, and so
//! does a finding entry keyed on a code the engine does not have, or an engine code with no entry.

use std::path::{Path, PathBuf};

fn convert(src: &Path, out: &Path) {
    println!("cargo:rerun-if-changed={}", src.display());
    let text = std::fs::read_to_string(src).unwrap_or_else(|e| panic!("{}: {e}", src.display()));
    let value: toml::Value =
        toml::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", src.display()));
    if src.file_name().is_some_and(|n| n == "findings.toml") {
        check_finding_codes(src, &value);
    }
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

/// Every key is a finding code or a family (`tls.alert`), and every code has an entry.
fn check_finding_codes(src: &Path, value: &toml::Value) {
    use rdpcheck_report::{CodeKey, FindingCode};
    let keys: Vec<&str> = value
        .get("finding")
        .and_then(toml::Value::as_array)
        .map(|list| {
            list.iter()
                .filter_map(|f| f.get("code")?.as_str())
                .collect()
        })
        .unwrap_or_default();
    for key in &keys {
        if key.parse::<CodeKey>().is_err() {
            panic!(
                "{}: `{key}` is not a finding code the engine has (see rdpcheck-report's code.rs)",
                src.display()
            );
        }
    }
    let missing: Vec<String> = FindingCode::all()
        .into_iter()
        .filter(|code| !keys.iter().any(|k| code.is_covered_by(k)))
        .map(|code| code.to_string())
        .collect();
    if !missing.is_empty() {
        panic!(
            "{}: finding codes with no entry (add one, or one for their family): {}",
            src.display(),
            missing.join(", ")
        );
    }
}
