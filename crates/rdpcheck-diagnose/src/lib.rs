//! What a check's raw observations mean: stage results, findings, one verdict, and the report's
//! structured sections. Pure by construction: this crate depends on no async runtime, no socket
//! library and reads no clock (the only time it uses is [`observe::Observations::now_unix`], which
//! the engine reads). `cargo xtask check-deps` holds that. Every verdict is testable from a
//! recorded transcript (tests/diagnose/).

pub mod cert;
pub mod consistency;
pub mod describe;
pub mod diagnose;
pub mod observe;
pub mod sections;

use rdpcheck_report::{Report, Target, Tool, SCHEMA_VERSION};

use crate::observe::{DnsOutcome, NlaOutcome, Observations};

pub use diagnose::{diagnose, judge_stage, Diagnosis};

pub const TOOL_NAME: &str = "rdpcheck";
pub const TOOL_VERSION: &str = env!("CARGO_PKG_VERSION");

/// Assemble the report document from observations.
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
        negotiation: obs
            .x224
            .as_ref()
            .and_then(|x| sections::negotiation(&x.value)),
        security_layers: obs
            .layers
            .as_ref()
            .map(|l| sections::security_layers(&l.value, obs.x224.as_ref().map(|x| &x.value))),
        tls: obs
            .tls
            .as_ref()
            .and_then(|t| sections::tls(&t.value, &obs.host, obs.now_unix)),
        nla: obs.nla.as_ref().and_then(|n| match &n.value {
            NlaOutcome::Challenge {
                challenge,
                credssp_version,
            } => Some(sections::nla(
                challenge,
                Some(*credssp_version),
                obs.now_unix,
            )),
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
        tcp_info: obs.tcp_info.clone(),
        rdp_file: None,
        client: None,
        relay: None,
        redacted: false,
        findings: diagnosis.findings,
        verdict: diagnosis.verdict,
    }
}
