//! The whole engine against Windows bytes: the replay server answers like recorded Windows hosts
//! (tests/src/replay/; the bytes are public captures, crates/rdpcheck-proto/tests/data/windows/
//! with their provenance). First the replay itself (every recorded exchange, byte for byte), then
//! the engine against each host.
//! Over the ~400-line rule on purpose: a test corpus, one case per recorded exchange and host.

use rdpcheck_labtests::assert_report_eq;
use rdpcheck_labtests::certs::thumbprint;
use rdpcheck_labtests::check::{
    assert_decided_by, assert_healthy, assert_problem_at, assert_stage, certificate,
    expect_finding, expect_severity, expect_stage, layers, nla_section, pretty, tls_section,
};
use rdpcheck_labtests::replay::{
    flights, leaf_certificate, ts_requests, RecordedHost, ReplayServer, TlsReplay,
    HYBRID_REQUIRED_HOST, LEGACY_HOST, MSEDGEWIN10, W2008_RDP_ONLY, WINDOWS10_NLA,
};
use rdpcheck_labtests::{assert_layer, assert_report, TestCert};
use rdpcheck_proto::x224::{self, protocol, FailureCode, Negotiation, Reply, RspFlags};
use rdpcheck_proto::{credssp, ntlm, tpkt};
use rdpcheck_report::{Report, Severity, StageStatus};
use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::{probe, real_opts};

/// A recorded Windows message under crates/rdpcheck-proto/tests/data/windows/.
macro_rules! recorded {
    ($path:literal) => {
        include_bytes!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../crates/rdpcheck-proto/tests/data/windows/",
            $path
        )) as &[u8]
    };
}

/// Send `request` on a fresh connection and read one whole TPKT frame back; empty when the
/// server closes without one (5 s at most).
async fn exchange(port: u16, request: &[u8]) -> Vec<u8> {
    let mut stream = TcpStream::connect(("127.0.0.1", port))
        .await
        .expect("connect to the replay server");
    stream.write_all(request).await.expect("send the request");
    let mut answer = Vec::new();
    let mut chunk = [0u8; 512];
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(5);
    loop {
        if let Ok(Some(len)) = tpkt::frame_len(&answer) {
            if answer.len() >= len {
                return answer;
            }
        }
        match tokio::time::timeout_at(deadline, stream.read(&mut chunk)).await {
            Ok(Ok(n)) if n > 0 => answer.extend_from_slice(&chunk[..n]),
            Ok(_) => return answer,
            Err(_) => panic!("no whole answer within 5 s, got {answer:02x?}"),
        }
    }
}

/// (host, recorded request, the confirm that host recorded for it).
const RECORDED_EXCHANGES: &[(RecordedHost, &[u8], &[u8])] = &[
    (
        WINDOWS10_NLA,
        recorded!("x224_cr/ndpi_rdp_52494_cr0.bin"),
        recorded!("x224_cc/ndpi_rdp_52494_cc0.bin"),
    ),
    (
        MSEDGEWIN10,
        recorded!("x224_cr/pcapattack_sharprdp_59281_cr0.bin"),
        recorded!("x224_cc/pcapattack_sharprdp_59281_cc0.bin"),
    ),
    (
        HYBRID_REQUIRED_HOST,
        recorded!("x224_cr/rdps2rdp_log_cr_ssl_only.bin"),
        recorded!("x224_cc/rdps2rdp_log_hybrid_required_by_server.bin"),
    ),
    (
        W2008_RDP_ONLY,
        recorded!("x224_cr/redemption_dump_w2008_cr0.bin"),
        recorded!("x224_cc/redemption_dump_w2008_cc0.bin"),
    ),
    (
        W2008_RDP_ONLY,
        recorded!("x224_cr/redemption_dump_w2008_cr1.bin"),
        recorded!("x224_cc/redemption_dump_w2008_cc1.bin"),
    ),
    (
        W2008_RDP_ONLY,
        recorded!("x224_cr/redemption_dump_w2008_PatBlt_cr0.bin"),
        recorded!("x224_cc/redemption_dump_w2008_PatBlt_cc0.bin"),
    ),
    (
        LEGACY_HOST,
        recorded!("x224_cr/ndpi_rdp3_1685_cr0.bin"),
        recorded!("x224_cc/ndpi_rdp3_1685_cc0.bin"),
    ),
];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_replay_answers_every_recorded_request_with_its_recorded_confirm() {
    for (host, request, confirm) in RECORDED_EXCHANGES {
        let server = ReplayServer::start(*host, TlsReplay::Close).await;
        assert_eq!(
            exchange(server.port, request).await,
            *confirm,
            "{}: the recorded request got another answer",
            host.name
        );
    }
}

/// What a replayed host answers to `requested` (None: a request without RDP_NEG_REQ), decoded;
/// `None` when it closes without an answer.
async fn answer_to(server: &ReplayServer, requested: Option<u32>) -> Option<Negotiation> {
    let bytes = exchange(
        server.port,
        &x224::connection_request(Some("rdpcheck"), requested),
    )
    .await;
    if bytes.is_empty() {
        return None;
    }
    match x224::decode_reply(&bytes) {
        Ok(Reply::Confirm {
            src_ref,
            negotiation,
            ..
        }) => {
            assert_eq!(src_ref, 0x1234, "{}: source reference", server.host);
            Some(negotiation)
        }
        other => panic!("{}: not a confirm: {other:?}", server.host),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn replayed_hosts_choose_from_the_requested_bits_as_windows_does() {
    let all = RspFlags(0x1F);
    let select = |selected, flags| Some(Negotiation::Selected { selected, flags });
    let fail = |code| Some(Negotiation::Failure(code));
    let w10 = ReplayServer::start(WINDOWS10_NLA, TlsReplay::Close).await;
    for (requested, want) in [
        (Some(0x0B), select(protocol::HYBRID_EX, all)),
        (Some(0x08), select(protocol::HYBRID_EX, all)),
        (Some(0x03), select(protocol::HYBRID, all)),
        (Some(0x01), fail(FailureCode::HybridRequired)),
        (Some(0x00), fail(FailureCode::HybridRequired)),
        (Some(0x04), fail(FailureCode::HybridRequired)),
        (Some(0x10), fail(FailureCode::HybridRequired)),
        (None, None),
    ] {
        assert_eq!(answer_to(&w10, requested).await, want, "{requested:?}");
    }
    let w2008 = ReplayServer::start(W2008_RDP_ONLY, TlsReplay::Close).await;
    for (requested, want) in [
        (Some(0x00), select(protocol::RDP, RspFlags(0x09))),
        (Some(0x01), fail(FailureCode::SslNotAllowed)),
        (Some(0x0B), fail(FailureCode::SslNotAllowed)),
        (None, Some(Negotiation::Legacy)),
    ] {
        assert_eq!(answer_to(&w2008, requested).await, want, "{requested:?}");
    }
    let legacy = ReplayServer::start(LEGACY_HOST, TlsReplay::Close).await;
    for requested in [Some(0x0B), Some(0x00), None] {
        assert_eq!(
            answer_to(&legacy, requested).await,
            Some(Negotiation::Legacy),
            "{requested:?}"
        );
    }
    assert_eq!(
        w10.seen().requests,
        [
            Some(0x0B),
            Some(0x08),
            Some(0x03),
            Some(0x01),
            Some(0x00),
            Some(0x04),
            Some(0x10),
            None
        ]
    );
}

/// The x224 stage and the negotiation section of a Windows 10 host: NLA-EX, flags 0x1f, named.
#[track_caller]
fn assert_windows10_negotiation(report: &Report) {
    let x224 = expect_stage(report, "x224");
    assert_report_eq!(report, x224.status, StageStatus::Pass);
    assert_report_eq!(report, x224.details.get("flags"), Some(&json!("0x1f")));
    let names = [
        "EXTENDED_CLIENT_DATA_SUPPORTED",
        "DYNVC_GFX_PROTOCOL_SUPPORTED",
        "NEGRSP_FLAG_RESERVED",
        "RESTRICTED_ADMIN_MODE_SUPPORTED",
        "REDIRECTED_AUTHENTICATION_MODE_SUPPORTED",
    ];
    assert_report_eq!(report, x224.details.get("flag_names"), Some(&json!(names)));
    let neg = report
        .negotiation
        .as_ref()
        .unwrap_or_else(|| panic!("no negotiation section\n{}", pretty(report)));
    assert_report_eq!(report, neg.selected, "nla_ex");
    assert_report_eq!(report, neg.flags, "0x1f");
    assert_report_eq!(report, neg.flag_names, names);
    // NLA required: NLA and NLA-EX accepted, TLS alone and standard RDP refused with failure 5.
    assert_layer!(report, nla, accepted);
    assert_layer!(report, nla_ex, accepted);
    assert_layer!(report, tls, failure == "HYBRID_REQUIRED_BY_SERVER");
    assert_layer!(report, rdp, failure == "HYBRID_REQUIRED_BY_SERVER");
    assert_report!(report, layers(report).nla_required, "nla_required");
    assert_report!(report, !layers(report).standard_rdp_allowed);
    expect_finding(report, "security.nla_required");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn windows10_hosts_with_their_recorded_tls_flights() {
    for (host, flight, cn, not_after) in [
        (
            WINDOWS10_NLA,
            flights::WINDOWS10,
            "CN=OFFICE-WIN10-VM",
            "2019-09-18T10:47:11Z",
        ),
        (
            MSEDGEWIN10,
            flights::MSEDGEWIN10,
            "CN=MSEDGEWIN10",
            "2020-11-27T20:25:44Z",
        ),
    ] {
        let server = ReplayServer::start(host, TlsReplay::Flight(flight)).await;
        let report = probe(host.name, real_opts(server.port)).await;
        assert_windows10_negotiation(&report);

        // The replayed flight answered another ClientHello: the handshake cannot complete, and
        // the TLS stage says what the flight showed.
        assert_decided_by(&report, "tls", "tls.failed");
        let failed = expect_finding(&report, "tls.failed");
        for needle in ["TLSv1.2", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384"] {
            assert_report!(
                report,
                failed.evidence.contains(needle),
                "the evidence names the recorded ServerHello ({needle})"
            );
        }
        let tls = tls_section(&report);
        assert_report_eq!(report, tls.legacy_version.as_deref(), Some("TLSv1.2"));
        assert_report_eq!(
            report,
            tls.cipher_suite.as_deref(),
            Some("TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384")
        );
        // The certificate of the flight, as the engine read it before the handshake broke.
        let cert = certificate(&report);
        assert_report_eq!(report, cert.subject, cn);
        assert_report_eq!(report, cert.issuer, cn);
        assert_report!(report, cert.self_signed);
        assert_report_eq!(
            report,
            (cert.key_type.as_str(), cert.key_bits),
            ("RSA", 2048)
        );
        assert_report!(report, cert.san.is_empty(), "Windows puts no SAN in it");
        assert_report_eq!(report, cert.not_after, not_after);
        assert_report_eq!(report, cert.sha256, thumbprint(&leaf_certificate(flight)));
        expect_severity(&report, "tls.cert_expired", Severity::Warn);
        assert_stage(&report, "nla", StageStatus::Skip);

        // The main negotiation, and the fresh connection for the legacy hello, asked for 0x0b;
        // the layer probes run alongside the main negotiation, so arrival order is not fixed.
        let seen = server.seen();
        let main = seen.requests.iter().filter(|r| **r == Some(0x0B)).count();
        assert_report!(
            report,
            main >= 2,
            "0x0b requests (main + legacy hello): {:?}",
            seen.requests
        );
        for layer in [0x00, 0x01, 0x03, 0x04, 0x10] {
            assert_report!(
                report,
                seen.requests.contains(&Some(layer)),
                "layer probe {layer:#04x} reached the server: {:?}",
                seen.requests
            );
        }
        assert_report!(
            report,
            seen.ts_requests.is_empty(),
            "no CredSSP without TLS"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_w2008_host_on_rdp_security_refuses_tls_and_accepts_standard_rdp() {
    let server = ReplayServer::start(W2008_RDP_ONLY, TlsReplay::Close).await;
    let report = probe(W2008_RDP_ONLY.name, real_opts(server.port)).await;
    assert_report_eq!(
        report,
        report.negotiation,
        None,
        "a refusal has no RDP_NEG_RSP"
    );
    expect_severity(&report, "x224.neg_failure.ssl_not_allowed", Severity::Warn);
    assert_layer!(report, rdp, accepted);
    assert_layer!(report, tls, failure == "SSL_NOT_ALLOWED_BY_SERVER");
    assert_layer!(report, nla, failure == "SSL_NOT_ALLOWED_BY_SERVER");
    assert_report!(report, layers(&report).standard_rdp_allowed);
    assert_report!(report, !layers(&report).nla_required);
    expect_finding(&report, "security.standard_rdp_allowed");
    assert_stage(&report, "tls", StageStatus::Skip);
    assert_stage(&report, "nla", StageStatus::Skip);
    // Clients fall back to standard RDP security: weak, but they get in.
    assert_healthy(&report);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_legacy_host_answers_without_negotiation() {
    let server = ReplayServer::start(LEGACY_HOST, TlsReplay::Close).await;
    let report = probe(LEGACY_HOST.name, real_opts(server.port)).await;
    assert_report_eq!(report, report.negotiation, None);
    expect_severity(&report, "x224.legacy", Severity::Warn);
    assert_layer!(report, rdp, accepted);
    assert_layer!(report, tls, !accepted);
    assert_layer!(report, tls, selected == "rdp");
    assert_report!(report, layers(&report).standard_rdp_allowed);
    assert_stage(&report, "tls", StageStatus::Skip);
    assert_healthy(&report);
}

/// The one TSRequest the engine sent: version 6 with an NTLM NEGOTIATE, and nothing after it.
#[track_caller]
fn assert_only_a_negotiate_was_sent(report: &Report, server: &ReplayServer) {
    let sent = server.seen().ts_requests;
    assert_report_eq!(report, sent.len(), 1, "one TSRequest, no AUTHENTICATE");
    let ts = credssp::parse_ts_request(&sent[0]).expect("our TSRequest decodes");
    assert_report_eq!(report, ts.version, 6);
    let token = ts.nego_token.expect("a negoToken");
    assert_report_eq!(
        report,
        &token[..12],
        b"NTLMSSP\0\x01\0\0\0",
        "an NTLM NEGOTIATE"
    );
    assert_report!(report, ntlm::parse_challenge(&token).is_err());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn recorded_ntlm_challenges_through_the_engine() {
    for (host, recorded, name) in [
        (
            HYBRID_REQUIRED_HOST,
            ts_requests::FV_AZ41_637,
            "fv-az41-637",
        ),
        (
            WINDOWS10_NLA,
            ts_requests::DESKTOP_UAGCVKC,
            "DESKTOP-UAGCVKC",
        ),
    ] {
        let tls = TlsReplay::Handshake {
            cert: TestCert::self_signed(),
            ts_request: recorded.to_vec(),
        };
        let server = ReplayServer::start(host, tls).await;
        let report = probe(host.name, real_opts(server.port)).await;
        assert_windows10_negotiation(&report);
        assert_stage(&report, "tls", StageStatus::Pass);
        let nla = nla_section(&report);
        for got in [
            &nla.target_name,
            &nla.netbios_computer,
            &nla.netbios_domain,
            &nla.dns_computer,
            &nla.dns_domain,
        ] {
            assert_report_eq!(report, got.as_deref(), Some(name));
        }
        assert_report_eq!(report, nla.product_version.as_deref(), Some("10.0.17763"));
        assert_report_eq!(
            report,
            nla.os_release.as_deref(),
            Some("Windows Server 2019 / Windows 10 1809")
        );
        assert_report_eq!(report, nla.credssp_version, Some(6));
        let identity = expect_finding(&report, "nla.identity");
        assert_report!(
            report,
            identity
                .summary
                .contains("Windows Server 2019 / Windows 10 1809, build 10.0.17763"),
            "the identity names the release"
        );
        assert_report!(
            report,
            !report
                .findings
                .iter()
                .any(|f| f.code == "nla.credssp_unpatched"),
            "version 6 has the fix"
        );
        // The recorded timestamps are from 2019 and 2021: a replay is years behind our clock.
        expect_severity(&report, "nla.clock_skew", Severity::Warn);
        assert_only_a_negotiate_was_sent(&report, &server);
        assert_healthy(&report);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_older_credssp_version_is_the_encryption_oracle_warning() {
    let tls = TlsReplay::Handshake {
        cert: TestCert::self_signed(),
        ts_request: ts_requests::with_version(ts_requests::FV_AZ41_637, 3),
    };
    let server = ReplayServer::start(HYBRID_REQUIRED_HOST, tls).await;
    let report = probe("fv-az41-637 CredSSP v3", real_opts(server.port)).await;
    let nla = nla_section(&report);
    assert_report_eq!(report, nla.credssp_version, Some(3));
    assert_report_eq!(report, nla.netbios_computer.as_deref(), Some("fv-az41-637"));
    let f = expect_severity(&report, "nla.credssp_unpatched", Severity::Warn);
    for needle in [
        "version 3",
        "CVE-2018-0886",
        "encryption oracle remediation",
    ] {
        assert_report!(report, f.summary.contains(needle), "summary names {needle}");
    }
    assert_stage(&report, "nla", StageStatus::Warn);
    assert_only_a_negotiate_was_sent(&report, &server);
    // Updated Windows clients refuse this host on their default "Mitigated" policy (KB
    // 4295591), so the verdict for mstsc is a problem at nla; FreeRDP still connects.
    assert_problem_at(&report, "nla");
    let freerdp = report
        .verdict
        .clients
        .iter()
        .find(|c| c.client.as_str() == "freerdp");
    assert_report!(
        report,
        freerdp.is_some_and(|c| c.outcome != rdpcheck_report::ClientOutcome::Fails),
        "FreeRDP connects to an unpatched CredSSP host"
    );
}

/// Not a test: writes reports of the engine against replayed Windows hosts as fixtures for the
/// wording snapshots, next to the lab's (see fixtures.rs):
///   cargo test -p rdpcheck-labtests --test lab write_windows_report_fixtures -- --ignored
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "writes fixtures; run by hand"]
async fn write_windows_report_fixtures() {
    let flight = ReplayServer::start(WINDOWS10_NLA, TlsReplay::Flight(flights::WINDOWS10)).await;
    crate::fixtures::write(
        "windows10-replayed-flight",
        &probe("windows10 flight", real_opts(flight.port)).await,
    );
    let tls = TlsReplay::Handshake {
        cert: TestCert::self_signed(),
        ts_request: ts_requests::with_version(ts_requests::FV_AZ41_637, 3),
    };
    let challenge = ReplayServer::start(HYBRID_REQUIRED_HOST, tls).await;
    crate::fixtures::write(
        "windows-replayed-challenge-credssp-v3",
        &probe("fv-az41-637 v3", real_opts(challenge.port)).await,
    );
}
