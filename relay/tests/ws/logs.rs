//! JSON logs (`--log-format json`): every line of a WebSocket session carries its request id in
//! the `session` span, and the signed report's relay stamp carries the same id, so the log line
//! of a shared report can be found.

use rdpcheck_labtests::process::closed_port;
use rdpcheck_report::Report;

use crate::harness::ws::{probe_request, quick_probe, session};
use crate::harness::{Relay, RelayOptions};

/// The relay's JSON log lines (its stdout banner is not JSON and is skipped).
fn json_lines(output: &str) -> Vec<serde_json::Value> {
    output
        .lines()
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect()
}

fn span_id(line: &serde_json::Value) -> Option<&str> {
    line["span"]["request_id"].as_str()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_report_names_the_request_id_of_its_log_lines() {
    let port = closed_port();
    let port_s = port.to_string();
    let relay = Relay::start(RelayOptions::args(&[
        "--log-format",
        "json",
        "--allow",
        "127.0.0.0/8",
        "--allow-port",
        &port_s,
    ]))
    .await;
    let url = relay.ws_url("");
    let request = quick_probe(port);
    let mut ids = Vec::new();
    for _ in 0..2 {
        let s = session(&url, &[], &request).await;
        assert_eq!(s.close_code, Some(1000), "{s:#?}");
        let msgs = s.json();
        let last = msgs.last().expect("a report message");
        assert_eq!(last["type"], "report", "{last}");
        let report: Report =
            serde_json::from_str(last["report"].as_str().expect("report text")).expect("report");
        let id = report
            .relay
            .and_then(|r| r.request_id)
            .expect("the relay stamp has a request id");
        assert!(
            id.len() == 16 && id.bytes().all(|b| b.is_ascii_hexdigit()),
            "{id}"
        );
        let redacted: Report = serde_json::from_str(
            last["redacted"]["report"]
                .as_str()
                .expect("redacted report text"),
        )
        .expect("redacted report");
        assert_eq!(
            redacted.relay.and_then(|r| r.request_id).as_deref(),
            Some(id.as_str()),
            "the redacted copy (the one usually shared) has the same id"
        );
        ids.push(id);
    }
    assert_ne!(ids[0], ids[1], "each session has its own id");

    let output = relay.output();
    let lines = json_lines(&output);
    assert!(!lines.is_empty(), "no JSON log lines:\n{output}");
    for id in &ids {
        let finished: Vec<_> = lines
            .iter()
            .filter(|l| l["fields"]["message"] == "probe finished" && span_id(l) == Some(id))
            .collect();
        assert_eq!(
            finished.len(),
            1,
            "one `probe finished` line with request_id {id}:\n{output}"
        );
        assert_eq!(finished[0]["fields"]["verdict"], "problem", "{output}");
        assert_eq!(
            finished[0]["fields"]["target"],
            format!("127.0.0.1:{port}"),
            "{output}"
        );
    }
}

/// A session refused before any probe logs its refusal under a request id too.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_session_logs_its_request_id() {
    let relay = Relay::start(RelayOptions::args(&["--log-format", "json"])).await;
    session(&relay.ws_url(""), &[], &probe_request("169.254.169.254"))
        .await
        .expect_error("policy.denied");
    let output = relay.output();
    let refused = json_lines(&output)
        .into_iter()
        .find(|l| l["fields"]["message"] == "request refused")
        .unwrap_or_else(|| panic!("no `request refused` line:\n{output}"));
    assert_eq!(refused["fields"]["code"], "policy.denied", "{refused}");
    // What the client was told, in a field of its own (a field named `message` would replace
    // the line's message in JSON).
    assert!(
        refused["fields"]["told"]
            .as_str()
            .is_some_and(|t| t.contains("cloud metadata")),
        "{refused}"
    );
    let id = span_id(&refused).unwrap_or_else(|| panic!("no request_id: {refused}"));
    assert_eq!(id.len(), 16, "{refused}");
}
