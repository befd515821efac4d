//! The command line.

use std::path::PathBuf;
use std::time::Duration;

const DEFAULT_IDLE: usize = 10_000;
const DEFAULT_CONCURRENCY: usize = 64;
const DEFAULT_DURATION_S: u64 = 10;
const USAGE: &str = "usage: bench-relay --relay PATH [--idle N] [--concurrency C] [--duration S]";

pub struct Args {
    pub relay: PathBuf,
    pub idle: usize,
    pub concurrency: usize,
    pub duration: Duration,
}

pub fn parse_args() -> Result<Args, String> {
    let mut relay = None;
    let mut idle = DEFAULT_IDLE;
    let mut concurrency = DEFAULT_CONCURRENCY;
    let mut duration_s = DEFAULT_DURATION_S;
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        let mut value = |name: &str| it.next().ok_or(format!("{name} needs a value\n{USAGE}"));
        let number = |name: &str, v: String| -> Result<u64, String> {
            match v.parse::<u64>() {
                Ok(n) if n > 0 => Ok(n),
                Ok(_) => Err(format!("{name} must be at least 1\n{USAGE}")),
                Err(e) => Err(format!("{name}: {e}\n{USAGE}")),
            }
        };
        match arg.as_str() {
            "--relay" => relay = Some(PathBuf::from(value("--relay")?)),
            "--idle" => idle = number("--idle", value("--idle")?)? as usize,
            "--concurrency" => {
                concurrency = number("--concurrency", value("--concurrency")?)? as usize
            }
            "--duration" => duration_s = number("--duration", value("--duration")?)?,
            "-h" | "--help" => return Err(USAGE.to_string()),
            other => return Err(format!("unknown argument {other:?}\n{USAGE}")),
        }
    }
    let relay = relay.ok_or(format!("--relay is required\n{USAGE}"))?;
    if !relay.is_file() {
        return Err(format!(
            "{} is not a file: build it first (cargo build --release -p rdpcheck-relay)",
            relay.display()
        ));
    }
    Ok(Args {
        relay,
        idle,
        concurrency,
        duration: Duration::from_secs(duration_s),
    })
}
