//! The security_layers stage: each layer asked for alone on its own connection.

use rdpcheck_proto::x224::{protocol, protocol_name, Negotiation};
use rdpcheck_report::{Plain, Severity};
use serde_json::{json, Map};

use super::{finding, Judged};
use crate::consistency;
use crate::describe;
use crate::observe::{LayerProbe, Observations, ReplyOutcome};
use crate::sections;

pub(super) fn judge(obs: &Observations) -> Option<Judged> {
    let l = obs.layers.as_ref()?;
    let main = obs.x224.as_ref().map(|x| &x.value);
    let report = sections::security_layers(&l.value, main);
    let mut details = Map::new();
    let mut findings = Vec::new();
    let (mut accepted, mut unanswered) = (Vec::new(), Vec::new());
    for probe in &l.value {
        details.insert(
            probe.layer.into(),
            json!(describe::reply_outcome(&probe.outcome)),
        );
        if consistency::accepted(probe) || consistency::shown_by_main(probe, main) {
            accepted.push(probe.layer);
        } else if !consistency::answered(probe) {
            unanswered.push(probe.layer);
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
    for c in consistency::contradictions(&l.value, main) {
        findings.push(finding(
            Plain::SecurityInconsistentAnswers,
            Severity::Warn,
            format!(
                "The server answered differently on different connections: the main negotiation selected {}, but asking for {} alone was not accepted (a load balancer in front of unlike hosts, or a server changing its settings)",
                protocol_name(c.main_selected),
                c.layer
            ),
            format!(
                "main negotiation: {}; {evidence}",
                main.map(describe::reply_outcome).unwrap_or_default()
            ),
        ));
    }
    if report.standard_rdp_allowed || legacy {
        findings.push(finding(
            Plain::SecurityStandardRdpAllowed,
            Severity::Warn,
            "Standard RDP security (no TLS) is still accepted: the server is not authenticated and the session is open to man-in-the-middle",
            evidence.clone(),
        ));
    }
    let every_layer_refused =
        accepted.is_empty() && !report.nla_ex.accepted && l.value.iter().all(consistency::answered);
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
            evidence,
        ));
    } else if report.rdp.accepted || report.tls.accepted || legacy {
        // Only an accepted non-NLA layer proves NLA is not enforced; a probe that got no
        // answer proves nothing.
        findings.push(finding(
            Plain::SecurityNlaNotRequired,
            Severity::Warn,
            nla_not_required_summary(&l.value, report.nla.accepted || report.nla_ex.accepted),
            evidence,
        ));
    }
    details.insert("nla_required".into(), json!(report.nla_required));
    details.insert(
        "standard_rdp_allowed".into(),
        json!(report.standard_rdp_allowed),
    );
    let mut summary = if accepted.is_empty() {
        "No layer was accepted on its own".to_string()
    } else {
        format!("Accepted on their own: {}", accepted.join(", "))
    };
    if !unanswered.is_empty() {
        summary.push_str(&format!(
            "; no answer (unknown) asking for {}",
            unanswered.join(", ")
        ));
    }
    Some(Judged {
        summary,
        details,
        findings,
        ms: l.ms,
    })
}

/// Why NLA is not enforced, and whether clients that require it still find it.
fn nla_not_required_summary(probes: &[LayerProbe], nla_available: bool) -> String {
    let nla = probes.iter().find(|p| p.layer == "nla");
    let downgraded = nla.and_then(|p| match &p.outcome {
        ReplyOutcome::Confirm {
            negotiation: Negotiation::Selected { selected, .. },
            ..
        } if *selected != protocol::HYBRID => Some(protocol_name(*selected)),
        _ => None,
    });
    let nla_unknown = nla.is_some_and(|p| !consistency::answered(p));
    match (nla_available, downgraded, nla_unknown) {
        (true, _, _) => "NLA is offered but not enforced: anyone can reach the logon screen, and clients that skip NLA still get in".to_string(),
        (false, Some(sel), _) => format!("NLA is not available: asked for NLA, the server selected {sel} instead; clients set to require NLA will refuse"),
        (false, None, true) => "NLA is not enforced: a layer without it was accepted (whether NLA itself is offered is unknown: asking for it got no answer)".to_string(),
        (false, None, false) => "NLA is not available: clients set to require NLA will refuse this host".to_string(),
    }
}
