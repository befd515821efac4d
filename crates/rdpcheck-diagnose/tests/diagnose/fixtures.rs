//! Observations and replies to build cases from, and the report they give.

use std::net::{IpAddr, Ipv4Addr};

use rdpcheck_diagnose::build_report;
use rdpcheck_diagnose::observe::*;
use rdpcheck_proto::x224::{decode_reply, protocol, FailureCode, Negotiation, Reply, RspFlags};
use rdpcheck_report::{ClientId, ClientOutcome, Finding, Report, Stage, StageStatus};

pub const LOCAL: IpAddr = IpAddr::V4(Ipv4Addr::LOCALHOST);
/// 2026-11-21T23:54:02Z, the shadow server's NTLM timestamp in the capture.
pub const CAPTURE_TIME: f64 = 1_795_305_242.0;

pub fn timed<T>(value: T) -> Option<Timed<T>> {
    Some(Timed { ms: 1.0, value })
}

pub fn confirm(bytes: &[u8]) -> ReplyOutcome {
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

pub fn selected(p: u32) -> ReplyOutcome {
    ReplyOutcome::Confirm {
        negotiation: Negotiation::Selected {
            selected: p,
            flags: RspFlags(1),
        },
        src_ref: 0x1234,
        bytes: vec![],
    }
}

pub fn refused(code: FailureCode) -> ReplyOutcome {
    ReplyOutcome::Confirm {
        negotiation: Negotiation::Failure(code),
        src_ref: 0x1234,
        bytes: vec![],
    }
}

pub fn layer(
    layer: &'static str,
    requested: u32,
    expect: u32,
    outcome: ReplyOutcome,
) -> LayerProbe {
    LayerProbe {
        layer,
        requested,
        expect,
        outcome,
    }
}

/// Observations up to a connected TCP socket.
pub fn connected() -> Observations {
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

pub fn report(obs: &Observations) -> Report {
    let r = build_report(obs, "2026-11-21T23:54:02Z".into(), 10.0);
    // Every code the report carries reads back from its published string.
    let json = serde_json::to_string(&r).expect("serialises");
    assert_eq!(
        serde_json::from_str::<Report>(&json).ok().as_ref(),
        Some(&r)
    );
    r
}

/// The finding `code` of `r`; panics with the report's codes when there is none.
pub fn finding<'r>(r: &'r Report, code: &str) -> &'r Finding {
    r.findings
        .iter()
        .find(|f| f.code == code)
        .unwrap_or_else(|| panic!("no {code} in {:?}", codes(r)))
}

pub fn has(r: &Report, code: &str) -> bool {
    r.findings.iter().any(|f| f.code == code)
}

pub fn outcome(r: &Report, client: ClientId) -> ClientOutcome {
    r.verdict
        .clients
        .iter()
        .find(|c| c.client == client)
        .map(|c| c.outcome)
        .unwrap_or_else(|| panic!("no entry for {client}: {:?}", r.verdict.clients))
}

pub fn stage_status(r: &Report, stage: Stage) -> StageStatus {
    r.stages
        .iter()
        .find(|s| s.name == stage)
        .map(|s| s.status)
        .unwrap_or_else(|| panic!("no stage {stage}"))
}

pub fn codes(r: &Report) -> Vec<String> {
    r.findings.iter().map(|f| f.code.to_string()).collect()
}

pub fn xrdp_negotiate() -> Observations {
    let mut obs = connected();
    obs.x224 = timed(confirm(capture!("xrdp_negotiate_cc_0x0b.bin")));
    obs.layers = timed(vec![
        layer("rdp", 0, 0, selected(protocol::RDP)),
        layer("tls", 1, 1, selected(protocol::SSL)),
        // xrdp answers an NLA request by selecting standard RDP (captured: xrdp_negotiate_cc_0x02).
        layer("nla", 3, 2, confirm(capture!("xrdp_negotiate_cc_0x02.bin"))),
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
