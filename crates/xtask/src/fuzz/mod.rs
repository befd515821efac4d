//! `cargo xtask fuzz`: the cargo-fuzz targets of fuzz/, run for a set time each over the corpus
//! kept in the repository; fails on any crash, timeout, leak or out-of-memory input.
//!
//! - `cargo xtask fuzz [--time SECS] [--jobs N] [TARGET…]`: every target (or the named ones),
//!   SECS seconds each (default 60), N targets at a time (default 1).
//! - `cargo xtask fuzz --seed [TARGET…]`: rebuild fuzz/corpus/<target>/ from the seeds
//!   (seed/), minimised with libFuzzer's `-merge=1`.
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
//! cargo-fuzz is installed when missing (`CARGO_FUZZ_VERSION` in install.rs, `--locked`, then without it if
//! that fails). It needs nightly flags (`-Zsanitizer=address`); `RUSTC_BOOTSTRAP=1` lets the
//! stable toolchain take them. The build is cargo-fuzz's default: release with debug
//! assertions and overflow checks, AddressSanitizer, coverage instrumentation.
//!
//! Here: the options, the targets and the paths a run uses. `install.rs` gets cargo-fuzz and
//! builds the targets, `run.rs` runs them side by side, `report.rs` reads their logs into the
//! summary, `corpus.rs` seeds and merges the repository's corpus, `seed/` makes the seeds.

use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::{Child, Command};
use std::time::Instant;

use crate::sh;

mod corpus;
mod install;
mod report;
mod run;
mod seed;

#[cfg(test)]
mod tests;

/// Seconds per target of `cargo xtask fuzz`.
const DEFAULT_SECS: u64 = 60;
/// Seconds per target, and targets at a time, of the short run in `cargo xtask test`.
const SHORT_SECS: u64 = 5;
const SHORT_JOBS: usize = 2;

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

impl Fuzz {
    fn new() -> Result<Fuzz, String> {
        let root = crate::web::root();
        let root = root.canonicalize().unwrap_or(root);
        let triple = install::host_triple()?;
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
}

fn mkdir(dir: &Path) -> Result<(), String> {
    std::fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))
}
