//! A whole session against a real xrdp: the streamed stages, the findings, the signed report and
//! its redacted copy, verified with the key from `GET /api/v1/key`.

use rdpcheck_labtests::{SecurityLayer, TestCert, Xrdp};
use rdpcheck_report::share::verify;
use rdpcheck_report::wire::SignedReport;
use rdpcheck_report::{Report, Stage, VerdictStatus};

use crate::harness::ws::session;
use crate::harness::{public_key, Relay, RelayOptions};

/// Top-level keys of the report that `rdpcheck probe --json` publishes.
const PUBLISHED_KEYS: [&str; 8] = [
    "schema",
    "tool",
    "target",
    "started_at",
    "duration_ms",
    "stages",
    "findings",
    "verdict",
];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn xrdp_session_streams_stages_and_a_verifiable_report() {
    let xrdp = Xrdp::start(SecurityLayer::Negotiate, &TestCert::self_signed());
    let port = xrdp.port.to_string();
    let relay = Relay::start(RelayOptions::args(&[
        "--allow",
        "127.0.0.0/8",
        "--allow-port",
        &port,
    ]))
    .await;
    let (key_id, public) = public_key(&relay).await;

    let request = serde_json::json!({
        "type": "probe",
        "target": format!("127.0.0.1:{port}"),
        "samples": 1,
    })
    .to_string();
    let s = session(&relay.ws_url(""), &[], &request).await;
    let msgs = s.json();
    let dump = || format!("{:#?}\nrelay output:\n{}", s.texts, relay.output());
    assert!(msgs.len() > 2, "{}", dump());

    // The first message: dns started.
    assert_eq!(msgs[0]["type"], "stage", "{}", dump());
    assert_eq!(msgs[0]["state"], "started", "{}", dump());
    assert_eq!(msgs[0]["name"], "dns", "{}", dump());

    // The last text message is the report, then close 1000.
    let last = msgs.last().expect("messages");
    assert_eq!(last["type"], "report", "{}", dump());
    assert_eq!(s.close_code, Some(1000), "{s:?}");
    assert!(
        msgs[..msgs.len() - 1]
            .iter()
            .all(|m| m["type"] == "stage" || m["type"] == "finding"),
        "only stages and findings before the report: {}",
        dump()
    );

    // Stages follow the ladder: they start in ladder order and each finishes after it started.
    // Only the layer probes overlap others: they run while TLS and NLA go on on the main
    // connection (a skipped stage, here nla, is announced only as finished, with status skip).
    let stage_events: Vec<(String, String)> = msgs
        .iter()
        .filter(|m| m["type"] == "stage")
        .map(|m| {
            (
                m["name"].as_str().expect("name").to_string(),
                m["state"].as_str().expect("state").to_string(),
            )
        })
        .collect();
    let skipped: Vec<&str> = msgs
        .iter()
        .filter(|m| m["type"] == "stage" && m["result"]["status"] == "skip")
        .map(|m| m["name"].as_str().expect("name"))
        .collect();
    let position = |name: &str, state: &str| {
        stage_events
            .iter()
            .position(|(n, s)| n == name && s == state)
    };
    let ladder: Vec<&str> = Stage::ladder(false, true)
        .iter()
        .map(|s| s.as_str())
        .collect();
    let starts: Vec<usize> = ladder
        .iter()
        .filter(|n| !skipped.contains(n))
        .map(|n| position(n, "started").unwrap_or_else(|| panic!("{n} never started: {}", dump())))
        .collect();
    assert!(
        starts.windows(2).all(|w| w[0] < w[1]),
        "starts out of ladder order: {}",
        dump()
    );
    for name in &ladder {
        let finished = position(name, "finished")
            .unwrap_or_else(|| panic!("{name} never finished: {}", dump()));
        if let Some(started) = position(name, "started") {
            assert!(
                started < finished,
                "{name} finished before it started: {}",
                dump()
            );
        }
    }
    for (earlier, later) in ladder.iter().zip(ladder.iter().skip(1)) {
        let overlap_allowed = [*earlier, *later].contains(&"security_layers")
            || (*earlier == "tls" && *later == "nla");
        if overlap_allowed || skipped.contains(later) {
            continue;
        }
        assert!(
            position(earlier, "finished") < position(later, "started"),
            "{later} started before {earlier} finished: {}",
            dump()
        );
    }
    assert_eq!(
        stage_events.len(),
        ladder.len() * 2 - skipped.len(),
        "one start and one finish per stage: {}",
        dump()
    );
    assert_eq!(skipped, ["nla"], "xrdp negotiate does not offer NLA");
    let mut at = 0.0f64;
    for m in msgs.iter().filter(|m| m["type"] == "stage") {
        let t = m["at_ms"].as_f64().expect("at_ms");
        assert!(t >= at, "at_ms goes backwards at {m}");
        at = t;
        if m["state"] == "finished" {
            assert_eq!(m["result"]["name"], m["name"], "{m}");
        }
    }

    // Findings arrive before the report, and each is in the report.
    let streamed: Vec<String> = msgs
        .iter()
        .filter(|m| m["type"] == "finding")
        .map(|m| m["finding"]["code"].as_str().expect("code").to_string())
        .collect();
    assert!(
        streamed.iter().any(|c| c == "security.nla_not_required"),
        "xrdp negotiate without NLA: {}",
        dump()
    );

    // The report: the exact signed text.
    let report_text = last["report"].as_str().expect("report text").to_string();
    let signature = last["signature"].as_str().expect("signature").to_string();
    assert_eq!(last["key_id"], key_id.as_str());
    let report: Report = serde_json::from_str(&report_text).expect("report parses as Report");
    assert_eq!(
        report.verdict.status,
        VerdictStatus::Healthy,
        "{report_text}"
    );
    let stamp = report.relay.as_ref().expect("relay stamp");
    assert_eq!(stamp.key_id, key_id);
    assert!(!stamp.signed_at.is_empty());
    assert!(!report.redacted);
    let report_codes: Vec<String> = report.findings.iter().map(|f| f.code.to_string()).collect();
    for code in &streamed {
        assert!(
            report_codes.contains(code),
            "streamed finding {code} not in the report {report_codes:?}"
        );
    }
    let finished: Vec<&str> = msgs
        .iter()
        .filter(|m| m["type"] == "stage" && m["state"] == "finished")
        .map(|m| m["name"].as_str().expect("name"))
        .collect();
    // Every stage the report lists was streamed as finished (the layers finish after TLS and
    // NLA, which run while they do; the report lists them in ladder order).
    let mut report_stages: Vec<&str> = report.stages.iter().map(|s| s.name.as_str()).collect();
    let mut finished = finished;
    finished.sort_unstable();
    report_stages.sort_unstable();
    assert_eq!(finished, report_stages);

    // The same document `rdpcheck probe --json` prints (modulo timing): its published keys.
    let value: serde_json::Value = serde_json::from_str(&report_text).expect("JSON");
    let obj = value.as_object().expect("report is an object");
    for key in PUBLISHED_KEYS {
        assert!(obj.contains_key(key), "report lacks {key}: {report_text}");
    }
    assert_eq!(obj["schema"], 1);

    // The signature verifies over the exact text; one changed byte breaks it.
    let signed = SignedReport {
        report: report_text.clone(),
        signature: signature.clone(),
        key_id: key_id.clone(),
    };
    assert!(verify(&signed, &public), "signature does not verify");
    assert!(report_text.contains("healthy"));
    let tampered = SignedReport {
        report: report_text.replacen("healthy", "hea1thy", 1),
        ..signed.clone()
    };
    assert_eq!(tampered.report.len(), report_text.len());
    assert!(!verify(&tampered, &public), "a tampered report verifies");

    // The redacted copy verifies too, and does not name the address.
    let redacted: SignedReport =
        serde_json::from_value(last["redacted"].clone()).expect("redacted pair");
    assert_eq!(redacted.key_id, key_id);
    assert!(verify(&redacted, &public), "redacted copy does not verify");
    assert!(
        !redacted.report.contains("127.0.0.1"),
        "redacted report names the address: {}",
        redacted.report
    );
    let r: Report = serde_json::from_str(&redacted.report).expect("redacted parses");
    assert!(r.redacted);
    assert_eq!(r.verdict.status, VerdictStatus::Healthy);
    drop(xrdp);
}
