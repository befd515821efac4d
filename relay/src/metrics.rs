//! Prometheus text metrics (every one documented in the README, "Metrics"): sessions, probes by
//! verdict and by the stage that decided it, refusals by reason, limiter hits by limit, stage and
//! probe durations as histograms, and what the listener holds: open connections, connections
//! turned away or closed by a deadline, WebSocket sends that missed theirs; with a
//! `limits_backend`, whether it answers and how often the local limiters stood in for it.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::atomic::{AtomicI64, AtomicU64, AtomicU8, Ordering};
use std::sync::Mutex;

use rdpcheck_report::Stage;

/// Upper bounds (seconds) of the duration histograms' buckets: a refused port answers in
/// milliseconds, a probe's deadline is `probe_timeout_s` (30 s by default).
pub const DURATION_BUCKETS: [f64; 12] = [
    0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0,
];

/// One histogram series: cumulative bucket counts (each counts the observations at most its
/// bound), the count and the sum.
#[derive(Debug, Default, Clone)]
struct Histogram {
    buckets: [u64; DURATION_BUCKETS.len()],
    count: u64,
    sum: f64,
}

impl Histogram {
    fn observe(&mut self, seconds: f64) {
        for (n, bound) in self.buckets.iter_mut().zip(DURATION_BUCKETS) {
            if seconds <= bound {
                *n += 1;
            }
        }
        self.count += 1;
        self.sum += seconds;
    }

    /// The series' lines; `labels` is empty or `name="value",` pairs ending with a comma.
    fn render(&self, out: &mut String, name: &str, labels: &str) {
        for (n, bound) in self.buckets.iter().zip(DURATION_BUCKETS) {
            let _ = writeln!(out, "{name}_bucket{{{labels}le=\"{bound}\"}} {n}");
        }
        let _ = writeln!(out, "{name}_bucket{{{labels}le=\"+Inf\"}} {}", self.count);
        let labels = labels.trim_end_matches(',');
        let braces = if labels.is_empty() {
            String::new()
        } else {
            format!("{{{labels}}}")
        };
        let _ = writeln!(out, "{name}_sum{braces} {}", self.sum);
        let _ = writeln!(out, "{name}_count{braces} {}", self.count);
    }
}

#[derive(Default)]
pub struct Metrics {
    sessions: AtomicI64,
    probes: Mutex<BTreeMap<String, u64>>,
    verdicts: Mutex<BTreeMap<(String, String), u64>>,
    refusals: Mutex<BTreeMap<String, u64>>,
    limiter_hits: Mutex<BTreeMap<String, u64>>,
    stages: Mutex<BTreeMap<String, Histogram>>,
    probe_durations: Mutex<Histogram>,
    connections: AtomicI64,
    connections_refused: Mutex<BTreeMap<String, u64>>,
    connections_closed: Mutex<BTreeMap<String, u64>>,
    write_timeouts: AtomicU64,
    accept_errors: AtomicU64,
    /// [`BACKEND_NONE`], [`BACKEND_DOWN`] or [`BACKEND_UP`].
    limits_backend: AtomicU8,
    limits_backend_fallbacks: AtomicU64,
}

/// No `limits_backend`: `rdpcheck_limits_backend_up` has no sample.
const BACKEND_NONE: u8 = 0;
const BACKEND_DOWN: u8 = 1;
const BACKEND_UP: u8 = 2;

fn bump(map: &Mutex<BTreeMap<String, u64>>, key: &str) {
    if let Ok(mut m) = map.lock() {
        *m.entry(key.to_string()).or_default() += 1;
    }
}

/// `# HELP` and `# TYPE` lines.
fn header(out: &mut String, name: &str, kind: &str, help: &str) {
    let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} {kind}");
}

/// A family with one label, a line per value seen.
fn labelled(out: &mut String, name: &str, label: &str, map: &Mutex<BTreeMap<String, u64>>) {
    if let Ok(m) = map.lock() {
        for (k, v) in m.iter() {
            let _ = writeln!(out, "{name}{{{label}=\"{k}\"}} {v}");
        }
    }
}

impl Metrics {
    pub fn session_opened(&self) {
        self.sessions.fetch_add(1, Ordering::Relaxed);
    }
    pub fn session_closed(&self) {
        self.sessions.fetch_sub(1, Ordering::Relaxed);
    }
    /// A finished probe: its verdict (`healthy`, `problem`, `incomplete`), the stage the verdict
    /// names (`None` for a healthy one), and how long it took.
    pub fn probe(&self, verdict: &str, stage: Option<Stage>, seconds: f64) {
        bump(&self.probes, verdict);
        if let Ok(mut m) = self.verdicts.lock() {
            let stage = stage.map_or("none", Stage::as_str);
            *m.entry((verdict.to_string(), stage.to_string()))
                .or_default() += 1;
        }
        if let Ok(mut h) = self.probe_durations.lock() {
            h.observe(seconds);
        }
    }
    pub fn refusal(&self, code: &str) {
        bump(&self.refusals, code);
    }
    /// A limit that refused a request (`limits::Refusal::limit`, or `failed_auth` for the
    /// wrong-token throttle).
    pub fn limiter_hit(&self, limit: &str) {
        bump(&self.limiter_hits, limit);
    }
    pub fn connection_opened(&self) {
        self.connections.fetch_add(1, Ordering::Relaxed);
    }
    pub fn connection_closed(&self) {
        self.connections.fetch_sub(1, Ordering::Relaxed);
    }
    /// A connection turned away at accept (`per_client`, `total`).
    pub fn connection_refused(&self, reason: &str) {
        bump(&self.connections_refused, reason);
    }
    /// A connection the relay closed because a deadline passed (`header_timeout`,
    /// `idle_timeout`, `tls_handshake`).
    pub fn connection_timed_out(&self, reason: &str) {
        bump(&self.connections_closed, reason);
    }
    /// A WebSocket send that missed its deadline (the session was closed).
    pub fn write_timeout(&self) {
        self.write_timeouts.fetch_add(1, Ordering::Relaxed);
    }
    pub fn accept_error(&self) {
        self.accept_errors.fetch_add(1, Ordering::Relaxed);
    }
    /// Whether the limits backend answers (`limits::shared`); the first call also says there
    /// is one.
    pub fn limits_backend_up(&self, up: bool) {
        let state = if up { BACKEND_UP } else { BACKEND_DOWN };
        self.limits_backend.store(state, Ordering::Relaxed);
    }
    /// A request whose rates the local limiters decided because the backend did not answer.
    pub fn limits_backend_fallback(&self) {
        self.limits_backend_fallbacks
            .fetch_add(1, Ordering::Relaxed);
    }
    pub fn stage(&self, stage: Stage, ms: f64) {
        if let Ok(mut m) = self.stages.lock() {
            m.entry(stage.as_str().to_string())
                .or_default()
                .observe(ms / 1000.0);
        }
    }

    pub fn render(&self) -> String {
        let mut out = String::new();
        let o = &mut out;
        header(o, "rdpcheck_sessions", "gauge", "Open WebSocket sessions.");
        let _ = writeln!(
            o,
            "rdpcheck_sessions {}",
            self.sessions.load(Ordering::Relaxed)
        );
        header(
            o,
            "rdpcheck_probes_total",
            "counter",
            "Finished probes by verdict.",
        );
        labelled(o, "rdpcheck_probes_total", "outcome", &self.probes);
        header(
            o,
            "rdpcheck_probe_verdicts_total",
            "counter",
            "Finished probes by verdict and the stage the verdict names (none when healthy).",
        );
        if let Ok(m) = self.verdicts.lock() {
            for ((verdict, stage), v) in m.iter() {
                let _ = writeln!(
                    o,
                    "rdpcheck_probe_verdicts_total{{verdict=\"{verdict}\",stage=\"{stage}\"}} {v}"
                );
            }
        }
        header(
            o,
            "rdpcheck_refusals_total",
            "counter",
            "Refused requests by error code.",
        );
        labelled(o, "rdpcheck_refusals_total", "reason", &self.refusals);
        header(
            o,
            "rdpcheck_limiter_hits_total",
            "counter",
            "Requests refused by an admission limit, by the limit.",
        );
        labelled(
            o,
            "rdpcheck_limiter_hits_total",
            "limit",
            &self.limiter_hits,
        );
        header(
            o,
            "rdpcheck_connections",
            "gauge",
            "Open connections (HTTP and WebSocket).",
        );
        let _ = writeln!(
            o,
            "rdpcheck_connections {}",
            self.connections.load(Ordering::Relaxed)
        );
        header(
            o,
            "rdpcheck_connections_refused_total",
            "counter",
            "Connections turned away at accept, by the cap that was full.",
        );
        labelled(
            o,
            "rdpcheck_connections_refused_total",
            "reason",
            &self.connections_refused,
        );
        header(
            o,
            "rdpcheck_connections_timed_out_total",
            "counter",
            "Connections closed because a deadline passed.",
        );
        labelled(
            o,
            "rdpcheck_connections_timed_out_total",
            "reason",
            &self.connections_closed,
        );
        header(
            o,
            "rdpcheck_write_timeouts_total",
            "counter",
            "WebSocket sessions closed because the client stopped reading.",
        );
        let _ = writeln!(
            o,
            "rdpcheck_write_timeouts_total {}",
            self.write_timeouts.load(Ordering::Relaxed)
        );
        header(
            o,
            "rdpcheck_accept_errors_total",
            "counter",
            "Failed accepts (e.g. out of file descriptors).",
        );
        let _ = writeln!(
            o,
            "rdpcheck_accept_errors_total {}",
            self.accept_errors.load(Ordering::Relaxed)
        );
        header(
            o,
            "rdpcheck_limits_backend_up",
            "gauge",
            "Whether the limits backend (Redis) answered the last request that asked it.",
        );
        let backend = self.limits_backend.load(Ordering::Relaxed);
        if backend != BACKEND_NONE {
            let up = u8::from(backend == BACKEND_UP);
            let _ = writeln!(o, "rdpcheck_limits_backend_up {up}");
        }
        header(
            o,
            "rdpcheck_limits_backend_fallbacks_total",
            "counter",
            "Rate checks decided by this relay's own limiters because the limits backend did not answer.",
        );
        let _ = writeln!(
            o,
            "rdpcheck_limits_backend_fallbacks_total {}",
            self.limits_backend_fallbacks.load(Ordering::Relaxed)
        );
        header(
            o,
            "rdpcheck_stage_duration_seconds",
            "histogram",
            "Stage durations.",
        );
        if let Ok(m) = self.stages.lock() {
            for (stage, h) in m.iter() {
                h.render(
                    o,
                    "rdpcheck_stage_duration_seconds",
                    &format!("stage=\"{stage}\","),
                );
            }
        }
        header(
            o,
            "rdpcheck_probe_duration_seconds",
            "histogram",
            "Durations of finished probes.",
        );
        if let Ok(h) = self.probe_durations.lock() {
            h.render(o, "rdpcheck_probe_duration_seconds", "");
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn histograms_are_cumulative_and_end_with_inf_sum_and_count() {
        let m = Metrics::default();
        m.stage(Stage::Tcp, 3.0);
        m.stage(Stage::Tcp, 700.0);
        m.stage(Stage::Tcp, 60_000.0);
        let text = m.render();
        let line = |series: &str| {
            text.lines()
                .find_map(|l| l.strip_prefix(series)?.strip_prefix(' '))
                .unwrap_or_else(|| panic!("no {series} in\n{text}"))
                .to_string()
        };
        let tcp = "rdpcheck_stage_duration_seconds";
        assert_eq!(
            line(&format!("{tcp}_bucket{{stage=\"tcp\",le=\"0.005\"}}")),
            "1"
        );
        assert_eq!(
            line(&format!("{tcp}_bucket{{stage=\"tcp\",le=\"0.5\"}}")),
            "1"
        );
        assert_eq!(
            line(&format!("{tcp}_bucket{{stage=\"tcp\",le=\"1\"}}")),
            "2"
        );
        assert_eq!(
            line(&format!("{tcp}_bucket{{stage=\"tcp\",le=\"30\"}}")),
            "2"
        );
        assert_eq!(
            line(&format!("{tcp}_bucket{{stage=\"tcp\",le=\"+Inf\"}}")),
            "3"
        );
        assert_eq!(line(&format!("{tcp}_count{{stage=\"tcp\"}}")), "3");
        let sum: f64 = line(&format!("{tcp}_sum{{stage=\"tcp\"}}"))
            .parse()
            .expect("a number");
        assert!((sum - 60.703).abs() < 1e-9, "{sum}");
        assert!(text.contains("# TYPE rdpcheck_stage_duration_seconds histogram"));
        // No probe yet: the unlabelled histogram is all zeros, present from the start.
        assert_eq!(
            line("rdpcheck_probe_duration_seconds_bucket{le=\"+Inf\"}"),
            "0"
        );
        assert_eq!(line("rdpcheck_probe_duration_seconds_count"), "0");
    }

    #[test]
    fn probes_count_by_verdict_and_by_verdict_and_stage() {
        let m = Metrics::default();
        m.probe("problem", Some(Stage::Tcp), 0.002);
        m.probe("problem", Some(Stage::Tcp), 0.003);
        m.probe("healthy", None, 1.2);
        m.limiter_hit("client_rate");
        let text = m.render();
        for series in [
            "rdpcheck_probes_total{outcome=\"problem\"} 2",
            "rdpcheck_probes_total{outcome=\"healthy\"} 1",
            "rdpcheck_probe_verdicts_total{verdict=\"problem\",stage=\"tcp\"} 2",
            "rdpcheck_probe_verdicts_total{verdict=\"healthy\",stage=\"none\"} 1",
            "rdpcheck_probe_duration_seconds_bucket{le=\"0.005\"} 2",
            "rdpcheck_probe_duration_seconds_count 3",
            "rdpcheck_limiter_hits_total{limit=\"client_rate\"} 1",
        ] {
            assert!(text.lines().any(|l| l == series), "no {series} in\n{text}");
        }
    }
}
