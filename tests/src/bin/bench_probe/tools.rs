//! Running the two tools: their command lines, wall time, and whether a run worked.

use std::path::Path;
use std::process::{Command, Output};
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::args::Args;

/// Run `cmd` to its end: its output and the wall time around `Command::output()`.
pub fn timed(cmd: &mut Command) -> (Output, Duration) {
    let start = Instant::now();
    let out = cmd
        .output()
        .unwrap_or_else(|e| panic!("cannot run {cmd:?}: {e}"));
    (out, start.elapsed())
}

/// `rdpcheck probe 127.0.0.1:PORT --json [--samples N]`.
pub fn rdpcheck_cmd(args: &Args, port: u16, samples: Option<u32>) -> Command {
    let mut cmd = Command::new(&args.rdpcheck);
    cmd.arg("probe")
        .arg(format!("127.0.0.1:{port}"))
        .arg("--json");
    if let Some(n) = samples {
        cmd.arg("--samples").arg(n.to_string());
    }
    cmd
}

/// `nmap -Pn -n --servicedb FILE --script rdp-enum-encryption,rdp-ntlm-info 127.0.0.1`.
pub fn nmap_cmd(args: &Args, servicedb: &Path) -> Command {
    let mut cmd = Command::new(&args.nmap);
    cmd.args(["-Pn", "-n", "--servicedb"]).arg(servicedb).args([
        "--script",
        "rdp-enum-encryption,rdp-ntlm-info",
        "127.0.0.1",
    ]);
    cmd
}

/// The command line as one would type it.
pub fn shown(cmd: &Command) -> String {
    std::iter::once(cmd.get_program())
        .chain(cmd.get_args())
        .map(|s| s.to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join(" ")
}

pub fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// rdpcheck exits 0 (healthy) or 1 (a stage fails); anything else is a usage or internal error.
pub fn rdpcheck_ok(out: &Output) -> bool {
    matches!(out.status.code(), Some(0 | 1)) && serde_json::from_slice::<Value>(&out.stdout).is_ok()
}

/// The scripts ran when nmap's output names them (a crashed script still prints its name).
pub fn nmap_scripts_ran(out: &Output) -> bool {
    let text = stdout(out);
    out.status.success() && text.contains("rdp-enum-encryption")
}

/// The first non-empty line `program arg` prints (e.g. its `--version`), or `unknown`.
pub fn first_line(program: &Path, arg: &str) -> String {
    Command::new(program)
        .arg(arg)
        .output()
        .ok()
        .and_then(|o| {
            stdout(&o)
                .lines()
                .find(|l| !l.trim().is_empty())
                .map(str::to_string)
        })
        .unwrap_or_else(|| "unknown".into())
}
