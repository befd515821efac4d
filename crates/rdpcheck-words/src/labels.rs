//! Names of stages, statuses and severities, and the verdict's headline.

use rdpcheck_report::{Plain, Severity, Stage, StageStatus, Verdict, VerdictStatus};

use crate::client_name;

/// What precedes `Verdict::client_error_hint`.
pub const CLIENT_HINT: &str = "A client would most likely show";

/// What each stage does, for stage lists and the timeline's labels.
pub fn stage_title(stage: Stage) -> &'static str {
    match stage {
        Stage::Dns => "DNS: resolve the name",
        Stage::Tcp => "TCP: connect to the port",
        Stage::X224 => "X.224: RDP negotiation",
        Stage::SecurityLayers => "Security layers, each on its own",
        Stage::Tls => "TLS handshake and certificate",
        Stage::Nla => "NLA: NTLM challenge (no credentials)",
        Stage::Stability => "Stability: repeated handshakes",
        Stage::Udp => "RDP-UDP reachability",
        Stage::GatewayDns => "Gateway: resolve the name",
        Stage::GatewayTcp => "Gateway: connect",
        Stage::GatewayTls => "Gateway: TLS and certificate trust",
        Stage::GatewayHttp => "Gateway: HTTP transport answer",
    }
}

pub fn status_word(s: StageStatus) -> &'static str {
    match s {
        StageStatus::Pass => "pass",
        StageStatus::Warn => "warn",
        StageStatus::Fail => "fail",
        StageStatus::Skip => "skipped",
        StageStatus::Unknown => "unknown",
    }
}

pub fn severity_word(s: Severity) -> &'static str {
    match s {
        Severity::Info => "info",
        Severity::Warn => "warning",
        Severity::Fail => "failure",
    }
}

/// `HEALTHY` or `PROBLEM`.
pub fn verdict_word(s: VerdictStatus) -> &'static str {
    match s {
        VerdictStatus::Healthy => "HEALTHY",
        VerdictStatus::Problem => "PROBLEM",
        VerdictStatus::Incomplete => "INCOMPLETE",
    }
}

/// `A client would fail at the tls stage`: how a problem verdict begins.
pub fn fails_at(stage: Stage) -> String {
    format!("A client would fail at the {stage} stage")
}

/// One line above the verdict's summary, naming the client it is for when the report says.
pub fn verdict_title(v: &Verdict) -> String {
    let who = v.client.map(client_name);
    match (v.status, v.stage) {
        (VerdictStatus::Healthy, _) => match who {
            Some(c) => format!("Healthy: {c} would reach the logon"),
            None => "Healthy: a client would reach the logon".to_string(),
        },
        (VerdictStatus::Problem, Some(stage)) => match who {
            Some(c) => format!("{c} would fail at the {stage} stage"),
            None => fails_at(stage),
        },
        (VerdictStatus::Problem, None) => "A client would fail".to_string(),
        (VerdictStatus::Incomplete, _)
            if who.is_none() || v.codes.iter().any(|c| *c == Plain::ProbeTimeout) =>
        {
            "Incomplete: the check did not finish before its deadline".to_string()
        }
        (VerdictStatus::Incomplete, _) => format!(
            "Incomplete: rdpcheck cannot tell whether {} gets through",
            who.unwrap_or("a client")
        ),
    }
}
