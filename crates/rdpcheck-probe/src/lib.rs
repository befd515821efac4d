//! The probe engine: runs the ladder of real handshakes against one host.
//!
//! I/O lives here: `stages/` (thin tokio layers with deadlines) and `engine` (the ladder). What
//! the observations mean is the pure crate `rdpcheck-diagnose`, re-exported for the engine's
//! callers.

mod engine;
mod options;
pub(crate) mod stages;
pub mod target;

pub use options::ProbeOptions;
pub use rdpcheck_diagnose::{build_report, cert, describe, diagnose, observe, sections};
pub use rdpcheck_diagnose::{TOOL_NAME, TOOL_VERSION};
pub use stages::dns::resolve;
pub use stages::trust::load_pem_certs;
pub use target::{parse_target, TargetError};

use rdpcheck_report::{Event, Report, Stage};
use tokio::sync::mpsc::UnboundedSender;
use tokio::time::Instant;

use crate::observe::Observations;

/// Run every stage against `opts.host` and return the report. Progress goes to `events`.
///
/// Never fails: every problem is an observation. Honours `opts.total_timeout` for the whole run.
pub async fn probe(opts: ProbeOptions, events: Option<UnboundedSender<Event>>) -> Report {
    let started_at = sections::rfc3339(engine::unix_now() as i64);
    let t0 = Instant::now();
    let emit = engine::Emitter::new(events, t0);
    let mut obs = Observations {
        host: opts.host.clone(),
        port: opts.port,
        now_unix: engine::unix_now(),
        udp_enabled: opts.udp,
        client: opts.client,
        ..Observations::default()
    };
    let finished = tokio::time::timeout_at(
        t0 + opts.total_timeout,
        engine::ladder(&opts, &mut obs, &emit),
    )
    .await
    .is_ok();
    if !finished {
        // What the ladder did not judge before the deadline was skipped for time.
        let judged = emit.judged();
        obs.deadline_skipped = Stage::ladder(opts.gateway.is_some(), opts.udp)
            .into_iter()
            .filter(|s| !judged.contains(s))
            .collect();
        for stage in obs.deadline_skipped.clone() {
            emit.finished(stage, &obs);
        }
    }
    build_report(&obs, started_at, net_ms(t0))
}

fn net_ms(t0: Instant) -> f64 {
    (t0.elapsed().as_secs_f64() * 100_000.0).round() / 100.0
}
