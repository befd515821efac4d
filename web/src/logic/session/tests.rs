use super::*;

#[test]
fn streams_stages_findings_and_errors() {
    let mut r = CheckRun::connecting(0.0);
    r.apply_text(
        r#"{"type":"stage","state":"started","name":"dns","at_ms":0.0}"#,
        10.0,
    );
    assert_eq!(r.phase, Phase::Running);
    assert_eq!(r.running_stage().map(|s| s.name.as_str()), Some("dns"));
    r.apply_text(
        r#"{"type":"stage","state":"finished","name":"dns","at_ms":1.5,"result":{"name":"dns","status":"pass","duration_ms":1.5,"summary":"ok"}}"#,
        12.0,
    );
    assert!(r.running_stage().is_none());
    r.apply_text(
        r#"{"type":"finding","finding":{"code":"tcp.refused","severity":"fail","summary":"s","evidence":"e"}}"#,
        13.0,
    );
    assert_eq!(r.findings.len(), 1);
    r.apply_text(
        r#"{"type":"error","code":"policy.denied","message":"private address"}"#,
        14.0,
    );
    match &r.phase {
        Phase::Failed(e) => {
            assert_eq!(e.code, "policy.denied");
            assert_eq!(e.detail, "private address");
        }
        p => panic!("{p:?}"),
    }
    // The close after an error changes nothing.
    r.closed(1008, "policy", "ws://x");
    assert!(matches!(&r.phase, Phase::Failed(e) if e.code == "policy.denied"));
}

#[test]
fn closes_and_garbage_are_named() {
    let mut r = CheckRun::connecting(0.0);
    r.closed(1006, "", "ws://relay/api/v1/probe");
    assert!(matches!(&r.phase, Phase::Failed(e) if e.code == errors::UNREACHABLE));
    let mut r = CheckRun::connecting(0.0);
    r.apply_text(
        r#"{"type":"stage","state":"started","name":"dns","at_ms":0}"#,
        1.0,
    );
    r.closed(1001, "going away", "ws://x");
    assert!(
        matches!(&r.phase, Phase::Failed(e) if e.code == errors::CLOSED && e.detail.contains("going away"))
    );
    let mut r = CheckRun::connecting(0.0);
    r.apply_text("nonsense", 1.0);
    assert!(matches!(&r.phase, Phase::Failed(e) if e.code == errors::PROTOCOL));
    let mut r = CheckRun::connecting(0.0);
    r.timed_out(60);
    assert!(matches!(&r.phase, Phase::Failed(e) if e.code == errors::TIMEOUT));
}

/// The page's reading agrees with the protocol's own (`ServerMessage::from_json`) on
/// every message, details aside, and refuses what it refuses.
#[test]
fn read_agrees_with_the_protocol() {
    use rdpcheck_report::wire::ServerMessage;
    let messages = [
        r#"{"type":"stage","state":"started","name":"dns","at_ms":0.0}"#,
        r#"{"type":"stage","state":"finished","name":"tcp","at_ms":1.5,"result":{"name":"tcp","status":"pass","duration_ms":1.5,"summary":"ok","details":{"rtt_ms":[1,2],"addr":{"a":null}}}}"#,
        r#"{"name":"tcp","type":"stage","state":"started","at_ms":2,"extra":[1,{"a":null}]}"#,
        r#"{"type":"finding","finding":{"code":"tcp.refused","severity":"fail","summary":"s","evidence":"e"}}"#,
        r#"{"type":"report","report":"{\"schema\":1}","signature":"c2ln","key_id":"k","redacted":{"report":"{}","signature":"","key_id":"k"}}"#,
        r#"{"type":"report","report":"not even json","signature":"c2ln","key_id":"k"}"#,
        r#"{"type":"error","code":"policy.denied","message":"private address"}"#,
    ];
    for text in messages {
        let ours = read(text).expect(text);
        let theirs = ServerMessage::from_json(text).expect(text);
        match (ours, theirs) {
            (
                Message::Stage {
                    state,
                    name,
                    at_ms,
                    result,
                },
                ServerMessage::Stage {
                    state: s,
                    name: n,
                    at_ms: a,
                    result: r,
                },
            ) => {
                assert_eq!((state, name, at_ms), (s, n, a), "{text}");
                assert_eq!(
                    result.map(|o| (o.name, o.status, o.duration_ms, o.summary)),
                    r.map(|o| (o.name, o.status, o.duration_ms, o.summary)),
                    "{text}"
                );
            }
            (Message::Finding(f), ServerMessage::Finding { finding }) => assert_eq!(f, finding),
            (
                Message::Report(received),
                ServerMessage::Report {
                    report,
                    signature,
                    key_id,
                    redacted,
                },
            ) => {
                assert_eq!(
                    *received.full,
                    SignedReport {
                        report,
                        signature,
                        key_id
                    }
                );
                assert_eq!(received.redacted.map(|r| (*r).clone()), redacted);
            }
            (
                Message::Error { code, message },
                ServerMessage::Error {
                    code: c,
                    message: m,
                },
            ) => {
                assert_eq!((code, message), (c, m));
            }
            (ours, theirs) => panic!("{text}: {ours:?} against {theirs:?}"),
        }
    }
    for bad in [
        r#"{"type":"nope"}"#,
        r#"{"type":"stage","state":"started"}"#,
        r#"{"state":"started"}"#,
        "[]",
        "nonsense",
    ] {
        assert!(read(bad).is_err(), "{bad}");
        assert!(ServerMessage::from_json(bad).is_err(), "{bad}");
    }
}

#[test]
fn a_report_ends_the_run_as_text_and_the_evidence_is_what_streamed() {
    let mut r = CheckRun::connecting(0.0);
    for text in [
        r#"{"type":"stage","state":"finished","name":"dns","at_ms":1,"result":{"name":"dns","status":"pass","duration_ms":1,"summary":""}}"#,
        r#"{"type":"stage","state":"finished","name":"tcp","at_ms":2,"result":{"name":"tcp","status":"fail","duration_ms":1,"summary":""}}"#,
        r#"{"type":"stage","state":"finished","name":"x224","at_ms":2,"result":{"name":"x224","status":"skip","duration_ms":0,"summary":""}}"#,
        r#"{"type":"finding","finding":{"code":"tcp.refused","severity":"fail","summary":"s","evidence":"e"}}"#,
    ] {
        r.apply_text(text, 1.0);
    }
    let bars = r.bars(5.0);
    assert_eq!(bars.len(), 3);
    assert_eq!(bars[1].kind, BarKind::Fail);
    let e = r.evidence();
    assert_eq!(e.ran, vec![Stage::Dns, Stage::Tcp]);
    assert_eq!(e.findings.len(), 1);
    r.apply_text(
        r#"{"type":"report","report":"{ \"any\": \"text\" }","signature":"s","key_id":"k"}"#,
        2.0,
    );
    match &r.phase {
        Phase::Done(received) => {
            assert_eq!(received.full.report, "{ \"any\": \"text\" }");
            assert!(received.redacted.is_none());
        }
        p => panic!("{p:?}"),
    }
}

#[test]
fn the_probe_request_is_what_serde_writes() {
    use rdpcheck_report::wire::{ClientMessage, ProbeRequest};
    let cases = [
        ("rdp.example.com", None, 5),
        ("[2001:db8::1]:3390", Some("gw.example:443"), 0),
        ("we\"ird\\\n\u{1}\u{8}\u{c}\u{1f}\u{7f}✓", Some("\t\r"), 20),
    ];
    let clients = std::iter::once(None).chain(ClientId::ALL.map(Some));
    for (client, (target, gateway, samples)) in clients.zip(cases.iter().cycle()) {
        let (target, gateway, samples) = (*target, *gateway, *samples);
        let serde = serde_json::to_string(&ClientMessage::Probe(ProbeRequest {
            target: target.into(),
            gateway: gateway.map(str::to_string),
            samples: Some(samples),
            udp: Some(true),
            client,
        }))
        .expect("serde");
        assert_eq!(probe_request(target, gateway, samples, client), serde);
    }
}

#[test]
fn ws_url_uses_the_page_origin() {
    assert_eq!(
        ws_url("https:", "relay.example", None),
        "wss://relay.example/api/v1/probe"
    );
    assert_eq!(
        ws_url("http:", "127.0.0.1:8080", Some("a b&c")),
        "ws://127.0.0.1:8080/api/v1/probe?token=a%20b%26c"
    );
}
