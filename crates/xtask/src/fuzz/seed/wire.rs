//! Seeds for the relay protocol's messages, the reports and the share links: relay/PROTOCOL.md's
//! examples, and messages built from the real lab reports the way the relay streams them; the
//! v1 share links and the v2 two-vantage link.

use std::path::Path;

use super::json::{array_items, compact_json, json_string, string_field};
use super::{files, read_text, seed, Seed};

const REPORT_FIXTURES: &[&str] = &["crates/rdpcheck-words/tests/fixtures", "web/tests/fixtures"];
const V1_LINKS: &str = "crates/rdpcheck-report/tests/data/v1_links.json";
const V2_LINKS: &str = "crates/rdpcheck-report/tests/data/v2_links.json";
const KEY_ID: &str = "EWSRkmMeI4yT";

/// The lab reports, compact-printed, by file name (duplicates across the two fixture
/// directories dropped).
fn reports(root: &Path) -> Result<Vec<(String, String)>, String> {
    let mut out: Vec<(String, String)> = Vec::new();
    for dir in REPORT_FIXTURES {
        for f in files(&root.join(dir), "json")? {
            let compact = compact_json(&String::from_utf8_lossy(&f.bytes));
            if !out.iter().any(|(_, r)| *r == compact) {
                out.push((f.name.trim_end_matches(".json").to_string(), compact));
            }
        }
    }
    Ok(out)
}

/// The JSON lines of relay/PROTOCOL.md's ```json blocks, one message per line that starts with
/// `{` (indented lines continue the message above; `…` lines are skipped).
fn protocol_messages(root: &Path) -> Result<Vec<String>, String> {
    let doc = read_text(&root.join("relay/PROTOCOL.md"))?;
    let mut out: Vec<String> = Vec::new();
    let mut in_json = false;
    for line in doc.lines() {
        if line.starts_with("```") {
            in_json = line == "```json";
            continue;
        }
        if !in_json {
            continue;
        }
        if line.starts_with('{') {
            out.push(line.to_string());
        } else if line.starts_with(' ') {
            if let Some(last) = out.last_mut() {
                last.push_str(line.trim_start());
            }
        }
    }
    Ok(out)
}

pub(super) fn client_messages(root: &Path) -> Result<Vec<Seed>, String> {
    let mut out: Vec<Seed> = protocol_messages(root)?
        .into_iter()
        .filter(|m| m.contains(r#""type":"probe""#))
        .map(|m| seed("protocol_md", m))
        .collect();
    for (i, m) in [
        r#"{"type":"probe","target":"rdp.example.com"}"#,
        r#"{"type":"probe","target":"[2001:db8::1]:3390","gateway":"gw.example.com:443","samples":0,"udp":false}"#,
        r#"{"type":"probe","target":"10.0.0.5","gateway":null,"samples":null,"udp":null}"#,
        r#"{"udp":true,"samples":4294967295,"target":"m\u00fcnchen.example","type":"probe"}"#,
        r#"{"type":"probe","target":"h","extra":1}"#,
        r#"{"type":"report","target":"h"}"#,
    ]
    .iter()
    .enumerate()
    {
        out.push(seed(format!("client_{i}"), *m));
    }
    Ok(out)
}

pub(super) fn server_messages(root: &Path) -> Result<Vec<Seed>, String> {
    let mut out: Vec<Seed> = protocol_messages(root)?
        .into_iter()
        .filter(|m| !m.contains(r#""type":"probe""#))
        .enumerate()
        .map(|(i, m)| seed(format!("protocol_md_{i}"), m))
        .collect();
    let signature = "A".repeat(86);
    for (n, (name, report)) in reports(root)?.into_iter().enumerate() {
        out.push(seed(format!("{name}_report"), report.clone()));
        for (i, result) in array_items(&report, "stages").iter().enumerate() {
            let stage = string_field(result, "name").unwrap_or_default();
            out.push(seed(
                format!("{name}_stage_started_{i}"),
                format!(r#"{{"type":"stage","state":"started","name":"{stage}","at_ms":0.02}}"#),
            ));
            out.push(seed(
                format!("{name}_stage_finished_{i}"),
                format!(
                    r#"{{"type":"stage","state":"finished","name":"{stage}","at_ms":{i}.5,"result":{result}}}"#
                ),
            ));
        }
        for (i, finding) in array_items(&report, "findings").iter().enumerate() {
            out.push(seed(
                format!("{name}_finding_{i}"),
                format!(r#"{{"type":"finding","finding":{finding}}}"#),
            ));
        }
        // The report escaped inside a message: the raw reports above already cover the report
        // parser, so two messages (one with a redacted copy) keep the corpus small.
        let text = json_string(&report);
        let message = format!(
            r#"{{"type":"report","report":{text},"signature":"{signature}","key_id":"{KEY_ID}""#
        );
        match n {
            0 => out.push(seed(
                format!("{name}_report_message_redacted"),
                format!(
                    r#"{message},"redacted":{{"report":{text},"signature":"{signature}","key_id":"{KEY_ID}"}}}}"#
                ),
            )),
            1 => out.push(seed(format!("{name}_report_message"), format!("{message}}}"))),
            _ => {}
        }
    }
    // Regression: a 17-digit decimal serde_json's default parser read one ulp off, so the
    // message did not survive a round trip (crates/rdpcheck-report/tests/json_round_trip.rs).
    out.push(seed(
        "regression_float_roundtrip",
        r#"{"type":"stage","state":"started","name":"dns","at_ms":90958037488623577e-9}"#,
    ));
    for code in [
        "input.invalid",
        "policy.denied",
        "limit.rate",
        "limit.busy",
        "auth.required",
        "origin.denied",
        "internal",
        "shutdown",
    ] {
        out.push(seed(
            format!("error_{code}"),
            format!(r#"{{"type":"error","code":"{code}","message":"refused"}}"#),
        ));
    }
    Ok(out)
}

pub(super) fn share_links(root: &Path) -> Result<Vec<Seed>, String> {
    let links = compact_json(&read_text(&root.join(V1_LINKS))?);
    let mut out = Vec::new();
    for key in ["healthy", "healthy_redacted", "refused"] {
        if let Some(link) = string_field(&links, key) {
            out.push(seed(format!("v1_{key}"), link.clone()));
            out.push(seed(format!("v1_{key}_with_hash"), format!("#{link}")));
        }
    }
    let vantage = compact_json(&read_text(&root.join(V2_LINKS))?);
    if let Some(link) = string_field(&vantage, "cut_here_healthy_there") {
        out.push(seed("v2_cut_here_healthy_there", link));
    }
    let signature = "A".repeat(86);
    let reports = reports(root)?;
    for (name, report) in reports.iter().take(3) {
        out.push(seed(
            format!("{name}_signed_json"),
            format!(
                r#"{{"report":{},"signature":"{signature}","key_id":"{KEY_ID}"}}"#,
                json_string(report)
            ),
        ));
    }
    // The JSON of a two-vantage link: a local report and a signed one.
    if let [(local, l), (relay, r), ..] = reports.as_slice() {
        out.push(seed(
            format!("{local}_{relay}_vantage_json"),
            format!(
                r#"{{"local":{},"relay":{{"report":{},"signature":"{signature}","key_id":"{KEY_ID}"}}}}"#,
                json_string(l),
                json_string(r)
            ),
        ));
    }
    Ok(out)
}
