//! The egress policy over the wire: every target in the corpus is refused in-band (one `error`
//! message, close 1008), and canary listeners on the loopback RDP port prove that no refused
//! request made a connection or sent a datagram.

use std::net::{Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use tokio::net::{TcpListener, TcpStream, UdpSocket};
use tokio::task::JoinHandle;

use crate::dns::FakeDns;
use crate::harness::ws::{probe_request, session};
use crate::harness::{Relay, RelayOptions};

const POLICY: &str = "policy.denied";
const INPUT: &str = "input.invalid";

/// Listeners on 127.0.0.1:3389 and [::1]:3389 (TCP) and the same over UDP that count what
/// reaches them.
struct Canary {
    tcp: Arc<AtomicUsize>,
    udp: Arc<AtomicUsize>,
    tasks: Vec<JoinHandle<()>>,
}

impl Canary {
    async fn start() -> Canary {
        let tcp = Arc::new(AtomicUsize::new(0));
        let udp = Arc::new(AtomicUsize::new(0));
        let mut tasks = Vec::new();
        for ip in [
            std::net::IpAddr::V4(Ipv4Addr::LOCALHOST),
            std::net::IpAddr::V6(Ipv6Addr::LOCALHOST),
        ] {
            let addr = SocketAddr::new(ip, 3389);
            let listener = TcpListener::bind(addr).await.unwrap_or_else(|e| {
                panic!("CANARY: cannot bind TCP {addr} ({e}); the test needs this port free")
            });
            let count = Arc::clone(&tcp);
            tasks.push(tokio::spawn(async move {
                while let Ok((conn, peer)) = listener.accept().await {
                    eprintln!("CANARY: TCP connection from {peer}");
                    count.fetch_add(1, Ordering::SeqCst);
                    drop(conn);
                }
            }));
            let socket = UdpSocket::bind(addr).await.unwrap_or_else(|e| {
                panic!("CANARY: cannot bind UDP {addr} ({e}); the test needs this port free")
            });
            let count = Arc::clone(&udp);
            tasks.push(tokio::spawn(async move {
                let mut buf = [0u8; 2048];
                while let Ok((_, peer)) = socket.recv_from(&mut buf).await {
                    eprintln!("CANARY: UDP datagram from {peer}");
                    count.fetch_add(1, Ordering::SeqCst);
                }
            }));
        }
        let canary = Canary { tcp, udp, tasks };
        canary.self_test().await;
        canary
    }

    /// Prove the canary counts: one connection and one datagram to each address, then reset.
    async fn self_test(&self) {
        for ip in ["127.0.0.1", "::1"] {
            let addr = SocketAddr::new(ip.parse().expect("ip"), 3389);
            let conn = tokio::time::timeout(Duration::from_secs(2), TcpStream::connect(addr))
                .await
                .expect("canary connect timed out")
                .expect("canary connect");
            drop(conn);
            let local = if ip == "::1" {
                "[::1]:0"
            } else {
                "127.0.0.1:0"
            };
            let probe = UdpSocket::bind(local).await.expect("bind udp");
            probe.send_to(b"canary", addr).await.expect("send udp");
        }
        let deadline = std::time::Instant::now() + Duration::from_secs(2);
        while (self.tcp.load(Ordering::SeqCst) < 2 || self.udp.load(Ordering::SeqCst) < 2)
            && std::time::Instant::now() < deadline
        {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        assert_eq!(
            self.tcp.swap(0, Ordering::SeqCst),
            2,
            "canary TCP self-test"
        );
        assert_eq!(
            self.udp.swap(0, Ordering::SeqCst),
            2,
            "canary UDP self-test"
        );
    }
}

impl Drop for Canary {
    fn drop(&mut self) {
        for t in &self.tasks {
            t.abort();
        }
    }
}

/// (request target, expected code, a phrase the message must contain).
fn corpus() -> Vec<(String, &'static str, &'static str)> {
    let long_name = format!("{}.example", "a".repeat(310));
    let cases: Vec<(&str, &str, &str)> = vec![
        // Loopback, literally and through embeddings.
        ("127.0.0.1", POLICY, "127.0.0.1 is a loopback address"),
        ("127.0.0.1:3389", POLICY, "loopback"),
        ("127.0.0.2:443", POLICY, "loopback"),
        ("localhost", POLICY, "localhost resolves to"),
        ("LOCALHOST.", POLICY, "localhost resolves to"),
        ("LocalHost:443", POLICY, "loopback"),
        ("[::1]", POLICY, "::1 is a loopback address"),
        ("[::1]:3389", POLICY, "loopback"),
        ("::1", POLICY, "loopback"),
        ("[::ffff:127.0.0.1]", POLICY, "IPv4-mapped"),
        ("::ffff:7f00:1", POLICY, "embeds 127.0.0.1"),
        ("[64:ff9b::7f00:1]", POLICY, "NAT64"),
        ("[2002:7f00:1::]", POLICY, "6to4"),
        ("[::127.0.0.1]", POLICY, "127.0.0.1"),
        // Odd numeric spellings are refused as input, not guessed.
        ("127.1", INPUT, "numeric"),
        ("2130706433", INPUT, "numeric"),
        ("0x7f000001", INPUT, "numeric"),
        ("0177.0.0.1", INPUT, "numeric"),
        ("0x7f.0.0.1", INPUT, "numeric"),
        ("127.0.0.01", INPUT, "numeric"),
        ("１２７.０.０.１", INPUT, "ASCII"),
        // Special-purpose ranges.
        ("0.0.0.0", POLICY, "unspecified"),
        ("[::]", POLICY, "unspecified"),
        ("169.254.169.254", POLICY, "cloud metadata"),
        ("169.254.169.254:443", POLICY, "cloud metadata"),
        ("169.254.170.2", POLICY, "cloud metadata"),
        ("168.63.129.16", POLICY, "metadata"),
        ("[fd00:ec2::254]", POLICY, "cloud metadata"),
        ("100.64.0.1", POLICY, "CGNAT"),
        ("100.100.100.200", POLICY, "cloud metadata"),
        ("[fe80::1]", POLICY, "link-local"),
        ("169.254.1.1", POLICY, "link-local"),
        ("224.0.0.1", POLICY, "multicast"),
        ("[ff02::1]", POLICY, "multicast"),
        ("255.255.255.255", POLICY, "broadcast"),
        ("240.0.0.1", POLICY, "reserved"),
        ("198.18.0.1", POLICY, "benchmarking"),
        ("192.0.2.1", POLICY, "documentation"),
        ("[2001::7f00:1]", POLICY, "Teredo"),
        // Ports other than RDP and HTTPS.
        ("10.0.0.1:22", POLICY, "port 22"),
        ("10.0.0.1:80", POLICY, "port 80"),
        ("192.168.1.1:6379", POLICY, "port 6379"),
        ("localhost:25", POLICY, "port 25"),
        // Not a host.
        ("rdp://x", INPUT, "URL"),
        ("http://127.0.0.1/", INPUT, "URL"),
        ("user@host", INPUT, "user info"),
        ("host/path", INPUT, "path"),
        ("[fe80::1%25eth0]", INPUT, "zone id"),
        ("", INPUT, "empty"),
        ("   ", INPUT, "empty"),
        ("127.0.0.1:0", INPUT, "port 0"),
        ("127.0.0.1:65536", INPUT, "65535"),
        (long_name.as_str(), INPUT, "longer than 300"),
        // Names that resolve inward through the test resolver.
        (
            "inward.rdpcheck.test",
            POLICY,
            "inward.rdpcheck.test resolves to 127.0.0.1",
        ),
        (
            "INWARD.rdpcheck.test.",
            POLICY,
            "inward.rdpcheck.test resolves to 127.0.0.1",
        ),
        (
            "meta.rdpcheck.test",
            POLICY,
            "meta.rdpcheck.test resolves to 169.254.169.254",
        ),
        (
            "meta.rdpcheck.test:443",
            POLICY,
            "resolves to 169.254.169.254: 169.254.169.254 is a cloud metadata address",
        ),
        (
            "inward6.rdpcheck.test",
            POLICY,
            "inward6.rdpcheck.test resolves to ::1",
        ),
    ];
    cases
        .into_iter()
        .map(|(t, c, w)| (t.to_string(), c, w))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_default_policy_refuses_the_corpus_without_connecting() {
    let canary = Canary::start().await;
    let dns = FakeDns::start().await;
    let dns_addr = dns.addr.to_string();
    let relay = Relay::start(RelayOptions::args(&["--dns-server", &dns_addr])).await;
    let url = relay.ws_url("");

    let mut requests: Vec<(String, &str, &str)> = corpus()
        .into_iter()
        .map(|(target, code, phrase)| (probe_request(&target), code, phrase))
        .collect();
    // A gateway outside the policy refuses the request too (target itself is fine).
    for (gateway, phrase) in [
        ("127.0.0.1", "gateway: 127.0.0.1 is a loopback address"),
        ("localhost", "gateway: localhost resolves to"),
        (
            "meta.rdpcheck.test",
            "gateway: meta.rdpcheck.test resolves to",
        ),
        ("10.0.0.1:8443", "gateway: port 8443"),
    ] {
        let request = serde_json::json!({
            "type": "probe",
            "target": "10.0.0.1",
            "gateway": gateway,
        })
        .to_string();
        requests.push((request, POLICY, phrase));
    }
    assert!(requests.len() >= 40, "corpus has {}", requests.len());

    let mut failures = Vec::new();
    for (request, code, phrase) in &requests {
        let s = session(&url, &[], request).await;
        let msgs = s.json();
        let ok = msgs.len() == 1
            && msgs[0]["type"] == "error"
            && msgs[0]["code"] == *code
            && s.close_code == Some(1008);
        let message = msgs
            .first()
            .and_then(|m| m["message"].as_str())
            .unwrap_or("")
            .to_string();
        let mentions = message.contains(phrase)
            && (*code != POLICY || message.contains("egress policy does not allow it"));
        if !ok || !mentions {
            failures.push(format!(
                "{request}: expected {code} mentioning {phrase:?} then close 1008; got {:?} close {:?}",
                s.texts, s.close_code
            ));
        }
    }
    // Give a stray connection or datagram time to land before counting.
    tokio::time::sleep(Duration::from_millis(200)).await;
    let (tcp, udp) = (
        canary.tcp.load(Ordering::SeqCst),
        canary.udp.load(Ordering::SeqCst),
    );
    assert!(
        failures.is_empty(),
        "{} of {} refusals wrong:\n{}\nrelay output:\n{}",
        failures.len(),
        requests.len(),
        failures.join("\n"),
        relay.output()
    );
    assert_eq!(tcp, 0, "a refused request reached the TCP canary");
    assert_eq!(udp, 0, "a refused request reached the UDP canary");
    assert!(dns.queries() > 0, "the relay never asked the test resolver");
    eprintln!(
        "{} refusals checked, canary counts tcp={tcp} udp={udp}",
        requests.len()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_public_policy_refuses_private_networks() {
    let relay = Relay::start(RelayOptions::args(&["--policy", "public"])).await;
    let url = relay.ws_url("");
    for target in ["10.0.0.5", "172.16.0.1", "192.168.1.1", "[fd00::1]"] {
        let s = session(&url, &[], &probe_request(target)).await;
        let message = s.expect_error(POLICY);
        assert!(
            message.contains("private") && message.contains("refused by the public policy"),
            "{target}: {message}"
        );
    }
}
