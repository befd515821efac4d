//! Does the main negotiation agree with the per-layer probes? The main request offers TLS, NLA
//! and NLA-EX together; the probes ask for one layer each on their own connections. When the
//! main negotiation selected a layer, the probe that asked for that very layer must have been
//! accepted too. A probe without an answer is unknown (never evidence either way) and takes the
//! main negotiation's word; a probe that was answered otherwise is a contradiction, reported as
//! such instead of being believed.

use rdpcheck_proto::x224::Negotiation;

use crate::observe::{LayerProbe, ReplyOutcome};

/// The protocol the main negotiation selected, if it selected one.
pub fn main_selected(main: Option<&ReplyOutcome>) -> Option<u32> {
    match main {
        Some(ReplyOutcome::Confirm {
            negotiation: Negotiation::Selected { selected, .. },
            ..
        }) => Some(*selected),
        _ => None,
    }
}

/// Whether a probe was answered at all (a confirm of any kind).
pub fn answered(probe: &LayerProbe) -> bool {
    matches!(probe.outcome, ReplyOutcome::Confirm { .. })
}

/// The probe was answered and the server selected exactly the layer it asked for.
pub fn accepted(probe: &LayerProbe) -> bool {
    matches!(
        &probe.outcome,
        ReplyOutcome::Confirm { negotiation: Negotiation::Selected { selected, .. }, .. }
            if *selected == probe.expect
    )
}

/// The probe got no answer, and the main negotiation selected its layer.
pub fn shown_by_main(probe: &LayerProbe, main: Option<&ReplyOutcome>) -> bool {
    !answered(probe) && main_selected(main) == Some(probe.expect)
}

/// A per-layer answer that the main negotiation contradicts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Contradiction {
    pub layer: &'static str,
    /// What the main negotiation selected (the layer itself).
    pub main_selected: u32,
}

/// Every probe answered otherwise than the main negotiation's choice implies.
pub fn contradictions(probes: &[LayerProbe], main: Option<&ReplyOutcome>) -> Vec<Contradiction> {
    let Some(selected) = main_selected(main) else {
        return Vec::new();
    };
    probes
        .iter()
        .filter(|p| p.expect == selected && answered(p) && !accepted(p))
        .map(|p| Contradiction {
            layer: p.layer,
            main_selected: selected,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use rdpcheck_proto::x224::{protocol, FailureCode, RspFlags};

    use super::*;

    fn confirm(negotiation: Negotiation) -> ReplyOutcome {
        ReplyOutcome::Confirm {
            negotiation,
            src_ref: 0x1234,
            bytes: vec![],
        }
    }

    fn selected(p: u32) -> ReplyOutcome {
        confirm(Negotiation::Selected {
            selected: p,
            flags: RspFlags(0),
        })
    }

    fn probe(layer: &'static str, expect: u32, outcome: ReplyOutcome) -> LayerProbe {
        LayerProbe {
            layer,
            requested: expect,
            expect,
            outcome,
        }
    }

    #[test]
    fn a_silent_probe_takes_the_main_negotiations_word() {
        let main = selected(protocol::SSL);
        let tls = probe("tls", protocol::SSL, ReplyOutcome::Silent);
        assert!(shown_by_main(&tls, Some(&main)));
        assert!(contradictions(std::slice::from_ref(&tls), Some(&main)).is_empty());
        // A silent probe for another layer proves nothing.
        let nla = probe("nla", protocol::HYBRID, ReplyOutcome::Silent);
        assert!(!shown_by_main(&nla, Some(&main)));
        assert!(!accepted(&nla));
    }

    #[test]
    fn an_answer_against_the_main_negotiation_is_a_contradiction() {
        let main = selected(protocol::SSL);
        let probes = [
            probe(
                "tls",
                protocol::SSL,
                confirm(Negotiation::Failure(FailureCode::SslNotAllowed)),
            ),
            probe("rdp", protocol::RDP, selected(protocol::RDP)),
        ];
        assert_eq!(
            contradictions(&probes, Some(&main)),
            [Contradiction {
                layer: "tls",
                main_selected: protocol::SSL
            }]
        );
    }

    #[test]
    fn agreement_and_no_main_answer_are_no_contradiction() {
        let main = selected(protocol::SSL);
        let probes = [probe("tls", protocol::SSL, selected(protocol::SSL))];
        assert!(contradictions(&probes, Some(&main)).is_empty());
        assert!(contradictions(&probes, Some(&ReplyOutcome::Silent)).is_empty());
        assert!(contradictions(&probes, None).is_empty());
    }
}
