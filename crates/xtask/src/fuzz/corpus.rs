//! The repository's corpus, `fuzz/corpus/<target>/`: rebuilt from the seeds (`--seed`), or grown
//! by the inputs of the last run that bring new coverage (`--merge`), both by libFuzzer's
//! `-merge=1`, for a person to review and commit.

use std::path::Path;

use super::report::{dir_size, excerpt};
use super::{mkdir, seed, Fuzz};

impl Fuzz {
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

    pub(super) fn seed(&self, targets: &[String]) -> Result<(), String> {
        for target in targets {
            let seeds = seed::seeds(&self.root, target)?;
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

    pub(super) fn merge(&self, targets: &[String]) -> Result<(), String> {
        for target in targets {
            let scratch = self.scratch_corpus(target);
            mkdir(&scratch)?;
            self.merge_dirs(target, &self.repo_corpus(target), &scratch, false)?;
        }
        Ok(())
    }
}
