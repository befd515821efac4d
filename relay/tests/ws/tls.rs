//! The HTTPS listener: the relay serves the page and the API over TLS with the given PEM files.
//! curl (a real client) fetches /healthz and /api/v1/key over HTTPS.

use std::process::Command;
use std::time::{Duration, Instant};

use rdpcheck_labtests::certs::TestCert;
use rdpcheck_labtests::process::free_port;

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
