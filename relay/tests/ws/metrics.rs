//! `/metrics` counts refusals by reason and finished probes by outcome.

use rdpcheck_labtests::process::closed_port;

use crate::harness::ws::{probe_request, session};
use crate::harness::{Relay, RelayOptions};

/// The value of the sample `name{labels}` in Prometheus text, if present.
fn sample(text: &str, series: &str) -> Option<f64> {
    text.lines()
        .filter(|l| !l.starts_with('#'))
        .find_map(|l| l.strip_prefix(series)?.trim().parse().ok())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn metrics_count_refusals_and_probes() {
    let port = closed_port();
    let port_s = port.to_string();
    let relay = Relay::start(RelayOptions::args(&[
        "--allow",
        "127.0.0.0/8",
        "--allow-port",
        &port_s,
    ]))
    .await;
    let url = relay.ws_url("");
    session(&url, &[], &probe_request("169.254.169.254"))
        .await
        .expect_error("policy.denied");
    session(&url, &[], &probe_request("10.0.0.1:22"))
        .await
        .expect_error("policy.denied");
    session(&url, &[], &probe_request("127.1"))
        .await
        .expect_error("input.invalid");
    session(
        &url,
        &[("Origin", "http://evil.example")],
        &probe_request("x"),
    )
    .await
    .expect_error("origin.denied");
    let request = serde_json::json!({
        "type": "probe",
        "target": format!("127.0.0.1:{port}"),
        "samples": 0,
        "udp": false,
    })
    .to_string();
    let s = session(&url, &[], &request).await;
    assert_eq!(s.close_code, Some(1000), "{s:#?}");

    let text = relay.get("/metrics").await;
    assert!(
        text.contains("# TYPE rdpcheck_refusals_total counter"),
        "{text}"
    );
    assert_eq!(
        sample(&text, "rdpcheck_refusals_total{reason=\"policy.denied\"}"),
        Some(2.0),
        "{text}"
    );
    assert_eq!(
        sample(&text, "rdpcheck_refusals_total{reason=\"input.invalid\"}"),
        Some(1.0),
        "{text}"
    );
    assert_eq!(
        sample(&text, "rdpcheck_refusals_total{reason=\"origin.denied\"}"),
        Some(1.0),
        "{text}"
    );
    assert!(
        text.contains("# TYPE rdpcheck_probes_total counter"),
        "{text}"
    );
    assert_eq!(
        sample(&text, "rdpcheck_probes_total{outcome=\"problem\"}"),
        Some(1.0),
        "{text}"
    );
    assert_eq!(sample(&text, "rdpcheck_sessions"), Some(0.0), "{text}");
    assert!(
        sample(
            &text,
            "rdpcheck_stage_duration_seconds_count{stage=\"tcp\"}"
        ) == Some(1.0),
        "{text}"
    );
}
