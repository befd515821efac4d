//! The security_layers stage: each layer asked for alone on its own connection.

use rdpcheck_proto::x224::{protocol, protocol_name, Negotiation};
use rdpcheck_report::{Plain, Severity};
use serde_json::{json, Map};

use super::{finding, Judged};
use crate::describe;
use crate::observe::{Observations, ReplyOutcome};
use crate::sections;

pub(super) fn judge(obs: &Observations) -> Option<Judged> {
    let l = obs.layers.as_ref()?;
    let main = obs.x224.as_ref().map(|x| &x.value);
    let report = sections::security_layers(&l.value, main);
    let mut details = Map::new();
    let mut findings = Vec::new();
    let mut accepted = Vec::new();
    for probe in &l.value {
        let text = describe::reply_outcome(&probe.outcome);
        details.insert(probe.layer.into(), json!(text));
        if matches!(&probe.outcome, ReplyOutcome::Confirm { negotiation: Negotiation::Selected { selected, .. }, .. } if *selected == probe.expect)
        {
            accepted.push(probe.layer);
        }
    }
    let evidence = l
        .value
        .iter()
        .map(|p| {
            format!(
                "asked {} only ({:#04x}): {}",
                p.layer,
                p.requested,
                describe::reply_outcome(&p.outcome)
            )
        })
        .collect::<Vec<_>>()
        .join("; ");
    let legacy = matches!(
        main,
        Some(ReplyOutcome::Confirm {
            negotiation: Negotiation::Legacy,
            ..
        })
    );
    if report.standard_rdp_allowed || legacy {
        findings.push(finding(
            Plain::SecurityStandardRdpAllowed,
            Severity::Warn,
            "Standard RDP security (no TLS) is still accepted: the server is not authenticated and the session is open to man-in-the-middle",
            evidence.clone(),
        ));
    }
    let every_layer_refused = accepted.is_empty()
        && !report.nla_ex.accepted
        && l.value
            .iter()
            .all(|p| matches!(p.outcome, ReplyOutcome::Confirm { .. }));
    if every_layer_refused && !legacy {
        findings.push(finding(
            Plain::SecurityNoLayerAccepted,
            Severity::Fail,
            "The server refused every security layer, standard RDP included: no client can connect",
            evidence,
        ));
    } else if report.nla_required {
        findings.push(finding(
            Plain::SecurityNlaRequired,
            Severity::Info,
            "Network Level Authentication is enforced: users authenticate before a session starts",
            evidence.clone(),
        ));
    } else {
        let downgraded = l
            .value
            .iter()
            .find(|p| p.layer == "nla")
            .and_then(|p| match &p.outcome {
                ReplyOutcome::Confirm {
                    negotiation: Negotiation::Selected { selected, .. },
                    ..
                } if *selected != protocol::HYBRID => Some(protocol_name(*selected)),
                _ => None,
            });
        let summary = match (report.nla.accepted, downgraded) {
            (true, _) => "NLA is offered but not enforced: anyone can reach the logon screen, and clients that skip NLA still get in".to_string(),
            (false, Some(sel)) => format!("NLA is not available: asked for NLA, the server selected {sel} instead; clients set to require NLA will refuse"),
            (false, None) => "NLA is not available: clients set to require NLA will refuse this host".to_string(),
        };
        findings.push(finding(
            Plain::SecurityNlaNotRequired,
            Severity::Warn,
            summary,
            evidence,
        ));
    }
    details.insert("nla_required".into(), json!(report.nla_required));
    details.insert(
        "standard_rdp_allowed".into(),
        json!(report.standard_rdp_allowed),
    );
    let summary = if accepted.is_empty() {
        "No layer was accepted on its own".to_string()
    } else {
        format!("Accepted on their own: {}", accepted.join(", "))
    };
    Some(Judged {
        summary,
        details,
        findings,
        ms: l.ms,
    })
}
