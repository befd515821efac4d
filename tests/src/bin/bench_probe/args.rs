//! The command line.

use std::path::PathBuf;

use rdpcheck_labtests::require_binary;

const DEFAULT_RUNS: usize = 15;
const USAGE: &str = "usage: bench-probe --rdpcheck PATH [--runs N] [--nmap PATH]";

pub struct Args {
    pub rdpcheck: PathBuf,
    pub nmap: PathBuf,
    pub runs: usize,
}

pub fn parse_args() -> Result<Args, String> {
    let mut rdpcheck = None;
    let mut nmap = None;
    let mut runs = DEFAULT_RUNS;
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        let mut value = |name: &str| it.next().ok_or(format!("{name} needs a value\n{USAGE}"));
        match arg.as_str() {
            "--rdpcheck" => rdpcheck = Some(PathBuf::from(value("--rdpcheck")?)),
            "--nmap" => nmap = Some(PathBuf::from(value("--nmap")?)),
            "--runs" => {
                runs = value("--runs")?
                    .parse()
                    .map_err(|e| format!("--runs: {e}\n{USAGE}"))?;
                if runs == 0 {
                    return Err(format!("--runs must be at least 1\n{USAGE}"));
                }
            }
            "-h" | "--help" => return Err(USAGE.to_string()),
            other => return Err(format!("unknown argument {other:?}\n{USAGE}")),
        }
    }
    let rdpcheck = rdpcheck.ok_or(format!("--rdpcheck is required\n{USAGE}"))?;
    if !rdpcheck.is_file() {
        return Err(format!(
            "{} is not a file: build it first (cargo build --release -p rdpcheck-cli)",
            rdpcheck.display()
        ));
    }
    let nmap = nmap.unwrap_or_else(|| require_binary("nmap", "nmap"));
    Ok(Args {
        rdpcheck,
        nmap,
        runs,
    })
}
