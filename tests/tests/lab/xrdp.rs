//! xrdp 0.9 (`security_layer` negotiate / tls / rdp, normal, expired and weak certificates,
//! legacy TLS, IPv6).

use rdpcheck_labtests::check::{
    assert_no_fail, codes, expect_finding, finding, pretty, run_probe, run_probe_with_events,
};
use rdpcheck_labtests::{Listen, SecurityLayer, TestCert, Xrdp};
use rdpcheck_report::{Report, VerdictStatus};

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

/// The verdict is a problem at `stage`, decided by exactly `code`.
#[track_caller]
fn assert_verdict(report: &Report, stage: &str, code: &str) {
    assert_eq!(
        report.verdict.status,
        VerdictStatus::Problem,
        "verdict\n{}",
        pretty(report)
    );
    assert_eq!(
        report.verdict.stage.as_ref().map(|s| s.as_str()),
        Some(stage),
        "verdict stage\n{}",
        pretty(report)
    );
    assert_eq!(
        report.verdict.codes,
        [code],
        "verdict codes\n{}",
        pretty(report)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn xrdp_tls10_only_is_legacy_only() {
    let cert = TestCert::self_signed();
    let server = Xrdp::start_with(
        SecurityLayer::Negotiate,
        &cert,
        &[
            ("ssl_protocols", "TLSv1"),
            ("tls_ciphers", "ALL:@SECLEVEL=0"),
        ],
    );
    let (report, elapsed) = run_probe(real_opts(server.port)).await;
    print_summary("xrdp tls1.0 only", &report, elapsed);

    expect_finding(&report, "tls.legacy_only");
    assert_verdict(&report, "tls", "tls.legacy_only");
    let tls = report
        .tls
        .as_ref()
        .unwrap_or_else(|| panic!("no tls section\n{}", pretty(&report)));
    assert_eq!(
        tls.legacy_version.as_deref(),
        Some("TLSv1.0"),
        "legacy_version\n{}",
        pretty(&report)
    );
    // Negotiation itself is fine: the server selects TLS, then speaks only TLS 1.0.
    let layers = report
        .security_layers
        .as_ref()
        .unwrap_or_else(|| panic!("no security_layers\n{}", pretty(&report)));
    assert!(layers.tls.accepted, "tls layer\n{}", pretty(&report));
    drop(server);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn xrdp_1024_bit_key_breaks_tls_after_negotiation() {
    // OpenSSL 3 at its default security level refuses to load the 1024-bit key ("ee key too
    // small"), but xrdp has already selected TLS in its X.224 answer: TLS breaks after a
    // successful negotiation. xrdp then answers the ClientHello with a plain (TPKT) MCS
    // Disconnect Provider Ultimatum, which rustls reads as a corrupt record.
    let cert = TestCert::rsa_1024();
    let server = Xrdp::start(SecurityLayer::Negotiate, &cert);
    let (report, elapsed) = run_probe(real_opts(server.port)).await;
    print_summary("xrdp 1024-bit key", &report, elapsed);

    let logs = server.logs();
    assert!(
        logs.contains("ee key too small"),
        "the fixture should make xrdp's OpenSSL refuse the key; xrdp log:\n{logs}"
    );
    let layers = report
        .security_layers
        .as_ref()
        .unwrap_or_else(|| panic!("no security_layers\n{}", pretty(&report)));
    assert!(
        layers.tls.accepted,
        "xrdp selects TLS before it finds out its key is unusable\n{}",
        pretty(&report)
    );
    // The server could not start TLS after selecting it: the certificate / key signature,
    // with evidence naming the RDP-framed answer (03 00 …) that came instead of a ServerHello.
    assert_verdict(&report, "tls", "tls.closed_after_hello");
    let failed = expect_finding(&report, "tls.closed_after_hello");
    assert!(
        failed.evidence.contains("RDP framing") && failed.evidence.contains("03 00"),
        "evidence should say the server answered in X.224: {:?}\n{}",
        failed.evidence,
        pretty(&report)
    );
    drop(server);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn xrdp_1024_bit_key_at_seclevel_0() {
    // With @SECLEVEL=0 xrdp serves the 1024-bit key. rustls (ring) verifies RSA handshake
    // signatures only for keys of 2048 bits and more, so the handshake fails with
    // "invalid peer certificate: BadSignature" and the certificate is never recorded; the
    // hand-built TLS 1.2 hello then gets a normal ECDHE-RSA-AES-GCM ServerHello.
    //
    // The certificate is recorded by the verifier before the signature check fails, so the
    // weak key is named as the cause (not the cipher suite, which rustls implements).
    let cert = TestCert::rsa_1024();
    let server = Xrdp::start_with(
        SecurityLayer::Negotiate,
        &cert,
        &[("tls_ciphers", "DEFAULT:@SECLEVEL=0")],
    );
    let (report, elapsed) = run_probe(real_opts(server.port)).await;
    print_summary("xrdp 1024-bit key @SECLEVEL=0", &report, elapsed);

    let logs = server.logs();
    assert!(
        !logs.contains("ee key too small"),
        "at @SECLEVEL=0 xrdp should load the 1024-bit key; xrdp log:\n{logs}"
    );
    let tls = report
        .tls
        .as_ref()
        .unwrap_or_else(|| panic!("no tls section\n{}", pretty(&report)));
    assert_eq!(
        tls.legacy_version.as_deref(),
        Some("TLSv1.2"),
        "the TLS 1.2 hello should get a ServerHello\n{}",
        pretty(&report)
    );
    assert_verdict(&report, "tls", "tls.cert_weak_key");
    let weak = expect_finding(&report, "tls.cert_weak_key");
    assert!(
        weak.summary.contains("1024"),
        "the summary names the key size: {:?}\n{}",
        weak.summary,
        pretty(&report)
    );
    assert!(
        weak.evidence.contains("BadSignature"),
        "rustls should refuse the handshake signature: {:?}\n{}",
        weak.evidence,
        pretty(&report)
    );
    assert!(
        finding(&report, "tls.cipher_mismatch").is_none(),
        "the suite is one rustls implements\n{}",
        pretty(&report)
    );
    assert_eq!(
        tls.certificate.as_ref().map(|c| c.key_bits),
        Some(1024),
        "the certificate is reported although the handshake failed\n{}",
        pretty(&report)
    );
    drop(server);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn xrdp_sha1_signed_certificate() {
    // Only the handshake signature is verified (made with the 2048-bit key), never the
    // certificate's own SHA-1 signature: TLS completes and the certificate is flagged.
    let cert = TestCert::sha1_signed();
    let server = Xrdp::start(SecurityLayer::Negotiate, &cert);
    let (report, elapsed) = run_probe(real_opts(server.port)).await;
    print_summary("xrdp sha1 cert", &report, elapsed);

    assert_no_fail(&report);
    expect_finding(&report, "tls.cert_weak_signature");
    assert!(
        finding(&report, "tls.cert_weak_key").is_none(),
        "2048-bit key: {:?}\n{}",
        codes(&report),
        pretty(&report)
    );
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
    assert_eq!(
        leaf.signature_algorithm,
        "sha1WithRSAEncryption",
        "{}",
        pretty(&report)
    );
    assert_eq!(
        (leaf.key_type.as_str(), leaf.key_bits),
        ("RSA", 2048),
        "{}",
        pretty(&report)
    );
    drop(server);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn xrdp_on_ipv6_loopback() {
    // No skip when ::1 is missing: binding it fails loudly in the harness.
    let cert = TestCert::self_signed();
    let server = Xrdp::start_full(SecurityLayer::Negotiate, &cert, &[], Listen::V6);
    assert_eq!(server.host, "::1");
    let mut opts = real_opts(server.port);
    opts.host = server.host.clone();
    let samples = opts.samples;
    let (report, elapsed) = run_probe(opts).await;
    print_summary("xrdp negotiate ::1", &report, elapsed);

    assert_no_fail(&report);
    assert_eq!(
        report.target.probed_address.as_deref(),
        Some("::1"),
        "probed address\n{}",
        pretty(&report)
    );
    expect_finding(&report, "security.standard_rdp_allowed");
    expect_finding(&report, "security.nla_not_required");
    // The lab certificate names localhost and 127.0.0.1, not ::1.
    expect_finding(&report, "tls.cert_name_mismatch");
    let layers = report
        .security_layers
        .as_ref()
        .unwrap_or_else(|| panic!("no security_layers\n{}", pretty(&report)));
    assert!(layers.tls.accepted, "tls layer\n{}", pretty(&report));
    assert!(layers.rdp.accepted, "rdp layer\n{}", pretty(&report));
    assert!(!layers.nla.accepted, "nla layer\n{}", pretty(&report));
    let leaf = report
        .tls
        .as_ref()
        .and_then(|t| t.certificate.as_ref())
        .unwrap_or_else(|| panic!("no certificate\n{}", pretty(&report)));
    assert_eq!(leaf.sha256, cert.sha256, "{}", pretty(&report));
    let stability = report
        .stability
        .as_ref()
        .unwrap_or_else(|| panic!("no stability\n{}", pretty(&report)));
    assert_eq!(stability.ok, samples, "{}", pretty(&report));
    drop(server);
}
