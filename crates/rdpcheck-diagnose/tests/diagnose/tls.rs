//! TLS: failures, legacy-only and cipher-mismatch servers, the certificate signature, weak
//! keys and rejected TLS 1.3.

use rdpcheck_diagnose::observe::*;
use rdpcheck_report::{
    ClientId, ClientOutcome, Report, Severity, Stage, StageStatus, VerdictStatus,
};

use crate::fixtures::*;

fn tls_failed(failure: TlsFailure, legacy: Option<LegacyProbe>) -> Report {
    let mut obs = xrdp_negotiate();
    obs.tls = timed(TlsOutcome::Failed {
        failure,
        received: 0,
        chain: vec![],
        legacy,
    });
    report(&obs)
}

#[test]
fn tls_failures() {
    let r = tls_failed(TlsFailure::ClosedAfterHello, Some(LegacyProbe::Closed));
    assert_eq!(r.verdict.codes, ["tls.closed_after_hello"]);
    assert!(r
        .verdict
        .client_error_hint
        .as_deref()
        .is_some_and(|h| h.contains("0x904") && h.contains("MachineKeys")));
    assert_eq!(
        tls_failed(TlsFailure::Reset, None).verdict.codes,
        ["tls.reset"]
    );
    assert_eq!(
        tls_failed(TlsFailure::Stalled, None).verdict.codes,
        ["tls.stalled"]
    );
    assert_eq!(
        tls_failed(TlsFailure::Alert(40), Some(LegacyProbe::Alert(40)))
            .verdict
            .codes,
        ["tls.alert.handshake_failure"]
    );
    assert_eq!(
        tls_failed(TlsFailure::Protocol("no common version".into()), None)
            .verdict
            .codes,
        ["tls.failed"]
    );
}

#[test]
fn tls10_only_server_is_named_from_the_real_server_hello() {
    let hello =
        rdpcheck_proto::tls_hello::parse_server_reply(capture!("xrdp_tls10_server_hello.bin"))
            .expect("decodes")
            .expect("complete");
    let rdpcheck_proto::tls_hello::ServerReply::Hello {
        version,
        cipher_suite,
    } = hello
    else {
        panic!("not a hello")
    };
    let r = tls_failed(
        TlsFailure::Alert(70),
        Some(LegacyProbe::ServerHello {
            version,
            cipher_suite,
            probe_supports: false,
            chain: vec![],
        }),
    );
    assert_eq!(r.verdict.codes, ["tls.legacy_only"]);
    assert!(
        r.verdict.summary.contains("TLSv1.0"),
        "{}",
        r.verdict.summary
    );
    assert_eq!(
        r.tls.and_then(|t| t.legacy_version).as_deref(),
        Some("TLSv1.0")
    );
}

#[test]
fn tls12_with_rsa_key_exchange_only_is_a_weakness_not_a_failure() {
    // xrdp with tls_ciphers=AES256-GCM-SHA384:AES128-GCM-SHA256: rustls cannot agree, but
    // Windows and OpenSSL 3 offer these suites, so clients connect.
    let r = tls_failed(
        TlsFailure::Alert(40),
        Some(LegacyProbe::ServerHello {
            version: 0x0303,
            cipher_suite: 0x009D,
            probe_supports: false,
            chain: vec![],
        }),
    );
    assert!(has(&r, "tls.no_forward_secrecy"));
    assert!(!has(&r, "tls.cipher_mismatch"));
    assert_eq!(
        r.verdict.status,
        VerdictStatus::Healthy,
        "{}",
        r.verdict.summary
    );
    assert_eq!(
        stage_status(&r, Stage::Tls),
        StageStatus::Warn,
        "a weakness, not a failure"
    );
}

#[test]
fn tls12_with_an_obsolete_suite_only_is_a_cipher_mismatch() {
    let r = tls_failed(
        TlsFailure::Alert(40),
        Some(LegacyProbe::ServerHello {
            version: 0x0303,
            cipher_suite: 0x0005,
            probe_supports: false,
            chain: vec![],
        }),
    );
    assert_eq!(r.verdict.codes, ["tls.cipher_mismatch"]);
    // A suite rustls implements is not a mismatch: the failure itself is reported.
    let r = tls_failed(
        TlsFailure::Alert(40),
        Some(LegacyProbe::ServerHello {
            version: 0x0303,
            cipher_suite: 0xC02F,
            probe_supports: true,
            chain: vec![],
        }),
    );
    assert_eq!(r.verdict.codes, ["tls.alert.handshake_failure"]);
}

#[test]
fn rdp_framing_instead_of_a_server_hello_is_the_certificate_signature() {
    let r = tls_failed(
        TlsFailure::X224Reply("03 00 00 09 02 f0 80 21 80".into()),
        None,
    );
    assert_eq!(r.verdict.codes, ["tls.closed_after_hello"]);
}

fn weak_key_obs(bits: u32) -> Observations {
    let mut obs = xrdp_negotiate();
    let mut leaf = rdpcheck_diagnose::cert::CertFacts::from_der(&[]);
    leaf.key_type = "RSA".into();
    leaf.key_bits = bits;
    obs.tls = timed(TlsOutcome::Failed {
        failure: TlsFailure::Protocol("invalid peer certificate: BadSignature".into()),
        received: 900,
        chain: vec![leaf],
        legacy: Some(LegacyProbe::ServerHello {
            version: 0x0303,
            cipher_suite: 0xC02F,
            probe_supports: true,
            chain: vec![],
        }),
    });
    obs
}

#[test]
fn a_1024_bit_key_stops_rustls_but_not_the_clients() {
    let r = report(&weak_key_obs(1024));
    let weak = r
        .findings
        .iter()
        .find(|f| f.code == "tls.cert_weak_key")
        .expect("named");
    assert_eq!(weak.severity, Severity::Warn, "{}", weak.summary);
    assert!(weak.summary.contains("1024"), "{}", weak.summary);
    assert_ne!(
        r.verdict.status,
        VerdictStatus::Problem,
        "{}",
        r.verdict.summary
    );
    assert_eq!(
        r.tls.and_then(|t| t.certificate).map(|c| c.key_bits),
        Some(1024)
    );
    // Under 1024 bits every client refuses it too.
    let r = report(&weak_key_obs(512));
    assert_eq!(r.verdict.codes, ["tls.cert_weak_key"]);
}

#[test]
fn tls13_reset_then_tls12_success_warns() {
    let mut obs = xrdp_negotiate();
    obs.tls = timed(TlsOutcome::Established(TlsSession {
        version: "TLSv1.2".into(),
        cipher_suite: "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384".into(),
        key_exchange: None,
        chain: vec![],
        tls13_rejected: Some(TlsFailure::Reset),
    }));
    let r = report(&obs);
    assert!(has(&r, "tls.tls13_rejected"));
    // FreeRDP offers TLS 1.3 and fails; Windows 10 has none and connects; whether mstsc on
    // Windows 11 offers it is not documented.
    assert_eq!(outcome(&r, ClientId::FreeRdp), ClientOutcome::Fails);
    assert_eq!(outcome(&r, ClientId::MstscWin10), ClientOutcome::Connects);
    assert_eq!(outcome(&r, ClientId::MstscWin11), ClientOutcome::Unknown);
    obs.client = ClientId::MstscWin10;
    let r = report(&obs);
    assert_eq!(r.verdict.status, VerdictStatus::Healthy);
    assert!(
        r.verdict
            .summary
            .contains("Other clients that fail: FreeRDP"),
        "{}",
        r.verdict.summary
    );
}
