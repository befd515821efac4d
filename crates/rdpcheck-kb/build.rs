//! Convert the authored TOML data to one JSON bundle at build time: the page then needs only
//! serde_json, not a TOML parser (about 100 KiB less compressed wasm), and can fetch the bundle
//! as a file of its own instead of carrying it in its wasm. A TOML error fails the build.
//!
//! Writes to OUT_DIR: `bundle.json` (one data file per line, so a load error's line number names
//! the file), `bundle_lines.rs` (the file on each line) and `bundle_name.rs` (`kb-<hash>.json`,
//! the name the page fetches; the hash changes whenever the data does).
//!
//! A finding entry keyed on a code the engine does not have fails the build, and so does an
//! engine code with no entry (rdpcheck-report's typed codes are the list).

use std::fmt::Write;
use std::path::{Path, PathBuf};

/// Code tables, in the order bare numbers are tried against them.
const TABLES: [&str; 9] = [
    "client_codes.toml",
    "extended_codes.toml",
    "errinfo.toml",
    "freerdp.toml",
    "gateway.toml",
    "neg_failure.toml",
    "tls_alerts.toml",
    "guacamole.toml",
    "messages.toml",
];

const ARTICLES: [&str; 5] = [
    "articles/network.toml",
    "articles/security.toml",
    "articles/host.toml",
    "articles/client.toml",
    "articles/sessions.toml",
];

fn json_of(src: &Path) -> String {
    println!("cargo:rerun-if-changed={}", src.display());
    let text = std::fs::read_to_string(src).unwrap_or_else(|e| panic!("{}: {e}", src.display()));
    let value: toml::Value =
        toml::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", src.display()));
    if src.file_name().is_some_and(|n| n == "findings.toml") {
        check_finding_codes(src, &value);
    }
    serde_json::to_string(&value).unwrap_or_else(|e| panic!("{}: {e}", src.display()))
}

/// FNV-1a, 64 bits: a content hash for the file name (not a security property).
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

fn main() {
    let data = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").unwrap_or_default()).join("data");
    let out = PathBuf::from(std::env::var("OUT_DIR").unwrap_or_default());
    println!("cargo:rerun-if-changed={}", data.display());
    // (text of the line, data file it holds)
    let mut lines: Vec<(String, &str)> = vec![("{\"tables\":[".into(), "")];
    let list = |lines: &mut Vec<(String, &str)>, files: &[&'static str]| {
        for (i, file) in files.iter().enumerate() {
            let comma = if i + 1 < files.len() { "," } else { "" };
            lines.push((format!("{}{comma}", json_of(&data.join(file))), file));
        }
    };
    list(&mut lines, &TABLES);
    lines.push(("],\"articles\":[".into(), ""));
    list(&mut lines, &ARTICLES);
    lines.push(("],\"findings\":".into(), ""));
    lines.push((json_of(&data.join("findings.toml")), "findings.toml"));
    lines.push((",\"combos\":".into(), ""));
    lines.push((json_of(&data.join("combos.toml")), "combos.toml"));
    lines.push((",\"clients\":".into(), ""));
    lines.push((json_of(&data.join("clients.toml")), "clients.toml"));
    lines.push(("}".into(), ""));

    let bundle: String = lines.iter().map(|(l, _)| format!("{l}\n")).collect();
    let write = |name: &str, text: &str| {
        let path = out.join(name);
        std::fs::write(&path, text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    };
    write("bundle.json", &bundle);
    let mut files = String::from("&[");
    for (_, file) in &lines {
        let _ = write!(files, "{file:?}, ");
    }
    files.push(']');
    write("bundle_lines.rs", &files);
    write(
        "bundle_name.rs",
        &format!("\"kb-{:016x}.json\"", fnv1a(bundle.as_bytes())),
    );
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
