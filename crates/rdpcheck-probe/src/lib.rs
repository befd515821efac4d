//! The probe engine: runs the ladder of real handshakes against one host and diagnoses the result.
//!
//! I/O lives in `stages/` (thin tokio layers with deadlines) and `engine` (the ladder); what the
//! observations mean (`diagnose`, `sections`, `cert`, `describe`) is pure and tested from
//! recorded observations.

pub mod cert;
pub mod describe;
pub mod diagnose;
mod engine;
pub mod observe;
mod options;
pub mod sections;
pub(crate) mod stages;
pub mod target;

pub use options::ProbeOptions;
pub use stages::dns::resolve;
pub use stages::trust::load_pem_certs;
pub use target::{parse_target, TargetError};

use rdpcheck_report::{Event, Report, Target, Tool, SCHEMA_VERSION};
use tokio::sync::mpsc::UnboundedSender;
use tokio::time::Instant;

use crate::diagnose::{diagnose, ladder_stages};
use crate::observe::{DnsOutcome, NlaOutcome, Observations};

pub const TOOL_NAME: &str = "rdpcheck";
pub const TOOL_VERSION: &str = env!("CARGO_PKG_VERSION");

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
        // Every stage starts pending; each removes itself when judged. What is left when the
        // deadline passes was skipped for time.
        deadline_skipped: ladder_stages(opts.gateway.is_some(), opts.udp)
            .iter()
            .map(|s| s.to_string())
            .collect(),
        udp_enabled: opts.udp,
        ..Observations::default()
    };
    let finished = tokio::time::timeout_at(
        t0 + opts.total_timeout,
        engine::ladder(&opts, &mut obs, &emit),
    )
    .await
    .is_ok();
    if finished {
        obs.deadline_skipped.clear();
    } else {
        let pending = obs.deadline_skipped.clone();
        for stage in pending {
            emit.finished(&stage, &mut obs.clone());
        }
    }
    build_report(&obs, started_at, net_ms(t0))
}

fn net_ms(t0: Instant) -> f64 {
    (t0.elapsed().as_secs_f64() * 100_000.0).round() / 100.0
}

/// Assemble the report document from observations (pure).
pub fn build_report(obs: &Observations, started_at: String, duration_ms: f64) -> Report {
    let diagnosis = diagnose(obs);
    let addresses = match obs.dns.as_ref().map(|d| &d.value) {
        Some(DnsOutcome::Literal(ip)) => vec![ip.to_string()],
        Some(DnsOutcome::Resolved(list)) => list.iter().map(ToString::to_string).collect(),
        _ => Vec::new(),
    };
    Report {
        schema: SCHEMA_VERSION,
        tool: Tool {
            name: TOOL_NAME.into(),
            version: TOOL_VERSION.into(),
        },
        target: Target {
            host: obs.host.clone(),
            port: obs.port,
            addresses,
            probed_address: obs.probed.map(|a| a.to_string()),
        },
        started_at,
        duration_ms,
        stages: diagnosis.stages,
        security_layers: obs
            .layers
            .as_ref()
            .map(|l| sections::security_layers(&l.value, obs.x224.as_ref().map(|x| &x.value))),
        tls: obs
            .tls
            .as_ref()
            .and_then(|t| sections::tls(&t.value, &obs.host, obs.now_unix)),
        nla: obs.nla.as_ref().and_then(|n| match &n.value {
            NlaOutcome::Challenge(ch) => Some(sections::nla(ch, obs.now_unix)),
            _ => None,
        }),
        stability: obs
            .stability
            .as_ref()
            .map(|s| sections::stability(&s.value)),
        gateway: obs
            .gateway
            .as_ref()
            .map(|g| sections::gateway(g, obs.now_unix)),
        udp: obs.udp.as_ref().map(|u| sections::udp(&u.value, obs.port)),
        rdp_file: None,
        relay: None,
        redacted: false,
        findings: diagnosis.findings,
        verdict: diagnosis.verdict,
    }
}
