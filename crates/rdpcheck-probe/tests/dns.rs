//! The dns stage against a tiny DNS responder on loopback. It is a fake server on purpose: it
//! produces NXDOMAIN, empty answers, SERVFAIL and silence on demand, which no real resolver on this
//! machine would do for us without network access.

use std::net::SocketAddr;
use std::time::Duration;

use rdpcheck_probe::{probe, ProbeOptions};
use rdpcheck_report::Report;
use tokio::net::UdpSocket;

/// Answer every query according to the first label of its name.
async fn start_responder() -> SocketAddr {
    let socket = UdpSocket::bind("127.0.0.1:0").await.expect("bind udp");
    let addr = socket.local_addr().expect("addr");
    tokio::spawn(async move {
        let mut buf = [0u8; 1500];
        while let Ok((n, peer)) = socket.recv_from(&mut buf).await {
            if let Some(reply) = answer(&buf[..n]) {
                let _ = socket.send_to(&reply, peer).await;
            }
        }
    });
    addr
}

fn answer(query: &[u8]) -> Option<Vec<u8>> {
    // Question: labels from offset 12 to a zero byte, then QTYPE and QCLASS.
    let mut pos = 12;
    let mut first_label = String::new();
    while *query.get(pos)? != 0 {
        let len = usize::from(query[pos]);
        if first_label.is_empty() {
            first_label = String::from_utf8_lossy(query.get(pos + 1..pos + 1 + len)?).into_owned();
        }
        pos += 1 + len;
    }
    let qtype = u16::from_be_bytes([*query.get(pos + 1)?, *query.get(pos + 2)?]);
    let question = query.get(12..pos + 5)?;
    let (rcode, a_record) = match first_label.as_str() {
        "silent" => return None,
        "nx" => (3u8, false),
        "servfail" => (2, false),
        "empty" => (0, false),
        _ => (0, qtype == 1),
    };
    let mut out = Vec::new();
    out.extend_from_slice(&query[..2]); // id
    out.extend_from_slice(&[0x81, 0x80 | rcode]); // response, RD, RA
    out.extend_from_slice(&[0, 1, 0, u8::from(a_record), 0, 0, 0, 0]);
    out.extend_from_slice(question);
    if a_record {
        out.extend_from_slice(&[0xC0, 0x0C, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 127, 0, 0, 1]);
    }
    Some(out)
}

async fn check(host: &str, dns: SocketAddr, port: u16) -> Report {
    let mut opts = ProbeOptions::new(host, port);
    opts.dns_server = Some(dns);
    opts.reply_timeout = Duration::from_secs(1);
    opts.samples = 0;
    tokio::time::timeout(Duration::from_secs(10), probe(opts, None))
        .await
        .expect("probe finished in time")
}

fn closed_port() -> u16 {
    let l = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    l.local_addr().expect("addr").port()
}

#[tokio::test]
async fn dns_outcomes_are_told_apart() {
    let dns = start_responder().await;
    let port = closed_port();
    for (host, code) in [
        ("nx.rdpcheck.test", "dns.nxdomain"),
        ("empty.rdpcheck.test", "dns.no_answer"),
        ("servfail.rdpcheck.test", "dns.failure"),
        ("silent.rdpcheck.test", "dns.timeout"),
    ] {
        let r = check(host, dns, port).await;
        assert_eq!(r.verdict.codes, [code], "{host}: {:?}", r.findings);
        assert_eq!(r.verdict.stage.as_ref().map(|s| s.as_str()), Some("dns"));
    }
}

#[tokio::test]
async fn a_resolved_name_goes_on_to_tcp() {
    let dns = start_responder().await;
    let r = check("rdp.rdpcheck.test", dns, closed_port()).await;
    assert_eq!(r.target.addresses, ["127.0.0.1"]);
    assert_eq!(r.verdict.codes, ["tcp.refused"]);
}
