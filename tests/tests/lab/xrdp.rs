//! xrdp 0.9 (`security_layer` negotiate / tls / rdp, normal, expired and weak certificates,
//! legacy TLS, IPv6).
//! A little over the ~400-line rule: a test corpus, one case per xrdp setting.

use rdpcheck_labtests::check::{
    assert_decided_by, assert_healthy, assert_no_fail, assert_says, assert_stage, certificate,
    codes, expect_finding, finding, run_probe, run_probe_with_events, stability_section,
    tls_section,
};
use rdpcheck_labtests::{assert_layer, assert_report, assert_report_eq};
use rdpcheck_labtests::{Listen, SecurityLayer, TestCert, Xrdp};
use rdpcheck_report::{Report, Severity, StageStatus};

use crate::{assert_event_order, print_summary, real_opts};

/// xrdp offering TLS 1.2 with RSA key exchange only (no forward secrecy): rustls cannot agree,
/// Windows and OpenSSL 3 can.
pub const RSA_ONLY: [(&str, &str); 2] = [
    ("ssl_protocols", "TLSv1.2"),
    ("tls_ciphers", "AES256-GCM-SHA384:AES128-GCM-SHA256"),
];

/// Start xrdp with `layer`, `cert` and `extra` xrdp.ini [Globals] settings, probe it with
/// [`real_opts`] and print the summary as `label`. The server runs until the caller drops it.
async fn probe_xrdp(
    label: &str,
    layer: SecurityLayer,
    cert: &TestCert,
    extra: &[(&str, &str)],
) -> (Xrdp, Report) {
    let server = Xrdp::start_with(layer, cert, extra);
    let (report, elapsed) = run_probe(real_opts(server.port)).await;
    print_summary(label, &report, elapsed);
    (server, report)
}

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

    assert_layer!(report, tls, accepted);
    assert_layer!(report, rdp, accepted);
    assert_layer!(report, nla, !accepted);

    let tls = tls_section(&report);
    assert_report!(
        report,
        matches!(tls.version.as_deref(), Some("TLSv1.3") | Some("TLSv1.2")),
        "tls version {:?}",
        tls.version
    );
    let leaf = certificate(&report);
    assert_report_eq!(
        report,
        leaf.sha256,
        cert.sha256,
        "thumbprint of the served cert"
    );
    assert_report!(report, leaf.self_signed, "self_signed");

    let stability = stability_section(&report);
    assert_report_eq!(report, stability.samples, samples);
    assert_report_eq!(
        report,
        stability.ok,
        samples,
        "every stability handshake should pass"
    );

    assert_event_order(&events, &report);

    // Last, so that a mismatch here does not hide the checks above.
    // xrdp has no NLA: asked for TLS|NLA it selects TLS, a downgrade that must not count as NLA
    // (nmap's rdp-enum-encryption counts it as NLA support).
    assert_layer!(report, nla, !accepted);
    assert_layer!(report, nla, selected == "tls");
    drop(server);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn xrdp_tls_refuses_standard_rdp() {
    let cert = TestCert::self_signed();
    let (server, report) = probe_xrdp("xrdp tls", SecurityLayer::Tls, &cert, &[]).await;

    assert_layer!(report, rdp, !accepted);
    assert_layer!(report, rdp, failure == "SSL_REQUIRED_BY_SERVER");
    assert_layer!(report, tls, accepted);
    drop(server);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn xrdp_rdp_only_selects_standard_rdp_for_tls_requests() {
    let cert = TestCert::self_signed();
    let (server, report) = probe_xrdp("xrdp rdp", SecurityLayer::Rdp, &cert, &[]).await;

    assert_layer!(report, tls, !accepted);
    assert_layer!(report, tls, selected == "rdp");
    // A TLS-capable client still connects, with standard RDP security.
    expect_finding(&report, "security.standard_rdp_allowed");
    assert_report!(
        report,
        report
            .tls
            .as_ref()
            .and_then(|t| t.certificate.as_ref())
            .is_none(),
        "no TLS certificate expected from an RDP-only server"
    );
    drop(server);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn xrdp_with_expired_certificate() {
    let cert = TestCert::expired();
    let (server, report) = probe_xrdp("xrdp expired", SecurityLayer::Negotiate, &cert, &[]).await;

    expect_finding(&report, "tls.cert_expired");
    let leaf = certificate(&report);
    assert_report_eq!(
        report,
        leaf.sha256,
        cert.sha256,
        "thumbprint of the served cert"
    );
    assert_report!(
        report,
        leaf.days_to_expiry < 0,
        "days_to_expiry {}",
        leaf.days_to_expiry
    );
    drop(server);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn xrdp_tls13_only_warns_for_clients_without_tls13() {
    // The legacy hello rides on a layer probe's connection (no connection of its own): a TLS
    // 1.3-only host refuses it, and the tls stage warns; the same server with TLS 1.2 allowed
    // answers it and raises nothing.
    let cert = TestCert::self_signed();
    let (server, report) = probe_xrdp(
        "xrdp tls1.3 only",
        SecurityLayer::Negotiate,
        &cert,
        &[("ssl_protocols", "TLSv1.3")],
    )
    .await;
    let only = expect_finding(&report, "tls.tls13_only");
    assert_says(
        &report,
        "the evidence names the refused hello:",
        &only.evidence,
        &["TLS 1.0–1.2 ClientHello"],
    );
    assert_stage(&report, "tls", StageStatus::Warn);
    drop(server);

    let (server, report) = probe_xrdp(
        "xrdp tls1.2+1.3",
        SecurityLayer::Negotiate,
        &cert,
        &[("ssl_protocols", "TLSv1.2, TLSv1.3")],
    )
    .await;
    assert_report!(
        report,
        finding(&report, "tls.tls13_only").is_none(),
        "TLS 1.2 is allowed"
    );
    drop(server);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn xrdp_tls10_only_is_legacy_only() {
    let cert = TestCert::self_signed();
    let (server, report) = probe_xrdp(
        "xrdp tls1.0 only",
        SecurityLayer::Negotiate,
        &cert,
        &[
            ("ssl_protocols", "TLSv1"),
            ("tls_ciphers", "ALL:@SECLEVEL=0"),
        ],
    )
    .await;

    expect_finding(&report, "tls.legacy_only");
    assert_decided_by(&report, "tls", "tls.legacy_only");
    assert_report_eq!(
        report,
        tls_section(&report).legacy_version.as_deref(),
        Some("TLSv1.0"),
        "legacy_version"
    );
    // Negotiation itself is fine: the server selects TLS, then speaks only TLS 1.0.
    assert_layer!(report, tls, accepted);
    // The certificate came in the clear in the TLS 1.0 first flight.
    assert_report_eq!(
        report,
        certificate(&report).sha256,
        cert.sha256,
        "thumbprint of the served cert, from the legacy flight"
    );
    expect_finding(&report, "tls.cert_self_signed");
    drop(server);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn xrdp_rsa_key_exchange_only_is_a_weakness() {
    // rustls has no RSA key exchange; Windows and FreeRDP do and connect (oracle.rs). The tls
    // stage warns, the certificate comes from the legacy flight, and the verdict stays healthy.
    let cert = TestCert::self_signed();
    let (server, report) =
        probe_xrdp("xrdp rsa-only", SecurityLayer::Negotiate, &cert, &RSA_ONLY).await;

    let weak = expect_finding(&report, "tls.no_forward_secrecy");
    assert_says(
        &report,
        "the summary names the suite:",
        &weak.summary,
        &["TLS_RSA_WITH_AES_"],
    );
    assert_report!(
        report,
        finding(&report, "tls.cipher_mismatch").is_none(),
        "not a failure"
    );
    assert_stage(&report, "tls", StageStatus::Warn);
    assert_healthy(&report);
    assert_report_eq!(
        report,
        tls_section(&report).legacy_version.as_deref(),
        Some("TLSv1.2")
    );
    assert_report_eq!(report, certificate(&report).sha256, cert.sha256);
    drop(server);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn xrdp_1024_bit_key_breaks_tls_after_negotiation() {
    // OpenSSL 3 at its default security level refuses to load the 1024-bit key ("ee key too
    // small"), but xrdp has already selected TLS in its X.224 answer: TLS breaks after a
    // successful negotiation. xrdp then answers the ClientHello with a plain (TPKT) MCS
    // Disconnect Provider Ultimatum, which rustls reads as a corrupt record.
    let cert = TestCert::rsa_1024();
    let (server, report) =
        probe_xrdp("xrdp 1024-bit key", SecurityLayer::Negotiate, &cert, &[]).await;

    let logs = server.logs();
    assert!(
        logs.contains("ee key too small"),
        "the fixture should make xrdp's OpenSSL refuse the key; xrdp log:\n{logs}"
    );
    assert_layer!(
        report,
        tls,
        accepted,
        "xrdp selects TLS before it finds out its key is unusable"
    );
    // The server could not start TLS after selecting it: the certificate / key signature,
    // with evidence naming the RDP-framed answer (03 00 …) that came instead of a ServerHello.
    assert_decided_by(&report, "tls", "tls.closed_after_hello");
    let failed = expect_finding(&report, "tls.closed_after_hello");
    assert_says(
        &report,
        "evidence should say the server answered in X.224:",
        &failed.evidence,
        &["RDP framing", "03 00"],
    );
    drop(server);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn xrdp_1024_bit_key_at_seclevel_0() {
    // With @SECLEVEL=0 xrdp serves the 1024-bit key. rustls (ring) verifies RSA handshake
    // signatures only for keys of 2048 bits and more, so the handshake fails with
    // "invalid peer certificate: BadSignature"; the hand-built TLS 1.2 hello then gets a normal
    // ECDHE-RSA-AES-GCM ServerHello.
    //
    // The certificate is recorded by the verifier before the signature check fails, so the
    // weak key is named as the cause (not the cipher suite, which rustls implements). Clients
    // take 1024-bit keys (FreeRDP at security level 1, oracle.rs; Windows from 1024 bits): a
    // warning, not a failure.
    let cert = TestCert::rsa_1024();
    let (server, report) = probe_xrdp(
        "xrdp 1024-bit key @SECLEVEL=0",
        SecurityLayer::Negotiate,
        &cert,
        &[("tls_ciphers", "DEFAULT:@SECLEVEL=0")],
    )
    .await;

    let logs = server.logs();
    assert!(
        !logs.contains("ee key too small"),
        "at @SECLEVEL=0 xrdp should load the 1024-bit key; xrdp log:\n{logs}"
    );
    let tls = tls_section(&report);
    assert_report_eq!(
        report,
        tls.legacy_version.as_deref(),
        Some("TLSv1.2"),
        "the TLS 1.2 hello should get a ServerHello"
    );
    let weak = expect_finding(&report, "tls.cert_weak_key");
    assert_report_eq!(
        report,
        weak.severity,
        Severity::Warn,
        "clients still connect"
    );
    assert_stage(&report, "tls", StageStatus::Warn);
    let key_size = "the summary names the key size:";
    assert_says(&report, key_size, &weak.summary, &["1024"]);
    let refused = "rustls should refuse the handshake signature:";
    assert_says(&report, refused, &weak.evidence, &["BadSignature"]);
    assert_report!(
        report,
        finding(&report, "tls.cipher_mismatch").is_none(),
        "the suite is one rustls implements"
    );
    assert_report_eq!(
        report,
        tls.certificate.as_ref().map(|c| c.key_bits),
        Some(1024),
        "the certificate is reported although the handshake failed"
    );
    drop(server);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn xrdp_sha1_signed_certificate() {
    // Only the handshake signature is verified (made with the 2048-bit key), never the
    // certificate's own SHA-1 signature: TLS completes and the certificate is flagged.
    let cert = TestCert::sha1_signed();
    let (server, report) = probe_xrdp("xrdp sha1 cert", SecurityLayer::Negotiate, &cert, &[]).await;

    assert_no_fail(&report);
    expect_finding(&report, "tls.cert_weak_signature");
    assert_report!(
        report,
        finding(&report, "tls.cert_weak_key").is_none(),
        "2048-bit key: {:?}",
        codes(&report)
    );
    let leaf = certificate(&report);
    assert_report_eq!(
        report,
        leaf.sha256,
        cert.sha256,
        "thumbprint of the served cert"
    );
    assert_report_eq!(report, leaf.signature_algorithm, "sha1WithRSAEncryption");
    assert_report_eq!(
        report,
        (leaf.key_type.as_str(), leaf.key_bits),
        ("RSA", 2048)
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
    assert_report_eq!(
        report,
        report.target.probed_address.as_deref(),
        Some("::1"),
        "probed address"
    );
    expect_finding(&report, "security.standard_rdp_allowed");
    expect_finding(&report, "security.nla_not_required");
    // The lab certificate names localhost and 127.0.0.1, not ::1.
    expect_finding(&report, "tls.cert_name_mismatch");
    assert_layer!(report, tls, accepted);
    assert_layer!(report, rdp, accepted);
    assert_layer!(report, nla, !accepted);
    assert_report_eq!(report, certificate(&report).sha256, cert.sha256);
    assert_report_eq!(report, stability_section(&report).ok, samples);
    drop(server);
}
