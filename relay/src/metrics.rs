//! Prometheus text metrics: probes by outcome, stage durations, sessions, refusals by reason,
//! and what the listener holds: open connections, connections turned away or closed by a
//! deadline, WebSocket sends that missed theirs.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::sync::Mutex;

use rdpcheck_report::Stage;

#[derive(Default)]
pub struct Metrics {
    sessions: AtomicI64,
    probes: Mutex<BTreeMap<String, u64>>,
    refusals: Mutex<BTreeMap<String, u64>>,
    stages: Mutex<BTreeMap<String, (u64, f64)>>,
    connections: AtomicI64,
    connections_refused: Mutex<BTreeMap<String, u64>>,
    connections_closed: Mutex<BTreeMap<String, u64>>,
    write_timeouts: AtomicU64,
    accept_errors: AtomicU64,
}

fn bump(map: &Mutex<BTreeMap<String, u64>>, key: &str) {
    if let Ok(mut m) = map.lock() {
        *m.entry(key.to_string()).or_default() += 1;
    }
}

impl Metrics {
    pub fn session_opened(&self) {
        self.sessions.fetch_add(1, Ordering::Relaxed);
    }
    pub fn session_closed(&self) {
        self.sessions.fetch_sub(1, Ordering::Relaxed);
    }
    pub fn probe(&self, outcome: &str) {
        bump(&self.probes, outcome);
    }
    pub fn refusal(&self, code: &str) {
        bump(&self.refusals, code);
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
    pub fn stage(&self, stage: Stage, ms: f64) {
        if let Ok(mut m) = self.stages.lock() {
            let e = m.entry(stage.as_str().to_string()).or_default();
            e.0 += 1;
            e.1 += ms / 1000.0;
        }
    }

    pub fn render(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "# HELP rdpcheck_sessions Open WebSocket sessions.\n# TYPE rdpcheck_sessions gauge"
        );
        let _ = writeln!(
            out,
            "rdpcheck_sessions {}",
            self.sessions.load(Ordering::Relaxed)
        );
        let _ = writeln!(out, "# HELP rdpcheck_probes_total Finished probes by verdict.\n# TYPE rdpcheck_probes_total counter");
        if let Ok(m) = self.probes.lock() {
            for (k, v) in m.iter() {
                let _ = writeln!(out, "rdpcheck_probes_total{{outcome=\"{k}\"}} {v}");
            }
        }
        let _ = writeln!(out, "# HELP rdpcheck_refusals_total Refused requests by error code.\n# TYPE rdpcheck_refusals_total counter");
        if let Ok(m) = self.refusals.lock() {
            for (k, v) in m.iter() {
                let _ = writeln!(out, "rdpcheck_refusals_total{{reason=\"{k}\"}} {v}");
            }
        }
        let _ = writeln!(
            out,
            "# HELP rdpcheck_connections Open connections (HTTP and WebSocket).\n# TYPE rdpcheck_connections gauge\nrdpcheck_connections {}",
            self.connections.load(Ordering::Relaxed)
        );
        let _ = writeln!(out, "# HELP rdpcheck_connections_refused_total Connections turned away at accept, by the cap that was full.\n# TYPE rdpcheck_connections_refused_total counter");
        if let Ok(m) = self.connections_refused.lock() {
            for (k, v) in m.iter() {
                let _ = writeln!(
                    out,
                    "rdpcheck_connections_refused_total{{reason=\"{k}\"}} {v}"
                );
            }
        }
        let _ = writeln!(out, "# HELP rdpcheck_connections_timed_out_total Connections closed because a deadline passed.\n# TYPE rdpcheck_connections_timed_out_total counter");
        if let Ok(m) = self.connections_closed.lock() {
            for (k, v) in m.iter() {
                let _ = writeln!(
                    out,
                    "rdpcheck_connections_timed_out_total{{reason=\"{k}\"}} {v}"
                );
            }
        }
        let _ = writeln!(
            out,
            "# HELP rdpcheck_write_timeouts_total WebSocket sessions closed because the client stopped reading.\n# TYPE rdpcheck_write_timeouts_total counter\nrdpcheck_write_timeouts_total {}",
            self.write_timeouts.load(Ordering::Relaxed)
        );
        let _ = writeln!(
            out,
            "# HELP rdpcheck_accept_errors_total Failed accepts (e.g. out of file descriptors).\n# TYPE rdpcheck_accept_errors_total counter\nrdpcheck_accept_errors_total {}",
            self.accept_errors.load(Ordering::Relaxed)
        );
        let _ = writeln!(out, "# HELP rdpcheck_stage_duration_seconds Stage durations.\n# TYPE rdpcheck_stage_duration_seconds summary");
        if let Ok(m) = self.stages.lock() {
            for (k, (n, s)) in m.iter() {
                let _ = writeln!(
                    out,
                    "rdpcheck_stage_duration_seconds_sum{{stage=\"{k}\"}} {s}"
                );
                let _ = writeln!(
                    out,
                    "rdpcheck_stage_duration_seconds_count{{stage=\"{k}\"}} {n}"
                );
            }
        }
        out
    }
}
