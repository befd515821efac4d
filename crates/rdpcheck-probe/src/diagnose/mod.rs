//! From observations to findings, stage results and one verdict. Pure: no sockets, no clock
//! (the only time it uses is `Observations::now_unix`, read by the engine).
//!
//! Finding codes are a published contract (the knowledge base keys on them); the full list is
//! [`codes::ALL`] and ARCHITECTURE.md.

pub mod codes;
mod hints;
mod path;
mod stages;
mod verdict;

use rdpcheck_report::{Finding, Severity, StageResult, StageStatus, Verdict};

use crate::observe::Observations;

pub use path::http_text;
pub use stages::{judge_stage, ladder_stages, GATEWAY_STAGES, STAGES};
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
    let mut stages = Vec::new();
    let mut findings = Vec::new();
    let order = ladder_stages(obs.gateway.is_some(), obs.udp_enabled);
    for name in &order {
        let (stage, mut found) = judge_stage(name, obs);
        stages.push(stage);
        findings.append(&mut found);
    }
    let verdict = verdict(&findings, &order, obs.gateway.is_some());
    Diagnosis {
        stages,
        findings,
        verdict,
    }
}

pub(crate) fn finding(
    code: impl Into<String>,
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

/// The ladder stage a finding code belongs to.
pub fn stage_of(code: &str) -> &'static str {
    if let Some(rest) = code.strip_prefix("gateway.") {
        return match rest {
            "dns" => "gateway.dns",
            r if r.starts_with("tcp") => "gateway.tcp",
            r if r.starts_with("tls") || r.starts_with("cert") => "gateway.tls",
            _ => "gateway.http",
        };
    }
    match code.split('.').next().unwrap_or_default() {
        "udp" => "udp",
        "dns" => "dns",
        "tcp" => "tcp",
        "x224" => "x224",
        "security" => "security_layers",
        "tls" => "tls",
        "nla" => "nla",
        "net" => "stability",
        _ => "probe",
    }
}
