//! xrdp 0.9 (`security_layer` negotiate / tls / rdp, normal and expired certificates).

use rdpcheck_labtests::check::{
    assert_no_fail, expect_finding, pretty, run_probe, run_probe_with_events,
};
use rdpcheck_labtests::{SecurityLayer, TestCert, Xrdp};

use crate::{assert_event_order, print_summary, real_opts};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn xrdp_negotiate_allows_tls_and_standard_rdp_but_no_nla() {
    let cert = TestCert::self_signed();
    let server = Xrdp::start(SecurityLayer::Negotiate, &cert);
    let opts = real_opts(server.port);
    let samples = opts.samples;
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let (report, elapsed) = run_probe_with_events(opts, tx).await;
    let mut events = Vec::new();
    while let Ok(event) = rx.try_recv() {
        events.push(event);
    }
    print_summary("xrdp negotiate", &report, elapsed);
    if let Some(tls) = &report.tls {
        eprintln!(
            "[xrdp negotiate] tls version={:?} cipher={:?} kx={:?}",
            tls.version, tls.cipher_suite, tls.key_exchange
        );
    }

    assert_no_fail(&report);
    expect_finding(&report, "security.standard_rdp_allowed");
    expect_finding(&report, "security.nla_not_required");

    let layers = report
        .security_layers
        .as_ref()
        .unwrap_or_else(|| panic!("no security_layers\n{}", pretty(&report)));
    assert!(
        layers.tls.accepted,
        "tls layer: {:?}\n{}",
        layers.tls,
        pretty(&report)
    );
    assert!(
        layers.rdp.accepted,
        "rdp layer: {:?}\n{}",
        layers.rdp,
        pretty(&report)
    );
    assert!(
        !layers.nla.accepted,
        "nla layer: {:?}\n{}",
        layers.nla,
        pretty(&report)
    );

    let tls = report
        .tls
        .as_ref()
        .unwrap_or_else(|| panic!("no tls section\n{}", pretty(&report)));
    assert!(
        matches!(tls.version.as_deref(), Some("TLSv1.3") | Some("TLSv1.2")),
        "tls version {:?}\n{}",
        tls.version,
        pretty(&report)
    );
    let leaf = tls
        .certificate
        .as_ref()
        .unwrap_or_else(|| panic!("no certificate\n{}", pretty(&report)));
    assert_eq!(
        leaf.sha256,
        cert.sha256,
        "thumbprint of the served cert\n{}",
        pretty(&report)
    );
    assert!(leaf.self_signed, "self_signed\n{}", pretty(&report));

    let stability = report
        .stability
        .as_ref()
        .unwrap_or_else(|| panic!("no stability\n{}", pretty(&report)));
    assert_eq!(stability.samples, samples, "{}", pretty(&report));
    assert_eq!(
        stability.ok,
        samples,
        "every stability handshake should pass\n{}",
        pretty(&report)
    );

    assert_event_order(&events, &report);

    // Last, so that a mismatch here does not hide the checks above.
    // xrdp has no NLA: asked for TLS|NLA it selects TLS, a downgrade that must not count as NLA
    // (nmap's rdp-enum-encryption counts it as NLA support).
    assert!(!layers.nla.accepted);
    assert_eq!(
        layers.nla.selected.as_deref(),
        Some("tls"),
        "nla layer: {:?}\n{}",
        layers.nla,
        pretty(&report)
    );
    drop(server);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn xrdp_tls_refuses_standard_rdp() {
    let cert = TestCert::self_signed();
    let server = Xrdp::start(SecurityLayer::Tls, &cert);
    let (report, elapsed) = run_probe(real_opts(server.port)).await;
    print_summary("xrdp tls", &report, elapsed);

    let layers = report
        .security_layers
        .as_ref()
        .unwrap_or_else(|| panic!("no security_layers\n{}", pretty(&report)));
    assert!(
        !layers.rdp.accepted,
        "rdp layer: {:?}\n{}",
        layers.rdp,
        pretty(&report)
    );
    assert_eq!(
        layers.rdp.failure.as_deref(),
        Some("SSL_REQUIRED_BY_SERVER"),
        "rdp layer: {:?}\n{}",
        layers.rdp,
        pretty(&report)
    );
    assert!(
        layers.tls.accepted,
        "tls layer: {:?}\n{}",
        layers.tls,
        pretty(&report)
    );
    drop(server);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn xrdp_rdp_only_selects_standard_rdp_for_tls_requests() {
    let cert = TestCert::self_signed();
    let server = Xrdp::start(SecurityLayer::Rdp, &cert);
    let (report, elapsed) = run_probe(real_opts(server.port)).await;
    print_summary("xrdp rdp", &report, elapsed);

    let layers = report
        .security_layers
        .as_ref()
        .unwrap_or_else(|| panic!("no security_layers\n{}", pretty(&report)));
    assert!(
        !layers.tls.accepted,
        "tls layer: {:?}\n{}",
        layers.tls,
        pretty(&report)
    );
    assert_eq!(
        layers.tls.selected.as_deref(),
        Some("rdp"),
        "tls layer: {:?}\n{}",
        layers.tls,
        pretty(&report)
    );
    // A TLS-capable client still connects, with standard RDP security.
    expect_finding(&report, "security.standard_rdp_allowed");
    assert!(
        report
            .tls
            .as_ref()
            .and_then(|t| t.certificate.as_ref())
            .is_none(),
        "no TLS certificate expected from an RDP-only server\n{}",
        pretty(&report)
    );
    drop(server);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn xrdp_with_expired_certificate() {
    let cert = TestCert::expired();
    let server = Xrdp::start(SecurityLayer::Negotiate, &cert);
    let (report, elapsed) = run_probe(real_opts(server.port)).await;
    print_summary("xrdp expired", &report, elapsed);

    expect_finding(&report, "tls.cert_expired");
    let leaf = report
        .tls
        .as_ref()
        .and_then(|t| t.certificate.as_ref())
        .unwrap_or_else(|| panic!("no certificate\n{}", pretty(&report)));
    assert_eq!(
        leaf.sha256,
        cert.sha256,
        "thumbprint of the served cert\n{}",
        pretty(&report)
    );
    assert!(
        leaf.days_to_expiry < 0,
        "days_to_expiry {}\n{}",
        leaf.days_to_expiry,
        pretty(&report)
    );
    drop(server);
}
