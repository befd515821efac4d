//! SIGTERM while a probe runs: the client is told (`shutdown`, close 1001) and the relay exits by
//! itself.

use std::time::{Duration, Instant};

use nix::sys::signal::{kill, Signal};
use nix::unistd::Pid;
use rdpcheck_labtests::{Fault, FaultServer};

use crate::harness::ws::{collect, connect, next_json, quick_probe, send_text};
use crate::harness::{Relay, RelayOptions};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_tells_running_sessions_and_exits() {
    let silent = FaultServer::start(Fault::Silent).await;
    let port_s = silent.port.to_string();
    let mut relay = Relay::start(RelayOptions::args(&[
        "--allow",
        "127.0.0.0/8",
        "--allow-port",
        &port_s,
    ]))
    .await;
    let mut ws = connect(&relay.ws_url(""), &[]).await;
    let request = quick_probe(silent.port);
    send_text(&mut ws, &request).await;
    let first = next_json(&mut ws).await;
    assert_eq!(first["type"], "stage", "{first}");
    // Let the probe reach the silent server, so it is waiting on the network when the signal comes.
    let deadline = Instant::now() + Duration::from_secs(3);
    while silent.accepted() == 0 && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    // The main negotiation, and the layer probes that start with it.
    assert!(silent.accepted() >= 1, "the probe never connected");

    let pid = i32::try_from(relay.pid()).expect("pid fits");
    kill(Pid::from_raw(pid), Signal::SIGTERM).expect("send SIGTERM");
    let signalled = Instant::now();

    let s = collect(&mut ws).await;
    let errors: Vec<serde_json::Value> = s
        .json()
        .into_iter()
        .filter(|m| m["type"] != "stage" && m["type"] != "finding")
        .collect();
    assert_eq!(errors.len(), 1, "{s:#?}");
    assert_eq!(errors[0]["type"], "error", "{s:#?}");
    assert_eq!(errors[0]["code"], "shutdown", "{s:#?}");
    assert!(
        errors[0]["message"]
            .as_str()
            .is_some_and(|m| m.contains("shutting down")),
        "{s:#?}"
    );
    assert_eq!(s.close_code, Some(1001), "{s:#?}");
    assert_eq!(
        s.json().last().map(|m| m["type"].clone()),
        Some(serde_json::json!("error")),
        "the shutdown error is the last message: {s:#?}"
    );

    let status = relay.wait_exit(Duration::from_secs(5)).await;
    let status = status.unwrap_or_else(|| {
        panic!(
            "the relay did not exit within 5 s of SIGTERM; output:\n{}",
            relay.output()
        )
    });
    eprintln!(
        "relay exited with {status} {:?} after SIGTERM",
        signalled.elapsed()
    );
    assert!(
        status.success(),
        "exit status {status}:\n{}",
        relay.output()
    );
}
