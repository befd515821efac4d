//! DNS rebinding against a loopback relay: a page at `evil.example` whose name now resolves to
//! 127.0.0.1 sends `Host: evil.example:PORT` and a matching `Origin`. The relay compares both
//! with the names it is served under, not with each other, and refuses: the WebSocket in-band
//! (`host.denied`), everything else with 421.

use crate::harness::{get_request, probe_request, raw_http, session, Relay, RelayOptions};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rebound_name_is_refused_and_the_relays_own_names_are_not() {
    let relay = Relay::start(RelayOptions::args(&[
        "--public-url",
        "http://rdpcheck.test:8080",
    ]))
    .await;
    let port = relay.port;
    let url = relay.ws_url("");
    let request = probe_request("127.0.0.1");
    let evil = format!("evil.example:{port}");
    let evil_origin = format!("http://evil.example:{port}");

    let s = session(&url, &[("Host", &evil), ("Origin", &evil_origin)], &request).await;
    let message = s.expect_error("host.denied");
    assert!(
        message.contains(&format!(
            "\"{evil}\" is not a name this relay is served under"
        )),
        "{message}"
    );

    // The relay's own names pass the host check (and get as far as the egress policy).
    for host in [
        format!("127.0.0.1:{port}"),
        format!("localhost:{port}"),
        format!("LocalHost:{port}"),
    ] {
        let origin = format!("http://{}", host.to_ascii_lowercase());
        let s = session(&url, &[("Host", &host), ("Origin", &origin)], &request).await;
        s.expect_error("policy.denied");
    }
    // A public URL is one of its names, with the URL's port (not the listen port).
    let s = session(
        &url,
        &[
            ("Host", "rdpcheck.test:8080"),
            ("Origin", "http://rdpcheck.test:8080"),
        ],
        &request,
    )
    .await;
    s.expect_error("policy.denied");

    // Plain HTTP: the API and, on loopback, the page and /healthz answer 421 to a foreign name.
    for path in ["/api/v1/key", "/metrics", "/healthz", "/", "/check"] {
        let (status, body) = raw_http(port, None, &get_request(path, &evil))
            .await
            .expect("an answer");
        assert_eq!(status, 421, "{path}: {body}");
        assert!(
            body.contains("is not a name this relay is served under"),
            "{path}: {body}"
        );
        let (status, body) = raw_http(port, None, &get_request(path, &format!("localhost:{port}")))
            .await
            .expect("an answer");
        assert_ne!(status, 421, "{path}: {body}");
    }
    // An absolute-form request target names the host too.
    let absolute = format!("GET http://{evil}/api/v1/key HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n");
    let (status, _) = raw_http(port, None, &absolute).await.expect("an answer");
    assert_eq!(status, 421);
}
