//! weston's RDP backend: a real server that serves one connection at a time. The engine must not
//! hold a half-finished handshake while its other probes need the server, so every layer probe
//! gets an answer, and the report does not contradict itself.

use rdpcheck_labtests::check::{codes, expect_finding, pretty};
use rdpcheck_labtests::{TestCert, Weston, WestonSec};
use rdpcheck_report::{Report, Stage, StageStatus, VerdictStatus};

use crate::{probe, real_opts};

#[track_caller]
fn assert_every_layer_answered(report: &Report) {
    let l = report
        .security_layers
        .as_ref()
        .unwrap_or_else(|| panic!("no layers\n{}", pretty(report)));
    for (name, r) in [
        ("rdp", &l.rdp),
        ("tls", &l.tls),
        ("nla", &l.nla),
        ("rdstls", &l.rdstls),
        ("rdsaad", &l.rdsaad),
    ] {
        assert!(
            r.error.is_none() && !r.from_main,
            "layer {name} got no answer of its own: {:?}\n{}",
            r.error,
            pretty(report)
        );
    }
    assert!(
        !codes(report)
            .iter()
            .any(|c| c == "security.inconsistent_answers"),
        "{}",
        pretty(report)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn weston_tls_offers_tls_and_standard_rdp_without_nla() {
    let server = Weston::start(WestonSec::Tls, &TestCert::self_signed());
    let report = probe("weston tls", real_opts(server.port)).await;
    assert_every_layer_answered(&report);
    let l = report.security_layers.as_ref().expect("layers");
    assert!(l.tls.accepted && l.rdp.accepted, "{}", pretty(&report));
    assert!(!l.nla.accepted && !l.nla_required, "{}", pretty(&report));
    assert_eq!(
        l.nla.selected.as_deref(),
        Some("tls"),
        "{}",
        pretty(&report)
    );
    expect_finding(&report, "security.standard_rdp_allowed");
    expect_finding(&report, "security.nla_not_required");
    let tls = report.tls.as_ref().expect("tls section");
    assert!(
        tls.version.is_some() && tls.certificate.is_some(),
        "{}",
        pretty(&report)
    );
    assert_eq!(
        report.verdict.status,
        VerdictStatus::Healthy,
        "{}",
        pretty(&report)
    );
    let stability = report.stages.iter().find(|s| s.name == Stage::Stability);
    assert_eq!(
        stability.map(|s| s.status),
        Some(StageStatus::Pass),
        "{}",
        server.logs()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn weston_rdp_only_refuses_tls_and_clients_fall_back() {
    let server = Weston::start(WestonSec::RdpOnly, &TestCert::self_signed());
    let report = probe("weston rdp", real_opts(server.port)).await;
    assert_every_layer_answered(&report);
    expect_finding(&report, "x224.neg_failure.ssl_not_allowed");
    let l = report.security_layers.as_ref().expect("layers");
    assert!(l.rdp.accepted && !l.tls.accepted, "{}", pretty(&report));
    assert_eq!(
        report.verdict.status,
        VerdictStatus::Healthy,
        "{}",
        pretty(&report)
    );
}
