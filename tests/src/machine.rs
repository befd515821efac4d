//! Facts about the machine for the benchmark reports (other work on the machine skews their
//! figures): a command's output line and the load average.

use std::process::Command;

/// The trimmed standard output of `program args…`, or `unknown` when it cannot run.
pub fn shell_line(program: &str, args: &[&str]) -> String {
    Command::new(program)
        .args(args)
        .output()
        .ok()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .unwrap_or_else(|| "unknown".into())
}

/// The first three fields of /proc/loadavg (1, 5 and 15 minutes), or `unknown`.
pub fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .map(|l| l.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|| "unknown".into())
}

/// The current UTC time as `YYYY-MM-DDTHH:MM:SSZ` (from `date`), or `unknown`.
pub fn utc_now() -> String {
    shell_line("date", &["-u", "+%Y-%m-%dT%H:%M:%SZ"])
}
