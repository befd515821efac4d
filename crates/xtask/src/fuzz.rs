//! `cargo xtask fuzz`: the cargo-fuzz targets of fuzz/, run for a set time each over the corpus
//! kept in the repository; fails on any crash, timeout, leak or out-of-memory input.
//!
//! - `cargo xtask fuzz [--time SECS] [--jobs N] [TARGET…]`: every target (or the named ones),
//!   SECS seconds each (default 60), N targets at a time (default 1).
//! - `cargo xtask fuzz --seed [TARGET…]`: rebuild fuzz/corpus/<target>/ from the seeds
//!   (fuzz_seed.rs), minimised with libFuzzer's `-merge=1`.
//! - `cargo xtask fuzz --merge [TARGET…]`: add to fuzz/corpus/<target>/ the inputs of the last
//!   run that bring new coverage (`-merge=1`), for a person to review and commit.
//! - `cargo xtask fuzz --short`: the step `cargo xtask test` runs (fmt check of fuzz/, every
//!   target for 5 s, two at a time).
//! - `cargo xtask fuzz --list`: the targets.
//!
//! Corpus: libFuzzer writes what it finds into the first corpus directory it is given. That is
//! a scratch directory, fuzz/target/corpus/<target>/, emptied at the start of every run; the
//! repository's fuzz/corpus/<target>/ comes second and is only read. So a run never changes the
//! repository: new inputs reach it only through `--merge` (or `--seed`), by hand.
//!
//! cargo-fuzz is installed when missing ([`CARGO_FUZZ_VERSION`], `--locked`, then without it if
//! that fails). It needs nightly flags (`-Zsanitizer=address`); `RUSTC_BOOTSTRAP=1` lets the
//! stable toolchain take them. The build is cargo-fuzz's default: release with debug
//! assertions and overflow checks, AddressSanitizer, coverage instrumentation.

use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus};
use std::time::{Duration, Instant};

use crate::{fuzz_seed, sh};

/// The cargo-fuzz a fresh machine gets.
pub const CARGO_FUZZ_VERSION: &str = "0.13.2";
/// Seconds per target of `cargo xtask fuzz`.
const DEFAULT_SECS: u64 = 60;
/// Seconds per target, and targets at a time, of the short run in `cargo xtask test`.
const SHORT_SECS: u64 = 5;
const SHORT_JOBS: usize = 2;
/// libFuzzer's per-input limit: an input slower than this is reported as a hang.
const INPUT_TIMEOUT_SECS: u64 = 10;

const USAGE: &str = "usage: cargo xtask fuzz [--time SECS] [--jobs N] [TARGET…] | fuzz --seed [TARGET…] | fuzz --merge [TARGET…] | fuzz --short | fuzz --list";

#[derive(Debug, PartialEq)]
enum Mode {
    Run,
    Seed,
    Merge,
    Short,
    List,
}

#[derive(Debug)]
struct Options {
    mode: Mode,
    secs: u64,
    jobs: usize,
    targets: Vec<String>,
}

fn parse(args: &[String]) -> Result<Options, String> {
    let mut o = Options {
        mode: Mode::Run,
        secs: DEFAULT_SECS,
        jobs: 1,
        targets: Vec::new(),
    };
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        let mut number = |what: &str| -> Result<u64, String> {
            args.next()
                .and_then(|v| v.parse().ok())
                .filter(|n| *n > 0)
                .ok_or_else(|| format!("{what} needs a positive number\n{USAGE}"))
        };
        match arg.as_str() {
            "--time" => o.secs = number("--time")?,
            "--jobs" => o.jobs = usize::try_from(number("--jobs")?).unwrap_or(1),
            "--seed" => o.mode = Mode::Seed,
            "--merge" => o.mode = Mode::Merge,
            "--short" => o.mode = Mode::Short,
            "--list" => o.mode = Mode::List,
            "-h" | "--help" => return Err(USAGE.into()),
            flag if flag.starts_with('-') => return Err(format!("unknown flag {flag}\n{USAGE}")),
            target => o.targets.push(target.to_string()),
        }
    }
    Ok(o)
}

pub fn run(args: &[String]) -> Result<(), String> {
    let o = parse(args)?;
    if o.mode == Mode::Short {
        return short_run();
    }
    let fuzz = Fuzz::new()?;
    let targets = fuzz.select(&o.targets)?;
    if o.mode == Mode::List {
        for t in &targets {
            println!("{t}");
        }
        return Ok(());
    }
    fuzz.prepare()?;
    match o.mode {
        Mode::Seed => fuzz.seed(&targets),
        Mode::Merge => fuzz.merge(&targets),
        _ => fuzz.fuzz(&targets, o.secs, o.jobs),
    }
}

/// The step of `cargo xtask test`: every target builds, and runs briefly without a crash.
pub fn short_run() -> Result<(), String> {
    let started = Instant::now();
    let fuzz = Fuzz::new()?;
    let targets = fuzz.select(&[])?;
    sh::run_in(
        &fuzz.root,
        "cargo",
        &["fmt", "--manifest-path", "fuzz/Cargo.toml", "--", "--check"],
        &[],
    )?;
    fuzz.prepare()?;
    let result = fuzz.fuzz(&targets, SHORT_SECS, SHORT_JOBS);
    eprintln!(
        "xtask: fuzz step (install check, build, {} targets × {SHORT_SECS} s, {SHORT_JOBS} at a time): {:.0} s",
        targets.len(),
        started.elapsed().as_secs_f64()
    );
    result
}

struct Fuzz {
    root: PathBuf,
    /// Where cargo-fuzz puts the target binaries.
    bin_dir: PathBuf,
}

/// What one libFuzzer run printed and how it ended.
struct Outcome {
    target: String,
    status: ExitStatus,
    log: PathBuf,
    stats: Stats,
    artifacts: Vec<String>,
}

#[derive(Default)]
struct Stats {
    runs: Option<u64>,
    exec_per_sec: Option<u64>,
    new_units: Option<u64>,
    start_cov: Option<u64>,
    cov: Option<u64>,
    features: Option<u64>,
}

impl Fuzz {
    fn new() -> Result<Fuzz, String> {
        let root = crate::web::root();
        let root = root.canonicalize().unwrap_or(root);
        let triple = host_triple()?;
        let bin_dir = root.join("fuzz/target").join(triple).join("release");
        Ok(Fuzz { root, bin_dir })
    }

    /// The `[[bin]]` names of fuzz/Cargo.toml, or the named ones (which must be among them).
    fn select(&self, named: &[String]) -> Result<Vec<String>, String> {
        let manifest = self.root.join("fuzz/Cargo.toml");
        let text = std::fs::read_to_string(&manifest)
            .map_err(|e| format!("cannot read {}: {e}", manifest.display()))?;
        let mut all = Vec::new();
        let mut in_bin = false;
        for line in text.lines().map(str::trim) {
            if line.starts_with('[') {
                in_bin = line == "[[bin]]";
            } else if let Some(v) = line.strip_prefix("name").map(str::trim_start) {
                if let (true, Some(v)) = (in_bin, v.strip_prefix('=')) {
                    all.push(v.trim().trim_matches('"').to_string());
                }
            }
        }
        if named.is_empty() {
            return Ok(all);
        }
        match named.iter().find(|t| !all.contains(t)) {
            Some(t) => Err(format!(
                "no fuzz target {t:?}; the targets are: {}",
                all.join(", ")
            )),
            None => Ok(named.to_vec()),
        }
    }

    /// cargo-fuzz installed, every target built.
    fn prepare(&self) -> Result<(), String> {
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

    fn rel(&self, path: &Path) -> String {
        path.strip_prefix(&self.root)
            .unwrap_or(path)
            .display()
            .to_string()
    }

    fn repo_corpus(&self, target: &str) -> PathBuf {
        self.root.join("fuzz/corpus").join(target)
    }

    fn scratch_corpus(&self, target: &str) -> PathBuf {
        self.root.join("fuzz/target/corpus").join(target)
    }

    fn log_path(&self, target: &str, what: &str) -> Result<PathBuf, String> {
        let dir = self.root.join("fuzz/target/logs");
        mkdir(&dir)?;
        Ok(dir.join(format!("{target}.{what}.log")))
    }

    /// Start libFuzzer on `target` with `args`, output to `log`.
    fn spawn(&self, target: &str, args: &[String], log: &Path) -> Result<Child, String> {
        let out = File::create(log).map_err(|e| format!("cannot create {}: {e}", log.display()))?;
        let err = out
            .try_clone()
            .map_err(|e| format!("cannot open {}: {e}", log.display()))?;
        let bin = self.bin_dir.join(target);
        Command::new(&bin)
            .args(args)
            .current_dir(&self.root)
            .stdout(out)
            .stderr(err)
            .spawn()
            .map_err(|e| format!("cannot start {}: {e}", bin.display()))
    }

    fn fuzz(&self, targets: &[String], secs: u64, jobs: usize) -> Result<(), String> {
        eprintln!(
            "xtask: fuzzing {} target(s), {secs} s each, {jobs} at a time",
            targets.len()
        );
        let mut pending = targets.iter();
        let mut running: Vec<(String, PathBuf, Child)> = Vec::new();
        let mut done: Vec<Outcome> = Vec::new();
        loop {
            while running.len() < jobs.max(1) {
                let Some(target) = pending.next() else { break };
                let scratch = self.scratch_corpus(target);
                if scratch.exists() {
                    std::fs::remove_dir_all(&scratch)
                        .map_err(|e| format!("cannot empty {}: {e}", scratch.display()))?;
                }
                mkdir(&scratch)?;
                let repo = self.repo_corpus(target);
                mkdir(&repo)?;
                let artifacts = self.root.join("fuzz/artifacts").join(target);
                mkdir(&artifacts)?;
                let log = self.log_path(target, "run")?;
                let args = vec![
                    self.rel(&scratch),
                    self.rel(&repo),
                    format!("-max_total_time={secs}"),
                    format!("-timeout={INPUT_TIMEOUT_SECS}"),
                    "-print_final_stats=1".into(),
                    format!("-artifact_prefix={}/", self.rel(&artifacts)),
                ];
                let child = self.spawn(target, &args, &log)?;
                running.push((target.clone(), log, child));
            }
            if running.is_empty() {
                break;
            }
            let mut i = 0;
            while i < running.len() {
                let finished = running
                    .get_mut(i)
                    .map(|(_, _, child)| child.try_wait())
                    .transpose()
                    .map_err(|e| format!("cannot wait for a fuzz target: {e}"))?
                    .flatten();
                match finished {
                    Some(status) => {
                        let (target, log, _) = running.swap_remove(i);
                        let outcome = self.outcome(target, status, log);
                        eprintln!("xtask: fuzz: {}", self.line(&outcome));
                        done.push(outcome);
                    }
                    None => i += 1,
                }
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        done.sort_by_key(|o| targets.iter().position(|t| *t == o.target));
        self.report(&done)
    }

    fn outcome(&self, target: String, status: ExitStatus, log: PathBuf) -> Outcome {
        let text = std::fs::read_to_string(&log).unwrap_or_default();
        let artifacts = text
            .lines()
            .filter_map(|l| l.split_once("Test unit written to ").map(|(_, p)| p.trim()))
            .map(|p| p.trim_start_matches("./").to_string())
            .collect();
        Outcome {
            target,
            status,
            log,
            stats: Stats::parse(&text),
            artifacts,
        }
    }

    fn line(&self, o: &Outcome) -> String {
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
    fn report(&self, done: &[Outcome]) -> Result<(), String> {
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

    /// `-merge=1` of `from` into `into` (emptied first when `fresh`).
    fn merge_dirs(
        &self,
        target: &str,
        into: &Path,
        from: &Path,
        fresh: bool,
    ) -> Result<(), String> {
        if fresh && into.exists() {
            std::fs::remove_dir_all(into)
                .map_err(|e| format!("cannot empty {}: {e}", into.display()))?;
        }
        mkdir(into)?;
        let artifacts = self.root.join("fuzz/artifacts").join(target);
        mkdir(&artifacts)?;
        let log = self.log_path(target, "merge")?;
        let args = vec![
            "-merge=1".to_string(),
            format!("-artifact_prefix={}/", self.rel(&artifacts)),
            self.rel(into),
            self.rel(from),
        ];
        let status = self
            .spawn(target, &args, &log)?
            .wait()
            .map_err(|e| format!("cannot wait for {target}: {e}"))?;
        let (files, bytes) = dir_size(into);
        if !status.success() {
            let text = std::fs::read_to_string(&log).unwrap_or_default();
            return Err(format!(
                "merging into {} failed ({status}), log {}:\n{}",
                self.rel(into),
                self.rel(&log),
                excerpt(&text)
            ));
        }
        eprintln!(
            "xtask: fuzz: {target:<20} {}: {files} files, {} KB",
            self.rel(into),
            bytes.div_ceil(1024)
        );
        Ok(())
    }

    fn seed(&self, targets: &[String]) -> Result<(), String> {
        for target in targets {
            let seeds = fuzz_seed::seeds(&self.root, target)?;
            let dir = self.root.join("fuzz/target/seeds").join(target);
            if dir.exists() {
                std::fs::remove_dir_all(&dir)
                    .map_err(|e| format!("cannot empty {}: {e}", dir.display()))?;
            }
            mkdir(&dir)?;
            for s in &seeds {
                let path = dir.join(&s.name);
                std::fs::write(&path, &s.bytes)
                    .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
            }
            eprintln!("xtask: fuzz: {target:<20} {} seeds", seeds.len());
            self.merge_dirs(target, &self.repo_corpus(target), &dir, true)?;
        }
        Ok(())
    }

    fn merge(&self, targets: &[String]) -> Result<(), String> {
        for target in targets {
            let scratch = self.scratch_corpus(target);
            mkdir(&scratch)?;
            self.merge_dirs(target, &self.repo_corpus(target), &scratch, false)?;
        }
        Ok(())
    }
}

impl Stats {
    /// From libFuzzer's status lines (`#N DONE cov: C ft: F …`) and `-print_final_stats`.
    fn parse(log: &str) -> Stats {
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
fn excerpt(log: &str) -> String {
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

fn bootstrap() -> [(&'static str, String); 1] {
    [("RUSTC_BOOTSTRAP", "1".to_string())]
}

fn mkdir(dir: &Path) -> Result<(), String> {
    std::fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))
}

/// (files, bytes) of a corpus directory.
fn dir_size(dir: &Path) -> (u64, u64) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return (0, 0);
    };
    entries
        .flatten()
        .filter_map(|e| e.metadata().ok())
        .filter(|m| m.is_file())
        .fold((0, 0), |(n, b), m| (n + 1, b + m.len()))
}

/// The host triple rustc builds for: cargo-fuzz's default `--target`.
fn host_triple() -> Result<String, String> {
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

#[cfg(test)]
mod tests {
    use super::*;

    fn args(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn options() {
        let o = parse(&args(&["--time", "7", "x224_reply", "--jobs", "2"])).expect("parses");
        assert_eq!((o.mode, o.secs, o.jobs), (Mode::Run, 7, 2));
        assert_eq!(o.targets, ["x224_reply"]);
        assert_eq!(parse(&[]).expect("parses").secs, DEFAULT_SECS);
        assert_eq!(parse(&args(&["--seed"])).expect("parses").mode, Mode::Seed);
        assert!(parse(&args(&["--time"])).is_err());
        assert!(parse(&args(&["--time", "0"])).is_err());
        assert!(parse(&args(&["--fast"])).is_err());
    }

    #[test]
    fn stats_from_a_libfuzzer_log() {
        let log = "#2\tINITED cov: 88 ft: 90 corp: 3/1200b exec/s: 0 rss: 40Mb\n\
                   #1024\tNEW    cov: 95 ft: 120 corp: 4/1300b lim: 4 exec/s: 512 rss: 41Mb\n\
                   #37045\tDONE   cov: 101 ft: 140 corp: 9/1500b lim: 33 exec/s: 4116 rss: 366Mb\n\
                   Done 37045 runs in 9 second(s)\n\
                   stat::number_of_executed_units: 37045\n\
                   stat::average_exec_per_sec:     4116\n\
                   stat::new_units_added:          6\n";
        let s = Stats::parse(log);
        assert_eq!(
            (
                s.runs,
                s.exec_per_sec,
                s.new_units,
                s.start_cov,
                s.cov,
                s.features
            ),
            (
                Some(37045),
                Some(4116),
                Some(6),
                Some(88),
                Some(101),
                Some(140)
            )
        );
    }
}
