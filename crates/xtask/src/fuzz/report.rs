//! What a run's logs say: libFuzzer's statistics per target, one line each, and for a failure
//! the part of the log that says what went wrong and how to replay its input.

use std::path::{Path, PathBuf};
use std::process::ExitStatus;

use super::Fuzz;

/// What one libFuzzer run printed and how it ended.
pub(super) struct Outcome {
    pub(super) target: String,
    pub(super) status: ExitStatus,
    pub(super) log: PathBuf,
    pub(super) stats: Stats,
    pub(super) artifacts: Vec<String>,
}

#[derive(Default)]
pub(super) struct Stats {
    pub(super) runs: Option<u64>,
    pub(super) exec_per_sec: Option<u64>,
    pub(super) new_units: Option<u64>,
    pub(super) start_cov: Option<u64>,
    pub(super) cov: Option<u64>,
    pub(super) features: Option<u64>,
}

impl Fuzz {
    pub(super) fn line(&self, o: &Outcome) -> String {
        let n = |v: Option<u64>| v.map_or("?".into(), |v| v.to_string());
        let (files, bytes) = dir_size(&self.repo_corpus(&o.target));
        format!(
            "{:<20} {} runs {:>9}  exec/s {:>6}  cov {:>5} → {:<5} ft {:>6}  new {:>4}  repo corpus {files} files {} KB",
            o.target,
            if o.status.success() { "ok  " } else { "FAIL" },
            n(o.stats.runs),
            n(o.stats.exec_per_sec),
            n(o.stats.start_cov),
            n(o.stats.cov),
            n(o.stats.features),
            n(o.stats.new_units),
            bytes.div_ceil(1024),
        )
    }

    /// The summary table; `Err` naming every failed target, its artifact and how to replay it.
    pub(super) fn report(&self, done: &[Outcome]) -> Result<(), String> {
        eprintln!("xtask: fuzz summary");
        for o in done {
            eprintln!("  {}", self.line(o));
        }
        let failed: Vec<&Outcome> = done.iter().filter(|o| !o.status.success()).collect();
        if failed.is_empty() {
            return Ok(());
        }
        let mut msg = String::from("fuzzing found problems:");
        for o in failed {
            let text = std::fs::read_to_string(&o.log).unwrap_or_default();
            msg.push_str(&format!(
                "\n\n== {} ({}), log {}\n{}",
                o.target,
                o.status,
                self.rel(&o.log),
                excerpt(&text)
            ));
            if o.artifacts.is_empty() {
                msg.push_str("\nno input was written (see the log)");
            }
            for a in &o.artifacts {
                msg.push_str(&format!(
                    "\ninput: {a}\nreproduce: RUSTC_BOOTSTRAP=1 cargo fuzz run --fuzz-dir fuzz {t} {a}\n\
                     show it: RUSTC_BOOTSTRAP=1 cargo fuzz fmt --fuzz-dir fuzz {t} {a}\n\
                     minimise: RUSTC_BOOTSTRAP=1 cargo fuzz tmin --fuzz-dir fuzz {t} {a}",
                    t = o.target
                ));
            }
        }
        Err(msg)
    }
}

impl Stats {
    /// From libFuzzer's status lines (`#N DONE cov: C ft: F …`) and `-print_final_stats`.
    pub(super) fn parse(log: &str) -> Stats {
        let field = |line: &str, key: &str| -> Option<u64> {
            let mut words = line.split_whitespace();
            words.find(|w| *w == key)?;
            words.next()?.parse().ok()
        };
        let stat = |key: &str| -> Option<u64> {
            log.lines()
                .find_map(|l| l.strip_prefix(key))
                .and_then(|v| v.trim().parse().ok())
        };
        let status: Vec<&str> = log
            .lines()
            .filter(|l| l.starts_with('#') && l.contains(" cov: "))
            .collect();
        let inited = status.iter().find(|l| l.contains("INITED"));
        Stats {
            runs: stat("stat::number_of_executed_units:"),
            exec_per_sec: stat("stat::average_exec_per_sec:"),
            new_units: stat("stat::new_units_added:"),
            start_cov: inited.and_then(|l| field(l, "cov:")),
            cov: status.last().and_then(|l| field(l, "cov:")),
            features: status.last().and_then(|l| field(l, "ft:")),
        }
    }
}

/// The part of a log that says what went wrong: from the first error line, at most 40 lines;
/// else the last 30 lines.
pub(super) fn excerpt(log: &str) -> String {
    let lines: Vec<&str> = log.lines().collect();
    let first = lines.iter().position(|l| {
        l.contains("panicked at")
            || l.starts_with("==") && l.contains("ERROR")
            || l.contains("ERROR: libFuzzer")
            || l.starts_with("ALARM")
    });
    let part = match first {
        Some(i) => lines.get(i..(i + 40).min(lines.len())),
        None => lines.get(lines.len().saturating_sub(30)..),
    };
    part.unwrap_or_default().join("\n")
}

/// (files, bytes) of a corpus directory.
pub(super) fn dir_size(dir: &Path) -> (u64, u64) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return (0, 0);
    };
    entries
        .flatten()
        .filter_map(|e| e.metadata().ok())
        .filter(|m| m.is_file())
        .fold((0, 0), |(n, b), m| (n + 1, b + m.len()))
}
