//! From observations to stage results, findings and one verdict: one file per stage (mirroring
//! the engine's `stages/`), the verdict, and what a client would show.
//!
//! Finding codes are a published contract (the knowledge base keys on them); they are the typed
//! [`FindingCode`] of `rdpcheck-report`, listed in ARCHITECTURE.md.

mod cert;
pub mod clients;
mod dns;
mod gateway;
mod hints;
mod kernel;
mod layers;
mod mtu;
mod nla;
mod skip;
mod stability;
pub mod suites;
mod tcp;
mod tls;
mod udp;
mod verdict;
mod x224;

use rdpcheck_report::{Finding, FindingCode, Severity, Stage, StageResult, StageStatus, Verdict};
use serde_json::{Map, Value};

use crate::observe::{Observations, ReplyOutcome};
use rdpcheck_proto::x224::{protocol, Negotiation};

pub use hints::client_error_hint;
pub use verdict::verdict;

/// The judgement over a whole check.
#[derive(Debug, Clone)]
pub struct Diagnosis {
    pub stages: Vec<StageResult>,
    pub findings: Vec<Finding>,
    pub verdict: Verdict,
}

/// Judge every stage in ladder order, then pick the verdict.
pub fn diagnose(obs: &Observations) -> Diagnosis {
    let order = Stage::ladder(obs.gateway.is_some(), obs.udp_enabled);
    let mut stages = Vec::new();
    let mut findings = Vec::new();
    for stage in &order {
        let (result, mut found) = judge_stage(*stage, obs);
        stages.push(result);
        findings.append(&mut found);
    }
    let verdict = verdict(obs, &findings, &order);
    Diagnosis {
        stages,
        findings,
        verdict,
    }
}

/// What one stage's judge found: `None` from a judge means the stage did not run.
pub(crate) struct Judged {
    pub summary: String,
    pub details: Map<String, Value>,
    pub findings: Vec<Finding>,
    pub ms: f64,
}

impl Judged {
    pub fn pass(summary: impl Into<String>, ms: f64) -> Judged {
        Judged {
            summary: summary.into(),
            details: Map::new(),
            findings: Vec::new(),
            ms,
        }
    }

    /// One failing finding whose summary is also the stage's summary.
    pub fn fail(
        code: impl Into<FindingCode>,
        summary: impl Into<String>,
        evidence: impl Into<String>,
        ms: f64,
    ) -> Judged {
        let summary = summary.into();
        Judged {
            summary: summary.clone(),
            details: Map::new(),
            findings: vec![finding(code, Severity::Fail, summary, evidence)],
            ms,
        }
    }

    /// The summary is the first finding's when there is one, else `otherwise`.
    pub fn from_findings(
        findings: Vec<Finding>,
        otherwise: impl Into<String>,
        details: Map<String, Value>,
        ms: f64,
    ) -> Judged {
        Judged {
            summary: findings
                .first()
                .map_or_else(|| otherwise.into(), |f| f.summary.clone()),
            details,
            findings,
            ms,
        }
    }
}

/// Judge one stage. A stage that did not run is `skip` with the reason.
pub fn judge_stage(stage: Stage, obs: &Observations) -> (StageResult, Vec<Finding>) {
    let judged = match stage {
        Stage::Dns => dns::judge(obs),
        Stage::Tcp => tcp::judge(obs),
        Stage::X224 => x224::judge(obs),
        Stage::SecurityLayers => layers::judge(obs),
        Stage::Tls => tls::judge(obs),
        Stage::Nla => nla::judge(obs),
        Stage::Stability => stability::judge(obs),
        Stage::Udp => udp::judge(obs),
        Stage::GatewayDns => obs.gateway.as_ref().and_then(gateway::dns),
        Stage::GatewayTcp => obs.gateway.as_ref().and_then(gateway::tcp),
        Stage::GatewayTls => obs
            .gateway
            .as_ref()
            .and_then(|g| gateway::tls(g, obs.now_unix)),
        Stage::GatewayHttp => obs.gateway.as_ref().and_then(gateway::http),
    };
    match judged {
        Some(j) => (
            StageResult {
                name: stage,
                status: status_of(&j.findings),
                duration_ms: round(j.ms),
                summary: j.summary,
                details: j.details,
            },
            j.findings,
        ),
        None => skip::skipped(stage, obs),
    }
}

pub(crate) fn finding(
    code: impl Into<FindingCode>,
    severity: Severity,
    summary: impl Into<String>,
    evidence: impl Into<String>,
) -> Finding {
    Finding {
        code: code.into(),
        severity,
        summary: summary.into(),
        evidence: evidence.into(),
    }
}

/// A stage's status is its worst finding.
pub(crate) fn status_of(findings: &[Finding]) -> StageStatus {
    match findings.iter().map(|f| f.severity).max() {
        Some(Severity::Fail) => StageStatus::Fail,
        Some(Severity::Warn) => StageStatus::Warn,
        _ => StageStatus::Pass,
    }
}

/// Whether the main negotiation selected NLA (CredSSP), so the nla stage matters.
pub(crate) fn nla_selected(obs: &Observations) -> bool {
    matches!(
        obs.x224.as_ref().map(|x| &x.value),
        Some(ReplyOutcome::Confirm {
            negotiation: Negotiation::Selected { selected, .. },
            ..
        }) if *selected == protocol::HYBRID || *selected == protocol::HYBRID_EX
    )
}

pub(crate) fn round(ms: f64) -> f64 {
    (ms * 100.0).round() / 100.0
}
