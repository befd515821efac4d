//! Behind a real nginx (relay/deploy/nginx.conf as shipped): nginx terminates TLS and forwards
//! the WebSocket; the relay trusts only nginx's address (`--trusted-proxy 127.0.0.1/32`), so its
//! per-client limit counts the clients nginx names, and a header a client sends directly, or
//! through nginx, does not change who it is.
//!
//! Clients are told apart by their loopback source address (127.0.0.2, .3, .4); nginx connects
//! to the relay from 127.0.0.1.

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

use rdpcheck_labtests::certs::TestCa;
use rdpcheck_labtests::nginx_proxy;
use rdpcheck_labtests::process::{closed_port, free_port};
use tokio::net::TcpSocket;
use tokio_rustls::TlsConnector;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::http::HeaderValue;

use crate::harness::ws::{collect, quick_probe, send_text, Session};
use crate::harness::{Relay, RelayOptions, STEP};

fn ip(s: &str) -> IpAddr {
    s.parse().expect("ip")
}

/// A TCP connection to 127.0.0.1:`port` from `source`.
async fn tcp_from(source: IpAddr, port: u16) -> tokio::net::TcpStream {
    let socket = TcpSocket::new_v4().expect("socket");
    socket.bind(SocketAddr::new(source, 0)).expect("bind");
    tokio::time::timeout(
        STEP,
        socket.connect(SocketAddr::from(([127, 0, 0, 1], port))),
    )
    .await
    .expect("connect timed out")
    .expect("connect")
}

fn request(
    url: &str,
    headers: &[(&str, &str)],
) -> tokio_tungstenite::tungstenite::handshake::client::Request {
    let mut req = url.into_client_request().expect("ws request");
    for (name, value) in headers {
        let name: tokio_tungstenite::tungstenite::http::HeaderName = name.parse().expect("name");
        req.headers_mut()
            .insert(name, HeaderValue::from_str(value).expect("value"));
    }
    req
}

/// One probe session through nginx (wss, trusting `ca`) from `source`.
async fn via_nginx(
    ca: &TestCa,
    nginx_port: u16,
    source: IpAddr,
    headers: &[(&str, &str)],
    probe: &str,
) -> Session {
    let mut roots = rustls::RootCertStore::empty();
    roots
        .add(rustls::pki_types::CertificateDer::from(ca.cert.der.clone()))
        .expect("lab CA");
    let config = rustls::ClientConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .expect("versions")
    .with_root_certificates(roots)
    .with_no_client_auth();
    let tcp = tcp_from(source, nginx_port).await;
    let name = rustls::pki_types::ServerName::try_from("localhost").expect("name");
    let tls = tokio::time::timeout(
        STEP,
        TlsConnector::from(Arc::new(config)).connect(name, tcp),
    )
    .await
    .expect("TLS timed out")
    .expect("TLS to nginx");
    let url = format!("wss://localhost:{nginx_port}/api/v1/probe");
    let (mut ws, _) = tokio::time::timeout(
        STEP,
        tokio_tungstenite::client_async(request(&url, headers), tls),
    )
    .await
    .expect("upgrade timed out")
    .expect("upgrade through nginx");
    send_text(&mut ws, probe).await;
    collect(&mut ws).await
}

/// One probe session straight to the relay from `source`.
async fn direct(relay: &Relay, source: IpAddr, headers: &[(&str, &str)], probe: &str) -> Session {
    let tcp = tcp_from(source, relay.port).await;
    let (mut ws, _) = tokio::time::timeout(
        STEP,
        tokio_tungstenite::client_async(request(&relay.ws_url(""), headers), tcp),
    )
    .await
    .expect("upgrade timed out")
    .expect("upgrade");
    send_text(&mut ws, probe).await;
    collect(&mut ws).await
}

fn assert_report(s: &Session, what: &str, logs: &str) {
    let msgs = s.json();
    let last = msgs
        .last()
        .unwrap_or_else(|| panic!("{what}: no messages\n{logs}"));
    assert_eq!(last["type"], "report", "{what}: {:#?}\n{logs}", s.texts);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn behind_nginx_the_per_client_limit_counts_real_clients_and_forged_headers_are_ignored() {
    let target = closed_port();
    let target_s = target.to_string();
    let nginx_port = free_port();
    let public_url = format!("https://localhost:{nginx_port}");
    let relay = Relay::start(
        RelayOptions::args(&[
            "--allow",
            "127.0.0.0/8",
            "--allow-port",
            &target_s,
            "--trusted-proxy",
            "127.0.0.1/32",
            "--public-url",
            &public_url,
        ])
        .with_config("[limits]\nprobes_per_minute_per_client = 1\n"),
    )
    .await;
    let ca = TestCa::new();
    let nginx = nginx_proxy::start(&ca.issue_leaf(), nginx_port, relay.port);
    let probe = quick_probe(target);
    let origin = [("origin", public_url.as_str())];
    let logs = || format!("{}\n{}", relay.output(), nginx.logs());

    // Client A through nginx: admitted, then over its limit of one a minute.
    let a = via_nginx(&ca, nginx_port, ip("127.0.0.2"), &origin, &probe).await;
    assert_report(&a, "A's first probe", &logs());
    let a2 = via_nginx(&ca, nginx_port, ip("127.0.0.2"), &origin, &probe).await;
    assert!(a2.expect_error("limit.rate").contains("too many"));
    // A forged X-Forwarded-For through nginx: nginx appends A's address, the relay reads that.
    let forged = [
        ("origin", public_url.as_str()),
        ("x-forwarded-for", "198.51.100.7"),
        ("forwarded", "for=198.51.100.8"),
    ];
    let a3 = via_nginx(&ca, nginx_port, ip("127.0.0.2"), &forged, &probe).await;
    a3.expect_error("limit.rate");
    // Client B through the same nginx has a budget of its own: the relay does not count nginx.
    let b = via_nginx(&ca, nginx_port, ip("127.0.0.3"), &origin, &probe).await;
    assert_report(&b, "B's first probe", &logs());
    let out = relay.output();
    assert!(
        out.contains("127.0.0.2") && out.contains("127.0.0.3"),
        "the relay's log names the real clients:\n{out}"
    );

    // Client C straight to the relay, with a new forged address each time: counted as itself.
    let c = direct(
        &relay,
        ip("127.0.0.4"),
        &[("x-forwarded-for", "198.51.100.9")],
        &probe,
    )
    .await;
    assert_report(&c, "C's first probe", &logs());
    let c2 = direct(
        &relay,
        ip("127.0.0.4"),
        &[
            ("x-forwarded-for", "198.51.100.10"),
            ("forwarded", "for=198.51.100.11"),
        ],
        &probe,
    )
    .await;
    c2.expect_error("limit.rate");
    assert!(
        !relay.output().contains("198.51.100."),
        "a forged address reached the log:\n{}",
        relay.output()
    );
    drop(nginx);
}
