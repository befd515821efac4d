//! Files the CLI cannot probe: exit 2, the reason on stderr, nothing on stdout.

use rdpcheck_labtests::mstsc::write_rdp;

use crate::connection_file;
use std::time::Duration;

use crate::run::{assert_exit, probe_file, rdpcheck};

#[test]
fn rdp_file_without_full_address_is_bad_input() {
    let dir = tempfile::tempdir().expect("tempdir");
    let lines: Vec<String> = connection_file(3389, None)
        .into_iter()
        .filter(|l| !l.starts_with("full address"))
        .collect();
    let file = write_rdp(dir.path(), "nohost.rdp", &lines);
    let run = probe_file(&file, &[]);
    assert_exit(&run, 2);
    assert!(
        run.stderr.contains("full address"),
        "stderr does not name the missing line:\n{}",
        run.dump()
    );
    assert!(run.stdout.is_empty(), "{}", run.dump());
}

#[test]
fn missing_rdp_file_is_bad_input() {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("does-not-exist.rdp");
    let run = probe_file(&file, &[]);
    assert_exit(&run, 2);
    assert!(
        run.stderr.contains("does-not-exist.rdp"),
        "stderr does not name the file:\n{}",
        run.dump()
    );
    assert!(run.stdout.is_empty(), "{}", run.dump());
}

/// `/dev/zero` never ends: the built binary must stop at its cap, at once, with exit code 2 and
/// a message naming the file and the cap (not read until memory runs out).
#[test]
fn endless_files_are_bad_input_at_once() {
    for (args, phrase) in [
        (
            vec!["probe", "--rdp-file", "/dev/zero"],
            "--rdp-file /dev/zero: larger than 1 MiB",
        ),
        (
            vec!["probe", "127.0.0.1", "--ca-file", "/dev/zero"],
            "--ca-file /dev/zero: larger than 4 MiB",
        ),
    ] {
        let run = rdpcheck(&args);
        assert_exit(&run, 2);
        assert!(run.stderr.contains(phrase), "{}", run.dump());
        assert!(run.stdout.is_empty(), "{}", run.dump());
        assert!(run.elapsed < Duration::from_secs(5), "{}", run.dump());
    }
}
