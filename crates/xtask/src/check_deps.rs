//! `cargo xtask check-deps`: the dependency rules of ARCHITECTURE.md, checked. The pure crates
//! (proto, report, kb, words, diagnose, client) pull in no async runtime, no socket library and no HTTP/TLS
//! stack, and their sources call no clock, socket, file or process API; the page never links
//! the engine; its report module links no Yew, and its shell never reads a report. Reads `cargo tree`, so it checks what is really built, not what a manifest says.

use std::path::Path;
use std::process::Command;

/// Crates that bring sockets, an event loop or a network stack.
const IO_CRATES: &[&str] = &[
    "tokio",
    "mio",
    "socket2",
    "hyper",
    "hyper-util",
    "h2",
    "hickory-resolver",
    "hickory-proto",
    "rustls",
    "tokio-rustls",
    "axum",
    "tower",
    "reqwest",
    "async-std",
    "smol",
];

/// API names a pure crate's source must not use (clock, sockets, files, processes).
const IMPURE_APIS: &[&str] = &[
    "SystemTime",
    "Instant::now",
    "now_utc",
    "now_local",
    "std::net::TcpStream",
    "std::net::UdpSocket",
    "std::net::TcpListener",
    "std::fs",
    "std::process",
    "std::thread::sleep",
    "std::env::var",
];

struct Rule {
    package: &'static str,
    target: Option<&'static str>,
    /// Crates (ours or others) it must not reach, besides [`IO_CRATES`] when `pure`.
    forbidden: &'static [&'static str],
    pure: bool,
    /// Source directory checked for [`IMPURE_APIS`] when `pure`.
    src: &'static str,
}

/// What the page's modules loaded on demand must not link: the engine, and Yew or the DOM
/// bindings (their point is to be small and separate from the shell).
const ON_DEMAND_MODULE_FORBIDDEN: &[&str] = &[
    "rdpcheck-probe",
    "rdpcheck-diagnose",
    "yew",
    "gloo-net",
    "web-sys",
];

const RULES: &[Rule] = &[
    Rule {
        package: "rdpcheck-proto",
        target: None,
        forbidden: &[],
        pure: true,
        src: "crates/rdpcheck-proto/src",
    },
    Rule {
        package: "rdpcheck-report",
        target: None,
        forbidden: &["rdpcheck-probe", "rdpcheck-diagnose", "rdpcheck-kb"],
        pure: true,
        src: "crates/rdpcheck-report/src",
    },
    Rule {
        package: "rdpcheck-kb",
        target: None,
        forbidden: &["rdpcheck-probe", "rdpcheck-diagnose"],
        pure: true,
        src: "crates/rdpcheck-kb/src",
    },
    Rule {
        package: "rdpcheck-words",
        target: None,
        forbidden: &["rdpcheck-probe", "rdpcheck-diagnose"],
        pure: true,
        src: "crates/rdpcheck-words/src",
    },
    Rule {
        package: "rdpcheck-client",
        target: None,
        forbidden: &["rdpcheck-probe", "rdpcheck-diagnose", "rdpcheck-winclient"],
        pure: true,
        src: "crates/rdpcheck-client/src",
    },
    Rule {
        package: "rdpcheck-diagnose",
        target: None,
        forbidden: &["rdpcheck-probe"],
        pure: true,
        src: "crates/rdpcheck-diagnose/src",
    },
    Rule {
        package: "rdpcheck-web",
        target: Some("wasm32-unknown-unknown"),
        forbidden: &[
            "rdpcheck-probe",
            "rdpcheck-diagnose",
            "tokio",
            "mio",
            "socket2",
        ],
        pure: false,
        src: "web/src",
    },
    // The report module, loaded on demand: no Yew (its point is to be small and separate),
    // and pure apart from its wasm-bindgen exports.
    Rule {
        package: "rdpcheck-web-report",
        target: Some("wasm32-unknown-unknown"),
        forbidden: ON_DEMAND_MODULE_FORBIDDEN,
        pure: true,
        src: "web/report/src",
    },
    // The knowledge-base module, loaded on demand with the knowledge base: the same rules.
    Rule {
        package: "rdpcheck-web-kb",
        target: Some("wasm32-unknown-unknown"),
        forbidden: ON_DEMAND_MODULE_FORBIDDEN,
        pure: true,
        src: "web/kb/src",
    },
];

/// The page's shell (web/src) never reads a report: the report module does. These are the ways
/// it could: the `Report` type, its reader, or the report's sections.
const SHELL_NEVER_READS_A_REPORT: &[&str] = &[
    "rdpcheck_report::Report",
    "share::report(",
    "words::sections(",
    "from_str::<Report>",
];

/// What the shell may use of the knowledge-base module's crate: its small shared parts. The rest
/// (the knowledge base, the explain and knowledge-base screens, their search) is the loaded
/// module's, so that none of it is in the page's start-up.
const SHELL_MAY_USE_OF_THE_KB_MODULE: &[&str] = &[
    "evidence",
    "route",
    "symptoms",
    "markup::symptoms",
    "Evidence",
    "Explained",
    "Found",
    "BUNDLE_FILE",
];

pub fn run(root: &Path) -> Result<(), String> {
    let root = &root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    let mut problems = Vec::new();
    for rule in RULES {
        let deps = dependencies(root, rule)?;
        let mut forbidden: Vec<&str> = rule.forbidden.to_vec();
        if rule.pure {
            forbidden.extend(IO_CRATES);
        }
        for name in forbidden {
            if deps.iter().any(|d| d == name) {
                problems.push(format!("{} depends on {name}", rule.package));
            }
        }
        if rule.package == "rdpcheck-proto" && deps.iter().any(|d| d != "rdpcheck-proto") {
            problems.push(format!(
                "rdpcheck-proto must have no dependencies; it has {}",
                deps.iter()
                    .filter(|d| *d != "rdpcheck-proto")
                    .cloned()
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
        if rule.pure {
            problems.extend(impure_calls(&root.join(rule.src))?);
        }
    }
    problems.extend(shell_reads_a_report(&root.join("web/src"))?);
    problems.extend(shell_reads_the_kb(&root.join("web/src"))?);
    if problems.is_empty() {
        eprintln!("xtask: check-deps: the dependency rules hold");
        Ok(())
    } else {
        Err(format!(
            "check-deps: the dependency rules of ARCHITECTURE.md are broken:\n  {}",
            problems.join("\n  ")
        ))
    }
}

/// Every package `rule.package` builds with (normal dependencies, for its target).
fn dependencies(root: &Path, rule: &Rule) -> Result<Vec<String>, String> {
    let mut cmd = Command::new("cargo");
    cmd.current_dir(root).args([
        "tree",
        "--locked",
        "-p",
        rule.package,
        "-e",
        "normal",
        "--prefix",
        "none",
        "--format",
        "{p}",
    ]);
    if let Some(target) = rule.target {
        cmd.args(["--target", target]);
    }
    let out = cmd
        .output()
        .map_err(|e| format!("cannot run cargo tree: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "cargo tree -p {} failed: {}",
            rule.package,
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    let mut names: Vec<String> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| l.split_whitespace().next())
        .map(str::to_string)
        .collect();
    names.sort();
    names.dedup();
    Ok(names)
}

/// Rust files under `dir`, with their text.
fn rust_files(dir: &Path) -> Result<Vec<(std::path::PathBuf, String)>, String> {
    let mut files = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let entries =
            std::fs::read_dir(&d).map_err(|e| format!("cannot read {}: {e}", d.display()))?;
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let text = std::fs::read_to_string(&path)
                    .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
                files.push((path, text));
            }
        }
    }
    Ok(files)
}

/// `file:line: what` for every place under `dir` (the page's shell) that reads a report, or
/// names the `Report` type in a `use`.
fn shell_reads_a_report(dir: &Path) -> Result<Vec<String>, String> {
    let mut found = Vec::new();
    for (path, text) in rust_files(dir)? {
        for (n, line) in text.lines().enumerate() {
            let code = line.split("//").next().unwrap_or_default();
            let names_report = code.trim_start().starts_with("use rdpcheck_report")
                && code
                    .split(|c: char| !c.is_alphanumeric() && c != '_')
                    .any(|w| w == "Report");
            for what in SHELL_NEVER_READS_A_REPORT {
                if code.contains(what) {
                    found.push(format!(
                        "{}:{}: the shell reads a report ({what}): the report module does",
                        path.display(),
                        n + 1
                    ));
                }
            }
            if names_report {
                found.push(format!(
                    "{}:{}: the shell uses rdpcheck_report::Report: the report module reads reports",
                    path.display(),
                    n + 1
                ));
            }
        }
    }
    Ok(found)
}

/// The paths a line names after `rdpcheck_web_kb::` (each item of a `{…}` group).
fn kb_module_paths(code: &str) -> Vec<String> {
    let mut paths = Vec::new();
    for (i, _) in code.match_indices("rdpcheck_web_kb::") {
        let rest = &code[i + "rdpcheck_web_kb::".len()..];
        let item = |s: &str| {
            s.trim()
                .split(|c: char| !(c.is_alphanumeric() || c == '_' || c == ':'))
                .next()
                .unwrap_or_default()
                .trim_end_matches(':')
                .to_string()
        };
        match rest.strip_prefix('{') {
            Some(group) => {
                let group = group.split('}').next().unwrap_or_default();
                paths.extend(group.split(',').map(item).filter(|p| !p.is_empty()));
            }
            None => paths.push(item(rest)),
        }
    }
    paths
}

/// `file:line: …` wherever the shell reads the knowledge base itself or writes a screen that is
/// the knowledge-base module's.
fn shell_reads_the_kb(dir: &Path) -> Result<Vec<String>, String> {
    let mut found = Vec::new();
    for (path, text) in rust_files(dir)? {
        for (n, line) in text.lines().enumerate() {
            let code = line.split("//").next().unwrap_or_default();
            let at = || format!("{}:{}", path.display(), n + 1);
            if code.contains("rdpcheck_kb::") {
                found.push(format!(
                    "{}: the shell reads the knowledge base (rdpcheck_kb): the knowledge-base module does",
                    at()
                ));
            }
            for p in kb_module_paths(code) {
                let allowed = SHELL_MAY_USE_OF_THE_KB_MODULE
                    .iter()
                    .any(|a| p == *a || p.starts_with(&format!("{a}::")));
                if !allowed {
                    found.push(format!(
                        "{}: the shell links rdpcheck_web_kb::{p}: that is the knowledge-base module's, loaded on demand",
                        at()
                    ));
                }
            }
        }
    }
    Ok(found)
}

/// `file:line: api` for every use of an impure API under `dir` (test modules included: they
/// live in the same files, and a pure crate's tests have no reason to read the clock either).
fn impure_calls(dir: &Path) -> Result<Vec<String>, String> {
    let mut found = Vec::new();
    for (path, text) in rust_files(dir)? {
        for (n, line) in text.lines().enumerate() {
            let code = line.split("//").next().unwrap_or_default();
            for api in IMPURE_APIS {
                if code.contains(api) {
                    found.push(format!("{}:{}: {api}", path.display(), n + 1));
                }
            }
        }
    }
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::kb_module_paths;

    #[test]
    fn the_paths_a_line_takes_from_the_kb_module() {
        assert_eq!(
            kb_module_paths("pub use rdpcheck_web_kb::{evidence, route};"),
            ["evidence", "route"]
        );
        assert_eq!(
            kb_module_paths("let h = rdpcheck_web_kb::markup::meaning(&ex);"),
            ["markup::meaning"]
        );
        assert_eq!(
            kb_module_paths("x(rdpcheck_web_kb::explain(q, None), rdpcheck_web_kb::BUNDLE_FILE)"),
            ["explain", "BUNDLE_FILE"]
        );
        assert!(kb_module_paths("use rdpcheck_web_report::html;").is_empty());
    }
}
