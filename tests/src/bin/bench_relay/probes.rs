//! Probes per second (part 2), the run: a relay allowed to reach the in-process fault server,
//! one checked probe, a warm-up, then `--concurrency` loops for `--duration`, with the CPU
//! both sides used.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use ed25519_dalek::{Signer, SigningKey};
use rdpcheck_labtests::process::interrupted;
use rdpcheck_labtests::{Fault, FaultServer};
use serde_json::Value;

use crate::args::Args;
use crate::procfs::cpu_seconds;
use crate::relay::Relay;
use crate::session::{one_probe, run_loops};

pub struct ProbeResult {
    pub request: String,
    pub stages: String,
    pub messages: usize,
    pub report_bytes: usize,
    pub sign_us: f64,
    pub completed: usize,
    pub errors: BTreeMap<String, usize>,
    pub wall_s: f64,
    pub report_ms: Vec<f64>,
    pub session_ms: Vec<f64>,
    pub relay_cpu_s: f64,
    pub bench_cpu_s: f64,
    pub accepted: usize,
    pub relay_rss_kib: u64,
}

impl ProbeResult {
    pub fn per_s(&self) -> f64 {
        self.completed as f64 / self.wall_s
    }
}

/// The stages of the report inside a `report` wire message, and the report's length.
fn describe_report(message: &str) -> (String, usize) {
    let Ok(v) = serde_json::from_str::<Value>(message) else {
        return ("unparsable".into(), 0);
    };
    let text = v["report"].as_str().unwrap_or_default();
    let report: Value = serde_json::from_str(text).unwrap_or(Value::Null);
    let stages = report["stages"]
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or_default()
        .iter()
        .filter(|s| s["status"].as_str() != Some("skip"))
        .map(|s| {
            format!(
                "{} {} {:.2} ms",
                s["name"].as_str().unwrap_or("?"),
                s["status"].as_str().unwrap_or("?"),
                s["duration_ms"].as_f64().unwrap_or(f64::NAN)
            )
        })
        .collect::<Vec<_>>()
        .join(", ");
    (stages, text.len())
}

/// Microseconds for one Ed25519 signature over the report text and one over its redacted copy
/// (what the relay signs per report), measured in this process.
fn signing_cost_us(message: &str) -> f64 {
    let Ok(v) = serde_json::from_str::<Value>(message) else {
        return f64::NAN;
    };
    let full = v["report"].as_str().unwrap_or_default().as_bytes().to_vec();
    let redacted = v["redacted"]["report"]
        .as_str()
        .unwrap_or_default()
        .as_bytes()
        .to_vec();
    let key = SigningKey::from_bytes(&[7u8; 32]);
    let rounds = 2000;
    let start = Instant::now();
    for _ in 0..rounds {
        std::hint::black_box(key.sign(std::hint::black_box(&full)));
        std::hint::black_box(key.sign(std::hint::black_box(&redacted)));
    }
    start.elapsed().as_secs_f64() * 1e6 / f64::from(rounds)
}

pub async fn bench_probes(args: &Args, ticks_per_s: f64) -> Result<ProbeResult, String> {
    let fault = FaultServer::start(Fault::CloseAfterRequest).await;
    let config = "[limits]\n\
                  probes_per_minute_per_client = 10000000\n\
                  probes_per_minute_per_target = 10000000\n\
                  max_concurrent_probes = 256\n\
                  max_concurrent_per_client = 256\n\
                  max_connections_per_client = 60000\n";
    let extra = [
        "--allow".to_string(),
        "127.0.0.0/8".to_string(),
        "--allow-port".to_string(),
        fault.port.to_string(),
    ];
    eprintln!(
        "probes: fault server (CloseAfterRequest) on 127.0.0.1:{}; starting the relay …",
        fault.port
    );
    let mut relay = Relay::start(&args.relay, config, &extra).await?;
    let url = relay.ws_url();
    let request = format!(
        r#"{{"type":"probe","target":"127.0.0.1:{}","samples":0,"udp":false}}"#,
        fault.port
    );
    // One checked probe: the path works and stops after x224.
    let first = one_probe(&url, &request, true)
        .await
        .map_err(|e| format!("first probe failed: {e}\nrelay output:\n{}", relay.output()))?;
    let message = first.message.unwrap_or_default();
    let (stages, report_bytes) = describe_report(&message);
    eprintln!(
        "probes: first probe {:.1} ms, {} messages; stages: {stages}; connected, then each message at (ms, [at_ms]): {}",
        first.report_ms,
        first.messages,
        first
            .arrivals
            .iter()
            .map(|(ms, at)| match at {
                Some(at) => format!("{ms:.1}[{at:.2}]"),
                None => format!("{ms:.1}"),
            })
            .collect::<Vec<_>>()
            .join(" ")
    );
    let sign_us = signing_cost_us(&message);
    // Warm-up, discarded.
    eprintln!("probes: 1 s warm-up, {} loops …", args.concurrency);
    let _ = run_loops(&url, &request, args.concurrency, Duration::from_secs(1)).await;
    if interrupted() {
        return Err("interrupted".into());
    }
    eprintln!(
        "probes: measuring {} loops for {} s …",
        args.concurrency,
        args.duration.as_secs()
    );
    let accepted_before = fault.accepted();
    let relay_cpu_before = cpu_seconds(relay.pid as u32, ticks_per_s);
    let bench_cpu_before = cpu_seconds(std::process::id(), ticks_per_s);
    let (stats, wall_s) = run_loops(&url, &request, args.concurrency, args.duration).await;
    let relay_cpu_s = cpu_seconds(relay.pid as u32, ticks_per_s) - relay_cpu_before;
    let bench_cpu_s = cpu_seconds(std::process::id(), ticks_per_s) - bench_cpu_before;
    let accepted = fault.accepted() - accepted_before;
    let relay_rss_kib = relay.rss_kib().unwrap_or(0);
    if !relay.alive() {
        return Err(format!(
            "the relay exited during the run:\n{}",
            relay.output()
        ));
    }
    drop(relay);
    drop(fault);
    let mut report_ms = stats.report_ms;
    let mut session_ms = stats.session_ms;
    report_ms.sort_by(f64::total_cmp);
    session_ms.sort_by(f64::total_cmp);
    Ok(ProbeResult {
        request: request.replace(&format!(":{}", extra[3]), ":PORT"),
        stages,
        messages: first.messages,
        report_bytes,
        sign_us,
        completed: report_ms.len(),
        errors: stats.errors,
        wall_s,
        report_ms,
        session_ms,
        relay_cpu_s,
        bench_cpu_s,
        accepted,
        relay_rss_kib,
    })
}
