//! The RD Gateway hop: trust, HTTP answers, and how the gateway and the host decide together.

use rdpcheck_diagnose::observe::*;
use rdpcheck_report::{Severity, Stage, VerdictStatus};

use crate::fixtures::*;

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
        let f = finding(&r, code);
        assert_eq!(f.severity, severity, "{code}");
        if rpc.is_some() {
            assert!(has(&r, "gateway.rpc_proxy"));
        }
    }
}
