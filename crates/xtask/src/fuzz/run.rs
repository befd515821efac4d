//! One fuzzing run: the targets side by side, `jobs` at a time, each for `secs` seconds over a
//! scratch corpus (written) and the repository's (only read).

use std::path::PathBuf;
use std::process::{Child, ExitStatus};
use std::time::Duration;

use super::report::{Outcome, Stats};
use super::{mkdir, Fuzz};

/// libFuzzer's per-input limit: an input slower than this is reported as a hang.
const INPUT_TIMEOUT_SECS: u64 = 10;

impl Fuzz {
    pub(super) fn fuzz(&self, targets: &[String], secs: u64, jobs: usize) -> Result<(), String> {
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
}
