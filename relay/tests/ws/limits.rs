//! Admission and input limits from the config file's `[limits]` table: rate per client, the
//! global concurrency cap, the message size cap, the request timeout, malformed requests and the
//! samples cap.

use std::time::{Duration, Instant};

use rdpcheck_labtests::process::closed_port;
use rdpcheck_labtests::{Fault, FaultServer};

use crate::harness::ws::{collect, connect, next_json, quick_probe, send_text, session};
use crate::harness::{Relay, RelayOptions};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_third_probe_in_a_minute_is_rate_limited() {
    let port = closed_port();
    let port_s = port.to_string();
    let relay = Relay::start(
        RelayOptions::args(&["--allow", "127.0.0.0/8", "--allow-port", &port_s])
            .with_config("[limits]\nprobes_per_minute_per_client = 2\n"),
    )
    .await;
    let url = relay.ws_url("");
    for n in 1..=2 {
        let s = session(&url, &[], &quick_probe(port)).await;
        let msgs = s.json();
        let last = msgs.last().expect("messages");
        assert_eq!(
            last["type"],
            "report",
            "probe {n}: {:#?}\n{}",
            s.texts,
            relay.output()
        );
        assert!(
            last["report"]
                .as_str()
                .is_some_and(|r| r.contains("tcp.refused")),
            "probe {n}: {last}"
        );
        assert_eq!(s.close_code, Some(1000), "probe {n}");
    }
    let s = session(&url, &[], &quick_probe(port)).await;
    let message = s.expect_error("limit.rate");
    assert!(message.contains("too many"), "{message}");
    let metrics = relay.get("/metrics").await;
    assert!(
        metrics
            .lines()
            .any(|l| l == "rdpcheck_limiter_hits_total{limit=\"client_rate\"} 1"),
        "{metrics}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_probe_while_the_only_slot_is_held_is_busy() {
    let silent = FaultServer::start(Fault::Silent).await;
    let port_s = silent.port.to_string();
    let relay = Relay::start(
        RelayOptions::args(&["--allow", "127.0.0.0/8", "--allow-port", &port_s])
            .with_config("[limits]\nmax_concurrent_probes = 1\n"),
    )
    .await;
    let url = relay.ws_url("");
    let request = quick_probe(silent.port);

    // The first probe is admitted (its first stage event proves it) and waits on the silent server.
    let mut holder = connect(&url, &[]).await;
    send_text(&mut holder, &request).await;
    let first = next_json(&mut holder).await;
    assert_eq!(first["type"], "stage", "{first}");
    assert_eq!(first["name"], "dns", "{first}");

    let s = session(&url, &[], &request).await;
    let message = s.expect_error("limit.busy");
    assert!(message.contains("as many checks as it allows"), "{message}");
    let metrics = relay.get("/metrics").await;
    assert!(
        metrics
            .lines()
            .any(|l| l == "rdpcheck_limiter_hits_total{limit=\"total_concurrency\"} 1"),
        "{metrics}"
    );

    // Leaving aborts the held probe and frees the slot.
    drop(holder);
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        // Only the first message: a probe that is admitted would wait on the silent server.
        let mut ws = connect(&url, &[]).await;
        send_text(&mut ws, &request).await;
        let first = next_json(&mut ws).await;
        drop(ws);
        if first["type"] == "stage" {
            break;
        }
        assert_eq!(first["code"], "limit.busy", "{first}");
        assert!(
            Instant::now() < deadline,
            "the slot was not freed after the client left"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(silent.accepted() >= 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn oversized_messages_silence_and_malformed_requests_are_refused() {
    let relay = Relay::start(
        RelayOptions::default().with_config("[limits]\nrequest_timeout_s = 1\nmax_samples = 2\n"),
    )
    .await;
    let mut relay = relay;
    let url = relay.ws_url("");

    // More than 8 KiB in one text message: closed (1009, or an error and 1008).
    let big = serde_json::json!({
        "type": "probe",
        "target": format!("{}.example", "a".repeat(9 * 1024)),
    })
    .to_string();
    assert!(big.len() > 8 * 1024);
    let mut ws = connect(&url, &[]).await;
    // The relay may close while the frame is still being written; that is fine.
    let _ = tokio::time::timeout(
        Duration::from_secs(5),
        futures_util::SinkExt::send(&mut ws, tokio_tungstenite::tungstenite::Message::text(big)),
    )
    .await
    .expect("send timed out");
    let s = collect(&mut ws).await;
    let closed_with_1009 = s.close_code == Some(1009) && s.texts.is_empty();
    let refused_in_band = s.texts.len() == 1
        && s.json()[0]["type"] == "error"
        && s.json()[0]["code"] == "input.invalid";
    let cut_off = s.texts.is_empty() && (s.error.is_some() || s.close_code.is_some());
    assert!(
        closed_with_1009 || refused_in_band || cut_off,
        "oversized message: {s:?}"
    );
    assert!(
        !s.texts.iter().any(|t| t.contains("\"stage\"")),
        "an oversized request started a probe: {s:?}"
    );
    eprintln!("oversized message: {s:?}");
    relay.assert_healthy().await;

    // Nothing sent: input.invalid after request_timeout_s (1 s).
    let start = Instant::now();
    let mut ws = connect(&url, &[]).await;
    let s = collect(&mut ws).await;
    let waited = start.elapsed();
    let message = s.expect_error("input.invalid");
    assert!(message.contains("no request within 1 s"), "{message}");
    assert!(
        waited >= Duration::from_millis(900) && waited < Duration::from_secs(5),
        "timed out after {waited:?}"
    );

    // Not JSON, and JSON of the wrong shape.
    for bad in [
        "hello",
        "{\"type\":\"probe\"}",
        "{\"type\":\"scan\",\"target\":\"10.0.0.1\"}",
        "{\"type\":\"probe\",\"target\":\"10.0.0.1\",\"extra\":1}",
        "{\"type\":\"probe\",\"target\":\"10.0.0.1\",\"samples\":-1}",
    ] {
        let s = session(&url, &[], bad).await;
        let message = s.expect_error("input.invalid");
        assert!(message.contains("not valid"), "{bad}: {message}");
    }

    // A binary message instead of text.
    let mut ws = connect(&url, &[]).await;
    tokio::time::timeout(
        Duration::from_secs(5),
        futures_util::SinkExt::send(
            &mut ws,
            tokio_tungstenite::tungstenite::Message::binary(b"{}".to_vec()),
        ),
    )
    .await
    .expect("send timed out")
    .expect("send");
    let s = collect(&mut ws).await;
    let message = s.expect_error("input.invalid");
    assert!(message.contains("text"), "{message}");

    // More samples than the cap (2).
    let request = serde_json::json!({"type": "probe", "target": "10.0.0.1", "samples": 5});
    let s = session(&url, &[], &request.to_string()).await;
    let message = s.expect_error("input.invalid");
    assert!(message.contains("at most 2"), "{message}");

    relay.assert_healthy().await;
}
