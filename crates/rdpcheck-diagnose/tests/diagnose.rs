//! `diagnose` from recorded observations: real server transcripts (captured from xrdp and the
//! FreeRDP shadow server, see crates/rdpcheck-proto/tests/data/README.md) and hand-made fault
//! observations. No sockets.

use std::net::{IpAddr, Ipv4Addr};

use rdpcheck_diagnose::build_report;
use rdpcheck_diagnose::observe::*;
use rdpcheck_proto::x224::{decode_reply, protocol, FailureCode, Negotiation, Reply};
use rdpcheck_proto::{credssp, ntlm};
use rdpcheck_report::{Report, Severity, Stage, StageStatus, VerdictStatus};

const LOCAL: IpAddr = IpAddr::V4(Ipv4Addr::LOCALHOST);
/// 2026-11-21T23:54:02Z, the shadow server's NTLM timestamp in the capture.
const CAPTURE_TIME: f64 = 1_795_305_242.0;

fn timed<T>(value: T) -> Option<Timed<T>> {
    Some(Timed { ms: 1.0, value })
}

fn confirm(bytes: &[u8]) -> ReplyOutcome {
    let Ok(Reply::Confirm {
        negotiation,
        src_ref,
        ..
    }) = decode_reply(bytes)
    else {
        panic!("fixture is not a confirm")
    };
    ReplyOutcome::Confirm {
        negotiation,
        src_ref,
        bytes: bytes.to_vec(),
    }
}

fn selected(p: u32) -> ReplyOutcome {
    ReplyOutcome::Confirm {
        negotiation: Negotiation::Selected {
            selected: p,
            flags: 1,
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

fn layer(layer: &'static str, requested: u32, expect: u32, outcome: ReplyOutcome) -> LayerProbe {
    LayerProbe {
        layer,
        requested,
        expect,
        outcome,
    }
}

/// Observations up to a connected TCP socket.
fn connected() -> Observations {
    Observations {
        host: "127.0.0.1".into(),
        port: 3389,
        dns: timed(DnsOutcome::Literal(LOCAL)),
        tcp: vec![TcpAttempt {
            addr: LOCAL,
            ms: 0.3,
            outcome: ConnectOutcome::Connected,
        }],
        probed: Some(LOCAL),
        now_unix: CAPTURE_TIME,
        ..Observations::default()
    }
}

fn report(obs: &Observations) -> Report {
    let r = build_report(obs, "2026-11-21T23:54:02Z".into(), 10.0);
    // Every code the report carries reads back from its published string.
    let json = serde_json::to_string(&r).expect("serialises");
    assert_eq!(
        serde_json::from_str::<Report>(&json).ok().as_ref(),
        Some(&r)
    );
    r
}

fn has(r: &Report, code: &str) -> bool {
    r.findings.iter().any(|f| f.code == code)
}

fn codes(r: &Report) -> Vec<String> {
    r.findings.iter().map(|f| f.code.to_string()).collect()
}

fn xrdp_negotiate() -> Observations {
    let mut obs = connected();
    obs.x224 = timed(confirm(include_bytes!(
        "../../rdpcheck-proto/tests/data/xrdp_negotiate_cc_0x0b.bin"
    )));
    obs.layers = timed(vec![
        layer("rdp", 0, 0, selected(protocol::RDP)),
        layer("tls", 1, 1, selected(protocol::SSL)),
        // xrdp answers an NLA request by selecting standard RDP (captured: xrdp_negotiate_cc_0x02).
        layer(
            "nla",
            3,
            2,
            confirm(include_bytes!(
                "../../rdpcheck-proto/tests/data/xrdp_negotiate_cc_0x02.bin"
            )),
        ),
        layer("rdstls", 4, 4, selected(protocol::RDP)),
        layer(
            "rdsaad",
            0x10,
            0x10,
            ReplyOutcome::Disconnect {
                detail: "MCS Disconnect Provider Ultimatum".into(),
                bytes: vec![],
            },
        ),
    ]);
    obs.tls = timed(TlsOutcome::Established(TlsSession {
        version: "TLSv1.3".into(),
        cipher_suite: "TLS_AES_256_GCM_SHA384".into(),
        key_exchange: Some("X25519".into()),
        chain: vec![],
        tls13_rejected: None,
    }));
    obs.stability = timed(vec![
        Sample::Ok { ms: 3.0 },
        Sample::Ok { ms: 4.0 },
        Sample::Ok { ms: 3.5 },
    ]);
    obs
}

#[test]
fn xrdp_negotiate_is_healthy_with_security_warnings() {
    let r = report(&xrdp_negotiate());
    assert_eq!(r.verdict.status, VerdictStatus::Healthy);
    assert_eq!(
        codes(&r),
        ["security.standard_rdp_allowed", "security.nla_not_required"]
    );
    let layers = r.security_layers.expect("layers section");
    assert!(layers.rdp.accepted && layers.tls.accepted);
    assert!(!layers.nla.accepted);
    assert_eq!(
        layers.nla.selected.as_deref(),
        Some("rdp"),
        "a downgrade is not acceptance"
    );
    assert!(!layers.nla_required);
    assert_eq!(
        r.stages.iter().find(|s| s.name == "nla").map(|s| s.status),
        Some(StageStatus::Skip)
    );
}

#[test]
fn shadow_nla_challenge_gives_identity_and_skew() {
    let ts = credssp::parse_ts_request(include_bytes!(
        "../../rdpcheck-proto/tests/data/shadow_nla_ts_request_challenge.bin"
    ))
    .expect("captured TSRequest");
    let challenge =
        ntlm::parse_challenge(&ts.nego_token.expect("token")).expect("captured CHALLENGE");
    let mut obs = connected();
    obs.x224 = timed(confirm(include_bytes!(
        "../../rdpcheck-proto/tests/data/shadow_nla_cc_0x0b.bin"
    )));
    obs.layers = timed(vec![
        layer("rdp", 0, 0, refused(FailureCode::HybridRequired)),
        layer(
            "tls",
            1,
            1,
            confirm(include_bytes!(
                "../../rdpcheck-proto/tests/data/shadow_nla_cc_0x01.bin"
            )),
        ),
        layer("nla", 3, 2, selected(protocol::HYBRID)),
    ]);
    obs.nla = timed(NlaOutcome::Challenge(challenge));
    // Our clock 10 minutes behind the server's.
    obs.now_unix = CAPTURE_TIME - 600.0;
    let r = report(&obs);
    let nla = r.nla.clone().expect("nla section");
    assert_eq!(nla.netbios_computer.as_deref(), Some("VM"));
    assert_eq!(nla.product_version.as_deref(), Some("6.1.7601"));
    assert_eq!(nla.clock_skew_s, Some(600.0));
    let layers = r.security_layers.clone().expect("layers");
    assert!(layers.nla_required);
    assert!(has(&r, "security.nla_required"));
    assert!(has(&r, "nla.identity"));
    let skew = r
        .findings
        .iter()
        .find(|f| f.code == "nla.clock_skew")
        .expect("skew finding");
    assert_eq!(skew.severity, Severity::Warn);
    assert_eq!(r.verdict.status, VerdictStatus::Healthy);
}

#[test]
fn close_before_confirm_is_the_0x904_stage() {
    let mut obs = connected();
    obs.x224 = timed(ReplyOutcome::Closed { received: 0 });
    let r = report(&obs);
    assert_eq!(r.verdict.status, VerdictStatus::Problem);
    assert_eq!(r.verdict.stage.map(Stage::as_str), Some("x224"));
    assert_eq!(r.verdict.codes, ["x224.closed"]);
    assert!(r
        .verdict
        .client_error_hint
        .as_deref()
        .is_some_and(|h| h.contains("0x904")));
    for later in ["security_layers", "tls", "nla", "stability"] {
        let stage = r
            .stages
            .iter()
            .find(|s| s.name == later)
            .expect("stage listed");
        assert_eq!(stage.status, StageStatus::Skip, "{later}");
    }
}

#[test]
fn every_reply_kind_has_its_own_code() {
    let cases = [
        (ReplyOutcome::Reset { received: 0 }, "x224.reset"),
        (ReplyOutcome::Silent, "x224.silent"),
        (ReplyOutcome::Stalled { received: 3 }, "x224.stalled"),
        (
            ReplyOutcome::NotRdp {
                peer: "an HTTP server".into(),
                bytes: b"HTTP/1.1".to_vec(),
            },
            "x224.not_rdp",
        ),
        (
            ReplyOutcome::Malformed {
                error: "bad".into(),
                bytes: vec![3, 0],
            },
            "x224.malformed",
        ),
        (
            ReplyOutcome::Disconnect {
                detail: "DR".into(),
                bytes: vec![],
            },
            "x224.disconnect",
        ),
        (
            refused(FailureCode::HybridRequired),
            "x224.neg_failure.hybrid_required",
        ),
        (
            refused(FailureCode::SslCertNotOnServer),
            "x224.neg_failure.ssl_cert_not_on_server",
        ),
        (refused(FailureCode::Unknown(9)), "x224.neg_failure.unknown"),
    ];
    for (outcome, code) in cases {
        let mut obs = connected();
        obs.x224 = timed(outcome);
        let r = report(&obs);
        assert_eq!(r.verdict.codes, [code]);
        assert_eq!(r.verdict.stage.map(Stage::as_str), Some("x224"));
    }
}

#[test]
fn ssl_not_allowed_is_a_downgrade_not_a_failure() {
    let mut obs = connected();
    obs.x224 = timed(refused(FailureCode::SslNotAllowed));
    let r = report(&obs);
    assert_eq!(r.verdict.status, VerdictStatus::Healthy);
    let f = r
        .findings
        .iter()
        .find(|f| f.code == "x224.neg_failure.ssl_not_allowed")
        .expect("finding");
    assert_eq!(f.severity, Severity::Warn);
}

#[test]
fn legacy_confirm_warns() {
    let mut obs = connected();
    obs.x224 = timed(confirm(&[3, 0, 0, 11, 6, 0xd0, 0, 0, 0x12, 0x34, 0]));
    let r = report(&obs);
    assert!(has(&r, "x224.legacy"));
}

#[test]
fn tcp_failures_map_to_connect_codes() {
    for (outcome, code, hint) in [
        (ConnectOutcome::Refused, "tcp.refused", "0x204"),
        (ConnectOutcome::TimedOut, "tcp.timeout", "0x204"),
        (
            ConnectOutcome::Unreachable("no route".into()),
            "tcp.unreachable",
            "0x204",
        ),
    ] {
        let mut obs = connected();
        obs.tcp = vec![TcpAttempt {
            addr: LOCAL,
            ms: 5.0,
            outcome,
        }];
        obs.probed = None;
        let r = report(&obs);
        assert_eq!(r.verdict.codes, [code]);
        assert!(r
            .verdict
            .client_error_hint
            .as_deref()
            .is_some_and(|h| h.contains(hint)));
    }
}

#[test]
fn one_working_address_is_enough() {
    let mut obs = xrdp_negotiate();
    obs.tcp.insert(
        0,
        TcpAttempt {
            addr: "::1".parse().expect("ip"),
            ms: 0.1,
            outcome: ConnectOutcome::Refused,
        },
    );
    let r = report(&obs);
    assert_eq!(r.verdict.status, VerdictStatus::Healthy);
    let tcp = r.stages.iter().find(|s| s.name == "tcp").expect("tcp");
    assert!(tcp.summary.contains("earlier address"), "{}", tcp.summary);
}

#[test]
fn dns_outcomes() {
    for (outcome, code) in [
        (DnsOutcome::NxDomain, "dns.nxdomain"),
        (DnsOutcome::NoAnswer, "dns.no_answer"),
        (DnsOutcome::Timeout, "dns.timeout"),
        (DnsOutcome::Failure("SERVFAIL".into()), "dns.failure"),
    ] {
        let obs = Observations {
            host: "rdp.example".into(),
            port: 3389,
            dns: timed(outcome),
            ..Observations::default()
        };
        let r = report(&obs);
        assert_eq!(r.verdict.codes, [code]);
        assert_eq!(r.verdict.stage.map(Stage::as_str), Some("dns"));
        assert!(r.target.addresses.is_empty());
    }
}

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
    let hello = rdpcheck_proto::tls_hello::parse_server_reply(include_bytes!(
        "../../rdpcheck-proto/tests/data/xrdp_tls10_server_hello.bin"
    ))
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
fn tls12_with_unsupported_ciphers_is_a_cipher_mismatch() {
    let r = tls_failed(
        TlsFailure::Alert(40),
        Some(LegacyProbe::ServerHello {
            version: 0x0303,
            cipher_suite: 0x002F,
            probe_supports: false,
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

#[test]
fn a_weak_key_that_breaks_the_handshake_is_named() {
    let mut obs = xrdp_negotiate();
    let mut leaf = rdpcheck_diagnose::cert::CertFacts::from_der(&[]);
    leaf.key_type = "RSA".into();
    leaf.key_bits = 1024;
    obs.tls = timed(TlsOutcome::Failed {
        failure: TlsFailure::Protocol("invalid peer certificate: BadSignature".into()),
        received: 900,
        chain: vec![leaf],
        legacy: Some(LegacyProbe::ServerHello {
            version: 0x0303,
            cipher_suite: 0xC02F,
            probe_supports: true,
        }),
    });
    let r = report(&obs);
    assert_eq!(r.verdict.codes, ["tls.cert_weak_key"]);
    assert_eq!(
        r.tls.and_then(|t| t.certificate).map(|c| c.key_bits),
        Some(1024)
    );
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
    assert_eq!(r.verdict.status, VerdictStatus::Healthy);
}

#[test]
fn nla_without_challenge_fails_at_nla() {
    let mut obs = xrdp_negotiate();
    obs.nla = timed(NlaOutcome::NoChallenge("closed".into()));
    let r = report(&obs);
    assert_eq!(r.verdict.stage.map(Stage::as_str), Some("nla"));
    assert_eq!(r.verdict.codes, ["nla.no_challenge"]);
}

#[test]
fn stability_failures_and_latency() {
    let mut obs = xrdp_negotiate();
    obs.stability = timed(vec![
        Sample::Ok { ms: 10.0 },
        Sample::Failed("reset".into()),
        Sample::Failed("no reply".into()),
        Sample::Ok { ms: 12.0 },
    ]);
    let r = report(&obs);
    assert_eq!(r.verdict.stage.map(Stage::as_str), Some("stability"));
    assert_eq!(r.verdict.codes, ["net.unstable"]);

    let mut obs = xrdp_negotiate();
    obs.stability = timed(vec![
        Sample::Ok { ms: 180.0 },
        Sample::Ok { ms: 200.0 },
        Sample::Ok { ms: 190.0 },
    ]);
    let r = report(&obs);
    assert!(has(&r, "net.high_latency"));
    assert_eq!(r.verdict.status, VerdictStatus::Healthy);

    let mut obs = xrdp_negotiate();
    obs.stability = timed(vec![
        Sample::Ok { ms: 5.0 },
        Sample::Ok { ms: 150.0 },
        Sample::Ok { ms: 6.0 },
    ]);
    let r = report(&obs);
    assert!(has(&r, "net.unstable"), "jitter: {:?}", codes(&r));
}

#[test]
fn deadline_skips_are_reported_once() {
    let mut obs = xrdp_negotiate();
    obs.stability = None;
    obs.deadline_skipped = vec![Stage::Stability];
    let r = report(&obs);
    assert_eq!(
        codes(&r).iter().filter(|c| **c == "probe.timeout").count(),
        1
    );
}

#[test]
fn report_json_keeps_the_published_names() {
    let r = report(&xrdp_negotiate());
    let v = serde_json::to_value(&r).expect("serialises");
    for key in [
        "schema",
        "tool",
        "target",
        "started_at",
        "duration_ms",
        "stages",
        "security_layers",
        "tls",
        "findings",
        "verdict",
    ] {
        assert!(v.get(key).is_some(), "missing {key}");
    }
    assert_eq!(v["verdict"]["status"], "healthy");
    assert_eq!(v["stages"][0]["status"], "pass");
    assert_eq!(v["findings"][0]["severity"], "warn");
    let back: Report = serde_json::from_value(v).expect("round trip");
    assert_eq!(back, r);
}

fn gateway_obs(trust: Trust, http: HttpOutcome) -> GatewayObs {
    GatewayObs {
        host: "gw.example.test".into(),
        port: 443,
        dns: timed(DnsOutcome::Resolved(vec![LOCAL])),
        tcp: vec![TcpAttempt {
            addr: LOCAL,
            ms: 0.2,
            outcome: ConnectOutcome::Connected,
        }],
        tls: timed(GatewayTls::Established {
            session: TlsSession {
                version: "TLSv1.3".into(),
                cipher_suite: "TLS_AES_256_GCM_SHA384".into(),
                key_exchange: None,
                chain: vec![],
                tls13_rejected: None,
            },
            trust,
        }),
        http: timed(http),
        rpc: None,
    }
}

fn live() -> HttpOutcome {
    HttpOutcome::Response {
        status: 401,
        reason: "Unauthorized".into(),
        schemes: vec!["Negotiate".into(), "NTLM".into()],
        server: None,
        location: None,
    }
}

#[test]
fn live_gateway_with_unreachable_host_is_healthy_with_a_caveat() {
    let mut obs = connected();
    obs.tcp = vec![TcpAttempt {
        addr: LOCAL,
        ms: 5000.0,
        outcome: ConnectOutcome::TimedOut,
    }];
    obs.probed = None;
    obs.gateway = Some(gateway_obs(Trust::Trusted, live()));
    let r = report(&obs);
    assert_eq!(
        r.verdict.status,
        VerdictStatus::Healthy,
        "{}",
        r.verdict.summary
    );
    assert!(
        r.verdict.summary.contains("could not be checked"),
        "{}",
        r.verdict.summary
    );
    assert!(r.verdict.codes.iter().any(|c| *c == "tcp.timeout"));
    assert_eq!(r.stages[0].name, "gateway.dns");
    let g = r.gateway.expect("gateway section");
    assert_eq!(g.trusted, Some(true));
    assert_eq!(g.http.expect("http").auth_schemes, ["Negotiate", "NTLM"]);
}

#[test]
fn untrusted_gateway_decides_before_the_host() {
    let mut obs = xrdp_negotiate();
    obs.gateway = Some(gateway_obs(Trust::UnknownIssuer, live()));
    let r = report(&obs);
    assert_eq!(r.verdict.stage.map(Stage::as_str), Some("gateway.tls"));
    assert_eq!(r.verdict.codes, ["gateway.tls_untrusted"]);
    for (trust, code) in [
        (Trust::Expired, "gateway.cert_expired"),
        (Trust::NameMismatch, "gateway.cert_name_mismatch"),
    ] {
        let mut obs = xrdp_negotiate();
        obs.gateway = Some(gateway_obs(trust, live()));
        assert_eq!(report(&obs).verdict.codes, [code]);
    }
}

#[test]
fn broken_host_behind_a_live_gateway_is_still_a_problem() {
    let mut obs = connected();
    obs.x224 = timed(ReplyOutcome::Closed { received: 0 });
    obs.gateway = Some(gateway_obs(Trust::Trusted, live()));
    let r = report(&obs);
    assert_eq!(r.verdict.stage.map(Stage::as_str), Some("x224"));
}

#[test]
fn gateway_http_answers() {
    let answer =
        |status: u16, server: Option<&str>, location: Option<&str>| HttpOutcome::Response {
            status,
            reason: String::new(),
            schemes: vec![],
            server: server.map(str::to_string),
            location: location.map(str::to_string),
        };
    for (http, rpc, code, severity) in [
        (
            answer(200, Some("nginx"), None),
            None,
            "gateway.not_rdg",
            Severity::Fail,
        ),
        (
            answer(302, None, Some("https://portal/")),
            None,
            "gateway.redirect",
            Severity::Fail,
        ),
        (
            answer(404, None, None),
            None,
            "gateway.no_http_transport",
            Severity::Fail,
        ),
        (
            answer(404, None, None),
            Some(live()),
            "gateway.no_http_transport",
            Severity::Warn,
        ),
        (
            HttpOutcome::Closed("eof".into()),
            None,
            "gateway.closed",
            Severity::Fail,
        ),
        (HttpOutcome::Timeout, None, "gateway.silent", Severity::Fail),
    ] {
        let mut obs = xrdp_negotiate();
        let mut g = gateway_obs(Trust::Trusted, http);
        g.rpc = rpc.clone();
        obs.gateway = Some(g);
        let r = report(&obs);
        let f = r
            .findings
            .iter()
            .find(|f| f.code == code)
            .unwrap_or_else(|| panic!("{code}: {:?}", codes(&r)));
        assert_eq!(f.severity, severity, "{code}");
        if rpc.is_some() {
            assert!(has(&r, "gateway.rpc_proxy"));
        }
    }
}

#[test]
fn udp_answers_are_information_only() {
    for (outcome, code, status) in [
        (
            UdpOutcome::SynAck {
                tries: 1,
                rtt_ms: 1.0,
                version: Some(2),
            },
            "udp.open",
            "open",
        ),
        (UdpOutcome::Closed { tries: 1 }, "udp.closed", "closed"),
        (
            UdpOutcome::Silent { tries: 3 },
            "udp.inconclusive",
            "inconclusive",
        ),
    ] {
        let mut obs = xrdp_negotiate();
        obs.udp_enabled = true;
        obs.udp = timed(outcome);
        let r = report(&obs);
        assert!(has(&r, code));
        assert_eq!(r.verdict.status, VerdictStatus::Healthy);
        assert_eq!(r.udp.expect("udp section").status, status);
        assert_eq!(r.stages.last().map(|s| s.name.as_str()), Some("udp"));
    }
}
