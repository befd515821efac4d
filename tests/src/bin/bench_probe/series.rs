//! The wall times of one (server, tool) pair and their statistics.

use std::process::Output;
use std::time::Duration;

/// The tool names the series are keyed on.
pub const RDPCHECK_NO_SAMPLES: &str = "rdpcheck --samples 0";
pub const RDPCHECK_DEFAULT: &str = "rdpcheck (default 5 samples)";
pub const NMAP: &str = "nmap";

/// Wall times of one (server, tool) pair.
pub struct Series {
    pub server: &'static str,
    pub tool: &'static str,
    pub ms: Vec<f64>,
    /// Output of the first measured run.
    pub first: Option<Output>,
    pub failures: usize,
    /// The server's CPU time during each run, ms.
    pub server_cpu_ms: Vec<f64>,
    /// Connections the tool opened in one counted run (through the counting forwarder).
    pub connections: Option<usize>,
}

impl Series {
    pub fn new(server: &'static str, tool: &'static str) -> Series {
        Series {
            server,
            tool,
            ms: Vec::new(),
            first: None,
            failures: 0,
            server_cpu_ms: Vec::new(),
            connections: None,
        }
    }

    /// Count one run: its time, whether it worked, and its output if it is the first.
    pub fn record(&mut self, out: Output, took: Duration, ok: bool) {
        self.ms.push(took.as_secs_f64() * 1000.0);
        if !ok {
            self.failures += 1;
        }
        if self.first.is_none() {
            self.first = Some(out);
        }
    }

    fn sorted(&self) -> Vec<f64> {
        sorted(&self.ms)
    }

    pub fn median(&self) -> f64 {
        median(&self.ms)
    }

    /// The median of the server's CPU time per run, ms.
    pub fn server_cpu_median(&self) -> f64 {
        median(&self.server_cpu_ms)
    }

    pub fn min(&self) -> f64 {
        self.sorted().first().copied().unwrap_or(f64::NAN)
    }

    pub fn max(&self) -> f64 {
        self.sorted().last().copied().unwrap_or(f64::NAN)
    }
}

fn sorted(values: &[f64]) -> Vec<f64> {
    let mut v = values.to_vec();
    v.sort_by(f64::total_cmp);
    v
}

fn median(values: &[f64]) -> f64 {
    let v = sorted(values);
    let n = v.len();
    if n == 0 {
        return f64::NAN;
    }
    if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    }
}

/// The series of `tool` on `server`.
pub fn find<'s>(series: &'s [Series], server: &str, tool: &str) -> Option<&'s Series> {
    series.iter().find(|s| s.server == server && s.tool == tool)
}

/// The first measured output of `tool` on `server`.
pub fn first_output<'s>(series: &'s [Series], server: &str, tool: &str) -> Option<&'s Output> {
    find(series, server, tool).and_then(|s| s.first.as_ref())
}
