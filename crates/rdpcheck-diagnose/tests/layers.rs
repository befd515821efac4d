//! The per-layer probes and the main negotiation must tell one story: a probe without an answer
//! is unknown and never evidence for a finding; the main negotiation's choice fills it in; a
//! probe answered against the main negotiation is reported as a contradiction.

use std::net::{IpAddr, Ipv4Addr};

use rdpcheck_diagnose::build_report;
use rdpcheck_diagnose::observe::*;
use rdpcheck_proto::x224::{protocol, FailureCode, Negotiation, RspFlags};
use rdpcheck_report::{Plain, Report, Stage, StageStatus};

const LOCAL: IpAddr = IpAddr::V4(Ipv4Addr::LOCALHOST);

fn timed<T>(value: T) -> Option<Timed<T>> {
    Some(Timed { ms: 1.0, value })
}

fn selected(p: u32) -> ReplyOutcome {
    ReplyOutcome::Confirm {
        negotiation: Negotiation::Selected {
            selected: p,
            flags: RspFlags(1),
        },
        src_ref: 0x1234,
        bytes: vec![],
    }
}

fn refused(code: FailureCode) -> ReplyOutcome {
    ReplyOutcome::Confirm {
        negotiation: Negotiation::Failure(code),
        src_ref: 0x1234,
        bytes: vec![],
    }
}

/// A TLS-selecting host (weston's TLS mode answers the main TLS|NLA|NLA-EX offer with TLS);
/// `outcome(layer)` is what each per-layer probe saw.
fn tls_host(outcome: impl Fn(&str) -> ReplyOutcome) -> Report {
    let layers = LAYERS
        .iter()
        .map(|&(layer, requested, expect)| LayerProbe {
            layer,
            requested,
            expect,
            outcome: outcome(layer),
        })
        .collect();
    let obs = Observations {
        host: "127.0.0.1".into(),
        port: 3389,
        dns: timed(DnsOutcome::Literal(LOCAL)),
        tcp: vec![TcpAttempt {
            addr: LOCAL,
            ms: 0.2,
            outcome: ConnectOutcome::Connected,
        }],
        probed: Some(LOCAL),
        x224: timed(selected(protocol::SSL)),
        layers: timed(layers),
        tls: timed(TlsOutcome::Established(TlsSession {
            version: "TLSv1.3".into(),
            cipher_suite: "TLS_AES_256_GCM_SHA384".into(),
            key_exchange: Some("X25519".into()),
            chain: vec![],
            tls13_rejected: None,
        })),
        ..Observations::default()
    };
    build_report(&obs, "2026-12-01T00:00:00Z".into(), 10.0)
}

fn codes(r: &Report) -> Vec<String> {
    r.findings.iter().map(|f| f.code.to_string()).collect()
}

#[test]
fn silent_layer_probes_are_unknown_not_refusals() {
    // The old engine held the main connection open: a one-connection server left every layer
    // probe waiting, and the report said "no layer accepted" and "NLA not required" from silence.
    let r = tls_host(|_| ReplyOutcome::Silent);
    let layers = r.security_layers.as_ref().expect("layers");
    assert!(layers.tls.accepted && layers.tls.from_main, "{layers:?}");
    assert!(!layers.rdp.accepted && layers.rdp.error.is_some());
    assert!(!layers.standard_rdp_allowed);
    let stage = r
        .stages
        .iter()
        .find(|s| s.name == Stage::SecurityLayers)
        .expect("stage");
    assert!(
        stage.summary.starts_with("Accepted on their own: tls"),
        "{}",
        stage.summary
    );
    assert!(
        stage.summary.contains("no answer (unknown)"),
        "{}",
        stage.summary
    );
    assert!(!codes(&r).contains(&"security.no_layer_accepted".to_string()));
    // NLA is not enforced: the main negotiation selected TLS. That is evidence; silence is not.
    let nla = r
        .findings
        .iter()
        .find(|f| f.code == Plain::SecurityNlaNotRequired)
        .expect("nla_not_required from the main negotiation");
    assert!(nla.summary.contains("unknown"), "{}", nla.summary);
    assert_eq!(stage.status, StageStatus::Warn);
}

#[test]
fn no_answer_anywhere_but_the_main_negotiation_raises_no_guess() {
    let r = tls_host(|layer| match layer {
        "tls" => selected(protocol::SSL),
        _ => ReplyOutcome::Closed { received: 0 },
    });
    assert!(!codes(&r).contains(&"security.standard_rdp_allowed".to_string()));
    assert!(!codes(&r).contains(&"security.no_layer_accepted".to_string()));
    assert!(!codes(&r).contains(&"security.inconsistent_answers".to_string()));
}

#[test]
fn a_probe_answered_against_the_main_negotiation_is_a_contradiction() {
    let r = tls_host(|layer| match layer {
        "tls" => refused(FailureCode::SslNotAllowed),
        "rdp" => selected(protocol::RDP),
        _ => refused(FailureCode::SslNotAllowed),
    });
    let f = r
        .findings
        .iter()
        .find(|f| f.code == Plain::SecurityInconsistentAnswers)
        .expect("a contradiction");
    assert!(f.summary.contains("selected tls"), "{}", f.summary);
    let layers = r.security_layers.as_ref().expect("layers");
    assert!(
        !layers.tls.accepted,
        "the probe's own answer stands: {layers:?}"
    );
}
