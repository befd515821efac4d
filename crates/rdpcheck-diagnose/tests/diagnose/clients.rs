//! Client-aware verdicts: every family's outcome, the headline for the chosen one, and the
//! sentence that says who else fails.

use rdpcheck_diagnose::cert::CertFacts;
use rdpcheck_diagnose::observe::*;
use rdpcheck_proto::x224::{protocol, FailureCode};
use rdpcheck_report::{ClientId, ClientOutcome, Report, Stage, StageStatus, VerdictStatus};

use crate::fixtures::*;

fn offered(version: u16, cipher_suite: u16, chain: Vec<CertFacts>) -> Observations {
    let mut obs = xrdp_negotiate();
    obs.tls = timed(TlsOutcome::Failed {
        failure: TlsFailure::Alert(40),
        received: 7,
        chain: vec![],
        legacy: Some(LegacyProbe::ServerHello {
            version,
            cipher_suite,
            probe_supports: false,
            chain,
        }),
    });
    obs
}

fn for_client(mut obs: Observations, client: ClientId) -> Report {
    obs.client = client;
    report(&obs)
}

#[track_caller]
fn assert_outcomes(r: &Report, expected: &[(ClientId, ClientOutcome)]) {
    for (client, want) in expected {
        assert_eq!(
            outcome(r, *client),
            *want,
            "{client}: {:?}\n{}",
            r.verdict.clients,
            r.verdict.summary
        );
    }
}

#[test]
fn every_report_lists_every_family_and_its_own_client() {
    let r = report(&xrdp_negotiate());
    let ids: Vec<ClientId> = r.verdict.clients.iter().map(|c| c.client).collect();
    assert_eq!(ids, ClientId::ALL);
    assert_eq!(r.verdict.client, Some(ClientId::MstscWin11));
    // A healthy modern host: every mstsc and FreeRDP connect; nothing published lets the Windows
    // App's entry be judged past the TLS 1.3 session except that it is a default Windows suite.
    assert_outcomes(
        &r,
        &[
            (ClientId::MstscWin11, ClientOutcome::Connects),
            (ClientId::MstscWin10, ClientOutcome::Connects),
            (ClientId::FreeRdp, ClientOutcome::Connects),
        ],
    );
    assert_eq!(r.verdict.status, VerdictStatus::Healthy);
}

#[test]
fn tls10_only_fails_for_current_defaults_only() {
    let obs = offered(0x0301, 0xC013, vec![]);
    let r = report(&obs);
    assert_outcomes(
        &r,
        &[
            (ClientId::MstscWin11, ClientOutcome::Fails),
            (ClientId::MstscWin11Early, ClientOutcome::Connects),
            (ClientId::MstscWin10, ClientOutcome::Connects),
            (ClientId::FreeRdp, ClientOutcome::Fails),
            (ClientId::WindowsApp, ClientOutcome::Unknown),
        ],
    );
    // The default client (a current Windows) fails; the summary says who gets through.
    assert_eq!(r.verdict.status, VerdictStatus::Problem);
    assert_eq!(r.verdict.codes, ["tls.legacy_only"]);
    for text in [
        "Other clients that fail: FreeRDP-based clients (Remmina, Guacamole) (tls.legacy_only)",
        "get through: mstsc on Windows 11 21H2–23H2 / Server 2022 and mstsc on Windows 10",
    ] {
        assert!(r.verdict.summary.contains(text), "{}", r.verdict.summary);
    }
    // For Windows 10 it is healthy, and the summary says who fails.
    let r = for_client(obs, ClientId::MstscWin10);
    assert_eq!(r.verdict.status, VerdictStatus::Healthy);
    assert_eq!(r.verdict.client, Some(ClientId::MstscWin10));
    assert!(
        r.verdict.summary.contains("Other clients that fail: mstsc on Windows 11 24H2+ / Server 2025 and FreeRDP-based clients (Remmina, Guacamole) (tls.legacy_only)"),
        "{}",
        r.verdict.summary
    );
}

#[test]
fn the_certificate_of_a_legacy_flight_is_reported_and_judged() {
    // The expired self-signed certificate the user fears, from the TLS 1.0 flight.
    let mut leaf = CertFacts::from_der(&[]);
    leaf.subject = "CN=old-host".into();
    leaf.issuer = "CN=old-host".into();
    leaf.self_signed = true;
    leaf.key_type = "RSA".into();
    leaf.key_bits = 2048;
    leaf.not_after_unix = 1_600_000_000;
    let r = report(&offered(0x0301, 0x0035, vec![leaf]));
    let cert = r
        .tls
        .as_ref()
        .and_then(|t| t.certificate.as_ref())
        .expect("certificate");
    assert_eq!(cert.subject, "CN=old-host");
    assert!(cert.days_to_expiry < 0);
    assert!(has(&r, "tls.cert_expired") && has(&r, "tls.cert_self_signed"));
    // Windows 10 gets through, after the certificate warning.
    assert_eq!(
        outcome(&r, ClientId::MstscWin10),
        ClientOutcome::Warns,
        "{:?}",
        r.verdict.clients
    );
}

#[test]
fn obsolete_and_narrow_suites_are_judged_per_client() {
    // TLS_RSA_WITH_3DES_EDE_CBC_SHA: Schannel still offers it, OpenSSL 3 does not.
    let r = report(&offered(0x0303, 0x000A, vec![]));
    assert!(has(&r, "tls.cipher_mismatch"));
    assert_outcomes(
        &r,
        &[
            (ClientId::MstscWin11, ClientOutcome::Connects),
            (ClientId::FreeRdp, ClientOutcome::Fails),
        ],
    );
    // DHE with CBC: OpenSSL offers it; Schannel not by default, but the host may share another
    // suite with Windows, so that stays open.
    let r = report(&offered(0x0303, 0x0039, vec![]));
    assert!(has(&r, "tls.probe_unsupported"));
    assert_outcomes(
        &r,
        &[
            (ClientId::FreeRdp, ClientOutcome::Connects),
            (ClientId::MstscWin11, ClientOutcome::Unknown),
        ],
    );
    assert_eq!(r.verdict.status, VerdictStatus::Incomplete);
    assert!(
        r.verdict
            .summary
            .starts_with("rdpcheck cannot tell whether mstsc"),
        "{}",
        r.verdict.summary
    );
}

#[test]
fn nla_behind_a_suite_rdpcheck_cannot_use_is_unknown_never_passed() {
    let mut obs = offered(0x0303, 0x009C, vec![]);
    obs.x224 = timed(selected(protocol::HYBRID_EX));
    let r = report(&obs);
    assert_eq!(stage_status(&r, Stage::Tls), StageStatus::Warn);
    let nla = r.stages.iter().find(|s| s.name == Stage::Nla).expect("nla");
    assert_eq!(nla.status, StageStatus::Unknown, "{}", nla.summary);
    assert!(
        nla.summary.contains("rdpcheck's own TLS stack"),
        "{}",
        nla.summary
    );
    assert_eq!(r.verdict.status, VerdictStatus::Incomplete);
    assert_eq!(r.verdict.codes, ["tls.no_forward_secrecy"]);
    assert_outcomes(&r, &[(ClientId::FreeRdp, ClientOutcome::Unknown)]);
}

#[test]
fn nla_behind_tls10_is_unchecked_for_the_clients_that_speak_it() {
    // Windows 7 / 2008 R2 without KB3080079, NLA on: Windows 10 gets past TLS, and rdpcheck,
    // which cannot speak TLS 1.0, never saw NLA.
    let mut obs = offered(0x0301, 0x0035, vec![]);
    obs.x224 = timed(selected(protocol::HYBRID));
    let r = report(&obs);
    assert_outcomes(
        &r,
        &[
            (ClientId::MstscWin10, ClientOutcome::Unknown),
            (ClientId::MstscWin11, ClientOutcome::Fails),
            (ClientId::FreeRdp, ClientOutcome::Fails),
        ],
    );
    let r = for_client(obs, ClientId::MstscWin10);
    assert_eq!(
        r.verdict.status,
        VerdictStatus::Incomplete,
        "{}",
        r.verdict.summary
    );
    assert_eq!(r.verdict.codes, ["tls.legacy_only"]);
}

#[test]
fn tls13_only_hosts_shut_out_windows_10() {
    let mut obs = xrdp_negotiate();
    obs.tls_older = Some(LegacyProbe::Alert(70));
    let r = report(&obs);
    assert!(has(&r, "tls.tls13_only"));
    assert_outcomes(
        &r,
        &[
            (ClientId::MstscWin10, ClientOutcome::Fails),
            (ClientId::MstscWin11, ClientOutcome::Unknown),
            (ClientId::FreeRdp, ClientOutcome::Connects),
        ],
    );
    // A host that still answers TLS 1.2 is fine for Windows 10.
    obs.tls_older = Some(LegacyProbe::ServerHello {
        version: 0x0303,
        cipher_suite: 0xC030,
        probe_supports: true,
        chain: vec![],
    });
    let r = report(&obs);
    assert!(!has(&r, "tls.tls13_only"));
    assert_outcomes(&r, &[(ClientId::MstscWin10, ClientOutcome::Connects)]);
}

#[test]
fn standard_rdp_only_hosts() {
    // weston / Windows style: RDP_NEG_FAILURE SSL_NOT_ALLOWED_BY_SERVER, clients fall back.
    let mut obs = xrdp_negotiate();
    obs.x224 = timed(refused(FailureCode::SslNotAllowed));
    obs.tls = None;
    let r = report(&obs);
    assert_outcomes(
        &r,
        &[
            (ClientId::MstscWin11, ClientOutcome::Warns),
            (ClientId::FreeRdp, ClientOutcome::Warns),
        ],
    );
    assert_eq!(r.verdict.status, VerdictStatus::Healthy);
    // xrdp style: standard RDP selected in answer to a TLS request. FreeRDP and xrdp's standard
    // RDP security do not agree (lab, xrdp #3808): FreeRDP's outcome is open.
    obs.x224 = timed(selected(protocol::RDP));
    obs.tls = timed(TlsOutcome::NotApplicable(
        "the server selected standard RDP security".into(),
    ));
    let r = report(&obs);
    assert_outcomes(
        &r,
        &[
            (ClientId::MstscWin11, ClientOutcome::Warns),
            (ClientId::FreeRdp, ClientOutcome::Unknown),
        ],
    );
    assert_eq!(r.verdict.status, VerdictStatus::Healthy);
}

#[test]
fn universal_failures_fail_everyone_and_say_nothing_more() {
    let mut obs = connected();
    obs.tcp[0].outcome = ConnectOutcome::Refused;
    obs.probed = None;
    let r = report(&obs);
    assert!(r
        .verdict
        .clients
        .iter()
        .all(|c| c.outcome == ClientOutcome::Fails && c.why == ["tcp.refused"]));
    assert!(
        !r.verdict.summary.contains("Other clients"),
        "{}",
        r.verdict.summary
    );
}
