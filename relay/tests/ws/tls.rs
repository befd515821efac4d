//! The HTTPS listener: the relay serves the page and the API over TLS with the given PEM files.
//! curl (a real client) fetches /healthz and /api/v1/key over HTTPS.

use std::process::Command;
use std::time::{Duration, Instant};

use rdpcheck_labtests::certs::TestCert;
use rdpcheck_labtests::process::free_port;

use crate::harness::http::connect_from;
use crate::harness::relay::relay_command;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serves_https_with_the_given_certificate() {
    let dir = tempfile::tempdir().expect("temp dir");
    let cert = TestCert::self_signed();
    let (cert_path, key_path) = cert.write_pem(dir.path());
    let port = free_port();
    let mut child = relay_command()
        .args(["--listen", &format!("127.0.0.1:{port}")])
        .arg("--key-file")
        .arg(dir.path().join("key"))
        .arg("--tls-cert")
        .arg(&cert_path)
        .arg("--tls-key")
        .arg(&key_path)
        .spawn()
        .expect("start the relay");
    let url = |path: &str| format!("https://127.0.0.1:{port}{path}");
    let curl = |path: &str| {
        Command::new("curl")
            .args(["-sS", "--max-time", "5", "--cacert"])
            .arg(&cert_path)
            .arg(url(path))
            .output()
            .expect("run curl (apt-get install curl)")
    };
    let start = Instant::now();
    let health = loop {
        let out = curl("/healthz");
        if out.status.success() {
            break String::from_utf8_lossy(&out.stdout).into_owned();
        }
        assert!(
            start.elapsed() < Duration::from_secs(15),
            "no HTTPS answer: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    assert!(health.contains("\"status\":\"ok\""), "{health}");
    let key = String::from_utf8_lossy(&curl("/api/v1/key").stdout).into_owned();
    assert!(key.contains("\"algorithm\":\"Ed25519\""), "{key}");
    // Plain HTTP on the TLS port is not served.
    let plain = Command::new("curl")
        .args(["-sS", "--max-time", "5"])
        .arg(format!("http://127.0.0.1:{port}/healthz"))
        .output()
        .expect("curl");
    assert!(!String::from_utf8_lossy(&plain.stdout).contains("\"status\":\"ok\""));
    let _ = child.kill();
    let _ = child.wait();
}

/// The HTTPS listener has the same caps and deadlines as the plain one: a connection that never
/// starts its TLS handshake is closed after `header_timeout_s`, and one over the per-client cap
/// is closed at once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_https_listener_has_the_same_caps_and_deadlines() {
    use tokio::io::AsyncReadExt;

    let dir = tempfile::tempdir().expect("temp dir");
    let cert = TestCert::self_signed();
    let (cert_path, key_path) = cert.write_pem(dir.path());
    let config = dir.path().join("relay.toml");
    std::fs::write(
        &config,
        "[limits]\nheader_timeout_s = 1\nmax_connections_per_client = 3\n",
    )
    .expect("config");
    let port = free_port();
    let mut child = relay_command()
        .args(["--listen", &format!("127.0.0.1:{port}")])
        .arg("--key-file")
        .arg(dir.path().join("key"))
        .arg("--config")
        .arg(&config)
        .arg("--tls-cert")
        .arg(&cert_path)
        .arg("--tls-key")
        .arg(&key_path)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("start the relay");
    let curl_ok = || {
        Command::new("curl")
            .args(["-sS", "--max-time", "5", "--cacert"])
            .arg(&cert_path)
            .arg(format!("https://127.0.0.1:{port}/healthz"))
            .output()
            .is_ok_and(|o| o.status.success())
    };
    let start = Instant::now();
    while !curl_ok() {
        assert!(start.elapsed() < Duration::from_secs(15), "no HTTPS answer");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    // The held connections come from 127.0.0.3, so a curl connection the relay has not yet seen
    // close (curl's client is 127.0.0.1) cannot take one of the three slots.
    let client = Some(std::net::IpAddr::from([127, 0, 0, 3]));
    // How long until the relay closes a connection that sends nothing.
    async fn closed_after(mut s: tokio::net::TcpStream) -> Option<Duration> {
        let start = Instant::now();
        let mut buf = [0u8; 64];
        match tokio::time::timeout(Duration::from_secs(6), s.read(&mut buf)).await {
            Ok(_) => Some(start.elapsed()),
            Err(_) => None,
        }
    }
    let mut held = Vec::new();
    for _ in 0..3 {
        held.push(connect_from(client, port).await.expect("connect"));
    }
    let over = connect_from(client, port).await.expect("connect");
    let over = closed_after(over)
        .await
        .expect("the 4th connection stayed open");
    assert!(
        over < Duration::from_millis(500),
        "over the cap: closed after {over:?}"
    );
    let mut silent = Vec::new();
    for s in held {
        silent.push(tokio::spawn(closed_after(s)));
    }
    for s in silent {
        let after = s
            .await
            .expect("task")
            .expect("a silent connection stayed open");
        assert!(
            after >= Duration::from_millis(800) && after < Duration::from_secs(4),
            "the TLS handshake deadline closed it after {after:?}"
        );
    }
    // Once they are gone, HTTPS works again.
    assert!(
        curl_ok(),
        "no HTTPS answer after the silent connections were closed"
    );
    let _ = child.kill();
    let _ = child.wait();
}
