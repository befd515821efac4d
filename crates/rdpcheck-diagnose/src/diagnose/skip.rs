//! Results for stages that did not run: skipped because an earlier stage failed, or cut by the
//! whole-check deadline.

use rdpcheck_report::{Finding, LadderPart, Plain, Severity, Stage, StageResult, StageStatus};
use serde_json::Map;

use super::{finding, nla_selected, tls};
use crate::observe::{Observations, ReplyOutcome, TlsOutcome};

pub(super) fn skipped(stage: Stage, obs: &Observations) -> (StageResult, Vec<Finding>) {
    let cut = obs.deadline_skipped.contains(&stage);
    // NLA was selected but rdpcheck's own TLS stack could not follow the host (clients can):
    // the stage is unknown, never passed.
    let unchecked = stage == Stage::Nla
        && !cut
        && nla_selected(obs)
        && tls::probe_could_not_follow(obs).is_some();
    let summary = if cut {
        "not run: the whole-check deadline passed".to_string()
    } else if unchecked {
        "not checked: the server selected NLA, but rdpcheck's own TLS stack (rustls) could not complete the TLS handshake clients can; whether NLA works is unknown".to_string()
    } else {
        reason(stage, obs)
    };
    // Report the deadline once, on the first skipped stage.
    let findings = if cut && obs.deadline_skipped.first() == Some(&stage) {
        let names: Vec<&str> = obs.deadline_skipped.iter().map(|s| s.as_str()).collect();
        vec![finding(
            Plain::ProbeTimeout,
            Severity::Warn,
            format!("The {stage} stage did not run: the whole-check deadline passed"),
            format!("stages skipped for time: {}", names.join(", ")),
        )]
    } else {
        Vec::new()
    };
    (
        StageResult {
            name: stage,
            status: if cut || unchecked {
                StageStatus::Unknown
            } else {
                StageStatus::Skip
            },
            duration_ms: 0.0,
            summary,
            details: Map::new(),
        },
        findings,
    )
}

fn reason(stage: Stage, obs: &Observations) -> String {
    match stage {
        Stage::Tls | Stage::Nla if obs.x224.is_some() => match &obs.tls {
            Some(t) => match &t.value {
                TlsOutcome::NotApplicable(reason) => format!("not run: {reason}"),
                TlsOutcome::Established(_) => "not run: the server did not select NLA".into(),
                TlsOutcome::Failed { .. } if stage == Stage::Nla && !nla_selected(obs) => {
                    "not run: the server did not select NLA".into()
                }
                TlsOutcome::Failed { .. } if stage == Stage::Nla => {
                    "not run: TLS did not complete here; for clients that get past what the host offers, NLA is unchecked".into()
                }
                TlsOutcome::Failed { .. } => "not run: TLS did not complete".into(),
            },
            None => "not run: the negotiation did not select a security layer".into(),
        },
        // Handshakes run after a confirm; without one the stage was skipped, not declined.
        Stage::Stability
            if matches!(
                obs.x224.as_ref().map(|x| &x.value),
                Some(ReplyOutcome::Confirm { .. })
            ) =>
        {
            "not run: no handshakes requested".into()
        }
        Stage::Udp => "not run: no address to send to".into(),
        s if s.part() == LadderPart::Gateway => "not run: an earlier gateway stage failed".into(),
        _ => "not run: an earlier stage failed".into(),
    }
}
