//! `/metrics` counts refusals by reason and finished probes by outcome and by verdict and stage,
//! with stage and probe durations as histograms; every metric an alert rule of
//! relay/deploy/alerts.yml uses is one the relay serves.

use crate::harness::http::metric_sample;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::process::Command;

use rdpcheck_labtests::process::{closed_port, require_binary};
use rdpcheck_report::wire::error_code;

use crate::harness::ws::{probe_request, quick_probe, session};
use crate::harness::{Relay, RelayOptions};

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
    let request = quick_probe(port);
    let s = session(&url, &[], &request).await;
    assert_eq!(s.close_code, Some(1000), "{s:#?}");

    let text = relay.get("/metrics").await;
    assert!(
        text.contains("# TYPE rdpcheck_refusals_total counter"),
        "{text}"
    );
    assert_eq!(
        metric_sample(&text, "rdpcheck_refusals_total{reason=\"policy.denied\"}"),
        Some(2.0),
        "{text}"
    );
    assert_eq!(
        metric_sample(&text, "rdpcheck_refusals_total{reason=\"input.invalid\"}"),
        Some(1.0),
        "{text}"
    );
    assert_eq!(
        metric_sample(&text, "rdpcheck_refusals_total{reason=\"origin.denied\"}"),
        Some(1.0),
        "{text}"
    );
    assert!(
        text.contains("# TYPE rdpcheck_probes_total counter"),
        "{text}"
    );
    assert_eq!(
        metric_sample(&text, "rdpcheck_probes_total{outcome=\"problem\"}"),
        Some(1.0),
        "{text}"
    );
    assert_eq!(
        metric_sample(&text, "rdpcheck_sessions"),
        Some(0.0),
        "{text}"
    );
    assert!(
        metric_sample(
            &text,
            "rdpcheck_stage_duration_seconds_count{stage=\"tcp\"}"
        ) == Some(1.0),
        "{text}"
    );
    assert!(
        text.contains("# TYPE rdpcheck_stage_duration_seconds histogram"),
        "{text}"
    );
    assert_eq!(
        metric_sample(
            &text,
            "rdpcheck_stage_duration_seconds_bucket{stage=\"tcp\",le=\"+Inf\"}"
        ),
        Some(1.0),
        "{text}"
    );
    assert_eq!(
        metric_sample(
            &text,
            "rdpcheck_probe_verdicts_total{verdict=\"problem\",stage=\"tcp\"}"
        ),
        Some(1.0),
        "{text}"
    );
    assert_eq!(
        metric_sample(&text, "rdpcheck_probe_duration_seconds_count"),
        Some(1.0),
        "{text}"
    );
}

const ALERTS: &str = include_str!("../../deploy/alerts.yml");
const PROMETHEUS: &str = include_str!("../../deploy/prometheus.yml");

/// Every `rdpcheck_…` name in `text`.
fn metric_names(text: &str) -> BTreeSet<&str> {
    let mut names = BTreeSet::new();
    let mut rest = text;
    while let Some(at) = rest.find("rdpcheck_") {
        let tail = &rest[at..];
        let end = tail
            .find(|c: char| !(c.is_ascii_lowercase() || c == '_'))
            .unwrap_or(tail.len());
        names.insert(&tail[..end]);
        rest = &tail[end..];
    }
    names
}

/// The families `/metrics` declares (`# TYPE name kind`), with their kinds.
fn served_families(text: &str) -> BTreeMap<&str, &str> {
    text.lines()
        .filter_map(|l| {
            let mut words = l.strip_prefix("# TYPE ")?.split(' ');
            Some((words.next()?, words.next()?))
        })
        .collect()
}

/// The alert rules (and their comments and annotations) name only metrics a fresh relay
/// declares: a renamed metric cannot leave an alert that never fires. A histogram's series
/// count as its family.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_metric_the_alert_rules_name_is_served() {
    let relay = Relay::start(RelayOptions::default()).await;
    let text = relay.get("/metrics").await;
    let served = served_families(&text);
    assert!(served.len() >= 10, "{text}");
    let used = metric_names(ALERTS);
    for needed in ["rdpcheck_refusals_total", "rdpcheck_probes_total"] {
        assert!(used.contains(needed), "alerts.yml does not use {needed}");
    }
    for name in used {
        let family = ["_bucket", "_sum", "_count"]
            .iter()
            .find_map(|suffix| {
                let base = name.strip_suffix(suffix)?;
                (served.get(base) == Some(&"histogram")).then_some(base)
            })
            .unwrap_or(name);
        assert!(
            served.contains_key(family),
            "alerts.yml uses {name}, which /metrics does not serve:\n{text}"
        );
    }
    // The label values the rules select are the ones the relay writes.
    assert!(ALERTS.contains(&format!("reason=\"{}\"", error_code::INTERNAL)));
    assert!(ALERTS.contains("outcome=\"incomplete\""));
    // The scrape config loads these rules from /metrics.
    assert!(PROMETHEUS.contains("- alerts.yml"), "{PROMETHEUS}");
    assert!(
        PROMETHEUS.contains("metrics_path: /metrics"),
        "{PROMETHEUS}"
    );
}

/// promtool (Debian `prometheus`) accepts the scrape config and the rules, and the rules' unit
/// tests (relay/deploy/alerts.test.yml: a spike fires, a quiet relay does not; the error rate
/// fires on incomplete or internal probes, not on the targets' problems; a lasting limits backend
/// outage fires, a blip does not) pass.
#[test]
fn promtool_accepts_the_scrape_config_and_the_alert_rules() {
    let promtool = require_binary("promtool", "prometheus");
    let deploy = Path::new(env!("CARGO_MANIFEST_DIR")).join("deploy");
    for args in [
        &["check", "config", "prometheus.yml"][..],
        &["check", "rules", "alerts.yml"],
        &["test", "rules", "alerts.test.yml"],
    ] {
        let out = Command::new(&promtool)
            .args(args)
            .current_dir(&deploy)
            .output()
            .expect("run promtool");
        assert!(
            out.status.success(),
            "promtool {}: {}\n{}{}",
            args.join(" "),
            out.status,
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

/// The README's "Metrics" table documents exactly the families `/metrics` declares.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_readme_documents_every_metric_served() {
    let relay = Relay::start(RelayOptions::default()).await;
    let text = relay.get("/metrics").await;
    let served: BTreeSet<&str> = served_families(&text).into_keys().collect();
    let readme = include_str!("../../../README.md");
    let documented: BTreeSet<&str> = readme
        .lines()
        .filter_map(|l| l.strip_prefix("| `rdpcheck_"))
        .filter_map(|l| Some(&l[..l.find('`')?]))
        .collect();
    let served: BTreeSet<String> = served
        .iter()
        .map(|n| n.trim_start_matches("rdpcheck_").to_string())
        .collect();
    let documented: BTreeSet<String> = documented.iter().map(|n| n.to_string()).collect();
    assert_eq!(served, documented, "served vs the README's Metrics table");
}
